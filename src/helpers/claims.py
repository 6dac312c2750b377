"""Every number the paper states, recomputed, with a verdict (Appendix F).

The registry ``data/published/claims.yaml`` lists each quantitative statement
of the synthesis and of the text, how it is worded (its *expression*) and
what recomputes it: a share of the survey (via
:func:`helpers.indicators.combined_share`), a count of respondents, cells of
the programme table, the challenges listed on the programme's site, a
ranking of scale items — or why it cannot be recomputed. Verdicts are never
written down: they follow from the data and the rule of the expression.

Shares are in percentage points here (the paper's unit), not fractions.
"""

from __future__ import annotations

import argparse
import sys
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from helpers import DATA_DIR, SAMPLE_DIR
from helpers.fmt import num, signed
from helpers.disclosure import hidden_claim
from helpers.indicators import combined_share, indicator_table, restrict
from helpers.intervals import check_confidence, check_method, proportion_interval
from helpers.programme import (
    cell,
    defis_table,
    digits,
    programme_table,
    source_code_share,
    table_checks,
)

CLAIMS_YAML = DATA_DIR / "published" / "claims.yaml"
COLUMNS = ["claim_id", "page", "quote", "group", "base", "published", "expression",
           "recomputed", "ci_low", "ci_high", "verdict", "detail", "base_note"]
VERDICTS = ("match", "mismatch", "not_computable")
GROUPS = ("eig", "mentor", "both", "programme")
SOURCES = ("survey", "respondents", "programme", "defis")
MEASURES = ("share", "missing", "min", "max")
DEFIS_MEASURES = ("source_code", "n_eig_listed", "n_mentors_listed")

#: "près de X %": within this many points of X.
APPROX_POINTS = 3.0
#: "près de N" for a count: within this fraction of N.
APPROX_COUNT = 0.05
#: "majorité", "plus de la moitié", "la plupart", "principalement": strictly above.
MAJORITY = 50.0
#: "très large majorité": at least.
STRONG_MAJORITY = 75.0

#: expression → (the wording it covers, the rule), in French for the appendix.
RULES = {
    "exact": ("« 62 % »",
              "le pourcentage recalculé, arrondi (au demi supérieur) comme le texte, est égal au nombre publié"),
    "lower_bound": ("« plus de 90 % », « plus de 100 personnes »", "strictement supérieur au nombre publié"),
    "upper_bound": ("« moins de 20 % »", "strictement inférieur au nombre publié"),
    "approx": ("« près de 70 % », « près de 70 EIG »",
               f"à {num(APPROX_POINTS)} points au plus du pourcentage publié ; pour un effectif, "
               f"à {num(100 * APPROX_COUNT)}\u202f% au plus du nombre publié"),
    "fraction": ("« deux tiers », « près de / plus de deux tiers »",
                 "la fraction (2/3 = 66,7 %) suit la règle de son qualificatif : sans qualificatif ou "
                 f"« près de », à {num(APPROX_POINTS)} points au plus ; « plus de », strictement au-dessus ; "
                 "« moins de », strictement au-dessous"),
    "majority": ("« majorité », « plus de la moitié », « la plupart », « principalement »",
                 f"strictement plus de {num(MAJORITY)}\u202f%"),
    "strong_majority": ("« très large majorité »", f"{num(STRONG_MAJORITY)}\u202f% ou plus"),
    "minority": ("« pas en majorité »", f"{num(MAJORITY)}\u202f% ou moins"),
    "count": ("« 37 défis », « 21 EIG »",
              "l'effectif recalculé est égal au nombre publié (ou à l'un d'eux : « 2 ou 3 »)"),
    "ranking": ("« vient en premier », « les plus plébiscités sont… »",
                "les éléments cités ont les parts les plus élevées de leur série (ex aequo admis)"),
    "not_computable": ("anecdote, donnée absente de l'enquête et des tables",
                       "aucun verdict : la raison est donnée"),
}
THRESHOLDS = {"majority": MAJORITY, "strong_majority": STRONG_MAJORITY, "minority": MAJORITY}
QUALIFIERS = ("exact", "approx", "lower_bound", "upper_bound")
FRACTION_WORDS = {"1/2": "la moitié", "1/3": "un tiers", "2/3": "deux tiers", "1/4": "un quart", "3/4": "trois quarts"}


# ---- the rules, one pure function per expression ---------------------------------------


def round_half_up(value: float, places: int = 0) -> float:
    """Rounding as done by hand (14,5 → 15), on the decimal value of the float."""
    return float(Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))


def rule_exact(recomputed: float, published: float) -> bool:
    """"X %": the recomputed value rounds half-up, to X's decimals, to X."""
    return round_half_up(recomputed, digits(published)) == float(published)


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


