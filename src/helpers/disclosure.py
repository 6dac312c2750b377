"""Small-cell protection of the indicator table (statistical disclosure control).

With 6 mentors in promotion 1, a breakdown by promotion can point at one
person. Rules, applied to every row below the whole respondent group
(``subgroup != "all"``); whole-group top lines are never suppressed:

* primary: a cell whose count or base is under ``min_cell`` is suppressed.
  Zero counts are suppressed too: "0 of 4 mentors of promotion 1" tells
  something about each of the four (the usual SDC practice), and treating 0
  like 1 and 2 keeps the rule one comparison;
* secondary: a suppressed cell must not be recoverable by subtraction. Cells
  linked by a sum — the options of a single-choice question (or the levels of
  a scale) add up to the base, top-2 is the sum of the two highest levels (so
  top-2 plus the lower levels is the base too), the
  promotions add up to ``all``, ``both`` is ``eig + mentor`` — are checked: when
  exactly one cell of such a set is suppressed, the smallest other eligible
  cell is suppressed too (ties: first in table order), until nothing changes.
  For a yes/no question this is the complementary cell.

The base (and the ``missing`` count) stays visible: the number of respondents
per promotion is published with the response rates anyway.

Weighted rows: with two promotions, the whole group's unweighted count, its
share weighted by promotion, the promotion bases and the public populations
are two equations in the two promotion counts, so a weighted top line gives a
hidden promotion cell back. When a promotion's base for a question is under
``min_cell`` (a stratum of one or two people), the weighted row of that
question is suppressed too. A promotion cell hidden only for a small *count*
(e.g. 0 of 5) remains recoverable from the weighted row in principle; raise
``MIN_CELL`` to the promotion's size to close that as well (documented
limitation, docs/architecture.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

BLANKED = ("count", "share", "ci_low", "ci_high")
CELL = ["question_id", "group", "subgroup", "weighting"]


def primary(table: pd.DataFrame, min_cell: int) -> np.ndarray:
    """Cells under the threshold, in breakdowns only."""
    small = (table["count"].to_numpy(float) < min_cell) | (table["base"].to_numpy(float) < min_cell)
    return small & eligible(table)


def eligible(table: pd.DataFrame) -> np.ndarray:
    """Rows that may be suppressed: everything but the whole-group top lines."""
    return (table["subgroup"] != "all").to_numpy(bool)


def relations(table: pd.DataFrame, exclusive, in_top2) -> list[tuple[np.ndarray, list[str]]]:
    """(member rows, grouping keys) of each additive relation between cells."""
    exclusive = np.asarray(exclusive, bool)
    in_top2 = np.asarray(in_top2, bool)
    top2_row = (table["option"] == "top2").to_numpy(bool)
    pooled = table["question_id"].isin(table.loc[table["group"] == "both", "question_id"]).to_numpy(bool)
    return [
        (exclusive, CELL),
        (in_top2 | top2_row, CELL),
        ((exclusive & ~in_top2) | top2_row, CELL),
        (eligible(table), ["question_id", "group", "weighting", "option"]),
        (pooled & eligible(table), ["question_id", "subgroup", "weighting", "option"]),
    ]


def secondary(table: pd.DataFrame, suppressed: np.ndarray, links) -> np.ndarray:
    """Extend ``suppressed`` until no linked set has exactly one suppressed cell."""
    suppressed = suppressed.copy()
    ok = eligible(table)
    frame = table[["question_id", "group", "subgroup", "weighting", "option", "count"]].assign(
        position=np.arange(len(table))
    )
    changed = True
    while changed:
        changed = False
        for members, keys in links:
            rows = frame[members].assign(sup=suppressed[members], ok=ok[members])
            alone = rows.groupby(keys, sort=False)["sup"].transform("sum") == 1
            candidates = rows[alone & ~rows["sup"] & rows["ok"]]
            if candidates.empty:
                continue
            picked = candidates.sort_values(["count", "position"], kind="stable").groupby(keys, sort=False).head(1)
            suppressed[picked["position"].to_numpy()] = True
            changed = True
    return suppressed


def suppress(table: pd.DataFrame, min_cell: int = 3, exclusive=None, in_top2=None) -> pd.DataFrame:
    """The table with ``suppressed`` set and count, share and interval blanked (NaN) where it is.

    ``exclusive`` flags rows whose options, within one cell, are mutually exclusive
    and sum to the base (single, yes/no, scale levels); ``in_top2`` flags the two
    highest scale levels. Both default to no flag (multi-choice behaviour).
    """
    n = len(table)
    exclusive = np.zeros(n, bool) if exclusive is None else exclusive
    in_top2 = np.zeros(n, bool) if in_top2 is None else in_top2
    suppressed = secondary(table, primary(table, min_cell), relations(table, exclusive, in_top2))
    out = table.copy()
    for column in BLANKED:
        out[column] = out[column].astype(float).mask(suppressed)
    out["suppressed"] = suppressed
    return protect_weighted(out, min_cell)


def protect_weighted(table: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    """Suppress weighted rows of a question whose smallest promotion base is under ``min_cell``."""
    by_promotion = table[table["subgroup"].astype(str).str.startswith("promotion=")]
    if by_promotion.empty:
        return table
    tiny = by_promotion[by_promotion["base"] < min_cell][["question_id", "group"]].drop_duplicates()
    weighted = (table["weighting"] == "promotion").to_numpy()
    hit = table[["question_id", "group"]].merge(tiny.assign(_hit=True), how="left", on=["question_id", "group"])
    hide = weighted & hit["_hit"].fillna(False).to_numpy(bool)
    out = table.copy()
    for column in BLANKED:
        out[column] = out[column].astype(float).mask(hide)
    out["suppressed"] = out["suppressed"].to_numpy(bool) | hide
    return out
