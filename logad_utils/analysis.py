"""``logad analyze``: detectors → combined verdict → root causes → CSVs, projector runs and an HTML report."""
from __future__ import annotations

import calendar
import math
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from . import rca, streaming, viz
from .atomic import write_table, writing_in
from .evaluate import MethodRun, compare_methods
from .io import string_codes, time_zone
from .features import Unique, frame_documents, unique_documents, word_presence
from .templates import LogTemplateMiner, template_health
from .detectors import METHODS, combine, make_detector
from .projector import export_lines, remove_export, tensorboard_command
from .report import UNUSUAL_LINES, analysis_report, figure_uri, write_report
from .summary import SUMMARY, inputs, number, read_fields, report_inputs, write_summary
from .terms import distinctive_terms
from .timeseries import Trends, find_trends

__all__ = ["combine", "Analysis", "analyze_logs", "analysis_stages", "outside_incidents", "summary_fields",
           "write_outputs", "ALL_METHODS"]

ALL_METHODS = METHODS
# The report details the largest incidents; incidents.csv lists every one.
REPORT_INCIDENTS = 25


@dataclass
class Analysis:
    """Everything ``logad analyze`` computed on one set of lines."""

    frame: pd.DataFrame
    runs: list[MethodRun]
    detectors: list
    result: rca.RcaResult
    truth: np.ndarray | None = None
    trends: Trends | None = None
    unique: Unique | None = None  # masked messages of the distinct lines, with each line's row (-1: blank)
    keys: pd.DataFrame | None = None  # the distinct lines (streaming.KeyTable) with templates and verdicts
    reports: list[dict] = field(default_factory=list)  # read reports (io.ReadReport.as_dict) of train, then input


# Per-key columns every line of the analysed frame gets (see streaming.with_key_columns).
LINE_KEY_COLUMNS = ("blank", "parsed", "level", "component", "masked", "template_id", "template", "score",
                    "is_anomaly", "methods")
# Those of them find_trends reads: the others are copied on after trends, the widest step.
TREND_KEY_COLUMNS = ("blank", "level", "template_id", "template")


def analyze_logs(paths, methods: Sequence[str], train=None, fmt: str = "auto", json_key: str = "message",
                 engine=streaming, progress: Callable[[str], None] | None = None, time_format: str | None = None,
                 **params) -> Analysis:
    """Read logs chunk by chunk, fit each method once on their distinct lines (of ``train`` when given), combine
    the verdicts per distinct line and find incidents on a lean frame of the lines (about 120 bytes a line).

    ``engine``: where the passes over the logs run (:mod:`streaming`, or a
    :class:`distributed.DaskEngine`). ``progress``: called with the name of
    each stage as it starts (:func:`analysis_stages`). ``time_format``: how the
    logs' times are written, where given (``--time-format``). ``params`` go to
    :func:`detectors.make_detector`. Same verdicts as fitting on every line.
    """
    say = progress or (lambda stage: None)
    say("read")
    miner = LogTemplateMiner()
    train_run = engine.count_keys(train, fmt, json_key, miner.masker, time_format=time_format) if train else None
    train_keys = streaming.mine_table(train_run.table.frame(), miner) if train_run else None
    # One machine: the first pass keeps what the line frame reads, so no header is parsed twice.
    keep = {"keep_lines": streaming.LEAN_COLUMNS} if engine is streaming else {}
    run = engine.count_keys(paths, fmt, json_key, miner.masker, time_format=time_format, **keep)
    if run.report.lines and run.report.blank == run.report.lines:
        raise ValueError("nothing to analyse: every line of the input is blank")
    keys = streaming.mine_table(run.table.frame(), miner)
    runs, detectors = _fit_methods(engine, methods, keys, (train_run or run).times(), train_keys, say, **params)
    score, verdict, flagged_by = combine(runs, streaming.fit_weights(keys))
    keys = keys.assign(score=score, is_anomaly=verdict, methods=flagged_by)
    if "parsed" in keys:  # blank lines have no layout to match: False, as the reader says
        keys["parsed"] = keys["parsed"].astype(object).fillna(False).astype(bool)
    say("lines")
    mentions = rca.UnitMentions(rca.mention_units(keys))  # the same units as the lines': they are the keys'
    lines = engine.line_frame(run, keys, _raw_keys(keys), miner.masker, mentions)
    # Per line, the narrowest types that hold them: 0/1 verdicts and template ids (-1 .. k-1), as incident ids.
    id_type = rca.code_type(int(keys["template_id"].to_numpy().max(initial=-1)) + 1)
    narrow = keys.astype({"is_anomaly": np.int8, "template_id": id_type})
    # Trends, the widest step, run before the key columns they do not read are copied onto every line.
    frame, own = streaming.with_key_columns(lines, narrow, TREND_KEY_COLUMNS), list(lines.columns)
    del lines  # no second copy of the times place_year_less moves
    run.report.note(place_year_less(frame, run.report.clocks))
    frame.attrs["read_report"] = run.report.as_dict()  # the report's unparsed lines and warnings
    say("trends")
    trends = find_trends(frame)
    frame = streaming.with_key_columns(frame, narrow, [c for c in LINE_KEY_COLUMNS if c not in TREND_KEY_COLUMNS])
    # The lines' own columns, then the key columns in their order, as one copy makes them (a selection copies none).
    frame = frame[[*own, *(c for c in LINE_KEY_COLUMNS if c in frame and c not in own)]]
    say("incidents")
    result = rca.analyze(frame, trends=trends.alerts)
    # Each line's incident is held to the end: in the narrowest type the ids need (-1 .. the last), not int64.
    result.labels = result.labels.astype(rca.code_type(int(result.labels.max()) + 1))
    # Per-line copies only now: trends and root causes, the widest steps, run without them. Verdicts are 0/1.
    ids = frame["key"].to_numpy()
    runs = [MethodRun(r.name, r.scores[ids], r.labels.astype(np.int8)[ids], r.fit_seconds, r.score_seconds)
            for r in runs]
    blank = keys["blank"].to_numpy(dtype=bool)
    # Each line's row is its key, -1 where blank: with no blank line, the frame's key column itself (no copy).
    inverse = np.where(blank[ids], -1, ids) if blank.any() else ids
    unique = Unique(keys["masked"].to_numpy(dtype=object), keys["count"].to_numpy(), inverse)
    return Analysis(frame, runs, detectors, result, None, trends, unique, keys,
                    [r.report.as_dict() for r in (train_run, run) if r is not None])


