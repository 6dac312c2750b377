"""Run parameters: declared once (helpers.params), checked up front with one line each, in sync everywhere."""

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import inprocess
from conftest import ROOT, make
from helpers import SAMPLE_DIR, params
from helpers.params import ParameterError, RunParams
from helpers.pipeline import read_params

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
#: What the paper's programme table knows (data/programme/programme.csv): promotions 1 to 3.
KNOWN = (1, 2, 3)
LINE = re.compile(r"^[A-Z_]+=.*: expected [^\n]+$")


def test_defaults():
    p = RunParams()
    assert (p.data_dir, p.out_dir, p.promotions, p.confidence, p.min_cell, p.weighting, p.include_verbatims) == (
        "data/sample", "outputs", (1, 2), 0.95, 3, "none", None)
    assert params.known_promotions() == KNOWN


@pytest.mark.parametrize("values, line", [
    ({"min_cell": -1}, "MIN_CELL=-1: expected a whole number ≥ 0"),
    ({"min_cell": "2.5"}, "MIN_CELL='2.5': expected a whole number ≥ 0"),
    ({"min_cell": True}, "MIN_CELL=True: expected a whole number ≥ 0"),
    ({"promotions": "3 4"}, "PROMOTIONS='3 4': expected promotion numbers among 1, 2, 3"),
    ({"promotions": [0]}, "PROMOTIONS=[0]: expected promotion numbers among 1, 2, 3"),
    ({"promotions": "EIG 2"}, "PROMOTIONS='EIG 2': expected promotion numbers among 1, 2, 3"),
    ({"confidence": 1.5}, "CONFIDENCE=1.5: expected a level strictly between 0 and 1"),
    ({"confidence": "1"}, "CONFIDENCE='1': expected a level strictly between 0 and 1"),
    ({"confidence": "nan"}, "CONFIDENCE='nan': expected a level strictly between 0 and 1"),
    ({"confidence": "95%"}, "CONFIDENCE='95%': expected a level strictly between 0 and 1"),
    ({"weighting": "foo"}, "WEIGHTING='foo': expected none or promotion"),
    ({"include_verbatims": "oui"}, "INCLUDE_VERBATIMS='oui': expected auto, true or false"),
    ({"data_dir": "no/such/dir"}, "DATA='no/such/dir': expected an existing directory"),
    ({"data_dir": " "}, "DATA=' ': expected a directory (empty value)"),
    ({"out_dir": ""}, "OUT='': expected a directory (empty value)"),
    ({"out_dir": "."}, "OUT='.': expected a directory that does not contain the project"),
    ({"out_dir": "data"}, "OUT='data': expected outputs or outputs-<name> inside the project"),
    ({"out_dir": "data/sample"}, "OUT='data/sample': expected a directory other than the data set (DATA)"),
    ({"out_dir": "src"}, "OUT='src': expected outputs or outputs-<name> inside the project (git-ignored)"),
    ({"out_dir": "outputs-real/x"}, None),
])
def test_refusals_are_one_line_naming_variable_value_and_what_is_allowed(values, line):
    refused = params.check(values)
    if line is None:
        assert refused == []
        return
    assert len(refused) == 1 and refused[0].startswith(line), refused
    assert LINE.match(refused[0])


def test_out_may_not_hold_the_project_but_may_hold_data(tmp_path):
    assert params.check({"out_dir": str(ROOT.parent)}) == [
        f"OUT={str(ROOT.parent)!r}: expected a directory that does not contain the project, e.g. OUT=outputs"]
    data = tmp_path / "data"
    data.mkdir()
    assert params.check({"data_dir": str(data), "out_dir": str(tmp_path)}) == []
    assert params.check({"data_dir": str(data), "out_dir": str(data)})[0].startswith(
        f"OUT={str(data)!r}: expected a directory other than the data set (DATA)")


def test_out_may_not_be_a_file(tmp_path):
    (tmp_path / "f").write_text("x")
    assert params.check({"out_dir": str(tmp_path / "f")})[0].endswith("(this is an existing file)")


def test_every_refused_parameter_gets_its_line():
    lines = params.check({"min_cell": -1, "weighting": "x", "confidence": 2})
    assert [line.split("=")[0] for line in lines] == ["CONFIDENCE", "MIN_CELL", "WEIGHTING"]


def test_min_cell_zero_is_allowed_for_private_exploration():
    assert RunParams(min_cell=0).min_cell == 0
    assert RunParams.from_variables({"MIN_CELL": "0"}).min_cell == 0


