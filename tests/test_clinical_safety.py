"""What a clinician needs before acting (issue 19): every dose shows its route, every treatment shows its
harms or says none were reported, procedures graded per lesion never share an axis with medicines graded
per patient, every proportion comes with its all-treated companion, one treatment has one figure on
every page, and the summary of findings is generated from the data. Checked on the built pages."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

import built_site
import ccbook
from ccbook.analyses.certainty import summary_of_findings
from ccbook.analyses.treatment_evidence import harm_sentences, section_treatments


@pytest.fixture(scope="module")
def site() -> Path:
    return built_site.build()


def page(site: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((site / "book" / f"{name}.html").read_text(encoding="utf-8"), "lxml")


def words_of(site: Path, name: str) -> str:
    """A page's text as a reader reads it: one space between words, typographic quotes made plain."""
    text = " ".join(page(site, name).get_text(" ", strip=True).split()).replace("’", "'")
    return re.sub(r"\( (\d)", r"(\1", re.sub(r"(\d) %", r"\1%", text))


def rows(soup: BeautifulSoup, table_id: str) -> list[dict[str, str]]:
    table = soup.find("table", id=table_id)
    assert table is not None, f"no table {table_id}"
    head = [th.get_text(" ", strip=True) for th in table.find("thead").find_all("th")]
    return [dict(zip(head, (td.get_text(" ", strip=True) for td in tr.find_all("td"))))
            for tr in table.find("tbody").find_all("tr")]


def test_every_dose_on_the_treatment_table_shows_its_route(site):
    from ccbook.analyses.treatment_table import doses
    routes = set(ccbook.load().labels("vocab_routes")) | {"Route not reported"}
    soup = page(site, "treatment_table")
    cells = " ".join(r["What the sources give"] for t in soup.find_all("table", id=re.compile("^table-treatments-"))
                     for r in rows(soup, t["id"]) if r["Item"] == "Doses as printed")
    printed = [item for t in ccbook.load()["vocab_treatments"]["treatment_id"] for item in doses(t)]
    assert printed
    for item in printed:
        assert item.split(":")[0] in routes, item
        assert " ".join(item.split()) in cells, item


def test_advice_about_one_route_is_labelled_with_that_route(site):
    advice = ccbook.load()["recommendations"]
    routes = ccbook.load().labels("vocab_routes")
    text = page(site, "treatment_table").get_text(" ", strip=True)
    for row in advice[advice["route"].notna()].itertuples():
        assert f"for {routes[row.route].lower()} use" in text, row.recommendation_id
    treatments = page(site, "treatments").get_text(" ", strip=True)
    for row in advice[advice["route"].notna()].itertuples():
        assert f"({routes[row.route].lower()} use)" in treatments, row.recommendation_id


def test_every_treatment_section_shows_harms_or_says_none_were_reported(site):
    data = ccbook.load()
    events = data["adverse_events"]
    soup = page(site, "treatments")
    text = soup.get_text(" ", strip=True)
    labels = data.labels("vocab_treatments")
    for section in ccbook.layout.layout()["treatment_sections"]:
        ids = section_treatments(section)
        for sentence in harm_sentences(ids):
            assert sentence in text
        mine = events[events["treatment_id"].isin(ids)]
        if len(mine):
            shown = rows(soup, f"table-harms-{section}")
            assert len(shown) == len(mine)
            assert {r["Treatment"] for r in shown} == set(mine["treatment_id"].map(labels))


def test_a_treatment_with_no_reported_harm_says_so_and_one_with_harms_does_not():
    data = ccbook.load()
    reported = set(data["adverse_events"]["treatment_id"])
    used = set(ccbook.published_results()["treatment_id"]) | set(ccbook.case_episodes()["treatment_id"])
    sentences = " ".join(harm_sentences(list(data["vocab_treatments"]["treatment_id"])))
    for treatment in used:
        named = f"{data.labels('vocab_treatments')[treatment]}: no source in the dataset reports on its harms"
        assert (named in sentences) == (treatment not in reported), treatment


def test_no_chart_puts_lesion_graded_and_patient_graded_results_on_one_axis(site):
    charts = site / "_static" / "chart-data"
    for name in ("pooled-forest", "pooled-forest-procedures"):
        with open(charts / f"{name}.csv", encoding="utf-8") as handle:
            graded = {row["graded_on"] for row in csv.DictReader(handle)}
        assert len(graded) <= 1, (name, graded)
    with open(charts / "pooled-forest.csv", encoding="utf-8") as handle:
        assert {row["route"] for row in csv.DictReader(handle)}.isdisjoint({"Procedure"})


def test_every_known_response_share_comes_with_its_all_treated_share(site):
    for row in rows(page(site, "pooled_evidence"), "table-pooled"):
        figure = row["Our figure"]
        known = re.search(r"of the (\d+) with a known response", figure)
        if known:
            treated = re.search(r"(\d+) of (\d+) treated", figure)
            assert treated and treated.group(2) == row["Treated (printed)"], row
            assert "%" in figure.split(";")[0], row


