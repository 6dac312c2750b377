"""Read one data set (one export per group) into tidy, typed frames.

Real exports come from survey tools and spreadsheets: comma, semicolon or tab
separated text (``.csv``, ``.tsv``, Excel's "Texte Unicode" ``.txt``) in UTF-8
with or without BOM, UTF-16 with BOM or Windows-1252, XLSX workbooks, SPSS
``.sav`` files with value labels; columns named by id, by wording or as grid
rows ``Stem [Item]``, or through a ``mapping.yaml`` (helpers.mapping); answers
as labels or codes, multiple choices as 0/1 columns or joined labels. All of
them load to the same frame (contract in docs/architecture.md), so nothing
downstream cares where the answers came from. Anything unreadable is collected
as a ``Problem`` and the whole data set is refused with every problem at once.
The export itself is only read, never changed.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers import CODEBOOK_DIR
from helpers.codebook import GROUP_NAMES, GROUPS, MULTI_SEP, Codebook, Question, load_codebooks
from helpers.headcounts import BASE_PROMOTIONS, populations
from helpers.mapping import (
    IGNORE,
    TIMESTAMP,
    GroupMapping,
    Mapping,
    Resolver,
    label_row,
    load_mapping,
    missing_keys,
    norm,
)
from helpers.problems import DataError, ImportSummary, Problem, printable
from helpers.sidecar import dataset_kind, read_metadata

__all__ = ["Survey", "Table", "find_file", "load_survey", "read_table"]

TRUE_CELLS = {"1", "1.0", "oui", "yes", "y", "vrai", "true", "x"}
FALSE_CELLS = {"0", "0.0", "non", "no", "n", "faux", "false"}
#: Between the labels of a multiple-choice answer held in one cell.
SEPARATORS = ";,"
#: Between the cells of a text export, by preference when the header reads as well with several.
FIELD_SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}
#: Export names looked for, per group: ``eig.csv``, ``eig.tsv``… (``file:`` in the mapping overrides).
EXTENSIONS = (".csv", ".tsv", ".txt", ".xlsx", ".sav")
#: C0 control characters but tab, line feed and carriage return, and DEL (see _control_characters).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
REQUIRED_COLUMNS = ("respondent_id", "promotion")
_PROMOTION = re.compile(r"(?:eig|promo(?:tion)?)?\s*[-_#]?\s*(\d+)(?:[.,]0+)?", re.IGNORECASE)


@dataclass
class Survey:
    """A loaded data set: one tidy frame per group and what was learnt reading it."""

    frames: dict[str, pd.DataFrame]
    codebooks: dict[str, Codebook]
    synthetic: bool
    files: dict[str, Path]
    warnings: list[Problem] = field(default_factory=list)
    metadata: dict = field(default_factory=dict)
    #: How each group's export was read (layout, columns read, absent, not asked, unknown, timestamps).
    imports: dict[str, ImportSummary] = field(default_factory=dict)
    #: The mapping file applied, if any (the report's provenance names it with its SHA-256).
    mapping: Path | None = None

    @property
    def kind(self) -> str:
        """``calibrated``, ``synthetic`` or ``real`` (see :func:`dataset_kind`)."""
        return dataset_kind(self.metadata)


@dataclass
class Table:
    """Raw cells of one export: header and (file row number, cells) pairs."""

    header: list[str]
    rows: list[tuple[int, list[str]]]
    #: A second name per column: SPSS variable labels, or a second header row of wordings.
    labels: list[str] = field(default_factory=list)
    #: How the file was read (encoding, separator, sheet), for the validation summary.
    details: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- raw files


def _line_of(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


REEXPORT = "re-export as CSV UTF-8 or XLSX, or name the encoding in mapping.yaml (encoding: cp1252, utf-16…)"


def _decode(raw: bytes, file: str, encoding: str | None = None) -> tuple[str | None, list[Problem], str]:
    """The mapping's encoding, else UTF-16 (by its BOM), UTF-8 (BOM or not), Windows-1252; bad bytes are located."""
    if encoding:
        try:
            return raw.decode(encoding), [], encoding
        except UnicodeDecodeError as err:
            return None, [Problem(file, _line_of(raw, err.start), None, repr(raw[err.start:err.end])[2:-1],
                                  f"text in {encoding}, the encoding mapping.yaml names (these bytes are not)",
                                  hint="remove encoding: from mapping.yaml to let the loader detect it, "
                                       "or name the right one")], encoding
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16"), [], "UTF-16"
        except UnicodeDecodeError as err:
            return None, [Problem(file, None, None, None, "text in UTF-16, as its byte order mark announces "
                                  f"(bytes {err.start}-{err.end} are not)", hint=REEXPORT)], "UTF-16"
    try:
        return raw.decode("utf-8-sig"), [], "UTF-8"
    except UnicodeDecodeError as err:
        utf8_error = err
    # Valid UTF-8 sequences next to invalid bytes: two encodings mixed in one file.
    if not re.search(rb"[\xc3\xc5\xe2][\x80-\xbf]", raw):
        try:
            return raw.decode("cp1252"), [], "Windows-1252"
        except UnicodeDecodeError as err:
            utf8_error = err
    offset = utf8_error.start
    header = re.split(rb"\r\n|\r|\n", raw, maxsplit=1)[0].decode("utf-8", errors="replace")  # any line end
    sep = _separator(header)
    names = next(csv.reader([header], delimiter=sep), [])
    # Row as a spreadsheet shows it: the records read before the bad bytes (cells may span lines).
    before = raw[:offset].decode("utf-8-sig", errors="replace")
    try:
        parsed = list(csv.reader(io.StringIO(before, newline=""), delimiter=sep))
    except csv.Error:
        parsed = None
    if parsed is None:
        line = _line_of(raw, offset)
        start = raw.rfind(b"\n", 0, offset) + 1
        fields = next(csv.reader([raw[start:offset].decode("utf-8", errors="replace")], delimiter=sep), [])
    elif not before or before.endswith(("\n", "\r")):  # the bad bytes open a new row
        line, fields = len(parsed) + 1, [""]
    else:
        line, fields = len(parsed), parsed[-1]
    index = max(len(fields), 1) - 1
    column = names[index].strip() if index < len(names) else None
    bad = raw[offset : utf8_error.end]
    return None, [
        Problem(file, line, column, repr(bad)[2:-1], "text in UTF-8 or Windows-1252 (these bytes are neither)",
                hint=REEXPORT)
    ], ""


