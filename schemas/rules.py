"""Rules that span rows or tables: cross-field, derivation, aggregate and consistency rules.

A published inconsistency is never fixed by loosening a rule. Instead ``discrepancies.csv`` states
exactly which failure it acknowledges (the rule, the results involved, the expected and observed
numbers); any other failure, or an acknowledgement that no longer matches a failure, is reported.
"""
from __future__ import annotations

import ast
import math
import operator
import re
from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from . import evidence_rules
from .checks import AGE
from .reader import Problem

GRADES = ("complete", "partial", "none", "unknown")
SUMMARY = ("favourable", "none_or_worse", "not_specified")
REF = re.compile(r"\{([a-z0-9_.]+)\}")


@dataclass
class Failure:
    """A rule failure that a discrepancy row may acknowledge."""

    kind: str
    result_ids: frozenset[str]
    expected: float
    observed: float
    problem: Problem


def check(dataset) -> list[Problem]:
    problems: list[Problem] = []
    ackable: list[Failure] = []
    problems += _sources(dataset)
    problems += _vocab_actd(dataset)
    problems += _results_fields(dataset)
    problems += _derivations(dataset)
    problems += _denominators(dataset)
    problems += _survival(dataset)
    ackable += _stratum_sums(dataset)
    ackable += _actd_sums(dataset)
    ackable += _response_sums(dataset)
    ackable += _dose_units(dataset)
    problems += _acknowledge(dataset, ackable)
    problems += _cases(dataset)
    problems += _case_treatments(dataset)
    problems += evidence_rules.check(dataset)
    return problems


# --------------------------------------------------------------------------- helpers
def _rows(dataset, name):
    table = dataset.tables[name]
    from .validate import display_path
    shown = display_path(table.path)
    for index, row in table.frame.iterrows():
        yield index, row, table.line(index), shown


def _empty(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _lookup(frame: pd.DataFrame, key: str, value: str) -> dict:
    """A plain dict from one column to another, with missing values as None."""
    return {k: (None if _empty(v) else v) for k, v in zip(frame[key], frame[value])}


def _fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


# --------------------------------------------------------------------------- sources and vocabularies
def _sources(dataset) -> list[Problem]:
    out = []
    for _, row, line, shown in _rows(dataset, "sources"):
        for ident in ("doi", "pmid"):
            status = row[f"{ident}_status"]
            if _empty(row[ident]) and status != "not_available":
                out.append(Problem(shown, line, f"{ident}_status", status, f"says {status} but {ident} is empty",
                                   f"not_available when {ident} is empty"))
            if not _empty(row[ident]) and status == "not_available":
                out.append(Problem(shown, line, f"{ident}_status", status, f"is not_available but {ident} is filled",
                                   "printed, confirmed or unverified"))
        blank = [c for c in ("authors", "title", "year") if _empty(row[c])]
        if blank and _empty(row["missing_reason"]):
            out.append(Problem(shown, line, "missing_reason", None, f"is empty although {' and '.join(blank)} is empty",
                               "a short reason why the field is unknown"))
    return out


def _vocab_actd(dataset) -> list[Problem]:
    out = []
    levels = _lookup(dataset.frame("vocab_actd"), "actd_id", "level")
    for _, row, line, shown in _rows(dataset, "vocab_actd"):
        if row["level"] == "group" and not _empty(row["parent_id"]):
            out.append(Problem(shown, line, "parent_id", row["parent_id"], "is set on a group",
                               "empty for level group"))
        if not _empty(row["parent_id"]) and levels.get(row["parent_id"]) != "group":
            out.append(Problem(shown, line, "parent_id", row["parent_id"], "is not a group",
                               "the actd_id of a row with level group"))
    return out


def _results_fields(dataset) -> list[Problem]:
    out = []
    measures = dataset.frame("vocab_measures").set_index("measure_id")
    for _, row, line, shown in _rows(dataset, "cohort_results"):
        kind, value = row["kind"], row["value"]
        if _empty(value) != (kind == "not_reported"):
            out.append(Problem(shown, line, "kind", kind,
                               "does not match the value" + (" (value is empty)" if _empty(value) else ""),
                               "not_reported exactly when value is empty"))
        if _empty(value) and _empty(row["missing_reason"]):
            out.append(Problem(shown, line, "missing_reason", None, "is empty although value is empty",
                               "a short reason, e.g. which table body holds the number"))
        if kind == "reported" and _empty(row["as_printed"]):
            out.append(Problem(shown, line, "as_printed", None, "is empty for a reported value",
                               "the value exactly as the source prints it"))
        if (kind == "derived") == _empty(row["derivation"]):
            out.append(Problem(shown, line, "derivation", row["derivation"],
                               "must be filled for derived values and only for them",
                               "an arithmetic expression over {result_id} references when kind is derived"))
        if row["measure_id"] in measures.index and not _empty(value):
            m = measures.loc[row["measure_id"]]
            if not (m["min_value"] <= value <= m["max_value"]):
                out.append(Problem(shown, line, "value", _fmt(value), f"is out of range for {row['measure_id']}",
                                   f"between {_fmt(m['min_value'])} and {_fmt(m['max_value'])}"))
            if m["value_type"] == "count" and not float(value).is_integer():
                out.append(Problem(shown, line, "value", _fmt(value), "is not a whole number of patients",
                                   "a whole number for a count"))
    return out


# --------------------------------------------------------------------------- derivations
_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def _evaluate(node) -> float:
    if isinstance(node, ast.Expression):
        return _evaluate(node.body)
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return float(node.value)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_evaluate(node.left), _evaluate(node.right))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_evaluate(node.operand)
    raise ValueError("only numbers, + - * / and brackets are allowed")


