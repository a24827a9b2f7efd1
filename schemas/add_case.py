"""``python -m schemas add-case case.yaml``: add one published case and its treatment episodes.

The new rows are validated together with the whole dataset in a scratch copy before anything in
data/ is touched; then every changed file is replaced by rename, and restored if any step fails.
"""
from __future__ import annotations

import csv
import io
import shutil
import sys
import tempfile
from pathlib import Path

import pandas as pd
import yaml

from .dataset import read_dataset
from .files import write_all
from .models import ALL_TABLES, TABLES
from .paths import data_dir as default_data_dir
from .problem import Problem
from .validate import validate_dataset

TEMPLATE = Path(__file__).with_name("case_template.yaml")
CASE_COLUMNS = [c for c in TABLES["cases"].to_schema().columns if c != "case_id"]
TREATMENT_COLUMNS = [c for c in TABLES["case_treatments"].to_schema().columns if c not in ("episode_id", "case_id")]
SOURCE_COLUMNS = list(TABLES["sources"].to_schema().columns)
# The YAML's new_terms section: vocabulary rows a case needs that the vocabularies lack yet.
NEW_TERMS = {"treatments": "vocab_treatments", "body_sites": "vocab_body_sites", "diseases": "vocab_actd"}
SECTIONS = ("source", "screening", "case", "treatments", "adverse_events", "new_terms", "evidence")
SCREENING_KEYS = ["found_via", "found_in", "text_read", "url", "note"]
EVENT_KEYS = [c for c in TABLES["adverse_events"].to_schema().columns
              if c not in ("adverse_event_id", "source_id", "case_id")]
LEVEL_COLUMNS = [c for c in TABLES["evidence_levels"].to_schema().columns if c != "source_id"]
DOMAINS = ("selection", "ascertainment", "causality", "reporting")


class CaseFileError(Exception):
    pass


