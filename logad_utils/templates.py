"""Mine message templates: masking, then drain3's Drain, then a slot-merging pass.

Steps, for the distinct messages in order of first appearance:

1. :class:`~logad_utils.masking.Masker` replaces variables with typed
   placeholders (``<IP>``, ``<NUM>`` ...).
2. Tokens are split on whitespace; a run of variables (``<ID> <ID> <ID>``)
   becomes one token, as lists vary in length.
3. drain3's ``Drain`` clusters them with a variable-aware similarity: two
   tokens match when equal or when both are variables with the same constant
   skeleton (``<NUM>`` ~ ``<HEX>``, ``(<HOST>)`` ~ ``()``; a token with a digit
   left after masking is a variable too). Two different UPPER_CASE words
   (enum values such as RUNNING / FAILED) never match. The default ``sim_th``
   is high, so Drain joins messages that differ only in variables. A message
   is compared with its tree leaf's templates through a hash index (or one
   NumPy pass), not one by one: see :class:`_VarAwareDrain`.
4. Post-pass: templates of equal length that differ in one position are
   merged (that position becomes ``<*>``) when the position holds at least
   ``slot_min_values`` different words, or when one of them is a variable whose
   shape covers the others (``chdir(<PATH>)`` and ``chdir(pwd)``). A slot
   with many words is an open-ended parameter (a user name); one with two or
   three is more likely an enumeration (``startup`` / ``shutdown``), and the
   ground truth of log-parsing benchmarks splits those. The first
   ``protect_prefix`` tokens are never merged: like Drain, the miner assumes a
   message starts with constants.

Ids are 0..k-1 in order of first appearance; -1 means blank or no template. An
empty message (a header with nothing after it) is an event of its own, shown as
:data:`EMPTY_TEMPLATE`.
The template text keeps punctuation and units and writes variables as
placeholders, which read as Loghub-2.0's ``<*>`` (see
:func:`logad_utils.evaluate.normalize_template`). :func:`template_health`
says whether the templates of a log look usable.

drain3's ``Drain`` class is used directly rather than its ``TemplateMiner``
wrapper: the wrapper masks every message it sees (here each distinct message
is masked once, see :func:`mine_templates`) and persists with jsonpickle,
which runs code on load; models here are saved as plain JSON.
"""
from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from os import PathLike
from os.path import commonprefix
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

import numpy as np
import pandas as pd
from drain3.drain import Drain, Node

from .atomic import write_text
from .gc_pause import no_cyclic_gc
from .formats import LEVELS_RE, MESSAGE_KEYS, unnumbered
from .masking import CAPS_CODE, CLASS_TOKENS, Masker

__all__ = ["LogTemplateMiner", "mine_templates", "template_health", "health_line", "template_ids", "template_text",
           "WILDCARD"]

WILDCARD = "<*>"
EMPTY_TEMPLATE = "<empty>"  # the text of the template of a message with no tokens
_NO_TOKENS = -1  # the cluster of a message with no tokens: Drain mines none
_PLACEHOLDER = re.compile(r"<[A-Z*][A-Z0-9_]*>")
# What is left of a token with a digit once its core (first to last word
# character) is cut out: "V1R1.rts:" -> ":", so it is compatible with "<PATH>:".
_CORE = re.compile(r"\w(?:.*\w)?", re.DOTALL)
_BARE = ":,;.()[]{}'\"="  # punctuation around a word ("alice:" is alice)
_CODE = re.compile(CAPS_CODE)  # EAPOL-4WAY-HS-COMPLETED: its digit counts, it names an event
# A past participle that ends a label before its value (objects inspected: 309,202, objects deleted: 0): what was
# done to the things counted names the count, as an UPPER_CASE key does; a name before a colon is rarely one.
_PARTICIPLE_KEY = re.compile(r"[a-z]{3,}ed:")
# A verb's form before a colon (changed:, skipping:): a state or an action a message reports, no subject's name.
_VERB_FORM = re.compile(r"[A-Za-z]?[a-z]{2,}(?:ed|ing):")
_ENUM = re.compile(r"[^\w<]*[A-Z][A-Z_]*[A-Z][^\w>]*")
# Where a wildcard's constant text may end or start: punctuation (outside a placeholder), not a letter or digit.
_SLOT_EDGE = re.compile(r"[^\w\s]")
# A common start that ends in a "/" opening the value (at the token's start, or after a quote, bracket or "="): the
# values are absolute paths of one segment (/live, "/autodj"), whose "/" is theirs; api/<*> and <NUM>/<*> keep it.
_ROOT_SLASH = re.compile(r"(?:^|[\"'(\[{=])/$")
_GLUED_UNIT = re.compile(r"(?<=<DURATION>)(?:ns|us|\u00b5s|ms|s|m|h)(?![A-Za-z])")
# Placeholders one identifier may get by chance (a hex id with no letter is a <NUM>): one type in a list.
# A short hex word (ntpd's status 961a, 8a): longer ones are random ids as often, whose other values (1mxyz2k)
# are no hex; the run would then hold one token on some lines and two on others.
_HEX_WORD = re.compile(r"(?=[a-f]*\d)(?=\d*[a-f])[0-9a-f]{2,4}|(?=[A-F]*\d)(?=\d*[A-F])[0-9A-F]{2,4}")
_ID_LIKE = {"<NUM>": "<ID>", "<HEX>": "<ID>", "<ID>": "<ID>", WILDCARD: "<ID>"}
# Quantities with a unit: after a comma, one of them beside a value of another type is a field of its own (an id, or
# a size in bytes, then "1234 ms"), as a comma list holds values of one kind.
_MEASURES = frozenset({"<DURATION>", "<SIZE>"})
# A key=value field as a token, alone: a key of a word's characters, and a value with no list's comma, bracket
# or quote (Postfix's "to=<...>, relay=..., status=sent (250 ...)" is a list, its reason in parentheses).
_FIELD = re.compile(r"[A-Za-z][\w.\-]*+=[^\s,;()\[\]{}\"']++")
# The words of a value that runs to the line's end: no bracket or quote, which open a reason or a text of its own.
_TRAILING_WORDS = re.compile(r"[^()\[\]{}\"'=]++")
# The fields in a row before a last one whose value runs unquoted to the line's end: a record of fields, not prose.
_FIELDS_BEFORE = 3
# A hex number that may be one of a list of sequence numbers (Corosync's "Retransmit List: cfb cfc cfd"): only when
# a neighbour is the next or the previous one: a-f letters alone are words too (add, face), and a long hex value
# with digits an id of its own.
_HEX_NUMBER = re.compile(r"[0-9a-f]{2,16}|[0-9A-F]{2,16}")
# English words spelled with a-f alone: prose's "add adc" or "dead deae" holds a word, which no list of sequence
# numbers does (a run of them is a coincidence of the alphabet, not a list).
_HEX_WORDS = frozenset("ab abed accede ace aced ad add added babe bad bade be bead beaded bed bedded bee beef cab cafe "
                       "cede ceded dab dace dad dead deaf decade decaf deed deface defaced ebb ebbed efface facade "
                       "face faced fad fade faded fed fee feed".split())
# A list in braces or brackets (its items written with ", " and holding no "key: value" or key=value, which make
# a mapping: see _glued_list): one value ({aes256-cts(18), aes128-cts(17)}). No nesting, so linear.
_BRACKETED = re.compile(r"\{[^{}\n]*+\}|\[[^\[\]\n]*+\]")
# A field's bracketed phrase saying it has no value (Kea's cid=[no info], key=(not set)): one token, as the field's
# values are one placeholder each, so that an event does not split by whether its client sent the field.
_NO_VALUE = re.compile(r"(?<==)[\[(<{]not? (?:info|information|value|data|set|available|given|specified|provided)"
                       r"[\])>}]", re.IGNORECASE)
# A list of quoted words written with spaces (Go's %q of a slice: ["sre" "oncall"]): one value too.
_QUOTED_LIST = re.compile(r"""[\[{](?:"[^"\s]*+"|'[^'\s]*+')(?: (?:"[^"\s]*+"|'[^'\s]*+'))++[\]}]""")
_MAPPING = re.compile(r"""(?:^.|, )\s*+(?:"[^"]*+"|'[^']*+')\s*+:|(?:^.|, )\s*+[\w.\-]++=""")
# A list of masked values in brackets or braces written with spaces (pebble's files "[000123 000124]"): its
# items share the bracket's tokens, so lists of different lengths would give templates of different lengths.
_SPACED_LIST = re.compile(r"(?<!\S)([\[{])(<[A-Z]+>(?: <[A-Z]+>)++)([\]}])")
# The closing bracket of each opening one: a run they enclose is one value. Not parentheses, which hold
# reasons as often (``(Connection reset by peer)``), nor quotes, which ``quoted_phrases`` reads.
_CLOSERS = {"[": "]", "{": "}"}
_KEY_WORD = re.compile(r"[A-Za-z][\w\-]*+:")  # a key before its value ("extension:"), not a value's colon (<IP>:)
# A parenthesis a label and its colon open ((Win: 10.0.19045), (X11: Ubuntu 22.04.3 LTS)) holds a value of the
# label's kind, no reason: a run it encloses is one value too.
_LABELLED = re.compile(r"\([A-Za-z]\w*+:")
_QUALIFIER = re.compile(r"\(<[A-Z]+>\)")  # a value in parentheses that qualifies a name: (2018), (2)
# A parenthesis of counts, each of a kind (Open vSwitch's "(2 adds, 1 deletes)", "(3 modifications)"): a tally
# whose kinds one statement lists only where their count is not zero, so its length varies within one event.
_TALLY = re.compile(r"\(<NUM> [A-Za-z]\w*+(?:, <NUM> [A-Za-z]\w*+)*+\)")
# A quoted word in a list: "core20", 'eth0';
_ITEM = re.compile(r"""(?:"[^"\s]*+"|'[^'\s]*+')[,;]?""")
# A quoted masked value in a list: "<IP>", '<PATH>';
_MASKED_ITEM = re.compile(r"""(["'])(<[A-Z]++>)\1[,;]?""")
# The kinds of masked value one list may mix: an id's forms, an address' (names and numbers of hosts), a location's
# (paths and URLs).
_LIST_KINDS = {**_ID_LIKE, "<HOST>": "<IP>", "<URL>": "<PATH>"}
# A quoted span: its quotes open and close at token edges (not the apostrophe of "can't"); escaped quotes inside.
# An escaped quote opens none, so that a line of them is read in linear time. Backquotes quote names too (Go's and
# MySQL's errors, Odoo's "Job `Mail: Fetchmail Service` done."); GNU's `word' closes with no backquote: no span.
# Without backquoted_phrases a backquote opens no span either: one would hide the quotes inside it (`echo 'a b'`).
_QUOTES = r""""(?:[^"\\\n]|\\.)*+"|'(?:[^'\\\n]|\\.)*+'"""
_QUOTED = re.compile(rf"""(?<![\w\\])(?:{_QUOTES})(?!\w)""")
_QUOTED_OR_BACKQUOTED = re.compile(rf"""(?<![\w\\])(?:{_QUOTES}|`(?:[^`\\\n]|\\.)*+`)(?!\w)""")
# Fields whose value is the message, each value an event of its own (msg="Starting server"), and fields whose value
# is an error's message (zap's and klog's err="...", logrus' error="..."): each error text names its own event.
_MESSAGE_FIELDS = frozenset(k.lower() for k in MESSAGE_KEYS) | {"err", "error"}
# A flag's value: true or false as a word of its own or after a key (end_stream=false, isEmpty:true).
_BOOLEAN = re.compile(r"(?<![A-Za-z])(?:true|false)(?![A-Za-z])", re.IGNORECASE)
# A switch's value: on or off, no part of a word (on-line, power-off are words). After a verb they are its own
# (logged on, Turning OFF): an event's words.
_SWITCH = re.compile(r"(?<![\w\-])(?:on|off)(?![\w\-])", re.IGNORECASE)
# What a switch's bare value follows: a key (POWER = ON, state: off, state ON) or "to" (state changed to on).
_SWITCH_KEY = re.compile(r"\S*[=:]|to|state", re.IGNORECASE)
# A set of flags written as a comma list of short lower-case words (a DNS reply's qr,aa,rd; mount's rw,noatime).
_FLAG_LIST = re.compile(r"[a-z]{1,8}(?:,[a-z]{1,8})+")
# A token that is one quoted value, brackets or closing marks around it ("glock", ("chest"), ["a b"]), or a list of
# them glued into one (["sre" "oncall"]: see _QUOTED_LIST; \ue000 is _GLUE).
_QUOTED_VALUE = re.compile(r"""[(\[{<]*(?:"[^"]*"|'[^']*')(?:\ue000(?:"[^"]*"|'[^']*'))*[)\]}>,;:.]*""")
# A name in a namespace (an event type, charge.refunded; a metric, http.requests): a value, not a word.
_DOTTED = re.compile(r"[a-z][a-z0-9_]*+(?:\.[a-z][a-z0-9_]*+)++")
# A name in code written in lowerCamelCase (a query, a method: countOpenOrders): no word of prose is written so.
_CAMEL = re.compile(r"[a-z]+(?:[A-Z][a-z0-9]*)+")
# An exception's class, as Java, .NET and Python write it (java.io.IOException:, [NullPointerException],
# psycopg2.OperationalError): a dotted name whose last part is a capitalised word ending in Exception or Error.
_EXCEPTION = re.compile(r"[\[({]?(?:[A-Za-z_][\w$]*\.)*[A-Z][\w$]*(?:Exception|Error)[:.,;\])}]*")
# A Ruby exception's class in parentheses, as Logger writes it after the message: a namespaced constant or an error
_RUBY_CLASS = re.compile(r"\((?:[A-Z]\w*+::)++[A-Z]\w*+\)|\([A-Z]\w*(?:Exception|Error)\)")
_METHODS = "GET|HEAD|POST|PUT|DELETE|PATCH|OPTIONS|CONNECT|TRACE|PROPFIND|MKCOL|COPY|MOVE|LOCK|UNLOCK"
# A request line ("GET /x HTTP/1.1", "CONNECT <HOST>:<NUM>", "GET http://<URL>"): its method names the event.
_REQUEST = re.compile(rf"(?:{_METHODS})\s+(?:[/*]|<(?:PATH|URL|HOST|IP)>|[a-z][a-z0-9+.\-]*://)")
# An HTTP method as a named field's value, after its key (method=GET, "method":"POST",).
_METHOD_VALUE = re.compile(rf"[\"']?(?:{_METHODS})[\"']?,?")
_METHOD = re.compile(_METHODS)
# A word that names the value written after it with a space, as a key before its = does: an HTTP method after
# "method" ("(method GET)", "Method: POST,"), a name after "type" ("of type int", "worker type normal"), an
# UPPER_CASE name after "using" or "via" ("using SSH.", "via IPMI"): which method a request used, of which type a
# value or a worker is, through which interface or protocol an action came, is the event's parameter. No state
# follows "using" or "via" as it follows "to" or "is" (changed to RUNNING): those names are no enum's.
_NAMING_KEY = re.compile(r"[\[({]?[\"']?(method|type|using|via)[\"']?:?", re.IGNORECASE)
_TYPE_NAME = re.compile(r"[A-Za-z][\w.|\\\-]*+")
_MEANS_NAME = re.compile(r"[A-Z][A-Z0-9_\-]++")
# The kind of value each naming word names after it.
_NAMED_VALUES = {"method": _METHOD, "type": _TYPE_NAME, "using": _MEANS_NAME, "via": _MEANS_NAME}
# A user's name after "user:" or "username:" ("IP: <IP>, username: admin") is the event's parameter too, as Loghub
# writes a user's name (OpenSSH's "Invalid user <*> from <*>"); only with the colon: "user created" / "user deleted"
# are two events.
_USER_KEY = re.compile(r"[\[({]?[\"']?user(?:name)?[\"']?:", re.IGNORECASE)
# A quoted message of another program's, opening with its level in capitals ("NOTICE: PHP message: ..."): its words
# name the event, as a msg= field's do. Other labels open free text: a subject ("Re: ..."), a commit ("fix: ..."),
# a header ("Content-Type: ..."), an exception's text ("Error: ...").
_NESTED_MESSAGE = re.compile(r"(?=[A-Z]+: )" + LEVELS_RE + ": ")
_GLUE = "\ue000"  # joins a quoted phrase's words into one token: private use, neither a space nor a word character
# Opens a delimited record's cell after its first (",igb0"): shown glued to the token before it, as the record wrote it.
_CELL = "\ue001"
_EMPTY, _WORD, _VALUE = 1, 2, 4  # what a record's cell holds (see LogTemplateMiner._merge_records)
_FILLED = _WORD | _VALUE  # a cell that held both is two fields
# A delimited record (a firewall's filterlog line: 5,,,1000000103,igb0,match,block,...): six cells or more, one of
# them empty between two commas (a list leaves no item empty; a record, the fields it has no value for), no space,
# quote or bracket (JSON, a bracketed list). Its cells are fields in fixed places: tokens of their own.
_RECORD = re.compile(r"[^\s,\"'`()\[\]{}]*+(?:,[^\s,\"'`()\[\]{}]*+){5,}")
# A delimited record that ends the message, its cells written with spaces (a country, "United States") or quoted
# (CSV's quotes around a text with commas): six cells or more, one empty, no comma before a space outside quotes
# (a list in prose writes one), no bracket in a cell with a space (a list), most cells without a space. Words
# before its first cell are the message's (a host's name that no header took). Each cell is read to its comma at
# once and never again: a cell that two kinds read alike (a word) tried both ways at every cell, 2**n tries on a
# long record that failed at its end.
_RECORD_LEAD = re.compile(r'(?:[^\s,"]++\s+)*')
_CELL_END = r"(?=,|\Z)"
_SPACED_RECORD = re.compile(rf'(?>"[^"]*"{_CELL_END}|[^\s,"]*+)(?:,(?>"[^"]*"{_CELL_END}'
                            rf'|[^\s,"\[\]{{}}](?:[^,"\[\]{{}}]*[^\s,"\[\]{{}}])?{_CELL_END}|[^\s,"]*+{_CELL_END})){{5,}}')
_RECORD_CELL = re.compile(r'(?:^|,)("[^"]*"|[^,"]*)')
# A record of key=value fields glued by ";" (Kamailio's ACC: timestamp=<NUM>;method=INVITE;...;reason=OK): three fields
# or more, no space. Each key names the value after it, in a fixed place: its cells are tokens of their own too.
_KEYED_RECORD = re.compile(r"[A-Za-z_][\w.\-]*=[^\s;]*+(?:;[A-Za-z_][\w.\-]*=[^\s;]*+){2,}")
# A chain of parenthesised fields (an Oracle TNS descriptor, (CONNECT_DATA=(CID=(PROGRAM=perl)(HOST=db1))...); an
# LDAP filter, (&(uid=alice)(objectClass=user))): a paren that opens a field (its key) or another, and one that closes.
_CHAIN_PAREN = re.compile(r"\((?:[A-Za-z_][\w.\-]*=)?|\)")
# What opens a record's cell after its first: its comma, its ";" and key, or the parens that close the fields before
# it and the paren and key that open it (the parens that close a chain: its last cell).
_CELL_HEAD = re.compile(_CELL + r"(?:,|;[^=]*=|\)*(?:\([^=]*=)?)")
_SPACE = re.compile(r"\s+")
# A quoted record of fields ('invokerid=3 invokername=Grimm reasonmsg=kicked out'): the key that opens it, and a
# space inside a value (not before the next key), which alone the record's glue joins.
_RECORD_KEY = re.compile(r"[A-Za-z_][\w.\-]*=")
_VALUE_SPACE = re.compile(r"\s+(?!\s|[A-Za-z_][\w.\-]*=)")
# What follows a quoted message (klog's, or TiDB's in brackets): its key=value fields, nothing, or the bracket.
_FIELDS_OR_END = re.compile(r"\s*+(?:$|[\])]|[A-Za-z_][\w.\-]*=)")
# A field's name, in the token before its value ("server:", "\"method\":") or opening the value's own token
# ("tf_rpc=<*>"), or opening a bracketed record's first field ("[type=EntityZombie,"): the wildcard there holds a
# named value, not a word of the event.
_KEY = re.compile(r"[\[(]?[\"']?[A-Za-z_@][\w.@\-]*[\"']?[=:]")
# A call's name before the one value in its parentheses (channel(archive), client(<IP>:<NUM>)): it says what the
# value is, as a field's key does, so two calls' values are two fields. Only where the token ends with the call,
# and not before a list, fields or brackets (f(<EMAIL>,<IP>), Pool(name=x), f(Session[<*>])): those are the template's.
_CALL_NAME = re.compile(r"[A-Za-z_][\w.\-]*+\((?=[^()\[\]{}\s,;=]++\)[,.:;]?$)")
# A field's value that is one word of letters (tcp, on-demand, LOGIN,): no placeholder, quote or bracket.
_WORD_VALUE = re.compile(r"[A-Za-z][\w\-]*[,;]?")
# A field's key written with a colon (collection:, replicaPlacement:): a name of letters, digits and "_" alone, not
# a host's (db-1:) nor a dotted name's.
_COLON_KEY = re.compile(r"[A-Za-z_]\w*+:")


def _field_word(token: str) -> bool:
    """Whether a token is a named field, its key unbracketed and unquoted, holding one word that is no level
    (``protocol=tcp``, not ``at=error``, ``[type=Entity,`` or ``msg="Created``)."""
    key, value = _field_parts(token)
    return key[:1].isalpha() and _is_word_value(value)


def _is_word_value(value: str) -> bool:
    """Whether a field's value is one word of letters (:data:`_WORD_VALUE`) that is no level."""
    return _WORD_VALUE.fullmatch(value) is not None and not _LEVEL.fullmatch(value.rstrip(",;"))


def _colon_field(token: str) -> re.Match[str] | None:
    """A ``key:value`` token's key (:data:`_COLON_KEY`), where a value is glued on; None for other tokens."""
    key = _COLON_KEY.match(token)
    return key if key and key.end() < len(token) else None


def _word_field(tokens: Sequence[str], at: int) -> tuple[str, str] | None:
    """The key and word of a field at ``at`` holding one word (``protocol=tcp``; ``collection:logs``, as Go's ``%+v``
    writes a struct's; ``collection: logs``, its key the token before), else None."""
    token = tokens[at]
    if _field_word(token):
        return _field_parts(token)
    if (glued := _colon_field(token)) is not None:
        return (glued.group(), token[glued.end():]) if _is_word_value(token[glued.end():]) else None
    spaced = at > 0 and _COLON_KEY.fullmatch(tokens[at - 1]) is not None and _is_word_value(token)
    return (tokens[at - 1], token) if spaced else None


def _spaced_key(tokens: Sequence[str], at: int) -> bool:
    """Whether the token at ``at``, if any, is a key written alone before its spaced value (``volumeId:``)."""
    return 0 <= at < len(tokens) and _COLON_KEY.fullmatch(tokens[at]) is not None


def _any_field(tokens: Sequence[str], at: int) -> bool:
    """Whether the token at ``at``, if any, opens a field: a spaced key, ``key:value`` or ``key=value``."""
    return 0 <= at < len(tokens) and (_spaced_key(tokens, at) or _colon_field(tokens[at]) is not None
                                      or bool(_field_parts(tokens[at])[0]))


