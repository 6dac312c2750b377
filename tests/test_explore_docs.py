"""docs/explore.md's examples run, in order, as one session: the page cannot drift from the API."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "explore.md"


def blocks() -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", PAGE.read_text(encoding="utf-8"), re.S | re.M)


def test_the_page_has_an_example_per_section():
    assert len(blocks()) >= 7


def test_every_example_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    before = _snapshot()
    try:
        for i, code in enumerate(blocks()):
            exec(compile(code, f"{PAGE.name}[block {i + 1}]", "exec"), namespace)
    finally:
        from helpers.figures import set_theme

        set_theme(reset=True)
    assert _snapshot() == before  # exploring wrote nothing under the report's outputs


def _snapshot() -> dict:
    out = ROOT / "outputs"
    return {str(p): p.stat().st_mtime_ns for p in out.rglob("*")} if out.exists() else {}
