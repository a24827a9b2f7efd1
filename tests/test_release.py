"""`python -m schemas release`: one step from changed data to a recorded version, refusing a kind
that does not fit, never half-writing; and the whole contributor flow on a scratch copy."""
from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, tree_digest
from schemas.publish import outputs as outputs_module
from schemas.publish import release as release_module

NOTE = "Added the template case"


def scratch_repo(tmp_path: Path) -> Path:
    """The files a release touches, plus the code and the tests that check them."""
    target = tmp_path / "repo"
    for folder in ("schemas", "data"):
        shutil.copytree(ROOT / folder, target / folder, ignore=shutil.ignore_patterns("__pycache__"))
    (target / "book").mkdir()
    (target / "tests").mkdir()
    for name in ("CITATION.cff", "pyproject.toml", "book/references.bib", "tests/conftest.py",
                 "tests/test_generated_files.py"):
        shutil.copy2(ROOT / name, target / name)
    return target


def run(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=repo, capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(repo)})


def releases(repo: Path) -> list[dict]:
    with (repo / "data" / "releases.csv").open() as handle:
        return list(csv.DictReader(handle))


def test_add_case_then_release_then_the_checks_pass(tmp_path):
    repo = scratch_repo(tmp_path)
    before = releases(repo)[-1]["version"]
    added = run(repo, "-m", "schemas", "add-case", "schemas/case_template.yaml")
    assert added.returncode == 0, added.stdout + added.stderr
    assert "python -m schemas release minor" in added.stdout
    assert run(repo, "-m", "schemas", "generate", "--check").returncode == 1  # changed data, old version
    done = run(repo, "-m", "schemas", "release", "minor", "--note", NOTE)
    assert done.returncode == 0, done.stdout + done.stderr
    major, minor, _ = before.split(".")
    version = f"{major}.{int(minor) + 1}.0"
    latest = releases(repo)[-1]
    assert latest["version"] == version and re.fullmatch(r"[0-9a-f]{64}", latest["content_sha256"])
    assert f"## {version} — {latest['date']}\n\n{NOTE}" in (repo / "data" / "CHANGELOG.md").read_text()
    citation = (repo / "CITATION.cff").read_text()
    assert f'version: "{version}"' in citation and f'date-released: "{latest["date"]}"' in citation
    assert f'"version": "{version}"' in (repo / "data" / "datapackage.json").read_text()
    assert run(repo, "-m", "schemas", "validate").returncode == 0
    assert run(repo, "-m", "schemas", "generate", "--check").returncode == 0
    suite = run(repo, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_generated_files.py")
    assert suite.returncode == 0, suite.stdout[-3000:]


def test_release_refuses_what_does_not_fit(tmp_path):
    repo = scratch_repo(tmp_path)
    unchanged = tree_digest(repo / "data")
    nothing = run(repo, "-m", "schemas", "release", "patch", "--note", "nothing")
    assert nothing.returncode == 1 and "nothing to release" in nothing.stderr
    assert run(repo, "-m", "schemas", "add-case", "schemas/case_template.yaml").returncode == 0
    changed = tree_digest(repo / "data")
    major = run(repo, "-m", "schemas", "release", "major", "--note", "a case is not a schema change")
    assert major.returncode == 1 and "schema is unchanged" in major.stderr
    bad_note = run(repo, "-m", "schemas", "release", "minor", "--note", "<script>")
    assert bad_note.returncode == 1 and "--note" in bad_note.stderr
    # A schema change (a longer note column) must be major.
    cases = repo / "schemas" / "models" / "cases.py"
    cases.write_text(cases.read_text().replace('note("Cause of death if the patient died.", 120)',
                                               'note("Cause of death if the patient died.", 150)'))
    minor = run(repo, "-m", "schemas", "release", "minor", "--note", "sneaks a schema change in")
    assert minor.returncode == 1 and "must be a major release" in minor.stderr
    assert tree_digest(repo / "data") == changed != unchanged
    assert run(repo, "-m", "schemas", "release", "major", "--note", "Longer cause of death").returncode == 0


def test_an_interrupted_release_changes_nothing(tmp_path, monkeypatch, capsys):
    repo = scratch_repo(tmp_path)
    assert run(repo, "-m", "schemas", "add-case", "schemas/case_template.yaml").returncode == 0
    monkeypatch.setenv("CCBOOK_DATA_DIR", str(repo / "data"))
    monkeypatch.setattr(release_module, "citation_path", lambda: repo / "CITATION.cff")
    monkeypatch.setattr(outputs_module, "bibliography_path", lambda: repo / "book" / "references.bib")
    before = tree_digest(repo)
    real_replace = Path.replace
    calls = {"n": 0}

    def failing_replace(self, target):
        if self.name.endswith(".new"):
            calls["n"] += 1
            if calls["n"] == 3:  # two files are already swapped in when the third rename fails
                raise KeyboardInterrupt
        return real_replace(self, target)

    monkeypatch.setattr(Path, "replace", failing_replace)
    with pytest.raises(KeyboardInterrupt):
        release_module.release("minor", NOTE)
    monkeypatch.setattr(Path, "replace", real_replace)
    assert calls["n"] == 3
    assert tree_digest(repo) == before
    assert release_module.release("minor", NOTE) == 0
    assert releases(repo)[-1]["version"] != releases(ROOT)[-1]["version"]


GOOD = ("1.0.0", "2026-11-21", "a" * 64, "b" * 64)


@pytest.mark.parametrize("rows,line,column,says", [
    ([("1.0", *GOOD[1:])], 2, "version", "MAJOR.MINOR.PATCH"),
    ([GOOD, ("0.9.0", "2026-11-22", *GOOD[2:])], 3, "version", "not higher than the version on the row above"),
    ([GOOD, ("1.0.0", "2026-11-22", *GOOD[2:])], 3, "version", "is a duplicate"),
    ([("1.0.0", "2026-02-30", *GOOD[2:])], 2, "date", "not a real calendar date"),
    ([("1.0.0", "21/11/2026", *GOOD[2:])], 2, "date", "YYYY-MM-DD"),
    ([GOOD, ("1.1.0", "2026-01-01", *GOOD[2:])], 3, "date", "earlier than the release on the row above"),
    ([("1.0.0", "2026-11-21", "xyz", GOOD[3])], 2, "content_sha256", "64 lower-case hexadecimal"),
    ([("1.0.0", "2026-11-21", GOOD[2], "A" * 64)], 2, "schema_sha256", "64 lower-case hexadecimal"),
    ([], 1, "(file)", "has a header but no rows"),
])
def test_the_release_log_is_validated(rows, line, column, says, tmp_path, monkeypatch, capsys):
    from schemas.__main__ import main
    text = "version,date,content_sha256,schema_sha256\n" + "".join(",".join(r) + "\n" for r in rows)
    (tmp_path / "releases.csv").write_text(text)
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "releases.csv"]) == 1
    out = capsys.readouterr().out
    assert any(entry.startswith(f"releases.csv:{line}: {column}:") and says in entry for entry in out.splitlines()), out
