"""The house style for figures: an Altair theme, and every chart embedded with its text description
and its data as a CSV download. Charts are drawn offline (see book/_ext/chart_assets.py)."""
from __future__ import annotations

import html
import json
import os
import re
from functools import cache
from pathlib import Path

import altair as alt
import pandas as pd
import vl_convert
from IPython.display import HTML

from .cases import interval_points, region_counts
from .data import load

# The book build names a build-time folder (book/_ext/chart_assets.py copies it into the site); a
# chapter run on its own writes under _build/, never into the source tree.
CHART_DATA = Path(os.environ.get("CCBOOK_CHART_DIR", Path(__file__).resolve().parents[2] / "_build" / "chart-data"))
# Okabe-Ito: distinguishable with every common form of colour-vision deficiency.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
# Colours are presentation, keyed by response id; the words come from vocab_responses.csv.
RESPONSE_COLOURS = {"complete": "#009E73", "partial": "#56B4E9", "none": "#D55E00", "unknown": "#999999",
                    "favourable": "#0072B2", "none_or_worse": "#D55E00", "not_specified": "#999999"}
UNLISTED_COLOUR = "#666666"


@alt.theme.register("ccbook", enable=True)
def _theme() -> alt.theme.ThemeConfig:
    return {"config": {
        "range": {"category": PALETTE},
        # Text is measured at build time (vl-convert) and drawn by the reader's browser: list a wide
        # font first, so a browser's substitute is never wider than what the layout made room for.
        "font": "DejaVu Sans, Verdana, sans-serif",
        "title": {"fontSize": 15, "anchor": "start"},
        "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": 230},
        "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom", "direction": "horizontal",
                   "columns": 3, "labelLimit": 260},
        "view": {"stroke": None},
    }}


def chart(spec: alt.TopLevelMixin, *, name: str, title: str, description: str, data: pd.DataFrame) -> HTML:
    """A figure drawn at build time: inline SVG that needs no script, its text description, its data
    (CSV) and images (SVG, PNG) to download, a stable anchor and a citation line. The vega spec rides
    along so that charts.js can swap in the interactive view (tooltips, filters) when a reader reaches
    for the chart; the page never waits for vega."""
    spec = spec.properties(title=title, description=description)
    spec_dict = spec.to_dict()
    svg = vl_convert.vegalite_to_svg(spec_dict)
    narrow = narrow_override(spec_dict)
    svg_narrow = vl_convert.vegalite_to_svg({**spec_dict, **narrow}) if narrow else ""
    CHART_DATA.mkdir(parents=True, exist_ok=True)
    data.to_csv(CHART_DATA / f"{name}.csv", index=False, lineterminator="\n")
    (CHART_DATA / f"{name}.svg").write_text(svg, encoding="utf-8")
    drawings = f'<div class="cc-chart-wide">{_inline(svg)}</div>' + \
        (f'<div class="cc-chart-narrow">{_inline(svg_narrow)}</div>' if narrow else "")
    narrow_json = html.escape(json.dumps(narrow, sort_keys=True), quote=True) if narrow else ""
    (CHART_DATA / f"{name}.png").write_bytes(vl_convert.vegalite_to_png(spec_dict, scale=2))
    payload = json.dumps(spec_dict, sort_keys=True)
    # Inside <script> a "</script>" in the data would end the block early: escape the markup characters.
    payload = payload.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    label = html.escape(description, quote=True)
    files = f"../_static/chart-data/{name}"
    filters = " cc-chart-has-filters" if any("bind" in p for p in spec_dict.get("params", [])) else ""
    return HTML(
        f'<figure class="cc-chart{filters}" id="figure-{name}">'
        f'<div class="cc-chart-view{" cc-chart-two" if narrow else ""}" data-spec-id="spec-{name}" data-narrow="{narrow_json}" role="img" tabindex="0" '
        f'aria-label="{label}">{drawings}</div>'
        f'<script type="application/json" id="spec-{name}">{payload}</script>'
        f'<figcaption><span class="cc-chart-description">{label}</span> '
        f'<span class="cc-chart-links">Download: <a class="cc-chart-download" href="{files}.csv" download>'
        f'the data behind this chart (CSV)</a> · <a href="{files}.svg" download>image (SVG)</a> · '
        f'<a href="{files}.png" download>image (PNG)</a> · <a href="#figure-{name}">link to this figure</a></span> '
        f'<span class="cc-chart-cite">Cite this figure: {html.escape(_citation(title))}</span></figcaption></figure>')


NARROW_WIDTH = 340  # fits a 390 px phone's text column with its margins, so text is never scaled down
NARROW_TITLE_CHARACTERS = 38
NARROW_LABEL_LIMIT = 120


def narrow_override(spec: dict) -> dict:
    """What changes for a phone: the whole chart fitted into NARROW_WIDTH, shorter axis labels and a
    wrapped title. Charts made of several side-by-side views keep one drawing."""
    if any(key in spec for key in ("hconcat", "vconcat", "concat", "facet", "repeat")):
        return {}
    config = json.loads(json.dumps(spec.get("config", {})))
    config.setdefault("axis", {})["labelLimit"] = NARROW_LABEL_LIMIT
    config.setdefault("legend", {}).update(columns=1, labelLimit=NARROW_WIDTH - 40)
    title = spec.get("title")
    text = title.get("text") if isinstance(title, dict) else title
    override = {"width": NARROW_WIDTH, "autosize": {"type": "fit-x", "contains": "padding"}, "config": config}
    for key in ("encoding", "layer"):  # a chart's own label limits would override the config's
        if key in spec:
            override[key] = _capped(spec[key], NARROW_LABEL_LIMIT)
    if isinstance(text, str):
        override["title"] = {**(title if isinstance(title, dict) else {}), "text": _wrap(text)}
    return override


