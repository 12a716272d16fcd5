"""Exports of vectors for the TensorFlow Embedding Projector.

One export is one folder ``<out_dir>/<run>/`` holding

* ``tensors.tsv`` -- no header, one row per point, tab-separated float32 values;
* ``metadata.tsv`` -- a header row, then one row per point, same order as the tensors;
* ``projector_config.pbtxt`` -- points TensorBoard's projector at the two TSV files
  (``tensor_path``), so no TensorFlow checkpoint is needed;
* ``events.out.tfevents.*.logad`` -- an empty event file: TensorBoard only lists a
  sub-folder as a run when it holds one, so ``tensorboard --logdir <out_dir>``
  shows every export as its own run;
* ``projector_config.json`` -- the same for the standalone projector's ``?config=`` URL
  (relative paths: serve the folder next to the projector page);
* ``bookmarks.json`` -- one projector bookmark: a 2-D PCA view coloured by ``is_anomaly`` with
  the anomalies selected (listed in both configs, so the projector offers it on load);
* ``export_info.json`` -- counts (lines, messages, exported, anomalies), what was dropped and why, seed.

projector.tensorflow.org loads the same pair through "Load": tensors, then metadata.

Rows are unique messages by default: lines with the same ``pattern`` (masked message; else the
same ``message``) become one point with a ``count`` column, represented by their highest-scored
line. Logs repeat, and the projector's t-SNE and UMAP sample above 10,000 and 5,000 points, so
the default budget is 10,000 points: every anomalous message is kept up to it, then normal ones
fill it evenly across clusters (``cluster``, else ``template_id``).

Metadata cells are written so that the projector's reader cannot misalign them:
missing or blank values become ``-``; tab, newline and carriage return become the
two visible characters ``\\t``, ``\\n``, ``\\r`` (one way, for display only);
other control and line-separator characters become a space; every cell is cut to
``max_message_chars`` characters, ending with ``…``. Text a spreadsheet would run as a
formula (``=``, ``+``, ``-``, ``@`` first) gets a leading ``'`` unless ``safe_formulas=False``.
Every file is written under a temporary name and renamed when complete.
"""
from __future__ import annotations

import json
import os
import re
import shlex
import socket
import struct
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from .atomic import file_set, write_bytes, write_text, write_with
from .blas import one_blas_thread
from .spreadsheet import escape_cell

__all__ = ["ProjectorExport", "export_projector", "export_lines", "metadata_frame", "tensorboard_command",
           "remove_export", "MISSING", "MAX_WEB_POINTS", "MAX_COLOR_VALUES", "DEFAULT_POINTS"]

MISSING = "-"
# projector.tensorflow.org refuses larger inputs, and TensorBoard serves at most this many rows.
MAX_WEB_POINTS = 100_000
# The projector's t-SNE samples above this many points (UMAP above 5,000).
DEFAULT_POINTS = 10_000
# The projector colours by a column only while it has at most this many distinct values.
MAX_COLOR_VALUES = 50
# Sparse inputs wider than this are reduced before export (TSV size, browser memory).
SPARSE_REDUCE_ABOVE = 200
SVD_COMPONENTS = 50

TENSORS_FILE = "tensors.tsv"
METADATA_FILE = "metadata.tsv"
CONFIG_FILE = "projector_config.pbtxt"
WEB_CONFIG_FILE = "projector_config.json"
BOOKMARKS_FILE = "bookmarks.json"
INFO_FILE = "export_info.json"
EXPORT_FILES = (TENSORS_FILE, METADATA_FILE, CONFIG_FILE, WEB_CONFIG_FILE, BOOKMARKS_FILE, INFO_FILE)
EVENT_SUFFIX = ".logad"

# Columns people colour by; when too varied, a bucketed "<col>_top" copy is added.
COLOR_COLUMNS = ("cluster", "component", "label")
# Lines with equal values here are one point (the first column present wins).
GROUP_COLUMNS = ("pattern", "message")
# Normal points are spread evenly over the values of the first of these present.
CLUSTER_COLUMNS = ("cluster", "template_id")

