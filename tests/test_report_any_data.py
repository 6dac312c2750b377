"""The report on data unlike the sample: nothing in it may be true only of the shipped sample (issue 11).

One build (``contrasting_report``, slow) of tests/datasets.py's data set: three promotions, no
``defi`` column, a question nobody answered (mentors' satisfaction, chart fig03), one mentor in
promotion 1, answers unlike the paper's. Each test reads the rendered pages or tables as a reviewer
would. The forbidden-words scan also runs on the sample's report (tests/test_report.py).
"""

import csv
import re

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from datasets import SIZES, TWICE, UNANSWERED
from helpers import fmt, render
from helpers.codebook import load_codebooks
from helpers.headcounts import populations
from reader_pages import forbidden_in, reader_pages, reader_text

slow = pytest.mark.slow


def _soup(path):
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _page(report, name):
    return report.out / "report" / f"{name}.html"


# ---- the scan itself (fast) -------------------------------------------------------------------


def test_the_forbidden_words_scan_catches_them_and_spares_french_prose(tmp_path):
    page = tmp_path / "p.html"
    page.write_text("<p>Le working paper dit top 2 ; point(s) ; include_verbatims = None ; n eff. = 0,0.</p>"
                    "<p><code>min_cell</code> Le document de travail, deux niveaux les plus hauts, "
                    "3,2 points de pourcentage, aucune réponse.</p><img alt='La promotion 2 pèse davantage'>",
                    encoding="utf-8")
    found = " | ".join(forbidden_in(reader_text(page)))
    for why in ("English name", "top 2", "code-style plural", "code name", "Python value", "effective size",
                "over-represented"):
        assert why in found, why
    assert "min_cell" not in reader_text(page)
    page.write_text("<p>Le document de travail ; 3,2 points de pourcentage ; Nonobstant, nanomètre.</p>",
                    encoding="utf-8")
    assert forbidden_in(reader_text(page)) == []


# ---- the report built on the contrasting data set (slow) ----------------------------------------


@slow
def test_no_forbidden_word_on_any_reader_page(contrasting_report):
    for path in reader_pages(contrasting_report.out / "report"):
        assert forbidden_in(reader_text(path)) == [], path.name


@slow
def test_nothing_claims_a_calibration_the_data_do_not_have(contrasting_report):
    report = contrasting_report.out / "report"
    for path in [*reader_pages(report), *sorted((report / "code").glob("*.html"))]:
        text = path.read_text(encoding="utf-8").lower()
        assert "calibr" not in text and "par construction" not in text, path.name
        banner = _soup(path).find(class_="synthetic-banner")
        expected = render.PUBLIC_FACTS_BANNER if path.stem == "04_programme_en_chiffres" else render.BANNER
        assert banner is not None and banner.get_text(strip=True) == expected, path.name
    pdf = " ".join(page.extract_text() for page in PdfReader(report / "appendices.pdf").pages).lower()
    assert "calibr" not in pdf and "cohérence interne" not in pdf


@slow
def test_appendix_f_says_the_answers_are_invented(contrasting_report):
    text = reader_text(_page(contrasting_report, "05_verification_affirmations"))
    assert "synthétique, sans lien avec les graphiques du document de travail" in text
    assert "cohérence interne" not in text


@slow
def test_a_question_nobody_answered_reads_aucune_reponse(contrasting_report):
    """Mentors' satisfaction (fig03): no value anywhere, nothing masked, not compared, no n_eff."""
    group, qid = UNANSWERED
    table = pd.read_csv(contrasting_report.out / "tables" / "indicators.csv")
    rows = table[(table.question_id == qid) & (table.group == group)]
    assert len(rows) and (rows.base == 0).all() and rows.share.isna().all() and rows.n_eff.isna().all()
    soup = _soup(_page(contrasting_report, "01_perennisation_outils"))
    figure = soup.find("figure", id="fig03_mentor")
    parts = [tr.find_all("td")[2].get_text() for tr in figure.select("details table tbody tr")]
    assert parts and set(parts) == {fmt.NO_ANSWER}
    assert "masqué" not in figure.img["alt"] and "aucune réponse" in figure.img["alt"]
    check = figure.find_next("details", class_="eig-published")
    caption = check.summary.get_text()
    assert "aucune valeur comparée ; 4 sans réponse dans ces données, non comparées" in caption
    assert {tr.find_all("td")[-1].get_text() for tr in check.select("tbody tr")} == {"sans objet"}
    question = load_codebooks()[group][qid].text
    sentence = [p.get_text(" ") for p in soup.find_all("p") if p.strong and p.strong.get_text() == question]
    assert len(sentence) == 1 and "mentors : aucune réponse" in sentence[0] and "masqué" not in sentence[0]
    for path in reader_pages(contrasting_report.out / "report"):
        assert not re.search(r"n eff\. = 0\b", reader_text(path)), path.name


