"""Log line formats: Loghub-style format strings, named presets and auto-detection.

A format string uses the notation of Loghub's parsing benchmark: ``<Field>`` is a
named field, ``<Content>`` is the message, every other character is regular
expression text (so literal brackets are written ``\\[``), and a run of spaces
matches one or more whitespace characters. Example::

    <Date> <Time> <Level> \\[<Process>\\] <Component>: <Content>

Fields named ``Date``, ``Time``, ``Timestamp``, ``Month``, ``Day`` and ``Year``
are combined into one ``timestamp`` column; ``Level``, ``Component`` and
``Content`` become ``level``, ``component`` and ``content``; any other field
keeps its name in lower case.
"""
from __future__ import annotations

import json
import math
import re
from collections import Counter
from contextlib import contextmanager
import threading
from dataclasses import dataclass, field, replace
from functools import cached_property, partial
from itertools import chain
from typing import Callable, Iterator, Mapping, Sequence

import numpy as np
import pandas as pd

from .levels import LEVELS_RE, SECONDARY_LEVELS
from .regexes import REGEX_ERRORS

__all__ = [
    "LogFormat",
    "FormatError",
    "PRESETS",
    "parse_memo",
    "LOGHUB_FORMATS",
    "get_format",
    "detect_format",
    "with_file_times",
    "with_time_format",
    "untold_day_month",
    "parse_timestamps",
    "LEVELS_RE",
]

