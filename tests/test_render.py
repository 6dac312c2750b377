"""Rendering of executed notebooks: reviewer and code pages, PDF, index (helpers.render).

The notebooks are small test notebooks built here and executed with papermill, since
the real appendices need the full data pipeline. ``build_report`` is also used by
tests/test_browser.py.
"""

from __future__ import annotations

import hashlib
import os
import re
from datetime import date
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

import pdfcheck
from helpers import origin, render
from helpers.sidecar import is_synthetic
from helpers.manifest import RUN_DATE

HOSTILE = (
    "## Réponse libre\n\n"
    "<script>alert('xss')</script> et [un lien](javascript:alert(1)) "
    '<a href="javascript:alert(2)">autre lien</a> <img src=x onerror=alert(3)> '
    '<iframe src="https://example.org/"></iframe>\n\n'
    "# Un second titre de niveau 1\n"
)
PIXEL = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
FIGURE_BLOCK = (
    '<figure class="eig-figure" id="{id}"><img src="data:image/png;base64,{png}" alt="{alt}" width="40" height="40">'
    "<figcaption>{caption}</figcaption><details><summary>Données de la figure</summary>"
    '<table class="eig-table"><caption>{caption} (données)</caption><thead><tr><th scope="col">Réponse</th>'
    '<th scope="col">Part (%)</th></tr></thead><tbody><tr><th scope="row">Oui</th><td>62,5</td></tr>'
    '<tr><th scope="row">Non</th><td>37,5</td></tr></tbody></table></details></figure>'
)
PARAMETERS_SOURCE = (
    'data_dir = "data/sample"\nout_dir = "outputs"\npromotions = [1, 2]\nconfidence = 0.95\n'
    'min_cell = 3\nweighting = "none"\ninclude_verbatims = None'
)
#: name → (title, figure ids, alt texts)
NOTEBOOKS = {
    "00_essai_methode": ("Annexe A — Méthode d’essai", ["fig-a-outils"],
                         ["Barres : 62,5 % des outils sont pérennisés, 37,5 % ne le sont pas",
                          "Histogramme : trois promotions, la deuxième est la plus nombreuse"]),
    "01_essai_resultats": ("Annexe B — Résultats d’essai", ["fig-b-role"],
                           ["Barres : 62,5 % des mentors jugent le programme décisif"]),
}
PARAMS = {"promotions": [1, 2], "confidence": 0.9}


def _notebook(name: str):
    title, (fig_id,), alts = NOTEBOOKS[name]
    new_md, new_code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    cells = [
        new_md(f"# {title}"),
        new_code(PARAMETERS_SOURCE, metadata={"tags": ["parameters"]}),
        new_md("Texte d’introduction.\n\n#### Population étudiée\n\nLe niveau de ce titre est corrigé."),
        new_code(
            "from IPython.display import HTML, Markdown, display\n"
            f"display(HTML({FIGURE_BLOCK.format(id=fig_id, png=PIXEL, alt=alts[0], caption=f'Figure {fig_id}')!r}))"
        ),
    ]
    if name.startswith("00"):
        cells += [
            new_md("### Une figure matplotlib"),
            new_code(
                "import matplotlib.pyplot as plt\n"
                "fig, ax = plt.subplots(figsize=(4, 3))\n"
                "ax.bar(['1', '2', '3'], [10, 25, 15])\n"
                f"display(fig, metadata={{'image/png': {{'alt': {alts[1]!r}}}}})\n"
                "plt.close(fig)"
            ),
            new_md(HOSTILE),
            new_code("display(Markdown('Sortie <script>alert(4)</script> en markdown'))\n"
                     "display(HTML('<p>Sortie HTML</p><script>alert(5)</script>'))\nprint('promotions', promotions)"),
        ]
    else:
        wide = "".join(f"<th scope='col'>Colonne numéro {i}</th>" for i in range(14))
        wide += "</tr></thead><tbody><tr>" + "".join(f"<td>{i},0</td>" for i in range(14))
        cells += [
            new_md("## Un tableau large"),
            new_code(f"display(HTML(\"<table><caption>Tableau large</caption>"
                     f"<thead><tr>{wide}</tr></tbody></table>\"))"),
        ]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata.language_info = {"name": "python"}
    return nb


