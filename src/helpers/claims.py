"""Every number the paper states, recomputed, with a graded verdict (Appendix F).

The registry ``data/published/claims.yaml`` lists each quantitative statement
of the synthesis and of the text, how it is worded (its *expression*) and
what recomputes it: a share of the survey (via
:func:`helpers.indicators.combined_share`), a count of respondents, cells of
the programme table, the challenges listed on the programme's site, the
promotions' years, a ranking of scale items — or why it cannot be recomputed.
Verdicts are never written down: they follow from the data and the rule of
the expression, and are graded (``VERDICTS``): an exact share that differs
only by its rounding, or holds on a reading the registry states beside the
main one (another base, scale level or group), is told apart from a real
discrepancy. Each statement keeps its population: the survey's are about
promotions 1 and 2 (p. 9), whatever promotions a run keeps.

Shares are in percentage points here (the paper's unit); claims.csv gives them as
fractions, like every published table (:func:`csv_table`).
"""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import DATA_DIR
from helpers.codebook import CLAIM_GROUPS, GROUP_NAMES, MEMBERS, read_yaml
from helpers.fmt import num, round_half_up, signed
from helpers.disclosure import hidden_claim
from helpers.granularity import feasible, nearest, shown
from helpers.indicators import combined_share, indicator_tables, restrict
from helpers.intervals import check_confidence, check_method, proportion_interval
from helpers.programme import (
    cell,
    defis_table,
    digits,
    programme_table,
    promotion_years,
    source_code_share,
    table_checks,
)
from helpers.sidecar import dataset_kind

CLAIMS_YAML = DATA_DIR / "published" / "claims.yaml"
NOT_CLAIMS_CSV = DATA_DIR / "published" / "not-claims.csv"
FIGURES_CSV = DATA_DIR / "published" / "figures.csv"
COLUMNS = ["claim_id", "page", "quote", "group", "promotions", "base", "published", "expression",
           "recomputed", "ci_low", "ci_high", "verdict", "verdict_fr", "detail", "base_note"]
#: Stable codes (claims.csv), in the order of the tables: French label, what it means.
VERDICT_LABELS = {
    "match": ("conforme", "le nombre recalculé satisfait la règle de la formulation"),
    "rounding": ("écart d'arrondi",
                 "une part exacte qui ne diffère que par la convention d'arrondi (tronquée au lieu d'être "
                 "arrondie au plus proche), ou qui est la valeur la plus proche que permet le nombre de "
                 "répondants (le pourcentage écrit n'y est pas atteignable)"),
    "other_reading": ("conforme selon une autre lecture",
                      "conforme sous une lecture que le registre énonce à côté de la lecture principale "
                      "(autre base, autre niveau d'échelle, autre groupe) ; le détail dit laquelle"),
    "mismatch": ("non conforme", "un écart réel, que ni l'arrondi ni une autre lecture énoncée n'explique"),
    "not_computable": ("non calculable",
                       "les données nécessaires n'existent pas, ou le jeu de données n'a aucun répondant "
                       "d'une partie de la population dont parle l'affirmation ; la raison est donnée"),
    "calibrated_unverifiable": ("non vérifiable sur l'échantillon calibré",
                                "aucun graphique ni tableau publié ne fixe cette valeur : l'échantillon "
                                "calibré l'a inventée pour s'accorder au texte, la vérifier ne prouverait rien"),
}
VERDICTS = tuple(VERDICT_LABELS)
SOURCES = ("survey", "respondents", "programme", "defis", "promotions")
MEASURES = ("share", "missing", "min", "max", "mentions")
DEFIS_MEASURES = ("source_code", "n_eig_listed", "n_mentors_listed")
PROGRAMME_MEASURES = ("sum", "nonzero")
PROMOTION_MEASURES = ("first_year", "years")
#: Keys an alternative reading may change (besides its French description, ``reading``).
ALTERNATIVE_KEYS = ("options", "group", "measure", "question_id", "items")
#: The paper's survey: EIG and mentors of promotions 1 and 2 (p. 9).
SURVEY_PROMOTIONS = (1, 2)

#: "près de X %": within this many points of X.
APPROX_POINTS = 3.0
#: "près de N" for a count: within this fraction of N.
APPROX_COUNT = 0.05
#: "majorité", "plus de la moitié", "la plupart", "principalement": strictly above.
MAJORITY = 50.0
#: "très large majorité": at least.
STRONG_MAJORITY = 75.0

