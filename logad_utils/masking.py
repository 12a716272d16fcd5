"""Replace the variable parts of log messages with typed placeholders.

A :class:`Masker` holds an ordered tuple of :class:`MaskRule` and compiles
them all into ONE regular expression applied with a single ``re.sub``.
drain3's ``MaskingInstruction`` runs one ``re.sub`` per rule: about five
times slower with these rules, and a later rule can re-mask what an earlier
one wrote (a number rule eating the ``6`` of ``<IPV6>``); one pass avoids
both. On the Loghub mix (65 characters a message) :meth:`Masker.mask` takes
about 7 us per message on one core. :meth:`Masker.mask_many` runs the regex
once per digit-canonical form: texts that differ only in digits no rule able
to match them tells apart share one run (``255`` and ``256`` differ only in a
text with a ``.`` or ``:``, where an IP address rule could match, and only
near both ends of a run of digits: inside an 18-digit id they are alike): on
a generated journal of 300,000 lines, 519 runs for its 102,294 distinct
messages.

Semantics:

* Leftmost first: at a given position the earliest rule in the order that
  matches wins, so rule order is priority (specific rules before general).
* A match starts only at a token boundary (not right after a letter, digit
  or ``_``): ``ipv4``, ``ssh2`` and ``tty2`` stay, numbers are masked only as
  whole tokens, and ``HTTP/1.1`` becomes ``HTTP/<NUM>`` (``/`` is a boundary).
* Placeholders are ``<NAME>`` and no default rule matches one, so masking is
  idempotent: ``mask(mask(s)) == mask(s)``.
* A rule without a placeholder keeps what it matches as written: a constant
  that later rules would take in part. A call site (``reflector.go:169``,
  ``[db/flush_job.cc:1009]``) names the statement that logged the line: every
  line of it has the same one, so it belongs to the template, not its values.
* ``key=value``: a value a typed rule recognises keeps its type
  (``uid=<NUM>``, ``rhost=<IP>``); any other value becomes ``<VAL>``
  (``tty=<VAL>`` for ``tty=:0``) unless it is a plain word, or plain words joined
  by ``_`` or ``-``: ``user=root``, ``state=ACTIVE`` and ``action=order_created``
  stay, because a word names a mode as often as an instance
  and the template miner can tell which from how many words share the slot.
  Empty values stay empty (``ruser=``).

Default placeholders: ``<URL> <UUID> <DATETIME> <EMAIL> <MAC> <IP> <HOST> <HEX>
<SIZE> <DURATION> <PATH> <ID> <NUM> <VAL>``, and an HTTP status after a
quoted request line by its class: ``<HTTPINFO> <HTTPOK> <HTTPREDIRECT>
<HTTPCLIENTERR> <HTTPSERVERERR>``.
"""
from __future__ import annotations

import functools
import json
import re
import string
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

import numpy as np

from .levels import LEVELS_RE
from .regexes import REGEX_ERRORS

try:  # Python >= 3.11
    from re import _constants as _sre_c, _parser as _sre_p
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _sre_c  # type: ignore[no-redef]
    import sre_parse as _sre_p  # type: ignore[no-redef]

__all__ = ["MaskRule", "DEFAULT_RULES", "CLASS_TOKENS", "Masker", "mask"]


@dataclass(frozen=True)
class MaskRule:
    """One masking rule: text matching ``pattern`` becomes ``placeholder``.

    Parameters
    ----------
    name : str
        Unique identifier (letters, digits, ``_``), e.g. for :meth:`Masker.without`.
    pattern : str
        Python regex, no capturing groups (use ``(?:...)``) and no global
        flags (use ``(?i:...)``): it becomes one branch of a bigger regex.
    placeholder : str or None
        Replacement text, e.g. ``"<NUM>"``; None keeps the match as written
        (no later rule takes part of it).
    plain_words : bool, default True
        Whether a match may start at a plain word: ASCII letters followed by
        a space, the end, or punctuation other than ``_ . : - / = @ \\``.
        False is a promise that lets the masker skip the rule at most
        positions (the default rules are several times faster for it); keep
        True unless you know the rule always starts with a digit, a symbol or
        a letter run glued to one of those characters.
    """

    name: str
    pattern: str
    placeholder: str | None
    plain_words: bool = True

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", self.name):
            raise ValueError(f"rule name {self.name!r} must be an identifier")
        try:
            compiled = re.compile(f"(?:{self.pattern})")
        except REGEX_ERRORS as exc:
            raise ValueError(f"rule {self.name!r}: bad pattern: {exc}") from None
        if compiled.groups:
            raise ValueError(f"rule {self.name!r}: use (?:...) instead of capturing groups")
        if compiled.match(""):
            raise ValueError(f"rule {self.name!r} matches the empty string")


# --- default rules ----------------------------------------------------------
# Possessive quantifiers (*+ ++) and guards (?=...) make a rule fail after a
# few steps on the tokens it does not want, which are most tokens.

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)"
_WDAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"


def _names(names: tuple[str, ...]) -> str:
    """A regex of ``names`` in full or cut to three letters, capitalised or in upper case, longest first."""
    forms = {f for n in names for f in (n, n[:3], n.upper(), n[:3].upper())}
    return "(?:" + "|".join(sorted(forms, key=lambda f: (-len(f), f))) + ")"


_MONTH_NAME = _names(("January", "February", "March", "April", "May", "June", "July", "August", "Sept", "September",
                      "October", "November", "December"))