def _cell(value) -> str:
    """YAML value to CSV text. YAML 1.1 reads yes/no as booleans; the dataset spells them out."""
    if value is None:
        return ""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, list):
        return ";".join(_cell(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _record(mapping, allowed: list[str], where: str, required: tuple[str, ...] = ()) -> dict[str, str]:
    if not isinstance(mapping, dict):
        raise CaseFileError(f"{where}: must be a mapping of column: value")
    unknown = [k for k in mapping if k not in allowed]
    if unknown:
        raise CaseFileError(f"{where}: {unknown[0]!r} is not a column; allowed: {', '.join(allowed)}")
    for key in required:
        if key not in mapping:
            raise CaseFileError(f"{where}: {key!r} is missing; it is required")
    return {column: _cell(mapping.get(column)) for column in allowed}


def _new_terms(section, path: Path) -> dict[str, list[dict]]:
    if section is None:
        return {}
    if not isinstance(section, dict) or any(k not in NEW_TERMS for k in section):
        raise CaseFileError(f"{path}: new_terms: must map {', '.join(NEW_TERMS)} to lists of vocabulary rows")
    terms = {}
    for key, rows in section.items():
        if not isinstance(rows, list):
            raise CaseFileError(f"{path}: new_terms: {key}: must be a list of rows")
        table = NEW_TERMS[key]
        columns = list(TABLES[table].to_schema().columns)
        terms[table] = [_record(r, columns, f"{path}: new_terms: {key}[{i + 1}]", (columns[0],))
                        for i, r in enumerate(rows)]
    return terms


def read_document(path: Path, sections, expected: str, template: Path) -> dict:
    """A contributor's YAML file as a mapping of known sections, or a CaseFileError naming the line."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise CaseFileError(f"{path}: cannot be read ({err})") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise CaseFileError(f"{where}: not valid YAML ({getattr(err, 'problem', err)})") from None
    if not isinstance(document, dict):
        raise CaseFileError(f"{path}: must hold {expected} (see {template.name})")
    unknown = [k for k in document if k not in sections]
    if unknown:
        raise CaseFileError(f"{path}: {unknown[0]!r} is not a section; allowed: {', '.join(sections)}")
    return document


def parse_case_file(path: Path) -> tuple[dict | None, dict, list[dict], dict[str, list[dict]]]:
    document = read_document(path, SECTIONS, "the keys source, case and treatments", TEMPLATE)
    source = document.get("source")
    new_source = None
    if isinstance(source, dict):
        new_source = _record(source, SOURCE_COLUMNS, f"{path}: source", ("source_id",))
        source_id = new_source["source_id"]
    elif isinstance(source, str):
        source_id = source
    else:
        raise CaseFileError(f"{path}: source: give an existing source_id, or a mapping with the new publication")
    case = _record(document.get("case") or {}, CASE_COLUMNS[1:], f"{path}: case")
    case = {"source_id": source_id, **case}
    treatments = document.get("treatments") or []
    if not isinstance(treatments, list):
        raise CaseFileError(f"{path}: treatments: must be a list (use [] for none)")
    episodes = [_record(t, TREATMENT_COLUMNS, f"{path}: treatments[{i + 1}]", ("treatment_id",))
                for i, t in enumerate(treatments)]
    terms = _new_terms(document.get("new_terms"), path)
    terms.update(_evidence(document.get("evidence"), source_id, path))
    terms.update(_screening(document.get("screening"), new_source, path))
    terms["adverse_events"] = _events(document.get("adverse_events"), path)
    return new_source, case, episodes, terms


def _screening(section, new_source: dict | None, path: Path) -> dict[str, list[dict]]:
    """A new publication's screening row: where it was found and what of it was read (it is included)."""
    if section is None:
        if new_source:
            raise CaseFileError(f"{path}: screening: is missing; a new publication needs found_via, found_in, "
                                "text_read and url (see the template)")
        return {}
    if not new_source:
        raise CaseFileError(f"{path}: screening: give it only with a new publication; an existing source is "
                            "already in screening.csv")
    row = _record(section, SCREENING_KEYS, f"{path}: screening", ("found_via", "text_read"))
    citation = ". ".join(p for p in (new_source["authors"], new_source["title"].rstrip("."), new_source["container"]) if p)
    return {"screening": [{"record_id": new_source["source_id"], "citation": citation, "year": new_source["year"],
                           "doi": new_source["doi"], "pmid": new_source["pmid"], **{k: row[k] for k in SCREENING_KEYS
                                                                                     if k != "note"},
                           "decision": "included", "exclusion_reason": "", "duplicate_of": "", "note": row["note"]}]}


def _events(section, path: Path) -> list[dict]:
    """Harms the text reports (their ids are given when the rows are planned)."""
    if section is None:
        return []
    if not isinstance(section, list):
        raise CaseFileError(f"{path}: adverse_events: must be a list (leave it out when none are reported)")
    return [_record(e, EVENT_KEYS, f"{path}: adverse_events[{i + 1}]", ("treatment_id", "route", "kind"))
            for i, e in enumerate(section)]


def number_events(events: list[dict], source_id: str, existing, case_id: str = "") -> list[dict]:
    """adverse_events rows with ids source.treatment.n, numbered on from the rows already there."""
    taken = set(existing)
    out = []
    for event in events:
        n = 1
        while f"{source_id}.{event['treatment_id']}.{n}" in taken:
            n += 1
        event_id = f"{source_id}.{event['treatment_id']}.{n}"
        taken.add(event_id)
        out.append({"adverse_event_id": event_id, "source_id": source_id, "case_id": case_id, **event})
    return out


def _evidence(section, source_id: str, path: Path) -> dict[str, list[dict]]:
    """A new publication's OCEBM level and, for a case report or series, Murad's four domains."""
    if section is None:
        return {}
    if not isinstance(section, dict) or any(k not in ("level", "quality") for k in section):
        raise CaseFileError(f"{path}: evidence: must map level (and quality, for a case report or series)")
    out = {}
    if "level" in section:
        level = _record(section["level"] or {}, LEVEL_COLUMNS, f"{path}: evidence: level", tuple(LEVEL_COLUMNS))
        out["evidence_levels"] = [{"source_id": source_id, **level}]
    if "quality" in section:
        quality = section["quality"]
        if not isinstance(quality, dict) or sorted(quality) != sorted(DOMAINS):
            raise CaseFileError(f"{path}: evidence: quality: must rate each of {', '.join(DOMAINS)}")
        out["quality_ratings"] = [{"source_id": source_id, "domain": domain,
                                   **_record(quality[domain] or {}, ["rating", "reason"],
                                             f"{path}: evidence: quality: {domain}", ("rating", "reason"))}
                                  for domain in DOMAINS]
    return out


def _next_id(values, prefix: str) -> str:
    numbers = [int(v[1:]) for v in values if isinstance(v, str) and v[1:].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def _append(path: Path, columns: list[str], rows: list[dict]) -> str:
    text = path.read_text(encoding="utf-8")
    buffer = io.StringIO()
    csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n").writerows(rows)
    return text + ("" if text.endswith("\n") else "\n") + buffer.getvalue()


IDENTITY = ("source_id", "sex", "age_at_presentation", "actd_id", "sites", "years_actd_to_calcinosis")


def _duplicate(case: dict, cases) -> str | None:
    """The id of an existing case with the same source and label, or the same identifying facts."""
    for row in cases.to_dict("records"):
        existing = {k: "" if v is None or v != v or v is pd.NA else _cell(v) for k, v in row.items()}
        if case["label_in_source"] and (existing["source_id"], existing["label_in_source"]) == \
                (case["source_id"], case["label_in_source"]):
            return existing["case_id"]
        if all(existing[c] == case[c] for c in IDENTITY):
            return existing["case_id"]
    return None


def plan(case_file: Path, data_dir: Path) -> tuple[dict[str, str], list[str]]:
    """The new text of every changed table, and the new ids. Raises CaseFileError on bad input."""
    new_source, case, episodes, new_terms = parse_case_file(case_file)
    dataset = read_dataset(data_dir)
    if any(t.frame is None for t in dataset.tables.values()):
        raise CaseFileError("data/ does not read cleanly; run python -m schemas validate first")
    if new_source and new_source["source_id"] in set(dataset.frame("sources")["source_id"]):
        raise CaseFileError(f"source {new_source['source_id']!r} already exists in sources.csv; "
                            "give just its source_id instead of the whole record")
    twin = _duplicate(case, dataset.frame("cases"))
    if twin:
        raise CaseFileError(f"this case is already in cases.csv as {twin} (same source and label, or same facts); "
                            "to correct it, edit that row instead")
    case_id = _next_id(dataset.frame("cases")["case_id"], "C")
    first_episode = int(_next_id(dataset.frame("case_treatments")["episode_id"], "T")[1:])
    episode_rows = [{"episode_id": f"T{first_episode + i:04d}", "case_id": case_id, **e} for i, e in enumerate(episodes)]
    texts = {"cases": _append(data_dir / "cases.csv", list(TABLES["cases"].to_schema().columns),
                              [{"case_id": case_id, **case}])}
    if episode_rows:
        texts["case_treatments"] = _append(data_dir / "case_treatments.csv",
                                           list(TABLES["case_treatments"].to_schema().columns), episode_rows)
    if new_source:
        texts["sources"] = _append(data_dir / "sources.csv", SOURCE_COLUMNS, [new_source])
    new_terms["adverse_events"] = number_events(new_terms.get("adverse_events", []), case["source_id"],
                                                dataset.frame("adverse_events")["adverse_event_id"], case_id)
    add_rows(texts, data_dir, new_terms)
    return texts, [case_id] + [r["episode_id"] for r in episode_rows]


def add_rows(texts: dict[str, str], data_dir: Path, tables: dict[str, list[dict]]) -> None:
    """Append each table's new rows to its planned text (or the file's text)."""
    for table, rows in tables.items():
        if rows:
            columns = list(TABLES[table].to_schema().columns)
            if table in texts:
                buffer = io.StringIO()
                csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n").writerows(rows)
                texts[table] += buffer.getvalue()
            else:
                texts[table] = _append(data_dir / f"{table}.csv", columns, rows)


SECTION_OF = {"cases": "case", "sources": "source", "screening": "screening", "evidence_levels": "evidence: level",
              "quality_ratings": "evidence: quality", **{t: f"new_terms: {k}" for k, t in NEW_TERMS.items()}}
LISTED = {"case_treatments": "treatments", "adverse_events": "adverse_events",
          **{t: f"new_terms: {k}" for k, t in NEW_TERMS.items()}}


def check_plan(texts: dict[str, str], data_dir: Path, case_file: Path,
               entries: dict[str, list[str]] | None = None) -> list[str]:
    """Validate the whole dataset with the new rows in a scratch folder; messages point at the YAML
    (``entries``: the YAML entry each new row of a table came from, where rows are not one per entry)."""
    with tempfile.TemporaryDirectory() as scratch:
        scratch_dir = Path(scratch)
        for name in ALL_TABLES:
            source = data_dir / f"{name}.csv"
            if name in texts:
                (scratch_dir / f"{name}.csv").write_text(texts[name], encoding="utf-8", newline="\n")
            elif source.exists():
                shutil.copyfile(source, scratch_dir / f"{name}.csv")
        problems = validate_dataset(read_dataset(scratch_dir))
        old_lines = {name: (data_dir / f"{name}.csv").read_text(encoding="utf-8").count("\n") for name in texts}
        messages = []
        for problem in problems:
            table = Path(problem.file).stem
            if table in texts and problem.line > old_lines[table]:
                row = problem.line - old_lines[table]
                if entries and table in entries:
                    section = entries[table][row - 1]
                else:
                    section = f"{LISTED[table]}[{row}]" if table in LISTED else SECTION_OF.get(table, table)
                messages.append(Problem(str(case_file), 0, f"{section}: {problem.column}", problem.value,
                                        problem.problem, problem.allowed).format().replace(":0:", ":", 1))
            else:
                messages.append(problem.format().replace(str(scratch_dir), str(data_dir)))
        return messages


def add_case(case_file: Path, dry_run: bool = False, data_dir: Path | None = None) -> int:
    data_dir = data_dir or default_data_dir()
    try:
        texts, ids = plan(case_file, data_dir)
    except CaseFileError as err:
        print(f"{err}", file=sys.stderr)
        return 1
    messages = check_plan(texts, data_dir, case_file)
    if messages:
        print("\n".join(messages))
        print(f"\nNothing was written. Fix the {len(messages)} problem(s) above and run the command again.")
        return 1
    if dry_run:
        print(f"valid: would add {', '.join(ids)} (dry run, nothing written)")
        return 0
    write_all({data_dir / f"{name}.csv": text for name, text in texts.items()})
    print(f"added {', '.join(ids)}.\nNext, release it (a new case is a minor version): "
          "python -m schemas release minor --note \"Added a case from <source>\"")
    return 0