#: expression → (its French name, the wording it covers, the rule), for the appendix.
RULES = {
    "exact": ("valeur exacte", "« 62 % »",
              "le pourcentage recalculé, arrondi (au demi supérieur) comme le texte, est égal au nombre publié"),
    "lower_bound": ("borne inférieure", "« plus de 90 % », « plus de 100 personnes »",
                    "strictement supérieur au nombre publié"),
    "upper_bound": ("borne supérieure", "« moins de 20 % »", "strictement inférieur au nombre publié"),
    "approx": ("valeur approchée", "« près de 70 % », « près de 70 EIG »",
               f"à {num(APPROX_POINTS)} points au plus du pourcentage publié ; pour un effectif, "
               f"à {num(100 * APPROX_COUNT)}\u202f% au plus du nombre publié"),
    "fraction": ("fraction", "« deux tiers », « près de / plus de deux tiers »",
                 "la fraction (2/3 = 66,7 %) suit la règle de son qualificatif : sans qualificatif ou "
                 f"« près de », à {num(APPROX_POINTS)} points au plus ; « plus de », strictement au-dessus ; "
                 "« moins de », strictement au-dessous"),
    "majority": ("majorité", "« majorité », « plus de la moitié », « la plupart », « principalement »",
                 f"strictement plus de {num(MAJORITY)}\u202f%"),
    "strong_majority": ("très large majorité", "« très large majorité »", f"{num(STRONG_MAJORITY)}\u202f% ou plus"),
    "minority": ("minorité", "« pas en majorité »", f"{num(MAJORITY)}\u202f% ou moins"),
    "count": ("effectif", "« 37 défis », « 21 EIG »",
              "l'effectif recalculé est égal au nombre publié (ou à l'un d'eux : « 2 ou 3 »)"),
    "date": ("date ou durée", "« lancé en 2016 », « 3 années d'existence »",
             "l'année ou le nombre d'années recalculé est égal au nombre publié"),
    "ranking": ("classement", "« vient en premier », « les plus plébiscités sont… »",
                "les éléments cités ont les parts les plus élevées de leur série (ex aequo admis)"),
    "greater": ("comparaison", "« plus fréquents pour la seconde promotion »",
                "la première promotion nommée a une part (ou un effectif) strictement plus élevée que l'autre"),
    "not_computable": ("non calculable", "anecdote, donnée absente de l'enquête et des tables",
                       "aucun verdict : la raison est donnée"),
}
THRESHOLDS = {"majority": MAJORITY, "strong_majority": STRONG_MAJORITY, "minority": MAJORITY}
QUALIFIERS = ("exact", "approx", "lower_bound", "upper_bound")
FRACTION_WORDS = {"1/2": "la moitié", "1/3": "un tiers", "2/3": "deux tiers", "1/4": "un quart", "3/4": "trois quarts"}


def verdict_label(code: str) -> str:
    """The French label of a verdict code (claims.csv's ``verdict_fr``)."""
    return VERDICT_LABELS[code][0]


# ---- the rules, one pure function per expression ---------------------------------------


def rule_exact(recomputed: float, published: float) -> bool:
    """"X %": the recomputed value rounds half-up, to X's decimals, to X."""
    return float(round_half_up(recomputed, digits(published))) == float(published)


def rule_lower_bound(recomputed: float, published: float) -> bool:
    """"plus de X": strictly more than X."""
    return recomputed > published


def rule_upper_bound(recomputed: float, published: float) -> bool:
    """"moins de X": strictly less than X."""
    return recomputed < published


def rule_approx(recomputed: float, published: float, unit: str = "percent") -> bool:
    """"près de X": within 3 points of a percentage, within 5 % of a count."""
    tolerance = APPROX_POINTS if unit == "percent" else APPROX_COUNT * published
    return abs(recomputed - published) <= tolerance + 1e-9


def rule_fraction(recomputed: float, fraction: Fraction, qualifier: str = "exact") -> bool:
    """"deux tiers" and its qualifiers, on the fraction's exact percentage (200/3 for 2/3)."""
    target = float(100 * fraction)
    if qualifier == "lower_bound":
        return rule_lower_bound(recomputed, target)
    if qualifier == "upper_bound":
        return rule_upper_bound(recomputed, target)
    return rule_approx(recomputed, target)


def rule_majority(recomputed: float) -> bool:
    """"majorité", "plus de la moitié", "la plupart": strictly more than half (50 % is a tie)."""
    return recomputed > MAJORITY


def rule_strong_majority(recomputed: float) -> bool:
    """"très large majorité": three quarters or more."""
    return recomputed >= STRONG_MAJORITY


def rule_minority(recomputed: float) -> bool:
    """"pas en majorité": half or less."""
    return recomputed <= MAJORITY


def rule_count(recomputed: float, published) -> bool:
    """A count equals the published number, or one of them ("2 ou 3")."""
    allowed = published if isinstance(published, list) else [published]
    return any(recomputed == value for value in allowed)


def rule_ranking(shares: dict[str, float], top: list[str]) -> bool:
    """The items cited come first: none of the others has a higher share than the lowest cited."""
    others = [v for k, v in shares.items() if k not in top]
    return not others or min(shares[k] for k in top) >= max(others) - 1e-9




def rule_greater(first: float, second: float) -> bool:
    """"plus fréquents pour la promotion 2 que pour la 1": strictly more."""
    return first > second


def rounding_reason(published, count: int, base: int) -> str | None:
    """Why an exact share that misses its printed value is only a rounding matter, or None.

    Either the share truncated (not rounded) gives the printed value, or the
    printed value is attainable on no count of this base and the recomputed
    count is the nearest one (GRIM, see :mod:`helpers.granularity`).
    """
    decimals = digits(published)
    target = Fraction(str(published))
    share = f"{count} sur {base} = {num(100 * count / base, decimals + 1)}\u202f%"
    if shown(count, base, decimals, "truncated") == target:
        return f"tronqué au lieu d'arrondi, {share} donne {num(published, decimals)}\u202f%"
    if not feasible(published, base, "half_up") and not feasible(published, base, "truncated") \
            and nearest(published, base)[0] == count:
        return (f"{num(published, decimals)}\u202f% n'est atteignable sur aucun effectif de {base} "
                f"répondants ; {share} en est la valeur la plus proche")
    return None


# ---- the registry ------------------------------------------------------------------------


def _fail(claim: dict, message: str):
    raise ValueError(f"claims.yaml: {claim.get('id', '?')}: {message}")


def _check_source(claim: dict):
    source = claim.get("source", "survey")
    if source not in SOURCES:
        _fail(claim, f"source must be one of {', '.join(SOURCES)}")
    if source == "survey":
        if "question_id" not in claim:
            _fail(claim, "missing 'question_id'")
        measure = claim.get("measure", "share")
        if measure not in MEASURES:
            _fail(claim, f"measure must be one of {', '.join(MEASURES)}")
        if measure in ("share", "missing", "mentions") and not claim.get("options"):
            _fail(claim, "missing 'options'")
    if source == "programme":
        if not claim.get("cells"):
            _fail(claim, "programme claims need 'cells' (indicator_id/promotion)")
        if claim.get("measure", "sum") not in PROGRAMME_MEASURES:
            _fail(claim, f"programme measure must be one of {', '.join(PROGRAMME_MEASURES)}")
    if source == "defis":
        if not claim.get("promotions"):
            _fail(claim, "defis claims need 'promotions'")
        if claim.get("measure", "source_code") not in DEFIS_MEASURES:
            _fail(claim, f"defis measure must be one of {', '.join(DEFIS_MEASURES)}")
    if source == "promotions":
        if claim.get("measure") not in PROMOTION_MEASURES:
            _fail(claim, f"promotions measure must be one of {', '.join(PROMOTION_MEASURES)}")
        if not claim.get("promotions"):
            _fail(claim, "promotions claims need 'promotions'")