_TRUE_WORDS = {"1", "true", "yes", "y", "anomaly", "anomalous", "abnormal", "attack", "fail", "failure"}
_FALSE_WORDS = {"0", "false", "no", "n", "normal", "benign", "ok", "-", ""}
# The projector splits rows on "\n" and TensorBoard's Python side also on "\r";
# str.splitlines() breaks on the rest, so none of them may survive inside a cell.
_OTHER_BREAKS = [c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)] + [0x7F, 0x85, 0x2028, 0x2029]
_CELL_TABLE = str.maketrans({0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r", **{c: " " for c in _OTHER_BREAKS}})
# Run and tensor names go unescaped into the projector's request URLs.
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass
class ProjectorExport:
    """Where one export landed and what it holds.

    ``n_total`` counts candidate points (messages, or lines with ``per_line``) and ``n_lines``
    the input rows; ``n_anomalies`` counts exported anomalous points.
    """

    run_dir: Path
    tensors_path: Path
    metadata_path: Path
    config_path: Path
    n_points: int
    n_total: int
    sampled: bool
    n_anomalies: int
    n_anomalies_total: int = 0
    dim: int = 0
    info_path: Path | None = None
    notes: list[str] = field(default_factory=list)
    n_lines: int = 0
    web_config_path: Path | None = None
    dropped: dict = field(default_factory=dict)

    def summary(self, root: str | os.PathLike | None = None) -> str:
        """Two lines for people: what was written where, and the command that opens it (paths relative to ``root``
        where the run is under it, else as they are)."""
        run_dir = self.run_dir
        if root is not None and Path(os.path.abspath(run_dir)).is_relative_to(os.path.abspath(root)):
            run_dir = Path(os.path.relpath(run_dir, root))
        what = "lines" if self.n_lines == self.n_total else f"unique messages of {self.n_lines:,} lines"
        kept = ("every anomaly kept" if self.n_anomalies == self.n_anomalies_total
                else f"{self.n_anomalies:,} of {self.n_anomalies_total:,} anomalies kept")
        sampled = f", a sample of {self.n_total:,}, {kept}" if self.sampled else ""
        return (f"projector: {self.n_points:,} points × {self.dim} dims ({what}{sampled}) in {run_dir}\n"
                f"  open with: {tensorboard_command(run_dir)}")


# ----------------------------------------------------------------------------- metadata

def metadata_frame(frame: pd.DataFrame, scores=None, labels=None, clusters=None, truth=None) -> pd.DataFrame:
    """Standard metadata (n rows) from a parsed line frame (n rows); arrays, when given, have n entries.

    Columns: message (from ``content``, else ``masked``, else ``raw``), pattern (``masked``, when
    message is not already it), line_no, source,
    timestamp, component, template_id, score (``scores``), is_anomaly (``labels``: predicted
    flags, written 0/1), then ``cluster`` (``clusters``) and ``label`` (``truth``: ground
    truth as given) when present. A column the frame already has is used when its argument
    is None; anything absent stays missing (written as ``-``). Values are not escaped here.
    """
    n = len(frame)
    src = frame.reset_index(drop=True)
    out = pd.DataFrame(index=pd.RangeIndex(n))
    message_col = next((c for c in ("content", "masked", "raw", "message") if c in src), None)
    # message first: the projector labels points by the first non-numeric column.
    out["message"] = src[message_col] if message_col else None
    if "masked" in src and message_col != "masked":
        out["pattern"] = src["masked"]
    out["line_no"] = _int_column(src["line_no"]) if "line_no" in src else pd.array([pd.NA] * n, dtype="Int64")
    for col in ("source", "timestamp", "component", "template_id"):
        out[col] = src[col] if col in src else None
    out["score"] = _given_or_column("scores", scores, src, "score", n)
    flags = _given_or_column("labels", labels, src, "is_anomaly", n)
    out["is_anomaly"] = _flag_strings(flags)
    cluster = _given_or_column("clusters", clusters, src, "cluster", n, keep_absent=False)
    if cluster is not None:
        out["cluster"] = cluster
    label = _given_or_column("truth", truth, src, "label", n, keep_absent=False)
    if label is not None:
        out["label"] = label
    return out


def _given_or_column(name: str, values, src: pd.DataFrame, col: str, n: int, keep_absent: bool = True):
    """The argument as a length-n Series, else the frame's column, else all-missing (or None)."""
    if values is not None:
        values = pd.Series(np.asarray(values, dtype=object) if not isinstance(values, pd.Series)
                           else values.to_numpy(dtype=object))
        if len(values) != n:
            raise ValueError(f"{name} has {len(values)} entries but the frame has {n} rows")
        return values
    if col in src:
        return src[col].reset_index(drop=True)
    return pd.Series([None] * n, dtype=object) if keep_absent else None


def _int_column(values: pd.Series) -> pd.Series:
    """Whole numbers as nullable ints so they print as 12, not 12.0."""
    numeric = pd.to_numeric(values, errors="coerce")
    if numeric.notna().sum() == values.notna().sum():
        return numeric.round().astype("Int64")
    return values


def _flag_strings(values: pd.Series) -> pd.Series:
    """Flags as "1"/"0" strings; missing or unreadable stays missing."""
    return pd.Series(_each_distinct(values, lambda v: None if (f := _parse_flag(v)) is None else ("1" if f else "0")),
                     dtype=object)


def _each_distinct(values, function) -> np.ndarray:
    """``function`` of each value (n,) object, called once per distinct value: flags repeat."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=False)
    return np.array([function(v) for v in uniques] + [None], dtype=object)[codes]


def _parse_flag(value: Any) -> bool | None:
    """True/False for a flag-like value (bool, number, 'anomaly'/'normal', ...), None when missing."""
    if _is_missing(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return value != 0
    text = str(value).strip().lower()
    if text in _TRUE_WORDS:
        return True
    if text in _FALSE_WORDS:
        return False
    try:
        return float(text) != 0
    except ValueError:
        return None


def _is_missing(value: Any) -> bool:
    """None, NaN, NaT or pd.NA (scalars only)."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value)) if np.ndim(value) == 0 else False
    except (TypeError, ValueError):
        return False


def _format_cell(value: Any, limit: int, safe_formulas: bool = False) -> str:
    """One metadata cell: never empty, no tab or line break, at most ``limit`` characters.

    ``safe_formulas``: text a spreadsheet would run as a formula gets a leading ``'``.
    """
    if _is_missing(value):
        return MISSING
    if isinstance(value, (bool, np.bool_)):
        return "1" if value else "0"
    if isinstance(value, (float, np.floating)):
        value = float(value)
        # whole floats come from int columns that held a NaN; 12.0 should read 12
        text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.6g}"
    elif isinstance(value, bytes):
        text = value.decode("utf-8", errors="replace")
    else:
        text = str(value)
    text = text.translate(_CELL_TABLE)
    if not text.strip():
        return MISSING
    if safe_formulas:
        text = escape_cell(text)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def _clean_names(names: Sequence[Any]) -> list[str]:
    """Header cells: cleaned like values, never empty, unique."""
    seen: set[str] = set()
    out = []
    for i, name in enumerate(names):
        text = _format_cell(name, 100)
        base = f"col{i}" if text == MISSING else text
        text, k = base, 2
        while text in seen:
            text, k = f"{base}_{k}", k + 1
        seen.add(text)
        out.append(text)
    return out


def _bucket_top(values: list[str], keep: int = MAX_COLOR_VALUES - 1, weights: Sequence[float] | None = None
                ) -> list[str]:
    """The ``keep`` most frequent values kept (by their rows' ``weights``, by default 1 each: lines, not messages),
    the rest "other" (ties broken by value)."""
    counts = pd.Series(np.ones(len(values)) if weights is None else np.asarray(weights, dtype=float)).groupby(
        pd.Series(values)).sum()
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    top = {value for value, _ in ranked[:keep]}
    return [v if v in top else "other" for v in values]


def _metadata_table(meta: pd.DataFrame, rows: np.ndarray, anomaly_col: str | None,
                    limit: int, safe_formulas: bool, row_numbers: np.ndarray | None = None
                    ) -> tuple[list[str], list[list[str]]]:
    """Header and string cells for the exported rows, plus ``row`` (input position) and ``*_top`` columns."""
    names = _clean_names(list(meta.columns) + ["row"])
    columns: list[list[str]] = []
    for col in meta.columns:
        values = meta[col].to_numpy(dtype=object)[rows]
        if anomaly_col is not None and col == anomaly_col:
            columns.append([MISSING if f is None else f for f in _flag_strings(values)])
        else:
            columns.append(_each_distinct(values, lambda v: _format_cell(v, limit, safe_formulas)).tolist())
    columns.append([str(int(r)) for r in (rows if row_numbers is None else row_numbers[rows])])
    if len(names) < 2:  # metadata without columns: a 1-column file would lose its header
        names.append("point")
        columns.append([f"p{int(r)}" for r in rows])
    # A point stands for its ``count`` lines (one per message): the colours go to the values with most lines.
    weights = meta["count"].to_numpy()[rows] if "count" in meta else None
    for col in COLOR_COLUMNS:
        if col in names and f"{col}_top" not in names:
            values = columns[names.index(col)]
            if len(set(values)) > MAX_COLOR_VALUES:
                names.append(f"{col}_top")
                columns.append(_bucket_top(values, weights=weights))
    return names, columns


# ----------------------------------------------------------------------------- vectors

def _as_matrix(vectors) -> Any:
    """Dense float (n, d) array (float32 kept, anything else as float64), or sparse CSR float64."""
    try:
        import scipy.sparse as sp
    except ImportError:  # scipy is a dependency, but dense input should not need it
        sp = None
    if sp is not None and sp.issparse(vectors):
        matrix = sp.csr_matrix(vectors, dtype=np.float64)
        if matrix.ndim != 2:
            raise ValueError(f"vectors must be 2-D (n, d), got shape {matrix.shape}")
        return matrix
    if isinstance(vectors, pd.DataFrame):
        vectors = vectors.to_numpy()
    try:
        matrix = np.asarray(vectors)
        if matrix.dtype.kind != "f":  # float32 input stays float32: no doubled memory
            matrix = matrix.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"vectors must be numbers: {exc}") from None
    if matrix.ndim != 2:
        raise ValueError(f"vectors must be 2-D (n, d), got shape {matrix.shape}")
    return matrix


