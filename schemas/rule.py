"""A validation rule written once: its id, the column it blames, and its words.

The same object feeds the validator's message, the codebook and datapackage.json (in the manner of
CFPB's regtech-data-validator), so a rule never has two wordings.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd

from .problem import Problem

RULES: dict[str, "Rule"] = {}


def _cell(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}"
    return str(value)


@dataclass(frozen=True)
class Rule:
    id: str
    column: str | None        # the column a failure is reported on (None: set by the check itself)
    problem: str | Callable[[dict], str]   # what is wrong; may name row fields as {column}
    allowed: str              # what is allowed; may name fields too; else also the codebook's wording
    table: str | None = None  # for rules across tables: the table whose column they blame
    doc: str | None = None    # the codebook's wording, where ``allowed`` names fields
    also: tuple[str, ...] = ()  # further "table.column" places a cross-table rule checks

    @property
    def places(self) -> tuple[str, ...]:
        """The "table.column" places a cross-table rule documents itself on."""
        return ((f"{self.table}.{self.column}",) if self.table else ()) + self.also

    @property
    def description(self) -> str:
        return self.doc or self.allowed

    def __post_init__(self) -> None:
        if self.id in RULES:
            raise ValueError(f"rule {self.id} is defined twice")
        RULES[self.id] = self

    def what(self, row: dict | None = None) -> str:
        """The problem sentence, with the row's own values filled in."""
        if callable(self.problem):
            return self.problem(row or {})
        return _fill(self.problem, row)

    def problem_at(self, file: str, line: int, value, column: str | None = None, **fields) -> Problem:
        """The Problem this rule reports at a place, its sentences filled with ``fields``."""
        return Problem(file, line, column or self.column, value, self.what(fields), _fill(self.allowed, fields))


def _fill(text: str, row: dict | None) -> str:
    return text.format(**{k: _cell(v) for k, v in row.items()}) if row else text
