"""Calcinosis cutis open dataset: schema, validator and generators.

``python -m schemas validate [PATH ...]`` checks the data; ``python -m schemas generate`` writes
datapackage.json, codebook.csv and the book's bibliography from the models.
"""
from .models import TABLES

__all__ = ["TABLES"]
