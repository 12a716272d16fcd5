"""Root-cause analysis: group anomalous lines into incidents and rank what probably broke first.

Works on the output of any detector: the frame needs ``is_anomaly`` (0/1) per
line; ``score`` (higher = more anomalous), ``timestamp``, ``component``,
``template`` (else ``masked``, else ``content``), ``source`` and ``line_no``
are used when present. Without timestamps line order stands in for time;
without a component column templates are the units ranked (``unit`` says so).

Grouping (:func:`find_incidents`), per source file, never across files
----------------------------------------------------------------------
1. *Background.* A template the detector flags all over the file (in more
   than ``background_share`` of the file's ``max_gap``-long windows, and in
   at least ``MIN_BACKGROUND_WINDOWS`` of them) is routine for this detector:
   its lines join an incident they fall inside but never start, extend or
   bridge one, except in its first window when it began part-way through
   (absent for longer than chance allows at its later rate): a new fault;
   and except in a window holding more of its lines than chance allows at its
   rate in the other windows (a storm of an otherwise scattered message).
2. *Chaining.* The other anomalous lines, in file order, start a new incident
   when the gap to the previous one exceeds ``max_gap`` (time) or, without
   timestamps, ``max_gap_lines``.
3. *Unrelated bursts* (``split_unrelated``): a gap over ``split_gap``
   (default ``max_gap / 2``) also cuts when the burst after it shares no unit
   and no template with the incident so far.
4. *Recurring symptoms.* A long incident goes quiet between symptoms; a group
   is merged with the earliest incident ending at most ``link_gap`` (default
   ``3 · max_gap``) before it, and everything between, when they share a
   template whose c occurrences over their joint span have a Poisson tail
   P(X ≥ c) < ``link_alpha`` at the template's rate in the file.
5. *Tiny fragments*: incidents under ``min_lines`` anomalous lines merge into
   the nearest incident within ``merge_gap`` (default ``3 · max_gap``), else
   are dropped.
6. *Chance groups* (``burst_alpha``): a group of c anomalous lines spanning w
   (at least the gap) is dropped when P(X ≥ c) ≥ ``burst_alpha`` for X ~
   Poisson(the rate of the file's other anomalous lines · w): any detector scatters
   false alarms through a file at its own rate, and an incident is a burst
   above it. Its lines stay anomalous, outside any incident. A group holding an
   event whose level is an error or worse is kept: one crash is an incident,
   and stray false alarms are rarely errors. A group of ``burst_kinds`` (5)
   different templates or more is weighed against the rate of those templates'
   other anomalous lines instead, but never below the rate at which the file's
   anomalous lines bring templates seen nowhere else: five different messages
   together are a cascade unless they are as often flagged apart, or unless the
   detector flags one-off messages that often anyway (chosen on the tuning
   journals of ``benchmarks/bench_rca.py``; held-out top-3 there).
7. *The file's rhythm* (with ``background_share``): a group with anomalous
   lines in every window of the file, cut into equal windows no longer than
   ``max_gap`` and at least ``MIN_BACKGROUND_WINDOWS`` of them (so also in a
   short file), is no incident as a whole: flags that arrive evenly all
   through a file, chained by a gap longer than their spacing, are the
   detector's background pooled over many templates, and a group holding
   them all has no rest of the file to stand out from (step 6 weighs it
   against no lines at all). What stands out inside it stays: its lines
   chained again at the rhythm's own gap (the file's span / the group's
   lines) where a piece passes step 6 (error lines no exception), i.e. is
   denser than the rhythm; and its error lines chained among themselves by
   ``max_gap`` where such a chain does not itself reach every window (errors
   that come evenly all through the file are the rhythm too). Pieces that
   overlap are one incident; the rest of the group is background. A burst
   in a short file, even a long one, leaves a window empty (before it
   began) and is untouched; so is a group with an error message flagged in
   every window on its own (a fault that lasts the whole file, which step 1
   does not call routine in a short file).

Ranking (:func:`analyze`)
-------------------------
Baseline: an incident's templates are compared with the rest of its file
(lines outside its span). Excluding every incident instead would hide a noisy
detector's recurring false alarms, which form incidents of their own, and make
them look new.

Per anomalous line l of an incident, in file order:

* ``spec_l = d / (d + ln 10)``, d = max(0, log-odds of l's template in the
  incident versus the baseline, :func:`terms.log_odds` with a prior of
  min(100, lines / 100) pseudo-counts): 0.5 at a ten-fold odds ratio, → 1
  for templates seen nowhere else.
* ``onset_l = 1 − exp(−n_l / 2)``, n_l = distinct other templates among the
  incident's anomalous lines within ``onset_window`` (default ``max_gap / 5``)
  after l: a cause is followed by its symptoms; a stray line is not.
* ``pct_l`` = percentile of l's score among the file's anomalous lines
  (left out, i.e. 1, without ``score``).
* ``q_l = spec_l · onset_l · √pct_l`` (how likely l is where the incident
  starts) and ``first_l = q_l · Π_{j<l} (1 − q_j)`` (l is the first such line).
* l implicates its writer and, with weight β = ``mention_weight`` (0.3),
  each unit it names (the unit's name as a word, spelt as in the component
  column, e.g. ``status sent to host: PRINTER PAPER_OUT``): messages often
  name the part that failed.

Per candidate unit u (writers, and units named by ≥ 2 lines), terms in [0, 1]:

* ``earliness`` E = Σ_l first_l · share(l, u) / Σ_l first_l, where the
  writer's share is 1 − β when l names units (1 otherwise) and each named
  unit gets β / (number named): the root cause writes first, follow-on
  components show symptoms later.
* ``specificity`` O = max over lines implicating u of weight · spec_l
  (weight 1 for the writer, β when named).
* ``mentions`` M = d / (d + ln 10), d = log-odds of lines of other units
  naming u, in the incident versus the baseline (≥ 2 lines).
* ``anomaly`` A = max over lines implicating u of weight · pct_l; dropped
  without ``score``.
* ``precursor`` P = 1 when u writes a template in the ``pre_window``
  (default ``max_gap``) before the incident that is new (absent from the
  baseline although, at its rate there, about 5 would be expected) or
  repeated and over-represented (≥ 2 lines, z ≥ ``z_min`` and ≥ the
  Bonferroni bound Φ⁻¹(1 − 0.05 / templates in the window)), or when a
  trend alert on one of its templates is under way then (``trends``,
  :func:`add_trend_evidence`), else 0.

score(u) = Σ_k w_k · term_k(u) / Σ_k w_k over the terms available, with
:data:`WEIGHTS` w_E 0.4, w_O 0.3, w_M 0.3, w_A 0.15, w_P 0.15; ties go to
the unit seen first. The defaults were chosen looking at generated ATM
journals (the bundled sample, seeds 1-5 and 11-20, a 100k-line seed 7) and
checked on seeds never looked at (``benchmarks/bench_rca.py``); no component
name or word is special.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterator, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.stats import norm, poisson

from .features import severity
from .io import NAT, as_times, elapsed_seconds, string_codes, timestamps_ns
from .terms import log_odds, shorten
from .timeseries import log_tail

__all__ = ["Incident", "RcaResult", "RankSettings", "find_incidents", "analyze", "describe", "find_background",
           "add_trend_evidence", "UnitMentions", "mention_units", "WEIGHTS", "CANDIDATE_COLUMNS", "TABLE_COLUMNS",
           "TEMPLATE_COLUMNS"]

WEIGHTS: dict[str, float] = {"earliness": 0.4, "specificity": 0.3, "mentions": 0.3, "anomaly": 0.15,
                             "precursor": 0.15}
MENTION_WEIGHT = 0.3
MIN_BACKGROUND_WINDOWS = 10  # a background template is flagged in at least this many windows
ONSET_ALPHA = 0.01  # a background template this unlikely to be absent so long before its first window began there
_HALF = math.log(10.0)  # log-odds at which a saturating term is 0.5
_EVIDENCE_SHARE = 0.1  # a unit's quoted template holds at least this share of its telling lines
_ONSET_SCALE = 2.0  # distinct follow-on templates for which onset is 1 - 1/e
# Lines at a time where a per-line temporary of a million lines was an analysis' peak (units named, unit pairs).
_LINE_BLOCK = 1 << 16
CANDIDATE_COLUMNS = ["component", "score", "first_line_no", "n_lines", "top_template", "evidence",
                     "earliness", "specificity", "mentions", "anomaly", "precursor"]
# anomalies.csv's columns, the same whatever the logs hold.
ANOMALY_COLUMNS = ("source", "line_no", "timestamp", "component", "template", "score", "methods", "incident")
TABLE_COLUMNS = ["incident", "source", "first_line_no", "last_line_no", "start", "end", "n_lines",
                 "root_cause", "root_cause_candidates", "evidence"]
TEMPLATE_COLUMNS = ["template", "unit", "lines", "baseline_lines", "log_odds", "z", "new"]

Gap = str | pd.Timedelta | int | float | None


_EMPTY_TEMPLATES = pd.DataFrame({"template": pd.Series(dtype=object), "unit": pd.Series(dtype=object),
                                 "lines": pd.Series(dtype=np.int64), "baseline_lines": pd.Series(dtype=np.int64),
                                 "log_odds": pd.Series(dtype=float), "z": pd.Series(dtype=float),
                                 "new": pd.Series(dtype=bool)})
_NO_TEMPLATES = {name: _EMPTY_TEMPLATES[name].to_numpy() for name in TEMPLATE_COLUMNS}
_CANDIDATE_TEXT = {"component", "top_template", "evidence"}


_NAMES: dict[tuple, tuple] = {}


def _shared_names(names: tuple) -> tuple:
    """One tuple for every table with these column names: a (name, array) pair per column and table was a fifth of
    what a long log's incidents held."""
    return _NAMES.setdefault(names, names)


class _FrameField:
    """A DataFrame attribute kept as its index and column arrays, and rebuilt (a copy) on each read: a DataFrame
    weighs about 8 KB beyond its data, and a long log has tens of thousands of incidents with three tables each.
    A change to a table read from it sticks only when assigned back. Read on the class, it gives the default in
    the stored form (a dataclass field's default)."""

    def __init__(self, default: pd.DataFrame | None = None) -> None:
        self.default = None if default is None else self._stored(default)

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = "_" + name

    def __get__(self, obj: object, objtype: type | None = None) -> pd.DataFrame:
        if obj is None:
            if self.default is None:
                raise AttributeError(self.slot)  # a dataclass field without a default
            return self.default
        index, names, arrays = getattr(obj, self.slot)
        return pd.DataFrame(dict(zip(names, arrays)), index=index, copy=True)

    def __set__(self, obj: object, frame: pd.DataFrame | Mapping[str, np.ndarray] | tuple) -> None:
        setattr(obj, self.slot, frame if isinstance(frame, tuple) else self._stored(frame))

    @staticmethod
    def _stored(table: pd.DataFrame | Mapping[str, np.ndarray]) -> tuple:
        """(index, column names, arrays) of a frame, or of columns of one length (index None: 0 .. n-1):
        hashable, as a dataclass default must be. Columns are typed when read, as ``pd.DataFrame`` types them."""
        if isinstance(table, pd.DataFrame):
            return table.index, _shared_names(tuple(table.columns)), tuple(table[name].array for name in table.columns)
        # Most tables are born as columns: building a frame for each only to take it apart took a third of
        # the root-cause step on a long log.
        return None, _shared_names(tuple(table)), tuple(table.values())


