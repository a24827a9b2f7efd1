"""The treatment table: one row per treatment of the vocabulary, grouped by the sections of the
treatments chapter (book/chapters.yml), in the vocabulary's order. Doses as printed with their units
flagged, how many were treated, each source's outcome (unknown kept as unknown), our evidence level
per source, and what reviews advise. Rows are never ordered by any result."""
from __future__ import annotations

import pandas as pd

from ..cite import relayed_label, source_label
from ..data import load
from ..layout import layout, treatment_section
from .evidence import case_counts, case_episodes, published_results
from .grading import evidence_level, recommendations, words

DAILY_TO_MG = {"max_daily_dose_mg": 1, "daily_dose_mg": 1, "min_daily_dose_mg": 1,
               "max_daily_dose_g": 1000, "daily_dose_g": 1000, "min_daily_dose_g": 1000}
UNIT_WORDS = {"mg_per_m2": "mg per m²", "mg_per_kg": "mg per kg", "g_per_kg": "g per kg", "mg_per_ml": "mg per ml"}
CASE_WORDS = {"complete": None, "partial": None, "none": None, "unknown": None,
              "title_only": "claimed in the title only"}


def _who(row) -> str:
    return relayed_label(row.source_id, row.facts_via, brackets=False)


def _unit_flags(data) -> dict[str, str]:
    """Doses a discrepancy row flags (e.g. a unit that cannot be right), by result id: its first sentence."""
    flags = {}
    for row in data["discrepancies"].itertuples():
        if row.kind == "implausible_unit" and isinstance(row.result_ids, str):
            for result_id in row.result_ids.split(";"):
                flags[result_id] = row.description.split(". ")[0].rstrip(".") + "."
    return flags


def _plausibility_flag(row, ceiling) -> str:
    """Our check: a daily dose above the vocabulary's highest plausible daily dose."""
    factor = DAILY_TO_MG.get(row.measure_id)
    if factor is None or ceiling is None or pd.isna(ceiling) or pd.isna(row.value):
        return ""
    if row.value * factor > ceiling:
        return f"Above the highest plausible daily dose we allow ({ceiling:g} mg): check the unit."
    return ""


def doses(treatment_id: str) -> list[str]:
    """Every dose printed for a treatment, as printed, with who printed it and any unit flag."""
    data = load()
    results = data.results
    ceiling = data["vocab_treatments"].set_index("treatment_id")["max_plausible_daily_mg"].get(treatment_id)
    dose_measures = {m for m in data["vocab_measures"]["measure_id"] if "dose" in m or m == "course_days"}
    rows = results[(results["treatment_id"] == treatment_id) & results["measure_id"].isin(dose_measures)]
    flags = _unit_flags(data)
    routes = data.labels("vocab_routes")
    out, seen = [], set()
    for row in rows.itertuples():
        if (row.source_id, row.as_printed) in seen:
            continue  # a printed range is stored as its two ends
        seen.add((row.source_id, row.as_printed))
        flag = flags.get(row.result_id) or _plausibility_flag(row, ceiling)
        out.append(f"{route_words(routes, row.route)}: {row.as_printed} ({_who(row)})"
                   + (f" ⚠ Unit flagged: {flag}" if flag else ""))
    episodes = data["case_treatments"].merge(data["cases"][["case_id", "source_id", "also_in_aggregate"]], on="case_id")
    episodes = episodes[(episodes["treatment_id"] == treatment_id) & episodes["dose_value"].notna()
                        & episodes["also_in_aggregate"].isna()]
    for row in episodes.itertuples():
        unit = UNIT_WORDS.get(row.dose_unit, row.dose_unit)
        often = f" {words(row.dose_frequency)}" if isinstance(row.dose_frequency, str) else ""
        out.append(f"{route_words(routes, row.route)}: {row.dose_value:g} {unit}{often} "
                   f"({source_label(row.source_id)}, one patient)")
    return out


