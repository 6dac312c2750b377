"""What an appendix notebook calls: one object per run, one method per thing shown.

Notebooks stay thin (narrative + one call per cell). Everything shown comes
from the indicator table or another tested function of the package; this
module only picks the rows, the chart kind and the French wording, saves the
figures under ``out_dir`` and returns objects that display as accessible HTML.
"""

from __future__ import annotations

import html
import os
import re
from functools import cached_property
from pathlib import Path

import pandas as pd

from helpers import fmt
from helpers.codebook import GROUP_NAMES
from helpers.compare import compare_shares
from helpers.figures import (
    Figure,
    bar_shares,
    base_label,
    grouped_by_promotion,
    one_line,
    set_style,
    stacked_scale,
    table_html,
    tidy,
)
from helpers.headcounts import populations
from helpers.indicators import challenges_known, indicator_tables, question_of, restrict
from helpers.load import load_survey
from helpers.population import (
    answers_per_challenge,
    precision_summary,
    representation,
    representation_summary,
    response_rates,
)
from helpers.params import RunParams, resolve
from helpers import reading
from helpers.outputs import OUT_ENV
from helpers.published import READINGS, chart_check, published_figures

#: A chart gets its weighted reading beside it when weighting moves a share by this much.
WEIGHTING_GAP = 0.02


def weighting_gap(table: pd.DataFrame, question_ids, group: str) -> float:
    """Largest change (in share) that the promotion weighting makes on these questions' rows."""
    rows = table[table["question_id"].isin(list(question_ids)) & (table["group"] == group)
                 & (table["subgroup"] == "all")]
    pivot = rows.pivot_table(index=["question_id", "option"], columns="weighting", values="share")
    if not {"none", "promotion"} <= set(pivot.columns):
        return 0.0
    return float((pivot["promotion"] - pivot["none"]).abs().max())


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


def _join(*parts, data: pd.DataFrame | None = None) -> Html:
    """Parts shown one after the other; ``data`` defaults to the first part's that has rows."""
    if data is None:
        data = next((p.data for p in parts if isinstance(getattr(p, "data", None), pd.DataFrame)
                     and len(p.data)), None)
    return Html(parts=parts, data=data)


def _top2_levels_text(question) -> str:
    """``"4–5"``: the top-2 levels of a scale, as written in tables."""
    return f"{question.top2[0]}{fmt.EN_DASH}{question.top2[-1]}"


def _p(value: float) -> str:
    """A p-value as read: ``"p = 0,047"``, or ``"p < 0,001"`` rather than a rounded zero."""
    return "p < 0,001" if value < 0.001 else f"p = {fmt.num(value, 3)}"


def _note(text: str) -> str:
    return f'<p class="eig-note">{html.escape(text)}</p>'


def compare_data(q, options, group: str, r: dict, specs, masked: bool, confidence: float) -> pd.DataFrame:
    """A comparison's numbers as ``.data``: one row per subgroup (withheld values NaN, as on the page)."""
    from helpers.intervals import proportion_interval

    rows = []
    for spec, k in zip(specs, "ab"):
        base, count = float(r[f"base_{k}"]), float(r[f"count_{k}"])
        low, high = proportion_interval(count, base, confidence)
        rows.append({"question_id": q.id, "option": "+".join(options),
                     "label": " ou ".join(q.label(o) for o in options), "group": group, "subgroup": spec,
                     "weighting": "none", "base": base, "count": count,
                     "share": count / base if base else float("nan"), "ci_low": low, "ci_high": high,
                     "suppressed": masked})
    data = tidy(pd.DataFrame(rows))
    data["difference"] = float("nan") if masked else float(r["difference"])
    data["p_value"] = float("nan") if masked else float(r["p_value"])
    return data


#: Why the challenge-level reading is missing, where it would have been shown.
NO_CHALLENGE = ("Lecture par défi non disponible : aucun répondant de ce jeu de données n'indique son défi "
                "(colonne « défi » absente ou vide), chaque réponse ne peut donc être rattachée à un défi.")


