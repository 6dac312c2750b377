"""The paper's charts as published (``data/published/figures.csv``) beside the recomputed values.

Each appendix shows, under a chart of the paper, what the paper printed and
what the data gives, category by category, so a reader sees where the data
departs from the paper — and, on the sample calibrated on these very values,
that they agree by construction.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, fields
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where a table is built: the PDF step reads only the paper's reference
    import pandas as pd

from helpers import DATA_DIR
from helpers.fmt import round_half_up

FIGURES_CSV = DATA_DIR / "published" / "figures.csv"


def published_figures(path: Path | str = FIGURES_CSV) -> pd.DataFrame:
    """Every category of every chart, with the codebook question/option and base it maps to."""
    import pandas as pd

    return pd.read_csv(path, dtype={"value": str, "option": str, "base": str})


def _decimals(text: str) -> int:
    return len(text.split(".", 1)[1]) if "." in text else 0


def _round_like(value: float, published: str) -> Decimal:
    """Round ``value`` half-up to as many decimals as the published figure shows."""
    return round_half_up(value, _decimals(published))


#: How a published value was obtained (the ``read`` column of figures.csv), in French.
READINGS = {"exact": "valeur imprimée", "estimated": "lue sur l'axe du graphique"}


def chart_check(indicators: pd.DataFrame, published: pd.DataFrame, figure_id: str) -> pd.DataFrame:
    """Published vs recomputed for one chart (unweighted, whole group, as the paper did).

    Counts are compared as counts; percentages after rounding the recomputed
    share the way the paper printed it. ``match`` is True when they are equal;
    ``comparable`` is False when nobody answered (base 0: nothing to compare,
    neither a match nor a difference); a category absent from the indicators
    stays comparable and does not match. ``read`` says whether the paper printed
    the value or it was read off the chart's axis.
    """
    import pandas as pd

    rows = []
    chart = published[published["figure_id"] == figure_id]
    ind = indicators[(indicators["subgroup"] == "all") & (indicators["weighting"] == "none")]
    for _, p in chart.iterrows():
        hit = ind[(ind["question_id"] == p["question_id"]) & (ind["option"] == p["option"]) & (ind["group"] == p["group"])]
        if hit.empty or int(hit.iloc[0]["base"]) == 0:
            recomputed, base = None, (0 if not hit.empty else None)
        else:
            r = hit.iloc[0]
            base = int(r["base"])
            if p["unit"] == "count":
                recomputed = Decimal(int(r["count"]))
            else:
                recomputed = _round_like(100 * float(r["share"]), p["value"])
        published_value = Decimal(p["value"])
        rows.append(
            {
                "figure_id": figure_id,
                "question_id": p["question_id"],
                "series": p["series"],
                "category": p["category"],
                "unit": p["unit"],
                "published": float(published_value),
                "recomputed": None if recomputed is None else float(recomputed),
                "base": base,
                "read": p["read"],
                "comparable": base != 0,
                "match": recomputed is not None and recomputed == published_value,
            }
        )
    return pd.DataFrame(rows)


PAPER_CSV = DATA_DIR / "published" / "paper.csv"


@dataclass(frozen=True)
class PaperReference:
    """The paper's bibliographic facts, as compiled in ``data/published/paper.csv`` (with sources)."""

    title: str
    kind: str
    programme: str
    publisher: str
    date: str
    pages: str
    licence: str

    @property
    def citation(self) -> str:
        """One French citation: publisher, « title », kind, date, length; then the licence."""
        return (f"{self.publisher}, « {self.title} », {self.kind} du {self.programme}, {self.date}, "
                f"{self.pages} p. ; publié sous {self.licence}.")


def paper_reference(path: Path | str = PAPER_CSV) -> PaperReference:
    """Read the paper's reference; every field of :class:`PaperReference` must be there, with a source."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = {row["field"]: row for row in csv.DictReader(fh)}
    names = [f.name for f in fields(PaperReference)]
    missing = [n for n in names if not (rows.get(n, {}).get("value") and rows[n].get("source"))]
    if missing:
        raise ValueError(f"{path}: missing value or source for field(s) {', '.join(missing)}")
    return PaperReference(**{n: rows[n]["value"] for n in names})
