"""TF-IDF detector: rarity, isolation forest or nearest-neighbour scores of weighted TF-IDF rows."""
from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.decomposition import TruncatedSVD
from sklearn.ensemble import IsolationForest
from sklearn.neighbors import NearestNeighbors

from .._validation import Integral, Interval, StrOptions, check_fitted
from ..features import WeightedTfidf
from ._base import BaseLogDetector, _load_tfidf, _store_tfidf, _weighted_std

__all__ = ["TfidfDetector"]

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
    contamination, percentile, severity_weight, structure_weight, novelty_weight, routine : see
        :class:`BaseLogDetector`.
    random_state : int, default 0
    """

    _parameter_constraints: dict = {
        **BaseLogDetector._parameter_constraints,
        "scorer": [StrOptions({"rarity", "iforest", "knn", "hybrid"})],
        "ngram_range": [tuple],
        "text": [str],
        "use_component": ["boolean"],
        "use_level": ["boolean"],
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "n_neighbors": [Interval(Integral, 1, None, closed="left")],
        "random_state": [Interval(Integral, 0, None, closed="left")],
    }

    def __init__(self, scorer: str = "rarity", ngram_range: tuple[int, int] = (1, 1), text: str = "masked",
                 use_component: bool = False, use_level: bool = False, n_components: int = 50,
                 n_neighbors: int = 5, contamination: float | str = "auto", percentile: float | None = None,
                 severity_weight: float = 1.0, structure_weight: float = 2.0,
                 novelty_weight: float = 1.0, routine: bool = True,
                 random_state: int = 0) -> None:
        super().__init__(contamination=contamination, percentile=percentile, severity_weight=severity_weight,
                         structure_weight=structure_weight, novelty_weight=novelty_weight,
                         routine=routine)
        self.scorer = scorer
        self.ngram_range = ngram_range
        self.text = text
        self.use_component = use_component
        self.use_level = use_level
        self.n_components = n_components
        self.n_neighbors = n_neighbors
        self.random_state = random_state

    def _fit_unique(self, texts: np.ndarray, counts: np.ndarray) -> None:
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
        self.forest_rows_ = self._reduce(matrix, fit=True)
        self._fit_forest(self.forest_rows_, counts)

    def _fit_forest(self, rows: np.ndarray, counts: np.ndarray) -> None:
        """IsolationForest on the reduced rows (u, k) with line counts (u,) as sample weights."""
        self.forest_ = IsolationForest(n_estimators=200, random_state=self.random_state)
        self.forest_.fit(rows, sample_weight=counts)

    def _reduce(self, matrix: sparse.csr_matrix, fit: bool = False) -> np.ndarray:
        """SVD of TF-IDF rows (m, n_components), or the rows themselves when the fit data was too small."""
        if self.svd_ is None:
            return matrix.toarray()
        return self.svd_.fit_transform(matrix) if fit else self.svd_.transform(matrix)

    def transform(self, X) -> sparse.csr_matrix:
        """TF-IDF rows (n, n_terms) of X; blank lines give empty rows."""
        check_fitted(self)
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

    def _fitted_state(self) -> tuple[dict, dict[str, np.ndarray]]:
        values, arrays = super()._fitted_state()
        _store_tfidf(self.tfidf_, values, arrays)
        matrix = self.train_matrix_
        arrays.update(matrix_data=matrix.data, matrix_indices=matrix.indices, matrix_indptr=matrix.indptr,
                      matrix_shape=np.array(matrix.shape))
        if hasattr(self, "hybrid_scale_"):
            values["hybrid_scale_"] = [float(x) for x in self.hybrid_scale_]
        if self.scorer == "iforest":
            # The forest is refitted on load from the same rows and seed (a deterministic fit), so
            # no sklearn object has to be stored; the SVD is a matrix product with its components.
            arrays["forest_rows"] = self.forest_rows_
            if self.svd_ is not None:
                arrays["svd_components"] = self.svd_.components_
        return values, arrays

    def _restore_state(self, values: dict, arrays: dict[str, np.ndarray]) -> None:
        super()._restore_state(values, arrays)
        self.tfidf_ = _load_tfidf(values, arrays)
        texts = self.unique_.texts
        self.train_counts_ = self.unique_.counts
        self.message_counts_ = dict(zip(texts, self.train_counts_.tolist()))
        self.train_matrix_ = sparse.csr_matrix(
            (arrays["matrix_data"], arrays["matrix_indices"], arrays["matrix_indptr"]),
            shape=tuple(int(x) for x in arrays["matrix_shape"]))
        if "hybrid_scale_" in values:
            self.hybrid_scale_ = tuple(float(x) for x in values["hybrid_scale_"])
        if self.scorer in ("knn", "hybrid"):
            self.neighbors_ = NearestNeighbors(metric="cosine", algorithm="brute").fit(self.train_matrix_)
        if self.scorer == "iforest":
            self.svd_ = None
            if "svd_components" in arrays:
                components = arrays["svd_components"]
                self.svd_ = TruncatedSVD(n_components=len(components), random_state=self.random_state)
                self.svd_.components_ = components
                self.svd_.n_features_in_ = components.shape[1]
            self._fit_forest(arrays["forest_rows"], self.train_counts_)

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
