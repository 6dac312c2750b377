"""Paired before/after on one scale: changes per respondent, sign test and exact McNemar by hand."""

from types import SimpleNamespace

import pandas as pd
import pytest

from helpers.codebook import Codebook, Option, Question
from helpers.compare import paired_change

LEVELS = tuple(Option(str(v), str(v)) for v in range(6))
BEFORE = Question("before", "eig", "Avant ?", "scale", "programme", LEVELS, 0, 5)
AFTER = Question("after", "eig", "Après ?", "scale", "programme", LEVELS, 0, 5)
OTHER = Question("other", "eig", "Autre ?", "scale", "programme", LEVELS[:5], 0, 4)

# respondents 1–10 answered both; 11 and 12 only one of the two
#        1  2  3  4  5  6  7  8  9  10  11    12
B = [0, 1, 2, 2, 3, 4, 5, 2, 4, 3, None, 2]
A = [2, 4, 5, 2, 3, 5, 5, 4, 3, 4, 3, None]
# up: 1, 2, 3, 6, 8, 10 (6); same: 4, 5, 7 (3); down: 9 (1)
# top 2 (4–5): both 6, 7 (2); before only 9 (1); after only 2, 3, 8, 10 (4); neither 1, 4, 5 (3)


def survey(before, after, promotions=None):
    n = len(before)
    frame = pd.DataFrame({
        "respondent_id": pd.array([f"r{i}" for i in range(n)], dtype="string"),
        "promotion": pd.array(promotions or [2] * n, dtype="Int64"),
        "defi": pd.array([None] * n, dtype="string"),
        "before": pd.Categorical(before, categories=list(range(6)), ordered=True),
        "after": pd.Categorical(after, categories=list(range(6)), ordered=True),
        "other": pd.Categorical([None] * n, categories=list(range(5)), ordered=True),
    })
    book = Codebook("eig", "eig", {q.id: q for q in (BEFORE, AFTER, OTHER)})
    return SimpleNamespace(frames={"eig": frame}, codebooks={"eig": book})


def test_changes_per_respondent():
    r = paired_change(survey(B, A), "before", "after")
    assert (r["pairs"], r["incomplete"], r["up"], r["same"], r["down"]) == (10, 2, 6, 3, 1)
    assert r["top2"] == [[2, 1], [4, 3]]


def test_sign_test_by_hand():
    # 7 moved, 1 down: two-sided binomial p = 2 · P(X ≤ 1 | 7, ½) = 2 · (1 + 7)/128 = 0.125
    assert paired_change(survey(B, A), "before", "after")["sign_p"] == pytest.approx(0.125)


def test_exact_mcnemar_by_hand():
    # discordant pairs 1 (before only) and 4 (after only): p = 2 · P(X ≤ 1 | 5, ½) = 2 · 6/32 = 0.375
    assert paired_change(survey(B, A), "before", "after")["mcnemar_p"] == pytest.approx(0.375)


def test_no_change_gives_p_one_and_promotion_filter():
    same = paired_change(survey([1, 4, 5], [1, 4, 5], [1, 2, 2]), "before", "after")
    assert (same["up"], same["same"], same["down"], same["sign_p"], same["mcnemar_p"]) == (0, 3, 0, 1.0, 1.0)
    only_2 = paired_change(survey([1, 4, 5], [2, 4, 5], [1, 2, 2]), "before", "after", promotions=[2])
    assert (only_2["pairs"], only_2["up"]) == (2, 0)


def test_different_scales_are_refused():
    with pytest.raises(ValueError, match="same scale"):
        paired_change(survey(B, A), "before", "other")