def _record_word(tokens: Sequence[str], at: int) -> bool:
    """Whether a field's word (:func:`_word_field`) at ``at`` has another field of its kind after it: ``protocol=tcp
    sport=<NUM>``, ``collection:logs replicaPlacement:<NUM>``, ``collection: logs volumeId: <NUM>`` (the next key's
    value a masked one: ``error: dial tcp: lookup`` is a reason's words). Spaced, a record shows itself by a
    separator after the word (``module: influxdb, version: <NUM>``) or a third field before or after (``threshold:
    <NUM> collection: logs volumeId: <NUM>``): two alone are a reason after a colon, ``error: open failed: <PATH>``."""
    field, after = _word_field(tokens, at), tokens[at + 1:at + 3]
    if field is None or not after:
        return False
    if field[0].endswith("="):
        return bool(_field_parts(after[0])[0])
    if _colon_field(tokens[at]) is not None:
        return _colon_field(after[0]) is not None
    if len(after) < 2 or not _spaced_key(tokens, at + 1) or not _PLACEHOLDER.search(after[1]):
        return False
    third_before = _spaced_key(tokens, at - 3) and not _spaced_key(tokens, at - 2)
    return tokens[at].endswith((",", ";")) or third_before or _any_field(tokens, at + 3)


# A name inside a token, placeholders and punctuation around it apart: hq-dc1 in <hq-dc1|<NUM>>, 'hq-dc1', hq-dc1{2}.
_NAME = re.compile(r"[A-Za-z][\w.\-]*[A-Za-z0-9]")
# A name in curly braces, whole token: a context a program writes before its message ({users}, {ns-1}).
_BRACED_NAME = re.compile(r"\{" + _NAME.pattern + r"\}")
# A name a token holds, no digit, not a placeholder's: br-lan of DHCPACK(br-lan), amavis of amavis:<NUM>.
# A part of a dotted name (operationExecutor.MountVolume) is none: it names code, which names the event.
_NAME_IN_TOKEN = re.compile(r"(?<![<\w\-])(?<!\w\.)[A-Za-z][A-Za-z_\-]*(?![\w>\-])(?!\.\w)")
# Names joined by "/" into a path of three or more (tele/plug/STATE), not two (read/write, TCP/IP, and/or).
_NAME_PATH = re.compile(r"[A-Za-z_][\w\-]*+(?:/[A-Za-z_][\w\-]*+){2,}")
# An auxiliary or copula verb after a message's first word ("alice is now logged in", "job7 has finished"): the
# word before it is the sentence's subject, no verb that names the event, where it is a bare name (no key glued on).
_AUXILIARY = frozenset("is isn't was wasn't are aren't were weren't has hasn't had hadn't have haven't will won't can "
                       "can't cannot could couldn't does doesn't did didn't should shouldn't must".split())
# A capitalised word of letters alone (Connection, Server) opens a sentence about a thing, which names its event.
_CAPITALISED = re.compile(r"[A-Z][a-z]+")
# A name's token holds a value or a word besides it (a placeholder's name, or letters and digits).
_GLUED_NAME = re.compile(r"[^\W_]")
# How many events the same few words must split, each at one slot, to be read as their parameter.
_RECURRING_EVENTS = 3
# Fewer distinct words than this at one slot may name events (states, keys) however low slot_min_values is.
_FEW_WORDS_FLOOR = 8
# An arrow between a state left and one entered (Changing state: Owner -> Claimed).
_ARROWS = frozenset({"->", "=>", "\u2192"})
_FORMAT = "logad-templates"
_FORMAT_VERSION = 13
_READS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13)  # the format versions this logad reads
# The longest name a span takes: device, task and service names run to a few words.
_SPAN_WORDS = 6
# The longest run a bracket or brace opens and closes that a span takes: a payload (a tuple, a sentence) runs
# longer than a name, and its brackets bound it.
_BRACKET_SPAN_WORDS = 16


def _is_tally(tokens: Sequence[str], at: int) -> bool:
    """Whether a tally in parentheses (:data:`_TALLY`) opens at ``tokens[at]`` and closes within a bracket's span."""
    if not tokens[at].startswith("(<NUM>"):
        return False
    for end in range(at, min(at + _BRACKET_SPAN_WORDS, len(tokens))):
        if tokens[end].endswith(")"):
            return _TALLY.fullmatch(" ".join(tokens[at:end + 1])) is not None
    return False


def _varied_before(keys: dict[int, tuple[str, ...]], events: list[tuple[list[int], int, tuple[str, str]]]) -> bool:
    """Whether events (members, position of the words that split them, frame) of one shape, words before and at
    the position aside, differ in the word before it: that word is another value (``job backup|sync started``),
    and the split words are the events' own (``started`` / ``stopped``), not names a format writes after a word
    of its own (``master mymaster`` / ``master cache``)."""
    before: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for members, pos, _ in events:
        if pos:
            before[_without(keys[members[0]], (pos - 1, pos))].add(keys[members[0]][pos - 1])
    return any(len(words) > 1 for words in before.values())


def _without(tokens: tuple[str, ...], holes: tuple[int, ...]) -> tuple[str, ...]:
    """The tokens but those at the positions ``holes`` (sorted)."""
    out, last = [], 0
    for i in holes:
        out.extend(tokens[last:i])
        last = i + 1
    return (*out, *tokens[last:])


def _is_hole(token: str) -> bool:
    """A template token that takes other words: ``<*>``, ``<*>:``, ``imap(<*>)<<*>>``."""
    return WILDCARD in token


def _is_bare_variable(skeleton: str | None) -> bool:
    """Whether a token whose :meth:`_Tokens.skeleton` is given is a value alone, no letter of a word beside it."""
    return skeleton is not None and not any(c.isalpha() for c in skeleton)


def _key_of(token: str) -> str | None:
    """The key that opens a field's token (``rpc=`` of ``rpc=Read``), None for other tokens."""
    key = _KEY.match(token)
    return key.group() if key and key.end() < len(token) else None


def _opens_phrase(value: str) -> bool:
    """Whether a field's value opens a quoted phrase it does not close (``message="Created`` of ``message="Created
    pod: web-1"``): the phrase's first word, its verb, names the event as a state does."""
    return len(value) > 1 and value[0] in "\"'" and value.count(value[0]) == 1


def _field_parts(token: str) -> tuple[str, str]:
    """A ``key=value`` token's key (with its ``=``) and value; ``("", token)`` for other tokens."""
    key = _key_of(token)
    return (key, token[len(key):]) if key and key.endswith("=") else ("", token)


def _named_by(token: str) -> str | None:
    """What names a token's value: a field's key (``rpc=``), or a call's name and paren (``client(`` of
    ``client(<IP>:<NUM>)``); None for other tokens."""
    call = _CALL_NAME.match(token)
    return _key_of(token) or (call.group() if call else None)


def _call_wildcard(values: Sequence[str]) -> str:
    """A merged slot's wildcard: ``queue(<*>):`` where every value is a call of that name, ending alike (queue(a):,
    queue(b):), as its name says what the value is and a bare ``<*>`` would equal other names' calls; else ``<*>``."""
    calls = [_CALL_NAME.match(v) for v in values]
    shapes = {(m.group(), v[v.rindex(")"):]) if m else None for m, v in zip(calls, values)}
    if len(shapes) != 1 or None in shapes:
        return WILDCARD
    (name, tail), = shapes
    return f"{name}{WILDCARD}{tail}"


def _note_fields(fields: dict[int, list[str | None]], cluster: int, tokens: list[str]) -> None:
    """Keep, per position of a cluster's messages, what all of them name the token there with (:func:`_named_by`;
    None: not one name); ``tokens``: one more message of ``cluster``. A template's wildcard forgets its key."""
    known = fields.get(cluster)
    if known is None:
        fields[cluster] = [_named_by(t) for t in tokens]
        return
    for i, key in enumerate(known):
        if key is not None and not tokens[i].startswith(key):
            known[i] = None


def _glued_list(bracketed: re.Match) -> str:
    """A bracketed span as one token (its spaces made ``_GLUE``) when it is a list: items written with ", ", no
    mapping (``{"user": "bob", "action": "login"}``, ``{rep=aes(18), tkt=aes(17)}`` keep their keys' tokens), or
    quoted words written with spaces."""
    text = bracketed.group()
    listed = ", " in text and not _MAPPING.search(text) or _QUOTED_LIST.fullmatch(text)
    return _SPACE.sub(_GLUE, text) if listed else text


def _chain_cells(chain: str) -> list[str]:
    """A chain of parenthesised fields' cells (:data:`_CHAIN_PAREN`): each field's paren, key and value after the
    parens that close the fields before it, the chain's last parens a cell of their own; ``[chain]`` for a token
    whose parens do not pair, or of fewer than three cells before its last parens."""
    cells, start, cut, end, fields = [], 0, -1, 0, []  # cut: where the parens that close fields before here begin
    for paren in _CHAIN_PAREN.finditer(chain):
        if paren.start() > end:
            cut = -1  # words between: the parens before them closed a value's own, (TNS V1-V3)
        end = paren.end()
        if paren.group() == ")":
            if not fields:
                return [chain]
            if fields.pop() and cut < 0:
                cut = paren.start()
            continue
        fields.append(len(paren.group()) > 1)
        if fields[-1] and (at := paren.start() if cut < 0 else cut) > start:
            cells.append(chain[start:at])
            start = at
        cut = -1
    if fields or len(cells) < 2 or cut < start:
        return [chain]
    return [cells[0], *(_CELL + cell for cell in (*cells[1:], chain[start:cut], chain[cut:]))]


def _glued_chains(tokens: list[str]) -> list[str]:
    """The tokens, a chain of parenthesised fields (:func:`_chain_cells`) that a value's spaces cut (``(PROGRAM=JDBC
    Thin Client)``) glued back into one, its spaces ``_GLUE``, over up to :data:`_BRACKET_SPAN_WORDS` tokens."""
    out: list[str] = []
    at = 0
    while at < len(tokens):
        tok, end = tokens[at], at + 1
        depth = tok.count("(") - tok.count(")") if tok[:1] == "(" and "=" in tok else 0
        while depth > 0 and end < len(tokens) and end - at < _BRACKET_SPAN_WORDS:
            depth += tokens[end].count("(") - tokens[end].count(")")
            end += 1
        glued = _GLUE.join(tokens[at:end])
        chained = end > at + 1 and depth == 0 and len(_chain_cells(glued)) > 1
        out.append(glued if chained else tok)
        at = end if chained else at + 1
    return out


def _spaced_record(text: str) -> list[str] | None:
    """A message that ends in a delimited record with spaces in its cells (:data:`_SPACED_RECORD`) as tokens: the
    words before it, then each cell as :func:`_record_cells` writes it, its spaces glued; a quoted text's words are
    tokens of their own after an empty cell (the record's message, whose words name its event); None for another
    message."""
    lead = _RECORD_LEAD.match(text).end()
    if not _SPACED_RECORD.fullmatch(text, lead) or ",," not in text:
        return None
    cells = _RECORD_CELL.findall(text[lead:])
    spaced = sum(" " in cell for cell in cells)
    # A record of plain cells is :data:`_RECORD`'s, whose cells hold no bracket or quote: a list in brackets at the
    # message's end, (a,b,,c,d,e,f), stays one token. A last cell with spaces unquoted is words after the record
    # (",e done" / ",e failed"), which name the event, not a cell whose words are a field's.
    last = cells[-1]  # one at least: the first cell opens at the record's start
    if 2 * spaced >= len(cells) or not spaced and not any(cell[:1] == '"' for cell in cells) \
            or " " in last and last[:1] != '"':
        return None
    out = text[:lead].split()
    for at, cell in enumerate(cells):
        head = _CELL + "," if at else ""
        out += [head, *cell.split()] if cell[:1] == '"' and " " in cell else [head + cell.replace(" ", _GLUE)]
    return [t for t in out if t]


def _record_cells(token: str, commas: bool, keyed: bool, nested: bool = False) -> list[str] | None:
    """A record's cells as tokens (None for another token): with ``commas``, a delimited record's, the first as
    written, each other as its comma and value after :data:`_CELL` (the first cell empty: the second's comma opens
    the record's first token); with ``keyed``, a keyed record's (:data:`_KEYED_RECORD`), each as its ``;key=value``;
    with ``nested``, a chain of parenthesised fields' (:func:`_chain_cells`)."""
    if nested and token[:1] == "(" and len(cells := _chain_cells(token)) > 1:
        return cells
    if keyed and ";" in token and _KEYED_RECORD.fullmatch(token):
        first, *rest = token.split(";")
        return [first, *(f"{_CELL};{cell}" for cell in rest)]
    if not commas or ",," not in token or not _RECORD.fullmatch(token):
        return None
    first, *rest = token.split(",")
    cells = [f"{_CELL},{cell}" for cell in rest]
    if not first:
        cells[0] = cells[0][1:]
    return [first, *cells] if first else cells


class _SlotIndex:
    """Clusters of one length grouped as equal but at one position (their keys without it), position by position.

    Found with a linear hash of the token codes (as :meth:`LogTemplateMiner._merge_pairs` finds pairs): leaving a
    position out subtracts its term, one NumPy pass over the clusters, and the clusters that share a hash are then
    checked exactly. A long template (thousands of tokens) costs its length once, not once a position.
    """

    def __init__(self, group: list[int], keys: dict[int, tuple[str, ...]],
                 previous: "_SlotIndex | None" = None) -> None:
        self.group, self.keys = group, keys
        # ``previous``: an index of the same length whose clusters include ``group``'s. A cluster whose key is the
        # object it read keeps its row; only the merged clusters' new keys are read, as a rebuild after each merge
        # read every token of a group of thousands. The codes only sort clusters for the exact check: any serve.
        self.codes: dict[str, int] = previous.codes if previous is not None else {}
        self.seen = [keys[c] for c in group]
        row = {c: i for i, c in enumerate(previous.group)} if previous is not None else {}
        kept = [i for i, c in enumerate(group) if c in row and previous.seen[row[c]] is keys[c]]
        length = len(self.seen[0]) if group else 0
        table = np.empty((len(group), length), dtype=np.uint64)
        if kept:
            table[kept] = previous.table[[row[group[i]] for i in kept]]
        fresh = sorted(set(range(len(group))) - set(kept))
        if fresh:
            codes = self.codes
            table[fresh] = [[codes.setdefault(t, len(codes)) for t in self.seen[i]] for i in fresh]
        self.table = table
        weights = np.random.default_rng(length).integers(1, 2**63, size=length, dtype=np.uint64) | np.uint64(1)
        self.terms = table * weights  # wraps modulo 2**64, as a hash may
        self.total = self.terms.sum(axis=1)
        self.varied = set(np.flatnonzero((table != table[:1]).any(axis=0)).tolist()) if len(group) else set()
        self.whole = self._shared(self.total, lambda k: k)

    def slots(self, pos: int) -> list[list[int]]:
        """The groups of two clusters or more equal but at ``pos``, in the order of their first in ``group``."""
        if pos not in self.varied:  # one token throughout: equal but there is equal
            return self.whole
        return self._shared(self.total - self.terms[:, pos], lambda k: k[:pos] + k[pos + 1:])

    def _shared(self, hashed: np.ndarray, key) -> list[list[int]]:
        # Only the rows whose hash recurs are looked at in Python: in a large group most are alone.
        _, inverse, counts = np.unique(hashed, return_inverse=True, return_counts=True)
        groups: dict[tuple, list[int]] = defaultdict(list)
        for r in np.flatnonzero(counts[inverse] > 1).tolist():
            c = self.group[r]
            groups[key(self.keys[c])].append(c)
        return [members for members in groups.values() if len(members) > 1]


class _ClosePairs:
    """The pairs of rows of a code table (clusters × tokens) that differ in two columns or fewer, and where.

    Two clusters merge at slots (p, q) only if they differ nowhere else, so these pairs name the columns worth
    trying for each p: R² L work once and R L a merge, where a hash per (p, q) costs R L² (a message of 30,000
    tokens is 30,000 sorts). Kept as counts by the columns that differ: none, one, or two (first, second).
    """

    def __init__(self, table: np.ndarray) -> None:
        self.table = table
        self.partners: dict[int, dict[int, tuple[int, ...]]] = defaultdict(dict)
        self.same, self.ones, self.twos = 0, Counter(), defaultdict(Counter)
        for i in range(len(table) - 1):
            self._compare(i, np.arange(i + 1, len(table)))

    def _compare(self, i: int, others: np.ndarray) -> None:
        """Record the rows of ``others`` that differ from row i in two columns or fewer."""
        differ = self.table[others] != self.table[i]
        near = np.flatnonzero(differ.sum(axis=1) <= 2)
        for j, columns in zip(others[near].tolist(), differ[near]):
            where = tuple(np.flatnonzero(columns).tolist())
            self.partners[i][j] = self.partners[j][i] = where
            self._count(where, 1)

    def _count(self, where: tuple[int, ...], step: int) -> None:
        """Add ``step`` to the count of pairs that differ at ``where``."""
        if not where:
            self.same += step
        elif len(where) == 1:
            self.ones[where[0]] += step
        else:
            self.twos[where[0]][where[1]] += step

    def refresh(self, i: int, dead: list[int], live: np.ndarray) -> None:
        """Forget the ``dead`` rows' pairs and row i's, then compare row i, changed, with the ``live`` rows."""
        for r in [*dead, i]:
            for j, where in self.partners.pop(r, {}).items():
                if self.partners[j].pop(r, None) is not None:
                    self._count(where, -1)
        self._compare(i, live[live != i])

    def columns(self, p: int, first: int, last: int) -> list[int]:
        """The columns q in [first, last) at which two rows are equal but at p and q, ascending."""
        if self.same or self.ones[p]:
            return list(range(first, last))
        found = {a for a, n in self.ones.items() if n and first <= a < last}
        found.update(b for b, n in self.twos.get(p, {}).items() if n and first <= b < last)
        return sorted(found)


def _in_sequence(tokens: Sequence[str], at: int) -> bool:
    """Whether ``tokens[at]`` and a token beside it are hex numbers one apart (a list of sequence numbers), their
    list separators ``,;`` aside, and neither is a word (:data:`_HEX_WORDS`)."""
    here = tokens[at].rstrip(",;")
    if here.lower() in _HEX_WORDS:
        return False
    for near in (at - 1, at + 1):
        item = tokens[near].rstrip(",;") if 0 <= near < len(tokens) else ""
        if _HEX_NUMBER.fullmatch(item) and item.lower() not in _HEX_WORDS and abs(int(item, 16) - int(here, 16)) == 1:
            return True
    return False


def _trailing_value(tokens: list[str]) -> list[str]:
    """The tokens, the words that end a message after its last field of :data:`_FIELDS_BEFORE` or more key=value
    fields in a row glued into that field's value (an accounting log's ``... priv-lvl=15 cmd=show ip route``):
    the value a command or a text runs to the line's end, unquoted; the tokens as they are for another message."""
    last = next((at for at in range(len(tokens) - 2, _FIELDS_BEFORE - 1, -1) if "=" in tokens[at]), 0)
    if not last or not all(_TRAILING_WORDS.fullmatch(tok) for tok in tokens[last + 1:]):
        return tokens
    key, _, value = tokens[last].partition("=")
    if not _FIELD.fullmatch(tokens[last]) or not value[:1].isalpha() or key.lower() in _MESSAGE_FIELDS \
            or not all(_FIELD.fullmatch(tok) for tok in tokens[last - _FIELDS_BEFORE:last]):
        return tokens
    return [*tokens[:last], _GLUE.join(tokens[last:])]


def _other_kinds(prev: str, tok: str) -> bool:
    """Whether two quoted items are masked values of different kinds (vsftpd's ``"<IP>", "<PATH>"``): fields in
    their places, as a list holds values of one kind (see ``_LIST_KINDS``)."""
    first, second = _MASKED_ITEM.fullmatch(prev), _MASKED_ITEM.fullmatch(tok)
    return bool(first and second) and _LIST_KINDS.get(first[2], first[2]) != _LIST_KINDS.get(second[2], second[2])


def _one_item(listed: re.Match) -> str:
    """A bracketed list of masked values written with spaces as one item: its type, or ``<*>`` for ids of several."""
    items = set(listed.group(2).split())
    kinds = {_ID_LIKE.get(item, item) for item in items}
    item = items.pop() if len(items) == 1 else WILDCARD if len(kinds) == 1 else None
    return listed.group() if item is None else f"{listed.group(1)}{item}{listed.group(3)}"


def _depth_after(token: str, opener: str, depth: int) -> tuple[int, bool]:
    """The bracket depth after a token, starting at ``depth``, and whether the outermost ``opener`` closed at the
    token's end (with closing punctuation after it); a bracket that closes before the end opens no run, unless
    another opens right after it (``[<NUM>][Slow Horses]``: brackets glued together are one record)."""
    closer, end = _CLOSING[opener], len(token.rstrip(".,;:"))
    for pos, ch in enumerate(token):
        if ch == opener:
            depth += 1
        elif ch == closer:
            depth -= 1
            if depth == 0 and token[pos + 1:pos + 2] != opener:
                return (-1, False) if pos != end - 1 else (0, True)
    return depth, False


def _clause_length(run: Sequence[str], opener: str, depth: int) -> int:
    """How many tokens of ``run`` its clause takes: up to the one that closes ``opener``, open ``depth`` times
    before the run; all of them without an opener."""
    if opener:
        for m, token in enumerate(run, 1):
            token = _PLACEHOLDER.sub("", token)
            depth += token.count(opener) - token.count(_CLOSING[opener])
            if depth <= 0:
                return m
    return len(run)


def _run_edges(runs: Sequence[Sequence[str]]) -> str:
    """The wildcard of a span with the punctuation that opens every run's first token and closes every run's
    last (``<*>:`` for ``Power Button:``, ``Logitech USB Receiver:``), bar a sentence's stop before a closing bracket
    or quote, which is the sentence's (:data:`_SENTENCE_END`), and a bracket a run pairs inside itself
    (:func:`_own_brackets`)."""
    opens = commonprefix([re.match(r"[^\w<]*", run[0]).group() for run in runs])
    closes = commonprefix([re.search(r"[^\w>]*$", run[-1]).group()[::-1] for run in runs])[::-1]
    opens, closes = _own_brackets(opens, _SENTENCE_END.sub("", closes), [" ".join(run) for run in runs])
    return f"{opens}{WILDCARD}{closes}"


def _unpaired(values: Sequence[str], head: str, tail: str, more: str, than: str) -> bool:
    """Whether a value holds between ``head`` and ``tail`` more of the bracket ``more`` than of its pair ``than``."""
    return any((mid := v[len(head):len(v) - len(tail)]).count(more) > mid.count(than) for v in values)


def _own_brackets(head: str, tail: str, values: Iterable[str]) -> tuple[str, str]:
    """A wildcard's shared start ``head`` and end ``tail`` without the brackets that a value opens or closes inside
    itself: ``TimeoutError()`` and ``KeyError('id')`` end alike in ``)``, which closes their own ``(``, so the
    wildcard is ``<*>``, not ``<*>)`` (a bracket left outside pairs with none). A bracket the values hold whole stays:
    ``(<*>)`` of ``(1)``, ``(22)``."""
    values = list(values)
    while tail and tail[0] in _OPENER_OF and _unpaired(values, head, tail, _OPENER_OF[tail[0]], tail[0]):
        tail = tail[1:]
    while head and head[-1] in _OPENERS and _unpaired(values, head, tail, _CLOSING[head[-1]], head[-1]):
        head = head[:-1]
    return head, tail


def _after_key(tokens: Sequence[str], at: int) -> bool:
    """Whether ``tokens[at]`` opens a bracket or a brace right after a word that ends in a colon, a key that names
    what the bracket holds."""
    return at > 0 and tokens[at][:1] in _CLOSERS and _KEY_WORD.fullmatch(tokens[at - 1]) is not None


def _values(run: Sequence[str]) -> int:
    """How many values a run stands for at least: a bare ``<*>`` was mined from two or more, a run of words is one."""
    return 2 if len(run) == 1 and run[0] == WILDCARD else 1


