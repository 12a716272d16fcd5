"""End-to-end runs: read → templates → detector, with one row of output per input line."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from .detectors import KNOWN_GOOD_PERCENTILE, METHODS, AutoencoderDetector, BaseLogDetector, make_detector
from .io import read_logs
from .templates import LogTemplateMiner, mine_templates

__all__ = ["parse_logs", "make_detector", "score_table", "save_model", "load_model", "LogModel",
           "METHODS", "KNOWN_GOOD_PERCENTILE"]

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


def score_table(frame: pd.DataFrame, scores: np.ndarray, labels: np.ndarray) -> pd.DataFrame:
    """The per-line result: ``source, line_no, template_id, score, is_anomaly`` (n rows)."""
    return pd.DataFrame({
        "source": frame["source"].astype(str).to_numpy(),
        "line_no": frame["line_no"].to_numpy(),
        "template_id": frame["template_id"].to_numpy(),
        "score": np.asarray(scores, dtype=float),
        "is_anomaly": np.asarray(labels, dtype=np.int64),
    })


MODEL_FILE = "logad_model.json"
_MODEL_VERSION = 1


@dataclass
class LogModel:
    """A fitted pipeline: line format, template miner (with its masking rules) and detector."""

    method: str
    fmt: str
    json_key: str
    miner: LogTemplateMiner
    detector: BaseLogDetector

    def score(self, paths: Paths) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
        """Parse new logs with the saved format and miner; returns (frame (n rows), scores (n,), labels (n,))."""
        frame = parse_logs(paths, self.fmt, self.miner, self.json_key, warn=False)
        scores = self.detector.decision_function(frame)
        return frame, scores, self.detector.label(scores)


def resolved_format(frames: Sequence[pd.DataFrame], fmt: str) -> str:
    """The format to save: the preset auto-detection chose when every file of every frame agreed, else ``fmt``."""
    chosen = {name for frame in frames for name in frame.attrs.get("read_report", {}).get("formats", {}).values()}
    return chosen.pop() if fmt == "auto" and len(chosen) == 1 else fmt


def save_model(directory: str | os.PathLike, model: LogModel) -> Path:
    """Write a fitted pipeline into one directory.

    Layout: ``logad_model.json`` (method, format, versions), ``templates.json``
    (miner and masking rules, plain JSON) and the detector: a folder written by
    its own ``save`` (the autoencoder: a Keras file loaded in safe mode) or a
    ``detector.joblib`` pickle. Pickles can run code when loaded: treat a model
    directory like code and load only directories you trust.
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    model.miner.save(folder / "templates.json")
    if hasattr(model.detector, "save"):
        model.detector.save(folder / "detector")
        stored = "folder"
    else:
        import joblib

        joblib.dump(model.detector, folder / "detector.joblib")
        stored = "joblib"
    meta = {"format": "logad-model", "version": _MODEL_VERSION, "method": model.method, "line_format": model.fmt,
            "json_key": model.json_key, "detector": stored, "detector_class": type(model.detector).__name__}
    (folder / MODEL_FILE).write_text(json.dumps(meta, indent=1), encoding="utf-8")
    return folder


def load_model(directory: str | os.PathLike) -> LogModel:
    """Read a pipeline written by :func:`save_model` (trusted directories only, see there)."""
    folder = Path(directory)
    path = folder / MODEL_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{folder}: not a logad model directory (no {MODEL_FILE})")
    meta = json.loads(path.read_text(encoding="utf-8"))
    if meta.get("format") != "logad-model" or meta.get("version") != _MODEL_VERSION:
        raise ValueError(f"{folder}: unsupported model version {meta.get('version')}")
    if meta["detector"] == "folder":
        detector = AutoencoderDetector.load(folder / "detector")
    else:
        import joblib

        detector = joblib.load(folder / "detector.joblib")
    miner = LogTemplateMiner.load(folder / "templates.json")
    return LogModel(meta["method"], meta["line_format"], meta["json_key"], miner, detector)
