"""Each cohort value lies within its measure's range, and counts are whole numbers."""
from __future__ import annotations

from ..problem import Problem
from .common import empty, fmt, rows


def check(dataset) -> list[Problem]:
    out = []
    measures = dataset.frame("vocab_measures").set_index("measure_id")
    for _, row, line, shown in rows(dataset, "cohort_results"):
        value = row["value"]
        if row["measure_id"] not in measures.index or empty(value):
            continue
        m = measures.loc[row["measure_id"]]
        if not (m["min_value"] <= value <= m["max_value"]):
            out.append(Problem(shown, line, "value", fmt(value), f"is out of range for {row['measure_id']}",
                               f"between {fmt(m['min_value'])} and {fmt(m['max_value'])}"))
        if m["value_type"] == "count" and not float(value).is_integer():
            out.append(Problem(shown, line, "value", fmt(value), "is not a whole number of patients",
                               "a whole number for a count"))
    return out