# A mean calendar year: year-less times move by whole years of it.
_YEAR = pd.Timedelta(days=365.2425)


def place_year_less(frame: pd.DataFrame, clocks: dict[str, str]) -> str | None:
    """Move the times of the files read without a year (``clocks``: see ``io.ReadReport``; read from 2000 on) in
    place by the whole years that put their median nearest that of the files whose times carry a date, so that one
    timeline holds all the inputs (a syslog beside an app's dated log); what was done, or None."""
    if "timestamp" not in frame:
        return None
    codes, names = string_codes(frame, "source")
    year_less = np.array([clocks.get(name) == "years" for name in names], dtype=bool)[codes]
    dated = ~np.array([name in clocks for name in names], dtype=bool)[codes]
    times = frame["timestamp"]
    if times[year_less].isna().all() or times[dated].isna().all():
        return None
    years = _whole_years((times[dated].median() - times[year_less].median()) / _YEAR, times[year_less])
    if years == 0:
        return None
    frame.loc[year_less, "timestamp"] = times[year_less] + pd.DateOffset(years=years)
    files = sorted({source for source, clock in clocks.items() if clock == "years"})
    return (f"times without a year ({len(files)} file(s): {files[0]}{', ...' if len(files) > 1 else ''}) read from "
            f"{2000 + years} on, not 2000, beside the inputs whose times carry a year")


def _whole_years(gap: float, times: pd.Series) -> int:
    """The whole number of years nearest ``gap`` that keeps each 29 February of ``times`` one: a year-less log that
    names that day was written in a leap year, and a shift onto another year made it the 28th, out of order."""
    leap_days = (times.dt.month == 2) & (times.dt.day == 29)
    years = {int(y) for y in times.dt.year[leap_days]}
    # Leap years are at most eight years apart: the nine nearest shifts hold one.
    shifts = sorted(range(math.floor(gap) - 4, math.ceil(gap) + 5), key=lambda s: abs(s - gap))
    return next((s for s in shifts if all(calendar.isleap(y + s) for y in years)), round(gap)) if years else round(gap)


def analysis_stages(methods: Sequence[str]) -> list[str]:
    """The stages :func:`analyze_logs` reports to ``progress``, in order."""
    return ["read", *(f"fit {m}" for m in methods), "lines", "trends", "incidents"]


