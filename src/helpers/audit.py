"""Disclosure audit: what an attacker can derive about each hidden cell from everything published.

Suppressing small cells is not enough when the published numbers, taken
together, pin a hidden cell down: a weighted top line, the unweighted one and
the promotion bases are equations in the hidden promotion counts. This module
plays the attacker, as τ-ARGUS and sdcTable audit a secondary suppression: for
each hidden cell it computes, by integer linear programming
(``scipy.optimize.milp``, HiGHS), the range of counts consistent with every
published number about its question.

What the attacker is given (everything a run publishes about a question):

* the unknowns: for each (unit, group, promotion) stratum and each option, the
  number of respondents (or challenges) who chose it; integers between 0 and
  the stratum's base; the options of a single-choice question or the levels of
  a scale add up to the base;
* every row of the indicator tables shown (``suppressed`` false): an
  unweighted count is an exact linear equation; a weighted share (and its
  ``count = share × base``) is published with 6 significant digits, so it is a
  pair of inequalities ``value ± half a unit of the last digit`` on the
  post-stratified mean — coefficients ``N(g, p) / (n(g, p) · ΣN)`` from the
  public head counts and the published bases; top-2 rows are sums of levels;
  ``both`` rows are ``eig + mentor``;
* every label of a hidden cell: "moins de 3 réponses" (primary) says
  count < ``min_cell``; "masqué pour protéger une autre case" (secondary) says
  count ≥ ``min_cell`` (plain "masqué" says nothing);
* the challenge-level table (one vote per challenge): where a promotion has as
  many answering challenges as answering respondents, every challenge has one
  respondent and its votes *are* the respondent counts (a challenge's
  respondents share its promotion: the programme recruits by promotion);
  otherwise the votes are unknowns of their own.

Figures, data tables, sentences and claims show values of these tables
(rounded) or functions of them: they add no equation, provided that no page
prints a number the tables hide (``helpers.disclosure.hidden_involved`` is
how a caller checks that).

The rule (INSEE's: no cell under 3 units may be published directly or by
differencing): a hidden cell is protected when its range holds at least two
values; a primary cell (count or base under ``min_cell``), or one labelled
plain "masqué", when its range spans at least ``min_cell`` values, or every
value its base allows when the base is smaller (``min(min_cell, base + 1)``).
One bound is not the suppression's to keep: the whole-group top lines are
published by design (of both units), and what they alone say about a
breakdown — a top line of 0 says every promotion has 0, a top line of 1 leaves
two values — is their statement. The requirement is then capped by the
*baseline*: the range the top lines, the bases and the links between units
leave without any breakdown row (computed only for cells that miss the rule).
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

import highspy
import numpy as np
import pandas as pd
from scipy import sparse

from helpers.codebook import MEMBERS

EXCLUSIVE = ("scale", "single", "yes_no", "yes_no_dk")
WITNESSES = 4  # optimisations in random directions before the per-cell ones
DIGITS = 6  # significant digits of a float in the published CSV (helpers.outputs.write_csv)
RESULT_COLUMNS = ["unit", "question_id", "group", "subgroup", "weighting", "option", "kind", "base",
                  "low", "high", "required", "protected"]


class AuditError(RuntimeError):
    """A hidden cell can be narrowed down from what is published (or the tables contradict themselves)."""


def published(value: float) -> float:
    """The value as the CSV prints it (``%.6g``)."""
    return float(f"{value:.{DIGITS}g}")


def half_unit(value: float) -> float:
    """Half a unit of the last printed digit of ``value`` (its rounding error bound)."""
    return 0.5 * 10.0 ** (math.floor(math.log10(abs(value))) - DIGITS + 1)


def required_span(kind: str, base: int, min_cell: int) -> int:
    """How many values a hidden cell's range must hold (see the module docstring).

    A cell labelled plain "masqué" may be primary as far as a reader knows: it gets the primary rule.
    """
    if kind in ("primary", "masked"):
        return max(2, min(min_cell, int(base) + 1))
    return 2


# ---- one question's unknowns and equations --------------------------------------


@dataclass
class Family:
    """The unknowns of one question (one or both groups, one or both units) and what constrains them."""

    question_id: str
    exclusive: bool
    top2: tuple[str, ...]
    variables: dict = field(default_factory=dict)  # (unit, group, stratum, option) → index
    upper: list = field(default_factory=list)
    equalities: list = field(default_factory=list)  # (coefficients {index: a}, value)
    rows: list = field(default_factory=list)  # one dict per published row: unit, index, form, …
    pool: list = field(default_factory=list)  # answer sets found so far (witnesses)
    exposed: list = field(default_factory=list)  # (unit, position) of cells found exposed, most recent last
    baseline: dict = field(default_factory=dict)  # (unit, position) → span the top lines leave

    def var(self, key, base: int) -> int:
        if key not in self.variables:
            self.variables[key] = len(self.upper)
            self.upper.append(int(base))
        return self.variables[key]


def strata_of(rows) -> dict[str, int]:
    """Base of each stratum of one (unit, group) (its rows): its promotions, and ``?`` for an unknown promotion."""
    bases: dict[str, int] = {}
    for row in rows:
        if row.weighting == "none" and row.subgroup not in bases:
            bases[row.subgroup] = int(row.base)
    total = bases.pop("all", 0)
    rest = total - sum(bases.values())
    if rest > 0:
        bases["?"] = rest
    return bases


def build_family(question, parts: dict[str, list], pops: dict, options=None) -> Family:
    """The family of one question from its rows in each unit's table (``parts[unit]``: (position, row) pairs).

    ``options`` restricts it to some options (a multi-choice option is a family of its own).
    """
    if options is None:
        options = [str(level) for level in question.levels] if question.type == "scale" else list(question.codes)
    family = Family(question.id, question.type in EXCLUSIVE, tuple(str(level) for level in question.top2))
    strata: dict[tuple[str, str], dict[str, int]] = {}
    for unit, rows in parts.items():
        for group, members in _grouped(rows, "group").items():
            if unit == "respondent" and group == "both":
                continue  # the pooled rows are sums of the two groups' unknowns
            strata[(unit, group)] = strata_of(row for _, row in members)
    for (unit, group), bases in strata.items():
        for stratum, base in bases.items():
            indices = [family.var((unit, group, stratum, o), base) for o in options]
            if family.exclusive:
                family.equalities.append(({i: 1.0 for i in indices}, float(base)))
    link_units(family, strata, options)
    for unit, rows in parts.items():
        for position, row in rows:
            family.rows.append(row_form(family, strata, unit, position, row, pops))
    return family


def _grouped(rows: list, column: str) -> dict:
    """(position, row) pairs by the value of ``column``, in order of first appearance (``groupby(sort=False)``)."""
    out: dict = {}
    for item in rows:
        out.setdefault(getattr(item[1], column), []).append(item)
    return out


def link_units(family: Family, strata: dict, options: list[str]) -> None:
    """A challenge-level stratum with one respondent per challenge equals the respondent counts."""
    for (unit, group), bases in strata.items():
        if unit != "defi":
            continue
        sources = MEMBERS[group]
        for stratum, base in bases.items():
            people = [strata.get(("respondent", g), {}).get(stratum) for g in sources]
            if None in people or sum(people) != base:
                continue
            for o in options:
                form = {family.variables[("defi", group, stratum, o)]: 1.0}
                for g in sources:
                    form[family.variables[("respondent", g, stratum, o)]] = -1.0
                family.equalities.append((form, 0.0))


def row_form(family: Family, strata: dict, unit: str, position, row, pops: dict) -> dict:
    """One published row as a linear form over the family's unknowns."""
    groups = MEMBERS[row.group] if unit == "respondent" else (row.group,)
    options = family.top2 if row.option == "top2" else (row.option,)
    cells = []  # (group, stratum)
    for g in groups:
        bases = strata.get((unit, g), {})
        cells.extend((g, s) for s in (bases if row.subgroup == "all" else [row.subgroup]) if s in bases)
    weights = {}
    if row.weighting == "promotion":
        answered = [(g, s) for g, s in cells if strata[(unit, g)][s] > 0]
        if any(s == "?" for _, s in answered):
            raise AuditError(f"{family.question_id}: weighted row with respondents of unknown promotion")
        total = sum(pops[(g, int(s.split("=")[1]))] for g, s in answered)
        weights = {(g, s): pops[(g, int(s.split("=")[1]))] / (strata[(unit, g)][s] * total) for g, s in answered}
    form: dict[int, float] = {}
    for g, s in cells:
        coefficient = weights.get((g, s), 0.0) if row.weighting == "promotion" else 1.0
        for o in options:
            index = family.variables[(unit, g, s, o)]
            form[index] = form.get(index, 0.0) + coefficient
    return {"unit": unit, "position": position, "form": form, "row": row}


