"""Hostile free text: markup, formulas, control characters, bidi marks, 100 kB answers.

A copy of the sample gets, in the EIG free-text question the appendices show
(``work_arrangements_why``), one hostile answer per respondent row.

What the loader does (decided here; data/README.md belongs to the data owner):

- markup, spreadsheet formulas, U+202E, emoji and very long answers load
  unchanged (an answer is kept as written; leading and trailing white space,
  including a leading tab or carriage return, is trimmed like in any cell);
- NUL (U+0000) refuses the file with a line naming file, row and column: in a
  text export it means a UTF-16, binary or damaged file, and many tools cut a
  string at NUL, so a spreadsheet would show something else than what is counted;
- the other C0 control characters (U+0001–U+0008, U+000B, U+000C,
  U+000E–U+001F) and DEL are replaced by a space, with a warning naming the
  cell: they carry nothing (Word's manual line break is U+000B) and would
  otherwise reach HTML, PDF and terminals;
- tab, line feed and carriage return inside an answer are kept.

Then: ``Appendix.verbatims`` escapes everything; ``outputs.write_csv`` prefixes
with ``'`` every text cell starting with ``=``, ``+``, ``-``, ``@``, tab or CR
(OWASP CSV injection) and leaves numbers alone; an executed appendix with these
answers renders to HTML with every answer as text and no script of its own.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from conftest import ROOT
from helpers import SAMPLE_DIR, outputs
from helpers.appendix import Appendix
from helpers.indicators import indicator_table
from helpers.load import load_survey
from helpers.problems import DataError

QUESTION = "work_arrangements_why"
LONG = ("Réponse très longue, avec <b>du gras</b> & des « guillemets » ; " * 2000)[:99_999] + "."
HOSTILE = {
    "script": "<script>alert(1)</script>",
    "img": "<img src=x onerror=alert(1)>",
    "markdown_link": "[clic](javascript:alert(1))",
    "closing_tags": "</li></ul></div><script>alert(2)</script>",
    "entities": "5 &lt; 6 &amp; \"guillemets\" 'simples'",
    "hyperlink": '=HYPERLINK("http://x")',
    "plus": "+1+1",
    "minus": "-2+3",
    "at": "@SUM(A1)",
    "leading_tab": "\t=1+1 après une tabulation",
    "leading_cr": "\r=1+1 après un retour chariot",
    "inner_breaks": "première ligne\r\ndeuxième\tcolonne",
    "long": LONG,
    "controls": "avant\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x1b[31m\x7faprès",
    "rtl": "fichier \u202efdp.exe\u202c fin",
    "emoji": "Super 🎉 👩🏽‍💻 merci",
}
#: OWASP CSV injection: a cell starting with one of these is read as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CONTROL = [chr(c) for c in (*range(0x01, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)]


def _rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _write_rows(path: Path, rows) -> None:
    """Like a spreadsheet's export: CRLF rows, so cells holding a CR or LF are quoted."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(rows)


def expected_answer(raw: str) -> str:
    """What the loader keeps, by the rules of the module docstring."""
    return "".join(" " if c in CONTROL else c for c in raw).strip()


def hostile_copy(target: Path, answers: dict[str, str] = HOSTILE) -> dict[int, str]:
    """Copy the sample into ``target`` with ``answers`` in QUESTION; returns {file row: raw answer}."""
    shutil.copytree(SAMPLE_DIR, target)
    rows = _rows(target / "eig.csv")
    column = rows[0].index(QUESTION)
    assert len(rows) - 1 >= len(answers)
    placed = {}
    for i, value in enumerate(answers.values(), start=1):
        rows[i][column] = value
        placed[i + 1] = value
    _write_rows(target / "eig.csv", rows)
    return placed


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    data = tmp_path_factory.mktemp("hostile") / "data"
    placed = hostile_copy(data)
    return data, placed


@pytest.fixture(scope="module")
def appendix(hostile, tmp_path_factory):
    data, _ = hostile
    return Appendix(data, tmp_path_factory.mktemp("out"), include_verbatims=True)


def test_hostile_answers_load_as_written(hostile):
    data, placed = hostile
    survey = load_survey(data)
    answers = survey.frames["eig"][QUESTION]
    for row, raw in placed.items():
        assert answers[row - 2] == expected_answer(raw), row
    assert len(answers[list(placed.values()).index(LONG)]) == len(LONG)
    assert "\u202e" in answers[list(HOSTILE).index("rtl")]
    assert "\r\n" in answers[list(HOSTILE).index("inner_breaks")]
    # The control characters were flagged where they were, not silently dropped.
    controls_row = 2 + list(HOSTILE).index("controls")
    assert any(w.row == controls_row and w.column == QUESTION for w in survey.warnings)


