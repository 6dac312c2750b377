"""Small-cell protection of the indicator tables (statistical disclosure control).

With 6 mentors in promotion 1, a breakdown by promotion can point at one
person. Rules, applied to every row below the whole respondent group
(``subgroup != "all"``); whole-group unweighted top lines are never suppressed:

* primary: a cell whose count or base is under ``min_cell`` is suppressed.
  Zero counts are suppressed too: "0 of 4 mentors of promotion 1" tells
  something about each of the four (the usual SDC practice), and treating 0
  like 1 and 2 keeps the rule one comparison; the cell is labelled
  "moins de 3 réponses" (with the run's ``min_cell``);
* secondary, first pass: a suppressed cell must not be recoverable by
  subtraction. Cells linked by a sum — the options of a single-choice question
  (or the levels of a scale) add up to the base, top-2 is the sum of the two
  highest levels, the promotions add up to ``all``, ``both`` is
  ``eig + mentor`` — are checked: when exactly one cell of such a set is
  suppressed, the smallest other eligible cell is suppressed too (ties: first
  in table order), until nothing changes. Labelled "masqué pour protéger une
  autre case";
* secondary, driven by the audit (:func:`protect`, ``helpers.audit``): the
  first pass cannot see the weighted top lines, the challenge-level table, nor
  what integer solutions and labels allow. Question by question, it starts
  from the safe end — the question's weighted rows dropped, its hidden cells
  labelled plain "masqué" — hides the smallest shown count beside any cell the
  audit still finds exposed, then gives back what the audit allows: the
  weighted rows (all, else option by option), then the labels (all, else the
  primary ones only).

The base (and the ``missing`` count) stays visible: the number of respondents
per promotion is published with the response rates anyway. ``min_cell <= 0``
suppresses nothing (private exploration: the pages say "non diffusable").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.audit import AuditError, audit_family, check, exposed, families

BLANKED = ("count", "share", "ci_low", "ci_high", "n_eff")  # n_eff: Kish's size gives back the strata bases
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
    first = primary(table, min_cell)
    suppressed = secondary(table, first, relations(table, exclusive, in_top2))
    out = table.copy()
    out["suppressed"] = suppressed
    out["suppression"] = np.where(first, "primary", np.where(suppressed, "secondary", ""))
    return blank(out)


def blank(table: pd.DataFrame) -> pd.DataFrame:
    """Count, share and interval set to NaN wherever ``suppressed``."""
    hide = table["suppressed"].to_numpy(bool)
    for column in BLANKED:
        if column in table:
            table[column] = table[column].astype(float).mask(hide)
    return table




# ---- secondary suppression driven by the audit ---------------------------------------


def protect(tables: dict[str, pd.DataFrame], codebooks, pops: dict, min_cell: int) -> dict[str, pd.DataFrame]:
    """The tables (``{"respondent": …, "defi": …}``) once every hidden cell passes the audit."""
    if min_cell <= 0:
        return tables
    out = {unit: table.copy() for unit, table in tables.items()}
    flags = {unit: (t["suppressed"].to_numpy(bool).copy(), t["suppression"].to_numpy(object).copy())
             for unit, t in out.items()}
    for family in families(out, codebooks, pops):
        for item in settle(family, min_cell):
            suppressed, kinds = flags[item["unit"]]
            at = out[item["unit"]].index.get_loc(item["position"])
            suppressed[at], kinds[at] = item["row"].suppressed, item["row"].suppression
    for unit, (suppressed, kinds) in flags.items():
        out[unit]["suppressed"], out[unit]["suppression"] = suppressed, kinds
    return {unit: blank(table) for unit, table in out.items()}


def settle(family, min_cell: int) -> list[dict]:
    """Hide, drop or relabel rows of one question until the audit passes; the rows changed.

    Starts from the safe end — weighted rows dropped, every hidden cell labelled
    plain "masqué" — hides more cells while one is exposed, then gives back
    what the audit allows: the weighted rows (all, else option by option), then
    the labels (all, else the primary ones only).
    """
    plain = [i for i in family.rows if i["row"].weighting == "none" and i["row"].suppressed]
    if not plain:
        return []
    before = {id(i): i["row"] for i in family.rows}
    kinds = {id(i): i["row"].suppression for i in plain}
    weighted = [i for i in family.rows if i["row"].weighting != "none" and not i["row"].suppressed]

    def put(items, suppressed, kind):
        for item in items:
            item["row"] = item["row"]._replace(suppressed=suppressed, suppression=kind(item))

    def passes() -> bool:
        return exposed(family, min_cell) is None

    def attempt(items, suppressed, kind) -> bool:
        saved = [(item, item["row"]) for item in items]
        put(items, suppressed, kind)
        if passes():
            return True
        for item, row in saved:
            item["row"] = row
        return False

    put(weighted, True, lambda i: "secondary")
    put(plain, True, lambda i: "masked")
    for _ in range(len(family.rows) + 1):
        failing = exposed(family, min_cell, first=True)
        if failing is None:
            break
        candidate = next_cell(family, failing)
        if candidate is None:
            check(pd.DataFrame(audit_family(family, min_cell, exact=True)))
        kinds[id(candidate)] = "secondary"
        plain.append(candidate)
        put([candidate], True, lambda i: "masked")
    if weighted and not attempt(weighted, False, lambda i: ""):
        for option in dict.fromkeys(i["row"].option for i in weighted):
            attempt([i for i in weighted if i["row"].option == option], False, lambda i: "")
    if not attempt(plain, True, lambda i: kinds[id(i)]):
        attempt([i for i in plain if kinds[id(i)] == "primary"], True, lambda i: "primary")
    return [i for i in family.rows if i["row"] != before[id(i)]]


def related_options(family, option: str) -> set[str]:
    """Options whose rows share counts with ``option`` (top2 and its levels)."""
    if option == "top2":
        return {"top2", *family.top2}
    return {option, "top2"} if option in family.top2 else {option}


def next_cell(family, finding: dict):
    """The shown breakdown cell to hide next: beside the exposed one (same option or subgroup), smallest count."""
    options = related_options(family, finding["option"])

    def rank(item):
        row = item["row"]
        near = item["unit"] == finding["unit"] and (row.option in options or row.subgroup == finding["subgroup"])
        return (not near, row.group != finding["group"], row.count, item["position"])

    shown = [i for i in family.rows
             if not i["row"].suppressed and i["row"].weighting == "none" and i["row"].subgroup != "all"]
    return min(shown, key=rank) if shown else None


# ---- what the pages say about a hidden cell ------------------------------------------------


def label(kind: str, min_cell: int) -> str:
    """French label of a hidden cell: why it is hidden, without saying more than the audit allows."""
    if kind == "primary":
        return f"moins de {min_cell} réponses"
    if kind == "secondary":
        return "masqué pour protéger une autre case"
    return "masqué"


def hidden_involved(table: pd.DataFrame, question_id: str, group: str, subgroups, options) -> bool:
    """True when any cell behind a number (question, group, subgroups, options) is hidden.

    A number computed from such cells — a difference, a test statistic, a
    p-value, a claim's recomputed value — would give the hidden cells back.
    ``options`` are codes (scale levels as strings); top-2 rows count as their levels.
    """
    options = {str(o) for o in ([options] if isinstance(options, (str, int)) else options)}
    rows = table[(table["question_id"] == question_id) & (table["group"] == group)
                 & table["subgroup"].isin(list(subgroups)) & (table["weighting"] == "none")]
    rows = rows[rows["option"].isin(options)]
    return bool(rows["suppressed"].any())


def hidden_claim(table: pd.DataFrame, claim: dict) -> bool:
    """True when a claim's recomputed value (a survey share in one promotion) rests on a hidden cell.

    Whole-group values are top lines, public by design; a promotion-level value
    is a sum of that promotion's cells and must be masked when one of them is
    hidden (``helpers.claims`` calls this with the published indicator table).
    """
    promotion = claim.get("promotion")
    if claim.get("source", "survey") != "survey" or not isinstance(promotion, int) or "question_id" not in claim:
        return False
    return hidden_involved(table, claim["question_id"], claim["group"], [f"promotion={promotion}"],
                           claim.get("options", ()))
