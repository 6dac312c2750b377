"""What form tools really export loads to the sample's answers (tests/export_shapes.py builds each shape).

Every shape is derived from the synthetic sample by code, so the right answer is
known: the indicator tables must be identical to the sample's (respondent ids
aside, which some tools do not export). The tables are compared unprotected (``min_cell=0``):
protection is a function of the counts compared here, and computing it per shape (5 s each) would
check the same numbers again.
"""

from __future__ import annotations

import codecs
import csv
import io
import shutil

import pandas as pd
import pytest
import yaml
from export_shapes import (
    PROMOTION_TEXT,
    crlf_trailing,
    excel_unicode_text,
    google_forms,
    google_forms_rows,
    limesurvey_text,
    spss,
    workbook_with_cover,
)
from openpyxl import Workbook

from helpers import SAMPLE_DIR
from helpers.indicators import indicator_tables
from helpers.load import load_survey
from helpers.problems import DataError
from helpers.validate import main


@pytest.fixture(scope="module")
def reference(sample):
    return indicator_tables(sample, min_cell=0)


def _same_answers(survey, sample, reference) -> None:
    for group, frame in sample.frames.items():
        pd.testing.assert_frame_equal(survey.frames[group].drop(columns="respondent_id"),
                                      frame.drop(columns="respondent_id"))
    for unit, table in indicator_tables(survey, min_cell=0).items():
        pd.testing.assert_frame_equal(table, reference[unit])


SHAPES = {
    "google_forms": google_forms,
    "excel_unicode_text": excel_unicode_text,
    "limesurvey_text": limesurvey_text,
    "spss": spss,
    "workbook_with_cover": workbook_with_cover,
}


