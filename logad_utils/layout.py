"""Infer the layout of a log nobody described, as Elasticsearch's ``find_structure`` does.

Text lines: find the timestamp (ISO 8601, syslog, ctime, epoch seconds or
milliseconds, ``dd/Mon/yyyy:HH:MM:SS``, ``dd-Mon-yyyy``, compact ``yyMMdd HHmmss``
or ``yyyyMMdd-HH:MM:SS``, ``MM-dd HH:MM:SS``, with or without year, fraction or
zone) at the same token position on most lines, then read the header after it
element by element: a level word (bare or bracketed), a bracketed field, a
``|``-delimited cell, a ``-``/``->``/``=>``/``,``/``:``/``>``/``|`` separator, a lone symbol that
takes turns with others (a level mark such as Redis' ``.``/``*``/``#``), a word, and a
``component[pid]:`` (or macOS's ``component[pid] (subsystem):``) that ends the header. A level word may also come before
the timestamp, or share the bracket the timestamp opens (``[time LEVEL module]``). The elements that sit at the same
place on most lines make the header; the rest of the line is the message.
The result is a :class:`~logad_utils.formats.LogFormat` in Loghub notation
(``<Date> <Time> <Level> <Component>: <Content>``) that a user can copy.

JSON and logfmt lines: the message, timestamp, level and logger keys are
found among common names (pino, bunyan, zap, logrus, ECS, ...), or for the
timestamp and level by their values; the other keys become fields.
Delimited lines (CSV, TSV, ``;`` or ``|`` separated, as tools export them):
the same, with the columns named by a header line when the file has one.
"""
from __future__ import annotations

import csv
import dataclasses
import itertools
import json
import re
import string
from collections import Counter
from dataclasses import dataclass, replace
from typing import Callable, NamedTuple, Sequence

import numpy as np
import pandas as pd

from .formats import (IMPLIED_LEVELS, LEVEL_LETTERS, LEVELS_RE, MESSAGE_KEYS, MESSAGE_NAMES, SEVERITY, STATUS_KEYS,
                      VERBOSITY_KEY, VERBOSITY_LEVELS, ZONE_NAMES, ZONE_RE, LogFormat, column_name, http_status_class,
                      is_status_key, level_name, parse_timestamps)
from .regexes import LazyRegex
from .masking import gated

__all__ = ["infer_text_format", "infer_structured_format", "infer_delimited_format", "parse_delimited",
           "starts_with_timestamp",
           "MESSAGE_KEYS", "TIME_KEYS", "LEVEL_KEYS", "LOGGER_KEYS", "STATUS_KEYS", "infer_directive_format",
           "infer_named_columns",
           "split_plain", "plain_cells"]

# Share of the sampled lines an element must hold at its place to join the header.
HEADER_SHARE = 0.8
# Lines a header element must be seen on, to be an optional one where the other lines lack it.
_OPTIONAL_SHARE = 0.05
# Level words on this share of the lines at least make the capitalised words beside them a program's own levels
# ("Perf:" beside "Info:"); an occasional "Error:" in a subsystem's place ("Database: query: ...") does not.
_LEVEL_WORDS_SHARE = 0.25
# Share of lines a timestamp layout must match for the file to have one.
MIN_TIME_SHARE = 0.3
_MAX_TIME_TOKEN = 4  # the timestamp starts within the first tokens of a header
_MAX_ELEMENTS = 10
# Brackets may go on past it, as a header of many context fields writes them ("[INFO] [main] [req=1] [user=u] ..."),
# up to this many elements in all; words past it are the message's.
_MAX_BRACKETED = 20
_NEXT_BRACKET = re.compile(r"\s*\[")
# Words a name written with spaces adds before the level ("AsyncLocalizer Cleanup [INFO]" beside "main [INFO]").
_MAX_RUN = 3
_MIN_NAMED_LINES = 50  # lines with a component's name, to judge whether its names repeat
# Distinct names per line above which the names are values: a program's parts each write many lines (at most
# 0.18 in the program logs), files a message names a few (rclone 0.43 to 0.51 by sample, whose every file three
# lines would be 0.33).
_DISTINCT_SHARE = 0.25
_MIN_PARTS = 3  # names in a bracket column, to tell a program's parts from its one thread ("[main]")
_SEARCH_CHARS = 120

_MONTH_ABBR = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_MONTH = _MONTH_ABBR + r"[a-z]*\.?"
_WEEKDAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
_CLOCK = r"\d{1,2}:\d\d:\d\d(?:[.,]\d{1,9})?"
_CLOCK12 = r"(?:0?[1-9]|1[0-2]):\d\d:\d\d(?:[.,]\d{1,9})?"
_OFFSET_RE = r"(?:Z|[+-]\d\d:?\d\d)"
_CLOCK_FORMATS = ("%H:%M:%S", "%H:%M:%S.%f", "%H:%M:%S,%f")


@dataclass(frozen=True)
class _Part:
    """One whitespace-separated piece of a timestamp: field name, regex, candidate strptime formats."""

    name: str
    regex: str
    formats: tuple[str, ...]


def _dates(order: Sequence[str]) -> tuple[str, ...]:
    return tuple(s.join(order) for s in "-/.")


