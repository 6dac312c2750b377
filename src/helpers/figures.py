"""Charts of the appendices, drawn from the indicator table they are given.

Pure drawing: this module reads no files and computes no statistics — shares,
bases and 95 % intervals all come from ``helpers.indicators``. Each chart
function returns a :class:`Figure`: the matplotlib figure plus what makes it
accessible and reproducible (a French caption, an alt text written from the
numbers, the data table, PNG/SVG bytes that are identical on every run, and an
HTML block that the notebooks display and nbconvert keeps).

House style: DejaVu Sans (shipped with matplotlib, so identical offline),
16 cm wide (A4 text width), Okabe–Ito series colours and a dark slice of
viridis for ordinal levels, every mark ≥ 3:1 against white and every text
≥ 4.5:1 (see :func:`contrast_ratio`). Nothing is told by colour alone:
levels and series are hatched, labelled in a legend, and values are written
next to (or inside) the bars. A suppressed cell is written "masqué", never
drawn as an empty bar.
"""

from __future__ import annotations

import base64
import html
import io
import re
import struct
import textwrap
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib as mpl
import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
import seaborn as sns
from cycler import cycler
from matplotlib.figure import Figure as MplFigure
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

from helpers import fmt
from helpers.codebook import GROUP_NAMES
from helpers.disclosure import label as hidden_label
from helpers.outputs import target, write_bytes

WHITE = "#ffffff"
BLACK = "#000000"
TEXT = "#222222"  # 15.9:1 on white
MUTED = "#595959"  # 7.0:1 on white: notes, "masqué"
GRID = "#dddddd"  # decoration only: no value is read from grid lines
#: Okabe–Ito colours that keep ≥ 3:1 on white (orange, sky blue and yellow do not).
SERIES = ("#0072B2", "#D55E00", "#009E73", "#CC79A7")
SERIES_HATCHES = ("", "//", "..", "xx")
LEVEL_HATCHES = ("", "..", "/", "\\", "x", "o", "+")  # sparse: numbers stay legible
#: viridis beyond 0.56 falls under 3:1 on white, so ordinal levels use [0, 0.56].
VIRIDIS_MAX = 0.56
MASKED_HATCH = "////"
#: A share on fewer answers is drawn as an outline (hatched, white inside) and labelled "base faible".
SMALL_BASE = 10
SMALL_HATCH = "xxx"
SMALL_TEXT = "base faible"
NR_COLUMN = "Bornes de non-réponse (population)"
STACKED_SMALL_NOTE = f"barre entourée de tirets : {SMALL_TEXT} (moins de {SMALL_BASE} réponses)"
SMALL_NOTE = f"barres en contour hachuré : {SMALL_TEXT} (moins de {SMALL_BASE} réponses)"

DPI = 144  # 1.5 × CSS pixels: crisp text, light pages
#: Smallest text in a chart, in points: 11 CSS pixels when the chart is shown at its own size
#: (the pages never shrink a chart on a phone: it scrolls sideways instead, report.css).
MIN_TEXT_PT = 8.25
WIDTH_IN = 16 / 2.54
FONT = "DejaVu Sans"
WRAP = 36  # characters per line of a category label
SVG_SALT = "eig-2019"
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

WEIGHTINGS = {"none": "non pondéré", "promotion": "pondéré par promotion"}


# --- colour contrast (WCAG 2.x) -------------------------------------------------

def relative_luminance(colour) -> float:
    """WCAG relative luminance of an sRGB colour (any matplotlib colour spec)."""
    rgb = mcolors.to_rgb(colour)
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast_ratio(a, b=WHITE) -> float:
    """WCAG contrast ratio (1 to 21) between two colours, white by default."""
    hi, lo = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def text_on(fill) -> str:
    """Black or white, whichever reads best on ``fill`` (always ≥ 4.58:1)."""
    return max((BLACK, WHITE), key=lambda c: contrast_ratio(c, fill))


def level_colours(n: int) -> list[str]:
    """``n`` ordinal colours, lowest level lightest, highest darkest."""
    points = np.linspace(VIRIDIS_MAX, 0.0, n) if n > 1 else [VIRIDIS_MAX / 2]
    cmap = mpl.colormaps["viridis"]
    return [mcolors.to_hex(cmap(t)) for t in points]


# --- style ----------------------------------------------------------------------

def house_rc() -> dict:
    """The rcParams of the house style (seaborn "whitegrid" plus our choices)."""
    rc = dict(sns.axes_style("whitegrid"))
    rc.update({
        "font.family": "sans-serif",
        "font.sans-serif": [FONT],
        "font.size": 9,
        "axes.titlesize": 9,
        "axes.labelsize": 9,
        "xtick.labelsize": 8.5,
        "ytick.labelsize": 8.5,
        "legend.fontsize": 8.5,
        "legend.title_fontsize": 8.5,
        "figure.titlesize": 10,
        "figure.titleweight": "bold",
        "text.color": TEXT,
        "axes.labelcolor": TEXT,
        "axes.titlecolor": TEXT,
        "xtick.color": TEXT,
        "ytick.color": TEXT,
        "axes.edgecolor": MUTED,
        "grid.color": GRID,
        "axes.prop_cycle": cycler(color=SERIES),
        "hatch.linewidth": 0.6,
        # Answers may contain "$": never read them as mathtext.
        "text.parse_math": False,
        "figure.dpi": DPI,
        "savefig.dpi": DPI,
        "figure.facecolor": WHITE,
        "savefig.facecolor": WHITE,
        # Reproducible SVG: fixed hash salt for ids, glyphs as paths (no font needed).
        "svg.hashsalt": SVG_SALT,
        "svg.fonttype": "path",
    })
    return rc


#: What :func:`set_theme` laid over the house style (empty unless a user asked: the report never does).
_THEME: dict = {"rc": {}, "version": 0}


def set_theme(rc: dict | None = None, *, palette=None, reset: bool = False) -> dict:
    """Override the house style for every chart drawn from now on: the documented style entry point.

    ``rc`` takes matplotlib rcParams (``{"font.size": 11}``, or a seaborn style such as
    ``sns.axes_style("ticks")``); ``palette`` the series colours (a seaborn palette name or
    a list of colours), read by every chart in place of :data:`SERIES`. Charts already
    returned are drawn again when next displayed. ``reset=True`` restores the house style.
    The report's pipeline never calls it, so its figures keep the house style byte for byte.
    Returns the overrides now in force.
    """
    if reset:
        _THEME["rc"] = {}
    if rc:
        _THEME["rc"].update(rc)
    if palette is not None:
        _THEME["rc"]["axes.prop_cycle"] = cycler(color=sns.color_palette(palette).as_hex())
    _THEME["version"] += 1
    return dict(_THEME["rc"])


