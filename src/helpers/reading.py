"""The lines under each chart, in INSEE's manner: « Champ », « Source », « Lecture », and its recipe.

Written from the rows the chart draws (``helpers.indicators``), so they stay true on any
data set: who answered and how many (champ), which kind of data set and questionnaire
(source), how to read one value — the chart's largest readable share, with its count,
base and interval (lecture) — and where the numbers come from: the question ids, the
rows of ``indicators.csv`` and the ``helpers`` function that drew it (recette).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from helpers import fmt

#: Whose answers, as the « Champ » line names them.
GROUP_WORDS = {"eig": "EIG", "mentor": "mentors", "both": "EIG et mentors"}
#: The questionnaires each group answered.
QUESTIONNAIRES = {"eig": "questionnaire aux EIG", "mentor": "questionnaire aux mentors",
                  "both": "questionnaires aux EIG et aux mentors"}
#: What each kind of data set is (``helpers.sidecar.dataset_kind``).
KINDS = {
    "calibrated": "échantillon synthétique calibré sur les graphiques du document de travail, pas les réponses réelles",
    "synthetic": "données synthétiques (réponses inventées), pas les réponses réelles",
    "real": "réponses à l'enquête",
}


@dataclass(frozen=True)
class Lines:
    """The four lines of one chart; ``html`` is what the figure shows under its caption."""

    champ: str
    source: str
    lecture: str
    recipe: str  # HTML: code names in <code>

    @property
    def html(self) -> str:
        esc = html.escape
        return ('<div class="eig-source">'
                f'<p><span class="eig-lead">Champ :</span> {esc(self.champ)}</p>'
                f'<p><span class="eig-lead">Source :</span> {esc(self.source)}</p>'
                f'<p><span class="eig-lead">Lecture :</span> {esc(self.lecture)}</p>'
                f'<p class="eig-recipe"><span class="eig-lead">Recette :</span> {self.recipe}</p></div>')


def _bases(rows: pd.DataFrame) -> str:
    values = sorted({int(b) for b in rows["base"] if not fmt.is_missing(b)})
    if not values or values == [0]:
        return "aucun répondant"
    if len(values) == 1:
        return f"{fmt.count(values[0])} répondant{'s' if values[0] > 1 else ''}"
    return f"{fmt.count(values[0])} à {fmt.count(values[-1])} répondants selon la case"


def champ(group: str, promotions, rows: pd.DataFrame, *, items: int = 1, by_promotion: bool = False) -> str:
    """« EIG des promotions 1 et 2 ayant répondu à la question (21 répondants) »."""
    who = GROUP_WORDS.get(group, group)
    where = f" {fmt.promotions_words(promotions, 'de')}" if promotions else ""
    what = "à chaque item" if items > 1 else "à la question"
    split = ", par promotion" if by_promotion else ""
    return f"{who}{where} ayant répondu {what}{split} ({_bases(rows)})."


def source(kind: str, group: str) -> str:
    """« Échantillon synthétique calibré … ; questionnaire aux EIG (Etalab, 2019) »."""
    what = KINDS.get(kind, KINDS["synthetic"])
    return f"{what[0].upper()}{what[1:]} ; {QUESTIONNAIRES.get(group, QUESTIONNAIRES['both'])} (Etalab, 2019)."


def _readable(row) -> bool:
    flag = row.get("suppressed")
    hidden = not fmt.is_missing(flag) and bool(flag)
    return not hidden and not fmt.is_missing(row.get("share")) and not fmt.no_answer(row.get("base"))


def _answer(question, option: str) -> str:
    """What the respondents did, as a verb phrase: « ont choisi « Oui » », « donnent 4 ou 5 »."""
    if option == "top2":
        low, high = question.top2[0], question.top2[-1]
        item = f" à « {question.item} »" if question.item else ""
        return f"donnent une note de {low} ou {high}{item} (échelle de {question.scale_min} à {question.scale_max})"
    try:
        text = question.label(option)
    except KeyError:
        text = str(option)
    if question.type == "scale":
        item = f" à « {question.item} »" if question.item else ""
        return f"donnent la note {text}{item}"
    verb = "ont coché" if question.type == "multi" else "ont répondu"
    return f"{verb} « {text} »"


def lecture(rows: pd.DataFrame, questions, group: str, *, confidence: float = 0.95) -> str:
    """How to read one value: the largest readable share of the chart, its count, base and interval.

    ``rows`` are the indicator rows the chart draws; scale items are read on their top-2
    row. Without any readable share (all hidden or unanswered), says so.
    """
    by_id = {q.id: q for q in questions}
    candidates = rows[rows["question_id"].isin(list(by_id))]
    if any(q.type == "scale" for q in questions):
        candidates = candidates[candidates["option"] == "top2"]
    readable = [r for _, r in candidates.iterrows() if _readable(r)]
    if not readable:
        return ("aucune part ne se lit ici : chaque case est masquée par le secret statistique ou sans réponse ; "
                "les bases se lisent dans les données du graphique.")
    best = max(readable, key=lambda r: float(r["share"]))  # first of the largest, in table order
    who = GROUP_WORDS.get(group, group)
    where = ""
    if str(best.get("subgroup", "all")).startswith("promotion="):
        where = f"dans la promotion {best['subgroup'].split('=', 1)[1]}, "
    weighted = best.get("weighting", "none") != "none"
    interval = f"{fmt.ci_label(confidence)} : {fmt.ci(best['ci_low'], best['ci_high'])}"
    answer = _answer(by_id[best["question_id"]], best["option"])
    if weighted:
        text = (f"{where}une fois les promotions pondérées, {fmt.pct(best['share'])} des {who} ayant répondu "
                f"(sur {fmt.count(best['base'])}) {answer} ({interval}).")
    else:
        text = (f"{where}{fmt.pct(best['share'])} des {who} ayant répondu ({fmt.count(best['count'])} sur "
                f"{fmt.count(best['base'])}) {answer} ({interval}).")
    return text[0].upper() + text[1:]


def function_name(function) -> str:
    """``helpers.figures.bar_shares``: the recipe names the function, never its line numbers.

    A line number would change the page whenever code above the function moves; the code
    view links the name to the function's source, printed at the end of the page.
    """
    return f"{function.__module__}.{function.__qualname__}"


def recipe(question_ids, group: str, *, subgroup: str = "all", weighting: str = "none", promotions=None,
           function=None, call: str | None = None) -> str:
    """The recipe as HTML: the ``indicators.csv`` rows read, the run's promotions, the function that drew it."""
    code = lambda text: f"<code>{html.escape(str(text))}</code>"  # noqa: E731
    ids = ", ".join(code(q) for q in question_ids)
    parts = [f"{code('indicators.csv')}, lignes {code('question_id')} = {ids}, "
             f"{code('group')} = {code(group)}, {code('subgroup')} = {code(subgroup)}, "
             f"{code('weighting')} = {code(weighting)}"]
    parts.append(fmt.promotions_words(promotions, "") if promotions else "toutes les promotions")
    if function is not None:
        made = f"tracé par {code(function_name(function))}"
        parts.append(made + (f", appelé par {code(call)}" if call else ""))
    return " ; ".join(parts) + "."