def _data_dir(path: Path, synthetic: bool) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    (path / "eig.csv").write_text("respondent_id,promotion\nr1,1\n", encoding="utf-8")
    (path / "DATASET.yaml").write_text(f"name: essai\nsynthetic: {str(synthetic).lower()}\n", encoding="utf-8")
    return path


def build_report(base: Path) -> dict:
    """Execute the test notebooks with papermill and render everything into ``base/report``."""
    import papermill as pm

    from helpers.pipeline import KERNEL_NAME

    data = _data_dir(base / "data", synthetic=True)
    executed = []
    for name in NOTEBOOKS:
        source = base / "src" / f"{name}.ipynb"
        source.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(_notebook(name), source)
        target = base / "notebooks" / f"{name}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        pm.execute_notebook(str(source), str(target), parameters={"data_dir": str(data), **PARAMS},
                            kernel_name=KERNEL_NAME, progress_bar=False, log_output=False)
        executed.append(target)
    report = base / "report"
    args = [str(p) for p in executed]
    for nb in executed:
        assert render.main(["render-notebook", str(nb), "--out-dir", str(report), "--data", str(data)]) == 0
    assert render.main(["pdf", *args, "--out", str(report / "appendices.pdf"), "--data", str(data)]) == 0
    assert render.main(["index", *args, "--out", str(report / "index.html"), "--data", str(data)]) == 0
    return {"report": report, "data": data, "executed": executed}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_report(tmp_path_factory.mktemp("render"))


def pages(report: Path) -> list[Path]:
    return [report / "index.html", *(report / f"{n}.html" for n in NOTEBOOKS),
            *(report / "code" / f"{n}.html" for n in NOTEBOOKS)]


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


# --- reviewer and code views -------------------------------------------------------


def test_every_output_file_is_written_and_no_temporary_file_is_left(built):
    report = built["report"]
    for path in [*pages(report), report / "appendices.pdf"]:
        assert path.is_file(), path
    assert not [p for p in report.rglob(".*")]


def test_reviewer_view_hides_code_and_code_view_shows_it(built):
    for name in NOTEBOOKS:
        reviewer = soup_of(built["report"] / f"{name}.html")
        code = soup_of(built["report"] / "code" / f"{name}.html")
        assert not reviewer.select(".jp-InputArea-editor, .highlight.hl-ipython3")
        assert "display(HTML" not in reviewer.main.get_text()
        assert code.select(".jp-InputArea-editor .highlight")
        assert "display(HTML" in code.main.get_text()


@pytest.mark.parametrize("view", ["", "code/"])
def test_every_figure_is_embedded_with_its_caption_and_data_table(built, view):
    for name, (_, fig_ids, alts) in NOTEBOOKS.items():
        soup = soup_of(built["report"] / f"{view}{name}.html")
        imgs = soup.find_all("img")
        assert [img["alt"] for img in imgs] == alts
        assert all(img["src"].startswith("data:image/png;base64,") for img in imgs)
        for fig_id in fig_ids:
            figure = soup.find("figure", id=fig_id)
            # Numbered at render, with the appendix's letter (helpers.numbering).
            assert re.fullmatch(rf"Graphique [A-F]\.\d+ — Figure {fig_id}", figure.figcaption.get_text())
            assert figure.details.summary.get_text() == "Données de la figure"
            assert [th["scope"] for th in figure.find_all("th")] == ["col", "col", "row", "row"]
            assert figure.table.caption


def test_footer_has_commit_fingerprints_parameters_versions_and_date(built):
    commit, dirty = origin.git_state()
    digests = {p.as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(built["data"].iterdir())}
    for path in pages(built["report"]):
        footer = soup_of(path).find("footer", class_="page-footer")
        text = footer.get_text(" ")
        assert commit in text and (("modifié" in text) == dirty)
        for name, digest in digests.items():
            assert name in text and digest in text
        for fragment in ("Promotions retenues : 1, 2", "Niveau de confiance des intervalles : 90\u202f%",
                         "Seuil de diffusion des sous-groupes : 3 répondants", "Données : ",
                         'PROMOTIONS="1 2" CONFIDENCE=0.9 MIN_CELL=3'):
            assert fragment in text, (path, fragment)
        assert "min_cell" not in text and "None" not in text
        for software in ("Python", "pandas", "seaborn", "papermill", "nbconvert"):
            assert re.search(rf"{software} \d+\.\d+", text), software
        time = footer.find("time", class_="run-date")
        assert time["datetime"] == time.get_text() == date.today().isoformat()


