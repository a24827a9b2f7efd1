"""Our analysis: every number one source prints, where it is printed, recomputed where the other
printed numbers allow, and a status."""
from __future__ import annotations

import pandas as pd

import schemas

from ..data import load
from ..stats import percent

STATISTICS = {"mean_age_at_onset", "min_age_at_onset", "max_age_at_onset", "mean_age", "mean_disease_duration",
              "mean_years_actd_to_calcinosis", "mean_months", "median_months", "min_months", "max_months",
              "survival_percent", "survival_ci_lower", "survival_ci_upper", "p_value", "spearman_rho", "test_statistic"}
CHECKED_TOPICS = {"study_flow", "demographics", "actd", "treatment_category", "best_response", "warfarin_comparison",
                  "follow_up", "deaths", "survival"}
FLAGGING_DISCREPANCIES = ("subgroups_do_not_sum", "implausible_unit", "different_denominators")


def _flagged(data) -> dict[str, str]:
    flagged = {}
    for row in data["discrepancies"].itertuples():
        if row.kind in FLAGGING_DISCREPANCIES and not pd.isna(row.result_ids):
            for result_id in row.result_ids.split(";"):
                flagged[result_id] = row.discrepancy_id
    return flagged


def _status(row, results, values) -> tuple[float | None, str | None]:
    if row.topic == "quoted_figure":
        return None, "quoted from another publication"
    if row.kind == "not_reported":
        return None, "not in the text we hold (see the published tables)"
    if row.kind == "derived":
        return schemas.evaluate_derivation(row.derivation, values), "derived by us"
    if row.measure_id == "percent":
        count = results[(results["topic"] == row.topic) & (results["measure_id"] == "patients")
                        & (results["stratum_id"].fillna("") == ("" if pd.isna(row.stratum_id) else row.stratum_id))
                        & (results["actd_id"].fillna("") == ("" if pd.isna(row.actd_id) else row.actd_id))]
        if len(count) == 1 and not pd.isna(count["denominator"].iloc[0]):
            recomputed = percent(count["value"].iloc[0], count["denominator"].iloc[0])
            return recomputed, "reproduced" if abs(recomputed - row.value) <= 0.5 else "inconsistent"
        return None, None
    if row.measure_id in STATISTICS:
        return None, "needs patient-level data"
    if row.measure_id in ("patients", "at_risk") and row.topic in CHECKED_TOPICS:
        return None, "reproduced (adds up)"
    return None, None


def audit(source: str = "balin2012") -> pd.DataFrame:
    """Every number of one source: as printed, where, recomputed where possible, and a status."""
    data = load()
    # The source's own numbers, and the figures it quotes from other publications (facts_via).
    results = data.results[(data.results["source_id"] == source) | (data.results["facts_via"] == source)]
    values = dict(zip(data.results["result_id"], data.results["value"]))
    flagged = _flagged(data)
    measures = data.labels("vocab_measures")
    out = []
    for row in results.itertuples():
        recomputed, status = _status(row, results, values)
        if row.result_id in flagged:
            status = f"inconsistent ({flagged[row.result_id]})"
        out.append({"result": row.result_id, "measure": measures[row.measure_id],
                    "as printed": "" if pd.isna(row.as_printed) else row.as_printed, "where": row.locator,
                    "stored": "" if pd.isna(row.value) else f"{row.value:g}",
                    "recomputed": "" if recomputed is None else f"{recomputed:.4g}",
                    "status": status or "as printed (no cross-check possible)"})
    return pd.DataFrame(out)
