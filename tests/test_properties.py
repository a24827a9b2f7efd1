"""Property-based tests: valid case rows generated from the schema validate; any single corrupted
field is caught and reported on the right line and column."""
from __future__ import annotations

import copy

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas.models import TABLES
from schemas.reader import Table
from schemas import data_dir, read_dataset, validate_dataset

BASE = read_dataset(data_dir())
SITES = sorted(BASE.frame("vocab_body_sites")["site_id"])
ACTD = sorted(BASE.frame("vocab_actd")["actd_id"])
SOURCES = sorted(BASE.frame("sources")["source_id"])
COLUMNS = list(TABLES["cases"].to_schema().columns)
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])

words = st.text(alphabet=st.sampled_from("abcdefghij klmnop"), min_size=1, max_size=30).map(str.strip).filter(bool)


@st.composite
def valid_case(draw) -> dict:
    dx = draw(st.integers(0, 70))
    gap = draw(st.integers(0, 15))
    onset = dx + gap
    presentation = draw(st.integers(onset, 95))
    return {
        "case_id": "C9000", "source_id": draw(st.sampled_from(SOURCES)), "facts_via": pd.NA,
        "label_in_source": draw(st.sampled_from([pd.NA, "Case 1", "Patient 2", "Figure 3"])),
        "sex": draw(st.sampled_from(["female", "male", "not_reported"])),
        "age_at_actd_diagnosis": str(dx), "age_at_calcinosis_onset": str(onset),
        "age_at_presentation": "90+" if presentation > 89 else str(presentation),
        "actd_id": draw(st.sampled_from(ACTD)), "actd_basis": "stated", "years_actd_to_calcinosis": float(gap),
        "interval_start": "diagnosis",
        "extent": draw(st.sampled_from(["localized", "widespread", "not_reported"])),
        "sites": ";".join(draw(st.lists(st.sampled_from(SITES), min_size=1, max_size=4, unique=True))),
        "ulceration": draw(st.sampled_from(["yes", "no", "not_reported"])),
        "pain": draw(st.sampled_from(["yes", "no", "not_reported"])),
        "diagnosis_confirmation": draw(st.sampled_from(["clinical", "biopsy;imaging", "not_reported"])),
        "follow_up_months": float(draw(st.integers(0, 300))), "outcome": "alive", "cause_of_death": pd.NA,
        "also_in_aggregate": pd.NA, "consent_reported": "not_stated", "locator": "Case report",
        "derived_fields": pd.NA, "missing_reason": draw(words), "note": draw(st.one_of(st.just(pd.NA), words)),
    }


CORRUPTIONS = {
    "sex": st.sampled_from(["F", "woman", "1"]),
    "age_at_presentation": st.integers(90, 130).map(str),
    "age_at_actd_diagnosis": st.sampled_from(["forty", "-3", "45.5"]),
    "actd_id": words.map(lambda w: "zz_" + w.replace(" ", "_")),
    "sites": st.sampled_from(["nowhere", "trunk;trunk", "Trunk"]),
    "source_id": st.sampled_from(["unknown2099", "Balin2012"]),
    "case_id": st.sampled_from(["c9000", "C90", "9000"]),
    "note": words.flatmap(lambda w: st.sampled_from(["=" + w, "@" + w, "+" + w, "-" + w, w + " <b>", w + " a@b.org",
                                                     w + " 2001-02-03", w + " 1234567"])),
    "locator": st.sampled_from(["case report", "", "=cmd"]),
    "ulceration": st.sampled_from(["Y", "true", "maybe"]),
}


def with_cases(rows: list[dict]):
    dataset = copy.copy(BASE)
    dataset.tables = dict(BASE.tables)
    original = BASE.tables["cases"]
    frame = pd.concat([original.frame, pd.DataFrame(rows)], ignore_index=True)
    for column, dtype in TABLES["cases"].to_schema().dtypes.items():
        frame[column] = frame[column].astype(str(dtype))
    lines = original.lines + [original.lines[-1] + 1 + i for i in range(len(rows))]
    dataset.tables["cases"] = Table("cases", original.path, frame[COLUMNS], lines, [])
    return dataset, lines[-1]


@SETTINGS
@given(valid_case())
def test_generated_valid_cases_validate(case):
    dataset, _ = with_cases([case])
    assert validate_dataset(dataset) == []


@SETTINGS
@given(valid_case(), st.sampled_from(sorted(CORRUPTIONS)), st.data())
def test_single_field_corruptions_are_caught(case, column, data):
    bad = dict(case)
    value = data.draw(CORRUPTIONS[column])
    bad[column] = value if value != "" else pd.NA
    dataset, line = with_cases([bad])
    problems = validate_dataset(dataset)
    assert problems, f"{column}={value!r} was accepted"
    assert any(p.line == line and p.file.endswith("cases.csv") for p in problems), problems
