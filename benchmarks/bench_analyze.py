"""`logad analyze` against `logad parse` on the same generated journal, side by side, at one or more sizes.

Generates a journal per size (default 1,000,000 lines), then runs, as separate
processes one after another and ``--repeats`` times: `logad parse`,
`logad detect --method tfidf`, `logad analyze --method tfidf` and
`logad analyze --method all`. It reports the median wall and CPU time and the
peak resident memory of each, the ratio analyze / parse (goal ≤ 6, analyze's
peak ≤ 2 GB) and, across sizes, how peak memory grows with the lines.
Usage: python benchmarks/bench_analyze.py [--lines N [N ...]] [--repeats R] [--seed S] [--skip-all-above N]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

from common import ROOT, markdown_table, run_logad, write_section

COMMANDS = {"parse": ["parse", "{log}", "--out", "{tmp}/parsed.parquet"],
            "detect --method tfidf": ["detect", "{log}", "--method", "tfidf", "--out", "{tmp}/scores.parquet"],
            "analyze --method tfidf": ["analyze", "{log}", "--method", "tfidf", "--out", "{tmp}/analysis"],
            "analyze --method all": ["analyze", "{log}", "--method", "all", "--out", "{tmp}/analysis"]}


def measure(lines: int, seed: int, repeats: int, commands: list[str]) -> list[dict]:
    """One row per command at one size: medians of ``repeats`` runs."""
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "journal.jrn"
        subprocess.run([sys.executable, "-m", "logad_utils", "generate", "--lines", str(lines), "--seed", str(seed),
                        "--out", str(log)], check=True, capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in commands}
        for _ in range(repeats):
            for name in commands:
                argv = [a.format(log=log, tmp=tmp) for a in COMMANDS[name]]
                runs[name].append(run_logad(*argv))
                print(lines, name, runs[name][-1], flush=True)
    return [{"lines": f"{lines:,}", "command": f"logad {name}",
             "median s": statistics.median(s for s, _, _ in values),
             "median CPU s": statistics.median(c for _, c, _ in values),
             "lines/s": f"{lines / statistics.median(s for s, _, _ in values):,.0f}",
             "peak MiB": max(m for _, _, m in values)} for name, values in runs.items()]


def ratios(rows: list[dict]) -> list[str]:
    """One sentence per size and analyze command: its time over parse's, and its peak memory."""
    out = []
    for size in dict.fromkeys(r["lines"] for r in rows):
        mine = {r["command"]: r for r in rows if r["lines"] == size}
        parse = mine["logad parse"]
        for name in ("logad analyze --method tfidf", "logad analyze --method all"):
            if name in mine:
                row = mine[name]
                out.append(f"- {size} lines, `{name}`: **{row['median s'] / parse['median s']:.1f}×** parse in wall "
                           f"time, {row['median CPU s'] / parse['median CPU s']:.1f}× in CPU time; peak "
                           f"{row['peak MiB']:,.0f} MiB")
    return out


def growth(rows: list[dict]) -> list[str]:
    """Peak memory of each command at the largest size over the smallest."""
    sizes = list(dict.fromkeys(r["lines"] for r in rows))
    if len(sizes) < 2:
        return []
    first = {r["command"]: r["peak MiB"] for r in rows if r["lines"] == sizes[0]}
    last = {r["command"]: r["peak MiB"] for r in rows if r["lines"] == sizes[-1]}
    return [f"- `{name}`: peak {first[name]:,.0f} MiB at {sizes[0]} lines, {last[name]:,.0f} MiB at {sizes[-1]} "
            f"({last[name] / first[name]:.2f}×)" for name in last if name in first]


def _runs(n: int) -> str:
    return f"median of {n} runs" if n > 1 else "1 run"


def _big_runs(args: argparse.Namespace) -> str:
    """How often the sizes above --skip-all-above ran, when not as often as the others."""
    if args.big_repeats is None or not any(n > args.skip_all_above for n in args.lines):
        return ""
    return f" ({_runs(args.big_repeats)} above {args.skip_all_above:,} lines)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--big-repeats", type=int, help="runs above --skip-all-above lines (default: --repeats); "
                        "a 10M-line run of the three commands takes about eight minutes")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-all-above", type=int, default=1_000_000,
                        help="run `analyze --method all` only up to this many lines (BERT and the autoencoder "
                             "fit on the distinct lines, so their cost does not grow with the lines)")
    args = parser.parse_args()
    rows = []
    for lines in args.lines:
        commands = [c for c in COMMANDS if c != "analyze --method all" or lines <= args.skip_all_above]
        big = lines > args.skip_all_above and args.big_repeats is not None
        rows += measure(lines, args.seed, args.big_repeats if big else args.repeats, commands)
    table = pd.DataFrame(rows)
    table["peak MiB"] = table["peak MiB"].map("{:,.0f}".format)
    body = "\n".join([
        "## analyze against parse, and memory as the lines grow",
        "",
        f"`benchmarks/bench_analyze.py --lines {' '.join(map(str, args.lines))} --repeats {args.repeats}"
        f"{f' --big-repeats {args.big_repeats}' if args.big_repeats is not None else ''}`: "
        f"generated journals (seed {args.seed}); each command ran as its own process, one after another in the "
        f"same run, {_runs(args.repeats)} each{_big_runs(args)}; peak = "
        "the largest resident set of the process. Goals (issue: the main job at scale): analyze ≤ 6× parse and "
        "peak ≤ 2 GB (2,048 MiB) at 1M lines; peak memory that does not grow with the lines.",
        "",
        markdown_table(table, floatfmt=".1f"),
        "",
        *ratios(rows),
        "",
        *(["Peak memory as the lines grow:", "", *growth(rows), ""] if growth(rows) else []),
        f"Machine: {os.cpu_count()} cores, shared with other work while measuring (CPU time is the steadier "
        "measure there).",
    ])
    write_section("bench_analyze", body)
    print(body)


if __name__ == "__main__":
    main()
