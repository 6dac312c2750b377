"""SHA-256 manifest of OUT, with the run date masked in HTML, for determinism checks.

Tables, figures and executed notebooks must be the same bytes on every run;
HTML pages differ only by the run date, which the renderer keeps in one
``<time class="run-date">`` element so it can be masked here.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

RUN_DATE = re.compile(rb'<time class="run-date"[^>]*>.*?</time>', re.S)
#: Files that are not outputs of a run.
SKIP = {"MANIFEST.sha256"}


def digest(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".html":
        data = RUN_DATE.sub(b'<time class="run-date"></time>', data)
    return hashlib.sha256(data).hexdigest()


def manifest(out: Path) -> dict[str, str]:
    """Relative path → digest for every file under ``out`` (staging and hidden files excluded)."""
    files = sorted(
        p for p in out.rglob("*")
        if p.is_file() and p.name not in SKIP and not any(part.startswith(".") for part in p.relative_to(out).parts)
    )
    return {p.relative_to(out).as_posix(): digest(p) for p in files}


def format_manifest(entries: dict[str, str]) -> str:
    return "".join(f"{h}  {name}\n" for name, h in sorted(entries.items()))


def parse_manifest(text: str) -> dict[str, str]:
    out = {}
    for line in text.splitlines():
        h, name = line.split("  ", 1)
        out[name] = h
    return out


def differences(expected: dict[str, str], actual: dict[str, str]) -> list[str]:
    """One line per file missing, extra or different."""
    lines = [f"missing: {n}" for n in sorted(set(expected) - set(actual))]
    lines += [f"extra: {n}" for n in sorted(set(actual) - set(expected))]
    lines += [f"differs: {n}" for n in sorted(set(expected) & set(actual)) if expected[n] != actual[n]]
    return lines
