"""Detection accuracy: bundled sample, Loghub BGL and a big generated journal, unsupervised and known-good.

Unsupervised: fit and score the whole file. Known-good: fit on the normal lines
of the first 60 %, score the last 40 %. BGL's label field (first field of each
line) is dropped before detection. The big journal (``--big-lines``, 300,000 by default; 0 leaves it out) is
generated with its labels in a temporary folder: a detector can fit a big log unlike a small one (the autoencoder
learns its most frequent messages far better than the rest).
Usage: python benchmarks/bench_detect.py [--methods tfidf,bert,autoencoder] [--big-lines N]
"""
from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from common import LOGHUB, LOGHUB_CITATION, ROOT, markdown_table, write_section
from logad_utils.datasets import labels_path_for, read_labels, write_log
from logad_utils.evaluate import detection_metrics
from logad_utils.pipeline import make_detector, parse_logs

CONFIGS = {
    "tfidf": [("tfidf rarity (default)", {"scorer": "rarity"}),
              ("tfidf rarity, no level prior", {"scorer": "rarity", "severity_weight": 0.0}),
              ("tfidf rarity, word 1-2 grams", {"scorer": "rarity", "ngram_range": (1, 2)}),
              ("tfidf rarity, word 4-grams (seed)", {"scorer": "rarity", "ngram_range": (4, 4)}),
              ("tfidf iforest", {"scorer": "iforest"}),
              ("tfidf knn", {"scorer": "knn"}), ("tfidf hybrid", {"scorer": "hybrid"})],
    "bert": [("bert + dbscan", {})],
    "autoencoder": [("autoencoder (tfidf)", {"features": "tfidf"}), ("autoencoder (bert)", {"features": "bert"})],
}
METRICS = ["precision", "recall", "f1", "roc_auc", "pr_auc", "best_f1"]


def load_sample() -> tuple[pd.DataFrame, np.ndarray]:
    """The bundled ATM sample and its labels (n,)."""
    frame = parse_logs(ROOT / "data" / "atm_sample.jrn", warn=False)
    return frame, read_labels(ROOT / "data" / "atm_sample.labels.csv")["is_anomaly"].to_numpy()


def load_bgl() -> tuple[pd.DataFrame, np.ndarray]:
    """Loghub BGL 2k with alert labels (n,); the label column is removed from the frame."""
    frame = parse_logs(LOGHUB / "BGL" / "BGL_2k.log", fmt="bgl", warn=False)
    y = (frame["label"] != "-").astype(int).to_numpy()
    return frame.drop(columns=["label"]), y


def load_generated(n_lines: int, seed: int = 11) -> tuple[pd.DataFrame, np.ndarray]:
    """A generated journal of n_lines lines (seed ``seed``) and its labels (n,)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "journal.jrn"
        write_log(path, n_lines=n_lines, seed=seed)
        frame = parse_logs(path, warn=False)
        return frame, read_labels(labels_path_for(path))["is_anomaly"].to_numpy()


def run_one(method: str, params: dict, frame: pd.DataFrame, y: np.ndarray) -> list[dict]:
    """Metrics and seconds in both settings for one configuration."""
    rows = []
    t0 = time.perf_counter()
    det = make_detector(method, **params).fit(frame)
    fit_s = time.perf_counter() - t0
    rows.append({"setting": "unsupervised", **detection_metrics(y, det.decision_scores_, det.labels_),
                 "fit_s": fit_s, "score_s": 0.0})
    cut = int(0.6 * len(frame))
    train = frame.iloc[:cut][y[:cut] == 0]
    test = frame.iloc[cut:]
    t0 = time.perf_counter()
    det = make_detector(method, known_good=True, **params).fit(train)
    fit_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    scores = det.decision_function(test)
    score_s = time.perf_counter() - t0
    rows.append({"setting": "known-good", **detection_metrics(y[cut:], scores, det.label(scores)),
                 "fit_s": fit_s, "score_s": score_s})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--methods", default="tfidf", help="comma-separated: tfidf,bert,autoencoder")
    parser.add_argument("--big-lines", type=int, default=300_000, help="lines of the generated journal (0: none)")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    datasets = {"sample (ATM, generated)": load_sample}
    if (LOGHUB / "BGL").is_dir():
        datasets["Loghub BGL 2k"] = load_bgl
    if args.big_lines:
        datasets[f"journal {args.big_lines // 1000}k (generated)"] = lambda: load_generated(args.big_lines)
    loaded = {name: load() for name, load in datasets.items()}
    for method in args.methods.split(","):
        rows = []
        for data_name, (frame, y) in loaded.items():
            for name, params in CONFIGS[method]:
                for row in run_one(method, params, frame, y):
                    rows.append({"data": data_name, "method": name, **row})
                    print(f"{data_name:24s} {name:32s} {row['setting']:12s} " +
                          " ".join(f"{m} {row[m]:.3f}" for m in METRICS))
        write_section(f"detect-{method}", _section(method, pd.DataFrame(rows)))


def _section(method: str, rows: pd.DataFrame) -> str:
    """Markdown of one method's accuracy table."""
    table = rows[["data", "method", "setting", *METRICS, "flagged", "lines", "fit_s", "score_s"]]
    return (f"## Detection accuracy: {method}\n\n"
            f"`python benchmarks/bench_detect.py --methods {method}`. Unsupervised: fit and score the whole "
            "file; known-good: fit on the normal lines of the first 60 %, score the last 40 % (threshold: "
            "99.5th percentile of the known-good scores). F1, precision and recall are at the method's own "
            "threshold; best_f1 is the best over all thresholds, for reference only. BGL's label field is "
            "dropped before detection. The journal is generated (seed 11) with its labels, 300,000 lines by "
            "default (--big-lines): a detector may fit a big log unlike a small one.\n\n" + markdown_table(table) + "\n\nBGL data: " + LOGHUB_CITATION)


if __name__ == "__main__":
    main()
