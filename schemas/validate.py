"""Validate the dataset: file format, pandera models, foreign keys and the dataset rules.

Everything is collected as :class:`~schemas.reader.Problem` records so a contributor sees every
problem at once, one line each, and never a traceback.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from . import rules
from .checks import MESSAGES
from .models import TABLES
from .reader import Problem, Table, read_table

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def data_fingerprint(folder: Path) -> str:
    """sha256 over every table file in a folder: equal fingerprints mean byte-identical data."""
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.csv")):
        digest.update(path.name.encode() + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def column_dtypes(model) -> dict[str, str]:
    return {name: str(column.dtype) for name, column in model.to_schema().columns.items()}


@dataclass
class Dataset:
    """All tables of one data folder, read and type-converted."""

    folder: Path
    tables: dict[str, Table] = field(default_factory=dict)

    def frame(self, name: str) -> pd.DataFrame | None:
        table = self.tables.get(name)
        return None if table is None else table.frame


def display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def read_dataset(folder: Path, overrides: dict[str, Path] | None = None) -> Dataset:
    """Read every table from ``folder``; ``overrides`` substitutes named files for some tables."""
    dataset = Dataset(folder)
    overrides = overrides or {}
    for name, model in TABLES.items():
        path = overrides.get(name, folder / f"{name}.csv")
        if not path.exists():
            fallback = DATA_DIR / f"{name}.csv"
            if name not in overrides and fallback.exists() and folder.resolve() != DATA_DIR.resolve():
                path = fallback
            else:
                dataset.tables[name] = Table(name, path, None, [], [Problem(
                    display_path(path), 1, "(file)", None, "table file is missing",
                    f"every table must exist: {', '.join(t + '.csv' for t in TABLES)}")])
                continue
        dataset.tables[name] = read_table(path, name, column_dtypes(model), display_path(path))
    return dataset


def check_models(dataset: Dataset) -> list[Problem]:
    problems: list[Problem] = []
    for name, model in TABLES.items():
        table = dataset.tables[name]
        problems += table.problems
        if table.frame is None:
            continue
        problems += _pandera_problems(model, table)
        problems += _reference_problems(model, table, dataset)
    return problems


def validate_dataset(dataset: Dataset) -> list[Problem]:
    problems = check_models(dataset)
    if all(t.frame is not None for t in dataset.tables.values()):
        problems += rules.check(dataset)
    return sorted(set(problems), key=lambda p: (p.file, p.line, p.column, p.problem))


def _pandera_problems(model, table: Table) -> list[Problem]:
    schema = model.to_schema()
    try:
        schema.validate(table.frame, lazy=True)
        return []
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
    shown = display_path(table.path)
    problems = []
    for case in cases.itertuples(index=False):
        column = case.column if isinstance(case.column, str) else "(row)"
        index = case.index if case.index is not None and not pd.isna(case.index) else None
        line = table.line(int(index)) if index is not None else 1
        value = None if case.failure_case is None or pd.isna(case.failure_case) else str(case.failure_case)
        if value is not None and isinstance(case.failure_case, float) and case.failure_case.is_integer():
            value = str(int(case.failure_case))
        what, allowed = _explain(schema, column, case.check, case.check_number, table, value)
        if what is None:
            continue
        problems.append(Problem(shown, line, column, value, what, allowed))
    return problems


def _explain(schema, column: str, check_name: str, check_number, table: Table, value):
    col = schema.columns.get(column)
    hint = (col.metadata or {}).get("allowed") if col is not None else None
    if check_name == "not_nullable":
        if value is None and _has_conversion_problem(table, column):
            return None, None  # already reported as not a number
        return "is empty but required", "a value in every row"
    if check_name == "field_uniqueness":
        return "is a duplicate", "each value in this column must be unique"
    if col is None or check_number is None or pd.isna(check_number):
        return f"fails {check_name}", hint or "see the codebook"
    check = col.checks[int(check_number)]
    stats = check.statistics or {}
    if check.name in MESSAGES:
        what, allowed = MESSAGES[check.name]
        if check.name == "age_category" and value and value.isdigit() and int(value) > 89:
            return "is an age over 89", "ages over 89 are stored as 90+ (HIPAA Safe Harbor)"
        return what, allowed
    if check.name == "isin":
        return "is not an allowed value", "allowed: " + ", ".join(map(str, stats["allowed_values"]))
    if check.name == "str_matches":
        return "does not have the expected form", hint or f"must match {stats['pattern']}"
    if check.name == "str_length":
        return f"is too long ({len(value or '')} characters)", f"at most {stats.get('max_value')} characters"
    bounds = {"greater_than_or_equal_to": "at least {min_value}", "greater_than": "more than {min_value}",
              "less_than_or_equal_to": "at most {max_value}", "less_than": "less than {max_value}",
              "in_range": "between {min_value} and {max_value}"}
    if check.name in bounds:
        return "is out of range", "allowed: " + bounds[check.name].format(**stats)
    return f"fails {check.name}", hint or "see the codebook"


def _has_conversion_problem(table: Table, column: str) -> bool:
    return any(p.column == column for p in table.problems)


def _reference_problems(model, table: Table, dataset: Dataset) -> list[Problem]:
    """Foreign keys and ;-separated lists declared in the model's field metadata (vectorised)."""
    problems = []
    shown = display_path(table.path)
    for column, col in model.to_schema().columns.items():
        meta = col.metadata or {}
        target = meta.get("references") or meta.get("list_of")
        if not target:
            continue
        other, key = target.split(".")
        frame = dataset.frame(other)
        if frame is None:
            continue
        known = set(frame[key].dropna())
        values = table.frame[column].dropna()
        if "list_of" in meta:
            items = values.str.split(";").explode()
            per_row = items.groupby(level=0)
            repeated = values[(per_row.size() != per_row.nunique()).reindex(values.index, fill_value=False)]
            for index, value in repeated.items():
                problems.append(Problem(shown, table.line(index), column, value, "lists the same value twice", "each value once"))
        else:
            items = values
        for index, item in items[~items.isin(known)].items():
            problems.append(Problem(shown, table.line(index), column, item, f"does not exist in {other}.csv",
                                    f"a {key} listed in {other}.csv (add it there first, or fix the spelling)"))
    return problems


def validate_paths(paths: list[Path]) -> tuple[list[Problem], list[str]]:
    """Validate the data folder, other folders, or named table files. Returns problems and usage errors."""
    if not paths:
        paths = [DATA_DIR]
    usage: list[str] = []
    problems: list[Problem] = []
    named_files: dict[Path, dict[str, Path]] = {}
    for path in paths:
        if path.is_dir():
            problems += validate_dataset(read_dataset(path))
        elif path.suffix == ".csv" and path.stem in TABLES:
            named_files.setdefault(path.parent, {})[path.stem] = path
        elif path.exists():
            usage.append(f"{path}: not a table of this dataset; table files are "
                         + ", ".join(t + ".csv" for t in TABLES))
        else:
            usage.append(f"{path}: no such file or folder")
    for folder, overrides in named_files.items():
        shown = {display_path(p) for p in overrides.values()}
        found = validate_dataset(read_dataset(folder, overrides))
        problems += [p for p in found if p.file in shown]
    return problems, usage
