"""codebook.csv: one row per column of every table, in plain words, generated from the models."""
from __future__ import annotations

import csv
import io

from ..models import TABLES
from .specs import allowed_text, field_specs


def codebook_text() -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["table", "column", "type", "required", "unique", "description", "allowed"])
    for name, model in TABLES.items():
        for spec in field_specs(model):
            c = spec["constraints"]
            writer.writerow([name, spec["name"], spec["type"], "yes" if c["required"] else "no",
                             "yes" if c.get("unique") else "no", spec["description"], allowed_text(spec)])
    return buffer.getvalue()
