"""What the view modules of the appendices share: the run's data, loaded on first use, and the result.

``Run`` holds the parameters of one notebook run; the survey is loaded (and checked), and the
indicator tables computed, only when a view first asks for them, so an appendix that reads no
answers — E, the programme in figures — never loads them. ``Html`` is what every view returns.
The views themselves, one module per topic: ``views_survey`` (charts and sentences of B–D),
``views_method`` (A: population, non-response, parameters), ``views_programme`` (E),
``views_claims`` (F); ``helpers.appendix`` puts them behind the one object notebooks call.
"""

from __future__ import annotations

import html
import os
import re
from functools import cached_property
from pathlib import Path

import pandas as pd

from helpers.codebook import MEMBERS
from helpers.figures import Figure, one_line, tidy
from helpers.indicators import challenges_known, indicator_tables, question_of, restrict
from helpers.load import load_survey
from helpers.outputs import OUT_ENV
from helpers.params import RunParams, resolve
from helpers.published import published_figures

#: Why the challenge-level reading is missing, where it would have been shown.
NO_CHALLENGE = ("Lecture par défi non disponible : aucun répondant de ce jeu de données n'indique son défi "
                "(colonne « défi » absente ou vide), chaque réponse ne peut donc être rattachée à un défi.")


class Html:
    """What a notebook method returns: HTML to display, the numbers behind it, and its figures.

    ``data`` is a tidy frame (for a chart or a share: numeric ``share``, ``base``, ``count``,
    ``ci_low``, ``ci_high``, the suppression flag, labels and codes; see ``figures.tidy``);
    ``figures`` the :class:`~helpers.figures.Figure` objects shown, each drawn on demand, so
    the HTML is written when displayed (after any ``figures.set_theme``). Its ``text/plain``
    is one line: executed notebooks do not store the HTML twice.
    """

    def __init__(self, html: str = "", data: pd.DataFrame | None = None, *, parts=()):
        self._html = html
        self.parts = tuple(parts)
        self.data = tidy(pd.DataFrame()) if data is None else data

    @property
    def html(self) -> str:
        return self._body()

    def _body(self) -> str:
        return self._html + "".join(p._repr_html_() if hasattr(p, "_repr_html_") else str(p) for p in self.parts)

    @property
    def figures(self) -> list:
        return [p for p in self.parts if isinstance(p, Figure)] + [f for p in self.parts if isinstance(p, Html)
                                                                   for f in p.figures]

    @property
    def fig(self):
        """The matplotlib figure of the (first) chart shown, drawn in the current theme."""
        if not self.figures:
            raise AttributeError("this result shows no chart")
        return self.figures[0].fig

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        shown = [p for p in self.parts if hasattr(p, "caption") or hasattr(p, "text")]
        if shown:
            name, text = shown[0].name, getattr(shown[0], "caption", None) or shown[0].text
        else:
            name, text = "", " ".join(html.unescape(re.sub(r"<[^>]+>", " ", self._body())).split())
        return one_line("Html", name, text, self.data)


def join(*parts, data: pd.DataFrame | None = None) -> Html:
    """Parts shown one after the other; ``data`` defaults to the first part's that has rows."""
    if data is None:
        data = next((p.data for p in parts if isinstance(getattr(p, "data", None), pd.DataFrame)
                     and len(p.data)), None)
    return Html(parts=parts, data=data)


def note(text: str) -> str:
    """A sentence about what is shown (or why nothing is), in the pages' note style."""
    return f'<p class="eig-note">{html.escape(text)}</p>'


def parameter_list(items) -> Html:
    """A run's data and parameters as the pages list them: one « name : value » line per pair."""
    lines = "".join(f"<li>{html.escape(k)} : {html.escape(v)}</li>" for k, v in items)
    return Html(f'<ul class="eig-parameters">{lines}</ul>')


