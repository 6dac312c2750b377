"""Results one can hold: every notebook method's object has numeric ``.data``, a one-line text/plain,
and charts drawn on demand in the house style (or a theme the user sets), written only when asked."""

import hashlib

import matplotlib as mpl
import pandas as pd
import pytest

from helpers import SAMPLE_DIR
from helpers import figures as F
from helpers.appendix import Appendix
from helpers.outputs import OUT_ENV

NUMERIC = ["share", "base", "count", "ci_low", "ci_high"]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return Appendix(data_dir="data/sample", out_dir=tmp_path_factory.mktemp("out"))


@pytest.mark.parametrize("call", [
    lambda a: a.chart("fig01"),
    lambda a: a.show("etalab_expertise"),
    lambda a: a.show("work_methods"),
    lambda a: a.share("etalab_expertise", "yes"),
    lambda a: a.by_promotion("tool_maintained", "both"),
    lambda a: a.by_promotion("etalab_expertise"),  # every promotion-1 cell hidden: a Sentence
    lambda a: a.weighting_effect("etalab_expertise"),
], ids=["chart", "show", "show-multi", "share", "by_promotion", "by_promotion-hidden", "weighting_effect"])
def test_every_result_holds_numeric_data(app, call):
    result = call(app)
    data = result.data
    assert isinstance(data, pd.DataFrame) and len(data) > 0
    for column in NUMERIC:
        assert pd.api.types.is_float_dtype(data[column]), column
    assert data["suppressed"].dtype == bool
    assert {"question_id", "option", "label", "group"} <= set(data.columns)
    assert "\n" not in repr(result) and len(repr(result)) < 200
    assert "<" in result._repr_html_()


def test_chart_data_are_the_indicator_rows_of_the_chart(app):
    data = app.chart("fig17").data
    table = app.table
    row = data.iloc[0]
    expected = table[(table["question_id"] == row["question_id"]) & (table["option"] == row["option"])
                     & (table["group"] == row["group"]) & (table["subgroup"] == "all")
                     & (table["weighting"] == "none")].iloc[0]
    assert row["share"] == pytest.approx(expected["share"]) and row["base"] == expected["base"]
    assert row["count"] / row["base"] == pytest.approx(row["share"])
    assert row["ci_low"] <= row["share"] <= row["ci_high"]


def test_hidden_values_are_nan_in_data(app):
    sentence = app.by_promotion("etalab_expertise")
    hidden = sentence.data[sentence.data["suppressed"]]
    assert len(hidden) and hidden[["share", "count", "ci_low", "ci_high"]].isna().all().all()
    assert hidden["base"].notna().all()


def test_exploring_writes_nothing_under_out(tmp_path, monkeypatch):
    monkeypatch.delenv(OUT_ENV, raising=False)
    quiet = Appendix(SAMPLE_DIR, tmp_path / "quiet")
    quiet.chart("fig17")
    assert not (tmp_path / "quiet").exists()
    asked = Appendix(SAMPLE_DIR, tmp_path / "asked", save=True)
    asked.chart("fig17")
    assert (tmp_path / "asked" / "figures" / "fig17_eig.png").is_file()
    monkeypatch.setenv(OUT_ENV, str(tmp_path / "run"))  # as the pipeline does
    Appendix(SAMPLE_DIR, tmp_path / "run").chart("fig17")
    assert (tmp_path / "run" / "figures" / "fig17_eig.svg").is_file()


def _digest(figure) -> str:
    return hashlib.sha256(figure.png).hexdigest()


def test_theme_changes_apply_on_display_and_reset_gives_the_house_bytes(app):
    figure = app.show("etalab_expertise")
    house = _digest(figure)
    assert figure.fig.axes[0].patches[0].get_facecolor()[:3] == pytest.approx(mpl.colors.to_rgb(F.SERIES[0]))
    try:
        F.set_theme({"font.size": 12}, palette=["#000000"])
        assert figure.fig.axes[0].patches[0].get_facecolor()[:3] == pytest.approx((0, 0, 0))
        assert _digest(figure) != house
    finally:
        F.set_theme(reset=True)
    assert _digest(figure) == house


def test_an_edit_of_fig_shows_in_the_display(app):
    figure = app.show("heard_of_programme", "mentor")
    before = figure._repr_html_()
    figure.fig.axes[0].set_xlabel("Autre légende")
    assert figure._repr_html_() != before
    figure.redraw()
    assert figure._repr_html_() == before
