"""Wilson and Clopper–Pearson bounds against values computed by hand from the formulas.

Wilson (z = 1.959964, z² = 3.841459):
    centre = (x + z²/2) / (n + z²),  half-width = z·√(x(n−x)/n + z²/4) / (n + z²)
  12/21: centre = 13.920729/24.841459 = 0.560384; half = 1.959964·√(5.142857+0.960365)/24.841459 = 0.194915
         → [0.3655, 0.7553]
  13/21: centre = 14.920729/24.841459 = 0.600638; half = 1.959964·√(4.952381+0.960365)/24.841459 = 0.191852
         → [0.4088, 0.7925]
  0/13:  centre = 1.920729/16.841459 = 0.114049 = half → [0, 0.2281]
  13/13: mirror of 0/13 → [0.7719, 1]
Clopper–Pearson ("beta"), defined by binomial tails:
  lower p_L: P(X ≥ x | n, p_L) = α/2; upper p_U: P(X ≤ x | n, p_U) = α/2.
  0/13:  p_U = 1 − 0.025^(1/13) = 1 − exp(−3.688879/13) = 1 − 0.752947 = 0.2471
  13/13: p_L = 0.025^(1/13) = 0.7529
  12/21 and 13/21 have no closed form: the 4-decimal values below are checked
  against the tail definition with explicit binomial sums.
"""

from math import comb

import numpy as np
import pytest

from helpers.intervals import proportion_interval


def binomial_tail(x: int, n: int, p: float, upper: bool) -> float:
    """P(X ≥ x) (upper) or P(X ≤ x), summed term by term."""
    ks = range(x, n + 1) if upper else range(0, x + 1)
    return sum(comb(n, k) * p**k * (1 - p) ** (n - k) for k in ks)


@pytest.mark.parametrize(
    "x, n, low, high",
    [(12, 21, 0.3655, 0.7553), (13, 21, 0.4088, 0.7925), (0, 13, 0.0, 0.2281), (13, 13, 0.7719, 1.0)],
)
def test_wilson_bounds_match_hand_computation(x, n, low, high):
    got = proportion_interval(x, n)
    assert got == pytest.approx((low, high), abs=5e-5)


@pytest.mark.parametrize(
    "x, n, low, high",
    [(12, 21, 0.3402, 0.7818), (13, 21, 0.3844, 0.8189), (0, 13, 0.0, 0.2471), (13, 13, 0.7529, 1.0)],
)
def test_clopper_pearson_bounds_match_hand_computation(x, n, low, high):
    got = proportion_interval(x, n, method="beta")
    assert got == pytest.approx((low, high), abs=5e-5)


@pytest.mark.parametrize("x, n", [(12, 21), (13, 21)])
def test_clopper_pearson_bounds_satisfy_the_binomial_tail_definition(x, n):
    low, high = proportion_interval(x, n, method="beta")
    assert binomial_tail(x, n, low, upper=True) == pytest.approx(0.025, abs=1e-9)
    assert binomial_tail(x, n, high, upper=False) == pytest.approx(0.025, abs=1e-9)


def test_clopper_pearson_is_wider_than_wilson():
    wilson, exact = proportion_interval(12, 21), proportion_interval(12, 21, method="beta")
    assert exact[0] < wilson[0] and exact[1] > wilson[1]


def test_level_is_a_parameter():
    # z(0.90) = 1.644854, z² = 2.705544: 12/21 → centre 13.352772/23.705544 = 0.563276,
    # half = 1.644854·√(5.142857 + 0.676386)/23.705544 = 0.167382
    assert proportion_interval(12, 21, confidence=0.90) == pytest.approx((0.3959, 0.7307), abs=5e-5)


def test_normal_approximation_is_refused():
    with pytest.raises(ValueError, match="wilson"):
        proportion_interval(12, 21, method="normal")


def test_arrays_and_empty_base():
    low, high = proportion_interval(np.array([12, 0]), np.array([21, 0]))
    assert low[0] == pytest.approx(0.3655, abs=5e-5)
    assert np.isnan(low[1]) and np.isnan(high[1])


def test_bounds_are_exact_at_zero_and_at_the_base():
    """No 1e-17 residue: a whisker from 0 % must start at exactly 0."""
    low, high = proportion_interval([0, 12], [12, 12])
    assert low[0] == 0.0 and high[1] == 1.0
