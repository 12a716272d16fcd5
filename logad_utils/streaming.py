"""Bounded memory: a table of distinct lines built chunk by chunk, fitted once, scored as a broadcast.

1. Read the input in chunks; mask each distinct content of a chunk once and
   count each distinct key (masked message, level, component, parsed) in
   order of first appearance, with its first ``source`` and ``line_no``
   (:class:`KeyTable`); keep the distinct (key, time) pairs of the lines for
   the routine rule (periodic messages).
2. Mine templates once on the table's masked messages (counts as weights) and
   fit the detector once on the table (``sample_weight`` = counts, ``times``
   = the pairs): the same ids, model and threshold as on every line, by the
   same weighted code the in-memory fit runs.
3. Read the input again and write each chunk's rows with their key's template
   and score, appended to a temporary file renamed when complete
   (:mod:`logad_utils.atomic`). ``parse`` to Parquet reads nothing again: the
   first pass keeps its first chunk and spills the others' columns as Arrow
   (:class:`KeptLines`), so no header is parsed twice; nor does ``analyze``'s
   line frame, from the columns it reads (:data:`LEAN_COLUMNS`), spilled compressed.

Memory grows with the distinct keys, not with the lines.
"""
from __future__ import annotations

import contextlib
import csv
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Iterable, Iterator, NamedTuple, Sequence

import numpy as np
import pandas as pd

from .atomic import arrow_table, atomic_path, parquet_options
from .formats import LAYOUT_COLUMN, PRESETS
from .io import NAT, LogInputError, ReadReport, iter_log_chunks, rotation_stem, timestamps_ns
from .masking import Masker
from .spreadsheet import escape_formulas
from .multiline import arrow_messages
from .templates import FIELDS_MARK, LogTemplateMiner, template_ids, template_text

__all__ = ["KeyTable", "LineLayout", "check_read", "TableWriter", "KeptLines", "StreamRun", "count_keys", "mine_table",
           "write_parse", "write_scores", "write_frames", "parse_rows", "score_rows", "with_scores", "fit_score",
           "score_keys", "key_times", "bound_times", "KeyTimes", "Stamps", "TIMES_KEPT", "line_frame", "lean_rows",
           "join_lean", "with_key_columns", "KEY_FIELDS", "CHUNK_LINES", "SpilledOrder", "key_positions",
           "join_positions", "event_starts", "fit_weights", "LEAN_COLUMNS", "layout_numbers"]

# What detector documents (use_level, use_component), severity and the structural score (parsed) read.
KEY_FIELDS = ("level", "component", "parsed")
CHUNK_LINES = 200_000
# The columns of a chunk that lean_rows reads.
LEAN_COLUMNS = ("source", "line_no", "content", "raw", "timestamp", "event_line_no", LAYOUT_COLUMN)
# The routine rule's times kept per key: its earliest and latest this many (features.periodic_keys reads a key
# with more from them), so what a first pass keeps for the rule grows with the keys, not with the lines.
TIMES_KEPT = 2048
# Unbounded rows held before they are bounded (24 bytes each).
_BOUND_BATCH = 1_000_000


def chunk_keys(chunk: pd.DataFrame, masker: Masker, fields: Sequence[str], texts: dict | None = None
               ) -> tuple[np.ndarray, list[tuple], np.ndarray]:
    """Per-line key ids (n,), the chunk's distinct keys (u tuples, first appearance) and their first rows (u,).

    A key is ``(masked, *fields)``; blank lines share the key of Nones. ``texts``: the chunk's
    :func:`arrow_texts` of its messages, events and ``fields``, where already made.
    """
    n = len(chunk)
    texts = texts if texts is not None else arrow_texts(chunk, fields)
    codes, contents, blank = _text_codes(chunk, texts)
    forms = np.empty(0, dtype=object)
    ids = np.full(n, -1, dtype=np.int64)  # the masked message's code, -1 for a blank line
    if len(contents):
        has = codes >= 0
        forms = np.asarray(masker.mask_many([str(c) for c in contents]), dtype=object)
        # Coded from the distinct contents' forms: no line's text is hashed again.
        ids[has] = pd.factorize(forms)[0][codes[has]]
    present = [name for name in fields if name in chunk]
    for name in present:
        # Coded in the column's own dtype (a flag as bools, not objects), a missing value and a blank line's -1.
        field_codes = (_dictionary_codes(texts[name]) if name in texts else _factorized(chunk[name]))[0]
        field_codes[blank] = -1
        ids = _pair_codes(ids, field_codes)
    ids = pd.factorize(ids)[0].astype(np.int64, copy=False)  # numbered in order of first appearance
    first = _first_rows(ids)
    # Only the keys' first rows are read as objects: None for a blank line or a missing value.
    masked, at = np.full(len(first), None, dtype=object), codes[first]
    masked[at >= 0] = forms[at[at >= 0]]
    columns = [masked] + [_field_values(chunk[name], blank, first) if name in present
                          else np.full(len(first), None, dtype=object) for name in fields]
    return ids, list(zip(*columns)), first


def arrow_texts(chunk: pd.DataFrame, fields: Sequence[str] = ()) -> dict:
    """The chunk's messages, events and ``fields`` that Arrow takes as text, by name (:func:`_arrow_text`):
    converted once for its keys and its kept lines."""
    return {name: array for name in ("content", "event", *fields)
            if name in chunk and (array := _arrow_text(chunk[name])) is not None}


