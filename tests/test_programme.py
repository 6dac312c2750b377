"""The programme in figures: the table's own arithmetic by hand, and the challenges listed on the site."""

import pandas as pd
import pytest

from helpers.fmt import signed
from helpers.headcounts import populations
from helpers.intervals import proportion_interval
from helpers.programme import (
    challenges,
    defis_table,
    digits,
    programme_table,
    rounding_tolerance,
    roster_gap,
    skills_mix,
    source_code_share,
    table_checks,
)


@pytest.fixture(scope="module")
def checks():
    return table_checks(programme_table()).set_index("check_id")


def test_populations_are_the_table_head_counts():
    pops = populations()
    assert pops == {("eig", 1): 11, ("eig", 2): 28, ("eig", 3): 32,
                    ("mentor", 1): 6, ("mentor", 2): 18, ("mentor", 3): 21}


def test_digits_tolerance_and_signed_differences():
    assert digits(4658243) == 0 and digits(756553.38) == 2 and digits(73) == 0 and digits(66.7) == 1
    assert rounding_tolerance(4658243.47, 4658243) == 1      # a rounded total
    assert rounding_tolerance(53, 54) == 0                   # whole counts: no excuse
    assert rounding_tolerance(100 * 8 / 11, 73) == 1
    assert signed(9) == "+9" and signed(-0.7, 1) == "\u22120,7" and signed(0.04, 1) == "0,0"


def test_totals_by_hand(checks):
    # 9 + 43 + 42 = 94 challenges proposed, published 85
    assert checks.loc["defis_proposed_total", ["published", "recomputed", "ok"]].tolist() == [85, 94, False]
    # 8 + 33 + 9 = 50 blog posts, published 42; 14 + 13 + 26 = 53 press articles, published 54
    assert checks.loc["blog_posts_total", ["recomputed", "ok"]].tolist() == [50, False]
    assert checks.loc["press_articles_total", ["recomputed", "ok"]].tolist() == [53, False]
    # 756 553,38 + 1 801 326 + 2 100 364,09 = 4 658 243,47, printed 4 658 243: rounding, within one euro
    assert checks.loc["salaries_total", "recomputed"] == pytest.approx(4658243.47)
    assert checks.loc["salaries_total", "ok"]
    for indicator in ("eig", "mentors", "defis", "laureate_services", "eig_applicants", "pia_envelope",
                      "communication_budget", "support_programme_budget", "research_links_budget",
                      "budget_total", "unique_visitors"):
        assert checks.loc[f"{indicator}_total", "ok"], indicator
    assert set(checks.index[~checks.ok]) == {"defis_proposed_total", "blog_posts_total", "press_articles_total"}


def test_budget_columns_add_up(checks):
    # EIG 1: 756 553,38 + 0 + 25 000 + 10 000 = 791 553,38
    assert checks.loc["budget_column_1", "recomputed"] == pytest.approx(791553.38)
    assert checks.loc[["budget_column_1", "budget_column_2", "budget_column_3"], "ok"].all()


def test_composition_against_head_counts(checks):
    # promotion 1: 11 EIG, 73 % developers = 8,03 → 8 EIG = 72,7 %; 27 % data scientists → 3 EIG
    assert checks.loc["share_developers_1", "recomputed"] == pytest.approx(72.7)
    assert "soit 8 EIG" in checks.loc["share_developers_1", "detail"]
    assert checks.loc["composition_sum_2", "detail"] == "11 + 39 + 50 = 100 % ; effectifs 3 + 11 + 14 = 28 sur 28 EIG"
    assert checks[checks.kind.isin(["composition", "composition_sum"])].ok.all()


def test_a_wrong_composition_is_caught():
    table = programme_table()
    wrong = (table.indicator_id == "share_developers") & (table.promotion == "1")
    table.loc[wrong, "value"] = 70          # 7,7 EIG → 8 = 72,7 %: 2,7 points off; shares add to 97
    checks = table_checks(table).set_index("check_id")
    assert not checks.loc["share_developers_1", "ok"]
    assert not checks.loc["composition_sum_1", "ok"]
    assert checks.loc["composition_sum_2", "ok"]


def test_defis_file_keeps_its_source_and_the_paper_promotions():
    defis = defis_table()
    assert set(defis.promotion) == {"1", "2", "3"}
    assert defis.source.str.contains("entrepreneur-interet-general.etalab.gouv.fr").all()
    assert defis.defi.notna().all() and defis.administration.notna().all()


def test_challenges_per_promotion_match_the_table():
    table = challenges().set_index("promotion")
    assert table.challenges.tolist() == [9, 13, 15]       # the table's "Défis" row
    assert table.loc["1", "administrations"] == 8          # Ministère de l'Intérieur hosts two challenges


def test_skills_mix_by_hand():
    defis = pd.DataFrame({"defi": list("abcd"), "promotion": ["1", "1", "1", "2"],
                          "skills": ["dev", "dev;datascience", "design;dev", None]})
    mix = skills_mix(defis).set_index(["promotion", "skill"])
    assert mix.loc[("1", "dev"), ["count", "base"]].tolist() == [3, 3]
    assert mix.loc[("1", "datascience"), "share"] == pytest.approx(1 / 3)
    assert mix.loc[("2", "dev"), "count"] == 0


def test_source_code_share_with_its_base_and_wilson_interval():
    defis = pd.DataFrame({"defi": list("abcde"), "promotion": ["1", "1", "2", "2", "2"],
                          "source_code_url": ["https://x", None, "https://y", " ", "https://z"]})
    shares = source_code_share(defis).set_index("promotion")
    assert shares.loc["1", ["base", "count"]].tolist() == [2, 1]
    assert shares.loc["2", ["base", "count"]].tolist() == [3, 2]
    assert shares.loc["all", "share"] == pytest.approx(3 / 5)
    low, high = proportion_interval(3, 5)
    assert shares.loc["all", ["ci_low", "ci_high"]].tolist() == pytest.approx([low, high])
    listed = source_code_share().set_index("promotion")
    assert listed.loc["all", "base"] == 37


def test_roster_gap_against_the_paper():
    gap = roster_gap().set_index(["promotion", "indicator_id"])
    # promotion 1: the site lists one fellow per challenge (9), the paper counts 11 EIG
    assert gap.loc[("1", "eig"), ["site", "paper", "gap"]].tolist() == [9, 11, -2]
    assert gap.loc[("2", "eig"), "gap"] == 0
    assert (gap.xs("defis", level="indicator_id").gap == 0).all()
