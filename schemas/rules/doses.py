"""Dose plausibility, written once for cohort results and treatment episodes.

Every dose is turned into milligrams a day where its unit and frequency allow, and compared with
the treatment's ``max_plausible_daily_mg``; every dose, of every treatment (combinations
included), also stays below a ceiling for its unit, so a unit slip never passes unnoticed.
"""
from __future__ import annotations

from ..models.vocabularies import DOSE_CEILING_MG
from ..problem import Problem
from ..rule import Rule
from .common import Failure, empty, fmt, rows

MG_PER_DAY = {"mg_per_day": 1, "g_per_day": 1000}                     # cohort measures' units
MG_PER_UNIT = {"mg": 1, "g": 1000}                                     # episode dose units in mass
PER_DAY = {"daily": 1, "three_times_weekly": 3 / 7, "weekly": 1 / 7, "monthly": 1 / 30}
# A single administration never exceeds these, whatever the drug: 200 g; 3 g/kg; 100 g/m²; 1 g/ml.
CEILING = {"mg": DOSE_CEILING_MG, "g": DOSE_CEILING_MG / 1000, "mg_per_kg": 3000, "g_per_kg": 3,
           "mg_per_m2": 100_000, "mg_per_ml": 1000}

ABOVE_LIMIT = Rule(
    "dose_within_plausible_limit", "value",
    "is {mg} mg a day, above the plausible maximum of {limit} mg for {treatment_id}",
    "a plausible daily dose in the stated unit (or, for a printed unit error, a discrepancies.csv row recording it)",
    table="cohort_results", also=("case_treatments.dose_value",),
    doc="in mg a day, at most the treatment's max_plausible_daily_mg in vocab_treatments.csv")
ABOVE_CEILING = Rule(
    "dose_within_ceiling", "dose_value", "is above the largest plausible single dose of any treatment ({ceiling} {unit})",
    "a dose in the stated unit that some treatment could be given at; check the unit (mg or g)",
    table="case_treatments",
    doc=f"at most {DOSE_CEILING_MG // 1000} g, 3 g/kg, 100 g/m² or 1 g/ml in a single dose, whatever the treatment")


def _limit_problem(shown, line, column, value, mg, limit, treatment) -> Problem:
    return ABOVE_LIMIT.problem_at(shown, line, fmt(value), column=column, mg=mg, limit=limit, treatment_id=treatment)


def cohort_results(dataset) -> list[Failure]:
    """Highest daily doses printed by a cohort; a printed unit error may be acknowledged."""
    limits = dataset.frame("vocab_treatments").set_index("treatment_id")["max_plausible_daily_mg"]
    units = dataset.frame("vocab_measures").set_index("measure_id")["unit"]
    failures = []
    for _, row, line, shown in rows(dataset, "cohort_results"):
        factor = MG_PER_DAY.get(units.get(row["measure_id"]))
        if factor is None or empty(row["value"]):
            continue
        mg = row["value"] * factor
        limit = limits.get(row["treatment_id"])
        if limit is not None and not empty(limit) and mg > limit:
            problem = _limit_problem(shown, line, "value", row["value"], mg, limit, row["treatment_id"])
            failures.append(Failure("implausible_unit", frozenset([row["result_id"]]), limit, mg, problem))
    return failures


def case_treatments(dataset) -> list[Problem]:
    """Every episode's dose: below the ceiling for its unit, and within its treatment's daily limit."""
    limits = dataset.frame("vocab_treatments").set_index("treatment_id")["max_plausible_daily_mg"]
    out = []
    for _, row, line, shown in rows(dataset, "case_treatments"):
        value, unit = row["dose_value"], row["dose_unit"]
        if empty(value) or empty(unit) or unit not in CEILING:
            continue
        if value > CEILING[unit]:
            out.append(ABOVE_CEILING.problem_at(shown, line, fmt(value), ceiling=CEILING[unit], unit=unit))
            continue
        per_day = PER_DAY.get(row["dose_frequency"])
        limit = limits.get(row["treatment_id"])
        if unit in MG_PER_UNIT and per_day is not None and limit is not None and not empty(limit):
            mg = value * MG_PER_UNIT[unit] * per_day
            if mg > limit:
                out.append(_limit_problem(shown, line, "dose_value", value, mg, limit, row["treatment_id"]))
    return out
