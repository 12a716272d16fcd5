"""Explore a detector's result: a map of unique messages linked to ranked patterns and the lines behind a selection.

:class:`ExploreModel` is the state of the view (lines, unique messages with a
seeded 2-D layout, filters, selection) in pandas and numpy only, so tests drive
it without a browser. :func:`explore` shows it: with jupyter-scatter and
ipywidgets when a notebook frontend is there, or, when the environment variable
``LOGAD_STATIC`` is set (tests, ``make demo``, nbclient), as a static matplotlib
map plus tables. The choice is explicit; nothing is guessed from the kernel.
"""
from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from .blas import one_blas_thread
from .features import frame_documents, unique_documents
from .formats import REGEX_ERRORS
from .projector import _bucket_top, _choose_points
from .report import _clip
from .templates import _PLACEHOLDER

__all__ = ["ExploreModel", "Filters", "SelectionSummary", "explore", "layout_points", "is_static", "map_payload",
           "STATIC_ENV", "COLOR_BY"]

STATIC_ENV = "LOGAD_STATIC"
COLOR_BY = ("cluster", "score", "verdict", "component")
VERDICTS = ("all", "flagged", "normal")
VERDICT_COLORS = {"normal": "#9fb7d9", "flagged": "#c44e52"}
# Hover text and table examples are cut here: a tooltip is not the place for a 10 kB line.
MESSAGE_CHARS = 300
MAP_LINES = 3000  # flagged lines the report's map lists
NOTHING_FLAGGED = "no line is flagged: messages are ranked by score alone"
# Distinct colours the map's categorical palette offers.
MAP_COLORS = 20
# Distinct texts of a template read for its placeholders' values (the most frequent first): past them (or where a
# text does not read as the template), a value's lines and the distinct values are lower bounds, and the table's
# ``complete`` is False.
PARAMETER_SAMPLE = 5000


def is_static() -> bool:
    """True when ``LOGAD_STATIC`` is set to anything but '', '0', 'false' or 'no'."""
    return os.environ.get(STATIC_ENV, "").strip().lower() not in ("", "0", "false", "no")


def layout_points(vectors, method: str = "pca", seed: int = 0) -> np.ndarray:
    """2-D positions (u, 2) of u vectors (dense or sparse (u, d)): PCA/TruncatedSVD, or t-SNE on top of it."""
    from scipy import sparse
    from sklearn.decomposition import PCA, TruncatedSVD

    if method not in ("pca", "tsne"):
        raise ValueError(f"layout must be 'pca' or 'tsne', got {method!r}")
    u, d = vectors.shape
    k = min(2 if method == "pca" else 50, u - 1, d)
    if k < 1:
        return np.zeros((u, 2))
    # identical rows have no variance: the explained-variance ratio divides 0 by 0, the positions are simply 0
    with np.errstate(invalid="ignore", divide="ignore"), one_blas_thread():
        if sparse.issparse(vectors) and 1 < k < d:
            reduced = TruncatedSVD(n_components=k, random_state=seed).fit_transform(vectors)
        else:
            # Tiny inputs: TruncatedSVD does not centre, so two messages' one component put them on one spot.
            dense = vectors.toarray() if sparse.issparse(vectors) else np.asarray(vectors, dtype=np.float64)
            reduced = PCA(n_components=k, random_state=seed).fit_transform(dense)
    # t-SNE needs two dimensions to start from, and points that differ: on identical ones its Barnes-Hut tree
    # never splits (the process dies), and the PCA positions are already the layout.
    if method == "tsne" and reduced.shape[1] >= 2 and len(np.unique(reduced.round(9), axis=0)) > 3:
        from sklearn.manifold import TSNE

        with one_blas_thread():
            reduced = TSNE(n_components=2, init="pca", random_state=seed,
                           perplexity=float(min(30, (u - 1) / 3))).fit_transform(reduced)
    out = np.zeros((u, 2))
    out[:, : min(2, reduced.shape[1])] = reduced[:, :2]
    # A spread of rounding noise (1e-16 of the values) is no spread: the map's histograms cannot cut it into bins.
    out[:, np.ptp(out, axis=0) <= 1e-9 * np.abs(out).max(axis=0)] = 0.0
    return out


@dataclass(frozen=True)
class Filters:
    """Which lines count: components (empty = all), a time range, a regex on the template, a verdict."""

    components: tuple[str, ...] = ()
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None
    template: str = ""
    verdict: str = "all"


