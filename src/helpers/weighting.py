"""Post-stratification by promotion, so that each promotion counts as in its population.

Promotion 2 answered more than promotion 1 (and has more people): an unweighted
share mixes both at the respondents' ratio. A weighted share gives every
respondent of promotion p in group g the weight ``N(g, p) / n(g, p)``, where N is
the head count (``helpers.headcounts.populations``) and n the number of
respondents *who answered the question* in that cell: the answering respondents
then stand for their whole promotion. Weighted shares are shown beside the
unweighted ones, never instead of them, and their interval uses the Kish
effective sample size, since unequal weights carry less information than n
equal ones.

Everything works per stratum (one (group, promotion) cell): the weight is
constant within a stratum, so counts per stratum are all that is needed.
"""

from __future__ import annotations

import numpy as np


def stratum_weights(strata, answered, pops: dict[tuple[str, int], int]) -> np.ndarray:
    """Weight ``N(g, p) / n(g, p)`` of a respondent of each stratum (0 where nobody answered).

    ``strata`` lists (group, promotion) pairs, ``answered`` the respondents who
    answered in each. Each group is weighted to its own populations, so pooled
    (``both``) strata represent EIG and mentors in their head counts. A stratum
    with answers but no known population (or no promotion) is an error, not a
    silent weight of 1.
    """
    answered = np.asarray(answered, dtype=float)
    weights = np.zeros(len(answered))
    for i, ((group, promotion), n) in enumerate(zip(strata, answered)):
        if n == 0:
            continue
        if promotion is None or (group, promotion) not in pops:
            raise ValueError(f"no population for group {group!r}, promotion {promotion}: cannot weight")
        weights[i] = pops[(group, promotion)] / n
    return weights


def kish_n_eff(weights, counts=None) -> float:
    """Kish effective sample size (Σw)² / Σw²: n for equal weights, less otherwise.

    ``counts`` gives how many respondents carry each weight (one each by default).
    """
    weights = np.asarray(weights, dtype=float)
    counts = np.ones_like(weights) if counts is None else np.asarray(counts, dtype=float)
    squares = float(np.sum(counts * weights**2))
    return float(np.sum(counts * weights)) ** 2 / squares if squares > 0 else 0.0


def weighted_shares(chosen, answered, weights) -> np.ndarray:
    """Σ w·chosen / Σ w·answered per option; ``chosen`` is strata × options counts."""
    total = float(np.dot(weights, answered))
    if total == 0:
        return np.full(np.shape(chosen)[1], np.nan)
    return (np.asarray(weights) @ np.asarray(chosen, dtype=float)) / total


def stratum_flags(answered: dict[int, int], kept, concerned=()) -> list[tuple[str, int, int]]:
    """What weakens an item's weighting, per promotion: ``(kind, promotion, respondents)``.

    ``answered`` maps each promotion to the respondents who answered the item,
    ``kept`` lists the promotions the reading stands for, ``concerned`` the
    promotions the question concerns (empty: all). ``"outside"``: answers
    from a promotion the question does not concern (they still count in the
    base, and the weighting makes them stand for the whole promotion);
    ``"empty"``: a concerned promotion with no answer (the weighted share then
    speaks for the other promotions only).
    """
    flags = []
    for promotion in sorted(int(p) for p in kept):
        n = int(answered.get(promotion, 0))
        if concerned and promotion not in concerned:
            if n:
                flags.append(("outside", promotion, n))
        elif n == 0:
            flags.append(("empty", promotion, 0))
    return flags
