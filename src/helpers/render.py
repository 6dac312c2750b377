"""Render executed notebooks into reviewer pages, code pages, one PDF and an index.

Everything goes through nbconvert with the ``eig`` template (``templates/eig``,
extending ``lab``) so the pages are built from the notebook structure, never by
editing HTML afterwards:

- ``ReportExporter`` renders markdown headings itself: the first heading is the
  page's only ``h1``, later levels are clamped so none is skipped, and each gets a
  stable id recorded in an :class:`Outline` that the template turns into the
  ``<nav aria-label="Sommaire">`` after the body has been rendered.
- nbconvert's sanitisation is on (``sanitize_html=True``: JavaScript outputs are
  dropped, markdown and HTML outputs go through ``clean_html``); ``clean_html`` is
  replaced by :func:`clean_html` below, whose allow-list keeps the figure blocks of
  ``helpers.figures`` (``figure``, ``img`` with a ``data:image`` source,
  ``details``, ``table`` …) and strips anything else (nh3): no script, event handler,
  ``javascript:`` link, style, frame or object survives; the text of benign markup stays.
- The template writes its own ``<head>``: inline CSS only, no require.js, MathJax,
  widget manager or any other URL, so no request leaves the page.
- Every page carries the provenance footer and, for synthetic data, the banner of its kind
  (calibrated on the paper's charts, or not).

The run date is the only varying part of a page; it lives in one
``<time class="run-date">`` element (masked by ``helpers.manifest``) and follows
``SOURCE_DATE_EPOCH`` when set, so the PDF can be made byte-for-byte reproducible.
"""

from __future__ import annotations

import argparse
import json
import ast
import hashlib
import importlib.util
import os
import platform
import re
import sys
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from itertools import islice
from pathlib import Path

import jinja2
import markupsafe
import nbformat
import nh3
from bs4 import BeautifulSoup
from nbconvert.exporters import HTMLExporter
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from pygments.formatters import HtmlFormatter
from traitlets.config import Config

from helpers import fmt, outputs
from helpers.mapping import mapping_path
from helpers.origin import fingerprints, git_state
from helpers.sidecar import kind_of

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "eig"
#: Pygments style of the code view; every token colour has ≥ 4.5:1 contrast on white
#: (checked by tests/test_render.py).
CODE_STYLE = "xcode"
#: Banner of each kind of data set (``helpers.sidecar.dataset_kind``); real answers get none.
BANNER = "Données synthétiques — réponses inventées, pas les résultats réels de l’enquête"
CALIBRATED_BANNER = ("Données synthétiques calibrées sur les graphiques publiés du document de travail — "
                     "illustration de la méthode, pas les résultats réels de l’enquête")
BANNERS = {"calibrated": CALIBRATED_BANNER, "synthetic": BANNER, "real": ""}
#: Banner of an appendix that reads no answer (notebook metadata ``eig.reads_survey: false``, E)
#: in a run on synthetic data: its numbers are real public facts, the run's other pages are not.
PUBLIC_FACTS_BANNER = ("Faits publics du programme : cette annexe ne lit aucune réponse à l’enquête "
                       "(les autres annexes portent ici sur des données synthétiques)")
#: How the footer names each kind of data set.
KIND_NOTES = {"calibrated": "échantillon synthétique calibré sur le document de travail",
              "synthetic": "données synthétiques", "real": "réponses réelles"}
