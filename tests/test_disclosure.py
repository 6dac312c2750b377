"""Small-cell suppression, primary and secondary (no recovery by subtraction)."""

import numpy as np
import pandas as pd

from helpers.disclosure import suppress


def table(rows):
    """Indicator-like rows from (question_id, option, group, subgroup, count, base)."""
    frame = pd.DataFrame(rows, columns=["question_id", "option", "group", "subgroup", "count", "base"])
    return frame.assign(
        weighting="none",
        share=frame["count"] / frame["base"],
        ci_low=0.0,
        ci_high=1.0,
        missing=0,
        suppressed=False,
    )


def hidden(result):
    return [tuple(r) for r in result.loc[result.suppressed, ["option", "group", "subgroup"]].itertuples(index=False)]


def test_yes_no_small_cell_and_its_complement():
    rows = table([
        ("q", "yes", "eig", "all", 10, 12), ("q", "no", "eig", "all", 2, 12),
        ("q", "yes", "eig", "promotion=1", 5, 6), ("q", "no", "eig", "promotion=1", 1, 6),
    ])  # fmt: skip
    result = suppress(rows, 3, exclusive=[True] * 4)
    # "no" 1 < 3; "yes" would give it back as 6 − 5
    assert hidden(result) == [("yes", "eig", "promotion=1"), ("no", "eig", "promotion=1")]
    assert result.loc[result.suppressed, ["count", "share", "ci_low", "ci_high"]].isna().all().all()
    assert result.loc[result.suppressed, "base"].tolist() == [6, 6]


def test_whole_group_top_lines_are_never_suppressed():
    rows = table([("q", "yes", "mentor", "all", 0, 2), ("q", "no", "mentor", "all", 2, 2)])
    result = suppress(rows, 3, exclusive=[True, True])
    assert not result.suppressed.any()
    assert result["count"].tolist() == [0, 2]


def test_zero_counts_are_suppressed_in_breakdowns():
    rows = table([("q", "a", "eig", "all", 3, 20), ("q", "a", "eig", "promotion=2", 0, 14)])
    assert hidden(suppress(rows, 3)) == [("a", "eig", "promotion=2")]


def test_small_base_suppresses_every_option():
    rows = table([("q", "a", "mentor", "promotion=1", 2, 2), ("q", "b", "mentor", "promotion=1", 2, 2)])
    assert suppress(rows, 3).suppressed.all()


def test_multi_options_have_no_complement():
    rows = table([("q", "a", "eig", "promotion=1", 1, 9), ("q", "b", "eig", "promotion=1", 7, 9)])
    assert hidden(suppress(rows, 3)) == [("a", "eig", "promotion=1")]


def test_single_choice_second_cell_is_the_smallest_remaining():
    rows = table([
        ("q", "prod", "mentor", "promotion=2", 9, 20), ("q", "dev", "mentor", "promotion=2", 2, 20),
        ("q", "stop", "mentor", "promotion=2", 4, 20), ("q", "other", "mentor", "promotion=2", 5, 20),
    ])  # fmt: skip
    result = suppress(rows, 3, exclusive=[True] * 4)
    assert hidden(result) == [("dev", "mentor", "promotion=2"), ("stop", "mentor", "promotion=2")]


def test_top2_cannot_give_back_a_suppressed_level():
    # levels 3, 4, 5 and top2 (= 4 + 5) of one scale in one breakdown
    rows = table([
        ("s", "3", "eig", "promotion=2", 6, 16), ("s", "4", "eig", "promotion=2", 8, 16),
        ("s", "5", "eig", "promotion=2", 2, 16), ("s", "top2", "eig", "promotion=2", 10, 16),
    ])  # fmt: skip
    result = suppress(rows, 3, exclusive=[True, True, True, False], in_top2=[False, True, True, False])
    # 5 is small → 3 hidden with it (levels sum to the base); 4 hidden too, or top2 − 4 gives 5;
    # then top2 hidden, or base − top2 gives 3
    assert hidden(result) == [(o, "eig", "promotion=2") for o in ("3", "4", "5", "top2")]


def test_top2_stays_when_both_top_levels_are_shown():
    rows = table([
        ("s", "1", "eig", "promotion=2", 1, 16), ("s", "2", "eig", "promotion=2", 4, 16),
        ("s", "3", "eig", "promotion=2", 5, 16), ("s", "4", "eig", "promotion=2", 6, 16),
        ("s", "top2", "eig", "promotion=2", 11, 16),
    ])  # fmt: skip
    result = suppress(rows, 3, exclusive=[True] * 4 + [False], in_top2=[False, False, True, True, False])
    assert hidden(result) == [("1", "eig", "promotion=2"), ("2", "eig", "promotion=2")]


