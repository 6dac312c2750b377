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
from dataclasses import dataclass
from pathlib import Path

from helpers.codebook import Codebook

#: Promotions always accepted; later ones only when the programme table knows them.
BASE_PROMOTIONS = (1, 2)
REQUIRED_COLUMNS = ("respondent_id", "promotion")


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


class DataError(Exception):
    """The data set is refused; ``problems`` lists every error found, ``warnings`` the rest."""

    def __init__(self, problems: list[Problem], warnings: list[Problem] = ()):
        self.problems = list(problems)
        self.warnings = list(warnings)
        super().__init__("\n".join(str(p) for p in self.problems))


def accepted_promotions(group: str, populations: dict[tuple[str, int], int]) -> list[int]:
    return sorted(set(BASE_PROMOTIONS) | {p for g, p in populations if g == group})


def header_problems(file: str, header: list[str], mapped: list[str | None], codebook: Codebook) -> list[Problem]:
    """Required, duplicated and unknown columns; ``mapped`` is each header cell's tidy name (None: unknown)."""
    problems = []
    present = {name for name in mapped if name}
    for required in REQUIRED_COLUMNS:
        if required not in present:
            problems.append(Problem(file, 1, required, None, f"a column '{required}' in the header row"))
    seen: dict[str, str] = {}
    for cell, name in zip(header, mapped):
        if name is None:
            problems.append(
                Problem(file, 1, cell, None, "unknown column, ignored (not in the codebook)", "warning")
            )
        elif name in seen:
            problems.append(Problem(file, 1, cell, None, f"a single column for '{name}' (also in '{seen[name]}')"))
        else:
            seen[name] = cell
    for question in codebook:
        if not any(c in present for c in (question.id, *question.columns)):
            problems.append(
                Problem(file, 1, question.id, None, "column absent: every answer to this question is missing", "warning")
            )
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


def validate(data_dir: Path | str) -> list[Problem]:
    """Every error and warning of a data set (empty list: clean)."""
    from helpers.load import load_survey  # load builds on this module

    try:
        return list(load_survey(data_dir).warnings)
    except DataError as err:
        return err.problems + err.warnings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m helpers validate", description="Check a data set against the codebook; writes nothing."
    )
    parser.add_argument("data_dir", type=Path)
    args = parser.parse_args(argv)
    problems = validate(args.data_dir)
    for problem in problems:
        print(problem, file=sys.stderr if problem.severity == "error" else sys.stdout)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if errors:
        print(f"{args.data_dir}: {errors} problem(s), {warnings} warning(s): data set refused", file=sys.stderr)
        return 1
    print(f"{args.data_dir}: valid ({warnings} warning(s))")
    return 0