@pytest.mark.parametrize("shape", SHAPES)
def test_tool_shape_gives_the_sample_indicators(shape, sample, reference, tmp_path):
    SHAPES[shape](sample, tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    survey = load_survey(tmp_path)
    _same_answers(survey, sample, reference)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # the export is only read
    for summary in survey.imports.values():
        assert not summary.absent and not summary.unknown and not summary.not_asked


def test_crlf_trailing_column_and_blank_rows(sample, reference, tmp_path):
    crlf_trailing(SAMPLE_DIR, tmp_path)
    assert b"\r\n" in (tmp_path / "eig.csv").read_bytes()
    survey = load_survey(tmp_path)
    for group, frame in sample.frames.items():
        pd.testing.assert_frame_equal(survey.frames[group], frame)


def test_google_forms_ids_timestamps_and_warnings(sample, tmp_path):
    google_forms(sample, tmp_path)
    survey = load_survey(tmp_path)
    eig = survey.frames["eig"]
    assert eig.respondent_id.tolist() == [str(n) for n in range(2, 2 + len(eig))]  # the file's row numbers
    summary = survey.imports["eig"]
    assert len(summary.timestamps) == len(eig) and summary.timestamps[0].startswith("2019/03/01")
    assert "submission times kept from 'Horodateur'" in summary.details
    lines = [str(w) for w in survey.warnings if w.file.endswith("eig.csv")]
    assert lines == [
        f"{tmp_path / 'eig.csv'}: warning: column 'respondent_id': no respondent id column: each respondent's id "
        "is its row number (write ids: row_number in mapping.yaml to say so)",
        f"{tmp_path / 'eig.csv'}:2: warning: column '{PROMOTION_TEXT}': value 'Promotion 2': read as promotion 2 "
        f"(and likewise on {len(eig) - 1} other row(s))",
    ]
    # Saying so in the mapping silences the id warning.
    (tmp_path / "mapping.yaml").write_text("eig: {ids: row_number}\nmentor: {ids: row_number}\n", encoding="utf-8")
    again = load_survey(tmp_path)
    assert not any(w.column == "respondent_id" for w in again.warnings)
    assert again.mapping == tmp_path / "mapping.yaml"


def test_excel_unicode_text_is_utf16_tab_separated(sample, tmp_path):
    excel_unicode_text(sample, tmp_path)
    assert (tmp_path / "eig.txt").read_bytes().startswith(codecs.BOM_UTF16_LE)
    survey = load_survey(tmp_path)
    assert survey.files["eig"].name == "eig.txt"
    assert survey.imports["eig"].details[:2] == ["UTF-16", "tab-separated"]


def test_utf8_tsv(sample, reference, tmp_path):
    for group, frame in sample.frames.items():
        rows = google_forms_rows(frame, sample.codebooks[group])
        buffer = io.StringIO()
        csv.writer(buffer, delimiter="\t", lineterminator="\n").writerows(rows)
        (tmp_path / f"{group}.tsv").write_text(buffer.getvalue(), encoding="utf-8")
    _same_answers(load_survey(tmp_path), sample, reference)


def test_cover_sheet_is_skipped_with_a_warning(sample, tmp_path):
    workbook_with_cover(sample, tmp_path)
    survey = load_survey(tmp_path)
    assert survey.imports["eig"].details[0] == "sheet 'Réponses'"
    assert f"{tmp_path / 'eig.xlsx'}: warning: read the sheet 'Réponses', whose header names the questions (other " \
           "sheets: 'Couverture'); sheet: in mapping.yaml chooses another" in [str(w) for w in survey.warnings]


def _two_sheets_without_answers(path):
    book = Workbook()
    book.active.title = "Couverture"
    book.active.append(["Enquête EIG"])
    book.create_sheet("Notes").append(["rien ici"])
    book.save(path)


def test_workbook_without_an_answers_sheet_lists_its_sheets(sample, tmp_path, capsys):
    google_forms(sample, tmp_path)
    (tmp_path / "eig.csv").unlink()
    _two_sheets_without_answers(tmp_path / "eig.xlsx")
    assert main([str(tmp_path)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert f"{tmp_path / 'eig.xlsx'}: expected a sheet whose header row names the questions (sheets found: " \
           "'Couverture', 'Notes')" in err
    assert err[-1].endswith("next: name the sheet holding the answers with sheet: in mapping.yaml")


def test_mapping_names_the_sheet(sample, tmp_path):
    workbook_with_cover(sample, tmp_path)
    (tmp_path / "mapping.yaml").write_text("eig: {sheet: Couverture}\n", encoding="utf-8")
    with pytest.raises(DataError) as refused:
        load_survey(tmp_path)
    assert any(p.column == "promotion" and p.row == 1 for p in refused.value.problems)  # the cover page was read
    (tmp_path / "mapping.yaml").write_text("eig: {sheet: Answers}\n", encoding="utf-8")
    with pytest.raises(DataError) as refused:
        load_survey(tmp_path)
    assert [str(p) for p in refused.value.problems] == [
        f"{tmp_path / 'eig.xlsx'}: value 'Answers': expected a sheet named as in mapping.yaml (sheets found: "
        "'Couverture', 'Réponses')"
    ]
    assert refused.value.hint == "set sheet: in mapping.yaml to one of the sheets found"


# ---------------------------------------------------------------- missing values


@pytest.fixture
def small(tmp_path):
    """The sample's mentors, and an EIG file built cell by cell from a two-respondent Google-shaped export."""
    shutil.copy(SAMPLE_DIR / "mentor.csv", tmp_path / "mentor.csv")
    return tmp_path


def _google_two_rows(sample, folder, edits: dict[str, list[str]]) -> None:
    rows = google_forms_rows(sample.frames["eig"].iloc[:2], sample.codebooks["eig"])
    for column, values in edits.items():
        i = next(k for k, h in enumerate(rows[0]) if h == column)
        for row, value in zip(rows[1:], values):
            row[i] = value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    (folder / "eig.csv").write_text(buffer.getvalue(), encoding="utf-8")


def test_missing_value_words_in_every_question_type(sample, small):
    cb = sample.codebooks["eig"]
    edits = {cb["skill_profile"].text: ["N/A", "néant"],            # single
             cb["users"].text: ["Sans Réponse", "-"],               # multi, joined labels
             cb["mentor_relationship"].text: ["NA", "sans reponse"],  # scale
             cb["trainees_count"].text: ["n/a", "NÉANT"],           # numeric
             cb["obstacles"].text: ["Pas de réponse", "—"]}         # free text
    _google_two_rows(sample, small, edits)
    survey = load_survey(small)
    eig = survey.frames["eig"]
    for qid in ("skill_profile", "mentor_relationship", "trainees_count", "obstacles"):
        assert eig[qid].isna().all(), qid
    assert eig[list(cb["users"].columns)].isna().all().all()
    assert survey.imports["eig"].missing_words == 10


def test_mapping_extends_the_missing_words(sample, small):
    cb = sample.codebooks["eig"]
    _google_two_rows(sample, small, {cb["skill_profile"].text: ["Ne souhaite pas répondre", "Designer"]})
    with pytest.raises(DataError) as refused:
        load_survey(small)
    assert any(p.value == "Ne souhaite pas répondre" for p in refused.value.problems)
    (small / "mapping.yaml").write_text("missing_values: [ne souhaite pas repondre]\n", encoding="utf-8")
    eig = load_survey(small).frames["eig"]
    assert pd.isna(eig.skill_profile[0]) and eig.skill_profile[1] == "designer"


# ---------------------------------------------------------------- never silently empty


def _drop_column(path, header: str) -> None:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    i = rows[0].index(header)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([r[:i] + r[i + 1:] for r in rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")


def test_absent_question_is_an_error_unless_declared_not_asked(sample, tmp_path, capsys):
    google_forms(sample, tmp_path)
    stem = sample.codebooks["eig"]["motivation_salary"]
    _drop_column(tmp_path / "eig.csv", f"{stem.text[: -len(stem.item)].strip()} [{stem.item}]")
    assert main([str(tmp_path)]) == 1
    out = capsys.readouterr()
    assert f"{tmp_path / 'eig.csv'}:1: column 'motivation_salary': expected a column for this question (absent: " \
           "every answer to it would be missing)" in out.err.splitlines()
    assert f"eig ({tmp_path / 'eig.csv'}): 52 question(s) read, 1 absent, 0 declared not asked, 0 unknown column(s)" \
        in out.out
    assert out.err.splitlines()[-1].endswith(
        "next: map a column to 'motivation_salary' in mapping.yaml, or list it under not_asked: if the survey did "
        f"not ask it (draft: python -m helpers mapping suggest {tmp_path})")
    (tmp_path / "mapping.yaml").write_text("eig:\n  not_asked: [motivation_salary]\n", encoding="utf-8")
    assert main([str(tmp_path)]) == 0
    assert "52 question(s) read, 0 absent, 1 declared not asked" in capsys.readouterr().out
    assert load_survey(tmp_path).frames["eig"].motivation_salary.isna().all()


def test_declared_not_asked_but_present_is_an_error(sample, tmp_path):
    google_forms(sample, tmp_path)
    (tmp_path / "mapping.yaml").write_text("mentor:\n  not_asked: [users]\n", encoding="utf-8")
    with pytest.raises(DataError) as refused:
        load_survey(tmp_path)
    assert [p.expected for p in refused.value.problems] == ["no column for 'users', declared not asked in mapping.yaml"]


def test_near_miss_header_says_did_you_mean(sample, tmp_path):
    google_forms(sample, tmp_path)
    text = sample.codebooks["eig"]["open_data"].text
    raw = (tmp_path / "eig.csv").read_text(encoding="utf-8").replace(text, text.replace("jeux", "jeu"), 1)
    (tmp_path / "eig.csv").write_text(raw, encoding="utf-8")
    with pytest.raises(DataError) as refused:
        load_survey(tmp_path)
    unknown = [str(w) for w in refused.value.warnings if "unknown column" in w.expected]
    assert unknown == [f"{tmp_path / 'eig.csv'}:1: warning: column '{text.replace('jeux', 'jeu')}': unknown column, "
                       f"ignored (not in the codebook) (did you mean '{text}', the question 'open_data'?)"]


def test_lime_survey_second_header_row_is_read_as_labels(sample, tmp_path):
    limesurvey_text(sample, tmp_path)
    path = tmp_path / "eig.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8")), delimiter=";"))
    rows.insert(1, list(rows[0]))
    rows[0] = [f"C{i}" for i in range(len(rows[0]))]
    rows[0][0] = "id"
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    survey = load_survey(tmp_path)
    assert any(w.row == 2 and "second header row" in w.expected and "skip_rows: [2]" in w.expected
               for w in survey.warnings)
    pd.testing.assert_frame_equal(survey.frames["eig"].drop(columns="respondent_id"),
                                  sample.frames["eig"].drop(columns="respondent_id"))


# ---------------------------------------------------------------- readable refusals


def test_utf16_without_bom_is_refused_without_mojibake(sample, tmp_path, capsys):
    google_forms(sample, tmp_path)
    text = (tmp_path / "eig.csv").read_text(encoding="utf-8")
    (tmp_path / "eig.csv").write_bytes(text.encode("utf-16-le"))
    assert main([str(tmp_path)]) == 1
    err = capsys.readouterr().err.splitlines()
    line = next(line for line in err if line.startswith(f"{tmp_path / 'eig.csv'}:1: "))
    assert "\\x00" in line and len(line) < 400, line
    assert not any(mojibake in line for mojibake in ("Ã", "\x00", "\ufffd"))
    assert err[-1].endswith("next: re-export as CSV UTF-8 or XLSX, or name the encoding in mapping.yaml "
                            "(encoding: cp1252, utf-16…)")
    (tmp_path / "mapping.yaml").write_text("eig: {encoding: utf-16-le}\n", encoding="utf-8")
    assert main([str(tmp_path)]) == 0


def test_summary_names_each_group(sample, tmp_path, capsys):
    limesurvey_text(sample, tmp_path)
    assert main([str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    eig = next(line for line in out if line.startswith("eig ("))
    missing = sum(int(sample.frames["eig"][c].isna().sum()) for q in sample.codebooks["eig"]
                  for c in (q.columns if q.type == "multi" else [q.id])) + int(sample.frames["eig"].defi.isna().sum())
    assert eig == (f"eig ({tmp_path / 'eig.csv'}): 53 question(s) read, 0 absent, 0 declared not asked, "
                   f"0 unknown column(s), {missing} cell(s) such as 'N/A' read as missing [UTF-8; "
                   "semicolon-separated; submission times kept from 'submitdate'; 3 column(s) ignored: 'lastpage', "
                   "'startlanguage', 'seed']")


def test_mapping_in_yaml_is_kept_as_is(tmp_path):
    """A round trip of the documented example (data/README.md) through the schema."""
    from helpers.mapping import load_mapping

    (tmp_path / "mapping.yaml").write_text(yaml.safe_dump({"eig": {"ids": "id", "skip_rows": [2]}}), encoding="utf-8")
    mapping, problems = load_mapping(tmp_path)
    assert problems == [] and mapping.group("eig").columns == {"id": "respondent_id"}
    assert mapping.group("eig").skip_rows == (2,)