def check_claim(claim: dict) -> dict:
    """Refuse an entry that misses what its expression and source need."""
    for key in ("id", "page", "quote", "group", "base", "expression"):
        if key not in claim:
            _fail(claim, f"missing {key!r}")
    expression = claim["expression"]
    if expression not in RULES:
        _fail(claim, f"unknown expression {expression!r}")
    if claim["group"] not in CLAIM_GROUPS:
        _fail(claim, f"group must be one of {', '.join(CLAIM_GROUPS)}")
    if expression == "not_computable":
        if not claim.get("reason"):
            _fail(claim, "not_computable needs a reason")
        return claim
    for alternative in claim.get("alternatives", []):
        if not str(alternative.get("reading", "")).strip():
            _fail(claim, "each alternative needs a 'reading' (what it reads differently, in French)")
        unknown = set(alternative) - {"reading", *ALTERNATIVE_KEYS}
        if unknown:
            _fail(claim, f"an alternative may only change {', '.join(ALTERNATIVE_KEYS)}, not {sorted(unknown)}")
        if "items" in alternative and not set(claim.get("top", [])) <= set(alternative["items"]):
            _fail(claim, "an alternative's items must keep every item of top")
    if expression not in THRESHOLDS and expression not in ("ranking", "greater") and "published" not in claim:
        _fail(claim, "missing 'published'")
    if expression == "fraction" and claim.get("qualifier", "exact") not in QUALIFIERS:
        _fail(claim, f"qualifier must be one of {', '.join(QUALIFIERS)}")
    if expression == "ranking":
        if not (claim.get("items") and claim.get("top") and (claim.get("options") or claim.get("question_id"))):
            _fail(claim, "ranking needs items, top, and options (grid of questions) or question_id (its options)")
        if not set(claim["top"]) <= set(claim["items"]):
            _fail(claim, "top must be among items")
        return claim
    if expression == "greater":
        if len(claim.get("compare", [])) != 2 or not claim.get("question_id") or not claim.get("options"):
            _fail(claim, "greater needs question_id, options and compare (two promotions, the larger first)")
        if claim.get("measure", "share") not in ("share", "count"):
            _fail(claim, "greater compares a 'share' or a 'count'")
        return claim
    _check_source(claim)
    return claim


def load_claims(path: Path | str = CLAIMS_YAML) -> list[dict]:
    """The registry, each entry checked; ids must be unique."""
    doc = read_yaml(path)
    claims = [check_claim(c) for c in doc["claims"]]
    ids = [c["id"] for c in claims]
    if len(ids) != len(set(ids)):
        raise ValueError(f"claims.yaml: duplicate ids {sorted({i for i in ids if ids.count(i) > 1})}")
    return claims


def not_claims(path: Path | str = NOT_CLAIMS_CSV) -> pd.DataFrame:
    """What the re-read of the paper found and deliberately did not register, with the reason."""
    return pd.read_csv(path)


# ---- populations and calibrated data --------------------------------------------------------


def population(claim: dict) -> tuple[int, ...]:
    """The promotions a survey statement is about: its ``promotion``, compared ones, or the survey's (1 and 2)."""
    if claim["expression"] == "greater":
        return tuple(int(p) for p in claim["compare"])
    if claim.get("source") == "respondents":  # its ``promotion`` is the part counted among all respondents
        return SURVEY_PROMOTIONS
    promotion = claim.get("promotion")
    if promotion is None:
        return SURVEY_PROMOTIONS
    return (int(promotion),) if np.isscalar(promotion) else tuple(int(p) for p in promotion)


def about_survey(claim: dict) -> bool:
    """True when the statement is recomputed from the respondents (not the programme's tables)."""
    return claim["expression"] in ("ranking", "greater") or claim.get("source", "survey") in ("survey", "respondents")


def missing_population(survey, claim: dict) -> list[tuple[str, int]]:
    """(group, promotion) pairs of the statement's population with no respondent in this data set."""
    missing = []
    for group in _groups(claim["group"]):
        frame = survey.frames.get(group)
        present = set() if frame is None else {int(p) for p in frame["promotion"].dropna().unique()}
        missing += [(group, p) for p in population(claim) if p not in present]
    return missing


def calibrated(survey) -> bool:
    """True for a data set calibrated to the paper (``calibrated_to`` in its DATASET.yaml)."""
    return dataset_kind(getattr(survey, "metadata", None) or {}) == "calibrated"


def published_charts(path: Path | str = FIGURES_CSV) -> set[tuple[str, str]]:
    """(question, group) pairs whose answers a published chart gives."""
    figures = pd.read_csv(path, dtype=str)
    return set(zip(figures["question_id"], figures["group"]))


