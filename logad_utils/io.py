"""Reading logs into one row per line, without losing a line.

Every physical line of every input file becomes exactly one row with its
``source`` and 1-based ``line_no``; blank lines and lines that do not match the
format are kept, flagged and counted. Reading streams in chunks so memory stays
bounded by the chunk size (and the longest line). A file that is a JSON document over many lines is read as its
records instead, a row each at the line it starts on (:mod:`logad_utils.documents`).
"""
from __future__ import annotations

import bz2
import calendar
import codecs
import csv
import glob
import gzip
import io
import itertools
import lzma
import os
import re
import stat
import threading
import warnings
import zlib
from collections import deque
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Callable, Iterable, Iterator, Sequence

import numpy as np
import pandas as pd

from .documents import DocumentError, JsonRecords, opens_json_document
from .formats import (DETECT_LINES, EPOCH_START, LAYOUT_COLUMN, LINE_KEYS, OTHERS, PRESETS, SECONDARY_LEVELS, ZONED,
                      FormatError, LogFormat, detect_format, get_format, is_inferred, parse_memo, read_secondary_levels,
                      sample_times, untold_day_month, with_file_times, with_time_format)
from .gc_pause import no_cyclic_gc
from .multiline import (Multiline, add_trace_events, arrow_messages, continuation_flags, empty_messages, event_lines,
                        group_events, infer_multiline, is_separator, read_closed_messages, record_times, split_writers)

__all__ = [
    "LogInputError",
    "ReadReport",
    "resolve_paths",
    "iter_log_chunks",
    "read_logs",
    "parse_lines",
    "describe_layout",
    "BASE_COLUMNS",
]

BASE_COLUMNS = ["source", "line_no", "raw", "blank", "parsed", "truncated", "event_line_no"]
MAX_LINE_CHARS = 65_536
LOG_SUFFIXES = {".log", ".jrn", ".txt", ".out", ".err", ".jsonl", ".json", ".syslog", ".trace"}
LOG_NAME_PREFIXES = ("syslog", "messages", "kern", "auth", "daemon")
_SNIFF_BYTES = 8192
# What a damaged file raises while being read: I/O errors, a .gz cut short, a corrupt deflate stream.
_READ_ERRORS = (OSError, EOFError, zlib.error, lzma.LZMAError)
# Compressed logs, by a regex of their first bytes (rotated logs: logrotate's .gz, distributions' .xz, .bz2).
COMPRESSIONS = {rb"\x1f\x8b": ("gzip", gzip.open), rb"\xfd7zXZ\x00": ("xz", lzma.open),
                rb"BZh[1-9](?:1AY&SY|\x17rE8P\x90)": ("bzip2", bz2.open)}  # bzip2: a block or end of stream next
_DETECT_LINES = 500
# Detection reads blocks of consecutive lines spread over a file's first lines: a service's first lines (a banner,
# its start-up, one job's output) are often unlike the rest, and a layout inferred from them alone over-fits.
_DETECT_SPAN, _DETECT_BLOCKS = 20_000, 5
# A chunk takes the continuation lines that open the next one, up to this many, so that events stay whole.
_MAX_CARRY = 10_000
_LOOK_AHEAD = 2  # lines under a line that its continuation flag may depend on (multiline.continuation_flags)
# Lines before a chunk that decide whether its first lines continue them (read whole: a JSON line cut short
# reads as no JSON).
_CONTEXT_LINES = 3
_DOCUMENT_LINES = 50  # lines that tell a JSON document (documents.opens_json_document)


class LogInputError(Exception):
    """Input that cannot be read as a log; the message says what and where."""


@dataclass
class ReadReport:
    """Counts of what reading saw, per call; ``warnings`` holds one line per fallback used."""

    files: list[str] = field(default_factory=list)
    formats: dict[str, str] = field(default_factory=dict)
    layouts: dict[str, str] = field(default_factory=dict)  # format strings of inferred layouts (all named "inferred")
    # Files read with several layouts (formats.LogFormat.layouts, a writer's too): the lines each read, by its number.
    layout_lines: dict[str, dict[str, int]] = field(default_factory=dict)
    multiline: dict[str, str] = field(default_factory=dict)
    lines: int = 0
    file_lines: dict[str, int] = field(default_factory=dict)  # of them, per file
    blank: int = 0
    unparsed: int = 0
    unparsed_timed: int = 0  # of them, lines that keep the time read off their start
    unparsed_files: dict[str, int] = field(default_factory=dict)
    continuation: int = 0
    truncated: int = 0
    truncated_source: str = ""  # the first of them: its file
    truncated_line: int = 0  # ... and line number
    untimed: int = 0  # events that match a format with a time but whose time is missing or unreadable
    untimed_source: str = ""  # the first of them: its file
    untimed_line: int = 0  # ... and line number
    invalid_bytes: int = 0
    invalid_files: dict[str, int] = field(default_factory=dict)  # of them, per file
    nul_bytes: int = 0  # NUL bytes left out where they opened a line past the file's start
    skipped_files: list[str] = field(default_factory=list)
    passed_over: list[str] = field(default_factory=list)  # files of a directory not named like logs (not read)
    zoned_files: list[str] = field(default_factory=list)  # files whose times carried a zone: given in UTC
    # Files whose times lacked a year ("years": read from 2000 on) or a date ("days"), each with that clock.
    clocks: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    sizes: dict[str, int] = field(default_factory=dict)  # the bytes read of each plain file: its size when opened

    def add(self, chunk: pd.DataFrame) -> None:
        """Count one chunk's rows."""
        self.lines += len(chunk)
        if not len(chunk):
            return
        source = str(chunk["source"].iloc[0])  # a chunk holds lines of one file
        self.file_lines[source] = self.file_lines.get(source, 0) + len(chunk)
        self.blank += int(chunk["blank"].sum())
        missed = ~chunk["parsed"] & ~chunk["blank"]
        unparsed = int(missed.sum())
        self.unparsed += unparsed
        if unparsed and "timestamp" in chunk:
            self.unparsed_timed += int((missed & chunk["timestamp"].notna()).sum())
        if unparsed:
            self.unparsed_files[source] = self.unparsed_files.get(source, 0) + unparsed
        if LAYOUT_COLUMN in chunk:
            counts = self.layout_lines.setdefault(source, {})
            for number, n in chunk.loc[~chunk["blank"], LAYOUT_COLUMN].value_counts().items():
                counts[number] = counts.get(number, 0) + int(n)
        cut = chunk["truncated"].to_numpy(dtype=bool)
        if cut.any():
            self.truncated += int(cut.sum())
            if not self.truncated_source:
                self.truncated_source = str(chunk["source"].iloc[0])
                self.truncated_line = int(chunk["line_no"].iloc[cut.argmax()])
        heads = (chunk["event_line_no"] == chunk["line_no"]).to_numpy()
        self.continuation += int((~heads).sum())
        if "timestamp" in chunk:
            untimed = heads & chunk["parsed"].to_numpy(dtype=bool) & chunk["timestamp"].isna().to_numpy()
            if untimed.any():
                self.untimed += int(untimed.sum())
                if not self.untimed_source:
                    self.untimed_source = str(chunk["source"].iloc[0])
                    self.untimed_line = int(chunk["line_no"].iloc[untimed.argmax()])

    def read_as(self, source: str, fmt: LogFormat) -> None:
        """Record the format ``source`` was read as, and an inferred layout's format string."""
        self.formats[source] = fmt.name
        if is_inferred(fmt.name) or fmt.layouts:
            self.layouts[source] = fmt.describe()
        if fmt.layouts:
            self.layout_lines[source] = {}

    def count_invalid(self, source: str, n: int) -> None:
        """Count ``n`` bytes of ``source`` replaced by U+FFFD."""
        self.invalid_bytes += n
        if n:
            self.invalid_files[source] = self.invalid_files.get(source, 0) + n

    def note(self, message: str | None) -> None:
        """Add a warning once (None: nothing to say)."""
        if message and message not in self.warnings:
            self.warnings.append(message)

    def as_dict(self) -> dict:
        """Plain-dict copy, for ``DataFrame.attrs`` and JSON."""
        return asdict(self)

    def finish(self) -> None:
        """Turn counts into warnings a user should see."""
        if self.invalid_bytes:
            self.warnings.append(f"{self.invalid_bytes} invalid UTF-8 byte(s) or unpaired surrogate escape(s) "
                                 f"replaced by U+FFFD ({_most(self.invalid_files)})")
        if self.nul_bytes:
            self.warnings.append(f"left out {self.nul_bytes:,} NUL bytes that opened lines (a hole that a crash or a "
                                 "log emptied while written to leaves)")
        if self.truncated:
            self.warnings.append(f"{self.truncated} line(s) longer than {MAX_LINE_CHARS} characters "
                                 f"truncated for analysis (the first at {self.truncated_source}:"
                                 f"{self.truncated_line})")
        if self.untimed:
            self.warnings.append(f"{self.untimed} line(s) matched the format without a readable time (the first at "
                                 f"{self.untimed_source}:{self.untimed_line}); they carry no timestamp")
        if self.unparsed:
            where = _most(self.unparsed_files)
            timed = (f", but {self.unparsed_timed} keep the time read off their start and the rest is their "
                     "message" if self.unparsed_timed else "")
            self.warnings.append(f"{self.unparsed} line(s) did not match the format ({where}); whole line used "
                                 f"as content{timed}")
        # A writer's own layouts (docker compose's services) count their lines too, but the file is one layout's.
        for source, counts in self.layout_lines.items():
            if not self.formats.get(source, "").endswith(OTHERS):
                continue
            self.warnings.append(f"{source}: lines of several programs, each read by the first of its layouts that "
                                 f"matches it ({self.layouts[source]}): " + _layout_shares(
                                     counts, self.file_lines.get(source, 0), self.unparsed_files.get(source, 0)))
        for reason in self.skipped_files:
            self.warnings.append(f"skipped {reason}")
        if self.passed_over:
            self.warnings.append(f"{len(self.passed_over)} file(s) in the input folders not named like logs were not "
                                 f"read ({_first_names(self.passed_over)}); name them to read them")


def _layout_shares(counts: dict[str, int], lines: int, unmatched: int) -> str:
    """How many of a file's ``lines`` each of its layouts read (``counts``, by number: an event's continuation lines
    with it), and how many matched none (``unmatched``), with their shares."""
    def share(n: int) -> str:
        return f"{n:,} ({n / max(lines, 1):.1%})"

    return ", ".join(f"layout {k}: {share(counts[k])}" for k in sorted(counts, key=int)) + f", none: {share(unmatched)}"


def _first_names(names: list[str]) -> str:
    """The first five of ``names``, comma-separated, with ``...`` when there are more."""
    return ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")


def _most(counts: dict[str, int]) -> str:
    """The three files with the highest counts, as ``name: n, ...``: where a warning's lines are."""
    worst = sorted(counts.items(), key=lambda item: -item[1])
    return ", ".join(f"{name}: {n}" for name, n in worst[:3]) + (", ..." if len(worst) > 3 else "")


class _ByteCounter(threading.local):
    count = 0
    nuls = 0  # NUL bytes left out where a run of them opened a line (see split_lines)


_INVALID = _ByteCounter()


def count_replaced(n: int) -> None:
    """Count n characters of this thread's read replaced by U+FFFD (reported with its invalid bytes)."""
    _INVALID.count += n


