"""The report `make report` builds on the sample, read as a reviewer would (slow: one full build).

Static checks of every real page: no code input in the reviewer view, every figure of the
executed notebook present with an alt text giving its base and a data table beside it,
the provenance footer and the synthetic banner, French and one h1; the PDF's text has the
title page, the table of contents and every chapter. Plus the PROMOTIONS and WEIGHTING
variants, which must run and change what they should.
"""

import re

import nbformat
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from conftest import ROOT, make
from helpers import render
from reader_pages import forbidden_in, reader_pages, reader_text

pytestmark = pytest.mark.slow
NAMES = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9]*.ipynb"))
BANNER = ("Données synthétiques calibrées sur les graphiques publiés du document de travail — "
          "illustration de la méthode, pas les résultats réels de l’enquête")


def _soup(path):
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _figures_in(notebook) -> int:
    nb = nbformat.read(notebook, as_version=4)
    html = "".join(o.get("data", {}).get("text/html", "") for c in nb.cells if c.cell_type == "code"
                   for o in c.outputs)
    return html.count('<figure class="eig-figure"')


@pytest.mark.parametrize("name", NAMES)
def test_reviewer_page(full_report, name):
    soup = _soup(full_report / "report" / f"{name}.html")
    assert soup.html["lang"] == "fr"
    assert len(soup.find_all("h1")) == 1 and soup.h1.get_text().startswith("Annexe ")
    assert not soup.select(".jp-CodeCell .jp-InputArea, .jp-CodeCell .jp-Editor")
    assert "Appendix(data_dir" not in soup.get_text()
    figures = soup.select("figure.eig-figure")
    assert len(figures) == _figures_in(full_report / "notebooks" / f"{name}.ipynb")
    for figure in figures:
        alt = figure.img["alt"]
        assert re.search(r"n = \d+|\d+ sur \d+|base \d+", alt), alt
        table = figure.select_one("details table")
        assert table is not None and table.caption and table.find("th")
    # Appendix E reads no answer (notebook metadata eig.reads_survey): its banner says so instead.
    reads_survey = render.reads_survey(nbformat.read(full_report / "notebooks" / f"{name}.ipynb", as_version=4))
    assert (BANNER if reads_survey else render.PUBLIC_FACTS_BANNER) in soup.get_text()
    footer = soup.find("footer")
    assert footer and "SHA-256" in footer.get_text() and "papermill" in footer.get_text()


@pytest.mark.parametrize("name", NAMES)
def test_code_view_shows_the_code(full_report, name):
    soup = _soup(full_report / "report" / "code" / f"{name}.html")
    assert soup.html["lang"] == "fr"
    assert "Appendix(data_dir" in soup.get_text()


def test_pdf_has_title_page_toc_and_every_chapter(full_report):
    reader = PdfReader(full_report / "report" / "appendices.pdf")
    text = "\n".join(page.extract_text() for page in reader.pages)
    first = reader.pages[0].extract_text()
    assert "Annexes du document de travail" in first and "Données synthétiques" in first
    assert "Sommaire" in reader.pages[1].extract_text()
    titles = [_soup(full_report / "report" / f"{n}.html").h1.get_text(strip=True) for n in NAMES]
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles == outline[: len(titles)]
    flat = " ".join(text.split())
    assert all(title in flat for title in titles)
    assert re.search(r"Page \d+ sur \d+", text)
    assert reader.metadata.title.startswith("Annexes du document de travail")


def test_promotion_and_weighting_variants(full_report, tmp_path):
    """PROMOTIONS=2 changes the bases; WEIGHTING=promotion changes the main reading. (Every survey
    notebook runs weighted and on other promotions in tests/test_empty_selections.py.)"""
    variants = {}
    for name, args, target in [("promo2", ["PROMOTIONS=2"], "tables/indicators.csv"),
                               ("weighted", ["WEIGHTING=promotion"], "notebooks/01_perennisation_outils.ipynb")]:
        out = tmp_path / name
        make("-j2", f"OUT={out}", *args, f"{out}/{target}")
        variants[name] = out
    base = (full_report / "tables" / "indicators.csv").read_text()
    assert (variants["promo2"] / "tables" / "indicators.csv").read_text() != base
    assert "promotion=1" not in (variants["promo2"] / "tables" / "indicators.csv").read_text()
    weighted = (variants["weighted"] / "notebooks" / "01_perennisation_outils.ipynb").read_text()
    assert "pondérée par promotion" in weighted or "Lecture principale : pondérée" in weighted
    assert weighted != (full_report / "notebooks" / "01_perennisation_outils.ipynb").read_text()


