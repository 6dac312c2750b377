"""The privacy guard refuses real exports: anything in data/raw/, and export-shaped files elsewhere."""

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from helpers import guard



def test_nothing_under_data_raw_is_tracked():
    tracked = subprocess.run(["git", "ls-files", "data/raw"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert set(tracked.stdout.split()) <= guard.ALLOWED_RAW


def test_every_tracked_file_passes_the_guard():
    assert guard.problems(guard.tracked_files()) == []


def test_a_file_in_data_raw_is_refused(tmp_path):
    found = guard.problems(["data/raw/eig.csv"], root=tmp_path)
    assert found and found[0].startswith("data/raw/eig.csv: confidential")


def test_the_raw_readme_is_allowed(tmp_path):
    assert guard.problems(["data/raw/README.md"], root=tmp_path) == []


def _export_copy(tmp_path: Path, rel: str) -> Path:
    """A copy of the sample's EIG file placed elsewhere in a fake tree."""
    sample = sorted((ROOT / "data" / "sample").glob("eig.*"))[0]
    dest = tmp_path / rel
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(sample.read_bytes())
    return dest


def test_an_export_copied_outside_the_sample_is_refused(tmp_path):
    _export_copy(tmp_path, "notebooks/answers_backup.csv")
    found = guard.problems(["notebooks/answers_backup.csv"], root=tmp_path)
    assert len(found) == 1 and "matches a survey export" in found[0]


def test_the_sample_itself_is_allowed(tmp_path):
    _export_copy(tmp_path, "data/sample/eig.csv")
    assert guard.problems(["data/sample/eig.csv"], root=tmp_path) == []


def test_a_csv_that_is_not_an_export_is_allowed(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "table.csv").write_text("respondent_id,colour\n1,red\n")
    assert guard.problems(["docs/table.csv"], root=tmp_path) == []


def test_command_line_exit_code(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "helpers", "guard", "data/raw/mentor.xlsx"], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 1
    assert "refused: data/raw/mentor.xlsx" in proc.stderr


def test_pre_commit_runs_the_guard_and_nbstripout_from_the_venv():
    import yaml

    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    hooks = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    assert hooks["no-private-data"]["entry"].endswith("-m helpers guard")
    assert hooks["nbstripout"]["entry"] == ".venv/bin/nbstripout"
    assert (ROOT / hooks["nbstripout"]["entry"]).exists()


@pytest.mark.parametrize("shape", ["google-forms", "excel-unicode", "limesurvey-text", "spss", "cover-sheet"])
def test_a_form_tool_export_copied_into_the_tree_is_refused(tmp_path, sample, shape):
    """Whatever layout the loader recognises (no respondent_id column needed) is an export."""
    from export_shapes import SHAPES

    built = tmp_path / "built"
    built.mkdir()
    SHAPES[shape](sample, built)
    rel = [f"notebooks/{p.name}" for p in built.iterdir() if p.name.startswith("eig")]
    (tmp_path / "notebooks").mkdir()
    for p in built.iterdir():
        (tmp_path / "notebooks" / p.name).write_bytes(p.read_bytes())
    found = guard.problems(rel, root=tmp_path)
    assert len(found) == 1 and "matches a survey export" in found[0], (shape, rel, found)
