"""The benchmark scripts stay runnable: each one's imports and definitions load (not its timings).

Benchmarks are run by hand or by `make bench…`, never by the suite (no timed assertion here);
this only catches a script left behind by a refactoring (bench_audit imported a moved function).
"""

import runpy

import pytest

from conftest import ROOT

SCRIPTS = sorted((ROOT / "benchmarks").glob("bench_*.py"))


def test_there_are_benchmarks():
    assert {p.stem for p in SCRIPTS} >= {"bench_audit", "bench_indicators", "bench_pipeline"}


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_script_loads_and_has_a_main(script):
    namespace = runpy.run_path(str(script), run_name="loaded_by_the_tests")  # `if __name__ == "__main__"` skipped
    assert callable(namespace.get("main")), f"{script.name}: no main()"
