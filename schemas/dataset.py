"""Reading a data folder: every table of the schema, type-converted, with its problems."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .models import ALL_TABLES
from .paths import data_dir
from .problem import Problem
from .reader import Table, read_table

def column_dtypes(model) -> dict[str, str]:
    return {name: str(column.dtype) for name, column in model.to_schema().columns.items()}


def display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass
class Dataset:
    """All tables of one data folder, read and type-converted."""

    folder: Path
    tables: dict[str, Table] = field(default_factory=dict)

    def frame(self, name: str) -> pd.DataFrame | None:
        table = self.tables.get(name)
        return None if table is None else table.frame


def read_dataset(folder: Path, overrides: dict[str, Path] | None = None) -> Dataset:
    """Read every table from ``folder``; ``overrides`` substitutes named files for some tables.

    A table missing from a folder other than data_dir() is taken from there, so that
    a folder holding only the tables a contributor changed can be checked against the rest.
    """
    dataset = Dataset(folder)
    home = data_dir()
    overrides = overrides or {}
    for name, model in ALL_TABLES.items():
        path = overrides.get(name, folder / f"{name}.csv")
        if not path.exists():
            fallback = home / f"{name}.csv"
            if name not in overrides and fallback.exists() and folder.resolve() != home:
                path = fallback
            else:
                dataset.tables[name] = Table(name, path, None, [], [Problem(
                    display_path(path), 1, "(file)", None, "table file is missing",
                    f"every table must exist: {', '.join(t + '.csv' for t in ALL_TABLES)}")])
                continue
        dataset.tables[name] = read_table(path, name, column_dtypes(model), display_path(path))
    return dataset
