"""Random-effects pooling of proportions: refusal rules, input errors, and agreement with R's metafor.

The metafor cross-check runs Rscript once per test session. Locally it is skipped when Rscript or
metafor is missing; under CI (CI=true) a missing R is a failure, because CI installs r-cran-metafor.
"""
from __future__ import annotations

import math
import os
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

from ccbook.analyses.pooling import NOT_POOLABLE, POOLED, logit_effects, pool_by_group, pool_proportions
from schemas import data_dir

TOLERANCE = 1e-6

# Fixed examples, each chosen to exercise one branch of the estimator.
EXAMPLES = {
    "heterogeneous": ([9, 8, 4], [17, 9, 8]),           # tau² > 0
    "homogeneous": ([3, 5], [8, 9]),                   # Q < df: DL moment estimate negative, truncated to 0
    "zero_and_full_cells": ([0, 4, 7], [5, 4, 12]),     # continuity correction on two studies
    "five_studies": ([12, 2, 30, 7, 1], [21, 8, 41, 9, 6]),
    "evidence_page": ([27, 6], [28, 9]),                # the page's own pooling path (see the test below)
}


def _real_shape_examples() -> dict[str, tuple[list[int], list[int]]]:
    """Counts taken from the dataset's published aggregates (responders of those treated), in the
    shape the book pools. They do not share a definition, so the book never pools them; here they
    only exercise the arithmetic on real numbers."""
    results = pd.read_csv(data_dir() / "cohort_results.csv")
    rows = results[results["response_id"].isin(["favourable", "partial", "complete"])
                   & results["denominator"].notna() & results["value"].notna() & results["treatment_id"].notna()]
    rows = rows.drop_duplicates(["source_id", "treatment_id", "response_id", "stratum_id"])
    events = rows["value"].astype(int).tolist()
    totals = rows["denominator"].astype(int).tolist()
    assert len(events) >= 4, "expected several published response counts in cohort_results.csv"
    return {"dataset_counts": (events, totals)}


def _all_examples() -> dict[str, tuple[list[int], list[int]]]:
    return {**EXAMPLES, **_real_shape_examples()}


R_SCRIPT = r"""
suppressMessages(library(metafor))
args <- commandArgs(trailingOnly = TRUE)
for (spec in args) {
  parts <- strsplit(spec, ":")[[1]]
  name <- parts[1]; method <- parts[2]
  xi <- as.numeric(strsplit(parts[3], ",")[[1]]); ni <- as.numeric(strsplit(parts[4], ",")[[1]])
  fit <- rma(measure = "PLO", xi = xi, ni = ni, method = method,
             test = "z")
  p <- predict(fit)
  cat(name, method, sprintf("%.15g", c(fit$beta, fit$se, fit$tau2, fit$I2 / 100, fit$QE,
                                       p$ci.lb, p$ci.ub, p$pi.lb, p$pi.ub)), "\n")
}
"""


