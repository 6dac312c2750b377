"""French number formatting shared by figures, notebooks and claims.

One module so that "62 %" is written the same way in a chart, its alt text,
a notebook sentence and the claims table: decimal comma, narrow no-break space
(U+202F) before "%" and between thousands, en dash in intervals, "masqué"
for a suppressed (or missing) value and "aucune réponse" when the base is 0. Rounding is half-up on the decimal value,
as done by hand, not Python's round-half-even on the binary float.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

NNBSP = "\u202f"
EN_DASH = "\u2013"
MASKED = "masqué"
#: What a share of nobody is written as: a base of 0 hides nothing, it has no value.
NO_ANSWER = "aucune réponse"


def no_answer(base) -> bool:
    """True when nobody answered (base 0): the value is "aucune réponse", not "masqué"."""
    return not is_missing(base) and float(base) == 0


def is_missing(value) -> bool:
    """True for None, NaN and pandas' NA (a suppressed or absent value)."""
    if value is None:
        return True
    try:
        return bool(value != value)
    except TypeError:  # pandas.NA refuses bool()
        return True


def round_half_up(value, digits: int = 0, scale: int = 0) -> Decimal:
    """``value × 10**scale`` rounded half-up to ``digits`` decimals, as by hand (14,5 → 15; -2,5 → -3).

    The project's one rounding rule (pages, claims, published-vs-recomputed, the
    programme table). Computed in decimal: ``repr`` gives the shortest decimal
    that reads back as the float, so ``0.145`` is 0.145 (and 14.5 %, rounded to
    15 %), not 0.14499999….
    """
    d = Decimal(repr(float(value))).scaleb(scale)
    return d.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def _french(d: Decimal) -> str:
    if d == 0:
        d = abs(d)  # no "-0"
    sign = "-" if d < 0 else ""
    whole, _, frac = f"{abs(d):f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = NNBSP.join(groups)
    return sign + text + ("," + frac if frac else "")


def num(value, digits: int = 0) -> str:
    """A number in French: ``1234.5`` → ``"1 234,5"`` (thin spaces), NaN → ``"masqué"``."""
    return MASKED if is_missing(value) else _french(round_half_up(value, digits))


def signed(value, places: int = 0) -> str:
    """A difference with its sign: ``+9``, ``−0,7`` (true minus sign); zero has none."""
    if round_half_up(abs(float(value)), places) == 0:
        return num(abs(value), places)
    return ("+" if value > 0 else "\u2212") + num(abs(value), places)


def pct(share, digits: int = 0) -> str:
    """A fraction as a French percentage: ``0.619`` → ``"62 %"``."""
    if is_missing(share):
        return MASKED
    return f"{_french(round_half_up(share, digits, 2))}{NNBSP}%"


def ci(low, high, digits: int = 0) -> str:
    """An interval of fractions: ``(0.41, 0.79)`` → ``"41–79 %"``."""
    if is_missing(low) or is_missing(high):
        return MASKED
    return f"{_french(round_half_up(low, digits, 2))}{EN_DASH}{_french(round_half_up(high, digits, 2))}{NNBSP}%"


def points(share_gap, digits: int = 1) -> str:
    """A gap between two shares in percentage points: ``0.032`` → ``"3,2 points de pourcentage"``."""
    text = num(100 * share_gap, digits)
    plural = abs(round_half_up(share_gap, digits, 2)) >= 2
    return f"{text} point{'s' if plural else ''} de pourcentage"


def count(value) -> str:
    """A count; a weighted (non-integer) count keeps one decimal."""
    if is_missing(value):
        return MASKED
    value = float(value)
    return num(value, 0 if value == int(value) else 1)


def count_of(n, base) -> str:
    """``(13, 21)`` → ``"13 sur 21"``; a suppressed count → ``"masqué"``."""
    if is_missing(n):
        return MASKED
    return f"{count(n)} sur {count(base)}"


def ci_label(confidence: float = 0.95) -> str:
    """``0.95`` → ``"IC 95 %"``, ``0.995`` → ``"IC 99,5 %"``."""
    digits = 0 if round_half_up(confidence, 0, 2) == round_half_up(confidence, 3, 2) else 1
    return f"IC {pct(confidence, digits)}"