SITE_TITLE = "Annexes du document de travail"
#: Stamped on every page of a run with ``min_cell <= 0`` (private exploration: nothing suppressed).
RESTRICTED = "Non diffusable — exploration privée : aucune case n’est masquée (seuil de diffusion à 0)"
SUBTITLE = "Programme Entrepreneurs d’intérêt général (EIG) — étude d’impact 2019"
STUDY = (
    "Cette étude mesure ce que le programme Entrepreneurs d’intérêt général (EIG) a changé "
    "dans les administrations qui l’ont accueilli : pérennisation des outils, transformation "
    "numérique et rôle du programme, à partir des enquêtes menées auprès des entrepreneurs et "
    "de leurs mentors. "
    "Ces annexes reproduisent, à partir des données et du code, chaque tableau et chaque figure "
    "du document de travail « Mesurer l’impact d’un programme après 3 ans » (Etalab, 2019), "
    "avec leurs intervalles de confiance."
)
VERSIONED = ("pandas", "seaborn", "papermill", "nbconvert")
TOC_DEPTH = 3
MISSING_ALT = "Graphique sans texte alternatif fourni par le carnet"

# --- sanitisation ---------------------------------------------------------------

ALLOWED_TAGS = frozenset(
    "a abbr b blockquote br caption cite code col colgroup dd del details div dl dt em "
    "figcaption figure h1 h2 h3 h4 h5 h6 hr i img ins kbd li ol p pre q s samp small span "
    "strong sub summary sup table tbody td tfoot th thead time tr u ul".split()
)
GLOBAL_ATTRIBUTES = frozenset({"class", "id", "title", "lang"})
TAG_ATTRIBUTES = {
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start"},
    "time": {"datetime"},
}
IMAGE_DATA = ("data:image/png;", "data:image/jpeg;", "data:image/gif;", "data:image/webp;", "data:image/svg+xml;")


def _uri(value: str, length: int = 32) -> str:
    """The start of a URI the way a browser reads it: control characters and spaces ignored, lower case.

    Only its first ``length`` such characters (enough for every prefix compared): an image's
    ``data:`` URI runs to hundreds of kilobytes.
    """
    return "".join(islice((ch for ch in value if ord(ch) > 0x20 and not ch.isspace()), length)).lower()


def _checked_uri(tag: str, name: str, value: str) -> str | None:
    """Images only from ``data:image/…`` (self-contained pages); links never to ``data:``.

    nh3's allow-list keeps the attribute names and URL schemes; this keeps the two
    ``data:`` rules it cannot say (``None`` drops the attribute).
    """
    if tag == "img" and name == "src" and not _uri(value).startswith(IMAGE_DATA):
        return None
    if tag == "a" and name == "href" and _uri(value).startswith("data:"):
        return None
    return value


def clean_html(fragment) -> str:
    """nbconvert's ``clean_html`` with the project's allow-list, by nh3 (the maintained successor of bleach).

    Disallowed tags are stripped and their text kept; ``script`` and ``style`` go with
    their content (a pandas DataFrame's CSS would otherwise print as text);
    ``javascript:`` links lose their target. An ``img`` that is not a ``data:image``
    (a broken, possibly tracking, request) is replaced by its alt text.
    """
    text = fragment.decode() if isinstance(fragment, bytes) else str(fragment)
    if "<img" in text.lower():
        soup = BeautifulSoup(text, "html.parser")
        for img in soup.find_all("img"):
            if not _uri(img.get("src", "")).startswith(IMAGE_DATA):
                img.replace_with(img.get("alt", ""))
        text = str(soup)
    return nh3.clean(
        text,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes={"*": set(GLOBAL_ATTRIBUTES), **TAG_ATTRIBUTES},
        attribute_filter=_checked_uri,
        url_schemes={"http", "https", "mailto", "data"},
        link_rel=None,
        strip_comments=True,
    )


@jinja2.pass_context
def alt_text(context, output, mimetype: str) -> str:
    """Alt text of a raw image output (``metadata[mimetype]["alt"]``), or a visible fallback.

    Every fallback is counted in ``resources["eig"]["missing_alt"]`` so the command
    can warn: raw matplotlib outputs should go through ``helpers.figures``.
    """
    meta = output.get("metadata", {}).get(mimetype, {})
    alt = str(meta.get("alt", "")).strip() if isinstance(meta, dict) else ""
    if alt:
        return alt
    context["resources"]["eig"]["missing_alt"].append(mimetype)
    return MISSING_ALT


