"""The built site: every chapter exists, numbers appear on the right pages, nothing loads from
another origin, and the data downloads are the committed files."""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

import built_site as book_site
from conftest import DATA, ROOT, book_extension

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
    # A canonical link names the page's published address; the browser loads nothing from it.
    loaded += [re.search(r"\bhref=[\"']([^\"']+)", tag).group(1) for tag in re.findall(r"<link\b[^>]*>", raw)
               if "href=" in tag and 'rel="canonical"' not in tag]
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


def test_the_pages_were_executed_for_this_checkout_s_inputs_and_say_so(site):
    """The build keyed its chapters on the fingerprint of this checkout's inputs (an edit to any of them
    re-executes the chapters: tests/test_execution_inputs.py), and the build-information page shows it."""
    import pickle
    with open(site.parent / ".doctrees" / "environment.pickle", "rb") as handle:
        env = pickle.load(handle)
    assert env.ccbook_inputs_key == book_extension("execution_inputs").fingerprint(ROOT)
    page = (site / "book" / "build_info.html").read_text(encoding="utf-8")
    assert f"Fingerprint of the inputs: {env.ccbook_inputs_key[:12]}" in re.sub(r"<[^>]+>", "", page)
    assert "executed afresh" not in page


# ----------------------------------------------------------------- findable and light (issues 13, 14)
def _config() -> dict:
    import yaml
    from conftest import ROOT
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def _all_pages(site: Path) -> list[str]:
    return book_site.pages(site)


def _head(site: Path, page: str) -> str:
    raw = (site / page).read_text(encoding="utf-8")
    return raw[:raw.index("</head>")]


def test_every_page_has_its_own_description_and_opengraph_tags(site):
    base = _config()["html"]["baseurl"]
    descriptions = {}
    for page in _all_pages(site):
        head = _head(site, page)
        found = re.findall(r'<meta name="description" content="([^"]*)"', head)
        assert len(found) == 1 and len(found[0]) >= 50, (page, found)
        descriptions[page] = found[0]
        if page.startswith("book/"):
            assert re.search(r'<meta property="og:title" content="[^"]+"', head), page
            assert re.search(r'<meta property="og:description" content="[^"]{50,}"', head), page
            assert f'<meta property="og:url" content="{base}{page}"' in head, page
            assert "[ " not in found[0] and "( " not in found[0], (page, found[0])
    chapters = [d for p, d in descriptions.items() if p.startswith("book/")]
    assert len(set(chapters)) == len(chapters), "each chapter describes itself"


