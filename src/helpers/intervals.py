"""Confidence intervals for shares (and, as a secondary reading, for means).

Bases are small (13 mentors, 21 EIG), so the normal approximation (Wald) is
never used: it gives bounds outside [0, 1] and zero width at 0 % or 100 %.
Wilson's score interval is the default; Clopper–Pearson ("beta", exact and
conservative) is the alternative.
"""

from __future__ import annotations

import numpy as np
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

METHODS = ("wilson", "beta")


def check_method(method: str) -> str:
    """Refuse anything but Wilson or Clopper–Pearson, before any computation."""
    if method not in METHODS:
        raise ValueError(f"interval method must be one of {', '.join(METHODS)}, not {method!r}")
    return method


def check_confidence(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie strictly between 0 and 1, not {confidence!r}")
    return confidence


def proportion_interval(count, base, confidence: float = 0.95, method: str = "wilson"):
    """(low, high) for ``count`` successes out of ``base``; NaN where the base is 0.

    Works on scalars or arrays. ``count`` and ``base`` may be non-integer: a
    weighted share uses ``count = share × n_eff`` and ``base = n_eff``.
    """
    check_method(method)
    check_confidence(confidence)
    count = np.asarray(count, dtype=float)
    base = np.asarray(base, dtype=float)
    empty = ~(base > 0)
    safe_base = np.where(empty, 1.0, base)
    safe_count = np.clip(np.where(empty, 0.0, count), 0.0, safe_base)
    low, high = proportion_confint(safe_count, safe_base, alpha=1 - confidence, method=method)
    # Wilson's bound at 0 % or 100 % is exactly 0 or 1; floating point leaves 1e-17.
    low = np.where(safe_count <= 0, 0.0, low)
    high = np.where(safe_count >= safe_base, 1.0, high)
    low = np.where(empty, np.nan, np.clip(low, 0.0, 1.0))
    high = np.where(empty, np.nan, np.clip(high, 0.0, 1.0))
    if low.ndim == 0:
        return float(low), float(high)
    return low, high


def mean_interval(values, confidence: float = 0.95) -> tuple[float, float, float]:
    """(mean, low, high): Student t interval, mean ± t(n-1) · s/√n.

    A reading aid for ordinal scales treated as scores; NaN bounds below two values.
    """
    check_confidence(confidence)
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    n = values.size
    if n == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(values.mean())
    if n < 2:
        return mean, float("nan"), float("nan")
    half = stats.t.ppf(0.5 + confidence / 2, n - 1) * values.std(ddof=1) / np.sqrt(n)
    return mean, float(mean - half), float(mean + half)
