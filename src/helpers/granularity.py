"""Is a printed percentage possible at all on its base? A check that needs no data.

With n respondents, a share can only be k/n for a whole k: 70 % cannot be
printed from 13 answers (9/13 = 69,2 %, 10/13 = 76,9 %). This is the GRIM test
(Brown & Heathers, 2016) applied to percentages: for each percentage of the
registry (``data/published/claims.yaml``) and of the charts
(``data/published/figures.csv``), with the base the paper publishes, is there
a whole k whose share, rounded half-up or truncated to the printed decimals,
gives the printed value? If not, which k comes nearest, and which bases from
1 to 60 would have made it possible. The answer depends on the published
numbers only: the same on any data set, or none.

Shares are computed as exact fractions, so no binary rounding can make a
boundary case (62,5 %) go the wrong way. The table works in percentage points (the
paper's unit); granularity.csv gives the shares as fractions, like every published
table (:func:`csv_table`).
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pandas as pd

from helpers.codebook import GROUPS
from helpers.fmt import num

#: Bases tried when looking for the ones a printed value implies.
MAX_BASE = 60
CONVENTIONS = ("half_up", "truncated")
COLUMNS = ["source", "kind", "page", "quote", "expression", "published", "base", "base_origin",
           "feasible_half_up", "feasible_truncated", "counts", "nearest", "nearest_count",
           "implied_bases", "implied_bases_truncated", "closest_bases"]
#: Registry expressions whose number is printed as a percentage (bounds and "près de" included).
PRINTED = ("exact", "approx", "lower_bound", "upper_bound")
#: Expressions that assert the printed number is the rounded share (the others bound or approach it).
ASSERTED = ("exact",)


def places(value) -> int:
    """Decimals printed in a published number (57 → 0, 90.5 → 1)."""
    text = f"{Decimal(str(value)).normalize():f}"
    return len(text.split(".", 1)[1]) if "." in text else 0


def shown(k: int, base: int, decimals: int = 0, convention: str = "half_up") -> Fraction:
    """The percentage k/base as printed with ``decimals`` decimals, half-up or truncated."""
    if convention not in CONVENTIONS:
        raise ValueError(f"convention must be one of {', '.join(CONVENTIONS)}, not {convention!r}")
    scaled = Fraction(100 * k, base) * 10**decimals
    whole = math.floor(scaled + Fraction(1, 2)) if convention == "half_up" else math.floor(scaled)
    return Fraction(whole, 10**decimals)


def counts(published, base: int, convention: str = "half_up") -> list[int]:
    """Every whole k of 0..base whose share prints as ``published``."""
    if base < 1:
        raise ValueError(f"a base must be a whole number of at least 1, not {base!r}")
    if convention not in CONVENTIONS:
        raise ValueError(f"convention must be one of {', '.join(CONVENTIONS)}, not {convention!r}")
    decimals = places(published)
    # shown(k) is the target T (in units of the last decimal) exactly when 100·k/base, in those
    # units, lies in [T − ½, T + ½) half-up or [T, T + 1) truncated: a range of k, not a search.
    whole, scale = Fraction(str(published)) * 10**decimals, Fraction(base, 100 * 10**decimals)
    low, high = (whole - Fraction(1, 2), whole + Fraction(1, 2)) if convention == "half_up" else (whole, whole + 1)
    return list(range(max(0, math.ceil(low * scale)), min(base, math.ceil(high * scale) - 1) + 1))


def feasible(published, base: int, convention: str = "half_up") -> bool:
    """True when some k out of ``base`` prints as ``published`` under ``convention``."""
    return bool(counts(published, base, convention))


def nearest(published, base: int) -> tuple[int, float]:
    """The count k whose exact share k/base is closest to ``published`` (the lower one on a tie)."""
    target = Fraction(str(published))
    k = min(range(base + 1), key=lambda c: (abs(Fraction(100 * c, base) - target), c))
    return k, float(Fraction(100 * k, base))


def implied_bases(published, convention: str = "half_up", max_base: int = MAX_BASE) -> list[int]:
    """The bases 1..max_base on which ``published`` is attainable."""
    return [n for n in range(1, max_base + 1) if feasible(published, n, convention)]


def closest_bases(published, base: int, max_base: int = MAX_BASE) -> list[int]:
    """The attainable bases (either convention) nearest to ``base`` from below and from above.

    ``base`` itself when the value is attainable on it.
    """
    candidates = sorted(set(implied_bases(published, "half_up", max_base))
                        | set(implied_bases(published, "truncated", max_base)))
    if base in candidates:
        return [base]
    below = [n for n in candidates if n < base][-1:]
    above = [n for n in candidates if n > base][:1]
    return below + above


def check(published, base: int | None) -> dict:
    """Every column of the granularity table for one printed percentage."""
    row = {"published": float(published), "base": base,
           "implied_bases": " ".join(map(str, implied_bases(published))),
           "implied_bases_truncated": " ".join(map(str, implied_bases(published, "truncated")))}
    if base is None:
        return {**row, "feasible_half_up": None, "feasible_truncated": None, "counts": "",
                "nearest": None, "nearest_count": "", "closest_bases": ""}
    k, value = nearest(published, base)
    return {**row,
            "feasible_half_up": feasible(published, base, "half_up"),
            "feasible_truncated": feasible(published, base, "truncated"),
            "counts": " ".join(map(str, counts(published, base))),
            "nearest": round(value, 4), "nearest_count": f"{k}/{base}",
            "closest_bases": " ".join(map(str, closest_bases(published, base)))}


# ---- the published bases --------------------------------------------------------------


def chart_bases(figures: pd.DataFrame) -> dict[tuple[str, str], int]:
    """The base each chart publishes for a (question, group): respondents who answered it."""
    bases = {}
    for row in figures.dropna(subset=["question_id", "base"]).itertuples():
        bases[(row.question_id, row.group)] = int(float(row.base))
    return bases


def respondents_stated(claims: list[dict]) -> dict[str, int]:
    """How many EIG and mentors answered, as the paper states it (p. 9), from the registry: ``{'eig': 21, …}``."""
    stated = {c["group"]: int(c["published"]) for c in claims
              if c.get("source") == "respondents" and c["expression"] == "count" and c["group"] in GROUPS}
    if len(stated) == 2:
        stated["both"] = stated["eig"] + stated["mentor"]
    return stated


def published_base(claim: dict, bases: dict[tuple[str, str], int],
                   respondents: dict[str, int]) -> tuple[int | None, str]:
    """The base a registry percentage refers to, from the published numbers only, and where it comes from.

    The chart of the question gives it (EIG and mentors together: the pooled
    chart, or the sum of the two groups' charts); without a chart, the number
    of respondents the paper states for the group, assuming all answered. A
    statement about one promotion has no published base (nothing splits the
    respondents by promotion).
    """
    if claim.get("promotion") is not None or claim.get("source", "survey") != "survey":
        return None, "aucune base publiée"
    qid, group = claim.get("question_id"), claim["group"]
    if (qid, group) in bases:
        return bases[(qid, group)], "graphique"
    if group == "both" and (qid, "eig") in bases and (qid, "mentor") in bases:
        return bases[(qid, "eig")] + bases[(qid, "mentor")], "graphiques EIG + mentors"
    if group in respondents:
        return respondents[group], "répondants annoncés p. 9 (sans graphique : tous supposés avoir répondu)"
    return None, "aucune base publiée"


def granularity_table(claims: list[dict], figures: pd.DataFrame) -> pd.DataFrame:
    """Every printed percentage of the registry and of the charts, checked against its base."""
    bases = chart_bases(figures)
    respondents = respondents_stated(claims)
    rows = []
    for claim in claims:
        if claim["expression"] not in PRINTED or claim.get("unit", "percent") != "percent":
            continue
        if claim.get("source", "survey") not in ("survey", "respondents", "defis"):
            continue
        if claim.get("measure", "share") != "share":
            continue
        base, origin = published_base(claim, bases, respondents)
        rows.append({"source": claim["id"], "kind": "claim", "page": claim["page"], "quote": claim["quote"],
                     "expression": claim["expression"], "base_origin": origin, **check(claim["published"], base)})
    for row in figures[figures["unit"] == "percent"].itertuples():
        label = row.category if row.series == row.chart_title else f"{row.series} — {row.category}"
        rows.append({"source": f"{row.figure_id}:{row.question_id}:{row.option}", "kind": "figure",
                     "page": int(row.printed_page), "quote": label, "expression": "exact",
                     "base_origin": "graphique", **check(row.value, int(float(row.base)))})
    table = pd.DataFrame(rows, columns=COLUMNS)
    table["base"] = table["base"].astype("Int64")
    return table


def csv_table(table: pd.DataFrame) -> pd.DataFrame:
    """granularity.csv: the printed value and the nearest attainable share as fractions of 1
    (decimal-exact: 62 → 0.62), like every published table."""
    def fraction(value):
        return value if pd.isna(value) else float(Decimal(repr(float(value))) / 100)

    return table.assign(published=table["published"].map(fraction), nearest=table["nearest"].map(fraction))


def impossible(table: pd.DataFrame) -> pd.DataFrame:
    """Rows whose printed value is asserted (an exact share) and attainable under neither convention."""
    asserted = table["expression"].isin(ASSERTED) & table["base"].notna()
    neither = (table["feasible_half_up"] == False) & (table["feasible_truncated"] == False)  # noqa: E712
    return table[asserted & neither]


def implication(row) -> str:
    """'70 % est impossible sur 13 : 9 sur 13 = 69,2 % ; possible sur 10, 20, 23…' for the appendix."""
    published = num(row["published"], places(row["published"]))
    k, base = row["nearest_count"].split("/")
    closest = str(row["closest_bases"]).split()
    instead = (f" ; les bases les plus proches qui le permettent : {' ou '.join(closest)}" if closest else "")
    return (f"{published}\u202f% est impossible sur {base} répondants (ni arrondi ni tronqué) : la part la plus "
            f"proche est {k} sur {base} = {num(row['nearest'], 1)}\u202f%{instead}")

