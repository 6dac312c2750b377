"""Each malformed export is refused with one precise line per problem; the validator writes nothing."""

import csv
import hashlib
import io
import shutil

import pytest
from openpyxl import Workbook

from helpers import SAMPLE_DIR
from helpers.problems import GENERIC_HINT, Problem
from helpers.validate import main


@pytest.fixture
def data(tmp_path):
    """A copy of the sample (without its synthetic marker, like a real export)."""
    for name in ("eig.csv", "mentor.csv"):
        shutil.copy(SAMPLE_DIR / name, tmp_path / name)
    return tmp_path


def _snapshot(folder):
    return {p.relative_to(folder): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*"))}


def run(folder, capsys):
    """Exit code and output lines of ``python -m helpers validate``, checking nothing was written."""
    before = _snapshot(folder)
    code = main([str(folder)])
    assert _snapshot(folder) == before
    out = capsys.readouterr()
    return code, (out.out + out.err).splitlines()


def _edit(path, row, column, value):
    """Set one cell (row as in the file, header = 1) of a comma-separated export."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[row - 1][rows[0].index(column)] = value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def test_sample_is_valid(capsys):
    code, lines = run(SAMPLE_DIR, capsys)
    assert code == 0
    assert lines == [
        f"eig ({SAMPLE_DIR / 'eig.csv'}): 53 question(s) read, 0 absent, 0 declared not asked, 0 unknown column(s) "
        "[UTF-8; comma-separated]",
        f"mentor ({SAMPLE_DIR / 'mentor.csv'}): 41 question(s) read, 0 absent, 0 declared not asked, "
        "0 unknown column(s) [UTF-8; comma-separated]",
        f"{SAMPLE_DIR}: valid (0 warning(s))",
    ]


def test_problem_line_format():
    problem = Problem("data/raw/eig.csv", 7, "promotion", "EIG 9", "a promotion among 1, 2")
    assert str(problem) == "data/raw/eig.csv:7: column 'promotion': value 'EIG 9': expected a promotion among 1, 2"


def test_missing_file(data, capsys):
    (data / "mentor.csv").unlink()
    code, lines = run(data, capsys)
    assert code == 1
    assert f"{data / 'mentor.csv'}: expected a file mentor.csv (or .tsv, .txt, .xlsx, .sav) with the answers of the mentors (missing file)" in lines
    assert lines[-1].startswith(f"{data}: 1 problem(s), 0 warning(s): data set refused; next: put the export of the mentors in")


def test_empty_file(data, capsys):
    (data / "eig.csv").write_bytes(b"")
    code, lines = run(data, capsys)
    assert code == 1
    assert f"{data / 'eig.csv'}: expected a header row and respondent rows (the file is empty)" in lines


def test_header_only_file(data, capsys):
    header = (data / "eig.csv").read_text(encoding="utf-8").split("\n")[0]
    (data / "eig.csv").write_text(header + "\n", encoding="utf-8")
    code, lines = run(data, capsys)
    assert code == 1
    assert f"{data / 'eig.csv'}: expected at least one respondent row below the header" in lines


def test_undecodable_bytes(data, capsys):
    _edit(data / "eig.csv", 5, "defi", "DEFECT")
    raw = (data / "eig.csv").read_bytes().replace(b"DEFECT", "Défi ".encode() + b"\x81")
    (data / "eig.csv").write_bytes(raw)
    code, lines = run(data, capsys)
    assert code == 1
    assert f"{data / 'eig.csv'}:5: column 'defi': value '\\x81': expected text in UTF-8 or Windows-1252 (these bytes are neither)" in lines


def test_missing_required_column(data, capsys):
    rows = list(csv.reader(io.StringIO((data / "mentor.csv").read_text(encoding="utf-8"))))
    kept = [[c for i, c in enumerate(r) if i != 1] for r in rows]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(kept)
    (data / "mentor.csv").write_text(buffer.getvalue(), encoding="utf-8")
    code, lines = run(data, capsys)
    assert code == 1
    assert f"{data / 'mentor.csv'}:1: column 'promotion': expected a column 'promotion' in the header row" in lines


def test_unknown_column_is_a_warning(data, capsys):
    text = (data / "eig.csv").read_text(encoding="utf-8").split("\n")
    text = [line + ("," + ("note interne" if i == 0 else "à relire")) if line else line for i, line in enumerate(text)]
    (data / "eig.csv").write_text("\n".join(text), encoding="utf-8")
    code, lines = run(data, capsys)
    assert code == 0
    assert f"{data / 'eig.csv'}:1: warning: column 'note interne': unknown column, ignored (not in the codebook)" in lines


def test_unknown_option_label(data, capsys):
    _edit(data / "eig.csv", 3, "end_user_satisfaction", "Plutôt content")
    code, lines = run(data, capsys)
    assert code == 1
    assert (
        f"{data / 'eig.csv'}:3: column 'end_user_satisfaction': value 'Plutôt content': expected one of: "
        "Pas satisfait | Peu satisfait | Globalement satisfait | Très satisfait | Je ne sais pas"
    ) in lines


def test_scale_value_out_of_range(data, capsys):
    _edit(data / "mentor.csv", 4, "criteria_funding", "5")
    code, lines = run(data, capsys)
    assert code == 1
    assert f"{data / 'mentor.csv'}:4: column 'criteria_funding': value '5': expected an integer from 0 to 4 (scale of 'criteria_funding')" in lines


def test_duplicate_respondent_id(data, capsys):
    _edit(data / "eig.csv", 6, "respondent_id", "E01")
    code, lines = run(data, capsys)
    assert code == 1
    assert f"{data / 'eig.csv'}:6: column 'respondent_id': value 'E01': expected a unique respondent_id (already on row 2)" in lines


def test_unknown_promotion(data, capsys):
    _edit(data / "eig.csv", 7, "promotion", "EIG 9")
    code, lines = run(data, capsys)
    assert code == 1
    assert f"{data / 'eig.csv'}:7: column 'promotion': value 'EIG 9': expected a promotion among 1, 2, 3" in lines


def test_non_numeric_value(data, capsys):
    rows = list(csv.reader(io.StringIO((data / "eig.csv").read_text(encoding="utf-8"))))
    col = rows[0].index("trainees_count")
    row = next(i for i, r in enumerate(rows) if i and r[col]) + 1
    _edit(data / "eig.csv", row, "trainees_count", "une dizaine")
    code, lines = run(data, capsys)
    assert code == 1
    assert f"{data / 'eig.csv'}:{row}: column 'trainees_count': value 'une dizaine': expected a number" in lines


def test_more_respondents_than_population(data, capsys):
    for row in range(2, 9):  # 8 more mentors in promotion 1, whose population is 6
        _edit(data / "mentor.csv", row, "promotion", "1")
    code, lines = run(data, capsys)
    assert code == 1
    assert any(
        line.startswith(f"{data / 'mentor.csv'}: column 'promotion': value '1': expected at most 6 respondents in promotion 1")
        for line in lines
    )


def test_harmless_variants_are_warnings(data, capsys):
    _edit(data / "eig.csv", 2, "promotion", "EIG " + _cell(data / "eig.csv", 2, "promotion"))
    _edit(data / "eig.csv", 3, "motivation_salary", _cell(data / "eig.csv", 3, "motivation_salary") + ",0")
    code, lines = run(data, capsys)
    assert code == 0
    assert any(line.startswith(f"{data / 'eig.csv'}:2: warning: column 'promotion': value 'EIG ") for line in lines)
    assert any(line.startswith(f"{data / 'eig.csv'}:3: warning: column 'motivation_salary'") and "read as" in line for line in lines)


def _cell(path, row, column):
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    return rows[row - 1][rows[0].index(column)]


def test_header_repeated_mid_file(data, capsys):
    lines_in = (data / "eig.csv").read_text(encoding="utf-8").split("\n")
    lines_in.insert(9, lines_in[0])
    (data / "eig.csv").write_text("\n".join(lines_in), encoding="utf-8")
    code, lines = run(data, capsys)
    assert code == 1
    assert f"{data / 'eig.csv'}:10: expected data rows only (the header row is repeated here)" in lines


def test_quote_never_closed(data, capsys):
    _edit(data / "eig.csv", 8, "defi", "QUOTE")
    (data / "eig.csv").write_bytes((data / "eig.csv").read_bytes().replace(b"QUOTE", b'"Archifiltre'))
    code, lines = run(data, capsys)
    assert code == 1
    assert any(line.startswith(f"{data / 'eig.csv'}:8: column 'defi': expected well-formed CSV quoting") for line in lines)
    assert not any("Traceback" in line for line in lines)


def test_truncated_xlsx(data, capsys):
    (data / "eig.csv").unlink()
    book = Workbook()
    book.active.append(["respondent_id", "promotion"])
    book.active.append(["E01", 2])
    book.save(data / "eig.xlsx")
    raw = (data / "eig.xlsx").read_bytes()
    (data / "eig.xlsx").write_bytes(raw[: len(raw) // 2])
    code, lines = run(data, capsys)
    assert code == 1
    assert any(line.startswith(f"{data / 'eig.xlsx'}: expected a readable XLSX workbook (truncated or damaged") for line in lines)


def test_every_problem_is_collected(data, capsys):
    _edit(data / "eig.csv", 3, "end_user_satisfaction", "Plutôt content")
    _edit(data / "eig.csv", 4, "motivation_salary", "9")
    _edit(data / "mentor.csv", 5, "promotion", "EIG 9")
    code, lines = run(data, capsys)
    assert code == 1
    located = [line.split(": ")[0] for line in lines]
    assert {f"{data / 'eig.csv'}:3", f"{data / 'eig.csv'}:4", f"{data / 'mentor.csv'}:5"} <= set(located)
    assert lines[-1] == f"{data}: 3 problem(s), 0 warning(s): data set refused; next: " + GENERIC_HINT


def test_two_files_for_one_group(data, capsys):
    book = Workbook()
    book.active.append(["respondent_id", "promotion"])
    book.save(data / "mentor.xlsx")
    code, lines = run(data, capsys)
    assert code == 1
    assert f"{data / 'mentor.csv'}: expected a single file for the mentors (found mentor.csv and mentor.xlsx)" in lines


def test_answer_to_a_question_not_asked_is_a_warning(data, capsys):
    rows = list(csv.reader(io.StringIO((data / "mentor.csv").read_text(encoding="utf-8"))))
    row = next(i for i, r in enumerate(rows) if r[rows[0].index("skills_acquired")] == "no") + 1
    _edit(data / "mentor.csv", row, "skills_reused", "yes")
    code, lines = run(data, capsys)
    assert code == 0
    assert f"{data / 'mentor.csv'}:{row}: warning: column 'skills_reused': answered although 'skills_acquired' is 'no' (kept)" in lines