def _join_equal(templates: dict[int, tuple[str, ...]], root: dict[int, int]) -> dict[int, int]:
    """``root`` (merged cluster -> surviving one) with surviving clusters whose templates read the same made
    one, the lowest id kept: two clusters may differ in where mining put a wildcard and show the same text
    once each wildcard is written out, which no user, nor :meth:`LogTemplateMiner.transform`, could tell apart."""
    first: dict[tuple[str, ...], int] = {}
    joined = {c: first.setdefault(templates[c], c) for c in sorted(templates) if c not in root}
    return {c: joined[r] for c, r in {**root, **joined}.items() if joined[r] != c}


def _shown(template: tuple[str, ...]) -> str:
    """A template's text: its tokens, a quoted phrase's words apart, a record's cells glued; :data:`EMPTY_TEMPLATE`
    for no tokens."""
    return " ".join(template).replace(" " + _CELL, "").replace(_GLUE, " ") if template else EMPTY_TEMPLATE


def _in_placeholders(token: str) -> list[bool]:
    """Per character of a token, whether it is part of a placeholder (``<NUM>``); other ``<`` and ``>`` are
    punctuation (``<site-ams|<NUM>>``)."""
    inside = [False] * len(token)
    for m in _PLACEHOLDER.finditer(token):
        inside[m.start():m.end()] = [True] * (m.end() - m.start())
    return inside


def _cut_head(text: str, inside: list[bool]) -> str:
    """The longest start of a token's common start that ends in punctuation outside a placeholder ("" if none);
    ``inside``: per character, whether it is part of a placeholder (:func:`_in_placeholders`)."""
    cut = 0
    for i, char in enumerate(text):
        if not inside[i] and _SLOT_EDGE.fullmatch(char):
            cut = i + 1
    return text[:cut]


def _cut_tail(text: str, inside: list[bool]) -> str:
    """The longest end of a token's common end that starts with punctuation outside a placeholder ("" if none);
    ``inside``: per character, whether it is part of a placeholder (:func:`_in_placeholders`)."""
    cut = len(text)
    for i in range(len(text) - 1, -1, -1):
        if not inside[i] and _SLOT_EDGE.fullmatch(text[i]):
            cut = i
    return text[cut:]


def _is_unit(token: str, before: str) -> bool:
    """Whether a token is a measure's unit: up to three characters and no digit (°C, %, lx, dBm) after a variable
    (``before``: that token's key, which :meth:`_Tokens.norm` marks with a leading NUL for a variable)."""
    return before[:1] == "\x00" and 0 < len(token) <= 3 and not any(c.isdigit() or c in "<>" for c in token)


def _list_items(token: str) -> int:
    """How many items a list glued into one token (:func:`_glued_list`) holds, commas inside its quoted values
    none (a JSON context's {"sql":"select a, b"}); 1 for another token."""
    return _QUOTED.sub("", token).count("," + _GLUE) + 1 if _GLUE in token else 1


def _to_list_edges(head: str, tail: str) -> tuple[str, str]:
    """A wildcard's shared start and end cut back to a list's brackets: the start to its first ``[`` or ``{``, the
    end from the bracket that closes it (``{`` and ``(<NUM>)})`` give ``{`` and ``})``); either kept where none."""
    opens = min((at for at in (head.find("["), head.find("{")) if at >= 0), default=len(head) - 1)
    depth = 0
    for at, char in enumerate(tail):
        depth += (char in "[{(") - (char in "]})")
        if depth < 0:
            return head[:opens + 1], tail[at:]
    return head[:opens + 1], tail


_KEYED_WILDCARD = f"{WILDCARD}={WILDCARD}"
# A flag's name and its "=" where a token's varying part opens: a name, not a list's item (BigTableReader(path=...)).
_FIELD_KEY = re.compile(r"[A-Za-z][\w.\-]*+=(?!=)")


class _Around:
    """The text every token seen at one wildcard shares around it: what they all open and end with, cut where
    punctuation starts or ends it (``user=<*>`` for user=alice and user=bob, ``'<*>'``, ``JID-<*>:``,
    ``<*>:<IP>``); a word or a placeholder is never cut, and a token seen alone is itself."""

    def __init__(self) -> None:
        self.first: str | None = None
        self.head = self.tail = ""  # common start, and common end reversed
        self.shortest = 0
        self.items: set[int] = set()  # how many items a glued list held, per token seen (see _list_items)
        # The punctuation character every token seen repeats, alone ("" if none): a redacted secret (PASS ******)
        # whose run only changes length is the value whole, not asterisks and more.
        self.run = ""
        # Per character of the common start (end, reversed): part of a placeholder in any token seen. Where "id=<"
        # opens both id=<NUM> and id=<abc>, its "<" is no punctuation to cut at, whichever came first.
        self.inside_head: list[bool] = []
        self.inside_tail: list[bool] = []
        # The tokens counted: adding one again changes nothing (each fact above is a min, an intersection or a
        # union), and a cluster's messages repeat most of their values at a wildcard.
        self.seen: set[str] = set()

    def add(self, token: str) -> None:
        """Count one message's token."""
        if token in self.seen:
            return
        self.seen.add(token)
        if self.first is None:
            self.first, self.head, self.tail, self.shortest = token, token, token[::-1], len(token)
            self.inside_head = _in_placeholders(token)
            self.inside_tail = self.inside_head[::-1]
            self.items.add(_list_items(token))
            self.run = token[0] if token and _SLOT_EDGE.fullmatch(token[0]) and not token.strip(token[0]) else ""
        else:  # a token not seen is not the first
            self.run = self.run if token and not token.strip(self.run) else ""
            self.head = commonprefix([self.head, token])
            self.tail = commonprefix([self.tail, token[::-1]])
            self.shortest = min(self.shortest, len(token))
            self.items.add(_list_items(token))
            if "<" in token:
                marks = _in_placeholders(token)
                self.inside_head = [a or b for a, b in zip(self.inside_head, marks)]
                self.inside_tail = [a or b for a, b in zip(self.inside_tail, reversed(marks))]

    def text(self) -> str:
        """The wildcard's template token."""
        if len(self.seen) < 2:  # one token throughout, or none
            return self.first if self.first is not None else WILDCARD
        if self.run:
            return WILDCARD
        head = _cut_head(self.head, self.inside_head)
        if _ROOT_SLASH.search(head):  # /live and /autodj share a path's root, not a constant: the value is the path
            head = head[:-1]
        tail = self.tail[:self.shortest - len(head)][::-1]
        tail = _cut_tail(tail, self.inside_tail[:len(tail)][::-1])
        if len(self.items) > 1:  # a list of as many items as its shortest would misread the longer: all is one value
            head, tail = _to_list_edges(head, tail)
        for quote in "\"'":
            head, tail = self._paired(quote, head, tail)
        head, tail = _own_brackets(head, tail, self.seen)
        return head + (_KEYED_WILDCARD if self._keyed(head, tail) else WILDCARD) + tail

    def _keyed(self, head: str, tail: str) -> bool:
        """Whether every token seen is a command line's flag and its value after the shared dash (``--help="false"``,
        ``--port=10259``): ``--<*>=<*>``, the flag a parameter of the event as its value is. (Another key=value
        whose key varies, ZooKeeper's ``environment:host.name=...``, stays one value, as Loghub writes it.)"""
        return head[-1:] == "-" and "=" not in tail and all(_FIELD_KEY.match(tok, len(head)) and _GLUE not in tok
                                                            for tok in self.seen)

    def _paired(self, quote: str, head: str, tail: str) -> tuple[str, str]:
        """The shared start and end without a ``quote`` whose pair the values hold (``--help="false"``,
        ``--config=""``: ``--<*>``, not ``--<*>"``), where every token seen pairs its quotes."""
        if (head.count(quote) + tail.count(quote)) % 2 == 0 or any(tok.count(quote) % 2 for tok in self.seen):
            return head, tail
        if quote in tail:
            return head, tail[tail.rindex(quote) + 1:]
        return head[:head.index(quote)], tail


# Guillemets quote too: CockroachDB marks a redactable value with single ones (state ‹running›), and French and
# other prose writes double ones.
_CLOSING = {"[": "]", "(": ")", "{": "}", '"': '"', "'": "'", "‹": "›", "«": "»"}
_OPENERS = "[({"  # the brackets that may hold a clause
_OPENER_OF = {_CLOSING[o]: o for o in _OPENERS}
# A sentence's stop before the bracket or quote that closes it is the sentence's, a value's part: Vector's
# "Internal log [Retrying after error.] is being suppressed" shows "[<*>]", not "[<*>.]".
_SENTENCE_END = re.compile(r"^[.!?]++(?=[\])}\"'›»])")
_TAG_CLOSING = {"[": "]", "<": ">", "(": ")"}  # a tag's brackets: [sshd], <site-ams|12>, (worker-3)
_PAIRED = {**_CLOSING, "<": ">"}  # what a value's brackets or quotes may be, placeholders' own included
_LEVEL = re.compile(LEVELS_RE, re.IGNORECASE)


# What may close a token whose bracket stays open: the message goes on inside it.
_OPEN_TAIL = ",;:"


def _crossed(runs: set[tuple[str, ...]]) -> bool:
    """Whether exceptions (class, then message) cross: two classes or more, each message printed with two of them or
    more (``IOException: Broken pipe``, ``SshException: Broken pipe``, ...). Class and message vary apart: both are
    values, not the words of an event, however few words come before."""
    classes: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for run in runs:
        classes[run[1:]].add(run[0])
    return len({run[0] for run in runs}) > 1 and all(len(named) > 1 for named in classes.values())


def _inside_brackets(values: set[str]) -> list[str] | None:
    """What tokens hold inside one pair of brackets or quotes where only that differs (``query[A]``,
    ``query[ANY]``: ``A``, ``ANY``), or after a bracket they leave open, else None."""
    # The shared text may reach into the values ("A", "ANY"; "login", "signin"): cut back to the brackets.
    prefix = commonprefix(list(values))
    opened = max(prefix.rfind(c) for c in _CLOSING)
    if opened < 0:
        return None
    opener, closer = prefix[opened], _CLOSING[prefix[opened]]
    if opener == closer and prefix.count(opener, 0, opened) % 2:
        return None  # the quote that closes an earlier quoted text ('"a",b1,"c"'), not one that opens
    suffix = commonprefix([v[::-1] for v in values])[::-1]
    closed = suffix.find(closer)
    if closed >= 0:
        inside = [v[opened + 1:len(v) - len(suffix) + closed] for v in values]
    elif opener != closer and prefix[opened - 1:opened].isalnum() and not any(closer in v for v in values):
        # A call's bracket the token leaves open ("GetObject(bucket=x," before "object=y)") holds the rest of the
        # token; one that opens a phrase ("(normal refresh requested)") holds words of the event.
        inside = [v[opened + 1:].rstrip(_OPEN_TAIL) for v in values]
    else:
        return None
    # An escaped quote inside quotes (a JSON record in a quoted line, {\"level\":1}) neither opens nor closes them.
    bare = [x.replace("\\" + closer, "") if opener == closer else x for x in inside]
    return inside if all(x and opener not in x and closer not in x for x in bare) else None


def _one_shape(values: set[str], word: re.Pattern[str]) -> str | None:
    """The text tokens share around one ``word`` each (``\\x00`` in its place), None where they differ elsewhere."""
    shapes = set()
    for value in values:
        shape, n = word.subn("\x00", value)
        if n != 1:
            return None
        shapes.add(shape)
    return shapes.pop() if len(shapes) == 1 else None


def _is_flag(values: set[str]) -> bool:
    """Whether tokens differ only in one true/false each: a flag's value is a parameter, however few its values
    (Loghub-2.0's corrected templates write ``maps.isEmpty=<*>``)."""
    return _one_shape(values, _BOOLEAN) is not None


def _is_switch(values: set[str], before: str) -> bool:
    """Whether tokens differ only in one on/off each (:data:`_SWITCH`) written as a value: glued to a key or quoted
    (``state=on``, ``'ON'``), or bare after a key or ``to`` (:data:`_SWITCH_KEY`); a switch's value, as a flag's."""
    shape = _one_shape(values, _SWITCH)
    return shape is not None and (shape.rstrip(",;.") != "\x00" or _SWITCH_KEY.fullmatch(before) is not None)


def _named_value(before: str) -> re.Pattern[str] | None:
    """The kind of value (:data:`_NAMED_VALUES`) that ``before`` names, where it is a naming word
    (:data:`_NAMING_KEY`)."""
    key = _NAMING_KEY.fullmatch(before)
    return None if key is None else _NAMED_VALUES[key.group(1).lower()]


def _is_named_value(values: set[str], before: str) -> bool:
    """Whether tokens are the values of the word before them (:data:`_NAMING_KEY`): HTTP methods after ``method``
    (``(method GET)``, ``Method: POST,``), names after ``type`` (``of type int``), UPPER_CASE names after ``using``
    or ``via`` (``using SSH.``)."""
    value = _named_value(before)
    return value is not None and all(value.fullmatch(v.strip(_BARE)) for v in values)


def _named_words(taken: dict[str, set[str]]) -> set[str]:
    """The words, punctuation aside, that slots after a naming word (:data:`_NAMING_KEY`) held in ``taken`` (the
    words a merged slot held, by the token before it) and that are its kind of value (:func:`_is_named_value`)."""
    return {word for before, values in taken.items() if (value := _named_value(before)) is not None
            for word in (v.strip(_BARE) for v in values) if value.fullmatch(word)}


def _is_user_name(values: set[str], before: str) -> bool:
    """Whether tokens are user names after ``user:`` or ``username:`` (:data:`_USER_KEY`), however few."""
    return bool(_USER_KEY.fullmatch(before)) and all(_TYPE_NAME.fullmatch(v.strip(_BARE)) for v in values)


def _taken_before(values: set[str], before: str, taken: dict[str, set[str]]) -> bool:
    """Whether a slot's few words were all merged as a parameter after ``before``, or, names with a mark, after
    ``_RECURRING_EVENTS`` tokens each (``before`` may be one) where a slot after ``before`` was merged too: names
    that fill several events' parameters."""
    if len(values) < 2 or before not in taken:
        return False
    # Names with a mark only (frontend.web, search-api.prod): words of letters that commands' slots took (start,
    # stop) are the event's own words elsewhere ("Failed to start unit" / "Failed to stop unit").
    return values <= taken[before] or all(not v.strip(_BARE).isalpha()
                                          and sum(v in held for held in taken.values()) >= _RECURRING_EVENTS
                                          for v in values)


def _is_flag_list(values: set[str]) -> bool:
    """Whether tokens are sets of flags that share one (``qr,aa,rd``, ``qr,rd,ra``): which are set is a parameter,
    however few the sets."""
    sets = [set(v.split(",")) if _FLAG_LIST.fullmatch(v) else set() for v in values]
    return all(sets) and bool(set.intersection(*sets))


def _is_class(token: str) -> bool:
    """Whether a token is a placeholder that names a class of values (an HTTP status' class), punctuation aside."""
    return token.strip("\"'()[],;:") in CLASS_TOKENS


class _Tokens:
    """Token-level facts, cached (masked logs reuse a small vocabulary)."""

    def __init__(self, digits_are_vars: bool, caps_constants: bool) -> None:
        self.digits_are_vars = digits_are_vars
        self.caps_constants = caps_constants
        self._skeleton: dict[str, str | None] = {}
        self._enum: dict[str, bool] = {}
        self._norm: dict[str, str] = {}
        self._run_kind: dict[str, tuple[str, int]] = {}

    def skeleton(self, token: str) -> str | None:
        """Constant part of a variable-like token (placeholders cut out), None for a constant token."""
        try:
            return self._skeleton[token]
        except KeyError:
            pass
        if _is_class(token):
            sk = None  # a class of values (an HTTP status' class) is a word of the event
        elif "<" in token and _PLACEHOLDER.search(token):
            sk: str | None = _PLACEHOLDER.sub("", token)
        else:
            # Left over by masking (ssh2, test9, V1R1.rts): such tokens vary
            # far more often than they name another event.
            sk = self._digit_core(token, "")
        self._skeleton[token] = sk
        return sk

    def compared(self, token: str) -> str | None:
        """The skeleton two tokens must share to be compatible: a time unit glued to a duration is part of the
        variable there, as Go scales it with the value (845µs, 12ms, 1.2s); lists and words read the skeleton."""
        sk = self.skeleton(token)
        if sk is None:
            # A field's HTTP method (method=GET / POST) is a request's parameter, not a state: its key is compared.
            key = _key_of(token)
            return key if key and _METHOD_VALUE.fullmatch(token, len(key)) else None
        return sk if not sk or "<DURATION>" not in token else _PLACEHOLDER.sub("", _GLUED_UNIT.sub("", token))

    def is_enum(self, token: str) -> bool:
        """UPPER_CASE word such as RUNNING or TASK_ABORT, or a quoted phrase of them ("NOT FOUND"): an enum
        constant."""
        try:
            return self._enum[token]
        except KeyError:
            words = [word for word in token.split(_GLUE) if word.strip("'\"")]  # " NOT FOUND": no word before NOT
            e = self.caps_constants and bool(words) and all(_ENUM.fullmatch(word) for word in words) \
                or _is_class(token)
            self._enum[token] = e
            return e

    def compatible(self, a: str, b: str) -> bool:
        """Equal, or variable-like with equal skeletons (``(<HOST>)`` ~ ``()``)."""
        if a == b:
            return True
        sa, sb = self.compared(a), self.compared(b)
        if sa is None and sb is None:
            return False
        return (a if sa is None else sa) == (b if sb is None else sb)

    def norm(self, token: str) -> str:
        """Equal norms <=> compatible tokens: variables become a marked skeleton."""
        try:
            return self._norm[token]
        except KeyError:
            sk = self.compared(token)
            out = self._norm[token] = token if sk is None else "\x00" + sk
            return out

    def run_kind(self, token: str) -> tuple[str, int]:
        """The token without trailing ``,;`` and what it is in a list run: 1 a masked variable or a short hex word
        (ntpd's status ``961a 8a``, which masking leaves), 2 another word with digits, 0 neither (the whole token must
        be variable), cached."""
        try:
            return self._run_kind[token]
        except KeyError:
            item = token.rstrip(",;")
            masked = "<" in item or _HEX_WORD.fullmatch(item) is not None
            out = self._run_kind[token] = (item, (1 if masked else 2) if item and self.skeleton(item) == "" else 0)
            return out

    def wildcarded(self, token: str) -> str | None:
        """Variable-like token with its variable parts as <*> (``rhost=<*>``); None for a constant."""
        if self.skeleton(token) is None:
            key = self.compared(token)  # a field's HTTP method: method=<*>, its quotes and comma as written
            return None if key is None else key + _METHOD.sub(WILDCARD, token[len(key):], count=1)
        if "<" in token and _PLACEHOLDER.search(token):
            return _PLACEHOLDER.sub(WILDCARD, token)
        return self._digit_core(token, WILDCARD)

    def _digit_core(self, token: str, by: str) -> str | None:
        """``token`` with the core of its value that holds digits replaced ``by`` (with ``digits_are_vars``), or
        None where its value has no digit. A field's key is a name, whatever its digits (a0="ls"), and so is a
        call's (``queue(<*>):`` of queue(tail42#tmp):, not ``<*>):``)."""
        call = _CALL_NAME.match(token)
        key, value = (call.group(), token[call.end():]) if call else _field_parts(token)
        if self.digits_are_vars and any(c.isdigit() for c in value) and not _CODE.fullmatch(value.strip(_BARE)):
            return key + _CORE.sub(by, value, count=1)
        return None

    def generalise(self, a: str, b: str) -> str:
        """Template token covering both, keeping their common constant part, else <*>.

        ``rhost=<*>`` for rhost=<IP> and rhost=<HOST>; ``chdir(<*>)`` for
        chdir(<PATH>) and chdir(pwd); ``(<*>)`` for (<HOST>) and ().
        """
        if a == b:
            return a
        # Durations in other units (0s, 1ms): the unit scales with the value, so it is the <*>'s; "<*>s," read no
        # "1ms," later on. A duration and a word keep the unit ("<*>ms" is no "Cycle").
        if "<DURATION>" in a and (bare := _GLUED_UNIT.sub("", a)) == _GLUED_UNIT.sub("", b) != a:
            return _PLACEHOLDER.sub(WILDCARD, bare)
        wa, wb = self.wildcarded(a), self.wildcarded(b)
        if wa is not None and wa == wb:
            return wa
        for w, other in ((wa, b), (wb, a)):
            if w is not None and w != WILDCARD and self.covers(w, other):
                return w
        return WILDCARD

    @staticmethod
    def covers(wildcarded: str, token: str, empty: bool = True) -> bool:
        """Whether a token with ``<*>`` in it (``user=<*>``) reads a token, each ``<*>`` as any text (``empty``:
        possibly none, else one character at least).

        Its constant pieces are found in order, each as early as it can be, which is exact for such patterns; a
        regex would backtrack over every split of a long token that fails."""
        if WILDCARD not in wildcarded:
            return wildcarded == token
        first, *middle, last = wildcarded.split(WILDCARD)
        gap = 0 if empty else 1
        end = len(token) - len(last)
        if end - len(first) < gap * (len(middle) + 1) or not token.startswith(first) or not token.endswith(last):
            return False
        at = len(first)
        for piece in middle:
            at = token.find(piece, at + gap, end)
            if at < 0:
                return False
            at += len(piece)
        return end - at >= gap

    @staticmethod
    def emptied(wildcarded: str, token: str) -> bool:
        """Whether ``token`` is ``wildcarded`` with nothing between a pair of its brackets or quotes that holds a
        ``<*>`` (``<>:`` of ``<<*>:<*>>:``, ``f()`` of ``f(x=<*>)``): the value left empty."""
        return any(_PAIRED.get(token[k]) == token[k + 1] and wildcarded.startswith(token[:k + 1])
                   and wildcarded.endswith(token[k + 1:])
                   and WILDCARD in wildcarded[k + 1:len(wildcarded) - len(token) + k + 1]
                   for k in range(len(token) - 1))

    def one_covers_all(self, values: Iterable[str]) -> bool:
        """Some variable-like value, its variables read as "anything", matches every other value; an empty pair
        of brackets where it holds a variable too (``user <>`` beside ``user <<NUM>:<*>>``: no user given)."""
        values = list(values)
        for v in values:
            w = self.wildcarded(v)
            if w is None:
                continue
            if all(u == v or self.covers(w, u, empty=False) or self.emptied(w, u) for u in values):
                return True
        return False