_WEEKDAY_P = _Part("Weekday", _WEEKDAY, ("%a",))
_WEEKDAY_COMMA_P = _Part("Weekday", _WEEKDAY + ",", ("%a,",))  # RFC 1123 / HTTP dates, JavaScript's toUTCString()
_MONTH_P = _Part("Month", _MONTH, ("%b",))
# Only the abbreviation, which %b reads: a newer layout must not win lines ("16 January 08:50:00") whose clock the
# layouts before it read.
_MONTH_ABBR_P = _Part("Month", _MONTH_ABBR, ("%b",))
_DAY_P = _Part("Day", r"\d{1,2}", ("%d",))
_DAY_COMMA_P = _Part("Day", r"\d{1,2},", ("%d,",))  # "Mar 5, 2024", as java.util.logging writes it
# A weekday's whole name and a comma, and a day glued to its year by a comma, as home routers date their event logs
# ("Saturday, Jan 13,2024 06:41:02").
_WEEKDAY_NAME_COMMA_P = _Part("Weekday", r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,", ("%A,",))
_DAY_YEAR_P = _Part("Day", r"\d{1,2},\d{4}", ("%d,%Y",))
_YEAR_P = _Part("Year", r"\d{4}", ("%Y",))
_TIME_P = _Part("Time", _CLOCK, _CLOCK_FORMATS)
# A 12-hour clock ("2:07:09 PM") is read with its half of the day. Its AM/PM is a field of its own, so that a copied
# pattern cannot read it as the level; only hours 1-12 qualify, so "14:07:09 AM ..." (YARN's AM) stays 24-hour.
_TIME12_P = _Part("Time", _CLOCK12, tuple(f.replace("%H", "%I") for f in _CLOCK_FORMATS))
_AMPM_P = _Part("AmPm", r"[AaPp][Mm]", ("%p",))
# Go's time.Kitchen ("3:04PM"), zerolog's console default.
_KITCHEN_P = _Part("Time", r"(?:0?[1-9]|1[0-2]):\d\d[AaPp][Mm]", ("%I:%M%p",))
_ZONE_P = _Part("Zone", ZONE_RE, ("%z", "%Z"))
# A zone's name may open the time, before its date, as Monit writes it ("[CEST Apr  1 06:34:56]"): a name only, as
# an offset there would be any signed number.
_ZONE_FIRST_P = _Part("Zone", "(?:" + ZONE_NAMES + ")", ("%Z",))
_YMD_P = _Part("Date", r"\d{4}[-/.]\d\d[-/.]\d\d", _dates(("%Y", "%m", "%d")))
_YMD_COMMA_P = _Part("Date", r"\d{4}-\d\d-\d\d,", ("%Y-%m-%d,",))  # Airflow's "[2026-12-03, 09:50:50 UTC]"


def _day_month(year: str) -> tuple[str, ...]:
    """Day-month orders with ``year`` last; where both parse, slashes read month first (the US habit), dashes and
    dots day first."""
    return ("%m/%d/" + year, "%d-%m-" + year, "%d.%m." + year, "%d/%m/" + year, "%m-%d-" + year, "%m.%d." + year)


# Day and month of one digit with a four-digit year: Windows writes "12/1/2026 10:00:05 AM" ("1.4.22" is a version).
_SHORT_DATE_P = _Part("Date", r"\d{1,2}[-/.]\d{1,2}[-/.]\d{4}|\d\d[-/.]\d\d[-/.]\d\d",
                      _dates(("%y", "%m", "%d")) + _day_month("%y") + _day_month("%Y"))
# A short date before a comma, as JavaScript's toLocaleString() writes it ("3/7/2024, 8:59:40 AM"; NestJS' logger).
_SHORT_DATE_COMMA_P = _Part("Date", r"\d{1,2}[-/.]\d{1,2}[-/.]\d{4},", tuple(f + "," for f in _day_month("%Y")))
# A US date with a two-digit year and a one-digit month or day ("1/5/26 10:00:00"): a year is never one digit, so
# the year is last; slashes only ("1.4.22" is a version).
_US_SHORT_DATE_P = _Part("Date", r"(?:\d/\d{1,2}|\d\d/\d)/\d\d", ("%m/%d/%y", "%d/%m/%y"))
# IBM WebSphere's "[3/5/24, 7:41:12:017 UTC]" (Java's short date, a comma after it in newer JDKs): its clock holds
# milliseconds after a colon, read only after such a date ("10:00:00:123" alone may be a clock and a count).
_SLASHED_SHORT_DATE_P = _Part("Date", r"\d{1,2}/\d{1,2}/\d\d,?",
                              tuple(f + c for c in (",", "") for f in ("%m/%d/%y", "%d/%m/%y")))
_COLON_MS_TIME_P = _Part("Time", r"\d{1,2}:\d\d:\d\d:\d{3}", ("%H:%M:%S:%f",))


def _piped(date: _Part) -> _Part:
    """A date that ends its cell of a pipe table, the clock in the next ("06/19/2023 | 14:03:51", ipmitool's event
    list): the pipe between them is part of the date, so that the two read as one time."""
    return _Part("Date", f"(?:{date.regex})" + r" \|", tuple(f + " |" for f in date.formats))


def _dashed(date: _Part) -> _Part:
    """A date that a spaced dash parts from its clock ("03/10/2024 - 20:41:07", the Source engine's server log): the
    dash is part of the date, so that the two read as one time."""
    return _Part("Date", f"(?:{date.regex})" + r" -", tuple(f + " -" for f in date.formats))


# Day and month without a year (Android logcat "03-05", bracketed "[03.05 ...]").
_MONTH_DAY_P = _Part("Date", r"\d\d[-/.]\d\d", ("%m-%d", "%m/%d", "%m.%d"))
# The month's name capitalized, in capitals, as Oracle writes its dates ("12-MAR-2024"), or in lower case
# ("12-mar-2024"); %b reads each. The digits around it keep a lower-case word ("may") of prose out.
_DAY_MON_YEAR_P = _Part("Date", r"\d{1,2}[-/](?:[A-Z][a-z]{2}|" + _MONTH_ABBR.upper() + "|" + _MONTH_ABBR.lower()
                        + r")[-/]\d{4}",
                        ("%d-%b-%Y", "%d/%b/%Y"))
# Day and month name without a year (Bacula's "05-Mar 08:59"): a month's name makes its clock a clock, seconds or not.
_DAY_MON_P = _Part("Date", r"\d{1,2}-" + _MONTH_ABBR, ("%d-%b",))
# A clock without seconds: in a line of text only after a month's name ("1.4.22 10:00" may be a version and a
# time); as a whole value, anywhere (see _VALUE_LAYOUTS).
_HM_P = _Part("Time", r"\d{1,2}:\d\d", ("%H:%M",))
# A clock with an "h" after its hours and a point before its seconds, as gvm-libs (Greenbone's gvmd, ospd) writes
# it: "2024-04-02 05h58.12 UTC". Read as any form pandas knows, 58.12 became minutes, 05:58:07.
_H_CLOCK_P = _Part("Time", r"\d\dh\d\d\.\d\d", ("%Hh%M.%S",))
# ISO 8601's extended form, and its basic one (20240311T080007Z, as in signed cloud requests).
# The basic form's month, day and clock are bounded: 98765432T123456 is an id.
_MONTH_DAY_DIGITS = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_CLOCK_DIGITS = r"(?:[01]\d|2[0-3])[0-5]\d[0-5]\d"
_ISO_BASIC = r"\d{4}" + _MONTH_DAY_DIGITS + "T" + _CLOCK_DIGITS
_ISO_P = _Part("Timestamp", r"(?:\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:[.,]\d{1,9})?)?|" + _ISO_BASIC
               + r"(?:[.,]\d{1,9})?)" + _OFFSET_RE + "?", ("ISO8601",))
# The Common Log Format's time, a fraction after its seconds or not: 389 Directory Server's access log writes
# nanoseconds ("[19/Mar/2024:08:14:02.121576980 +0100]"), Apache's %{msec_frac}t milliseconds; pandas' %S reads
# a fraction.
_CLF_P = _Part("Timestamp", r"\d{1,2}/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d(?:\.\d{1,9})?", ("%d/%b/%Y:%H:%M:%S",))
# A date and a clock written with points joined by a dash: DB2's "2024-03-05-14.07.09.123456", and Unreal Engine's
# "2024.06.08-18.22.01:730" (every game built on it), its milliseconds after a colon.
_DB2_P = _Part("Timestamp", r"\d{4}(?:-\d\d-\d\d|\.\d\d\.\d\d)-\d\d\.\d\d\.\d\d(?:\.\d{1,6}|:\d{3})?",
               ("%Y-%m-%d-%H.%M.%S.%f", "%Y.%m.%d-%H.%M.%S:%f", "%Y.%m.%d-%H.%M.%S"))
# Compact date and time in one token, the fraction after a colon or a point ("20240305-14:07:09:123").
_COMPACT_P = _Part("Timestamp", r"\d{8}-\d\d:\d\d:\d\d(?:[:.]\d{1,6})?",
                   ("%Y%m%d-%H:%M:%S:%f", "%Y%m%d-%H:%M:%S.%f", "%Y%m%d-%H:%M:%S"))
# A short date and a clock joined by a dash, with or without a year, as intrusion detectors' alert logs write them
# ("03/11/2024-09:16:08.436556", "03/11-09:16:08.436556"), or the year first, as SAN switches' error logs do
# ("2024/02/27-06:35:52,"), or with colons, as Sophos UTM's firewall writes it ("2024:02:19-13:58:05").
_DASHED_P = _Part("Timestamp", r"(?:\d\d/\d\d/\d{4}|\d{4}/\d\d/\d\d|\d{4}:\d\d:\d\d)-\d\d:\d\d:\d\d(?:\.\d{1,9})?",
                  tuple(f"{d}-%H:%M:%S{f}" for d in ("%m/%d/%Y", "%d/%m/%Y", "%Y/%m/%d", "%Y:%m:%d")
                        for f in (".%f", "")))
_DASHED_SHORT_P = _Part("Timestamp", r"\d\d/\d\d-\d\d:\d\d:\d\d(?:\.\d{1,9})?",
                        tuple(f"{d}-%H:%M:%S{f}" for d in ("%m/%d", "%d/%m") for f in (".%f", "")))
# A date and a clock joined by a pipe, the year left out or not, as Go's log15 writes its terminal lines
# ("INFO [03-05|13:58:44.512] ...", go-ethereum's and its forks').
_PIPED_P = _Part("Timestamp", r"(?:\d{4}-)?\d\d-\d\d\|\d\d:\d\d:\d\d(?:\.\d{1,9})?",
                 tuple(f"{d}|%H:%M:%S{f}" for d in ("%m-%d", "%Y-%m-%d") for f in (".%f", "")))
# An ISO date and a clock joined by an underscore, as shell scripts' file-safe stamps (``date +%F_%T``) and some
# storage daemons write them ("2024-01-15_09:42:07.318+0100"), a fraction and a UTC offset or not.
_UNDERSCORED_P = _Part("Timestamp", r"\d{4}-\d\d-\d\d_\d\d:\d\d:\d\d(?:\.\d{1,9})?" + _OFFSET_RE + "?",
                       tuple(f"%Y-%m-%d_%H:%M:%S{f}{z}" for f in (".%f", "") for z in ("%z", "")))
# A compact date beside a clock ("20240211 09:30:15", MySQL 5's "240211 09:30:15"). A part each: pandas reads
# "240211" as %Y%m%d too (2402-01-01).
_COMPACT_DATE_P = _Part("Date", r"\d{4}" + _MONTH_DAY_DIGITS, ("%Y%m%d",))
_COMPACT_SHORT_DATE_P = _Part("Date", r"\d\d" + _MONTH_DAY_DIGITS, ("%y%m%d",))
# An ordinal date, the year and the day of the year, beside a clock: IBM mainframes' "24015 05:58:12.41" (z/OS'
# SYSLOG, JES and SMF write them), with a four-digit year "2024015".
_ORDINAL_DATE_P = _Part("Date", r"(?:\d\d){1,2}(?:00[1-9]|0[1-9]\d|[12]\d\d|3[0-5]\d|36[0-6])", ("%y%j", "%Y%j"))
# glog's month and day, only where a level letter is glued before them ("I0219 10:00:00.123456"): a number of four
# digits before a clock is no date elsewhere.
_GLOG_DATE_P = _Part("Date", _MONTH_DAY_DIGITS, ("%m%d",))
# A compact date and clock joined by a colon ("20240211:093015.123"); a field may be glued before it by a colon too.
_COLON_COMPACT_P = _Part("Timestamp", r"\d{4}" + _MONTH_DAY_DIGITS + ":" + _CLOCK_DIGITS + r"(?:\.\d{1,6})?",
                         ("%Y%m%d:%H%M%S.%f", "%Y%m%d:%H%M%S"))
# Unix time in seconds (2001-2033), with a fraction, or in milli-, micro- or nanoseconds, as JSON lines read them.
_EPOCH_P = _Part("Timestamp", r"1\d{9}(?:\d{3}(?:\d{3}(?:\d{3})?)?|\.\d{1,9})?", ("epoch",))
# A TAI64N label, as daemontools' multilog, s6-log and runit's svlogd write it: "@" and 24 hex digits.
_TAI64N_P = _Part("Timestamp", r"@4[0-9a-f]{23}", ("tai64n",))
# Seconds since boot with microseconds, as the kernel's ring buffer (dmesg) writes them: read from 1970-01-01.
_UPTIME_P = _Part("Timestamp", r"\d{1,8}\.\d{6}", ("epoch",))
# Seconds since a start with a fraction of 3-9 digits, padded in the bracket that opens the line, as Xorg
# ("[    27.160]") and PulseAudio ("(   0.030|   0.030)") write them. Out of such a bracket, it is any measurement.
_RELATIVE_P = _Part("Timestamp", r"\d{1,8}\.\d{3,9}", ("epoch",))

# Longer, more specific layouts first: a tie goes to the earlier one.
_LAYOUTS: tuple[tuple[_Part, ...], ...] = (
    (_WEEKDAY_P, _MONTH_P, _DAY_P, _TIME_P, _YEAR_P),
    (_WEEKDAY_P, _MONTH_P, _DAY_P, _TIME_P, _ZONE_P, _YEAR_P),  # GNU date's default output
    (_WEEKDAY_P, _DAY_P, _MONTH_P, _YEAR_P, _TIME_P, _ZONE_P),
    (_WEEKDAY_COMMA_P, _DAY_P, _MONTH_P, _YEAR_P, _TIME_P, _ZONE_P),
    (_MONTH_P, _DAY_P, _TIME_P, _YEAR_P),
    (_MONTH_P, _DAY_P, _YEAR_P, _TIME_P, _ZONE_P),  # network gear's "Mar  4 2024 08:12:10+08:00" (a year, a zone)
    (_MONTH_P, _DAY_P, _YEAR_P, _TIME_P),
    (_MONTH_P, _DAY_COMMA_P, _YEAR_P, _TIME12_P, _AMPM_P, _ZONE_P),  # WebLogic's "Mar 4, 2024 5:58:41,798 AM UTC"
    (_MONTH_P, _DAY_COMMA_P, _YEAR_P, _TIME12_P, _AMPM_P),
    (_MONTH_P, _DAY_COMMA_P, _YEAR_P, _TIME_P),
    (_WEEKDAY_NAME_COMMA_P, _MONTH_P, _DAY_YEAR_P, _TIME_P),
    (_DAY_P, _MONTH_P, _YEAR_P, _TIME_P),
    (_YMD_P, _TIME_P, _ZONE_P),
    (_YMD_P, _TIME12_P, _AMPM_P),
    (_YMD_P, _TIME_P),
    (_YMD_P, _H_CLOCK_P, _ZONE_P),
    (_YMD_P, _H_CLOCK_P),
    (_YMD_COMMA_P, _TIME_P, _ZONE_P),
    (_YMD_COMMA_P, _TIME_P),
    (_SHORT_DATE_P, _TIME_P, _ZONE_P),  # Splunk's "03-04-2024 05:58:40.012 +0100", as after an ISO date
    (_SHORT_DATE_P, _TIME12_P, _AMPM_P),
    (_SHORT_DATE_P, _TIME_P),
    (_SHORT_DATE_COMMA_P, _TIME12_P, _AMPM_P),
    (_SHORT_DATE_COMMA_P, _TIME_P),
    (_piped(_YMD_P), _TIME_P),
    (_piped(_SHORT_DATE_P), _TIME_P),
    (_dashed(_SHORT_DATE_P), _TIME_P),
    (_SLASHED_SHORT_DATE_P, _COLON_MS_TIME_P, _ZONE_P),
    (_SLASHED_SHORT_DATE_P, _COLON_MS_TIME_P),
    (_US_SHORT_DATE_P, _TIME12_P, _AMPM_P),
    (_US_SHORT_DATE_P, _TIME_P),
    (_DAY_MON_YEAR_P, _TIME_P, _ZONE_P),  # PHP's "[01-Dec-2026 10:00:00 UTC]"
    (_DAY_MON_YEAR_P, _TIME_P),
    (_CLF_P, _ZONE_P),
    (_CLF_P,),
    (_ISO_P,),
    (_DB2_P,),
    (_COMPACT_P,),
    (_DASHED_P,),
    (_DASHED_SHORT_P,),
    (_PIPED_P,),
    (_UNDERSCORED_P,),
    (_Part("Date", r"\d{6}(?:\d\d)?", ("%y%m%d", "%Y%m%d")), _Part("Time", r"\d{6}", ("%H%M%S",))),
    (_COMPACT_DATE_P, _TIME_P),
    (_COMPACT_SHORT_DATE_P, _TIME_P),
    (_ORDINAL_DATE_P, _TIME_P),
    (_GLOG_DATE_P, _TIME_P),
    (_COLON_COMPACT_P,),
    (_WEEKDAY_P, _MONTH_P, _DAY_P, _TIME_P, _ZONE_P),  # NetApp ONTAP's "Mon Mar 11 06:13:53 UTC [node: ...]"
    (_WEEKDAY_P, _MONTH_P, _DAY_P, _TIME_P),
    (_MONTH_P, _DAY_P, _TIME_P, _ZONE_P),  # Cisco IOS' "Dec  1 10:01:12.358 UTC:"
    (_ZONE_FIRST_P, _MONTH_P, _DAY_P, _TIME_P),
    (_MONTH_P, _DAY_P, _TIME_P),
    (_DAY_P, _MONTH_ABBR_P, _TIME_P),  # Node-RED's "16 Jan 08:50:00"
    (_MONTH_DAY_P, _TIME_P),
    (_DAY_MON_P, _TIME_P),
    (_DAY_MON_P, _HM_P),
    (_EPOCH_P,),
    (_TAI64N_P,),
    (_UPTIME_P,),
    (_RELATIVE_P,),
    (_TIME12_P, _AMPM_P),
    (_KITCHEN_P,),
    (_TIME_P,),
)
# A time starts and ends at a space, a bracket (:data:`_CLOSERS`) or the line's ends; it may end at punctuation.
_START = r"(?:(?<=^)|(?<=[\s\[(<]))"
_END = r"(?=$|[\s\])|,;:|>])"


def _layout_regex(layout: tuple[_Part, ...]) -> str:
    """The layout's parts as groups joined by whitespace; a zone may also follow its time with none ("09.123+0000")."""
    return "".join((r"\s*" if p is _ZONE_P else r"\s+") + f"({p.regex})" if i else f"({p.regex})"
                   for i, p in enumerate(layout))


# A timestamp of digits alone that holds colons of its own may follow a field glued by a colon ("12345:20240211:..."),
# and so may a date and an h-clock, as gvm-libs glues its level before them ("task:MESSAGE:2024-04-02 05h58.12").
_GLUED_START = r"(?:(?<=^)|(?<=[\s\[(:]))"
# Seconds since a start may end in their unit where a bracket closes after them ("[ 1721.265856s]", an uptime
# timer's): the unit is no part of the time.
_SECONDS_UNIT = r"(?:s(?=[\])]))?"
# A date of digits alone may follow the level letter that opens the line, glued to it (glog's "I0219 10:00:00.123456",
# CockroachDB's with the year: "I240219 10:00:00.123456"); glog's date without its year, only there.
_LETTER_START = r"(?<=^[VTDINWEFACX])"
_LETTER_OR_START = r"(?:(?<=^)|(?<=[\s\[(])|" + _LETTER_START + ")"
_LETTER_GLUED = {(_COMPACT_DATE_P, _TIME_P): _LETTER_OR_START, (_COMPACT_SHORT_DATE_P, _TIME_P): _LETTER_OR_START,
                 (_GLOG_DATE_P, _TIME_P): _LETTER_START}


def _start(layout: tuple[_Part, ...]) -> str:
    """Where the layout's time may start: after a space, a bracket or the line's start, or glued as said above."""
    return _GLUED_START if layout == (_COLON_COMPACT_P,) or _H_CLOCK_P in layout else _LETTER_GLUED.get(layout, _START)


# Each compiled when first used (LazyRegex): a run tries the few layouts its lines hold.
_LAYOUT_RES = [LazyRegex(_start(layout) + _layout_regex(layout)
                         + (_SECONDS_UNIT if layout in ((_UPTIME_P,), (_RELATIVE_P,)) else "") + _END)
               for layout in _LAYOUTS]
# Any time may follow the level that opens the line in brackets, glued to it (Mumble's "<W>2024-03-01 17:58:04.066",
# "[INFO]2024-..."), or a number in brackets, a session's or a connection's (FileZilla Server's "(040212)3/5/2024
# 6:48:17 AM"): each layout matched right after such a bracket, with no start of its own.
_BRACKETED_NUMBER = re.compile(r"([<\[(])\d+([>\])])")
# Level words, and of letters only those that tell a level alone (not M: SEVERITY grades it in a level column).
_OPENING_BRACKET = re.compile(r"[<\[](?i:" + "|".join(sorted({*LEVEL_LETTERS, *(w for w in SEVERITY
                                                                                 if w.isalpha() and len(w) > 1)}))
                              + r")[>\]](?=\S)|" + _BRACKETED_NUMBER.pattern + r"(?=\S)")
_GLUED_RES = [LazyRegex(r.pattern.removeprefix(_start(layout))) for r, layout in zip(_LAYOUT_RES, _LAYOUTS)]
# Each layout without its start, over many lines joined by newlines (see :func:`_layouts_in`). Sound while no
# layout holds a possessive repeat, an atomic group or a negative look-around, which could tell a newline from
# a line's end (a test checks).
_JOINED_RES = [LazyRegex(r.pattern, re.MULTILINE) for r in _GLUED_RES]
# The same in RE2 (Arrow's regex engine), which lacks look-arounds: only whether a layout is in the heads is asked, so
# the look-ahead that ends a time may take the character it looks at. None for a layout with another look-around.
_JOINED_RE2 = [None if (body := r.pattern.removesuffix(_END)) == r.pattern or re.search(r"\(\?<?[=!]", body)
               else "(?m)" + body + "(?:" + _END.removeprefix("(?=") for r in _JOINED_RES]
# Text RE2 reads as Python's re does: ASCII without the spaces that Python's \s takes and RE2's not.
_RE2_ALIKE = re.compile("[\x00-\x0a\x0c-\x1b\x20-\x7f]*")
# Characters of heads from which RE2 is the faster: each of its searches is compiled anew (2.5 ms for them all).
_RE2_CHARS = 4096
# What may start a record: a kitchen time ("at 3:04PM") is too common inside sentences, and so is a number in
# brackets ("[0.0004, 0.5678]" continuing an event) that only a whole file shows is a relative time.
_ANY_TIME_PATTERN = "|".join(f"(?:{r.pattern})" for r, layout in zip(_LAYOUT_RES, _LAYOUTS)
                             if layout not in ((_KITCHEN_P,), (_RELATIVE_P,)))
# Behind a look-ahead for the characters a time can open with (6 µs a line's start without it), as most lines' texts
# open with none of them.
_ANY_TIME = LazyRegex(gated(_ANY_TIME_PATTERN))
_UPTIME, _RELATIVE = _LAYOUTS.index((_UPTIME_P,)), _LAYOUTS.index((_RELATIVE_P,))
_ORDINAL = _LAYOUTS.index((_ORDINAL_DATE_P, _TIME_P))


def _dated(layout: tuple[_Part, ...]) -> bool:
    """Whether ``layout`` writes a date and a clock."""
    return any(p.name in ("Date", "Month", "Year") or p is _ISO_P or p is _CLF_P for p in layout) \
        and any(p.name in ("Time", "Timestamp") for p in layout)


# A date and a clock in brackets anywhere in the first characters of a line ("... {31 vars in 822 bytes} [Tue Jan 16
# 14:03:24 2024] GET /x"): the time of a line whose header has none. Not a clock alone, nor seconds: inside a
# message those are durations and offsets more often than the line's time.
_FAR_RES = [(i, LazyRegex(r"\[\s*" + _layout_regex(layout) + r"\]")) for i, layout in enumerate(_LAYOUTS)
            if _dated(layout)]
# A date and a clock that end the line after a space, the message before them (home routers' event logs: "[DHCP IP:
# (192.168.1.11)] to MAC address 3C:22:FB:69:55:E2, Saturday, Jan 13,2024 06:41:42"): searched in the last characters.
_END_RES = [(i, LazyRegex(r"(?<=\s)" + _layout_regex(layout) + r"\s*$")) for i, layout in enumerate(_LAYOUTS)
            if _dated(layout)]
_FAR_CHARS = 400
_FAR_SHARE = 0.5  # of the lines, with the time in one bracketed layout
_RISING_SHARE = 0.9  # of the steps between those times, forward: a clock, not dates a message names
# The brackets a time may sit in: square, round, or angle (Oracle WebLogic writes every header field in angle ones).
_CLOSERS = {"[": "]", "(": ")", "<": ">"}
_UNIT_AFTER = re.compile(r"\s*(?:[nuµm]?s|secs?|seconds?|mins?|minutes?|h|hours?|%|[KMGT]i?B)(?!\w)")
_PADDED_SECONDS = re.compile(r"\s+(" + _RELATIVE_P.regex + r")\s")  # "   0.001 Loading ..." (Factorio's "%8.3f")


def padded_seconds(lines: Sequence[str]) -> bool:
    """Whether seconds with a fraction open some of ``lines`` padded to a width: whitespace before them, ending at
    one column on every such line (an indented number in a message's text ends where its text puts it)."""
    return len({m.end(1) for line in lines if (m := _PADDED_SECONDS.match(line[:_SEARCH_CHARS]))}) == 1


def stamped_text(line: str) -> str | None:
    """What follows a timestamp that opens ``line`` (a runtime's before each line a program wrote, as ``docker logs
    -t`` puts it), or None where no time opens it."""
    m = _ANY_TIME.match(line[:_SEARCH_CHARS])
    if m is None:
        return None
    text = line[m.end():]
    return text[1:] if text[:1] == " " else text  # the space after the time; the program's own indentation stays


# A label set ('{app="web", ...}', Loki's) opens no JSON object: it is a field of the runtime's header.
_LABEL_PAIR = r'[A-Za-z_][\w.]*="(?:[^"\\]|\\.)*"'  # a label and its quoted value: app="web"
_LABELS_OPEN = re.compile(r"\{" + _LABEL_PAIR)
# A program's line under a runtime's time opens with a header of the program's own on this share of the lines that
# can carry one (a trace's frames, which the runtime stamps too, cannot).
_OWN_HEADER_SHARE = 0.5


def opens_own_header(lines: Sequence[str]) -> bool:
    """Whether most ``lines`` that open with a time open, after it, with a header of their own: a second time or a
    JSON object (a program's line under a container runtime's time, as ``docker logs -t`` writes it)."""
    from .multiline import header_lines

    texts = header_lines([text for line in lines if (text := stamped_text(line)) is not None])
    own = sum((text[:1] == "{" and _LABELS_OPEN.match(text) is None)
              or _ANY_TIME.match(text[:_SEARCH_CHARS]) is not None for text in texts)
    return bool(texts) and own >= _OWN_HEADER_SHARE * len(texts)


def starts_with_timestamp(line: str) -> bool:
    """True when one of the known timestamp layouts starts within the first tokens of ``line``."""
    m = _ANY_TIME.search(line[:_SEARCH_CHARS])
    return m is not None and len(line[:m.start()].split()) <= _MAX_TIME_TOKEN


@dataclass(frozen=True)
class _TimeHit:
    layout: int
    token: int  # whitespace tokens before it
    bracketed: bool  # an opening bracket just before it, closed in the header
    closed: bool  # ... closed just after it
    opener: str = "["  # the bracket: "[" or "("
    unit: str = ""  # seconds' unit between the time and its closing bracket ("s")

    @property
    def closer(self) -> str:
        return _CLOSERS[self.opener]


def _layouts_in(lines: Sequence[str]) -> list[int]:
    """Indices of the layouts that may match near the start of some of ``lines``: each searched once in their heads
    joined by newlines. A match in a head is one there too: its layout has no start to test (as glued), ``^`` and
    ``$`` hold at each newline, and a newline is the whitespace that may end a time."""
    joined = "\n".join([line[:_SEARCH_CHARS] for line in lines])
    found = _in_arrow(joined)
    return [i for i, (regex, re2) in enumerate(zip(_JOINED_RES, _JOINED_RE2))
            if (found(re2) if found is not None and re2 is not None else regex.search(joined) is not None)]


def _in_arrow(text: str) -> Callable[[str], bool] | None:
    """A test of whether an RE2 pattern (:data:`_JOINED_RE2`) is in ``text``, by Arrow, where RE2 reads the text as
    Python's re does (:data:`_RE2_ALIKE`) and the text is long (:data:`_RE2_CHARS`); else None. Python's re tries a
    layout at every place of the heads (30 ms for a sample's 60 layouts), RE2 skips the places it cannot start at."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if len(text) < _RE2_CHARS or _RE2_ALIKE.fullmatch(text) is None:
        return None
    array = pa.array([text], type=pa.string())
    return lambda pattern: bool(pc.match_substring_regex(array, pattern)[0].as_py())


def _time_hits(line: str, padded: bool = False, layouts: Sequence[int] = range(len(_LAYOUTS))
               ) -> list[tuple[_TimeHit, re.Match]]:
    """Every layout's leftmost match near the start of ``line``; seconds that open it bare only if ``padded`` (a
    width pads them on other lines: :func:`padded_seconds`); only ``layouts`` (indices) are tried."""
    head = line[:_SEARCH_CHARS]
    out = []
    opening = _OPENING_BRACKET.match(head)
    for i in layouts:
        m = (opening and _GLUED_RES[i].match(head, opening.end())) or _LAYOUT_RES[i].search(head)
        if m is None:
            continue
        before = head[:m.start()]
        opened = before.rstrip(" ")  # the kernel's ring buffer pads inside its bracket: "[    1.684651]"
        opener = opened[-1:] if opened[-1:] in _CLOSERS else "["
        closer = _CLOSERS[opener]
        closed = head[m.end():m.end() + 1] == closer
        bracketed = opened[-1:] == opener and (closed or closer in head[m.end():])
        token = len(_PRE_TOKEN.findall(opened[:-1] if bracketed else before))
        unit = head[m.end(m.lastindex):m.end()]
        if unit and not (bracketed and opened == opener and closed):  # a duration's unit ("took [0.004s]")
            continue
        # Seconds since a start open the line bare where a program pads them to a width (Factorio's "%8.3f"): as
        # in a bracket, they are its time only if they count up over the lines (_without_durations), and a unit
        # after them makes them a measurement ("1.500 ms spent in ..."). Unpadded, numbers that rise over the lines
        # are as often request ids, prices or sorted latencies ("1000.137 GET /a").
        if i == _RELATIVE and not (bracketed and opened == opener and (closed or head[m.end():m.end() + 1] == "|")) \
                and (before.strip() or not padded or _UNIT_AFTER.match(head, m.end())):
            continue
        if token <= _MAX_TIME_TOKEN:
            out.append((_TimeHit(i, token, bracketed, bracketed and closed, opener, unit), m))
    return out


def _best_time(lines: Sequence[str], padded: bool = False) -> tuple[_TimeHit | None, list[re.Match | None]]:
    """The (layout, position) found on most lines, and its match per line (None where absent); ``padded`` as in
    :func:`_time_hits`."""
    layouts = _layouts_in(lines)  # most layouts are in no line: one search each, not one a line
    per_line = _without_durations([_outermost(hits) for hits in _without_jumping_days(
        [_time_hits(line, padded, layouts) for line in lines])])
    votes = Counter(hit for hits in per_line for hit in hits)
    if not votes:
        return None, [None] * len(lines)
    # On as many lines, a clock beats seconds since a start ("[    12.300] 2024-03-05 14:07:00 INFO ...").
    best = min(votes, key=lambda h: (-votes[h], h.layout in (_UPTIME, _RELATIVE), h.token, h.layout))
    if votes[best] < MIN_TIME_SHARE * len(lines):
        return None, [None] * len(lines)
    return best, [hits.get(best) for hits in per_line]


def _outermost(hits: list[tuple[_TimeHit, re.Match]]) -> dict[_TimeHit, re.Match]:
    """A line's time hits less those inside a longer one: the clock of a dated time is no time alone (lines of two
    dated layouts would otherwise all vote for the clock they share, and read without their dates)."""
    spans = [m.span() for _, m in hits]
    return {hit: m for hit, m in hits
            if not any(a <= m.start() and m.end() <= b and (a, b) != m.span() for a, b in spans)}


def _without_jumping_days(per_line: list[list[tuple[_TimeHit, re.Match]]]) -> list[list[tuple[_TimeHit, re.Match]]]:
    """The time hits of each line, less the ordinal dates unless they go forward over the lines (ten times as many
    steps forward as back): a log's date never turns back, while five-digit ids before a clock (process ids, ports)
    that happen to end in a day of the year (12345, 24100) come in any order."""
    values = np.array([int(m.group(1)) for hits in per_line for hit, m in hits if hit.layout == _ORDINAL])
    if _rising(values):
        return per_line
    return [[(hit, m) for hit, m in hits if hit.layout != _ORDINAL] for hits in per_line]


def _without_durations(per_line: list[dict[_TimeHit, re.Match]]) -> list[dict[_TimeHit, re.Match]]:
    """The time hits of each line, less the relative times and those with a unit unless they count up over the
    lines: ten rises at least, and ten times as many as falls (a clock falls only when its program restarts;
    durations such as "(0.010) SELECT" or "[0.004123s] SELECT" rise and fall alike)."""
    values = np.array([float(m.group(1)) for hits in per_line for hit, m in hits.items() if hit.layout == _RELATIVE])
    if not len(values):
        return per_line
    if _rising(values, least=10):
        return per_line
    return [{hit: m for hit, m in hits.items() if hit.layout != _RELATIVE and not hit.unit} for hits in per_line]


def _rising(values: np.ndarray, least: int = 0) -> bool:
    """Whether values (n,) in line order step up ``least`` times at least and ten times as often as they step down."""
    steps = np.diff(values)
    rises, falls = int((steps > 0).sum()), int((steps < 0).sum())
    return rises >= least and rises >= 10 * falls


_DIRECTIVE = re.compile(r"%.")
# A date with its year last and its day and month as numbers, in either order ("%d-%m-%Y", "%m/%d/%y").
_DAY_MONTH = re.compile(r"%([dm])([-/.])%(?!\1)([dm])\2(%[Yy])")


def other_day_month(values: list[str], time_format: str) -> str | None:
    """``time_format`` with its year-last day and month the other way round (%d-%m-%Y: %m-%d-%Y) where that reads
    the time ``values`` as well, stepping as many days where the clock passes midnight: no value tells the order
    (none has a day above 12); None where one does, or the format has no such date."""
    m = _DAY_MONTH.search(time_format)
    if m is None:
        return None
    sep, year = m.group(2), m.group(4)
    other = time_format[:m.start()] + f"%{m.group(3)}{sep}%{m.group(1)}{sep}{year}" + time_format[m.end():]
    ours, theirs = (parse_timestamps([values], f) for f in (time_format, other))
    told = theirs.count() < ours.count() or _midnight_days(theirs) != _midnight_days(ours)
    return None if told or not ours.count() else other


def _time_format(values: list[str], layout: tuple[_Part, ...]) -> str:
    """The strptime format (or "ISO8601"/"epoch") that parses most of the joined time values, the first of those
    that parse as many; but of orders of the same fields, the one whose date steps one day where the clock
    passes midnight ("05/03/2024 23:59" then "06/03/2024 00:01" is March, not May to June), then, of two-digit-year
    orders, the one whose times span the least ("12/01/26" .. "12/03/26" are three days of 2026, not three months
    of 2012: a sample of a log covers a short time)."""
    candidates = [" ".join(combo) for combo in itertools.product(*(p.formats for p in layout))]
    if len(candidates) == 1:
        return candidates[0]
    best, best_key = candidates[0], (-1.0, 0, 0.0)
    for fmt in candidates + ["ISO8601"]:
        reordered = sorted(_DIRECTIVE.findall(fmt)) == sorted(_DIRECTIVE.findall(best))
        if best_key[0] == 1.0 and not reordered:
            continue  # none reads more than every value: only another order of the best's fields can still win
        times = parse_timestamps([values], fmt)
        ok = float(times.notna().mean())
        span = (times.max() - times.min()).total_seconds() if ok > 0 else 0.0
        days = _midnight_days(times)
        better = reordered and (days > best_key[1] or (days == best_key[1] and span < best_key[2]
                                                       and "%y" in fmt and "%y" in best))
        if ok > best_key[0] + 1e-9 or (ok > best_key[0] - 1e-9 and better):
            best, best_key = fmt, (ok, days, span)
    return best


def _midnight_days(times: pd.Series) -> int:
    """How often, from one parsed time (in line order) to the next, the clock turns back and the date steps one day."""
    t = times.dropna()
    if len(t) < 2:
        return 0
    day = t.dt.normalize().to_numpy()
    clock = (t - t.dt.normalize()).to_numpy()
    return int(((clock[1:] < clock[:-1]) & (day[1:] - day[:-1] == np.timedelta64(1, "D"))).sum())


# Times that only a whole value may be, as spreadsheets write them (Excel's "12/1/26 10:05"): a two-digit year or no
# seconds. In a line of text "1.4.22 10:00" may be a version and a time; a cell or a JSON value holds one thing.
_HM12_P = _Part("Time", r"(?:0?[1-9]|1[0-2]):\d\d", ("%I:%M",))
# A spreadsheet writes the year last; a year first ("17/06/09") is read when only it parses.
_ANY_SHORT_DATE_P = _Part("Date", r"\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d\d)",
                          _day_month("%y") + _dates(("%y", "%m", "%d")) + _day_month("%Y"))
_VALUE_LAYOUTS: tuple[tuple[_Part, ...], ...] = (
    (_YMD_P, _HM_P),
    (_ANY_SHORT_DATE_P, _TIME12_P, _AMPM_P),
    (_ANY_SHORT_DATE_P, _HM12_P, _AMPM_P),
    (_ANY_SHORT_DATE_P, _TIME_P),
    (_ANY_SHORT_DATE_P, _HM_P),
)
# A whole value is tried against these first: "12/01/26 10:05:09" in a cell is a spreadsheet's, year last.
_WHOLE_LAYOUTS = _VALUE_LAYOUTS + _LAYOUTS
_WHOLE_RES = [LazyRegex(_layout_regex(layout)) for layout in _WHOLE_LAYOUTS]
_VALUE_RE = LazyRegex("|".join(f"(?:{_layout_regex(layout)})" for layout in _VALUE_LAYOUTS))


def time_format_of(values: Sequence[str]) -> str | None:
    """The format (strptime, "epoch" or "ISO8601") of timestamp texts that one known layout reads whole on most of
    them, as inference would choose it; None when no layout does."""
    counts = Counter(next((i for i, regex in enumerate(_WHOLE_RES) if regex.fullmatch(v)), None) for v in values)
    counts.pop(None, None)
    if not counts:
        return None
    best, n = counts.most_common(1)[0]
    return _time_format(list(values), _WHOLE_LAYOUTS[best]) if n >= 0.5 * len(values) else None


_PAREN_BODY = r"(?:[^()]|\([^()]*\))*"
# A source file and its line as a component ("handler.go:57:", "db.py:12:"): the file names it, the line is a field.
# A programming language's file extension tells it from a host and its port ("db.example.com:5432:").
_SOURCE_EXT = (r"(?:go|py|pyx|c|h|cc|cpp|cxx|hpp|hh|java|kt|scala|groovy|rs|js|mjs|cjs|ts|rb|php|cs"
               r"|swift|m|mm|lua|ex|exs|erl|dart|zig)")
# The line follows a colon or, as Calico's Felix writes it ("felix/daemon.go 377:"), a space (group 1).
_SOURCE_LINE = re.compile(r".*\." + _SOURCE_EXT + r"([: ])\d+")
_SOURCE_FILE = r"[\w./@-]+\." + _SOURCE_EXT  # a source file's path, as a token
# An Erlang process id, as OTP's logger and Elixir's Logger write one before the message ("[info] <0.834.2> ..."):
# the process that wrote the line, a header field as a pid is; a message names one further on, never first.
_ERLANG_PID = re.compile(r"<\d+\.\d+\.\d+>")
# A caller, as zerolog's console writer puts it before "> message": a source file and its line (the extension tells
# it from an address and its port, "10.0.1.140:8080"); or, as Erlang's logger writes it (ejabberd, RabbitMQ), a
# module, a function and its arity and the line, the process first ("<0.675.0>@ejabberd_config:load/1:82").
_CALLER = re.compile(_SOURCE_FILE + r":\d+|(?:" + _ERLANG_PID.pattern + r"@)?[a-z]\w*:[a-z]\w*/\d+:\d+")
# A source file and its line in parentheses, right after the time (lighttpd's "(server.c.1513)", "(mod_cgi.c:88)"):
# the component, its line a field; the character before the line is kept (group 1).
_PAREN_SOURCE = re.compile(r"[\w./-]+\." + _SOURCE_EXT + r"([.:])\d+")
# A hexadecimal number, bare or in parentheses ("(0x0400):", a debug mask or an address), names no component.
_HEX = re.compile(r"\(?0[xX][0-9a-fA-F]+\)?")
_LINE_OF_NAME = re.compile(r"[: ]\d+$")  # the source line after a name ("main.go:42", "daemon.go 377")
# A word quoted whole ('"worker-1"'), which a quoted text of several words ('"GET /x HTTP/1.1"') is not.
_QUOTED_WORD = re.compile(r'"[^"\s]*"')
# An IPv4 or IPv6 address, as a syslog relay writes the host that sent a line.
_ADDRESS = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}")
# A key=value word (request_id=..., trace_id=...) is a value of the line's context, which names no component.
_PAIR = re.compile(r"[A-Za-z_][\w.-]*=\S+")
# A user and the database or host they work on (PostgreSQL's "%u@%d": "app@shop"): whose session wrote the line, which
# names no part of the program.
_SESSION = re.compile(r"[\w.-]+@[\w.-]+")
# A number as a header writes one: signed decimal (a verbosity of -1), or a thread's id in hexadecimal without its
# "0x" (glibc's pthread_t as "%lx" writes it: "7f3a1b2a3700"); or a run of dashes, an id's placeholder where a line
# has none (CouchDB's "--------" for a request's id outside a request), as an access log's "-" is a field's.
_NUMBER = re.compile(r"-?\d+|[0-9a-f]{8,16}|-{2,}")
# What the bracket after a program's name holds: its pid, its level, or its instance's name ("web.1", "router"). A
# memory address names an object, not the program's instance (NetworkManager's "manager[0x55d5c19a2010]: ..."):
# the message's.
_INSTANCE = r"(?!0[xX][0-9a-fA-F]+\])[\w.-]+"
# The syslog facilities and severities by name (RFC 5424's tables, as syslogd and rsyslog spell them), lower-case:
# Monolog's "security.INFO" is a channel and its level.
_FACILITY = r"(?:kern|user|mail|daemon|auth|authpriv|syslog|lpr|news|uucp|cron|ftp|ntp|security|local[0-7])"
_SYSLOG_SEVERITY = r"(?:emerg|panic|alert|crit|err|error|warn|warning|notice|info|debug)"
# A list of topics joined by commas, a severity among them, as RouterOS writes them ("system,info,account",
# "l2tp,ppp,error"): the parts of the program that wrote the line, not a message's words.
_TOPICS = re.compile(r"(?=(?:.*,)?" + _SYSLOG_SEVERITY + r"(?:,|$))[a-z][a-z0-9-]*(?:,[a-z][a-z0-9-]*)+")
# A program's module after its name, joined by a colon ("wazuh-modulesd:syscollector:"): one component; a level word
# there is a level's ("root:INFO:"), no module. Atomic: a line of such joins with no colon after them (a hostile
# line) is given up once, not at every join.
_SUB_MODULES = r"(?>(?::(?!(?:" + LEVELS_RE + r"):)[A-Za-z][\w-]*)*)"
# A component's name, its modules (_SUB_MODULES), and the source line it may end with ("main.go:42").
_COMPONENT_NAME = r"(?:[^\s\[\]:]|::)+" + _SUB_MODULES
_COMPONENT_BODY = _COMPONENT_NAME + r"(?::\d+)?"
# What a bracket holds, one level of brackets inside.
_BRACKET_BODY = r"(?:[^\[\]]|\[[^\[\]]*\])*"
# The elements that name the component: a name before a colon, one before a labelled id ("backup-dir JobId 12:"),
# and a thread's name again or a bracket after it (_echoes).
_COMPONENT_KINDS = ("component", "labelled", "echo")
# Header elements after (or without) the timestamp, tried in this order at each place.
_ELEMENT_RES = [
    # A name in parentheses and a colon after the level, as Aerospike writes its context ("INFO (drv_ssd): ..."):
    # the component, though the name be a level word ("INFO (info): ..."); a source in parentheses may follow it.
    ("paren_name", re.compile(r"(\s*)\(([A-Za-z][\w.-]*)\):(?=\s|$)")),
    # Padding inside the brackets ("[INFO ]", as Elasticsearch writes it; "[ INFO]", log4j's right-aligned "%5p"),
    # or before a colon without them (rclone's "INFO  :", a level padded to its column), is part of the level's shape.
    # A syslog facility may come before the level, joined by a dot, as OpenWrt's logread and rsyslog's
    # "%syslogfacility-text%.%syslogseverity-text%" write it ("kern.notice", "<local0.info>").
    ("level", re.compile(r"(\s*)([\[(<])?(?(2) *)(" + _FACILITY + r"\.(?=" + _SYSLOG_SEVERITY + r"\b))?("
                         + LEVELS_RE + r")((?(2) *)[\])>]| +(?=:)|)(:?)(?=[\s|\[]|$)")),
    # "name:", "name[pid]:", and macOS's "name[pid] (subsystem):"; a name has a letter (nginx's "1009#1009:" is
    # a pid and thread), may be a Rust path ("app::net:") and may end with a source line (Go's "main.go:42:"), which
    # a space may set apart where the name is a source file ("felix/daemon.go 377:"; "worker 3:" is a message's).
    # The bracket may hold the level instead of a pid (cloud-init's "stages.py[INFO]:"), or the name of the process'
    # instance (Heroku's "app[web.1]:", "heroku[router]:"); a name padded to a column width puts spaces before its
    # pid (fail2ban's "fail2ban.actions        [812]:"). After a bracket the message may follow the colon glued, as
    # network gear writes it (Huawei's "%%01SHELL/5/CMDRECORD(s)[0]:Recorded command ..."); after a bare name a
    # glued colon is a message's ("user:alice", "http://..."). A level word in parentheses glued to the pid's bracket
    # ends the name as MIT Kerberos' daemons write it ("krb5kdc[1432](info):"). A second name in parentheses may follow
    # the subsystem, as ClickHouse writes a table's id and its part ("default.events (6a1f...) (SelectExecutor):").
    # The letter is looked for ahead, lazily: two greedy runs around it would try every split of a long word.
    ("component", re.compile(r"(\s*)(?=(?:[^\s\[\]:]|::)*?[A-Za-z])(" + _SOURCE_FILE
                             + r" \d+|" + _COMPONENT_BODY + r")(?:( *)\[(" + _INSTANCE
                             + r")\])?(?: \(([^()\s]+)\)(?: \([^()\s]+\))?|(?<=\])\((" + LEVELS_RE
                             + r")\))?:(?=\s|$|(?<=\]:)(\S))")),
    # A name and an id with its capitalised label before the colon, as Bacula's daemons write a job's ("backup-dir
    # JobId 14121: ..."): the component and a field, the label the same on every line (_header).
    ("labelled", re.compile(r"(\s*)((?=[^\s\[\]:]*?[A-Za-z])[^\s\[\]:]+) ([A-Z][A-Za-z]*) \d+:(?=\s|$)")),
    # A process and its thread as two numbers joined by "#" ("1009#1009:", as nginx and its forks write them) end a
    # header as a name does: without a letter they are no name, and the message's words after them no header.
    ("pid_thread", re.compile(r"(\s*)\d+#\d+:(?=\s|$)")),
    ("bracket", re.compile(r"(\s*)\[(" + _BRACKET_BODY + r")\]")),
    # A thread in parentheses, as JBoss, WildFly and Quarkus write it after the logger ("[org.x.Y] (Timer-0)"),
    # one level of parentheses inside ("(Thread-0 (ActiveMQ-server-1))").
    ("paren", re.compile(r"(\s*)\(([^()\s]" + _PAREN_BODY + r")\)(?=\s)")),
    # A field between two pipes, as delimited headers write them ("|Component|1234|message"); a padded
    # "| INFO |" column, or a level word, is a separator and what follows it.
    ("cell", re.compile(r"(\s*)\|(?!(?:" + LEVELS_RE + r") *\|)([^|\s][^|]*)(?=\|)")),
    # An arrow (ClamAV's "Mon Mar 11 04:11:00 2024 -> message") separates as a dash does, and so does a lone star
    # (Oracle's listener: "07:01:05 * service_update * orcl * 0"); stars taking turns with other marks are a level.
    # A spaced double colon ends a logger's name as a dash does (Metabase's "INFO metabase.core :: message").
    ("sep", re.compile(r"(\s*)(\||(?:->|=>|::|[-,:>*])(?=\s))(?=(\s?))")),
    # A name with two bracketed fields or more glued on (SonarQube's "web[AY4xQ2][o.s.s.p.Platform]", "app[][...]"):
    # a process and its fields, the last naming the logger where it holds a class name.
    ("glued", re.compile(r"(\s*)([A-Za-z][\w.-]*)((?:\[[^\[\]\s]*\]){2,})(?=\s)")),
    # A label set in braces, as Loki's logcli and Prometheus write one ('{app="web", pod="web-7d9f8"}'): a field.
    ("labels", re.compile(r'(\s*)\{(' + _LABEL_PAIR + r'(?:, ?' + _LABEL_PAIR + r')*)\}(?=\s)')),
    # A word glued to a pipe that spaces follow ("kid1| message") is a field before its separator.
    ("word", re.compile(r"(\s*)(\S+?(?=\|(?:\s|$))|\S+)")),
]
# A level after its module inside a bracket (Apache 2.4's "[core:info]", log4j's "[main/INFO]"); severity reads the
# part after the colon or slash.
_MODULE_LEVEL = re.compile(r"[\w.-]+:" + LEVELS_RE + r"|[\w .#-]+/" + LEVELS_RE)
# A bracket naming its logger and then key=value pairs of the line's context ("[Log partition=orders-3, dir=/d]"):
# the words before the first pair name the component, the pairs are a field of their own.
_PAIRED_BRACKET = re.compile(r"[^\s=\[\]]+(?: [^\s=\[\]]+)* [A-Za-z_][\w.-]*=.*")
_PAIRS_FIELD = r"[A-Za-z_][\w.-]*=" + _BRACKET_BODY
# A name in angle brackets before its colon, as Kodi writes its component ("<general>: ..."): the brackets are no
# part of the name.
_ANGLED_NAME = re.compile(r"<[^<>\s]+>")
# A logger name ending in its level, as Monolog (Laravel, Symfony) writes "channel.LEVEL".
_DOTTED_LEVEL = re.compile(r".+\.(?:" + LEVELS_RE + ")")
# A name, the level and the logger joined by slashes, as Locust writes "host/INFO/locust.main".
_SLASHED_LEVEL = re.compile(r"[^/\s]+/(?:" + LEVELS_RE + ")/.+")
# A function's name as code writes it, in lower case first, after its module's and a slash where it has one.
_CODE_NAME = re.compile(r"(?:[a-z_][a-z0-9_]*/)?[a-z_][\w$]*")
# Where such a name joins its parts: a hump (flushQueue), an underscore (source_main), a module's slash or a "$".
_JOINED_NAME = re.compile(r"[a-z0-9][A-Z]|\w_|[/$]")
_SUBSYSTEM_BODY = r"[^()\s]+"
_CELL_BODY = r"[^|]*"
# A logger named by its class ("org.apache.catalina.Startup"): log4j's %c, a header field even at its end.
# Two dots at least: "user.login" opening a message is not a class.
_QUALIFIED = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$-]*){2,}")
# A category with its event id glued on, as .NET's console logger writes it ("info: App.Api.Orders[14]"): a type's
# name, a dot and a capital beside the id ("App.Program[0]"), where a message's path to an item ("spec.ports[0]")
# has a lower-case one; once told, a category may have none ("Polly[3]").
_CATEGORY = r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$-]*)*"
_CATEGORY_ID = re.compile(_CATEGORY + r"\.[A-Z][\w$-]*\[\d+\]")
# One symbol standing alone; several of them taking turns at one header place are a mark (a level written
# as ".", "-", "*" or "#"), not the message's first word.
_MARK = re.compile(r"[^\w\s\[\]()|]")
# A level written as its first letter (logcat's and glog's alphabet, with PulseAudio's N for notice, spdlog's T for
# trace, CUPS' X for emergency). These letters tell a level; once told, any letter is one (CUPS' d: debug2).
_LETTER_LEVEL = re.compile(f"[{LEVEL_LETTERS}]")
_MARKED_LETTER = re.compile(f"[{LEVEL_LETTERS}][!>]")  # Telegraf's "I!", "E!"
_LETTER_FIELD = "[A-Za-z]"
_PATH_WORD = re.compile(r"(?:~|\.{1,2})?/[^\s/]")  # a path, absolute or relative to a folder or the home
_ROUTINE_LETTERS = frozenset("VTDI")  # the levels most lines of a log are written at
_OTHER_LETTERS = 2  # letters beside the levels in a column of them: a program's standard output and error
# A name a program gives a level of its own ("Perf:", "Config:"): a capitalised word, before a colon.
_CAPITAL_WORD = re.compile(r"[A-Z][a-z]+")
_WORD_LEVEL_FIELD = LEVELS_RE + "|" + _CAPITAL_WORD.pattern
# A mark in parentheses, as Xorg writes its levels: "(II)", "(WW)", "(EE)", "(==)", "(**)". A doubled capital or
# symbols only: "(OK)", "(GC)" opening messages are words.
_PAREN_MARK = re.compile(r"([A-Z])\1|[^\w\s()]{1,3}")
_PAREN_MARK_FIELD = "|".join(c * 2 for c in string.ascii_uppercase) + r"|[^\w\s()]{1,3}"  # no back-reference


# Each element kind's shape, flags by name. An element read on one line has its own shape; a header's element has
# the same kind of shape, its flags told of the lines taken together (on every line, on most, on any, as each says).


class _LevelShape(NamedTuple):
    """A level's brackets, colon and padding, and what it is written as."""

    opening: str  # "[", "(", "<" or ""
    closing: str  # its closing bracket; after a letter, its mark ("!" in "I!")
    colon: str  # ":", ":?" (on some lines only) or ""
    padded: int  # 1: padding after the level, 2: before it (inside its bracket)
    letter: bool = False  # written as a letter ("I", "W!"), in a header only
    worded: bool = False  # a capitalised word of the program's own among level words ("Perf:"), in a header only
    facility: int = 0  # a syslog facility before it ("kern.notice"); in a header 0 never, 1 on some lines, 2 on all


