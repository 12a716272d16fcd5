"""Plots and word clouds. Every function draws on a given or new Axes and returns it (or the figure)."""
from __future__ import annotations

import functools
import warnings
from pathlib import Path
from typing import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .atomic import write_with
from .blas import one_blas_thread
from .evaluate import check_truth_length
from .terms import shorten
from .timeseries import ALL_LINES

__all__ = ["plot_term_histogram", "plot_score_histogram", "make_wordcloud", "plot_wordcloud",
           "plot_confusion", "plot_scatter", "plot_k_distance", "plot_pca", "plot_timeline",
           "plot_comparison", "plot_token_lengths", "plot_training_curves", "plot_message_map", "plot_trends"]


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


def _literal(text) -> str:
    """Log text as a label shows it: a "$" is no start of mathtext (a message with two would not draw), and a
    leading "_" (Python's ``__main__`` logger) is no hidden label: a zero-width space goes before it."""
    text = str(text).replace("$", r"\$")
    return "\u200b" + text if text.startswith("_") else text


def plot_score_histogram(scores: np.ndarray, threshold: float | None = None, truth: np.ndarray | None = None,
                         bins: int = 60, ax: plt.Axes | None = None, title: str = "anomaly scores") -> plt.Axes:
    """Histogram of line scores (n,), split by truth (n,) when given, with the threshold line."""
    ax = _axes(ax)
    scores = np.asarray(scores, dtype=float)
    keep = np.isfinite(scores)  # an infinite score has no bin
    edges = np.histogram_bin_edges(scores[keep], bins=bins)
    if truth is None:
        ax.hist(scores[keep], bins=edges, color="#4c72b0")
    else:
        check_truth_length(truth, len(scores))
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


CLOUD_TERM_CHARS = 40  # the longest term a word cloud draws whole


def make_wordcloud(frequencies: Mapping[str, float], path: str | Path | None = None, seed: int = 0,
                   width: int = 900, height: int = 450, colormap: str = "viridis"):
    """A WordCloud of term → weight (positive weights only), saved as PNG when ``path`` is given."""
    from wordcloud import WordCloud

    freqs: dict[str, float] = {}
    for term, weight in frequencies.items():
        if np.isfinite(weight) and weight > 0:
            # A long unmasked token (a key, a 400-letter run) fits no canvas: drawn shortened, or the cloud fails.
            shown = shorten(str(term), CLOUD_TERM_CHARS)
            freqs[shown] = max(freqs.get(shown, 0.0), float(weight))
    if not freqs:
        raise ValueError("no positive term weights to draw")
    font, missing = _cloud_font(list(freqs))
    if missing:
        # Drawn, they would be empty boxes: a cloud of words nobody can read, and nothing said.
        warnings.warn(f"{len(missing)} terms left out of the word cloud: no font here has their letters "
                      f"(e.g. {missing[0]!r}; install one, such as Noto CJK)", stacklevel=2)
        left_out = set(missing)
        freqs = {term: weight for term, weight in freqs.items() if term not in left_out}
        if not freqs:
            raise ValueError("no term to draw: no font here has their letters")
    cloud = WordCloud(width=width, height=height, background_color="white", colormap=colormap,
                      random_state=seed, prefer_horizontal=0.95, collocations=False, font_path=font)
    cloud.generate_from_frequencies(freqs)
    cloud.missing_terms = missing
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        write_with(path, lambda tmp: cloud.to_file(str(tmp)))
    return cloud


@functools.lru_cache(maxsize=None)
def _glyphs(font: str) -> frozenset[int]:
    """The code points (set) a font file draws; none for a file fontTools cannot read."""
    from fontTools.ttLib import TTFont

    try:
        return frozenset(TTFont(font, fontNumber=0, lazy=True).getBestCmap() or ())
    except Exception:  # noqa: BLE001 - a broken or unusual font file is one that draws nothing here
        return frozenset()


