"""Random-effects pooling of single-arm response proportions (our analysis, not the sources').

Model: each study's proportion is put on the logit scale, log(k / (n - k)), with the usual
sampling variance 1/k + 1/(n - k); the study logits are combined with a random-effects model by
statsmodels' ``combine_effects``. The between-study variance tau² is estimated by
DerSimonian–Laird (``method_re="dl"``), the one estimator offered. Not offered, and why:
statsmodels has no REML for this function, and its "iterated" (Paule–Mandel) estimator in 0.15.0
silently returns tau² = 0 when a Newton step overshoots the root (it does so on the dataset's own
counts, where the true Paule–Mandel tau² is about 1), so it cannot be trusted unchecked. Confidence and prediction intervals use the normal
distribution (metafor's default ``test="z"``). A negative DerSimonian–Laird moment estimate is truncated
to 0 (statsmodels does not truncate it; metafor and the method's authors do), and I² is computed
as tau² / (tau² + s²) as in metafor, so it is never negative:

    pooled logit ± z·se                      (confidence interval for the mean logit)
    pooled logit ± z·sqrt(se² + tau²)        (prediction interval for a new study)

and are back-transformed with the inverse logit. Studies with 0 or n responders get 0.5 added to
both cells, as metafor's ``escalc(measure="PLO")`` does by default (``add=1/2, to="only0"``).

Pooling is refused — a result with ``status == NOT_POOLABLE`` and no numbers — when fewer than two
distinct studies share a treatment and a response definition: results graded on different
definitions must never be combined.

Pure functions over numbers and DataFrames; imports only numpy, pandas, scipy and statsmodels.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.special import expit
from scipy.stats import norm
from statsmodels.stats.meta_analysis import combine_effects

POOLED = "pooled"
NOT_POOLABLE = "not poolable"
METHODS = {"dl": "DerSimonian–Laird"}
CONTINUITY = 0.5
MIN_STUDIES = 2


@dataclass(frozen=True)
class PooledProportion:
    """Outcome of one pooling attempt. Every number is None unless ``status == POOLED``."""

    status: str
    reason: str
    studies: int
    events: int
    patients: int
    method: str | None = None
    level: float = 0.95
    proportion: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    pi_low: float | None = None
    pi_high: float | None = None
    tau2: float | None = None
    i2: float | None = None  # a fraction in [0, 1]; multiply by 100 for percent
    q: float | None = None
    logit: float | None = None
    logit_se: float | None = None
    study_ids: tuple = field(default_factory=tuple)

    @property
    def poolable(self) -> bool:
        return self.status == POOLED


def _counts(events, totals) -> tuple[np.ndarray, np.ndarray]:
    k = np.asarray(events, dtype=float)
    n = np.asarray(totals, dtype=float)
    if k.ndim != 1 or n.shape != k.shape:
        raise ValueError(f"events and totals must be two lists of the same length; got shapes {k.shape} and {n.shape}")
    problems = []
    for i, (ki, ni) in enumerate(zip(k, n)):
        if not (np.isfinite(ki) and np.isfinite(ni)) or ki != int(ki) or ni != int(ni):
            problems.append(f"study {i + 1}: events {ki:g} and patients {ni:g} must be whole numbers")
        elif ni < 1:
            problems.append(f"study {i + 1}: patients is {ni:g}; it must be at least 1")
        elif not 0 <= ki <= ni:
            problems.append(f"study {i + 1}: events is {ki:g}; it must be between 0 and the {ni:g} patients")
    if problems:
        raise ValueError("cannot pool these counts: " + "; ".join(problems))
    return k, n


def logit_effects(events, totals) -> tuple[np.ndarray, np.ndarray]:
    """Per-study logit proportions and their sampling variances, with metafor's continuity correction."""
    k, n = _counts(events, totals)
    add = np.where((k == 0) | (k == n), CONTINUITY, 0.0)
    responders, others = k + add, n - k + add
    return np.log(responders / others), 1 / responders + 1 / others


