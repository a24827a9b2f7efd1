"""Published aggregate results (cohort_results.csv) in the shapes the chapters need."""
from __future__ import annotations

import pandas as pd

from .data import load
from .layout import chapter_of, chapter_title
from .stats import exact_interval, percent
from .text import glue


def actd_summary(source: str = "balin2012") -> pd.DataFrame:
    """Patients, share of the cohort and mean years to calcinosis for each disease of one source."""
    data = load()
    results = data.results[data.results["source_id"] == source]
    actd = data["vocab_actd"].set_index("actd_id")
    rows = results[(results["topic"] == "actd") & results["stratum_id"].isna()]
    total = data.value(f"{source}.flow.included")
    out = []
    for actd_id in actd.index:
        mine = rows[rows["actd_id"] == actd_id].set_index("measure_id")
        if "patients" not in mine.index:
            continue
        years = mine["value"].get("mean_years_actd_to_calcinosis")
        out.append({"actd_id": actd_id, "disease": actd.loc[actd_id, "label"], "level": actd.loc[actd_id, "level"],
                    "parent_id": actd.loc[actd_id, "parent_id"], "chapter": chapter_of(actd_id),
                    "chapter_title": chapter_title(chapter_of(actd_id)) if chapter_of(actd_id) else "Published cases only",
                    "patients": int(mine.loc["patients", "value"]),
                    "percent": percent(mine.loc["patients", "value"], total),
                    "years_to_calcinosis": None if years is None or pd.isna(years) else float(years)})
    return pd.DataFrame(out, columns=["actd_id", "disease", "level", "parent_id", "chapter", "chapter_title", "patients", "percent",
                                      "years_to_calcinosis"])


def leaf_diseases(summary: pd.DataFrame) -> pd.DataFrame:
    """Rows that are not broken down further, so their patients add up to the cohort."""
    parents = set(summary["parent_id"].dropna())
    return summary[~summary["actd_id"].isin(parents)]


def proportion(result_id: str) -> dict:
    """A published count with its denominator, share and exact confidence interval."""
    data = load()
    row = data.row(result_id)
    k, n = data.value(result_id), row["denominator"]
    if k is None or pd.isna(n):
        raise ValueError(f"{result_id} has no count or no denominator")
    lo, hi = exact_interval(int(k), int(n))
    return {"k": int(k), "n": int(n), "pct": percent(k, n), "lo": lo, "hi": hi}


def glue_proportion(prefix: str, result_id: str) -> dict:
    """Glue prefix_k, prefix_n, prefix_pct, prefix_lo and prefix_hi for one published proportion."""
    p = proportion(result_id)
    glue(**{f"{prefix}_{key}": value for key, value in p.items()})
    return p