@dataclass
class SelectionSummary:
    """What lies behind a selection: counts, a time histogram, components and the values behind each ``<*>``."""

    n_lines: int
    n_flagged: int
    n_messages: int
    times: pd.DataFrame = field(repr=False)
    components: pd.DataFrame = field(repr=False)
    parameters: pd.DataFrame = field(repr=False)


class ExploreModel:
    """Lines (n), unique masked messages (u) with a 2-D layout, filters and a selection of messages.

    ``frame``: a parsed frame (``masked``, ``template_id``, ``template``, ``content``,
    optionally ``source``, ``line_no``, ``timestamp``, ``component``, ``blank``).
    ``vectors``: the method's vectors, per line (n, d) or per unique masked message (u, d,
    in order of first appearance, as :func:`features.unique_documents` gives them).
    ``scores``, ``labels`` (n,): the detector's scores and 0/1 verdicts; ``clusters`` (n,):
    clusters to colour and select by (the template id when None). Blank lines have no point.
    ``weights`` (n,): lines each row stands for (default 1), e.g. one row for the unflagged lines of a
    message; message counts and cluster sizes add them up, line lists show the rows.
    """

    def __init__(self, frame: pd.DataFrame, vectors, scores, labels, clusters=None, *,
                 layout: str = "pca", seed: int = 0, weights=None) -> None:
        frame = frame.reset_index(drop=True)
        n = len(frame)
        weights = np.ones(n, dtype=np.int64) if weights is None else np.asarray(weights, dtype=np.int64)
        unique = unique_documents(frame_documents(frame), weights)
        rows = np.flatnonzero(unique.inverse >= 0)
        if not len(rows):
            raise ValueError("nothing to explore: every line is blank")
        arrays = {"scores": scores, "labels": labels, "clusters": clusters, "weights": weights}
        for name, values in arrays.items():
            if values is not None and len(values) != n:
                raise ValueError(f"{name} has {len(values)} entries but the frame has {n} lines")
        self.n_blank = n - len(rows)
        self.lines = self._line_table(frame, rows, unique.inverse[rows], scores, labels, clusters)
        self.lines["lines"] = weights[rows]
        u = len(unique.texts)
        first = np.unique(unique.inverse[rows], return_index=True)[1]
        if getattr(vectors, "ndim", None) != 2:
            raise ValueError("the map needs the method's vectors: a 2-D array, one row per line or per unique "
                             f"masked message, got {type(vectors).__name__}")
        if vectors.shape[0] == n and n != u:
            vectors = vectors[rows[first]]
        elif vectors.shape[0] != u:
            raise ValueError(f"vectors have {vectors.shape[0]} rows; expected one per line ({n}) "
                             f"or one per unique masked message ({u})")
        self.points = self._point_table(unique.texts, unique.counts, layout_points(vectors, layout, seed))
        self.filters = Filters()
        self.selection = np.array([], dtype=np.int64)
        self.selection_label = ""
        self._cluster_rows: np.ndarray | None = None  # a cluster selected: its lines only, not all of its messages
        self._visible = np.ones(len(self.lines), dtype=bool)
        self.select_cluster(self.top_cluster())

    # ------------------------------------------------------------------ tables
    @staticmethod
    def _line_table(frame: pd.DataFrame, rows: np.ndarray, point: np.ndarray, scores, labels,
                    clusters) -> pd.DataFrame:
        """One row per non-blank line: where it is, what it says, how it was scored."""
        part = frame.iloc[rows]

        def column(name, default):
            return part[name].to_numpy() if name in part else np.full(len(rows), default, dtype=object)

        timestamps = pd.to_datetime(pd.Series(column("timestamp", pd.NaT)), errors="coerce")
        if timestamps.dt.tz is not None:  # compared with the filters' bounds in naive UTC, as logad reads times
            timestamps = timestamps.dt.tz_convert(None)
        line_no = part["line_no"].to_numpy() if "line_no" in part else rows + 1  # else the 1-based row
        score = np.asarray(scores, dtype=np.float64)[rows]
        return pd.DataFrame({
            "point": point,
            "where": (pd.Series(column("source", "-")).astype(str) + ":" +
                      pd.Series(line_no).astype(str)).to_numpy(dtype=object),
            "line_no": line_no,
            "timestamp": timestamps.to_numpy(),
            "component": pd.Series(column("component", "-")).fillna("-").astype(str).to_numpy(dtype=object),
            "content": pd.Series(column("content", "")).fillna("").astype(str).to_numpy(dtype=object),
            # What the template was mined from: a multi-line event's text, else the line's message.
            "said": pd.Series(column("event", None)).fillna(pd.Series(column("content", ""))).fillna("").astype(str)
            .to_numpy(dtype=object),
            "template_id": part["template_id"].to_numpy(dtype=np.int64),
            "template": part["template"].astype(str).to_numpy(dtype=object),
            "score": score,
            "flagged": np.asarray(labels)[rows].astype(bool),
            "cluster": (np.asarray(clusters)[rows] if clusters is not None
                        else part["template_id"].to_numpy()).astype(str).astype(object),
        })

    def _point_table(self, texts: np.ndarray, counts: np.ndarray, xy: np.ndarray) -> pd.DataFrame:
        """One row per unique masked message: position, size, and what colours it."""
        lines = self.lines
        ranked = lines.assign(_s=lines["score"].fillna(-np.inf)).sort_values(["point", "_s"], ascending=[True, False],
                                                                               kind="stable")
        top = ranked.drop_duplicates("point")  # the highest-scored line of each message
        # each message's most frequent component (ties: the first in name order)
        component = (lines.groupby(["point", "component"], sort=True)["lines"].sum().rename("n").reset_index()
                     .sort_values(["point", "n"], ascending=[True, False], kind="stable")
                     .drop_duplicates("point")["component"])
        flagged = lines["lines"].where(lines["flagged"], 0).groupby(lines["point"], sort=True).sum().to_numpy()
        return pd.DataFrame({
            "x": xy[:, 0], "y": xy[:, 1],
            "message": [str(t)[:MESSAGE_CHARS] for t in texts],
            "count": counts,
            "size": np.log1p(counts),
            "score": top["score"].to_numpy(),
            "flagged_lines": flagged,
            "verdict": pd.Categorical(np.where(flagged > 0, "flagged", "normal"), categories=["normal", "flagged"]),
            "cluster": pd.Categorical(top["cluster"].to_numpy()),
            "component": pd.Categorical(component.to_numpy()),
            "template_id": top["template_id"].to_numpy(),
        })

    # ------------------------------------------------------------------ filters
    def set_filters(self, **changes) -> "ExploreModel":
        """Change some filters (fields of :class:`Filters`); raises ValueError for a bad regex, verdict or time.

        ``components`` may name one component as a string. A ``start`` or ``end`` with a zone is compared in UTC
        (the lines' times); an ``end`` written as a date (or to the minute, ...) covers all of it, as pandas'
        partial-string indexing reads it.
        """
        if isinstance(changes.get("components"), str):
            changes["components"] = (changes["components"],)
        filters = replace(self.filters, **changes)
        if filters.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {', '.join(VERDICTS)}, got {filters.verdict!r}")
        try:
            pattern = re.compile(filters.template) if filters.template else None
        except REGEX_ERRORS as exc:
            raise ValueError(f"template filter {filters.template!r} is not a valid regex: {exc}") from None
        lines = self.lines
        keep = np.ones(len(lines), dtype=bool)
        if filters.components:
            keep &= lines["component"].isin(list(filters.components)).to_numpy()
        start, end = _time_bound(filters.start, end=False), _time_bound(filters.end, end=True)
        if (start is not None or end is not None) and lines["timestamp"].isna().all():
            raise ValueError("these lines have no times: a time filter would hide every line")
        if start is not None and end is not None and start > end:  # swapped bounds hid every line, unsaid
            raise ValueError(f"start {filters.start!r} is after end {filters.end!r}: no line could pass")
        if start is not None:
            keep &= (lines["timestamp"] >= start).to_numpy()
        if end is not None:
            keep &= (lines["timestamp"] <= end).to_numpy()
        if pattern is not None:
            templates = pd.Series(lines["template"].unique())
            matching = templates[templates.map(lambda t: bool(pattern.search(t)))]
            keep &= lines["template"].isin(matching).to_numpy()
        if filters.verdict != "all":
            keep &= lines["flagged"].to_numpy() == (filters.verdict == "flagged")
        self.filters, self._visible = filters, keep
        return self

    def visible_points(self) -> np.ndarray:
        """Sorted ids of the messages with at least one line passing the filters."""
        return np.unique(self.lines["point"].to_numpy()[self._visible])

    # ------------------------------------------------------------------ selection
    def select_points(self, ids, label: str = "") -> "ExploreModel":
        """Select messages by point id (map rows), e.g. from a lasso."""
        ids = np.unique(np.asarray(ids, dtype=np.int64))
        if len(ids) and (ids[0] < 0 or ids[-1] >= len(self.points)):
            raise ValueError(f"point ids must lie in 0..{len(self.points) - 1}")
        self.selection, self._cluster_rows = ids, None
        self.selection_label = label or f"{len(ids):,} selected messages"
        return self

    def select_templates(self, template_ids) -> "ExploreModel":
        """Select every message of these templates (pattern-table rows): ids, or one id."""
        numbers = np.isscalar(template_ids) or isinstance(template_ids, np.ndarray)
        template_ids = np.asarray(template_ids).ravel().tolist() if numbers else list(template_ids)
        unknown = sorted(set(template_ids) - set(self.points["template_id"].tolist()), key=str)
        if unknown:  # as an unknown point id is: an empty selection would look like templates without lines
            raise ValueError(f"no template {', '.join(map(str, unknown))} among the messages")
        ids = np.flatnonzero(self.points["template_id"].isin(template_ids).to_numpy())
        return self.select_points(ids, f"template{'s' if len(template_ids) != 1 else ''} "
                                       f"{', '.join(map(str, template_ids))}")

    def select_cluster(self, cluster) -> "ExploreModel":
        """Select the lines of one cluster (and the messages they hold): a message's lines may lie in several."""
        in_cluster = self.lines["cluster"].astype(str).to_numpy() == str(cluster)
        self.select_points(np.unique(self.lines["point"].to_numpy()[in_cluster]), f"cluster {cluster}")
        self._cluster_rows = in_cluster  # kept: every filter change reads the selection again
        return self

    def top_cluster(self) -> str:
        """The cluster holding the highest-scored line (ties: the one with more lines)."""
        stats = self.lines.groupby("cluster", sort=True).agg(top=("score", "max"), lines=("lines", "sum"))
        stats["top"] = stats["top"].fillna(-np.inf)
        return str(stats.sort_values(["top", "lines"], ascending=False, kind="stable").index[0])

    def _selected_mask(self) -> np.ndarray:
        mask = self._visible & np.isin(self.lines["point"].to_numpy(), self.selection)
        return mask if self._cluster_rows is None else mask & self._cluster_rows

    def selected_lines(self, limit: int | None = None) -> pd.DataFrame:
        """The lines behind the selection that pass the filters, in file order: where, time, component, text."""
        part = self.lines.loc[self._selected_mask(), ["where", "timestamp", "component", "content", "score",
                                                      "flagged", "template_id"]]
        return part.head(limit) if limit is not None else part

    def pattern_table(self, limit: int | None = None, selected_only: bool = False) -> pd.DataFrame:
        """Templates of the filtered lines ranked by top score: lines, flagged share, first/last seen, example."""
        mask = self._selected_mask() if selected_only else self._visible
        lines = self.lines.loc[mask]
        columns = ["template_id", "template", "lines", "flagged_share", "top_score", "first_seen", "last_seen",
                   "example"]
        if lines.empty:
            return pd.DataFrame(columns=columns)
        # Each row stands for its "lines" (weights): counts and shares are of lines, not rows.
        ranked = lines.assign(_s=lines["score"].fillna(-np.inf), _f=lines["lines"] * lines["flagged"]).sort_values(
            "_s", ascending=False, kind="stable")
        table = ranked.groupby("template_id", sort=False).agg(
            template=("template", "first"), lines=("lines", "sum"), flagged=("_f", "sum"),
            top_score=("score", "max"), first_seen=("timestamp", "min"), last_seen=("timestamp", "max"),
            example=("content", "first"))
        table["flagged"] = table["flagged"] / table["lines"]
        table = table.rename(columns={"flagged": "flagged_share"}).reset_index()
        table["example"] = table["example"].str.slice(0, MESSAGE_CHARS)
        table = table.sort_values(["top_score", "flagged_share", "lines"], ascending=False, kind="stable")
        table = table[columns].reset_index(drop=True)
        return table.head(limit) if limit is not None else table

    # ------------------------------------------------------------------ summary
    def summary(self, bins: int = 30, top_values: int = 5, max_templates: int = 5) -> SelectionSummary:
        """Counts, time histogram, components and ``<*>`` value distributions of the selected, filtered lines."""
        lines = self.lines.loc[self._selected_mask()]
        lines = lines.assign(_f=lines["lines"] * lines["flagged"])  # each row stands for its "lines"
        return SelectionSummary(
            n_lines=int(lines["lines"].sum()), n_flagged=int(lines["_f"].sum()),
            n_messages=int(lines["point"].nunique()), times=_time_histogram(lines, bins),
            components=(lines.groupby("component").agg(lines=("lines", "sum"), flagged=("_f", "sum"))
                        .sort_values("lines", ascending=False, kind="stable").reset_index()),
            parameters=_parameter_values(lines, top_values, max_templates))