# ---- constraints and ranges --------------------------------------------------------


def constraints(family: Family, rows: list[dict], min_cell: int, *,
                weighted: bool = True) -> tuple[list[dict], list[float], list[float]]:
    """(forms, lower, upper) of every equation and inequality the attacker can write."""
    forms, low, high = [], [], []

    def add(form, lo, hi):
        forms.append(form)
        low.append(lo)
        high.append(hi)

    for form, value in family.equalities:
        add(form, value, value)
    for item in rows:
        row = item["row"]
        if row.weighting == "none":
            if not row.suppressed and row.count == row.count:
                add(item["form"], float(round(row.count)), float(round(row.count)))
            elif row.suppression == "primary" and row.base >= min_cell:
                add(item["form"], 0.0, float(min_cell - 1))
            elif row.suppression == "secondary":
                add(item["form"], float(min_cell), np.inf)
        elif weighted and not row.suppressed:
            for value, scale in ((row.share, 1.0), (row.count, float(row.base))):
                if value != value:  # NaN: nobody answered, nothing published
                    continue
                value = published(value)
                if value == 0:  # positive coefficients: every count in the form is 0
                    add({i: 1.0 for i in item["form"]}, 0.0, 0.0)
                    break
                tol = half_unit(value)
                add({i: a * scale / tol for i, a in item["form"].items()}, value / tol - 1, value / tol + 1)
    return forms, low, high


