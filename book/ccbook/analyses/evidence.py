"""Our analysis: the response to each treatment in every source, side by side. Published aggregates
stay as their source defines them; case records are pooled by treatment, design and disease.
Patients already counted in an aggregate are left out of the cases."""
from __future__ import annotations

import pandas as pd

from ..cite import source_label
from ..data import load
from ..layout import chapter_of, chapter_title
from ..stats import exact_interval

RESPONDED = ("complete", "partial")
# Within a source, the all-excised group contains the surgery-alone and combined groups: use it alone.
SUBGROUPS_OF_ALL_EXCISED = ("surgical_alone", "combined")


def _aggregate_rows(data) -> list[dict]:
    sources = data["sources"].set_index("source_id")
    treatments = data.labels("vocab_treatments")
    results = data.results
    rows = []
    counted = results[(results["measure_id"] == "patients") & results["response_id"].notna()
                      & results["topic"].isin(["specific_treatment", "best_response"]) & results["value"].notna()
                      & results["treatment_id"].notna()]
    counted = counted[~counted["stratum_id"].isin(SUBGROUPS_OF_ALL_EXCISED)]
    for (source, treatment, stratum), group in counted.groupby(["source_id", "treatment_id", "stratum_id"], dropna=False):
        by_response = group.set_index("response_id")
        if "favourable" in by_response.index:
            k, measure = by_response.loc["favourable", "value"], "improved"
        elif set(RESPONDED) & set(by_response.index):
            present = [r for r in RESPONDED if r in by_response.index]
            k = by_response.loc[present, "value"].sum()
            measure = "complete or partial" if len(present) == 2 else f"{present[0]} (others not given)"
        else:
            continue
        if group["denominator"].isna().all():
            continue  # a count without the number treated (e.g. "at least one patient") cannot be a proportion
        n = int(group["denominator"].dropna().iloc[0])
        single = results[(results["source_id"] == source) & (results["topic"] == "actd") & results["stratum_id"].isna()]
        disease = (chapter_of(single["actd_id"].iloc[0]) or "mixed") if len(single) == 1 else "mixed"
        basis = "" if pd.isna(stratum) or stratum == "all_excised" else f", {data.label('vocab_strata', stratum).lower()}"
        rows.append({"treatment": treatments[treatment], "source": source_label(source) + basis,
                     "design": sources.loc[source, "design"], "disease": disease, "responded": int(k), "patients": n,
                     "counts": measure, "from": "published aggregate"})
    return rows


def _case_rows(data) -> list[dict]:
    sources = data["sources"].set_index("source_id")
    treatments = data.labels("vocab_treatments")
    episodes = data["case_treatments"].merge(data["cases"], on="case_id")
    episodes = episodes[(episodes["indication"] == "calcinosis") & episodes["also_in_aggregate"].isna()]
    episodes = episodes.assign(design=episodes["source_id"].map(sources["design"]),
                               disease=episodes["actd_id"].map(chapter_of).fillna("not_reported"))
    rows = []
    for (treatment, design, disease), group in episodes.groupby(["treatment_id", "design", "disease"]):
        reports = group["source_id"].nunique()
        rows.append({"treatment": treatments[treatment],
                     "source": f"{len(group)} published case{'s' if len(group) > 1 else ''} "
                               f"({reports} report{'s' if reports > 1 else ''})",
                     "design": design, "disease": disease, "responded": int(group["response_id"].isin(RESPONDED).sum()),
                     "patients": len(group), "counts": "complete or partial", "from": "case records"})
    return rows


def pooled_responses() -> pd.DataFrame:
    """One row per treatment and source (or per group of case records), with an exact interval."""
    data = load()
    frame = pd.DataFrame(_aggregate_rows(data) + _case_rows(data),
                         columns=["treatment", "source", "design", "disease", "responded", "patients", "counts", "from"])
    frame["disease"] = frame["disease"].map(chapter_title)
    frame["design"] = frame["design"].str.replace("_", " ")
    intervals = [exact_interval(k, n) for k, n in zip(frame["responded"], frame["patients"])]
    frame["percent"] = 100 * frame["responded"] / frame["patients"]
    frame["lower"] = [lo for lo, _ in intervals]
    frame["upper"] = [hi for _, hi in intervals]
    return frame.sort_values(["treatment", "from", "source"]).reset_index(drop=True)
