"""The run parameters of a report, declared once, and checked before any work.

Every parameter is one field of :class:`RunParams`: its name in the notebooks
(``min_cell``), its make variable (``MIN_CELL``), its default, a French and an
English description, and the function that checks it. Everything else derives
from that line: the Makefile's defaults (``params.mk``), each notebook's
``parameters`` cell, the parameters file make hands to ``python -m helpers``,
the command-line options of the ``tables`` command and ``Appendix``'s arguments.

Adding a parameter is one line in :class:`RunParams`, e.g.::

    fpc: bool = param(False, "FPC", "correction de population finie",
                      "finite population correction", switch)

then ``make sync-params`` rewrites ``params.mk`` and the notebooks' parameters
cells (``tests/test_params.py`` fails until they agree), and the notebooks read
the new name.

A refused value gives one line per parameter naming the variable, the value and
what is allowed (``MIN_CELL=-1: expected a whole number ≥ 0 …``): make runs
``python -m helpers params check`` before validating the data or writing
anything under ``OUT``.
"""

from __future__ import annotations

import argparse
import ast
import json
import math
import sys
from dataclasses import dataclass, field, fields
from pathlib import Path

from helpers import PROJECT_ROOT

#: Generated makefile holding each make variable's default (included by the Makefile).
MAKEFILE = PROJECT_ROOT / "params.mk"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"


class Refused(ValueError):
    """A value a parameter's check does not accept; the message says what is allowed."""


class ParameterError(ValueError):
    """Run parameters refused: one line per parameter (variable, value, what is allowed)."""

    def __init__(self, lines: list[str]):
        self.lines = list(lines)
        super().__init__("\n".join(self.lines))


def resolve(path: str | Path) -> Path:
    """A parameter path: as given if it exists from here, else relative to the project root.

    JupyterLab starts kernels in ``notebooks/``, papermill at the root: both work.
    """
    path = Path(path)
    if path.is_absolute() or path.exists():
        return path
    return PROJECT_ROOT / path


# ---- checks: make text or a Python value → the typed value, or Refused ---------------------


def known_promotions() -> tuple[int, ...]:
    """Promotions of the programme: 1 and 2, and those data/programme/programme.csv lists."""
    from helpers.headcounts import BASE_PROMOTIONS, populations

    return tuple(sorted(set(BASE_PROMOTIONS) | {p for _, p in populations()}))


def directory(value) -> str:
    text = str(value).strip()
    if not text:
        raise Refused("a directory (empty value)")
    return text


def data_directory(value) -> str:
    text = directory(value)
    if not resolve(text).is_dir():
        raise Refused("an existing directory holding eig.csv|xlsx and mentor.csv|xlsx (not found)")
    return text


def output_directory(value) -> str:
    text = directory(value)
    if resolve(text).exists() and not resolve(text).is_dir():
        raise Refused("a directory for the outputs (this is an existing file)")
    return text


def promotion_list(value) -> tuple[int, ...] | None:
    """Promotion numbers, e.g. ``"1 2"``, ``"1,2"`` or ``[1, 2]``; empty or None: every promotion."""
    known = known_promotions()
    allowed = (f"promotion numbers among {', '.join(map(str, known))} (data/programme/programme.csv), "
               'separated by spaces, e.g. PROMOTIONS="1 2"')
    if value is None:
        return None
    if isinstance(value, str):
        items = value.replace(",", " ").split()
    elif isinstance(value, int) and not isinstance(value, bool):
        items = [value]
    else:
        try:
            items = list(value)
        except TypeError:
            raise Refused(allowed) from None
    numbers = []
    for item in items:
        if isinstance(item, bool) or isinstance(item, float):
            raise Refused(allowed)
        try:
            number = int(str(item).strip())
        except ValueError:
            raise Refused(allowed) from None
        if number not in known:
            raise Refused(allowed)
        numbers.append(number)
    return tuple(sorted(set(numbers))) or None


def level(value) -> float:
    allowed = "a level strictly between 0 and 1, e.g. 0.95"
    if isinstance(value, bool):
        raise Refused(allowed)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise Refused(allowed) from None
    if not (math.isfinite(number) and 0 < number < 1):
        raise Refused(allowed)
    return number


def threshold(value) -> int:
    allowed = "a whole number ≥ 0 (respondents; 0 masks nothing: private exploration only), e.g. 3"
    if isinstance(value, bool) or isinstance(value, float):
        raise Refused(allowed)
    try:
        number = int(str(value).strip())
    except ValueError:
        raise Refused(allowed) from None
    if number < 0:
        raise Refused(allowed)
    return number


