"""Reproducible appendices of the EIG impact working paper (2019).

The package is layered (foundations → reading → statistics → presentation → entry
points; the table of docs/architecture.md, checked by tests/test_layers.py): lower
layers never import higher ones, and no import cycle exists.
"""

import sys
from pathlib import Path

# jsonschema (under nbformat, papermill and our codebook checks) loads ``rfc3987_syntax`` when it is
# installed (Jupyter pulls it in) and compiles its IRI grammar on import: 0.8–1.4 s of CPU in every
# notebook, render and test process (``python -X importtime``), for formats no schema here uses.
# Marked absent once, before anything imports jsonschema.
sys.modules.setdefault("rfc3987_syntax", None)

#: Root of the repository when the package is installed in editable mode.
PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / "data"
CODEBOOK_DIR = DATA_DIR / "codebook"
SAMPLE_DIR = DATA_DIR / "sample"

__all__ = ["PROJECT_ROOT", "DATA_DIR", "CODEBOOK_DIR", "SAMPLE_DIR"]
