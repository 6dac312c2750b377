"""What a survey statistician reads in the appendices: finite population, non-response, pairs, fidelity."""

import re

import pandas as pd
import pytest

from helpers import SAMPLE_DIR
from helpers.appendix import Appendix
from helpers.pipeline import parse_params
from helpers.params import ParameterError
from helpers.published import published_figures


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return Appendix(SAMPLE_DIR, tmp_path_factory.mktemp("out"))


def test_response_rates_are_complete_counts_without_interval(app):
    html = app.response_rates().html
    assert "IC " not in html and "sans intervalle" in html
    assert "Non-répondants" in html


def test_share_sentence_gives_the_nonresponse_bounds(app):
    # 11 of 21 EIG answering, 39 EIG in promotions 1–2: bounds 11/39 = 28 % and (11 + 18)/39 = 74 %
    html = app.share("etalab_expertise", "yes", "eig").html
    assert "11 sur 21" in html
    assert "bornes de non-réponse 28\u201374\u202f% des 39 personnes (18 sans réponse)" in html


def test_five_readings_of_one_share(app):
    html = app.nonresponse_example("etalab_expertise", "yes", "eig").html
    for reading in ("population infinie", "population finie", "Bornes de non-réponse", "pondérée"):
        assert reading in html
    assert "28\u201374\u202f%" in html


def test_fpc_switch_reaches_the_tables(tmp_path):
    off = Appendix(SAMPLE_DIR, tmp_path, fpc=False)
    on = Appendix(SAMPLE_DIR, tmp_path)
    key = ["question_id", "option", "group", "subgroup", "weighting"]
    both = on.table.merge(off.table, on=key, suffixes=("_on", "_off"))
    shown = both[both["ci_low_on"].notna() & (both["base_on"] < both["population_on"])]
    width_on = shown["ci_high_on"] - shown["ci_low_on"]
    width_off = shown["ci_high_off"] - shown["ci_low_off"]
    assert (width_on <= width_off + 1e-12).all() and (width_on < width_off).any()
    assert "sans correction de population finie" in off.parameters().html
    assert parse_params(["FPC=false"])["fpc"] is False
    with pytest.raises(ParameterError, match="FPC"):
        parse_params(["FPC=maybe"])


def test_paired_before_after_table_and_tests(app):
    html = app.paired("willingness_before", "willingness_after", "eig").html
    assert "changement de note par répondant" in html
    for row in ("En hausse", "Identique", "En baisse"):
        assert row in html
    assert "Test du signe exact" in html and "McNemar" in html
    counts = [int(n) for n in re.findall(r"<th scope=\"row\">En (?:hausse|baisse)</th><td>(\d+)</td>", html)]
    assert len(counts) == 2


def test_launch_seminar_answers_outside_promotion_2_are_flagged(app):
    html = app.chart("fig20").html
    assert "Strates de promotion à signaler" in html
    assert "Le séminaire de lancement de la promotion (pour la promotion 2)" in html.split("Strates")[1]


def test_small_base_item_is_marked_in_the_chart(app):
    # fig19's "Autre" criterion has fewer than 10 answers
    html = app.chart("fig19").html
    assert "(base faible)" in html and "base faible" in html.split("<figcaption>")[1]


def test_every_chart_says_whether_its_group_is_printed_or_inferred(app):
    for figure_id in ("fig02", "fig07", "fig08", "fig10"):
        assert "déduit, le document de travail ne l'imprime pas" in app.fidelity(figure_id).html.replace("&#x27;", "'")
    assert "imprimé dans le document de travail" in app.fidelity("fig18").html
    assert "Nombre de défis" in app.fidelity("fig04").html
    assert "titre du document de travail parle de défis" in app.fidelity("fig17").html
    assert "deux séries de barres" in app.fidelity("fig23").html


def test_published_figures_carry_fidelity_columns():
    published = published_figures()
    per_figure = published.groupby("figure_id")[["group_status", "group_basis", "fidelity_note"]].nunique(dropna=False)
    assert (per_figure == 1).all().all()  # one value per chart
    assert set(published["group_status"]) == {"printed", "inferred"}
    assert published["group_basis"].str.len().gt(20).all()
    inferred = set(published.loc[published["group_status"] == "inferred", "figure_id"])
    assert {"fig02", "fig07", "fig08", "fig10"} <= inferred


def test_bars_follow_the_papers_category_order(app):
    for figure_id in ("fig05", "fig06"):
        chart = app.published[app.published["figure_id"] == figure_id]
        q = app.question(chart["question_id"].iloc[0], "eig" if chart["group"].iloc[0] == "both" else chart["group"].iloc[0])
        html = app.chart(figure_id).html
        table = html.split("Données de la figure")[1]
        positions = [table.index(q.label(o).replace("'", "&#x27;")) for o in chart["option"]]
        assert positions == sorted(positions), figure_id
