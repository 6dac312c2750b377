"""Indicators of the survey, driven by the codebook: one long table, every share with its base.

For each counted question (scale, single, yes/no, multi) and each option: the
share of respondents who chose it, among those who *answered the question*
(the base; non-answers are counted apart in ``missing``, never as "no"). A
multi-choice question counts as answered when any of its option columns is
filled. Scales also get ``option="top2"``: the two highest levels of the
declared scale (4–5 on 0–5 or 1–5, 3–4 on 0–4).

Rows exist per group (``eig``, ``mentor``, and ``both`` pooled for the ids of
``codebook.poolable``) and per subgroup (``all``, then ``promotion=N``).
Intervals are Wilson (or Clopper–Pearson) at the requested level, never Wald.

Weighted rows (``weighting="promotion"``, see ``helpers.weighting``) are given
for ``subgroup="all"`` only — within one promotion the weights are constant —
and read: ``base`` = unweighted respondents who answered, ``share`` = weighted
share, ``count`` = share × base (not an integer: a rescaled head count),
``n_eff`` = Kish effective size, the interval being Wilson/Clopper–Pearson on
``share`` with ``n_eff`` trials. Unweighted rows have ``n_eff = base``.

``unit="defi"`` is the challenge-level sensitivity reading: one vote per
challenge (see :func:`defi_votes`); it is unweighted (the weights represent
people, not challenges). When no respondent names a challenge it raises
:class:`NoChallengeError` rather than return the respondent reading relabelled.

Respondents are read once per question (one ``bincount`` per stratum ×
answer); every row is then a sum over strata (see :class:`Tally`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.cache import fingerprint, memoized, survey_digest
from helpers.codebook import GROUPS, INDICATOR_GROUPS, MEMBERS, Question, poolable
from helpers.disclosure import protect, suppress
from helpers.headcounts import populations
from helpers.intervals import check_confidence, check_method, proportion_interval
from helpers.nonresponse import COLUMNS as NONRESPONSE_COLUMNS
from helpers.nonresponse import add_bounds, group_promotions, manski_bounds, row_populations
from helpers.weighting import kish_n_eff, stratum_weights, weighted_shares

COUNTED = ("scale", "single", "yes_no", "yes_no_dk", "multi")
EXCLUSIVE = ("scale", "single", "yes_no", "yes_no_dk")
TOP2 = "top2"
UNITS = ("respondent", "defi")
WEIGHTINGS = ("none", "promotion")
COLUMNS = [
    "question_id", "option", "group", "subgroup", "weighting", "base", "count",
    "share", "ci_low", "ci_high", "suppressed", "missing", "n_eff", "suppression", *NONRESPONSE_COLUMNS,
]  # fmt: skip


# ---- answers as matrices ----------------------------------------------------


def option_codes(question: Question) -> tuple[str, ...]:
    """Codes of the options as they appear in the table (scale levels as "0".."5")."""
    if question.type == "scale":
        return tuple(str(level) for level in question.levels)
    return question.codes


def option_indices(question: Question, options) -> list[int]:
    """Columns of ``answer_matrix`` for the given codes (a code, or several; ints for scale levels)."""
    known = option_codes(question)
    wanted = [str(o) for o in ([options] if isinstance(options, (str, int)) else options)]
    unknown = [o for o in wanted if o not in known]
    if unknown or not wanted:
        raise ValueError(f"{question.id}: options {unknown or wanted} not among {', '.join(known)}")
    return [known.index(o) for o in wanted]


def categorical(frame: pd.DataFrame, question: Question) -> pd.Series:
    column = frame[question.id]
    if not isinstance(column.dtype, pd.CategoricalDtype):
        raise TypeError(f"column {question.id!r} must be categorical (tidy frame contract), not {column.dtype}")
    return column


def answer_matrix(frame: pd.DataFrame, question: Question) -> tuple[np.ndarray, np.ndarray]:
    """(answered, chosen): who answered, and who chose each option (rows × options, codebook order)."""
    if question.type == "multi":
        columns = [frame[c] for c in question.columns]
        answered = np.logical_or.reduce([c.notna().to_numpy(bool) for c in columns])
        chosen = np.column_stack([c.to_numpy(dtype=bool, na_value=False) for c in columns])
        return answered, chosen
    column = categorical(frame, question)
    categories = [str(c) for c in column.cat.categories]
    lookup = np.array([categories.index(o) if o in categories else -2 for o in option_codes(question)])
    codes = column.cat.codes.to_numpy()
    return codes >= 0, codes[:, None] == lookup[None, :]


# ---- respondents, groups and units --------------------------------------------


def restrict(frame: pd.DataFrame, promotions: Iterable[int] | int | None) -> pd.DataFrame:
    """Respondents of the listed promotions (all respondents when None)."""
    if promotions is None:
        return frame
    wanted = [int(promotions)] if np.isscalar(promotions) else [int(p) for p in promotions]
    return frame[frame["promotion"].isin(wanted).fillna(False).to_numpy(bool)]


def group_frame(survey, group: str, promotions=None) -> pd.DataFrame:
    """A group's respondents (``both``: EIG then mentors, on the poolable questions)."""
    if group not in INDICATOR_GROUPS:
        raise ValueError(f"group must be one of {', '.join(INDICATOR_GROUPS)}, not {group!r}")
    if group != "both":
        return restrict(survey.frames[group], promotions)
    shared = ["respondent_id", "promotion", "defi"]
    for qid in poolable(survey.codebooks):
        shared.extend(survey.codebooks["eig"][qid].columns)
    parts = [restrict(survey.frames[g], promotions)[shared] for g in MEMBERS["both"]]
    return pd.concat(parts, ignore_index=True)


