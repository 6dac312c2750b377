"""Every export format a survey tool or a spreadsheet produces loads to the same tidy frame."""

import csv
import io
import subprocess

import pandas as pd
import pytest
import yaml
from openpyxl import Workbook

from helpers import PROJECT_ROOT, SAMPLE_DIR
from helpers.codebook import COMMON_COLUMNS, load_codebooks
from helpers.load import load_survey
from helpers.sidecar import dataset_kind, is_synthetic, kind_of, read_metadata


def _label_cells(frame, codebook, multi: str, true="Oui", false="Non") -> tuple[list[str], list[list]]:
    """The frame as a French export: option labels, multi answers as columns or joined labels."""
    header = list(COMMON_COLUMNS)
    for q in codebook:
        header.extend(q.columns if q.type == "multi" and multi == "columns" else [q.id])
    rows = []
    for _, r in frame.iterrows():
        row = [r.respondent_id, f"EIG {r.promotion}", "" if pd.isna(r.defi) else r.defi]
        for q in codebook:
            if q.type == "multi":
                ticks = [r[c] for c in q.columns]
                if multi == "columns":
                    row.extend("" if pd.isna(t) else (true if t else false) for t in ticks)
                else:
                    row.append("" if pd.isna(ticks[0]) else ", ".join(o.label for o, t in zip(q.options, ticks) if t))
            elif pd.isna(r[q.id]):
                row.append(None)
            elif q.type in ("single", "yes_no", "yes_no_dk"):
                row.append(q.label(r[q.id]))
            else:
                row.append(r[q.id])
        rows.append(row)
    return header, rows


def _reexport_csv(survey, out, sep=";", encoding="cp1252"):
    for group, frame in survey.frames.items():
        header, rows = _label_cells(frame, survey.codebooks[group], "columns")
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows([["" if v is None else (f"{v:g}" if isinstance(v, float) else v) for v in row] for row in rows])
        (out / f"{group}.csv").write_bytes(buffer.getvalue().encode(encoding))


def _reexport_xlsx(survey, out):
    for group, frame in survey.frames.items():
        header, rows = _label_cells(frame, survey.codebooks[group], "joined")
        book = Workbook()
        sheet = book.active
        sheet.append(header)
        for row in rows:
            sheet.append([int(v) if isinstance(v, (int, float)) and float(v).is_integer() else v for v in row])
        book.save(out / f"{group}.xlsx")


def test_sample_frame_follows_the_contract(sample):
    for group, frame in sample.frames.items():
        codebook = sample.codebooks[group]
        assert tuple(frame.columns) == codebook.columns
        assert frame.respondent_id.dtype == "string" and frame.promotion.dtype == "Int64"
        for q in codebook:
            col = frame[q.columns[0]]
            if q.type == "scale":
                assert col.cat.ordered and list(col.cat.categories) == list(q.levels)
            elif q.type in ("single", "yes_no", "yes_no_dk"):
                assert col.cat.ordered and list(col.cat.categories) == list(q.codes)
            else:
                expected = {"multi": "boolean", "free_text": "string", "numeric": "Float64"}[q.type]
                assert col.dtype == expected, q.id


def test_blank_multi_answer_is_missing_not_no(sample):
    users = sample.frames["eig"][list(sample.codebooks["eig"]["senior_mentor_role"].columns)]
    blank = users.isna().all(axis=1)
    assert blank.sum() == 11 and (users.isna().any(axis=1) == blank).all()


def test_semicolon_windows_1252_labels_load_identically(sample, tmp_path):
    _reexport_csv(sample, tmp_path)
    assert "é".encode("cp1252") in (tmp_path / "eig.csv").read_bytes()
    again = load_survey(tmp_path)
    for group in sample.frames:
        pd.testing.assert_frame_equal(again.frames[group], sample.frames[group])
    assert any("read as promotion 2" in str(w) for w in again.warnings)
    assert not again.synthetic and not is_synthetic(tmp_path)


def test_xlsx_with_joined_labels_loads_identically(sample, tmp_path):
    _reexport_xlsx(sample, tmp_path)
    again = load_survey(tmp_path)
    for group in sample.frames:
        pd.testing.assert_frame_equal(again.frames[group], sample.frames[group])
    assert again.files["eig"].suffix == ".xlsx"


def test_utf8_bom_and_comma_load_identically(sample, tmp_path):
    _reexport_csv(sample, tmp_path, sep=",", encoding="utf-8-sig")
    again = load_survey(tmp_path)
    pd.testing.assert_frame_equal(again.frames["mentor"], sample.frames["mentor"])


