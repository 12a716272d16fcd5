"""AutoencoderDetector speed: dedup training on unique messages vs naive dense training on every line.

Generates a log with ``datasets.write_log`` in a temporary folder, reads and
masks it (``read_logs`` + ``Masker``), then times ``AutoencoderDetector().fit``
(TF-IDF features, default architecture; fit includes scoring every line). The
naive approach — the seed's: a dense TF-IDF matrix of *all* lines and Keras
``fit(X, X, validation_split=0.1)`` over them, then a full ``predict`` — is
timed on a subsample and extrapolated per line, because on a million lines it
would need a dense matrix of several GB.

Unless ``--no-cli``, the real command ``logad detect --method autoencoder`` is
also timed once on the same file (a subprocess: imports, parsing with the
template miner, detection and writing the CSV included).

Usage: python benchmarks/bench_autoencoder.py [--lines N] [--naive-lines M] [--repeats R] [--no-cli] [--no-write]
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
import pandas as pd
from common import markdown_table, write_section

from logad_utils.datasets import write_log
from logad_utils.detectors._autoencoder import AutoencoderDetector, _keras
from logad_utils.features import TOKEN_PATTERN
from logad_utils.io import read_logs
from logad_utils.masking import Masker

LONG_RUN_S = 60.0  # a single run longer than this is not repeated


def parse(path: Path) -> pd.DataFrame:
    frame = read_logs(path, warn=False)
    frame["masked"] = Masker().mask_many(frame["content"].tolist())
    return frame


def timed(func, repeats: int) -> tuple[list[float], object]:
    """Wall times of up to ``repeats`` calls (one only if the first exceeds LONG_RUN_S) and the last result."""
    times, result = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - t0)
        if times[0] > LONG_RUN_S:
            break
    return times, result


def naive_fit_score(frame: pd.DataFrame, epochs: int, batch_size: int = 256) -> tuple[float, int]:
    """The seed's approach on every line: dense TF-IDF (n, d), Keras fit with validation_split, predict; returns (seconds, d)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    keras = _keras()
    t0 = time.perf_counter()
    docs = frame["masked"].fillna("").tolist()
    dense = TfidfVectorizer(token_pattern=TOKEN_PATTERN, sublinear_tf=True).fit_transform(docs).toarray()
    dense = dense.astype(np.float32)
    keras.utils.set_random_seed(0)
    helper = AutoencoderDetector()
    model = helper._build(dense.shape[1], helper._output_bias(dense, np.ones(len(dense))))
    model.fit(dense, dense, epochs=epochs, batch_size=batch_size, validation_split=0.1, shuffle=True, verbose=0)
    recon = model.predict(dense, batch_size=1024, verbose=0)
    np.mean((dense - recon) ** 2, axis=1)
    return time.perf_counter() - t0, dense.shape[1]


