"""The exploration notebook (notebooks/explore/): outside the report, committed stripped, and it runs
headless on the project's kernel with its widgets, writing nothing under the report's outputs."""

import json
from pathlib import Path

import nbformat
import pytest

from helpers.pipeline import KERNEL_NAME

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "explore" / "exploration.ipynb"


def test_it_is_not_an_appendix():
    """The report and its static rules take notebooks/[0-9]*.ipynb only."""
    assert NOTEBOOK not in set((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    assert "notebooks/[0-9]*.ipynb" in (ROOT / "Makefile").read_text()


def test_it_is_committed_stripped():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    assert [c for c in nb["cells"] if c["cell_type"] == "code"
            and (c.get("outputs") or c.get("execution_count") is not None)] == []
    assert nb["metadata"]["kernelspec"]["name"] == KERNEL_NAME
    assert "ipywidgets" in (ROOT / "requirements.lock").read_text()


def _snapshot() -> dict:
    out = ROOT / "outputs"
    return {str(p): p.stat().st_mtime_ns for p in out.rglob("*")} if out.exists() else {}


@pytest.mark.slow
def test_it_runs_headless_with_widgets():
    from nbclient import NotebookClient

    nb = nbformat.read(NOTEBOOK, as_version=4)
    before = _snapshot()
    # Run from the notebook's folder, as JupyterLab does: data paths fall back to the project root.
    NotebookClient(nb, kernel_name=KERNEL_NAME, timeout=300,
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert [o for o in outputs if o.output_type == "error"] == []
    code = [c for c in nb.cells if c.cell_type == "code"]
    widget = [o for o in code[0].outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert widget, "the dashboard displays as a widget"
    # The dashboard's Output widget holds the chart it drew (kept in the saved widget state).
    state = json.dumps(nb.metadata.get("widgets", {}))
    assert "eig-figure" in state and "data:image/png;base64" in state
    # Its result is a DataFrame of numbers; the direct calls show a cross-tab, a share and a chart.
    assert "<table" in code[1].outputs[0]["data"]["text/html"]
    html = [o["data"].get("text/html", "") for c in code[2:] for o in c.outputs if "data" in o]
    assert "eig-table" in html[0] and "IC 95" in html[1] and '<img src="data:image/png;base64,' in html[2]
    # One line of text/plain per result: the HTML is not stored twice.
    plain = [o["data"]["text/plain"] for c in code[2:] for o in c.outputs if "data" in o]
    assert all("\n" not in p and len(p) < 200 for p in plain)
    assert _snapshot() == before


def test_make_lab_passes_lab_args_last_and_runs_as_root():
    """`make lab LAB_ARGS=…`: the options reach `jupyter lab` after the defaults (so they win)."""
    import os
    import subprocess

    plan = subprocess.run(["make", "-n", "-s", "lab", "LAB_ARGS=--port=8899 --no-browser", "LAB_DIR=/tmp/x"],
                          cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
    assert plan.startswith(".venv/bin/jupyter lab --ServerApp.root_dir=/tmp/x ")
    assert plan.endswith("--port=8899 --no-browser")
    assert ("--allow-root" in plan) == (os.geteuid() == 0)
