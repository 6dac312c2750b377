"""Response rates and representation, on hand-computed values."""

import pandas as pd
import pytest

from helpers.population import answers_per_challenge, representation, response_rates

POPS = {("eig", 1): 11, ("eig", 2): 28, ("mentor", 1): 6, ("mentor", 2): 18}


def _frame(promos, defis=None):
    return pd.DataFrame(
        {
            "respondent_id": pd.array([f"r{i}" for i in range(len(promos))], dtype="string"),
            "promotion": pd.array(promos, dtype="Int64"),
            "defi": pd.array(defis or [None] * len(promos), dtype="string"),
        }
    )


def test_response_rates_by_promotion_and_total():
    frames = {"eig": _frame([1] * 5 + [2] * 16)}
    table = response_rates(frames, pops=POPS).set_index("promotion")
    assert table.loc["1", ["respondents", "population"]].tolist() == [5, 11]
    assert table.loc["all", ["respondents", "population"]].tolist() == [21, 39]
    assert table.loc["all", "rate"] == pytest.approx(21 / 39)
    # a complete count: nothing was sampled, so no interval
    assert not {"ci_low", "ci_high"} & set(table.columns)


def test_representation_ratio():
    frames = {"mentor": _frame([1] * 3 + [2] * 10)}
    table = representation(frames, pops=POPS).set_index("promotion")
    assert table.loc[2, "share_of_respondents"] == pytest.approx(10 / 13)
    assert table.loc[2, "share_of_population"] == pytest.approx(18 / 24)
    assert table.loc[2, "ratio"] == pytest.approx((10 / 13) / (18 / 24))


def test_answers_per_challenge_counts_shared_challenges():
    frame = _frame([2, 2, 2, 1, 2], ["A", "A", "B", "C", None])
    dist = answers_per_challenge(frame)
    assert dist.to_dict("list") == {"respondents": [1, 2], "challenges": [2, 1], "respondents_total": [2, 2]}
