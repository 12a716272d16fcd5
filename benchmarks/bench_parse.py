"""Parsing speed and memory: `logad parse` end to end versus a plain per-line drain3 loop.

Generates a log (default 1,000,000 lines), runs `logad parse` (read, header, mask,
templates, write parquet) as a separate process several times, and reports the
median wall time, lines/s and peak memory. In the same run it times drain3's
TemplateMiner with default settings fed every message one by one (the usual
way it is used) on a slice of the same messages, and reports the ratio.
Usage: python benchmarks/bench_parse.py [--lines N] [--repeats R] [--naive-lines M]
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

from common import markdown_table, time_logad, write_section
from logad_utils.datasets import write_log
from logad_utils.io import read_logs
from logad_utils.masking import DEFAULT_RULES


def run_naive(messages: list[str], masked: bool) -> float:
    """Seconds for drain3's TemplateMiner fed one message at a time, optionally with logad's masking rules."""
    from drain3 import TemplateMiner
    from drain3.masking import MaskingInstruction
    from drain3.template_miner_config import TemplateMinerConfig

    config = TemplateMinerConfig()
    if masked:
        # drain3 wraps mask_with in "<" and ">" itself.
        config.masking_instructions = [MaskingInstruction(rule.pattern, rule.placeholder.strip("<>"))
                                       for rule in DEFAULT_RULES]
    miner = TemplateMiner(config=config)
    t0 = time.perf_counter()
    for message in messages:
        miner.add_log_message(message)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--naive-lines", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        log, _ = write_log(Path(tmp) / "bench.jrn", n_lines=args.lines, seed=1)
        runs = [time_logad("parse", str(log), "--out", str(Path(tmp) / "out.parquet")) for _ in range(args.repeats)]
        wall = statistics.median(r[0] for r in runs)
        peak = max(r[1] for r in runs)
        messages = read_logs(log, warn=False)["content"].head(args.naive_lines).tolist()
        naive = run_naive(messages, masked=False)
        naive_masked = run_naive(messages, masked=True)
    ours_rate = args.lines / wall
    naive_rate = len(messages) / naive
    masked_rate = len(messages) / naive_masked
    table = pd.DataFrame([
        {"pipeline": "logad parse (read, header, mask, templates, parquet)", "lines": args.lines,
         "median_s": wall, "lines_per_s": round(ours_rate), "peak_MiB": round(peak)},
        {"pipeline": "drain3 TemplateMiner per line, with the same masking rules (mask + mine only)",
         "lines": len(messages), "median_s": naive_masked, "lines_per_s": round(masked_rate), "peak_MiB": "-"},
        {"pipeline": "drain3 TemplateMiner per line, no masking (mine only)", "lines": len(messages),
         "median_s": naive, "lines_per_s": round(naive_rate), "peak_MiB": "-"},
    ])
    print(table.to_string(index=False))
    print(f"speed-up vs masked per-line drain3: {ours_rate / masked_rate:.1f}x")
    body = ("## Parsing speed and memory\n\n"
            f"`python benchmarks/bench_parse.py --lines {args.lines}`: a generated ATM journal, `logad parse` run "
            f"{args.repeats} times as a separate process (median wall time, whole process including start-up; "
            "peak = largest resident set of the runs). Baselines: drain3's miner fed one line at a time on the "
            "first lines of the same messages, with logad's masking rules as drain3 masking instructions (the "
            "like-for-like comparison) and without masking; neither reads files or writes output.\n\n"
            + markdown_table(table, ".2f") + f"\n\nlogad parse, end to end, is **{ours_rate / masked_rate:.1f}×** "
            f"the masked per-line drain3 loop and {ours_rate / naive_rate:.1f}× the unmasked one in lines/s.")
    write_section("parse", body)


if __name__ == "__main__":
    main()
