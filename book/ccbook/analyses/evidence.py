"""Our analysis: every response to treatment in the dataset, accounted for honestly.

- Published results of series, cohorts and reviews stay as their source prints them, one row per
  source, treatment and stratum. A patient whose response the text does not give is "unknown or
  not given", never a failure. A proportion is computed only where the source prints both who
  responded and who did not, and its denominator is the patients with a known response.
- Individually published patients (case reports, and patients a series describes one by one) are
  selected for publication: they are counted, never given an interval. Episodes and patients are
  counted separately; a claim made only in a report's title is not a graded response.
- Patients already counted in a published total are left out of the case records.
"""
from __future__ import annotations

import pandas as pd

from ..cite import relayed_label, source_label
from ..data import load
from ..layout import chapter_of, chapter_title
from ..stats import CI_LEVEL, exact_interval
from .grading import evidence_level, quality_rating, words
from .pooling import NOT_POOLABLE, pool_by_group

RESPONDED = ("complete", "partial", "favourable")
NOT_RESPONDED = ("none", "none_or_worse")
UNKNOWN = ("unknown", "not_specified")
# The response categories a proportion needs printed, by the scale the source reports on.
NEEDED = {"grade": ("complete", "partial", "none"), "summary": ("favourable", "none_or_worse")}
# Within a source, the all-excised group contains the surgery-alone and combined groups: use it alone.
SUBGROUPS_OF_ALL_EXCISED = ("surgical_alone", "combined")
# Designs whose published proportions get an interval: the patients were not picked one by one for publication.
INTERVAL_DESIGNS = ("case_series", "cohort", "randomised_trial", "nonrandomised_trial")
TITLE_ONLY = "title_only"
CI_WORDS = f"our {CI_LEVEL * 100:.0f}% exact interval"


def _printed(group: pd.DataFrame) -> dict[str, int]:
    """Counts the text gives (printed or derived by us), by response id."""
    given = group[group["response_id"].notna() & group["value"].notna()]
    return {r: int(v) for r, v in zip(given["response_id"], given["value"])}


def _treated(group: pd.DataFrame, results: pd.DataFrame, source: str, treatment: str) -> int | None:
    counted = group.loc[group["response_id"].isna(), "value"].dropna()
    if counted.empty:
        counted = group["denominator"].dropna()
    if counted.empty:
        whole = results[(results["source_id"] == source) & (results["treatment_id"] == treatment)
                        & results["response_id"].isna() & results["measure_id"].isin(UNITS)]
        counted = whole["value"].dropna()
    return None if counted.empty else int(counted.iloc[0])


# What a count counts. A procedure is judged on the lesion it removes or treats, so its results are
# never set on one axis with medicines judged on the patient (see graded_on).
UNITS = ("patients", "lesions")
PROCEDURE = "procedure"


def graded_on(unit: str, route: str) -> str:
    """lesions for counts of lesions and for procedures (a removed lesion that does not return counts as
    resolved almost by definition); patients otherwise."""
    return "lesions" if unit == "lesions" or route == PROCEDURE else "patients"


