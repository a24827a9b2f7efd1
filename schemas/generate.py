"""``python -m schemas generate``: write datapackage.json, codebook.csv and book/references.bib
from the models and the data; ``--check`` only says whether they are current. The output is
deterministic: the same data and models always give byte-identical files.

The version and date stamped into them come from the newest row of data/releases.csv; data that
changed after that release needs a new one (``python -m schemas release``), never a re-stamp.
"""
from __future__ import annotations

import sys
from pathlib import Path

from .dataset import read_dataset
from .files import write_all
from .hashing import sha256  # noqa: F401  (the book's build page hashes files with it)
from .paths import ROOT, data_dir
from .publish.bibliography import bibliography_text  # noqa: F401  (tests render sources with it)
from .publish.outputs import outputs
from .publish.releases import ReleaseError, content_hash, current_version, read_releases  # noqa: F401
from .validate import validate_dataset


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def generate(check_only: bool = False) -> int:
    dataset = read_dataset(data_dir())
    problems = validate_dataset(dataset)
    if problems:
        for problem in problems:
            print(problem.format())
        print("\nThe data does not validate; fix it before generating.", file=sys.stderr)
        return 1
    try:
        latest = read_releases()[-1]
    except ReleaseError as err:
        print(f"release error: {err}", file=sys.stderr)
        return 1
    if latest["content_sha256"] != content_hash():
        print(f"release error: data/ or the schema changed after version {latest['version']} was released. "
              "Run: python -m schemas release {major,minor,patch} --note \"what changed\" "
              "(major for a schema change, minor for new cases or results, patch for corrections)", file=sys.stderr)
        return 1
    stale = {path: text for path, text in outputs(dataset, latest).items()
             if not path.exists() or path.read_text(encoding="utf-8") != text}
    if check_only and stale:
        print("out of date: " + ", ".join(map(_shown, stale)) + ". Run: python -m schemas generate")
        return 1
    if stale:
        write_all(stale)
    print(("wrote " + ", ".join(map(_shown, stale))) if stale else "all generated files are up to date.")
    return 0