def _raw_keys(keys: pd.DataFrame) -> np.ndarray:
    """Keys (k,) bool whose every line keeps its raw text: the flagged ones, and the highest-scored ones the
    report ranks when nothing crosses the threshold (:func:`report.most_unusual`)."""
    raw = keys["is_anomaly"].to_numpy(dtype=bool).copy()
    score = np.where(keys["blank"].to_numpy(dtype=bool), -np.inf, keys["score"].to_numpy(dtype=float))
    raw[np.argsort(-np.nan_to_num(score, nan=-np.inf), kind="stable")[:UNUSUAL_LINES]] = True
    return raw


def _fit_methods(engine, methods: Sequence[str], keys: pd.DataFrame, times: streaming.Stamps,
                 train_keys: pd.DataFrame | None, say: Callable[[str], None], **params) -> tuple[list[MethodRun], list]:
    """Each method fitted once (on ``train_keys`` when given, else ``keys``) and run on ``keys`` (k rows):
    per-key runs and the fitted detectors; ``say`` hears each fit start."""
    runs, detectors = [], []
    for method in methods:
        say(f"fit {method}")
        detector = make_detector(method, known_good=train_keys is not None, **params)
        t0 = time.perf_counter()
        scored = engine.fit_score(detector, keys, times, train_keys)
        # Fitting scores the lines it fits on: one time for both, no scoring time of its own (NaN, not 0 s).
        runs.append(MethodRun(method, scored["score"].to_numpy(), scored["is_anomaly"].to_numpy(),
                              time.perf_counter() - t0, float("nan")))
        detectors.append(detector)
    return runs, detectors


def _export_runs(analysis: Analysis, out_dir: Path, seed: int, safe_formulas: bool) -> list[tuple[str, str]]:
    # No copy when the labels are on the frame's index, as analyze_logs keeps them, in their own type.
    labels = analysis.result.labels
    incident = labels.reindex(analysis.frame.index).fillna(-1).to_numpy().astype(labels.dtype, copy=False)
    out = []
    for run, detector in zip(analysis.runs, analysis.detectors):
        export = export_lines(analysis.frame, detector, out_dir=out_dir, run=run.name, scores=run.scores,
                              labels=run.labels, clusters=incident, truth=analysis.truth, seed=seed,
                              safe_formulas=safe_formulas)
        out.append((run.name, tensorboard_command(export.run_dir)))
    return out


def outside_incidents(analysis: Analysis) -> int:
    """How many flagged events no incident holds (scattered, or a template's steady background): the rows of
    anomalies.csv with incident -1 (a stack trace is one)."""
    return analysis.result.outside(analysis.frame)


def _largest_incidents(analysis: Analysis, limit: int = REPORT_INCIDENTS) -> list[rca.Incident]:
    """The incidents with the most anomalous lines, largest first (file order breaks ties)."""
    return sorted(analysis.result.incidents, key=lambda i: (-i.n_lines, i.incident))[:limit]


def _timeline(analysis: Analysis) -> str:
    # Spans in the axis' unit: an incident without times has no place on a time axis, nor times on line numbers.
    timed = viz.timeline_uses_time(analysis.frame)
    spans = [(i.start, i.end) if timed else (i.first_line_no, i.last_line_no)
             for i in _largest_incidents(analysis) if not timed or pd.notna(i.start)]
    ax = viz.plot_timeline(analysis.frame, analysis.frame["is_anomaly"].to_numpy(), spans,
                           title="lines over time: flagged lines and incidents")
    if timed:
        ax.set_xlabel(f"time: {time_zone(analysis.frame.attrs.get('read_report', {}))}")
    return figure_uri(ax.figure)


