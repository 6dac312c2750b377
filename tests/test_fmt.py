"""French number formatting, on hand-computed values."""

import math

import numpy as np
import pandas as pd
import pytest

from helpers import fmt

S = "\u202f"  # narrow no-break space
D = "\u2013"  # en dash


@pytest.mark.parametrize(
    "share, digits, expected",
    [
        (0.619, 0, f"62{S}%"),
        (13 / 21, 0, f"62{S}%"),  # 61.90…
        (0.145, 0, f"15{S}%"),  # half-up on 14.5, not the float 14.4999…
        (0.125, 0, f"13{S}%"),  # half-up, not half-even
        (0.0049, 1, f"0,5{S}%"),
        (1.0, 0, f"100{S}%"),
        (0.0, 0, f"0{S}%"),
        (0.90476, 1, f"90,5{S}%"),
    ],
)
def test_pct(share, digits, expected):
    assert fmt.pct(share, digits) == expected


@pytest.mark.parametrize("missing", [float("nan"), None, pd.NA, np.nan])
def test_missing_is_masque(missing):
    assert fmt.pct(missing) == "masqué"
    assert fmt.num(missing) == "masqué"
    assert fmt.count_of(missing, 21) == "masqué"
    assert fmt.ci(missing, 0.5) == "masqué"


def test_ci():
    assert fmt.ci(0.409, 0.792) == f"41{D}79{S}%"
    assert fmt.ci(0.4149, 0.7951, digits=1) == f"41,5{D}79,5{S}%"
    assert fmt.ci(0.0, 1.0) == f"0{D}100{S}%"


def test_counts_and_numbers():
    assert fmt.count_of(13, 21) == "13 sur 21"
    assert fmt.count_of(13.0, 21.0) == "13 sur 21"
    assert fmt.count_of(12.44, 21) == "12,4 sur 21"  # weighted count keeps a decimal
    assert fmt.num(1234567.25, 1) == f"1{S}234{S}567,3"
    assert fmt.num(-0.0001, 2) == "0,00"  # no "-0,00"
    assert fmt.num(-1234.5) == f"-1{S}235"


def test_ci_label():
    assert fmt.ci_label() == f"IC 95{S}%"
    assert fmt.ci_label(0.9) == f"IC 90{S}%"
    assert fmt.ci_label(0.995) == f"IC 99,5{S}%"


def test_share_phrase():
    assert fmt.share_phrase(13 / 21, 13, 21, 0.409, 0.792) == f"62{S}% (13 sur 21), IC 95{S}% 41{D}79{S}%"
    assert fmt.share_phrase(0.5, 5, 10, 0.237, 0.763, confidence=0.9) == (
        f"50{S}% (5 sur 10), IC 90{S}% 24{D}76{S}%"
    )


def test_phrase_of_suppressed_cell_keeps_base_and_threshold():
    assert fmt.share_phrase(math.nan, math.nan, 21, math.nan, math.nan) == "masqué (effectif < 3), base 21"
    assert fmt.share_phrase(None, None, 8, None, None, min_cell=5) == "masqué (effectif < 5), base 8"


def test_row_phrase_reads_an_indicator_row():
    row = pd.Series({"share": 8 / 21, "count": 8, "base": 21, "ci_low": 0.208, "ci_high": 0.591})
    assert fmt.row_phrase(row) == f"38{S}% (8 sur 21), IC 95{S}% 21{D}59{S}%"


def test_signed_difference():
    from helpers.fmt import signed

    assert signed(9) == "+9"
    assert signed(-0.7142, 1) == "\u22120,7"
    assert signed(0.04, 1) == "0,0"  # rounds to zero: no sign


def test_nobody_answered_reads_aucune_reponse():
    assert fmt.share_phrase(math.nan, 0, 0, math.nan, math.nan) == "aucune réponse"
    assert fmt.no_answer(0) and not fmt.no_answer(3) and not fmt.no_answer(math.nan)


def test_points_of_percentage():
    assert fmt.points(0.032) == "3,2 points de pourcentage"
    assert fmt.points(0.015) == "1,5 point de pourcentage"
    assert fmt.points(0.36, 0) == "36 points de pourcentage"


def test_parameters_in_french_words():
    params = {"promotions": [1, 2, 3], "confidence": 0.95, "min_cell": 3, "weighting": "none",
              "include_verbatims": None, "extra": "x"}
    assert fmt.describe_parameters(params) == [
        ("Promotions retenues", "1, 2, 3"),
        ("Niveau de confiance des intervalles", f"95{S}%"),
        ("Seuil de diffusion des sous-groupes", "3 répondants"),
        ("Lecture principale", "non pondérée"),
        ("Réponses libres", "automatique (affichées seulement sur des données synthétiques)"),
        ("extra", "x"),
    ]
    assert fmt.parameter_value("include_verbatims", False) == "non affichées"
    assert fmt.parameter_value("promotions", None) == "toutes"


@pytest.mark.parametrize("promotions, article, expected", [
    (["1"], "la", "la promotion 1"),
    ([2, 3], "la", "les promotions 2 et 3"),
    (["1", "2", "3"], "de", "des promotions 1, 2 et 3"),
    (["2"], "de", "de la promotion 2"),
    (["1", "2"], "", "promotions 1 et 2"),
])
def test_promotions_words(promotions, article, expected):
    assert fmt.promotions_words(promotions, article) == expected


@pytest.mark.parametrize(("value", "digits", "scale", "expected"), [
    (14.5, 0, 0, "15"),        # a half goes up, where round() gives 14
    (0.145, 2, 0, "0.15"),     # the decimal value of the float, not 0.14499999…
    (0.145, 0, 2, "15"),       # a share as a whole percentage
    (-2.5, 0, 0, "-3"),        # away from zero, as by hand
    (2.4999, 0, 0, "2"),
])
def test_round_half_up_is_the_rounding_done_by_hand(value, digits, scale, expected):
    from decimal import Decimal

    assert fmt.round_half_up(value, digits, scale) == Decimal(expected)