def evaluate_derivation(expression: str, values: dict[str, float]) -> float:
    """Evaluate a derivation such as ``{a.b} - {a.c}``; raises KeyError or ValueError when it cannot."""
    def substitute(match):
        value = values[match.group(1)]
        if _empty(value):
            raise ValueError(f"{match.group(1)} has no value")
        return repr(float(value))
    return _evaluate(ast.parse(REF.sub(substitute, expression), mode="eval"))


def _decimals(value: float) -> int:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return len(text.split(".")[1]) if "." in text else 0


def _derivations(dataset) -> list[Problem]:
    out = []
    frame = dataset.frame("cohort_results")
    values = _lookup(frame, "result_id", "value")
    kinds = _lookup(frame, "result_id", "kind")
    for _, row, line, shown in _rows(dataset, "cohort_results"):
        expression = row["derivation"]
        if _empty(expression):
            continue
        missing = [r for r in REF.findall(expression) if r not in values]
        if missing:
            out.append(Problem(shown, line, "derivation", expression, f"refers to unknown result {missing[0]}",
                               "result ids that exist in cohort_results.csv"))
            continue
        if any(kinds[r] == "derived" for r in REF.findall(expression)):
            out.append(Problem(shown, line, "derivation", expression, "refers to another derived value",
                               "references to reported values only, so every derivation is one step from print"))
            continue
        try:
            computed = evaluate_derivation(expression, values)
        except (ValueError, SyntaxError, ZeroDivisionError) as err:
            out.append(Problem(shown, line, "derivation", expression, f"cannot be computed ({err})",
                               "arithmetic over reported values"))
            continue
        value = row["value"]
        if _empty(value):
            continue
        tolerance = 0.5 * 10 ** -_decimals(value) + 1e-9
        if abs(computed - value) > tolerance:
            out.append(Problem(shown, line, "value", _fmt(value),
                               f"does not equal its derivation ({expression} = {computed:.4g})",
                               "the derivation's result, rounded to the stored decimals"))
    return out


# --------------------------------------------------------------------------- counts and sums
def _count_rows(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["measure_id"] == "patients"]