# A field named Epoch (hostapd's "<Epoch>: <Content>") holds seconds since 1970: a time as Timestamp is.
TIME_FIELDS = ("Year", "Month", "Date", "Day", "Time", "AmPm", "Timestamp", "Epoch")
# A user names a time as they like ("<LogTime>", "<DateTime>", "<time_local>", "<Uptime>", Zeek's and JSON lines'
# "<Ts>", "<Tai64n>" after the label it holds): such a field is the time of a format that names none of the fields
# above. Whole words of the name, not letters in it: <Timeout> and <Update> hold no time.
_TIME_WORDS = frozenset({"time", "date", "stamp", "timestamp", "datetime", "ts", "uptime", "tai64n", "tai64"})
# The names of a zone's field, which a time's fields may hold between them ("<Time> <Zone> <Year>").
_ZONE_FIELDS = frozenset({"zone", "timezone", "tz"})
_NAME_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
CANONICAL = {"Level": "level", "Component": "component", "Content": "content"}
_PLACEHOLDER = re.compile(r"<([A-Za-z_][A-Za-z0-9_]*)>")
_REGEX_TEXT = re.compile(r"\\[A-Za-z]|(?<!\\)[+*?{}|]")  # a format's text that is regex: a class, a repeat
_NUMBERED = re.compile(r"(?<=\D)\d+$")  # a field name's number: Thread2 is a second Thread
_FIELD_SPLIT = re.compile(r"(<[A-Za-z_][A-Za-z0-9_]*>)")  # a format string's fields and the text between them
_CLOSING_BRACKET = re.compile(r"\\\]\?? +$")  # a format string's "\] " or optional "\]? " before its message
# Numeric levels of pino and bunyan; and syslog's severities 0-7, for a priority or severity key (journald's
# PRIORITY) and a syslog priority's last three bits (a level key's 0-7 may count up from debug instead).
NUMERIC_LEVELS = {10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL"}
SYSLOG_LEVELS = {0: "EMERG", 1: "ALERT", 2: "CRIT", 3: "ERROR", 4: "WARNING", 5: "NOTICE", 6: "INFO", 7: "DEBUG"}
_SYSLOG_LEVEL_KEYS = frozenset({"priority", "severity"})
_SYSLOG_NAMES = {**NUMERIC_LEVELS, **SYSLOG_LEVELS}
# logr's JSON (zapr's, klog's --logging-format=json) without a level key: an info line writes its verbosity under
# v (V(0) info, higher debug), an error line no v but its error (layout._structured reads them as the level).
VERBOSITY_KEY = "v"
VERBOSITY_LEVELS = (VERBOSITY_KEY, "err", "error")
# The common names of a JSON line's message, in the order they are tried.
# The keys a shipper writes each line of a program's output under, as it was written (a trace's lines one record
# each, a blank line an empty one): Docker's json-file driver's and Fluent Bit's, and Loki's (logcli --output=jsonl).
LINE_KEYS = ("log", "line")
# CLEF's message template (@mt, its holes in braces) comes before its rendered message (@m): it is the template.
MESSAGE_KEYS = ("message", "msg", "@message", "log", "text", "event", "body", "MESSAGE", "short_message",
                "textPayload", "jsonPayload.message", "@mt", "@m")
MESSAGE_NAMES = frozenset(k.lower() for k in MESSAGE_KEYS)  # as a spreadsheet's column may spell them
# The level key and the level a format writes no level for, by its message key: CLEF leaves @l out for Information.
IMPLIED_LEVELS = {"@mt": ("@l", "Information"), "@m": ("@l", "Information")}
# An HTTP status, where no key names a level, is the level (layout._status_key): its class.
STATUS_KEYS = ("status", "sc-status", "status_code", "statusCode", "http.status_code", "http.response.status_code",
               "httpRequest.status", "response_code")
HTTP_LEVELS = {"1": "INFO", "2": "INFO", "3": "INFO", "4": "WARNING", "5": "ERROR"}
# Severity rank of a level name: 0 routine, 1 warning, 2 error, 3 fatal (features.severity reads it).
SEVERITY = {"TRACE": 0, "DEBUG": 0, "FINE": 0, "INFO": 0, "INFORMATION": 0, "NOTICE": 0, "NOTE": 0, "WARN": 1,
            "WARNING": 1, "WRN": 1, "ERROR": 2, "ERR": 2, "ERRO": 2, "FAIL": 2, "SEVERE": 2, "FATAL": 3, "FATA": 3,
            "FTL": 3, "CRITICAL": 3, "CRIT": 3, "ALERT": 3, "EMERG": 3, "EMERGENCY": 3, "PANIC": 3, "PANI": 3,
            # glog's, logcat's (A: assert), MongoDB's and Tornado's (C: critical), CUPS' (X: emergency) one-letter
            # levels; M, GlusterFS' emergency and HP's switches' major (ProCurve's event log: M, E, W, I, D)
            "W": 1, "E": 2, "F": 3, "A": 3, "C": 3, "X": 3, "M": 3,
            # PHP's
            "DEPRECATED": 0, "STRICT STANDARDS": 0, "PARSE ERROR": 2, "FATAL ERROR": 3, "RECOVERABLE FATAL ERROR": 2,
            "CATCHABLE FATAL ERROR": 2}
# The letters one-letter levels are written with (glog's, logcat's, CUPS', MongoDB's: :data:`SEVERITY`'s letters but
# M, and V, T, D, I, N for the routine ones).
LEVEL_LETTERS = "VTDINWEFACX"
# The letters a level alphabet grades: those, and M, which tells no level by itself (a version control's M is a
# modified file), so that layout does not look for it, but grades a column of level letters that holds it.
GRADED_LETTERS = LEVEL_LETTERS + "M"
# Of them, those whose grade differs between alphabets: A, C and X are logcat's assert, MongoDB's critical and CUPS'
# emergency, but WebSphere's audit and config, beside letters no other alphabet has (O, R: standard output, error).
BORROWED_LETTERS = frozenset("ACX")
# Other names of a status: Traefik's DownstreamStatus, a proxy's upstream_status, an app's responseCode.
_STATUS_NAME = re.compile(r"(?:status|status_?code|response_?code)$", re.IGNORECASE)


def is_status_key(key) -> bool:
    """Whether a key names an HTTP status: one of :data:`STATUS_KEYS`, or a name ending so."""
    return isinstance(key, str) and (key in STATUS_KEYS or _STATUS_NAME.search(key) is not None)


def _names_time(field: str) -> bool:
    """Whether a field's name says it holds a time: the name, or a word of it (LogTime, time_local), is one."""
    return not _TIME_WORDS.isdisjoint({field.lower(), *map(str.lower, _NAME_WORD.findall(field))})


def _time_part(field: str) -> str:
    """Which part of a time a time field holds: its date, its clock, or (a Timestamp, a named time) the whole."""
    return "date" if field in ("Year", "Month", "Date", "Day") else "clock" if field in ("Time", "AmPm") else "whole"


class FormatError(ValueError):
    """A format string or preset name that cannot be used."""


@dataclass(frozen=True)
class LogFormat:
    """One line layout, compiled to a regular expression.

    Parameters
    ----------
    pattern : str
        Format string in Loghub notation; must contain ``<Content>``.
    name : str, default "custom"
        Preset name, shown in reports.
    field_patterns : mapping of str to str, optional
        Regex for named fields (default ``.*?``); presets use it to tell
        similar layouts apart during auto-detection.
    time_format : str, optional
        ``strptime`` format of the space-joined time fields (``"epoch"`` for
        Unix seconds); inferred when None.
    json_key : str, optional
        When set, lines are JSON objects (logfmt with ``logfmt``) and this key
        holds the message.
    time_fields : tuple of str, optional
        The fields that make the timestamp; default all time-named fields.
    keys : tuple of (field, key) pairs, optional
        Structured lines: the key read into each field (``("Level", "lvl")``);
        default the first of the common names for timestamp, level and component.
    logfmt : bool, default False
        Structured lines are ``key=value`` pairs rather than JSON.
    delimiter, names : str and tuple of str, optional
        Structured lines are cells separated by ``delimiter`` (CSV quoting)
        in columns ``names``, rather than JSON.
    preamble : tuple of str, default ()
        The delimited file's lines above its first record (its column names,
        a ``#TYPE`` or ``sep=`` line): lines equal to one hold no event (read
        as blank).
    comment : str, optional
        Lines that open with it hold no event (the ``#`` directives of W3C
        and Zeek logs), read as blank.
    json_messages : bool, default False
        Read a message that is itself a JSON object with a message key (an
        app's JSON lines under a container runtime's header), or all
        ``key=value`` pairs with one (logfmt under a syslog header), as such:
        its message, level and logger replace the header's, line by line; the
        header's time stays.
    text_messages : LogFormat, optional
        The layout of the messages themselves (an app's text log under a
        container runtime's header): where a message matches it, its message,
        and its level and logger where the header has none, replace the
        header's, line by line; the header's time stays.
    writers : tuple of (str, LogFormat), default ()
        Lines of several programs, each after its writer's name and a bar
        (the ``component``), as ``docker compose`` prints its services':
        each writer's messages read by its own layout (time, level, fields
        and message), one writer's lines by one layout.
    layouts : tuple of LogFormat, default ()
        Several programs' layouts in one file (two logs concatenated or
        interleaved), this one's own first (a copy of it without them):
        each line is read by the first that matches it, with its fields
        alone, and the number of that layout (from 1) in the ``layout``
        column; a line that none matches as the first reads it.
    level_names : mapping of str to str, optional
        Level codes the layout writes, read as level names (CMTrace's type
        "3" is ERROR), so that severity ranks them; other values stay.
    time_guess : str, optional
        Where ``time_format`` is None, the layout a reader guessed once for a file's times on its first lines
        (:func:`with_file_times`), so that every chunk and byte range of the file reads them alike; guessed on
        each call's first values when None.
    """

    pattern: str
    name: str = "custom"
    field_patterns: Mapping[str, str] = field(default_factory=dict)
    time_format: str | None = None
    json_key: str | None = None
    time_fields: tuple[str, ...] | None = None
    keys: tuple[tuple[str, str], ...] | None = None
    logfmt: bool = False
    delimiter: str | None = None
    names: tuple[str, ...] | None = None
    preamble: tuple[str, ...] = ()
    json_messages: bool = False
    comment: str | None = None
    text_messages: LogFormat | None = None
    writers: tuple[tuple[str, LogFormat], ...] = ()
    layouts: tuple[LogFormat, ...] = ()
    level_names: Mapping[str, str] = field(default_factory=dict)
    time_guess: str | None = None

    def __post_init__(self) -> None:
        if self.json_key is None:
            regex = _compile(self.pattern, self.field_patterns)
            lost = [name for name in self.fields if name not in regex.groupindex]
            if lost:  # inside a "[...]" left unescaped, a field is characters of a set
                raise FormatError(f"format {self.pattern!r}: <{lost[0]}> lies inside [...], a character set; write "
                                  f"\\[ and \\] for brackets in the line")
            # Format strings may hold unnamed groups such as "(\[<PID>\])?"; read named ones only.
            index = [regex.groupindex[name] for name in self.fields]
            object.__setattr__(self, "_regex", regex)
            object.__setattr__(self, "_index", index)

    # A format is immutable: what its pattern implies (fields, time fields, columns) is worked out once per instance
    # and kept, as reading asks for it many times a file (every preset's columns in each fit, the time fields per
    # column); replace() makes a new instance, which works them out again.
    @cached_property
    def fields(self) -> tuple[str, ...]:
        """Field names in the order they appear in the pattern."""
        if self.json_key is not None:
            named = ("Timestamp", "Level", "Component") if self.keys is None else tuple(f for f, _ in self.keys)
            return named + ("Content",)
        return tuple(_PLACEHOLDER.findall(self.pattern))

    def describe(self) -> str:
        """The format as a user writes it: the Loghub-notation string, or the keys of structured lines (and what
        reads a message that is JSON itself)."""
        nested = "; a message that is a JSON object or logfmt pairs read as one (message, level, logger keys)" \
            if self.json_messages else ""
        if self.writers:
            return self.pattern + "; each writer's messages by their own layout: " + "; ".join(
                f"{name}: {fmt.describe()}" for name, fmt in self.writers)
        if self.layouts:
            return " ; ".join(f"{k}: {fmt.describe()}" for k, fmt in enumerate(self.layouts, 1))
        if self.json_key is None:
            return self.pattern + nested
        keys = self.keys if self.keys is not None else ()
        def names(key) -> str:
            return key if isinstance(key, str) else "|".join(key)

        times = " + ".join(names(k) for f, k in keys if f in TIME_FIELDS)  # a date key and a clock key: one time
        named = ", ".join(([f"timestamp={times}"] if times else [])
                          + [f"{column_name(f)}={names(k)}" for f, k in keys if f in ("Level", "Component")])
        syntax = "logfmt (key=value pairs)" if self.logfmt else "JSON object per line"
        if self.delimiter is not None:
            syntax = f"delimited ({self.delimiter!r} between cells; columns {', '.join(self.names or ())})"
        message = f"message={self.json_key}" if self.json_key else "no message key (the other keys as key=value)"
        return f"{syntax}: {message}" + (f", {named}" if named else "") + nested

    @property
    def columns(self) -> list[str]:
        """Output column names: ``timestamp`` (if any time field), then the others (with :attr:`json_messages`,
        ``level`` and ``component`` before the message where the header has none; with :attr:`writers`, theirs
        after the writer's)."""
        return list(self._columns)  # a copy: a caller may change its list

    @cached_property
    def _columns(self) -> list[str]:
        """:attr:`columns`, kept."""
        if self.writers:
            return self._writer_columns()
        if self.layouts:
            return self._layouts_columns()
        cols = ["timestamp"] if self._time_fields else []
        cols += [column_name(f) for f in self.fields if f not in self._read_off()]
        source = _level_source(cols) if self.json_key is None else None
        if source is not None:  # a syslog priority or an HTTP status holds the severity
            cols.insert(cols.index(source) + 1, "level")
        for name in self._message_columns(cols):
            cols.insert(cols.index("content"), name)
        return cols

    def _writer_columns(self) -> list[str]:
        """:attr:`columns` with :attr:`writers`: a time where a writer's layout has one, the header's fields, the
        writers' (``message_<name>`` where the header has that name), the message."""
        outer = [column_name(f) for f in self.fields if f != "Content"]
        inner = [self._writer_column(c, outer) for _, fmt in self.writers for c in fmt.columns]
        timed = ["timestamp"] if "timestamp" in inner else []
        return timed + outer + list(dict.fromkeys(c for c in inner if c not in ("timestamp", "content"))) + ["content"]

    def _layouts_columns(self) -> list[str]:
        """:attr:`columns` with :attr:`layouts`: a time where one of them has one, their fields in order of first
        appearance, the number of the layout that read the line, the message."""
        each = [fmt.columns for fmt in self.layouts]
        timed = ["timestamp"] if any("timestamp" in cols for cols in each) else []
        fields = dict.fromkeys(c for cols in each for c in cols if c not in ("timestamp", "content"))
        return timed + list(fields) + [LAYOUT_COLUMN, "content"]

    @staticmethod
    def _writer_column(name: str, outer: Sequence[str]) -> str:
        """The column a writer's layout's column ``name`` fills: its own, or ``message_<name>`` where the header's
        columns ``outer`` have that name (a program's logger beside the writer's name)."""
        return f"message_{name}" if name in outer else name

    def _message_columns(self, cols: Sequence[str]) -> list[str]:
        """The columns a JSON message, or a message read by :attr:`text_messages`, adds to the header's ``cols``."""
        if self.text_messages is not None:
            return [name for _, name in self._inner_columns(cols)]
        return [c for c in ("level", "component") if c not in cols] if self.json_messages else []

    def _inner_columns(self, cols: Sequence[str]) -> list[tuple[str, str]]:
        """(column of :attr:`text_messages`, column it fills) pairs: each of its fields but its time and message,
        under its own name, or ``message_<name>`` where the header's ``cols`` have that name (a logger of its
        own under the header's)."""
        inner = [c for c in self.text_messages.columns if c not in ("timestamp", "content")]
        return [(c, c if c not in cols else f"message_{c}") for c in inner]

    @cached_property
    def _time_fields(self) -> tuple[str, ...]:
        """The fields the timestamp is read from, joined in order."""
        if self.time_fields is not None:
            return self.time_fields
        fields = tuple(f for f in self.fields if f in TIME_FIELDS) or self._named_time_fields()
        # Epoch seconds beside a written time (a date, then the same instant in milliseconds) repeat it: joined, the
        # two read as no time at all. The written one is the time then, the number a field of its own.
        fields = tuple(f for f in fields if f != "Epoch") or fields
        # A Timestamp beside a date and a clock is a second whole time: joined to them, none reads. It is the time
        # then (one field, as BGL's preset reads it), the date and clock fields of their own.
        return ("Timestamp",) if "Timestamp" in fields and "Time" in fields else self._first_run(fields)

    def _first_run(self, fields: tuple[str, ...]) -> tuple[str, ...]:
        """The time fields up to the first that another field than a zone parts from the one before it: a later
        run is a second time (a relay's syslog header, then the device's own "03/12/2024:07:48:27 GMT"), joined to
        the first none reads; its fields stay columns of their own. A zone belongs to the time (GNU date's
        "<Time> <Zone> <Year>"), and so does a part the run lacks ("<Date> [<Level>] <Time>": the date's clock)."""
        run = fields[:1]
        for before, name in zip(fields, fields[1:]):
            between = self.fields[self.fields.index(before) + 1:self.fields.index(name)]
            if not all(f.lower() in _ZONE_FIELDS for f in between) and _time_part(name) in map(_time_part, run):
                break
            run += (name,)
        return run + self._named_clock(run)

    def _named_clock(self, run: tuple[str, ...]) -> tuple[str, ...]:
        """The field right after a date that has no clock, glued to it, where its name says time (<Date>:<NsTime>,
        as a user names a device's own clock): the date's clock, read with it, not a midnight; else (). After a
        space it may be a quantity (<Date> <ResponseTime>), which joined to the date reads no time at all."""
        if not run or not set(run) <= {"Year", "Month", "Date", "Day"}:
            return ()
        after = self.fields.index(run[-1]) + 1
        if after == len(self.fields) or not _names_time(self.fields[after]):
            return ()
        glued = re.search(f"<{run[-1]}>([^<]*)<{self.fields[after]}>", self.pattern)
        return self.fields[after:after + 1] if glued and not re.search(r"\s|\\s", glued.group(1)) else ()

    def _read_off(self) -> set[str]:
        """The time fields whose text the timestamp replaces: a field read as the time by its name alone (<RunTime>)
        keeps its column too, as the name may mislead."""
        return {f for f in self._time_fields if self.time_fields is not None or f in TIME_FIELDS}

    def _named_time_fields(self) -> tuple[str, ...]:
        """The first field whose name says time (:func:`_names_time`) and those right after it, no other field
        between (<LogDate> <LogTime>): a later one is another quantity (nginx's $request_time after $time_local)."""
        named = [_names_time(f) for f in self.fields]
        if not any(named):
            return ()
        start = named.index(True)
        end = named.index(False, start) if False in named[start:] else len(named)
        return self.fields[start:end]

    def _written_time_fields(self) -> tuple[str, ...]:
        """The date and clock fields beside a Timestamp of its own (:attr:`_time_fields`), else none."""
        if self.time_fields is not None or self._time_fields != ("Timestamp",):
            return ()
        return tuple(f for f in self.fields if f in TIME_FIELDS and f not in ("Timestamp", "Epoch"))

    def _time_joins(self) -> tuple[str, ...]:
        """The text the pattern writes between each time field and the next where it is not a space and no other
        field lies between (Unreal's "<Date>-<Time>", "2024.06.08-18.22.01": joined by spaces, no layout reads
        them), else ()."""
        parts = _FIELD_SPLIT.split(self.pattern)
        names = [f"<{name}>" for name in self._time_fields]
        if self.json_key is not None or self.time_format is not None or not set(names) <= set(parts):
            return ()
        at = [parts.index(name) for name in names]
        if any(b - a != 2 or _REGEX_TEXT.search(parts[a + 1]) for a, b in zip(at, at[1:])):
            return ()  # a field between, or a class or repeat (<Date>\s+<Time>): no one text to join by
        joins = tuple(re.sub(r"\\(.)", r"\1", parts[a + 1]) for a in at[:-1])
        return joins if any(j != " " for j in joins) else ()

    def _time_bracket(self) -> str | None:
        """The opening bracket the pattern writes right before its first time field (``\\[<Date> <Time>\\]``),
        else None."""
        parts = _FIELD_SPLIT.split(self.pattern)
        first = f"<{self._time_fields[0]}>" if self._time_fields else None
        if self.json_key is not None or first not in parts:
            return None
        before = re.sub(r"\\(.)", r"\1", parts[parts.index(first) - 1])
        return before[-1] if before[-1:] and before[-1] in "[(<{" else None

    def _time_values(self, values: list[np.ndarray]) -> list[np.ndarray]:
        """The time fields' values (each of n), the first cut after its last bracket where the pattern writes one
        before it (:func:`_after_bracket`)."""
        bracket = self._time_bracket()
        if bracket is not None:
            values[0] = _after_bracket(values[0], bracket)
        return values

    def parse(self, lines: Sequence[str]) -> tuple[pd.DataFrame, np.ndarray]:
        """Split lines into fields.

        Returns a frame of len(lines) rows with :attr:`columns` (``content`` is
        the whole line where the line does not match) and a bool array (n,)
        that is True where the line matched. Inside :func:`parse_memo`, lines parsed before by an equal format
        give a copy of what they gave then.
        """
        memo = _MEMO.entries
        if memo is None:
            return self._parse(lines)
        key = tuple(lines)
        for fmt, seen, frame, matched, zoned in memo:
            if (fmt is self or fmt == self) and seen == key:
                ZONED.count += zoned  # as the parse would have counted it
                return frame.copy(), matched.copy()
        before = ZONED.count
        frame, matched = self._parse(lines)
        memo.append((self, key, frame.copy(), matched.copy(), ZONED.count - before))
        return frame, matched

    def _parse(self, lines: Sequence[str]) -> tuple[pd.DataFrame, np.ndarray]:
        """:meth:`parse`, always done."""
        if self.layouts:
            return self._parse_layouts(lines)
        rows = self._parse_structured(lines) if self.json_key is not None else self._parse_regex(lines)
        matched = np.fromiter((r is not None for r in rows), dtype=bool, count=len(lines))
        names = self.fields
        if not matched.all():
            empty = (None,) * len(names)
            rows = [r if r is not None else empty for r in rows]
        # One 2-D object array is far cheaper than transposing a million tuples with zip, and filling it from the
        # chained cells cheaper than np.array, which looks into every tuple for the array's shape.
        table = np.fromiter(chain.from_iterable(rows), dtype=object, count=len(rows) * len(names)
                            ).reshape(len(rows), len(names))
        data = {name: table[:, i] for i, name in enumerate(names)}
        content = data["Content"].copy()
        if not matched.all():  # the whole line where the header missed; no copy of the lines where none did
            content[~matched] = np.asarray(lines, dtype=object)[~matched]
        columns: dict[str, pd.Series] = {}
        time_cols = self._time_fields
        source = _level_source([column_name(n) for n in names]) if self.json_key is None else None
        if time_cols:
            values = self._time_values([data[f] for f in time_cols])
            times = parse_timestamps(values, self.time_format, self.time_guess)
            written = self._written_time_fields()
            if written and times.isna().any():  # the first of the two times that reads
                times = times.fillna(parse_timestamps([data[f] for f in written]))
            joins = self._time_joins()
            if joins and times.isna().any():
                times = _glued(times, values, joins)
            if self.json_key is not None and self.time_format not in (None, "epoch") and len(time_cols) == 1:
                times = _other_layouts(times, pd.Series(data[time_cols[0]], dtype=object))
            columns["timestamp"] = _representable(times)
        read_off = self._read_off()
        for name in names:
            if name in read_off:
                continue
            values = content if name == "Content" else data[name]
            columns[column_name(name)] = pd.Series(values, dtype=object, copy=False)
            if column_name(name) == source:
                columns["level"] = _LEVEL_SOURCES[source](columns[source])
        if self.level_names and "level" in columns:
            columns["level"] = columns["level"].map(lambda value: self.level_names.get(value, value))
        # One frame of all columns: adding them one by one costs more than parsing a detection sample.
        frame = pd.DataFrame(columns, index=range(len(lines)), copy=False)
        if self.json_key is None and not matched.all():
            self._read_leading_fields(frame, lines, matched)
        if self.text_messages is not None:
            frame = self._read_text_messages(frame, matched)
        elif self.writers:
            frame = self._read_writers(frame, matched)
        elif self.json_messages:
            frame = self._read_json_messages(frame, matched)
        if self.json_key is None:
            _read_component_levels(frame)
            _read_message_codes(frame)
        return frame, matched

    def _parse_layouts(self, lines: Sequence[str]) -> tuple[pd.DataFrame, np.ndarray]:
        """:meth:`parse` with :attr:`layouts`: each line by the first that matches it, its fields alone (another's
        columns empty), a line none matches as the first reads it."""
        first, matched = self.layouts[0].parse(lines)
        frame = pd.DataFrame({c: first[c] if c in first else pd.Series(
            None, index=first.index, dtype="datetime64[ns]" if c == "timestamp" else object) for c in self.columns})
        frame[LAYOUT_COLUMN] = np.where(matched, "1", None)
        for number, fmt in enumerate(self.layouts[1:], 2):
            missed = np.flatnonzero(~matched)
            if not len(missed):
                break
            read, ok = fmt.parse([lines[i] for i in missed])
            rows, where = missed[ok], np.zeros(len(lines), dtype=bool)
            where[rows] = True
            for column in frame.columns:
                if column == "timestamp":
                    times = read.loc[ok, column] if column in read else pd.Series(pd.NaT, index=rows,
                                                                                     dtype="datetime64[ns]")
                    frame[column] = _filled(frame[column], where, times)
                elif column != LAYOUT_COLUMN:
                    frame.loc[rows, column] = read.loc[ok, column].to_numpy(dtype=object) if column in read else None
            frame.loc[rows, LAYOUT_COLUMN] = str(number)
            matched = matched | where
        return frame, matched

    def _read_leading_fields(self, frame: pd.DataFrame, lines: Sequence[str], matched: np.ndarray) -> None:
        """Give the lines that miss the layout its leading fields where they have them: the time (read as the
        layout reads it), the level, the rest as the message. A layout inferred from a sample can hold words the
        sample's lines happened to share, which other lines lack; a preset's or a user's may not foresee a
        program's odd line (syslog's ``syslogd 1.4.1: restart.``, a name with a space); and not every line under
        a time has a level (CoreDNS' banner). They keep ``parsed`` False."""
        missed = np.flatnonzero(~matched)
        # With the fields up to the last one before the message where spaces alone part them (syslog's host),
        # then with its level; a line without one ("[time] Started by user admin") keeps the time alone; last, a
        # line that opens with the layout's level and writes a word more before its time (Akka's marker,
        # "[WARN] [akkaUnreachable][02/20/2024 09:18:37.287] ...").
        spaced, leading = self._leading(True, "custom", spaced=True), self._leading(True, "custom")
        for fallback in (spaced, leading, self._leading(False, "custom"), self._marked(True), self._marked(False)):
            if fallback is None or not len(missed):
                continue
            sub, ok = fallback.parse([lines[i] for i in missed])
            ok &= sub["timestamp" if "timestamp" in sub else "level"].notna().to_numpy()
            if fallback is spaced and leading is not None:
                # A field that spaces alone part holds a name (a host): a line with punctuation there has its
                # message there ("--- last message repeated 3 times ---"). Told by its shape, not by the values
                # the matched lines write, so that a line reads the same in any chunk or Dask partition.
                for column in set(spaced.columns) - set(leading.columns):
                    named = sub[column].map(lambda v: _FIELD_NAME.fullmatch(v) is not None, na_action="ignore")
                    ok &= named.fillna(False).to_numpy(dtype=bool)
            rows = missed[ok]
            where = np.zeros(len(frame), dtype=bool)
            where[rows] = True
            for column in fallback.columns:
                values = sub.loc[ok, column]
                if column == "timestamp":
                    frame[column] = _filled(frame[column], where, values)
                elif column in frame:
                    frame.loc[rows, column] = values.to_numpy()
            missed = missed[~ok]

    def _leading(self, with_level: bool, name: str, spaced: bool = False) -> LogFormat | None:
        """The format of this one's leading fields up to its time (and level, ``with_level``; and the fields
        after them that spaces part, ``spaced``), then the message (:func:`_leading_pattern`), named ``name``;
        None where there is none."""
        pattern = _leading_pattern(self.pattern, self._time_fields, with_level, spaced)
        if pattern is None:
            return None
        try:
            # The time fields the layout names (a zone among them) are all before the level, so all kept.
            return LogFormat(pattern, name, {k: v for k, v in self.field_patterns.items() if f"<{k}>" in pattern},
                             self.time_format, time_fields=self.time_fields)
        except FormatError:
            return None

    def _marked(self, whole: bool) -> LogFormat | None:
        """This format with up to :data:`_MARK_CHARS` characters more before its time, ``whole`` or its fields up
        to the time then the message (:func:`_marked_pattern`); None where no level comes before the time."""
        pattern = _marked_pattern(self.pattern, self._time_fields, whole)
        if pattern is None:
            return None
        patterns = {k: v for k, v in self.field_patterns.items() if f"<{k}>" in pattern}
        try:
            return LogFormat(pattern, "custom", {**patterns, "Mark": f".{{1,{_MARK_CHARS}}}?"}, self.time_format,
                             time_fields=self.time_fields)
        except FormatError:
            return None

    def _read_json_messages(self, frame: pd.DataFrame, matched: np.ndarray) -> pd.DataFrame:
        """The frame with each matched line's message that is a JSON object with a message key read as one: its
        message, and its level and logger where the header has none (a header's own level and component stay:
        a payload's ``name`` or ``source`` is data, not the writer), or its level over a syslog priority's."""
        added = self._message_columns(list(frame.columns))
        # A priority is the transport's guess at the severity; the program's own level, where it states one, wins.
        yielding = added + ["level"] if self._level_from_priority() else added
        values = {name: np.full(len(frame), None, dtype=object) if name in added or name not in frame
                  else frame[name].to_numpy(object).copy() for name in ("content", "level", "component")}
        content = values["content"]
        for i in np.flatnonzero(matched):
            read = _structured_message(content[i], bare_keys=True) if isinstance(content[i], str) else None
            for name, value in zip(("content", "level", "component"), read or ()):
                if value is not None and (name == "content" or name in yielding):
                    values[name][i] = value
        for name in ("content", "level", "component"):
            column = pd.Series(values[name], index=frame.index, dtype=object)  # text and None, as parse makes them
            if name in added:
                frame.insert(frame.columns.get_loc("content"), name, column)
            elif name in frame:
                frame[name] = column
        return frame

    def _level_from_priority(self) -> bool:
        """Whether the level column is the severity of a syslog priority (a header with one and no level)."""
        names = [column_name(f) for f in self.fields]
        return self.json_key is None and "pri" in names and "level" not in names

    def _read_text_messages(self, frame: pd.DataFrame, matched: np.ndarray) -> pd.DataFrame:
        """The frame with each matched line's message that :attr:`text_messages` reads read by it: its message,
        level and other fields (see :meth:`_inner_columns`)."""
        pairs = self._inner_columns(list(frame.columns))
        for _, name in pairs:
            frame.insert(frame.columns.get_loc("content"), name, pd.Series(None, index=frame.index, dtype=object))
        rows = np.flatnonzero(matched)
        inner, ok = self.text_messages.parse([m if isinstance(m, str) else "" for m in frame["content"].iloc[rows]])
        # The level, or the time, of a message that misses the rest of its layout (net/http's lines without the
        # "[info]" of the service's own, both through Go's log package): its message is what follows them.
        for leading in ("level", "timestamp"):
            if leading in inner:
                ok |= inner[leading].notna().to_numpy()
        hit = frame.index[rows[ok]]
        for source, name in (("content", "content"), *pairs):
            frame.loc[hit, name] = inner.loc[ok, source].to_numpy(dtype=object)
        return frame

    def _read_writers(self, frame: pd.DataFrame, matched: np.ndarray) -> pd.DataFrame:
        """The frame in :attr:`columns`, each matched line's message read by its writer's layout (:attr:`writers`)
        where it matches: its time, level, fields and message."""
        columns = self.columns
        out = pd.DataFrame({c: frame[c] if c in frame else pd.Series(None, index=frame.index, dtype=object)
                            for c in columns}, index=frame.index)
        if "timestamp" in out:
            out["timestamp"] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
        outer = [column_name(f) for f in self.fields if f != "Content"]
        names = frame["component"].to_numpy(dtype=object)
        for writer, fmt in self.writers:
            rows = np.flatnonzero(matched & (names == writer))
            if not len(rows):
                continue
            inner, ok = fmt.parse([m if isinstance(m, str) else "" for m in frame["content"].iloc[rows]])
            hit = out.index[rows[ok]]
            for column in inner.columns:
                target = "content" if column == "content" else self._writer_column(column, outer)
                values = inner.loc[ok, column]
                out.loc[hit, target] = values.to_numpy() if column == "timestamp" else values.to_numpy(dtype=object)
        return out

    def _parse_regex(self, lines: Sequence[str]) -> list[tuple | None]:
        match = self._regex.match  # type: ignore[attr-defined]
        index = self._index  # type: ignore[attr-defined]
        if index == list(range(1, len(index) + 1)):
            # Only named groups, in order: groups() is the cheapest way to read them.
            return [m.groups() if (m := match(line)) else None for line in lines]
        if len(index) == 1:
            return [(m.group(index[0]),) if (m := match(line)) else None for line in lines]
        return [m.group(*index) if (m := match(line)) else None for line in lines]

    def _parse_structured(self, lines: Sequence[str]) -> list[tuple | None]:
        from .layout import parse_delimited, parse_json_object, parse_logfmt, plain_cells

        # The file is known to be logfmt: a line with keys that have no value among its pairs is one of its own.
        read = partial(parse_logfmt, bare_keys=True) if self.logfmt else parse_json_object
        if self.delimiter is not None:
            names, spill = self.names or (), bool(self.names) and self.names[-1] == self.json_key
            read = partial(parse_delimited, delimiter=self.delimiter, names=names, spill=spill)
            if self.comment is not None:  # W3C's and Zeek's cells are never quoted
                read = partial(plain_cells, delimiter=self.delimiter, names=names)
        keys = self.keys
        if keys is None:
            keys = tuple((f, names) for f, names in zip(("Timestamp", "Level", "Component"),
                                                        (_JSON_TIME_KEYS, _JSON_LEVEL_KEYS, _JSON_COMPONENT_KEYS)))
        require = self.keys is None  # the jsonl preset: only objects with its message key match

        def row(line: str) -> tuple | None:
            try:
                return _structured_row(read(line), self.json_key, keys, require)
            except RecursionError:  # nested about as deep as json reads: a line like any other unreadable one
                return None

        return [row(line) for line in lines]


# What closes a field: ``\]`` of ``\]\[``, ``]:`` of ``]: (``; no opener, escaped or not. The message follows after
# any spaces: a line that misses the layout may have them where the layout has none.
_CLOSING_SEPARATOR = re.compile(r"(?:\\[^\[({\s]|[^\s(\[{\\])*")


# A name in a field (a host, a node): a letter or digit first, then no punctuation but what names and addresses have.
_FIELD_NAME = re.compile(r"[^\W_][\w.:@/-]*")


def _leading_pattern(pattern: str, time_fields: Sequence[str], with_level: bool = True, spaced: bool = False
                     ) -> str | None:
    """The format string's leading fields up to its time fields (and its level, ``with_level``; and, ``spaced``,
    the fields after them that spaces alone part, up to the last one before the message), then ``<Content>``;
    None where that is the whole header, or there is nothing to look for (no time field and no level, or no
    level besides the time)."""
    parts = _FIELD_SPLIT.split(pattern)
    has_level = "Level" in _PLACEHOLDER.findall(pattern)
    if not with_level and not (has_level and time_fields):
        return None  # the pattern with the level already was this one
    need = set(time_fields) | ({"Level"} if with_level and has_level else set())
    if not need:
        return None
    kept = []
    for i, part in enumerate(parts):
        name = m.group(1) if (m := _PLACEHOLDER.fullmatch(part)) else None
        if name == "Content":
            return None
        kept.append(part)
        need.discard(name)
        if not need:
            while spaced and i + 4 < len(parts) and parts[i + 1].isspace() and parts[i + 3].isspace() \
                    and parts[i + 4] != "<Content>":
                kept += parts[i + 1:i + 3]
                i += 2
            rest = parts[i + 1:]
            if len(rest) < 2 or rest[1:] == ["<Content>", ""]:
                return None  # the header ends here: the layout itself
            if rest[1] == "<Content>":  # a field after the message (log4j's "%m (%c)"), which some lines lack
                return "".join(kept) + rest[0] + "<Content>"
            return "".join(kept) + _message_after(rest[0])
    return None


def _message_after(separator: str) -> str:
    """Format text for the message after a field and the ``separator`` that follows it in a format string: its
    closing part (:data:`_CLOSING_SEPARATOR`), any spaces, ``<Content>``."""
    closing = _CLOSING_SEPARATOR.match(separator).group()
    return closing + ("\\s+" if separator[len(closing):][:1].isspace() else "\\s*") + "<Content>"


_MARK_CHARS = 40  # a marker's word and its brackets, not a message: a line's time comes early or not at all


def _marked_pattern(pattern: str, time_fields: Sequence[str], whole: bool) -> str | None:
    """The format string with a ``<Mark>`` just before its time fields, ``whole`` or up to them then ``<Content>``;
    None where no ``<Level>`` comes before the time: the level that opens the line as the layout's lines open
    vouches for it."""
    parts = _FIELD_SPLIT.split(pattern)
    places = [i for i, part in enumerate(parts) if (m := _PLACEHOLDER.fullmatch(part)) and m.group(1) in time_fields]
    if not places or "<Level>" not in parts[:places[0]] or "<Content>" in parts[:places[-1]]:
        return None
    if whole:
        return "".join(parts[:places[0]]) + "<Mark>" + "".join(parts[places[0]:])
    rest = parts[places[-1] + 1:]
    if len(rest) < 2:
        return None
    return "".join(parts[:places[0]]) + "<Mark>" + "".join(parts[places[0]:places[-1] + 1]) + _message_after(rest[0])


def column_name(field_name: str) -> str:
    """The column a field fills: its name in lower case, ``_field`` added where logad writes a column of that name
    itself (a ``<Source>`` field beside the ``source`` file name)."""
    column = CANONICAL.get(field_name, field_name.lower())
    return column + "_field" if column in RESERVED_COLUMNS else column


# The column that names which of a file's layouts read a line (:attr:`LogFormat.layouts`).
LAYOUT_COLUMN = "layout"
# Columns logad writes itself beside a format's fields: a field of such a name fills "<name>_field".
RESERVED_COLUMNS = ("source", "line_no", "raw", "blank", "parsed", "truncated", "event_line_no", "event", "masked",
                    "template_id", "template", "key", "score", "is_anomaly", "methods", LAYOUT_COLUMN)
# "[" and "]" around a field ("[<Time>] <Content>", as users write them) are brackets in the line, not a character
# set: Loghub notation wants them escaped, and a set holding a field can mean nothing else.
_BRACKETED_FIELD = re.compile(r"(?<!\\)\[((?:[^\]\\]|\\.)*<[A-Za-z_][A-Za-z0-9_]*>(?:[^\]\\]|\\.)*)(?<!\\)\]")


# A field glued to the next one ("<Level><Date>", glog's I0219) ends where its kind of character does: lazily it
# would match nothing and leave the whole "I0219" to the next field.
_GLUED_FIELD = r"[^\W\d_]+|\d+|.+?"


def _padding(before: list[str], name: str, field_patterns: Mapping[str, str]) -> str:
    """Whitespace to pass over before a field that opens the line with no pattern of its own: a width pads it
    ("%9.3f" seconds since start writes "   0.001" above "17458.207"), and as Loghub's reader strips each line
    before its format, the padding is neither the field (left empty) nor the message."""
    return "\\s*" if before == [""] and name not in field_patterns else ""


def _compile(pattern: str, field_patterns: Mapping[str, str]) -> re.Pattern:
    """Translate Loghub notation into an anchored regex with one group per field."""
    if "<Content>" not in pattern:
        raise FormatError(f"format {pattern!r} has no <Content> field; it must name where the message is")
    parts = _FIELD_SPLIT.split(_BRACKETED_FIELD.sub(r"\\[\1\\]", pattern))
    regex = ""
    seen: set[str] = set()
    for i, part in enumerate(parts):
        m = _PLACEHOLDER.fullmatch(part)
        if m:
            name = m.group(1)
            if name in seen:
                raise FormatError(f"format {pattern!r} names <{name}> twice")
            seen.add(name)
            glued = parts[i + 1] == "" and i + 2 < len(parts)  # another field follows with nothing between
            body = field_patterns.get(name, ".*" if name == "Content" else _GLUED_FIELD if glued else ".*?")
            # A message may open with a byte-order mark (RFC 5424 marks UTF-8 messages so); it is no text.
            opening = "\ufeff?" if name == "Content" else _padding(parts[:i], name, field_patterns)
            regex += opening + f"(?P<{name}>{body})"
        elif parts[i + 1:] == ["<Content>", ""] and "<Level>" in pattern and _CLOSING_BRACKET.search(part):
            # A header that closes with a bracket may end the line: its message is empty ("[ERROR]" alone). Not one
            # without a level: "<time> [worker-1]" alone would read as a blank line, and the trace under it go above.
            regex += re.sub(r" +", r"\\s+", part.rstrip(" ")) + r"(?:\s+|$)"
        else:
            regex += re.sub(r" +", r"\\s+", part)
    try:
        return re.compile(f"^{regex}$", re.DOTALL)
    except REGEX_ERRORS as exc:
        raise FormatError(f"format {pattern!r} is not a valid pattern: {exc}") from None


_JSON_TIME_KEYS = ("timestamp", "@timestamp", "time", "ts", "datetime", "date")
_JSON_LEVEL_KEYS = ("level", "severity", "levelname", "log.level", "lvl")
_JSON_COMPONENT_KEYS = ("component", "logger", "logger_name", "name", "service", "module", "source")


def _structured_row(obj: dict | None, message_key: str, keys: tuple, require_message: bool) -> tuple | None:
    """(fields..., message) of a flattened JSON/logfmt object, or None when the line was not one.

    A key given as a tuple means the first of those names present. A line
    without ``message_key`` takes the first other common message key holding
    text, unless ``require_message`` (one service's lines under another's, as
    Google Cloud Logging's ``textPayload`` beside ``jsonPayload.message``).
    A line without a message under a common message key is an empty message; where
    objects have no message key (``""``) or the key is no common one, the other
    keys, as ``key=value`` text, stand in for it, so that no template holds JSON
    syntax; without other keys, the header fields but time do.
    """
    if obj is None or (require_message and message_key not in obj):
        return None
    values = []
    used = {message_key}
    time_keys = set()
    for field_name, key in keys:
        if isinstance(key, tuple):
            key = next((k for k in key if obj.get(k) is not None), None)
        value = obj.get(key) if key is not None else None
        if value == "-":  # the mark of a value not set, as access logs and Zeek write it: no time, level or name
            value = None
        used.add(key)
        if field_name in TIME_FIELDS:
            time_keys.add(key)
        if field_name == "Level":
            value = level_name(value, key, syslog=message_key == "short_message")  # GELF's levels are syslog's
            if value is None and message_key in IMPLIED_LEVELS:
                value = IMPLIED_LEVELS[message_key][1]
        values.append(None if value is None else _scalar_text(value))
    message = obj.get(message_key)
    if message is None and not require_message:
        key = next((k for k in MESSAGE_KEYS if isinstance(obj.get(k), str) and obj[k].strip()), None)
        message_key, message = (key, obj[key]) if key is not None else (message_key, None)
    if isinstance(message, list) and message and all(type(b) is int and 0 <= b < 256 for b in message):
        # journald exports a message that is not valid UTF-8 as its bytes.
        message = bytes(message).decode("utf-8", errors="replace")
    if message is None or isinstance(message, str) and not message.strip():
        # Under a message key the file's lines carry, a line's empty, null or missing message is an empty one, its
        # other keys columns as on any line (a line break alone under Docker's json-file key is a program's blank
        # line: blank, as written). Objects with no message key: the other keys say what happened.
        message = "" if message_key.lower() in MESSAGE_NAMES or message_key in LINE_KEYS else None
    if isinstance(message, str):
        # Docker's json-file driver keeps the line break the program wrote.
        message = message.rstrip("\r\n")
    else:
        named = TIME_FIELDS + ("Level", "Component")
        header = used if keys is None else {message_key} | {n for f, k in keys if f in named
                                                            for n in ((k,) if isinstance(k, str) else k)}
        rest = {k: v for k, v in obj.items() if k not in header} if message is None else {message_key: message}
        if not rest:  # only header fields: they are the message (time aside), so the line gets a template
            rest = {k: v for k, v in obj.items() if k not in time_keys} or obj
        message = " ".join(f"{k}={_pair_value(_scalar_text(v))}" for k, v in rest.items())
    return (*values, message)


def level_name(value, key: str | None = None, syslog: bool = False):
    """A numeric level, as a number or digits, as its name: pino's 30, or under a priority or severity ``key``
    (or with ``syslog``: GELF's level) a syslog severity 0-7 (journald's PRIORITY "3"); an HTTP status under a
    status key as its class; a logr verbosity or error (:data:`VERBOSITY_LEVELS`) as its level; any other value,
    a non-finite number or a bool as it is."""
    if key == VERBOSITY_KEY and str(value).isdigit():
        return "INFO" if int(value) == 0 else "DEBUG"
    if key in VERBOSITY_LEVELS[1:]:
        return "ERROR"
    if is_status_key(key):
        return HTTP_LEVELS.get(http_status_class(value), value)
    syslog = syslog or (isinstance(key, str) and key.lower() in _SYSLOG_LEVEL_KEYS)
    names = _SYSLOG_NAMES if syslog else NUMERIC_LEVELS
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return names.get(int(value), value)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return names.get(int(value), value)
    return value


def http_status_class(value) -> str | None:
    """The class of an HTTP status code, a number or digits (``"5"`` for 503); None for anything else."""
    text = str(value) if type(value) is int or isinstance(value, str) else ""
    return text[0] if len(text) == 3 and text.isdigit() and "1" <= text[0] <= "5" else None


def _pri_levels(pri: pd.Series) -> pd.Series:
    """Severity names (n,) of syslog priorities (n,): facility · 8 + severity (``134`` is local0.info); None
    where a priority is no number."""
    numbers = pd.to_numeric(pri, errors="coerce")
    return (numbers % 8).map(SYSLOG_LEVELS).astype(object).where(numbers.notna(), None)


def _status_levels(status: pd.Series) -> pd.Series:
    """Level names (n,) of HTTP statuses (n,) by their class (503 is ERROR); None where a status is none."""
    return status.map(lambda value: HTTP_LEVELS.get(http_status_class(value))).astype(object)


# Level marks: Redis' lone symbols (. debug, - verbose, * notice, # warning) and Xorg's in parentheses ((II)
# informational, (WW) warning, (EE) error, (!!) notice; (--), (**), (==), (++) say where a setting came from).
MARK_LEVELS = {".": "DEBUG", "-": "DEBUG", "*": "NOTICE", "#": "WARNING", "II": "INFO", "WW": "WARNING",
               "EE": "ERROR", "!!": "NOTICE", "NI": "INFO", "--": "INFO", "**": "INFO", "==": "INFO", "++": "INFO",
               "??": "INFO"}


def _mark_levels(mark: pd.Series) -> pd.Series:
    """Level names (n,) of level marks (n,) (:data:`MARK_LEVELS`); None for a mark of no known meaning."""
    return mark.map(lambda value: MARK_LEVELS.get(str(value).strip("()"))).astype(object)


def _named_levels(severity: pd.Series) -> pd.Series:
    """Level names (n,) of a field a format names as a level by another name (:data:`_LEVEL_NAMES`): a syslog
    severity 0-7 as its name (a network device's "4" is WARNING), a word as it is; None where a value is none."""
    return severity.map(partial(level_name, key="severity"), na_action="ignore").astype(object).where(
        severity.notna(), None)


# Other names a format gives its level field, as JSON lines name their level key (Huawei's and Cisco's severity
# digit, NetApp's "info"): read where no <Level> is named.
_LEVEL_NAMES = ("severity", "levelname", "lvl")
# Columns a level is read from where a format has none, in this order: a field named as a level before one that
# holds the severity within other information.
_LEVEL_SOURCES = {**dict.fromkeys(_LEVEL_NAMES, _named_levels), "pri": _pri_levels, "status": _status_levels,
                  "mark": _mark_levels}


def _level_source(columns: Sequence[str]) -> str | None:
    """The column of ``columns`` the level is read from (:data:`_LEVEL_SOURCES`' first), where none is the level."""
    # By the sources' order, not the columns': a field named severity is the level before a priority that opened
    # the line ("<189>... %%01IFNET/4/...").
    return None if "level" in columns else next((c for c in _LEVEL_SOURCES if c in columns), None)


_LEVEL_WORD = re.compile(LEVELS_RE)


def _is_level_word(text: str) -> bool:
    """Whether ``text`` is a level word and nothing else (``Error``, ``WARN``)."""
    return _LEVEL_WORD.fullmatch(text) is not None


def _read_component_levels(frame: pd.DataFrame) -> None:
    """Read a component that is a level word alone as the line's level where it has none: a console's
    "Error: Apply failed" under a ``<Component>: <Content>`` layout is an error, not a program named Error."""
    if "component" not in frame or "level" not in frame:
        return
    missing = frame["level"].isna().to_numpy()
    if not missing.any():  # the common case, a level on every line: no text to look at
        return
    components = frame["component"][missing]
    worded = components.index[components.str.fullmatch(LEVELS_RE).fillna(False).astype(bool).to_numpy()]
    if len(worded):
        frame.loc[worded, "level"] = components[worded]
        frame.loc[worded, "component"] = None


def read_secondary_levels(frame: pd.DataFrame) -> None:
    """Give a line labelled as a further line of a message (:data:`SECONDARY_LEVELS`) the level of the line with a
    level above it, where both have the same time: a deadlock's ``DETAIL:`` is as much an error as its ``ERROR:``."""
    if "level" not in frame:
        return
    secondary = frame["level"].isin(SECONDARY_LEVELS).to_numpy()  # by hashing: np.isin compares objects pairwise
    if not secondary.any():
        return
    levels = frame["level"].to_numpy(dtype=object, copy=True)
    rows = np.arange(len(levels))
    above = np.maximum.accumulate(np.where(pd.notna(levels) & ~secondary, rows, -1))
    rows = rows[secondary & (above >= 0)]
    heads = above[rows]
    if "timestamp" in frame:
        # The message's lines are written at once, with one time: a label under an older line explains another one.
        times = frame["timestamp"].to_numpy()
        same = times[rows] == times[heads]
        rows, heads = rows[same], heads[same]
    levels[rows] = levels[heads]
    frame["level"] = pd.Series(levels, index=frame.index, dtype=object)


# A network device's message code, %FACILITY-SEVERITY-MNEMONIC (Cisco's %LINK-3-UPDOWN, %ASA-6-302013) or
# %%<version>MODULE/SEVERITY/MNEMONIC (Huawei's and H3C's %%01IFNET/4/IF_STATE, with the log's type "(l)" and a
# sequence number "[501]" on some): its digit is a syslog severity. It opens the message, after at most the device's
# own clock ("*Mar 11 09:14:02.331: "), or is the component; one further on is the message's text.
_MESSAGE_CODE = re.compile(r"^(?:[^%\s][^%]{0,40}: )?(%[A-Z][A-Z0-9_]*(?:-[A-Z0-9_]+)*?-([0-7])-[A-Z0-9_]+"
                           r"|%%\d\d[A-Z][A-Z0-9_]*/([0-7])/\w+(?:\([a-z]\))?(?:\[\d+\])?)(?=:|$)")


def _code_severity(codes: pd.DataFrame) -> pd.Series:
    """The severity digits (n,) of :data:`_MESSAGE_CODE`'s groups (n, 3), in either form; NA where none."""
    return codes[1].fillna(codes[2])


def _read_message_codes(frame: pd.DataFrame) -> None:
    """Read a message code (:data:`_MESSAGE_CODE`) as the line's level where it has none, whatever its component
    (Arista's agent, ``Acl: %ACL-6-IPACCESS: ...``), and as its component where the header's is none or a number (a
    sequence number before the message, ``1234: %LINK-3-UPDOWN: ...``), that number then opening the message, which
    keeps its text whole."""
    if "level" not in frame or "component" not in frame or not frame["level"].isna().any():
        return
    # Only lines with a "%" in their component or message are read further: a regex over every line's text cost
    # a second per 200,000 lines.
    coded = (frame["component"].astype(object).str.contains("%", regex=False).fillna(False).astype(bool)
             | frame["content"].astype(object).str.contains("%", regex=False).fillna(False).astype(bool))
    missing = frame["level"].isna() & coded
    if not missing.any():
        return
    components = frame["component"].where(missing).astype("string")
    own = components.str.fullmatch(_MESSAGE_CODE.pattern)  # a code that is the component (a firewall's)
    numbered = missing & (components.isna() | components.str.fullmatch(r"\d+")).fillna(False).astype(bool)
    opening = frame["content"].where(missing).astype("string").str.extract(_MESSAGE_CODE)
    moved = opening[0].notna().to_numpy() & numbered.to_numpy()
    owned = own.fillna(False).astype(bool)
    severity = _code_severity(components.str.extract(_MESSAGE_CODE)).where(owned, _code_severity(opening))
    found = severity.notna().to_numpy()
    frame.loc[found, "level"] = severity[found].astype(int).map(SYSLOG_LEVELS).to_numpy(dtype=object)
    numbers = moved & components.notna().to_numpy()
    # The sequence number a header read as its component stays in the line's text, before the message.
    frame.loc[numbers, "content"] = (components[numbers] + ": " + frame["content"][numbers].astype("string")) \
        .to_numpy(dtype=object)
    frame.loc[moved, "component"] = opening[0][moved].to_numpy(dtype=object)


def _pair_value(text: str) -> str:
    """A value as a key=value pair writes it: quoted where it holds a space (as logfmt quotes one), so that a value
    of two words ("United States") stays one value beside one of one word."""
    return '"' + text.replace('"', '\\"') + '"' if any(c.isspace() for c in text) else text


def _scalar_text(value) -> str:
    """Text of a JSON value; lists become their items joined by spaces, objects their ``key=value`` pairs.

    Walked with a stack of what is left to write, not by recursion: json reads values nested deeper than
    Python recurses.
    """
    if isinstance(value, str):
        return value
    out: list[str] = []
    stack = [value]  # values and the text between them, the next one last; text stands for itself
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, list):
            stack += [part for v in reversed(item) for part in (v, " ")][:-1]
        elif isinstance(item, dict):
            stack += [part for k, v in reversed(item.items()) for part in (v, f"{k}=", " ")][:-1]
        else:
            out.append(json.dumps(item))
    return "".join(out)


