"""Refuse committing confidential survey answers (pre-commit hook and test).

Two rules: nothing under ``data/raw/`` (but its README), and no file outside
``data/sample/`` whose header the loader would read as several codebook
questions (ids, wordings or grid rows, in any layout it recognises) — the usual
way real answers leak is a copy saved somewhere else in the tree.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from helpers import PROJECT_ROOT
from helpers.codebook import load_codebooks
from helpers.load import read_table
from helpers.mapping import IGNORE, TIMESTAMP, Resolver

ALLOWED_RAW = {"data/raw/README.md"}
SAMPLE_PREFIX = "data/sample/"
#: A header needs this many codebook questions to count as an export.
SIGNATURE_MIN = 3


#: What the loader reads; any of them can hold answers.
EXPORT_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".sav")
#: Header cells that name no answer (ids, promotion, timestamp, tool columns).
_NOT_ANSWERS = {None, IGNORE, TIMESTAMP, "respondent_id", "promotion", "defi"}


def _resolvers() -> list[Resolver]:
    return [Resolver(codebook) for codebook in load_codebooks().values()]


def looks_like_export(path: Path, resolvers: list[Resolver] | None = None) -> bool:
    """True when the file's header names several codebook questions, as the loader reads it.

    The loader's own header matching decides (ids, wordings, grid rows, any
    encoding or tool layout it recognises), so whatever it would load is caught.
    """
    if path.suffix.lower() not in EXPORT_SUFFIXES:
        return False
    for resolver in resolvers or _resolvers():  # the resolver also picks a workbook's answers sheet
        try:
            table, _ = read_table(path, resolver=resolver)
        except Exception:  # unreadable by the loader: it could not be loaded as answers either
            return False
        if table is None:
            return False
        named = {resolver.resolve(cell) for cell in [*table.header, *table.labels]} - _NOT_ANSWERS
        if len(named) >= SIGNATURE_MIN:
            return True
    return False


def problems(paths: list[str], root: Path = PROJECT_ROOT) -> list[str]:
    """One message per refused file (paths relative to the repository root)."""
    out, known = [], None
    for rel in sorted(set(paths)):
        rel = Path(rel).as_posix()
        if rel.startswith("data/raw/") and rel not in ALLOWED_RAW:
            out.append(f"{rel}: confidential survey export under data/raw/ must never be committed")
            continue
        path = root / rel
        if rel.startswith(SAMPLE_PREFIX) or not path.is_file():
            continue
        known = _resolvers() if known is None else known
        if looks_like_export(path, known):
            out.append(
                f"{rel}: its header matches a survey export (several codebook questions); "
                "real answers belong in data/raw/ (git-ignored), synthetic ones in data/sample/"
            )
    return out


def tracked_files(root: Path = PROJECT_ROOT) -> list[str]:
    result = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True, check=True)
    return result.stdout.splitlines()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers guard", description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", help="files about to be committed (default: every tracked file)")
    args = parser.parse_args(argv)
    found = problems(args.files or tracked_files())
    for line in found:
        print(f"refused: {line}", file=sys.stderr)
    return 1 if found else 0
