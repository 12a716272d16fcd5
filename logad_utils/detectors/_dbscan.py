"""BERT + DBSCAN detector: sentence vectors of the unique messages, clustered with line counts as weights."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.cluster import DBSCAN

from .._validation import HasMethods, Integral, Interval, Real, RealNotInt, check_fitted
from ..embeddings import BertEmbedder, check_same_model, model_digest, resolve_model_path
from ..features import Unique, unique_documents
from ..streaming import Stamps
from ._base import BaseLogDetector

__all__ = ["DbscanDetector", "knee_value"]

_DISTANCE_BLOCK = 1 << 24  # distances (float32) computed at a time: 64 MB
_SAME_VECTOR = 1e-6  # cosine distances below this are float rounding of identical vectors


def _knee_index(x: np.ndarray, y: np.ndarray) -> int:
    """Index of the knee of an increasing curve (x (m,), y (m,), both ascending): the point farthest below its chord.

    Both axes are scaled to [0, 1], so the chord runs from (0, 0) to (1, 1) and a
    point's distance below it is proportional to ``x - y``. A flat or straight
    curve has no knee; its first point is returned then.
    """
    if len(y) < 3 or x[-1] <= x[0] or y[-1] <= y[0]:
        return 0
    gap = (x - x[0]) / (x[-1] - x[0]) - (y - y[0]) / (y[-1] - y[0])
    i = int(np.argmax(gap))
    return i if gap[i] > 0 else 0


def knee_value(values: np.ndarray, weights: np.ndarray | None = None) -> float:
    """The value (float) at the knee of the sorted curve of ``values`` (m,), each counted ``weights`` (m,) times.

    Equals the knee of the expanded curve (every value repeated by its weight,
    plotted against its rank): along a run of equal values the chord keeps rising
    while the curve stays flat, so the gap is largest at the run's last copy,
    whose rank is the cumulative weight minus one.
    """
    values = np.asarray(values, dtype=float)
    if values.size == 0:
        raise ValueError("no values")
    order = np.argsort(values, kind="stable")
    w = np.ones(len(values)) if weights is None else np.asarray(weights, dtype=float)[order]
    values = values[order]
    # The expanded curve starts at rank 0 with its first copy: so does the chord.
    x, y = np.r_[0.0, np.cumsum(w) - 1.0], np.r_[values[:1], values]
    return float(y[_knee_index(x, y)])


def _cosine_blocks(queries: np.ndarray, vectors: np.ndarray):
    """Yield (start, distances (b, u) float32) over row blocks of queries (q, dim) × vectors (u, dim), unit rows."""
    rows = max(1, _DISTANCE_BLOCK // max(len(vectors), 1))
    for start in range(0, len(queries), rows):
        dist = 1.0 - queries[start:start + rows] @ vectors.T
        np.maximum(dist, 0.0, out=dist)
        dist[dist < _SAME_VECTOR] = 0.0
        yield start, dist


def _weighted_core_distances(vectors: np.ndarray, counts: np.ndarray, queries: np.ndarray,
                             min_samples: int) -> np.ndarray:
    """Smallest cosine radius (q,) around each query (q, dim) whose ball holds ``min_samples`` lines.

    ``vectors`` (u, dim) are unit rows standing for ``counts`` (u,) lines each.
    Queried with ``vectors`` themselves, a row counts its own lines, so it is a
    DBSCAN core sample exactly when its value is <= eps. Where all lines weigh
    less than ``min_samples`` the farthest distance stands in.
    """
    counts = np.asarray(counts, dtype=np.int64)
    out = np.empty(len(queries))
    for start, dist in _cosine_blocks(queries, vectors):
        out[start:start + len(dist)] = _kth_weighted(dist, counts, min_samples)
    return out


def _kth_weighted(dist: np.ndarray, counts: np.ndarray, need: int) -> np.ndarray:
    """Per row of dist (b, u): the distance at which the nearest columns' counts (u,) first sum to ``need``."""
    u = dist.shape[1]
    result = np.empty(len(dist))
    todo = np.arange(len(dist))
    k = min(u, 32)
    while len(todo):
        sub = dist[todo]
        near = np.argpartition(sub, k - 1, axis=1)[:, :k] if k < u else np.tile(np.arange(u), (len(todo), 1))
        d = np.take_along_axis(sub, near, axis=1)
        order = np.argsort(d, axis=1, kind="stable")
        d = np.take_along_axis(d, order, axis=1)
        reached = np.cumsum(counts[np.take_along_axis(near, order, axis=1)], axis=1) >= need
        hit = reached.any(axis=1) if k < u else np.ones(len(todo), dtype=bool)
        first = np.where(reached.any(axis=1), reached.argmax(axis=1), k - 1)
        result[todo[hit]] = d[hit, first[hit]]
        todo = todo[~hit]
        k = min(u, 4 * k)  # ties or light neighbours: look further
    return result