def fixed_by_publication(survey, claim: dict, charts: set[tuple[str, str]]) -> bool:
    """True when the published charts or tables fix the value the statement is checked on.

    The programme table and the site's lists are public facts; a survey share
    is fixed when a chart gives its question for the same group (or both
    groups), on the whole population — not one promotion, which no chart
    splits — and, for a multiple-choice question, on one option only (a chart
    counts mentions, not who ticked any of several).
    """
    if not about_survey(claim):
        return True
    if claim["expression"] == "greater" or claim.get("promotion") is not None:
        return False
    if claim.get("source") == "respondents":
        return unit_of(claim) == "count"
    questions = [claim["question_id"]] if "question_id" in claim else claim["items"]

    def charted(question_id):
        pooled = (question_id, claim["group"]) in charts
        return pooled or all((question_id, g) in charts for g in _groups(claim["group"]))

    if not all(charted(q) for q in questions):
        return False
    if claim.get("measure") in ("min", "max"):
        return False
    if claim.get("measure") == "mentions" or claim["expression"] == "ranking":
        return True
    question = survey.codebooks[_groups(claim["group"])[0]][claim["question_id"]]
    return question.type != "multi" or len(claim.get("options", [])) <= 1


# ---- recomputing ---------------------------------------------------------------------------


def unit_of(claim: dict) -> str:
    """'count' for counts of people, challenges or answers; 'year' for dates; 'percent' for shares."""
    if claim["expression"] == "date":
        return "year" if claim.get("measure") == "first_year" else "count"
    counted = ("missing", "min", "max", *DEFIS_MEASURES[1:])
    if claim["expression"] == "count" or claim.get("measure") in counted or claim.get("source") == "programme":
        return "count"
    return claim.get("unit", "percent")


def _groups(group: str) -> tuple[str, ...]:
    return MEMBERS[group]


def recompute_survey(survey, claim: dict, confidence: float, method: str) -> dict:
    """A share, a share of mentions, a count of non-answers, or the extreme of a numeric answer."""
    measure = claim.get("measure", "share")
    qid, group, promotions = claim["question_id"], claim["group"], population(claim)
    if measure in ("min", "max"):
        values = pd.concat([restrict(survey.frames[g], promotions)[qid] for g in _groups(group)]).dropna()
        value = float(values.min() if measure == "min" else values.max())
        word = "minimum" if measure == "min" else "maximum"
        return {"value": value, "base": len(values), "text": f"{num(value)} ({word} de {len(values)} réponses)"}
    if measure == "mentions":
        return recompute_mentions(survey, claim)
    result = combined_share(survey, qid, claim["options"], group, list(promotions), "none", confidence, method)
    if measure == "missing":
        return {"value": float(result["missing"]), "base": result["base"] + result["missing"],
                "text": f"{result['missing']} sans réponse sur {result['base'] + result['missing']}"}
    return {"value": 100 * result["share"], "base": result["base"], "count": int(result["count"]),
            "ci_low": 100 * result["ci_low"], "ci_high": 100 * result["ci_high"]}


def recompute_mentions(survey, claim: dict) -> dict:
    """The options' share of all the boxes ticked on a multiple-choice question (a chart of mentions).

    No interval: mentions are not independent draws (one person ticks several).
    """
    chosen = total = 0
    for group in _groups(claim["group"]):
        question = survey.codebooks[group][claim["question_id"]]
        frame = restrict(survey.frames[group], population(claim))
        ticks = {code: int(frame[f"{question.id}__{code}"].fillna(False).astype(bool).sum()) for code in question.codes}
        chosen += sum(ticks[str(o)] for o in claim["options"])
        total += sum(ticks.values())
    value = 100 * chosen / total if total else np.nan
    return {"value": value, "base": total, "count": chosen, "what": "mentions"}


def recompute_respondents(survey, claim: dict, confidence: float, method: str) -> dict:
    """How many answered (a count), or the share of them in one promotion."""
    frames = [restrict(survey.frames[g], SURVEY_PROMOTIONS) for g in _groups(claim["group"])]
    total = sum(len(f) for f in frames)
    if unit_of(claim) == "count":
        n = sum(len(restrict(f, population(claim))) for f in frames)
        return {"value": float(n), "base": None, "text": f"{n} répondants"}
    n = sum(len(restrict(f, claim["promotion"])) for f in frames)
    low, high = proportion_interval(n, total, confidence, method)
    return {"value": 100 * n / total, "base": total, "count": n, "ci_low": 100 * low, "ci_high": 100 * high}


def recompute_programme(claim: dict, table: pd.DataFrame) -> dict:
    """The sum of the programme-table cells the claim names (``indicator_id/promotion``), or how many are not zero."""
    values = [cell(table, *ref.split("/")) for ref in claim["cells"]]
    if claim.get("measure", "sum") == "nonzero":
        n = sum(v != 0 for v in values)
        promotions = [ref.split("/")[1] for ref, v in zip(claim["cells"], values) if v != 0]
        return {"value": float(n), "base": None, "text": f"{n} (promotions {', '.join(promotions)})"}
    total = sum(values)
    terms = " + ".join(num(v) for v in values)
    return {"value": total, "base": None, "text": f"{terms} = {num(total)}" if len(values) > 1 else num(total)}


def recompute_promotions(claim: dict, years: dict[int, int]) -> dict:
    """The first promotion's year, or how many distinct years the promotions span (site of the programme)."""
    chosen = {p: years[int(p)] for p in claim["promotions"]}
    listing = ", ".join(f"promotion {p} : {y}" for p, y in chosen.items())
    if claim["measure"] == "first_year":
        first = min(chosen.values())
        return {"value": float(first), "base": None, "text": f"{first} ({listing})"}
    n = len(set(chosen.values()))
    return {"value": float(n), "base": None, "text": f"{n} années ({listing})"}