def _write(path, header, *rows):
    """A hand-written export of a few questions; the mapping declares the others not asked."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, *rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    group = path.stem
    asked = {h.split("__")[0] for h in header}
    not_asked = [q.id for q in load_codebooks()[group] if q.id not in asked]
    (path.parent / "mapping.yaml").write_text(yaml.safe_dump({group: {"not_asked": not_asked}}), encoding="utf-8")


@pytest.fixture
def minimal(tmp_path):
    """A data set with one mentor and a few hand-written EIG cells."""
    (tmp_path / "mentor.csv").write_bytes((SAMPLE_DIR / "mentor.csv").read_bytes())
    return tmp_path


def test_label_variants_and_greedy_joined_labels(minimal):
    _write(
        minimal / "eig.csv",
        ["respondent_id", "promotion", "users", "maintenance_by", "tool_maintained", "motivation_salary", "trainees_count"],
        ["a", "2", "citoyens, usagers du service public,AUTRE", "Intégration dans le SI de l’administration", "oui", "4,0", "3,5"],
        ["b", "1", "Agents du service public;Citoyens, usagers du service public", " recours aux eig (en tant que prestataires) ", "Oui", "beaucoup d'importance", ""],
        ["c", "2", "", "", "", "", ""],
    )
    survey = load_survey(minimal)
    eig = survey.frames["eig"]
    assert eig.loc[0, ["users__agents", "users__citizens", "users__other"]].tolist() == [False, True, True]
    assert eig.loc[1, ["users__agents", "users__citizens", "users__other"]].tolist() == [True, True, False]
    assert eig.loc[2, ["users__agents", "users__citizens", "users__other"]].isna().all()
    assert eig.maintenance_by.tolist()[:2] == ["information_system", "eig_providers"]
    assert eig.motivation_salary.tolist()[:2] == [4, 5]
    assert eig.trainees_count[0] == 3.5 and pd.isna(eig.trainees_count[2])
    assert pd.isna(eig.tool_maintained[2]) and pd.isna(eig.defi[0])
    warned = {(w.row, w.column) for w in survey.warnings}
    assert {(2, "motivation_salary"), (2, "trainees_count")} <= warned


def test_per_option_columns_accept_label_or_blank(minimal):
    _write(
        minimal / "eig.csv",
        ["respondent_id", "promotion", "users__agents", "users__citizens", "users__other"],
        ["a", "2", "Agents du service public", "", ""],
        ["b", "2", "x", "1", "0"],
        ["c", "2", "", "", ""],
    )
    eig = load_survey(minimal).frames["eig"]
    assert eig.users__agents.tolist()[:2] == [True, True]
    assert eig.users__citizens.tolist()[:2] == [False, True]
    assert eig.loc[2, ["users__agents", "users__citizens", "users__other"]].isna().all()


def test_real_data_stays_private():
    """Nothing under data/raw/ but its README is ever tracked by git."""
    tracked = subprocess.run(
        ["git", "ls-files", "data/raw"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert set(tracked) <= {"data/raw/README.md"}


@pytest.mark.parametrize(("sidecar", "kind"), [
    ("synthetic: true\ncalibrated_to: Etalab 2019\n", "calibrated"),
    ("synthetic: true\n", "synthetic"),
    ("synthetic: false\n", "real"),
    (None, "real"),
])
def test_three_kinds_of_data_set(tmp_path, sidecar, kind):
    if sidecar is not None:
        (tmp_path / "DATASET.yaml").write_text(sidecar, encoding="utf-8")
    assert kind_of(tmp_path) == kind == dataset_kind(read_metadata(tmp_path)[0])


def test_the_sample_is_the_calibrated_kind(sample):
    assert sample.kind == "calibrated" and "Mesurer l'impact d'un programme après 3 ans" in sample.metadata["calibrated_to"]


@pytest.mark.parametrize("sidecar", ["synthetic: false\ncalibrated_to: Etalab 2019\n",
                                     "synthetic: true\ncalibrated_to: ''\n", "synthetic: true\ncalibrated_to: [a]\n"])
def test_calibrated_to_needs_a_name_and_synthetic_data(tmp_path, sidecar):
    (tmp_path / "DATASET.yaml").write_text(sidecar, encoding="utf-8")
    meta, problems = read_metadata(tmp_path)
    assert meta == {} and [p.column for p in problems] == ["calibrated_to"]
    assert "synthetic: true" in problems[0].expected
