"""Rules for the evidence tables and for attributing facts read in another publication."""
from __future__ import annotations

from collections import Counter

from .reader import Problem

RATED_DESIGNS = ("case_report", "case_series")


def check(dataset) -> list[Problem]:
    from .models import TABLES  # noqa: F401  (loads the models before the evidence models they build on)
    from .evidence_models import DOMAINS
    from .rules import _empty, _rows
    out: list[Problem] = []
    sources = dataset.frame("sources").set_index("source_id")

    for name in ("cohort_results", "recommendations"):
        for _, row, line, shown in _rows(dataset, name):
            if not _empty(row["facts_via"]) and row["facts_via"] == row["source_id"]:
                out.append(Problem(shown, line, "facts_via", row["facts_via"], "repeats source_id",
                                   "empty, or the other publication the fact was read in"))

    for _, row, line, shown in _rows(dataset, "cases"):
        if _empty(row["interval_start"]) != _empty(row["years_actd_to_calcinosis"]):
            out.append(Problem(shown, line, "interval_start", None if _empty(row["interval_start"]) else row["interval_start"],
                               "must be given exactly when years_actd_to_calcinosis is",
                               "symptom_onset, diagnosis or presentation alongside the interval; empty without it"))

    for _, row, line, shown in _rows(dataset, "source_pages"):
        if row["source_id"] not in sources.index:
            continue  # reported as a foreign key
        for field in row["fields"].split(";"):
            if field != "case_facts" and _empty(sources.loc[row["source_id"], field]):
                out.append(Problem(shown, line, "fields", field, f"is empty in sources.csv for {row['source_id']}",
                                   "only fields that sources.csv records from this page"))

    graded = set(dataset.frame("evidence_levels")["source_id"])
    table = dataset.tables["sources"]
    from .validate import display_path
    for index, source_id in table.frame["source_id"].items():
        if source_id not in graded:
            out.append(Problem(display_path(table.path), table.line(index), "source_id", source_id,
                               "has no row in evidence_levels.csv", "every source graded on the OCEBM 2011 levels"))

    ratings = dataset.frame("quality_ratings")
    seen = Counter(zip(ratings["source_id"], ratings["domain"]))
    for _, row, line, shown in _rows(dataset, "quality_ratings"):
        if seen[(row["source_id"], row["domain"])] > 1:
            out.append(Problem(shown, line, "domain", row["domain"], f"is rated twice for {row['source_id']}",
                               "one row per source and domain"))
    rated = ratings.groupby("source_id")["domain"].agg(set).to_dict()
    for index, source_id in table.frame["source_id"].items():
        design = table.frame.loc[index, "design"]
        missing = [d for d in DOMAINS if d not in rated.get(source_id, set())]
        if (design in RATED_DESIGNS or source_id in rated) and missing:
            out.append(Problem(display_path(table.path), table.line(index), "source_id", source_id,
                               f"lacks a quality rating for {', '.join(missing)} in quality_ratings.csv",
                               "all four domains of Murad et al. (2018) for every case report and case series"))
    return out
