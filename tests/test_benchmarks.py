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


def test_pipeline_section_has_a_verdict_per_target():
    """The table `make bench-pipeline` writes after its quarter of an hour of measuring: no KeyError then."""
    section = runpy.run_path(str(ROOT / "benchmarks" / "bench_pipeline.py"), run_name="loaded_by_the_tests")["section"]
    results = {"baseline": 60.0, "j1": 61.0, "j2": 40.0, "noop": 0.01, "touched": 9.0, "clean": 1.0, "first-edit": 18.0,
               "one": 15.0, "pip": 70.0, "uv": 20.0, "test-fast": 50.0, "test-fast-again": 40.0, "test": 290.0}
    assert section(results).count("| met |") == 7 and "missed" not in section(results)
    assert "the tree was clean" in section(results) and "modified already" in section({**results, "clean": 0.0})
    slow = section({**results, "one": 17.0, "test-fast": 61.0})  # 17 s ≥ 40 % of 40 s
    assert slow.count("| **missed** |") == 2 and "| 61.0 | ≤ 60 | **missed** |" in slow
