"""JupyterLab in a real browser: `make lab` with LAB_ARGS, an appendix and the exploration notebook run
on the project's kernel (Playwright + Debian's chromium), with no error and every figure rendered.

The notebooks are copied into a temporary root (JupyterLab autosaves what it runs: the committed,
stripped notebooks must not get outputs), and JupyterLab's settings and workspaces go there too.
Each step waits for a state (kernel idle, every cell numbered), never for a fixed time.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
APPENDIX = "notebooks/01_perennisation_outils.ipynb"
EXPLORE = "notebooks/explore/exploration.ipynb"
#: Generous bounds on waits for a state (not timed assertions): a busy machine runs slowly.
START = int(os.environ.get("LAB_TEST_START", 180))
RUN = int(os.environ.get("LAB_TEST_RUN", 420))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """`make lab` on a free port with a token, serving a copy of the notebooks; stopped after."""
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium not installed: apt-get install chromium")
    home = tmp_path_factory.mktemp("lab")
    for path in (APPENDIX, EXPLORE):
        (home / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / path, home / path)
    port, token = _free_port(), secrets.token_hex(16)
    args = (f"--port={port} --no-browser --ServerApp.token={token} --ServerApp.ip=127.0.0.1 "
            "--LabApp.expose_app_in_browser=True "
            f"--ServerApp.port_retries=0 --LabServerApp.workspaces_dir={home / '.workspaces'} "
            f"--LabServerApp.user_settings_dir={home / '.settings'}")
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(home / ".config"), "JUPYTER_RUNTIME_DIR": str(home / ".runtime")}
    log = (home / "lab.log").open("w")
    proc = subprocess.Popen(["make", "-s", "lab", f"LAB_DIR={home}", f"LAB_ARGS={args}"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not start: {(home / 'lab.log').read_text()[-2000:]}")
            time.sleep(0.5)
        yield {"url": url, "token": token, "home": home}
    finally:
        _stop(proc)
        log.close()


def _stop(proc) -> None:
    """End the process group this fixture started (make, jupyter lab, its kernels)."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


#: The notebook panel on screen, once it is the one asked for (JupyterLab may restore others).
PANEL = """(path) => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  return w && w.context && w.context.path === path ? w : null;
}"""
KERNEL_IDLE = f"""(path) => {{
  const w = ({PANEL})(path);
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.connectionStatus === 'connected' && k.status === 'idle' && !w.sessionContext.isBusy;
}}"""
KERNEL_NAME = f"""(path) => ({PANEL})(path).sessionContext.session.kernel.name"""
ALL_RUN = f"""(path) => {{
  const w = ({PANEL})(path);
  if (!w) return false;
  const prompts = [...w.node.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')].map(p => p.textContent);
  return prompts.length > 0 && prompts.every(t => /\\[\\d+\\]/.test(t));
}}"""
IN_PANEL = f"""([path, selector]) => [...({PANEL})(path).node.querySelectorAll(selector)]"""


def _run_all(browser, lab, path: str):
    """Open a notebook (in a workspace of its own), wait for its kernel, run every cell, wait until each has run."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    workspace = Path(path).stem.replace("_", "-")
    page.goto(f"{lab['url']}/lab/workspaces/{workspace}/tree/{path}?token={lab['token']}&reset",
              timeout=START * 1000)
    page.wait_for_function(KERNEL_IDLE, arg=path, timeout=START * 1000, polling=500)
    assert page.evaluate(KERNEL_NAME, path) == "eig-helpers"
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(ALL_RUN, arg=path, timeout=RUN * 1000, polling=500)
    page.wait_for_function(KERNEL_IDLE, arg=path, timeout=RUN * 1000, polling=500)
    return context, page, errors


def _error_outputs(page, path: str) -> list[str]:
    return page.evaluate(f"""(args) => ({IN_PANEL})(args)
        .map(e => e.textContent).filter(t => /Error|Traceback/.test(t))""",
                         [path, ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"])


def _images(page, path: str, scope: str) -> list[dict]:
    return page.evaluate(f"""(args) => ({IN_PANEL})(args).map(e => ({{w: e.naturalWidth, alt: e.alt}}))""",
                         [path, f"{scope} img"])


def test_appendix_notebook_runs_in_jupyterlab(browser, lab):
    context, page, errors = _run_all(browser, lab, APPENDIX)
    try:
        assert _error_outputs(page, APPENDIX) == []
        figures = _images(page, APPENDIX, ".jp-OutputArea-output figure.eig-figure")
        assert len(figures) >= 5 and all(f["w"] > 0 and f["alt"] for f in figures)
        assert errors == []
    finally:
        context.close()


def test_exploration_notebook_runs_with_its_widgets(browser, lab):
    context, page, errors = _run_all(browser, lab, EXPLORE)
    try:
        assert _error_outputs(page, EXPLORE) == []
        page.wait_for_selector(".jupyter-widgets .widget-dropdown select", timeout=RUN * 1000)
        # The dashboard's output area shows the chart of the first question, decoded.
        page.wait_for_function("""() => [...document.querySelectorAll('.widget-output img')]
                                  .some(i => i.naturalWidth > 0)""", timeout=RUN * 1000, polling=500)
        # Switching on the private mode redraws, stamped « non diffusable ».
        page.locator(".widget-checkbox input[type=checkbox]").check()
        page.wait_for_selector(".widget-output .eig-restricted", timeout=RUN * 1000)
        page.wait_for_function(KERNEL_IDLE, arg=EXPLORE, timeout=RUN * 1000, polling=500)
        page.wait_for_function("""() => { const imgs = [...document.querySelectorAll('.widget-output img')];
                                  return imgs.length > 0 && imgs.every(i => i.complete && i.naturalWidth > 0); }""",
                               timeout=RUN * 1000, polling=500)
        direct = _images(page, EXPLORE, ".jp-OutputArea-output figure.eig-figure")
        assert direct and all(f["w"] > 0 for f in direct)
        assert errors == []
    finally:
        context.close()
