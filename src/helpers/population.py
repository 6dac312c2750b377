"""Who was asked and who answered: response rates, representation by promotion, precision.

The paper's limits (one promotion over-represented, several answers for one
challenge, small bases) are shown with numbers computed here, each with its
base, and the sentences that describe them are written from those numbers, so
they hold for whatever data set the run reads.
"""

from __future__ import annotations

import pandas as pd

from helpers import fmt
from helpers.codebook import GROUP_NAMES, GROUPS
from helpers.headcounts import populations



def response_rates(frames: dict[str, pd.DataFrame], pops: dict | None = None) -> pd.DataFrame:
    """Respondents over population per group and promotion, plus the group total.

    Only promotions with respondents appear. A complete count: nothing was
    sampled, so no interval (the uncertainty is in who did not answer, see
    ``helpers.nonresponse``).
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
            rows.append(
                {
                    "group": group,
                    "promotion": str(promotion),
                    "population": population,
                    "respondents": answered,
                    "rate": answered / population if population else float("nan"),
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


def representation_summary(frames: dict[str, pd.DataFrame], pops: dict | None = None) -> list[str]:
    """One French sentence per group: the promotions that weigh most and least among respondents
    relative to their population (from :func:`representation`)."""
    rep = representation(frames, pops) if any(len(f) for f in frames.values()) else pd.DataFrame()
    lines = []
    for group in frames:
        part = rep[rep["group"] == group] if not rep.empty else rep
        name = GROUP_NAMES[group]
        if part.empty:
            lines.append(f"Aucun répondant parmi les {name} des promotions retenues.")
            continue
        if len(part) == 1:
            lines.append(f"Les {name} répondants appartiennent tous à la promotion {part['promotion'].iloc[0]} : "
                         "la pondération par promotion ne change rien pour eux.")
            continue
        over = part.loc[part["ratio"].idxmax()]
        under = part.loc[part["ratio"].idxmin()]

        def weight(r) -> str:
            return (f"{fmt.pct(r['share_of_respondents'])} des répondants pour "
                    f"{fmt.pct(r['share_of_population'])} de la population")

        if fmt.pct(over["share_of_respondents"]) == fmt.pct(over["share_of_population"]) and \
                fmt.pct(under["share_of_respondents"]) == fmt.pct(under["share_of_population"]):
            lines.append(f"Parmi les {name} répondants, chaque promotion pèse à peu près autant que dans la "
                         "population (écart de moins d'un point de pourcentage).")
            continue
        lines.append(f"Parmi les {name} répondants, la promotion {over['promotion']} est la plus représentée au "
                     f"regard de sa population ({weight(over)}), la promotion {under['promotion']} la moins "
                     f"représentée ({weight(under)}).")
    return lines


def precision_summary(table: pd.DataFrame, confidence: float = 0.95) -> str:
    """What the bases of this run allow, in French: how far one answer moves a share, how wide the
    intervals of whole-group shares are (unweighted rows of the indicator table, ``base > 0``)."""
    rows = table[(table["subgroup"] == "all") & (table["weighting"] == "none")
                 & table["group"].isin(GROUPS) & (table["base"] > 0) & (table["option"] != "top2")]
    if rows.empty:
        return "Aucune question n'a reçu de réponse dans les données de cette exécution."
    low, high = int(rows["base"].min()), int(rows["base"].max())
    bases = f"{low} réponses" if low == high else f"de {low} à {high} réponses"
    moves = fmt.points(1 / low) if low == high else f"{fmt.num(100 / high, 1)} à {fmt.points(1 / low)}"
    widths = (rows["ci_high"] - rows["ci_low"]).dropna()
    return (f"Les questions ont reçu {bases} par groupe (EIG, mentors) : une seule réponse y déplace une part "
            f"de {moves}. Les intervalles de confiance à {fmt.pct(confidence)} des parts "
            f"du groupe entier ont une largeur médiane de {fmt.points(float(widths.median()), 0)}, "
            f"et jusqu'à {fmt.points(float(widths.max()), 0)}.")
