"""Appendix F, the claims check: every number the paper states, recomputed, with its graded verdict.

What the verdicts mean on this kind of data set, how many statements get each, the rule for
each kind of wording, every statement with its recomputed value and base, and the printed
percentages no count of their base allows (``helpers.claims``, ``helpers.granularity``).
"""

from __future__ import annotations

import html
from functools import cached_property

import pandas as pd

from helpers import fmt
from helpers.claims import (
    SURVEY_PROMOTIONS,
    load_claims,
    not_claims,
    rules_table,
    summary,
    unit_of,
    verdict_label,
    verdicts_table,
    verify_claims,
    verify_programme_table,
)
from helpers.codebook import GROUP_NAMES
from helpers.figures import table_html
from helpers.granularity import ASSERTED, granularity_table, impossible, implication
from helpers.views import Html, Run, note


class ClaimsViews:
    """The claims check of one run: the survey's statements on its answers, the programme table's on its facts."""

    def __init__(self, run: Run):
        self.run = run

    @cached_property
    def claims(self) -> pd.DataFrame:
        return verify_claims(self.run.survey, confidence=self.run.confidence, min_cell=self.run.min_cell,
                             indicators=self.run.table)

    @cached_property
    def programme_claims(self) -> pd.DataFrame:
        return verify_programme_table()

    def claims_context(self) -> Html:
        """What the verdicts mean for this kind of data set, and which population each statement is checked on."""
        if self.run.kind == "calibrated":
            text = ("Ce jeu de données est l'échantillon synthétique, calibré sur les graphiques du document "
                    "de travail : la vérification teste ici la cohérence interne du texte avec ses propres "
                    "graphiques, pas ce que valent ses affirmations face aux réponses réelles. Une affirmation "
                    "dont aucun graphique ni tableau publié ne fixe la valeur est dite « non vérifiable sur "
                    "l'échantillon calibré » : sa valeur y a été inventée pour s'accorder au texte.")
        elif self.run.kind == "synthetic":
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
        kept = tuple(self.run.promotions or ())
        if kept and kept != SURVEY_PROMOTIONS:
            population += (f", et non sur les promotions retenues pour les autres annexes "
                           f"({', '.join(map(str, kept))})")
        return Html(f"<p><strong>{html.escape(text)}</strong></p>" + note(population + "."))

    def claims_summary(self) -> Html:
        return Html(f"<p><strong>Texte et synthèse :</strong> {html.escape(summary(self.claims))}.</p>"
                    f"<p><strong>Tableau du programme (p. 8) :</strong> {html.escape(summary(self.programme_claims))}.</p>")

    def claims_verdicts(self) -> Html:
        """The graded verdicts: French label, what each means, how many statements get it."""
        grades = verdicts_table(self.claims, self.programme_claims)
        if self.run.kind != "calibrated":  # a grade that exists only on the sample calibrated to the paper
            grades = grades[grades["code"] != "calibrated_unverifiable"]
        shown = pd.DataFrame({
            "Verdict": grades["verdict"],
            "Ce qu'il signifie": grades["sens"],
            "Texte et synthèse": grades["n0"].map(fmt.count),
            "Tableau du programme (p. 8)": grades["n1"].map(fmt.count),
        })
        return Html(table_html(shown, "Les verdicts, du plus favorable au moins vérifiable, et leur nombre"))

    def claims_rules(self) -> Html:
        rules = rules_table().drop(columns="expression").rename(
            columns={"type": "Type de formulation", "formulation": "Exemples", "règle": "Règle"})
        return Html(table_html(rules, "Règle appliquée à chaque type de formulation"))

    def claims_table(self) -> Html:
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
        rows = pd.concat([self.claims, self.programme_claims], ignore_index=True)
        chosen = rows[rows["verdict"] == verdict]
        if chosen.empty:
            return Html(note(f"Aucune affirmation « {verdict_label(verdict)} »."))
        items = "".join(
            f"<li>p. {html.escape(str(r['page']))}, « {html.escape(str(r['quote']))} » : "
            f"{html.escape(str(r['detail']))} (base : {html.escape(str(r['base_note']))})</li>"
            for _, r in chosen.iterrows()
        )
        return Html(f"<ul class=\"eig-mismatches\">{items}</ul>")

    @cached_property
    def granularity(self) -> pd.DataFrame:
        return granularity_table(load_claims(), self.run.published)

    def claims_granularity(self) -> Html:
        """Printed percentages that no count of their published base can give, and what they imply instead."""
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
        listed = not_claims()
        shown = pd.DataFrame({"Page": listed["page"].astype(str), "Passage": listed["quote"],
                              "Pourquoi il n'est pas vérifié": listed["reason"]})
        return Html(table_html(shown, "Passages chiffrés lus et délibérément écartés du registre"))