@contextmanager
def _uncounted() -> Iterator[None]:
    """Replacements and NULs left out in the block are not counted: it looks at lines that are counted when they
    are read."""
    counted, nuls = _INVALID.count, _INVALID.nuls
    try:
        yield
    finally:
        _INVALID.count, _INVALID.nuls = counted, nuls


def _replace_and_count(exc: UnicodeError) -> tuple[str, int]:
    # One replacement character per invalid byte, so counts are in bytes.
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    _INVALID.count += exc.end - exc.start
    return "\ufffd" * (exc.end - exc.start), exc.end


codecs.register_error("logad.count", _replace_and_count)


def resolve_paths(paths: str | os.PathLike | Sequence[str | os.PathLike],
                  problems: list[str] | None = None, passed_over: list[str] | None = None) -> list[Path]:
    """Expand files, directories (recursively, log-like files only) and globs into a list of files, a directory's
    and a glob's sorted by name but the files of one rotated log, which come oldest first.

    A path that yields no file raises :class:`LogInputError`; with ``problems`` given and
    several paths, its message is appended there instead and the other paths are kept.
    ``passed_over`` gets the directories' other files (hidden ones and logad's own label files aside).
    """
    items = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    if not items:
        raise LogInputError("no input path given")
    out: list[Path] = []
    for item in items:
        try:
            unlisted: list[str] = []
            found = _expand(item, passed_over, unlisted)
        except LogInputError as exc:
            if problems is None or len(items) == 1:
                raise
            problems.append(str(exc))
            continue
        for why in unlisted:  # a subfolder logad may not list is skipped and told, as a file it may not read
            if problems is None:
                raise LogInputError(why)
            problems.append(why)
        bad = _unreadable(found)
        for path, why in bad.items():
            # A directory's or a glob's file logad cannot read is skipped and told, as a bad input among several.
            if problems is None or (len(items) == 1 and len(found) == 1):
                raise LogInputError(f"{shown_path(path)}: {why}")
            problems.append(f"{shown_path(path)}: {why}")
        out += [path for path in found if path not in bad]
    if not out:
        raise LogInputError("no readable input: " + "; ".join(problems or []))
    # A file named twice (a.log and its absolute path) is read once, under the name it was first given.
    first: dict[Path, Path] = {}
    for path in out:
        first.setdefault(path.resolve(), path)
    if passed_over:  # a folder's file named on its own is read after all
        passed_over[:] = [name for name in passed_over if Path(name).resolve() not in first]
    return _rotated_oldest_first(list(first.values()))


def _rotated_oldest_first(files: list[Path]) -> list[Path]:
    """Files (n,) with each run of files of one rotated log that its live file opens oldest first, as a folder's
    or a glob's are: a shell lists ``syslog*`` as ``syslog syslog.1 syslog.2.gz``, newest first, and January came
    before December. Other runs keep their order (``split``'s ``app.log.000 app.log.001`` count up)."""
    out: list[Path] = []
    for stem, run in itertools.groupby(files, key=lambda path: rotation_stem(str(path))):
        run = list(run)
        out += sorted(run, key=_oldest_first) if len(run) > 1 and str(run[0]) == stem else run
    return out


def _unreadable(paths: Sequence[Path]) -> dict[Path, str]:
    """The paths logad cannot read as logs, each with why: not a regular file (a FIFO, a socket) or a name that is
    not valid UTF-8 (the file name is written in every row, and UTF-8 files hold no such name)."""
    out = {}
    for path in paths:
        if not path.is_file():
            out[path] = "no such file (a link to nothing)" if path.is_symlink() and not path.exists() else \
                "not a regular file"
        elif shown_path(path) != str(path):
            out[path] = "file name is not valid UTF-8; rename the file to read it"
    return out


