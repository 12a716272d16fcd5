"""Long fuzz campaign: the property tests of tests/test_fuzz.py with many random examples each.

    nice -n 19 python benchmarks/fuzz.py [--examples 1000] [--seed 0]

Each property runs ``weight × --examples`` random examples (weights in tests/test_fuzz.py,
higher for cheap properties; 102.5 × --examples in all); Hypothesis shrinks any failure to a minimal input and
prints it. Not part of ``make test``. Writes the "fuzz" section of benchmarks/RESULTS.md.
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

_BLOCK = re.compile(r"^tests/test_fuzz\.py::(test_\w+):$(.*?)(?=^tests/|\Z)", re.S | re.M)


def run(examples: int, seed: int) -> tuple[pd.DataFrame, str, float, int]:
    """Run the properties; (per-test counts, pytest's summary line, seconds, exit code)."""
    env = {**os.environ, "LOGAD_FUZZ_EXAMPLES": str(examples), "PYTHONPATH": str(ROOT)}
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_fuzz.py",
                           "-k", "not across_processes and not one_megabyte", f"--hypothesis-seed={seed}",
                           "--hypothesis-show-statistics"], cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    sys.stdout.write(proc.stdout[-4000:])
    # Hypothesis prints "N passing, M failing, and K invalid test cases" per phase of each test.
    rows = [(name, sum(map(int, re.findall(r"(\d+) passing", block))), sum(map(int, re.findall(r"(\d+) failing", block))))
            for name, block in _BLOCK.findall(proc.stdout)]
    table = pd.DataFrame(rows, columns=["property", "passing", "failing"]).groupby("property", sort=False).sum()
    summary = proc.stdout.strip().splitlines()[-1]
    return table.reset_index(), summary, seconds, proc.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=1000, help="random examples per property of weight 1")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    table, summary, seconds, code = run(args.examples, args.seed)
    total = int(table["passing"].sum() + table["failing"].sum())
    write_section("fuzz", f"""
## Reliability: fuzz campaign

`python benchmarks/fuzz.py --examples {args.examples} --seed {args.seed}` (under `nice -n 19`): the
properties of `tests/test_fuzz.py` with random inputs, {total:,} examples in {seconds / 60:.1f} min
(pytest: `{summary}`).

{markdown_table(table)}
""")
    print(f"{total:,} examples, {int(table['failing'].sum())} failing, {seconds:.0f} s")
    return code


if __name__ == "__main__":
    sys.exit(main())
