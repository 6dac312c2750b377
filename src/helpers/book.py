"""The appendices as one PDF: each chapter laid out on its own, the book assembled with pikepdf.

Laying the whole book out with WeasyPrint took most of a rebuild, and was redone after
any change. Instead each notebook's chapter is laid out once, in that notebook's render
step (in parallel with the others, and only when it changed): :func:`write_chapter`.
The book step (:func:`assemble`) lays out only what depends on every chapter — the title
page, the table of contents (whose page numbers come from the chapters' named
destinations), the provenance and the folios "Page i sur N" — and merges the PDFs,
keeping what WeasyPrint wrote in each of them:

- the tagged structure: every part's structure elements go, in page order, under one
  ``Document`` element; the parent tree is renumbered (``/StructParents`` of pages,
  ``/StructParent`` of link annotations) and the table-header ids (``/ID``,
  ``/Headers``) are prefixed per part so they stay unique;
- the named destinations (one name tree; for a name used twice the first one wins, as in
  WeasyPrint), so ``appendices.pdf#<notebook>-chapitre`` and the table of contents resolve;
- the bookmarks (each part's outline, chained in order).

The front matter's links point into the chapters: WeasyPrint only writes a link whose
target exists, so the front matter ends with a page holding empty targets with the
chapters' ids, which the merge drops. Folios are drawn on the merged pages as pagination
artifacts (outside the structure tree, as screen readers expect).
"""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

import jinja2
import markupsafe
import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf, String

from helpers import outputs

TEMPLATES = Path(__file__).resolve().parent / "templates" / "eig"
LICENCES = ("code sous licence MIT ; données, tableaux et texte du document de travail "
            "sous Licence Ouverte 2.0 (Etalab)")
#: Name of the folio's form XObject on every page of the book.
FOLIO = Name("/EigFolio")


@dataclass(frozen=True)
class Chapter:
    """One appendix: its PDF, the id of its section, its title and its h2 sections (id, text)."""

    pdf: Path
    id: str
    title: str
    sections: tuple[tuple[str, str], ...]


def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                              undefined=jinja2.StrictUndefined)


def _pdf(html: str, tagged: bool = True) -> bytes:
    from weasyprint import HTML

    # Tagged PDF: a structure tree (headings, lists, tables, figures with their alt text).
    return HTML(string=html, base_url=str(TEMPLATES)).write_pdf(pdf_tags=tagged)


def _cached_pdf(html: str, kind: str, cache: Path | None, tagged: bool = True) -> Pdf:
    """The PDF of ``html``, reused from ``cache`` when the same HTML was laid out last time.

    The front matter and the folios change only when a chapter's length (or the run) does:
    after one notebook is edited they are usually the same as before.
    """
    if cache is None:
        return Pdf.open(io.BytesIO(_pdf(html, tagged)))
    digest = hashlib.sha256(html.encode("utf-8")).hexdigest()[:16]
    path = cache / f"{kind}-{digest}.pdf"
    if not path.exists():
        data = _pdf(html, tagged)
        for old in cache.glob(f"{kind}-*.pdf"):
            old.unlink()
        outputs.write_bytes(path, data)
    return Pdf.open(path)


def write_chapter(html: str, title: str, css: str, out: Path, restricted: bool = False) -> Path:
    """Lay out one chapter (the ``<section class="chapter">`` of ``helpers.render``) as its own PDF.

    ``restricted`` (a private run, ``min_cell = 0``) stamps every page "non diffusable".
    ``out`` is kept (its date brought forward) when it was laid out from the same page with the
    same code and WeasyPrint (their digest is kept beside it, ``<out>.sha256``): after an edit
    to one appendix, Appendix F, whose pages cite the others, usually reads the same.
    """
    from importlib.metadata import version

    from helpers.cache import source_digest

    page = _environment().get_template("chapter.html.j2").render(
        title=title, html=markupsafe.Markup(html), css=markupsafe.Markup(css), restricted=restricted)
    key = hashlib.sha256("\0".join((page, source_digest(), version("weasyprint"))).encode("utf-8")).hexdigest()
    mark = out.with_name(out.name + ".sha256")
    if out.is_file() and mark.is_file() and mark.read_text(encoding="utf-8") == key:
        os.utime(out)
        return out
    mark.unlink(missing_ok=True)  # no digest naming a layout it does not describe, should this one fail
    written = outputs.write_bytes(out, _pdf(page))
    outputs.write_text(mark, key)
    return written


# --- reading the parts ----------------------------------------------------------------


