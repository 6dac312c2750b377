"""Bad input, end to end through the command line: one malformed data set per case.

tests/test_validate.py pins the wording of each problem line by calling
``helpers.validate.main`` in-process; this battery is the one place that runs
every case as a user does — ``python -m helpers validate DIR`` in a subprocess —
and checks what the user sees: exit status 1, a line naming the file (and the
row and column when there is one, in the documented ``file:row: column 'c'``
form), no Python traceback, and, for a few cases, that ``make report`` refuses
the data set and leaves an existing ``OUT`` byte for byte as it was.

Each data set is a copy of ``data/sample`` damaged at test time in ``tmp_path``
(export-shaped files never live anywhere else in the tree: the privacy guard
refuses them). Harmless variants (``4,0``, ``EIG 2``, control characters) are
accepted with a warning line.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import Workbook

from conftest import ROOT
from helpers import SAMPLE_DIR
from helpers.codebook import load_codebooks
from helpers.load import load_survey
from helpers.headcounts import populations

CODEBOOKS = load_codebooks()


# ---------------------------------------------------------------- building bad data sets


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def _write_rows(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _set(path: Path, row: int, column: str, value: str) -> None:
    """Set one cell; ``row`` as a spreadsheet shows it (header = 1)."""
    rows = _rows(path)
    rows[row - 1][rows[0].index(column)] = value
    _write_rows(path, rows)


def _get(path: Path, row: int, column: str) -> str:
    rows = _rows(path)
    return rows[row - 1][rows[0].index(column)]


def _first(group: str, kind: str) -> str:
    return next(q.id for q in CODEBOOKS[group] if q.type == kind)


@dataclass
class Expect:
    """Where the problem must be reported; ``ok``: accepted (exit 0) with a warning there."""

    file: Path
    row: int | None = None
    column: str | None = None
    value: str | None = None
    ok: bool = False

    def prefix(self) -> str:
        """The documented start of the problem line (docs/architecture.md, Problems)."""
        head = str(self.file) if self.row is None else f"{self.file}:{self.row}"
        parts = [head] + (["warning"] if self.ok else []) + ([f"column '{self.column}'"] if self.column else [])
        return ": ".join(parts)


def missing_file(d: Path) -> Expect:
    (d / "mentor.csv").unlink()
    return Expect(d / "mentor.csv")


def empty_file(d: Path) -> Expect:
    (d / "eig.csv").write_bytes(b"")
    return Expect(d / "eig.csv")


def undecodable_bytes(d: Path) -> Expect:
    _set(d / "eig.csv", 5, "defi", "MARK")
    raw = (d / "eig.csv").read_bytes().replace(b"MARK", "Défi ".encode() + b"\x81\x8d")
    (d / "eig.csv").write_bytes(raw)
    return Expect(d / "eig.csv", 5, "defi")


def missing_required_column(d: Path) -> Expect:
    rows = _rows(d / "mentor.csv")
    i = rows[0].index("promotion")
    _write_rows(d / "mentor.csv", [r[:i] + r[i + 1 :] for r in rows])
    return Expect(d / "mentor.csv", 1, "promotion")


def unknown_option_label(d: Path) -> Expect:
    qid = _first("eig", "single")
    _set(d / "eig.csv", 3, qid, "Plutôt content")
    return Expect(d / "eig.csv", 3, qid, "Plutôt content")


def scale_out_of_range(d: Path) -> Expect:
    q = next(q for q in CODEBOOKS["mentor"] if q.type == "scale")
    _set(d / "mentor.csv", 4, q.id, str(q.scale_max + 1))
    return Expect(d / "mentor.csv", 4, q.id, str(q.scale_max + 1))


def duplicate_respondent_id(d: Path) -> Expect:
    first = _get(d / "eig.csv", 2, "respondent_id")
    _set(d / "eig.csv", 6, "respondent_id", first)
    return Expect(d / "eig.csv", 6, "respondent_id", first)


def unknown_promotion(d: Path) -> Expect:
    assert not any(p == 99 for _, p in populations())
    _set(d / "eig.csv", 7, "promotion", "99")
    return Expect(d / "eig.csv", 7, "promotion", "99")


def non_numeric_value(d: Path) -> Expect:
    qid = _first("mentor", "numeric")
    _set(d / "mentor.csv", 3, qid, "une dizaine")
    return Expect(d / "mentor.csv", 3, qid, "une dizaine")


def more_respondents_than_population(d: Path) -> Expect:
    rows = _rows(d / "mentor.csv")
    assert len(rows) - 1 > populations()[("mentor", 1)]
    for r in rows[1:]:
        r[rows[0].index("promotion")] = "1"
    _write_rows(d / "mentor.csv", rows)
    return Expect(d / "mentor.csv", None, "promotion", "1")


def truncated_xlsx(d: Path) -> Expect:
    book = Workbook()
    for r in _rows(d / "eig.csv"):
        book.active.append(r)
    book.save(d / "eig.xlsx")
    (d / "eig.csv").unlink()
    raw = (d / "eig.xlsx").read_bytes()
    (d / "eig.xlsx").write_bytes(raw[: len(raw) // 2])
    return Expect(d / "eig.xlsx")


def xlsx_that_is_a_csv(d: Path) -> Expect:
    (d / "eig.csv").rename(d / "eig.xlsx")
    return Expect(d / "eig.xlsx")


def quote_never_closed(d: Path) -> Expect:
    _set(d / "eig.csv", 8, "defi", "MARK")
    (d / "eig.csv").write_bytes((d / "eig.csv").read_bytes().replace(b"MARK", b'"Archifiltre'))
    return Expect(d / "eig.csv", 8, "defi")


def header_repeated_mid_file(d: Path) -> Expect:
    lines = (d / "eig.csv").read_text(encoding="utf-8").split("\n")
    lines.insert(9, lines[0])
    (d / "eig.csv").write_text("\n".join(lines), encoding="utf-8")
    return Expect(d / "eig.csv", 10)


def million_empty_lines(d: Path) -> Expect:
    (d / "eig.csv").write_bytes(b"\n" * 1_000_000)
    return Expect(d / "eig.csv")


def bom_then_nothing(d: Path) -> Expect:
    (d / "eig.csv").write_bytes(b"\xef\xbb\xbf")
    return Expect(d / "eig.csv")


def mixed_encodings(d: Path) -> Expect:
    """Rows up to the first accented one after row 3 in UTF-8, the rest in Windows-1252."""
    text = (d / "eig.csv").read_text(encoding="utf-8")
    rows = _rows(d / "eig.csv")
    lines = text.split("\n")
    assert any(not line.isascii() for line in lines[:3])  # valid UTF-8 sequences before the switch
    switch = next(i for i, line in enumerate(lines) if i >= 3 and not line.isascii())
    raw = "\n".join(lines[:switch]).encode("utf-8") + b"\n" + "\n".join(lines[switch:]).encode("cp1252")
    (d / "eig.csv").write_bytes(raw)
    column = next(h for h, cell in zip(rows[0], rows[switch]) if not cell.isascii())
    return Expect(d / "eig.csv", switch + 1, column)


def nul_in_a_cell(d: Path) -> Expect:
    _set(d / "eig.csv", 4, "defi", "Signaux\x00Faibles")
    return Expect(d / "eig.csv", 4, "defi")


def utf16_export(d: Path) -> Expect:
    """UTF-16 without its byte order mark (with one, it is read: tests/test_formats.py)."""
    text = (d / "mentor.csv").read_text(encoding="utf-8")
    (d / "mentor.csv").write_bytes(text.encode("utf-16-le"))
    return Expect(d / "mentor.csv", 1)


def cell_longer_than_csv_allows(d: Path) -> Expect:
    _set(d / "eig.csv", 5, "work_arrangements_why", "trop long " * 20_000)
    return Expect(d / "eig.csv", 5)


def multi_line_terminal_escape_value(d: Path) -> Expect:
    """A bad value with a line break and an ANSI escape: still one line, nothing sent to the terminal."""
    qid = _first("eig", "yes_no_dk")
    _set(d / "eig.csv", 6, qid, "Oui\nNon \x1b[2J\x1b[31mpeut-être")
    return Expect(d / "eig.csv", 6, qid)


def _multi_line_answer_on_row_3(d: Path) -> None:
    _set(d / "eig.csv", 3, "work_arrangements_why", "première ligne\ndeuxième ligne\r\ntroisième ligne")


def error_after_a_multi_line_answer(d: Path) -> Expect:
    """Rows are counted as a spreadsheet shows them, not as physical lines of the file."""
    _multi_line_answer_on_row_3(d)
    qid = _first("eig", "single")
    _set(d / "eig.csv", 5, qid, "Plutôt content")
    return Expect(d / "eig.csv", 5, qid, "Plutôt content")


def undecodable_bytes_after_a_multi_line_answer(d: Path) -> Expect:
    _multi_line_answer_on_row_3(d)
    _set(d / "eig.csv", 6, "defi", "MARK")
    raw = (d / "eig.csv").read_bytes().replace(b"MARK", "Défi ".encode() + b"\x81")
    (d / "eig.csv").write_bytes(raw)
    return Expect(d / "eig.csv", 6, "defi")


def dataset_yaml_not_a_mapping(d: Path) -> Expect:
    (d / "DATASET.yaml").write_text("synthetic: [jamais fermé\n", encoding="utf-8")
    return Expect(d / "DATASET.yaml")


# Harmless variants: accepted, with a warning line at the cell.


def scale_written_4_0(d: Path) -> Expect:
    qid = _first("eig", "scale")
    q = CODEBOOKS["eig"][qid]
    value = f"{q.scale_max},0"
    _set(d / "eig.csv", 3, qid, value)
    return Expect(d / "eig.csv", 3, qid, value, ok=True)


def promotion_written_eig_2(d: Path) -> Expect:
    _set(d / "eig.csv", 2, "promotion", "EIG 2")
    return Expect(d / "eig.csv", 2, "promotion", "EIG 2", ok=True)


def control_characters_in_free_text(d: Path) -> Expect:
    _set(d / "eig.csv", 4, "work_arrangements_why", "ligne\x0bsuivante\x07")
    return Expect(d / "eig.csv", 4, "work_arrangements_why", ok=True)


REFUSED = [
    missing_file, empty_file, undecodable_bytes, missing_required_column, unknown_option_label,
    scale_out_of_range, duplicate_respondent_id, unknown_promotion, non_numeric_value,
    more_respondents_than_population, truncated_xlsx, xlsx_that_is_a_csv, quote_never_closed,
    header_repeated_mid_file, million_empty_lines, bom_then_nothing, mixed_encodings, nul_in_a_cell,
    utf16_export, cell_longer_than_csv_allows, multi_line_terminal_escape_value, dataset_yaml_not_a_mapping,
    error_after_a_multi_line_answer, undecodable_bytes_after_a_multi_line_answer,
]
ACCEPTED = [scale_written_4_0, promotion_written_eig_2, control_characters_in_free_text]


# ---------------------------------------------------------------- running the command line


@dataclass
class Run:
    code: int
    out: str
    err: str
    seconds: float
    peak_rss_kb: int

    @property
    def lines(self) -> list[str]:
        return (self.out + self.err).splitlines()


def run_cli(*args: str, cwd: Path = ROOT) -> Run:
    """``python -m helpers ARGS`` in a subprocess, with its own wall time and peak memory."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "helpers", *args], cwd=cwd, stdout=out, stderr=err,
                                stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - start
        out.seek(0)
        err.seek(0)
        return Run(proc.returncode, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                   seconds, usage.ru_maxrss)


