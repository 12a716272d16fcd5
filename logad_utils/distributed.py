"""The Dask path: partitions -> distinct keys with counts -> fit once on the driver -> broadcast score.

1. Partitions are files, and byte ranges of large plain-text files cut on line
   boundaries (``\\n``, ``\\r\\n`` or a lone ``\\r``) where an event starts
   (past a stack trace's lines). Gzip and UTF-16
   files are one partition each. Where timestamps are times of day (or dates
   without a year), a range reports its first and last time and its rollovers,
   and the driver gives each range the day (or year) count it starts on.
2. Workers read, header-parse and mask their partition and return its key table
   (:class:`~logad_utils.streaming.KeyTable`) and line count. The driver merges
   the tables in partition order (first appearance, as on one machine), turns
   each range's line count into the true ``line_no`` of the next range, mines
   templates and fits the detector once.
   A BERT detector's vectors of the unique messages are computed on the
   workers, in whole batches of the embedder's order (the model loads once per
   worker), and handed to the fit: the driver only tokenizes.
3. The key table with its templates and scores is scattered to every worker;
   workers read their partition again and write one output file each into a
   hidden folder, renamed to the output name with a ``_SUCCESS`` marker when
   every partition is written. A partition whose worker died is run again by
   Dask; when it cannot be, the folder is removed and the error is one line.

``dask.distributed`` is imported only when a cluster is used.
"""
from __future__ import annotations

import asyncio
import functools
import io
import logging
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import chain, pairwise
from pathlib import Path
from typing import IO, Callable, Iterator, Sequence

import numpy as np
import pandas as pd

from .atomic import atomic_dir
from .formats import PRESETS, ZONED, LogFormat, get_format
from .io import (_CONTEXT_LINES, _INVALID, _MAX_CARRY, _SNIFF_BYTES, CLOCK_JUMPS, LogInputError, ReadReport, _DayRoller,
                 _YearRoller, _frame_for, _is_time_of_day, _is_year_less, _leading_continuations,
                 _sniff_encoding, _uncounted, _whole_events, clock_steps, clock_times, clock_warning, compression,
                 day_month_warning, file_layout, goes_on, iter_log_chunks, line_ends, note_clock, note_uptime,
                 note_zone, own_date, past_nuls, read_detection_sample, resolve_paths, roll_clock, rotation_stem,
                 split_line_batches, split_lines, start_date, strip_escapes)
from .multiline import Multiline, infer_multiline, is_separator
from .masking import Masker
from .embeddings import preset_vectors
from .streaming import (CHUNK_LINES, KEY_FIELDS, KeyTable, KeyTimes, LineLayout, Stamps, bound_times, check_read,
                        continuation_positions, event_starts, fit_score, join_lean, join_positions, key_positions,
                        key_times, lean_rows, log_bounds, order_ids, parse_rows, score_keys, score_rows, table_ids,
                        write_frames)

__all__ = ["Partition", "DaskEngine", "ClusterError", "connect", "plan_partitions", "split_points", "SUCCESS"]

BLOCK_BYTES = 64 << 20
SUCCESS = "_SUCCESS"
_SCAN = 1 << 16
_LOOKAHEAD = 4 << 20  # bytes read past a range for continuation lines of its last event
_BEHIND = 64 << 10  # bytes read at a time back from a range for its last lines, which its first may continue
_EMBED_BATCHES = 8  # embedder batches per task


_DAY_NS = 86400 * 10**9


class ClusterError(RuntimeError):
    """The cluster could not finish a run (a worker kept dying, or the scheduler is unreachable)."""


@dataclass(frozen=True)
class Partition:
    """A whole file (``end`` None) or the bytes [start, end) of one, starting and ending on line boundaries.

    ``rule`` is the file's multi-line rule (found on its first lines); ``anchor`` (ISO date) is set where
    the file's timestamps are times of day; ``days`` and ``last`` are the day roller's state at ``start``
    (see :class:`io._DayRoller`), ``years`` and ``year_last`` the year roller's (:class:`io._YearRoller`).
    """

    source: str
    fmt: str | LogFormat
    start: int = 0
    end: int | None = None
    rule: Multiline | None = None
    anchor: str | None = None
    days: int = 0
    last: float | None = None
    years: int = 0
    year_last: float | None = None
    after: int | None = None  # the end of the next range of the file: how far this one looks for its event's lines
    own: str | None = None  # the date the file's messages give its year-less times (io.own_date)
    time_format: str | None = None  # --time-format, that a whole file's reader is given again (io.iter_log_chunks)


def split_points(path: str | os.PathLike, block_bytes: int, fmt: LogFormat | None = None,
                 rule: Multiline | None = None) -> list[int]:
    """Byte offsets [0, ..., size] cutting a plain file into ranges of about ``block_bytes`` at line starts.

    A cut goes after the first line end at or past each multiple of ``block_bytes`` (a "\\n", or a lone "\\r" in a
    file of those: :func:`io.line_ends`), so every range holds whole lines; given the file's layout and multi-line
    rule, past the continuation lines that open there (:func:`_event_start`).
    """
    size = os.path.getsize(path)
    points = [0]
    with open(path, "rb") as fh:
        end = _line_end(fh)
        target = block_bytes
        while target < size:
            cut = _next_line_start(fh, max(target, points[-1]), size, end)
            if fmt is not None and rule is not None and cut < size:
                cut = _event_start(fh, cut, size, end, fmt, rule)
            opening = _separators_start(fh, cut, size, end, points[-1])
            if opening == points[-1]:  # the range holds only separators: it goes on to the event after them
                target = cut + 1
                continue
            cut = opening
            if cut >= size:
                break
            points.append(cut)
            target = cut + block_bytes
    return points + [size]


