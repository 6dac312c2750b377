"""Head counts per group and promotion, from the paper's programme table (p. 8).

The one programme fact the lower layers need: reading a data set refuses more
respondents than people, the indicators weight and correct for the finite
population with it. The rest of the table (checks, challenges, years) is
``helpers.programme``, which sits above.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from helpers import DATA_DIR

PROGRAMME_CSV = DATA_DIR / "programme" / "programme.csv"
#: programme.csv indicator ids holding the head counts of each group.
POPULATION_INDICATORS = {"eig": "eig", "mentor": "mentors"}
#: Promotions always accepted; later ones only when the programme table knows them.
BASE_PROMOTIONS = (1, 2)


def populations(path: Path | str = PROGRAMME_CSV) -> dict[tuple[str, int], int]:
    """Head count per (group, promotion), e.g. ``{('eig', 1): 11, ('mentor', 2): 18}``."""
    path = Path(path)
    stat = path.stat()
    return dict(_read(path, stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=4)
def _read(path: Path, mtime_ns: int, size: int) -> tuple[tuple[tuple[str, int], int], ...]:
    """The table read once per version of the file (asked for by every share a claim recomputes),
    with the csv module: checking PROMOTIONS before a notebook runs needs no pandas (0.2 s)."""
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return tuple(((group, int(row["promotion"])), int(float(row["value"])))
                 for group, indicator in POPULATION_INDICATORS.items()
                 for row in rows if row["indicator_id"] == indicator and row["promotion"] != "total")
