"""The built site: every chapter exists, numbers appear on the right pages, nothing loads from
another origin, and the data downloads are the committed files."""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

import built_site as book_site
from conftest import DATA

PAGES = ["intro", "cohort", "clinical_features", "dermatomyositis", "systemic_sclerosis", "lupus",
         "mixed_overlap_undifferentiated", "polymyositis_ra", "treatments", "severity", "survival", "recommendations",
         "clinical_picture", "literature_cases", "data", "build_info", "contributing", "references",
         "pooled_evidence", "audit"]


@pytest.fixture(scope="module")
def site() -> Path:
    return book_site.build()


def text(site: Path, page: str) -> str:
    raw = (site / "book" / f"{page}.html").read_text(encoding="utf-8")
    raw = re.sub(r"<script.*?</script>", " ", raw, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", raw)))


def test_every_chapter_is_built(site):
    assert (site / "index.html").exists()
    for page in PAGES:
        assert (site / "book" / f"{page}.html").exists(), page


@pytest.mark.parametrize("page,phrases", [
    ("cohort", ["found 923 patients", "kept the 78", "64 ( 82 %) were women", "14 ( 18 %) were men",
                "mean age of 40.1 years"]),
    ("treatments", ["19 with medicines alone", "11 with surgery alone", "17 with both", "30 had no treatment",
                    "22 had a complete response", "5 a partial response", "9 partial responses among 17"]),
    ("survival", ["96 % at 60 months", "72 % at 240 months", "7 patients died", "P = 0.12"]),
    ("dermatomyositis", ["30 of the 78", "2.9 years after juvenile", "7.8 years after the diagnosis of classic"]),
    ("systemic_sclerosis", ["24 of 78", "7.5 years after"]),
    ("lupus", ["21.5 years after", "4.8 years"]),
    ("severity", ["P = 0.07", "correlation 0.19", "P = 0.24"]),
    ("clinical_features", ["54 of 78", "43 ( 55 %"]),
])
def test_published_numbers_appear_on_the_right_page(site, page, phrases):
    body = re.sub(r"\s+([%)])", r" \1", text(site, page))
    for phrase in phrases:
        assert phrase in body, f"{page}: {phrase!r} not found"


@pytest.mark.parametrize("page", PAGES)
def test_no_page_references_another_origin_for_a_resource(site, page):
    raw = (site / "book" / f"{page}.html").read_text(encoding="utf-8")
    loaded = re.findall(r"<(?:script|img|iframe|source|audio|video)\b[^>]*\bsrc=[\"']([^\"']+)", raw)
    loaded += re.findall(r"<link\b[^>]*\bhref=[\"']([^\"']+)", raw)
    remote = [url for url in loaded if re.match(r"^(?:https?:)?//", url)]
    assert not remote, remote
    assert "mathjax" not in raw.lower() and "require.js" not in raw and "cdn.jsdelivr" not in raw


def test_chart_pages_carry_the_local_vega_bundle_and_valid_specs(site):
    page = (site / "book" / "treatments.html").read_text(encoding="utf-8")
    bundle = re.search(r'data-vega-bundle="(vega/vega-bundle-[^"?]+\.js)"', page)
    assert bundle and (site / "_static" / bundle.group(1)).exists()
    specs = re.findall(r'<script type="application/json" id="spec-[^"]+">(.*?)</script>', page, flags=re.S)
    assert len(specs) == page.count('class="cc-chart-view') >= 3
    for spec in specs:
        parsed = json.loads(spec)
        assert parsed["description"] and parsed["title"]


def test_downloads_are_the_committed_data(site):
    for path in DATA.glob("*.csv"):
        assert (site / "data" / path.name).read_bytes() == path.read_bytes()
    assert (site / "data" / "datapackage.json").read_bytes() == (DATA / "datapackage.json").read_bytes()


def test_pages_are_small(site):
    """A guard, not a benchmark: bench/ measures sizes; this only catches a page ballooning."""
    for page in PAGES:
        assert (site / "book" / f"{page}.html").stat().st_size < 300_000, page


def test_chapters_depend_on_the_data_so_a_csv_edit_re_executes_them(site):
    """The execution cache ignores CSV changes; the extension makes Sphinx re-read chapters instead."""
    import pickle
    with open(site.parent / ".doctrees" / "environment.pickle", "rb") as handle:
        env = pickle.load(handle)
    for page in ("book/cohort", "book/treatments", "book/literature_cases"):
        dependencies = {Path(d).name for d in env.dependencies[page]}
        assert {"cases.csv", "cohort_results.csv", "data.py", "charts.py", "chapters.yml"} <= dependencies, page
