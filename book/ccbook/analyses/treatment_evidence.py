"""Our analysis: what a treatment section shows of the evidence in data/, by route. Published series
with their printed denominators and our honest shares; individually published patients as counts;
the harms each source reports (or that it reports none); harms well established elsewhere that the
sources we hold do not report; and advice shown only beside results for the route it concerns."""
from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML

from ..cite import relayed_label, source_label
from ..data import load
from ..layout import treatment_section
from ..tables import table
from .evidence import CASE_COLUMNS, INTERVAL_DESIGNS, case_episodes, headline, published_results
from .grading import recommendations, words


def section_treatments(section: str) -> list[str]:
    """The treatments of a section, in the vocabulary's order."""
    return [t for t in load()["vocab_treatments"]["treatment_id"] if treatment_section(t) == section]


def series_rows(treatment_ids) -> pd.DataFrame:
    published = published_results()
    mine = published[published["treatment_id"].isin(treatment_ids) & published["design"].isin(INTERVAL_DESIGNS)]
    return pd.DataFrame({
        "Treatment": mine["treatment"], "Route": mine["route"],
        "Source · kind · our level": mine["source"] + mine["stratum"].map(lambda s: f", {s.lower()}" if s else "")
        + " · " + mine["design"].map(words) + " · " + mine["level"],
        "Graded on": mine["graded_on"],
        "Response as the source defines it": mine["definition"].fillna("not stated"),
        "Our figure": [headline(r) for r in mine.itertuples()]})


def case_rows(treatment_ids) -> pd.DataFrame:
    """Individually published patients by treatment and route: counts, never a percentage."""
    episodes = case_episodes()
    episodes = episodes[episodes["treatment_id"].isin(treatment_ids)]
    labels = load().labels("vocab_responses")
    rows = []
    for (treatment, route), group in episodes.groupby(["treatment", "route"], sort=False):
        counts = group["response_id"].value_counts()
        rows.append({"Treatment": treatment, "Route": route,
                     load().label("vocab_measures", "patients"): group["case_id"].nunique(),
                     "Reports": group["source_id"].nunique(),
                     **{("Claimed in a title only" if r == "title_only" else labels[r]): int(counts.get(r, 0))
                        for r in CASE_COLUMNS}})
    return pd.DataFrame(rows)


def harms(treatment_ids) -> pd.DataFrame:
    """Harms as the sources in data/ report them, one row per source, treatment, route and event."""
    data = load()
    events = data["adverse_events"]
    events = events[events["treatment_id"].isin(treatment_ids)]
    routes, treatments = data.labels("vocab_routes"), data.labels("vocab_treatments")

    def count(row) -> str:
        if row.kind == "none_reported_by_source":
            return "the source states that none occurred"
        if pd.notna(row.patients) and pd.notna(row.of_patients):
            return f"{int(row.patients)} of {int(row.of_patients)}"
        return row.as_printed if isinstance(row.as_printed, str) else "number not given"

    return pd.DataFrame({
        "Treatment": events["treatment_id"].map(treatments), "Route": events["route"].map(routes),
        "Harm": [e if isinstance(e, str) else "no adverse event" for e in events["event"]],
        "Patients with it (n of N)": [count(r) for r in events.itertuples()],
        "Source": [relayed_label(s, v, brackets=False) for s, v in zip(events["source_id"], events["facts_via"])]})


def established(treatment_ids) -> pd.DataFrame:
    data = load()
    known = data["established_harms"]
    known = known[known["treatment_id"].isin(treatment_ids)]
    return pd.DataFrame({"Treatment": known["treatment_id"].map(data.labels("vocab_treatments")),
                         "Route": known["route"].map(data.labels("vocab_routes")), "Harm": known["harm"],
                         "Where it is established": known["source_id"].map(source_label)})


def harm_sentences(treatment_ids) -> list[str]:
    """For each treatment with evidence in data/: what harms its sources report, or that they report none."""
    data = load()
    labels = data.labels("vocab_treatments")
    reported = set(data["adverse_events"]["treatment_id"])
    used = set(published_results()["treatment_id"]) | set(case_episodes()["treatment_id"])
    out = []
    for t in treatment_ids:
        if t in used and t not in reported:
            out.append(f"{labels[t]}: no source in the dataset reports on its harms, which does not mean it "
                       "has none.")
    return out


def advice_by_route(treatment_ids) -> list[str]:
    """Advice that names a route is shown with the results for that route, or with a note that the
    dataset holds none."""
    advice = recommendations()
    advice = advice[advice["treatment_id"].isin(treatment_ids) & advice["route"].notna()]
    routes = load().labels("vocab_routes")
    published = published_results()
    episodes = case_episodes()
    out = []
    for r in advice.itertuples():
        route = routes[r.route].lower()
        held = ((published["treatment_id"] == r.treatment_id) & (published["route_id"] == r.route)).sum() + \
            ((episodes["treatment_id"] == r.treatment_id) & (episodes["route_id"] == r.route)).sum()
        out.append(f"{r.who} ({route} use): {r.stance_words}. {r.statement} ({r.graded}). "
                   + (f"The dataset holds {held} result{'s' if held != 1 else ''} for {route} use."
                      if held else f"No result in the dataset concerns {route} use, so none is shown beside it."))
    return out


def section_evidence(section: str, *, key: str | None = None) -> HTML:
    """The generated evidence block of one treatments-chapter section."""
    ids = section_treatments(section)
    key = key or section
    parts = []
    series = series_rows(ids)
    if len(series):
        parts.append(table(series, table_id=f"table-series-{key}",
                           caption="Series, cohorts and trials in the dataset, by route: the share of all treated "
                                   "(printed denominator) who responded, as each source defines a response, with "
                                   "our interval; not a ranking. Procedures are graded on the treated lesion.").data)
    cases = case_rows(ids)
    if len(cases):
        parts.append(table(cases, table_id=f"table-cases-{key}",
                           caption="Individually published patients, by route: counts only, no percentage, since "
                                   "single reports are chosen for publication.").data)
    if not parts:
        parts.append("<p>The dataset holds no result for these treatments beyond the index study.</p>")
    events = harms(ids)
    if len(events):
        parts.append(table(events, table_id=f"table-harms-{key}",
                           caption="Harms as each source reports them (n of N as printed).").data)
    from .certainty import summary_of_findings
    sof = summary_of_findings()
    sof = sof[sof["treatment_id"].isin(ids)]
    certainty = [f"Our GRADE certainty for {r.treatment.lower()} ({r.route.lower()}): {r.certainty}, because of "
                 f"{r.reasons}." if r.reasons != "none" else
                 f"Our GRADE certainty for {r.treatment.lower()} ({r.route.lower()}): {r.certainty}."
                 for r in sof.itertuples()]
    sentences = certainty + harm_sentences(ids) + advice_by_route(ids)
    if sentences:
        parts.append("<ul>" + "".join(f"<li>{html.escape(s)}</li>" for s in sentences) + "</ul>")
    known = established(ids)
    if len(known):
        parts.append(table(known, table_id=f"table-established-{key}",
                           caption="Harms well established elsewhere (a label or a review), whether or not the "
                                   "calcinosis sources we hold report them.").data)
    return HTML("".join(parts))