def time_cli(path: Path, out: Path) -> float:
    """Wall seconds of one ``python -m logad_utils detect --method autoencoder PATH --out OUT``."""
    cmd = [sys.executable, "-m", "logad_utils", "detect", "--method", "autoencoder", str(path), "--out", str(out)]
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(f"logad detect failed: {done.stderr[-2000:]}")
    return seconds


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=1_000_000, help="generated log size (default 1,000,000)")
    ap.add_argument("--naive-lines", type=int, default=20_000, help="subsample for the naive path (default 20,000)")
    ap.add_argument("--repeats", type=int, default=3, help="runs per timing, median quoted (default 3)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-cli", action="store_true", help="skip timing `logad detect --method autoencoder`")
    ap.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    args = ap.parse_args(argv)

    keras = _keras()
    import tensorflow as tf

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.jrn"
        t0 = time.perf_counter()
        write_log(path, args.lines, args.seed)
        gen_s = time.perf_counter() - t0
        parse_times, frame = timed(lambda: parse(path), 1)

        fit_times, det = timed(lambda: AutoencoderDetector().fit(frame), args.repeats)
        n_unique = len(det.unique_.texts)
        epochs = det.n_epochs_

        sub = frame.iloc[: args.naive_lines].reset_index(drop=True)
        sub_dedup_times, sub_det = timed(lambda: AutoencoderDetector().fit(sub), args.repeats)
        naive_times, naive_dim = [], 0
        for _ in range(args.repeats):
            seconds, naive_dim = naive_fit_score(sub, epochs)
            naive_times.append(seconds)
            if seconds > LONG_RUN_S:
                break
        cli_s = None if args.no_cli else time_cli(path, Path(tmp) / "scores.csv")

    med = statistics.median
    naive_per_line = med(naive_times) / len(sub)
    naive_full = naive_per_line * len(frame)
    end_to_end = parse_times[0] + med(fit_times)
    dense_gb = len(frame) * det.n_features_in_ * 4 / 1e9
    runs = lambda t: f"median of {len(t)}" if len(t) > 1 else "1 run"  # noqa: E731
    rows = pd.DataFrame([
        {"path": "dedup AutoencoderDetector().fit (fit + score all lines)", "lines": len(frame),
         "unique messages": n_unique, "epochs": epochs, "seconds": med(fit_times),
         "lines/s": len(frame) / med(fit_times), "measured": runs(fit_times)},
        {"path": "dedup AutoencoderDetector().fit on the subsample", "lines": len(sub),
         "unique messages": len(sub_det.unique_.texts), "epochs": sub_det.n_epochs_,
         "seconds": med(sub_dedup_times), "lines/s": len(sub) / med(sub_dedup_times),
         "measured": runs(sub_dedup_times)},
        {"path": "naive dense fit on every line (subsample)", "lines": len(sub), "unique messages": "-",
         "epochs": epochs, "seconds": med(naive_times), "lines/s": len(sub) / med(naive_times),
         "measured": runs(naive_times)},
        {"path": f"naive extrapolated to {len(frame):,} lines", "lines": len(frame), "unique messages": "-",
         "epochs": epochs, "seconds": naive_full, "lines/s": 1 / naive_per_line,
         "measured": "subsample rate × lines"},
    ])
    table = markdown_table(rows, floatfmt=".1f")
    print(table)
    print(f"generate {gen_s:.1f}s, read+mask {parse_times[0]:.1f}s, end to end (read+mask+fit+score) "
          f"{end_to_end:.1f}s; naive dense matrix of all lines: {dense_gb:.1f} GB")
    cli_line = "" if cli_s is None else (
        f"`logad detect --method autoencoder` on the same file (one run, a subprocess: interpreter start, "
        f"imports, parsing with the template miner, detection, writing the CSV): **{cli_s:.1f} s**.\n")
    if cli_s is not None:
        print(f"logad detect --method autoencoder: {cli_s:.1f}s")
    if args.no_write:
        return
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    body = f"""## Autoencoder speed (dedup vs naive dense training)

`python benchmarks/bench_autoencoder.py --lines {args.lines} --naive-lines {args.naive_lines} --repeats {args.repeats}` on {platform.machine()}, {cores} usable cores (shared with other work while measured), TensorFlow {tf.__version__}, Keras {keras.__version__}, CPU. Log from `datasets.write_log` (seed {args.seed}), read with `read_logs` and masked with `Masker` ({parse_times[0]:.1f} s for {len(frame):,} lines; generating took {gen_s:.1f} s and is not counted). Detector: `AutoencoderDetector()` defaults (TF-IDF features, 512-256-128 capped at the vocabulary, early stopping, at most {det.epochs} epochs, sample weights from line counts with `weighting="{det.weighting}"`); its `fit` includes scoring every line and the threshold.

The naive path is the seed's: dense TF-IDF of every line, `fit(X, X, validation_split=0.1)` for the same number of epochs the dedup run used ({epochs}), then `predict` on every line. It is timed on the first {len(sub):,} lines and extrapolated per line; the subsample's vocabulary ({naive_dim:,} terms) is smaller than the full log's ({det.n_features_in_:,}), so the extrapolation understates the naive cost. Its dense matrix for all {len(frame):,} lines would take {dense_gb:.1f} GB of float32.

{table}

End to end (read + mask + fit + score): **{end_to_end:.1f} s** for {len(frame):,} lines (goal: under 180 s on 2 cores). Training cost follows the {n_unique:,} unique messages, not the lines: dedup is {naive_full / med(fit_times):.0f}× faster than the extrapolated naive path at this size.

{cli_line}"""
    write_section("autoencoder", body)
    print("wrote the autoencoder section of benchmarks/RESULTS.md")


if __name__ == "__main__":
    main()
