"""The release log (data/releases.csv) and the fingerprints a release records.

Versioning follows the Frictionless data-package semver recipe: major for a schema change, minor
for new cases or results, patch for corrections.
"""
from __future__ import annotations

import json
from pathlib import Path

from ..hashing import sha256
from ..models import ALL_TABLES, TABLES
from ..paths import data_dir
from ..dataset import column_dtypes
from ..reader import read_table
from ..validate import model_problems
from .specs import field_specs


class ReleaseError(Exception):
    pass


def releases_path() -> Path:
    return data_dir() / "releases.csv"


def schema_hash() -> str:
    """sha256 of the schema alone (every table's columns, types, constraints and rules)."""
    return sha256(json.dumps({name: field_specs(model) for name, model in ALL_TABLES.items()},
                             sort_keys=True).encode())


def content_hash(folder: Path | None = None) -> str:
    """One hash over every data table and the schema, so a schema change also needs a new version.

    It hashes the folder data_dir() points at, so a redirected build reports its own data."""
    folder = folder or data_dir()
    parts = []
    for name, model in TABLES.items():
        parts.append(f"{name}:{sha256(folder / f'{name}.csv')}\n")
        parts.append(json.dumps(field_specs(model), sort_keys=True))
    return sha256("".join(parts).encode())


def read_releases(path: Path | None = None) -> list[dict]:
    """The release rows, oldest first; raises ReleaseError naming the line of any fault."""
    path = path or releases_path()
    model = ALL_TABLES["releases"]
    table = read_table(path, "releases", column_dtypes(model), str(path)) if path.exists() else None
    if table is None:
        raise ReleaseError(f"{path}: the release log is missing")
    problems = table.problems + (model_problems(model, table) if table.frame is not None else [])
    if problems:
        raise ReleaseError(problems[0].format())
    if table.frame.empty:
        raise ReleaseError(f"{path}: lists no release; run python -m schemas release major --note \"First release\"")
    return table.frame.astype(object).where(table.frame.notna(), "").to_dict("records")


def current_version() -> str:
    return read_releases()[-1]["version"]