def recompute_defis(claim: dict, defis: pd.DataFrame, confidence: float, method: str) -> dict:
    """From the site's list: the share of challenges linking source code, or people listed.

    ``promotions`` and (optionally) ``defi`` select the challenges.
    """
    chosen = defis[defis.promotion.isin([str(p) for p in claim["promotions"]])]
    if "defi" in claim:
        chosen = chosen[chosen.defi == claim["defi"]]
    measure = claim.get("measure", "source_code")
    if measure != "source_code":
        value = int(chosen[measure].sum())
        return {"value": float(value), "base": None, "text": f"{value} ({len(chosen)} défi{'s' * (len(chosen) > 1)} listé{'s' * (len(chosen) > 1)} sur le site)"}
    row = source_code_share(chosen, confidence, method).iloc[-1]
    return {"value": 100 * row["share"], "base": int(row["base"]), "count": int(row["count"]),
            "ci_low": 100 * row["ci_low"], "ci_high": 100 * row["ci_high"]}


def recompute_ranking(survey, claim: dict, confidence: float, method: str) -> tuple[dict, dict]:
    """Each item's share; the result is the lowest cited item.

    Items are either the options of one question (``question_id``) or scale
    questions of one grid, each read on the same levels (``options``).
    """
    promotions = list(population(claim))

    def share(item):
        qid, options = (claim["question_id"], [item]) if "question_id" in claim else (item, claim["options"])
        return combined_share(survey, qid, options, claim["group"], promotions, "none", confidence, method)

    results = {item: share(item) for item in claim["items"]}
    shares = {item: 100 * r["share"] for item, r in results.items()}
    weakest = min(claim["top"], key=shares.get)
    r = results[weakest]
    value = {"value": shares[weakest], "base": r["base"], "count": int(r["count"]),
             "ci_low": 100 * r["ci_low"], "ci_high": 100 * r["ci_high"]}
    return value, shares


def recompute_greater(survey, claim: dict, confidence: float, method: str) -> dict:
    """The two promotions' shares (or counts) and their difference (in points, or people)."""
    parts = [combined_share(survey, claim["question_id"], claim["options"], claim["group"], p, "none",
                            confidence, method) for p in claim["compare"]]
    by_count = claim.get("measure", "share") == "count"
    values = [r["count"] if by_count else 100 * r["share"] for r in parts]
    return {"value": values[0] - values[1], "base": None, "parts": parts, "by_count": by_count}


# ---- verdicts and their explanation --------------------------------------------------------


def published_value(claim: dict):
    """What the text states, as shown in the table: a number, '2/3', '2 ou 3', or the rule's threshold."""
    expression = claim["expression"]
    if expression in THRESHOLDS:
        return int(THRESHOLDS[expression])
    if expression in ("ranking", "greater"):
        return None
    published = claim.get("published")
    if isinstance(published, list):
        return " ou ".join(str(p) for p in published)
    return published


def expected_text(claim: dict) -> str:
    """The published statement in words, for the detail."""
    expression, published, unit = claim["expression"], claim.get("published"), unit_of(claim)
    sign = "\u202f%" if unit == "percent" else ""
    if expression == "date":
        return str(published) if unit == "year" else num(published)
    if expression == "exact":
        return f"{num(published, digits(published))}{sign}"
    if expression == "count":
        return " ou ".join(num(p) for p in published) if isinstance(published, list) else num(published)
    if expression == "lower_bound":
        return f"plus de {num(published, digits(published))}{sign}"
    if expression == "upper_bound":
        return f"moins de {num(published, digits(published))}{sign}"
    if expression == "approx":
        tolerance = f"± {num(APPROX_POINTS)} points" if unit == "percent" else f"± {num(100 * APPROX_COUNT)} %"
        return f"près de {num(published, digits(published))}{sign} ({tolerance})"
    if expression == "fraction":
        words = {"exact": "environ", "approx": "près de", "lower_bound": "plus de", "upper_bound": "moins de"}
        target = 100 * Fraction(str(published))
        name = FRACTION_WORDS.get(str(published), str(published))
        return f"{words[claim.get('qualifier', 'exact')]} {name} ({num(float(target), 1)}\u202f%)"
    if expression == "majority":
        return f"une majorité (plus de {num(MAJORITY)}\u202f%)"
    if expression == "strong_majority":
        return f"une très large majorité ({num(STRONG_MAJORITY)}\u202f% ou plus)"
    return f"pas une majorité ({num(MAJORITY)}\u202f% ou moins)"


def reference(claim: dict) -> float:
    """The number the recomputed value is compared with (for the gap)."""
    expression = claim["expression"]
    if expression in THRESHOLDS:
        return THRESHOLDS[expression]
    if expression == "fraction":
        return float(100 * Fraction(str(claim["published"])))
    published = claim["published"]
    return float(published[0] if isinstance(published, list) else published)


def judge(claim: dict, value: float) -> bool:
    """Apply the rule of the claim's expression to a recomputed value."""
    expression = claim["expression"]
    published = claim.get("published")
    if expression == "exact":
        return rule_exact(value, published)
    if expression == "lower_bound":
        return rule_lower_bound(value, published)
    if expression == "upper_bound":
        return rule_upper_bound(value, published)
    if expression == "approx":
        return rule_approx(value, published, unit_of(claim))
    if expression == "fraction":
        return rule_fraction(value, Fraction(str(published)), claim.get("qualifier", "exact"))
    if expression == "majority":
        return rule_majority(value)
    if expression == "strong_majority":
        return rule_strong_majority(value)
    if expression == "minority":
        return rule_minority(value)
    return rule_count(value, published)


def explain(claim: dict, result: dict) -> str:
    """'recalculé 14 % (3 sur 21), attendu 15 % : écart −0,7 point'."""
    value, unit = result["value"], unit_of(claim)
    if unit == "percent":
        places = digits(claim["published"]) if claim["expression"] == "exact" else 1
        shown_value = f"{num(float(round_half_up(value, places)), places)}\u202f%"
        if "count" in result:
            what = f" {result['what']}" if result.get("what") else ""
            shown_value += f" ({result['count']}{what} sur {result['base']})"
        gap = float(round_half_up(value - reference(claim), 1))
        word = "point" if abs(gap) < 2 else "points"
        return f"recalculé {shown_value}, attendu {expected_text(claim)} : écart {signed(gap, 1)} {word}"
    gap = value - reference(claim)
    years = "" if unit != "year" else (" an" if abs(gap) < 2 else " ans")
    return (f"recalculé {result['text']}, attendu {expected_text(claim)} : "
            f"{'égal' if gap == 0 else 'écart ' + signed(gap, digits(gap)) + years}")