def _time_histogram(lines: pd.DataFrame, bins: int) -> pd.DataFrame:
    """Lines and flagged lines per time bin (each row counted its ``lines`` times): start, end, lines, flagged
    (empty without timestamps)."""
    times = lines["timestamp"].dropna()
    if times.empty:
        return pd.DataFrame(columns=["start", "end", "lines", "flagged"])
    origin = times.min()
    # seconds from the first line: floats keep numpy's binning exact, and one instant still gets a bin
    values = (times - origin).dt.total_seconds().to_numpy()
    edges = np.histogram_bin_edges(values, bins=bins)
    weights = lines.loc[times.index, "lines"].to_numpy()
    flagged = lines.loc[times.index, "flagged"].to_numpy(dtype=bool)
    counts = np.histogram(values, bins=edges, weights=weights)[0].astype(np.int64)
    flagged = np.histogram(values[flagged], bins=edges, weights=weights[flagged])[0].astype(np.int64)
    as_time = origin + pd.to_timedelta(edges, unit="s")
    return pd.DataFrame({"start": as_time[:-1], "end": as_time[1:], "lines": counts, "flagged": flagged})


def _template_regex(template: str) -> re.Pattern | None:
    """A regex with one group per placeholder of the template, whitespace-tolerant; None without placeholders."""
    parts = _PLACEHOLDER.split(template)
    if len(parts) < 2:
        return None
    literal = [r"\s+".join(re.escape(word) for word in re.split(r"\s+", part)) for part in parts]
    return re.compile("(.*?)".join(literal), re.DOTALL)  # a value may be empty: "()" for "(<*>)"


