"""Each cohort value lies within its measure's range, and counts are whole numbers."""
from __future__ import annotations

from ..problem import Problem
from ..rule import Rule
from .common import empty, fmt, rows

OUT_OF_RANGE = Rule("value_within_measure_range", "value", "is out of range for {measure_id}",
                    "between {min_value} and {max_value}", table="cohort_results",
                    doc="within the min_value and max_value of its measure in vocab_measures.csv")
NOT_WHOLE = Rule("count_is_whole", "value", "is not a whole number of patients", "a whole number for a count",
                 table="cohort_results")


def check(dataset) -> list[Problem]:
    out = []
    measures = dataset.frame("vocab_measures").set_index("measure_id")
    for _, row, line, shown in rows(dataset, "cohort_results"):
        value = row["value"]
        if row["measure_id"] not in measures.index or empty(value):
            continue
        m = measures.loc[row["measure_id"]]
        if not (m["min_value"] <= value <= m["max_value"]):
            out.append(OUT_OF_RANGE.problem_at(shown, line, fmt(value), measure_id=row["measure_id"],
                                               min_value=m["min_value"], max_value=m["max_value"]))
        if m["value_type"] == "count" and not float(value).is_integer():
            out.append(NOT_WHOLE.problem_at(shown, line, fmt(value)))
    return out
