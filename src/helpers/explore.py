"""Exploring the survey beyond the appendices: the same statistics, one call each, nothing written.

A researcher loads a data set (:func:`load`), reads the indicator table with labels
(:meth:`Explorer.indicators`), crosses two questions with intervals
(:meth:`Explorer.crosstab`), reads one share (:meth:`Explorer.share`), compares two
subgroups (:meth:`Explorer.compare`), draws any question (:meth:`Explorer.show`) and
narrows the respondents to a subgroup (:meth:`Explorer.where`). Every result has a tidy
``.data`` frame and displays as HTML. The small-cell rule of the report applies
(``min_cell``); ``min_cell=0`` is the private mode of authorised access: nothing is
hidden and every output — HTML, text and ``.data`` — is stamped « non diffusable ».
Nothing is written to disk unless :meth:`Result.save` is called. See docs/explore.md.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import fmt
from helpers.codebook import GROUP_NAMES
from helpers.compare import compare_shares, involves_hidden
from helpers.figures import bar_shares, set_theme, stacked_scale, table_html, tidy
from helpers.indicators import answer_matrix, combined_share, group_frame, indicator_tables, option_codes, question_of
from helpers.intervals import proportion_interval
from helpers.load import load_survey
from helpers.outputs import write_bytes, write_csv
from helpers.params import RunParams, resolve
from helpers.views import Html
from helpers.views_survey import compare_data

__all__ = ["NON_DIFFUSABLE", "STAMP", "Explorer", "Result", "load", "set_theme"]

NON_DIFFUSABLE = "non diffusable"
#: The banner of every private output (the report's restricted pages say the same).
STAMP = ("Non diffusable — exploration privée : aucune case n’est masquée (seuil de diffusion à 0) ; "
         "ne pas publier ni transmettre.")


class Result(Html):
    """An exploration result: HTML to display, a tidy ``.data`` frame, its figures; stamped when private."""

    def __init__(self, html: str = "", data: pd.DataFrame | None = None, *, parts=(), private: bool = False,
                 name: str = "resultat"):
        data = tidy(pd.DataFrame()) if data is None else data.copy()
        self.private = private
        self.name = name
        if private:
            data["diffusion"] = NON_DIFFUSABLE
            data.attrs["diffusion"] = NON_DIFFUSABLE
        super().__init__(html, data, parts=parts)

    @property
    def html(self) -> str:
        stamp = f'<p class="eig-restricted" role="note"><strong>{_esc(STAMP)}</strong></p>' if self.private else ""
        return stamp + self._body()

    def __repr__(self) -> str:
        line = super().__repr__()
        return f"« {NON_DIFFUSABLE} » {line}" if self.private else line

    def save(self, out_dir: Path | str) -> list[Path]:
        """Write ``.data`` as CSV and the figures as PNG and SVG into ``out_dir`` (only when called)."""
        out = Path(out_dir)
        prefix = "non-diffusable_" if self.private else ""
        written = [write_csv(self.data, out / f"{prefix}{self.name}.csv")]
        for figure in self.figures:
            written += [write_bytes(out / f"{prefix}{figure.name}.{kind}", getattr(figure, kind))
                        for kind in ("png", "svg")]
        return written


def _esc(text) -> str:
    return html.escape(str(text))


def load(data_dir: str | Path = "data/sample", *, promotions=(1, 2), confidence: float = 0.95, min_cell: int = 3,
         weighting: str = "none", fpc: bool = True) -> Explorer:
    """Load a data set for exploring, with the report's parameters (checked the same way).

    ``promotions=None`` keeps every promotion; ``min_cell=0`` is the private mode.
    """
    params = RunParams(data_dir=str(data_dir), promotions=promotions, confidence=confidence,
                       min_cell=min_cell, weighting=weighting, fpc=fpc)
    return Explorer(load_survey(resolve(params.data_dir)), params)


class Explorer:
    """A loaded survey and the parameters every result is computed with."""

    def __init__(self, survey, params: RunParams, subgroup: str | None = None):
        self.survey = survey
        self.params = params
        self.promotions = list(params.promotions) if params.promotions else None
        #: French description of the respondents kept by :meth:`where`, or ``None`` (everybody).
        self.subgroup = subgroup
        self._tables = None

    @property
    def private(self) -> bool:
        return self.params.min_cell <= 0

    def __repr__(self) -> str:
        who = f", sous-groupe : {self.subgroup}" if self.subgroup else ""
        sizes = ", ".join(f"{g} {len(group_frame(self.survey, g, self.promotions))}" for g in ("eig", "mentor"))
        stamp = f" « {NON_DIFFUSABLE} »" if self.private else ""
        return f"<Explorer{stamp}: {sizes} répondants, promotions {self.promotions or 'toutes'}{who}>"

    def _result(self, html: str = "", data=None, *, parts=(), name: str = "resultat") -> Result:
        if self.subgroup:
            html = f'<p class="eig-note">Sous-groupe : {_esc(self.subgroup)}.</p>' + html
        return Result(html, data, parts=parts, private=self.private, name=name)

    # ---- the data -----------------------------------------------------------------
    def question(self, question_id: str, group: str = "eig"):
        """The codebook question (``both``: asked to both groups with the same options)."""
        return question_of(self.survey, group, question_id)

    def questions(self, group: str = "eig") -> pd.DataFrame:
        """The questions of a group: id, type and wording."""
        codebook = self.survey.codebooks["eig" if group == "both" else group]
        return pd.DataFrame([{"question_id": q.id, "type": q.type, "text": q.text} for q in codebook])

    def where(self, condition: Callable[[pd.DataFrame], pd.Series] | None = None, label: str | None = None,
              **answers) -> Explorer:
        """The respondents who gave these answers (``where(skill_profile="dev")``) or meet ``condition``.

        ``answers`` name a question and a code, or a list of codes (any of them);
        ``condition`` takes a group's frame and returns a boolean Series. A group
        whose frame lacks a named question keeps nobody. ``label`` (French) names the
        subgroup on every result; the small-cell rule then applies to its shares.
        """
        for qid, codes in answers.items():
            known = [q for cb in self.survey.codebooks.values() for q in cb if q.id == qid]
            if not known:
                raise KeyError(f"{qid}: no such question in the codebooks")
            wanted = [codes] if isinstance(codes, str) else [str(c) for c in codes]
            unknown = [c for c in wanted if c not in option_codes(known[0])]
            if unknown:
                raise ValueError(f"{qid}: {', '.join(unknown)} not among its codes "
                                 f"({', '.join(option_codes(known[0]))})")
        frames = {}
        for group, frame in self.survey.frames.items():
            keep = pd.Series(True, index=frame.index)
            for qid, codes in answers.items():
                codes = [codes] if isinstance(codes, str) else [str(c) for c in codes]
                if qid not in frame:
                    keep &= False
                    continue
                keep &= frame[qid].astype("string").isin(codes).fillna(False)
            if condition is not None:
                keep &= pd.Series(condition(frame), index=frame.index).fillna(False).astype(bool)
            frames[group] = frame[keep.to_numpy(bool)]
        said = label or " et ".join(f"{q} = {' ou '.join([c] if isinstance(c, str) else map(str, c))}"
                                    for q, c in answers.items()) or "condition choisie"
        if self.subgroup:
            said = f"{self.subgroup} ; {said}"
        return Explorer(dataclasses.replace(self.survey, frames=frames), self.params, said)

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        if self._tables is None:
            self._tables = indicator_tables(self.survey, confidence=self.params.confidence,
                                            min_cell=self.params.min_cell, promotions=self.promotions,
                                            fpc=self.params.fpc)
        return self._tables

    def indicators(self, group: str | None = None, question_id: str | None = None) -> pd.DataFrame:
        """The indicator table (one row per share, with base, interval, suppression), with labels."""
        table = self.tables["respondent"]
        if group is not None:
            table = table[table["group"] == group]
        if question_id is not None:
            table = table[table["question_id"] == question_id]
        labels = []
        for qid, g, option in zip(table["question_id"], table["group"], table["option"]):
            q = self.question(qid, g)
            labels.append(f"Note {'–'.join(str(x) for x in (q.top2[0], q.top2[-1]))}" if option == "top2"
                          else q.label(option))
        table = table.assign(label=labels).reset_index(drop=True)
        if self.private:
            table = table.assign(diffusion=NON_DIFFUSABLE)
            table.attrs["diffusion"] = NON_DIFFUSABLE
        return table

    # ---- results --------------------------------------------------------------------
    def show(self, question_ids, group: str = "eig", *, weighting: str | None = None,
             subgroup: str = "all", title: str | None = None) -> Result:
        """A chart of a question (or a grid of scale items), as in the appendices.

        ``subgroup="promotion=2"`` draws one promotion; ``weighting`` defaults to the run's.
        """
        ids = [question_ids] if isinstance(question_ids, str) else list(question_ids)
        questions = [self.question(q, group) for q in ids]
        weighting = weighting or self.params.weighting
        kw = {"group": group, "subgroup": subgroup, "weighting": weighting, "title": title,
              "confidence": self.params.confidence, "min_cell": self.params.min_cell}
        table = self.tables["respondent"]
        if len(questions) > 1 or questions[0].item:
            figure = stacked_scale(table, questions, **kw)
        else:
            q = questions[0]
            figure = bar_shares(table, q, value="count" if q.type == "multi" else "share", **kw)
        return self._result(parts=[figure], data=figure.data, name=figure.name)

    def share(self, question_id: str, options, group: str = "eig", *, weighting: str | None = None) -> Result:
        """The share choosing any of ``options``, with its base, interval and non-response bounds."""
        q = self.question(question_id, group)
        options = [options] if isinstance(options, str) else [str(o) for o in options]
        weighting = weighting or self.params.weighting
        r = combined_share(self.survey, question_id, options, group=group, promotion=self.promotions,
                           confidence=self.params.confidence, weighting=weighting, fpc=self.params.fpc)
        small = self._small(r["count"], r["base"]) if self.subgroup else False
        row = pd.DataFrame([{"question_id": question_id, "option": "+".join(options),
                             "label": " ou ".join(q.label(o) for o in options), "group": group,
                             "subgroup": "all", "weighting": weighting, **r, "suppressed": small,
                             "suppression": "primary" if small else None}])
        labels = " ou ".join(f"« {q.label(o)} »" for o in options)
        phrase = (fmt.NO_ANSWER if fmt.no_answer(r["base"]) else
                  f"moins de {self.params.min_cell} réponses, base {fmt.count(r['base'])}" if small else
                  fmt.share_phrase(r["share"], r["count"], r["base"], r["ci_low"], r["ci_high"],
                                   confidence=self.params.confidence, min_cell=None))
        reading = " (pondérée par promotion)" if weighting == "promotion" else ""
        text = (f"<p><strong>{_esc(q.text)}</strong> — {_esc(labels)}, {_esc(GROUP_NAMES[group])}{reading} : "
                f"{_esc(phrase)}.</p>")
        return self._result(text, tidy(row), name=f"part_{question_id}_{group}")

    def _small(self, count, base) -> bool:
        """The report's primary rule: a count, non-count or base under ``min_cell`` is hidden."""
        n = self.params.min_cell
        return n > 0 and min(float(count), float(base) - float(count), float(base)) < n

    def compare(self, question_id: str, options, group: str = "eig", a: str = "promotion=1",
                b: str = "promotion=2") -> Result:
        """Two subgroups (``promotion=N`` or a group) on one share: difference and Fisher's exact test.

        As in the appendices, a comparison touching a hidden cell withholds its counts,
        shares, difference and p-value (any of them would give the cell back).
        """
        q = self.question(question_id, group)
        options = [options] if isinstance(options, str) else [str(o) for o in options]
        r = compare_shares(self.survey, question_id, options, a, b, group=group)
        masked = self.params.min_cell > 0 and (
            (not self.subgroup and involves_hidden(self.tables["respondent"], question_id, options, a, b, group))
            or any(self._small(r[f"count_{k}"], r[f"base_{k}"]) for k in "ab"))
        data = compare_data(q, options, group, r, (a, b), masked, self.params.confidence)
        shown = pd.DataFrame({
            "Sous-groupe": [s.replace("promotion=", "Promotion ") for s in (a, b)],
            "Base": [fmt.count(b_) for b_ in data["base"]],
            "Effectif": [fmt.MASKED if masked else fmt.count(c) for c in data["count"]],
            "Part": [fmt.MASKED if masked else fmt.pct(s) for s in data["share"]],
            fmt.ci_label(self.params.confidence): [fmt.MASKED if masked else fmt.ci(lo, hi)
                                                   for lo, hi in zip(data["ci_low"], data["ci_high"])],
        })
        result = ("écart et test non publiés (une case est masquée)" if masked else
                  f"écart de {fmt.points(r['difference'])}, test exact de Fisher p = {fmt.num(r['p_value'], 3)}")
        caption = f"{q.text} — {' ou '.join(q.label(o) for o in options)} ({GROUP_NAMES[group]}) : {result}"
        return self._result(table_html(shown, caption), data, name=f"comparaison_{question_id}_{group}")

    def crosstab(self, row_question: str, column_question: str, group: str = "eig") -> Result:
        """Answers to ``column_question`` among each answer to ``row_question``: labels, bases, intervals.

        Each line is the respondents who gave that answer to the first question and
        answered the second; shares are of that base (a multi-answer question: each
        option on its own), with Wilson intervals (no finite population correction:
        a subgroup's head count is unknown). Unweighted. The small-cell rule applies: a
        count, non-count or base under ``min_cell`` is hidden, and so is the smallest
        other cell of a line or column left with one hidden cell (not recoverable by
        subtraction); crosstabs are not in the report's disclosure audit.
        """
        q1, q2 = self.question(row_question, group), self.question(column_question, group)
        frame = group_frame(self.survey, group, self.promotions)
        answered1, chosen1 = answer_matrix(frame, q1)
        answered2, chosen2 = answer_matrix(frame, q2)
        codes1, codes2 = option_codes(q1), option_codes(q2)
        rows = []
        for i, c1 in enumerate(codes1):
            among = answered1 & chosen1[:, i] & answered2
            base = int(among.sum())
            for j, c2 in enumerate(codes2):
                count = int((among & chosen2[:, j]).sum())
                rows.append({"question_id": column_question, "option": c2, "label": q2.label(c2),
                             "row_question": row_question, "row_option": c1, "row_label": q1.label(c1),
                             "group": group, "subgroup": f"{row_question}={c1}", "weighting": "none",
                             "base": base, "count": count, "share": count / base if base else np.nan})
        table = pd.DataFrame(rows)
        low, high = proportion_interval(table["count"].to_numpy(float), table["base"].to_numpy(float),
                                        self.params.confidence)
        table["ci_low"], table["ci_high"] = low, high
        table["suppressed"], table["suppression"] = self._crosstab_hidden(table, q2.type != "multi",
                                                                          q1.type != "multi")
        data = tidy(table, table["label"], row_option=table["row_option"], row_label=table["row_label"],
                    row_question=row_question)
        data = data[["row_question", "row_option", "row_label", *[c for c in data.columns
                                                                   if not c.startswith("row_")]]]
        return self._result(self._crosstab_html(q1, q2, data, group), data,
                            name=f"croisement_{row_question}_{column_question}_{group}")

    def _crosstab_hidden(self, table: pd.DataFrame, lines_add_up: bool, columns_add_up: bool):
        """Primary cells, then the first-pass secondary rule on lines and columns that add up."""
        n = self.params.min_cell
        if n <= 0:
            return np.zeros(len(table), bool), [None] * len(table)
        count, base = table["count"].to_numpy(float), table["base"].to_numpy(float)
        hidden = (count < n) | (base - count < n) | (base < n)
        reason = np.where(hidden, "primary", None).astype(object)
        sets = []
        if lines_add_up:
            sets += [np.flatnonzero(table["row_option"].to_numpy() == o) for o in table["row_option"].unique()]
        if columns_add_up:
            sets += [np.flatnonzero(table["option"].to_numpy() == o) for o in table["option"].unique()]
        changed = True
        while changed:
            changed = False
            for members in sets:
                if hidden[members].sum() == 1 and (~hidden[members]).any():
                    shown = members[~hidden[members]]
                    pick = shown[np.argmin(count[shown])]
                    hidden[pick], reason[pick], changed = True, "secondary", True
        return hidden, list(reason)

    def _crosstab_html(self, q1, q2, data: pd.DataFrame, group: str) -> str:
        level = fmt.ci_label(self.params.confidence)
        wide = {}
        for option, label in zip(dict.fromkeys(data["option"]), dict.fromkeys(data["label"])):
            part = data[data["option"] == option]
            wide[label] = [fmt.MASKED if hidden else fmt.NO_ANSWER if base == 0 else
                           f"{fmt.pct(share)} ({fmt.count(count)}) [{fmt.ci(low, high)}]"
                           for hidden, base, share, count, low, high in
                           zip(part["suppressed"], part["base"], part["share"], part["count"],
                               part["ci_low"], part["ci_high"])]
        first = data.drop_duplicates("row_option")
        shown = pd.DataFrame({q1.text: list(first["row_label"]), "Base": [fmt.count(b) for b in first["base"]],
                              **wide})
        caption = (f"{q2.text} selon « {q1.text} » — {GROUP_NAMES[group]} : part de chaque ligne (effectif) "
                   f"[{level}]")
        return table_html(shown, caption)
