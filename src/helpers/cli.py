"""``python -m helpers <command>``: the thin command line behind the Makefile.

Each command lives in the module that owns the work; this file only routes,
and turns expected failures (bad data, bad parameters) into one-line
messages instead of tracebacks.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

#: command → (module, help). Each module exposes ``main(argv) -> int``.
COMMANDS = {
    "validate": ("helpers.validate", "check a data set against the codebook (DATA dir)"),
    "mapping": ("helpers.mapping", "mapping suggest DIR: draft a mapping.yaml for an export's columns"),
    "sample-data": ("helpers.sample", "regenerate the synthetic sample in data/sample/"),
    "execute": ("helpers.pipeline", "execute one notebook with papermill"),
    "tables": ("helpers.cli", "write OUT/tables/indicators*.csv"),
    "claims": ("helpers.claims", "check every number the paper states"),
    "granularity": ("helpers.cli", "write OUT/tables/granularity.csv (printed percentages vs their base; no data)"),
    "datapackage": ("helpers.datapackage", "write OUT/datapackage.json (every published table described, validated)"),
    "guard": ("helpers.guard", "refuse committing confidential survey data (pre-commit hook)"),
    "render": ("helpers.render", "render executed notebooks to HTML, PDF and the index"),
}


def tables_main(argv: list[str]) -> int:
    """Write the indicator tables (respondent and challenge level) for a data set."""
    from helpers import outputs
    from helpers.indicators import indicator_table
    from helpers.load import load_survey

    parser = argparse.ArgumentParser(prog="python -m helpers tables")
    parser.add_argument("--data", required=True, type=Path)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--confidence", type=float, default=0.95)
    parser.add_argument("--min-cell", type=int, default=3)
    parser.add_argument("--promotions", default="")
    args = parser.parse_args(argv)
    promotions = [int(p) for p in args.promotions.replace(",", " ").split()] or None
    survey = load_survey(args.data)
    for unit, name in (("respondent", "indicators.csv"), ("defi", "indicators-defi.csv")):
        table = indicator_table(
            survey, confidence=args.confidence, min_cell=args.min_cell, promotions=promotions, unit=unit
        )
        outputs.write_csv(table, args.out / "tables" / name)
    return 0


def granularity_main(argv: list[str]) -> int:
    """Write the granularity table: every printed percentage against its published base (reads no data)."""
    from helpers import outputs
    from helpers.claims import load_claims
    from helpers.granularity import csv_table, granularity_table
    from helpers.published import published_figures

    parser = argparse.ArgumentParser(prog="python -m helpers granularity")
    parser.add_argument("--csv", required=True, type=Path, help="where to write the table")
    args = parser.parse_args(argv)
    outputs.write_csv(csv_table(granularity_table(load_claims(), published_figures())), args.csv)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in COMMANDS:
        print("usage: python -m helpers <command> [options]\n\ncommands:")
        for name, (_, text) in COMMANDS.items():
            print(f"  {name:<12} {text}")
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    command = argv[0]
    module = importlib.import_module(COMMANDS[command][0])
    try:
        if command == "tables":
            return tables_main(argv[1:])
        if command == "granularity":
            return granularity_main(argv[1:])
        return module.main(argv[1:])
    except Exception as err:
        from helpers.validate import DataError

        if not isinstance(err, DataError):
            raise
        for problem in err.problems:
            print(problem, file=sys.stderr)
        print(f"error: {len(err.problems)} problem(s) in the data set; nothing was written; next: {err.hint}",
              file=sys.stderr)
        return 1
