"""Results computed once per run and shared by its steps, on disk.

The indicator tables (their disclosure audit takes seconds) are needed by every notebook,
by ``helpers tables`` and by ``helpers claims``: make runs those in separate processes,
in parallel. When ``EIG_CACHE_DIR`` names a directory (make sets it under the run's state,
``make lab`` too), the first process to need a result computes it under a file lock while
the others wait, and every later one reads it back.

A result is stored under a fingerprint of everything it depends on: the answers and
codebooks, the parameters, and the source of this package — an edit to the code or the data
is a new key, never a stale hit. Without ``EIG_CACHE_DIR`` nothing is stored.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import pickle
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

#: Environment variable naming the cache directory (unset: no cache).
CACHE_ENV = "EIG_CACHE_DIR"
#: Results kept per kind; older ones (least recently used) are removed.
KEEP = 32

T = TypeVar("T")


@lru_cache(maxsize=1)
def source_digest() -> str:
    """SHA-256 of this package's Python source, file by file in path order."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def fingerprint(*parts) -> str:
    """SHA-256 of the parts' text (bytes as they are, anything else by ``repr``), with the source's."""
    digest = hashlib.sha256(source_digest().encode())
    for part in parts:
        digest.update(b"\0" + (part if isinstance(part, bytes) else repr(part).encode()))
    return digest.hexdigest()


def survey_digest(survey) -> str:
    """The answers (every frame as CSV, with its dtypes) and the codebooks of a loaded survey."""
    digest = hashlib.sha256()
    for group in sorted(survey.frames):
        frame = survey.frames[group]
        digest.update(f"{group}\0{list(frame.dtypes.astype(str))}\0".encode())
        digest.update(frame.to_csv().encode())
    for group in sorted(survey.codebooks):
        digest.update(repr(survey.codebooks[group]).encode())
    return digest.hexdigest()


def cache_dir() -> Path | None:
    value = os.environ.get(CACHE_ENV, "").strip()
    return Path(value) if value else None


def memoized(kind: str, key: str | Callable[[], str], compute: Callable[[], T]) -> T:
    """``compute()``, stored as ``<kind>-<key>.pickle`` in the cache directory and read back after.

    Processes asking for the same key wait on its lock, so it is computed once; an exception
    stores nothing; an unreadable file is computed again. ``key`` may be a function, called
    only when there is a cache (hashing every answer costs seconds on a large data set).
    """
    directory = cache_dir()
    if directory is None:
        return compute()
    key = key() if callable(key) else key
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{kind}-{key}.pickle"
    with open(directory / f"{kind}-{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            with path.open("rb") as stored:
                value = pickle.load(stored)
            os.utime(path)
            return value
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            pass
        value = compute()
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        with partial.open("wb") as out:
            pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, path)
    _prune(directory, kind)
    return value


def _prune(directory: Path, kind: str) -> None:
    """Keep the ``KEEP`` most recently used results of ``kind``.

    Processes of one run prune at the same time (two builds and the tests share the cache): a
    result another one removed between the listing and its date is no longer there to keep.
    """
    stored = []
    for path in directory.glob(f"{kind}-*.pickle"):
        try:
            stored.append((path.stat().st_mtime, path))
        except FileNotFoundError:
            continue
    for _, old in sorted(stored, reverse=True)[KEEP:]:
        old.unlink(missing_ok=True)
        old.with_suffix(".lock").unlink(missing_ok=True)