def _separator(text: str) -> str:
    """The separator that splits the header record into the most cells (quotes respected); ',' on a tie."""
    first = text.split("\n", 1)[0]

    def cells(sep: str) -> int:
        try:
            return len(next(csv.reader([first], delimiter=sep), []))
        except csv.Error:
            return 0

    return max(FIELD_SEPARATORS, key=lambda sep: (cells(sep), sep == ","))


def _read_csv(path: Path, file: str, gm: GroupMapping) -> tuple[Table | None, list[Problem]]:
    text, problems, encoding = _decode(path.read_bytes(), file, gm.encoding)
    if text is None:
        return None, problems
    first_line = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]
    sep = gm.separator or _separator(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
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
            cells = next(csv.reader([start_line], delimiter=sep), [""])
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
        problems.append(Problem(file, row + 1, column, None, f"well-formed CSV quoting ({reason})",
                                hint="close the quote in a copy of the export, or re-export it as XLSX"))
        return None, problems
    table = _table(records)
    if table is not None:
        table.details = [encoding, f"{FIELD_SEPARATORS[sep]}-separated"]
    return table, problems


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and value != value):  # NaN: an empty SPSS cell
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(path: Path, file: str, gm: GroupMapping, resolver: Resolver | None) -> tuple[Table | None, list[Problem]]:
    """The sheet the mapping names, else the one whose header names most codebook columns."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            sheets = {}
            for sheet in workbook.worksheets:
                if gm.sheet and sheet.title != gm.sheet:
                    continue
                cells = sheet.iter_rows(values_only=True)
                sheets[sheet.title] = [(n, [_cell(v) for v in row]) for n, row in enumerate(cells, start=1)
                                       if any(v is not None and str(v).strip() for v in row)]
            titles = [sheet.title for sheet in workbook.worksheets]
        finally:
            workbook.close()
    except Exception as err:  # openpyxl raises zipfile, XML and key errors on damaged files
        expected = f"a readable XLSX workbook (truncated or damaged: {type(err).__name__})"
        return None, [Problem(file, None, None, None, expected, hint="re-export the workbook, or export CSV UTF-8")]
    listed = ", ".join(f"'{printable(t)}'" for t in titles)
    if gm.sheet and gm.sheet not in sheets:
        return None, [Problem(file, None, None, gm.sheet, f"a sheet named as in mapping.yaml (sheets found: {listed})",
                              hint="set sheet: in mapping.yaml to one of the sheets found")]
    tables = {title: _table(records) for title, records in sheets.items()}
    problems = []

    def score(title: str) -> int:
        table = tables[title]
        return 0 if table is None or resolver is None else sum(resolver.resolve(h) is not None for h in table.header)

    chosen = max(titles, key=score) if not gm.sheet else gm.sheet
    if len(titles) > 1 and not gm.sheet:
        if score(chosen) == 0:
            return None, [Problem(file, None, None, None,
                                  f"a sheet whose header row names the questions (sheets found: {listed})",
                                  hint="name the sheet holding the answers with sheet: in mapping.yaml")]
        others = ", ".join(f"'{printable(t)}'" for t in titles if t != chosen)
        problems.append(Problem(file, None, None, None, f"read the sheet '{printable(chosen)}', whose header names "
                                f"the questions (other sheets: {others}); sheet: in mapping.yaml chooses another",
                                "warning"))
    table = tables[chosen]
    if table is not None:
        table.details = [f"sheet '{chosen}'"]
    return table, problems


def _read_sav(path: Path, file: str) -> tuple[Table | None, list[Problem]]:
    """An SPSS file: variable names as header, variable labels as second names, value labels as answers."""
    import pyreadstat

    try:
        frame, meta = pyreadstat.read_sav(str(path), apply_value_formats=True, formats_as_category=False)
    except Exception as err:  # pyreadstat raises its own errors, and OSError, on damaged files
        return None, [Problem(file, None, None, None, f"a readable SPSS .sav file ({type(err).__name__})",
                              hint="re-export the .sav file, or export CSV UTF-8 instead")]
    header = [str(c) for c in frame.columns]
    labels = [meta.column_names_to_labels.get(c) or "" for c in frame.columns]
    rows = [(n, [_cell(v) for v in values]) for n, values in enumerate(frame.itertuples(index=False), start=2)]
    table = Table(header=header, rows=[(n, cells) for n, cells in rows if any(c.strip() for c in cells)],
                  labels=labels, details=["SPSS file, value labels applied"])
    return table, []


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
    than what is counted): the first one is reported, once per file, without
    echoing the cell (it would be mojibake). Other C0 control characters (tab
    and line breaks excepted) and DEL come from copy-pastes (Word's line break
    is U+000B) and carry nothing: they are replaced by a space in place, with a
    warning naming the cell.
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
                    problems.append(Problem(file, row, column, None, "text without NUL characters (\\x00): a UTF-16 "
                                            "file without byte order mark, or a binary one?", hint=REEXPORT))
                nul_seen = True
            else:
                cells[i] = _CONTROL.sub(" ", value)
                problems.append(Problem(file, row, column, value, "control character(s) replaced by a space",
                                        "warning"))
    return problems


def read_table(path: Path, gm: GroupMapping | None = None,
               resolver: Resolver | None = None) -> tuple[Table | None, list[Problem]]:
    """The raw cells of an export, or the problems that prevent reading it.

    ``gm`` gives what cannot be detected (encoding, separator, sheet, rows to
    skip); ``resolver`` scores the sheets of a workbook by their header.
    """
    gm = gm or GroupMapping()
    file = str(path)
    empty = "a header row and respondent rows (the file is empty)"
    if path.stat().st_size == 0:
        return None, [Problem(file, None, None, None, empty, hint="export the answers again")]
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        table, problems = _read_xlsx(path, file, gm, resolver)
    elif suffix == ".sav":
        table, problems = _read_sav(path, file)
    else:
        table, problems = _read_csv(path, file, gm)
    if table is not None:
        found = _control_characters(table, file)
        problems.extend(found)
        if any(p.severity == "error" for p in found):
            return None, problems  # NUL: the rest of the file would only add noise
        if gm.skip_rows:
            skipped = [cells for n, cells in table.rows if n in gm.skip_rows]
            table.rows = [(n, cells) for n, cells in table.rows if n not in gm.skip_rows]
            if skipped and not table.labels:
                table.labels = skipped[0]
    if table is None and not problems:
        problems = [Problem(file, None, None, None, empty, hint="export the answers again")]
    elif table is not None and not table.rows:
        problems.append(Problem(file, None, None, None, "at least one respondent row below the header",
                                hint="export the answers again, with the respondents' rows"))
    return table, problems


def find_file(data_dir: Path, group: str, gm: GroupMapping | None = None) -> tuple[Path | None, list[Problem]]:
    """The export of one group: the mapping's ``file:``, else ``<group>.csv|tsv|txt|xlsx|sav``."""
    who = GROUP_NAMES[group]
    if gm is not None and gm.file:
        path = data_dir / gm.file
        if path.is_file():
            return path, []
        return None, [Problem(str(path), None, None, None, f"the export of the {who} that mapping.yaml names "
                              "(missing file)", hint=f"put the file in {data_dir}, or correct file: in mapping.yaml")]
    found = [data_dir / f"{group}{ext}" for ext in EXTENSIONS if (data_dir / f"{group}{ext}").is_file()]
    if len(found) == 1:
        return found[0], []
    file = str(data_dir / f"{group}.csv")
    names = ", ".join(f"{group}{ext}" for ext in EXTENSIONS)
    if not found:
        expected = f"a file {group}.csv (or .tsv, .txt, .xlsx, .sav) with the answers of the {who} (missing file)"
        hint = f"put the export of the {who} in {data_dir} as one of {names}, or name it with file: in mapping.yaml"
    else:
        listed = " and ".join(p.name for p in found)
        expected = f"a single file for the {who} (found {listed})"
        hint = f"keep one of {listed} in {data_dir}"
    return None, [Problem(file, None, None, None, expected, hint=hint)]


