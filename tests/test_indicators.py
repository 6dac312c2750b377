"""The indicator table on small hand-made surveys (exact tidy-frame dtypes of architecture.md)."""

from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

import pandas as pd
import pytest

from helpers import DATA_DIR
from helpers.codebook import Codebook, Option, Question
from helpers.indicators import (
    COLUMNS,
    NoChallengeError,
    challenges_known,
    combined_share,
    defi_votes,
    indicator_table,
)
from helpers.intervals import proportion_interval

POPS = {("eig", 1): 11, ("eig", 2): 28, ("mentor", 1): 6, ("mentor", 2): 18}
YES_NO = (Option("yes", "Oui"), Option("no", "Non"))


def scale(qid, lo, hi, group="eig"):
    levels = tuple(Option(str(v), str(v)) for v in range(lo, hi + 1))
    return Question(qid, group, "?", "scale", "programme", levels, lo, hi)


def questions(group):
    return [
        Question("contact", group, "?", "yes_no", "programme", YES_NO),
        Question("users", group, "?", "multi", "tools", (Option("agents", "A"), Option("citizens", "C"))),
        scale("sat", 0, 4, group),
        scale("imp", 0, 5, group),
        Question("status", group, "?", "single", "tools", tuple(Option(c, c) for c in ("prod", "dev", "stop"))),
        Question("comment", group, "?", "free_text", "tools"),
    ]


def tidy(promotions, defis, answers, group):
    """A tidy frame in the loader's dtypes from plain lists (None = no answer)."""
    n = len(promotions)
    frame = pd.DataFrame(
        {
            "respondent_id": pd.array([f"{group}{i}" for i in range(n)], dtype="string"),
            "promotion": pd.array(promotions, dtype="Int64"),
            "defi": pd.array(defis, dtype="string"),
        }
    )
    for q in questions(group):
        values = answers.get(q.id, [None] * n)
        if q.type == "multi":
            for code in q.codes:
                frame[f"{q.id}__{code}"] = pd.array([None if v is None else code in v for v in values], dtype="boolean")
        elif q.type == "scale":
            frame[q.id] = pd.Categorical(values, categories=list(q.levels), ordered=True)
        elif q.type == "free_text":
            frame[q.id] = pd.array(values, dtype="string")
        else:
            frame[q.id] = pd.Categorical(values, categories=list(q.codes), ordered=True)
    return frame


# 21 EIG: 5 of promotion 1, 16 of promotion 2
EIG = tidy(
    [1] * 5 + [2] * 16,
    ["d1", "d1", "d2", "d2", "d2"] + ["d3"] * 5 + [None] * 11,
    {
        "contact": ["yes", "yes", "yes", "no", None] + ["yes"] * 4 + ["no"] * 11 + [None],
        "users": [{"agents"}, {"agents", "citizens"}, set(), None, {"citizens"}] + [{"agents"}] * 16,
        "sat": [4, 3, 4, 2, None, 0, 1, 2, 3, 3, 4, 4, 4, 3, 2, 1, 0, None, 3, 4, 2],
        "imp": [4, 3, 4, 2, None, 0, 1, 2, 3, 3, 4, 4, 4, 3, 2, 1, 0, None, 3, 5, 2],
    },
    "eig",
)
# 13 mentors: 4 of promotion 1, 9 of promotion 2
MENTOR = tidy(
    [1] * 4 + [2] * 9,
    ["d1", "d2", None, None] + ["d3"] * 2 + [None] * 7,
    {
        "contact": ["no", "yes", "yes", None] + ["yes"] * 6 + ["no"] * 3,
        "users": [{"citizens"}] * 13,
        "status": ["prod", "dev", "dev", None] + ["prod"] * 4 + ["dev"] * 4 + ["stop"],
    },
    "mentor",
)


def codebook(group, drop=()):
    return Codebook(group, group, {q.id: q for q in questions(group) if q.id not in drop})


