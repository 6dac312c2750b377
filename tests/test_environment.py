"""The lock file, environment.yml and pyproject.toml agree (conda and pip users get the same versions)."""

import importlib.util
import re
import tomllib

from conftest import ROOT


def _sync_module():
    spec = importlib.util.spec_from_file_location("sync_environment", ROOT / "tools" / "sync_environment.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _lock() -> dict[str, str]:
    sync = _sync_module()
    return sync.locked_versions()


def test_every_lock_line_is_pinned_exactly():
    lines = [l for l in (ROOT / "requirements.lock").read_text().splitlines() if l and not l.startswith("#")]
    assert len(lines) > 50, "the lock must hold transitive dependencies too"
    bad = [l for l in lines if not re.fullmatch(r"[A-Za-z0-9_.\-]+==[A-Za-z0-9_.+!\-]+", l)]
    assert bad == []


def test_every_direct_dependency_is_locked():
    sync = _sync_module()
    locked = _lock()
    missing = [d for d in sync.direct_dependencies() if sync.canonical(d) not in locked]
    assert missing == []


def test_environment_yml_matches_the_lock():
    sync = _sync_module()
    assert (ROOT / "environment.yml").read_text() == sync.render(), "run `make lock` (or tools/sync_environment.py)"


def test_environment_yml_pins_the_locked_versions():
    """Independent of the generator: parse environment.yml and compare each pin with the lock."""
    sync = _sync_module()
    locked = _lock()
    pins = re.findall(r"^\s+- ([A-Za-z0-9_.\-]+)==(\S+)$", (ROOT / "environment.yml").read_text(), re.M)
    assert {sync.canonical(n) for n, _ in pins} == {sync.canonical(d) for d in sync.direct_dependencies()}
    assert [(n, v) for n, v in pins if locked[sync.canonical(n)] != v] == []


def test_pyproject_declares_the_package_and_test_extra():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["name"] == "helpers"
    for dep in ("jupyterlab", "pandas", "seaborn", "papermill", "nbconvert", "ipykernel"):
        assert dep in project["dependencies"]
    assert "pytest" in project["optional-dependencies"]["dev"]
