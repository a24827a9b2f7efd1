"""The reference Frictionless validator (frictionless-py) accepts data/datapackage.json, with every
resource checked. frictionless pins libraries that clash with the book's, so it runs from its own
virtual environment, created once and cached (override the place with CCBOOK_FRICTIONLESS_VENV)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DATA
from schemas.models import MAY_BE_EMPTY, TABLES

VERSION = "5.21.0"
VENV = Path(os.environ.get("CCBOOK_FRICTIONLESS_VENV", Path.home() / ".cache" / "ccbook-frictionless-venv"))


@pytest.fixture(scope="module")
def frictionless() -> Path:
    tool = VENV / "bin" / "frictionless"
    python = VENV / "bin" / "python"
    installed = subprocess.run([str(python), "-c", "import frictionless; print(frictionless.__version__)"],
                               capture_output=True, text=True) if python.exists() else None
    if installed is None or installed.returncode != 0 or installed.stdout.strip() != VERSION:
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True, timeout=300)
        subprocess.run([str(python), "-m", "pip", "install", "-q", f"frictionless=={VERSION}"], check=True,
                       timeout=900)
    return tool


def report(tool: Path, package: Path) -> dict:
    done = subprocess.run([str(tool), "validate", "--json", str(package)], capture_output=True, text=True,
                          timeout=300, cwd=package.parent)
    return json.loads(done.stdout)


def test_the_data_package_is_valid_with_every_resource_checked(frictionless):
    result = report(frictionless, DATA / "datapackage.json")
    problems = [e["message"] for e in result["errors"]] + \
               [f"{t['name']}: {e['message']}" for t in result["tasks"] for e in t["errors"]]
    assert result["valid"], problems[:20]
    assert sorted(t["name"] for t in result["tasks"]) == sorted(TABLES)
    # Frictionless leaves "rows" out of the stats of a table with a header only; only the tables the
    # schema allows to be empty may be so.
    assert all(t["valid"] for t in result["tasks"])
    assert {t["name"] for t in result["tasks"] if not t["stats"].get("rows")} <= MAY_BE_EMPTY


def test_the_validator_notices_data_that_differs_from_the_package(frictionless, tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    cases = copy / "cases.csv"
    cases.write_text(cases.read_text(encoding="utf-8").replace(",female,", ",male,", 1), encoding="utf-8")
    result = report(frictionless, copy / "datapackage.json")
    assert not result["valid"]
    failed = [t for t in result["tasks"] if not t["valid"]]
    assert [t["name"] for t in failed] == ["cases"]
    assert any("hash" in e["type"] for e in failed[0]["errors"])
