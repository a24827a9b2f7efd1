"""Case rules that need another table or report several values per row."""
from __future__ import annotations

from ..dataset import display_path
from ..problem import Problem
from ..rule import Rule
from .common import empty, lookup

NOT_AN_AGGREGATE = Rule("also_in_aggregate_is_a_series", "also_in_aggregate", "is not a cohort or case series",
                        "the source_id of a cohort or case series whose counts include this patient", table="cases")
NOT_A_COLUMN = Rule("derived_fields_are_columns", "derived_fields", "is not a column of cases.csv",
                    "names of columns in this table", table="cases")
DERIVED_EMPTY = Rule("derived_fields_hold_values", "derived_fields", "names a column that is empty in this row",
                     "only columns that hold a derived value", table="cases")

AGGREGATE_DESIGNS = ("cohort", "case_series")


def also_in_aggregate(dataset) -> list[Problem]:
    table = dataset.tables["cases"]
    frame, shown = table.frame, display_path(table.path)
    designs = lookup(dataset.frame("sources"), "source_id", "design")
    aggregate = frame["also_in_aggregate"]
    wrong = aggregate.notna() & ~aggregate.map(designs).isin(AGGREGATE_DESIGNS)
    return [NOT_AN_AGGREGATE.problem_at(shown, table.line(index), frame.at[index, "also_in_aggregate"])
            for index in frame.index[wrong.fillna(False).astype(bool)]]


def derived_fields(dataset) -> list[Problem]:
    table = dataset.tables["cases"]
    frame, shown = table.frame, display_path(table.path)
    out = []
    for index, listed in frame["derived_fields"].dropna().items():
        for name in listed.split(";"):
            if name not in frame.columns:
                out.append(NOT_A_COLUMN.problem_at(shown, table.line(index), name))
            elif empty(frame.at[index, name]):
                out.append(DERIVED_EMPTY.problem_at(shown, table.line(index), name))
    return out