def _denominators(dataset) -> list[Problem]:
    out = []
    for _, row, line, shown in _rows(dataset, "cohort_results"):
        if not _empty(row["value"]) and not _empty(row["denominator"]) and row["measure_id"] == "patients" \
                and row["value"] > row["denominator"]:
            out.append(Problem(shown, line, "value", _fmt(row["value"]),
                               f"is larger than its denominator {row['denominator']}",
                               "a count no larger than the group it is counted in"))
    return out


def _line_of(dataset, result_id: str) -> tuple[str, int]:
    table = dataset.tables["cohort_results"]
    from .validate import display_path
    index = table.frame.index[table.frame["result_id"] == result_id][0]
    return display_path(table.path), table.line(index)


def _sum_failure(dataset, kind, parent_id, child_ids, expected, observed, what, allowed) -> Failure:
    shown, line = _line_of(dataset, parent_id)
    problem = Problem(shown, line, "value", _fmt(expected), what, allowed)
    return Failure(kind, frozenset([parent_id, *child_ids]), expected, observed, problem)


def _stratum_sums(dataset) -> list[Failure]:
    """Counts of groups marked as a partition add up to their parent group's count."""
    strata = dataset.frame("vocab_strata")
    children = defaultdict(list)  # (parent, dimension) -> the groups that together make up the parent
    for row in strata.itertuples():
        if row.partition == "yes" and not _empty(row.parent_id):
            children[(row.parent_id, row.dimension)].append(row.stratum_id)
    counts = _count_rows(dataset.frame("cohort_results"))
    plain = counts[counts["actd_id"].isna() & counts["treatment_id"].isna() & counts["response_id"].isna()]
    failures = []
    for source, rows in plain.groupby("source_id"):
        by_stratum = {r.stratum_id: r for r in rows.itertuples() if not _empty(r.stratum_id)}
        for (parent, _dimension), kids in children.items():
            present = [by_stratum[k] for k in kids if k in by_stratum]
            if parent not in by_stratum or not present or _empty(by_stratum[parent].value):
                continue
            expected = by_stratum[parent].value
            known = [r.value for r in present if not _empty(r.value)]
            observed = sum(known)
            complete = len(known) == len(kids)
            if (complete and observed != expected) or observed > expected:
                failures.append(_sum_failure(
                    dataset, "subgroups_do_not_sum", by_stratum[parent].result_id, [r.result_id for r in present],
                    expected, observed,
                    f"subgroups {', '.join(r.stratum_id for r in present)} add up to {_fmt(observed)}, not {_fmt(expected)}",
                    "subgroup counts that add up to the group's count (or a discrepancies.csv row stating the gap)"))
    return failures


def _actd_sums(dataset) -> list[Failure]:
    """Per source: disease subtypes add up to their group, and all diseases to the cohort size."""
    parent = _lookup(dataset.frame("vocab_actd"), "actd_id", "parent_id")
    counts = _count_rows(dataset.frame("cohort_results"))
    failures = []
    for source, rows in counts.groupby("source_id"):
        actd = rows[rows["actd_id"].notna() & rows["stratum_id"].isna() & rows["treatment_id"].isna()
                    & rows["response_id"].isna()]
        if actd.empty:
            continue
        by_actd = {r.actd_id: r for r in actd.itertuples()}
        for group, group_row in by_actd.items():
            kids = [r for a, r in by_actd.items() if parent.get(a) == group]
            if kids and not _empty(group_row.value) and all(not _empty(k.value) for k in kids):
                total = sum(k.value for k in kids)
                if total != group_row.value:
                    failures.append(_sum_failure(
                        dataset, "subgroups_do_not_sum", group_row.result_id, [k.result_id for k in kids],
                        group_row.value, total, f"subtypes add up to {_fmt(total)}, not {_fmt(group_row.value)}",
                        "subtype counts that add up to the disease group's count"))
        included = rows[(rows["stratum_id"] == "included") & rows["actd_id"].isna() & rows["treatment_id"].isna()]
        if included.empty or _empty(included.iloc[0]["value"]):
            continue
        leaves = [r for a, r in by_actd.items() if not any(parent.get(b) == a for b in by_actd)]
        if all(not _empty(r.value) for r in leaves):
            total = sum(r.value for r in leaves)
            cohort = included.iloc[0]
            if total != cohort["value"]:
                failures.append(_sum_failure(
                    dataset, "subgroups_do_not_sum", cohort["result_id"], [r.result_id for r in leaves],
                    cohort["value"], total, f"patients by disease add up to {_fmt(total)}, not {_fmt(cohort['value'])}",
                    "counts by disease that add up to the number of included patients"))
    return failures


