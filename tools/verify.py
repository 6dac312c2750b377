"""`make verify`: build OUT from scratch twice and check the second run against OUT/MANIFEST.sha256."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from helpers import outputs
from helpers.manifest import differences, format_manifest, manifest, parse_manifest


def build(out: Path, data: str, jobs: str, env: dict) -> None:
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run(["make", "--no-print-directory", f"-j{jobs}", "report", f"OUT={out}", f"DATA={data}"],
                   check=True, env=env)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--jobs", default="2")
    args = parser.parse_args()
    # Both runs carry the same run date (the PDF prints it), so every file can be compared.
    env = {**os.environ, "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", str(int(time.time())))}
    build(args.out, args.data, args.jobs, env)
    first = manifest(args.out)
    outputs.write_text(args.out / "MANIFEST.sha256", format_manifest(first))
    saved = (args.out / "MANIFEST.sha256").read_text()
    build(args.out, args.data, args.jobs, env)
    outputs.write_text(args.out / "MANIFEST.sha256", saved)
    problems = differences(parse_manifest(saved), manifest(args.out))
    for line in problems:
        print(line)
    print(f"verify: {len(first)} files, {len(problems)} difference(s) between two clean runs")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