def _check_finite(matrix) -> None:
    """Raise ValueError naming the first bad row when any value is NaN, inf or beyond float32."""
    if isinstance(matrix, np.ndarray):
        bad = ~np.isfinite(matrix)
        rows = np.flatnonzero(bad.any(axis=1))
        count = int(bad.sum())
        too_big = np.array([], dtype=int)
        if not count and matrix.dtype.itemsize > 4:
            too_big = np.flatnonzero((np.abs(matrix) > np.finfo(np.float32).max).any(axis=1))
    else:
        data = matrix.data
        bad_data = ~np.isfinite(data)
        count = int(bad_data.sum())
        row_of = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
        rows = np.unique(row_of[bad_data])
        too_big = np.unique(row_of[np.abs(np.where(bad_data, 0, data)) > np.finfo(np.float32).max])
    if count:
        raise ValueError(f"vectors contain {count} NaN/inf value(s) in {len(rows)} row(s), first at row "
                         f"{int(rows[0])}; the projector needs finite numbers, so impute or drop those rows "
                         "before exporting")
    if len(too_big):
        raise ValueError(f"vectors exceed the float32 range in {len(too_big)} row(s), first at row "
                         f"{int(too_big[0])}; scale them before exporting")


def _dense_points(matrix, rows: np.ndarray, seed: int) -> tuple[np.ndarray, str | None]:
    """float32 (len(rows), d') for the exported rows; wide sparse input goes through TruncatedSVD."""
    subset = matrix[rows]
    if isinstance(subset, np.ndarray):
        return subset.astype(np.float32), None
    n, d = subset.shape
    if d <= SPARSE_REDUCE_ABOVE:
        return subset.toarray().astype(np.float32), None
    from sklearn.decomposition import TruncatedSVD

    # fitted on the exported rows only: bounded cost, and the axes describe what is shown
    k = max(1, min(SVD_COMPONENTS, d - 1, n - 1))
    if n < 2:
        return subset.toarray().astype(np.float32), None
    with one_blas_thread():
        reduced = TruncatedSVD(n_components=k, random_state=seed).fit_transform(subset)
    note = f"sparse ({n}, {d}) reduced by TruncatedSVD(n_components={k}, random_state={seed})"
    return reduced.astype(np.float32), note


