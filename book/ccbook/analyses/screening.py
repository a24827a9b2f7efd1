"""Our account of how the evidence was found: the PRISMA 2020 flow, counted from screening.csv and
searches.csv, and the date the evidence is current to (the latest recorded search).

Every record sits in exactly one box of each stage, so the boxes of a stage add up to the stage:
records found = by searches + by other routes; records = not retrieved + assessed;
assessed = excluded (by reason) + background + indirect + included."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from schemas import FOUND_VIA, READ_TEXTS

from ..data import load


@dataclass(frozen=True)
class PrismaFlow:
    searches: int                      # searches run (rows of searches.csv)
    search_dates: tuple[str, str]      # first and last day a search was run
    results_returned: int              # results the searches returned, duplicates across searches included
    by_search: int                     # records first found by a search
    by_other: dict[str, int]           # records found another way, by route (FOUND_VIA wording)
    records: int                       # every publication considered
    not_retrieved: int                 # no text beyond the title could be read
    not_retrieved_kept: dict[str, int]  # of those, what was decided (a title can still be cited or excluded)
    assessed: int                      # full text or abstract read
    assessed_full_text: int
    excluded: dict[str, int]           # assessed and excluded, by reason (vocabulary label)
    background: int                    # assessed, used for context, not for outcomes
    indirect: int                      # assessed, outside ACTD, kept as flagged indirect evidence
    included: int                      # assessed and included: patients or results in data/


def _day(text: str) -> str:
    day = dt.date.fromisoformat(text)
    return f"{day.day} {day:%B %Y}"


def evidence_current_to() -> str:
    """The day of the latest recorded search, written out (e.g. 6 December 2026)."""
    return _day(load()["searches"]["date"].max())


def prisma_flow(screening: pd.DataFrame | None = None, searches: pd.DataFrame | None = None,
                reasons: pd.Series | None = None) -> PrismaFlow:
    data = load() if screening is None or searches is None or reasons is None else None
    screening = data["screening"] if screening is None else screening
    searches = data["searches"] if searches is None else searches
    reasons = data.labels("vocab_exclusion_reasons") if reasons is None else reasons
    found = screening["found_via"]
    read = screening["text_read"].isin(READ_TEXTS)
    assessed, unread = screening[read], screening[~read]
    decisions = {"included": "included on another source's account", "excluded": "excluded as not reachable",
                 "background": "kept as background", "indirect": "kept as indirect evidence"}
    excluded = assessed.loc[assessed["decision"] == "excluded", "exclusion_reason"].value_counts()
    return PrismaFlow(
        searches=len(searches),
        search_dates=(_day(searches["date"].min()), _day(searches["date"].max())),
        results_returned=int(pd.to_numeric(searches["results_returned"]).fillna(0).sum()),
        by_search=int((found == "database_search").sum()),
        by_other={FOUND_VIA[way]: int(n) for way, n in found[found != "database_search"].value_counts().items()},
        records=len(screening),
        not_retrieved=len(unread),
        not_retrieved_kept={decisions[d]: int(n) for d, n in unread["decision"].value_counts().items()},
        assessed=len(assessed),
        assessed_full_text=int((assessed["text_read"] == "full_text").sum()),
        excluded={str(reasons[r]): int(n) for r, n in excluded.items()},
        background=int((assessed["decision"] == "background").sum()),
        indirect=int((assessed["decision"] == "indirect").sum()),
        included=int((assessed["decision"] == "included").sum()),
    )


def described_patients() -> pd.DataFrame:
    """Independently published patients the data describe beyond a title: an age or sex, the disease as
    the paper states it, and a treatment with its response or an outcome. Patients also counted in an
    aggregate (the index study's own patients) are not independent."""
    data = load()
    cases, episodes = data["cases"], data["case_treatments"]
    ages = cases[["age_at_actd_diagnosis", "age_at_calcinosis_onset", "age_at_presentation"]].notna().any(axis=1)
    graded = episodes.loc[episodes["response_id"].ne("unknown")
                          & ~episodes["response_basis"].isin(["title_only", "not_reported"]), "case_id"]
    described = ((cases["sex"].ne("not_reported") | ages) & cases["actd_basis"].eq("stated")
                 & (cases["case_id"].isin(graded) | cases["outcome"].ne("not_reported"))
                 & cases["also_in_aggregate"].isna())
    return cases[described]


def series_with_results() -> list[str]:
    """Series, cohorts and trials besides the index study whose treatment results are in data/
    (reviews' pooled figures are not series)."""
    data = load()
    sources = data["sources"].set_index("source_id")
    results = data["cohort_results"]
    ids = results.loc[results["treatment_id"].notna(), "source_id"].unique()
    return sorted(s for s in ids if sources.loc[s, "relation"] != "index_study"
                  and sources.loc[s, "design"] not in ("review", "case_report"))


def prisma_stages(flow: PrismaFlow) -> list:
    """The flow as the boxes of a PRISMA 2020 chart (identification, retrieval, eligibility, inclusion)."""
    from ..flowchart import Box, Stage
    other = sum(flow.by_other.values())
    dates = flow.search_dates[0] if flow.search_dates[0] == flow.search_dates[1] else " to ".join(flow.search_dates)
    kept = [f"{n} {what}" for what, n in flow.not_retrieved_kept.items()]
    excluded = [f"{what}: {n}" for what, n in flow.excluded.items()]
    return [
        Stage("Identification",
              Box(f"Records found by searches: {flow.by_search}",
                  [f"{flow.searches} searches of the stored corpus of public pages, run on {dates}",
                   f"{flow.results_returned} results returned in all, the same record often more than once"]),
              Box(f"Records found by other routes: {other}", [f"{n} from {how}" for how, n in flow.by_other.items()])),
        Stage("Retrieval",
              Box(f"Publications considered, one record each: {flow.records}"),
              Box(f"Not retrieved (nothing beyond the title could be read): {flow.not_retrieved}", kept)),
        Stage("Eligibility",
              Box(f"Assessed from the full text or the abstract: {flow.assessed}",
                  [f"{flow.assessed_full_text} from the full text (or the part of it we could read)",
                   f"{flow.assessed - flow.assessed_full_text} from the abstract"]),
              Box(f"Not included: {sum(flow.excluded.values()) + flow.background + flow.indirect}",
                  [*excluded, f"Kept as background (context, not outcomes): {flow.background}",
                   f"Kept as indirect evidence (outside ACTD, flagged): {flow.indirect}"])),
        Stage("Inclusion",
              Box(f"Publications assessed and included, their patients or results in the dataset: {flow.included}")),
    ]
