"""Running one notebook: the project's kernel whatever the metadata says, parameters, failures."""

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT
from helpers import outputs, pipeline

pytestmark = pytest.mark.slow


def _notebook(path: Path, body: str, kernel: str = "python3") -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": kernel, "display_name": kernel, "language": "python"}
    params = nbformat.v4.new_code_cell(
        'data_dir = "data/sample"\nout_dir = "outputs"\npromotions = [1, 2]\nconfidence = 0.95\n'
        'min_cell = 3\nweighting = "none"\ninclude_verbatims = None'
    )
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# Annexe Z — essai"), params, nbformat.v4.new_code_cell(body)]
    nbformat.write(nb, path)
    return path


def _params(tmp_path: Path, **overrides) -> Path:
    """The parameters file as make writes it: one VARIABLE=value per line."""
    values = {
        "DATA": "data/sample", "OUT": str(tmp_path / "out"), "PROMOTIONS": "1 2",
        "CONFIDENCE": "0.95", "MIN_CELL": "3", "WEIGHTING": "none", "INCLUDE_VERBATIMS": "auto",
    }
    values.update(overrides)
    path = tmp_path / "params.txt"
    path.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    return path


def _run(tmp_path, notebook, params):
    out = tmp_path / "out" / "notebooks" / notebook.name
    proc = subprocess.run(
        [sys.executable, "-m", "helpers", "execute", str(notebook), str(out), "--params", str(params)],
        cwd=ROOT, capture_output=True, text=True,
    )
    return proc, out


def test_kernel_is_the_project_venv_whatever_the_metadata_says(tmp_path):
    nb = _notebook(tmp_path / "k.ipynb", "import sys\nprint(sys.prefix)", kernel="conda-env-someone-else-py")
    proc, out = _run(tmp_path, nb, _params(tmp_path))
    assert proc.returncode == 0, proc.stderr
    printed = nbformat.read(out, as_version=4).cells[-1].outputs[0]["text"].strip()
    assert Path(printed).resolve() == Path(sys.prefix).resolve()


def test_parameters_reach_the_notebook(tmp_path):
    nb = _notebook(tmp_path / "p.ipynb", "print(promotions, weighting, confidence, min_cell, include_verbatims)")
    proc, out = _run(tmp_path, nb, _params(tmp_path, PROMOTIONS="2", WEIGHTING="promotion", CONFIDENCE="0.9", MIN_CELL="5", INCLUDE_VERBATIMS="true"))
    assert proc.returncode == 0, proc.stderr
    executed = nbformat.read(out, as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    assert executed.cells[-1].outputs[0]["text"].strip() == "[2] promotion 0.9 5 True"


def test_executed_notebook_is_the_same_bytes_twice(tmp_path):
    nb = _notebook(tmp_path / "t.ipynb", "1 + 1")
    proc, out = _run(tmp_path, nb, _params(tmp_path))
    assert proc.returncode == 0, proc.stderr
    first = out.read_bytes()
    assert b"start_time" not in first and b"duration" not in first
    proc, out = _run(tmp_path, nb, _params(tmp_path))
    assert out.read_bytes() == first


def test_failure_names_notebook_and_cell_and_keeps_previous_outputs(tmp_path):
    body_ok = (
        "from helpers import outputs\n"
        "outputs.write_text(outputs.target(out_dir, 'tables', 'x.csv'), 'a\\n1\\n')"
    )
    nb = _notebook(tmp_path / "f.ipynb", body_ok)
    proc, out = _run(tmp_path, nb, _params(tmp_path))
    assert proc.returncode == 0, proc.stderr
    table = tmp_path / "out" / "tables" / "x.csv"
    before = (table.read_bytes(), out.read_bytes())

    failing = body_ok.replace("1\\n", "2\\n") + "\nraise RuntimeError('injected failure')"
    nb = _notebook(tmp_path / "f.ipynb", failing)
    proc, out = _run(tmp_path, nb, _params(tmp_path))
    assert proc.returncode == 1
    assert "f.ipynb failed in cell 3: RuntimeError: injected failure" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert (table.read_bytes(), out.read_bytes()) == before
    assert not (tmp_path / "out" / ".staging" / "f").exists()


@pytest.mark.parametrize(
    "override, message",
    [({"WEIGHTING": "poids"}, "WEIGHTING='poids'"), ({"PROMOTIONS": "un"}, "PROMOTIONS='un'"),
     ({"CONFIDENCE": "95"}, "CONFIDENCE='95'"), ({"MIN_CELL": "-1"}, "MIN_CELL='-1'")],
)
def test_bad_parameters_are_refused_clearly(tmp_path, override, message):
    nb = _notebook(tmp_path / "b.ipynb", "1")
    proc, out = _run(tmp_path, nb, _params(tmp_path, **override))
    assert proc.returncode != 0
    assert message in proc.stderr
    assert not out.exists()


def test_the_kernel_imports_the_package_as_it_starts_without_showing_it(tmp_path):
    # helpers.pipeline starts the kernel before papermill and imports PRELOAD in it meanwhile.
    body = ("import sys\n"
            f"print({pipeline.PRELOAD!r} in sys.modules, 'helpers' in get_ipython().run_line_magic('who_ls', ''))")
    nb = _notebook(tmp_path / "w.ipynb", body)
    proc, out = _run(tmp_path, nb, _params(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert nbformat.read(out, as_version=4).cells[-1].outputs[0]["text"].strip() == "True False"


def test_a_preload_that_fails_leaves_the_notebook_to_run_and_say_why(tmp_path, monkeypatch, capfd):
    monkeypatch.setattr(pipeline, "PRELOAD", "helpers.no_such_module")
    for name in (outputs.STAGING_ENV, outputs.OUT_ENV):
        monkeypatch.setenv(name, "")  # execute() sets them; restored after the test
    nb = _notebook(tmp_path / "e.ipynb", "import helpers.no_such_module")
    out = tmp_path / "out" / "notebooks" / "e.ipynb"
    params = pipeline.read_params(_params(tmp_path))
    assert pipeline.execute(nb, out, params, tmp_path / "state") == 1
    assert "e.ipynb failed in cell 3: ModuleNotFoundError: No module named 'helpers.no_such_module'" in capfd.readouterr().err
    nb = _notebook(tmp_path / "e.ipynb", "print('ran')")
    assert pipeline.execute(nb, out, params, tmp_path / "state") == 0
    assert nbformat.read(out, as_version=4).cells[-1].outputs[0]["text"] == "ran\n"
