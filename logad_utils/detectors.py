"""Anomaly detectors with one API, after PyOD's BaseDetector.

``fit(X)`` sets ``decision_scores_`` (n,), ``threshold_`` and ``labels_`` (n,);
``decision_function(X)`` returns scores (n,) where higher means more anomalous
(the opposite sign of scikit-learn's ``score_samples``); ``predict(X)`` returns
0/1. ``X`` is a parsed line frame (see :func:`logad_utils.templates.mine_templates`)
or a sequence of strings. Work happens once per unique document; blank lines are
excluded and get a NaN score and label 0.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.decomposition import TruncatedSVD
from sklearn.ensemble import IsolationForest
from sklearn.neighbors import NearestNeighbors

from .features import Unique, WeightedTfidf, frame_documents, severity, unique_documents

__all__ = ["BaseLogDetector", "TfidfDetector", "DbscanDetector", "compute_threshold", "auto_threshold"]


def auto_threshold(scores: np.ndarray, k: float = 3.0, max_share: float = 0.1) -> float:
    """Label-free cut on scores (n,): median + k · 1.4826 · MAD, never below the (1 − max_share) quantile.

    Log scores pile up on a few values (most lines are routine), which can make
    the MAD zero (then the standard deviation stands in for it) or tiny, so that
    a routine message a little rarer than the rest would be flagged; anomalies
    are rare by definition, so at most ``max_share`` of the lines are flagged.
    """
    med = float(np.median(scores))
    spread = float(np.median(np.abs(scores - med))) * 1.4826
    if spread <= 0:
        spread = float(np.std(scores))
    return max(med + k * spread, float(np.quantile(scores, 1.0 - max_share)))


def compute_threshold(scores: np.ndarray, contamination: float | str = "auto",
                      percentile: float | None = None) -> float:
    """Threshold on line scores (n,), NaN ignored: percentile, contamination fraction, or ``"auto"``."""
    scores = np.asarray(scores, dtype=float)
    scores = scores[~np.isnan(scores)]
    if percentile is not None:
        return float(np.percentile(scores, percentile))
    if contamination == "auto":
        return auto_threshold(scores)
    return float(np.quantile(scores, 1.0 - float(contamination)))


def _check_threshold_params(contamination: float | str, percentile: float | None) -> None:
    if percentile is not None and not 0 < percentile < 100:
        raise ValueError(f"percentile must be in (0, 100), got {percentile}")
    if contamination != "auto" and not 0 < float(contamination) < 0.5:
        raise ValueError(f"contamination must be 'auto' or in (0, 0.5), got {contamination}")


def _weighted_std(values: np.ndarray, weights: np.ndarray) -> float:
    """Standard deviation of values (u,) counted weights (u,) times; 1 when it is zero."""
    mean = np.average(values, weights=weights)
    std = float(np.sqrt(np.average((values - mean) ** 2, weights=weights)))
    return std if std > 0 else 1.0


class BaseLogDetector(BaseEstimator):
    """Common fit/score/threshold logic; subclasses implement ``_fit_unique`` and ``_score_unique``.

    Parameters
    ----------
    contamination : float or "auto", default "auto"
        Expected fraction of anomalous lines; "auto" uses :func:`auto_threshold`.
    percentile : float or None, default None
        When set, the threshold is this percentile of the training scores
        (the seed used 95) and ``contamination`` is ignored.
    severity_weight : float, default 1.0
        Added to a line's score per step of its level's severity (INFO 0,
        WARN 1, ERROR 2, FATAL 3; see :func:`features.severity`), in units of
        the training scores' standard deviation. 0 ignores levels.
    """

    text: str = "masked"

    def __init__(self, contamination: float | str = "auto", percentile: float | None = None,
                 severity_weight: float = 1.0) -> None:
        self.contamination = contamination
        self.percentile = percentile
        self.severity_weight = severity_weight

    # -- to implement ------------------------------------------------------
    def _fit_unique(self, texts: np.ndarray, counts: np.ndarray) -> None:
        raise NotImplementedError

    def _score_unique(self, texts: np.ndarray, training: bool) -> np.ndarray:
        raise NotImplementedError

    # -- shared ------------------------------------------------------------
    def _documents(self, X) -> np.ndarray:
        """One document per row (None where excluded)."""
        if isinstance(X, pd.DataFrame):
            return frame_documents(X, text=getattr(self, "text", "masked"),
                                   component=getattr(self, "use_component", False),
                                   level=getattr(self, "use_level", False))
        docs = np.asarray(list(X), dtype=object)
        return np.where(pd.isna(docs), None, docs) if len(docs) else docs

    def _line_scores(self, X, unique: Unique, unique_scores: np.ndarray) -> np.ndarray:
        """Scaled per-unique scores broadcast to lines (n,), plus the severity term."""
        scores = unique.broadcast(unique_scores / self.score_scale_)
        if self.severity_weight and isinstance(X, pd.DataFrame) and "level" in X:
            scores = scores + self.severity_weight * severity(X["level"])
        return scores

    def fit(self, X, y=None) -> "BaseLogDetector":
        """Fit on X (frame or n strings); sets decision_scores_ (n,), threshold_, labels_ (n,)."""
        _check_threshold_params(self.contamination, self.percentile)
        unique = unique_documents(self._documents(X))
        if len(unique.texts) == 0:
            raise ValueError("nothing to fit: every line is blank")
        self._fit_unique(unique.texts, unique.counts)
        raw = self._score_unique(unique.texts, training=True)
        self.score_scale_ = _weighted_std(raw, unique.counts)
        self.unique_ = unique
        self.fit_scores_ = dict(zip(unique.texts, raw))
        self.decision_scores_ = self._line_scores(X, unique, raw)
        self.threshold_ = compute_threshold(self.decision_scores_, self.contamination, self.percentile)
        self.labels_ = self.label(self.decision_scores_)
        return self

    def decision_function(self, X) -> np.ndarray:
        """Anomaly scores (n,) of new data, higher = more anomalous; NaN for blank lines."""
        unique = unique_documents(self._documents(X))
        seen = getattr(self, "fit_scores_", {})
        raw = np.array([seen.get(t, np.nan) for t in unique.texts], dtype=float)
        # A message seen in fit keeps its fit score (a nearest-neighbour score excludes the line
        # itself only during fit), so scoring the fitted lines again reproduces decision_scores_.
        new = np.isnan(raw)
        if new.any():
            raw[new] = self._score_unique(unique.texts[new], training=False)
        return self._line_scores(X, unique, raw)

    def predict(self, X) -> np.ndarray:
        """0/1 labels (n,) of new data against the fitted threshold."""
        return self.label(self.decision_function(X))

    def fit_predict(self, X, y=None) -> np.ndarray:
        """Fit on X and return labels_ (n,)."""
        return self.fit(X).labels_

    def label(self, scores: np.ndarray) -> np.ndarray:
        """0/1 labels (n,) of already computed scores (n,) against ``threshold_``; NaN → 0."""
        with np.errstate(invalid="ignore"):
            return (np.nan_to_num(scores, nan=-np.inf) > self.threshold_).astype(np.int64)


class TfidfDetector(BaseLogDetector):
    """Anomaly detection on weighted TF-IDF of masked messages.

    Parameters
    ----------
    scorer : {"rarity", "iforest", "knn", "hybrid"}, default "rarity"
        ``rarity``: average of the message's surprise (−log line frequency)
        and the mean surprise of its terms, unseen ones counting as rarest;
        ``hybrid``: rarity plus ``knn``, each scaled by its std; ``iforest``: IsolationForest on a
        TruncatedSVD of the TF-IDF rows, with line counts as sample weights;
        ``knn``: cosine distance to the k-th nearest training line.
    ngram_range : tuple, default (1, 1)
        Word n-grams of the TF-IDF terms.
    text : str, default "masked"
        Frame column to vectorise (``masked``, ``template`` or ``content``).
    use_component, use_level : bool, default False
        Add ``component_X`` / ``level_Y`` tokens to each document.
    n_components : int, default 50
        SVD size for ``iforest``.
    n_neighbors : int, default 5
        k for ``knn``.
    contamination, percentile, severity_weight : see :class:`BaseLogDetector`.
    random_state : int, default 0
    """

    def __init__(self, scorer: str = "rarity", ngram_range: tuple[int, int] = (1, 1), text: str = "masked",
                 use_component: bool = False, use_level: bool = False, n_components: int = 50,
                 n_neighbors: int = 5, contamination: float | str = "auto", percentile: float | None = None,
                 severity_weight: float = 1.0, random_state: int = 0) -> None:
        super().__init__(contamination=contamination, percentile=percentile, severity_weight=severity_weight)
        self.scorer = scorer
        self.ngram_range = ngram_range
        self.text = text
        self.use_component = use_component
        self.use_level = use_level
        self.n_components = n_components
        self.n_neighbors = n_neighbors
        self.random_state = random_state

    def _fit_unique(self, texts: np.ndarray, counts: np.ndarray) -> None:
        if self.scorer not in ("rarity", "iforest", "knn", "hybrid"):
            raise ValueError(f"unknown scorer {self.scorer!r}; use rarity, iforest or knn")
        self.tfidf_ = WeightedTfidf(ngram_range=self.ngram_range)
        matrix = self.tfidf_.fit_transform(texts, sample_weight=counts)
        self.train_counts_ = counts
        self.message_counts_ = dict(zip(texts, counts.tolist()))
        if self.scorer == "iforest":
            self._fit_iforest(matrix, counts)
        elif self.scorer in ("knn", "hybrid"):
            self.neighbors_ = NearestNeighbors(metric="cosine", algorithm="brute").fit(matrix)
        self.train_matrix_ = matrix

    def _fit_iforest(self, matrix: sparse.csr_matrix, counts: np.ndarray) -> None:
        n_comp = min(self.n_components, matrix.shape[1] - 1, matrix.shape[0] - 1)
        # TruncatedSVD needs two rows and two terms; a tinier matrix is used as it is.
        self.svd_ = TruncatedSVD(n_components=n_comp, random_state=self.random_state) if n_comp >= 1 else None
        reduced = self._reduce(matrix, fit=True)
        self.forest_ = IsolationForest(n_estimators=200, random_state=self.random_state)
        self.forest_.fit(reduced, sample_weight=counts)

    def _reduce(self, matrix: sparse.csr_matrix, fit: bool = False) -> np.ndarray:
        """SVD of TF-IDF rows (m, n_components), or the rows themselves when the fit data was too small."""
        if self.svd_ is None:
            return matrix.toarray()
        return self.svd_.fit_transform(matrix) if fit else self.svd_.transform(matrix)

    def transform(self, X) -> sparse.csr_matrix:
        """TF-IDF rows (n, n_terms) of X; blank lines give empty rows."""
        docs = self._documents(X)
        return self.tfidf_.transform([d if d is not None else "" for d in docs])

    def _score_unique(self, texts: np.ndarray, training: bool) -> np.ndarray:
        matrix = self.train_matrix_ if training else self.tfidf_.transform(texts)
        if self.scorer == "iforest":
            return -self.forest_.score_samples(self._reduce(matrix))
        if self.scorer == "knn":
            return self._knn_distance(matrix, training)
        if self.scorer == "hybrid":
            if training:
                r, k = self._rarity(texts), self._knn_distance(matrix, True)
                self.hybrid_scale_ = (_weighted_std(r, self.train_counts_), _weighted_std(k, self.train_counts_))
            else:
                r, k = self._rarity(texts), self._knn_distance(matrix, False)
            return r / self.hybrid_scale_[0] + k / self.hybrid_scale_[1]
        return self._rarity(texts)

    def _rarity(self, texts: np.ndarray) -> np.ndarray:
        """Average of message surprise and mean term surprise, −log((count + 1) / (N + 1)), per document (u,).

        Term surprise alone over-rates routine messages made of rare words;
        message surprise alone misses a new message made of known words.
        """
        n_lines = self.train_counts_.sum()
        seen = self.message_counts_
        message = np.log((n_lines + 1) / (np.array([seen.get(t, 0) for t in texts], dtype=float) + 1))
        return (message + self._term_surprise(texts)) / 2

    def _term_surprise(self, texts: np.ndarray) -> np.ndarray:
        """Mean surprise over each document's distinct terms (u,); unseen terms count as rarest."""
        n_lines = self.train_counts_.sum()
        surprise = np.log((n_lines + 1) / (self.tfidf_.document_frequency_ + 1))
        unseen = np.log(n_lines + 1)
        analyzer = self.tfidf_.vectorizer_.build_analyzer()
        vocab = self.tfidf_.vectorizer_.vocabulary_
        out = np.empty(len(texts))
        for i, text in enumerate(texts):
            terms = sorted(set(analyzer(text)))  # a fixed order keeps the float sum reproducible
            out[i] = np.mean([surprise[vocab[t]] if t in vocab else unseen for t in terms]) if terms else unseen
        return out

    def _knn_distance(self, matrix: sparse.csr_matrix, training: bool) -> np.ndarray:
        """Cosine distance to the k-th nearest training line, counting duplicates by weight (u,)."""
        n_train = matrix.shape[0] if training else self.train_matrix_.shape[0]
        k = min(self.n_neighbors + 1, n_train)
        dist, idx = self.neighbors_.kneighbors(matrix, n_neighbors=k)
        weights = self.train_counts_[idx].astype(float)
        if training:
            # A line is not its own neighbour, but its identical copies are.
            weights[idx == np.arange(len(idx))[:, None]] -= 1
        reached = np.cumsum(weights, axis=1) >= self.n_neighbors
        first = np.where(reached.any(axis=1), reached.argmax(axis=1), k - 1)
        return np.maximum(dist[np.arange(len(first)), first], 0.0)