def _cloud_font(terms: Sequence[str]) -> tuple[str, list[str]]:
    """The font to draw ``terms`` with: wordcloud's own when it draws them all, else the installed font that draws
    the most of them (the first in path order), and the terms (list) that font cannot draw."""
    from matplotlib import font_manager
    from wordcloud.wordcloud import FONT_PATH

    def undrawable(font: str) -> list[str]:
        glyphs = _glyphs(font)
        return [t for t in terms if any(ord(c) not in glyphs for c in t if not c.isspace())]

    best, missing = FONT_PATH, undrawable(FONT_PATH)
    for font in sorted(font_manager.findSystemFonts()) if missing else ():
        left = undrawable(font)
        if len(left) < len(missing):
            best, missing = font, left
        if not missing:
            break
    return best, missing


def plot_wordcloud(cloud, title: str = "", ax: plt.Axes | None = None) -> plt.Axes:
    """Show a WordCloud image on an Axes."""
    ax = _axes(ax, (9, 4.5))
    ax.imshow(cloud.to_array(), interpolation="bilinear")
    ax.set_axis_off()
    ax.set_title(title)
    return ax


def _said(ax: plt.Axes, text: str, title: str) -> plt.Axes:
    """``ax`` holding ``text`` instead of a chart (there is nothing to draw), under ``title``."""
    ax.set_axis_off()
    ax.text(0.5, 0.5, text, ha="center", va="center")
    ax.set_title(title)
    return ax


def plot_confusion(metrics: Mapping[str, int], ax: plt.Axes | None = None, title: str = "") -> plt.Axes:
    """2×2 confusion matrix from a metrics dict with tp, fp, fn, tn (NaN without ground truth: said, not drawn)."""
    ax = _axes(ax, (3.6, 3.2))
    if any(pd.isna(metrics[k]) for k in ("tn", "fp", "fn", "tp")):
        return _said(ax, "no ground truth for this log", title)
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
                   label=_literal(cat) if i < max_legend else None)
    ax.set_title(title)
    ax.legend(title=legend_title, fontsize="small", markerscale=2, loc="best")
    return ax


# --------------------------------------------------------------------------- DBSCAN: k-distance and PCA views



def _run_ends(values: np.ndarray) -> np.ndarray:
    """Positions (m,) of the first and last element of each run of equal values in a sorted array (n,)."""
    change = np.flatnonzero(np.diff(values) != 0)
    return np.unique(np.concatenate([[0, len(values) - 1], change, change + 1]))


def plot_k_distance(k_distances: np.ndarray, eps: float | None = None, ax: plt.Axes | None = None,
                    max_points: int = 20000, title: str = "k-distance curve") -> plt.Axes:
    """The sorted k-distance curve (n,) (e.g. ``DbscanDetector.k_distances_``) with the chosen ``eps`` line.

    The x axis counts lines. Long runs of equal values are drawn by their ends,
    so a million lines plot as fast as their distinct distances; beyond
    ``max_points`` distinct points the curve is thinned evenly.
    """
    ax = _axes(ax)
    y = np.sort(np.asarray(k_distances, dtype=float))
    if y.size == 0:
        raise ValueError("no k-distances to plot")
    x = _run_ends(y)
    if len(x) > max_points:
        x = np.unique(np.concatenate([x[np.linspace(0, len(x) - 1, max_points).astype(int)], [len(y) - 1]]))
    ax.plot(x, y[x], color="#4c72b0", lw=1.5, label="k-distance (sorted)")
    if eps is not None:
        above = float(np.mean(y > eps))
        ax.axhline(eps, color="#c44e52", linestyle="--", label=f"eps = {eps:.3g} ({above:.1%} of lines above)")
    ax.set_xlabel("lines, sorted by k-distance")
    ax.set_ylabel("k-distance (cosine)")
    ax.set_title(title)
    ax.legend(loc="upper left")
    return ax


def _plot_rows(keep: np.ndarray, max_points: int, random_state: int) -> np.ndarray:
    """Sorted row positions to draw: every ``keep`` row, then a seeded uniform sample of the rest up to max_points."""
    always = np.flatnonzero(keep)
    rest = np.flatnonzero(~keep)
    room = max(max_points - len(always), 0)
    if len(rest) > room:
        rest = np.random.default_rng(random_state).choice(rest, size=room, replace=False)
    return np.sort(np.concatenate([always, rest]))