def explain_ranking(survey, claim: dict, shares: dict[str, float], ok: bool) -> str:
    """Every item with its share, cited ones first, so a reader sees who overtakes whom."""
    codebook = survey.codebooks[_groups(claim["group"])[0]]

    def name(item):
        if "question_id" in claim:
            return codebook[claim["question_id"]].label(item)
        return codebook[item].item or codebook[item].text

    def listing(items):
        return ", ".join(f"{name(i)} {num(shares[i], 1)}\u202f%" for i in items)

    others = sorted((i for i in shares if i not in claim["top"]), key=shares.get, reverse=True)
    reading = f"niveaux {'/'.join(str(o) for o in claim['options'])}" if "options" in claim else "options"
    verdict = "les éléments cités sont en tête" if ok else "un élément non cité dépasse un élément cité"
    return f"part ({reading}) : cités — {listing(claim['top'])} ; autres — {listing(others)} : {verdict}"


def explain_greater(claim: dict, result: dict, ok: bool, min_cell: int) -> str:
    """Both promotions' values, unless one is a small cell (then only the direction)."""
    first, second = claim["compare"]
    small = any(min(r["count"], r["base"] - r["count"], r["base"]) < min_cell for r in result["parts"])
    order = (f"promotion {first} devant la promotion {second}" if ok
             else f"la promotion {first} n'est pas devant la promotion {second}")
    if small:
        return f"{order} ; valeurs masquées (effectif inférieur à {min_cell} dans une promotion)"
    shown_parts = " ; ".join(
        f"promotion {p} : {int(r['count'])} sur {r['base']}" if result["by_count"]
        else f"promotion {p} : {num(100 * r['share'], 1)}\u202f% ({int(r['count'])} sur {r['base']})"
        for p, r in zip(claim["compare"], result["parts"]))
    return f"{shown_parts} : {order}"


def note_of(claim: dict) -> str:
    """The base the text refers to, and how the check chose it when the text is unclear."""
    note = claim.get("base_note", "").strip()
    return f"{claim['base']} ; {note}" if note else claim["base"]


def _promotions_text(claim: dict) -> str:
    return " ".join(map(str, population(claim))) if about_survey(claim) else ""


def _row(claim, verdict, detail, result=None, published=None) -> dict:
    result = result or {}
    return {
        "claim_id": claim["id"], "page": claim["page"], "quote": claim["quote"], "group": claim["group"],
        "promotions": _promotions_text(claim), "base": result.get("base"),
        "published": published if published is not None else published_value(claim),
        "expression": claim["expression"], "recomputed": result.get("value", np.nan),
        "ci_low": result.get("ci_low", np.nan), "ci_high": result.get("ci_high", np.nan),
        "verdict": verdict, "verdict_fr": verdict_label(verdict), "detail": detail, "base_note": note_of(claim),
    }


def evaluate(survey, claim: dict, table, defis, years, confidence, method, min_cell) -> tuple[bool | None, dict, str]:
    """One reading of a statement: (holds?, recomputed values, detail); None when nothing answers it."""
    expression = claim["expression"]
    if expression == "ranking":
        result, shares = recompute_ranking(survey, claim, confidence, method)
        if any(np.isnan(v) for v in shares.values()):
            return None, result, "non calculable : aucune réponse à l'une des questions classées"
        ok = rule_ranking(shares, claim["top"])
        return ok, result, explain_ranking(survey, claim, shares, ok)
    if expression == "greater":
        result = recompute_greater(survey, claim, confidence, method)
        if np.isnan(result["value"]) or any(r["base"] == 0 for r in result["parts"]):
            return None, result, "non calculable : aucune réponse dans l'une des promotions comparées"
        ok = rule_greater(result["value"], 0)
        return ok, result, explain_greater(claim, result, ok, min_cell)
    source = claim.get("source", "survey")
    if source == "programme":
        result = recompute_programme(claim, table)
    elif source == "respondents":
        result = recompute_respondents(survey, claim, confidence, method)
    elif source == "defis":
        result = recompute_defis(claim, defis, confidence, method)
    elif source == "promotions":
        result = recompute_promotions(claim, years)
    else:
        result = recompute_survey(survey, claim, confidence, method)
    if np.isnan(result["value"]):
        return None, result, "non calculable : aucune réponse à la question"
    return judge(claim, result["value"]), result, explain(claim, result)


