"""`make bench-pipeline`: how long regenerating the report takes, against a bare nbconvert run.

Measured on the sample with the environment already installed (wall-clock, best of
REPEAT runs): a full `make report` from an empty OUT (and an empty run cache) with -j1
and -j2, a no-op `make report`, the rebuild after touching one notebook and after editing
its text (a first edit, then the next ones), and the baseline a user would otherwise run: `jupyter nbconvert --to html --execute` over the same notebooks
one after another. Then what a fresh clone pays first — the environment created from
requirements.lock with pip alone and with uv, no download cache (BENCH_BOOTSTRAP=0 skips
it) — and the test suite: `make test-fast` (after an edit to the package, then again) and
`make test` (BENCH_TESTS=0 skips both, BENCH_TESTS=fast runs only the first).
Writes its section of docs/benchmarks.md.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- bench-pipeline:start -->", "<!-- bench-pipeline:end -->"
REPEAT = int(os.environ.get("BENCH_REPEAT", "1"))
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))


def timed(cmd: list[str], **kw) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.perf_counter() - start


def make(out: Path, *args: str) -> list[str]:
    """`make report` into ``out`` with its own run cache (helpers.cache), empty at first."""
    return ["make", "--no-print-directory", *args, "report", f"OUT={out}", f"EIG_CACHE_DIR={out.parent / 'cache'}"]


def full(jobs: int) -> float:
    best = float("inf")
    for _ in range(REPEAT):
        out = Path(tempfile.mkdtemp(prefix=f"bench-j{jobs}-")) / "out"
        best = min(best, timed(make(out, f"-j{jobs}")))
        shutil.rmtree(out.parent)
    return best


def _tree_modified() -> bool:
    """Whether the pages would say the working tree is modified (the Makefile's own `git describe`)."""
    described = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True)
    return described.stdout.strip().endswith("-dirty")