def parse_timestamps(columns: Sequence[Sequence[str | None]], time_format: str | None = None,
                     guess: str | None = None) -> pd.Series:
    """Combine time fields (each of n strings) into a naive datetime Series of n values (NaT where unparsable).

    Times with a UTC offset are converted to UTC; a layout without a year
    gets year 2000 (a leap year, so that 29 February parses). Without
    ``time_format``, times are read as ``guess`` (:func:`_time_guess`) has it,
    else as guessed on their first values.
    """
    joined = _joined(columns)
    if time_format is None and guess is not None and not joined.empty:
        return _read_guessed(joined, guess)
    if joined.empty:
        return pd.Series(pd.to_datetime(joined), dtype="datetime64[ns]")
    if time_format == "epoch":
        return _epoch(pd.to_numeric(joined, errors="coerce"))
    if time_format == "tai64n":
        return _tai64n(joined)
    first = next((v for v in joined if isinstance(v, str)), "")
    if time_format is None and _TIME_ONLY.match(first):
        time_format = "%H:%M:%S"
    if time_format == "%H:%M:%S":
        # pandas' ISO parser is several times faster than its strptime path.
        # A clock a width pads (" 9:05:01", strftime's %k) where the first value was not reads bare.
        return _with_bare(joined, lambda values: _to_naive("1900-01-01 " + values, "ISO8601"))
    if time_format == "ISO8601":
        # ISO 8601 allows a decimal comma (log4j writes one); pandas reads only the point.
        joined = joined.str.replace(",", ".", regex=False)
    if time_format is not None:
        if "%d" in time_format and "%y" not in time_format.lower():
            return _to_naive("2000 " + joined, "%Y " + time_format)
        return _to_naive(joined, time_format)
    return _infer_datetimes(joined)


