"""The data set's sidecar, ``DATASET.yaml``: whether its answers are real, invented, or invented
and calibrated on the paper's charts.

Read apart from the answers (``helpers.load``) by the render, claims and data-package steps,
which word the report for each kind of data set and have no use for pandas.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from helpers.problems import Problem

#: Sidecar file of a data set: ``synthetic: true`` makes the report show a banner.
DATASET_FILE = "DATASET.yaml"
#: Kinds of data set (see :func:`dataset_kind`): synthetic and calibrated on the paper's
#: charts (``calibrated_to:`` names the paper), other synthetic data, real answers.
KINDS = ("calibrated", "synthetic", "real")


def read_metadata(data_dir: Path | str) -> tuple[dict, list[Problem]]:
    """The sidecar ``DATASET.yaml`` (empty when absent)."""
    path = Path(data_dir) / DATASET_FILE
    if not path.is_file():
        return {}, []
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        return {}, [Problem(str(path), None, None, None, f"a YAML mapping ({type(err).__name__})")]
    if not isinstance(doc, dict) or not isinstance(doc.get("synthetic", False), bool):
        return {}, [Problem(str(path), None, "synthetic", None, "a YAML mapping with 'synthetic: true' or 'false'")]
    calibrated = doc.get("calibrated_to")
    if calibrated is not None and (not isinstance(calibrated, str) or not calibrated.strip() or not doc.get("synthetic")):
        return {}, [Problem(str(path), None, "calibrated_to", None if calibrated is None else str(calibrated),
                            "the name of the document the synthetic data were calibrated on, "
                            "with 'synthetic: true' (or no 'calibrated_to' key)")]
    return doc, []


def dataset_kind(metadata: dict) -> str:
    """Which of :data:`KINDS` a data set is, from its sidecar (no sidecar: real answers).

    The report words things differently for each: only data calibrated on the paper
    reproduce its charts by construction.
    """
    if not metadata.get("synthetic", False):
        return "real"
    return "calibrated" if metadata.get("calibrated_to") else "synthetic"


def kind_of(data_dir: Path | str) -> str:
    """:func:`dataset_kind` of the data set in ``data_dir`` (an unreadable sidecar reads as real)."""
    return dataset_kind(read_metadata(data_dir)[0])


def is_synthetic(data_dir: Path | str) -> bool:
    """True when the data set's sidecar declares it synthetic (the report then shows a banner)."""
    return kind_of(data_dir) != "real"