def matrix(forms: list[dict], n: int) -> np.ndarray:
    out = np.zeros((len(forms), n))
    for r, form in enumerate(forms):
        for i, a in form.items():
            out[r, i] += a
    return out


class Solver:
    """Minimise linear forms over the integer points the published numbers allow.

    One HiGHS model per set of constraints (``highspy``, the solver behind
    ``scipy.optimize.milp``), kept loaded: each optimisation only changes the
    objective, which keeps an audit to a few seconds.
    """

    def __init__(self, family: Family, forms, low, high):
        self.n = len(family.upper)
        self.family = family
        self.upper = np.asarray(family.upper, float)
        a = matrix(forms, self.n)
        self.a, self.low, self.high = a, np.asarray(low, float), np.asarray(high, float)
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = self.n, len(forms)
        lp.col_cost_, lp.col_lower_, lp.col_upper_ = np.zeros(self.n), np.zeros(self.n), self.upper
        lp.row_lower_ = np.where(np.isinf(self.low), -highspy.kHighsInf, self.low)
        lp.row_upper_ = np.where(np.isinf(self.high), highspy.kHighsInf, self.high)
        columns = sparse.csc_array(a) if len(forms) else sparse.csc_array((0, self.n))
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = (
            columns.indptr, columns.indices, columns.data)
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("threads", 1)
        self.highs.setOptionValue("mip_heuristic_effort", 0.0)  # tiny models: branching alone is faster
        self.highs.passModel(lp)
        self.columns = np.arange(self.n, dtype=np.int32)
        self.integer_type = np.full(self.n, highspy.HighsVarType.kInteger)
        self.continuous = np.full(self.n, highspy.HighsVarType.kContinuous)

    def allows(self, xs: np.ndarray) -> np.ndarray:
        """Which answer sets (rows of ``xs``) satisfy every constraint: the witnesses still valid."""
        v = xs @ self.a.T
        inside = (v >= self.low - 1e-6) & (v <= self.high + 1e-6)
        return inside.all(axis=1) & (xs >= 0).all(axis=1) & (xs <= self.upper).all(axis=1)

    def relaxed(self, c: np.ndarray) -> tuple[float, np.ndarray | None]:
        """The linear relaxation's minimum of ``c · x`` (``-inf`` when it has none) and its optimum if integral.

        An integral optimum is the integer optimum (the usual case for sums over a
        two-way table, whose matrix is totally unimodular).
        """
        self.highs.changeColsCost(self.n, self.columns, np.asarray(c, float))
        self.highs.run()
        if self.highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return -np.inf, None
        x = np.asarray(self.highs.getSolution().col_value)
        return float(np.asarray(c, float) @ x), (np.round(x) if np.all(np.abs(x - np.round(x)) < 1e-7) else None)

    def integer(self, c: np.ndarray) -> np.ndarray:
        """An answer set minimising ``c · x`` over the integers."""
        self.highs.changeColsCost(self.n, self.columns, np.asarray(c, float))
        self.highs.changeColsIntegrality(self.n, self.columns, self.integer_type)
        self.highs.run()
        status = self.highs.getModelStatus()
        x = np.round(np.asarray(self.highs.getSolution().col_value))
        self.highs.changeColsIntegrality(self.n, self.columns, self.continuous)
        if status != highspy.HighsModelStatus.kOptimal:
            raise AuditError(f"{self.family.question_id}: the published values admit no answer set "
                             f"({self.highs.modelStatusToString(status)}); check that the tables come from one run")
        return x

    def extreme(self, c: np.ndarray) -> np.ndarray:
        """An answer set minimising ``c · x``: the linear relaxation's when integral, else the integer program's."""
        _, x = self.relaxed(c)
        return x if x is not None else self.integer(c)