class _ComponentShape(NamedTuple):
    """A name before its colon ("name[pid]:"), what its bracket holds and what follows it."""

    pid: bool = False  # a pid in its bracket
    sub: int = 0  # a subsystem in parentheses; in a header 0 never, 1 on some lines, 2 on all
    leveled: bool = False  # a level word in the bracket ("stages.py[INFO]:")
    padded: bool = False  # spaces before the bracket
    joint: str | None = None  # the character joining the level to the name ("." of "channel.INFO", "/")
    valued: bool = False  # a hexadecimal number or a key=value pair, no name
    line: str | None = None  # the character before a source file's line (":" of "main.go:42", " ")
    named: bool = False  # an instance's name in the bracket, no pid's digits
    glued: bool = False  # the message glued to the colon
    parened: bool = False  # a level word in parentheses after the bracket ("krb5kdc[1432](info):")
    twice: bool = False  # a second name in parentheses after the subsystem
    letter: str | None = None  # the name is a level letter ("W:"), on one line only
    capital: bool = False  # the name is one capitalised word ("Perf:"), on one line only
    angled: bool = False  # the name in angle brackets ("<general>:"), in a header only


class _SepShape(NamedTuple):
    """A separator and whether whitespace follows it."""

    char: str
    followed: bool


class _BracketShape(NamedTuple):
    """What a bracket holds."""

    qualified: bool = False  # a class name
    leveled: bool = False  # a level after its module ("[core:info]"); in a header, the level
    lettered: bool = False  # a letter, no memory address
    letter: str | None = None  # a level letter ("[I]"), on one line only
    paired: bool = False  # a logger's name and key=value pairs of the line's context
    digits: bool = False  # digits only
    label: str | None = None  # the label before a pid ("[pid 2219]")
    parts: bool = False  # the brackets name a program's parts (_names_parts), in a header only
    blank: bool = False  # the empty bracket of a line written without one (_glued_bracket)


class _WordShape(NamedTuple):
    """A word's or a cell's shape: what it is written as."""

    digits: bool = False
    qualified: bool = False  # a class name, or a category with its event id
    padded: bool = False  # padded to a column width, or between tabs
    mark: str | None = None  # a lone symbol, on one line only
    caller: bool = False  # a source file and its line ("switch_core.c:217")
    ided: bool = False  # a category with its event id ("App.Api.Orders[14]")
    paired: bool = False  # a key=value pair
    host: bool = False  # an address; in a header, one first on every line: the host that sent it
    session: bool = False  # a user and their database ("app@shop")
    marked: str | None = None  # a level letter with a mark ("I!"), on one line only
    run: bool = False  # words joined before the level (_join_runs_before_level)
    coded: bool = False  # a function's name (_code_names), in a header only
    topics: bool = False  # a list of topics (_TOPICS)
    erlang: bool = False  # an Erlang process id
    number: bool = False  # a number as a header writes one (_NUMBER)
    blank: bool = False  # the empty word of a line written without one (_word_before_level)


class _ParenShape(NamedTuple):
    """What parentheses hold: a mark ("(II)"), or the character before a source file's line ("." of "(a.c.15)")."""

    mark: str | None
    source: str | None


class _GluedShape(NamedTuple):
    """A name's glued bracketed fields: how many, and whether the last holds a class name."""

    count: int
    qualified: bool


class _LabelledShape(NamedTuple):
    """A name's id label ("JobId")."""

    label: str


class _MarkShape(NamedTuple):
    """Marks taking turns at one place: in parentheses or lone symbols."""

    paren: bool


_Shape = (_LevelShape | _ComponentShape | _SepShape | _BracketShape | _WordShape | _ParenShape | _GluedShape
          | _LabelledShape | _MarkShape | tuple[()])


@dataclass(frozen=True)
class _Element:
    kind: str
    spaced: bool  # whitespace before it
    detail: _Shape  # kind-specific shape; () for kinds without one
    name: str = dataclasses.field(default="", compare=False)  # a component's name or a word, which its shape leaves out


# A memory address in a bracket (a thread's, Plex's "[0x7f3a2f1c3b38]"): its letters are hex digits, and it names
# no component, as a bracket of digits names none.
_MEMORY_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
# A process id in a bracket with its label, as vsftpd writes it ("[pid 2219]"): the pid, not a component's name.
_LABELLED_PID = re.compile(r"(pid|PID) \d+")