def _parameter_values(lines: pd.DataFrame, top_values: int, max_templates: int) -> pd.DataFrame:
    """Most frequent values behind each placeholder of the largest selected templates (Pattern Inspector style)."""
    rows = []
    # Largest by the lines the rows stand for, not by rows.
    largest = lines.groupby("template_id", sort=False)["lines"].sum().sort_values(
        ascending=False, kind="stable").index[:max_templates]
    for template_id in largest:
        group = lines.loc[lines["template_id"] == template_id]
        template = group["template"].iloc[0]
        pattern = _template_regex(template)
        if pattern is None:
            continue
        # Lines per distinct text (a row may stand for several lines), the most frequent first.
        contents = group.groupby("said", sort=False)["lines"].sum().sort_values(ascending=False, kind="stable")
        slots: dict[int, dict[str, int]] = {}
        read = 0
        for text, count in contents.head(PARAMETER_SAMPLE).items():
            match = pattern.fullmatch(text.strip())
            if match is None:
                continue
            read += int(count)
            for slot, value in enumerate(match.groups()):
                values = slots.setdefault(slot, {})
                values[value] = values.get(value, 0) + int(count)
        total = int(group["lines"].sum())  # shares of all the template's lines, read or not
        complete = read == total  # every line read: its values are all counted
        placeholders = _PLACEHOLDER.findall(template)
        for slot, values in slots.items():
            if set(values) == {placeholders[slot]}:  # the lines write "<ERROR>" themselves: log text, no value
                continue
            for value, count in sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))[:top_values]:
                rows.append({"template_id": template_id, "template": template, "slot": slot,
                             "placeholder": placeholders[slot], "value": value, "lines": count,
                             "share": count / total if total else float("nan"), "distinct": len(values),
                             "complete": complete})
    return pd.DataFrame(rows, columns=["template_id", "template", "slot", "placeholder", "value", "lines", "share",
                                       "distinct", "complete"])


