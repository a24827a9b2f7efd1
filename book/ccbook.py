"""The one module every chapter uses: validated data, lookups, statistics, chart theme and tables.

No chapter reads a CSV, validates, styles a chart or computes an interval on its own.
"""
from __future__ import annotations

import html
import json
import string
import os
import sys
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import altair as alt
import pandas as pd
from IPython.display import HTML
from myst_nb import glue as _glue
from scipy.special import betaincinv  # beta quantiles; scipy.stats would add 0.7 s to every chapter

BOOK = Path(__file__).resolve().parent
ROOT = BOOK.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from schemas import content_hash, current_version  # noqa: E402
from schemas import data_fingerprint, read_dataset, validate_dataset  # noqa: E402

CI_LEVEL = 0.95
# Tests redirect chart data so that executing chapters never writes into the source tree.
CHART_DATA = Path(os.environ.get("CCBOOK_CHART_DIR", BOOK / "_static" / "chart-data"))
# Okabe-Ito: distinguishable with every common form of colour-vision deficiency.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
RESPONSE_COLOURS = {"complete": "#009E73", "partial": "#56B4E9", "none": "#D55E00", "unknown": "#999999",
                    "favourable": "#0072B2", "none_or_worse": "#D55E00", "not_specified": "#999999"}
CHAPTER_LABELS = {"dermatomyositis": "Dermatomyositis", "systemic_sclerosis": "Systemic sclerosis", "lupus": "Lupus",
                  "mixed_overlap_undifferentiated": "Mixed, overlap or undifferentiated", "polymyositis_ra":
                  "Polymyositis or rheumatoid arthritis", "mixed": "Several diseases", "not reported": "Not reported"}
REGION_LABELS = {"head": "Head", "extremities": "Extremities", "trunk": "Trunk", "hands_feet": "Hands or feet",
                 "unspecified": "Not specified"}


class DataError(RuntimeError):
    """The data did not validate; chapters refuse to draw from it."""


def data_dir() -> Path:
    return Path(os.environ.get("CCBOOK_DATA_DIR", ROOT / "data")).resolve()


@dataclass(frozen=True)
class Data:
    tables: dict[str, pd.DataFrame]

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    @property
    def results(self) -> pd.DataFrame:
        return self.tables["cohort_results"]

    def row(self, result_id: str) -> pd.Series:
        frame = self.results
        match = frame[frame["result_id"] == result_id]
        if match.empty:
            raise KeyError(f"no result {result_id!r} in cohort_results.csv")
        return match.iloc[0]

    def value(self, result_id: str):
        """A published number as a plain int or float (None when the source does not give it)."""
        value = self.row(result_id)["value"]
        if pd.isna(value):
            return None
        value = float(value)
        return int(value) if value.is_integer() else value

    @cached_property
    def source_labels(self) -> dict[str, str]:
        return {row.source_id: _short_label(row) for row in self.tables["sources"].itertuples()}

    def label(self, table: str, key: str) -> str:
        frame = self.tables[table]
        return str(frame.loc[frame.iloc[:, 0] == key, "label"].iloc[0])


# Only the injection test sets this: it proves the pages escape hostile text even if it got past
# the validator. A build made this way says so on its build-information page.
UNVALIDATED = os.environ.get("CCBOOK_UNVALIDATED_DATA_FOR_TESTS") == "1"


@cache
def load() -> Data:
    """Read and validate the dataset once per kernel; refuse invalid data with every problem listed."""
    dataset = read_dataset(data_dir())
    unreadable = [t.name for t in dataset.tables.values() if t.frame is None]
    # The book build validates once and exports the data's fingerprint; a kernel re-validates
    # only when it is not part of such a build or the data changed since.
    validated = os.environ.get("CCBOOK_VALIDATED_DATA_HASH")
    problems = [] if validated and validated == data_fingerprint(data_dir()) and not unreadable \
        else validate_dataset(dataset)
    if unreadable or (problems and not UNVALIDATED):
        raise DataError("the dataset does not validate:\n" + "\n".join(p.format() for p in problems[:50]))
    return Data({name: table.frame for name, table in dataset.tables.items()})


def data_version() -> tuple[str, str]:
    return current_version(), content_hash()[:12]