# Verdicts a colour column may hold, by the value that flags a row.
_VERDICTS = {"1": {"0", "1"}, "anomaly": {"normal", "anomaly"}, "flagged": {"normal", "flagged"},
             "True": {"False", "True"}}


def plot_pca(vectors: np.ndarray, colors: Sequence, dims: int = 2, ax: plt.Axes | None = None,
             title: str = "PCA of sentence vectors", keep: np.ndarray | None = None, max_points: int = 5000,
             random_state: int = 0, legend_title: str = "", max_legend: int = 12) -> plt.Axes:
    """PCA scatter (2-D or 3-D) of vectors (n, d) coloured by a category (n,), e.g. cluster or anomaly label.

    Rows that are all zero or not finite (blank lines from ``DbscanDetector.transform``)
    are left out. With more than ``max_points`` rows a seeded sample is drawn, but
    every ``keep`` row (n,) bool always is; by default those are the rows coloured
    -1 (DBSCAN noise), or the flagged ones when the colours are a verdict (0/1,
    normal/anomaly, normal/flagged, False/True). PCA
    (``random_state``) is fitted on the drawn rows; axes show explained variance.
    For ``dims=3`` a given ``ax`` must be a 3-D Axes (``projection="3d"``).
    """
    from sklearn.decomposition import PCA

    if dims not in (2, 3):
        raise ValueError(f"dims must be 2 or 3, got {dims}")
    vectors = np.asarray(vectors, dtype=float)
    cats = pd.Series(list(colors), dtype=object).fillna("-").astype(str).to_numpy()
    if vectors.ndim != 2 or len(vectors) != len(cats):
        raise ValueError(f"vectors must be (n, d) with one colour per row; got {vectors.shape} and {len(cats)}")
    # anomalies (1 of 0/1 labels, or a verdict's words) or DBSCAN noise (-1) are drawn last, in a fixed colour
    verdict = next((hot for hot, pair in _VERDICTS.items() if set(cats) <= pair), None)
    special, special_color = (verdict, "#c44e52") if verdict else ("-1", "black")
    if keep is None:
        keep = cats == special
    usable = np.isfinite(vectors).all(axis=1) & (np.abs(vectors).sum(axis=1) > 0)
    rows = np.flatnonzero(usable)[_plot_rows(np.asarray(keep, dtype=bool)[usable], max_points, random_state)]
    if len(rows) <= dims:
        raise ValueError(f"need more than {dims} usable rows to plot, got {len(rows)}")
    pca = PCA(n_components=dims, random_state=random_state)
    with one_blas_thread():
        points = pca.fit_transform(vectors[rows])
    cats = cats[rows]
    if ax is None:
        fig = plt.figure(figsize=(7, 5.5))
        ax = fig.add_subplot(projection="3d" if dims == 3 else None)
    elif dims == 3 and getattr(ax, "name", "") != "3d":
        raise ValueError('dims=3 needs a 3-D Axes: fig.add_subplot(projection="3d")')
    order = [c for c in pd.Series(cats).value_counts().index if c != special]
    cmap = plt.get_cmap("tab20")
    for i, cat in enumerate(order + ([special] if special in cats else [])):
        mask = cats == cat
        hot = cat == special
        label = f"{_literal(cat)} ({int(mask.sum()):,})" if i < max_legend or hot else None
        ax.scatter(*(points[mask, j] for j in range(dims)), s=12 if hot else 6, alpha=0.9 if hot else 0.5,
                   color=special_color if hot else cmap(i % 20), marker="x" if hot else "o", label=label)
    ratio = pca.explained_variance_ratio_
    ax.set_xlabel(f"PC1 ({ratio[0]:.0%})")
    ax.set_ylabel(f"PC2 ({ratio[1]:.0%})")
    if dims == 3:
        ax.set_zlabel(f"PC3 ({ratio[2]:.0%})")
    shown = f"{len(rows):,} of {int(usable.sum()):,} rows" if len(rows) < usable.sum() else f"{len(rows):,} rows"
    ax.set_title(f"{title}\n{shown}")
    ax.legend(title=legend_title, fontsize="small", markerscale=2, loc="best")
    return ax