def _joined(columns: Sequence[Sequence[str | None]]) -> pd.Series:
    """Time fields (each of n strings) joined by spaces (n,), None where one is missing."""
    if len(columns) == 1:
        return pd.Series(columns[0], dtype=object)
    return pd.Series([" ".join(parts) if all(parts) else None for parts in zip(*columns)], dtype=object)


def with_file_times(fmt: LogFormat, sample: Sequence[str]) -> LogFormat:
    """``fmt`` with its :attr:`~LogFormat.time_guess` made on a file's detection ``sample``, where its times have no
    layout of their own (``time_format`` None): a chunk or byte range that opened with lines whose fields are not
    times (or with dates that read either way, 03/04/2024) guessed otherwise than the file's first lines. A zone
    field after the times that holds zones on the ``sample`` is read with them (:func:`_with_written_zone`) where
    the times and it read together."""
    if fmt.time_format is not None or fmt.time_guess is not None or fmt.layouts or not fmt._time_fields:
        return fmt
    zoned = _with_written_zone(fmt, sample)
    if zoned is not fmt and (guess := _file_guess(zoned, sample)) is not None:
        return replace(zoned, time_guess=guess)
    guess = _file_guess(fmt, sample)
    return fmt if guess is None else replace(fmt, time_guess=guess)


def _file_guess(fmt: LogFormat, sample: Sequence[str]) -> str | None:
    """How ``fmt``'s times read on a file's ``sample`` (:func:`_time_guess`), None where they read no way."""
    joined = sample_times(fmt, sample)
    # As parse_timestamps reads a clock alone: by the first value.
    return "%H:%M:%S" if len(joined) and _TIME_ONLY.match(joined.iloc[0]) else _time_guess(joined)


def _with_written_zone(fmt: LogFormat, sample: Sequence[str]) -> LogFormat:
    """``fmt`` reading the zone field right after its time fields with them where each of the ``sample``'s values of
    it reads as a zone (an offset, ``Z``, a name of :data:`ZONE_OFFSETS`), as a layout inferred on the file reads
    it, so that both readings of one file give the same times; else ``fmt``: a <Zone> may hold no zone of the
    clock (a cloud region, "eu-west-1"), and one its format names (time_fields) keeps its own reading. Its time
    fields must be time fields by name (:data:`TIME_FIELDS`): named time fields would read off a column it keeps
    (<NsTime>, :meth:`LogFormat._read_off`)."""
    fields = None if fmt.time_fields is not None else _zone_after(fmt)
    if fields is None or not all(f in TIME_FIELDS for f in fields[:-1]):
        return fmt
    zones = sample_times(replace(fmt, time_fields=fields[-1:]), sample)
    if zones.empty or not all(isinstance(v, str) and _ZONE_TEXT.fullmatch(v) for v in zones):
        return fmt
    return replace(fmt, time_fields=fields)


def with_time_format(fmt: LogFormat, time_format: str) -> LogFormat:
    """``fmt`` (and each of its :attr:`~LogFormat.layouts`) reading its times with ``time_format``, as a user gives
    ``--time-format``; a format string's zone field right after its time fields is read with them where
    ``time_format`` reads a zone (``%z``, ``%Z``): by default a <Zone> is no part of the time."""
    layouts = tuple(with_time_format(layout, time_format) for layout in fmt.layouts)
    return replace(fmt, time_format=time_format, time_guess=None, layouts=layouts,
                   time_fields=fmt.time_fields or _with_zone(fmt, time_format))


def _with_zone(fmt: LogFormat, time_format: str) -> tuple[str, ...] | None:
    """``fmt``'s time fields and the zone field that follows them where ``time_format`` reads a zone, else None."""
    return _zone_after(fmt) if re.search("%[zZ]", time_format) else None


def _zone_after(fmt: LogFormat) -> tuple[str, ...] | None:
    """``fmt``'s time fields and the zone field that follows them (<Time> <Zone>), else None."""
    times = fmt._time_fields
    after = fmt.fields.index(times[-1]) + 1 if times and fmt.json_key is None else len(fmt.fields)
    if after == len(fmt.fields) or fmt.fields[after].lower() not in _ZONE_FIELDS:
        return None
    return (*times, fmt.fields[after])


