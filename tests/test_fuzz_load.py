"""Fuzzing the loader (Hypothesis): a mutated export either loads or is refused with DataError.

Mutations start from the sample's files: byte-level (encodings, separators, line ends, random
bytes inserted or deleted, truncation, duplicated lines) and cell-level (blank, duplicated and
unknown values, control characters, extra or missing cells, renamed header cells). Whatever
happens, ``load_survey`` returns a tidy survey or raises ``DataError`` whose every problem names
a file of the data set and prints on one line, with a row within the file; never another
exception.
"""

import csv
import io
import shutil
import tempfile
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from helpers import SAMPLE_DIR
from helpers.codebook import GROUPS
from helpers.load import Survey, load_survey
from helpers.problems import DataError

ORIGINAL = {g: (SAMPLE_DIR / f"{g}.csv").read_bytes() for g in GROUPS}
CELLS = {g: list(csv.reader(io.StringIO(ORIGINAL[g].decode("utf-8"), newline=""))) for g in GROUPS}
#: One load costs about half a second: half the profile's examples (20 by default).
LOADS = settings(max_examples=max(20, settings.default.max_examples // 2))


def outcome(files: dict[str, bytes]) -> tuple[Survey | None, DataError | None, Path]:
    """Load a data set made of these files (the rest from the sample)."""
    directory = Path(tempfile.mkdtemp(prefix="robust-fuzz-"))
    try:
        for group in GROUPS:
            (directory / f"{group}.csv").write_bytes(files.get(group, ORIGINAL[group]))
        try:
            return load_survey(directory), None, directory
        except DataError as err:
            return None, err, directory
    finally:
        shutil.rmtree(directory)


def check_contract(survey, error, directory, files):
    """A survey in the tidy shape, or a refusal whose every line names a file, a row in it, one line."""
    if error is None:
        assert isinstance(survey, Survey)
        for group in GROUPS:
            assert list(survey.frames[group].columns)[:3] == ["respondent_id", "promotion", "defi"]
        problems = survey.warnings
    else:
        assert error.problems, "a refusal lists at least one problem"
        problems = error.problems + error.warnings
    names = {str(directory / f"{g}.csv"): g for g in GROUPS}
    for problem in problems:
        assert problem.file in names, problem
        line = str(problem)
        assert "\n" not in line and "\r" not in line, line
        if problem.row is not None:
            raw = files.get(names[problem.file], ORIGINAL[names[problem.file]])
            assert 1 <= problem.row <= raw.count(b"\n") + raw.count(b"\r") + 2, line


# ---- byte-level mutations -----------------------------------------------------------------

ENCODINGS = ["cp1252", "utf-8-sig", "utf-16", "latin-1", "mac_roman", "ascii"]


def apply(raw: bytes, op: tuple) -> bytes:
    kind, *args = op
    position = int(args[0] * len(raw)) if args and isinstance(args[0], float) else 0
    if kind == "encode":
        return raw.decode("utf-8", errors="replace").encode(args[0], errors="replace")
    if kind == "separator":
        return raw.replace(b",", args[0])
    if kind == "line_end":
        return raw.replace(b"\n", args[0])
    if kind == "insert":
        return raw[:position] + args[1] + raw[position:]
    if kind == "delete":
        return raw[:position] + raw[position + args[1]:]
    if kind == "truncate":
        return raw[:position]
    if kind == "duplicate_line":
        lines = raw.split(b"\n")
        i = int(args[0] * (len(lines) - 1))
        return b"\n".join(lines[: i + 1] + lines[i:])
    raise AssertionError(kind)


fraction = st.floats(0, 1, exclude_max=True)
BYTE_OPS = st.one_of(
    st.tuples(st.just("encode"), st.sampled_from(ENCODINGS)),
    st.tuples(st.just("separator"), st.sampled_from([b";", b"\t", b"|", b'","'])),
    st.tuples(st.just("line_end"), st.sampled_from([b"\r\n", b"\r", b"\n\n"])),
    st.tuples(st.just("insert"), fraction, st.one_of(st.binary(min_size=1, max_size=6),
                                                     st.sampled_from([b'"', b"\x00", b"\xff\xfe", b"\x0b", b"\xe9",
                                                                      b",", b";", b"\n"]))),
    st.tuples(st.just("delete"), fraction, st.integers(1, 200)),
    st.tuples(st.just("truncate"), fraction),
    st.tuples(st.just("duplicate_line"), fraction),
)


@LOADS
@given(st.sampled_from(GROUPS), st.lists(BYTE_OPS, min_size=1, max_size=3))
@example("eig", [("encode", "utf-16")])
@example("mentor", [("truncate", 0.5)])
@example("eig", [("insert", 0.3, b'"')])
def test_byte_mutations_load_or_are_refused_clearly(group, ops):
    raw = ORIGINAL[group]
    for op in ops:
        raw = apply(raw, op)
    files = {group: raw}
    check_contract(*outcome(files), files)


# ---- cell-level mutations -----------------------------------------------------------------

VALUES = st.one_of(
    st.just(""),
    st.text(max_size=12),
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp"]), min_size=1, max_size=4),
    st.sampled_from(["Oui", "non", "NA", "-", "4,0", "6", "-1", "EIG 2", "Promotion 9", "=1+1", "1 000", "x",
                     "Oui;Non", "Autre, précisez", "\u202eevil", "0x10", "3.5", "nan", "None"]),
)


def cell_op(group: str):
    rows, width = len(CELLS[group]), len(CELLS[group][0])
    at = st.tuples(st.integers(0, rows - 1), st.integers(0, width - 1))
    return st.one_of(
        st.tuples(st.just("set"), at, VALUES),
        st.tuples(st.just("copy"), at, st.integers(1, rows - 1)),  # the same column's value on another row
        st.tuples(st.just("extra"), st.integers(0, rows - 1), VALUES),
        st.tuples(st.just("short"), st.integers(0, rows - 1), st.integers(0, width)),
    )


def mutate(group: str, ops) -> list[list[str]]:
    cells = [list(r) for r in CELLS[group]]
    for kind, where, what in ops:
        row, column = where if isinstance(where, tuple) else (where, None)
        if column is not None and column >= len(cells[row]):  # a row shortened earlier
            cells[row] += [""] * (column + 1 - len(cells[row]))
        if kind == "set":
            cells[row][column] = what
        elif kind == "copy":
            cells[row][column] = cells[what][column] if column < len(cells[what]) else ""
        elif kind == "extra":
            cells[where].append(what)
        elif kind == "short":
            cells[where] = cells[where][:what]
    return cells


@LOADS
@given(st.sampled_from(GROUPS).flatmap(lambda g: st.tuples(st.just(g), st.lists(cell_op(g), min_size=1, max_size=4))),
       st.sampled_from(["utf-8", "cp1252"]), st.sampled_from([",", ";"]))
@example(("eig", [("set", (1, 0), "")]), "utf-8", ",")  # an empty respondent_id
@example(("mentor", [("copy", (2, 0), 1)]), "utf-8", ";")  # a duplicated respondent_id
@example(("eig", [("set", (0, 3), "respondent_id")]), "utf-8", ",")  # two columns for one name
@example(("eig", [("short", 0, 0), ("set", (0, 0), "")]), "utf-8", ",")  # an empty header row
def test_cell_mutations_load_or_are_refused_clearly(case, encoding, separator):
    group, ops = case
    text = io.StringIO(newline="")
    csv.writer(text, delimiter=separator).writerows(mutate(group, ops))
    files = {group: text.getvalue().encode(encoding, errors="replace")}
    survey, error, directory = outcome(files)
    check_contract(survey, error, directory, files)
    single = [op for op in ops if op[0] == "set"]
    if error is not None and len(ops) == 1 and single:
        row = single[0][1][0] + 1  # the spreadsheet's row of the changed cell
        rows = {p.row for p in error.problems}
        assert rows & {row, 1, None}, (row, [str(p) for p in error.problems])


# ---- what the fuzzing found, kept as ordinary tests (shrunk examples) --------------------------


def test_old_mac_line_ends_with_bytes_of_no_known_encoding_are_refused_on_one_line():
    """Found by Hypothesis: a Mac Roman file with CR line ends crashed in csv (new-line in unquoted field)."""
    raw = apply(apply(ORIGINAL["eig"], ("encode", "mac_roman")), ("line_end", b"\r"))
    survey, error, directory = outcome({"eig": raw})
    assert survey is None
    assert "text in UTF-8 or Windows-1252" in str(error.problems[0])
    assert error.problems[0].row is not None and error.problems[0].column is not None
    check_contract(survey, error, directory, {"eig": raw})


def test_cr_line_ends_alone_load():
    survey, error, _ = outcome({"mentor": apply(ORIGINAL["mentor"], ("line_end", b"\r"))})
    assert error is None and len(survey.frames["mentor"]) == 13
