"""Case rules that need another table or report several values per row."""
from __future__ import annotations

from ..dataset import display_path
from ..problem import Problem
from ..rule import Rule
from .common import empty, lookup

NOT_AN_AGGREGATE = Rule("also_in_aggregate_is_a_series", "also_in_aggregate", "is not a cohort, case series or trial",
                        "the source_id of a cohort, case series or trial whose counts include this patient", table="cases")
NOT_A_COLUMN = Rule("derived_fields_are_columns", "derived_fields", "is not a column of cases.csv",
                    "names of columns in this table", table="cases")
DERIVED_EMPTY = Rule("derived_fields_hold_values", "derived_fields", "names a column that is empty in this row",
                     "only columns that hold a derived value", table="cases")

AGGREGATE_DESIGNS = ("cohort", "case_series", "randomised_trial", "nonrandomised_trial")


def also_in_aggregate(dataset) -> list[Problem]:
    table = dataset.tables["cases"]
    frame, shown = table.frame, display_path(table.path)
    designs = lookup(dataset.frame("sources"), "source_id", "design")
    aggregate = frame["also_in_aggregate"]
    wrong = aggregate.notna() & ~aggregate.map(designs).isin(AGGREGATE_DESIGNS)
    return [NOT_AN_AGGREGATE.problem_at(shown, table.line(index), frame.at[index, "also_in_aggregate"])
            for index in frame.index[wrong.fillna(False).astype(bool)]]


def derived_fields(dataset) -> list[Problem]:
    table = dataset.tables["cases"]
    frame, shown = table.frame, display_path(table.path)
    out = []
    for index, listed in frame["derived_fields"].dropna().items():
        for name in listed.split(";"):
            if name not in frame.columns:
                out.append(NOT_A_COLUMN.problem_at(shown, table.line(index), name))
            elif empty(frame.at[index, name]):
                out.append(DERIVED_EMPTY.problem_at(shown, table.line(index), name))
    return out


DUPLICATE_PATIENT = Rule(
    "patient_published_once", "case_id",
    "looks like {other} ({other_source}): an author in common, and the same sex, age, disease and treatments",
    "each patient once: when the same group reports a patient again, keep one row and record the other "
    "publication in screening.csv as excluded, duplicate_patients", table="cases")


def _surnames(authors) -> set[str]:
    """Author surnames of a Vancouver-style author list ('Smith AB, Jones CD, et al')."""
    if not isinstance(authors, str):
        return set()
    names = [part.strip().split(" ")[0].lower() for part in authors.split(",")]
    return {n for n in names if n and n not in ("et", "al", "authors")}


def duplicate_patients(dataset) -> list[Problem]:
    """The same patient told twice: cases from different sources that share an author and agree on sex,
    age at presentation, disease and the set of treatments (the duplicate rule of the protocol)."""
    table = dataset.tables["cases"]
    frame, shown = table.frame, display_path(table.path)
    authors = {s: _surnames(a) for s, a in zip(dataset.frame("sources")["source_id"], dataset.frame("sources")["authors"])}
    episodes = dataset.frame("case_treatments")
    given = episodes.groupby("case_id")["treatment_id"].agg(lambda t: tuple(sorted(set(t)))).to_dict()
    seen: dict[tuple, list] = {}
    out = []
    for index, row in frame.iterrows():
        if empty(row["age_at_presentation"]) or row["sex"] == "not_reported" or empty(row["actd_id"]):
            continue  # too little to tell two patients apart
        key = (row["sex"], row["age_at_presentation"], row["actd_id"], given.get(row["case_id"], ()))
        for other_id, other_source in seen.get(key, []):
            if other_source != row["source_id"] and authors.get(other_source, set()) & authors.get(row["source_id"], set()):
                out.append(DUPLICATE_PATIENT.problem_at(shown, table.line(index), row["case_id"], other=other_id,
                                                        other_source=other_source))
        seen.setdefault(key, []).append((row["case_id"], row["source_id"]))
    return out