def theme_rc() -> dict:
    """The rcParams charts are drawn with: the house style plus :func:`set_theme`'s overrides."""
    return {**house_rc(), **_THEME["rc"]}


@contextmanager
def house_style():
    """Apply the house style (and any :func:`set_theme` overrides) for the duration of a block."""
    with mpl.rc_context(theme_rc()):
        yield


def set_style() -> None:
    """Apply the house style globally, for ad-hoc plots in a notebook."""
    mpl.rcParams.update(theme_rc())


def _series(n: int = len(SERIES)) -> list[str]:
    """``n`` series colours of the style in force (the house's :data:`SERIES` unless a theme overrides them)."""
    colours = mpl.rcParams["axes.prop_cycle"].by_key().get("color") or list(SERIES)
    return [colours[i % len(colours)] for i in range(n)]


# --- the Figure object ----------------------------------------------------------

def _render(fig: MplFigure, kind: str) -> bytes:
    buf = io.BytesIO()
    # No software version/date in the file: the same chart gives the same bytes.
    metadata = {"Software": None} if kind == "png" else {"Date": None}
    # "tight" keeps a long subtitle or legend whole instead of clipping it at the canvas edge.
    fig.savefig(buf, format=kind, dpi=DPI, metadata=metadata, bbox_inches="tight", pad_inches=0.08)
    return buf.getvalue()


#: Columns of a result's ``.data`` (those its rows have), in this order.
DATA_COLUMNS = ("question_id", "item", "option", "label", "series", "group", "subgroup", "weighting",
                "base", "count", "share", "ci_low", "ci_high", "suppressed", "suppression", "missing",
                "n_eff", "population", "nr_low", "nr_high")
#: Values a hidden cell withholds in ``.data`` (NaN there, as on the page).
HIDDEN_VALUES = ("count", "share", "ci_low", "ci_high", "n_eff", "nr_low", "nr_high")
NUMERIC = ("base", "count", "share", "ci_low", "ci_high", "missing", "n_eff", "population", "nr_low", "nr_high")


def tidy(rows: pd.DataFrame, labels: Sequence[str] | None = None, **columns) -> pd.DataFrame:
    """Rows of the indicator table as a result's ``.data``: one row per value shown, numbers as floats.

    A hidden cell keeps its base and reason but none of its values (they are NaN), so
    ``.data`` never tells more than the page; ``labels`` and ``columns`` add the French
    label and, e.g., the item or series of each row.
    """
    out = rows.reset_index(drop=True).copy()
    hidden = (out.apply(_is_masked, axis=1).to_numpy(bool) if len(out) and "suppressed" in out
              else np.zeros(len(out), bool))
    out["label"] = list(labels) if labels is not None else out.get("label", pd.Series([None] * len(out)))
    for name, values in columns.items():
        out[name] = list(values) if not isinstance(values, str) else values
    out = out[[c for c in DATA_COLUMNS if c in out] + [c for c in columns if c not in DATA_COLUMNS]].copy()
    for c in NUMERIC:
        if c in out:
            out[c] = pd.to_numeric(out[c], errors="coerce").astype(float)
    for c in ("ci_low", "ci_high", "count", "share"):
        if c not in out:
            out[c] = np.nan
    out.loc[hidden, [c for c in HIDDEN_VALUES if c in out]] = np.nan
    out["suppressed"] = (out["suppressed"].fillna(False).astype(bool) if "suppressed" in out
                         else False)
    return out


def one_line(kind: str, name: str, text: str, data: pd.DataFrame) -> str:
    """The ``text/plain`` of a displayed result (``Figure``, ``Sentence``, ``Html``), on one line.

    Executed notebooks store both the HTML and this text: keeping it one line (kind, name,
    the caption cut at 70 characters, how many rows ``.data`` holds) keeps the HTML from
    being stored twice while a console still says what the object is.
    """
    text = " ".join(str(text).split())
    short = text if len(text) <= 70 else text[:69] + "…"
    label = f"{kind} {name}" if name else kind
    return f"<{label}: {short} — .data: {len(data)} row{'s' if len(data) != 1 else ''}>"


@dataclass(repr=False)
class Figure:
    """One chart with its caption, alt text, data tables and the drawing behind them.

    ``data`` is the tidy frame of every value shown (numeric share, base, count and
    interval; :func:`tidy`), ``table`` the same in French as printed under the chart.
    The matplotlib figure (:attr:`fig`) is drawn on first use, in the house style plus
    :func:`set_theme`'s overrides, and drawn again after the theme changes; ``png`` and
    ``svg`` are rendered from it when displayed or saved, so an edit of ``fig`` shows.
    The figure is not registered with pyplot, so nothing leaks and the notebook shows
    only :meth:`_repr_html_`.
    """

    name: str
    draw: Callable[[], MplFigure]
    caption: str
    alt: str
    table: pd.DataFrame
    table_caption: str
    data: pd.DataFrame = field(default_factory=lambda: tidy(pd.DataFrame()))
    #: HTML shown under the caption: the « Champ », « Source », « Lecture » lines and the recipe (helpers.reading).
    notes: str = field(default="", repr=False)
    _fig: MplFigure | None = field(default=None, init=False)
    _theme: int = field(default=-1, init=False)
    _rendered: dict = field(default_factory=dict, init=False)

    @classmethod
    def from_matplotlib(cls, name: str, fig: MplFigure | Callable[[], MplFigure], caption: str, alt: str,
                        table: pd.DataFrame, table_caption: str | None = None,
                        data: pd.DataFrame | None = None) -> Figure:
        """Wrap a matplotlib figure, or a function drawing it (also for a notebook's own chart)."""
        if not NAME_RE.match(name):
            raise ValueError(f"figure name {name!r}: expected a slug [a-z0-9_-]")
        draw = fig if callable(fig) and not isinstance(fig, MplFigure) else (lambda: fig)
        return cls(name, draw, caption, alt, table, table_caption or caption,
                   tidy(pd.DataFrame()) if data is None else data)

    @property
    def fig(self) -> MplFigure:
        """The matplotlib figure, drawn now if the theme changed since it was last drawn.

        Whoever takes it may edit it: PNG and SVG are rendered afresh after each access.
        """
        self._rendered.clear()
        return self._current()

    def _current(self) -> MplFigure:
        if self._fig is None or self._theme != _THEME["version"]:
            with house_style():
                self._fig = self.draw()
            self._theme = _THEME["version"]
            self._rendered.clear()
        return self._fig

    def redraw(self) -> MplFigure:
        """Draw the figure afresh (e.g. after changing matplotlib settings by hand)."""
        self._fig = None
        return self.fig

    def _bytes(self, kind: str) -> bytes:
        fig = self._current()
        if kind not in self._rendered:  # saved then displayed: rendered once
            with house_style():
                self._rendered[kind] = _render(fig, kind)
        return self._rendered[kind]

    @property
    def png(self) -> bytes:
        return self._bytes("png")

    @property
    def svg(self) -> bytes:
        return self._bytes("svg")

    def __repr__(self) -> str:
        return one_line("Figure", self.name, self.caption, self.data)

    def save(self, out_dir: Path | str) -> list[Path]:
        """Write ``<out_dir>/figures/<name>.png`` and ``.svg`` atomically."""
        return [write_bytes(target(out_dir, "figures", f"{self.name}.{kind}"), data)
                for kind, data in (("png", self.png), ("svg", self.svg))]

    @property
    def size_px(self) -> tuple[int, int]:
        """Display size in CSS pixels (the PNG has DPI/96 device pixels per CSS pixel)."""
        return _size_px(self.png)

    def _repr_html_(self) -> str:
        esc = html.escape
        png = self.png
        width, height = _size_px(png)
        data = base64.b64encode(png).decode("ascii")
        return (
            f'<figure class="eig-figure" id="{esc(self.name)}">'
            f'<img src="data:image/png;base64,{data}" alt="{esc(self.alt)}" '
            f'width="{width}" height="{height}">'
            f"<figcaption>{esc(self.caption)}</figcaption>{self.notes}"
            "<details><summary>Données de la figure</summary>"
            f"{table_html(self.table, self.table_caption)}</details></figure>"
        )


