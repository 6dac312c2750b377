"""Published vs recomputed chart values: counts as counts, percentages rounded like the paper."""

import pandas as pd

from helpers.published import chart_check, published_figures


def _indicators(rows):
    base = {"subgroup": "all", "weighting": "none", "group": "eig", "question_id": "q"}
    return pd.DataFrame([{**base, **r} for r in rows])


def _published(rows):
    base = {"figure_id": "fig99", "question_id": "q", "group": "eig", "series": "s", "read": "exact"}
    return pd.DataFrame([{**base, **r} for r in rows]).astype({"value": str})


def test_percentages_are_rounded_like_the_published_figure():
    ind = _indicators([
        {"option": "yes", "count": 13, "base": 21, "share": 13 / 21},  # 61.90 % → 62
        {"option": "no", "count": 8, "base": 21, "share": 8 / 21},  # 38.10 % → 38
    ])
    pub = _published([
        {"option": "yes", "category": "Oui", "value": "62", "unit": "percent"},
        {"option": "no", "category": "Non", "value": "38.1", "unit": "percent"},
    ])
    check = chart_check(ind, pub, "fig99")
    assert check["recomputed"].tolist() == [62.0, 38.1]
    assert check["match"].tolist() == [True, True]


def test_half_is_rounded_up_and_a_wrong_count_is_flagged():
    ind = _indicators([
        {"option": "a", "count": 1, "base": 8, "share": 1 / 8},  # 12.5 % → 13
        {"option": "b", "count": 3, "base": 8, "share": 3 / 8},
    ])
    pub = _published([
        {"option": "a", "category": "A", "value": "13", "unit": "percent"},
        {"option": "b", "category": "B", "value": "4", "unit": "count"},
    ])
    check = chart_check(ind, pub, "fig99")
    assert check["recomputed"].tolist() == [13.0, 3.0]
    assert check["match"].tolist() == [True, False]


def test_a_category_missing_from_the_data_does_not_match():
    check = chart_check(_indicators([]).reindex(columns=["question_id", "option", "group", "subgroup", "weighting"]),
                        _published([{"option": "x", "category": "X", "value": "1", "unit": "count"}]), "fig99")
    assert check["match"].tolist() == [False] and check["recomputed"].isna().all()
    assert check["comparable"].tolist() == [True]


def test_nobody_answered_is_not_compared():
    """Base 0: no recomputed value, neither identical nor different, whatever the published count."""
    ind = _indicators([{"option": "yes", "count": 0, "base": 0, "share": float("nan")},
                       {"option": "no", "count": 0, "base": 0, "share": float("nan")}])
    pub = _published([{"option": "yes", "category": "Oui", "value": "0", "unit": "count"},
                      {"option": "no", "category": "Non", "value": "52.4", "unit": "percent", "read": "estimated"}])
    check = chart_check(ind, pub, "fig99")
    assert check["comparable"].tolist() == [False, False]
    assert check["match"].tolist() == [False, False] and check["recomputed"].isna().all()
    assert check["base"].tolist() == [0, 0] and check["read"].tolist() == ["exact", "estimated"]


def test_the_committed_file_has_a_source_for_every_row():
    pub = published_figures()
    assert pub["source"].notna().all() and (pub["source"].str.len() > 20).all()
    assert pub["figure_id"].nunique() == 23


def test_paper_reference_reads_every_field_with_its_source():
    from helpers.published import paper_reference

    paper = paper_reference()
    assert paper.title == "Mesurer l’impact d’un programme après 3 ans"
    assert paper.citation.startswith("Etalab") and "« Mesurer l’impact d’un programme après 3 ans »" in paper.citation
    assert "juin 2019" in paper.citation and "Licence Ouverte 2.0" in paper.citation


def test_paper_reference_without_a_source_is_refused(tmp_path):
    import pytest

    from helpers.published import PAPER_CSV, paper_reference

    lines = PAPER_CSV.read_text(encoding="utf-8").splitlines()
    broken = [line if not line.startswith("date,") else "date,juin 2019," for line in lines]
    path = tmp_path / "paper.csv"
    path.write_text("\n".join(broken) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="date"):
        paper_reference(path)
