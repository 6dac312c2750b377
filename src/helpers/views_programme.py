"""Appendix E, the programme in figures: public facts about the programme, not the survey.

The paper's table (p. 8) with its totals recomputed, its arithmetic checks, the challenges,
skills and published code listed on the programme's site, and how the site's head counts
differ from the paper's. Nothing here reads an answer to the survey, so nothing loads it:
each function takes only what it shows (``helpers.programme`` reads ``data/programme/``).
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from helpers import fmt, programme, reading
from helpers.figures import Figure, bar_estimates, table_html
from helpers.views import Html, join, parameter_list, saved


def parameters(promotions=None) -> Html:
    """What this appendix reads instead of the survey, and why the run's survey parameters do not apply to it.

    ``promotions``: the run's (for the other appendices); the programme's facts cover every promotion.
    """
    listed = [p for p in programme.programme_table()["promotion"].unique() if p != "total"]
    covered = f"toutes celles du tableau du programme ({fmt.promotions_words(listed, '')})"
    if promotions:
        covered += (", quelles que soient les promotions retenues pour les annexes sur l'enquête "
                    f"({fmt.parameter_value('promotions', promotions)})")
    return parameter_list([
        ("Données", "faits publics du programme — le tableau « Le programme EIG en chiffres » du document de "
                    "travail (p. 8) et le site du programme, compilés avec leur source dans data/programme/ ; "
                    "cette annexe ne lit aucune réponse à l'enquête"),
        ("Promotions", covered),
        ("Intervalles de confiance, seuil de diffusion et pondération",
         "sans objet, les listes du programme étant complètes (des comptages, sans échantillon ni répondant)"),
    ])


def table() -> Html:
    """The paper's table (p. 8) as published, with each total recomputed from its parts beside it."""
    published = programme.programme_table()
    totals = programme.table_checks(published)
    totals = totals[totals["promotion"] == "total"].set_index("check_id")
    rows = []
    for indicator, part in published.groupby("indicator_id", sort=False):
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


def checks() -> Html:
    """Every arithmetic check of the table (totals, budget, composition) with its tolerance."""
    found = programme.table_checks()
    shown = pd.DataFrame({
        "Contrôle": found["label"],
        "Promotion": ["total" if p == "total" else f"EIG {p}" for p in found["promotion"]],
        "Détail": found["detail"],
        "Conforme": ["oui" if ok else "non" for ok in found["ok"]],
    })
    bad = int((~found["ok"]).sum())
    caption = (f"Contrôles arithmétiques du tableau : {len(found)} contrôles, {bad} non conformes "
               "(tolérance : une unité du dernier chiffre publié)")
    return Html(table_html(shown, caption))


def challenges() -> Html:
    """Challenges, host administrations and people listed on the programme's site, by promotion."""
    c = programme.challenges()
    shown = pd.DataFrame({
        "Promotion": [f"EIG {p}" for p in c["promotion"]],
        "Défis": c["challenges"].map(fmt.count),
        "Administrations d'accueil": c["administrations"].map(fmt.count),
        "EIG listés sur le site": c["eig_listed"].map(fmt.count),
        "Mentors listés sur le site": c["mentors_listed"].map(fmt.count),
    })
    return Html(table_html(shown, "Défis et administrations par promotion (site du programme)"))


def skills() -> Html:
    """Share of each promotion's challenges calling on each skill (site of the programme)."""
    mix = programme.skills_mix()
    wide = mix.pivot_table(index="label", columns="promotion", values="share", sort=False)
    bases = mix.groupby("promotion")["base"].first()
    shown = pd.DataFrame({"Compétence": wide.index})
    for p in wide.columns:
        shown[f"EIG {p} (n = {bases[p]})"] = [fmt.pct(v) for v in wide[p]]
    return Html(table_html(shown, "Part des défis faisant appel à chaque compétence, par promotion (site du programme)"))


def source_code(confidence: float, out_dir: Path | None = None) -> Html:
    """Share of challenges with published source code, by promotion: figure and table."""
    # The site's list is complete: a count of every challenge, so no sampling interval.
    share = programme.source_code_share(confidence=confidence).drop(columns=["ci_low", "ci_high"])
    labels = ["Ensemble" if p == "all" else f"Promotion {p}" for p in share["promotion"]]
    figure = saved(bar_estimates(
        share, labels=labels, title="Défis dont le code source a été publié",
        who="défis listés sur le site du programme", name="programme_source_code",
        confidence=confidence), out_dir)
    if isinstance(figure, Figure):
        figure.notes = _source_code_lines(share)
    return join(figure)


def _source_code_lines(share: pd.DataFrame) -> str:
    """Champ, source, lecture and recipe of the published-code chart: public facts, one row per promotion."""
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
        recipe=f"comptage de {code(reading.function_name(programme.source_code_share))} ; tracé par "
               f"{code(reading.function_name(bar_estimates))}, appelé par {code('app.programme_source_code()')}.",
    ).html


def roster_gap() -> Html:
    """Where the site's head counts differ from the paper's table (p. 8), by promotion."""
    gap = programme.roster_gap()
    shown = pd.DataFrame({
        "Promotion": [f"EIG {p}" for p in gap["promotion"]],
        "Indicateur": gap["label"],
        "Site du programme": gap["site"].map(fmt.count),
        "Document de travail (p. 8)": gap["paper"].map(fmt.count),
        "Écart": gap["gap"].map(lambda v: f"{int(v):+d}"),
    })
    return Html(table_html(shown, "Effectifs listés sur le site du programme et effectifs du document de travail"))
