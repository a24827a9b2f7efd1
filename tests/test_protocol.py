"""The review's own record (issue 18): the protocol page, the PRISMA 2020 flow counted from
screening.csv and searches.csv, and "Evidence current to <date>" on every evidence page."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

import built_site
from ccbook.analyses.screening import described_patients, evidence_current_to, prisma_flow, series_with_results

EVIDENCE_PAGES = ["at_a_glance", "dermatomyositis", "systemic_sclerosis", "lupus", "mixed_overlap_undifferentiated",
                  "polymyositis_ra", "treatments", "treatment_table", "summary_of_findings", "pooled_evidence", "protocol"]


@pytest.fixture(scope="module")
def site() -> Path:
    return built_site.build()


def words(site: Path, name: str) -> str:
    soup = BeautifulSoup((site / "book" / f"{name}.html").read_text(encoding="utf-8"), "lxml")
    return " ".join(soup.get_text(" ", strip=True).split())


def frame(table: str) -> pd.DataFrame:
    return pd.read_csv(Path(__file__).parents[1] / "data" / f"{table}.csv", dtype=str, keep_default_na=False)


def every_stage_adds_up(flow) -> None:
    assert flow.records == flow.by_search + sum(flow.by_other.values())
    assert flow.records == flow.not_retrieved + flow.assessed
    assert flow.not_retrieved == sum(flow.not_retrieved_kept.values())
    assert flow.assessed == sum(flow.excluded.values()) + flow.background + flow.indirect + flow.included


def test_the_flow_accounts_for_every_record_once():
    flow = prisma_flow()
    every_stage_adds_up(flow)
    screening = frame("screening")
    assert flow.records == len(screening) and flow.searches == len(frame("searches"))
    assert flow.included == int(((screening["decision"] == "included")
                                 & screening["text_read"].isin(["full_text", "abstract"])).sum())


def test_the_flow_follows_the_data_it_is_given():
    """A made-up screening table: each record lands in the box its route, text and decision say."""
    screening = pd.DataFrame({
        "found_via": ["database_search", "database_search", "index_study_references", "seed", "database_search"],
        "text_read": ["abstract", "full_text", "title_only", "full_text", "not_reached"],
        "decision": ["excluded", "included", "included", "included", "excluded"],
        "exclusion_reason": ["no_outcome", None, None, None, "not_reachable"]})
    searches = pd.DataFrame({"date": ["2026-01-02", "2026-03-04"], "results_returned": [8, None]})
    reasons = pd.Series({"no_outcome": "No outcome reported", "not_reachable": "Not reachable"})
    flow = prisma_flow(screening, searches, reasons)
    every_stage_adds_up(flow)
    assert (flow.by_search, flow.records, flow.not_retrieved, flow.assessed, flow.included) == (3, 5, 2, 3, 2)
    assert flow.excluded == {"No outcome reported": 1}  # the unread exclusion is counted once, as not retrieved
    assert flow.search_dates == ("2 January 2026", "4 March 2026") and flow.results_returned == 8


def test_the_protocol_page_shows_the_flow_counted_from_the_data(site):
    flow = prisma_flow()
    text = words(site, "protocol")
    for box in (f"Records found by searches: {flow.by_search}", f"Publications considered, one record each: {flow.records}",
                f"Not retrieved (nothing beyond the title could be read): {flow.not_retrieved}",
                f"Assessed from the full text or the abstract: {flow.assessed}",
                f"their patients or results in the dataset: {flow.included}"):
        assert box in text, box
    for reason, n in flow.excluded.items():
        assert f"{reason}: {n}" in text
    for part in ("The question", "Who and what is eligible", "Outcomes", "Where we looked",
                 "How each record was screened and extracted", "Limits of this search"):
        assert part in text
    assert "localized scleroderma" in text and "calciphylaxis" in text and "not medical advice" in text


def test_every_evidence_page_says_what_date_the_evidence_is_current_to(site):
    latest = dt.date.fromisoformat(frame("searches")["date"].max())
    expected = f"Evidence current to {latest.day} {latest:%B %Y}"
    assert evidence_current_to() == expected.removeprefix("Evidence current to ")
    for name in EVIDENCE_PAGES:
        text = words(site, name)
        assert expected in text, name
        assert "IPython.core.display" not in text, name


def test_a_patient_known_only_by_a_title_is_not_counted_as_described():
    described = set(described_patients()["case_id"])
    cases = frame("cases").set_index("case_id")
    assert not described & set(cases.index[cases["actd_basis"] == "title_only"])
    assert not described & set(cases.index[cases["also_in_aggregate"] != ""])  # the index study's own patients
    episodes = frame("case_treatments")
    titled = set(episodes.loc[episodes["response_basis"] == "title_only", "case_id"])
    for case_id in titled & described:  # described only through another episode or an outcome
        assert cases.loc[case_id, "outcome"] != "not_reported" or (
            (episodes["case_id"] == case_id) & (episodes["response_basis"] != "title_only")
            & (episodes["response_id"] != "unknown")).any()


def test_series_are_primary_studies_not_reviews_or_the_index_study():
    sources = frame("sources").set_index("source_id")
    chosen = series_with_results()
    assert chosen and "balin2012" not in chosen
    assert not {"review", "case_report"} & set(sources.loc[chosen, "design"])