# --------------------------------------------------------------------------- numbers in prose
def _plain(value):
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def glue(**values) -> None:
    """Glue numbers (as plain Python numbers) and text for ``{glue:text}`` and ``{glue:md}`` roles."""
    from IPython.display import Markdown
    for name, value in values.items():
        if isinstance(value, str):
            _glue(name, Markdown(escape_markdown(value)), display=False)
        else:
            _glue(name, _plain(value), display=False)


def escape_markdown(text: str) -> str:
    """Text from data, safe to place in Markdown: every ASCII punctuation mark becomes a literal
    (CommonMark backslash escapes), so no markup, HTML, link or role can survive."""
    return "".join("\\" + ch if ch in string.punctuation else ch for ch in text.replace("\n", " "))


def percent(count, total) -> float:
    return 100.0 * count / total


def exact_interval(successes: int, trials: int, level: float = CI_LEVEL) -> tuple[float, float]:
    """Clopper-Pearson exact confidence interval for a proportion, as percentages."""
    alpha = 1 - level
    lower = 0.0 if successes == 0 else betaincinv(successes, trials - successes + 1, alpha / 2)
    upper = 1.0 if successes == trials else betaincinv(successes + 1, trials - successes, 1 - alpha / 2)
    return 100 * float(lower), 100 * float(upper)


# --------------------------------------------------------------------------- charts
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


def response_bars(frame: pd.DataFrame, *, y: str, y_title: str) -> alt.Chart:
    """Stacked horizontal bars of response counts, coloured by response (shared by several chapters)."""
    order = [r for r in RESPONSE_COLOURS if r in set(frame["response_id"])]
    return alt.Chart(frame).mark_bar().encode(
        x=alt.X("patients:Q", title="Patients", stack="zero"),
        y=alt.Y(f"{y}:N", title=y_title, sort=None),
        color=alt.Color("response:N", title="Response", sort=[RESPONSE_LABELS[r] for r in order],
                        scale=alt.Scale(domain=[RESPONSE_LABELS[r] for r in order],
                                        range=[RESPONSE_COLOURS[r] for r in order])),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip(f"{y}:N", title=y_title), alt.Tooltip("response:N", title="Response"),
                 alt.Tooltip("patients:Q", title="Patients")],
    )


RESPONSE_LABELS = {"complete": "Complete", "partial": "Partial", "none": "None", "unknown": "Unknown",
                   "favourable": "Favourable", "none_or_worse": "None or worse", "not_specified": "Not specified"}


# --------------------------------------------------------------------------- tables
def table(frame: pd.DataFrame, *, caption: str, table_id: str, sortable: bool = False) -> HTML:
    """An HTML table with every cell escaped; sortable tables get search and sort controls."""
    classes = "cc-table cc-sortable" if sortable else "cc-table"
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        cells = []
        for value in row:
            text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
            cells.append(f"<td>{html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return HTML(f'<div class="cc-table-wrap" tabindex="0" role="region" aria-label="{html.escape(caption)}">'
                f'<table class="{classes}" id="{html.escape(table_id)}">'
                f"<caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
                f"<tbody>{''.join(body)}</tbody></table></div>")


def _short_label(row) -> str:
    if pd.isna(row.authors):
        return f"{row.container} {'' if pd.isna(row.year) else int(row.year)}".strip()
    authors = str(row.authors).split(", ")
    first = authors[0].rsplit(" ", 1)[0]
    who = first if len(authors) == 1 else (f"{first} and {authors[1].rsplit(' ', 1)[0]}" if len(authors) == 2
                                            and authors[1] != "et al" else f"{first} et al.")
    return who + ("" if pd.isna(row.year) else f" {int(row.year)}")


def source_labels() -> dict[str, str]:
    """Short author-year labels of every source, e.g. 'Chan et al. 2003' (computed once per dataset)."""
    return load().source_labels


def source_label(source_id: str) -> str:
    return source_labels()[source_id]


