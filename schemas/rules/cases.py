"""Case rules that need another table or report several values per row."""
from __future__ import annotations

from ..dataset import display_path
from ..problem import Problem
from .common import empty, lookup

AGGREGATE_DESIGNS = ("cohort", "case_series")


def also_in_aggregate(dataset) -> list[Problem]:
    table = dataset.tables["cases"]
    frame, shown = table.frame, display_path(table.path)
    designs = lookup(dataset.frame("sources"), "source_id", "design")
    aggregate = frame["also_in_aggregate"]
    wrong = aggregate.notna() & ~aggregate.map(designs).isin(AGGREGATE_DESIGNS)
    return [Problem(shown, table.line(index), "also_in_aggregate", frame.at[index, "also_in_aggregate"],
                    "is not a cohort or case series",
                    "the source_id of a cohort or case series whose counts include this patient")
            for index in frame.index[wrong.fillna(False).astype(bool)]]


def derived_fields(dataset) -> list[Problem]:
    table = dataset.tables["cases"]
    frame, shown = table.frame, display_path(table.path)
    out = []
    for index, listed in frame["derived_fields"].dropna().items():
        for name in listed.split(";"):
            if name not in frame.columns:
                out.append(Problem(shown, table.line(index), "derived_fields", name, "is not a column of cases.csv",
                                   "names of columns in this table"))
            elif empty(frame.at[index, name]):
                out.append(Problem(shown, table.line(index), "derived_fields", name,
                                   "names a column that is empty in this row", "only columns that hold a derived value"))
    return out
