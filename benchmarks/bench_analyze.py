"""`logad analyze --method all` against `logad parse` on the same generated journal, side by side.

Generates a journal (default 1,000,000 lines), then alternates `logad parse` and
`logad analyze --method all` on it as separate processes, ``--repeats`` times,
and reports the median wall time and the peak resident memory of each, and the
ratio analyze / parse (the goal is ≤ 6 with analyze's peak ≤ 2 GB).
Usage: python benchmarks/bench_analyze.py [--lines N] [--repeats R] [--seed S]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from common import ROOT, markdown_table, write_section


def run_measured(*args: str) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak resident memory (MiB) of one `logad ARGS...` process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "logad_utils", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = proc.stderr.read()
    # wait4 gives this child's own rusage; RUSAGE_CHILDREN would mix it with earlier runs.
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"logad {args[0]} failed ({proc.returncode}): {stderr.decode()[-2000:]}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "journal.jrn"
        subprocess.run([sys.executable, "-m", "logad_utils", "generate", "--lines", str(args.lines), "--seed",
                        str(args.seed), "--out", str(log)], check=True, capture_output=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
        runs: dict[str, list[tuple[float, float, float]]] = {"parse": [], "analyze": []}
        for _ in range(args.repeats):
            runs["parse"].append(run_measured("parse", str(log), "--out", str(Path(tmp) / "parsed.parquet")))
            runs["analyze"].append(run_measured("analyze", str(log), "--method", "all", "--out",
                                                str(Path(tmp) / "analysis")))
    rows = [{"command": f"logad {name}" + (" --method all" if name == "analyze" else ""),
             "median s": statistics.median(s for s, _, _ in values),
             "median CPU s": statistics.median(c for _, c, _ in values),
             "lines/s": f"{args.lines / statistics.median(s for s, _, _ in values):,.0f}",
             "peak MiB": f"{max(m for _, _, m in values):,.0f}"} for name, values in runs.items()]
    ratio = rows[1]["median s"] / rows[0]["median s"]
    cpu_ratio = rows[1]["median CPU s"] / rows[0]["median CPU s"]
    body = "\n".join([
        "## analyze at 1M lines" if args.lines == 1_000_000 else f"## analyze at {args.lines:,} lines",
        "",
        f"`benchmarks/bench_analyze.py --lines {args.lines} --repeats {args.repeats}`: a generated journal "
        f"(seed {args.seed}), `logad parse` and `logad analyze --method all` alternated in the same run, "
        f"{'median of ' + str(args.repeats) + ' runs' if args.repeats > 1 else '1 run'} each; peak = the "
        "largest resident set of the process. Goal: analyze ≤ 6× parse, peak ≤ 2 GB (2,048 MiB).",
        "",
        markdown_table(pd.DataFrame(rows), floatfmt=".1f"),
        "",
        f"**analyze / parse = {ratio:.1f}×** in wall time, {cpu_ratio:.1f}× in CPU time, on a "
        f"{os.cpu_count()}-core machine shared with other work (CPU time is the steadier measure there).",
    ])
    write_section(f"bench_analyze_{args.lines}", body)
    print(body)


if __name__ == "__main__":
    main()