# ---------------------------------------------------------------- answers


class _Parser:
    """Turns the cells of one group's export into typed answers, collecting problems."""

    def __init__(self, codebook: Codebook, file: str, group: str, pops: dict, mapping: Mapping | None = None):
        mapping = mapping or Mapping()
        self.codebook = codebook
        self.file = file
        self.promotions = accepted_promotions(group, pops)
        self.problems: list[Problem] = []
        self.gm = mapping.group(group)
        self.resolver = Resolver(codebook, self.gm)
        self.missing = missing_keys(mapping, group)
        self.missing_count = 0
        self.promotion_forms: list[tuple[int, str, str, int]] = []

    def clean(self, qid: str, cell: str) -> str:
        """A cell as the parsers see it: a non-answer word (``N/A``…) is empty, a mapped answer its code."""
        if cell.strip() and norm(cell) in self.missing:
            self.missing_count += 1
            return ""
        return self.gm.answers.get(qid, {}).get(cell.strip(), cell)

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
        if match[1] != text:  # one warning per file (every row of a form's export reads "Promotion 2")
            self.promotion_forms.append((row, column, cell, int(match[1])))
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


def _frame(parser: _Parser, table: Table) -> tuple[pd.DataFrame, list[tuple[int, str, int | None]], ImportSummary]:
    codebook, resolver, gm = parser.codebook, parser.resolver, parser.gm
    summary = ImportSummary(codebook.group, parser.file, details=list(table.details))
    if table.rows and not table.labels and label_row(resolver, table.header, table.rows[0][1]):
        row, table.labels = table.rows.pop(0)
        parser.problem(row, None, None, f"a second header row (the questions' wording): read as column labels, not "
                       f"answers; write skip_rows: [{row}] in mapping.yaml to say so", "warning")
    labels = table.labels + [""] * (len(table.header) - len(table.labels))
    mapped = [resolver.resolve(h) or resolver.resolve(label) for h, label in zip(table.header, labels)]
    ids_from_rows = gm.row_number_ids or "respondent_id" not in mapped
    if ids_from_rows and not gm.row_number_ids:
        parser.problem(None, "respondent_id", None, "no respondent id column: each respondent's id is its row number "
                       "(write ids: row_number in mapping.yaml to say so)", "warning")

    def nearest(cell: str) -> str:
        label = labels[table.header.index(cell)] if cell in table.header else ""
        return resolver.nearest(cell) or (resolver.nearest(label) if label else "")

    parser.problems.extend(header_problems(parser.file, table.header, mapped, codebook, not_asked=gm.not_asked,
                                           ids_from_rows=ids_from_rows, nearest=nearest))
    present = {name for name in mapped if name}
    summary.read = [q.id for q in codebook if any(c in present for c in (q.id, *q.columns))]
    summary.absent = [q.id for q in codebook if q.id not in summary.read and q.id not in gm.not_asked]
    summary.not_asked = [q.id for q in codebook if q.id in gm.not_asked]
    summary.unknown = [h for h, name in zip(table.header, mapped) if name is None]
    where = {name: i for i, name in enumerate(mapped) if name}
    if TIMESTAMP in where:
        summary.details.append(f"submission times kept from '{table.header[where[TIMESTAMP]]}'")
    dropped = [h for h, name in zip(table.header, mapped) if name == IGNORE]
    if dropped:
        summary.details.append(f"{len(dropped)} column(s) ignored: " + ", ".join(f"'{h}'" for h in dropped[:5])
                               + (", …" if len(dropped) > 5 else ""))
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
            if name not in where:
                return ""
            return parser.clean(name.split(MULTI_SEP)[0], cells[where[name]])

        def head(name):
            return table.header[where[name]] if name in where else name

        rid = str(row) if ids_from_rows else cells[where["respondent_id"]].strip()
        if not rid:
            parser.problem(row, head("respondent_id"), "", "a respondent_id (empty cell)")
        promotion = parser.promotion(row, head("promotion"), cell("promotion")) if "promotion" in where else None
        ids.append((row, rid, promotion))
        if TIMESTAMP in where:
            summary.timestamps.append(cells[where[TIMESTAMP]].strip())
        columns["respondent_id"].append(rid or None)
        columns["promotion"].append(promotion)
        columns["defi"].append(cell("defi").strip() or None)
        for question in codebook:
            _answer(parser, question, row, cell, head, where, columns)
    if parser.promotion_forms:
        row, column, value, number = parser.promotion_forms[0]
        more = len(parser.promotion_forms) - 1
        parser.problem(row, column, value, f"read as promotion {number}"
                       + (f" (and likewise on {more} other row(s))" if more else ""), "warning")
    frame = pd.DataFrame({c: _typed(codebook, c, values) for c, values in columns.items()})
    summary.missing_words = parser.missing_count
    return frame, ids, summary


