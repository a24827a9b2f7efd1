"""Synthetic case tables generated from the schema's vocabularies, for measuring scale.

Rows are valid by construction (ages ordered, interval matching the ages, sites from the
vocabulary), so a benchmark measures validation of good data, the common case.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from schemas import TABLES, data_dir

ROOT = Path(__file__).resolve().parent.parent

DATA = data_dir()


SYNTHETIC_SOURCE = {"source_id": "synthetic_registry", "title": "Synthetic registry rows for benchmarking",
                    "doi_status": "not_available", "pmid_status": "not_available", "design": "cohort",
                    "relation": "further_evidence", "missing_reason": "Not a publication: generated rows"}


SYNTHETIC_LEVEL = {"source_id": "synthetic_registry", "question": "prognosis", "study_type": "cohort", "level": "4",
                   "rationale": "Generated rows for benchmarking: not evidence of anything"}

SYNTHETIC_SCREENING = {"record_id": "synthetic_registry", "citation": "Synthetic registry rows for benchmarking",
                       "found_via": "not_recorded", "text_read": "full_text", "decision": "included",
                       # A reserved, never-resolving address: these rows have no page.
                       "url": "https://synthetic-registry.invalid/",
                       "note": "Generated rows for benchmarking, not a publication"}


def synthetic_cases(rows: int, seed: int = 0, first_id: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    vocab = lambda name, column: pd.read_csv(DATA / f"{name}.csv")[column].to_numpy()  # noqa: E731
    sites = vocab("vocab_body_sites", "site_id")
    dx = rng.integers(0, 70, rows)
    gap = rng.integers(0, 15, rows)
    presentation = dx + gap + rng.integers(0, 10, rows)
    site_pairs = np.where(rng.random(rows) < 0.5, rng.choice(sites, rows),
                          pd.Series(rng.choice(sites, rows)) + ";" + "trunk")
    site_pairs = np.where(pd.Series(site_pairs).str.startswith("trunk;"), "trunk", site_pairs)
    frame = pd.DataFrame({
        "case_id": [f"C{i:04d}" for i in range(first_id, first_id + rows)],
        "source_id": "synthetic_registry",
        "facts_via": "",
        "label_in_source": "",
        "sex": rng.choice(["female", "male", "not_reported"], rows),
        "age_at_actd_diagnosis": dx.astype(str),
        "age_at_calcinosis_onset": (dx + gap).astype(str),
        "age_at_presentation": np.where(presentation > 89, "90+", presentation.astype(str)),
        "actd_id": rng.choice(vocab("vocab_actd", "actd_id"), rows),
        "actd_basis": "stated",
        "years_actd_to_calcinosis": gap.astype(str),
        "interval_start": "diagnosis",
        "extent": rng.choice(["localized", "widespread", "not_reported"], rows),
        "sites": site_pairs,
        "ulceration": rng.choice(["yes", "no", "not_reported"], rows),
        "pain": rng.choice(["yes", "no", "not_reported"], rows),
        "diagnosis_confirmation": rng.choice(["clinical", "biopsy;imaging", "not_reported"], rows),
        "follow_up_months": rng.integers(0, 300, rows).astype(str),
        "outcome": "alive",
        "cause_of_death": "",
        "also_in_aggregate": "",
        "consent_reported": "not_stated",
        "locator": "Case report",
        "derived_fields": "",
        "missing_reason": "Synthetic row for benchmarking",
        "note": rng.choice(["", "Deposits over both elbows", "Improved after surgery"], rows),
    })
    return frame[list(TABLES["cases"].to_schema().columns)]


def synthetic_data_dir(target: Path, rows: int) -> Path:
    """A full data folder: the real data plus ``rows`` synthetic cases from a marked synthetic source."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(DATA, target)
    sources = pd.read_csv(DATA / "sources.csv", dtype=str, keep_default_na=False)
    pd.concat([sources, pd.DataFrame([SYNTHETIC_SOURCE])]).fillna("").to_csv(
        target / "sources.csv", index=False, lineterminator="\n")
    screening = pd.read_csv(DATA / "screening.csv", dtype=str, keep_default_na=False)
    pd.concat([screening, pd.DataFrame([SYNTHETIC_SCREENING])]).fillna("").to_csv(
        target / "screening.csv", index=False, lineterminator="\n")
    levels = pd.read_csv(DATA / "evidence_levels.csv", dtype=str, keep_default_na=False)
    pd.concat([levels, pd.DataFrame([SYNTHETIC_LEVEL])]).fillna("").to_csv(
        target / "evidence_levels.csv", index=False, lineterminator="\n")
    real = pd.read_csv(DATA / "cases.csv", dtype=str, keep_default_na=False)
    last_id = max(int(case_id[1:]) for case_id in real["case_id"])  # ids can have gaps where rows were removed
    cases = pd.concat([real, synthetic_cases(rows, first_id=last_id + 1)])
    cases.to_csv(target / "cases.csv", index=False, lineterminator="\n")
    return target
