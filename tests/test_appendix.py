"""The notebook-facing API on the synthetic sample: charts reproduce the paper, verbatims obey the switch."""

import html
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT
from helpers import SAMPLE_DIR, views
from helpers.appendix import Appendix
from helpers.params import resolve


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
    assert "(2 sur 2 identiques par construction" in html
    assert not (app.out_dir / "figures").exists()  # exploring writes nothing under OUT


@pytest.mark.parametrize("figure_id", [f"fig{i:02d}" for i in range(1, 24)])
def test_every_chart_of_the_paper_is_reproduced_on_the_sample(app, figure_id):
    """On the calibrated sample every value agrees, and the caption says it is by construction."""
    html = app.chart(figure_id).html
    total = html.split(" identiques par construction : ")[0].rsplit("(", 1)[1]
    agree, _, n = total.partition(" sur ")
    assert int(agree) == int(n) > 0


def _copy(tmp_path, sidecar: str | None):
    data = tmp_path / "data"
    data.mkdir()
    for name in ("eig.csv", "mentor.csv"):
        shutil.copy(SAMPLE_DIR / name, data / name)
    if sidecar is not None:
        (data / "DATASET.yaml").write_text(sidecar, encoding="utf-8")
    return data


@pytest.mark.parametrize("sidecar", ["synthetic: true\n", None], ids=["synthetic", "real"])
def test_agreement_is_by_construction_only_on_the_calibrated_sample(tmp_path, sidecar):
    html = Appendix(_copy(tmp_path, sidecar), tmp_path / "out").published_check("fig17").html
    assert "(2 sur 2 identiques)" in html and "construction" not in html and "calibr" not in html


def test_not_by_construction_when_the_run_keeps_part_of_the_calibrated_sample(tmp_path):
    html = Appendix(SAMPLE_DIR, tmp_path, promotions=[2]).published_check("fig03").html
    assert "construction" not in html and " identiques" in html


def test_published_values_say_how_they_were_read(app):
    """fig10 was read off the axis (≈), fig17 printed: figures.csv's `read` column, in French."""
    read_off = app.published_check("fig10").html
    assert "≈ 90,5\u202f%" in read_off and "lue sur l&#x27;axe du graphique" in read_off
    printed = app.published_check("fig17").html
    assert "≈" not in printed and "valeur imprimée" in printed


def test_verbatims_hidden_unless_allowed(tmp_path):
    hidden = Appendix(SAMPLE_DIR, tmp_path, include_verbatims=False)
    html = hidden.verbatims("obstacles", "eig").html
    assert "non affichées : choix de cette exécution" in html and "6 réponses libres" in html
    real = Appendix(_copy(tmp_path, None), tmp_path / "out").verbatims("obstacles", "eig").html
    assert "non affichées : réponses réelles" in real and "fictive" not in real


def test_verbatims_count_answers_not_distinct_texts_and_mark_them_fictive(tmp_path):
    data = _copy(tmp_path, "synthetic: true\n")
    frame = pd.read_csv(data / "eig.csv", dtype=str, keep_default_na=False)
    frame["obstacles"] = ""
    frame.loc[[0, 1, 2], "obstacles"] = ["Même texte", "Même texte", "Autre texte"]
    frame.loc[3, "obstacles"] = "   "  # blank: not an answer
    frame.to_csv(data / "eig.csv", index=False)
    html = Appendix(data, tmp_path / "out").verbatims("obstacles", "eig").html
    assert "(3 réponses libres, fictives" in html
    assert html.count('<span class="eig-fictive">Réponse fictive</span>') == 2
    assert "Même texte (2 réponses identiques)" in html
    frame["obstacles"] = ""
    frame.to_csv(data / "eig.csv", index=False)
    assert "aucune réponse" in Appendix(data, tmp_path / "out").verbatims("obstacles", "eig").html


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


def test_comparison_with_a_hidden_cell_shows_no_test(tmp_path):
    strict = Appendix(SAMPLE_DIR, tmp_path).compare("etalab_expertise", "yes", "eig").html
    assert "masqué" in strict and "p = " not in strict and "points" not in strict
    open_ = Appendix(SAMPLE_DIR, tmp_path, min_cell=0).compare("etalab_expertise", "yes", "eig").html
    assert "masqué" not in open_ and "Fisher p = " in open_