def pool_proportions(events, totals, *, study_ids=None, method: str = "dl", level: float = 0.95) -> PooledProportion:
    """Random-effects pooled proportion of responders across studies that share one response definition.

    ``events`` and ``totals`` are per-study counts (responders, patients with a known response).
    Returns a NOT_POOLABLE result, with no numbers, when fewer than two studies are given.
    """
    if method not in METHODS:
        raise ValueError(f"method is {method!r}; allowed: {', '.join(sorted(METHODS))}")
    if not 0 < level < 1:
        raise ValueError(f"level is {level}; it must be between 0 and 1, e.g. 0.95")
    k, n = _counts(events, totals)
    ids = tuple(study_ids) if study_ids is not None else tuple(range(1, len(k) + 1))
    if len(ids) != len(k):
        raise ValueError(f"{len(ids)} study ids for {len(k)} studies")
    if len(set(ids)) != len(ids):
        raise ValueError(f"a study appears more than once: {sorted(ids, key=str)}; give one row per study")
    base = dict(studies=len(k), events=int(k.sum()), patients=int(n.sum()), level=level, study_ids=ids)
    if len(k) < MIN_STUDIES:
        return PooledProportion(status=NOT_POOLABLE, reason=f"only {len(k)} study; pooling needs at least {MIN_STUDIES}",
                                **base)
    effect, variance = logit_effects(k, n)
    with np.errstate(invalid="ignore"):  # an untruncated negative tau² makes its RE variance negative; replaced below
        fit = combine_effects(effect, variance, method_re=method, alpha=1 - level, use_t=False)
    mu, se, tau2 = float(fit.mean_effect_re), float(fit.sd_eff_w_re), float(fit.tau2)
    if tau2 < 0:
        # statsmodels leaves the DerSimonian–Laird moment estimate untruncated; tau² cannot be
        # negative, and with tau² = 0 the random-effects estimate is the fixed-effect one (as in metafor).
        mu, se, tau2 = float(fit.mean_effect_fe), float(fit.sd_eff_w_fe), 0.0
    z = norm.ppf(0.5 + level / 2)
    spread = np.sqrt(se ** 2 + tau2)
    return PooledProportion(
        status=POOLED, reason=f"{len(k)} studies share the treatment and the response definition",
        method=METHODS[method], proportion=float(expit(mu)),
        ci_low=float(expit(mu - z * se)), ci_high=float(expit(mu + z * se)),
        pi_low=float(expit(mu - z * spread)), pi_high=float(expit(mu + z * spread)),
        tau2=tau2, i2=_i_squared(tau2, variance), q=float(fit.q), logit=mu, logit_se=se, **base)


def _i_squared(tau2: float, variance: np.ndarray) -> float:
    """Share of total variation due to between-study variance, tau² / (tau² + s²), with s² the
    "typical" within-study variance of Higgins and Thompson (2002); equals max(0, (Q - df) / Q)
    under DerSimonian–Laird. (statsmodels' own ``i2`` is (Q - df) / Q, negative when Q < df.)"""
    w = 1 / variance
    typical = (len(w) - 1) * w.sum() / (w.sum() ** 2 - (w ** 2).sum())
    return float(tau2 / (tau2 + typical))


def pool_by_group(frame: pd.DataFrame, *, study: str = "source_id", treatment: str = "treatment_id",
                  definition: str = "response_definition", events: str = "responded", total: str = "patients",
                  method: str = "dl", level: float = 0.95) -> pd.DataFrame:
    """One row per (treatment, response definition): pooled where two or more studies share both,
    otherwise marked "not poolable" with its reason and no numbers.

    Rows with a missing response definition are never pooled: an unstated definition cannot be
    shown to match another.
    """
    missing = [c for c in (study, treatment, definition, events, total) if c not in frame.columns]
    if missing:
        raise ValueError(f"columns missing from the table to pool: {', '.join(missing)}; "
                         f"it has: {', '.join(map(str, frame.columns))}")
    rows = []
    keyed = frame.assign(_definition=frame[definition].fillna(""))
    for (treat, defn), group in keyed.groupby([treatment, "_definition"], sort=True, dropna=False):
        if defn == "":
            for _, row in group.iterrows():
                rows.append(_row(treat, None, PooledProportion(
                    status=NOT_POOLABLE, reason="response definition not stated", studies=1,
                    events=int(row[events]), patients=int(row[total]), level=level, study_ids=(row[study],))))
            continue
        result = pool_proportions(group[events].to_numpy(), group[total].to_numpy(),
                                  study_ids=group[study].tolist(), method=method, level=level)
        rows.append(_row(treat, defn, result))
    return pd.DataFrame(rows, columns=["treatment", "definition", *PooledProportion.__dataclass_fields__])


def _row(treatment, definition, result: PooledProportion) -> dict:
    return {"treatment": treatment, "definition": definition, **result.__dict__}
