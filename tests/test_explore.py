"""The exploration API on hand-computed values: cross-tabs, subgroups, comparisons, private stamping."""

import numpy as np
import pandas as pd
import pytest

from helpers import explore
from helpers.indicators import group_frame


@pytest.fixture(scope="module")
def ex():
    return explore.load("data/sample")


@pytest.fixture(scope="module")
def private():
    return explore.load("data/sample", min_cell=0, promotions=None)


def test_all_names_are_exported():
    assert set(explore.__all__) <= set(dir(explore))
    assert {"load", "Explorer", "Result", "set_theme", "NON_DIFFUSABLE"} <= set(explore.__all__)


def test_crosstab_counts_are_those_of_pandas(private):
    frame = group_frame(private.survey, "eig")
    both = frame.dropna(subset=["skill_profile", "tool_maintained"])
    expected = pd.crosstab(both["skill_profile"].astype(str), both["tool_maintained"].astype(str))
    data = private.crosstab("skill_profile", "tool_maintained").data
    for _, row in data.iterrows():
        count = expected.loc[row["row_option"], row["option"]] if row["option"] in expected.columns else 0
        assert row["count"] == count
        assert row["base"] == expected.loc[row["row_option"]].sum()
        assert row["share"] == pytest.approx(count / row["base"])
        assert row["ci_low"] <= row["share"] <= row["ci_high"]
    assert not data["suppressed"].any() and (data["diffusion"] == "non diffusable").all()


def test_crosstab_of_a_multi_question_counts_each_option(private):
    frame = group_frame(private.survey, "eig")
    q = private.question("work_methods")
    code = q.codes[0]
    data = private.crosstab("skill_profile", "work_methods").data
    answered = frame[[f"work_methods__{c}" for c in q.codes]].notna().any(axis=1)
    devs = frame[(frame["skill_profile"] == "developer") & answered]
    row = data[(data["row_option"] == "developer") & (data["option"] == code)].iloc[0]
    assert row["base"] == len(devs) and row["count"] == int(devs[f"work_methods__{code}"].fillna(False).sum())
    assert set(data["option"]) == set(q.codes)


def test_crosstab_hiding_rule_by_hand(ex):
    # Line a: 1 of 10 (1 and 9): both cells under 3 once counted the other way: primary.
    # Line b: 5 of 10: shown by itself, but each column is left with one hidden cell: secondary.
    table = pd.DataFrame({"row_option": ["a", "a", "b", "b"], "option": ["x", "y", "x", "y"],
                          "count": [1, 9, 5, 5], "base": [10, 10, 10, 10]})
    hidden, reason = ex._crosstab_hidden(table, lines_add_up=True, columns_add_up=True)
    assert hidden.tolist() == [True, True, True, True]
    assert reason == ["primary", "primary", "secondary", "secondary"]
    hidden, _ = ex._crosstab_hidden(table, lines_add_up=True, columns_add_up=False)
    assert hidden.tolist() == [True, True, False, False]


def test_where_keeps_the_named_answers_and_refuses_unknown_codes(ex):
    devs = ex.where(skill_profile="developer")
    frame = group_frame(devs.survey, "eig", devs.promotions)
    assert len(frame) == 10 and (frame["skill_profile"] == "developer").all()
    assert len(group_frame(devs.survey, "mentor")) == 0  # mentors were not asked
    with pytest.raises(ValueError, match="dev not among its codes.*developer"):
        ex.where(skill_profile="dev")
    assert "Sous-groupe : développeurs" in ex.where(skill_profile="developer", label="développeurs") \
        .share("etalab_expertise", "yes").html


def test_a_small_subgroup_share_is_hidden_unless_private(ex, private):
    designers = ex.where(skill_profile="designer").share("etalab_expertise", "yes")
    assert designers.data.loc[0, "suppressed"] and np.isnan(designers.data.loc[0, "share"])
    assert "moins de 3 réponses" in designers.html
    shown = private.where(skill_profile="designer").share("etalab_expertise", "yes")
    assert not shown.data.loc[0, "suppressed"] and shown.data.loc[0, "base"] == 2


def test_compare_withholds_everything_around_a_hidden_cell_and_shows_it_privately(ex, private):
    public = ex.compare("etalab_expertise", "yes", a="promotion=1", b="promotion=2")
    assert public.data[["count", "share", "difference", "p_value"]].isna().all().all()
    assert "non publiés" in public.html
    secret = private.compare("etalab_expertise", "yes", a="promotion=1", b="promotion=2")
    d = secret.data
    assert d["count"].tolist() == [0, 11] and d["base"].tolist() == [5, 16]
    assert d.loc[0, "difference"] == pytest.approx(0 / 5 - 11 / 16)


def test_every_private_output_is_stamped(private, tmp_path):
    outputs = [private.share("etalab_expertise", "yes"), private.crosstab("skill_profile", "open_data"),
               private.show("etalab_expertise"), private.compare("open_data", "yes")]
    for r in outputs:
        assert r.html.startswith('<p class="eig-restricted"') and "Non diffusable" in r._repr_html_()
        assert repr(r).startswith("« non diffusable »")
        assert (r.data["diffusion"] == "non diffusable").all() and r.data.attrs["diffusion"] == "non diffusable"
    assert "non diffusable" in repr(private)
    written = outputs[2].save(tmp_path)
    assert sorted(p.name for p in written) == sorted(p.name for p in tmp_path.iterdir()) == [
        "non-diffusable_etalab_expertise_eig.csv", "non-diffusable_etalab_expertise_eig.png",
        "non-diffusable_etalab_expertise_eig.svg"]


def test_public_outputs_carry_no_stamp(ex):
    r = ex.share("etalab_expertise", "yes")
    assert "diffusion" not in r.data and "Non diffusable" not in r.html


def test_dashboard_controls_drive_the_same_api():
    from helpers.dashboard import dashboard

    board = dashboard("data/sample")
    assert board.result.data.loc[0, "question_id"] == board.question.value
    board.group.value = "both"  # the questions offered are those pooled for both groups
    assert "tool_maintained" in [v for _, v in board.question.options]
    assert "skill_profile" not in [v for _, v in board.question.options]
    board.question.value = "tool_maintained"
    assert set(board.result.data["group"]) == {"both"}
    board.weighting.value = "promotion"
    assert set(board.result.data["weighting"]) == {"promotion"}
    board.group.value = "eig"
    board.question.value = "skill_profile"
    board.cross.value = "tool_maintained"  # a cross-tab: one line per profile
    assert set(board.result.data["row_question"]) == {"skill_profile"}
    assert board.result.data["suppressed"].any()
    board.private.value = True  # nothing hidden, stamped
    assert not board.result.data["suppressed"].any() and board.result.private
    board.promotion.value = "2"
    lines = board.result.data.drop_duplicates("row_option")
    assert 0 < lines["base"].sum() <= 16 and board.error is None  # promotion 2 has 16 EIG of 21