def _page_index(pdf: Pdf) -> dict[tuple[int, int], int]:
    return {page.obj.objgen: i for i, page in enumerate(pdf.pages)}


def _destinations(pdf: Pdf) -> dict[str, tuple[int, Array]]:
    """Named destination → (page index, destination array)."""
    names = pdf.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return {}
    index = _page_index(pdf)
    return {str(name): (index[dest[0].objgen], dest) for name, dest in pikepdf.NameTree(names.Dests).items()}


# --- merging ------------------------------------------------------------------------------


class _Book:
    """The merged PDF, built part by part (a part: some pages of one source PDF)."""

    def __init__(self):
        self.pdf = Pdf.new()
        self.document = self.pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array()))
        self.parent_tree: list[tuple[int, pikepdf.Object]] = []
        self.next_key = 0
        self.bases: dict[int, int] = {}
        self.outline: list[pikepdf.Object] = []
        self.outline_count = 0
        self.destinations: dict[str, pikepdf.Object] = {}
        self.bookmarks: dict[int, list[pikepdf.Object]] = {}

    def add(self, source: Pdf, pages: range, prefix: str) -> None:
        """Append ``pages`` of ``source`` with their structure, links, destinations and bookmarks."""
        kept = {source.pages[i].obj.objgen for i in pages}
        tree = pikepdf.NumberTree(source.Root.StructTreeRoot.ParentTree)
        if id(source) not in self.bases:
            self.bases[id(source)] = self.next_key
            self.next_key += max((key for key, _ in tree.items()), default=-1) + 1
        base = self.bases[id(source)]
        keys: list[int] = []
        for i in pages:
            self.pdf.pages.append(source.pages[i])
            page = self.pdf.pages[-1].obj
            keys.append(int(page.StructParents))
            page.StructParents = base + int(page.StructParents)
            for annot in page.get("/Annots", ()):
                if "/StructParent" in annot:
                    keys.append(int(annot.StructParent))
                    annot.StructParent = base + int(annot.StructParent)
        for key in keys:
            value = tree[key]
            copied = (Array([self.pdf.copy_foreign(ref) for ref in value]) if isinstance(value, Array)
                      else self.pdf.copy_foreign(value))
            self.parent_tree.append((base + key, copied))
        for kid in source.Root.StructTreeRoot.K[0].K:
            if kid.Pg.objgen in kept:
                del kid["/P"]  # not to copy the source's whole tree through the parent link
                copied = self.pdf.copy_foreign(kid)
                copied.P = self.document
                _prefix_ids(copied, prefix)
                self.document.K.append(copied)
        for name, (index, dest) in _destinations(source).items():
            if index in pages and name not in self.destinations:
                self.destinations[name] = Array([self.pdf.copy_foreign(dest[0]), *dest[1:]])
        if id(source) not in self.bookmarks:
            self.bookmarks[id(source)] = _top_bookmarks(source)
        for item in self.bookmarks[id(source)]:
            if item.Dest[0].objgen in kept:
                for link in ("/Parent", "/Prev", "/Next"):
                    if link in item:
                        del item[link]  # not to copy the siblings through the links
                self.outline.append(self.pdf.copy_foreign(item))
                self.outline_count += 1 + max(int(item.get("/Count", 0)), 0)

    def finish(self, info: pikepdf.Object, lang: pikepdf.Object) -> Pdf:
        """Root structure, parent tree, name tree, outline; tagged-PDF flags and metadata."""
        pdf = self.pdf
        nums = Array()
        for key, value in sorted(self.parent_tree, key=lambda kv: kv[0]):
            nums.extend([key, value])
        root = pdf.make_indirect(Dictionary(
            Type=Name.StructTreeRoot, K=Array([self.document]),
            ParentTree=pdf.make_indirect(Dictionary(Nums=nums)), ParentTreeNextKey=self.next_key))
        self.document.P = root
        pdf.Root.StructTreeRoot = root
        names = Array()
        for name in sorted(self.destinations):
            names.extend([String(name), self.destinations[name]])
        pdf.Root.Names = Dictionary(Dests=pdf.make_indirect(Dictionary(Names=names)))
        if self.outline:
            outlines = pdf.make_indirect(Dictionary(Type=Name.Outlines, Count=self.outline_count,
                                                    First=self.outline[0], Last=self.outline[-1]))
            for previous, item in zip([None, *self.outline], self.outline):
                item.Parent = outlines
                if previous is not None:
                    previous.Next, item.Prev = item, previous
            pdf.Root.Outlines = outlines
        pdf.Root.Lang = String(str(lang))
        pdf.Root.MarkInfo = Dictionary(Marked=True)
        pdf.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        pdf.docinfo = pdf.make_indirect(Dictionary({key: String(str(value)) for key, value in info.items()}))
        return pdf