# ---- the registry ------------------------------------------------------------------------


def _fail(claim: dict, message: str):
    raise ValueError(f"claims.yaml: {claim.get('id', '?')}: {message}")


def check_claim(claim: dict) -> dict:
    """Refuse an entry that misses what its expression and source need."""
    for key in ("id", "page", "quote", "group", "base", "expression"):
        if key not in claim:
            _fail(claim, f"missing {key!r}")
    expression = claim["expression"]
    if expression not in RULES:
        _fail(claim, f"unknown expression {expression!r}")
    if claim["group"] not in GROUPS:
        _fail(claim, f"group must be one of {', '.join(GROUPS)}")
    if expression == "not_computable":
        if not claim.get("reason"):
            _fail(claim, "not_computable needs a reason")
        return claim
    if expression not in THRESHOLDS and expression != "ranking" and "published" not in claim:
        _fail(claim, "missing 'published'")
    if expression == "fraction" and claim.get("qualifier", "exact") not in QUALIFIERS:
        _fail(claim, f"qualifier must be one of {', '.join(QUALIFIERS)}")
    if expression == "ranking":
        if not (claim.get("items") and claim.get("top") and (claim.get("options") or claim.get("question_id"))):
            _fail(claim, "ranking needs items, top, and options (grid of questions) or question_id (its options)")
        if not set(claim["top"]) <= set(claim["items"]):
            _fail(claim, "top must be among items")
        return claim
    source = claim.get("source", "survey")
    if source not in SOURCES:
        _fail(claim, f"source must be one of {', '.join(SOURCES)}")
    if source == "survey":
        if "question_id" not in claim:
            _fail(claim, "missing 'question_id'")
        measure = claim.get("measure", "share")
        if measure not in MEASURES:
            _fail(claim, f"measure must be one of {', '.join(MEASURES)}")
        if measure in ("share", "missing") and not claim.get("options"):
            _fail(claim, "missing 'options'")
    if source == "programme" and not claim.get("cells"):
        _fail(claim, "programme claims need 'cells' (indicator_id/promotion)")
    if source == "defis":
        if not claim.get("promotions"):
            _fail(claim, "defis claims need 'promotions'")
        if claim.get("measure", "source_code") not in DEFIS_MEASURES:
            _fail(claim, f"defis measure must be one of {', '.join(DEFIS_MEASURES)}")
    return claim


def load_claims(path: Path | str = CLAIMS_YAML) -> list[dict]:
    """The registry, each entry checked; ids must be unique."""
    doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    claims = [check_claim(c) for c in doc["claims"]]
    ids = [c["id"] for c in claims]
    if len(ids) != len(set(ids)):
        raise ValueError(f"claims.yaml: duplicate ids {sorted({i for i in ids if ids.count(i) > 1})}")
    return claims


# ---- recomputing ---------------------------------------------------------------------------


def unit_of(claim: dict) -> str:
    """'count' for counts of people, challenges or answers; 'percent' for shares."""
    counted = ("missing", "min", "max", *DEFIS_MEASURES[1:])
    if claim["expression"] == "count" or claim.get("measure") in counted or claim.get("source") == "programme":
        return "count"
    return claim.get("unit", "percent")


def _groups(group: str) -> tuple[str, ...]:
    return ("eig", "mentor") if group == "both" else (group,)


def recompute_survey(survey, claim: dict, confidence: float, method: str) -> dict:
    """A share, a count of non-answers, or the extreme of a numeric answer."""
    measure = claim.get("measure", "share")
    qid, group, promotion = claim["question_id"], claim["group"], claim.get("promotion")
    if measure in ("min", "max"):
        values = pd.concat([restrict(survey.frames[g], promotion)[qid] for g in _groups(group)]).dropna()
        value = float(values.min() if measure == "min" else values.max())
        word = "minimum" if measure == "min" else "maximum"
        return {"value": value, "base": len(values), "text": f"{num(value)} ({word} de {len(values)} réponses)"}
    result = combined_share(survey, qid, claim["options"], group, promotion, "none", confidence, method)
    if measure == "missing":
        return {"value": float(result["missing"]), "base": result["base"] + result["missing"],
                "text": f"{result['missing']} sans réponse sur {result['base'] + result['missing']}"}
    return {"value": 100 * result["share"], "base": result["base"], "count": int(result["count"]),
            "ci_low": 100 * result["ci_low"], "ci_high": 100 * result["ci_high"]}