def _size_px(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])  # PNG IHDR
    return round(width * 96 / DPI), round(height * 96 / DPI)


def _cell(value, na: str, digits: int) -> str:
    if isinstance(value, str):
        return value
    if fmt.is_missing(value):
        return na
    if isinstance(value, (bool, np.bool_)):
        return "oui" if value else "non"
    if isinstance(value, (int, np.integer)):
        return fmt.num(value)
    if isinstance(value, (float, np.floating)):
        return fmt.num(value, digits)
    return str(value)


def table_html(df: pd.DataFrame, caption: str, *, na: str = "—", digits: int = 1,
               long_notes: bool = False) -> str:
    """An accessible HTML table: caption, column and row headers, all text escaped.

    The first column (or a named index) gives the row headers. Numbers are
    written in French; missing values as ``na`` (pass ``"masqué"`` for
    suppressed cells). ``long_notes``: the last column holds paragraphs, which
    the printed book sets wider (book.css) so that no row outgrows a page.
    """
    if not isinstance(df.index, pd.RangeIndex):
        df = df.reset_index()
    esc = html.escape
    head = "".join(f'<th scope="col">{esc(str(c))}</th>' for c in df.columns)
    rows = []
    for values in df.itertuples(index=False, name=None):
        cells = [esc(_cell(v, na, digits)) for v in values]
        rows.append(f'<tr><th scope="row">{cells[0]}</th>'
                    + "".join(f"<td>{c}</td>" for c in cells[1:]) + "</tr>")
    classes = "eig-table long-notes" if long_notes else "eig-table"
    return (f'<table class="{classes}"><caption>{esc(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


# --- shared helpers -------------------------------------------------------------

def _select(table: pd.DataFrame, qid: str, group: str, subgroup=None, weighting=None) -> pd.DataFrame:
    mask = (table["question_id"] == qid) & (table["group"] == group)
    if subgroup is not None:
        mask &= table["subgroup"] == subgroup
    if weighting is not None:
        mask &= table["weighting"] == weighting
    rows = table[mask]
    if rows.empty:
        raise ValueError(f"no indicator rows for {qid} ({group}, {subgroup}, {weighting})")
    return rows


def _is_masked(row) -> bool:
    """Suppressed by disclosure control, or nothing to draw."""
    flag = row["suppressed"]
    return (not fmt.is_missing(flag) and bool(flag)) or fmt.is_missing(row["share"]) or fmt.is_missing(row["count"])


def _top2_levels(q) -> str:
    """The top-2 levels as written in labels: ``"4–5"``."""
    return f"{q.top2[0]}{fmt.EN_DASH}{q.top2[-1]}"


def _top2_label(q) -> str:
    return f"Note {_top2_levels(q)}"


def _option_label(q, option: str) -> str:
    if option == "top2":
        return _top2_label(q)
    try:
        return q.label(option)
    except KeyError:
        return str(option)


def _ordered(q, rows: pd.DataFrame) -> pd.DataFrame:
    """Rows in codebook option order (unknown options last, in table order)."""
    rank = {code: i for i, code in enumerate(q.codes)}
    key = rows["option"].map(lambda o: rank.get(o, len(rank)))
    return rows.assign(_rank=key).sort_values("_rank", kind="stable").drop(columns="_rank")


def _grid_title(questions, title: str | None) -> str:
    """The grid's common question: each text minus its trailing item, if all agree."""
    if title:
        return title
    stems = {(q.text[: -len(q.item)] if q.item and q.text.endswith(q.item) else q.text).strip()
             for q in questions}
    if len(stems) != 1:
        raise ValueError("items with different question texts: pass a title")
    return stems.pop()


def _subgroup_label(subgroup: str) -> str:
    if subgroup == "all":
        return "ensemble"
    return subgroup.replace("promotion=", "promotion ")


def _who(group: str, subgroup: str | None = "all", weighting: str | None = "none") -> str:
    parts = [GROUP_NAMES.get(group, group)]
    if subgroup not in (None, "all"):
        parts.append(_subgroup_label(subgroup))
    if weighting not in (None, "none"):
        parts.append(WEIGHTINGS.get(weighting, weighting))
    return ", ".join(parts)


def _n(bases) -> str:
    values = sorted({int(b) for b in bases if not fmt.is_missing(b)})
    if not values:
        return "n inconnu"
    if len(values) == 1:
        return f"n = {values[0]}"
    return f"n = {values[0]} à {values[-1]}"


def _small(base) -> bool:
    """A base under :data:`SMALL_BASE` (drawn as an outline, flagged "base faible")."""
    return not fmt.is_missing(base) and 0 < float(base) < SMALL_BASE


def base_label(base) -> str:
    """A base in a data table, flagged when small: ``"3 (base faible)"``."""
    return f"{fmt.count(base)} ({SMALL_TEXT})" if _small(base) else fmt.count(base)


def _n_eff_cell(row) -> str:
    """The effective size of a weighted row (its own item's, not the grid's), else "—".

    Masked with the row: with the head counts public, Kish's size gives back the
    promotion bases that made the row suppressed.
    """
    if row.get("weighting", "none") == "none":
        return "—"
    if _is_masked(row):
        return fmt.MASKED
    return "—" if fmt.is_missing(row.get("n_eff")) else fmt.num(row["n_eff"], 1)


def _bounds_cell(row) -> str:
    """Non-response bounds of a row of the indicator table ("—" where the population is unknown)."""
    if row is None or _is_masked(row):
        return fmt.MASKED
    if fmt.is_missing(row.get("nr_low")):
        return "—"
    return fmt.ci(row["nr_low"], row["nr_high"])


def _wrap(text: str, suffix: str = "", width: int = WRAP) -> str:
    """Wrap a label; ``suffix`` (e.g. "(n = 19)") is never split across lines."""
    lines = textwrap.wrap(str(text), width) or [""]
    if suffix:
        if len(lines[-1]) + 1 + len(suffix) <= width:
            lines[-1] = f"{lines[-1]} {suffix}".strip()
        else:
            lines.append(suffix)
    return "\n".join(lines)


def _slug(*parts: str) -> str:
    text = "_".join(p for p in parts if p)
    return re.sub(r"[^a-z0-9_-]+", "_", text.lower()).strip("_")


def _variant(subgroup: str, weighting: str) -> str:
    out = "" if subgroup in (None, "all") else subgroup.replace("=", "")
    return _slug(out, "pondere" if weighting == "promotion" else "")


def _new_figure(n_rows: int, lines: int = 1, extra: float = 0.0) -> tuple[MplFigure, object]:
    """``extra``: inches for what sits outside the axes beyond a title and one legend row (a taller
    legend), so that the rows keep their height and their wrapped labels do not overlap."""
    row_in = 0.16 * max(lines, 2) + 0.12
    fig = MplFigure(figsize=(WIDTH_IN, 1.3 + extra + row_in * n_rows), layout="constrained")
    return fig, fig.add_subplot()


def _titles(fig, ax, title: str, subtitle: str) -> None:
    fig.suptitle(_wrap(title, width=80), x=0.01, ha="left")
    ax.set_title(subtitle, loc="left", color=MUTED)


def _percent_axis(ax, right: float = 1.0) -> None:
    ax.set_xlim(0, right)
    ax.spines["bottom"].set_bounds(0, 1)
    ax.xaxis.set_major_locator(FixedLocator([0, 0.25, 0.5, 0.75, 1.0]))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: fmt.pct(x)))


