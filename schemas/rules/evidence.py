"""Evidence rules across tables: page provenance, a level for every source, Murad's four domains for
every case report and series."""
from __future__ import annotations

from collections import Counter

from ..dataset import display_path
from ..models.evidence import DOMAINS
from ..problem import Problem
from ..rule import Rule
from .common import empty, rows

RATED_DESIGNS = ("case_report", "case_series")
PAGE_FIELD_EMPTY = Rule("page_field_recorded", "fields", "is empty in sources.csv for {source_id}",
                        "only fields that sources.csv records from this page")
UNGRADED = Rule("every_source_graded", "source_id", "has no row in evidence_levels.csv",
                "every source graded on the OCEBM 2011 levels")
RATED_TWICE = Rule("domain_rated_once", "domain", "is rated twice for {source_id}", "one row per source and domain")
UNRATED = Rule("case_reports_rated", "source_id", "lacks a quality rating for {missing} in quality_ratings.csv",
               "all four domains of Murad et al. (2018) for every case report and case series")


def page_fields(dataset) -> list[Problem]:
    sources = dataset.frame("sources").set_index("source_id")
    out: list[Problem] = []
    for _, row, line, shown in rows(dataset, "source_pages"):
        if row["source_id"] not in sources.index:
            continue  # reported as a foreign key
        for field in row["fields"].split(";"):
            if field != "case_facts" and empty(sources.loc[row["source_id"], field]):
                out.append(Problem(shown, line, "fields", field, PAGE_FIELD_EMPTY.what(dict(row)), PAGE_FIELD_EMPTY.allowed))
    return out


def levels(dataset) -> list[Problem]:
    graded = set(dataset.frame("evidence_levels")["source_id"])
    table = dataset.tables["sources"]
    return [Problem(display_path(table.path), table.line(index), "source_id", source_id, UNGRADED.what(), UNGRADED.allowed)
            for index, source_id in table.frame["source_id"].items() if source_id not in graded]


def quality(dataset) -> list[Problem]:
    out: list[Problem] = []
    table = dataset.tables["sources"]
    ratings = dataset.frame("quality_ratings")
    seen = Counter(zip(ratings["source_id"], ratings["domain"]))
    for _, row, line, shown in rows(dataset, "quality_ratings"):
        if seen[(row["source_id"], row["domain"])] > 1:
            out.append(Problem(shown, line, "domain", row["domain"], RATED_TWICE.what(dict(row)), RATED_TWICE.allowed))
    rated = ratings.groupby("source_id")["domain"].agg(set).to_dict()
    for index, source_id in table.frame["source_id"].items():
        design = table.frame.loc[index, "design"]
        missing = [d for d in DOMAINS if d not in rated.get(source_id, set())]
        if (design in RATED_DESIGNS or source_id in rated) and missing:
            out.append(Problem(display_path(table.path), table.line(index), "source_id", source_id,
                               UNRATED.what({"missing": ", ".join(missing)}), UNRATED.allowed))
    return out