def _elements(rest: str) -> list[_Element]:
    """The header elements at the start of ``rest``, up to a component (which ends a header)."""
    out: list[_Element] = []
    pos = 0
    while pos < len(rest) and (len(out) < _MAX_ELEMENTS
                               or len(out) < _MAX_BRACKETED and _NEXT_BRACKET.match(rest, pos) is not None):
        for kind, regex in _ELEMENT_RES:
            if kind == "paren_name" and not any(e.kind == "level" for e in out):
                continue  # a name in parentheses is a component after a level only
            m = regex.match(rest, pos)
            if m is None:
                continue
            if kind == "word" and "\t" in m.group(1) and rest.startswith(" ", m.end()) and "\t" in rest[m.end():] \
                    and not m.group(2).isdigit():
                # A cell of words between tabs is the message (zap's "...<TAB>cache eviction<TAB>{...}"); one of
                # numbers is fields (logcat's "<TAB>1000 2000<TAB>I<TAB>...").
                return out
            if kind == "word" and m.group(2).startswith('"') and not _QUOTED_WORD.fullmatch(m.group(2)):
                # A quoted text (an access log's '"GET /path HTTP/1.1" 200 ...') is the message, whose spaces no
                # header field's splitting may cut: one field per word, the status after them a component. A quote
                # closed within its word ('"http-nio-8080-exec-1"', a thread) has no spaces to cut: a field.
                return out
            if kind == "bracket" and m.group(2).startswith('"') and not _QUOTED_WORD.fullmatch(m.group(2)):
                # A quoted text in brackets opens the message, as TiDB's '[file.go:47] ["loaded config"] [k=v]'
                # writes it: header fields hold no quoted sentences, and the brackets after it are its values.
                return out
            if kind == "level":
                # Padding: 1 after the level, 2 before it (inside its bracket).
                opens = m.start(3 if m.group(3) else 4)  # the facility or the level, after the bracket's padding
                padding = int(m.group(5).startswith(" ")) | 2 * (m.group(2) is not None and opens > m.end(2))
                detail = _LevelShape(m.group(2) or "", m.group(5).lstrip(" "), m.group(6), padding,
                                     facility=m.group(3) is not None)
            elif kind == "component":
                leveled = m.group(4) is not None and re.fullmatch(LEVELS_RE, m.group(4)) is not None
                named = m.group(4) is not None and not leveled and not m.group(4).isdigit()
                bare = m.group(4) is None and m.group(5) is None
                letter = m.group(2) if bare and _LETTER_LEVEL.fullmatch(m.group(2)) else None
                joined = "/" if _SLASHED_LEVEL.fullmatch(m.group(2)) else "." if _DOTTED_LEVEL.fullmatch(m.group(2)) \
                    else None
                source = _SOURCE_LINE.fullmatch(m.group(2))
                detail = _ComponentShape(
                    pid=m.group(4) is not None and not leveled, sub=m.group(5) is not None, leveled=leveled,
                    padded=bool(m.group(3)), joint=joined,
                    # A key=value before the colon ("user=u7:") is a value, as a hexadecimal number is.
                    valued=(_HEX.fullmatch(m.group(2)) or _PAIR.fullmatch(m.group(2))) is not None,
                    line=source and source.group(1), named=named, glued=m.group(7) is not None,
                    parened=m.group(6) is not None, twice=m.group(5) is not None and rest.startswith(") (", m.end(5)),
                    letter=letter, capital=bare and _CAPITAL_WORD.fullmatch(m.group(2)) is not None)
            elif kind == "sep":
                detail = _SepShape(m.group(2), bool(m.group(3)))
            elif kind == "bracket":
                body = m.group(2).strip()
                labelled = _LABELLED_PID.fullmatch(body)
                detail = _BracketShape(
                    qualified=_QUALIFIED.fullmatch(body) is not None, leveled=_MODULE_LEVEL.fullmatch(body) is not None,
                    lettered=re.search("[A-Za-z]", body) is not None and _MEMORY_ADDRESS.fullmatch(body) is None,
                    letter=body if _LETTER_LEVEL.fullmatch(body) else None,
                    paired=_PAIRED_BRACKET.fullmatch(body) is not None, digits=m.group(2).isdigit(),
                    label=labelled.group(1) if labelled else None)
            elif kind in ("word", "cell"):
                # A class name, or a word padded to a column width or between tabs (zap's console
                # "time<TAB>level<TAB>caller<TAB>message"), is a header field; a lone symbol may be a mark.
                word = m.group(2)
                # With its message after it: one alone on its line heads an indented message (the multi-line
                # console format), which the line after holds.
                ided = kind == "word" and _CATEGORY_ID.fullmatch(word) is not None and bool(rest[m.end():].strip())
                detail = _WordShape(
                    digits=word.isdigit(), qualified=ided or _QUALIFIED.fullmatch(word) is not None,
                    padded=rest.startswith("  ", m.end()) or ("\t" in m.group(1) and rest.startswith("\t", m.end())),
                    mark=word if kind == "word" and _MARK.fullmatch(word) else None,
                    caller=_CALLER.fullmatch(word) is not None, ided=ided, paired=_PAIR.fullmatch(word) is not None,
                    host=_ADDRESS.fullmatch(word) is not None, session=_SESSION.fullmatch(word) is not None,
                    marked=word if kind == "word" and _MARKED_LETTER.fullmatch(word) else None,
                    topics=_TOPICS.fullmatch(word) is not None, erlang=_ERLANG_PID.fullmatch(word) is not None,
                    number=_NUMBER.fullmatch(word) is not None)
            elif kind == "labelled":
                detail = _LabelledShape(m.group(3))
            elif kind == "glued":
                fields = re.findall(r"\[([^\[\]\s]*)\]", m.group(3))
                detail = _GluedShape(len(fields), _QUALIFIED.fullmatch(fields[-1]) is not None)
            elif kind == "paren":
                source = _PAREN_SOURCE.fullmatch(m.group(2))
                detail = _ParenShape(m.group(2) if _PAREN_MARK.fullmatch(m.group(2)) else None,
                                     source and source.group(1))
            else:
                detail = ()
            out.append(_Element(kind, bool(m.group(1)), detail,
                                m.group(2) if kind in ("component", "word", "bracket", "labelled") else ""))
            pos = m.end()
            break
        else:
            break  # only whitespace left
        # A level letter, or a capitalised word that may be a level (_level_words), may come before the name.
        if out[-1].kind in ("pid_thread", "labelled") or (out[-1].kind == "component"
                                                            and not (out[-1].detail.letter or out[-1].detail.capital)):
            break
    return out


def _header(rests: list[str]) -> list[tuple[_Element, bool]]:
    """Elements found at the same place on most lines: (element, whether its pid or thread is optional) pairs;
    trailing words dropped."""
    per_line = [_elements(r) for r in rests]
    header: list[tuple[_Element, bool]] = []
    alive = list(range(len(per_line)))
    need = HEADER_SHARE * len(per_line)
    listed = False  # the message opens with a list of labelled values: the words before it are the header's
    _join_runs_before_level(per_line, need)
    _join_runs_before_dash(per_line, need)
    for place in range(_MAX_BRACKETED):
        kinds = Counter(per_line[i][place].kind for i in alive if len(per_line[i]) > place)
        if not kinds:
            break
        marked = _at(per_line, alive, place, _symbol)
        # Marks in parentheses take turns with each other, lone symbols with each other.
        paren = [i for i in marked if per_line[i][place].kind == "paren"]
        others = [i for i in marked if per_line[i][place].kind != "paren"]
        marked = paren if len(paren) > len(others) else others
        if len(marked) >= need and len({_symbol(per_line[i][place]) for i in marked}) > 1:
            first = per_line[marked[0]][place]
            # Xorg writes some lines without a mark ("[  27.158] Current Operating System: ..."): optional there.
            paren = first.kind == "paren"
            header.append((_Element("mark", first.spaced, _MarkShape(paren)), paren and len(marked) < len(alive)))
            alive = marked
            continue
        worded = _level_words(per_line, alive, place, need)
        if worded:
            alive = worded
            header.append((_Element("level", per_line[alive[0]][place].spaced,
                                    _LevelShape("", "", ":", False, worded=True)), False))
            continue
        kind, n = kinds.most_common(1)[0]
        bracketed = _at(per_line, alive, place, _bracketed)
        if len(bracketed) >= need and (n < need or (kind == "level" and len(bracketed) > n)):
            # Bracketed level words on some lines, other bracketed words on the rest ("[INF]", "[DEB]"; "[Note]",
            # "[System]"): a bracket, the level when level words are most of it, so that no line is left unread.
            leveled = kinds["level"] >= 0.5 * len(bracketed)
            alive = bracketed
            header.append((_Element("bracket", per_line[alive[0]][place].spaced,
                                    _BracketShape(leveled=leveled, lettered=True)), False))
            continue
        if kind != "level" and not any(e.kind == "level" for e, _ in header) and \
                _word_before_level(per_line, alive, place, need):
            # A word on some lines only before the level (PostgreSQL's "user@db ERROR:" in a session, "LOG:"
            # outside one): an optional field, which the lines without it are given here, so places line up.
            # The lines that write the word: the others hold a blank one (_word_before_level).
            said = [per_line[i][place].detail for i in _at(per_line, alive, place,
                                                             lambda e: e.kind == "word" and not e.detail.blank)]
            paired, session = all(d.paired for d in said), all(d.session for d in said)
            header.append((_Element("word", True, _WordShape(paired=paired, session=session)), True))
            continue
        if header and _bracketed(header[-1][0]) and _glued_bracket(per_line, alive, place, kind, need):
            # A bracket glued to the last on some lines only (Harbor's "[file.go:57][requestID=...]:"): an optional
            # field, so that those lines read the same header as the rest.
            alive = _at(per_line, alive, place, lambda e: e.kind == "bracket")
            lettered = any(per_line[i][place].detail.lettered for i in alive)
            header.append((_Element("bracket", False, _BracketShape(lettered=lettered)), True))
            continue
        if header and _plain_word(header[-1][0]) and _echoes(per_line, alive, place, need):
            # A thread's name, then its logger's: the thread's own name again, or an extension's in brackets
            # (WALinuxAgent's "INFO ExtHandler ExtHandler ..." beside "INFO ExtHandler [Ext-1.0] ..."). No message
            # opens by saying its first word twice: both are the header's.
            header.append((_Element("echo", True, ()), False))
            break
        if n < need or (kind == "level" and any(e.kind == "level" for e, _ in header)):
            break
        before = len(alive)
        alive = _at(per_line, alive, place, lambda e, wanted=kind: e.kind == wanted)
        shapes = Counter(per_line[i][place] for i in alive)
        element = shapes.most_common(1)[0][0]
        if kind == "sep" and element.detail.char == ">" and not (header and header[-1][0].kind == "word"
                                                                  and header[-1][0].detail.caller):
            break  # zerolog's "file.go:42 > message" ends a header; "INFO > Task", "cpu > 83%" are messages
        if kind == "sep" and element.detail.char == ":" and not element.spaced and header and _bracketed(header[-1][0]):
            # A colon glued to a bracket ("[c.h.i.Picker]: message") ends the header as one after a name does: the
            # brackets after it ("[10.0.12.5]:5701 [prod] ...") are the message's.
            header.append((element, False))
            break
        sourced = Counter(e.detail.source for e in shapes.elements() if e.detail.source) if kind == "paren" \
            else Counter()
        if sum(sourced.values()) >= need:
            # A source file and its line in parentheses names the component (a separator may follow it: log4j's
            # "(App.java:12) - "); a line without it (another writer's) has none.
            header.append((_Element("paren", element.spaced, _ParenShape(None, sourced.most_common(1)[0][0])),
                           sum(sourced.values()) < before))
            continue
        if kind == "paren_name":
            header.append((element, False))
            continue
        if kind == "glued":
            # One count of glued fields; the last names the logger where most lines hold a class name there.
            count = Counter(e.detail.count for e in shapes.elements()).most_common(1)[0][0]
            alive = [i for i in alive if per_line[i][place].detail.count == count]
            qualified = sum(per_line[i][place].detail.qualified for i in alive) >= need
            header.append((_Element(kind, element.spaced, _GluedShape(count, qualified)), False))
            continue
        if kind == "paren":
            # A thread follows the logger's bracket (JBoss' "[org.x.Y] (Timer-0)") or comes before it (Home
            # Assistant's "INFO (MainThread) [homeassistant.core]"); "INFO (4/40) Downloading" is a message's.
            if not (header and _bracketed(header[-1][0])) and len(_at(per_line, alive, place + 1, _bracketed)) < need:
                break
            # On some lines only (a line written without its thread): an optional field, as a pid may be.
            header.append((element, len(alive) < before))
            continue
        if kind == "component" and _level_letters({e.detail.letter for e in shapes}):
            # Level letters taking turns, as PulseAudio and apt write them ("W: [pulseaudio] pid.c: ..."): the
            # level. Info or warning among them: drive letters ("C: 20% used", "D: ...") are names.
            header.append((_Element("level", element.spaced, _LevelShape("", "", ":", False, letter=True)), False))
            continue
        if kind == "labelled":
            if len(set(shapes)) == 1 and len(alive) == before:  # one label, on every line: the header's
                header.append((element, False))
            break
        if kind == "component" and _names_values(per_line, alive, place):
            break  # "path/to/file.txt: Copied": values a message names, not parts of a program
        if kind == "component" and _opens_labelled_list(rests, per_line, alive, place, need):
            listed = True
            break
        if kind == "component":
            with_pid = sum(c for e, c in shapes.items() if e.detail.pid)
            with_sub = sum(c for e, c in shapes.items() if e.detail.sub)
            # Subsystem: 0 never, 1 on some lines, 2 on all.
            sub = 0 if not with_sub else (2 if with_sub == len(alive) else 1)
            leveled = sum(c for e, c in shapes.items() if e.detail.leveled) == len(alive)
            padded = any(e.detail.padded for e in shapes)
            joins = Counter(e.detail.joint for e in shapes.elements())
            joint = next(iter(joins)) if len(joins) == 1 else None  # the level's joint, where every line has one
            valued = sum(c for e, c in shapes.items() if e.detail.valued) == len(alive)
            # The character before the line, where every line writes a source file and its line the same way.
            lines = Counter(e.detail.line for e in shapes.elements())
            lined = next(iter(lines)) if len(lines) == 1 else None
            named = any(e.detail.named for e in shapes)  # an instance's name in the bracket: no pid's digits
            # The message glued to the colon on most lines: no space before it (on the others, spaces are its own).
            glued = sum(c for e, c in shapes.items() if e.detail.glued) >= need
            parened = sum(c for e, c in shapes.items() if e.detail.parened) == len(alive)  # "name[pid](level):"
            twice = any(e.detail.twice for e in shapes)  # a second name after the subsystem, on some lines
            angled = all(_ANGLED_NAME.fullmatch(per_line[i][place].name) for i in alive)
            detail = _ComponentShape(with_pid == len(alive), sub, leveled, padded, joint, valued, lined, named, glued,
                                     parened, twice, angled=angled)
            header.append((_Element(kind, element.spaced, detail), 0 < with_pid < len(alive)))
            break
        marked = Counter(e.detail.marked for e in shapes.elements()) if kind == "word" else Counter()
        if _level_letters({m and m[0] for m in marked}) and marked.most_common(1)[0][0][0] in "VTDI":
            # Level letters with a mark taking turns (Telegraf's "I!", "W!", "E!"), info or below most often: the
            # level, as letters in brackets are.
            mark = marked.most_common(1)[0][0][1]
            header.append((_Element("level", element.spaced, _LevelShape("", mark, "", False, letter=True)), False))
            continue
        letters = Counter(per_line[i][place].name for i in alive) if kind == "word" else Counter()
        if _letter_column(letters) and not _file_operations(letters, per_line, alive, place, need):
            # A column of single capitals, level letters among them (WebSphere's "I", "W", "E", "A" beside its own
            # "O" for a program's standard output): the level, a mark of the line's kind where not a level.
            header.append((_Element("level", element.spaced, _LevelShape("", "", "", False, letter=True)), False))
            continue
        if kind in ("word", "cell"):
            digits = sum(c for e, c in shapes.items() if e.detail.digits) == len(alive)
            qualified = sum(c for e, c in shapes.items() if e.detail.qualified) >= need
            padded = sum(c for e, c in shapes.items() if e.detail.padded) >= need
            caller = sum(c for e, c in shapes.items() if e.detail.caller) == len(alive)
            ided = sum(c for e, c in shapes.items() if e.detail.ided) >= need
            paired = sum(c for e, c in shapes.items() if e.detail.paired) >= need
            # An address first on every line is the host that sent it, whatever follows (a firewall's key=value
            # record under a syslog relay's header has no program name after it).
            host = not header and sum(c for e, c in shapes.items() if e.detail.host) == len(alive)
            session = sum(c for e, c in shapes.items() if e.detail.session) >= need
            run = any(e.detail.run for e in shapes)  # words joined before the level on some lines
            coded = kind == "word" and bool(header) and (header[-1][0].kind == "level" or _bracketed(header[-1][0])) \
                and _code_names(per_line, alive, place, need)
            topics = sum(c for e, c in shapes.items() if e.detail.topics) >= need
            erlang = sum(c for e, c in shapes.items() if e.detail.erlang) == len(alive)
            numeric = sum(c for e, c in shapes.items() if e.detail.number) == len(alive)
            element = _Element(kind, element.spaced, _WordShape(
                digits=digits, qualified=qualified, padded=padded, caller=caller, ided=ided, paired=paired, host=host,
                session=session, run=run, coded=coded, topics=topics, erlang=erlang, number=numeric))
        elif kind == "bracket":
            qualified = sum(c for e, c in shapes.items() if e.detail.qualified) >= need
            leveled = sum(c for e, c in shapes.items() if e.detail.leveled) >= need
            lettered = sum(c for e, c in shapes.items() if e.detail.lettered) >= need
            # Level letters taking turns in a bracket ("[I] router: ...", "[W] ..."), info or warning among them, as
            # letters outside one, and most often info or one below, as most of a log's lines are: the level. Letters
            # as often one as another ("[E]"/"[W]" for east and west, "[N]" among them) name something else.
            letters = Counter()
            for e, c in shapes.items():
                letters[e.detail.letter] += c
            leveled = leveled or (_level_letters(set(letters)) and letters.most_common(1)[0][0] in "VTDI")
            paired = any(e.detail.paired for e in shapes)
            digits = sum(c for e, c in shapes.items() if e.detail.digits) == len(alive)
            labels = Counter(e.detail.label for e in shapes.elements())
            label = next(iter(labels)) if len(labels) == 1 else None  # "[pid 2219]" on every line
            element = _Element(kind, element.spaced, _BracketShape(
                qualified, leveled, lettered, paired=paired, digits=digits, label=label,
                parts=_names_parts(per_line, alive, place)))
        elif kind == "level":
            # Brackets seen on most lines are part of the layout; their absence elsewhere is not. Padding anywhere
            # makes it optional everywhere. Lines taking turns with and without a colon ("INFO:" beside "INFO"), or
            # with and without one kind of bracket ("[INFO]" beside "INFO"), make it optional.
            padded = int(any(e.detail.padded & 1 for e in shapes)) | 2 * any(e.detail.padded & 2 for e in shapes)
            opening, closing, colon = element.detail.opening, element.detail.closing, element.detail.colon
            brackets = {(e.detail.opening, e.detail.closing) for e in shapes}
            unbracketed = len(brackets) == 2 and ("", "") in brackets
            if unbracketed:
                (opening, closing), = brackets - {("", "")}
            if len({e.detail.colon for e in shapes}) > 1:
                colon = ":?"
            # Facility: 0 never, 1 on some lines, 2 on all.
            with_facility = sum(c for e, c in shapes.items() if e.detail.facility)
            facility = 0 if not with_facility else (2 if with_facility == len(alive) else 1)
            header.append((_Element(kind, element.spaced, _LevelShape(opening, closing, colon, padded,
                                                                      facility=facility)), unbracketed))
            continue
        # A last bracket some lines lack ("[C12] closing" beside "DNS hosts have changed") is optional there.
        header.append((element, kind == "bracket" and len(alive) < before))
    # Words at the end are the message's first words, unless most lines pad them, they name a class or every line
    # writes a source file and its line there (FreeSWITCH's "mod_sofia.c:217 message") or an Erlang process id
    # (_ERLANG_PID); after a separator ("com.acme.Api - ...") the header has ended, whatever the words look like.
    # Two numbers in a row on every line before the message's words (Python's "%(process)d %(thread)d"; Ceph's
    # thread in hexadecimal and its verbosity, "7f3a1b2a3700 -1") are a process or thread and another field: no
    # message opens so. Numbers that only a quoted request follows are an access record's (status, bytes).
    worded = False
    while not listed and header and header[-1][0].kind == "word" and (
            not _names_word(header[-1][0].detail)
            and not (worded and _numbers_end(header))
            or (len(header) >= 2 and header[-2][0].kind == "sep")):
        worded = not header.pop()[0].detail.digits or worded
    return header


def _code_names(per_line: list[list[_Element]], alive: list[int], place: int, need: float) -> bool:
    """Whether the words at ``place`` name functions of the program: lower-case identifiers on ``need`` lines, half
    of them joined from parts (a hump, an underscore, a module's slash), few of them among many lines."""
    # Icecast's "INFO source/source_main", Confluence's log4j "%M" after the logger ("[c.a.Foo] flushQueue"): a
    # message's first word is seldom an identifier in code's style, and prose repeats no handful of them.
    if len(alive) < _MIN_NAMED_LINES:
        return False
    names = [per_line[i][place].name for i in alive]
    identifiers = sum(_CODE_NAME.fullmatch(n) is not None for n in names)
    joined = sum(_JOINED_NAME.search(n) is not None for n in names)
    return identifiers >= need and 2 * joined >= len(alive) and not _names_values(per_line, alive, place)


def _names_parts(per_line: list[list[_Element]], alive: list[int], place: int) -> bool:
    """Whether the brackets at ``place`` name a program's parts (loggers), not its threads: a few names, at least
    :data:`_MIN_PARTS`, none with a digit, among enough lines to tell."""
    # Threads are numbered as a pool makes them ("pool-1-thread-3", "Thread-0", "exec-12") or are one ("main");
    # loggers are a handful of words, each writing many lines ("[gossip.privdata]", "[endorser]", "[app.db]").
    if len(alive) < _MIN_NAMED_LINES or _names_values(per_line, alive, place):
        return False
    names = {per_line[i][place].name.strip() for i in alive}
    return len(names) >= _MIN_PARTS and not any(c.isdigit() for n in names for c in n)


# A value and the next label of a list of labelled values ("Warning, Category: Audit, ..."), as a record's fields.
_LABELLED_LIST = re.compile(r"\s*[^\s,:][^,:]*, [A-Z][\w ]*: ")


def _opens_labelled_list(rests: list[str], per_line: list[list[_Element]], alive: list[int], place: int,
                         need: float) -> bool:
    """Whether the names at ``place`` are one capitalised label, on every line, of a list of labelled values
    that opens the message ("Severity: Warning, Category: Audit, MessageID: USR0031, Message: ..."): the record's
    first field, not a component."""
    names = {per_line[i][place].name for i in alive}
    if len(names) != 1 or _CAPITAL_WORD.fullmatch(next(iter(names))) is None:
        return False
    label = next(iter(names)) + ":"
    return sum(_LABELLED_LIST.match(rests[i].partition(label)[2]) is not None for i in alive) >= need


def _names_values(per_line: list[list[_Element]], alive: list[int], place: int) -> bool:
    """Whether the names at ``place`` are more than a quarter as many as their lines (``_DISTINCT_SHARE``), among
    enough lines to tell."""
    # A program has few parts to name, each writing many lines; files or objects a message is about are many,
    # each named on a line or two.
    if len(alive) < _MIN_NAMED_LINES:
        return False
    # A source file names one part however many of its lines write ("server.go:42", "server.go:57").
    names = Counter(_LINE_OF_NAME.sub("", per_line[i][place].name) for i in alive)
    return len(names) > _DISTINCT_SHARE * len(alive)


def _level_place(elements: list[_Element]) -> int | None:
    """Index of the first level element; None without one."""
    return next((k for k, e in enumerate(elements) if e.kind == "level"), None)


def _dash_place(elements: list[_Element]) -> int | None:
    """Index of the first spaced dash after a level (" - ", the logger's end before the message); None without one."""
    level = _level_place(elements)
    return None if level is None else next(
        (k for k in range(level + 1, len(elements)) if elements[k].kind == "sep" and elements[k].spaced
         and elements[k].detail == _SepShape("-", True)), None)