@dataclass(eq=False)  # tables compare cell by cell, not as one truth value: incidents compare by identity
class Incident:
    """One group of anomalous lines in one source file, with its ranked probable root causes.

    ``start``/``end``: timestamps of the first/last line (NaT without them);
    ``n_lines``: anomalous events (lines; a multi-line event counts once); ``components``: unit → anomalous
    line count;
    ``first_event``: the first anomalous line's text; ``candidates``: ranked,
    best first, :data:`CANDIDATE_COLUMNS` (``first_line_no`` -1 and
    ``n_lines`` 0 for a unit only named by others); ``templates``: templates
    over-represented in the incident; ``changes``: templates new or unusually
    frequent just before it (both :data:`TEMPLATE_COLUMNS`); ``unit``:
    what its units are: "component", "template" (its lines have no
    component) or "component or template".
    """

    incident: int
    source: str
    first_line_no: int
    last_line_no: int
    start: pd.Timestamp
    end: pd.Timestamp
    n_lines: int
    components: dict
    first_event: str
    candidates: pd.DataFrame = _FrameField()
    templates: pd.DataFrame = _FrameField(_EMPTY_TEMPLATES)
    changes: pd.DataFrame = _FrameField(_EMPTY_TEMPLATES)
    unit: str = "component"

    @property
    def root_cause(self) -> str | None:
        """The top-ranked unit, None when there is no candidate."""
        top = self.top_candidates("component", 1)
        return top[0] if top else None

    @property
    def evidence(self) -> str:
        """Evidence text of the top candidate ('' when none)."""
        top = self.top_candidates("evidence", 1)
        return top[0] if top else ""

    def top_candidates(self, column: str, n: int) -> list[str]:
        """``column`` of the best ``n`` candidates as text, without building the candidates' table."""
        return [str(v) for v in self.candidate_columns().get(column, ())[:n]]

    def candidate_columns(self) -> dict:
        """The candidates' columns (c,) each, as stored: no table is built."""
        _, names, arrays = self._candidates  # stored by _FrameField
        return dict(zip(names, arrays))


@dataclass
class RcaResult:
    """Incidents of a frame, the incident id per line (``labels`` on the frame's index, -1 outside) and the unit."""

    incidents: list[Incident]
    labels: pd.Series
    unit: str = "component"

    def __len__(self) -> int:
        return len(self.incidents)

    def __iter__(self) -> Iterator[Incident]:
        return iter(self.incidents)

    def table(self) -> pd.DataFrame:
        """One row per incident, :data:`TABLE_COLUMNS`; ``root_cause_candidates`` is the top 3, ';'-separated."""
        rows = [{"incident": inc.incident, "source": inc.source, "first_line_no": inc.first_line_no,
                 "last_line_no": inc.last_line_no, "start": inc.start, "end": inc.end, "n_lines": inc.n_lines,
                 "root_cause": inc.root_cause,
                 "root_cause_candidates": ";".join(inc.top_candidates("component", 3)),
                 "evidence": inc.evidence} for inc in self.incidents]
        return pd.DataFrame(rows, columns=TABLE_COLUMNS)

    def outside(self, frame: pd.DataFrame) -> int:
        """How many anomalous events of ``frame`` no incident holds: the rows of :meth:`anomalies` with incident
        -1, counted without building them."""
        return int((self.labels.reindex(frame.index[_flags(frame)]).fillna(-1) < 0).sum())

    def anomalies(self, frame: pd.DataFrame) -> pd.DataFrame:
        """One row per anomalous event of ``frame`` (the analysed frame; a stack trace's first line):
        :data:`ANOMALY_COLUMNS`, empty where the frame has none (no times, no component), ``incident`` -1 for
        background outside incidents."""
        flagged = _flags(frame)
        out = frame.loc[flagged, [c for c in ANOMALY_COLUMNS[:-1] if c in frame]].reindex(columns=ANOMALY_COLUMNS[:-1])
        if "source" in out:
            out["source"] = out["source"].astype(str)
        out["incident"] = self.labels.reindex(out.index).fillna(-1).astype(np.int64).to_numpy()
        return out.reset_index(drop=True)


# --------------------------------------------------------------------------- columns
def _flags(frame: pd.DataFrame) -> np.ndarray:
    """Anomalous, non-blank lines (n,) bool; of a multi-line event (a stack trace) only its first line counts."""
    if "is_anomaly" not in frame:
        raise KeyError("frame has no 'is_anomaly' column; set frame['is_anomaly'] = detector.labels_ first")
    verdicts = frame["is_anomaly"]
    # 0/1 integers or flags are compared as they are: a float copy was 8 bytes a line.
    flags = verdicts.to_numpy() > 0 if _plain(verdicts, "iub") else \
        pd.to_numeric(verdicts, errors="coerce").fillna(0).to_numpy(dtype=float) > 0
    if "event_line_no" in frame and "line_no" in frame:
        flags &= frame["event_line_no"].to_numpy() == frame["line_no"].to_numpy()
    return flags & ~_blank(frame)


def _spread_to_events(frame: pd.DataFrame, labels: np.ndarray, groups: list[tuple[str, np.ndarray]]
                      ) -> np.ndarray:
    """Incident ids (n,) with each multi-line event's continuation rows given their first line's id.
    groups: :func:`_source_groups` of the frame."""
    if "event_line_no" not in frame:
        return labels
    cont = np.flatnonzero(frame["event_line_no"].to_numpy() != frame["line_no"].to_numpy())
    if len(cont) == 0:
        return labels
    codes, names = string_codes(frame, "source" if "source" in frame else None)
    heads = _rows_of(frame, names[codes[cont]], frame["event_line_no"].to_numpy()[cont], groups)
    out = labels.copy()
    found = heads >= 0
    out[cont[found]] = labels[heads[found]]
    return out


def _blank(frame: pd.DataFrame) -> np.ndarray:
    """Blank lines (n,) bool: the frame's ``blank`` column, missing values not blank; none without the column."""
    if "blank" not in frame:
        return np.zeros(len(frame), dtype=bool)
    if _plain(frame["blank"], "b"):  # no missing value to fill: the column itself, not an object copy per line
        return frame["blank"].to_numpy()
    return frame["blank"].astype(object).fillna(False).to_numpy(dtype=bool)


def _plain(column: pd.Series, kinds: str) -> bool:
    """Whether a column is a NumPy array of one of the dtype ``kinds`` (no missing values)."""
    return isinstance(column.dtype, np.dtype) and column.dtype.kind in kinds