def group_questions(survey, group: str) -> list[Question]:
    """Counted questions of a group, in codebook order (``both``: the poolable ones)."""
    if group == "both":
        pooled = set(poolable(survey.codebooks))
        return [q for q in survey.codebooks["eig"] if q.id in pooled and q.type in COUNTED]
    return [q for q in survey.codebooks[group] if q.type in COUNTED]


def question_of(survey, group: str, question_id: str) -> Question:
    """The question as ``group`` was asked it; ``both`` refuses a question not asked identically to both."""
    if group == "both":
        if question_id not in poolable(survey.codebooks):
            raise ValueError(f"{question_id!r} is not asked identically to both groups: no pooled share")
        return survey.codebooks["eig"][question_id]
    return survey.codebooks[group][question_id]


def unit_keys(frame: pd.DataFrame) -> tuple[np.ndarray, pd.Index]:
    """Unit of each row: its challenge, or the respondent alone when the challenge is unknown."""
    key = frame["defi"].astype("string").fillna("respondent:" + frame["respondent_id"].astype("string"))
    return pd.factorize(key, sort=True)


def challenges_known(survey, promotions=None) -> bool:
    """True when at least one respondent of these promotions names a challenge (``defi``).

    Without any, the challenge-level reading would be the respondent-level one
    under another name: it is not available, and callers say so.
    """
    return any(restrict(frame, promotions)["defi"].notna().any() for frame in survey.frames.values())


class NoChallengeError(ValueError):
    """The challenge-level reading was asked of data that name no challenge."""


def defi_votes(frame: pd.DataFrame, questions: Iterable[Question]) -> pd.DataFrame:
    """One row per challenge: the modal answer of its respondents, as a tidy frame.

    Tie rule (deterministic): among equally frequent answers, the option first in
    codebook order wins — for a scale, the lowest level, which never inflates a
    top-2 share. Multi: an option is chosen when any respondent of the challenge
    chose it; the challenge answered when any respondent did. Respondents
    without a challenge are their own unit; a challenge's promotion is the
    lowest among its respondents (they agree in valid data).
    """
    codes, keys = unit_keys(frame)
    n = len(keys)
    promotion = frame["promotion"].groupby(codes).min().reindex(range(n))
    defi = frame["defi"].astype("string").groupby(codes).first().reindex(range(n))
    out = {
        "respondent_id": pd.array(keys, dtype="string"),
        "promotion": pd.array(promotion.to_numpy(), dtype="Int64"),
        "defi": pd.array(defi.to_numpy(), dtype="string"),
    }
    for question in questions:
        if question.type == "multi":
            out.update(multi_votes(frame, question, codes, n))
        elif question.type in EXCLUSIVE:
            out[question.id] = modal_vote(categorical(frame, question), codes, n)
    return pd.DataFrame(out)


