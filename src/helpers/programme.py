"""The programme in figures: the paper's table (p. 8) and the challenges listed on the programme's site.

Populations per promotion come from the table (``helpers.headcounts``, below
the reading layer). The table is checked here against itself (totals, budget columns, the
composition of each promotion), and the site's list of challenges
(``data/programme/defis.csv``) gives what the table does not: administrations,
skills, published source code, and rosters to set beside the paper's counts.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import combinations
from pathlib import Path

import pandas as pd

from helpers import DATA_DIR
from helpers.fmt import num, promotions_words, round_half_up, signed
from helpers.headcounts import PROGRAMME_CSV
from helpers.intervals import proportion_interval

DEFIS_CSV = DATA_DIR / "programme" / "defis.csv"
PROMOTIONS_CSV = DATA_DIR / "programme" / "promotions.csv"
#: Cost lines whose sum is each column's "Budget total" (the PIA envelope is a resource, not a cost).
BUDGET_LINES = ("salaries", "communication_budget", "support_programme_budget", "research_links_budget")
BUDGET_TOTAL = "budget_total"
#: Shares of each profile in a promotion, applied to the promotion's EIG head count.
COMPOSITION = ("share_designers", "share_developers", "share_data_scientists")
HEAD_COUNT = "eig"
#: Skills as the site tags them, in display order.
SKILLS = {"datascience": "data science", "dev": "développement", "design": "design",
          "dataengineering": "ingénierie des données", "geomatique": "géomatique"}
PAPER_PROMOTIONS = ("1", "2", "3")
CHECK_COLUMNS = ["check_id", "label", "promotion", "kind", "published", "recomputed", "tolerance", "ok", "detail",
                 "partial_sum"]


def programme_table(path: Path | str = PROGRAMME_CSV) -> pd.DataFrame:
    """The table in long format, as published (totals are rows with promotion 'total')."""
    return pd.read_csv(path, dtype={"promotion": str})


def cell(table: pd.DataFrame, indicator_id: str, promotion: str) -> float:
    """One published value; ``KeyError`` names the missing cell."""
    hit = table[(table.indicator_id == indicator_id) & (table.promotion.astype(str) == str(promotion))]
    if hit.empty:
        raise KeyError(f"programme table has no cell {indicator_id}/{promotion}")
    return float(hit.value.iloc[0])


# ---- checking the table against itself ------------------------------------------------


def digits(value) -> int:
    """Decimals printed in a published number (``4658243`` → 0, ``756553.38`` → 2)."""
    text = f"{Decimal(repr(float(value))).normalize():f}"
    return len(text.split(".", 1)[1]) if "." in text else 0


def _check(check_id, label, promotion, kind, published, recomputed, tolerance, detail, partial="") -> dict:
    ok = abs(recomputed - published) <= tolerance + 1e-9
    return dict(zip(CHECK_COLUMNS,
                    (check_id, label, promotion, kind, published, recomputed, tolerance, ok, detail, partial)))


def partial_sums(parts: dict[str, float], total: float, tolerance: float = 0.0) -> list[tuple[str, ...]]:
    """The proper subsets of the promotions whose values add up to ``total``: a total that left some out.

    Promotions whose value is zero are left aside (adding them changes nothing).
    """
    keys = [k for k, v in parts.items() if v != 0]
    return [subset for size in range(1, len(keys)) for subset in combinations(keys, size)
            if abs(sum(parts[k] for k in subset) - total) <= tolerance + 1e-9]


def partial_sum_text(parts: dict[str, float], total: float, places: int, tolerance: float = 0.0) -> tuple[str, str]:
    """What a wrong total is: '85 = 43 + 42, somme des promotions 2 et 3 (la promotion 1 est omise)'.

    Returns the sentence and the promotions summed (``"2+3"``), or a sentence
    saying no partial sum gives it and ``""``.
    """
    found = partial_sums(parts, total, tolerance)
    if not found:
        return f"aucune somme partielle des promotions ne donne {num(total, places)} : erreur d'addition ou de report", ""
    sentences = []
    for subset in found:
        left_out = [k for k in parts if k not in subset and parts[k] != 0]
        terms = " + ".join(num(parts[k], places) for k in subset)
        sentences.append(f"{num(total, places)} = {terms}, somme {promotions_words(subset, 'de')} seulement "
                         f"({promotions_words(left_out)} {'est omise' if len(left_out) == 1 else 'sont omises'})")
    return " ; ou ".join(sentences), " | ".join("+".join(subset) for subset in found)


def rounding_tolerance(exact: float, published: float) -> float:
    """One unit of the published figure's last digit if it was rounded from ``exact``, else 0.

    A total printed with fewer decimals than its parts (4 658 243 for
    4 658 243,47) was rounded; whole counts added up have no excuse.
    """
    return 10.0 ** -digits(published) if digits(round(exact, 6)) > digits(published) else 0.0


def _gap_text(recomputed: float, published: float, places: int, tolerance: float) -> str:
    gap = round(recomputed - published, places)
    if gap == 0:
        return "égal" if recomputed == published else f"écart {signed(gap, places)}"
    allowed = f" (tolérance {num(tolerance, digits(tolerance))})" if tolerance else ""
    return f"écart {signed(gap, places)}{allowed}"


def total_checks(table: pd.DataFrame) -> list[dict]:
    """Every published total against the sum of its promotions."""
    rows = []
    for indicator_id, part in table.groupby("indicator_id", sort=False):
        totals = part[part.promotion == "total"]
        parts = part[part.promotion != "total"]
        if totals.empty or parts.empty:
            continue
        published = float(totals.value.iloc[0])
        places = max(digits(v) for v in part.value)
        recomputed = round(float(parts.value.sum()), places)
        tolerance = rounding_tolerance(recomputed, published)
        terms = " + ".join(num(v, digits(v)) for v in parts.value)
        detail = (f"{terms} = {num(recomputed, places)} ; publié {num(published, digits(published))} : "
                  f"{_gap_text(recomputed, published, places, tolerance)}")
        partial = ""
        if abs(recomputed - published) > tolerance + 1e-9:
            sentence, partial = partial_sum_text(dict(zip(parts.promotion, parts.value.astype(float))),
                                                 published, places, tolerance)
            detail = f"{detail} ; {sentence}"
        rows.append(_check(f"{indicator_id}_total", part.label_fr.iloc[0], "total", "total",
                           published, recomputed, tolerance, detail, partial))
    return rows


def budget_checks(table: pd.DataFrame) -> list[dict]:
    """Each promotion's "Budget total" against the sum of its cost lines.

    The total column needs no check of its own: its "Budget total" is the
    sum of the promotions' (a row total, checked by :func:`total_checks`).
    """
    rows = []
    labels = [table[table.indicator_id == i].label_fr.iloc[0] for i in BUDGET_LINES]
    for promotion in PAPER_PROMOTIONS:
        values = [cell(table, i, promotion) for i in BUDGET_LINES]
        published = cell(table, BUDGET_TOTAL, promotion)
        places = max(digits(v) for v in [*values, published])
        recomputed = round(sum(values), places)
        tolerance = rounding_tolerance(recomputed, published)
        detail = (f"{' + '.join(labels)} = {num(recomputed, places)} ; publié {num(published, digits(published))} : "
                  f"{_gap_text(recomputed, published, places, tolerance)}")
        rows.append(_check(f"budget_column_{promotion}", "Budget total", promotion, "budget_column",
                           published, recomputed, tolerance, detail))
    return rows


def _whole(value: float) -> int:
    return int(round_half_up(value))


def composition_checks(table: pd.DataFrame) -> list[dict]:
    """Each profile share against a whole number of EIG, and the three shares against 100 %.

    ``p % × N`` must be close to a whole count ``k`` such that ``k / N`` gives
    back ``p`` within one unit of its last digit; the shares must add up to 100
    within one unit, and their whole counts to the promotion's head count.
    """
    rows = []
    for promotion in PAPER_PROMOTIONS:
        head = cell(table, HEAD_COUNT, promotion)
        shares, counts = [], []
        for indicator_id in COMPOSITION:
            published = cell(table, indicator_id, promotion)
            implied = published * head / 100
            k = _whole(implied)
            recomputed = float(round_half_up(100 * k / head, 1))
            tolerance = rounding_tolerance(100 * k / head, published)
            detail = (f"{num(published, digits(published))} % de {num(head)} EIG = {num(implied, 2)}, "
                      f"soit {k} EIG = {num(recomputed, 1)} % : {_gap_text(recomputed, published, 1, tolerance)}")
            label = table[table.indicator_id == indicator_id].label_fr.iloc[0]
            rows.append(_check(f"{indicator_id}_{promotion}", label, promotion, "composition",
                               published, recomputed, tolerance, detail))
            shares.append(published)
            counts.append(k)
        tolerance = 10.0 ** -max(digits(s) for s in shares)
        total = sum(shares)
        row = _check(f"composition_sum_{promotion}", "Composition de la promotion", promotion, "composition_sum",
                     100.0, total, tolerance,
                     f"{' + '.join(num(s) for s in shares)} = {num(total)} % ; effectifs "
                     f"{' + '.join(map(str, counts))} = {sum(counts)} sur {num(head)} EIG")
        row["ok"] = row["ok"] and sum(counts) == head
        rows.append(row)
    return rows


def table_checks(table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every arithmetic the table allows (totals, budget columns, composition), one row each."""
    table = programme_table() if table is None else table
    table = table.assign(promotion=table.promotion.astype(str))
    rows = total_checks(table) + budget_checks(table) + composition_checks(table)
    return pd.DataFrame(rows, columns=CHECK_COLUMNS)