class _Leaf:
    """Templates of one Drain tree leaf (all of one length): per-token facts, a hash index and integer matrices.

    The index maps the positions of a template's ``<*>`` tokens, then the
    compatibility ids of its other tokens, to the rows (one per cluster): the
    templates a message matches at every position are found by lookups, not
    a scan. The matrices, for a scan, are filled only when one is needed.
    """

    def __init__(self, width: int) -> None:
        self.width = width
        self.facts: list[tuple[list, list, list, list]] = []  # per row: token ids, compatibility ids, <*>, enum
        self.index: dict[tuple, dict[tuple, list[int]]] = {}
        self._signature: list[tuple[tuple, tuple]] = []
        self._stale: set[int] = set()
        self._matrices = [np.zeros((0, width), dtype=t) for t in (np.int64, np.int64, bool, bool)]

    @property
    def rows(self) -> int:
        return len(self.facts)

    def set(self, row: int, facts: tuple[list, list, list, list]) -> None:
        """Store (or replace) the template of ``row`` from its per-token facts."""
        _, cnorm, wild, _ = facts
        mask = tuple(i for i, w in enumerate(wild) if w)
        signature = (mask, tuple(c for c, w in zip(cnorm, wild) if not w))
        if row < self.rows:
            old_mask, old_key = self._signature[row]
            self.index[old_mask][old_key].remove(row)
            self._signature[row] = signature
            self.facts[row] = facts
            self._stale.add(row)
        else:
            self._signature.append(signature)
            self.facts.append(facts)
        self.index.setdefault(mask, {}).setdefault(signature[1], []).append(row)

    def full_matches(self, cnorm: list[int], var: list[bool], include_params: bool) -> list[int]:
        """Rows whose template matches the message (its compatibility ids and variable flags) at every position."""
        found: list[int] = []
        for mask, table in self.index.items():
            if not include_params and not all(var[i] for i in mask):
                continue
            if mask:
                skip = set(mask)
                key = tuple(c for i, c in enumerate(cnorm) if i not in skip)
            else:
                key = tuple(cnorm)
            found.extend(table.get(key, ()))
        return found

    def matrices(self) -> list[np.ndarray]:
        """(token ids, compatibility ids, <*>, enum) of all rows, each (rows, width)."""
        done = len(self._matrices[0])
        if done < self.rows:
            new = [np.array(column).reshape(self.rows - done, self.width) if self.width else
                   np.zeros((self.rows - done, 0), dtype=m.dtype)
                   for column, m in zip(zip(*self.facts[done:]), self._matrices)]
            self._matrices = [np.concatenate([m, c.astype(m.dtype)]) for m, c in zip(self._matrices, new)]
        for row in self._stale:
            if row < done:
                for m, column in zip(self._matrices, self.facts[row]):
                    m[row] = column
        self._stale.clear()
        return self._matrices


class _VarAwareDrain(Drain):
    """drain3's Drain with the variable-aware token similarity of :class:`_Tokens`, fast on large tree leaves.

    The similarity of a template to a message is the share of positions
    where the tokens are equal, or the template has ``<*>`` and the message a
    variable (any word when ``include_params``), or both are compatible
    (:meth:`_Tokens.compatible`: equal skeletons); two different UPPER_CASE
    words rule the template out. Parameters counted: ``<*>`` positions and
    compatible pairs. The best is the highest similarity, then the most
    parameters, then the earliest cluster, as in drain3.

    drain3 compares a message with each cluster of its leaf in Python, and
    high-cardinality logs make leaves of thousands. Here tokens are interned
    once and a leaf is a :class:`_Leaf`: when ``sim_th`` leaves no position to
    mismatch (the default on messages under 20 tokens) the candidates come
    from its hash index, otherwise one message is compared with all
    templates in a few NumPy operations.
    """

    def __init__(self, tokens: _Tokens, **kwargs) -> None:
        super().__init__(**kwargs)
        self._tokens = tokens
        self._ids: dict[str, int] = {}
        self._facts: dict[str, tuple[int, int, bool, bool, bool]] = {}
        self._leaves: dict[int, _Leaf] = {}  # first cluster id of a leaf -> its matrices
        self._row_of: dict[int, tuple[_Leaf, int]] = {}

    def has_numbers(self, s: str) -> bool:  # noqa: D102 - Drain routes such tokens to the tree's <*> node
        return self._tokens.skeleton(s) is not None

    def _intern(self, text: str) -> int:
        return self._ids.setdefault(text, len(self._ids))

    def _token_facts(self, token: str) -> tuple[int, int, bool, bool, bool]:
        """(id, compatibility id, is <*>, is an enum word, is a variable) of a token, cached."""
        facts = self._facts.get(token)
        if facts is None:
            sk = self._tokens.compared(token)
            facts = self._facts[token] = (self._intern(token), self._intern(token if sk is None else sk),
                                          token == WILDCARD, self._tokens.is_enum(token), sk is not None)
        return facts

    def _facts_of(self, tokens) -> list[tuple[int, int, bool, bool, bool]]:
        """:meth:`_token_facts` of each token."""
        get, make = self._facts.get, self._token_facts
        return [get(t) or make(t) for t in tokens]

    def _row_facts(self, tokens) -> tuple[list, list, list, list]:
        """(token ids, compatibility ids, <*> flags, enum flags) of a token sequence."""
        facts = self._facts_of(tokens)
        return ([f[0] for f in facts], [f[1] for f in facts], [f[2] for f in facts], [f[3] for f in facts])

    def fast_match(self, cluster_ids, tokens, sim_th: float, include_params: bool):  # noqa: D102
        if not cluster_ids:
            return None
        n = len(tokens)
        # Clusters never leave a leaf and each sits in one, so its first id names it.
        leaf = self._leaves.get(cluster_ids[0])
        if leaf is None:
            leaf = self._leaves[cluster_ids[0]] = _Leaf(n)
        for row in range(leaf.rows, len(cluster_ids)):
            cid = cluster_ids[row]
            leaf.set(row, self._row_facts(self.id_to_cluster[cid].log_template_tokens))
            self._row_of[cid] = (leaf, row)
        facts = self._facts_of(tokens)
        # Only a template that matches everywhere will do; in a record, everywhere too: a word another cell holds
        # would make <*> of one field and then let a record of another shape in (see _merge_records).
        if (n - 1) / n < sim_th or any(t[:1] == _CELL for t in tokens):
            rows = leaf.full_matches([f[1] for f in facts], [f[4] for f in facts], include_params)
            if not rows:
                return None

            def params(row: int) -> int:  # unequal tokens: <*> positions and compatible pairs
                raw = leaf.facts[row][0]
                return sum(1 for r, f in zip(raw, facts) if r != f[0])

            best = max(rows, key=lambda row: (params(row), -row))
            return self.id_to_cluster[cluster_ids[best]]
        t_raw, t_cnorm, t_wild, t_enum = leaf.matrices()
        raw, cnorm, enum, var = (np.array([f[i] for f in facts]) for i in (0, 1, 3, 4))
        eq = t_raw == raw
        free = ~eq
        at_wild = t_wild & free
        other = free & ~t_wild
        compat = other & (t_cnorm == cnorm)
        sim = (eq | compat | (at_wild if include_params else at_wild & var)).sum(axis=1)
        n_params = (at_wild | compat).sum(axis=1)
        ruled_out = (other & t_enum & enum).any(axis=1)
        key = np.where(ruled_out, 0, sim * (n + 1) + n_params)
        best = int(np.argmax(key))
        best_sim = 0 if ruled_out[best] else int(sim[best])
        return self.id_to_cluster[cluster_ids[best]] if best_sim / n >= sim_th else None

    def add_seq_to_prefix_tree(self, root_node, cluster) -> None:  # noqa: D102
        # drain3's routing, without its copy of the whole leaf on every
        # insert (a clean-up of evicted clusters; nothing is evicted here).
        tokens = cluster.log_template_tokens
        node = root_node.key_to_child_node.setdefault(str(len(tokens)), Node())
        if not tokens:
            node.cluster_ids = [cluster.cluster_id]
            return
        for depth, token in enumerate(tokens, start=1):
            if depth >= self.max_node_depth or depth >= len(tokens):
                node.cluster_ids.append(cluster.cluster_id)
                return
            children = node.key_to_child_node
            if token in children:
                node = children[token]
                continue
            if self.has_numbers(token):
                key = self.param_str
            else:
                room = len(children) + (0 if self.param_str in children else 1) < self.max_children
                key = token if room else self.param_str
            node = children.setdefault(key, Node())

    def add_log_message(self, content: str):  # noqa: D102 - keeps the leaf matrices in step with templates
        cluster, update = super().add_log_message(content)
        if update == "cluster_template_changed":
            leaf, row = self._row_of[cluster.cluster_id]
            leaf.set(row, self._row_facts(cluster.log_template_tokens))
        return cluster, update

    def create_template(self, seq1, seq2):  # noqa: D102
        generalise = self._tokens.generalise
        return [b if a == b else generalise(a, b) for a, b in zip(seq1, seq2)]