@pytest.mark.parametrize("text, value", [("1 2", (1, 2)), ("2,1", (1, 2)), (" 3 ", (3,)), ("2 2", (2,)),
                                         ("", None)])
def test_promotions_as_typed_on_the_command_line(text, value):
    assert RunParams.from_variables({"PROMOTIONS": text}).promotions == value


def test_make_text_round_trips():
    p = RunParams.from_variables({"PROMOTIONS": "3", "CONFIDENCE": "0.9", "MIN_CELL": "0",
                                  "WEIGHTING": "promotion", "INCLUDE_VERBATIMS": "true"})
    assert p.variables() == {"DATA": "data/sample", "OUT": "outputs", "PROMOTIONS": "3", "CONFIDENCE": "0.9",
                             "MIN_CELL": "0", "WEIGHTING": "promotion", "INCLUDE_VERBATIMS": "true", "FPC": "true"}
    assert RunParams.from_variables(p.variables()) == p
    assert p.notebook()["promotions"] == [3] and p.notebook()["include_verbatims"] is True
    assert RunParams.from_variables({"INCLUDE_VERBATIMS": "auto"}).include_verbatims is None


def test_every_promotion_round_trips_through_make_text():
    """Found by Hypothesis: PROMOTIONS for "every promotion" was written 'auto', then refused."""
    every = RunParams(promotions=None)
    assert every.variables()["PROMOTIONS"] == ""
    assert RunParams.from_variables(every.variables()) == every


def test_unknown_variable_is_refused():
    with pytest.raises(ParameterError, match=r"^MINCELL: not a run parameter; expected one of DATA, OUT"):
        RunParams.from_variables({"MINCELL": "3"})


def test_parameters_file_is_one_variable_per_line(tmp_path):
    path = tmp_path / "params.txt"
    path.write_text("\nDATA=data/sample \nPROMOTIONS=1 2 \nMIN_CELL=5")
    assert RunParams.read(path) == RunParams(min_cell=5)


# ---- declared once: params.mk and the notebooks follow RunParams ----------------------------


