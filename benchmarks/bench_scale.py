"""Scale: streaming `detect` in one process, then on 1, 2 and 4 local Dask workers, and 1B lines on paper.

Generates one ATM journal (1M lines by default, `--lines 10000000` for 10M), runs each configuration once
in a fresh process and records wall time by phase (first pass: read, mask, count; driver: merge of the
(key, time) pairs, templates and the fit on the key table; second pass: score and write), the driver's CPU
time, its peak memory and every worker's, and what the workers send the driver: distinct keys and
distinct (key, time) pairs. Writes the "Scale" section of RESULTS.md with a paper estimate for 1B lines.
Heavy: run it with `nice`, once.
Usage: python benchmarks/bench_scale.py [--lines 1000000] [--workers 1 2 4] [--data FOLDER]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

from common import ROOT, markdown_table, write_section

PAIR_BYTES = 16  # a (key id, time in ns) pair: two int64
BLOCK_BYTES = 8 << 20  # byte ranges of the journal (about 120k lines each)


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _pair_dedupe(run) -> dict:
    """Time and traced peak memory of the driver's dedupe of the pairs the workers sent, and their counts."""
    sent = int(sum(len(p) for p in run.pairs)) if hasattr(run, "pairs") else None
    tracemalloc.start()
    t0 = time.perf_counter()
    times = run.times()
    seconds = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"times": times, "pairs_sent": sent, "pairs": int(len(times[0])), "dedupe_s": seconds,
            "dedupe_peak_bytes": peak}


def run_one(log: str, workers: int, out_dir: str) -> dict:
    """One `detect` configuration in this process; returns seconds by phase, CPU, pairs and peak memory."""
    from logad_utils import streaming
    from logad_utils.detectors import make_detector
    from logad_utils.templates import LogTemplateMiner

    engine = None
    if workers:
        from logad_utils.distributed import DaskEngine, connect

        engine = DaskEngine(connect(workers=workers, memory_limit="4GiB"), block_bytes=BLOCK_BYTES)
    passes = engine or streaming
    miner = LogTemplateMiner()
    t0, c0 = time.perf_counter(), _cpu_s()
    run = passes.count_keys(log, masker=miner.masker)
    t1, c1 = time.perf_counter(), _cpu_s()
    pairs = _pair_dedupe(run)
    table = streaming.mine_table(run.table.frame(), miner)
    t_fit = time.perf_counter()
    keys = passes.fit_score(make_detector("tfidf"), table, pairs.pop("times"))
    t2, c2 = time.perf_counter(), _cpu_s()
    passes.write_scores(run, keys, miner.masker, Path(out_dir) / f"detect-{workers}.parquet")
    t3, c3 = time.perf_counter(), _cpu_s()
    # The same fit without the pairs (outside the phases): what the routine rule over the pairs costs.
    empty = np.zeros(0, dtype=np.int64)
    t_bare = time.perf_counter()
    streaming.fit_score(make_detector("tfidf"), table, (empty, empty))
    bare_fit = time.perf_counter() - t_bare
    worker_mib = []
    if engine is not None:
        rss = engine.client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
        worker_mib = sorted(v / 1024 for v in rss.values())
        engine.__exit__(None, None, None)
    return {"lines": int(run.report.lines), "keys": len(keys), "first_pass": t1 - t0, "driver": t2 - t1,
            "second_pass": t3 - t2, "driver_cpu": (c1 - c0) + (c2 - c1) + (c3 - c2),
            "driver_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "worker_mib": worker_mib,
            "fit_s": t2 - t_fit, "bare_fit_s": bare_fit, **pairs}


