"""JSON documents written over many lines, read as the records they hold.

A pretty-printed JSON array of records, an object whose list holds them (``kubectl get events -o json``'s
``items``, CloudTrail's ``Records``, on many lines or one; or an object's below it, as a search response's
``hits.hits``) and objects one after another (``jq .`` of JSON lines)
are read record by record, each as compact JSON with the line number it starts on, so the JSON-lines reader reads
them. The stream is read in blocks: memory holds one record (at most :data:`MAX_RECORD_CHARS`), not the document.
"""
from __future__ import annotations

import io
import json
import re
from typing import IO, Iterator, Sequence

from .formats import MESSAGE_NAMES
from .layout import LEVEL_KEYS, TIME_KEYS

__all__ = ["DocumentError", "JsonRecords", "opens_json_document", "MAX_RECORD_CHARS"]

# One record (or an envelope's keys before its records) may be this long; a longer one is read as text lines.
MAX_RECORD_CHARS = 1 << 26
_BLOCK_CHARS = 1 << 20
# Levels of objects whose lists of objects may be an envelope's records, the top's included: its own lists and
# those of objects up to two levels below it (a search result's {"hits": {"hits": [...]}} is one level down).
_ENVELOPE_DEPTH = 3
# Keys a log record names and an envelope does not: an object that holds them is a record, its nested lists its data.
_RECORD_NAMES = frozenset(k.lower() for k in TIME_KEYS + LEVEL_KEYS)
_SPACE = re.compile(r"[ \t\r\n]*")
_ARRAY_OPENS = re.compile(r"\[[ \t\r\n]*(.)", re.DOTALL)  # an array and the character that opens its first value
# A key of a JSON object written over many lines, indented: '  "reason": "BackOff",'.
_PRETTY_KEY = re.compile(r'\s+"[^"\n]*"\s*:')


class DocumentError(ValueError):
    """A JSON document cut short or invalid; the message says what, and the reader's mark is where its record
    began."""