def recompute_respondents(survey, claim: dict, confidence: float, method: str) -> dict:
    """How many answered (a count), or the share of them in one promotion."""
    frames = [survey.frames[g] for g in _groups(claim["group"])]
    total = sum(len(f) for f in frames)
    promotion = claim.get("promotion")
    if unit_of(claim) == "count":
        n = sum(len(restrict(f, promotion)) for f in frames)
        return {"value": float(n), "base": None, "text": f"{n} répondants"}
    n = sum(int((f.promotion == promotion).sum()) for f in frames)
    low, high = proportion_interval(n, total, confidence, method)
    return {"value": 100 * n / total, "base": total, "count": n, "ci_low": 100 * low, "ci_high": 100 * high}


def recompute_programme(claim: dict, table: pd.DataFrame) -> dict:
    """The sum of the programme-table cells the claim names (``indicator_id/promotion``)."""
    values = [cell(table, *ref.split("/")) for ref in claim["cells"]]
    total = sum(values)
    terms = " + ".join(num(v) for v in values)
    return {"value": total, "base": None, "text": f"{terms} = {num(total)}" if len(values) > 1 else num(total)}


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
        return {"value": float(value), "base": None, "text": f"{value} ({len(chosen)} défi(s) listé(s) sur le site)"}
    row = source_code_share(chosen, confidence, method).iloc[-1]
    return {"value": 100 * row["share"], "base": int(row["base"]), "count": int(row["count"]),
            "ci_low": 100 * row["ci_low"], "ci_high": 100 * row["ci_high"]}


def recompute_ranking(survey, claim: dict, confidence: float, method: str) -> tuple[dict, dict]:
    """Each item's share; the result is the lowest cited item.

    Items are either the options of one question (``question_id``) or scale
    questions of one grid, each read on the same levels (``options``).
    """
    def share(item):
        qid, options = (claim["question_id"], [item]) if "question_id" in claim else (item, claim["options"])
        return combined_share(survey, qid, options, claim["group"], claim.get("promotion"), "none", confidence, method)

    results = {item: share(item) for item in claim["items"]}
    shares = {item: 100 * r["share"] for item, r in results.items()}
    weakest = min(claim["top"], key=shares.get)
    r = results[weakest]
    value = {"value": shares[weakest], "base": r["base"], "count": int(r["count"]),
             "ci_low": 100 * r["ci_low"], "ci_high": 100 * r["ci_high"]}
    return value, shares


# ---- verdicts and their explanation --------------------------------------------------------


def published_value(claim: dict):
    """What the text states, as shown in the table: a number, '2/3', '2 ou 3', or the rule's threshold."""
    expression = claim["expression"]
    if expression in THRESHOLDS:
        return int(THRESHOLDS[expression])
    if expression == "ranking":
        return None
    published = claim.get("published")
    if isinstance(published, list):
        return " ou ".join(str(p) for p in published)
    return published


def expected_text(claim: dict) -> str:
    """The published statement in words, for the detail."""
    expression, published, unit = claim["expression"], claim.get("published"), unit_of(claim)
    sign = "\u202f%" if unit == "percent" else ""
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
        shown = f"{num(round_half_up(value, places), places)}\u202f%"
        if "count" in result:
            shown += f" ({result['count']} sur {result['base']})"
        gap = round_half_up(value - reference(claim), 1)
        word = "point" if abs(gap) < 2 else "points"
        return f"recalculé {shown}, attendu {expected_text(claim)} : écart {signed(gap, 1)} {word}"
    gap = value - reference(claim)
    return (f"recalculé {result['text']}, attendu {expected_text(claim)} : "
            f"{'égal' if gap == 0 else 'écart ' + signed(gap, digits(gap))}")


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


def note_of(claim: dict) -> str:
    """The base the text refers to, and how the check chose it when the text is unclear."""
    note = claim.get("base_note", "").strip()
    return f"{claim['base']} ; {note}" if note else claim["base"]


def _row(claim, verdict, detail, result=None, published=None) -> dict:
    result = result or {}
    return {
        "claim_id": claim["id"], "page": claim["page"], "quote": claim["quote"], "group": claim["group"],
        "base": result.get("base"), "published": published if published is not None else published_value(claim),
        "expression": claim["expression"], "recomputed": result.get("value", np.nan),
        "ci_low": result.get("ci_low", np.nan), "ci_high": result.get("ci_high", np.nan),
        "verdict": verdict, "detail": detail, "base_note": note_of(claim),
    }