def test_no_forbidden_word_on_any_reader_page(full_report):
    """French prose: the paper is « le document de travail », no English or code names, no sample-only facts."""
    for path in reader_pages(full_report / "report"):
        assert forbidden_in(reader_text(path)) == [], path.name


def test_on_the_calibrated_sample_agreement_is_by_construction_and_readings_are_shown(full_report):
    checks = 0
    for name in NAMES[1:4]:
        soup = _soup(full_report / "report" / f"{name}.html")
        for details in soup.select("details.eig-published"):
            caption = details.summary.get_text()
            assert " identiques par construction : l'échantillon synthétique a été calibré" in caption, caption
            column = [th.get_text() for th in details.select("thead th")].index("Valeur publiée")
            readings = {tr.find_all(["th", "td"])[column].get_text() for tr in details.select("tbody tr")}
            assert readings <= {"valeur imprimée", "lue sur l'axe du graphique"} and readings, caption
            checks += 1
    assert checks == 23  # every chart of the paper
    text = _soup(full_report / "report" / "01_perennisation_outils.html").get_text()
    assert "≈ 90,5\u202f%" in text  # fig10, read off the axis


def test_synthetic_free_text_is_marked_fictive(full_report):
    items = [li for name in NAMES for li in
             _soup(full_report / "report" / f"{name}.html").select("div.eig-verbatims li")]
    assert len(items) >= 20
    assert all(li.find("span", class_="eig-fictive").get_text() == "Réponse fictive" for li in items)
    assert not [li for li in items if "Living Lab" in li.get_text() or "chatbot" in li.get_text()]


def _numbered(report):
    """Each reader page's numbers (« Graphique B.3 ») in order, and its text."""
    pages = {}
    for path in sorted((report / "report").glob("[0-9]*.html")):
        soup = _soup(path)
        pages[path.stem] = ([s.get_text(strip=True) for s in soup.select(".eig-number")], soup.get_text(" "))
    return pages


def test_figures_and_tables_numbered_per_appendix_and_every_citation_resolves(full_report):
    from helpers import numbering

    pages = _numbered(full_report)
    known = set()
    for name, (labels, _) in pages.items():
        letter = "ABCDEF"[int(name[:2])]
        assert labels, name
        assert len(labels) == len(set(labels)), name  # each number once per appendix
        for kind in ("Graphique", "Tableau"):
            mine = [int(x.split(".")[1]) for x in labels if x.startswith(f"{kind} {letter}.")]
            assert mine == list(range(1, len(mine) + 1)), (name, kind)  # 1, 2, 3… in reading order
        assert all(x.split()[1][0] == letter for x in labels), name
        known |= set(labels)
    for name, (_, text) in pages.items():
        assert numbering.unresolved(text, known) == [], name
    claims = pages["05_verification_affirmations"][1]
    # The paper's charts are cited as such, with the appendices' number where they are shown.
    assert not re.search(r"graphique \d+ \(p\.", claims)
    cited = re.findall(r"graphique (\d+) du document de travail \(graphique ([A-F]\.\d+) de ces annexes\)", claims)
    assert cited and all(f"Graphique {own}" in known for _, own in cited)


def test_every_chart_has_champ_source_lecture_and_recipe(full_report):
    for name in NAMES:
        soup = _soup(full_report / "report" / f"{name}.html")
        for figure in soup.select("figure.eig-figure"):
            leads = [s.get_text(strip=True) for s in figure.select(".eig-source .eig-lead")]
            assert leads == ["Champ :", "Source :", "Lecture :", "Recette :"], (name, figure.get("id"))
            recipe = figure.select_one(".eig-recipe").get_text(" ")
            assert "helpers.figures." in recipe
            # Survey charts name their indicators.csv rows; the programme's chart counts public facts.
            assert ("indicators.csv" in recipe) != (figure.get("id") == "programme_source_code"), recipe


def test_index_opens_with_findings_and_differences_and_pages_link_their_neighbours(full_report):
    soup = _soup(full_report / "report" / "index.html")
    main = soup.find("main")
    assert main.find("h2").get_text(strip=True) == "Ce qu’il faut retenir"
    assert soup.find(id="differences") is not None
    assert len(soup.select("ul.differences > li")) >= 10
    assert soup.select("ul.findings li")
    for i, name in enumerate(NAMES):
        pager = [a["href"] for a in _soup(full_report / "report" / f"{name}.html").select("nav.pager a")]
        expected = ([f"{NAMES[i - 1]}.html"] if i else []) + ([f"{NAMES[i + 1]}.html"] if i + 1 < len(NAMES) else [])
        assert pager == expected, name
