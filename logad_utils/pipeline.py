"""End-to-end runs: read → templates → detector, with one row of output per input line."""
from __future__ import annotations

import os
from typing import Sequence

import numpy as np
import pandas as pd

from .detectors import BaseLogDetector, TfidfDetector
from .io import read_logs
from .templates import LogTemplateMiner, mine_templates

__all__ = ["parse_logs", "make_detector", "score_table", "METHODS", "KNOWN_GOOD_PERCENTILE"]

METHODS = ("tfidf", "bert", "autoencoder")
# With a known-good training log the threshold is a false-alarm rate on good data.
KNOWN_GOOD_PERCENTILE = 99.5
SCORE_COLUMNS = ["source", "line_no", "template_id", "score", "is_anomaly"]

Paths = str | os.PathLike | Sequence[str | os.PathLike]


def parse_logs(paths: Paths, fmt: str = "auto", miner: LogTemplateMiner | None = None,
               json_key: str = "message", warn: bool = True) -> pd.DataFrame:
    """Read logs and add ``masked``, ``template_id``, ``template``: one row per input line."""
    frame = read_logs(paths, fmt, json_key=json_key, warn=warn)
    report = frame.attrs.get("read_report")
    frame = mine_templates(frame, miner)
    frame.attrs["read_report"] = report
    return frame


def make_detector(method: str = "tfidf", known_good: bool = False, **params) -> BaseLogDetector:
    """A detector for ``method`` (tfidf, bert, autoencoder) with hyper-parameters ``params``.

    ``known_good`` sets the threshold to the 99.5th percentile of the training
    scores unless ``contamination`` or ``percentile`` is given (and, for
    DBSCAN, ``min_samples=1``).
    """
    if known_good and params.get("percentile") is None and params.get("contamination") in (None, "auto"):
        params["percentile"] = KNOWN_GOOD_PERCENTILE
    if known_good and method == "bert" and params.get("min_samples") is None:
        # A known-good log has no noise: every message seen there is a cluster of its own.
        params["min_samples"] = 1
    params = {k: v for k, v in params.items() if v is not None}
    if method == "tfidf":
        return TfidfDetector(**params)
    if method == "bert":
        from .detectors import DbscanDetector

        return DbscanDetector(**params)
    if method == "autoencoder":
        from .autoencoder import AutoencoderDetector

        return AutoencoderDetector(**params)
    raise ValueError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")


def score_table(frame: pd.DataFrame, scores: np.ndarray, labels: np.ndarray) -> pd.DataFrame:
    """The per-line result: ``source, line_no, template_id, score, is_anomaly`` (n rows)."""
    return pd.DataFrame({
        "source": frame["source"].astype(str).to_numpy(),
        "line_no": frame["line_no"].to_numpy(),
        "template_id": frame["template_id"].to_numpy(),
        "score": np.asarray(scores, dtype=float),
        "is_anomaly": np.asarray(labels, dtype=np.int64),
    })
