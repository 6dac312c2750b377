"""The run cache (helpers.cache): computed once per key, across processes, never stale."""

from __future__ import annotations

import multiprocessing
import time
from dataclasses import replace

import pytest

from helpers import cache, indicators
from helpers.cache import CACHE_ENV, fingerprint, memoized, survey_digest


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_result_is_computed_once_then_read_back(cache_dir):
    calls = []

    def compute():
        calls.append(1)
        return {"value": [1, 2, 3]}

    assert memoized("demo", "k1", compute) == {"value": [1, 2, 3]}
    assert memoized("demo", "k1", compute) == {"value": [1, 2, 3]}
    assert len(calls) == 1
    assert memoized("demo", "k2", compute) == {"value": [1, 2, 3]}
    assert len(calls) == 2
    assert sorted(p.name for p in cache_dir.glob("*.pickle")) == ["demo-k1.pickle", "demo-k2.pickle"]


def test_without_the_variable_nothing_is_stored(tmp_path, monkeypatch):
    monkeypatch.delenv(CACHE_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    calls, keys = [], []
    memoized("demo", "k", lambda: calls.append(1))
    memoized("demo", lambda: keys.append(1) or "k", lambda: calls.append(1))
    assert len(calls) == 2 and list(tmp_path.iterdir()) == []
    assert keys == []  # a key function is not even called: hashing a large data set costs seconds


def test_a_key_function_names_the_stored_result(cache_dir):
    assert memoized("demo", lambda: "k7", lambda: 7) == 7
    assert memoized("demo", "k7", lambda: 8) == 7
    assert (cache_dir / "demo-k7.pickle").exists()


def test_a_failure_stores_nothing_and_a_damaged_file_is_computed_again(cache_dir):
    def fail():
        raise ValueError("audit failed")

    with pytest.raises(ValueError, match="audit failed"):
        memoized("demo", "k", fail)
    assert list(cache_dir.glob("*.pickle")) == []
    (cache_dir / "demo-k.pickle").write_bytes(b"not a pickle")
    assert memoized("demo", "k", lambda: 42) == 42
    assert memoized("demo", "k", fail) == 42


def test_old_results_are_pruned(cache_dir, monkeypatch):
    monkeypatch.setattr(cache, "KEEP", 2)
    for i in range(4):
        memoized("demo", f"k{i}", lambda: i)
        time.sleep(0.01)
    assert sorted(p.name for p in cache_dir.glob("demo-*.pickle")) == ["demo-k2.pickle", "demo-k3.pickle"]


def test_pruning_survives_a_result_removed_by_another_process_meanwhile(cache_dir, monkeypatch):
    monkeypatch.setattr(cache, "KEEP", 1)
    for i in range(3):
        memoized("demo", f"k{i}", lambda: i)
        time.sleep(0.01)
    gone = cache_dir / "demo-gone.pickle"  # listed, then pruned by another process before its date is read
    listing = type(cache_dir).glob
    monkeypatch.setattr(type(cache_dir), "glob", lambda self, pattern: [*listing(self, pattern), gone])
    cache._prune(cache_dir, "demo")
    assert [p.name for p in listing(cache_dir, "demo-*.pickle")] == ["demo-k2.pickle"]


def _slow_compute(log: str) -> str:
    with open(log, "a") as f:
        f.write("computed\n")
    time.sleep(0.5)
    return "result"


def _ask(directory: str, log: str, results) -> None:
    import os

    os.environ[CACHE_ENV] = directory
    results.put(memoized("demo", "shared", lambda: _slow_compute(log)))


def test_parallel_processes_compute_a_key_once(cache_dir, tmp_path):
    log = tmp_path / "log.txt"
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    workers = [context.Process(target=_ask, args=(str(cache_dir), str(log), results)) for _ in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert [results.get(timeout=5) for _ in workers] == ["result"] * 3
    assert log.read_text() == "computed\n"


def test_the_fingerprint_follows_every_part():
    assert fingerprint(0.95, 3, ["1"]) == fingerprint(0.95, 3, ["1"])
    assert len({fingerprint(0.95, 3, ["1"]), fingerprint(0.9, 3, ["1"]), fingerprint(0.95, 0, ["1"]),
                fingerprint(0.95, 3, [1])}) == 4


def test_indicator_tables_are_shared_and_follow_the_answers(sample, cache_dir, monkeypatch):
    calls = []
    protect = indicators.protect
    monkeypatch.setattr(indicators, "protect", lambda *a, **k: calls.append(1) or protect(*a, **k))
    first = indicators.indicator_tables(sample, promotions=[2])
    again = indicators.indicator_tables(sample, promotions=[2])
    assert len(calls) == 1
    assert first["respondent"].equals(again["respondent"])
    # One answer changed: another key, computed afresh.
    frames = dict(sample.frames)
    eig = frames["eig"].copy()
    eig.iloc[0, eig.columns.get_loc("promotion")] = 1 if eig["promotion"].iloc[0] == 2 else 2
    frames["eig"] = eig
    changed = replace(sample, frames=frames)
    assert survey_digest(changed) != survey_digest(sample)
    indicators.indicator_tables(changed, promotions=[2])
    assert len(calls) == 2
