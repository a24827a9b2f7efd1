"""How the book names a source: short author-year labels and full citations, from sources.csv."""
from __future__ import annotations

import pandas as pd

from .data import load


def short_label(row) -> str:
    """'Chan et al. 2003', 'Balin and Wetter 2012', or the container and year when no author is given;
    a source whose year is not printed reads 'Chhaya, year not stated', never a bare name."""
    year = "year not stated" if pd.isna(row.year) else str(int(row.year))
    if pd.isna(row.authors):
        where = "Authors and journal not stated" if pd.isna(row.container) else row.container
        return f"{where} {year}" if not pd.isna(row.year) else f"{where}, {year}"
    authors = str(row.authors).split(", ")
    first = authors[0].rsplit(" ", 1)[0]
    who = first if len(authors) == 1 else (f"{first} and {authors[1].rsplit(' ', 1)[0]}" if len(authors) == 2
                                            and authors[1] != "et al" else f"{first} et al.")
    return f"{who} {year}" if not pd.isna(row.year) else f"{who}, {year}"


_LABELS: dict[int, dict[str, str]] = {}


def source_labels() -> dict[str, str]:
    """Short author-year labels of every source (computed once per loaded dataset)."""
    data = load()
    if id(data) not in _LABELS:
        _LABELS.clear()
        _LABELS[id(data)] = {row.source_id: short_label(row) for row in data["sources"].itertuples()}
    return _LABELS[id(data)]


def source_label(source_id: str) -> str:
    return source_labels()[source_id]


def relayed_label(source_id: str, facts_via, *, verb: str = "quoted", brackets: bool = True) -> str:
    """A source's label, naming the publication we read its facts in when there is one (facts_via):
    'Rothe et al. 1990 (as quoted by Balin et al. 2012)'."""
    if not isinstance(facts_via, str):
        return source_label(source_id)
    relay = f"as {verb} by {source_label(facts_via)}"
    return f"{source_label(source_id)} ({relay})" if brackets else f"{source_label(source_id)}, {relay}"


def full_citation(source_id: str) -> str:
    """Vancouver-style citation built from sources.csv."""
    row = load()["sources"].set_index("source_id").loc[source_id]

    def part(column):
        value = row.get(column)
        return "" if value is None or pd.isna(value) else str(value)
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


def indirect_sources() -> set[str]:
    """Sources the screening kept only as indirect evidence (outside the ACTD the book covers)."""
    screening = load()["screening"]
    return set(screening.loc[screening["decision"] == "indirect", "record_id"])


def indirect_flag(source_ids) -> str:
    """The sentence that flags any of these sources as indirect evidence, or '' when none is."""
    flagged = [s for s in source_ids if s in indirect_sources()]
    if not flagged:
        return ""
    names = " and ".join(source_label(s) for s in flagged)
    verb = "concerns" if len(flagged) == 1 else "concern"
    return (f"{names} {verb} a disease outside the autoimmune connective tissue diseases this book covers, so we "
            "count it only as indirect evidence (see the protocol's eligibility criteria).")