# --- headings and outline ---------------------------------------------------------


def slug(text: str) -> str:
    """ASCII id from a French heading: ``Méthode et population`` → ``methode-et-population``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = "".join(ch if ch.isalnum() else " " for ch in ascii_text).split()
    return "-".join(words) or "section"


class Outline:
    """Headings of one page as they are rendered: levels without gaps, unique ids.

    The first heading becomes the page title (``h1``); any later heading is at least
    ``h2`` and at most one level below the previous one.
    """

    def __init__(self, prefix: str = ""):
        self.prefix = prefix
        self.title: str | None = None
        self.title_id: str | None = None
        self.entries: list[tuple[int, str, str]] = []
        self._ids: set[str] = set()
        self._last = 0

    def add(self, level: int, inner_html: str) -> tuple[int, str]:
        text = " ".join(BeautifulSoup(clean_html(inner_html), "html.parser").get_text().split())
        level = 1 if self.title is None else max(2, min(level, self._last + 1))
        self._last = level
        ident = base = self.prefix + slug(text)
        n = 2
        while ident in self._ids:
            ident, n = f"{base}-{n}", n + 1
        self._ids.add(ident)
        if level == 1:
            self.title, self.title_id = text, ident
        else:
            self.entries.append((level, ident, text))
        return level, ident

    def tree(self, depth: int = TOC_DEPTH) -> list[dict]:
        """Nested ``{"id", "text", "children"}`` nodes for the levels 2..depth."""
        root: list[dict] = []
        stack: list[tuple[int, list[dict]]] = [(1, root)]
        for level, ident, text in self.entries:
            if level > depth:
                continue
            while stack[-1][0] >= level:
                stack.pop()
            node = {"id": ident, "text": text, "children": []}
            stack[-1][1].append(node)
            stack.append((level, node["children"]))
        return root


class _OutlineRenderer(IPythonRenderer):
    """Markdown renderer whose headings take their level and id from the page outline."""

    def __init__(self, outline: Outline, **kwargs):
        super().__init__(**kwargs)
        self.outline = outline

    def heading(self, text: str, level: int, **attrs) -> str:
        level, ident = self.outline.add(level, text)
        return f'<h{level} id="{ident}">{text}</h{level}>\n'


class ReportExporter(HTMLExporter):
    """HTMLExporter whose markdown headings feed the page :class:`Outline`."""

    @jinja2.pass_context
    def markdown2html(self, context, source):
        cell = context.get("cell", {})
        resources = context.get("resources", {})
        renderer = _OutlineRenderer(
            resources["eig"]["outline"],
            escape=False,
            attachments=cell.get("attachments", {}),
            embed_images=self.embed_images,
            path=resources.get("metadata", {}).get("path", ""),
            exclude_anchor_links=True,
            **self.lexer_options,
        )
        return MarkdownWithMath(renderer=renderer).render(source)


def _exporter(code: bool) -> ReportExporter:
    config = Config()
    # Its only output (Pygments CSS and the user's custom.css) is not used by our head.
    config.CSSHTMLHeaderPreprocessor.enabled = False
    return ReportExporter(
        config=config,
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES)],
        sanitize_html=True,
        embed_images=True,
        exclude_input=not code,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        mathjax_url="",
        require_js_url="",
        language_code="fr",
        filters={"clean_html": clean_html, "alt_text": alt_text},
    )


# --- provenance -------------------------------------------------------------------


@dataclass(frozen=True)
class Provenance:
    """What a reader needs to trace a page back to code, data and parameters."""

    commit: str
    dirty: bool
    data_dir: str
    files: tuple[tuple[str, str], ...]
    parameters: tuple[tuple[str, str], ...]  # (French label, French value)
    versions: tuple[tuple[str, str], ...]
    run_date: str
    kind: str = "synthetic"
    command: str = ""
    #: (path, SHA-256) of the mapping.yaml applied to the exports, if any.
    mapping: tuple[str, str] | None = None
    restricted: bool = False
    restricted_banner: str = RESTRICTED
    #: False for an appendix that reads no answer to the survey (public facts only).
    reads_survey: bool = True

    @property
    def synthetic(self) -> bool:
        return self.kind != "real"

    @property
    def banner(self) -> str:
        if not self.reads_survey and BANNERS[self.kind]:
            return PUBLIC_FACTS_BANNER
        return BANNERS[self.kind]

    @property
    def kind_note(self) -> str:
        return KIND_NOTES[self.kind]


def _cell_assignments(nb, tag: str) -> dict:
    """``name = literal`` assignments of the code cell tagged ``tag`` (papermill's convention)."""
    values: dict = {}
    for cell in nb.cells:
        if cell.cell_type == "code" and tag in cell.metadata.get("tags", []):
            for node in ast.parse(cell.source).body:
                if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                    try:
                        values[node.targets[0].id] = ast.literal_eval(node.value)
                    except ValueError:
                        values[node.targets[0].id] = ast.unparse(node.value)
    return values


def notebook_parameters(nb) -> dict:
    """Parameters a notebook ran with: its ``parameters`` cell defaults, overridden by what
    papermill injected (its metadata record, else the ``injected-parameters`` cell)."""
    injected = nb.metadata.get("papermill", {}).get("parameters") or _cell_assignments(nb, "injected-parameters")
    return {**_cell_assignments(nb, "parameters"), **injected}


def run_date() -> str:
    """ISO date of the run (``SOURCE_DATE_EPOCH`` when set, for reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc).date().isoformat()
    return date.today().isoformat()


def _versions() -> tuple[tuple[str, str], ...]:
    def get(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "absent"

    return (("Python", platform.python_version()), *((name, get(name)) for name in VERSIONED))


#: Make variable of each notebook parameter (the Makefile's names).
MAKE_VARIABLES = {"data_dir": "DATA", "out_dir": "OUT", "promotions": "PROMOTIONS", "confidence": "CONFIDENCE",
                  "min_cell": "MIN_CELL", "weighting": "WEIGHTING", "include_verbatims": "INCLUDE_VERBATIMS"}


def make_command(parameters: dict) -> str:
    """The ``make report`` line that reruns with these parameters (known ones only)."""
    words = ["make", "report"]
    for key, variable in MAKE_VARIABLES.items():
        if key not in parameters:
            continue
        value = parameters[key]
        if key == "promotions":
            value = " ".join(map(str, value or []))
        elif key == "include_verbatims":
            value = "auto" if value is None else str(bool(value)).lower()
        text = str(value)
        words.append(f'{variable}="{text}"' if (" " in text or not text) else f"{variable}={text}")
    return " ".join(words)


def reads_survey(nb) -> bool:
    """Whether a notebook shows answers to the survey (its metadata ``eig.reads_survey``, default yes)."""
    return bool(nb.metadata.get("eig", {}).get("reads_survey", True))


def provenance(data_dir: Path | str | None, parameters: dict, *, survey: bool = True) -> Provenance:
    data = Path(data_dir if data_dir is not None else parameters.get("data_dir", "."))
    commit, dirty = git_state()
    return Provenance(
        commit=commit,
        dirty=dirty,
        data_dir=data.as_posix(),
        files=fingerprints(data),
        parameters=tuple(fmt.describe_parameters(parameters)),
        versions=_versions(),
        run_date=run_date(),
        mapping=next(((p.as_posix(), hashlib.sha256(p.read_bytes()).hexdigest()) for p in [mapping_path(data)] if p),
                     None),
        kind=kind_of(data),
        command=make_command(parameters),
        restricted=restricted(parameters),
        reads_survey=survey,
    )


def restricted(parameters: dict) -> bool:
    """A run with ``min_cell <= 0`` suppresses nothing: its pages must not leave the team."""
    try:
        return int(str(parameters.get("min_cell", 3))) <= 0
    except ValueError:
        return False


# --- rendering ----------------------------------------------------------------------


def _css(*names: str) -> markupsafe.Markup:
    parts = [(TEMPLATES / TEMPLATE_NAME / name).read_text(encoding="utf-8") for name in names]
    parts.append(HtmlFormatter(style=CODE_STYLE).get_style_defs(".highlight"))
    return markupsafe.Markup("\n".join(parts))


def notebook_title(nb) -> str | None:
    """The appendix title: first heading of the first markdown cell, as the pages show it."""
    outline = Outline()
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            MarkdownWithMath(renderer=_OutlineRenderer(outline, escape=False)).render(cell.source)
            break
    return outline.title


def _read(path: Path):
    """An executed notebook, its figures and tables numbered, its citations of the paper's charts completed."""
    from helpers import numbering

    nb = nbformat.read(path, as_version=4)
    numbering.number_notebook(nb)
    if numbering.PAPER_CITE_RE.search(json.dumps([c.get("outputs", []) for c in nb.cells], ensure_ascii=False)):
        siblings = sorted(Path(path).parent.glob("[0-9]*.ipynb"))
        numbering.cite_in_notebook(nb, dict(_paper_charts(tuple((p, p.stat().st_mtime_ns) for p in siblings))))
    return nb


@lru_cache(maxsize=2)
def _paper_charts(siblings: tuple[tuple[Path, int], ...]) -> dict[int, str]:
    """``numbering.paper_charts`` of the executed notebooks, once per process and version of them:
    the PDF and index steps read every notebook, and most of them cite the paper's charts."""
    from helpers import numbering

    return numbering.paper_charts([nbformat.read(p, as_version=4) for p, _ in siblings])


RECIPE_FUNCTION_RE = re.compile(r"<code>(helpers\.[a-z_]+\.[A-Za-z_]+)</code>")


def function_source(name: str) -> str | None:
    """Source of a top-level function ``helpers.module.name`` (decorators included), or None.

    Read from the module's file without importing it: importing the drawing code
    (matplotlib, seaborn, scipy) would double the time of a render.
    """
    module, _, attr = name.rpartition(".")
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return None
    text = Path(spec.origin).read_text(encoding="utf-8")
    for node in ast.parse(text).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == attr:
            start = min([node.lineno] + [d.lineno for d in node.decorator_list])
            return "".join(text.splitlines(keepends=True)[start - 1:node.end_lineno])
    return None


def link_recipe_sources(page: str) -> str:
    """Code view: each ``helpers`` function a recipe names links to its source, shown at the end of the page.

    Self-contained (the report may be read without the repository) and the same bytes on every run.
    """
    from pygments import highlight
    from pygments.lexers import PythonLexer

    names = list(dict.fromkeys(RECIPE_FUNCTION_RE.findall(page)))
    blocks = []
    for name in names:
        source = function_source(name)
        if source is None:
            continue
        anchor = "source-" + name.replace(".", "-")
        page = page.replace(f"<code>{name}</code>", f'<a href="#{anchor}"><code>{name}</code></a>')
        code = highlight(source, PythonLexer(), HtmlFormatter(nowrap=False, cssclass="highlight"))
        blocks.append(f'<details id="{anchor}" class="recipe-source"><summary><code>{name}</code></summary>'
                      f"{code}</details>")
    if not blocks or "</main>" not in page:
        return page
    section = ('<section class="recipe-sources" aria-labelledby="sources-fonctions">'
               '<h2 id="sources-fonctions">Sources des fonctions qui tracent les graphiques</h2>'
               + "".join(blocks) + "</section>")
    head, _, tail = page.rpartition("</main>")
    return f"{head}{section}</main>{tail}"


def neighbours(notebook: Path) -> list[tuple[str, str, str]]:
    """``(rel, text, name)`` of the previous and next appendix, from the executed notebooks beside this one."""
    siblings = sorted(Path(notebook).parent.glob("[0-9]*.ipynb"))
    names = [p.stem for p in siblings]
    if Path(notebook).stem not in names:
        return []
    i = names.index(Path(notebook).stem)
    out = []
    for rel, word, j in (("prev", "Annexe précédente", i - 1), ("next", "Annexe suivante", i + 1)):
        if 0 <= j < len(siblings):
            title = notebook_title(nbformat.read(siblings[j], as_version=4)) or names[j]
            out.append((rel, f"{word} : {title}", names[j]))
    return out


def _convert(nb, *, name: str, prov: Provenance, code: bool, chapter: bool = False, root: str = "",
             pager: list | None = None) -> tuple[str, dict]:
    """One nbconvert pass; returns the HTML and the ``eig`` resources (outline, warnings).

    ``chapter`` gives a PDF chapter: a ``<section>`` with ids prefixed by the notebook
    name (unique across the book); alt texts stay in the tagged structure, not on the page.
    """
    eig = {
        "outline": Outline(prefix=f"{name}-" if chapter else ""),
        "missing_alt": [],
        "prov": prov,
        "chapter": chapter,
        "code": code,
        "name": name,
        "site_title": SITE_TITLE,
        "css": _css("report.css"),
        "links": [
            ("Toutes les annexes", f"{root}index.html"),
            ("Vue relecteur (sans code)", f"{root}{name}.html") if code else ("Voir le code", f"code/{name}.html"),
            ("PDF des annexes", f"{root}appendices.pdf"),
        ],
        # Previous and next appendix, in the same view (the PDF needs none).
        "pager": [(rel, text, f"{other}.html") for rel, text, other in (pager or [])],
    }
    # nbconvert deep-copies the resources: read the outline from the copy the template filled.
    html, resources = _exporter(code).from_notebook_node(nb, resources={"eig": eig, "metadata": {"name": name}})
    eig = resources["eig"]
    if eig["missing_alt"]:
        print(f"warning: {name}: {len(eig['missing_alt'])} image(s) without alt text; "
              "display figures through helpers.figures", file=sys.stderr)
    return html, eig


def render_notebook(notebook: Path, out_dir: Path, data_dir: Path | None = None,
                    chapter_dir: Path | None = None) -> list[Path]:
    """Write ``out_dir/<name>.html`` (reviewer view) and ``out_dir/code/<name>.html``.

    With ``chapter_dir``, also the notebook's PDF chapter (``<name>.pdf`` and its outline
    ``<name>.json``): laying it out here, once per notebook and in parallel, leaves the
    PDF step (which needs every notebook) only the assembly (``helpers.book``).
    """
    import multiprocessing

    name = notebook.stem
    # The chapter's layout (WeasyPrint: two thirds of this step) in a child process beside the two
    # HTML views: a one-notebook rebuild has a core to spare here. Forked first, the child imports
    # WeasyPrint while this process reads the notebook and sends it the chapter's page — unless the
    # notebook is older than its chapter (only the git state or a sibling changed): that chapter is
    # usually kept as it is (book.write_chapter), and the import would take a core for nothing.
    chapter = sender = None
    if chapter_dir is not None:
        pdf = chapter_dir / f"{name}.pdf"
        layout_likely = not pdf.exists() or pdf.stat().st_mtime < Path(notebook).stat().st_mtime
        context = multiprocessing.get_context("fork")
        received, sender = context.Pipe(duplex=False)
        chapter = context.Process(target=_lay_out_chapter, args=(received, sender, layout_likely))
        chapter.start()
        received.close()
    try:
        nb = _read(notebook)
        prov = provenance(data_dir, notebook_parameters(nb), survey=reads_survey(nb))
        chapter_files = []
        if chapter is not None:
            html, outline = _chapter(nb, name, prov)
            sender.send((html, outline["title"], prov.restricted, pdf))
            chapter_files = [pdf, _write_outline(outline, chapter_dir / f"{name}.json")]
    finally:
        if sender is not None:
            sender.close()  # the child gets EOFError, if nothing was sent, and ends
    pager = neighbours(notebook)
    reviewer, _ = _convert(nb, name=name, prov=prov, code=False, pager=pager)
    code, _ = _convert(nb, name=name, prov=prov, code=True, root="../", pager=pager)
    code = link_recipe_sources(code)
    written = [
        outputs.write_text(out_dir / f"{name}.html", reviewer),
        outputs.write_text(out_dir / "code" / f"{name}.html", code),
        *chapter_files,
    ]
    if chapter is not None:
        chapter.join()
        if chapter.exitcode != 0:
            raise SystemExit(f"error: {notebook}: laying out its PDF chapter failed (above); its pages are written")
    return written


def _lay_out_chapter(received, sender, warm: bool) -> None:
    """In the child of :func:`render_notebook`: lay out the page it is sent (``warm``: import
    WeasyPrint while waiting for it)."""
    sender.close()  # this process's copy: the parent's close is then seen here as the end of the pipe
    if warm:
        importlib.import_module("weasyprint")  # imported now, while the parent prepares the page

    try:
        page = received.recv()
    except EOFError:  # the parent failed before sending and says why
        return
    _lay_out(*page)


def _lay_out(html: str, title: str, restricted: bool, pdf: Path) -> Path:
    """A chapter's PDF (``book.write_chapter``, which keeps it when its page did not change)."""
    from helpers import book

    return book.write_chapter(html, title, _css("report.css", "book.css"), pdf, restricted=restricted)


def _chapter(nb, name: str, prov: Provenance) -> tuple[str, dict]:
    """The notebook's chapter (its HTML) and its outline (title, h2 sections) for the contents."""
    html, eig = _convert(nb, name=name, prov=prov, code=False, chapter=True)
    return html, {"title": eig["outline"].title or name, "tree": eig["outline"].tree(depth=2)}


def _write_outline(outline: dict, path: Path) -> Path:
    return outputs.write_text(path, json.dumps(outline, ensure_ascii=False, sort_keys=True))


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES / TEMPLATE_NAME),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def _common_provenance(notebooks: list[Path], data_dir: Path | None, *, read=None) -> tuple[list, Provenance]:
    """Read the notebooks (``_read`` unless ``read`` says otherwise); refuse a mix of runs with
    different parameters."""
    nbs = [(read or _read)(p) for p in notebooks]
    params = [notebook_parameters(nb) for nb in nbs]
    if any(p != params[0] for p in params[1:]):
        raise SystemExit("error: the notebooks were executed with different parameters; re-run `make report`")
    return nbs, provenance(data_dir, params[0] if params else {})