def modal_vote(column: pd.Series, units: np.ndarray, n: int) -> pd.Categorical:
    """Most frequent category per unit (first category on ties; NA when nobody answered)."""
    k = len(column.cat.categories)
    codes = column.cat.codes.to_numpy().astype(np.int64)
    valid = codes >= 0
    votes = np.bincount(units[valid] * k + codes[valid], minlength=n * k).reshape(n, k)
    mode = np.where(votes.sum(axis=1) > 0, votes.argmax(axis=1), -1)
    return pd.Categorical.from_codes(mode, dtype=column.dtype)


def multi_votes(frame: pd.DataFrame, question: Question, units: np.ndarray, n: int) -> dict:
    """Per unit and option: chosen by any respondent of the unit (NA when none answered)."""
    answered, chosen = answer_matrix(frame, question)
    unit_answered = np.bincount(units[answered], minlength=n) > 0
    out = {}
    for j, column in enumerate(question.columns):
        votes = pd.array(np.bincount(units[chosen[:, j]], minlength=n) > 0, dtype="boolean")
        votes[~unit_answered] = pd.NA
        out[column] = votes
    return out


# ---- counting, per stratum --------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """Counts of one question per stratum (a (group, promotion) cell; promotion None if unknown).

    Every indicator — shares per subgroup, pooled group, weighted shares, Kish
    n_eff — is a sum over strata, so the respondents are read once per question.
    """

    strata: tuple[tuple[str, int | None], ...]
    answered: np.ndarray  # (strata,)
    missing: np.ndarray  # (strata,)
    chosen: np.ndarray  # (strata, options)

    def __add__(self, other: Tally) -> Tally:
        """Stack two groups' strata (the pooled ``both`` group)."""
        return Tally(
            self.strata + other.strata,
            np.concatenate([self.answered, other.answered]),
            np.concatenate([self.missing, other.missing]),
            np.vstack([self.chosen, other.chosen]),
        )


def stratify(frame: pd.DataFrame, group: str) -> tuple[np.ndarray, tuple[tuple[str, int | None], ...]]:
    """Stratum index of each row: its promotion's rank, unknown promotion last."""
    promotion = frame["promotion"].to_numpy(dtype="float64", na_value=np.nan)
    present = np.unique(promotion[~np.isnan(promotion)])
    codes = np.where(np.isnan(promotion), len(present), np.searchsorted(present, promotion))
    return codes.astype(np.int64), tuple((group, int(p)) for p in present) + ((group, None),)


def count_by_stratum(codes: np.ndarray, strata, answered: np.ndarray, chosen: np.ndarray) -> Tally:
    """Stratum counts from row-level booleans (answered rows, rows × options chosen)."""
    n = len(strata)
    total = np.bincount(codes, minlength=n)
    per_answered = np.bincount(codes[answered], minlength=n)
    per_chosen = np.column_stack([np.bincount(codes, weights=c, minlength=n) for c in chosen.T]).astype(np.int64)
    return Tally(tuple(strata), per_answered, total - per_answered, per_chosen.reshape(n, chosen.shape[1]))


def count_categorical(frame: pd.DataFrame, question: Question, codes: np.ndarray, strata) -> Tally:
    """One bincount over (stratum, answer) pairs; column 0 holds the non-answers."""
    column = categorical(frame, question)
    options = option_codes(question)
    categories = [str(c) for c in column.cat.categories]
    stray = [c for c in categories if c not in options]
    if stray:
        raise ValueError(f"{question.id}: categories {stray} are not options of the codebook")
    shift = np.array([0] + [options.index(c) + 1 for c in categories])  # code -1 (NA) → column 0
    answer = shift[column.cat.codes.to_numpy().astype(np.int64) + 1]
    n, width = len(strata), len(options) + 1
    table = np.bincount(codes * width + answer, minlength=n * width).reshape(n, width)
    return Tally(tuple(strata), table[:, 1:].sum(axis=1), table[:, 0], table[:, 1:])


