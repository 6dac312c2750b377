"""Fisher's exact comparison of two shares, p-values summed by hand from the hypergeometric law."""

from math import comb
from types import SimpleNamespace

import pandas as pd
import pytest

from helpers.codebook import Codebook, Option, Question
from helpers.compare import compare_counts, compare_shares

# promotion 1: 1 of 5 in contact with Etalab experts; promotion 2: 12 of 16.
# Margins: N = 21, K = 13 "yes", n = 5 in promotion 1. P(X = k) = C(13,k)·C(8,5−k)/C(21,5), C(21,5) = 20349:
#   k:      0    1     2     3     4     5
#   terms: 56  910  4368  8008  5720  1287   (sum 20349)
# two-sided p = Σ of terms ≤ the observed 910 = (56 + 910)/20349 = 0.047472
P_HAND = (56 + 910) / 20349


def test_hand_terms_are_the_hypergeometric_law():
    terms = [comb(13, k) * comb(8, 5 - k) for k in range(6)]
    assert terms == [56, 910, 4368, 8008, 5720, 1287] and sum(terms) == comb(21, 5) == 20349
    assert sum(t for t in terms if t <= terms[1]) / comb(21, 5) == pytest.approx(P_HAND)


def test_fisher_p_value_by_hand():
    result = compare_counts(1, 5, 12, 16)
    assert result["p_value"] == pytest.approx(P_HAND, rel=1e-9)
    assert result["share_a"] == pytest.approx(0.2) and result["share_b"] == pytest.approx(0.75)
    assert result["difference"] == pytest.approx(-0.55)


def test_fisher_is_symmetric_and_one_when_equal():
    assert compare_counts(12, 16, 1, 5)["p_value"] == pytest.approx(P_HAND, rel=1e-9)
    # identical 2/4 and 2/4: every table is as probable or less, p = 1
    assert compare_counts(2, 4, 2, 4)["p_value"] == pytest.approx(1.0)


def test_impossible_counts_are_refused():
    with pytest.raises(ValueError):
        compare_counts(6, 5, 1, 2)
    with pytest.raises(ValueError):
        compare_counts(0, 0, 1, 2)


YN = Question("etalab_experts", "eig", "?", "yes_no", "programme", (Option("yes", "Oui"), Option("no", "Non")))


def frame(promotions, answers, group):
    return pd.DataFrame(
        {
            "respondent_id": pd.array([f"{group}{i}" for i in range(len(answers))], dtype="string"),
            "promotion": pd.array(promotions, dtype="Int64"),
            "defi": pd.array([None] * len(answers), dtype="string"),
            "etalab_experts": pd.Categorical(answers, categories=["yes", "no"], ordered=True),
        }
    )


SURVEY = SimpleNamespace(
    frames={
        "eig": frame([1] * 6 + [2] * 17, ["yes"] + ["no"] * 4 + [None] + ["yes"] * 12 + ["no"] * 4 + [None], "eig"),
        "mentor": frame([1, 2, 2], ["yes", "yes", "no"], "mentor"),
    },
    codebooks={
        "eig": Codebook("eig", "eig", {YN.id: YN}),
        "mentor": Codebook(
            "mentor", "mentor", {YN.id: Question(YN.id, "mentor", "?", "yes_no", "programme", YN.options)}
        ),
    },
)


def test_promotion_2_versus_1_on_answering_respondents():
    result = compare_shares(SURVEY, "etalab_experts", ["yes"], "promotion=2", "promotion=1")
    assert (result["count_a"], result["base_a"], result["count_b"], result["base_b"]) == (12, 16, 1, 5)
    assert result["difference"] == pytest.approx(0.55)
    assert result["p_value"] == pytest.approx(P_HAND, rel=1e-9)
    assert (result["a"], result["b"]) == ("promotion=2", "promotion=1")


def test_groups_compared():
    result = compare_shares(SURVEY, "etalab_experts", "yes", "eig", "mentor")
    assert (result["count_a"], result["base_a"], result["count_b"], result["base_b"]) == (13, 21, 2, 3)
    # N = 24, K = 15, n = 3 mentors; C(24,3) = 2024; P(k) = C(15,k)·C(9,3−k): 84, 540, 945, 455
    # observed k = 2 (945): two-sided p = (84 + 540 + 945 + 455)/2024 = 1
    assert result["p_value"] == pytest.approx(1.0)
