"""A validation rule written once: its id, the column it blames, and its words.

The same object feeds the validator's message, the codebook and datapackage.json (in the manner of
CFPB's regtech-data-validator), so a rule never has two wordings.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd

RULES: dict[str, "Rule"] = {}


def _cell(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class Rule:
    id: str
    column: str | None        # the column a failure is reported on (None: set by the check itself)
    problem: str | Callable[[dict], str]   # what is wrong; may name row fields as {column}
    allowed: str              # what is allowed; also the rule's description in the codebook

    def __post_init__(self) -> None:
        if self.id in RULES:
            raise ValueError(f"rule {self.id} is defined twice")
        RULES[self.id] = self

    def what(self, row: dict | None = None) -> str:
        """The problem sentence, with the row's own values filled in."""
        if callable(self.problem):
            return self.problem(row or {})
        return self.problem.format(**{k: _cell(v) for k, v in (row or {}).items()}) if row else self.problem