def _hidden(row, min_cell: int) -> str:
    """What a value not drawn says: "aucune réponse" (base 0), or why it is hidden ("moins de 3 réponses"…)."""
    if row is not None and fmt.no_answer(row["base"]):
        return fmt.NO_ANSWER
    if row is None or "suppression" not in row or not row["suppressed"]:
        return fmt.MASKED
    return hidden_label(row["suppression"], min_cell)


def _phrase(row, confidence: float, min_cell: int) -> str:
    """A row in words: its share, count and interval, or its label and base when hidden."""
    if _is_masked(row):
        return f"{_hidden(row, min_cell)}, base {fmt.count(row['base'])}"
    return fmt.row_phrase(row, confidence=confidence, min_cell=min_cell)


@dataclass
class Sentence:
    """What replaces a chart whose every cell is hidden: one sentence, nothing drawn or saved."""

    name: str
    text: str
    #: The hidden rows: bases and reasons, no value (see :func:`tidy`).
    data: pd.DataFrame = field(default_factory=lambda: tidy(pd.DataFrame()))

    def save(self, out_dir: Path | str) -> list[Path]:
        return []

    def _repr_html_(self) -> str:
        return f'<p class="eig-note">{html.escape(self.text)}</p>'

    def __repr__(self) -> str:
        return one_line("Sentence", self.name, self.text, self.data)


def _every_cell_hidden(rows: pd.DataFrame) -> bool:
    """True when nothing of a chart can be drawn because of disclosure control.

    A chart nobody answered (every base 0) is still drawn, saying "aucune réponse".
    """
    return bool(rows.apply(_is_masked, axis=1).all()) and not all(fmt.no_answer(b) for b in rows["base"])


def _all_hidden(name: str, title: str, who: str, rows: pd.DataFrame, min_cell: int) -> Sentence:
    """The sentence for a chart of hidden cells: what it would show, why it is not, the bases."""
    reasons = sorted({_hidden(r, min_cell) for _, r in rows.iterrows()})
    bases = _n(rows["base"])
    return Sentence(name, f"{title} — {who} ({bases}) : toutes les valeurs sont masquées "
                          f"({' ; '.join(reasons)}) ; ce graphique n'est pas publié.", tidy(rows))


def _pooled_label(rows, min_cell: int) -> str:
    """Label of pooled hidden levels: their common reason, or plain "masqué" when reasons differ."""
    labels = {_hidden(r, min_cell) for r in rows if r is not None and _is_masked(r)}
    return labels.pop() if len(labels) == 1 else fmt.MASKED


def _masked_text(ax, y: float, text: str, size: float = MIN_TEXT_PT) -> None:
    ax.text(0.005, y, text, va="center", ha="left", color=MUTED,
            style="italic", fontsize=size, transform=ax.get_yaxis_transform())


def _blank(row, masked: str = fmt.MASKED) -> str:
    """What stands for a value not drawn: "aucune réponse" when the base is 0, else ``masked``."""
    return fmt.NO_ANSWER if row is not None and fmt.no_answer(row["base"]) else masked


def _row_table(rows: pd.DataFrame, labels: Sequence[str], confidence: float,
               extra: dict | None = None, min_cell: int = 3) -> pd.DataFrame:
    """The data table of a figure: one line per row, values written in French."""
    table = pd.DataFrame({"Option": list(labels)})
    for col, values in (extra or {}).items():
        table[col] = list(values)
    table["Effectif"] = [_hidden(r, min_cell) if _is_masked(r) else fmt.count(r["count"])
                         for _, r in rows.iterrows()]
    table["Base"] = [base_label(b) for b in rows["base"]]
    if "weighting" in rows and (rows["weighting"] != "none").any():
        table["n eff."] = [_n_eff_cell(r) for _, r in rows.iterrows()]
    table["Part"] = [_hidden(r, min_cell) if _is_masked(r) else fmt.pct(r["share"]) for _, r in rows.iterrows()]
    table[fmt.ci_label(confidence)] = [_hidden(r, min_cell) if _is_masked(r) else fmt.ci(r["ci_low"], r["ci_high"])
                                       for _, r in rows.iterrows()]
    if "nr_low" in rows and rows["nr_low"].notna().any():
        table[NR_COLUMN] = [_bounds_cell(r) for _, r in rows.iterrows()]
    return table


# --- chart kinds ----------------------------------------------------------------