def readable_cases(chapter: str | None = None, limit: int | None = None) -> pd.DataFrame:
    """Literature cases with labels instead of codes, optionally for one disease chapter."""
    data = load()
    cases = data["cases"]
    actd = data["vocab_actd"].set_index("actd_id")
    sites = data["vocab_body_sites"].set_index("site_id")["label"].str.lower()
    if chapter is not None:
        cases = cases[cases["actd_id"].map(actd["chapter"]) == chapter]
    if limit is not None:
        cases = cases.head(limit)
    episodes = data["case_treatments"]
    episodes = episodes[episodes["case_id"].isin(cases["case_id"])]
    treatments = data["vocab_treatments"].set_index("treatment_id")["label"]
    treatment_text = (episodes["treatment_id"].map(treatments) + " (" + episodes["response_id"] + ")") \
        .groupby(episodes["case_id"]).agg("; ".join)
    labels = source_labels()

    def site_text(value) -> str:
        return "not stated" if pd.isna(value) else ", ".join(sites[s] for s in value.split(";"))

    def number(value) -> str:
        return "" if pd.isna(value) else f"{float(value):g}"

    return pd.DataFrame({
        "Case": cases["case_id"],
        "Source": cases["source_id"].map(labels),
        "Disease": cases["actd_id"].map(actd["label"]).fillna("not reported"),
        "Sex": cases["sex"].str.replace("_", " "),
        "Age at calcinosis": cases["age_at_calcinosis_onset"].fillna(""),
        "Years from ACTD to calcinosis": cases["years_actd_to_calcinosis"].map(number),
        "Sites": cases["sites"].map(site_text),
        "Ulceration": cases["ulceration"].str.replace("_", " "),
        "Treatments (best response)": cases["case_id"].map(treatment_text).fillna("not described"),
        "Also counted in": cases["also_in_aggregate"].map(labels).fillna(""),
    })


# --------------------------------------------------------------------------- shared summaries
def actd_summary(source: str = "balin2012") -> pd.DataFrame:
    """Patients, share of the cohort and mean years to calcinosis for each disease of one source."""
    data = load()
    results = data.results[data.results["source_id"] == source]
    actd = data["vocab_actd"].set_index("actd_id")
    rows = results[(results["topic"] == "actd") & results["stratum_id"].isna()]
    total = data.value(f"{source}.flow.included")
    out = []
    for actd_id in actd.index:
        mine = rows[rows["actd_id"] == actd_id].set_index("measure_id")
        if "patients" not in mine.index:
            continue
        years = mine["value"].get("mean_years_actd_to_calcinosis")
        out.append({"actd_id": actd_id, "disease": actd.loc[actd_id, "label"], "level": actd.loc[actd_id, "level"],
                    "parent_id": actd.loc[actd_id, "parent_id"], "chapter": actd.loc[actd_id, "chapter"],
                    "patients": int(mine.loc["patients", "value"]),
                    "percent": percent(mine.loc["patients", "value"], total),
                    "years_to_calcinosis": None if years is None or pd.isna(years) else float(years)})
    return pd.DataFrame(out)


def leaf_diseases(summary: pd.DataFrame) -> pd.DataFrame:
    """Rows that are not broken down further, so their patients add up to the cohort."""
    parents = set(summary["parent_id"].dropna())
    return summary[~summary["actd_id"].isin(parents)]


def proportion(result_id: str) -> dict:
    """A published count with its denominator, share and exact confidence interval."""
    data = load()
    row = data.row(result_id)
    k, n = data.value(result_id), row["denominator"]
    if k is None or pd.isna(n):
        raise ValueError(f"{result_id} has no count or no denominator")
    lo, hi = exact_interval(int(k), int(n))
    return {"k": int(k), "n": int(n), "pct": percent(k, n), "lo": lo, "hi": hi}


def glue_proportion(prefix: str, result_id: str) -> dict:
    """Glue prefix_k, prefix_n, prefix_pct, prefix_lo and prefix_hi for one published proportion."""
    p = proportion(result_id)
    glue(**{f"{prefix}_{key}": value for key, value in p.items()})
    return p


def chapter_cases(chapter: str) -> pd.DataFrame:
    data = load()
    chapters = data["vocab_actd"].set_index("actd_id")["chapter"]
    cases = data["cases"]
    return cases[cases["actd_id"].map(chapters) == chapter]