def _join_runs_before(per_line: list[list[_Element]], need: float, place_of: Callable[[list[_Element]], int | None],
                      start_word: Callable[[_Element], bool]) -> None:
    """Where ``need`` lines write the element ``place_of`` finds after words whose count varies, the words the longer
    lines add join the first word (``start_word`` on every line) into one run (in place), so that the element sits
    at one place on every line."""
    places = {i: place_of(elements) for i, elements in enumerate(per_line)}
    places = {i: k for i, k in places.items() if k is not None}
    if len(places) < need or len(set(places.values())) < 2:
        return
    least = min(places.values())
    if max(places.values()) - least > _MAX_RUN:
        return
    # Only words, or a dash inside a name ("Executor - 1"), from the start to the element: an optional bracket or
    # thread some lines add is no name's word.
    start = next((k for k in range(least) if all(start_word(per_line[i][k]) and all(
        e.kind in ("word", "sep") for e in per_line[i][k + 1:places[i]]) for i in places)), None)
    if start is None:
        return
    for i, k in places.items():
        if k > least:
            per_line[i][start:start + k - least + 1] = [
                _Element("word", per_line[i][start].spaced, _WordShape(run=True))]


def _join_runs_before_level(per_line: list[list[_Element]], need: float) -> None:
    """Where ``need`` lines write the level after words whose count varies (a thread or program named with spaces:
    "main [INFO]" beside "AsyncLocalizer Cleanup [INFO]", "main pid 7: LOG:" beside "PostgreSQL JDBC Driver pid 7:
    FATAL:"), the words the longer lines add join into one run (:func:`_join_runs_before`)."""
    # A plain word (no class name, number or key=value: context pairs some lines add are values, not a name) starts it.
    _join_runs_before(per_line, need, _level_place, _plain_word)


def _join_runs_before_dash(per_line: list[list[_Element]], need: float) -> None:
    """Where ``need`` lines write a level, then a logger's name whose word count varies, then " - " (Python's
    "LEVEL | %(name)s - %(message)s" with a dotted module on some lines and "Flow run 'x'" on others), the words the
    longer lines add join into one run (:func:`_join_runs_before`), so that the dash ends the header on every line.
    Only where the dash sits at one place on ``need`` lines, as a header's element does: a message's own dash after
    words of any count ("Cache miss for key - fetching", "Job done - 7 items") is no header's end."""
    places = Counter(place for elements in per_line if (place := _dash_place(elements)) is not None)
    if max(places.values(), default=0) < need:
        return
    # Any word starts it: a class name or a module is the name most such lines write.
    _join_runs_before(per_line, need, _dash_place,
                      lambda e: e.kind == "word" and not (e.detail.digits or e.detail.paired))


_ECHO_SHARE = 0.2  # of the lines, with the word before again: no chance repetition


def _echoes(per_line: list[list[_Element]], alive: list[int], place: int, need: float) -> bool:
    """Whether the lines hold at ``place`` the word before it again (on :data:`_ECHO_SHARE` of them) or a bracket,
    on ``need`` lines together."""
    echoed = bracketed = 0
    for i in alive:
        element = per_line[i][place] if len(per_line[i]) > place else None
        echoed += element is not None and element.kind == "word" and element.name == per_line[i][place - 1].name
        bracketed += element is not None and element.kind == "bracket"
    return echoed >= _ECHO_SHARE * len(alive) and echoed + bracketed >= need


def _plain_word(element: _Element) -> bool:
    """Whether an element is a word that is no number, class name or key=value pair."""
    return element.kind == "word" and not (element.detail.digits or element.detail.qualified or element.detail.paired)


def _numbers_end(header: list[tuple[_Element, bool]]) -> bool:
    """Whether the header ends with two words that are numbers on every line (digits, a signed one, a thread's
    hexadecimal id), none of them optional; the first may be an Erlang process id (a process, as a pid's digits)."""
    return len(header) >= 2 and all(
        e.kind == "word" and (e.detail.digits or e.detail.number or (k == 0 and e.detail.erlang)) and not optional
        for k, (e, optional) in enumerate(header[-2:]))


def _level_letters(letters: set) -> bool:
    """Whether the letters lines write at one place (None: a line writes no letter there) take turns as levels do,
    info or warning among them: drive letters ("C:", "D:") are names."""
    return None not in letters and len(letters) > 1 and bool(letters & {"I", "W"})


def _letter_column(words: Counter) -> bool:
    """Whether the words one place holds are each one capital letter, two level letters or more among them, info or
    warning, and a routine level (:data:`_ROUTINE_LETTERS`) too, beside two other letters at most."""
    # A container runtime's "F"/"P" (a full or partial line), a direction's "I"/"O", a compass' "N"/"E"/"S"/"W" are
    # no levels: a log's levels run from routine lines to warnings. Beside levels, letters mark a program's standard
    # output and error (WebSphere's "O", "R"); more are codes of a program's own (blktrace's actions Q, G, I, M, D,
    # C, U, P), which name the event.
    levels = {w for w in words if _LETTER_LEVEL.fullmatch(w)}
    return all(re.fullmatch("[A-Z]", w) for w in words) and _level_letters(levels) \
        and bool(levels & _ROUTINE_LETTERS) and len(words) - len(levels) <= _OTHER_LETTERS


def _names_file(element: _Element) -> bool:
    """Whether an element is a word or name that is a path ("/data/file1", "./x", "~/x")."""
    # Letters before a path on most lines say what was done to the file (an I/O trace's R, W, D; a version
    # control's A, M, D), as a level, before a message of any words, does not.
    return element.kind in ("word", "component") and _PATH_WORD.match(element.name) is not None


def _file_operations(letters: Counter, per_line: list[list[_Element]], alive: list[int], place: int,
                     need: float) -> bool:
    """Whether a column of ``letters`` at ``place`` says what was done to the file that follows on ``need`` lines."""
    # An operation's alphabet shows a letter no level's has (an I/O trace's R, a version control's M); level
    # letters alone before paths, an error among them, stay the level (a server's "E /api/users 500").
    return any(_LETTER_LEVEL.fullmatch(w) is None for w in letters) \
        and len(_at(per_line, alive, place + 1, _names_file)) >= need


def _level_words(per_line: list[list[_Element]], alive: list[int], place: int, need: float) -> list[int]:
    """The alive lines with a level word and a colon at ``place`` or a capitalised word and a colon, when they are
    ``need`` lines, level words on :data:`_LEVEL_WORDS_SHARE` of them, and a component follows on ``need``; else []."""
    leveled = _at(per_line, alive, place, lambda e: e.kind == "level" and e.detail.opening == e.detail.closing == ""
                  and e.detail.colon == ":")
    worded = _at(per_line, alive, place, lambda e: e.kind == "component" and e.detail.capital)
    both = sorted(leveled + worded)
    if not worded or len(leveled) < _LEVEL_WORDS_SHARE * len(alive) or len(both) < need or \
            len(_at(per_line, both, place + 1, lambda e: e.kind == "component")) < need:
        return []
    return both


def _word_before_level(per_line: list[list[_Element]], alive: list[int], place: int, need: float) -> bool:
    """Whether the level sits at ``place`` on some alive lines and right after a word there on the others, on
    ``need`` lines together, each on :data:`_OPTIONAL_SHARE` of them; if so, the lines without the word get an
    empty one at ``place`` (in place)."""
    level = lambda e: e.kind == "level"  # noqa: E731
    here = _at(per_line, alive, place, level)
    after = [i for i in _at(per_line, alive, place, lambda e: e.kind == "word" and not e.detail.digits)
             if len(per_line[i]) > place + 1 and level(per_line[i][place + 1])]
    if len(here) + len(after) < need or min(len(here), len(after)) < _OPTIONAL_SHARE * len(alive):
        return False
    for i in here:
        per_line[i].insert(place, _Element("word", True, _WordShape(blank=True)))
    return True


def _glued_bracket(per_line: list[list[_Element]], alive: list[int], place: int, kind: str, need: float) -> bool:
    """Whether some alive lines hold a bracket glued on at ``place`` and the others' ``kind`` after it, on ``need``
    lines together, each on :data:`_OPTIONAL_SHARE` of them; if so, the others get an empty bracket there (in
    place)."""
    glued = _at(per_line, alive, place, lambda e: e.kind == "bracket" and not e.spaced)
    if kind == "bracket":  # glued on most lines: the others hold what follows it there
        after = Counter(per_line[i][place + 1].kind for i in glued if len(per_line[i]) > place + 1)
        kind = after.most_common(1)[0][0] if after else kind
    here = _at(per_line, alive, place, lambda e: e.kind == kind != "bracket")
    glued = [i for i in glued if len(per_line[i]) > place + 1 and per_line[i][place + 1].kind == kind]
    if len(here) + len(glued) < need or min(len(here), len(glued)) < _OPTIONAL_SHARE * len(alive):
        return False
    for i in here:
        per_line[i].insert(place, _Element("bracket", False, _BracketShape(blank=True)))
    return True


def _at(per_line: list[list[_Element]], alive: list[int], place: int, test) -> list[int]:
    """The alive lines whose element at ``place`` passes ``test``."""
    return [i for i in alive if len(per_line[i]) > place and test(per_line[i][place])]


def _names_word(shape: _WordShape) -> bool:
    """Whether a header's word is no message's first word: padded, a class name, a caller, a host, a function's
    name, topics or an Erlang process id."""
    return (shape.qualified or shape.padded or shape.caller or shape.host or shape.coded or shape.topics
            or shape.erlang)


def _bracketed(element: _Element) -> bool:
    """Whether the element is a whole ``[...]``, a bracketed level word included."""
    return element.kind == "bracket" or (element.kind == "level" and element.detail.opening == "["
                                         and element.detail.closing == "]")


def _symbol(element: _Element) -> str | None:
    """The symbol of a lone-symbol element ("-", ".", "#" between spaces, or a mark in parentheses), else None."""
    if element.kind == "sep" and element.spaced and element.detail.followed and element.detail.char != "|":
        return element.detail.char
    if element.kind == "paren":
        return element.detail.mark
    return element.detail.mark if element.kind == "word" and element.spaced else None


class _Names:
    """Unique field names in Loghub style (Pid, Pid2, ...)."""

    def __init__(self) -> None:
        self.used: Counter = Counter()

    def __call__(self, name: str) -> str:
        self.used[name] += 1
        return name if self.used[name] == 1 else f"{name}{self.used[name]}"


def _function_at(header: list[tuple[_Element, bool]]) -> int | None:
    """Index of the word just before a closing separator that names a function, as a bracket naming the program's
    parts comes before it (Python's "[%(name)s] %(funcName)s - ", Go's "[module] shortfunc -> "); else None."""
    kinds = [e.kind for e, _ in header]
    if len(kinds) < 2 or kinds[-2:] != ["word", "sep"] or header[-2][0].detail.qualified:
        return None  # no such word, or a class name there: the logger (log4j's "[main] c.a.Api - ")
    return len(kinds) - 2 if any(e.kind == "bracket" and e.detail.parts for e, _ in header[:-2]) else None


def _component_at(header: list[tuple[_Element, bool]]) -> int | None:
    """Index of the word or cell that names the component, when no ``name:`` element does; else None.

    In order: a word just before a closing separator ("com.acme.Api - message") unless a class name comes
    before it (logback's MDC values between the logger and its " - "), a class name (log4j's ``%c``), a source
    file and its line, a word next to the level ("INFO nova.api", "api - ERROR"), the first non-numeric cell of a
    delimited header.
    """
    kinds = [e.kind for e, _ in header]
    if any(k in _COMPONENT_KINDS for k in kinds) or _function_at(header) is not None:
        return None  # a bracket names it then
    # Neither a pid's digits, a key=value pair, an address, a session's user@database nor an Erlang pid name one.
    words = [i for i, k in enumerate(kinds) if k == "word"
             and not (header[i][0].detail.digits or header[i][0].detail.paired or header[i][0].detail.host
                      or header[i][0].detail.session or header[i][0].detail.erlang)]
    qualified = [i for i in words if header[i][0].detail.qualified]
    if len(kinds) >= 2 and kinds[-1] == "sep" and kinds[-2] == "word" and (
            not qualified or qualified[-1] == len(kinds) - 2):
        return len(kinds) - 2
    if qualified:
        return qualified[-1]
    callers = [i for i in words if header[i][0].detail.caller]  # a source file and its line: "switch_core.c:217"
    if callers:
        return callers[-1]
    if "level" in kinds:
        at = kinds.index("level")
        for step in (1, -1):
            j = at + step
            while 0 <= j < len(kinds) and kinds[j] == "sep":
                j += step
            if j in words:
                return j
    return next((i for i, (e, _) in enumerate(header) if e.kind == "cell" and not e.detail.digits), None)


def _optional(field: str) -> str:
    """A header field's pattern text made optional, for the lines written without it."""
    return f"(?:{field})?"


def _header_pattern(header: list[tuple[_Element, bool]], names: _Names, patterns: dict[str, str],
                    after_time: bool) -> str:
    """Loghub-notation text of the header elements, ending just before the message."""
    component_at, function_at = _component_at(header), _function_at(header)
    # Without a component element or word, a bracket names it: the first holding a class name ("[o.e.n.Node]"),
    # else the last.
    has_component = component_at is not None or any(
        e.kind == "component" and not e.detail.valued or e.kind == "labelled" for e, _ in header)
    has_level = any(e.kind == "level" for e, _ in header)
    kinds = {e.kind for e, _ in header}
    # A bracket holding a class name names it, even where some lines lack it; else the last bracket every line
    # has (one some lines lack names no component while another can).
    brackets = [i for i, (e, _) in enumerate(header) if e.kind == "bracket"]
    steady = [i for i in brackets if not header[i][1]] or brackets
    component_bracket = next((i for i in brackets if header[i][0].detail.qualified), steady[-1] if steady else None)
    if not has_component and any(e.kind == "glued" and e.detail.qualified for e, _ in header):
        component_bracket = None  # the glued fields' class name names it
    out = ""
    for i, (element, optional) in enumerate(header):
        # Separators, cells and brackets sit where they are ("12:00:01, Info", "...:123|api|", "...,123][INFO]");
        # other elements follow a space.
        glued = element.kind in ("sep", "cell", "bracket") or (element.kind == "level" and element.detail.opening) \
            or (element.kind == "mark" and element.detail.paren)
        forced = i == 0 and after_time and not glued
        gap = " " if element.spaced or forced else ""
        piped = element.kind == "cell" or (element.kind == "sep" and element.detail.char == "|")
        if piped and element.spaced and i > 0 and header[i - 1][0].kind == "level":
            gap = "\\s*"  # a level column padded to its width, which its longest level fills ("|INFO    |CRITICAL|")
        nxt = header[i + 1][0] if i + 1 < len(header) else None
        if element.kind == "level":
            opening, closing, colon, padded = element.detail.opening, element.detail.closing, element.detail.colon, \
                element.detail.padded
            name = names("Level")
            patterns[name] = (_LETTER_FIELD if element.detail.letter else _WORD_LEVEL_FIELD if element.detail.worded
                              else LEVELS_RE)
            bare = "?" if optional else ""  # brackets some lines write and others not
            # A level column padded between pipes may be a blank cell ("|        |" beside "|INFO    |"): no level.
            cell = (i > 0 and header[i - 1][0].kind == "sep" and header[i - 1][0].detail.char == "|" and not opening
                    and nxt is not None and nxt.kind in ("sep", "cell") and nxt.spaced
                    and (nxt.kind == "cell" or nxt.detail.char == "|"))
            level = _optional(f"<{name}>") if cell else f"<{name}>"
            if element.detail.facility:
                facility = names("Facility")
                patterns[facility] = _FACILITY
                level = (f"<{facility}>\\." if element.detail.facility == 2 else _optional(f"<{facility}>\\.")) + level
            out += (gap + re.escape(opening) + bare + ("\\s*" if padded & 2 else "") + level
                    + ("\\s*" if padded & 1 else "") + re.escape(closing) + bare + colon)
        elif element.kind == "component":
            shape = element.detail
            name, pid = names("Field" if shape.valued else "Component"), names("Instance" if shape.named else "Pid")
            patterns[name], patterns[pid] = _COMPONENT_BODY, _INSTANCE if shape.named else r"\d+"
            line = lead = ""
            if shape.line:  # a source file's line: a field, so that one file is one component
                lineno = names("Lineno")
                patterns[name], patterns[lineno] = _COMPONENT_NAME, r"\d+"
                line = f"{shape.line}<{lineno}>"
            pad = "\\s*" if shape.padded else ""
            tail = f"({pad}\\[<{pid}>\\])?" if optional else (f"{pad}\\[<{pid}>\\]" if shape.pid else "")
            if shape.leveled and not has_level:
                level = names("Level")
                patterns[level] = LEVELS_RE
                tail = f"\\[<{level}>\\]"
            elif shape.joint == "." and not has_level:  # Monolog's "channel.LEVEL:"
                level = names("Level")
                patterns[level] = LEVELS_RE
                tail = f"\\.<{level}>" + tail
            elif shape.joint == "/" and not has_level:  # Locust's "host/LEVEL/logger:"
                field, level = names("Field"), names("Level")
                patterns[field], patterns[level] = r"[^/\s]+", LEVELS_RE
                lead = f"<{field}>/<{level}>/"
            if shape.parened:
                paren = names("Field" if has_level or shape.leveled else "Level")
                patterns[paren] = LEVELS_RE
                tail += f"\\(<{paren}>\\)"
            if shape.sub:
                sub = names("Subsystem")
                patterns[sub] = _SUBSYSTEM_BODY
                tail += f" \\(<{sub}>\\)" if shape.sub == 2 else f"( \\(<{sub}>\\))?"
            if shape.twice:
                second = names("Subsystem")
                patterns[second] = _SUBSYSTEM_BODY
                tail += f"( \\(<{second}>\\))?"
            field = f"\\<<{name}>\\>" if shape.angled else f"<{name}>"
            out += gap + f"{lead}{field}{line}{tail}:"
        elif element.kind == "bracket":
            # A bracket without a letter (logrus' "INFO[0042]" seconds, a pid) names no component or thread; its
            # digits right after the time are the process id, as most logs that write one put it ("UTC [1234]").
            shape = element.detail
            pid = (shape.digits and i == 0 and after_time) or shape.label
            name = names("Level" if shape.leveled and not has_level and "Level" not in names.used else
                         "Pid" if pid else "Field" if not shape.lettered else
                         "Component" if not has_component and i == component_bracket else "Thread")
            patterns[name] = r"\d+" if pid else _BRACKET_BODY
            field = gap + f"\\[<{name}>\\]"
            if name.startswith("Component") and shape.paired:
                pairs = names("Context")
                patterns[name], patterns[pairs] = _BRACKET_BODY + "?", _PAIRS_FIELD
                field = gap + f"\\[<{name}>(?: <{pairs}>)?\\]"
            if shape.label:  # a labelled pid: "Pid" above, its digits
                field = gap + f"\\[{shape.label} <{name}>\\]"
            out += _optional(field) if optional else field
        elif element.kind == "glued":
            process = names("Process")
            patterns[process] = r"[A-Za-z][\w.-]*"
            field = gap + f"<{process}>"
            for k in range(element.detail.count):
                logger = element.detail.qualified and not has_component and k == element.detail.count - 1
                name = names("Component" if logger else "Field")
                patterns[name] = r"[^\[\]\s]*"
                field += f"\\[<{name}>\\]"
            out += field
        elif element.kind == "paren_name":
            name = names("Component")
            patterns[name] = r"[A-Za-z][\w.-]*"
            out += gap + f"\\(<{name}>\\):"
        elif element.kind == "paren" and element.detail.source:  # a source file and its line
            name, lineno = names("Source" if "paren_name" in kinds else "Component"), names("Lineno")
            patterns[name], patterns[lineno] = r"[\w./-]+", r"\d+"
            field = gap + f"\\(<{name}>{re.escape(element.detail.source)}<{lineno}>\\)"
            out += _optional(field) if optional else field
        elif element.kind == "paren":
            name = names("Thread")
            patterns[name] = _PAREN_BODY
            field = gap + f"\\(<{name}>\\)"
            out += _optional(field) if optional else field
        elif element.kind == "mark":
            name = names("Mark")
            paren = element.detail.paren
            patterns[name] = _PAREN_MARK_FIELD if paren else _MARK.pattern
            field = gap + (f"\\(<{name}>\\)" if paren else f"<{name}>")
            out += _optional(field) if optional else field
        elif element.kind == "labels":
            name = names("Labels")
            patterns[name] = r'(?:[^{}"]|"(?:[^"\\]|\\.)*")*'
            field = gap + f"\\{{<{name}>\\}}"
            out += _optional(field) if optional else field
        elif element.kind == "labelled":
            name, label = names("Component"), names("Field")
            patterns[name], patterns[label] = _COMPONENT_NAME, r"\d+"
            out += gap + f"<{name}> {re.escape(element.detail.label)} <{label}>:"
        elif element.kind == "pid_thread":
            pid, thread = names("Pid"), names("Thread")
            patterns[pid], patterns[thread] = r"\d+", r"\d+"
            out += gap + f"<{pid}>#<{thread}>:"
        elif element.kind == "echo":
            name = names("Component")
            patterns[name] = r"\[" + _BRACKET_BODY + r"\]|\S+"
            out += gap + f"<{name}>"
        elif element.kind == "sep":
            out += gap + ("\\" + element.detail.char if element.detail.char in "|*" else element.detail.char)
        else:
            shape = element.detail
            if i == component_at or shape.topics:
                name = names("Component")
            elif nxt is not None and nxt.kind == "echo":
                name = names("Thread")
            elif shape.coded or i == function_at:
                name = names("Function")
            elif shape.digits or shape.erlang:
                name = names("Pid")
            elif shape.session:
                name = names("Session")
            elif i == 0 and after_time and (nxt is not None and nxt.kind == "component" or shape.host):
                name = names("Host")
            else:
                name = names("Field")
            # A field seen only as digits keeps that shape, so a line starting like the header is told apart.
            patterns[name] = _CELL_BODY if element.kind == "cell" else (r"\d+" if shape.digits else r"\S+")
            if shape.erlang:
                patterns[name] = _ERLANG_PID.pattern
            if shape.run:
                patterns[name] = r"\S+(?: \S+){0,%d}?" % _MAX_RUN
            field = gap + ("\\|" if element.kind == "cell" else "") + f"<{name}>"
            if element.kind == "word" and shape.ided:  # a category and its event id, which a line may lack
                event = names("Field")
                patterns[name], patterns[event] = _CATEGORY, r"\d+"
                field += _optional(f"\\[<{event}>\\]")
            out += _optional(field) if optional else field
    return out


# Fields glued to the timestamp by colons, the level first: Python's "%(asctime)s:%(levelname)s:%(name)s:%(message)s".
_COLON_HEADER = re.compile(r":(" + LEVELS_RE + r"):([^:\s]+):")
# Jetty's StdErrLog adds the thread, a name of up to three words, then ": " before the message.
_THREAD_WORD = r"[\w$#.-]+"
_THREAD = f"{_THREAD_WORD}(?: {_THREAD_WORD}){{0,2}}"  # a pool's thread: HikariPool-1 housekeeper
_COLON_THREAD = re.compile(_THREAD_WORD + ": ")
_COLON_THREADS = re.compile(_THREAD + ": ")


