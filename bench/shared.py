"""The test suite's site helpers (tests/built_site.py: build, serve, Lighthouse), for the benchmarks.

tests/ is not a package that gets installed, so the module is loaded from its file, once.
"""
from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def built_site():
    if "built_site" not in sys.modules:
        spec = importlib.util.spec_from_file_location("built_site", ROOT / "tests" / "built_site.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["built_site"] = module
        spec.loader.exec_module(module)
    return sys.modules["built_site"]


def fresh_copy(work: Path, name: str, revision: str = "HEAD") -> Path:
    """A clone at ``revision`` (committed files only): the pages' "last updated" dates come from git,
    so a copy without its history would not build."""
    target = work / name
    shutil.rmtree(target, ignore_errors=True)
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(target)], check=True)
    subprocess.run(["git", "-C", str(target), "checkout", "--quiet", "--detach", revision], check=True)
    return target
