"""Numbers of the figures and tables of each appendix (« Graphique B.3 », « Tableau D.2 »).

Numbered in one place, when a page is rendered, in the order a reader meets them in the
executed notebook: the reviewer view, the code view and the PDF chapter carry the same
numbers, and a number never depends on a counter kept by a running kernel. The letter is
the appendix's own, read from its title (« # Annexe B — … »), so notebooks 00–05 are A–F.

A chart of the working paper (``figNN`` in ``data/published/figures.csv``, the paper's own
chart NN) is cited in the pages as « graphique NN du document de travail »; where an
appendix shows that chart, :func:`cite_paper_charts` adds the appendix's number
(« graphique 16 du document de travail (graphique C.10 de ces annexes) »).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: The appendix's letter, from the first heading of its first markdown cell.
TITLE_RE = re.compile(r"^\s*#\s+Annexe\s+([A-Z])\b", re.MULTILINE)
#: A chart (helpers.figures.Figure), its caption, or a table's caption (any eig-table).
TOKEN_RE = re.compile(
    r'<figure class="eig-figure"(?: id="(?P<id>[^"]*)")?[^>]*>'
    r"|(?P<figcaption><figcaption>)"
    r"|(?P<figend></figure>)"
    r'|<table class="eig-table[^"]*"><caption>'
)
#: A paper's chart in a figure's name: ``fig16_eig`` shows the paper's chart 16.
PAPER_ID_RE = re.compile(r"^fig(\d+)(?:_|$)")
#: How the pages cite a chart of the paper.
PAPER_CITE_RE = re.compile(r"\b([Gg])raphique (\d+) du document de travail")
#: A citation of one of the appendices' own numbers.
OWN_CITE_RE = re.compile(r"\b(?:[Gg]raphique|[Tt]ableau) ([A-F]\.\d+)\b")
KINDS = {"figure": "Graphique", "table": "Tableau"}


@dataclass
class Numbers:
    """What one appendix numbered: ``labels`` in order; ``paper`` maps a paper chart to its first showing."""

    letter: str
    labels: list[str] = field(default_factory=list)
    paper: dict[int, str] = field(default_factory=dict)


def letter_of(nb) -> str | None:
    """The appendix letter of a notebook (« Annexe B » → ``"B"``), or ``None`` without such a title."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = TITLE_RE.search(cell.source)
            return match.group(1) if match else None
    return None


def label(kind: str, letter: str, n: int) -> str:
    """``label("figure", "B", 3)`` → ``"Graphique B.3"``."""
    return f"{KINDS[kind]} {letter}.{n}"


def _number_html(text: str, numbers: Numbers, counts: dict[str, int]) -> str:
    out, last, depth = [], 0, 0
    for m in TOKEN_RE.finditer(text):
        token = m.group(0)
        if m.group("figend"):
            depth = max(0, depth - 1)
            continue
        if token.startswith("<figure"):
            depth += 1
            counts["figure"] += 1
            name = label("figure", numbers.letter, counts["figure"])
            numbers.labels.append(name)
            paper = PAPER_ID_RE.match(m.group("id") or "")
            if paper:
                numbers.paper.setdefault(int(paper.group(1)), name)
            new = token
        elif m.group("figcaption"):
            new = f'{token}<span class="eig-number">{label("figure", numbers.letter, counts["figure"])}</span> — '
        elif depth:
            continue  # a figure's own data table shares the figure's number
        else:
            counts["table"] += 1
            name = label("table", numbers.letter, counts["table"])
            numbers.labels.append(name)
            new = f'{token}<span class="eig-number">{name}</span> — '
        out.append(text[last:m.start()] + new)
        last = m.end()
    out.append(text[last:])
    return "".join(out)


def number_notebook(nb) -> Numbers:
    """Number the figures and tables in the HTML outputs of an executed notebook, in place.

    A figure's caption opens with « Graphique X.n — », a table's with « Tableau X.n — »;
    a figure's data table (inside the figure) is not numbered on its own. A notebook
    without an « Annexe X » title is left as it is.
    """
    numbers = Numbers(letter_of(nb) or "")
    if not numbers.letter:
        return numbers
    counts = {"figure": 0, "table": 0}
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = output.get("data", {})
            if "text/html" in data:
                text = data["text/html"]
                text = "".join(text) if isinstance(text, list) else text
                data["text/html"] = _number_html(text, numbers, counts)
    return numbers


def paper_charts(nbs) -> dict[int, str]:
    """Where the appendices show each chart of the paper: ``{16: "Graphique C.9"}`` (first showing).

    Numbers copies, so the notebooks given are left untouched.
    """
    import copy

    shown: dict[int, str] = {}
    for nb in nbs:
        for chart, name in number_notebook(copy.deepcopy(nb)).paper.items():
            shown.setdefault(chart, name)
    return shown


def cite_paper_charts(text: str, shown: dict[int, str]) -> str:
    """« graphique 16 du document de travail » → « … du document de travail (graphique C.9 de ces annexes) »."""
    def add(m: re.Match) -> str:
        own = shown.get(int(m.group(2)))
        return m.group(0) + (f" ({own[0].lower()}{own[1:]} de ces annexes)" if own else "")
    return PAPER_CITE_RE.sub(add, text)


def cite_in_notebook(nb, shown: dict[int, str]) -> None:
    """Add the appendices' numbers to every citation of a paper's chart in the notebook's outputs, in place."""
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = output.get("data", {})
            if "text/html" in data:
                text = data["text/html"]
                data["text/html"] = cite_paper_charts("".join(text) if isinstance(text, list) else text, shown)


def unresolved(text: str, known: set[str]) -> list[str]:
    """Citations of an appendix number (« graphique C.9 ») that name no numbered figure or table."""
    return sorted({m.group(0) for m in OWN_CITE_RE.finditer(text)
                   if f"{'Graphique' if m.group(0)[0] in 'Gg' else 'Tableau'} {m.group(1)}" not in known})