def _colon_header(rests: list[str], names: _Names, patterns: dict[str, str]) -> str | None:
    """Loghub-notation text of a ``:LEVEL:name:`` header glued to the timestamp, when most lines have one."""
    if sum(_COLON_HEADER.match(r) is not None for r in rests) < HEADER_SHARE * len(rests):
        return None
    level, component = names("Level"), names("Component")
    patterns[level], patterns[component] = LEVELS_RE, r"[^:\s]+"
    out = f":<{level}>:<{component}>:"
    after = [r[m.end():] for r in rests if (m := _COLON_HEADER.match(r))]
    # Most threads are one word (main, qtp1817420523-63): a message that opens "slow query 5: ..." is no thread.
    # And the format writes one on every line: messages that open "Done: ..." most often are no threads either,
    # and a thread taken there cut the header off the other lines ("Connected to db").
    if sum(_COLON_THREAD.match(r) is not None for r in after) >= HEADER_SHARE * len(rests) \
            and all(_COLON_THREADS.match(r) for r in after):
        thread = names("Thread")
        patterns[thread] = _THREAD
        out += f"<{thread}>: "
    return out


# A process id glued to the timestamp by colons, the message after a space: gvm-libs' "... 05h58.12 UTC:1873: msg".
_COLON_PID = re.compile(r":\d+:(?=\s)")


def _colon_pid(rests: list[str], names: _Names, patterns: dict[str, str]) -> str | None:
    """Loghub-notation text of a ``:pid:`` glued to the timestamp, when most lines have one."""
    if sum(_COLON_PID.match(r) is not None for r in rests) < HEADER_SHARE * len(rests):
        return None
    pid = names("Pid")
    patterns[pid] = r"\d+"
    return f":<{pid}>: "


# A field in angle brackets after a time in them (Oracle WebLogic's "<Info> <Security> <host> <> <<WLS Kernel>>"):
# empty, or holding one level of them.
_ANGLE_BODY = r"(?:[^<>]|<[^<>]*>)*"
_ANGLE_FIELD = re.compile(r"\s+<(" + _ANGLE_BODY + ")>")
_ANGLE_OPENS = re.compile(r"\s+<")  # the last bracket, the message, which may hold any of them, opens so


def _angle_run(rest: str) -> tuple[str, ...] | None:
    """The fields in angle brackets before the message's bracket that ends ``rest``; None where it is no run of
    them."""
    fields: list[str] = []
    ends = [0]
    while m := _ANGLE_FIELD.match(rest, ends[-1]):
        fields.append(m.group(1))
        ends.append(m.end())
    if fields and ends[-1] == len(rest):
        return tuple(fields[:-1])
    # A message's own brackets ("<Threshold <max> reached: 9 > 8>") may read as a field before it: the message
    # opens at the last field after which the rest is one bracket. Its end is looked at once: matched again after
    # each field, a run to the line's end read the line once a field (seconds for a long line of "<a> ").
    if not rest.endswith(">"):
        return None
    return next((tuple(fields[:k]) for k in range(len(fields), -1, -1) if _ANGLE_OPENS.match(rest, ends[k])), None)


def _angle_fields(rests: list[str], names: _Names, patterns: dict[str, str]) -> str | None:
    """Loghub-notation text of the fields in angle brackets that most lines write after their time, two or more of
    them, before the message's bracket that ends the line; None where most lines write no such run."""
    runs = [fields for rest in rests if (fields := _angle_run(rest)) is not None]
    width, lines = Counter(len(fields) for fields in runs).most_common(1)[0] if runs else (0, 0)
    if width < 2 or lines < HEADER_SHARE * len(rests):
        return None
    columns = list(zip(*(fields for fields in runs if len(fields) == width)))
    return "".join(f" <<{name}>>" for name in _angle_names(columns, names, patterns, _ANGLE_BODY))


def _angle_names(columns: list[tuple[str, ...]], names: _Names, patterns: dict[str, str], body: str,
                 leveled: bool = False) -> list[str]:
    """Field names of columns of values in angle brackets, each matching ``body``: the level where most values are
    level words and the header has none (``leveled``: it has one), the one after it the component, else fields."""
    level = None if leveled else next(
        (j for j, values in enumerate(columns)
         if sum(re.fullmatch(LEVELS_RE, v) is not None for v in values) >= HEADER_SHARE * len(values)), None)
    out = []
    for j in range(len(columns)):
        # The field next to the level names the component, as a word there does ("INFO nova.api").
        name = names("Level" if j == level else "Component" if level is not None and j == level + 1 else "Field")
        patterns[name] = body
        out.append(name)
    return out


# The rest of a bracket the timestamp opens: "[2024-03-05T14:07:09Z INFO  app::net]", "[... 14:07:09,123: INFO/Main]".
_BRACKET_REST = re.compile(r"([:,]?)\s+(" + LEVELS_RE + r")(?:[\s/]+([^\]\s][^\]]*?))?\s*")


def _bracket_rest_pattern(rests: list[str], names: _Names, patterns: dict[str, str], closer: str = "]") -> str:
    """Loghub-notation text from the timestamp to the bracket it opened: a level and a component, or one field."""
    inner = [r.partition(closer)[0] for r in rests if closer in r]
    found = [m for text in inner if closer == "]" and (m := _BRACKET_REST.fullmatch(text))]
    if not found or len(found) < HEADER_SHARE * len(inner):
        name = names("Field")
        patterns[name] = f"[^{re.escape(closer)}]*?"
        spaced = sum(text[:1].isspace() for text in inner) >= HEADER_SHARE * len(inner)
        return (" " if spaced else "") + f"<{name}>" + re.escape(closer)
    level = names("Level")
    patterns[level] = LEVELS_RE
    out = re.escape(Counter(m.group(1) for m in found).most_common(1)[0][0]) + f" <{level}>"
    named = sum(m.group(3) is not None for m in found)
    if named:
        component = names("Component")
        patterns[component] = r"[^\]\s][^\]]*?"
        part = f"[\\s/]+<{component}>"
        out += part if named == len(found) else _optional(part)
    return out + "\\s*\\]"


_NAME = re.compile(r"[A-Za-z][\w.-]*")
# GLib's level between info and warning (G_LOG_LEVEL_MESSAGE), which its programs write in capitals beside the
# others ("md   main:MESSAGE:2024-04-02 ..."): a level where a name's level stands only, as a message may say it.
_NAMED_LEVELS_RE = LEVELS_RE + "|MESSAGE"  # the levels a name's level may be
# A token before the timestamp: a bracket, spaces and all, a name and its level padded to a width after its colon
# ("manage:   INFO:", beside "manage:WARNING:"), or a run of non-spaces.
_PRE_TOKEN = re.compile(r"\[[^\[\]\s][^\[\]]*\]|" + _NAME.pattern + ": +(?:" + _NAMED_LEVELS_RE + r"):?(?!\S)|\S+")
_LEVEL_TOKEN = re.compile(r"([\[(<]?)(" + LEVELS_RE + r")([\])>]?)(:?)")
# A program's name with its level glued on by a colon, as the debug package and its kin write them ("app:info"), or
# padded to a width (GLib's programs: "manage:   INFO").
_NAMED_LEVEL = re.compile("(" + _NAME.pattern + "): *(" + _NAMED_LEVELS_RE + ")")
_CAPS_WORD = re.compile(r"[A-Z]{2,}")
_LEVEL_LAST = re.compile(r"<Level\w*> $")  # a pre-time pattern that ends with the level, bare
_BRACKETED_LETTER = re.compile(rf"([<\[])([{LEVEL_LETTERS}])([>\]])")
# A level letter in a pair of brackets or parentheses, as qBittorrent writes its levels before the time ("(N) ...").
_ENCLOSED_LETTER = re.compile(rf"\([{LEVEL_LETTERS}]\)|\[[{LEVEL_LETTERS}]\]|<[{LEVEL_LETTERS}]>")


def _pre_time_pattern(prefixes: list[str], n_tokens: int, names: _Names, patterns: dict[str, str],
                      component: bool) -> str:
    """Loghub-notation text of the ``n_tokens`` tokens before the timestamp: a level word where most lines have one.

    With ``component``, a name just before the timestamp ("update-alternatives 2025-06-24 ...") is the component.
    """
    out = ""
    level_found = False
    # A field glued to the timestamp by a colon on every line ("12345:20240211:093015.123"): the colon is no part of it.
    glued = n_tokens > 0 and all(p.endswith(":") for p in prefixes)
    split = [_PRE_TOKEN.findall(p[:-1] if glued else p) for p in prefixes]
    last = n_tokens - 1
    named = component and n_tokens > 0 and sum(len(tokens) > last and _NAME.fullmatch(tokens[last]) is not None
                              for tokens in split) >= HEADER_SHARE * len(prefixes)
    for t in range(n_tokens):
        shapes = Counter(m.group(1, 3, 4) for tokens in split if len(tokens) > t
                         and (m := _LEVEL_TOKEN.fullmatch(tokens[t])))
        # Levels as letters taking turns (CUPS' "E [16/Jan/2024:08:50:00 +0100] ..."), info or warning among them.
        letters = Counter(tokens[t] for tokens in split if len(tokens) > t and _LETTER_LEVEL.fullmatch(tokens[t]))
        # The same in brackets or parentheses ("(I) 2024-...", "(W) ..."), each pair counted apart.
        enclosed = [tokens[t] for tokens in split if len(tokens) > t and _ENCLOSED_LETTER.fullmatch(tokens[t])]
        pair = Counter(token[::2] for token in enclosed).most_common(1)[0][0] if enclosed else ""
        paired = [token[1] for token in enclosed if token[::2] == pair]
        # A level letter in brackets the time is glued to (Mumble's "<W>2024-03-01 ..."): the level, on its own
        # too, as only such a bracket may stick to a time (_OPENING_BRACKET).
        stuck = Counter(m.group(1, 3) for p, tokens in zip(prefixes, split) if t == last and p[-1:] in ">]"
                        and (m := _BRACKETED_LETTER.fullmatch(tokens[t])))
        # A number in brackets the time is glued to (a session's): a field of digits in its brackets.
        numbered = Counter(m.group(1, 2) for p, tokens in zip(prefixes, split) if t == last and p[-1:] in ">])"
                           and (m := _BRACKETED_NUMBER.fullmatch(tokens[t])))
        if sum(numbered.values()) >= HEADER_SHARE * len(prefixes):
            opening, closing = numbered.most_common(1)[0][0]
            name = names("Field")
            patterns[name] = r"\d+"
            out += re.escape(opening) + f"<{name}>" + re.escape(closing) + " "
        elif not level_found and sum(stuck.values()) >= HEADER_SHARE * len(prefixes):
            opening, closing = stuck.most_common(1)[0][0]
            name = names("Level")
            patterns[name] = _LETTER_FIELD
            out += re.escape(opening) + f"<{name}>" + re.escape(closing) + " "
            level_found = True
        elif not level_found and sum(shapes.values()) >= HEADER_SHARE * len(prefixes):
            opening, closing, colon = shapes.most_common(1)[0][0]
            name = names("Level")
            patterns[name] = LEVELS_RE
            out += re.escape(opening) + f"<{name}>" + re.escape(closing) + colon + " "
            level_found = True
        elif not level_found and sum(c for shape, c in shapes.items() if not any(shape)) >= \
                _LEVEL_WORDS_SHARE * len(prefixes) and sum(len(tokens) > t and _CAPS_WORD.fullmatch(tokens[t]) is not
                                                          None for tokens in split) >= HEADER_SHARE * len(prefixes):
            # Level words beside other words in capitals, the program's own levels (Tinyproxy's "CONNECT" beside
            # "INFO" and "ERROR"): the level, as capitalised words beside level words after the time are.
            name = names("Level")
            patterns[name] = _CAPS_WORD.pattern
            out += f"<{name}> "
            level_found = True
        elif not level_found and sum(len(tokens) > t and _NAMED_LEVEL.fullmatch(tokens[t]) is not None
                                     for tokens in split) >= HEADER_SHARE * len(prefixes):
            name, level = names("Component"), names("Level")
            patterns[name], patterns[level] = _NAME.pattern, _NAMED_LEVELS_RE
            padded = any(len(tokens) > t and " " in tokens[t] for tokens in split)
            out += f"<{name}>:" + "\\s*" * padded + f"<{level}> "
            level_found = True
        elif not level_found and sum(letters.values()) >= HEADER_SHARE * len(prefixes) \
                and _level_letters(set(letters)):
            name = names("Level")
            patterns[name] = _LETTER_FIELD
            out += f"<{name}> "
            level_found = True
        elif not level_found and len(paired) >= HEADER_SHARE * len(prefixes) and _level_letters(set(paired)):
            name = names("Level")
            patterns[name] = _LETTER_FIELD
            out += re.escape(pair[0]) + f"<{name}>" + re.escape(pair[1]) + " "
            level_found = True
        elif sum(len(tokens) > t and tokens[t][:1] == "[" for tokens in split) >= HEADER_SHARE * len(prefixes) \
                and any(len(tokens) > t and " " in tokens[t] for tokens in split):
            # Brackets on most lines, some with a space in them ("[Service Thread]", as Cassandra names its
            # threads): one field.
            name = names("Thread")
            patterns[name] = r"[^\[\]]*"
            out += f"\\[<{name}>\\] "
        else:
            name = names("Component" if named and t == last else "Field")
            patterns[name] = r"\S+"
            out += f"<{name}> "
    return out[:-1] + ":" if glued else out


def _time_pattern(hit: _TimeHit, found: list[tuple[str, re.Match]], names: _Names,
                  patterns: dict[str, str]) -> tuple[str, tuple[str, ...], str]:
    """Loghub-notation text of the timestamp (its brackets included), its field names and its strptime format."""
    layout = _LAYOUTS[hit.layout]
    values = [list(m.groups()) for _, m in found]
    zone = next((k for k, part in enumerate(layout) if part is _ZONE_P), None)
    if zone is not None and any(m.start(zone + 1) == m.end(zone) for _, m in found):
        # A zone glued to its time ("14:07:09.123+0000") is one field with it: a copied pattern, whose fields match
        # as little as they can, could not tell where the time ends.
        time = layout[zone - 1]
        joined = _Part(time.name, time.regex + r"\s*" + ZONE_RE,
                       tuple(f + z for f in time.formats for z in _ZONE_P.formats))
        layout = layout[:zone - 1] + (joined,) + layout[zone + 1:]
        values = [v[:zone - 1] + [v[zone - 1] + v[zone]] + v[zone + 1:] for v in values]
    fields = []
    for part in layout:
        name = names(part.name)
        patterns[name] = part.regex
        fields.append(name)
    padded = hit.bracketed and any(line[:m.start()].endswith(" ") for line, m in found)
    opening = re.escape(hit.opener) + "\\s*" * padded if hit.bracketed else ""
    closing = re.escape(hit.unit + hit.closer) if hit.closed else ""
    return (opening + " ".join(f"<{f}>" for f in fields) + closing, tuple(fields),
            _time_format([" ".join(v) for v in values], layout))


def _names_component(header: list[tuple[_Element, bool]]) -> bool:
    """Whether the header after the timestamp names a component (an element, a word or a bracket)."""
    return _component_at(header) is not None or any(
        e.kind in _COMPONENT_KINDS or (e.kind == "bracket" and not e.detail.leveled) for e, _ in header)


# A comment line of fields ("# Time: 2024-03-11T09:00:38Z", "# Query_time: 3.62  Rows_examined: 53973"): a block of
# them opens each record of a log written without a header (a database's slow-query log), its statement under it.
COMMENT_FIELD = re.compile(r"#\s+([A-Za-z][\w@.-]*):\s")
# Blocks a sample must hold, and the share of them that must open with the same field and have lines under them.
_MIN_COMMENT_BLOCKS = 3
_COMMENT_RULE = 0.5


def comment_block_starts(lines: Sequence[str]) -> np.ndarray:
    """Bool (n,): the lines that open a block of comment lines of fields (:data:`COMMENT_FIELD`)."""
    comment = np.fromiter((s[:1] == "#" and COMMENT_FIELD.match(s) is not None for s in lines), dtype=bool,
                          count=len(lines))
    return comment & ~np.r_[False, comment[:-1]]


def comment_records(lines: list[str]) -> bool:
    """Whether the non-blank ``lines`` are records each opened by a block of comment lines of fields: at least
    :data:`_MIN_COMMENT_BLOCKS` blocks, most opening with the same field and with lines of their own under them."""
    starts = np.flatnonzero(comment_block_starts(lines)).tolist()
    if len(starts) < _MIN_COMMENT_BLOCKS:
        return False
    keys = [COMMENT_FIELD.match(lines[i]).group(1) for i in starts]
    ends = [*starts[1:], len(lines)]
    bodies = sum(any(COMMENT_FIELD.match(s) is None for s in lines[i:end]) for i, end in zip(starts, ends))
    return max(map(keys.count, set(keys))) >= _COMMENT_RULE * len(keys) and bodies >= _COMMENT_RULE * len(keys)


def infer_text_format(lines: Sequence[str], padded: bool = False) -> LogFormat | None:
    """A LogFormat named ``inferred`` for header-plus-message lines; None when no header is found. ``padded``: seconds
    padded to a width open some lines of the file (:func:`padded_seconds`), its padded lines left out of ``lines``
    or stripped, so bare seconds that open the lines can be their time.

    A syslog priority before the header on most lines (``<13>2024-03-01T10:00:00+01:00 host su: ...``, as a
    relay forwards any layout) is a ``Pri`` field, which gives the level where the header has none.
    """
    sample = [line for line in lines if line.strip() and not line[:1].isspace()]
    padded = padded or padded_seconds(lines)
    if comment_records(sample):  # records whose fields are comments: their times and durations are no header's
        return None
    priorities = [int(m.group(1)) for line in sample if (m := _PRIORITY.match(line))]
    # Numbers counting up ("<1>", "<2>", ...: a list's marks) are no priorities, which repeat.
    counting = sum(b == a + 1 for a, b in zip(priorities, priorities[1:])) >= HEADER_SHARE * max(len(priorities) - 1,
                                                                                               1)
    if not sample or len(priorities) < HEADER_SHARE * len(sample) or counting:
        return _infer_text_format(sample, padded)
    fmt = _infer_text_format([_PRIORITY.sub("", line, count=1) for line in sample], padded)
    # Inference names no field Pri: the name the presets give a priority, which the level is read from. Optional:
    # lines written here beside those a relay forwarded have none.
    return None if fmt is None else replace(fmt, pattern="(<<Pri>>)?" + fmt.pattern,
                                            field_patterns={**fmt.field_patterns, "Pri": r"\d{1,3}"})


# A syslog priority (facility · 8 + severity) glued before a header.
_PRIORITY = re.compile(r"^<(1[0-8]\d|19[01]|\d{1,2})>(?=\S)")


# A logger's class in parentheses ending the line, as log4j's "%m (%c)%n" writes it, on this share of lines at least.
_LOGGER_END = re.compile(r" \((" + _QUALIFIED.pattern + r")\)$")
_LOGGER_END_SHARE = 0.95


def _logger_at_end(sample: list[str]) -> bool:
    """Whether nearly every line ends with its logger's class in parentheses (:data:`_LOGGER_END`)."""
    return sum(_LOGGER_END.search(line) is not None for line in sample) >= _LOGGER_END_SHARE * len(sample)


def _drop_message_bracket(header: list[tuple[_Element, bool]], at_end: bool) -> list[tuple[_Element, bool]]:
    """``header`` without a last bracket some lines lack, when the logger ends the lines (``at_end``): that bracket
    opens the message ("[Log partition=x-1] ..."), the component being named at the end."""
    return header[:-1] if at_end and header and header[-1][0].kind == "bracket" and header[-1][1] else header