def test_control_characters_warning_is_one_printable_line(hostile):
    data, _ = hostile
    proc = subprocess.run([sys.executable, "-m", "helpers", "validate", str(data)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    controls_row = 2 + list(HOSTILE).index("controls")
    lines = [line for line in proc.stdout.splitlines() if line.startswith(f"{data / 'eig.csv'}:{controls_row}: ")]
    assert len(lines) == 1 and "après" in lines[0]  # one line: nothing in the value broke it
    for char in [*CONTROL, "\u202e"]:
        assert char not in proc.stdout + proc.stderr, repr(char)


def test_nul_is_refused_with_file_row_and_column(tmp_path):
    data = tmp_path / "data"
    placed = hostile_copy(data, {"nul": "avant\x00après"})
    with pytest.raises(DataError) as caught:
        load_survey(data)
    (row,) = placed
    assert [(p.file, p.row, p.column) for p in caught.value.problems] == [(str(data / "eig.csv"), row, QUESTION)]


def test_verbatims_escape_everything(hostile, appendix):
    _, placed = hostile
    page = appendix.verbatims(QUESTION, "eig")._repr_html_()
    lower = page.lower()
    assert "<script" not in lower and "<img" not in lower and "<iframe" not in lower
    assert 'href="javascript:' not in lower and "<a " not in lower
    soup = BeautifulSoup(page, "html.parser")
    assert [t.name for t in soup.find_all(True) if t.name not in ("div", "p", "strong", "ul", "li")
            and not (t.name == "span" and t.get("class") == ["eig-fictive"])] == []
    assert not [a for t in soup.find_all(True) for a in t.attrs if a.lower().startswith("on")]
    # Every answer comes back as text, whole: escaping lost nothing and added nothing
    # (after the « Réponse fictive » marker of synthetic data).
    for marker in soup.select("span.eig-fictive"):
        marker.decompose()
    shown = sorted(li.get_text().removeprefix(" — ") for li in soup.find_all("li"))
    assert shown == sorted({expected_answer(v) for v in placed.values()} | _other_answers(appendix))


def _other_answers(appendix) -> set[str]:
    """Answers of the rows not overwritten (the sample has more respondents than hostile values)."""
    frame = appendix.frames["eig"]
    kept = frame[QUESTION].iloc[len(HOSTILE):].dropna()
    return {str(a).strip() for a in kept if str(a).strip()}


def _read_back(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _formula_like(cell: str) -> bool:
    if not cell.startswith(FORMULA_STARTS):
        return False
    try:
        float(cell)  # a signed number is a number, not a formula
        return False
    except ValueError:
        return True


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def test_write_csv_neutralises_formula_cells(tmp_path):
    values = [v for v in HOSTILE.values() if v.startswith(FORMULA_STARTS)]
    assert {v[0] for v in values} == set(FORMULA_STARTS)  # every dangerous first character is tried
    frame = pd.DataFrame({
        "object": values,
        "string": pd.array(values, dtype="string"),
        "category": pd.Categorical(values),
        "number": [-2.5 - i for i in range(len(values))],
    })
    rows = _read_back(outputs.write_csv(frame, tmp_path / "t.csv"))
    assert len(rows) == 1 + len(values)  # no cell broke its row
    for i, raw in enumerate(values):
        assert [_lf(c) for c in rows[1 + i][:3]] == ["'" + _lf(raw)] * 3, (raw, rows[1 + i])
        assert float(rows[1 + i][3]) == frame["number"][i]  # numbers stay numbers
    assert not any(_formula_like(c) for r in rows for c in r)


def test_write_csv_keeps_a_carriage_return_inside_its_cell(tmp_path):
    """A bare CR mid-cell must not end the row: the rest would be a new, unneutralised cell."""
    values = ['x\r=HYPERLINK("http://x")', "ligne\r\n@SUM(A1)", "fin\r"]
    for for_humans in (True, False):
        rows = _read_back(outputs.write_csv(pd.DataFrame({"text": values, "n": [1, 2, 3]}), tmp_path / "cr.csv",
                                            for_humans=for_humans))
        assert rows[0] == ["text", "n"] and len(rows) == 4
        assert [r[1] for r in rows[1:]] == ["1", "2", "3"]
        assert [r[0] for r in rows[1:]] == [_lf(v) for v in values]
        assert not any(_formula_like(c) for r in rows for c in r)


def test_write_csv_neutralises_the_header_too(tmp_path):
    path = outputs.write_csv(pd.DataFrame({'=HYPERLINK("http://x")': ["a"], "ok": ["-1"]}), tmp_path / "h.csv")
    rows = _read_back(path)
    assert rows[0] == ["'" + '=HYPERLINK("http://x")', "ok"]
    assert rows[1] == ["a", "-1"]


def test_indicator_table_written_for_humans_has_no_formula(hostile, tmp_path):
    """The real table with hostile labels slipped in (as a future codebook or data-driven option might)."""
    data, _ = hostile
    table = indicator_table(load_survey(data))
    poisoned = table.head(len(HOSTILE)).copy()
    poisoned["option"] = list(HOSTILE.values())
    path = outputs.write_csv(pd.concat([poisoned, table], ignore_index=True), tmp_path / "indicators.csv")
    rows = _read_back(path)
    column = rows[0].index("option")
    assert [r[column] for r in rows[1 : 1 + len(HOSTILE)]] == [
        _lf("'" + v if _formula_like(v) else v) for v in HOSTILE.values()
    ]
    assert not any(_formula_like(c) for r in rows for c in r)
    share = rows[0].index("share")
    assert all(r[share] == "" or 0 <= float(r[share]) <= 1 for r in rows[1:])


def test_tables_command_on_hostile_data(hostile, tmp_path):
    data, _ = hostile
    proc = subprocess.run([sys.executable, "-m", "helpers", "tables", "--data", str(data), "--out", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    for name in ("indicators.csv", "indicators-defi.csv"):
        rows = _read_back(tmp_path / "tables" / name)
        assert len(rows) > 1
        assert not any(_formula_like(c) for r in rows for c in r)


# ---------------------------------------------------------------- rendered appendix


@pytest.fixture(scope="module")
def rendered(hostile, tmp_path_factory):
    """Notebook B (which shows QUESTION's answers) executed on the hostile data and rendered: both pages."""
    data, placed = hostile
    base = tmp_path_factory.mktemp("rendered")
    notebook = ROOT / "notebooks" / "01_perennisation_outils.ipynb"
    assert f'app.verbatims(\\"{QUESTION}\\"' in notebook.read_text(encoding="utf-8")
    out = base / "out"
    params = base / "state" / "params.txt"
    params.parent.mkdir()
    params.write_text(f"DATA={data}\nOUT={out}\nPROMOTIONS=1 2\nCONFIDENCE=0.95\nMIN_CELL=3\n"
                      "WEIGHTING=none\nINCLUDE_VERBATIMS=true\n", encoding="utf-8")
    executed = out / "notebooks" / notebook.name
    run = [sys.executable, "-m", "helpers"]
    proc = subprocess.run([*run, "execute", str(notebook), str(executed), "--params", str(params)], cwd=ROOT,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    proc = subprocess.run([*run, "render", "render-notebook", str(executed), "--out-dir", str(out / "report"),
                           "--data", str(data)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    pages = [out / "report" / f"{notebook.stem}.html", out / "report" / "code" / f"{notebook.stem}.html"]
    return {page: BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser") for page in pages}, placed


@pytest.mark.slow
def test_rendered_appendix_has_no_active_content(rendered):
    pages, _ = rendered
    for page, soup in pages.items():
        # The page's own scripts (if any) carry no payload; none came from the answers.
        for script in soup.find_all("script"):
            assert "alert(" not in script.get_text() and not script.get("src"), (page.name, script)
        for tag in soup.find_all(True):
            assert not [a for a in tag.attrs if a.lower().startswith("on")], (page.name, tag.name)
            for attr in ("href", "src", "action", "formaction"):
                value = "".join(str(tag.get(attr, "")).split()).lower()
                assert not value.startswith("javascript:"), (page.name, tag)
        for img in soup.find_all("img"):
            assert img["src"].startswith("data:image/"), (page.name, str(img)[:200])
        assert not soup.find_all(["iframe", "object", "embed", "form"])


@pytest.mark.slow
def test_rendered_appendix_shows_each_answer_as_text(rendered):
    pages, placed = rendered
    for page, soup in pages.items():
        # HTML reads CRLF as LF; synthetic answers follow their « Réponse fictive » marker
        items = {_lf(li.get_text()).removeprefix("Réponse fictive — ") for li in soup.find_all("li")}
        for raw in placed.values():  # the 100 kB one whole, markup as the characters typed
            assert _lf(expected_answer(raw)) in items, (page.name, expected_answer(raw)[:60])


@pytest.mark.slow
def test_rendered_verbatims_block_keeps_its_markup(rendered):
    """The package's own markup around the answers is rendered, not shown as text."""
    pages, _ = rendered
    for page, soup in pages.items():
        text = soup.get_text()
        assert '<div class="eig-verbatims">' not in text, page.name
        assert soup.select("div.eig-verbatims li"), page.name