def verify_claim(survey, claim: dict, table: pd.DataFrame, defis: pd.DataFrame,
                 confidence: float = 0.95, method: str = "wilson") -> dict:
    """One row of the claims table for one registry entry."""
    expression = claim["expression"]
    if expression == "not_computable":
        return _row(claim, "not_computable", f"non calculable : {claim['reason']}", published=claim.get("published"))
    if expression == "ranking":
        result, shares = recompute_ranking(survey, claim, confidence, method)
        ok = rule_ranking(shares, claim["top"])
        return _row(claim, "match" if ok else "mismatch", explain_ranking(survey, claim, shares, ok), result)
    source = claim.get("source", "survey")
    if source == "programme":
        result = recompute_programme(claim, table)
    elif source == "respondents":
        result = recompute_respondents(survey, claim, confidence, method)
    elif source == "defis":
        result = recompute_defis(claim, defis, confidence, method)
    else:
        result = recompute_survey(survey, claim, confidence, method)
    if np.isnan(result["value"]):
        return _row(claim, "not_computable", "non calculable : aucune réponse à la question", result)
    verdict = "match" if judge(claim, result["value"]) else "mismatch"
    return _row(claim, verdict, explain(claim, result), result)


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
    rows = [verify_claim(survey, c, table, defis, confidence, method) for c in claims]
    return _sorted(mask_small_cells(rows, claims, min_cell, indicators))


def mask_small_cells(rows: list[dict], claims: list[dict], min_cell: int,
                     indicators: pd.DataFrame | None = None) -> list[dict]:
    """Hide the recomputed value of promotion-level statements on small cells.

    Same rule as the indicator table: a count, non-count or base under ``min_cell``
    is hidden, and so are the other promotions' statements on the same question
    (the whole group's value is public, so one promotion gives the other away).
    The verdict stays: it answers what the paper itself published.
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
    return rows


def verify_programme_table(table: pd.DataFrame | None = None) -> pd.DataFrame:
    """The programme table's own arithmetic (p. 8) as claims rows, group 'programme'."""
    checks = table_checks(table)
    rows = []
    for check in checks.itertuples():
        where = "total" if check.promotion == "total" else f"EIG {check.promotion}"
        rows.append({
            "claim_id": f"table_{check.check_id}", "page": 8, "quote": f"{check.label} ({where})",
            "group": "programme", "base": None, "published": check.published, "expression": check.kind,
            "recomputed": check.recomputed, "ci_low": np.nan, "ci_high": np.nan,
            "verdict": "match" if check.ok else "mismatch", "detail": check.detail,
            "base_note": "tableau « Le programme EIG en chiffres »",
        })
    return _sorted(rows)


def summary(df: pd.DataFrame) -> str:
    """'N affirmations vérifiées : X conformes, Y non conformes, Z non calculables'."""
    counts = df["verdict"].value_counts()
    return (f"{len(df)} affirmations vérifiées : {counts.get('match', 0)} conformes, "
            f"{counts.get('mismatch', 0)} non conformes, {counts.get('not_computable', 0)} non calculables")


def rules_table() -> pd.DataFrame:
    """The rule of each expression, for the appendix."""
    return pd.DataFrame([{"expression": k, "formulation": w, "règle": r} for k, (w, r) in RULES.items()])


def main(argv: list[str] | None = None) -> int:
    """``python -m helpers claims``: print the summary and the mismatches; ``--strict`` fails on one."""
    from helpers import outputs
    from helpers.load import load_survey

    parser = argparse.ArgumentParser(prog="python -m helpers claims")
    parser.add_argument("--data", type=Path, default=SAMPLE_DIR)
    parser.add_argument("--confidence", type=float, default=0.95)
    parser.add_argument("--method", default="wilson")
    parser.add_argument("--min-cell", type=int, default=3, help="smallest count shown for one promotion")
    parser.add_argument("--csv", type=Path, help="write the full table (claims, then the programme table)")
    parser.add_argument("--quiet", action="store_true", help="print nothing")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a statement does not match")
    args = parser.parse_args(argv)
    survey = load_survey(args.data)
    claims = verify_claims(survey, confidence=args.confidence, method=args.method, min_cell=args.min_cell,
                           indicators=indicator_table(survey, args.confidence, args.method, args.min_cell))
    table = verify_programme_table()
    if args.csv:
        outputs.write_csv(pd.concat([claims, table], ignore_index=True), args.csv)
    if not args.quiet:
        for title, frame in (("Texte et synthèse", claims), ("Tableau du programme (p. 8)", table)):
            print(f"{title} — {summary(frame)}")
            for row in frame[frame.verdict == "mismatch"].itertuples():
                print(f"  ✗ {row.claim_id} (p. {row.page}) « {row.quote} » : {row.detail}")
    mismatched = (claims.verdict == "mismatch").any() or (table.verdict == "mismatch").any()
    return 1 if args.strict and mismatched else 0


if __name__ == "__main__":
    sys.exit(main())
