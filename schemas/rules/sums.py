"""Counts of parts add up to their whole: patient groups, disease subtypes and response grades."""
from __future__ import annotations

from collections import defaultdict

import pandas as pd

from ..rule import Rule
from .common import Failure, empty, fmt, line_of, lookup

SUBGROUPS = Rule("subgroups_add_up", "value", "subgroups {groups} add up to {observed}, not {expected}",
                 "subgroup counts that add up to the group's count (or a discrepancies.csv row stating the gap)",
                 table="cohort_results")
SUBTYPES = Rule("subtypes_add_up", "value", "subtypes add up to {observed}, not {expected}",
                "subtype counts that add up to the disease group's count", table="cohort_results")
DISEASES = Rule("diseases_add_up", "value", "patients by disease add up to {observed}, not {expected}",
                "counts by disease that add up to the number of included patients", table="cohort_results")
RESPONSES = Rule("responses_add_up", "value", "responses {grades} add up to {observed}, not the denominator {expected}",
                 "response counts that add up to (or stay within) the group treated", table="cohort_results")


def _count_rows(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["measure_id"] == "patients"]


def _sum_failure(dataset, rule, parent_id, child_ids, expected, observed, **fields) -> Failure:
    shown, line = line_of(dataset, parent_id)
    problem = rule.problem_at(shown, line, fmt(expected), expected=expected, observed=observed, **fields)
    return Failure("subgroups_do_not_sum", frozenset([parent_id, *child_ids]), expected, observed, problem)


def strata(dataset) -> list[Failure]:
    """Counts of groups marked as a partition add up to their parent group's count."""
    children = defaultdict(list)  # (parent, dimension) -> the groups that together make up the parent
    for row in dataset.frame("vocab_strata").itertuples():
        if row.partition == "yes" and not empty(row.parent_id):
            children[(row.parent_id, row.dimension)].append(row.stratum_id)
    counts = _count_rows(dataset.frame("cohort_results"))
    plain = counts[counts["actd_id"].isna() & counts["treatment_id"].isna() & counts["response_id"].isna()]
    failures = []
    for _, rows in plain.groupby("source_id"):
        by_stratum = {r.stratum_id: r for r in rows.itertuples() if not empty(r.stratum_id)}
        for (parent, _dimension), kids in children.items():
            present = [by_stratum[k] for k in kids if k in by_stratum]
            if parent not in by_stratum or not present or empty(by_stratum[parent].value):
                continue
            expected = by_stratum[parent].value
            known = [r.value for r in present if not empty(r.value)]
            observed = sum(known)
            if (len(known) == len(kids) and observed != expected) or observed > expected:
                failures.append(_sum_failure(
                    dataset, SUBGROUPS, by_stratum[parent].result_id, [r.result_id for r in present], expected,
                    observed, groups=", ".join(r.stratum_id for r in present)))
    return failures


def diseases(dataset) -> list[Failure]:
    """Per source: disease subtypes add up to their group, and all diseases to the cohort size."""
    parent = lookup(dataset.frame("vocab_actd"), "actd_id", "parent_id")
    counts = _count_rows(dataset.frame("cohort_results"))
    failures = []
    for _, rows in counts.groupby("source_id"):
        actd = rows[rows["actd_id"].notna() & rows["stratum_id"].isna() & rows["treatment_id"].isna()
                    & rows["response_id"].isna()]
        if actd.empty:
            continue
        by_actd = {r.actd_id: r for r in actd.itertuples()}
        for group, group_row in by_actd.items():
            kids = [r for a, r in by_actd.items() if parent.get(a) == group]
            if kids and not empty(group_row.value) and all(not empty(k.value) for k in kids):
                total = sum(k.value for k in kids)
                if total != group_row.value:
                    failures.append(_sum_failure(dataset, SUBTYPES, group_row.result_id, [k.result_id for k in kids],
                                                 group_row.value, total))
        included = rows[(rows["stratum_id"] == "included") & rows["actd_id"].isna() & rows["treatment_id"].isna()]
        if included.empty or empty(included.iloc[0]["value"]):
            continue
        leaves = [r for a, r in by_actd.items() if not any(parent.get(b) == a for b in by_actd)]
        if all(not empty(r.value) for r in leaves):
            total = sum(r.value for r in leaves)
            cohort = included.iloc[0]
            if total != cohort["value"]:
                failures.append(_sum_failure(dataset, DISEASES, cohort["result_id"], [r.result_id for r in leaves],
                                             cohort["value"], total))
    return failures


def responses(dataset) -> list[Failure]:
    """A complete set of response categories adds up to its denominator; a partial set stays within it.

    The sets are the scales of vocab_responses.csv (the grades, and the summary groupings)."""
    vocab = dataset.frame("vocab_responses")
    scales = [tuple(ids) for _, ids in vocab.groupby("scale", sort=False)["response_id"]]
    counts = _count_rows(dataset.frame("cohort_results"))
    found = counts[counts["response_id"].notna()]
    failures = []
    keys = ["source_id", "topic", "stratum_id", "treatment_id", "actd_id"]
    for _, rows in found.groupby(keys, dropna=False):
        for scale in scales:
            part = rows[rows["response_id"].isin(scale)]
            if part.empty:
                continue
            denominators = set(part["denominator"].dropna())
            if len(denominators) != 1:
                continue  # needs one denominator to be checkable
            expected = denominators.pop()
            known = part[part["value"].notna()]
            observed = known["value"].sum()
            if (set(known["response_id"]) == set(scale) and observed != expected) or observed > expected:
                shown, line = line_of(dataset, part.iloc[0]["result_id"])
                first = part.iloc[0]["value"]
                problem = RESPONSES.problem_at(shown, line, None if empty(first) else fmt(first),
                                               grades=", ".join(known["response_id"]), observed=observed,
                                               expected=expected)
                failures.append(Failure("subgroups_do_not_sum", frozenset(part["result_id"]), expected, observed, problem))
    return failures