def verify_claim(survey, claim: dict, table: pd.DataFrame, defis: pd.DataFrame,
                 confidence: float = 0.95, method: str = "wilson", *, years: dict | None = None,
                 charts: set | None = None, is_calibrated: bool = False, min_cell: int = 3) -> dict:
    """One row of the claims table for one registry entry, with its graded verdict.

    On a calibrated sample, a reading whose value no publication fixes is not
    evidence (``charts``: the (question, group) pairs of the published charts).
    """
    if claim["expression"] == "not_computable":
        return _row(claim, "not_computable", f"non calculable : {claim['reason']}", published=claim.get("published"))
    years = promotion_years() if years is None else years
    if about_survey(claim):
        missing = missing_population(survey, claim)
        if missing:
            absent = ", ".join(f"{GROUP_NAMES[g]} de la promotion {p}" for g, p in missing)
            promotions = " et ".join(map(str, population(claim)))
            return _row(claim, "not_computable",
                        f"population incomplète : aucun répondant parmi les {absent} dans ce jeu de données ; "
                        f"l'affirmation porte sur les promotions {promotions}")
    args = (table, defis, years, confidence, method, min_cell)

    def fixed(reading):
        return not is_calibrated or fixed_by_publication(survey, reading, charts or set())

    main_fixed = fixed(claim)
    ok, result, detail = evaluate(survey, claim, *args) if main_fixed else (None, {}, "")
    if main_fixed and ok is None:
        return _row(claim, "not_computable", detail, result)
    if ok:
        return _row(claim, "match", detail, result)
    if main_fixed and claim["expression"] == "exact" and unit_of(claim) == "percent" and "count" in result:
        why = rounding_reason(claim["published"], result["count"], result["base"])
        if why:
            return _row(claim, "rounding", f"{detail} ; {why}", result)
    for alternative in claim.get("alternatives", []):
        reading = {**claim, **{k: v for k, v in alternative.items() if k != "reading"}}
        if not fixed(reading):
            continue
        alt_ok, alt_result, alt_detail = evaluate(survey, reading, *args)
        if alt_ok:
            main = detail if main_fixed else "lecture principale non vérifiable sur l'échantillon calibré"
            return _row(claim, "other_reading", f"{main} ; conforme en lisant {alternative['reading']} : {alt_detail}",
                        result if main_fixed else alt_result)
    if not main_fixed:
        return _row(claim, "calibrated_unverifiable",
                    "aucun graphique ni tableau publié ne fixe cette valeur : l'échantillon calibré l'a inventée "
                    "pour s'accorder au texte (valeur non montrée)")
    return _row(claim, "mismatch", detail, result)


