"""A problem found in the data: where it is, what is wrong and what is allowed."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    column: str
    value: str | None
    problem: str
    allowed: str

    def __post_init__(self) -> None:
        # Rules pass cells straight from the frame: NA means "no value", numbers are shown as text.
        value = self.value
        if value is not None and not isinstance(value, str):
            value = None if pd.isna(value) else str(value)
        object.__setattr__(self, "value", value)

    def format(self) -> str:
        shown = "" if self.value is None else f"{_show(self.value)} — "
        return f"{self.file}:{self.line}: {self.column}: {shown}{self.problem}; {self.allowed}"


def _show(value: str, limit: int = 60) -> str:
    text = value if len(value) <= limit else value[:limit] + "…"
    return repr(text) if text else "(empty)"
