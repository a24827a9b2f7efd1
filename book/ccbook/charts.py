"""The house style for figures: an Altair theme, and every chart embedded with its text description
and its data as a CSV download. Charts are drawn offline (see book/_ext/offline_assets.py)."""
from __future__ import annotations

import html
import json
import os
from pathlib import Path

import altair as alt
import pandas as pd
from IPython.display import HTML

from .cases import interval_points, region_counts
from .data import load

# Tests redirect chart data so that executing chapters never writes into the source tree.
CHART_DATA = Path(os.environ.get("CCBOOK_CHART_DIR", Path(__file__).resolve().parent.parent / "_static" / "chart-data"))
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
        "font": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
        "title": {"fontSize": 15, "anchor": "start"},
        "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": 230},
        "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom", "direction": "horizontal",
                   "columns": 3, "labelLimit": 260},
        "view": {"stroke": None},
    }}


def chart(spec: alt.TopLevelMixin, *, name: str, title: str, description: str, data: pd.DataFrame) -> HTML:
    """Embed an Altair chart drawn offline, with a text description and its data as a CSV download."""
    spec = spec.properties(title=title, description=description)
    CHART_DATA.mkdir(parents=True, exist_ok=True)
    data.to_csv(CHART_DATA / f"{name}.csv", index=False, lineterminator="\n")
    payload = json.dumps(spec.to_dict(), sort_keys=True)
    # Inside <script> a "</script>" in the data would end the block early: escape the markup characters.
    payload = payload.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    label = html.escape(description, quote=True)
    return HTML(
        f'<figure class="cc-chart" id="figure-{name}">'
        f'<div class="cc-chart-view" data-spec-id="spec-{name}" role="img" tabindex="0" aria-label="{label}"></div>'
        f'<script type="application/json" id="spec-{name}">{payload}</script>'
        f'<figcaption><span class="cc-chart-description">{label}</span> '
        f'<a class="cc-chart-download" href="../_static/chart-data/{name}.csv" download>'
        f"Download the data behind this chart (CSV)</a></figcaption></figure>")


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
    points = interval_points(chapter)
    if points.empty:
        return None
    return chart(
        alt.Chart(points).mark_point(size=110, filled=True, opacity=0.85).encode(
            x=alt.X("years:Q", title="Years from diagnosis of the disease to calcinosis"),
            y=alt.Y("disease:N", title=None),
            shape=alt.Shape("what:N", title=None),
            color=alt.Color("what:N", title=None),
            tooltip=["disease", "what", "who", alt.Tooltip("years:Q", format=".2g")]).properties(width=400),
        name=name, data=points, title=f"Time to calcinosis in {who}",
        description=f"Dot chart of years from diagnosis to calcinosis in {who}: "
                    + "; ".join(f"{p.disease}, {p.what.lower()} ({p.who}): {p.years:g} years" for p in points.itertuples())
                    + ".")
