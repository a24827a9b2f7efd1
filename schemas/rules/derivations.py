"""Derived cohort results: each derivation is recomputed from the reported values it names."""
from __future__ import annotations

import ast
import operator
import re

from ..problem import Problem
from ..rule import Rule
from .common import empty, fmt, lookup, rows

UNKNOWN_RESULT = Rule("derivation_names_known_results", "derivation", "refers to unknown result {missing}",
                      "result ids that exist in cohort_results.csv", table="cohort_results")
DERIVED_FROM_DERIVED = Rule("derivation_one_step_from_print", "derivation", "refers to another derived value",
                            "references to reported values only, so every derivation is one step from print",
                            table="cohort_results")
NOT_COMPUTABLE = Rule("derivation_computes", "derivation", "cannot be computed ({error})",
                      "arithmetic over reported values", table="cohort_results")
NOT_EQUAL = Rule("value_equals_derivation", "value", "does not equal its derivation ({expression} = {computed})",
                 "the derivation's result, rounded to the stored decimals", table="cohort_results")

REF = re.compile(r"\{([a-z0-9_.]+)\}")
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
        if empty(value):
            raise ValueError(f"{match.group(1)} has no value")
        return repr(float(value))
    return _evaluate(ast.parse(REF.sub(substitute, expression), mode="eval"))


def _decimals(value: float) -> int:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return len(text.split(".")[1]) if "." in text else 0


def check(dataset) -> list[Problem]:
    out = []
    frame = dataset.frame("cohort_results")
    values = lookup(frame, "result_id", "value")
    kinds = lookup(frame, "result_id", "kind")
    for _, row, line, shown in rows(dataset, "cohort_results"):
        expression = row["derivation"]
        if empty(expression):
            continue
        missing = [r for r in REF.findall(expression) if r not in values]
        if missing:
            out.append(UNKNOWN_RESULT.problem_at(shown, line, expression, missing=missing[0]))
            continue
        if any(kinds[r] == "derived" for r in REF.findall(expression)):
            out.append(DERIVED_FROM_DERIVED.problem_at(shown, line, expression))
            continue
        try:
            computed = evaluate_derivation(expression, values)
        except (ValueError, SyntaxError, ZeroDivisionError, RecursionError, OverflowError) as err:
            out.append(NOT_COMPUTABLE.problem_at(shown, line, expression, error=str(err)))
            continue
        value = row["value"]
        if empty(value):
            continue
        tolerance = 0.5 * 10 ** -_decimals(value) + 1e-9
        if abs(computed - value) > tolerance:
            out.append(NOT_EQUAL.problem_at(shown, line, fmt(value), expression=expression, computed=f"{computed:.4g}"))
    return out