def incremental() -> dict[str, float]:
    """No-op, touched, first and next edit of one notebook's text, into one OUT built beforehand.

    Every page prints the git state: the first edit of a clean tree re-renders every appendix's
    pages to say the tree is modified (once, whatever the edit). The next edits are the loop of a
    researcher at work on one appendix: the target applies to them.
    """
    out = Path(tempfile.mkdtemp(prefix="bench-inc-")) / "out"
    subprocess.run(make(out, "-j2"), cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    r = {"noop": min(timed(make(out)) for _ in range(max(REPEAT, 3)))}
    target = NOTEBOOKS[len(NOTEBOOKS) // 2]
    original, stat = target.read_bytes(), target.stat()
    # Touched: executed and rendered again, to the same pages (its PDF chapter is then reused).
    touched = []
    for _ in range(REPEAT):
        os.utime(target)
        touched.append(timed(make(out, "-j2")))
    r["touched"] = min(touched)
    r["clean"] = 0.0 if _tree_modified() else 1.0
    try:
        # Edited: a sentence added to the appendix's text, so that its pages and chapter really change.
        edits = []
        for k in range(REPEAT + 1):
            nb = json.loads(original)
            nb["cells"].append({"cell_type": "markdown", "id": f"bench-edit-{k}", "metadata": {},
                                "source": [f"Phrase ajoutée par le banc d'essai ({k + 1})."]})
            target.write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            edits.append(timed(make(out, "-j2")))
        r["first-edit"], r["one"] = edits[0], min(edits[1:])
    finally:
        target.write_bytes(original)
        os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    shutil.rmtree(out.parent)
    return r


def baseline() -> float:
    """What a user runs by hand: no make, so no run cache (make exports EIG_CACHE_DIR to this script)."""
    jupyter = str(Path(sys.executable).with_name("jupyter"))
    env = {k: v for k, v in os.environ.items() if k != "EIG_CACHE_DIR"}
    best = float("inf")
    for _ in range(REPEAT):
        out = Path(tempfile.mkdtemp(prefix="bench-nbconvert-"))
        start = time.perf_counter()
        for nb in NOTEBOOKS:
            subprocess.run(
                [jupyter, "nbconvert", "--to", "html", "--execute", "--ExecutePreprocessor.kernel_name=eig-helpers",
                 "--output-dir", str(out), str(nb)],
                cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
            )
        best = min(best, time.perf_counter() - start)
        shutil.rmtree(out)
    return best


def bootstrap(tool: str) -> float:
    """A fresh venv from requirements.lock, as `make env` does, with no download cache."""
    lock = ROOT / "requirements.lock"
    pin = next(line for line in lock.read_text().splitlines() if line.lower().startswith("uv=="))
    with tempfile.TemporaryDirectory(prefix=f"bench-env-{tool}-") as tmp:
        venv = Path(tmp) / "venv"
        python, pip = venv / "bin" / "python", [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                                                "--disable-pip-version-check", "--no-cache-dir"]
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        if tool == "pip":
            subprocess.run([*pip, "-r", str(lock)], check=True, stdout=subprocess.DEVNULL)
        else:
            subprocess.run([*pip, pin], check=True, stdout=subprocess.DEVNULL)
            subprocess.run([str(venv / "bin" / "uv"), "pip", "install", "--quiet", "--no-cache", "--compile-bytecode",
                            "--python", str(python), "-r", str(lock)], check=True, stdout=subprocess.DEVNULL)
        return time.perf_counter() - start


def tests(target: str) -> float:
    return timed(["make", "--no-print-directory", target])


def tests_fast() -> tuple[float, float]:
    """`make test-fast` as after an edit to the package, then again with nothing changed.

    The tests share the run cache under .make-state/cache, whose keys include the package's
    source: after an edit nothing in it matches. It is set aside for the first run (as good as
    empty), the second run reads back what the first stored, and the cache is put back after.
    """
    cache = ROOT / ".make-state" / "cache"
    aside = cache.with_name("cache.bench-aside")
    shutil.rmtree(aside, ignore_errors=True)
    if cache.exists():
        cache.rename(aside)
    try:
        return tests("test-fast"), tests("test-fast")
    finally:
        shutil.rmtree(cache, ignore_errors=True)
        if aside.exists():
            aside.rename(cache)


def section(r: dict[str, float]) -> str:
    def verdict(ok: bool) -> str:
        return "met" if ok else "**missed**"

    first = ("the tree was clean: every appendix's pages rendered again to say it is modified" if r["clean"]
             else "the tree was modified already")

    return f"""{START}
## Pipeline (`make bench-pipeline`)

Sample data, environment already installed, {len(NOTEBOOKS)} notebooks, best of {REPEAT} run(s), wall-clock;
{os.cpu_count()} CPU cores, Python {platform.python_version()}, {platform.machine()}.

| measure | seconds | target | |
|---|---:|---|---|
| bare baseline: `jupyter nbconvert --to html --execute`, notebooks one after another | {r['baseline']:.1f} | — | |
| full `make report` from an empty OUT, `-j1` | {r['j1']:.1f} | — | |
| full `make report` from an empty OUT, `-j2` | {r['j2']:.1f} | ≤ baseline ({r['baseline']:.1f}) | {verdict(r['j2'] <= r['baseline'])} |
| no-op `make report` | {r['noop']:.2f} | < 1 | {verdict(r['noop'] < 1)} |
| rebuild after touching one notebook (`-j2`; same pages, its chapter reused) | {r['touched']:.1f} | — | |
| rebuild after a first edit of one notebook's text (`-j2`; {first}) | {r['first-edit']:.1f} | — | |
| rebuild after editing its text again (`-j2`; a researcher at work on one appendix) | {r['one']:.1f} | < 40 % of full -j2 ({0.4 * r['j2']:.1f}) | {verdict(r['one'] < 0.4 * r['j2'])} |
{_extra_rows(r, verdict)}
The full report does more than the baseline: validation, papermill, two HTML views per notebook,
the indicator and claims tables, the PDF and the index.
{END}"""


def _extra_rows(r: dict[str, float], verdict) -> str:
    rows = []
    if "pip" in r:
        rows += [f"| fresh environment from requirements.lock, pip alone (no cache) | {r['pip']:.1f} | — | |",
                 f"| fresh environment from requirements.lock, uv (no cache) | {r['uv']:.1f} | ≤ ½ pip "
                 f"({r['pip'] / 2:.1f}) | {verdict(r['uv'] <= r['pip'] / 2)} |"]
    if "test-fast" in r:
        rows += [f"| `make test-fast` after an edit to `src/helpers` (run cache of no use) | {r['test-fast']:.1f} | ≤ 60 "
                 f"| {verdict(r['test-fast'] <= 60)} |",
                 f"| `make test-fast` again, nothing changed | {r['test-fast-again']:.1f} | ≤ 60 "
                 f"| {verdict(r['test-fast-again'] <= 60)} |"]
    if "test" in r:
        rows.append(f"| `make test` (whole suite) | {r['test']:.1f} | ≤ 300 | {verdict(r['test'] <= 300)} |")
    return "".join(row + "\n" for row in rows)


def write(text: str) -> None:
    doc = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    if START in doc:
        doc = doc[: doc.index(START)] + text + doc[doc.index(END) + len(END):]
    else:
        doc = doc.rstrip("\n") + "\n\n" + text + "\n"
    DOC.write_text(doc)


def main() -> int:
    results = {"baseline": baseline(), "j1": full(1), "j2": full(2)}
    results.update(incremental())
    if os.environ.get("BENCH_BOOTSTRAP", "1") != "0":
        results["pip"], results["uv"] = bootstrap("pip"), bootstrap("uv")
    which = os.environ.get("BENCH_TESTS", "1")  # 0: none, fast: `make test-fast` only
    if which != "0":
        results["test-fast"], results["test-fast-again"] = tests_fast()
    if which not in ("0", "fast"):
        results["test"] = tests("test")
    text = section(results)
    write(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
