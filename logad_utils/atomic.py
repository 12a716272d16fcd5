"""Outputs that are complete or absent: written under a hidden temporary name, renamed when done.

Every file or folder logad writes goes first to ``.<stem>.tmp-<random><suffix>`` in the
same folder (same file system, so the final ``os.replace`` is atomic) and takes its final
name only once fully written. An error or an interruption (Ctrl-C, SIGTERM) removes the
temporary; a killed process (SIGKILL) leaves at most a hidden temporary, never a file under
the final name that looks finished but isn't. A failed write (disk full, file size limit)
raises :class:`OutputError` naming the output in one line.
"""
from __future__ import annotations

import csv
import os
import secrets
import shutil
import time
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Sequence

import pandas as pd

from .spreadsheet import escape_formulas

__all__ = ["OutputError", "FolderBusy", "FolderWait", "atomic_path", "atomic_dir", "file_set", "writing_in",
           "check_replaceable", "write_with", "write_text", "write_bytes", "write_table", "parquet_options"]


class OutputError(Exception):
    """An output could not be written; the message names it and says why, in one line."""


class FolderWait(UserWarning):
    """This run waits for another one writing into its output folder (:func:`writing_in`)."""


class FolderBusy(OutputError):
    """Another run kept writing into the output folder past the wait allowed (:func:`writing_in`'s ``timeout``)."""


def _temp_name(path: Path) -> Path:
    # Hidden and with the real suffix last: globs skip it, and writers that pick a format
    # from the suffix (PIL, pandas compression) still see the right one.
    return path.with_name(f".{path.stem}.tmp-{secrets.token_hex(4)}{path.suffix}")


def _remove(path: Path) -> None:
    """Remove a file or folder if it is there; one that cannot be removed (a read-only file system, where none
    was written either) is left: the error that matters is the one that stopped the write."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    except OSError:
        pass


@contextmanager
def _guarded(path: Path, tmp: Path) -> Iterator[None]:
    """Remove ``tmp`` unless the block ends normally; turn OS errors of the output into one-line OutputErrors
    naming it (not its temporary name). An error of another file (an input gone while read) stays its own."""
    try:
        yield
    except OSError as exc:
        _remove(tmp)
        named = Path(exc.filename) if exc.filename else None
        if named is not None and named != path.parent and not any(p == named or p in named.parents
                                                                  for p in (tmp, path)):
            raise
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None
    except BaseException:
        _remove(tmp)
        raise


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary file path beside ``path``; it replaces ``path`` when the block succeeds."""
    path = Path(path)
    tmp = _temp_name(path)
    with _guarded(path, tmp):
        yield tmp
        os.replace(tmp, path)


@contextmanager
def atomic_dir(path: str | os.PathLike, marker: str | None = None,
               contents: Callable[[Path], set[str]] | None = None) -> Iterator[Path]:
    """Yield a fresh temporary folder beside ``path``; it replaces ``path`` when the block succeeds.

    An existing ``path`` is replaced only when it is empty or holds ``marker`` (a file an
    earlier write put there), so pointing at a folder of other files cannot delete them; with ``contents``
    (the names an earlier write put in a folder), only when it holds nothing else.
    """
    path = Path(path)
    check_replaceable(path, marker, contents)
    tmp = _temp_name(path)
    with _guarded(path, tmp):
        tmp.mkdir(parents=True)
        yield tmp
        if path.exists():
            # Two renames: the old folder steps aside, then the new one takes its name.
            old = _temp_name(path)
            os.replace(path, old)
            os.replace(tmp, path)
            _remove(old)
        else:
            os.replace(tmp, path)


@contextmanager
def file_set(paths: Sequence[str | os.PathLike]) -> Iterator[None]:
    """Files written as one set in the block: an earlier set's go first, and this set's if writing fails, so that
    no new file stands beside an old one of the set (each is still written atomically)."""
    files = [Path(p) for p in paths]
    for path in files:
        path.unlink(missing_ok=True)
    try:
        yield
    except BaseException:
        for path in files:
            path.unlink(missing_ok=True)
        raise


@contextmanager
def writing_in(folder: str | os.PathLike, timeout: float | None = None) -> Iterator[None]:
    """Hold ``folder`` for this process while the block writes a set of files there: a second run writing into it
    at once (a cron job that overran into the next) waits, so the folder ends with the later run's set, not a mix.
    With ``timeout`` (seconds) it waits at most that long, then raises :class:`FolderBusy`."""
    fd = _lock(folder, timeout)
    try:
        yield
    finally:
        if fd is not None:
            os.close(fd)  # releases the lock


# Seconds between two tries for a held folder with a timeout: flock has no timed wait of its own.
LOCK_POLL = 0.05