class LogTemplateMiner:
    """Template miner: masking, drain3 Drain with variable-aware similarity, slot merging, JSON persistence.

    Parameters
    ----------
    sim_th : float, default 0.95
        Drain similarity threshold: share of tokens that must match (equal,
        or both variables). High because masking already made most variables
        equal; word differences are left to the slot-merging pass.
    depth : int, default 4
        Drain tree depth (drain3's default): the first ``depth - 3`` tokens route a message.
    max_children : int, default 100
        Drain's maximum children per tree node.
    masker : Masker, optional
        Masking rules; default ``Masker()`` (``DEFAULT_RULES``).
    slot_min_values : int, default 4
        Merge templates that differ only in one position holding at least this
        many different words; 0 turns the merging pass off. Words that differ
        only inside one pair of brackets or quotes (``zone[public]``,
        ``zone[dmz]``; ``"ocs"``, ``"login"``) need one fewer, at least 3:
        a value the message quotes, not a word of its own; UPPER_CASE words
        (``state[RUNNING]``) stay apart there too.
    protect_prefix : int, default 1
        Leading positions the merging pass never turns into ``<*>``.
    cover_merges : bool, default True
        Also merge (any number of values) when a variable in one template
        covers the words of the others (``chdir(<PATH>)`` / ``chdir(pwd)``).
    digits_are_vars : bool, default True
        Treat tokens that still contain a digit after masking as variables.
    caps_constants : bool, default True
        Two different UPPER_CASE words (or quoted phrases of them) never match
        (enum values), unless one slot holds twice ``slot_min_values`` of
        them, and at least 8 (domain CORP, ENG, ...: names, not states). A
        flag's ``true``/``false`` is a parameter whatever the number of values
        (with ``slot_min_values`` > 0).
    collapse_lists : bool, default True
        Read a run of variable tokens as one token.
    shared_slots : bool, default True
        Also merge a slot of fewer than ``slot_min_values`` words when all of
        them were merged as a parameter elsewhere after the same token, or,
        names with a mark (no words of letters alone), after three tokens
        each (the same one may count) where a slot after it was merged too
        (``Advance <*> canary weight`` makes ``Advance
        frontend.web|search-api.prod canary iteration`` one, both names
        parameters of other events), or names a naming word made a parameter
        (``logged off using SSH``) standing together (``from <IP> and SSH.``); and,
        with ``slot_min_values`` > 0, one of two names or more (words of
        letters, no UPPER_CASE state or level) that split three events or
        more the same way, in three of them glued to a value or a word
        (``for amavis:<NUM>`` / ``debian-spamd:<NUM>``, ``DHCPACK(br-lan)`` /
        ``DHCPACK(br-guest)``): names that recur across events (a user, an
        interface) are their parameter, where a word alone or in brackets
        (``(start)`` / ``(end)``) may be each event's own, unless it splits
        twice ``slot_min_values`` events of three shapes or more, after three
        words or more (``master mymaster`` / ``master cache`` after many event
        words, ``@ mymaster`` / ``@ cache``).
    slot_pairs : bool, default True
        Also merge templates differing in two slots, not next to each other
        unless each holds its words in brackets or quotes (``Task 'Cleanup
        service' [repository.cleanup]``), each holding at least
        ``slot_min_values`` words (one fewer, at least 3, inside brackets
        or quotes); or in two slots that
        repeat one name, from two names (``<hq-dc1|4> selected peer config
        'hq-dc1'``), after the covers were absorbed; and templates differing
        in the word of one named field that another field follows, however
        few its words (``protocol=tcp sport=...`` / ``protocol=udp ...``).
    lead_entities : bool, default True
        Merge templates differing only in their first word (which
        ``protect_prefix`` otherwise keeps) when it holds at least twice
        ``slot_min_values`` words (``slot_min_values`` when masking took one
        of them for a variable that leads several of the same events) and
        most of them also start other kinds of message: the many users,
        programs or hosts that lead several events are a parameter; a word
        that leads one event names it, and a few verbs leading the same
        objects stay apart, unless the words share a family's prefix
        (``config-ssh``, ``config-ntp``: names). Words in brackets
        (fail2ban's ``[sshd]`` jails, Kafka Connect's ``[sink|task-0]``,
        strongSwan's ``<site-ams|12>``) are no verbs: one fewer than
        ``slot_min_values`` suffice (at least 3), unless one is a level word
        (``[info]``), a letter or an UPPER_CASE status; so do words that differ
        only inside one pair of their brackets
        (``Disconnecting(Session[alice@/<IP>]):``), holding a value.
    absorb_covered : bool, default True
        Last, merge a template into the most specific other one that covers it
        (``<*>`` wherever they differ) and keeps at least as many words as
        wildcards: a rare message whose words in three or more slots are
        parameters its event's template already holds. A token with a
        wildcard covers the words it reads: ``<*>: Link UP`` (eth0:, wlan0:)
        holds ``lo: Link UP``, ``imap(<*>)`` holds ``imap(alice)``.
    typed_lists : bool, default True
        With ``collapse_lists``, a run collapses only when its values share a
        type (``<NUM>``, ``<HEX>`` and ``<ID>`` are one) or are written with
        commas: ``<PATH> <NUM> <DURATION>`` are three fields.
    quoted_phrases : bool, default True
        Read a quoted phrase with spaces (``vertex "module.vpc (expand)"``) as
        one token, so that one event's phrases of any length are one slot;
        not where it opens the message before fields or nothing (klog's quoted message), follows ``=``
        (a field's value: see ``quoted_fields``), is a request line
        (``"GET /x HTTP/1.1"``: its method names the event) or opens with a
        number (an FTP or SMTP reply, ``"226 Transfer complete."``:
        its code and text name the event); see also ``caps_phrases`` and
        ``nested_messages``.
    quoted_fields : bool, default True
        With ``quoted_phrases``, also a field's quoted value
        (``scope="openid profile email"``), unless the field is a message
        (``msg="..."``: each value an event of its own).
    caps_phrases : bool, default True
        With ``quoted_phrases``, also a phrase holding an UPPER_CASE word
        (``"Group by ID"``, ``"A IN example.com. udp"``); without it, such a
        phrase stays words, as template models saved before version 4 read it.
    name_spans : bool, default True
        Last, with ``slot_min_values`` > 0, merge templates equal but in a run
        of up to six tokens of different lengths, where the runs are at least
        twice ``slot_min_values`` (``slot_min_values - 1``, at least 3, in
        brackets or braces) and the tokens around them hold three words or
        more: a name of several words (``Adding input device Logitech USB
        Receiver (<PATH>)``, ``thread named [OkHttp ConnectionPool]``) is one
        ``<*>``, which later messages match with a run of any length; so
        is an exception printed into the message (``ExecuteRequest failed
        java.lang.IllegalStateException: Response already committed.``) up
        to its end or its bracket's, where one event prints three or more.
        Template models saved before version 5 read without it.
    bracket_lists : bool, default True
        Read a list in braces or brackets written with ``", "``
        (``{aes256-cts(18), aes128-cts(17)}``; not a mapping, ``{"a": 1,
        "b": 2}``) as one token, and a list of quoted words (``"core20",
        "lxd"``) as ``<*>``, so that lists of any length are one slot. Template
        models saved before version 5 read without it, as they were fitted.
    nested_messages : bool, default True
        With ``quoted_phrases``, a quoted phrase that opens with a level word
        in capitals and a colon (``said into stderr: "NOTICE: PHP message:
        ..."``) stays words: it is another program's message, whose words name
        the event. Template models saved before version 6 read without it.
    backquoted_phrases : bool, default True
        With ``quoted_phrases``, also a phrase in backquotes (``Job `Mail:
        Fetchmail Service` done.``). Template models saved before version 7
        read without it.
    spaced_lists : bool, default True
        Read a list of masked values in brackets or braces written with
        spaces (``[<NUM> <NUM> <NUM>]``) as one item (``[<NUM>]``; ``[<*>]``
        for ``<NUM>``, ``<HEX>`` and ``<ID>`` mixed), as a run of them
        outside brackets is one token (``collapse_lists``), so that lists of
        any length are one slot. Template models saved before version 8 read
        without it.
    delimited_records : bool, default True
        Read a token that is a delimited record (six comma-separated cells or
        more, one of them empty, no quote or bracket: a firewall's
        ``5,,,1000000103,igb0,match,block,...``) as one token per cell, so
        that its fields are compared in place; the template shows the record
        as written (``<*>,,,<*>,<*>,match,...``). Template models saved before
        version 9 read without it.
    keyed_records : bool, default True
        Read a token that is a record of three ``key=value`` fields or more
        glued by ``;`` (``timestamp=<NUM>;method=INVITE;code=<NUM>;...``) as
        one token per field, as ``delimited_records`` reads its cells, so
        that the template keeps every key (``method=<*>;code=<*>;...``).
        Template models saved before version 10 read without it.
    nested_records : bool, default True
        Read a token that is a chain of three parenthesised fields or more
        (an Oracle TNS descriptor, ``(CONNECT_DATA=(CID=(PROGRAM=perl)
        (HOST=db1))(COMMAND=status))``; an LDAP filter) as one token per
        field, as ``keyed_records`` does, a value's spaces (``(PROGRAM=JDBC
        Thin Client)``) kept in its field, so that the template keeps every
        key (``(PROGRAM=<*>)(HOST=<*>)``) and a value that names the event
        (``COMMAND=status``) can keep events apart. Template models saved
        before version 11 read without it.
    spaced_records : bool, default True
        Read a message that ends in a delimited record with spaces or quotes
        in its cells (``1,<DATETIME>,TRAFFIC,...,United States,...`` or
        ``...,informational,"User bob logged in via Web",...``) cell by cell,
        as ``delimited_records`` reads a token, a cell's spaces kept, a quoted
        text's words and the words before the record read as the event's.
        Template models saved before version 12 read without it.
    trailing_values : bool, default True
        Read the words that end a message after three key=value fields in a
        row and a last one whose value opens with a letter (an accounting
        log's ``... service=shell priv-lvl=15 cmd=show ip route``) as that
        field's value, unquoted as it is, so that its template is
        ``cmd=<*>`` whatever the command; a message field's (``msg=``,
        ``error=``) stays words, which name the event, and so do words with
        a bracket or a quote (``status=sent (250 ...)``: a reason). Template
        models saved before version 13 read without it.
    """

    def __init__(self, sim_th: float = 0.95, depth: int = 4, max_children: int = 100,
                 masker: Masker | None = None, slot_min_values: int = 4, protect_prefix: int = 1,
                 cover_merges: bool = True, digits_are_vars: bool = True, caps_constants: bool = True,
                 collapse_lists: bool = True, shared_slots: bool = True,
                 slot_pairs: bool = True, lead_entities: bool = True, absorb_covered: bool = True,
                 typed_lists: bool = True, quoted_phrases: bool = True, quoted_fields: bool = True,
                 caps_phrases: bool = True, name_spans: bool = True, bracket_lists: bool = True,
                 nested_messages: bool = True, backquoted_phrases: bool = True, spaced_lists: bool = True,
                 delimited_records: bool = True, keyed_records: bool = True, nested_records: bool = True,
                 spaced_records: bool = True, trailing_values: bool = True) -> None:
        if not 0.0 <= sim_th <= 1.0:
            raise ValueError(f"sim_th must be in [0, 1], got {sim_th}")
        if depth < 3:
            raise ValueError(f"depth must be at least 3, got {depth}")
        if max_children < 2:
            raise ValueError(f"max_children must be at least 2, got {max_children}")
        self.sim_th = float(sim_th)
        self.depth = int(depth)
        self.max_children = int(max_children)
        self.masker = masker if masker is not None else Masker()
        self.slot_min_values = int(slot_min_values)
        self.protect_prefix = int(protect_prefix)
        self.cover_merges = bool(cover_merges)
        self.digits_are_vars = bool(digits_are_vars)
        self.caps_constants = bool(caps_constants)
        self.collapse_lists = bool(collapse_lists)
        self.shared_slots = bool(shared_slots)
        self.slot_pairs = bool(slot_pairs)
        self.lead_entities = bool(lead_entities)
        self.absorb_covered = bool(absorb_covered)
        self.typed_lists = bool(typed_lists)
        self.quoted_phrases = bool(quoted_phrases)
        self.quoted_fields = bool(quoted_fields)
        self.caps_phrases = bool(caps_phrases)
        self.name_spans = bool(name_spans)
        self.bracket_lists = bool(bracket_lists)
        self.nested_messages = bool(nested_messages)
        self.backquoted_phrases = bool(backquoted_phrases)
        self.spaced_lists = bool(spaced_lists)
        self.delimited_records = bool(delimited_records)
        self.keyed_records = bool(keyed_records)
        self.nested_records = bool(nested_records)
        self.spaced_records = bool(spaced_records)
        self.trailing_values = bool(trailing_values)
        self._tokens = _Tokens(self.digits_are_vars, self.caps_constants)
        self._reset()

    def get_params(self, deep: bool = True) -> dict:
        """Constructor arguments, as scikit-learn's ``get_params`` gives them (``clone`` makes an unfitted copy)."""
        return {"masker": self.masker, **self._plain_params()}

    def _plain_params(self) -> dict:
        """Constructor arguments but ``masker`` (JSON-ready)."""
        return {"sim_th": self.sim_th, "depth": self.depth, "max_children": self.max_children,
                "slot_min_values": self.slot_min_values, "protect_prefix": self.protect_prefix,
                "cover_merges": self.cover_merges, "digits_are_vars": self.digits_are_vars,
                "caps_constants": self.caps_constants, "collapse_lists": self.collapse_lists,
                "shared_slots": self.shared_slots, "slot_pairs": self.slot_pairs,
                "lead_entities": self.lead_entities, "absorb_covered": self.absorb_covered,
                "typed_lists": self.typed_lists, "quoted_phrases": self.quoted_phrases,
                "quoted_fields": self.quoted_fields, "caps_phrases": self.caps_phrases,
                "name_spans": self.name_spans, "bracket_lists": self.bracket_lists,
                "nested_messages": self.nested_messages, "backquoted_phrases": self.backquoted_phrases,
                "spaced_lists": self.spaced_lists, "delimited_records": self.delimited_records,
                "keyed_records": self.keyed_records, "nested_records": self.nested_records,
                "spaced_records": self.spaced_records, "trailing_values": self.trailing_values}

    def _reset(self) -> None:
        self._templates: list[tuple[str, ...]] = []
        self._counts: list[int] = []
        self._known: dict[str, int] = {}  # masked message seen in fit -> id
        self._spans: list[int] = []  # per template, the position of its <*> of any length (-1: none)
        self._by_length: dict[int, list[int]] = {}

    @property
    def is_fitted(self) -> bool:
        """True after :meth:`fit` or :meth:`load`."""
        return bool(self._templates)

    def __sklearn_is_fitted__(self) -> bool:
        return self.is_fitted

    # --- fitting ---------------------------------------------------------------

    def fit(self, messages: Sequence[str], counts: Sequence[int] | None = None, *,
            masked: bool = False) -> "LogTemplateMiner":
        """Learn templates from n messages, replacing earlier state; returns self.

        ``masked=True``: the messages already went through :attr:`masker`.
        ``counts`` (n ints, default all 1) weights each message in
        :attr:`templates_`, so unique messages with their line counts give
        the same model as all lines. Ids follow first appearance.
        """
        self.fit_transform(messages, counts, masked=masked)
        return self

    def fit_transform(self, messages: Sequence[str], counts: Sequence[int] | None = None, *,
                      masked: bool = False) -> np.ndarray:
        """:meth:`fit`, then the template id of each of the n messages: int64 array (n,)."""
        texts = list(messages) if masked else self.masker.mask_many(messages)
        weights = np.ones(len(texts), dtype=np.int64) if counts is None else np.asarray(counts, dtype=np.int64)
        if weights.shape != (len(texts),):
            raise ValueError(f"counts has shape {weights.shape}, expected ({len(texts)},)")
        self._reset()

        drain = _VarAwareDrain(self._tokens, depth=self.depth, sim_th=self.sim_th,
                               max_children=self.max_children, param_str=WILDCARD)
        # Keep the cluster each message joined: Drain may generalise that
        # cluster's template later, and its final template (read at the end)
        # is the one that describes all its members.
        cluster_of: dict[str, int] = {}
        # Per message of cluster_of, in its order, its tokens joined by spaces (no token holds one), as Drain was
        # fed them: writing the wildcards out splits them again instead of tokenising each message twice. The
        # message itself where it is that text (most are), so that no second copy is kept.
        lines: list[str] = []
        fields: dict[int, list[str | None]] = {}
        spans: dict[int, int] = {}  # cluster -> the position of its <*> of any length
        with no_cyclic_gc():
            for text in texts:
                if text not in cluster_of:
                    tokens = self._tokenize(text)
                    line = " ".join(tokens)
                    lines.append(text if line == text else line)
                    cluster_of[text] = drain.add_log_message(line)[0].cluster_id if tokens else _NO_TOKENS
                    if tokens:
                        _note_fields(fields, cluster_of[text], tokens)
            templates = {cid: tuple(c.log_template_tokens) for cid, c in drain.id_to_cluster.items()}
            # Drain's tree, and then the clusters' fields, are done with: freed inside the pause, they are not walked
            # by the collection its end sets off, which walks every object the pause left alive.
            del drain
            root = self._merge_slots(templates, fields, spans) if self.slot_min_values > 0 or self.cover_merges else {}
            del fields
            self._show_wildcards(templates, root, cluster_of, lines, spans)
            root = _join_equal(templates, root)
            for c, r in root.items():  # a template joined with an equal one that spans keeps the span
                if c in spans:
                    spans.setdefault(r, spans[c])
        templates[_NO_TOKENS] = ()  # added after merging: no other template may take an empty message's lines
        return self._number(texts, weights, cluster_of, templates, root, spans)

    def _number(self, texts: list[str], weights: np.ndarray, cluster_of: dict[str, int],
                templates: dict[int, tuple[str, ...]], root: dict[int, int], spans: dict[int, int]) -> np.ndarray:
        """Ids (n,) 0..k-1 by first appearance of the messages' surviving clusters; sets templates and counts."""
        final: dict[int, int] = {}  # surviving cluster id -> 0..k-1 by first appearance
        ids = np.empty(len(texts), dtype=np.int64)
        for i, text in enumerate(texts):
            cid = cluster_of[text]
            cid = root.get(cid, cid)
            tid = final.get(cid)
            if tid is None:
                tid = final[cid] = len(self._templates)
                self._templates.append(templates[cid])
                self._spans.append(spans.get(cid, -1))
                self._counts.append(0)
            ids[i] = tid
            self._counts[tid] += int(weights[i])
            self._known.setdefault(text, tid)
        self._index_lengths()
        return ids

    def extend(self, messages: Sequence[str], counts: Sequence[int] | None = None, *,
               masked: bool = False) -> np.ndarray:
        """Ids of n messages (int64 (n,)), learning templates for those no template fits.

        Existing ids never change: new templates are mined from the unmatched
        messages alone (same settings) and appended after the existing ones.
        """
        texts = list(messages) if masked else self.masker.mask_many(messages)
        weights = np.ones(len(texts), dtype=np.int64) if counts is None else np.asarray(counts, dtype=np.int64)
        ids = self.transform(texts, masked=True) if self.is_fitted else np.full(len(texts), -1, dtype=np.int64)
        unknown = np.flatnonzero(ids < 0)
        if len(unknown) == 0:
            return ids
        sub = LogTemplateMiner(**self.get_params())
        sub_ids = sub.fit_transform([texts[i] for i in unknown], weights[unknown], masked=True)
        offset = len(self._templates)
        self._templates.extend(sub._templates)
        self._spans.extend(sub._spans)
        self._counts.extend(sub._counts)
        for text, tid in sub._known.items():
            self._known.setdefault(text, tid + offset)
        ids[unknown] = np.where(sub_ids >= 0, sub_ids + offset, -1)
        self._index_lengths()
        return ids

    def _tokenize(self, text: str) -> list[str]:
        """Whitespace tokens; with ``collapse_lists`` a run of variables is one token; see also ``bracket_lists``.

        ``delete <ID> <ID> <ID>`` is the same event as ``delete <ID>``
        (and ``2x50 1x20`` as ``4x50``); a run of mixed types (``<HEX> <NUM>``:
        a hex value that happened to have no letters) becomes ``<*>``.
        """
        if self.spaced_records and ",," in text and (" " in text or '"' in text) \
                and (cells := _spaced_record(text.strip())):
            return cells
        if self.quoted_phrases and ("'" in text or '"' in text or "`" in text):
            # Where the message's first word starts: a bracket that opens the message opens its quoted message too
            # (TiDB's ["..."]), whose words name the event.
            opens = len(text) - len(text.lstrip().lstrip("[("))
            spans = _QUOTED_OR_BACKQUOTED if self.backquoted_phrases else _QUOTED
            text = spans.sub(lambda m: self._glued(m, text, opens), text)
        if self.bracket_lists and (", " in text or '" "' in text or "' '" in text):
            text = _BRACKETED.sub(_glued_list, text)
        if self.bracket_lists and "=" in text:
            text = _NO_VALUE.sub(lambda m: m.group().replace(" ", _GLUE), text)
        if self.spaced_lists and "> <" in text:
            text = _SPACED_LIST.sub(_one_item, text)
        tokens = text.split()
        if self.trailing_values and "=" in text:
            tokens = _trailing_value(tokens)
        commas, keyed = self.delimited_records and ",," in text, self.keyed_records and ";" in text
        if nested := self.nested_records and ("=(" in text or ")(" in text):
            tokens = _glued_chains(tokens)
        records = commas or keyed or nested
        if not self.collapse_lists or len(tokens) < 2:
            return ([c for tok in tokens for c in _record_cells(tok, commas, keyed, nested) or (tok,)] if records
                    else tokens)
        out: list[str] = []
        run_kind = 0  # 0: not in a run, 1: masked variables, 2: words with digits, 3: quoted words
        run_type = prev = ""
        kind_of = self._tokens.run_kind
        for at, tok in enumerate(tokens):
            # Fields in fixed places: no list's items.
            if records and (cells := _record_cells(tok, commas, keyed, nested)):
                out.extend(cells)
                run_kind, prev = 0, tok
                continue
            # The whole token is variable; a masked one and a word with digits
            # (ssh2 after a port number) never share a run. A list holds values
            # of one type, or is written with commas: <PATH> <NUM> <DURATION> are
            # fields, each its own slot (else the count of tokens would hang on
            # whether the path was masked); <ID>, <HOST>, <ID> is a list.
            listed = prev[-1:] in ",;"  # a comma says list: its values may mask apart
            if self.bracket_lists and listed and _ITEM.fullmatch(prev) and _ITEM.fullmatch(tok) \
                    and not _other_kinds(prev, tok):  # "a", "b"
                out[-1], run_kind = WILDCARD, 3
                prev = tok
                continue
            prev = tok
            item, kind = kind_of(tok)
            if kind != 1 and _HEX_NUMBER.fullmatch(item) and _in_sequence(tokens, at):
                kind = 1
            kind_type = _ID_LIKE.get(item, item if "<" in item else "<ID>") if kind == 1 else ""
            mixed = listed and not _MEASURES & {kind_type, run_type}  # a comma joins values masked apart, no quantity
            if kind and kind == run_kind and (kind_type == run_type or mixed or not self.typed_lists):
                # The run is one value: its first item's list separator goes with the items it no longer shows; the
                # last's stays, the sentence's ("MB 11 48, bytestream -7" as "MB <NUM>, bytestream", as with one).
                out[-1] = (out[-1].rstrip(",;") if out[-1].rstrip(",;") == item else WILDCARD) + tok[len(item):]
                continue
            out.append(tok)
            # A protected leading word with digits is the message's ID (z/OS's IEF403I), not a list's first value.
            run_kind, run_type = (0 if kind == 2 and len(out) <= self.protect_prefix else kind), kind_type
        return out

    def _glued(self, quoted: re.Match, text: str, opens: int) -> str:
        """A quoted span of ``text``, its spaces turned into ``_GLUE`` where it is one value (``quoted_phrases``);
        ``opens``: where the text's first word starts."""
        phrase, start = quoted.group(), quoted.start()
        # A phrase that opens the message is its text (klog's) where fields or nothing follow; before words, it is
        # what the message is about (a game's "player<2><STEAM_1:0:1><CT>" left buyzone).
        if (not _SPACE.search(phrase) or start <= opens and _FIELDS_OR_END.match(text, quoted.end())
                or (text[start - 1] == "=" and not self._glues_field(text, start - 1))
                or phrase[1:].startswith("<NUM> ")
                or (self.nested_messages and _NESTED_MESSAGE.match(phrase, 1))
                or (_REQUEST.match(phrase, 1) if self.caps_phrases
                    else any(self._tokens.is_enum(word) for word in phrase.split()))):
            return phrase
        if _RECORD_KEY.match(phrase, 1):  # each field a token: records of other keys are other events
            return _VALUE_SPACE.sub(_GLUE, phrase)
        return _SPACE.sub(_GLUE, phrase)

    def _glues_field(self, text: str, equals: int) -> bool:
        """Whether the quoted value after ``text[equals]`` (an ``=``) is one token: ``quoted_fields``, and a key
        before the ``=`` that names no message (``msg``); not after a quote or a bracket (``"msg"=``, ``a[0]=``)."""
        start = equals
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_.-"):
            start -= 1  # by hand: a search from the line's start, once per quoted value, is quadratic
        key = text[start:equals]
        return self.quoted_fields and bool(key) and key.lower() not in _MESSAGE_FIELDS

    def _merge_slots(self, templates: dict[int, tuple[str, ...]], fields: dict[int, list[str | None]],
                     spans: dict[int, int]) -> dict[int, int]:
        """Merge clusters differing in one parameter-like slot.

        Updates ``templates`` in place (clusters merge into the lowest id, i.e.
        the earliest, or into the template that covers them) and returns
        ``{merged id: surviving id}``. ``fields``: per cluster, the key its
        messages share at each position (:func:`_note_fields`), kept up to date. ``spans``: filled with the
        position of each surviving template's ``<*>`` of any length (:meth:`_merge_spans`).
        """
        self._fields, self._span_at = fields, spans
        try:
            return self._merge_all(templates)
        finally:
            del self._fields, self._span_at

    def _merge_all(self, templates: dict[int, tuple[str, ...]]) -> dict[int, int]:
        """The passes of :meth:`_merge_slots`, in order."""
        # Compare with variables reduced to their skeleton, so that
        # rhost=<IP> and rhost=<*> do not count as a second differing slot.
        keys = {c: tuple(map(self._tokens.norm, toks)) for c, toks in templates.items()}
        parent: dict[int, int] = {}
        alive = set(templates)
        taken: dict[str, set[str]] = defaultdict(set)  # words a merged slot held, by the token before it

        def is_parameter(values: set[str], before: str) -> bool:
            return self._is_slot_parameter(values) or _is_named_value(values, before) or \
                self.slot_min_values > 0 and _is_switch(values, before)
        if self.delimited_records or self.keyed_records or self.nested_records or self.spaced_records:
            self._merge_records(templates, keys, parent, alive)
        self._merge_pass(templates, keys, parent, alive, is_parameter, taken)
        left = len(alive)
        if self.shared_slots and taken:
            # A second pass: a few words are a parameter too when a slot after
            # the same token elsewhere already held them all ("session closed
            # for user <*>" makes "session opened for user news|test|cyrus" one).
            # So are the names a naming word made a parameter (using SSH, via IPMI), wherever they stand together
            # ("logged in from <IP> and SSH." beside "logged off using SSH").
            named = _named_words(taken)
            self._merge_pass(templates, keys, parent, alive, lambda values, before: _taken_before(
                values, before, taken) or (len(values) > 1 and {v.strip(_BARE) for v in values} <= named), taken)
        if self.shared_slots and self.slot_min_values > 0:
            # Before the leads: the event words that lead a grid of events by a few names would each lead several
            # events, and be taken for names themselves.
            self._merge_recurring(templates, keys, parent, alive, alone=True)
        if self.lead_entities and self.protect_prefix > 0:
            self._merge_leads(templates, keys, parent, alive)
        if self.slot_pairs:
            self._merge_pairs(templates, keys, parent, alive)
            if self.slot_min_values > 0:
                self._merge_fields(templates, keys, parent, alive)
                self._merge_field_words(templates, keys, parent, alive)
                self._merge_quoted(templates, keys, parent, alive)
                # Apart: a unit that blocked a group would block the quoted values' merge it held.
                self._merge_quoted(templates, keys, parent, alive, units=True)
        if self.shared_slots and self.slot_min_values > 0:
            # After the leads, pairs and fields: a grid of events by many names leaves one event per word then.
            self._merge_recurring(templates, keys, parent, alive)
        self._absorb_covered(templates, keys, parent, alive)
        covered, merged = len(alive), set(parent)
        if self.slot_pairs and self.slot_min_values > 0:
            # After the covers: a rare message is absorbed by its event first, not merged with other rare ones.
            self._merge_echoes(templates, keys, parent, alive)
        if len(alive) < left:
            # The later passes may leave templates that differ in one slot only now: rpc=<*> kind=a,
            # rpc=<*> kind=b, ... once each kind's rpc=Read, rpc=Plan, ... were merged.
            self._merge_pass(templates, keys, parent, alive, is_parameter, taken)
        # Last: a pair of slots that vary together, one of them a user's name, merged as a pair first (a client's
        # authenticated user beside the user it asked for). Only where a key names a user: a pass costs as the others.
        if any(_USER_KEY.fullmatch(word) for c in alive for word in keys[c]):
            self._merge_pass(templates, keys, parent, alive, _is_user_name, taken)
        if len(alive) < covered:
            # New covers: only the clusters that took others in since (their templates or keys changed) can cover
            # or be covered anew.
            find = self._root(parent)
            self._absorb_covered(templates, keys, parent, alive, {find(c) for c in set(parent) - merged})
        if self.name_spans and self.slot_min_values > 0:
            self._merge_described(templates, keys, parent, alive)
            self._merge_exceptions(templates, keys, parent, alive)
            self._merge_coded(templates, keys, parent, alive)
            self._merge_spans(templates, keys, parent, alive)

        find = self._root(parent)
        return {c: find(c) for c in parent}

    def _show_wildcards(self, templates: dict[int, tuple[str, ...]], root: dict[int, int],
                        cluster_of: dict[str, int], lines: list[str], spans: dict[int, int]) -> None:
        """Write each ``<*>`` of the surviving ``templates`` as the text its messages' tokens there all share
        around it (:class:`_Around`: ``user=<*>`` where each has ``user=``). Mining and merging compare a
        wildcard as a bare ``<*>``: its text would keep templates that differ elsewhere apart. A span's
        ``<*>`` keeps its edges (:func:`_run_edges`), or when bare takes those its messages' runs all share (a
        bare ``<*>`` merged in hid its values' brackets); past it, a message's tokens are read from its end.
        ``lines``: each message's tokens joined by spaces, in the order of ``cluster_of``."""
        around: dict[int, dict[int, _Around]] = {}
        for c, tokens in templates.items():
            holes = {i: _Around() for i, t in enumerate(tokens) if t == WILDCARD and i != spans.get(c)}
            if holes and c not in root:
                around[c] = holes
        edges: dict[int, Sequence[str] | None] = {c: None for c, i in spans.items()
                                                  if c not in root and templates[c][i] == WILDCARD}
        for c, line in zip(cluster_of.values(), lines):
            c = root.get(c, c)
            holes = around.get(c) if c >= 0 else None
            if holes or c in edges:
                tokens = line.split(" ")
                shift = len(tokens) - len(templates[c])
                for i, shared in (holes or {}).items():
                    shared.add(tokens[i + shift if i > spans.get(c, len(tokens)) else i])
                if c in edges:
                    run = (tokens[spans[c]], tokens[spans[c] + shift])
                    edges[c] = _run_edges([edges[c] or run, run]).split(WILDCARD)
        for c, holes in around.items():
            templates[c] = tuple(holes[i].text() if i in holes else t for i, t in enumerate(templates[c]))
        for c, (opens, closes) in edges.items():  # each surviving cluster has messages: a run each
            templates[c] = (*templates[c][:spans[c]], f"{opens}{WILDCARD}{closes}", *templates[c][spans[c] + 1:])

    def _merge_pass(self, templates: dict[int, tuple[str, ...]], keys: dict[int, tuple[str, ...]],
                    parent: dict[int, int], alive: set[int], is_parameter, taken: dict[str, set[str]]) -> None:
        """Merge alive clusters of equal length differing in one slot where ``is_parameter(values, before)``."""
        # Templates of different lengths never merge, so a length whose last
        # pass merged nothing is done.
        dirty = {len(t) for t in templates.values()}
        while dirty:
            by_length: dict[int, list[int]] = defaultdict(list)
            for c in sorted(alive):
                if len(templates[c]) in dirty:
                    by_length[len(templates[c])].append(c)
            dirty = set()
            for length, group in by_length.items():
                led = self._led_by_wildcard(templates, keys, group)
                index = _SlotIndex(group, keys)
                for pos in range(min(self.protect_prefix, length), length):
                    if len(group) < 2:
                        break
                    for members in (part for slot in index.slots(pos) for part in self._by_key(templates, slot, pos)):
                        values = {templates[m][pos] for m in members}
                        before = keys[members[0]][pos - 1] if pos else ""
                        if not is_parameter(values, before) or pos == self.protect_prefix and self._word_or_code(
                                values) or self._names_event(
                                templates, members, (pos,)) or self._few_keys(templates, members, pos) or pos and \
                                self._led_elsewhere(templates, keys, alive, members, led):
                            continue
                        taken[before] |= values
                        self._merge_members(templates, keys, parent, alive, members, (pos,))
                        dirty.add(length)
                    if any(c not in alive for c in group):
                        group = [c for c in group if c in alive]
                        index = _SlotIndex(group, keys, index)

    def _by_key(self, templates: dict[int, tuple[str, ...]], members: list[int], pos: int) -> list[list[int]]:
        """``members`` apart by the key of their fields at ``pos`` when all are ``key=`` fields of fewer than twice
        ``slot_min_values`` keys (8 at least), two or more (``dn="<VAL>"`` / ``csn=<HEX>``): a field's key names
        what the event logs, as :meth:`_few_keys`' keys do; many keys are a payload's."""
        by_key: dict[str | None, list[int]] = defaultdict(list)
        for m in members:  # a merged slot's wildcard forgets its key: its messages' shared one tells it
            known = self._fields.get(m)
            by_key[known[pos] if known else _key_of(templates[m][pos])].append(m)
        # A word before a colon (inside:<IP>, dmz:<IP>) may be a value itself, a zone or a host: no key.
        fields = all(key and key.endswith("=") for key in by_key)
        if not fields or not (1 < len(by_key) and self._few_words(len(by_key))):
            return [members]
        return [part for part in by_key.values() if len(part) > 1]

    @staticmethod
    def _led_by_wildcard(templates: dict[int, tuple[str, ...]], keys: dict[int, tuple[str, ...]],
                         group: list[int]) -> dict[tuple[str, ...], list[int]]:
        """The clusters of ``group`` whose first token is a wildcard (``<*>: Connected``), by their other tokens."""
        led: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for c in group:
            if _is_hole(templates[c][0]):
                led[keys[c][1:]].append(c)
        return led

    def _led_elsewhere(self, templates: dict[int, tuple[str, ...]], keys: dict[int, tuple[str, ...]],
                       alive: set[int], members: list[int], led: dict[tuple[str, ...], list[int]]) -> bool:
        """Whether each of ``members`` is an event that other messages hold with a wildcard for its first word
        (``cust_acme: Connected`` beside ``<*>: Connected`` of ``ix_rs1:``, ``ibgp_rr2:``): its first word is a
        name that masking left as a word, no digit in it, and the words its events differ in name the events."""
        return all(any(k != m and k in alive and keys[k][1:] == keys[m][1:]
                       and self._tokens.covers(templates[k][0], templates[m][0], empty=False)
                       for k in led.get(keys[m][1:], ())) for m in members)

    def _merge_recurring(self, templates: dict[int, tuple[str, ...]], keys: dict[int, tuple[str, ...]],
                         parent: dict[int, int], alive: set[int], alone: bool = False) -> None:
        """Merge alive clusters equal but in one name (:meth:`_name_frames`) when the same few names split
        ``_RECURRING_EVENTS`` events or more that way: names that recur across events (an interface, a user) are
        a parameter of them all, where an event's own words (``opened`` / ``closed``) split it alone. The names
        that split most events go first: in a grid of events by names, the events' words (``processing`` /
        ``checking``) split as many events as there are names, which are then merged. ``alone``: merge only names
        that split twice ``slot_min_values`` events or more, of ``_RECURRING_EVENTS`` shapes and after as many
        words, glued or not, none of those words a value itself (:func:`_varied_before`)."""
        places: dict[frozenset[str], list[tuple[list[int], int, tuple[str, str], list[tuple[str, ...]]]]] = \
            defaultdict(list)
        by_length: dict[int, list[int]] = defaultdict(list)
        for c in sorted(alive):
            by_length[len(keys[c])].append(c)
        for length, group in by_length.items():
            index = _SlotIndex(group, keys)
            for pos in range(length if len(group) > 1 else 0):
                for members in index.slots(pos):
                    frames: dict[tuple[str, str], dict[int, str]] = defaultdict(dict)
                    for m in members:
                        for frame, name in self._name_frames(templates[m][pos], pos < self.protect_prefix):
                            frames[frame][m] = name
                    for frame, named in frames.items():
                        names = frozenset(named.values())
                        if len(names) == len(named) > 1:
                            places[names].append((list(named), pos, frame, [templates[m] for m in named]))
        for names in sorted(places, key=lambda n: -len(places[n])):
            # A place whose clusters merged since, or took others in, was seen before its slot's words changed.
            fresh = [(members, pos, frame) for members, pos, frame, seen in places[names]
                     if all(m in alive and templates[m] == t for m, t in zip(members, seen))]
            # Glued to a value or a word (amavis:<NUM>, DHCPACK(br-lan)), a name is what a format writes there; a
            # word alone or in brackets ((start), (end)) may be the event's own, however many events it ends.
            if alone:
                # Many events of several shapes, their first words aside, after several words (master mymaster /
                # cache after ten event words, slave ... @ mymaster / cache after others): a word that splits one
                # shape led by many names (<player> joined / left the game) is the event's, and so are the items of
                # one list (weapon_glock / weapon_usp_silencer after weapon_knife in lists of any length).
                shapes = {_without(keys[members[0]], (0, pos)) for members, pos, _ in fresh}
                after = {keys[members[0]][pos - 1] for members, pos, _ in fresh if pos}
                if len(fresh) < 2 * self.slot_min_values or min(len(shapes), len(after)) < _RECURRING_EVENTS \
                        or _varied_before(keys, fresh):
                    continue
            elif sum(_GLUED_NAME.search("".join(frame)) is not None for _, _, frame in fresh) < _RECURRING_EVENTS:
                continue
            for members, pos, frame in fresh:
                keep = self._merge_members(templates, keys, parent, alive, members, (pos,))
                # The token keeps its words around the name (DHCPACK(<*>)): they name the event.
                templates[keep] = (*templates[keep][:pos], WILDCARD.join(frame), *templates[keep][pos + 1:])
                keys[keep] = tuple(map(self._tokens.norm, templates[keep]))

    def _name_frames(self, token: str, lead: bool) -> Iterator[tuple[tuple[str, str], str]]:
        """Each name a token holds (``br-lan`` of ``DHCPACK(br-lan)``, ``amavis`` of ``amavis:<NUM>``) with the
        token's text before and after it: a word of letters, no UPPER_CASE state or level. A message's first
        token (``lead``) must keep a word around the name, which names the event."""
        for found in _NAME_IN_TOKEN.finditer(token):
            # The two sides, not one text with a mark for the name: a quoted phrase's glue ('Cleanup\ue000service')
            # would be taken for the name's place.
            name, frame = found.group(), (token[:found.start()], token[found.end():])
            if (_LEVEL.fullmatch(name) or self._tokens.is_enum(name)
                    or lead and not any(c.isalpha() for side in frame for c in side)):
                continue
            yield frame, name

    def _names_event(self, templates: dict[int, tuple[str, ...]], members: list[int], slots: tuple[int, ...]) -> bool:
        """Whether the words of ``members`` at one of ``slots`` are their messages' only constants (ntpd's ``<IP> <*>
        <*> sys_peer`` beside ``... reachable``): each names its event, and a merge would leave variables alone."""
        first = templates[members[0]]
        if any(not _is_bare_variable(self._tokens.skeleton(t)) for i, t in enumerate(first) if i not in slots):
            return False  # a word, alone or glued to a value (trace[<NUM>] range, put, ...), names the event
        return any(all(self._tokens.skeleton(templates[m][pos]) is None for m in members) for pos in slots)

    def _few_keys(self, templates: dict[int, tuple[str, ...]], members: list[int], pos: int) -> bool:
        """Whether the words of ``members`` at ``pos`` are fewer than twice ``slot_min_values`` (8 at least)
        UPPER_CASE keys or past participles, each with a variable after it (``NEEDRESTART-VER: <NUM>``, ``AMI:
        <ID>``, ``deleted: <NUM>``): a key names what its value is, so its event, as UPPER_CASE words
        (:meth:`_Tokens.is_enum`) and codes do."""
        words = {templates[m][pos] for m in members}
        return self._few_words(len(words)) and all(
            w[-1:] == ":" and (self._tokens.is_enum(w) or _CODE.fullmatch(w[:-1]) or _PARTICIPLE_KEY.fullmatch(w))
            for w in words) and all(
            pos + 1 < len(templates[m]) and self._tokens.skeleton(templates[m][pos + 1]) is not None for m in members)

    def _merge_leads(self, templates: dict[int, tuple[str, ...]], keys: dict[int, tuple[str, ...]],
                     parent: dict[int, int], alive: set[int]) -> None:
        """Merge alive clusters equal but in their first word when most of those words lead other events too."""
        events: dict[str, set[tuple]] = defaultdict(set)  # first word (bare) -> the rests it leads
        groups: dict[tuple, list[int]] = defaultdict(list)
        for c in sorted(alive):
            rest = keys[c][1:]
            # A message must keep a constant besides its first word ("<*> <ID>" would say nothing).
            if any(self._tokens.skeleton(t) is None for t in rest):
                events[templates[c][0].strip(_BARE)].add(rest)
                # Calls of two names (queue(a): and worker(b): before "closing") are two kinds of things closing,
                # as two keys' values are two fields: each name's values are weighed apart.
                call = _CALL_NAME.match(templates[c][0])
                groups[rest, call and call.group()].append(c)
        for members in groups.values():
            values = {templates[m][0] for m in members}
            # Twice a slot's words: a handful of verbs ("Starting", "Stopping", ...) also lead several events, the
            # users or programs of a log are more. A word in brackets is no verb: one fewer than a slot's count, as
            # for words differing inside brackets, at least 3. A level, a letter ([W], [E]) or an UPPER_CASE status
            # ([OK]) is no such tag.
            bracketed = self.slot_min_values > 0 and all(
                v[:1] in _TAG_CLOSING and v[-1:] == _TAG_CLOSING[v[0]] and len(v) > 3 for v in values)
            in_braces = self.slot_min_values > 0 and all(_BRACED_NAME.fullmatch(v) for v in values)
            # Levels and statuses among them, counted only where brackets or braces hold every word (most slots not).
            statuses = sum(bool(_LEVEL.fullmatch(v[1:-1]) or self._tokens.is_enum(v)) for v in values) \
                if bracketed or in_braces else 0
            tagged = bracketed and not statuses
            # Twice a slot's words in brackets are names, however few events each leads (the many users an FTP
            # server refuses each lead its refusal alone); one level word among them is a name too (a user "info").
            crowd = bracketed and statuses < 2 and len(values) >= 2 * self.slot_min_values
            # A verb is never masked: where a variable leads several of the events the words beside it lead
            # (mac-studio-4 as <ID> beside lt-akhan), the first words are names, and a slot's count suffices.
            leads = [v.strip(_BARE) for v in values if _PLACEHOLDER.search(v)]
            theirs = set().union(*(events[v.strip(_BARE)] for v in values if v.strip(_BARE) not in leads)) \
                if leads else set()
            masked = any(len(events[v] & theirs) > 1 for v in leads)
            # Each first word opens with a value masking took (a systemd unit, <NUM>.scope: beside
            # pve-daily-update.service as <VAL>:), or holds one inside quotes or brackets that wrap it whole
            # ([neo4j/<HEX>], "alice<<NUM>><<ID>>"): a value written as one, no verb, however few; the words after it
            # name the event. A word before the bracket (Disconnecting(...[alice@/<IP>])) may be a verb.
            unnamed = all(_PLACEHOLDER.match(v.lstrip(_BARE))
                          or (_PLACEHOLDER.search(v) and len(v) > 2 and v[-1:] == _PAIRED.get(v[0])) for v in values)
            family = commonprefix(list(values))
            # A word glued to brackets that differs only inside them (Disconnecting(Session[alice@/<IP>]):) is one
            # event's word holding a value, as a slot's word is (zone[dmz]): from as few words.
            inside = _inside_brackets(values) if self.slot_min_values > 0 else None
            glued = inside is not None and family[:1].isalpha() and not any(
                _LEVEL.fullmatch(x) or self._tokens.is_enum(x) for x in inside)
            # A word a lone colon sets apart from the fields that follow (alice : TTY=pts/0 ; USER=root) is the
            # record's subject, a name: a slot's count suffices, as where masking took one for a variable. So is a
            # word an auxiliary follows (alice is now logged in): no verb is followed by "is", so it is the subject.
            rest = keys[members[0]][1:]
            subject = rest[:1] == (":",) and any(_key_of(t) for t in rest) or (
                rest[:1] and rest[0] in _AUXILIARY
                and all(_NAME.fullmatch(v) and not _CAPITALISED.fullmatch(v) for v in values))
            # One key glued to each word (Service:OperationManager, Service:SessionManager) makes them a field's
            # values, no verbs: a slot's count suffices, as for a field after the first word; a state stays apart. A
            # level is no key: it labels the message, whose first word follows it (ERROR:Mount failed).
            key = _key_of(next(iter(values)))
            keyed = key is not None and not _LEVEL.fullmatch(key[:-1]) and all(
                v.startswith(key) and len(v) > len(key) and not _LEVEL.fullmatch(v[len(key):])
                and not self._tokens.is_enum(v[len(key):]) for v in values)
            # Names joined by "/" into a path of three or more (an MQTT topic, tele/plug/STATE; a relative path): no
            # verb holds a "/", so they are names, as keyed ones are; a wildcard among them is such a path merged.
            pathed = all(_NAME_PATH.fullmatch(v) or v == WILDCARD for v in values)
            # Subjects a colon sets apart are names where each leads the same events, or where they are one kind of
            # thing, numbered (eth0:, eth1:; the disks sde:, sdq:): then however few events each leads; a daemon's
            # name (kernel:, sshd:) shares no stem with another's.
            grid = self.slot_min_values > 0 and self._subjects(values) and (
                self._subject_grid(values, events) or len(set(unnumbered([v[:-1] for v in values]))) == 1)
            # Names in braces that each lead the same events ({users} objects: ..., {sessions} objects: ...) are the
            # context a program prefixes (a database's namespace), however few: no prose writes a state in braces.
            # A level or a status ({error}, {OK}) labels the message there, as in brackets: no name.
            braced = in_braces and not statuses and self._subject_grid(values, events)
            need = 2 if unnamed or braced else max(self.slot_min_values - 1, 3) if tagged or glued or grid else (
                (1 if masked or subject or keyed or pathed else 2) * self.slot_min_values)
            if len(values) < need or not (unnamed or tagged or glued or grid or braced or self._is_parameter(values)):
                continue
            # Words of one family (config-ssh, config-locale, ...) are names too, however few events they lead.
            named = (glued or subject or keyed or pathed or grid or crowd or braced
                     or len(family) > 2 and family[-1] in "-_./:")
            if named or 2 * sum(len(events[v.strip(_BARE)]) > 1 for v in values) > len(values):
                self._merge_members(templates, keys, parent, alive, members, (0,))

    def _subjects(self, values: set[str]) -> bool:
        """Whether ``values`` are words a colon sets apart from the message (``mpatha: remaining active paths``), no
        level or UPPER_CASE status: names of what the message is about, where more tells they are. A verb's form
        among them (``ok: [web1]``, ``changed: [web1]``, ``skipping: [web1]``) makes them states, not names."""
        return all(v[-1:] == ":" and _NAME.fullmatch(v[:-1]) and not _LEVEL.fullmatch(v[:-1])
                   and not self._tokens.is_enum(v) and not _VERB_FORM.fullmatch(v) for v in values)

    @staticmethod
    def _subject_grid(values: set[str], events: dict[str, set[tuple]]) -> bool:
        """Whether :meth:`_subjects` ``values`` each lead the same ``_RECURRING_EVENTS`` events or more: the devices
        or maps a program reports on, each the subject of the same events, are a parameter of them, however few; a
        verb leads its own objects, and a label (``Note:``) leads no grid of the same events with others."""
        return len(set.intersection(*(events[v.strip(_BARE)] for v in values))) >= _RECURRING_EVENTS

    def _echo(self, tokens: tuple[str, ...]) -> tuple[int, int, str] | None:
        """Two positions (p, q) whose tokens hold the same name, not both as the bare word, and the name: a value
        a message repeats (``<hq-dc1|<NUM>> selected peer config 'hq-dc1'``); None if none. A word written twice
        alone, a closing ``:,;.`` apart, may be a verb or any word of the event (``reload: reload ok``); quoted
        or in brackets it is a value. Pairs with no bare copy come first, then the earliest."""
        seen: dict[str, int] = {}
        found = []
        for i, token in enumerate(tokens):
            if WILDCARD in token or self._tokens.is_enum(token):
                continue
            for name in self._names_in(token):
                if len(name) < 3:
                    continue
                p = seen.setdefault(name, i)
                bare = (tokens[p].rstrip(":,;.") == name, token.rstrip(":,;.") == name)
                if p != i and not all(bare):
                    found.append((any(bare), p, i, name))
        return min(found)[1:] if found else None

    @staticmethod
    def _names_in(token: str) -> set[str]:
        """The names a token holds (:data:`_NAME`), and the last part of each dotted one: a function named beside
        its module's path (``Sending due task ldap_sync (authentik.sources.tasks.ldap_sync)``) repeats its name."""
        names = set(_NAME.findall(_PLACEHOLDER.sub(" ", token)))
        return names | {name.rsplit(".", 1)[1] for name in names if _DOTTED.fullmatch(name)}

    def _merge_echoes(self, templates: dict[int, tuple[str, ...]], keys: dict[int, tuple[str, ...]],
                      parent: dict[int, int], alive: set[int]) -> None:
        """Merge alive clusters equal but in two slots that repeat one name (:meth:`_echo`) that differs between
        them, from two names: the name is a value the message writes twice, in the first word too, which is no verb
        then. Two actions written twice merge as well (``restart requested (action=restart)``, ``reload ...``):
        three names would keep them apart, and cost two realms, databases or zones written twice their events."""
        groups: dict[tuple, list[int]] = defaultdict(list)
        names: dict[int, str] = {}
        for c in sorted(alive):
            echo = self._echo(templates[c])
            if echo is not None:
                p, q, names[c] = echo
                groups[p, q, _without(keys[c], (p, q))].append(c)
        for (p, q, _), members in groups.items():
            if len({names[m] for m in members}) > 1:
                self._merge_members(templates, keys, parent, alive, members, (p, q))

    def _merge_pairs(self, templates: dict[int, tuple[str, ...]], keys: dict[int, tuple[str, ...]],
                     parent: dict[int, int], alive: set[int]) -> None:
        """Merge alive clusters of equal length differing in two parameter slots with a constant between them, or
        next to each other with each slot's values in brackets or quotes.

        Two words next to each other that vary together are more often one
        enumerated phrase ("illegal instruction" / "trap instruction") than
        two parameters, so such slots must not touch; a quoted name and its
        bracketed id are two values. Candidates are found
        with a linear hash of the token codes per position: leaving out
        positions p and q subtracts their terms, so each (p, q) is one
        NumPy pass over the group, and the members found are checked exactly.
        """
        by_length: dict[int, list[int]] = defaultdict(list)
        for c in sorted(alive):
            by_length[len(templates[c])].append(c)
        codes: dict[str, int] = {}
        for length, group in by_length.items():
            start = min(self.protect_prefix, length)
            if len(group) < 2 or length - start < 2:
                continue
            weights = np.random.default_rng(length).integers(1, 2**63, size=length, dtype=np.uint64) | np.uint64(1)
            table = np.array([[codes.setdefault(t, len(codes)) for t in keys[c]] for c in group], dtype=np.uint64)
            terms = table * weights  # wraps modulo 2**64, as a hash may
            total = terms.sum(axis=1)  # each row's hash, kept up to date on merges
            live = np.ones(len(group), dtype=bool)
            row_of = {c: i for i, c in enumerate(group)}
            # Few long clusters: their pairs of close rows are cheaper than a hash per (p, q).
            close = _ClosePairs(table) if len(group) < length else None
            # Slots apart first: a pair next to each other merged first would leave a third slot's words apart.
            for p, first, last in [(p, p + 2, length) for p in range(start, length - 2)] + [
                    (p, p + 1, p + 2) for p in range(start, length - 1)]:
                if close is None:
                    rows = np.flatnonzero(live)
                    left = np.sort((total[rows] - terms[rows, p])[:, None] - terms[rows, first:last], axis=0)
                    columns = (first + np.flatnonzero((left[1:] == left[:-1]).any(axis=0))).tolist()
                else:
                    columns = close.columns(p, first, last)
                for q in columns:
                    rows = np.flatnonzero(live)
                    hashed = total[rows] - terms[rows, p] - terms[rows, q]
                    for members in self._pair_groups(group, rows, hashed, templates, keys, p, q):
                        keep = self._merge_members(templates, keys, parent, alive, members, (p, q))
                        dead = [row_of[m] for m in members[1:]]
                        live[dead] = False
                        i = row_of[keep]
                        table[i] = [codes.setdefault(t, len(codes)) for t in keys[keep]]
                        terms[i] = table[i] * weights
                        total[i] = terms[i].sum()
                        if close is not None:
                            close.refresh(i, dead, np.flatnonzero(live))

    def _merge_records(self, templates: dict[int, tuple[str, ...]], keys: dict[int, tuple[str, ...]],
                       parent: dict[int, int], alive: set[int]) -> None:
        """Merge alive clusters equal but in the cells of a delimited record (:func:`_record_cells`): a record's
        cells are fields in fixed places, whose words are values however few (block / pass, an interface, a flag);
        an empty cell is a field with no value here, which agrees with words (a flag list or none) or with values.
        A cell that holds a few words in some records and values in others is another field: another shape of
        record, which names its event (a protocol's fields); one of ``slot_min_values`` words or more is a field of
        names, which values fill too."""
        groups: dict[tuple, list[tuple[list[int], list[int]]]] = defaultdict(list)  # -> (members, cells' kinds)
        read: dict[int, tuple[tuple, list[int]]] = {}  # cluster -> (its record's shape, its cells' kinds)
        words: dict[tuple, defaultdict[int, set[str]]] = defaultdict(lambda: defaultdict(set))  # shape -> cell's
        for c in sorted(alive):
            if not any(t[:1] == _CELL for t in templates[c]):
                continue
            kinds = [0 if t[:1] != _CELL else _EMPTY if len(t) == 2 else _WORD if k == t else _VALUE
                     for t, k in zip(templates[c], keys[c])]
            # A keyed cell's key is the record's shape: a record of other keys is another event's.
            shape = tuple(_CELL_HEAD.match(t).group() if kind else k
                          for t, k, kind in zip(templates[c], keys[c], kinds))
            read[c] = shape, kinds
            held_words = words[shape]  # looked up once: a tuple's hash is not kept, and a record may hold many cells
            for i in (i for i, kind in enumerate(kinds) if kind == _WORD):
                held_words[i].add(keys[c][i])
        for c, (shape, kinds) in read.items():
            # A cell of many words is a field of names (a country), which a masked value may fill too (an address
            # range): no sign of another shape of record, as a few words beside values are (icmp's request / reply).
            held_words = words[shape]
            kinds = [0 if len(held_words[i]) >= self.slot_min_values else kind for i, kind in enumerate(kinds)]
            shapes = groups[shape]
            for members, held in shapes:
                if all((kind | other) & _FILLED != _FILLED for kind, other in zip(kinds, held)):
                    members.append(c)
                    held[:] = [kind | other for kind, other in zip(kinds, held)]
                    break
            else:
                shapes.append(([c], kinds))
        for members, _ in (shape for shapes in groups.values() for shape in shapes if len(shape[0]) > 1):
            slots = tuple(i for i, column in enumerate(zip(*(keys[m] for m in members))) if len(set(column)) > 1)
            heads = {i: _CELL_HEAD.match(templates[members[0]][i]).group() for i in slots}
            keep = self._merge_members(templates, keys, parent, alive, members, slots)
            # A merged cell stays in its place, its key with it: a bare <*> would be shown apart from the record.
            templates[keep] = tuple(heads[i] + WILDCARD if i in slots else t for i, t in enumerate(templates[keep]))
            keys[keep] = tuple(map(self._tokens.norm, templates[keep]))

    def _merge_fields(self, templates: dict[int, tuple[str, ...]], keys: dict[int, tuple[str, ...]],
                      parent: dict[int, int], alive: set[int]) -> None:
        """Merge alive clusters equal but in the values of two named fields or more (``key=value``), when they
        are ``slot_min_values`` or more: fields that vary together are data (``ephemeral=true instanceType=vm
        project=ci``), however few values each takes; one field of few values may name the event (``user=root``),
        and UPPER_CASE values are states (``PRINTER=PAPER_OUT``), a quoted phrase's first word its verb
        (``message="Created pod: <*>"``): such a field keeps them apart."""
        groups: dict[tuple, list[int]] = defaultdict(list)
        for c in sorted(alive):
            # Mining wrote a merged field's value as a bare <*>: the cluster's messages say which key it had.
            named = self._fields.get(c) or [None] * len(templates[c])
            groups[tuple(_key_of(t) or (t == WILDCARD and f) or k
                         for t, k, f in zip(templates[c], keys[c], named))].append(c)
        for members in groups.values():
            if len(members) < self.slot_min_values:
                continue
            slots = tuple(i for i, column in enumerate(zip(*(keys[m] for m in members))) if len(set(column)) > 1)
            # A level (at=info / at=error) is the event's, as a state is.
            values = ({t[len(_key_of(t) or ""):] for t in {templates[m][i] for m in members}} for i in slots)
            states = any(all(self._tokens.is_enum(v) or _LEVEL.fullmatch(v) or _opens_phrase(v) for v in column)
                         for column in values)
            if len(slots) > 1 and not states:
                self._merge_members(templates, keys, parent, alive, members, slots)

    def _merge_field_words(self, templates: dict[int, tuple[str, ...]], keys: dict[int, tuple[str, ...]],
                           parent: dict[int, int], alive: set[int]) -> None:
        """Merge alive clusters equal but in the word of one named field that another field follows (``protocol=tcp
        sport=<NUM>`` / ``protocol=udp sport=<NUM>``; ``collection:logs size:<NUM>``; ``collection: logs id: <NUM>``:
        :func:`_record_word`): a column of a run of fields is data however few words it takes, unless they are
        levels (``at=error``) or UPPER_CASE states (``DISPENSER=CASSETTE_EMPTY``); a field that ends the message may
        be what it is about (pam's ``user=root``), one in brackets a record's type."""
        by_length: dict[int, list[int]] = defaultdict(list)
        for c in sorted(alive):
            by_length[len(templates[c])].append(c)
        for length, group in by_length.items():
            spots = sorted({i for c in group for i in range(min(self.protect_prefix, length), length - 1)
                            if _record_word(templates[c], i)})
            index = _SlotIndex(group, keys)  # built once, again only after a merge: a build reads every token
            for pos in spots:
                if len(group) < 2:
                    break
                for members in index.slots(pos):
                    # A key=value field's next field may be a merged bare <*> by now; a colon's must be read in each.
                    found = [_word_field(templates[m], pos) for m in members]
                    words = set(found)
                    if all(f and (f[0].endswith("=") or _record_word(templates[m], pos))
                           for f, m in zip(found, members)) and len({k for k, _ in words}) == 1 \
                            and not any(self._tokens.is_enum(v.rstrip(",;")) for _, v in words):
                        self._merge_members(templates, keys, parent, alive, members, (pos,))
                if any(c not in alive for c in group):
                    group = [c for c in group if c in alive]
                    index = _SlotIndex(group, keys, index)

    def _merge_quoted(self, templates: dict[int, tuple[str, ...]], keys: dict[int, tuple[str, ...]],
                      parent: dict[int, int], alive: set[int], units: bool = False) -> None:
        """Merge alive clusters equal but in quoted values (:data:`_QUOTED_VALUE`), the first word's too, when each
        position that differs holds ``slot_min_values - 1`` values or more (at least 3), none UPPER_CASE: values a
        message quotes that vary together (an attacker, a victim, a weapon) are one event's, as one quoted slot's
        are, however many positions vary at once; words outside quotes (illegal / trap instruction) still split.
        With ``units``, a unit after a variable (:func:`_is_unit`) may vary too, with a quoted value: what a quoted
        name measures sets its unit ('Temperature': 21.3 °C, 'Humidity': 44.0 %)."""
        groups: dict[tuple, list[int]] = defaultdict(list)
        for c in sorted(alive):
            # A bare <*> is such a value that an earlier merge wrote so (its quotes come back when shown).
            shape = tuple(WILDCARD if t == WILDCARD or _QUOTED_VALUE.fullmatch(t)
                          or units and i and _is_unit(t, keys[c][i - 1]) else k
                          for i, (t, k) in enumerate(zip(templates[c], keys[c])))
            # A message must keep a constant outside its quotes ("<*>" "<*>" would say nothing).
            if any(s != WILDCARD and self._tokens.skeleton(t) is None for s, t in zip(shape, templates[c])):
                groups[shape].append(c)
        need = max(self.slot_min_values - 1, 3)
        for members in (members for members in groups.values() if len(members) > 1):
            columns = [{templates[m][i] for m in members} for i in range(len(templates[members[0]]))]
            slots = tuple(i for i, column in enumerate(columns) if len({keys[m][i] for m in members}) > 1)
            quoted = any(_QUOTED_VALUE.fullmatch(v) for i in slots for v in columns[i])
            if (quoted or not units) and all(len(columns[i]) >= need and not any(
                    self._tokens.is_enum(v.strip(_BARE)) for v in columns[i]) for i in slots):
                self._merge_members(templates, keys, parent, alive, members, slots)

    def _merge_spans(self, templates: dict[int, tuple[str, ...]], keys: dict[int, tuple[str, ...]],
                     parent: dict[int, int], alive: set[int]) -> None:
        """Merge alive clusters equal but in a run of 1 to ``_SPAN_WORDS`` tokens (at ``protect_prefix`` or
        later) of two lengths or more, when they are twice ``slot_min_values`` or more and the tokens around the
        run hold three words: the run is a name of several words, one ``<*>`` of any length (its position is
        kept in ``self._span_at``). A few phrases there are the event's (``No child processes``, ``insufficient
        funds``): where most runs open with a lower-case word (``Alert <*> raised: host link down``), they
        describe the event. A run in brackets or braces (``thread named [OkHttp ConnectionPool]``) is one value
        from ``slot_min_values - 1`` runs (at least 3), variables inside or not; up to ``_BRACKET_SPAN_WORDS``
        tokens from twice ``slot_min_values`` runs (:meth:`_runs`); of one length, only runs in brackets after a
        key whose words all vary (:meth:`_spans_apart`). Runs of UPPER_CASE words alone are states. The largest
        groups go first, then the shortest runs."""
        fewest = min(2 * self.slot_min_values, max(self.slot_min_values - 1, 3))
        if len(alive) < 2:  # a bare <*> counts twice (_values): two clusters may hold three values
            return
        ends: dict[tuple, int] = {}  # (id of the tokens before, one more token) -> id: each start and end once
        around: dict[int, tuple[list[int], list[int]]] = {}
        for c in sorted(alive):
            heads, tails = [0], [0]
            for t in keys[c]:
                heads.append(ends.setdefault((heads[-1], t), len(ends) + 1))
            for t in reversed(keys[c]):
                tails.append(ends.setdefault((-tails[-1], t), len(ends) + 1))
            around[c] = heads, tails
        # A run's group needs as many clusters with its start and with its end: most runs have neither.
        shared = Counter(e for heads, tails in around.values() for e in {*heads, *tails})
        for c, (heads, tails) in around.items():  # and a bare <*> there holds two values or more
            for i in (i for i, t in enumerate(templates[c]) if t == WILDCARD):
                shared[heads[i]] += 1
                shared[tails[len(keys[c]) - i - 1]] += 1
        groups: dict[tuple, list[tuple[int, int, bool, int]]] = defaultdict(list)
        for c, (heads, tails) in around.items():
            n = len(keys[c])
            starts = {i for i in range(n) if shared[heads[i]] >= fewest}
            for i, m, closed, values in self._runs(templates[c], starts):
                if shared[tails[n - i - m]] >= fewest:
                    groups[i, heads[i], tails[n - i - m]].append((c, m, closed, values))
        order = sorted(((len(members), -sum(m for _, m, _, _ in members), key) for key, members in groups.items()
                        if sum(values for _, _, _, values in members) >= fewest
                        and self._spans_apart(templates, [(c, m) for c, m, _, _ in members], key[0],
                                              all(shut for _, _, shut, _ in members))), reverse=True)
        for _, _, key in order:
            i = key[0]
            runs = [run for run in groups[key] if run[0] in alive and run[0] not in self._span_at]
            members, closed = [(c, m) for c, m, _, _ in runs], all(shut for _, _, shut, _ in runs)
            # A run longer than a name is a payload only where many differ: a few bracketed sentences
            # ([disk usage above the warning threshold]) are as many events.
            long = any(m > _SPAN_WORDS for _, m in members)
            if closed and long and len(members) < 2 * self.slot_min_values:
                # Too few for a payload: the runs as short as a name may still be names.
                members, long = [(c, m) for c, m in members if m <= _SPAN_WORDS], False
            need = max(self.slot_min_values - 1, 3) if closed and not long else 2 * self.slot_min_values
            prose = 0 if closed else sum(templates[c][i][:1].islower() for c, _ in members)
            # The names that hold a value (DISPENSER cassette C3 EMPTY) only join: the others judge the group.
            counted = [templates[c][i:i + m] for c, m, _, values in runs if (c, m) in members and values]
            states = all(self._tokens.is_enum(t) for run in counted for t in run)
            values = sum(map(_values, counted))
            if values < need or not self._spans_apart(templates, members, i, closed) or 2 * prose > len(members) \
                    or states:
                continue
            self._merge_run(templates, keys, parent, alive, members, i)

    @staticmethod
    def _spans_apart(templates: dict[int, tuple[str, ...]], members: list[tuple[int, int]], i: int,
                     closed: bool) -> bool:
        """Whether runs at ``i`` of ``members`` (cluster, run length) differ as a span's values do: in length, or,
        closed after a key's colon (:func:`_after_key`), in every token of runs of two or more (``Enable extension:
        [bin/shim enable]`` beside ``[./shim.sh -enable]``): a value printed in brackets whose words vary together,
        which the slot passes read as a phrase's words. Runs equal but in one word are left to the slot passes."""
        lengths = {m for _, m in members}
        if len(lengths) > 1:
            return True
        m = lengths.pop()
        return closed and m > 1 and _after_key(templates[members[0][0]], i) and all(
            len({templates[c][i + j] for c, _ in members}) > 1 for j in range(m))

    def _merge_run(self, templates: dict[int, tuple[str, ...]], keys: dict[int, tuple[str, ...]],
                   parent: dict[int, int], alive: set[int], members: list[tuple[int, int]], i: int) -> None:
        """Merge ``members`` (cluster, run length) into the first, its run at ``i`` one span ``<*>``."""
        ids = [c for c, _ in members]
        keep, after = ids[0], len(templates[ids[0]]) - i - members[0][1]
        head = [self._generalise_column(column) for column in zip(*(templates[c][:i] for c in ids))]
        tail = [self._generalise_column(column) for column in zip(*(templates[c][len(templates[c]) - after:]
                                                                      for c in ids))]
        templates[keep] = (*head, _run_edges([templates[c][i:i + m] for c, m in members]), *tail)
        keys[keep] = tuple(map(self._tokens.norm, templates[keep]))
        self._span_at[keep] = i
        for c in ids[1:]:
            parent[c] = keep
            alive.discard(c)

    def _merge_described(self, templates: dict[int, tuple[str, ...]], keys: dict[int, tuple[str, ...]],
                         parent: dict[int, int], alive: set[int]) -> None:
        """Merge alive clusters written as the same words, a name and ``-`` before a description that runs to the
        end (:meth:`_description_at`), when two or more of their descriptions follow other words too, of
        ``slot_min_values - 1`` such descriptions or more (3 at least): a description that several events write
        after a name (systemd's ``Starting <unit> - Daily apt download activities...``, then ``Finished <unit> -
        Daily apt download activities.``) is the name's, one ``<*>`` of any length. An event's own text after a
        name (``Cluster Node [<*>] - Shutting down...``) follows no other words."""
        at = {c: self._description_at(templates[c]) for c in sorted(alive) if c not in self._span_at}
        heads: dict[tuple[str, ...], list[int]] = defaultdict(list)
        said: dict[int, tuple[str, ...]] = {}
        led: dict[tuple[str, ...], set[tuple[str, ...]]] = defaultdict(set)  # description -> the words before it
        for c, i in at.items():
            if i is not None:
                heads[keys[c][:i - 2]].append(c)
                # The closing stop differs by event (Starting ... files... / Finished ... files.), not by unit.
                said[c] = (*templates[c][i:-1], templates[c][-1].rstrip("."))
                led[said[c]].add(keys[c][:i - 2])
        shared = {d for d, words in led.items() if len(words) > 1 and d != (WILDCARD,)}
        if len(shared) < max(self.slot_min_values - 1, 3):
            return
        for members in heads.values():
            if sum(said[c] in shared for c in members) > 1:
                i = at[members[0]]
                self._merge_run(templates, keys, parent, alive, [(c, len(templates[c]) - i) for c in members], i)

    def _description_at(self, tokens: tuple[str, ...]) -> int | None:
        """Where the description starts in ``tokens`` that are words (no variable, no state), a name (an untyped
        variable or a dotted name: ``<VAL>``, ``basic.target``), ``-`` and one token or more; None in any other
        tokens."""
        i = tokens.index("-") if "-" in tokens else 0
        if i < 2 or i == len(tokens) - 1:
            return None
        name = tokens[i - 1]
        # A number, an address or a host is an instance, which carries no description: the text after it is what
        # happened to it (Job <NUM> - completed successfully, Job <NUM> - failed).
        typed = set(_PLACEHOLDER.findall(name)) - {"<VAL>", WILDCARD}
        if not (_DOTTED.fullmatch(name) or self._tokens.skeleton(name) is not None and _PLACEHOLDER.search(name)
                and not typed):
            return None
        if any(not t.isalpha() or self._tokens.is_enum(t) for t in tokens[:i - 1]):
            return None
        return i + 1

    def _merge_exceptions(self, templates: dict[int, tuple[str, ...]], keys: dict[int, tuple[str, ...]],
                          parent: dict[int, int], alive: set[int]) -> None:
        """Merge alive clusters equal but in the exception they print (:meth:`_ruby_exception_run`,
        :meth:`_exception_run`), when their exceptions are ``slot_min_values - 1`` or more (3 at least, as for dotted
        names), the tokens before hold two words and the exceptions do not all end in the same word: the program
        wrote ``e.toString()`` into its message (``ExecuteRequest failed <*>.``), one ``<*>`` of any length. An event
        that always prints the same exception keeps it as text."""
        groups: dict[tuple, list[tuple[int, int]]] = defaultdict(list)
        for c in sorted(alive):
            run = None if c in self._span_at else \
                self._ruby_exception_run(templates[c]) or self._exception_run(templates[c])
            if run is not None:
                i, m = run
                groups[keys[c][:i], keys[c][i + m:]].append((c, m))
        need = max(self.slot_min_values - 1, 3)
        for (head, _), members in groups.items():
            i = len(head)
            runs = {templates[c][i:i + m] for c, m in members}
            values = sum(2 if WILDCARD in run else 1 for run in runs)  # a wildcard there was mined from two
            # One word before says too little of the event (Resolved [<exception>]): the exception may name it, unless
            # classes and messages cross (:func:`_crossed`).
            # Runs that all end in the same word go on past the exception's message with the event's own words.
            ends = {run[-1] for run in runs}
            shared_end = len(ends) == 1 and self._tokens.skeleton(next(iter(ends))) is None
            words = sum(self._tokens.skeleton(t) is None for t in templates[members[0][0]][:i])
            if values >= need and (words >= 2 or _crossed(runs)) and not shared_end:
                self._merge_run(templates, keys, parent, alive, members, i)

    def _merge_coded(self, templates: dict[int, tuple[str, ...]], keys: dict[int, tuple[str, ...]],
                     parent: dict[int, int], alive: set[int]) -> None:
        """Merge alive clusters equal up to an error code (:meth:`_code_at`) and different in the sentence after it,
        of ``slot_min_values - 1`` sentences or more (3 at least) and two lengths or more: the message the code was
        printed with (ProxySQL's ``Error during query on (...): 1213, Deadlock found when trying to get lock; ...``),
        one ``<*>`` of any length, as an exception's message is (:meth:`_merge_exceptions`)."""
        groups: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for c in sorted(alive):
            at = None if c in self._span_at else self._code_at(templates[c])
            if at is not None:
                groups[keys[c][:at]].append(c)
        need = max(self.slot_min_values - 1, 3)
        for head, members in groups.items():
            i = len(head)
            tails = {templates[c][i:] for c in members}
            if len(tails) >= need and len({len(t) for t in tails}) > 1:
                self._merge_run(templates, keys, parent, alive, [(c, len(templates[c]) - i) for c in members], i)

    def _code_at(self, tokens: tuple[str, ...]) -> int | None:
        """Where the sentence after an error code starts in ``tokens``: a number and ``,`` that open a clause after
        ``:`` (``...): 1213, Deadlock found``), two words or more before, then two tokens or more that open with a
        capitalised word; None if there is none. A number and ``:`` are an id as often (``JobId 14121: Begin
        pruning``), the log's own prefix when its header was not read. A clause that opens with a key of two words
        (``Src Port: 51899, Dst Port: 80, ...``) is the next field of a list of ``Key: value`` fields: the number is
        its field's value, no code."""
        words = 0  # counted as the tokens are read: counting again at each code took n**2 on a line of many
        for i, token in enumerate(tokens[:-2]):
            if i and token == "<NUM>," and tokens[i - 1].endswith(":") and words >= 2:
                keyed = tokens[i + 2].endswith(":")  # the next field's key
                return i + 1 if re.fullmatch(r"[A-Z][a-z]+", tokens[i + 1]) and not keyed else None
            words += self._tokens.skeleton(token) is None
        return None

    def _ruby_exception_run(self, tokens: tuple[str, ...]) -> tuple[int, int] | None:
        """(start, length) of a Ruby exception written as ``message (Class)`` (Unicorn's ``app error: undefined method
        `sku' for nil:NilClass (NoMethodError)``): from the clause that the first ``:`` after ``protect_prefix``
        opens to the class that ends the tokens; None if they end in none."""
        if not tokens or not _RUBY_CLASS.fullmatch(tokens[-1]):
            return None
        at = next((i + 1 for i, t in enumerate(tokens[:-1]) if i >= self.protect_prefix and t.endswith(":")), None)
        return None if at is None else (at, len(tokens) - at)

    def _exception_run(self, tokens: tuple[str, ...]) -> tuple[int, int] | None:
        """(start, length) of the first exception class (:data:`_EXCEPTION`) from ``protect_prefix`` on, with its
        message: to the end, or where a bracket open before it or opened by it closes (``[... failed:
        java.lang.IllegalStateException: Order 7 is shipped] with root cause``); None if there is none."""
        opened: list[str] = []  # the brackets open before each token
        for i, token in enumerate(tokens):
            bare = _PLACEHOLDER.sub("", token)
            if i >= max(self.protect_prefix, 1) and _EXCEPTION.fullmatch(bare):
                own = bare[:1] if bare[:1] in _OPENERS else ""
                return i, _clause_length(tokens[i:], opened[-1] if opened else own, len(opened[-1:]))
            for ch in bare:
                if ch in _OPENERS:
                    opened.append(ch)
                elif opened and ch == _CLOSING[opened[-1]]:
                    opened.pop()
        return None

    def _numbered_name(self, run: Sequence[str]) -> bool:
        """Whether a run is a name of words that holds a value (``Discovery <IP>/<NUM>``, ``New VLAN <NUM>``): it
        opens with a capitalised word, and none of its variables is a bare ``<*>`` (another slot's values)."""
        return len(run) > 1 and run[0][:1].isupper() and self._tokens.skeleton(run[0]) is None \
            and WILDCARD not in run

    @staticmethod
    def _name_parts(tokens: Sequence[str], word: Sequence[bool]) -> list[bool]:
        """Per token (n,), whether it may be part of a name of words: a word (``word`` (n,)), a wildcard that
        merged words (The <*> of The Bear, The Boys), or a value in parentheses after a word that tells names
        apart (a year: Bluey (2018))."""
        return [w or t == WILDCARD or j > 0 and word[j - 1] and _QUALIFIER.fullmatch(t) is not None
                for j, (w, t) in enumerate(zip(word, tokens))]

    def _runs(self, tokens: tuple[str, ...], starts: set[int]) -> Iterator[tuple[int, int, bool, int]]:
        """(start, length, closed, values) of the runs of 1 to ``_SPAN_WORDS`` tokens, at ``starts`` from
        ``protect_prefix`` on, with three words outside them (two outside a labelled parenthesis), that may be a
        name: words alone (a variable is a slot of its own) or a capitalised name holding a value
        (:meth:`_numbered_name`), no field (key=value, key=) and no state (TASK_ABORT), though an acronym (USB)
        or a word before a colon may be one;
        or, closed, a run of up to ``_BRACKET_SPAN_WORDS`` tokens that a bracket, a brace or a labelled
        parenthesis (:data:`_LABELLED`) or a tally (:data:`_TALLY`) opens and closes,
        variables inside or not, or a bare ``<*>``. A level word in the bracket ends the runs there when it opens
        the bracket or is upper case (``[INFO ]``, ``[main ERROR]``); lower case, it leaves only longer runs.
        ``values``: how many values the run stands for in its span's group (:func:`_values`), none for a name
        that holds a value (:meth:`_numbered_name`), not only names' parts (:meth:`_name_parts`): it joins a span
        the names of words make, and makes none by itself."""
        # A name may open the message where a colon ends it ("Hallway motion light: Running automation actions").
        begins = sorted(i for i in starts if i >= self.protect_prefix or i == 0)
        if not begins:
            return
        word = [self._tokens.skeleton(t) is None for t in tokens]
        part = self._name_parts(tokens, word)
        field = [self._field_or_state(t) for t in tokens]
        words = sum(word)
        for i in begins:
            labelled = _LABELLED.fullmatch(tokens[i]) is not None
            # A parenthesis the message ends with (a test's or a job's description: "Performing test ID <ID>
            # (Check for running NTP daemon or client)") is bounded by its bracket as a bracket's run is: closed there
            # only, where nothing of the event's own words follows it.
            ending = tokens[i][:1] == "(" and tokens[-1].endswith(")") and not labelled
            opener = tokens[i][:1] if tokens[i][:1] in _CLOSERS or labelled or ending or _is_tally(tokens, i) else ""
            # A labelled parenthesis names its value's kind, as a key does: two words outside it make an event
            # ("Client version <NUM> (<*>)"), with or without a leading field ("1 => ", its arrow a word) before;
            # so does a key's colon before a bracket ("Enable extension: [bin/shim enable]").
            outside = 2 if labelled or _after_key(tokens, i) else 3
            inside = real = depth = 0
            # A value in parentheses is a name's part after a word of the run, not after one before it.
            lead = word[i] or tokens[i] == WILDCARD
            leveled = False  # a lower-case level word inside the bracket so far
            for m in range(1, min(_BRACKET_SPAN_WORDS if opener else _SPAN_WORDS, len(tokens) - i) + 1):
                if m > _SPAN_WORDS and not opener:
                    break
                last = tokens[i + m - 1]
                level = opener and _LEVEL.fullmatch(last.strip("[]{}|:,")) is not None
                if field[i + m - 1] or (level and (m == 1 or last.strip("[]{}|:,").isupper())):
                    break  # a level in brackets ([INFO ], [main ERROR]) is a state too
                # A lower-case one (error, log) is a word of a payload's sentence, not of a name.
                leveled = leveled or level
                inside += part[i + m - 1]
                real += word[i + m - 1]
                depth, shut = _depth_after(_PLACEHOLDER.sub("", last), opener, depth) if opener else (0, False)
                # Closed: the run's first bracket closes at its end and not before ("[a] started [b]" is two);
                # a bare <*> was mined from values, brackets and all, and may stand for a closed run too, and so
                # may one that ends a bracket's run ([<NUM>][The <*> of [<NUM>][The Bear]): it holds the closing.
                closed = shut and (not ending or i + m == len(tokens)) or last == WILDCARD and (
                    m == 1 or opener and depth == 1)
                named = m <= _SPAN_WORDS and ((inside == m and real > 0) or self._numbered_name(tokens[i:i + m]))
                if (named or closed) and (m > _SPAN_WORDS or not leveled) \
                        and words - real >= (outside if closed else 3) \
                        and (i >= self.protect_prefix or last.endswith(":")):
                    yield i, m, closed, _values(tokens[i:i + m]) if closed or lead and inside == m else 0
                if shut or depth < 0:
                    opener = ""

    def _absorb_covered(self, templates: dict[int, tuple[str, ...]], keys: dict[int, tuple[str, ...]],
                        parent: dict[int, int], alive: set[int], fresh: set[int] | None = None) -> None:
        """With ``absorb_covered``, :meth:`_merge_covered` again while it merges: a cover that grew may now cover
        another cover. ``fresh``: the alive clusters that took others in (their templates or keys changed) since
        every pair was last tried (None: all); a pair of unchanged ones would fail again."""
        while self.absorb_covered and (fresh is None or fresh):
            fresh = self._merge_covered(templates, keys, parent, alive, fresh)

    def _merge_covered(self, templates: dict[int, tuple[str, ...]], keys: dict[int, tuple[str, ...]],
                       parent: dict[int, int], alive: set[int], fresh: set[int] | None = None) -> set[int]:
        """Merge each alive cluster into the most specific other one whose template covers it (``<*>`` where
        they differ) and keeps at least as many words as it turns of this one into wildcards, a named field's value
        apart (``rpc=Read``, ``server: <HOST>``): a rare message whose several words are parameters that the final
        template of its event already holds (no pass merges three slots at once).
        A token with a wildcard covers the words it reads: ``<*>: Link UP`` (eth0:, wlan0: and vethc514ca8:, all
        with digits) holds ``lo: Link UP``. With ``fresh`` (see :meth:`_absorb_covered`), an unchanged cluster
        is tried against fresh covers only. Returns the covers that grew (a cover that grew may cover another)."""
        words = {c: sum(self._tokens.skeleton(t) is None for t in templates[c]) for c in alive}
        every = self._cover_index(templates, keys, alive, words)
        new = every if fresh is None else self._cover_index(templates, keys, fresh, words)
        grown, root = set(), self._root(parent)
        for c in sorted(alive):
            # A cover has <*> wherever this one has: the keys read a <*> as any placeholder, <NUM> as well.
            own = {i for i, t in enumerate(templates[c]) if _is_hole(t)}
            length = len(templates[c])
            covers, heads, shapes = every if fresh is None or c in fresh else new
            for holes in shapes.get(length, ()):
                if len(holes) < len(own) or not own.issubset(holes):
                    continue
                rest, first = _without(keys[c], holes), templates[c][holes[0]]
                found = sorted(k for j in heads[length, holes] if j <= len(first)
                               for k in covers[length][holes].get((rest, first[:j]), ()))
                if not found:
                    continue
                # A wildcard of the covered template holds anything: no text a cover could read ("<<*>>" reads "<*>").
                held = [templates[c][i].replace(WILDCARD, "\x00") for i in holes]
                taken = [i for i in holes if i not in own]
                cover = next((k for k in map(root, found) if k != c
                              and words[k] >= self._unnamed(templates[c], c, k, taken, holes)
                              and all(self._tokens.covers(templates[k][i], w, empty=False)
                                      for i, w in zip(holes, held))), None)
                if cover is None:
                    continue
                # Keys read rhost=<IP> and rhost=<*> alike: the cover's other tokens widen to hold this one's.
                templates[cover] = tuple(t if i in holes else self._tokens.generalise(t, o)
                                         for i, (t, o) in enumerate(zip(templates[cover], templates[c])))
                keys[cover] = tuple(map(self._tokens.norm, templates[cover]))
                self._join_fields(cover, c)
                parent[c] = cover
                alive.discard(c)
                grown.add(cover)
                break
        return grown & alive

    def _cover_index(self, templates: dict[int, tuple[str, ...]], keys: dict[int, tuple[str, ...]],
                     clusters: set[int], words: dict[int, int]) -> tuple[dict, dict, dict]:
        """The ``clusters`` that may cover others: per length and wildcard positions, those templates by their other
        tokens (compared as merging compares them) and by what their first wildcard token opens with; the lengths of
        such openings per (length, positions); per length, the positions most specific first."""
        # A cover's opening must open the covered token (k1=<*> is no cover of k2=<*>, and many such keys would
        # otherwise each be tried against each).
        covers: dict[int, dict[tuple[int, ...], dict[tuple, list[int]]]] = defaultdict(lambda: defaultdict(dict))
        heads: dict[tuple, set[int]] = defaultdict(set)
        for c in sorted(clusters):
            holes = tuple(i for i, t in enumerate(templates[c]) if _is_hole(t))
            # Mining wrote a field's value as a bare <*>: the template it covers says whether a key names it.
            if holes and words[c]:
                head = templates[c][holes[0]].split(WILDCARD, 1)[0]
                covers[len(templates[c])][holes].setdefault((_without(keys[c], holes), head), []).append(c)
                heads[len(templates[c]), holes].add(len(head))
        # The most specific covering template first: fewest wildcards, then positions, then lowest id.
        shapes = {length: sorted(by_holes, key=lambda h: (len(h), h)) for length, by_holes in covers.items()}
        return covers, heads, shapes

    def _unnamed(self, tokens: tuple[str, ...], c: int, cover: int, taken: list[int], holes: tuple[int, ...]
                 ) -> int:
        """How many of positions ``taken`` of cluster ``c`` (its ``tokens``) hold a word: not a token holding a value
        masking found (``<HOST>.``, ``pkg-<NUM>``: the cover loses no word there; a narrower reading, tokens wholly a
        masked value, lost other logs' merges), nor a value of a field that the ``cover`` (wildcards at ``holes``) names
        alike: one key opens both clusters' messages there (``rpc=``), or the token before is a key (``server:``,
        ``"method":``) that both have, as a cover equals what it covers outside its holes. A position where both
        name another field makes the cover none (more than any count)."""
        unknown = [None] * len(tokens)
        mine, theirs = self._fields.get(c) or unknown, self._fields.get(cover) or unknown
        if any(mine[i] is not None and theirs[i] is not None and mine[i] != theirs[i] for i in taken):
            return len(tokens) + 1  # another field there (status= where the cover's messages have kind=): no cover
        return sum(not ((mine[i] is not None and mine[i] == theirs[i]) or _PLACEHOLDER.search(tokens[i])
                        or (i and i - 1 not in holes and _KEY.fullmatch(tokens[i - 1]))) for i in taken)

    @staticmethod
    def _root(parent: dict[int, int]) -> Callable[[int], int]:
        """The cluster a cluster was merged into, at last (itself if it was not)."""
        def root(c: int) -> int:
            while c in parent:
                c = parent[c]
            return c
        return root

    def _pair_groups(self, group: list[int], rows: np.ndarray, hashed: np.ndarray,
                     templates: dict[int, tuple[str, ...]], keys: dict[int, tuple[str, ...]],
                     p: int, q: int) -> list[list[int]]:
        """Clusters (lists, lowest id first) equal but at p and q whose two slots are both parameters."""
        # Compare keys (variables reduced to their skeleton) but judge the template words, as the one-slot pass does.
        _, inverse, counts = np.unique(hashed, return_inverse=True, return_counts=True)
        exact: dict[tuple, list[int]] = defaultdict(list)
        for r in rows[counts[inverse] > 1]:
            k = keys[group[r]]
            exact[k[:p] + k[p + 1:q] + k[q + 1:]].append(group[r])
        # Slots next to each other vary together as one phrase's words, unless each holds its values inside
        # brackets or quotes: a task's 'name' and [id] are two values.
        return [members for members in exact.values() if len(members) > 1
                and (self._is_transition(templates, members, p, q)
                     or all(self._is_slot_parameter({templates[m][pos] for m in members}) for pos in (p, q))
                     and (q > p + 1 or all(_inside_brackets({templates[m][pos] for m in members}) is not None
                                           for pos in (p, q))))
                and not self._names_event(templates, members, (p, q))
                and all(self._by_key(templates, members, pos) == [members] for pos in (p, q))]

    def _is_transition(self, templates: dict[int, tuple[str, ...]], members: list[int], p: int, q: int) -> bool:
        """Whether slots p and q are the states either side of an arrow, one state both left and entered
        (``Idle -> Busy`` / ``Busy -> Idle``): a state machine's states are its values however few, as its words
        recur on both sides; UPPER_CASE states stay apart, as enum words do everywhere."""
        if q != p + 2 or templates[members[0]][p + 1] not in _ARROWS:
            return False
        left, entered = ({templates[m][pos] for m in members} for pos in (p, q))
        return bool({w.strip(_BARE) for w in left} & {w.strip(_BARE) for w in entered}) and not any(
            self._tokens.is_enum(w) for w in left | entered)

    def _merge_members(self, templates: dict[int, tuple[str, ...]], keys: dict[int, tuple[str, ...]],
                       parent: dict[int, int], alive: set[int], members: list[int], slots: tuple[int, ...]) -> int:
        """Merge members into the first, with ``<*>`` at the slots where they differ; returns the surviving id."""
        keep = members[0]
        # A slot all members share (a pair's other slot, [<NUM>] beside the values) keeps its token: as <*> it
        # would no longer compare equal to the same token in other templates.
        templates[keep] = tuple(_call_wildcard(column) if i in slots and len(set(column)) > 1
                                else self._generalise_column(column)
                                for i, column in enumerate(zip(*(templates[m] for m in members))))
        keys[keep] = tuple(map(self._tokens.norm, templates[keep]))
        for m in members[1:]:
            self._join_fields(keep, m)
            parent[m] = keep
            alive.discard(m)
        return keep

    def _join_fields(self, keep: int, other: int) -> None:
        """Cluster ``keep``'s shared keys once it holds ``other``'s messages too: a key both share stays."""
        mine, theirs = self._fields.get(keep), self._fields.get(other)
        if mine is not None:  # a cluster whose messages are unknown knows no key
            self._fields[keep] = [k if k == t else None for k, t in zip(mine, theirs or [None] * len(mine))]

    def _is_slot_parameter(self, values: set[str]) -> bool:
        """A merge pass's slot test: the usual one, or from ``slot_min_values - 1`` (3 at least) values that differ
        inside brackets, none an enum."""
        if self._is_parameter(values):
            return True
        quoted = max(self.slot_min_values - 1, 3)
        if self.slot_min_values > 0 and len(values) >= quoted and (
                all(_DOTTED.fullmatch(v.strip(_BARE)) for v in values)
                or all(_CAMEL.fullmatch(v.strip(_BARE)) for v in values)):
            return True  # names in a namespace or in code are values, as words in quotes are: as few suffice
        if self.slot_min_values > 0 and all(_QUOTED_VALUE.fullmatch(v) and _PLACEHOLDER.search(v) and "=" not in v
                                            and _GLUE not in v for v in values):
            return True  # one quoted value holding a variable (a revision, 'main@sha1:<HEX>'): its words are its own
        inside = _inside_brackets(values) if self.slot_min_values > 0 and len(values) >= quoted else None
        return inside is not None and not any(self._tokens.is_enum(x) for x in inside)

    def _word_or_code(self, values: set[str]) -> bool:
        """Whether a slot holds a bare number and lowercase words, too few to be its values: after a message's
        leading word, where the next word names the event with it (``cached nxdomain <name>`` beside ``cached <type>
        <name>``), a code there is another event than a word, though the number's placeholder covers any text. A
        capitalised word is a name a number may stand for (``Processing Reception`` / ``Processing 1001``)."""
        return "<NUM>" in values and any(v.isalpha() and v.islower() for v in values) and not (
            self.slot_min_values > 0 and len(values) >= self.slot_min_values)

    def _few_words(self, count: int) -> bool:
        """Whether ``count`` distinct words at one slot are few enough to name events (states, keys) rather than
        be its values: fewer than twice ``slot_min_values``, and than :data:`_FEW_WORDS_FLOOR` at least."""
        return count < max(2 * self.slot_min_values, _FEW_WORDS_FLOOR)

    def _is_parameter(self, values: set[str]) -> bool:
        """Whether the different tokens seen at one position make it a parameter."""
        if self.slot_min_values > 0 and (_is_flag(values) or _is_flag_list(values)):
            return True
        if all(self._tokens.is_enum(v) for v in values) and self._few_words(len(values)):
            return False
        if self.slot_min_values > 0 and len(values) >= self.slot_min_values:
            return True
        return self.cover_merges and self._tokens.one_covers_all(values)

    def _generalise_column(self, column: tuple[str, ...]) -> str:
        out = column[0]
        for t in column[1:]:
            out = self._tokens.generalise(out, t)
        return out

    def _index_lengths(self) -> None:
        self._by_length = defaultdict(list)
        for tid, toks in enumerate(self._templates):
            self._by_length[len(toks)].append(tid)
        self._by_length = dict(self._by_length)
        self._spanned = [tid for tid, i in enumerate(self._spans) if i >= 0]

    # --- applying --------------------------------------------------------------

    def transform(self, messages: Sequence[str], *, masked: bool = False) -> np.ndarray:
        """Template id of each of n messages: int64 array (n,), -1 where none fits. Learns nothing.

        A message seen in fit gets the id it got there. Another gets the most
        specific template (fewest wildcards, then lowest id) whose every token
        is equal, ``<*>``, or a compatible variable; -1 if there is none, so
        new kinds of message stand out. Refit to learn them.
        """
        if not self.is_fitted:
            from ._validation import check_fitted  # scikit-learn loads only to raise its NotFittedError

            check_fitted(self)
        texts = list(messages) if masked else self.masker.mask_many(messages)
        known = self._known
        new: dict[str, int] = {}
        out = np.empty(len(texts), dtype=np.int64)
        for i, text in enumerate(texts):
            tid = known.get(text)
            if tid is None:
                tid = new.get(text)
                if tid is None:
                    tid = new[text] = self._match(self._tokenize(text))
            out[i] = tid
        return out

    def _match(self, tokens: list[str]) -> int:
        """The template of ``tokens`` with the fewest wildcards used: one of their length, else one whose span
        (``<*>`` of any length) takes more tokens; -1 if none."""
        best, best_wild = -1, len(tokens) + 1
        for tid in self._by_length.get(len(tokens), ()):
            wild = self._wildcards_used(self._templates[tid], tokens)
            if wild is not None and wild < best_wild:
                best, best_wild = tid, wild
        if best >= 0:
            return best
        for tid in self._spanned:
            template, i = self._templates[tid], self._spans[tid]
            after = len(template) - i - 1
            if len(tokens) > len(template) and self._reads_run(template[i], tokens[i:len(tokens) - after]):
                wild = self._wildcards_used(template[:i] + template[i + 1:], tokens[:i] + tokens[len(tokens) - after:])
                if wild is not None and wild < best_wild:
                    best, best_wild = tid, wild
        return best

    def _reads_run(self, span: str, run: Sequence[str]) -> bool:
        """Whether a span (``[<*>]``, ``<*>:``) reads a run of tokens as mining would: its edges around them,
        and, unless bracketed, no field or state among them."""
        opens, closes = span.split(WILDCARD, 1)
        if not (run[0].startswith(opens) and run[-1].endswith(closes)):
            return False
        if opens[:1] not in _CLOSERS:
            return not any(map(self._field_or_state, run))
        depth, shut = 0, False
        for token in run:  # one bracket pair around the whole run, as mining read it
            if shut or depth < 0:
                return False
            depth, shut = _depth_after(_PLACEHOLDER.sub("", token), opens[0], depth)
        return shut

    def _field_or_state(self, token: str) -> bool:
        """A field (``key=value``, ``key=``) or a state (``TASK_ABORT``): no part of a name."""
        return bool(_key_of(token) or token.endswith("=") or "_" in token and self._tokens.is_enum(token))

    def _wildcards_used(self, template: Sequence[str], tokens: Sequence[str]) -> int | None:
        """How many of the equally long ``tokens`` the ``template`` reads with a wildcard or a compatible
        variable; None if it does not read them."""
        wild, known = 0, self._tokens
        for a, b in zip(template, tokens):
            if a == b:
                continue
            if a != WILDCARD and not known.compatible(a, b) and not (WILDCARD in a and known.covers(a, b)):
                return None
            wild += 1
        return wild

    def template_of(self, ids: Iterable[int]) -> list[str]:
        """Template text of each id ('' for -1)."""
        texts = [_shown(t) for t in self._templates]
        return [texts[i] if i >= 0 else "" for i in (int(x) for x in ids)]

    @property
    def templates_(self) -> pd.DataFrame:
        """One row per template: ``template_id`` int64, ``template`` str, ``count`` int64 (weight in fit)."""
        return pd.DataFrame({
            "template_id": np.arange(len(self._templates), dtype=np.int64),
            "template": [_shown(t) for t in self._templates],
            "count": np.asarray(self._counts, dtype=np.int64),
        })

    # --- persistence -----------------------------------------------------------

    def to_dict(self) -> dict:
        """JSON-ready state: parameters, masking rules, templates, counts and the messages seen in fit."""
        return {"format": _FORMAT, "version": _FORMAT_VERSION, "params": self._plain_params(),
                "masker": self.masker.to_dict(), "templates": [list(t) for t in self._templates],
                "counts": [int(c) for c in self._counts], "known": self._known, "spans": self._spans}

    @classmethod
    def from_dict(cls, data: dict) -> "LogTemplateMiner":
        """Inverse of :meth:`to_dict`."""
        if not isinstance(data, dict) or data.get("format") != _FORMAT:
            raise ValueError("not a logad template model")
        if data.get("version") not in _READS:
            raise ValueError(f"template model version {data.get('version')} is not supported "
                             f"(this logad reads versions {', '.join(map(str, _READS))})")
        # A version 1 model tokenizes as it was fitted: without quoted phrases, and with typed lists only where
        # it names quoted_phrases (both came in at once, before the version did); one before version 3 without
        # quoted fields, one before version 4 without phrases of UPPER_CASE words.
        before = {"quoted_phrases": False, "typed_lists": "quoted_phrases" in data["params"], "quoted_fields": False,
                  "caps_phrases": False, "name_spans": False, "bracket_lists": False, "nested_messages": False,
                  "backquoted_phrases": False, "spaced_lists": False, "delimited_records": False,
                  "keyed_records": False, "nested_records": False, "spaced_records": False,
                  "trailing_values": False}
        miner = cls(masker=Masker.from_dict(data["masker"]), **{**before, **data["params"]})
        miner._templates = [tuple(str(t) for t in toks) for toks in data["templates"]]
        miner._counts = [int(c) for c in data["counts"]]
        miner._spans = data.get("spans", [-1] * len(miner._templates))
        if (not isinstance(miner._spans, list) or len(miner._spans) != len(miner._templates)
                or not all(type(i) is int and (i == -1 or 0 <= i < len(t) and WILDCARD in t[i])
                           for i, t in zip(miner._spans, miner._templates))):
            raise ValueError("template model spans do not match its templates")
        miner._known = {str(k): int(v) for k, v in data["known"].items()}
        if len(miner._counts) != len(miner._templates) or not all(
                -1 <= v < len(miner._templates) for v in miner._known.values()):
            raise ValueError("template model counts or known messages do not match its templates")
        miner._index_lengths()
        return miner

    def save(self, path: str | PathLike) -> None:
        """Write the model as JSON: plain data, no pickle, so loading a file runs no code."""
        write_text(path, json.dumps(self.to_dict()))

    @classmethod
    def load(cls, path: str | PathLike) -> "LogTemplateMiner":
        """Read a model written by :meth:`save`."""
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    def __repr__(self) -> str:
        return (f"LogTemplateMiner(sim_th={self.sim_th}, depth={self.depth}, "
                f"slot_min_values={self.slot_min_values}, templates={len(self._templates)})")


