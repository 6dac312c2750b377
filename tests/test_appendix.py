"""The notebook-facing API on the synthetic sample: charts reproduce the paper, verbatims obey the switch."""

import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers import SAMPLE_DIR
from helpers.appendix import Appendix, resolve


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return Appendix(SAMPLE_DIR, tmp_path_factory.mktemp("out"))


def test_resolve_falls_back_to_the_project_root(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # as JupyterLab does, from notebooks/
    assert resolve("data/sample") == SAMPLE_DIR
    (tmp_path / "local").mkdir()
    assert resolve("local") == Path("local")


def test_chart_shows_figure_base_and_published_values(app):
    html = app.chart("fig17").html
    assert '<figure class="eig-figure" id="fig17_eig">' in html
    assert "13 sur 21" in html  # 62 % of the paper = 13 EIG out of 21
    assert "(2 sur 2 identiques)" in html
    assert (app.out_dir / "figures" / "fig17_eig.png").exists()


@pytest.mark.parametrize("figure_id", [f"fig{i:02d}" for i in range(1, 24)])
def test_every_chart_of_the_paper_is_reproduced_on_the_sample(app, figure_id):
    html = app.chart(figure_id).html
    assert "identiques)" in html
    total = html.split(" identiques)")[0].rsplit("(", 1)[1]
    agree, _, n = total.partition(" sur ")
    assert int(agree) == int(n) > 0


def test_verbatims_hidden_unless_allowed(tmp_path):
    hidden = Appendix(SAMPLE_DIR, tmp_path, include_verbatims=False)
    assert "non affichées" in hidden.verbatims("obstacles", "eig").html


def test_verbatims_are_escaped_sorted_and_anonymous(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SAMPLE_DIR, data)
    frame = pd.read_csv(data / "eig.csv", dtype=str, keep_default_na=False)
    frame.loc[0, "obstacles"] = "<script>alert(1)</script>"
    frame.to_csv(data / "eig.csv", index=False)
    app = Appendix(data, tmp_path / "out", include_verbatims=True)
    html = app.verbatims("obstacles", "eig").html
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    items = [i.split("</li>")[0] for i in html.split("<li>")[1:]]
    assert items == sorted(items)
    assert frame.loc[0, "respondent_id"] not in html


def test_promotion_filter_changes_the_bases(tmp_path):
    only2 = Appendix(SAMPLE_DIR, tmp_path, promotions=[2])
    table = only2.table
    base = table[(table.question_id == "trainings_organised") & (table.subgroup == "all")
                 & (table.weighting == "none")]["base"].iloc[0]
    full = Appendix(SAMPLE_DIR, tmp_path).table
    full_base = full[(full.question_id == "trainings_organised") & (full.subgroup == "all")
                     & (full.weighting == "none")]["base"].iloc[0]
    assert base < full_base


def test_bad_weighting_is_refused(tmp_path):
    with pytest.raises(ValueError, match="(?i)weighting"):
        Appendix(SAMPLE_DIR, tmp_path, weighting="poids")


def test_comparison_masks_small_cells_but_keeps_the_test(tmp_path):
    strict = Appendix(SAMPLE_DIR, tmp_path).compare("etalab_expertise", "yes", "eig").html
    assert "masqué" in strict and "Fisher p = " in strict
    open_ = Appendix(SAMPLE_DIR, tmp_path, min_cell=0).compare("etalab_expertise", "yes", "eig").html
    assert "masqué" not in open_ and "écart" in open_


def test_weighting_gap_by_hand():
    from helpers.appendix import weighting_gap

    table = pd.DataFrame({
        "question_id": ["q"] * 4, "group": ["eig"] * 4, "subgroup": ["all"] * 4,
        "weighting": ["none", "none", "promotion", "promotion"], "option": ["yes", "no", "yes", "no"],
        "share": [0.60, 0.40, 0.55, 0.45],
    })
    assert weighting_gap(table, ["q"], "eig") == pytest.approx(0.05)
    assert weighting_gap(table, ["other"], "eig") == 0.0


def test_chart_adds_the_weighted_reading_when_weighting_moves_it(app):
    from helpers.appendix import WEIGHTING_GAP, weighting_gap

    q = [q.id for q in app.codebooks["eig"].by_figure("fig18")]
    html = app.chart("fig18").html
    assert ("_ponderation" in html) == (weighting_gap(app.table, q, "eig") >= WEIGHTING_GAP)


def test_claims_context_says_which_data_the_verdicts_judge(tmp_path):
    assert "cohérence interne" in Appendix(SAMPLE_DIR, tmp_path).claims_context().html
    real = tmp_path / "real"
    real.mkdir()
    for name in ("eig.csv", "mentor.csv"):
        shutil.copy(SAMPLE_DIR / name, real / name)
    assert "n&#x27;est pas l&#x27;échantillon synthétique" in Appendix(real, tmp_path).claims_context().html