def _lock(folder: str | os.PathLike, timeout: float | None = None) -> int | None:
    """An open descriptor of ``folder`` that holds its exclusive lock, waiting for it (at most ``timeout`` seconds,
    then :class:`FolderBusy`); None where the folder takes no lock, and the set is written unguarded: Windows (no
    flock), NFS (no exclusive lock on a descriptor opened read-only), a file system without locks, a folder one may
    write but not read."""
    try:
        import fcntl
    except ImportError:
        return None
    try:
        fd = os.open(folder, os.O_RDONLY)  # the folder itself is locked: no lock file is left beside the outputs
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            # Said before the wait: a run that seems to hang behind another (a cron job that overran) tells why.
            warnings.warn(f"{folder}: another run is writing into this folder; waiting for it to finish", FolderWait,
                          stacklevel=3)
            _wait_for_lock(fd, folder, timeout)
    except OSError:
        os.close(fd)
        return None
    except BaseException:
        os.close(fd)
        raise
    return fd


def _wait_for_lock(fd: int, folder: str | os.PathLike, timeout: float | None) -> None:
    """Take the exclusive lock of ``fd`` once the other run lets go of it; past ``timeout`` seconds, FolderBusy."""
    import fcntl

    if timeout is None:
        fcntl.flock(fd, fcntl.LOCK_EX)
        return
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise FolderBusy(f"{folder}: another run is still writing into this folder after {timeout:g} s "
                                 "(--lock-timeout); nothing written") from None
            time.sleep(LOCK_POLL)


def check_replaceable(path: str | os.PathLike, marker: str | None = None,
                      contents: Callable[[Path], set[str]] | None = None) -> None:
    """Raise :class:`OutputError` unless :func:`atomic_dir` may write ``path``: absent, an empty folder, or one
    holding ``marker`` (and, with ``contents``, nothing but what it names). A command that writes other outputs
    first checks its folders with it up front."""
    path = Path(path)
    if path.exists() and not _replaceable(path, marker):
        raise OutputError(f"{path}: exists and is not an earlier output of this kind; choose a new folder")
    if path.exists() and contents is not None and any(path.iterdir()):
        others = sorted(p.name for p in path.iterdir() if p.name not in contents(path))
        if others:
            # Replaced whole, the folder would take them with it (a report written into a model's folder).
            raise OutputError(f"{path}: holds files logad did not write there ({', '.join(others[:3])}"
                              f"{', ...' if len(others) > 3 else ''}); move them or choose a new folder")


def _replaceable(path: Path, marker: str | None) -> bool:
    if not path.is_dir():
        return False
    return not any(path.iterdir()) or (marker is not None and (path / marker).is_file())


def write_with(path: str | os.PathLike, write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp_path)`` and rename the result onto ``path``; returns ``path``."""
    with atomic_path(path) as tmp:
        write(tmp)
    return Path(path)


def write_text(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` atomically with "\\n" line ends; returns ``path``."""
    return write_with(path, lambda tmp: tmp.write_text(text, encoding=encoding, newline="\n"))


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` atomically; returns ``path``."""
    return write_with(path, lambda tmp: tmp.write_bytes(data))


# Message text is mostly unique: a Parquet dictionary for it is built only to be
# dropped (half the write time on a journal); other columns repeat and keep one.
FREE_TEXT = ("raw", "content", "event")


def arrow_table(frame: pd.DataFrame, schema=None):
    """``frame`` as a pyarrow Table (without its index), converted on one thread: Arrow's pool spent more in the
    system waking its threads than they saved (a 1M-line parse's kept chunks: 0.76 s against 0.19 s on 2 cores,
    0.6 s of it system time)."""
    import pyarrow as pa

    return pa.Table.from_pandas(frame, schema=schema, preserve_index=False, nthreads=1)


def parquet_options(schema) -> dict:
    """Keyword arguments of pyarrow's Parquet writers for an Arrow ``schema``: a dictionary for the columns that
    repeat; free text plain; line numbers and times as deltas."""
    import pyarrow as pa

    # Line numbers and times are mostly distinct and rising: their dictionaries were built and dropped, where
    # deltas are small (a journal's parse wrote 40 % faster and 55 % smaller).
    deltas = [f.name for f in schema if pa.types.is_timestamp(f.type)
              or (pa.types.is_integer(f.type) and f.name.endswith("line_no"))]
    return {"use_dictionary": [n for n in schema.names if n not in FREE_TEXT and n not in deltas],
            "column_encoding": dict.fromkeys(deltas, "DELTA_BINARY_PACKED")}


def write_table(frame: pd.DataFrame, path: str | os.PathLike, safe_formulas: bool = True) -> Path:
    """Write a frame as CSV or Parquet (by suffix) atomically, without the index.

    ``safe_formulas``: CSV text cells that a spreadsheet would run as a formula are escaped
    (see :mod:`logad_utils.spreadsheet`) and every text cell is quoted, so a separator inside
    one cannot start a new cell; Parquet keeps text verbatim.
    """
    path = Path(path)
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        table = arrow_table(frame)
        return write_with(path, lambda tmp: pq.write_table(table, tmp, **parquet_options(table.schema)))
    table = escape_formulas(frame) if safe_formulas else frame
    quoting = csv.QUOTE_NONNUMERIC if safe_formulas else csv.QUOTE_MINIMAL
    return write_with(path, lambda tmp: table.to_csv(tmp, index=False, lineterminator="\n", quoting=quoting))