def test_banner_on_every_page_when_synthetic(built):
    for path in pages(built["report"]):
        banner = soup_of(path).find(class_="synthetic-banner")
        assert banner and banner.get_text(strip=True) == render.BANNER, path


def test_calibrated_data_get_their_own_banner(built, tmp_path):
    calibrated = _data_dir(tmp_path / "calibre", synthetic=True)
    (calibrated / "DATASET.yaml").write_text("synthetic: true\ncalibrated_to: Etalab 2019\n", encoding="utf-8")
    notebook = built["executed"][0]
    render.render_notebook(notebook, tmp_path / "report", calibrated)
    soup = soup_of(tmp_path / "report" / f"{notebook.stem}.html")
    assert soup.find(class_="synthetic-banner").get_text(strip=True) == render.CALIBRATED_BANNER
    assert "calibré" in soup.footer.get_text() and "calibré" not in render.BANNER


def test_no_banner_when_the_data_are_not_synthetic(built, tmp_path):
    real = _data_dir(tmp_path / "reel", synthetic=False)
    notebook = built["executed"][0]
    render.render_notebook(notebook, tmp_path / "report", real)
    render.render_index([notebook], tmp_path / "report" / "index.html", real)
    for path in (tmp_path / "report" / f"{notebook.stem}.html", tmp_path / "report" / "index.html"):
        soup = soup_of(path)
        assert not soup.find(class_="synthetic-banner") and "Données synthétiques" not in soup.get_text()


def test_an_appendix_reading_no_answer_says_so_instead_of_the_synthetic_banner(built, tmp_path):
    """Appendix E (metadata ``eig.reads_survey: false``) shows public facts: not « réponses inventées »."""
    nb = nbformat.read(built["executed"][0], as_version=4)
    nb.metadata["eig"] = {"reads_survey": False}
    notebook = tmp_path / "notebooks" / built["executed"][0].name
    notebook.parent.mkdir()
    nbformat.write(nb, notebook)
    real = _data_dir(tmp_path / "reel", synthetic=False)
    for data, expected in ((built["data"], render.PUBLIC_FACTS_BANNER), (real, None)):
        render.render_notebook(notebook, tmp_path / "report", data)
        for path in (tmp_path / "report" / f"{notebook.stem}.html", tmp_path / "report" / "code" / f"{notebook.stem}.html"):
            banner = soup_of(path).find(class_="synthetic-banner")
            assert (banner.get_text(strip=True) if banner else None) == expected, path


def test_structure_lang_title_one_h1_ordered_headings_skip_link(built):
    for path in pages(built["report"]):
        soup = soup_of(path)
        assert soup.html["lang"] == "fr"
        assert soup.title.get_text().strip()
        h1s = soup.find_all("h1")
        assert len(h1s) == 1, path
        levels = [int(h.name[1]) for h in soup.find_all(re.compile(r"^h[1-6]$"))]
        main_levels = [int(h.name[1]) for h in soup.main.find_all(re.compile(r"^h[1-6]$"))]
        assert main_levels[0] == 1 and levels.count(1) == 1
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), (path, levels)
        skip = soup.find("a", class_="skip-link")
        assert skip.get_text() == "Aller au contenu" and skip["href"] == "#contenu"
        assert soup.find("main")["id"] == "contenu"


def test_appendix_title_is_the_h1_and_the_page_title(built):
    for name, (title, _, _) in NOTEBOOKS.items():
        for path in (built["report"] / f"{name}.html", built["report"] / "code" / f"{name}.html"):
            soup = soup_of(path)
            assert soup.h1.get_text() == title
            assert soup.title.get_text().startswith(title)