class Trial:
    """The hidden unweighted cells of one family under its current rows, and what is known of their ranges.

    Every answer set found is kept as a witness (``family.pool``) and reused
    while it satisfies the current constraints: a cell whose witnessed range
    already holds enough values needs no optimisation.
    """

    def __init__(self, family: Family, min_cell: int, *, exact: bool = False):
        self.family, self.min_cell = family, min_cell
        self.hidden = [item for item in family.rows if item["row"].suppressed and item["row"].weighting == "none"]
        if not self.hidden:
            return
        self.solver = Solver(family, *constraints(family, family.rows, min_cell))
        self.values = matrix([item["form"] for item in self.hidden], self.solver.n)
        self.need = np.array([required_span(item["row"].suppression, item["row"].base, min_cell)
                              for item in self.hidden])
        pool = np.array(family.pool) if family.pool and not exact else np.zeros((0, self.solver.n))
        seen = self.values @ pool[self.solver.allows(pool)].T
        self.low = seen.min(axis=1, initial=np.inf)
        self.high = seen.max(axis=1, initial=-np.inf)
        self.baseline = None

    def witness(self, x: np.ndarray) -> None:
        self.family.pool.append(x)
        v = self.values @ x
        np.minimum(self.low, v, out=self.low)
        np.maximum(self.high, v, out=self.high)

    def short(self, k: int) -> bool:
        """Cell ``k``'s witnessed range holds fewer values than it must."""
        return self.high[k] - self.low[k] + 1 < self.need[k]

    def spread(self) -> None:
        """A few optimisations in random directions (deterministic), when some cell is short."""
        if any(self.short(k) for k in range(len(self.hidden))):
            rng = np.random.default_rng(len(self.hidden))
            for _ in range(WITNESSES):
                self.witness(self.solver.extreme(rng.choice([-1.0, 1.0], size=len(self.hidden)) @ self.values))

    def cap(self, k: int) -> None:
        """Lower cell ``k``'s requirement to the span the top lines alone leave (the *baseline*)."""
        key = (self.hidden[k]["unit"], self.hidden[k]["position"])
        if key not in self.family.baseline:
            if self.baseline is None:
                self.baseline = Solver(self.family, *constraints(self.family, top_lines(self.family), self.min_cell,
                                                                 weighted=False))
            low, high = (float(self.values[k] @ self.baseline.extreme(sign * self.values[k])) for sign in (1.0, -1.0))
            self.family.baseline[key] = int(high - low) + 1
        self.need[k] = min(self.need[k], self.family.baseline[key])

    def decide(self, k: int) -> None:
        """Cell ``k``'s true minimum and maximum, then its requirement capped if it is still short."""
        self.witness(self.solver.extreme(self.values[k]))
        self.witness(self.solver.extreme(-self.values[k]))
        if self.short(k):
            self.cap(k)

    def narrowed(self, k: int) -> bool:
        """Whether cell ``k`` is narrowed down too far: the verdict of :meth:`decide`, with fewer optimisations.

        The integer range lies within the linear relaxation's, so a relaxation too
        narrow convicts without an integer program; the integer programs run only
        for a fractional relaxation, and the maximum only while the minimum leaves
        the cell short. ``low``/``high`` are then witnessed values (protected) or
        bounds that hold the whole range (exposed).
        """
        if not self.short(k):
            return False
        c = self.values[k]
        lowest, x = self.solver.relaxed(c)
        if x is not None:
            self.witness(x)
        highest, y = self.solver.relaxed(-c)
        if y is not None:
            self.witness(y)
        if np.isfinite([lowest, highest]).all():
            bottom, top = math.ceil(lowest - 1e-6), math.floor(-highest + 1e-6)
            if top - bottom + 1 < self.need[k]:
                self.cap(k)
                if top - bottom + 1 < self.need[k]:
                    self.low[k], self.high[k] = bottom, top  # bounds that hold the cell's whole range
                    return True
        if x is None:
            self.witness(self.solver.integer(c))
        if self.short(k) and y is None:
            self.witness(self.solver.integer(-c))
        if self.short(k):
            self.cap(k)
        return self.short(k)

    def finding(self, k: int) -> dict:
        item, row = self.hidden[k], self.hidden[k]["row"]
        return {
            "unit": item["unit"], "question_id": self.family.question_id, "group": row.group,
            "subgroup": row.subgroup, "weighting": row.weighting, "option": row.option,
            "kind": row.suppression, "base": int(row.base), "low": int(self.low[k]), "high": int(self.high[k]),
            "required": int(self.need[k]), "protected": not self.short(k), "position": item["position"],
        }  # fmt: skip


