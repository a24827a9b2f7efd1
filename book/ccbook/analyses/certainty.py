"""Our analysis: a GRADE summary of findings for each treatment and route, generated from data/.

GRADE (Guyatt et al., BMJ 2008): evidence from randomised trials starts at high certainty and from
observational studies (series, cohorts, case reports) at low; it is rated down one step for each
serious concern in five domains, never below very low. The judgements below are rules applied to the
data, so every certainty comes with the reasons that produced it and changes when the data do.
"""
from __future__ import annotations

import pandas as pd

from ..data import load
from .evidence import INTERVAL_DESIGNS, case_episodes, headline, published_results
from .grading import words

LEVELS = ["very low", "moderate", "low", "high"]
ORDER = {"high": 4, "moderate": 3, "low": 2, "very low": 1}
NAMES = {4: "high", 3: "moderate", 2: "low", 1: "very low"}
RANDOMISED = ("randomised_trial",)
CONTROLLED = ("randomised_trial", "nonrandomised_trial")
# Imprecision: GRADE's rule of thumb for a dichotomous outcome is an optimal information size of a few
# hundred patients; below it an estimate is rated down.
OPTIMAL_INFORMATION_SIZE = 300
OUTCOME = "Improvement of calcinosis, as each source defines it"


def _indirect_sources() -> set[str]:
    screening = load()["screening"]
    return set(screening.loc[screening["decision"] == "indirect", "record_id"])


def summary_of_findings() -> pd.DataFrame:
    """One row per treatment and route with evidence in data/: studies, patients, designs, the result as
    the sources give it, our GRADE certainty and every reason for rating it down."""
    data = load()
    published = published_results()
    series = published[published["design"].isin(INTERVAL_DESIGNS)]
    episodes = case_episodes()
    indirect = _indirect_sources()
    sources_frame = data["sources"].set_index("source_id")

    def value(result_id):
        found = data.results.loc[data.results["result_id"] == result_id, "value"].dropna()
        return None if found.empty else int(found.iloc[0])
    treatments, routes = data.labels("vocab_treatments"), data.labels("vocab_routes")
    keys = list(dict.fromkeys([*zip(series["treatment_id"], series["route_id"]),
                               *zip(episodes["treatment_id"], episodes["route_id"])]))
    order = {t: i for i, t in enumerate(treatments.index)}
    rows = []
    for treatment, route in sorted(keys, key=lambda k: (order[k[0]], k[1])):
        mine = series[(series["treatment_id"] == treatment) & (series["route_id"] == route)]
        cases = episodes[(episodes["treatment_id"] == treatment) & (episodes["route_id"] == route)]
        graded = cases[cases["response_id"] != "title_only"]
        designs = list(mine.drop_duplicates("source_id")["design"]) + list(cases.drop_duplicates("source_id")["design"])
        sources = set(mine["source_id"]) | set(cases["source_id"])
        treated = mine.drop_duplicates("source_id")
        per_patient = treated.loc[treated["unit"] == "patients", "treated"]
        per_lesion = [value(f"{s}.flow.included") for s in treated.loc[treated["unit"] == "lesions", "source_id"]]
        patients = int(per_patient.fillna(0).sum() + sum(n for n in per_lesion if n)) + cases["case_id"].nunique()
        unprinted = per_patient.isna().any() or not all(per_lesion)
        start = "high" if any(d in RANDOMISED for d in designs) else "low"
        reasons = []
        if not any(d in CONTROLLED for d in designs):
            reasons.append("risk of bias: no study had a comparison group")
        definitions = set(sources_frame.loc[list(set(mine["source_id"])), "response_definition"].dropna())
        if len(definitions) > 1:
            reasons.append("inconsistency: the sources define a response in different ways")
        elif len(mine) >= 2 and mine["of_treated"].notna().sum() >= 2:
            spread = mine["of_treated"].dropna()
            if spread.max() - spread.min() > 50:
                reasons.append("inconsistency: the sources' results differ widely")
        if sources & indirect:
            reasons.append("indirectness: some patients did not have an autoimmune connective tissue disease")
        elif (mine["graded_on"] == "lesions").any() and route == "procedure":
            reasons.append("indirectness: responses were judged on the treated lesion, not the patient")
        if patients < OPTIMAL_INFORMATION_SIZE:
            counted = f"{patients} patient{'s' if patients != 1 else ''} in all"
            if unprinted and patients == 0:
                counted = "the number treated is not printed"
            elif unprinted:
                counted = f"at least {counted} (a source does not print how many it treated)"
            reasons.append(f"imprecision: {counted}, below the {OPTIMAL_INFORMATION_SIZE} a reliable estimate needs")
        if len(cases):
            reasons.append("publication bias: single case reports are published selectively, mostly when "
                           "the treatment seemed to work")
        level = max(1, ORDER[start] - len(reasons))
        result = [f"{r.source}: {headline(r)}" for r in mine.itertuples()]
        if len(cases):
            counts = graded["response_id"].value_counts()
            improved = int(counts.get("complete", 0) + counts.get("partial", 0))
            result.append(f"Case reports: {improved} of {cases['case_id'].nunique()} patients improved "
                          f"({int(counts.get('complete', 0))} completely); counts only")
        rows.append({"treatment_id": treatment, "route_id": route, "treatment": treatments[treatment],
                     "route": routes[route], "outcome": OUTCOME, "studies": len(sources), "patients": patients,
                     "designs": ", ".join(f"{designs.count(d)} {words(d)}" for d in dict.fromkeys(designs)),
                     "result": "; ".join(result), "starting_certainty": start, "downgrades": len(reasons),
                     "certainty": NAMES[level], "reasons": "; ".join(reasons) or "none"})
    return pd.DataFrame(rows)
