"""The smaller errors of issue 19, item 6: each asserted on the built pages so none can come back."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import built_site as book_site
from test_clinical_text import article, page_html, visible_text


@pytest.fixture(scope="module")
def site() -> Path:
    return book_site.build()


def test_no_page_says_the_the(site: Path):
    pages = [page for page in (site / "book").glob("*.html")
             if "the the " in visible_text(article(page.read_text(encoding="utf-8"))).lower()]
    assert not pages, pages


@pytest.mark.parametrize("bad", ["n.d.", "Authors not available", "Author not available", "Authors not shown",
                                 "(drug, "])
def test_citations_with_missing_fields_read_well(site: Path, bad: str):
    pages = [page.name for page in (site / "book").glob("*.html")
             if bad in visible_text(article(page.read_text(encoding="utf-8")))]
    assert not pages, (bad, pages)


def test_short_label_says_when_the_year_is_not_stated():
    from ccbook.cite import source_labels
    labels = source_labels()
    assert all(label.split()[-1].isdigit() or label.endswith(", year not stated") for label in labels.values()), labels


def test_a_source_with_no_authors_and_no_journal_still_reads_as_a_label():
    from ccbook.cite import short_label
    row = pd.Series({"authors": None, "container": None, "year": None})
    assert short_label(row) == "Authors and journal not stated, year not stated"
    assert short_label(pd.Series({"authors": None, "container": "J Pediatr", "year": 2012})) == "J Pediatr 2012"



def test_data_page_prose_is_plain_for_clinicians(site: Path):
    # The prose before the codebook; the codebook's rule texts come from schemas/text_checks.py.
    text = visible_text(article(page_html(site, "data")))
    assert "as the HIPAA Safe Harbor rule requires" not in text

def test_the_security_rationale_is_kept_for_contributors():
    from conftest import ROOT
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert "OWASP" in contributing and "HIPAA Safe Harbor" in contributing


def test_dataset_citation_has_url_maintainers_and_interests(site: Path):
    import yaml
    from conftest import ROOT
    url = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["repository"]["url"]
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["repository-code"] == url and cff["url"] == url
    assert cff["authors"][0]["name"] == "The Calcinosis Cutis Open Data Book maintainers"
    text = visible_text(article(page_html(site, "data")))
    assert f'href="{url}"' in article(page_html(site, "data"))
    assert "The Calcinosis Cutis Open Data Book maintainers" in text
    assert "no conflicts of interest" in text and "no funding" in text


def test_site_not_stated_counts_only_cases_with_no_region():
    from ccbook import load
    from ccbook.cases import region_counts
    data = load()
    regions = data["vocab_body_sites"].set_index("site_id")["region"]
    cases = data["cases"]
    expected = sum(pd.isna(v) or {regions[s] for s in v.split(";")} == {"unspecified"} for v in cases["sites"])
    counts = region_counts(cases).set_index("region")["cases"]
    assert counts["Site not stated"] == expected
    # The teaching case names the neck and trunk, so it is not a case whose site is not stated.
    teaching = cases[cases["source_id"] == "chhaya_clinical_picture"]
    assert region_counts(teaching).set_index("region")["cases"]["Site not stated"] == 0


def test_treat_the_underlying_disease_says_the_evidence_is_from_jdm(site: Path):
    text = visible_text(article(page_html(site, "at_a_glance")))
    assert "early and aggressively in juvenile dermatomyositis" not in text
    assert text.count("juvenile dermatomyositis only") >= 2


def test_commonest_with_is_not_credited_to_a_referral_series(site: Path):
    import re
    text = visible_text(article(page_html(site, "at_a_glance")))
    sentence = re.search(r"[^.]*commonest with[^.]*\.", text).group()
    assert "Balin" not in sentence
    assert "a referral series cannot show how common calcinosis is" in text


def test_historical_polymyositis_reports_carry_a_classification_caveat(site: Path):
    text = visible_text(article(page_html(site, "polymyositis_ra")))
    assert "counted here under polymyositis because that is the name their reports use" in text
    assert "how these children would be classified today" in text


def test_individual_patients_are_counted_against_their_own_publications(site: Path):
    from ccbook import load
    cases = load()["cases"]
    text = visible_text(article(page_html(site, "intro"))).replace("( ", "(")
    n, k, index = len(cases), cases["source_id"].nunique(), int((cases["source_id"] == "balin2012").sum())
    assert f"{n} individually published patients from {k} publications ({index} of them are patients of the Mayo" in text
    assert f"individually published patients from {load()['sources']['source_id'].nunique()} publications" not in text
