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


def known_labels(log_path: str | PathLike, labels_path: str | PathLike | None = None,
                 n_lines: int | None = None) -> np.ndarray | None:
    """The 0/1 ground truth per line (n,) of ``labels_path``, else of the labels a generated log has beside it
    (:func:`labels_path_for`); None where there are none (a log of your own). ``n_lines``: the log's line count,
    for a file that lists only the anomalous lines (:func:`read_anomaly_flags`)."""
    if labels_path is not None:
        return read_anomaly_flags(labels_path, n_lines)
    path = labels_path_for(log_path)
    return read_anomaly_flags(path, n_lines) if _holds_columns(path, ["line_no", "is_anomaly"]) else None


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


def read_anomaly_flags(path: str | PathLike, n_lines: int | None = None) -> np.ndarray:
    """The 0/1 ground truth per line (n,) int8 of a labels CSV, without reading its text columns.

    ``is_anomaly`` holds a line's flag; with ``line_no`` (logad's numbers, from 1) the rows may come in any order
    and must number the lines 1…n, each once. A file of ``line_no`` alone lists the anomalous lines of a log of
    ``n_lines`` lines. Anything else is a ValueError that says what does not match.
    """
    columns = set(pd.read_csv(path, nrows=0).columns)
    if not columns & {"line_no", "is_anomaly"}:
        raise ValueError(f"{path}: a labels file needs an is_anomaly column (0/1 per line) or a line_no column "
                         f"(the anomalous lines), got {sorted(columns)}")
    parts: dict[str, list[np.ndarray]] = {"line_no": [], "is_anomaly": []}
    start = 0
    # Rows a block at a time: a 10M-line log's labels read whole made several full columns of it at once.
    for table in pd.read_csv(path, usecols=sorted(columns & set(parts)), chunksize=_LABEL_ROWS):
        for name, read in (("line_no", _line_numbers), ("is_anomaly", _flags)):
            if name in table:
                parts[name].append(read(table[name], path, start))
        start += len(table)
    given = {name: np.concatenate(parts.pop(name) or [np.zeros(0, np.int8)]) for name in list(parts)
             if name in columns}
    if "line_no" not in given:
        return given["is_anomaly"]
    line_no = given["line_no"]
    if "is_anomaly" in given:
        # A line's flag belongs to its number, not to the row it sits in: rows in another order, or numbered
        # from another line, were scored against the wrong lines.
        _check_numbering(line_no, len(line_no), path)
        flags = np.zeros(len(line_no), dtype=np.int8)
        flags[line_no - 1] = given["is_anomaly"]
        return flags
    if n_lines is None:
        raise ValueError(f"{path} lists line numbers only: pass n_lines, the number of lines of its log")
    if len(line_no) and (line_no.min() < 1 or line_no.max() > n_lines):
        raise ValueError(f"{path} lists lines {line_no.min():,}…{line_no.max():,}, but the log's lines are "
                         f"1…{n_lines:,} (logad numbers lines from 1)")
    flags = np.zeros(n_lines, dtype=np.int8)
    flags[line_no - 1] = 1
    return flags


_LABEL_ROWS = 1_000_000  # rows of a labels file read at a time


def _line_numbers(values: pd.Series, path: str | PathLike, start: int = 0) -> np.ndarray:
    """A ``line_no`` column (n,) as int32 where every number fits, else int64 (``start``: the rows above it in the
    file); ValueError for a missing or fractional number."""
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    bad = np.isnan(numbers) | (numbers != np.round(numbers))
    if bad.any():
        raise ValueError(f"{path}: line_no {values[bad].iloc[0]!r} (row {start + int(np.argmax(bad)) + 2}) is no "
                         "line number")
    # int32 where every number fits: half the memory of a 10M-line log's numbers.
    fits = not len(numbers) or np.abs(numbers).max() < np.iinfo(np.int32).max
    return numbers.astype(np.int32 if fits else np.int64)


def _check_numbering(line_no: np.ndarray, n: int, path: str | PathLike) -> None:
    """ValueError unless the n line numbers are 1…n, each once."""
    if not n:
        return
    low, high = int(line_no.min()), int(line_no.max())
    if low != 1 or high != n:
        shift = " (logad numbers lines from 1)" if low == 0 else ""
        raise ValueError(f"{path}: its {n:,} rows number lines {low:,}…{high:,}, not 1…{n:,}{shift}: "
                         "the labels belong to other lines")
    seen = np.zeros(n + 1, dtype=bool)
    seen[line_no] = True
    if seen[1:].all():  # n rows that number each of the n lines: none twice
        return
    counts = np.bincount(line_no, minlength=n + 1)
    raise ValueError(f"{path}: line {int(np.argmax(counts > 1)):,} has more than one row")


def _flags(values: pd.Series, path: str | PathLike, start: int = 0) -> np.ndarray:
    """An ``is_anomaly`` column (n,) as int8 (``start``: the rows above it in the file); ValueError for a value
    that is not 0 or 1."""
    numbers = pd.to_numeric(values, errors="coerce")
    bad = ~numbers.isin([0, 1])
    if bad.any():
        raise ValueError(f"{path}: is_anomaly {values[bad].iloc[0]!r} (row {start + int(np.argmax(bad)) + 2}) is not "
                         "0 or 1")
    return numbers.to_numpy(dtype=np.int8)


def read_incidents(path: str | PathLike) -> pd.DataFrame:
    """Read a .incidents.csv back: incident_id, incident_kind, root_cause_component, start, end (datetime64)."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)
    for col in ("incident_id", "incident_kind", "root_cause_component"):
        df[col] = df[col].astype(object)
    for col in ("start", "end"):
        df[col] = pd.to_datetime(df[col], format="%Y-%m-%d %H:%M:%S")
    return df[INCIDENT_COLUMNS]