def test_sitemap_and_robots_list_every_chapter(site):
    base = _config()["html"]["baseurl"]
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    listed = set(re.findall(r"<loc>([^<]+)</loc>", sitemap))
    assert {f"{base}book/{page}.html" for page in PAGES} <= listed
    assert all(url.startswith(base) and (site / url[len(base):]).exists() for url in listed), listed
    assert f"{base}search.html" not in listed
    robots = (site / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "User-agent: *" in robots and f"Sitemap: {base}sitemap.xml" in robots


def test_favicon_is_declared_on_every_page_and_served_at_the_root(site):
    ico = (site / "favicon.ico").read_bytes()
    assert ico[:4] == b"\x00\x00\x01\x00" and b"PNG" in ico[:64]
    for page in _all_pages(site):
        icons = re.findall(r'<link rel="icon" href="([^"]+)"', _head(site, page))
        assert icons, page
        assert all((site / page).parent.joinpath(href).resolve().exists() for href in icons), (page, icons)


def test_the_root_page_is_a_complete_redirect_page(site):
    root = (site / "index.html").read_text(encoding="utf-8")
    assert root.startswith("<!DOCTYPE html>") and '<html lang="en">' in root
    assert f"<title>{html.escape(_config()['title'])}</title>" in root
    target = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', root).group(1)
    assert (site / target).exists() and f'<a href="{target}">' in root


def test_reading_pages_load_no_icon_script_no_search_index_and_block_on_no_script(site):
    for page in _all_pages(site):
        head = _head(site, page)
        assert "fontawesome" not in head and "styles/theme.css" not in head, page
        assert page == "index.html" or "_static/basic.css" in head, page
        assert "THEBE_JS_URL" not in head and "thebe" not in head, page
        if page == "search.html":
            continue  # its template loads the search scripts, which need doctools.js first, blocking
        assert "searchindex.js" not in head and "searchtools.js" not in head, page
        blocking = [s for s in re.findall(r"<script\b([^>]*)\bsrc=\"([^\"]+)\"", head)
                    if "defer" not in s[0] and "async" not in s[0] and 'type="module"' not in s[0]]
        assert [src for _, src in blocking if "documentation_options.js" not in src] == [], (page, blocking)
    assert "searchindex.js" in (site / "search.html").read_text(encoding="utf-8")
    assert not (site / "_static" / "scripts" / "fontawesome.js").exists()
    theme_css = (site / "_static" / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    assert ".bd-search" in theme_css and '.fa-github:before{content:"' not in theme_css
    # the web fonts keep only the glyphs the theme's remaining rules draw (admonition icons, ...)
    fonts = list((site / "_static" / "vendor" / "fontawesome" / "webfonts").glob("*.woff2"))
    assert fonts and all(font.stat().st_size < 10_000 for font in fonts), [(f.name, f.stat().st_size) for f in fonts]
    from fontTools.ttLib import TTFont
    solid = TTFont(site / "_static" / "vendor" / "fontawesome" / "webfonts" / "fa-solid-900.woff2")
    assert 0xF071 in solid.getBestCmap()  # the warning triangle of "Not medical advice"


def test_every_icon_on_every_page_has_a_css_glyph(site):
    css = (site / "_static" / "icons.css").read_text(encoding="utf-8")
    packs = {"fab": "fab", "fa-brands": "fab", "far": "far", "fa-regular": "far"}
    seen = set()
    for page in _all_pages(site):
        for classes in re.findall(r'class="([^"]*\bfa-[^"]*)"', (site / page).read_text(encoding="utf-8")):
            tokens = classes.split()
            pack = next((packs[t] for t in tokens if t in packs), "fas")
            for token in tokens:
                if token.startswith("fa-") and token not in ("fa-lg", "fa-solid", "fa-brands", "fa-regular", "fa-fw"):
                    seen.add(token)
                    assert f".{pack}.{token}::before" in css, (page, token)
    assert {"fa-github", "fa-bars", "fa-magnifying-glass", "fa-moon", "fa-sun"} <= seen
    assert css.count("mask-image:url(\"data:image/svg+xml,") >= 2 * len(seen)


def test_json_ld_put_in_the_page_context_is_serialised_safely(monkeypatch):
    from conftest import ROOT
    monkeypatch.syspath_prepend(str(ROOT / "book" / "_ext"))
    import site_files

    class App:
        class config:
            ccbook_site_description = "A description long enough for a search result snippet, here."
            favicons = []
    context = {"ccbook_jsonld": {"@type": "Dataset", "name": "x</script><script>alert(1)</script>"},
               "metatags": '<meta name="description" content="The series[ Balin et al., 2012] and 47( 60%) of them" />'}
    site_files.page_head(App, "book/data", "page.html", context, None)
    text = str(context["ccbook_jsonld"])
    assert "</script>" not in text and json.loads(text)["name"] == "x</script><script>alert(1)</script>"
    assert "The series [Balin et al., 2012] and 47 (60%) of them" in context["metatags"]
    context = {"metatags": ""}
    site_files.page_head(App, "search", "search.html", context, None)
    assert 'name="description" content="A description long enough' in context["metatags"]
    with pytest.raises(TypeError):
        site_files.page_head(App, "x", "page.html", {"ccbook_jsonld": "raw text", "metatags": ""}, None)
