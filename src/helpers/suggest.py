"""``python -m helpers mapping suggest DIR``: a draft ``mapping.yaml`` for an export's columns.

Above ``load`` (it reads the export as a run would, with ``find_file`` and
``read_table``), so that ``mapping``, which ``load`` builds on, reads no file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from helpers.codebook import GROUPS, Codebook, load_codebooks
from helpers.load import find_file, read_table
from helpers.mapping import MAPPING_FILE, SUGGEST, GroupMapping, Resolver, label_row, load_mapping, norm
from helpers.problems import DataError, Problem


def suggest(data_dir: Path | str, mapping_file: Path | str | None = None) -> str:
    """A draft ``mapping.yaml``: each column not recognised, with its closest codebook question."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise_problems([Problem(str(data_dir), None, None, None, "a folder holding the exports (not found)",
                                hint="give the folder of eig.csv and mentor.csv (or .tsv, .txt, .xlsx, .sav)")])
    codebooks = load_codebooks()
    mapping, problems = load_mapping(data_dir, mapping_file, codebooks)
    if problems:
        raise_problems(problems)
    lines = [
        "# Draft mapping, written by `python -m helpers mapping suggest`: check every line, then save it",
        f"# as {data_dir / MAPPING_FILE}. Format: data/README.md (section 'The mapping file').",
        "# Columns recognised without help are not listed; '# ?' marks a weak guess, commented out.",
    ]
    for group in GROUPS:
        body = _suggest_group(data_dir, group, mapping.group(group), codebooks[group])
        lines.append(f"{group}:" if any(not line.lstrip().startswith("#") for line in body) else f"{group}: {{}}")
        lines.extend(body)
    return "\n".join(lines) + "\n"


def _suggest_group(data_dir: Path, group: str, gm: GroupMapping, codebook: Codebook) -> list[str]:
    """The lines of one group's draft (indented under ``group:``), the mapping in use carried over."""
    path, found = find_file(data_dir, group, gm)
    if path is None:
        return [f"  # {found[0].expected}"]
    resolver = Resolver(codebook, gm)
    table, read = read_table(path, gm, resolver)
    if table is None:
        return [f"  # {path.name}: " + "; ".join(p.expected for p in read if p.severity == "error")]
    lines = [f"  file: {_quote(path.name)}"]
    for key in ("sheet", "encoding", "separator", "missing_values"):
        if getattr(gm, key):
            lines.append(f"  {key}: {_flow(getattr(gm, key))}")
    second = table.rows[0][1] if table.rows else []
    skip = not gm.skip_rows and bool(second) and label_row(resolver, table.header, second)
    labels = table.labels or (second if skip else [])
    if gm.skip_rows or skip:
        lines.append(f"  skip_rows: {_flow(list(gm.skip_rows) or [table.rows[0][0]])}"
                     + ("   # a second header row (the questions' wording)" if skip else ""))
    labels = labels + [""] * (len(table.header) - len(labels))
    targets = [resolver.resolve(h) or (resolver.resolve(lab) if lab else None) for h, lab in zip(table.header, labels)]
    if gm.ids:
        lines.append(f"  ids: {_quote(gm.ids)}")
    elif "respondent_id" not in targets:
        lines.append("  ids: row_number   # no respondent id column: ids are the row numbers")
    taken = {t for t in targets if t}
    entries = []
    for cell, label, target in zip(table.header, labels, targets):
        if target is not None and norm(cell) in resolver.explicit:
            entries.append(f"    {_quote(cell)}: {target}")
        elif target is not None and norm(cell) != norm(target) and label:
            entries.append(f"    {_quote(cell)}: {target}   # {_comment(label)}")
        elif target is None:
            guess = resolver.closest([cell, label])
            if guess and guess[1] >= SUGGEST and guess[0] not in taken:
                taken.add(guess[0])
                entries.append(f"    {_quote(cell)}: {guess[0]}   # {guess[1]:.0f}% like: {_comment(guess[2])}")
            elif guess:
                entries.append(f"    # {_quote(cell)}: {guess[0]}   # ? {guess[1]:.0f}%, or ignore")
            else:
                entries.append(f"    {_quote(cell)}: ignore")
    if any(not entry.lstrip().startswith("#") for entry in entries):
        lines.append("  columns:")
    elif entries:
        lines.append("  # columns:")
    lines.extend(entries)
    if gm.answers:
        lines.append("  answers:")
        lines.extend(f"    {qid}: {_flow(codes)}" for qid, codes in gm.answers.items())
    absent = [q.id for q in codebook if not any(c in taken for c in (q.id, *q.columns))]
    if absent:
        lines.append("  # Questions no column answers: map a column to them above, or keep them here if they")
        lines.append("  # were not asked in this survey.")
        lines.append("  not_asked:")
        lines.extend(f"    - {qid}" for qid in absent)
    return lines


def _flow(value) -> str:
    return yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10_000).strip().removesuffix(
        "...").strip()


def _quote(text: str) -> str:
    return yaml.safe_dump(text, allow_unicode=True, width=10_000, default_style=None).strip().removesuffix("...").strip()


def _comment(text: str, limit: int = 90) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def raise_problems(problems: list[Problem]) -> None:
    raise DataError([p for p in problems if p.severity == "error"], [p for p in problems if p.severity != "error"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers mapping",
                                     description="Draft a mapping.yaml for an export whose columns are not recognised.")
    sub = parser.add_subparsers(dest="command", required=True)
    draft = sub.add_parser("suggest", help="print a draft mapping (closest codebook question per unknown column)")
    draft.add_argument("data_dir", type=Path)
    draft.add_argument("--mapping", type=Path, default=None, help="start from this mapping instead of DIR/mapping.yaml")
    args = parser.parse_args(argv)
    sys.stdout.write(suggest(args.data_dir, args.mapping))
    return 0
