"""The built site in a real browser: Debian's Chromium driven by Playwright (never a downloaded one).

For every page: no console error at all (theme noise included), every chart drawn as SVG, no request to
any origin but the local server, no serious or critical axe-core violation. Every internal and
download link resolves; search finds a term. A second build from hostile data proves nothing from
the data executes or reaches the page as raw HTML.
"""
from __future__ import annotations

import csv
import io
import os
import re
import shutil
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

import pytest

import built_site
from conftest import DATA, ROOT

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.browser


def _require(path: Path, what: str) -> None:
    if not path.exists():
        message = f"{what} not found at {path}; see README (apt-get install chromium; npm ci --prefix tests/browser)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def browser():
    _require(CHROMIUM, "Chromium")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def site():
    return built_site.build()


pages = built_site.pages


def visit(browser, url: str, origin: str, *, axe: bool = False) -> dict:
    page = browser.new_page()
    seen = {"errors": [], "foreign": [], "failed": [], "dialogs": []}
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("request", lambda r: seen["foreign"].append(r.url)
            if not (r.url.startswith(origin) or r.url.startswith(("data:", "blob:", "about:"))) else None)
    page.on("response", lambda r: seen["failed"].append(r.url) if r.status >= 400 else None)
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")  # index.html redirects to the first chapter
    charts = page.locator(".cc-chart-view")
    if charts.count():
        page.wait_for_function("() => [...document.querySelectorAll('.cc-chart-view')].every(v => v.querySelector('svg'))",
                               timeout=10_000)
    seen["charts"] = charts.count()
    # Each chart carries a wide and a phone drawing; exactly one of them shows at any width.
    seen["svgs"] = page.evaluate("() => [...document.querySelectorAll('.cc-chart-view')].filter(v => "
                                 "[...v.querySelectorAll('svg')].some(s => s.getBoundingClientRect().width > 0)).length")
    seen["links"] = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    seen["pwned"] = page.evaluate("() => window.__pwned ?? null")
    if axe:
        page.add_script_tag(path=str(AXE))
        # preload: false stops axe re-fetching stylesheets itself (it resolves @import against the page
        # root and would report its own 404s as the site's).
        result = page.evaluate("() => axe.run(document, {resultTypes: ['violations'], preload: false})")
        seen["axe"] = [f"{v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} element(s)"
                       for v in result["violations"] if v["impact"] in ("serious", "critical")]
    page.close()
    return seen


def test_every_page_loads_cleanly_offline_with_charts_drawn(browser, site):
    _require(AXE, "axe-core")
    problems = []
    all_links: set[str] = set()
    with built_site.serve(site) as origin:
        for path in pages(site):
            seen = visit(browser, f"{origin}/{path}", origin, axe=True)
            all_links.update(seen["links"])
            for kind in ("errors", "foreign", "failed", "axe"):
                problems += [f"{path}: {kind}: {item}" for item in seen[kind]]
            if seen["svgs"] != seen["charts"]:
                problems.append(f"{path}: {seen['svgs']} of {seen['charts']} charts drawn")
        broken = []
        for link in sorted(all_links):
            url, _ = urldefrag(link)
            if urlparse(url).netloc != urlparse(origin).netloc:
                continue
            try:
                urllib.request.urlopen(url, timeout=10).close()
            except urllib.error.HTTPError as err:
                broken.append(f"{url}: {err.code}")
        problems += [f"broken link {b}" for b in broken]
    assert len(pages(site)) >= 18
    assert not problems, "\n".join(problems)


def test_chart_and_data_downloads_resolve(browser, site):
    with built_site.serve(site) as origin:
        seen = visit(browser, f"{origin}/book/treatments.html", origin)
        downloads = [l for l in seen["links"] if l.endswith(".csv")]
        assert len(downloads) >= seen["charts"] >= 3
        for link in downloads:
            body = urllib.request.urlopen(link, timeout=10).read().decode()
            assert body.count("\n") >= 2
        assert urllib.request.urlopen(f"{origin}/data/cases.csv").read() == (DATA / "cases.csv").read_bytes()


def test_search_finds_a_term(browser, site):
    with built_site.serve(site) as origin:
        page = browser.new_page()
        page.goto(f"{origin}/search.html?q=diltiazem")
        page.wait_for_selector("#search-results li, ul.search li", timeout=15_000)
        hits = page.locator("ul.search li").all_inner_texts()
        page.close()
    assert any("Treatments" in hit for hit in hits), hits


PAYLOADS = {
    "script": "<script>window.__pwned='script'</script>",
    "img": "<img src=x onerror=\"window.__pwned='img'\">",
    "link": "[read more](javascript:window.__pwned='link')",
    "role": "{raw:html}`<b onmouseover=alert(1)>x</b>`",
}