def bar_shares(table: pd.DataFrame, question, *, group: str, subgroup: str = "all",
               weighting: str = "none", value: str = "share", sort: bool = False,
               title: str | None = None, name: str | None = None,
               confidence: float = 0.95, min_cell: int = 3, order: Sequence[str] | None = None) -> Figure:
    """Horizontal bars of one question's options, with 95 % interval whiskers.

    ``value="count"`` draws counts (the paper's unit for multi-answer charts);
    the whiskers are then the interval times the base. ``sort`` orders bars by
    decreasing share (suppressed last); otherwise codebook order. For a scale
    question the bars are the levels and the top-2 share goes in the alt text
    and the table. ``order`` (option codes) puts the bars in a published chart's order.
    """
    if value not in ("share", "count"):
        raise ValueError(f"value must be 'share' or 'count', not {value!r}")
    q = question
    rows = _ordered(q, _select(table, q.id, group, subgroup, weighting))
    bars = rows[rows["option"] != "top2"]
    if order is not None:
        rank = {str(code): i for i, code in enumerate(order)}
        bars = bars.assign(_r=bars["option"].map(lambda o: rank.get(o, len(rank))))
        bars = bars.sort_values("_r", kind="stable").drop(columns="_r")
    if sort:
        bars = bars.assign(_s=bars["share"].where(~bars.apply(_is_masked, axis=1)))
        bars = bars.sort_values("_s", ascending=False, na_position="last", kind="stable").drop(columns="_s")
    title = title or q.text
    who, n_text = _who(group, subgroup, weighting), _n(rows["base"])
    name = name or _slug(q.figure or "", q.id, group, _variant(subgroup, weighting))
    if _every_cell_hidden(rows):
        return _all_hidden(name, title, who, rows, min_cell)
    per_bar_base = bars["base"].nunique() > 1
    labels = [_option_label(q, o) for o in bars["option"]]
    wrapped = [_wrap(t, f"(n = {fmt.count(b)})" if per_bar_base else "")
               for t, b in zip(labels, bars["base"])]

    shown = ~bars.apply(_is_masked, axis=1).to_numpy()
    small = np.array([_small(b) for b in bars["base"]], bool)
    solid, outline = shown & ~small, shown & small

    def draw() -> MplFigure:
        fig, ax = _new_figure(len(bars), max(w.count("\n") + 1 for w in wrapped))
        y = np.arange(len(bars))
        scale = bars["base"].astype(float) if value == "count" else pd.Series(1.0, index=bars.index)
        mid = bars["share"].astype(float) * scale
        lo, hi = bars["ci_low"].astype(float) * scale, bars["ci_high"].astype(float) * scale
        colour = _series(1)[0]
        ax.barh(y[solid], mid[solid], height=0.6, color=colour, zorder=2)
        ax.barh(y[outline], mid[outline], height=0.6, color=WHITE, edgecolor=colour, linewidth=1.2,
                hatch=SMALL_HATCH, hatchcolor=colour, zorder=2)
        ax.errorbar(mid[shown], y[shown], xerr=[mid[shown] - lo[shown], hi[shown] - mid[shown]],
                    fmt="none", ecolor=TEXT, elinewidth=1, capsize=3, zorder=3)
        right = 1.0 if value == "share" else max(float(bars["base"].max()), 1.0)  # at most everyone
        for yi, (_, r), m, h, ok in zip(y, bars.iterrows(), mid, hi, shown):
            if not ok:
                _masked_text(ax, yi, _hidden(r, min_cell))
                continue
            text = (f"{fmt.pct(r['share'])} ({fmt.count(r['count'])})" if value == "share"
                    else f"{fmt.count(r['count'])} ({fmt.pct(r['share'])})")
            text += f", {SMALL_TEXT}" if _small(r["base"]) else ""
            ax.text(max(m, h) + right * 0.015, yi, text, va="center", ha="left", fontsize=8.5)
        ax.set_yticks(y, wrapped)
        ax.set_ylim(len(bars) - 0.5, -0.5)
        if value == "share":
            _percent_axis(ax, 1.3)
            ax.set_xlabel("Part des répondants")
        else:
            ax.set_xlim(0, right * 1.25)
            ax.spines["bottom"].set_bounds(0, right)
            ticks = MaxNLocator(integer=True).tick_values(0, right)
            ax.xaxis.set_major_locator(FixedLocator([t for t in ticks if 0 <= t <= right]))
            ax.set_xlabel("Nombre de répondants")
        ax.grid(axis="y", visible=False)
        sns.despine(ax=ax, left=True)
        multi = " (plusieurs réponses possibles)" if q.type == "multi" else ""
        small_note = f"\n{SMALL_NOTE}" if outline.any() else ""
        _titles(fig, ax, title, f"{who}, {n_text}{multi} ; traits : {fmt.ci_label(confidence)}{small_note}")
        return fig

    multi = " (plusieurs réponses possibles)" if q.type == "multi" else ""

    unit = "part" if value == "share" else "nombre"
    caption = (f"{title} — {who}, {n_text} : {unit} des répondants par réponse{multi}, "
               f"avec {fmt.ci_label(confidence)}{' ; ' + SMALL_NOTE if outline.any() else ''}.")
    phrases = [f"{lab} : {_phrase(r, confidence, min_cell)}" for lab, (_, r) in zip(labels, bars.iterrows())]
    top2 = rows[rows["option"] == "top2"]
    if not top2.empty:
        phrases.append(f"{_top2_label(q)} : {_phrase(top2.iloc[0], confidence, min_cell)}")
    alt = f"Diagramme en barres horizontales. {title} ({who}, {n_text}). " + " ; ".join(phrases) + "."
    shown_rows = pd.concat([bars, top2])
    labels_shown = [_option_label(q, o) for o in shown_rows["option"]]
    data = _row_table(shown_rows, labels_shown, confidence, min_cell=min_cell)
    return Figure.from_matplotlib(name, draw, caption, alt, data, f"{title} — {who}",
                                  data=tidy(shown_rows, labels_shown))


