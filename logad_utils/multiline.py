"""Multi-line events: stack traces and other continuation lines joined to the line that starts their event.

As Filebeat's ``multiline`` setting and Elastic's ``find_structure``
(``multiline_start_pattern``) do, a file's events start with its header; a
line is a *continuation* of the event before it when

* it looks like part of a stack trace: a Java frame (``\\tat ...``),
  ``Caused by:``, ``... N more``, a numbered frame (PHP's ``Stack trace:``
  then ``#0 /app/Db.php(42): ...``, gdb's), a Python ``Traceback`` block and its
  ``File "...", line N`` frames, or the exception line right after a frame;
  a Go panic's ``[signal SIG...``, ``goroutine N [running]:``, and the
  call lines (``main.main()``, ``net/http.(*conn).serve(0xc000..., {...})``)
  and ``created by ...`` lines right under that header or a frame's source
  line (``\\t/path/file.go:N``);
* it is indented (unless most lines of the file are);
* or, in a file with a header, it does not match the header and starts with
  no timestamp (a line of another log with its own timestamp stays an event).

In a layout without a level, a line that opens with a level word and a colon
right under most header lines (java.util.logging's two-line default:
``date time class method`` then ``INFO: message``) gives its event the level.

Rows stay one per physical line: continuation rows get the event's
``event_line_no``, timestamp, level and component, and every row of a
multi-line event gets the event's text (its first line's message plus the
exception type and its top frame; continuation lines that are no part of a
trace are added to the message) in ``event``, which templates and scores use.
A blank line does not end an event: a continuation after it joins the event
before it (a Go panic and a Python chained exception hold blank lines); blank
rows stay rows of their own. Before a file's first header line, stack frames,
indented lines and a Python trace's closing exception join the line they
follow.

Where literal text opens the message and literal text closes it before the
header (CMTrace's ``<![LOG[message]LOG]!><time=...>``), a message of several
lines puts the header on its last line: a line that opens with that text
starts an event, the line that closes the message continues it, and the
event takes its header (:func:`read_closed_messages`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from .formats import FIRST_FIELD, LEVELS_RE, LogFormat, parse_timestamps
from .layout import COMMENT_FIELD as _COMMENT_FIELD, comment_block_starts, comment_records, stamped_text, \
    starts_with_timestamp

__all__ = ["Multiline", "infer_multiline", "continuation_flags", "event_lines", "group_events", "event_text",
           "is_frame_line", "header_lines", "add_trace_events", "TRACE_COLUMNS", "EVENT_FIELDS", "empty_messages",
           "record_times"]

# What an event's continuation rows take from its first line whatever they hold themselves.
EVENT_FIELDS = ("timestamp", "level", "component")

_GOROUTINE = r"goroutine\s\d+\s\[[^\]]*\]:"
# A frame numbered from the innermost, "#0", as PHP prints a trace ("#0 /app/Db.php(42): PDO->__construct()", "#1
# [internal function]: f()", "#2 {main}") and gdb does ("#0  0x00007f3a in raise () from libc.so.6").
_NUMBERED_FRAME = re.compile(r"\#\d+\s+(?:\{main\}\s*$|\[internal\sfunction\]:|\S+\(\d+\):\s|0x[0-9a-fA-F]+\sin\s)")
_FRAME = re.compile(r"""\s+at\s+\S|\s*\.\.\.\s\d+\s(?:more|common\sframes\somitted)|\s*(?:Caused\sby|Suppressed):
    |Traceback\s\(most\srecent\scall\slast\):|\s+File\s"|During\shandling\sof\sthe\sabove\sexception
    |The\sabove\sexception\swas\sthe\sdirect\scause|\[signal\s(?:SIG[A-Z0-9]+|0x[0-9a-f]+)|stack\sbacktrace:$
    |Stack\strace:$|""".replace("\n    ", "")
    + _NUMBERED_FRAME.pattern + "|" + _GOROUTINE)
# A Go goroutine dump: under its "goroutine N [state]:" and after each frame's "\t/path/file.go:N" come a call line
# (package path, (*receiver), function, arguments as Go prints them) or "created by ...".
_GO_HEADER = re.compile(_GOROUTINE)
_GO_SOURCE = re.compile(r"\t\S+\.go:\d+")
_GO_ABOVE = re.compile(_GOROUTINE + "|" + _GO_SOURCE.pattern)
_GO_CALL = re.compile(r"created\sby\s\S|[^\s(]+(?:\([^\s()]*\)[^\s(]*)*\(.*\)$")
_JAVA_FRAME = re.compile(r"\s+at\s+\S")
_PY_FRAME = re.compile(r"\s+File\s\"")
_EXCEPTION_LINE = re.compile(r"(?:Caused by: )?((?:[A-Za-z_$][\w$]*\.)*[A-Za-z_$][\w$]*"
                             r"(?:Exception|Error|Throwable|Fault|Interrupt|Exit|Warning))(?::|\s*$)")
# A Python trace closes with its exception, whatever its class is called: one not built in is named with its
# module and in CamelCase (orders.models.Order.DoesNotExist, psycopg.errors.UniqueViolation), then a colon and
# the message, or nothing; a built-in one raised without a message is its CamelCase name alone (StopIteration).
# (A stack dump without an exception, logging's stack_info, is followed by any line: "Status: ok", a logger's
# "django.request: Internal Server Error".)
_PY_EXCEPTION = re.compile(r"(?:[A-Za-z_]\w*\.)+[A-Z]\w*(?::\s|:?\s*$)|[A-Z][a-z\d]+[A-Z]\w*\s*$")
# First characters a frame line can start with: a cheap filter before the regex.
_FRAME_FIRST = frozenset(" \t.CSTDg[s#")
# Text each alternative of _FRAME holds (a frame's "at" after a space or a tab).
_FRAME_WORDS = (" at ", "\tat ", "... ", "Caused by:", "Suppressed:", "Traceback (", 'File "', "During handling",
                "The above exception", "[signal", "goroutine ", "stack backtrace:", "Stack trace:", " #")
# Lines written without the header that are no part of the message above them: journalctl's separators. (A crash
# a runtime writes so, Go's "panic:" or Rust's "thread 'main' panicked", stays with the line above: its only time.)
_OWN_EVENT = re.compile(r"-- (?:Boot [0-9a-f]+|Reboot|No entries|Logs begin at .*) --")
_INDENT_SHARE = 0.5
_BOX_DRAWING = frozenset(map(chr, range(0x2500, 0x2580)))  # the Unicode block of box-drawing characters
# Share of the lines that can carry a header (:func:`header_lines`) that must match it for a line that does not
# to continue the event before it: as :func:`formats.detect_format` asks of a layout.
_HEADER_RULE = 0.5
# The literal text after a field up to the next space or field: a bracket's closing.
_CLOSING = re.compile(r"(?:\\.|[^<\\\s])*")
# Frames and exception names sit at the start of a line; looking further only costs time on huge lines.
_HEAD_CHARS = 300
_MAX_PLAIN = 3
# java.util.logging's levels include CONFIG, which is no level word anywhere else.
_LEVEL_LINE = re.compile(rf"({LEVELS_RE}|CONFIG):\s")
# Literal text right after a message that closes it (not a space: other layouts' messages hold those).
_CLOSING_TEXT = re.compile(r"(?:\\.|[^<\\\s(]){2}")


@dataclass(frozen=True)
class Multiline:
    """Which rules make a line a continuation: ``header`` (no match, no timestamp) and ``indent``.

    ``head`` is the regex of the header up to its first field when that field is a number (a record number or
    pid, npm's ``0 verbose cli ...``): a line that starts with it is an event of its own even when the rest of
    the header differs. ``level_line``: the line under a header opens with the event's level (``INFO: message``).
    ``levelless``: the header gives no level, as a container runtime's or syslog's does, which write one on each
    line of a program's output: messages that are stack frames (and the lines of the trace under them) continue
    the event before them; ``indented_messages``: and, under a container runtime's header, indented messages,
    unless most messages are. ``paragraphs``: the header has no time (a tool's console output), so a blank line
    is the only mark between records: an unindented line under one starts an event. ``closing``: the layout of
    the last line of a message of several lines whose header follows it (:func:`closed_message`); ``head`` is
    then the text that opens a message.
    """

    header: bool
    indent: bool
    head: str | None = None
    level_line: bool = False
    levelless: bool = False
    indented_messages: bool = False
    paragraphs: bool = False
    comment_records: bool = False
    closing: LogFormat | None = None

    def describe(self) -> str:
        """The rules in words, as ``logad formats --detect`` prints them."""
        rules = ["stack-trace lines (at ..., Caused by:, ... N more, #N frames, Python tracebacks; also as a message "
                 "under a header of its own)"]
        if self.indent:
            rules.append("indented lines")
        if self.indented_messages:
            rules.append("indented messages under the runtime's header, in the stream of the line above")
        if self.header:
            rules.append("lines that do not match the header and start with no timestamp"
                         + (" or like the header's first field (a record number, a bracketed level)" if self.head
                            not in (None, _JSON_HEAD) else "")
                         + (", unless a blank line is above them" if self.paragraphs else ""))
        if self.closing is not None:
            rules.append("the line that closes a message of several lines, whose header, there, is the event's")
        if self.level_line:
            rules.append("the event's level read from the 'LEVEL:' that opens the line under its header")
        if self.comment_records:
            rules = ["records that open with a block of '# Key: value' comment lines: every line up to the next block"]
        return "; ".join(rules)


def is_frame_line(line: str) -> bool:
    """True for a line that can only continue an event: a stack frame or indented text."""
    return line[:1] in _FRAME_FIRST and (line[:1].isspace() or _FRAME.match(line[:_HEAD_CHARS]) is not None)


def header_lines(lines: Sequence[str]) -> list[str]:
    """The lines that can carry a file's header: not stack frames or indented text, not a ``LEVEL: message``
    line right under a line that starts with a timestamp (java.util.logging's two-line records), and not the
    exception line that closes a Python trace right under its last frame (``ValueError: ...``, no header)."""
    # A record's first line that opens with a level itself ("INFO: 2023/03/01 07:42:18 ...", a level before the
    # time) is no java.util.logging record's, whose first line opens with its date: the lines under it are records.
    return [line for before, line in zip(["", *lines], lines) if not is_frame_line(line) and not (
        _LEVEL_LINE.match(line) and starts_with_timestamp(before) and not _LEVEL_LINE.match(before)) and not (
        before[:1].isspace() and _EXCEPTION_LINE.match(line[:_HEAD_CHARS]))]


def infer_multiline(sample: Sequence[str], fmt: LogFormat) -> Multiline:
    """The continuation rules for a file of layout ``fmt`` whose first lines are ``sample``."""
    lines = [s for s in sample if s.strip()]
    indented = sum(s[:1].isspace() for s in lines)
    has_header = fmt.json_key is not None or fmt.pattern.strip() not in ("", "<Content>")
    # In a file with a header, an indented line that does not match it continues the event before it, however many
    # there are (.NET's console layout indents every message; Python traces indent their source lines). Without
    # a header, indentation counts only when most lines are not indented.
    plain = has_header and fmt.json_key is None
    # Any other line that does not match continues an event only where the header is the rule: a layout read off
    # the few lines that start with a timestamp leaves the other lines events of their own (joined, all but a few
    # would drop out of the event's text, a FATAL among them).
    # Every line indented: a header whose first field is padded to its width (a "%6d" pid), as text is not.
    heads = header_lines(lines) or lines
    closed = closed_message(fmt) if plain else None
    opening, closing = closed or (_head_regex(fmt) if plain else _JSON_HEAD if _json_lines(fmt) else None, None)
    usual = not plain or (bool(heads) and _header_share(fmt, heads, opening if closed else None) >= _HEADER_RULE)
    return Multiline(header=has_header and usual,
                     indent=has_header or indented < _INDENT_SHARE * max(len(lines), 1),
                     head=opening,
                     level_line=plain and "level" not in fmt.columns and _levels_below(list(sample), fmt),
                     levelless=has_header and not _program_level(fmt),
                     indented_messages=_captures_output(fmt) and _few_indented(lines, fmt),
                     paragraphs=plain and "timestamp" not in fmt.columns,
                     comment_records=not has_header and comment_records(lines), closing=closing)


def _header_share(fmt: LogFormat, heads: Sequence[str], opening: str | None) -> float:
    """The share of ``heads`` that the header matches or, where a message may take several lines
    (:func:`closed_message`), that open with its ``opening``: a message's first line is a record's as a header's."""
    matched = fmt.parse(heads)[1]
    if opening is not None:
        matched = matched | np.array([re.match(opening, s) is not None for s in heads], dtype=bool)
    return float(np.mean(matched))


def closed_message(fmt: LogFormat) -> tuple[str, LogFormat] | None:
    """(regex of the opening, the format without it) where literal text opens the line and the message and
    literal text closes the message before the header (CMTrace's ``<![LOG[message]LOG]!><time=...>``): a message
    of several lines puts the header on its last line, which the format without the opening reads; else None."""
    if fmt.json_key is not None or fmt.layouts or fmt.writers or fmt.text_messages is not None:
        return None
    opening, content, after = fmt.pattern.partition("<Content>")
    if not content or not opening.strip() or re.search(r"<\w+>", opening) or not _CLOSING_TEXT.match(after):
        return None
    return re.sub(r" +", r"\\s+", opening), replace(fmt, pattern=content + after)


def read_closed_messages(lines: Sequence[str], fields: pd.DataFrame, matched: np.ndarray, blank: np.ndarray,
                         flags: np.ndarray, rule: Multiline) -> None:
    """Read, in place, the messages of several lines whose header follows them (:func:`closed_message`): the
    line that closes one gets its fields and the text before the closing as its message; the event's first line,
    where it opens with the opening, the same fields and the text after the opening. A message never closed
    (a file cut) keeps its first line unmatched, an event up to the next line that starts one."""
    if rule.closing is None or rule.head is None:
        return
    rows = np.flatnonzero(~matched & ~blank)
    if not len(rows):
        return
    ends, closed = rule.closing.parse([lines[i] for i in rows])
    head = np.maximum.accumulate(np.where(~flags & ~blank, np.arange(len(lines)), -1))
    targets, sources, openings = [], [], {}
    for k in np.flatnonzero(closed).tolist():
        j = rows[k]
        targets.append(j)
        sources.append(k)
        h = head[j]
        opened = re.match(rule.head, lines[h]) if 0 <= h < j and not matched[h] and h not in openings else None
        if opened:
            targets.append(h)
            sources.append(k)
            openings[h] = lines[h][opened.end():]
    for column in fields.columns:
        values = fields[column].to_numpy(copy=True)
        values[targets] = ends[column].to_numpy()[sources]
        fields[column] = pd.Series(values, index=fields.index, dtype=fields[column].dtype)
    fields.loc[list(openings), "content"] = list(openings.values())
    matched[targets] = True


def _closing_lines(lines: Sequence[str], matched: np.ndarray, rule: Multiline) -> np.ndarray:
    """Bool (n,): the lines that close a message of several lines whose header follows it (:func:`closed_message`)."""
    out = np.zeros(len(lines), dtype=bool)
    if rule.closing is None:
        return out
    rows = np.flatnonzero(~matched)
    if len(rows):
        out[rows] = rule.closing.parse([lines[i] for i in rows])[1]
    return out


_DATED = re.compile(r"\d[-/:]\d")


def record_times(lines: Sequence[str], flags: np.ndarray, blank: np.ndarray) -> pd.Series:
    """Datetime (n,): each row's record's time, read off the record's first comment field whose value opens with a
    time (``# Time: 2024-03-11T09:00:38Z``); NaT before the first record and in a record without one."""
    values = []
    for line in lines:
        found = _COMMENT_FIELD.match(line) if line[:1] == "#" else None
        rest = stamped_text(line[found.end():]) if found else None
        value = None if rest is None else line[found.end():len(line) - len(rest)].strip()
        # A date or a clock: a field's bare number (a duration "1.500000", an id) is no time of the record.
        values.append(value if value and _DATED.search(value) else None)
    head = np.maximum.accumulate(np.where(~flags & ~blank, np.arange(len(lines)), -1))
    times = parse_timestamps([values]).groupby(head).transform("first")
    return times.where(head >= 0)


def _captures_output(fmt: LogFormat) -> bool:
    """Whether the header is a container runtime's around a program's output (CRI's, docker's json-file: a
    stream, no level), where an indented line is the program's and continues its write; not syslog's, whose
    every record is a message of its own (the kernel's indented memory map)."""
    return not _program_level(fmt) and "stream" in _header_columns(fmt)


def _same_stream(streams: np.ndarray, blank: np.ndarray, i: int) -> bool:
    """Whether row ``i`` has the stream of the nearest non-blank row above it (two rows up at most)."""
    above = next((j for j in (i - 1, i - 2) if j >= 0 and not blank[j]), None)
    return above is not None and streams[above] == streams[i]


def _few_indented(lines: list[str], fmt: LogFormat) -> bool:
    """Whether under ``fmt``'s header fewer than half of the messages of the non-blank ``lines`` are indented."""
    frame, matched = fmt.parse(lines)
    rows = np.flatnonzero(matched)
    messages = frame["content"].to_numpy(dtype=object)
    return len(_indented_messages(lines, messages, rows)) < _INDENT_SHARE * max(len(rows), 1)


def _indented_messages(lines: Sequence[str], messages: np.ndarray, rows: Sequence[int]) -> list[int]:
    """The ``rows`` whose message opens with whitespace as written (:func:`_message_text`)."""
    out = []
    for i in rows:
        message, line = messages[i], lines[i]
        if message.__class__ is not str or not message.strip():
            continue
        start = len(line) - len(message)
        # Cheap tests first: the whitespace is in the message, or two characters of it before (a header took one).
        if (message[:1].isspace() or (start >= 2 and line[start - 2] in " \t")) \
                and _message_text(line, message)[:1].isspace():
            out.append(i)
    return out


def _program_level(fmt: LogFormat) -> bool:
    """Whether the header gives the program's own level: a level field or key. A syslog priority's severity is
    the transport's, stamped alike on every line of a program's trace, as a container runtime's stream is."""
    return "level" in _header_columns(fmt) and (fmt.json_key is not None or "Level" in fmt.fields)


def _header_columns(fmt: LogFormat) -> list[str]:
    """The columns the format's header gives, those its messages' own layout or JSON adds aside."""
    return replace(fmt, json_messages=False, text_messages=None).columns


def _levels_below(sample: list[str], fmt: LogFormat) -> bool:
    """True when most header lines of sample (at least 2) have under them a line that opens with a level word."""
    matched = fmt.parse(sample)[1]
    heads = np.flatnonzero(matched[:-1])
    below = sum(not matched[i + 1] and _LEVEL_LINE.match(sample[i + 1]) is not None for i in heads)
    return below >= max(2, 0.5 * len(heads))


# In JSON lines, a line that opens like a JSON value and does not read as one is a broken record (cut off by a
# crash, say), an event of its own, not a continuation of the record above it.
_JSON_HEAD = r"[{\[]"


def _json_lines(fmt: LogFormat) -> bool:
    """Whether the format reads JSON objects (not logfmt pairs or delimited cells)."""
    return fmt.json_key is not None and not fmt.logfmt and fmt.delimiter is None


def _stamped_trace(line: str) -> bool:
    """Whether ``line``, missing the header, is a trace's frame or exception line under a time of its own (a
    container runtime's, ``docker logs -t``: each line the program wrote gets one, the trace's too)."""
    text = stamped_text(line)
    return text is not None and (_FRAME.match(text) is not None or _EXCEPTION_LINE.match(text) is not None)


def _head_regex(fmt: LogFormat) -> str | None:
    """Regex of the text up to and including the format's first field, when that field is a number, or a level
    in brackets in a layout without a time (``[ERROR] plugin/errors: ...`` under ``[INFO] client - query``
    lines; where the header has a time, a line without it continues its event, whatever it opens with); else
    None.

    Not a bare month, level word or letter (glog): they also start ordinary sentences ("The ...", "Error: ...",
    "I/O ..."), which continue an event.
    """
    m = FIRST_FIELD.match(fmt.pattern)
    if m is None:
        return None
    before = re.sub(r" +", r"\\s+", m.group(1))
    if fmt.field_patterns.get(m.group(2)) == r"\d+":
        return before + r"\d+(?!\w)"
    if m.group(2) == "Level" and before.endswith(("\\[", "\\(", "<")) and "timestamp" not in fmt.columns:
        return before + LEVELS_RE + _CLOSING.match(fmt.pattern, m.end()).group(0)
    return None


def empty_messages(matched: np.ndarray, messages: np.ndarray, rule: Multiline, array=None) -> np.ndarray:
    """Bool (n,): matched lines with an empty message under a header without a level: a program's blank line that
    a container runtime or syslog wrapped in a header of its own (a blank line, as it is in the program's
    output: inside a trace too). ``array``: the messages' :func:`arrow_messages`, where made."""
    if not (rule.header and rule.levelless):
        return np.zeros(len(matched), dtype=bool)
    if array is not None:  # Arrow's whitespace is str.isspace's, character for character
        import pyarrow.compute as pc

        empty = pc.or_(pc.equal(array, ""), pc.utf8_is_space(array)).fill_null(False)
        return matched & empty.to_numpy(zero_copy_only=False)
    try:  # a builtin method mapped over the texts: no Python code per line
        empty = (messages == "") | np.fromiter(map(str.isspace, messages), dtype=bool, count=len(messages))
    except TypeError:  # a message that is no text (None where a structured record has none)
        empty = np.fromiter((m.__class__ is str and (not m or m.isspace()) for m in messages), dtype=bool,
                            count=len(messages))
    return matched & empty


def _flag_go_dumps(lines: Sequence[str], messages: np.ndarray, usable: np.ndarray, flags: np.ndarray,
                   framed: list[int], holding: list[int]) -> None:
    """Flag, in place, the call and source lines of goroutine dumps whose lines each sit under a header of their
    own (n,): a call line under a goroutine header (one of ``framed``) or under a source line, and a source line
    ("\t/path/file.go:N +0x1d") under a call line. Each rule reads the line above alone, so that a chunk's
    lines of context decide as the whole file does. ``holding``: the lines that may hold a source line's ".go:"."""
    n = len(flags)
    text = lambda i: _message_text(lines[i], messages[i])[:_HEAD_CHARS]  # noqa: E731
    for j in (i for i in holding if usable[i] and ".go:" in messages[i]):
        source = text(j)
        if not _GO_SOURCE.match(source):
            continue
        if j > 0 and usable[j - 1] and _GO_CALL.match(text(j - 1)):
            flags[j] = True
        if j + 1 < n and usable[j + 1] and _go_call(source, text(j + 1)):
            flags[j + 1] = True
    for i in framed:
        if i + 1 < n and usable[i + 1] and _go_call(text(i), text(i + 1)):
            flags[i + 1] = True


def _go_call(above: str, line: str) -> bool:
    """Whether ``line`` is a goroutine dump's call line: a call right under a goroutine header or a frame's
    source line ``above``."""
    return bool(_GO_ABOVE.match(above) and _GO_CALL.match(line))


def continuation_flags(lines: Sequence[str], matched: np.ndarray, blank: np.ndarray, rule: Multiline,
                       messages: np.ndarray | None = None, streams: np.ndarray | None = None, array=None
                       ) -> np.ndarray:
    """Bool (n,): True where a line continues the event before it (the first row of a file is fixed later).

    ``messages`` (n,) holds the matched lines' messages (``array``: their :func:`arrow_messages`, where made),
    ``streams`` (n,) their streams (stdout, stderr) where the header names one. Under a header without a level
    (``rule.levelless``), one that is a stack frame continues the event before it too, as a program's trace does
    when a container runtime or syslog wrote each of its lines under a header of its own; so do the indented
    messages under a Python frame (its source line, and the carets under that) and a trace's closing exception
    line.
    """
    n = len(lines)
    if rule.comment_records:
        return ~blank & ~comment_block_starts(lines)
    flags = np.zeros(n, dtype=bool)
    if rule.header:
        if messages is not None and rule.levelless:
            # One search for both: frames, and a goroutine dump's source lines.
            holding = _holding_frame_words(messages, _FRAME_WORDS + (".go:",), array)
            framed = [i for i in holding if matched[i] and not blank[i]
                      and _FRAME.match(_message_text(lines[i], messages[i])[:_HEAD_CHARS]) is not None]
            flags[framed] = True
            _flag_go_dumps(lines, messages, matched & ~blank, flags, framed, holding)
            # An indented message right under a frame is the trace's (PHP's "  thrown in ..." under "#2 {main}",
            # Rust's "   1: main" under an "at" line), under syslog's header too, where indented messages are records.
            flags[[i + 1 for i in framed if i + 1 < n and matched[i + 1]
                   and _message_text(lines[i + 1], messages[i + 1])[:1].isspace()]] = True
            if rule.indented_messages:
                # .NET's " ---> InnerException", Ruby's "\tfrom ...", Rust's "   0: main": a program's lines under a
                # header of their own, in the stream of the line above (another stream's is another write, a
                # heartbeat; split_writers tells other writers and times apart).
                rows = _indented_messages(lines, messages, np.flatnonzero(matched & ~blank).tolist())
                flags[[i for i in rows if streams is None or _same_stream(streams, blank, i)]] = True
        candidates = np.flatnonzero(~matched & ~blank)
    else:
        candidates = [i for i, s in enumerate(lines) if s[:1] in _FRAME_FIRST]
    for i in candidates:
        line = lines[i][:_HEAD_CHARS]
        if line[:1].isspace():
            flags[i] = rule.indent or _FRAME.match(line) is not None or _under_python_frame(lines.__getitem__, i)
        elif _FRAME.match(line) is not None:
            flags[i] = True
        elif rule.header:
            flags[i] = not blank[i] and (not starts_with_timestamp(line) or _stamped_trace(line)) and not (
                rule.head and re.match(rule.head, line)) and not (rule.paragraphs and i > 0 and blank[i - 1])
    if rule.header:
        # A line without the header right above a Python traceback, and right under a line with it, is the
        # message logged with the trace (Django's "Internal Server Error: /path" on stderr among a server's own
        # lines): it starts an event. Under a continuation, it is the end of a multi-line message (SQL) instead.
        for i in np.flatnonzero(flags[1:-1] & ~matched[1:-1] & matched[:-2]).tolist():
            if lines[i + 2].startswith(_TRACEBACK) and not lines[i + 1][:1].isspace() \
                    and not _FRAME.match(lines[i + 1][:_HEAD_CHARS]):
                flags[i + 1] = False
    else:  # with a header, a dump's lines do not match it
        for i in [i for i in range(1, n) if lines[i - 1][:1] in "\tg" and not flags[i]]:
            flags[i] = _go_call(lines[i - 1][:_HEAD_CHARS], lines[i][:_HEAD_CHARS])
    below = rule.header and rule.levelless and messages is not None
    if below:
        # A Python frame's source line, indented under it where a header took the indentation, and the carets
        # under that (Python 3.11's "~~^~~"): two lines at most, so that a chunk's three lines of context decide.
        under = [i for i in np.flatnonzero(flags[:-1]).tolist()
                 if _PY_FRAME.match(_message_text(lines[i], messages[i]))]
        for _ in range(2):
            under = [i + 1 for i in under if i + 1 < n and matched[i + 1] and not flags[i + 1]
                     and _message_text(lines[i + 1], messages[i + 1])[:1].isspace()]
            flags[under] = True
        # A Java exception's first line ("java.lang.IllegalStateException: boom") right above its frames is the
        # trace's too: it continues the message logged with it, as it does where it does not match the header.
        above = [i for i in np.flatnonzero(flags[1:]).tolist() if i > 0 and matched[i] and not flags[i]
                 and _EXCEPTION_LINE.match(_message_text(lines[i], messages[i])[:_HEAD_CHARS])]
        flags[above] = True
    # Python's traceback ends with an unindented "ValueError: ..." line right after its last frame; under a header
    # with a level of its own, that is a new event.
    def text(j: int) -> str:
        return _message_text(lines[j], messages[j]) if below and matched[j] else lines[j]

    for i in (np.flatnonzero(flags[:-1]) + 1).tolist():
        if flags[i] or blank[i] or (matched[i] and rule.header and not below):
            continue
        flags[i] = _ends_trace(text, i)
    _start_tracebacks(lines, blank, flags, matched if below else None, messages)
    flags[[i for i in np.flatnonzero(flags & ~matched).tolist() if is_separator(lines[i])]] = False
    if rule.paragraphs:
        _flag_boxes(lines, flags)
    # The line that closes a message continues it, whatever it opens with (a time the message wrote).
    return flags | _closing_lines(lines, matched, rule)


def _flag_boxes(lines: Sequence[str], flags: np.ndarray) -> None:
    """Make each box drawn with box-drawing characters one event: its first line starts it, its other lines
    (the sides, matching the header or not, and the bottom) continue it."""
    # A tool's console output frames an error so (terraform's "╷ │ Error: ... ╵") with no blank line around it.
    drawn = [line[:1] in _BOX_DRAWING for line in lines]
    for i in np.flatnonzero(drawn).tolist():
        flags[i] = i > 0 and drawn[i - 1]


def is_separator(line: str) -> bool:
    """Whether a line written without the header is no part of the message above it (:data:`_OWN_EVENT`)."""
    return line[:3] == "-- " and _OWN_EVENT.match(line) is not None


# The header fields that say who wrote a line: under a header of each line's own, a trace's lines share them. (Not
# a container's stream: a program may log an error to stdout and its trace goes to stderr.)
WRITER_FIELDS = ("host", "node", "component", "process", "pid", "thread", "tid")
# A program's one write (a message logged with its trace) reaches the header's clock within this many seconds.
SAME_WRITE_S = 1.0


def split_writers(fields: pd.DataFrame, matched: np.ndarray, blank: np.ndarray, flags: np.ndarray) -> np.ndarray:
    """``flags`` (n,) with the lines unflagged that a header of their own says another write made than the line
    above (a blank line between aside): another writer (another process or thread), or a time more than
    :data:`SAME_WRITE_S` later. Under a container runtime's header a crash's trace joined the
    unrelated request line logged ten minutes before it, and took its time."""
    rows = np.flatnonzero(flags & matched)
    if not len(rows):
        return flags
    filled = np.maximum.accumulate(np.where(blank, -1, np.arange(len(flags))))
    above = np.r_[-1, filled[:-1]][rows]
    rows, above = rows[above >= 0], above[above >= 0]
    rows, above = rows[matched[above]], above[matched[above]]
    other = np.zeros(len(rows), dtype=bool)
    for name in (n for n in WRITER_FIELDS if n in fields):
        # Both given: a message's own header read inside the runtime's gives its trace's lines none.
        values = fields[name]
        given = values.notna().to_numpy()
        values = values.to_numpy(dtype=object)
        other |= given[rows] & given[above] & (values[rows] != values[above])
    if "timestamp" in fields and fields["timestamp"].dtype.kind == "M":
        times = fields["timestamp"].to_numpy()
        other |= (times[rows] - times[above]) > np.timedelta64(int(SAME_WRITE_S * 1e9), "ns")
    out = flags.copy()
    out[rows[other]] = False
    return out


def _under_python_frame(text: Callable[[int], str], i: int) -> bool:
    """Whether line ``i`` (``text(j)``: line j as the rules read it) sits under a Python frame (``  File "..."``):
    its source line or the carets under that (Python 3.11's ``~~^~~``), indented, a line or two below."""
    return any(j >= 0 and _PY_FRAME.match(text(j)[:_HEAD_CHARS]) and all(text(k)[:1].isspace() for k in
                                                                          range(j + 1, i)) for j in (i - 1, i - 2))


def _closes_python_trace(text: Callable[[int], str], i: int) -> bool:
    """Whether line ``i`` is a Python trace's exception line: not indented, naming an exception, right under a
    frame or the indented lines under it (:func:`_under_python_frame`)."""
    line = text(i)[:_HEAD_CHARS] if i > 0 else ""
    if not line or line[:1].isspace() or (_PY_EXCEPTION.match(line) is None and _EXCEPTION_LINE.match(line) is None):
        return False
    above = text(i - 1)
    return _PY_FRAME.match(above[:_HEAD_CHARS]) is not None or (above[:1].isspace() and _under_python_frame(text,
                                                                                                              i - 1))


def _ends_trace(text: Callable[[int], str], i: int) -> bool:
    """Whether line ``i`` is the exception line that ends a trace: one any trace closes with (``ValueError:``,
    ``Caused by: ...``), or a Python trace's (:func:`_closes_python_trace`)."""
    return _EXCEPTION_LINE.match(text(i)[:_HEAD_CHARS]) is not None or _closes_python_trace(text, i)


def _start_tracebacks(lines: Sequence[str], blank: np.ndarray, flags: np.ndarray, matched: np.ndarray | None,
                      messages: np.ndarray | None) -> None:
    """Unflag, in place, a ``Traceback (most recent call last):`` line whose nearest line above (a blank line
    between aside) is the exception line that closed a trace: a new trace, an event of its own (a crashing job's
    stderr holds only traces). Under the "During handling of the above exception" line of a chained exception,
    or under the message logged with it, it stays in its event. ``matched``: where the messages are the text the
    rules read (a header without a level)."""
    def text(i: int) -> str:
        return _message_text(lines[i], messages[i]) if matched is not None and matched[i] else lines[i]

    # The word in the raw line first: a cheap test on every continuation line, the message's text on a few.
    for i in [i for i in np.flatnonzero(flags).tolist() if _TRACEBACK in lines[i]]:
        if not text(i).startswith(_TRACEBACK):
            continue
        j = i - 1 - int(i > 1 and blank[i - 1])
        if j >= 0 and flags[j] and not blank[j] and _ends_trace(text, j):
            flags[i] = False


def _holding_frame_words(messages: np.ndarray, words: Sequence[str] = _FRAME_WORDS, array=None) -> list[int]:
    """Indices of the messages that hold one of ``words`` (by default a word every stack frame holds: its "at"
    after a space, as a header may have taken the frame's indentation): one pass of them all, as few do and a
    regex on each costs more than parsing it; in Arrow (:func:`_holding_in_arrow`; ``array``: the messages'
    :func:`arrow_messages`, where made), else joined (:func:`_holding_in_joined`)."""
    found = _holding_in_arrow(messages if array is None else array, words)
    return found if found is not None else _holding_in_joined(messages.tolist(), words)


def _holding_in_joined(texts: list, words: Sequence[str]) -> list[int]:
    """:func:`_holding_frame_words` by searching the texts joined, a space before each, once per word."""
    try:
        text = " " + "\n ".join(texts)
    except TypeError:  # a message that is no text
        texts = [m if isinstance(m, str) else "" for m in texts]
        text = " " + "\n ".join(texts)
    hits: set[int] = set()
    for word in words:
        at = text.find(word)
        while at >= 0:
            hits.add(at)
            at = text.find(word, at + len(word))
    if not hits:
        return []
    # Where each message ends in the text, counting the space and line break between them (a message may hold
    # line breaks of its own).
    ends = np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 2)
    return np.unique(np.searchsorted(ends, sorted(hits), side="right")).tolist()


# What RE2 reads as other than itself: a word is searched for as written.
_RE2_SPECIAL = frozenset("\\.+*?()|[]{}^$")


def arrow_messages(texts, from_pandas: bool = False):
    """Texts (n,) as an Arrow string array (as they are where they are one), missing ones null (NaN too with
    ``from_pandas``); None where Arrow cannot take them as text alone (one that is no text, bytes among them, or
    not UTF-8): converted once for the searches of them all (:func:`empty_messages`, :func:`continuation_flags`)
    and for a chunk's keys (``streaming.arrow_texts``)."""
    import pyarrow as pa

    if isinstance(texts, pa.Array):
        return texts if texts.type == pa.string() else None
    try:  # inferred, not cast to text: a cast reads bytes as text (b"a" as "a"), which the searches take for none
        array = pa.array(texts, from_pandas=from_pandas)
    except (pa.ArrowException, UnicodeEncodeError):
        return None
    return array if array.type == pa.string() else None


def _holding_in_arrow(texts, words: Sequence[str]) -> list[int] | None:
    """:func:`_holding_frame_words` in one pass of RE2 over Arrow strings (``texts``, or their
    :func:`arrow_messages`), a word's leading space matching at a text's start too (as :func:`_holding_in_joined`'s
    space before each text does), where that searches the joined texts once per word; None where Arrow cannot take
    the texts as text alone or a word holds a line break."""
    import pyarrow.compute as pc

    if not words or any("\n" in word for word in words):
        return None
    array = arrow_messages(texts)
    if array is None:
        return None
    pattern = "|".join("(?:^| )" + _re2_literal(word[1:]) if word[:1] == " " else _re2_literal(word) for word in words)
    return np.flatnonzero(pc.match_substring_regex(array, pattern).fill_null(False).to_numpy(zero_copy_only=False)
                          ).tolist()


def _re2_literal(text: str) -> str:
    """An RE2 pattern that matches ``text`` as written."""
    return "".join("\\" + c if c in _RE2_SPECIAL else c for c in text)


def _message_text(line: str, message) -> str:
    """A matched line's message as the rules read it, with its indentation.

    A format string's spaces match a run of them, so a message read off a text header has lost its indentation;
    where the message ends the line, the whitespace before it but one separator is put back (a Python frame's
    ``  File "..."`` under a container runtime's header).
    """
    if not isinstance(message, str):
        return ""
    start = len(line) - len(message)
    if start >= 2 and line[start - 2] in " \t" and line.endswith(message):
        return line[len(line[:start].rstrip(" \t")) + 1:]
    return message


def event_lines(lines: Sequence[str], messages: np.ndarray, matched: np.ndarray, flags: np.ndarray) -> np.ndarray:
    """Object array (n,) of the rows' text as an event's text reads it: a continuation's message where it matched
    the header (:func:`_message_text`), any other line whole, and a box's side whole (its header is the box's)."""
    texts = np.asarray(lines, dtype=object)
    rows = [i for i in np.flatnonzero(flags & matched).tolist() if lines[i][:1] not in _BOX_DRAWING]
    if rows:
        texts = texts.copy()
        texts[rows] = [_message_text(lines[i], messages[i]) for i in rows]
    return texts


def event_text(message: str, lines: Sequence[str]) -> str:
    """The text an event is templated and scored by: its message (with up to 3 plain continuation lines),
    exception type and top (innermost) frame."""
    closing = [i for i in range(len(lines)) if _closes_python_trace(lines.__getitem__, i)]
    named = [(i, m.group(1)) for i, line in enumerate(lines)
             if not line[:1].isspace() and (m := _EXCEPTION_LINE.match(line[:_HEAD_CHARS]))]
    # Java names the exception thrown first, its causes after it; Python last, under the ones it was raised in.
    exception, at = (lines[closing[-1]].partition(":")[0].strip(), closing[-1]) if closing else \
        (named[0][1], named[0][0]) if named else (None, len(lines))
    # Lines that are neither frames nor exceptions (joined for lack of a header) are part of the message.
    heads = [s[:_HEAD_CHARS] for s in lines]
    # A call over its source line is a frame too where no arguments follow it: zap's stacktrace key writes the
    # logging call's stack so ("pkg.(*T).F" over "\tpkg/file.go:42"), no part of the message.
    go_calls = {i for i in range(len(heads)) if i and _go_call(heads[i - 1], heads[i])
                or i + 1 < len(heads) and _GO_SOURCE.match(heads[i + 1])}
    exceptions = set(closing) | {i for i, _ in named}
    plain = [s for i, s in enumerate(heads) if not s[:1].isspace() and not _FRAME.match(s)
             and i not in exceptions and i not in go_calls]
    if not plain and len((message or "").split()) <= 1:
        # A head with no message of its own (nothing after its fields, or a bare name: .NET's "info: App.Orders[14]"
        # over its indented message, a banner's empty line) is told by its first indented line, not by its name;
        # one above its trace: a trace's own lines (a frame's source line, a Go call's file) say no message.
        trace = next((i for i, s in enumerate(heads) if _FRAME.match(s) or i in exceptions or i in go_calls),
                     len(heads))
        plain = [s.strip() for s in heads[:trace] if s.strip()][:1]
    java = [s for s in lines if _JAVA_FRAME.match(s)]
    # Python lists the innermost frame last, just before the exception line.
    python = [s for s in lines[:at] if _PY_FRAME.match(s)] or [s for s in lines if _PY_FRAME.match(s)]
    go = [s for above, s in zip(heads, lines[1:]) if _GO_HEADER.match(above)]
    numbered = [s for s in heads if _NUMBERED_FRAME.match(s)]
    frame = java[0] if java else (python[-1] if python else (go[0] if go else numbered[0] if numbered else None))
    parts = [message or "", *plain[:_MAX_PLAIN], exception, frame.strip() if frame else None]
    return " ".join(p for p in parts if p)


def record_text(lines: Sequence[str]) -> str:
    """The text a record opened by comment lines of fields is templated by: the lines under its comment block
    (a statement: its kind leads), then the block's fields."""
    fielded = [_COMMENT_FIELD.match(s) is not None for s in lines]
    return " ".join([*(s.strip() for s, f in zip(lines, fielded) if not f), *(s for s, f in zip(lines, fielded) if f)])


def _joined_partials(content: np.ndarray, tags: np.ndarray | None, head: int, members: np.ndarray) -> tuple[str, int]:
    """The message of the event at ``head`` with the pieces of a line a container runtime split (CRI's records
    tagged ``P``, then the last ``F``) joined as written, without a space; and how many of ``members`` they are."""
    message = content[head] if isinstance(content[head], str) else ""
    k, row = 0, head
    while tags is not None and k < len(members) and members[k] == row + 1 and tags[row] == "P":
        row = members[k]
        message += content[row] if isinstance(content[row], str) else ""
        k += 1
    return message, k


_TRACEBACK = "Traceback (most recent call last):"
# Keys structured loggers put an exception's trace under, as column names (logstash-logback's, Elasticsearch's,
# ECS', structlog's, Serilog's, pino's and bunyan's, python-json-logger's).
TRACE_COLUMNS = ("stack_trace", "stacktrace", "error.stack_trace", "exception", "@x", "err.stack", "error.stack",
                 "exc_info")


def add_trace_events(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` of structured lines where a line whose trace sits under a key of its own (:data:`TRACE_COLUMNS`)
    gets the event text a multi-line trace gets (:func:`event_text`): its message, exception type and top frame.
    A value is a trace where it spans lines or opens with an exception or a frame (not an ``exception: false``)."""
    names = [c for c in TRACE_COLUMNS if c in frame.columns]
    if not names:
        return frame
    traces = frame[names].bfill(axis=1).iloc[:, 0].to_numpy(dtype=object)
    event = frame["event"].to_numpy(dtype=object, copy=True)
    content = frame["content"].to_numpy(dtype=object)
    blank = frame["blank"].to_numpy(dtype=bool)
    for i in np.flatnonzero(pd.notna(traces) & pd.isna(event) & ~blank).tolist():
        trace = traces[i]
        if isinstance(trace, str) and ("\n" in trace.strip() or _EXCEPTION_LINE.match(trace[:_HEAD_CHARS])
                                       or _FRAME.match(trace[:_HEAD_CHARS])):
            event[i] = event_text(content[i] if isinstance(content[i], str) else "", trace.split("\n"))
    frame["event"] = pd.Series(event, index=frame.index, dtype=object)
    return frame


def group_events(frame: pd.DataFrame, flags: np.ndarray, fields: Sequence[str], texts: np.ndarray,
                 level_line: bool = False, writers: np.ndarray | None = None,
                 comment_records: bool = False) -> pd.DataFrame:
    """Add ``event_line_no`` and ``event`` to a chunk of one file; continuation rows get their head's ``fields``
    of :data:`EVENT_FIELDS`, and of the others those they lack.

    ``flags`` (n,) marks continuation rows and ``texts`` (n,) holds what the rules read (:func:`event_lines`),
    of which an event's text is made; before the first unflagged row,
    only stack frames, indented lines and a Python trace's closing exception
    continue. Blank rows are their own and end no event. ``level_line``: a
    ``LEVEL:`` opening the line under a head sets the event's ``level`` (a
    column of the frame) and is left out of its text. ``writers`` (n,): each row's writer where several writers'
    lines interleave; a continuation joins the event of its own writer above it. ``comment_records``: the events
    are records opened by comment lines of fields, whose text is :func:`record_text`.
    """
    n = len(frame)
    line_no = frame["line_no"].to_numpy()
    blank = frame["blank"].to_numpy(dtype=bool)
    starts = ~flags & ~blank
    # Before the chunk's first head there is no event to continue: a line flagged only for not matching the header
    # starts one, and the stack frames and indented lines under it join it, as does the exception line that ends
    # a Python trace (a trace that opens the file).
    lead = np.flatnonzero(~blank[:int(np.argmax(starts)) if starts.any() else n])
    after_frame = False
    for i in lead:
        framed = is_frame_line(texts[i])
        starts[i] = not (framed or (after_frame and _ends_trace(texts.__getitem__, i)))
        after_frame = framed
    starts[lead[:1]] = True
    head = np.where(starts, np.arange(n), -1)
    if writers is None:
        head = np.maximum.accumulate(head) if n else head
    else:
        for writer in np.unique(writers):
            mine = writers == writer
            head[mine] = np.maximum.accumulate(head[mine])
    rows = np.flatnonzero(flags & ~blank & ~starts & (head >= 0))
    if writers is not None:
        # An event's rows in turn, each event's together: interleaved writers' events take turns in the file.
        rows = rows[np.argsort(head[rows], kind="stable")]
    heads = head[rows]
    event_line_no = line_no.copy()
    event_line_no[rows] = line_no[heads]
    event = np.full(n, None, dtype=object)
    if len(rows):
        content = frame["content"].to_numpy()
        level = frame["level"].to_numpy(copy=True) if level_line else None
        tags = frame["tag"].to_numpy(dtype=object) if "tag" in frame else None
        starts = np.flatnonzero(np.diff(heads, prepend=-1) != 0)
        for lo, hi in zip(starts, np.append(starts[1:], len(rows))):
            h, members = heads[lo], rows[lo:hi]
            lines = texts[members].tolist()
            found = _LEVEL_LINE.match(lines[0]) if level_line and members[0] == h + 1 else None
            if found:
                level[h], lines[0] = found.group(1), lines[0][found.end():]
            message, pieces = _joined_partials(content, tags, h, members)
            text = record_text([texts[h], *lines]) if comment_records else event_text(message, lines[pieces:])
            event[h] = text
            event[members] = text
        if level_line:
            frame["level"] = pd.Series(level, index=frame.index, dtype=object)
        for column in fields:
            values = frame[column].to_numpy(copy=True)
            # The event's time, level and component are its head's; a line's other fields stay its own where it
            # has them (the stream a container runtime wrote it to), and are its head's where it has none.
            take = np.ones(len(rows), dtype=bool) if column in EVENT_FIELDS else pd.isna(values[rows])
            values[rows[take]] = values[heads[take]]
            frame[column] = pd.Series(values, index=frame.index, dtype=frame[column].dtype)
        parsed = frame["parsed"].to_numpy(copy=True)
        parsed[rows] = parsed[heads]
        frame["parsed"] = parsed
    frame["event_line_no"] = event_line_no
    frame["event"] = pd.Series(event, index=frame.index, dtype=object)
    return frame
