"""What non-response could change: worst-case (Manski) bounds on a share of a known population.

Of the N people of a group or promotion, n answered a question and k of them
chose an option. Had every non-respondent (to the survey or to the question)
chosen it, the population's share would be (k + N − n)/N; had none, k/N. The
truth lies between these bounds whatever the non-respondents think, with no
assumption on why they did not answer. A confidence interval covers another
error — the sampling of respondents, assuming they answered at random — and
promotion weighting corrects only who answered *between* promotions; neither
covers respondents who differ from the non-respondents of their own promotion.
The bounds need no interval: the whole population is in them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.codebook import MEMBERS
from helpers.headcounts import populations

#: Columns added to the indicator table, after ``n_eff``.
COLUMNS = ["population", "nr_low", "nr_high"]


def manski_bounds(count, base, population):
    """(low, high) = (k/N, (k + N − n)/N) for k of n answering among N; NaN where N is unknown or 0.

    ``13, 21, 39`` → (1/3, 31/39). Works on scalars or arrays.
    """
    count = np.asarray(count, dtype=float)
    base = np.asarray(base, dtype=float)
    population = np.asarray(population, dtype=float)
    if np.any(base > population):
        raise ValueError("more respondents than people: the population is wrong or the respondents are")
    known = population > 0
    safe = np.where(known, population, 1.0)
    low = np.where(known, count / safe, np.nan)
    high = np.where(known, (count + population - base) / safe, np.nan)
    if low.ndim == 0:
        return float(low), float(high)
    return low, high


def group_promotions(survey, promotions=None) -> dict[str, list[int]]:
    """Promotions whose people a group's "all" rows stand for: those kept, else those that answered."""
    if promotions is not None:
        wanted = [int(promotions)] if np.isscalar(promotions) else sorted(int(p) for p in promotions)
        return {g: wanted for g in survey.frames}
    return {g: sorted(int(p) for p in f["promotion"].dropna().unique()) for g, f in survey.frames.items()}


def row_populations(table: pd.DataFrame, kept: dict[str, list[int]], pops: dict | None = None) -> np.ndarray:
    """Head count N behind each row of the indicator table (NaN where a needed head count is unknown).

    ``promotion=p`` rows: the promotion's people; ``all``: the sum over the
    promotions kept; ``both``: EIG plus mentors.
    """
    pops = populations() if pops is None else pops

    def total(groups, promos) -> float:
        try:
            return float(sum(pops[(g, p)] for g in groups for p in promos))
        except KeyError:
            return float("nan")

    cache: dict[tuple[str, str], float] = {}
    out = np.empty(len(table))
    for i, (group, subgroup) in enumerate(zip(table["group"], table["subgroup"])):
        key = (group, subgroup)
        if key not in cache:
            groups = MEMBERS[group]
            if subgroup == "all":
                promos = sorted(set().union(*(kept.get(g, []) for g in groups)))
            else:
                promos = [int(str(subgroup).split("=", 1)[1])]
            cache[key] = total(groups, promos) if promos else float("nan")
        out[i] = cache[key]
    return out


def add_bounds(table: pd.DataFrame, population) -> pd.DataFrame:
    """``population``, ``nr_low``, ``nr_high`` columns; bounds hidden wherever the row is suppressed.

    A weighted row gets the bounds of its unweighted twin (the bounds are on
    the population's share, whatever the weights) and loses them when either
    row is suppressed, since k = nr_low × N.
    """
    population = np.asarray(population, dtype=float)
    unweighted = (table["weighting"] == "none").to_numpy(bool)
    # The unweighted count (hidden rows keep NaN); a weighted row reads its twin's.
    key = ["question_id", "option", "group", "subgroup"]
    raw = table.loc[unweighted, key + ["count", "base", "suppressed"]]
    merged = table[key].merge(raw, on=key, how="left")
    low, high = manski_bounds(merged["count"].to_numpy(float), merged["base"].to_numpy(float), population)
    hidden = table["suppressed"].to_numpy(bool) | merged["suppressed"].fillna(True).to_numpy(bool)
    return table.assign(population=population, nr_low=np.where(hidden, np.nan, low),
                        nr_high=np.where(hidden, np.nan, high))