def template_ids(miner: LogTemplateMiner, messages: Sequence[str], counts: Sequence[int],
                 learn: bool = True) -> np.ndarray:
    """Ids (n,) of n distinct masked messages with line counts (n,): an unfitted miner is fitted on them, a
    fitted one extended (``learn``) or only applied."""
    if not miner.is_fitted:
        return miner.fit_transform(messages, counts, masked=True)
    return miner.extend(messages, counts, masked=True) if learn else miner.transform(messages, masked=True)


# A JSON object after a message's last tab: the fields a structured logger's console encoding writes after it.
_TRAILING_FIELDS = re.compile(r'\t(\{".*\})\Z', re.DOTALL)
# What every message with such fields holds: where none does, no message is looked at.
FIELDS_MARK = '\t{"'


def _without_fields(message: str, text: str) -> str:
    """``text`` (a message, or an event that opens with it) without the JSON object of fields that ends
    ``message`` (:data:`_TRAILING_FIELDS`): their values name no event, and a call with fields and one without are
    one event. The text as it is where the message ends in no JSON object."""
    found = _TRAILING_FIELDS.search(message)
    if found is None or not text.startswith(message):
        return text
    try:
        fields = json.loads(found.group(1))
    except ValueError:
        return text
    return message[:found.start()] + text[len(message):] if isinstance(fields, dict) else text