def _response_sums(dataset) -> list[Failure]:
    """A complete set of response categories adds up to its denominator; a partial set stays within it."""
    counts = _count_rows(dataset.frame("cohort_results"))
    responses = counts[counts["response_id"].notna()]
    failures = []
    keys = ["source_id", "topic", "stratum_id", "treatment_id", "actd_id"]
    for _, rows in responses.groupby(keys, dropna=False):
        for scale in (GRADES, SUMMARY):
            part = rows[rows["response_id"].isin(scale)]
            if part.empty:
                continue
            denominators = set(part["denominator"].dropna())
            if len(denominators) != 1:
                continue  # reported by _denominators / needs one denominator
            expected = denominators.pop()
            known = part[part["value"].notna()]
            observed = known["value"].sum()
            complete = set(known["response_id"]) == set(scale)
            if (complete and observed != expected) or observed > expected:
                first = part.iloc[0]["result_id"]
                shown, line = _line_of(dataset, first)
                problem = Problem(shown, line, "value", _fmt(part.iloc[0]["value"]) if not _empty(part.iloc[0]["value"]) else None,
                                  f"responses {', '.join(known['response_id'])} add up to {_fmt(observed)}, "
                                  f"not the denominator {_fmt(expected)}",
                                  "response counts that add up to (or stay within) the group treated")
                failures.append(Failure("subgroups_do_not_sum", frozenset(part["result_id"]), expected, observed, problem))
    return failures


DAILY_DOSES = ("daily_dose_mg", "min_daily_dose_mg", "max_daily_dose_mg", "daily_dose_g", "min_daily_dose_g",
               "max_daily_dose_g")


def _dose_units(dataset) -> list[Failure]:
    limits = dataset.frame("vocab_treatments").set_index("treatment_id")["max_plausible_daily_mg"]
    failures = []
    for _, row, line, shown in _rows(dataset, "cohort_results"):
        if row["measure_id"] not in DAILY_DOSES or _empty(row["value"]):
            continue
        mg = row["value"] * (1000 if row["measure_id"].endswith("_g") else 1)
        limit = limits.get(row["treatment_id"])
        if limit is not None and not _empty(limit) and mg > limit:
            problem = Problem(shown, line, "value", _fmt(row["value"]),
                              f"is {_fmt(mg)} mg a day, above the plausible maximum of {_fmt(limit)} mg for {row['treatment_id']}",
                              "a plausible daily dose (or a discrepancies.csv row recording the printed unit error)")
            failures.append(Failure("implausible_unit", frozenset([row["result_id"]]), limit, mg, problem))
    return failures


def _acknowledge(dataset, failures: list[Failure]) -> list[Problem]:
    """Pass failures that a discrepancy row states exactly; report the rest and stale rows."""
    out = []
    used = set()
    rows = list(_rows(dataset, "discrepancies"))
    for failure in failures:
        match = None
        for index, row, line, shown in rows:
            ids = frozenset((row["result_ids"] or "").split(";")) if not _empty(row["result_ids"]) else frozenset()
            if (row["kind"] == failure.kind and ids == failure.result_ids
                    and not _empty(row["expected"]) and not _empty(row["observed"])
                    and math.isclose(row["expected"], failure.expected) and math.isclose(row["observed"], failure.observed)):
                match = index
                break
        if match is None:
            out.append(failure.problem)
        else:
            used.add(match)
    for index, row, line, shown in rows:
        if row["kind"] in ("subgroups_do_not_sum", "implausible_unit") and index not in used:
            out.append(Problem(shown, line, "discrepancy_id", row["discrepancy_id"],
                               "acknowledges a failure that does not occur (kind, result_ids, expected and observed must match it exactly)",
                               "remove the row, or correct it to describe the current failure"))
    return out