def published_results() -> pd.DataFrame:
    """One row per source, treatment, route, stratum and unit of the published totals, with the counts
    as printed, the patients whose response is unknown or not given, and three honest shares (our
    calculation): of those with a known response (only where the text gives who did not respond); of
    all treated, with the printed denominator (unknown counted as not responding: the worst case);
    and the best case (every unknown responding). Intervals only for series, cohorts and trials."""
    data = load()
    results = data.results
    sources = data["sources"].set_index("source_id")
    treatments = data.labels("vocab_treatments")
    strata = data.labels("vocab_strata")
    responses = data.labels("vocab_responses")
    routes = data.labels("vocab_routes")
    scale_of = data["vocab_responses"].set_index("response_id")["scale"]
    rows = results[results["topic"].isin(["specific_treatment", "best_response"]) & results["treatment_id"].notna()
                   & results["measure_id"].isin(UNITS) & ~results["stratum_id"].isin(SUBGROUPS_OF_ALL_EXCISED)]
    with_responses = set(zip(rows.loc[rows["response_id"].notna(), "source_id"],
                             rows.loc[rows["response_id"].notna(), "treatment_id"]))
    out = []
    keys = ["source_id", "treatment_id", "route", "stratum_id", "measure_id"]
    for (source, treatment, route, stratum, unit), group in rows.groupby(keys, dropna=False):
        if group["response_id"].isna().all() and (source, treatment) in with_responses:
            continue  # the number treated of a source that reports responses by stratum
        printed = _printed(group)
        derived = set(group.loc[group["kind"] == "derived", "response_id"].dropna())
        treated = _treated(group, results, source, treatment)
        scale = "summary" if (group["response_id"].map(scale_of) == "summary").any() and "favourable" in set(
            group["response_id"]) else "grade"
        shown = [r for r in responses.index if r in printed and (scale_of[r] == scale or r in UNKNOWN)]
        responded = sum(printed.get(r, 0) for r in RESPONDED if scale_of[r] == scale)
        failed = sum(printed.get(r, 0) for r in NOT_RESPONDED if scale_of[r] == scale)
        known_denominator = all(r in printed for r in NEEDED[scale]) and treated is not None
        accounted = responded + failed
        unknown = None if treated is None else treated - accounted
        design = sources.loc[source, "design"]
        definition = sources.loc[source, "response_definition"]
        basis = "" if pd.isna(stratum) or stratum == "all_excised" else strata[stratum]
        single = results[(results["source_id"] == source) & (results["topic"] == "actd") & results["stratum_id"].isna()]
        disease = (chapter_of(single["actd_id"].iloc[0]) or "mixed") if len(single) == 1 else "mixed"
        actd_id = single["actd_id"].iloc[0] if len(single) == 1 else None
        route = "not_reported" if pd.isna(route) else route
        row = {"treatment_id": treatment, "treatment": treatments[treatment], "source_id": source,
               "source": source_label(source), "stratum": basis, "design": design, "disease": chapter_title(disease),
               "disease_id": disease, "actd_id": actd_id, "level": evidence_level(source),
               "route_id": route, "route": routes[route], "unit": unit, "graded_on": graded_on(unit, route),
               "definition": None if pd.isna(definition) else definition + (f" ({basis.lower()})" if basis else ""),
               "treated": treated, "scale": scale,
               "as_printed": " · ".join(f"{responses[r]} {printed[r]}{'†' if r in derived else ''}" for r in shown)
                             or "no response counts in the text we hold",
               "complete": printed.get("complete"), "responded": responded, "not_responded": failed,
               "unknown_or_not_given": unknown,
               "not_given": None if unknown is None else unknown - sum(printed.get(r, 0) for r in UNKNOWN),
               "counts": {r: printed[r] for r in shown}, "derived": sorted(derived & set(shown)),
               "known": accounted if known_denominator else None, "percent": None, "lower": None, "upper": None,
               "of_treated": None, "of_treated_lower": None, "of_treated_upper": None, "best_case": None}
        if known_denominator and accounted > 0 and design in INTERVAL_DESIGNS:
            lower, upper = exact_interval(responded, accounted)
            row.update(percent=100 * responded / accounted, lower=lower, upper=upper)
        if treated and responded <= treated and any(r in printed and scale_of[r] == scale for r in RESPONDED):
            row.update(of_treated=100 * responded / treated, best_case=100 * (treated - failed) / treated)
            if design in INTERVAL_DESIGNS:
                lower, upper = exact_interval(responded, treated)
                row.update(of_treated_lower=lower, of_treated_upper=upper)
        out.append(row)
    frame = pd.DataFrame(out)
    order = {t: i for i, t in enumerate(treatments.index)}
    return frame.sort_values(["treatment_id", "source"], key=lambda c: c.map(order) if c.name == "treatment_id" else c) \
        .reset_index(drop=True)


def headline(row) -> str:
    """The one wording of a published result's figure, used on every page that shows it: responders
    of all treated with the printed denominator, then (where the text allows) of those with a known
    response, and the range from worst to best case. Case reports and reviews of cases get counts only."""
    what = "lesions" if row.unit == "lesions" else "patients"
    if not any(r in row.counts for r in RESPONDED):
        return (f"responses of the {int(row.treated)} treated {what} are not given in the text we hold"
                if row.treated is not None and not pd.isna(row.treated) else "no response counts in the text we hold")
    if row.treated is None or pd.isna(row.treated):
        return f"{row.responded} responded; the number treated is not printed"
    treated = int(row.treated)
    text = f"{row.responded} of {treated} treated {what} responded"
    if row.of_treated is None or pd.isna(row.of_treated):
        return text
    if row.design not in INTERVAL_DESIGNS:
        return text + f" (counts only: a {words(row.design)})"
    text += f" ({row.of_treated:.0f}%, {CI_WORDS} {row.of_treated_lower:.0f}–{row.of_treated_upper:.0f}%)"
    if row.percent is not None and not pd.isna(row.percent):
        text += f"; {row.percent:.0f}% of the {int(row.known)} with a known response"
    unknown = treated - row.responded - row.not_responded
    if unknown > 0:
        text += (f"; {unknown} not known: between {row.of_treated:.0f}% (none of them responded) and "
                 f"{row.best_case:.0f}% (all did)")
    return text


def measured_from(row) -> str:
    """What a published row's proportion is measured from, or why it has none."""
    if row.percent is not None and not pd.isna(row.percent):
        return f"{row.responded} of {int(row.known)} with a known response"
    if row.design not in INTERVAL_DESIGNS:
        return f"no interval: a {words(row.design)} of published cases"
    return "no proportion: " + why_no_proportion(row)


def why_no_proportion(row) -> str:
    if row.treated is not None and not pd.isna(row.treated) and row.unknown_or_not_given == row.treated:
        return "no patient's response is known"
    if row.treated is None or pd.isna(row.treated):
        return "the number treated is not printed"
    if row.known is None or pd.isna(row.known):
        return "the text does not give how many did not respond"
    return "no patient has a known response"


