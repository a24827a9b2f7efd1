"""Kaplan-Meier estimates: inside their confidence interval, never rising over time."""
from __future__ import annotations

from ..problem import Problem
from .common import fmt, line_of


def check(dataset) -> list[Problem]:
    out = []
    frame = dataset.frame("cohort_results")
    km = frame[(frame["topic"] == "survival") & frame["time_months"].notna() & frame["value"].notna()]
    for _, rows in km.groupby("source_id"):
        table = {}
        for r in rows.itertuples():
            table.setdefault(r.time_months, {})[r.measure_id] = r
        previous = None
        for time in sorted(table):
            point = table[time]
            est, low, high = (point.get(k) for k in ("survival_percent", "survival_ci_lower", "survival_ci_upper"))
            if est is not None and low is not None and high is not None and not (low.value <= est.value <= high.value):
                shown, line = line_of(dataset, est.result_id)
                out.append(Problem(shown, line, "value", fmt(est.value), "lies outside its 95% confidence interval",
                                   f"between {fmt(low.value)} and {fmt(high.value)}"))
            for measure in ("survival_percent", "at_risk"):
                if previous and measure in point and measure in previous and point[measure].value > previous[measure].value:
                    shown, line = line_of(dataset, point[measure].result_id)
                    out.append(Problem(shown, line, "value", fmt(point[measure].value),
                                       f"rises over time ({measure} at {fmt(time)} months)",
                                       "Kaplan-Meier survival and numbers at risk never increase"))
            previous = point
    return out