def shown_path(path: Path | str) -> str:
    """A path as text that can be printed and written: bytes of a name that are not UTF-8 as ``\\xe9``."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


# Files only logad writes, each in a folder it writes whole: a saved model's manifest, a projector run's summary.
LOGAD_FOLDER_MARKERS = ("logad_model.json", "export_info.json")


def _expand(item: str | os.PathLike, passed_over: list[str] | None = None,
            unlisted: list[str] | None = None) -> list[Path]:
    """The files one input path names (a file, a directory's log files, or a glob's matches); a directory's other
    files, but hidden ones and logad's own label files, are added to ``passed_over``, and its subfolders that
    cannot be listed, each with why, to ``unlisted``."""
    path = Path(item)
    if path.is_dir():
        files = _folder_files(path, unlisted)
        # Nor do the folders logad writes whole hold logs, a saved model and a projector run, known by the file
        # each holds.
        own = {p.parent for p in files if p.name in LOGAD_FOLDER_MARKERS}
        files = sorted(p for p in files if not own.intersection(p.parents))
        found = sorted((p for p in files if _is_log_like(p)), key=_oldest_first)
        others = [shown_path(p) for p in files if not _is_log_like(p) and not _is_hidden_or_labels(p)]
        if not found:
            # Its files are there, only not named like logs: say which, as a user reads them by naming them.
            named = f"; name its files to read them ({_first_names(others)})" if others else ""
            named += "".join(f"; {why}" for why in unlisted or [])
            raise LogInputError(f"{path}: directory holds no log files (*.log, *.jrn, *.txt, *.gz, ...){named}")
        if passed_over is not None:
            passed_over += others
        return found
    if path.is_file():
        return [path]
    if glob.has_magic(str(item)):
        found = sorted((Path(p) for p in glob.glob(str(item), recursive=True) if not Path(p).is_dir()),
                       key=_oldest_first)
        if not found:
            raise LogInputError(f"{item}: pattern matches no file")
        return found
    if path.exists():
        raise LogInputError(f"{path}: not a regular file")
    raise LogInputError(f"{path}: no such file or directory")


def _folder_files(folder: Path, unlisted: list[str] | None) -> list[Path]:
    """A folder's files, in its subfolders too, but those of hidden subfolders; a subfolder that cannot be listed
    or a link to a folder goes to ``unlisted`` with why, and the folder itself, not listed, raises
    :class:`LogInputError`."""
    errors: list[OSError] = []
    files, links = [], []
    for root, dirs, names in os.walk(folder, onerror=errors.append):
        # Hidden folders hold no logs to read (.git, an interrupted save's .name.tmp-* folder).
        dirs[:] = [name for name in dirs if not name.startswith(".")]
        # A link to a folder is not followed (it may loop, or lead out of the folder given): told, not left out.
        links += [Path(root, name) for name in dirs if Path(root, name).is_symlink()]
        # Not directories (a FIFO named like a log is found, then refused by resolve_paths, not left out unsaid).
        files += [Path(root, name) for name in names]
    why = [f"{shown_path(exc.filename)}: cannot list folder ({exc.strerror})" for exc in errors]
    why += [f"{shown_path(link)}: a link to a folder, not followed (give its target to read it)" for link in links]
    if errors and Path(errors[0].filename) == folder:
        raise LogInputError(why[0])
    if unlisted is not None:
        unlisted += why
    return files


# What rotation appends to a log's name: a number (app.log.1, syslog.2), or a date (logrotate's dateext,
# access.log-20240310; access.log.2024-03-10), before any compression suffix.
_ROTATED = re.compile(r"(?:[.-]\d{1,3}|[.-]\d{8}(?:\d{2}|\d{4}|\d{6})?|[.-]\d{4}-\d\d-\d\d(?:[._-][\d.-]+)?)$")


def rotation_stem(name: str) -> str:
    """A log file's name without its compression and rotation suffixes (``app.log.1.gz`` → ``app.log``): the files
    of one log, rotated, share it."""
    path = Path(name)
    stem = _ROTATED.sub("", _uncompressed(path.name))
    return str(path.with_name(stem)) if stem else name


def _uncompressed(name: str) -> str:
    """A file name without its compression suffix (``.gz``, ``.xz``, ``.bz2``)."""
    return re.sub(r"\.(gz|xz|bz2)$", "", name)


def _oldest_first(path: Path) -> tuple:
    """A sort key that puts the files of one rotated log oldest first (``app.log.2``, ``app.log.1``, ``app.log``;
    ``access.log-20240309``, ``access.log-20240310``, ``access.log``), so that lines read in order of time where
    no line carries one; other files sort by name, numbers in it as numbers (log4j2's ``app-2024-03-10-2.log``
    before ``app-2024-03-10-10.log``)."""
    name = _uncompressed(path.name)
    suffix = _ROTATED.search(name)
    if suffix is None or suffix.start() == 0:
        return _natural(path.with_name(name).parts), 2, 0, ()
    number = suffix.group()[1:]
    # A date's numbers in order, and an index after it (log4j's app.log.2024-03-10.2) as a number, not as text.
    rank = (0, -int(number), ()) if number.isdigit() and len(number) <= 3 else \
        (1, 0, tuple(int(x) for x in re.findall(r"\d+", number)))
    return _natural(path.with_name(name[:suffix.start()]).parts), *rank


def _natural(parts: Sequence[str]) -> tuple:
    """Path parts as a sort key that reads the runs of digits in them as numbers."""
    return tuple(tuple((0, int(run)) if run.isdigit() else (1, run) for run in re.findall(r"\d+|\D+", part))
                 for part in parts)


def _is_hidden_or_labels(path: Path) -> bool:
    name = path.name.lower()
    return name.startswith(".") or name.endswith((".labels.csv", ".incidents.csv"))


def _is_log_like(path: Path) -> bool:
    """Whether a directory's file is read as a log: named like one (a log suffix or a system log's name), once
    compression and rotation suffixes are left off."""
    if _is_hidden_or_labels(path):
        return False
    stem = rotation_stem(path.name.lower())
    suffixes = {s for s in Path(stem).suffixes}
    return bool(suffixes & LOG_SUFFIXES) or stem.startswith(LOG_NAME_PREFIXES) or ".log." in stem


class _SalvagingReader(io.RawIOBase):
    """A binary stream that ends cleanly at the first read error and keeps it in ``error``,
    so every byte before the damage (a cut .gz, an I/O error) still reaches the lines.

    With ``skip_nul``, a run of NUL bytes that opens the stream (two or more: a lone one may open UTF-16 text) is
    left out and counted in ``nul_bytes``: logrotate's copytruncate empties a log its writer keeps appending to
    at its old offset, so the file starts with a hole that reads as NULs before its new lines.

    With ``size``, the stream ends after that many bytes, and one that ends before them was cut short.
    """

    def __init__(self, inner: IO[bytes], skip_nul: bool = False, size: int | None = None) -> None:
        super().__init__()
        self.inner = inner
        self.left = size  # bytes still to read, where the size is known
        self.error: BaseException | None = None
        self.skipping = skip_nul
        self.nul_bytes = 0
        self.pending = b""  # read but not yet handed on (a lone NUL put back before a full block)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.error is not None:
            return 0
        try:
            data, self.pending = self.pending or self._read(len(buffer)), b""
            if self.skipping:
                data = self._past_hole(data, len(buffer))
        except _READ_ERRORS as exc:
            self.error = exc
            return 0
        data, self.pending = data[:len(buffer)], data[len(buffer):]
        buffer[:len(data)] = data
        return len(data)

    def _read(self, size: int) -> bytes:
        # read1: one underlying read, so what it decompressed before the damage is not thrown away.
        read = getattr(self.inner, "read1", self.inner.read)
        if self.left is None:
            return read(size)
        if not self.left:
            return b""
        data = read(min(size, self.left))
        if not data:
            raise EOFError("the file shrank while read: truncated, as logrotate's copytruncate does")
        self.left -= len(data)
        return data

    def _past_hole(self, data: bytes, size: int) -> bytes:
        """``data`` (the stream's first read) past the run of NULs that opens the stream; a lone NUL is kept."""
        self.skipping = False
        run = 0
        while data and not data.strip(b"\x00"):
            run, data = run + len(data), self._read(size)
        text = data.lstrip(b"\x00")
        run += len(data) - len(text)
        if run < 2:
            return b"\x00" * run + text
        self.nul_bytes = run
        return text

    def close(self) -> None:
        self.inner.close()
        super().close()


def _open_text(path: Path, sizes: dict[str, int] | None = None) -> IO[str]:
    """Open plain or compressed text (:data:`COMPRESSIONS`), line ends untranslated (see :func:`split_lines`),
    invalid bytes counted and replaced.

    A plain file is read up to its size in ``sizes``, else up to its size now, then recorded there: a log still
    written to is read as it was when opened, so a run's two passes read the same lines.
    The stream ends early at a read error or where the file was cut short; ``_read_error(stream)`` tells.
    """
    try:
        with open(path, "rb") as fh:
            head = fh.read(_SNIFF_BYTES)
        kind, opener = compression(head) or ("", open)
        inner = opener(path, "rb")
        size = None
        # Not a file that says it is empty while it holds text, as /proc's do: it is read to its end.
        if not kind and stat.S_ISREG((state := os.fstat(inner.fileno())).st_mode) and state.st_size:
            size = state.st_size if sizes is None else sizes.setdefault(str(path), state.st_size)
        raw = _SalvagingReader(inner, skip_nul=True, size=size)
    except OSError as exc:
        raise LogInputError(f"{path}: cannot read ({exc.strerror})") from None
    binary = io.BufferedReader(raw)
    head = binary.peek(_SNIFF_BYTES)[:_SNIFF_BYTES]
    if not head and raw.error is not None:
        binary.close()
        raise LogInputError(f"{path}: {f'corrupt {kind} file' if kind else 'cannot read'} ({raw.error})")
    encoding = _sniff_encoding(head)
    if _is_binary(head) and not encoding.startswith("utf-16"):
        binary.close()
        raise LogInputError(f"{path}: looks like a binary file (NUL bytes), not a text log")
    return io.TextIOWrapper(binary, encoding=encoding, errors="logad.count",
                            newline=line_ends(path, head, opener, encoding))


# A run of two NULs or more that opens a line: a hole a crash leaves, which split_lines leaves out of the text
# (a lone NUL that ends the head after a line may be such a run, cut short by the head's end).
_NUL_HOLE = re.compile(rb"(?m)^\x00(?:\x00+|\Z)")


def _is_binary(head: bytes) -> bool:
    """Whether a file's first bytes hold a NUL outside the holes that open lines (:data:`_NUL_HOLE`)."""
    return b"\x00" in head and b"\x00" in _NUL_HOLE.sub(b"", head)


def compression(head: bytes) -> tuple[str, Callable] | None:
    """(name, opener) of the compression a file's first bytes show (:data:`COMPRESSIONS`), None for plain text."""
    return next((found for magic, found in COMPRESSIONS.items() if re.match(magic, head)), None)


def line_ends(path: str | os.PathLike, head: bytes, opener: Callable = open, encoding: str = "utf-8-sig"
              ) -> str | None:
    """How a file whose first bytes are ``head`` (as ``opener`` reads it) ends its lines, as ``open``'s ``newline``:
    "" (untranslated, see :func:`split_lines`), or None (universal) for a file of lone "\r" line ends (classic
    Mac OS): no "\n" in it. A head of lone "\r" may be one line a progress bar rewrote: the file is read on.
    UTF-16 is looked at as text: its other characters hold the byte of "\n" too (U+040A, U+0A00)."""
    utf16 = encoding.startswith("utf-16")
    cr, lf = ("\r", "\n") if utf16 else (b"\r", b"\n")
    first = head.decode(encoding, errors="replace") if utf16 else head
    if cr not in first or lf in first:
        return ""
    decode = codecs.getincrementaldecoder(encoding)(errors="replace").decode if utf16 else (lambda block: block)
    with _SalvagingReader(opener(path, "rb")) as fh:
        while block := fh.read(1 << 20):
            if lf in decode(block):
                return ""
    return None


# A terminal's control sequences (CSI: colours "\x1b[36m", "\x1b[0m", erasing "\x1b[K"): formatting that a program
# writes where its output goes to a terminal, no text of the line. Left in, they hid headers and read as values.
_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def strip_escapes(line: str) -> str:
    """``line`` without its terminal control sequences (:data:`_ESCAPES`)."""
    return _ESCAPES.sub("", line) if "\x1b" in line else line


def split_lines(text: str) -> list[str]:
    """The lines of text ended by "\n" or "\r\n" (the last one unfinished, maybe empty), ``text`` starting at a
    line start; a lone "\r" ends no line: progress output rewrites a line with it, and ``wc -l``, ``grep -n``
    and editors count no line there. A byte-order mark that opens a line is left out: files written with one
    and joined (``cat a.log b.log``) carry it into their lines, where it would hide the line's header. So is a run
    of NULs that opens a line (a hole a crash or a log emptied while written to leaves; counted), which would
    make the line after it read as a continuation of the event before. Terminal control sequences are left out
    (:func:`strip_escapes`)."""
    lines = text.replace("\r\n", "\n").split("\n")
    if "\x1b" in text:
        lines = [strip_escapes(line) for line in lines]
    if "\ufeff" in text:
        lines = [line[1:] if line[:1] == "\ufeff" else line for line in lines]
    if "\x00\x00" in text:  # not the unfinished last line: the next block may go on with its NULs
        lines[:-1] = [past_nuls(line) for line in lines[:-1]]
    return lines


def past_nuls(line: str) -> str:
    """A line without the run of NULs that opens it (two or more; counted in this thread's ``_INVALID.nuls``)."""
    if line[:2] != "\x00\x00":
        return line
    text = line.lstrip("\x00")
    _INVALID.nuls += len(line) - len(text)
    return text


def _sniff_encoding(head: bytes) -> str:
    """UTF-16 when the head has a byte-order mark (PowerShell's ">") or, without one, when every
    other byte is NUL (UTF-16 text in the Latin range); else UTF-8, an optional BOM skipped."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    even, odd = head[0::2], head[1::2]
    if odd and odd.count(0) >= 0.9 * len(odd) and even.count(0) <= 0.1 * len(even):
        return "utf-16-le"
    if odd and even.count(0) >= 0.9 * len(even) and odd.count(0) <= 0.1 * len(odd):
        return "utf-16-be"
    if len(head) < len(codecs.BOM_UTF8) and codecs.BOM_UTF8.startswith(head):
        # A whole file of one or two bytes of a BOM: Python's utf-8-sig decoder would drop them silently.
        return "utf-8"
    return LEGACY_ENCODING if _legacy_text(head) else "utf-8-sig"


# Windows-1252, Latin-1's superset: what a Windows program or an old Unix locale writes accents in.
LEGACY_ENCODING = "cp1252"
# Places of a head that are no UTF-8 before it is read as Windows-1252: a few stray bytes in a UTF-8 log are damage.
_LEGACY_PLACES = 5


def _legacy_text(head: bytes) -> bool:
    """Whether a head without a UTF-8 byte-order mark is Windows-1252 text: it decodes as that, and is no UTF-8 in
    :data:`_LEGACY_PLACES` places or more, more than the UTF-8 characters past ASCII it holds."""
    try:
        head.decode(LEGACY_ENCODING)
    except UnicodeDecodeError:
        return False
    text = head.decode("utf-8", errors="replace")
    # A U+FFFD the file holds (a writer's own replacement, valid UTF-8) is no byte that failed to decode.
    bad = text.count("\ufffd") - head.count("\ufffd".encode())
    return bad >= _LEGACY_PLACES and bad > sum(c > "\x7f" for c in text) - bad and not head.startswith(codecs.BOM_UTF8)


def _read_error(text: IO[str]) -> BaseException | None:
    """The error that ended a stream from :func:`_open_text` early, if any."""
    return getattr(getattr(getattr(text, "buffer", None), "raw", None), "error", None)


def _iter_line_batches(path: Path, batch: int, read_size: int = 1 << 22,
                       on_error: Callable[[str], None] | None = None,
                       on_note: Callable[[str], None] | None = None,
                       sizes: dict[str, int] | None = None) -> Iterator[list[str]]:
    """Yield lists of at most ``batch`` lines (newline stripped) of one file.

    A read error before the first line raises :class:`LogInputError`. One after it (a
    truncated or corrupt .gz, an I/O error) raises too unless ``on_error`` is given: then
    every line before the damage is yielded and ``on_error`` gets a one-line message.
    ``on_note`` hears of the NUL bytes left out at the file's start (see :class:`_SalvagingReader`); ``sizes``: as
    :func:`_open_text` takes them.
    """
    with _open_text(path, sizes) as text:
        if text.encoding == LEGACY_ENCODING and on_note is not None:
            on_note(f"{path}: not UTF-8; read as Windows-1252 ({LEGACY_ENCODING}, Latin-1's superset)")
        yield from split_line_batches(text, path, batch, read_size, on_error)
        skipped = text.buffer.raw.nul_bytes
        if skipped and on_note is not None:
            on_note(f"{path}: left out {skipped:,} NUL bytes at its start (a log emptied while written to, as "
                    "logrotate's copytruncate leaves it)")


def split_line_batches(text: IO[str], path: Path | str, batch: int, read_size: int = 1 << 22,
                       on_error: Callable[[str], None] | None = None, before: int = 0) -> Iterator[list[str]]:
    """Yield lists of at most ``batch`` lines (line end stripped, see :func:`split_lines`) of an open text stream
    with untranslated line ends (read errors as in :func:`_iter_line_batches`, their line numbers counting the
    file's ``before`` lines ahead of the stream)."""
    # One C-level split per block; the unfinished last line of a block (maybe a "\r" of a "\r\n") is carried
    # into the next.
    pending: list[str] = []
    tail = ""
    done = 0
    while block := text.read(read_size):
        parts = split_lines(tail + block)
        tail = parts.pop()
        pending += parts
        while len(pending) >= batch:
            yield pending[:batch]
            done += batch
            pending = pending[batch:]
    if (exc := _read_error(text)) is not None:
        read = done + len(pending)
        if on_error is None or not read:
            raise LogInputError(f"{path}: read failed ({exc})")
        # The line the damage cut ("21:59:02  284") is no line the log wrote: read, it scored as the top anomaly.
        on_error(f"the rest of {path} after line {before + read} (read failed: {exc}"
                 + (f"; line {before + read + 1}, cut by the damage, left out)" if tail else ")"))
        tail = ""
    if tail:  # a line, even if only NULs
        pending.append(past_nuls(tail))
    for start in range(0, len(pending), batch):
        yield pending[start:start + batch]


def _document_batches(path: Path, batch: int, numbers: deque[np.ndarray], on_note: Callable[[str], None],
                      on_error: Callable[[str], None] | None = None, sizes: dict[str, int] | None = None
                      ) -> Iterator[list[str]]:
    """Yield lists of at most ``batch`` records of a file of JSON documents (:class:`documents.JsonRecords`), each
    as compact JSON, the line each starts on appended to ``numbers`` (n,). From where the text is no JSON (cut
    short, invalid, a record over :data:`documents.MAX_RECORD_CHARS`) on, its lines are yielded as text, numbered
    as in the file, and ``on_note`` hears where and why; ``on_error`` and ``sizes``: as
    :func:`_iter_line_batches` takes them."""
    with _open_text(path, sizes) as text:
        reader = JsonRecords(text)
        found: list[tuple[int, str]] = []
        try:
            for record in reader:
                found.append(record)
                if len(found) == batch:
                    yield _unzipped(found, numbers)
                    found = []
        except DocumentError as exc:
            if found:
                yield _unzipped(found, numbers)
            on_note(f"{path}: JSON document no longer read as records at {exc}; read as text lines from line "
                    f"{reader.mark_line} on")
            line_no = reader.mark_line
            for lines in split_line_batches(_Resumed(reader.rest(), text), path, batch, on_error=on_error,
                                            before=line_no - 1):
                numbers.append(np.arange(line_no, line_no + len(lines), dtype=np.int64))
                yield lines
                line_no += len(lines)
            return
        if found:
            yield _unzipped(found, numbers)
        on_note(f"{path}: a JSON document, read as its records: one row each, line_no the line it starts on")


def _unzipped(records: list[tuple[int, str]], numbers: deque[np.ndarray]) -> list[str]:
    """The texts of (line number, text) records, their line numbers (n,) appended to ``numbers``."""
    numbers.append(np.array([line for line, _ in records], dtype=np.int64))
    return [text for _, text in records]


class _Resumed:
    """A text stream read on after ``head``, text it had given before (:meth:`read`; ``buffer`` tells its read
    error, see :func:`_read_error`)."""

    def __init__(self, head: str, text: IO[str]) -> None:
        self.head, self.text, self.buffer = head, text, getattr(text, "buffer", None)

    def read(self, size: int) -> str:
        block, self.head = self.head[:size], self.head[size:]
        return block or self.text.read(size)


def _frame_for(lines: list[str], fmt: LogFormat, source: str, first_line: int | np.ndarray, rule: Multiline
               ) -> pd.DataFrame:
    """Rows for consecutive lines of one file, numbered from ``first_line`` (or each its number: a JSON document's
    records): base columns, the format's fields and the events (see multiline)."""
    lengths = np.fromiter(map(len, lines), dtype=np.int64, count=len(lines))
    long = lengths > MAX_LINE_CHARS
    whole = lines
    if long.any():
        lines = [s[:MAX_LINE_CHARS] if too_long else s for s, too_long in zip(lines, long)]
    blank = _blank(lines, lengths)
    if fmt.preamble:  # a delimited file's column names: no event
        blank |= np.fromiter((line in fmt.preamble for line in lines), dtype=bool, count=len(lines))
    if fmt.comment:  # a W3C or Zeek log's directives: no event
        blank |= np.fromiter((line.startswith(fmt.comment) for line in lines), dtype=bool, count=len(lines))
    # A JSON object or a delimited record is read whole, then its cells cut: its time and level may come after
    # a long message. A text header is at the start, where the cut line keeps it.
    fields, matched = fmt.parse(whole if fmt.json_key is not None else lines)
    if fmt.json_key is not None and long.any():
        # One too long for its reader whole (a CSV cell over the csv module's limit) is read cut, as a text line.
        retry = np.flatnonzero(long & ~matched)
        if len(retry):
            cut, cut_matched = fmt.parse([lines[i] for i in retry])
            for name in fields.columns:
                fields.loc[fields.index[retry], name] = cut[name].to_numpy()
            matched[retry] = cut_matched
        for name in fields.select_dtypes(include="object").columns:
            fields.loc[long, name] = [v[:MAX_LINE_CHARS] if isinstance(v, str) else v for v in fields.loc[long, name]]
    read_secondary_levels(fields)
    # A journal export's notes on its span match no header: only the lines that missed it are looked at.
    missed = np.flatnonzero(~matched)
    blank[missed] |= np.fromiter((lines[i][:3] == "-- " and _SPAN_NOTE.fullmatch(lines[i]) is not None
                                  for i in missed), dtype=bool, count=len(missed))
    if rule.level_line:
        fields.insert(fields.columns.get_loc("content"), "level", pd.Series(None, index=fields.index, dtype=object))
    blank, flags = _events(lines, fields, matched, blank, rule, fmt)
    read_closed_messages(lines, fields, matched, blank, flags, rule)
    if rule.comment_records and "timestamp" not in fields:
        fields.insert(0, "timestamp", record_times(lines, flags, blank))
    base = pd.DataFrame({
        "source": source,
        "line_no": np.arange(first_line, first_line + len(lines), dtype=np.int64) if np.isscalar(first_line)
        else np.asarray(first_line, dtype=np.int64),
        "raw": pd.Series(lines, dtype=object),
        "blank": blank,
        "parsed": matched & ~blank,
        "truncated": long,
    })
    frame = pd.concat([base, fields], axis=1)
    texts = event_lines(lines, fields["content"].to_numpy(dtype=object), matched & ~blank, flags)
    if fmt.delimiter and not fmt.comment:  # W3C and Zeek logs quote no cell
        texts = _quoted_cell_lines(lines, texts, flags, fmt.delimiter)
    frame = group_events(frame, flags, [c for c in fields.columns if c != "content"], texts, rule.level_line,
                         _writers(fmt, fields, matched), rule.comment_records)
    _time_separators(frame, lines, matched)
    return add_trace_events(frame) if fmt.json_key is not None else frame


def _time_separators(frame: pd.DataFrame, lines: list[str], matched: np.ndarray) -> None:
    """Read the separators between events (:func:`multiline.is_separator`: journalctl's "-- Boot <id> --") as
    parsed, the exporter's own lines, and give them the time of the event after them, else of the one before: a
    boot comes up at its first event, while the one before it may be days older (the host was off)."""
    rows = [i for i in np.flatnonzero(~matched & ~frame["blank"].to_numpy(dtype=bool)).tolist()
            if is_separator(lines[i])]
    if not rows:
        return
    frame.loc[rows, "parsed"] = True
    if "timestamp" in frame:
        frame.loc[rows, "timestamp"] = frame["timestamp"].bfill().ffill().iloc[rows].to_numpy()


def _quoted_cell_lines(lines: list[str], texts: np.ndarray, flags: np.ndarray, delimiter: str) -> np.ndarray:
    """Texts (n,) with the lines that go on a delimited record's quoted cell (one the header line opened and left
    open) read as CSV reads them: ``""`` a quote, the closing quote and the cells after it left out (they kept
    their quotes, so the message read ``... with ""quotes"", and commas"``)."""
    out = texts
    open_cell = False
    for i in np.flatnonzero(flags):
        if i == 0 or not flags[i - 1]:  # a record's first continuation: its header is the line above
            open_cell = i > 0 and _left_open(lines[i - 1], delimiter)
        if open_cell:
            if out is texts:
                out = texts.copy()
            out[i] = next(csv.reader(['"' + lines[i]], delimiter=delimiter), [""])[0]
            open_cell = _left_open('"' + lines[i], delimiter)
    return out


def _left_open(text: str, delimiter: str) -> bool:
    """Whether ``text`` ends inside a quoted cell (a quote that opens a cell, not one inside it: ``5" bay``)."""
    try:
        next(csv.reader([text], delimiter=delimiter, strict=True), None)
    except csv.Error as exc:
        return "end of data" in str(exc)
    return False


def parse_lines(lines: Sequence[str], fmt: str | LogFormat = "auto", source: str = "") -> pd.DataFrame:
    """Rows for in-memory lines of one log, as :func:`read_logs` makes them (format detected when ``auto``): a line
    end left on a line (``readlines()``) is dropped, and times without a date or a year roll over as there."""
    lines = [line[:-2] if line.endswith("\r\n") else line[:-1] if line.endswith("\n") else line for line in lines]
    sample = detection_sample(lines) + far_lines(lines)
    chosen = detect_format(sample) if fmt == "auto" else with_file_times(get_format(fmt), sample)
    frame = _frame_for(lines, chosen, source, 1, infer_multiline(sample, chosen))
    _roll(frame, _rollers(sample))
    return frame


def describe_layout(path: str | os.PathLike, time_format: str | None = None,
                    on_error: Callable[[str], None] = lambda message: None) -> dict[str, str]:
    """What auto-detection makes of one log file: format (copy-ready), share of lines matched, timestamp, events;
    its times read with ``time_format`` where given (:func:`file_layout`). A file damaged among the lines sampled
    (a .gz cut short) is described on the lines before the damage, and ``on_error`` hears of it, as parse does."""
    files = resolve_paths(path)
    sample, span, document = read_detection_sample(files[0], on_error=on_error)
    if not span:  # "0.0% of 0 event(s) in 0 lines" and a raw format described a layout no line showed
        return {"file": str(files[0]), "layout": "none: the file is empty"}
    fmt = file_layout(str(files[0]), None, sample, time_format)
    rule = infer_multiline(sample, fmt)
    frame = _frame_for(sample, fmt, "", 1, rule)
    lines = ~frame["blank"]
    heads = lines & (frame["event_line_no"] == frame["line_no"])
    # Day and month that no date sampled tells apart: the order the time format shows was assumed.
    assumed = day_month_warning(str(files[0]), fmt, sample, time_format)
    untold = "; day and month order assumed: no date sampled tells" if assumed else ""
    time = _times_read(fmt, frame, lines) + untold if "timestamp" in frame else "none"
    kind = fmt.name if fmt.name != "inferred" else "inferred (no preset matched)"
    inner = {} if fmt.text_messages is None else {
        "messages": f"{fmt.text_messages.describe()} (the messages' own layout; --format reads one layout: the "
                    "header's above, or this one on the messages alone)"}
    if document:
        inner["document"] = ("one JSON document over many lines (or an envelope of records): its records read as "
                             "JSON lines, a row each, line_no the line each starts on; --engine dask reads it on one "
                             "worker")
    unit = "records" if document else "lines"
    formats = {f"format {k}": layout.describe() for k, layout in enumerate(fmt.layouts, 1)} or {
        "format": fmt.describe() or "(none: whole line is the message)"}
    if fmt.layouts:  # several programs' lines: the events each layout read
        counts = frame.loc[heads, LAYOUT_COLUMN].value_counts()
        inner["layouts"] = ("each line read by the first that matches it; events: " + _layout_shares(
            {k: int(n) for k, n in counts.items()}, int(heads.sum()), int((heads & ~frame["parsed"]).sum())))
    return {"file": str(files[0]), "layout": kind, **formats, **inner, "--format": _spelling(fmt),
            "matches": f"{frame.loc[heads, 'parsed'].mean() if heads.any() else 0:.1%} of {int(heads.sum())} "
                       f"event(s) in {len(sample)} {unit} sampled from the first {span}"
                       + (f" and {len(sample) - _DETECT_LINES} past them" if len(sample) > _DETECT_LINES else ""),
            "timestamp": time,
            "columns": ", ".join(c for c in frame.columns if c in fmt.columns or c in ("level", "timestamp")),
            "continuation": f"{int((lines & ~heads).sum())} line(s) joined to their event; rules: "
                            + rule.describe()}


def _times_read(fmt: LogFormat, frame: pd.DataFrame, lines: pd.Series) -> str:
    """The time format ``fmt`` reads a parsed sample's times with and the share of its ``lines`` (n,) that have one;
    with several programs' layouts, each one's and the share of the lines it read a time on."""
    def share(timed: pd.Series) -> str:
        return f"({timed.sum() / max(int(lines.sum()), 1):.1%} of lines)"

    timed = frame["timestamp"].notna() & lines
    if not fmt.layouts:
        return f"{fmt.time_format or 'inferred'} {share(timed)}"
    read_by = frame[LAYOUT_COLUMN].astype(str)
    # Layout 1's format beside every layout's share read as if all lines were written so.
    return "; ".join(f"layout {k}: {layout.time_format or ('inferred' if 'timestamp' in layout.columns else 'none')} "
                     f"{share(timed & (read_by == str(k)))}" for k, layout in enumerate(fmt.layouts, 1))


def _spelling(fmt: LogFormat) -> str:
    """What to give ``--format`` to read a file as ``fmt`` reads it (a preset's name; an inferred format string,
    whose fields then match any text), or why none does."""
    if fmt.layouts:
        return "auto (a format string reads one layout: it would leave the other programs' lines unread)"
    if fmt.text_messages is not None:
        return "auto (this layout has no format string; the header's alone would leave the messages unread)"
    if fmt.json_key is not None:
        return "auto (structured lines have no format string)"
    if fmt.name in PRESETS or (fmt.name.endswith("+json") and fmt.name[:-5] in PRESETS):
        return fmt.name
    return "auto (the format string above adjusts it, but its fields then match any text)"


def _blank(lines: Sequence[str], lengths: np.ndarray | None = None) -> np.ndarray:
    """Bool (n,): empty or whitespace-only lines."""
    lengths = lengths if lengths is not None else np.fromiter(map(len, lines), dtype=np.int64, count=len(lines))
    return (lengths == 0) | np.fromiter(map(str.isspace, lines), dtype=bool, count=len(lines))


def _events(lines: Sequence[str], fields: pd.DataFrame, matched: np.ndarray, blank: np.ndarray, rule: Multiline,
            fmt: LogFormat) -> tuple[np.ndarray, np.ndarray]:
    """(blank (n,), continues (n,)) of parsed lines: the physical blank lines ``blank`` and a wrapped program's
    empty messages (:func:`multiline.empty_messages`); and the lines that continue the event before them, the rest
    of a CRI partial record among them. A chunk and the look past its end read them alike."""
    content = fields["content"].to_numpy(dtype=object)
    # Under a header without a level the messages are searched (empty ones, frames): in Arrow, converted once.
    array = arrow_messages(content) if rule.header and rule.levelless else None
    # A record a program writes itself (JSON, CSV) with no message is an event; a shipper's of an empty line is blank.
    if fmt.json_key is None or fmt.json_key in LINE_KEYS:
        blank = blank | empty_messages(matched, content, rule, array)
    writers = _writers(fmt, fields, matched)
    if writers is None:
        flags = _continuations(lines, fields, matched, blank, rule, array)
    else:
        # Each writer's lines are a stream of their own: a trace's lines continue its writer's event, whichever
        # other writers' lines fall between them (docker compose interleaves its services' output line by line).
        flags = np.zeros(len(lines), dtype=bool)
        for writer in np.unique(writers):
            rows = np.flatnonzero(writers == writer)
            flags[rows] = _continuations([lines[i] for i in rows], fields.iloc[rows].reset_index(drop=True),
                                         matched[rows], blank[rows], rule)
    return blank, flags | _after_partial(fields, matched, fmt)


def _continuations(lines: Sequence[str], fields: pd.DataFrame, matched: np.ndarray, blank: np.ndarray,
                   rule: Multiline, array=None) -> np.ndarray:
    """Bool (n,): the lines of one stream that continue the event before them (see :func:`_events`; ``array``:
    the messages' :func:`multiline.arrow_messages`, where made)."""
    content = fields["content"].to_numpy(dtype=object)
    streams = fields["stream"].to_numpy(dtype=object) if "stream" in fields else None
    return split_writers(fields, matched, blank,
                         continuation_flags(lines, matched, blank, rule, content, streams, array))


def _writers(fmt: LogFormat, fields: pd.DataFrame, matched: np.ndarray) -> np.ndarray | None:
    """Int (n,): each line's writer where several writers' lines interleave (:attr:`LogFormat.writers`), a line
    without a writer's name taking the writer above it; None for one program's lines."""
    if not fmt.writers:
        return None
    return pd.factorize(fields["component"].where(matched).ffill())[0]


def _after_partial(fields: pd.DataFrame, matched: np.ndarray, fmt: LogFormat) -> np.ndarray:
    """Bool (n,): under Kubernetes' CRI header, the records that go on from a partial one (tag ``P``: the runtime
    split a long line of the program's) and so continue its event."""
    if not fmt.name.startswith("cri") or "tag" not in fields or not len(matched):
        return np.zeros(len(matched), dtype=bool)
    partial = matched & (fields["tag"].to_numpy(dtype=object) == "P")
    return np.r_[False, partial[:-1]] & matched


def _leading_continuations(lines: list[str], fmt: LogFormat, rule: Multiline, before: Sequence[str],
                           final: bool = True) -> int | None:
    """How many of the first lines continue an event of the chunk before, whose last lines are ``before``
    (blank lines among them included); None when that hangs on lines past them and ``final`` is False (more
    lines follow: read on and ask again).

    The rules look back three lines at most (a Python exception after the
    carets under a frame's source line), so the last three lines before are
    context enough, and the same whoever reads them (a chunk, or a Dask range
    that reads them off the file).
    """
    context = list(before)[-_CONTEXT_LINES:]
    checked = 0
    with _uncounted():
        for size in (16, _MAX_CARRY):
            # Two lines past the look: a line's flag may hang on the two under it (an exception line above its
            # frames, a message above a Python traceback), so the look's last two lines decide nothing.
            look = lines[:size + _LOOK_AHEAD]
            head = [*context, *look]
            fields, matched = fmt.parse(head)
            blank, flags = _events(head, fields, matched, _blank(head), rule, fmt)
            checked = _carried(flags, blank, _writers(fmt, fields, matched), len(context))
            checked += _labelled_lines(fields, flags, blank, len(context) + checked)
            if checked < len(look) - _LOOK_AHEAD:
                break
            if len(look) == len(lines):
                return checked if final else None
        checked = min(checked, size)
    return checked


def _carried(flags: np.ndarray, blank: np.ndarray, writers: np.ndarray | None, start: int) -> int:
    """How many rows from ``start`` on continue an event begun before it: the leading continuations and the blank
    rows after them, or with interleaved ``writers`` every row up to the last that continues its writer's event
    from before ``start`` or from a row carried with it (other writers' lines fall between a trace's lines)."""
    cut, last = start, {}  # each writer's row before
    for i in range(start, len(flags)):
        if not blank[i]:
            writer = 0 if writers is None else writers[i]
            if flags[i] and last.get(writer, -1) < cut:
                cut = i + 1
            last[writer] = i
    while cut < len(flags) and blank[cut]:  # blank rows end no event: they go with the one before them
        cut += 1
    return cut - start


def _labelled_lines(fields: pd.DataFrame, flags: np.ndarray, blank: np.ndarray, start: int) -> int:
    """How many rows from ``start`` on are a message's further labelled lines (``DETAIL:`` under its ``ERROR:``,
    :data:`formats.SECONDARY_LEVELS`) with the continuation and blank rows under them: they go with the message
    above them, whose level they take, in whatever chunk it is read."""
    if "level" not in fields:
        return 0
    levels = fields["level"].to_numpy(dtype=object)
    end = start
    while end < len(flags) and (blank[end] or flags[end] or levels[end] in SECONDARY_LEVELS):
        end += 1
    return end - start


def _whole_events(batches: Iterator[list[str]], fmt: LogFormat, rule: Multiline, cut: list[int] | None = None
                  ) -> Iterator[list[str]]:
    """The batches, each extended by the continuation lines that open the next one (at most ``_MAX_CARRY``: a
    longer run is cut there, and its line number in the batches appended to ``cut``); the separators that end one
    (:func:`multiline.is_separator`) open the next, unless only separators follow them."""
    current, following = next(batches, None), next(batches, None)
    seen = len(current) if current is not None else 0  # lines of the batches before ``following``
    while following is not None:
        after = next(batches, None)
        while (k := _leading_continuations(following, fmt, rule, current[-_CONTEXT_LINES:] if current else [],
                                           after is None)) is None:
            following, after = following + after, next(batches, None)  # undecided to its end: the next decides
        if k == _MAX_CARRY and cut is not None and len(following) > k:
            cut.append(seen + k + 1)
        seen += len(following)
        if k:
            current, following = current + following[:k], following[k:]
        # Separators take the time of the event after them (:func:`_time_separators`): they go with it.
        back = len(current)
        while back and is_separator(current[back - 1]):
            back -= 1
        if back < len(current):
            current, following = current[:back], current[back:] + following
        # The file's last lines (a byte range's lookahead ends with an empty batch): the event before has a time.
        if not after and all(map(is_separator, following)):
            current, following = current + following, []
        if following:
            if current:
                yield current
            current = following
        following = after
    if current is not None:
        yield current


# A journal export's notes on its own span, not events of the log: journalctl opens its text with one.
_SPAN_NOTE = re.compile(r"-- (?:(?:Journal begins|Logs begin) at .*|No entries) --\s*")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d\d)-(\d\d)\b")


_NO_DATE = pd.Timestamp("1970-01-01")


def _first_date(contents: Iterable[str]) -> pd.Timestamp:
    """The first ISO date written in the messages (journals note the day), else 1970-01-01."""
    for text in contents:
        m = _ISO_DATE.search(text or "")
        if m:
            try:
                return pd.Timestamp(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                continue
    return _NO_DATE


def start_date(sample: Sequence[str]) -> pd.Timestamp:
    """:func:`_first_date` of a detection sample's lines from a file's first lines, not of its far blocks
    (:func:`read_far_lines`): a date named near a file's end is days on from the one it starts on."""
    return _first_date(sample[:_DETECT_LINES])


# Per clock, in ns: a jump back by more than the first rolls it over to the next day or year; a jump forward by more
# than the second, to within 5 minutes of the time before the rollover, rolls the year back (a late line of December
# that a second writer a moment behind wrote just after New Year; year-less times are read in 2000, a year of 366
# days). Days never roll back: a day's silence but a few minutes is ordinary (a backup at 00:02, logrotate at 23:59).
_LATE = 5 * 60 * 10**9
CLOCK_JUMPS = {"days": (12 * 3600 * 10**9, None), "years": (183 * 86400 * 10**9, 366 * 86400 * 10**9 - _LATE)}


def clock_steps(values: np.ndarray, prev: np.ndarray, clock: str) -> np.ndarray:
    """Per reading (n,) int: +1 where ``clock`` ("days", "years") rolls over from ``prev`` (n,) to ``values``, -1
    where it rolls back (:data:`CLOCK_JUMPS`), else 0 (and where ``prev`` is NaN)."""
    back, late = CLOCK_JUMPS[clock]
    steps = (values < prev - back).astype(np.int64)
    return steps if late is None else steps - (values > prev + late)


def _rollovers(values: np.ndarray, valid: np.ndarray, last: float | None, clock: str) -> np.ndarray:
    """Cumulative steps (n,) of a clock's valid readings, each against the previous valid one (or ``last``)."""
    prev = pd.Series(np.where(valid, values, np.nan)).ffill().shift(1).to_numpy(copy=True)
    if last is not None:
        prev[np.isnan(prev)] = last
    return np.cumsum(np.where(valid, clock_steps(values, prev, clock), 0))


def _last_valid(values: np.ndarray, valid: np.ndarray, last: float | None) -> float | None:
    """The last valid value, else ``last`` (carried across chunks)."""
    return float(values[np.flatnonzero(valid)[-1]]) if valid.any() else last


NAT = np.iinfo(np.int64).min  # a missing time in :func:`timestamps_ns`


def timestamps_ns(times: pd.Series) -> np.ndarray:
    """Times (n,) as int64 nanoseconds since the epoch (UTC where they carry a zone), ``NAT`` where missing."""
    ts = pd.to_datetime(pd.Series(times), errors="coerce")
    if isinstance(ts.dtype, pd.DatetimeTZDtype):
        ts = ts.dt.tz_convert("UTC").dt.tz_localize(None)
    return ts.to_numpy(dtype="datetime64[ns]").view(np.int64)


def as_times(values: pd.Series) -> pd.Series:
    """Values (n,) as datetimes, NaT where they read as none; strings of several UTC offsets (a zone across a DST
    change) as naive UTC, as logad reads zoned times (pandas refuses to mix them)."""
    try:
        return pd.to_datetime(values, errors="coerce")
    except ValueError:
        return pd.to_datetime(values, errors="coerce", utc=True).dt.tz_convert(None)


def elapsed_seconds(ts: pd.Series) -> np.ndarray:
    """Seconds (n,) float64 of datetimes since the earliest, NaN where missing: ``(ts - ts.min()) / 1 s`` as
    pandas computes it, by NumPy for nanosecond times (pandas makes a Series per step: 3 copies of a long log's
    times)."""
    if ts.dtype != np.dtype("datetime64[ns]"):
        return ((ts - ts.min()) / pd.Timedelta(seconds=1)).to_numpy(dtype=float, copy=True)
    ns = ts.to_numpy().view(np.int64)
    missing = ns == NAT
    if missing.all():  # no times at all (or no lines)
        return np.full(len(ns), np.nan)
    if not missing.any():
        return (ns - ns.min()) / 1e9
    out = (ns - ns[~missing].min()) / 1e9
    out[missing] = np.nan
    return out


def string_codes(frame: pd.DataFrame, column: str | None) -> tuple[np.ndarray, np.ndarray]:
    """A column read as strings: a code per row (n,) into the distinct strings (k,) of dtype object, '' where
    missing (and for every row when ``column`` is None). A categorical column's own codes are used, so that n
    strings are never written out; categories that read the same as strings share one code."""
    if column is None:
        return np.zeros(len(frame), dtype=np.int64), np.array([""], dtype=object)
    if isinstance(frame[column].dtype, pd.CategoricalDtype):
        values = frame[column].cat
        codes = values.codes.to_numpy()
        names = values.categories.astype(str).to_numpy(dtype=object)  # each category converted once
        if (codes < 0).any():  # code -1 (missing) picks the "" appended last
            names, codes = np.append(names, ""), np.where(codes < 0, len(names), codes)
        same, names = pd.factorize(names)
        return same.astype(np.int32)[codes], np.asarray(names, dtype=object)  # 4 bytes a row, as the codes
    col = frame[column].astype(object)
    codes, names = pd.factorize(col.where(col.notna(), "").astype(str), sort=False)
    return codes, np.asarray(names, dtype=object)


def clock_warning(source: str, clock: str, anchor: pd.Timestamp | None = None) -> str:
    """What to tell a user whose timestamps lack a year (``clock`` "years", with the date a line above them names,
    if one does) or a date ("days", with the date the days count from: the first date a message names, which may be
    any date a message mentions, so it is said)."""
    if clock == "years" and anchor is not None:
        return (f"{source}: timestamps have no year; read as from {anchor.date()} on, the date the log's own lines "
                "name (a line above the first time, a message that writes its own date, or the weekdays written with "
                "its times)")
    if clock == "years":
        return f"{source}: timestamps have no year; read as from year 2000 on (a leap year, so 29 February parses)"
    if anchor is None or anchor == _NO_DATE:
        return f"{source}: timestamps have no date; read as days from {_NO_DATE.date()}"
    return f"{source}: timestamps have no date; read as days from {anchor.date()}, the first date a message names"


# A date with its year last (as formats.untold_day_month gives one): day, separator, month (or month, day), year.
_YEAR_LAST = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2\d{2,4}")


def file_layout(source: str, fixed: LogFormat | None, sample: Sequence[str], time_format: str | None = None
                ) -> LogFormat:
    """The layout a file is read by: ``fixed`` (a given format) with its times as its first lines have them, else
    the one detected on its ``sample``; with ``time_format`` (``--time-format``) its times read so, a FormatError
    where they then read none of the sample's."""
    if time_format is None:
        return with_file_times(fixed, sample) if fixed else detect_format(sample)
    fmt = with_time_format(fixed or detect_format(sample), time_format)
    frame = fmt.parse(sample)[0]
    if "timestamp" not in frame or not frame["timestamp"].notna().any():
        written = sample_times(fmt, sample) if fmt._time_fields and not fmt.layouts else pd.Series(dtype=object)
        shown = f" (its first reads {written.iloc[0]!r})" if len(written) else " (no time field found)"
        raise FormatError(f"time format {time_format!r} read no time on {source}'s first lines{shown}")
    return fmt


def day_month_warning(source: str, fmt: LogFormat, sample: Sequence[str], time_format: str | None = None
                      ) -> str | None:
    """What to tell a user whose dates ``fmt`` read day first (or month first) though none of the ``sample``'s
    tells the order (:func:`formats.untold_day_month`), and how to read them the other way; None where one does, or
    where the user gave the order (``time_format``, ``--time-format``)."""
    untold = None if time_format else untold_day_month(fmt, sample)
    date = None if untold is None else _YEAR_LAST.search(untold[0])
    if untold is None or date is None:
        return None
    first, second = int(date.group(1)), int(date.group(3))
    read_day_first = untold[1].index("%m") < untold[1].index("%d")  # the other order is month first
    day, month = (first, second) if read_day_first else (second, first)
    # --time-format reads a zone written after the time with it (formats.with_time_format): no fields to name.
    return (f"{source}: dates like {date.group(0)} read {'day' if read_day_first else 'month'} first ({day} "
            f"{calendar.month_name[month]}): no date among the lines sampled tells (none has a day above 12); "
            f"to read them {'month' if read_day_first else 'day'} first, give --time-format {untold[1]!r} "
            "(time_format= in Python)")


def note_clock(report: ReadReport, source: str, clock: str, anchor: pd.Timestamp | None = None) -> None:
    """Warn that ``source``'s times lack a year or a date (:func:`clock_warning`) and keep its clock in
    ``report.clocks``: times in other files may tell the year (see ``analysis.place_year_less``), unless a line of
    its own dated them (``anchor`` of "years")."""
    report.note(clock_warning(source, clock, anchor))
    if clock == "days" or anchor is None:
        report.clocks.setdefault(source, clock)


class _DayRoller:
    """Adds a day to time-of-day timestamps each time the clock runs backwards by over 12 h."""

    def __init__(self, anchor: pd.Timestamp) -> None:
        self.anchor = anchor
        self.days = 0
        self.last: float | None = None

    def apply(self, ts: pd.Series) -> pd.Series:
        """Timestamps (n,) on 1900-01-01 → timestamps (n,) on successive days from ``anchor``."""
        tod = (ts - ts.dt.normalize()).to_numpy(dtype="timedelta64[ns]").astype(np.int64)
        valid = ~ts.isna().to_numpy()
        days = self.days + _rollovers(tod, valid, self.last, "days")
        self.last = _last_valid(tod, valid, self.last)
        self.days = int(days[-1]) if len(days) else self.days
        out = self.anchor + pd.to_timedelta(tod + days * 86400 * 10**9, unit="ns")
        return pd.Series(out, index=ts.index).where(valid)


class _YearRoller:
    """Adds a year to year-less timestamps each time the calendar runs backwards by over half a year, and takes
    one off where it runs forwards to within 5 minutes of the time before (:data:`CLOCK_JUMPS`), from ``years``
    rollovers after the reading ``last`` (ns); ``first`` is the first reading it rolled, ``anchor`` the date that
    set its year, if one did (:meth:`read_above`)."""

    def __init__(self, years: int = 0, last: float | None = None) -> None:
        self.years = years
        self.last = last
        self.first: float | None = None
        self.new_file = False
        self.anchor: pd.Timestamp | None = None
        self.since: pd.Timestamp | None = None
        self.own: pd.Timestamp | None = None

    def start_file(self, own: pd.Timestamp | None = None) -> None:
        """The next readings open a file of the same log: it goes on from the last (:func:`goes_on`) or starts its
        own count; ``own``: the file's :func:`own_date`, which dates it."""
        self.new_file, self.since, self.own = True, None, own

    def read_above(self, chunk: pd.DataFrame) -> None:
        """Keep the first full date the lines above a file's first time name (:func:`_date_above`): the next
        readings, the file's first, are on or after it."""
        if self.since is None and (self.new_file or self.first is None):
            self.since = self.own if self.own is not None else _date_above(chunk)

    def apply(self, ts: pd.Series) -> pd.Series:
        """Timestamps (n,) in one default year → timestamps (n,) in successive years."""
        values = ts.to_numpy(dtype="datetime64[ns]").astype(np.int64).astype(float)
        valid = ~ts.isna().to_numpy()
        if valid.any():
            opening = float(values[np.flatnonzero(valid)[0]])
            opens = self.new_file or self.first is None
            if opens and self.since is not None:
                self.years, self.last, self.anchor = _years_from(self.since, opening), None, self.since
            elif self.new_file and self.last is not None and not goes_on(opening, self.last):
                self.years, self.last, self.anchor = 0, None, None
            self.new_file = False
            self.first = opening if self.first is None else self.first
        years = self.years + _rollovers(values, valid, self.last, "years")
        self.last = _last_valid(values, valid, self.last)
        self.years = int(years[-1]) if len(years) else self.years
        out = ts.copy()
        for k in np.unique(years[valid & (years != 0)]):
            at = valid & (years == k)
            out[at] = ts[at] + pd.DateOffset(years=int(k))
        return out


_YEAR = 366 * 86400 * 10**9  # year-less times are read in 2000


def _years_from(since: pd.Timestamp, first: float) -> int:
    """Years to add to a year-less reading ``first`` (ns, read in 2000) to put it on or after the date ``since``."""
    years = since.year - 2000
    return years + int(pd.Timestamp(int(first)) + pd.DateOffset(years=years) < since)


def _date_above(chunk: pd.DataFrame) -> pd.Timestamp | None:
    """The first full date written on the lines above a chunk's first time (on all its lines if it has none), or
    None: a note or banner that an export or a program opens its log with (journalctl's "-- Journal begins at
    2024-03-04 ... --") dates the year-less times below it."""
    if "timestamp" not in chunk:
        return None
    valid = chunk["timestamp"].notna().to_numpy()
    date = _first_date(chunk["raw"].iloc[:int(np.argmax(valid)) if valid.any() else len(chunk)])
    return None if date == _NO_DATE else date


# A full date and clock a message writes of itself: ISO (2024-03-11 10:00, 2024/03/11T10:00), CLF or
# day-month-year (11/Mar/2024:10:00, 11-Mar-2024 10:00), ctime (Mon Mar 11 10:00:01 2024).
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_RE = "(?P<m>" + "|".join(_MONTHS) + ")"
_CLOCK_RE = r"(?P<H>\d\d):(?P<M>\d\d)"
_OWN_DATES = (re.compile(r"\b(?P<y>\d{4})[-/](?P<m>\d\d)[-/](?P<d>\d\d)[T ]" + _CLOCK_RE),
              re.compile(r"\b(?P<d>\d\d?)[/-]" + _MONTH_RE + r"[/-](?P<y>\d{4})[: ]" + _CLOCK_RE),
              re.compile(r"\b" + _MONTH_RE + r" +(?P<d>\d\d?) " + _CLOCK_RE + r":\d\d(?:\.\d+)? (?P<y>\d{4})\b"))
# How far a message's own clock may be from its header's: a program may date a request by its start and log it at
# its end. A date whose clock is further off is of something else (a certificate's expiry, a backup's snapshot).
_OWN_SLACK_MINUTES = 60


def own_date(sample: Sequence[str], fields: pd.DataFrame) -> pd.Timestamp | None:
    """The date of a file's first year-less time in the year that the first line of its detection ``sample`` (read
    into ``fields`` by the file's format) whose
    message writes its own full date and clock (on the day of its time, within :data:`_OWN_SLACK_MINUTES` of its
    clock, at most half a year after the first: no New Year between) names, or None: a program relayed by syslog
    that dates its messages itself (HAProxy's "haproxy[812]: ... [11/Mar/2024:10:00:01.971] ...") tells the year
    the relay's header lacks."""
    if not _is_year_less(fields):
        return None
    times = clock_times(fields, "years")
    rows = np.flatnonzero(times.notna().to_numpy())
    first = times.iloc[rows[0]]
    for row in rows.tolist():
        # Most lines write no date of their own: looked for before their time is read (a slow pandas lookup).
        written = [found for regex in _OWN_DATES for found in regex.finditer(sample[row])]
        if not written:
            continue
        at = times.iloc[row]
        if not first <= at < first + pd.Timedelta(days=183):
            continue
        for found in written:
            month = found["m"]
            month = _MONTHS.index(month) + 1 if month in _MONTHS else int(month)
            minutes = int(found["H"]) * 60 + int(found["M"]) - (at.hour * 60 + at.minute)
            if (month, int(found["d"])) == (at.month, at.day) and abs(minutes) <= _OWN_SLACK_MINUTES:
                return (first + pd.DateOffset(years=int(found["y"]) - first.year)).normalize()
    return weekday_date(sample, times)


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WEEKDAY_RE = re.compile(r"\b(" + "|".join(_WEEKDAYS) + r")\b")
_CALENDAR_CYCLE = 28  # years after which dates fall on the same weekdays again (Gregorian, within a century)


def weekday_date(sample: Sequence[str], times: pd.Series, today: pd.Timestamp | None = None) -> pd.Timestamp | None:
    """The date of the first year-less time ``times`` (n,) (read in 2000 off the lines of ``sample``) in the latest
    year, not after ``today``, in which each weekday written before a time within half a year of the first falls on
    its date, or None (no weekday, or none that agree): NetApp ONTAP's "Mon Mar 11 06:13:53 UTC" is of 2024, not 2000,
    whose 11 March was a Saturday."""
    today = pd.Timestamp.now() if today is None else today
    rows = np.flatnonzero(times.notna().to_numpy())
    if not len(rows):
        return None
    first, days = times.iloc[rows[0]], set()  # a day's lines ask the same of a year: asked once
    for row in rows.tolist():
        if _WEEKDAY_RE.search(sample[row]) is None:
            continue  # no weekday on the line, before its time or after (its time is read only for one)
        at = times.iloc[row]
        clock = sample[row].find(f"{at:%H:%M:%S}")
        found = _WEEKDAY_RE.search(sample[row], 0, clock) if clock > 0 else None
        if found and first <= at < first + pd.Timedelta(days=183):
            # Years after the first's: a time past New Year (read in 2001) falls in the year after.
            days.add((at.year - first.year, at.month, at.day, _WEEKDAYS.index(found[1])))
    for year in range(today.year, today.year - _CALENDAR_CYCLE - 1, -1) if days else ():
        at = first + pd.DateOffset(years=year - first.year)
        if at <= today and all(_weekday(year + later, m, d) == w for later, m, d, w in days):
            return at.normalize()
    return None


def _weekday(year: int, month: int, day: int) -> int | None:
    """Monday 0 to Sunday 6 of a date, or None where the year has no such day (29 February)."""
    try:
        return pd.Timestamp(year, month, day).weekday()
    except ValueError:
        return None


def goes_on(first: float, last: float) -> bool:
    """Whether a file of a rotated log whose first year-less reading is ``first`` (ns) goes on from one whose last
    was ``last``: at most half a year later on the calendar, across New Year too, or a moment (5 min) before it.
    Else it is no next file (listed newest first, as a shell's ``syslog*`` lists them, or another host's log
    named alike) and counts its own years."""
    ahead = (first - last) % _YEAR
    return ahead <= _YEAR // 2 or ahead >= _YEAR - _LATE


def _rollers(sample: Sequence[str], years: _YearRoller | None = None) -> dict:
    """A file's clock rollers, from its detection ``sample``: "days" (from the first date a message names) and
    "years" (``years``: the one its rotated log's older files rolled on)."""
    return {"days": _DayRoller(start_date(sample)), "years": years or _YearRoller()}


def _roll(chunk: pd.DataFrame, rollers: dict) -> str | None:
    """Roll a chunk's times of day or year-less times on in place (``rollers``: :func:`_rollers`); the clock
    rolled ("days", "years"), or None."""
    rollers["years"].read_above(chunk)
    clock = "days" if _is_time_of_day(chunk) else "years" if _is_year_less(chunk) else None
    if clock is not None:
        roll_clock(chunk, clock, rollers[clock])
    return clock


_CLOCK_YEARS = {"days": 1900, "years": 2000}  # the year times without a date, or without a year, are read in


def _clock_rows(chunk: pd.DataFrame, year: int) -> np.ndarray | None:
    """Bool (n,): in a file of several layouts (:data:`formats.LAYOUT_COLUMN`), the rows of the layouts whose
    times in the chunk all fall in ``year`` (they lack a year, or a date): a clock rolls them, the other layouts'
    times are whole; None for one layout's lines (all of them)."""
    if LAYOUT_COLUMN not in chunk:
        return None
    years = chunk["timestamp"].dt.year
    # A line no layout reads has the first's leading fields: its time, if any, is written as the first's.
    whole = ((years != year) & years.notna()).groupby(chunk[LAYOUT_COLUMN].fillna("1").to_numpy()).transform("any")
    return ~whole.to_numpy(dtype=bool)


def clock_times(chunk: pd.DataFrame, clock: str) -> pd.Series:
    """The chunk's times that ``clock`` ("days", "years") rolls: all of them, or NaT on the rows of the layouts
    whose times are whole (:func:`_clock_rows`)."""
    rows = _clock_rows(chunk, _CLOCK_YEARS[clock])
    return chunk["timestamp"] if rows is None else chunk["timestamp"].where(rows)


def roll_clock(chunk: pd.DataFrame, clock: str, roller: _DayRoller | _YearRoller) -> None:
    """Roll the chunk's times that ``clock`` reads (:func:`clock_times`) on in place, by ``roller``."""
    times = clock_times(chunk, clock)
    rolled = roller.apply(times)
    chunk["timestamp"] = rolled.where(times.notna(), chunk["timestamp"]) if LAYOUT_COLUMN in chunk else rolled


def note_uptime(report: ReadReport, source: str, fmt: LogFormat, chunk: pd.DataFrame) -> None:
    """Warn that ``source``'s epoch times count from a start of its own (an uptime): all before
    :data:`formats.EPOCH_START`."""
    times = chunk["timestamp"] if fmt.time_format == "epoch" and "timestamp" in chunk else None
    if times is not None and times.notna().any() and (times.dropna() < EPOCH_START).all():
        report.note(f"{source}: timestamps are seconds since a start (an uptime, no date); read as from 1970-01-01 on")


def json_document(lines: Sequence[str], fmt: LogFormat | None = None) -> bool:
    """Whether a file whose first lines are ``lines`` holds JSON documents to read record by record
    (:func:`documents.opens_json_document`), unless ``fmt``, the format given, reads no JSON objects."""
    if fmt is not None and (fmt.json_key is None or fmt.delimiter is not None or fmt.logfmt):
        return False
    return opens_json_document(lines)


def _is_time_of_day(chunk: pd.DataFrame) -> bool:
    """True when the chunk's timestamps are times of day only (parsed onto 1900-01-01)."""
    return _only_year(chunk, 1900)


def _is_year_less(chunk: pd.DataFrame) -> bool:
    """True when the chunk's timestamps carry no year (parsed into the default year 2000)."""
    return _only_year(chunk, 2000)


def _only_year(chunk: pd.DataFrame, year: int) -> bool:
    """True when the chunk has timestamps and all of them fall in ``year``."""
    if "timestamp" not in chunk:
        return False
    rows = _clock_rows(chunk, year)
    ts = (chunk["timestamp"] if rows is None else chunk["timestamp"][rows]).dropna()
    return len(ts) > 0 and bool((ts.dt.year == year).all())


def iter_log_chunks(paths: str | os.PathLike | Sequence[str | os.PathLike], fmt: str | LogFormat = "auto",
                    chunk_lines: int = 200_000, report: ReadReport | None = None,
                    json_key: str = "message", years: dict[str, _YearRoller] | None = None,
                    sizes: dict[str, int] | None = None, time_format: str | None = None) -> Iterator[pd.DataFrame]:
    """Yield frames of at most ``chunk_lines`` rows covering every line of every file, in order.

    Columns: ``source, line_no, raw, blank, parsed, truncated`` then the format's
    fields (``timestamp, level, component, content``, ...). ``fmt`` is a preset
    name, a format string, a LogFormat or ``"auto"`` (detected per file). Year-less times roll on across the
    files of one rotated log (``syslog.1`` in December, ``syslog`` in January) on the year rollers in ``years``,
    by :func:`rotation_stem` (a new dict when None; pass one to carry them over calls), where a file goes on from
    the one before (:func:`goes_on`). A plain file is read up to its size in ``sizes`` (a first pass's
    ``report.sizes``), else up to its size when opened, recorded in ``report.sizes``. ``time_format``
    (``--time-format``) reads every file's times, whatever its format (:func:`file_layout`).
    """
    report = report if report is not None else ReadReport()
    sizes = report.sizes if sizes is None else sizes
    years = {} if years is None else years
    fixed = None if fmt == "auto" else get_format(fmt, json_key=json_key)
    files = resolve_paths(paths, report.skipped_files, report.passed_over)
    for path in files:
        source = str(path)
        before, nuls = _INVALID.count, _INVALID.nuls
        try:
            batches = _iter_line_batches(path, chunk_lines, on_error=report.skipped_files.append, on_note=report.note,
                                         sizes=sizes)
            head = _take_lines(batches, _DETECT_SPAN)
        except LogInputError as exc:
            # One bad file among many is skipped and reported; a single bad input is an error.
            if len(files) + len(report.skipped_files) == 1:
                raise
            report.skipped_files.append(str(exc))
            continue
        report.files.append(source)
        if not head:
            report.warnings.append(f"{source}: empty file")
            continue
        numbers: deque[np.ndarray] = deque()  # the line each record of a batch starts on
        # A JSON document's records, read again, meet the damage its lines' first read met: reported once.
        batches, head, records = _as_records(path, batches, head, fixed, chunk_lines, numbers, report.note,
                                             _append_new(report.skipped_files), sizes)
        sample = _file_sample(path, [s for batch in head for s in batch], records, sizes)
        with _uncounted(), parse_memo():  # detection, the rule and the fields parse the sample alike: once
            # A given format's times are read as its file's first lines have them, as the format is (if its own
            # layout does not say); a detected one has them as detection read them.
            file_fmt = file_layout(source, fixed, sample, time_format)
            rule = infer_multiline(sample, file_fmt)
            fields = file_fmt.parse(sample)[0]
            untold = day_month_warning(source, file_fmt, sample, time_format)
        report.read_as(source, file_fmt)
        report.note(untold)
        report.multiline[source] = rule.describe()
        rollers = _rollers(sample, years.setdefault(rotation_stem(source), _YearRoller()))
        rollers["years"].start_file(own_date(sample, fields))
        line_no, cut, zoned = 1, [], ZONED.count
        # A document's records are whole events (and its text after damage is read line by line, as it was cut).
        events = _chain(head, batches) if records else _whole_events(_chain(head, batches), file_fmt, rule, cut)
        for lines in events:
            with no_cyclic_gc():
                chunk = _frame_for(lines, file_fmt, source, numbers.popleft() if records else line_no, rule)
            if clock := _roll(chunk, rollers):
                note_clock(report, source, clock, rollers[clock].anchor)
            note_uptime(report, source, file_fmt, chunk)
            line_no += len(lines)
            report.add(chunk)
            yield chunk
        if cut:
            report.note(f"{source}: a run of over {_MAX_CARRY} continuation lines was cut at line {cut[0]}"
                        + (f" and {len(cut) - 1} more" if len(cut) > 1 else "") + "; its rest is an event of its own")
        report.count_invalid(source, _INVALID.count - before)
        report.nul_bytes += _INVALID.nuls - nuls
        note_zone(report, source, zoned)


def time_zone(read: dict) -> str:
    """The zone of the times shown, from a read report (:class:`io.ReadReport` as a dict): the reader gives times
    that carried a zone in UTC and the others as written, and neither shows a zone."""
    zoned, files = len(read.get("zoned_files", [])), len(read.get("files", []))
    if not zoned:
        return "as written (no zone)"
    return "UTC" if zoned >= files else f"UTC in {zoned} of {files} files (those with a zone), else as written"


def note_zone(report: ReadReport, source: str, before: int) -> None:
    """Name ``source`` among the files whose times carried a zone when this thread's count of zoned time parses
    (:data:`formats.ZONED`) rose from ``before`` while reading it."""
    if ZONED.count > before and source not in report.zoned_files:
        report.zoned_files.append(source)


def detection_sample(lines: Sequence[str]) -> list[str]:
    """The lines format detection reads, each cut to ``MAX_LINE_CHARS``: all of them up to 500, else five blocks
    of 100 consecutive lines spread evenly over the first 20,000 (the first block opening the file)."""
    lines = lines[:_DETECT_SPAN]
    if len(lines) <= _DETECT_LINES:
        return [s[:MAX_LINE_CHARS] for s in lines]
    size = _DETECT_LINES // _DETECT_BLOCKS
    last = len(lines) - size
    starts = [k * last // (_DETECT_BLOCKS - 1) for k in range(_DETECT_BLOCKS)]
    return [s[:MAX_LINE_CHARS] for start in starts for s in lines[start:start + size]]


def far_lines(lines: Sequence[str]) -> list[str]:
    """The blocks of in-memory ``lines`` that :func:`read_far_lines` reads of a file holding them (each cut to
    ``MAX_LINE_CHARS``; [] for at most ``_DETECT_SPAN`` lines), line ends counted as one character."""
    if len(lines) <= _DETECT_SPAN:
        return []
    starts = np.cumsum([0] + [len(s) + 1 for s in lines])  # (n + 1,): where each line starts, then the end
    blocks = []
    for start, last in _far_starts(int(starts[_DETECT_SPAN]), int(starts[-1])):
        # The lines that start past ``start`` and end within the bytes a file's block reads.
        first = int(np.searchsorted(starts[:-1], start, side="right"))
        blocks += _whole_block(lines[first:int(np.searchsorted(starts[1:], start + _FAR_BYTES, side="right"))], last)
    return blocks


def read_far_lines(path: Path, head: Sequence[str], sizes: dict[str, int] | None = None) -> list[str]:
    """Blocks of whole lines of a plain file past its first ``_DETECT_SPAN`` lines ``head`` (as read), from its
    middle and its end (:func:`_far_starts`; ``sizes``: as :func:`_open_text` takes them); [] for a shorter file,
    a compressed one, UTF-16 or one that cannot seek."""
    if len(head) < _DETECT_SPAN:
        return []
    after = sum(len(s) + 1 for s in head[:_DETECT_SPAN])  # characters: bytes where the text is ASCII
    blocks = []
    try:
        with open(path, "rb") as fh:
            sniff, state = fh.read(_SNIFF_BYTES), os.fstat(fh.fileno())
            encoding = _sniff_encoding(sniff)
            if compression(sniff) or encoding.startswith("utf-16") or not stat.S_ISREG(state.st_mode):
                return []
            for start, last in _far_starts(after, (sizes or {}).get(str(path), state.st_size)):
                fh.seek(start)
                # The first piece may be a line's end, the last one unfinished: neither is a whole line.
                lines = split_lines(fh.read(_FAR_BYTES).decode(encoding, "replace"))[1:-1]
                blocks += _whole_block(lines, last)
    except OSError:
        return []
    return blocks


# Past a long file's first lines, a block of lines from its middle and one from its end join the detection sample:
# another program's lines appended after the first's (``cat app.log cron.log``) would otherwise match no layout.
_FAR_BYTES, _FAR_LINES = 1 << 16, (DETECT_LINES - _DETECT_LINES) // 2  # two blocks: what detection reads past 500


def _far_starts(after: int, end: int) -> list[tuple[int, bool]]:
    """(offset, whether it is the end block) of the far blocks of a text of ``end`` characters or bytes whose
    first ``_DETECT_SPAN`` lines end at ``after``: its middle, where past them, and its last ``_FAR_BYTES`` past
    them (from the line end before them: a tail of a few lines is read from its first line)."""
    middle = [(end // 2, False)] if end // 2 > after else []
    return middle + ([(max(end - _FAR_BYTES, after - 1), True)] if end > after else [])


def _whole_block(lines: Sequence[str], last: bool) -> list[str]:
    """A far block's lines: the first (or, at a file's end, the last) ``_FAR_LINES``, cut to ``MAX_LINE_CHARS``,
    without lines holding NULs (a hole a crash left)."""
    block = lines[-_FAR_LINES:] if last else lines[:_FAR_LINES]
    return [s[:MAX_LINE_CHARS] for s in block if "\x00" not in s]


def read_detection_sample(path: Path, fmt: LogFormat | None = None,
                          on_error: Callable[[str], None] = lambda message: None) -> tuple[list[str], int, bool]:
    """:func:`detection_sample` of a file with its far blocks (:func:`read_far_lines`), how many of its first
    lines (a JSON document's records) it was drawn from, and whether it is a JSON document, read record by record
    (:func:`json_document`; ``fmt``: the format given). Damage among those first lines is heard by ``on_error``."""
    # A file damaged further on (a truncated .gz) is detected on what reads; reading it reports the damage.
    damage: list[str] = []
    batches = _iter_line_batches(path, _DETECT_SPAN, on_error=damage.append)
    head = _take_lines(batches, _DETECT_SPAN)
    batches, head, document = _as_records(path, batches, head, fmt, _DETECT_SPAN, deque(), lambda message: None,
                                          damage.append)
    batches.close()
    if damage:  # once: a document's records, read again, meet it too
        on_error(damage[0])
    lines = [s for batch in head for s in batch]
    return _file_sample(path, lines, document), min(len(lines), _DETECT_SPAN), document


def _file_sample(path: Path, head: Sequence[str], document: bool, sizes: dict[str, int] | None = None) -> list[str]:
    """The lines detection reads of a file whose first lines (a JSON document's records) are ``head``: their
    :func:`detection_sample` and, but in a document, the file's far blocks (:func:`read_far_lines`)."""
    return detection_sample(head) + ([] if document else read_far_lines(path, head, sizes))


def _as_records(path: Path, batches: Iterator[list[str]], head: list[list[str]], fmt: LogFormat | None, batch: int,
                numbers: deque[np.ndarray], on_note: Callable[[str], None],
                on_error: Callable[[str], None] | None = None, sizes: dict[str, int] | None = None
                ) -> tuple[Iterator[list[str]], list[list[str]], bool]:
    """A file's line ``batches`` and their ``head`` (its first batches) as they are, or, where the file is a JSON
    document (:func:`json_document`; ``fmt``: the format given), read again as :func:`_document_batches` (the
    other arguments its own); and whether it is one."""
    if not json_document(_first_lines(head), fmt):
        return batches, head, False
    batches.close()
    records = _document_batches(path, batch, numbers, on_note, on_error, sizes)
    return records, _take_lines(records, _DETECT_SPAN), True


def _append_new(messages: list[str]) -> Callable[[str], None]:
    """``messages.append`` of a message not already in ``messages``."""
    return lambda message: None if message in messages else messages.append(message)


def _first_lines(batches: list[list[str]]) -> list[str]:
    """The lines that tell a JSON document (:data:`_DOCUMENT_LINES`) of a file's first batches."""
    return list(itertools.islice(itertools.chain.from_iterable(batches), _DOCUMENT_LINES))


def _take_lines(batches: Iterator[list[str]], n: int) -> list[list[str]]:
    """The first batches, enough to hold ``n`` lines (or all of them): format detection sees the
    same lines whatever the chunk size."""
    head: list[list[str]] = []
    while sum(map(len, head)) < n and (batch := next(batches, None)) is not None:
        head.append(batch)
    return head


def _chain(head: Iterable[list[str]], tail: Iterator[list[str]]) -> Iterator[list[str]]:
    yield from head
    yield from tail


def read_logs(paths: str | os.PathLike | Sequence[str | os.PathLike], fmt: str | LogFormat = "auto",
              chunk_lines: int = 200_000, json_key: str = "message", warn: bool = True,
              time_format: str | None = None) -> pd.DataFrame:
    """Read logs into one frame, one row per physical line (see :func:`iter_log_chunks` for columns and
    ``time_format``).

    The :class:`ReadReport` is in ``frame.attrs["read_report"]`` (as a dict);
    its warnings are also issued as Python warnings when ``warn`` is True.
    """
    report = ReadReport()
    chunks = list(iter_log_chunks(paths, fmt, chunk_lines, report, json_key, time_format=time_format))
    report.finish()
    if not report.files:
        raise LogInputError("no readable log file among the inputs: " + "; ".join(report.skipped_files))
    frame = pd.concat(chunks, ignore_index=True, sort=False) if chunks else _empty_frame()
    frame["source"] = frame["source"].astype("category")
    if "content" not in frame:
        frame["content"] = pd.Series(dtype=object)
    frame.attrs["read_report"] = report.as_dict()
    if warn:
        for message in report.warnings:
            warnings.warn(message, stacklevel=2)
    return frame


def _empty_frame() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in
                         zip(BASE_COLUMNS + ["content"],
                             [object, np.int64, object, bool, bool, bool, np.int64, object])})