class Run:
    """The parameters of one notebook run, and its survey and indicator tables loaded on first use."""

    def __init__(self, params: RunParams, save: bool | None = None):
        """``save``: write the figures under ``out_dir/figures``. By default only when the
        pipeline runs the notebook for this ``out_dir`` (it sets ``HELPERS_OUT_DIR``), so
        exploring writes nothing under the report's outputs.
        """
        self.params = params
        self.data_dir = resolve(params.data_dir)
        self.out_dir = resolve(params.out_dir)
        self.promotions = list(params.promotions) if params.promotions else None
        self.confidence = params.confidence
        self.min_cell = params.min_cell
        self.weighting = params.weighting
        self.fpc = params.fpc
        self.verbatims_setting = params.include_verbatims
        running = os.environ.get(OUT_ENV)
        self.save = (bool(running) and Path(running).resolve() == Path(self.out_dir).resolve()) if save is None else save

    @cached_property
    def survey(self):
        """The answers, loaded and checked (``helpers.load``) when a view first needs them."""
        return load_survey(self.data_dir)

    @cached_property
    def kind(self) -> str:
        """``calibrated`` (the sample, calibrated on the paper's charts), ``synthetic`` or ``real``."""
        return self.survey.kind

    @cached_property
    def include_verbatims(self) -> bool:
        """Free-text answers shown: as set, or (``None``) only on synthetic data."""
        return self.survey.synthetic if self.verbatims_setting is None else self.verbatims_setting

    @property
    def codebooks(self):
        return self.survey.codebooks

    @cached_property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The published tables (respondent and, when the data name challenges, challenge level), protected together."""
        return indicator_tables(self.survey, confidence=self.confidence, min_cell=self.min_cell,
                                promotions=self.promotions, fpc=self.fpc)

    @property
    def table(self) -> pd.DataFrame:
        return self.tables["respondent"]

    @property
    def defi_table(self) -> pd.DataFrame:
        return self.tables["defi"]

    @cached_property
    def published(self) -> pd.DataFrame:
        return published_figures()

    @cached_property
    def has_challenges(self) -> bool:
        """Whether any respondent of the run names a challenge (else no challenge-level reading)."""
        return challenges_known(self.survey, self.promotions)

    @cached_property
    def by_construction(self) -> bool:
        """The data were calibrated on the paper's charts, and the run keeps all of their promotions.

        Then published and recomputed values agree because the sample was built to
        reproduce them, which says nothing about the paper.
        """
        if self.kind != "calibrated":
            return False
        present = {int(p) for f in self.survey.frames.values() for p in f["promotion"].dropna()}
        return not self.promotions or present <= set(self.promotions)

    @cached_property
    def frames(self) -> dict[str, pd.DataFrame]:
        """Respondent frames restricted to the promotions of this run."""
        return {g: restrict(f, self.promotions or None) for g, f in self.survey.frames.items()}

    def question(self, question_id: str, group: str = "eig"):
        """The question as ``group`` was asked it; ``both`` only for a question pooled across groups."""
        return question_of(self.survey, group, question_id)

    def questions(self, question_ids, group: str = "eig") -> list:
        """One id or a list of ids → their Question objects in ``group``'s codebook."""
        ids = [question_ids] if isinstance(question_ids, str) else list(question_ids)
        return [self.question(q, group) for q in ids]

    def respondents(self, group: str) -> int:
        """Respondents of a group (``both``: EIG and mentors) in the promotions of this run."""
        return sum(len(self.frames[g]) for g in MEMBERS[group])

    def promotions_of(self, group: str) -> list[int]:
        """The run's promotions, or those of the group's respondents when the run keeps them all."""
        if self.promotions:
            return list(self.promotions)
        sources = MEMBERS[group]
        return sorted({int(p) for g in sources for p in self.frames[g]["promotion"].dropna()})

    @property
    def figures_dir(self) -> Path | None:
        """Where figures are saved (``out_dir``), or ``None`` when this run saves nothing."""
        return self.out_dir if self.save else None

    def kw(self, **extra) -> dict:
        """The disclosure settings every drawing function takes."""
        return {"confidence": self.confidence, "min_cell": self.min_cell, **extra}


def saved(figure, out_dir: Path | None):
    """The figure (or sentence), first written under ``out_dir/figures`` when the run saves (``out_dir`` set)."""
    if out_dir is not None:
        figure.save(out_dir)
    return figure