def stacked_scale(table: pd.DataFrame, questions: Sequence, *, group: str, subgroup: str = "all",
                  weighting: str = "none", title: str | None = None, name: str | None = None,
                  confidence: float = 0.95, min_cell: int = 3) -> Figure:
    """Stacked bars for a grid of scale items: one bar per item, its base in its label.

    Segments are shares of the item's base, with the count written inside;
    the top-2 share and its interval are written at the right of each bar.
    Suppressed levels are pooled in one hatched "masqué" segment (their total
    is base minus the shown counts, already public); a fully suppressed item
    is written "masqué" instead of a bar.
    """
    questions = list(questions)
    levels = questions[0].levels
    if not levels or any(q.levels != levels for q in questions):
        raise ValueError("stacked_scale needs scale questions sharing the same levels")
    title = _grid_title(questions, title)
    q0 = questions[0]
    colours = level_colours(len(levels))
    top2_name = _top2_label(q0)
    who = _who(group, subgroup, weighting)

    items = []
    for q in questions:
        rows = _select(table, q.id, group, subgroup, weighting).set_index("option")
        base = rows["base"].iloc[0]
        counts = {lv: rows.loc[str(lv)] if str(lv) in rows.index else None for lv in levels}
        shares = {lv: (np.nan if r is None or _is_masked(r) else float(r["share"])) for lv, r in counts.items()}
        items.append({"label": q.item or q.text, "base": base, "rows": counts,
                      "shares": shares, "top2": rows.loc["top2"] if "top2" in rows.index else None})
    n_text = _n(i["base"] for i in items)
    name = name or _slug(q0.figure or q0.id, group, _variant(subgroup, weighting))
    every = pd.DataFrame([r for i in items for r in [*i["rows"].values(), i["top2"]] if r is not None])
    if _every_cell_hidden(every):
        return _all_hidden(name, title, who, every, min_cell)
    wrapped = [_wrap(i["label"], f"(n = {fmt.count(i['base'])}{', ' + SMALL_TEXT if _small(i['base']) else ''})")
               for i in items]
    any_small = any(_small(i["base"]) for i in items)

    # The legend (a title, four levels a row, maybe « masqué ») sits below the axes: room for it.
    legend_rows = -(-(len(levels) + 1) // 4) + 1

    def draw() -> MplFigure:
        any_masked = False
        fig, ax = _new_figure(len(items), max(w.count("\n") + 1 for w in wrapped), extra=0.2 * legend_rows)
        y = np.arange(len(items))
        for yi, item in zip(y, items):
            known = {lv: s for lv, s in item["shares"].items() if not np.isnan(s)}
            if fmt.no_answer(item["base"]):
                _masked_text(ax, yi, fmt.NO_ANSWER)
                continue
            if not known:
                _masked_text(ax, yi, _pooled_label(item["rows"].values(), min_cell))
                any_masked = True
                continue
            left = 0.0
            for k, lv in enumerate(levels):
                share = known.get(lv, 0.0)
                if share > 0:
                    ax.barh(yi, share, left=left, height=0.66, color=colours[k], edgecolor=WHITE,
                            linewidth=0.8, hatch=LEVEL_HATCHES[k], hatchcolor=text_on(colours[k]), zorder=2)
                    if share >= 0.045:
                        ink = text_on(colours[k])
                        ax.text(left + share / 2, yi, fmt.count(item["rows"][lv]["count"]), ha="center",
                                va="center", color=ink, fontsize=MIN_TEXT_PT, zorder=4,
                                bbox={"boxstyle": "square,pad=0.35", "facecolor": colours[k], "edgecolor": "none"})
                    left += share
            if _small(item["base"]):
                ax.barh(yi, 1.0, height=0.82, fill=False, edgecolor=TEXT, linewidth=1.1, linestyle=(0, (3, 2)),
                        zorder=5)
            rest = 1.0 - left
            if len(known) < len(levels) and rest > 1e-9:
                any_masked = True
                ax.barh(yi, rest, left=left, height=0.66, color=WHITE, edgecolor=MUTED, linewidth=0.8,
                        hatch=MASKED_HATCH, hatchcolor=MUTED, zorder=2)
        ax.set_yticks(y, wrapped)
        ax.set_ylim(len(items) - 0.5, -0.5)
        _percent_axis(ax)
        ax.set_xlabel("Part des répondants de l'item (effectifs dans les barres)")
        ax.grid(axis="y", visible=False)
        sns.despine(ax=ax, left=True, bottom=True)
        right = ax.secondary_yaxis("right")
        right.set_yticks(y, [_blank(i["top2"]) if i["top2"] is None or _is_masked(i["top2"])
                             else f"{fmt.pct(i['top2']['share'])} ({fmt.ci(i['top2']['ci_low'], i['top2']['ci_high'])})"
                             for i in items])
        right.tick_params(length=0)
        right.spines["right"].set_visible(False)
        ax.annotate(f"{top2_name}\n({fmt.ci_label(confidence)})", xy=(1, 1), xycoords="axes fraction",
                    xytext=(6, 2), textcoords="offset points", ha="left", va="bottom", color=MUTED)
        handles = [Patch(facecolor=c, edgecolor=WHITE, hatch=h, hatchcolor=text_on(c), label=q0.label(str(lv)))
                   for lv, c, h in zip(levels, colours, LEVEL_HATCHES)]
        if any_masked:
            handles.append(Patch(facecolor=WHITE, edgecolor=MUTED, hatch=MASKED_HATCH, hatchcolor=MUTED,
                                 label=_pooled_label([r for i in items for r in i["rows"].values()], min_cell)))
        fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 4),
                   frameon=False, title="Niveau de réponse", handleheight=1.4, handlelength=2.2)
        _titles(fig, ax, title, f"{who}, {n_text}" + (f"\n{STACKED_SMALL_NOTE}" if any_small else ""))
        return fig

    scale_text = f"de {levels[0]} à {levels[-1]}"
    ends = ""
    if q0.low_label and q0.high_label:
        ends = f" ({levels[0]} = {q0.low_label}, {levels[-1]} = {q0.high_label})"
    caption = (f"{title} — {who}, {n_text} : répartition des réponses {scale_text} par item, "
               f"part {top2_name.lower()} et {fmt.ci_label(confidence)}"
               f"{' ; ' + STACKED_SMALL_NOTE if any_small else ''}.")
    phrases = [f"{i['label']} : " + (f"{fmt.MASKED}, base {fmt.count(i['base'])}" if i["top2"] is None
                                     else _phrase(i["top2"], confidence, min_cell))
               for i in items]
    alt = (f"Barres empilées, échelle {scale_text}{ends}. {title} ({who}, {n_text}). "
           f"Part des réponses {_top2_levels(q0)} par item : " + " ; ".join(phrases) + ".")
    data = pd.DataFrame({"Item": [i["label"] for i in items], "Base": [base_label(i["base"]) for i in items]})
    if weighting != "none":
        data["n eff."] = [_n_eff_cell(i["top2"]) if i["top2"] is not None else "—" for i in items]
    for lv in levels:
        data[q0.label(str(lv))] = [_hidden(i["rows"][lv], min_cell) if i["rows"][lv] is None
                                   or _is_masked(i["rows"][lv]) else fmt.count(i["rows"][lv]["count"])
                                   for i in items]
    data[f"Part {_top2_levels(q0)}"] = [_hidden(i["top2"], min_cell) if i["top2"] is None or _is_masked(i["top2"])
                                            else fmt.pct(i["top2"]["share"]) for i in items]
    data[fmt.ci_label(confidence)] = [_hidden(i["top2"], min_cell) if i["top2"] is None or _is_masked(i["top2"])
                                      else fmt.ci(i["top2"]["ci_low"], i["top2"]["ci_high"]) for i in items]
    if any(i["top2"] is not None and not fmt.is_missing(i["top2"].get("nr_low")) for i in items):
        data[f"{NR_COLUMN}, part {_top2_levels(q0)}"] = [_bounds_cell(i["top2"]) for i in items]
    shown_rows = pd.concat([_ordered(q, _select(table, q.id, group, subgroup, weighting)).assign(item=q.item or q.text)
                            for q in questions], ignore_index=True)
    labels_shown = [_option_label(q, o) for q in questions
                    for o in _ordered(q, _select(table, q.id, group, subgroup, weighting))["option"]]
    return Figure.from_matplotlib(name, draw, caption, alt, data, f"{title} — {who}",
                                  data=tidy(shown_rows, labels_shown))


