"""End-to-end runs: read → templates → detector, with one row of output per input line."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from .detectors import KNOWN_GOOD_PERCENTILE, METHODS, BaseLogDetector, make_detector
from .io import read_logs
from .templates import LogTemplateMiner, mine_templates

# save_model and load_model are importable from here too (see __getattr__ below).
__all__ = ["parse_logs", "make_detector", "score_table", "LogModel", "METHODS", "KNOWN_GOOD_PERCENTILE"]

Paths = str | os.PathLike | Sequence[str | os.PathLike]


def parse_logs(paths: Paths, fmt: str = "auto", miner: LogTemplateMiner | None = None,
               json_key: str = "message", warn: bool = True, time_format: str | None = None) -> pd.DataFrame:
    """Read logs (their times as ``time_format`` has them, where given) and add ``masked``, ``template_id``,
    ``template``: one row per input line."""
    frame = read_logs(paths, fmt, json_key=json_key, warn=warn, time_format=time_format)
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


@dataclass
class LogModel:
    """A fitted pipeline: line format, template miner (with its masking rules) and detector."""

    method: str
    fmt: str
    json_key: str
    miner: LogTemplateMiner
    detector: BaseLogDetector
    read_as: tuple[str, ...] = ()  # the formats its logs were read as ("inferred", "json", a preset's name)
    layouts: tuple[str, ...] = ()  # the format strings of the layouts inferred on them (their name is "inferred")
    time_format: str | None = None  # how its logs' times were read where the user said (``--time-format``)

    def score(self, paths: Paths) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
        """Parse new logs with the saved format, time format and miner; returns (frame (n rows), scores (n,),
        labels (n,))."""
        frame = parse_logs(paths, self.fmt, self.miner, self.json_key, warn=False, time_format=self.time_format)
        scores = self.detector.decision_function(frame)
        return frame, scores, self.detector.label(scores)


def resolved_format(reports: Sequence[dict], fmt: str) -> str:
    """The format to save: the preset auto-detection chose when every file of every read report agreed, else ``fmt``.

    An inferred layout is not a preset: ``auto`` is saved and infers it again.
    """
    from .formats import PRESETS

    chosen = set(read_formats(reports))
    return chosen.pop() if fmt == "auto" and len(chosen) == 1 and chosen <= set(PRESETS) else fmt


def read_formats(reports: Sequence[dict], key: str = "formats") -> tuple[str, ...]:
    """The formats (sorted, distinct) the files of read reports (``ReadReport.as_dict``) were read as; with
    ``key="layouts"`` the format strings of their inferred layouts."""
    return tuple(sorted({name for report in reports for name in report.get(key, {}).values()}))


def __getattr__(name: str):
    """``save_model`` and ``load_model`` live in :mod:`logad_utils.persistence` (which imports this module)."""
    if name in ("save_model", "load_model"):
        from . import persistence

        return getattr(persistence, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