def _text_codes(chunk: pd.DataFrame, texts: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A chunk's :func:`templates.template_text`, blank rows missing, as :func:`_factorized` codes it: codes (n,),
    distinct texts (u,), and the blank rows (n,) bool (``texts``: its :func:`arrow_texts`)."""
    coded = _arrow_text_codes(chunk, texts)
    if coded is not None:
        return coded
    text, blank = template_text(chunk)
    return (*_factorized(text.where(~blank)), blank)


def _arrow_text_codes(chunk: pd.DataFrame, texts: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """:func:`_text_codes` from the messages (and events) converted to Arrow once, where each is text or missing
    and none holds fields after it (``templates.FIELDS_MARK``): pandas' NA test, the events' fill and the search
    for fields each read every line's Python string (45 ms for 200,000 journal lines, the conversion 16 ms);
    None otherwise."""
    import pyarrow as pa
    import pyarrow.compute as pc

    content = texts.get("content")
    event = texts.get("event") if "event" in chunk else content
    if content is None or event is None or pc.any(pc.match_substring(content, FIELDS_MARK)).as_py():
        return None
    blank = content.is_null().to_numpy(zero_copy_only=False)
    if "blank" in chunk:
        if chunk["blank"].dtype != bool:
            return None
        blank = blank | chunk["blank"].to_numpy()
    # A multi-line event is templated as one text, given on each of its rows in "event" (template_text).
    text = pc.if_else(pa.array(blank), pa.scalar(None, pa.string()), pc.coalesce(event, content))
    return (*_dictionary_codes(text), blank)


def _arrow_text(column: pd.Series):
    """An object ``column`` as an Arrow string array, its missing values null; None where a value is neither
    (a number, bytes, a lone surrogate) or the column holds no objects."""
    import pyarrow as pa

    if column.dtype != object:
        return None
    array = arrow_messages(column.to_numpy(), from_pandas=True)
    if array is None and column.isna().all():  # Arrow gives a column with no value no type (null), not text
        return pa.nulls(len(column), pa.string())
    return array


def _dictionary_codes(array) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_factorized` of an Arrow string ``array``."""
    encoded = array.dictionary_encode()
    codes = encoded.indices.fill_null(-1).to_numpy().astype(np.int64)
    return codes, encoded.dictionary.to_numpy(zero_copy_only=False)


def _factorized(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize(column, use_na_sentinel=True)``: codes (n,) int64 in order of first appearance, -1 where
    missing, and the distinct values (u,). A column of text is hashed by Arrow (its own hashing of UTF-8, where
    pandas hashes each fresh Python string: 36 -> 23 ms for 200,000 journal messages); one with a value Arrow
    takes as no text (a number, bytes, a lone surrogate) by pandas."""
    array = _arrow_text(column)
    if array is not None:
        return _dictionary_codes(array)
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    return codes, np.asarray(uniques, dtype=object)


def _first_rows(ids: np.ndarray) -> np.ndarray:
    """The row (u,) where each id of ``ids`` (n,), numbered 0 to u - 1 in order of first appearance, first appears:
    the rows whose id is above every id before them (one pass, no sort)."""
    if not len(ids):
        return np.flatnonzero(ids)
    return np.flatnonzero(ids > np.r_[-1, np.maximum.accumulate(ids)[:-1]])


def _field_values(column: pd.Series, blank: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """A chunk's ``column`` at ``rows`` (u,) as objects, None where the row is blank (``blank`` (n,)) or the value
    missing."""
    values = column.iloc[rows].to_numpy(dtype=object)
    return np.where(blank[rows] | pd.isna(values), None, values)


def _pair_codes(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """One code (n,) per distinct pair of codes ``a`` and ``b`` (n,) int, each from -1 to n - 1."""
    return pd.factorize((a + 1) * (int(b.max(initial=-1)) + 2) + (b + 1))[0]


def event_starts(lines: pd.DataFrame) -> np.ndarray:
    """1 for each row (n,) that starts an event, 0 for the continuation lines of a multi-line event (a stack
    trace's frames): what detectors count, since an event is one occurrence however many lines it spans."""
    if "event_line_no" not in lines or "line_no" not in lines:
        return np.ones(len(lines), dtype=np.int64)
    event, line = lines["event_line_no"].dtype, lines["line_no"].dtype
    if isinstance(event, np.dtype) and isinstance(line, np.dtype) and event.kind in "iu" and line.kind in "iu":
        # Plain integers have no missing value: compared as they are, not as float copies (16 bytes a line).
        return (lines["event_line_no"].to_numpy() == lines["line_no"].to_numpy()).astype(np.int64)
    event, line = (pd.to_numeric(lines[c], errors="coerce").to_numpy(dtype=float) for c in ("event_line_no", "line_no"))
    return (np.isnan(event) | np.isnan(line) | (event == line)).astype(np.int64)


def order_ids(ids: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Each line's table id (n,) int32 as a line order keeps it, from the lines' :func:`event_starts` (n,): a
    continuation line's as ``~id`` (negative), so that the storm rule counts events
    (see :meth:`SpilledOrder.continuations`)."""
    return np.where(starts == 1, ids, ~np.asarray(ids, dtype=np.int64)).astype(np.int32)


def table_ids(order: np.ndarray) -> np.ndarray:
    """The table ids (n,) of :func:`order_ids` (n,)."""
    return np.where(order < 0, ~order, order)


def fit_weights(keys: pd.DataFrame) -> np.ndarray:
    """What each row of a key table weighs in a fit (k,): its events (:func:`event_starts`), else its lines."""
    return keys["events" if "events" in keys else "count"].to_numpy()


class KeyTable:
    """Distinct keys of lines in order of first appearance: line and event counts and first (source, line_no)
    of each."""

    def __init__(self, fields: Sequence[str] = KEY_FIELDS) -> None:
        self.fields = tuple(fields)
        self._index: dict[tuple, int] = {}
        self._counts: list[int] = []
        self._events: list[int] = []
        self._first: list[tuple[str, int]] = []

    def __len__(self) -> int:
        return len(self._counts)

    def add(self, keys: Sequence[tuple], counts: Sequence[int], first: Sequence[tuple[str, int]],
            events: Sequence[int] | None = None) -> np.ndarray:
        """Count u keys (with their line counts (u,), first occurrences and event counts (u,), by default the
        lines); returns their table ids (u,)."""
        events = counts if events is None else events
        out = np.empty(len(keys), dtype=np.int64)
        for j, key in enumerate(keys):
            g = self._index.get(key)
            if g is None:
                g = self._index[key] = len(self._counts)
                self._counts.append(0)
                self._events.append(0)
                self._first.append(first[j])
            self._counts[g] += int(counts[j])
            self._events[g] += int(events[j])
            out[j] = g
        return out

    def add_chunk(self, chunk: pd.DataFrame, masker: Masker, starts: np.ndarray | None = None,
                  texts: dict | None = None) -> np.ndarray:
        """Count the keys of one chunk of lines (``starts``: its :func:`event_starts`, ``texts``: its
        :func:`arrow_texts`, when already made); returns each line's table id (n,)."""
        ids, keys, rows = chunk_keys(chunk, masker, self.fields, texts)
        sources = chunk["source"].iloc[rows].to_numpy(dtype=object)  # the keys' first rows alone as objects
        lines = chunk["line_no"].to_numpy()[rows]
        events = np.bincount(ids, weights=event_starts(chunk) if starts is None else starts).astype(np.int64)
        return self.add(keys, np.bincount(ids), list(zip(sources, lines.tolist())), events)[ids]

    def ids_of(self, chunk: pd.DataFrame, masker: Masker) -> np.ndarray:
        """Table id (n,) of each line of a chunk whose keys were all counted before."""
        ids, keys, _ = chunk_keys(chunk, masker, self.fields)
        try:
            return np.array([self._index[k] for k in keys], dtype=np.int64)[ids]
        except KeyError:
            raise LogInputError("input changed while it was read (a line has no entry in the first pass)") from None

    def merge(self, other: "KeyTable", line_offset: int = 0) -> np.ndarray:
        """Add another table's keys after this one's (first appearance: this, then other); ids (len(other),).

        ``line_offset`` is added to the other table's line numbers (it counted a byte range of a file from 1).
        """
        return self.add(list(other._index), other._counts, [(s, n + line_offset) for s, n in other._first],
                        other._events)

    def frame(self) -> pd.DataFrame:
        """k rows: ``blank``, ``masked`` ('' for blank), the fields, ``count`` (lines), ``events`` (those that
        start an event), first ``source`` and ``line_no``."""
        keys = list(self._index)
        columns = list(zip(*keys)) if keys else [()] * (1 + len(self.fields))
        masked = np.asarray(columns[0], dtype=object)
        out = pd.DataFrame({"blank": np.array([m is None for m in masked], dtype=bool),
                            "masked": np.where(pd.isna(masked), "", masked)})
        for name, values in zip(self.fields, columns[1:]):
            if any(v is not None for v in values):
                out[name] = pd.Series(values, dtype=object)
        out["count"] = np.asarray(self._counts, dtype=np.int64)
        out["events"] = np.asarray(self._events, dtype=np.int64)
        out["source"] = pd.Series([s for s, _ in self._first], dtype=object)
        out["line_no"] = np.asarray([n for _, n in self._first], dtype=np.int64)
        return out


class Stamps(NamedTuple):
    """The routine rule's input (:func:`features.periodic_keys`): (key id (m,), time in ns (m,)) pairs, the
    lines at each pair (m,; one each when None) and the step in ns every line's time lies on (None: read from
    the pairs, which are then every line's); and the storm rule's (:func:`detectors.storm_threshold`): the
    order of the lines, whose ``positions(key ids)`` gives (key id (p,), position (p,)) of their lines in input
    order (None: unknown)."""

    keys: np.ndarray
    times: np.ndarray
    lines: np.ndarray | None = None
    step: int | None = None
    order: object | None = None


def key_times(ids: np.ndarray, chunk: pd.DataFrame) -> np.ndarray:
    """(key id, time in ns, 1) rows (m, 3) int64 of a chunk's lines with their key ids (n,); lines without a
    time are left out."""
    if "timestamp" not in chunk:
        return np.zeros((0, 3), dtype=np.int64)
    stamps = timestamps_ns(chunk["timestamp"])
    has = stamps != NAT
    return np.column_stack([ids[has].astype(np.int64), stamps[has], np.ones(int(has.sum()), dtype=np.int64)])


def bound_times(rows: np.ndarray, keep: int = TIMES_KEPT) -> np.ndarray:
    """The distinct (key id, time) of (key id, time, lines) rows (p, 3) int64 with their lines summed, by key
    then time, each key's ``keep`` earliest and ``keep`` latest times only (all of them for a key of at most
    2 · ``keep``).

    Mergeable: bounding the union of bounded sets gives what bounding the
    union of the full sets gives (a kept time is among the ends of every
    piece that holds it, so its lines are all summed), so workers, chunks and
    the driver can each bound what they hold and the answer does not depend
    on the partitions.
    """
    rows = np.asarray(rows, dtype=np.int64).reshape(-1, 3)
    order = np.lexsort((rows[:, 1], rows[:, 0]))
    key, time, lines = rows[:, 0][order], rows[:, 1][order], rows[:, 2][order]
    del order
    new = np.ones(len(key), dtype=bool)
    np.not_equal(key[1:], key[:-1], out=new[1:])
    new[1:] |= time[1:] != time[:-1]
    first = np.flatnonzero(new)
    key, time = key[first], time[first]
    lines = np.add.reduceat(lines, first) if len(first) else lines[:0]
    starts = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]])) if len(key) else first
    sizes = np.diff(np.append(starts, len(key)))
    rank = np.arange(len(key)) - np.repeat(starts, sizes)
    kept = (rank < keep) | (rank >= np.repeat(sizes, sizes) - keep)
    return np.column_stack([key[kept], time[kept], lines[kept]])