def test_printed_denominators_are_used(site):
    shown = [r for r in rows(page(site, "pooled_evidence"), "table-pooled") if r["Source"].startswith("Narváez")]
    assert shown and all("of 8 treated" in r["Our figure"] for r in shown)
    assert not any("the text does not give how many did not respond" in r["Our figure"] for r in shown)


def test_robertson_has_one_figure_on_every_page(site):
    published = ccbook.published_results()
    row = next(published[(published["source_id"] == "robertson2003")].itertuples())
    figure = ccbook.headline(row)
    assert "8 of 9 treated" in figure
    for name in ("treatments", "pooled_evidence"):
        assert figure in page(site, name).get_text(" ", strip=True), name
    assert "no proportion" not in " ".join(
        r["Our figure"] for r in rows(page(site, "pooled_evidence"), "table-pooled") if r["Source"].startswith("Robertson"))


def test_the_summary_of_findings_is_generated_from_the_data(site):
    sof = summary_of_findings()
    shown = rows(page(site, "summary_of_findings"), "table-summary-of-findings")
    assert [(r["Treatment"], r["Route"], r["Certainty (our GRADE rating)"], r["Reasons for rating down"])
            for r in shown] == list(zip(sof["treatment"], sof["route"], sof["certainty"], sof["reasons"]))
    randomised = set(ccbook.load()["sources"].query("design == 'randomised_trial'")["source_id"])
    for r in sof.itertuples():
        assert r.certainty in ("high", "moderate", "low", "very low")
        assert r.certainty == "very low" or r.reasons == "none" or r.starting_certainty == "high"
        if r.starting_certainty == "low":
            assert r.certainty in ("low", "very low")  # observational evidence never above low
        assert r.downgrades == (0 if r.reasons == "none" else r.reasons.count("; ") + 1)
    assert randomised or set(sof["starting_certainty"]) <= {"low"}


def test_the_at_a_glance_page_reads_the_certainty():
    sof = summary_of_findings()
    very_low = int((sof["certainty"] == "very low").sum())
    text = (built_site.build() / "book" / "at_a_glance.html").read_text(encoding="utf-8")
    soup = " ".join(BeautifulSoup(text, "lxml").get_text(" ", strip=True).split())
    assert f"Of the {len(sof)} treatment–route combinations with results in the dataset, {very_low} are rated very low" in soup


def test_a_new_randomised_trial_raises_the_starting_certainty(data_copy, monkeypatch):
    sources = pd.read_csv(data_copy / "sources.csv", dtype=str, keep_default_na=False)
    sources.loc[sources["source_id"] == "robertson2003", "design"] = "randomised_trial"
    sources.to_csv(data_copy / "sources.csv", index=False, lineterminator="\n")
    monkeypatch.setenv("CCBOOK_DATA_DIR", str(data_copy))
    ccbook.load.cache_clear()
    try:
        sof = summary_of_findings()
        row = sof[(sof["treatment_id"] == "minocycline") & sof["result"].str.contains("Robertson")].iloc[0]
        assert row["starting_certainty"] == "high" and "risk of bias" not in row["reasons"]
    finally:
        monkeypatch.delenv("CCBOOK_DATA_DIR")
        ccbook.load.cache_clear()


def test_indirect_evidence_is_flagged_where_it_is_used(site):
    from ccbook.cite import indirect_flag, indirect_sources
    assert "vereecken1998" in indirect_sources()
    flag = indirect_flag(["vereecken1998"])
    assert flag.startswith(ccbook.source_label("vereecken1998")) and "indirect evidence" in flag
    text = words_of(site, "treatments")
    assert " ".join(indirect_flag(["fuchs1986", "vereecken1998", "taborn1978"]).split()) in text
    assert indirect_flag(["balin2012"]) == ""


def test_title_only_sources_are_rated_not_assessable():
    data = ccbook.load()
    screening = data["screening"].set_index("record_id")
    ratings = data["quality_ratings"]
    unread = set(screening.index[screening["text_read"].isin(["title_only", "not_reached"])])
    mine = ratings[ratings["source_id"].isin(unread)]
    assert len(mine) and set(mine["rating"]) == {"not_assessable"}
    assert "not_assessable" not in set(ratings.loc[~ratings["source_id"].isin(unread), "rating"])


def test_the_dermatomyositis_chapter_shows_the_registry_figure_beside_the_quoted_ones(site):
    v = ccbook.load().value
    text = words_of(site, "dermatomyositis")
    k, n = int(v("carra_jdm2018.prevalence")), int(v("carra_jdm2018.flow.included"))
    assert f"found it in {k} of {n} children ({round(100 * k / n)}%)" in text
    assert f"{int(v('walsh1995.quoted.jdm_frequency.low'))}% to {int(v('walsh1995.quoted.jdm_frequency.high'))}%" in text


def test_the_audit_categories_add_up_to_the_numbers_audited(site):
    text = " ".join(page(site, "audit").get_text(" ", strip=True).split())
    total = int(re.search(r"every number the dataset holds for it, (\d+) in all", text).group(1))
    parts = [int(n) for n in re.findall(
        r"(?:reproduced|derived by us|needs patient-level data|not in our text|inconsistent|as printed|"
        r"quoted from another publication) : (\d+)", text)]
    assert len(parts) == 7 and sum(parts) == total == len(ccbook.audit("balin2012"))
