"""What a reader sees on a rendered page, and the words that must not appear in it (issues 11, 17)."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup

#: English words, code names and sample-only sentences forbidden in reader-facing text
#: (regular expressions, case-sensitive). Code and file names inside <code> are not prose.
FORBIDDEN = {
    "the paper's English name": r"(?i)working paper",
    "top 2 instead of « deux niveaux les plus hauts »": r"(?i)\btop ?2\b",
    "a code-style plural": r"\(s\)",
    "a parameter's code name": r"\b(min_cell|include_verbatims|data_dir|out_dir)\b",
    "a Python value": r"\b(None|True|False|NaN|nan)\b",
    "an effective size of nobody": r"n eff\. = 0(,0)?\b",
    "sample-only: a silent mentor": r"ne s'est pas exprimé",
    "sample-only: an over-represented promotion 2": r"La promotion 2 (pèse davantage|étant sur-représentée)",
    "sample-only: a small promotion 1": r"promotion 1 compte peu",
    "sample-only: about twenty respondents": r"une vingtaine de répondants",
}


def reader_text(path: Path) -> str:
    """Visible text of a page plus its images' alt texts, without code, scripts or styles."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    alts = [img.get("alt", "") for img in soup.find_all("img")]
    for tag in soup.find_all(["code", "pre", "script", "style"]):
        tag.decompose()
    return " ".join(" ".join([soup.get_text(" "), *alts]).split())


def forbidden_in(text: str) -> list[str]:
    """Each forbidden pattern found, with its context."""
    found = []
    for why, pattern in FORBIDDEN.items():
        for match in re.finditer(pattern, text):
            found.append(f"{why}: …{text[max(0, match.start() - 60):match.end() + 60]}…")
    return found


def reader_pages(report: Path) -> list[Path]:
    """The reviewer pages and the index (the code views show code on purpose)."""
    return [report / "index.html", *sorted(report.glob("[0-9]*.html"))]