def _answer(parser, question, row, cell, head, where, columns) -> None:
    qid = question.id
    if question.type == "multi":
        per_option = [c for c in question.columns if c in where]
        if qid in where and per_option:
            parser.problem(row, head(qid), None, f"either the column '{qid}' or the columns '{qid}__…', not both")
        if qid in where and not per_option:
            text = cell(qid)
            chosen = parser.joined(question, row, head(qid), text) if text.strip() else None
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


# ---- checks of the header and of the respondents ------------------------------------------


def accepted_promotions(group: str, populations: dict[tuple[str, int], int]) -> list[int]:
    return sorted(set(BASE_PROMOTIONS) | {p for g, p in populations if g == group})


def header_problems(file: str, header: list[str], mapped: list[str | None], codebook: Codebook, *,
                    not_asked: tuple[str, ...] = (), ids_from_rows: bool = False,
                    nearest=lambda cell: "") -> list[Problem]:
    """Required, duplicated, unknown and absent columns; ``mapped`` is each header cell's target (None: unknown).

    A codebook question with no column is an error unless the mapping declares it
    not asked: otherwise a report would be "valid" with a whole question empty.
    ``nearest(cell)`` gives the " (did you mean …?)" of an unknown column.
    """
    problems = []
    present = {name for name in mapped if name}
    draft = f"python -m helpers mapping suggest {Path(file).parent}"
    mapping_hint = f"name the column in mapping.yaml under columns: (draft: {draft})"
    for required in REQUIRED_COLUMNS:
        if required == "respondent_id" and ids_from_rows:
            continue
        if required not in present:
            hint = {"promotion": "add a column 'promotion' (values 1, 2 or 'EIG 2'), or " + mapping_hint}
            problems.append(Problem(file, 1, required, None, f"a column '{required}' in the header row",
                                    hint=hint.get(required, mapping_hint)))
    seen: dict[str, str] = {}
    for cell, name in zip(header, mapped):
        if name is None:
            problems.append(Problem(file, 1, cell, None, f"unknown column, ignored (not in the codebook){nearest(cell)}",
                                    "warning"))
        elif name in (TIMESTAMP, IGNORE):
            continue
        elif name in seen:
            problems.append(Problem(file, 1, cell, None, f"a single column for '{name}' (also in '{seen[name]}')",
                                    hint="keep one of the two columns, or map one of them to ignore in mapping.yaml"))
        else:
            seen[name] = cell
    for question in codebook:
        found = [c for c in (question.id, *question.columns) if c in present]
        if question.id in not_asked:
            if found:
                problems.append(Problem(file, 1, seen.get(found[0], found[0]), None,
                                        f"no column for '{question.id}', declared not asked in mapping.yaml",
                                        hint=f"remove '{question.id}' from not_asked in mapping.yaml"))
        elif not found:
            problems.append(Problem(
                file, 1, question.id, None,
                "a column for this question (absent: every answer to it would be missing)",
                hint=f"map a column to '{question.id}' in mapping.yaml, or list it under not_asked: "
                     f"if the survey did not ask it (draft: {draft})"))
    return problems


