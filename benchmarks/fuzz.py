"""Long fuzz campaign: the property tests of tests/test_fuzz.py with many random examples each.

    nice -n 19 python benchmarks/fuzz.py [--examples 1000] [--seed 0]

Each property runs ``weight × --examples`` random examples (weights in tests/test_fuzz.py,
higher for cheap properties; 102.5 × --examples in all), one pytest run per property, cheapest
first; Hypothesis shrinks any failure to a minimal input and prints it. Not part of
``make test``. Writes the "fuzz" section of benchmarks/RESULTS.md after every property, so an
interrupted campaign still records what it ran.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time

import pandas as pd

from common import ROOT, markdown_table, write_section

# Cheapest per example first; the two slow example-based tests are not properties.
ORDER = ["masking", "read_boundaries", "only_separators", "templates", "formats", "random_bytes",
         "line_ending", "utf16", "nul_bytes"]


def properties() -> list[str]:
    """Node ids of the property tests, cheapest first."""
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "--collect-only", "-p", "no:cacheprovider",
                          "tests/test_fuzz.py"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    ids = [line for line in out.splitlines() if "::test_" in line and "[" not in line and "across" not in line]
    return sorted(ids, key=lambda i: next((k for k, part in enumerate(ORDER) if part in i), len(ORDER)))


def run_one(node: str, examples: int, seed: int) -> tuple[int, int, float, str]:
    """One property: (passing, failing, seconds, pytest's last line)."""
    env = {**os.environ, "LOGAD_FUZZ_EXAMPLES": str(examples), "PYTHONPATH": str(ROOT)}
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", node,
                           f"--hypothesis-seed={seed}", "--hypothesis-show-statistics"],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    if proc.returncode:
        sys.stdout.write(proc.stdout[-6000:])
    # Hypothesis prints "N passing, M failing, and K invalid test cases" for each phase.
    passing = sum(map(int, re.findall(r"(\d+) passing", proc.stdout)))
    failing = sum(map(int, re.findall(r"(\d+) failing", proc.stdout)))
    return passing, failing, time.perf_counter() - t0, proc.stdout.strip().splitlines()[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=1000, help="random examples per property of weight 1")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rows, code = [], 0
    for node in properties():
        passing, failing, seconds, last = run_one(node, args.examples, args.seed)
        code = code or int(failing > 0 or "passed" not in last)
        rows.append({"property": node.split("::")[1], "passing": passing, "failing": failing,
                     "minutes": round(seconds / 60, 1), "pytest": last})
        table = pd.DataFrame(rows)
        total = int(table["passing"].sum() + table["failing"].sum())
        write_section("fuzz", f"""
## Reliability: fuzz campaign

`nice -n 19 python benchmarks/fuzz.py --examples {args.examples} --seed {args.seed}`: the properties of
`tests/test_fuzz.py` with random inputs, {len(rows)} properties run, {total:,} examples,
{int(table['failing'].sum())} failing.

{markdown_table(table)}
""")
        print(f"{node}: {passing} passing, {failing} failing, {seconds:.0f} s", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