def _line_end(fh: IO[bytes]) -> bytes:
    """The byte that ends a file's lines: "\n", or "\r" in a file of lone ones (:func:`io.line_ends`)."""
    return b"\n" if _newline(fh.name) == "" else b"\r"


def _newline(path: str) -> str | None:
    """:func:`io.line_ends` of a plain file, worked out once per file as it is now (size and time of change):
    a file of lone "\r" is read to its end to find no "\n", and every range of it asks."""
    stat = os.stat(path)
    return _newline_of(str(path), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=256)
def _newline_of(path: str, size: int, mtime_ns: int) -> str | None:
    with open(path, "rb") as fh:
        return line_ends(path, fh.read(_SNIFF_BYTES))


def _next_line_start(fh: IO[bytes], offset: int, size: int, end: bytes) -> int:
    """Offset of the first line start after ``offset`` (``size`` when there is none), lines ending with ``end``
    (a file ends its lines with lone "\\r"s only where it holds no "\\n": :func:`io.line_ends`)."""
    fh.seek(offset)
    while offset < size:
        block = fh.read(_SCAN)
        i = block.find(end)
        if i >= 0:
            return offset + i + 1
        offset += _SCAN
        fh.seek(offset)
    return size


def _event_start(fh: IO[bytes], cut: int, size: int, end: bytes, fmt: LogFormat, rule: Multiline) -> int:
    """The first line start at or after ``cut`` that opens an event, where the continuation lines that open there
    end within ``_LOOKAHEAD`` bytes and ``io._MAX_CARRY`` lines; else ``cut``.

    A range then holds its events whole, however many ranges long: a range
    that only continues the event before it would read its lines as an
    event of their own, and the range after it its lines too.
    """
    before = _lines_before(fh.name, cut)
    for stop in (min(cut + _SCAN, size), min(cut + _LOOKAHEAD, size)):
        lines = _lines_between(fh.name, cut, stop)
        k = _leading_continuations(lines, fmt, rule, before, final=stop >= size)
        if k is not None:
            break
    if not k or k >= _MAX_CARRY:  # none, undecided, or a run the ranges cut as one process does
        return cut
    if k == len(lines):  # the file ends in that event: the range before holds it whole
        return size
    fh.seek(cut)
    block, at = fh.read(stop - cut), -1
    for _ in range(k):
        at = block.index(end, at + 1)
    return cut + at + 1


def _separators_start(fh: IO[bytes], cut: int, size: int, end: bytes, floor: int) -> int:
    """The line start of the separators (:func:`multiline.is_separator`) just before ``cut``, down to ``floor``,
    else ``cut``; ``size`` where only separators follow ``cut``. As one process reads them, they take the time of
    the event after them, so the range holding that event opens with them, and at the file's end the event before."""
    if size - cut <= _SCAN:
        fh.seek(cut)
        if all(is_separator(_text(line)) for line in fh.read(size - cut).removesuffix(end).split(end)):
            return size
    start = max(floor, cut - _SCAN)
    fh.seek(start)
    lines = fh.read(cut - start).split(end)[:-1]  # ``cut`` is a line start
    at = cut
    for line in reversed(lines[1:] if start > floor else lines):  # the first may start before ``start``
        if not is_separator(_text(line)):
            break
        at -= len(line) + len(end)
    return at


def _text(line: bytes) -> str:
    """A line's bytes as text, without the "\r" of a "\r\n" end and its terminal control sequences, as read."""
    return strip_escapes(line.decode("utf-8", "replace").rstrip("\r"))


def _head(path: Path, fmt: str, json_key: str, time_format: str | None = None
          ) -> tuple[LogFormat | None, LogFormat | str | None, Multiline | None, str | None, str | None, bool,
                     str | None]:
    """The format found on a file's first lines (None for an empty file), the format its ranges use (the layout
    itself where it was inferred or its times were given a layout, :func:`io.file_layout`), its
    multi-line rule, where its timestamps are times of day the date they start on, where they lack a year the date
    its messages give them (ISO dates), whether it is a JSON document read record by record
    (:func:`io.json_document`), and a warning where its dates read day or month first alike
    (:func:`io.day_month_warning`)."""
    fixed = get_format(fmt, json_key=json_key) if fmt != "auto" else None  # a bad format fails on any file
    sample, _, document = read_detection_sample(path, fixed)
    if not sample:
        return None, None, None, None, None, False, None
    # The layout io detects on these same lines; an inferred one has no name to look up, so the ranges get it.
    layout = file_layout(str(path), fixed, sample, time_format)
    found = layout.name
    if fixed:  # by its text, or with the layout the file's times (or --time-format) gave it
        spec = fmt if layout is fixed else layout
    else:  # a preset by its name, an inferred layout (or a preset its file's times gave a layout) itself
        spec = found if found in PRESETS and layout.time_guess is None and not time_format else layout
    fields, _ = layout.parse(sample)
    anchor = str(start_date(sample).date()) if _is_time_of_day(fields) else None
    own = own_date(sample, fields)
    return (layout, spec, infer_multiline(sample, layout), anchor, None if own is None else str(own.date()), document,
            day_month_warning(str(path), layout, sample, time_format))


