"""appendices.pdf of the report `make report` builds on the sample, read as a reviewer would (slow).

The PDF is assembled from one PDF per chapter (helpers.book). A reviewer found every chart's
alt text printed under it, headings and table captions alone at the bottom of a page, tables
split without their header and a title page without citation, date or licence: each is
checked here on the real appendices, together with what the merge must keep (structure tree,
named destinations the index links to).
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

import pdfcheck
from conftest import MAKE_ENV, ROOT
from helpers import origin
from helpers.published import paper_reference

pytestmark = pytest.mark.slow
NAMES = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9]*.ipynb"))


@pytest.fixture(scope="module")
def book(full_report):
    return full_report / "report" / "appendices.pdf"


def _alts(full_report) -> list[str]:
    alts = []
    for name in NAMES:
        soup = BeautifulSoup((full_report / "report" / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
        alts += [img["alt"] for img in soup.main.find_all("img")]
    return alts


def test_no_alt_text_is_printed_but_every_one_is_in_the_structure_tree(full_report, book):
    alts = _alts(full_report)
    assert alts, "the appendices have figures"
    text = pdfcheck.visible_text(book)
    printed = [alt for alt in alts if " ".join(alt.split()) in text]
    assert printed == []
    assert pdfcheck.figure_alts(book) == alts


def test_title_page_cites_the_paper_and_gives_commit_date_and_licences(book):
    first = " ".join(PdfReader(book).pages[0].extract_text().split())
    paper = paper_reference()
    commit, _ = origin.git_state()
    run_date = datetime.fromtimestamp(int(MAKE_ENV["SOURCE_DATE_EPOCH"]), tz=timezone.utc).date()
    for fragment in (f"« {paper.title} »", paper.publisher, paper.date, commit, run_date.isoformat(),
                     "licence MIT", "Licence Ouverte 2.0"):
        assert fragment in first, fragment
    assert run_date <= date.today()


def test_no_heading_or_caption_ends_a_page_and_split_tables_repeat_their_header(book):
    assert pdfcheck.layout_problems(book) == []


def test_the_merged_structure_tree_is_consistent(book):
    assert pdfcheck.structure_problems(book) == []


def test_every_chapter_has_its_destination_bookmark_and_running_header(full_report, book):
    reader = PdfReader(book)
    texts = [page.extract_text() for page in reader.pages]
    titles = [BeautifulSoup((full_report / "report" / f"{n}.html").read_text(encoding="utf-8"),
                            "html.parser").h1.get_text(strip=True) for n in NAMES]
    starts = [reader.get_destination_page_number(reader.named_destinations[f"{n}-chapitre"]) for n in NAMES]
    assert starts == sorted(starts)
    outline = [item for item in reader.outline if not isinstance(item, list)]
    assert [item.title for item in outline] == [*titles, "Provenance"]
    assert [reader.get_destination_page_number(item) for item in outline[:-1]] == starts
    for title, start, end in zip(titles, starts, [*starts[1:], len(texts) - 1]):
        for i in range(start, end):
            assert title in texts[i], (title, i + 1)
    toc = dict(pdfcheck.toc_entries("\n".join(texts[1:starts[0]])))
    assert [toc[title] for title in titles] == [start + 1 for start in starts]


def test_the_contents_give_each_section_the_page_it_starts_on(full_report, book):
    """Each appendix's sections (its h2 headings) in the contents, with the page of their destination."""
    reader = PdfReader(book)
    first = reader.get_destination_page_number(reader.named_destinations[f"{NAMES[0]}-chapitre"])
    toc = dict(pdfcheck.toc_entries("\n".join(page.extract_text() for page in reader.pages[1:first])))
    sections = [(f"{name}-{h2['id']}", h2.get_text(strip=True)) for name in NAMES
                for h2 in BeautifulSoup((full_report / "report" / f"{name}.html").read_text(encoding="utf-8"),
                                        "html.parser").main.find_all("h2")]
    assert len(sections) > len(NAMES)
    printed = {text: toc.get(text) for _, text in sections}
    assert printed == {text: reader.get_destination_page_number(reader.named_destinations[id_]) + 1
                       for id_, text in sections}
