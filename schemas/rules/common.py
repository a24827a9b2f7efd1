"""What the rules across rows and tables share: row iteration with lines, and acknowledgeable failures."""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from ..dataset import display_path
from ..problem import Problem


@dataclass
class Failure:
    """A rule failure that a discrepancy row may acknowledge."""

    kind: str
    result_ids: frozenset[str]
    expected: float
    observed: float
    problem: Problem


def rows(dataset, name):
    table = dataset.tables[name]
    shown = display_path(table.path)
    for index, row in table.frame.iterrows():
        yield index, row, table.line(index), shown


def empty(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def lookup(frame: pd.DataFrame, key: str, value: str) -> dict:
    """A plain dict from one column to another, with missing values as None."""
    return {k: (None if empty(v) else v) for k, v in zip(frame[key], frame[value])}


def fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


def line_of(dataset, result_id: str) -> tuple[str, int]:
    table = dataset.tables["cohort_results"]
    index = table.frame.index[table.frame["result_id"] == result_id][0]
    return display_path(table.path), table.line(index)
