"""The one sha256 helper."""
from __future__ import annotations

import hashlib
from pathlib import Path


def sha256(data: bytes | Path) -> str:
    """Hex sha256 of bytes, or of a file's bytes."""
    return hashlib.sha256(data.read_bytes() if isinstance(data, Path) else data).hexdigest()

