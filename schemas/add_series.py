"""``python -m schemas add-series series.yaml``: add the aggregate treatment results of one series,
cohort or trial: its source, screening row, evidence grading, population, results by treatment and
route (as counts on one response scale, with the denominator as printed) and the harms it reports.

Written like add-case: the rows are validated with the whole dataset in a scratch copy first, and
then every changed file is replaced at once, or none is.
"""
from __future__ import annotations

import sys
from pathlib import Path

from .add_case import (SOURCE_COLUMNS, CaseFileError, _evidence, _events, _new_terms, _record, _screening, add_rows,
                       check_plan, number_events, read_document)
from .dataset import read_dataset
from .files import write_all
from .paths import data_dir as default_data_dir

TEMPLATE = Path(__file__).with_name("series_template.yaml")
SECTIONS = ("source", "screening", "evidence", "population", "results", "adverse_events", "new_terms")
POPULATION_KEYS = ["patients", "as_printed", "actd", "female", "locator", "note"]
RESULT_KEYS = ["treatment_id", "route", "route_basis", "unit", "treated", "treated_as_printed", "responses",
               "as_printed", "dose", "follow_up", "stratum", "locator", "note"]
UNITS = ("patients", "lesions")
PRINTED_WIDTH = 60  # cohort_results.as_printed


def _load(path: Path) -> dict:
    document = read_document(path, SECTIONS, f"the sections {', '.join(SECTIONS)}", TEMPLATE)
    for key in ("source", "screening", "population", "results"):
        if not document.get(key):
            raise CaseFileError(f"{path}: {key}: is missing; it is required (see {TEMPLATE.name})")
    return document


