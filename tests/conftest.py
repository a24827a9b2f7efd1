"""Shared helpers: the repository layout and running the command line as a contributor would."""
from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
EXTENSIONS = ROOT / "book" / "_ext"


def book_extension(name: str):
    """A local Sphinx extension of book/_ext, imported under its own name as Sphinx imports it."""
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, EXTENSIONS / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def run_schemas(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "schemas", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A scratch copy of data/ that a test may change freely."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target