class KeyTimes:
    """The (key id, time, lines) rows of the lines, bounded as they come (:func:`bound_times`), and the step
    all their times lie on: the routine rule's input, at most 2 · ``keep`` rows a key whatever the number of
    lines."""

    def __init__(self, keep: int = TIMES_KEPT) -> None:
        self.keep = keep
        self.origin: int | None = None
        self.step = 0
        self._parts: list[np.ndarray] = []
        self._pending = 0
        self._bounded = 0

    def add(self, rows: np.ndarray, step: int | None = None, origin: int | None = None) -> None:
        """Add rows (p, 3) int64 (as :func:`key_times` makes them); bound the whole once the unbounded rows
        outnumber the bounded (amortised). Bounded rows come with the ``step`` and first time (``origin``) of
        all the times they were bounded from; the step of other rows is read from them."""
        rows = np.asarray(rows, dtype=np.int64).reshape(-1, 3)
        if origin is None and len(rows):
            origin, step = int(rows[0, 1]), int(np.gcd.reduce(rows[:, 1] - rows[0, 1]))
        if origin is not None:
            self.origin = origin if self.origin is None else self.origin
            self.step = int(np.gcd.reduce(np.array([self.step, step or 0, origin - self.origin], dtype=np.int64)))
        self._parts.append(rows)
        self._pending += len(rows)
        if self._pending > max(_BOUND_BATCH, self._bounded):
            self.rows()

    def rows(self) -> np.ndarray:
        """The bounded rows (m, 3): distinct (key id, time) by key then time, with their lines."""
        if len(self._parts) != 1 or self._pending:
            self._parts = [bound_times(np.concatenate(self._parts) if self._parts else np.zeros((0, 3)), self.keep)]
            self._bounded, self._pending = len(self._parts[0]), 0
        return self._parts[0]

    def stamps(self) -> Stamps:
        """The detector's ``times``."""
        rows = self.rows()
        return Stamps(rows[:, 0], rows[:, 1], rows[:, 2], self.step if self.origin is not None else None)


