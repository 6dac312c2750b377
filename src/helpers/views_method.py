"""How the survey was read (appendix A, and the parameters line of every survey appendix).

Who answered against the programme's head counts, what non-response leaves open, how
precise a share can be on these bases, how respondents spread over challenges, what the
disclosure audit found, and the run's data set and parameters in French words.
"""

from __future__ import annotations

import html

import pandas as pd

from helpers import fmt
from helpers.codebook import GROUP_NAMES
from helpers.figures import table_html
from helpers.headcounts import populations
from helpers.population import (
    answers_per_challenge,
    precision_summary,
    representation,
    representation_summary,
    response_rates,
)
from helpers.views import NO_CHALLENGE, Html, Run, note, parameter_list


class MethodViews:
    """The method appendix's tables and sentences for one run (its survey and tables, read through ``run``)."""

    def __init__(self, run: Run):
        self.run = run

    def response_rates(self) -> Html:
        """Respondents over head count: a complete count, so no interval (nothing was sampled)."""
        rates = response_rates(self.run.frames, pops=populations())
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
        rates = response_rates(self.run.frames, pops=populations())
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

        q = self.run.question(question_id, group)
        options = [options] if isinstance(options, str) else list(options)
        kw = {"group": group, "promotion": self.run.promotions, "confidence": self.run.confidence}
        plain = combined_share(self.run.survey, question_id, options, fpc=False, **kw)
        finite = combined_share(self.run.survey, question_id, options, fpc=True, **kw)
        known = not pd.isna(finite["population"])
        weighted = (combined_share(self.run.survey, question_id, options, weighting="promotion", **kw) if known
                    else {"share": float("nan")})
        label = fmt.ci_label(self.run.confidence)
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
        rep = representation(self.run.frames, populations())
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
                            for line in representation_summary(self.run.frames, populations())))

    def precision_summary(self) -> Html:
        """How far one answer moves a share, and how wide the intervals are, on this run's bases."""
        return Html(f"<p>{html.escape(precision_summary(self.run.table, self.run.confidence))}</p>")

    def challenges(self, group: str = "eig") -> Html:
        if not self.run.has_challenges:
            return Html(note(f"Nombre de répondants ({GROUP_NAMES[group]}) par défi — {NO_CHALLENGE}"))
        dist = answers_per_challenge(self.run.frames[group])
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
        if self.run.kind == "calibrated":
            return ("échantillon synthétique calibré sur les graphiques publiés "
                    f"({self.run.survey.metadata['calibrated_to']}) : réponses inventées")
        if self.run.kind == "synthetic":
            return "données synthétiques : réponses inventées, sans lien avec les graphiques du document de travail"
        return "réponses réelles à l'enquête"

    def parameters(self) -> Html:
        """The run's data set and parameters, in French, for the reader."""
        sizes = []
        for g, f in self.run.frames.items():
            split = f["promotion"].value_counts().sort_index()
            detail = ", ".join(f"promotion {p} : {n}" for p, n in split.items())
            sizes.append(f"{len(f)} {GROUP_NAMES[g]} ({detail})" if detail else f"0 {GROUP_NAMES[g]}")
        if self.run.has_challenges:
            known = sum(int(f["defi"].notna().sum()) for f in self.run.frames.values())
            total = sum(len(f) for f in self.run.frames.values())
            challenge = f"indiqué par {known} répondants sur {total}"
        else:
            challenge = "non indiqué (lecture par défi non disponible)"
        if self.run.include_verbatims:
            texts = "affichées" + (" (réponses fictives)" if self.run.kind != "real" else "")
        else:
            texts = "non affichées" + (" (réponses réelles, non publiées par défaut)"
                                       if self.run.verbatims_setting is None else "")
        items = [
            ("Jeu de données", f"{self.dataset_description()} — {', '.join(sizes)}"),
            ("Défi des répondants", challenge),
            ("Promotions retenues", fmt.parameter_value("promotions", self.run.promotions)),
            ("Intervalles de confiance", f"score de Wilson à {fmt.parameter_value('confidence', self.run.confidence)}, "
                                         + ("avec" if self.run.fpc else "sans") + " correction de population finie"),
            ("Seuil de diffusion des sous-groupes", fmt.parameter_value("min_cell", self.run.min_cell)),
            ("Lecture principale", fmt.parameter_value("weighting", self.run.weighting)),
            ("Réponses libres", texts),
        ]
        empty = [GROUP_NAMES[g] for g in ("eig", "mentor") if not self.run.respondents(g)]
        if empty:
            items.append(("Aucun répondant dans les promotions retenues pour", ", ".join(empty)))
        return parameter_list(items)

    def disclosure_audit(self) -> Html:
        """The audit's result on this run's tables: cells hidden, why, all protected, weighted reading kept.

        Raises ``helpers.audit.AuditError`` (the notebook, then the build, stops
        and names the cell) when a hidden cell can be narrowed down.
        """
        from helpers.audit import audit, check

        if self.run.min_cell <= 0:
            return Html(note("Seuil de diffusion à 0 (exploration privée) : aucune case n'est masquée et "
                             "aucun audit n'est fait ; chaque page porte la mention « non diffusable »."))
        findings = audit(self.run.tables, self.run.codebooks, populations(), self.run.min_cell)
        check(findings)
        kinds = findings["kind"].value_counts()
        weighted = self.run.table[self.run.table["weighting"] == "promotion"]
        kept = int((~weighted["suppressed"]).sum())
        plain = (f", {kinds['masked']} sans motif affiché (dire lequel des deux motifs s'applique "
                 "aurait suffi à en déduire une valeur)") if kinds.get("masked", 0) else ""
        share = f" ({fmt.pct(kept / len(weighted))})" if len(weighted) else ""
        return Html(
            f"<p><strong>Audit de confidentialité : toutes les cases masquées sont protégées.</strong> "
            f"{len(findings)} cases sont masquées dans les tableaux de ce rapport : "
            f"{kinds.get('primary', 0)} parce qu'elles comptent moins de {self.run.min_cell} réponses "
            f"(« moins de {self.run.min_cell} réponses »), {kinds.get('secondary', 0)} pour en protéger une autre "
            f"(« masqué pour protéger une autre case »){html.escape(plain)}. Pour chacune, l'audit calcule "
            "par programmation linéaire en nombres entiers toutes les valeurs compatibles avec l'ensemble "
            "de ce qui est publié (lignes par promotion, lectures pondérée et par défi, totaux, effectifs "
            "des promotions) : il en reste au moins deux, et au moins "
            f"{self.run.min_cell} pour une case de moins de {self.run.min_cell} réponses (ou toutes celles que sa base "
            "permet, ou que les totaux publiés laissent).</p>"
            f"<p>Lecture pondérée par promotion : {kept} lignes publiées sur {len(weighted)}{html.escape(share)} ; "
            "les autres sont masquées parce qu'avec la lecture non pondérée elles révéleraient une case.</p>")
