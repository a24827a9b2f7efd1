"""What a careful clinical reader relies on: no ranking of treatments, every citation a real source,
a glossary that is used, a key-points box and a last-updated date on every chapter, and the
corrections of the clinical review kept (issue 12)."""
from __future__ import annotations

import csv
import datetime as dt
import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

import built_site as book_site
from conftest import DATA, ROOT

BOOK = ROOT / "book"
SOURCES = BOOK.glob("*.md")
# Back matter, not chapters: the glossary defines words and the references page lists titles in the
# authors' own words; neither carries key points.
BACK_MATTER = {"glossary", "references"}


def toc_pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]]
    for part in toc["parts"]:
        pages += [chapter["file"] for chapter in part["chapters"]]
    return [page.removeprefix("book/") for page in pages]


CHAPTERS = [page for page in toc_pages() if page not in BACK_MATTER]


@pytest.fixture(scope="module")
def site() -> Path:
    return book_site.build()


def page_html(site: Path, page: str) -> str:
    return (site / "book" / f"{page}.html").read_text(encoding="utf-8")


def visible_text(raw: str) -> str:
    """What a reader sees: no scripts (chart specs, markup), no tags, whitespace collapsed."""
    raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", raw)))


def article(raw: str) -> str:
    """The page's own content, without the navigation that lists every chapter's title."""
    found = re.search(r'<article class="bd-article".*?</article>', raw, flags=re.S)
    assert found, "no article element: the theme's layout changed"
    return found.group()


# --- No ranking of treatments ------------------------------------------------------------------

RANKING = ["best results", "best result", "did best", "gave the best", "most effective", "most efficacious",
           "superior", "worked better", "works better", "work better", "more effective", "the best treatment",
           "largest single-centre", "more than any earlier", "wax and wane", "chosen for discrete lesions"]
# A ranking phrase may stand only inside a sentence that says it is someone else's claim and puts
# their words in quotation marks, e.g. The authors wrote that "the best results were achieved ...".
ATTRIBUTION = re.compile(r"\b(?:the authors|the Mayo authors|they wrote|in their words|authors')\b", re.I)
QUOTED = re.compile(r"[\"“][^\"”]*[\"”]")


def ranking_sentences(text: str) -> list[str]:
    found = []
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        lowered = sentence.lower()
        for phrase in RANKING:
            if phrase not in lowered:
                continue
            quoted = any(phrase in q.lower() for q in QUOTED.findall(sentence))
            if not (quoted and ATTRIBUTION.search(sentence)):
                found.append(sentence.strip())
    return found


def test_the_ranking_check_catches_a_ranking_and_lets_a_quoted_claim_through():
    assert ranking_sentences("Among the medicines, diltiazem gave the best results.")
    assert ranking_sentences("Surgery was superior to medicines.")
    assert ranking_sentences('The authors liked it. Surgery "did best".')  # attribution in another sentence
    assert not ranking_sentences('The authors wrote that "the best results were achieved with diltiazem".')
    assert not ranking_sentences("Surgery was offered for discrete lesions.")


@pytest.mark.parametrize("page", CHAPTERS)
def test_no_page_ranks_treatments(site, page):
    found = ranking_sentences(visible_text(article(page_html(site, page))))
    assert not found, f"{page}: ranking language outside a marked, quoted claim: {found}"


# --- Corrections the clinical review asked for --------------------------------------------------

MISLEADING = ["lost table", "did not survive", "has not survived", "have not survived", "weakly related",
              "close to the conventional threshold", "ipython.core.display"]


@pytest.mark.parametrize("page", CHAPTERS)
def test_no_page_keeps_a_corrected_wording(site, page):
    body = visible_text(article(page_html(site, page))).lower()
    assert not [w for w in MISLEADING if w in body], page


def test_severity_says_weak_and_non_significant_and_draws_no_significance_chart(site):
    raw = page_html(site, "severity")
    body = visible_text(raw)
    assert "weak, non-significant correlation" in body
    assert 'id="table-severity-tests"' in raw
    assert 'class="cc-chart-view' not in raw, "the severity page draws no chart of P values"


def test_survival_gives_the_start_years_caveats_and_explains_still_at_risk(site):
    body = visible_text(article(page_html(site, "survival")))
    assert "counted from the diagnosis of calcinosis cutis" in body
    assert re.search(r"\d+ months, about \d+ years", body)
    assert "survivorship bias" in body.lower() and "referral bias" in body.lower()
    assert re.search(r"Still at risk\W{0,3} is the number of patients who were alive and still being followed", body)


def test_an_interval_from_another_starting_point_is_marked_on_its_chapter(site):
    """A published case counted from first symptoms or from presentation says so on its page."""
    from ccbook import chapter_of
    words = {"symptom_onset": "from first symptoms", "presentation": "from presentation"}
    with open(DATA / "cases.csv", encoding="utf-8", newline="") as handle:
        cases = [row for row in csv.DictReader(handle) if row["interval_start"] in words]
    assert cases, "the dataset holds cases counted from symptoms and from presentation"
    for case in cases:
        chapter = chapter_of(case["actd_id"])
        raw = page_html(site, chapter)
        assert words[case["interval_start"]] in raw, (case["case_id"], chapter)