def _top_bookmarks(source: Pdf) -> list[pikepdf.Object]:
    outlines = source.Root.get("/Outlines")
    items, item = [], outlines.get("/First") if outlines is not None else None
    while item is not None:
        items.append(item)
        item = item.get("/Next")
    return items


def _prefix_ids(element: pikepdf.Object, prefix: str) -> None:
    """Make table-header ids unique in the book: WeasyPrint numbers them per PDF."""
    stack = [element]
    while stack:
        node = stack.pop()
        if "/ID" in node:
            node.ID = String(prefix + str(node.ID))
        attributes = node.get("/A")
        if isinstance(attributes, Dictionary) and "/Headers" in attributes:
            attributes.Headers = Array([String(prefix + str(h)) for h in attributes.Headers])
        kids = node.get("/K")
        if isinstance(kids, Array):
            stack.extend(k for k in kids if isinstance(k, Dictionary) and k.get("/Type") == Name.StructElem)
        elif isinstance(kids, Dictionary) and kids.get("/Type") == Name.StructElem:
            stack.append(kids)


def _draw_folios(book: Pdf, folios: Pdf) -> None:
    """Draw folio page ``i`` on book page ``i + 1`` (the title page has none) as a pagination artifact."""
    for page, folio in zip(book.pages[1:], folios.pages):
        form = book.copy_foreign(folio.as_form_xobject())
        resources = Dictionary({key: value for key, value in page.obj.Resources.items()})
        xobjects = Dictionary({key: value for key, value in resources.get("/XObject", {}).items()})
        xobjects[FOLIO] = form
        resources.XObject = xobjects
        page.obj.Resources = resources
        page.contents_add(b"q\n", prepend=True)
        page.contents_add(b"Q\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC\n"
                          + FOLIO.unparse() + b" Do\nEMC\n")


# --- the book -------------------------------------------------------------------------------


def assemble(chapters: list[Chapter], *, front: dict, css: str, out: Path, cache: Path | None = None) -> Path:
    """Title page, table of contents, the chapters, provenance; page numbers drawn last.

    ``front`` holds what ``book.html.j2`` needs besides the chapters (title, subtitle,
    ``prov``, ``paper``). The front matter is laid out again if its length changes the
    page numbers it prints (at most once in practice). With ``cache`` (the chapters'
    directory), the front matter and folios of the last run are reused when unchanged.
    """
    parts = [Pdf.open(chapter.pdf) for chapter in chapters]
    lengths = [len(p.pages) for p in parts]
    dests = [_destinations(p) for p in parts]
    template = _environment().get_template("book.html.j2")
    css_markup = markupsafe.Markup(css)
    front_pages = 2
    for _ in range(3):
        starts, page = [], front_pages + 1
        for length in lengths:
            starts.append(page)
            page += length
        entries = []
        for chapter, start, dest in zip(chapters, starts, dests):
            entries.append({
                "id": chapter.id, "title": chapter.title, "page": start + dest.get(chapter.id, (0,))[0],
                "tree": [{"id": ident, "text": text, "page": start + dest[ident][0]}
                         for ident, text in chapter.sections if ident in dest],
            })
        html = template.render(chapters=entries, provenance_page=page, css=css_markup, licences=LICENCES, **front)
        matter = _cached_pdf(html, "front", cache)
        provenance = _destinations(matter)["provenance"][0]
        if provenance == front_pages:
            break
        front_pages = provenance
    else:
        raise RuntimeError("the table of contents does not settle on a length")
    back = range(front_pages, len(matter.pages) - 1)  # the last page holds the links' targets
    book = _Book()
    book.add(matter, range(front_pages), "front-")
    for number, part in enumerate(parts, start=1):
        book.add(part, range(len(part.pages)), f"c{number}-")
    book.add(matter, back, "front-")
    pdf = book.finish(matter.docinfo, matter.Root.Lang)
    total = len(pdf.pages)
    folios = _environment().get_template("folios.html.j2").render(
        folios=[f"Page {i} sur {total}" for i in range(2, total + 1)], css=css_markup)
    _draw_folios(pdf, _cached_pdf(folios, "folios", cache, tagged=False))
    buffer = io.BytesIO()
    pdf.save(buffer, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
             min_version=matter.pdf_version)
    return outputs.write_bytes(out, buffer.getvalue())
