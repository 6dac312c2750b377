"""Shared fixtures of the data-layer tests: the codebooks and the loaded sample."""

import contextlib
import fcntl
import os
import subprocess
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


def pytest_collection_modifyitems(items):
    """Property-based tests carry the ``fuzz`` mark (quick feedback, `make test-fast`, skips them):
    every test of a ``test_fuzz_*`` module (some run a Hypothesis search inside the test, over a
    fixture) and every ``@given`` test elsewhere."""
    for item in items:
        if item.path.name.startswith("test_fuzz_") or getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
            item.add_marker(pytest.mark.fuzz)


@pytest.fixture(scope="session")
def codebooks():
    return load_codebooks()


@pytest.fixture(scope="session")
def sample():
    return load_survey(SAMPLE_DIR)


# ---- the full reports, built once per test run by `make` (slow tests) ------------------

ROOT = Path(__file__).resolve().parents[1]


def _commit_time() -> str:
    """The run date of every build of a test run, the same in every xdist worker (the PDF prints it,
    so two builds compare byte for byte): the last commit's time, as reproducible builds do."""
    proc = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True)
    return proc.stdout.strip() or "1546300800"


MAKE_ENV = {**os.environ, "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH") or _commit_time()}


def make(*args, check=True):
    """Run make at the repository root; on failure show the end of its output."""
    proc = subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, capture_output=True, text=True,
                          env=MAKE_ENV)
    if check and proc.returncode != 0:
        raise AssertionError(f"make {' '.join(args)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc


class SharedBuild:
    """A report built once per test run and read by every xdist worker (a build is ~100 s of CPU).

    The first worker that needs it builds it (the others wait on a lock, then read it); a failed
    build is recorded so the others fail at once with its message. Readers hold a shared lock on
    the build while a test module reads it; a test that rewrites it takes the lock exclusively.
    POSIX record locks are per process, so one worker converts its own lock without deadlocking.
    """

    def __init__(self, root: Path, name: str, build):
        self.root, self.name, self._build = root / name, name, build
        self.out = self.root / "out"
        self._fd = None

    def _open(self, suffix: str):
        return open(self.root.parent / f"{self.name}.{suffix}.lock", "a+")  # noqa: SIM115 (a lock's file)

    def ensure(self) -> Path:
        built, failed = self.root / "built", self.root / "failed"
        fd = self._open("build")
        fcntl.lockf(fd, fcntl.LOCK_EX)
        try:
            if failed.exists():
                raise AssertionError(f"the shared build {self.name} failed in another worker:\n{failed.read_text()}")
            if not built.exists():
                self.root.mkdir(parents=True, exist_ok=True)
                try:
                    self._build(self)
                except BaseException as exc:
                    failed.write_text(str(exc))
                    raise
                built.touch()
        finally:
            fcntl.lockf(fd, fcntl.LOCK_UN)
            fd.close()
        return self.out

    @contextlib.contextmanager
    def reading(self):
        self._fd = self._fd or self._open("read")  # kept open: closing it would drop the process's lock
        fcntl.lockf(self._fd, fcntl.LOCK_SH)
        try:
            yield self.out
        finally:
            fcntl.lockf(self._fd, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def exclusive(self):
        """Inside ``reading()``: no other worker reads while this one rewrites the build."""
        fcntl.lockf(self._fd, fcntl.LOCK_EX)
        try:
            yield self.out
        finally:
            fcntl.lockf(self._fd, fcntl.LOCK_SH)


def _shared_root(tmp_path_factory) -> Path:
    """The directory all xdist workers of this run share (each worker's basetemp is a child of it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory):
    """`make -j2 report` on the sample into a fresh OUT (the report users get), once per run."""
    shared = SharedBuild(_shared_root(tmp_path_factory), "sample-report",
                         lambda b: make("-j2", "report", f"OUT={b.out}"))
    shared.ensure()
    return shared


@pytest.fixture(scope="module")
def full_report(sample_build):
    """The sample's report, held for reading while the module's tests run."""
    with sample_build.reading() as out:
        yield out


def _build_contrasting(shared):
    from datasets import write_contrasting

    data = write_contrasting(shared.root / "data")
    make("-j2", "report", f"DATA={data}", "PROMOTIONS=1 2 3", f"OUT={shared.out}")


@pytest.fixture(scope="session")
def contrasting_report(tmp_path_factory):
    """`make report` on the contrasting synthetic data set of tests/datasets.py (three promotions, no
    challenge column, a question nobody answered): the report a user gets on data unlike the sample."""
    from types import SimpleNamespace

    shared = SharedBuild(_shared_root(tmp_path_factory), "contrasting-report", _build_contrasting)
    return SimpleNamespace(data=shared.root / "data", out=shared.ensure())