def _holds_fields(content: pd.Series) -> bool:
    """Whether a message (n,) may hold fields a reader put after it (:data:`FIELDS_MARK`): one search of them
    all, as few do and a test of each costs more than reading its line."""
    values = content.to_numpy(dtype=object)
    try:  # joined as they are (the mark holds no line break): a chunk without blank lines needs no filter
        return FIELDS_MARK in "\n".join(values)
    except TypeError:
        pass
    try:  # blank lines' missing messages (None) left out without pandas' NA test of every line; empty ones hold none
        return FIELDS_MARK in "\n".join(filter(None, values))
    except TypeError:  # a message that is no text (a NaN too): each one looked at, as str.contains leaves NaNs out
        return True


def template_text(frame: pd.DataFrame) -> tuple[pd.Series, np.ndarray]:
    """The text each row is templated by (n,) and whether the row is blank (n,) bool."""
    blank = frame["content"].isna().to_numpy()
    if "blank" in frame.columns:
        blank = blank | frame["blank"].fillna(False).to_numpy(dtype=bool)
    # A multi-line event (a stack trace) is templated as one text, given on each of its rows in "event".
    text = frame["content"] if "event" not in frame else frame["event"].where(frame["event"].notna(), frame["content"])
    if _holds_fields(frame["content"]):
        fielded = frame["content"].str.contains(FIELDS_MARK, regex=False, na=False)
        # By the event's text: its other rows (its trace's lines) hold other content and the same text. Only rows
        # whose fields come off count: a trace line holding a JSON object of its own would put its head's back.
        bare = {t: b for m, t in zip(frame["content"][fielded], text[fielded]) if (b := _without_fields(m, t)) != t}
        text = text.where(~text.isin(bare.keys()), text.map(bare))
    return text, blank


