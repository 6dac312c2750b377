"""Read one data set (one export per group) into tidy, typed frames.

Real exports come from survey tools and spreadsheets: comma or semicolon CSV,
UTF-8 with or without BOM or Windows-1252, XLSX; answers as labels or codes,
multiple choices as 0/1 columns or joined labels. All of them load to the same
frame (contract in docs/architecture.md), so nothing downstream cares where the
answers came from. Anything unreadable is collected as a ``Problem`` and the
whole data set is refused with every problem at once.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from helpers import CODEBOOK_DIR
from helpers.codebook import COMMON_COLUMNS, GROUPS, MULTI_SEP, Codebook, Question, load_codebooks
from helpers.programme import populations
from helpers.validate import (
    DataError,
    Problem,
    accepted_promotions,
    header_problems,
    respondent_problems,
)

#: Sidecar file of a data set: ``synthetic: true`` makes the report show a banner.
DATASET_FILE = "DATASET.yaml"
GROUP_LABELS = {"eig": "EIG", "mentor": "mentors"}
TRUE_CELLS = {"1", "1.0", "oui", "yes", "vrai", "true", "x"}
FALSE_CELLS = {"0", "0.0", "non", "no", "faux", "false"}
SEPARATORS = ";,"
#: C0 control characters but tab, line feed and carriage return, and DEL (see _control_characters).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PROMOTION = re.compile(r"(?:eig|promo(?:tion)?)?\s*[-_#]?\s*(\d+)(?:[.,]0+)?", re.IGNORECASE)


def norm(text: str) -> str:
    """Matching key: no accents, no case, straight apostrophes, single spaces."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[\u2018\u2019\u02bc\u00b4`]", "'", text).casefold().replace("\u0153", "oe")
    return " ".join(text.split())


@dataclass
class Survey:
    """A loaded data set: one tidy frame per group and what was learnt reading it."""

    frames: dict[str, pd.DataFrame]
    codebooks: dict[str, Codebook]
    synthetic: bool
    files: dict[str, Path]
    warnings: list[Problem] = field(default_factory=list)
    metadata: dict = field(default_factory=dict)


@dataclass
class Table:
    """Raw cells of one export: header and (file row number, cells) pairs."""

    header: list[str]
    rows: list[tuple[int, list[str]]]


# ---------------------------------------------------------------- raw files


