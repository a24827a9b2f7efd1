"""Local Sphinx extension: validate the dataset once per build, before any chapter runs.

The chapter kernels of the build then skip their own validation (``CCBOOK_VALIDATED_INPUTS``, read by
book/ccbook/data.py). A build with nothing to read (no change) skips it: any data change changes the
inputs fingerprint (execution_inputs), which makes every chapter be read again, so invalid data never
goes unseen. Invalid data fails the build with every problem listed, one per line.
"""
from __future__ import annotations

import os

UNVALIDATED = "CCBOOK_UNVALIDATED_DATA_FOR_TESTS"


def validate_once(app, env, docnames) -> None:
    if not docnames or os.environ.get(UNVALIDATED) == "1":
        return
    from schemas import data_dir, read_dataset, validate_dataset
    from sphinx.errors import ExtensionError
    problems = validate_dataset(read_dataset(data_dir()))
    if problems:
        raise ExtensionError("the dataset does not validate; fix it before building:\n"
                             + "\n".join(p.format() for p in problems[:50]))
    os.environ["CCBOOK_VALIDATED_INPUTS"] = app.ccbook_inputs


def setup(app):
    app.setup_extension("execution_inputs")
    app.connect("env-before-read-docs", validate_once, priority=400)  # before parallel_execute runs chapters
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
