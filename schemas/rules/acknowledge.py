"""A published inconsistency is never fixed by loosening a rule. ``discrepancies.csv`` states
exactly which failure it acknowledges (the rule, the results involved, the expected and observed
numbers); any other failure, or an acknowledgement that no longer matches a failure, is reported."""
from __future__ import annotations

import math

from ..problem import Problem
from ..rule import Rule
from .common import Failure, empty, rows

STALE = Rule("acknowledged_failure_occurs", "discrepancy_id",
             "acknowledges a failure that does not occur (kind, result_ids, expected and observed must match it exactly)",
             "remove the row, or correct it to describe the current failure", table="discrepancies")

ACKNOWLEDGEABLE = ("subgroups_do_not_sum", "implausible_unit")


def check(dataset, failures: list[Failure]) -> list[Problem]:
    """Pass failures that a discrepancy row states exactly; report the rest and stale rows."""
    out = []
    used = set()
    discrepancies = list(rows(dataset, "discrepancies"))
    for failure in failures:
        match = next((index for index, row, _, _ in discrepancies if _states(row, failure)), None)
        if match is None:
            out.append(failure.problem)
        else:
            used.add(match)
    for index, row, line, shown in discrepancies:
        if row["kind"] in ACKNOWLEDGEABLE and index not in used:
            out.append(STALE.problem_at(shown, line, row["discrepancy_id"]))
    return out


def _states(row, failure: Failure) -> bool:
    ids = frozenset(row["result_ids"].split(";")) if not empty(row["result_ids"]) else frozenset()
    return (row["kind"] == failure.kind and ids == failure.result_ids
            and not empty(row["expected"]) and not empty(row["observed"])
            and math.isclose(row["expected"], failure.expected) and math.isclose(row["observed"], failure.observed))