def map_payload(model: ExploreModel, max_points: int = 4000, max_lines: int = MAP_LINES, seed: int = 0) -> dict:
    """Plain-JSON data for the HTML report's map: points (x, y in 0..1, count, flagged, message) and flagged lines.

    Every message with a flagged line is drawn (up to ``max_points``, top-scored first), then normal
    ones spread over clusters; ``lines`` are the first ``max_lines`` flagged lines in file order,
    each with its point (-1 when not drawn) and cluster (the incident when clusters are incidents).
    """
    points = model.points
    drawn, _, _ = _choose_points(points["flagged_lines"].to_numpy() > 0, points["score"].fillna(-np.inf).to_numpy(),
                                 points["cluster"].astype(str).to_numpy(dtype=object), max_points, seed)
    xy = points[["x", "y"]].to_numpy()[drawn]
    span = np.where(np.ptp(xy, axis=0) > 0, np.ptp(xy, axis=0), 1.0)
    xy = (xy - xy.min(axis=0)) / span
    position = np.full(len(points), -1)
    position[drawn] = np.arange(len(drawn))
    flagged = model.lines.loc[model.lines["flagged"]]
    shown = flagged.head(max_lines)
    # To the millisecond where a time has a fraction, as the CSVs and the report's tables write it.
    stamps = shown["timestamp"]
    times = stamps.dt.strftime("%Y-%m-%d %H:%M:%S").where(stamps.dt.microsecond.eq(0),
                                                         stamps.dt.strftime("%Y-%m-%d %H:%M:%S.%f").str[:-3]).fillna("")
    return {
        "x": np.round(xy[:, 0], 4).tolist(), "y": np.round(xy[:, 1], 4).tolist(),
        "count": points["count"].to_numpy()[drawn].tolist(),
        "flagged": (points["flagged_lines"].to_numpy()[drawn] > 0).astype(int).tolist(),
        "message": points["message"].to_numpy()[drawn].tolist(),
        "lines": {"point": position[shown["point"].to_numpy()].tolist(), "cluster": shown["cluster"].tolist(),
                  "where": shown["where"].tolist(), "time": times.tolist(), "component": shown["component"].tolist(),
                  "text": shown["content"].str.slice(0, MESSAGE_CHARS).tolist()},
        "n_points": len(points), "n_flagged_lines": int(flagged["lines"].sum()),
    }


