"""What an appendix notebook calls: one object per run, one method per thing shown.

Notebooks stay thin (narrative + one call per cell). Everything shown comes
from the indicator table or another tested function of the package; this
module only picks the rows, the chart kind and the French wording, saves the
figures under ``out_dir`` and returns objects that display as accessible HTML.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from helpers import fmt
from helpers.compare import compare_shares
from helpers.figures import Figure, bar_shares, grouped_by_promotion, set_style, stacked_scale, table_html
from helpers.indicators import indicator_table
from helpers.load import load_survey
from helpers.params import RunParams, resolve
from helpers.population import answers_per_challenge, representation, response_rates
from helpers.programme import populations
from helpers.published import chart_check, published_figures

GROUP_NAMES = {"eig": "EIG", "mentor": "mentors", "both": "EIG et mentors"}
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


@dataclass
class Html:
    """A block of HTML the notebook displays (and nbconvert keeps)."""

    html: str

    def _repr_html_(self) -> str:
        return self.html


def _join(*parts) -> Html:
    return Html("".join(p._repr_html_() if hasattr(p, "_repr_html_") else str(p) for p in parts))


def _note(text: str) -> str:
    return f'<p class="eig-note">{html.escape(text)}</p>'


class Appendix:
    """The data, parameters and indicator tables of one notebook run."""

    @classmethod
    def from_namespace(cls, namespace: dict) -> Appendix:
        """From a notebook's variables (``Appendix.from_namespace(globals())``): every run parameter, by name."""
        from helpers.params import parameters

        return cls(**{name: namespace[name] for name in parameters() if name in namespace})

    def __init__(self, *args, **kwargs):
        """The run parameters of ``helpers.params.RunParams`` (same order and defaults), checked first."""
        self.params = params = RunParams(*args, **kwargs)
        self.data_dir = resolve(params.data_dir)
        self.out_dir = resolve(params.out_dir)
        self.promotions = list(params.promotions) if params.promotions else None
        self.confidence = params.confidence
        self.min_cell = params.min_cell
        self.weighting = params.weighting
        self.survey = load_survey(self.data_dir)
        include_verbatims = params.include_verbatims
        self.include_verbatims = self.survey.synthetic if include_verbatims is None else include_verbatims
        self.codebooks = self.survey.codebooks
        set_style()

    # ---- data ---------------------------------------------------------------
    @cached_property
    def table(self) -> pd.DataFrame:
        return indicator_table(self.survey, confidence=self.confidence, min_cell=self.min_cell,
                               promotions=self.promotions)

    @cached_property
    def defi_table(self) -> pd.DataFrame:
        return indicator_table(self.survey, confidence=self.confidence, min_cell=self.min_cell,
                               promotions=self.promotions, unit="defi")

    @cached_property
    def published(self) -> pd.DataFrame:
        return published_figures()

    @cached_property
    def frames(self) -> dict[str, pd.DataFrame]:
        """Respondent frames restricted to the promotions of this run."""
        if not self.promotions:
            return dict(self.survey.frames)
        return {g: f[f["promotion"].isin(self.promotions)] for g, f in self.survey.frames.items()}

    def question(self, question_id: str, group: str = "eig"):
        codebook = self.codebooks["eig" if group == "both" else group]
        return codebook[question_id]

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
        figure.save(self.out_dir)
        return figure

    def _draw(self, questions, group: str, table: pd.DataFrame | None = None, value: str = "share",
              weighting: str | None = None, title: str | None = None, name: str | None = None) -> Figure:
        table = self.table if table is None else table
        weighting = self.weighting if weighting is None else weighting
        if len(questions) > 1 or questions[0].item:
            return stacked_scale(table, questions, group=group, weighting=weighting, title=title, name=name,
                                 **self._kw())
        q = questions[0]
        value = "count" if q.type == "multi" else value
        return bar_shares(table, q, group=group, weighting=weighting, value=value, title=title, name=name,
                          **self._kw())

    # ---- what notebooks show -------------------------------------------------
    def chart(self, figure_id: str) -> Html:
        """A chart of the paper, recomputed with bases and intervals, and the published values beside."""
        group = self._figure_group(figure_id)
        questions = self._figure_questions(figure_id, group)
        unit = self.published.loc[self.published["figure_id"] == figure_id, "unit"].iloc[0]
        title = self.published.loc[self.published["figure_id"] == figure_id, "chart_title"].iloc[0]
        figure = self._save(self._draw(questions, group, value="count" if unit == "count" else "share",
                                       title=title, name=f"{figure_id}_{group}"))
        parts = [*self._no_respondent(group), figure, self.published_check(figure_id)]
        gap = weighting_gap(self.table, [q.id for q in questions], group)
        if gap >= WEIGHTING_GAP:
            parts.append(Html(_note(f"La pondération par promotion déplace une part de {fmt.num(100 * gap, 1)} "
                                    "point(s) au plus : lecture non pondérée et pondérée côte à côte.")))
            target = questions if len(questions) > 1 else questions[0]
            parts.append(self._save(grouped_by_promotion(self.table, target, group=group, by="weighting",
                                                         title=title, name=f"{figure_id}_{group}_ponderation",
                                                         **self._kw())))
        return _join(*parts)

    def published_check(self, figure_id: str) -> Html:
        """Published vs recomputed values of one chart, as a table."""
        check = chart_check(self.table, self.published, figure_id)
        page = int(self.published.loc[self.published["figure_id"] == figure_id, "printed_page"].iloc[0])
        shown = pd.DataFrame(
            {
                "Série": check["series"],
                "Catégorie": check["category"],
                "Publié": [f"{fmt.num(v, 1 if v % 1 else 0)}{' %' if u == 'percent' else ''}"
                           for v, u in zip(check["published"], check["unit"])],
                "Recalculé": [("—" if pd.isna(v) else f"{fmt.num(v, 1 if v % 1 else 0)}{' %' if u == 'percent' else ''}")
                              for v, u in zip(check["recomputed"], check["unit"])],
                "Base": [fmt.count(b) if pd.notna(b) else "—" for b in check["base"]],
                "Identique": ["oui" if m else "non" for m in check["match"]],
            }
        )
        if shown["Série"].nunique() == 1:
            shown = shown.drop(columns="Série")
        agree = int(check["match"].sum())
        caption = (f"Graphique du working paper (p. {page}) : valeurs publiées et recalculées "
                   f"({agree} sur {len(check)} identiques)")
        return Html(f'<details class="eig-published"><summary>{html.escape(caption)}</summary>'
                    f"{table_html(shown, caption)}</details>")

    def show(self, question_ids, group: str = "eig", title: str | None = None) -> Figure:
        """Any question (or a list of scale items) of one group, with bases and intervals."""
        return self._save(self._draw(self.questions(question_ids, group), group, title=title))

    def share(self, question_id: str, options, group: str = "eig") -> Html:
        """One sentence: the share choosing any of ``options``, its base and interval."""
        from helpers.indicators import combined_share

        q = self.question(question_id, group)
        options = [options] if isinstance(options, str) else list(options)
        r = combined_share(self.survey, question_id, options, group=group, promotion=self.promotions,
                           confidence=self.confidence, weighting=self.weighting)
        labels = " ou ".join(f"« {q.label(o)} »" for o in options)
        reading = " (pondérée par promotion)" if self.weighting == "promotion" else ""
        phrase = fmt.share_phrase(r["share"], r["count"], r["base"], r["ci_low"], r["ci_high"],
                                  confidence=self.confidence, min_cell=None) if r["base"] else "aucune réponse"
        missing = f" ; {r['missing']} sans réponse" if r["missing"] else ""
        return Html(f"<p><strong>{html.escape(q.text)}</strong> — {html.escape(labels)}, "
                    f"{html.escape(GROUP_NAMES[group])}{reading} : {html.escape(phrase)}{missing}.</p>")

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
        return self._save(grouped_by_promotion(self.table, target, group=group, by=by, **self._kw()))

    def challenge_level(self, question_id: str, group: str = "eig") -> Html:
        """Respondent-level vs one-vote-per-challenge shares for one question."""
        q = self.question(question_id, group)
        rows = []
        for unit, table in (("Répondants", self.table), ("Défis (un vote par défi)", self.defi_table)):
            sel = table[(table["question_id"] == q.id) & (table["group"] == group)
                        & (table["subgroup"] == "all") & (table["weighting"] == "none")]
            for _, r in sel.iterrows():
                if r["option"] == "top2":
                    continue
                rows.append({"Unité": unit, "Réponse": q.label(r["option"]), "Effectif": fmt.count(r["count"]),
                             "Base": fmt.count(r["base"]), "Part": fmt.pct(r["share"]),
                             fmt.ci_label(self.confidence): fmt.ci(r["ci_low"], r["ci_high"])})
        caption = f"{q.text} — {GROUP_NAMES[group]} : lecture par répondant et par défi"
        return Html(table_html(pd.DataFrame(rows), caption))

    def compare(self, question_id: str, options, group: str = "eig", a: str = "promotion=1",
                b: str = "promotion=2") -> Html:
        """Two subgroups on one share, with Fisher's exact test (unweighted).

        Counts and shares of a subgroup are masked like the indicator table masks
        them (count, non-count or base under ``min_cell``); the other subgroup and
        the difference are masked too, since the whole group's total is public.
        The p-value is always shown: it is the comparison's answer.
        """
        q = self.question(question_id, group)
        options = [options] if isinstance(options, str) else list(options)
        missing = self._absent_subgroups(question_id, options, group, (a, b))
        if missing:
            return Html(_note(f"{q.text} — comparaison impossible : {' ; '.join(missing)}."))
        r = compare_shares(self.survey, question_id, options, a, b, group=group)
        masked = any(
            min(r[f"count_{k}"], r[f"base_{k}"] - r[f"count_{k}"], r[f"base_{k}"]) < self.min_cell for k in "ab"
        )
        label = {"promotion=1": "Promotion 1", "promotion=2": "Promotion 2"}
        rows = [{"Sous-groupe": label.get(s, s), "Base": fmt.count(r[f"base_{k}"]),
                 "Effectif": fmt.MASKED if masked else fmt.count(r[f"count_{k}"]),
                 "Part": fmt.MASKED if masked else fmt.pct(r[f"share_{k}"])}
                for s, k in ((a, "a"), (b, "b"))]
        gap = "écart masqué" if masked else f"écart {fmt.num(100 * r['difference'], 0)} points"
        caption = (f"{q.text} — {' ou '.join(q.label(o) for o in options)} ({GROUP_NAMES[group]}) : "
                   f"{gap}, test exact de Fisher p = {fmt.num(r['p_value'], 3)}")
        note = _note(f"Effectifs inférieurs au seuil de diffusion ({self.min_cell}) : parts masquées ; "
                     "le test porte sur les effectifs complets.") if masked else ""
        return Html(table_html(pd.DataFrame(rows), caption) + note)

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
        """Free-text answers, in alphabetical order, without who wrote them (and only if allowed)."""
        q = self.question(question_id, group)
        if not self.include_verbatims:
            return Html(_note(f"Réponses libres à « {q.text} » non affichées (include_verbatims = False)."))
        answers = sorted({str(a).strip() for a in self.frames[group][q.id].dropna() if str(a).strip()})
        items = "".join(f"<li>{html.escape(a)}</li>" for a in answers)
        return Html(f'<div class="eig-verbatims"><p><strong>{html.escape(q.text)}</strong> '
                    f"({len(answers)} réponses libres, {html.escape(GROUP_NAMES[group])}, sans identifiant)"
                    f"</p><ul>{items}</ul></div>")

    # ---- method appendix ---------------------------------------------------
    def response_rates(self) -> Html:
        rates = response_rates(self.frames, self.confidence, populations())
        shown = pd.DataFrame(
            {
                "Groupe": [GROUP_NAMES[g] for g in rates["group"]],
                "Promotion": ["ensemble" if p == "all" else p for p in rates["promotion"]],
                "Population": rates["population"].map(fmt.count),
                "Répondants": rates["respondents"].map(fmt.count),
                "Taux de réponse": rates["rate"].map(fmt.pct),
                fmt.ci_label(self.confidence): [fmt.ci(lo, hi) for lo, hi in zip(rates["ci_low"], rates["ci_high"])],
            }
        )
        return Html(table_html(shown, "Taux de réponse par groupe et par promotion (population : tableau du programme, p. 8)"))

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

    def challenges(self, group: str = "eig") -> Html:
        dist = answers_per_challenge(self.frames[group])
        shown = pd.DataFrame(
            {
                "Répondants pour un même défi": dist["respondents"].map(fmt.count),
                "Nombre de défis": dist["challenges"].map(fmt.count),
                "Répondants concernés": dist["respondents_total"].map(fmt.count),
            }
        )
        return Html(table_html(shown, f"Nombre de répondants ({GROUP_NAMES[group]}) par défi"))

    def parameters(self) -> Html:
        """The run's data set and parameters, in French, for the reader."""
        kind = "synthétique (calibré sur les graphiques du working paper)" if self.survey.synthetic else "réel"
        sizes = ", ".join(f"{len(f)} {GROUP_NAMES[g]}" for g, f in self.frames.items())
        promos = ", ".join(map(str, self.promotions)) if self.promotions else "toutes"
        reading = "pondérée par promotion" if self.weighting == "promotion" else "non pondérée"
        empty = [GROUP_NAMES[g] for g in ("eig", "mentor") if not self.respondents(g)]
        warning = (f"<li><strong>Aucun répondant dans les promotions retenues pour : {html.escape(', '.join(empty))}"
                   "</strong></li>") if empty else ""
        return Html(
            "<ul class=\"eig-parameters\">"
            f"<li>Jeu de données : {html.escape(kind)} — {html.escape(sizes)}</li>"
            f"<li>Promotions retenues : {html.escape(promos)}</li>"
            f"<li>Intervalles de confiance : score de Wilson à {html.escape(fmt.pct(self.confidence))}</li>"
            f"<li>Seuil de diffusion des sous-groupes : {self.min_cell} répondants</li>"
            f"<li>Lecture principale : {reading}</li>"
            f"<li>Réponses libres : {'affichées' if self.include_verbatims else 'non affichées'}</li>"
            f"{warning}</ul>"
        )

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
        caption = ("Le programme EIG en chiffres (working paper, p. 8) : valeurs publiées et totaux recalculés "
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

        share = source_code_share(confidence=self.confidence)
        labels = ["Ensemble" if p == "all" else f"Promotion {p}" for p in share["promotion"]]
        figure = self._save(bar_estimates(
            share, labels=labels, title="Défis dont le code source a été publié",
            who="défis listés sur le site du programme", name="programme_source_code",
            confidence=self.confidence))
        return _join(figure)

    def programme_roster_gap(self) -> Html:
        from helpers.programme import roster_gap

        gap = roster_gap()
        shown = pd.DataFrame({
            "Promotion": [f"EIG {p}" for p in gap["promotion"]],
            "Indicateur": gap["label"],
            "Site du programme": gap["site"].map(fmt.count),
            "Working paper (p. 8)": gap["paper"].map(fmt.count),
            "Écart": gap["gap"].map(lambda v: f"{int(v):+d}"),
        })
        return Html(table_html(shown, "Effectifs listés sur le site du programme et effectifs du working paper"))

    # ---- appendix F: the claims check ---------------------------------------------
    @cached_property
    def claims(self) -> pd.DataFrame:
        from helpers.claims import verify_claims

        return verify_claims(self.survey, confidence=self.confidence, min_cell=self.min_cell)

    @cached_property
    def programme_claims(self) -> pd.DataFrame:
        from helpers.claims import verify_programme_table

        return verify_programme_table()

    def claims_context(self) -> Html:
        """What the verdicts mean for this data set: the paper's internal consistency, or the real answers."""
        if self.survey.synthetic:
            text = ("Ce jeu de données est l'échantillon synthétique, calibré sur les graphiques du working "
                    "paper : la vérification teste ici la cohérence interne du texte avec ses propres "
                    "graphiques, pas ce que valent ses affirmations face aux réponses réelles.")
        else:
            text = ("Ce jeu de données n'est pas l'échantillon synthétique : les verdicts confrontent les "
                    "affirmations du working paper aux réponses de ce jeu de données.")
        return Html(f"<p><strong>{html.escape(text)}</strong></p>")

    def claims_summary(self) -> Html:
        from helpers.claims import summary

        return Html(f"<p><strong>Texte et synthèse :</strong> {html.escape(summary(self.claims))}.</p>"
                    f"<p><strong>Tableau du programme (p. 8) :</strong> {html.escape(summary(self.programme_claims))}.</p>")

    def claims_rules(self) -> Html:
        from helpers.claims import rules_table

        rules = rules_table().rename(columns={"expression": "Type", "formulation": "Formulation", "règle": "Règle"})
        return Html(table_html(rules, "Règle appliquée à chaque type de formulation"))

    def claims_table(self) -> Html:
        from helpers.claims import load_claims, unit_of

        units = {c["id"]: unit_of(c) for c in load_claims()}
        verdicts = {"match": "conforme", "mismatch": "non conforme", "not_computable": "non calculable"}
        c = self.claims

        def value(row) -> str:
            if pd.isna(row["recomputed"]):
                return fmt.MASKED if str(row["detail"]).startswith("valeur masquée") else "—"
            if units.get(row["claim_id"]) != "percent":
                return fmt.num(row["recomputed"], 0 if float(row["recomputed"]).is_integer() else 2)
            interval = "" if pd.isna(row["ci_low"]) else f" ({fmt.ci(row['ci_low'] / 100, row['ci_high'] / 100)})"
            return fmt.pct(row["recomputed"] / 100, 1) + interval

        shown = pd.DataFrame({
            "Verdict": c["verdict"].map(verdicts),
            "Page": c["page"].astype(str),
            "Affirmation": c["quote"],
            "Groupe": c["group"].map(lambda g: GROUP_NAMES.get(g, g)),
            "Base": [("—" if pd.isna(b) else fmt.count(b)) for b in c["base"]],
            "Publié": c["published"].astype(str),
            "Recalculé (IC)": [value(r) for _, r in c.iterrows()],
            "Détail (base retenue)": [f"{d} — base : {n}" if isinstance(n, str) and n else str(d)
                                      for d, n in zip(c["detail"].fillna(""), c["base_note"])],
        })
        return Html(table_html(shown, "Toutes les affirmations chiffrées, par verdict puis par page"))

    def claims_mismatches(self) -> Html:
        """One sentence per mismatch: what the paper says and what the data shows instead."""
        rows = pd.concat([self.claims, self.programme_claims], ignore_index=True)
        bad = rows[rows["verdict"] == "mismatch"]
        if bad.empty:
            return Html(_note("Aucune affirmation non conforme."))
        items = "".join(
            f"<li>p. {html.escape(str(r['page']))}, « {html.escape(str(r['quote']))} » : "
            f"{html.escape(str(r['detail']))}</li>" for _, r in bad.iterrows()
        )
        return Html(f"<ul class=\"eig-mismatches\">{items}</ul>")
