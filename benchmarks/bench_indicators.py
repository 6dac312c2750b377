"""`make bench`: the indicator table on 100,000 synthetic respondents, against a bare value_counts pass.

Respondents are drawn from the codebooks (seeded): promotions 1–2, 2,000
challenges, about 10 % of answers left blank, EIG and mentors in the ratio of
their populations (39:24). Timed (best of REPEAT): the full ``indicator_table``
— both weightings, the promotion breakdown, the pooled group, intervals and
small-cell suppression — and, as a baseline, one ``value_counts`` per counted
column and group. Peak memory of the table is traced with tracemalloc in a
separate, untimed run (tracing slows allocation). Writes its section of
docs/benchmarks.md.
"""

from __future__ import annotations

import os
import platform
import resource
import sys
import time
import tracemalloc
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd

from helpers.cache import CACHE_ENV
from helpers.codebook import load_codebooks
from helpers.indicators import COUNTED, indicator_table
from helpers.headcounts import populations

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- bench-indicators:start -->", "<!-- bench-indicators:end -->"
RESPONDENTS = int(os.environ.get("BENCH_RESPONDENTS", "100000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
SEED = 2019
MISSING = 0.1
TARGETS = {"seconds": 5.0, "peak_mb": 2048.0, "ratio": 3.0}


def synthetic_frame(codebook, n: int, rng: np.random.Generator) -> pd.DataFrame:
    """n random respondents in the tidy-frame dtypes (architecture.md), vectorised per question."""
    columns = {
        "respondent_id": pd.array(np.char.add(f"{codebook.group}-", np.arange(n).astype(str)), dtype="string"),
        "promotion": pd.array(rng.choice([1, 2], n, p=[0.3, 0.7]), dtype="Int64"),
        "defi": pd.array(np.char.add("defi-", rng.integers(0, 2000, n).astype(str)), dtype="string"),
    }
    for q in codebook:
        blank = rng.random(n) < MISSING
        if q.type == "multi":
            for column in q.columns:
                values = pd.array(rng.random(n) < 0.4, dtype="boolean")
                values[blank] = pd.NA
                columns[column] = values
        elif q.type in COUNTED:
            categories = list(q.levels) if q.type == "scale" else list(q.codes)
            codes = np.where(blank, -1, rng.integers(0, len(categories), n))
            columns[q.id] = pd.Categorical.from_codes(codes, categories=categories, ordered=True)
        elif q.type == "numeric":
            columns[q.id] = pd.array(np.where(blank, np.nan, rng.normal(10, 3, n)), dtype="Float64")
        else:
            columns[q.id] = pd.array(np.where(blank, None, "texte libre"), dtype="string")
    return pd.DataFrame(columns)


def synthetic_survey(n: int) -> SimpleNamespace:
    rng = np.random.default_rng(SEED)
    codebooks = load_codebooks()
    pops = populations()
    eig_share = (pops[("eig", 1)] + pops[("eig", 2)]) / sum(v for (g, p), v in pops.items() if p in (1, 2))
    sizes = {"eig": round(n * eig_share), "mentor": n - round(n * eig_share)}
    frames = {g: synthetic_frame(codebooks[g], sizes[g], rng) for g in ("eig", "mentor")}
    # Head counts for these respondents (twice each promotion's, a 50 % response rate like the
    # paper's 34 of 63): the programme's real ones are smaller than 100,000 respondents.
    heads = {(g, int(p)): 2 * int(n) for g, f in frames.items() for p, n in f["promotion"].value_counts().items()}
    return SimpleNamespace(frames=frames, codebooks=codebooks, pops=heads)


def counted_columns(survey, group: str) -> list[str]:
    return [c for q in survey.codebooks[group] if q.type in COUNTED for c in q.columns]


def bare_value_counts(survey) -> None:
    """The baseline: one value_counts per counted column of each group, nothing else."""
    for group, frame in survey.frames.items():
        for column in counted_columns(survey, group):
            frame[column].value_counts(dropna=False)


def best_time(func, *args, **kwargs) -> float:
    best = float("inf")
    for _ in range(REPEAT):
        start = time.perf_counter()
        func(*args, **kwargs)
        best = min(best, time.perf_counter() - start)
    return best


def traced_peak_mb(func, *args, **kwargs) -> float:
    tracemalloc.start()
    func(*args, **kwargs)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def measure(survey) -> dict:
    # The computation itself, every time: no run cache (make exports EIG_CACHE_DIR to this script).
    os.environ.pop(CACHE_ENV, None)
    table = indicator_table(survey, pops=survey.pops)  # warm-up (imports)
    seconds = best_time(indicator_table, survey, pops=survey.pops)
    baseline = best_time(bare_value_counts, survey)
    return {
        "respondents": sum(len(f) for f in survey.frames.values()),
        "columns": sum(len(counted_columns(survey, g)) for g in survey.frames),
        "rows": len(table),
        "seconds": seconds,
        "defi_seconds": best_time(indicator_table, survey, unit="defi", pops=survey.pops),
        "baseline": baseline,
        "ratio": seconds / baseline,
        "peak_mb": traced_peak_mb(indicator_table, survey, pops=survey.pops),
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def met(r: dict) -> dict[str, bool]:
    return {
        "seconds": r["seconds"] < TARGETS["seconds"],
        "ratio": r["ratio"] <= TARGETS["ratio"],
        "peak_mb": r["peak_mb"] < TARGETS["peak_mb"],
    }


def section(r: dict) -> str:
    verdict = {k: "met" if ok else "**missed**" for k, ok in met(r).items()}
    return "\n".join(
        [
            START,
            "## Indicator table (`make bench`)",
            "",
            f"{r['respondents']:,} synthetic respondents ({r['columns']} counted columns, seed {SEED}, "
            f"~{MISSING:.0%} blanks), best of {REPEAT}; `indicator_table` gives {r['rows']:,} rows "
            "(both weightings, promotions, pooled group, Wilson intervals, suppression).",
            "",
            "| measure | value | target |",
            "|---|---|---|",
            f"| `indicator_table` wall-clock | {r['seconds']:.2f} s | < 5 s ({verdict['seconds']}) |",
            f"| bare `value_counts` pass, same columns | {r['baseline']:.2f} s | |",
            f"| ratio | {r['ratio']:.1f}× | ≤ 3× ({verdict['ratio']}) |",
            f"| peak memory of the table (tracemalloc) | {r['peak_mb']:.0f} MB | < 2 GB ({verdict['peak_mb']}) |",
            f"| process max RSS (data generation included) | {r['maxrss_mb']:.0f} MB | |",
            f"| `indicator_table(unit=\"defi\")` wall-clock | {r['defi_seconds']:.2f} s | |",
            "",
            f"Machine: {platform.machine()}, {os.cpu_count()} CPUs (shared), Python {platform.python_version()}, "
            f"pandas {pd.__version__}, numpy {np.__version__}.",
            END,
        ]
    )


def write_section(text: str) -> None:
    """Replace this benchmark's section of docs/benchmarks.md, leaving any other section alone."""
    old = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    if START in old and END in old:
        new = old[: old.index(START)] + text + old[old.index(END) + len(END) :]
    else:
        new = old.rstrip("\n") + "\n\n" + text + "\n"
    tmp = DOC.with_suffix(".md.tmp")
    tmp.write_text(new, encoding="utf-8")
    tmp.replace(DOC)


def main() -> int:
    result = measure(synthetic_survey(RESPONDENTS))
    text = section(result)
    write_section(text)
    print(text)
    return 0 if all(met(result).values()) else 1


if __name__ == "__main__":
    sys.exit(main())
