"""``python -m schemas release {major,minor,patch} --note "..."``: record a new version in one step.

It appends data/releases.csv (date, data hash, schema hash), writes the CHANGELOG.md entry, sets
the version and date in CITATION.cff and regenerates datapackage.json, codebook.csv and the
bibliography. It refuses a kind that does not fit: a changed schema must be a major release, and
an unchanged one must not be. Every file is computed first and swapped in by rename, so an
interrupted release leaves the previous one intact.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sys
import textwrap
from pathlib import Path

from ..dataset import read_dataset
from ..files import write_all
from ..paths import ROOT, data_dir
from ..validate import validate_dataset
from .outputs import outputs
from .releases import ReleaseError, content_hash, read_releases, releases_path, schema_hash

KINDS = ("major", "minor", "patch")
COLUMNS = ["version", "date", "content_sha256", "schema_sha256"]
NOTE = re.compile(r"^[^\x00-\x1f<>`]{3,1000}$")


def citation_path() -> Path:
    return ROOT / "CITATION.cff"


def bump(version: str, kind: str) -> str:
    major, minor, patch = (int(p) for p in version.split("."))
    return {"major": f"{major + 1}.0.0", "minor": f"{major}.{minor + 1}.0", "patch": f"{major}.{minor}.{patch + 1}"}[kind]


def check_kind(kind: str, latest: dict, schema: str) -> None:
    changed = schema != latest["schema_sha256"]
    if changed and kind != "major":
        raise ReleaseError(f"the schema changed since {latest['version']}, so this must be a major release "
                           "(python -m schemas release major)")
    if not changed and kind == "major":
        raise ReleaseError(f"the schema is unchanged since {latest['version']}: use minor for new cases, results "
                           "or vocabulary terms, patch for corrections")


def releases_text(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def changelog_text(text: str, version: str, date: str, note: str) -> str:
    """The changelog with a new entry above the newest one (the file lists releases newest first)."""
    entry = f"## {version} — {date}\n\n{textwrap.fill(' '.join(note.split()), 100)}\n\n"
    match = re.search(r"^## ", text, flags=re.M)
    if match is None:
        return text.rstrip("\n") + "\n\n" + entry.rstrip("\n") + "\n"
    return text[:match.start()] + entry + text[match.start():]


def citation_text(text: str, version: str, date: str) -> str:
    for key, value in (("version", version), ("date-released", date)):
        text, count = re.subn(rf"^{key}: .*$", f'{key}: "{value}"', text, count=1, flags=re.M)
        if count != 1:
            raise ReleaseError(f"CITATION.cff has no '{key}:' line to update")
    return text


def plan(kind: str, note: str, today: str) -> dict[Path, str]:
    """The new text of every file a release changes. Raises ReleaseError when it must not happen."""
    if kind not in KINDS:
        raise ReleaseError(f"kind {kind!r} is not one of {', '.join(KINDS)}")
    if not NOTE.match(note.strip()):
        raise ReleaseError("--note must be 3 to 1000 characters of plain text (no markup or control characters)")
    dataset = read_dataset(data_dir())
    problems = validate_dataset(dataset)
    if problems:
        raise ReleaseError("the data does not validate; run python -m schemas validate and fix it first:\n"
                           + "\n".join(p.format() for p in problems[:20]))
    rows = read_releases()
    latest = rows[-1]
    content, schema = content_hash(), schema_hash()
    if content == latest["content_sha256"]:
        raise ReleaseError(f"nothing changed since {latest['version']}; there is nothing to release")
    check_kind(kind, latest, schema)
    if today < latest["date"]:
        raise ReleaseError(f"today ({today}) is before the last release ({latest['date']}); check the clock")
    version = bump(latest["version"], kind)
    release = {"version": version, "date": today, "content_sha256": content, "schema_sha256": schema}
    changelog = data_dir() / "CHANGELOG.md"
    return {releases_path(): releases_text([*rows, release]),
            changelog: changelog_text(changelog.read_text(encoding="utf-8"), version, today, note),
            citation_path(): citation_text(citation_path().read_text(encoding="utf-8"), version, today),
            **outputs(dataset, release)}


def release(kind: str, note: str, today: str | None = None) -> int:
    today = today or dt.date.today().isoformat()
    try:
        texts = plan(kind, note, today)
    except ReleaseError as err:
        print(f"release refused: {err}", file=sys.stderr)
        return 1
    write_all(texts)
    version = read_releases()[-1]["version"]
    print(f"released {version} ({kind}): updated " + ", ".join(sorted(p.name for p in texts))
          + ".\nCommit these files together with the data change.")
    return 0