def measure(log: Path, workers: int, out_dir: str) -> dict:
    """Run one configuration in a fresh process (so peak memory is its own)."""
    proc = subprocess.run([sys.executable, __file__, "--one", str(log), str(workers), out_dir],
                          check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _total(r: dict) -> float:
    return r["first_pass"] + r["driver"] + r["second_pass"]


def rows(results: list[dict]) -> pd.DataFrame:
    """One table row per run."""
    out = []
    for r in results:
        total = _total(r)
        out.append({"lines": f"{r['lines']:,}", "engine": r["engine"], "seconds": round(total, 1),
                    "lines/s": f"{r['lines'] / total:,.0f}", "first pass s": round(r["first_pass"], 1),
                    "driver s": round(r["driver"], 2), "second pass s": round(r["second_pass"], 1),
                    "driver share (wall)": f"{r['driver'] / total:.1%}",
                    "driver CPU share": f"{r['driver_cpu'] / total:.0%}" if r["pairs_sent"] is not None else "-",
                    "driver peak MiB": round(r["driver_mib"]),
                    "worker peak MiB": "/".join(str(round(m)) for m in r["worker_mib"]) or "-",
                    "distinct keys": f"{r['keys']:,}",
                    "pairs sent": "-" if r["pairs_sent"] is None else f"{r['pairs_sent']:,}",
                    "distinct pairs": f"{r['pairs']:,}"})
    return pd.DataFrame(out)


def estimate(results: list[dict]) -> str:
    """Paper estimate for 1B lines from the measured worker rate, fit cost and (key, time) pairs."""
    one = max((r for r in results if r["engine"] == "1 dask workers"), key=lambda r: r["lines"])
    per_core = one["lines"] / (one["first_pass"] + one["second_pass"])
    fit_per_key = one["bare_fit_s"] / one["keys"]
    routine_rate = one["pairs"] / max(one["fit_s"] - one["bare_fit_s"], 1e-9)
    sent_per_line = one["pairs_sent"] / one["lines"]
    distinct_per_line = one["pairs"] / one["lines"]
    dedupe_rate = one["pairs_sent"] / one["dedupe_s"]
    peak_per_pair = one["dedupe_peak_bytes"] / max(one["pairs_sent"], 1)
    lines, link = 1e9, 1.25e9  # 1B lines; a 10 Gbit/s link into the driver (assumed, not measured)
    sent, distinct = sent_per_line * lines, distinct_per_line * lines
    text = [
        f"Measured here ({one['lines']:,} lines, {one['keys']:,} distinct keys):",
        f"- Worker work (both passes) runs at **{per_core:,.0f} lines/s per core** (1 Dask worker); it is "
        "embarrassingly parallel.",
        f"- The workers send the driver every partition's distinct (key, time) pairs for the routine rule: "
        f"**{sent_per_line * 1e6:,.0f} pairs per 1M lines** in {BLOCK_BYTES >> 20} MiB byte ranges "
        f"({sent_per_line * 1e6 * PAIR_BYTES / 2**20:,.1f} MiB at {PAIR_BYTES} bytes a pair; "
        f"{distinct_per_line * 1e6:,.0f} distinct over the whole file). The journal's lines are seconds "
        f"apart, so almost every line is its own pair ({sent_per_line:.2f} a line), against "
        f"{one['keys'] / one['lines'] * 1e6:,.0f} distinct keys per 1M lines.",
        f"- The driver dedupes pairs at **{dedupe_rate / 1e6:,.1f}M pairs/s** (sorting), with a traced peak "
        f"of **{peak_per_pair:,.0f} bytes per pair**; the routine rule reads the deduped pairs at "
        f"**{routine_rate / 1e6:,.1f}M pairs/s** (the fit with the pairs, {one['fit_s']:,.2f} s, less the same "
        f"fit without them, {one['bare_fit_s']:,.2f} s), and the rest of the fit costs "
        f"**{fit_per_key * 1e3:,.2f} ms per key** (TF-IDF, structure, threshold; templates are mined before).",
        "",
        "1B lines of this journal (workers scale with cores; the driver does not):",
        f"- pairs sent ≈ {sent / 1e6:,.0f}M = **{sent * PAIR_BYTES / 2**30:,.0f} GiB** into the driver "
        f"(≈ {sent * PAIR_BYTES / link / 60:,.1f} min on a 10 Gbit/s link); deduping them ≈ "
        f"{sent / dedupe_rate / 60:,.1f} min on one core and ≈ **{sent * peak_per_pair / 2**30:,.0f} GiB** "
        "of driver memory at the measured bytes per pair, whatever the number of workers; the routine rule "
        f"over them ≈ {distinct / routine_rate / 60:,.1f} min (both taken as linear in the pairs).",
        f"- the fit on the keys ({one['keys']:,} for {one['lines']:,} lines here, far fewer than the lines; "
        f"a varied log may reach 200k–2M keys): {fit_per_key * 200_000 / 60:,.1f} min for 200k keys, "
        f"{fit_per_key * 2_000_000 / 60:,.1f} min for 2M (a lower bound: mining slows as templates grow).",
    ]
    driver_s = sent * PAIR_BYTES / link + sent / dedupe_rate + distinct / routine_rate
    for cores in (16 * 8, 16 * 32, 16 * 128):
        worker_s = lines / (per_core * cores)
        text.append(f"  - {cores} cores ({cores // 16} machines × 16): workers ≈ {worker_s / 60:,.1f} min; driver "
                    f"pairs (transfer, dedupe, routine rule) ≈ {driver_s / 60:,.1f} min"
                    + (" ← the driver is the bottleneck" if driver_s > worker_s else ""))
    cross = lines / (per_core * driver_s)
    memory = sent * peak_per_pair / 2**30
    text.append(
        f"- So the driver, not the key count, is the first limit: its pair work equals the workers' at about "
        f"**{cross:,.0f} cores**, and it needs ≈ {memory:,.0f} GiB for the pairs"
        + (" (more than a 64 GiB machine has)" if memory > 64 else "")
        + ". The key table itself stays small. Bounding the "
        "pairs (per-key time buckets or a per-key sketch of the periods on the workers) would remove the "
        "limit; until then the routine rule's input grows with the lines.")
    return "\n".join(text)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--data", default=None, help="folder holding j<N>.jrn journals (generated when absent)")
    parser.add_argument("--one", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one[0], int(args.one[1]), args.one[2])))
        return
    from logad_utils.datasets import write_log

    data = Path(args.data or tempfile.mkdtemp())
    data.mkdir(parents=True, exist_ok=True)
    results, load = [], os.getloadavg()[0]
    for lines in args.lines:
        log = data / f"j{lines}.jrn"
        if not log.exists():
            write_log(log, n_lines=lines, seed=1)
        with tempfile.TemporaryDirectory() as out_dir:
            for workers in [0, *args.workers]:
                result = measure(log, workers, out_dir)
                result["engine"] = f"{workers} dask workers" if workers else "1 process"
                results.append(result)
                print(rows([result]).to_string(index=False), flush=True)
    sizes = " and ".join(f"{lines:,}" for lines in args.lines)
    body = f"""## Scale: streaming and Dask (`benchmarks/bench_scale.py`)

`logad detect` (TF-IDF) on generated ATM journals of {sizes} lines; each configuration ran once in
a fresh process on a 2-core machine shared with other jobs (so Dask workers beyond 2 compete for the same
cores, and the load changes between rows; the load average was {load:.1f} at the start). *First pass*:
read, parse headers, mask each distinct content once, count distinct keys (masked message, level,
component, parsed) and (key, time) pairs. *Driver*: the pairs deduped, templates mined and the detector
fitted once on the key table. *Second pass*: scores broadcast to every line and written (single process:
from the spilled key ids; Dask: each worker reads and masks its {BLOCK_BYTES >> 20} MiB byte ranges again).
*Driver CPU share*: the driver process's CPU time over the wall time (a local cluster's scheduler runs in
it). Peak memory is the maximum resident set of the driver process and of each worker process; the
driver here also times a dedupe of the pairs under `tracemalloc` and fits a second time without them (for
the estimate below), so its peak is above `logad detect`'s (see "analyze against parse"). *Pairs
sent*: the distinct (key, time) pairs of each partition, summed (what the workers send the driver,
{PAIR_BYTES} bytes each).

{markdown_table(rows(results))}

### 1B lines on paper

{estimate(results)}
"""
    write_section("scale", body)
    print(body)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