# contact, users and status are poolable; sat and imp are asked to EIG only, status to mentors only
SURVEY = SimpleNamespace(
    frames={"eig": EIG, "mentor": MENTOR},
    codebooks={"eig": codebook("eig", drop=("status",)), "mentor": codebook("mentor", drop=("sat", "imp"))},
)


@pytest.fixture(scope="module")
def table():
    return indicator_table(SURVEY, pops=POPS)


@pytest.fixture(scope="module")
def open_table():
    """Nothing suppressed (min_cell=0): the weighting arithmetic, whatever the audit would publish."""
    return indicator_table(SURVEY, pops=POPS, min_cell=0)


def row(table, qid, option, group="eig", subgroup="all", weighting="none"):
    hit = table[
        (table.question_id == qid) & (table.option == option) & (table.group == group)
        & (table.subgroup == subgroup) & (table.weighting == weighting)
    ]  # fmt: skip
    assert len(hit) == 1, hit
    return hit.iloc[0]


def test_columns_and_dtypes_follow_the_contract(table):
    assert list(table.columns) == COLUMNS
    assert table["base"].dtype == "int64" and table["suppressed"].dtype == bool
    assert set(table["group"]) == {"eig", "mentor", "both"}
    assert set(table["weighting"]) == {"none", "promotion"}
    assert table["share"].dropna().between(0, 1).all()
    assert "comment" not in set(table["question_id"])


def test_base_excludes_missing_answers(table):
    yes = row(table, "contact", "yes")
    assert (yes.base, yes["count"], yes.missing) == (19, 7, 2)
    assert yes.share == pytest.approx(7 / 19)
    # 19 of the 39 EIG of promotions 1–2 answered: Wilson on 19·38/20 = 36.1 draws
    assert (yes.ci_low, yes.ci_high) == pytest.approx(proportion_interval(7 / 19 * 36.1, 36.1))
    assert yes.n_eff == 19


def test_without_fpc_the_interval_is_plain_wilson():
    plain = indicator_table(SURVEY, pops=POPS, fpc=False)
    yes = row(plain, "contact", "yes")
    assert (yes.ci_low, yes.ci_high) == pytest.approx(proportion_interval(7, 19))
    # the bounds do not depend on the correction
    assert (yes.nr_low, yes.nr_high) == pytest.approx((7 / 39, (7 + 39 - 19) / 39))


def test_population_and_nonresponse_bounds_on_every_known_row(table):
    full = indicator_table(SURVEY, pops=POPS, min_cell=0)  # the arithmetic, with no cell hidden
    # EIG all: 7 yes of 19 answering among 39 → 7/39 and (7 + 20)/39
    yes = row(full, "contact", "yes")
    assert (yes.population, yes.nr_low, yes.nr_high) == (39, pytest.approx(7 / 39), pytest.approx(27 / 39))
    # promotion 2, top 2 of sat: 8 of 15 answering among 28 → 8/28, (8 + 13)/28
    p2 = row(full, "sat", "top2", subgroup="promotion=2")
    assert (p2.population, p2.nr_low, p2.nr_high) == (28, pytest.approx(8 / 28), pytest.approx(21 / 28))
    # both: 15 of 31 among 63; the weighted row reads the same bounds (population share)
    both = row(full, "contact", "yes", group="both")
    assert (both.nr_low, both.nr_high) == (pytest.approx(15 / 63), pytest.approx((15 + 32) / 63))
    weighted = row(full, "contact", "yes", weighting="promotion")
    assert (weighted.nr_low, weighted.nr_high) == (yes.nr_low, yes.nr_high)
    shown = table[(table.group != "both") & ~table.suppressed]
    assert shown[["nr_low", "nr_high"]].notna().all().all()
    assert (shown.nr_low <= shown.share + 1e-12).all() and (shown.share <= shown.nr_high + 1e-12).all()


def test_suppressed_rows_hide_their_bounds(table):
    hidden = table[table.suppressed]
    assert len(hidden) and hidden[["nr_low", "nr_high"]].isna().all().all()