def choice(*options: str):
    """A check accepting exactly one of ``options``."""

    def check(value) -> str:
        if value not in options:
            raise Refused(" or ".join(options))
        return value

    return check


def auto_switch(value) -> bool | None:
    """``auto`` (None), ``true`` or ``false``."""
    texts = {"auto": None, "true": True, "false": False}
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in texts:
        return texts[value.strip().lower()]
    raise Refused("auto, true or false")


def switch(value) -> bool:
    """An on/off parameter: ``true``/``false`` (also 1/0) in make, a bool in Python."""
    texts = {"true": True, "1": True, "false": False, "0": False}
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in texts:
        return texts[value.strip().lower()]
    raise Refused("true or false (or 1 or 0)")


def text_of(value, none: str = "") -> str:
    """A typed value as written on make's command line (``none``: how that parameter writes None)."""
    if value is None:
        return none
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return " ".join(map(str, value))
    return str(value)


# ---- the parameters ------------------------------------------------------------------------


def param(default, variable: str, fr: str, en: str, check, none: str = "") -> field:
    """One run parameter: its default, make variable, descriptions, check, and how make writes None."""
    return field(default=default, metadata={"variable": variable, "fr": fr, "en": en, "check": check, "none": none})


@dataclass(frozen=True)
class RunParams:
    """Every run parameter of a report, checked when built (``ParameterError`` lists what is refused)."""

    data_dir: str = param("data/sample", "DATA", "répertoire du jeu de données", "dataset directory",
                          data_directory)
    out_dir: str = param("outputs", "OUT", "répertoire des résultats", "where figures and tables go",
                         output_directory)
    promotions: tuple[int, ...] | None = param((1, 2), "PROMOTIONS", "promotions retenues",
                                               "promotions kept (empty: all)", promotion_list)
    confidence: float = param(0.95, "CONFIDENCE", "niveau des intervalles de confiance",
                              "level of the intervals", level)
    min_cell: int = param(3, "MIN_CELL", "seuil de diffusion des sous-groupes",
                          "smallest count or base shown in a subgroup", threshold)
    weighting: str = param("none", "WEIGHTING", "lecture principale (none : non pondérée, promotion : pondérée)",
                           'none, or "promotion": the weighted reading becomes the main one',
                           choice("none", "promotion"))
    include_verbatims: bool | None = param(None, "INCLUDE_VERBATIMS",
                                           "réponses libres (auto : seulement sur l'échantillon synthétique)",
                                           "free-text answers, None (auto): only on the synthetic sample",
                                           auto_switch, none="auto")
    fpc: bool = param(True, "FPC", "correction de population finie des intervalles",
                      "finite population correction of the intervals", switch)

    def __post_init__(self):
        problems = []
        for f in fields(self):
            value = getattr(self, f.name)
            try:
                object.__setattr__(self, f.name, f.metadata["check"](value))
            except Refused as refused:
                problems.append(f"{f.metadata['variable']}={shown(value)}: expected {refused}")
        if not problems:
            problems.extend(self._cross_checks())
        if problems:
            raise ParameterError(problems)

    def _cross_checks(self) -> list[str]:
        """OUT is not DATA, holds not the project (``make clean`` removes OUT), and is git-ignored inside it."""
        out = resolve(self.out_dir).resolve()
        data = resolve(self.data_dir).resolve()
        root = PROJECT_ROOT.resolve()
        if out == data:
            return [f"OUT={shown(self.out_dir)}: expected a directory other than the data set (DATA), e.g. OUT=outputs"]
        if root == out or out in root.parents:
            return [f"OUT={shown(self.out_dir)}: expected a directory that does not contain the project, "
                    "e.g. OUT=outputs"]
        top = out.relative_to(root).parts[0] if root in out.parents else "outputs"
        if not (top == "outputs" or top.startswith("outputs-")):
            return [f"OUT={shown(self.out_dir)}: expected outputs or outputs-<name> inside the project "
                    "(git-ignored), e.g. OUT=outputs-real"]
        return []

    # ---- other forms ---------------------------------------------------------------------
    @classmethod
    def from_variables(cls, variables: dict[str, str]) -> RunParams:
        """From make variables (``{"MIN_CELL": "3"}``); absent ones take their default."""
        names = {f.metadata["variable"]: f.name for f in fields(cls)}
        unknown = sorted(set(variables) - set(names))
        if unknown:
            raise ParameterError([f"{name}: not a run parameter; expected one of {', '.join(names)}"
                                  for name in unknown])
        return cls(**{names[k]: v for k, v in variables.items()})

    @classmethod
    def read(cls, path: Path | str) -> RunParams:
        """The parameters file make writes: one ``VARIABLE=value`` per line."""
        variables = {}
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.strip():
                key, _, value = line.strip().partition("=")
                variables[key] = value
        return cls.from_variables(variables)

    def variables(self) -> dict[str, str]:
        """Make variable → value as typed on make's command line."""
        return {f.metadata["variable"]: text_of(getattr(self, f.name), f.metadata["none"]) for f in fields(self)}

    def notebook(self) -> dict:
        """Papermill parameters: plain Python values (promotions as a list)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}


def shown(value) -> str:
    """A refused value as given: quoted when typed on make's command line, as Python shows it otherwise."""
    return repr(value)