def _count(value, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise CaseFileError(f"{where}: {value!r} is not a count; allowed: a whole number, 0 or more")
    return value


def _row(result_id: str, source_id: str, topic: str, measure: str, value, *, as_printed: str, locator: str,
         **fields) -> dict:
    return {"result_id": result_id, "source_id": source_id, "topic": topic, "measure_id": measure,
            "value": str(value), "as_printed": as_printed[:PRINTED_WIDTH].rstrip(), "kind": "reported",
            "confidence": "high", "locator": locator, **fields}


def _population(section, source_id: str, path: Path) -> list[dict]:
    where = f"{path}: population"
    pop = section if isinstance(section, dict) else {}
    unknown = [k for k in pop if k not in POPULATION_KEYS]
    if unknown or not pop:
        raise CaseFileError(f"{where}: {unknown[0] if unknown else 'it'!r} is not a key; allowed: {', '.join(POPULATION_KEYS)}")
    patients = _count(pop.get("patients"), f"{where}: patients")
    locator = str(pop.get("locator") or "")
    rows = [_row(f"{source_id}.flow.included", source_id, "study_flow", "patients", patients, stratum_id="included",
                 as_printed=str(pop.get("as_printed") or patients), locator=locator, note=str(pop.get("note") or ""))]
    actd = pop.get("actd") or {}
    if isinstance(actd, str):
        actd = {actd: patients}
    if not isinstance(actd, dict):
        raise CaseFileError(f"{where}: actd: must map actd_id to a count, or name one actd_id")
    counts = {k: _count(n, f"{where}: actd: {k}") for k, n in actd.items()}
    if counts and sum(counts.values()) != patients:
        # A breakdown that leaves patients unaccounted for is kept as printed, in the note, not as a partition.
        shown = ", ".join(f"{k} {n}" for k, n in counts.items())
        rows[0]["note"] = "; ".join(p for p in (rows[0]["note"], f"Diseases as printed (not all patients): {shown}") if p)[:300]
        counts = {}
    for actd_id, n in counts.items():
        rows.append(_row(f"{source_id}.actd.{actd_id}", source_id, "actd", "patients", n,
                         actd_id=actd_id, denominator=str(patients), as_printed=str(n), locator=locator))
    if pop.get("female") is not None:
        rows.append(_row(f"{source_id}.demo.female", source_id, "demographics", "patients",
                         _count(pop["female"], f"{where}: female"), stratum_id="female", denominator=str(patients),
                         as_printed=str(pop["female"]), locator=locator))
    return rows


def _results(section, source_id: str, path: Path) -> list[dict]:
    if not isinstance(section, list):
        raise CaseFileError(f"{path}: results: must be a list, one entry per treatment and route")
    rows, seen, keys = [], set(), set()
    for i, result in enumerate(section):
        where = f"{path}: results[{i + 1}]"
        r = _record(result, RESULT_KEYS, where, ("treatment_id", "route", "route_basis", "unit", "treated", "locator"))
        unit = r["unit"]
        if unit not in UNITS:
            raise CaseFileError(f"{where}: unit: {unit!r} is not allowed; allowed: {', '.join(UNITS)}")
        treated = _count(result["treated"], f"{where}: treated")
        key = (r["treatment_id"], r["route"], r["stratum"])
        if key in keys:
            raise CaseFileError(f"{where}: repeats the treatment, route and stratum of an earlier result")
        keys.add(key)
        base = f"{source_id}.treatment.{r['treatment_id']}" + (f".{r['stratum']}" if r["stratum"] else "")
        if base in seen:  # the same treatment by another route
            base += f".{r['route']}"
        seen.add(base)
        common = {"treatment_id": r["treatment_id"], "route": r["route"], "route_basis": r["route_basis"],
                  "stratum_id": r["stratum"], "locator": r["locator"]}
        details = "; ".join(p for p in (r["dose"], f"follow-up {r['follow_up']}" if r["follow_up"] else "",
                                        r["note"]) if p)
        rows.append(_row(base, source_id, "specific_treatment", unit, treated, denominator="",
                         as_printed=r["treated_as_printed"] or str(treated), note=details[:300].strip(),
                         entry=f"results[{i + 1}]", **common))
        responses = result.get("responses") or {}
        if not isinstance(responses, dict):
            raise CaseFileError(f"{where}: responses: must map response_id to a count (or to n and derived)")
        ids = list(responses)
        for response_id, value in responses.items():
            derived = isinstance(value, dict) and bool(value.get("derived"))
            n = _count(value.get("n") if isinstance(value, dict) else value, f"{where}: responses: {response_id}")
            row = _row(f"{base}.{response_id}", source_id, "specific_treatment", unit, n, response_id=response_id,
                       denominator=str(treated), as_printed=r["as_printed"] or str(n),
                       entry=f"results[{i + 1}]: responses: {response_id}", **common)
            if derived:
                others = " - ".join(f"{{{base}.{o}}}" for o in ids if o != response_id)
                row.update(kind="derived", as_printed="", derivation=f"{{{base}}}" + (f" - {others}" if others else ""),
                           note="Derived by us: the treated minus the other response counts printed")
            rows.append(row)
    return rows


def plan(series_file: Path, data_dir: Path) -> tuple[dict[str, str], list[str]]:
    document = _load(series_file)
    source = document["source"]
    if not isinstance(source, dict):
        raise CaseFileError(f"{series_file}: source: a series is a new publication; give its whole record")
    new_source = _record(source, SOURCE_COLUMNS, f"{series_file}: source", ("source_id",))
    source_id = new_source["source_id"]
    dataset = read_dataset(data_dir)
    if any(t.frame is None for t in dataset.tables.values()):
        raise CaseFileError("data/ does not read cleanly; run python -m schemas validate first")
    if source_id in set(dataset.frame("sources")["source_id"]):
        raise CaseFileError(f"source {source_id!r} already exists in sources.csv; its results are already there")
    tables = _new_terms(document.get("new_terms"), series_file)
    tables["sources"] = [new_source]
    tables.update(_screening(document["screening"], new_source, series_file))
    tables.update(_evidence(document.get("evidence"), source_id, series_file))
    population = [{**row, "entry": "population"} for row in _population(document["population"], source_id, series_file)]
    rows = population + _results(document["results"], source_id, series_file)
    entries = {"cohort_results": [row.pop("entry") for row in rows]}
    tables["cohort_results"] = rows
    tables["adverse_events"] = number_events(_events(document.get("adverse_events"), series_file), source_id,
                                             dataset.frame("adverse_events")["adverse_event_id"])
    texts: dict[str, str] = {}
    add_rows(texts, data_dir, tables)
    return texts, [source_id], entries


def add_series(series_file: Path, dry_run: bool = False, data_dir: Path | None = None) -> int:
    data_dir = data_dir or default_data_dir()
    try:
        texts, ids, entries = plan(series_file, data_dir)
    except CaseFileError as err:
        print(f"{err}", file=sys.stderr)
        return 1
    messages = check_plan(texts, data_dir, series_file, entries)
    if messages:
        print("\n".join(messages))
        print(f"\nNothing was written. Fix the {len(messages)} problem(s) above and run the command again.")
        return 1
    rows = texts["cohort_results"].count("\n") - (data_dir / "cohort_results.csv").read_text(encoding="utf-8").count("\n")
    if dry_run:
        print(f"valid: would add {ids[0]} with {rows} result rows (dry run, nothing written)")
        return 0
    write_all({data_dir / f"{name}.csv": text for name, text in texts.items()})
    print(f"added {ids[0]} with {rows} result rows.\nNext, release it (new results are a minor version): "
          f"python -m schemas release minor --note \"Added the series {ids[0]}\"")
    return 0