def tally(frame: pd.DataFrame, question: Question, codes: np.ndarray, strata) -> Tally:
    """Per-stratum counts of a question, options in table order (top2 appended for a scale)."""
    if question.type == "multi":
        return count_by_stratum(codes, strata, *answer_matrix(frame, question))
    counts = count_categorical(frame, question, codes, strata)
    if question.type != "scale":
        return counts
    top2 = counts.chosen[:, -2:].sum(axis=1)  # levels are exclusive: the top-2 box is their sum
    return Tally(counts.strata, counts.answered, counts.missing, np.column_stack([counts.chosen, top2]))


def group_tallies(survey, promotions, unit: str) -> dict[str, dict[str, Tally]]:
    """Per group and question id, the stratum counts (``both`` stacks eig and mentor).

    At the challenge level ``both`` is counted on the pooled votes, so that a
    challenge's EIG and mentors cast one vote together.
    """
    out: dict[str, dict[str, Tally]] = {}
    for group in INDICATOR_GROUPS:
        questions = group_questions(survey, group)
        if group == "both" and unit == "respondent":
            out[group] = {q.id: out["eig"][q.id] + out["mentor"][q.id] for q in questions}
            continue
        frame = group_frame(survey, group, promotions)
        if unit == "defi":
            frame = defi_votes(frame, questions)
        codes, strata = stratify(frame, group)
        out[group] = {q.id: tally(frame, q, codes, strata) for q in questions}
    return out


# ---- rows -------------------------------------------------------------------


def subgroup_strata(strata) -> list[tuple[str, np.ndarray]]:
    """``all`` then one stratum mask per promotion present, in promotion order."""
    promotions = np.array([-1 if p is None else p for _, p in strata])
    masks = [("all", np.ones(len(strata), bool))]
    for p in sorted(set(promotions.tolist()) - {-1}):
        masks.append((f"promotion={p}", promotions == p))
    return masks


def cell(options, counts, shares, base, missing, n_eff) -> dict:
    k = len(options)
    return {
        "option": list(options),
        "base": np.full(k, int(base)),
        "count": np.asarray(counts, float),
        "share": np.asarray(shares, float),
        "missing": np.full(k, int(missing)),
        "n_eff": np.full(k, float(n_eff) if base else np.nan),  # nobody answered: no effective size
    }


def unweighted_cell(options, counts: Tally, mask: np.ndarray) -> dict:
    base = counts.answered[mask].sum()
    chosen = counts.chosen[mask].sum(axis=0)
    shares = chosen / base if base else np.full(len(options), np.nan)
    return cell(options, chosen, shares, base, counts.missing[mask].sum(), base)


def weighted_cell(options, counts: Tally, pops) -> dict:
    """Post-stratified shares over the answering respondents; count = share × base."""
    weights = stratum_weights(counts.strata, counts.answered, pops)
    shares = weighted_shares(counts.chosen, counts.answered, weights)
    base = counts.answered.sum()
    return cell(options, shares * base, shares, base, counts.missing.sum(), kish_n_eff(weights, counts.answered))


def question_rows(counts: Tally, question: Question, group: str, weigh: bool, pops) -> list[dict]:
    options = option_codes(question) + ((TOP2,) if question.type == "scale" else ())
    cells = []
    for name, mask in subgroup_strata(counts.strata):
        cells.append(({"subgroup": name, "weighting": "none"}, unweighted_cell(options, counts, mask)))
        if weigh and name == "all":
            cells.append(({"subgroup": name, "weighting": "promotion"}, weighted_cell(options, counts, pops)))
    return [{"question_id": question.id, "group": group, **labels, **values} for labels, values in cells]


def assemble(rows: list[dict]) -> pd.DataFrame:
    """One frame from the per-cell columns (labels broadcast to the cell's options)."""
    if not rows:
        return pd.DataFrame({c: [] for c in COLUMNS if c not in ("ci_low", "ci_high", "suppressed")})
    lengths = [len(r["option"]) for r in rows]
    out = {key: np.repeat([r[key] for r in rows], lengths) for key in ("question_id", "group", "subgroup", "weighting")}
    for key in ("option", "base", "count", "share", "missing", "n_eff"):
        out[key] = np.concatenate([r[key] for r in rows])
    return pd.DataFrame(out)


