"""The individually published cases (cases.csv, case_treatments.csv), ready for tables and charts.
Nothing here assumes a source, a label or a disease has exactly one case, or any."""
from __future__ import annotations

import pandas as pd

from .cite import source_labels
from .data import load
from .layout import chapters_of


def chapter_cases(chapter: str | None) -> pd.DataFrame:
    """Cases whose disease this chapter tells (all cases when chapter is None)."""
    cases = load()["cases"]
    if chapter is None:
        return cases
    return cases[chapters_of(cases["actd_id"]) == chapter]


def _number(value) -> str:
    return "" if pd.isna(value) else f"{float(value):g}"


def readable_cases(chapter: str | None = None, limit: int | None = None) -> pd.DataFrame:
    """Literature cases with labels instead of codes, optionally for one disease chapter."""
    data = load()
    cases = chapter_cases(chapter)
    if limit is not None:
        cases = cases.head(limit)
    sites = data.labels("vocab_body_sites").str.lower()
    episodes = data["case_treatments"]
    episodes = episodes[episodes["case_id"].isin(cases["case_id"])]
    responses = data.labels("vocab_responses").str.lower()
    treatment_text = (episodes["treatment_id"].map(data.labels("vocab_treatments")) + " ("
                      + episodes["response_id"].map(responses) + ")").groupby(episodes["case_id"]).agg("; ".join)
    labels = source_labels()

    def site_text(value) -> str:
        return "not stated" if pd.isna(value) else ", ".join(sites[s] for s in value.split(";"))

    return pd.DataFrame({
        "Case": cases["case_id"],
        "Source": cases["source_id"].map(labels),
        "Disease": cases["actd_id"].map(data.labels("vocab_actd")).fillna("not reported"),
        "Sex": cases["sex"].str.replace("_", " "),
        "Age at calcinosis": cases["age_at_calcinosis_onset"].fillna(""),
        "Years from ACTD to calcinosis": cases["years_actd_to_calcinosis"].map(_number),
        "Sites": cases["sites"].map(site_text),
        data.label("vocab_strata", "ulceration"): cases["ulceration"].str.replace("_", " "),
        "Treatments (best response)": cases["case_id"].map(treatment_text).fillna("not described"),
        "Also counted in": cases["also_in_aggregate"].map(labels).fillna(""),
    })


def region_counts(cases: pd.DataFrame) -> pd.DataFrame:
    """How many cases have deposits in each of the index study's regions (a case can count in several)."""
    sites = load()["vocab_body_sites"]
    regions = sites.set_index("site_id")["region"]
    region_rows = sites[sites["level"] == "region"]
    counts = dict.fromkeys(region_rows["site_id"], 0)
    for value in cases["sites"]:
        hit = {"unspecified"} if pd.isna(value) else {regions[s] for s in value.split(";")}
        if len(hit) > 1:
            # A site without a region (e.g. "over bony prominences") beside named regions does not make
            # the case one whose site is not stated.
            hit.discard("unspecified")
        for region in hit:
            counts[region] = counts.get(region, 0) + 1
    return pd.DataFrame({"region": region_rows.set_index("site_id")["label"].reindex(list(counts)).tolist(),
                         "cases": list(counts.values())})


# Where each interval starts (cases.interval_start); the cohort's published means run from diagnosis.
INTERVAL_STARTS = {"diagnosis": "from diagnosis", "symptom_onset": "from first symptoms",
                   "presentation": "from presentation"}


def interval_points(chapter: str) -> pd.DataFrame:
    """Years to calcinosis for one chapter: cohort means and published cases, each with its starting point."""
    from .cite import source_label
    from .results import actd_summary
    summary = actd_summary()
    mine = summary[(summary["chapter"] == chapter) & summary["years_to_calcinosis"].notna()]
    rows = [{"disease": r.disease, "years": r.years_to_calcinosis, "what": "Mayo series mean",
             "start": INTERVAL_STARTS["diagnosis"], "who": f"mean of {r.patients} patients"} for r in mine.itertuples()]
    labels = load().labels("vocab_actd")
    cases = chapter_cases(chapter).dropna(subset=["years_actd_to_calcinosis"])
    # One point per disease, interval and starting point, however many cases share it.
    grouped = cases.groupby(["actd_id", "years_actd_to_calcinosis", "interval_start"])["source_id"]
    for (actd_id, years, start), sources in grouped:
        who = source_label(sources.iloc[0]) if len(sources) == 1 else f"{len(sources)} published cases"
        rows.append({"disease": labels[actd_id], "years": float(years), "what": "Published case",
                     "start": INTERVAL_STARTS[start], "who": who})
    return pd.DataFrame(rows, columns=["disease", "years", "what", "start", "who"])


def case_from(source_id: str, label_in_source: str | None = None) -> pd.Series | None:
    """The first case (by case_id) a source describes, optionally under one label; None if there is none.
    A source may describe several patients, and a later contribution may add more."""
    cases = load()["cases"]
    mine = cases[cases["source_id"] == source_id]
    if label_in_source is not None:
        mine = mine[mine["label_in_source"] == label_in_source]
    return None if mine.empty else mine.sort_values("case_id").iloc[0]


def whole(value, missing: str = "not stated"):
    """A whole number from a case field, or words saying it is missing."""
    if value is None or pd.isna(value):
        return missing
    text = str(value)
    return text if not text.replace(".", "", 1).isdigit() else int(float(text))