def _text_column(frame: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    """First of ``names`` present with at least one value."""
    for name in names:
        if name in frame and frame[name].notna().any():
            return name
    return None


def _factorized(frame: pd.DataFrame, column: str | None) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize`` of the column as strings (:func:`io.string_codes`): codes (n,) in order of first appearance and
    the strings (k,), from the column's codes rather than n strings."""
    codes, names = string_codes(frame, column)
    first = _first_rows(codes, len(names))
    used = np.flatnonzero(first < len(codes))
    used = used[np.argsort(first[used], kind="stable")]
    # A lookup table of the k strings, not a hash of n codes: pd.factorize's table took 36 bytes a line.
    table = np.full(len(names), -1, dtype=np.int32 if len(names) < 2 ** 31 else np.int64)
    table[used] = np.arange(len(used))
    return table[codes], names[used]


def _first_rows(codes: np.ndarray, k: int, block: int = 1 << 20) -> np.ndarray:
    """The first row (k,) of each code 0 .. k-1 among codes (n,), n where it is absent; a block of rows at a time,
    so that no sort holds every row."""
    first = np.full(k, len(codes), dtype=np.int64)
    for lo in range(0, len(codes), block):
        seen, at = np.unique(codes[lo:lo + block], return_index=True)
        first[seen] = np.minimum(first[seen], at + lo)
    return first


def code_type(k: int) -> np.dtype:
    """The narrowest signed integer type holding codes -1 .. k - 1: a per-line code held through every incident."""
    return next(np.dtype(t) for t in (np.int8, np.int16, np.int32, np.int64) if k <= np.iinfo(t).max + 1)


def _template_codes(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Template code per line (n,) in order of first appearance, and the template texts (k,): ``template``, else
    ``masked``, else ``content``."""
    return _factorized(frame, _text_column(frame, ("template", "masked", "content")))


def _unit_codes(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, str, np.ndarray]:
    """Root-cause unit per line as a code (n,) into unit names (u,) in sorted order, the unit kind (the
    component, or the template where the lines name fewer than two components), and whether each line's unit (n,)
    is its template."""
    tcodes, tnames = string_codes(frame, _text_column(frame, ("template", "masked", "content")))
    ccodes, cnames = string_codes(frame, _text_column(frame, ("component",)))
    if _named_components(ccodes, cnames) < 2:
        # One writer for every line sets no incident apart: a JSON log's constant "source" was every root cause.
        codes, names, kind, templates = tcodes, tnames, "template", np.ones(len(frame), dtype=bool)
    else:
        # A line without a component (unparsed) still needs a unit: its template.
        templates = (cnames == "")[ccodes]
        codes = np.where(templates, len(cnames) + tcodes, ccodes)
        names, kind = np.concatenate([cnames, tnames]), "component"
    # Sorted names: code order is name order, and names reading the same share a code.
    same, unique = pd.factorize(names, sort=True)
    return same.astype(code_type(len(unique)))[codes], np.asarray(unique, dtype=object), kind, templates


def _named_components(codes: np.ndarray, names: np.ndarray) -> int:
    """How many distinct non-empty components the lines' codes (n,) into ``names`` (k,) hold."""
    used = np.bincount(codes, minlength=len(names)) > 0  # counts, not a sort of every line's code
    return int((used & (names != "")).sum())


def _severe(frame: pd.DataFrame) -> np.ndarray:
    """Whether each line (n,) is an error or worse by its level; each distinct level read once (string methods
    over every line made a new string per line, a gigabyte at 10M lines)."""
    if "level" not in frame:
        return np.zeros(len(frame), dtype=bool)
    codes, names = string_codes(frame, "level")
    return (severity(pd.Series(names)) >= 2)[codes]


def _kind_of(templates: np.ndarray, kind: str) -> str:
    """What some units are, from whether each is a template (:func:`_unit_codes`): templates, ``kind`` (the
    frame's) when none is, or both (a file without components read beside files with them)."""
    return "template" if templates.all() else kind if not templates.any() else "component or template"


def _times(frame: pd.DataFrame) -> pd.Series | None:
    """Timestamps (n,) forward/backward filled within each source (a file without any stays NaT), or None when
    the frame has none usable."""
    if "timestamp" not in frame or frame["timestamp"].isna().all():
        return None
    ts = frame["timestamp"]
    if not pd.api.types.is_datetime64_any_dtype(ts):
        ts = as_times(ts)
        if ts.isna().all():
            return None
    if not ts.isna().any():
        return ts
    if "source" not in frame:
        return ts.ffill().bfill()
    source = frame["source"].to_numpy()
    return ts.groupby(source, sort=False).ffill().groupby(source, sort=False).bfill()


def _ticks(ts: pd.Series) -> np.ndarray | None:
    """Times (n,) as int64 in their own unit (UTC where zoned), NaT as ``NAT``: their order, whatever their range
    (nanoseconds would wrap a year 1601 around); None for times pandas holds as objects (mixed zones)."""
    if isinstance(ts.dtype, pd.DatetimeTZDtype):
        ts = ts.dt.tz_convert(None)
    return ts.to_numpy().view(np.int64) if ts.dtype.kind == "M" else None


def _span(ts: pd.Series | None, ticks: np.ndarray | None, rows: np.ndarray) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The earliest and latest time of some rows (NaT without times): a clock that steps back inside an incident
    must not make it end before it starts. ``ticks``: :func:`_ticks` of ``ts``, compared without pandas (a Series
    per incident cost a millisecond each)."""
    if ts is None:
        return pd.NaT, pd.NaT
    if ticks is None:
        times = ts.iloc[rows]
        return times.min(), times.max()
    values = ticks[rows]
    known = np.flatnonzero(values != NAT)
    if len(known) == 0:
        return pd.NaT, pd.NaT
    # From the array, not the Series: .iloc's checks cost more than the rest.
    return ts.array[rows[known[values[known].argmin()]]], ts.array[rows[known[values[known].argmax()]]]


def _positions(part: pd.DataFrame, max_gap: Gap, max_gap_lines: int) -> tuple[np.ndarray, float, bool]:
    """Where each line of one source lies (n,), the gap in that unit, and whether it is time (s) or lines."""
    ts = _times(part)
    if ts is None:
        return part["line_no"].to_numpy(dtype=float), float(max_gap_lines), False
    gap = _seconds(max_gap)
    return _clock_positions(elapsed_seconds(ts), gap), gap, True


def _clock_positions(seconds: np.ndarray, reset: float) -> np.ndarray:
    """Positions (n,) in s of a file's lines along its clock (``seconds`` (n,), NaN in a file without times), which
    never run back: a line out of order (two writers, two hosts' clocks apart) keeps the place of the latest
    time before it. A lone line over ``reset`` off both neighbours (a skewed clock) takes the place of the line
    before it; a file written newest first (most steps back) is read backwards in time; a clock set back by over
    ``reset`` that runs on past where it was (a DST fall-back) passes no time (:func:`_set_back`). Else one such step
    holds every later line at one place and chains every later anomaly into one incident. ``seconds`` may be
    overwritten: a file's clock read for this alone."""
    missing = np.isnan(seconds)
    # A long file's clock is tens of millions of values: few copies of it, and none where every line has a time
    # (nor the lines' numbers, 8 bytes a line).
    whole = not missing.any()
    known = None if whole else np.flatnonzero(~missing)
    del missing
    if (len(seconds) if whole else len(known)) < 3:
        return np.maximum.accumulate(seconds)
    times = seconds if whole else seconds[known]
    step = np.diff(times)
    flipped = (step < 0).sum() > 2 * (step > 0).sum()
    if flipped:
        times = times.max() - times
    lone = _lone_times(times, (step > reset) | (step < -reset), reset)
    filled = bool(lone.any())
    if filled:
        times = pd.Series(np.where(lone, np.nan, times)).ffill().bfill().to_numpy()
    if flipped or filled:
        step = np.diff(times)  # the steps of the times read: max - t rounds, so they are not the steps negated
    at = _set_back(times, step, reset)
    if len(at):
        given = np.zeros(len(step))
        given[at] = -step[at]
        times = times + np.concatenate([[0.0], np.cumsum(given)])
    del step
    if whole:
        # In place: a second copy of the clock was the peak (pandas may hand a read-only one).
        return np.maximum.accumulate(times, out=times if times.flags.writeable else None)
    out = np.full(len(seconds), np.nan)
    out[known] = np.maximum.accumulate(times)
    return out


def _lone_times(times: np.ndarray, far: np.ndarray, reset: float) -> np.ndarray:
    """Per time (n,) whether it lies over ``reset`` off both neighbours, which lie within it of each other
    (``far``: per step (n-1,) whether it is over ``reset``); at either end, off its one neighbour alone."""
    lone = np.zeros(len(times), dtype=bool)
    both = np.flatnonzero(far[:-1] & far[1:])  # few: only these need their neighbours compared
    lone[both + 1] = np.abs(times[both + 2] - times[both]) <= reset
    lone[0], lone[-1] = far[0] & ~far[1], far[-1] & ~far[-2]
    return lone


_MAX_SET_BACK = 16  # more steps back than this are clocks interleaved, not a clock set back


def _set_back(times: np.ndarray, step: np.ndarray, reset: float) -> np.ndarray:
    """The steps (s,) between ``times`` (n,; ``step``: their differences (n-1,)) at which a clock set back gives its
    time back: a step back over ``reset`` after which the clock runs on until it passes the time before it (a DST
    fall-back). Where it jumps back onto that time, by about as much as it stepped back, another clock was
    interleaved (a host's an hour behind), and the running maximum orders them; so it is where there are many steps
    back. A jump of under half the step back is the clock's own pause: the same log read twice reaches its first
    end by the quiet hour before its last line, and held there the whole second copy chained into one incident."""
    back = np.flatnonzero(step < -reset)
    if len(back) > _MAX_SET_BACK:
        return np.zeros(0, dtype=np.int64)
    at = []
    for i in back:
        caught = np.flatnonzero(times[i + 1:] >= times[:i + 1].max() - reset)
        # never back, or back by running on
        if not len(caught) or step[i + caught[0]] <= max(reset, -step[i] / 2):
            at.append(i)
    return np.array(at, dtype=np.int64)


def _seconds(value: str | pd.Timedelta | int | float) -> float:
    """A duration in seconds: a number (or a string of one) is seconds (``pd.Timedelta(600)`` would be 600 ns)."""
    if isinstance(value, (int, float, np.integer, np.floating, str)) and not isinstance(value, np.timedelta64):
        try:
            return float(value)
        except ValueError:  # a string of a duration ("10min")
            pass
    return pd.Timedelta(value).total_seconds()


def _where(frame: pd.DataFrame, idx: np.ndarray) -> pd.DataFrame:
    """The ``timestamp`` and ``line_no`` of rows ``idx`` (s rows): all :func:`_positions` reads, not a copy of
    every column (nor of these two when ``idx`` is every row in order)."""
    if _every_row(idx, len(frame)):
        return frame
    return frame[[c for c in ("timestamp", "line_no") if c in frame]].iloc[idx]


def _every_row(idx: np.ndarray, n: int) -> bool:
    """Whether positions ``idx`` are 0, 1, ..., n - 1: one file read in order."""
    return len(idx) == n and (n == 0 or (idx[0] == 0 and bool(np.all(idx[1:] > idx[:-1]))))


def _gap_value(value: Gap, timed: bool, default: float) -> float:
    """A gap option in position units: a duration or a number of seconds when timed, a number of lines otherwise."""
    if value is None:
        return default
    return _seconds(value) if timed else float(value)


def _source_groups(frame: pd.DataFrame) -> list[tuple[str, np.ndarray]]:
    """(source, positional row indices sorted by line_no) per source, in order of first appearance."""
    codes, names = _factorized(frame, "source" if "source" in frame else None)
    line_no = frame["line_no"].to_numpy()
    if len(names) == 1 and bool(np.all(line_no[1:] >= line_no[:-1])):
        # One file read in order: what the sort gives, without its memory; 4 bytes a row where they fit.
        order = np.arange(len(frame), dtype=np.int32 if len(frame) < 2 ** 31 else np.int64)
    else:
        order = np.lexsort((line_no, codes))
    bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
    return [(str(names[i]), order[bounds[i]:bounds[i + 1]]) for i in range(len(names))]


def _with_line_no(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with a ``line_no`` column (1..n when it has none) and without ``attrs``."""
    if frame.attrs:  # pandas deep-copies attrs into every selection: thousands of selections in a long log
        frame = frame.copy(deep=False)
        frame.attrs = {}
    return frame if "line_no" in frame else frame.assign(line_no=np.arange(1, len(frame) + 1))


def _saturate(d: float | np.ndarray) -> float | np.ndarray:
    """d / (d + ln 10) for d ≥ 0 (0 below): log-odds → [0, 1), 0.5 at a ten-fold odds ratio."""
    d = np.maximum(d, 0.0)
    return d / (d + _HALF)


# --------------------------------------------------------------------------- grouping
def find_background(keys: np.ndarray, pos: np.ndarray, gap: float, span: tuple[float, float],
                    share: float | None = 0.05) -> np.ndarray:
    """Anomalous lines (k,) whose template the detector flags throughout the file.

    keys: template code per anomalous line (k,); pos: their positions (k,);
    span: (first, last) position of the file. A template is background when it
    occurs in more than ``share`` of the file's ``gap``-long windows and in at
    least MIN_BACKGROUND_WINDOWS of them. A template that began part-way
    through is a new fault, not background, for ``gap`` from its first line
    (not to the end of the window that holds it: a deploy a second before a
    window's end would leave one line): it fills a share p of the windows
    from then on, and none of the f windows before, where
    (1 − p)^f < ONSET_ALPHA. Nor is a window's storm of it: c lines
    there where the other windows hold λ a window, P(X ≥ c) < ONSET_ALPHA /
    (w · t) over the w windows and t background templates, for X negative
    binomial with mean λ and variance φ·λ, φ the median of its lines in the
    windows it occupies (a message written in clumps is no storm for two
    clumps in one window).
    """
    n_windows = int((span[1] - span[0]) // gap) + 1 if gap > 0 else 0
    if share is None or len(keys) == 0 or n_windows == 0:
        return np.zeros(len(keys), dtype=bool)
    window = ((pos - span[0]) // gap).astype(np.int64)
    per_key = pd.DataFrame({"key": keys, "window": window}).drop_duplicates().groupby("key")["window"]
    occupied, first = per_key.size().reindex(keys).to_numpy(), per_key.min().reindex(keys).to_numpy()
    since = pos - pd.Series(pos).groupby(np.asarray(keys)).transform("min").to_numpy()
    # In a short file "often" is a few incidents' worth: everywhere also means in many windows.
    background = (occupied / n_windows > share) & (occupied >= MIN_BACKGROUND_WINDOWS)
    fill = occupied / (n_windows - first)
    onset = (since < gap) & ((1.0 - fill) ** first < ONSET_ALPHA)
    cells = pd.DataFrame({"key": keys, "window": window}).groupby(["key", "window"])["key"]
    here = cells.transform("size").to_numpy(dtype=float)
    clump = cells.size().groupby(level="key").median().reindex(keys).to_numpy(dtype=float)
    total = pd.Series(keys).map(pd.Series(keys).value_counts()).to_numpy(dtype=float)
    rate = np.maximum((total - here) / max(n_windows - 1, 1), 1e-12)
    tests = n_windows * max(len(np.unique(np.asarray(keys)[background])), 1)
    storm = log_tail(here, rate, np.maximum(clump, 1.0), upper=True) < np.log(ONSET_ALPHA / tests)
    return background & ~onset & ~storm


def _chain(pos: np.ndarray, gap: float) -> np.ndarray:
    """Group number (k,) of sorted positions (k,): a new group after every gap > ``gap``."""
    if len(pos) == 0:
        return np.zeros(0, dtype=np.int64)
    return np.concatenate([[0], np.cumsum(np.diff(pos) > gap)]).astype(np.int64)


def _split_unrelated(group: np.ndarray, pos: np.ndarray, units: np.ndarray, templates: np.ndarray,
                     split_gap: float) -> np.ndarray:
    """Cut groups (k,) at gaps > split_gap where the next burst shares no unit and no template with the past."""
    if len(group) < 2:
        return group
    cut = np.zeros(len(group), dtype=bool)
    # Bursts: runs of lines at most split_gap apart, within one group.
    starts = np.flatnonzero(np.concatenate([[True], (np.diff(pos) > split_gap) | (np.diff(group) != 0)]))
    ends = np.append(starts[1:], len(group))
    seen_units: set = set()
    seen_templates: set = set()
    for s, e in zip(starts, ends):
        if s == 0 or group[s] != group[s - 1]:
            seen_units, seen_templates = set(), set()
        elif not (set(units[s:e]) & seen_units) and not (set(templates[s:e]) & seen_templates):
            cut[s] = True
            seen_units, seen_templates = set(), set()
        seen_units |= set(units[s:e])
        seen_templates |= set(templates[s:e])
    return (group + np.cumsum(cut)).astype(np.int64)


def _link_recurring(group: np.ndarray, pos: np.ndarray, keys: np.ndarray, rate: np.ndarray,
                    link_gap: float, alpha: float) -> np.ndarray:
    """Merge groups (k,) that repeat a template within link_gap more often than chance allows (see module doc).

    pos, keys: positions and template codes (k,) sorted by position; rate:
    occurrences per position unit of each template code in the file.
    """
    if len(group) == 0 or link_gap <= 0 or not alpha:
        return group
    ids = np.unique(group)
    bounds = np.searchsorted(group, np.append(ids, ids[-1] + 1))
    blocks: list[list[int]] = [[int(bounds[0]), int(bounds[1])]]  # [lo, hi) rows of merged incidents
    for i in range(1, len(ids)):
        lo, hi = int(bounds[i]), int(bounds[i + 1])
        new = np.unique(keys[lo:hi])
        target = None
        for j in range(len(blocks) - 1, -1, -1):
            b_lo, b_hi = blocks[j]
            if pos[lo] - pos[b_hi - 1] > link_gap:
                break
            shared = np.intersect1d(keys[b_lo:b_hi], new)
            if len(shared) == 0:
                continue
            joint = keys[b_lo:hi]
            count = np.array([(joint == key).sum() for key in shared])
            expected = rate[shared] * max(pos[hi - 1] - pos[b_lo], 1.0)
            if (poisson.sf(count - 1, expected) < alpha).any():
                target = j  # keep looking back: the earliest such incident ties all the pieces
        if target is None:
            blocks.append([lo, hi])
        else:
            blocks[target:] = [[blocks[target][0], hi]]
    out = np.empty_like(group)
    for n, (lo, hi) in enumerate(blocks):
        out[lo:hi] = n
    return out


def _merge_small(group: np.ndarray, pos: np.ndarray, min_lines: int, merge_gap: float) -> np.ndarray:
    """Merge groups (k,) of fewer than min_lines lines into the nearest group within merge_gap; -1 if none."""
    group = group.copy()
    if min_lines <= 1 or len(group) == 0:
        return group
    while True:
        valid = np.flatnonzero(group >= 0)
        ids, first, sizes = np.unique(group[valid], return_index=True, return_counts=True)
        small = np.flatnonzero(sizes < min_lines)
        if len(small) == 0:
            return group
        i = small[np.argmin(sizes[small])]
        starts, ends = pos[valid][first], pos[valid][first + sizes - 1]
        before = starts[i] - ends[i - 1] if i > 0 else np.inf
        after = starts[i + 1] - ends[i] if i + 1 < len(ids) else np.inf
        if min(before, after) <= merge_gap:
            group[group == ids[i]] = ids[i - 1] if before <= after else ids[i + 1]
        else:
            group[group == ids[i]] = -1


def _drop_chance_groups(group: np.ndarray, pos: np.ndarray, span: float, gap: float, alpha: float,
                        severe: np.ndarray, tcodes: np.ndarray, kinds: int | None) -> np.ndarray:
    """Groups (k,) set to -1 where their lines are no more than the rest of the file's flag rate makes likely.

    pos: sorted positions (k,) of the grouped lines; span: the file's length in
    position units. A group of c lines spanning w (at least ``gap``) is kept
    when P(X ≥ c) < alpha for X ~ Poisson(r · w), r being the rate of the
    other anomalous lines over the rest of the file: a burst, not the stray
    false alarms that any detector scatters through a file at its own rate;
    or when one of its lines is ``severe`` (k,): an error, or worse, by its level.
    A group of ``kinds`` templates or more (``tcodes`` (k,)) takes r from those
    templates' other lines only, or from the other lines whose templates occur
    nowhere else, whichever is more; ``kinds=None`` keeps the one rate for all.
    """
    group = group.copy()
    valid = group >= 0
    if not valid.any():
        return group
    ids, first, count = np.unique(group[valid], return_index=True, return_counts=True)
    where = np.flatnonzero(valid)
    width = np.maximum(pos[where[first + count - 1]] - pos[where[first]], gap)
    others = len(pos) - count
    if kinds is not None:
        n_kinds, own = _template_lines_elsewhere(group, valid, ids, tcodes)
        others = np.where(n_kinds >= kinds, own, others)
    rate = others / np.maximum(span - width, gap)
    chance = (poisson.sf(count - 1, rate * width) >= alpha) & ~np.isin(ids, group[valid & severe])
    group[np.isin(group, ids[chance])] = -1
    return group


def _spread_ids(group: np.ndarray, pos: np.ndarray, span: tuple[float, float], gap: float) -> np.ndarray:
    """Ids of the groups (k,) whose lines (positions ``pos`` (k,)) fall in every window of the file, the file cut
    into max(MIN_BACKGROUND_WINDOWS, ⌈span / gap⌉) equal windows (see module doc, step 7)."""
    length = span[1] - span[0]
    valid = group >= 0
    if length <= 0 or gap <= 0 or not valid.any():
        return np.zeros(0, dtype=np.int64)
    n_windows = max(MIN_BACKGROUND_WINDOWS, math.ceil(length / gap))
    window = np.minimum((pos[valid] - span[0]) * n_windows // length, n_windows - 1).astype(np.int64)
    ids, occupied = np.unique(pd.DataFrame({"g": group[valid], "w": window}).drop_duplicates()["g"],
                              return_counts=True)
    return ids[occupied == n_windows]


def _fill_spans(labels: np.ndarray) -> np.ndarray:
    """Labels (k,) with each group's label also on the unlabelled (-1) lines between its first and last line."""
    labels = labels.copy()
    # Groups are numbered in position order, so filling each one's span in turn never overlaps a later one.
    ids, first = np.unique(labels, return_index=True)
    last = len(labels) - 1 - np.unique(labels[::-1], return_index=True)[1]
    for g, lo, hi in zip(ids, first, last):
        if g >= 0:
            labels[lo:hi + 1] = g
    return labels


def _rhythm_pieces(pos: np.ndarray, span: tuple[float, float], gap: float, alpha: float | None,
                   severe: np.ndarray, tcodes: np.ndarray, kinds: int | None) -> np.ndarray:
    """Piece per line (k,) of one group that fills every window, -1 for its background (see module doc, step 7)."""
    length = span[1] - span[0]
    rhythm = length / len(pos)
    dense = _chain(pos, rhythm)
    if alpha:
        dense = _drop_chance_groups(dense, pos, length, rhythm, alpha, np.zeros(len(pos), dtype=bool), tcodes,
                                    kinds)
    errors = np.full(len(pos), -1, dtype=np.int64)
    errors[severe] = _chain(pos[severe], gap)
    errors[np.isin(errors, _spread_ids(errors, pos, span, gap))] = -1
    errors = _fill_spans(errors)
    kept = (dense >= 0) | (errors >= 0)
    # A piece goes on while one of the two keeps both a line and the one before it.
    joined = np.concatenate([[False], ((dense[1:] == dense[:-1]) & (dense[1:] >= 0))
                             | ((errors[1:] == errors[:-1]) & (errors[1:] >= 0))])
    return np.where(kept, np.cumsum(kept & ~joined) - 1, -1)


def _split_spread_groups(group: np.ndarray, pos: np.ndarray, span: tuple[float, float], gap: float,
                         alpha: float | None, severe: np.ndarray, tcodes: np.ndarray,
                         kinds: int | None) -> np.ndarray:
    """Groups (k,), each that falls in every window of the file cut down to what stands out in it (module doc,
    step 7), renumbered in position order."""
    spread = _spread_ids(group, pos, span, gap)
    # An error flagged in every window on its own is a fault that lasts the file (a database down the whole
    # half-hour cut out of a log), which step 1 does not call routine in a short file: its group stays whole.
    n_codes = int(tcodes.max(initial=-1)) + 2
    steady = _spread_ids(np.where((group >= 0) & severe, group * n_codes + tcodes + 1, -1), pos, span,
                         gap) // n_codes
    spread = np.setdiff1d(spread, steady)
    if len(spread) == 0:
        return group
    group = group.copy()
    top = int(group.max()) + 1
    for g in spread:
        mine = np.flatnonzero(group == g)
        pieces = _rhythm_pieces(pos[mine], span, gap, alpha, severe[mine], tcodes[mine], kinds)
        group[mine] = np.where(pieces >= 0, pieces + top, -1)
        top += int(pieces.max()) + 1
    # Groups are runs of lines in position order: number them by their first line.
    valid = group >= 0
    _, first, inverse = np.unique(group[valid], return_index=True, return_inverse=True)
    group[valid] = np.argsort(np.argsort(first))[inverse]
    return group


def _template_lines_elsewhere(group: np.ndarray, valid: np.ndarray, ids: np.ndarray,
                              tcodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per group of ``ids`` (g,): its different templates, and the anomalous lines (of ``tcodes`` (k,), every
    one) of those templates outside it, but at least the lines outside it whose template occurs nowhere else."""
    n = int(tcodes.max()) + 1
    # Per group and template, as one int64 key: its lines there, and its lines anywhere else.
    pairs, inside = np.unique(group[valid].astype(np.int64) * n + tcodes[valid], return_counts=True)
    owner = np.searchsorted(ids, pairs // n)
    total = np.bincount(tcodes, minlength=n)
    elsewhere = total[pairs % n] - inside
    # A template seen nowhere else is no evidence by itself: rare messages are what a detector flags, so the rate
    # at which the file's flags bring such one-off templates is the least a group's own rate can be.
    alone = inside * (elsewhere == 0)
    lonely = alone.sum() + int((total[tcodes[~valid]] == 1).sum())
    own = np.bincount(owner, weights=elsewhere, minlength=len(ids))
    return np.bincount(owner, minlength=len(ids)), np.maximum(own, lonely - np.bincount(owner, weights=alone,
                                                                                           minlength=len(ids)))


def find_incidents(frame: pd.DataFrame, max_gap: Gap = "10min", max_gap_lines: int = 50, min_lines: int = 1,
                   background_share: float | None = 0.05, split_unrelated: bool = True, split_gap: Gap = None,
                   link_gap: Gap = None, link_alpha: float = 1e-3, merge_gap: Gap = None,
                   burst_alpha: float | None = 1e-2, burst_kinds: int | None = 5) -> pd.Series:
    """Incident id per line (n,), int64 on ``frame.index``: 0, 1, ... in file order, -1 outside incidents.

    Steps and defaults are in the module docstring. ``max_gap`` (a duration, or a
    number of seconds) applies to sources with timestamps, ``max_gap_lines`` to the
    others; ``split_gap``, ``link_gap`` and ``merge_gap`` are durations (or seconds)
    or line counts accordingly. ``background_share=None``, ``link_alpha=0`` and
    ``burst_alpha=None`` turn those steps off; ``burst_kinds=None`` weighs every
    group against the rate of all other anomalous lines.
    """
    frame = _with_line_no(frame)
    flags = _flags(frame)
    tcodes, tnames = _template_codes(frame)
    ucodes, unames, _, _ = _unit_codes(frame)
    severe = _severe(frame)
    out = np.full(len(frame), -1, dtype=np.int64)
    next_id = 0
    groups = _source_groups(frame)
    for _, idx in groups:
        pos_all, gap, timed = _positions(_where(frame, idx), max_gap, max_gap_lines)
        hit = flags[idx]
        rows, pos = idx[hit], pos_all[hit]
        span = (pos_all[0], pos_all[-1]) if len(pos_all) else (0.0, 0.0)
        seeds = ~find_background(tcodes[rows], pos, gap, span, background_share)
        if not seeds.any():
            continue
        s_rows, s_pos = rows[seeds], pos[seeds]
        group = _chain(s_pos, gap)
        if split_unrelated:
            group = _split_unrelated(group, s_pos, unames[ucodes[s_rows]], tnames[tcodes[s_rows]],
                                     _gap_value(split_gap, timed, gap / 2))
        rate = np.bincount(tcodes[rows], minlength=int(tcodes.max()) + 1) / max(span[1] - span[0], 1.0)
        group = _link_recurring(group, s_pos, tcodes[s_rows], rate, _gap_value(link_gap, timed, 3 * gap),
                                link_alpha)
        group = _merge_small(group, s_pos, min_lines, _gap_value(merge_gap, timed, 3 * gap))
        if burst_alpha:
            group = _drop_chance_groups(group, s_pos, span[1] - span[0], gap, burst_alpha, severe[s_rows],
                                        tcodes[s_rows], burst_kinds)
        if background_share is not None:
            group = _split_spread_groups(group, s_pos, span, gap, burst_alpha, severe[s_rows], tcodes[s_rows],
                                         burst_kinds)
        # Background lines join the incident whose span (first to last seed) holds them.
        labels = np.full(len(rows), -1, dtype=np.int64)
        labels[seeds] = group
        labels = _fill_spans(labels)
        kept = labels >= 0
        if kept.any():
            _, dense = np.unique(labels[kept], return_inverse=True)
            out[rows[kept]] = dense + next_id
            next_id += int(dense.max()) + 1
    return pd.Series(_spread_to_events(frame, out, groups), index=frame.index, name="incident", copy=False)


# --------------------------------------------------------------------------- analysis
@dataclass
class _Lines:
    """Per-line arrays of the analysed frame (n,) shared by every incident."""

    unit_codes: np.ndarray  # writer per line (n,), a code into unit_names
    unit_names: np.ndarray  # (u,)
    unit_kind: str
    unit_templates: np.ndarray  # whether each line's unit (n,) is its template (a line without a component)
    codes: np.ndarray  # template code (the narrowest type of code_type), -1 for blank lines
    names: np.ndarray  # template text per code (k,)
    main_unit: np.ndarray  # most frequent unit per code (k,)
    flags: np.ndarray
    scores: np.ndarray
    has_score: bool
    line_no: np.ndarray
    mention_names: list[str]
    mentions: "_Mentions"  # which units each line names


@dataclass
class _Mentions:
    """Which units (U) each line names, kept per distinct text: (n, U) booleans would be the largest array of an
    analysis."""

    text: np.ndarray  # distinct-text code per line (n,), -1 for none
    per_text: np.ndarray  # (T, U) bool: the text names unit U
    units: np.ndarray  # the line's unit (n,), a code into the unit names (the lines' own codes, not a copy)
    own: np.ndarray  # each unit name among the U (u,), -1 when none: a line naming itself does not count

    def rows(self, idx: np.ndarray) -> np.ndarray:
        """(m, U) bool: line ``idx[i]`` names unit j (its own unit excluded)."""
        codes = self.text[idx]
        if self.per_text.shape[0] == 0:
            return np.zeros((len(idx), self.per_text.shape[1]), dtype=bool)
        out = self.per_text[np.maximum(codes, 0)] & (codes >= 0)[:, None]
        own = self.own[self.units[idx]]
        mine = np.flatnonzero(own >= 0)
        out[mine, own[mine]] = False
        return out

    def marks(self, idx: np.ndarray, block: int = _LINE_BLOCK) -> np.ndarray:
        """Sorted ``j · (s + 1) + i`` for each line ``idx[i]`` (s,) naming unit j: a sparse cumulative count.

        Found a block of lines at a time, unit by unit, and kept as int32 rows until the end: laid out unit
        after unit, they are sorted already (concatenating and sorting took three times the memory). A block's
        (block, U) booleans are made twice: small blocks, as a million lines' were the peak of an analysis."""
        n_units = self.per_text.shape[1]
        per_unit: list[list[np.ndarray]] = [[] for _ in range(n_units)]
        for lo in range(0, len(idx), block):
            unit, row = np.nonzero(self.rows(idx[lo:lo + block]).T)  # by unit, then by line
            cut = np.searchsorted(unit, np.arange(n_units + 1))
            for j in range(n_units):
                per_unit[j].append((row[cut[j]:cut[j + 1]] + lo).astype(np.int32))
        out = np.empty(sum(len(part) for parts in per_unit for part in parts), dtype=np.int64)
        at = 0
        for j, parts in enumerate(per_unit):
            for part in parts:
                out[at:at + len(part)] = part
                out[at:at + len(part)] += j * (len(idx) + 1)
                at += len(part)
        return out

    def counts(self, marks: np.ndarray, s: int, lo: int, hi: int) -> np.ndarray:
        """Lines (U,) among rows lo..hi (inclusive) of the s rows whose ``marks`` are given, naming each unit."""
        base = np.arange(self.per_text.shape[1], dtype=np.int64) * (s + 1)
        return np.searchsorted(marks, base + hi + 1) - np.searchsorted(marks, base + lo)


class UnitMentions:
    """Finds which unit names (U) texts name: each name as a word, spelt exactly as the component column writes
    it (``HOST`` is a reference, ``host`` may be an ordinary word). Picklable, for workers."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = list(names)
        longest_first = sorted(self.names, key=len, reverse=True)
        either = "|".join(map(re.escape, longest_first))
        self.pattern = re.compile(r"(?<![A-Za-z0-9_])(" + either + r")(?![A-Za-z0-9_])") if self.names else None
        # The names alone: a text without one as a substring names none, and this search skips ahead by their
        # first letters, where the pattern's look-behind tries every position (three times the time).
        self.screen = re.compile(either)

    def of(self, texts: Sequence) -> list[str]:
        """The names each text (t,) names, space-joined in order of first mention ('' for none or a non-text)."""
        if self.pattern is None:
            return [""] * len(texts)
        # As an object array first: iterating Arrow-backed texts one by one costs 20 times as much.
        found, screen = self.pattern.findall, self.screen.search
        return [" ".join(dict.fromkeys(found(t))) if isinstance(t, str) and screen(t) else ""
                for t in np.asarray(texts, dtype=object)]


def mention_units(frame: pd.DataFrame) -> list[str]:
    """The unit names (U) a line of ``frame`` may name, in order of first appearance: components of 3 or more
    characters without spaces; none when the units are templates (no component column)."""
    units, unit_names, kind, _ = _unit_codes(frame)
    return _mentionable(unit_names[pd.unique(units)]) if kind == "component" else []


def _mentionable(names: np.ndarray) -> list[str]:
    """Names a line can name as a word: 3 or more characters, no spaces."""
    return [u for u in names if isinstance(u, str) and len(u) >= 3 and " " not in u]


def _mention_matrix(frame: pd.DataFrame, units: np.ndarray, unit_names: np.ndarray) -> tuple[list[str], _Mentions]:
    """Unit names (U) and which of them each line names (:class:`UnitMentions`), from the ``mentions`` column
    when the frame has one (space-joined names per line, as :func:`streaming.lean_rows` writes them), else from
    the content.

    units: each line's unit (n,) as a code into ``unit_names``. A line
    naming its own unit does not count; names shorter than 3 characters or
    with spaces are left out.
    """
    names = _mentionable(unit_names[pd.unique(units)])
    if not names:
        return names, _no_mentions(len(frame))
    # Once per distinct text: logs repeat themselves.
    if "mentions" in frame:
        codes, found = string_codes(frame, "mentions")
    else:
        codes, texts = string_codes(frame, _text_column(frame, ("content", "raw")))
        found = UnitMentions(names).of(texts)
    column = {name: j for j, name in enumerate(names)}
    per_text = np.zeros((len(found), len(names)), dtype=bool)
    for i, text in enumerate(found):
        for name in text.split():
            if name in column:
                per_text[i, column[name]] = True
    # Per unit, not per line: 4 bytes a line held through every incident's ranking.
    own = pd.Index(names).get_indexer(unit_names).astype(np.int32)
    return names, _Mentions(codes.astype(code_type(len(found)), copy=False), per_text, units, own)


def _no_mentions(n: int) -> _Mentions:
    """No line names a unit: read-only views of one value for the lines (n,), no per-line memory."""
    none = np.broadcast_to(np.int32(-1), (n,))
    return _Mentions(none, np.zeros((0, 0), dtype=bool), np.broadcast_to(np.int32(0), (n,)),
                     np.zeros(0, dtype=np.int32))


def _pair_counts(codes: np.ndarray, units: np.ndarray, n_units: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct ``code · n_units + unit`` pairs (p,) of lines' template codes and unit codes (n,), blank lines (code
    -1) left out, and their lines (p,)."""
    valid = codes >= 0
    return np.unique(codes[valid].astype(np.int64) * n_units + units[valid], return_counts=True)


def _main_unit(codes: np.ndarray, units: np.ndarray, names: np.ndarray, k: int) -> np.ndarray:
    """The most frequent unit (k,) of each template code, from lines' codes (n,) and unit codes (n,) into
    sorted unit ``names``; ties go to the first name."""
    # Sorting (code, unit) pairs packed in one integer: a hash of n pairs would take several times the memory. A
    # block of lines at a time, then their counts: all lines' int64 pairs and their sort held ~19 bytes a line.
    parts = [_pair_counts(codes[lo:lo + _LINE_BLOCK], units[lo:lo + _LINE_BLOCK], len(names))
             for lo in range(0, len(codes), _LINE_BLOCK)]
    pairs, at = np.unique(np.concatenate([p for p, _ in parts] or [np.zeros(0, np.int64)]), return_inverse=True)
    n = np.bincount(at, weights=np.concatenate([c for _, c in parts] or [np.zeros(0, np.int64)]),
                    minlength=len(pairs)).astype(np.int64)
    code, unit = np.divmod(pairs, len(names))
    first = np.lexsort((-n, code))  # by code, most lines first; stable, so ties keep the first name
    top = first[np.concatenate([[True], code[first][1:] != code[first][:-1]])] if len(first) else first
    out = np.full(k, "", dtype=object)
    out[code[top]] = names[unit[top]]
    return out


def _prepare(frame: pd.DataFrame) -> _Lines:
    ucodes, unames, kind, templates = _unit_codes(frame)
    codes, names = _template_codes(frame)
    # A template counts events: a trace's continuation rows are its event's, and counted once with it.
    continued = frame["event_line_no"].to_numpy() != frame["line_no"].to_numpy() if "event_line_no" in frame else \
        np.zeros(len(frame), dtype=bool)
    codes = np.where(_blank(frame) | continued, -1, codes.astype(code_type(len(names))))
    names = np.asarray(names, dtype=object)
    has_score = "score" in frame and frame["score"].notna().any()
    mention_names, mentions = _mention_matrix(frame, ucodes, unames) if kind == "component" else \
        ([], _no_mentions(len(frame)))
    return _Lines(unit_codes=ucodes, unit_names=unames, unit_kind=kind, unit_templates=templates, codes=codes,
                  names=names, main_unit=_main_unit(codes, ucodes, unames, len(names)), flags=_flags(frame),
                  scores=frame["score"].to_numpy(dtype=float) if has_score else np.zeros(len(frame)),
                  has_score=bool(has_score), line_no=frame["line_no"].to_numpy(), mention_names=mention_names,
                  mentions=mentions)


def _log_odds_of(inside: np.ndarray, base: np.ndarray, present: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """terms.log_odds (delta, z) of the ``present`` codes; all other codes are pooled into one item,
    which keeps the totals (and so the prior) of the full vectors (k,) at a fraction of the cost."""
    a = np.append(inside[present], inside.sum() - inside[present].sum())
    b = np.append(base[present], base.sum() - base[present].sum())
    delta, z = log_odds(a, b, prior=_prior(a.sum() + b.sum()))
    return delta[:-1], z[:-1]


def _prior(total: float) -> float:
    """The Dirichlet prior's pseudo-count total for log_odds: its default 100, at most 1 % of the lines
    compared, so that in a short file the prior does not outweigh the data."""
    return float(min(100.0, max(total, 1.0) / 100.0))


def _over_represented(inside: np.ndarray, base: np.ndarray, lines: _Lines, z_min: float,
                      min_lines: int = 1) -> dict[str, np.ndarray]:
    """Templates new in ``inside`` (baseline 0) or over-represented (log-odds > 0, z ≥ z_min, ≥ min_lines):
    the columns of :data:`TEMPLATE_COLUMNS`, sorted by z.

    inside, base: line counts per template code (k,).
    """
    present = np.flatnonzero(inside)
    if len(present) == 0:
        return _NO_TEMPLATES
    delta, z = _log_odds_of(inside, base, present)
    # "Never elsewhere" means something only where the rest of the file is big enough that the
    # template, at its rate here, would have shown up there about 5 times (P(none) < 1 %).
    new = (base[present] == 0) & (inside[present] * base.sum() / max(inside.sum(), 1.0) >= 5.0)
    keep = np.flatnonzero((delta > 0) & (new | ((z >= z_min) & (inside[present] >= min_lines))))
    if len(keep) == 0:
        return _NO_TEMPLATES
    keep = keep[np.lexsort((-inside[present][keep], -z[keep]))]  # by z, then lines, descending
    sel = present[keep]
    return {"template": lines.names[sel], "unit": lines.main_unit[sel], "lines": inside[sel].astype(np.int64),
            "baseline_lines": base[sel].astype(np.int64), "log_odds": delta[keep], "z": z[keep], "new": new[keep]}


def _percentiles(scores: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """Percentile in (0, 1] of each score (m,) among the sorted flagged lines' scores ``ref`` (r,); 0 for NaN."""
    if len(ref) == 0:
        return np.zeros(len(scores))
    return np.searchsorted(ref, np.nan_to_num(scores, nan=-np.inf), side="right") / len(ref)


def _onset(codes: np.ndarray, pos: np.ndarray, window: float) -> np.ndarray:
    """1 − exp(−n / 2) per line (m,), n = distinct other templates in the ``window`` after the line."""
    ends = np.searchsorted(pos, pos + window, side="right").tolist()
    dense = pd.factorize(codes)[0].tolist()
    inside = [0] * (max(dense, default=-1) + 1)  # lines of each template in the window [lo, hi)
    n = np.zeros(len(dense), dtype=np.int64)
    distinct = lo = hi = 0
    # pos is sorted, so both window edges only move forward: each line enters and leaves once (O(m)).
    for i, code in enumerate(dense):
        for j in range(hi, max(ends[i], i + 1)):
            distinct += inside[dense[j]] == 0
            inside[dense[j]] += 1
        hi = max(hi, ends[i], i + 1)
        for j in range(lo, i + 1):
            inside[dense[j]] -= 1
            distinct -= inside[dense[j]] == 0
        lo = i + 1
        n[i] = distinct - (inside[code] > 0)
    return 1.0 - np.exp(-n / _ONSET_SCALE)


@dataclass
class _Evidence:
    """What one incident's anomalous lines (m, file order) say, for ranking."""

    units: np.ndarray  # writer (m,)
    templates: np.ndarray  # whether the writer is a template (m,)
    codes: np.ndarray  # template (m,)
    line_no: np.ndarray
    pos: np.ndarray
    scores: np.ndarray
    pct: np.ndarray  # score percentile among the file's anomalous lines (m,)
    delta: np.ndarray  # template log-odds vs baseline (m,)
    named: np.ndarray  # (m, U) lines naming each unit
    mention_d: np.ndarray  # (U,) log-odds of lines naming each unit, vs baseline


def _rank(ev: _Evidence, lines: _Lines, baseline: np.ndarray, precursor: Mapping[str, str],
          weights: Mapping[str, float], beta: float, onset_window: float, timed: bool) -> dict[str, np.ndarray]:
    """Ranked candidates of one incident as the columns of :data:`CANDIDATE_COLUMNS` (c,), best first; the formula
    is in the module docstring."""
    spec = _saturate(ev.delta)
    pct = ev.pct if lines.has_score else np.zeros(len(spec))
    q = spec * _onset(ev.codes, ev.pos, onset_window) * (np.sqrt(pct) if lines.has_score else 1.0)
    first = q * np.concatenate([[1.0], np.cumprod(1.0 - q)[:-1]])  # P(line l is the first incident line)
    n_named = ev.named.sum(axis=1)
    writer_share = np.where(n_named > 0, 1.0 - beta, 1.0)
    named_share = np.where(n_named > 0, beta / np.maximum(n_named, 1), 0.0)
    writers = list(dict.fromkeys(ev.units.tolist()))  # first-appearance order
    by_mention = [name for j, name in enumerate(lines.mention_names)
                  if ev.named[:, j].sum() >= 2 and ev.mention_d[j] > 0 and name not in writers]
    units = writers + by_mention
    # A row per candidate (c, m) of its own lines and of the lines naming it: each term for every candidate in one
    # call (a dozen calls per candidate on a few lines each were most of the ranking).
    slot = {unit: n for n, unit in enumerate(writers)}
    which = [slot[unit] for unit in ev.units.tolist()]
    own = np.array(which)[None, :] == np.arange(len(units))[:, None]
    column = {name: j for j, name in enumerate(lines.mention_names)}
    cols = np.array([column.get(unit, -1) for unit in units])
    named = np.zeros(own.shape, dtype=bool)
    named[cols >= 0] = ev.named[:, cols[cols >= 0]].T
    weight = np.where(own, 1.0, np.where(named, beta, 0.0))
    share = np.where(own, writer_share, 0.0) + np.where(named, named_share, 0.0)
    total = first.sum()
    n_naming = named.sum(axis=1)
    # Each row sums as the one candidate's vector did (pairwise, over all m lines): the same bits.
    terms = {"earliness": (first * share).sum(axis=1) / total if total > 0 else own[:, 0].astype(float),
             "specificity": (weight * spec).max(axis=1),
             "mentions": np.where(n_naming >= 2, _saturate(np.append(ev.mention_d, 0.0)[cols]), 0.0),
             "anomaly": (weight * pct).max(axis=1),
             "precursor": np.array([1.0 if unit in precursor else 0.0 for unit in units])}
    terms = {k: v.tolist() for k, v in terms.items()}
    lines_of: list[list[int]] = [[] for _ in writers]
    for line, n in enumerate(which):
        lines_of[n].append(line)
    used = {k: w for k, w in weights.items() if w and (lines.has_score or k != "anomaly")}
    rows = []
    for n, unit in enumerate(units):
        mine = {k: v[n] for k, v in terms.items()}
        score = sum(w * mine[k] for k, w in used.items()) / sum(used.values())
        said = _describe_candidate(unit, lines_of[n] if n < len(writers) else [], n + 1, named[n], ev, lines,
                                   baseline, precursor, timed, mine)
        rows.append({"component": unit, "score": score, **said, **mine})
    rows.sort(key=lambda row: -row["score"])  # stable: ties keep first-appearance order
    return {name: np.array([row[name] for row in rows], dtype=object if name in _CANDIDATE_TEXT else None)
            for name in CANDIDATE_COLUMNS}


def _describe_candidate(unit: str, mine: list[int], rank: int, named: np.ndarray, ev: _Evidence, lines: _Lines,
                        baseline: np.ndarray, precursor: Mapping[str, str], timed: bool, terms: dict) -> dict:
    """first_line_no, n_lines, top_template and the evidence sentence of one candidate: ``mine``, its own lines
    (positions in ``ev``, in order), ``rank``-th writer to turn anomalous; ``named`` (m,): the lines naming it."""
    parts = []
    if mine:
        i = mine[0]
        # Python lists: a unit holds a few lines, and NumPy's call overhead outweighed the work.
        codes, delta = ev.codes[mine].tolist(), ev.delta[mine].tolist()
        # The most over-represented template, of those at least ten times as common here as elsewhere that hold a
        # tenth of such lines: one line of recovery seen nowhere else beside 469 refused connections is no
        # evidence of the outage, nor are routine lines a little more common than usual.
        telling = [n for n, d in enumerate(delta) if d >= _HALF]
        held = Counter(codes[n] for n in telling)
        strong = [n for n in telling if held[codes[n]] >= _EVIDENCE_SHARE * len(telling)]
        code = codes[max(strong or range(len(mine)), key=delta.__getitem__)]  # the first line of the largest
        # The unit's most telling template need not be its first line's: it says where it starts.
        best = mine[codes.index(code)]
        after = ev.pos[i] - ev.pos[0]
        # Named after the units it is counted among: templates stand in where lines have no component.
        kind = _kind_of(ev.templates[:i + 1], lines.unit_kind)
        parts.append("first anomalous event" + f" (line {ev.line_no[i]})" if rank == 1 else
                     f"the {_ordinal(rank)} {kind} to turn anomalous (line {ev.line_no[i]}, "
                     f"{after:.0f} {'s' if timed else 'lines'} after the start)")
        text = shorten(str(lines.names[code]))
        n_in, n_base = codes.count(code), int(baseline[code])
        where = "" if ev.line_no[best] == ev.line_no[i] else f" from line {ev.line_no[best]}"
        parts.append(f"'{text}' ×{n_in}{where}, " + ("never elsewhere in the file" if n_base == 0 else
                                              f"{n_base} elsewhere (log-odds {ev.delta[best]:+.1f})"))
        info = {"first_line_no": int(ev.line_no[i]), "n_lines": len(mine), "top_template": str(lines.names[code])}
    else:
        parts.append(f"no line of its own; named first at line {ev.line_no[int(named.argmax())]}")
        info = {"first_line_no": -1, "n_lines": 0, "top_template": ""}
    if terms["mentions"] > 0:
        parts.append(f"named by {int(named.sum())} line(s) of other units (M {terms['mentions']:.2f})")
    if lines.has_score and mine:
        pct = ev.pct[mine].tolist()
        k = mine[pct.index(max(pct))]
        parts.append(f"max score {ev.scores[k]:.2f} (top {max(1.0, 100 * (1 - ev.pct[k])):.0f}% of anomalies)")
    if unit in precursor:
        parts.append(f"before the start: '{shorten(precursor[unit], 60)}'")
    return {**info, "evidence": "; ".join(parts)}


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _event_texts(frame: pd.DataFrame, rows: np.ndarray) -> list[str]:
    """Lines (r,) as a user would recognise them: their raw text (else component + content), ≤ 200 characters.
    Taken from each column once: a column and a cell per incident cost more than the incident's ranking."""
    raw = frame["raw"].iloc[rows].tolist() if "raw" in frame else [None] * len(rows)
    others = [frame[c].iloc[rows].tolist() for c in ("component", "content") if c in frame]
    return [text.strip()[:200] if isinstance(text, str) and text.strip() else
            " ".join(str(column[i]) for column in others if pd.notna(column[i])).strip()[:200]
            for i, text in enumerate(raw)]


def analyze(frame: pd.DataFrame, incidents: pd.Series | str | None = None, *, max_gap: Gap = "10min",
            max_gap_lines: int = 50, min_lines: int = 1, background_share: float | None = 0.05,
            split_unrelated: bool = True, onset_window: Gap = None, pre_window: Gap = None,
            weights: Mapping[str, float] | None = None, mention_weight: float = MENTION_WEIGHT,
            z_min: float = 2.0, trends: pd.DataFrame | None = None, **grouping) -> RcaResult:
    """Group anomalous lines into incidents and rank each one's probable root causes.

    frame: one row per line with ``is_anomaly`` (n,), optionally ``score``,
    ``timestamp``, ``component``, ``template``/``masked``/``content``,
    ``source``, ``line_no``, ``raw``. ``incidents``: a ready incident id per
    line (Series on ``frame.index`` or a column name; -1 or NaN = none), e.g.
    a known grouping; otherwise :func:`find_incidents` with ``max_gap``,
    ``max_gap_lines``, ``min_lines``, ``background_share``,
    ``split_unrelated`` and ``**grouping`` (its other options).
    ``onset_window`` (default gap / 5) and ``pre_window`` (default the gap)
    are durations, or line counts without timestamps. ``weights`` overrides
    :data:`WEIGHTS` (a missing key weighs 0); ``mention_weight`` is β.
    ``trends``: trend alerts (:data:`timeseries.TREND_COLUMNS`) whose
    writer becomes a precursor (:func:`add_trend_evidence`).
    Returns incidents in id order; ``result.unit`` is "template" when the
    frame has no component column.
    """
    frame = _with_line_no(frame)
    if incidents is None:
        labels = find_incidents(frame, max_gap, max_gap_lines, min_lines, background_share, split_unrelated,
                                **grouping)
    else:
        given = frame[incidents] if isinstance(incidents, str) else incidents
        # A Series aligns on the index; anything else is taken in row order.
        labels = given.reindex(frame.index) if isinstance(given, pd.Series) else pd.Series(given, index=frame.index)
        labels = pd.to_numeric(labels, errors="coerce").fillna(-1).astype(np.int64).rename("incident")
    settings = RankSettings(max_gap, max_gap_lines, onset_window, pre_window,
                            dict(WEIGHTS if weights is None else weights), mention_weight, z_min)
    lines = _prepare(frame)
    ts = _times(frame)
    clock = (ts, None if ts is None else _ticks(ts))
    out: list[Incident] = []
    groups = _source_groups(frame)
    for source, idx in groups:
        out += _analyze_source(frame, lines, labels.to_numpy(), source, idx, clock, settings)
    out.sort(key=lambda inc: (inc.incident, inc.source))
    if trends is not None and len(trends):
        used = {k: w for k, w in settings.weights.items() if w and (lines.has_score or k != "anomaly")}
        _add_trend_evidence(out, trends, frame, (lines.unit_codes, lines.unit_names), groups, used,
                            max_gap if pre_window is None else pre_window, max_gap_lines)
    return RcaResult(out, labels, lines.unit_kind)


@dataclass(frozen=True)
class RankSettings:
    """How :func:`analyze` looks at each incident (see its parameters): windows, weights, significance."""

    max_gap: Gap = "10min"
    max_gap_lines: int = 50
    onset_window: Gap = None
    pre_window: Gap = None
    weights: Mapping[str, float] = field(default_factory=lambda: dict(WEIGHTS))
    mention_weight: float = MENTION_WEIGHT
    z_min: float = 2.0


def add_trend_evidence(incidents: list[Incident], trends: pd.DataFrame, frame: pd.DataFrame,
                       weights: Mapping[str, float], window: Gap = "10min", window_lines: int = 50) -> None:
    """Count trend alerts under way just before an incident as precursors of their template's writer.

    A heartbeat that falls silent, a message that starts storming, traffic
    that drops: the component writing that template is implicated. An alert
    counts for an incident of the same source when it starts in the
    ``window`` before the incident's start (time, or ``window_lines`` lines
    without timestamps) from a line before the incident's first and in no
    incident (a storm's own burst is no warning of it); an alert long under way, such as a template gone
    days ago, says nothing about this incident, and a ``shift`` starts at a
    chosen split (a midnight), not when something happened. Its writer (the
    unit of the alert's first line) gets precursor 1, possibly as a new
    candidate; scores are recomputed with ``weights`` (the weights in use)
    and re-ranked.
    """
    _add_trend_evidence(incidents, trends, frame, _unit_codes(frame)[:2], _source_groups(frame), weights, window,
                        window_lines)


def _add_trend_evidence(incidents: list[Incident], trends: pd.DataFrame, frame: pd.DataFrame,
                        units: tuple[np.ndarray, np.ndarray], groups: list[tuple[str, np.ndarray]],
                        weights: Mapping[str, float], window: Gap, window_lines: int) -> None:
    """:func:`add_trend_evidence` with each line's unit (codes (n,), names) and the frame's
    :func:`_source_groups` already made."""
    # A shift runs to the end of the log; the series of all lines together has no writer (its first line's unit
    # just happened to write first).
    trends = trends[(trends["kind"] != "shift") & (trends["template_id"] != -1)]
    rows = _rows_of(frame, trends["source"].astype(str).to_numpy(), trends["first_line_no"].to_numpy(), groups)
    ucodes, unames = units
    alerts = trends.assign(unit=np.where(rows >= 0, unames[ucodes[np.maximum(rows, 0)]], None))
    alerts = alerts[alerts["unit"].notna()].reset_index(drop=True)
    source = alerts["source"].astype(str).to_numpy()
    line_no = alerts["first_line_no"].to_numpy(dtype=np.int64)
    start = timestamps_ns(alerts["start"]).view("datetime64[ns]")
    timed = ~np.isnat(start)
    said = [(str(unit), f"trend before the start: {kind} of '{shorten(template, 60)}'")
            for unit, kind, template in zip(alerts["unit"], alerts["kind"], alerts["template"])]
    begins = timestamps_ns(pd.Series([inc.start for inc in incidents], dtype=object)).view("datetime64[ns]")
    width = pd.Timedelta(seconds=_seconds(window)).to_timedelta64()
    # An alert whose first line lies in an incident is that incident's own trend (its storm), no warning sign.
    owned = np.zeros(len(alerts), dtype=bool)
    for inc in incidents:
        owned |= (source == inc.source) & (line_no >= inc.first_line_no) & (line_no <= inc.last_line_no)
    for inc, begin in zip(incidents, begins):
        if not np.isnat(begin) and timed.any():
            lag = begin - start
            just_before = timed & (lag >= np.timedelta64(0)) & (lag <= width)
        else:
            lag = inc.first_line_no - line_no
            just_before = (lag >= 0) & (lag <= window_lines)
        hits = np.flatnonzero(just_before & (source == inc.source) & (line_no < inc.first_line_no) & ~owned)
        if len(hits):
            # The candidates' columns, not their table: pandas took most of this step's time.
            columns = {name: np.asarray(values) for name, values in inc.candidate_columns().items()}
            for i in hits:
                columns = _add_precursor(columns, *said[i])
            inc.candidates = _rescored(columns, weights)


def _rows_of(frame: pd.DataFrame, sources: np.ndarray, line_no: np.ndarray,
             groups: list[tuple[str, np.ndarray]] | None = None) -> np.ndarray:
    """Positional row (m,) of each (source, line_no) pair (m,), -1 where the frame has no such line; of a
    repeated number, the first row. ``groups``: :func:`_source_groups` of the frame, when already made."""
    out = np.full(len(line_no), -1, dtype=np.int64)
    numbers = frame["line_no"].to_numpy()
    for source, idx in _source_groups(frame) if groups is None else groups:
        mine = np.flatnonzero(sources == source)
        if len(mine) == 0:
            continue
        # One file read in order searches the column itself: a copy of it was the peak of analyze's incidents.
        ordered = numbers if _every_row(idx, len(numbers)) else numbers[idx]
        at = np.minimum(np.searchsorted(ordered, _in_type(line_no[mine], ordered.dtype)), len(idx) - 1)
        found = numbers[idx[at]] == line_no[mine]
        out[mine[found]] = idx[at[found]]
    return out


def _in_type(values: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """Integers (m,) as the integer ``dtype`` of a column searched for them, clipped to its range (a number out of
    it is found nowhere anyway): searched as a wider type, the whole column was copied to it first."""
    if values.dtype.kind not in "iu" or dtype.kind not in "iu":
        return values
    info = np.iinfo(dtype)
    return np.clip(values, info.min, info.max).astype(dtype)


def _add_precursor(columns: dict[str, np.ndarray], unit: str, evidence: str) -> dict[str, np.ndarray]:
    """Candidate columns (:data:`CANDIDATE_COLUMNS`) with the precursor term of ``unit`` set (a new candidate when it
    has none) and ``evidence`` added."""
    if unit not in set(columns["component"].tolist()):
        row = {c: 0.0 for c in CANDIDATE_COLUMNS} | {"component": unit, "first_line_no": -1, "n_lines": 0,
                                                       "top_template": "", "evidence": "no anomalous line"}
        columns = {name: np.append(values, row[name]) for name, values in columns.items()}
    mine = columns["component"] == unit
    said = [text + "; " + evidence if named else text for text, named in zip(columns["evidence"], mine)]
    return columns | {"precursor": np.where(mine, 1.0, columns["precursor"]), "evidence": np.array(said, dtype=object)}


def _rescored(columns: dict[str, np.ndarray], weights: Mapping[str, float]) -> dict[str, np.ndarray]:
    """Candidate columns scored anew with ``weights`` and ranked, best first (ties keep their order)."""
    # The terms (c, K) laid out term after term, as a table's columns are: the same sums to the last bit.
    terms = np.array([columns[k] for k in weights], dtype=float).T
    score = terms @ np.array(list(weights.values())) / sum(weights.values())
    order = np.argsort(-score, kind="stable")
    return {name: values[order] for name, values in (columns | {"score": score}).items()}


class _Spans:
    """The union of closed row spans [first, last] (i,), as sorted disjoint runs: which rows lie in any, without
    a mark per line."""

    def __init__(self, first: np.ndarray, last: np.ndarray) -> None:
        order = np.argsort(first, kind="stable")
        first, last = first[order], np.maximum.accumulate(last[order]) if len(last) else last
        # A span starts a new run when it begins after every earlier span has ended.
        new = np.concatenate([[True], first[1:] > last[:-1]]) if len(first) else np.zeros(0, dtype=bool)
        self.starts = first[new]
        self.ends = np.append(last[np.flatnonzero(new)[1:] - 1], last[-1:]) if len(first) else last

    def cover(self, rows: np.ndarray) -> np.ndarray:
        """Whether each row (r,) lies in a span (r,) bool."""
        run = np.searchsorted(self.starts, rows, side="right") - 1
        return (run >= 0) & (rows <= self.ends[np.maximum(run, 0)]) if len(self.starts) else np.zeros(len(rows), bool)


@lru_cache(maxsize=4096)
def _bonferroni_z(n_tests: int) -> float:
    """The z that holds a family of ``n_tests`` one-sided tests to a 5 % error: one scipy call per family size,
    not per incident."""
    return float(norm.isf(0.05 / n_tests))


def _analyze_source(frame: pd.DataFrame, lines: _Lines, labels: np.ndarray, source: str, idx: np.ndarray,
                    clock: tuple, settings: RankSettings) -> list[Incident]:
    """Incidents of one source; idx: its rows (s,) in line order, labels: every line's incident id (n,); clock: the
    rows' times and their :func:`_ticks` (:func:`_span`)."""
    z_min = settings.z_min
    # A single file read in order is every row as it stands: views instead of per-line copies.
    whole = _every_row(idx, len(frame))
    take = (lambda values: values) if whole else (lambda values: values[idx])
    pos, gap, timed = _positions(_where(frame, idx), settings.max_gap, settings.max_gap_lines)
    onset = _gap_value(settings.onset_window, timed, gap / 5)
    window = _gap_value(settings.pre_window, timed, gap)
    codes, flags, lab = take(lines.codes), take(lines.flags), take(labels)
    scores = take(lines.scores)
    ref = np.sort(scores[flags & ~np.isnan(scores)])  # percentiles are read only on incident lines
    valid = codes >= 0
    k = len(lines.names)
    everything = np.bincount(codes[valid], minlength=k).astype(float)
    n_valid = int(valid.sum())
    # Cumulative counts make "outside this span" O(1) per incident for mentions.
    marks = lines.mentions.marks(idx)
    m_total = lines.mentions.counts(marks, len(idx), 0, len(idx) - 1)
    # First and last row of each incident, from the rows in one (a scan per incident is quadratic in the lines).
    inside_any = np.flatnonzero(lab >= 0)
    ids, first = np.unique(lab[inside_any], return_index=True)
    last = inside_any[len(inside_any) - 1 - np.unique(lab[inside_any][::-1], return_index=True)[1]]
    first = inside_any[first]
    spans = _Spans(first, last)
    out, heads = [], []  # incidents, and the row of each one's first anomalous line
    for g, lo, hi in zip(ids, first.tolist(), last.tolist()):
        in_view = valid[lo:hi + 1]
        inside = np.bincount(codes[lo:hi + 1][in_view], minlength=k).astype(float)
        baseline = everything - inside
        # "What changed": templates of the window before the start that lie outside every incident.
        # pos never decreases, so the window is one slice.
        before = np.arange(np.searchsorted(pos, pos[lo] - window, side="left"), lo)
        before = before[~spans.cover(before) & valid[before]]
        pre = np.bincount(codes[before], minlength=k).astype(float)
        # Many templates pass through a window: hold the family of tests to a 5 % error (Bonferroni).
        n_tests = max(int((pre > 0).sum()), 1)
        changes = _over_represented(pre, baseline - pre, lines, max(z_min, _bonferroni_z(n_tests)),
                                    min_lines=2)
        precursor: dict[str, str] = {}
        for unit, template in zip(changes["unit"], changes["template"]):
            precursor.setdefault(unit, template)
        mine = lab[lo:hi + 1] == g
        member = lo + np.flatnonzero(mine & flags[lo:hi + 1])
        if len(member) == 0:  # a given grouping may hold no flagged line: use all its lines
            member = lo + np.flatnonzero(mine & valid[lo:hi + 1])
        if len(member) == 0:
            continue
        present = np.flatnonzero(inside)
        delta_present = _log_odds_of(inside, baseline, present)[0]
        delta = np.zeros(k)
        delta[present] = delta_present
        m_out = m_total - lines.mentions.counts(marks, len(idx), lo, hi)
        n_out = n_valid - int(in_view.sum())
        named = lines.mentions.rows(idx[member])
        m_in = named.sum(axis=0)
        mention_d = np.array([log_odds(np.array([m_in[j], len(member) - m_in[j]]),
                                       np.array([m_out[j], max(n_out - m_out[j], 0)]),
                                       prior=_prior(len(member) + n_out))[0][0]
                              if m_in[j] >= 2 else 0.0 for j in range(len(m_in))])
        rows = idx[member]
        ev = _Evidence(units=lines.unit_names[lines.unit_codes[rows]], templates=lines.unit_templates[rows],
                       codes=codes[member], line_no=lines.line_no[rows],
                       pos=pos[member], scores=scores[member], pct=_percentiles(scores[member], ref),
                       delta=delta[codes[member]], named=named, mention_d=mention_d)
        candidates = _rank(ev, lines, baseline, precursor, settings.weights, settings.mention_weight, onset, timed)
        names_u, n_u = np.unique(ev.units.astype(str), return_counts=True)
        by_count = np.argsort(-n_u, kind="stable")
        start, end = _span(*clock, idx[lo:hi + 1])
        out.append(Incident(
            incident=int(g), source=source, first_line_no=int(lines.line_no[idx[lo]]),
            last_line_no=int(lines.line_no[idx[hi]]), start=start, end=end,
            n_lines=len(member), components={str(names_u[i]): int(n_u[i]) for i in by_count},
            first_event="", candidates=candidates,
            templates=_over_represented(inside, baseline, lines, z_min), changes=changes,
            unit=_kind_of(ev.templates, lines.unit_kind)))
        heads.append(rows[0])
    for incident, text in zip(out, _event_texts(frame, np.array(heads, dtype=np.int64))):
        incident.first_event = text
    return out


def describe(incident: Incident) -> str:
    """A few lines summarising an incident: where and when, first event, units, top 3 causes, what changed."""
    when = f"{incident.start} → {incident.end}" if pd.notna(incident.start) else "no timestamps"
    units = ", ".join(f"{c} ×{n}" for c, n in sorted(incident.components.items(), key=lambda kv: -kv[1])[:6])
    out = [f"Incident {incident.incident} in {incident.source or '<input>'}, lines {incident.first_line_no}-"
           f"{incident.last_line_no} ({when}), {incident.n_lines} anomalous event(s)",
           f"  first event: {incident.first_event}",
           f"  {' or '.join(kind + 's' for kind in incident.unit.split(' or '))}: {units}"]
    if "template" in incident.unit:
        out.append("  (lines without a component: their templates stand in for components)")
    for rank, row in enumerate(incident.candidates.head(3).itertuples(index=False), 1):
        out.append(f"  #{rank} {row.component} (score {row.score:.2f}): {row.evidence}")
    if not incident.changes.empty:
        shown = "; ".join(f"'{shorten(t, 50)}'" + (" (new)" if new else "")
                          for t, new in zip(incident.changes["template"].head(3), incident.changes["new"].head(3)))
        out.append(f"  before it: {shown}")
    return "\n".join(out)
