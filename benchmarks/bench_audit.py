"""Disclosure audit on the sample: first-pass suppression, audit-driven protection, audit of the result.

``python benchmarks/bench_audit.py`` prints wall-clock seconds (best of 3) and the load average,
since the machine is shared; the figures go in docs/benchmarks.md by hand.
"""

from __future__ import annotations

import os
import time

from helpers import SAMPLE_DIR
from helpers import indicators as ind
from helpers.audit import audit
from helpers.cache import CACHE_ENV
from helpers.load import load_survey
from helpers.headcounts import populations


def best(run, repeat: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    os.environ.pop(CACHE_ENV, None)  # the computation itself, not the run cache's copy
    survey, pops = load_survey(SAMPLE_DIR), populations()
    first, _ = best(lambda: {u: ind.unit_table(survey, 0.95, "wilson", 3, None, u, pops) for u in ind.UNITS})
    protected, tables = best(lambda: ind.indicator_tables(survey))
    audited, found = best(lambda: audit(tables, survey.codebooks, pops, 3))
    print(f"first-pass tables: {first:.2f} s; indicator_tables (audit-driven protection): {protected:.2f} s; "
          f"audit of the published tables: {audited:.2f} s ({len(found)} hidden cells); "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
