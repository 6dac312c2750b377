"""Figure and table numbers per appendix, citations of the paper's charts, and the lines under each chart."""

from __future__ import annotations

import nbformat
import pandas as pd

from helpers import findings, numbering, reading
from helpers.codebook import load_codebooks


def _nb(title: str, *htmls: str):
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell(f"# {title}\n\ntexte"))
    for h in htmls:
        cell = nbformat.v4.new_code_cell("app.chart()")
        cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": h})]
        nb.cells.append(cell)
    return nb


FIG = ('<figure class="eig-figure" id="{id}"><img alt="x"><figcaption>Titre</figcaption>'
       '<details><table class="eig-table"><caption>Données</caption></table></details></figure>')
TABLE = '<table class="eig-table"><caption>Un tableau</caption></table>'


def test_figures_and_tables_numbered_in_reading_order_with_the_appendix_letter():
    nb = _nb("Annexe C — Axe 2", FIG.format(id="fig11_eig"), TABLE, FIG.format(id="autre") + TABLE)
    numbers = numbering.number_notebook(nb)
    assert numbers.labels == ["Graphique C.1", "Tableau C.1", "Graphique C.2", "Tableau C.2"]
    first = nb.cells[1].outputs[0]["data"]["text/html"]
    assert '<figcaption><span class="eig-number">Graphique C.1</span> — Titre' in first
    assert "<caption>Données</caption>" in first  # a figure's data table shares its number
    assert numbers.paper == {11: "Graphique C.1"}
    assert len(set(numbers.labels)) == len(numbers.labels)


def test_a_notebook_without_an_appendix_title_is_left_alone():
    nb = _nb("Exploration", FIG.format(id="a"))
    assert numbering.number_notebook(nb).labels == []
    assert "eig-number" not in nb.cells[1].outputs[0]["data"]["text/html"]


def test_paper_charts_are_cited_with_the_appendix_number_where_shown():
    shown = numbering.paper_charts([_nb("Annexe B — x", FIG.format(id="fig03_mentor")),
                                    _nb("Annexe C — y", FIG.format(id="fig16_mentor"))])
    assert shown == {3: "Graphique B.1", 16: "Graphique C.1"}
    text = "le graphique 16 du document de travail : 12 réponses ; graphique 99 du document de travail"
    cited = numbering.cite_paper_charts(text, shown)
    assert cited == ("le graphique 16 du document de travail (graphique C.1 de ces annexes) : 12 réponses ; "
                     "graphique 99 du document de travail")
    assert numbering.unresolved(cited, {"Graphique C.1"}) == []
    assert numbering.unresolved("voir le tableau D.4", {"Graphique C.1"}) == ["tableau D.4"]


def _rows():
    return pd.DataFrame({
        "question_id": ["tool_maintained"] * 3, "option": ["yes", "no", "dk"], "group": "eig",
        "subgroup": "all", "weighting": "none", "base": [21, 21, 21], "count": [13, 6, 2],
        "share": [13 / 21, 6 / 21, 2 / 21], "ci_low": [0.41, 0.14, 0.03], "ci_high": [0.79, 0.5, 0.29],
        "suppressed": [False, False, False]})


def test_lecture_reads_the_largest_share_with_count_base_and_interval():
    q = load_codebooks()["eig"]["tool_maintained"]
    text = reading.lecture(_rows(), [q], "eig")
    assert text.startswith("62\u202f% des EIG ayant répondu (13 sur 21) ont répondu « ")
    assert "41–79\u202f%" in text


def test_lecture_when_every_share_is_hidden():
    q = load_codebooks()["eig"]["tool_maintained"]
    text = reading.lecture(_rows().assign(suppressed=True), [q], "eig")
    assert text.startswith("aucune part ne se lit ici")


def test_champ_source_and_recipe():
    assert reading.champ("eig", [1, 2], _rows()) == ("EIG des promotions 1 et 2 ayant répondu à la question "
                                                     "(21 répondants).")
    assert reading.source("real", "mentor") == "Réponses à l'enquête ; questionnaire aux mentors (Etalab, 2019)."
    recipe = reading.recipe(["tool_maintained"], "eig", promotions=[2], function=reading.lecture,
                            call='app.show("tool_maintained")')
    # The function by name, never its line numbers: moving code in a module must not change the pages.
    assert recipe == ("<code>indicators.csv</code>, lignes <code>question_id</code> = <code>tool_maintained</code>, "
                      "<code>group</code> = <code>eig</code>, <code>subgroup</code> = <code>all</code>, "
                      "<code>weighting</code> = <code>none</code> ; promotion 2 ; tracé par "
                      "<code>helpers.reading.lecture</code>, appelé par <code>app.show(&quot;tool_maintained&quot;)</code>.")


def test_findings_pick_mismatches_impossible_percentages_and_widest_intervals():
    claims = pd.DataFrame({
        "claim_id": ["a", "b", "c"], "page": [1, 2, 3], "quote": ["qa", "qb", "qc"], "unit": "fraction",
        "published": [0.57, 0.5, 0.7], "recomputed": ["0.524", "0.5", "0.7"], "base": [21, 10, 20],
        "ci_low": [0.3, 0.2, 0.5], "ci_high": [0.7, 0.8, 0.85], "verdict": ["mismatch", "match", "rounding"],
        "detail": ["écart", "", ""]})
    assert [m["quote"] for m in findings.mismatches(claims)] == ["qa"]
    assert [m["quote"] for m in findings.widest(claims)] == ["qb", "qc"]  # 60 then 35 points; a mismatch is not shown
    granularity = pd.DataFrame({"quote": ["x", "y", "z"], "page": [1, 1, 1], "expression": ["exact", "exact", "lower_bound"],
                                "published": [0.7, 0.5, 0.9], "base": [13, 10, 13],
                                "feasible_half_up": [False, True, False], "feasible_truncated": [False, True, False],
                                "nearest_count": ["9/13", "5/10", "12/13"]})
    assert [m["quote"] for m in findings.impossible(granularity)] == ["x"]



def test_lecture_of_a_weighted_row_says_so_and_starts_with_a_capital():
    q = load_codebooks()["eig"]["tool_maintained"]
    text = reading.lecture(_rows().assign(weighting="promotion"), [q], "eig")
    assert text.startswith("Une fois les promotions pondérées, 62\u202f% des EIG ayant répondu (sur 21) ont répondu")


def test_differences_list_inferred_groups_axis_readings_and_notes_with_the_appendix_number():
    figures = pd.DataFrame({
        "figure_id": ["fig01", "fig01", "fig02", "fig03"], "printed_page": [10, 10, 10, 11],
        "chart_title": ["Un", "Un", "Deux", "Trois"], "group": ["both", "both", "mentor", "eig"],
        "group_status": ["inferred", "inferred", "printed", "printed"], "group_basis": ["33 sur 34", "33 sur 34", "", ""],
        "read": ["estimated", "exact", "exact", "exact"], "fidelity_note": [None, None, "axe en défis", None]})
    found = findings.differences(figures, {1: "Graphique B.1"})
    assert [d["paper"] for d in found] == ["Graphique 1 du document de travail", "Graphique 2 du document de travail"]
    assert found[0]["own"] == "Graphique B.1" and found[1]["own"] == ""
    assert found[0]["notes"] == ["groupe de répondants déduit (EIG et mentors) : 33 sur 34",
                                 "1 valeur sur 2 lue sur l'axe, non imprimée"]
    assert found[1]["notes"] == ["redessiné autrement : axe en défis"]
