"""Run one notebook with papermill, the way the Makefile needs it.

- The kernel is always the project's own (``KERNEL_NAME``, installed into the
  venv by ``make``), whatever kernelspec the notebook's metadata names, so a
  notebook saved from another machine never hits papermill's NoSuchKernel.
- Files the notebook writes under ``out_dir`` are staged and published only
  if every cell succeeded; the executed notebook is renamed into place last.
- A failure names the notebook and the cell, and exits non-zero without a
  Python traceback on the user's terminal.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

import nbformat

from helpers import outputs
from helpers.params import ParameterError, RunParams, parameters

KERNEL_NAME = "eig-helpers"
#: Imported by every report notebook; the kernel imports it as it starts (``_start_kernel``).
PRELOAD = "helpers.appendix"
#: Parameters every notebook declares in its ``parameters`` cell (declared in ``helpers.params``).
PARAMETERS = parameters()


def install_kernel(prefix: Path = Path(sys.prefix)) -> Path:
    """Install the ``eig-helpers`` kernelspec into the venv (what ``make env`` runs).

    Same as ``ipykernel install --sys-prefix``, plus a quieter kernel log: the kernel's
    start-up and shutdown chatter (unencrypted local TCP, "KeyboardInterrupt caught in
    kernel") would otherwise land on the terminal at every notebook; errors in cells
    still reach the notebook and the runner.
    """
    from ipykernel.kernelspec import install

    path = Path(install(kernel_name=KERNEL_NAME, display_name="EIG helpers (.venv)", prefix=str(prefix)))
    spec_file = path / "kernel.json"
    spec = json.loads(spec_file.read_text())
    if "--IPKernelApp.log_level=CRITICAL" not in spec["argv"]:
        spec["argv"].append("--IPKernelApp.log_level=CRITICAL")
    spec_file.write_text(json.dumps(spec, indent=1) + "\n")
    return path


def parse_params(pairs: list[str]) -> dict:
    """``VARIABLE=value`` strings from make into checked notebook parameters (others defaulted)."""
    return RunParams.from_variables(dict(p.partition("=")[::2] for p in pairs)).notebook()


def read_params(path: Path) -> dict:
    """The parameters file written by make (one ``VARIABLE=value`` per line), checked."""
    return RunParams.read(path).notebook()


def _failure_message(notebook: Path, exc: Exception, executed: Path) -> str:
    cell = "?"
    try:
        nb = nbformat.read(executed, as_version=4)
        inserted = {"injected-parameters", "papermill-error-cell-tag"}
        source_cells = [c for c in nb.cells if not inserted & set(c.get("metadata", {}).get("tags", []))]
        for i, c in enumerate(source_cells):
            if c.get("cell_type") == "code" and any(o.get("output_type") == "error" for o in c.get("outputs", [])):
                cell = str(i + 1)
                break
    except Exception:  # the partial notebook may not exist
        pass
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", str(exc)).strip().splitlines()
    first = evalue[0] if evalue else ""
    return f"error: notebook {notebook} failed in cell {cell}: {ename}: {first}"


def execute(notebook: Path, output: Path, params: dict, state_dir: Path) -> int:
    """Execute ``notebook`` into ``output``; 0 on success, 1 with a one-line message otherwise."""
    out_dir = Path(params["out_dir"])
    staging = out_dir / ".staging" / notebook.stem
    shutil.rmtree(staging, ignore_errors=True)
    partial = state_dir / "failed" / notebook.name
    partial.parent.mkdir(parents=True, exist_ok=True)
    os.environ[outputs.STAGING_ENV] = str(staging.resolve())
    os.environ[outputs.OUT_ENV] = str(out_dir.resolve())
    km = None
    try:
        km = _start_kernel()  # after the environment above, which the kernel inherits
        import papermill as pm

        pm.execute_notebook(
            str(notebook),
            str(partial),
            parameters=params,
            kernel_name=KERNEL_NAME,
            km=km,
            cwd=str(Path.cwd()),
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
        )
    except Exception as exc:  # papermill's error carries the cell's exception
        shutil.rmtree(staging, ignore_errors=True)
        print(_failure_message(notebook, exc, partial), file=sys.stderr)
        print(f"       partial notebook kept in {partial}; previous outputs left untouched", file=sys.stderr)
        return 1
    finally:
        if km is not None:
            _stop_kernel(km)
    outputs.publish(staging, out_dir)
    nb = nbformat.read(partial, as_version=4)
    _strip_volatile(nb)
    nb.metadata.setdefault("papermill", {})["output_path"] = str(output)
    outputs.write_text(output, nbformat.writes(nb) + "\n")
    partial.unlink()
    return 0


def _start_kernel():
    """The project's kernel, started before papermill is imported, with the package imported in it.

    Kernel start-up and the notebook's first import (about 2 s) then overlap the parent's
    own imports and reading of the notebook: a one-notebook rebuild has a core to spare
    for it. ``exec_lines`` run as IPython's start-up code (names hidden from ``%who``),
    after the inline matplotlib backend is set, as the notebook's own import would be.
    Its history is kept in memory, as nbclient does for the kernels it starts.
    """
    from jupyter_client.manager import AsyncKernelManager  # nbclient's own kernel manager class
    from jupyter_core.utils import run_sync

    km = AsyncKernelManager(kernel_name=KERNEL_NAME)
    run_sync(km.start_kernel)(extra_arguments=[f"--IPKernelApp.exec_lines=import {PRELOAD}",
                                               "--HistoryManager.hist_file=:memory:"])
    return km


def _stop_kernel(km) -> None:
    from jupyter_core.utils import run_sync

    if run_sync(km.is_alive)():
        run_sync(km.shutdown_kernel)(now=True)  # every cell's reply is in: nothing is left to flush
    else:
        run_sync(km.cleanup_resources)()


def _strip_volatile(nb) -> None:
    """Drop papermill's timings and random ids so the executed notebook is the same bytes on every run."""
    nb.metadata.get("papermill", {}).pop("start_time", None)
    nb.metadata.get("papermill", {}).pop("end_time", None)
    nb.metadata.get("papermill", {}).pop("duration", None)
    for cell in nb.cells:
        meta = cell.get("metadata", {})
        if "injected-parameters" in meta.get("tags", []):
            cell["id"] = "injected-parameters"  # papermill draws a random id
        meta.pop("execution", None)
        pm_meta = meta.get("papermill", {})
        for key in ("start_time", "end_time", "duration"):
            pm_meta.pop(key, None)


def main(argv: list[str]) -> int:
    if argv == ["--install-kernel"]:
        print(f"kernel {KERNEL_NAME} installed in {install_kernel()}")
        return 0
    parser = argparse.ArgumentParser(prog="python -m helpers execute", description="execute one notebook")
    parser.add_argument("notebook", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--params", required=True, type=Path, help="parameters file written by make")
    args = parser.parse_args(argv)
    try:
        params = read_params(args.params)
    except ParameterError as err:
        for line in err.lines:
            print(f"error: {line}", file=sys.stderr)
        return 2
    return execute(args.notebook, args.output, params, args.params.parent)
