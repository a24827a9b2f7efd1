"""Where the data lives: the one definition, used by the validator, the book and the Sphinx extension."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """The dataset folder: ``data/`` in the repository, or ``$CCBOOK_DATA_DIR`` when tests redirect it."""
    return Path(os.environ.get("CCBOOK_DATA_DIR", ROOT / "data")).resolve()
