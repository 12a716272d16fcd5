"""Scale: `detect` and `parse` in one process (streaming) and on 1, 2 and 4 local Dask workers.

Generates journals (default 1M, 3M and 10M lines; parse up to 3M, `--parse-max`),
runs each configuration once in a fresh process and records wall time by phase
(first pass: read, mask, count; driver: templates and fit on the key table;
second pass: score and write), the driver's peak memory and every worker's.
Writes the "Scale" section of RESULTS.md with a paper estimate for 1B lines.
Heavy: run it with `nice`, once.
Usage: python benchmarks/bench_scale.py [--sizes 1000000 3000000] [--workers 1 2 4]
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from common import ROOT, markdown_table, write_section


def run_one(log: str, command: str, workers: int, out_dir: str) -> dict:
    """One configuration in this process; returns seconds by phase and peak memory (MiB)."""
    from logad_utils import streaming
    from logad_utils.detectors import make_detector
    from logad_utils.templates import LogTemplateMiner

    engine = None
    if workers:
        from logad_utils.distributed import DaskEngine, connect

        engine = DaskEngine(connect(workers=workers, memory_limit="4GiB"), block_bytes=8 << 20)
    passes = engine or streaming
    miner = LogTemplateMiner()
    t0 = time.perf_counter()
    run = passes.count_keys(log, masker=miner.masker)
    t1 = time.perf_counter()
    keys = streaming.mine_table(run.table.frame(), miner)
    if command == "detect":
        keys = streaming.fit_score(make_detector("tfidf"), keys, run.times())
    t2 = time.perf_counter()
    out = Path(out_dir) / f"{command}-{workers}.parquet"
    (passes.write_scores if command == "detect" else passes.write_parse)(run, keys, miner.masker, out)
    t3 = time.perf_counter()
    worker_mib = []
    if engine is not None:
        rss = engine.client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
        worker_mib = sorted(v / 1024 for v in rss.values())
        engine.__exit__(None, None, None)
    return {"lines": int(run.report.lines), "keys": len(keys), "first_pass": t1 - t0, "driver": t2 - t1,
            "second_pass": t3 - t2, "driver_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "worker_mib": worker_mib}


def measure(log: Path, command: str, workers: int, out_dir: str) -> dict:
    """Run one configuration in a fresh process (so peak memory is its own)."""
    proc = subprocess.run([sys.executable, __file__, "--one", str(log), command, str(workers), out_dir],
                          check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def rows(results: list[dict]) -> pd.DataFrame:
    """One table row per run."""
    out = []
    for r in results:
        total = r["first_pass"] + r["driver"] + r["second_pass"]
        out.append({"command": r["command"], "lines": f"{r['lines']:,}", "engine": r["engine"],
                    "seconds": round(total, 1), "lines/s": f"{r['lines'] / total:,.0f}",
                    "first pass s": round(r["first_pass"], 1), "driver s": round(r["driver"], 2),
                    "second pass s": round(r["second_pass"], 1), "driver share": f"{r['driver'] / total:.1%}",
                    "driver peak MiB": round(r["driver_mib"]),
                    "worker peak MiB": "/".join(str(round(m)) for m in r["worker_mib"]) or "-",
                    "distinct keys": f"{r['keys']:,}"})
    return pd.DataFrame(out)


def estimate(results: list[dict]) -> str:
    """Paper estimate for 1B lines from the largest single-process and multi-worker detect runs."""
    detect = [r for r in results if r["command"] == "detect"]
    # A Dask worker's rate (it reads and masks in both passes); the driver's fit on the largest table.
    big = next((r for r in detect if r["engine"] == "1 dask workers"), detect[0])
    fitted = max(detect, key=lambda r: r["keys"])
    per_core = big["lines"] / (big["first_pass"] + big["second_pass"])
    fit_per_key = fitted["driver"] / fitted["keys"]
    lines = 1e9
    cores = (16 * 8, 16 * 32, 16 * 128)
    parts = lines * 60 / (64 << 20)  # ~60 bytes a line, 64 MiB partitions
    text = [
        f"- Worker work (both passes) runs at **{per_core:,.0f} lines/s per core** here "
        f"({big['engine']}, {big['lines']:,} lines); it is embarrassingly parallel.",
        f"- The driver fits once on the distinct keys: {fitted['driver']:.2f} s for {fitted['keys']:,} keys "
        f"(**{fit_per_key * 1e3:.2f} ms per key**: templates and TF-IDF rarity). Mining compares each new "
        "message with the clusters of its tree leaf, so on varied "
        "logs the cost per key grows with the number of templates and the figures below are a lower bound.",
        f"- 1B lines of ~60 bytes in 64 MiB ranges = {parts:,.0f} partitions; merging them costs one dict "
        "lookup per distinct key per partition on the driver.",
    ]
    for n in cores:
        worker_s = lines / (per_core * n)
        for keys in (fitted["keys"], 200_000, 2_000_000):
            driver_s = keys * fit_per_key
            text.append(f"  - {n} cores ({n // 16} machines × 16): workers ≈ {worker_s / 60:,.1f} min; "
                        f"driver fit on {keys:,} keys ≈ {driver_s / 60:,.1f} min"
                        + (" ← driver is the bottleneck" if driver_s > worker_s else ""))
    text.append("- So the driver becomes the bottleneck once the distinct keys × per-key fit time exceeds "
                "lines / (cores × per-core rate): with these rates, at about "
                f"{lines / (per_core * cores[1]) / fit_per_key:,.0f} distinct keys on {cores[1]} cores.")
    return "\n".join(text)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 3_000_000, 10_000_000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--parse-max", type=int, default=3_000_000, help="largest size also run with parse")
    parser.add_argument("--data", default=None, help="folder holding j<N>.jrn journals (generated when absent)")
    parser.add_argument("--one", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one[0], args.one[1], int(args.one[2]), args.one[3])))
        return
    from logad_utils.datasets import write_log

    data = Path(args.data or tempfile.mkdtemp())
    results = []
    with tempfile.TemporaryDirectory() as out_dir:
        for size in args.sizes:
            log = data / f"j{size}.jrn"
            if not log.exists():
                write_log(log, n_lines=size, seed=1)
            configs = [("parse", 0)] if size <= args.parse_max else []
            configs += [("detect", 0)]
            if size == min(args.sizes):
                configs += [("detect", w) for w in args.workers]
            for command, workers in configs:
                result = measure(log, command, workers, out_dir)
                result.update(command=command, engine=f"{workers} dask workers" if workers else "1 process")
                results.append(result)
                print(rows([result]).to_string(index=False), flush=True)
    body = f"""## Scale: streaming and Dask (`benchmarks/bench_scale.py`)

Generated ATM journals; each configuration ran once in a fresh process on a 2-core machine shared with other
jobs (so Dask workers beyond 2 compete for the same cores). *First pass*: read, parse headers, mask each
distinct content once, count distinct keys (masked message, level, component). *Driver*: templates mined
and the TF-IDF detector fitted once on the key table. *Second pass*: scores broadcast to every line and
written (single process: from the spilled key ids; Dask: each worker reads and masks its partitions again).
Peak memory is the maximum resident set of the driver process and of each worker process.

{markdown_table(rows(results))}

### 1B lines on paper

{estimate(results)}
"""
    write_section("scale", body)
    print(body)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
