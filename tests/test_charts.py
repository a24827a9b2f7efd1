"""Charts: drawn at build time as inline SVG (visible with no script), readable on a phone, reusable
(CSV, SVG, PNG, anchor, citation), and upgraded to vega's interactive view only when a reader
reaches for them."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import built_site
from test_browser import browser  # noqa: F401  (the shared Chromium fixture)

PHONE = {"width": 390, "height": 844}
CHART_PAGES = ["treatments", "pooled_evidence", "survival", "cohort", "clinical_features", "dermatomyositis"]


@pytest.fixture(scope="module")
def site() -> Path:
    return built_site.build()


def figures(page_html: str) -> list[str]:
    return re.findall(r'<figure class="cc-chart[^"]*" id="figure-([^"]+)">', page_html)


def test_every_chart_is_inline_svg_with_its_downloads_and_citation(site):
    version = (site / "data" / "releases.csv").read_text(encoding="utf-8").strip().splitlines()[-1].split(",")[0]
    seen = 0
    for page in sorted((site / "book").glob("*.html")):
        text = page.read_text(encoding="utf-8")
        for name in figures(text):
            seen += 1
            figure = text[text.index(f'id="figure-{name}"'):]
            figure = figure[:figure.index("</figure>")]
            assert '<div class="cc-chart-wide"><svg aria-hidden="true"' in figure, name
            assert 'role="img"' in figure and 'aria-label="' in figure, name
            # The inline drawing drops vega's per-mark roles (hidden anyway), but keeps every mark and label.
            assert "aria-roledescription" not in figure and "<text" in figure and "<path" in figure, name
            download = (site / "_static" / "chart-data" / f"{name}.svg").read_text(encoding="utf-8")
            assert figure.count("<text") >= download.count("<text"), name
            for suffix in ("csv", "svg", "png"):
                assert f'href="../_static/chart-data/{name}.{suffix}"' in figure, (name, suffix)
                assert (site / "_static" / "chart-data" / f"{name}.{suffix}").stat().st_size > 0, (name, suffix)
            assert f'href="#figure-{name}"' in figure
            assert f"dataset version {version}" in figure, name
    assert seen >= 15


def test_the_vega_bundle_is_not_loaded_with_the_page(site):
    page = (site / "book" / "treatments.html").read_text(encoding="utf-8")
    assert not re.search(r'<script[^>]+src="[^"]*vega-bundle', page)
    assert re.search(r'<script[^>]+data-vega-bundle="vega/vega-bundle-[^"]+"[^>]+charts\.js', page)


def test_phone_drawing_fits_and_keeps_text_readable():
    import vl_convert
    from ccbook.charts import NARROW_WIDTH, narrow_override
    spec = {"data": {"values": [{"label": "A very long treatment label that would never fit a phone", "x": 3}]},
            "mark": "bar", "width": 600, "title": "A long title that has to wrap onto a second line on a phone",
            "encoding": {"y": {"field": "label", "type": "nominal", "axis": {"labelLimit": 400}},
                         "x": {"field": "x", "type": "quantitative"}}}
    override = narrow_override(spec)
    svg = vl_convert.vegalite_to_svg({**spec, **override})
    width = float(re.search(r'<svg[^>]+width="([0-9.]+)"', svg).group(1))
    assert width <= NARROW_WIDTH + 1
    assert isinstance(override["title"]["text"], list) and len(override["title"]["text"]) >= 2
    assert json.dumps(override).count('"labelLimit": 400') == 0


MEASURE = """() => [...document.querySelectorAll('.cc-chart-view')].map(view => {
  const drawing = [...view.querySelectorAll('svg')].find(svg => svg.getBoundingClientRect().width > 0);
  const box = view.getBoundingClientRect(), column = view.closest('article, main, body').getBoundingClientRect();
  const texts = drawing ? [...drawing.querySelectorAll('text')].filter(t => t.textContent.trim()) : [];
  return {id: view.dataset.specId, fits: box.right <= column.right + 1 && box.left >= column.left - 1
            && (!drawing || drawing.getBoundingClientRect().right <= box.right + 1),
          smallest: Math.min(...texts.map(t => t.getBoundingClientRect().height)), drawn: !!drawing};
})"""


@pytest.mark.browser
@pytest.mark.parametrize("chapter", CHART_PAGES)
def test_charts_fit_a_phone_with_text_at_least_10_px(site, browser, chapter):
    with built_site.serve(site) as origin:
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        page.goto(f"{origin}/book/{chapter}.html", wait_until="load")
        charts = page.evaluate(MEASURE)
        context.close()
    assert charts
    for chart in charts:
        assert chart["drawn"] and chart["fits"], chart
        assert chart["smallest"] >= 10, chart


@pytest.mark.browser
def test_interactive_view_loads_vega_only_when_the_reader_reaches_for_a_chart(site, browser):
    with built_site.serve(site) as origin:
        page = browser.new_page()
        requested = []
        page.on("request", lambda r: requested.append(r.url))
        page.goto(f"{origin}/book/pooled_evidence.html", wait_until="networkidle")
        assert not [url for url in requested if "vega-bundle" in url]
        page.locator(".cc-chart-interactive").first.click()
        page.wait_for_selector(".cc-chart-view[data-interactive='true']", timeout=15_000)
        assert [url for url in requested if "vega-bundle" in url]
        assert page.locator(".cc-chart-view[data-interactive='true'] select").count() >= 2  # the filter menus
        page.close()
