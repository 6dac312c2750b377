"""The Makefile end to end: a full -j2 build, a no-op second run, one-notebook rebuilds, determinism.

The full build is done once per test run (tests/conftest.py, shared by the xdist workers);
`make -n -W file` asks make what it *would* redo, without touching the tree.
"""

import re
import subprocess

import pytest

from conftest import ROOT, make
from helpers.manifest import differences, manifest

NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9]*.ipynb"))
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(full_report):
    return full_report


def test_report_produces_every_page(built):
    report = built / "report"
    for name in NOTEBOOKS:
        assert (report / f"{name}.html").stat().st_size > 0
        assert (report / "code" / f"{name}.html").stat().st_size > 0
    for path in ("index.html", "appendices.pdf"):
        assert (report / path).stat().st_size > 0
    for path in ("indicators.csv", "indicators-defi.csv", "claims.csv", "granularity.csv"):
        assert (built / "tables" / path).stat().st_size > 0


def test_second_run_is_a_no_op(built):
    assert make("-q", "report", f"OUT={built}", check=False).returncode == 0
    assert "Nothing to be done" in make("report", f"OUT={built}").stdout


def _would_run(built, changed):
    return make("-n", "-W", changed, "report", f"OUT={built}").stdout


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_touching_one_notebook_rebuilds_only_it_and_the_aggregates(built, name):
    plan = _would_run(built, f"notebooks/{name}.ipynb")
    executed = re.findall(r"helpers execute notebooks/(\S+)\.ipynb", plan)
    rendered = re.findall(r"render render-notebook \S+/notebooks/(\S+)\.ipynb", plan)
    # Appendix F cites the other appendices' numbers (helpers.numbering): it is rendered again too.
    claims = [n for n in NOTEBOOKS if n.endswith("_verification_affirmations")]
    assert executed == [name] and sorted(rendered) == sorted({name, *claims})
    assert "render pdf" in plan and "render index" in plan
    assert "helpers tables" not in plan and "helpers validate" not in plan


def test_changing_the_data_reruns_validation_first(built):
    sample = sorted((ROOT / "data" / "sample").glob("*.csv"))[0]
    plan = _would_run(built, str(sample.relative_to(ROOT)))
    assert plan.index("helpers validate") < plan.index("helpers execute")
    assert len(re.findall(r"helpers execute", plan)) == len(NOTEBOOKS)


def test_changing_a_parameter_reruns_the_notebooks(built, tmp_path):
    plan = make("-n", "report", f"OUT={built}", "MIN_CELL=5").stdout
    assert len(re.findall(r"helpers execute", plan)) == len(NOTEBOOKS)
    make("-n", "report", f"OUT={built}")  # restore the parameters file to the fixture's values


def test_refused_data_writes_nothing_under_out(tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "eig.csv").write_text("respondent_id,promotion\nA,9\n")
    out = tmp_path / "out"
    proc = make("report", f"DATA={bad}", f"OUT={out}", check=False)
    assert proc.returncode != 0
    assert "mentor" in proc.stdout + proc.stderr  # the missing file is named
    assert not out.exists()


def test_two_builds_from_a_clean_out_are_byte_identical(built, sample_build, tmp_path):
    """Tables, figures, notebooks and the PDF: same bytes; HTML: same once the run date is masked.

    Runs last: it wipes the shared build's OUT (no other worker reads it meanwhile) and rebuilds it
    from scratch, with an empty run cache (helpers.cache) so that the indicator tables are computed
    again, not read back. Same OUT, since the executed notebooks and the code view print it.
    """
    first = manifest(built)
    with sample_build.exclusive():
        subprocess.run(["rm", "-rf", str(built)], check=True)
        make("-j2", "report", f"OUT={built}", f"EIG_CACHE_DIR={tmp_path / 'cache'}")
        second = manifest(built)
    assert list((tmp_path / "cache").glob("indicators-*.pickle")), "the rebuild computed its own tables"
    assert differences(first, second) == []
