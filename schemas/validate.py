"""Validate a dataset: each table against its pandera model, then the rules across tables.

Everything is collected as :class:`~schemas.problem.Problem` records so a contributor sees every
problem at once, one line each, and never a traceback.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from . import rules
from .dataset import Dataset, column_dtypes, display_path, read_dataset  # noqa: F401 (tests/built_site.py)
from .models import ALL_TABLES, MAY_BE_EMPTY
from .paths import data_dir
from .problem import Problem
from .reader import Table
from .rule import RULES

__all__ = ["validate_dataset", "validate_paths", "read_dataset", "column_dtypes", "Dataset"]

BOUNDS = {"greater_than_or_equal_to": "at least {min_value}", "greater_than": "more than {min_value}",
          "less_than_or_equal_to": "at most {max_value}", "less_than": "less than {max_value}",
          "in_range": "between {min_value} and {max_value}"}


def validate_dataset(dataset: Dataset) -> list[Problem]:
    problems: list[Problem] = []
    for name, model in ALL_TABLES.items():
        table = dataset.tables.get(name)
        if table is None:
            continue
        problems += table.problems
        if table.frame is not None and table.frame.empty and not table.problems and name not in MAY_BE_EMPTY:
            problems.append(Problem(display_path(table.path), 1, "(file)", None, "has a header but no rows",
                                    "at least one row in every table"))
        elif table.frame is not None:
            problems += _checked(model, table)
    problems += rules.check(dataset, faulty_files={p.file for p in problems})
    return sorted(set(problems), key=lambda p: (p.file, p.line, p.column, p.problem))


# Model problems of tables read from files, by the table's content key (see reader.read_table).
_CHECKED: dict[str, list[Problem]] = {}


def _checked(model, table: Table) -> list[Problem]:
    if table.key is None:
        return model_problems(model, table)
    if table.key not in _CHECKED:
        if len(_CHECKED) > 256:
            _CHECKED.clear()
        _CHECKED[table.key] = model_problems(model, table)
    return _CHECKED[table.key]


def model_problems(model, table: Table) -> list[Problem]:
    schema = model.to_schema()
    try:
        schema.validate(table.frame, lazy=True)
        return []
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
    shown = display_path(table.path)
    problems = []
    seen_rows: set[tuple[str, int]] = set()
    for case in cases.itertuples(index=False):
        index = case.index if case.index is not None and not pd.isna(case.index) else None
        line = table.line(int(index)) if index is not None else 1
        rule = RULES.get(case.check) if case.schema_context == "DataFrameSchema" else None
        if rule is not None:  # a row rule: one problem per failing row, on the column it blames
            if index is None or (rule.id, int(index)) in seen_rows:
                continue
            seen_rows.add((rule.id, int(index)))
            row = table.frame.loc[int(index)].to_dict()
            problems.append(Problem(shown, line, rule.column, row.get(rule.column), rule.what(row), rule.allowed))
            continue
        column = case.column if isinstance(case.column, str) else "(row)"
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
        if value is None and any(p.column == column for p in table.problems):
            return None, None  # already reported as not a number
        return "is empty but required", "a value in every row"
    if check_name == "field_uniqueness":
        return "is a duplicate", "each value in this column must be unique"
    if col is None or check_number is None or pd.isna(check_number):
        return f"fails {check_name}", hint or "see the codebook"
    check = col.checks[int(check_number)]
    stats = check.statistics or {}
    if check.name == "age_category" and value and value.isdigit() and int(value) > 89:
        return RULES["age_over_89"].what(), RULES["age_over_89"].allowed
    if check.name in RULES:
        return RULES[check.name].what(), RULES[check.name].allowed
    if check.name == "isin":
        return "is not an allowed value", "allowed: " + ", ".join(map(str, stats["allowed_values"]))
    if check.name == "str_matches":
        return "does not have the expected form", hint or f"must match {stats['pattern']}"
    if check.name == "str_length":
        return f"is too long ({len(value or '')} characters)", f"at most {stats.get('max_value')} characters"
    if check.name in BOUNDS:
        return "is out of range", "allowed: " + BOUNDS[check.name].format(**stats)
    return f"fails {check.name}", hint or "see the codebook"


def validate_paths(paths: list[Path]) -> tuple[list[Problem], list[str]]:
    """Validate the data folder, other folders, or named table files. Returns problems and usage errors."""
    if not paths:
        paths = [data_dir()]
    usage: list[str] = []
    problems: list[Problem] = []
    named_files: dict[Path, dict[str, Path]] = {}
    for path in paths:
        if path.is_dir():
            problems += validate_dataset(read_dataset(path))
        elif path.suffix == ".csv" and path.stem in ALL_TABLES:
            named_files.setdefault(path.parent, {})[path.stem] = path
        elif path.exists():
            usage.append(f"{path}: not a table of this dataset; table files are "
                         + ", ".join(t + ".csv" for t in ALL_TABLES))
        else:
            usage.append(f"{path}: no such file or folder")
    for folder, overrides in named_files.items():
        shown = {display_path(p) for p in overrides.values()}
        dataset = read_dataset(folder, overrides)
        found = validate_dataset(dataset)
        problems += [p for p in found if p.file in shown]
        # Rows elsewhere that refer to an id the named files no longer hold: the named files broke them.
        broken = [p for name, model in ALL_TABLES.items() if name not in overrides and dataset.frame(name) is not None
                  for p in rules.references.check(model, dataset.tables[name], dataset, targets=set(overrides))]
        problems += broken
        elsewhere = sorted({p.file for p in found if p.file not in shown} - {p.file for p in broken})
        if elsewhere:  # the rules across tables could not run, so the named files are not proven valid
            problems += [Problem(file, 1, "(file)", None, "cannot be checked against the other tables, which have "
                                 f"problems of their own ({', '.join(elsewhere)})",
                                 "run python -m schemas validate on the whole folder and fix those first")
                         for file in sorted(shown)]
    return problems, usage