@dataclass
class LineLayout:
    """Columns of the per-line frames in order of appearance, with a dtype each (what ``pd.concat`` would give)."""

    columns: list[str] = field(default_factory=list)
    dtypes: dict[str, object] = field(default_factory=dict)

    def add(self, chunk: pd.DataFrame) -> None:
        """Record one chunk's columns and dtypes."""
        for name in chunk.columns:
            self._add(name, chunk[name].dtype)

    def merge(self, other: "LineLayout") -> None:
        """Record the columns of frames that come after this layout's."""
        for name in other.columns:
            self._add(name, other.dtypes[name])

    def _add(self, name: str, dtype) -> None:
        if name not in self.dtypes:
            self.columns.append(name)
            self.dtypes[name] = dtype
        elif dtype != self.dtypes[name]:
            self.dtypes[name] = pd.concat([pd.Series(dtype=self.dtypes[name]), pd.Series(dtype=dtype)]).dtype

    def conform(self, chunk: pd.DataFrame) -> pd.DataFrame:
        """The chunk with every column, in order and dtype; missing ones empty."""
        out = chunk.reindex(columns=self.columns)
        for name in self.columns:
            if out[name].dtype != self.dtypes[name]:
                out[name] = out[name].astype(self.dtypes[name])
        return out


# pandas writes CSV in blocks of this many cells and formats a datetime column per block
# (fraction digits only when the block needs them): the same blocks give the same text.
_CSV_BLOCK_CELLS = 100_000


class TableWriter:
    """Writes frames to one CSV or Parquet file chunk by chunk, as :func:`atomic.write_table` writes one frame
    (``safe_formulas`` alike); the caller gives a temporary path (:func:`atomic.atomic_path`)."""

    def __init__(self, path: str | os.PathLike, safe_formulas: bool = True) -> None:
        self.path = Path(path)
        self.safe_formulas = safe_formulas
        self._parquet = self.path.suffix.lower() == ".parquet"
        self._writer = None
        self._schema = None
        self._carry: pd.DataFrame | None = None

    def write(self, frame: pd.DataFrame) -> None:
        """Append rows."""
        if self._parquet:
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = arrow_table(frame, self._schema)
            if self._writer is None:
                # A column empty in the first chunk (a field of a later file's format) holds text.
                self._schema = pa.schema([f.with_type(pa.string()) if pa.types.is_null(f.type) else f
                                          for f in table.schema], metadata=table.schema.metadata)
                table = table.cast(self._schema)
                self._writer = pq.ParquetWriter(self.path, self._schema, **parquet_options(self._schema))
            self._writer.write_table(table)
            return
        if self._carry is not None:
            frame = pd.concat([self._carry, frame], ignore_index=True)
        block = _CSV_BLOCK_CELLS // max(len(frame.columns), 1) or 1
        whole = len(frame) // block * block
        self._carry = frame.iloc[whole:]
        if whole or self._writer is None:
            self._csv(frame.iloc[:whole], block)

    def write_arrow(self, table) -> None:
        """Append the rows of a ``pyarrow.Table`` already in the file's :attr:`schema` (Parquet, after a
        first :meth:`write`)."""
        self._writer.write_table(table)

    @property
    def schema(self):
        """The Parquet file's Arrow schema, set by the first :meth:`write`."""
        return self._schema

    def _csv(self, frame: pd.DataFrame, block: int) -> None:
        table = escape_formulas(frame) if self.safe_formulas else frame
        table.to_csv(self.path, mode="a" if self._writer else "w", header=not self._writer, index=False,
                     chunksize=block, lineterminator="\n",
                     quoting=csv.QUOTE_NONNUMERIC if self.safe_formulas else csv.QUOTE_MINIMAL)
        self._writer = True

    def close(self, empty: pd.DataFrame) -> Path:
        """Finish (``empty``: the columns to write when no rows came)."""
        if self._writer is None and self._carry is None:
            self.write(empty)
        if self._parquet:
            self._writer.close()
        elif len(self._carry):
            self._csv(self._carry, len(self._carry))
        return self.path

    def abort(self) -> None:
        """Release the open file (the caller removes it)."""
        if self._parquet and self._writer is not None:
            self._writer.close()


class KeptLines:
    """The first pass's line frames for a second pass that reads no log again, each as an Arrow table in a
    temporary file, with its dtypes.

    ``columns`` None (``parse`` to Parquet): every column the caller keeps (``raw`` dropped), the first chunk as
    it is (one chunk in memory). Else (``analyze``'s line frame) those columns of every chunk, its times as
    nanoseconds, compressed: log text takes a fraction of its size on disk.
    """

    def __init__(self, columns: Sequence[str] | None = None) -> None:
        self.columns = columns
        self.first: pd.DataFrame | None = None
        self.file = tempfile.TemporaryFile()
        self.spans: list[tuple[int, int]] = []  # (offset, bytes) of each later chunk's Arrow stream
        self.dtypes: list[dict] = []

    def add(self, chunk: pd.DataFrame, texts: dict | None = None) -> None:
        """Keep one chunk's rows (``texts``: Arrow arrays of some of its text columns, as Arrow converts them from
        pandas, already made: with every column kept, whose tables are read by name alone (see
        :func:`write_parse`), they are taken as they are)."""
        import pyarrow as pa

        options = None
        if self.columns is None and self.first is None:
            self.first = chunk
            return
        if self.columns is not None:
            chunk = chunk[[c for c in self.columns if c in chunk]]
            if "timestamp" in chunk:
                chunk = chunk.assign(timestamp=timestamps_ns(chunk["timestamp"]).view("datetime64[ns]"))
            options = pa.ipc.IpcWriteOptions(compression="lz4")
        table = _with_arrays(chunk, texts) if self.columns is None and texts else arrow_table(chunk)
        start = self.file.tell()
        with pa.ipc.new_stream(self.file, table.schema, options=options) as writer:
            writer.write_table(table)
        self.file.flush()  # a full disk fails here, where the caller falls back, not when the file is read
        self.spans.append((start, self.file.tell() - start))
        self.dtypes.append(chunk.dtypes.to_dict())

    def fits(self, layout: LineLayout) -> bool:
        """Whether every later chunk has each column of ``layout`` in its dtype (times in any unit), or lacks
        one that would be all missing (text or time), so that Arrow casts give what :meth:`LineLayout.conform`
        gives."""
        is_time = pd.api.types.is_datetime64_dtype
        for dtypes in self.dtypes:
            for name in layout.columns:
                want, got = layout.dtypes[name], dtypes.get(name)
                if got is None:
                    if not (pd.api.types.is_object_dtype(want) or isinstance(want, pd.StringDtype) or is_time(want)):
                        return False
                elif got != want and not (is_time(got) and is_time(want)):
                    return False
        return True

    def tables(self) -> Iterator:
        """The later chunks as ``pyarrow.Table`` s, in order."""
        import pyarrow as pa

        for start, size in self.spans:
            self.file.seek(start)
            yield pa.ipc.open_stream(self.file.read(size)).read_all()

    def frames(self) -> Iterator[pd.DataFrame]:
        """The kept chunks as frames, in order (texts as pandas makes them of Arrow strings)."""
        for table in self.tables():
            yield table.to_pandas()


