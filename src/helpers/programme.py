"""The programme table of the paper ("Le programme EIG en chiffres", p. 8).

Populations per promotion come from here: the validation refuses more
respondents than people, and the weighting represents each promotion.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers import DATA_DIR

PROGRAMME_CSV = DATA_DIR / "programme" / "programme.csv"
#: programme.csv indicator ids holding the head counts of each group.
POPULATION_INDICATORS = {"eig": "eig", "mentor": "mentors"}


def programme_table(path: Path | str = PROGRAMME_CSV) -> pd.DataFrame:
    """The table in long format, as published (totals are rows with promotion 'total')."""
    return pd.read_csv(path, dtype={"promotion": str})


def populations(path: Path | str = PROGRAMME_CSV) -> dict[tuple[str, int], int]:
    """Head count per (group, promotion), e.g. ``{('eig', 1): 11, ('mentor', 2): 18}``."""
    table = programme_table(path)
    out: dict[tuple[str, int], int] = {}
    for group, indicator in POPULATION_INDICATORS.items():
        rows = table[(table.indicator_id == indicator) & (table.promotion != "total")]
        for promotion, value in zip(rows.promotion, rows.value):
            out[(group, int(promotion))] = int(float(value))
    return out