# ---------------------------------------------------------------------- showing it

def explore(frame: pd.DataFrame, vectors, scores, labels, clusters=None, *, layout: str = "pca", seed: int = 0,
            color: str = "cluster", top: int = 12) -> ExploreModel:
    """Build an :class:`ExploreModel` and show it: linked widgets, or a static map and tables under ``LOGAD_STATIC``.

    Returns the model; the widgets change it in place, so later cells read what was selected.
    """
    if color not in COLOR_BY:
        raise ValueError(f"color must be one of {', '.join(COLOR_BY)}, got {color!r}")
    model = ExploreModel(frame, vectors, scores, labels, clusters, layout=layout, seed=seed)
    from IPython.display import display

    if is_static():
        show_static(model, color, top)
    else:
        display(ExploreView(model, color, top).widget)
    return model


def show_static(model: ExploreModel, color: str = "cluster", top: int = 12) -> None:
    """The headless view: the map with the selection ringed, its lines over time, and the tables."""
    import matplotlib.pyplot as plt
    from IPython.display import display

    from . import viz

    fig, axes = plt.subplots(1, 2, figsize=(14, 4.8), gridspec_kw={"width_ratios": [3, 2]})
    viz.plot_message_map(_map_data(model.points), color, model.selection, ax=axes[0], palette=VERDICT_COLORS,
                         title=f"{len(model.points):,} unique messages, coloured by {color}"
                         + ("" if model.lines["flagged"].any() else f"\n{NOTHING_FLAGGED}"))
    selected = model.lines.loc[model._selected_mask()]
    if len(selected):
        viz.plot_timeline(selected, selected["flagged"].to_numpy(), bins=30, ax=axes[1],
                          title=f"{model.selection_label}: {len(selected):,} line{'s' if len(selected) != 1 else ''}")
        axes[1].tick_params(axis="x", labelrotation=30)
    else:  # a bare 0..1 frame said nothing: say why there is no line to draw
        viz._said(axes[1], "the filters hide every selected line" if len(model.selection) else "nothing is selected",
                  model.selection_label or "selection")
    fig.tight_layout()
    display(fig)
    plt.close(fig)
    summary = model.summary()
    display(model.pattern_table(top))
    display(model.selected_lines(top))
    display(summary.components.head(top))
    display(summary.parameters.head(top))