def test_everybody_answering_leaves_no_sampling_interval():
    # promotion 1 of the mentors: 4 respondents, a population of 4, all answered "users" (none chose agents)
    full = indicator_table(SURVEY, pops={**POPS, ("mentor", 1): 4}, min_cell=0)
    agents = row(full, "users", "agents", group="mentor", subgroup="promotion=1")
    assert (agents.base, agents.ci_low, agents.ci_high, agents.nr_low, agents.nr_high) == (4, 0, 0, 0, 0)
    # "contact": 3 answered of 4 (2 yes) — one answer is unknown, so an interval and bounds remain
    p1 = row(full, "contact", "yes", group="mentor", subgroup="promotion=1")
    assert (p1.ci_low, p1.ci_high) == pytest.approx(proportion_interval(2 / 3 * 9, 9))  # 3·3/1 = 9
    assert (p1.nr_low, p1.nr_high) == (pytest.approx(2 / 4), pytest.approx(3 / 4))


def test_challenge_level_has_no_population():
    defi = indicator_table(SURVEY, unit="defi", pops=POPS)
    assert defi[["population", "nr_low", "nr_high"]].isna().all().all()


def test_multi_is_answered_when_any_option_column_is_filled(table):
    # EIG 3 left it blank; EIG 2 answered with no option ticked (counts in the base)
    agents = row(table, "users", "agents")
    assert (agents.base, agents["count"], agents.missing) == (20, 18, 1)


def test_top2_is_the_two_highest_declared_levels(table):
    # same answers; on 0–4 the top 2 is {3, 4}, on 0–5 it is {4, 5}
    on_0_4, on_0_5 = row(table, "sat", "top2"), row(table, "imp", "top2")
    assert (on_0_4.base, on_0_4["count"]) == (19, 11)
    assert (on_0_5.base, on_0_5["count"]) == (19, 6)
    levels = table[(table.question_id == "imp") & (table.group == "eig") & (table.subgroup == "all")
                   & (table.weighting == "none")]["option"].tolist()  # fmt: skip
    assert levels == ["0", "1", "2", "3", "4", "5", "top2"]


def test_both_pools_the_poolable_questions(table):
    both = row(table, "contact", "yes", group="both")
    assert (both.base, both["count"], both.missing) == (19 + 12, 7 + 8, 2 + 1)
    pooled = set(table.loc[table.group == "both", "question_id"])
    assert pooled == {"contact", "users"}


def test_weighted_row_sits_beside_the_unweighted_one(table, open_table):
    # answered: promotion 1 → 4 (3 yes), promotion 2 → 15 (4 yes); weights 11/4 and 28/15
    # share = (3·2.75 + 4·1.866667)/39 = 15.716667/39 = 0.402991
    # n_eff = 39² / (4·2.75² + 15·1.866667²) = 1521/82.516667 = 18.432640
    # Published with min_cell=3, it would give back promotion 1 (1 "no" of 4, hidden): dropped.
    assert row(table, "contact", "yes", weighting="promotion").suppressed
    table = open_table
    weighted = row(table, "contact", "yes", weighting="promotion")
    assert weighted.share == pytest.approx(0.402991, abs=5e-6)
    assert weighted.n_eff == pytest.approx(18.432640, abs=5e-6)
    assert (weighted.base, weighted.missing) == (19, 2)
    assert weighted["count"] == pytest.approx(weighted.share * 19)
    # finite population correction: n_eff · (39 − 1)/(39 − 19) = 18.43264 · 1.9 = 35.022016
    expected = proportion_interval(0.402991 * 35.022016, 35.022016)
    assert (weighted.ci_low, weighted.ci_high) == pytest.approx(expected, abs=1e-5)
    assert not ((table.weighting == "promotion") & (table.subgroup != "all")).any()