def respondent_problems(
    file: str,
    group: str,
    rows: list[tuple[int, str, int | None]],
    populations: dict[tuple[str, int], int],
    promotion_column: str = "promotion",
    id_column: str = "respondent_id",
) -> list[Problem]:
    """Duplicate ids and more respondents than people in a promotion; ``rows`` are (row, id, promotion)."""
    problems = []
    first_row: dict[str, int] = {}
    for row, rid, _ in rows:
        if rid in first_row:
            problems.append(Problem(file, row, id_column, rid, f"a unique respondent_id (already on row {first_row[rid]})"))
        elif rid:
            first_row[rid] = row
    counts = Counter(promotion for _, _, promotion in rows if promotion is not None)
    for promotion, count in sorted(counts.items()):
        population = populations.get((group, promotion))
        if population is not None and count > population:
            problems.append(
                Problem(
                    file,
                    None,
                    promotion_column,
                    str(promotion),
                    f"at most {population} respondents in promotion {promotion} "
                    f"(its population in data/programme/programme.csv), found {count}",
                )
            )
    return problems


def load_survey(data_dir: Path | str, codebook_dir: Path | str = CODEBOOK_DIR,
                mapping: Path | str | None = None) -> Survey:
    """Load and check a data set; raises ``DataError`` listing every problem found.

    ``mapping`` is a mapping file to apply instead of ``DATA_DIR/mapping.yaml``.
    """
    data_dir = Path(data_dir)
    codebooks = load_codebooks(codebook_dir)
    pops = populations()
    metadata, problems = read_metadata(data_dir)
    applied, found = load_mapping(data_dir, mapping, codebooks)
    problems.extend(found)
    frames, files, imports = {}, {}, {}
    for group in GROUPS:
        gm = applied.group(group)
        path, found = find_file(data_dir, group, gm)
        problems.extend(found)
        if path is None:
            continue
        parser = _Parser(codebooks[group], str(path), group, pops, applied)
        table, read = read_table(path, gm, parser.resolver)
        problems.extend(read)
        if table is None or not table.rows:
            continue
        frame, ids, summary = _frame(parser, table)
        if applied.path is not None:
            summary.details.append(f"mapping {applied.path}")
        problems.extend(parser.problems)
        problems.extend(respondent_problems(str(path), group, ids, pops))
        problems.extend(_skip_logic_warnings(frame, codebooks[group], str(path), [r for r, _, _ in ids]))
        frames[group], files[group], imports[group] = frame, path, summary
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    if errors:
        raise DataError(errors, warnings, list(imports.values()))
    return Survey(
        frames=frames,
        codebooks=codebooks,
        synthetic=bool(metadata.get("synthetic", False)),
        files=files,
        warnings=warnings,
        metadata=metadata,
        imports=imports,
        mapping=applied.path,
    )