_WDAY_NAME = _names(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"))
# A time of day, its fraction after a dot or a comma; not a comma and the first part of a dotted number, which is a
# record's next cell (09:14:07,10.10.22.14: the time, then an address).
_HMS = r"\d{1,2}:\d{2}:\d{2}(?:\.\d++|,\d++(?!\.\d))?"
_YEAR = r"(?:19|20)\d{2}(?!\w|[.:\-/]\w)"  # a year that ends its date: before a full stop, not in 2024.5 or 2024-01
# The zone names tzdata still writes (elsewhere it writes the offset, +03): any capital word would take the word after
# an offset (a status, a method: "... +0000 FAIL", "+0000 GET /x"), which names the event.
_ZONE_NAME = (r"(?:UTC|GMT|[CEW]ES?T|[ACEHMP][SD]T|AK[SD]T|N[SD]T|NZ[SD]T|A[CEW][SD]T|[CEW]AT|SAST|MSK|BST|IST|IDT"
              r"|PKT|JST|KST|HKT|PHT|WIB|WITA?|ChST)")
# A zone: an offset may be followed by the zone's name, and Go's time.Time prints its monotonic clock reading after
# that (2024-01-30 08:05:27.33 +0000 UTC m=+0.012): all of it is the one time, not a name and a key=value to keep.
_TZ = (r"(?:\s?(?:Z|[+-]\d{2}:?\d{2}(?:\s" + _ZONE_NAME + r"(?!\w)(?:\sm=[+-]\d++\.\d++)?)?"
       r"|UTC|GMT)(?!\w))?")
_H4 = r"[0-9A-Fa-f]{1,4}+"
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_V4 = rf"{_OCTET}(?:\.{_OCTET}){{3}}"
# A name glued in parentheses after an address (FRRouting's peer "10.0.0.0(spine1)", Weave Net's peer
# "be:7a:63:01:44:11(ip-10-0-1-11)"): the address's name, not a word of the event; a spaced one, a number or a
# version in it, or a word glued after it, stays the message's.
_ADDRESS_NAME = r"(?:\([A-Za-z][\w\-]*+(?:\.[A-Za-z][\w\-]*+)*+\)(?![\w(]))?"
_HEX32 = r"(?<![\w:])(?=[A-Fa-f]{0,7}\d)[0-9A-Fa-f]{8}"  # eight hex digits, a digit among them, opening a token
_V6 = (
    rf"(?:(?:{_H4}:){{7}}{_H4}"  # full form
    rf"|(?:{_H4}:){{1,7}}:(?:{_H4}(?::{_H4}){{0,5}})?"  # a::b, a:b::
    rf"|::(?:{_H4}(?::{_H4}){{0,6}})?)"  # ::1, ::
    # ::1.2.3.4, and ::ffff:1.2.3.4 as a dual-stack socket names an IPv4 peer
    rf"(?:(?<=:){_V4}|(?<=[0-9A-Fa-f]):{_V4})?"
)
_BRACKETED_PORT = rf"\[(?:{_V4}|{_V6})\](?::\d{{1,5}})?"  # an address in brackets and its port: [::1]:161
_END = r"(?!\w)"  # a variable ends where its token does
_LINK_END = r"[\w\-/@#]++(?:[.:][\w\-/@#]++)*+"  # an end of a link: a bridge, unix#3009, tcp:127.0.0.1:6633
_UUID = r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"
_GLUED_TIME = r"(?<=T\d\d)(?::\d\d){1,2}(?:[.,]\d++)?(?:Z|[+\-]\d\d(?::?\d\d)?)?"  # after an id's "T10"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?"
# Suffixes that rarely end a Java property or file name ("x.id", "a.io" and
# "job.in" are not hosts); names with a digit need no list (see "host"). With
# the private names networks use inside (wpad.lan), but not "internal", which
# ends packages (io.netty.util.internal) as often as hosts (ec2.internal's have digits).
_TLD = (
    r"(?:com|net|org|edu|gov|mil|arpa|local|localdomain|lan|intranet|corp"
    r"|cn|de|uk|jp|fr|ru|br|nl|kr|au|ca|es|se|ch|pl|tw|hk|eu|at|dk|fi|nz|za|mx|ar|cz|gr"
    r"|hu|pt|ro|il|ie|sg|tr|ua|vn|th|ph|cl|sk|bg|hr|lt|lv|ee|ir|pk|eg)"
)
# Suffixes that end a host only after two labels or more (blog.example.io): alone they end Java packages and
# files as often ("java.io"); a package that deep starts with its own reversed domain (org.apache.commons.io),
# which no host name does. Not dev, app or test, which end Python modules (config.settings.dev, myapp.wsgi.app);
# nor before a "/": a label key (app.kubernetes.io/name) is a name.
_TLD_DEEP = r"(?:io|ai|co|me|tv|info|biz|us|cloud)"
# File name extensions that no host name ends with: a dotted name with a digit that ends in one is a file (pager.1.gz,
# app.2.log), not a host. No country's domain (.pl, .sh, .so) is among them.
_FILE_EXT = (r"(?:gz|xz|zst|tgz|tar|log|txt|json|xml|ya?ml|conf|cfg|ini|csv|deb|rpm|jar|war|html?|pid|lock|bak"
             r"|tmp|old|out|err|sock|pem|crt|dat|img|iso|[cm]?[jt]sx?|java|kt|scala|gradle|go|rb|php|c|h|cpp|hpp"
             r"|cs|swift|dart|vue|css|scss|less|sql|proto|toml|properties)")
# Extensions that also end a country's domain but name a source file or script far more often in logs (lint and
# test output: app/models.py:10:1, main.rs, deploy.sh). A name the host rule takes (web01.prod.py) stays a host.
_SOURCE_EXT = r"(?:py|rs|md|sh|cc|tf)"
# Extensions of programs and libraries (a loader's "Loaded libfoo.so. ok", "x.dll."): no root-dotted host's last label.
_BINARY_EXT = r"(?:exe|dll|so|dylib|ko|bin|sys|msi|class)"
# Extensions of the files people name and keep (documents, pictures, media, archives), whose names hold spaces
# (invoice 7062.pdf, Screenshot 1.png) as program files' names do not.
_DOC_EXT = r"(?:pdf|docx?|xlsx?|pptx?|odt|ods|rtf|png|jpe?g|gif|mp[34]|mov|zip|7z)"
# Extensions of source code, whose file and line a logger writes as its call site (Go's, C's, Rust's, Python's).
_CODE_EXT = r"go|c|cc|cpp|cxx|h|hpp|rs|py|java|kt|scala|rb|php|cs|swift|ex|exs|erl|[cm]?[jt]s"
# Java packages and properties start with a reversed domain (org.mortbay.log, java.class.path): no host, no file.
_PACKAGE_ROOT = r"(?:org|com|net|edu|io|java|javax|android)\."
# The root's dot after a fully qualified name: more of the line follows it, not a capitalised word nor a bracket
# that opens an aside ("from envs.net. (PDUs: 3)"), which follow a sentence's end (see "host").
_ROOT_DOT = r"\.(?=[\]\"')>]|\s++(?![A-Z][a-z]|\(|\s*+$))"
# Where a host name may start: not after a label and its dot, where a try from that label took it in already, but
# after a service label that no host label is (_sip._tcp.example.com: after "_tcp."). One fixed-width look-behind per
# length, as Python's look-behinds have one width.
_AFTER_NO_LABEL = "(?:(?<![A-Za-z0-9\\-]\\.)|" + "|".join(rf"(?<=_[A-Za-z0-9\-]{{{n}}}\.)" for n in range(16)) + ")"
# Where an id may start: not inside a run of letters and digits, nor right after a word's "-" or "_" (a-a-a-...
# would be tried at every letter), but after a number's (20240312-Xk9pQ2mZ7).
_RUN_START = r"(?<![A-Za-z0-9])(?<![A-Za-z_][\-_])"
# systemd's unit types, the suffix of an instance unit (getty@tty1.service) where a domain would be.
_UNIT_TYPES = r"(?:service|socket|target|slice|mount|automount|timer|path|scope|device|swap)"
# The unit types that name a unit: any name before service and socket, a name with a mark or digit before the others.
_UNIT_TYPES_NAMED = r"(?:target|slice|mount|automount|timer|scope)"
_UNIT_TYPES_ANY = r"(?:service|socket|target|slice|mount|automount|timer|scope)"
# A unit's name before its type: an instance after "@" may hold a ":" (lvm2-pvscan@253:0, a backlight's
# backlight:acpi_video0); a name without one may not (a monitoring key "web-03:net.tcp.service").
_UNIT_NAME = r"[\w\-.\\]+?(?:@[\w\-.:\\]*?)?"
# Digits, or digits grouped in thousands as Java's %,d writes them (1,073,741,824; 1,000.5). A list is no number:
# not after a digit and a comma, signed or not ("5,1,234"; a point "(-1,-7,181)"), nor before another ("1,234,5";
# "(7,181,-5)"; "99,120.0.6099.71"), nor from 0. Two runs alone in parentheses are a pair, as "(0,0)" beside them
# is (Aerospike's "ctrl (963,926) meta (0,0)"): a count in parentheses comes with its unit or label ("(1,234 rows)").
_GROUPED = (r"(?<!\d,)(?<!\d,[-+])(?!0)(?!(?<=\()\d{1,3}+,\d{3}\))\d{1,3}+(?:,\d{3}(?!\d))++(?:\.\d++)?+"
            r"(?![.,]\d|,[-+]\d)")
_UNSIGNED = rf"(?:{_GROUPED}|\d++(?:\.\d++)?+)"
_NUMBER = rf"[-+]?{_UNSIGNED}"
# One part of a version: letters and digits, dotted (2.36, deb12u10, rc.1).
_VERSION_PART = r"[A-Za-z0-9]*+(?:\.[A-Za-z0-9]++)*+"
_UNIT_SIZE = r"(?:[KMGTPE]i?B|[KMGTPE]|ki?B|[kKmMgG]b|B)"  # kiB: a lower-case kilo, as SI writes it
_UNIT_TIME = (
    r"(?:ns|us|\u00b5s|ms|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|days?"
    r"|nanoseconds?|microseconds?|milliseconds?)"
)
# A full stop after a letter or digit that ends the text ends its sentence ("Deleted log /data/x.log."); one
# before more words may be the file's (HDFS' "allocateBlock: /user/x/part-00590. blk_..."), one after "/" or "."
# is the path's (/a/b/., ../..). One before a space and a capitalised word ends a sentence that another starts
# ("Connection lost with the scanner at /run/ospd/ospd-openvas.sock. Trying again"): a file's next part is no word.
# An ellipsis after a name is the sentence's ("Mounting /run/user/1000..."); a dot after a dot is tried first, as
# the ellipsis test reads the run of dots to its end at every dot of it.
_PATH_CH = r"(?:[\w\-@%+~=*]|(?<!\w)\.|\.(?!\s*+$|\.\.++(?:\s|$)| [A-Z][a-z]))"
# A path that a double quote opens right before its "/" or drive and closes right after it: no quote inside, not
# ending in a space or a backslash (an escaped quote, \"), 255 characters at most, so that an unclosed quote is read
# once to the next quote, not to the line's end at every "/". A protocol after a space ends a request's target
# ("/a/b.html HTTP/1.1"), and a quote that opens after a space a quoted word of prose or a command's argument
# ("/sys/x is 'always'", "/bin/sh -c 'ls'"): no file's name; an apostrophe inside a word is one (Fishin'.mkv).
# A space is a name's only where one word and a separator follow it (a folder's, "/My Documents/") or the path ends
# in a file's extension ("/minutes 2024-03-01.docx"), and not after a colon or a comma: a message quoted whole that
# opens with a path keeps its words ("/etc/x.conf: no such file", "/healthz returned 200 in 5ms").
_QUOTED_PATH = (r"(?<=(?<![\w\\])\")(?!/\d{1,3}\.\d)(?:/|[A-Za-z]:\\)(?=[\w.~\-@%+])"
                r"(?:[^\"\n ]|(?<![:;,]) (?![A-Z]{2,}+/\d|['`])"
                r"(?=[^\"\n/\\ ]{1,255}+[/\\]|[^\"\n]{1,255}?\.[A-Za-z0-9]{1,5}\")){0,255}+(?<![\s\\])(?=\"(?![\w/]))")
# A path's folders to the message's end (or a closing bracket there), one of them with spaces, and a file's name
# with an extension or none after them (see spaced_path). Where a name has spaces no word holds a colon or a
# backslash, starts a relative path (./run.sh) or ends in an extension before a space: a host and port, an address
# (okhttp/4.12.0 ::ffff:10.0.3.148), a drive (C:\x) or a second path after a word (x/a.html AKA y/a.html), not names;
# nor is a host's domain a file's extension (curl/8.1 x.example.com).
_SPACED_WORD = r"[^\s/\[\]\"<>\\:]++"
_SPACED_NAME = (rf"{_SPACED_WORD}(?:(?<![,;])(?<!\.[A-Za-z]{{2}})(?<!\.[A-Za-z]{{3}})(?<!\.[A-Za-z]{{4}}) "
                rf"(?!\.\.?/|~/){_SPACED_WORD})")
_SPACED_PATH = (rf"(?:[^\s/\[\]\"<>\\]++/)*+{_SPACED_NAME}++/(?:{_SPACED_NAME}*+/)*+"
                rf"(?:(?=[^/\n]*?\.(?!{_TLD}\]?$)[A-Za-z][A-Za-z0-9]{{1,3}}\]?$){_SPACED_NAME}*+)?+(?=\]?$)")
# A plain word: ASCII letters not glued to a digit, _ . : - / = @ or \.
_PLAIN = r"[A-Za-z]++(?![\w.:\-/=@\\])"
# Where the rules that promised not to start at a plain word are skipped: a word glued to "+" is none either
# (a base64 token's AQJHjwlkvBQU+tCn).
_PLAIN_START = r"[A-Za-z]++(?![\w.:\-/=@\\+])"
# Plain words joined by _ or -.
_JOINED = r"[A-Za-z]++(?:[_\-][A-Za-z]++)++(?![\w.:\-/=@\\])"
# Lookahead: the token mixes letters and digits {} times or more (a letter then a digit, or a digit then a letter).
_MIXED = r"(?=(?:[\w\-]*?(?:\d(?=[A-Za-z])|[A-Za-z](?=\d))){{{}}})"

# A URL's ordinary characters: no space, quote, angle bracket, closing punctuation or bracket, and a run of
# backslashes only where no quote follows it (\" and \\\" escape a quote once or twice).
_URL_CHARS = r"(?:[^\s'\"`<>.,;:()\[\]\\]++|\\++(?![\"'`]))"
# A character of a path after a host: a dot only inside it, not the sentence's nor a function's (y.(*T).F).
# A part of a container image's repository path, as the OCI distribution spec writes it: lower case, digits and
# single separators.
_OCI_PART = r"[a-z0-9]++(?:(?:[._]|__|-++)[a-z0-9]++)*+"
_HOST_PATH_CH = r"[\w\-@%+~*/]|\.(?=[\w\-@%+~*/])"

# Placeholders that name a class of values, not a variable: an HTTP status' class (1xx .. 5xx). Templates keep them
# as words: a 5xx answer is another event than a 2xx one.
CLASS_TOKENS = ("<HTTPINFO>", "<HTTPOK>", "<HTTPREDIRECT>", "<HTTPCLIENTERR>", "<HTTPSERVERERR>")

# An upper-case event or mode code: words of capitals joined by "-" or "_", two of them letters only, a digit glued
# to a word as a count or a version (hostapd's EAPOL-4WAY-HS-COMPLETED, WPA2-PSK-CCMP, HTTP2-SETTINGS-ACK): a
# word of the event. An id's part has digits alone (JIRA-1234), letters and digits mixed (SN-4F7A21) or a number
# with a leading zero (WEB01); a last part of one letter and a count is a place in a row (WEB-PROD-A1, DC-EAST-R2).
# Also a network device's "%FACILITY-SEVERITY-MNEMONIC" tag, its severity one digit 0-7 (Cisco's and Arista's
# %LINEPROTO-5-UPDOWN, %SYS-SP-3-LOGGER_FLUSHED), whose severity no rule masks (see the device_tag rule).
_CODE_PART = r"(?:\d[A-Z]{2,}+|[A-Z]++(?:[1-9]\d*+)?)"
_DEVICE_TAG = r"(?<![\w%])%[A-Z][A-Z\d_]*+(?:-[A-Z][A-Z\d_]*+)?-[0-7]-[A-Z][A-Z\d_]*+(?![\w\-])"
CAPS_CODE = (r"(?:(?!(?:[A-Z\d]*+[_\-])*+[A-Z][1-9]\d*+(?![\w\-]))"
             r"(?=(?:[A-Z\d]*+[_\-])*?[A-Z]++[_\-](?:[A-Z\d]*+[_\-])*?[A-Z]++(?![A-Z\d]))"
             + _CODE_PART + r"(?:[_\-]" + _CODE_PART + r")++(?![\w\-])|" + _DEVICE_TAG + ")")

_KEY_CHARS = 32  # keys shorter than this are those the look-behinds below are written for


def _behind_each_length(behind: str, shortest: int = 0) -> str:
    """Alternatives of the look-behind ``behind`` (its key's repeat written ``{n}``) for each key length from
    ``shortest`` below :data:`_KEY_CHARS`: Python's look-behinds have one width."""
    return "(?:" + "|".join(behind.replace("{n}", f"{{{n}}}") for n in range(shortest, _KEY_CHARS)) + ")"


# A key that starts an item of a list whose items a ";" or "|" with spaces on both sides separates (sudo's
# "USER=root ; COMMAND=/bin/ls -l"); prose glues its ";" to the word before ("took 5 ms; time=1m2s room 2h3").
_LISTED_KEY = _behind_each_length(r"(?<= [;|] [A-Za-z_][\w.\-]{n}=)")
# A key glued by ";" to the item before, in a record written with no spaces (Kamailio's accounting
# "code=487;reason=Request Terminated;src_user=1022", cookies, connection strings).
_GLUED_KEY = _behind_each_length(r"(?<=[^\s;|];[A-Za-z_][\w.\-]{n}=)")
_SPACED_VALUE = r"[^\s;|]++(?:\s++(?![A-Za-z_][\w.\-]*+=)[^\s;|]++)++"
# A record of "Key: value" items that a spaced "|" separates (a monitor's "Failing: timeout of 48000ms exceeded |
# Interval: 60 seconds | Type: http"): a key of one to three words, the first capitalised; a value of several words,
# a ":" allowed inside (an error's own text), runs to the next spaced "|" that opens another such item, or to the end
# after one. A number and its unit ("60 seconds") stays for the number rule: its unit is the item's word. At most
# _PIPED_WORDS words: every "word: " may start a value, and one read to the end of the line from each took quadratic
# time.
_PIPED_WORDS = 25
_PIPED_KEY = r"[A-Z][a-z]++(?: [A-Za-z]++){0,2}: "
_PIPED_AFTER = _behind_each_length(r"(?<= \| [A-Z][A-Za-z ]{n}: )", 1)
_PIPED_VALUE = rf"(?![\d.]++ [A-Za-z]++(?: \||\s*+$))[^\s|]++(?:\s++[^\s|]++){{1,{_PIPED_WORDS - 1}}}+"
# A distinguished name's parts (RFC 4514: a certificate's subject, an LDAP entry): an attribute type, "=" and a value
# of words; a value's "." or ":" only inside it, not a sentence's stop. The last value takes its later words only up
# to a closing quote or bracket or the end, and only capitalised ones (Example Corp Root CA): a sentence may follow an
# unquoted name ("cn=svc,dc=example,dc=com to ldaps://dc01 failed").
_RDN_KEY = r"(?i:C|ST|L|O|OU|CN|DC|UID|E|emailAddress|serialNumber|street|postalCode|title|SN|GN)"
_DN_WORD = r"(?:[^\s,.:=\"'<>()\[\]{};|\\]|[.:](?=[^\s,.:=\"'<>()\[\]{};|\\]))++"
_DN_VALUE = rf"{_DN_WORD}(?: {_DN_WORD})*+"
_DN_MORE = rf"(?: (?=[A-Z0-9]){_DN_WORD})++"
_DN_CLOSE = r"\s*+[\"'\])]"
# The last value's capitalised words run to a closing quote or bracket, or to the end when its first word is
# capitalised too (a title: "CN=Example Corp Internal CA"); after a lower-case one (a host: "CN=host Connection
# Refused") they are the message's.
_DN_LAST = rf"(?:(?=[A-Z0-9]){_DN_WORD}(?:{_DN_MORE}(?={_DN_CLOSE}|\s*+$))?+|{_DN_WORD}(?:{_DN_MORE}(?={_DN_CLOSE}))?+)"

DEFAULT_RULES: tuple[MaskRule, ...] = (
    # First, before the rules that would take its first word: in a list of key=value items that a spaced ";" or
    # "|" separates, a value with spaces runs to the next separator or the end (a command with its arguments), unless
    # a word of it starts another key=value (a list separated by spaces after all). In a record with no spaces it
    # runs between two glued ";key=", which no prose writes.
    MaskRule("kv_listed", rf"(?<==)(?:{_LISTED_KEY}{_SPACED_VALUE}(?=\s*+(?:[;|]|$))"
             rf"|{_GLUED_KEY}{_SPACED_VALUE}(?=;[A-Za-z_][\w.\-]*+=))", "<VAL>"),
    # Next, the same for a list of "Key: value" items that a spaced "|" separates: the item's value runs to the
    # next item or, in the last item, to the end.
    MaskRule("kv_piped", rf"(?<=[a-z]: )(?:{_PIPED_VALUE}(?= \| {_PIPED_KEY})|{_PIPED_AFTER}{_PIPED_VALUE}(?=\s*+$))",
             "<VAL>"),
    # A compact JSON object printed as a name's value after a spaced "=" (an MQTT payload: "tele/plug/STATE =
    # {"Time":...}"): a dump of data, its keys the payload's own, not the message's. Not a glued key={...}, whose
    # object a logger writes with the fields of its call (event={"ID":...}).
    MaskRule("assigned_json", r'(?<=\s=\s)\{"[^\s"]++":\S*+(?<=\})', "<VAL>", False),
    # A path or a URL that ends the message, or its closing bracket, with spaces in a folder's name (a media
    # library's "OpenFile: smb://nas/TV/The Bear/Season 01/x.mkv", "files /srv/Movies/Dune (2021)/Dune (2021).mkv"):
    # one value, not a path and words that split its event by the names. A space is a name's only between two of
    # its characters and not after , ; or : (prose); the last part holds spaces only before an extension.
    MaskRule("spaced_url", rf"(?<=://){_SPACED_PATH}", "<URL>", False),
    MaskRule("spaced_path", rf"(?<![^\s\[])/{_SPACED_PATH}", "<PATH>", False),
    # Shapes with digits, dots and colons inside come first: the IP and
    # number rules would otherwise cut them into pieces.
    # The scheme stays: hdfs://<URL> and http://<URL> are different things.
    # A lone plain word after it (spark://master) is a name and stays too.
    # A closing , ; : . ) or ] ends the sentence, not the URL (on https://host:443: timed out), unless the URL
    # opened the bracket (wiki/Mercury_(planet), http://[::1]:8080/).
    # A quote ends it, escaped (\" in a JSON or Go string) or a backtick.
    MaskRule("url", rf"(?<=://)(?!{_PLAIN})(?:{_URL_CHARS}|\([^\s'\"<>()]*+\)|\[[^\s'\"<>\[\]]*+\]|[(\[]"
             rf"|[.,;:)\]]++(?={_URL_CHARS}))++", "<URL>", False),
    # A distinguished name is one value, however many parts it has (stunnel's "depth=1: C=US, O=Example Corp,
    # CN=Example Corp CA" beside "depth=0: CN=host", OpenLDAP's dn="uid=alice,ou=people,dc=example,dc=com"): read as
    # key=value fields, each count of parts made an event of its own. Two parts or more, a common name, unit or
    # domain component among them (not "C=1.0, L=5"); or a common name alone, upper case as certificates write it,
    # not in an LDAP filter's "(cn=x)". The name is looked for among a name's first 16 parts only: looked for to
    # the end, a line of many "C=a, " parts took quadratic time (80 KB: 51 s).
    MaskRule("dn", rf"(?<![\w.\-/@])(?=(?:{_RDN_KEY}={_DN_VALUE},\s?){{0,15}}?(?i:CN|OU|DC|UID)=)"
             rf"(?:{_RDN_KEY}={_DN_VALUE},\s?(?={_RDN_KEY}=))++{_RDN_KEY}={_DN_LAST}"
             rf"|(?<![\w.\-/@(])CN={_DN_LAST}", "<VAL>", False),
    # A UUID in braces is a GUID as Windows writes it ({1BB16724-AC7A-D0CF-A768-9C9659C10E50}): the braces are the
    # value's, not a bracket of the message around it, so they go with it.
    MaskRule("uuid", rf"\{{{_UUID}\}}{_END}|{_UUID}{_END}", "<UUID>", False),
    # A link between two endpoints written as one token ("br-int<->tcp:127.0.0.1:6633", "br-int<->unix#3009"):
    # one value, the connection's name, not an event per kind of far end. Both ends are needed: a lone "<->" is a
    # word, one end a value of its own kind. Tried where a spaced token starts only, as the look-ahead reads on.
    MaskRule("link", rf"(?<!\S)(?=[\w\-/@#.:]++<->[\w\-/@#]){_LINK_END}<->{_LINK_END}(?![\w\-/@#<>])", "<VAL>"),
    # An Erlang process id (ejabberd's, RabbitMQ's, CouchDB's <0.123.0>): one id, not a number in brackets.
    MaskRule("erlang_pid", r"<\d++\.\d++\.\d++>", "<ID>", False),
    # A Ruby object as inspect writes it (Unicorn's "reaped #<Process::Status: pid 28030 exit 0> worker=2", a
    # "#<Thread:0x... run>"): one value, its class and state words all, not an event per state it shows.
    MaskRule("ruby_object", r"#<[A-Z]\w*+(?:::[A-Z]\w*+)*+(?:[:\s][^<>\n]*+)?>", "<VAL>", False),
    # A Go map as fmt's %v writes it ("Settings: map[config:/etc/x.yml no-autoupdate:true]"): one value, its keys
    # the map's data, not the message's words, however many entries it has; a slice or map inside it one level deep.
    MaskRule("go_map", r"(?<![\w.\-])map\[(?=[^\s\[\]:]++:)(?:[^\[\]\n]++|\[[^\[\]\n]*+\])*+\]", "<VAL>"),
    # A Ruby backtrace frame's method (".../client.rb:148:in `block in query'", Ruby 3.4's 'Foo#bar'): one value,
    # the words of a block's label ("block in", "rescue in") included.
    MaskRule("ruby_frame", r"(?<=\d:in )(?:`[^`'\n]*+'|'[^'\n]*+')(?!\w)", "<VAL>", False),
    # Parts joined by colons, three of them long hex groups, are one id with its words (Proxmox VE's task id
    # UPID:node:0002C0C0:0268EC72:65E504EB:vzdump::root@pam:): the user or type glued to it is the id's, not a
    # word of the event. Two groups may be two values after a key (IKE's spi:<cookie>:<cookie>). A colon after
    # the last part is the sentence's.
    MaskRule("colon_id", r"(?<![\w.@\-:/])(?=(?:(?:[\w.@\-]*+:)*?[0-9A-Fa-f]{8,}+(?![\w.@\-])){3})"
             r"[\w.@\-]*+(?::++[\w.@\-]++)++", "<ID>", False),
    # Before the time of day, which would take a MAC address' first three octets when they are decimal.
    # A hyphenated one followed by "@" is an e-mail's user (00-11-22-33-44-55@corp.example.com).
    # A longer run of octets is one value too (a DHCP client id "01:" + MAC, a DUID, a WWN), not a MAC and a rest.
    # A name glued in parentheses after it is its own (_ADDRESS_NAME).
    MaskRule("mac", r"(?:[0-9A-Fa-f]{2}[:\-]){5,}[0-9A-Fa-f]{2}(?!\w)(?!(?<=-[0-9A-Fa-f]{2})@)" + _ADDRESS_NAME,
             "<MAC>", False),
    MaskRule(
        "datetime",
        # ISO 8601, and with dashes in the clock after its "T", as a file or release name writes it where a colon
        # may not stand (RELEASE.2024-02-26T09-33-48Z)
        rf"(?:\d{{4}}-\d{{2}}-\d{{2}}(?:[T ]{_HMS}|T\d{{2}}-\d{{2}}-\d{{2}}(?:[.,]\d++)?)?{_TZ}"
        # 06/10/2013 17:26; not inside a run of slashed numbers (HAProxy's timers 2/0/1/72/75)
        rf"|(?<![\d/])\d{{1,2}}/(?:\d{{1,2}}|{_MONTH})/\d{{2,4}}(?!/\d)(?:[: ]{_HMS}|\s\d{{1,2}}:\d{{2}})?{_TZ}"
        # 2024/03/09 10:02:11: the year first, as Go's log package and others write it; a month and a day, not
        # counts (2010/30/15), and not a path's folders (2024/03/09/app.log, a relative path's: <PATH>). A dash may
        # join its clock (a switch's 2024/02/27-06:35:52), which an offset's pattern would take for "-06:35".
        rf"|(?<![\d/])(?:19|20)\d{{2}}/(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01])(?!/)(?:[ T\-]{_HMS})?{_TZ}"
        rf"|{_HMS}{_TZ})" + _END,  # time of day
        "<DATETIME>",
        False,
    ),
    # Dates that start with a month or weekday name, a plain word: the one
    # default rule that has to be tried at plain words, so it starts with a
    # cheap guard (capital letter, 2-3 lower case, then a space). After a
    # weekday the day may come first, as e-mail and HTTP write dates (RFC 5322:
    # Wed, 14 May 2025 10:22:33 +0000). A zone may stand before the year after a weekday, as date(1) and
    # Java's Date write it (Tue Jan 16 08:50:00 UTC 2024); without one, "08:50:00 ERROR 2024" is a level and a number.
    # An offset after the time is its zone, before a year or not (May 5, 2024 10:00:00 +0000; git's Tue May 5
    # 10:00:00 +0000 2024), as after an ISO time; a zone name after a year stays a word (Tomcat's "built: Jan 5 2024
    # 08:29:41 UTC").
    # A date without a time needs its year (Sunday, January 14, 2024; JANUARY 14, 2024; 14 January 2024; ESXi's
    # Monday, 04 March, 2024), names in full or upper case: a month alone (in January) or with a day (May 5) may be
    # a constant. Its digits are tested for no value ("\d{4}", not _YEAR), so that texts without a time keep sharing
    # their digit forms (_DigitForms).
    MaskRule(
        "datetime_named",
        rf"(?:(?=[A-Z][a-z]{{2,3}},?\s)(?:{_WDAY},?\s+{_MONTH}\s+\d{{1,2}}\s+{_HMS}\s+(?!{LEVELS_RE}\s)[A-Z]{{2,5}}\s+{_YEAR}"
        rf"|(?:{_WDAY},?\s+)?{_MONTH}\s+\d{{1,2}},?\s+(?:\d{{4}}\s+)?{_HMS}(?:\s[+-]\d{{2}}:?\d{{2}}(?!\w))?(?:\s+{_YEAR})?"
        rf"|{_WDAY},?\s+\d{{1,2}}\s+{_MONTH}\s+\d{{4}}\s+{_HMS}{_TZ})"
        rf"|(?=[A-Z][A-Za-z]{{2,8}},?\s|\d{{1,2}}\s[A-Z])(?:{_WDAY_NAME},?\s+)?"
        rf"(?:{_MONTH_NAME}\s+\d{{1,2}},\s+|\d{{1,2}}\s+{_MONTH_NAME},?\s+)\d{{4}}(?!\w|[.:\-/]\w)(?:\s+{_HMS}{_TZ})?)"
        + _END,
        "<DATETIME>",
    ),
    # An e-mail address as a whole: its local part names a user as the domain names a host. Not systemd's
    # instance units (getty@tty1.service), and only where an address may start: not after a word's dot or dash
    # (john.doe@: at j, not at d; a.a.a.a... would be tried at every letter), but after a lone "-" (-bob@x.org).
    # A local part is at most 64 characters (RFC 5321): a start after "..", tried at every piece of a long run
    # such as "abcdef1234..abcdef1234..", reads no further than that.
    MaskRule("email", r"(?<!\w)(?<!\w[.+%\-])[A-Za-z0-9][\w.+%\-]{0,63}+@(?:[A-Za-z0-9\-]++\.)++"
             rf"(?!{_UNIT_TYPES}(?![\w\-]))[A-Za-z]{{2,}}+(?![\w\-]|\.\w)", "<EMAIL>", False),
    # An address with its prefix length (a route's 10.30.12.0/22, an address's 2001:db8:4c2:c::5/64): one value, the
    # network as ip(8) and DHCP clients print it, not an address and a number. A whole token only: glued to an
    # interface's "outside:" or before "->" the number is a port (a firewall's outside:8.8.4.4/53). A length of 0
    # is the default route's only (0.0.0.0/0, ::/0): after another address it is a port or an ICMP id (faddr 1.1.1.1/0).
    MaskRule("cidr", rf"(?<!\S)(?:{_V4}/(?:3[0-2]|[12]\d|[1-9])|{_V6}/(?:12[0-8]|1[01]\d|[1-9]\d?)|0\.0\.0\.0/0|::/0)"
             r"(?![\w/.:\-])", "<IP>", False),
    # A transport's address as net-snmp's libraries write it, the transport's name glued by ": " to its bracketed
    # endpoints (UDP: [10.0.0.5]:50412->[10.0.0.1]:161, TCP/IPv6: [::1]:42): one value, which the program prints
    # whole, not a key naming the event and an address (UDP: beside TCP: split one event in two).
    MaskRule("transport_addr", rf"(?<![\w/])(?:TCP|UDP|SCTP|TLSTCP|DTLSUDP)(?:/IPv6)?: {_BRACKETED_PORT}"
             rf"(?:->{_BRACKETED_PORT})?(?![\w\[])", "<IP>", False),
    # A colon that ends the token ends the address (``from 2001:db8::f8f: ISSUE``, as ``host:``). Its brackets
    # come in pairs: where the opening one may not be taken (host[::1]), the closing one stays too.
    MaskRule("ipv6", rf"(?:\[{_V6}\]|{_V6})(?::\d{{1,5}})?(?![\w.]|:[^\s\])}}>,;])", "<IP>", False),
    # A container image (registry.example.com/team/app:1.2, quay.io/prometheus/node-exporter:v1.7.0, an @sha256:
    # digest): its registry, repository and tag one value, as the OCI reference names them; not a call site
    # (github.com/x/y.go:12), whose last part has a dot, which an image's name has not. The tag tells a registry
    # (docker.io, ghcr.io) from a label key (app.kubernetes.io/name=web), so .io ends one with a label alone.
    MaskRule("image", rf"(?<![\w.\-/@])(?:{_LABEL}\.){{1,127}}(?:{_TLD}|{_TLD_DEEP})(?::\d{{1,5}})?"
             rf"(?:/{_OCI_PART}(?=/))*+/[a-z0-9]++(?:(?:__?+|-++)[a-z0-9]++)*+"
             r"(?::\w[\w.\-]{0,127}|@sha256:[0-9a-f]{64})(?![\w.\-/:@])",
             "<URL>", False),
    # A host name with a path, and maybe a port, but no scheme (a proxy's "Request: fonts.gstatic.com:443/" and
    # "deb.debian.org/debian/dists/bookworm/InRelease"): one URL, not a host and the path's words, which split its
    # event by the URL's shape. A dot ends it before a sentence's end only. Not a key before "=" (a label's
    # eks.amazonaws.com/nodegroup=x), a Go function (github.com/x/y.(*T).F) nor a call site (github.com/x/y.go:12).
    # A query's value may hold a colon (name=default:app:outputs), as RFC 3986 allows; one before a space ends it.
    MaskRule("host_path", r"(?<![\w.\-/@])(?=[A-Za-z0-9\-]++\.[A-Za-z0-9])"
             rf"(?:{_LABEL}\.){{1,127}}{_TLD}(?::\d{{1,5}})?/(?:{_HOST_PATH_CH})*+"
             rf"(?:\?(?:{_HOST_PATH_CH}|[&=]|:(?=[\w\-]))*+)?"
             r"(?![(=]|\.\S|:\d)", "<URL>", False),
    # Host names: dotted labels ending in a known top-level domain, or three
    # or more labels with a digit somewhere (62.99.164.82.sh.inode.at). Before
    # ipv4, which would take the leading address. A TLD list rather than
    # "any last label" keeps Java names (org.apache.X) and files (job.xml) out.
    # At most DNS' 127 labels, with a digit within its 253 characters: each
    # label of a long dotted run that is no host is tried, so each try must be
    # bounded (a line of "a.b." repeated took minutes); and it starts where a name starts, not at each label of
    # "a.b.a.b..." nor at each letter of "a-a-a-..." (each try read on to the run's end or 127 labels).
    # A dot after the name that more of the line follows is the root's, as DNS software writes a fully qualified
    # name ("[example.com.] zone loaded", "relay=mx.example.com. [10.0.0.5]", "rr <id> 300 cname a.com. b.net."),
    # not before a capitalised word, which a sentence opens; one that ends the line may end a sentence. With that
    # dot, a last label of lowercase letters that no file's extension is ends a host too (docker.io.): no Java name
    # nor file's name is written so. Nor a source file's or script's (run.sh. next), though a country's domain too, nor
    # a program's or library's (libfoo.so. ok).
    MaskRule(
        "host",
        r"(?<![A-Za-z0-9\-])" + _AFTER_NO_LABEL + r"(?=[A-Za-z0-9\-]++\.[A-Za-z0-9])"
        rf"(?:(?:{_LABEL}\.){{1,127}}{_TLD}(?![\w\-]|\.\w)"
        rf"|(?<![\w.\-])(?!{_PACKAGE_ROOT})(?:{_LABEL}\.){{2,127}}{_TLD_DEEP}(?![\w\-/]|\.\w)"
        rf"|(?=[\w.\-]{{0,253}}?\d)(?:{_LABEL}\.){{2,127}}(?!{_FILE_EXT}(?![\w\-]|\.\w))[A-Za-z]{{2,10}}"
        r"(?![\w\-]|\.\w)"
        rf"|(?<![\w.\-])(?:{_LABEL}\.){{1,127}}(?!(?:{_FILE_EXT}|{_SOURCE_EXT}|{_BINARY_EXT})\.)[a-z]{{2,10}}"
        rf"(?={_ROOT_DOT}))"
        rf"(?:{_ROOT_DOT})?",
        "<HOST>",
        False,
    ),
    # A port stays apart (<IP>:<NUM>); a "/" that opens the token goes with
    # the address (Java writes an unresolved address as "/10.0.0.1"), and so does a name glued in parentheses
    # after it (_ADDRESS_NAME).
    MaskRule("ipv4", rf"(?:(?<!\S)/)?(?=\d{{1,3}}\.\d){_V4}(?!\w|\.\w)" + _ADDRESS_NAME, "<IP>", False),
    # A hash cut short by an ellipsis with more of the sentence after it (Prysm's "from 0x455ce79b... 8875058/...",
    # "serverHash (286e70...)"): the dots are the value's, the hash abbreviated; at the text's end they may be the
    # sentence's ("Checking out 3f2a1b9c..."), as after a name. Six hex digits of one case at least, a letter
    # and a digit among them, or "0x" and any.
    MaskRule("hex_cut", r"(?<![\w.])(?:0[xX][0-9A-Fa-f]++|(?=[0-9a-f]*?[a-f])(?=[0-9a-f]*?\d)[0-9a-f]{6,}+"
             r"|(?=[0-9A-F]*?[A-F])(?=[0-9A-F]*?\d)[0-9A-F]{6,}+)(?:\.{3}|\u2026)(?=[)\]}]|\s++\S)", "<HEX>", False),
    MaskRule("hex", r"0[xX][0-9A-Fa-f]++" + _END, "<HEX>", False),
    # Long hex groups joined by dots are one id (Courier's queue id 0000000000203BCB.0000000065E56941.00002587):
    # a group may be all digits, or all letters, as long as the id has both. Tried only where a run of hex digits
    # and dots starts: its look ahead reads the run, once, not once a character ("a.b.a.b..." is all such).
    MaskRule("hex_dotted", r"(?<![0-9A-Fa-f.])(?=[0-9A-Fa-f.]*?[A-Fa-f])(?=[0-9A-Fa-f.]*?\d)"
             r"[0-9A-Fa-f]{8,}+(?:\.[0-9A-Fa-f]{8,}+)++" + _END + r"(?!\.\w)", "<HEX>", False),
    # A hash abbreviated to its first and last digits (go-ethereum's hash=980356..02b3e2) or a git range of two
    # (a1b2c3d..e4f5a6b, "..."): one value, not a number and a word. Hex of one case, six digits a side, a letter
    # and a digit among them: a range of numbers (1000..2000) stays numbers, a version's (1.2..1.4) has dots.
    MaskRule("hex_abbrev", r"(?<![\w.])(?=[0-9a-f.]*?[a-f]|[0-9A-F.]*?[A-F])(?=[0-9A-Fa-f.]*?\d)"
             r"(?:[0-9a-f]{6,}+\.{2,3}+[0-9a-f]{6,}+|[0-9A-F]{6,}+\.{2,3}+[0-9A-F]{6,}+)(?!\w|\.\w)", "<HEX>", False),
    # Bare hex only when long and mixing digits with a-f letters, so that
    # words and plain numbers are left to other rules. Groups of four after it are a UUID cut after its first
    # groups (a cluster member named "4b1a01b1-a0ad"): one id; not before "-" and a digit, where the groups
    # start a date or a number of their own (3f2a1b9c-2024-01-01).
    MaskRule("hexstr", r"(?=\d*+[A-Fa-f])(?=[A-Fa-f]*+\d)[0-9A-Fa-f]{8,}+"
             r"(?:(?:-[0-9A-Fa-f]{4}(?![0-9A-Fa-f]))++(?!-\d))?" + _END, "<HEX>", False),
    # The 16-bit fields after a 32-bit value in hex, four hex digits each, as a kernel's /proc/net/tcp writes an
    # address and port (0100007F:0035) and a resolver a client's address, port and query id (0a1e0870:dada:4e6f):
    # each field a value, as a port after an address is (<IP>:<NUM>), whatever digits it has; the first took its
    # own placeholder, or stays a word with its fields where it has no digit (deadbeef:cafe).
    MaskRule("hex_fields", rf"(?<={_HEX32}:)[0-9A-Fa-f]{{4}}(?=(?::[0-9A-Fa-f]{{4}})?(?![\w:]))"
             rf"|(?<={_HEX32}:[0-9A-Fa-f]{{4}}:)[0-9A-Fa-f]{{4}}(?![\w:])", "<HEX>"),
    # An object's identity hash after its class name, as Java's Object.toString() writes it (ServerConnector@6c4e9a,
    # WebAppContext@35d5431{...}): up to eight hex digits, a letter and a digit among them: a name after "@" stays
    # (root@db), a port is a number (10.0.0.9@53).
    MaskRule("object_hash", r"(?<=[\w$\]]@)(?=[a-f]*+\d)(?=\d*+[a-f])[0-9a-f]{5,8}+(?=[{\[\s,;:)\]]|$)", "<HEX>",
             False),
    # A short hex id after "#" (Plex's request ids Req#20aa beside Req#1234, a response's #47a): a letter and a
    # digit among three to eight hex digits of one case, so that it takes the type its digits-only values get as
    # numbers, not a word's; a name after "#" (#cafe, #define) has no digit.
    MaskRule("hash_hex", r"(?<=#)(?=[A-Fa-f]*+\d)(?=\d*+[A-Fa-f])(?:[0-9a-f]{3,8}+|[0-9A-F]{3,8}+)" + _END, "<HEX>",
             False),
    # A size takes its unit, which is scaled with the value (384.0 B, 1.2 KB);
    # a duration leaves its unit, a constant of the message ("took <DURATION> ms").
    # (Not an exponent: 3E+02 is a number, not 3 exabytes.)
    MaskRule("size", rf"{_NUMBER}\s?{_UNIT_SIZE}(?![-+]\d)" + _END, "<SIZE>", False),
    # Go writes its larger units before the number: 1m20.5s, 2h3m4s; systemd with spaces, each of its larger
    # units once and in order: 2d 3h, 1h 30min, 2min 5.5s; so do Java's and others' human-readable spans, their
    # minutes as "m" and their seconds before a smaller unit: 1m 30s, 1s 378ms (not "1s 2s 4s", a list). C's and
    # Python's %g write a large or small one with an exponent (SQLAlchemy's "cached since 1.234e+03s ago").
    # A unit before "=" is the next key (a firewall's "c=1024 m=14"), not the number's; one before "-" and a letter
    # or digit opens a name (a resolver's "1 ns-421.awsdns-52.com.", a record type and a server's name).
    # Go's span of several units (2m56s, 1h0m0s) is the value whole: its last unit comes with the larger ones,
    # which vary with the value ("45s" / "1m5s"), so it is no constant of the message as a lone unit is.
    MaskRule("go_duration", r"[-+]?(?:\d++h)?\d++m\d++(?:\.\d++)?+s" + _END, "<DURATION>", False),
    MaskRule("duration", r"[-+]?(?:\d++d\s(?=\d))?(?:\d++h\s(?=\d))?(?:\d++min\s(?=\d)|\d++m\s(?=[\d.]++s(?!\w)))?"
             r"(?:\d++s\s(?=[\d.]++(?:ms|us|\u00b5s|ns)(?!\w)))?"
             rf"(?:\d++h(?=\d))?(?:\d++m(?=\d))?{_UNSIGNED}(?:[eE][-+]?\d++)?+"
             rf"(?=\s?{_UNIT_TIME}{_END}(?!=|-\w))", "<DURATION>", False),
    # A rate glued to its unit per time (vsftpd's 86.07Kbyte/sec, 1200req/s): the number is the value and the unit
    # the message's, as a duration's is; a unit the size rule knows (5MB/s) went to it above.
    MaskRule("rate", rf"(?<![\w.\-/]){_UNSIGNED}(?=[A-Za-z]++/{_UNIT_TIME}{_END})", "<NUM>", False),
    # ISO 8601's duration (Java's Duration, .NET's and Jira's: PT30M, PT5M0.037S, P1DT2H): its units are inside.
    MaskRule("iso_duration", r"P(?=T?\d)(?:\d++[YMWD])*+(?:T(?:\d++(?:\.\d++)?+[HMS])++)?+(?<=[YMWDHS])(?!\w)",
             "<DURATION>", False),
    # Absolute paths need two segments, so "/10.0.0.1:80" (an address) and a
    # lone "/" stay out; ./x, ../x, ~/x, a//b and C:\x count; the part of a
    # URL after "://" is the url rule's. A query string (?key=value&...) is part of the path, as of a URL; it makes
    # one segment or the root a request's target too (/search?q=oak, /?_task=mail): one value, not a key's words.
    # In quotes one segment is enough (CWD failed. "/old", '/root'): the quotes make it one value, a path whole.
    # A last part of two words, the second a file name with a document's extension, is one name
    # (/home/bob/Downloads/invoice 7062.pdf): a folder's name has no extension, a program's file no space.
    # A path in double quotes that runs to the closing quote is whole, spaces and parentheses in it
    # ("/srv/new folder", "C:\Program Files\x.exe", "/srv/budget(2).xlsx"): the quotes delimit it, as a shell's do.
    MaskRule(
        "path",
        rf"(?:{_QUOTED_PATH}"
        rf"|(?<!:/)(?:~|\.{{1,2}})?/(?:{_PATH_CH}++/)++[\w\-@%+~=*]++ [\w\-@+]++\.{_DOC_EXT}(?![\w\-]|\.\w)"
        rf"|(?<!:/)(?:~|\.{{1,2}})?/{_PATH_CH}++(?:/{_PATH_CH}*+)++|(?:~|\.{{1,2}})/{_PATH_CH}++"
        rf"|(?<![\w.~/\-])/{_PATH_CH}*+(?=\?[\w.\-%]++=)"
        rf"|(?<=[\"'])(?!/\d{{1,3}}\.\d)(?:(?<=\")/{_PATH_CH}++(?=\")|(?<=')/{_PATH_CH}++(?=')))"
        # Not a closing , ; : . ) or ], but a bracket the query opened: ?ids=(1,2).
        r"(?:\?(?=[\w.\-%]++=)(?:[^\s'\"<>.,;:()\[\]]++|\([^\s'\"<>()]*+\)|\[[^\s'\"<>\[\]]*+\]|[(\[]"
        r"|[.,;:)\]]++(?=[^\s'\"<>.,;:)\]]))*+)?"
        # A drive's path or a share's (\\server\share\x.txt): parentheses only as a pair in it (C:\a\b(1).txt), not a
        # closing , ; : . ) or ]. A folder's name may hold up to three spaces where a backslash and a name follow them
        # (C:\Program Files (x86)\App): words after its last part are prose.
        r"|(?:[A-Za-z]:\\|\\\\[\w.\-]++\\(?=[\w$]))(?:[^\s'\"<>().,;:\]]++|\([^\s'\"<>()]*+\)"
        r"|[.,;:\]]++(?=[^\s'\"<>().,;:\]])|(?: (?:[\w\-.&+]++|\([\w\-.]*+\))){1,3}+(?=\\[\w$]))++",
        "<PATH>",
        False,
    ),
    # A call site, kept: a source file written relative and its line, outside parentheses (a Java frame's are
    # values of its trace) and without a column (lint's src/x.tsx:10:5 reports a finding, not a call site).
    MaskRule("call_site", r"(?<![\w.\-/@+(])(?:[\w\-@+.]++/)*+[\w\-+]++\.(?:" + _CODE_EXT + r"):\d++(?![\w\-]|[.:]\w)",
             None, False),
    # A relative path or a bare file name, known by its extension (src/Panel0.tsx:10:5, api0.test.ts, main.py).
    # The dotted parts before the last are taken at once, so that the extensions are tried at one place; it starts
    # where a name starts, not after each "@" or "+" of a run ("a@a@a@...": each try read the run to its end).
    MaskRule("file", r"(?<![\w.\-/@+])(?=[\w\-@+/]*+\.)(?!" + _PACKAGE_ROOT + r")(?:[\w\-@+.]++/)*+[\w\-@+]++"
             r"(?:\.(?![a-z]++(?![\w\-]|\.\w))[\w\-@+]++)*+"
             rf"\.(?:{_FILE_EXT}|{_SOURCE_EXT})(?![\w\-]|\.\w)", "<PATH>", False),
    # A base64 token ("/" or "+" inside: Dovecot's session 9maq8baTWc/71OEL, a key's dGhp+cyBp=), 12 characters
    # or more with two digits or a "+", lower case, three capitals inside its parts and no six lower-case letters
    # in a row: a relative path (src/main/Foo2Bar) has its capitals where its parts start, or a dot, "_" or "-",
    # a class name or a route its words (org/apache/MRAppMaster, api/v2/UserAPI); an absolute path is the path
    # rule's.
    MaskRule("base64", r"(?<![\w+/.\-])(?=[A-Za-z0-9]*+[+/])(?=[A-Za-z0-9+])"
             r"(?=[A-Za-z0-9+/]{12,}+={0,2}+(?![\w+/=.\-]))(?=[A-Za-z0-9/]*+\+|(?:[A-Za-z+/]*+\d){2})(?=[A-Z0-9+/]*+[a-z])"
             r"(?=(?:[A-Za-z0-9+/]*?(?<=[A-Za-z0-9+])[A-Z]){3})(?![A-Za-z0-9+/]*?[a-z]{6})"
             r"[A-Za-z0-9+/]++={0,2}+", "<ID>", False),
    # A random-looking token: letters and digits mixed at least four times, or three times with both cases (Exim's
    # 1tXyZa-0004Kp-2B, Slack's U024BE7LH, base62 request ids), 8 characters or more. Names with a version or a
    # size (SHA256withRSA, v1alpha1, utf8mb4, x86_64) mix them less often.
    MaskRule("random", rf"{_RUN_START}(?=\d*+[A-Za-z])(?=[A-Za-z0-9_\-]{{8,}}+(?![\w\-])){_MIXED.format(3)}"
             rf"(?:(?=[\w\-]*?[a-z])(?=[\w\-]*?[A-Z])|{_MIXED.format(4)})[A-Za-z0-9]++(?:[_\-][A-Za-z0-9]++)*+" + _END,
             "<ID>", False),
    # A random-looking token of mixed case (base62 and base64 ids: Zeek's CZLueLxq5dD5E7hrrE, Dovecot's session
    # +75zIhEg+t4MQryC; a "/" ends it, as in a path), 12 characters or more, with three places or more where
    # its case or class turns as no camelCase name turns: a lower-case letter before two capitals, one between
    # capitals or digits, a digit between letters. A version tag (IPv4, LMv3) and an acronym's plural (FDs, IDs)
    # are no such turns: getIPv4Address, NoRouteToHostException and HeapDumpPath stay. It starts where a token
    # starts, not after a dot (a dotted name's last part), so that a long token is tried once.
    MaskRule("random_case", r"(?<![\w+.\-])(?=[A-Za-z0-9+])(?=[A-Za-z0-9+_\-]{12,}+(?![\w+\-]))"
             r"(?=[\w+\-]*?[a-z])(?=[\w+\-]*?[A-Z])"
             r"(?=(?:[\w+\-]*?(?=[a-z][A-Z]{2}|(?<![A-Z](?=[A-Z]s[A-Z]))[A-Z](?!v\d)[a-z][A-Z0-9]|\d[a-z][A-Z]"
             r"|(?!v)[a-z]\d[A-Za-z])[\w+\-]){3})"
             r"[A-Za-z0-9+_\-]++(?![\w+\-])", "<ID>"),
    # A network interface named by its slot and port numbers (GigabitEthernet1/0/1, Te1/1/1.100, Junos' ge-0/0/46):
    # which port a device's line is about is its parameter. A name without "/" (eth0, vlan10) stays a word.
    MaskRule("interface", r"(?<![\w./\-])[A-Za-z][A-Za-z\-]*+\d++(?:/\d++)++(?:[.:]\d++)?(?![\w/\-]|\.\w)", "<VAL>",
             False),
    # A network interface named as systemd's udev names it, by where it sits: its type (en Ethernet, wl WLAN, ww
    # WWAN, ib InfiniBand), then an onboard index (eno1), a hotplug slot (ens192), a PCI bus and slot with their
    # function and port (wlp2s0, enp0s31f6, enp3s0u1) or a MAC (enx00e04c680001), and a VLAN after a dot
    # (ens192.100). NetworkManager, wpa_supplicant, avahi, ntpd, dhclient, Kea and Suricata name the interface a
    # line is about so; the readable sets' annotators made each such name a variable, one host's single interface
    # too. Whole tokens only; an older kernel name (eth0, wlan0) stays a word, as above.
    MaskRule("udev_interface", r"(?<![\w.\-/@])(?:en|wl|ww|ib)(?:o\d++|s\d++|(?:P\d++)?p\d++s\d++|x[0-9a-f]{12})"
             r"(?:f\d++)?(?:u\d++)*+(?:[nd]\d++)?(?:\.\d++)?(?![\w\-]|\.\d)", "<VAL>", False),
    # A systemd unit (fstrim.service, getty@tty1.service, session-3.scope): which unit a service manager's line is
    # about is its parameter; not a method's name before its call (Servlet.service()). A timer, target, mount,
    # slice or scope has a "-", "@", escape or digit in its name: a bare word before those ends a library's object
    # as often (Lua's ngx.timer). Not .path, .device or .swap, which end Java properties and other names as often,
    # nor a Java package (com.example.service).
    MaskRule("unit", r"(?<![\w.\-/@:\\])(?!" + _PACKAGE_ROOT + r")(?=" + _UNIT_NAME + r"\." + _UNIT_TYPES_ANY
             + r"(?![\w\-]|\.\w))"
             r"(?:" + _UNIT_NAME + r"\.(?:service|socket)|(?=[\w.]*+[\-@\\\d])" + _UNIT_NAME + r"\." + _UNIT_TYPES_NAMED
             + r")(?![\w\-(]|\.\w)", "<VAL>", False),
    # A network device's %FACILITY-SEVERITY-MNEMONIC tag, kept: it names the event, its digit a level.
    MaskRule("device_tag", _DEVICE_TAG, None, False),
    # A word glued to a number by _ or - names an instance as a whole:
    # attempt_1445_0020_m_0, rdd_2_3, msra-sa-41, part-00000, blk_-1608; with the time of an ISO date glued on
    # (snapshot-2024-01-16T21:00:00Z, scheduled__2024-01-16T21:00:00+00:00), which "(?<!\w)" keeps the datetime
    # rule from starting inside. Where a word starts (_RUN_START): tried at each word of "a-a-a-..." it read on to
    # the end each time, quadratic in the line (a 100 KB line took minutes). Parts may follow the time, other
    # dates among them (Druid's segment wiki_2024-01-13T10:00:00.000Z_2024-01-13T11:00:00.000Z_2024-01-13T09:12:03Z):
    # one id, not an id and the rest cut into numbers; taken at once ("*+"), so that no other split of them is tried.
    MaskRule("ident", _RUN_START + f"(?!{CAPS_CODE})"
             r"[A-Za-z][A-Za-z0-9]*+(?:[_\-](?!-?\d)[A-Za-z0-9]++)*+[_\-]++-?\d\w*+"
             rf"(?:[.\-]\w++)*+(?:{_GLUED_TIME}(?:[_\-]\w++(?:{_GLUED_TIME})?)*+)?" + _END,
             "<ID>", False),
    # Lower-case words joined by "-" whose last ends in a number of one to three digits name one numbered member of
    # a set (pg-node2, galera-db3, fas-cl01, isp-a-pe1, phy0-ap0): a host, a replica or an interface, its parameter
    # even where one log shows a single member (the thirty readable program sets' annotators made every one of some
    # 3,500 such tokens in messages a variable). Whole tokens only, not after "." or "/" (a domain's or a path's
    # part), nor four digits or more (ssh-ed25519, chacha20-poly1305: an algorithm's name). Parts are taken lazily,
    # one at a time, from where a token starts: linear in the token.
    MaskRule("member", r"(?<![\w.\-/@:=])[a-z][a-z0-9]*+(?:-[a-z][a-z0-9]*+)*?-[a-z]++\d{1,3}+(?![\w\-/@]|\.\w)",
             "<ID>", False),
    # An HTTP status right after a quoted request line (the access logs of Apache, nginx, HAProxy, ...) keeps its
    # class: a burst of 5xx answers among 2xx ones is what such a log is read for. Texts without a "/" before a digit
    # (HTTP/1.1) keep sharing a digit-canonical form (see _DigitForms).
    *(MaskRule(f"http_{d}xx", rf"(?<=\" )(?:(?<=HTTP/\d\.\d\" )|(?<=HTTP/\d\" )){d}\d\d" + _END, token, False)
      for d, token in zip("12345", CLASS_TOKENS)),
    # A package version with a revision or build glued on by "+" or "~" (Debian's 2.36-9+deb12u10, 252.38-1~deb12u1
    # and 1:2.3-4+b1, semver's 1.0.0-rc.1+build.5): one number, whatever its suffixes spell; without a "+" or "~"
    # it is left to the number rule (1.2-3 stays <NUM>-<NUM>). Not inside a clock or a zone (09:14:02+0000), nor
    # a sum or a range of numbers, units and all (3+4, 100~200ms, 10MB+5MB; 30+20221128-1 is a version).
    MaskRule("version", r"(?<![\w.+~:\-])(?=[\w.:\-]*+[+~][A-Za-z0-9])(?:\d++:)?"
             r"(?!\d++[A-Za-z]*+(?:[+~]\d++[A-Za-z]*+)++(?![\w+~\-]|[.:]\w))\d" + _VERSION_PART
             + r"(?:[\-+~]++" + _VERSION_PART + r")*+(?![\w+~\-]|[.:]\w)", "<NUM>", False),
    # A version of three dotted numbers or more with a letter suffix (OpenSSL's 1.1.1k, ntpd's 4.2.8p15, 11.0.1FP6,
    # v1.2.3rc1) or a build tag with a letter glued on by "-" (5.15.0-91-generic, 1.24.3-1ubuntu2,
    # v1.5.2-debian-11-linux): one number, as the "+" and "~" ones above. Two dots at least: a number and its unit
    # (1.5x, 3.5GB, 10ms) has one. Digits alone after "-" stay <NUM>-<NUM> (1.2.3-4), as 1.2-3 and 1-2 do, so that
    # a package manager's versions keep one form whatever their count of dots.
    MaskRule("version_tag", r"(?<![\w.+~:\-])[vV]?+\d++(?:\.\d++){2,}+(?=[\d.\-+~]*+[A-Za-z])(?:[A-Za-z]++\d*+)?+"
             r"(?:[\-+~]++" + _VERSION_PART + r")*+(?<![\-+~.])(?![\w+~\-]|[.:]\w)", "<NUM>", False),
    # Numbers, with dotted versions (1.2.3, v2.0.1), exponents (1.5e-05) and thousands (1,024.5) as one number.
    # (?<!\d\.): not the tail of a dotted token that is not a number (x1.5). No sign before three dotted parts or
    # more, a version or an address that no number signs: "-" joins it to what went before ([500]-10.0.0.2[500]).
    # Not after a lone capital and a dot: a standard's name (X.509, H.264, E.164) names the event, as a word does.
    MaskRule("num", r"(?<!\d\.)(?<!(?<![\w.])[A-Z]\.)(?:[vV](?=\d++\.\d))?(?:[-+](?!\d++\.\d++\.\d))?(?:" + _GROUPED
             + r"|\d++(?:\.\d++)*+(?:[eE][-+]?\d++)?+)" + _END, "<NUM>", False),
    # A name glued before an address by "@" or "/" names who or what connects from there: a user (alice@10.0.0.5),
    # a database and its user (billing/billing_rw@10.0.4.58:56465), a VPN client (alice/203.0.113.7:49542). After
    # the typed rules, so that a name with a digit keeps its type (Java's host/address, msra-sa-41/10.0.0.1).
    MaskRule("addr_owner", rf"(?<![\w.\-/@$:])[A-Za-z_][\w.\-]*+(?:/[\w.\-]++)?(?<=\w)"
             rf"(?=[@/](?:{_V4}(?!\w|\.\w)|\[?{_V6}(?![\w.])))", "<VAL>", False),
    # Last: a key=value value that no typed rule claimed, unless a plain word or words joined by _ or -
    # (order_created, eu-west: a mode; an instance has a digit), or a quote escaped inside a quoted text
    # (query="{app=\"api\"}": the value is inside the escaped quotes).
    MaskRule("kv", rf"(?<=[\w\]]=)(?!{_PLAIN}|{_JOINED}|\\[\"'])(?!<[A-Z]+>)[^\s,;&'\"()\[\]{{}}<>]++", "<VAL>", False),
)


# --- compiling --------------------------------------------------------------
# Python's re tries every branch of an alternation at every position, and
# that, not the scan, is the cost. So branches are grouped by the kind of
# character they can start with (found by parsing each rule), each group
# behind one cheap look-ahead: at a given position only one group is tried,
# and plain words, most of a message, skip every rule that promised not to
# start there. Within a group rules keep their order, so priority holds.

_DIGITS = frozenset(string.digits)
_LETTERS = frozenset(string.ascii_letters)
_PRINTABLE = frozenset(chr(c) for c in range(0x21, 0x7F))
_PUNCT = _PRINTABLE - _DIGITS - _LETTERS
_WS = "whitespace"  # the ASCII characters \s matches
_CTRL = "control"  # the other ASCII control characters: [^\s] matches them
_NONASCII = "non-ascii"
_ANY = _PRINTABLE | {_WS, _CTRL, _NONASCII}


def _char(code: int) -> str:
    if 0x21 <= code < 0x7F:
        return chr(code)
    if code >= 0x80:
        return _NONASCII
    return _WS if chr(code).isspace() else _CTRL


def _category(name: str) -> set:
    negated = "NOT" in name
    if "DIGIT" in name:
        chars = set(_DIGITS) | {_NONASCII}
    elif "WORD" in name:
        chars = set(_DIGITS | _LETTERS) | {"_", _NONASCII}
    elif "SPACE" in name:
        chars = {_WS, _NONASCII}
    else:  # line breaks
        chars = {_WS}
    if negated:  # the complement keeps the classes the category covers only in part
        return (set(_ANY) - chars) | {_NONASCII} | ({_WS} if "SPACE" not in name else set())
    return chars


def _folded(chars: set) -> set:
    """``chars`` and what case folding matches of them: the other case, and for a non-ASCII character any
    ASCII letter (the Kelvin sign matches k, the long s matches s)."""
    return chars | {c.swapcase() for c in chars if len(c) == 1} | (set(_LETTERS) if _NONASCII in chars else set())


def _chars_of_class(items: list, ignorecase: bool) -> set:
    chars: set = set()
    negate = whole_space = False
    for op, av in items:
        if op is _sre_c.NEGATE:
            negate = True
        elif op is _sre_c.LITERAL:
            chars.add(_char(av))
        elif op is _sre_c.RANGE:
            lo, hi = av
            chars.update(chr(c) for c in range(max(lo, 0x21), min(hi, 0x7E) + 1))
            if lo < 0x21:
                chars |= {_WS, _CTRL}
            if hi > 0x7E:
                chars |= {_CTRL, _NONASCII}
        elif op is _sre_c.CATEGORY:
            name = str(av)
            if negate and "SPACE" in name and "NOT" not in name:
                whole_space = True
            chars |= _category(name)
        else:
            return set(_ANY)
    if ignorecase:
        # What a negated class leaves out folds too ([^k] misses K), but only that: no letters for non-ASCII.
        chars = chars | {c.swapcase() for c in chars if len(c) == 1} if negate else _folded(chars)
    if negate:
        # Only whole classes leave: [^,] can still start with another
        # non-ASCII, space or control character, [^\s,] cannot start with a space.
        chars = (set(_ANY) - chars) | {_NONASCII, _CTRL} | (set() if whole_space else {_WS})
    return chars


def _first_chars(items, ignorecase: bool = False) -> tuple[set, bool]:
    """(characters a match of the parsed sequence can start with, can it be empty)."""
    chars: set = set()
    for op, av in items:
        if op in (_sre_c.ASSERT, _sre_c.ASSERT_NOT, _sre_c.AT):
            continue  # zero width: the next item gives the first character
        if op is _sre_c.LITERAL:
            chars |= _folded({_char(av)}) if ignorecase else {_char(av)}
            return chars, False
        if op is _sre_c.IN:
            return chars | _chars_of_class(av, ignorecase), False
        if op is _sre_c.BRANCH:
            empty = False
            for alt in av[1]:
                c, e = _first_chars(alt, ignorecase)
                chars |= c
                empty |= e
        elif op is _sre_c.SUBPATTERN:
            add_flags = av[1]
            c, empty = _first_chars(av[-1], ignorecase or bool(add_flags & _sre_c.SRE_FLAG_IGNORECASE))
            chars |= c
        elif op is getattr(_sre_c, "ATOMIC_GROUP", None):
            c, empty = _first_chars(av, ignorecase)
            chars |= c
        elif op in (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT, getattr(_sre_c, "POSSESSIVE_REPEAT", None)):
            lo, _, sub = av
            c, e = _first_chars(sub, ignorecase)
            chars |= c
            empty = lo == 0 or e
        else:
            return set(_ANY), False
        if not empty:
            return chars, False
    return chars, True


# Each rule is analysed three ways (first characters, digit tests, needed
# characters); its parse tree is read, never changed, so one parse serves all.
_parsed = functools.lru_cache(maxsize=256)(_sre_p.parse)


def _start_chars(pattern: str) -> frozenset:
    """Characters (and classes _WS, _NONASCII) a match of ``pattern`` can start with."""
    try:
        chars, can_be_empty = _first_chars(_parsed(pattern))
    except Exception:  # noqa: BLE001 - an unknown construct: assume any start
        return frozenset(_ANY)
    return frozenset(_ANY) if can_be_empty else frozenset(chars)


# The ASCII classes of :func:`_char` as a regex class holds them (the gates' look-aheads test the same ranges).
_CLASS_RANGES = {_WS: r"\t-\r\x1c-\x20", _CTRL: r"\x00-\x08\x0e-\x1b\x7f", _NONASCII: r"\x80-\U0010ffff"}


def _char_class(chars: frozenset) -> str:
    """A regex class matching the characters (and classes _WS, _CTRL, _NONASCII) in ``chars``."""
    return "[" + "".join(_CLASS_RANGES.get(c) or re.escape(c) for c in sorted(chars)) + "]"


def gated(pattern: str) -> str:
    """``pattern`` behind a look-ahead for the characters a match of it can start with (:func:`_start_chars`): re
    tries every alternative, look-behinds first, at each place it is asked about, where the look-ahead fails fast."""
    chars = _start_chars(pattern)
    return pattern if chars == frozenset(_ANY) else f"(?={_char_class(chars)})(?:{pattern})"


def _branch(rules: Sequence[MaskRule], placeholders: dict[int, str | None], body: Callable[[MaskRule], str]) -> str:
    """The ``rules`` as alternatives, each written by ``body`` and closed by an empty capture group, numbered on in
    ``placeholders``: the group a match's ``lastindex`` names is its rule's."""
    # Empty and after the rule, not around it: re clears the marks of the groups below one it opens that none
    # set (about 200 writes for the last rules); a group around its rule did so at each rule tried at each position.
    alts = []
    for r in rules:
        placeholders[len(placeholders) + 1] = r.placeholder
        alts.append(f"(?:{body(r)})()")
    return "|".join(alts)


def _pattern(rule: MaskRule) -> str:
    """The rule as the combined regex holds it: its pattern."""
    return rule.pattern


def _stub(rule: MaskRule) -> str:
    """What stands for a rule in the combined regex's frame (:func:`_combined`): no digit, any start."""
    return "(?s:.)"


def _compile(rules: Sequence[MaskRule]) -> tuple[re.Pattern | None, dict[int, str]]:
    """One regex for all rules, and capture group number -> placeholder."""
    pattern, placeholders = _combined(rules)
    return (None if pattern is None else re.compile(pattern)), placeholders


def _combined(rules: Sequence[MaskRule], body: Callable[[MaskRule], str] = _pattern) -> tuple[str | None, dict]:
    """:func:`_compile`'s pattern, each rule written as ``body`` gives it (its pattern; :func:`_stub`: the frame
    alone), and capture group number -> placeholder."""
    starts = [_start_chars(r.pattern) for r in rules]

    def starting_with(chars: frozenset, plain: bool = False) -> list:
        return [r for r, s in zip(rules, starts) if s & chars and (r.plain_words or not plain)]

    start_of = dict(zip(rules, starts))

    def within(chars: frozenset) -> Callable[[MaskRule], str]:
        """``body`` behind a look-ahead for the rule's first characters, where fewer than the gate's ``chars``."""
        # Most rules open with look-arounds (a token's start, the key before a value), several steps each; one
        # test of the character at hand fails first where the rule cannot start (most numbers' rules at a word).
        def gated(rule: MaskRule) -> str:
            own = start_of[rule] & chars
            return body(rule) if own == chars else f"(?={_char_class(own)})(?:{body(rule)})"
        return gated

    placeholders: dict[int, str] = {}
    branches = []
    letters, plain = starting_with(_LETTERS), starting_with(_LETTERS, plain=True)
    if letters:  # first: most positions that get this far start a word
        words = f"(?!{_PLAIN_START})(?:{_branch(letters, placeholders, within(_LETTERS))})"
        if plain:
            words += f"|(?:{_branch(plain, placeholders, within(_LETTERS))})"
        branches.append(f"(?=[A-Za-z])(?:{words})")
    for gate, chars in (("(?=[0-9])", _DIGITS), (r"(?=[!-/:-@\[-`{-~])", _PUNCT),
                        (r"(?=[^\x00-\x7f])", frozenset({_NONASCII})), (r"(?=[\t-\r\x1c-\x20])", frozenset({_WS})),
                        (r"(?=[\x00-\x08\x0e-\x1b\x7f])", frozenset({_CTRL}))):
        members = starting_with(chars)
        if members:
            branches.append(f"{gate}(?:{_branch(members, placeholders, within(chars))})")
    if not branches:
        return None, {}
    # (?<!\w): a variable never starts inside a word, nor with a symbol right after a placeholder, which stands for
    # one: masking a masked text must leave it as is (a "/b/c" after "4" is no path, nor after "<NUM>"). A word
    # after one may start (an XML element's <ID>42</ID>). One look-ahead, tried once: each placeholder is looked
    # for only after a capital and ">", rarely true.
    after = "|".join(f"(?<={re.escape(p)})" for p in sorted({p for p in placeholders.values() if p}))
    return rf"(?<!\w)(?!(?<=[A-Z]>)(?!\w)(?:{after or '(?!)'}))(?:{'|'.join(branches)})", placeholders


# --- digit classes ----------------------------------------------------------
# Logs are unique mostly through their numbers, and the regex cannot tell
# apart digits that no literal or range in it separates: "36486" and "36366"
# take the same path. So texts are masked once per digit-canonical form
# (each digit replaced by the smallest digit of its class) and the spans found
# are applied to the original text: the same output, far fewer regex runs.


# A digit's places in its run of ASCII digits: how many stand right before it, and how many right after it, each
# counted up to _RUNS (_RUNS: any number). A rule tests most digits near a run's ends only (an IPv4 octet's 25[0-5],
# a code's [A-Z][1-9]), so the digits inside a long id (blk_-1608999687919862906) need not keep apart.
_RUNS = 4


def _digit_cuts(items: Iterable[tuple], cuts: list, needs: tuple[frozenset, ...] = (), track: bool = True,
                run: int = 0, backward: bool = False) -> int | None:
    """Add to ``cuts`` the digit sets that items of a parsed pattern test for, each as (needs, set, places, item):
    the marks of every part around it that must match for its test to count, one of each set in the text (none:
    any text; ``needs`` as given unless ``track``); the most digits of its run that can stand before the tested
    digit (after it, read ``backward``: the items last to first), ``run`` those next to the first item read (see
    _RUNS); and which item of the parse tree and which of its sets. Returns the most places after the items read;
    None for a backreference or an unknown construct. A part that cannot match where its marks are missing fails
    there whatever its digits, and so does each part inside it."""
    def inner(part: Iterable[tuple], at: int, folded: bool = False) -> int | None:
        # Case folding reaches beyond ASCII (K and the Kelvin sign): no claim inside it.
        narrow = track and not folded
        return _digit_cuts(part, cuts, _with_needs(needs, part) if narrow else needs, narrow, at, backward)

    for item in reversed(list(items)) if backward else items:
        op, av = item
        if op in (_sre_c.LITERAL, _sre_c.NOT_LITERAL, _sre_c.IN, _sre_c.ANY):
            tested = _tested_digits(op, av)
            if tested is None:
                return None
            cuts.extend((needs, digits, run, (id(item), i)) for i, digits in enumerate(tested[0]))
            run = min(run + 1, _RUNS) if tested[1] else 0
        elif op is _sre_c.AT:
            continue
        elif op is _sre_c.BRANCH:
            ends = [inner(alt, run) for alt in av[1]]
            run = None if None in ends else max(ends)
        elif op is _sre_c.SUBPATTERN:
            run = inner(av[-1], run, bool(av[1] & _sre_c.SRE_FLAG_IGNORECASE))
        elif op in (_sre_c.ASSERT, _sre_c.ASSERT_NOT):
            # A look-around on the side read already starts after digits that none of it saw.
            read = (av[0] < 0) != backward
            if inner(av[1], _RUNS if read else run) is None:
                return None
            run = 0 if read and _no_digit_next(op, av[1], backward) else run
        elif op is getattr(_sre_c, "ATOMIC_GROUP", None):
            run = inner(av, run)
        elif op in (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT, getattr(_sre_c, "POSSESSIVE_REPEAT", None)):
            run = _repeat_cuts(av, run, inner)
        else:  # a backreference or an unknown construct: digits must stay as they are
            return None
        if run is None:
            return None
    return run


def _no_digit_next(op: int, part: Sequence[tuple], backward: bool) -> bool:
    """Whether a look-around (``op``, its parsed ``part``) on the side read already shows that no ASCII digit stands
    next to where it holds: (?<=:) or (?<!\\w) read forward, (?=\\.) or (?!\\w|\\.\\w) read backward."""
    if op is _sre_c.ASSERT:
        chars, can_be_empty = _first_chars(part if backward else _reversed(part))
        return not can_be_empty and not chars & _DIGITS
    alts = part[0][1][1] if len(part) == 1 and part[0][0] is _sre_c.BRANCH else [part]
    return any(len(alt) == 1 and _every_digit(*alt[0]) for alt in alts)


def _every_digit(op: int, av: Any) -> bool:
    """Whether a parsed item surely matches each ASCII digit (\\w, \\d, \\S, [\\d/], [0-9a-f]), however it is read."""
    if op is not _sre_c.IN or any(cop is _sre_c.NEGATE for cop, _ in av):
        return False
    return any(cop is _sre_c.CATEGORY and cav in _DIGIT_CATEGORIES
               or cop is _sre_c.RANGE and cav[0] <= 0x30 and cav[1] >= 0x39 for cop, cav in av)


_DIGIT_CATEGORIES = (_sre_c.CATEGORY_DIGIT, _sre_c.CATEGORY_WORD, _sre_c.CATEGORY_NOT_SPACE)


def _tested_digits(op: int, av: Any) -> tuple[list[set], bool] | None:
    """The digit sets one character's item of a parsed pattern tests for, and whether it can match an ASCII digit;
    None for an unknown construct."""
    if op is _sre_c.ANY:
        return [], True
    if op is not _sre_c.IN:
        digit = 0x30 <= av <= 0x39
        return ([{av}] if digit else []), digit or op is _sre_c.NOT_LITERAL
    tested, digit = [], False
    for cop, cav in av:
        if cop is _sre_c.LITERAL:
            if 0x30 <= cav <= 0x39:
                tested.append({cav})
                digit = True
        elif cop is _sre_c.RANGE:
            tested.append(set(range(max(cav[0], 0x30), min(cav[1], 0x39) + 1)))
            digit = digit or cav[0] <= 0x39 and cav[1] >= 0x30
        elif cop in (_sre_c.NEGATE, _sre_c.CATEGORY):  # a negated class: may match one
            digit = digit or cop is _sre_c.NEGATE or cav not in _NO_DIGIT_CATEGORIES
        else:
            return None
    return tested, digit


_NO_DIGIT_CATEGORIES = (_sre_c.CATEGORY_NOT_DIGIT, _sre_c.CATEGORY_SPACE, _sre_c.CATEGORY_NOT_WORD,
                        _sre_c.CATEGORY_LINEBREAK)


def _repeat_cuts(av: tuple, run: int, inner: Callable[[Iterable[tuple], int], int | None]) -> int | None:
    """:func:`_digit_cuts` of a repeat (``av``: least and most times, the part), ``inner`` reading its part from
    a number of places: each time may start where the one read before ended."""
    least, most, part = av
    start, end, times = run, run if least == 0 else 0, 0
    while True:
        after = inner(part, start)
        if after is None:
            return None
        end, times = max(end, after), times + 1
        if times >= most or after <= start:  # no later time starts further on in its run
            return end
        start = after


def _with_needs(needs: tuple[frozenset, ...], items: Iterable[tuple]) -> tuple[frozenset, ...]:
    """``needs`` and what the parsed part ``items`` needs (see :func:`_needs`), each set one a text must hold."""
    own = _part_needs(items)
    if own is None or any(_implies(n, own) for n in needs):
        return needs
    return tuple(n for n in needs if not _implies(own, n)) + (own,)


@functools.lru_cache(maxsize=16384)
def _part_needs(items: Iterable[tuple], ignorecase: bool = False) -> frozenset | None:
    """:func:`_needs` of a part of a parsed pattern, held once: a repeat's part is read from several places, and
    the part around it asks for it again (each part of a rule's tree was analysed once per part around it)."""
    return _needs(items, ignorecase)


def _implies(marks: frozenset, other: frozenset) -> bool:
    """Whether a text with one of ``marks`` has one of ``other`` (":" has ":" and ":" next to a digit has too)."""
    return all(m in other or m.replace(_NEXT_TO_DIGIT, "") in other for m in marks)


def _pattern_cuts(pattern: str, track: bool = True, run: int = _RUNS) -> list | None:
    """(needs, digit set, places before, places after) ``pattern`` tests for, its match starting after ``run``
    places of a run (see :func:`_digit_cuts`; the places after only where ``track``, else any); None when it cannot
    be analysed."""
    cuts: list = []
    ends: list = []
    try:
        items = _parsed(pattern)
        if _digit_cuts(items, cuts, _with_needs((), items) if track else (), track, run) is None or \
                track and _digit_cuts(items, ends, (), False, _RUNS, backward=True) is None:
            return None
        after: dict = {}
        for _, _, places, item in ends:  # a repeat's part is read from several places: the most
            after[item] = max(places, after.get(item, 0))
        folded = items.state.flags & _sre_c.SRE_FLAG_IGNORECASE  # (?i) for the whole pattern: no claim
        # A set of no digit or all of them tells none apart.
        return list(dict.fromkeys((() if folded else n, frozenset(c), k, after.get(item, _RUNS))
                                  for n, c, k, item in cuts if 0 < len(c) < 10))
    except Exception:  # noqa: BLE001 - cannot analyse: no canonical form
        return None


def _digit_table(cuts: Iterable) -> bytes:
    """``bytes.translate`` table mapping each ASCII digit to the smallest digit no cut tells from it."""
    classes = [set(range(0x30, 0x3A))]
    for cut in cuts:
        classes = [part for c in classes for part in (c & cut, c - cut) if part]
    table = bytearray(range(256))
    for c in classes:
        for d in c:
            table[d] = min(c)
    return bytes(table)


# A need is a set of marks, one of which is in every text a pattern matches in. A mark is a character, or a
# punctuation character next to a digit: ":\0" is a ":" before one, "\0." a "." after one. A digit there is
# any character a \d can start (an ASCII digit, or a non-ASCII character), so a ":" alone does not call
# every number of "STAN 623939 sent: 60 EUR" apart the way "10:20:30" must be.
_NEXT_TO_DIGIT = "\0"
_DIGITISH = _DIGITS | {_NONASCII}


def _reversed(items) -> Iterator[tuple]:
    """The parsed sequence read backwards, for :func:`_first_chars` (its last characters), an item at a time:
    _first_chars stops at the first one that cannot be empty, and :func:`_needs` asks for the last characters
    before each of a sequence's literals (reading all of them made that quadratic)."""
    for op, av in reversed(items):
        if op is _sre_c.BRANCH:
            av = (av[0], [_reversed(alt) for alt in av[1]])
        elif op is _sre_c.SUBPATTERN:
            av = (*av[:-1], _reversed(av[-1]))
        elif op is getattr(_sre_c, "ATOMIC_GROUP", None):
            av = _reversed(av)
        elif op in (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT, getattr(_sre_c, "POSSESSIVE_REPEAT", None)):
            av = (av[0], av[1], _reversed(av[2]))
        yield op, av


def _next_to_digit(chars: set, after, before) -> set:
    """Marks of punctuation ``chars`` that the parsed sequence ``after`` them starts with a digit (or ``before``
    them ends with one); else ``chars`` themselves."""
    if not chars <= _PUNCT:
        return chars
    for rest, mark in ((after, "{}" + _NEXT_TO_DIGIT), (_reversed(before), _NEXT_TO_DIGIT + "{}")):
        first, can_be_empty = _first_chars(rest)
        if first and not can_be_empty and first <= _DIGITISH:
            return {mark.format(c) for c in chars}
    return chars


def _needs(items, ignorecase: bool = False) -> frozenset | None:
    """Marks (not digits; see _NEXT_TO_DIGIT) one of which is in every text the parsed pattern matches in;
    None if unknown. Fewest marks win, then fewest lone characters."""
    if ignorecase:
        return None  # case folding reaches beyond ASCII (K and the Kelvin sign): no claim
    items = list(items)
    best = None
    for i, (op, av) in enumerate(items):
        got = None
        if op is _sre_c.LITERAL:
            got = _next_to_digit({chr(av)}, items[i + 1:], items[:i])
        elif op is _sre_c.IN and all(cop is _sre_c.LITERAL for cop, _ in av):
            got = _next_to_digit({chr(cav) for _, cav in av}, items[i + 1:], items[:i])
        elif op is _sre_c.SUBPATTERN:
            got = _part_needs(av[-1], bool(av[1] & _sre_c.SRE_FLAG_IGNORECASE))
        elif op is getattr(_sre_c, "ATOMIC_GROUP", None):
            got = _part_needs(av)
        elif op is _sre_c.ASSERT:  # what a look-around needs is in the text too
            got = _part_needs(av[1])
            if av[0] < 0:  # a look-behind's last character is right before what follows it
                last, can_be_empty = _first_chars(_reversed(av[1]))
                marks = _next_to_digit(last, items[i + 1:], [])
                got = marks if not can_be_empty and marks != last else got
        elif op in (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT, getattr(_sre_c, "POSSESSIVE_REPEAT", None)) and av[0] >= 1:
            got = _part_needs(av[2])
        elif op is _sre_c.BRANCH:
            alts = [_part_needs(alt) for alt in av[1]]
            got = None if None in alts else set().union(*alts)
        if got and not got & _DIGITS and (best is None or _rank(got) < _rank(best)):
            best = frozenset(got)
    return best


def _rank(marks) -> tuple[int, int]:
    return len(marks), sum(len(m) == 1 for m in marks)


class _DigitForms:
    """Digit-canonical keys: digits mapped to the smallest digit that the rules able to match cannot tell apart.

    A rule whose match needs a character the text lacks (an IPv4 address a
    "." before a digit) matches nowhere in it, so its digit tests (the octet's
    25[0-5]) do not count there: a text without "." or ":" next to a digit has
    all its digits alike. So do the tests of a part of a rule (an IPv6
    address's dotted tail) where that part's needs are missing, or the needs
    of any part around it (an image's "sha256:" where no "." is). And a test
    counts only at the places in a run of digits where its rule can make it
    (see _RUNS): an octet's 25[0-5] at a run's first three digits.
    """

    def __init__(self, rules: Sequence[MaskRule]) -> None:
        # A rule's match starts after no digit: the combined regex opens with (?<!\w) (see _combined).
        per_rule = [_pattern_cuts(r.pattern, run=0) for r in rules]
        # The combined regex's cuts (are they its rules'?): its frame's and its rules', not read from the regex
        # itself, which holds each rule up to six times (parsing it took most of a masker's start). A rule's
        # digit sets are those read above wherever it could be read (a set is kept whatever the place or needs).
        own = per_rule if None not in per_rule else [_pattern_cuts(r.pattern, track=False) for r in rules]
        parts = [_pattern_cuts(_combined(rules, _stub)[0], track=False)] + own
        full = None if None in parts else [c for cs in parts for _, c, _, _ in cs]
        if full is None or None in per_rule or \
                _digit_table(full) != _digit_table(c for cs in per_rule for _, c, _, _ in cs):
            # The combined regex tests digits beyond its rules: one table from it, at every place.
            self.always, self.guarded, self.needs = None if full is None else [(c, _RUNS, _RUNS) for c in full], [], []
        else:
            self.always, by_needs = [], {}
            for needs, *cut in (nc for cs in per_rule for nc in cs):
                # A need of a non-ASCII mark, left out, keeps the texts in one NumPy pass (see keys).
                needs = frozenset(n for n in needs if all(m.isascii() for m in n)) or frozenset(needs)
                if not needs:
                    self.always.append(tuple(cut))
                else:  # tests possible in the same texts: one guard
                    by_needs.setdefault(needs, []).append(tuple(cut))
            # Each need a bit of a text's flags; a guard, the bits of its needs: it counts where they are all set.
            self.needs = list(dict.fromkeys(tuple(sorted(n)) for needs in by_needs for n in needs))
            self.guarded = [(sum(1 << self.needs.index(tuple(sorted(n))) for n in needs), cuts)
                            for needs, cuts in by_needs.items()]
        self._tables: dict[int, bytes] = {}

    @property
    def useful(self) -> bool:
        """False when no text could have a digit replaced."""
        return self.always is not None and (bool(self.guarded) or
                                            _digit_table(c for c, _, _ in self.always) != _digit_table(()))

    def _table(self, flags: int) -> bytes:
        """Digit table of texts that hold the needs whose bits ``flags`` sets; where a digit's places in its run
        tell tables apart, one per pair of places (before, after), joined, (0, 0) first: there every test counts
        (see _RUNS). Cached."""
        tables = self._tables.get(flags)
        if tables is None:
            cuts = self.always + [cut for bits, cs in self.guarded if flags & bits == bits for cut in cs]
            places = range(_RUNS + 1)
            each = [_digit_table(c for c, most_before, most_after in cuts if most_before >= before
                                 and most_after >= after) for before in places for after in places]
            tables = self._tables[flags] = each[0] if len(set(each)) == 1 else b"".join(each)
        return tables

    def keys(self, texts: list[str]) -> list[bytes]:
        """Canonical UTF-8 key of each text (UTF-8 keeps ASCII digits single bytes; bytes.translate is fast)."""
        joined = "\0".join(texts)
        chars = [m.replace(_NEXT_TO_DIGIT, "") for needs in self.needs for m in needs]
        if texts and len(self.needs) <= 32 and all(c.isascii() and len(c) == 1 for c in chars) \
                and joined.count("\0") == len(texts) - 1:
            return self._joined_keys(texts, joined)
        # A text at a time, each test counting at every place of a run (the first table): sound, less shared.
        needs, table = self.needs, self._table
        return [t.encode("utf-8", "surrogatepass").translate(table(sum(1 << b for b, n in enumerate(needs)
                                                                       if any(_has_mark(t, m) for m in n)))[:256])
                for t in texts]

    def _joined_keys(self, texts: list[str], joined: str) -> list[bytes]:
        """:meth:`keys` of texts given also NUL-joined (none holds a NUL; at most 32 needs, of ASCII characters):
        one NumPy pass finds which needs' marks each text holds, then one translate per digit table (or, where a
        digit's places in its run tell tables apart, one NumPy pass: :func:`_translated`)."""
        data = joined.encode("utf-8", "surrogatepass")
        codes = np.frombuffer(data, dtype=np.uint8)
        dtype = np.uint8 if len(self.needs) <= 8 else np.uint16 if len(self.needs) <= 16 else np.uint32
        bits = np.zeros(256, dtype=dtype)
        # Per byte, the needs whose mark it is; one byte more, for the start of a last text that is empty.
        marked = np.zeros(len(codes) + 1, dtype=dtype)
        digits = None  # which bytes could start a digit, found once for every mark next to one
        for bit, needs in enumerate(self.needs):
            for mark in needs:
                if len(mark) == 1:
                    bits[ord(mark)] |= 1 << bit
                else:
                    digits = _DIGIT_BYTES[codes] if digits is None else digits
                    marked[_marks_at(codes, digits, mark)] |= dtype(1 << bit)
        marked[:-1] |= bits[codes]
        # Each text's marks: the bytes from its start to its NUL, or the end (starts rise: a NUL ends each text).
        flags = np.bitwise_or.reduceat(marked, np.r_[0, np.flatnonzero(codes == 0) + 1])
        kinds: dict[bytes, list[int]] = {}  # texts whose needs differ may take the same tables
        for k in np.unique(flags).tolist():
            kinds.setdefault(self._table(k), []).append(k)
        if len(kinds) == 1:
            return _translated(data, next(iter(kinds)))
        out: list[bytes] = [b""] * len(texts)
        for tables, ks in kinds.items():
            rows = np.flatnonzero(np.isin(flags, ks)).tolist()
            part = "\0".join([texts[i] for i in rows]).encode("utf-8", "surrogatepass")
            for i, key in zip(rows, _translated(part, tables)):
                out[i] = key
        return out


def _translated(data: bytes, tables: bytes) -> list[bytes]:
    """NUL-joined UTF-8 texts' keys: their digits mapped by ``tables`` (:meth:`_DigitForms._table`)."""
    if len(tables) == 256:
        return data.translate(tables).split(b"\0")
    codes = np.frombuffer(data, dtype=np.uint8)
    at = np.flatnonzero((codes >= 0x30) & (codes <= 0x39))
    nth = np.arange(len(at))
    # The first and the last digit of each digit's run.
    first = np.maximum.accumulate(np.where(np.diff(at, prepend=-2) != 1, nth, 0))
    last = np.minimum.accumulate(np.where(np.diff(at, append=len(codes) + 1) != 1, nth, len(at))[::-1])[::-1]
    keys = codes.copy()
    keys[at] = np.frombuffer(tables, dtype=np.uint8).reshape(-1, 256)[
        np.minimum(nth - first, _RUNS) * (_RUNS + 1) + np.minimum(last - nth, _RUNS), codes[at]]
    return keys.tobytes().split(b"\0")


# Bytes a \d can start with in UTF-8: an ASCII digit, or any byte of a non-ASCII character.
_DIGIT_BYTES = np.zeros(256, dtype=bool)
_DIGIT_BYTES[0x30:0x3A] = _DIGIT_BYTES[0x80:] = True


def _marks_at(codes: np.ndarray, digits: np.ndarray, mark: str) -> np.ndarray:
    """Positions in UTF-8 ``codes`` (b,) of a character that ``mark`` puts next to a digit (see _NEXT_TO_DIGIT);
    ``digits`` (b,) bool: the bytes a digit can start with (:data:`_DIGIT_BYTES`)."""
    char = ord(mark.replace(_NEXT_TO_DIGIT, ""))
    if mark[0] == _NEXT_TO_DIGIT:
        return np.flatnonzero((codes[1:] == char) & digits[:-1]) + 1
    return np.flatnonzero((codes[:-1] == char) & digits[1:])


@functools.lru_cache(maxsize=64)
def _mark_search(mark: str):
    char = re.escape(mark.replace(_NEXT_TO_DIGIT, ""))
    digit = "[0-9\x80-\U0010ffff]"
    return re.compile(digit + char if mark[0] == _NEXT_TO_DIGIT else char + digit).search


def _has_mark(text: str, mark: str) -> bool:
    """Whether ``text`` holds ``mark`` (a character, or one next to a digit)."""
    return mark in text if len(mark) == 1 else _mark_search(mark)(text) is not None


@functools.lru_cache(maxsize=16)
def _digit_forms(rules: tuple[MaskRule, ...]) -> _DigitForms:
    """The rules' :class:`_DigitForms`, analysed once per process: reading every rule's parse tree takes tens of
    milliseconds, and a Masker is made per file read and per miner (most of parsing a small log went to it)."""
    return _DigitForms(rules)


_ANY_DIGIT = re.compile("[0-9]").search
# Masked forms a Masker keeps between calls of mask_many (the distinct messages of a few chunks).
_MAX_FORMS = 200_000


def _apply(text: str, spans: tuple) -> str:
    """``text`` with each (start, end, placeholder) span replaced by its placeholder."""
    pieces, pos = [], 0
    for start, end, placeholder in spans:
        pieces += (text[pos:start], text[start:end] if placeholder is None else placeholder)
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)


