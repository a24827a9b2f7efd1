"""The one sha256 helper, and the fingerprint of a data folder built on it."""
from __future__ import annotations

import hashlib
from pathlib import Path


def sha256(data: bytes | Path) -> str:
    """Hex sha256 of bytes, or of a file's bytes."""
    return hashlib.sha256(data.read_bytes() if isinstance(data, Path) else data).hexdigest()


def data_fingerprint(folder: Path) -> str:
    """sha256 over every table file in a folder: equal fingerprints mean byte-identical data."""
    return sha256("".join(f"{p.name}:{sha256(p)}\n" for p in sorted(folder.glob("*.csv"))).encode())