@pytest.fixture(scope="module")
def clean_run() -> Run:
    """The untouched sample through the same command: the reference for time and memory."""
    run = run_cli("validate", str(SAMPLE_DIR))
    assert run.code == 0, run.err
    return run


@pytest.fixture
def data(tmp_path) -> Path:
    """A full copy of the sample (eig, mentor, DATASET.yaml)."""
    target = tmp_path / "data"
    shutil.copytree(SAMPLE_DIR, target)
    return target


def _tree(folder: Path) -> dict:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for p in sorted(folder.rglob("*"))}


def _check_no_traceback(run: Run) -> None:
    assert "Traceback" not in run.out + run.err, run.out + run.err
    assert not any(line.startswith(("  File ", "During handling")) for line in run.lines)


# ---------------------------------------------------------------- the battery


@pytest.mark.parametrize("damage", REFUSED, ids=lambda f: f.__name__)
def test_refused_with_a_located_message(damage, data, clean_run):
    expect = damage(data)
    before = _tree(data)
    run = run_cli("validate", str(data))
    _check_no_traceback(run)
    assert run.code == 1, run.out + run.err
    assert _tree(data) == before  # the validator writes nothing
    errors = [line for line in run.err.splitlines() if ": warning: " not in line]
    located = [line for line in errors if line.startswith(expect.prefix() + ":")]
    assert located, f"no line starting with {expect.prefix()!r} in:\n{run.err}"
    if expect.value is not None:
        assert any(f"'{expect.value}'" in line for line in located), located
    assert errors[-1].startswith(str(data)) and "refused" in errors[-1]
    for line in run.lines:  # one line per problem, no raw control character reaches the terminal
        assert not any(ord(c) < 32 for c in line), repr(line)
    # Refused without holding the whole file in memory many times over (time: benchmarks, not tests).
    assert run.peak_rss_kb < clean_run.peak_rss_kb + 100_000, (run.peak_rss_kb, clean_run.peak_rss_kb)