def sample_times(fmt: LogFormat, sample: Sequence[str]) -> pd.Series:
    """The time fields, joined, of the ``sample``'s lines that ``fmt`` (with time fields, one layout) matches, as
    written (m,)."""
    rows = fmt._parse_structured(sample) if fmt.json_key is not None else fmt._parse_regex(sample)
    rows = [row for row in rows if row is not None]
    table = np.array(rows, dtype=object).reshape(len(rows), len(fmt.fields))
    return _joined(fmt._time_values([table[:, fmt.fields.index(f)] for f in fmt._time_fields])).dropna()


def untold_day_month(fmt: LogFormat, sample: Sequence[str]) -> tuple[str, str] | None:
    """Where ``fmt`` took its year-last dates' day and month order from a file's ``sample`` (an inferred layout or
    keys, or times guessed on the file) and no date of it tells the order: the first time, as written, and the time
    format that reads the other order (:func:`layout.other_day_month`); else None."""
    from .layout import STRUCTURED_NAMES, other_day_month  # the layout module builds on this one

    # Inference alone makes an inferred layout or keys (named so) with a time format read off the file; a preset's,
    # and any other a user built, knows its writer's order.
    found = is_inferred(fmt.name) or fmt.name.partition("+")[0] in STRUCTURED_NAMES
    assumed = fmt.time_format if fmt.time_format and found else fmt.time_guess
    if assumed is None or fmt.layouts or fmt.writers or not fmt._time_fields:
        return None
    values = sample_times(fmt, sample).astype(str).tolist()
    other = other_day_month(values, assumed) if values else None
    return None if other is None else (values[0], other)


def _glued(times: pd.Series, columns: Sequence[Sequence[str | None]], joins: Sequence[str]) -> pd.Series:
    """Times (n,) with those that missed read again from their time fields (columns of n) joined by the texts
    ``joins`` between them; only the rows that missed, as a file's other lines read already."""
    where = times.isna().to_numpy()
    rows = zip(*(np.asarray(c, dtype=object)[where] for c in columns))
    joined = [parts[0] + "".join(j + p for j, p in zip(joins, parts[1:])) if all(parts) else None for parts in rows]
    return _filled(times, where, parse_timestamps([joined])) if any(joined) else times


def _after_bracket(values: np.ndarray, bracket: str) -> np.ndarray:
    """A time's first field (n,) with each value that holds ``bracket`` cut after its last one: a bracketed word
    between the bracket before it and the time's own (Akka's "[WARN] [akkaUnreachable][02/20/2024 09:18:37.287]")
    starts the lazy field at the first bracket, the word inside it. Every value, not those a first reading missed:
    where such lines were most of a chunk, that reading found no layout and missed the chunk's other lines too."""
    where = np.fromiter((isinstance(v, str) and bracket in v for v in values), dtype=bool, count=len(values))
    if not where.any():
        return values
    cut = np.array(values, dtype=object)
    cut[where] = [v.rsplit(bracket, 1)[-1] for v in cut[where]]
    return cut


def _representable(times: pd.Series) -> pd.Series:
    """Times (n,) with NaT where a nanosecond clock cannot hold them (before 1677-09-21 or after 2262-04-11):
    trends, incidents and reports count in nanoseconds, and Go's zero time (0001-01-01) is no time. The reader
    counts such lines as matching without a readable time."""
    if times.dtype == "datetime64[ns]":
        return times
    if isinstance(times.dtype, np.dtype) and times.dtype.kind == "M":
        # Compared in the times' own unit with the bounds' nearest values in it, where pandas compares each time
        # to the nanosecond bounds (7 ms per 200,000 times); NaT is outside neither way.
        unit = np.datetime_data(times.dtype)[0]
        values = times.to_numpy()
        outside = (values < pd.Timestamp.min.ceil(unit).as_unit(unit).asm8) | \
            (values > pd.Timestamp.max.floor(unit).as_unit(unit).asm8)
    else:
        outside = ((times < pd.Timestamp.min) | (times > pd.Timestamp.max)).to_numpy()
    return times.mask(outside) if outside.any() else times


# Unix times in seconds have ten digits from 2001-09-09 on: fewer count from another start (dmesg's, Xorg's).
EPOCH_START = pd.Timestamp(10**9, unit="s")


def _epoch(numbers: pd.Series) -> pd.Series:
    """Unix times in seconds, or in milli-, micro- or nanoseconds told apart by their size, as datetimes."""
    values = numbers.to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        scale = np.select([values > 1e17, values > 1e14, values > 1e11], [1e9, 1e6, 1e3], 1.0)
        seconds = values / scale
        # A Unix time counts from midnight UTC; seconds since a boot carry no zone.
        ZONED.count += int(bool((seconds >= EPOCH_START.timestamp()).any()))
    # A float holds a Unix time to about a quarter of a microsecond: 1796119200.076 is .076, not .075999975.
    return pd.to_datetime(pd.Series(seconds, index=numbers.index), unit="s", errors="coerce").dt.round("us")


_TAI64N = re.compile(r"@(4[0-9a-f]{15})([0-9a-f]{8})")
# A TAI64 label counts seconds from 2**62, and daemontools' clock is UTC plus 10 s (TAI as of 1972, no leap
# seconds after): tai64nlocal's reading less the leap seconds since, as multilog, s6-log and svlogd write it.
_TAI64_EPOCH = 2**62 + 10


def _tai64n(labels: pd.Series) -> pd.Series:
    """TAI64N labels (``@4000000065d8a3c21b3e5f70``) as UTC datetimes (n,), NaT where a value is no label."""
    ZONED.count += int(bool(len(labels)))
    nanos = [(int(m.group(1), 16) - _TAI64_EPOCH) * 10**9 + int(m.group(2), 16)
             if isinstance(v, str) and (m := _TAI64N.fullmatch(v)) else None for v in labels]
    return pd.to_datetime(pd.Series(nanos, index=labels.index, dtype="Int64"), unit="ns", errors="coerce")


_TIME_ONLY = re.compile(r"^\d{1,2}:\d\d:\d\d(?:[.,]\d+)?$")

# Zone abbreviations a log may write after its time, with their UTC offsets; None for those that name
# several zones (CST: US Central or China; IST: India, Ireland or Israel), whose times are read as written.
ZONE_OFFSETS: dict[str, str | None] = {
    "UTC": "+0000", "GMT": "+0000", "WET": "+0000", "WEST": "+0100", "CET": "+0100", "CEST": "+0200",
    "EET": "+0200", "EEST": "+0300", "MSK": "+0300", "JST": "+0900", "KST": "+0900", "HKT": "+0800",
    "SGT": "+0800", "AWST": "+0800", "ACST": "+0930", "ACDT": "+1030", "AEST": "+1000", "AEDT": "+1100",
    "NZST": "+1200", "NZDT": "+1300", "HST": "-1000", "AKST": "-0900", "AKDT": "-0800", "PST": "-0800",
    "PDT": "-0700", "MST": "-0700", "MDT": "-0600", "CDT": "-0500", "EST": "-0500", "EDT": "-0400",
    "NST": "-0330", "NDT": "-0230", "CST": None, "IST": None, "BST": None, "AST": None, "ADT": None}
ZONE_NAMES = "|".join(sorted(ZONE_OFFSETS, key=len, reverse=True))  # a regex alternation, longest name first
ZONE_RE = r"(?:Z|[+-]\d\d:?\d\d|" + ZONE_NAMES + ")"  # a zone a time writes: Z, an offset, or a name above
_ZONE_WORD = re.compile(r"(?<![A-Za-z])(" + ZONE_NAMES + r")(?![A-Za-z])")
_ZONE_TEXT = re.compile(r"[+-]\d\d|" + ZONE_RE)  # a zone field's value that is a zone, an offset of hours too


def _zone_offsets(values: pd.Series) -> pd.Series:
    """Times (n,) with each zone abbreviation written as its UTC offset (:data:`ZONE_OFFSETS`); one that names
    several zones as +0000, so that its time is kept as written, the wall clock the log was written by."""
    return values.str.replace(_ZONE_WORD, lambda m: ZONE_OFFSETS[m.group(1)] or "+0000", regex=True)


class _ZoneCounter(threading.local):
    count = 0  # parses of this thread that read times off a zone (an offset, a zone name, a Unix time)


ZONED = _ZoneCounter()


class _ParseMemo(threading.local):
    # (format, lines, frame, matched, zoned parses) of this thread's parse_memo block
    entries: list[tuple[LogFormat, tuple[str, ...], pd.DataFrame, np.ndarray, int]] | None = None


_MEMO = _ParseMemo()


@contextmanager
def parse_memo() -> Iterator[None]:
    """Within the block, :meth:`LogFormat.parse` of lines it parsed before with an equal format gives a copy of
    that parse: detecting a file's layout, its multi-line rules and its first fields parse one sample with one
    layout several times, and parsing it (its times) is most of their cost. Use it over a few samples only: it
    keeps every parse of the block."""
    outer = _MEMO.entries
    _MEMO.entries = [] if outer is None else outer
    try:
        yield
    finally:
        _MEMO.entries = outer
# A time's zone as ISO 8601 writes it after the time: "Z" or an offset (+01:00, -0500, +01); a date's day ("-11"
# of 2024-03-11) is none.
_ISO_ZONE = re.compile(r"\d:\d\d(?:[.,]\d+)?\s*(?:Z|[+-]\d\d(?::?\d\d)?)\s*$")
ZONE_PROBES = 64  # values spread over a parse that are looked at for a zone (all of them cost more than the parse)


def _count_zoned(values: pd.Series, fmt: str) -> None:
    """Count a parse whose times carry a zone (its format reads one, or one of :data:`ZONE_PROBES` values spread
    over it ends in one: a log may take an offset midway), so the reader can say that the times it gives are UTC:
    a zone is converted, and the naive result no longer shows it."""
    probes = values.iloc[np.linspace(0, len(values) - 1, min(len(values), ZONE_PROBES)).astype(int)]
    if "%z" in fmt or (fmt in ("ISO8601", "mixed") and any(isinstance(v, str) and _ISO_ZONE.search(v)
                                                            for v in probes)):
        ZONED.count += 1


def _to_naive(values: pd.Series, fmt: str) -> pd.Series:
    """Parse with ``fmt``; offsets (even mixed ones, as across a DST change) become naive UTC. Seconds may carry
    a fraction that ``fmt`` lacks (Apache 2.4 writes microseconds where 2.2 wrote none). A zone abbreviation
    (``%Z``: ``PST``, ``CEST``) is read as its offset: pandas reads only UTC and GMT."""
    if "%Z" in fmt:
        values, fmt = _zone_offsets(values), fmt.replace("%Z", "%z")
    _count_zoned(values, fmt)
    parsed = pd.to_datetime(values, format=fmt, errors="coerce", utc=True)
    if "%S" in fmt and "%f" not in fmt:
        missed = parsed.isna() & values.notna()
        if missed.any():
            retry = pd.to_datetime(values[missed], format=fmt.replace("%S", "%S.%f"), errors="coerce", utc=True)
            parsed = _filled(parsed, missed.to_numpy(), retry)
    if "%j" in fmt:
        parsed = _no_rolled_days(parsed, values, fmt)
    return parsed.dt.tz_convert(None)


def _no_rolled_days(parsed: pd.Series, values: pd.Series, fmt: str) -> pd.Series:
    """Times (n,) read with a day of the year (``%j``), NaT where the day rolled into the next year: day 366 of a
    year that has 365 (``23366``) is no date, yet it reads as 1 January of the year after."""
    first = (parsed.dt.dayofyear == 1).to_numpy()
    if not first.any():
        return parsed
    # The value's date as the year before's day 366 writes it: a value that begins so rolled over.
    day_366 = (parsed[first] - pd.Timedelta(days=1)).dt.strftime(fmt[:fmt.index("%j")] + "366")
    rolled = np.zeros(len(parsed), dtype=bool)
    rolled[first] = [str(v).lstrip().startswith(d) for v, d in zip(values[first], day_366)]
    return parsed.mask(pd.Series(rolled, index=parsed.index))


_UNITS = ("s", "ms", "us", "ns")


def _other_layouts(times: pd.Series, values: pd.Series) -> pd.Series:
    """Times (n,) read by a structured file's own layout, with the values (n,) it leaves unread read as their
    own layout guesses them (epoch numbers, another form further into the file): once for the file, then the
    rest, so every chunk and every Dask byte range reads a value alike."""
    missed = (times.isna() & values.notna()).to_numpy()
    if not missed.any():
        return times
    rest = values[missed]
    numbers = pd.to_numeric(rest, errors="coerce")
    read = _epoch(numbers) if numbers.notna().all() else _infer_datetimes(rest.astype(str))
    return _filled(times, missed, read) if read.notna().any() else times


def _filled(times: pd.Series, where: np.ndarray, values: pd.Series) -> pd.Series:
    """``times`` (n,) with ``values`` (m,) at the m rows where ``where`` (n,) is true, in the finer of their
    units; ``times`` as it is where that unit cannot hold one of them (a year 9999 in nanoseconds)."""
    finest = max(times.dt.unit, values.dt.unit, key=_UNITS.index)
    for unit in dict.fromkeys((finest, "us")):  # microseconds hold any year a log writes
        try:
            out = times.dt.as_unit(unit)
            out[where] = values.dt.floor(unit).dt.as_unit(unit).array
            return out
        except (pd.errors.OutOfBoundsDatetime, OverflowError, ValueError):
            continue
    return times


_SECONDS_WITH_UNIT = re.compile(r"\d+\.\d+s")
# The zone's bias in minutes that CMTrace writes after its clock ("07:12:04.311-60"): a signed count of one to three
# digits, not two of at most 14 (a zone's hours, as ISO 8601's "-05"), nor four (an offset, "+0100").
_CLOCK_BIAS = re.compile(r"(\d:\d\d(?:[.,]\d+)?)[+-](?:\d{3}|1[5-9]|[2-9]\d|\d)(?=\s|$)")


def _bare_time(value: object) -> object:
    """A time's text without the padding a width puts around it ("[     4.124]" in ``\\[<Time>\\]``), the unit
    after seconds since a start ("0.002200s", an uptime timer's) nor a bias after its clock (:data:`_CLOCK_BIAS`,
    the local time kept as written, as the ``cmtrace`` preset keeps it): none is part of the time."""
    if not isinstance(value, str):
        return value
    value = _CLOCK_BIAS.sub(r"\1", value.strip())
    return value[:-1] if _SECONDS_WITH_UNIT.fullmatch(value) else value


