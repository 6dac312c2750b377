"""Charts and sentences about the survey's answers (appendices B–D, and the charts of A).

One :class:`SurveyViews` per run: each method picks the indicator rows, the chart kind and
the French wording of one thing shown, gives each chart its « Champ », « Source », « Lecture »
lines and recipe (``helpers.reading``), and says what is hidden and why.
"""

from __future__ import annotations

import html

import pandas as pd

from helpers import fmt, reading
from helpers.codebook import GROUP_NAMES, MEMBERS
from helpers.compare import compare_shares
from helpers.figures import (
    Figure,
    bar_shares,
    base_label,
    grouped_by_promotion,
    stacked_scale,
    table_html,
    tidy,
)
from helpers.published import READINGS, chart_check
from helpers.views import NO_CHALLENGE, Html, Run, join, note, saved

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


def _top2_levels_text(question) -> str:
    """``"4–5"``: the top-2 levels of a scale, as written in tables."""
    return f"{question.top2[0]}{fmt.EN_DASH}{question.top2[-1]}"


def _p(value: float) -> str:
    """A p-value as read: ``"p = 0,047"``, or ``"p < 0,001"`` rather than a rounded zero."""
    return "p < 0,001" if value < 0.001 else f"p = {fmt.num(value, 3)}"


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


