"""Finite population correction and non-response (Manski) bounds, against hand computations."""

import math

import numpy as np
import pandas as pd
import pytest

from helpers.intervals import fpc_size, proportion_interval
from helpers.nonresponse import add_bounds, group_promotions, manski_bounds, row_populations

Z = 1.959963985  # 97.5 % quantile of the normal law


def wilson_by_hand(p, n, z=Z):
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def test_manski_bounds_13_of_21_answering_among_39():
    # worst cases: the 18 non-respondents all "no" → 13/39; all "yes" → (13 + 18)/39 = 31/39
    low, high = manski_bounds(13, 21, 39)
    assert low == pytest.approx(1 / 3) and high == pytest.approx(31 / 39)
    assert high - low == pytest.approx(18 / 39)  # the width is the non-response rate


def test_manski_bounds_on_arrays_and_unknown_population():
    low, high = manski_bounds([0, 5, 2], [5, 5, 3], [5, 11, np.nan])
    assert low[:2].tolist() == [0, pytest.approx(5 / 11)] and high[:2].tolist() == [0, pytest.approx(11 / 11)]
    assert np.isnan(low[2]) and np.isnan(high[2])
    with pytest.raises(ValueError, match="more respondents than people"):
        manski_bounds(3, 12, 11)


def test_fpc_effective_size_by_hand():
    # 21 of 39: 21 · 38 / 18 = 44.333…
    assert fpc_size(21, 39) == pytest.approx(21 * 38 / 18)
    assert fpc_size(21, np.nan) == 21  # unknown population: no correction
    assert math.isinf(fpc_size(11, 11))
    # a weighted share: Kish's n_eff scaled by the same factor (N − 1)/(N − m)
    assert fpc_size(18.0, 39, respondents=19) == pytest.approx(18 * 38 / 20)
    with pytest.raises(ValueError, match="more respondents than people"):
        fpc_size(12, 11)


def test_fpc_wilson_interval_13_of_21_among_39():
    n_star = 21 * 38 / 18
    expected = wilson_by_hand(13 / 21, n_star)
    assert proportion_interval(13, 21, population=39) == pytest.approx(expected, abs=1e-6)
    # narrower than the interval that ignores the population
    plain = wilson_by_hand(13 / 21, 21)
    assert proportion_interval(13, 21) == pytest.approx(plain, abs=1e-6)
    got = proportion_interval(13, 21, population=39)
    assert got[1] - got[0] < plain[1] - plain[0]


def test_fpc_when_everybody_answered_and_on_arrays():
    assert proportion_interval(7, 11, population=11) == (pytest.approx(7 / 11), pytest.approx(7 / 11))
    low, high = proportion_interval([13, 0, 2], [21, 0, 4], population=[39, 10, np.nan])
    assert (low[0], high[0]) == pytest.approx(wilson_by_hand(13 / 21, 21 * 38 / 18), abs=1e-6)
    assert np.isnan(low[1]) and np.isnan(high[1])  # no answer
    assert (low[2], high[2]) == pytest.approx(wilson_by_hand(0.5, 4), abs=1e-6)  # unknown N


POPS = {("eig", 1): 11, ("eig", 2): 28, ("mentor", 1): 6, ("mentor", 2): 18}


def test_row_populations_per_group_and_subgroup():
    table = pd.DataFrame({"group": ["eig", "eig", "mentor", "both", "both", "eig"],
                          "subgroup": ["all", "promotion=2", "all", "all", "promotion=1", "promotion=3"]})
    kept = {"eig": [1, 2], "mentor": [1, 2]}
    got = row_populations(table, kept, POPS)
    assert got[:5].tolist() == [39, 28, 24, 63, 17]
    assert np.isnan(got[5])  # promotion 3 has no head count here
    only_2 = row_populations(table.iloc[:1], {"eig": [2]}, POPS)
    assert only_2.tolist() == [28]


def test_group_promotions_kept_or_present():
    frames = {"eig": pd.DataFrame({"promotion": pd.array([2, 2, 1], dtype="Int64")}),
              "mentor": pd.DataFrame({"promotion": pd.array([2], dtype="Int64")})}
    survey = type("S", (), {"frames": frames})
    assert group_promotions(survey) == {"eig": [1, 2], "mentor": [2]}
    assert group_promotions(survey, [1, 2]) == {"eig": [1, 2], "mentor": [1, 2]}


def test_add_bounds_hides_suppressed_rows_and_copies_the_unweighted_twin():
    table = pd.DataFrame({
        "question_id": ["q", "q", "q"], "option": ["yes", "yes", "no"], "group": ["eig"] * 3,
        "subgroup": ["all"] * 3, "weighting": ["none", "promotion", "none"],
        "count": [13.0, 12.4, np.nan], "base": [21, 21, 21], "suppressed": [False, False, True],
    })
    out = add_bounds(table, [39, 39, 39])
    assert out["nr_low"][:2].tolist() == [pytest.approx(1 / 3)] * 2
    assert out["nr_high"][:2].tolist() == [pytest.approx(31 / 39)] * 2
    assert np.isnan(out["nr_low"][2]) and np.isnan(out["nr_high"][2])
