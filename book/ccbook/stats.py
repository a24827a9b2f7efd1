"""Intervals and exact tests. Pure functions of counts: no data loading here."""
from __future__ import annotations

from itertools import product
from math import comb

from scipy.special import betaincinv  # beta quantiles; scipy.stats would add 0.7 s to every chapter

CI_LEVEL = 0.95  # every interval in the book


def percent(count, total) -> float:
    return 100.0 * count / total


def exact_interval(successes: int, trials: int, level: float = CI_LEVEL) -> tuple[float, float]:
    """Clopper-Pearson exact confidence interval for a proportion, as percentages."""
    alpha = 1 - level
    lower = 0.0 if successes == 0 else betaincinv(successes, trials - successes + 1, alpha / 2)
    upper = 1.0 if successes == trials else betaincinv(successes + 1, trials - successes, 1 - alpha / 2)
    return 100 * float(lower), 100 * float(upper)


def fisher_freeman_halton(table: list[list[int]]) -> float:
    """Exact two-sided P value for a 2 x c contingency table with fixed margins (Fisher-Freeman-Halton):
    the probability of every table at most as probable as the one observed."""
    first, second = table
    columns = [a + b for a, b in zip(first, second)]
    top, total = sum(first), sum(columns)

    def probability(row) -> float:
        numerator = 1
        for count, column in zip(row, columns):
            numerator *= comb(column, count)
        return numerator / comb(total, top)

    observed = probability(first)
    p = 0.0
    for row in product(*(range(c + 1) for c in columns)):
        if sum(row) == top:
            chance = probability(row)
            if chance <= observed * (1 + 1e-9):
                p += chance
    return min(1.0, p)