def test_promotions_cannot_be_recovered_from_the_total():
    rows = table([
        ("q", "a", "eig", "all", 9, 21), ("q", "a", "eig", "promotion=1", 1, 5), ("q", "a", "eig", "promotion=2", 8, 16),
    ])  # fmt: skip
    # promotion=2 shown would give promotion=1 = 9 − 8
    assert hidden(suppress(rows, 3)) == [("a", "eig", "promotion=1"), ("a", "eig", "promotion=2")]


def test_a_group_cannot_be_recovered_from_the_pooled_cell():
    rows = table([
        ("q", "a", "eig", "promotion=1", 4, 5), ("q", "a", "mentor", "promotion=1", 1, 4),
        ("q", "a", "both", "promotion=1", 5, 9),
    ])  # fmt: skip
    result = suppress(rows, 3)
    # mentor is small; both − eig would give it back: the smaller of the two is hidden too
    assert hidden(result) == [("a", "eig", "promotion=1"), ("a", "mentor", "promotion=1")]


def test_threshold_is_a_parameter():
    rows = table([("q", "a", "eig", "promotion=1", 4, 10)])
    assert not suppress(rows, 3).suppressed.any()
    assert suppress(rows, 5).suppressed.all()
    assert np.isnan(suppress(rows, 5)["share"].iloc[0])


# ---- labels, comparisons, claims, all-hidden charts, private runs ---------------------------


def test_first_pass_says_why_a_cell_is_hidden():
    rows = table([
        ("q", "yes", "eig", "all", 10, 12), ("q", "no", "eig", "all", 2, 12),
        ("q", "yes", "eig", "promotion=1", 5, 6), ("q", "no", "eig", "promotion=1", 1, 6),
    ])  # fmt: skip
    result = suppress(rows, 3, exclusive=[True] * 4)
    assert result["suppression"].tolist() == ["", "", "secondary", "primary"]


def test_labels():
    from helpers.disclosure import label

    assert label("primary", 3) == "moins de 3 réponses"
    assert label("primary", 5) == "moins de 5 réponses"
    assert label("secondary", 3) == "masqué pour protéger une autre case"
    assert label("masked", 3) == "masqué"


def _published():
    rows = table([
        ("q", "yes", "eig", "all", 9, 21), ("q", "no", "eig", "all", 12, 21),
        ("q", "yes", "eig", "promotion=1", 1, 5), ("q", "no", "eig", "promotion=1", 4, 5),
        ("q", "yes", "eig", "promotion=2", 8, 16), ("q", "no", "eig", "promotion=2", 8, 16),
        ("r", "yes", "eig", "promotion=1", 4, 8), ("r", "no", "eig", "promotion=1", 4, 8),
    ])  # fmt: skip
    return suppress(rows, 3, exclusive=[True] * 8)


def test_no_test_beside_a_hidden_cell():
    from helpers.compare import involves_hidden

    published = _published()
    assert involves_hidden(published, "q", ["yes"], "promotion=1", "promotion=2")
    assert not involves_hidden(published, "q", ["yes"], "eig", "eig")  # whole-group lines are public
    assert not involves_hidden(published, "r", ["yes"], "promotion=1", "promotion=1")


def test_a_claim_on_a_hidden_cell_is_flagged():
    from helpers.disclosure import hidden_claim

    published = _published()
    assert hidden_claim(published, {"question_id": "q", "group": "eig", "promotion": 2, "options": ["yes"]})
    assert not hidden_claim(published, {"question_id": "q", "group": "eig", "options": ["yes"]})
    assert not hidden_claim(published, {"question_id": "r", "group": "eig", "promotion": 1, "options": ["no"]})
    assert not hidden_claim(published, {"source": "respondents", "group": "eig", "promotion": 2})


def test_a_chart_of_hidden_cells_is_one_sentence(tmp_path):
    from types import SimpleNamespace

    from helpers.figures import Sentence, grouped_by_promotion

    published = _published().assign(n_eff=np.nan)
    q = SimpleNamespace(id="q", type="yes_no", codes=("yes", "no"), item=None, text="Question ?", figure=None,
                        levels=(), label=lambda code: {"yes": "Oui", "no": "Non"}[code])
    result = grouped_by_promotion(published, q, group="eig")
    assert isinstance(result, Sentence)
    assert "toutes les valeurs sont masquées" in result.text
    assert "moins de 3 réponses" in result.text and "masqué pour protéger une autre case" in result.text
    assert "%" not in result.text and "n = 5" in result.text
    assert result.save(tmp_path) == [] and not list(tmp_path.iterdir())


def test_private_exploration_is_stamped_non_diffusable():
    from helpers.render import _environment, provenance

    for min_cell, stamped in ((0, True), (3, False)):
        prov = provenance(None, {"data_dir": "data/sample", "min_cell": min_cell})
        assert prov.restricted is stamped
        macro = _environment().get_template("_page.j2").module.banner(prov)
        assert ("Non diffusable" in str(macro)) is stamped
