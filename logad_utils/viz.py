"""Plots and word clouds. Every function draws on a given or new Axes and returns it (or the figure)."""
from __future__ import annotations

from pathlib import Path
from typing import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

__all__ = ["plot_term_histogram", "plot_score_histogram", "make_wordcloud", "plot_wordcloud",
           "plot_confusion", "plot_scatter"]


def _axes(ax: plt.Axes | None, size: tuple[float, float] = (7, 4)) -> plt.Axes:
    return ax if ax is not None else plt.subplots(figsize=size)[1]


def plot_term_histogram(scores: pd.DataFrame, band: tuple[float, float] = (80, 100), column: str = "mean_tfidf",
                        bins: int = 50, ax: plt.Axes | None = None) -> plt.Axes:
    """Histogram of per-term scores with the percentile ``band`` shaded."""
    ax = _axes(ax)
    values = scores[column].to_numpy()
    ax.hist(values, bins=bins, color="#4c72b0", alpha=0.85)
    lo, hi = np.percentile(values, band)
    ax.axvspan(lo, hi, color="#dd8452", alpha=0.25, label=f"{band[0]:g}th–{band[1]:g}th percentile")
    ax.set_xlabel(column.replace("_", " "))
    ax.set_ylabel("terms")
    ax.set_yscale("log")
    ax.legend()
    return ax


def plot_score_histogram(scores: np.ndarray, threshold: float | None = None, truth: np.ndarray | None = None,
                         bins: int = 60, ax: plt.Axes | None = None, title: str = "anomaly scores") -> plt.Axes:
    """Histogram of line scores (n,), split by truth (n,) when given, with the threshold line."""
    ax = _axes(ax)
    scores = np.asarray(scores, dtype=float)
    keep = ~np.isnan(scores)
    edges = np.histogram_bin_edges(scores[keep], bins=bins)
    if truth is None:
        ax.hist(scores[keep], bins=edges, color="#4c72b0")
    else:
        truth = np.asarray(truth)[keep]
        ax.hist(scores[keep][truth == 0], bins=edges, color="#4c72b0", alpha=0.7, label="normal (truth)")
        ax.hist(scores[keep][truth == 1], bins=edges, color="#c44e52", alpha=0.7, label="anomalous (truth)")
    if threshold is not None:
        ax.axvline(threshold, color="black", linestyle="--", label=f"threshold {threshold:.3g}")
    ax.set_yscale("log")
    ax.set_xlabel("score (higher = more anomalous)")
    ax.set_ylabel("lines")
    ax.set_title(title)
    ax.legend()
    return ax


def make_wordcloud(frequencies: Mapping[str, float], path: str | Path | None = None, seed: int = 0,
                   width: int = 900, height: int = 450, colormap: str = "viridis"):
    """A WordCloud of term → weight (positive weights only), saved as PNG when ``path`` is given."""
    from wordcloud import WordCloud

    freqs = {str(k): float(v) for k, v in frequencies.items() if v > 0}
    if not freqs:
        raise ValueError("no positive term weights to draw")
    cloud = WordCloud(width=width, height=height, background_color="white", colormap=colormap,
                      random_state=seed, prefer_horizontal=0.95, collocations=False)
    cloud.generate_from_frequencies(freqs)
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        cloud.to_file(str(path))
    return cloud


def plot_wordcloud(cloud, title: str = "", ax: plt.Axes | None = None) -> plt.Axes:
    """Show a WordCloud image on an Axes."""
    ax = _axes(ax, (9, 4.5))
    ax.imshow(cloud.to_array(), interpolation="bilinear")
    ax.set_axis_off()
    ax.set_title(title)
    return ax


def plot_confusion(metrics: Mapping[str, int], ax: plt.Axes | None = None, title: str = "") -> plt.Axes:
    """2×2 confusion matrix from a metrics dict with tp, fp, fn, tn."""
    ax = _axes(ax, (3.6, 3.2))
    cells = np.array([[metrics["tn"], metrics["fp"]], [metrics["fn"], metrics["tp"]]])
    ax.imshow(cells, cmap="Blues")
    for (i, j), v in np.ndenumerate(cells):
        ax.text(j, i, f"{v:,}", ha="center", va="center", color="black")
    ax.set_xticks([0, 1], ["normal", "anomaly"])
    ax.set_yticks([0, 1], ["normal", "anomaly"])
    ax.set_xlabel("predicted")
    ax.set_ylabel("truth")
    ax.set_title(title)
    return ax


def plot_scatter(points: np.ndarray, colors: Sequence, ax: plt.Axes | None = None, title: str = "",
                 legend_title: str = "", max_legend: int = 12) -> plt.Axes:
    """2-D scatter of points (n, 2) coloured by a categorical (n,)."""
    ax = _axes(ax, (7, 5))
    cats = pd.Series(colors, dtype=object).fillna("-").astype(str)
    order = cats.value_counts().index.tolist()
    cmap = plt.get_cmap("tab20")
    for i, cat in enumerate(order):
        mask = (cats == cat).to_numpy()
        ax.scatter(points[mask, 0], points[mask, 1], s=8, alpha=0.7, color=cmap(i % 20),
                   label=cat if i < max_legend else None)
    ax.set_title(title)
    ax.legend(title=legend_title, fontsize="small", markerscale=2, loc="best")
    return ax