def masked_note(min_cell: int | None = 3) -> str:
    """What a suppressed cell is shown as, with the disclosure threshold."""
    return f"{MASKED} (effectif < {min_cell})" if min_cell else MASKED


def share_phrase(share, n, base, low, high, *, confidence: float = 0.95,
                 min_cell: int | None = 3, digits: int = 0) -> str:
    """``"62 % (13 sur 21), IC 95 % 41–79 %"``, the masked note with its base, or "aucune réponse"."""
    if no_answer(base):
        return NO_ANSWER
    if is_missing(share) or is_missing(n):
        return f"{masked_note(min_cell)}, base {count(base)}"
    return (f"{pct(share, digits)} ({count_of(n, base)}), "
            f"{ci_label(confidence)} {ci(low, high, digits)}")


def row_phrase(row, *, confidence: float = 0.95, min_cell: int | None = 3, digits: int = 0) -> str:
    """:func:`share_phrase` for one row of the indicator table (mapping or Series)."""
    return share_phrase(row["share"], row["count"], row["base"], row["ci_low"], row["ci_high"],
                        confidence=confidence, min_cell=min_cell, digits=digits)

#: Parameters of a run (papermill names) as a reader reads them, in display order.
PARAMETER_LABELS = {
    "data_dir": "Données",
    "out_dir": "Dossier de sortie",
    "promotions": "Promotions retenues",
    "confidence": "Niveau de confiance des intervalles",
    "min_cell": "Seuil de diffusion des sous-groupes",
    "weighting": "Lecture principale",
    "include_verbatims": "Réponses libres",
    "fpc": "Correction de population finie",
}


def parameter_value(name: str, value) -> str:
    """One run parameter in French words: ``include_verbatims=None`` → ``"automatique (…)"``."""
    if name == "promotions":
        return ", ".join(str(p) for p in value) if value else "toutes"
    if name == "confidence":
        return pct(value, 0 if round_half_up(value, 0, 2) == round_half_up(value, 3, 2) else 1)
    if name == "min_cell":
        return f"{count(value)} répondants"
    if name == "weighting":
        return {"none": "non pondérée", "promotion": "pondérée par promotion"}.get(value, str(value))
    if name == "fpc":
        return "oui" if value in (True, "true") else "non"
    if name == "include_verbatims":
        if value is None or value == "auto":
            return "automatique (affichées seulement sur des données synthétiques)"
        return "affichées" if value in (True, "true") else "non affichées"
    return str(value)


def promotions_words(promotions, article: str = "la") -> str:
    """'la promotion 1', 'les promotions 2 et 3'; ``article="de"``: 'de la promotion 1', 'des
    promotions 2 et 3'; ``article=""``: 'promotion 1', 'promotions 2 et 3'."""
    promotions = [str(p) for p in promotions]
    articles = {"la": ("la ", "les "), "de": ("de la ", "des "), "": ("", "")}[article]
    if len(promotions) == 1:
        return f"{articles[0]}promotion {promotions[0]}"
    return f"{articles[1]}promotions {', '.join(promotions[:-1])} et {promotions[-1]}"


def describe_parameters(params: dict) -> list[tuple[str, str]]:
    """(French label, French value) for each parameter, known ones first in their order."""
    known = [(PARAMETER_LABELS[k], parameter_value(k, params[k])) for k in PARAMETER_LABELS if k in params]
    return known + [(k, str(v)) for k, v in params.items() if k not in PARAMETER_LABELS]

def nr_bounds_phrase(low, high, population, base, digits: int = 0) -> str:
    """``"bornes de non-réponse 33–79 % des 39 personnes (18 sans réponse)"`` (Manski bounds)."""
    if is_missing(low) or is_missing(high):
        return f"bornes de non-réponse {MASKED}"
    silent = count(float(population) - float(base))
    return (f"bornes de non-réponse {ci(low, high, digits)} des {count(population)} personnes "
            f"({silent} sans réponse)")
