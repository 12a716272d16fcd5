"""The detector API, after PyOD's BaseDetector, and label-free thresholds.

``fit(X)`` sets ``decision_scores_`` (n,), ``threshold_`` and ``labels_`` (n,);
``decision_function(X)`` returns scores (n,) where higher means more anomalous
(the opposite sign of scikit-learn's ``score_samples``); ``predict(X)`` returns
0/1. ``X`` is a parsed line frame (see :func:`logad_utils.templates.mine_templates`)
or a sequence of strings. Work happens once per unique document; blank lines are
excluded and get a NaN score and label 0.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from .._validation import THRESHOLD_CONSTRAINTS, check_fitted, check_params
from ..features import Unique, WeightedTfidf, frame_documents, severity, unique_documents

__all__ = ["BaseLogDetector", "compute_threshold", "auto_threshold"]


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


def _weighted_std(values: np.ndarray, weights: np.ndarray) -> float:
    """Standard deviation of values (u,) counted weights (u,) times; 1 when it is zero."""
    mean = np.average(values, weights=weights)
    std = float(np.sqrt(np.average((values - mean) ** 2, weights=weights)))
    return std if std > 0 else 1.0


def _store_tfidf(tfidf: WeightedTfidf, values: dict, arrays: dict[str, np.ndarray]) -> None:
    """Add a fitted WeightedTfidf to a detector's plain-data state (key ``tfidf``, arrays ``tfidf_*``)."""
    tfidf_values, tfidf_arrays = tfidf.get_state()
    values["tfidf"] = tfidf_values
    arrays.update({f"tfidf_{key}": value for key, value in tfidf_arrays.items()})


def _load_tfidf(values: dict, arrays: dict[str, np.ndarray]) -> WeightedTfidf:
    """Inverse of :func:`_store_tfidf`."""
    prefix = "tfidf_"
    return WeightedTfidf.from_state(values["tfidf"], {key[len(prefix):]: value for key, value in arrays.items()
                                                      if key.startswith(prefix)})


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
    _parameter_constraints: dict = dict(THRESHOLD_CONSTRAINTS)

    def __init__(self, contamination: float | str = "auto", percentile: float | None = None,
                 severity_weight: float = 1.0) -> None:
        self.contamination = contamination
        self.percentile = percentile
        self.severity_weight = severity_weight

    def __sklearn_is_fitted__(self) -> bool:
        """True once ``fit`` (or loading a saved model) has set the threshold."""
        return hasattr(self, "threshold_")

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
        check_params(self)
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
        check_fitted(self)
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

    # -- plain-data state (see logad_utils.persistence) -----------------------
    def _fitted_state(self) -> tuple[dict, dict[str, np.ndarray]]:
        """The fitted attributes as plain data: (JSON-ready values, named arrays); subclasses add theirs."""
        check_fitted(self)
        texts = [str(t) for t in self.unique_.texts]
        values = {"threshold_": float(self.threshold_), "score_scale_": float(self.score_scale_), "texts": texts}
        arrays = {"counts": self.unique_.counts, "inverse": self.unique_.inverse,
                  "fit_scores": np.array([self.fit_scores_[t] for t in texts], dtype=float),
                  "decision_scores_": self.decision_scores_, "labels_": self.labels_}
        return values, arrays

    def _restore_state(self, values: dict, arrays: dict[str, np.ndarray]) -> None:
        """Inverse of :meth:`_fitted_state`, on a detector built with the saved parameters."""
        texts = np.array([str(t) for t in values["texts"]], dtype=object)
        self.unique_ = Unique(texts, arrays["counts"].astype(np.int64), arrays["inverse"].astype(np.int64))
        self.fit_scores_ = dict(zip(texts, arrays["fit_scores"].tolist()))
        self.threshold_ = float(values["threshold_"])
        self.score_scale_ = float(values["score_scale_"])
        self.decision_scores_ = arrays["decision_scores_"]
        self.labels_ = arrays["labels_"]

    def label(self, scores: np.ndarray) -> np.ndarray:
        """0/1 labels (n,) of already computed scores (n,) against ``threshold_``; NaN → 0."""
        check_fitted(self)
        with np.errstate(invalid="ignore"):
            return (np.nan_to_num(scores, nan=-np.inf) > self.threshold_).astype(np.int64)