class Appendix:
    """The data, parameters and indicator tables of one notebook run."""

    @classmethod
    def from_namespace(cls, namespace: dict) -> Appendix:
        """From a notebook's variables (``Appendix.from_namespace(globals())``): every run parameter, by name."""
        from helpers.params import parameters

        return cls(**{name: namespace[name] for name in parameters() if name in namespace})

    def __init__(self, *args, save: bool | None = None, **kwargs):
        """The run parameters of ``helpers.params.RunParams`` (same order and defaults), checked first.

        ``save``: write the figures under ``out_dir/figures``. By default only when the
        pipeline runs the notebook for this ``out_dir`` (it sets ``HELPERS_OUT_DIR``), so
        exploring writes nothing under the report's outputs.
        """
        self.params = params = RunParams(*args, **kwargs)
        self.data_dir = resolve(params.data_dir)
        self.out_dir = resolve(params.out_dir)
        self.promotions = list(params.promotions) if params.promotions else None
        self.confidence = params.confidence
        self.min_cell = params.min_cell
        self.weighting = params.weighting
        self.fpc = params.fpc
        running = os.environ.get(OUT_ENV)
        self.save = (bool(running) and Path(running).resolve() == Path(self.out_dir).resolve()) if save is None else save
        self.survey = load_survey(self.data_dir)
        #: ``calibrated`` (the sample, calibrated on the paper's charts), ``synthetic`` or ``real``.
        self.kind = self.survey.kind
        include_verbatims = self.verbatims_setting = params.include_verbatims
        self.include_verbatims = self.survey.synthetic if include_verbatims is None else include_verbatims
        self.codebooks = self.survey.codebooks
        set_style()

    # ---- data ---------------------------------------------------------------
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
        return sum(len(self.frames[g]) for g in (("eig", "mentor") if group == "both" else (group,)))

    def _no_respondent(self, group: str) -> list[Html]:
        """A sentence when a group has nobody in this run's promotions (its shares cannot be computed)."""
        if self.respondents(group):
            return []
        return [Html(_note(f"Aucun répondant ({GROUP_NAMES[group]}) dans les promotions retenues : "
                           "aucune part ne peut être calculée, les effectifs affichés sont nuls."))]

    def _figure_group(self, figure_id: str) -> str:
        groups = self.published.loc[self.published["figure_id"] == figure_id, "group"].unique()
        if len(groups) != 1:
            raise KeyError(f"{figure_id}: not a chart of data/published/figures.csv")
        return groups[0]

    def _figure_questions(self, figure_id: str, group: str):
        codebook = self.codebooks["eig" if group == "both" else group]
        questions = codebook.by_figure(figure_id)
        if not questions:
            raise KeyError(f"{figure_id}: no question of the {group} codebook feeds it")
        return questions

    def _kw(self, **extra) -> dict:
        return {"confidence": self.confidence, "min_cell": self.min_cell, **extra}

    def _save(self, figure: Figure) -> Figure:
        if self.save:
            figure.save(self.out_dir)
        return figure

    def _draw(self, questions, group: str, table: pd.DataFrame | None = None, value: str = "share",
              weighting: str | None = None, title: str | None = None, name: str | None = None,
              order=None, call: str | None = None) -> Figure:
        table = self.table if table is None else table
        weighting = self.weighting if weighting is None else weighting
        if len(questions) > 1 or questions[0].item:
            figure = stacked_scale(table, questions, group=group, weighting=weighting, title=title, name=name,
                                   **self._kw())
            return self._explain(figure, questions, group, stacked_scale, weighting=weighting, table=table, call=call)
        q = questions[0]
        value = "count" if q.type == "multi" else value
        figure = bar_shares(table, q, group=group, weighting=weighting, value=value, title=title, name=name,
                            order=order, **self._kw())
        return self._explain(figure, questions, group, bar_shares, weighting=weighting, table=table, call=call)

    def _promotions_of(self, group: str) -> list[int]:
        """The run's promotions, or those of the group's respondents when the run keeps them all."""
        if self.promotions:
            return list(self.promotions)
        sources = ("eig", "mentor") if group == "both" else (group,)
        return sorted({int(p) for g in sources for p in self.frames[g]["promotion"].dropna()})

    def _explain(self, figure, questions, group: str, function, *, weighting: str = "none", by: str | None = None,
                 table: pd.DataFrame | None = None, call: str | None = None):
        """Give a chart its « Champ », « Source », « Lecture » lines and its recipe (``helpers.reading``)."""
        if not isinstance(figure, Figure):
            return figure  # a sentence (every cell hidden) needs no reading
        table = self.table if table is None else table
        ids = [q.id for q in questions]
        rows = table[table["question_id"].isin(ids) & (table["group"] == group)]
        if by == "subgroup":
            rows = rows[rows["subgroup"].str.startswith("promotion=") & (rows["weighting"] == weighting)]
            subgroup, weighting_text = "promotion=N", weighting
        elif by == "weighting":
            rows = rows[rows["subgroup"] == "all"]
            subgroup, weighting_text = "all", "none, promotion"
        else:
            rows = rows[(rows["subgroup"] == "all") & (rows["weighting"] == weighting)]
            subgroup, weighting_text = "all", weighting
        promotions = self._promotions_of(group)
        items = len(questions) if len(questions) > 1 or questions[0].item else 1
        figure.notes = reading.Lines(
            champ=reading.champ(group, promotions, rows, items=items, by_promotion=by == "subgroup"),
            source=reading.source(self.kind, group),
            lecture=reading.lecture(rows, questions, group, confidence=self.confidence),
            recipe=reading.recipe(ids, group, subgroup=subgroup, weighting=weighting_text, promotions=promotions,
                                  function=function, call=call),
        ).html
        return figure

    # ---- what notebooks show -------------------------------------------------
    def chart(self, figure_id: str) -> Html:
        """A chart of the paper, recomputed with bases and intervals, and the published values beside."""
        group = self._figure_group(figure_id)
        questions = self._figure_questions(figure_id, group)
        unit = self.published.loc[self.published["figure_id"] == figure_id, "unit"].iloc[0]
        title = self.published.loc[self.published["figure_id"] == figure_id, "chart_title"].iloc[0]
        # Bars in the paper's order (the published rows are transcribed in it).
        order = self.published.loc[self.published["figure_id"] == figure_id, "option"].astype(str).tolist()
        figure = self._save(self._draw(questions, group, value="count" if unit == "count" else "share",
                                       title=title, name=f"{figure_id}_{group}", order=order,
                                       call=f'app.chart("{figure_id}")'))
        parts = [*self._no_respondent(group), figure, self.fidelity(figure_id), self.item_flags(questions, group), self.published_check(figure_id)]
        gap = weighting_gap(self.table, [q.id for q in questions], group)
        if gap >= WEIGHTING_GAP:
            parts.append(Html(_note(f"La pondération par promotion déplace une part de {fmt.points(gap)} "
                                    "au plus : lecture non pondérée et pondérée côte à côte.")))
            target = questions if len(questions) > 1 else questions[0]
            weighted = grouped_by_promotion(self.table, target, group=group, by="weighting", title=title,
                                            name=f"{figure_id}_{group}_ponderation", **self._kw())
            parts.append(self._save(self._explain(weighted, questions, group, grouped_by_promotion, by="weighting",
                                                  call=f'app.chart("{figure_id}")')))
        return _join(*parts, data=figure.data)

    def fidelity(self, figure_id: str) -> Html:
        """Whether the paper prints the chart's respondent group or it is inferred, and what departs from the chart."""
        chart = self.published[self.published["figure_id"] == figure_id].iloc[0]
        group = GROUP_NAMES.get(chart["group"], chart["group"])
        status = ("imprimé dans le document de travail" if chart["group_status"] == "printed"
                  else "déduit, le document de travail ne l'imprime pas")
        text = f"Groupe de répondants ({group}) : {status}. {chart['group_basis']}"
        note = chart["fidelity_note"]
        extra = "" if pd.isna(note) or not str(note).strip() else f"<br>Écart au graphique publié : {html.escape(str(note))}"
        return Html(f'<p class="eig-note eig-fidelity">{html.escape(text)}{extra}</p>')

    def item_flags(self, questions, group: str) -> Html:
        """A note per item whose promotion strata are off: answers outside the promotions it concerns, or none.

        Counts under ``min_cell`` are written "moins de N" (a promotion cell).
        """
        from helpers.indicators import answer_matrix
        from helpers.weighting import stratum_flags

        sources = ("eig", "mentor") if group == "both" else (group,)
        lines = []
        for q in questions:
            answered: dict[int, int] = {}
            for source in sources:
                frame = self.frames[source]
                mask, _ = answer_matrix(frame, self.question(q.id, source))
                for p, n in frame.loc[mask, "promotion"].value_counts().items():
                    answered[int(p)] = answered.get(int(p), 0) + int(n)
            kept = self.promotions or sorted({int(p) for g in sources for p in self.frames[g]["promotion"].dropna()})
            for kind, promotion, n in stratum_flags(answered, kept, q.promotions):
                item = q.item or q.text
                if kind == "outside":
                    said = fmt.count(n) if n >= self.min_cell else f"moins de {self.min_cell}"
                    answers = "réponse" if n == 1 and n >= self.min_cell else "réponses"
                    concerned = "promotion" if len(q.promotions) == 1 else "promotions"
                    lines.append(f"« {item} » : {said} {answers} de la promotion {promotion}, que la question ne "
                                 f"concerne pas ({concerned} {', '.join(map(str, q.promotions))} seulement) ; "
                                 "elles comptent dans la base et, pondérées, parleraient pour toute la promotion "
                                 f"{promotion}.")
                else:
                    lines.append(f"« {item} » : aucune réponse de la promotion {promotion} ; la part pondérée ne "
                                 "représente que les autres promotions.")
        if not lines:
            return Html("")
        items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
        return Html(f'<div class="eig-note eig-strata"><p>Strates de promotion à signaler :</p><ul>{items}</ul></div>')

    def published_check(self, figure_id: str) -> Html:
        """Published vs recomputed values of one chart, as a table.

        Each published value says how it was obtained (printed, or read off the axis:
        shown "≈"); a category nobody answered is not compared; on the calibrated
        sample the caption says that agreement holds by construction.
        """
        check = chart_check(self.table, self.published, figure_id)
        page = int(self.published.loc[self.published["figure_id"] == figure_id, "printed_page"].iloc[0])

        def value(v, u) -> str:
            return f"{fmt.num(v, 1 if v % 1 else 0)}{fmt.NNBSP + '%' if u == 'percent' else ''}"

        shown = pd.DataFrame(
            {
                "Série": check["series"],
                "Catégorie": check["category"],
                "Publié": [("≈ " if r == "estimated" else "") + value(v, u)
                           for v, u, r in zip(check["published"], check["unit"], check["read"])],
                "Valeur publiée": [READINGS[r] for r in check["read"]],
                "Recalculé": [(fmt.NO_ANSWER if not c else "—" if pd.isna(v) else value(v, u))
                              for v, u, c in zip(check["recomputed"], check["unit"], check["comparable"])],
                "Base": [fmt.count(b) if pd.notna(b) else "—" for b in check["base"]],
                "Identique": [("sans objet" if not c else "oui" if m else "non")
                              for m, c in zip(check["match"], check["comparable"])],
            }
        )
        if shown["Série"].nunique() == 1:
            shown = shown.drop(columns="Série")
        compared = check[check["comparable"]]
        agree = int(compared["match"].sum())
        if self.by_construction and agree == len(compared):
            verdict = (f"{agree} sur {len(compared)} identiques par construction : l'échantillon synthétique "
                       "a été calibré sur ces valeurs publiées")
        elif self.by_construction:
            verdict = (f"{agree} sur {len(compared)} identiques, alors que l'échantillon synthétique "
                       "a été calibré sur ces valeurs publiées")
        elif len(compared):
            verdict = f"{agree} sur {len(compared)} identiques"
        else:
            verdict = "aucune valeur comparée"
        skipped = len(check) - len(compared)
        if skipped:
            verdict += f" ; {skipped} sans réponse dans ces données, non comparée{'s' if skipped > 1 else ''}"
        estimated = int((check["read"] == "estimated").sum())
        if estimated:
            verdict += f" ; {estimated} valeur{'s' if estimated > 1 else ''} publiée{'s' if estimated > 1 else ''} " \
                       f"lue{'s' if estimated > 1 else ''} sur l'axe du graphique (≈)"
        number = int(figure_id.removeprefix("fig"))
        caption = (f"Graphique {number} du document de travail (p. {page}) : valeurs publiées et recalculées "
                   f"({verdict})")
        return Html(f'<details class="eig-published"><summary>{html.escape(caption)}</summary>'
                    f"{table_html(shown, caption)}</details>")

    def show(self, question_ids, group: str = "eig", title: str | None = None) -> Figure:
        """Any question (or a list of scale items) of one group, with bases and intervals."""
        return self._save(self._draw(self.questions(question_ids, group), group, title=title,
                                     call=f"app.show({question_ids!r}, {group!r})"))

    def share(self, question_id: str, options, group: str = "eig") -> Html:
        """One sentence: the share choosing any of ``options``, its base and interval."""
        from helpers.indicators import combined_share

        q = self.question(question_id, group)
        options = [options] if isinstance(options, str) else list(options)
        r = combined_share(self.survey, question_id, options, group=group, promotion=self.promotions,
                           confidence=self.confidence, weighting=self.weighting, fpc=self.fpc)
        labels = " ou ".join(f"« {q.label(o)} »" for o in options)
        reading = " (pondérée par promotion)" if self.weighting == "promotion" else ""
        phrase = fmt.share_phrase(r["share"], r["count"], r["base"], r["ci_low"], r["ci_high"],
                                  confidence=self.confidence, min_cell=None)
        weighted = self.table[(self.table["question_id"] == question_id) & (self.table["group"] == group)
                              & (self.table["weighting"] == "promotion") & self.table["option"].isin(options)]
        hidden = self.weighting == "promotion" and bool(weighted["suppressed"].any())
        if hidden:  # the audit dropped it: so here
            phrase = f"masqué pour protéger une autre case, base {fmt.count(r['base'])}"
        missing = f" ; {r['missing']} sans réponse" if r["missing"] else ""
        bounds = ""
        if not pd.isna(r["nr_low"]):
            bounds = (f" ; {fmt.nr_bounds_phrase(r['nr_low'], r['nr_high'], r['population'], r['base'])}")
        row = pd.DataFrame([{"question_id": question_id, "option": "+".join(options),
                             "label": " ou ".join(q.label(o) for o in options), "group": group,
                             "subgroup": "all", "weighting": self.weighting, **r,
                             "suppressed": hidden, "suppression": weighted["suppression"].dropna().iloc[0] if hidden else None}])
        return Html(f"<p><strong>{html.escape(q.text)}</strong> — {html.escape(labels)}, "
                    f"{html.escape(GROUP_NAMES[group])}{reading} : {html.escape(phrase)}{missing}"
                    f"{html.escape(bounds)}.</p>", tidy(row))

    def by_promotion(self, question_ids, group: str = "eig") -> Figure:
        """The same question by promotion (small cells masked)."""
        return self._grouped(question_ids, group, by="subgroup")

    def weighting_effect(self, question_ids, group: str = "eig") -> Figure:
        """Unweighted vs weighted by promotion, side by side (the over-represented promotion)."""
        return self._grouped(question_ids, group, by="weighting")

    def _grouped(self, question_ids, group: str, by: str) -> Figure | Html:
        questions = self.questions(question_ids, group)
        target = questions if len(questions) > 1 else questions[0]
        rows = self.table[self.table["question_id"].isin([q.id for q in questions]) & (self.table["group"] == group)]
        if by == "subgroup" and not rows["subgroup"].str.startswith("promotion=").any():
            return Html(_note(f"Aucun répondant ({GROUP_NAMES[group]}) dont la promotion est connue dans les "
                              "promotions retenues : pas de lecture par promotion."))
        figure = grouped_by_promotion(self.table, target, group=group, by=by, **self._kw())
        method = "by_promotion" if by == "subgroup" else "weighting_effect"
        figure = self._save(self._explain(figure, questions, group, grouped_by_promotion, by=by,
                                          call=f"app.{method}({question_ids!r}, {group!r})"))
        flags = self.item_flags(questions, group)
        return _join(figure, flags) if flags.html else figure

    def challenge_level(self, question_id: str, group: str = "eig") -> Html:
        """Respondent-level vs one-vote-per-challenge shares for one question ("non disponible" without challenges)."""
        q = self.question(question_id, group)
        if not self.has_challenges:
            return Html(_note(f"{q.text} — {NO_CHALLENGE}"))
        rows = []
        for unit, table in (("Répondants", self.table), ("Défis (un vote par défi)", self.defi_table)):
            sel = table[(table["question_id"] == q.id) & (table["group"] == group)
                        & (table["subgroup"] == "all") & (table["weighting"] == "none")]
            for _, r in sel.iterrows():
                if r["option"] == "top2":
                    continue
                none = fmt.no_answer(r["base"])
                rows.append({"Unité": unit, "Réponse": q.label(r["option"]),
                             "Effectif": fmt.NO_ANSWER if none else fmt.count(r["count"]),
                             "Base": base_label(r["base"]), "Part": fmt.NO_ANSWER if none else fmt.pct(r["share"]),
                             fmt.ci_label(self.confidence): "—" if none else fmt.ci(r["ci_low"], r["ci_high"])})
        caption = f"{q.text} — {GROUP_NAMES[group]} : lecture par répondant et par défi"
        return Html(table_html(pd.DataFrame(rows), caption))

    def compare(self, question_id: str, options, group: str = "eig", a: str = "promotion=1",
                b: str = "promotion=2") -> Html:
        """Two subgroups on one share, with Fisher's exact test (unweighted).

        When a cell behind the comparison is hidden in the published table (or a
        count, non-count or base is under ``min_cell``), counts, shares, the
        difference and the p-value are all withheld: any of them would give the
        hidden cell back (``helpers.compare.involves_hidden``).
        """
        from helpers.compare import involves_hidden

        q = self.question(question_id, group)
        options = [options] if isinstance(options, str) else list(options)
        label = {s: s.replace("promotion=", "Promotion ") for s in (a, b)}
        what = f"{q.text} — {' ou '.join(q.label(o) for o in options)} ({GROUP_NAMES[group]})"
        missing = self._absent_subgroups(question_id, options, group, (a, b))
        if missing:
            return Html(_note(f"{what} — comparaison impossible : {' ; '.join(missing)}."))
        r = compare_shares(self.survey, question_id, options, a, b, group=group)
        masked = self.min_cell > 0 and (involves_hidden(self.table, question_id, options, a, b, group) or any(
            min(r[f"count_{k}"], r[f"base_{k}"] - r[f"count_{k}"], r[f"base_{k}"]) < self.min_cell for k in "ab"))
        rows = [{"Sous-groupe": label[s], "Base": base_label(r[f"base_{k}"]),
                 "Effectif": fmt.MASKED if masked else fmt.count(r[f"count_{k}"]),
                 "Part": fmt.MASKED if masked else fmt.pct(r[f"share_{k}"])}
                for s, k in ((a, "a"), (b, "b"))]
        result = ("écart et test non publiés" if masked else
                  f"écart de {fmt.points(r['difference'])}, test exact de Fisher p = {fmt.num(r['p_value'], 3)}")
        caption = f"{what} : {result}"
        note = _note("Une case de cette comparaison est masquée (moins de "
                     f"{self.min_cell} réponses, ou masquée pour en protéger une autre) : ni l'écart ni le test "
                     "ne sont publiés, car ils la révéleraient.") if masked else ""
        return Html(table_html(pd.DataFrame(rows), caption) + note,
                    compare_data(q, options, group, r, (a, b), masked, self.confidence))

    def paired(self, before_id: str, after_id: str, group: str = "eig") -> Html:
        """Before/after asked to the same respondents: changes per respondent and exact paired tests."""
        from helpers.compare import paired_change

        q = self.question(before_id, group)
        r = paired_change(self.survey, before_id, after_id, group, self.promotions)
        n = r["pairs"]
        share = (lambda k: fmt.pct(k / n)) if n else (lambda k: "—")
        changes = pd.DataFrame({
            "Évolution entre avant et après": ["En hausse", "Identique", "En baisse", "Total"],
            "Répondants": [fmt.count(r[k]) for k in ("up", "same", "down")] + [base_label(n)],
            "Part": [share(r[k]) for k in ("up", "same", "down")] + [share(n)],
        })
        top = _top2_levels_text(q)
        (both, before_only), (after_only, neither) = r["top2"]
        cross = pd.DataFrame({
            "Avant": [f"Note {top}", "Note inférieure", "Total"],
            f"Après : note {top}": [fmt.count(both), fmt.count(after_only), fmt.count(both + after_only)],
            "Après : note inférieure": [fmt.count(before_only), fmt.count(neither), fmt.count(before_only + neither)],
            "Total": [fmt.count(both + before_only), fmt.count(after_only + neither), fmt.count(n)],
        })
        alpha = 1 - self.confidence
        who = GROUP_NAMES[group]
        if r["up"] + r["down"] == 0:
            verdict = "aucun répondant n'a changé de note : rien à tester"
        elif r["sign_p"] < alpha:
            direction = "hausse" if r["up"] > r["down"] else "baisse"
            verdict = (f"un tel déséquilibre entre hausses et baisses serait improbable ({_p(r['sign_p'])}) "
                       "si les répondants n'avaient pas changé d'avis dans un sens "
                       f"plutôt que l'autre : la {direction} est nette au seuil de {fmt.pct(alpha)}")
        else:
            verdict = (f"{_p(r['sign_p'])} : les données ne distinguent pas ces changements "
                       f"d'un simple hasard au seuil de {fmt.pct(alpha)}")
        reading = (
            f"Sur {fmt.count(n)} {who} ayant répondu aux deux questions ({fmt.count(r['incomplete'])} sans l'une "
            f"des deux réponses), {fmt.count(r['up'])} donnent une note plus haute après qu'avant, "
            f"{fmt.count(r['same'])} la même et {fmt.count(r['down'])} une note plus basse. Test du signe exact "
            f"(sur les {fmt.count(r['up'] + r['down'])} qui ont changé) : {verdict}. Pour la note {top}, "
            f"{fmt.count(after_only)} l'atteignent après sans l'avoir eue avant et {fmt.count(before_only)} "
            f"la perdent ; test exact de McNemar sur ces paires discordantes : {_p(r['mcnemar_p'])}. "
            "Les deux tests portent sur les mêmes personnes interrogées deux fois, pas sur deux échantillons "
            "indépendants. La note « avant » a été donnée après le défi, de mémoire : le changement mesuré est "
            "celui que les répondants déclarent, pas une mesure prise avant le programme."
        )
        return _join(Html(table_html(changes, f"{q.text} — changement de note par répondant ({who})")),
                     Html(table_html(cross, f"Note {top} avant et après, mêmes répondants ({who})")),
                     Html(f'<p class="eig-paired">{html.escape(reading)}</p>'))

    def _absent_subgroups(self, question_id: str, options, group: str, specs) -> list[str]:
        """Why a compared subgroup has nothing to compare: promotion not kept, or nobody answered."""
        from helpers.compare import chose_any, parse_subgroup

        out = []
        for spec in specs:
            source, promotion = parse_subgroup(spec, group)
            name = f"promotion {promotion} ({GROUP_NAMES[source]})" if promotion else GROUP_NAMES[source]
            if promotion is not None and self.promotions and promotion not in self.promotions:
                out.append(f"la {name} n'est pas retenue dans cette exécution")
            elif chose_any(self.survey, question_id, options, source, promotion)[1] == 0:
                out.append(f"aucun répondant de la {name} n'a répondu" if promotion
                           else f"aucun répondant ({name}) n'a répondu")
        return out

    def verbatims(self, question_id: str, group: str = "eig") -> Html:
        """Free-text answers, in alphabetical order, without who wrote them (and only if allowed).

        The count is of non-empty answers (a text given twice counts twice and is
        listed once, with its number); on synthetic data each answer is marked fictive.
        """
        q = self.question(question_id, group)
        answers = [str(a).strip() for a in self.frames[group][q.id].dropna() if str(a).strip()]
        who = GROUP_NAMES[group]
        if not answers:
            return Html(_note(f"Réponses libres à « {q.text} » ({who}) : {fmt.NO_ANSWER}."))
        n = f"{fmt.count(len(answers))} réponse{'s' if len(answers) > 1 else ''} libre{'s' if len(answers) > 1 else ''}"
        if not self.include_verbatims:
            why = ("réponses réelles, non publiées par défaut pour ne pas identifier leurs auteurs"
                   if self.verbatims_setting is None else "choix de cette exécution")
            return Html(_note(f"Réponses libres à « {q.text} » ({n}, {who}) non affichées : {why}."))
        fictive = self.kind != "real"
        counts = pd.Series(answers).value_counts()
        items = "".join(
            "<li>" + ('<span class="eig-fictive">Réponse fictive</span> — ' if fictive else "")
            + html.escape(text) + (f" ({counts[text]} réponses identiques)" if counts[text] > 1 else "") + "</li>"
            for text in sorted(counts.index)
        )
        status = ", fictives, inventées pour ce jeu de données synthétique" if fictive else ""
        return Html(f'<div class="eig-verbatims"><p><strong>{html.escape(q.text)}</strong> '
                    f"({n}{status}, {html.escape(who)}, sans identifiant)"
                    f"</p><ul>{items}</ul></div>")

    # ---- method appendix ---------------------------------------------------
    def response_rates(self) -> Html:
        """Respondents over head count: a complete count, so no interval (nothing was sampled)."""
        rates = response_rates(self.frames, pops=populations())
        shown = pd.DataFrame(
            {
                "Groupe": [GROUP_NAMES[g] for g in rates["group"]],
                "Promotion": ["ensemble" if p == "all" else p for p in rates["promotion"]],
                "Population": rates["population"].map(fmt.count),
                "Répondants": rates["respondents"].map(fmt.count),
                "Non-répondants": (rates["population"] - rates["respondents"]).map(fmt.count),
                "Taux de réponse": rates["rate"].map(fmt.pct),
            }
        )
        return Html(table_html(shown, "Taux de réponse par groupe et par promotion (population : tableau du "
                                      "programme, p. 8 ; comptage complet, sans intervalle)"))

    def nonresponse(self) -> Html:
        """Per group and promotion: who did not answer, i.e. how wide the non-response bounds are at least."""
        rates = response_rates(self.frames, pops=populations())
        silent = rates["population"] - rates["respondents"]
        shown = pd.DataFrame({
            "Groupe": [GROUP_NAMES[g] for g in rates["group"]],
            "Promotion": ["ensemble" if p == "all" else p for p in rates["promotion"]],
            "Population": rates["population"].map(fmt.count),
            "Non-répondants": silent.map(fmt.count),
            "Taux de non-réponse": [fmt.pct(s / n) if n else "—" for s, n in zip(silent, rates["population"])],
        })
        caption = ("Non-réponse au questionnaire par groupe et par promotion : l'écart minimal entre les bornes "
                   "de non-réponse d'une part (plus large si des répondants ont sauté la question)")
        return Html(table_html(shown, caption))

    def nonresponse_example(self, question_id: str, options, group: str = "eig") -> Html:
        """One share read four ways: as observed, its two intervals, its non-response bounds, weighted."""
        from helpers.indicators import combined_share

        q = self.question(question_id, group)
        options = [options] if isinstance(options, str) else list(options)
        kw = {"group": group, "promotion": self.promotions, "confidence": self.confidence}
        plain = combined_share(self.survey, question_id, options, fpc=False, **kw)
        finite = combined_share(self.survey, question_id, options, fpc=True, **kw)
        known = not pd.isna(finite["population"])
        weighted = (combined_share(self.survey, question_id, options, weighting="promotion", **kw) if known
                    else {"share": float("nan")})
        label = fmt.ci_label(self.confidence)
        rows = [
            ("Part parmi les répondants", f"{fmt.pct(plain['share'])} ({fmt.count_of(plain['count'], plain['base'])})",
             "ce que les répondants ont dit"),
            (f"{label}, population infinie", fmt.ci(plain["ci_low"], plain["ci_high"]),
             "l'aléa d'un tirage au hasard dans une population sans limite"),
            (f"{label}, population finie", fmt.ci(finite["ci_low"], finite["ci_high"]),
             f"le même aléa pour un tirage parmi les {fmt.count(finite['population'])} personnes interrogées"),
            ("Bornes de non-réponse", fmt.ci(finite["nr_low"], finite["nr_high"]),
             f"la part dans toute la population si les {fmt.count(finite['population'] - finite['base'])} "
             "personnes sans réponse avaient toutes répondu non, ou toutes oui (aucune hypothèse)"),
            ("Part pondérée par promotion", fmt.pct(weighted["share"]),
             "le poids de chaque promotion rétabli ; suppose que, dans chaque promotion, les répondants "
             "ressemblent aux non-répondants"),
        ]
        if not known:  # a promotion the programme table does not list
            rows = [r if i in (0, 1) else (r[0], "—", "population inconnue") for i, r in enumerate(rows)]
        shown = pd.DataFrame(rows, columns=["Lecture", "Valeur", "Ce qu'elle couvre"])
        labels = " ou ".join(f"« {q.label(o)} »" for o in options)
        return Html(table_html(shown, f"{q.text} — {labels} ({GROUP_NAMES[group]}) : une part, cinq lectures"))

    def representation(self) -> Html:
        rep = representation(self.frames, populations())
        shown = pd.DataFrame(
            {
                "Groupe": [GROUP_NAMES[g] for g in rep["group"]],
                "Promotion": rep["promotion"].astype(str),
                "Part parmi les répondants": rep["share_of_respondents"].map(fmt.pct),
                "Part dans la population": rep["share_of_population"].map(fmt.pct),
                "Rapport": rep["ratio"].map(lambda v: fmt.num(v, 2)),
            }
        )
        return Html(table_html(shown, "Poids de chaque promotion parmi les répondants et dans la population"))

    def representation_summary(self) -> Html:
        """One sentence per group: which promotion weighs more among respondents than in the population."""
        return Html("".join(f"<p>{html.escape(line)}</p>"
                            for line in representation_summary(self.frames, populations())))

    def precision_summary(self) -> Html:
        """How far one answer moves a share, and how wide the intervals are, on this run's bases."""
        return Html(f"<p>{html.escape(precision_summary(self.table, self.confidence))}</p>")

    def challenges(self, group: str = "eig") -> Html:
        if not self.has_challenges:
            return Html(_note(f"Nombre de répondants ({GROUP_NAMES[group]}) par défi — {NO_CHALLENGE}"))
        dist = answers_per_challenge(self.frames[group])
        shown = pd.DataFrame(
            {
                "Répondants pour un même défi": dist["respondents"].map(fmt.count),
                "Nombre de défis": dist["challenges"].map(fmt.count),
                "Répondants concernés": dist["respondents_total"].map(fmt.count),
            }
        )
        return Html(table_html(shown, f"Nombre de répondants ({GROUP_NAMES[group]}) par défi"))

    def dataset_description(self) -> str:
        """What kind of data this run reads, in French (calibrated sample, other synthetic data, real answers)."""
        if self.kind == "calibrated":
            return ("échantillon synthétique calibré sur les graphiques publiés "
                    f"({self.survey.metadata['calibrated_to']}) : réponses inventées")
        if self.kind == "synthetic":
            return "données synthétiques : réponses inventées, sans lien avec les graphiques du document de travail"
        return "réponses réelles à l'enquête"

    def parameters(self) -> Html:
        """The run's data set and parameters, in French, for the reader."""
        sizes = []
        for g, f in self.frames.items():
            split = f["promotion"].value_counts().sort_index()
            detail = ", ".join(f"promotion {p} : {n}" for p, n in split.items())
            sizes.append(f"{len(f)} {GROUP_NAMES[g]} ({detail})" if detail else f"0 {GROUP_NAMES[g]}")
        if self.has_challenges:
            known = sum(int(f["defi"].notna().sum()) for f in self.frames.values())
            total = sum(len(f) for f in self.frames.values())
            challenge = f"indiqué par {known} répondants sur {total}"
        else:
            challenge = "non indiqué (lecture par défi non disponible)"
        if self.include_verbatims:
            texts = "affichées" + (" (réponses fictives)" if self.kind != "real" else "")
        else:
            texts = "non affichées" + (" (réponses réelles, non publiées par défaut)"
                                       if self.verbatims_setting is None else "")
        items = [
            ("Jeu de données", f"{self.dataset_description()} — {', '.join(sizes)}"),
            ("Défi des répondants", challenge),
            ("Promotions retenues", fmt.parameter_value("promotions", self.promotions)),
            ("Intervalles de confiance", f"score de Wilson à {fmt.parameter_value('confidence', self.confidence)}, "
                                         + ("avec" if self.fpc else "sans") + " correction de population finie"),
            ("Seuil de diffusion des sous-groupes", fmt.parameter_value("min_cell", self.min_cell)),
            ("Lecture principale", fmt.parameter_value("weighting", self.weighting)),
            ("Réponses libres", texts),
        ]
        empty = [GROUP_NAMES[g] for g in ("eig", "mentor") if not self.respondents(g)]
        if empty:
            items.append(("Aucun répondant dans les promotions retenues pour", ", ".join(empty)))
        lines = "".join(f"<li>{html.escape(k)} : {html.escape(v)}</li>" for k, v in items)
        return Html(f'<ul class="eig-parameters">{lines}</ul>')

    def disclosure_audit(self) -> Html:
        """The audit's result on this run's tables: cells hidden, why, all protected, weighted reading kept.

        Raises ``helpers.audit.AuditError`` (the notebook, then the build, stops
        and names the cell) when a hidden cell can be narrowed down.
        """
        from helpers.audit import audit, check

        if self.min_cell <= 0:
            return Html(_note("Seuil de diffusion à 0 (exploration privée) : aucune case n'est masquée et "
                              "aucun audit n'est fait ; chaque page porte la mention « non diffusable »."))
        findings = audit(self.tables, self.codebooks, populations(), self.min_cell)
        check(findings)
        kinds = findings["kind"].value_counts()
        weighted = self.table[self.table["weighting"] == "promotion"]
        kept = int((~weighted["suppressed"]).sum())
        plain = (f", {kinds['masked']} sans motif affiché (dire lequel des deux motifs s'applique "
                 "aurait suffi à en déduire une valeur)") if kinds.get("masked", 0) else ""
        share = f" ({fmt.pct(kept / len(weighted))})" if len(weighted) else ""
        return Html(
            f"<p><strong>Audit de confidentialité : toutes les cases masquées sont protégées.</strong> "
            f"{len(findings)} cases sont masquées dans les tableaux de ce rapport : "
            f"{kinds.get('primary', 0)} parce qu'elles comptent moins de {self.min_cell} réponses "
            f"(« moins de {self.min_cell} réponses »), {kinds.get('secondary', 0)} pour en protéger une autre "
            f"(« masqué pour protéger une autre case »){html.escape(plain)}. Pour chacune, l'audit calcule "
            "par programmation linéaire en nombres entiers toutes les valeurs compatibles avec l'ensemble "
            "de ce qui est publié (lignes par promotion, lectures pondérée et par défi, totaux, effectifs "
            "des promotions) : il en reste au moins deux, et au moins "
            f"{self.min_cell} pour une case de moins de {self.min_cell} réponses (ou toutes celles que sa base "
            "permet, ou que les totaux publiés laissent).</p>"
            f"<p>Lecture pondérée par promotion : {kept} lignes publiées sur {len(weighted)}{html.escape(share)} ; "
            "les autres sont masquées parce qu'avec la lecture non pondérée elles révéleraient une case.</p>")

    # ---- appendix E: the programme in figures ------------------------------------
    def programme_table(self) -> Html:
        """The paper's table (p. 8) as published, with each total recomputed from its parts beside it."""
        from helpers.programme import programme_table, table_checks

        table = programme_table()
        totals = table_checks(table)
        totals = totals[totals["promotion"] == "total"].set_index("check_id")
        rows = []
        for indicator, part in table.groupby("indicator_id", sort=False):
            values = dict(zip(part["promotion"], part["value"]))
            unit = part["unit"].iloc[0]
            digits = 2 if unit == "euro" and any(v % 1 for v in values.values()) else 0

            def show(v, unit=unit, digits=digits):
                if pd.isna(v):
                    return "—"
                return fmt.pct(v / 100) if unit == "percent" else fmt.num(v, digits) + (" €" if unit == "euro" else "")

            check = totals.loc[f"{indicator}_total"] if f"{indicator}_total" in totals.index else None
            rows.append({
                "Indicateur": part["label_fr"].iloc[0],
                "EIG 1": show(values.get("1")), "EIG 2": show(values.get("2")), "EIG 3": show(values.get("3")),
                "Total publié": show(values.get("total")),
                "Total recalculé": "—" if check is None else show(check["recomputed"]),
                "Conforme": "—" if check is None else ("oui" if check["ok"] else "non"),
            })
        caption = ("Le programme EIG en chiffres (document de travail, p. 8) : valeurs publiées et totaux recalculés "
                   "à partir des colonnes (EIG 3 : budget prévisionnel)")
        return Html(table_html(pd.DataFrame(rows), caption))

    def programme_checks(self) -> Html:
        """Every arithmetic check of the table (totals, budget, composition) with its tolerance."""
        from helpers.programme import table_checks

        checks = table_checks()
        shown = pd.DataFrame({
            "Contrôle": checks["label"],
            "Promotion": ["total" if p == "total" else f"EIG {p}" for p in checks["promotion"]],
            "Détail": checks["detail"],
            "Conforme": ["oui" if ok else "non" for ok in checks["ok"]],
        })
        bad = int((~checks["ok"]).sum())
        caption = (f"Contrôles arithmétiques du tableau : {len(checks)} contrôles, {bad} non conformes "
                   "(tolérance : une unité du dernier chiffre publié)")
        return Html(table_html(shown, caption))

    def programme_challenges(self) -> Html:
        from helpers.programme import challenges

        c = challenges()
        shown = pd.DataFrame({
            "Promotion": [f"EIG {p}" for p in c["promotion"]],
            "Défis": c["challenges"].map(fmt.count),
            "Administrations d'accueil": c["administrations"].map(fmt.count),
            "EIG listés sur le site": c["eig_listed"].map(fmt.count),
            "Mentors listés sur le site": c["mentors_listed"].map(fmt.count),
        })
        return Html(table_html(shown, "Défis et administrations par promotion (site du programme)"))

    def programme_skills(self) -> Html:
        from helpers.programme import skills_mix

        mix = skills_mix()
        wide = mix.pivot_table(index="label", columns="promotion", values="share", sort=False)
        bases = mix.groupby("promotion")["base"].first()
        shown = pd.DataFrame({"Compétence": wide.index})
        for p in wide.columns:
            shown[f"EIG {p} (n = {bases[p]})"] = [fmt.pct(v) for v in wide[p]]
        return Html(table_html(shown, "Part des défis faisant appel à chaque compétence, par promotion (site du programme)"))

    def programme_source_code(self) -> Html:
        """Share of challenges with published source code, by promotion: figure and table."""
        from helpers.figures import bar_estimates
        from helpers.programme import source_code_share

        # The site's list is complete: a count of every challenge, so no sampling interval.
        share = source_code_share(confidence=self.confidence).drop(columns=["ci_low", "ci_high"])
        labels = ["Ensemble" if p == "all" else f"Promotion {p}" for p in share["promotion"]]
        figure = self._save(bar_estimates(
            share, labels=labels, title="Défis dont le code source a été publié",
            who="défis listés sur le site du programme", name="programme_source_code",
            confidence=self.confidence))
        if isinstance(figure, Figure):
            figure.notes = self._source_code_lines(share)
        return _join(figure)

    @staticmethod
    def _source_code_lines(share: pd.DataFrame) -> str:
        """Champ, source, lecture and recipe of the published-code chart: public facts, one row per promotion."""
        from helpers.figures import bar_estimates
        from helpers.programme import source_code_share

        promotions = [p for p in share["promotion"] if p != "all"]
        best = share[share["promotion"] != "all"].sort_values("share", ascending=False, kind="stable").iloc[0]
        code = lambda text: f"<code>{html.escape(text)}</code>"  # noqa: E731
        return reading.Lines(
            champ=f"Défis {fmt.promotions_words(promotions, 'de')} listés sur le site du programme "
                  f"({fmt.count(share.loc[share['promotion'] == 'all', 'base'].iloc[0])} défis, liste complète).",
            source="Site du programme EIG (faits publics compilés avec leur source dans data/programme/), "
                   "pas l'enquête.",
            lecture=f"{fmt.pct(best['share'])} des défis de la promotion {best['promotion']} "
                    f"({fmt.count(best['count'])} sur {fmt.count(best['base'])}) ont publié leur code source.",
            recipe=f"comptage de {code(reading.function_name(source_code_share))} ; tracé par "
                   f"{code(reading.function_name(bar_estimates))}, appelé par {code('app.programme_source_code()')}.",
        ).html

    def programme_roster_gap(self) -> Html:
        from helpers.programme import roster_gap

        gap = roster_gap()
        shown = pd.DataFrame({
            "Promotion": [f"EIG {p}" for p in gap["promotion"]],
            "Indicateur": gap["label"],
            "Site du programme": gap["site"].map(fmt.count),
            "Document de travail (p. 8)": gap["paper"].map(fmt.count),
            "Écart": gap["gap"].map(lambda v: f"{int(v):+d}"),
        })
        return Html(table_html(shown, "Effectifs listés sur le site du programme et effectifs du document de travail"))

    # ---- appendix F: the claims check ---------------------------------------------
    @cached_property
    def claims(self) -> pd.DataFrame:
        from helpers.claims import verify_claims

        return verify_claims(self.survey, confidence=self.confidence, min_cell=self.min_cell,
                             indicators=self.table)

    @cached_property
    def programme_claims(self) -> pd.DataFrame:
        from helpers.claims import verify_programme_table

        return verify_programme_table()

    def claims_context(self) -> Html:
        """What the verdicts mean for this kind of data set, and which population each statement is checked on."""
        from helpers.claims import SURVEY_PROMOTIONS

        if self.kind == "calibrated":
            text = ("Ce jeu de données est l'échantillon synthétique, calibré sur les graphiques du document "
                    "de travail : la vérification teste ici la cohérence interne du texte avec ses propres "
                    "graphiques, pas ce que valent ses affirmations face aux réponses réelles. Une affirmation "
                    "dont aucun graphique ni tableau publié ne fixe la valeur est dite « non vérifiable sur "
                    "l'échantillon calibré » : sa valeur y a été inventée pour s'accorder au texte.")
        elif self.kind == "synthetic":
            text = ("Ce jeu de données est synthétique, sans lien avec les graphiques du document de travail : "
                    "les verdicts confrontent les affirmations à des réponses inventées ; ils montrent le "
                    "fonctionnement de la vérification, pas ce que valent les affirmations.")
        else:
            text = ("Ce jeu de données contient des réponses réelles : les verdicts confrontent les "
                    "affirmations du document de travail à ces réponses.")
        survey = " et ".join(map(str, SURVEY_PROMOTIONS))
        population = (f"Chaque affirmation est vérifiée sur la population dont elle parle : les répondants des "
                      f"promotions {survey} (celles de l'enquête du document de travail), ou la seule promotion "
                      "qu'elle nomme")
        kept = tuple(self.promotions or ())
        if kept and kept != SURVEY_PROMOTIONS:
            population += (f", et non sur les promotions retenues pour les autres annexes "
                           f"({', '.join(map(str, kept))})")
        return Html(f"<p><strong>{html.escape(text)}</strong></p>" + _note(population + "."))

    def claims_summary(self) -> Html:
        from helpers.claims import summary

        return Html(f"<p><strong>Texte et synthèse :</strong> {html.escape(summary(self.claims))}.</p>"
                    f"<p><strong>Tableau du programme (p. 8) :</strong> {html.escape(summary(self.programme_claims))}.</p>")

    def claims_verdicts(self) -> Html:
        """The graded verdicts: French label, what each means, how many statements get it."""
        from helpers.claims import verdicts_table

        grades = verdicts_table(self.claims, self.programme_claims)
        if self.kind != "calibrated":  # a grade that exists only on the sample calibrated to the paper
            grades = grades[grades["code"] != "calibrated_unverifiable"]
        shown = pd.DataFrame({
            "Verdict": grades["verdict"],
            "Ce qu'il signifie": grades["sens"],
            "Texte et synthèse": grades["n0"].map(fmt.count),
            "Tableau du programme (p. 8)": grades["n1"].map(fmt.count),
        })
        return Html(table_html(shown, "Les verdicts, du plus favorable au moins vérifiable, et leur nombre"))

    def claims_rules(self) -> Html:
        from helpers.claims import rules_table

        rules = rules_table().drop(columns="expression").rename(
            columns={"type": "Type de formulation", "formulation": "Exemples", "règle": "Règle"})
        return Html(table_html(rules, "Règle appliquée à chaque type de formulation"))

    def claims_table(self) -> Html:
        from helpers.claims import load_claims, unit_of

        units = {c["id"]: unit_of(c) for c in load_claims()}
        c = self.claims

        def value(row) -> str:
            if pd.isna(row["recomputed"]):
                return fmt.MASKED if str(row["detail"]).startswith("valeur masquée") else "—"
            if units.get(row["claim_id"]) == "year":
                return str(int(row["recomputed"]))
            if units.get(row["claim_id"]) != "percent":
                return fmt.num(row["recomputed"], 0 if float(row["recomputed"]).is_integer() else 2)
            interval = "" if pd.isna(row["ci_low"]) else f" ({fmt.ci(row['ci_low'] / 100, row['ci_high'] / 100)})"
            return fmt.pct(row["recomputed"] / 100, 1) + interval

        def population(group, promotions) -> str:
            """'EIG, promotions 1 et 2': who the statement is checked on."""
            name = GROUP_NAMES.get(group, group)
            return f"{name}, {fmt.promotions_words(promotions.split(), article='')}" if promotions else name

        def recomputed(row) -> str:
            text = value(row)
            return text if pd.isna(row["base"]) else f"{text} ; base {fmt.count(row['base'])}"

        shown = pd.DataFrame({
            "Verdict": c["verdict_fr"],
            "Page": c["page"].astype(str),
            "Affirmation": c["quote"],
            "Population": [population(g, p) for g, p in zip(c["group"], c["promotions"])],
            "Publié": c["published"].map(lambda v: "—" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)),
            "Recalculé (IC ; base)": [recomputed(r) for _, r in c.iterrows()],
            "Détail (base retenue)": [f"{d} — base : {n}" if isinstance(n, str) and n else str(d)
                                      for d, n in zip(c["detail"].fillna(""), c["base_note"])],
        })
        return Html(table_html(shown, "Toutes les affirmations chiffrées, par verdict puis par page", long_notes=True))

    def claims_by_verdict(self, verdict: str) -> Html:
        """One line per statement with this verdict (code of claims.csv): what the paper says, what was found."""
        from helpers.claims import verdict_label

        rows = pd.concat([self.claims, self.programme_claims], ignore_index=True)
        chosen = rows[rows["verdict"] == verdict]
        if chosen.empty:
            return Html(_note(f"Aucune affirmation « {verdict_label(verdict)} »."))
        items = "".join(
            f"<li>p. {html.escape(str(r['page']))}, « {html.escape(str(r['quote']))} » : "
            f"{html.escape(str(r['detail']))} (base : {html.escape(str(r['base_note']))})</li>"
            for _, r in chosen.iterrows()
        )
        return Html(f"<ul class=\"eig-mismatches\">{items}</ul>")

    def claims_mismatches(self) -> Html:
        """One sentence per mismatch: what the paper says and what the data shows instead."""
        return self.claims_by_verdict("mismatch")

    @cached_property
    def granularity(self) -> pd.DataFrame:
        from helpers.claims import load_claims
        from helpers.granularity import granularity_table

        return granularity_table(load_claims(), self.published)

    def claims_granularity(self) -> Html:
        """Printed percentages that no count of their published base can give, and what they imply instead."""
        from helpers.granularity import ASSERTED, impossible, implication

        table = self.granularity
        bad = impossible(table).reset_index(drop=True)
        checked = table[table["base"].notna()]
        asserted = checked[checked["expression"].isin(ASSERTED)]
        intro = (f"{fmt.count(len(table))} pourcentages imprimés (registre et graphiques), dont "
                 f"{fmt.count(len(checked))} avec une base publiée ; parmi les {fmt.count(len(asserted))} qui "
                 f"se donnent pour une part exacte, {fmt.count(len(bad))} ne sont atteignables sur leur base "
                 "ni en arrondissant au plus proche ni en tronquant.")
        if bad.empty:
            return Html(f"<p>{html.escape(intro)}</p>")
        shown = pd.DataFrame({
            "Page": bad["page"].astype(str),
            "Affirmation ou graphique": bad["quote"],
            "Publié": bad["published"].map(lambda v: fmt.pct(v / 100, 0 if float(v).is_integer() else 1)),
            "Base publiée": bad["base"].map(fmt.count),
            "Origine de la base": bad["base_origin"],
            "Ce que cela implique": [implication(r) for _, r in bad.iterrows()],
        })
        return Html(f"<p>{html.escape(intro)}</p>"
                    + table_html(shown, "Pourcentages impossibles sur leur base publiée (test de granularité)"))

    def claims_not_claims(self) -> Html:
        """What the re-read found and deliberately did not register, with the reason."""
        from helpers.claims import not_claims

        listed = not_claims()
        shown = pd.DataFrame({"Page": listed["page"].astype(str), "Passage": listed["quote"],
                              "Pourquoi il n'est pas vérifié": listed["reason"]})
        return Html(table_html(shown, "Passages chiffrés lus et délibérément écartés du registre"))
