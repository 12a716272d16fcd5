"""Explorer responsiveness at 100,000 unique messages: how long each linked update takes in Python.

A synthetic log of 300,000 lines holding 100,000 unique masked messages (500 templates, 20
components, 1 % flagged), 32-dim vectors per message. Timed (median of 3): building the model
(layout included), a component filter, a lasso of 14,000 messages, the pattern table, the
selection summary, and, with jupyter-scatter, building the widgets and the round trip of a lasso
event and of a filter change through them (no browser: what the kernel spends per interaction).

Usage: python benchmarks/bench_explore.py [--quick]   (--quick: 10x smaller, RESULTS.md untouched)
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import markdown_table, median_seconds, write_section  # noqa: E402
from logad_utils.explore import ExploreModel, ExploreView  # noqa: E402


def synthetic(n_lines: int, n_unique: int, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    """A parsed-like frame (n_lines), vectors per unique message (n_unique, 32), scores and flags (n_lines)."""
    rng = np.random.default_rng(seed)
    message = rng.integers(0, n_unique, n_lines)
    message[:n_unique] = np.arange(n_unique)
    template = message % 500
    frame = pd.DataFrame({
        "source": "big.log", "line_no": np.arange(1, n_lines + 1),
        "timestamp": pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(n_lines), unit="s"),
        "component": np.array([f"C{i}" for i in range(20)], dtype=object)[message % 20],
        "content": np.array([f"event {i % 500} value {i}" for i in range(n_unique)], dtype=object)[message],
        "masked": np.array([f"event {i % 500} value x{i}" for i in range(n_unique)], dtype=object)[message],
        "template_id": template,
        "template": np.array([f"event {i} value <*>" for i in range(500)], dtype=object)[template]})
    scores = rng.random(n_unique)[message]
    return frame, rng.normal(size=(n_unique, 32)).astype(np.float32), scores, scores > 0.99


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    n_lines, n_unique = 300_000 // scale, 100_000 // scale
    frame, vectors, scores, flags = synthetic(n_lines, n_unique)
    build_s, model = median_seconds(lambda: ExploreModel(frame, vectors, scores, flags))
    lasso = np.arange(0, n_unique, 7)
    steps = [
        ("build the model (PCA layout)", build_s),
        ("filter: 2 components", median_seconds(lambda: model.set_filters(components=("C1", "C2")))[0]),
        (f"lasso of {len(lasso):,} messages", median_seconds(lambda: model.select_points(lasso))[0]),
        ("pattern table", median_seconds(lambda: model.pattern_table(200))[0]),
        ("selection summary", median_seconds(lambda: model.summary())[0]),
    ]
    model.set_filters(components=())
    view_s, view = median_seconds(lambda: ExploreView(model))
    lasso_ids = lasso.astype(np.uint32)

    def lasso_event():  # alternates between two lassos, so every call is a change
        view.scatter.widget.selection = lasso_ids[int(len(view.model.selection) == len(lasso_ids)):]

    def filter_event():
        view.verdict.value = "flagged" if view.verdict.value != "flagged" else "all"

    steps += [("build the widgets (jupyter-scatter)", view_s),
              ("lasso event through the widgets", median_seconds(lasso_event)[0]),
              ("verdict filter through the widgets", median_seconds(filter_event)[0])]
    table = pd.DataFrame(steps, columns=["step", "seconds (median of 3)"])
    print(table.to_string(index=False))
    if not args.quick:
        write_section("explore", f"## Explorer responsiveness ({n_unique:,} unique messages, {n_lines:,} lines)\n\n"
                      "Written by `benchmarks/bench_explore.py`: Python-side time per interaction (no browser).\n\n"
                      + markdown_table(table))


if __name__ == "__main__":
    main()