def _splittable(path: Path) -> bool:
    with open(path, "rb") as fh:
        head = fh.read(_SNIFF_BYTES)
    # Compressed streams have no random access; UTF-16 (with a byte order mark or without), a file that is a
    # piece of a UTF-8 BOM and one that opens with NUL bytes (a log emptied while written to) are read as the
    # whole-file reader reads them.
    return compression(head) is None and _sniff_encoding(head) == "utf-8-sig" and not head.startswith(b"\x00")


def plan_partitions(paths, fmt: str = "auto", json_key: str = "message", block_bytes: int = BLOCK_BYTES,
                    time_format: str | None = None) -> tuple[list[Partition], ReadReport]:
    """The partitions of ``paths`` in input order, and a report naming files read and skipped; ``time_format``:
    how their times are written, where given."""
    report = ReadReport()
    files = resolve_paths(paths, report.skipped_files, report.passed_over)
    parts: list[Partition] = []
    for path in files:
        try:
            found, spec, rule, anchor, own, document, untold = _head(path, fmt, json_key, time_format)
        except LogInputError as exc:
            # One bad file among many is skipped and reported, as the single-process reader does.
            if len(files) + len(report.skipped_files) == 1:
                raise
            report.skipped_files.append(str(exc))
            continue
        source = str(path)
        report.files.append(source)
        if found is None:
            report.warnings.append(f"{source}: empty file")
            continue
        report.read_as(source, found)
        report.note(untold)
        if document:  # its records span lines, and a byte range's first record cannot be told without its start
            report.note(f"{source}: a JSON document: read on one worker (records are not split at line ends)")
        if document or not _splittable(path):
            parts.append(Partition(source, spec, time_format=time_format))
            continue
        points = split_points(path, block_bytes, get_format(spec, json_key=json_key), rule)
        parts += [Partition(source, spec, a, b, rule, anchor, after=c, own=own, time_format=time_format)
                  for (a, b), c in zip(pairwise(points), [*points[2:], None])]
    if not report.files:
        raise LogInputError("no readable log file among the inputs: " + "; ".join(report.skipped_files))
    return parts, report


class _ByteRange(io.RawIOBase):
    """The bytes [start, end) of a file as a readable stream."""

    def __init__(self, path: str, start: int, end: int) -> None:
        self._fh = open(path, "rb")
        self._fh.seek(start)
        self._left = end - start

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self._fh.readinto(memoryview(buffer)[: min(len(buffer), self._left)])
        self._left -= n
        return n

    def close(self) -> None:
        self._fh.close()
        super().close()


@dataclass
class _Roll:
    """A range's readings of one clock (times of day, or dates without a year) as the roller takes them
    (ns): the first, and the roller's state after the last line: rollovers and last reading; ``anchored``: a date
    above a file's first time set its year (:meth:`io._YearRoller.read_above`), which counts from there."""

    first: float | None = None
    count: int = 0
    last: float | None = None
    anchored: bool = False


def partition_chunks(part: Partition, json_key: str, chunk_lines: int, report: ReadReport,
                     first_line: int = 1, rolls: dict[str, _Roll] | None = None) -> Iterator[pd.DataFrame]:
    """Line frames of one partition (as :func:`io.iter_log_chunks`), numbered from ``first_line``;
    ``rolls`` receives, per clock ("days", "years"), what the driver needs to roll later ranges."""
    year_roller = _YearRoller(part.years, part.year_last)
    if part.end is None:
        yield from iter_log_chunks(part.source, part.fmt, chunk_lines, report, json_key,
                                   {rotation_stem(part.source): year_roller}, time_format=part.time_format)
        if rolls is not None and year_roller.first is not None:
            rolls["years"] = _Roll(year_roller.first, year_roller.years, year_roller.last,
                                   year_roller.anchor is not None)
        return
    fmt = get_format(part.fmt, json_key=json_key)
    rollers = {"years": year_roller}
    if part.anchor is not None:
        rollers["days"] = _DayRoller(pd.Timestamp(part.anchor))
        rollers["days"].days, rollers["days"].last = part.days, part.last
    before, nuls, zoned = _INVALID.count, _INVALID.nuls, ZONED.count
    if part.start == 0 and part.own is not None:  # the date the file's messages give it, as on one process
        year_roller.own = pd.Timestamp(part.own)
    with _range_text(part.source, part.start, part.end) as text:
        for lines in _range_batches(part, fmt, text, chunk_lines):
            chunk = _frame_for(lines, fmt, part.source, first_line, part.rule)
            if part.start == 0:  # a date above the file's first time dates it, as on one process
                year_roller.read_above(chunk)
            clock = "days" if "days" in rollers and _is_time_of_day(chunk) else \
                "years" if _is_year_less(chunk) else None
            if clock is not None:
                if rolls is not None and rolls.setdefault(clock, _Roll()).first is None:
                    rolls[clock].first = _first_reading(clock, clock_times(chunk, clock))
                roll_clock(chunk, clock, rollers[clock])
                note_clock(report, part.source, clock, rollers[clock].anchor)
            note_uptime(report, part.source, fmt, chunk)
            first_line += len(lines)
            report.add(chunk)
            yield chunk
    report.count_invalid(part.source, _INVALID.count - before)
    report.nul_bytes += _INVALID.nuls - nuls
    note_zone(report, part.source, zoned)
    for clock, roll in (rolls or {}).items():
        roller = rollers[clock]
        roll.count, roll.last = (roller.days if clock == "days" else roller.years), roller.last
        roll.anchored = clock == "years" and roller.anchor is not None


