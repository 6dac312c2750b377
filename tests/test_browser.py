"""The rendered report in a real browser (Debian's chromium through Playwright) and axe-core.

Opens the index and every appendix page (both views) over ``file://`` and checks
what static HTML checks cannot: images decode, links and anchors resolve, nothing
runs (no dialog, no console error), no request leaves the page, no horizontal
scrolling at 360 px, and no serious or critical axe-core violation.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from test_render import NOTEBOOKS, build_report
from conftest import ROOT

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
BLOCKING = {"serious", "critical"}
REAL = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9]*.ipynb"))


def _pages(names) -> list[str]:
    return ["index.html", *(f"{n}.html" for n in names), *(f"code/{n}.html" for n in names)]


#: (source, page): the test notebooks (hostile text, edge cases) and the real `make report`.
PAGES = [("fixture", p) for p in _pages(NOTEBOOKS)] + [("make", p) for p in _pages(REAL)]
IDS = [f"{s}:{p}" for s, p in PAGES]


@pytest.fixture(scope="module")
def fixture_report(tmp_path_factory):
    return build_report(tmp_path_factory.mktemp("browser"))["report"]


@pytest.fixture
def report(request):
    """The report a case runs on; skips with the reason when the browser tooling is absent."""
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium not installed: apt-get install chromium")
    if not AXE.exists():
        pytest.skip("axe-core not installed: run `npm ci` at the repository root")
    source = request.node.callspec.params["source"]
    if source == "make":
        return request.getfixturevalue("full_report") / "report"
    return request.getfixturevalue("fixture_report")


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium not installed: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


class Visit:
    """A page opened with listeners for console errors, dialogs and requests."""

    def __init__(self, browser, path: Path, width: int = 1280):
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("dialog", self._dialog)
        self.page.on("request", lambda req: self.requests.append(req.url))
        self.page.goto(path.as_uri(), wait_until="load")

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def close(self) -> None:
        self.context.close()


def _ids(path: Path) -> set[str]:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return {tag["id"] for tag in soup.find_all(id=True)}


def _pdf_destinations(path: Path) -> set[str]:
    from pypdf import PdfReader

    return set(PdfReader(path).named_destinations)


@pytest.mark.parametrize("source, rel", PAGES, ids=IDS)
def test_page_loads_cleanly_offline(browser, report, source, rel):
    path = report / rel
    visit = Visit(browser, path)
    try:
        page = visit.page
        images = page.evaluate("Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.alt])")
        assert all(complete and width > 0 for complete, width, _ in images), images
        figures = page.evaluate("document.querySelectorAll('figure').length")
        assert len(images) >= figures, "every figure block shows its image"
        links = page.evaluate("Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")
        for href in links:
            url = urlsplit(href)
            assert url.scheme == "file", href
            target = Path(unquote(url.path))
            assert target.is_file(), href
            if url.fragment:
                anchors = _pdf_destinations(target) if target.suffix == ".pdf" else _ids(target)
                assert unquote(url.fragment) in anchors, href
        assert visit.dialogs == []
        assert visit.errors == []
        assert all(u.startswith(("file:", "data:")) for u in visit.requests), visit.requests
    finally:
        visit.close()


@pytest.mark.parametrize("source, rel", PAGES, ids=IDS)
def test_no_horizontal_scroll_at_360px(browser, report, source, rel):
    visit = Visit(browser, report / rel, width=360)
    try:
        scroll, inner = visit.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll <= inner, (scroll, inner)
    finally:
        visit.close()


def axe_violations(browser, path: Path) -> list[dict]:
    visit = Visit(browser, path)
    try:
        visit.page.add_script_tag(path=str(AXE))
        result = visit.page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        return result["violations"]
    finally:
        visit.close()


@pytest.mark.parametrize("source, rel", PAGES, ids=IDS)
def test_axe_finds_no_serious_or_critical_violation(browser, report, source, rel):
    violations = axe_violations(browser, report / rel)
    blocking = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                for v in violations if v["impact"] in BLOCKING]
    assert blocking == []


@pytest.mark.parametrize("rel", [f"{n}.html" for n in REAL])
def test_chart_text_is_legible_at_390px(browser, full_report, rel):
    """At 390 px, each chart is drawn at its own size or larger: its smallest text (MIN_TEXT_PT) ≥ 11 px as rendered."""
    from helpers.figures import MIN_TEXT_PT

    if not CHROMIUM.exists():
        pytest.skip("Debian chromium not installed: apt-get install chromium")
    visit = Visit(browser, full_report / "report" / rel, width=390)
    try:
        sizes = visit.page.evaluate(
            "Array.from(document.querySelectorAll('figure.eig-figure > img'))"
            ".map(i => [i.getBoundingClientRect().width, i.width, Number(i.getAttribute('width'))])")
        for rendered, _, natural in sizes:
            smallest = MIN_TEXT_PT * 96 / 72 * rendered / natural
            assert smallest >= 11 - 0.05, (rel, rendered, natural, smallest)
        scroll, inner = visit.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll <= inner, (scroll, inner)
    finally:
        visit.close()
