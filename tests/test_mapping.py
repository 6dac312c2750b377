"""mapping.yaml: schema-checked, drafted by ``mapping suggest``, applied without touching the export."""

from __future__ import annotations

import csv
import hashlib
import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from export_shapes import google_forms, limesurvey_codes

from conftest import ROOT
from helpers.indicators import indicator_table
from helpers.load import load_survey
from helpers.mapping import load_mapping
from helpers.problems import DataError
from helpers.suggest import suggest



def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_limesurvey_codes_need_a_mapping(sample, tmp_path):
    limesurvey_codes(sample, tmp_path)
    with pytest.raises(DataError) as refused:
        load_survey(tmp_path)
    absent = [p.column for p in refused.value.problems if p.expected.startswith("a column for this question")]
    assert absent[:2] == ["skill_profile", "users"]  # reworded in the label row: not matched without a mapping
    assert refused.value.hint.endswith(f"(draft: python -m helpers mapping suggest {tmp_path})")


def test_suggested_mapping_is_right_and_gives_the_sample_indicators(sample, tmp_path):
    truth = limesurvey_codes(sample, tmp_path)
    before = _digests(tmp_path)
    proc = subprocess.run([sys.executable, "-m", "helpers", "mapping", "suggest", str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    draft = yaml.safe_load(proc.stdout)
    for group, columns in truth.items():
        assert draft[group]["columns"] == columns  # every code column matched to its question, nothing else
        assert draft[group]["skip_rows"] == [2] and "ids" not in draft[group]  # LimeSurvey's 'id' column is read
        assert "not_asked" not in draft[group]
    assert _digests(tmp_path) == before  # suggesting writes nothing
    (tmp_path / "mapping.yaml").write_text(proc.stdout, encoding="utf-8")  # the user confirms the draft
    survey = load_survey(tmp_path)
    for group, frame in sample.frames.items():
        pd.testing.assert_frame_equal(survey.frames[group].drop(columns="respondent_id"),
                                      frame.drop(columns="respondent_id"))
    pd.testing.assert_frame_equal(indicator_table(survey), indicator_table(sample))
    assert survey.mapping == tmp_path / "mapping.yaml"
    assert {k: v for k, v in _digests(tmp_path).items() if k != "mapping.yaml"} == before


def test_suggest_lists_questions_without_a_column_as_not_asked(sample, tmp_path):
    google_forms(sample, tmp_path)
    rows = list(csv.reader(io.StringIO((tmp_path / "mentor.csv").read_text(encoding="utf-8"))))
    text = sample.codebooks["mentor"]["users"].text
    i = rows[0].index(text)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([r[:i] + r[i + 1:] for r in rows])
    (tmp_path / "mentor.csv").write_text(buffer.getvalue(), encoding="utf-8")
    draft = yaml.safe_load(suggest(tmp_path))
    assert draft["mentor"]["not_asked"] == ["users"]
    assert draft["eig"] == {"file": "eig.csv", "ids": "row_number"}


def test_schema_errors_name_the_path(tmp_path):
    (tmp_path / "mapping.yaml").write_text("eig:\n  separator: '|'\n  colums: {}\n", encoding="utf-8")
    _, problems = load_mapping(tmp_path)
    assert sorted((p.column, p.expected.split(":")[0]) for p in problems) == [
        ("eig", "a valid mapping"),
        ("eig/separator", "a valid mapping"),
    ]
    assert all(p.hint.startswith(f"fix {tmp_path / 'mapping.yaml'} (format: data/README.md") for p in problems)


def test_unknown_target_says_did_you_mean(sample, codebooks, tmp_path):
    (tmp_path / "mapping.yaml").write_text("eig:\n  columns: {Q7: open_dta}\n  not_asked: [obstacle]\n",
                                           encoding="utf-8")
    _, problems = load_mapping(tmp_path, codebooks=codebooks)
    assert [str(p) for p in problems] == [
        f"{tmp_path / 'mapping.yaml'}: column 'eig/columns/Q7': value 'open_dta': expected a codebook id, "
        "'id__option', respondent_id, promotion, defi, timestamp or ignore (did you mean 'open_data'?)",
        f"{tmp_path / 'mapping.yaml'}: column 'eig': value 'obstacle': expected a question id of the eig codebook "
        "(did you mean 'obstacles'?)",
    ]


def test_answers_codes_ids_column_and_ignored_columns(sample, tmp_path):
    """LimeSurvey answer codes (A1, Y/N) mapped per question; an id column named; a column dropped."""
    google_forms(sample, tmp_path)
    cb = sample.codebooks["eig"]
    path = tmp_path / "eig.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    profile, evolved = rows[0].index(cb["skill_profile"].text), rows[0].index(cb["challenge_evolved"].text)
    codes = {o.label: f"A{k}" for k, o in enumerate(cb["skill_profile"].options, start=1)}
    for n, row in enumerate(rows[1:], start=1):
        row[profile] = codes.get(row[profile], row[profile])
        row[evolved] = {"Oui": "Y", "Non": "N"}.get(row[evolved], row[evolved])
        row.extend([f"R{n:03d}", "interne"])
    rows[0].extend(["Réf.", "Commentaire interne"])
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    mapping = {"eig": {"ids": "Réf.", "columns": {"Commentaire interne": None},
                       "answers": {"skill_profile": {f"A{k}": o.code for k, o in
                                                     enumerate(cb["skill_profile"].options, start=1)},
                                   "challenge_evolved": {"Y": "yes", "N": "no"}}}}
    (tmp_path / "mapping.yaml").write_text(yaml.safe_dump(mapping, allow_unicode=True), encoding="utf-8")
    survey = load_survey(tmp_path)
    eig = survey.frames["eig"]
    assert eig.respondent_id.tolist()[:2] == ["R001", "R002"]
    pd.testing.assert_frame_equal(eig.drop(columns="respondent_id"),
                                  sample.frames["eig"].drop(columns="respondent_id"))
    assert not any("Commentaire" in str(w) for w in survey.warnings)
    assert survey.imports["eig"].unknown == []


def test_resolver_reads_grid_rows_and_tool_columns(codebooks):
    from helpers.mapping import Resolver

    resolver = Resolver(codebooks["eig"])
    stem = "Quels ont été les éléments déterminants dans votre envie de devenir EIG ?"
    assert resolver.resolve(f"{stem} [L'attractivité du salaire]") == "motivation_salary"
    assert resolver.resolve("quels ont ete les elements determinants dans votre envie de devenir eig "
                            "- l’attractivite du salaire") == "motivation_salary"
    assert resolver.resolve("Qui sont les utilisateurs des réalisations de votre défi ? [Autre]") == "users__other"
    assert resolver.resolve(f"{stem} [Le salaire]") is None  # an item the grid does not have
    expected = {"Horodateur": "timestamp", "submitdate": "timestamp", "ID de la réponse": "respondent_id",
                "lastpage": "ignore", "Promo": "promotion", "Nom du défi": "defi", "Couleur préférée": None}
    assert {cell: resolver.resolve(cell) for cell in expected} == expected


def test_missing_words_are_matched_without_case_or_accents(tmp_path):
    from helpers.mapping import missing_keys

    (tmp_path / "mapping.yaml").write_text("missing_values: [Refus]\nmentor: {missing_values: [NSP]}\n",
                                           encoding="utf-8")
    mapping, _ = load_mapping(tmp_path)
    eig, mentor = missing_keys(mapping, "eig"), missing_keys(mapping, "mentor")
    assert {"n/a", "na", "neant", "sans reponse", "-", "refus"} <= eig and "nsp" not in eig
    assert "nsp" in mentor and "refus" in mentor
    assert "non" not in eig and "je ne sais pas" not in eig  # answers, not missing values


def test_provenance_footer_names_the_mapping_and_its_sha256(sample, tmp_path):
    import nbformat
    from bs4 import BeautifulSoup

    from helpers import render

    data = tmp_path / "data"
    google_forms(sample, data)
    (data / "mapping.yaml").write_text("eig: {ids: row_number}\n", encoding="utf-8")
    digest = hashlib.sha256((data / "mapping.yaml").read_bytes()).hexdigest()
    assert render.provenance(data, {}).mapping == ((data / "mapping.yaml").as_posix(), digest)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Annexe Z — Essai")])
    nbformat.write(nb, tmp_path / "99_essai.ipynb")
    render.render_notebook(tmp_path / "99_essai.ipynb", tmp_path / "report", data)
    footer = BeautifulSoup((tmp_path / "report" / "99_essai.html").read_text(encoding="utf-8"), "html.parser")
    line = " ".join(footer.find("p", class_="mapping").get_text(" ").split())
    assert line == f"Colonnes lues selon la correspondance {(data / 'mapping.yaml').as_posix()} — SHA-256 {digest}"
    assert render.provenance(tmp_path, {}).mapping is None


def test_suggest_refuses_a_folder_that_does_not_exist(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "helpers", "mapping", "suggest", str(tmp_path / "absent")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.splitlines() == [
        f"{tmp_path / 'absent'}: expected a folder holding the exports (not found)",
        "error: 1 problem(s) in the data set; nothing was written; next: give the folder of eig.csv and mentor.csv "
        "(or .tsv, .txt, .xlsx, .sav)",
    ]
