"""Our analysis: the published evidence for one disease (or one subtype, such as juvenile
dermatomyositis), and what a clinician needs before acting on it, from clinical_points.csv."""
from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from ..cite import source_label
from ..data import load
from ..tables import table
from .evidence import INTERVAL_DESIGNS, case_episodes, headline, published_results
from .grading import evidence_level, words

TOPICS = {"work_up": "Work-up", "differential": "What else it can be", "association": "Found with it",
          "risk_factor": "Risk factors", "first_line": "What reviews say is tried first", "prevention": "Prevention"}


def _descendants(actd_id: str) -> set[str]:
    vocab = load()["vocab_actd"]
    found, frontier = {actd_id}, {actd_id}
    while frontier:
        frontier = set(vocab.loc[vocab["parent_id"].isin(frontier), "actd_id"]) - found
        found |= frontier
    return found


def disease_series(chapter: str, actd_id: str | None = None) -> pd.DataFrame:
    published = published_results()
    mine = published[published["design"].isin(INTERVAL_DESIGNS)]
    if actd_id:
        return mine[mine["actd_id"].isin(_descendants(actd_id))]
    return mine[mine["disease_id"] == chapter]


def disease_episodes(chapter: str, actd_id: str | None = None) -> pd.DataFrame:
    episodes = case_episodes()
    if actd_id:
        return episodes[episodes["actd_id"].isin(_descendants(actd_id))]
    return episodes[episodes["disease_id"] == chapter]


def disease_evidence(chapter: str, actd_id: str | None = None, *, key: str) -> HTML:
    """Series of this disease with their printed denominators and our figures, and case reports as counts
    by treatment and route. Series of several diseases are on the pooled-evidence page."""
    series = disease_series(chapter, actd_id)
    parts = []
    if len(series):
        shown = pd.DataFrame({"Treatment": series["treatment"], "Route": series["route"],
                              "Source · kind · our level": series["source"] + " · " + series["design"].map(words)
                              + " · " + series["level"],
                              "Graded on": series["graded_on"], "Our figure": [headline(r) for r in series.itertuples()]})
        parts.append(table(shown, table_id=f"table-disease-series-{key}",
                           caption="Series, cohorts and trials of these patients only, by treatment and route: the "
                                   "share of all treated who responded, as each source defines it (our calculation); "
                                   "not a ranking.").data)
    else:
        parts.append("<p>No series, cohort or trial in the dataset reports treatment results for these patients "
                     "alone; series of several diseases are on the pooled-evidence page.</p>")
    episodes = disease_episodes(chapter, actd_id)
    if len(episodes):
        counts = []
        data = load()
        responses = data.labels("vocab_responses")
        for (treatment, route), group in episodes.groupby(["treatment", "route"], sort=False):
            grades = group["response_id"].value_counts()
            counts.append({"Treatment": treatment, "Route": route,
                           data.label("vocab_measures", "patients"): group["case_id"].nunique(),
                           **{responses[g]: int(grades.get(g, 0)) for g in ("complete", "partial", "none", "unknown")},
                           "Claimed in a title only": int(grades.get("title_only", 0))})
        parts.append(table(pd.DataFrame(counts), table_id=f"table-disease-cases-{key}",
                           caption="Individually published patients, by treatment and route: counts only, no "
                                   "percentage, since single reports are chosen for publication.").data)
    return HTML("".join(parts))


def clinical_points(chapter: str, actd_id: str | None = None, *, key: str) -> HTML:
    """Work-up, differential, associations, risk factors, first-line options and prevention, each from
    a source we read, with our evidence level of that source."""
    data = load()
    points = data["clinical_points"]
    wanted = _descendants(actd_id or chapter) if (actd_id or chapter) in set(data["vocab_actd"]["actd_id"]) else set()
    mine = points[points["actd_id"].isna() | points["actd_id"].isin(wanted)]
    if mine.empty:
        return HTML("<p>The dataset holds no work-up or differential points for these patients yet.</p>")
    rows = [{"Topic": TOPICS[r.topic], "Point": r.statement,
             "Applies to": "every ACTD" if not isinstance(r.actd_id, str) else data.label("vocab_actd", r.actd_id),
             "Source · our level": f"{source_label(r.source_id)} · {evidence_level(r.source_id) or 'not graded'}"}
            for r in mine.assign(order=mine["topic"].map(list(TOPICS).index)).sort_values("order").itertuples()]
    return table(pd.DataFrame(rows), table_id=f"table-clinical-{key}",
                 caption="Before acting: points from the sources we read, in our words, with our evidence level of "
                         "each source. Review opinion is marked as such.")