def response_definitions(source_ids) -> pd.DataFrame:
    """Each source's own definition of a response, as sources.csv records it."""
    sources = load()["sources"].set_index("source_id")
    ids = list(dict.fromkeys(source_ids))
    return pd.DataFrame({"source_id": ids, "source": [source_label(s) for s in ids],
                         "definition": [sources.loc[s, "response_definition"] if isinstance(
                             sources.loc[s, "response_definition"], str) else "not stated" for s in ids]})


def case_episodes() -> pd.DataFrame:
    """One row per treatment episode of an individually published patient (not already in a published
    total), with the report's design, our evidence level and our Murad quality rating."""
    data = load()
    sources = data["sources"].set_index("source_id")
    responses = data.labels("vocab_responses")
    episodes = data["case_treatments"].merge(data["cases"], on="case_id", suffixes=("", "_case"))
    episodes = episodes[(episodes["indication"] == "calcinosis") & episodes["also_in_aggregate"].isna()]
    title_only = episodes["response_basis"] == TITLE_ONLY
    order = {t: i for i, t in enumerate(data["vocab_treatments"]["treatment_id"])}
    frame = pd.DataFrame({
        "episode_id": episodes["episode_id"], "case_id": episodes["case_id"],
        "treatment_id": episodes["treatment_id"],
        "treatment": episodes["treatment_id"].map(data.labels("vocab_treatments")),
        "route_id": episodes["route"], "route": episodes["route"].map(data.labels("vocab_routes")),
        "source_id": episodes["source_id"],
        "source": [relayed_label(s, v, verb="summarised") for s, v in zip(episodes["source_id"], episodes["facts_via"])],
        "design": episodes["source_id"].map(sources["design"]),
        "disease": episodes["actd_id"].map(chapter_of).fillna("not_reported").map(chapter_title),
        "disease_id": episodes["actd_id"].map(chapter_of).fillna("not_reported"), "actd_id": episodes["actd_id"],
        "response_id": episodes["response_id"].where(~title_only, TITLE_ONLY),
        "response": episodes["response_id"].map(responses).where(~title_only, "claimed in the title only, not graded"),
        "as_stated": episodes["response_as_stated"], "basis": episodes["response_basis"].map(words),
        "level": episodes["source_id"].map(evidence_level), "quality": episodes["source_id"].map(quality_rating)})
    return frame.sort_values(["treatment_id", "source", "episode_id"], key=lambda c: c.map(order)
                             if c.name == "treatment_id" else c).reset_index(drop=True)


CASE_COLUMNS = ("complete", "partial", "none", "unknown", TITLE_ONLY)


def case_counts(episodes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Counts per treatment of the individually published patients: episodes, distinct patients and
    reports, and each response grade. Counts only: no percentage, no interval."""
    episodes = case_episodes() if episodes is None else episodes
    rows = []
    for treatment_id, group in episodes.groupby("treatment_id", sort=False):
        counts = group["response_id"].value_counts()
        rows.append({"treatment_id": treatment_id, "treatment": group["treatment"].iloc[0],
                     "episodes": len(group), "patients": group["case_id"].nunique(),
                     "reports": group["source_id"].nunique(),
                     **{r: int(counts.get(r, 0)) for r in CASE_COLUMNS}})
    return pd.DataFrame(rows, columns=["treatment_id", "treatment", "episodes", "patients", "reports", *CASE_COLUMNS])


def pooling_table(published: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per treatment and response definition among the series and cohorts: pooled (random
    effects on the logit scale, our analysis) where two or more studies share both and each gives a
    known-response denominator; otherwise "not poolable" with the reason and no number."""
    published = published_results() if published is None else published
    series = published[published["design"].isin(INTERVAL_DESIGNS)]
    usable = series[series["known"].notna() & series["definition"].notna()]
    usable = usable.assign(responded=usable["responded"].astype(int), known=usable["known"].astype(int))
    table = pool_by_group(usable, study="source_id", treatment="treatment_id", definition="definition",
                          events="responded", total="known") if len(usable) else pd.DataFrame()
    rows = [] if table.empty else table.to_dict("records")
    for r in series[~series.index.isin(usable.index)].itertuples():
        rows.append({"treatment": r.treatment_id, "definition": r.definition, "status": NOT_POOLABLE,
                     "reason": why_no_proportion(r) if r.definition else "response definition not stated",
                     "studies": 1, "study_ids": (r.source_id,)})
    frame = pd.DataFrame(rows)
    labels = load().labels("vocab_treatments")
    frame["treatment_id"] = frame.pop("treatment")
    frame.insert(0, "treatment", frame["treatment_id"].map(labels))
    frame["sources"] = [", ".join(source_label(s) for s in ids) for ids in frame["study_ids"]]
    named = {r.definition: f"{r.source}{', ' + r.stratum.lower() if r.stratum else ''}"
             for r in series.itertuples() if isinstance(r.definition, str)}
    frame["definition_of"] = frame["definition"].map(lambda d: f"as {named[d]} defines it" if d in named else "not stated")
    order = {t: i for i, t in enumerate(labels.index)}
    return frame.sort_values("treatment_id", key=lambda c: c.map(order), kind="stable").reset_index(drop=True)
