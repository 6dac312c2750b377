"""Who was asked and who answered: response rates and representation by promotion.

The paper's limits (one promotion over-represented, several answers for one
challenge) are shown with numbers computed here, each with its base.
"""

from __future__ import annotations

import pandas as pd

from helpers.intervals import proportion_interval
from helpers.programme import populations

GROUP_LABELS = {"eig": "EIG", "mentor": "Mentors"}


def response_rates(frames: dict[str, pd.DataFrame], confidence: float = 0.95, pops: dict | None = None) -> pd.DataFrame:
    """Respondents over population per group and promotion, plus the group total (Wilson interval).

    Only promotions with respondents or a known population among those answered appear;
    the interval treats respondents as a draw from the promotion (a reading aid, not a claim
    of random response).
    """
    pops = populations() if pops is None else pops
    rows = []
    for group, frame in frames.items():
        promos = sorted(set(frame["promotion"].dropna().astype(int)))
        for promotion in promos + ["all"]:
            if promotion == "all":
                answered = len(frame)
                population = sum(pops.get((group, p), 0) for p in promos)
            else:
                answered = int((frame["promotion"] == promotion).sum())
                population = pops.get((group, promotion), 0)
            low, high = proportion_interval(answered, population, confidence)
            rows.append(
                {
                    "group": group,
                    "promotion": str(promotion),
                    "population": population,
                    "respondents": answered,
                    "rate": answered / population if population else float("nan"),
                    "ci_low": low,
                    "ci_high": high,
                }
            )
    return pd.DataFrame(rows)


def representation(frames: dict[str, pd.DataFrame], pops: dict | None = None) -> pd.DataFrame:
    """Share of each promotion among respondents vs in the population (over-representation)."""
    pops = populations() if pops is None else pops
    rows = []
    for group, frame in frames.items():
        promos = sorted(set(frame["promotion"].dropna().astype(int)))
        total_pop = sum(pops.get((group, p), 0) for p in promos)
        for promotion in promos:
            answered = int((frame["promotion"] == promotion).sum())
            rows.append(
                {
                    "group": group,
                    "promotion": promotion,
                    "share_of_respondents": answered / len(frame),
                    "share_of_population": pops.get((group, promotion), 0) / total_pop,
                }
            )
    out = pd.DataFrame(rows, columns=["group", "promotion", "share_of_respondents", "share_of_population"])
    out["ratio"] = out["share_of_respondents"] / out["share_of_population"]
    return out


def answers_per_challenge(frame: pd.DataFrame) -> pd.DataFrame:
    """How many respondents answered for the same challenge (the paper's independence caveat)."""
    known = frame.dropna(subset=["defi"])
    per = known.groupby(["promotion", "defi"], observed=True).size().rename("respondents").reset_index()
    dist = per.groupby("respondents").size().rename("challenges").reset_index()
    dist["respondents_total"] = dist["respondents"] * dist["challenges"]
    return dist.sort_values("respondents").reset_index(drop=True)
