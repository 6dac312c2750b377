"""Privacy: free-text answers only on request, small cells masked everywhere they are shown.

(a) Verbatims appear only when ``include_verbatims`` is true — by default only on
    the synthetic sample (``DATASET.yaml`` with ``synthetic: true``) — and then
    without respondent_id, promotion or challenge beside them.
(b) With 2 EIG of promotion 1 (the others dropped from a copy of the sample),
    no promotion-1 EIG count, share or interval is shown: not in the indicator
    table, not in the CSV written by ``python -m helpers tables``, not in the
    figures of ``Appendix.by_promotion`` (alt text and data table), and not
    recoverable by subtraction or from the weighted reading.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from conftest import ROOT
from helpers import SAMPLE_DIR
from helpers.appendix import Appendix
from helpers.codebook import load_codebooks
from helpers.figures import Sentence
from helpers.indicators import indicator_table, indicator_tables
from helpers.load import load_survey
from helpers.pipeline import parse_params
from helpers.headcounts import populations

CODEBOOKS = load_codebooks()
FREE_TEXT = [(g, q.id) for g in ("eig", "mentor") for q in CODEBOOKS[g] if q.type == "free_text"]
MASKED = "masqué"
#: What a hidden cell may say: primary, secondary, or plain (when telling them apart would narrow a cell).
LABELS = ["moins de 3 réponses", "masqué pour protéger une autre case", MASKED]
SMALL = 2  # EIG respondents kept in promotion 1, under the default min_cell of 3


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def _write_rows(path: Path, rows) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def real_copy(target: Path, sidecar: str | None) -> Path:
    """The sample as if it were real answers: DATASET.yaml says ``synthetic: false``, or is absent."""
    shutil.copytree(SAMPLE_DIR, target)
    if sidecar is None:
        (target / "DATASET.yaml").unlink()
    else:
        (target / "DATASET.yaml").write_text(sidecar, encoding="utf-8")
    return target


# ---------------------------------------------------------------- (a) verbatims


def _answers(data: Path, group: str, qid: str) -> list[str]:
    return [str(a).strip() for a in load_survey(data).frames[group][qid].dropna() if str(a).strip()]


@pytest.mark.parametrize("sidecar", ["synthetic: false\n", None], ids=["synthetic-false", "no-sidecar"])
def test_real_data_hides_verbatims_by_default(tmp_path, sidecar):
    data = real_copy(tmp_path / "data", sidecar)
    app = Appendix(data, tmp_path / "out")  # include_verbatims=None: the notebooks' default (INCLUDE_VERBATIMS=auto)
    assert app.include_verbatims is False
    for group, qid in FREE_TEXT:
        answers = _answers(data, group, qid)
        assert answers, qid  # the copy does hold answers that could leak
        page = BeautifulSoup(app.verbatims(qid, group)._repr_html_(), "html.parser")
        text = page.get_text()
        assert not page.find_all("li")
        assert not [a for a in answers if a in text], qid


def test_auto_means_none_and_notebooks_default_to_auto():
    assert parse_params(["INCLUDE_VERBATIMS=auto"])["include_verbatims"] is None
    assert parse_params(["INCLUDE_VERBATIMS=true"])["include_verbatims"] is True
    assert re.search(r"^INCLUDE_VERBATIMS \?= auto$", (ROOT / "params.mk").read_text(), re.M)
    for path in sorted((ROOT / "notebooks").glob("[0-9]*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        params = next(c for c in cells if "parameters" in c.get("metadata", {}).get("tags", []))
        assert re.search(r"^include_verbatims = None\b", "".join(params["source"]), re.M), path.name


def _items(soup) -> list[str]:
    """The answers listed, without the « Réponse fictive » marker of synthetic data."""
    for span in soup.select("span.eig-fictive"):
        span.decompose()
    return [li.get_text().removeprefix(" — ") for li in soup("li")]


def test_synthetic_sample_shows_verbatims_by_default(tmp_path):
    app = Appendix(SAMPLE_DIR, tmp_path / "out")
    assert app.include_verbatims is True
    group, qid = FREE_TEXT[0]
    items = _items(BeautifulSoup(app.verbatims(qid, group)._repr_html_(), "html.parser"))
    assert sorted(items) == sorted(set(_answers(SAMPLE_DIR, group, qid)))


@pytest.mark.parametrize("data_kind", ["real", "synthetic"])
def test_shown_verbatims_carry_no_identifier(tmp_path, data_kind):
    data = real_copy(tmp_path / "data", "synthetic: false\n") if data_kind == "real" else SAMPLE_DIR
    app = Appendix(data, tmp_path / "out", include_verbatims=True)
    for group, qid in FREE_TEXT:
        frame = app.survey.frames[group]
        html = app.verbatims(qid, group)._repr_html_()
        soup = BeautifulSoup(html, "html.parser")
        items = _items(soup)
        assert sorted(items) == sorted(set(_answers(data, group, qid)))  # all of them, and only them
        assert items == sorted(items)  # alphabetical: the order says nothing about who wrote what
        answered = frame[frame[qid].notna()]
        for rid in answered["respondent_id"].dropna():
            assert not re.search(rf"\b{re.escape(rid)}\b", html), (qid, rid)
        for defi in answered["defi"].dropna().unique():
            assert defi not in soup.get_text(), (qid, defi)
        for li in soup("li"):  # the answers are exactly the items (checked above): look around them
            li.decompose()
        assert "promotion" not in soup.get_text().lower(), qid
        for tag in soup.find_all(True):  # nothing hidden in attributes either
            assert set(tag.attrs) <= {"class"}, (qid, tag.name, tag.attrs)


# ---------------------------------------------------------------- (b) small cells


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    """The sample with only SMALL EIG respondents left in promotion 1."""
    data = tmp_path_factory.mktemp("small") / "data"
    shutil.copytree(SAMPLE_DIR, data)
    rows = _rows(data / "eig.csv")
    promo = rows[0].index("promotion")
    first = [r for r in rows[1:] if r[promo] == "1"]
    assert len(first) > SMALL
    dropped = {tuple(r) for r in first[SMALL:]}
    _write_rows(data / "eig.csv", [r for r in rows if tuple(r) not in dropped])
    frame = load_survey(data).frames["eig"]
    assert (frame["promotion"] == 1).sum() == SMALL
    return data


@pytest.fixture(scope="module")
def table(small) -> pd.DataFrame:
    return indicator_table(load_survey(small))


def _cells(table: pd.DataFrame, group: str, subgroup: str, weighting: str = "none") -> pd.DataFrame:
    rows = table[(table["group"] == group) & (table["subgroup"] == subgroup) & (table["weighting"] == weighting)]
    return rows.set_index(["question_id", "option"])


def test_promotion_1_shows_no_count_share_or_interval(table):
    rows = _cells(table, "eig", "promotion=1")
    assert len(rows) > 0
    assert set(rows.index) == set(_cells(table, "eig", "all").index)  # every question is broken down
    shown = rows[["count", "share", "ci_low", "ci_high"]].notna()
    assert not shown.any().any(), rows[shown.any(axis=1)].head()
    assert rows["suppressed"].all()
    assert (rows["base"] <= SMALL).all()  # the base stays visible (response rates publish it anyway)


def test_suppressed_cells_cannot_be_recovered_by_subtraction(table):
    """``all`` is published, so promotion 2 must go with promotion 1; ``both`` = ``eig`` + ``mentor``."""
    p1, p2 = _cells(table, "eig", "promotion=1"), _cells(table, "eig", "promotion=2")
    hidden = p1.index[p1["suppressed"]]
    assert p2.loc[hidden, "share"].isna().all()
    both, mentor = _cells(table, "both", "promotion=1"), _cells(table, "mentor", "promotion=1")
    pooled = both.index.intersection(hidden)
    assert len(pooled) > 0
    both_shown = both.loc[pooled, "count"].notna()
    mentor_shown = mentor.loc[pooled, "count"].notna()
    assert not (both_shown & mentor_shown).any(), list(pooled[both_shown & mentor_shown])


def _true_counts(small: Path, promotion: int) -> dict[tuple[str, str], int]:
    """Counts of each option among promotion's EIG respondents, straight from the frame."""
    frame = load_survey(small).frames["eig"]
    frame = frame[frame["promotion"] == promotion]
    counts = {}
    for q in CODEBOOKS["eig"]:
        if q.type == "multi":
            for code, column in zip(q.codes, q.columns):
                counts[(q.id, code)] = int(frame[column].fillna(False).sum())
        elif q.type in ("single", "yes_no", "yes_no_dk", "scale"):
            for level in (q.levels if q.type == "scale" else q.codes):
                counts[(q.id, str(level))] = int((frame[q.id] == level).sum())
    return counts