@pytest.mark.parametrize("variant", ACCEPTED, ids=lambda f: f.__name__)
def test_harmless_variant_accepted_with_a_warning(variant, data):
    expect = variant(data)
    run = run_cli("validate", str(data))
    _check_no_traceback(run)
    assert run.code == 0, run.out + run.err
    warned = [line for line in run.out.splitlines() if line.startswith(expect.prefix() + ":")]
    assert warned, f"no warning starting with {expect.prefix()!r} in:\n{run.out}"
    if expect.value is not None:
        assert any(f"'{expect.value}'" in line for line in warned)
    assert run.out.splitlines()[-1].startswith(f"{data}: valid")


def test_harmless_variants_load_as_their_value(data):
    """``4,0`` is the level 4 (here the scale's top), ``EIG 2`` is promotion 2, a control character a space."""
    scale = scale_written_4_0(data)
    promo = promotion_written_eig_2(data)
    text = control_characters_in_free_text(data)
    eig = load_survey(data).frames["eig"]
    assert eig.loc[scale.row - 2, scale.column] == int(scale.value.split(",")[0])
    assert eig.loc[promo.row - 2, "promotion"] == 2
    assert eig.loc[text.row - 2, text.column] == "ligne suivante"


def test_trailing_million_blank_lines_are_ignored(data, clean_run):
    """A spreadsheet export padded with a million empty rows loads like the unpadded one, in about
    the same memory (rows are streamed, not held)."""
    with open(data / "eig.csv", "ab") as fh:
        fh.write(b"\r\n" * 1_000_000)
    run = run_cli("validate", str(data))
    _check_no_traceback(run)
    assert run.code == 0, run.err
    assert run.peak_rss_kb < clean_run.peak_rss_kb + 100_000
    assert len(load_survey(data).frames["eig"]) == len(_rows(SAMPLE_DIR / "eig.csv")) - 1