def _range_text(path: str, start: int, end: int) -> IO[str]:
    """The bytes [start, end) of a file as text, line ends untranslated (invalid bytes replaced and counted)."""
    newline = _newline(path)
    raw = io.BufferedReader(_ByteRange(path, start, end))
    return io.TextIOWrapper(raw, encoding="utf-8-sig" if start == 0 else "utf-8", errors="logad.count",
                            newline=newline)


def _range_batches(part: Partition, fmt, text: IO[str], chunk_lines: int) -> Iterator[list[str]]:
    """A range's lines in batches, events whole: without the continuation lines that open it (the range
    before takes them) and with those that open the next range.

    Both ranges count those lines alike: on the same bytes (from the
    boundary to the lookahead's end or the next range's end), after the same
    last lines before the boundary. A range all of whose lines continue the
    event before it emits none of them, and still takes those that open the
    range after it (they start an event of their own).
    """
    last = _lines_before(part.source, part.start)
    drop = 0
    if part.start > 0:
        head = _lines_between(part.source, part.start, min(part.start + _LOOKAHEAD, part.end or part.start))
        drop = _leading_continuations(head, fmt, part.rule, last)

    def read() -> Iterator[list[str]]:
        nonlocal drop
        for batch in split_line_batches(text, part.source, chunk_lines):
            last[:] = (last + batch)[-_CONTEXT_LINES:]
            cut = min(drop, len(batch))
            drop -= cut
            if batch[cut:]:
                yield batch[cut:]

    def taken() -> Iterator[list[str]]:
        # After the range is read: its last lines are what the next range's first lines continue (or not). The
        # file's last range ends where the file did when the ranges were planned: what a writer added since (the
        # rest of a half-written line) is no continuation of it.
        size = os.path.getsize(part.source)
        opening = _lines_between(part.source, part.end, min(part.end + _LOOKAHEAD, part.after)) \
            if part.end is not None and part.after is not None and part.end < size else []
        yield opening[:_leading_continuations(opening, fmt, part.rule, last)] if opening else []

    events = _whole_events(chain(read(), taken()), fmt, part.rule)
    yield from (batch for batch in events if batch)


def _lines_before(source: str, offset: int) -> list[str]:
    """The last lines before a line start, whole (``io._CONTEXT_LINES`` of them; fewer at the start of the file)."""
    start, ends = offset, 0
    with open(source, "rb") as fh:
        end = _line_end(fh)
        # Back to the line end before them: the lines after it are whole.
        while start > 0 and ends <= _CONTEXT_LINES:
            step = min(_BEHIND, start)
            fh.seek(start - step)
            ends += fh.read(step).count(end)
            start -= step
    if start >= offset:
        return []
    with _uncounted(), _range_text(source, start, offset) as text:  # the ranges before count their own
        lines = split_lines(text.read())[:-1]  # the text ends with a line end: the last item is empty
    return lines[-_CONTEXT_LINES:]


def _lines_between(path: str, start: int, stop: int) -> list[str]:
    """The complete lines in the bytes [start, stop) of a file, ``start`` at a line start (invalid bytes and NULs
    are counted by the range they belong to, not here)."""
    if stop <= start:
        return []
    with _uncounted(), _range_text(path, start, stop) as text:
        lines = split_lines(text.read())
        return lines[:-1] if stop < os.path.getsize(path) or not lines[-1] else [*lines[:-1], past_nuls(lines[-1])]


def _first_reading(clock: str, ts: pd.Series) -> float | None:
    """What the roller of ``clock`` reads (ns) of the first valid timestamp: its time of day ("days"), or
    itself ("years"); None without any."""
    valid = ts.dropna()
    if valid.empty:
        return None
    first = valid.iloc[0]
    return float((first - first.normalize()).value if clock == "days" else first.value)


def _roll_states(parts: list[Partition],
                 rolls: list[dict[str, _Roll]]) -> tuple[list[Partition], list[dict[str, int]]]:
    """Partitions with the roller states each starts on, from the first pass's per-range rollovers, and per
    range the days and years its first-pass times (read from the start of each clock) are behind."""
    out: list[Partition] = []
    behind: list[dict[str, int]] = []
    state: dict[tuple[str, str], tuple[int, float | None]] = {}
    opening: dict[str, str] = {}  # per rotated log, the file whose first year-less reading is still to come
    for part, range_rolls in zip(parts, rolls):
        # Days count within a file; years roll on across the files of one rotated log, as io reads them.
        log = {"days": part.source, "years": rotation_stem(part.source)}
        if part.start == 0:
            opening[log["years"]] = part.source
        first = range_rolls["years"].first if "years" in range_rolls else None
        if first is not None and opening.get(log["years"]) == part.source:
            del opening[log["years"]]
            last = state.get((log["years"], "years"), (0, None))[1]
            if range_rolls["years"].anchored or (last is not None and not goes_on(first, last)):
                state[log["years"], "years"] = (0, None)
        (days, last), (years, year_last) = (state.get((log[clock], clock), (0, None)) for clock in CLOCK_JUMPS)
        out.append(replace(part, days=days, last=last, years=years, year_last=year_last))
        lags = {}
        for clock, roll in range_rolls.items():
            count, last = state.get((log[clock], clock), (0, None))
            # The range was read from (0, None): add its rollovers, and the step its first reading takes.
            step = int(clock_steps(np.array([roll.first]), np.array([last]), clock)[0]) \
                if roll.first is not None and last is not None else 0
            lags[clock] = count + step
            state[log[clock], clock] = (count + step + roll.count, roll.last if roll.last is not None else last)
        behind.append(lags)
    return out, behind