def test_weighted_reading_does_not_reveal_promotion_1(small, table):
    """An attacker knows the published unweighted count and weighted share of ``all``, both promotion bases
    and the populations (data/programme): for each hidden promotion-1 cell, several counts must remain possible."""
    pops = populations()
    w1, w2 = (pops[("eig", p)] / (pops[("eig", 1)] + pops[("eig", 2)]) for p in (1, 2))
    everyone, weighted = _cells(table, "eig", "all"), _cells(table, "eig", "all", "promotion")
    p1, p2 = _cells(table, "eig", "promotion=1"), _cells(table, "eig", "promotion=2")
    truth = _true_counts(small, 1)
    hidden = [k for k in p1.index[p1["suppressed"]] if k in truth and k in weighted.index]
    assert hidden
    disclosed = []
    for key in hidden:
        n1, n2 = int(p1.loc[key, "base"]), int(p2.loc[key, "base"])
        total, share = everyone.loc[key, "count"], weighted.loc[key, "share"]
        if not (n1 and n2) or pd.isna(total) or pd.isna(share):
            continue

        def predicted(c1):
            return w1 * c1 / n1 + w2 * (total - c1) / n2

        # The attack model is right: the true count reproduces the published weighted share.
        assert predicted(truth[key]) == pytest.approx(share, abs=1e-9), key
        candidates = [c1 for c1 in range(0, n1 + 1) if 0 <= total - c1 <= n2 and abs(predicted(c1) - share) < 1e-6]
        if candidates == [truth[key]]:
            disclosed.append(key)
    # A cell the whole-group top lines already fix (e.g. the challenge-level top line says no challenge
    # answered 4, and promotion 1 has one respondent per challenge) is their statement, not a leak of
    # the weighted reading: the audit caps its requirement at one value (helpers.audit, "baseline").
    from helpers.audit import audit

    tables = indicator_tables(load_survey(small))
    found = audit(tables, CODEBOOKS, pops, 3, exact=True)
    fixed = found[(found["unit"] == "respondent") & (found["group"] == "eig") & (found["subgroup"] == "promotion=1")
                  & (found["required"] == 1)]
    fixed = set(zip(fixed["question_id"], fixed["option"]))
    leaked = [key for key in disclosed if key not in fixed]
    assert not leaked, f"{len(leaked)} of {len(hidden)} hidden promotion-1 cells recovered, e.g. {leaked[:5]}"


