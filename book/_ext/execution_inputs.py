"""Local Sphinx extension: the one fingerprint of everything a chapter reads besides its own code.

jupyter-cache keys an execution on the chapter's code alone. A chapter also reads the data, the
shared code it imports (``schemas/``, ``book/ccbook/``), the book layout (``book/chapters.yml``), the
book configuration (``_config.yml``: the base URL in the JSON-LD, for one) and runs on the pinned
packages (``requirements.txt``, and what is actually installed). :func:`fingerprint` hashes all of
them; the execution cache lives in one folder per fingerprint (``parallel_execute``), so an edit to
any of them re-executes every chapter, and reverting it finds the older executions again.

The fingerprint follows content, never modification times (a checkout or a copy may keep or reset
them). At ``builder-inited`` it is computed once, kept as ``app.ccbook_inputs`` and exported to the
kernels as ``CCBOOK_INPUTS_FINGERPRINT`` (the build-information page prints it).
"""
from __future__ import annotations

import hashlib
import os
import sys
from importlib import metadata
from pathlib import Path

ENVIRONMENT = "CCBOOK_INPUTS_FINGERPRINT"
# Set by the build itself from the inputs, so not an input of their own.
DERIVED_SETTINGS = {ENVIRONMENT, "CCBOOK_VALIDATED_INPUTS", "CCBOOK_CHART_DIR"}
CODE_FOLDERS = ("schemas", "book/ccbook")
CONFIG_FILES = ("book/chapters.yml", "_config.yml", "requirements.txt")


def input_files(root: Path) -> list[tuple[str, Path]]:
    """(label, path) of every input file, in a fixed order; the label says which kind of input it is."""
    from schemas import data_dir
    found = []
    data = data_dir()
    found += [(f"data:{p.relative_to(data).as_posix()}", p) for p in sorted(data.rglob("*"))
              if p.is_file() and not p.name.startswith(".")]
    for folder in CODE_FOLDERS:
        found += [(f"code:{p.relative_to(root).as_posix()}", p) for p in sorted((root / folder).rglob("*.py"))
                  if p.is_file()]
    found += [(f"config:{name}", root / name) for name in CONFIG_FILES if (root / name).is_file()]
    return found


def fingerprint(root: Path) -> str:
    """sha256 over the inputs of every chapter (files under ``root``, the data folder, the Python
    version, the installed packages and the ``CCBOOK_*`` settings)."""
    digest = hashlib.sha256()

    def add(label: str, payload: bytes) -> None:
        digest.update(f"{label}\0{len(payload)}\0".encode())
        digest.update(payload)

    for label, path in input_files(root):
        add(label, path.read_bytes())
    add("python", sys.version.encode())
    # A set: with the repository on sys.path, the editable install's egg-info is found a second time.
    packages = sorted({f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions()})
    add("packages", "\n".join(packages).encode())
    settings = sorted(f"{k}={v}" for k, v in os.environ.items()
                      if k.startswith("CCBOOK_") and k not in DERIVED_SETTINGS)
    add("settings", "\n".join(settings).encode())
    return digest.hexdigest()


def compute(app) -> None:
    app.ccbook_inputs = fingerprint(Path(app.srcdir))
    os.environ[ENVIRONMENT] = app.ccbook_inputs


def setup(app):
    # Before every other builder-inited handler: the execution cache and the validation read it.
    app.connect("builder-inited", compute, priority=100)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