def _shifted(times: np.ndarray, lags: dict[str, int]) -> np.ndarray:
    """Times (m,) in ns read from the start of their clocks, moved on by the days and years they are behind.

    A year-less 29 February that a range itself rolled into a common year (the 28th) stays the 28th.
    """
    times = times + lags.get("days", 0) * _DAY_NS
    if not lags.get("years"):
        return times
    return (pd.DatetimeIndex(times.view("datetime64[ns]")) + pd.DateOffset(years=lags["years"])).asi8


def count_partition(part: Partition, json_key: str, masker: dict, fields: Sequence[str],
                    chunk_lines: int, times: bool = True
                    ) -> tuple[KeyTable, LineLayout, ReadReport, dict[str, _Roll], KeyTimes]:
    """Worker side of the first pass: one partition's key table (lines numbered from 1), layout, counts,
    clock readings and (with ``times``) its (key id, time, lines) rows bounded by :class:`streaming.KeyTimes`,
    with their step."""
    masker_ = Masker.from_dict(masker)
    table, layout, report, rolls, stamps = KeyTable(fields), LineLayout(), ReadReport(), {}, KeyTimes()
    line_ids = []
    for chunk in partition_chunks(part, json_key, chunk_lines, report, rolls=rolls):
        starts = event_starts(chunk)
        ids = table.add_chunk(chunk, masker_, starts)
        if times:
            stamps.add(key_times(ids, chunk))
            line_ids.append(order_ids(ids, starts))
        layout.add(chunk.drop(columns="raw"))
    return table, layout, report, rolls, stamps, np.concatenate(line_ids) if line_ids else np.zeros(0, np.int32)


def _summary(result: tuple) -> tuple:
    """What the driver gathers of a first-pass result: all but the times' rows; how many rows there are, the
    step of the times and the first of them."""
    stamps = result[4]
    return (*result[:4], len(stamps.rows()), stamps.step, stamps.origin)


def global_times(result: tuple, ids: np.ndarray, lags: dict[str, int]) -> np.ndarray:
    """Worker side: a first-pass result's (key id, time, lines) rows (m, 3) with the driver's key ids (k,) and
    the days and years its clocks are behind."""
    rows = result[4].rows()
    return np.column_stack([ids[rows[:, 0]], _shifted(rows[:, 1], lags), rows[:, 2]])


def global_line_ids(result: tuple, ids: np.ndarray) -> np.ndarray:
    """Worker side: a first-pass result's line order ids (n,) int32 (:func:`streaming.order_ids`) with the
    driver's key ids (k,)."""
    order = result[5]
    return np.where(order < 0, ~ids[table_ids(order)], ids[table_ids(order)]).astype(np.int32)