def audit_family(family: Family, min_cell: int, *, exact: bool = False) -> list[dict]:
    """Range of every hidden unweighted cell of one family, and its verdict.

    Witnesses first (the pool, then a few random directions), then each short
    cell's true minimum and maximum. The verdict is exact; with ``exact=False``,
    ``low``/``high`` of a protected cell may be only the witnessed part of its range.
    """
    trial = Trial(family, min_cell, exact=exact)
    if not trial.hidden:
        return []
    if not exact:
        trial.spread()
    for k in range(len(trial.hidden)):
        if exact or trial.short(k):
            trial.decide(k)
    return [trial.finding(k) for k in range(len(trial.hidden))]


def exposed(family: Family, min_cell: int, *, first: bool = False) -> dict | None:
    """A hidden cell of the family narrowed down too far (as :func:`audit_family` finds them), or None.

    The yes/no question secondary suppression asks after each change. With
    ``first``, the first such cell in table order; otherwise the cells found
    exposed by earlier calls are tried first (a change given back usually
    exposes the same cell again). The finding's ``low``/``high`` are bounds,
    not the exact range (:func:`audit_family` with ``exact=True`` gives it).
    """
    trial = Trial(family, min_cell)
    if not trial.hidden:
        return None
    keys = [(item["unit"], item["position"]) for item in trial.hidden]
    suspects = [] if first else [keys.index(key) for key in reversed(family.exposed) if key in keys]
    found = next((k for k in suspects if trial.narrowed(k)), None)
    if found is None:
        found = next((k for k in range(len(keys)) if trial.narrowed(k)), None)
    if found is None:
        return None
    if keys[found] in family.exposed:
        family.exposed.remove(keys[found])
    family.exposed.append(keys[found])
    return trial.finding(found)


def top_lines(family: Family) -> list[dict]:
    """The whole-group unweighted rows: published by design, never suppressed."""
    return [i for i in family.rows if i["row"].subgroup == "all" and i["row"].weighting == "none"
            and not i["row"].suppressed]


# ---- whole tables ---------------------------------------------------------------------


def question_for(codebooks, question_id: str, groups) -> object:
    source = "eig" if "both" in groups or "eig" in groups else "mentor"
    return codebooks[source][question_id]


