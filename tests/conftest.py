"""Shared fixtures of the data-layer tests: the codebooks and the loaded sample."""

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from helpers import SAMPLE_DIR
from helpers.cache import CACHE_ENV
from helpers.codebook import load_codebooks
from helpers.load import load_survey

# The run cache (helpers.cache) that make uses, shared by the in-process tests and the builds they
# start: its keys cover the answers, parameters, populations and the package's source, so a
# result read back is the one the code would compute (tests/test_cache.py checks this).
os.environ[CACHE_ENV] = str(Path(__file__).resolve().parents[1] / ".make-state" / "cache")

# Property-based tests (Hypothesis): a bounded, derandomized run in the default suite (same examples
# every time), many more random examples with `make test-fuzz` (--hypothesis-profile=fuzz).
settings.register_profile("default", max_examples=40, derandomize=True, database=None, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz", max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("default")


@pytest.fixture(scope="session")
def codebooks():
    return load_codebooks()


@pytest.fixture(scope="session")
def sample():
    return load_survey(SAMPLE_DIR)


# ---- the full report, built once per session by `make` (slow tests) --------------------

import subprocess  # noqa: E402
import time  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
#: One run date for every build of the session, so the PDF (which prints it) compares too.
MAKE_ENV = {**os.environ, "SOURCE_DATE_EPOCH": str(int(time.time()))}


def make(*args, check=True):
    """Run make at the repository root; on failure show the end of its output."""
    proc = subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, capture_output=True, text=True,
                          env=MAKE_ENV)
    if check and proc.returncode != 0:
        raise AssertionError(f"make {' '.join(args)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc


@pytest.fixture(scope="session")
def full_report(tmp_path_factory):
    """`make -j2 report` on the sample into a fresh OUT (the report users get)."""
    out = tmp_path_factory.mktemp("report") / "out"
    make("-j2", "report", f"OUT={out}")
    return out


@pytest.fixture(scope="session")
def contrasting_report(tmp_path_factory):
    """`make report` on the contrasting synthetic data set of tests/datasets.py (three promotions, no
    challenge column, a question nobody answered): the report a user gets on data unlike the sample."""
    from types import SimpleNamespace

    from datasets import write_contrasting

    base = tmp_path_factory.mktemp("contrasting")
    data = write_contrasting(base / "data")
    out = base / "out"
    make("-j2", "report", f"DATA={data}", "PROMOTIONS=1 2 3", f"OUT={out}")
    return SimpleNamespace(data=data, out=out)
