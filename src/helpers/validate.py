"""Validation of a data set: every problem, one line each, before any statistic.

A real export is refused as a whole when anything is wrong, so the person who
drops it in ``data/raw/`` gets the full list of fixes at once (file, row as
shown by a spreadsheet, column, bad value, what was expected) instead of a
traceback or of silently wrong percentages. Harmless variants are accepted
with a warning line. ``python -m helpers validate DATA_DIR`` writes nothing.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from helpers.codebook import Codebook

#: Promotions always accepted; later ones only when the programme table knows them.
BASE_PROMOTIONS = (1, 2)
REQUIRED_COLUMNS = ("respondent_id", "promotion")
#: Column targets that carry no answer: the submission time (kept as metadata) and dropped columns.
TIMESTAMP, IGNORE = "timestamp", "ignore"
#: What to do when a refusal names no more precise fix.
GENERIC_HINT = ("correct the cells named above in a copy of the export (keep the original), or describe its "
                "layout in mapping.yaml (data/README.md), then validate again")


#: Shown escaped in a problem line: C0/C1 controls (a line break or a terminal escape
#: sequence in a cell must not break the one-line format or drive the terminal) and the
#: bidirectional overrides that reorder what is displayed.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: Longer values are cut in a problem line (a cell can hold a 100 kB answer).
VALUE_MAX = 120


def printable(text: str) -> str:
    """``text`` fit for one terminal line: controls escaped (``\\x07``, ``\\u202e``), cut after VALUE_MAX."""
    text = str(text)
    shown = _UNPRINTABLE.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}",
                             text[:VALUE_MAX])
    return shown + (f"… ({len(text)} characters)" if len(text) > VALUE_MAX else "")


@dataclass(frozen=True)
class Problem:
    """One thing wrong (``severity="error"``) or worth a look (``"warning"``) in a data set."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: str
    severity: str = "error"
    #: What the user can do about it (the last line of a refusal shows the first one).
    hint: str | None = field(default=None, compare=False)

    def __str__(self) -> str:
        parts = [self.file if self.row is None else f"{self.file}:{self.row}"]
        if self.severity == "warning":
            parts.append("warning")
        if self.column is not None:
            parts.append(f"column '{printable(self.column)}'")
        if self.value is not None:
            parts.append(f"value '{printable(self.value)}'")
        parts.append(self.expected if self.severity == "warning" else f"expected {self.expected}")
        return ": ".join(parts)


@dataclass
class ImportSummary:
    """How one group's export was read: what the validation summary prints for it."""

    group: str
    file: str
    read: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    not_asked: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    #: Encoding, separator, sheet, mapping, layout notes.
    details: list[str] = field(default_factory=list)
    #: Submission times (``Horodateur``, ``submitdate``…), one per respondent row, kept as metadata.
    timestamps: list[str] = field(default_factory=list)
    missing_words: int = 0

    def __str__(self) -> str:
        line = (f"{self.group} ({self.file}): {len(self.read)} question(s) read, {len(self.absent)} absent, "
                f"{len(self.not_asked)} declared not asked, {len(self.unknown)} unknown column(s)")
        if self.missing_words:
            line += f", {self.missing_words} cell(s) such as 'N/A' read as missing"
        return line + (f" [{'; '.join(self.details)}]" if self.details else "")


class DataError(Exception):
    """The data set is refused; ``problems`` lists every error found, ``warnings`` the rest."""

    def __init__(self, problems: list[Problem], warnings: list[Problem] = (), summaries: list[ImportSummary] = ()):
        self.problems = list(problems)
        self.warnings = list(warnings)
        self.summaries = list(summaries)
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def hint(self) -> str:
        """One line saying what to do next."""
        return next((p.hint for p in self.problems if p.hint), GENERIC_HINT)


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


def check(data_dir: Path | str, mapping: Path | str | None = None) -> tuple[list[Problem], list[ImportSummary]]:
    """Every error and warning of a data set, and how each export was read."""
    from helpers.load import load_survey  # load builds on this module

    try:
        survey = load_survey(data_dir, mapping=mapping)
    except DataError as err:
        return err.problems + err.warnings, err.summaries
    return list(survey.warnings), list(survey.imports.values())


def validate(data_dir: Path | str, mapping: Path | str | None = None) -> list[Problem]:
    """Every error and warning of a data set (empty list: clean)."""
    return check(data_dir, mapping)[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m helpers validate", description="Check a data set against the codebook; writes nothing."
    )
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--mapping", type=Path, default=None,
                        help="mapping file to use instead of DATA_DIR/mapping.yaml (e.g. a draft being checked)")
    args = parser.parse_args(argv)
    problems, summaries = check(args.data_dir, args.mapping)
    for problem in problems:
        print(problem, file=sys.stderr if problem.severity == "error" else sys.stdout)
    for summary in summaries:
        print(summary)
    errors = [p for p in problems if p.severity == "error"]
    warnings = len(problems) - len(errors)
    if errors:
        hint = DataError(errors).hint
        print(f"{args.data_dir}: {len(errors)} problem(s), {warnings} warning(s): data set refused; next: {hint}",
              file=sys.stderr)
        return 1
    print(f"{args.data_dir}: valid ({warnings} warning(s))")
    return 0