def _with_arrays(chunk: pd.DataFrame, arrays: dict):
    """``chunk`` as a pyarrow Table (:func:`atomic.arrow_table`), its columns among ``arrays`` taken from there,
    in its order; the pandas metadata names only the others."""
    # A column with no value is converted anew: Arrow gives it no type (null), where arrays hold it as text.
    given = [name for name in chunk.columns if name in arrays and arrays[name].null_count < len(chunk)]
    table = arrow_table(chunk.drop(columns=given))
    for name in given:
        table = table.add_column(chunk.columns.get_loc(name), name, arrays[name])
    return table


class SpilledOrder:
    """The order of the lines from a first pass's spill file (each line's table id, 4 bytes a line), read
    block by block (:meth:`positions`: see :class:`Stamps`)."""

    def __init__(self, spill: IO[bytes], block: int = CHUNK_LINES, file_bounds: np.ndarray | None = None) -> None:
        self.spill = spill
        self.block = block
        self.file_bounds = file_bounds  # position of each file's first line, then the line count (f + 1,)

    def positions(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(key id (p,), position (p,)) of every line whose key is among ``keys``, in input order."""
        return join_positions([key_positions(ids, keys, start) for ids, start in self._blocks()])

    def continuations(self) -> np.ndarray:
        """Positions (c,) of the lines that continue an event (a stack trace's frames), in input order."""
        return np.concatenate([np.zeros(0, dtype=np.int64)]
                              + [continuation_positions(ids, start) for ids, start in self._blocks()])

    def _blocks(self) -> Iterator[tuple[np.ndarray, int]]:
        """The spilled order ids a block at a time, with the position of each block's first line; the spill file
        is left at its start again."""
        self.spill.seek(0)
        start = 0
        while len(ids := np.fromfile(self.spill, dtype=np.int32, count=self.block)):
            yield ids, start
            start += len(ids)
        self.spill.seek(0)


def key_positions(ids: np.ndarray, keys: np.ndarray, start: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(key id (p,), position (p,)) of the lines among ``ids`` (n,), the :func:`order_ids` of lines ``start``
    onwards, whose key is among ``keys``."""
    ids = table_ids(ids)
    keys = np.asarray(keys, dtype=np.int64)
    wanted = np.zeros(int(keys.max(initial=-1)) + 2, dtype=bool)  # the last slot stands for every other key
    wanted[keys] = True
    at = np.flatnonzero(wanted[np.minimum(ids, len(wanted) - 1)])
    return ids[at].astype(np.int64), at + np.int64(start)


def continuation_positions(ids: np.ndarray, start: int = 0) -> np.ndarray:
    """Positions (c,) of the continuation lines among :func:`order_ids` (n,) of lines ``start`` onwards."""
    return np.flatnonzero(ids < 0) + np.int64(start)


def join_positions(parts: Sequence[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """:func:`key_positions` of consecutive pieces of the lines joined in order."""
    if not parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate([k for k, _ in parts]), np.concatenate([p for _, p in parts])


@dataclass
class StreamRun:
    """What the first pass over some logs found: the key table, the read report, the line layout, each
    line's table id spilled to a temporary file (4 bytes a line, on disk) so that the second pass masks nothing,
    and the (table id, time) pairs the routine rule reads (:class:`KeyTimes`, bounded by the keys)."""

    paths: Sequence[str | os.PathLike]
    fmt: str
    json_key: str
    table: KeyTable
    report: ReadReport
    layout: LineLayout
    spill: IO[bytes]
    stamps: KeyTimes
    lines: dict[str, int] = field(default_factory=dict)
    chunk_lines: int = CHUNK_LINES
    kept: KeptLines | None = None
    states: dict[str, tuple | None] = field(default_factory=dict)  # each file's size, change time and inode, as read
    reading: str = ""  # the file the second pass reads now
    time_format: str | None = None  # how the logs' times are written, where the user gave it

    def chunks(self) -> Iterator[pd.DataFrame]:
        """The input's line chunks again (second pass), with the format found in the first, up to the sizes it read
        (a log written to meanwhile grew); a file changed since (rewritten, truncated: its size or change time
        differ, and it did not grow) or fewer lines in all is a clear error."""
        years: dict = {}  # rotated logs' year rollers, carried from file to file as in the first pass
        for path in self.report.files:
            now = _file_state(path)
            # Grown: the same file (a rotated log's new one in its place is another) with more bytes.
            grew = path in self.report.sizes and None not in (now, self.states.get(path)) \
                and now[0] > self.states[path][0] and now[2:] == self.states[path][2:]
            if path in self.states and self.states[path] != now and not grew:  # an empty file has none
                if not os.path.exists(path):
                    raise LogInputError(f"{path}: input removed while it was read (between the two passes)")
                raise LogInputError(f"{path}: input changed while it was read (its size or change time differ, or "
                                    "another file took its place)")
            self.reading = path
            found = self.report.formats.get(path, self.fmt)
            # An inferred layout has no name to look up: "auto" infers it again from the same lines.
            fmt = self.fmt if self.fmt != "auto" or found not in PRESETS else found
            yield from iter_log_chunks(path, fmt, self.chunk_lines, json_key=self.json_key, years=years,
                                       sizes=self.report.sizes, time_format=self.time_format)
        if len(np.fromfile(self.spill, dtype=np.int32, count=1)):
            raise LogInputError("input changed while it was read (fewer lines than in the first pass)")

    def ids(self, n: int) -> np.ndarray:
        """The next n lines' table ids (n,) from the spill file."""
        ids = np.fromfile(self.spill, dtype=np.int32, count=n)
        if len(ids) != n:
            where = f"{self.reading}: " if self.reading else ""
            raise LogInputError(f"{where}input changed while it was read (more lines than in the first pass)")
        return table_ids(ids)

    def times(self) -> Stamps:
        """What the detector's routine and storm rules read of the lines' times and order (:class:`Stamps`)."""
        bounds = np.cumsum([0, *self.lines.values()])  # files in input order
        return self.stamps.stamps()._replace(order=SpilledOrder(self.spill, file_bounds=log_bounds(
            list(self.lines), bounds[:-1], int(bounds[-1]))))


def log_bounds(names: Sequence[str], starts: Sequence[int], end: int) -> np.ndarray:
    """Each log's first line position, then the line count ``end`` (l + 1,), from its files' names and first
    positions in input order: files of one rotated log read one after another are one log (a storm goes on
    across a rotation)."""
    stems = [rotation_stem(str(name)) for name in names]
    kept = [start for i, start in enumerate(starts) if i == 0 or stems[i] != stems[i - 1]]
    return np.array([*kept, end], dtype=np.int64)


def _file_state(path: str) -> tuple | None:
    """A file's size, change time and inode (None where it has none to read): what a rewrite or a rotation between
    passes changes."""
    try:
        state = os.stat(path)
    except OSError:
        return None
    return state.st_size, state.st_mtime_ns, state.st_dev, state.st_ino


def count_keys(paths, fmt: str = "auto", json_key: str = "message", masker: Masker | None = None,
               fields: Sequence[str] = KEY_FIELDS, chunk_lines: int = CHUNK_LINES,
               keep_lines: bool | Sequence[str] = False, times: bool = True, time_format: str | None = None
               ) -> StreamRun:
    """First pass: count the keys of every line of ``paths``, one chunk in memory at a time (``keep_lines``:
    and keep the lines' columns, True for :func:`write_parse` to Parquet, :data:`LEAN_COLUMNS` for
    :func:`line_frame`, see :class:`KeptLines`; ``times``: and what the routine rule reads of their times,
    which a parse needs none of; ``time_format``: how their times are written, where given)."""
    masker = masker if masker is not None else Masker()
    report, table, layout = ReadReport(), KeyTable(fields), LineLayout()
    kept = None if keep_lines is False else KeptLines(None if keep_lines is True else tuple(keep_lines))
    run = StreamRun(paths, fmt, json_key, table, report, layout, tempfile.TemporaryFile(), KeyTimes(),
                    {}, chunk_lines, kept, time_format=time_format)
    for chunk in iter_log_chunks(paths, fmt, chunk_lines, report, json_key, time_format=time_format):
        starts = event_starts(chunk)
        texts = arrow_texts(chunk, fields)
        ids = table.add_chunk(chunk, masker, starts, texts)
        run.spill.write(order_ids(ids, starts).tobytes())
        if times:
            run.stamps.add(key_times(ids, chunk))
        lines = chunk.drop(columns="raw")
        layout.add(lines)
        if run.kept is not None:
            try:
                run.kept.add(lines if run.kept.columns is None else chunk, texts)
            except OSError:  # no room left for them (a full temporary folder): the second pass reads the logs
                with contextlib.suppress(OSError):  # closing flushes what could not be written, and fails again
                    run.kept.file.close()
                run.kept = None
        source = str(chunk["source"].iloc[0])
        run.lines[source] = run.lines.get(source, 0) + len(chunk)
        run.states[source] = _file_state(source)
    report.finish()
    check_read(report)
    return run


def check_read(report: ReadReport) -> None:
    """Raise :class:`LogInputError` when a first pass read no line: no readable file, or only empty ones."""
    if not report.files:
        raise LogInputError("no readable log file among the inputs: " + "; ".join(report.skipped_files))
    if not report.lines:
        raise LogInputError("no lines to read: " + "; ".join(report.warnings or report.files))


def mine_table(keys: pd.DataFrame, miner: LogTemplateMiner, learn: bool = True) -> pd.DataFrame:
    """The key table plus ``template_id`` and ``template``: templates mined once on its masked messages.

    Same ids as :func:`templates.mine_templates` on the lines the table counts.
    """
    real = ~keys["blank"].to_numpy(dtype=bool)
    messages = keys.loc[real].groupby("masked", sort=False)["count"].sum()
    ids = np.full(len(keys), -1, dtype=np.int64)
    if len(messages):
        found = template_ids(miner, list(messages.index), messages.to_numpy(), learn)
        ids[real] = pd.Series(found, index=messages.index).reindex(keys.loc[real, "masked"]).to_numpy()
    out = keys.copy()
    out["template_id"] = ids
    out["template"] = pd.Series(miner.template_of(ids), dtype=object)
    return out


def parse_rows(chunk: pd.DataFrame, ids: np.ndarray, keys: pd.DataFrame, layout: LineLayout) -> pd.DataFrame:
    """Output rows of ``logad parse`` for one chunk: its columns but ``raw``, plus masked, template_id, template."""
    out = layout.conform(chunk.drop(columns="raw", errors="ignore"))
    for name in ("masked", "template_id", "template"):
        values = keys[name].to_numpy()
        # The keys' values in the dtype pandas infers for them (its string dtype for text), taken per line:
        # what assigning the per-line values gives, without converting every line's text.
        out[name] = pd.Series(values).array.take(ids) if len(ids) and values.dtype == object else values[ids]
    return out


def score_rows(chunk: pd.DataFrame, ids: np.ndarray, keys: pd.DataFrame) -> pd.DataFrame:
    """Output rows of ``logad detect``/``score`` for one chunk (needs ``score``, ``is_anomaly`` in ``keys``)."""
    return pd.DataFrame({
        "source": chunk["source"].astype(str).to_numpy(),
        "line_no": chunk["line_no"].to_numpy(),
        "template_id": keys["template_id"].to_numpy()[ids],
        "score": keys["score"].to_numpy(dtype=float)[ids],
        "is_anomaly": keys["is_anomaly"].to_numpy(dtype=np.int64)[ids],
    })


def write_frames(frames: Iterable[pd.DataFrame], path: str | os.PathLike, empty: pd.DataFrame,
                 safe_formulas: bool = True) -> None:
    """Write frames one after another to ``path`` (no rename: give a temporary path)."""
    writer = TableWriter(path, safe_formulas)
    try:
        for frame in frames:
            writer.write(frame)
        writer.close(empty)
    except BaseException:
        writer.abort()
        raise


def _write(frames: Iterable[pd.DataFrame], out: str | os.PathLike, empty: pd.DataFrame, safe_formulas: bool) -> Path:
    with atomic_path(out) as tmp:
        write_frames(frames, tmp, empty, safe_formulas)
    return Path(out)


def write_parse(run: StreamRun, keys: pd.DataFrame, masker: Masker, out: str | os.PathLike,
                safe_formulas: bool = True) -> Path:
    """Second pass of ``parse``: every line with its template, written chunk by chunk (``masker`` is not
    needed here: the spilled ids say each line's key)."""
    run.spill.seek(0)
    empty = pd.DataFrame(columns=[c for c in run.layout.columns] + ["masked", "template_id", "template"])
    if run.kept is not None and run.kept.columns is None and Path(out).suffix.lower() == ".parquet" \
            and run.kept.fits(run.layout):
        with atomic_path(out) as tmp:
            _write_kept(run, keys, tmp, empty)
        return Path(out)
    rows = (parse_rows(c, run.ids(len(c)), keys, run.layout) for c in run.chunks())
    return _write(rows, out, empty, safe_formulas)


def _write_kept(run: StreamRun, keys: pd.DataFrame, path: Path, empty: pd.DataFrame) -> None:
    """Write the kept lines with their templates to Parquet: the first chunk as :func:`parse_rows` makes it (it
    sets the schema), the later Arrow tables cast to that schema, key columns taken by id."""
    import pyarrow as pa

    writer = TableWriter(path)
    try:
        if run.kept.first is not None:
            writer.write(parse_rows(run.kept.first, run.ids(len(run.kept.first)), keys, run.layout))
        schema = writer.schema
        taken = {name: pa.array(keys[name].to_numpy(), type=schema.field(name).type, from_pandas=True)
                 for name in ("masked", "template_id", "template")} if schema is not None else {}
        for table in run.kept.tables():
            ids = pa.array(run.ids(table.num_rows))
            columns = [pa.chunked_array([taken[f.name].take(ids)]) if f.name in taken
                       else _column_as(table, f) for f in schema]
            writer.write_arrow(pa.Table.from_arrays(columns, schema=schema))
        writer.close(empty)
    except BaseException:
        writer.abort()
        raise


def _column_as(table, field):
    """Column ``field.name`` of an Arrow table cast to the field's type; all null where the table lacks it."""
    import pyarrow as pa

    if field.name not in table.column_names:
        return pa.chunked_array([pa.nulls(table.num_rows, field.type)], type=field.type)
    column = table[field.name]
    return column if column.type == field.type else column.cast(field.type)


def write_scores(run: StreamRun, keys: pd.DataFrame, masker: Masker, out: str | os.PathLike,
                 safe_formulas: bool = True) -> Path:
    """Second pass of ``detect``/``score``: every line's template, score and label from the spilled ids
    (the logs are not read again), written chunk by chunk."""
    rows = (score_rows(lines, ids, keys) for lines, ids in _spilled_lines(run))
    empty = pd.DataFrame(columns=["source", "line_no", "template_id", "score", "is_anomaly"])
    return _write(rows, out, empty, safe_formulas)


def _spilled_lines(run: StreamRun) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
    """Frames of ``source, line_no`` (at most ``chunk_lines`` rows) with their table ids, in input order."""
    run.spill.seek(0)
    for source, n in run.lines.items():
        for start in range(0, n, run.chunk_lines):
            stop = min(start + run.chunk_lines, n)
            yield pd.DataFrame({"source": source, "line_no": np.arange(start + 1, stop + 1)}), run.ids(stop - start)


def with_scores(keys: pd.DataFrame, scores: np.ndarray, labels: np.ndarray) -> pd.DataFrame:
    """The key table plus each key's ``score`` (k,) and ``is_anomaly`` (k,)."""
    out = keys.copy()
    out["score"] = np.asarray(scores, dtype=float)
    out["is_anomaly"] = np.asarray(labels, dtype=np.int64)
    return out


def fit_score(detector, keys: pd.DataFrame, times: Stamps,
              train: pd.DataFrame | None = None, prepare=None) -> pd.DataFrame:
    """Fit the detector once on a key table (``train``'s, else ``keys``'), counts as weights and ``times`` what
    the routine rule reads of its lines' times (``run.times()``); score ``keys``. ``prepare(detector, table)``:
    a context the fit and the scoring of a table run in (an engine's vectors computed elsewhere)."""
    prepare = prepare or _as_is
    if train is not None:
        with prepare(detector, train):
            detector.fit(train, sample_weight=fit_weights(train), times=times)
        return score_keys(detector, keys, prepare)
    with prepare(detector, keys):
        scores = detector.fit(keys, sample_weight=fit_weights(keys), times=times).decision_scores_
    return with_scores(keys, scores, detector.label(scores))


def score_keys(detector, keys: pd.DataFrame, prepare=None) -> pd.DataFrame:
    """The key table scored by a fitted detector (``prepare`` as in :func:`fit_score`)."""
    with (prepare or _as_is)(detector, keys):
        scores = detector.decision_function(keys)
    return with_scores(keys, scores, detector.label(scores))


def _as_is(detector, keys: pd.DataFrame) -> contextlib.AbstractContextManager:
    return contextlib.nullcontext()


def lean_rows(chunk: pd.DataFrame, ids: np.ndarray, keys: pd.DataFrame, raw_keys: np.ndarray,
              layout: LineLayout, mentions=None) -> pd.DataFrame:
    """One lean row per line of a chunk (n rows): ``source``, ``line_no``, ``key`` (table id), ``content``,
    ``timestamp`` and ``event_line_no`` when the logs have them, and ``raw`` only on the first line of each
    key (``keys``' ``source``, ``line_no``) and on the lines of the keys where ``raw_keys`` (k,) is true.

    ``mentions``: a :class:`rca.UnitMentions`; when given, ``mentions`` holds the unit names each line's
    content names and ``content`` is kept only where ``raw`` is (distinct contents are most of a lean
    frame's memory, and root causes need only the names in them). Text columns are categoricals: each
    distinct text once per chunk.
    """
    n = len(chunk)
    line_no = _narrow_line_numbers(chunk["line_no"])
    source = str(chunk["source"].iloc[0])  # a chunk is part of one file
    first = (keys["line_no"].to_numpy()[ids] == line_no) & (keys["source"].to_numpy(dtype=object)[ids] == source)
    keep = first | np.asarray(raw_keys, dtype=bool)[ids]
    content = chunk["content"] if "content" in chunk else pd.Series([None] * n)
    rows = {"source": pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), [source]), "line_no": line_no,
            "key": ids.astype(np.int32), "content": _categorical(content if mentions is None else content.where(keep)),
            "raw": _categorical(chunk["raw"].where(keep))}
    if mentions is not None:
        codes, texts = pd.factorize(content, use_na_sentinel=True)
        found = np.array(mentions.of(texts) + [""], dtype=object)
        rows["mentions"] = _categorical(pd.Series(found[codes], dtype=object))
    if "timestamp" in layout.dtypes:
        stamps = timestamps_ns(chunk["timestamp"]) if "timestamp" in chunk else np.full(n, NAT)
        rows["timestamp"] = stamps.view("datetime64[ns]")
    if "event_line_no" in layout.dtypes:
        # A file without multi-line events: each line is its own event.
        rows["event_line_no"] = _narrow_line_numbers(chunk["event_line_no" if "event_line_no" in chunk else "line_no"])
    if LAYOUT_COLUMN in layout.dtypes:
        rows[LAYOUT_COLUMN] = layout_numbers(chunk)
    return pd.DataFrame(rows)


def layout_numbers(frame: pd.DataFrame) -> np.ndarray:
    """Which of its file's layouts (:data:`formats.LAYOUT_COLUMN`: one per program writing to it) read each line
    (n,) int8, 1 on; 0 where none did, or the file has one."""
    if LAYOUT_COLUMN not in frame:
        return np.zeros(len(frame), dtype=np.int8)
    return pd.to_numeric(frame[LAYOUT_COLUMN], errors="coerce").fillna(0).to_numpy(dtype=np.int8)


def _narrow_line_numbers(values: pd.Series) -> np.ndarray:
    """Line numbers (n,) as int32 where they fit: two such columns are a lean frame's widest but its times."""
    numbers = values.to_numpy(dtype=np.int64)
    return numbers.astype(np.int32) if len(numbers) and numbers.max() < 2 ** 31 and numbers.min() >= 0 else numbers


def _categorical(texts: pd.Series) -> pd.Categorical:
    """Texts as a categorical whose categories are in order of first appearance (whatever the chunking)."""
    codes, uniques = pd.factorize(texts, use_na_sentinel=True)
    return pd.Categorical.from_codes(codes, uniques)


def join_lean(parts: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Lean rows of consecutive chunks (:func:`lean_rows`) as one frame; text columns stay categoricals with
    each distinct text once."""
    # Each part is reduced to its columns' arrays (texts as codes) and let go before the next is made, and each
    # column is joined on its own: a frame of the parts and then one of them all would hold the lines three times.
    columns: dict[str, list[np.ndarray]] = {}
    codes: dict[str, _TextCodes] = {}
    for part in parts:
        for name in part.columns if len(part) else ():  # a partition without lines adds nothing
            values = part[name]
            if name in _LEAN_TEXTS:
                values = codes.setdefault(name, _TextCodes()).codes(values)
            columns.setdefault(name, []).append(values.to_numpy() if isinstance(values, pd.Series) else values)
    joined = {}
    for name in list(columns):
        values = np.concatenate(columns.pop(name))
        joined[name] = codes[name].categorical(values) if name in codes else values
    frame = pd.DataFrame(joined, copy=False)
    if _own_events(frame):  # one array for both (4 bytes a line); copy-on-write keeps a write to either its own
        frame["event_line_no"] = frame["line_no"]
    return frame


def _own_events(frame: pd.DataFrame) -> bool:
    """Whether every line of ``frame`` is its own event: ``event_line_no`` is ``line_no``, value and type."""
    if "event_line_no" not in frame or "line_no" not in frame:
        return False
    event, line = frame["event_line_no"].to_numpy(), frame["line_no"].to_numpy()
    return event.dtype == line.dtype and np.array_equal(event, line)


_LEAN_TEXTS = ("source", "content", "raw", "mentions")  # the text columns of lean rows


class _TextCodes:
    """Distinct texts in order of first appearance, coded part by part: each distinct text is stored once."""

    def __init__(self) -> None:
        self._index: dict[str, int] = {}

    def codes(self, texts: pd.Categorical | pd.Series) -> np.ndarray:
        """Code (n,) int32 of each text of a categorical, -1 where missing."""
        values = pd.Categorical(texts)
        table = np.array([self._index.setdefault(t, len(self._index)) for t in values.categories] + [-1],
                         dtype=np.int32)
        return table[values.codes]

    def categorical(self, codes: np.ndarray) -> pd.Categorical:
        """The texts (n,) of codes as a categorical."""
        return pd.Categorical.from_codes(codes, pd.Index(list(self._index), dtype=object))


def line_frame(run: StreamRun, keys: pd.DataFrame, raw_keys: np.ndarray, masker: Masker | None = None,
               mentions=None) -> pd.DataFrame:
    """Second pass: :func:`lean_rows` of every line (n rows) from the spilled key ids, of the lines the first pass
    kept when it kept :data:`LEAN_COLUMNS` (else read again; ``masker`` is not needed here).

    Memory: about 30 bytes a line plus each distinct text once, whatever the lines repeat.
    """
    run.spill.seek(0)
    kept = run.kept is not None and run.kept.columns == LEAN_COLUMNS
    return join_lean(lean_rows(chunk, run.ids(len(chunk)), keys, raw_keys, run.layout, mentions)
                     for chunk in (run.kept.frames() if kept else run.chunks()))


def first_lines(key: np.ndarray, block: int = 1 << 20) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """From per-line key ids (n,): the row of each key's first line (u,) in line order, its line count (u,),
    and each line's position in those (n,) int32."""
    key = np.asarray(key)
    if len(key) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32)
    if key.dtype.kind not in "iu" or int(key.max()) - int(key.min()) >= len(key):
        key = pd.factorize(key, use_na_sentinel=False)[0]  # any other keys (NaN kept) as dense codes
    low = int(key.min())
    span = int(key.max()) - low + 1
    # Table ids are dense: a slot per id, filled a block of lines at a time. A factorization, or a sort,
    # takes 8 bytes a line and more: 250 MB at 10M lines, the widest step of writing an analysis.
    first, counts = np.full(span, len(key), dtype=np.int64), np.zeros(span, dtype=np.int64)
    for lo in range(0, len(key), block):
        part = key[lo:lo + block].astype(np.int64) - low  # in the keys' own narrow type it could overflow
        np.minimum.at(first, part, np.arange(lo, lo + len(part)))
        counts += np.bincount(part, minlength=span)
    order = np.flatnonzero(counts)
    order = order[np.argsort(first[order], kind="stable")]
    rank = np.zeros(span, dtype=np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    point = np.empty(len(key), dtype=np.int32)
    for lo in range(0, len(key), block):
        point[lo:lo + block] = rank[key[lo:lo + block].astype(np.int64) - low]
    return first[order], counts[order], point


def with_key_columns(lines: pd.DataFrame, keys: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """``lines`` (n rows with ``key``) plus the key table's ``columns``, looked up by key: text as categoricals
    (4 bytes a line), numbers and flags as they are."""
    ids = lines["key"].to_numpy()
    out = lines.copy(deep=False)
    for name in columns:
        if name not in keys:
            continue
        values = keys[name]
        if not (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)):
            codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
            out[name] = pd.Categorical.from_codes(codes[ids], uniques)
        else:
            out[name] = values.to_numpy()[ids]
    return out
