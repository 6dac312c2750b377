"""The granularity test: which printed percentages are possible on their base, with hand-computed cases."""

from fractions import Fraction

import pandas as pd
import pytest

from helpers.claims import load_claims
from helpers.granularity import (
    COLUMNS,
    PRINTED,
    closest_bases,
    counts,
    feasible,
    granularity_table,
    implication,
    implied_bases,
    impossible,
    nearest,
    places,
    shown,
)
from helpers.published import published_figures


def test_seventy_percent_is_impossible_on_thirteen_both_ways():
    # 9/13 = 69.23 % (69 rounded or truncated), 10/13 = 76.92 % (77 rounded, 76 truncated)
    assert not feasible(70, 13, "half_up") and not feasible(70, 13, "truncated")
    assert nearest(70, 13) == (9, pytest.approx(69.2307692))


def test_sixty_five_percent_is_impossible_on_21_and_possible_on_20():
    # 13/21 = 61.90 %, 14/21 = 66.67 %; 13/20 = 65 %
    assert not feasible(65, 21) and not feasible(65, 21, "truncated")
    assert feasible(65, 20) and counts(65, 20) == [13]
    assert closest_bases(65, 21) == [20, 23]          # 15/23 = 65.2 %; nothing on 22 (63.6 %, 68.2 %)


def test_fifty_seven_percent_is_possible_on_21():
    assert counts(57, 21) == [12]                     # 12/21 = 57.14 %
    assert counts(57, 21, "truncated") == [12]


def test_rounding_conventions_at_the_boundary():
    assert shown(5, 8) == 63 and shown(5, 8, convention="truncated") == 62     # 62.5 %
    assert shown(25, 34) == 74 and shown(25, 34, convention="truncated") == 73  # 73.53 %
    assert feasible(73, 34, "truncated") and not feasible(73, 34, "half_up")
    assert feasible("90.5", 21) and not feasible("90.5", 21, "truncated")      # 19/21 = 90.476 %
    with pytest.raises(ValueError, match="convention"):
        shown(1, 2, convention="banker")
    with pytest.raises(ValueError, match="base"):
        counts(50, 0)


def test_counts_at_the_ends_of_a_rounding_interval():
    # 62.5 % (5/8) rounds up to 63 and truncates to 62; 37.5 % (3/8) to 38 and 37
    assert counts(63, 8) == [5] and counts(62, 8) == [] and counts(62, 8, "truncated") == [5]
    assert counts(0, 3) == [0] and counts(100, 3) == [3] and counts("0.5", 200) == [1]
    assert counts(33, 100) == [33] and counts(33, 200) == [65, 66]  # 32.5 % and 33 %; 33.5 % → 34
    assert counts(101, 10) == [] and counts(-1, 10) == []
    with pytest.raises(ValueError, match="convention"):
        counts(50, 2, "banker")


@pytest.mark.parametrize("convention", ["half_up", "truncated"])
def test_counts_are_the_k_whose_share_prints_as_published(convention):
    """The interval arithmetic of ``counts`` against the definition, k by k, on every base to 60."""
    for published in (0, 7, 12.5, 33, "33.3", 50, 57, "66.7", "90.5", 99, 100, "14.29"):
        for base in range(1, 61):
            target = Fraction(str(published))
            definition = [k for k in range(base + 1) if shown(k, base, places(published), convention) == target]
            assert counts(published, base, convention) == definition, (published, base)


def test_implied_bases_from_1_to_60():
    bases = implied_bases(70)
    assert 13 not in bases and {10, 20, 23, 30, 33, 37, 40, 43, 47, 50, 53, 57, 60} <= set(bases)
    assert implied_bases(70)[:3] == [10, 20, 23]     # 7/10; 14/20; 16/23 = 69.6 %
    assert 17 in implied_bases(70, "truncated")      # 12/17 = 70.59 %, truncated to 70
    assert implied_bases(50)[:3] == [2, 4, 6]


@pytest.fixture(scope="module")
def table():
    return granularity_table(load_claims(), published_figures())


def test_every_printed_percentage_is_covered(table):
    assert list(table.columns) == COLUMNS
    claims = [c for c in load_claims() if c["expression"] in PRINTED and c.get("unit", "percent") == "percent"
              and c.get("source", "survey") in ("survey", "respondents", "defis")
              and c.get("measure", "share") == "share"]
    assert set(table[table.kind == "claim"].source) == {c["id"] for c in claims}
    figures = published_figures()
    assert (table.kind == "figure").sum() == (figures.unit == "percent").sum()


def test_bases_come_from_the_published_numbers_only(table):
    rows = table.set_index("source")
    assert rows.loc["p1_eig_free_software_65", "base"] == 20           # chart 15
    assert rows.loc["p1_eig_free_software_65", "base_origin"] == "graphique"
    assert rows.loc["p1_mentors_working_conditions_70", "base"] == 13   # no chart: the 13 mentors of p. 9
    assert rows.loc["p1_mentors_working_conditions_70", "base_origin"].startswith("répondants annoncés p. 9")
    assert rows.loc["p2_annex_tools_73", "base"] == 34                  # 21 EIG + 13 mentors
    assert pd.isna(rows.loc["p25_eig1_etalab_20", "base"])              # no published split by promotion
    assert rows.loc["p1_mentors_working_conditions_70", "nearest_count"] == "9/13"
    assert rows.loc["p1_mentors_working_conditions_70", "feasible_half_up"] is False


def test_impossible_values_and_what_they_imply(table):
    bad = impossible(table).set_index("source")
    assert {"p1_mentors_working_conditions_70", "p2_willingness_before_15", "p27_contract_staff_25"} <= set(bad.index)
    assert "p2_annex_tools_73" not in bad.index          # possible once truncated
    assert not bad.index.str.startswith("fig").any()     # every chart label is attainable on its base
    assert implication(bad.loc["p1_mentors_working_conditions_70"]) == (
        "70\u202f% est impossible sur 13 répondants (ni arrondi ni tronqué) : la part la plus proche est 9 sur 13 "
        "= 69,2\u202f% ; les bases les plus proches qui le permettent : 10 ou 17")


def test_the_command_writes_the_table(tmp_path):
    from helpers.cli import main

    out = tmp_path / "tables" / "granularity.csv"
    assert main(["granularity", "--csv", str(out)]) == 0
    written = pd.read_csv(out)
    assert list(written.columns) == COLUMNS
    assert {"source", "page", "published", "base", "feasible_half_up", "feasible_truncated", "nearest",
            "implied_bases"} <= set(written.columns)
    # Shares as fractions, like every published table: "plus de 90 %" of 13 mentors, nearest 12/13.
    row = written.set_index("source").loc["p1_mentors_satisfied_90"]
    assert (row["published"], row["base"], row["nearest"], row["nearest_count"]) == (0.9, 13, 0.923077, "12/13")
    assert written["published"].between(0, 1).all() and written["nearest"].dropna().between(0, 1).all()