def families(tables: dict[str, pd.DataFrame], codebooks, pops: dict) -> list[Family]:
    """One family per question and set of linked groups (``both`` links eig and mentors)."""
    # Rows read once per table as (position, row) pairs: filtering frames per question and group
    # cost more than the audit's optimisations on the sample.
    parts: dict[tuple, dict[str, list]] = {}
    for unit, table in tables.items():
        pairs = list(zip(table.index, table.itertuples(index=False)))
        for qid, rows in _grouped(pairs, "question_id").items():
            pooled = any(row.group == "both" for _, row in rows)
            for group, sub in ({"*": rows} if pooled else _grouped(rows, "group")).items():
                parts.setdefault((qid, group), {})[unit] = sub
    out = []
    for (qid, group), by_unit in parts.items():
        groups = {row.group for rows in by_unit.values() for _, row in rows}
        question = question_for(codebooks, qid, groups)
        if question.type in EXCLUSIVE:
            out.append(build_family(question, by_unit, pops))
            continue
        for option in question.codes:  # no sum links the options of a multi-choice question
            alone = {unit: [(p, row) for p, row in rows if row.option == option] for unit, rows in by_unit.items()}
            out.append(build_family(question, alone, pops, [option]))
    return out


def audit(tables: dict[str, pd.DataFrame], codebooks, pops: dict, min_cell: int, *,
          exact: bool = False) -> pd.DataFrame:
    """One row per hidden unweighted cell of the tables: its range and whether it is protected."""
    rows = []
    for family in families(tables, codebooks, pops):
        rows.extend(audit_family(family, min_cell, exact=exact))
    frame = pd.DataFrame(rows, columns=RESULT_COLUMNS + ["position"])
    return frame.drop(columns="position")


def describe(finding) -> str:
    """One line naming the question and the cell an attacker narrows down."""
    interval = (f"exactly {finding['low']}" if finding["low"] == finding["high"]
                else f"between {finding['low']} and {finding['high']}")
    return (f"{finding['question_id']} ({finding['unit']}, {finding['group']}, {finding['subgroup']}, "
            f"option {finding['option']}, {finding['kind']}): the published numbers give {interval}; "
            f"a range of at least {finding['required']} values is required")


def check(findings: pd.DataFrame) -> None:
    """Raise :class:`AuditError` naming every unprotected cell."""
    bad = findings[~findings["protected"].astype(bool)]
    if len(bad):
        lines = [describe(r) for _, r in bad.iterrows()]
        raise AuditError(f"disclosure audit failed: {len(bad)} hidden cell(s) can be narrowed down\n  "
                         + "\n  ".join(lines))


def read_table(path: Path) -> pd.DataFrame:
    """A published indicator CSV as the audit reads it (an attacker's copy)."""
    frame = pd.read_csv(path, dtype={"question_id": str, "option": str, "group": str, "subgroup": str,
                                     "weighting": str, "suppression": str}, keep_default_na=False,
                        na_values={"count": [""], "share": [""], "ci_low": [""], "ci_high": [""]})
    frame["suppressed"] = frame["suppressed"].astype(str).str.lower() == "true"
    return frame


def main(argv: list[str] | None = None) -> int:
    """``python -m helpers audit --tables OUT/tables --min-cell 3``: audit the published CSVs."""
    from helpers import outputs
    from helpers.codebook import load_codebooks
    from helpers.headcounts import populations

    parser = argparse.ArgumentParser(prog="python -m helpers audit", description=__doc__.splitlines()[0])
    parser.add_argument("--tables", required=True, type=Path, help="directory holding indicators*.csv")
    parser.add_argument("--min-cell", type=int, default=3)
    args = parser.parse_args(argv)
    if args.min_cell <= 0:
        print("audit skipped: MIN_CELL=0 (private exploration, nothing suppressed, not for release)")
        return 0
    tables = {unit: read_table(args.tables / name)
              for unit, name in (("respondent", "indicators.csv"), ("defi", "indicators-defi.csv"))
              if (args.tables / name).exists()}
    if "respondent" not in tables:
        print(f"error: {args.tables / 'indicators.csv'} not found: run `python -m helpers tables` first",
              file=sys.stderr)
        return 2
    findings = audit(tables, load_codebooks(), populations(), args.min_cell)
    try:
        check(findings)
    except AuditError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    outputs.write_csv(findings, args.tables / "audit.csv")
    counts = findings["kind"].value_counts()
    print(f"disclosure audit passed: {len(findings)} hidden cells ({counts.get('primary', 0)} primary, "
          f"{counts.get('secondary', 0)} secondary), none narrowed down")
    return 0
