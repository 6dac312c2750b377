"""The codebook covers every chart and every quoted percentage; pooled questions really are poolable."""

import shutil

import pandas as pd
import pytest
import yaml

from helpers import CODEBOOK_DIR, DATA_DIR
from helpers.claims import load_claims
from helpers.codebook import MEMBERS, TYPES, CodebookError, load_codebook, poolable

FIGURES = pd.read_csv(DATA_DIR / "published" / "figures.csv", dtype=str)
SURVEY_CLAIMS = [c for c in load_claims() if c.get("question_id")]


def test_every_chart_maps_to_codebook_questions(codebooks):
    charted = {q.figure for cb in codebooks.values() for q in cb if q.figure}
    assert charted == set(FIGURES.figure_id)
    for row in FIGURES.itertuples():
        for group in MEMBERS[row.group]:
            question = codebooks[group][row.question_id]
            assert question.figure == row.figure_id
            assert row.option in (question.codes if question.type != "scale" else map(str, question.levels))


def test_pooled_charts_and_claims_use_poolable_questions(codebooks):
    pooled = set(poolable(codebooks))
    both = set(FIGURES[FIGURES.group == "both"].question_id) | {c["question_id"] for c in SURVEY_CLAIMS
                                                                 if c["group"] == "both"}
    assert both <= pooled
    assert {"users", "end_user_satisfaction", "maintenance_by", "operational_mentor_role", "api_opened",
            "open_source_published", "annex_tools", "tool_maintained", "links_other_administrations"} <= pooled
    for qid in pooled:
        eig, mentor = codebooks["eig"][qid], codebooks["mentor"][qid]
        assert (eig.type, eig.options, eig.scale_min, eig.scale_max) == (mentor.type, mentor.options, mentor.scale_min, mentor.scale_max)


@pytest.mark.parametrize("figure_id", ["fig09", "fig18", "fig19", "fig20", "fig21", "fig23"])
def test_grid_charts_are_one_scale_question_per_item(codebooks, figure_id):
    questions = [q for cb in codebooks.values() for q in cb.by_figure(figure_id)]
    items = set(FIGURES[FIGURES.figure_id == figure_id].series)
    assert {q.type for q in questions} == {"scale"}
    assert sorted(q.item for q in questions) == sorted(items)
    assert len({(q.scale_min, q.scale_max) for q in questions}) == 1


def test_every_quoted_statement_maps_to_a_question(codebooks):
    """Each survey statement of the claims registry names codebook questions and options."""
    assert SURVEY_CLAIMS
    for claim in SURVEY_CLAIMS:
        for group in MEMBERS[claim["group"]]:
            question = codebooks[group][claim["question_id"]]
            known = set(question.codes) | {str(level) for level in question.levels}
            assert {str(o) for o in claim.get("options", [])} <= known, claim["id"]


def test_codebook_claims_exist_in_the_registry(codebooks):
    """A question's ``claims:`` name registry entries that recompute from that question."""
    registry = {c["id"]: c for c in load_claims()}
    for codebook in codebooks.values():
        for question in codebook:
            for claim_id in question.claims:
                assert registry[claim_id]["question_id"] == question.id, claim_id


def test_codebook_has_substance(codebooks):
    types = {q.type for cb in codebooks.values() for q in cb}
    assert types == set(TYPES)
    assert sum(q.type == "free_text" for cb in codebooks.values() for q in cb) >= 5
    scales = {(q.scale_min, q.scale_max) for cb in codebooks.values() for q in cb if q.type == "scale"}
    assert {(0, 5), (0, 4), (1, 5)} <= scales
    assert {q.axis for cb in codebooks.values() for q in cb} == {"tools", "transformation", "programme", "profile"}


def test_scale_end_labels_are_the_published_ones(codebooks):
    """Scale option labels ('0 - peu d'importance'…) are the charts' category labels."""
    for row in FIGURES.itertuples():
        question = codebooks[MEMBERS[row.group][0]][row.question_id]
        if question.type == "scale":
            assert question.label(row.option) == row.category


def _broken_copy(tmp_path, edit):
    for name in ("codebook.schema.json", "eig.yaml"):
        shutil.copy(CODEBOOK_DIR / name, tmp_path / name)
    doc = yaml.safe_load((tmp_path / "eig.yaml").read_text(encoding="utf-8"))
    edit(doc)
    (tmp_path / "eig.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return tmp_path


def test_asked_if_must_name_an_earlier_question(tmp_path):
    def edit(doc):
        doc["questions"][1]["asked_if"] = {"question": "obstacles", "options": ["yes"]}

    with pytest.raises(CodebookError, match="asked_if"):
        load_codebook("eig", _broken_copy(tmp_path, edit))


def test_schema_rejects_unknown_type(tmp_path):
    def edit(doc):
        doc["questions"][0]["type"] = "ranking"

    with pytest.raises(CodebookError, match="questions/0/type"):
        load_codebook("eig", _broken_copy(tmp_path, edit))