# ---- the challenges listed on the programme's site -------------------------------------


def promotion_years(path: Path | str = PROMOTIONS_CSV) -> dict[int, int]:
    """The year each promotion started, as the programme's site dates its challenges: ``{1: 2017, …}``."""
    table = pd.read_csv(path)
    return {int(p): int(y) for p, y in zip(table["promotion"], table["year"])}


def defis_table(path: Path | str = DEFIS_CSV) -> pd.DataFrame:
    """One row per challenge of promotions 1–3 as the site lists it (with its source)."""
    return pd.read_csv(path, dtype={"promotion": str, "skills": str, "source_code_url": str})


def challenges(defis: pd.DataFrame | None = None) -> pd.DataFrame:
    """Challenges, distinct host administrations (as the site words them) and listed people per promotion."""
    defis = defis_table() if defis is None else defis
    out = defis.groupby("promotion").agg(
        challenges=("defi", "size"),
        administrations=("administration", "nunique"),
        eig_listed=("n_eig_listed", "sum"),
        mentors_listed=("n_mentors_listed", "sum"),
    )
    return out.reset_index()


def skills_mix(defis: pd.DataFrame | None = None) -> pd.DataFrame:
    """Share of a promotion's challenges tagged with each skill (a challenge may need several)."""
    defis = defis_table() if defis is None else defis
    tags = defis.skills.fillna("").str.get_dummies(sep=";")
    rows = []
    for promotion, part in tags.groupby(defis.promotion):
        for skill, label in SKILLS.items():
            count = int(part[skill].sum()) if skill in part else 0
            rows.append({"promotion": promotion, "skill": skill, "label": label, "base": len(part),
                         "count": count, "share": count / len(part)})
    return pd.DataFrame(rows)


