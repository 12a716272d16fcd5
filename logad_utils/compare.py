"""``logad compare``: which templates a target log has more or less of than a baseline log.

Both sides are read, then mined together so that a template has one id on
both. Per template the question is whether its target count differs from
what the sides' size ratio r predicts. r is the median, over the templates
with at least MIN_LINES lines on each side, of target / baseline count (the
median-of-ratios normalisation of count data): one template that grows does
not make every other look smaller, as comparing shares of all lines would,
and a busier target does not make every template look larger. With two
such templates, one of them may be the one that changed: r is the ratio of
the one nearer (in log) to the sides' ratio of time spans (1 without
times), as a template's lines moved with time unless it changed. With fewer than
2, r is that ratio of time spans itself: one template says nothing of the
sides' sizes, as it may be the one that changed, and nor do the sides' line
totals, which a new template's flood swells. Where both sides have times, a
template is tested against whichever of r and the sides' ratio of time spans
is nearer its own ratio (none, when its own lies between them): it changed
only if it did against the sides' sizes and against their durations, as a
heartbeat that kept its pace on a day busier with jobs did not. Counts are
of events: a stack trace's lines are one occurrence of its event, however
deep. Given the template's c events over both sides, its target count is
binomial with p = r / (1 + r) when it changed like the rest (the exact
conditional test for two Poisson rates). Log events come in clumps (a job's fifty export
lines), which a binomial on single events takes for a change between two
days of the same process: a template's clump size φ ≥ 1 is the variance
over mean of its events in ``SLICES`` equal slices of a side (of its
time span; of its events without times), the harmonic mean of its sides'
(a burst on one side is the change, not clumps), and its counts are tested as
clumps (c / φ, target / φ; the binomial tails as regularised incomplete
beta functions, scipy.special.betainc). The two-sided p-value doubles the
smaller tail, and the p-values of all templates are adjusted with
Benjamini–Hochberg (scipy.stats.false_discovery_control). A template on one
side only is at the end of its test's range, the smallest p-value its clumps
can give: where even that is not under ``alpha`` (a new template's 122 events
in one burst are about one clump), the test cannot tell, and its p-value is
NaN rather than a figure that reads "no change". ``delta_pct`` is
the change beyond r: 100 · (target / (r · baseline) − 1), whatever ratio the
test held it to.

``status``: ``new`` (no baseline line), ``gone`` (no target line), ``up`` or
``down`` (adjusted p-value under ``alpha``), else ``same``. The divergence
of the whole template mix is the symmetric Kullback–Leibler divergence
KL(b‖t) + KL(t‖b) in nats, on shares smoothed with half a line per template.
"""
from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd
from dateutil import parser
from scipy.special import betainc
from scipy.stats import entropy, false_discovery_control

from .io import LogInputError, read_logs, time_zone, timestamps_ns
from .streaming import event_starts
from .atomic import file_set, write_table, write_text, writing_in
from .report import _cards, _page
from .summary import COMPARED_SIDES, inputs, number, read_fields, write_summary
from .templates import LogTemplateMiner, mine_templates

__all__ = ["Comparison", "COMPARE_COLUMNS", "STATUSES", "read_sides", "split_at", "compare_frames",
           "symmetric_kl", "render_comparison", "write_comparison"]

COMPARE_COLUMNS = ["template_id", "template", "baseline_count", "target_count", "baseline_share", "target_share",
                   "delta_pct", "status", "p_value", "source", "first_line_no"]
STATUSES = ("new", "gone", "up", "down", "same")
ALPHA = 0.05
# Lines a template needs on each side to count towards the sides' size ratio.
MIN_LINES = 5
SLICES = 20  # equal slices of a side (of time, else of events) over which a template's clump size is measured
# A side's traffic over its slices is read from templates with this many events (two a slice), where this many
# templates have them.
TRAFFIC_EVENTS, TRAFFIC_TEMPLATES = 2 * SLICES, 3
SHOWN = 20  # templates per section of the HTML page

Paths = str | os.PathLike | Sequence[str | os.PathLike]


