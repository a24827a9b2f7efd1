"""The book builds for every dataset the validator accepts (issue: any valid contribution builds).

Two datasets are grown from a copy of data/ through add-case, as a contributor would grow it:
1. the case template, unchanged (a second patient from the Clinical Picture source);
2. cases drawn by hypothesis over every disease, treatment, body site and response grade, with any
   optional field left out, topped up so that every vocabulary value appears at least once.
Every chapter is then executed against each dataset (nbclient, two kernels at a time)."""
from __future__ import annotations

import contextlib
import csv
import io
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import jupytext
import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import DATA, ROOT
from schemas.add_case import TEMPLATE, add_case

CHAPTERS = [p for p in sorted((ROOT / "book").glob("*.md")) if "kernelspec:" in p.read_text(encoding="utf-8")[:400]]
SOURCE = "chhaya_clinical_picture"


def ids(table: str, column: str, **where) -> list[str]:
    with open(DATA / f"{table}.csv", encoding="utf-8", newline="") as handle:
        return [row[column] for row in csv.DictReader(handle) if all(row[k] == v for k, v in where.items())]


ACTD = ids("vocab_actd", "actd_id")
TREATMENTS = ids("vocab_treatments", "treatment_id")
SITES = ids("vocab_body_sites", "site_id")
GRADES = ids("vocab_responses", "response_id", scale="grade")
ROUTES = [r for r in ids("vocab_routes", "route_id") if r != "not_reported"]
OPTIONAL = ("sex", "age", "sites", "extent", "ulceration", "pain", "treatments")


@st.composite
def cases(draw, actd=None, treatment=None, site=None, grade=None):
    left_out = draw(st.sets(st.sampled_from(OPTIONAL)))
    case = {"label_in_source": None, "actd_id": actd or draw(st.sampled_from(ACTD)),
            "actd_basis": draw(st.sampled_from(["stated", "inferred"])),
            "diagnosis_confirmation": draw(st.sampled_from(["clinical", "imaging", "biopsy", "not_reported"])),
            "outcome": draw(st.sampled_from(["alive", "not_reported"])), "consent_reported": "not_stated",
            "locator": "Case report", "missing_reason": "Generated test case: some facts are left out on purpose"}
    # A fact the source leaves out: required columns take not_reported, optional ones stay empty.
    case["sex"] = "not_reported" if "sex" in left_out else draw(st.sampled_from(["female", "male"]))
    if "age" not in left_out:
        diagnosis = draw(st.integers(2, 70))
        years = draw(st.integers(0, 15))
        case.update(age_at_actd_diagnosis=diagnosis, age_at_calcinosis_onset=diagnosis + years,
                    age_at_presentation=diagnosis + years + draw(st.integers(0, 3)),
                    years_actd_to_calcinosis=years, interval_start="diagnosis")
    if "sites" not in left_out or site:
        case["sites"] = sorted({site} if site else set(draw(st.lists(st.sampled_from(SITES), min_size=1, max_size=3))))
    for field, values in (("extent", ["localized", "widespread"]), ("ulceration", ["yes", "no"]), ("pain", ["yes", "no"])):
        case[field] = "not_reported" if field in left_out else draw(st.sampled_from(values))
    treatments = []
    if "treatments" not in left_out or treatment or grade:
        route = draw(st.sampled_from([*ROUTES, "not_reported"]))
        treatments.append({"treatment_id": treatment or draw(st.sampled_from(TREATMENTS)),
                           "route": route, "route_basis": "not_reported" if route == "not_reported" else "stated",
                           "indication": draw(st.sampled_from(["calcinosis", "actd"])),
                           "response_id": grade or draw(st.sampled_from(GRADES)),
                           "response_basis": draw(st.sampled_from(["clinical", "radiographic", "not_reported"])),
                           "locator": "Case report"})
    return {"source": SOURCE, "case": case, "treatments": treatments}


def add(data_dir: Path, document: dict, number: int, tmp_path: Path) -> None:
    document["case"]["label_in_source"] = f"Case {number}"
    document["case"].setdefault("age_at_presentation", 5 + number % 85)
    path = tmp_path / f"case-{number}.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    refusal = io.StringIO()
    with contextlib.redirect_stderr(refusal):
        status = add_case(path, data_dir=data_dir)
    # Two drawn cases can share every identifying fact; add-case rightly refuses the second as a
    # duplicate. Any other refusal is a failure: the drawn case was valid.
    assert status == 0 or "already in cases.csv" in refusal.getvalue(), (document, refusal.getvalue())


def execute(chapter: Path, data_dir: Path, charts: Path) -> str | None:
    from nbclient import NotebookClient
    os.environ.update(CCBOOK_DATA_DIR=str(data_dir), CCBOOK_CHART_DIR=str(charts),
                      PYTHONPATH=f"{ROOT}{os.pathsep}{ROOT / 'book'}")
    notebook = jupytext.read(chapter)
    try:
        NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(charts)}}).execute()
    except Exception as error:  # report which chapter failed and why, then fail the test with all of them
        return f"{chapter.name}: {type(error).__name__}: {str(error)[-1500:]}"
    return None


def execute_every_chapter(data_dir: Path, charts: Path) -> None:
    charts.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(max_workers=2) as pool:
        failures = [f for f in pool.map(execute, CHAPTERS, [data_dir] * len(CHAPTERS), [charts] * len(CHAPTERS)) if f]
    assert not failures, "\n\n".join(failures)


@pytest.fixture
def grown(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def test_the_book_builds_with_the_template_case_added(grown, tmp_path):
    assert add_case(TEMPLATE, data_dir=grown) == 0
    execute_every_chapter(grown, tmp_path / "charts")


def test_the_book_builds_with_generated_cases_over_every_vocabulary_value(grown, tmp_path):
    counter = iter(range(100, 10_000))

    @settings(max_examples=12, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(cases())
    def grow(document):
        add(grown, document, next(counter), tmp_path)
    grow()
    # Every disease, treatment, site and response grade at least once, whatever hypothesis drew.
    top_up = [dict(actd=a) for a in ACTD] + [dict(treatment=t) for t in TREATMENTS] + \
             [dict(site=s) for s in SITES] + [dict(grade=g) for g in GRADES]

    @settings(max_examples=1, derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.data())
    def top(data):
        for number, wanted in enumerate(top_up):
            add(grown, data.draw(cases(**wanted)), 200 + number, tmp_path)
    top()
    execute_every_chapter(grown, tmp_path / "charts")