def render_pdf(notebooks: list[Path], out: Path, data_dir: Path | None = None,
               chapter_dir: Path | None = None) -> Path:
    """One PDF: title page, table of contents, one chapter (and bookmark) per appendix, provenance.

    Chapters laid out by :func:`render_notebook` into ``chapter_dir`` are reused when newer
    than their notebook; the others are laid out here (into ``chapter_dir``, or a temporary
    directory). ``helpers.book`` assembles them.
    """
    import tempfile

    from helpers import book
    from helpers.published import paper_reference

    # Parameters only: a chapter laid out already needs no numbering nor citations.
    _, prov = _common_provenance(notebooks, data_dir, read=lambda p: nbformat.read(p, as_version=4))
    with tempfile.TemporaryDirectory(prefix="chapters-") as scratch:
        directory = chapter_dir if chapter_dir is not None else Path(scratch)
        chapters = []
        for path in notebooks:
            pdf, meta = directory / f"{path.stem}.pdf", directory / f"{path.stem}.json"
            fresh = all(p.exists() and p.stat().st_mtime >= path.stat().st_mtime for p in (pdf, meta))
            if not fresh:
                html, outline = _chapter(_read(path), path.stem, prov)
                _lay_out(html, outline["title"], prov.restricted, pdf)
                _write_outline(outline, meta)
            outline = json.loads(meta.read_text(encoding="utf-8"))
            chapters.append(book.Chapter(pdf=pdf, id=f"{path.stem}-chapitre", title=outline["title"],
                                         sections=tuple((node["id"], node["text"]) for node in outline["tree"])))
        front = {"title": SITE_TITLE, "subtitle": SUBTITLE, "prov": prov, "paper": paper_reference()}
        return book.assemble(chapters, front=front, css=_css("report.css", "book.css"), out=out, cache=chapter_dir)


