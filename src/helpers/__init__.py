"""Reproducible appendices of the EIG impact working paper (2019).

The package is layered: ``codebook`` → ``load``/``validate`` → ``indicators``
(with ``intervals``, ``weighting``, ``disclosure``, ``compare``) → ``figures``,
``claims`` (with ``granularity``), ``programme`` → ``render``. Lower layers never import higher ones.
"""

from pathlib import Path

#: Root of the repository when the package is installed in editable mode.
PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / "data"
CODEBOOK_DIR = DATA_DIR / "codebook"
SAMPLE_DIR = DATA_DIR / "sample"

__all__ = ["PROJECT_ROOT", "DATA_DIR", "CODEBOOK_DIR", "SAMPLE_DIR"]