def test_both_weights_each_group_to_its_own_population(open_table):
    table = open_table
    # answering EIG: p1 4 (3 yes), p2 15 (4 yes) → weights 11/4, 28/15
    # answering mentors: p1 3 (no, yes, yes → 2 yes), p2 9 (6 yes) → weights 6/3, 18/9
    # share = (8.25 + 7.466667 + 2·2 + 6·2) / (39 + 24) = 31.716667 / 63 = 0.503439
    weighted = row(table, "contact", "yes", group="both", weighting="promotion")
    assert weighted.share == pytest.approx(0.503439, abs=5e-6)


def test_promotion_breakdown_and_filter(table):
    assert row(table, "sat", "top2", subgroup="promotion=2")["base"] == 15
    only_2 = indicator_table(SURVEY, promotions=[2], pops=POPS)
    assert set(only_2["subgroup"]) == {"all", "promotion=2"}
    yes = row(only_2, "contact", "yes")
    assert (yes.base, yes["count"], yes.missing) == (15, 4, 1)


def test_output_is_deterministic(table):
    again = indicator_table(SURVEY, pops=POPS)
    pd.testing.assert_frame_equal(table, again)
    first = table.drop_duplicates(["group"])["group"].tolist()
    assert first == ["eig", "mentor", "both"]
    subgroups = table[(table.question_id == "contact") & (table.group == "eig")]["subgroup"].unique().tolist()
    assert subgroups == ["all", "promotion=1", "promotion=2"]


def test_clopper_pearson_and_level_reach_the_table():
    exact = indicator_table(SURVEY, method="beta", confidence=0.9, pops=POPS)
    yes = row(exact, "contact", "yes")
    assert (yes.ci_low, yes.ci_high) == pytest.approx(proportion_interval(7 / 19 * 36.1, 36.1, 0.9, "beta"))
    with pytest.raises(ValueError):
        indicator_table(SURVEY, method="normal", pops=POPS)


def test_defi_votes_modal_answer_with_ties_to_the_first_option():
    votes = defi_votes(EIG, SURVEY.codebooks["eig"])
    # 3 challenges + 11 respondents without challenge = 14 units
    assert len(votes) == 14
    by_unit = votes.set_index("respondent_id")
    # d1: yes, yes → yes; d2: yes, no, NA → tie → "yes" (first in codebook order)
    assert by_unit.loc["d1", "contact"] == "yes" and by_unit.loc["d2", "contact"] == "yes"
    # d2 sat: 4, 2, NA → tie → lowest level 2; d3 sat: 0, 1, 2, 3, 3 → 3
    assert by_unit.loc["d2", "sat"] == 2 and by_unit.loc["d3", "sat"] == 3
    # multi: d1 any of {agents}, {agents, citizens}; d2: set(), NA, {citizens}
    assert bool(by_unit.loc["d1", "users__citizens"]) and not bool(by_unit.loc["d2", "users__agents"])
    assert votes["promotion"].dtype == "Int64" and votes["sat"].dtype == EIG["sat"].dtype


def test_defi_unit_table_counts_one_vote_per_challenge():
    table = indicator_table(SURVEY, unit="defi", pops=POPS)
    yes = row(table, "contact", "yes")
    # units: d1 yes, d2 yes, d3 (4 yes, 1 no) yes, + 11 solo: 10 no, 1 NA → 3/13
    assert (yes.base, yes["count"], yes.missing) == (13, 3, 1)
    assert set(table["weighting"]) == {"none"}
    # both: a challenge's EIG and mentors cast one vote together (d1: yes, yes, no → yes)
    both = row(table, "contact", "yes", group="both")
    # 3 challenges + 10 solo EIG who answered + 8 solo mentors who answered
    assert (both.base, both.missing) == (3 + 10 + 8, 2)


def test_defi_unit_refuses_data_that_name_no_challenge():
    """No challenge named in the run: no challenge-level table, never the respondent one relabelled."""
    only1 = tidy([1, 2, 2], ["d1", None, None], {"contact": ["yes", "no", "yes"]}, "eig")
    survey = SimpleNamespace(frames={"eig": only1, "mentor": MENTOR.iloc[0:0]}, codebooks=SURVEY.codebooks)
    assert challenges_known(survey) and challenges_known(survey, [1])
    assert not challenges_known(survey, [2])
    with pytest.raises(NoChallengeError, match="defi"):
        indicator_table(survey, unit="defi", promotions=[2], pops=POPS)
    assert len(indicator_table(survey, unit="defi", promotions=[1], pops=POPS))