def region_counts(cases: pd.DataFrame) -> pd.DataFrame:
    """How many cases have deposits in each of the index study's regions (a case can count in several)."""
    regions = load()["vocab_body_sites"].set_index("site_id")["region"]
    counts = {region: 0 for region in REGION_LABELS}
    for value in cases["sites"]:
        hit = {"unspecified"} if pd.isna(value) else {regions[s] for s in value.split(";")}
        for region in hit:
            counts[region] += 1
    return pd.DataFrame({"region": [REGION_LABELS[r] for r in counts], "cases": list(counts.values())})


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


def interval_points(chapter: str) -> pd.DataFrame:
    """Years from disease to calcinosis: cohort means and individual published cases, for one chapter."""
    summary = actd_summary()
    mine = summary[(summary["chapter"] == chapter) & summary["years_to_calcinosis"].notna()]
    rows = [{"disease": r.disease, "years": r.years_to_calcinosis, "what": "Mayo series mean",
             "who": f"mean of {r.patients} patients"} for r in mine.itertuples()]
    labels = load()["vocab_actd"].set_index("actd_id")["label"]
    cases = chapter_cases(chapter).dropna(subset=["years_actd_to_calcinosis"])
    # Aggregate before charting: one point per disease and interval, however many cases there are.
    grouped = cases.groupby(["actd_id", "years_actd_to_calcinosis"]).size().reset_index(name="count")
    for row in grouped.itertuples():
        rows.append({"disease": labels[row.actd_id], "years": float(row.years_actd_to_calcinosis),
                     "what": "Published case", "who": f"{row.count} published case{'s' if row.count > 1 else ''}"})
    return pd.DataFrame(rows, columns=["disease", "years", "what", "who"])


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


MAX_INLINE_ROWS = 100  # beyond this a page would grow with the registry; the full table is a download


def case_table(chapter: str | None = None, *, table_id: str) -> HTML:
    total = len(chapter_cases(chapter)) if chapter is not None else len(load()["cases"])
    cases = readable_cases(chapter, limit=MAX_INLINE_ROWS)
    caption = ("Published cases in the dataset" if chapter is None else "Published cases of these diseases") + \
        ". Best response uses the index study's grades; see the data dictionary for definitions."
    if total > MAX_INLINE_ROWS:
        caption += (f" Showing the first {MAX_INLINE_ROWS} of {total} cases; "
                    "every case is in cases.csv on the Data page.")
    return table(cases, caption=caption, table_id=table_id, sortable=True)


def downloads() -> HTML:
    """Links to every table at its stable URL, with size, rows and checksum."""
    package = json.loads((data_dir() / "datapackage.json").read_text(encoding="utf-8"))
    rows = []
    for resource in package["resources"]:
        rows_count = len(load()[resource["name"]])
        href = f"../data/{html.escape(resource['path'])}"
        rows.append(f'<tr><td><a href="{href}" download>{html.escape(resource["path"])}</a></td>'
                    f"<td>{html.escape(resource['description'])}</td><td>{rows_count}</td>"
                    f"<td>{resource['bytes']}</td><td><code>{html.escape(resource['hash'][7:19])}</code></td></tr>")
    for name, what in (("datapackage.json", "Frictionless data-package descriptor: every table's schema, licence and checksum"),
                       ("codebook.csv", "Every column of every table, with its type and allowed values"),
                       ("CHANGELOG.md", "What changed in each version")):
        rows.append(f'<tr><td><a href="../data/{name}" download>{name}</a></td><td>{html.escape(what)}</td>'
                    "<td></td><td></td><td></td></tr>")
    return HTML('<div class="cc-table-wrap" tabindex="0" role="region" aria-label="Downloads">'
                '<table class="cc-table" id="table-downloads"><caption>Downloads. '
                "Each file keeps the same address from one version to the next.</caption><thead><tr>"
                '<th scope="col">File</th><th scope="col">Contents</th><th scope="col">Rows</th>'
                '<th scope="col">Bytes</th><th scope="col">sha256 (start)</th></tr></thead><tbody>'
                + "".join(rows) + "</tbody></table></div>")


