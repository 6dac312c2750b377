"""Reading a tagged PDF the way the PDF tests need (tests/test_render.py, tests/test_pdf.py).

The book is merged from one PDF per chapter (helpers.book), so these checks look at what a
merge can break: the structure tree and its parent tree, the named destinations, and what
the layout leaves at the bottom of a page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name

HEADINGS = {f"/H{i}" for i in range(1, 7)}


def _kids(element) -> list:
    kids = element.get("/K")
    return list(kids) if isinstance(kids, Array) else ([] if kids is None else [kids])


def _elements(element):
    """``element`` and its structure-element descendants, in reading order."""
    yield element
    for kid in _kids(element):
        if isinstance(kid, Dictionary) and kid.get("/Type") == Name.StructElem:
            yield from _elements(kid)


def visible_text(path: Path) -> str:
    """The text printed on the pages, whitespace collapsed."""
    from pypdf import PdfReader

    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


def figure_alts(path: Path) -> list[str]:
    """``/Alt`` of every ``Figure`` structure element, in reading order."""
    with pikepdf.open(path) as pdf:
        return [str(e.Alt) for e in _elements(pdf.Root.StructTreeRoot.K[0]) if e.S == Name("/Figure") and "/Alt" in e]


def structure_problems(path: Path) -> list[str]:
    """What is wrong with the structure tree: parent links, the parent tree (marked content and
    link annotations back to their element), table-header ids. Empty when it is consistent."""
    problems = []
    with pikepdf.open(path) as pdf:
        root = pdf.Root.StructTreeRoot
        tree = dict(pikepdf.NumberTree(root.ParentTree).items())
        pages = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
        owner, ids = {}, []
        stack = [(root.K[0], root)]
        while stack:
            element, parent = stack.pop()
            if element.P.objgen != parent.objgen:
                problems.append(f"element {element.objgen} has a wrong /P")
            if "/ID" in element:
                ids.append(str(element.ID))
            for kid in _kids(element):
                if isinstance(kid, Dictionary):
                    if kid.get("/Type") == Name.StructElem:
                        stack.append((kid, element))
                else:
                    owner[(pages[element.Pg.objgen], int(kid))] = element.objgen
        if len(ids) != len(set(ids)):
            problems.append("table-header ids are not unique")
        if int(root.ParentTreeNextKey) <= max(tree):
            problems.append("/ParentTreeNextKey is not above every key")
        for i, page in enumerate(pdf.pages):
            mapping = tree.get(int(page.obj.StructParents))
            if mapping is None:
                problems.append(f"page {i + 1}: no parent-tree entry")
                continue
            for instruction in pikepdf.parse_content_stream(page, "BDC"):
                properties = instruction.operands[1]
                if isinstance(properties, Dictionary) and "/MCID" in properties:
                    mcid = int(properties.MCID)
                    # Running headers are marked content outside the tree (WeasyPrint): only the
                    # content of the tree's elements has to lead back to them.
                    if mcid >= len(mapping) or owner.get((i, mcid), mapping[mcid].objgen) != mapping[mcid].objgen:
                        problems.append(f"page {i + 1}: marked content {mcid} does not lead back to its element")
            for annot in page.obj.get("/Annots", ()):
                if "/StructParent" in annot:
                    element = tree.get(int(annot.StructParent))
                    objects = [k.Obj.objgen for k in _kids(element) if isinstance(k, Dictionary) and "/Obj" in k] \
                        if element is not None else []
                    if annot.objgen not in objects:
                        problems.append(f"page {i + 1}: a link annotation does not lead back to its element")
    return problems


def layout_problems(path: Path) -> list[str]:
    """Pages that end with a heading, a table caption or a table header (its rows on the next
    page), and tables continued on a page without their header row repeated."""
    problems = []
    with pikepdf.open(path) as pdf:
        pages = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
        by_page: dict[int, list] = {}
        for kid in pdf.Root.StructTreeRoot.K[0].K:
            by_page.setdefault(pages[kid.Pg.objgen], []).append(kid)
        for i, top in sorted(by_page.items()):
            last = []
            for element in top:
                for path_ in _content_paths(element, []):
                    last = path_
            kinds = [str(e.S) for e in last]
            if set(kinds) & (HEADINGS | {"/Caption", "/THead"}):
                problems.append(f"page {i + 1} ends with {' > '.join(kinds[-3:])}")
            for element in top:
                for table in (e for e in _elements(element) if e.S == Name("/Table")):
                    first = next((str(k.S) for k in _kids(table) if isinstance(k, Dictionary)), None)
                    if first not in ("/Caption", "/THead"):
                        problems.append(f"page {i + 1}: a table goes on without its header row")
    return problems


def _content_paths(element, ancestors):
    """Ancestor chains (root first) of every piece of marked content under ``element``."""
    for kid in _kids(element):
        if isinstance(kid, Dictionary):
            if kid.get("/Type") == Name.StructElem:
                yield from _content_paths(kid, [*ancestors, element])
        else:
            yield [*ancestors, element]


def toc_entries(text: str) -> list[tuple[str, int]]:
    """(entry, page) pairs of a table of contents printed with dot leaders."""
    return [(entry, int(page)) for entry, page in re.findall(r"(?m)^\s*(.*?)\s*\.{3,}\s*(\d+)\s*$", text)]
