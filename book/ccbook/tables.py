"""The house style for tables: every cell escaped; case tables bounded so pages stay flat as the
registry grows; the Data page's downloads and codebook."""
from __future__ import annotations

import html
import json

import pandas as pd
from IPython.display import HTML

from .cases import chapter_cases, readable_cases
from .data import data_dir, load

MAX_INLINE_ROWS = 100  # beyond this a page would grow with the registry; the full table is a download


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


def bounded_caption(caption: str, total: int, *, file: str) -> str:
    """A caption that says when only the first MAX_INLINE_ROWS of `total` rows are shown, and where the rest are."""
    if total > MAX_INLINE_ROWS:
        caption += f" Showing the first {MAX_INLINE_ROWS} of {total}; every row is in {file} on the Data page."
    return caption


def case_table(chapter: str | None = None, *, table_id: str) -> HTML:
    caption = ("Published cases in the dataset" if chapter is None else "Published cases of these diseases") + \
        ". Best response uses the index study's grades; see the data dictionary for definitions."
    caption = bounded_caption(caption, len(chapter_cases(chapter)), file="cases.csv")
    return table(readable_cases(chapter, limit=MAX_INLINE_ROWS), caption=caption, table_id=table_id, sortable=True)


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
                       ("CHANGELOG.md", "What changed in each version"),
                       ("phenopackets.zip", "Every published case as a GA4GH Phenopacket (v2 JSON), coded with HPO and MONDO")):
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