@slow
def test_without_challenges_the_challenge_reading_is_not_available(contrasting_report):
    assert not (contrasting_report.out / "tables" / "indicators-defi.csv").exists()
    for name in ("00_methode_population", "02_transformation_numerique"):
        soup = _soup(_page(contrasting_report, name))
        assert "Lecture par défi non disponible" in soup.get_text()
        assert "Défis (un vote par défi)" not in soup.get_text()
        assert not [c for c in soup.find_all("caption") if "par défi" in c.get_text()]


@slow
def test_free_text_counts_are_answers_not_distinct_texts(contrasting_report):
    codebooks = load_codebooks()
    answers = {}
    for group in ("eig", "mentor"):
        with open(contrasting_report.data / f"{group}.csv", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        for q in codebooks[group]:
            if q.type == "free_text":
                answers[(group, q.text)] = sum(1 for r in rows if r[q.id].strip())
    seen = 0
    for name in ("01_perennisation_outils", "02_transformation_numerique", "03_role_programme"):
        for block in _soup(_page(contrasting_report, name)).select("div.eig-verbatims"):
            head = block.p.get_text()
            group = "mentor" if "mentors" in head.split(",")[-2] else "eig"
            n = int(re.search(r"\((\d+) réponses? libres?", head).group(1))
            assert n == answers[(group, block.p.strong.get_text())], head
            items = block.find_all("li")
            assert all(li.get_text().startswith("Réponse fictive") for li in items)
            seen += 1
    assert seen >= 3
    assert f"{TWICE} (2 réponses identiques)" in reader_text(_page(contrasting_report, "03_role_programme"))


@slow
def test_sentences_about_promotions_follow_these_data(contrasting_report):
    """Hand check: EIG 4/7/9 of 11/28/32 → promotion 1 weighs most (20 % vs 15 %), promotion 2 least;
    mentors 1/4/6 of 6/18/21 → promotion 3 most, promotion 1 least."""
    pops = populations()
    assert [pops[("eig", p)] for p in (1, 2, 3)] == [11, 28, 32]
    assert [pops[("mentor", p)] for p in (1, 2, 3)] == [6, 18, 21]
    assert SIZES == {"eig": {1: 4, 2: 7, 3: 9}, "mentor": {1: 1, 2: 4, 3: 6}}
    text = reader_text(_page(contrasting_report, "00_methode_population"))
    assert ("Parmi les EIG répondants, la promotion 1 est la plus représentée au regard de sa population "
            "(20 % des répondants pour 15 % de la population), la promotion 2 la moins") in text  # NNBSP read as spaces
    assert "Parmi les mentors répondants, la promotion 3 est la plus représentée" in text
    assert "20 EIG (promotion 1 : 4, promotion 2 : 7, promotion 3 : 9)" in text
    table = pd.read_csv(contrasting_report.out / "tables" / "indicators.csv")
    rows = table[(table.subgroup == "all") & (table.weighting == "none") & table.group.isin(["eig", "mentor"])
                 & (table.base > 0) & (table.option != "top2")]
    assert f"Les questions ont reçu de {rows.base.min()} à {rows.base.max()} réponses par groupe" in text


@slow
def test_parameters_and_provenance_in_french(contrasting_report):
    for path in reader_pages(contrasting_report.out / "report"):
        footer = _soup(path).find("footer")
        text = footer.get_text(" ")
        assert "Promotions retenues : 1, 2, 3" in text and "données synthétiques" in text
        assert "Réponses libres : automatique" in text and 'PROMOTIONS="1 2 3"' in text


@slow
def test_lines_under_each_chart_are_true_of_the_contrasting_data(contrasting_report):
    """Champ names the run's three promotions and the data set's kind; each Lecture's share is its count over its base."""
    seen = 0
    for path in sorted((contrasting_report.out / "report").glob("[0-9]*.html")):
        for block in _soup(path).select("figure.eig-figure:not(#programme_source_code) .eig-source"):
            lines = [p.get_text(" ", strip=True) for p in block.find_all("p")]
            assert "promotions 1, 2 et 3" in lines[0], lines[0]
            assert "calibré" not in lines[1] and "synthétiques" in lines[1], lines[1]
            match = re.search(r"(\d+)\u202f% des .*? \((\d+) sur (\d+)\)", lines[2])
            if match:
                share, k, n = map(int, match.groups())
                assert fmt.pct(k / n) == f"{share}\u202f%", lines[2]
                seen += 1
    assert seen >= 5
