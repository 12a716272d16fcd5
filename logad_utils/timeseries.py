"""Template counts over time, their baselines and trend alerts: bursts, drops, shifts, silences, new and gone
templates.

Some anomalies are invisible line by line: a heartbeat that stops, a retry
storm of an ordinary message, a transaction rate that halves. This module
counts each template per time bucket and compares the counts with a baseline.

Counting (:func:`count_templates`)
----------------------------------
Lines are grouped by (bucket, template) with one sparse matrix build, never a
loop over lines. The bucket is a "nice" duration that divides a day, the
smallest giving at least ``TARGET_LINES`` lines per bucket on average and at
most ``MAX_BUCKETS`` buckets; logs without timestamps use windows of lines.
Buckets are aligned on midnight; a bucket the log only partly covers has an
``exposure`` below 1 and its expected count is scaled down.

Baseline (:func:`expected_counts`)
----------------------------------
*Seasonal* when the log covers at least two days (and the bucket divides a
day): expected(day d, slot s) = weekday(d) · profile(d, s). The profile is
the mean of slot s over the *other* days (a burst or a drop never lowers its
own surprise) or, with ``MEDIAN_MIN_DAYS`` days or more and at least
``MEDIAN_MIN_LINES`` lines in the hour, the median day of that hour spread
over its buckets (robust to incidents on up to half of the days). Weekday
factors (two weeks or more) are the daily totals per weekday over the
overall mean, with a prior of ``WEEKDAY_PRIOR`` lines. A slot no day can
speak for is interpolated from the buckets around it. Otherwise *rolling*:
the centred rolling median over ``ROLLING_BUCKETS`` buckets, or the rolling
mean where the median is 0 (a rare template). Where fewer than
``SLOT_MIN_LINES`` lines stand behind a template's baseline (the slot on the
other days, or the rolling window), a mix stands in: a flat rate and the
shape of the expected count of all lines, in the proportion (one of
``MIX_STEPS``) that fits the template's lines in such thin buckets best,
scaled to them. A rare message that follows the daily traffic is then
expected most at the busy hours, one that comes at any hour is not, and
neither is expected nowhere because a few days happened to hold none of its
lines; a busy message's quiet hours are fitted on its quiet hours alone.

The fit is repeated ``REFITS`` times, each time without the buckets (one
standard deviation out) of the windows the last fit finds extreme (tail
probability under ``OUTLIER_P`` over the number of windows): a storm one day
must not raise every other day's baseline, nor frequent drops lower it. A
tenth of the template's mean rate over the buckets fitted, or half a line
over them where that is more, is the floor. A
template with a ``new`` (``gone``) alert is modelled only from its first
line (up to its last).

Dispersion: log counts are burstier than Poisson. For a template with at
least 20 buckets expecting ≥ 5 lines, φ is the mean square of its Pearson
residuals there, clipped at 4 robust (MAD) scales; for a rare template φ is
its median count in the buckets where it occurs (lines come in clumps, e.g.
three cassettes refilled together: variance = clump size × mean); with
fewer than three such buckets, the median of the other rare templates' (one
storm is no measure of its own clump size). Counts
are then negative binomial with mean μ and variance φ·μ (Poisson at φ = 1),
tails from scipy.stats.

Alerts (:func:`find_trends`)
----------------------------
* ``burst`` / ``drop``: the count of a template (or of all lines together,
  template id -1) in a window of 1, 2, 4, 8 or 16 buckets has a tail probability
  below ``alpha / tests`` (Bonferroni over templates and disjoint windows);
  flagged windows of one template and direction join into one alert, split
  at a lull (buckets not moving its way) as long as the busy buckets
  either side of it where both sides are alerts alone (two storms days
  apart are two bursts, not one over the quiet days between). On
  logs with a rolling baseline a storm longer than half its window is its
  own baseline, so windows of ``FLANK_SCALES`` buckets are also tested
  against the windows half as long on either side (:func:`_flank_windows`):
  a burst where the template's rate beats both sides' by ``SHIFT_RATIO``,
  as far beyond the other lines' change, and no more than one window of
  the log is as busy (a batch job's every run is its routine). Bursts
  (drops) of one template whose starts recur at a regular period, as the
  silence rule judges a period, are its routine and left out. Within an
  outage (all lines down to ``OUTAGE_SHARE`` of their expected count) the
  drops and silences of templates that fell no further and came back with
  the other lines are left out: the drop of all lines says it once.
* ``shift`` (logs with timestamps): a template whose rate per unit of time
  (on seasonal logs, weighted by its own slot-of-day shape over all days,
  which a change of level leaves alone) went from one steady level
  to another at least ``SHIFT_RATIO`` apart and stayed there to the end of
  the log: at the split (a midnight on seasonal logs; at least the longest
  window from either end) the likelihood ratio of two rates against one
  (one: the template split as the other lines are, where they have lines
  on both sides) has a tail below ``alpha / tests`` (Bonferroni over templates and
  splits): on seasonal logs an F test on daily sums with the dispersion of
  the days around the two levels (a message whose incidents come and go by
  the day is no shift), otherwise chi² over φ with either side fitting one
  rate (Pearson's X² / φ, each bucket's share capped, not rejected at
  ``STEADY_P``: a daily rhythm is no shift); and the template's rate moved
  by ``SHIFT_RATIO`` beyond the other lines' too (not only with the
  traffic).
  New and gone templates have alerts of their own. ``expected``: the lines
  after the split at the rate before it.
* ``silence`` (logs with timestamps): a template that recurs regularly (at least
  ``MIN_RECURRENCES`` lines, the 10th to 90th percentiles of its gaps within
  half and twice the median gap P, the quartiles within three quarters and
  four thirds of it, and lines in at least half of the periods from its first
  line to its last) has a gap longer than ``silence_periods`` · P.
* ``new``: a template first seen after the warm-up (``warmup`` of the span)
  whose rate from then to the end of the log would have given it a Poisson
  chance below ``alpha / templates`` of staying absent until then (a
  one-off burst late in the log has a low rate over the rest of it).
* ``gone``: a template that lived at least the warm-up, then was absent
  for ``silence_periods`` · P up to the end of the log (a regular one), or
  for as long as the warm-up with a rate up to its last line that makes
  that absence as unlikely (another one).

The log's start and end, for new and gone, are those of the files that hold
the template: a file read with others that starts later or ends sooner has
not gained or lost its templates (each template is modelled over that span).
Files read side by side share a template by its rate in each: a bucket
after one of them ended expects only the others' share of its lines. All
lines of several files are expected as the sum of each file's own baseline
where it runs (a short busy file beside a long sparse one), and an alert
counting several files' lines names them as ``(N files)``.

``score`` is −log10 of the alert's probability (silence: the Poisson chance
of missing that many expected occurrences); ``expected`` and ``observed``
are the line counts over the alert's buckets (0 observed for silence, new
and gone). A burst starts and ends with its densest stretch of lines within
them (the most lines beyond the geometric mean of the expected rate and
the rate its buckets observed: a storm's ordinary neighbours are left out,
a rise of half as many again keeps its whole hour), and its counts are
that stretch's: its lines, and the expected rate of its buckets over its
length (at least a second, or a line). Its score is its buckets'.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.special import log_ndtr, xlogy
from scipy.stats import chi2, nbinom, poisson
from scipy.stats import f as f_dist

from .features import severity
from .formats import LAYOUT_COLUMN
from .io import as_times, rotation_stem, string_codes
from .streaming import event_starts, first_lines, layout_numbers

__all__ = ["TemplateCounts", "Trends", "count_templates", "expected_counts", "find_trends", "choose_bucket",
           "TREND_COLUMNS", "ALERT_KINDS", "ALL_LINES"]

TREND_COLUMNS = ["kind", "template_id", "template", "start", "end", "first_line_no", "last_line_no", "source",
                 "score", "expected", "observed"]
ALERT_KINDS = ("burst", "drop", "shift", "silence", "new", "gone")
ALL_LINES = "(all lines)"  # the template text of the series of every line together (template id -1)
# From a second: a busy service writes a few thousand lines in a quarter of an hour, and a one-minute bucket
# would leave its trends a dozen buckets.
NICE_BUCKETS = tuple(pd.Timedelta(b) for b in ("1s", "2s", "5s", "10s", "15s", "20s", "30s", "1min", "2min", "5min",
                                               "10min", "15min", "20min", "30min", "1h", "2h", "3h", "4h", "6h",
                                               "12h", "1D"))
DAY = pd.Timedelta("1D")
TARGET_LINES = 30  # mean lines per bucket the automatic bucket aims for
MAX_BUCKETS = 10_000
ROLLING_BUCKETS = 25
SCALES = (1, 2, 4, 8, 16)  # window lengths in buckets
# Windows longer than half the rolling median's (a storm that long is its own baseline there), tested against
# the windows of the same length on either side instead: on logs under two days.
FLANK_SCALES = tuple(16 * 2 ** i for i in range(10))
ALPHA = 0.05
SILENCE_PERIODS = 3.5
MIN_RECURRENCES = 12
MIN_ROUTINE = 4  # bursts or drops of one template that may make a routine (three gaps to judge a period by)
WARMUP = 0.1
OUTLIER_P = 0.05  # buckets left out of the next baseline fit
REFITS = 3
MEDIAN_MIN_LINES = 5  # lines in an hour from which the seasonal profile is a median
MEDIAN_MIN_DAYS = 14
SLOT_MIN_LINES = 5  # lines behind a template's own baseline from which it is trusted over the traffic mix
MIX_STEPS = np.linspace(0.0, 1.0, 11)  # shares of the traffic's shape tried in the mix (0: a flat rate)
MIN_LINES = 5  # templates with fewer lines get no burst/drop test
SHIFT_RATIO = 1.5  # the smallest change of rate (either way) reported as a shift
OUTAGE_SHARE = 0.1  # all lines at this share of their expected count or less: the log all but stopped
STEADY_P = 0.001  # a side of a shift is steady unless a chi-square test of one rate is below this
WEEKDAY_PRIOR = 20.0
_DISPERSION_MIN_MEAN = 5.0
_DISPERSION_MIN_BUCKETS = 20
_CLUMP_MIN_BUCKETS = 3  # occupied buckets from which a rare template's clump size is its own
_PREFILTER_Z = 3.0  # windows closer than this many standard deviations cannot reach alpha / tests
_GAP_LEVELS = [0.1, 0.5, 0.9]  # steady gaps: the 10th and 90th percentiles within a factor 2 of the median
_SILENCE_GAP_LEVELS = [0.1, 0.25, 0.5, 0.75, 0.9]  # ... and for silences the quartiles within a factor 4/3
# Buckets × templates modelled at once: a dozen float arrays of this size live per block (2,000,000 held 280 MB
# at once on months of minutes, the peak of `analyze`; 500,000 still ~65 MB, the peak of trends up to millions of
# lines, and no faster); each template is modelled alone: any size, the same alerts.
_BLOCK_CELLS = 125_000


@dataclass
class TemplateCounts:
    """Lines per (bucket, template): ``matrix`` (b, k) sparse, ``template_ids`` (k,), ``templates`` (k,),
    ``starts`` (b,) bucket starts (timestamps, or 0-based row of a line window), ``bucket`` (a Timedelta,
    or a number of lines), ``exposure`` (b,) share of each bucket the log covers."""

    matrix: sparse.csc_matrix
    template_ids: np.ndarray
    templates: np.ndarray
    starts: pd.DatetimeIndex | np.ndarray
    bucket: pd.Timedelta | int
    exposure: np.ndarray

    @property
    def timed(self) -> bool:
        """Whether buckets are time spans (else windows of lines)."""
        return isinstance(self.bucket, pd.Timedelta)

    def column(self, template_id: int) -> np.ndarray:
        """Counts (b,) of one template, or of all lines for id -1."""
        if template_id == -1:
            return np.asarray(self.matrix.sum(axis=1)).ravel().astype(float)
        k = int(np.flatnonzero(self.template_ids == template_id)[0])
        return self.matrix[:, k].toarray().ravel().astype(float)

    def frame(self) -> pd.DataFrame:
        """Dense counts (b, k): one column per template id, indexed by bucket start."""
        return pd.DataFrame(self.matrix.toarray(), index=self.starts, columns=self.template_ids)


@dataclass
class _Occurrences:
    """The counted lines (v, sorted by template then position) and where they are in the frame."""

    codes: np.ndarray  # template index 0..k-1 (v,)
    pos: np.ndarray  # seconds since the first bucket start, or the row ordinal (v,)
    rows: np.ndarray  # positional row in the frame (v,)
    bounds: np.ndarray  # (k + 1,) slice of each template
    lo: float  # first and last position covered by the log
    hi: float
    # Per template (k,): the first and last position covered by the files that hold it. A file that ends (starts)
    # before the others has not lost (gained) its templates.
    t_lo: np.ndarray
    t_hi: np.ndarray
    # Per file (f, 2): its first and last position; and (f, k + 1) its share of each template's rate (the last
    # column: every line) among the files read alongside it (:func:`_file_shares`).
    file_spans: np.ndarray
    file_shares: np.ndarray
    file_counts: np.ndarray  # (b, f): the lines of each file per bucket


@dataclass
class Trends:
    """Counts, the expected counts of alerted templates (template id → (b,)), and the alerts (TREND_COLUMNS)."""

    counts: TemplateCounts
    expected: dict
    alerts: pd.DataFrame
    seasonal: bool

    def showcase(self, n: int = 4) -> list[int]:
        """Up to n alerted template ids worth plotting: the best alert of each kind first (silence, drop,
        shift, gone, new, burst: what lines alone do not show comes first), then the next best."""
        order = {kind: i for i, kind in enumerate(("silence", "drop", "shift", "gone", "new", "burst"))}
        alerts = self.alerts.assign(rank=self.alerts["kind"].map(order))
        best = alerts.sort_values(["score"], ascending=False, kind="stable")
        firsts = best.drop_duplicates("kind").sort_values("rank", kind="stable")
        ids = list(dict.fromkeys(firsts["template_id"].tolist() + best["template_id"].tolist()))
        return [int(i) for i in ids[:n]]

    def series(self, template_id: int) -> pd.DataFrame:
        """``observed`` and ``expected`` counts (b rows) of one template (-1: all lines), by bucket start."""
        expected = self.expected.get(template_id, np.full(len(self.counts.starts), np.nan))
        return pd.DataFrame({"observed": self.counts.column(template_id), "expected": expected},
                            index=self.counts.starts)


# --------------------------------------------------------------------------- counting
def _timestamps(frame: pd.DataFrame) -> pd.Series | None:
    """Timestamps (n,) filled from the neighbours in the same file (NaT where the file has none, and before its
    first time or after its last), or None when under half the lines of the files that hold a time have one."""
    if "timestamp" not in frame:
        return None
    ts = as_times(frame["timestamp"])
    known = ts.notna().to_numpy()
    if not known.any() or ts.max() == ts.min():
        return None
    if known.all():
        return ts
    # Codes, not names: groupby leaves out rows whose key is missing.
    files = string_codes(frame, "source" if "source" in frame else None)[0]
    # Files without any time (apt's term.log beside dpkg.log) have no place on the clock, and no say in whether
    # there is one: counted, they put a folder's well-timed logs on a clock of lines.
    if known.sum() < 0.5 * (np.bincount(files, weights=known) > 0)[files].sum():
        return None
    # Within a file only: another file's last time would pile a file without times up at one instant.
    grouped = ts.groupby(files, sort=False)
    # Between two times a line was written then; before its file's first time or after its last it has no place on
    # the clock: piled at that time (another program's lines that missed the format), it made a burst there.
    return grouped.ffill().where(grouped.bfill().notna())


# Clock ticks, coarsest first: a log whose every time is a whole minute was written by a clock of minutes.
_TICKS = tuple(pd.Timedelta(t).value for t in ("1D", "1min", "1s", "1ms", "1us", "1ns"))


def _last_gap(ts: pd.Series) -> float:
    """Seconds between the last two distinct times of ts (n,); 0 with fewer than two."""
    last = ts.max()
    before = ts[ts < last].max()
    return 0.0 if pd.isna(before) else (last - before) / pd.Timedelta(seconds=1)


def _tick(ts: pd.Series) -> float:
    """Seconds between the ticks of the clock that wrote the times ts (n,): the coarsest tick dividing them all."""
    local = ts.dropna()
    if isinstance(local.dtype, pd.DatetimeTZDtype):
        local = local.dt.tz_localize(None)  # the wall clock the log was written by
    ns = local.to_numpy(dtype="datetime64[ns]").view(np.int64)
    return next(t for t in _TICKS if not (ns % t).any()) / 1e9


def _tail(ts: pd.Series) -> float:
    """Seconds the log of times ts (n,) lasts past its last time: the gap before its last time where longer than its
    clock's tick; else the tick, with several lines at its last time no longer than they take at the rate before."""
    tail, gap = _tick(ts), _last_gap(ts)
    # A log quiet before its last time ends its last gap after it, however many lines that time holds (a shutdown
    # writes two or three in one second): the rate of its busy lines before says nothing of a quiet end.
    if gap > tail:
        return gap
    last = ts.max()
    at_last = int((ts == last).sum())
    seen = (last - ts.min()) / pd.Timedelta(seconds=1)
    # A file cut a few seconds into a minute its clock wrote ("12:06PM" on 4 lines of a 60-a-minute log) ran into
    # that minute only as long as its lines there took: taken as the whole minute, the cut reads as a drop. Lines
    # before the last time exist where the times span a while.
    if at_last < 2 or seen <= 0:
        return tail
    return min(tail, at_last * seen / (len(ts) - at_last))