# ---------------------------------------------------------------- make report refuses, OUT untouched

MAKE_CASES = [missing_file, quote_never_closed, mixed_encodings, more_respondents_than_population]


def _out_tree(out: Path) -> dict:
    """Every entry under OUT: content hash, mode and modification time (nothing rewritten in place)."""
    tree = {}
    for p in sorted(out.rglob("*")):
        st = p.lstat()
        digest = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
        tree[str(p.relative_to(out))] = (digest, st.st_mode, st.st_mtime_ns, st.st_size)
    return tree


@pytest.mark.slow
@pytest.mark.parametrize("damage", MAKE_CASES, ids=lambda f: f.__name__)
def test_make_report_refuses_and_leaves_out_untouched(damage, data, tmp_path):
    expect = damage(data)
    out = tmp_path / "out"
    for rel, content in {
        "MARKER": b"previous run, must survive\n",
        "report/index.html": b"<!doctype html><title>ancien rapport</title>\n",
        "tables/indicators.csv": b"question_id,option\nx,y\n",
        "figures/fig01_eig.svg": b"<svg xmlns='http://www.w3.org/2000/svg'/>\n",
        ".staging/keep.txt": b"not ours\n",
    }.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(content)
    before = _out_tree(out)
    proc = subprocess.run(["make", "--no-print-directory", "report", f"DATA={data}", f"OUT={out}"], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stdout + proc.stderr
    assert any(line.startswith(expect.prefix() + ":") for line in proc.stderr.splitlines()), proc.stderr
    assert "helpers execute" not in proc.stdout  # validation came first and stopped the build
    assert _out_tree(out) == before
