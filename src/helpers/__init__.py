"""Reproducible appendices of the EIG impact working paper (2019).

The package is layered (foundations → reading → statistics → presentation → entry
points; the table of docs/architecture.md, checked by tests/test_layers.py): lower
layers never import higher ones, and no import cycle exists.
"""

from pathlib import Path

#: Root of the repository when the package is installed in editable mode.
PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / "data"
CODEBOOK_DIR = DATA_DIR / "codebook"
SAMPLE_DIR = DATA_DIR / "sample"

__all__ = ["PROJECT_ROOT", "DATA_DIR", "CODEBOOK_DIR", "SAMPLE_DIR"]