def _with_bare(joined: pd.Series, read: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``read(joined)`` (n,) with the values it missed read again bare (:func:`_bare_time`): which values a width
    pads or a unit ends may change within a file, and so from one chunk or byte range to the next."""
    times = read(joined)
    missed = times.isna().to_numpy()
    if missed.any():  # the values' own NA test (an object's each) only where a time is missing
        missed = missed & joined.notna().to_numpy()
    return _filled(times, missed, read(joined[missed].map(_bare_time))) if missed.any() else times


def _infer_datetimes(joined: pd.Series) -> pd.Series:
    """Parse strings of unknown layout as layout inference reads them (epoch, syslog without a year, ...), else as
    ISO 8601 or any form pandas knows; NaT when fewer than half of a sample parse."""
    guess = _time_guess(joined.dropna().head(200))
    return pd.Series(pd.NaT, index=joined.index, dtype="datetime64[ns]") if guess is None else \
        _read_guessed(joined, guess)


_TAI64N_TEXT = "@tai64n"  # a guess: TAI64N labels whose "@" the format writes as text ("@<Tai64n>")
_PANDAS = "pandas "  # a guess: pandas' own reading, "ISO8601" or "mixed", without a comma read as a decimal point


def _time_guess(sample: pd.Series) -> str | None:
    """How :func:`_read_guessed` reads times like the ``sample`` (their first values): a layout that inference
    reads most of them by, else ISO 8601 or any form pandas knows; None when fewer than half of them parse."""
    from .layout import time_format_of  # the layout module builds on this one

    # The layout is guessed on bare values and every value it misses is read again bare, so a part of a file
    # whose first values carry no padding nor unit reads those of its later lines as any other part does.
    sample = sample.map(_bare_time)
    if sample.empty:
        return None
    inferred = time_format_of(sample.astype(str).tolist())
    if inferred is None and time_format_of(("@" + sample.astype(str)).tolist()) == "tai64n":
        return _TAI64N_TEXT
    if inferred is not None and parse_timestamps([sample], inferred).notna().mean() >= 0.5:
        return inferred
    for fmt in ("ISO8601", "mixed"):
        try:
            if _to_naive(sample, fmt).notna().mean() >= 0.5:
                return _PANDAS + fmt
        except (ValueError, TypeError):
            continue
    return None


def _read_guessed(joined: pd.Series, guess: str) -> pd.Series:
    """Times (n,) read as :func:`_time_guess` guessed them, the values that miss read again bare."""
    if guess == _TAI64N_TEXT:
        return _with_bare(joined, lambda values: _tai64n("@" + values))
    if guess.startswith(_PANDAS):
        return _with_bare(joined, partial(_to_naive, fmt=guess[len(_PANDAS):]))
    return _with_bare(joined, lambda values: parse_timestamps([values], guess))


_TIME = r"\d{1,2}:\d\d:\d\d"
_MON = r"[A-Z][a-z]{2}"
_QUOTED = r'(?:[^"\\]|\\.)*'  # the text between double quotes, escaped characters included
# The fields of Tornado's bracket other than its date.
_TORNADO = {"Level": r"[DIWEC]", "Time": r"\d\d:\d\d:\d\d(?:\.\d+)?", "Component": r"[^\]\s][^\]]*"}

PRESETS: dict[str, LogFormat] = {
    f.name: f
    for f in [
        LogFormat(r"<Time>  <Seq> <Component> <Content>", "atm",
                  {"Time": _TIME, "Seq": r"\d{4}", "Component": r"[A-Z][A-Z0-9_]*"}, "%H:%M:%S"),
        LogFormat(r"<Date> <Time> <Pid> <Level> <Component>: <Content>", "hdfs",
                  {"Date": r"\d{6}", "Time": r"\d{6}", "Pid": r"\d+", "Level": r"[A-Z]+", "Component": r"\S+"},
                  "%y%m%d %H%M%S"),
        LogFormat(r"<Date> <Time> <Level> \[<Process>\] <Component>: <Content>", "hadoop",
                  {"Date": r"\d{4}-\d\d-\d\d", "Time": r"[\d:,.]+", "Level": r"[A-Z]+", "Component": r"\S+"},
                  "%Y-%m-%d %H:%M:%S,%f"),
        LogFormat(r"<Date> <Time> <Level> <Component>: <Content>", "spark",
                  {"Date": r"\d\d/\d\d/\d\d", "Time": _TIME, "Level": r"[A-Z]+", "Component": r"\S+"},
                  "%y/%m/%d %H:%M:%S"),
        LogFormat(r"<Date> <Time> - <Level>  \[<Node>:<Component>@<Id>\] - <Content>", "zookeeper",
                  {"Date": r"\d{4}-\d\d-\d\d", "Time": r"[\d:,.]+", "Level": r"[A-Z]+"},
                  "%Y-%m-%d %H:%M:%S,%f"),
        LogFormat(r"<Label> <Timestamp> <Date> <Node> <Time> <NodeRepeat> <Type> <Component> <Level> <Content>",
                  "bgl", {"Label": r"\S+", "Timestamp": r"\d+", "Date": r"\d{4}\.\d\d\.\d\d", "Node": r"\S+",
                          "Time": r"\d{4}-\d\d-\d\d-\d\d\.\d\d\.\d\d\.\d+", "NodeRepeat": r"\S+",
                          "Type": r"\S+", "Component": r"\S+", "Level": r"\S+"},
                  "epoch", time_fields=("Timestamp",)),
        # Apache 2.4 adds [pid N:tid M] after the [module:level]; 2.2 (Loghub's) has neither.
        LogFormat(r"\[<Time>\] \[<Level>\] (\[pid <Pid>(:tid <Thread>)?\] )?<Content>", "apache",
                  {"Time": r"[A-Z][a-z]{2} [A-Z][a-z]{2} +\d{1,2} [\d:.]+ \d{4}", "Level": r"[\w:]+",
                   "Pid": r"\d+", "Thread": r"\d+"},
                  "%a %b %d %H:%M:%S %Y"),
        LogFormat(r"<Date> <Day> <Time> <Component> sshd\[<Pid>\]: <Content>", "openssh",
                  {"Date": _MON, "Day": r"\d{1,2}", "Time": _TIME, "Component": r"\S+"}, "%b %d %H:%M:%S"),
        LogFormat(r"<Month> <Date> <Time> <Host> <Component>(\[<Pid>\])?: <Content>", "syslog",
                  {"Month": _MON, "Date": r"\d{1,2}", "Time": _TIME, "Host": r"\S+", "Component": r"[^\s:\[]+"},
                  "%b %d %H:%M:%S"),
        # RFC 3164 as a relay or a socket reader keeps it: the priority before the time (<34>Oct 11 22:14:15 ...).
        LogFormat(r"<<Pri>><Month> <Date> <Time> <Host> <Component>(\[<Pid>\])?: <Content>", "syslog3164",
                  {"Pri": r"\d{1,3}", "Month": _MON, "Date": r"\d{1,2}", "Time": _TIME, "Host": r"\S+",
                   "Component": r"[^\s:\[]+"}, "%b %d %H:%M:%S"),
        LogFormat(r"<Month> <Date> <Time> <Level> <Component>(\[<PID>\])?: <Content>", "linux",
                  {"Month": _MON, "Date": r"\d{1,2}", "Time": _TIME, "Level": r"\S+", "Component": r"[^\s:\[]+"},
                  "%b %d %H:%M:%S"),
        LogFormat(r"<<Pri>><Version> <Timestamp> <Host> <Component> <Pid> <MsgId> <Data> <Content>", "syslog5424",
                  {"Pri": r"\d{1,3}", "Version": r"\d", "Timestamp": r"\S+", "Host": r"\S+", "Component": r"\S+",
                   "Pid": r"\S+", "MsgId": r"\S+", "Data": r"-|\[.*?\]"}, "ISO8601"),
        # Android logcat -v threadtime: the tag is padded before its colon.
        LogFormat(r"<Date> <Time> <Pid> <Tid> <Level> <Component>\s*: <Content>", "logcat",
                  {"Date": r"\d\d-\d\d", "Time": r"\d\d:\d\d:\d\d\.\d{3}", "Pid": r"\d+", "Tid": r"\d+",
                   "Level": r"[VDIWEFA]", "Component": r"\S.*?"}, "%m-%d %H:%M:%S.%f"),
        # glog and Kubernetes klog: Lmmdd hh:mm:ss.uuuuuu threadid file:line] msg.
        LogFormat(r"<Level><Date> <Time> <Thread> <Component>\] <Content>", "glog",
                  {"Level": r"[IWEF]", "Date": r"\d{4}", "Time": r"\d\d:\d\d:\d\d\.\d{6}", "Thread": r"\d+",
                   "Component": r"[^\]\s]+"}, "%m%d %H:%M:%S.%f"),
        # Tornado's LogFormatter: the level's first letter, the time and the module:line, or logger, in one bracket
        # ("[W 240305 08:59:03 web:2271]"); Jupyter Server and JupyterHub write it with an ISO date and
        # milliseconds ("[I 2024-03-05 08:59:03.433 ServerApp]", "[C ... JupyterHub app:2859]"), the classic
        # Notebook with no date ("[I 08:59:03.433 NotebookApp]").
        LogFormat(r"\[<Level> <Date> <Time> <Component>\] <Content>", "tornado",
                  {**_TORNADO, "Date": r"\d{6}"}, "%y%m%d %H:%M:%S"),
        LogFormat(r"\[<Level> <Date> <Time> <Component>\] <Content>", "jupyter",
                  {**_TORNADO, "Date": r"\d{4}-\d\d-\d\d"}, "ISO8601"),
        LogFormat(r"\[<Level> <Time> <Component>\] <Content>", "notebook", {**_TORNADO}, "%H:%M:%S"),
        # Linux auditd: type=SYSCALL msg=audit(1764583200.243:24287): arch=c000003e ... (Unix time and serial).
        LogFormat(r"type=<Type> msg=audit\(<Timestamp>:<Serial>\): <Content>", "auditd",
                  {"Type": r"\w+", "Timestamp": r"\d+(?:\.\d+)?", "Serial": r"\d+"}, "epoch"),
        # Kubernetes' container logs (the CRI format of /var/log/containers/*.log): time, stream, F(ull) or P(artial).
        LogFormat(r"<Timestamp> <Stream> <Tag> <Content>", "cri",
                  {"Timestamp": r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)",
                   "Stream": r"stdout|stderr", "Tag": r"[FP]"}, "ISO8601"),
        # The Common and Combined Log Formats (Apache httpd's and nginx's access logs), with any fields after them:
        # the quoted request and its status are the message (masking keeps the status' class), the status the level.
        LogFormat(rf'<Client> <Ident> <User> \[<Timestamp> <Zone>\] (?="{_QUOTED}" <Status> )<Content> <Size>'
                  r'( "<Referer>" "<Agent>")?( <Rest>)?', "access",
                  {"Client": r"\S+", "Ident": r"\S+", "User": r"\S+",
                   "Timestamp": r"\d\d/[A-Z][a-z]{2}/\d{4}(?::\d\d){3}",
                   "Zone": r"[+-]\d{4}", "Content": rf'"{_QUOTED}"\s+(?:\d{{3}}|-)', "Status": r"\d{3}|-",
                   "Size": r"\d+|-", "Referer": _QUOTED, "Agent": _QUOTED, "Rest": r".*"},
                  "%d/%b/%Y:%H:%M:%S %z", time_fields=("Timestamp", "Zone")),
        # Ruby's Logger (Rails, Sidekiq): "I, [2026-12-01T10:00:01.639667 #41234]  INFO -- progname: message", the
        # program name often empty.
        LogFormat(r"<Mark>, \[<Timestamp> #<Pid>\] <Level> -- <Component>: <Content>", "ruby",
                  {"Mark": r"[DIWEFAU]", "Timestamp": r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?", "Pid": r"\d+",
                   "Level": r"[A-Z]+", "Component": r"\S*"}, "ISO8601"),
        # PHP's error_log: "[01-Dec-2026 10:00:06 UTC] PHP Warning:  message" (the zone is date.timezone's name).
        # A line that error_log() wrote itself has no "PHP <Level>:".
        LogFormat(r"\[<Date> <Time> <Zone>\] (PHP <Level>: )?<Content>", "php",
                  {"Date": r"\d\d-[A-Z][a-z]{2}-\d{4}", "Time": _TIME, "Zone": r"[^\]\s]+",
                   "Level": r"(?:[A-Z][a-z]+ )*(?:[Ee]rror|Warning|Notice|Deprecated|Standards)"},
                  "%d-%b-%Y %H:%M:%S", time_fields=("Date", "Time")),
        # Squid's native access log: time, elapsed ms, client, then result code/status, bytes, method, URL, user,
        # hierarchy/peer and type, which are the message (the result code tells a denial from a hit); the status
        # is also the level.
        LogFormat(r"<Timestamp> <Elapsed> <Client> (?=<Code>/<Status> )<Content>", "squid",
                  {"Timestamp": r"\d{9,10}\.\d{3}", "Elapsed": r"\d+", "Client": r"\S+", "Code": r"[A-Z_]+",
                   "Status": r"\d{3}"}, "epoch"),
        # nginx's error log: "2026/12/01 10:00:01 [error] 2871#2871: *5371 message" (pid#thread, then the
        # connection number where there is one).
        LogFormat(r"<Date> <Time> \[<Level>\] <Pid>#<Thread>: (\*<Connection> )?<Content>", "nginx_error",
                  {"Date": r"\d{4}/\d\d/\d\d", "Time": _TIME, "Level": r"[a-z]+", "Pid": r"\d+", "Thread": r"\d+",
                   "Connection": r"\d+"}, "%Y/%m/%d %H:%M:%S"),
        # CMTrace, the log of Configuration Manager's and Intune's agents: the message first, then its header as
        # attributes: the clock with the zone's bias in minutes ("07:12:04.311-60", read as written: a column of
        # its own), an MM-DD-YYYY date, the component, type 1-3 (information, warning, error: read as those
        # levels), thread and file (which scripts that write this layout leave out).
        LogFormat(r'<!\[LOG\[<Content>\]LOG\]!><time="<Time><Bias>" date="<Date>" component="<Component>" '
                  r'context="<Context>" type="<Level>" thread="<Thread>"( file="<File>")?>', "cmtrace",
                  {"Time": r"\d\d:\d\d:\d\d\.\d+", "Bias": r"[+-]\d+", "Date": r"\d\d-\d\d-\d{4}",
                   "Component": r'[^"]*', "Context": r'[^"]*', "Level": r"\d", "Thread": r'[^"]*',
                   "File": r'[^"]*'}, "%H:%M:%S.%f %m-%d-%Y", time_fields=("Time", "Date"),
                  level_names={"1": "INFO", "2": "WARNING", "3": "ERROR"}),
        # Python logging's BASIC_FORMAT, "%(levelname)s:%(name)s:%(message)s".
        LogFormat(r"<Level>:<Component>:<Content>", "python",
                  {"Level": r"DEBUG|INFO|WARNING|ERROR|CRITICAL", "Component": r"[^:\s]+"}),
        # A level then a colon ("INFO  :", every level padded to one width) is another layout's: not this one's
        # message, which would open with ": " on every line.
        LogFormat(r"<Timestamp> \[?<Level>\]? (?!\s*:)<Content>", "generic",
                  {"Timestamp": r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?",
                   "Level": LEVELS_RE}, "ISO8601"),
        LogFormat("", "jsonl", json_key="message"),
        LogFormat(r"<Content>", "raw"),
    ]
}


# The header layouts of the Loghub 2k samples, exactly as the Loghub README writes them
# (Zhu et al., ISSRE 2023); the presets above add field patterns for auto-detection.
LOGHUB_FORMATS: dict[str, str] = {
    "HDFS": r"<Date> <Time> <Pid> <Level> <Component>: <Content>",
    "Hadoop": r"<Date> <Time> <Level> \[<Process>\] <Component>: <Content>",
    "Spark": r"<Date> <Time> <Level> <Component>: <Content>",
    "Zookeeper": r"<Date> <Time> - <Level>  \[<Node>:<Component>@<Id>\] - <Content>",
    "BGL": r"<Label> <Timestamp> <Date> <Node> <Time> <NodeRepeat> <Type> <Component> <Level> <Content>",
    "Linux": r"<Month> <Date> <Time> <Level> <Component>(\[<PID>\])?: <Content>",
    "Apache": r"\[<Time>\] \[<Level>\] <Content>",
    "OpenSSH": r"<Date> <Day> <Time> <Component> sshd\[<Pid>\]: <Content>",
}


def is_inferred(name: str) -> bool:
    """Whether a format's name is an inferred layout's (``inferred``, ``inferred+padded``, ...): every one is named
    so, and only its format string tells two apart."""
    return name.partition("+")[0] == "inferred"


def same_layout(a: str, b: str) -> bool:
    """Whether two format strings read one layout: the fields of one (numbers aside) are those of the other, in
    order, but for at most one (an optional field that its lines lacked); the text between them may differ."""
    short, long = sorted(([_NUMBERED.sub("", name) for name in _PLACEHOLDER.findall(s)] for s in (a, b)), key=len)
    rest = iter(long)
    return len(long) - len(short) <= 1 and all(name in rest for name in short)  # ``in`` consumes ``rest``: in order


def get_format(spec: str | LogFormat, json_key: str = "message") -> LogFormat:
    """Resolve a preset name, ``jsonl`` (with ``json_key``) or a format string to a LogFormat."""
    if isinstance(spec, LogFormat):
        return spec
    if spec == "jsonl":
        return LogFormat("", "jsonl", json_key=json_key)
    if spec in PRESETS:
        return PRESETS[spec]
    if spec.endswith("+json") and spec[:-5] in PRESETS:  # as formats --detect names a preset reading JSON messages
        return replace(PRESETS[spec[:-5]], json_messages=True, name=spec)
    if "<" not in spec:
        names = ", ".join(sorted(PRESETS))
        raise FormatError(f"unknown format {spec!r}: give a preset ({names}, auto) or a format string with <Content>")
    return LogFormat(spec)


# Lines that start with a timestamp, as a share of the sample and a count, that can head a file's events when no
# layout fits most of its lines.
_TIMED_SHARE = 0.1
# Lines that open with a quote: a delimited export (every cell quoted) rather than a text header.
_QUOTED_SHARE = 0.5
_MIN_TIMED = 3


# The lines detection looks at, at most: a file's sample of 500 lines and its far blocks (io.read_far_lines).
DETECT_LINES = 700


def detect_format(lines: Sequence[str], min_share: float = 0.5, exclude: Sequence[str] = (),
                  delimited: bool = True) -> LogFormat:
    """The layout of ``lines``: a preset or an inferred format, whichever matches most of them.

    Structured lines (JSON, logfmt) get the inferred keys. Otherwise the preset
    that matches most lines wins, ties going to more parsed timestamps, then more columns; the inferred
    layout (see :mod:`logad_utils.layout`) replaces it when it matches more
    lines, or as many with more columns. When nothing reaches ``min_share``,
    the lines that start with a timestamp (at least a tenth, and 3) choose the
    layout, the others being continuations; then, with ``delimited``, cells
    between delimiters (CSV, TSV, ...: :func:`layout.infer_delimited_format`);
    else ``raw``. ``exclude`` names presets left out (to test inference). The first :data:`DETECT_LINES` lines
    that are not blank are read.
    A layout whose messages are JSON objects reads them as JSON (:func:`_with_json_messages`).
    """
    sample = [line for line in lines if line.strip()][:DETECT_LINES]
    writers = _writers_format(sample, min_share, exclude)
    if writers is not None:
        return writers
    best = _detect(sample, min_share, exclude, delimited)
    if best.name == "raw" and sample and all(line[:1].isspace() for line in sample):
        best = _after_padding(sample, min_share, exclude, delimited)
    if best.name == "raw":
        return _several_layouts(sample, min_share, exclude) or _with_opening_levels(
            _with_table_header(best, sample), sample)
    # Times of no layout of their own (a delimited file's time column) read in every chunk as on the sample.
    best = with_file_times(_with_padding(best, sample), sample)
    parsed = best.parse(sample)  # once for all checks: parsing (its times) is most of their cost
    best = _with_json_messages(best, parsed)
    best = best if best.json_messages else _with_text_messages(best, sample, parsed, min_share, exclude)
    return _with_other_layouts(best, sample, parsed[1], min_share, exclude)


# A file may hold several programs' logs (two logs concatenated, or interleaved). The lines its layout misses are
# looked at for a layout of their own where they are at least this share of the sample and this many: fewer are
# too few to infer a layout from, and a handful of lines that match nothing (a crash's garbage, a stray echo) are
# evidence to keep, not a layout. A layout found must read its time on as many lines, written otherwise.
_OTHER_SHARE = 0.05
_MIN_OTHER = 10
OTHERS = "+others"  # the suffix of a layout read with others (:attr:`LogFormat.layouts`)


def _with_other_layouts(fmt: LogFormat, sample: list[str], matched: np.ndarray, min_share: float,
                        exclude: Sequence[str]) -> LogFormat:
    """``fmt`` reading the lines of ``sample`` it misses (``matched``: those it reads) by their own layouts
    (:attr:`LogFormat.layouts`), found as the file's was, where enough of them have one (:data:`_OTHER_SHARE`)
    that reads their times written otherwise than ``fmt`` writes its own (lines that open with its time are its
    program's, an optional field its layout lacks); named ``<name>+others``; else ``fmt``."""
    # An indented line is the event's above (a child's log under its parent's lines, a stack frame), not another
    # program's: the multi-line rules join it.
    missed = [line for line, ok in zip(sample, matched) if not ok and not line[:1].isspace()]
    least = max(_MIN_OTHER, _OTHER_SHARE * len(sample))
    if fmt.writers or len(missed) < least:
        return fmt
    other = detect_format(missed, min_share, exclude, delimited=False)
    found = other.layouts or (other,)
    frame, read = found[0].parse(missed)
    if "timestamp" not in frame or (read & frame["timestamp"].notna().to_numpy()).sum() < least \
            or _time_opening(found[0]) == _time_opening(fmt):
        return fmt
    return replace(fmt, name=fmt.name + OTHERS, layouts=(fmt, *found))


def _time_opening(fmt: LogFormat) -> tuple[str, str | None] | None:
    """A text format string up to its last time field, the time fields' names made one (``<Day>`` and ``<Date>``
    alike), and the form its time is written in: how its lines open with their time; None for structured lines or
    no time. The form tells programs apart whose times have as many fields ("Mar 14 06:25:19" and PostgreSQL's
    "2024-03-11 06:02:17.412 UTC", Jenkins' "2024-01-16 06:00:11.402+0000" and Tomcat's "15-Jan-2024 09:33:42")."""
    parts = _FIELD_SPLIT.split(fmt.pattern)
    times = [i for i, part in enumerate(parts) if part[1:-1] in fmt._time_fields and part[:1] == "<"]
    if fmt.json_key is not None or not times:
        return None
    return "".join("<Time>" if i in times else part for i, part in enumerate(parts[:times[-1] + 1])), fmt.time_format


def _several_layouts(sample: list[str], min_share: float, exclude: Sequence[str]) -> LogFormat | None:
    """The layouts of lines that no one layout reads the most of (three programs' logs in one file): the one that
    reads the most first (:func:`_with_other_layouts`), where together they read ``min_share`` of the lines with
    their times; else None."""
    first = with_file_times(_detect(sample, _OTHER_SHARE, exclude, delimited=False), sample)
    if first.name == "raw":
        return None
    found = _with_other_layouts(first, sample, first.parse(sample)[1], min_share, exclude)
    if not found.layouts:
        return None
    frame, matched = found.parse(sample)
    return found if (matched & frame["timestamp"].notna().to_numpy()).mean() >= min_share else None


def _with_table_header(fmt: LogFormat, sample: list[str]) -> LogFormat:
    """``fmt`` reading each copy of a text table's header row that opens ``sample`` (:func:`layout.table_header`)
    as no event, as a delimited file's column names (:attr:`LogFormat.preamble`): a table printed again repeats
    it, and names are no event to count, nor a rare one."""
    from .layout import table_header

    header = table_header(sample)
    return fmt if header is None else replace(fmt, preamble=(header,))


# A writer's name and a bar at one column, as docker compose and process managers (overmind, foreman) put each
# program's line after: "web-1     | 2024-03-11 09:14:02,331 INFO ...". On this share of the lines, at one column.
# A name has a letter: a number before a bar is a '|'-delimited record's first column (a date, an id).
_WRITER_NAME = r"(?=[\w.-]*[A-Za-z])[A-Za-z0-9][\w.-]*"
_WRITER_LINE = re.compile(f"({_WRITER_NAME})( *)\\| ?")
_WRITER_SHARE = 0.9
_MAX_WRITERS = 32
_WRITERS_PATTERN = r"<Component>\s*\|\x20?<Content>"  # one space after the bar, the message's own indentation kept
# A writer's name in brackets, as ``kubectl logs --prefix`` ("[pod/web-7d9f8-abcde/app] ...") and kubetail put each
# container's line after: the bracket closes the name, so no column lines the names up. A path's slashes and a
# namespace's colons may part the name.
_BRACKET_WRITER_NAME = r"(?=[\w./:-]*[A-Za-z])[A-Za-z0-9][\w./:-]*"
_BRACKET_WRITER_LINE = re.compile(f"\\[({_BRACKET_WRITER_NAME})\\]() ")
_BRACKET_WRITERS_PATTERN = r"\[<Component>\]\x20<Content>"


def _writers_format(sample: list[str], min_share: float, exclude: Sequence[str]) -> LogFormat | None:
    """The layout of lines that several writers' names open (:data:`_WRITER_LINE`, :data:`_BRACKET_WRITER_LINE`:
    two to :data:`_MAX_WRITERS`, no level word), each writer's messages read by a layout of their own
    (:attr:`LogFormat.writers`), or None."""
    for line_re, pattern, name_re, aligned in ((_WRITER_LINE, _WRITERS_PATTERN, _WRITER_NAME, True),
                                               (_BRACKET_WRITER_LINE, _BRACKET_WRITERS_PATTERN, _BRACKET_WRITER_NAME,
                                                False)):
        found = [(m.group(1), m.end(2), line[m.end():]) for line in sample if (m := line_re.match(line))]
        if found and len(found) >= _WRITER_SHARE * len(sample):
            writers = _writers(found, aligned, min_share, exclude)
            return None if writers is None else LogFormat(pattern, "inferred+writers", {"Component": name_re},
                                                          writers=writers)
    return None


def _writers(found: list[tuple[str, int, str]], aligned: bool, min_share: float,
             exclude: Sequence[str]) -> tuple[tuple[str, LogFormat], ...] | None:
    """Each writer's layout of its messages in ``found`` (name, column of its end, message), or None where the names
    are no writers' (with ``aligned``, they must end at one column)."""
    names = list(dict.fromkeys(name for name, _, _ in found))
    column = Counter(bar for _, bar, _ in found).most_common(1)[0][1]
    # A writer writes lines, two or more on average: names that each open one line are a table's rows.
    if not 2 <= len(names) <= _MAX_WRITERS or (aligned and column < _WRITER_SHARE * len(found)) \
            or len(found) < 2 * len(names) or any(map(_is_level_word, names)):
        return None
    writers = []
    for name in names:
        messages = [message for writer, _, message in found if writer == name and message.strip()]
        inner = detect_format(messages, min_share, exclude, delimited=False) if len(messages) >= _MIN_TIMED else None
        if inner is not None and inner.name != "raw":
            writers.append((name, inner))
    return tuple(writers)


def _detect(sample: list[str], min_share: float, exclude: Sequence[str], delimited: bool,
            padded: bool = False) -> LogFormat:
    """:func:`detect_format` of the non-blank ``sample``, its messages as they are; ``padded``: seconds padded to a
    width open lines of the file, which ``sample`` has stripped (:func:`layout.padded_seconds`)."""
    from .layout import (comment_records, infer_delimited_format, infer_directive_format, infer_named_columns,
                         infer_structured_format, infer_text_format, padded_seconds, starts_with_timestamp)
    from .multiline import header_lines

    if not sample:
        return PRESETS["raw"]
    directive = infer_directive_format(sample)
    if directive is not None:
        return directive
    structured = infer_structured_format(sample)
    if structured is not None and not _preset_over_untimed(structured, sample, exclude):
        return structured
    full = sample
    padded = padded or padded_seconds(full)  # before its padded lines are set aside as indented text
    sample = header_lines(sample) or sample
    candidates = [f for f in PRESETS.values() if f.name != "raw" and f.name not in exclude]
    best, best_key = PRESETS["raw"], (False, round(min_share, 2), 0.0, 0, 0)
    for rank, fmt in enumerate(candidates):
        key = _fit(fmt, sample, -rank, floor=max(min_share, best_key[1]) if best_key[0] else min_share, beat=best_key)
        if key[1] >= min_share and key > best_key:
            best, best_key = fmt, key
    if best_key[1:3] == (1.0, 1.0) and best.name != "generic":
        return best  # a specific preset fits every line: inference cannot do better
    inferred = infer_text_format(sample, padded)
    if inferred is not None:
        # Presets win full ties: they are tested layouts.
        key = _fit(inferred, sample, -len(candidates), beat=best_key)
        if key[1] >= min_share and key > best_key:
            best = inferred
    if delimited and best.name == "inferred" and (_quoted(full) or _comma_cells(best)):
        # Quoted cells on most lines (PowerShell's Export-Csv quotes every one): no text header starts so. Nor
        # does one whose fields commas part: those are cells, which inference reads only the first of.
        cells = infer_delimited_format(full)
        # Unquoted, the message is the last cell and its own commas spill into it: a column after the message is
        # its tail, cut off where every message has as many commas ("processed 3 items, 0 errors").
        if cells is not None and (cells.json_key == cells.names[-1] or _quoted(full)):
            best = cells
    if best.name == "raw":
        # Most lines may continue events (SQL, a goroutine dump): the lines that start with a timestamp are
        # the events' first lines, when there are enough of them to tell a layout.
        # Not records opened by comment fields: their durations and times are the records' values.
        timed = [] if comment_records(full) else [line for line in sample if starts_with_timestamp(line)]
        if len(sample) > len(timed) >= max(_MIN_TIMED, _TIMED_SHARE * len(sample)):
            best = _detect(timed, min_share, exclude, delimited=False, padded=padded)
        # Delimited cells come last: a text layout with commas in it ("10:00:01,123 INFO ...") is no CSV; and so
        # do cells a first line names, which a sentence over lines as many words long would look like.
        cells = (infer_delimited_format(full) or infer_named_columns(full)) if delimited and best.name == "raw" \
            else None
        best = cells if cells is not None else best
    return best


# Lines that open with whitespace, as a share of the sample, that must match the header when it is left out for it
# to be padding (a field padded to its width), not indentation; and the share of them that must match.
_PADDED_SHARE = 0.05
_PADDED_MATCH = 0.8
PADDED = "+padded"  # the suffix of a format read with its header after the padding
# The literal text before a format string's first field, and the field.
FIRST_FIELD = re.compile(r"((?:\\.|[^<\\])*)<([A-Za-z_]\w*)>")


def _with_padding(fmt: LogFormat, sample: list[str]) -> LogFormat:
    """``fmt`` with its header opening after any whitespace (``\\s*``) where the sample's lines that open with some
    are mostly its headers once it is left out: a first field padded to its width (log4j's ``%5p`` writes
    " INFO" beside "DEBUG", a ``%6d`` pid), not a message's indented continuation (a stack frame); named
    ``<name>+padded``, as the preset's name would read the file without it."""
    # Padding fills a field to the width of the widest: an indented line reaching past that is indented text (a
    # child's log under its parent's lines, "  ERROR row 0 rejected" under "ERROR import failed").
    reach = [(line[:1].isspace(), len(line) - len(line.lstrip()) + len(line.split(None, 1)[0])) for line in sample]
    width = max((n for opened, n in reach if not opened), default=0)
    indented = [line.lstrip() for line, (opened, n) in zip(sample, reach) if opened and n <= width]
    if not _opens_padded(fmt) or len(indented) < _PADDED_SHARE * len(sample):
        return fmt
    if fmt.parse(indented)[1].mean() < _PADDED_MATCH:
        return fmt
    return _padded(fmt)


def _opens_padded(fmt: LogFormat) -> bool:
    """Whether a text format opens with a field a width pads (a time, a number, a level), no text but a bracket
    before it: a word field would take any frame's words."""
    first = FIRST_FIELD.match(fmt.pattern)
    return first is not None and re.fullmatch(r"\\?[\[(<]?", first.group(1)) is not None and (
        first.group(2) in TIME_FIELDS or fmt.field_patterns.get(first.group(2)) in (r"\d+", LEVELS_RE)) \
        and _is_text(fmt)


def _is_text(fmt: LogFormat) -> bool:
    """Whether ``fmt`` reads a text header: no JSON key, no delimited cells."""
    return fmt.json_key is None and fmt.delimiter is None


def _padded(fmt: LogFormat) -> LogFormat:
    """``fmt`` reading its header after any whitespace, named ``<name>+padded``."""
    return replace(fmt, pattern="\\s*" + fmt.pattern, name=fmt.name + PADDED)


def _after_padding(sample: list[str], min_share: float, exclude: Sequence[str], delimited: bool) -> LogFormat:
    """The text layout of a sample whose every line opens with whitespace, read after it (a first field padded
    to its width on every line, a ``%6d`` pid: " 55301:20240628:231213.000 ..."); else ``raw``. With no line
    unpadded, no frame's words can pass for the field, whatever it holds."""
    from .layout import padded_seconds

    found = _detect([line.lstrip() for line in sample], min_share, exclude, delimited, padded_seconds(sample))
    return _padded(found) if found.name != "raw" and _is_text(found) else PRESETS["raw"]


def _preset_over_untimed(structured: LogFormat, sample: list[str], exclude: Sequence[str]) -> bool:
    """Whether key=value text that gives no time is better read by a preset that reads every line with its
    time (auditd's ``type=... msg=audit(1764583200.243:1): ...``)."""
    if structured.time_fields or any(f in TIME_FIELDS for f, _ in structured.keys or ()):
        return False
    presets = [f for f in PRESETS.values() if f.json_key is None and f.name not in ("raw", *exclude)]
    return any(_fit(f, sample, 0, floor=1.0)[1:3] == (1.0, 1.0) for f in presets)


# JSON messages with a message key on this many sampled lines (and share of them) make a format read them.
_JSON_MESSAGES_MIN = 3
_JSON_MESSAGES_SHARE = 0.01


def _with_json_messages(fmt: LogFormat, parsed: tuple[pd.DataFrame, np.ndarray]) -> LogFormat:
    """``fmt`` reading JSON messages (:attr:`LogFormat.json_messages`) when some of its messages are JSON objects
    or logfmt pairs with a message key (an app's JSON lines under a container runtime's header, or in docker's
    ``{"log": ...}``; logfmt under a syslog header);
    named ``<name>+json``. Each line is read as it is, whatever the others: a file of a few such lines reads them
    as a file of many does. ``parsed``: ``fmt.parse`` of the lines."""
    frame, matched = parsed
    found = sum(_structured_message(m) is not None for m in frame["content"][matched] if isinstance(m, str))
    if found < max(_JSON_MESSAGES_MIN, _JSON_MESSAGES_SHARE * int(matched.sum())):
        return fmt
    return replace(fmt, json_messages=True, name=f"{fmt.name}+json")


# A level word (or glog's letter and date) near a message's start, as a layout of its own would put it.
_LEVEL_NEAR_START = re.compile(r"(?:^|[\s\[(<|:])(?:" + LEVELS_RE + r")(?=[\s\])>:|,]|$)|^[IWEF]\d{4} ")
_LEVEL_REACH = 80


def _with_text_messages(fmt: LogFormat, lines: Sequence[str], parsed: tuple[pd.DataFrame, np.ndarray],
                        min_share: float, exclude: Sequence[str]) -> LogFormat:
    """``fmt`` reading its messages by their own layout (:attr:`LogFormat.text_messages`) where the header has no
    level and most messages carry a layout that gives one, or a time of their own after the time that opens the
    line (an app's log under a container runtime's header, Go's ``log`` writes no level), or the sub-program that
    opens them under a syslog header (:func:`_names_sub_programs`); named ``<name>+<layout>``; ``parsed``:
    ``fmt.parse(lines)``."""
    from .layout import opens_own_header

    if "level" in fmt.columns or fmt.delimiter is not None:
        return fmt
    frame, matched = parsed
    messages = [m for m in frame["content"][matched] if isinstance(m, str) and m.strip()]
    if _names_sub_programs(fmt, messages, min_share):
        return replace(fmt, text_messages=_SUB_PROGRAM, name=f"{fmt.name}+{_SUB_PROGRAM.name}")
    if len(messages) >= _JSON_MESSAGES_MIN and _THREAD_GROUP.parse(messages)[1].mean() >= _THREAD_GROUP_SHARE:
        return replace(fmt, text_messages=_THREAD_GROUP, name=f"{fmt.name}+{_THREAD_GROUP.name}")
    own = opens_own_header(lines)
    # Most messages must show a level near their start before a layout is looked for in them (a costly search).
    if len(messages) < _JSON_MESSAGES_MIN or not own and \
            sum(_LEVEL_NEAR_START.search(m[:_LEVEL_REACH]) is not None for m in messages) < min_share * len(messages):
        components = frame["component"][matched] if "component" in frame else ()
        return _with_opening_levels(fmt, messages, components)
    inner = _detect(messages, min_share, exclude, delimited=False)
    if inner.json_key is not None or "level" not in inner.columns and not (own and "timestamp" in inner.columns):
        return fmt
    if "<Field" in inner.pattern:
        # Words most messages share after the level (BIND's "info: client @0x... (name): query: ...") are no
        # header a message that lacks them would keep: the messages' layout ends at its level.
        inner = inner._leading(True, inner.name) or inner
    return replace(fmt, text_messages=inner, name=f"{fmt.name}+{inner.name}")


# A thread's number glued to its part's name in upper case in brackets, as strongSwan's charon opens each message
# ("08[NET] sending packet: ...", its "%.2d[%s] "): the message's own header, on nearly every line, as no text's
# words open so.
_THREAD_GROUP = LogFormat(r"<Thread>\[<Group>\] <Content>", "threadgroup",
                          {"Thread": r"\d+", "Group": r"[A-Z][A-Z0-9]+"})
_THREAD_GROUP_SHARE = 0.8


# A daemon of several processes under one syslog tag names the one that writes before its message, with its user,
# pid and session where it has them (Dovecot's "dovecot: imap(user)<pid><session>: ..."), as a header would: the
# name (not a level word) and those parts are fields.
_SUB_PROGRAM = LogFormat(r"<Component>(<Context>)?: <Content>", "subprogram",
                         {"Component": rf"(?!{LEVELS_RE}[(<:])[A-Za-z][\w.-]*",
                          "Context": r"\([^()]*\)(?:<[^<>\s]*>)*|(?:<[^<>\s]*>)+"})
# The share of the lines opened by those names whose message opens as another name's does.
_SHARED_OPENINGS = 0.2


def _names_sub_programs(fmt: LogFormat, messages: Sequence[str], min_share: float) -> bool:
    """Whether most ``messages`` under ``fmt``'s syslog header (a host and a program) open with the name of a
    sub-program (:data:`_SUB_PROGRAM`): at most :data:`_MAX_WRITERS` names, and one message text follows several of
    them (:data:`_SHARED_OPENINGS` of their lines open with two words that follow another name too: imap-login's
    and pop3-login's "Disconnected (no auth ..."). A name that opens each message as part of its text (a module's
    "spamd: ...", smartd's "Device: ...") has its own messages; one that differs from another in its digits alone
    is a number (an interface's wg0 and wg1), no other writer, and so is one apart in its last letter alone (the
    disks sda and sdb, multipath's maps mpatha and mpathb: the subjects of the same events, not their writers)."""
    if not {"host", "component"} <= set(fmt.columns) or not messages:
        return False
    frame, matched = _SUB_PROGRAM.parse(messages)
    if matched.mean() < min_share:
        return False
    # A name that ends in its number with no context after it (the interfaces wlan0 and eth0, a disk's sda1) is
    # a thing its events are about, of whatever kind: its lines tell no writers apart.
    counted = matched & ~(frame["component"].str.contains(r"\d$", na=False) & frame["context"].isna()).to_numpy()
    names = unnumbered(frame["component"][counted])
    openings = [" ".join(text.split()[:2]) for text in frame["content"][counted]]
    writers: dict[str, set[str]] = {}
    for name, opening in zip(names, openings):
        writers.setdefault(opening, set()).add(name)
    shared = sum(len(writers[opening]) > 1 for opening in openings)
    return len(set(frame["component"][matched])) <= _MAX_WRITERS and shared >= _SHARED_OPENINGS * matched.sum()


def unnumbered(names: Sequence[str]) -> list[str]:
    """``names`` less their digits, and less a last letter where another name differs from one in it alone: the
    numbers of one kind of thing, counted in digits or letters (wg0 and wg1; sda and sdb), are that one kind."""
    bare = [re.sub(r"\d+", "", name) for name in names]
    stems = Counter(name[:-1] for name in set(bare) if name[-1:].isalpha())
    return [name[:-1] if name[-1:].isalpha() and stems[name[:-1]] > 1 else name for name in bare]


# A level that opens a message, as a console's lines mark the few that are warnings or errors: a word and a colon
# ("Error: ...", "ERROR: Job failed"), or in brackets after at most three marks ("[warning] ...", "##[error]...").
# The message keeps it: it is part of the text its writer printed (sshd's "error: ..."), and of its template.
_OPENING_LEVEL = LogFormat(r"(?=(?:[^\w\s\[]{1,3}\x20?)?\[?<Level>[\]:])<Content>", "levels",
                           {"Level": rf"(?<=\[){LEVELS_RE}(?=\])|{LEVELS_RE}(?=: )"})


def _with_opening_levels(fmt: LogFormat, messages: Sequence[str], components: Sequence = ()) -> LogFormat:
    """``fmt`` reading the level that opens a message (:data:`_OPENING_LEVEL`) where its header has none and some
    of ``messages`` open with one, or some of the lines' ``components`` are a level word alone (a level column
    for :func:`_read_component_levels` to fill); else ``fmt``."""
    if "level" in fmt.columns or fmt.delimiter is not None or fmt.json_key is not None:
        return fmt
    worded = any(isinstance(c, str) and (_is_level_word(c) or _MESSAGE_CODE.fullmatch(c) is not None)
                 for c in components) or any(_MESSAGE_CODE.match(m) is not None for m in messages)
    if not worded and not any(_OPENING_LEVEL.parse(messages)[1]):
        return fmt
    return replace(fmt, text_messages=_OPENING_LEVEL, name=f"{fmt.name}+{_OPENING_LEVEL.name}")


# A message that opens with a key=value pair may be logfmt: only those are read as pairs.
_PAIR_START = re.compile(r"[A-Za-z_@][\w.@-]*=")
_PAIR_MESSAGE_KEYS = ("msg", "message")


def _structured_message(text: str, bare_keys: bool = False) -> tuple[str, str | None, str | None] | None:
    """(message, level, logger) of a message that is a JSON object with a message key (the first common name
    holding text), or logfmt pairs with a message key and a level; None for any other text. ``bare_keys``: read
    where such messages were found (:func:`layout.parse_logfmt`), not to find them."""
    from .layout import parse_json_object, parse_logfmt

    if text[:1] == "{":
        obj, names = parse_json_object(text), MESSAGE_KEYS
    elif _PAIR_START.match(text):
        # Pairs name their message msg or message: a log=, text= or event= pair there is a field (a file rotated).
        obj, names = parse_logfmt(text, bare_keys), _PAIR_MESSAGE_KEYS
        if obj is not None and not any(k in obj for k in _JSON_LEVEL_KEYS):
            return None  # pairs with no level are a record's fields (auditd's "type=... msg=audit(...): ...")
    else:
        return None
    key = next((k for k in names if isinstance(obj.get(k), str)), None) if obj is not None else None
    # Pairs with a level and no message (a firewall's traffic record) are their own message, whole; an object is not.
    if key is None and (obj is None or names is MESSAGE_KEYS):
        return None
    level_key = next((k for k in _JSON_LEVEL_KEYS if obj.get(k) is not None and not isinstance(obj[k], bool)), None)
    level = None if level_key is None else level_name(obj[level_key], level_key)
    logger = next((obj[k] for k in _JSON_COMPONENT_KEYS if obj.get(k) is not None), None)
    return (text if key is None else obj[key].rstrip("\r\n"), None if level is None else _scalar_text(level),
            None if logger is None else _scalar_text(logger))


def _quoted(lines: Sequence[str]) -> bool:
    """Whether most lines open with a quote."""
    return sum(line.startswith('"') for line in lines) >= _QUOTED_SHARE * len(lines)


# A field, its bracket closed or not, and a comma and a space after it: two of them in an inferred header are cells
# ("2024/02/27-06:35:52, [FW-1424], 48212, ...", a SAN switch's error log), not a time's separator from its level.
_COMMA_AFTER_FIELD = re.compile(r">(?:\\[\])>])?, ")


def _comma_cells(fmt: LogFormat) -> bool:
    """Whether an inferred text header parts two of its fields from what follows by a comma and a space."""
    return len(_COMMA_AFTER_FIELD.findall(fmt.pattern)) >= 2


def _match_share(match: Callable, lines: Sequence[str], floor: float) -> float:
    """Share of ``lines`` that ``match`` matches, to 2 places; once it cannot reach ``floor``, a share below it
    (the most it could be then): the lines left are not tried."""
    n = len(lines)
    # The fewest misses that put the rounded share below the floor (it falls as misses grow), found near its estimate.
    most = max(0, int(n * (1 - floor)) - 2)
    while most > 0 and round((n - most + 1) / n, 2) < floor:
        most -= 1
    while most <= n and round((n - most) / n, 2) >= floor:
        most += 1
    missed = 0
    for line in lines:
        if match(line) is None:
            missed += 1
            if missed == most:
                break
    return round((n - missed) / n, 2)


def _reads_json_objects(fmt: LogFormat) -> bool:
    """Whether ``fmt`` reads lines as JSON objects alone (not logfmt, not delimited cells): a line that does not
    open with ``{`` is none of them (:func:`layout.parse_json_object`)."""
    return fmt.json_key is not None and not fmt.logfmt and fmt.delimiter is None


def _fit(fmt: LogFormat, sample: Sequence[str], rank: int, floor: float = 0.0,
         beat: tuple[bool, float, float, int, int] | None = None) -> tuple[bool, float, float, int, int]:
    """How well ``fmt`` fits: whether it reads its times (on half the lines it matches at least, or it has none),
    share of lines matched, share of those with a parsed timestamp, columns, rank.

    A layout whose time field holds no time on most lines is not the log's (PostgreSQL's zone read as hadoop's
    level): it ranks below any that reads its times, whatever their shares, but above none. Below a share of
    ``floor``, or where even every time read would not rank it above ``beat`` (a fit that cannot win), the
    timestamp share is not worked out: 0, and its times not read.
    """
    if fmt.json_key is None:
        # Matching alone is cheap; most presets fail here, before the timestamps are parsed.
        share = _match_share(fmt._regex.match, sample, floor)  # type: ignore[attr-defined]
        # A second preset that reads every line as the first did, with no more columns, ranks below it whatever
        # its times (syslog and linux on a syslog file): its parse would be thrown away.
        if share < floor or beat is not None and (True, share, 1.0, len(fmt.columns), rank) <= beat:
            return False, share, 0.0, len(fmt.columns), rank
    elif sample and _reads_json_objects(fmt) and not any(line.lstrip().startswith("{") for line in sample):
        # No line opens an object: none is read, as a parse would find (its frame of Nones costs a text log's fit).
        return "timestamp" not in fmt.columns, 0.0, 0.0, len(fmt.columns), rank
    frame, matched = fmt.parse(sample)
    share = round(float(matched.mean()), 2)
    # A layout whose timestamps do not parse (a preset's other fraction separator) is a worse fit.
    timed = round(float(frame["timestamp"][matched].notna().mean()), 2) if "timestamp" in frame and share else 0.0
    return "timestamp" not in frame or timed >= 0.5, share, timed, len(fmt.columns), rank
