"""Run a report notebook inside the test process, as its kernel would, without starting one.

A kernel costs seconds to start and to import the package again; a test that runs many notebooks
on many data sets (tests/test_empty_selections.py) runs their cells here instead, in an IPython
shell: the ``parameters`` cell, then the values injected after it as papermill does, then every
other code cell, each result displayed in every format a kernel would compute (HTML, PNG, …).
Stricter than a kernel: a ``_repr_*_`` that raises fails the run (a kernel only prints it in the
cell's output). `make report` and tests/test_pipeline.py keep testing the real kernel path.
"""

from __future__ import annotations

import builtins
import contextlib
import sys
from pathlib import Path

import nbformat
from IPython.core.interactiveshell import InteractiveShell
from traitlets.config import Config


class CellFailed(AssertionError):
    """A cell raised, or displaying its result did: names the notebook, the cell and the error."""


@contextlib.contextmanager
def _shell():
    """An IPython shell for one notebook, and the process as it was afterwards: IPython makes its
    namespace ``__main__`` (multiprocessing's spawn then fails in later tests) and adds builtins."""
    main, hooks, builtin_names = sys.modules["__main__"], (sys.displayhook, sys.excepthook), set(vars(builtins))
    config = Config()
    config.HistoryManager.enabled = False  # no history database under ~/.ipython
    shell = InteractiveShell.instance(config=config)
    formatter = shell.display_formatter
    formatter.active_types = list(formatter.format_types)  # as ipykernel: every representation
    try:
        yield shell
    finally:
        InteractiveShell.clear_instance()
        sys.modules["__main__"], (sys.displayhook, sys.excepthook) = main, hooks
        for name in set(vars(builtins)) - builtin_names:
            delattr(builtins, name)


@contextlib.contextmanager
def _tracebacks_kept(shell: InteractiveShell):
    """The exceptions IPython shows a traceback for (a failing formatter's among them), kept."""
    kept = []

    def keep(exc_tuple=None, *args, **kwargs):
        kept.append((exc_tuple or sys.exc_info())[1])

    shell.showtraceback, saved = keep, shell.showtraceback
    try:
        yield kept
    finally:
        shell.showtraceback = saved


def run(notebook: Path, params: dict) -> None:
    """Every code cell of ``notebook`` with ``params`` injected; :class:`CellFailed` on the first error."""
    cells = [c for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "code"]
    injected = "\n".join(f"{name} = {value!r}" for name, value in params.items())
    with _shell() as shell:
        for number, cell in enumerate(cells, 1):
            sources = [cell.source, injected] if "parameters" in cell.metadata.get("tags", []) else [cell.source]
            for source in sources:
                with _tracebacks_kept(shell) as errors:
                    result = shell.run_cell(source, store_history=False)
                error = result.error_before_exec or result.error_in_exec or next(iter(errors), None)
                if error is not None:
                    raise CellFailed(f"{notebook.name}, cell {number}: {type(error).__name__}: {error}") from error
