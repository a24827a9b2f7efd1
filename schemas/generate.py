"""Generate datapackage.json, codebook.csv and book/references.bib from the models and the data.

``python -m schemas generate`` writes them; ``--check`` only says whether they are current. The
output is deterministic: the same data and models always give byte-identical files.

Versioning follows the Frictionless data-package semver recipe. ``data/releases.csv`` lists every
version with its date and the sha256 of the data it was released with. Data that changed after
its version was recorded needs a new release row; ``generate`` refuses to re-stamp an old version.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sys
from pathlib import Path

import pandas as pd

from .checks import AGE
from .models import TABLES
from .validate import DATA_DIR, read_dataset, validate_dataset

ROOT = DATA_DIR.parent
RELEASES = DATA_DIR / "releases.csv"
DATAPACKAGE = DATA_DIR / "datapackage.json"
CODEBOOK = DATA_DIR / "codebook.csv"
BIBLIOGRAPHY = ROOT / "book" / "references.bib"
SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")

LICENSE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0 International",
           "path": "https://creativecommons.org/licenses/by/4.0/"}
TYPES = {"Int64": "integer", "Float64": "number"}
CHECK_WORDS = {
    "no_formula_prefix": "must not start with = + - @, tab, CR or LF",
    "no_contact_details": "no e-mail addresses or telephone numbers",
    "no_day_dates": "no dates with a day (years only)",
    "no_identifier_numbers": "no runs of six or more digits",
    "safe_characters": "letters, digits and ordinary punctuation only; no markup",
    "age_category": "whole years 0 to 89, or 90+",
}


class ReleaseError(Exception):
    pass


# --------------------------------------------------------------------------- field descriptions
def field_specs(model) -> list[dict]:
    """Everything the generators need to know about each column, read from the pandera model."""
    specs = []
    for name, column in model.to_schema().columns.items():
        meta = column.metadata or {}
        constraints: dict = {"required": not column.nullable}
        checks = []
        for check in column.checks:
            stats = check.statistics or {}
            if check.name == "isin":
                constraints["enum"] = list(stats["allowed_values"])
            elif check.name == "str_matches":
                constraints["pattern"] = stats["pattern"]
            elif check.name == "str_length" and stats.get("max_value") is not None:
                constraints["maxLength"] = stats["max_value"]
            elif check.name in ("greater_than_or_equal_to", "greater_than"):
                constraints["minimum"] = stats["min_value"]
                if check.name == "greater_than":
                    constraints["exclusiveMinimum"] = True
            elif check.name in ("less_than_or_equal_to", "less_than"):
                constraints["maximum"] = stats["max_value"]
            elif check.name in CHECK_WORDS:
                checks.append(check.name)
                if check.name == "age_category":
                    constraints["pattern"] = AGE.pattern
        if column.unique:
            constraints["unique"] = True
        specs.append({"name": name, "type": TYPES.get(str(column.dtype), "string"),
                      "description": column.description or "", "constraints": constraints,
                      "references": meta.get("references"), "list_of": meta.get("list_of"),
                      "allowed": meta.get("allowed"), "checks": checks})
    return specs


def _allowed_text(spec: dict) -> str:
    c = spec["constraints"]
    parts = []
    if "enum" in c:
        parts.append("one of: " + ", ".join(map(str, c["enum"])))
    elif spec["allowed"]:
        parts.append(spec["allowed"])
    elif "pattern" in c:
        parts.append(f"matches {c['pattern']}")
    if "minimum" in c or "maximum" in c:
        lo = c.get("minimum", "")
        hi = c.get("maximum", "")
        parts.append(f"from {lo} to {hi}".replace("from  to", "up to").strip())
    if "maxLength" in c:
        parts.append(f"at most {c['maxLength']} characters")
    if spec["references"]:
        parts.append(f"must exist in {spec['references']}")
    if spec["list_of"]:
        parts.append(f"each item must exist in {spec['list_of']}")
    parts += [CHECK_WORDS[name] for name in spec["checks"]]
    return "; ".join(parts)


# --------------------------------------------------------------------------- hashing and releases
def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def content_hash() -> str:
    """One hash over every table and the schema, so a schema change also needs a new version."""
    digest = hashlib.sha256()
    for name, model in TABLES.items():
        digest.update(f"{name}:{sha256(DATA_DIR / f'{name}.csv')}\n".encode())
        digest.update(json.dumps(field_specs(model), sort_keys=True).encode())
    return digest.hexdigest()


def read_releases() -> list[dict]:
    with RELEASES.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if not rows:
        raise ReleaseError(f"{RELEASES.name} lists no release; add a row: version,date,content_sha256")
    versions = []
    for number, row in enumerate(rows, start=2):
        if not SEMVER.match(row.get("version", "")):
            raise ReleaseError(f"{RELEASES.name}:{number}: version {row.get('version')!r} is not MAJOR.MINOR.PATCH")
        if not re.match(r"^\d{4}-\d{2}-\d{2}$", row.get("date", "")):
            raise ReleaseError(f"{RELEASES.name}:{number}: date {row.get('date')!r} is not YYYY-MM-DD")
        versions.append(tuple(int(p) for p in row["version"].split(".")))
    if versions != sorted(set(versions)):
        raise ReleaseError(f"{RELEASES.name}: versions must increase from one row to the next")
    return rows


def current_version() -> str:
    return read_releases()[-1]["version"]


def stamp_release(check_only: bool) -> list[str]:
    """Record the data hash on the newest release row, refusing to change an already-stamped one."""
    rows = read_releases()
    latest = rows[-1]
    current = content_hash()
    if latest["content_sha256"] == current:
        return []
    if latest["content_sha256"]:
        raise ReleaseError(
            f"data/ changed after version {latest['version']} was released with it. Add a new row to "
            f"data/releases.csv (patch for a correction, minor for new cases or results, major for a schema "
            f"change), add a matching entry to data/CHANGELOG.md, then run: python -m schemas generate")
    if check_only:
        return [f"{RELEASES.name} (version {latest['version']} has no data hash yet)"]
    latest["content_sha256"] = current
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=["version", "date", "content_sha256"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    _write_atomic(RELEASES, buffer.getvalue())
    return [str(RELEASES.relative_to(ROOT))]


# --------------------------------------------------------------------------- outputs
def datapackage_text() -> str:
    release = read_releases()[-1]
    resources = []
    for name, model in TABLES.items():
        path = DATA_DIR / f"{name}.csv"
        specs = field_specs(model)
        fields = []
        for spec in specs:
            field = {"name": spec["name"], "type": spec["type"], "description": spec["description"],
                     "constraints": spec["constraints"]}
            if spec["list_of"]:
                field["x-list-of"] = spec["list_of"]
            if spec["checks"]:
                field["x-checks"] = spec["checks"]
            fields.append(field)
        schema = {"fields": fields, "missingValues": [""]}
        primary = next((s["name"] for s in specs if s["constraints"].get("unique") and s["constraints"]["required"]), None)
        if primary:
            schema["primaryKey"] = primary
        foreign = [{"fields": s["name"], "reference": dict(zip(("resource", "fields"), s["references"].split(".")))}
                   for s in specs if s["references"]]
        if foreign:
            schema["foreignKeys"] = foreign
        resources.append({
            "name": name, "path": f"{name}.csv", "profile": "tabular-data-resource",
            "title": name.replace("_", " ").capitalize(), "description": " ".join((model.__doc__ or "").split()),
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "bytes": path.stat().st_size, "hash": f"sha256:{sha256(path)}", "schema": schema})
    package = {
        "profile": "tabular-data-package",
        "name": "calcinosis-cutis-actd",
        "title": "Calcinosis cutis in autoimmune connective tissue disease: published results and cases",
        "description": "Every number the Mayo Clinic series of 78 patients (Balin et al. 2012) reports, with its "
                       "locator, and case-level records of patients described in published reports. Aggregates "
                       "stay aggregates: no patient-level record is invented.",
        "version": release["version"],
        "created": release["date"],
        "licenses": [LICENSE],
        "keywords": ["calcinosis cutis", "dermatomyositis", "systemic sclerosis", "lupus", "connective tissue disease"],
        "sources": [
            {"title": "Balin SJ, Wetter DA, Andersen LK, Davis MDP. Arch Dermatol. 2012;148(4):455-462",
             "path": "https://doi.org/10.1001/archdermatol.2011.2052"},
            {"title": "Chhaya S. Multiple skin nodules in a 64-year-old woman. The Clinical Picture. "
                      "Cleveland Clinic Journal of Medicine"},
        ],
        "contributors": [{"title": "Calcinosis Cutis Open Data Book contributors", "role": "author"}],
        "resources": resources,
    }
    return json.dumps(package, indent=2, ensure_ascii=False) + "\n"


def codebook_text() -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["table", "column", "type", "required", "unique", "description", "allowed"])
    for name, model in TABLES.items():
        for spec in field_specs(model):
            c = spec["constraints"]
            writer.writerow([name, spec["name"], spec["type"], "yes" if c["required"] else "no",
                             "yes" if c.get("unique") else "no", spec["description"], _allowed_text(spec)])
    return buffer.getvalue()


def _bib_escape(text: str) -> str:
    return re.sub(r"([&%$#_{}])", r"\\\1", text)


def _bib_author(name: str) -> str:
    name = name.strip()
    if name in ("et al", "et al."):
        return "others"
    parts = name.split()
    suffix = ""
    if len(parts) > 2 and parts[-1] in ("II", "III", "IV", "Jr"):
        suffix = parts.pop()
    if len(parts) > 1 and re.fullmatch(r"[A-Z]{1,3}", parts[-1]):
        initials = " ".join(f"{letter}." for letter in parts[-1])
        last = " ".join(parts[:-1])
        return f"{last}, {suffix}, {initials}" if suffix else f"{last}, {initials}"
    return "{" + name + "}"


def bibliography_text(sources) -> str:
    entries = []
    for row in sources.itertuples():
        def value(field):
            v = getattr(row, field)
            return None if pd.isna(v) else str(v)
        fields = {"author": " and ".join(_bib_author(a) for a in value("authors").split(", ")) if value("authors")
                  else "{Authors not available}",
                  "title": "{" + _bib_escape(value("title") or "Title not available") + "}"}
        kind = "article" if value("volume") else "misc"
        if value("container"):
            fields["journal" if kind == "article" else "howpublished"] = _bib_escape(value("container"))
        for field in ("year", "volume", "pages"):
            if value(field):
                fields[field] = value(field).replace("-", "--") if field == "pages" else value(field)
        if value("issue"):
            fields["number"] = value("issue")
        if value("doi"):
            fields["doi"] = value("doi")
        if value("pmid"):
            fields["note"] = f"PMID {value('pmid')}" + (" (unverified)" if value("pmid_status") == "unverified" else "")
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items())
        entries.append(f"@{kind}{{{row.source_id},\n{body}\n}}\n")
    header = "% Generated from data/sources.csv by `python -m schemas generate`. Do not edit by hand.\n\n"
    return header + "\n".join(entries)


def _write_atomic(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8", newline="\n")
    temporary.replace(path)


def outputs(dataset=None) -> dict[Path, str]:
    dataset = dataset or read_dataset(DATA_DIR)
    return {DATAPACKAGE: datapackage_text(), CODEBOOK: codebook_text(),
            BIBLIOGRAPHY: bibliography_text(dataset.frame("sources"))}


def generate(check_only: bool = False) -> int:
    dataset = read_dataset(DATA_DIR)
    problems = validate_dataset(dataset)
    if problems:
        for problem in problems:
            print(problem.format())
        print("\nThe data does not validate; fix it before generating.", file=sys.stderr)
        return 1
    # Computed in full before anything is written. Stamping a release records its hash only; the
    # datapackage carries the version and date, which stamping does not change.
    generated = outputs(dataset)
    try:
        stale = stamp_release(check_only)
    except ReleaseError as err:
        print(f"release error: {err}", file=sys.stderr)
        return 1
    for path, text in generated.items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            stale.append(str(path.relative_to(ROOT)))
            if not check_only:
                _write_atomic(path, text)
    if check_only and stale:
        print("out of date: " + ", ".join(stale) + ". Run: python -m schemas generate")
        return 1
    print(("wrote " + ", ".join(stale)) if stale else "all generated files are up to date.")
    return 0
