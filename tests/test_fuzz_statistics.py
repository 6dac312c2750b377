"""Invariants of the published statistics on random data sets (Hypothesis).

Random surveys are drawn from the sample's respondents (any subset, repeated, promotions
reassigned, answers blanked), so every frame keeps the tidy contract while bases, counts
and promotion mixes vary freely, down to empty groups. Only public functions are called
(``indicator_table``, ``combined_share``, ``proportion_interval``, the weighting helpers).
"""

import os
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.cache import CACHE_ENV
from helpers.codebook import poolable
from helpers.indicators import EXCLUSIVE, indicator_table
from helpers.intervals import proportion_interval
from helpers.headcounts import populations
from helpers.weighting import kish_n_eff, stratum_weights, weighted_shares


@pytest.fixture(autouse=True, scope="module")
def no_run_cache():
    """Each drawn survey is computed once: storing it would only evict the shared results."""
    saved = os.environ.pop(CACHE_ENV, None)
    yield
    if saved is not None:
        os.environ[CACHE_ENV] = saved


EPS = 1e-9
#: A table costs a fraction of a second: a quarter of the profile's examples (10 by default, more in `make test-fuzz`).
TABLES = settings(max_examples=max(10, settings.default.max_examples // 4))
#: The audit-driven protection solves integer programs per question: a few examples by default.
PROTECTED = settings(max_examples=max(3, settings.default.max_examples // 20))
PROMOTIONS = (1, 2, 3)
#: Head counts large enough for any drawn survey (at most 30 per group): the loader refuses a
#: promotion with more respondents than people, so the tables may assume it (finite population correction).
ROOMY = {key: size + 30 for key, size in populations().items()}


@st.composite
def specs(draw):
    """Which sample rows each group keeps (repeats allowed), their promotions, and answers blanked."""
    spec = {"seed": draw(st.integers(0, 2**16)), "blank": draw(st.sampled_from([0.0, 0.3, 0.9]))}
    for group, size in (("eig", 21), ("mentor", 13)):
        rows = draw(st.lists(st.integers(0, size - 1), max_size=30))
        promos = draw(st.lists(st.sampled_from(PROMOTIONS), min_size=len(rows), max_size=len(rows)))
        spec[group] = list(zip(rows, promos))
    return spec


def build(sample, spec):
    """The survey a spec describes: tidy frames (contract of docs/architecture.md), any size from 0."""
    frames = {}
    rng = np.random.default_rng(spec["seed"])
    for group, frame in sample.frames.items():
        rows = [r % len(frame) for r, _ in spec[group]]
        part = frame.iloc[rows].reset_index(drop=True).copy()
        part["respondent_id"] = pd.array([f"{group}{i}" for i in range(len(part))], dtype="string")
        part["promotion"] = pd.array([p for _, p in spec[group]], dtype="Int64")
        for question in sample.codebooks[group]:
            hide = rng.random(len(part)) < spec["blank"]
            if question.type == "multi":
                for column in question.columns:
                    part.loc[hide, column] = pd.NA
            elif question.type in EXCLUSIVE:
                part[question.id] = part[question.id].mask(hide)
        frames[group] = part
    return replace(sample, frames=frames)


def _shown(table):
    return table[~table["suppressed"] & (table["base"] > 0)]


# ---- intervals and weighting, on numbers -------------------------------------------------


@given(st.integers(0, 500), st.integers(0, 500), st.floats(0.5, 0.999), st.sampled_from(["wilson", "beta"]))
def test_interval_contains_the_share_and_stays_in_0_1(count, extra, confidence, method):
    base = count + extra
    low, high = proportion_interval(count, base, confidence, method)
    if base == 0:
        assert np.isnan(low) and np.isnan(high)
        return
    assert 0 <= low <= count / base + EPS and count / base - EPS <= high <= 1


@given(st.floats(0, 200), st.floats(0, 200), st.floats(0.5, 0.98), st.floats(0.001, 0.019))
def test_intervals_widen_with_the_level_and_accept_weighted_counts(count, extra, confidence, more):
    base = count + extra
    low, high = proportion_interval(count, base, confidence)
    wide_low, wide_high = proportion_interval(count, base, confidence + more)
    if base == 0:
        return
    assert wide_low <= low + EPS and high <= wide_high + EPS
    assert 0 <= low <= count / base + EPS and count / base - EPS <= high <= 1


@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40), st.integers(1, 60)), min_size=1, max_size=4))
def test_weighted_share_lies_within_the_strata_shares(strata):
    answered = np.array([a + b for a, b, _ in strata])
    chosen = np.array([[a] for a, _, _ in strata])
    pops = {("eig", i): n for i, (_, _, n) in enumerate(strata)}
    weights = stratum_weights([("eig", i) for i in range(len(strata))], answered, pops)
    share = weighted_shares(chosen, answered, weights)[0]
    answering = answered > 0
    if not answering.any():
        assert np.isnan(share)
        return
    shares = chosen[answering, 0] / answered[answering]
    assert shares.min() - EPS <= share <= shares.max() + EPS
    n_eff = kish_n_eff(weights, answered)
    assert 1 - EPS <= n_eff <= answered.sum() + EPS