def _series_name(by: str, key: str) -> str:
    return _subgroup_label(key) if by == "subgroup" else WEIGHTINGS.get(key, key)


def _series_sizes(by: str, key: str, rows: pd.DataFrame) -> str:
    """``"n = 21"``, plus the effective size of a weighted series."""
    sizes = [_n(rows["base"])]
    shown = rows[~rows.apply(_is_masked, axis=1)] if len(rows) else rows
    if by == "weighting" and key != "none" and "n_eff" in shown and shown["n_eff"].notna().any():
        low, high = shown["n_eff"].dropna().min(), shown["n_eff"].dropna().max()
        same = fmt.num(low, 1) == fmt.num(high, 1)
        sizes.append(f"n eff. = {fmt.num(low, 1)}" if same
                     else f"n eff. = {fmt.num(low, 1)} à {fmt.num(high, 1)} selon l'item (voir le tableau)")
    return ", ".join(sizes)


def grouped_by_promotion(table: pd.DataFrame, questions, *, group: str, by: str = "subgroup",
                         series: Sequence[str] | None = None, subgroup: str = "all",
                         weighting: str = "none", title: str | None = None, name: str | None = None,
                         confidence: float = 0.95, min_cell: int = 3) -> Figure:
    """Grouped bars comparing subgroups, with whiskers: one group of bars per category.

    ``by="subgroup"`` compares the promotions (``series`` defaults to every
    ``promotion=N`` present) at a fixed ``weighting``; ``by="weighting"``
    compares ``none`` and ``promotion`` weighting at a fixed ``subgroup``.
    Categories are the options of a question, or the top-2 share of each item
    when the questions are scales (several items can then be compared at once).
    """
    if by not in ("subgroup", "weighting"):
        raise ValueError(f"by must be 'subgroup' or 'weighting', not {by!r}")
    questions = [questions] if not isinstance(questions, Sequence) else list(questions)
    fixed = {"weighting": weighting} if by == "subgroup" else {"subgroup": subgroup}
    parts = []
    for q in questions:
        rows = _select(table, q.id, group, **fixed)
        if q.type == "scale":
            rows = rows[rows["option"] == "top2"]
            label = q.item or q.text
            rows = rows.assign(_label=f"{label} ({_top2_levels(q)})" if len(questions) > 1 else _top2_label(q))
        else:
            rows = _ordered(q, rows)
            rows = rows.assign(_label=[_option_label(q, o) for o in rows["option"]])
        parts.append(rows.assign(_cat=q.id + "\x1f" + rows["option"]))
    rows = pd.concat(parts, ignore_index=True)
    if series is None:
        present = list(dict.fromkeys(rows[by]))
        if by == "subgroup":
            present = sorted((p for p in present if p.startswith("promotion=")),
                             key=lambda p: int(p.split("=", 1)[1]))
        else:
            present = [w for w in WEIGHTINGS if w in present]
        series = present
    series = list(series)
    if not 1 <= len(series) <= len(SERIES):
        raise ValueError(f"between 1 and {len(SERIES)} series, got {series}")
    cats = list(dict.fromkeys(rows["_cat"]))
    cat_labels = [rows.loc[rows["_cat"] == c, "_label"].iloc[0] for c in cats]
    lookup = {(r["_cat"], r[by]): r for _, r in rows.iterrows()}
    names = [_series_name(by, key) for key in series]
    sizes = [_series_sizes(by, key, rows[rows[by] == key]) for key in series]
    series_labels = [f"{nm.capitalize()} ({sz})" for nm, sz in zip(names, sizes)]
    q0 = questions[0]
    title = _grid_title(questions, title)
    who = _who(group, None if by == "subgroup" else subgroup, None if by == "weighting" else weighting)
    versus = "par promotion" if by == "subgroup" else "sans et avec pondération par promotion"
    suffix = "par_promotion" if by == "subgroup" else _slug("ponderation", _variant(subgroup, "none"))
    name = name or _slug(q0.figure or "", q0.id if len(questions) == 1 else "", group, suffix)
    drawn = pd.DataFrame([lookup[(c, key)] for c in cats for key in series if (c, key) in lookup])
    if _every_cell_hidden(drawn):
        return _all_hidden(name, title, who, drawn, min_cell)
    wrapped = [_wrap(t) for t in cat_labels]
    k = len(series)
    height = 0.8 / k
    any_small = any(_small(r["base"]) for _, r in drawn.iterrows() if not _is_masked(r))

    def draw() -> MplFigure:
        fig, ax = _new_figure(len(cats), max(k + 0.5, max(w.count("\n") + 1 for w in wrapped)))
        y = np.arange(len(cats))
        colours = _series(len(series))
        for j, (key, colour, hatch) in enumerate(zip(series, colours, SERIES_HATCHES)):
            offset = (j - (k - 1) / 2) * height
            for yi, cat in zip(y, cats):
                r = lookup.get((cat, key))
                yy = yi + offset
                if r is None or _is_masked(r):
                    _masked_text(ax, yy, _hidden(r, min_cell), size=MIN_TEXT_PT)
                    continue
                share = float(r["share"])
                if _small(r["base"]):
                    ax.barh(yy, share, height=height * 0.92, color=WHITE, hatch=SMALL_HATCH, edgecolor=colour,
                            hatchcolor=colour, linewidth=1.1, zorder=2)
                else:
                    ax.barh(yy, share, height=height * 0.92, color=colour, hatch=hatch, edgecolor=WHITE,
                            hatchcolor=WHITE, linewidth=0.5, zorder=2)
                ax.errorbar(share, yy, xerr=[[share - r["ci_low"]], [r["ci_high"] - share]], fmt="none",
                            ecolor=TEXT, elinewidth=0.9, capsize=2, zorder=3)
                ax.text(max(share, float(r["ci_high"])) + 0.015, yy,
                        fmt.pct(share) + (f", {SMALL_TEXT}" if _small(r["base"]) else ""), va="center",
                        ha="left", fontsize=MIN_TEXT_PT)
        ax.set_yticks(y, wrapped)
        ax.set_ylim(len(cats) - 0.5, -0.5)
        _percent_axis(ax, 1.2)
        ax.set_xlabel("Part des répondants")
        ax.grid(axis="y", visible=False)
        sns.despine(ax=ax, left=True)
        handles = [Patch(facecolor=c, edgecolor=WHITE, hatch=h, hatchcolor=WHITE, label=lab)
                   for c, h, lab in zip(colours, SERIES_HATCHES, series_labels)]
        fig.legend(handles=handles, loc="outside lower center", ncols=min(k, 2), frameon=False,
                   handleheight=1.4, handlelength=2.2)
        _titles(fig, ax, title, f"{who}, {versus} ; traits : {fmt.ci_label(confidence)}"
                + (f"\n{SMALL_NOTE}" if any_small else ""))
        return fig

    caption = (f"{title} — {who}, {versus} : part des répondants "
               f"({' ; '.join(f'{nm}, {sz}' for nm, sz in zip(names, sizes))}), avec {fmt.ci_label(confidence)}"
               f"{' ; ' + SMALL_NOTE if any_small else ''}.")
    phrases = []
    for cat, label in zip(cats, cat_labels):
        each = []
        for key, nm in zip(series, names):
            r = lookup.get((cat, key))
            each.append(f"{nm} " + (fmt.MASKED if r is None else _phrase(r, confidence, min_cell)))
        phrases.append(f"{label} : " + ", ".join(each))
    alt = (f"Barres groupées. {title} ({who}, {versus}). " + " ; ".join(phrases) + ".")
    ordered = [(cat, label, key, slabel) for cat, label in zip(cats, cat_labels)
               for key, slabel in zip(series, series_labels) if (cat, key) in lookup]
    data = _row_table(pd.DataFrame([lookup[(c, key)] for c, _, key, _ in ordered]),
                      [label for _, label, _, _ in ordered], confidence,
                      {"Série": [slabel for *_, slabel in ordered]}, min_cell)
    return Figure.from_matplotlib(name, draw, caption, alt, data, f"{title} — {who}, {versus}",
                                  data=tidy(pd.DataFrame([lookup[(c, key)] for c, _, key, _ in ordered]),
                                            [label for _, label, _, _ in ordered],
                                            series=[_series_name(by, key) for _, _, key, _ in ordered]))