# ----------------------------------------------------------------------------- sampling

def _anomaly_mask(meta: pd.DataFrame, anomaly_col: str | None) -> np.ndarray:
    """Boolean (n,) from the anomaly column; all False when it is absent."""
    if anomaly_col is None or anomaly_col not in meta:
        return np.zeros(len(meta), dtype=bool)
    return _each_distinct(meta[anomaly_col].to_numpy(dtype=object), lambda v: _parse_flag(v) is True).astype(bool)


def _group_rows(meta: pd.DataFrame, per_line: bool, anomalous: np.ndarray, scores: np.ndarray | None,
                weights: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, str]:
    """Points of n rows: representative row (u,), line count (u,), point of each row (n,) and the grouping column.

    A point is a unique ``pattern`` (else ``message``); its row is an anomalous one when it has
    any, then the highest-scored, then the first. With ``per_line`` every row is a point.
    ``weights`` (n,): lines each row stands for (default 1).
    """
    n = len(meta)
    key = None if per_line else next((c for c in GROUP_COLUMNS if c in meta), None)
    if key is None:
        return np.arange(n), np.ones(n, dtype=np.int64) if weights is None else weights, None, "line"
    codes = pd.factorize(meta[key].astype(object), use_na_sentinel=False)[0]
    rank = np.zeros(n) if scores is None else -scores
    order = np.lexsort((np.arange(n), rank, ~anomalous, codes))
    first = np.ones(n, dtype=bool)
    first[1:] = codes[order][1:] != codes[order][:-1]
    return order[first], np.bincount(codes, weights=weights).astype(np.int64), codes, key


