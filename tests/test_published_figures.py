"""Every chart of the paper, recomputed from the synthetic sample, matches data/published/figures.csv."""

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pytest

from helpers import DATA_DIR
from helpers.codebook import MEMBERS

FIGURES = pd.read_csv(DATA_DIR / "published" / "figures.csv", dtype={"option": str, "value": str})


def answers(survey, group: str, question_id: str) -> pd.DataFrame:
    """The question's tidy columns over the chart's group (both groups stacked when pooled)."""
    question = survey.codebooks[MEMBERS[group][0]][question_id]
    return pd.concat([survey.frames[g][list(question.columns)] for g in MEMBERS[group]], ignore_index=True)


def count(survey, group: str, question_id: str, option: str) -> int:
    question = survey.codebooks[MEMBERS[group][0]][question_id]
    data = answers(survey, group, question_id)
    if question.type == "multi":
        return int(data[f"{question_id}__{option}"].sum())
    values = data[question_id].astype(object)
    wanted = int(option) if question.type == "scale" else option
    return int((values == wanted).sum())


def printed(share: float, like: str) -> Decimal:
    """A share rounded as the chart prints it (same number of decimals, half up)."""
    decimals = len(like.split(".")[1]) if "." in like else 0
    return Decimal(str(share)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


@pytest.mark.parametrize("figure_id", sorted(FIGURES.figure_id.unique()))
def test_chart_matches_published_values(sample, figure_id):
    chart = FIGURES[FIGURES.figure_id == figure_id]
    for row in chart.itertuples():
        data = answers(sample, row.group, row.question_id)
        base = int(data.notna().any(axis=1).sum())
        assert base == row.base, f"{figure_id} {row.series} / {row.category}: base {base} != {row.base}"
        n = count(sample, row.group, row.question_id, row.option)
        if row.unit == "percent":
            got = printed(100 * n / base, row.value)
            assert got == Decimal(row.value), f"{figure_id} {row.category}: {n}/{base} prints {got}, paper {row.value}"
        else:
            assert n == int(row.value), f"{figure_id} {row.series} / {row.category}: {n} != {row.value}"


@pytest.mark.parametrize("figure_id", sorted(FIGURES.figure_id.unique()))
def test_chart_has_the_published_categories_only(sample, codebooks, figure_id):
    """Options a chart does not show are never chosen, so the charts have the same categories."""
    chart = FIGURES[FIGURES.figure_id == figure_id]
    for (group, question_id), rows in chart.groupby(["group", "question_id"]):
        question = codebooks[MEMBERS[group][0]][question_id]
        assert question.figure == figure_id
        if question.item is not None:
            assert set(rows.series) == {question.item}
        shown = set(rows.option)
        for code in question.codes:
            if code not in shown:
                assert count(sample, group, question_id, code) == 0, f"{question_id}: {code} is not in {figure_id}"


def test_every_chart_of_the_paper_is_compiled():
    assert sorted(FIGURES.figure_id.unique()) == [f"fig{n:02d}" for n in range(1, 24)]
    assert FIGURES.source.str.contains("working paper, juin 2019").all()
    assert set(FIGURES.group) <= set(MEMBERS)