def mine_templates(frame: pd.DataFrame, miner: LogTemplateMiner | None = None, learn: bool = True) -> pd.DataFrame:
    """Copy of ``frame`` plus ``masked`` (str), ``template_id`` (int64) and ``template`` (str) columns.

    ``frame`` has a ``content`` column and optionally a bool ``blank`` one.
    Each distinct content is masked once and each distinct masked message is
    mined once, in order of first appearance; results are broadcast to all
    rows. An unfitted (or no) ``miner`` is fitted here; a fitted one, e.g.
    from :meth:`LogTemplateMiner.load`, keeps its ids and, with ``learn``,
    appends new templates for messages it has no template for (without
    ``learn`` they get -1). Blank rows (``blank`` true or missing content)
    get ``''``, -1, ``''``; an empty message is an event like any other.
    """
    miner = miner if miner is not None else LogTemplateMiner()
    out = frame.copy()
    n = len(out)
    text, blank = template_text(out)
    codes, uniques = pd.factorize(text.where(~blank), use_na_sentinel=True)
    masked_uniques = miner.masker.mask_many([str(u) for u in uniques])
    # Several contents can mask to one message; mine each message once.
    mcodes, messages = pd.factorize(pd.Series(masked_uniques, dtype=object))
    line_msg = np.full(n, -1, dtype=np.int64)
    has = codes >= 0
    line_msg[has] = mcodes[codes[has]]
    messages = np.asarray(messages, dtype=object)
    ids = np.full(len(messages), -1, dtype=np.int64)
    if len(messages):
        counts = np.bincount(line_msg[line_msg >= 0], minlength=len(messages))
        ids = template_ids(miner, list(messages), counts, learn)
    texts_of_ids = np.asarray(miner.template_of(ids), dtype=object)
    valid = line_msg >= 0
    safe = np.where(valid, line_msg, 0)
    masked_col = np.full(n, "", dtype=object)
    id_col = np.full(n, -1, dtype=np.int64)
    template_col = np.full(n, "", dtype=object)
    if len(messages):
        masked_col[valid] = messages[safe[valid]]
        id_col[valid] = ids[safe[valid]]
        template_col[valid] = texts_of_ids[safe[valid]]
    # Object columns: letting pandas infer its string dtype copies every value again.
    out["masked"] = pd.Series(masked_col, index=out.index, dtype=object, copy=False)
    out["template_id"] = id_col
    out["template"] = pd.Series(template_col, index=out.index, dtype=object, copy=False)
    return out


# Health thresholds, after the warnings of Elastic's categorisation status;
# none depends on the kind of log. Below HEALTH_MIN_LINES there is too little
# to judge and the status is "ok".
HEALTH_MIN_LINES = 100
HEALTH_MAX_TEMPLATES_PER_LINE = 0.5  # more templates than half the lines: variables were not recognised
HEALTH_MAX_SINGLETON_SHARE = 0.9  # nearly every template seen once: the same
HEALTH_MAX_TOP_SHARE = 0.9  # one template holds nearly every line: it swallowed distinct events


def template_health(template_ids: pd.DataFrame | Sequence[int] | np.ndarray,
                    counts: Sequence[int] | np.ndarray | None = None) -> dict:
    """Whether the templates look usable: ``{"status": "ok" | "warn", "reasons": [str, ...], ...figures}``.

    Call with the frame from :func:`mine_templates` (its ``template_id``
    column, one row per line), or with template ids (n,) and optional line
    counts (n,), e.g. one id per unique message and how often it occurs. Ids
    below 0 (blank or unmatched) are left out. Warns, like Elastic's
    categorisation status, when templates are too many for the lines, when
    nearly all are singletons, when one holds nearly all lines, or when there
    is only one; the figures (lines, templates, singleton_share, top_share)
    come with it. ``" ; ".join(h["reasons"])`` is a ready message.
    """
    ids = np.asarray(template_ids["template_id"] if isinstance(template_ids, pd.DataFrame) else template_ids)
    ids = ids if ids.dtype.kind == "i" else ids.astype(np.int64)  # int32 per line stays int32
    keep = ids >= 0
    weights = None if counts is None else np.asarray(counts, dtype=np.int64)[keep]
    per_template = np.bincount(ids[keep], weights=weights) if keep.any() else np.zeros(0)
    per_template = per_template[per_template > 0]
    lines, k = int(per_template.sum()), len(per_template)
    figures = {"lines": lines, "templates": k,
               "singleton_share": float(np.mean(per_template == 1)) if k else 0.0,
               "top_share": float(per_template.max() / lines) if lines else 0.0}
    reasons = []
    if lines >= HEALTH_MIN_LINES:
        if k == 1:
            reasons.append("only one template for all lines")
        elif figures["top_share"] > HEALTH_MAX_TOP_SHARE:
            reasons.append(f"one template holds {_percent(figures['top_share'])} of the lines")
        if k > HEALTH_MAX_TEMPLATES_PER_LINE * lines:
            reasons.append(f"{k} templates for {lines} lines: variables may be left unmasked")
        if figures["singleton_share"] > HEALTH_MAX_SINGLETON_SHARE:
            reasons.append(f"{_percent(figures['singleton_share'])} of the templates occur once")
    return {"status": "warn" if reasons else "ok", "reasons": reasons, **figures}


def _percent(share: float) -> str:
    """A share as a whole percent, with decimals where rounding would say all (or none) when it is not."""
    for places in range(4):
        text = f"{share:.{places}%}"
        if not (0 < share < 1) or float(text[:-1]) not in (0.0, 100.0):
            return text
    return "under 0.001%" if share < 0.5 else "over 99.999%"


def health_line(health: dict) -> str:
    """One line for people from a :func:`template_health` result: ``template health warn: reason; reason``."""
    return f"template health {health['status']}" + (f": {'; '.join(health['reasons'])}" if health["reasons"] else "")