def _even_sample(rows: np.ndarray, groups: np.ndarray | None, k: int, rng: np.random.Generator) -> np.ndarray:
    """k of ``rows`` at random, spread evenly over their ``groups`` (small groups give their share to the rest)."""
    if groups is None:
        return rng.choice(rows, size=k, replace=False)
    codes = pd.factorize(groups)[0]
    sizes = np.bincount(codes)
    quota = np.zeros_like(sizes)
    left = k
    for i, group in enumerate(np.argsort(sizes, kind="stable")):
        quota[group] = min(sizes[group], left // (len(sizes) - i))
        left -= quota[group]
    # a random order within each group, then each group's first `quota` rows
    perm = rng.permutation(len(rows))
    order = perm[np.argsort(codes[perm], kind="stable")]
    grouped = codes[order]
    within = np.arange(len(order)) - np.searchsorted(grouped, grouped)
    return rows[order[within < quota[grouped]]]


def _choose_points(anomalous: np.ndarray, scores: np.ndarray | None, clusters: np.ndarray | None, max_points: int,
                   seed: int) -> tuple[np.ndarray, list[str], dict[str, int]]:
    """Sorted point positions within the budget, notes, and counts of what was left out and why."""
    n = len(anomalous)
    if n <= max_points:
        return np.arange(n), [], {}
    rng = np.random.default_rng(seed)
    anomalies = np.flatnonzero(anomalous)
    normals = np.flatnonzero(~anomalous)
    if len(anomalies) >= max_points:
        if scores is not None:
            # highest score first; the earlier point wins a tie, so the choice is stable
            order = np.lexsort((anomalies, -scores[anomalies]))
            kept = anomalies[order[:max_points]]
            how = f"the {max_points} highest-scored"
        else:
            kept = rng.choice(anomalies, size=max_points, replace=False)
            how = f"a seeded random {max_points} (no score column)"
        note = (f"{len(anomalies)} anomalies exceed the budget of {max_points} points: kept {how}, "
                "and no normal points")
        return np.sort(kept), [note], {"anomalous_points_over_budget": len(anomalies) - max_points,
                                       "normal_points_no_room": len(normals)}
    fill = _even_sample(normals, None if clusters is None else clusters[normals], max_points - len(anomalies), rng)
    # Normal points all in one cluster (analyze's incidents leave every normal line in -1) are a uniform sample.
    spread = "evenly across clusters" if clusters is not None and len(np.unique(clusters[normals])) > 1 \
        else "uniformly"
    note = (f"sampled {max_points} of {n} points (seed {seed}): all {len(anomalies)} anomalies "
            f"and {len(fill)} of {len(normals)} normal points chosen {spread}")
    return np.sort(np.concatenate([anomalies, fill])), [note], {"normal_points_sampled_out": len(normals) - len(fill)}


def _score_array(meta: pd.DataFrame, score_col: str | None) -> np.ndarray | None:
    """Scores as floats (missing = -inf), or None when the column is absent or never numeric."""
    if score_col is None or score_col not in meta:
        return None
    values = pd.to_numeric(meta[score_col], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    if np.isnan(values).all():
        return None
    return np.where(np.isnan(values), -np.inf, values)


# ----------------------------------------------------------------------------- files

def _safe_name(name: str, what: str) -> str:
    """A name usable as a folder and inside the projector's URLs."""
    safe = _UNSAFE_NAME.sub("_", str(name)).strip("._") or ""
    if not safe:
        raise ValueError(f"{what} {name!r} has no usable characters (letters, digits, . _ -)")
    return safe


def _write_tensors(path: Path, points: np.ndarray) -> None:
    """No header, one line per point, %.7g floats (float32 precision); atomic, so TensorBoard never reads half."""
    write_with(path, lambda tmp: np.savetxt(tmp, points, fmt="%.7g", delimiter="\t", newline="\n",
                                            encoding="utf-8"))


def _write_metadata(path: Path, names: list[str], columns: list[list[str]]) -> None:
    """Header plus one line per point; cells are already free of tabs and line breaks."""
    lines = ["\t".join(names)] + ["\t".join(cells) for cells in zip(*columns)]
    write_text(path, "\n".join(lines) + "\n")


def _config_text(tensor_name: str, shape: tuple[int, int]) -> str:
    """projector_config.pbtxt with relative paths (TensorBoard resolves them from the config's folder)."""
    return (
        "embeddings {\n"
        f'  tensor_name: "{tensor_name}"\n'
        f'  tensor_path: "{TENSORS_FILE}"\n'
        f'  metadata_path: "{METADATA_FILE}"\n'
        f'  bookmarks_path: "{BOOKMARKS_FILE}"\n'
        f"  tensor_shape: {shape[0]}\n"
        f"  tensor_shape: {shape[1]}\n"
        "}\n"
    )


def _crc32c_table() -> list[int]:
    table = []
    for i in range(256):
        crc = i
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_CRC_TABLE = _crc32c_table()


def _masked_crc(data: bytes) -> int:
    """TFRecord's masked CRC-32C."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc = _CRC_TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    crc ^= 0xFFFFFFFF
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def _event_record(wall_time: float) -> bytes:
    """One TFRecord holding an Event proto with only wall_time and file_version."""
    version = b"brain.Event:2"
    event = b"\x09" + struct.pack("<d", wall_time) + b"\x1a" + bytes([len(version)]) + version
    header = struct.pack("<Q", len(event))
    return header + struct.pack("<I", _masked_crc(header)) + event + struct.pack("<I", _masked_crc(event))


def _export_paths(run_dir: Path) -> list[Path]:
    """The files an export writes into ``run_dir`` (an earlier one's event files among them)."""
    return [run_dir / name for name in EXPORT_FILES] + list(run_dir.glob(f"events.out.tfevents.*{EVENT_SUFFIX}"))


def remove_export(run_dir: str | Path) -> None:
    """Remove an export's files from ``run_dir``, and the folder when nothing else is left in it: a user's own
    files there stay."""
    run_dir = Path(run_dir)
    if not run_dir.is_dir() or run_dir.is_symlink():
        return
    for path in _export_paths(run_dir):
        path.unlink(missing_ok=True)
    if not any(run_dir.iterdir()):
        run_dir.rmdir()


def _write_event_file(run_dir: Path) -> Path:
    """Make the folder a TensorBoard run (written by hand so TensorFlow is not imported); the file made."""
    now = time.time()
    name = f"events.out.tfevents.{int(now)}.{_safe_name(socket.gethostname() or 'host', 'host')}{EVENT_SUFFIX}"
    write_bytes(run_dir / name, _event_record(now))
    return run_dir / name


# ----------------------------------------------------------------------------- API

def export_projector(vectors, metadata: pd.DataFrame, out_dir="projector_exports", run="run", *,
                     tensor_name="embedding", max_points=DEFAULT_POINTS, seed=0, anomaly_col="is_anomaly",
                     score_col="score", max_message_chars=500, per_line=False,
                     safe_formulas=True, row_numbers=None) -> ProjectorExport:
    """Write vectors (n, d) and metadata (n rows) to ``out_dir/run/``; at most ``max_points`` points.

    One point per unique ``pattern`` (else ``message``) with a ``count`` column, or one per row
    with ``per_line``. ``vectors``: dense array-like or scipy.sparse; sparse with d > 200 is
    reduced by TruncatedSVD(n_components=min(50, d-1, points-1), random_state=seed), fitted on
    the exported rows. Above ``max_points`` (default 10,000, at most 100,000) a seeded sample
    keeps every point whose ``anomaly_col`` is true, then normal points evenly across clusters;
    if anomalies alone exceed the budget, the top-``score_col`` ones are kept. A ``row`` column
    (input position: ``row_numbers`` (n,) when given, else 0 … n-1) is added. ``safe_formulas``
    escapes metadata text that a spreadsheet would run as a formula. Raises ValueError for
    NaN/inf vectors, misaligned rows or an empty input.
    """
    matrix = _as_matrix(vectors)
    if not isinstance(metadata, pd.DataFrame):
        raise TypeError("metadata must be a pandas DataFrame (see metadata_frame)")
    if 0 in matrix.shape:
        raise ValueError(f"nothing to export: vectors have shape {matrix.shape}")
    if len(metadata) != matrix.shape[0]:
        raise ValueError(f"vectors have {matrix.shape[0]} rows but metadata has {len(metadata)}; rows must align")
    chosen = select_points(metadata, max_points=max_points, seed=seed, anomaly_col=anomaly_col,
                           score_col=score_col, per_line=per_line, dim=matrix.shape[1])
    chosen.row_numbers = None if row_numbers is None else np.asarray(row_numbers)
    _check_finite(matrix)
    return _write_export(matrix[chosen.rows], chosen, out_dir, run, tensor_name, max_message_chars, safe_formulas)


@dataclass
class _Selection:
    """The points an export keeps: input rows (p,) sorted, the metadata (n rows, plus ``count``) and bookkeeping."""

    rows: np.ndarray
    meta: pd.DataFrame
    anomalous: np.ndarray  # (n,) bool
    n_total: int  # points before sampling
    n_anomalies_total: int
    unit: str
    notes: list[str]
    dropped: dict[str, int]
    seed: int
    max_points: int
    anomaly_col: str | None
    score_col: str | None
    input_dim: int
    n_lines: int
    row_numbers: np.ndarray | None = None  # input position of each metadata row, when they are not 0 … n-1


def select_points(metadata: pd.DataFrame, *, max_points: int = DEFAULT_POINTS, seed: int = 0,
                  anomaly_col: str | None = "is_anomaly", score_col: str | None = "score", per_line: bool = False,
                  dim: int = 1, weights: np.ndarray | None = None) -> _Selection:
    """Which rows of ``metadata`` (n rows) become points (see :func:`export_projector`); needs no vectors.

    ``weights`` (n,): lines each row stands for (rows of one key of a key table), default 1.
    """
    if not isinstance(metadata, pd.DataFrame):
        raise TypeError("metadata must be a pandas DataFrame (see metadata_frame)")
    if not 1 <= int(max_points) <= MAX_WEB_POINTS:
        raise ValueError(f"max_points must be between 1 and {MAX_WEB_POINTS} (the projector's limit), "
                         f"got {max_points}")
    n = len(metadata)
    if n == 0 or dim == 0:
        raise ValueError(f"nothing to export: vectors have shape ({n}, {dim})")
    seed = int(seed)  # numpy integers would not serialise to export_info.json
    meta = metadata.reset_index(drop=True)
    anomalous = _anomaly_mask(meta, anomaly_col)
    scores = _score_array(meta, score_col)
    reps, counts, codes, unit = _group_rows(meta, per_line, anomalous, scores, weights)
    n_lines = n if weights is None else int(np.sum(weights))
    notes, dropped = [], {}
    if codes is not None:
        meta = meta.assign(count=counts[codes])
        dropped["repeated_lines"] = n_lines - len(reps)
        notes.append(f"{n_lines} lines are {len(reps)} unique {unit} values: one point each, drawn from its "
                     "anomalous or highest-scored line; `count` says how many lines it stands for")
    cluster_col = next((c for c in CLUSTER_COLUMNS if c in meta), None)
    clusters = meta[cluster_col].astype(str).to_numpy(dtype=object)[reps] if cluster_col else None
    chosen, sample_notes, sample_dropped = _choose_points(anomalous[reps], None if scores is None else scores[reps],
                                                          clusters, int(max_points), seed)
    dropped.update(sample_dropped)
    return _Selection(np.sort(reps[chosen]), meta, anomalous, len(reps), int(anomalous[reps].sum()), unit,
                      notes + sample_notes, dropped, seed, int(max_points),
                      anomaly_col if anomaly_col in meta else None, score_col, int(dim), n_lines)


def _write_export(vectors, chosen: _Selection, out_dir, run: str, tensor_name: str, max_message_chars: int,
                  safe_formulas: bool) -> ProjectorExport:
    """Write the chosen points: their vectors (p, d) in ``chosen.rows`` order, metadata, configs and info."""
    if max_message_chars < 2:
        raise ValueError("max_message_chars must be at least 2")
    run_name = _safe_name(run, "run")
    tensor_name = _safe_name(tensor_name, "tensor_name")
    rows, anomalous, notes = chosen.rows, chosen.anomalous, list(chosen.notes)
    points, reduction = _dense_points(vectors, np.arange(len(rows)), chosen.seed)
    if reduction:
        notes.append(reduction)
    names, columns = _metadata_table(chosen.meta, rows, chosen.anomaly_col, max_message_chars, safe_formulas,
                                     chosen.row_numbers)
    for name in names:
        if name.endswith("_top"):
            notes.append(f"{name[:-4]} has over {MAX_COLOR_VALUES} distinct values: colour by {name} "
                         f"(top {MAX_COLOR_VALUES - 1} + other)")

    run_dir = Path(out_dir) / run_name
    run_dir.mkdir(parents=True, exist_ok=True)
    result = ProjectorExport(
        run_dir=run_dir, tensors_path=run_dir / TENSORS_FILE, metadata_path=run_dir / METADATA_FILE,
        config_path=run_dir / CONFIG_FILE, n_points=len(rows), n_total=chosen.n_total,
        sampled=len(rows) < chosen.n_total, n_anomalies=int(anomalous[rows].sum()),
        n_anomalies_total=chosen.n_anomalies_total, dim=int(points.shape[1]), info_path=run_dir / INFO_FILE,
        notes=notes, n_lines=chosen.n_lines, web_config_path=run_dir / WEB_CONFIG_FILE, dropped=chosen.dropped)
    # Each file is written atomically, and the set is one export or none: the earlier export's files go first (a
    # rerun killed half way, even by a signal no handler sees, left new tensors beside old metadata), this one's if
    # writing fails, and export_info.json, written last, says it is whole. Other files of the folder stay (a
    # notebook's word clouds, a model's training logs).
    made = None
    try:
        with file_set(_export_paths(run_dir)):
            _write_tensors(result.tensors_path, points)
            _write_metadata(result.metadata_path, names, columns)
            write_text(result.config_path, _config_text(tensor_name, points.shape))
            write_text(result.web_config_path, json.dumps(_web_config(tensor_name, points.shape), indent=2) + "\n")
            write_text(run_dir / BOOKMARKS_FILE,
                       json.dumps(_bookmarks(points, anomalous[rows], names, chosen.seed)) + "\n")
            made = _write_event_file(run_dir)
            write_text(result.info_path,
                       json.dumps(_info(result, run_name, tensor_name, chosen, names), indent=2) + "\n")
    except BaseException:
        if made is not None:
            made.unlink(missing_ok=True)
        raise
    return result


def _web_config(tensor_name: str, shape: tuple[int, int]) -> dict:
    """projector_config.json for the standalone projector (``?config=``); paths relative to the page."""
    return {"embeddings": [{"tensorName": tensor_name, "tensorShape": [int(shape[0]), int(shape[1])],
                            "tensorPath": TENSORS_FILE, "metadataPath": METADATA_FILE,
                            "bookmarksPath": BOOKMARKS_FILE}]}


def _bookmarks(points: np.ndarray, anomalous: np.ndarray, names: list[str], seed: int) -> list[dict]:
    """One projector bookmark (its saved-state format): 2-D PCA positions, coloured by verdict, anomalies selected."""
    from .explore import layout_points

    xy = layout_points(points, "pca", seed)
    return [{
        "label": f"{int(anomalous.sum())} anomalies selected, 2-D PCA",
        "projections": [{"pca-0": round(float(x), 5), "pca-1": round(float(y), 5)} for x, y in xy],
        "selectedProjection": "pca", "pcaComponentDimensions": [0, 1],
        "dataSetDimensions": [int(points.shape[0]), int(points.shape[1])],
        "cameraDef": {"orthographic": True, "position": [0, 0, 4], "target": [0, 0, 0], "zoom": 1},
        "selectedPoints": np.flatnonzero(anomalous).tolist(),
        "selectedColorOptionName": "is_anomaly" if "is_anomaly" in names else None,
        "forceCategoricalColoring": False, "selectedLabelOption": names[0],
        # the projector restores every panel from these, so each needs a value
        "tSNEIteration": 0, "tSNEPerplexity": 30, "tSNELearningRate": 10, "tSNEis3d": False,
        "umapIs3d": False, "umapNeighbors": 15, "umapMinDist": 0.1,
        "customSelectedSearchByMetadataOption": names[0],
        **{f"custom{side}{kind}": value for side in ("XLeft", "XRight", "YUp", "YDown")
           for kind, value in (("Text", ""), ("Regex", False))},
    }]


def _info(result: ProjectorExport, run: str, tensor_name: str, chosen: _Selection, names: list[str]) -> dict:
    """Contents of export_info.json."""
    return {
        "run": run, "tensor_name": tensor_name,
        "point": "line" if chosen.unit == "line" else f"unique {chosen.unit}",
        "n_lines": result.n_lines, "n_total": result.n_total, "n_exported": result.n_points,
        "sampled": result.sampled, "seed": chosen.seed, "max_points": chosen.max_points,
        "n_anomalies_total": result.n_anomalies_total, "n_anomalies_exported": result.n_anomalies,
        "all_anomalies_kept": result.n_anomalies == result.n_anomalies_total,
        "dropped": result.dropped,
        "anomaly_col": chosen.anomaly_col, "score_col": chosen.score_col,
        "input_dim": chosen.input_dim, "exported_dim": result.dim,
        "metadata_columns": names, "notes": result.notes,
        "files": [TENSORS_FILE, METADATA_FILE, CONFIG_FILE, WEB_CONFIG_FILE, BOOKMARKS_FILE],
        "tensorboard": tensorboard_command(result.run_dir),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def export_lines(frame: pd.DataFrame, vectors, *, out_dir="projector_exports", run="run", scores=None,
                 labels=None, clusters=None, truth=None, seed=0, per_line=False,
                 safe_formulas=True) -> ProjectorExport:
    """Export the non-blank lines of a parsed frame (n rows) with their vectors and verdicts; the one way to export.

    ``vectors`` is (n, d) dense or sparse, one row per line of ``frame``, or a
    fitted detector, whose ``transform`` then runs on the exported points' lines only.
    ``scores``, ``labels``, ``clusters``, ``truth`` are (n,) or None (then the
    frame's column, see :func:`metadata_frame`). Blank lines have no vector
    worth showing and are left out. One point per unique message unless ``per_line``
    (see :func:`export_projector`), as is ``safe_formulas``.
    """
    keep = _non_blank(frame)
    if not hasattr(vectors, "transform"):
        keep = np.arange(len(frame)) if keep is None else keep
        meta = metadata_frame(frame.iloc[keep], *(_rows_of(v, keep) for v in (scores, labels, clusters, truth)))
        return export_projector(_as_matrix(vectors)[keep], meta, out_dir=out_dir, run=run, seed=seed,
                                per_line=per_line, safe_formulas=safe_formulas, row_numbers=keep)
    n_kept = len(frame) if keep is None else len(keep)
    rows, weights = _key_rows(frame, keep, scores, labels) if not per_line else (np.arange(n_kept), None)
    rows = _frame_rows(keep, rows)  # the frame's rows, blank lines counted
    lines = frame.iloc[rows]
    meta = metadata_frame(lines, *(_rows_of(v, rows) for v in (scores, labels, clusters, truth)))
    # A detector's vectors are computed for the exported points only: logs repeat.
    chosen = select_points(meta, seed=seed, per_line=per_line, weights=weights)
    chosen.row_numbers = rows
    matrix = _as_matrix(vectors.transform(lines.iloc[chosen.rows]))
    _check_finite(matrix)
    chosen.input_dim = int(matrix.shape[1])
    return _write_export(matrix, chosen, out_dir, run, "embedding", 500, safe_formulas)


def _non_blank(frame: pd.DataFrame) -> np.ndarray | None:
    """The rows (m,) of the frame's non-blank lines, or None when every line is kept: 8 bytes a line for nothing."""
    blank = frame["blank"].to_numpy(dtype=bool) if "blank" in frame else None
    return np.flatnonzero(~blank) if blank is not None and blank.any() else None


def _frame_rows(keep: np.ndarray | None, rows: np.ndarray) -> np.ndarray:
    """The frame's rows of positions ``rows`` among the kept lines (``keep`` None: every line)."""
    return rows if keep is None else keep[rows]


def _rows_of(values, rows: np.ndarray):
    """Per-line values (n,) at ``rows``, or None."""
    return None if values is None else np.asarray(values)[rows]


def _key_rows(frame: pd.DataFrame, keep: np.ndarray | None, scores, labels) -> tuple[np.ndarray, np.ndarray | None]:
    """Positions among the kept lines (p,) (``keep``, None: every line) that can stand for all of them, with the
    lines each stands for.

    With a ``key`` column (a lean frame of :func:`analysis.analyze_logs`) whose lines share their score and
    verdict, each key's first line stands for the key (same points as from every line); else every line.
    """
    n_kept = len(frame) if keep is None else len(keep)
    if "key" not in frame:
        return np.arange(n_kept), None
    from .streaming import first_lines

    # Every line kept (none blank): the keys themselves. A copy of them (4 bytes a line) and every position made
    # up front (8) were the widest step of writing a 10M-line analysis.
    key = frame["key"].to_numpy()
    first, counts, point = first_lines(key if keep is None else key[keep])
    for values in (scores, labels):
        if values is not None and not _same_per_key(np.asarray(values), keep, first, point):
            return np.arange(n_kept), None  # made only here: 8 bytes a line
    return first, counts


def _same_per_key(values: np.ndarray, keep: np.ndarray | None, first: np.ndarray, point: np.ndarray,
                  block: int = 1 << 20) -> bool:
    """Whether each kept line's value (``values`` (n,) at ``keep`` (m,), None: every line) is its key's first
    line's, a block of lines at a time: whole copies would be the widest step of writing an analysis."""
    per_key = values[_frame_rows(keep, first)]
    # With every line kept a block of values is a view, not a copy.
    return all(np.array_equal(values[lo:lo + block] if keep is None else values[keep[lo:lo + block]],
                              per_key[point[lo:lo + block]], equal_nan=True)
               for lo in range(0, len(point), block))


def tensorboard_command(run_dir) -> str:
    """The shell command that opens ``run_dir`` (one export, or a folder of them) in TensorBoard."""
    return f"tensorboard --logdir {shlex.quote(str(run_dir))} --host 127.0.0.1"