def add_intervals(table: pd.DataFrame, confidence: float, method: str, population=None) -> pd.DataFrame:
    """Wilson / Clopper–Pearson bounds; a weighted share counts as share × n_eff out of n_eff.

    ``population`` (head count per row, NaN where unknown) applies the finite
    population correction, the sampling fraction being base / N.
    """
    weighted = (table["weighting"] != "none").to_numpy(bool)
    n_eff = table["n_eff"].to_numpy(float)
    successes = np.where(weighted, table["share"].to_numpy(float) * n_eff, table["count"].to_numpy(float))
    respondents = None if population is None else table["base"].to_numpy(float)
    low, high = proportion_interval(successes, n_eff, confidence, method, population, respondents)
    return table.assign(ci_low=low, ci_high=high)


def disclosure_flags(table: pd.DataFrame, survey) -> tuple[np.ndarray, np.ndarray]:
    """Per row: option of an exclusive question (sums to the base); one of a scale's top-2 levels."""
    exclusive, top = set(), set()
    for group in GROUPS:
        for q in survey.codebooks[group]:
            label = "both" if group == "eig" else None
            for g in filter(None, (group, label)):
                if q.type in EXCLUSIVE:
                    exclusive.add((g, q.id))
                top.update((g, q.id, str(level)) for level in q.top2)
    keys = pd.MultiIndex.from_arrays([table["group"], table["question_id"]])
    is_exclusive = keys.isin(list(exclusive)) & (table["option"] != TOP2).to_numpy(bool)
    in_top2 = pd.MultiIndex.from_arrays([table["group"], table["question_id"], table["option"]]).isin(list(top))
    return np.asarray(is_exclusive, bool), np.asarray(in_top2, bool)


def finish(table: pd.DataFrame) -> pd.DataFrame:
    """Contract column order and dtypes."""
    strings = {c: "string" for c in ("question_id", "option", "group", "subgroup", "weighting", "suppression")}
    floats = {c: "float64" for c in ("count", "share", "ci_low", "ci_high", "n_eff", *NONRESPONSE_COLUMNS)}
    return table[COLUMNS].astype({**strings, **floats, "base": "int64", "missing": "int64", "suppressed": "bool"})


# ---- public API -------------------------------------------------------------


def indicator_table(
    survey,
    confidence: float = 0.95,
    method: str = "wilson",
    min_cell: int = 3,
    promotions=None,
    unit: str = "respondent",
    *,
    pops: dict | None = None,
    fpc: bool = True,
) -> pd.DataFrame:
    """The long indicator table (contract in docs/architecture.md), small cells suppressed.

    Row order: group (eig, mentor, both), question (codebook order), subgroup
    (all, then promotions), weighting (none, promotion), option (codebook order,
    top2 last). ``promotions`` keeps only those promotions' respondents first;
    ``pops`` overrides the head counts of ``helpers.headcounts.populations``.
    At the respondent level each row carries its head count (``population``)
    and non-response bounds (``helpers.nonresponse``); ``fpc`` applies the
    finite population correction to the intervals (``helpers.intervals``).
    One table of :func:`indicator_tables`: suppression is audited on both units together.
    """
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}, not {unit!r}")
    if unit == "defi" and not challenges_known(survey, promotions):
        raise NoChallengeError("no respondent names a challenge (column 'defi' absent or empty): "
                               "the challenge-level reading is not available for these data")
    return indicator_tables(survey, confidence, method, min_cell, promotions, pops=pops, fpc=fpc)[unit]