def hostile_data(folder: Path) -> Path:
    """A copy of data/ with hostile text in fields that reach the pages."""
    target = folder / "data"
    shutil.copytree(DATA, target)

    def edit(name: str, key: str, changes: dict[str, str]) -> None:
        rows = list(csv.DictReader(io.StringIO((target / f"{name}.csv").read_text(encoding="utf-8"))))
        for row in rows:
            if row[next(iter(row))] == key:
                row.update(changes)
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        (target / f"{name}.csv").write_text(buffer.getvalue(), encoding="utf-8")

    edit("sources", "chan2003", {"authors": PAYLOADS["img"] + " AT", "title": PAYLOADS["script"] + PAYLOADS["link"]})
    edit("vocab_actd", "overlap_ctd", {"label": PAYLOADS["img"]})
    edit("case_treatments", "T0001", {"response_as_stated": PAYLOADS["script"], "note": PAYLOADS["role"]})
    edit("cases", "C0004", {"note": PAYLOADS["link"], "label_in_source": PAYLOADS["script"]})
    return target


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    data = hostile_data(folder)
    os.environ["CCBOOK_UNVALIDATED_DATA_FOR_TESTS"] = "1"
    try:
        return built_site.build("hostile", data_dir=data, bibliography_from=data)
    finally:
        del os.environ["CCBOOK_UNVALIDATED_DATA_FOR_TESTS"]


def test_the_validator_rejects_the_hostile_data(tmp_path):
    from schemas.validate import validate_paths
    problems, _ = validate_paths([hostile_data(tmp_path)])
    assert {p.column for p in problems} >= {"label", "response_as_stated", "note", "label_in_source"}


def test_hostile_text_in_the_data_never_executes_or_reaches_the_page_as_html(browser, hostile_site):
    raw_pages = {p: (hostile_site / p).read_text(encoding="utf-8") for p in pages(hostile_site)}
    for path, text in raw_pages.items():
        for payload in ("<script>window.__pwned", "<img src=x onerror", "href=\"javascript:", "<b onmouseover"):
            assert payload not in text, f"{path} carries raw {payload!r}"
    reached = [p for p, t in raw_pages.items() if "window.__pwned" in t]
    assert {"book/literature_cases.html", "book/references.html"} <= set(reached), "payloads should reach pages, escaped"
    with built_site.serve(hostile_site) as origin:
        for path in reached:
            seen = visit(browser, f"{origin}/{path}", origin)
            assert seen["pwned"] is None and not seen["dialogs"], path
            assert seen["svgs"] == seen["charts"], path


def test_icons_dark_mode_and_search_work_without_the_theme_scripts_we_dropped(browser, site):
    """Icons are CSS masks, the colour mode cycles, and the search index arrives only with search."""
    with built_site.serve(site) as origin:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        requested = []
        page.on("request", lambda r: requested.append(r.url))
        page.goto(f"{origin}/book/intro.html")
        page.wait_for_load_state("networkidle")
        icons = page.eval_on_selector_all(
            "i[class*='fa-']", """els => els.filter(e => e.getClientRects().length).map(e => {
                const s = getComputedStyle(e, '::before');
                return [e.className, s.webkitMaskImage || s.maskImage, e.getBoundingClientRect().width];
            })""")
        assert len(icons) >= 4, icons
        assert all(mask.startswith('url("data:image/svg+xml') and width > 4 for _, mask, width in icons), icons
        # FontAwesome's script never loads; only its web fonts, cut to the few glyphs the theme draws.
        assert not any("fontawesome" in u and ".js" in u for u in requested), requested
        for font in [u for u in requested if "fontawesome" in u]:
            assert font.split("?")[0].endswith(".woff2"), font
            assert (site / urlparse(font).path.lstrip("/")).stat().st_size < 10_000, font
        assert not any("searchindex.js" in u for u in requested)

        themes = []
        for _ in range(3):
            page.locator(".theme-switch-button:visible").first.click()
            themes.append(page.evaluate("document.documentElement.dataset.theme"))
        assert {"light", "dark"} <= set(themes), themes
        page.evaluate("localStorage.clear()")

        page.keyboard.press("Control+k")
        page.wait_for_selector("#pst-search-dialog[open]")
        page.wait_for_function("() => document.querySelector('link[data-cc-search-index]')")
        page.locator("#pst-search-dialog input[name=q]").fill("diltiazem")
        page.keyboard.press("Enter")
        page.wait_for_selector("ul.search li", timeout=15_000)
        hits = page.locator("ul.search li").all_inner_texts()
        page.close()
    assert any("Treatments" in hit for hit in hits), hits
