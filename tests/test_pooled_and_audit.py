"""Our analyses beyond the paper: pooled responses, the exact test, and the reproduction audit."""
from __future__ import annotations

import importlib

import pytest
from scipy.stats import fisher_exact

import ccbook
from schemas.add_case import add_case
from test_add_case import NEW_CASE, write_yaml


@pytest.mark.parametrize("table", [[[3, 1], [1, 3]], [[5, 0], [1, 4]], [[2, 7], [8, 2]], [[0, 4], [6, 1]]])
def test_fisher_freeman_halton_equals_fisher_on_two_by_two(table):
    assert ccbook.fisher_freeman_halton(table) == pytest.approx(fisher_exact(table).pvalue)


def test_fisher_freeman_halton_on_the_warfarin_table():
    p = ccbook.fisher_freeman_halton([[0, 2, 1, 1], [1, 3, 3, 6]])
    assert 0.8 < p < 0.85  # no evidence of a difference; computed, not typed, in the chapter
    assert ccbook.fisher_freeman_halton([[5, 0, 0], [0, 0, 5]]) < 0.01


def test_published_totals_never_count_a_patient_twice():
    published = ccbook.published_results()
    surgery = published[(published["treatment_id"] == "surgical_excision") & (published["source_id"] == "balin2012")]
    assert surgery["treated"].tolist() == [28]  # all excised, not also the surgery-alone and combined subsets
    cases = ccbook.load()["cases"]
    in_aggregate = set(cases.loc[cases["also_in_aggregate"].notna(), "case_id"])
    assert in_aggregate  # the Mayo patients described individually
    episodes = ccbook.case_episodes()
    assert not set(episodes["case_id"]) & in_aggregate
    raw = ccbook.load()["case_treatments"]
    eligible = raw[(raw["indication"] == "calcinosis") & ~raw["case_id"].isin(in_aggregate)]
    assert len(episodes) == len(eligible)
    assert ccbook.case_counts(episodes)["episodes"].sum() == len(eligible)
    with_interval = published[published["percent"].notna()]
    assert len(with_interval) >= 1
    assert ((with_interval["lower"] <= with_interval["percent"]) & (with_interval["percent"] <= with_interval["upper"])).all()


def test_adding_a_case_changes_the_case_counts_without_code_changes(data_copy, tmp_path, monkeypatch, capsys):
    before = ccbook.case_counts().set_index("treatment_id")
    # cases.interval_start is required alongside years_actd_to_calcinosis since the data-fidelity work
    case = {**NEW_CASE, "case": {**NEW_CASE["case"], "interval_start": "diagnosis"}}
    assert add_case(write_yaml(tmp_path, case), data_dir=data_copy) == 0
    monkeypatch.setenv("CCBOOK_DATA_DIR", str(data_copy))
    ccbook.load.cache_clear()
    try:
        after = ccbook.case_counts().set_index("treatment_id")
    finally:
        monkeypatch.delenv("CCBOOK_DATA_DIR")
        ccbook.load.cache_clear()
    assert after.loc["diltiazem", "episodes"] == before.loc["diltiazem", "episodes"] + 1
    assert after.loc["diltiazem", "patients"] == before.loc["diltiazem", "patients"] + 1
    assert after.loc["diltiazem", "partial"] == before.loc["diltiazem", "partial"] + 1


def test_the_audit_covers_every_number_of_the_paper_and_flags_the_inconsistencies():
    rows = ccbook.audit("balin2012")
    results = ccbook.load().results
    quoted = results["facts_via"] == "balin2012"  # figures the paper quotes from other publications
    assert len(rows) == int(((results["source_id"] == "balin2012") | quoted).sum())
    assert set(rows.loc[rows["status"] == "quoted from another publication", "result"]) == \
        set(results.loc[quoted & (results["topic"] == "quoted_figure"), "result_id"])
    status = rows.set_index("result")["status"]
    assert status["balin2012.treatment.colchicine.max_dose"].startswith("inconsistent")
    assert status["balin2012.warfarin.none_taken"].startswith("inconsistent")
    assert status["balin2012.flow.excluded"] == "derived by us"
    assert status["balin2012.demo.female_percent"] == "reproduced"
    assert status["balin2012.survival.m60"] == "needs patient-level data"
    assert status["balin2012.actd.mctd.years_to_calcinosis"] == "not in the text we hold (see the published tables)"
    assert not rows["status"].isna().any()