def _infer_text_format(sample: list[str], padded: bool) -> LogFormat | None:
    """:func:`infer_text_format` of non-blank lines that start with no space."""
    if not sample:
        return None
    hit, matches = _best_time(sample, padded)
    # A time that most lines end with, short ones having few words before it, is no header's: the message is before it.
    tails = [line[m.end():] for line, m in zip(sample, matches) if m is not None]
    if hit is not None and sum(not tail.strip() for tail in tails) >= HEADER_SHARE * len(tails) \
            and (end := _end_time_format(sample)) is not None:
        return end
    # Lines without the time are an event's others (a stack trace's): the logger ends its first line only.
    at_end = _logger_at_end([line for line, m in zip(sample, matches) if m is not None] if hit is not None else sample)
    names = _Names()
    patterns: dict[str, str] = {}
    time_format = None
    time_fields: tuple[str, ...] | None = None
    colons = timed = angled = None
    if hit is None:
        header = _drop_message_bracket(_header(sample), at_end)
        if not any(e.kind == "level" or e.kind in _COMPONENT_KINDS for e, _ in header):
            return _end_time_format(sample) or _far_time_format(sample)
        pattern = _header_pattern(header, names, patterns, after_time=False)
    else:
        found = [(line, m) for line, m in zip(sample, matches) if m is not None]
        rests = [line[m.end() + hit.closed:] for line, m in found]
        inside = hit.bracketed and not hit.closed  # the timestamp opens a bracket the header closes later
        # The time that opens a line a program wrote with a header of its own is a runtime's: the header ends
        # there, and the program's header is the message's, read by its own layout (formats._with_text_messages).
        # The line keeps the runtime's time: it is on every line, a trace's too, in order and dated, where the
        # program's may lack a date, a zone or fractions.
        wrapped = hit.token == 0 and not hit.bracketed and opens_own_header([line for line, _ in found])
        header = [] if wrapped else _drop_message_bracket(
            _header([r.partition(hit.closer)[2] for r in rests] if inside else rests), at_end)
        if [e.kind for e, _ in header[1:3]] == ["word", "component"] \
                and header[0][0] == _Element("sep", False, _SepShape(":", True)) \
                and not (header[2][0].detail.pid or header[2][1]):
            # A colon glued to the time ends the header before a host and a name ("08:14:02: MQTT publish: ..."):
            # no relay writes its host there; the words open the message. A spaced colon is a relay's ("fw1 :
            # %ASA-6-302013: ..."); a name or a pid right after the time's colon is the program's (Cisco, libvirt),
            # and so is a name with its pid after a word ("08:14:02: web1 sshd[42]: "): no message opens so.
            header = header[:1]
        prefixes = [line[:m.start()].rstrip(" ")[:-1] if hit.bracketed else line[:m.start()] for line, m in found]
        pattern = _pre_time_pattern(prefixes, hit.token, names, patterns,
                                    component=not inside and not _names_component(header))
        if not hit.bracketed and all(p[-1:].isalpha() or p[-1:] in ">])" for p in prefixes):
            pattern = pattern.rstrip(" ")  # a level or a session glued to the date ("I0219 ...", "(042)3/5/2024")
        if hit.bracketed and all(p and not p[-1:].isspace() for p in prefixes):
            pattern = pattern.rstrip(" ")  # a mark glued to the time's bracket (WebLogic's "####<Mar 4, 2024 ...>")
        elif hit.bracketed and _LEVEL_LAST.search(pattern):
            # A level padded to a width before the time's bracket has its longest word glued to it (log15's "INFO
            # [...]" beside "ERROR[...]"), on lines a sample may lack: the space may be none.
            pattern = pattern.rstrip(" ") + r"\s*"
        text, time_fields, time_format = _time_pattern(hit, found, names, patterns)
        pattern += text
        timed = pattern
        colons = _colon_header(rests, names, patterns) or _colon_pid(rests, names, patterns) \
            if not inside and not wrapped else None
        # Every field in angle brackets, as the time is: the last bracket holds the message.
        angled = _angle_fields(rests, names, patterns) if colons is None and hit.opener == "<" and hit.closed \
            else None
        if colons is not None:
            pattern += colons
        elif angled is not None:
            pattern += angled
        else:
            if inside:
                pattern += _bracket_rest_pattern(rests, names, patterns, hit.closer)
            pattern += _header_pattern(header, names, patterns, after_time=True)
    # A separator the message follows with no space ("|api|message", ":name:message") ends the header as it is.
    # So does a name's colon the message follows glued on most lines ("...(s)[0]:Recorded command").
    glued = colons is not None or (bool(header) and header[-1][0].kind == "sep" and not header[-1][0].detail.followed) \
        or (bool(header) and header[-1][0].kind == "component" and header[-1][0].detail.glued)
    # After a bracket glued to what comes before, the message may follow glued too, as another bracket only some
    # lines have does (Asterisk's "VERBOSE[6236][C-000004ba] app_dial.c: ..."). Not after a spaced one: there a
    # looser end lets a header that took the message's own brackets ([a.go:12] ["msg"] [k=v]) match more lines.
    closed = bool(header) and header[-1][0].kind == "bracket" and not header[-1][0].spaced
    content = "<Content>" if not pattern or glued else "\\s*<Content>" if closed else " <Content>"
    if angled is not None:
        # The message's bracket closes on a later line where it holds a stack trace: lazily, so the bracket stays out.
        content = " <<Content>>?"
        patterns["Content"] = ".*?"
    if at_end:
        logger = names("Component")
        patterns[logger] = _QUALIFIED.pattern
        content += f" \\(<{logger}>\\)"
    fmt = LogFormat(pattern + content, "inferred", patterns, time_format, time_fields=time_fields)
    matched = int(fmt.parse(sample)[1].sum()) if timed is not None else 0
    if timed is not None and matched < HEADER_SHARE * len(sample):
        # A header the fields read wrong (glued by colons: "... UTC:10.0.0.5(54805):app@appdb:[6585]:WARNING:")
        # matched no line, and the lines lost their times: the time and the rest as the message, where that reads
        # more lines. Atomic: the time read whole, not cut where a colon of its own follows ("08:00" + ":00Z,...").
        bare = replace(fmt, pattern=f"(?>{timed})" + r"(?::\s*|\s+)<Content>")
        if bare.parse(sample)[1].sum() > matched:
            return bare
    if timed is not None and pattern != timed and not glued and _RELATIVE_P.regex in patterns.values():
        # Seconds since a start open every line, the fields after them on most lines only (Factorio's startup
        # lines have no level or source file): the lines without them are read as their time and their message.
        loose = replace(fmt, pattern=f"{timed}(?:{pattern[len(timed):]})?{content}")
        if loose.parse(sample)[1].sum() > matched:
            return loose
    if bool(header) and header[-1][0].kind == "bracket" and not glued:
        # The last bracket may end in a colon on some lines (Kafka's "[GroupCoordinator 1]: ..." beside "[Log
        # partition=x] ..."): said so where that reads more lines.
        colon = replace(fmt, pattern=pattern + ":?" + content)
        if colon.parse(sample)[1].sum() > fmt.parse(sample)[1].sum():
            return colon
    if bool(header) and header[-1][0] == _Element("sep", True, _SepShape(":", True)):
        return _opening_angles(_colon_opened(_closed_block(fmt, sample, names), sample, names), sample, names)
    # Inside the message's own angle brackets (angled), its words are the message's.
    return fmt if angled is not None else _opening_angles(fmt, sample, names)


# Words in angle brackets, no spaces in them, that open the message after a header, as network controllers write
# an event id and a level ("<404003> <NOTI> ..."), and web applications a session ("<i43a3t3r> Successful login"),
# a cell between pipes after them on some (a context: "|AP ap-1@10.0.0.5 sapd|  message").
_ANGLED_WORD = r"[^<>\s]+"
_OPENING_ANGLE = re.compile(r"<(" + _ANGLED_WORD + r")> +")
_OPENING_CELL = re.compile(r"\|([^|]*)\| +")


def _opening_angles(fmt: LogFormat, sample: list[str], names: _Names) -> LogFormat:
    """``fmt`` reading the words in angle brackets (:data:`_OPENING_ANGLE`) that open the message as header fields,
    and a cell between pipes after them (:data:`_OPENING_CELL`), where as many open :data:`HEADER_SHARE` of the
    messages at least (a message's own brackets vary in number); optional, as lines without them keep their header.
    Else ``fmt``."""
    frame, matched = fmt.parse(sample)
    runs = []
    for text in frame["content"][matched]:
        fields, pos = [], 0
        while len(fields) < _MAX_ELEMENTS and (m := _OPENING_ANGLE.match(text, pos)):
            if f"</{m.group(1)}>" in text:
                break  # an element's opening tag, closed later in the message ("<order> id=7 </order>"): its own
            fields.append(m.group(1))
            pos = m.end()
        runs.append((tuple(fields), _OPENING_CELL.match(text, pos) is not None))
    width, lines = Counter(len(fields) for fields, _ in runs).most_common(1)[0] if runs else (0, 0)
    if len(runs) < _MIN_BLOCK_LINES or not width or lines < HEADER_SHARE * len(runs):
        return fmt
    patterns = dict(fmt.field_patterns)
    columns = list(zip(*(fields for fields, _ in runs if len(fields) == width)))
    fields = "".join(f"<<{name}>> " for name in _angle_names(columns, names, patterns, _ANGLED_WORD,
                                                                "<Level>" in fmt.pattern))
    if sum(cell for fields_, cell in runs if len(fields_) == width) >= HEADER_SHARE * lines:
        cell = names("Field")
        patterns[cell] = r"[^|]*"
        fields += rf"\|<{cell}>\| +"
    head, _, content = fmt.pattern.rpartition("<Content>")
    return replace(fmt, pattern=f"{head}(?:{fields})?<Content>{content}", field_patterns=patterns)


# A second block of header words closed as the first was, by a spaced colon (NetScaler's "0-PPE-0 : default SSLLOG
# SSL_HANDSHAKE_SUCCESS 27863884 0 : message": its partition, module, event, sequence and flag).
_BLOCK = re.compile(r"(\S+(?: \S+)*?) : ")
_MIN_BLOCK_WORDS = 2
_MIN_BLOCK_LINES = 20  # a few messages may open with as many words by chance


def _closed_block(fmt: LogFormat, sample: list[str], names: _Names) -> LogFormat:
    """``fmt`` reading the words before a second spaced colon as a field where every message opens with as many
    (:data:`_BLOCK`): a message's own words before one vary in number. Else ``fmt``."""
    frame, matched = fmt.parse(sample)
    blocks = [_BLOCK.match(text) for text in frame["content"][matched]]
    counts = {m.group(1).count(" ") + 1 if m else 0 for m in blocks}
    if len(blocks) < _MIN_BLOCK_LINES or len(counts) != 1 or (words := counts.pop()) < _MIN_BLOCK_WORDS:
        return fmt
    name = names("Field")
    head, _, content = fmt.pattern.rpartition("<Content>")
    return replace(fmt, pattern=f"{head}<{name}> : <Content>{content}",
                   field_patterns={**fmt.field_patterns, name: rf"\S+(?: \S+){{{words - 1}}}"})


# Fields each opened by a colon glued to them after a space, the message after the last one's (NFS-Ganesha's
# "... : ganesha.nfsd-9[main] nfs_start :NFS STARTUP :EVENT :message": its component, spaced, and level). A word
# list before them (the process and function) is a field where every line writes as many words.
_OPENED = " :"
_OPENED_FIELD = re.compile(r"[^\s:](?:[^:]*[^\s:])?")
# The words before them as their field reads them: held apart by one space each (a tab or a second space is none).
_LEAD_WORDS = re.compile(r"\S+(?: \S+)*")
_MIN_OPENED = 2


def _opened_count(pieces: list[str]) -> int:
    """How many of a message's pieces (split at :data:`_OPENED`) after its first are fields: the message keeps one."""
    count = 0
    while count < len(pieces) - 2 and _OPENED_FIELD.fullmatch(pieces[count + 1]):
        count += 1
    return count


def _colon_opened(fmt: LogFormat, sample: list[str], names: _Names) -> LogFormat:
    """``fmt`` reading :data:`_MIN_OPENED` fields or more opened by :data:`_OPENED` at the front of every message,
    and the same number of words before them, as header fields; the last the level where level words are among its
    values and the header has none, the one before it the component. Else ``fmt``."""
    frame, matched = fmt.parse(sample)
    # No more of them than a header has elements: a message of many " :x" pieces would open as many fields.
    pieces = [text.split(_OPENED, _MAX_ELEMENTS + 1) for text in frame["content"][matched]]
    opened = min(map(_opened_count, pieces), default=0)
    counts = {p[0].count(" ") + 1 if _LEAD_WORDS.fullmatch(p[0]) else 0 for p in pieces}
    if len(pieces) < _MIN_BLOCK_LINES or opened < _MIN_OPENED or len(counts) != 1 or not (words := counts.pop()):
        return fmt
    pattern, patterns = fmt.pattern, dict(fmt.field_patterns)
    leveled = "<Level>" not in pattern and any(re.fullmatch(LEVELS_RE, p[opened]) for p in pieces)
    if leveled and "<Component>" in pattern:
        # The earlier name (the host that wrote the line) is a field: the component is the one beside the level.
        other = names("Field")
        pattern = pattern.replace("<Component>", f"<{other}>")
        if "Component" in patterns:
            patterns[other] = patterns.pop("Component")
    fields = [names("Field") for _ in range(opened - 2 * leveled)]
    fields += ["Component", "Level"] if leveled else []
    lead = names("Field")
    patterns[lead] = rf"\S+(?: \S+){{{words - 1}}}"
    patterns.update({name: _OPENED_FIELD.pattern for name in fields})
    head, _, content = pattern.rpartition("<Content>")
    opened_text = "".join(f"{_OPENED}<{name}>" for name in fields)
    return replace(fmt, pattern=f"{head}<{lead}>{opened_text}{_OPENED}<Content>{content}",
                   field_patterns=patterns)


def _far_time_format(sample: list[str]) -> LogFormat | None:
    """A format that reads each line whole as its message and, where it has one, the time in brackets past its
    first tokens (:data:`_FAR_RES`) as its time; None where no such time is on most lines or the times do not
    keep a clock's order."""
    votes: dict[int, list[tuple[str, re.Match]]] = {}
    for line in sample:
        for i, regex in _FAR_RES:
            if (m := regex.search(line, 0, _FAR_CHARS)) is not None:
                votes.setdefault(i, []).append((line, m))
    if not votes:
        return None
    layout = min(votes, key=lambda i: (-len(votes[i]), i))
    found = votes[layout]
    if len(found) < _FAR_SHARE * len(sample):
        return None
    names, patterns = _Names(), {}
    hit = _TimeHit(layout, 0, bracketed=True, closed=True)
    text, time_fields, time_format = _time_pattern(hit, found, names, patterns)
    # An optional lookahead: every line is read whole, as without a header, and its time taken where it has one.
    fmt = LogFormat(f"(?=(?:.*?{text})?)<Content>", "inferred", patterns, time_format, time_fields=time_fields)
    return fmt if _keeps_order(fmt, [line for line, _ in found]) else None


def _keeps_order(fmt: LogFormat, lines: list[str]) -> bool:
    """Whether the times ``fmt`` reads on ``lines`` keep a clock's order (:data:`_RISING_SHARE` of their steps
    forward, :data:`_MIN_RECORDS` steps at least) and move: a log's, not dates its messages name (one date the
    same on every line, ``valid until 2035-01-13 06:41:42``, is in order but is no clock)."""
    steps = fmt.parse(lines)[0]["timestamp"].dropna().diff().dropna()
    return (len(steps) >= _MIN_RECORDS and (steps >= pd.Timedelta(0)).mean() >= _RISING_SHARE
            and bool((steps > pd.Timedelta(0)).any()))


def _end_time_format(sample: list[str]) -> LogFormat | None:
    """A format that reads the date and clock ending :data:`HEADER_SHARE` of the lines at least, in one layout
    (:data:`_END_RES`), as their time and the text before it as the message; None where no such time ends most lines
    or the times do not keep a clock's order."""
    votes: dict[int, list[tuple[str, re.Match]]] = {}
    for line in sample:
        tail = max(0, len(line) - _SEARCH_CHARS)
        # The first layout that reads the line's end: the longer ones come first.
        hit = next(((i, m) for i, regex in _END_RES if (m := regex.search(line, tail)) is not None), None)
        if hit is not None:
            votes.setdefault(hit[0], []).append((line, hit[1]))
    layout = min(votes, key=lambda i: (-len(votes[i]), i), default=None)
    if layout is None or len(votes[layout]) < HEADER_SHARE * len(sample):
        return None
    names, patterns = _Names(), {}
    text, time_fields, time_format = _time_pattern(_TimeHit(layout, 0, False, False), votes[layout], names, patterns)
    fmt = LogFormat(f"<Content> {text}", "inferred", patterns, time_format, time_fields=time_fields)
    return fmt if _keeps_order(fmt, [line for line, _ in votes[layout]]) else None


# --------------------------------------------------------------------------- structured lines
TIME_KEYS = ("@timestamp", "timestamp", "time", "ts", "t", "datetime", "date", "eventTime", "asctime", "@t",
             "__REALTIME_TIMESTAMP", "timeMillis", "instant.epochSecond")
LEVEL_KEYS = ("level", "log.level", "severity", "levelname", "lvl", "loglevel", "log_level", "@l",
              "severity_text", "PRIORITY")
# Last, the container a log shipper's Kubernetes metadata names (Fluent Bit's and Fluentd's, Vector's): the writer
# where the record names no logger of its own.
LOGGER_KEYS = ("logger", "log.logger", "logger_name", "loggerName", "name", "component", "module", "service",
               "service.name", "source", "_SYSTEMD_UNIT", "SYSLOG_IDENTIFIER", "SourceContext",
               "kubernetes.container_name")
_STRUCTURED_SHARE = 0.5
# Delimited lines: the separators tried in turn, and the share of lines that must have the common width.
_DELIMITERS = (",", "\t", ";", "|")
_DELIMITED_SHARE = 0.8
_PREAMBLE_LINES = 5
# Records (lines with a time) among the lines, the others continuing them: as few as the text layouts allow.
_MIN_RECORDS, _RECORD_SHARE = 3, 0.1
_MESSAGE_NAMES = MESSAGE_NAMES | {"description"}
_KEY_SHARE = 0.5
_MINORITY_SHARE = 0.01
# A word of a text, in any script, with the punctuation a sentence puts after it.
_WORD = re.compile(r"[^\W\d_]+[,.;:!?]?")
# The json_key of a format whose objects have no message key (see formats._structured_row).
NO_MESSAGE_KEY = ""
_MAX_EXTRA_KEYS = 30
_MAX_VERBOSITY = 10  # logr's levels of detail, V(0) to V(10) by convention; a larger v is something else
_FIELDS_DIRECTIVE = re.compile(r"#[Ff]ields:?[ \t]+(\S.*)")
# A line of three or more column names in lower case between single spaces (tab-separated files with a header
# are delimited; "Backup started by cron" is a sentence).
_NAMES_LINE = re.compile(r"[a-z][a-z0-9_.-]*(?: [a-z][a-z0-9_.-]*){2,}")
# A key is a word or quoted (slog quotes a key with a space in it: "Workflow Size"=27005).
_LOGFMT_PAIR = re.compile(r'\s*([^\s="]+|"(?:[^"\\]|\\.)*")=("(?:[^"\\]|\\.)*"|[^\s"]*)(?=\s|$)')
# A key with no value (a flag, true by the logfmt convention); logrus prints a key with a space in it unquoted, so
# "Workflow Size=27005" reads as the flag Workflow and the pair Size=27005.
_LOGFMT_BARE_KEY = re.compile(r'\s*([^\s="]+)(?=\s|$)')
RESERVED_COLUMNS = frozenset({"source", "line_no", "raw", "blank", "parsed", "truncated", "timestamp", "level",
                              "component", "content", "event", "event_line_no", "masked", "template",
                              "template_id", "score", "is_anomaly"})


def flatten(obj: dict, prefix: str = "") -> dict:
    """Nested objects as dotted keys: ``{"log": {"level": "info"}}`` → ``{"log.level": "info"}``; an object of
    whole seconds and nanoseconds as one value (:func:`_seconds_nanos`)."""
    out: dict = {}
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and (seconds := _seconds_nanos(value)) is not None:
            out[name] = seconds
        elif isinstance(value, dict) and value:
            out.update(flatten(value, name + "."))
        else:
            out[name] = value
    return out


def _seconds_nanos(obj: dict) -> str | None:
    """A protobuf Timestamp or Duration written as an object, ``{"seconds": 1764583200, "nanos": 5000}``, as its
    decimal seconds (``"1764583200.000005000"``), a time being a number like any Unix time; None for other objects."""
    seconds, nanos = obj.get("seconds"), obj.get("nanos")
    if len(obj) != 2 or type(seconds) is not int or type(nanos) is not int or not 0 <= nanos < 10**9:
        return None
    return f"{seconds}.{nanos:09d}" if seconds >= 0 else None


def parse_json_object(line: str) -> dict | None:
    """The flattened JSON object on ``line``, or None."""
    text = line.strip()
    if not text.startswith("{"):
        return None
    try:
        obj, replaced = _json_loads(text)
        fields = flatten(obj) if isinstance(obj, dict) else None
    except (ValueError, RecursionError):  # RecursionError: nested about as deep as json reads
        return None
    if fields is not None:
        _count_replaced(replaced)
    return fields


# An escaped UTF-16 surrogate (half of a pair, or a lone one), any escape, and a low half's escape.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_ESCAPE = re.compile(r"\\(?:u([dD][89a-fA-F][0-9a-fA-F]{2})|.)", re.DOTALL)
_LOW_ESCAPE = re.compile(r"\\u[dD][c-fC-F][0-9a-fA-F]{2}")


def _lone_surrogate_escapes(text: str) -> list[int]:
    """Where JSON text escapes half of a UTF-16 pair that the next escape does not complete, as json reads it
    (an emoji's escaped pair is one character; ``\\\\ud800`` is a backslash, then text): each escape's start."""
    if _SURROGATE_ESCAPE.search(text) is None:
        return []
    lone, paired = [], -1
    for m in _ESCAPE.finditer(text):
        half = m.group(1)
        if half is None or m.start() == paired:
            continue
        if half[1] in "89abAB" and _LOW_ESCAPE.match(text, m.end()):
            paired = m.end()
        else:
            lone.append(m.start())
    return lone


def _json_loads(text: str) -> tuple[object, int]:
    """``json.loads(text)``, each escaped half of a UTF-16 pair that json would leave unpaired read as U+FFFD (no
    UTF-8 text, and so no output file, can hold it), and how many there were."""
    lone = _lone_surrogate_escapes(text)
    for start in reversed(lone):
        text = text[:start] + "\\ufffd" + text[start + 6:]
    return json.loads(text), len(lone)


def _count_replaced(n: int) -> None:
    """Count n unpaired halves read as U+FFFD with the read's invalid bytes."""
    if n:
        from .io import count_replaced

        count_replaced(n)


def parse_logfmt(line: str, bare_keys: bool = False) -> dict | None:
    """The key=value pairs of a logfmt line (quoted keys and values unescaped), or None when the line is not all
    pairs; ``bare_keys`` (a line of a file known to be logfmt): also keys with no value between pairs, each true.

    A line of pairs and bare words is no evidence that a file is logfmt (text holds words and a few ``a=b``), so
    only reading a known one allows them. Words before the first pair or after the last are text, not keys: a
    line that opens with them continues a record, and a value written unquoted goes on after its pair
    (``msg=Starting server on port 80``).
    """
    text = line.strip()
    out: dict = {}
    pos = replaced = 0
    bare = False
    # Pair by pair from the start: a line that is not logfmt fails at its first word, in linear time.
    while pos < len(text):
        m = _LOGFMT_PAIR.match(text, pos)
        bare = m is None and bare_keys and bool(out)
        if bare:
            m = _LOGFMT_BARE_KEY.match(text, pos)
        if m is None:
            return None
        pos = m.end()
        if bare:
            out.setdefault(m.group(1), True)
            continue
        (key, key_replaced), (value, value_replaced) = (_logfmt_text(t) for t in m.groups())
        out[key] = value
        replaced += key_replaced + value_replaced
    if bare or sum(v is not True for v in out.values()) < 2:
        return None
    _count_replaced(replaced)
    return out


def _logfmt_text(text: str) -> tuple[str, int]:
    """A logfmt key or value as text (a quoted one unescaped as JSON, else unquoted as it is), and how many
    unpaired UTF-16 halves it read as U+FFFD."""
    if not text.startswith('"'):
        return text, 0
    try:
        return _json_loads(text)
    except ValueError:
        return text[1:-1], 0


def _pick(counts: Counter, n: int, names: Sequence[str], taken: set[str], fold: bool = False,
          share: float = _KEY_SHARE) -> str | None:
    """The first common name present on at least ``share`` of the n objects; ``fold``: else the first in another
    case (a spreadsheet's ``Message`` or ``Source``; JSON keys are written as programs name them)."""
    exact = next((k for k in names if k not in taken and counts[k] >= max(share * n, 1)), None)
    if exact is not None or not fold:
        return exact
    folded = {k.lower(): k for k in counts if k not in taken and counts[k] >= max(share * n, 1)}
    return next((folded[k.lower()] for k in names if k.lower() in folded), None)