def _line_of(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def _decode(raw: bytes, file: str) -> tuple[str | None, list[Problem]]:
    """UTF-8 (BOM or not), else Windows-1252; bytes valid in neither are located."""
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as err:
        utf8_error = err
    # Valid UTF-8 sequences next to invalid bytes: two encodings mixed in one file.
    if not re.search(rb"[\xc3\xc5\xe2][\x80-\xbf]", raw):
        try:
            return raw.decode("cp1252"), []
        except UnicodeDecodeError as err:
            utf8_error = err
    offset = utf8_error.start
    header = re.split(rb"\r\n|\r|\n", raw, maxsplit=1)[0].decode("utf-8", errors="replace")  # any line end
    names = next(csv.reader([header], delimiter=_separator(header)), [])
    # Row as a spreadsheet shows it: the records read before the bad bytes (cells may span lines).
    before = raw[:offset].decode("utf-8-sig", errors="replace")
    try:
        parsed = list(csv.reader(io.StringIO(before, newline=""), delimiter=_separator(header)))
    except csv.Error:
        parsed = None
    if parsed is None:
        line = _line_of(raw, offset)
        start = raw.rfind(b"\n", 0, offset) + 1
        fields = next(csv.reader([raw[start:offset].decode("utf-8", errors="replace")],
                                 delimiter=_separator(header)), [])
    elif not before or before.endswith(("\n", "\r")):  # the bad bytes open a new row
        line, fields = len(parsed) + 1, [""]
    else:
        line, fields = len(parsed), parsed[-1]
    index = max(len(fields), 1) - 1
    column = names[index].strip() if index < len(names) else None
    bad = raw[offset : utf8_error.end]
    return None, [
        Problem(file, line, column, repr(bad)[2:-1], "text in UTF-8 or Windows-1252 (these bytes are neither)")
    ]


def _separator(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in SEPARATORS}
    return max(counts, key=lambda sep: (counts[sep], sep == ","))


def _read_csv(path: Path, file: str) -> tuple[Table | None, list[Problem]]:
    text, problems = _decode(path.read_bytes(), file)
    if text is None:
        return None, problems
    first_line = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(first_line), strict=True)
    records: list[tuple[int, list[str]]] = []
    line = row = 0  # physical lines read; rows as a spreadsheet numbers them (a cell may span lines)
    try:
        for cells in reader:
            row += 1
            # Blank lines are dropped here, not later: a file of a million empty lines stays small.
            if any(c.strip() for c in cells):
                records.append((row, cells))
            line = reader.line_num
    except csv.Error as err:
        start_line = text.split("\n")[line] if line < text.count("\n") + 1 else ""
        try:
            cells = next(csv.reader([start_line], delimiter=_separator(first_line)), [""])
        except csv.Error:  # the row itself holds a cell longer than the csv module allows
            cells = []
        header = records[0][1] if records else []
        column = header[len(cells) - 1].strip() if 0 < len(cells) <= len(header) else None
        if "end of data" in str(err):
            reason = "a quote opened on this row is never closed"
        elif "field limit" in str(err):
            reason = (f"a cell starting on this row runs past {csv.field_size_limit()} characters: "
                      "a quote never closed, or an answer far too long")
        else:
            reason = str(err)
        problems.append(Problem(file, row + 1, column, None, f"well-formed CSV quoting ({reason})"))
        return None, problems
    return _table(records), problems


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(path: Path, file: str) -> tuple[Table | None, list[Problem]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            cells = sheet.iter_rows(values_only=True)
            records = [(n, [_cell(v) for v in row]) for n, row in enumerate(cells, start=1)
                       if any(v is not None and str(v).strip() for v in row)]
        finally:
            workbook.close()
    except Exception as err:  # openpyxl raises zipfile, XML and key errors on damaged files
        expected = f"a readable XLSX workbook (truncated or damaged: {type(err).__name__})"
        return None, [Problem(file, None, None, None, expected)]
    return _table(records), []


def _table(records: list[tuple[int, list[str]]]) -> Table | None:
    records = [(n, cells) for n, cells in records if any(c.strip() for c in cells)]
    if not records:
        return None
    header = list(records[0][1])
    while header and not header[-1].strip():
        header.pop()
    return Table(header=[h.strip() for h in header], rows=records[1:])


def _control_characters(table: Table, file: str) -> list[Problem]:
    """NUL refuses the file; other control characters become spaces, with a warning per cell.

    A NUL in a text export means a UTF-16 or binary file, or a damaged one (and
    many tools cut a string at NUL, so a spreadsheet would show something else
    than what is counted): the first one is reported, once per file. Other C0
    control characters (tab and line breaks excepted) and DEL come from
    copy-pastes (Word's line break is U+000B) and carry nothing: they are
    replaced by a space in place, with a warning naming the cell.
    """
    problems: list[Problem] = []
    nul_seen = False
    names = table.header
    for row, cells in [(1, names), *table.rows]:
        for i, value in enumerate(cells):
            if not _CONTROL.search(value):
                continue
            column = names[i] if i < len(names) else None
            if "\x00" in value:
                if not nul_seen:
                    problems.append(Problem(file, row, column, value, "text without NUL characters (\\x00): "
                                            "re-export as CSV UTF-8 or XLSX (is this a UTF-16 or binary file?)"))
                nul_seen = True
            else:
                cells[i] = _CONTROL.sub(" ", value)
                problems.append(Problem(file, row, column, value, "control character(s) replaced by a space",
                                        "warning"))
    return problems


def read_table(path: Path) -> tuple[Table | None, list[Problem]]:
    """The raw cells of a CSV or XLSX export, or the problems that prevent reading it."""
    file = str(path)
    if path.stat().st_size == 0:
        return None, [Problem(file, None, None, None, "a header row and respondent rows (the file is empty)")]
    table, problems = (_read_xlsx if path.suffix.lower() == ".xlsx" else _read_csv)(path, file)
    if table is not None:
        found = _control_characters(table, file)
        problems.extend(found)
        if any(p.severity == "error" for p in found):
            return None, problems  # NUL: the rest of the file would only add noise
    if table is None and not problems:
        problems = [Problem(file, None, None, None, "a header row and respondent rows (the file is empty)")]
    elif table is not None and not table.rows:
        problems.append(Problem(file, None, None, None, "at least one respondent row below the header"))
    return table, problems


def find_file(data_dir: Path, group: str) -> tuple[Path | None, list[Problem]]:
    found = [data_dir / f"{group}{ext}" for ext in (".csv", ".xlsx") if (data_dir / f"{group}{ext}").is_file()]
    if len(found) == 1:
        return found[0], []
    file, who = str(data_dir / f"{group}.csv"), GROUP_LABELS[group]
    if not found:
        expected = f"a file {group}.csv or {group}.xlsx with the {who}' answers (missing file)"
    else:
        expected = f"a single file for the {who} (found {group}.csv and {group}.xlsx)"
    return None, [Problem(file, None, None, None, expected)]


# ---------------------------------------------------------------- answers


class _Parser:
    """Turns the cells of one group's export into typed answers, collecting problems."""

    def __init__(self, codebook: Codebook, file: str, group: str, pops: dict):
        self.codebook = codebook
        self.file = file
        self.promotions = accepted_promotions(group, pops)
        self.problems: list[Problem] = []
        self.names = self._column_names()

    def _column_names(self) -> dict[str, str]:
        names = {norm(c): c for c in COMMON_COLUMNS}
        texts = [norm(q.text) for q in self.codebook]
        for question in self.codebook:
            names[norm(question.id)] = question.id
            if texts.count(norm(question.text)) == 1:
                names[norm(question.text)] = question.id
            if question.type == "multi":
                for option in question.options:
                    column = f"{question.id}{MULTI_SEP}{option.code}"
                    names[norm(column)] = column
                    names[norm(f"{question.id}{MULTI_SEP}{option.label}")] = column
        return names

    def problem(self, row, column, value, expected, severity="error") -> None:
        self.problems.append(Problem(self.file, row, column, value, expected, severity))

    # -- one value per type
    def promotion(self, row: int, column: str, cell: str) -> int | None:
        text = cell.strip()
        match = _PROMOTION.fullmatch(text)
        allowed = ", ".join(map(str, self.promotions))
        if not text:
            self.problem(row, column, cell, f"a promotion among {allowed} (empty cell)")
            return None
        if not match or int(match[1]) not in self.promotions:
            self.problem(row, column, cell, f"a promotion among {allowed}")
            return None
        if match[1] != text:
            self.problem(row, column, cell, f"read as promotion {int(match[1])}", "warning")
        return int(match[1])

    def scale(self, question: Question, row: int, column: str, cell: str) -> int | None:
        text = cell.strip()
        lo, hi = question.scale_min, question.scale_max
        expected = f"an integer from {lo} to {hi} (scale of '{question.id}')"
        lookup = {norm(o.label): int(o.code) for o in question.options}
        ends = ((question.low_label, lo), (question.high_label, hi))
        lookup.update({norm(label): level for label, level in ends if label})
        if re.fullmatch(r"[+-]?\d+", text):
            value = int(text)
        elif re.fullmatch(r"[+-]?\d+[.,]0+", text):
            value = int(re.split(r"[.,]", text)[0])
            if lo <= value <= hi:
                self.problem(row, column, cell, f"read as {value}", "warning")
        elif norm(text) in lookup:
            return lookup[norm(text)]
        else:
            self.problem(row, column, cell, expected)
            return None
        if not lo <= value <= hi:
            self.problem(row, column, cell, expected)
            return None
        return value

    def option(self, question: Question, row: int, column: str, cell: str) -> str | None:
        lookup = {norm(o.code): o.code for o in question.options} | {norm(o.label): o.code for o in question.options}
        code = lookup.get(norm(cell))
        if code is None:
            labels = " | ".join(o.label for o in question.options)
            self.problem(row, column, cell, f"one of: {labels}")
        return code

    def number(self, row: int, column: str, cell: str) -> float | None:
        text = cell.strip()
        compact = re.sub(r"[\s\u00a0\u202f]", "", text)
        if not re.fullmatch(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)", compact):
            self.problem(row, column, cell, "a number")
            return None
        value = float(compact.replace(",", "."))
        if compact != text or "," in compact:
            self.problem(row, column, cell, f"read as {value:g}", "warning")
        return value

    def ticked(self, question: Question, code: str, row: int, column: str, cell: str) -> bool | None:
        key = norm(cell)
        if key == "":
            return None
        if key in TRUE_CELLS or key in (norm(code), norm(question.label(code))):
            return True
        if key in FALSE_CELLS:
            return False
        self.problem(row, column, cell, f"1/0, Oui/Non or the label '{question.label(code)}'")
        return None

    def joined(self, question: Question, row: int, column: str, cell: str) -> set[str] | None:
        """Chosen labels joined by ';' or ',', matched greedily (labels may contain commas)."""
        text = norm(cell)
        if not text:
            return None
        known = {norm(o.code): o.code for o in question.options} | {norm(o.label): o.code for o in question.options}
        keys = sorted(known.items(), key=lambda kv: -len(kv[0]))
        chosen, pos, bad = set(), 0, []
        while pos < len(text):
            if text[pos] in SEPARATORS or text[pos] == " ":
                pos += 1
                continue
            for key, code in keys:
                end = pos + len(key)
                if text.startswith(key, pos) and (end == len(text) or text[end:].lstrip()[:1] in ("", *SEPARATORS)):
                    chosen.add(code)
                    pos = end
                    break
            else:
                nxt = min([i for i in (text.find(s, pos) for s in SEPARATORS) if i >= 0] or [len(text)])
                bad.append(text[pos:nxt].strip())
                pos = nxt
        if bad:
            labels = " | ".join(o.label for o in question.options)
            self.problem(row, column, cell, f"labels among: {labels} (unknown: {'; '.join(bad)})")
            return None
        return chosen


def _frame(parser: _Parser, table: Table) -> tuple[pd.DataFrame, list[tuple[int, str, int | None]]]:
    codebook = parser.codebook
    mapped = [parser.names.get(norm(h)) for h in table.header]
    parser.problems.extend(header_problems(parser.file, table.header, mapped, codebook))
    where = {name: i for i, name in enumerate(mapped) if name}
    header_key = [norm(h) for h in table.header]
    columns: dict[str, list] = {c: [] for c in codebook.columns}
    ids = []
    for row, cells in table.rows:
        if [norm(c) for c in cells[: len(header_key)]] == header_key:
            parser.problem(row, None, None, "data rows only (the header row is repeated here)")
            continue
        if len(cells) > len(table.header) and any(c.strip() for c in cells[len(table.header) :]):
            parser.problem(row, None, None, f"{len(table.header)} cells as in the header, found {len(cells)}")
        cells = cells + [""] * (len(table.header) - len(cells))

        def cell(name):
            return cells[where[name]] if name in where else ""

        def head(name):
            return table.header[where[name]] if name in where else name

        rid = cell("respondent_id").strip()
        if "respondent_id" in where and not rid:
            parser.problem(row, head("respondent_id"), "", "a respondent_id (empty cell)")
        promotion = parser.promotion(row, head("promotion"), cell("promotion")) if "promotion" in where else None
        ids.append((row, rid, promotion))
        columns["respondent_id"].append(rid or None)
        columns["promotion"].append(promotion)
        columns["defi"].append(cell("defi").strip() or None)
        for question in codebook:
            _answer(parser, question, row, cell, head, where, columns)
    frame = pd.DataFrame({c: _typed(codebook, c, values) for c, values in columns.items()})
    return frame, ids


def _answer(parser, question, row, cell, head, where, columns) -> None:
    qid = question.id
    if question.type == "multi":
        per_option = [c for c in question.columns if c in where]
        if qid in where and per_option:
            parser.problem(row, head(qid), None, f"either the column '{qid}' or the columns '{qid}__…', not both")
        if qid in where and not per_option:
            chosen = parser.joined(question, row, head(qid), cell(qid)) if cell(qid).strip() else None
            for code, column in zip(question.codes, question.columns):
                columns[column].append(None if chosen is None else code in chosen)
            return
        ticks = [
            parser.ticked(question, code, row, head(column), cell(column)) if column in where else None
            for code, column in zip(question.codes, question.columns)
        ]
        blank = all(t is None for t in ticks)
        for column, tick in zip(question.columns, ticks):
            columns[column].append(None if blank else bool(tick))
        return
    text = cell(qid)
    if not text.strip():
        columns[qid].append(None)
    elif question.type == "scale":
        columns[qid].append(parser.scale(question, row, head(qid), text))
    elif question.type == "numeric":
        columns[qid].append(parser.number(row, head(qid), text))
    elif question.type == "free_text":
        columns[qid].append(text.strip())
    else:
        columns[qid].append(parser.option(question, row, head(qid), text))


def _typed(codebook: Codebook, column: str, values: list):
    if column == "promotion":
        return pd.array(values, dtype="Int64")
    if column in ("respondent_id", "defi"):
        return pd.array(values, dtype="string")
    qid = column.split(MULTI_SEP)[0]
    question = codebook[qid]
    if question.type == "multi":
        return pd.array(values, dtype="boolean")
    if question.type == "scale":
        return pd.Categorical(values, categories=list(question.levels), ordered=True)
    if question.type == "numeric":
        return pd.array(values, dtype="Float64")
    if question.type == "free_text":
        return pd.array(values, dtype="string")
    return pd.Categorical(values, categories=list(question.codes), ordered=True)


def _skip_logic_warnings(frame: pd.DataFrame, codebook: Codebook, file: str, rows: list[int]) -> list[Problem]:
    """Answers given although the codebook's ``asked_if`` says the question was not asked."""
    out = []
    for question in codebook:
        if question.asked_if is None:
            continue
        parent, wanted = question.asked_if
        parent_values = frame[parent]
        answered = frame[list(question.columns)].notna().any(axis=1)
        not_asked = parent_values.notna() & ~parent_values.isin(wanted) & answered
        for i in frame.index[not_asked]:
            note = f"answered although '{parent}' is '{parent_values[i]}' (kept)"
            out.append(Problem(file, rows[i], question.id, None, note, "warning"))
    return out


# ---------------------------------------------------------------- data set


def read_metadata(data_dir: Path | str) -> tuple[dict, list[Problem]]:
    """The sidecar ``DATASET.yaml`` (empty when absent)."""
    path = Path(data_dir) / DATASET_FILE
    if not path.is_file():
        return {}, []
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        return {}, [Problem(str(path), None, None, None, f"a YAML mapping ({type(err).__name__})")]
    if not isinstance(doc, dict) or not isinstance(doc.get("synthetic", False), bool):
        return {}, [Problem(str(path), None, "synthetic", None, "a YAML mapping with 'synthetic: true' or 'false'")]
    return doc, []


def is_synthetic(data_dir: Path | str) -> bool:
    """True when the data set's sidecar declares it synthetic (the report then shows a banner)."""
    return bool(read_metadata(data_dir)[0].get("synthetic", False))


def load_survey(data_dir: Path | str, codebook_dir: Path | str = CODEBOOK_DIR) -> Survey:
    """Load and check a data set; raises ``DataError`` listing every problem found."""
    data_dir = Path(data_dir)
    codebooks = load_codebooks(codebook_dir)
    pops = populations()
    metadata, problems = read_metadata(data_dir)
    frames, files = {}, {}
    for group in GROUPS:
        path, found = find_file(data_dir, group)
        problems.extend(found)
        if path is None:
            continue
        table, read = read_table(path)
        problems.extend(read)
        if table is None or not table.rows:
            continue
        parser = _Parser(codebooks[group], str(path), group, pops)
        frame, ids = _frame(parser, table)
        problems.extend(parser.problems)
        problems.extend(respondent_problems(str(path), group, ids, pops))
        problems.extend(_skip_logic_warnings(frame, codebooks[group], str(path), [r for r, _, _ in ids]))
        frames[group], files[group] = frame, path
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    if errors:
        raise DataError(errors, warnings)
    return Survey(
        frames=frames,
        codebooks=codebooks,
        synthetic=bool(metadata.get("synthetic", False)),
        files=files,
        warnings=warnings,
        metadata=metadata,
    )
