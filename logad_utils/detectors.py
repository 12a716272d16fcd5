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

__all__ = ["BaseLogDetector", "TfidfDetector", "compute_threshold", "auto_threshold"]


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
        self.decision_scores_ = self._line_scores(X, unique, raw)
        self.threshold_ = compute_threshold(self.decision_scores_, self.contamination, self.percentile)
        self.labels_ = self.label(self.decision_scores_)
        return self

    def decision_function(self, X) -> np.ndarray:
        """Anomaly scores (n,) of new data, higher = more anomalous; NaN for blank lines."""
        unique = unique_documents(self._documents(X))
        raw = self._score_unique(unique.texts, training=False) if len(unique.texts) else np.zeros(0)
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
    scorer : {"rarity", "iforest", "knn"}, default "rarity"
        ``rarity``: mean surprise (−log line frequency) of a document's terms,
        unseen terms counting as rarest; ``iforest``: IsolationForest on a
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
        if self.scorer == "iforest":
            self._fit_iforest(matrix, counts)
        elif self.scorer in ("knn", "hybrid"):
            self.neighbors_ = NearestNeighbors(metric="cosine", algorithm="brute").fit(matrix)
        self.train_matrix_ = matrix

    def _fit_iforest(self, matrix: sparse.csr_matrix, counts: np.ndarray) -> None:
        n_comp = max(1, min(self.n_components, matrix.shape[1] - 1, matrix.shape[0] - 1))
        self.svd_ = TruncatedSVD(n_components=n_comp, random_state=self.random_state)
        reduced = self.svd_.fit_transform(matrix)
        self.forest_ = IsolationForest(n_estimators=200, random_state=self.random_state)
        self.forest_.fit(reduced, sample_weight=counts)

    def transform(self, X) -> sparse.csr_matrix:
        """TF-IDF rows (n, n_terms) of X; blank lines give empty rows."""
        docs = self._documents(X)
        return self.tfidf_.transform([d if d is not None else "" for d in docs])

    def _score_unique(self, texts: np.ndarray, training: bool) -> np.ndarray:
        matrix = self.train_matrix_ if training else self.tfidf_.transform(texts)
        if self.scorer == "iforest":
            return -self.forest_.score_samples(self.svd_.transform(matrix))
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
        """Mean surprise −log((df_t + 1) / (N + 1)) over each document's terms (u,)."""
        n_lines = self.train_counts_.sum()
        surprise = np.log((n_lines + 1) / (self.tfidf_.document_frequency_ + 1))
        unseen = np.log(n_lines + 1)
        analyzer = self.tfidf_.vectorizer_.build_analyzer()
        vocab = self.tfidf_.vectorizer_.vocabulary_
        out = np.empty(len(texts))
        for i, text in enumerate(texts):
            terms = set(analyzer(text))
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