def test_every_page_that_offers_warfarin_gives_the_review_advice_against_low_dose_warfarin():
    with open(DATA / "recommendations.csv", encoding="utf-8", newline="") as handle:
        advice = [row for row in csv.DictReader(handle)
                  if row["treatment_id"] == "warfarin" and row["stance"] == "not_recommended"]
    assert advice, "the advice against low-dose warfarin is in recommendations.csv"
    key = advice[0]["source_id"]
    # The audit and data pages name the paper's warfarin comparison, not warfarin as an option.
    exempt = {"audit", "data", "glossary", "references"}
    for path in BOOK.glob("*.md"):
        text = path.read_text(encoding="utf-8")
        prose = re.sub(r"^```\{code-cell\}.*?^```", "", text, flags=re.S | re.M)
        if path.stem not in exempt and "warfarin" in prose.lower():
            assert key in prose, f"{path.name} mentions warfarin without {key}'s advice"


# --- Citations -----------------------------------------------------------------------------------

def source_ids() -> set[str]:
    with open(DATA / "sources.csv", encoding="utf-8", newline="") as handle:
        return {row["source_id"] for row in csv.DictReader(handle)}


def cited_keys(text: str) -> set[str]:
    return {key.strip() for keys in re.findall(r"\{cite(?::[a-z]+)?\}`([^`]*)`", text) for key in keys.split(",")}


def test_the_citation_parser_reads_every_role_form():
    assert cited_keys("a {cite:p}`x,y` b {cite:t}`z` c {cite}`w`") == {"x", "y", "z", "w"}


def test_every_citation_key_in_every_chapter_is_a_source_in_the_dataset():
    known = source_ids()
    for path in BOOK.glob("*.md"):
        unknown = cited_keys(path.read_text(encoding="utf-8")) - known
        assert not unknown, f"{path.name} cites keys missing from data/sources.csv: {sorted(unknown)}"


# --- Glossary ------------------------------------------------------------------------------------

def glossary_terms() -> list[str]:
    text = (BOOK / "glossary.md").read_text(encoding="utf-8")
    return [line.strip() for block in re.findall(r"```\{glossary\}\n(.*?)```", text, flags=re.S)
            for line in block.splitlines() if line.strip() and not line.startswith(" ")]


def term_links(text: str) -> list[str]:
    targets = []
    for role in re.findall(r"\{term\}`([^`]*)`", text):
        explicit = re.search(r"<([^>]+)>\s*$", role)
        targets.append((explicit.group(1) if explicit else role).strip())
    return targets


def test_the_term_parser_reads_plain_and_explicit_targets():
    assert term_links("{term}`ACTD` and {term}`exact <exact (Clopper–Pearson) interval>`") == \
        ["ACTD", "exact (Clopper–Pearson) interval"]


def test_every_glossary_term_is_linked_from_a_chapter_and_every_link_names_a_term():
    terms = {t.lower() for t in glossary_terms()}
    assert len(terms) >= 20
    linked = set()
    for path in BOOK.glob("*.md"):
        if path.stem == "glossary":
            continue
        for target in term_links(path.read_text(encoding="utf-8")):
            assert target.lower() in terms, f"{path.name}: {{term}} {target!r} is not in the glossary"
            linked.add(target.lower())
    assert not terms - linked, f"glossary terms no chapter links to: {sorted(terms - linked)}"


def test_every_term_link_in_the_built_site_lands_on_a_glossary_entry(site):
    anchors = set(re.findall(r'<dt id="(term-[^"]+)"', page_html(site, "glossary")))
    assert len(anchors) == len(glossary_terms())
    links = 0
    for page in CHAPTERS:
        for target in re.findall(r'href="glossary\.html#(term-[^"]+)"', page_html(site, page)):
            links += 1
            assert target in anchors, (page, target)
    assert links >= len(anchors)


# --- Key points and last-updated date ------------------------------------------------------------

@pytest.mark.parametrize("page", CHAPTERS)
def test_every_chapter_opens_with_a_key_points_box_holding_numbers_from_the_data(site, page):
    raw = article(page_html(site, page))
    boxes = re.findall(r'<div class="([^"]*\badmonition\b[^"]*)"[^>]*>\s*<p class="admonition-title">([^<]*)</p>(.*?)</div>',
                       raw, flags=re.S)
    assert boxes, f"{page}: no admonition at all"
    classes, title, body = boxes[0]
    assert title.startswith("Key points") and "tip" in classes.split(), \
        f"{page}: the first box is {title!r}, not the key points"
    assert re.search(r"\d", visible_text(body)), f"{page}: the key points carry no number from the data"


@pytest.mark.parametrize("page", CHAPTERS)
def test_every_chapter_shows_the_date_its_text_last_changed(site, page):
    footer = re.search(r'<p class="last-updated">\s*Last updated on (\d{4}-\d{2}-\d{2})', page_html(site, page))
    assert footer, f"{page}: no last-updated date"
    assert dt.date.fromisoformat(footer.group(1)) <= dt.date.today()


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs a git checkout")
@pytest.mark.parametrize("name", ["intro", "survival"])
def test_the_date_is_the_last_commit_of_that_file(site, name):
    stamp = subprocess.run(["git", "log", "-1", "--format=%ct", "--", f"book/{name}.md"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.strip()
    expected = dt.datetime.fromtimestamp(int(stamp), dt.timezone.utc).date().isoformat()
    footer = re.search(r'<p class="last-updated">\s*Last updated on (\d{4}-\d{2}-\d{2})', page_html(site, name))
    assert footer and footer.group(1) == expected
