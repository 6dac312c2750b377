"""Post-stratification weights and Kish effective size, against hand-computed values."""

import numpy as np
import pytest

from helpers.weighting import kish_n_eff, stratum_weights, weighted_shares

POPS = {("eig", 1): 11, ("eig", 2): 28, ("mentor", 1): 6, ("mentor", 2): 18}


def test_weights_are_population_over_respondents_per_promotion():
    # 5 EIG of promotion 1 stand for 11 people, 16 of promotion 2 for 28
    weights = stratum_weights([("eig", 1), ("eig", 2)], [5, 16], POPS)
    assert weights == pytest.approx([11 / 5, 28 / 16])
    assert np.dot(weights, [5, 16]) == pytest.approx(39)


def test_each_group_is_weighted_to_its_own_populations():
    weights = stratum_weights([("eig", 1), ("eig", 2), ("mentor", 1), ("mentor", 2)], [1, 1, 2, 1], POPS)
    assert weights == pytest.approx([11, 28, 3, 18])


def test_a_stratum_without_answers_needs_no_population():
    weights = stratum_weights([("eig", 2), ("eig", None)], [16, 0], POPS)
    assert weights == pytest.approx([1.75, 0])


def test_kish_effective_size_by_hand():
    # Σw = 5·2.2 + 16·1.75 = 39; Σw² = 5·4.84 + 16·3.0625 = 24.2 + 49 = 73.2; 39²/73.2 = 20.7787
    assert kish_n_eff([2.2, 1.75], counts=[5, 16]) == pytest.approx(20.7787, abs=5e-5)
    assert kish_n_eff([2.2] * 5 + [1.75] * 16) == pytest.approx(20.7787, abs=5e-5)
    assert kish_n_eff(np.ones(13)) == pytest.approx(13)


def test_weighted_share_by_hand():
    # 3 of the 5 promotion-1 EIG and 4 of the 16 promotion-2 EIG said yes:
    # (3·2.2 + 4·1.75) / 39 = (6.6 + 7) / 39 = 0.348718 (unweighted: 7/21 = 0.333333)
    weights = stratum_weights([("eig", 1), ("eig", 2)], [5, 16], POPS)
    assert weighted_shares([[3], [4]], [5, 16], weights) == pytest.approx([0.348718], abs=5e-6)


def test_unknown_population_or_promotion_is_an_error():
    with pytest.raises(ValueError, match="no population"):
        stratum_weights([("eig", 3)], [2], POPS)
    with pytest.raises(ValueError, match="no population"):
        stratum_weights([("eig", None)], [1], POPS)


def test_stratum_flags_outside_and_empty():
    from helpers.weighting import stratum_flags

    # the launch seminar concerns promotion 2 only: one answer from promotion 1 is flagged
    assert stratum_flags({1: 1, 2: 16}, [1, 2], (2,)) == [("outside", 1, 1)]
    assert stratum_flags({2: 16}, [1, 2], (2,)) == []
    # a question for everybody with no answer from promotion 1
    assert stratum_flags({2: 5}, [1, 2]) == [("empty", 1, 0)]
    assert stratum_flags({1: 2, 2: 5}, [1, 2]) == []