class Masker:
    """Apply ordered :class:`MaskRule` s to messages in one regex pass.

    Parameters
    ----------
    rules : sequence of MaskRule, default DEFAULT_RULES
        Earlier rules win when two could match at the same position.
    """

    def __init__(self, rules: Sequence[MaskRule] = DEFAULT_RULES) -> None:
        self.rules: tuple[MaskRule, ...] = tuple(rules)
        names = [r.name for r in self.rules]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate rule names in {names}")
        self._regex, placeholders = _compile(self.rules)
        # Group number -> placeholder; a rule that sits in several gated
        # groups has one capturing group in each.
        lookup = placeholders.__getitem__
        self._replace = lambda m: m.group() if (p := lookup(m.lastindex)) is None else p
        self._sub = self._regex.sub if self._regex is not None else None
        self._placeholders = placeholders
        # A digit in a placeholder would hide digits left unmasked (see _masked_form).
        forms = _digit_forms(self.rules) if self._regex is not None else None
        self._digits = (forms if forms is not None and forms.useful
                        and not any(p and _ANY_DIGIT(p) for p in placeholders.values()) else None)
        self._forms: dict[bytes, str | tuple] = {}

    def mask(self, text: str) -> str:
        """Masked copy of one message."""
        if self._sub is None:
            return text
        return self._sub(self._replace, text)

    __call__ = mask

    def mask_many(self, texts: Iterable[str]) -> list[str]:
        """Masked copies of n messages (list of n); each distinct text is masked once."""
        if self._sub is None:
            return list(texts)
        if self._digits is None:
            sub, replace = self._sub, self._replace
            cache: dict[str, str] = {}
            return [cache[t] if t in cache else cache.setdefault(t, sub(replace, t)) for t in texts]
        texts = texts if isinstance(texts, list) else list(texts)
        masked_form = self._masked_form
        # The key keeps every character but digits, so keys of texts that took different tables differ.
        keys = self._digits.keys(texts)
        # Forms of earlier calls (the chunks before) are kept, up to a bound on memory.
        forms = self._forms if len(self._forms) < _MAX_FORMS else {}
        distinct = dict.fromkeys(keys)
        for k in distinct:
            if k not in forms:
                forms[k] = masked_form(k.decode("utf-8", "surrogatepass"))
        self._forms = forms
        out = list(map(forms.__getitem__, keys))
        if all(forms[k].__class__ is str for k in distinct):
            return out
        return [f if f.__class__ is str else _apply(t, f) for t, f in zip(texts, out)]

    def _masked_form(self, key: str) -> str | tuple:
        """Masked ``key`` if no digit of it is left unmasked, else its matches as (start, end, placeholder)."""
        # One regex pass: the spans give the masked text, and are what is kept when digits are left.
        lookup = self._placeholders.__getitem__
        spans = tuple([(m.start(), m.end(), lookup(m.lastindex)) for m in self._regex.finditer(key)])
        masked = _apply(key, spans)
        return masked if _ANY_DIGIT(masked) is None else spans

    # --- variants -------------------------------------------------------------

    @property
    def names(self) -> list[str]:
        """Rule names in priority order."""
        return [r.name for r in self.rules]

    def with_rule(self, rule: MaskRule, before: str | None = None) -> "Masker":
        """New Masker with ``rule`` inserted before the rule named ``before`` (default: first).

        A rule with the same name is replaced. First by default because an
        added rule is usually more specific than the built-in ones.
        """
        rules = [r for r in self.rules if r.name != rule.name]
        names = [r.name for r in rules]
        if before is not None and before not in names:
            raise KeyError(f"no rule named {before!r}; have {names}")
        rules.insert(0 if before is None else names.index(before), rule)
        return Masker(rules)

    def with_rule_last(self, rule: MaskRule) -> "Masker":
        """New Masker with ``rule`` at the end (lowest priority); a same-named rule is replaced."""
        return Masker([r for r in self.rules if r.name != rule.name] + [rule])

    def without(self, *names: str) -> "Masker":
        """New Masker without the named rules (KeyError for an unknown name)."""
        unknown = sorted(set(names) - set(self.names))
        if unknown:
            raise KeyError(f"no rules named {unknown}; have {self.names}")
        return Masker([r for r in self.rules if r.name not in names])

    def reordered(self, names: Iterable[str]) -> "Masker":
        """New Masker with the named rules first, in that order, then the others as before."""
        names = list(names)
        by_name = {r.name: r for r in self.rules}
        unknown = [n for n in names if n not in by_name]
        if unknown:
            raise KeyError(f"no rules named {unknown}; have {self.names}")
        return Masker([by_name[n] for n in names] + [r for r in self.rules if r.name not in names])

    # --- persistence ----------------------------------------------------------

    def to_dict(self) -> dict:
        """JSON-ready ``{"rules": [{"name", "pattern", "placeholder", "plain_words"}, ...]}``."""
        return {"rules": [{"name": r.name, "pattern": r.pattern, "placeholder": r.placeholder,
                           "plain_words": r.plain_words} for r in self.rules]}

    @classmethod
    def from_dict(cls, data: Mapping) -> "Masker":
        """Inverse of :meth:`to_dict` (``plain_words`` may be missing: True)."""
        return cls([MaskRule(str(r["name"]), str(r["pattern"]), None if r["placeholder"] is None
                             else str(r["placeholder"]), bool(r.get("plain_words", True))) for r in data["rules"]])

    def to_json(self) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), indent=1)

    @classmethod
    def from_json(cls, text: str) -> "Masker":
        """Inverse of :meth:`to_json`."""
        return cls.from_dict(json.loads(text))

    def __reduce__(self) -> tuple:
        # Pickled as its rules; the compiled regex and its replacement closure are rebuilt.
        return type(self), (self.rules,)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Masker) and self.rules == other.rules

    def __hash__(self) -> int:
        return hash(self.rules)

    def __repr__(self) -> str:
        return f"Masker({', '.join(self.names)})"


_DEFAULT: Masker | None = None


def mask(text: str) -> str:
    """Mask one message with the default rules."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Masker()
    return _DEFAULT.mask(text)