@pytest.fixture(scope="session")
def metafor() -> dict[tuple[str, str], dict[str, float]]:
    """metafor's rma(measure="PLO") results for every example, keyed by (example, method)."""
    def unavailable(why: str):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{why}; CI must install r-cran-metafor to cross-check the pooled estimates")
        pytest.skip(why)

    if shutil.which("Rscript") is None:
        unavailable("Rscript is not installed")
    probe = subprocess.run(["Rscript", "-e", "library(metafor)"], capture_output=True, text=True, timeout=120)
    if probe.returncode != 0:
        unavailable("the R package metafor is not installed")
    specs = [f"{name}:{method}:{','.join(map(str, k))}:{','.join(map(str, n))}"
             for name, (k, n) in _all_examples().items() for method in ("DL",)]
    run = subprocess.run(["Rscript", "-e", R_SCRIPT, *specs], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    keys = ["logit", "logit_se", "tau2", "i2", "q", "ci_low", "ci_high", "pi_low", "pi_high"]
    out = {}
    for line in run.stdout.strip().splitlines():
        name, method, *values = line.split()
        out[(name, method)] = dict(zip(keys, map(float, values)))
    assert len(out) == len(specs), run.stdout
    return out


@pytest.mark.parametrize("example", list(EXAMPLES) + ["dataset_counts"])
def test_pooled_estimates_match_metafor(metafor, example):
    events, totals = _all_examples()[example]
    ours = pool_proportions(events, totals)
    theirs = metafor[(example, "DL")]
    assert ours.status == POOLED
    for key in ("logit", "logit_se", "tau2", "i2", "q"):
        assert getattr(ours, key) == pytest.approx(theirs[key], abs=TOLERANCE), key
    # metafor predicts on the logit scale; the book reports proportions, so compare both.
    for key in ("ci_low", "ci_high", "pi_low", "pi_high"):
        assert getattr(ours, key) == pytest.approx(1 / (1 + math.exp(-theirs[key])), abs=TOLERANCE), key
    assert ours.proportion == pytest.approx(1 / (1 + math.exp(-theirs["logit"])), abs=TOLERANCE)


def test_homogeneous_studies_give_no_negative_heterogeneity():
    result = pool_proportions(*EXAMPLES["homogeneous"])
    assert result.tau2 == 0 and result.i2 == 0
    # with tau² = 0 the prediction interval collapses onto the confidence interval
    assert (result.pi_low, result.pi_high) == pytest.approx((result.ci_low, result.ci_high))


def test_prediction_interval_contains_confidence_interval_when_studies_differ():
    result = pool_proportions(*EXAMPLES["heterogeneous"])
    assert result.tau2 > 0 and 0 < result.i2 < 1
    assert result.pi_low < result.ci_low < result.proportion < result.ci_high < result.pi_high


def test_continuity_correction_only_for_zero_or_full_studies():
    effect, variance = logit_effects([0, 4, 3], [5, 4, 8])
    assert effect == pytest.approx([math.log(0.5 / 5.5), math.log(4.5 / 0.5), math.log(3 / 5)])
    assert variance == pytest.approx([1 / 0.5 + 1 / 5.5, 1 / 4.5 + 1 / 0.5, 1 / 3 + 1 / 5])


def test_a_single_study_is_not_poolable_and_carries_no_numbers():
    result = pool_proportions([3], [8], study_ids=["balin2012"])
    assert result.status == NOT_POOLABLE and not result.poolable
    assert "only 1 study" in result.reason
    assert all(getattr(result, k) is None for k in ("proportion", "ci_low", "ci_high", "pi_low", "pi_high",
                                                     "tau2", "i2"))
    assert (result.events, result.patients) == (3, 8)


def test_groups_pool_only_when_two_studies_share_treatment_and_definition():
    frame = pd.DataFrame({
        "source_id": ["a", "b", "c", "d", "e", "a"],
        "treatment_id": ["diltiazem", "diltiazem", "diltiazem", "minocycline", "minocycline", "rituximab"],
        "response_definition": ["clinical notes", "clinical notes", "imaging", "clinical notes", None, "imaging"],
        "responded": [9, 4, 2, 3, 8, 2],
        "patients": [17, 8, 8, 6, 9, 8],
    })
    table = pool_by_group(frame)
    pooled = table[table["status"] == POOLED]
    assert pooled[["treatment", "definition"]].values.tolist() == [["diltiazem", "clinical notes"]]
    assert pooled.iloc[0]["study_ids"] == ("a", "b") and pooled.iloc[0]["patients"] == 25
    refused = table[table["status"] == NOT_POOLABLE]
    assert sorted(refused["reason"]) == ["only 1 study; pooling needs at least 2"] * 3 + [
        "response definition not stated"]
    assert refused["proportion"].isna().all() and refused["ci_low"].isna().all()
    undefined = refused[refused["reason"] == "response definition not stated"].iloc[0]
    assert (undefined["treatment"], undefined["study_ids"]) == ("minocycline", ("e",))


def test_no_group_of_the_real_data_mixes_definitions():
    """Pool the dataset's published aggregates as the book would: one row per study, treatment and
    definition. Whatever the data hold, a pooled row needs two distinct studies with one definition."""
    results = pd.read_csv(data_dir() / "cohort_results.csv")
    sources = pd.read_csv(data_dir() / "sources.csv").set_index("source_id")
    rows = results[results["response_id"].isin(["favourable", "partial", "complete"])
                   & results["denominator"].notna() & results["value"].notna() & results["treatment_id"].notna()]
    frame = (rows.assign(response_definition=rows["source_id"].map(sources["response_definition"]),
                         responded=rows["value"].astype(int), patients=rows["denominator"].astype(int))
             .drop_duplicates(["source_id", "treatment_id", "response_definition"]))
    table = pool_by_group(frame)
    assert len(table) >= 1
    for row in table.itertuples():
        if row.status == POOLED:
            assert row.studies >= 2 and len(set(row.study_ids)) == row.studies and row.definition
        else:
            assert row.proportion is None or np.isnan(row.proportion)


@pytest.mark.parametrize("events, totals, message", [
    ([5, 3], [4, 8], "study 1: events is 5; it must be between 0 and the 4 patients"),
    ([1, 3], [0, 8], "study 1: patients is 0; it must be at least 1"),
    ([1.5, 3], [4, 8], "must be whole numbers"),
    ([1, 3], [4], "same length"),
])
def test_bad_counts_get_a_clear_error(events, totals, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        pool_proportions(events, totals)


def test_a_study_listed_twice_is_an_error():
    with pytest.raises(ValueError, match="appears more than once"):
        pool_proportions([1, 2], [4, 5], study_ids=["x", "x"])


def test_unknown_method_is_an_error():
    for method in ("reml", "pm"):
        with pytest.raises(ValueError, match="allowed: dl"):
            pool_proportions([1, 2], [4, 5], method=method)


def _published_with_a_second_series() -> pd.DataFrame:
    """The evidence page's published results plus a made-up second series reporting the Mayo surgery
    row's treatment under the same definition: the only way to reach the page's pooled branch today."""
    from ccbook import published_results
    published = published_results()
    surgery = published[published["treatment_id"] == "surgical_excision"].iloc[[0]].copy()
    assert (int(surgery["responded"].iloc[0]), int(surgery["known"].iloc[0])) == (
        EXAMPLES["evidence_page"][0][0], EXAMPLES["evidence_page"][1][0]), "the surgery counts in the data changed"
    surgery = surgery.assign(source_id="robertson2003", design="case_series",
                             responded=EXAMPLES["evidence_page"][0][1], known=EXAMPLES["evidence_page"][1][1])
    return pd.concat([published, surgery], ignore_index=True)


def test_the_evidence_page_pools_only_shared_definitions_and_matches_metafor(metafor):
    from ccbook import pooling_table
    today = pooling_table()
    assert (today["status"] == NOT_POOLABLE).all() or (today.loc[today["status"] == POOLED, "studies"] >= 2).all()
    assert today.loc[today["status"] == NOT_POOLABLE, "proportion"].isna().all()
    table = pooling_table(_published_with_a_second_series())
    pooled = table[table["status"] == POOLED]
    assert pooled["treatment_id"].tolist() == ["surgical_excision"]
    row, theirs = pooled.iloc[0], metafor[("evidence_page", "DL")]
    assert row["study_ids"] == ("balin2012", "robertson2003")
    for key in ("logit", "logit_se", "tau2", "i2", "q"):
        assert row[key] == pytest.approx(theirs[key], abs=TOLERANCE), key
    for key in ("ci_low", "ci_high", "pi_low", "pi_high"):
        assert row[key] == pytest.approx(1 / (1 + math.exp(-theirs[key])), abs=TOLERANCE), key