class DaskOrder:
    """The order of the lines of a first pass on the cluster: each partition's line key ids stay on its
    worker (4 bytes a line) until the storm rule asks where some keys' lines lie (see :class:`streaming.Stamps`)."""

    def __init__(self, client) -> None:
        self.client = client
        self.parts: list[tuple] = []  # (future of the line key ids, position of the partition's first line)
        self.file_bounds: np.ndarray | None = None  # position of each file's first line, then the line count

    def positions(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(key id (p,), position (p,)) of every line whose key is among ``keys``, in input order."""
        with _cluster_errors():
            shared = self.client.scatter(np.asarray(keys, dtype=np.int64), broadcast=True, hash=False)
            return join_positions(self._on_parts(key_positions, shared))

    def continuations(self) -> np.ndarray:
        """Positions (c,) of the lines that continue an event, in input order."""
        with _cluster_errors():
            return np.concatenate([np.zeros(0, dtype=np.int64)] + self._on_parts(continuation_positions))

    def _on_parts(self, func: Callable, *args) -> list:
        """``func(ids, *args, start)`` of each partition's line order ids on its worker, gathered in order."""
        futures = [self.client.submit(func, ids, *args, start, pure=False) for ids, start in self.parts]
        return gather(self.client, futures)


NO_WORKER_S = 60.0  # how long a run waits while its cluster has no worker (Dask waits for one for ever)
_POLL_S = 2.0


def gather(client, futures: list, no_worker_s: float = NO_WORKER_S) -> list:
    """The results of ``futures``, waiting while the cluster has a worker: :class:`ClusterError` once it has had
    none for ``no_worker_s`` (a local cluster whose workers kept dying, a scheduler no worker joined)."""
    from distributed import wait

    alone = None
    while True:
        try:
            wait(futures, timeout=_POLL_S)
            return client.gather(futures)
        except TimeoutError:
            pass
        if client.scheduler_info().get("workers"):
            alone = None
        elif alone is None:
            alone = time.monotonic()
        elif time.monotonic() - alone >= no_worker_s:
            raise ClusterError(f"dask: the cluster has had no worker for {no_worker_s:.0f} s (they died, or none "
                               "joined the scheduler); no output written")


def merge_times(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Worker side: two sets of (key id, time, lines) rows (m, 3) merged and bounded
    (:func:`streaming.bound_times`)."""
    return bound_times(np.concatenate([a, b]))


def write_partition(part: Partition, first_line: int, json_key: str, masker: dict, shared: tuple,
                    chunk_lines: int, out: str, safe_formulas: bool) -> int:
    """Worker side of the second pass: write one partition's rows to ``out``; returns the rows written."""
    table, keys, layout, kind = shared
    masker_ = Masker.from_dict(masker)
    rows = [0]

    def frames() -> Iterator[pd.DataFrame]:
        for chunk in partition_chunks(part, json_key, chunk_lines, ReadReport(), first_line):
            ids = table.ids_of(chunk, masker_)
            rows[0] += len(chunk)
            yield parse_rows(chunk, ids, keys, layout) if kind == "parse" else score_rows(chunk, ids, keys)

    write_frames(frames(), out, _empty_rows(kind, layout), safe_formulas)
    return rows[0]


def lean_partition(part: Partition, first_line: int, json_key: str, masker: dict, shared: tuple,
                   chunk_lines: int) -> pd.DataFrame:
    """Worker side of ``analyze``'s second pass: the partition's lean rows (:func:`streaming.lean_rows`)."""
    table, keys, raw_keys, layout, mentions = shared
    masker_ = Masker.from_dict(masker)
    return join_lean(lean_rows(chunk, table.ids_of(chunk, masker_), keys, raw_keys, layout, mentions)
                     for chunk in partition_chunks(part, json_key, chunk_lines, ReadReport(), first_line))


def embed_texts(embedder, texts: list[str]) -> np.ndarray:
    """Worker side of :meth:`DaskEngine.embed`: vectors (n, dim) of texts in encoding order; the model loads
    once per worker process (:func:`embeddings._load` is cached)."""
    return embedder.embed_unique(texts)


def _empty_rows(kind: str, layout: LineLayout) -> pd.DataFrame:
    if kind == "parse":
        return pd.DataFrame(columns=layout.columns + ["masked", "template_id", "template"])
    return pd.DataFrame(columns=["source", "line_no", "template_id", "score", "is_anomaly"])


@dataclass
class DaskRun:
    """What the first pass found on the cluster: as :class:`streaming.StreamRun`, plus the partitions, the
    first line number of each and how many (key, time) pairs the partitions kept (``sent``: merged on the
    workers before the driver gets them)."""

    table: KeyTable
    report: ReadReport
    layout: LineLayout
    json_key: str
    parts: list[Partition] = field(default_factory=list)
    first_lines: list[int] = field(default_factory=list)
    part_lines: list[int] = field(default_factory=list)  # lines each partition counted in the first pass
    stamps: KeyTimes = field(default_factory=KeyTimes)
    sent: int = 0
    order: DaskOrder | None = None

    def times(self) -> Stamps:
        """What the detector's routine and storm rules read of the lines' times and order
        (:class:`streaming.Stamps`)."""
        return self.stamps.stamps()._replace(order=self.order)


@contextmanager
def _cluster_errors() -> Iterator[None]:
    """Turn a lost worker or scheduler into one :class:`ClusterError` line."""
    from distributed import KilledWorker
    from distributed.client import FutureCancelledError
    from distributed.comm import CommClosedError

    try:
        yield
    # A task whose inputs every worker holding them took down is cancelled: lost as the worker was.
    except (KilledWorker, CommClosedError, TimeoutError, FutureCancelledError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else ""
        raise ClusterError(f"dask: the cluster lost a worker or the scheduler ({type(exc).__name__}: {first}); "
                           "no output written") from None


def connect(scheduler: str | None = None, workers: int | None = None, memory_limit: str = "auto"):
    """A Dask client: of the scheduler at ``scheduler`` (tcp://HOST:PORT), else of a local cluster of
    ``workers`` processes with one thread each."""
    from distributed import Client, LocalCluster

    try:
        if scheduler:
            _check_scheduler(scheduler, 10.0)
            return Client(scheduler, timeout="10s")
        # Shutdown chatter (closed heartbeats) is not the user's concern; failures surface as ClusterError.
        with _sigint_ignored():  # the workers inherit it: a Ctrl-C is the driver's to handle, closing them
            cluster = LocalCluster(n_workers=workers or 1, threads_per_worker=1, processes=True,
                                   memory_limit=memory_limit, dashboard_address=None, silence_logs=logging.CRITICAL)
        return Client(cluster)
    except OSError as exc:
        raise ClusterError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from None


def _check_scheduler(address: str, seconds: float) -> None:
    """Raise :class:`ClusterError` unless a Dask scheduler at ``address`` answers Dask's handshake within ``seconds``.

    Dask's client waits for the answer without a limit, and reads another service's (an HTTP server's "HTTP/1.1
    400") as the length of a message to allocate: a wrong port would hang or end in a MemoryError.
    """
    from distributed.comm import connect as open_comm
    from distributed.security import Security

    args = Security().get_connection_args("client")  # Dask's config, as its client reads it: a tls:// scheduler's

    async def handshake() -> None:
        comm = await asyncio.wait_for(open_comm(address, timeout=seconds, **args), seconds)
        await comm.close()

    with ThreadPoolExecutor(1) as pool:  # a loop of its own, also where the caller's runs (a notebook's)
        try:
            pool.submit(asyncio.run, handshake()).result()
        except TimeoutError:  # an OSError: before the clause that passes those on
            raise _not_a_scheduler(address, f"no answer within {seconds:g} s") from None
        except (OSError, ValueError):  # unreachable, or not an address: Dask's message says which
            raise
        except TypeError as exc:  # a tls:// address without Dask's TLS settings: its message says what is missing
            raise ClusterError(f"cannot reach the Dask scheduler {address}: {exc}") from None
        except Exception:
            raise _not_a_scheduler(address, "an answer in another protocol") from None


def _not_a_scheduler(address: str, why: str) -> ClusterError:
    return ClusterError(f"{address} is no Dask scheduler ({why}): give the scheduler's port, not its dashboard's "
                        "or another service's")


@contextmanager
def _sigint_ignored() -> Iterator[None]:
    """SIGINT ignored while the block runs (in the main thread; elsewhere no handler can be set)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class DaskEngine:
    """Runs the passes of :mod:`logad_utils.streaming` on a Dask cluster; the fit stays on the driver."""

    def __init__(self, client, block_bytes: int = BLOCK_BYTES, chunk_lines: int = CHUNK_LINES,
                 no_worker_s: float = NO_WORKER_S) -> None:
        self.client = client
        self.block_bytes = block_bytes
        self.chunk_lines = chunk_lines
        self.no_worker_s = no_worker_s

    def __enter__(self) -> "DaskEngine":
        return self

    def __exit__(self, *exc) -> None:
        cluster = getattr(self.client, "cluster", None)
        self.client.close()
        if cluster is not None:
            cluster.close()

    def _gather(self, futures: list) -> list:
        try:
            return gather(self.client, futures, self.no_worker_s)
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                # The gather a Ctrl-C broke off ends with an error nobody waits for: asyncio would print it.
                logging.getLogger("asyncio").setLevel(logging.CRITICAL)
            self.client.cancel(futures)
            raise

    def count_keys(self, paths, fmt: str = "auto", json_key: str = "message", masker: Masker | None = None,
                   fields: Sequence[str] = KEY_FIELDS, times: bool = True, time_format: str | None = None) -> DaskRun:
        """First pass on the workers; the partition tables merged here in input order, the partitions' (key,
        time) pairs (with ``times``) merged on the workers in a tree, so the driver gets one bounded set of them.
        ``time_format``: how the logs' times are written, where given."""
        parts, report = plan_partitions(paths, fmt, json_key, self.block_bytes, time_format)
        state = (masker if masker is not None else Masker()).to_dict()
        with _cluster_errors():
            futures = [self.client.submit(count_partition, part, json_key, state, tuple(fields), self.chunk_lines,
                                          times, pure=False) for part in parts]
            results = self._gather([self.client.submit(_summary, f) for f in futures])
            rolled, behind = _roll_states(parts, [r[3] for r in results])
            run = DaskRun(KeyTable(fields), report, LineLayout(), json_key, rolled,
                          order=DaskOrder(self.client) if times else None)
            lines_before: dict[str, int] = {}
            position = 0
            times, file_starts = [], []
            dated: set[str] = set()  # files whose first range dated their year-less times
            for part, lags, future, (table, layout, counted, rolls, sent, step, origin) in zip(parts, behind, futures,
                                                                                               results):
                if part.start == 0 and "years" in rolls and rolls["years"].anchored:
                    dated.add(part.source)
                elif part.source in dated:
                    _forget_undated(counted, part.source)
                offset = lines_before.get(part.source, 0)
                if part.source not in lines_before:
                    file_starts.append(position)
                run.first_lines.append(offset + 1)
                ids = run.table.merge(table, offset)
                if run.order is not None:
                    times.append(self.client.submit(global_times, future, ids, lags, pure=False))
                    run.order.parts.append((self.client.submit(global_line_ids, future, ids, pure=False), position))
                position += counted.lines
                run.part_lines.append(counted.lines)
                run.sent += sent
                if origin is not None:
                    run.stamps.add(np.zeros((0, 3), dtype=np.int64), step, int(_shifted(np.array([origin]), lags)[0]))
                run.layout.merge(layout)
                lines_before[part.source] = offset + counted.lines
                _add_counts(report, counted, offset)
            del futures
            if run.order is not None:
                run.order.file_bounds = log_bounds(list(lines_before), file_starts, position)
            while len(times) > 1:
                times = [self.client.submit(merge_times, *two, pure=False) for two in zip(times[::2], times[1::2])] \
                    + times[len(times) - len(times) % 2:]
            if times:
                # Their step, read from them, is a multiple of the partitions' (their times are some of those).
                run.stamps.add(self._gather(times)[0])
        report.finish()
        check_read(report)
        return run

    def fit_score(self, detector, keys: pd.DataFrame, times: Stamps,
                  train: pd.DataFrame | None = None) -> pd.DataFrame:
        """:func:`streaming.fit_score` with the BERT vectors of the unique messages computed on the workers."""
        return fit_score(detector, keys, times, train, self.embedded)

    def score_keys(self, detector, keys: pd.DataFrame) -> pd.DataFrame:
        """:func:`streaming.score_keys` with the BERT vectors of new messages computed on the workers."""
        return score_keys(detector, keys, self.embedded)

    @contextmanager
    def embedded(self, detector, keys: pd.DataFrame) -> Iterator[None]:
        """A context in which the detector's fit or scoring of ``keys`` takes its BERT vectors from the workers."""
        job = detector.embedding_job(keys)
        if job is None or not job[1]:
            yield
            return
        embedder, texts = job
        with preset_vectors(embedder, texts, self.embed(embedder, texts)):
            yield

    def embed(self, embedder, texts: Sequence[str]) -> np.ndarray:
        """Vectors (n, dim) of ``texts`` from a fitted embedder, whole batches of its order spread over the
        workers: the same batches, so the same vectors, as one process."""
        order = embedder.encoding_order(texts)
        step = embedder.batch_size * _EMBED_BATCHES
        starts = range(0, len(texts), step)
        with _cluster_errors():
            shared = self.client.scatter(embedder, broadcast=True, hash=False)
            futures = [self.client.submit(embed_texts, shared, [texts[i] for i in order[a:a + step]], pure=False)
                       for a in starts]
            results = self._gather(futures)
        out = np.empty((len(texts), embedder.dim_), dtype=np.float32)
        for a, vectors in zip(starts, results):
            out[order[a:a + step]] = vectors
        return out

    def write_parse(self, run: DaskRun, keys: pd.DataFrame, masker: Masker, out: str | os.PathLike,
                    safe_formulas: bool = True) -> Path:
        """Second pass of ``parse``: one file per partition in the folder ``out``."""
        return self._write(run, keys[["masked", "template_id", "template"]], masker, out, "parse", safe_formulas)

    def write_scores(self, run: DaskRun, keys: pd.DataFrame, masker: Masker, out: str | os.PathLike,
                     safe_formulas: bool = True) -> Path:
        """Second pass of ``detect``/``score``: one file per partition in the folder ``out``."""
        return self._write(run, keys[["template_id", "score", "is_anomaly"]], masker, out, "scores", safe_formulas)

    def line_frame(self, run: DaskRun, keys: pd.DataFrame, raw_keys: np.ndarray, masker: Masker,
                   mentions=None) -> pd.DataFrame:
        """Second pass of ``analyze``: lean rows built on the workers, joined here in input order."""
        state = masker.to_dict()
        with _cluster_errors():
            shared = self.client.scatter((run.table, keys[["source", "line_no"]], raw_keys, run.layout, mentions),
                                         broadcast=True, hash=False)
            futures = [self.client.submit(lean_partition, part, first, run.json_key, state, shared,
                                          self.chunk_lines, pure=False)
                       for part, first in zip(run.parts, run.first_lines)]
            return join_lean(self._gather(futures))

    def _write(self, run: DaskRun, keys: pd.DataFrame, masker: Masker, out, kind: str, safe_formulas: bool) -> Path:
        final = Path(out).absolute()  # workers write their parts; a cluster's own may run in another folder
        state = masker.to_dict()
        # A hidden folder renamed to ``out`` (replacing an earlier run's) once every partition is written.
        with atomic_dir(final, marker=SUCCESS) as partial, _cluster_errors():
            shared = self.client.scatter((run.table, keys, run.layout, kind), broadcast=True, hash=False)
            futures = [self.client.submit(write_partition, part, first, run.json_key, state, shared,
                                          self.chunk_lines, str(partial / f"part-{i:05d}{final.suffix}"),
                                          safe_formulas, pure=False)
                       for i, (part, first) in enumerate(zip(run.parts, run.first_lines))]
            written = self._gather(futures)
            changed = [part.source for part, n, m in zip(run.parts, written, run.part_lines) if n != m]
            if changed:  # a log truncated or rewritten since the first pass: no output that looks complete
                raise LogInputError(f"{changed[0]}: input changed while it was read (not the lines of the first pass)")
            (partial / SUCCESS).write_text("")
        return final


def _forget_undated(report: ReadReport, source: str) -> None:
    """Drop a later range's note that its file's year-less times are read from year 2000, and its clock: the
    date that set their year (a line above the first time, a message's own date) is in the file's first range."""
    report.warnings = [w for w in report.warnings if w != clock_warning(source, "years")]
    if report.clocks.get(source) == "years":
        del report.clocks[source]


def _add_counts(total: ReadReport, part: ReadReport, offset: int = 0) -> None:
    """Add a partition's line counts and warnings to the run's report; ``offset``: the lines of its file before
    it (its own count from 1)."""
    for name in ("lines", "blank", "unparsed", "unparsed_timed", "truncated", "untimed", "invalid_bytes",
                 "nul_bytes"):
        setattr(total, name, getattr(total, name) + getattr(part, name))
    if part.untimed_source and not total.untimed_source:
        total.untimed_source, total.untimed_line = part.untimed_source, part.untimed_line + offset
    if part.truncated_source and not total.truncated_source:
        total.truncated_source, total.truncated_line = part.truncated_source, part.truncated_line + offset
    for mine, theirs in ((total.file_lines, part.file_lines), (total.unparsed_files, part.unparsed_files),
                         (total.invalid_files, part.invalid_files)):
        for source, n in theirs.items():
            mine[source] = mine.get(source, 0) + n
    for source, counts in part.layout_lines.items():
        mine = total.layout_lines.setdefault(source, {})
        for number, n in counts.items():
            mine[number] = mine.get(number, 0) + n
    for warning in part.warnings:
        total.note(warning)
    total.skipped_files += [skipped for skipped in part.skipped_files if skipped not in total.skipped_files]
    total.zoned_files += [name for name in part.zoned_files if name not in total.zoned_files]
    total.clocks = {**part.clocks, **total.clocks}
    total.continuation += part.continuation
