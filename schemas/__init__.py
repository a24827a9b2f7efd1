"""Calcinosis cutis open dataset: schema, validator and generators.

``python -m schemas validate [PATH ...]`` checks the data; ``python -m schemas generate`` writes
datapackage.json, codebook.csv and the book's bibliography from the models.

The book and its Sphinx extension import only the names below (the facade); the modules behind
them may move without the book noticing. Imports are lazy so that ``import schemas`` stays cheap.
"""
from __future__ import annotations

from importlib import import_module

from .paths import data_dir

_FACADE = {
    "TABLES": ".models",
    "read_dataset": ".validate",        # read_dataset(folder) -> Dataset
    "validate_dataset": ".validate",    # validate_dataset(dataset) -> list[Problem]
    "data_fingerprint": ".validate",    # data_fingerprint(folder) -> str
    "content_hash": ".generate",        # content_hash() -> str, sha256 over the data tables
    "current_version": ".generate",     # current_version() -> str, newest row of releases.csv
    "evaluate_derivation": ".rules",    # evaluate_derivation(expression, values) -> float
    "sha256": ".generate",              # sha256(path) -> str, the one file-hashing helper
}

__all__ = ["data_dir", *_FACADE]


def __getattr__(name: str):
    if name in _FACADE:
        return getattr(import_module(_FACADE[name], __name__), name)
    raise AttributeError(f"module 'schemas' has no attribute {name!r}")
