"""The screening record accounts for every source: each source was screened and kept, each kept record
is a source, and each record says where it was found."""
from __future__ import annotations

from ..dataset import display_path
from ..problem import Problem
from ..rule import Rule

KEPT = ("included", "background", "indirect")
MUST_BE_SOURCE = ("included", "indirect")  # a background record may have been read for context only

SOURCE_NOT_SCREENED = Rule("source_screened", "source_id", "has no row in screening.csv",
                           "every source listed in screening.csv under its source_id, with the decision that kept it",
                           table="sources")
SOURCE_NOT_KEPT = Rule("screened_source_kept", "decision", "is {decision} although {record_id} is in sources.csv",
                       "included, background or indirect for a record that sources.csv holds", table="screening")
KEPT_NOT_A_SOURCE = Rule("kept_record_is_source", "record_id", "is {decision} but has no row in sources.csv",
                         "an included or indirect record's record_id is its source_id in sources.csv (add the source, "
                         "or record it as background or excluded)",
                         table="screening")
FOUND_IN_UNKNOWN = Rule("found_in_resolves", "found_in", "is neither a search_id in searches.csv nor a record_id here",
                        "the search or the record that led to this one", table="screening")
EVENT_CASE_SOURCE = Rule("adverse_event_case_in_source", "case_id", "belongs to {case_source}, not to {source_id}",
                         "a case of the same source", table="adverse_events")


def coverage(dataset) -> list[Problem]:
    sources_table, screening_table = dataset.tables["sources"], dataset.tables["screening"]
    sources, screening = sources_table.frame, screening_table.frame
    decision = dict(zip(screening["record_id"], screening["decision"]))
    out = []
    shown = display_path(sources_table.path)
    for index, source_id in sources["source_id"].items():
        if source_id not in decision:
            out.append(SOURCE_NOT_SCREENED.problem_at(shown, sources_table.line(index), source_id))
    known = set(sources["source_id"])
    shown = display_path(screening_table.path)
    for index, row in screening.iterrows():
        fields = {"decision": row["decision"], "record_id": row["record_id"]}
        if row["record_id"] in known and row["decision"] not in KEPT:
            out.append(SOURCE_NOT_KEPT.problem_at(shown, screening_table.line(index), row["decision"], **fields))
        elif row["record_id"] not in known and row["decision"] in MUST_BE_SOURCE:
            out.append(KEPT_NOT_A_SOURCE.problem_at(shown, screening_table.line(index), row["record_id"], **fields))
    return out


def found_in(dataset) -> list[Problem]:
    table = dataset.tables["screening"]
    places = set(dataset.frame("searches")["search_id"]) | set(table.frame["record_id"])
    shown = display_path(table.path)
    values = table.frame["found_in"]
    return [FOUND_IN_UNKNOWN.problem_at(shown, table.line(index), value)
            for index, value in values.dropna().items() if value not in places]


def adverse_event_cases(dataset) -> list[Problem]:
    table = dataset.tables["adverse_events"]
    case_source = dict(zip(dataset.frame("cases")["case_id"], dataset.frame("cases")["source_id"]))
    shown = display_path(table.path)
    out = []
    for index, row in table.frame[table.frame["case_id"].notna()].iterrows():
        owner = case_source.get(row["case_id"])
        if owner is not None and owner != row["source_id"]:
            out.append(EVENT_CASE_SOURCE.problem_at(shown, table.line(index), row["case_id"],
                                                    case_source=owner, source_id=row["source_id"]))
    return out