def test_weighting_gap_by_hand():
    from helpers.views_survey import weighting_gap

    table = pd.DataFrame({
        "question_id": ["q"] * 4, "group": ["eig"] * 4, "subgroup": ["all"] * 4,
        "weighting": ["none", "none", "promotion", "promotion"], "option": ["yes", "no", "yes", "no"],
        "share": [0.60, 0.40, 0.55, 0.45],
    })
    assert weighting_gap(table, ["q"], "eig") == pytest.approx(0.05)
    assert weighting_gap(table, ["other"], "eig") == 0.0


def test_chart_adds_the_weighted_reading_when_weighting_moves_it(app):
    from helpers.views_survey import WEIGHTING_GAP, weighting_gap

    q = [q.id for q in app.codebooks["eig"].by_figure("fig18")]
    html = app.chart("fig18").html
    assert ("_ponderation" in html) == (weighting_gap(app.table, q, "eig") >= WEIGHTING_GAP)


def test_claims_context_says_which_data_the_verdicts_judge(tmp_path):
    assert "cohérence interne" in Appendix(SAMPLE_DIR, tmp_path).claims_context().html
    other = Appendix(_copy(tmp_path, "synthetic: true\n"), tmp_path / "out").claims_context().html
    assert "réponses inventées" in other and "cohérence interne" not in other and "calibré sur" not in other
    (tmp_path / "data" / "DATASET.yaml").unlink()
    real = Appendix(tmp_path / "data", tmp_path / "out").claims_context().html
    assert "réponses réelles" in real and "cohérence interne" not in real
    assert "non vérifiable sur l&#x27;échantillon calibré" in Appendix(SAMPLE_DIR, tmp_path).claims_context().html
    kept2 = Appendix(SAMPLE_DIR, tmp_path, promotions=[2]).claims_context().html
    assert "promotions 1 et 2" in kept2 and "retenues pour les autres annexes (2)" in kept2


def test_appendix_f_is_in_french_and_counts_each_verdict(app):
    from helpers.claims import RULES, VERDICTS

    rules = app.claims_rules().html
    assert not any(f">{code}<" in rules for code, (name, _, _) in RULES.items() if code != name)  # French names
    assert "borne inférieure" in rules and "très large majorité" in rules
    verdicts = app.claims_verdicts().html
    for code in VERDICTS:
        assert f">{code}<" not in verdicts
    n = int((app.claims["verdict"] == "rounding").sum())
    assert f'<th scope="row">écart d&#x27;arrondi</th>' in verdicts and n >= 1
    row = verdicts.split('<th scope="row">écart d&#x27;arrondi</th>')[1].split("</tr>")[0]
    assert row.endswith(f"<td>{n}</td><td>0</td>")
    table = app.claims_table().html
    assert "non vérifiable sur l&#x27;échantillon calibré" in table and ">mismatch<" not in table


def test_granularity_section_lists_the_impossible_percentages(app):
    html = app.claims_granularity().html
    assert "70\u202f% est impossible sur 13 répondants" in html
    assert "Pourcentages impossibles sur leur base publiée" in html
    assert "Passages chiffrés lus et délibérément écartés du registre" in app.claims_not_claims().html
    assert "la promotion 1 est omise" in app.claims_by_verdict("mismatch").html


def test_parameters_in_french_words_with_the_kind_of_data(tmp_path):
    sample = Appendix(SAMPLE_DIR, tmp_path).parameters().html
    assert "échantillon synthétique calibré" in sample and "21 EIG (promotion 1 : 5, promotion 2 : 16)" in sample
    assert "Seuil de diffusion des sous-groupes : 3 répondants" in sample and "Réponses libres : affichées" in sample
    assert "None" not in sample and "include_verbatims" not in sample and "min_cell" not in sample
    real = Appendix(_copy(tmp_path, None), tmp_path / "out", promotions=[2]).parameters().html
    assert "réponses réelles" in real and "calibr" not in real and "Promotions retenues : 2" in real
    assert "non affichées (réponses réelles, non publiées par défaut)" in real


def test_without_challenges_the_challenge_reading_is_not_available(tmp_path):
    data = _copy(tmp_path, "synthetic: true\n")
    for name in ("eig.csv", "mentor.csv"):
        frame = pd.read_csv(data / name, dtype=str, keep_default_na=False)
        frame.drop(columns="defi").to_csv(data / name, index=False)
    app = Appendix(data, tmp_path / "out")
    for html in (app.challenge_level("open_data", "eig").html, app.challenges("eig").html):
        assert "non disponible" in html and "<table" not in html
    assert "Défi des répondants : non indiqué" in app.parameters().html