def test_table_of_contents_links_to_every_section(built):
    for name in NOTEBOOKS:
        soup = soup_of(built["report"] / f"{name}.html")
        nav = soup.find("nav", attrs={"aria-label": "Sommaire"})
        targets = [a["href"] for a in nav.find_all("a")]
        headings = [h for h in soup.main.find_all(re.compile(r"^h[23]$"))]
        assert targets == [f"#{h['id']}" for h in headings]
        assert "Population étudiée" in nav.get_text()


def test_pages_load_nothing_from_outside(built):
    for path in pages(built["report"]):
        soup = soup_of(path)
        assert not soup.find_all(["script", "iframe", "link", "object", "embed"]), path
        for tag in soup.find_all(src=True):
            assert tag["src"].startswith("data:"), (path, tag.name)
        css = " ".join(s.get_text() for s in soup.find_all("style"))
        assert "@import" not in css and not re.search(r"url\((?!\s*['\"]?data:)", css)


def test_images_have_specific_alt_text(built):
    generic = {"", "image", "figure", "graphique", "no description has been provided for this image",
               render.MISSING_ALT.lower()}
    for path in pages(built["report"]):
        for img in soup_of(path).find_all("img"):
            assert img.get("alt", "").strip().lower() not in generic, path


def test_hostile_markdown_and_outputs_cannot_run_and_keep_their_text(built):
    for view in ("", "code/"):
        soup = soup_of(built["report"] / f"{view}00_essai_methode.html")
        main = soup.main.get_text(" ")
        assert not soup.find_all(["script", "iframe", "object", "embed"]) and not soup.main.find_all("style")
        assert not [t for t in soup.find_all(True) for a in t.attrs if a.lower().startswith("on")]
        assert not [a for a in soup.find_all("a", href=True) if "javascript" in a["href"].lower()]
        # The text of what is harmless stays: the links' words, the outputs' sentences.
        for kept in ("un lien", "autre lien", "Sortie", "en markdown", "Sortie HTML"):
            assert kept in main, kept


def test_a_later_level_one_heading_is_demoted():
    outline = render.Outline()
    assert outline.add(1, "Annexe A — Titre") == (1, "annexe-a-titre")
    assert outline.add(4, "Population") == (2, "population")
    assert outline.add(1, "Autre") == (2, "autre")
    assert outline.add(3, "Détail") == (3, "detail")
    assert outline.add(3, "Détail") == (3, "detail-2")
    assert outline.tree() == [
        {"id": "population", "text": "Population", "children": []},
        {"id": "autre", "text": "Autre", "children": [
            {"id": "detail", "text": "Détail", "children": []},
            {"id": "detail-2", "text": "Détail", "children": []},
        ]},
    ]


# --- sanitiser ------------------------------------------------------------------------


def test_sanitiser_keeps_figure_blocks_intact():
    block = FIGURE_BLOCK.format(id="fig-x", png=PIXEL, alt="Texte alternatif", caption="Légende")
    assert BeautifulSoup(render.clean_html(block), "html.parser") == BeautifulSoup(block, "html.parser")


@pytest.mark.parametrize(("hostile", "text"), [
    ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "x"),
    ('<a href=" JaVa\tScript:alert(1)">x</a>', "x"),
    ('<a href="' + " \t\n" * 50_000 + 'DaTa:text/html,x">x</a>', "x"),  # read past any padding
    ('<img src="https://example.org/pixel.png" alt="pisteur">', "pisteur"),
    ('<div style="background:url(https://example.org/)" onclick="alert(1)">x</div>', "x"),
    ("<svg><script>alert(1)</script></svg>", ""),
    ("<p>avant<style>p { color: red }</style><iframe src=\"https://example.org/\"></iframe> après</p>", "avant après"),
    ('<object data="x.swf"><embed src="x.swf">repli</object><form action="/"><input value="v"></form>', "repli"),
])
def test_sanitiser_drops_active_content_and_remote_resources_and_keeps_the_text(hostile, text):
    soup = BeautifulSoup(render.clean_html(hostile), "html.parser")
    assert not soup.find_all(["script", "svg", "img", "style", "iframe", "object", "embed", "form", "input"])
    for tag in soup.find_all(True):
        assert set(tag.attrs) <= {"class", "id", "title", "lang"}, tag
    assert soup.get_text() == text