def route_words(routes: pd.Series, route_id) -> str:
    """A dose's route as a reader sees it; a dose whose route the source does not give says so."""
    if not isinstance(route_id, str) or route_id == "not_reported":
        return "Route not reported"
    return routes[route_id]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def treatment_rows() -> pd.DataFrame:
    """One row per treatment of vocab_treatments.csv, in its order, with the section that shows it."""
    data = load()
    published = published_results()
    episodes = case_episodes()
    counts = case_counts(episodes).set_index("treatment_id")
    response_labels = data.labels("vocab_responses")
    advice = recommendations()
    from .certainty import summary_of_findings
    from .treatment_evidence import harms
    sof = summary_of_findings()
    rows = []
    for treatment_id, label in data.labels("vocab_treatments").items():
        mine = published[published["treatment_id"] == treatment_id]
        cases = episodes[episodes["treatment_id"] == treatment_id]
        said = advice[advice["treatment_id"] == treatment_id]
        treated, outcomes = [], []
        for source, group in mine.groupby("source", sort=False):
            n = group["treated"].dropna()
            treated.append(f"{int(n.iloc[0])} ({source})" if len(n) else f"not printed ({source})")
        for r in mine.itertuples():
            what = f"{r.source}{', ' + r.stratum.lower() if r.stratum else ''}: {r.as_printed}"
            if r.not_given is not None and not pd.isna(r.not_given) and r.not_given:
                what += f"; {int(r.not_given)} not given in the text we hold"
            outcomes.append(what)
        if treatment_id in counts.index:
            c = counts.loc[treatment_id]
            treated.append(f"{_plural(int(c['episodes']), 'episode')} in "
                           f"{_plural(int(c['patients']), 'individually published patient')}")
            parts = [f"{CASE_WORDS[k] or response_labels[k]} {int(c[k])}" for k in CASE_WORDS if c[k]]
            outcomes.append("Individually published patients (counts, no interval): " + " · ".join(parts))
        keys = list(dict.fromkeys([*mine["source_id"], *cases["source_id"], *said["source_id"],
                                   *[v for v in said["facts_via"] if isinstance(v, str)],
                                   *_dose_sources(treatment_id)]))
        rows.append({
            "treatment_id": treatment_id, "section": treatment_section(treatment_id), "Treatment": label,
            "Doses as printed": "; ".join(doses(treatment_id)) or "no dose in the dataset",
            "Number treated": "; ".join(treated) or "none in the dataset",
            "Outcome, as each source reports it": "; ".join(outcomes) or "no response in the dataset",
            "Harms reported, as printed": _harm_words(harms([treatment_id]), bool(len(mine) or len(cases))),
            "Certainty (our GRADE rating, by route)": "; ".join(
                f"{r.route}: {r.certainty}" for r in sof[sof["treatment_id"] == treatment_id].itertuples())
                or "not rated: no result in the dataset",
            "Evidence level (our grading, Oxford CEBM 2011)": "; ".join(
                f"{source_label(k)}: {evidence_level(k) or 'not graded'}" for k in keys) or "no source",
            "Recommendations and cautions": "; ".join(
                f"{r.who}{_for_route(r.route)}: {r.stance_words}. {r.statement} ({r.graded})"
                for r in said.itertuples()) or "none recorded",
            "Sources (citation keys)": ", ".join(keys) or "none",
        })
    return pd.DataFrame(rows)


def _harm_words(events: pd.DataFrame, used: bool) -> str:
    if len(events):
        return "; ".join(f"{r['Harm']} ({r['Route'].lower()}): {r['Patients with it (n of N)']} ({r['Source']})"
                         for r in events.to_dict("records"))
    return "none reported by the sources in the dataset" if used else "no result in the dataset"


def _for_route(route_id) -> str:
    return f", for {load().labels('vocab_routes')[route_id].lower()} use" if isinstance(route_id, str) else ""


def _dose_sources(treatment_id: str) -> list[str]:
    results = load().results
    rows = results[(results["treatment_id"] == treatment_id) & results["measure_id"].str.contains("dose|course", regex=True)]
    return [*rows["source_id"], *[v for v in rows["facts_via"] if isinstance(v, str)]]


def treatment_sections() -> list[tuple[str, str, pd.DataFrame]]:
    """(section id, section title, its rows) in the order of book/chapters.yml; empty sections left out."""
    rows = treatment_rows()
    sections = layout()["treatment_sections"]
    return [(section, spec["title"], rows[rows["section"] == section].drop(columns=["treatment_id", "section"]))
            for section, spec in sections.items() if (rows["section"] == section).any()]
