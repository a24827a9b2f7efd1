"""Building blocks shared by the table models: column kinds and the strict table base class.

Conventions read by the validator and the generators through ``Field(metadata=...)``:
- ``references``: "table.column" that every value must exist in (a foreign key);
- ``references_where``: {column: value} narrowing the referenced rows (e.g. response grades only);
- ``list_of``: the column holds ``;``-separated values, each existing in "table.column";
- ``allowed``: a plain-language description of the allowed values, used in error messages.
"""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from . import text_checks  # noqa: F401  (registers the custom check methods)
from .text_checks import AGE_CATEGORY, free_text

ID = r"^[a-z][a-z0-9_]*$"
YES_NO_NR = ["yes", "no", "not_reported"]
LOCATOR = r"^[A-Z][A-Za-z0-9 ,;()'/.–-]*(?: › [A-Za-z0-9 ,;()'/.–-]+)*$"
LOCATOR_ALLOWED = "a section path such as 'Results › Survival' or 'Abstract' (letters, digits, › between levels)"

Int = Series[pd.Int64Dtype]
Float = Series[pd.Float64Dtype]
Text = Series[str]


def ident(description: str, **kwargs) -> object:
    kwargs.setdefault("str_length", {"max_value": 60})
    return pa.Field(str_matches=ID, description=description,
                    metadata={"allowed": "lower-case letters, digits and _ (starting with a letter)",
                              **kwargs.pop("metadata", {})}, **kwargs)


def ref(table_column: str, description: str, where: dict | None = None, **kwargs) -> object:
    metadata = {"references": table_column, **({"references_where": where} if where else {})}
    return pa.Field(description=description, metadata=metadata, **kwargs)


def note(description: str = "Short note in our own words; never text copied from a source.",
         max_length: int = 300) -> object:
    return pa.Field(nullable=True, description=description, **free_text(max_length=max_length))


def label(max_length: int) -> object:
    """A vocabulary row's name as readers see it."""
    return pa.Field(description="Name shown to readers.", **free_text(max_length=max_length))


def definition() -> object:
    return pa.Field(description="Definition in our own words.", **free_text(max_length=300))


def locator(description: str) -> object:
    return pa.Field(str_matches=LOCATOR, description=description, metadata={"allowed": LOCATOR_ALLOWED},
                    **free_text(max_length=120))


URL = r"^https?://[^\s\"',<>]+$"
URL_ALLOWED = "a full http(s) address without spaces, quotes, commas or angle brackets"
DAY = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def url(description: str, nullable: bool = False) -> object:
    return pa.Field(nullable=nullable, str_matches=URL, str_length={"max_value": 300}, description=description,
                    metadata={"allowed": URL_ALLOWED})


def age(description: str) -> object:
    return pa.Field(nullable=True, age_category=(), description=description,
                    metadata={"allowed": AGE_CATEGORY.allowed})


def failing(mask: pd.Series) -> pd.Series:
    """A pandera row-check result from a mask of failing rows (NA counts as passing)."""
    return ~mask.fillna(False).astype(bool)


class StrictTable(pa.DataFrameModel):
    class Config:
        strict = True      # no extra columns
        ordered = True     # columns in the documented order
        coerce = False     # the reader converts types itself and reports every failure by line