def timeline_uses_time(frame: pd.DataFrame) -> bool:
    """Whether :func:`plot_timeline` draws ``frame`` over time (most lines have one), else over line numbers."""
    return "timestamp" in frame and frame["timestamp"].notna().mean() > 0.5


def _line_edges(low: float, high: float, bins: int) -> np.ndarray:
    """Bin edges over the line numbers ``low`` .. ``high``, at most ``bins`` bins of a whole number of lines each."""
    # Fewer lines than bins drew a comb of empty bins between them; bins of 12.5 lines held 12 and 13 in turn.
    lines = int(high - low) + 1
    step = -(-lines // bins)
    return low - 0.5 + step * np.arange(-(-lines // step) + 1, dtype=float)


def plot_timeline(frame: pd.DataFrame, flags: np.ndarray, spans: Sequence[tuple] = (), bins: int = 120,
                  ax: plt.Axes | None = None, title: str = "lines over time") -> plt.Axes:
    """Stacked line counts per time bin (normal / flagged), with incident spans (start, end) shaded.

    Uses ``timestamp`` when the frame has usable times, else ``line_no`` (:func:`timeline_uses_time`); spans are
    in the same unit. Lines without a time on a time axis are counted in the title.
    """
    ax = _axes(ax, (12, 3.2))
    flags = np.asarray(flags, dtype=bool)
    use_time = timeline_uses_time(frame)
    x = frame["timestamp"] if use_time else frame["line_no"]
    x = x.to_numpy()
    keep = ~pd.isna(x)
    # No copy of every line's time where each has one in nanoseconds: copies (8 bytes a line, two at once) made
    # this the widest step of writing a 10M-line analysis.
    kept, on = (x, flags) if keep.all() else (x[keep], flags[keep])
    values = kept.astype("datetime64[ns]", copy=False).view(np.int64) if use_time else kept.astype(float)
    low, high = (values.min(), values.max()) if len(values) else (0, 1)
    if not use_time:
        edges = _line_edges(low, high, bins)
    else:
        if low == high:
            # One instant (a single selected line): a minute wide, else numpy cannot split it into bins.
            low, high = low - 30 * 10**9, high + 30 * 10**9
        ends = np.array([low, high], dtype=float)  # with a range, only the values' type sets the edges
        edges = np.histogram_bin_edges(ends, bins=bins, range=(float(low), float(high)))
    flagged, _ = np.histogram(values[on], bins=edges)
    normal = np.histogram(values, bins=edges)[0] - flagged  # each line falls in one bin, flagged or not
    centers = (edges[:-1] + edges[1:]) / 2
    width = np.diff(edges)
    if use_time:
        centers = pd.to_datetime(centers.astype(np.int64))
        width = pd.to_timedelta(width.astype(np.int64)).to_numpy()
    ax.bar(centers, normal, width=width, color="#9fb7d9", label="normal")
    ax.bar(centers, flagged, width=width, bottom=normal, color="#c44e52", label="flagged")
    for i, (start, end) in enumerate(spans):
        ax.axvspan(start, end, color="#dd8452", alpha=0.18, label="incident" if i == 0 else None)
    ax.set_ylabel("lines")
    ax.set_xlabel("time" if use_time else "line number")
    # A file without times read beside timed ones: its lines are not on the axis, and say so (blank lines aside).
    untimed = ~keep & ~(frame["blank"].to_numpy(dtype=bool) if "blank" in frame else np.zeros(len(keep), bool))
    if untimed.any():
        title += f" ({untimed.sum():,} lines without a time not shown, {flags[untimed].sum():,} of them flagged)"
    ax.set_title(title)
    ax.legend(loc="upper right", fontsize="small")
    return ax


def plot_comparison(table: pd.DataFrame, metrics: Sequence[str] = ("precision", "recall", "f1", "roc_auc", "pr_auc"),
                    ax: plt.Axes | None = None, title: str = "methods compared") -> plt.Axes:
    """Grouped bars of metrics per method from :func:`evaluate.compare_methods`, seconds in the labels."""
    ax = _axes(ax, (10, 4))
    metrics = [m for m in metrics if m in table]
    if not metrics:  # compared without ground truth: only the flagged counts, which the table shows
        return _said(ax, "no ground truth for this log: no accuracy to compare", title)
    width = 0.8 / max(len(table), 1)
    x = np.arange(len(metrics))
    cmap = plt.get_cmap("tab10")
    for i, row in enumerate(table.itertuples(index=False)):
        seconds = (f"fit and score {row.fit_s:.1f} s" if np.isnan(row.score_s)
                   else f"fit {row.fit_s:.1f} s, score {row.score_s:.1f} s")
        label = f"{row.method} ({seconds})"
        ax.bar(x + i * width, [getattr(row, m) for m in metrics], width, label=label, color=cmap(i % 10))
    ax.set_xticks(x + width * (len(table) - 1) / 2, [m.replace("_", "-") for m in metrics])
    ax.set_ylim(0, 1.05)
    ax.set_title(title)
    ax.legend(fontsize="small", loc="lower right")
    return ax


def plot_token_lengths(lengths: np.ndarray, counts: np.ndarray | None = None, max_length: int | None = None,
                       ax: plt.Axes | None = None) -> plt.Axes:
    """Histogram of token counts per line from unique messages' lengths (u,) and line counts (u,), with the limit."""
    ax = _axes(ax, (7, 3.5))
    lengths = np.asarray(lengths, dtype=np.int64)
    per_line = lengths if counts is None else np.repeat(lengths, np.asarray(counts, dtype=np.int64))
    ax.hist(per_line, bins=range(0, int(lengths.max(initial=0)) + 2), color="#4c72b0")
    if max_length is not None:
        ax.axvline(max_length, color="black", linestyle="--", label=f"max_length = {max_length}")
        ax.legend()
    ax.set_xlabel("tokens per message (with [CLS] and [SEP])")
    ax.set_ylabel("lines")
    return ax


def plot_training_curves(history: Mapping[str, Sequence[float]], ax: plt.Axes | None = None,
                         title: str = "training curves") -> plt.Axes:
    """Loss per epoch from a Keras-style history (``loss``, optionally ``val_loss``), log scale."""
    ax = _axes(ax, (7, 3.5))
    ax.plot(history["loss"], label="training loss")
    if "val_loss" in history:
        ax.plot(history["val_loss"], label="validation loss")
    ax.set_xlabel("epoch")
    ax.set_ylabel("weighted MSE")
    ax.set_yscale("log")
    ax.legend()
    ax.set_title(title)
    return ax


NO_VALUE = "#b0b0b0"  # the map's colour for a message without a value


def plot_message_map(points: pd.DataFrame, color: str = "cluster", selected: np.ndarray | None = None,
                     ax: plt.Axes | None = None, title: str = "", max_legend: int = 20,
                     palette: Mapping[str, str] | None = None) -> plt.Axes:
    """Map of unique messages (u rows: ``x``, ``y``, ``size``, ``color``): size by line count, selection ringed.

    ``palette`` fixes the colour of some categories (e.g. flagged in red); the rest follow tab20.
    """
    ax = _axes(ax, (7, 5))
    sizes = 6 + 14 * points["size"].to_numpy(dtype=float)
    values = points[color]
    if pd.api.types.is_numeric_dtype(values) and not isinstance(values.dtype, pd.CategoricalDtype):
        # A message without a value (a blank line's score) is drawn grey; matplotlib's default leaves it out.
        cmap = plt.get_cmap("viridis").with_extremes(bad=NO_VALUE)
        drawn = ax.scatter(points["x"], points["y"], s=sizes, c=values.to_numpy(dtype=float), cmap=cmap,
                           alpha=0.75, linewidths=0, plotnonfinite=True)
        ax.figure.colorbar(drawn, ax=ax, label=color)
    else:
        cats = values.astype(str).to_numpy()
        cmap = plt.get_cmap("tab20")
        for i, cat in enumerate(pd.Series(cats).value_counts().index):
            mask = cats == cat
            ax.scatter(points["x"][mask], points["y"][mask], s=sizes[mask], alpha=0.75,
                       color=(palette or {}).get(cat, cmap(i % 20)),
                       linewidths=0, label=_literal(cat) if i < max_legend else None)
        ax.legend(title=color, fontsize="small", markerscale=0.8, loc="best")
    if selected is not None and len(selected):
        ax.scatter(points["x"].to_numpy()[selected], points["y"].to_numpy()[selected], s=sizes[selected] + 30,
                   facecolors="none", edgecolors="black", linewidths=1.2, label="selected")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title)
    return ax


TREND_COLORS = {"burst": "#c44e52", "drop": "#4c72b0", "shift": "#dd8452", "silence": "#8172b2", "new": "#55a868",
                "gone": "#937860"}


def plot_trends(trends, template_ids: Sequence[int] | None = None, max_panels: int = 4) -> plt.Figure:
    """Count series of templates (default :meth:`Trends.showcase`) with their baselines, alerts shaded by kind.

    ``trends``: a :class:`timeseries.Trends`; one panel per template id (-1: all lines).
    """
    ids = list(template_ids) if template_ids is not None else trends.showcase(max_panels)
    ids = ids or [-1]
    fig, axes = plt.subplots(len(ids), 1, figsize=(12, 2.3 * len(ids)), squeeze=False)
    names = dict(zip(trends.counts.template_ids.tolist(), trends.counts.templates)) | {-1: ALL_LINES}
    timed = trends.counts.timed
    for ax, tid in zip(axes[:, 0], ids):
        series = _around_best_alert(trends, tid)
        x = series.index
        end = x[-1] + trends.counts.bucket
        # A step "post" ends at its last point: the last bucket (a storm at the log's end) needs its end drawn too.
        edges = x.append(pd.Index([end]))
        for column, style in (("observed", {"color": "#34495e", "lw": 0.8}),
                              ("expected", {"color": "#e67e22", "lw": 1.0, "alpha": 0.9})):
            values = series[column].to_numpy(dtype=float)
            ax.step(edges, np.append(values, values[-1:]), where="post", label=column, **style)
        shown = set()
        for alert in trends.alerts[trends.alerts["template_id"] == tid].itertuples(index=False):
            span = (alert.start, alert.end) if timed else (alert.first_line_no, alert.last_line_no)
            if span[1] < x[0] or span[0] > end:
                continue
            ax.axvspan(*span, color=TREND_COLORS.get(alert.kind, "grey"), alpha=0.3,
                       label=alert.kind if alert.kind not in shown else None)
            shown.add(alert.kind)
        ax.set_xlim(x[0], end)
        text = str(names.get(tid, tid))
        # Log text is data, not markup: no mathtext.
        ax.set_title(shorten(text, 110), fontsize="small", loc="left",
                     parse_math=False)
        ax.set_ylabel(f"lines / {pd.tseries.frequencies.to_offset(trends.counts.bucket).freqstr}" if timed
                      else f"lines / {trends.counts.bucket} lines", fontsize="small")
        ax.legend(loc="upper right", fontsize="x-small", ncol=4)
    axes[-1, 0].set_xlabel("time" if timed else "line")
    fig.tight_layout()
    return fig


def _around_best_alert(trends, template_id: int, context: int = 48) -> pd.DataFrame:
    """The template's series (observed, expected) around its best alert: ±max(3 × its length, context) buckets."""
    series = trends.series(template_id)
    alerts = trends.alerts[trends.alerts["template_id"] == template_id]
    if alerts.empty:
        return series
    best = alerts.loc[alerts["score"].idxmax()]
    if trends.counts.timed:
        lo, hi = np.searchsorted(series.index, [best["start"], best["end"]])
    else:
        lo, hi = np.searchsorted(series.index, [best["first_line_no"] - 1, best["last_line_no"]])
    pad = max(3 * (hi - lo), context)
    return series.iloc[max(lo - pad, 0):hi + pad]