def test_nobody_answered_gives_no_share_and_no_effective_size():
    """EIG were never asked 'status' here: base 0, share NaN, and no n_eff (not 0) on either reading."""
    survey = SimpleNamespace(frames=SURVEY.frames, codebooks={**SURVEY.codebooks, "eig": codebook("eig")})
    table = indicator_table(survey, pops=POPS)
    for weighting in ("none", "promotion"):
        r = row(table, "status", "prod", weighting=weighting)
        assert r.base == 0 and r.missing == 21
        assert pd.isna(r.share) and pd.isna(r.n_eff) and pd.isna(r.ci_low)


def test_combined_share_any_of_several_options():
    sat = SURVEY.codebooks["eig"]["sat"]
    top = combined_share(SURVEY, "sat", sat.top2, pops=POPS)
    assert (top["base"], top["count"], top["missing"]) == (19, 11, 2)
    assert (top["ci_low"], top["ci_high"]) == pytest.approx(proportion_interval(11 / 19 * 36.1, 36.1))
    assert (top["population"], top["nr_low"], top["nr_high"]) == (39, pytest.approx(11 / 39), pytest.approx(31 / 39))
    plain = combined_share(SURVEY, "sat", sat.top2, pops=POPS, fpc=False)
    assert (plain["ci_low"], plain["ci_high"]) == pytest.approx(proportion_interval(11, 19))
    running = combined_share(SURVEY, "status", ["prod", "dev"], group="mentor", promotion=2)
    assert (running["base"], running["count"]) == (9, 8)
    users = combined_share(SURVEY, "users", ["agents", "citizens"], group="both")
    assert (users["base"], users["count"]) == (33, 32)


def test_combined_share_weighted_matches_the_table(open_table):
    table = open_table
    weighted = combined_share(SURVEY, "contact", "yes", weighting="promotion", pops=POPS)
    expected = row(table, "contact", "yes", weighting="promotion")
    assert weighted["share"] == pytest.approx(expected.share)
    assert weighted["n_eff"] == pytest.approx(expected.n_eff)
    with pytest.raises(ValueError, match="not among"):
        combined_share(SURVEY, "contact", "maybe")
    with pytest.raises(ValueError, match="both groups"):
        combined_share(SURVEY, "sat", [3, 4], group="both")


# ---- the synthetic sample reproduces the paper's charts ------------------------

PUBLISHED = pd.read_csv(DATA_DIR / "published" / "figures.csv", dtype={"option": str, "value": str, "base": str})


@pytest.fixture(scope="module")
def sample_table(sample):
    return indicator_table(sample)


def percent_as_printed(count: int, base: int, like: str) -> Decimal:
    """100·count/base rounded half-up, in exact decimals, to the published number of decimals."""
    decimals = len(like.split(".")[1]) if "." in like else 0
    return (Decimal(count) * 100 / Decimal(base)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


@pytest.mark.parametrize("figure_id", sorted(PUBLISHED.figure_id.unique()))
def test_sample_table_reproduces_published_chart(sample_table, figure_id):
    whole = sample_table[(sample_table.subgroup == "all") & (sample_table.weighting == "none")]
    chart = PUBLISHED[PUBLISHED.figure_id == figure_id]
    for published in chart.itertuples():
        got = row(whole, published.question_id, published.option, group=published.group)
        where = f"{figure_id} {published.group}/{published.question_id}/{published.option}"
        assert got.base == int(published.base), where
        assert not got.suppressed and got.share == pytest.approx(got["count"] / got.base), where
        if published.unit == "percent":
            assert percent_as_printed(int(got["count"]), int(got.base), published.value) == Decimal(published.value), where
        else:
            assert got["count"] == int(published.value), where