@dataclass
class Comparison:
    """Per-template comparison (:data:`COMPARE_COLUMNS`, one row per template), the symmetric KL divergence,
    example events (template id → ``source, line_no, raw`` rows of their first lines), the event totals of each
    side, what each side is (:func:`describe_side`: its files and time span), and each side's files with their line
    counts (:func:`summary.inputs`) and read report."""

    table: pd.DataFrame
    divergence: float
    examples: dict
    baseline_events: int
    target_events: int
    alpha: float = ALPHA
    sides: tuple[str, str] = ("", "")
    inputs: tuple[list, list] = ([], [])
    reports: tuple[dict, ...] = ()

    def count(self, status: str) -> int:
        """Templates with this status."""
        return int((self.table["status"] == status).sum())


def read_sides(baseline: Paths, target: Paths, fmt: str = "auto", json_key: str = "message",
               miner: LogTemplateMiner | None = None, time_format: str | None = None
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read both sides (their times as ``time_format`` has them, where given) and mine their templates together:
    (baseline frame, target frame), ids shared; each keeps its read report in ``attrs["read_report"]``."""
    sides = [_read(paths, fmt, json_key, f"{side}: ", time_format)
             for side, paths in (("baseline", baseline), ("target", target))]
    for side, frame in zip(("baseline", "target"), sides):
        if "blank" in frame and frame["blank"].all():
            raise LogInputError(f"{side}: no lines to read: every line is blank")
    both = mine_templates(pd.concat(sides, ignore_index=True), miner)
    n = len(sides[0])
    out = both.iloc[:n].reset_index(drop=True), both.iloc[n:].reset_index(drop=True)
    for frame, side in zip(out, sides):
        frame.attrs["read_report"] = side.attrs["read_report"]
    return out


def _read(paths: Paths, fmt: str, json_key: str, what: str = "", time_format: str | None = None) -> pd.DataFrame:
    """The lines of logs (``source`` as text, to be mined with others); none is an error (``what`` names the
    side)."""
    frame = read_logs(paths, fmt, json_key=json_key, warn=False, time_format=time_format)
    if not len(frame):
        raise LogInputError(f"{what}no lines to read: " + "; ".join(frame.attrs["read_report"]["warnings"]))
    return frame.assign(source=frame["source"].astype(str))


def split_at(paths: Paths, at: str, fmt: str = "auto", json_key: str = "message",
             miner: LogTemplateMiner | None = None, time_format: str | None = None
             ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read logs, mine their templates and split them at time ``at``: (lines before it, lines from it on).

    ``at`` is read by pandas; with a zone it is converted to UTC, as the logs' zoned times are (an error where a
    file's times carry none: on their unknown clock it names no time); without one it is on the clock the lines'
    times are kept in: UTC for times written with a zone or offset, else the logs' own wall clock (logs without a
    year or date are read as from 2000 or 1970: the read warning says which). A date that reads day first as well
    as month first (``11/03/2024``) is an error: pandas would read it month first. An ``at`` without a date
    (``12:00``) or a year (``Mar 11 12:00``) takes them from the logs: the first such time from their first line on.
    A line without a time of its own takes the last time before it in its file (the first time after it at the start
    of a file); a file without any time is an error, unless all its lines are blank (they are then on neither side).
    """
    if (m := _DAY_OR_MONTH.search(at)) and m.group(1) != m.group(2) and max(map(int, m.groups())) <= 12:
        raise LogInputError(f"--at: {at!r} reads as day/month and as month/day: write the date as YYYY-MM-DD "
                            "(e.g. 2024-03-11T12:00)")
    when = _read_at(at)
    if pd.isna(when):
        raise LogInputError(f"--at: not a time: {at!r} (e.g. 2024-03-11T12:00)")
    frame = _read(paths, fmt, json_key, time_format=time_format)
    if when.tzinfo is not None:
        lines = frame.loc[~frame["blank"].to_numpy(dtype=bool), "source"].unique()
        naive = sorted(set(lines) - set(frame.attrs["read_report"]["zoned_files"]))
        if naive:
            raise LogInputError(f"--at {at!r} has a zone, and the times of {naive[0]} have none: give the time on "
                                "its clock, without a zone")
        when = when.tz_convert("UTC").tz_localize(None)
    frame = mine_templates(frame, miner)
    stamps = frame["timestamp"] if "timestamp" in frame else pd.Series(pd.NaT, index=frame.index)
    stamps = pd.to_datetime(stamps).groupby(frame["source"], sort=False).transform(lambda t: t.ffill().bfill())
    blank = frame["blank"].to_numpy(dtype=bool) if "blank" in frame else np.zeros(len(frame), dtype=bool)
    untimed = frame.loc[stamps.isna().to_numpy() & ~blank, "source"].unique()
    if len(untimed):
        raise LogInputError(f"--at needs timestamps, and {untimed[0]} has none")
    keep = stamps.notna().to_numpy()  # blank lines of a file without times: on neither side
    frame, stamps = frame[keep], stamps[keep]
    if not len(frame):
        raise LogInputError("--at: nothing to split: every line of the logs is blank")
    when = _completed(at, when, stamps.min())
    before = (stamps < when).to_numpy()
    if before.all() or not before.any():
        # Zoned times are held in UTC: said, as the time given with +01:00 and the lines' own show it shifted.
        read = frame.attrs.get("read_report", {})
        raise LogInputError(f"--at {when}: every line is {'before' if before.all() else 'at or after'} it "
                            f"(the logs run from {stamps.min()} to {stamps.max()}; times {time_zone(read)})"
                            + _clock_hint(at, read.get("clocks", {})))
    return frame[before].reset_index(drop=True), frame[~before].reset_index(drop=True)


def _clock_hint(at: str, clocks: dict[str, str]) -> str:
    """How to give ``at`` where it names a year (a date) and a log's times have none (``clocks``, a read report's):
    the reader dates such times from 2000 (1970), so the logs' span showed dates they never wrote; else ""."""
    readings = _readings(at)
    if readings is None or not clocks:
        return ""
    (source, clock), (one, two) = next(iter(clocks.items())), readings
    if clock == "years" and one.year == two.year:
        return f": {source}'s times have no year; give --at without one, e.g. {one.strftime('%b %d %H:%M')!r}"
    if clock == "days" and (one.month, one.day) == (two.month, two.day):
        return f": {source}'s times have no date; give --at as a time of day, e.g. {one.strftime('%H:%M')!r}"
    return ""


# A day and a month written with slashes, dots or dashes (not ISO's year first), with or without a year: which is
# which is told only by a number over 12.
_DAY_OR_MONTH = re.compile(r"(?<![\d/.:-])(\d{1,2})[/.-](\d{1,2})(?![\d:])")


# Two days for the fields a TIME leaves out, unlike in every field, so that one it leaves out differs between its
# readings; both in leap years, so that a 29 February without a year reads.
_DEFAULTS = (datetime(2000, 1, 1), datetime(2004, 2, 2))


def _readings(at: str) -> tuple[datetime, datetime] | None:
    """``at`` read by dateutil on each of :data:`_DEFAULTS`, or None where it does not read."""
    try:
        one, two = (parser.parse(at, default=day) for day in _DEFAULTS)
    except (ValueError, OverflowError):
        return None
    return one, two


def _read_at(at: str) -> pd.Timestamp:
    """``at`` as pandas reads it (NaT where it does not); a day without a year in a leap year, as the logs' own
    year-less days are: pandas puts it in year 1, which has no 29 February."""
    try:
        return pd.Timestamp(at)
    except (ValueError, TypeError):
        readings = _readings(at)
    if readings is None:
        return pd.NaT
    one, two = readings  # only a day without a year: pandas refuses the rest for a reason ("Mon 12:00")
    return pd.Timestamp(one) if one.year != two.year and (one.month, one.day) == (two.month, two.day) else pd.NaT


def _completed(at: str, when: pd.Timestamp, first: pd.Timestamp) -> pd.Timestamp:
    """``when``, read from ``at``, at the first time from ``first`` on that it names where ``at`` gives no date or no
    year: pandas puts a time of day on today and a day without a year in year 1, where no log line is."""
    readings = _readings(at)
    if readings is None:  # a time pandas reads and dateutil does not ("now") is whole
        return when
    one, two = readings
    if one.year != two.year and one.month != two.month and one.day != two.day:  # no date: a year alone ("2024") is one
        when = first.normalize() + (when - when.normalize())
        return when if when >= first else when + pd.Timedelta(days=1)
    if one.year != two.year:  # by offsets, which keep a 29 February inside the year (replace raises)
        moved = when + pd.DateOffset(years=first.year - when.year)  # each from ``when``: Feb 28 + 1 year is no Feb 29
        return moved if moved >= first else when + pd.DateOffset(years=first.year + 1 - when.year)
    return when


def symmetric_kl(baseline: np.ndarray, target: np.ndarray, prior: float = 0.5) -> float:
    """KL(b‖t) + KL(t‖b) in nats of two count vectors (k,), each count plus ``prior``."""
    b = np.asarray(baseline, dtype=float) + prior
    t = np.asarray(target, dtype=float) + prior
    return float(entropy(b, t) + entropy(t, b)) if len(b) else 0.0


def _counts(frame: pd.DataFrame) -> pd.Series:
    """Events per template id of one side: their first lines (blank lines left out)."""
    keep = _event_rows(frame)
    return pd.Series(frame["template_id"].to_numpy()[keep]).value_counts()


def _event_rows(frame: pd.DataFrame) -> np.ndarray:
    """Rows (n,) bool that start an event and have a template: not a continuation line, not blank."""
    keep = (frame["template_id"].to_numpy() >= 0) & (event_starts(frame) == 1)
    if "blank" in frame:
        keep &= ~frame["blank"].to_numpy(dtype=bool)
    return keep


def compare_frames(baseline: pd.DataFrame, target: pd.DataFrame, alpha: float = ALPHA,
                   n_examples: int = 3) -> Comparison:
    """Compare the template mix of two parsed frames whose ``template_id`` values match (:func:`read_sides`)."""
    b_counts, t_counts = _counts(baseline), _counts(target)
    ids = np.array(sorted(set(b_counts.index) | set(t_counts.index)), dtype=np.int64)
    b = b_counts.reindex(ids, fill_value=0).to_numpy(dtype=np.int64)
    t = t_counts.reindex(ids, fill_value=0).to_numpy(dtype=np.int64)
    total_b, total_t = int(b.sum()), int(t.sum())
    span = _span_ratio(baseline, target)
    ratio = size_ratio(b, t, 1.0 if np.isnan(span) else span)
    held = _held_ratios(b, t, ratio, span)
    p = _p_values(b, t, held, _clump_sizes(ids, baseline, target), alpha)
    with np.errstate(divide="ignore", invalid="ignore"):
        share_b = b / total_b if total_b else np.zeros(len(b))
        share_t = t / total_t if total_t else np.zeros(len(t))
        # Rounded off at 1e-9 %: a template that changed exactly as the sides did is 0, not a rounding error.
        delta = np.round(np.where(b > 0, 100.0 * (t / (ratio * b) - 1.0), np.nan), 9) + 0.0  # no -0.0
    status = np.select([b == 0, t == 0, (p < alpha) & (t > held * b), (p < alpha) & (t < held * b)],
                       ["new", "gone", "up", "down"], "same")
    names = _template_names(pd.concat([baseline, target], ignore_index=True))
    first = _first_seen(ids, baseline, target)
    table = pd.DataFrame({"template_id": ids, "template": names.reindex(ids).to_numpy(),
                          "baseline_count": b, "target_count": t, "baseline_share": share_b,
                          "target_share": share_t, "delta_pct": delta, "status": status, "p_value": p,
                          "source": first["source"].to_numpy(), "first_line_no": first["line_no"].to_numpy()},
                         columns=COMPARE_COLUMNS)
    order = table["status"].map({s: i for i, s in enumerate(STATUSES)})
    table = table.assign(_order=order, _lines=b + t).sort_values(
        ["_order", "p_value", "_lines", "template_id"], ascending=[True, True, False, True], kind="stable")
    table = table.drop(columns=["_order", "_lines"]).reset_index(drop=True)
    examples = _examples(baseline, target, table, n_examples)
    # With --at both sides are one read: its report once.
    reports = [frame.attrs.get("read_report", {}) for frame in (baseline, target)]
    return Comparison(table, symmetric_kl(b, t), examples, total_b, total_t, alpha,
                      (describe_side(baseline), describe_side(target)), (inputs(baseline), inputs(target)),
                      tuple(reports[:1] if reports[0] == reports[1] else reports))


# The files a side's description names before it counts the rest.
_NAMED_FILES = 3


# What a side's times stand on where its logs lack a date or a year (io.ReadReport's clocks).
_CLOCK_NOTES = {"days": "times of day only: dated from the first date a message names, else 1970-01-01",
                "years": "no year in the logs: read as from 2000"}


def describe_side(side: pd.DataFrame) -> str:
    """What one side is, for the page: its files with lines (the first few named) and its first and last time, with
    what those times stand on where the logs lack a date or a year."""
    lines = side[~side["blank"].to_numpy(dtype=bool)] if "blank" in side else side
    files = list(dict.fromkeys(lines["source"].astype(str))) if "source" in side else []
    named = ", ".join(files[:_NAMED_FILES]) + (f" and {len(files) - _NAMED_FILES} more" if len(files) > _NAMED_FILES
                                               else "")
    # On the clock the lines are held in: as written, or UTC for times that carried a zone (mixed zones, held as
    # objects, are left out).
    times = lines["timestamp"] if "timestamp" in lines else None
    if times is None or not pd.api.types.is_datetime64_any_dtype(times) or times.isna().all():
        return named
    report = side.attrs.get("read_report", {})
    clocks = report.get("clocks", {})
    notes = [note for clock, note in _CLOCK_NOTES.items() if clock in {clocks.get(f) for f in files}]
    if set(files) & set(report.get("zoned_files", [])):  # a +01:00 log's 03:00 is shown as 02:00
        notes.append(f"times {time_zone(report)}")
    return f"{named}, {times.min()} to {times.max()}" + "".join(f" ({note})" for note in notes)


def size_ratio(b: np.ndarray, t: np.ndarray, reference: float = 1.0) -> float:
    """Target / baseline size (see the module docstring) from per-template counts (k,) of each side; with two
    steady templates, the ratio of the one nearer (in log) to ``reference``, the sides' ratio of time spans;
    with fewer, ``reference`` itself."""
    steady = (b >= MIN_LINES) & (t >= MIN_LINES)
    ratios = np.log(t[steady] / b[steady])
    if len(ratios) == 2:  # no majority: the one that moved as time did
        return float(np.exp(ratios[np.argmin(np.abs(ratios - np.log(reference)))]))
    if len(ratios) > 2:
        return float(np.exp(np.median(ratios)))
    return float(reference)


def _held_ratios(b: np.ndarray, t: np.ndarray, ratio: float, span: float) -> np.ndarray:
    """The ratio each template (k,) is tested against: of the sides' size ``ratio`` and their time ``span`` ratio
    (NaN: unknown), the one nearest its own ``t / b`` (none between them: its own). A template changed only if it
    did against both: a heartbeat that kept its pace on a busier day did not."""
    if np.isnan(span):
        return np.full(len(b), ratio)
    with np.errstate(divide="ignore", invalid="ignore"):
        own = np.where(b > 0, t / np.maximum(b, 1), ratio)
    return np.clip(own, min(ratio, span), max(ratio, span))


def _span_ratio(baseline: pd.DataFrame, target: pd.DataFrame) -> float:
    """Target / baseline time span, NaN where a side has none (no times, or one instant); see :func:`_span`."""
    spans = []
    for side in (baseline, target):
        times = _times(side)
        spans.append(_span(np.sort(timestamps_ns(times.dropna()))) if times is not None else 0.0)
    return spans[1] / spans[0] if spans[0] > 0 and spans[1] > 0 else float("nan")


def _times(side: pd.DataFrame) -> pd.Series | None:
    """A side's times (n,) in UTC, NaT where a line has none; None without a timestamp column."""
    return pd.to_datetime(side["timestamp"], errors="coerce", utc=True) if "timestamp" in side else None


def _span(ns: np.ndarray) -> float:
    """First to last of sorted times (n,) in ns, but a stray 1 % of lines at either end, set apart from the rest by
    a tenth of the span or more, left out: a start-up banner an hour before the traffic is no hour of traffic.
    (A span of the middle lines by count would shrink to a burst that holds most of them.)"""
    if len(ns) < 2:
        return 0.0
    k, total = max(1, len(ns) // 100), float(ns[-1] - ns[0])
    lo, hi = 0, len(ns) - 1
    head, tail = np.diff(ns[:k + 1]).astype(float), np.diff(ns[-k - 1:]).astype(float)
    if head.max() > 0.1 * total:
        lo = int(np.argmax(head)) + 1
    if tail.max() > 0.1 * total:
        hi = len(ns) - 1 - k + int(np.argmax(tail))
    return float(ns[hi] - ns[lo]) if hi > lo else 0.0


def _p_values(b: np.ndarray, t: np.ndarray, ratio: np.ndarray, clumps: np.ndarray,
              alpha: float = ALPHA) -> np.ndarray:
    """Benjamini–Hochberg adjusted two-sided p-values (k,) that each template changed by its ``ratio`` (k,)
    (target / baseline), as the sides do, its events counted in clumps of the sizes ``clumps`` (k,); NaN for a
    template on one side only whose clumps are too few for any outcome to be significant at ``alpha``."""
    if len(b) == 0:
        return np.zeros(0)
    n, k = (b + t) / clumps, t / clumps
    share = ratio / (1.0 + ratio)
    # Binomial tails P(X ≤ k) and P(X ≥ k) for real n and k; 1 where k is at the end of its range.
    with np.errstate(invalid="ignore"):
        lower = np.where(k >= n, 1.0, betainc(np.maximum(n - k, 1e-300), k + 1.0, 1.0 - share))
        upper = np.where(k <= 0, 1.0, betainc(np.maximum(k, 1e-300), n - k + 1.0, share))
    raw = np.minimum(1.0, 2.0 * np.minimum(lower, upper))
    # A one-sided template's p-value is its clumps' smallest: not under alpha, no outcome could have been
    # significant. It stays in the family adjusted (dropping it on its outcome would bias the others' figures).
    untestable = ((b == 0) | (t == 0)) & (raw >= alpha)
    return np.where(untestable, np.nan, false_discovery_control(raw, method="bh"))


def _clump_sizes(ids: np.ndarray, *sides: pd.DataFrame) -> np.ndarray:
    """Per template id of ``ids`` (k,), sorted: the harmonic mean over the sides that have it of the variance over
    mean (at least 1) of its events in :data:`SLICES` equal slices of a side (:func:`_slices`), Pearson's
    chi-square over its degrees of freedom. A burst on one side is the change, not the template's way: pooled with
    the other side, its hour of tenfold lines made its own clumps and read "same"; a harmonic mean keeps near the
    calmer side."""
    inverse, sides_with = np.zeros(len(ids)), np.zeros(len(ids))
    for side in sides:
        rows = _event_rows(side)
        if not rows.any():
            continue
        slices, sizes = _slices(side, rows)
        y = np.zeros((SLICES, len(ids)))
        np.add.at(y, (slices, np.searchsorted(ids, side["template_id"].to_numpy()[rows])), 1.0)
        sizes = _traffic(y, sizes)
        expected = y.sum(axis=0) * sizes[:, None]
        with np.errstate(invalid="ignore", divide="ignore"):
            chi2 = np.where(expected > 0, (y - expected) ** 2 / expected, 0.0).sum(axis=0)
        dof = np.where(y.sum(axis=0) > 0, (sizes > 0).sum() - 1, 0)
        phi = np.maximum(1.0, np.divide(chi2, dof, out=np.ones(len(ids)), where=dof > 0))
        inverse += np.where(dof > 0, 1.0 / phi, 0.0)
        sides_with += dof > 0
    return np.divide(sides_with, inverse, out=np.ones(len(ids)), where=sides_with > 0)


def _traffic(y: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Each slice's expected share of a template's events (SLICES,): the median share over the templates with
    :data:`TRAFFIC_EVENTS` events or more in ``y`` (SLICES, k), where :data:`TRAFFIC_TEMPLATES` have them (a day's
    rhythm moves every template alike, and is no clumping; a median, as one template's flood is no traffic of
    the others'), else ``sizes``."""
    totals = y.sum(axis=0)
    busy = totals >= TRAFFIC_EVENTS
    if busy.sum() < TRAFFIC_TEMPLATES:
        return sizes
    profile = np.median(y[:, busy] / totals[busy], axis=1)
    return profile / profile.sum() if profile.sum() > 0 else sizes


def _slices(side: pd.DataFrame, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The slice (of :data:`SLICES`) of each of a side's event rows (n,) and each slice's share of them (SLICES,):
    equal stretches of its time span where it has one (a flood of one template must not stretch the others'
    slices), else equal runs of its events."""
    times = _times(side)
    # A line without a time takes the last time before it (the first after it at the start).
    at = np.zeros(len(side)) if times is None else (times - times.min()).dt.total_seconds().ffill().bfill().to_numpy()
    at = at[rows]
    span = np.nanmax(at) if np.isfinite(at).any() else 0.0
    if span > 0:
        return np.minimum((at / span * SLICES).astype(int), SLICES - 1), np.full(SLICES, 1.0 / SLICES)
    slices = np.arange(len(at)) * SLICES // len(at)
    return slices, np.bincount(slices, minlength=SLICES) / len(at)


def _template_names(frame: pd.DataFrame) -> pd.Series:
    """Template text by template id."""
    column = "template" if "template" in frame else "masked"
    first = frame.loc[frame["template_id"] >= 0].drop_duplicates("template_id")
    return pd.Series(first[column].astype(str).to_numpy(), index=first["template_id"].to_numpy())


def _first_seen(ids: np.ndarray, baseline: pd.DataFrame, target: pd.DataFrame) -> pd.DataFrame:
    """``source, line_no`` (k rows) of the first event of each template id of ``ids`` (k,) in the target, or in the
    baseline for one the target lacks: the CSV must say where every template is, not only the page's first few."""
    firsts = [side[_event_rows(side)].drop_duplicates("template_id").set_index("template_id")[["source", "line_no"]]
              for side in (target, baseline)]
    first = pd.concat(firsts)
    return first[~first.index.duplicated()].reindex(ids)


def _examples(baseline: pd.DataFrame, target: pd.DataFrame, table: pd.DataFrame, n: int) -> dict:
    """Up to n example events (their first lines) per changed template: from the target when new or up, else from
    the baseline."""
    out = {}
    for side, statuses in ((target, ("new", "up")), (baseline, ("gone", "down"))):
        wanted = set(table.loc[table["status"].isin(statuses), "template_id"])
        text = "raw" if "raw" in side else "content"
        events = side[_event_rows(side)]
        rows = events[events["template_id"].isin(wanted)].groupby("template_id", sort=False).head(n)
        for tid, group in rows.groupby("template_id", sort=False):
            out[int(tid)] = group[["source", "line_no", text]].rename(columns={text: "raw"}).reset_index(drop=True)
    return out


# --------------------------------------------------------------------------- HTML
def _section(comparison: Comparison, title: str, rows: pd.DataFrame, total: int) -> str:
    """One section: a row per template with its numbers and example lines, all text escaped."""
    if rows.empty:
        return f"<h2>{html.escape(title)} (0)</h2><p>None.</p>"
    head = ("<tr><th>template</th><th>baseline</th><th>target</th><th>share (baseline → target)</th>"
            "<th>change</th><th>p (BH)</th><th>examples</th></tr>")
    body = []
    for row in rows.itertuples(index=False):
        change = "new" if row.status == "new" else f"{row.delta_pct:+.0f} %"
        examples = comparison.examples.get(int(row.template_id))
        lines = "" if examples is None else "<br>".join(
            f"<code>{html.escape(f'{e.source}:{e.line_no}')}</code> {html.escape(str(e.raw))}"
            for e in examples.itertuples(index=False))
        body.append(f'<tr><td class="msg">{html.escape(str(row.template))}</td><td>{row.baseline_count:,}</td>'
                    f"<td>{row.target_count:,}</td><td>{row.baseline_share:.3%} → {row.target_share:.3%}</td>"
                    f'<td>{html.escape(change)}</td><td>{_p_text(row.p_value)}</td><td class="msg">{lines}</td></tr>')
    more = f"<p>{total - len(rows)} more in compare.csv.</p>" if total > len(rows) else ""
    return (f"<h2>{html.escape(title)} ({total})</h2><table><thead>{head}</thead><tbody>{''.join(body)}"
            f"</tbody></table>{more}")


def _p_text(p: float) -> str:
    """A p-value for the page; NaN (:func:`_p_values`) says why there is none."""
    return f"{p:.2g}" if np.isfinite(p) else "none: too few clumps"


def render_comparison(comparison: Comparison, title: str = "logad compare") -> str:
    """The comparison as one self-contained HTML page."""
    table = comparison.table
    cards = {"baseline events": f"{comparison.baseline_events:,}", "target events": f"{comparison.target_events:,}",
             "templates": f"{len(table):,}", "symmetric KL": f"{comparison.divergence:.3f}",
             **{s: comparison.count(s) for s in ("new", "gone", "up", "down")}}
    changed = table[table["status"].isin(["up", "down"])]
    size = np.abs(np.log2((changed["target_share"] + 1e-12) / (changed["baseline_share"] + 1e-12)))
    biggest = changed.assign(_size=size).sort_values("_size", ascending=False, kind="stable")
    parts = [f"<h1>{html.escape(title)}</h1>",
             '<p class="sub">Template shares of a target log against a baseline log; templates mined over both. '
             f"Significant: Benjamini–Hochberg adjusted p &lt; {comparison.alpha:g}.</p>",
             f"<p>Baseline: {html.escape(comparison.sides[0])}<br>Target: {html.escape(comparison.sides[1])}</p>",
             _cards(cards),
             "<p>Overall divergence of the template mix (symmetric Kullback–Leibler, nats): "
             f"<b>{comparison.divergence:.3f}</b> (0 for identical mixes).</p>"]
    for name, rows in (("New templates", table[table["status"] == "new"]),
                       ("Gone templates", table[table["status"] == "gone"]),
                       ("Biggest significant changes", biggest)):
        parts.append(_section(comparison, name, rows.head(SHOWN), len(rows)))
    return _page(title, parts)


# What write_comparison writes into its folder.
# Its summary is compare.json, not analyze's summary.json: the two commands may share a folder.
COMPARE_FILES = {"csv": "compare.csv", "html": "compare.html", "summary": "compare.json"}


def summary_fields(comparison: Comparison) -> dict:
    """What ``compare.json`` says of a comparison (README, "Run summary"): each side's files and events, the
    templates of each status, the divergence and what reading said."""
    sides = {name: {"inputs": files, "events": events} for name, files, events in
             zip(("baseline", "target"), comparison.inputs, (comparison.baseline_events, comparison.target_events))}
    return {**sides, "templates": len(comparison.table),
            "statuses": {status: comparison.count(status) for status in STATUSES},
            "symmetric_kl": number(comparison.divergence), **read_fields(comparison.reports, COMPARED_SIDES)}


def write_comparison(comparison: Comparison, out_dir: str | os.PathLike,
                     lock_timeout: float | None = None) -> dict[str, Path]:
    """Write ``compare.csv``, ``compare.json`` (:func:`summary_fields`) and ``compare.html`` into ``out_dir``
    (created), each atomically, as one set: an earlier run's go first and this run's go if writing fails (an
    interrupted run left a new CSV beside an old page); returns their paths. ``lock_timeout``: seconds to wait for
    another run writing there."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {kind: out / name for kind, name in COMPARE_FILES.items()}
    with writing_in(out, lock_timeout), file_set(paths.values()):
        write_table(comparison.table, paths["csv"])  # templates are log text: formula-like cells escaped
        write_summary(paths["summary"], "compare", summary_fields(comparison))
        write_text(paths["html"], render_comparison(comparison))
    return paths