# --------------------------------------------------------------------------- survival
def _survival(dataset) -> list[Problem]:
    out = []
    frame = dataset.frame("cohort_results")
    km = frame[(frame["topic"] == "survival") & frame["time_months"].notna()]
    for source, rows in km.groupby("source_id"):
        table = {}
        for r in rows.itertuples():
            table.setdefault(r.time_months, {})[r.measure_id] = r
        previous = None
        for time in sorted(table):
            point = table[time]
            est, low, high = (point.get(k) for k in ("survival_percent", "survival_ci_lower", "survival_ci_upper"))
            if est is not None and low is not None and high is not None and not (low.value <= est.value <= high.value):
                shown, line = _line_of(dataset, est.result_id)
                out.append(Problem(shown, line, "value", _fmt(est.value), "lies outside its 95% confidence interval",
                                   f"between {_fmt(low.value)} and {_fmt(high.value)}"))
            for measure in ("survival_percent", "at_risk"):
                if previous and measure in point and measure in previous and point[measure].value > previous[measure].value:
                    shown, line = _line_of(dataset, point[measure].result_id)
                    out.append(Problem(shown, line, "value", _fmt(point[measure].value),
                                       f"rises over time ({measure} at {_fmt(time)} months)",
                                       "Kaplan-Meier survival and numbers at risk never increase"))
            previous = point
    return out


# --------------------------------------------------------------------------- cases
AGE_COLUMNS = ("age_at_actd_diagnosis", "age_at_calcinosis_onset", "age_at_presentation")
OPTIONAL_CASE_FIELDS = ("label_in_source", *AGE_COLUMNS, "actd_id", "years_actd_to_calcinosis", "sites",
                        "follow_up_months")
NOT_REPORTED_CASE_FIELDS = ("sex", "extent", "ulceration", "pain", "outcome", "diagnosis_confirmation")


def _ages(series: pd.Series) -> pd.Series:
    """Age categories as numbers (90+ as 90); empty or malformed cells (reported elsewhere) as NaN."""
    text = series.astype("string")
    valid = text.str.fullmatch(AGE.pattern).fillna(False).astype(bool)
    return pd.to_numeric(text.where(valid).str.replace("90+", "90", regex=False), errors="coerce")