def indicator_tables(survey, confidence: float = 0.95, method: str = "wilson", min_cell: int = 3,
                     promotions=None, *, pops: dict | None = None, fpc: bool = True) -> dict[str, pd.DataFrame]:
    """The published tables, ``{"respondent": …, "defi": …}``, once the disclosure audit passes.

    The challenge-level votes equal the respondent counts wherever a challenge
    has one respondent, so the two tables are protected together
    (``helpers.disclosure.protect``). Without challenges there is no ``"defi"``
    table. Non-response bounds are added after protection: a hidden cell has none.
    """
    check_method(method)
    check_confidence(confidence)
    pops = populations() if pops is None else pops

    def compute() -> dict[str, pd.DataFrame]:
        units = UNITS if challenges_known(survey, promotions) else ("respondent",)
        raw, heads = {}, {}
        for unit in units:
            raw[unit], heads[unit] = unit_table(survey, confidence, method, min_cell, promotions, unit, pops, fpc)
        protected = protect(raw, survey.codebooks, pops, min_cell)
        return {unit: finish(add_bounds(table, heads[unit])) for unit, table in protected.items()}

    # Computed once per run and shared by its notebooks, tables and claims (helpers.cache).
    def key() -> str:
        return fingerprint(survey_digest(survey), confidence, method, min_cell, sorted(map(repr, promotions or ())),
                           sorted(pops.items()), fpc)

    return memoized("indicators", key, compute)


def unit_table(survey, confidence, method, min_cell, promotions, unit: str, pops, fpc: bool = True):
    """One unit's table with the first-pass suppression (primary, then sums), and each row's head count."""
    weigh = unit == "respondent"
    tallies = group_tallies(survey, promotions, unit)
    rows = []
    for group in INDICATOR_GROUPS:
        for question in group_questions(survey, group):
            rows.extend(question_rows(tallies[group][question.id], question, group, weigh, pops))
    table = assemble(rows)
    population = (row_populations(table, group_promotions(survey, promotions), pops) if weigh
                  else np.full(len(table), np.nan))
    table = add_intervals(table, confidence, method, population if fpc else None).assign(suppressed=False)
    exclusive, in_top2 = disclosure_flags(table, survey)
    return suppress(table, min_cell, exclusive, in_top2), population


def combined_share(
    survey,
    question_id: str,
    options,
    group: str = "eig",
    promotion=None,
    weighting: str = "none",
    confidence: float = 0.95,
    method: str = "wilson",
    *,
    pops: dict | None = None,
    fpc: bool = True,
) -> dict:
    """Share of answering respondents who chose ANY of ``options`` (e.g. ``question.top2``).

    Same base, weighting, interval (finite population correction when ``fpc``)
    and non-response bounds as the table; no small-cell suppression (callers
    quoting a promotion-level value must check ``base``).
    """
    check_method(method)
    check_confidence(confidence)
    if weighting not in WEIGHTINGS:
        raise ValueError(f"weighting must be one of {', '.join(WEIGHTINGS)}, not {weighting!r}")
    question = question_of(survey, group, question_id)
    columns = option_indices(question, options)
    counts = None
    for source in MEMBERS[group]:
        frame = restrict(survey.frames[source], promotion)
        answered, chosen = answer_matrix(frame, question)
        codes, strata = stratify(frame, source)
        part = count_by_stratum(codes, strata, answered, chosen[:, columns].any(axis=1, keepdims=True))
        counts = part if counts is None else counts + part
    pops = populations() if pops is None else pops
    if weighting == "none":
        values = unweighted_cell(("any",), counts, np.ones(len(counts.strata), bool))
        successes = values["count"][0]
    else:
        values = weighted_cell(("any",), counts, pops)
        successes = values["share"][0] * values["n_eff"][0]
    kept = group_promotions(survey, promotion)
    where = pd.DataFrame({"group": [group], "subgroup": ["all"]})
    population = float(row_populations(where, kept, pops)[0])
    low, high = proportion_interval(successes, values["n_eff"][0], confidence, method,
                                    population if fpc else None, values["base"][0])
    chosen = float(counts.chosen.sum())
    nr_low, nr_high = manski_bounds(chosen, values["base"][0], population)
    return {
        "base": int(values["base"][0]),
        "count": float(values["count"][0]),
        "share": float(values["share"][0]),
        "ci_low": low,
        "ci_high": high,
        "missing": int(values["missing"][0]),
        "n_eff": float(values["n_eff"][0]),
        "population": population,
        "nr_low": nr_low,
        "nr_high": nr_high,
    }


def scale_scores(column: pd.Series) -> np.ndarray:
    """Numeric level of each answer (NaN when missing)."""
    levels = np.asarray(column.cat.categories, dtype=float)
    codes = column.cat.codes.to_numpy()
    return np.where(codes >= 0, levels[np.maximum(codes, 0)], np.nan)