def _sorted(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["base"] = frame["base"].astype("Int64")
    frame["verdict"] = pd.Categorical(frame["verdict"], categories=VERDICTS, ordered=True)
    frame = frame.sort_values(["verdict", "page"], kind="stable").reset_index(drop=True)
    frame["verdict"] = frame["verdict"].astype(str)
    return frame


def verify_claims(survey, claims: list[dict] | None = None, confidence: float = 0.95,
                  method: str = "wilson", *, table: pd.DataFrame | None = None,
                  defis: pd.DataFrame | None = None, min_cell: int = 3,
                  indicators: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every registry entry recomputed and judged, sorted by verdict then page.

    Statements about one promotion are small cells: see :func:`mask_small_cells`;
    ``indicators`` (the published indicator table) masks those resting on a hidden cell too.
    """
    check_confidence(confidence)
    check_method(method)
    claims = load_claims() if claims is None else [check_claim(c) for c in claims]
    table = programme_table() if table is None else table
    defis = defis_table() if defis is None else defis
    context = {"years": promotion_years(), "charts": published_charts(), "is_calibrated": calibrated(survey),
               "min_cell": min_cell}
    rows = [verify_claim(survey, c, table, defis, confidence, method, **context) for c in claims]
    return _sorted(mask_small_cells(rows, claims, min_cell, indicators))


def mask_small_cells(rows: list[dict], claims: list[dict], min_cell: int,
                     indicators: pd.DataFrame | None = None) -> list[dict]:
    """Hide the recomputed value of promotion-level statements on small cells.

    Same rule as the indicator table: a count, non-count or base under ``min_cell``
    is hidden, and so are the other promotions' statements on the same question
    (the whole group's value is public, so one promotion gives the other away).
    The verdict stays: it answers what the paper itself published. Comparisons
    between promotions hide their values in :func:`explain_greater`.
    """
    by_id = {c["id"]: c for c in claims}

    def key(claim):
        return (claim.get("question_id"), claim["group"], tuple(map(str, claim.get("options", ()))))

    small = set()
    for row in rows:
        claim = by_id[row["claim_id"]]
        if claim.get("promotion") is None or unit_of(claim) != "percent" or pd.isna(row["recomputed"]):
            continue
        count = round(row["recomputed"] * row["base"] / 100)
        if min(count, row["base"] - count, row["base"]) < min_cell:
            small.add(key(claim))
    if indicators is not None and min_cell > 0:
        small.update(key(by_id[r["claim_id"]]) for r in rows if hidden_claim(indicators, by_id[r["claim_id"]]))
    for row in rows:
        claim = by_id[row["claim_id"]]
        if claim.get("promotion") is not None and key(claim) in small:
            row.update(recomputed=np.nan, ci_low=np.nan, ci_high=np.nan,
                       detail=f"valeur masquée (effectif inférieur à {min_cell} dans une promotion) ; "
                              "verdict établi sur les effectifs complets")
        if claim["expression"] == "greater":
            row.update(recomputed=np.nan)
    return rows


def verify_programme_table(table: pd.DataFrame | None = None) -> pd.DataFrame:
    """The programme table's own arithmetic (p. 8) as claims rows, group 'programme'."""
    checks = table_checks(table)
    rows = []
    for check in checks.itertuples():
        where = "total" if check.promotion == "total" else f"EIG {check.promotion}"
        verdict = "match" if check.ok else "mismatch"
        rows.append({
            "claim_id": f"table_{check.check_id}", "page": 8, "quote": f"{check.label} ({where})",
            "group": "programme", "promotions": "", "base": None, "published": check.published,
            "expression": check.kind, "recomputed": check.recomputed, "ci_low": np.nan, "ci_high": np.nan,
            "verdict": verdict, "verdict_fr": verdict_label(verdict), "detail": check.detail,
            "base_note": "tableau « Le programme EIG en chiffres »",
        })
    return _sorted(rows)


def counts(df: pd.DataFrame) -> dict[str, int]:
    """How many rows get each verdict, every verdict listed (zeros included), in the table's order."""
    found = df["verdict"].value_counts()
    return {code: int(found.get(code, 0)) for code in VERDICTS}


def summary(df: pd.DataFrame) -> str:
    """'N affirmations vérifiées : X conformes, Y écarts d'arrondi, …' (verdicts that occur)."""
    plural = {"match": "conformes", "rounding": "écarts d'arrondi",
              "other_reading": "conformes selon une autre lecture", "mismatch": "non conformes",
              "not_computable": "non calculables",
              "calibrated_unverifiable": "non vérifiables sur l'échantillon calibré"}
    parts = [f"{n} {plural[code]}" for code, n in counts(df).items() if n or code in ("match", "mismatch")]
    return f"{len(df)} affirmations vérifiées : {', '.join(parts)}"


def rules_table() -> pd.DataFrame:
    """The rule of each expression, in French, for the appendix."""
    return pd.DataFrame([{"expression": k, "type": name, "formulation": w, "règle": r}
                         for k, (name, w, r) in RULES.items()])


def verdicts_table(*frames: pd.DataFrame) -> pd.DataFrame:
    """Each verdict: its French label, what it means, how many rows of each frame get it."""
    rows = []
    for code, (label, meaning) in VERDICT_LABELS.items():
        rows.append({"code": code, "verdict": label, "sens": meaning,
                     **{f"n{i}": counts(frame)[code] for i, frame in enumerate(frames)}})
    return pd.DataFrame(rows)


# ---- claims.csv ------------------------------------------------------------------------------

#: claims.csv's ``unit``: what a row's numbers measure. Shares are fractions there (0.62), as in every
#: published table; ``""`` for a statement not recomputed (its number is copied as printed, never a share).
CSV_UNITS = ("fraction", "count", "year", "euro", "")


def csv_unit(claim: dict) -> str:
    """The ``unit`` of a registry entry's row in claims.csv."""
    if claim["expression"] == "not_computable":
        return claim.get("unit", "")
    if claim["expression"] == "greater" and claim.get("measure") == "count":
        return "count"
    unit = unit_of(claim)
    return "fraction" if unit == "percent" else unit


def programme_unit(kind: str, indicator_unit: str) -> str:
    """The ``unit`` of a programme-table check: profile shares are fractions, budget lines euros."""
    if kind in ("composition", "composition_sum"):
        return "fraction"
    if kind == "budget_column":
        return "euro"
    return "fraction" if indicator_unit == "percent" else indicator_unit


def _fraction(value):
    """A percentage as a fraction, decimal-exact for printed numbers (62 → 0.62); text such as '2/3' is kept."""
    if value is None or isinstance(value, str) or (isinstance(value, float) and np.isnan(value)):
        return value
    return float(Decimal(repr(value)) / 100)


def csv_table(claims: pd.DataFrame, programme: pd.DataFrame, registry: list[dict] | None = None,
              table: pd.DataFrame | None = None) -> pd.DataFrame:
    """claims.csv: the statements then the programme table's checks, with ``unit`` after ``base``
    and every share (published, recomputed, interval) as a fraction of 1."""
    registry = load_claims() if registry is None else registry
    table = programme_table() if table is None else table
    units = {c["id"]: csv_unit(c) for c in registry}
    indicator_units = dict(zip(table["indicator_id"], table["unit"]))
    for check in table_checks(table).itertuples():
        indicator = check.check_id.removesuffix("_total") if check.kind == "total" else ""
        units[f"table_{check.check_id}"] = programme_unit(check.kind, indicator_units.get(indicator, ""))
    out = pd.concat([claims, programme], ignore_index=True)
    out.insert(out.columns.get_loc("base") + 1, "unit", out["claim_id"].map(units).fillna(""))
    shares = out["unit"] == "fraction"
    out["published"] = [(_fraction(v) if share else v) for v, share in zip(out["published"], shares)]
    for column in ("recomputed", "ci_low", "ci_high"):
        out[column] = out[column].astype(float).where(~shares, out[column].astype(float) / 100)
    # Amounts keep every digit (4658243.47, not the 6 significant digits of a share).
    out["recomputed"] = pd.Series([None if np.isnan(v) else f"{v:.{6 if share else 15}g}"
                                   for v, share in zip(out["recomputed"], shares)], dtype=object)
    return out


def main(argv: list[str] | None = None) -> int:
    """``python -m helpers claims``: print the summary and the mismatches; ``--strict`` fails on one."""
    from helpers import outputs, params
    from helpers.load import load_survey

    parser = argparse.ArgumentParser(prog="python -m helpers claims")
    params.add_arguments(parser)
    parser.add_argument("--method", default="wilson")
    parser.add_argument("--csv", type=Path, help="write the full table (claims, then the programme table)")
    parser.add_argument("--quiet", action="store_true", help="print nothing")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a statement does not match")
    args = parser.parse_args(argv)
    run = params.from_arguments(args)
    survey = load_survey(params.resolve(run.data_dir))
    # The run's own indicator table (its promotions, FPC, min_cell), as Appendix F uses it.
    indicators = indicator_tables(survey, confidence=run.confidence, method=args.method, min_cell=run.min_cell,
                                  promotions=run.promotions, fpc=run.fpc)["respondent"]
    claims = verify_claims(survey, confidence=run.confidence, method=args.method, min_cell=run.min_cell,
                           indicators=indicators)
    table = verify_programme_table()
    if args.csv:
        outputs.write_csv(csv_table(claims, table), args.csv)
    if not args.quiet:
        for title, frame in (("Texte et synthèse", claims), ("Tableau du programme (p. 8)", table)):
            print(f"{title} — {summary(frame)}")
            for row in frame[frame.verdict == "mismatch"].itertuples():
                print(f"  ✗ {row.claim_id} (p. {row.page}) « {row.quote} » : {row.detail}")
    mismatched = (claims.verdict == "mismatch").any() or (table.verdict == "mismatch").any()
    return 1 if args.strict and mismatched else 0


if __name__ == "__main__":
    sys.exit(main())