def render_index(notebooks: list[Path], out: Path, data_dir: Path | None = None,
                 package: Path | None = None) -> Path:
    """Landing page: the study in two sentences, every appendix in its three forms, provenance;
    with ``package`` (OUT/datapackage.json), a link to it and to every table it describes."""
    nbs, prov = _common_provenance(notebooks, data_dir)
    appendices = [{"name": path.stem, "title": notebook_title(nb) or path.stem} for path, nb in zip(notebooks, nbs)]
    data = None
    if package is not None:
        from helpers.datapackage import resources

        # Links relative to the index: the package sits in OUT, the index in OUT/report.
        up = Path(os.path.relpath(Path(package).parent, Path(out).parent)).as_posix()
        data = {"package": f"{up}/{Path(package).name}",
                "tables": [{**r, "href": f"{up}/{r['path']}"} for r in resources(package)]}
    from helpers import findings, numbering
    from helpers.published import published_figures

    # Findings first: read from the run's tables (beside the package, else OUT/tables next to OUT/report).
    tables_dir = Path(package).parent / "tables" if package is not None else Path(out).parent.parent / "tables"
    shown = numbering.paper_charts(nbs)
    summary = findings.summary(tables_dir, published_figures(), shown)
    for appendix in appendices:  # where each appendix number lives, for the links of the differences
        appendix["letter"] = numbering.letter_of(nbs[appendices.index(appendix)])
    letters = {a["letter"]: a["name"] for a in appendices if a["letter"]}
    for item in summary["differences"]:
        own = item["own"]
        item["href"] = f"{letters[own.split()[1][0]]}.html" if own and own.split()[1][0] in letters else ""
    page = _environment().get_template("landing.html.j2").render(
        title=SITE_TITLE, subtitle=SUBTITLE, study=STUDY, prov=prov, appendices=appendices, css=_css("report.css"),
        data=data, findings=summary, claims_page=next((a["name"] for a in appendices if a["letter"] == "F"), ""),
    )
    return outputs.write_text(out, page)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers render", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("render-notebook", help="reviewer and code HTML of one executed notebook")
    one.add_argument("notebook", type=Path)
    one.add_argument("--out-dir", type=Path, required=True)
    one.add_argument("--chapter-dir", type=Path, default=None, help="also write the PDF chapter there")
    for command, text in (("pdf", "appendices.pdf from every executed notebook"), ("index", "index.html")):
        many = sub.add_parser(command, help=text)
        many.add_argument("notebooks", type=Path, nargs="+")
        many.add_argument("--out", type=Path, required=True)
        if command == "pdf":
            many.add_argument("--chapter-dir", type=Path, default=None, help="reuse chapters written there")
        else:
            many.add_argument("--package", type=Path, default=None, help="OUT/datapackage.json: link its tables")
    for p in sub.choices.values():
        p.add_argument("--data", type=Path, default=None, help="data set directory (default: the notebook's data_dir)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.command == "render-notebook":
        render_notebook(args.notebook, args.out_dir, args.data, args.chapter_dir)
    elif args.command == "pdf":
        render_pdf(args.notebooks, args.out, args.data, args.chapter_dir)
    else:
        render_index(args.notebooks, args.out, args.data, args.package)
    return 0
