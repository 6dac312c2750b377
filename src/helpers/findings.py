"""« Ce qu'il faut retenir » and the differences from the paper, for the index, from the run's tables.

Reads what the run published (``OUT/tables/claims.csv``, ``granularity.csv``) and the
transcription of the paper's charts (``data/published/figures.csv``); computes no
statistic, only picks and words: the claims check's real discrepancies (verdict
« non conforme »), the printed percentages no count allows on their base, the widest
intervals behind the statements that hold, and every chart that departs from the paper.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers import fmt

#: How many of the widest intervals the summary names.
WIDEST = 3
#: Verdicts whose statement holds (its interval says how firmly).
HOLDS = ("match", "rounding", "other_reading")
GROUP_WORDS = {"eig": "EIG", "mentor": "mentors", "both": "EIG et mentors"}


def _value(value, unit: str) -> str:
    if fmt.is_missing(value) or value == "":
        return "—"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if unit == "fraction":
        return fmt.pct(number)
    if unit == "year":
        return str(int(number))
    return fmt.num(number, 0 if number == int(number) else 1)


def _page(value) -> str:
    return "" if fmt.is_missing(value) else f"p. {int(float(value))}"


def mismatches(claims: pd.DataFrame) -> list[dict]:
    """The statements the data contradict: quote, page, printed and recomputed values, why."""
    rows = claims[claims["verdict"] == "mismatch"]
    return [{"quote": r["quote"], "page": _page(r["page"]), "published": _value(r["published"], r["unit"]),
             "recomputed": _value(r["recomputed"], r["unit"]), "detail": r["detail"]}
            for _, r in rows.iterrows()]


def impossible(granularity: pd.DataFrame) -> list[dict]:
    """Printed percentages that no whole count gives on their stated base (neither rounding convention)."""

    from helpers.granularity import ASSERTED

    # Only a number printed as the share itself can be impossible (a bound or « près de » cannot).
    known = granularity[granularity["base"].notna() & granularity["expression"].isin(ASSERTED)]
    bad = known[(known["feasible_half_up"].astype(str) == "False") & (known["feasible_truncated"].astype(str) == "False")]
    return [{"quote": r["quote"], "page": _page(r["page"]), "published": fmt.pct(float(r["published"]) / 100)
             if float(r["published"]) > 1 else fmt.pct(float(r["published"])),
             "base": fmt.count(r["base"]), "nearest": r["nearest_count"]}
            for _, r in bad.iterrows()]


def widest(claims: pd.DataFrame, n: int = WIDEST) -> list[dict]:
    """The ``n`` statements that hold on the widest intervals (shares only): what the data allow them to mean."""
    rows = claims[claims["verdict"].isin(HOLDS) & (claims["unit"] == "fraction")
                  & claims["ci_low"].notna() & claims["ci_high"].notna()].copy()
    rows["width"] = rows["ci_high"].astype(float) - rows["ci_low"].astype(float)
    rows = rows.sort_values(["width", "claim_id"], ascending=[False, True], kind="stable").head(n)
    return [{"quote": r["quote"], "page": _page(r["page"]), "recomputed": _value(r["recomputed"], "fraction"),
             "interval": fmt.ci(float(r["ci_low"]), float(r["ci_high"])), "width": fmt.points(r["width"]),
             "base": fmt.count(r["base"]) if not fmt.is_missing(r["base"]) else "—"}
            for _, r in rows.iterrows()]


def differences(figures: pd.DataFrame, shown: dict[int, str]) -> list[dict]:
    """Every chart of the paper that the appendices redraw differently, with a group inferred or values read off its axis.

    ``shown`` maps the paper's chart number to the appendices' own (``helpers.numbering.paper_charts``).
    """
    out = []
    for figure_id, rows in figures.groupby("figure_id", sort=True):
        first = rows.iloc[0]
        number = int(str(figure_id).removeprefix("fig"))
        items = []
        if first["group_status"] != "printed":
            items.append(f"groupe de répondants déduit ({GROUP_WORDS.get(first['group'], first['group'])}) : "
                         f"{first['group_basis']}")
        estimated = int((rows["read"] == "estimated").sum())
        if estimated:
            items.append(f"{estimated} valeur{'s' if estimated > 1 else ''} sur {len(rows)} "
                         f"lue{'s' if estimated > 1 else ''} sur l'axe, non imprimée{'s' if estimated > 1 else ''}")
        note = first["fidelity_note"]
        if not fmt.is_missing(note) and str(note).strip():
            items.append(f"redessiné autrement : {note}")
        if items:
            out.append({"paper": f"Graphique {number} du document de travail", "title": first["chart_title"],
                        "page": _page(first["printed_page"]), "own": shown.get(number, ""), "notes": items})
    return out


def summary(tables_dir: Path, figures: pd.DataFrame, shown: dict[int, str]) -> dict:
    """Everything the index shows first; a missing table gives an empty list, not an error."""
    tables_dir = Path(tables_dir)
    claims_csv, granularity_csv = tables_dir / "claims.csv", tables_dir / "granularity.csv"
    claims = pd.read_csv(claims_csv, keep_default_na=True) if claims_csv.exists() else None
    granularity = pd.read_csv(granularity_csv) if granularity_csv.exists() else None
    return {
        "mismatches": mismatches(claims) if claims is not None else [],
        "claims_count": 0 if claims is None else len(claims),
        "impossible": impossible(granularity) if granularity is not None else [],
        "printed_count": 0 if granularity is None else len(granularity),
        "widest": widest(claims) if claims is not None else [],
        "differences": differences(figures, shown),
    }