class SurveyViews:
    """What the appendices show of the answers of one run (its survey and tables, read through ``run``)."""

    def __init__(self, run: Run):
        self.run = run

    def _save(self, figure):
        return saved(figure, self.run.figures_dir)

    def _figure_group(self, figure_id: str) -> str:
        groups = self.run.published.loc[self.run.published["figure_id"] == figure_id, "group"].unique()
        if len(groups) != 1:
            raise KeyError(f"{figure_id}: not a chart of data/published/figures.csv")
        return groups[0]

    def _figure_questions(self, figure_id: str, group: str):
        codebook = self.run.codebooks["eig" if group == "both" else group]
        questions = codebook.by_figure(figure_id)
        if not questions:
            raise KeyError(f"{figure_id}: no question of the {group} codebook feeds it")
        return questions

    def _no_respondent(self, group: str) -> list[Html]:
        """A sentence when a group has nobody in this run's promotions (its shares cannot be computed)."""
        if self.run.respondents(group):
            return []
        return [Html(note(f"Aucun répondant ({GROUP_NAMES[group]}) dans les promotions retenues : "
                          "aucune part ne peut être calculée, les effectifs affichés sont nuls."))]

    def _draw(self, questions, group: str, table: pd.DataFrame | None = None, value: str = "share",
              weighting: str | None = None, title: str | None = None, name: str | None = None,
              order=None, call: str | None = None) -> Figure:
        table = self.run.table if table is None else table
        weighting = self.run.weighting if weighting is None else weighting
        if len(questions) > 1 or questions[0].item:
            figure = stacked_scale(table, questions, group=group, weighting=weighting, title=title, name=name,
                                   **self.run.kw())
            return self._explain(figure, questions, group, stacked_scale, weighting=weighting, table=table, call=call)
        q = questions[0]
        value = "count" if q.type == "multi" else value
        figure = bar_shares(table, q, group=group, weighting=weighting, value=value, title=title, name=name,
                            order=order, **self.run.kw())
        return self._explain(figure, questions, group, bar_shares, weighting=weighting, table=table, call=call)

    def _explain(self, figure, questions, group: str, function, *, weighting: str = "none", by: str | None = None,
                 table: pd.DataFrame | None = None, call: str | None = None):
        """Give a chart its « Champ », « Source », « Lecture » lines and its recipe (``helpers.reading``)."""
        if not isinstance(figure, Figure):
            return figure  # a sentence (every cell hidden) needs no reading
        table = self.run.table if table is None else table
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
        promotions = self.run.promotions_of(group)
        items = len(questions) if len(questions) > 1 or questions[0].item else 1
        figure.notes = reading.Lines(
            champ=reading.champ(group, promotions, rows, items=items, by_promotion=by == "subgroup"),
            source=reading.source(self.run.kind, group),
            lecture=reading.lecture(rows, questions, group, confidence=self.run.confidence),
            recipe=reading.recipe(ids, group, subgroup=subgroup, weighting=weighting_text, promotions=promotions,
                                  function=function, call=call),
        ).html
        return figure

    def chart(self, figure_id: str) -> Html:
        """A chart of the paper, recomputed with bases and intervals, and the published values beside."""
        group = self._figure_group(figure_id)
        questions = self._figure_questions(figure_id, group)
        unit = self.run.published.loc[self.run.published["figure_id"] == figure_id, "unit"].iloc[0]
        title = self.run.published.loc[self.run.published["figure_id"] == figure_id, "chart_title"].iloc[0]
        # Bars in the paper's order (the published rows are transcribed in it).
        order = self.run.published.loc[self.run.published["figure_id"] == figure_id, "option"].astype(str).tolist()
        figure = self._save(self._draw(questions, group, value="count" if unit == "count" else "share",
                                       title=title, name=f"{figure_id}_{group}", order=order,
                                       call=f'app.chart("{figure_id}")'))
        parts = [*self._no_respondent(group), figure, self.fidelity(figure_id), self.item_flags(questions, group),
                 self.published_check(figure_id)]
        gap = weighting_gap(self.run.table, [q.id for q in questions], group)
        if gap >= WEIGHTING_GAP:
            parts.append(Html(note(f"La pondération par promotion déplace une part de {fmt.points(gap)} "
                                   "au plus : lecture non pondérée et pondérée côte à côte.")))
            target = questions if len(questions) > 1 else questions[0]
            weighted = grouped_by_promotion(self.run.table, target, group=group, by="weighting", title=title,
                                            name=f"{figure_id}_{group}_ponderation", **self.run.kw())
            parts.append(self._save(self._explain(weighted, questions, group, grouped_by_promotion, by="weighting",
                                                  call=f'app.chart("{figure_id}")')))
        return join(*parts, data=figure.data)

    def fidelity(self, figure_id: str) -> Html:
        """Whether the paper prints the chart's respondent group or it is inferred, and what departs from the chart."""
        chart = self.run.published[self.run.published["figure_id"] == figure_id].iloc[0]
        group = GROUP_NAMES.get(chart["group"], chart["group"])
        status = ("imprimé dans le document de travail" if chart["group_status"] == "printed"
                  else "déduit, le document de travail ne l'imprime pas")
        text = f"Groupe de répondants ({group}) : {status}. {chart['group_basis']}"
        departure = chart["fidelity_note"]
        extra = ("" if pd.isna(departure) or not str(departure).strip()
                 else f"<br>Écart au graphique publié : {html.escape(str(departure))}")
        return Html(f'<p class="eig-note eig-fidelity">{html.escape(text)}{extra}</p>')

    def item_flags(self, questions, group: str) -> Html:
        """A note per item whose promotion strata are off: answers outside the promotions it concerns, or none.

        Counts under ``min_cell`` are written "moins de N" (a promotion cell).
        """
        from helpers.indicators import answer_matrix
        from helpers.weighting import stratum_flags

        sources = MEMBERS[group]
        lines = []
        for q in questions:
            answered: dict[int, int] = {}
            for source in sources:
                frame = self.run.frames[source]
                mask, _ = answer_matrix(frame, self.run.question(q.id, source))
                for p, n in frame.loc[mask, "promotion"].value_counts().items():
                    answered[int(p)] = answered.get(int(p), 0) + int(n)
            kept = self.run.promotions or sorted({int(p) for g in sources for p in self.run.frames[g]["promotion"].dropna()})
            for kind, promotion, n in stratum_flags(answered, kept, q.promotions):
                item = q.item or q.text
                if kind == "outside":
                    said = fmt.count(n) if n >= self.run.min_cell else f"moins de {self.run.min_cell}"
                    answers = "réponse" if n == 1 and n >= self.run.min_cell else "réponses"
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
        check = chart_check(self.run.table, self.run.published, figure_id)
        page = int(self.run.published.loc[self.run.published["figure_id"] == figure_id, "printed_page"].iloc[0])

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
        if self.run.by_construction and agree == len(compared):
            verdict = (f"{agree} sur {len(compared)} identiques par construction : l'échantillon synthétique "
                       "a été calibré sur ces valeurs publiées")
        elif self.run.by_construction:
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
        return self._save(self._draw(self.run.questions(question_ids, group), group, title=title,
                                     call=f"app.show({question_ids!r}, {group!r})"))

    def share(self, question_id: str, options, group: str = "eig") -> Html:
        """One sentence: the share choosing any of ``options``, its base and interval."""
        from helpers.indicators import combined_share

        q = self.run.question(question_id, group)
        options = [options] if isinstance(options, str) else list(options)
        r = combined_share(self.run.survey, question_id, options, group=group, promotion=self.run.promotions,
                           confidence=self.run.confidence, weighting=self.run.weighting, fpc=self.run.fpc)
        labels = " ou ".join(f"« {q.label(o)} »" for o in options)
        reading = " (pondérée par promotion)" if self.run.weighting == "promotion" else ""
        phrase = fmt.share_phrase(r["share"], r["count"], r["base"], r["ci_low"], r["ci_high"],
                                  confidence=self.run.confidence, min_cell=None)
        weighted = self.run.table[(self.run.table["question_id"] == question_id) & (self.run.table["group"] == group)
                              & (self.run.table["weighting"] == "promotion") & self.run.table["option"].isin(options)]
        hidden = self.run.weighting == "promotion" and bool(weighted["suppressed"].any())
        if hidden:  # the audit dropped it: so here
            phrase = f"masqué pour protéger une autre case, base {fmt.count(r['base'])}"
        missing = f" ; {r['missing']} sans réponse" if r["missing"] else ""
        bounds = ""
        if not pd.isna(r["nr_low"]):
            bounds = (f" ; {fmt.nr_bounds_phrase(r['nr_low'], r['nr_high'], r['population'], r['base'])}")
        row = pd.DataFrame([{"question_id": question_id, "option": "+".join(options),
                             "label": " ou ".join(q.label(o) for o in options), "group": group,
                             "subgroup": "all", "weighting": self.run.weighting, **r,
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
        questions = self.run.questions(question_ids, group)
        target = questions if len(questions) > 1 else questions[0]
        table = self.run.table
        rows = table[table["question_id"].isin([q.id for q in questions]) & (table["group"] == group)]
        if by == "subgroup" and not rows["subgroup"].str.startswith("promotion=").any():
            return Html(note(f"Aucun répondant ({GROUP_NAMES[group]}) dont la promotion est connue dans les "
                             "promotions retenues : pas de lecture par promotion."))
        figure = grouped_by_promotion(table, target, group=group, by=by, **self.run.kw())
        method = "by_promotion" if by == "subgroup" else "weighting_effect"
        figure = self._save(self._explain(figure, questions, group, grouped_by_promotion, by=by,
                                          call=f"app.{method}({question_ids!r}, {group!r})"))
        flags = self.item_flags(questions, group)
        return join(figure, flags) if flags.html else figure

    def challenge_level(self, question_id: str, group: str = "eig") -> Html:
        """Respondent-level vs one-vote-per-challenge shares for one question ("non disponible" without challenges)."""
        q = self.run.question(question_id, group)
        if not self.run.has_challenges:
            return Html(note(f"{q.text} — {NO_CHALLENGE}"))
        rows = []
        for unit, table in (("Répondants", self.run.table), ("Défis (un vote par défi)", self.run.defi_table)):
            sel = table[(table["question_id"] == q.id) & (table["group"] == group)
                        & (table["subgroup"] == "all") & (table["weighting"] == "none")]
            for _, r in sel.iterrows():
                if r["option"] == "top2":
                    continue
                none = fmt.no_answer(r["base"])
                rows.append({"Unité": unit, "Réponse": q.label(r["option"]),
                             "Effectif": fmt.NO_ANSWER if none else fmt.count(r["count"]),
                             "Base": base_label(r["base"]), "Part": fmt.NO_ANSWER if none else fmt.pct(r["share"]),
                             fmt.ci_label(self.run.confidence): "—" if none else fmt.ci(r["ci_low"], r["ci_high"])})
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

        q = self.run.question(question_id, group)
        options = [options] if isinstance(options, str) else list(options)
        label = {s: s.replace("promotion=", "Promotion ") for s in (a, b)}
        what = f"{q.text} — {' ou '.join(q.label(o) for o in options)} ({GROUP_NAMES[group]})"
        missing = self._absent_subgroups(question_id, options, group, (a, b))
        if missing:
            return Html(note(f"{what} — comparaison impossible : {' ; '.join(missing)}."))
        r = compare_shares(self.run.survey, question_id, options, a, b, group=group)
        masked = self.run.min_cell > 0 and (involves_hidden(self.run.table, question_id, options, a, b, group) or any(
            min(r[f"count_{k}"], r[f"base_{k}"] - r[f"count_{k}"], r[f"base_{k}"]) < self.run.min_cell for k in "ab"))
        rows = [{"Sous-groupe": label[s], "Base": base_label(r[f"base_{k}"]),
                 "Effectif": fmt.MASKED if masked else fmt.count(r[f"count_{k}"]),
                 "Part": fmt.MASKED if masked else fmt.pct(r[f"share_{k}"])}
                for s, k in ((a, "a"), (b, "b"))]
        result = ("écart et test non publiés" if masked else
                  f"écart de {fmt.points(r['difference'])}, test exact de Fisher p = {fmt.num(r['p_value'], 3)}")
        caption = f"{what} : {result}"
        withheld = note("Une case de cette comparaison est masquée (moins de "
                        f"{self.run.min_cell} réponses, ou masquée pour en protéger une autre) : ni l'écart ni le test "
                        "ne sont publiés, car ils la révéleraient.") if masked else ""
        return Html(table_html(pd.DataFrame(rows), caption) + withheld,
                    compare_data(q, options, group, r, (a, b), masked, self.run.confidence))

    def paired(self, before_id: str, after_id: str, group: str = "eig") -> Html:
        """Before/after asked to the same respondents: changes per respondent and exact paired tests."""
        from helpers.compare import paired_change

        q = self.run.question(before_id, group)
        r = paired_change(self.run.survey, before_id, after_id, group, self.run.promotions)
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
        alpha = 1 - self.run.confidence
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
        return join(Html(table_html(changes, f"{q.text} — changement de note par répondant ({who})")),
                    Html(table_html(cross, f"Note {top} avant et après, mêmes répondants ({who})")),
                    Html(f'<p class="eig-paired">{html.escape(reading)}</p>'))

    def _absent_subgroups(self, question_id: str, options, group: str, specs) -> list[str]:
        """Why a compared subgroup has nothing to compare: promotion not kept, or nobody answered."""
        from helpers.compare import chose_any, parse_subgroup

        out = []
        for spec in specs:
            source, promotion = parse_subgroup(spec, group)
            name = f"promotion {promotion} ({GROUP_NAMES[source]})" if promotion else GROUP_NAMES[source]
            if promotion is not None and self.run.promotions and promotion not in self.run.promotions:
                out.append(f"la {name} n'est pas retenue dans cette exécution")
            elif chose_any(self.run.survey, question_id, options, source, promotion)[1] == 0:
                out.append(f"aucun répondant de la {name} n'a répondu" if promotion
                           else f"aucun répondant ({name}) n'a répondu")
        return out

    def verbatims(self, question_id: str, group: str = "eig") -> Html:
        """Free-text answers, in alphabetical order, without who wrote them (and only if allowed).

        The count is of non-empty answers (a text given twice counts twice and is
        listed once, with its number); on synthetic data each answer is marked fictive.
        """
        q = self.run.question(question_id, group)
        answers = [str(a).strip() for a in self.run.frames[group][q.id].dropna() if str(a).strip()]
        who = GROUP_NAMES[group]
        if not answers:
            return Html(note(f"Réponses libres à « {q.text} » ({who}) : {fmt.NO_ANSWER}."))
        n = f"{fmt.count(len(answers))} réponse{'s' if len(answers) > 1 else ''} libre{'s' if len(answers) > 1 else ''}"
        if not self.run.include_verbatims:
            why = ("réponses réelles, non publiées par défaut pour ne pas identifier leurs auteurs"
                   if self.run.verbatims_setting is None else "choix de cette exécution")
            return Html(note(f"Réponses libres à « {q.text} » ({n}, {who}) non affichées : {why}."))
        fictive = self.run.kind != "real"
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
