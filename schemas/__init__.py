"""Calcinosis cutis open dataset: schema, validator and generators.

``python -m schemas validate [PATH ...]`` checks the data; ``generate`` writes datapackage.json,
codebook.csv and the book's bibliography from the models; ``add-case`` adds a published case from
a YAML file; ``release`` records a new version.

Where to look: a table's columns and single-table rules, schemas/models/<family>.py; a rule
across tables, schemas/rules/; reading CSV, reader.py and dataset.py; validating, validate.py;
publishing, schemas/publish/ and generate.py; contributing, add_case.py and release.py.

The book and its Sphinx extension import only the names below (the facade); the modules behind
them may move without the book noticing. Imports are lazy so that ``import schemas`` stays cheap.
"""
from __future__ import annotations

from importlib import import_module

from .paths import data_dir

_FACADE = {
    "TABLES": ".models",
    "read_dataset": ".dataset",               # read_dataset(folder) -> Dataset
    "validate_dataset": ".validate",          # validate_dataset(dataset) -> list[Problem]
    "content_hash": ".publish.releases",      # content_hash() -> str, sha256 over data_dir()'s tables and the schema
    "current_version": ".publish.releases",   # current_version() -> str, newest row of releases.csv
    "evaluate_derivation": ".rules.derivations",  # evaluate_derivation(expression, values) -> float
    "sha256": ".hashing",                     # sha256(bytes or path) -> str, the one hashing helper
    "FOUND_VIA": ".models.screening",         # {found_via id: how PRISMA 2020 words that route}
    "READ_TEXTS": ".models.screening",        # the text_read values that let a record be assessed
}

__all__ = ["data_dir", *_FACADE]


def __getattr__(name: str):
    if name in _FACADE:
        return getattr(import_module(_FACADE[name], __name__), name)
    raise AttributeError(f"module 'schemas' has no attribute {name!r}")