def choose_bucket(span: float, n_lines: int, timed: bool) -> pd.Timedelta | int:
    """The bucket for ``n_lines`` over ``span`` seconds (timed) or lines: ≥ TARGET_LINES a bucket, ≤ MAX_BUCKETS."""
    if not timed:
        return max(int(np.ceil(max(TARGET_LINES, n_lines / MAX_BUCKETS))), 1)
    seconds = max(TARGET_LINES * span / max(n_lines, 1), span / MAX_BUCKETS)
    return next((b for b in NICE_BUCKETS if b.total_seconds() >= seconds), NICE_BUCKETS[-1])


def _occurrences(frame: pd.DataFrame, bucket: str | pd.Timedelta | int | None
                 ) -> tuple[_Occurrences, TemplateCounts]:
    """Positions of the counted lines and the count matrix."""
    ids = frame["template_id"].to_numpy() if "template_id" in frame else np.full(len(frame), -1)
    # Events, not lines: a stack trace is one occurrence of its template however many frames it has.
    heads = event_starts(frame) == 1
    valid = (ids >= 0) & heads
    if "blank" in frame:
        valid &= ~frame["blank"].to_numpy(dtype=bool)
    ts = _timestamps(frame)
    timed = ts is not None
    if timed:
        valid &= ts.notna().to_numpy()  # a file without times has no place on the clock
        counted = ts[valid] if valid.any() else ts.dropna()  # no line counted (all blank): the clock still reads
        first, last = counted.min(), counted.max()
        seen = (last - first) / pd.Timedelta(seconds=1)
        # The log lasts a while after its last line (:func:`_tail`). Up to the last line alone, the last bucket
        # would hold a line in next to no time: a burst. The last gap, not the mean: a log quiet for hours and
        # busy at its end does not end long after its last line.
        span = seen + _tail(counted)
        del counted  # a copy of the counted lines' times (8 bytes a line), not held through the sort below
        bucket = choose_bucket(span, int(valid.sum()), timed) if bucket is None else pd.Timedelta(bucket)
    else:
        span = float(heads.sum())
        bucket = choose_bucket(span, int(valid.sum()), timed) if bucket is None else int(bucket)
    width = bucket.total_seconds() if timed else float(bucket)
    if width <= 0:
        raise ValueError(f"bucket must be positive, got {bucket}")
    if timed:
        # Buckets from midnight where a daily profile may be fitted (two days or more), else from the first
        # bucket that holds a line: a 20-minute log starting at 23:35 needs no buckets for the day before it.
        origin = first.floor("D")
        if not _two_days(span, width):
            origin += bucket * ((first - origin) // bucket)
        pos_all = ((ts - origin) / pd.Timedelta(seconds=1)).to_numpy(dtype=float)
        lo = (first - origin) / pd.Timedelta(seconds=1)
        hi = lo + span
    else:
        # Without times the events are the clock: a stack trace's frames are no stretch of missing traffic.
        origin, pos_all = None, (np.cumsum(heads) - 1).astype(float)
        lo, hi = 0.0, span
    # int32 where it fits: these arrays are per line, and trends are the widest step of an analysis.
    small = np.int32 if len(frame) < 2 ** 31 else np.int64
    rows = np.flatnonzero(valid).astype(small)
    uniques, codes = _ranked_ids(ids[rows], small)
    pos = pos_all[rows]
    del pos_all, ts
    order = np.lexsort((pos, codes))
    # One array at a time: reordered together, the old and new copies of all three were held at once.
    codes = codes[order]
    pos = pos[order]
    rows = rows[order]
    del order
    n_buckets = int(hi // width) + 1 if len(frame) else 0
    # Each line's bucket once, int32 where the buckets fit: counts and the files' counts both read it.
    buckets = (pos // width).astype(np.int32 if n_buckets < 2 ** 31 else np.int64)
    counts = _bucket_counts(codes, buckets, n_buckets, len(uniques))
    starts = np.arange(n_buckets) * width
    files, first, last = _file_bounds(frame, rows, pos, lo, hi,
                                      1.0 if not timed else hi - float(pos.max(initial=lo)))
    # Buckets no file covers (two daily logs a month apart) are no observed silence of a month.
    exposure = _covered(np.column_stack([first, last]), n_buckets, width)
    names = _template_names(frame, rows, codes, len(uniques))
    index = origin + pd.to_timedelta(starts, unit="s") if timed else starts.astype(np.int64)
    bounds = np.searchsorted(codes, np.arange(len(uniques) + 1))
    t_lo, t_hi = _file_spans(files, first, last, bounds, lo, hi)
    shares = _file_shares(files, codes, first, last, len(uniques), width)
    # One file (every line's file 0): its buckets are its cells, without a per-line int64 copy of them.
    by_file = np.bincount(files * np.int64(n_buckets) + buckets if len(first) > 1 else buckets,
                          minlength=len(first) * n_buckets)
    del buckets
    occ = _Occurrences(codes, pos, rows, bounds, lo, hi, t_lo, t_hi, np.column_stack([first, last]), shares,
                       by_file.reshape(len(first), n_buckets).T)
    return occ, TemplateCounts(counts, np.asarray(uniques, dtype=np.int64), names, index, bucket, exposure)


def _file_bounds(frame: pd.DataFrame, rows: np.ndarray, pos: np.ndarray, lo: float, hi: float,
                 tail: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The file of each counted line (n,), and per file (v,) its first position and its last plus the gap before
    it (at most ``tail``, how long the log lasts past its last line); one file spans the log's ``lo`` to ``hi``.
    The rotated files of one log (``app.log.1``, ``app.log``) are one file: a template that stops with the older
    one is gone. The programs of one file (its layouts, :func:`streaming.layout_numbers`) are files of their own:
    one appended after another, or spliced into it, has not gained or lost the other's templates."""
    codes, names = string_codes(frame, "source" if "source" in frame else None)
    stems = pd.factorize(pd.Series([rotation_stem(str(n)) for n in names], dtype=object))[0]
    files = stems.astype(np.int32)[codes[rows]]
    if LAYOUT_COLUMN in frame:
        # A line no layout read (a trace under its event, a stray line) belongs to the program of the line before.
        number = layout_numbers(frame)
        last = np.where(number > 0, np.arange(len(number)), 0)
        np.maximum.accumulate(last, out=last)
        files = files * np.int32(number.max(initial=0) + 1) + number[last][rows]
    # The files with a counted line (one without times spans nothing), in order of first appearance, by a slot
    # per file: a factorization hashed every counted line, 36 bytes a line, the widest step of counting.
    many = files.max(initial=0) > files.min(initial=0)  # else one file, or one log's rotated files
    files = first_lines(files)[2] if many else np.zeros(len(rows), dtype=np.int32)
    if not len(files) or files.max() == 0:
        return np.zeros(len(files), dtype=np.int32), np.array([lo]), np.array([hi])
    n_files = int(files.max()) + 1
    first = np.full(n_files, np.inf)
    last = np.full(n_files, -np.inf)
    np.minimum.at(first, files, pos)
    np.maximum.at(last, files, pos)
    before = np.full(n_files, -np.inf)
    earlier = pos < last[files]
    np.maximum.at(before, files[earlier], pos[earlier])
    last += np.clip(last - before, 0.0, tail)  # a file of one time: the log's tail
    return files, first, np.minimum(last, hi)


def _file_spans(files: np.ndarray, first: np.ndarray, last: np.ndarray, bounds: np.ndarray, lo: float,
                hi: float) -> tuple[np.ndarray, np.ndarray]:
    """Per template (k,): the first position of the files holding its lines (files (n,), :func:`_file_bounds`),
    and their last; the log's own ``lo`` and ``hi`` for one file."""
    k = len(bounds) - 1
    if len(first) == 1:
        return np.full(k, lo), np.full(k, hi)
    starts = bounds[:-1][np.diff(bounds) > 0]
    t_lo, t_hi = np.full(k, lo), np.full(k, hi)
    t_lo[np.diff(bounds) > 0] = np.minimum.reduceat(first[files], starts)
    t_hi[np.diff(bounds) > 0] = np.maximum.reduceat(last[files], starts)
    return np.maximum(t_lo, lo), t_hi


def _file_shares(files: np.ndarray, codes: np.ndarray, first: np.ndarray, last: np.ndarray, k: int, width: float
                 ) -> np.ndarray:
    """Each file's share (f, k + 1) of each template's rate (lines of the file (files (v,)) and template (codes
    (v,)) per unit of its span ``first`` to ``last`` (f,)), the last column every line: among the files whose
    spans overlap its own by more than a bucket ``width``, one after another (files read side by side, not a
    day's log after the day before's)."""
    n_files = len(first)
    cells = files * np.int64(k) + codes if n_files > 1 else codes  # one file: its cells are the templates
    lines = np.bincount(cells, minlength=n_files * k).reshape(n_files, k).astype(float)
    del cells
    rates = np.column_stack([lines, lines.sum(axis=1)]) / np.maximum(last - first, width)[:, None]
    order = np.argsort(first, kind="stable")
    reach = np.maximum.accumulate(last[order])
    group = np.empty(n_files, dtype=np.int64)
    group[order] = np.cumsum(np.r_[True, first[order][1:] >= reach[:-1] - width])
    totals = np.zeros((group.max() + 1, rates.shape[1]))
    np.add.at(totals, group, rates)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.nan_to_num(rates / totals[group])


def _covered(spans: np.ndarray, n_buckets: int, width: float) -> np.ndarray:
    """The share (b,) of each bucket of ``width`` that the union of ``spans`` (f, 2) covers."""
    spans = spans[np.argsort(spans[:, 0], kind="stable")]
    reach = np.maximum.accumulate(spans[:, 1])
    opens = np.flatnonzero(np.r_[True, spans[1:, 0] > reach[:-1]])  # where a run of overlapping spans starts
    out = np.zeros(n_buckets)
    starts = np.arange(n_buckets) * width
    for lo, hi in zip(spans[opens, 0], reach[np.r_[opens[1:] - 1, len(spans) - 1]]):
        at = slice(max(int(lo // width), 0), min(int(hi // width) + 1, n_buckets))
        out[at] += np.clip((np.minimum(starts[at] + width, hi) - np.maximum(starts[at], lo)) / width, 0.0, 1.0)
    return np.minimum(out, 1.0)


def _ranked_ids(ids: np.ndarray, dtype: type) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(ids, return_inverse=True)`` of non-negative template ids (v,), the inverse as ``dtype``.

    Mined ids are small whole numbers, ranked by a lookup table without sorting every line; other ids (a
    user's hashes, floats) are sorted.
    """
    if len(ids) and ids.dtype.kind in "iu" and int(ids.max()) <= 4 * len(ids) + 1024:
        present = np.bincount(ids) > 0
        return np.flatnonzero(present), (np.cumsum(present, dtype=dtype) - 1)[ids]
    uniques, codes = np.unique(ids, return_inverse=True)
    return uniques, codes.astype(dtype)


def _bucket_counts(codes: np.ndarray, buckets: np.ndarray, n_buckets: int, k: int) -> sparse.csc_matrix:
    """Lines per (bucket, template) (n_buckets, k) from lines sorted by template, then position (v,): one
    entry per occupied cell, not per line."""
    cell = codes.astype(np.int64) * n_buckets + buckets  # sorted: templates in order, buckets ascending within
    starts = np.flatnonzero(np.concatenate([[True], cell[1:] != cell[:-1]])) if len(cell) else np.zeros(0, int)
    lines = np.diff(np.append(starts, len(cell)))
    return sparse.csc_matrix((lines.astype(np.int64), (buckets[starts], codes[starts])), shape=(n_buckets, k))


def _template_names(frame: pd.DataFrame, rows: np.ndarray, codes: np.ndarray, k: int) -> np.ndarray:
    """Template text (k,) of each template index, from its first counted line."""
    column = "template" if "template" in frame else "masked" if "masked" in frame else "content"
    first = np.searchsorted(codes, np.arange(k))
    return frame[column].iloc[rows[first]].astype(object).to_numpy() if k else np.zeros(0, dtype=object)


def count_templates(frame: pd.DataFrame, bucket: str | pd.Timedelta | int | None = None) -> TemplateCounts:
    """Lines per bucket and template of a parsed frame (needs ``template_id``; uses ``timestamp``, ``blank``).

    ``bucket``: a duration (``"15min"``) or, for logs without timestamps, a
    number of lines; None chooses one (:func:`choose_bucket`).
    """
    return _occurrences(frame, bucket)[1]


# --------------------------------------------------------------------------- baseline
def _is_seasonal(counts: TemplateCounts, occ: _Occurrences) -> bool:
    return (counts.timed and DAY % counts.bucket == pd.Timedelta(0)
            and _two_days(occ.hi - occ.lo, counts.bucket.total_seconds()))


def _two_days(span: float, width: float) -> bool:
    """Whether a log of ``span`` seconds covers two days, to a bucket of ``width`` seconds and no more than an hour:
    two whole calendar days written from 00:00:00 to 23:59:55 are two days of hours alike, though a few seconds
    short of 48 hours; a sparse log's day-long buckets make no 26 hours two days."""
    return span > 2 * DAY.total_seconds() - min(width, 3600.0)


def expected_counts(y: np.ndarray, exposure: np.ndarray, starts: pd.DatetimeIndex | np.ndarray, seasonal: bool,
                    skip: np.ndarray | None = None, traffic: np.ndarray | None = None) -> np.ndarray:
    """Expected lines per full bucket (b, m) of counts ``y`` (b, m) with exposure (b,), or (b, m) per column.

    Fitted on the fully covered buckets not in ``skip`` (b, m); seasonal
    (hour of day, and day of week with two weeks or more) when ``seasonal``,
    else a rolling median. ``traffic``: expected lines of all templates per
    full bucket (b,), for the share model of sparse cells; see the module
    docstring.
    """
    exposure = exposure.reshape(len(y), -1)
    use = exposure >= 1.0 if skip is None else (exposure >= 1.0) & ~skip
    fit = np.where(use, y, np.nan)
    lam, support = _seasonal(fit, starts) if seasonal else _rolling(fit)
    thin = support < SLOT_MIN_LINES
    sparse = np.flatnonzero(thin.any(axis=0)) if traffic is not None else []
    if len(sparse):
        # Fitted on the thin cells alone: a busy template's lines by day must not raise its nights.
        mix = _traffic_mix(y[:, sparse], np.broadcast_to(use, y.shape)[:, sparse] & thin[:, sparse], traffic)
        lam = lam.copy()  # pandas may hand back a read-only view
        lam[:, sparse] = np.where(thin[:, sparse] & ~np.isnan(mix), mix, lam[:, sparse])
    # The mean rate over the buckets fitted stands in where the baseline has nothing to go on, and a tenth of
    # it, or half a line over them, is the floor: a template is never impossible where it was merely not seen
    # before (a storm left out of the fit leaves its template no line there).
    fitted = np.where(use, exposure, 0.0).sum(axis=0)
    rate = np.where(fitted > 0, np.where(use, y, 0.0).sum(axis=0) / np.maximum(fitted, 1e-9),
                    y.sum(axis=0) / np.maximum(exposure.sum(axis=0), 1e-9))
    floor = np.maximum(0.1 * rate, np.where(fitted > 0, 0.5 / np.maximum(fitted, 1e-9), 0.0))
    return np.maximum(np.where(np.isnan(lam), rate, lam), floor)


def _traffic_mix(y: np.ndarray, use: np.ndarray, traffic: np.ndarray) -> np.ndarray:
    """Expected lines per full bucket (b, m) of counts y (b, m) as (1 − a) · a flat rate + a · a share of the
    expected lines of all templates ``traffic`` (b,), with the a of ``MIX_STEPS`` that fits the buckets in
    ``use`` (b, m) best (Poisson likelihood), each scaled to the lines there; NaN for a column without such
    buckets."""
    total = np.where(use, traffic[:, None], 0.0).sum(axis=0)
    n = use.sum(axis=0)
    mean = total / np.maximum(n, 1)
    lines = np.where(use, y, 0.0).sum(axis=0)
    # Every mix has the traffic's mean over ``use``, so its expected total there is the lines whatever a: the
    # likelihoods differ only in the sum of y · log(mix) over the buckets with lines.
    rows, cols = np.nonzero(use & (y > 0))
    best_a, best_ll = np.zeros(y.shape[1]), np.full(y.shape[1], -np.inf)
    for a in MIX_STEPS:
        mix = np.maximum((1 - a) * mean[cols] + a * traffic[rows], 1e-300)
        ll = np.bincount(cols, weights=y[rows, cols] * np.log(mix), minlength=y.shape[1])
        better = ll > best_ll + 1e-9  # ties (flat traffic) keep the flat rate
        best_a[better], best_ll[better] = a, ll[better]
    out = ((1 - best_a) * mean + best_a * traffic[:, None]) * (lines / np.maximum(total, 1e-12))
    out[:, n == 0] = np.nan  # nothing to fit: the baseline's own guess stands
    return out


def _day_grid(a: np.ndarray, slots: int, fill: float) -> np.ndarray:
    """Rows of a (b, ...) as days (days, slots, ...), the last day padded with ``fill``."""
    days = -(-len(a) // slots)
    grid = np.full((days * slots,) + a.shape[1:], fill)
    grid[:len(a)] = a
    return grid.reshape((days, slots) + a.shape[1:])


def _seasonal(fit: np.ndarray, starts: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    """Weekday factor × slot-of-day profile (b, m), from counts with NaN where not to be used (b, m), and the
    lines behind each cell's profile (b, m)."""
    b, m = fit.shape
    slots = int(round(DAY / (starts[1] - starts[0]))) if b > 1 else 1
    grid = _day_grid(fit, slots, np.nan)
    days = len(grid)
    weekday = (starts[0] + pd.to_timedelta(np.arange(days), unit="D")).day_of_week.to_numpy()
    factor = np.ones((days, m))
    if days >= 14:
        totals = grid.sum(axis=1)  # a day with a missing slot is no full day: NaN
        per_day = np.nan_to_num(np.nanmean(totals, axis=0)) if np.isfinite(totals).any() else np.zeros(m)
        for w in range(7):
            mine = totals[weekday == w]
            # A prior of WEEKDAY_PRIOR lines at the overall rate keeps rare templates' factors near 1.
            factor[weekday == w] = ((np.nansum(mine, axis=0) + WEEKDAY_PRIOR)
                                    / (np.isfinite(mine).sum(axis=0) * per_day + WEEKDAY_PRIOR))
    scaled = grid / factor[:, None, :]
    valid = np.isfinite(scaled)
    total, n = np.nansum(scaled, axis=0), valid.sum(axis=0)
    # Leave the day out: a burst or a drop never lowers its own surprise.
    with np.errstate(invalid="ignore", divide="ignore"):
        profile = (total - np.where(valid, scaled, 0.0)) / (n - valid)
    support = np.nansum(grid, axis=0) - np.nan_to_num(grid)  # lines of the slot on the other days
    # Where an hour holds enough lines, the median day of that hour (spread evenly over its buckets):
    # robust however many days had an incident then, short of half. Over a few days a median is too
    # noisy a guess (and, unlike the mean, cannot leave the day itself out).
    per_hour = max(int(round(pd.Timedelta("1h") / (starts[1] - starts[0]))), 1) if b > 1 else 1
    if slots % per_hour == 0 and days >= MEDIAN_MIN_DAYS:
        hours = scaled.reshape(days, slots // per_hour, per_hour, m)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # hours no day covers fully: NaN
            median = _nanmedian(hours.sum(axis=2))  # (hours, m)
        median = np.repeat(median / per_hour, per_hour, axis=0)  # (slots, m)
        robust = median * per_hour >= MEDIAN_MIN_LINES
        profile = np.where(robust, median[None, :, :], profile)
        support = np.where(robust, np.inf, support)
    lam = (factor[:, None, :] * profile).reshape(days * slots, m)[:b]
    # A slot no other day can speak for (all left out) takes after the buckets around it.
    return (pd.DataFrame(lam).interpolate(limit_direction="both").to_numpy(),
            support.reshape(days * slots, m)[:b])


def _rolling(fit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Centred rolling median (b, m), the rolling mean where the median is 0; and the lines in each window
    (b, m)."""
    frame = pd.DataFrame(fit)
    roll = frame.rolling(ROLLING_BUCKETS, center=True, min_periods=1)
    median, mean = roll.median().to_numpy(), roll.mean().to_numpy()
    return np.where(median > 0, median, mean), roll.sum().to_numpy()


def _dispersion(y: np.ndarray, mu: np.ndarray, use: np.ndarray, seen: np.ndarray) -> np.ndarray:
    """Variance / mean (m,) ≥ 1 of counts y (b, m) expected to be mu; residuals over the buckets in ``use``,
    clumps over those ``seen`` (b, m). See the module docstring."""
    big = use & (mu >= _DISPERSION_MIN_MEAN)
    resid = np.where(big, (y - mu) / np.sqrt(np.maximum(mu, 1e-9)), np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns give NaN, replaced below
        mad = 1.4826 * _nanmedian(np.abs(resid - _nanmedian(resid)))
        # The mean square of residuals clipped at 4 robust scales: an incident cannot inflate it,
        # and unlike the MAD alone it sees the heavy tails of clumped lines.
        pearson = np.nanmean(np.clip(resid, -4 * mad, 4 * mad) ** 2, axis=0)
        # A median is robust already: the clumps the first fit calls extreme still count here.
        occupied = seen & (y > 0)
        clump = _nanmedian(np.where(occupied, y, np.nan))
    # One or two clumps tell nothing of a template's own clump size (a single storm would be its own measure,
    # and never stand out): the median clump of the templates with more speaks for it.
    busy = big.sum(axis=0) >= _DISPERSION_MIN_BUCKETS
    known = ~busy & (occupied.sum(axis=0) >= _CLUMP_MIN_BUCKETS)
    clump = np.where(known, clump, np.median(clump[known]) if known.any() else 1.0)
    phi = np.where(busy, pearson, clump)
    return np.maximum(np.nan_to_num(phi, nan=1.0), 1.0)


def _nanmedian(a: np.ndarray) -> np.ndarray:
    """``np.nanmedian(a, axis=0)`` to the bit (the two middle numbers' sum halved; NaN where none) from one sort:
    numpy sorts a masked array over a short axis and loops over the columns over a long one, three times as long."""
    if len(a) == 0:
        return np.nanmedian(a, axis=0)  # nothing to sort
    n = np.count_nonzero(~np.isnan(a), axis=0)
    ordered = np.sort(a, axis=0)  # NaN last
    low = np.take_along_axis(ordered, np.maximum(n - 1, 0)[None] // 2, axis=0)[0]
    high = np.take_along_axis(ordered, n[None] // 2, axis=0)[0]
    # + 0.0: numpy's sums start from +0, so no median of its is -0.
    return np.where(n > 0, (low + high) / 2 + 0.0, np.nan)


def log_tail(y: np.ndarray, mu: np.ndarray, phi: np.ndarray, upper: bool) -> np.ndarray:
    """ln P(X ≥ y) (upper) or ln P(X ≤ y) for X negative binomial with mean mu and variance phi·mu (Poisson at 1)."""
    out = np.zeros(np.broadcast(y, mu, phi).shape)
    y, mu, phi = np.broadcast_arrays(y, mu, phi)
    nb = phi > 1.0 + 1e-6
    po = ~nb
    n, p = mu[nb] / (phi[nb] - 1.0), 1.0 / phi[nb]
    if upper:
        out[po] = poisson.logsf(y[po] - 1, mu[po])
        out[nb] = nbinom.logsf(y[nb] - 1, n, p)
    else:
        out[po] = poisson.logcdf(y[po], mu[po])
        out[nb] = nbinom.logcdf(y[nb], n, p)
    # Far in the tail the sum underflows; its largest term, P(X = y), is a close lower bound.
    pmf = np.zeros(out.shape)
    pmf[po], pmf[nb] = poisson.logpmf(y[po], mu[po]), nbinom.logpmf(y[nb], n, p)
    return np.where(np.isfinite(out), out, pmf)


# --------------------------------------------------------------------------- alerts
def _cumulative(a: np.ndarray) -> np.ndarray:
    """Running sums (b + 1, m) of a (b, m) from 0: any window's sum is then one subtraction."""
    return np.concatenate([np.zeros((1,) + a.shape[1:]), np.cumsum(a, axis=0)])


def _window_sums(cumulative: np.ndarray, w: int) -> np.ndarray:
    """Sums (b − w + 1, m) of w consecutive rows, from running sums (b + 1, m)."""
    return cumulative[w:] - cumulative[:-w]


def _significant(y: np.ndarray, mu: np.ndarray, phi: np.ndarray, usable: np.ndarray | bool, log_cut: float
                 ) -> dict[bool, tuple[np.ndarray, np.ndarray]]:
    """High (True) and low (False): cells (r, 2) of counts y (b, m) whose upper (or lower) tail log-probability
    (r,) is below log_cut."""
    z = (y - mu) / np.sqrt(phi * np.maximum(mu, 1e-12))
    usable = usable & (mu > 0)
    out = {}
    for upper in (True, False):
        cand = np.argwhere(usable & ((z > _PREFILTER_Z) if upper else (z < -_PREFILTER_Z)))
        logp = log_tail(y[cand[:, 0], cand[:, 1]], mu[cand[:, 0], cand[:, 1]], phi[cand[:, 1]], upper)
        keep = logp < log_cut
        out[upper] = cand[keep], logp[keep]
    return out


def _outliers(y: np.ndarray, y_sums: np.ndarray, mu: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """Buckets (b, m) one standard deviation out, the same way as a window around them (any scale) whose count
    has a tail probability under OUTLIER_P / windows. A lone extreme bucket never condemns its quiet
    neighbours. ``y_sums``: running sums of y (:func:`_cumulative`)."""
    b = len(y)
    z = (y - mu) / np.sqrt(phi * np.maximum(mu, 1e-12))
    mu_sums = _cumulative(mu)
    cover = {True: np.zeros((b + 1, y.shape[1])), False: np.zeros((b + 1, y.shape[1]))}
    # Bonferroni over one template's windows: chance exceedances, mostly high ones where counts are low
    # (a count cannot fall below 0), would otherwise sink the baseline a little more at every refit.
    log_cut = np.log(OUTLIER_P / sum(-(-b // w) for w in SCALES if w <= b))
    for w in (w for w in SCALES if w <= b):
        for upper, (cells, _) in _significant(_window_sums(y_sums, w), _window_sums(mu_sums, w), phi, True,
                                              log_cut).items():
            np.add.at(cover[upper], (cells[:, 0], cells[:, 1]), 1.0)
            np.add.at(cover[upper], (cells[:, 0] + w, cells[:, 1]), -1.0)
    return (((np.cumsum(cover[True], axis=0)[:b] > 0) & (z > 1))
            | ((np.cumsum(cover[False], axis=0)[:b] > 0) & (z < -1)))


def _windows(y_sums: np.ndarray, mu: np.ndarray, phi: np.ndarray, alive: np.ndarray, log_cut: float
             ) -> dict[bool, dict[int, list[tuple[int, int]]]]:
    """High (True) and low (False): column → [start, end) of the significant windows (any scale) that no more
    significant one overlaps. ``y_sums``: running sums of the counts (:func:`_cumulative`)."""
    found: dict[bool, list] = {True: [], False: []}
    mu_sums, alive_sums = _cumulative(mu), _cumulative(alive.astype(float))
    for w in (w for w in SCALES if w <= len(mu)):
        yw, mw = _window_sums(y_sums, w), _window_sums(mu_sums, w)
        usable = _window_sums(alive_sums, w) == w
        for upper, (cells, logp) in _significant(yw, mw, phi, usable, log_cut).items():
            found[upper] += zip(logp.tolist(), cells[:, 1].tolist(), cells[:, 0].tolist(), [w] * len(logp))
    chosen: dict[bool, dict[int, list[tuple[int, int]]]] = {True: {}, False: {}}
    for upper, windows in found.items():
        for _, col, a, w in sorted(windows):  # most significant first
            spans = chosen[upper].setdefault(col, [])
            if all(a + w <= s or e <= a for s, e in spans):
                spans.append((a, a + w))
    return chosen


def _count_alerts(y: np.ndarray, mu: np.ndarray, phi: float, spans: list[tuple[int, int]], kind: str,
                  log_cut: float) -> list[tuple[str, int, int, float, float, float]]:
    """(kind, first bucket, end bucket, score, expected, observed) of windows (b,) of one template, touching ones
    joined."""
    upper = kind == "burst"
    runs: list[list[int]] = []
    for a, z in sorted(spans):
        # A window may reach past the change; keep the buckets that move the way the alert says.
        inside = np.flatnonzero((y[a:z] > mu[a:z]) if upper else (y[a:z] < mu[a:z])) + a
        if len(inside) == 0:
            continue
        for first, end in _busy_stretches(y, mu, phi, inside, upper, log_cut):
            if runs and first <= runs[-1][1]:
                runs[-1][1] = max(runs[-1][1], end)
            else:
                runs.append([first, end])
    out = []
    for a, z in runs:
        observed, expected = float(y[a:z].sum()), float(mu[a:z].sum())
        logp = float(log_tail(np.array([observed]), np.array([expected]), np.array([phi]), upper)[0])
        if logp < log_cut:
            out.append((kind, a, z, -logp / np.log(10), expected, observed))
    return out


def _busy_stretches(y: np.ndarray, mu: np.ndarray, phi: float, inside: np.ndarray, upper: bool, log_cut: float
                    ) -> list[tuple[int, int]]:
    """[first, end) buckets of a window's buckets ``inside`` (ascending; those that move the alert's way), split at
    each lull at least as long as the busy buckets either side of it (since the last split, and to the window's
    end) where both sides are alerts on their own: two storms days apart are two bursts, not one over the quiet days
    between (a long window of two storms can be likelier than either alone); a chance dip in a storm, or a storm
    that pulses (a minute on, a minute off), leaves it whole."""
    lo = int(inside[0])
    cut = np.flatnonzero(np.diff(inside) > 1)
    starts, ends = np.r_[inside[0], inside[cut + 1]] - lo, np.r_[inside[cut], inside[-1]] + 1 - lo
    lulls, busy = starts[1:] - ends[:-1], np.r_[0, np.cumsum(ends - starts)]  # busy buckets before each stretch
    gaps = np.flatnonzero(lulls >= busy[-1] - busy[1:-1])
    ys, ms = _cumulative(y[lo:lo + ends[-1]]), _cumulative(mu[lo:lo + ends[-1]])

    def alone(a: np.ndarray, z: np.ndarray) -> np.ndarray:
        """Whether the buckets [a, z) (r,) on their own are an alert."""
        return log_tail(ys[z] - ys[a], ms[z] - ms[a], np.array(phi), upper) < log_cut

    gaps = gaps[alone(starts[gaps + 1], np.full(len(gaps), ends[-1]))]  # what follows the lull stands alone
    pieces, first = [], 0  # the first stretch since the last split
    while len(gaps):
        # ... and what precedes it, since the last split
        ok = (lulls[gaps] >= busy[gaps + 1] - busy[first]) & alone(np.full(len(gaps), starts[first]), ends[gaps])
        if not ok.any():
            break
        i = gaps[np.argmax(ok)]
        pieces.append((lo + int(starts[first]), lo + int(ends[i])))
        first, gaps = i + 1, gaps[gaps > i]
    return pieces + [(lo + int(starts[first]), lo + int(ends[-1]))]


def _linear_quantiles(values: np.ndarray, levels: Sequence[float]) -> np.ndarray:
    """Quantiles (len(levels),) of values (n,), linear between order statistics as pandas computes them
    (a + (b − a)·t; np.quantile rounds differently in the last bit); NaN when there are no values."""
    if len(values) == 0:
        return np.full(len(levels), np.nan)
    ordered = np.sort(values)
    at = np.asarray(levels) * (len(ordered) - 1)
    lo = np.floor(at).astype(np.int64)
    hi = np.minimum(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (at - lo)


def _active_clock(pos: np.ndarray, width: float) -> Callable[[np.ndarray], np.ndarray]:
    """Positions (m,) → the log's active clock (m,): every gap between two of its lines ``pos`` (n,) counts up to
    a bucket ``width``, no more (a host down for days logs nothing, and that is no template's absence)."""
    in_order = np.sort(pos)
    step = np.diff(in_order)
    # Only the gaps over a bucket move the clock: kept alone, not a copy of the lines' positions.
    gaps = np.flatnonzero(step > width)
    resumes = in_order[gaps + 1]
    silent = np.concatenate([[0.0], np.cumsum(step[gaps] - width)])
    del in_order, step

    def clock(at: np.ndarray) -> np.ndarray:
        return at - silent[np.searchsorted(resumes, at, side="right")]

    return clock


def _gap_alerts(occ: _Occurrences, counts: TemplateCounts, width: float, silence_periods: float, warmup: float,
                log_cut: float) -> list[tuple[str, int, float, float, float, float, float]]:
    """(kind, template, start pos, end pos, score, expected, observed) for silence, new and gone.

    Without timestamps lines are the clock, and the other traffic sets its pace: nothing is regular.
    """
    out = []
    k, timed = len(counts.template_ids), counts.timed
    n_lines = np.diff(occ.bounds)
    # Rates count the buckets a template occurs in, so that a burst counts once: the count matrix's cells of each
    # template, one per occupied bucket (:func:`_bucket_counts`), not a bucket per line again (9 bytes a line).
    occupied = np.diff(counts.matrix.indptr)
    active = _active_clock(occ.pos, width)
    for c in range(k):
        lo, hi = occ.bounds[c], occ.bounds[c + 1]
        first, last = occ.pos[lo], occ.pos[hi - 1]
        start, end = occ.t_lo[c], occ.t_hi[c]  # the span of the files that hold the template
        span = end - start
        # One template's gaps at a time: a table of every gap in the log is the widest step at 10M lines.
        g = np.diff(occ.pos[lo:hi]) if timed and n_lines[c] >= MIN_RECURRENCES else np.zeros(0)
        q10, q25, period, q75, q90 = _linear_quantiles(g, _SILENCE_GAP_LEVELS)
        # Regular: steady gaps, half of them near the period, and present for most of its periods from its first
        # line to its last. Near: one of two messages drawn at random every 5 s has gaps of 5 s about as often as
        # of 10 s; in the 10th to 90th percentiles alone that read as a period of 10 s with every 40 s a silence.
        regular = (len(g) > 0 and period > 0 and q10 >= period / 2 and q90 <= 2 * period
                   and q25 >= 0.75 * period and q75 <= period / 0.75 and n_lines[c] >= 0.5 * (last - first) / period)
        if regular:
            for i in np.flatnonzero(g > silence_periods * period):
                missed = g[i] / period - 1
                out.append(("silence", c, occ.pos[lo + i], occ.pos[lo + i + 1], missed / np.log(10), missed, 0.0))
        # Rates over the rest of the log: a one-off burst late in it is not new. They count occupied buckets (a
        # clump of lines is one); what is expected is said in lines.
        per_bucket = n_lines[c] / max(occupied[c], 1)
        # No absence at an edge is new or gone when the template was as long away between its lines, on the
        # log's active clock (a day the host logged nothing is no absence): a nightly job's 200 lines are a few
        # buckets a day, and a log that ends at evening is no day without it.
        mine = active(occ.pos[lo:hi])
        widest = float(np.max(np.diff(mine))) if hi - lo > 1 else 0.0
        before, after = mine[0] - active(np.array([start]))[0], active(np.array([end]))[0] - mine[-1]
        missed_before = (occupied[c] - 1) / (end - first) * (first - start) if end > first else 0.0
        # The rate is read from the template's own few lines (two give one gap): the chance of its absence is
        # averaged over that rate's uncertainty (gamma posterior), (T / (T + A))^(n - 1), not e^(-rate · A).
        log_p = (occupied[c] - 1) * np.log((end - first) / span) if end > first and span > 0 else 0.0
        if first - start >= warmup * span and before > widest and log_p < log_cut:
            out.append(("new", c, first, first, -log_p / np.log(10), missed_before * per_bucket, 0.0))
        if regular:  # as a silence: the periods missed, each a line
            missed = (end - last) / period - 1
            if missed > silence_periods - 1 and last - first >= warmup * span:
                out.append(("gone", c, last, end, missed / np.log(10), missed, 0.0))
            continue
        missed_after = (occupied[c] - 1) / (last - start) * (end - last) if last > start else 0.0
        log_p = (occupied[c] - 1) * np.log((last - start) / span) if last > start and span > 0 else 0.0
        if min(last - first, end - last) >= warmup * span and after > widest and log_p < log_cut:
            out.append(("gone", c, last, end, -log_p / np.log(10), missed_after * per_bucket, 0.0))
    return out


def find_trends(frame: pd.DataFrame, bucket: str | pd.Timedelta | int | None = None, alpha: float = ALPHA,
                silence_periods: float = SILENCE_PERIODS, warmup: float = WARMUP) -> Trends:
    """Count templates per bucket, model their baselines and list trend alerts (:data:`TREND_COLUMNS`).

    frame: a parsed frame with ``template_id`` (and ``template``,
    ``timestamp``, ``source``, ``line_no``, ``blank`` when present).
    ``alpha``: family-wise false-alarm rate of the count tests (Bonferroni);
    ``silence_periods``: gap, in periods, that silences a regular template;
    ``warmup``: share of the span before which no template is ``new``.
    Alerts are sorted by start, then score descending.
    """
    occ, counts = _occurrences(frame, bucket)
    b, k = counts.matrix.shape
    if k == 0:
        return Trends(counts, {}, _alert_table([], occ, counts, frame), False)
    width = counts.bucket.total_seconds() if counts.timed else float(counts.bucket)
    seasonal = _is_seasonal(counts, occ)
    tested = np.flatnonzero(np.diff(occ.bounds) >= MIN_LINES)
    n_tests = max((len(tested) + 1) * sum(-(-b // w) for w in SCALES if w <= b), 1)
    log_cut = np.log(alpha / n_tests)
    gap = _gap_alerts(occ, counts, width, silence_periods, warmup, np.log(alpha / max(k, 1)))
    raw: list[tuple] = []
    expected: dict[int, np.ndarray] = {}
    block = max(_BLOCK_CELLS // max(b, 1), 1)
    # A new template is modelled from its first line on, a gone one up to its last: they had no baseline before.
    # Row -1 (k) is column -1, every line together: modelled first, its baseline is the traffic of the others.
    life = np.tile([0, b], (k + 1, 1))
    # A template of files that start later or end sooner than the log is modelled over its files' span alone,
    # the buckets it shares with them exposed as far as they cover it (``spans``).
    later, sooner = occ.t_lo > occ.lo, occ.t_hi < occ.hi
    life[:k][later, 0] = (occ.t_lo[later] // width).astype(int)
    life[:k][sooner, 1] = np.ceil(occ.t_hi[sooner] / width).astype(int)
    for kind, c, a, *_ in gap:
        if kind in ("new", "gone"):
            life[c, 0 if kind == "new" else 1] = int(a // width) + (kind == "gone")
    # Long windows against their neighbours, on logs whose baseline is a rolling median (Bonferroni apart).
    n_flank = (len(tested) + 1) * sum(-(-b // w) for w in _flank_scales(counts))
    flank_cut = None if seasonal or not n_flank else np.log(alpha / n_flank)
    raw += _block_alerts(counts, np.array([-1]), life[[-1]], occ, seasonal, log_cut, expected,
                         flank_cut=flank_cut)
    with np.errstate(invalid="ignore", divide="ignore"):
        traffic = np.nan_to_num(expected[-1] / counts.exposure)
    slots = int(round(DAY / counts.bucket)) if seasonal else 0
    splits = _shift_splits(counts, slots)
    every = counts.column(-1)
    shifts = _ShiftTest(splits, every, _shift_weights(every[:, None], counts.exposure, slots)[:, 0],
                        np.log(alpha / max(len(tested) * len(splits), 1)), slots)
    for i in range(0, len(tested), block):
        cols = tested[i:i + block]
        raw += _block_alerts(counts, cols, life[cols], occ, seasonal, log_cut, expected, traffic, shifts,
                             flank_cut)
    alerts = [(kind, c, a * width, min(z * width, occ.hi), score, e, o) for kind, c, a, z, score, e, o in raw]
    # Outages last: an outage a later rule leaves out (a routine drop of all lines) explains no template's drop.
    alerts = _without_routine_alerts(_without_explained_drops(alerts + gap), not seasonal,
                                     width if counts.timed else None)
    if not counts.timed:
        alerts = _without_displaced_drops(alerts, counts, expected)
    alerts = _without_startup_bursts(_without_outage_drops(alerts, width), _openings(occ.file_spans, width), width,
                                     frame, counts.template_ids)
    # Only the alerted templates' expected counts are kept: the others' (a float a bucket each) let go before the
    # table reads the lines.
    alerted = {al[1] for al in alerts} | {-1}
    expected = {int(counts.template_ids[c]) if c >= 0 else -1: v for c, v in expected.items() if c in alerted}
    return Trends(counts, expected, _alert_table(alerts, occ, counts, frame), seasonal)


def _block_alerts(counts: TemplateCounts, cols: np.ndarray, life: np.ndarray, occ: _Occurrences, seasonal: bool,
                  log_cut: float, expected: dict, traffic: np.ndarray | None = None,
                  shifts: "_ShiftTest | None" = None, flank_cut: float | None = None) -> list[tuple]:
    """Burst, drop (and with ``shifts``, shift) alerts (kind, column, first bucket, end bucket, score, expected,
    observed) of some columns (m,), each modelled in its [first, end) bucket range life (m, 2), its buckets
    exposed as far as its files cover them (``occ``), each file weighted by its rate of the template: a file
    that ends sooner takes its share of a template the others write too, not all of it; ``traffic``: expected
    lines of all templates per full bucket (b,) (:func:`expected_counts`)."""
    b = counts.matrix.shape[0]
    parts = [counts.matrix[:, cols[cols >= 0]].toarray().astype(float)]
    if cols[0] < 0:
        parts.insert(0, np.asarray(counts.matrix.sum(axis=1), dtype=float).reshape(b, 1))
    y = np.hstack(parts)
    exposure = counts.exposure
    width = counts.bucket.total_seconds() if counts.timed else float(counts.bucket)
    starts = np.arange(b)[:, None] * width
    spans = occ.file_spans
    files = np.clip((np.minimum(starts + width, spans[:, 1]) - np.maximum(starts, spans[:, 0])) / width, 0.0, 1.0)
    shares = occ.file_shares[:, cols]  # column -1: every line
    timed = np.minimum(np.minimum(files @ (shares > 0), 1.0), exposure[:, None])  # (b, m): the time covered
    # Rounded: shares that add up to 1 less a last bit would leave no bucket fully covered to fit on.
    cover = np.minimum(np.round(files @ shares, 9), timed)
    # Fitted on the counts of buckets covered in time, scaled up to all the files' share of them.
    with np.errstate(invalid="ignore", divide="ignore"):
        scaled = np.where(cover > 0, y * timed / cover, y)
    index = np.arange(b)[:, None]
    seen = (cover > 0) & (index >= life[:, 0]) & (index < life[:, 1])
    y_sums = _cumulative(y)
    if cols[0] < 0 and len(spans) > 1:
        mu, phi = _files_traffic(files, occ.file_counts, exposure, counts.starts, seasonal)
    else:
        mu, phi = _fitted(y, scaled, timed, cover, timed < 1, seen, counts.starts, seasonal, traffic, y_sums)
    windows = _windows(y_sums, mu, phi, seen, log_cut)
    high, low = windows[True], windows[False]
    flanked: dict = {}
    if flank_cut is not None:
        # Fills the rolling baseline in where a long window stands out from both its neighbours.
        others = counts.column(-1)[:, None] - (y if cols[0] >= 0 else 0.0)
        flanked = _flank_windows(y, others, cover, seen, phi, flank_cut, _flank_scales(counts))
        mu = _with_flank_baseline(mu, flanked, cover)
    out = []
    for j, c in enumerate(cols.tolist()):
        found = []
        for kind, spans in (("burst", high), ("drop", low)):
            wide = flanked.get(j, []) if kind == "burst" else []
            found += _count_alerts(y[:, j], mu[:, j], phi[j], spans.get(j, []) + [(a, z) for a, z, _ in wide],
                                   kind, log_cut)
        out += [(kind, c, a, z, s, e, o) for kind, a, z, s, e, o in found]
        expected[c] = np.where(seen[:, j], mu[:, j], np.nan)
    if shifts is not None:
        weights = _shift_weights(y, exposure, shifts.slots)
        full = (life[:, 0] == 0) & (life[:, 1] == b)  # new and gone templates have alerts of their own
        out += [(kind, cols[j], *rest) for kind, j, *rest in shifts.alerts(y, weights, ~seen, phi, full)]
    return out


def _fitted(y: np.ndarray, scaled: np.ndarray, exposure: np.ndarray, cover: np.ndarray, skip: np.ndarray,
            seen: np.ndarray, starts: pd.DatetimeIndex | np.ndarray, seasonal: bool, traffic: np.ndarray | None,
            y_sums: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Expected lines (b, m) of counts y (b, m), the baseline of ``scaled`` (b, m) (:func:`expected_counts` with
    ``exposure`` and ``traffic``) times ``cover`` (b, m), fitted on the buckets ``seen`` and not in ``skip`` (b, m);
    and their dispersion (m,). ``y_sums``: y's :func:`_cumulative` where the caller has it (a block's widest array)."""
    y_sums = _cumulative(y) if y_sums is None else y_sums
    lam = expected_counts(scaled, exposure, starts, seasonal, ~seen | skip, traffic)
    phi = _dispersion(y, lam * cover, seen, seen)
    # Fit again without the buckets the last fit finds extreme: a storm on one day must not
    # raise the baseline of every other day (nor frequent drops lower it).
    for _ in range(REFITS):
        out = _outliers(y, y_sums, lam * cover, phi) | ~seen
        lam = expected_counts(scaled, exposure, starts, seasonal, out | skip, traffic)
        phi = _dispersion(y, lam * cover, ~out, seen)
    return lam * cover, phi


def _files_traffic(files: np.ndarray, by_file: np.ndarray, exposure: np.ndarray, starts: pd.DatetimeIndex | np.ndarray,
                   seasonal: bool) -> tuple[np.ndarray, np.ndarray]:
    """Expected lines (b, 1) of every line of several files, the sum of each file's own baseline over the buckets it
    covers (``files`` (b, f) the share of each bucket it covers, ``by_file`` (b, f) its lines), and their
    dispersion (1,), the files' own weighted by their expected lines (the variance of a sum is the sum of theirs).
    One rate shared by the files' mean rates fails where a file's lines come in a few storms: its quiet months,
    the most buckets, set the rate of a busy file beside it at next to nothing, and its every bucket read as a
    burst."""
    mu, spread = np.zeros((len(files), 1)), 0.0
    block = max(_BLOCK_CELLS // max(len(files), 1), 1)
    for i in range(0, files.shape[1], block):
        cover = np.minimum(files[:, i:i + block], exposure[:, None])
        lines = by_file[:, i:i + block].astype(float)
        own, phi = _fitted(lines, lines, cover, cover, cover < 1, cover > 0, starts, seasonal, None)
        mu += own.sum(axis=1, keepdims=True)
        spread += float(phi @ own.sum(axis=0))
    return mu, np.array([max(spread / max(float(mu.sum()), 1e-12), 1.0)])


def _flank_scales(counts: TemplateCounts) -> list[int]:
    """The lengths of :data:`FLANK_SCALES` (buckets) tested against their sides: half the log at most. (Leaving out
    those of a quarter day or more, a day's busy hours in a one-day log, cost batch logs a false alert each.)"""
    return [w for w in FLANK_SCALES if 2 * w <= counts.matrix.shape[0]]


def _flank_windows(y: np.ndarray, others: np.ndarray, exposure: np.ndarray, seen: np.ndarray, phi: np.ndarray,
                   log_cut: float, scales: list[int]) -> dict[int, list[tuple[int, int, float]]]:
    """Column → [(start, end, rate of the busier side)] of the windows of ``scales`` (:func:`_flank_scales`; no two
    overlapping, most significant first) whose rate stands out from the windows half as long on either side,
    both, by ``SHIFT_RATIO`` or more, by as much beyond the ``others`` (b, m) lines' change (a busy hour of all
    the traffic is no burst of one template), and from all but one other window of its length (a batch job's
    every run is its routine; two storms are still two).

    Counts y (b, m), exposure (b, m), buckets ``seen`` (b, m), dispersion phi (m,). The test: the likelihood
    ratio of one rate (or of the other lines' split, where they have lines) against two for the window and the
    busier side, over phi, one-sided, below ``log_cut``.
    A storm longer than half the rolling median's window is its own baseline there.
    """
    b, m = y.shape
    cy, co = _cumulative(np.where(seen, y, 0.0)), _cumulative(np.where(seen, others, 0.0))
    ce, cs = _cumulative(np.where(seen, exposure, 0.0)), _cumulative(seen.astype(float))
    found, rates = [], {}
    big = np.log(SHIFT_RATIO)
    for w in scales:
        f = w // 2  # a side half as long: a storm of half the log still has a window holding it whole
        a = np.arange(f, b - w - f + 1)
        inside = (cs[a + w + f] - cs[a - f]) == w + 2 * f
        (ys, yb, ya), (os_, ob, oa), (es, eb, ea) = [(c[a + w] - c[a], c[a] - c[a - f], c[a + w + f] - c[a + w])
                                                     for c in (cy, co, ce)]
        with np.errstate(divide="ignore", invalid="ignore"):
            after = ya / ea > yb / eb
            yf, ef, of = np.where(after, ya, yb), np.where(after, ea, eb), np.where(after, oa, ob)
            rates[w] = np.where(inside, ys / es, np.nan)
            change = np.log(rates[w] / (yf / ef))
            traced = (os_ >= MIN_LINES) & (of >= MIN_LINES)
            moved = np.where(traced, np.log((os_ / es) / (of / ef)), 0.0)
            # Tested against the share the other lines put in the window, where they can say and it is the
            # nearer: a template that follows the daily traffic is no burst because its busy hours come by chance
            # a little busier (nor one that holds while the traffic falls, a burst by the traffic alone).
            total = ys + yf
            share = _nearer(ys / total, es / (es + ef), np.where(traced, os_ / (os_ + of), np.nan))
            lr = 2 * (xlogy(ys, ys / (total * share)) + xlogy(yf, yf / (total * (1 - share))))
            side = yf / ef
        ok = inside & (change >= big) & (change - moved >= big) & np.isfinite(lr) & (ys >= MIN_LINES)
        logp = log_ndtr(-np.sqrt(np.maximum(lr, 0.0) / phi))
        rows, cols = np.nonzero(ok & (logp < log_cut))
        found += zip(logp[rows, cols].tolist(), cols.tolist(), rows.tolist(), [w] * len(rows),
                     side[rows, cols].tolist())
    chosen: dict[int, list[tuple[int, int, float]]] = {}
    for _, col, row, w, rate in sorted(found):
        start, spans = row + w // 2, chosen.setdefault(col, [])
        if all(start + w <= s or e <= start for s, e, _ in spans) and \
                _recurrences(rates[w][:, col], row, w, rates[w][row, col] / SHIFT_RATIO) <= 1:
            spans.append((start, start + w, rate))
    return chosen


def _nearer(seen: np.ndarray, flat: np.ndarray, traffic: np.ndarray) -> np.ndarray:
    """Per cell, of the share a flat rate expects and the share the traffic expects (NaN: none), the one nearer
    the share ``seen``: the null hypothesis that explains the most is the one a change must beat."""
    return np.where(np.abs(traffic - seen) < np.abs(flat - seen), traffic, flat)


def _recurrences(rates: np.ndarray, row: int, w: int, level: float) -> int:
    """Windows (of w buckets, rates (s,) by start) at ``level`` or above, apart from each other and from the one
    at ``row``: how many times the like of it happened elsewhere in the log."""
    far = np.flatnonzero((rates >= level) & (np.abs(np.arange(len(rates)) - row) >= w))
    return int(np.count_nonzero(np.diff(far) >= w) + 1) if len(far) else 0


def _with_flank_baseline(mu: np.ndarray, flanked: dict[int, list[tuple[int, int, float]]], exposure: np.ndarray
                         ) -> np.ndarray:
    """Expected lines (b, m): mu, but the rate of their busier side over the windows of :func:`_flank_windows`;
    exposure (b, m)."""
    mu = mu.copy()
    for col, windows in flanked.items():
        # Sides without a line expect the baseline's floor, never nothing.
        floor = mu[:, col][mu[:, col] > 0].min(initial=np.inf)
        for a, z, rate in windows:
            cover = exposure[a:z, col]
            mu[a:z, col] = np.maximum(rate * cover, floor * (cover > 0) if np.isfinite(floor) else 0.0)
    return mu


def _shift_weights(y: np.ndarray, exposure: np.ndarray, slots: int) -> np.ndarray:
    """What a bucket (b, m) is worth to a template's rate whatever its level: exposure, times, on seasonal
    logs (``slots`` buckets a day; 0 otherwise), the template's slot-of-day shape over all days (mean 1; one
    pseudo-day at its mean rate keeps a rare template's empty slots above 0). A baseline fitted around
    outliers would follow a shift itself."""
    if not slots:
        return np.broadcast_to(exposure[:, None], y.shape)
    grid = _day_grid(np.where((exposure >= 1.0)[:, None], y, np.nan), slots, np.nan)
    total, n = np.nansum(grid, axis=0), np.isfinite(grid).sum(axis=0)
    mean = total.sum(axis=0) / np.maximum(n.sum(axis=0), 1)
    profile = (total + mean) / (n + 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        shape = np.nan_to_num(profile / profile.mean(axis=0), nan=1.0)
    return np.tile(shape, (len(grid), 1))[:len(y)] * exposure[:, None]


@dataclass
class _ShiftTest:
    """A lasting change of rate: candidate ``splits`` (s,) (bucket indices), every line's counts (b,) and their
    weights (b,) (:func:`_shift_weights`), the cut on the log tail probability (Bonferroni over templates and
    splits), and on seasonal logs the buckets in a day (``slots``; 0 otherwise)."""

    splits: np.ndarray
    y_all: np.ndarray
    w_all: np.ndarray
    log_cut: float
    slots: int = 0

    def alerts(self, y: np.ndarray, w: np.ndarray, skip: np.ndarray, phi: np.ndarray, full: np.ndarray
               ) -> list[tuple]:
        """(``shift``, column, split, end bucket, score, expected, observed) of counts y (b, m) whose rate per
        weight w (b, m) (:func:`_shift_weights`) went from one level to another ``SHIFT_RATIO`` or more apart at
        a split, and as far beyond the other lines; buckets ``skip`` (b, m) (outside a template's life) left
        out. On seasonal logs the test runs on daily sums, the dispersion estimated from the days around the
        two levels (quasi-Poisson F test: a message whose incidents come and go by the day is no shift);
        otherwise on buckets with the dispersion phi (m,), each side steady. Expected: the lines after the
        split at the rate before it."""
        if not len(self.splits):
            return []
        b = len(y)
        y, w = np.where(skip, 0.0, y), np.where(skip | ~full, 0.0, w)
        y_all, w_all, splits = self.y_all[:, None], self.w_all[:, None], self.splits
        if self.slots:
            y, w, y_all, w_all = (_day_grid(a, self.slots, 0.0).sum(axis=1) for a in (y, w, y_all, w_all))
            splits = splits // self.slots
        cy, cw = _cumulative(y), _cumulative(w)
        yb, wb = cy[splits], cw[splits]  # (s, m) before each split
        ya, wa = cy[-1] - yb, cw[-1] - wb
        # The other lines: every line less the template's own (its change must not explain itself).
        oy, ow = _cumulative(y_all - y), _cumulative(w_all)
        # Too few other lines on a side to compare with: nothing to go beyond.
        traced = (oy[splits] >= MIN_LINES) & (oy[-1] - oy[splits] >= MIN_LINES)
        with np.errstate(divide="ignore", invalid="ignore"):
            # Tested against the share of the other lines before the split where they can say and it is the
            # nearer (the template's change must go beyond theirs, below): one that follows the traffic of a
            # rising morning is no shift because a few of its lines more came after.
            eb = cy[-1] * _nearer(yb / cy[-1], wb / cw[-1], np.where(traced, oy[splits] / oy[-1], np.nan))
            lr = 2 * (xlogy(yb, yb / eb) + xlogy(ya, ya / (cy[-1] - eb)))
            change = np.log((ya / wa) / (yb / wb))
            others = np.log((oy[-1] - oy[splits]) / (ow[-1] - ow[splits]) / (oy[splits] / ow[splits]))
        others = np.where(traced, others, 0.0)
        big = np.log(SHIFT_RATIO)
        # By as much again beyond the other lines, the same way: not a template moving with the traffic.
        beyond = change - others
        ok = ((yb >= MIN_LINES) & (ya >= MIN_LINES) & (np.abs(change) >= big) & (np.abs(beyond) >= big)
              & (np.sign(beyond) == np.sign(change)) & np.isfinite(lr))
        if self.slots:
            # Two days of log on either side at least: a level of one day is a burst or a drop, and
            # gives its side no residual for the dispersion.
            days = _cumulative((w_all[:, 0] > 0).astype(float))
            ok &= ((days[splits] >= 2) & (days[-1] - days[splits] >= 2))[:, None]
        best = np.where(ok, lr, -np.inf)
        out = []
        for j in np.flatnonzero(np.isfinite(best.max(axis=0))):
            i = int(np.argmax(best[:, j]))
            split = int(splits[i])
            if self.slots:
                disp, dof = _two_level_dispersion(y[:, j], w[:, j], split)
                logp = float(f_dist.logsf(lr[i, j] / disp, 1, dof)) if dof > 0 else 0.0
            else:
                steady = (_steady(y[:split, j], w[:split, j], phi[j]) and _steady(y[split:, j], w[split:, j], phi[j])
                          and _spread(y[:, j], split))
                logp = _chi2_1_logsf(lr[i, j] / phi[j]) if steady else 0.0
            if logp < self.log_cut:
                out.append(("shift", int(j), int(self.splits[i]), b, -logp / np.log(10),
                            float(yb[i, j] * wa[i, j] / wb[i, j]), float(ya[i, j])))
        return out


def _chi2_1_logsf(x: float) -> float:
    """log P(X > x) of a chi-square with one degree of freedom, 2·Φ(−√x): finite however large x is
    (scipy's chi2.logsf gives −inf past x ≈ 1,500, and a shift would score infinity)."""
    return float(log_ndtr(-np.sqrt(max(x, 0.0))) + np.log(2.0))


def _two_level_dispersion(y: np.ndarray, w: np.ndarray, split: int) -> tuple[float, int]:
    """Pearson dispersion (at least 1) of counts y (d,) around one rate per weight w (d,) before ``split`` and
    another from it on, and its degrees of freedom (days with weight, less the two rates)."""
    has = w > 0
    before, after = np.arange(len(y)) < split, np.arange(len(y)) >= split
    rate = np.where(before, y[before].sum() / max(w[before].sum(), 1e-12), y[after].sum() / max(w[after].sum(), 1e-12))
    e = rate * w
    dof = int(has.sum()) - 2
    x2 = float(((y - e) ** 2 / np.maximum(e, 1e-12))[has].sum())
    return (max(x2 / dof, 1.0), dof) if dof > 0 else (np.inf, 0)


def _steady(y: np.ndarray, w: np.ndarray, phi: float) -> bool:
    """Whether counts y (b,) fit one rate per weight w (b,): the squares of their Pearson residuals over the
    buckets with weight, divided by the dispersion phi and each at most 16 (one outlier bucket cannot decide),
    do not reject chi² at ``STEADY_P``."""
    y, w = y[w > 0], w[w > 0]
    if len(y) < 2:
        return True
    e = y.sum() / w.sum() * w
    x2 = float(np.minimum((y - e) ** 2 / np.maximum(e, 1e-12) / phi, 16.0).sum())
    return bool(chi2.sf(x2, len(y) - 1) > STEADY_P)


def _spread(y: np.ndarray, split: int) -> bool:
    """Whether counts y (b,) hold lines further apart than the longest burst window on each side of ``split``: lines
    all within one window (a nightly job's run, seen once a side in a log of under two days) are a burst, no level."""
    lined = np.flatnonzero(y > 0)
    sides = (lined[lined < split], lined[lined >= split])
    return all(len(side) > 0 and side[-1] - side[0] >= max(SCALES) for side in sides)


def _shift_splits(counts: TemplateCounts, slots: int) -> np.ndarray:
    """Bucket indices (s,) where a shift may begin: each side at least the longest burst window (a midnight,
    on seasonal logs of ``slots`` buckets a day: whole days either side keep the hours of day alike); none
    without timestamps."""
    b = counts.matrix.shape[0]
    if not counts.timed:
        return np.zeros(0, dtype=np.int64)
    splits = np.arange(max(SCALES), b - max(SCALES) + 1)
    return splits[splits % slots == 0] if slots else splits


def _without_explained_drops(alerts: list[tuple]) -> list[tuple]:
    """Drops of a template while a silence, gone or new alert of the same template says it was absent are left
    out."""
    quiet = [(c, -np.inf if kind == "new" else a, z) for kind, c, a, z, *_ in alerts
             if kind in ("silence", "gone", "new")]
    return [al for al in alerts if al[0] != "drop"
            or not any(c == al[1] and a <= al[3] and al[2] <= z for c, a, z in quiet)]


def _outages(alerts: list[tuple]) -> list[tuple[float, float, float]]:
    """(start, end, observed share of the expected) of the drops of all lines to ``OUTAGE_SHARE`` or less."""
    return [(a, z, o / max(e, 1e-12)) for kind, c, a, z, _, e, o in alerts
            if kind == "drop" and c == -1 and o <= OUTAGE_SHARE * e]


def _openings(spans: np.ndarray, width: float) -> np.ndarray:
    """The first positions of the files (spans (f, 2): first, last) that open the log where no other file was
    writing: one that begins within a bucket of ``width`` after another's lines, or among them, goes on from it
    (a log rotated by size, mid-storm: app-1.log, app-2.log), and its first lines are no service starting."""
    first, last = spans[:, 0], spans[:, 1]
    goes_on = (first[None, :] < first[:, None]) & (first[:, None] <= last[None, :] + width)
    return first[~goes_on.any(axis=1)]


def _without_startup_bursts(alerts: list[tuple], firsts: np.ndarray, width: float, frame: pd.DataFrame,
                            template_ids: np.ndarray) -> list[tuple]:
    """Bursts of two buckets of ``width`` at most that begin in the bucket where lines begin (a file's first line
    that opens the log, ``firsts`` (f,) (:func:`_openings`), or an outage's end, or the bucket before, which the
    outage may hold) are a service starting, left out: it writes its start-up lines all at once each time it
    starts, and the outage (or the log's opening) says it stopped. A storm that goes on longer, or starts
    once the lines are back, stays; so does one of a template (``template_ids`` (k,) by column) whose lines in
    ``frame`` are mostly warnings or errors: a start that fails is no routine start-up."""
    begins = np.concatenate([np.floor(firsts / width) * width, [z for _, z, _ in _outages(alerts)]])
    starting = [al[0] == "burst" and al[3] - al[2] <= 2 * width and bool(np.any((begins >= al[2]) &
                                                                                (begins - al[2] <= width)))
                for al in alerts]
    cols = sorted({al[1] for al, start in zip(alerts, starting) if start and al[1] >= 0})
    # The levels are read per line: only for the templates that burst as lines begin, and only when one does.
    severe = dict(zip(cols, _severe_columns(frame, template_ids[cols]))) if cols else {}
    return [al for al, start in zip(alerts, starting) if not start or severe.get(al[1], False)]


def _severe_columns(frame: pd.DataFrame, template_ids: np.ndarray) -> np.ndarray:
    """Whether most lines of each template (template_ids (k,)) are warnings or worse, from the frame's levels."""
    if "level" not in frame or "template_id" not in frame:
        return np.zeros(len(template_ids), dtype=bool)
    codes, names = string_codes(frame, "level")
    warned = (severity(pd.Series(names)) >= 1)[codes]  # each distinct level read once
    ids = frame["template_id"].to_numpy()
    shares = pd.Series(warned).groupby(ids).mean()
    return shares.reindex(template_ids).fillna(0.0).to_numpy() > 0.5


def _without_outage_drops(alerts: list[tuple], width: float) -> list[tuple]:
    """Drops and silences of a template within an outage (half their span or more) and back with its lines (by
    the outage's end, a bucket of ``width`` and one of its own gaps), that fell no more than ``SHIFT_RATIO``
    beyond all lines, are left out: a service down for two hours is one outage, not a drop of each of its
    messages. An outage: a drop of all lines to ``OUTAGE_SHARE`` of their expected count or less (where the
    traffic only thinned, which messages thinned is worth its alerts)."""
    outages = _outages(alerts)

    def within(al: tuple) -> bool:
        kind, c, a, z, _, e, o = al
        # A message still missing well after the other lines came back did not stop with the outage alone.
        back = width + (z - a) / max(e, 1.0)
        return kind in ("drop", "silence") and c >= 0 and any(
            min(z, oz) - max(a, oa) >= (z - a) / 2 and z <= oz + back and o / max(e, 1e-12) * SHIFT_RATIO >= ratio
            for oa, oz, ratio in outages)

    return [al for al in alerts if not within(al)]


def _without_routine_alerts(alerts: list[tuple], rolling: bool, width: float | None = None) -> list[tuple]:
    """Bursts (drops) of a template that recur at a regular period are its routine, as a regular template is
    (the silence rule): at least ``MIN_ROUTINE`` of them, the 10th to 90th percentiles of the gaps between their
    starts within half and twice the median gap, and one in at least half of the periods from the first to the
    last. A batch job every two hours in a log of less than two days has no daily profile to expect it by.
    Without a daily profile (``rolling``), a template's drops may also come in pairs, two a period: those a
    rolling baseline shows at both edges of a job's long pause (:func:`_paired`); those off its two places stay.
    With times (``width``: the bucket), those a whole number of days apart are a daily routine (:func:`_daily`).
    """
    starts: dict[tuple, list[float]] = {}
    for kind, c, a, *_ in alerts:
        if kind in ("burst", "drop"):
            starts.setdefault((kind, c), []).append(a)
    routine = set()
    for (kind, c), times in starts.items():
        times = np.sort(times)
        if _recur(times):
            routine |= {(kind, c, a) for a in times}
            continue
        if rolling and kind == "drop":
            routine |= {(kind, c, a) for a in times[_paired(times)]}
        if rolling and width is not None:
            routine |= {(kind, c, a) for a in times[_daily(times, width)]}
    return [al for al in alerts if (al[0], al[1], al[2]) not in routine]


def _daily(times: np.ndarray, width: float) -> np.ndarray:
    """Which start times (n,) in seconds have another a whole number of days from them, to a bucket ``width``:
    a log of under two days holds a nightly job's runs once or twice, too few for a period, and the same time of
    day is the period a job keeps."""
    apart = np.abs(times[:, None] - times[None, :])
    days = np.round(apart / DAY.total_seconds())
    return ((days >= 1) & (np.abs(apart - days * DAY.total_seconds()) <= width)).any(axis=1)


def _recur(times: np.ndarray) -> bool:
    """Whether sorted start times (n,) come at a regular period (see :func:`_without_routine_alerts`)."""
    if len(times) < MIN_ROUTINE:
        return False
    q10, period, q90 = _linear_quantiles(np.diff(times), _GAP_LEVELS)
    return bool(period > 0 and q10 >= period / 2 and q90 <= 2 * period
                and len(times) >= 0.5 * ((times[-1] - times[0]) / period + 1))


def _paired(times: np.ndarray, tolerance: float = 0.05) -> np.ndarray:
    """Which sorted start times (n,) come two a period (all False where they do not): the period the median gap
    between every other start, all but a tenth of the starts within ``tolerance`` of a period of one of two
    phases, and starts in at least half of the periods' two places. A pair may lose a drop (the gaps then run out
    of turn); irregular outages, whose gaps summed two by two look steady too, spread over every phase."""
    none = np.zeros(len(times), dtype=bool)
    if len(times) < 2 * MIN_ROUTINE:
        return none
    period = float(np.median(times[2:] - times[:-2]))
    if period <= 0 or len(times) < (times[-1] - times[0]) / period + 1:
        return none
    phase = (times - times[0]) % period / period
    apart = np.abs(phase[:, None] - phase[None, :])
    near = np.minimum(apart, 1.0 - apart) <= tolerance  # (n, n), on a circle
    first = near[np.argmax(near.sum(axis=1))]
    second = np.zeros(len(times), dtype=bool)
    if (~first).any():
        rest = np.flatnonzero(~first)
        second[rest] = near[rest[np.argmax(near[np.ix_(rest, rest)].sum(axis=1))], rest]
    held = first | second
    return held if held.sum() >= 0.9 * len(times) else none


def _without_displaced_drops(alerts: list[tuple], counts: TemplateCounts, expected: dict[int, np.ndarray]
                             ) -> list[tuple]:
    """Without timestamps a bucket is a fixed number of lines, so where other templates run above their
    expectation (a burst, a new template's first lines) one template's lines must thin out: its drops there,
    where the others' excess lines make up its shortfall, are left out. ``expected``: per column, expected lines
    per bucket (b,); a new template's count as a whole (it is modelled on its own first lines)."""
    width, k = float(counts.bucket), counts.matrix.shape[1]
    new = {c for kind, c, *_ in alerts if kind == "new"}
    out = []
    for al in alerts:
        if al[0] == "drop":
            lo, hi = int(al[2] // width), int(np.ceil(al[3] / width))
            mu = np.zeros((hi - lo, k))
            for c, values in expected.items():
                if c >= 0 and c not in new:
                    mu[:, c] = np.nan_to_num(values[lo:hi])
            excess = np.clip(counts.matrix[lo:hi].toarray() - mu, 0, None)
            excess[:, al[1]] = 0
            if excess.sum() >= al[5] - al[6]:
                continue
        out.append(al)
    return out


def _alert_table(alerts: list[tuple], occ: _Occurrences, counts: TemplateCounts, frame: pd.DataFrame
                 ) -> pd.DataFrame:
    """The alerts as TREND_COLUMNS, with the lines that show them."""
    # All lines in position order, sorted once if needed, before the lines' files are read: the sort's index and
    # its two copies are the widest moment of the table, and only the copies are held.
    every = _by_position(occ) if any(al[1] < 0 for al in alerts) else None
    line_no = frame["line_no"].to_numpy() if "line_no" in frame else np.arange(1, len(frame) + 1)
    sources, source_names = string_codes(frame, "source" if "source" in frame else None)
    rows = []
    for kind, c, a, z, score, expected, observed in alerts:
        if c >= 0:
            pos, idx = occ.pos[occ.bounds[c]:occ.bounds[c + 1]], occ.rows[occ.bounds[c]:occ.bounds[c + 1]]
        else:
            pos, idx = every
        # Count alerts end where their last bucket ends; the others end on a line.
        lo, hi = np.searchsorted(pos, a), np.searchsorted(pos, z, side="left" if kind in ("burst", "drop") else "right")
        if hi <= lo:  # nothing inside: the lines just before and after
            lo, hi = max(lo - 1, 0), min(hi + 1, len(pos))
        elif kind == "burst":  # a burst is its densest stretch of lines, not its buckets
            # Lines at the geometric mean of the expected and the buckets' observed rate or less lower the score:
            # the ordinary ones around a storm, and not the lines of a rise of half as many again over an hour.
            rate = expected / max(z - a, 1e-9)
            first, last = _densest(pos[lo:hi], np.sqrt(rate * max(observed / max(z - a, 1e-9), rate)))
            lo, hi = lo + first, lo + last + 1
            a, z = pos[lo], pos[hi - 1]
            # Counts of the stretch shown, not of its buckets (at least a second, or a line, long).
            expected, observed = rate * max(z - a, 1.0), hi - lo
        shown = idx[lo:hi]
        # A count of several files' lines: no one file's line numbers hold it (the edges of a gap may lie in two).
        files = len(np.unique(sources[shown])) if kind in ("burst", "drop", "shift") else 1
        if files > 1:
            src, first_no, last_no = f"({files} files)", -1, -1
        elif len(shown):
            src = source_names[sources[shown[0]]]
            same = shown[sources[shown] == sources[shown[0]]]
            # Lines in time order: where the clock steps back, the first in time is not the first in the file.
            first_no, last_no = int(line_no[same].min()), int(line_no[same].max())
        else:
            src, first_no, last_no = "", -1, -1
        rows.append({"kind": kind, "template_id": int(counts.template_ids[c]) if c >= 0 else -1,
                     "template": str(counts.templates[c]) if c >= 0 else ALL_LINES,
                     "start": _when(counts, a), "end": _when(counts, z), "first_line_no": first_no,
                     "last_line_no": last_no, "source": src, "score": float(score),
                     "expected": float(expected), "observed": float(observed)})
    table = pd.DataFrame(rows, columns=TREND_COLUMNS)
    if len(table):
        table = table.sort_values(["start", "first_line_no", "score"], ascending=[True, True, False],
                                  ignore_index=True)
    else:  # typed as alerts are: ``alerts["start"].dt`` works on a log without any
        table = table.astype({"start": "datetime64[ns]", "end": "datetime64[ns]", "score": float,
                              "expected": float, "observed": float})
    return table.astype({"template_id": np.int64, "first_line_no": np.int64, "last_line_no": np.int64})


def _by_position(occ: _Occurrences) -> tuple[np.ndarray, np.ndarray]:
    """The counted lines' positions and rows (v,) in position order (stable: ties in the order of ``occ``)."""
    # The index narrowed as the rows are (int32 below 2**31 lines) before the copies are made: 16 bytes a line at
    # once, not 20.
    order = np.argsort(occ.pos, kind="stable").astype(occ.rows.dtype)
    return occ.pos[order], occ.rows[order]


def _densest(pos: np.ndarray, rate: float) -> tuple[int, int]:
    """First and last index of the stretch of sorted positions (k,) with the most lines beyond ``rate`` per unit of
    position: max over i ≤ j of (j − i + 1) − rate · (pos_j − pos_i), in one pass (the window's ordinary lines
    before and after a burst are left out)."""
    k = np.arange(len(pos))
    opening = k - rate * pos
    run_min = np.minimum.accumulate(opening)
    last = int(np.argmax(k + 1 - rate * pos - run_min))
    return int(np.argmin(opening[:last + 1])), last


def _when(counts: TemplateCounts, pos: float) -> pd.Timestamp:
    """A position as a timestamp (NaT for line windows)."""
    if not counts.timed:
        return pd.NaT
    # To the microsecond: a float of seconds holds no nanoseconds over a long log (.785 read back as .784999999).
    return counts.starts[0] + pd.Timedelta(round(float(pos) * 1e6), unit="us")
