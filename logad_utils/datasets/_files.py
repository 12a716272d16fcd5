"""Files of a generated journal: the log, its labels and its incidents, side by side."""

from __future__ import annotations

from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from ..atomic import file_set, write_table, write_text
from ._journal import INCIDENT_COLUMNS, LABEL_COLUMNS, generate


def labels_path_for(log_path: str | PathLike) -> Path:
    """Labels CSV beside a log: 'x.jrn' -> 'x.labels.csv'."""
    return Path(log_path).with_suffix(".labels.csv")


def incidents_path_for(log_path: str | PathLike) -> Path:
    """Incidents CSV beside a log: 'x.jrn' -> 'x.incidents.csv'."""
    return Path(log_path).with_suffix(".incidents.csv")


def known_labels(log_path: str | PathLike, labels_path: str | PathLike | None = None) -> np.ndarray | None:
    """The 0/1 ground truth per line (n,) of ``labels_path``, else of the labels a generated log has beside it
    (:func:`labels_path_for`); None where there are none (a log of your own)."""
    if labels_path is not None:
        return read_anomaly_flags(labels_path)
    path = labels_path_for(log_path)
    return read_anomaly_flags(path) if _holds_columns(path, ["line_no", "is_anomaly"]) else None


def known_incidents(log_path: str | PathLike, incidents_path: str | PathLike | None = None) -> pd.DataFrame | None:
    """The incidents (:func:`read_incidents`) of ``incidents_path``, else of the list a generated log has beside it
    (:func:`incidents_path_for`); None where there is none."""
    if incidents_path is not None:
        return read_incidents(incidents_path)
    path = incidents_path_for(log_path)
    return read_incidents(path) if _holds_columns(path, INCIDENT_COLUMNS) else None


def _holds_columns(path: Path, columns: list[str]) -> bool:
    """Whether ``path`` is a CSV file whose header names ``columns``: a file beside a log of one's own may bear the
    name a generated log's labels have, and be something else (no ground truth, not an error)."""
    if not path.is_file():
        return False
    try:
        header = pd.read_csv(path, nrows=0).columns
    except ValueError:  # not a CSV: empty, undecodable or unparsable
        return False
    return set(columns) <= set(header)


def write_log(path: str | PathLike, n_lines: int = 20000, seed: int = 0,
              start: str = "2026-03-02") -> tuple[Path, Path]:
    """Write generate(n_lines, seed, start) to path, its labels and incidents beside it, as one set (an earlier
    set goes first, and this one if writing fails: a log beside another seed's labels would be read as its truth);
    returns (log, labels)."""
    path = Path(path)
    log = generate(n_lines, seed, start)
    labels_path = labels_path_for(path)
    with file_set((path, labels_path, incidents_path_for(path))):
        write_text(path, "".join(line + "\n" for line in log.lines))
        write_table(log.labels[LABEL_COLUMNS], labels_path, safe_formulas=False)
        write_table(log.incidents[INCIDENT_COLUMNS], incidents_path_for(path), safe_formulas=False)
    return path, labels_path


def read_labels(path: str | PathLike) -> pd.DataFrame:
    """Read a .labels.csv back; empty strings stay '' (not NaN). Files older than incident_kind get it filled."""
    df = pd.read_csv(path, dtype={"line_no": "int64", "is_anomaly": "int64", "incident_id": str,
                                  "root_cause_component": str, "incident_kind": str},
                     keep_default_na=False, na_filter=False)
    if "incident_kind" not in df:  # before frequency incidents every incident was a cascade
        df["incident_kind"] = df["incident_id"].where(df["incident_id"] == "", "cascade")
    for col in ("incident_id", "root_cause_component", "incident_kind"):
        df[col] = df[col].astype(object)
    return df


def read_anomaly_flags(path: str | PathLike) -> np.ndarray:
    """The ``is_anomaly`` column (n,) int8 of a .labels.csv, without reading its text columns."""
    return pd.read_csv(path, usecols=["is_anomaly"], dtype={"is_anomaly": "int8"})["is_anomaly"].to_numpy()


def read_incidents(path: str | PathLike) -> pd.DataFrame:
    """Read a .incidents.csv back: incident_id, incident_kind, root_cause_component, start, end (datetime64)."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)
    for col in ("incident_id", "incident_kind", "root_cause_component"):
        df[col] = df[col].astype(object)
    for col in ("start", "end"):
        df[col] = pd.to_datetime(df[col], format="%Y-%m-%d %H:%M:%S")
    return df[INCIDENT_COLUMNS]