def _cases(dataset) -> list[Problem]:
    """Row rules for cases, vectorised: a registry of a million cases checks in seconds."""
    table = dataset.tables["cases"]
    frame = table.frame
    from .validate import display_path
    shown = display_path(table.path)
    out: list[Problem] = []

    def report(mask, column, problem, allowed, value=None):
        for index in frame.index[mask.fillna(False).astype(bool)]:
            out.append(Problem(shown, table.line(index), column,
                               frame.at[index, column] if value is None else value(index), problem(index), allowed))

    dx, onset, seen = (_ages(frame[c]) for c in AGE_COLUMNS)
    order = "age_at_actd_diagnosis ≤ age_at_calcinosis_onset ≤ age_at_presentation"
    for (a, va), (b, vb) in (((AGE_COLUMNS[0], dx), (AGE_COLUMNS[1], onset)), ((AGE_COLUMNS[1], onset), (AGE_COLUMNS[2], seen))):
        report((va > vb) & ~((va == 90) & (vb == 90)), b, lambda i, a=a: f"is younger than {a} ({frame.at[i, a]})", order)
    report(onset.isna() & (dx > seen), "age_at_presentation",
           lambda i: f"is younger than age_at_actd_diagnosis ({frame.at[i, 'age_at_actd_diagnosis']})",
           "age at diagnosis ≤ age at presentation")
    years = frame["years_actd_to_calcinosis"].astype("Float64")
    report((onset < 90) & ((onset - dx - years).abs() > 1), "years_actd_to_calcinosis",
           lambda i: f"disagrees with the ages ({frame.at[i, 'age_at_calcinosis_onset']} − {frame.at[i, 'age_at_actd_diagnosis']})",
           "the interval between the two ages, give or take a year of rounding")
    report((frame["actd_basis"] == "not_reported") != frame["actd_id"].isna(), "actd_basis",
           lambda i: "does not match actd_id", "not_reported exactly when actd_id is empty")
    report((frame["outcome"] != "died") & frame["cause_of_death"].notna(), "cause_of_death",
           lambda i: "is set but the outcome is not died", "empty unless outcome is died")
    designs = _lookup(dataset.frame("sources"), "source_id", "design")
    aggregate = frame["also_in_aggregate"]
    report(aggregate.notna() & ~aggregate.map(designs).isin(["cohort", "case_series"]), "also_in_aggregate",
           lambda i: "is not a cohort or case series",
           "the source_id of a cohort or case series whose counts include this patient")
    confirmation = frame["diagnosis_confirmation"].astype("string")
    report(confirmation.str.contains("not_reported", regex=False) & (confirmation != "not_reported"),
           "diagnosis_confirmation", lambda i: "mixes not_reported with methods", "not_reported alone, or methods only")
    columns = set(frame.columns)
    for index, listed in frame["derived_fields"].dropna().items():
        for name in listed.split(";"):
            if name not in columns:
                out.append(Problem(shown, table.line(index), "derived_fields", name, "is not a column of cases.csv",
                                   "names of columns in this table"))
            elif _empty(frame.at[index, name]):
                out.append(Problem(shown, table.line(index), "derived_fields", name,
                                   "names a column that is empty in this row", "only columns that hold a derived value"))
    unknown = pd.concat([frame[c].isna() for c in OPTIONAL_CASE_FIELDS] +
                        [frame[c] == "not_reported" for c in NOT_REPORTED_CASE_FIELDS], axis=1)
    unknown.columns = list(OPTIONAL_CASE_FIELDS) + list(NOT_REPORTED_CASE_FIELDS)

    def unknown_fields(index) -> str:
        names = [c for c in unknown.columns if unknown.at[index, c]]
        return f"is empty although {', '.join(names[:3])}{'…' if len(names) > 3 else ''} are unknown"
    report(unknown.any(axis=1) & frame["missing_reason"].isna(), "missing_reason", unknown_fields,
           "a short reason why the unknown fields are unknown")
    return out


def _case_treatments(dataset) -> list[Problem]:
    out = []
    limits = dataset.frame("vocab_treatments").set_index("treatment_id")["max_plausible_daily_mg"]
    for _, row, line, shown in _rows(dataset, "case_treatments"):
        if _empty(row["dose_value"]) != _empty(row["dose_unit"]):
            out.append(Problem(shown, line, "dose_unit", row["dose_unit"], "must be given together with dose_value",
                               "both dose_value and dose_unit, or neither"))
        if not _empty(row["dose_value"]) and row["dose_frequency"] == "daily" and row["dose_unit"] in ("mg", "g"):
            mg = row["dose_value"] * (1000 if row["dose_unit"] == "g" else 1)
            limit = limits.get(row["treatment_id"])
            if limit is not None and not _empty(limit) and mg > limit:
                out.append(Problem(shown, line, "dose_value", _fmt(row["dose_value"]),
                                   f"is {_fmt(mg)} mg a day, above the plausible maximum of {_fmt(limit)} mg",
                                   "a plausible daily dose in the stated unit"))
    return out
