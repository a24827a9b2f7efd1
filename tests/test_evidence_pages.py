"""The evidence pages tell the truth about responses: unknown is never a failure, single case reports
carry no interval, episodes and patients are counted apart, the treatment table lists every
treatment of the vocabulary in its section, and the at-a-glance levels come from the data.

Checked twice: on the analysis functions, and on the built pages a reader sees."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

import built_site
import ccbook
from conftest import ROOT

INTERVAL = re.compile(r"\d+(?:\.\d+)?\s*[–-]\s*\d+(?:\.\d+)?")


@pytest.fixture(scope="module")
def site() -> Path:
    return built_site.build()


def page(site: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((site / "book" / f"{name}.html").read_text(encoding="utf-8"), "lxml")


def rows(soup: BeautifulSoup, table_id: str) -> list[dict[str, str]]:
    table = soup.find("table", id=table_id)
    assert table is not None, f"no table {table_id}"
    head = [th.get_text(" ", strip=True) for th in table.find("thead").find_all("th")]
    return [dict(zip(head, (td.get_text(" ", strip=True) for td in tr.find_all("td"))))
            for tr in table.find("tbody").find_all("tr")]


def raw(name: str) -> pd.DataFrame:
    return pd.read_csv(ROOT / "data" / f"{name}.csv", dtype=str, keep_default_na=False)


def calcinosis_episodes() -> pd.DataFrame:
    cases = raw("cases")
    episodes = raw("case_treatments").merge(cases[["case_id", "source_id", "also_in_aggregate"]], on="case_id")
    return episodes[(episodes["indication"] == "calcinosis") & (episodes["also_in_aggregate"] == "")]


# --- the analysis -------------------------------------------------------------------------------

def test_unknown_responses_are_never_counted_as_failures():
    published = ccbook.published_results()
    results = raw("cohort_results")
    for row in published.itertuples():
        mine = results[(results["source_id"] == row.source_id) & (results["treatment_id"] == row.treatment_id)
                       & (results["route"] == row.route_id) & (results["measure_id"] == row.unit)
                       & (results["value"] != "")]
        failures = mine[mine["response_id"].isin(["none", "none_or_worse"])]
        # only the printed non-responders are failures; nothing is inferred from the patients not accounted for
        assert row.not_responded <= sum(int(float(v)) for v in failures["value"]), row
        if row.known is not None and not pd.isna(row.known):
            assert row.known + row.unknown_or_not_given == row.treated, row
            assert row.known == row.responded + row.not_responded, row
    counts = ccbook.case_counts().set_index("treatment_id")
    episodes = calcinosis_episodes()
    graded = episodes[episodes["response_basis"] != "title_only"]
    for treatment_id, group in episodes.groupby("treatment_id"):
        mine = graded[graded["treatment_id"] == treatment_id]
        assert counts.loc[treatment_id, "none"] == (mine["response_id"] == "none").sum(), treatment_id
        assert counts.loc[treatment_id, "unknown"] == (mine["response_id"] == "unknown").sum(), treatment_id
        assert counts.loc[treatment_id, "title_only"] == (group["response_basis"] == "title_only").sum()
    assert (episodes["response_id"] == "unknown").sum() >= 1, "the data should hold an unknown response to check"


def test_a_title_claim_is_not_a_graded_response():
    episodes = ccbook.case_episodes()
    claimed = set(calcinosis_episodes().query("response_basis == 'title_only'")["episode_id"])
    assert claimed, "the data should hold a response claimed only in a title"
    assert set(episodes.loc[episodes["response_id"] == "title_only", "episode_id"]) == claimed
    counts = ccbook.case_counts(episodes)
    assert counts[["complete", "partial", "none", "unknown", "title_only"]].sum(axis=1).tolist() == \
        counts["episodes"].tolist()


def test_single_case_reports_and_reviews_of_cases_get_no_interval():
    published = ccbook.published_results()
    outside = published[~published["design"].isin(ccbook.INTERVAL_DESIGNS)]
    assert outside["percent"].isna().all() and outside["lower"].isna().all()
    for frame in (ccbook.case_episodes(), ccbook.case_counts()):
        assert not {"percent", "lower", "upper"} & set(frame.columns)


def test_a_proportion_needs_the_non_responders_printed():
    published = ccbook.published_results().set_index(["source_id", "treatment_id"], drop=False)
    # Balin's diltiazem: 9 partial of 17, the rest not in the text we hold -> counts, no proportion
    diltiazem = published.loc[("balin2012", "diltiazem")]
    assert pd.isna(diltiazem["percent"]) and diltiazem["unknown_or_not_given"] == diltiazem["treated"] - 9
    # Balin's bisphosphonates: 1 partial, 3 none, 1 unknown -> 1 of the 4 with a known response
    bisphosphonates = published.loc[("balin2012", "bisphosphonate_any")]
    assert (bisphosphonates["responded"], bisphosphonates["known"]) == (1, 4)


# --- the built pages ----------------------------------------------------------------------------

def test_no_single_case_report_carries_an_interval_on_the_page(site):
    soup = page(site, "pooled_evidence")
    for table_id in ("table-case-counts", "table-case-reports"):
        for row in rows(soup, table_id):
            assert not any("%" in cell or INTERVAL.search(cell) for cell in row.values()), (table_id, row)
    published = rows(soup, "table-pooled")
    interval = "Our figure"
    for row in published:
        if row["Kind · our level"].split(" · ")[0].replace(" ", "_") not in ccbook.INTERVAL_DESIGNS:
            assert "%" not in row[interval] and not INTERVAL.search(row[interval]), row
    with open(site / "_static" / "chart-data" / "case-report-counts.csv", encoding="utf-8") as handle:
        assert not {"lower", "upper", "percent"} & set(next(csv.reader(handle)))


def test_no_unknown_response_is_counted_as_a_failure_on_the_page(site):
    soup = page(site, "pooled_evidence")
    labels = ccbook.load().labels("vocab_responses")
    episodes = calcinosis_episodes()
    unknown = episodes[(episodes["response_id"] == "unknown") & (episodes["response_basis"] != "title_only")]
    treatments = ccbook.load().labels("vocab_treatments")
    shown = {row["Treatment"]: row for row in rows(soup, "table-case-counts")}
    for treatment_id, group in unknown.groupby("treatment_id"):
        row = shown[treatments[treatment_id]]
        graded = episodes[(episodes["treatment_id"] == treatment_id) & (episodes["response_basis"] != "title_only")]
        assert row[labels["unknown"]] == str(len(group))
        assert row[labels["none"]] == str((graded["response_id"] == "none").sum())
    for row in rows(soup, "table-pooled"):
        match = re.search(r"of the (\d+) with a known response", row["Our figure"])
        if match:
            unknown_count = int(row["Unknown or not given"] or 0)
            assert int(match.group(1)) + unknown_count == int(row["Treated (printed)"]), row


def test_episodes_and_patients_are_counted_apart_on_the_page(site):
    episodes = calcinosis_episodes()
    text = page(site, "pooled_evidence").get_text(" ", strip=True)
    phrase = f"{len(episodes)} treatment episodes in {episodes['case_id'].nunique()} individually published patients"
    assert phrase in text
    if len(episodes) != episodes["case_id"].nunique():
        assert f"{len(episodes)} published patients" not in text


def test_nothing_is_pooled_on_the_page_unless_two_studies_share_a_definition(site):
    for row in rows(page(site, "pooled_evidence"), "table-pooling"):
        if row["Status"] != ccbook.POOLED:
            assert not any(row.get(c) for c in ("Pooled proportion (confidence interval)", "τ²", "I²")), row
        else:
            assert "," in row["Sources"]


def treatment_table_rows(site: Path) -> dict[str, list[dict[str, str]]]:
    """Section id -> one dict per treatment (its name and each item), read back from the long-form tables."""
    soup = page(site, "treatment_table")
    tables = soup.find_all("table", id=re.compile(r"^table-treatments-"))
    sections = {}
    for t in tables:
        treatments = []
        for line in rows(soup, t["id"]):
            if line["Treatment"]:
                treatments.append({"Treatment": line["Treatment"]})
            treatments[-1][line["Item"]] = line["What the sources give"]
        sections[t["id"].removeprefix("table-treatments-").replace("-", "_")] = treatments
    return sections


def test_the_treatment_table_lists_every_treatment_of_the_vocabulary_in_its_section(site):
    sections = treatment_table_rows(site)
    listed = [row["Treatment"] for found in sections.values() for row in found]
    vocabulary = raw("vocab_treatments")
    assert sorted(listed) == sorted(vocabulary["label"])
    label_to_id = dict(zip(vocabulary["label"], vocabulary["treatment_id"]))
    for section, found in sections.items():
        for row in found:
            assert ccbook.treatment_section(label_to_id[row["Treatment"]]) == section, row["Treatment"]


def test_the_treatment_table_shows_quoted_doses_flagged_units_and_the_warfarin_caution(site):
    rows_by_label = {row["Treatment"]: row for found in treatment_table_rows(site).values() for row in found}
    labels = ccbook.load().labels("vocab_treatments")
    results = raw("cohort_results")
    quoted = results[(results["facts_via"] != "") & results["measure_id"].str.contains("dose")]
    assert len(quoted) >= 1
    for row in quoted.itertuples():
        assert row.as_printed in rows_by_label[labels[row.treatment_id]]["Doses as printed"]
        assert "as quoted by" in rows_by_label[labels[row.treatment_id]]["Doses as printed"]
    discrepancies = raw("discrepancies")
    for row in discrepancies[discrepancies["kind"] == "implausible_unit"].itertuples():
        for result_id in row.result_ids.split(";"):
            treatment = results.set_index("result_id").loc[result_id, "treatment_id"]
            assert "Unit flagged" in rows_by_label[labels[treatment]]["Doses as printed"]
    advice = raw("recommendations")
    for row in advice.itertuples():
        cell = rows_by_label[labels[row.treatment_id]]["Recommendations and cautions"]
        assert row.statement in cell
        if row.level_as_graded:
            assert f"level {row.level_as_graded}" in cell
    assert "not medical advice" in page(site, "treatment_table").get_text(" ").lower()


def test_the_at_a_glance_levels_come_from_the_data(site):
    source = (ROOT / "book" / "at_a_glance.md").read_text(encoding="utf-8")
    assert "PLACEHOLDER" not in source
    soup = page(site, "at_a_glance")
    levels = raw("evidence_levels").set_index("source_id")
    labels = ccbook.source_labels()
    by_label = {v: k for k, v in labels.items()}
    for row in rows(soup, "table-at-a-glance"):
        ids = [by_label[s.strip()] for s in row["Sources"].split(";")]
        best = min(levels.loc[ids, "level"])
        assert row["Level of evidence"].startswith(f"level {best} ("), row
    warfarin = raw("recommendations").set_index("recommendation_id").loc["traineau2020.warfarin", "level_as_graded"]
    text = soup.get_text(" ", strip=True)
    assert f"(level {warfarin}:" in text or f"level {warfarin} " in text