# Keys with an uncommon name are still the time or the level when their values say so (MongoDB's {"t": {"$date":
# ...}} flattens to "t.$date"); a component cannot be told by its values.
def _dated_time(value: str, whole: bool = False) -> bool:
    """Whether a value starts with a timestamp that carries a date (``whole``: and is nothing else), or is wholly a
    date and time as spreadsheets write them (a two-digit year, no seconds)."""
    value = value.strip()
    m = _ANY_TIME.match(value)
    if m is not None and (not whole or m.end() == len(value)) and _DATED.search(m.group()) is not None:
        return True
    return _VALUE_RE.fullmatch(value) is not None


# glog's, logcat's and MongoDB's one-letter levels (MongoDB's debug levels D1-D5) count too.
_VALUE_TESTS = {"Timestamp": _dated_time,
                "Level": lambda v: re.fullmatch(LEVELS_RE + r"|[VDIWEF]|D[1-5]", v.strip()) is not None}
_VALUE_SAMPLE = 50
# Lines a level must be the same on before it tells nothing.
_MIN_CONSTANT = 20
# A time value must carry a date (a year or a month name): "0:00:01" is more likely a duration.
_DATED = re.compile(r"\d{4}|[A-Z][a-z]{2}")


def _levels_read(objs: list[dict], key: str) -> bool:
    """Whether a key's values (a sample) read as levels: one-letter ones (glog's, MongoDB's) only where the common
    one, I(nfo), is among them (a direction's E and W, a grade's F, are no levels)."""
    values = {str(o[key]).strip() for o in objs[:_VALUE_SAMPLE * 10] if o.get(key) is not None}
    return not values or any(len(v) > 2 for v in values) or "I" in values


def _named_levels(objs: list[dict], key: str) -> bool:
    """Whether most values of a key (a sample), numbers read as levels, are level names."""
    values = [str(level_name(o[key], key)) for o in objs[:_VALUE_SAMPLE * 10] if o.get(key) is not None]
    return sum(map(_VALUE_TESTS["Level"], values)) >= HEADER_SHARE * len(values) > 0


def _routine_throughout(objs: list[dict], key: str) -> bool:
    """Whether a level key has one routine value (info, debug, ...) on every object of a sample of some size
    that has it: a stream of errors keeps its level, whatever a status says."""
    values = {str(level_name(o[key], key)).strip().upper() for o in objs[:_VALUE_SAMPLE * 10]
              if o.get(key) is not None}
    return len(objs) >= _MIN_CONSTANT and len(values) == 1 and SEVERITY.get(values.pop()) == 0


def _pick_by_value(objs: list[dict], counts: Counter, taken: set[str], accepts) -> str | None:
    """The first key on most objects whose string values (a sample) mostly pass ``accepts``; None if none does."""
    if accepts is None:
        return None
    return next((key for key, count in counts.items() if key not in taken and count >= _KEY_SHARE * len(objs)
                 and _mostly(objs, key, count, accepts)), None)


def _dated_values(objs: list[dict], key: str) -> bool:
    """Whether most values of ``key`` (a sample; numbers as text, an epoch's) carry a date (:func:`_dated_time`)."""
    values = [str(v) for o in objs if (v := o.get(key)) is not None][:_VALUE_SAMPLE]
    return sum(map(_dated_time, values)) >= HEADER_SHARE * len(values) > 0


def _mostly(objs: list[dict], key: str, count: int, accepts) -> bool:
    """Whether the string values of ``key`` (a sample; it is on ``count`` objects) mostly pass ``accepts``."""
    values = [v for o in objs if isinstance(v := o.get(key), str)][:_VALUE_SAMPLE]
    return bool(values) and sum(map(accepts, values)) >= HEADER_SHARE * min(count, _VALUE_SAMPLE)


def _verbosities(objs: list[dict], count: int, n: int) -> bool:
    """Whether most of the n objects write logr's verbosity (:data:`formats.VERBOSITY_KEY`): a whole number from 0
    to :data:`_MAX_VERBOSITY` on each, 0 (a plain info line) among them."""
    values = {str(o[VERBOSITY_KEY]) for o in objs if o.get(VERBOSITY_KEY) is not None}
    return count >= _KEY_SHARE * n and "0" in values and all(v.isdigit() and int(v) <= _MAX_VERBOSITY for v in values)


def _is_number(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    try:
        float(value)
        return True
    except (TypeError, ValueError):
        return False


def infer_structured_format(lines: Sequence[str]) -> LogFormat | None:
    """A LogFormat for JSON or logfmt lines with the message, time, level and logger keys found; else None."""
    sample = [line for line in lines if line.strip()]
    if not sample:
        return None
    for syntax, reader in (("json", parse_json_object), ("logfmt", parse_logfmt)):
        objs = [o for o in map(reader, sample) if o is not None]
        if len(objs) >= _STRUCTURED_SHARE * len(sample):
            return _structured(objs, syntax)
    return None


def parse_delimited(line: str, delimiter: str, names: Sequence[str], spill: bool = False) -> dict | None:
    """The cells of a delimiter-separated line (CSV quoting) by column name, or None when there are not as many
    as columns; ``spill``: cells beyond the columns join the last column, with the delimiter between."""
    cells = _cells(line, delimiter)
    if cells is None:
        return None
    cells = _opened(cells, line, len(names))
    if len(cells) > len(names) and spill:
        cells = cells[:len(names) - 1] + [_spilled(line, cells[len(names) - 1:], delimiter)]
    return dict(zip(names, cells)) if len(cells) == len(names) else None


def _spilled(line: str, cells: list[str], delimiter: str) -> str:
    """The last column's ``cells`` joined again: as the line writes them where it has no quote (the message "Value:
    [LOSS_SYNC,9 Sync Losses], RuleName=..." keeps both its commas as written); else with the delimiter, and a space
    after it if the line has one (its quotes were taken off)."""
    if '"' not in line:
        return line.split(delimiter, line.count(delimiter) - len(cells) + 1)[-1].lstrip(" ")
    joint = delimiter + " " if delimiter + " " in line else delimiter
    return joint.join(cells)


def _opened(cells: list[str], line: str, width: int) -> list[str]:
    """The cells of a record's first line whose quoted cell goes on below (an odd number of quotes, and a
    time): the cells after it empty; other cells as they are."""
    if len(cells) < width and line.count('"') % 2 and any(map(_time_cell, cells)):
        return cells + [""] * (width - len(cells))
    return cells


def _cells(line: str, delimiter: str) -> list[str] | None:
    """The cells of one line (spaces after a delimiter dropped; a quote left open ends with the line, as the
    first line of a record that spans lines does), or None when the line cannot be read."""
    try:
        return next(csv.reader([line], delimiter=delimiter, skipinitialspace=True))
    except (csv.Error, StopIteration):
        return None


def infer_delimited_format(lines: Sequence[str]) -> LogFormat | None:
    """A LogFormat for delimiter-separated lines (``,``, tab, ``;`` or ``|``): records of at least 3 cells,
    one of them a dated timestamp, make most of the lines that do not continue a record.

    The number of cells is the most common among the lines with a time. The
    first line above the first record with as many cells (or one fewer:
    Windows' Event Viewer leaves the description unnamed), none of them
    empty, names the columns; it and any lines above it (PowerShell's
    ``#TYPE``, Excel's ``sep=``) are the preamble, read as blank lines. A
    header one cell short whose last name is a message's holds messages with
    unquoted delimiters: their cells join again. The message, time, level
    and logger columns are found as for JSON keys.
    """
    sample = [line for line in lines if line.strip()]
    for delimiter in _DELIMITERS:
        cells = [_cells(line, delimiter) for line in sample]
        has_time = [c is not None and any(map(_time_cell, c)) for c in cells]
        timed = [i for i, t in enumerate(has_time) if t]
        if not timed or timed[0] > _PREAMBLE_LINES:
            continue
        # Records whose quoted cell goes on below (an odd number of quotes) show only their first cells.
        closed = [i for i in timed if sample[i].count('"') % 2 == 0] or timed
        width = Counter(len(cells[i]) for i in closed).most_common(1)[0][0]
        first = timed[0]
        # The first line above the records with a name in every cell (a record without a time has an empty one);
        # the last may be empty, after a delimiter that ends the line (Event Viewer's unnamed description).
        names_at = next((i for i, c in enumerate(cells[:first]) if c is not None and 0 <= width - len(c) <= 1
                         and all(cell.strip() for cell in c[:-1]) and (c[-1].strip() or len(c) == width > 1)),
                        None)
        header = cells[names_at] if names_at is not None else None
        if header is not None and len(header) < width and header[-1].strip().lower() in _MESSAGE_NAMES:
            width = len(header)
        below = first if names_at is None else names_at + 1
        rows, events = [], []
        for c, line, t in zip(cells[below:], sample[below:], has_time[below:]):
            if c is not None:
                rows.append(_opened(c, line, width) if t else c)
                # Fewer cells and no time: a line that continues its record.
                if len(rows[-1]) >= width or t:
                    events.append(rows[-1])
        if width < 3 or len(events) < max(_MIN_RECORDS, _RECORD_SHARE * len(rows)) \
                or sum(len(r) >= width for r in events) < _DELIMITED_SHARE * len(events):
            continue
        data = [r[:width] for r in rows if len(r) >= width]
        if not any(sum(map(_time_cell, column)) >= HEADER_SHARE * len(data) for column in zip(*data)):
            continue
        names = _column_names(header, width)
        fmt = _structured([dict(zip(names, r)) for r in data], "delimited")
        if fmt is not None:
            return replace(fmt, delimiter=delimiter, names=tuple(names),
                           preamble=tuple(sample[:names_at + 1]) if names_at is not None else ())
    return None


def _time_cell(cell: str) -> bool:
    """Whether a cell is a dated timestamp and nothing else (or epoch seconds or milliseconds)."""
    return _dated_time(cell, whole=True)


def split_plain(line: str, delimiter: str) -> list[str]:
    """The cells of a line whose cells are never quoted (W3C, Zeek): split at tabs, or at runs of spaces."""
    return line.split("\t") if delimiter == "\t" else line.split()


def plain_cells(line: str, delimiter: str, names: Sequence[str]) -> dict | None:
    """The cells of a line that quotes none (W3C, Zeek) by column name; None when there are not as many."""
    cells = split_plain(line, delimiter)
    return dict(zip(names, cells)) if len(cells) == len(names) else None


def _column_names(header: list[str] | None, width: int) -> list[str]:
    """Column names: the header's cells (made unique; a blank one named by its place), else column1 ... columnN."""
    names: list[str] = []
    seen: set[str] = set()
    for i in range(width):
        name = (header[i].strip() if header is not None and i < len(header) else "") or f"column{i + 1}"
        names.append(name if name not in seen else f"{name}_{i + 1}")
        seen.add(names[-1])
    return names


# The names of the formats inferred from a file's keys or columns: their syntax (:func:`_structured`), or a #Fields:
# line's (:func:`_named_columns`).
STRUCTURED_NAMES = ("json", "logfmt", "delimited", "directive")


def _structured(objs: list[dict], syntax: str) -> LogFormat | None:
    counts = Counter(k for o in objs for k, v in o.items() if v is not None and v != "")
    n = len(objs)
    taken: set[str] = set()
    fold = syntax == "delimited"
    message = _pick(counts, n, MESSAGE_KEYS, taken, fold)
    if message is None:
        # The string key with the longest values on most objects, times aside, is the message.
        strings = [k for k in counts if counts[k] >= _KEY_SHARE * n
                   and sum(isinstance(o.get(k), str) for o in objs) >= _KEY_SHARE * n
                   and not _mostly(objs, k, counts[k], _VALUE_TESTS["Timestamp"])]
        if not strings:
            return None
        message = max(strings, key=lambda k: np.mean([len(str(o.get(k, ""))) for o in objs]))
        if syntax != "delimited" and not _reads_as_text([o.get(message) for o in objs]):
            # An id, a path or a user agent (CloudTrail's userIdentity.arn) is no message: one per user would
            # hide what each event did. Every object's keys, as key=value text, are its message instead. (A
            # delimited file's columns are fewer and plainer: its longest is the message, as before.)
            message = NO_MESSAGE_KEY
    taken.add(message)
    keys: list[tuple[str, str]] = []
    time_format = None
    for field, names in (("Timestamp", TIME_KEYS), ("Level", LEVEL_KEYS), ("Component", LOGGER_KEYS)):
        key = _pick(counts, n, names, taken, fold) or _pick_by_value(objs, counts, taken, _VALUE_TESTS.get(field))
        if key is not None and field == "Timestamp" and not _dated_values(objs, key):
            # A time key of no dates (a duration, time=3ms; a clock) yields to one of dates (ts=2024-03-12T08:00:14Z).
            key = next((k for k in names if k not in taken and counts[k] >= _KEY_SHARE * n
                        and _dated_values(objs, k)), key)
        if key is not None and field == "Level" and not _levels_read(objs, key):
            key = None
        if key is not None and field == "Level" and _routine_throughout(objs, key):
            # One routine level on every line tells nothing; an access log's status does (Traefik's, Caddy's JSON).
            key = _status_key(objs, counts, taken) or key
        status = None
        if key is None and field == "Level":
            # A level key on a few objects only is still theirs: Serilog's compact JSON writes no @l for Information.
            # Where a line has none, a status stands in (an error's own level beats its request's 200).
            key = _pick(counts, n, names, taken, fold, share=_MINORITY_SHARE)
            status = _status_key(objs, counts, taken)
            if key is None or (status is not None and not _named_levels(objs, key)):
                # A status beats a key on a few lines whose values are no level names (a CVE's "low", a "gold" tier).
                key, status = status, None
        if key is None and field == "Level" and message in IMPLIED_LEVELS:
            key = IMPLIED_LEVELS[message][0]  # no line writes it: every one has the level the format implies
        if key is None and field == "Level" and _verbosities(objs, counts[VERBOSITY_KEY], n):
            key = VERBOSITY_LEVELS  # the first a line has: its verbosity (info), else its error
        if key is None:
            continue
        taken.add(key)
        # Other names some lines use instead (journald's kernel lines have no unit, only an identifier) stand in
        # where a line lacks the key; they stay fields of their own too.
        others = tuple(k for k in names if counts[k] >= max(_MINORITY_SHARE * n, 1) and k not in taken) \
            if field != "Timestamp" else ()
        others += (status,) if status is not None else ()
        keys.append((field, (key, *others) if others else key))
        if field == "Timestamp":
            values = [o[key] for o in objs if o.get(key) is not None]
            day = _day_key(objs, counts, taken, key) if syntax != "delimited" else None
            if day is not None:  # two keys, one time: read as a W3C file's date and time columns are
                taken.add(day)
                keys[-1:] = [("Date", day), ("Time", key)]
                values = [f"{o[day]} {o[key]}" for o in objs if o.get(key) is not None and o.get(day) is not None]
            # A delimited file's time may be several columns joined (W3C's date and time): detection guesses
            # their layout on the whole sample (formats.with_file_times).
            time_format = "epoch" if all(_is_number(v) for v in values) else \
                _json_time_format(values) if syntax != "delimited" else None
    extras = [k for k in counts if k not in taken][:_MAX_EXTRA_KEYS]
    keys += list(zip(_extra_names(extras, [f for f, _ in keys]), extras))
    return LogFormat("", syntax, json_key=message, keys=tuple(keys), time_format=time_format,
                     logfmt=syntax == "logfmt")


# "date" as a word of a key's name (date, event_date, eventDate, DATE), not inside another word: a record's "updated"
# or "candidate" date is not the line's day.
_DATE_WORD = re.compile(r"(?:(?<![A-Za-z])[Dd]|(?<=[a-z])D)ate(?![a-z])|(?<![A-Z])DATE(?![A-Z])")


def _day_key(objs: list[dict], counts: Counter, taken: set[str], clock: str) -> str | None:
    """The key, named for a date, that holds the dates of ``clock``'s times where those are clocks alone (firewalls'
    ``date=2024-03-12 time=08:00:14``): on as many objects, and before the clock a dated time on most; else None."""
    if _dated_values(objs, clock):
        return None
    for key in counts:
        if key not in taken and _DATE_WORD.search(key) and counts[key] >= counts[clock]:
            joined = [{clock: f"{o[key]} {o[clock]}"} for o in objs
                      if isinstance(o.get(key), str) and isinstance(o.get(clock), str)]
            if _mostly(joined, clock, counts[clock], lambda v: _dated_time(v, whole=True)):
                return key
    return None


def _json_time_format(values: list) -> str | None:
    """The layout of a key's times, read once for the file from its sample, so that every chunk (every Dask byte
    range) reads them alike; None where none reads half of them (detection then guesses one on the sample,
    :func:`formats.with_file_times`)."""
    texts = [str(v) for v in values]
    fmt = time_format_of(texts) if texts else None
    return fmt if fmt is not None and parse_timestamps([texts], fmt).notna().mean() >= 0.5 else None


def _status_key(objs: list[dict], counts: Counter, taken: set[str]) -> str | None:
    """The first key naming a status (:data:`STATUS_KEYS` first, then any :func:`formats.is_status_key`) on most
    objects whose values (a sample) are mostly HTTP status codes."""
    for key in (*STATUS_KEYS, *(k for k in counts if is_status_key(k) and k not in STATUS_KEYS)):
        values = [o[key] for o in objs if key in o][:_VALUE_SAMPLE]
        if key not in taken and counts[key] >= _KEY_SHARE * len(objs) and \
                sum(http_status_class(v) is not None for v in values) >= HEADER_SHARE * len(values) > 0:
            return key
    return None


def infer_directive_format(lines: Sequence[str]) -> LogFormat | None:
    """A LogFormat for logs whose ``#Fields:`` directive names their columns: W3C extended logs (IIS, Windows
    Firewall; space between cells, a ``date`` and a ``time`` column) and Zeek (tab between cells); None
    without one. Lines that open with ``#`` are directives, no events; every column but the time, level and
    component is the message, as ``key=value`` text."""
    directive = next((m for m in map(_FIELDS_DIRECTIVE.match, lines) if m is not None), None)
    return None if directive is None else _named_columns(lines, directive.group(1), "#", ())


def infer_named_columns(lines: Sequence[str]) -> LogFormat | None:
    """A LogFormat, as :func:`infer_directive_format` reads, for logs whose first line names their
    space-separated columns (AWS VPC flow logs); the naming line is no event. None without one."""
    first = next((line for line in lines if line.strip()), "")
    return _named_columns(lines, first, None, (first,)) if _NAMES_LINE.fullmatch(first.strip()) else None


# A text table's header row, as ``kubectl get`` and ``docker ps`` print one: three names or more in capitals, a name's
# words one space apart ("LAST SEEN"), names two or more; and where a column starts in it.
_TABLE_NAME = r"[A-Z][A-Z0-9%/_.-]*(?: [A-Z][A-Z0-9%/_.-]*)*"
_TABLE_HEADER = re.compile(rf"{_TABLE_NAME}(?: {{2,}}{_TABLE_NAME}){{2,}}")
_TABLE_COLUMN = re.compile(r"(?:^|(?<=  ))\S")
_ALIGNED_SHARE = 0.5


def table_header(lines: Sequence[str]) -> str | None:
    """The first line of ``lines`` where it heads a text table (:data:`_TABLE_HEADER`): the rows under it, most
    of them, have a cell starting under each name; else None."""
    header = next((line for line in lines if line.strip()), "")
    if not _TABLE_HEADER.fullmatch(header.rstrip()):
        return None
    rows = [line for line in lines if line.strip() and line != header]
    starts = [m.start() for m in _TABLE_COLUMN.finditer(header)]

    def opens_cell(row: str, at: int) -> bool:
        return at < len(row) and row[at] != " " and (at == 0 or row[at - 1] == " ")

    aligned = all(sum(opens_cell(row, at) for row in rows) >= _ALIGNED_SHARE * len(rows) for at in starts)
    return header if len(rows) >= _MIN_RECORDS and aligned else None


def _named_columns(lines: Sequence[str], named: str, comment: str | None, preamble: tuple[str, ...]
                   ) -> LogFormat | None:
    """The format of cells named by ``named`` (names between spaces or tabs), when most data lines have as many
    and one holds a time; lines that open with ``comment``, and the ``preamble``, hold none."""
    delimiter = "\t" if "\t" in named else " "
    cells = split_plain(named.strip(), delimiter)
    names = _column_names(cells, len(cells))
    data = [line for line in lines if line.strip() and line not in preamble and not (comment and line.startswith("#"))]
    rows = [row for row in (plain_cells(line, delimiter, names) for line in data) if row is not None]
    if len(names) < 3 or len(rows) < max(_MIN_RECORDS, _DELIMITED_SHARE * len(data)):
        return None
    fmt = _structured(rows, "delimited")
    dated = {"date", "time"} <= set(names)
    if fmt is None or not (dated or any(f == "Timestamp" for f, _ in fmt.keys)):
        return None
    times = (("Date", "date"), ("Time", "time")) if dated else tuple((f, k) for f, k in fmt.keys if f == "Timestamp")
    header = times + tuple((f, k) for f, k in fmt.keys if f in ("Level", "Component"))
    message = next((k for k in names if k in MESSAGE_KEYS), NO_MESSAGE_KEY)
    used = {k for _, k in header} | {message}
    extras = [k for k in names if k not in used][:_MAX_EXTRA_KEYS]
    keys = header + tuple(zip(_extra_names(extras, [f for f, _ in header]), extras))
    return replace(fmt, name="directive", json_key=message, keys=keys, delimiter=delimiter, names=tuple(names),
                   comment=comment, preamble=preamble)


def _reads_as_text(values: Sequence) -> bool:
    """Whether most of a key's string values (n,) read as a message: two words, or three or more tokens most of
    them words; not an id, a name, a host, a path or a user agent."""
    def text(value) -> bool:
        tokens = value.split() if isinstance(value, str) else []
        words = sum(_WORD.fullmatch(t) is not None for t in tokens)
        return words == len(tokens) == 2 or (len(tokens) >= 3 and 2 * words >= len(tokens))

    present = [v for v in values if isinstance(v, str) and v.strip()]
    return 2 * sum(map(text, present)) >= len(present) > 0


def _extra_names(keys: Sequence[str], fields: Sequence[str]) -> list[str]:
    """The field names (k,) of a record's other keys: in lower case (``field.`` before a column logad writes
    itself), each column apart from the others' and from those ``fields`` fill (``User`` beside ``user`` fills
    ``user_2``: one of them was lost)."""
    wanted = [f"field.{k.lower()}" if k.lower() in RESERVED_COLUMNS else k.lower() for k in keys]
    taken = {column_name(f) for f in fields}
    names: list[str | None] = []
    for name in wanted:  # first come, first served; then the others' suffixes, clear of every name taken
        names.append(None if column_name(name) in taken else name)
        taken.add(column_name(name))
    for i, name in enumerate(wanted):
        n = 2
        while names[i] is None:
            if column_name(f"{name}_{n}") not in taken:
                names[i] = f"{name}_{n}"
                taken.add(column_name(names[i]))
            n += 1
    return names