# ---- the indicator table on random surveys -------------------------------------------------


def test_the_random_surveys_follow_the_tidy_contract(sample):
    @TABLES
    @given(specs())
    def check(spec):
        survey = build(sample, spec)
        for group, frame in survey.frames.items():
            assert list(frame.columns) == list(sample.frames[group].columns)
            assert (frame.dtypes == sample.frames[group].dtypes).all()
    check()


def test_table_invariants_when_nothing_is_masked(sample):
    """MIN_CELL=0: intervals hold their share, counts fit bases, exclusive options add up to the
    base, top-2 to its levels, weighted shares stay within the strata shares, nothing is hidden."""

    @TABLES
    @given(specs(), st.floats(0.5, 0.99))
    def check(spec, confidence):
        survey = build(sample, spec)
        table = indicator_table(survey, confidence=confidence, min_cell=0, pops=ROOMY)
        assert not table.empty and not table["suppressed"].any()
        shown = table[table["base"] > 0]
        assert (shown["ci_low"] >= 0).all() and (shown["ci_high"] <= 1).all()
        assert (shown["ci_low"] <= shown["share"] + EPS).all() and (shown["share"] <= shown["ci_high"] + EPS).all()
        assert (shown["count"] <= shown["base"] + EPS).all() and (shown["count"] >= 0).all()
        assert table.loc[table["base"] == 0, "share"].isna().all()
        complements(survey, table)
        weighted_within_strata(table)

    check()


def complements(survey, table):
    unweighted = table[table["weighting"] == "none"]
    for group in ("eig", "mentor", "both"):
        codebook = survey.codebooks["eig" if group == "both" else group]
        ids = poolable(survey.codebooks) if group == "both" else [q.id for q in codebook]
        for qid in ids:
            q = codebook[qid]
            if q.type not in EXCLUSIVE:
                continue
            rows = unweighted[(unweighted["group"] == group) & (unweighted["question_id"] == qid)]
            for _, cell in rows.groupby("subgroup"):
                levels = cell[cell["option"] != "top2"]
                assert levels["count"].sum() == cell["base"].iloc[0]
                if q.type == "scale":
                    top = [str(v) for v in q.top2]
                    top2 = cell.loc[cell["option"] == "top2", "count"].iloc[0]
                    assert top2 == levels.loc[levels["option"].isin(top), "count"].sum()


def weighted_within_strata(table):
    weighted = table[(table["weighting"] == "promotion") & (table["base"] > 0)]
    strata = table[(table["weighting"] == "none") & table["subgroup"].str.startswith("promotion=")
                   & (table["base"] > 0) & (table["group"] != "both")]
    for _, row in weighted.iterrows():
        groups = ("eig", "mentor") if row["group"] == "both" else (row["group"],)
        shares = strata[strata["group"].isin(groups) & (strata["question_id"] == row["question_id"])
                        & (strata["option"] == row["option"])]["share"]
        assert shares.min() - EPS <= row["share"] <= shares.max() + EPS, row.to_dict()


def test_suppression_never_shows_a_small_cell_nor_leaves_one_alone(sample):
    @PROTECTED
    @given(specs(), st.integers(1, 8))
    def check(spec, min_cell):
        survey = build(sample, spec)
        table = indicator_table(survey, min_cell=min_cell, pops=ROOMY)
        breakdown = table[table["subgroup"] != "all"]
        shown = breakdown[~breakdown["suppressed"]]
        assert (shown["count"] >= min_cell).all() and (shown["base"] >= min_cell).all()
        hidden = table[table["suppressed"]]
        assert hidden[["count", "share", "ci_low", "ci_high"]].isna().all().all()
        exclusive = table[table["option"] != "top2"].merge(
            pd.DataFrame([(g, q.id) for g in ("eig", "mentor") for q in survey.codebooks[g]
                          if q.type in EXCLUSIVE], columns=["group", "question_id"]))
        per_cell = exclusive.groupby(["question_id", "group", "subgroup", "weighting"])["suppressed"].sum()
        assert not (per_cell == 1).any(), per_cell[per_cell == 1]
    check()
