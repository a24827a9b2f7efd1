"""Generated files match a fresh generation, and changed data cannot keep an old version number.

A docstring is not a gate: these tests regenerate and diff."""
import csv
import json
import re

from conftest import DATA, ROOT
from schemas import generate


def test_generated_files_are_current():
    stale = [str(path.relative_to(ROOT)) for path, text in generate.outputs().items()
             if not path.exists() or path.read_text(encoding="utf-8") != text]
    assert not stale, f"out of date: {stale}. Run: python -m schemas generate"


def test_data_changes_need_a_new_version():
    latest = generate.read_releases()[-1]
    assert latest["content_sha256"] == generate.content_hash(), (
        f"data/ or the schema changed but version {latest['version']} was released with other data. "
        "Add a row to data/releases.csv, an entry to data/CHANGELOG.md, and run: python -m schemas generate")


def test_resource_hashes_in_the_datapackage_match_the_files():
    package = json.loads((DATA / "datapackage.json").read_text())
    for resource in package["resources"]:
        assert resource["hash"] == "sha256:" + generate.sha256(DATA / resource["path"]), resource["path"]
    assert package["version"] == generate.current_version()
    assert package["licenses"][0]["name"] == "CC-BY-4.0"


def test_changelog_has_a_dated_entry_for_every_release():
    text = (DATA / "CHANGELOG.md").read_text(encoding="utf-8")
    entries = re.findall(r"^## (\d+\.\d+\.\d+) — (\d{4}-\d{2}-\d{2})$", text, flags=re.M)
    with (DATA / "releases.csv").open() as handle:
        releases = [(r["version"], r["date"]) for r in csv.DictReader(handle)]
    assert entries == list(reversed(releases)), "CHANGELOG.md must list every release, newest first, with its date"


def test_citation_file_carries_the_data_version():
    citation = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(rf"^version: \"?{re.escape(generate.current_version())}\"?$", citation, flags=re.M)


def test_codebook_documents_every_column_of_every_table():
    with (DATA / "codebook.csv").open() as handle:
        rows = {(r["table"], r["column"]) for r in csv.DictReader(handle)}
    from schemas.models import TABLES
    expected = {(t, c) for t, m in TABLES.items() for c in m.to_schema().columns}
    assert rows == expected


def test_no_column_can_hold_names_or_initials():
    from schemas.models import TABLES
    forbidden = re.compile(r"name|initial|surname|address|phone|email|mrn|birth", re.I)
    for table, model in TABLES.items():
        for column in model.to_schema().columns:
            assert not forbidden.search(column), f"{table}.{column}"