def source_code_share(defis: pd.DataFrame | None = None, confidence: float = 0.95,
                      method: str = "wilson") -> pd.DataFrame:
    """Challenges whose page links published source code, per promotion and for all, with an interval.

    The base is the challenges the site lists; the interval treats them as a
    sample of what such challenges do (the list itself is exhaustive).
    """
    defis = defis_table() if defis is None else defis
    has_code = defis.source_code_url.fillna("").str.strip() != ""
    rows = []
    for promotion, mask in [*((p, defis.promotion == p) for p in sorted(defis.promotion.unique())),
                            ("all", pd.Series(True, index=defis.index))]:
        base, count = int(mask.sum()), int((has_code & mask).sum())
        low, high = proportion_interval(count, base, confidence, method)
        rows.append({"promotion": promotion, "base": base, "count": count, "share": count / base,
                     "ci_low": low, "ci_high": high})
    return pd.DataFrame(rows)


def roster_gap(defis: pd.DataFrame | None = None, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """The site's rosters beside the paper's counts (EIG, mentors, challenges) per promotion.

    The site lists the people of each challenge page; the paper counts
    recruits. They differ (e.g. promotion 1: 9 EIG listed, 11 in the table).
    """
    listed = challenges(defis).set_index("promotion")
    table = programme_table() if table is None else table
    measures = {"eig": ("eig_listed", "EIG"), "mentors": ("mentors_listed", "Agents publics - Mentors"),
                "defis": ("challenges", "Défis")}
    rows = []
    for promotion in PAPER_PROMOTIONS:
        for indicator_id, (column, label) in measures.items():
            site = int(listed.loc[promotion, column])
            paper = int(cell(table, indicator_id, promotion))
            rows.append({"promotion": promotion, "indicator_id": indicator_id, "label": label,
                         "site": site, "paper": paper, "gap": site - paper})
    return pd.DataFrame(rows)
