"""Where a run comes from: the commit of the code and the SHA-256 of each input file.

Shared by the page footers (``render``) and the data package (``datapackage``),
neither of which imports the other for it.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

from helpers import PROJECT_ROOT

#: Files of a data set, as the Makefile lists them (``DATA_FILES``).
DATA_PATTERNS = ("*.csv", "*.tsv", "*.txt", "*.xlsx", "*.sav", "*.yaml")


def git_state(root: Path = PROJECT_ROOT) -> tuple[str, bool]:
    """(commit, dirty) of the working tree; ``("inconnu", False)`` outside git."""
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}  # `git status` must not touch the index

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, check=True, env=env
        ).stdout.strip()

    try:
        return git("rev-parse", "HEAD"), bool(git("status", "--porcelain"))
    except (OSError, subprocess.CalledProcessError):
        return "inconnu", False


def fingerprints(data_dir: Path) -> tuple[tuple[str, str], ...]:
    """(path, SHA-256) of each input file of the data set, sorted by path."""
    files = sorted({p for pattern in DATA_PATTERNS for p in Path(data_dir).glob(pattern) if p.is_file()})
    return tuple((p.as_posix(), hashlib.sha256(p.read_bytes()).hexdigest()) for p in files)