def test_dataframe_style_block_is_dropped_not_printed():
    html = '<div><style scoped>.dataframe tbody tr th { vertical-align: top; }</style><table class="dataframe"></table></div>'
    cleaned = render.clean_html(html)
    assert "vertical-align" not in cleaned and "<table" in cleaned


# --- provenance ------------------------------------------------------------------------


def test_parameters_come_from_the_injected_cell_without_papermill_metadata(built):
    nb = nbformat.read(built["executed"][0], as_version=4)
    nb.metadata.pop("papermill")
    params = render.notebook_parameters(nb)
    assert params["confidence"] == 0.9 and params["min_cell"] == 3 and params["data_dir"] == str(built["data"])


@pytest.mark.parametrize(("content", "expected"), [("synthetic: true\n", True), ("synthetic: false\n", False),
                                                    ("synthetic: 'yes'\n", False), (None, False)])
def test_is_synthetic_reads_dataset_yaml(tmp_path, content, expected):
    if content is not None:
        (tmp_path / "DATASET.yaml").write_text(content, encoding="utf-8")
    assert is_synthetic(tmp_path) is expected


def test_run_date_follows_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1546300800")
    assert render.run_date() == "2019-01-01"


def test_pages_are_identical_between_runs_once_the_date_is_masked(built, tmp_path):
    notebook = built["executed"][1]
    render.render_notebook(notebook, tmp_path, built["data"])
    for rel in (f"{notebook.stem}.html", f"code/{notebook.stem}.html"):
        first = RUN_DATE.sub(b"", (built["report"] / rel).read_bytes())
        assert first == RUN_DATE.sub(b"", (tmp_path / rel).read_bytes())


def test_image_without_alt_gets_a_visible_fallback_and_a_warning(built, tmp_path, capsys):
    nb = nbformat.read(built["executed"][0], as_version=4)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            output.get("metadata", {}).pop("image/png", None)
    path = tmp_path / "sans_alt.ipynb"
    nbformat.write(nb, path)
    render.render_notebook(path, tmp_path / "report", built["data"])
    alts = [img["alt"] for img in soup_of(tmp_path / "report" / "sans_alt.html").find_all("img")]
    assert render.MISSING_ALT in alts
    assert "1 image(s) without alt text" in capsys.readouterr().err