# --------------------------------------------------------------------------- BERT + DBSCAN
# Imported here rather than at the top so that this section stays self-contained;
# embeddings imports torch only when a model is first used.
from sklearn.cluster import DBSCAN  # noqa: E402

from .embeddings import DEFAULT_MODEL, BertEmbedder  # noqa: E402

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
    return float(values[_knee_index(np.cumsum(w) - 1.0, values)])


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
    model, pooling, max_length, batch_size, device, cache_dir, progress
        Passed to :class:`~logad_utils.embeddings.BertEmbedder` (``progress`` is off by default here).
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
    contamination, percentile, severity_weight : see :class:`BaseLogDetector`.
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

    def __init__(self, model: str = DEFAULT_MODEL, pooling: str = "mean", max_length: int | None = None,
                 batch_size: int = 64, device: str = "auto", cache_dir: str | None = None, progress: bool = False,
                 eps: float | None = None, min_samples: int | float | None = None, text: str = "masked",
                 contamination: float | str = "auto", percentile: float | None = None,
                 severity_weight: float = 1.0, random_state: int = 0) -> None:
        super().__init__(contamination=contamination, percentile=percentile, severity_weight=severity_weight)
        self.model = model
        self.pooling = pooling
        self.max_length = max_length
        self.batch_size = batch_size
        self.device = device
        self.cache_dir = cache_dir
        self.progress = progress
        self.eps = eps
        self.min_samples = min_samples
        self.text = text
        self.random_state = random_state

    # -- fitting -------------------------------------------------------------
    def _resolve_min_samples(self, n_lines: int) -> int:
        """min_samples in lines: a count as given, or a share of ``n_lines`` (at least 5)."""
        value = self.default_min_samples if self.min_samples is None else self.min_samples
        if isinstance(value, float) and 0 < value < 1:
            return max(self.min_min_samples, int(np.ceil(value * n_lines)))
        if value < 1 or value != int(value):
            raise ValueError(f"min_samples must be a count >= 1 or a share in (0, 1), got {value}")
        return int(value)

    def _fit_unique(self, texts: np.ndarray, counts: np.ndarray) -> None:
        if self.eps is not None and not 0 < self.eps <= 2:
            raise ValueError(f"eps must be in (0, 2] (cosine distance), got {self.eps}")
        counts = np.asarray(counts, dtype=np.int64)
        self.min_samples_ = self._resolve_min_samples(int(counts.sum()))
        self.embedder_ = BertEmbedder(self.model, pooling=self.pooling, max_length=self.max_length,
                                      batch_size=self.batch_size, device=self.device, cache_dir=self.cache_dir,
                                      progress=self.progress).fit(list(texts))
        self.train_texts_ = pd.Index(texts)
        self.train_counts_ = counts
        self.vectors_ = self.embedder_.embed_unique(list(texts))
        self.core_distances_ = _weighted_core_distances(self.vectors_, counts, self.vectors_, self.min_samples_)
        order = np.argsort(self.core_distances_, kind="stable")
        self.k_distances_ = np.repeat(self.core_distances_[order], counts[order])
        if self.eps is None:
            knee = knee_value(self.core_distances_, counts)
            self.eps_ = float(min(max(knee, self.min_eps), self.max_eps))
        else:
            self.eps_ = float(self.eps)
        self.dbscan_ = DBSCAN(eps=self.eps_, min_samples=self.min_samples_, metric="cosine", algorithm="brute")
        self.dbscan_.fit(self.vectors_, sample_weight=counts)
        core = self.dbscan_.core_sample_indices_
        self.core_vectors_ = self.vectors_[core]
        self.core_clusters_ = self.dbscan_.labels_[core].astype(np.int64)

    def fit(self, X, y=None) -> "DbscanDetector":
        """Fit on X (frame or n strings): the base attributes plus ``clusters_`` and ``noise_`` (n,)."""
        super().fit(X, y)
        self.clusters_ = self.unique_.broadcast(self.dbscan_.labels_, fill=self.BLANK).astype(np.int64)
        self.noise_ = self.clusters_ == self.NOISE
        return self

    # -- scoring -------------------------------------------------------------
    def _unique_vectors(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors (u, dim) of unique texts: training vectors where known, the rest embedded now."""
        texts = list(texts)
        where = self.train_texts_.get_indexer(texts) if texts else np.zeros(0, dtype=np.intp)
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
        unique = unique_documents(self._documents(X))
        out = np.zeros((len(unique.inverse), self.vectors_.shape[1]), dtype=np.float32)
        keep = unique.inverse >= 0
        if keep.any():
            out[keep] = self._unique_vectors(unique.texts)[unique.inverse[keep]]
        return out

    def cluster_of(self, X) -> np.ndarray:
        """Cluster (n,) of new lines: the nearest core sample's if within ``eps_``, else -1; blank lines -2."""
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
