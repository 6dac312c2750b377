"""The disclosure audit: ranges an attacker derives for hidden cells, and the pipeline's tables passing it.

Hand-made tables first (ranges computed by hand in the comments), then the
leak of issue 13 (the weighted top line published beside the unweighted one
gives a hidden promotion cell back), then the published tables of the sample
and of a generated three-promotion data set with tiny promotions.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from conftest import ROOT
from helpers import SAMPLE_DIR
from helpers import indicators as ind
from helpers.audit import AuditError, audit, check, exposed, families, required_span
from helpers.codebook import load_codebooks
from helpers.load import load_survey
from helpers.nonresponse import add_bounds
from helpers.headcounts import populations
from helpers.sample import to_csv

POPS = {("eig", 1): 11, ("eig", 2): 28, ("eig", 3): 32}


def question(qid="q", kind="yes_no", codes=("yes", "no")):
    return SimpleNamespace(id=qid, type=kind, codes=tuple(codes), levels=(), top2=())


def rows(*cells):
    """Indicator rows from (option, subgroup, weighting, base, count, share, suppression)."""
    frame = pd.DataFrame(cells, columns=["option", "subgroup", "weighting", "base", "count", "share", "suppression"])
    return frame.assign(question_id="q", group="eig", suppressed=frame["suppression"] != "")


def ranges(table, q, min_cell=3, pops=POPS):
    found = audit({"respondent": table}, {"eig": {"q": q}}, pops, min_cell, exact=True)
    return {(r.subgroup, r.option): (r.low, r.high, r.protected) for r in found.itertuples()}


# ---- hand-made tables ------------------------------------------------------------


YES_NO = [  # all: 9 yes of 21; promotion 1: 1 of 5 (primary), promotion 2: 8 of 16 (hidden with it)
    ("yes", "all", "none", 21, 9, 9 / 21, ""), ("no", "all", "none", 21, 12, 12 / 21, ""),
    ("yes", "promotion=1", "none", 5, np.nan, np.nan, "primary"),
    ("no", "promotion=1", "none", 5, np.nan, np.nan, "secondary"),
    ("yes", "promotion=2", "none", 16, np.nan, np.nan, "secondary"),
    ("no", "promotion=2", "none", 16, np.nan, np.nan, "secondary"),
]  # fmt: skip


def test_yes_no_ranges_by_hand():
    # y1 = promotion-1 yes. Labels: y1 ≤ 2 (primary), 5 − y1 ≥ 3, 9 − y1 ≥ 3, 7 + y1 ≥ 3 → y1 ∈ [0, 2]
    got = ranges(rows(*YES_NO), question())
    assert got == {
        ("promotion=1", "yes"): (0, 2, True), ("promotion=1", "no"): (3, 5, True),
        ("promotion=2", "yes"): (7, 9, True), ("promotion=2", "no"): (7, 9, True),
    }  # fmt: skip


def test_plain_labels_say_nothing():
    # Without the labels' inequalities y1 ∈ [0, 5]: promotion 2 yes = 9 − y1 ∈ [4, 9]
    table = rows(*YES_NO).assign(suppression="masked")
    got = ranges(table, question())
    assert got[("promotion=1", "yes")][:2] == (0, 5) and got[("promotion=2", "yes")][:2] == (4, 9)


def test_weighted_top_line_gives_the_promotion_cell_back():
    # share = (11/39)·y1/5 + (28/39)·(9 − y1)/16 differs for every y1: the 6-digit value pins y1 = 1
    weighted = 11 / 39 * 1 / 5 + 28 / 39 * 8 / 16
    table = rows(*YES_NO, ("yes", "all", "promotion", 21, weighted * 21, weighted, ""),
                 ("no", "all", "promotion", 21, (1 - weighted) * 21, 1 - weighted, ""))
    got = ranges(table, question())
    assert got[("promotion=1", "yes")] == (1, 1, False)
    assert got[("promotion=2", "no")] == (8, 8, False)
    with pytest.raises(AuditError, match=r"q \(respondent, eig, promotion=1, option yes, primary\).*exactly 1"):
        check(audit({"respondent": table}, {"eig": {"q": question()}}, POPS, 3))


def test_a_rounded_share_is_an_interval_not_a_value():
    # Shares for y1 = 0, 1, 2: 0.40385, 0.41538, 0.42692 (× 21: 8.48, 8.72, 8.97). Printed with one
    # significant digit: share 0.4 ± 0.05 keeps all three, count 9 ± 0.5 (share ≥ 0.4048) drops y1 = 0.
    from helpers import audit as module

    weighted = 11 / 39 * 1 / 5 + 28 / 39 * 8 / 16
    table = rows(*YES_NO, ("yes", "all", "promotion", 21, weighted * 21, weighted, ""))
    original = module.DIGITS
    try:
        module.DIGITS = 1
        got = ranges(table, question())
    finally:
        module.DIGITS = original
    assert got[("promotion=1", "yes")] == (1, 2, False)
    assert got[("promotion=2", "yes")] == (7, 8, True)


def test_issue_example_three_promotions():
    # Option "3" of a scale read alone (multi-like, no sum over options): all = 6 of 29,
    # promotion 2 shows 5 of 16, promotion 1 (0 of 4) and 3 (1 of 9) are hidden: x1 + x3 = 1.
    q = question(kind="multi", codes=("3",))
    share = 11 / 71 * 0 / 4 + 28 / 71 * 5 / 16 + 32 / 71 * 1 / 9
    base = [
        ("3", "all", "none", 29, 6, 6 / 29, ""),
        ("3", "promotion=1", "none", 4, np.nan, np.nan, "primary"),
        ("3", "promotion=2", "none", 16, 5, 5 / 16, ""),
        ("3", "promotion=3", "none", 9, np.nan, np.nan, "primary"),
    ]  # fmt: skip
    with_weighted = ranges(rows(*base, ("3", "all", "promotion", 29, share * 29, share, "")), q)
    assert with_weighted[("promotion=1", "3")] == (0, 0, False)
    assert with_weighted[("promotion=3", "3")] == (1, 1, False)
    # Without it x1 ∈ {0, 1}: two values where three are required (the top lines alone allow 0–4)
    assert ranges(rows(*base), q)[("promotion=1", "3")] == (0, 1, False)


def test_a_zero_top_line_is_its_own_statement():
    # all = 0: every promotion has 0, whatever is hidden; the top line says it, not the suppression
    q = question(kind="multi", codes=("a",))
    table = rows(("a", "all", "none", 9, 0, 0.0, ""), ("a", "promotion=1", "none", 4, np.nan, np.nan, "primary"),
                 ("a", "promotion=2", "none", 5, np.nan, np.nan, "primary"))
    assert ranges(table, q) == {("promotion=1", "a"): (0, 0, True), ("promotion=2", "a"): (0, 0, True)}


def _family(table, q):
    (family,) = families({"respondent": table}, {"eig": {"q": q}}, POPS)
    return family


def test_exposed_names_the_first_exposed_cell_or_none():
    # The weighted top line pins y1 = 1 (above): promotion 1 yes is the first exposed cell in table order.
    weighted = 11 / 39 * 1 / 5 + 28 / 39 * 8 / 16
    table = rows(*YES_NO, ("yes", "all", "promotion", 21, weighted * 21, weighted, ""))
    found = exposed(_family(table, question()), 3, first=True)
    assert (found["subgroup"], found["option"], found["protected"]) == ("promotion=1", "yes", False)
    assert found["low"] <= 1 <= found["high"] and found["high"] - found["low"] + 1 < found["required"] == 3
    assert exposed(_family(rows(*YES_NO), question()), 3) is None  # every range holds enough values


def test_exposed_tries_the_cell_it_convicted_before_first():
    # Without the weighted line, y1 ∈ {0, 1} where three values are required: both promotion-1 cells are exposed.
    q = question(kind="multi", codes=("3",))
    table = rows(("3", "all", "none", 29, 6, 6 / 29, ""), ("3", "promotion=1", "none", 4, np.nan, np.nan, "primary"),
                 ("3", "promotion=2", "none", 16, 5, 5 / 16, ""),
                 ("3", "promotion=3", "none", 9, np.nan, np.nan, "primary"))
    family = _family(table, q)
    assert exposed(family, 3, first=True)["subgroup"] == "promotion=1"
    family.exposed.append((family.rows[3]["unit"], family.rows[3]["position"]))  # promotion 3 convicted last
    assert exposed(family, 3)["subgroup"] == "promotion=3"
    assert exposed(family, 3, first=True)["subgroup"] == "promotion=1"  # table order whatever came before


def test_required_span():
    assert required_span("secondary", 16, 3) == 2
    assert required_span("primary", 16, 3) == 3
    assert required_span("primary", 1, 3) == 2  # a base of 1 allows 0 or 1 only
    assert required_span("masked", 16, 5) == 5  # a plain "masqué" may be primary


# ---- the leak of issue 13, on the sample -----------------------------------------------


@pytest.fixture(scope="module")
def sample():
    return load_survey(SAMPLE_DIR)


#: One question is enough to show the old way leaks (auditing every question takes a minute).
OLD_WAY_QUESTION = "etalab_expertise"


def _old_way(sample, pops) -> dict[str, pd.DataFrame]:
    """The first-pass tables of one question, every weighted top line kept (before the audit existed)."""
    tables = {unit: ind.unit_table(sample, 0.95, "wilson", 3, None, unit, pops)[0] for unit in ind.UNITS}
    return {unit: t[t["question_id"] == OLD_WAY_QUESTION] for unit, t in tables.items()}


def test_the_old_suppression_leaks(sample):
    """First-pass suppression with every weighted top line published (the old way): the audit fails."""
    pops = populations()
    old = _old_way(sample, pops)
    found = audit(old, sample.codebooks, pops, 3)
    exposed = found[~found["protected"]]
    assert len(exposed) > 0
    pinned = exposed[(exposed["question_id"] == "etalab_expertise") & (exposed["subgroup"] == "promotion=1")
                     & (exposed["unit"] == "respondent")]
    assert set(pinned["option"]) == {"yes", "no"} and (pinned["low"] == pinned["high"]).all()
    with pytest.raises(AuditError, match="etalab_expertise"):
        check(found)


def test_published_tables_of_the_sample_pass(sample):
    tables = ind.indicator_tables(sample)
    found = audit(tables, sample.codebooks, populations(), 3)
    check(found)
    assert len(found) > 0 and set(found["kind"]) <= {"primary", "secondary", "masked"}
    weighted = tables["respondent"][tables["respondent"]["weighting"] == "promotion"]
    assert (~weighted["suppressed"]).any()  # some of the weighted reading is kept


def test_min_cell_zero_suppresses_nothing(sample):
    tables = ind.indicator_tables(sample, min_cell=0)
    assert not any(t["suppressed"].any() for t in tables.values())


# ---- a generated data set: three promotions, tiny ones -----------------------------------


def generated(target: Path, sizes: dict, seed: int = 13) -> Path:
    """Random answers (seeded) for every counted question, written as exports of the form tool."""
    rng = np.random.default_rng(seed)
    codebooks = load_codebooks()
    target.mkdir(parents=True)
    for group, per_promotion in sizes.items():
        people = []
        for promotion, n in per_promotion.items():
            for k in range(n):
                people.append({"respondent_id": f"{group[0].upper()}{promotion}{k:02d}", "promotion": promotion,
                               "defi": f"Défi {promotion}-{k // 2}", "answers": {}})
        for person in people:
            for q in codebooks[group]:
                if q.asked_if is not None and person["answers"].get(q.asked_if[0]) not in q.asked_if[1]:
                    continue
                if q.type in ("free_text", "numeric") or rng.random() < 0.1:
                    continue
                if q.type == "multi":
                    person["answers"][q.id] = frozenset(c for c in q.codes if rng.random() < 0.4)
                else:
                    options = [str(level) for level in q.levels] if q.type == "scale" else list(q.codes)
                    person["answers"][q.id] = options[rng.integers(len(options))]
        (target / f"{group}.csv").write_text(to_csv(people, codebooks[group]), encoding="utf-8")
    (target / "DATASET.yaml").write_text("synthetic: true\ndescription: generated by tests/test_audit.py\n",
                                         encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def three_promotions(tmp_path_factory) -> Path:
    return generated(tmp_path_factory.mktemp("three") / "data",
                     {"eig": {1: 2, 2: 4, 3: 7}, "mentor": {1: 1, 2: 3, 3: 4}})


@pytest.mark.slow  # minutes: the audit-driven protection of a whole three-promotion table
def test_published_tables_of_three_tiny_promotions_pass(three_promotions):
    survey = load_survey(three_promotions)
    tables = ind.indicator_tables(survey, promotions=[1, 2, 3])
    assert set(tables["respondent"]["subgroup"]) == {"all", "promotion=1", "promotion=2", "promotion=3"}
    found = audit(tables, survey.codebooks, populations(), 3)
    check(found)
    breakdown = tables["respondent"][tables["respondent"]["subgroup"] != "all"]
    assert breakdown["suppressed"].all() or (~breakdown["suppressed"]).any()
    # the promotion of one mentor is entirely hidden
    single = tables["respondent"][(tables["respondent"]["group"] == "mentor")
                                  & (tables["respondent"]["subgroup"] == "promotion=1")]
    assert single["suppressed"].all()


@pytest.mark.slow
def test_tables_then_audit_commands(three_promotions, tmp_path):
    """What `make report` runs: the tables command, then the audit on the CSVs it wrote."""
    for args in (["tables", "--data", str(three_promotions), "--out", str(tmp_path), "--promotions", "1 2 3"],
                 ["audit", "--tables", str(tmp_path / "tables"), "--min-cell", "3"]):
        proc = subprocess.run([sys.executable, "-m", "helpers", *args], cwd=ROOT, capture_output=True,
                              text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr
    assert "disclosure audit passed" in proc.stdout
    written = pd.read_csv(tmp_path / "tables" / "audit.csv")
    assert written["protected"].all() and len(written) > 0


def test_audit_command_fails_naming_the_cell(tmp_path, sample):
    """A table published the old way (weighted rows beside hidden promotion cells) stops the build."""
    from helpers import outputs

    pops = populations()
    for unit, name in (("respondent", "indicators.csv"), ("defi", "indicators-defi.csv")):
        table, heads = ind.unit_table(sample, 0.95, "wilson", 3, None, unit, pops)
        kept = (table["question_id"] == OLD_WAY_QUESTION).to_numpy()
        outputs.write_csv(ind.finish(add_bounds(table[kept], heads[kept])), tmp_path / name)
    proc = subprocess.run([sys.executable, "-m", "helpers", "audit", "--tables", str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1
    assert "disclosure audit failed" in proc.stderr and "etalab_expertise (respondent, eig, promotion=1" in proc.stderr
    assert not (tmp_path / "audit.csv").exists()
