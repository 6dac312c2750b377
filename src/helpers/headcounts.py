"""Head counts per group and promotion, from the paper's programme table (p. 8).

The one programme fact the lower layers need: reading a data set refuses more
respondents than people, the indicators weight and correct for the finite
population with it. The rest of the table (checks, challenges, years) is
``helpers.programme``, which sits above.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers import DATA_DIR

PROGRAMME_CSV = DATA_DIR / "programme" / "programme.csv"
#: programme.csv indicator ids holding the head counts of each group.
POPULATION_INDICATORS = {"eig": "eig", "mentor": "mentors"}
#: Promotions always accepted; later ones only when the programme table knows them.
BASE_PROMOTIONS = (1, 2)


def populations(path: Path | str = PROGRAMME_CSV) -> dict[tuple[str, int], int]:
    """Head count per (group, promotion), e.g. ``{('eig', 1): 11, ('mentor', 2): 18}``."""
    table = pd.read_csv(path, dtype={"promotion": str})
    out: dict[tuple[str, int], int] = {}
    for group, indicator in POPULATION_INDICATORS.items():
        rows = table[(table.indicator_id == indicator) & (table.promotion != "total")]
        for promotion, value in zip(rows.promotion, rows.value):
            out[(group, int(promotion))] = int(float(value))
    return out