def test_params_mk_is_generated_from_runparams():
    assert (ROOT / "params.mk").read_text(encoding="utf-8") == params.makefile_text(), "run `make sync-params`"
    assert "include params.mk" in (ROOT / "Makefile").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_parameters_cell_declares_exactly_the_parameters_and_defaults(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
    declared = params.notebook_declarations("".join(cell["source"]))
    expected = {"data_dir": "data/sample", "out_dir": "outputs", "promotions": [1, 2], "confidence": 0.95,
                "min_cell": 3, "weighting": "none", "include_verbatims": None, "fpc": True}
    assert declared == expected == RunParams().notebook(), "run `make sync-params`"
    assert list(declared) == list(params.parameters())


def test_sync_rewrites_what_drifted(tmp_path):
    (tmp_path / "notebooks").mkdir()
    source = json.loads(NOTEBOOKS[0].read_text(encoding="utf-8"))
    cell = next(c for c in source["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
    cell["source"] = ["min_cell = 7\n"]
    (tmp_path / "notebooks" / "00_x.ipynb").write_text(json.dumps(source), encoding="utf-8")
    changed = params.sync(tmp_path)
    assert [p.name for p in changed] == ["params.mk", "00_x.ipynb"]
    again = json.loads((tmp_path / "notebooks" / "00_x.ipynb").read_text(encoding="utf-8"))
    cell = next(c for c in again["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
    assert params.notebook_declarations("".join(cell["source"])) == RunParams().notebook()
    assert params.sync(tmp_path) == []


def test_appendix_takes_the_same_parameters(tmp_path):
    from helpers.appendix import Appendix

    with pytest.raises(ParameterError, match=r"^MIN_CELL=-1: expected"):
        Appendix(SAMPLE_DIR, tmp_path, min_cell=-1)
    app = Appendix.from_namespace({"data_dir": str(SAMPLE_DIR), "out_dir": str(tmp_path), "promotions": [2],
                                   "min_cell": 0, "unrelated": 1})
    assert (app.promotions, app.min_cell, app.params.weighting) == ([2], 0, "none")


def test_tables_command_takes_the_parameters_file_and_options(tmp_path):
    path = tmp_path / "params.txt"
    path.write_text(f"DATA={SAMPLE_DIR}\nOUT={tmp_path / 'out'}\nMIN_CELL=-2\n")
    proc = subprocess.run([sys.executable, "-m", "helpers", "tables", "--params", str(path)], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: MIN_CELL='-2': expected a whole number") and "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()


# ---- random combinations: accepted, or refused with one line per bad parameter ---------------

GOOD = {
    "promotions": st.one_of(st.none(), st.lists(st.sampled_from(KNOWN), max_size=3),
                            st.lists(st.sampled_from(KNOWN), min_size=1, max_size=3).map(lambda v: " ".join(map(str, v)))),
    "confidence": st.floats(min_value=0.01, max_value=0.999),
    "min_cell": st.one_of(st.integers(0, 50), st.integers(0, 50).map(str)),
    "weighting": st.sampled_from(["none", "promotion"]),
    "include_verbatims": st.sampled_from([None, True, False, "auto", "true", "false"]),
}
BAD = {
    "promotions": st.one_of(st.integers(4, 99).map(str), st.integers(-5, 0).map(lambda v: [v]),
                            st.text(alphabet="abcEIG-.;", min_size=1, max_size=4)),
    "confidence": st.one_of(st.floats(allow_nan=True).filter(lambda v: not 0 < v < 1),
                            st.sampled_from(["", "95", "0,95", "1", "0", "inf", "nan"])),
    "min_cell": st.one_of(st.integers(max_value=-1), st.floats(allow_nan=True),
                          st.sampled_from(["", "3.0", "-1", "trois", "1e3"])),
    "weighting": st.text(max_size=8).filter(lambda v: v not in ("none", "promotion")),
    "include_verbatims": st.one_of(st.integers(), st.sampled_from(["", "yes", "1", "AUTOMATIC"])),
}
VARIABLES = {"promotions": "PROMOTIONS", "confidence": "CONFIDENCE", "min_cell": "MIN_CELL",
             "weighting": "WEIGHTING", "include_verbatims": "INCLUDE_VERBATIMS"}


@st.composite
def combinations(draw):
    """Some parameters set, each valid or invalid; returns (values, names of the invalid ones)."""
    values, bad = {}, set()
    for name in draw(st.sets(st.sampled_from(sorted(GOOD)))):
        if draw(st.booleans()):
            values[name] = draw(BAD[name])
            bad.add(name)
        else:
            values[name] = draw(GOOD[name])
    return values, bad


@given(combinations())
def test_random_combinations_are_accepted_or_refused_one_line_each(case):
    values, bad = case
    refused = params.check(values)
    assert sorted(line.split("=", 1)[0] for line in refused) == sorted(VARIABLES[n] for n in bad)
    for line in refused:
        assert LINE.match(line), line
        assert "\n" not in line and len(line) < 300


# ---- through make: refused before any work, nothing under OUT ---------------------------------


@pytest.mark.parametrize("variable, value", [("MIN_CELL", "-1"), ("PROMOTIONS", "9"), ("CONFIDENCE", "1.5"),
                                             ("WEIGHTING", "foo"), ("DATA", "no/such/dir")])
def test_make_report_refuses_a_bad_parameter_and_writes_nothing(tmp_path, variable, value):
    out = tmp_path / "out"
    proc = make("report", f"OUT={out}", f"{variable}={value}", check=False)
    assert proc.returncode != 0
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error: ")]
    assert errors[0].startswith(f"error: {variable}={value!r}: expected "), proc.stderr
    assert "Traceback" not in proc.stderr
    assert "helpers validate" not in proc.stdout  # refused before the data is even read
    assert not out.exists()


# ---- a few real runs: random valid parameters execute the method appendix ----------------------


@pytest.mark.slow
@settings(max_examples=3, derandomize=True, deadline=None)
@given(st.fixed_dictionaries({name: GOOD[name] for name in ("promotions", "confidence", "min_cell", "weighting")}))
def test_random_valid_parameters_execute_a_notebook(values):
    run = RunParams(**values)
    with tempfile.TemporaryDirectory(prefix="robust-params-") as tmp:
        out = Path(tmp) / "out"
        path = Path(tmp) / "params.txt"
        path.write_text("".join(f"{k}={v}\n" for k, v in {**run.variables(), "OUT": str(out)}.items()))
        # In this process (tests/inprocess.py): the parameters file make writes, read as `helpers execute`
        # reads it, injected after the parameters cell as papermill does; the kernel path is make's.
        inprocess.run(NOTEBOOKS[0], read_params(path))
