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

pytestmark = pytest.mark.slow
NAMES = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9]*.ipynb"))
BANNER = "Données synthétiques — illustration de la méthode, pas les résultats réels de l’enquête"


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
    assert BANNER in soup.get_text()
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
    """PROMOTIONS=2 changes the bases; WEIGHTING=promotion changes the main reading."""
    variants = {}
    for name, args in {"promo2": ["PROMOTIONS=2"], "weighted": ["WEIGHTING=promotion"]}.items():
        out = tmp_path / name
        targets = [f"{out}/notebooks/{n}.ipynb" for n in NAMES] + [f"{out}/tables/indicators.csv"]
        make("-j2", f"OUT={out}", *args, *targets)
        variants[name] = out
    base = (full_report / "tables" / "indicators.csv").read_text()
    assert (variants["promo2"] / "tables" / "indicators.csv").read_text() != base
    assert "promotion=1" not in (variants["promo2"] / "tables" / "indicators.csv").read_text()
    weighted = (variants["weighted"] / "notebooks" / "01_perennisation_outils.ipynb").read_text()
    assert "pondérée par promotion" in weighted or "Lecture principale : pondérée" in weighted
    assert weighted != (full_report / "notebooks" / "01_perennisation_outils.ipynb").read_text()