def parameters() -> tuple[str, ...]:
    """Names of the parameters, in declaration order (what every notebook declares)."""
    return tuple(f.name for f in fields(RunParams))


def check(values: dict) -> list[str]:
    """The one-line refusals for these keyword values (empty: accepted)."""
    try:
        RunParams(**values)
    except ParameterError as err:
        return err.lines
    return []


# ---- generated files: params.mk and the notebooks' parameters cells --------------------------


def makefile_text() -> str:
    lines = ["# Generated from src/helpers/params.py by `make sync-params`: do not edit.",
             "# Each run parameter's make variable and default (`make help` lists them)."]
    for f in fields(RunParams):
        default = text_of(f.default, f.metadata["none"])
        lines.append(f"## {f.metadata['variable']}: {f.metadata['en']} (default: {default})")
        lines.append(f"{f.metadata['variable']} ?= {default}")
    lines.append(f"PARAMETER_VARIABLES := {' '.join(f.metadata['variable'] for f in fields(RunParams))}")
    return "\n".join(lines) + "\n"


def parameters_cell() -> str:
    """Source of the notebooks' ``parameters`` cell: one ``name = default  # description (VARIABLE)`` per line."""
    lines = []
    for f in fields(RunParams):
        value = list(f.default) if isinstance(f.default, tuple) else f.default
        literal = json.dumps(value) if isinstance(value, str) else repr(value)
        lines.append(f"{f.name} = {literal}  # {f.metadata['en']} ({f.metadata['variable']})")
    return "\n".join(lines)


def notebook_declarations(source: str) -> dict:
    """Name → literal value of each assignment of a parameters cell (ValueError if not a literal)."""
    out = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            out[node.targets[0].id] = ast.literal_eval(node.value)
    return out


def sync(root: Path = PROJECT_ROOT) -> list[Path]:
    """Rewrite params.mk and every notebook's parameters cell; the files changed."""
    import nbformat

    changed = []
    makefile = root / MAKEFILE.name
    if not makefile.is_file() or makefile.read_text(encoding="utf-8") != makefile_text():
        makefile.write_text(makefile_text(), encoding="utf-8")
        changed.append(makefile)
    for path in sorted((root / NOTEBOOKS_DIR.name).glob("[0-9]*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        if len(cells) == 1 and cells[0].source != parameters_cell():
            cells[0].source = parameters_cell()
            nbformat.write(nb, path)
            changed.append(path)
    return changed


# ---- command line ------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--params FILE`` (written by make) and one ``--<name>`` option per parameter, overriding it."""
    parser.add_argument("--params", type=Path, help="parameters file written by make (VARIABLE=value lines)")
    for f in fields(RunParams):
        parser.add_argument(f"--{f.name.replace('_', '-')}", dest=f"param_{f.name}", metavar=f.metadata["variable"],
                            help=f"{f.metadata['en']} (default: {text_of(f.default, f.metadata['none'])})")


def from_arguments(args: argparse.Namespace) -> RunParams:
    """The parameters of a command: the file's, then the options given."""
    base = RunParams.read(args.params).variables() if args.params else {}
    for f in fields(RunParams):
        given = getattr(args, f"param_{f.name}")
        if given is not None:
            base[f.metadata["variable"]] = given
    return RunParams.from_variables(base)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers params", description="check or sync the run parameters")
    sub = parser.add_subparsers(dest="command", required=True)
    checking = sub.add_parser("check", help="refuse bad parameters (one line each) before any work")
    checking.add_argument("file", type=Path, help="parameters file written by make")
    sub.add_parser("sync", help="rewrite params.mk and the notebooks' parameters cells from RunParams")
    args = parser.parse_args(argv)
    if args.command == "sync":
        for path in sync():
            print(f"rewrote {path.relative_to(PROJECT_ROOT)}")
        return 0
    try:
        RunParams.read(args.file)
    except ParameterError as err:
        for line in err.lines:
            print(f"error: {line}", file=sys.stderr)
        print("error: parameters refused; nothing was run or written", file=sys.stderr)
        return 2
    return 0
