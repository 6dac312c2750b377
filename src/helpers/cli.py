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

from helpers import params

#: command → (module, help). Each module exposes ``main(argv) -> int``.
COMMANDS = {
    "validate": ("helpers.validate", "check a data set against the codebook (DATA dir)"),
    "mapping": ("helpers.suggest", "mapping suggest DIR: draft a mapping.yaml for an export's columns"),
    "sample-data": ("helpers.sample", "regenerate the synthetic sample in data/sample/"),
    "execute": ("helpers.pipeline", "execute one notebook with papermill"),
    "tables": ("helpers.cli", "write OUT/tables/indicators*.csv"),
    "audit": ("helpers.audit", "audit the published tables: no hidden cell can be narrowed down"),
    "claims": ("helpers.claims", "check every number the paper states"),
    "granularity": ("helpers.cli", "write OUT/tables/granularity.csv (printed percentages vs their base; no data)"),
    "params": ("helpers.params", "check the run parameters (one line each), or sync params.mk and notebooks"),
    "datapackage": ("helpers.datapackage", "write OUT/datapackage.json (every published table described, validated)"),
    "guard": ("helpers.guard", "refuse committing confidential survey data (pre-commit hook)"),
    "render": ("helpers.render", "render executed notebooks to HTML, PDF and the index"),
}


def tables_main(argv: list[str]) -> int:
    """Write the indicator tables (respondent and challenge level) of a run into OUT/tables/."""
    from helpers import outputs
    from helpers.indicators import indicator_tables
    from helpers.load import load_survey

    parser = argparse.ArgumentParser(prog="python -m helpers tables")
    params.add_arguments(parser)
    run = params.from_arguments(parser.parse_args(argv))
    survey = load_survey(params.resolve(run.data_dir))
    out = params.resolve(run.out_dir) / "tables"
    tables = indicator_tables(survey, confidence=run.confidence, min_cell=run.min_cell, promotions=run.promotions,
                              fpc=run.fpc)
    if "defi" not in tables:
        # Never a copy of the respondent reading under the challenge's name, nor a stale file.
        (out / "indicators-defi.csv").unlink(missing_ok=True)
        print("indicators-defi.csv not written: no respondent names a challenge (column 'defi' absent "
              "or empty), so there is no challenge-level reading", file=sys.stderr)
    for unit, name in (("respondent", "indicators.csv"), ("defi", "indicators-defi.csv")):
        if unit in tables:
            outputs.write_csv(tables[unit], out / name)
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
    except params.ParameterError as err:
        for line in err.lines:
            print(f"error: {line}", file=sys.stderr)
        return 2
    except Exception as err:
        from helpers.problems import DataError

        if not isinstance(err, DataError):
            raise
        for problem in err.problems:
            print(problem, file=sys.stderr)
        print(f"error: {len(err.problems)} problem(s) in the data set; nothing was written; next: {err.hint}",
              file=sys.stderr)
        return 1
