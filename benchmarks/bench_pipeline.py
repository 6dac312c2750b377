"""`make bench-pipeline`: how long regenerating the report takes, against a bare nbconvert run.

Measured on the sample with the environment already installed (wall-clock, best of
REPEAT runs): a full `make report` from an empty OUT with -j1 and -j2, a no-op
`make report`, the rebuild after touching one notebook, and the baseline a user
would otherwise run: `jupyter nbconvert --to html --execute` over the same
notebooks one after another. Writes its section of docs/benchmarks.md.
"""

from __future__ import annotations

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
    return ["make", "--no-print-directory", *args, "report", f"OUT={out}"]


def full(jobs: int) -> float:
    best = float("inf")
    for _ in range(REPEAT):
        out = Path(tempfile.mkdtemp(prefix=f"bench-j{jobs}-")) / "out"
        best = min(best, timed(make(out, f"-j{jobs}")))
        shutil.rmtree(out.parent)
    return best


def incremental() -> tuple[float, float]:
    out = Path(tempfile.mkdtemp(prefix="bench-inc-")) / "out"
    subprocess.run(make(out, "-j2"), cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    noop = min(timed(make(out)) for _ in range(max(REPEAT, 3)))
    target = NOTEBOOKS[len(NOTEBOOKS) // 2]
    stat = target.stat()
    one = float("inf")
    for _ in range(REPEAT):
        os.utime(target)
        one = min(one, timed(make(out, "-j2")))
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    shutil.rmtree(out.parent)
    return noop, one


def baseline() -> float:
    jupyter = str(Path(sys.executable).with_name("jupyter"))
    best = float("inf")
    for _ in range(REPEAT):
        out = Path(tempfile.mkdtemp(prefix="bench-nbconvert-"))
        start = time.perf_counter()
        for nb in NOTEBOOKS:
            subprocess.run(
                [jupyter, "nbconvert", "--to", "html", "--execute", "--ExecutePreprocessor.kernel_name=eig-helpers",
                 "--output-dir", str(out), str(nb)],
                cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
        best = min(best, time.perf_counter() - start)
        shutil.rmtree(out)
    return best


def section(r: dict[str, float]) -> str:
    def verdict(ok: bool) -> str:
        return "met" if ok else "**missed**"

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
| rebuild after touching one notebook (`-j2`) | {r['one']:.1f} | < 40 % of full -j2 ({0.4 * r['j2']:.1f}) | {verdict(r['one'] < 0.4 * r['j2'])} |

The full report does more than the baseline: validation, papermill, two HTML views per notebook,
the indicator and claims tables, the PDF and the index.
{END}"""


def write(text: str) -> None:
    doc = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    if START in doc:
        doc = doc[: doc.index(START)] + text + doc[doc.index(END) + len(END):]
    else:
        doc = doc.rstrip("\n") + "\n\n" + text + "\n"
    DOC.write_text(doc)


def main() -> int:
    results = {"baseline": baseline(), "j1": full(1), "j2": full(2)}
    results["noop"], results["one"] = incremental()
    text = section(results)
    write(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
