"""Confidence intervals for shares.

Bases are small (13 mentors, 21 EIG), so the normal approximation (Wald) is
never used: it gives bounds outside [0, 1] and zero width at 0 % or 100 %.
Wilson's score interval is the default; Clopper–Pearson ("beta", exact and
conservative) is the alternative.

Finite population correction: when the n respondents come from a known
population of N people (a promotion, a group), the interval describes that
population, and the variance of a share shrinks by (N − n)/(N − 1). The
interval is then computed on the effective size n·(N − 1)/(N − n) with the
share unchanged (count scaled alike): with everybody answering (n = N) it
collapses to the share itself. It says nothing of non-response bias, which
``helpers.nonresponse`` bounds.
"""

from __future__ import annotations

import numpy as np
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


def fpc_size(n, population, respondents=None):
    """Effective size n·(N − 1)/(N − m) of a share from m respondents among N people (inf when m = N).

    ``respondents`` (m) defaults to ``n``; pass it when ``n`` is already an
    effective size (Kish's, for a weighted share) to scale it by the same
    factor. NaN ``population`` leaves n unchanged (no correction); m > N is an error.
    """
    n = np.asarray(n, dtype=float)
    m = n if respondents is None else np.asarray(respondents, dtype=float)
    population = np.asarray(population, dtype=float)
    known = ~np.isnan(population)
    if np.any(known & (m > population)):
        raise ValueError("more respondents than people: the population is wrong or the respondents are")
    with np.errstate(divide="ignore", invalid="ignore"):
        corrected = np.where(m >= population, np.inf, n * (population - 1) / (population - m))
    out = np.where(known & (n > 0), corrected, n)
    return float(out) if out.ndim == 0 else out


def proportion_interval(count, base, confidence: float = 0.95, method: str = "wilson", population=None,
                        respondents=None):
    """(low, high) for ``count`` successes out of ``base``; NaN where the base is 0.

    Works on scalars or arrays. ``count`` and ``base`` may be non-integer: a
    weighted share uses ``count = share × n_eff`` and ``base = n_eff``.
    ``population`` (N, scalar or per element, NaN where unknown) applies the
    finite population correction: the interval of ``count/base`` computed on
    the size :func:`fpc_size` (zero width when everybody answered);
    ``respondents`` is m there, when ``base`` is an effective size.
    """
    check_method(method)
    check_confidence(confidence)
    count = np.asarray(count, dtype=float)
    base = np.asarray(base, dtype=float)
    if population is not None:
        size = np.asarray(fpc_size(base, population, respondents), dtype=float)
        whole = np.isinf(size) & (base > 0)
        share = np.divide(count, base, out=np.zeros_like(count * base), where=base > 0)
        size = np.where(whole, 1.0, size)
        low, high = proportion_interval(share * size, size, confidence, method)
        low, high = np.where(whole, share, low), np.where(whole, share, high)
        if np.ndim(low) == 0:
            return float(low), float(high)
        return low, high
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
