"""Refuse committing confidential survey answers (pre-commit hook and test).

Two rules: nothing under ``data/raw/`` (but its README), and no file outside
``data/sample/`` whose header looks like a survey export (it carries
``respondent_id`` and several codebook columns or labels) — the usual way real
answers leak is a copy saved somewhere else in the tree.
"""

from __future__ import annotations

import argparse
import csv
import io
import subprocess
import sys
import unicodedata
from pathlib import Path

from helpers import PROJECT_ROOT
from helpers.codebook import load_codebooks

ALLOWED_RAW = {"data/raw/README.md"}
SAMPLE_PREFIX = "data/sample/"
#: A header needs this many codebook columns (besides respondent_id) to count as an export.
SIGNATURE_MIN = 3


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(text.lower().split())


def _known_headers() -> set[str]:
    known = set()
    for codebook in load_codebooks().values():
        for q in codebook:
            known.update(_norm(c) for c in q.columns)
            known.add(_norm(q.text))
    return known


def _header(path: Path) -> list[str]:
    if path.suffix.lower() == ".xlsx":
        try:
            from openpyxl import load_workbook

            sheet = load_workbook(path, read_only=True).active
            row = next(sheet.iter_rows(max_row=1, values_only=True), ())
            return [str(c) for c in row if c is not None]
        except Exception:  # not a readable workbook: not an export either
            return []
    head = path.read_bytes()[:65536]
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = head.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return []
    first = text.splitlines()[0] if text else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return next(csv.reader(io.StringIO(first), delimiter=delimiter), [])


def looks_like_export(path: Path, known: set[str] | None = None) -> bool:
    """True when the file's header has ``respondent_id`` and several codebook columns."""
    if path.suffix.lower() not in (".csv", ".xlsx", ".tsv", ".txt"):
        return False
    header = {_norm(h) for h in _header(path)}
    if "respondent_id" not in header:
        return False
    known = _known_headers() if known is None else known
    return len(header & known) >= SIGNATURE_MIN


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
        known = _known_headers() if known is None else known
        if looks_like_export(path, known):
            out.append(
                f"{rel}: its header matches a survey export (respondent_id + codebook columns); "
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
