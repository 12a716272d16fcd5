"""Embedding speed: deduplicated vs naive per-line BERT, and DbscanDetector fit at scale.

1. A generated ATM journal of ``--embed-lines`` lines (default 100,000) is parsed
   and masked; ``BertEmbedder.transform`` embeds its masked messages (each distinct
   message once). The naive path (``embed_unique``: one forward slot per line) is
   far too slow for 100k lines on a CPU, so it runs on a seeded sample of
   ``--naive-sample`` lines (default 2,000) and its per-line rate is extrapolated;
   both run in the same process with the same model and max_length. The largest
   absolute difference between the two paths' vectors on the sample is reported
   (it must be <= 1e-5).
2. ``DbscanDetector().fit`` end to end on a parsed generated log of ``--lines``
   lines (default 1,000,000; goal under 5 minutes on 2 cores).

Usage: python benchmarks/bench_embed.py [--lines N] [--embed-lines N] [--naive-sample N]
"""
from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from common import markdown_table, median_seconds, write_section
from logad_utils.datasets import write_log
from logad_utils.detectors import DbscanDetector
from logad_utils.embeddings import BertEmbedder
from logad_utils.pipeline import parse_logs

MAX_DIFF = 1e-5


def parsed_log(folder: Path, n_lines: int, seed: int) -> tuple[pd.DataFrame, float, float]:
    """A generated log of n_lines parsed into a frame, with (seconds to generate, seconds to parse)."""
    t0 = time.perf_counter()
    path, _ = write_log(folder / f"bench_{n_lines}.jrn", n_lines, seed)
    gen_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    frame = parse_logs(path, warn=False)
    return frame, gen_s, time.perf_counter() - t0


def embed_comparison(messages: list[str], sample_size: int, seed: int, repeats: int) -> tuple[pd.DataFrame, float]:
    """Timing rows of both paths and the largest |dedup − naive| over the sampled lines."""
    embedder = BertEmbedder(progress=False).fit(messages)  # loads the model, settles max_length
    embedder.embed_unique(messages[:8])  # warm-up forward pass
    n = len(messages)
    uniques = len(set(messages))
    dedup_s, dedup = median_seconds(lambda: embedder.transform(messages), repeats=repeats)

    rng = np.random.default_rng(seed)
    rows = np.sort(rng.choice(n, size=min(sample_size, n), replace=False))
    sample = [messages[i] for i in rows]
    naive_s, naive = median_seconds(lambda: embedder.embed_unique(sample), repeats=1)
    max_diff = float(np.abs(naive - dedup[rows]).max())

    naive_rate = len(sample) / naive_s
    table = pd.DataFrame([
        {"path": "dedup: BertEmbedder.transform (all lines)", "lines": n, "forward passes (texts)": uniques,
         "seconds": dedup_s, "lines/s": n / dedup_s, "measured": f"median of {repeats}"},
        {"path": "naive: embed_unique per line (sample)", "lines": len(sample), "forward passes (texts)": len(sample),
         "seconds": naive_s, "lines/s": naive_rate, "measured": "1 run"},
        {"path": f"naive: extrapolated to {n:,} lines", "lines": n, "forward passes (texts)": n,
         "seconds": n / naive_rate, "lines/s": naive_rate, "measured": "sample rate × lines"},
    ])
    return table, max_diff


def fit_timing(frame: pd.DataFrame) -> dict:
    """Seconds for DbscanDetector().fit(frame) and what it found."""
    t0 = time.perf_counter()
    det = DbscanDetector().fit(frame)
    fit_s = time.perf_counter() - t0
    return {"lines": len(frame), "unique messages": len(det.unique_.texts), "fit_s": fit_s,
            "eps_": det.eps_, "min_samples_": det.min_samples_, "clusters": int(det.clusters_.max() + 1),
            "noise lines": int(det.noise_.sum()), "flagged lines": int(det.labels_.sum())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=1_000_000, help="lines for the DbscanDetector fit timing")
    parser.add_argument("--embed-lines", type=int, default=100_000, help="lines for the dedup vs naive comparison")
    parser.add_argument("--naive-sample", type=int, default=2_000, help="lines the naive path really embeds")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of the dedup path (median)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    import torch

    machine = (f"{platform.processor() or platform.machine()}, {len(os.sched_getaffinity(0))} usable cores, "
               f"torch {torch.__version__} with {torch.get_num_threads()} threads, device "
               f"{'cuda' if torch.cuda.is_available() else 'cpu'}")
    with tempfile.TemporaryDirectory() as tmp:
        frame, gen_s, parse_s = parsed_log(Path(tmp), args.embed_lines, args.seed)
        messages = frame["masked"].fillna("").astype(str).tolist()
        print(f"{len(messages):,} lines, {len(set(messages)):,} unique masked messages (parse {parse_s:.1f} s)")
        table, max_diff = embed_comparison(messages, args.naive_sample, args.seed, args.repeats)
        print(table.to_string(index=False))
        print(f"max |dedup - naive| on the sample: {max_diff:.2e}")
        speedup = table["lines/s"].iloc[0] / table["lines/s"].iloc[1]
        del frame

        big, big_gen_s, big_parse_s = parsed_log(Path(tmp), args.lines, args.seed)
        fit = fit_timing(big)
        fit = {"lines": fit.pop("lines"), "generate_s": big_gen_s, "parse_s": big_parse_s, **fit}
        print(fit)
    verdict = "OK" if max_diff <= MAX_DIFF else "FAILED"
    goal = "under" if fit["fit_s"] < 300 else "over"
    body = (
        "## Embedding speed (BERT, dedup vs naive) and DbscanDetector at scale\n\n"
        f"`python benchmarks/bench_embed.py --lines {args.lines} --embed-lines {args.embed_lines} "
        f"--naive-sample {args.naive_sample}` on {machine}; default model (MiniLM-L6, 384-d), batch 64, "
        "no vector cache. Logs come from `datasets.write_log` (seed "
        f"{args.seed}), parsed and masked with `pipeline.parse_logs`.\n\n"
        f"**Dedup vs naive** on {args.embed_lines:,} lines ({len(set(messages)):,} unique masked messages). "
        f"The naive per-line path is too slow on a CPU for all lines: it embedded {args.naive_sample:,} "
        "seeded random lines and its per-line rate is extrapolated (third row). Same process, same model "
        "and max_length.\n\n" + markdown_table(table, floatfmt=",.1f") + "\n\n"
        f"Dedup is {speedup:,.0f}× faster per line here (the gain is lines per unique message). "
        f"Largest |dedup − naive| over the sampled lines' vectors: {max_diff:.1e} "
        f"(limit {MAX_DIFF:g}: {verdict}).\n\n"
        f"**DbscanDetector().fit end to end** (dedup, embedding, k-distances, DBSCAN, scores, threshold) "
        f"on a parsed {args.lines:,}-line log; generating and parsing are shown apart. "
        f"Goal: under 5 minutes on 2 cores ({goal}).\n\n"
        + markdown_table(pd.DataFrame([fit]), floatfmt=",.3f")
    )
    write_section("embed", body)


if __name__ == "__main__":
    main()