def _wordcloud(analysis: Analysis, path: Path, seed: int) -> str:
    if not analysis.frame["is_anomaly"].to_numpy(dtype=bool).any():
        return ""  # nothing flagged: no terms can be over-represented in flagged lines
    unique = analysis.unique if analysis.unique is not None else unique_documents(frame_documents(analysis.frame))
    terms = distinctive_terms(*word_presence(unique.texts), unique.inverse, analysis.frame["is_anomaly"].to_numpy())
    # Every line flagged: nothing to stand out against (their log-odds are 0 up to rounding).
    positive = terms[terms["z"] > 0].head(80) if terms["normal_lines"].any() else terms.iloc[:0]
    if positive.empty:
        return ""
    with warnings.catch_warnings():  # the terms no font draws are said in the title
        warnings.simplefilter("ignore")
        try:
            cloud = viz.make_wordcloud(dict(zip(positive["term"], positive["z"])), path, seed=seed,
                                       colormap="magma")
        except ValueError:  # no installed font draws any of the terms: said, not drawn as boxes
            ax = plt.subplots(figsize=(9, 0.8))[1]
            ax.set_axis_off()
            ax.text(0.5, 0.5, f"{len(positive)} terms are over-represented in anomalous lines, in letters no font "
                    "installed here draws (install one, such as Noto CJK)", ha="center", va="center")
            return figure_uri(ax.figure)
    left_out = f"; {len(cloud.missing_terms)} left out: no font here draws them" if cloud.missing_terms else ""
    return figure_uri(viz.plot_wordcloud(cloud, f"terms over-represented in anomalous lines (log-odds z{left_out})")
                      .figure)


def _message_map(analysis: Analysis, seed: int) -> dict:
    """The report map's data: unique messages laid out on the first method's vectors, incidents as clusters."""
    from .explore import MAP_LINES, ExploreModel, map_payload

    frame = analysis.frame
    rows, weights = _map_rows(frame, MAP_LINES)
    part = frame.iloc[rows]
    # The incidents of the map's rows alone: every line's as int64 was 8 bytes a line, for the few it reads.
    incident = analysis.result.labels.reindex(part.index).fillna(-1).astype(np.int64).to_numpy()
    # One vector per unique masked message (its first line), in the model's order: logs repeat.
    inverse = unique_documents(frame_documents(part)).inverse
    firsts = np.unique(inverse, return_index=True)[1][np.unique(inverse) >= 0]
    model = ExploreModel(part, analysis.detectors[0].transform(part.iloc[firsts]), part["score"].to_numpy(),
                         part["is_anomaly"].to_numpy(), incident, seed=seed, weights=weights)
    return map_payload(model, max_lines=MAP_LINES, seed=seed)