def test_code_colours_meet_wcag_aa():
    from pygments.styles import get_style_by_name

    def luminance(colour: str) -> float:
        colour = colour.lstrip("#")
        if len(colour) == 3:
            colour = "".join(c * 2 for c in colour)
        channels = [int(colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    style = get_style_by_name(render.CODE_STYLE)
    background = luminance(style.background_color or "#ffffff")
    for token, spec in style:
        if spec["color"]:
            fg = luminance(spec["color"])
            ratio = (max(fg, background) + 0.05) / (min(fg, background) + 0.05)
            assert ratio >= 4.5, (token, spec["color"], ratio)


# --- PDF -------------------------------------------------------------------------------
# The book is assembled from one PDF per chapter (helpers.book): these tests read what the
# merge could lose (structure tree, destinations, bookmarks, page numbers) on the test book.


@pytest.fixture(scope="module")
def pdf(built):
    from pypdf import PdfReader

    return PdfReader(built["report"] / "appendices.pdf")


def test_pdf_title_page_cites_the_paper_with_commit_date_and_licences(pdf):
    from helpers.published import paper_reference

    first = " ".join(pdf.pages[0].extract_text().split())
    commit, _ = origin.git_state()
    paper = paper_reference()
    for fragment in (render.SITE_TITLE, "Données synthétiques", f"« {paper.title} »", paper.date, paper.publisher,
                     commit, date.today().isoformat(), "licence MIT", "Licence Ouverte 2.0"):
        assert fragment in first, fragment
    assert "Page 1" not in first  # no folio on the title page


def test_pdf_is_french_with_a_bookmark_per_chapter_and_every_font_embedded(pdf):
    # The contents' page numbers: tests/test_pdf.py, on the report's own PDF.
    assert pdf.trailer["/Root"]["/Lang"] == "fr"
    top = [item.title for item in pdf.outline if not isinstance(item, list)]
    assert top == [title for title, _, _ in NOTEBOOKS.values()] + ["Provenance"]
    assert isinstance(pdf.outline[1], list)  # sections nested under the first chapter
    assert pdf.get_destination_page_number(pdf.outline[-1]) == len(pdf.pages) - 1
    for page in pdf.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            descendant = font.get_object()
            if "/DescendantFonts" in descendant:
                descendant = descendant["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), descendant["/BaseFont"]


def test_pdf_is_tagged_with_figure_alt_texts(built, pdf):
    root = pdf.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"]
    path = built["report"] / "appendices.pdf"
    assert pdfcheck.figure_alts(path) == [alt for _, _, alts in NOTEBOOKS.values() for alt in alts]
    assert pdfcheck.structure_problems(path) == []


def test_pdf_links_resolve_to_named_destinations(pdf):
    destinations = pdf.named_destinations
    links = [annot.get_object() for page in pdf.pages[:2] for annot in page.get("/Annots", [])]
    targets = {str(link["/Dest"]) for link in links if "/Dest" in link}
    assert {f"{name}-chapitre" for name in NOTEBOOKS} | {"provenance"} <= targets <= set(destinations)


def test_chapters_are_reused_unless_their_notebook_is_newer(built, tmp_path, monkeypatch):
    from helpers import book

    chapters, out = tmp_path / "chapitres", tmp_path / "livre.pdf"
    for notebook in built["executed"]:
        render.render_notebook(notebook, tmp_path / "report", built["data"], chapters)
    assert sorted(p.name for p in chapters.iterdir()) == sorted(
        f"{n}{ext}" for n in NOTEBOOKS for ext in (".json", ".pdf", ".pdf.sha256"))
    laid_out = []
    original = book.write_chapter
    monkeypatch.setattr(book, "write_chapter", lambda html, title, css, path, restricted=False: laid_out.append(path.stem)
                        or original(html, title, css, path))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1546300800")  # fonts and the title page carry the date
    render.render_pdf(built["executed"], out, built["data"], chapters)
    assert laid_out == []
    first = out.read_bytes()
    cached = sorted(p.name for p in chapters.glob("*.pdf") if p.name.startswith(("front-", "folios-")))
    assert len(cached) == 2  # the front matter and the folios, reused while unchanged
    for name in cached:
        (chapters / name).unlink()
    render.render_pdf(built["executed"], out, built["data"], chapters)
    assert out.read_bytes() == first  # same chapters, same bytes
    stale = chapters / f"{built['executed'][1].stem}.pdf"
    os.utime(stale, (0, 0))
    render.render_pdf(built["executed"], out, built["data"], chapters)
    assert laid_out == [built["executed"][1].stem]


# --- index -----------------------------------------------------------------------------


def test_index_links_every_appendix_in_every_form_and_describes_the_run(built):
    soup = soup_of(built["report"] / "index.html")
    hrefs = {a["href"] for a in soup.find_all("a", href=True)}
    for name, (title, _, _) in NOTEBOOKS.items():
        assert {f"{name}.html", f"code/{name}.html", f"appendices.pdf#{name}-chapitre"} <= hrefs
        assert title in soup.main.get_text()
    assert soup.h1.get_text() == "Annexes du document de travail"
    assert soup.find("nav")
    main = soup.main.get_text(" ")
    assert "programme Entrepreneurs d’intérêt général" in main
    for path in built["data"].iterdir():
        assert hashlib.sha256(path.read_bytes()).hexdigest() in main
    assert "Niveau de confiance des intervalles : 90\u202f%" in main and soup.main.find("time", class_="run-date")


def test_mixed_runs_are_refused(built, tmp_path):
    nb = nbformat.read(built["executed"][1], as_version=4)
    nb.metadata.papermill.parameters["confidence"] = 0.8
    other = tmp_path / "autre.ipynb"
    nbformat.write(nb, other)
    with pytest.raises(SystemExit, match="different parameters"):
        render.render_index([built["executed"][0], other], tmp_path / "index.html", built["data"])


# --- recipe sources -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["helpers.figures.bar_shares", "helpers.figures.stacked_scale",
                                  "helpers.programme.source_code_share", "helpers.cache.memoized"])
def test_function_source_is_what_inspect_gives_without_importing(name):
    import importlib
    import inspect

    module, _, attr = name.rpartition(".")
    assert render.function_source(name) == inspect.getsource(getattr(importlib.import_module(module), attr))


def test_recipe_names_link_to_their_source_at_the_end_of_the_page():
    page = ("<main><p>tracé par <code>helpers.figures.bar_shares</code> ; "
            "<code>helpers.figures.no_such_function</code></p></main>")
    linked = BeautifulSoup(render.link_recipe_sources(page), "html.parser")
    (link,) = linked.select('a[href="#source-helpers-figures-bar_shares"]')
    assert link.get_text() == "helpers.figures.bar_shares"
    source = linked.select_one("section.recipe-sources details#source-helpers-figures-bar_shares")
    assert "def bar_shares(" in source.get_text()
    assert not linked.select('a[href*="no_such_function"]') and render.function_source("helpers.nope.x") is None


def test_a_chapter_that_cannot_be_laid_out_fails_the_step_after_the_pages(built, tmp_path, monkeypatch):
    """The chapter is laid out in a child process beside the HTML views: its failure still fails the step."""
    from helpers import book

    def broken(*args, **kwargs):
        raise RuntimeError("no layout")

    monkeypatch.setattr(book, "write_chapter", broken)
    notebook = built["executed"][0]
    with pytest.raises(SystemExit, match=f"{notebook.name}: laying out its PDF chapter failed"):
        render.render_notebook(notebook, tmp_path / "report", built["data"], tmp_path / "chapitres")
    assert (tmp_path / "report" / f"{notebook.stem}.html").stat().st_size > 0
    assert not (tmp_path / "chapitres" / f"{notebook.stem}.pdf").exists()


def test_a_notebook_that_cannot_be_read_ends_the_chapter_child_too(built, tmp_path, monkeypatch):
    """The chapter's child is forked before the notebook is read: it must not wait for a page never sent."""
    import multiprocessing

    def unreadable(path):
        raise ValueError("not a notebook")

    monkeypatch.setattr(render, "_read", unreadable)
    # The failure is kept, as an uncaught one is (sys.last_exc) while multiprocessing joins the children at exit.
    with pytest.raises(ValueError, match="not a notebook") as failure:
        render.render_notebook(built["executed"][0], tmp_path / "report", built["data"], tmp_path / "chapitres")
    for child in multiprocessing.active_children():
        child.join(timeout=20)
        assert child.exitcode == 0, failure
    assert not (tmp_path / "chapitres").exists() or not any((tmp_path / "chapitres").iterdir())


def test_a_chapter_is_laid_out_again_only_when_its_page_changes(tmp_path, monkeypatch):
    from helpers import book

    layouts = []
    monkeypatch.setattr(book, "_pdf", lambda page, tagged=True: layouts.append(page) or f"%PDF {len(layouts)}".encode())
    out = tmp_path / "annexe.pdf"
    book.write_chapter("<h1>Annexe</h1><p>un</p>", "Annexe", "", out)
    os.utime(out, (0, 0))
    book.write_chapter("<h1>Annexe</h1><p>un</p>", "Annexe", "", out)
    assert len(layouts) == 1 and out.read_bytes() == b"%PDF 1" and out.stat().st_mtime > 0  # kept, dated now
    book.write_chapter("<h1>Annexe</h1><p>deux</p>", "Annexe", "", out)
    book.write_chapter("<h1>Annexe</h1><p>deux</p>", "Annexe", "", out, restricted=True)
    assert len(layouts) == 3 and out.read_bytes() == b"%PDF 3"
    (tmp_path / "annexe.pdf.sha256").write_text("another page", encoding="utf-8")
    book.write_chapter("<h1>Annexe</h1><p>deux</p>", "Annexe", "", out, restricted=True)
    assert len(layouts) == 4
    monkeypatch.setattr(book, "_pdf", lambda page, tagged=True: 1 / 0)  # a layout that fails keeps no digest
    with pytest.raises(ZeroDivisionError):
        book.write_chapter("<h1>Annexe</h1><p>trois</p>", "Annexe", "", out)
    assert not (tmp_path / "annexe.pdf.sha256").exists()