def codebook(table_name: str) -> HTML:
    frame = pd.read_csv(data_dir() / "codebook.csv", dtype=str, keep_default_na=False)
    mine = frame[frame["table"] == table_name].drop(columns="table")
    mine.columns = ["Column", "Type", "Required", "Unique", "Description", "Allowed values"]
    return table(mine, caption=f"Columns of {table_name}.csv", table_id=f"codebook-{table_name}")


def full_citation(source_id: str) -> str:
    """Vancouver-style citation built from sources.csv."""
    row = load()["sources"].set_index("source_id").loc[source_id]
    def part(column):
        value = row[column]
        return "" if pd.isna(value) else str(value)
    text = f"{part('authors') or '[authors not available]'}. {part('title') or '[title not available]'}. {part('container')}."
    if part("year"):
        text += f" {part('year')}"
        if part("volume"):
            text += f";{part('volume')}" + (f"({part('issue')})" if part("issue") else "") + \
                    (f":{part('pages')}" if part("pages") else "")
        text += "."
    if part("doi"):
        text += f" doi:{part('doi')}"
    return text


# --------------------------------------------------------------------------- pooled evidence (our analyses)
RESPONDED = ("complete", "partial")


def pooled_responses() -> pd.DataFrame:
    """Response to each treatment in every source: published aggregates, and case records pooled by
    treatment, design and disease. Patients already counted in an aggregate are left out of the cases."""
    data = load()
    sources = data["sources"].set_index("source_id")
    treatments = data["vocab_treatments"].set_index("treatment_id")
    actd = data["vocab_actd"].set_index("actd_id")
    results = data.results
    rows = []
    counted = results[(results["measure_id"] == "patients") & results["response_id"].notna()
                      & results["topic"].isin(["specific_treatment", "best_response"]) & results["value"].notna()
                      & results["treatment_id"].notna()]
    # Within a source, the all-excised group contains the surgery-alone and combined groups: use it alone.
    counted = counted[~counted["stratum_id"].isin(["surgical_alone", "combined"])]
    for (source, treatment, stratum), group in counted.groupby(["source_id", "treatment_id", "stratum_id"], dropna=False):
        by_response = group.set_index("response_id")
        if "favourable" in by_response.index:
            k, measure = by_response.loc["favourable", "value"], "improved"
        elif set(RESPONDED) & set(by_response.index):
            present = [r for r in RESPONDED if r in by_response.index]
            k = by_response.loc[present, "value"].sum()
            measure = "complete or partial" if len(present) == 2 else f"{present[0]} (others not given)"
        else:
            continue
        if group["denominator"].isna().all():
            continue  # a count without the number treated (e.g. "at least one patient") cannot be a proportion
        n = int(group["denominator"].dropna().iloc[0])
        single = results[(results["source_id"] == source) & (results["topic"] == "actd") & results["stratum_id"].isna()]
        disease = actd.loc[single["actd_id"].iloc[0], "chapter"] if len(single) == 1 else "mixed"
        basis = "" if pd.isna(stratum) or stratum == "all_excised" else f", {data.label('vocab_strata', stratum).lower()}"
        rows.append({"treatment": treatments.loc[treatment, "label"], "source": source_label(source) + basis,
                     "design": sources.loc[source, "design"], "disease": disease, "responded": int(k), "patients": n,
                     "counts": measure, "from": "published aggregate"})
    cases = data["cases"]
    episodes = data["case_treatments"].merge(cases, on="case_id")
    episodes = episodes[(episodes["indication"] == "calcinosis") & episodes["also_in_aggregate"].isna()]
    episodes = episodes.assign(design=episodes["source_id"].map(sources["design"]),
                               disease=episodes["actd_id"].map(actd["chapter"]).fillna("not reported"))
    for (treatment, design, disease), group in episodes.groupby(["treatment_id", "design", "disease"]):
        rows.append({"treatment": treatments.loc[treatment, "label"],
                     "source": f"{len(group)} published case{'s' if len(group) > 1 else ''} "
                               f"({group['source_id'].nunique()} report{'s' if group['source_id'].nunique() > 1 else ''})",
                     "design": design, "disease": disease, "responded": int(group["response_id"].isin(RESPONDED).sum()),
                     "patients": len(group), "counts": "complete or partial", "from": "case records"})
    frame = pd.DataFrame(rows)
    frame["disease"] = frame["disease"].map(CHAPTER_LABELS)
    frame["design"] = frame["design"].str.replace("_", " ")
    intervals = [exact_interval(k, n) for k, n in zip(frame["responded"], frame["patients"])]
    frame["percent"] = 100 * frame["responded"] / frame["patients"]
    frame["lower"] = [lo for lo, _ in intervals]
    frame["upper"] = [hi for _, hi in intervals]
    return frame.sort_values(["treatment", "from", "source"]).reset_index(drop=True)