def _map_rows(frame: pd.DataFrame, listed: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows (r,) that draw the same map as every line, with the lines each stands for (r,): the first ``listed``
    flagged lines (the map lists them) and the first line of each key, which stands for the key's other lines
    (they share message, score, verdict and unit)."""
    if "key" not in frame:
        return np.arange(len(frame)), np.ones(len(frame), dtype=np.int64)
    first, counts, point = streaming.first_lines(frame["key"].to_numpy())
    shown = np.flatnonzero(frame["is_anomaly"].to_numpy(dtype=bool))[:listed]
    rows = np.union1d(shown, first)
    weights = np.ones(len(rows), dtype=np.int64)
    # A key with a listed line has its first line listed too (its lines are flagged alike, the first earliest).
    n_shown = np.bincount(point[shown], minlength=len(first))
    weights[np.searchsorted(rows, first)] = counts - n_shown + (n_shown > 0)
    return rows, weights


def write_outputs(analysis: Analysis, out_dir: str | Path, seed: int = 0, safe_formulas: bool = True,
                  lock_timeout: float | None = None) -> dict[str, Path]:
    """Write anomalies.csv, incidents.csv, trends.csv, projector runs and report.html (last) into ``out_dir``,
    each atomically.

    ``safe_formulas``: escape CSV/TSV text cells a spreadsheet would run (see :mod:`logad_utils.spreadsheet`).
    ``lock_timeout``: seconds to wait for another run writing into ``out_dir`` (:func:`atomic.writing_in`).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # The folder holds one run's outputs or none: an earlier run's go first (report.html, written last, says
    # the folder is complete, and must not vouch for this one), and this run's go if writing fails.
    with writing_in(out, lock_timeout):
        _remove_outputs(out)
        try:
            return _write_outputs(analysis, out, seed, safe_formulas)
        except BaseException:
            _remove_outputs(out)
            raise


# What write_outputs writes into its folder: these files, and a projector run per method (projector/<method>).
WORDCLOUD = "wordcloud_anomaly_terms.png"
OUTPUTS = {"report": "report.html", "anomalies": "anomalies.csv", "incidents": "incidents.csv",
           "trends": "trends.csv", "summary": SUMMARY}
OUTPUT_FILES = (*OUTPUTS.values(), WORDCLOUD)


def summary_fields(analysis: Analysis, trends: Trends) -> dict:
    """What ``summary.json`` says of an analysis (README, "Run summary"): its inputs and line counts, template
    health, each method's threshold and flags, the flagged events, incidents, trend alerts by kind and what reading
    said."""
    frame, keys = analysis.frame, analysis.keys
    read = frame.attrs.get("read_report", {})
    flagged = frame["is_anomaly"].to_numpy(dtype=bool)
    blank = frame["blank"].to_numpy(dtype=bool) if "blank" in frame else np.zeros(len(frame), dtype=bool)
    heads = frame["event_line_no"].to_numpy() == frame["line_no"].to_numpy() if "event_line_no" in frame else ~blank
    ids, counts = (keys["template_id"].to_numpy(), keys["count"].to_numpy()) if keys is not None else (
        frame["template_id"].to_numpy(), None)
    health = template_health(ids, counts)
    train = report_inputs(analysis.reports[0]) if len(analysis.reports) > 1 else []  # reports: train, then input
    return {
        "inputs": inputs(frame), "train_inputs": train, "lines": len(frame), "blank": int(blank.sum()),
        "unparsed": int(read.get("unparsed", 0)), "events": int((heads & ~blank).sum()), "times": time_zone(read),
        "templates": health["templates"], "template_health": {"status": health["status"], "reasons": health["reasons"]},
        # A detector of the user's own may keep no threshold: null.
        "methods": {run.name: {"threshold": number(getattr(det, "threshold_", math.nan)),
                               "flagged_lines": int(np.sum(run.labels))}
                    for run, det in zip(analysis.runs, analysis.detectors)},
        "anomalies": {"lines": int(flagged.sum()), "events": int((flagged & heads).sum()),
                      "outside_incidents": outside_incidents(analysis)},
        "incidents": [{"incident": i.incident, "source": str(i.source), "first_line_no": i.first_line_no,
                       "last_line_no": i.last_line_no, "start": i.start, "end": i.end, "events": i.n_lines,
                       "root_cause": i.root_cause} for i in analysis.result.incidents],
        "trend_alerts": {str(kind): int(n) for kind, n in trends.alerts["kind"].value_counts().items()},
        **read_fields(analysis.reports)}


def _remove_outputs(out: Path) -> None:
    """Remove what write_outputs writes, and nothing else: other files in ``out`` or ``out/projector`` stay."""
    for name in OUTPUT_FILES:
        (out / name).unlink(missing_ok=True)
    projector = out / "projector"
    if projector.is_dir() and not projector.is_symlink():
        for method in METHODS:
            remove_export(projector / method)
        if not any(projector.iterdir()):
            projector.rmdir()


def _write_outputs(analysis: Analysis, out: Path, seed: int, safe_formulas: bool) -> dict[str, Path]:
    paths = {name: out / file for name, file in OUTPUTS.items()} | {"projector": out / "projector"}
    write_table(analysis.result.anomalies(analysis.frame), paths["anomalies"], safe_formulas)
    write_table(analysis.result.table(), paths["incidents"], safe_formulas)
    trends = analysis.trends if analysis.trends is not None else find_trends(analysis.frame)
    write_table(trends.alerts, paths["trends"], safe_formulas)
    projector_runs = _export_runs(analysis, paths["projector"], seed, safe_formulas)
    comparison = compare_methods(analysis.runs, analysis.truth)
    chart = ""
    if analysis.truth is not None and len(analysis.runs) > 1:
        chart = figure_uri(viz.plot_comparison(comparison).figure)
    content = analysis_report(analysis.frame, [run.name for run in analysis.runs], len(analysis.result),
                              _largest_incidents(analysis), comparison, timeline=_timeline(analysis),
                              wordcloud=_wordcloud(analysis, out / WORDCLOUD, seed),
                              comparison_chart=chart, projector_runs=projector_runs,
                              message_map=_message_map(analysis, seed), outside=outside_incidents(analysis))
    content.summary["trend alerts"] = f"{len(trends.alerts):,}"
    content.trends = trends.alerts
    content.trends_chart = figure_uri(viz.plot_trends(trends)) if len(trends.alerts) else ""
    write_summary(paths["summary"], "analyze", summary_fields(analysis, trends))
    write_report(paths["report"], content)
    plt.close("all")
    return paths
