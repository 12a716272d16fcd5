"""Anomaly detectors with one API, after PyOD: one module per detector, thresholds in ``_base``.

``fit(X)`` sets ``decision_scores_`` (n,), ``threshold_`` and ``labels_`` (n,);
``decision_function(X)`` returns scores (n,), higher = more anomalous. Importing
this package loads neither torch nor tensorflow: they load when a BERT model or
a Keras network is first used.
"""
from ._autoencoder import AutoencoderDetector
from ._base import BaseLogDetector, LineRows, auto_threshold, compute_threshold, storm_threshold
from ._dbscan import DbscanDetector, knee_value
from ._factory import DETECTORS, KNOWN_GOOD_PERCENTILE, METHODS, make_detector
from ._tfidf import TfidfDetector
from .combination import combine

__all__ = ["BaseLogDetector", "TfidfDetector", "DbscanDetector", "AutoencoderDetector", "make_detector",
           "combine", "compute_threshold", "auto_threshold", "storm_threshold", "LineRows", "knee_value",
           "DETECTORS", "METHODS", "KNOWN_GOOD_PERCENTILE"]
