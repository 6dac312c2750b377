"""Validation of a data set: every problem, one line each, before any statistic.

A real export is refused as a whole when anything is wrong, so the person who
drops it in ``data/raw/`` gets the full list of fixes at once (file, row as
shown by a spreadsheet, column, bad value, what was expected) instead of a
traceback or of silently wrong percentages. Harmless variants are accepted
with a warning line. ``python -m helpers validate DATA_DIR`` writes nothing.

The checks run while ``load`` reads the exports (it collects every problem
before refusing); this module sits above it and reports them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from helpers.load import load_survey
from helpers.problems import DataError, ImportSummary, Problem


def check(data_dir: Path | str, mapping: Path | str | None = None) -> tuple[list[Problem], list[ImportSummary]]:
    """Every error and warning of a data set, and how each export was read."""
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
