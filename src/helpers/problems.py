"""What is wrong with a data set: the one-line ``Problem``, how each export was read, the refusal.

The bottom of the reading layer: ``mapping``, ``load`` and ``validate`` report
through these types, so none of them needs another to say what went wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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
