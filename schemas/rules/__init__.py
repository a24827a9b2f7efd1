"""Rules across rows and tables. A rule on one row of one table lives on its model instead.

Each rule names the tables it reads and runs only when they read cleanly and passed their own
checks, so a fault is blamed on the file that holds it and a broken table never crashes a rule.
A new cross-table rule: a module here, and a line in RULES or ACKNOWLEDGEABLE below.
"""
from __future__ import annotations

from ..dataset import display_path
from ..models import ALL_TABLES
from ..problem import Problem
from . import acknowledge, cases, derivations, doses, evidence, measures, references, screening, sums, survival
from .derivations import evaluate_derivation

__all__ = ["check", "evaluate_derivation"]

RESULTS = "cohort_results"
RULES = [
    (measures.check, (RESULTS, "vocab_measures")),
    (derivations.check, (RESULTS,)),
    (survival.check, (RESULTS,)),
    (cases.also_in_aggregate, ("cases", "sources")),
    (cases.derived_fields, ("cases",)),
    (cases.duplicate_patients, ("cases", "sources", "case_treatments")),
    (doses.case_treatments, ("case_treatments", "vocab_treatments")),
    (evidence.page_fields, ("source_pages", "sources")),
    (evidence.levels, ("evidence_levels", "sources")),
    (evidence.quality, ("quality_ratings", "sources")),
    (screening.coverage, ("sources", "screening")),
    (screening.found_in, ("screening", "searches")),
    (screening.adverse_event_cases, ("adverse_events", "cases")),
]
# Failures a discrepancies.csv row may acknowledge (a fault printed in the source itself).
ACKNOWLEDGEABLE = [
    (sums.strata, (RESULTS, "vocab_strata")),
    (sums.diseases, (RESULTS, "vocab_actd")),
    (sums.responses, (RESULTS, "vocab_responses")),
    (doses.cohort_results, (RESULTS, "vocab_treatments", "vocab_measures")),
]


def check(dataset, faulty_files: set[str]) -> list[Problem]:
    """Foreign keys, then every rule whose tables are clean. ``faulty_files``: files with problems."""
    problems: list[Problem] = []
    for name, model in ALL_TABLES.items():
        table = dataset.tables.get(name)
        if table is not None and table.frame is not None:
            targets = [dataset.tables.get(t) for t in _referenced(model)]
            problems += _memo(dataset, references.check, [table, *targets], model, table, dataset)
    faulty = set(faulty_files) | {p.file for p in problems}
    clean = {name for name, table in dataset.tables.items()
             if table.frame is not None and display_path(table.path) not in faulty}

    def ready(tables) -> bool:
        return all(t in clean for t in tables)

    for rule, tables in RULES:
        if ready(tables):
            problems += _memo(dataset, rule, [dataset.tables[t] for t in tables], dataset)
    if all(ready(tables) for _, tables in ACKNOWLEDGEABLE) and ready(("discrepancies",)):
        failures = [f for rule, tables in ACKNOWLEDGEABLE
                    for f in _memo(dataset, rule, [dataset.tables[t] for t in tables], dataset)]
        problems += acknowledge.check(dataset, failures)
    return problems


def _referenced(model) -> set[str]:
    meta = [col.metadata or {} for col in model.to_schema().columns.values()]
    return {(m.get("references") or m.get("list_of")).split(".")[0] for m in meta if m.get("references") or m.get("list_of")}


# Results of a rule by the content keys of the tables it reads: re-validating after one file
# changed re-runs only the rules that read it. Tables built in code (key None) are never memoised.
_MEMO: dict[tuple, list] = {}


def _memo(dataset, rule, tables, *args) -> list:
    keys = tuple(t.key if t is not None else "absent" for t in tables)
    if any(k is None for k in keys):
        return rule(*args)
    memo_key = (rule.__module__, rule.__qualname__, keys)
    if memo_key not in _MEMO:
        if len(_MEMO) > 1024:
            _MEMO.clear()
        _MEMO[memo_key] = rule(*args)
    return _MEMO[memo_key]

