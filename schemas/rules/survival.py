"""Kaplan-Meier estimates: inside their confidence interval, never rising over time."""
from __future__ import annotations

from ..problem import Problem
from ..rule import Rule
from .common import fmt, line_of

OUTSIDE_CI = Rule("survival_within_interval", "value", "lies outside its 95% confidence interval",
                  "between {low} and {high}", table="cohort_results",
                  doc="a survival estimate lies within its own 95% confidence limits")
RISES = Rule("survival_never_rises", "value", "rises over time ({measure} at {time} months)",
             "Kaplan-Meier survival and numbers at risk never increase", table="cohort_results")


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
                out.append(OUTSIDE_CI.problem_at(shown, line, fmt(est.value), low=low.value, high=high.value))
            for measure in ("survival_percent", "at_risk"):
                if previous and measure in point and measure in previous and point[measure].value > previous[measure].value:
                    shown, line = line_of(dataset, point[measure].result_id)
                    out.append(RISES.problem_at(shown, line, fmt(point[measure].value), measure=measure, time=time))
            previous = point
    return out