def _nearest(queries: np.ndarray, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cosine distance (q,) to, and index (q,) of, the nearest of ``vectors`` (u, dim) for each query (q, dim)."""
    dist_out = np.empty(len(queries))
    idx_out = np.empty(len(queries), dtype=np.int64)
    for start, dist in _cosine_blocks(queries, vectors):
        idx = dist.argmin(axis=1)
        idx_out[start:start + len(dist)] = idx
        dist_out[start:start + len(dist)] = dist[np.arange(len(dist)), idx]
    return dist_out, idx_out


class DbscanDetector(BaseLogDetector):
    """Anomaly detection with BERT sentence vectors and DBSCAN on cosine distance.

    Each unique message is embedded once (:class:`~logad_utils.embeddings.BertEmbedder`,
    unit vectors) and DBSCAN runs on the unique vectors with their line counts as
    ``sample_weight``: the same clustering as DBSCAN on every line, at the cost
    of the unique messages. Noise lines are DBSCAN's anomalies. The score that
    ranks lines is the cosine distance to the nearest core sample: 0 for core
    lines, at most ``eps_`` for border lines, more for noise; new data are scored
    against the fitted core samples. Scaling, the severity term and the threshold
    (``contamination``/``percentile``) are those of :class:`BaseLogDetector`.

    Parameters
    ----------
    embedder : BertEmbedder or None, default None
        The sentence encoder (model, pooling, max_length, batch size, device,
        vector cache); None means ``BertEmbedder(progress=False)`` with the
        bundled MiniLM. ``fit`` works on a copy (``embedder_``).
    eps : float or None, default None
        DBSCAN radius in cosine distance, in (0, 2]. None: the knee of the
        line-weighted k-distance curve (``k_distances_``: each line's core
        distance, sorted), clipped to [``min_eps``, ``max_eps``] = [0.05, 0.5].
        On logs most lines repeat a frequent message and have core distance 0,
        which usually puts the knee at 0; the floor 0.05 then applies, about the
        distance between variants of one message (same template) with MiniLM.
    min_samples : int, float or None, default None
        Lines (weight) a cosine ball of radius eps must hold for a core sample,
        the line itself included. An int is a count; a float in (0, 1) a share
        of the fitted lines (at least 5); None means 0.01 (1 %). Anomalies come
        in bursts of tens of lines, so density is relative to the log's size.
        With a known-good training log use 1: every message in it is normal.
    text : str, default "masked"
        Frame column that is embedded (``masked``, ``template`` or ``content``).
    structure_weight : float, default 3.0
        As in :class:`BaseLogDetector`, but higher: a sentence embedding places
        a foreign message near ordinary ones of similar meaning, so its own
        distance says less than its shape. Chosen by leave-one-system-out
        (``benchmarks/bench_transfer.py``).
    contamination, percentile, severity_weight, novelty_weight, routine : see :class:`BaseLogDetector`.
    random_state : int, default 0
        The fit is deterministic without it (BERT inference, DBSCAN); kept for
        the common API.

    Attributes
    ----------
    eps_, min_samples_ : float, int
        The values used.
    k_distances_ : (n_lines,) sorted core distances of the fitted non-blank lines (for the k-distance plot).
    core_distances_ : (u,) core distance of each unique training message.
    vectors_ : (u, dim) float32 unit vectors of the unique training messages (``unique_.texts``).
    dbscan_ : the :class:`sklearn.cluster.DBSCAN` fitted on ``vectors_``.
    clusters_ : (n,) cluster of each line: -1 noise, -2 blank line.
    noise_ : (n,) bool, DBSCAN noise.
    """

    NOISE = -1
    BLANK = -2
    min_eps = 0.05
    max_eps = 0.5
    default_min_samples = 0.01
    min_min_samples = 5

    _parameter_constraints: dict = {
        **BaseLogDetector._parameter_constraints,
        "embedder": [None, HasMethods(["fit", "embed_unique"])],
        "eps": [None, Interval(Real, 0, 2, closed="right")],
        "min_samples": [None, Interval(Integral, 1, None, closed="left"),
                        Interval(RealNotInt, 0, 1, closed="neither")],
        "text": [str],
        "random_state": [Interval(Integral, 0, None, closed="left")],
    }

    def __init__(self, embedder: BertEmbedder | None = None, eps: float | None = None,
                 min_samples: int | float | None = None, text: str = "masked", contamination: float | str = "auto",
                 percentile: float | None = None, severity_weight: float = 1.0, structure_weight: float = 3.0,
                 novelty_weight: float = 1.0,
                 routine: bool = True, random_state: int = 0) -> None:
        super().__init__(contamination=contamination, percentile=percentile, severity_weight=severity_weight,
                         structure_weight=structure_weight, novelty_weight=novelty_weight,
                         routine=routine)
        self.embedder = embedder
        self.eps = eps
        self.min_samples = min_samples
        self.text = text
        self.random_state = random_state

    # -- fitting -------------------------------------------------------------
    def _resolve_min_samples(self, n_lines: int) -> int:
        """min_samples in lines: a count as given, or a share of ``n_lines`` (at least 5)."""
        value = self.default_min_samples if self.min_samples is None else self.min_samples
        if isinstance(value, float):
            return max(self.min_min_samples, int(np.ceil(value * n_lines)))
        return int(value)

    def _new_embedder(self) -> BertEmbedder:
        """A copy of ``embedder`` (the caller's object is left as it is), or the default one."""
        return BertEmbedder(progress=False) if self.embedder is None else clone(self.embedder, safe=False)

    def _fit_unique(self, texts: np.ndarray, counts: np.ndarray) -> None:
        counts = np.asarray(counts, dtype=np.int64)
        self.min_samples_ = self._resolve_min_samples(int(counts.sum()))
        self.embedder_ = self._new_embedder().fit(list(texts))
        self.train_texts_ = pd.Index(texts, dtype=object)
        self.train_counts_ = counts
        self.vectors_ = self.embedder_.embed_unique(list(texts))
        self.core_distances_ = _weighted_core_distances(self.vectors_, counts, self.vectors_, self.min_samples_)
        self._set_k_distances(counts)
        if self.eps is None:
            knee = knee_value(self.core_distances_, counts)
            self.eps_ = float(min(max(knee, self.min_eps), self.max_eps))
        else:
            self.eps_ = float(self.eps)
        self.dbscan_ = self._dbscan().fit(self.vectors_, sample_weight=counts)
        self._set_cores()

    def _set_k_distances(self, counts: np.ndarray) -> None:
        order = np.argsort(self.core_distances_, kind="stable")
        self.k_distances_ = np.repeat(self.core_distances_[order], counts[order])

    def _dbscan(self) -> DBSCAN:
        return DBSCAN(eps=self.eps_, min_samples=self.min_samples_, metric="cosine", algorithm="brute")

    def _set_cores(self) -> None:
        core = self.dbscan_.core_sample_indices_
        self.core_vectors_ = self.vectors_[core]
        self.core_clusters_ = self.dbscan_.labels_[core].astype(np.int64)

    def _set_clusters(self) -> None:
        self.clusters_ = self.unique_.broadcast(self.dbscan_.labels_, fill=self.BLANK).astype(np.int64)
        self.noise_ = self.clusters_ == self.NOISE

    def fit(self, X, y=None, unique: Unique | None = None, sample_weight: np.ndarray | None = None,
            times: Stamps | None = None) -> "DbscanDetector":
        """Fit on X (frame or n strings): the base attributes plus ``clusters_`` and ``noise_`` (n,)."""
        super().fit(X, y, unique, sample_weight, times)
        self._set_clusters()
        return self

    def _fitted_state(self) -> tuple[dict, dict[str, np.ndarray]]:
        values, arrays = super()._fitted_state()
        values.update(eps_=self.eps_, min_samples_=self.min_samples_, embedder_max_length_=self.embedder_.max_length_)
        if isinstance(self.embedder_, BertEmbedder):  # the model its vectors came from, checked on load
            values["bert_digest"] = model_digest(resolve_model_path(self.embedder_.model))
        arrays.update(vectors_=self.vectors_, core_distances_=self.core_distances_,
                      cluster_labels=self.dbscan_.labels_, core_sample_indices=self.dbscan_.core_sample_indices_)
        return values, arrays

    def _restore_state(self, values: dict, arrays: dict[str, np.ndarray]) -> None:
        super()._restore_state(values, arrays)
        self.eps_, self.min_samples_ = float(values["eps_"]), int(values["min_samples_"])
        self.embedder_ = self._new_embedder()
        # The model loads on first use; the token limit is the fitted one, not re-chosen.
        self.embedder_.max_length_ = int(values["embedder_max_length_"])
        check_same_model(self.embedder_, values.get("bert_digest"))
        self.train_texts_ = pd.Index(self.unique_.texts, dtype=object)
        self.train_counts_ = self.unique_.counts
        self.vectors_ = arrays["vectors_"]
        self.core_distances_ = arrays["core_distances_"]
        self._set_k_distances(self.train_counts_)
        # DBSCAN has no predict: its fitted attributes are the whole model.
        self.dbscan_ = self._dbscan()
        self.dbscan_.labels_ = arrays["cluster_labels"]
        self.dbscan_.core_sample_indices_ = arrays["core_sample_indices"]
        self.dbscan_.components_ = self.vectors_[self.dbscan_.core_sample_indices_]
        self._set_cores()
        self._set_clusters()

    # -- scoring -------------------------------------------------------------
    def _unique_vectors(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors (u, dim) of unique texts: training vectors where known, the rest embedded now."""
        texts = list(texts)
        where = self.train_texts_.get_indexer(pd.Index(texts, dtype=object)) if texts else np.zeros(0, dtype=np.intp)
        out = np.empty((len(texts), self.vectors_.shape[1]), dtype=np.float32)
        seen = where >= 0
        out[seen] = self.vectors_[where[seen]]
        if not seen.all():
            out[~seen] = self.embedder_.embed_unique([t for t, s in zip(texts, seen) if not s])
        return out

    def _nearest_core(self, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Cosine distance (u,) to, and cluster (u,) of, the nearest core sample (inf, -1 without any)."""
        if len(self.core_vectors_) == 0:
            return np.full(len(vectors), np.inf), np.full(len(vectors), self.NOISE, dtype=np.int64)
        dist, idx = _nearest(vectors, self.core_vectors_)
        return dist, self.core_clusters_[idx]

    def _score_unique(self, texts: np.ndarray, training: bool) -> np.ndarray:
        vectors = self.vectors_ if training else self._unique_vectors(texts)
        if len(self.core_vectors_) == 0:
            # no dense region at all (eps or min_samples too strict): rank by core distance instead
            if training:
                return self.core_distances_.copy()
            return _weighted_core_distances(self.vectors_, self.train_counts_, vectors, self.min_samples_)
        dist, _ = self._nearest_core(vectors)
        if training:
            dist[self.dbscan_.core_sample_indices_] = 0.0
        return dist

    def transform(self, X) -> np.ndarray:
        """Sentence vectors (n, dim) float32 of X, one row per line; blank lines get zero rows."""
        check_fitted(self)
        unique = unique_documents(self._documents(X))
        out = np.zeros((len(unique.inverse), self.vectors_.shape[1]), dtype=np.float32)
        keep = unique.inverse >= 0
        if keep.any():
            out[keep] = self._unique_vectors(unique.texts)[unique.inverse[keep]]
        return out

    def cluster_of(self, X) -> np.ndarray:
        """Cluster (n,) of new lines: the nearest core sample's if within ``eps_``, else -1; blank lines -2."""
        check_fitted(self)
        unique = unique_documents(self._documents(X))
        if len(unique.texts) == 0:
            return np.full(len(unique.inverse), self.BLANK, dtype=np.int64)
        dist, cluster = self._nearest_core(self._unique_vectors(unique.texts))
        cluster = np.where(dist <= self.eps_, cluster, self.NOISE)
        return unique.broadcast(cluster, fill=self.BLANK).astype(np.int64)

    def cluster_summary(self, frame=None) -> pd.DataFrame:
        """One row per cluster of the fitted lines, clusters by id, noise (-1) last.

        Columns: ``cluster``; ``size`` (lines); ``messages`` (unique messages);
        ``representative``, the unique message closest to the line-weighted centroid
        (the most frequent one on ties); ``template``, the representative's, when
        ``frame`` (the frame given to ``fit``) has a ``template`` column;
        ``share_flagged``, the mean of ``labels_`` over the cluster's lines.
        """
        check_fitted(self)
        unique = self.unique_
        if frame is not None and len(frame) != len(unique.inverse):
            raise ValueError(f"frame has {len(frame)} rows but the detector was fitted on {len(unique.inverse)}")
        templates = None
        if isinstance(frame, pd.DataFrame) and "template" in frame:
            rows = np.flatnonzero(unique.inverse >= 0)[::-1]
            first = np.empty(len(unique.texts), dtype=np.int64)
            first[unique.inverse[rows]] = rows  # written last to first: each message's first line wins
            templates = frame["template"].to_numpy(dtype=object)[first]
        keep = unique.inverse >= 0
        flagged = np.bincount(unique.inverse[keep], weights=self.labels_[keep], minlength=len(unique.texts))
        labels = self.dbscan_.labels_
        records = []
        for cluster in sorted(set(labels.tolist()), key=lambda c: (c == self.NOISE, c)):
            members = np.flatnonzero(labels == cluster)
            weight = unique.counts[members].astype(float)
            centroid = weight @ self.vectors_[members]
            centroid /= max(float(np.linalg.norm(centroid)), 1e-12)
            similarity = np.round(self.vectors_[members] @ centroid, 6)  # rounded so that near-ties go to frequency
            best = members[np.lexsort((-weight, -similarity))[0]]
            record = {"cluster": int(cluster), "size": int(weight.sum()), "messages": len(members),
                      "representative": str(unique.texts[best])}
            if templates is not None:
                record["template"] = templates[best]
            record["share_flagged"] = float(flagged[members].sum() / weight.sum())
            records.append(record)
        columns = ["cluster", "size", "messages", "representative"] + (["template"] if templates is not None else [])
        return pd.DataFrame(records, columns=columns + ["share_flagged"])