def test_comparison_of_a_promotion_left_out_of_the_run_is_not_made(tmp_path):
    html = Appendix(SAMPLE_DIR, tmp_path, promotions=[2]).compare("etalab_expertise", "yes", "eig").html
    assert "comparaison impossible : la promotion 1 (EIG) n&#x27;est pas retenue" in html and "Fisher" not in html


def test_precision_and_representation_sentences_follow_the_data(tmp_path):
    app = Appendix(SAMPLE_DIR, tmp_path)
    # Sample: EIG 5 + 16 respondents of 11 + 28 (24 % vs 28 %, 76 % vs 72 %).
    assert ("la promotion 2 est la plus représentée au regard de sa population (76\u202f% des répondants pour "
            "72\u202f% de la population), la promotion 1 la moins représentée") in app.representation_summary().html
    only2 = Appendix(SAMPLE_DIR, tmp_path, promotions=[2]).representation_summary().html
    assert "appartiennent tous à la promotion 2" in only2 and "plus représentée" not in only2


def test_question_of_both_groups_refuses_what_indicators_refuse(app):
    """``Appendix.question(…, "both")`` is ``indicators.question_of``: a pooled question, or an error."""
    from helpers.codebook import poolable
    from helpers.indicators import question_of

    pooled = sorted(poolable(app.codebooks))
    eig_only = next(q.id for q in app.codebooks["eig"] if q.id not in pooled)
    assert app.question(pooled[0], "both") is question_of(app.survey, "both", pooled[0])
    with pytest.raises(ValueError, match="not asked identically"):
        question_of(app.survey, "both", eig_only)
    with pytest.raises(ValueError, match="not asked identically"):
        app.question(eig_only, "both")


def test_frames_keep_the_run_promotions_only(tmp_path):
    app = Appendix(SAMPLE_DIR, tmp_path, promotions=[2])
    assert all(set(frame["promotion"].dropna()) <= {2} for frame in app.frames.values())
    assert sum(len(f) for f in app.frames.values()) == sum(
        int((f["promotion"] == 2).sum()) for f in app.survey.frames.values())


NOTEBOOK_04 = ROOT / "notebooks" / "04_programme_en_chiffres.ipynb"


def test_the_programme_appendix_never_loads_the_survey(tmp_path, monkeypatch):
    """Appendix E shows public facts: every call of its notebook works with no survey at all.

    The data directory is empty and the loader refuses to run; the calls are read from the
    notebook itself, so a call added there is checked too.
    """
    def refuse(*args, **kwargs):
        raise AssertionError("the programme appendix loaded the survey")

    monkeypatch.setattr(views, "load_survey", refuse)
    empty = tmp_path / "data"
    empty.mkdir()
    app = Appendix(empty, tmp_path / "out")
    cells = ["".join(c["source"]) for c in json.loads(NOTEBOOK_04.read_text(encoding="utf-8"))["cells"]
             if c["cell_type"] == "code"]
    calls = [line for cell in cells for line in cell.splitlines() if line.startswith("app.")]
    assert calls[0] == "app.parameters(survey=False)" and len(calls) == 7
    shown = {call: eval(call, {"app": app}).html for call in calls}  # the committed notebook's own calls
    text = {call: " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split()) for call, page in shown.items()}
    assert "cette annexe ne lit aucune réponse à l'enquête" in text["app.parameters(survey=False)"]
    assert "Promotions : toutes celles du tableau du programme (promotions 1, 2 et 3)" in text[calls[0]]
    assert "EIG 11 28 32 71 71 oui" in text["app.programme_table()"]  # programme.csv, p. 8: 11 + 28 + 32
    assert "30 contrôles, 3 non conformes" in text["app.programme_checks()"]
    # defis.csv: 7 of the 9 challenges of promotion 1 list a source code address.
    assert "78 % des défis de la promotion 1 (7 sur 9)" in text["app.programme_source_code()"].replace("\u202f", " ")
    assert all(text.values())


def test_programme_parameters_mention_the_run_promotions_only_when_it_keeps_some():
    from helpers import views_programme

    every = views_programme.parameters().html
    assert "Promotions : toutes celles du tableau du programme (promotions 1, 2 et 3)</li>" in every
    kept = views_programme.parameters([2]).html
    assert "quelles que soient les promotions retenues pour les annexes sur l&#x27;enquête (2)</li>" in kept