def _capped(node, limit: int):
    if isinstance(node, dict):
        return {k: (min(v, limit) if k == "labelLimit" and isinstance(v, (int, float)) else _capped(v, limit))
                for k, v in node.items()}
    if isinstance(node, list):
        return [_capped(v, limit) for v in node]
    return node


def _wrap(text: str) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > NARROW_TITLE_CHARACTERS:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return lines + [line]


# Inside a drawing hidden from assistive technology, vega's per-mark roles, labels and classes say
# nothing to anyone and are about a third of the page's bytes; the downloadable SVG keeps them.
_SILENT_ATTRIBUTES = re.compile(r' (?:role|aria-roledescription|aria-label|aria-hidden|class|pointer-events)="[^"]*"')


def _inline(svg: str) -> str:
    """vega's SVG (text already escaped by vega), hidden from assistive technology: the figure's
    role="img" and its description speak for it."""
    return _SILENT_ATTRIBUTES.sub("", svg).replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)


@cache
def _dataset_version() -> str:
    from .data import data_version
    return data_version()[0]


def _citation(title: str) -> str:
    return (f"Calcinosis Cutis Open Data Book contributors. “{title}”. Figure from the dataset version "
            f"{_dataset_version()}. CC BY 4.0.")


def response_frame(rows: pd.DataFrame, *, group: pd.Series) -> pd.DataFrame:
    """Rows of cohort_results with a response into the shape response_bars draws, in the vocabulary's order."""
    responses = load()["vocab_responses"]["response_id"].tolist()
    labels = load().labels("vocab_responses")
    return pd.DataFrame({"group": group.to_numpy(), "response": rows["response_id"].map(labels).to_numpy(),
                         "response_id": rows["response_id"].to_numpy(),
                         "order": rows["response_id"].map(responses.index).to_numpy(),
                         "patients": rows["value"].astype(int).to_numpy(),
                         "printed or derived": rows["kind"].to_numpy()})


def response_bars(frame: pd.DataFrame, *, y: str, y_title: str) -> alt.Chart:
    """Stacked horizontal bars of response counts, coloured by response (shared by several chapters)."""
    labels = load().labels("vocab_responses")
    order = [r for r in labels.index if r in set(frame["response_id"])]
    return alt.Chart(frame).mark_bar().encode(
        x=alt.X("patients:Q", title=load().label("vocab_measures", "patients"), stack="zero"),
        y=alt.Y(f"{y}:N", title=y_title, sort=None),
        color=alt.Color("response:N", title="Response", sort=[labels[r] for r in order],
                        scale=alt.Scale(domain=[labels[r] for r in order],
                                        range=[RESPONSE_COLOURS.get(r, UNLISTED_COLOUR) for r in order])),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip(f"{y}:N", title=y_title), alt.Tooltip("response:N", title="Response"),
                 alt.Tooltip("patients:Q", title=load().label("vocab_measures", "patients"))],
    )


def response_chart(rows: pd.DataFrame, *, name: str, title: str, what: str, note: str = "", height: int = 120) -> HTML:
    """Stacked bars of best responses, one bar per stratum of `rows` (cohort_results rows with a response)."""
    frame = response_frame(rows, group=rows["stratum_id"].map(load().labels("vocab_strata")))
    described = "; ".join(f"{group}: " + ", ".join(f"{r.response} {r.patients}" for r in part.itertuples())
                          for group, part in frame.groupby("group", sort=False))
    return chart(response_bars(frame, y="group", y_title="Group").properties(width=400, height=height),
                 name=name, data=frame.drop(columns=["response_id", "order"]), title=title,
                 description=f"Stacked bar chart of {what}: {described}.{' ' + note if note else ''}")


def region_chart(cases: pd.DataFrame, *, name: str, who: str) -> HTML:
    counts = region_counts(cases)
    return chart(
        alt.Chart(counts).mark_bar().encode(
            x=alt.X("cases:Q", title="Published cases", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("region:N", title=None, sort=list(counts["region"])),
            tooltip=["region", "cases"]).properties(width=400, height=160),
        name=name, data=counts, title=f"Where the deposits sat in published cases of {who}",
        description=f"Bar chart of published cases of {who} by body region of the deposits: "
                    + "; ".join(f"{r.region} {r.cases}" for r in counts.itertuples())
                    + ". A case with deposits in several regions counts once in each.")


def interval_chart(chapter: str, *, name: str, who: str) -> HTML | None:
    """Years to calcinosis, each point marked with where its interval starts (they are not comparable)."""
    points = interval_points(chapter)
    if points.empty:
        return None
    # One short legend (it must fit a phone): what the point is and where its interval starts.
    points["kind"] = (points["what"].replace({"Mayo series mean": "Mayo mean", "Published case": "Case"})
                      + " (" + points["start"] + ")")
    legend = alt.Legend(orient="bottom", direction="vertical")
    return chart(
        alt.Chart(points).mark_point(size=110, filled=True, opacity=0.85).encode(
            x=alt.X("years:Q", title="Years to calcinosis"),
            y=alt.Y("disease:N", title=None),
            shape=alt.Shape("kind:N", title=None, legend=legend),
            color=alt.Color("kind:N", title=None, legend=legend),
            tooltip=["disease", "what", "who", alt.Tooltip("start", title="Counted"),
                     alt.Tooltip("years:Q", format=".2g")]).properties(width=360),
        name=name, data=points, title=f"Time to calcinosis in {who}",
        description=f"Dot chart of years to calcinosis in {who}, each with its starting point: "
                    + "; ".join(f"{p.disease}, {p.what} ({p.who}): {p.years:g} years {p.start}"
                                for p in points.itertuples()) + ".")