def _time_bound(value, end: bool) -> pd.Timestamp | None:
    """A time filter's bound as the lines' times read it (naive UTC), None for no bound (None, NaT or a blank
    string: an emptied time box); an end written as a string covers its whole last unit (a date: the day), in
    its own zone when it names one."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    name = "end" if end else "start"
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} {value!r} is no time: {exc}") from None
    if ts is pd.NaT:
        return None
    if end and isinstance(value, str):
        try:  # Period reads the wall clock the string writes, without its zone
            ts = pd.Period(value).end_time.tz_localize(ts.tz)
        except ValueError:  # a form Period does not read: the instant itself
            pass
    return ts.tz_convert("UTC").tz_localize(None) if ts.tz is not None else ts


def _html_table(frame: pd.DataFrame, caption: str) -> str:
    """An escaped HTML table with a caption (pandas escapes cells by default), log text cut as the map cuts it."""
    shown = frame.map(lambda v: _clip(v, MESSAGE_CHARS) if isinstance(v, str) else v)
    return f"<b>{html.escape(caption)}</b>" + shown.to_html(index=False, escape=True, float_format="{:.3g}".format)


def _map_data(points: pd.DataFrame) -> pd.DataFrame:
    """The columns the map needs; categories beyond the palette become "other" (the 19 with most lines kept)."""
    data = points.drop(columns=["template_id", "flagged_lines"])
    for column in ("cluster", "component"):
        values = data[column].astype(str).tolist()
        if len(set(values)) > MAP_COLORS:
            data[column] = pd.Categorical(_bucket_top(values, keep=MAP_COLORS - 1, weights=data["count"]))
    return data


def _score_colors(scores: pd.Series) -> dict:
    """jscatter colour settings for scores: viridis, and a message without a score grey, as the legend's first stop.

    jscatter draws a missing value as 0 (a normal-looking score): it gets a value below the lowest score instead,
    which the norm puts on the first colour alone (the lowest score two colours up, past any rounding).
    """
    import matplotlib.pyplot as plt

    from .viz import NO_VALUE

    if scores.notna().all():
        return {"by": "score", "map": "viridis", "norm": None}
    colors = [NO_VALUE] + plt.get_cmap("viridis")(np.linspace(0, 1, 255)).tolist()
    known = scores.dropna()
    low, high = (float(known.min()), float(known.max())) if len(known) else (0.0, 1.0)
    gap = (high - low or 1.0) * 2 / (len(colors) - 2)
    return {"by": scores.fillna(low - gap).to_numpy(dtype=float), "map": colors, "norm": (low - gap, high),
            "labeling": {"variable": "score", "minValue": "no score", "maxValue": f"{high:.3g}"}}


class ExploreView:
    """jupyter-scatter map + ipywidgets filters, pattern list and details, all reading and writing one model."""

    def __init__(self, model: ExploreModel, color: str = "cluster", top: int = 12, rows: int = 200) -> None:
        import ipywidgets as w
        import jscatter

        self.model, self.top, self.rows = model, top, rows
        self._syncing = False
        self._picked: tuple[int, ...] = ()  # templates picked in the pattern list: the selection's source
        # Only arrays and short strings go to the browser; tooltips are fetched per hovered point.
        self.scatter = jscatter.Scatter(x="x", y="y", data=_map_data(model.points))
        self.scatter.size(by="size", map=(3, 14, 10))
        self.scatter.tooltip(True, properties=["color", "count", "score", "component"], preview="message")
        self.scatter.height(420)
        self.scatter.legend(True)  # what the colours mean: without it a cluster's colour said nothing
        self.color = w.Dropdown(options=list(COLOR_BY), value=color, description="colour")
        self.verdict = w.ToggleButtons(options=list(VERDICTS), value="all", description="verdict")
        self.components = w.SelectMultiple(options=sorted(model.lines["component"].unique()),
                                           description="component", rows=4)
        self.template = w.Text(placeholder="regex on the template", description="template")
        times = model.lines["timestamp"].dropna()
        self.time = None
        if len(times):
            stops = pd.unique(times.quantile(np.linspace(0, 1, 41)).dt.floor("s"))
            stops = [pd.Timestamp(t) for t in stops]
            self.time = w.SelectionRangeSlider(options=[(str(t), t) for t in stops], index=(0, len(stops) - 1),
                                               description="time", layout=w.Layout(width="95%"))
        self.patterns = w.SelectMultiple(description="patterns", rows=14, layout=w.Layout(width="100%"))
        self.details = w.HTML()
        self.message = w.HTML()
        self._color_by(color)
        self._fill_patterns()
        self._sync_scatter()
        self._show_details()
        self.scatter.widget.observe(self._on_map_selection, names="selection")
        self.patterns.observe(self._on_patterns, names="value")
        self.color.observe(lambda change: self._color_by(change["new"]), names="value")
        for control in (self.verdict, self.components, self.template) + ((self.time,) if self.time else ()):
            control.observe(self._on_filter, names="value")
        filters = w.HBox([w.VBox([self.color, self.verdict, self.template, self.message]), self.components])
        body = w.HBox([w.Box([self.scatter.show()], layout=w.Layout(width="60%")),
                       w.Box([self.patterns], layout=w.Layout(width="40%"))])
        self.widget = w.VBox([filters] + ([self.time] if self.time else []) + [body, self.details])

    def _color_by(self, name: str) -> None:
        if name == "score":
            self.scatter.color(**_score_colors(self.model.points["score"]))
        else:
            self.scatter.color(by=name, map=VERDICT_COLORS if name == "verdict" else "auto")

    def _fill_patterns(self) -> None:
        """List the filtered lines' templates, the ones picked before still highlighted while they are listed."""
        table = self.model.pattern_table(200)
        picked = self._picked
        self._syncing = True  # new options empty the list's value: no selection change of the user's
        try:
            self.patterns.options = [(f"{row.top_score:8.3g} · {row.lines:>6,} lines · {row.flagged_share:4.0%} "
                                      f"flagged · {row.template[:120]}", int(row.template_id))
                                     for row in table.itertuples()]
            self.patterns.value = tuple(t for t in picked if t in set(table["template_id"].astype(int)))
        finally:
            self._syncing = False

    def _sync_scatter(self) -> None:
        """Push the model's selection and filter to the map without echoing back."""
        self._syncing = True
        try:
            self.scatter.selection(self.model.selection)
            visible = self.model.visible_points()
            self.scatter.filter(None if len(visible) == len(self.model.points) else visible)
        finally:
            self._syncing = False

    def _show_details(self) -> None:
        model = self.model
        summary = model.summary()
        head = (f"{model.selection_label}: {summary.n_lines:,} lines ({summary.n_flagged:,} flagged) "
                f"from {summary.n_messages:,} messages")
        note = "" if model.lines["flagged"].any() else f"<p><b>{NOTHING_FLAGGED}</b></p>"
        parts = [note, f"<h4>{html.escape(head)}</h4>",
                 _html_table(summary.components.head(self.top), "components"),
                 _html_table(summary.parameters.head(3 * self.top), "values behind each placeholder"),
                 _html_table(summary.times[summary.times["lines"] > 0], "lines over time"),
                 _html_table(model.selected_lines(self.rows), f"lines (first {self.rows})")]
        self.details.value = "".join(parts)

    def _on_map_selection(self, change) -> None:
        if self._syncing:
            return
        ids = np.asarray(change["new"] if change["new"] is not None else [], dtype=np.int64)
        self.model.select_points(ids, f"{len(ids):,} messages picked on the map")
        self._picked = ()
        self._fill_patterns()
        self._show_details()

    def _on_patterns(self, change) -> None:
        if self._syncing:
            return
        self._picked = tuple(change["new"])
        if self._picked:
            self.model.select_templates(self._picked)
        else:  # every row unpicked: nothing selected
            self.model.select_points([], "nothing selected")
        self._sync_scatter()
        self._show_details()

    def _time_range(self) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
        """The time filter the slider asks for: none at an end left where it starts (lines without a time and
        the last line's fraction of a second stay), and an end stop's whole second."""
        if self.time is None:
            return None, None
        first, last = self.time.index
        start, end = self.time.value
        return (None if first == 0 else start,
                None if last == len(self.time.options) - 1 else end + pd.Timedelta(seconds=1) - pd.Timedelta(1, "ns"))

    def _on_filter(self, change) -> None:
        start, end = self._time_range()
        try:
            self.model.set_filters(components=tuple(self.components.value), verdict=self.verdict.value,
                                   template=self.template.value, start=start, end=end)
        except ValueError as exc:
            self.message.value = f"<span style='color:#c44e52'>{html.escape(str(exc))}</span>"
            return
        self.message.value = ""
        self._fill_patterns()
        self._sync_scatter()
        self._show_details()
