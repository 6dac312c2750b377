"""The loader's and the validator's user-facing messages are free of typographic slips.

Every string that becomes part of a problem line or of the "next:" line (the
``expected`` text of a ``Problem``, its ``hint``, the module-level hints) is
collected from the source with ``ast``; placeholders of f-strings are shown as
``{}``. The rules catch the kind of slip that once read "with the EIG' answers".
"""

from __future__ import annotations

import ast
import re
import pytest

from conftest import ROOT

SOURCES = [ROOT / "src" / "helpers" / name
           for name in ("problems.py", "load.py", "validate.py", "mapping.py", "suggest.py")]
#: Call names whose string arguments are shown to the user.
CALLS = {"Problem", "problem"}
KEYWORDS = {"hint", "expected"}
CONSTANTS = {"GENERIC_HINT", "REEXPORT"}

RULES = {
    "double space": re.compile(r"\S  +\S"),
    "repeated word": re.compile(r"\b(\w+) \1\b", re.IGNORECASE),
    "possessive after a placeholder (write 'the answers of the {}')": re.compile(r"(?<!')\{\}'\s+[a-z]"),
    "acronym possessive": re.compile(r"\b[A-Z]{2,}'\s"),
    "space before punctuation": re.compile(r"\w [,.;](\s|$)"),
    "trailing space": re.compile(r"\s$"),
}


def _text(node) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _text(node.left), _text(node.right)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.IfExp):
        return _text(node.body)
    return None


def messages() -> list[tuple[str, int, str]]:
    """(file, line, text) of every user-facing message string."""
    found = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            nodes = []
            if isinstance(node, ast.Call):
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
                if name in CALLS:
                    nodes.extend(node.args)
                nodes.extend(k.value for k in node.keywords if k.arg in KEYWORDS)
            elif isinstance(node, ast.Assign) and any(getattr(t, "id", None) in (*CONSTANTS, "expected", "hint",
                                                                                   "reason") for t in node.targets):
                nodes.append(node.value)
            for value in nodes:
                text = _text(value)
                if text and " " in text:
                    found.append((path.name, value.lineno, text))
    return found


def test_messages_are_found():
    texts = [text for _, _, text in messages()]
    assert len(texts) >= 40  # the scan reaches the messages, not just a few
    assert any(text.startswith("a file {}.csv (or .tsv") for text in texts)


@pytest.mark.parametrize("rule", RULES)
def test_no_slip(rule):
    slips = [f"{file}:{line}: {text!r}" for file, line, text in messages() if RULES[rule].search(text)]
    assert not slips, "\n".join(slips)


@pytest.mark.parametrize("text,rule", [
    ("a file {}.csv with the {}' answers (missing file)", "possessive after a placeholder (write 'the answers of the {}')"),
    ("with the EIG' answers", "acronym possessive"),
    ("a column for for this question", "repeated word"),
    ("expected  a number", "double space"),
])
def test_rules_catch_the_slips_they_name(text, rule):
    assert RULES[rule].search(text)


def test_rules_accept_quoted_values():
    ok = ["answered although '{}' is '{}' (kept)", "a single column for '{}' (also in '{}')",
          "put the export of the mentors in {}", "the mentors' answers"]
    assert not [t for t in ok for rule in RULES.values() if rule.search(t)]