FIGURE_QUESTIONS = {
    "single": "skill_profile",
    "yes_no_dk": "tool_maintained",
    "multi": "users",
    "scale_grid": [q.id for q in CODEBOOKS["eig"] if q.figure == "fig21"],
}


@pytest.fixture(scope="module")
def small_appendix(small, tmp_path_factory) -> Appendix:
    return Appendix(small, tmp_path_factory.mktemp("out"), save=True)


@pytest.mark.parametrize("kind", FIGURE_QUESTIONS)
def test_by_promotion_figures_mask_promotion_1(small_appendix, kind):
    figure = small_appendix.by_promotion(FIGURE_QUESTIONS[kind], "eig")
    if isinstance(figure, Sentence):  # every cell hidden: one sentence, no chart, no number but bases
        assert "toutes les valeurs sont masquées" in figure.text and "%" not in figure.text
        assert not list((small_appendix.out_dir / "figures").glob(f"{figure.name}.*"))
        return
    data = figure.table
    first = data[data["Série"].str.startswith("Promotion 1")]
    assert len(first) > 0
    numbers = [c for c in data.columns if c in ("Effectif", "Part") or c.startswith("IC")]
    assert len(numbers) == 3, data.columns
    assert first[numbers].isin(LABELS).all().all(), first
    # Alt text: in each category's phrase, the promotion-1 part is masked and carries no share.
    phrases = [p for p in figure.alt.split(" ; ") if "promotion 1" in p]
    assert len(phrases) == len(first)
    for phrase in phrases:
        part = phrase[phrase.index("promotion 1") : phrase.index("promotion 2")]
        assert any(label in part for label in LABELS) and "%" not in part, phrase
    # The saved files exist (figures are written under out_dir/figures).
    saved = small_appendix.out_dir / "figures" / f"{figure.name}.svg"
    assert saved.is_file()
    # The numbers one can hold tell no more than the page: promotion 1's values are NaN, its base kept.
    held = figure.data[figure.data["subgroup"] == "promotion=1"]
    assert len(held) == len(first) and held["suppressed"].all() and held["base"].notna().all()
    assert held[["count", "share", "ci_low", "ci_high"]].isna().all().all()


def test_tables_command_leaves_promotion_1_cells_blank(small, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "helpers", "tables", "--data", str(small), "--out", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    for name in ("indicators.csv", "indicators-defi.csv"):
        rows = _rows(tmp_path / "tables" / name)
        header = rows[0]
        col = {c: header.index(c) for c in ("group", "subgroup", "count", "share", "ci_low", "ci_high", "suppressed")}
        first = [r for r in rows[1:] if r[col["group"]] == "eig" and r[col["subgroup"]] == "promotion=1"]
        assert first, name
        for r in first:
            assert [r[col[c]] for c in ("count", "share", "ci_low", "ci_high")] == ["", "", "", ""], (name, r)
            assert r[col["suppressed"]] == "True", (name, r)