def _bar_counts(rows: pd.DataFrame, *, labels: Sequence[str], title: str, who: str, name: str) -> Figure:
    """:func:`bar_estimates` for complete counts: the shares are exact, no interval is drawn or written."""
    wrapped = [_wrap(lab, f"(n = {fmt.count(b)})") for lab, b in zip(labels, rows["base"])]
    def draw() -> MplFigure:
        fig, ax = _new_figure(len(rows), max(w.count("\n") + 1 for w in wrapped))
        y = np.arange(len(rows))
        ax.barh(y, rows["share"].astype(float), height=0.6, color=_series(1)[0], zorder=2)
        for yi, (_, r) in zip(y, rows.iterrows()):
            ax.text(float(r["share"]) + 0.015, yi, f"{fmt.pct(r['share'])} ({fmt.count(r['count'])})",
                    va="center", ha="left", fontsize=8.5)
        ax.set_yticks(y, wrapped)
        ax.set_ylim(len(rows) - 0.5, -0.5)
        _percent_axis(ax, 1.3)
        ax.grid(axis="y", visible=False)
        sns.despine(ax=ax, left=True)
        _titles(fig, ax, title, f"{who} ; comptage complet, sans intervalle")
        return fig

    caption = f"{title} — {who} : comptage complet (rien n'est échantillonné), sans intervalle."
    phrases = [f"{lab} : {fmt.pct(r['share'])} ({fmt.count_of(r['count'], r['base'])})"
               for lab, (_, r) in zip(labels, rows.iterrows())]
    alt = f"Diagramme en barres horizontales. {title} ({who}, comptage complet). " + " ; ".join(phrases) + "."
    data = pd.DataFrame({"Option": list(labels), "Effectif": [fmt.count(c) for c in rows["count"]],
                         "Base": [fmt.count(b) for b in rows["base"]], "Part": [fmt.pct(s) for s in rows["share"]]})
    return Figure.from_matplotlib(name, draw, caption, alt, data, f"{title} — {who}", data=tidy(rows, labels))


def bar_estimates(rows: pd.DataFrame, *, labels: Sequence[str], title: str, who: str, name: str,
                  confidence: float = 0.95) -> Figure:
    """Horizontal bars of shares that are not survey questions (e.g. challenges per promotion).

    ``rows`` carries ``count, base, share`` and, for an estimate, ``ci_low, ci_high``
    (one row per bar, in order); without them the shares are complete counts, drawn
    without whiskers. Each bar label gets its own base, since the bars compare
    groups. Public facts, not survey answers: nothing is suppressed.
    """
    rows = rows.reset_index(drop=True).assign(suppressed=False)
    if "ci_low" not in rows:
        return _bar_counts(rows, labels=labels, title=title, who=who, name=name)
    wrapped = [_wrap(lab, f"(n = {fmt.count(b)})") for lab, b in zip(labels, rows["base"])]
    def draw() -> MplFigure:
        fig, ax = _new_figure(len(rows), max(w.count("\n") + 1 for w in wrapped))
        y = np.arange(len(rows))
        mid, lo, hi = (rows[c].astype(float) for c in ("share", "ci_low", "ci_high"))
        ax.barh(y, mid, height=0.6, color=_series(1)[0], zorder=2)
        ax.errorbar(mid, y, xerr=[mid - lo, hi - mid], fmt="none", ecolor=TEXT, elinewidth=1, capsize=3, zorder=3)
        for yi, (_, r) in zip(y, rows.iterrows()):
            ax.text(max(r["share"], r["ci_high"]) + 0.015, yi, f"{fmt.pct(r['share'])} ({fmt.count(r['count'])})",
                    va="center", ha="left", fontsize=8.5)
        ax.set_yticks(y, wrapped)
        ax.set_ylim(len(rows) - 0.5, -0.5)
        _percent_axis(ax, 1.3)
        ax.grid(axis="y", visible=False)
        sns.despine(ax=ax, left=True)
        _titles(fig, ax, title, f"{who} ; traits : {fmt.ci_label(confidence)}")
        return fig

    caption = f"{title} — {who}, avec {fmt.ci_label(confidence)}."
    phrases = [f"{lab} : {fmt.row_phrase(r, confidence=confidence, min_cell=None)}"
               for lab, (_, r) in zip(labels, rows.iterrows())]
    alt = f"Diagramme en barres horizontales. {title} ({who}). " + " ; ".join(phrases) + "."
    data = _row_table(rows, labels, confidence)
    return Figure.from_matplotlib(name, draw, caption, alt, data, f"{title} — {who}", data=tidy(rows, labels))