class JsonRecords:
    """The records of the JSON documents in a text stream, read block by block: the items of a top-level array,
    the items of an envelope's lists of objects (a top-level object with no message key: its other keys describe
    the list and are no records), and any other top-level value whole."""

    def __init__(self, text: IO[str], first_line: int = 1) -> None:
        self.text = text
        self.buf, self.pos, self.line = "", 0, first_line  # the line ``pos`` is on
        self.mark, self.mark_line = 0, first_line  # the start of what is not yet read as records
        self.decoder = json.JSONDecoder()
        self.envelope = False  # whether records came out of an object's list
        # The records of the lists of the object being read, held until it shows it is an envelope; None: not held.
        self.held: list[tuple[int, object]] | None = None
        self.nested = False  # whether a list held lay below the object's top
        self.done = False  # the stream's end reached

    def __iter__(self) -> Iterator[tuple[int, str]]:
        """(line number, record as compact JSON) of each record; :class:`DocumentError` where the text is no JSON
        (:meth:`rest` then gives the text from where the record it is in began)."""
        while c := self._skip():
            self._set_mark()
            if c == "[":
                self.pos += 1
                yield from self._array()
            elif c == "{":
                yield from self._object()
            else:
                raise DocumentError(f"line {self.line}: {c!r} where a JSON object or array should open")

    def rest(self) -> str:
        """The text buffered from the mark on (on line :attr:`mark_line`; the stream holds what follows)."""
        return self.buf[self.mark:]

    def _set_mark(self) -> None:
        self.mark, self.mark_line = self.pos, self.line

    def _fill(self) -> bool:
        """Read a block more (as much as is buffered past the mark, at least): False at the stream's end. What is
        before the mark is dropped; a record past :data:`MAX_RECORD_CHARS` is an error."""
        kept = len(self.buf) - self.mark
        if kept > MAX_RECORD_CHARS:
            raise DocumentError(f"line {self.mark_line}: a record over {MAX_RECORD_CHARS:,} characters")
        block = "" if self.done else self.text.read(max(_BLOCK_CHARS, kept))
        self.done = not block
        self.buf, self.pos, self.mark = self.buf[self.mark:] + block, self.pos - self.mark, 0
        return bool(block)

    def _skip(self) -> str:
        """The next character past white space ("" at the end), white space counted in lines."""
        while True:
            end = _SPACE.match(self.buf, self.pos).end()
            self.line += self.buf.count("\n", self.pos, end)
            self.pos = end
            if self.pos < len(self.buf) or not self._fill():
                return self.buf[self.pos:self.pos + 1]

    def _expect(self, char: str) -> None:
        found = self._skip()
        if found != char:
            what = repr(found) if found else "the end of the file"
            raise DocumentError(f"line {self.line}: {what} where {char!r} should be")
        self.pos += 1

    def _value(self) -> object:
        """The JSON value at the reading position, read whole (more blocks read until it ends)."""
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
                if end < len(self.buf) or self.done:  # a number at the buffer's end may go on in the next block
                    break
            except RecursionError:  # nested deeper than Python's decoder recurses: no record to read
                raise DocumentError(f"line {self.line}: a value nested too deep to read") from None
            except json.JSONDecodeError as exc:
                if self.done:
                    cut = exc.pos >= len(self.buf) or "Unterminated" in exc.msg
                    raise DocumentError(f"line {self.line}: " + ("cut short" if cut else exc.msg)) from None
            self._fill()
        self.line += self.buf.count("\n", self.pos, end)
        self.pos = end
        return value

    def _array(self) -> Iterator[tuple[int, str]]:
        """The items of an array opened just before the reading position, each a record. The mark stays where it
        was (the array's or its envelope's start) until a record is read, then moves past each record read."""
        first = True
        while self._skip() != "]":
            if not first:
                self._expect(",")
                self._skip()
                if self.held is None:
                    self._set_mark()
            first = False
            line = self.line
            value = self._value()
            if self.held is None:
                yield line, _compact(value)
                self._skip()  # what follows a record is text not read yet, should it be no comma
                self._set_mark()
                continue
            self.held.append((line, value))
            if self.pos - self.mark > _BLOCK_CHARS:  # no log record holds a list this long: an envelope's
                yield from self._release()
        self.pos += 1

    def _object(self) -> Iterator[tuple[int, str]]:
        """A top-level object: the records of its lists of objects where it is an envelope (no message key), else
        itself. A list's records are held until the object ends (or they outgrow a block): a log record whose list
        of objects comes before its message ('{"tags": [{...}], "msg": ...}') is one record."""
        line, obj, self.held, self.nested = self.line, {}, [], False
        self.pos += 1
        try:
            yield from self._members(obj, _ENVELOPE_DEPTH)
        except DocumentError:
            if self.held and self._is_envelope(obj):  # an envelope cut short: the records before the damage
                yield from self._release()
            raise
        if self.held and self._is_envelope(obj):
            yield from self._release()
        elif self.held is not None:
            self.held = None
            yield line, _compact(obj)

    def _members(self, obj: dict, depth: int) -> Iterator[tuple[int, str]]:
        """Read the members of an object opened just before the reading position into ``obj``, or the records of
        its lists of objects, and of the lists of its objects ``depth`` levels down that name no message
        (Elasticsearch's ``{"hits": {"hits": [...]}}``)."""
        first = True
        while self._skip() != "}":
            if self.held is None:  # the records read, the envelope's other keys are what is left
                self._set_mark()
            if not first:
                self._expect(",")
                self._skip()
            first = False
            key = self._value()
            if not isinstance(key, str):
                raise DocumentError(f"line {self.line}: an object's key is no string")
            self._expect(":")
            self._skip()
            if _names_message([*obj, key]) or depth < 1:
                obj[key] = self._value()
            elif self._opens_objects():
                self.pos += 1
                self.nested |= depth < _ENVELOPE_DEPTH
                start = len(self.held or ())
                yield from self._array()
                if self.held is not None:
                    obj[key] = [value for _, value in self.held[start:]]
            elif self.buf.startswith("{", self.pos):
                self.pos += 1
                obj[key] = {}
                yield from self._members(obj[key], depth - 1)
            else:
                obj[key] = self._value()
        self.pos += 1

    def _is_envelope(self, obj: dict) -> bool:
        """Whether a top-level object whose lists of objects were held holds records: it names no message, nor,
        where a list lay below its top, a time or a level (a record's, as an audit event's requestObject.spec's
        containers are its data)."""
        return not _names_message(obj) and not (self.nested and any(k.lower() in _RECORD_NAMES for k in obj))

    def _release(self) -> Iterator[tuple[int, str]]:
        """The records held: their object is an envelope; the mark moves past them."""
        held, self.held, self.envelope = self.held or [], None, True
        for line, value in held:
            yield line, _compact(value)
        self._skip()
        self._set_mark()

    def _opens_objects(self) -> bool:
        """Whether the value at the reading position is an array whose first item is an object."""
        while (m := _ARRAY_OPENS.match(self.buf, self.pos)) is None and self.buf.startswith("[", self.pos):
            if not self._fill():
                return False
        return m is not None and m.group(1) == "{"


def _names_message(keys: Sequence[str]) -> bool:
    """Whether an object's keys so far name a message: a log record's, whose lists are its data."""
    return any(key.lower() in MESSAGE_NAMES for key in keys)


def _compact(value: object) -> str:
    """A JSON value on one line; a lone half of a UTF-16 pair its escape again (no UTF-8 text holds it)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = re.sub("[\ud800-\udfff]", lambda m: f"\\u{ord(m.group()):04x}", text)
    return text


def opens_json_document(lines: Sequence[str]) -> bool:
    """Whether a file's first lines open a JSON document to read as records: an array of objects, an object written
    over many lines (its keys indented on the lines below), or an envelope on one line (``{"Records": [{...``)."""
    lines = [line for line in lines if line.strip()]
    opened = lines[0].strip() if lines else ""
    if opened in ("[", "{"):
        return len(lines) > 1 and (_PRETTY_KEY.match(lines[1]) is not None if opened == "{" else
                                   lines[1].strip().startswith("{"))
    if re.match(r"\[\s*\{", opened):
        return True
    if not opened.startswith("{"):
        return False
    reader = JsonRecords(io.StringIO(lines[0]))
    try:
        next(iter(reader), None)
    except DocumentError:
        pass
    return reader.envelope