def fisher_freeman_halton(table: list[list[int]]) -> float:
    """Exact two-sided P value for a 2 x c contingency table with fixed margins (Fisher-Freeman-Halton):
    the probability of every table at most as probable as the one observed."""
    from itertools import product
    from math import comb
    first, second = table
    columns = [a + b for a, b in zip(first, second)]
    top, total = sum(first), sum(columns)

    def probability(row) -> float:
        numerator = 1
        for count, column in zip(row, columns):
            numerator *= comb(column, count)
        return numerator / comb(total, top)

    observed = probability(first)
    p = 0.0
    for row in product(*(range(c + 1) for c in columns)):
        if sum(row) == top:
            chance = probability(row)
            if chance <= observed * (1 + 1e-9):
                p += chance
    return min(1.0, p)


# --------------------------------------------------------------------------- reproduction audit
STATISTICS = {"mean_age_at_onset", "min_age_at_onset", "max_age_at_onset", "mean_age", "mean_disease_duration",
              "mean_years_actd_to_calcinosis", "mean_months", "median_months", "min_months", "max_months",
              "survival_percent", "survival_ci_lower", "survival_ci_upper", "p_value", "spearman_rho", "test_statistic"}
CHECKED_TOPICS = {"study_flow", "demographics", "actd", "treatment_category", "best_response", "warfarin_comparison",
                  "follow_up", "deaths", "survival"}


def audit(source: str = "balin2012") -> pd.DataFrame:
    """Every number of one source: as printed, where, recomputed where possible, and a status."""
    from schemas.rules import evaluate_derivation
    data = load()
    results = data.results[data.results["source_id"] == source]
    values = dict(zip(data.results["result_id"], data.results["value"]))
    flagged = {}
    for row in data["discrepancies"].itertuples():
        if row.kind in ("subgroups_do_not_sum", "implausible_unit", "different_denominators") and not pd.isna(row.result_ids):
            for result_id in row.result_ids.split(";"):
                flagged[result_id] = row.discrepancy_id
    measures = data["vocab_measures"].set_index("measure_id")["label"]
    out = []
    for row in results.itertuples():
        recomputed, status = None, None
        if row.kind == "not_reported":
            status = "not published (table body lost)"
        elif row.kind == "derived":
            recomputed, status = evaluate_derivation(row.derivation, values), "derived by us"
        elif row.measure_id == "percent":
            count = results[(results["topic"] == row.topic) & (results["measure_id"] == "patients")
                            & (results["stratum_id"].fillna("") == ("" if pd.isna(row.stratum_id) else row.stratum_id))
                            & (results["actd_id"].fillna("") == ("" if pd.isna(row.actd_id) else row.actd_id))]
            if len(count) == 1 and not pd.isna(count["denominator"].iloc[0]):
                recomputed = percent(count["value"].iloc[0], count["denominator"].iloc[0])
                status = "reproduced" if abs(recomputed - row.value) <= 0.5 else "inconsistent"
        elif row.measure_id in STATISTICS:
            status = "needs patient-level data"
        elif row.measure_id in ("patients", "at_risk") and row.topic in CHECKED_TOPICS:
            status = "reproduced (adds up)"
        if row.result_id in flagged:
            status = f"inconsistent ({flagged[row.result_id]})"
        out.append({"result": row.result_id, "measure": measures[row.measure_id],
                    "as printed": "" if pd.isna(row.as_printed) else row.as_printed, "where": row.locator,
                    "stored": "" if pd.isna(row.value) else f"{row.value:g}",
                    "recomputed": "" if recomputed is None else f"{recomputed:.4g}",
                    "status": status or "as printed (no cross-check possible)"})
    return pd.DataFrame(out)
