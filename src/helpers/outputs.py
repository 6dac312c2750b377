"""Writing files under OUT: atomically, staged, and safe for spreadsheet users.

Every writer goes through :func:`write_bytes`, which writes a temporary file in
the target directory and renames it into place, so a reader never sees a
half-written file. When the pipeline runs a notebook it sets
``HELPERS_STAGING_DIR``: files meant for ``out_dir`` are then written to the
staging directory and only published (renamed into ``out_dir``) once the whole
notebook succeeded, so a failing run leaves the previous outputs untouched.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas costs 0.2 s to import: `helpers execute`, which only stages and publishes, never needs it
    import pandas as pd

STAGING_ENV = "HELPERS_STAGING_DIR"
OUT_ENV = "HELPERS_OUT_DIR"
#: OWASP CSV injection: cells starting with these are read as formulas by spreadsheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def target(out_dir: Path | str, *parts: str) -> Path:
    """Where a file meant for ``out_dir/parts`` is written now (staging aware)."""
    staging, staged_out = os.environ.get(STAGING_ENV), os.environ.get(OUT_ENV)
    out = Path(out_dir)
    if staging and staged_out and out.resolve() == Path(staged_out).resolve():
        return Path(staging).joinpath(*parts)
    return out.joinpath(*parts)


def write_bytes(path: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file and an atomic rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_text(path: Path | str, text: str) -> Path:
    return write_bytes(path, text.encode("utf-8"))


def neutralise(value):
    """Prefix a formula-looking string with ``'`` (OWASP CSV-injection guidance)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        # A negative number stays a number: only text is neutralised.
        try:
            float(value)
        except ValueError:
            return "'" + value
    return value


def line_breaks(value):
    """Line breaks inside a text cell as ``\\n``: the csv module quotes a cell holding ``\\n``
    but not one holding a bare ``\\r``, which spreadsheets and CSV readers take for the end of
    the row (the rest of the cell would start a new row, unquoted, and could be a formula)."""
    if isinstance(value, str) and "\r" in value:
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def write_csv(frame: pd.DataFrame, path: Path | str, *, for_humans: bool = True) -> Path:
    """Write a table as UTF-8 CSV with ``\\n`` line ends and stable float text."""
    from pandas.api.types import is_string_dtype

    data = frame.copy()
    for col in data.columns:
        if data[col].dtype == object or is_string_dtype(data[col]):
            data[col] = data[col].map(lambda v: line_breaks(neutralise(v) if for_humans else v))
    # The header row is cells too.
    data.columns = [line_breaks(neutralise(str(c)) if for_humans else c) for c in data.columns]
    buf = io.StringIO()
    data.to_csv(buf, index=False, lineterminator="\n", float_format="%.6g")
    return write_text(path, buf.getvalue())


def publish(staging: Path | str, out_dir: Path | str) -> list[Path]:
    """Move every staged file into ``out_dir`` (one atomic rename per file)."""
    staging, out_dir = Path(staging), Path(out_dir)
    moved = []
    if not staging.exists():
        return moved
    for src in sorted(p for p in staging.rglob("*") if p.is_file()):
        dest = out_dir / src.relative_to(staging)
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(src, dest)
        moved.append(dest)
    shutil.rmtree(staging, ignore_errors=True)
    try:
        staging.parent.rmdir()  # OUT/.staging, once no other notebook is staging
    except OSError:
        pass
    return moved
