"""Replace the variable parts of log messages with typed placeholders.

A :class:`Masker` holds an ordered tuple of :class:`MaskRule`. All rules are
compiled into ONE alternation regex with a named group per rule and applied in
a single ``re.sub`` pass. drain3's ``MaskingInstruction`` runs one ``re.sub``
per rule, which is several times slower and lets a later rule re-mask text
that an earlier rule produced (e.g. a number rule eating the ``6`` of
``<IPV6>``); the single pass avoids both.

Semantics:

* Matching is leftmost-first: at a given position the earliest rule in the
  order that matches wins, so rule order is priority (put specific rules
  before general ones).
* A match may only start at a token boundary (not right after a letter, digit
  or ``_``), so ``ipv4`` and ``ssh2`` stay intact and numbers are masked only
  as whole tokens; ``HTTP/1.1`` becomes ``HTTP/<NUM>`` because ``/`` is a
  boundary.
* Placeholders are ``<NAME>`` (letters only) and no default rule matches
  them, so masking is idempotent: ``mask(mask(s)) == mask(s)``.
* ``key=value``: a value that a typed rule recognises keeps its type
  (``uid=<NUM>``, ``rhost=<IP>``); any other non-empty value becomes
  ``<VAL>`` (``user=<VAL>``); empty values stay empty (``ruser=``).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

__all__ = ["MaskRule", "DEFAULT_RULES", "Masker", "mask"]


@dataclass(frozen=True)
class MaskRule:
    """One masking rule: spans matching ``pattern`` become ``placeholder``.

    Parameters
    ----------
    name : str
        Unique identifier (letters, digits, ``_``); used by :meth:`Masker.without`.
    pattern : str
        Python regex. Use non-capturing groups only (``(?:...)``): the
        rule is embedded as one named group of a bigger regex.
    placeholder : str
        Replacement text, e.g. ``"<NUM>"``.
    """

    name: str
    pattern: str
    placeholder: str

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", self.name):
            raise ValueError(f"rule name {self.name!r} must be an identifier")
        compiled = re.compile(self.pattern)  # raises re.error early, with the rule at hand
        if compiled.groups:
            raise ValueError(f"rule {self.name!r}: use (?:...) instead of capturing groups")
        if compiled.match(""):
            raise ValueError(f"rule {self.name!r} matches the empty string")


_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)"
_WDAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
_HMS = r"\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?"
_TZ = r"(?:\s?(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT))?"
_H4 = r"[0-9A-Fa-f]{1,4}"
_V4 = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}"
_V6 = (
    rf"(?:(?:{_H4}:){{7}}{_H4}"  # full form
    rf"|(?:{_H4}:){{1,7}}:(?:{_H4}(?::{_H4}){{0,5}})?"  # a::b, a:b::, ...
    rf"|::(?:{_H4}(?::{_H4}){{0,6}})?)"  # ::1, ::
    rf"(?:(?<=:){_V4})?"  # ::ffff:1.2.3.4
)
_END = r"(?![\w])"  # the variable must end where its token does
_UNIT_SIZE = r"(?:[KMGTPE]i?B|[KMGTPE]|kB|[kKmMgG]b|B)"
_UNIT_TIME = (
    r"(?:ns|us|\u00b5s|ms|s|secs?|seconds?|mins?|minutes?|h|hrs?|hours?|days?"
    r"|nanoseconds?|microseconds?|milliseconds?)"
)

DEFAULT_RULES: tuple[MaskRule, ...] = (
    # Structured, unambiguous shapes first: they contain digits, dots and
    # colons that the NUM/IP rules would otherwise split into pieces.
    MaskRule("url", r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s'\"<>]+", "<URL>"),
    MaskRule("uuid", r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}" + _END, "<UUID>"),
    MaskRule(
        "datetime",
        rf"(?:\d{{4}}-\d{{2}}-\d{{2}}(?:[T ]{_HMS})?{_TZ}"  # ISO 8601
        rf"|(?:{_WDAY},?\s+)?{_MONTH}\s+\d{{1,2}},?\s+(?:\d{{4}}\s+)?{_HMS}(?:\s+\d{{4}})?"  # ctime/syslog
        rf"|\d{{1,2}}/(?:\d{{1,2}}|{_MONTH})/\d{{2,4}}(?:[: ]{_HMS}|\s\d{{1,2}}:\d{{2}})?"  # 06/10/2013 17:26
        rf"|{_HMS}{_TZ})" + _END,  # bare time of day
        "<DATETIME>",
    ),
    MaskRule("mac", r"(?:[0-9A-Fa-f]{2}[:\-]){5}[0-9A-Fa-f]{2}" + _END, "<MAC>"),
    MaskRule("ipv6", rf"\[?{_V6}\]?(?::\d{{1,5}})?(?![\w:.])", "<IP>"),
    MaskRule("ipv4", rf"{_V4}(?::\d{{1,5}})?" + _END, "<IP>"),
    MaskRule("blk", r"blk_-?\d+" + _END, "<BLK>"),
    MaskRule("hex", r"0[xX][0-9A-Fa-f]+" + _END, "<HEX>"),
    # Bare hex strings only when long and mixing digits with a-f, so English
    # words ("deadbeef" aside) and plain numbers are left to other rules.
    MaskRule("hexstr", r"(?=[0-9A-Fa-f]*[A-Fa-f])(?=[0-9A-Fa-f]*\d)[0-9A-Fa-f]{8,}" + _END, "<HEX>"),
    MaskRule("size", rf"[-+]?\d+(?:\.\d+)?(?:\s?{_UNIT_SIZE})" + _END, "<SIZE>"),
    MaskRule("duration", rf"[-+]?\d+(?:\.\d+)?\s?{_UNIT_TIME}" + _END, "<DURATION>"),
    # Absolute paths need two segments so "/10.0.0.1:80" (an address) and a
    # lone "/" stay out; Windows drive paths too.
    MaskRule("path", r"(?:~|\.{1,2})?(?:/[\w.\-@%+~=]+){2,}/?|[A-Za-z]:\\[^\s'\"<>]+", "<PATH>"),
    # FQDN: labels ending in a known top-level domain. A TLD list (instead of
    # any last label) keeps Java class names like org.apache.X out.
    MaskRule(
        "host",
        r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+"
        r"(?:com|net|org|edu|gov|mil|int|io|info|biz|local|localdomain|internal|lan|corp|home|arpa"
        r"|cn|de|uk|jp|fr|ru|br|in|it|nl|kr|au|ca|es|se|ch|pl|tw|hk|eu|us)" + _END,
        "<HOST>",
    ),
    # Identifiers that join a word and a number with _ or - (attempt_1445_0020_m_0,
    # rdd_2_3, msra-sa-41, part-00000): the number makes the whole token an instance.
    MaskRule("ident", r"[A-Za-z][A-Za-z0-9]*(?:[_\-][A-Za-z0-9]+)*[_\-]\d\w*(?:[.\-]\w+)*" + _END, "<ID>"),
    MaskRule("num", r"[-+]?\d+(?:\.\d+)*" + _END, "<NUM>"),
    # Last: whatever value of key=value the typed rules above did not claim.
    MaskRule("kv", r"(?<=[\w\]]=)(?!<[A-Z]+>)[^\s,;&'\"()\[\]{}<>]+", "<VAL>"),
)


class Masker:
    """Apply ordered :class:`MaskRule`s to messages in one regex pass.

    Parameters
    ----------
    rules : sequence of MaskRule, default DEFAULT_RULES
        Earlier rules win when two could start at the same position.
    """

    def __init__(self, rules: Sequence[MaskRule] = DEFAULT_RULES) -> None:
        self.rules: tuple[MaskRule, ...] = tuple(rules)
        names = [r.name for r in self.rules]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate rule names in {names}")
        if self.rules:
            # (?<!\w): a variable never starts inside a word; checking this
            # once up front also makes the scan skip mid-word positions fast.
            body = "|".join(f"(?P<{r.name}>{r.pattern})" for r in self.rules)
            self._regex: re.Pattern | None = re.compile(rf"(?<!\w)(?:{body})")
            # group index -> placeholder; lastindex names the rule that matched
            self._by_group = {self._regex.groupindex[r.name]: r.placeholder for r in self.rules}
        else:
            self._regex = None
            self._by_group = {}
        self._sub = self._regex.sub if self._regex is not None else None
        by_group = self._by_group
        self._replace = lambda m: by_group[m.lastindex]

    def mask(self, text: str) -> str:
        """Masked copy of one message."""
        if self._sub is None:
            return text
        return self._sub(self._replace, text)

    def mask_many(self, texts: Sequence[str]) -> list[str]:
        """Masked copies of n messages (list of n); each distinct text is masked once."""
        cache: dict[str, str] = {}
        sub, replace = self._sub, self._replace
        if sub is None:
            return list(texts)
        out = []
        append = out.append
        for t in texts:
            m = cache.get(t)
            if m is None:
                m = cache[t] = sub(replace, t)
            append(m)
        return out

    __call__ = mask

    # --- building variants -------------------------------------------------

    @property
    def names(self) -> list[str]:
        """Rule names in priority order."""
        return [r.name for r in self.rules]

    def with_rule(self, rule: MaskRule, before: str | None = None) -> "Masker":
        """New Masker with ``rule`` inserted before rule ``before`` (default: first).

        A rule of the same name is replaced. Rules go first by default because
        user rules are usually more specific than the built-in ones.
        """
        rules = [r for r in self.rules if r.name != rule.name]
        if before is None:
            idx = 0
        else:
            names = [r.name for r in rules]
            if before not in names:
                raise KeyError(f"no rule named {before!r}; have {names}")
            idx = names.index(before)
        rules.insert(idx, rule)
        return Masker(rules)

    def with_rule_last(self, rule: MaskRule) -> "Masker":
        """New Masker with ``rule`` appended (lowest priority)."""
        return Masker([r for r in self.rules if r.name != rule.name] + [rule])

    def without(self, *names: str) -> "Masker":
        """New Masker without the named rules (KeyError for unknown names)."""
        unknown = set(names) - set(self.names)
        if unknown:
            raise KeyError(f"no rules named {sorted(unknown)}; have {self.names}")
        return Masker([r for r in self.rules if r.name not in names])

    def reordered(self, names: Iterable[str]) -> "Masker":
        """New Masker with the named rules first, in the given order, then the rest."""
        names = list(names)
        by_name = {r.name: r for r in self.rules}
        missing = [n for n in names if n not in by_name]
        if missing:
            raise KeyError(f"no rules named {missing}; have {self.names}")
        return Masker([by_name[n] for n in names] + [r for r in self.rules if r.name not in names])

    # --- persistence -------------------------------------------------------

    def to_dict(self) -> dict:
        """JSON-ready ``{"rules": [{"name", "pattern", "placeholder"}, ...]}``."""
        return {"rules": [{"name": r.name, "pattern": r.pattern, "placeholder": r.placeholder} for r in self.rules]}

    @classmethod
    def from_dict(cls, data: Mapping) -> "Masker":
        """Inverse of :meth:`to_dict`."""
        return cls([MaskRule(str(r["name"]), str(r["pattern"]), str(r["placeholder"])) for r in data["rules"]])

    def to_json(self) -> str:
        """:meth:`to_dict` as a JSON string."""
        return json.dumps(self.to_dict(), indent=1)

    @classmethod
    def from_json(cls, text: str) -> "Masker":
        """Inverse of :meth:`to_json`."""
        return cls.from_dict(json.loads(text))

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
