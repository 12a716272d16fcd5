"""Template trend alerts on generated ATM journals: frequency incidents found, false alerts per day, and the
root-cause ranking of cascade incidents with and without trend evidence.

Per log: ``logad generate`` (the log, ``X.labels.csv`` and ``X.incidents.csv``) → read →
templates → ``timeseries.find_trends`` (defaults). An incident is *found* when some alert of its kind
(silence, burst, drop) overlaps its [start, end]; an alert is *false* when it overlaps no incident of any
kind. Cascade ranking: ``TfidfDetector()`` then ``rca.analyze`` with and without ``trends=``, scored as in
``bench_rca.py``.

Usage: python benchmarks/bench_trends.py [--quick]   (writes the trends section of RESULTS.md)
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_rca import accuracy  # noqa: E402
from common import markdown_table, write_section  # noqa: E402
from logad_utils import rca  # noqa: E402
from logad_utils.datasets import incidents_path_for, read_incidents, read_labels, write_log  # noqa: E402
from logad_utils.detectors import TfidfDetector  # noqa: E402
from logad_utils.pipeline import parse_logs  # noqa: E402
from logad_utils.timeseries import find_trends  # noqa: E402

LINES = 300_000  # about 80 simulated days
# Seeds 3 and 4 were looked at while choosing the defaults; the held-out seeds only ever checked them.
LOGS = [(3, "tuning"), (4, "tuning"), (31, "held-out"), (32, "held-out"), (33, "held-out")]
FREQUENCY_KINDS = ("silence", "burst", "drop")
# Short logs (under two days: a rolling baseline): (scenario, hours, storm minutes, job (minutes, every hours),
# daily rhythm, logs). Seeds 1000 on; the rule was written on other seeds of the same generators.
SHORT = [("storm", 6, 5, None, None, 5), ("storm", 6, 20, None, None, 5), ("storm", 6, 60, None, None, 5),
         ("storm", 6, 120, None, None, 5), ("steady", 6, 0, None, None, 20), ("daily cycle", 36, 0, None, "sine", 5),
         ("office hours", 36, 0, None, "office", 5), ("batch job", 20, 0, (5, 1), None, 3),
         ("batch job", 20, 0, (20, 2), None, 3), ("batch job", 20, 0, (60, 6), None, 3)]
T0 = pd.Timestamp("2026-01-05")
RATES = [0.5, 0.3, 0.1, 0.05]  # lines per second of four steady templates; the last one storms (10x)


def overlaps(a_start, a_end, b_start, b_end) -> np.ndarray:
    """(len(a), len(b)) whether span a_i overlaps span b_j."""
    return ((np.asarray(a_start)[:, None] <= np.asarray(b_end)[None, :])
            & (np.asarray(a_end)[:, None] >= np.asarray(b_start)[None, :]))


def score_alerts(alerts: pd.DataFrame, incidents: pd.DataFrame, days: float) -> dict:
    """Found share per frequency kind and false alerts per day."""
    hit = overlaps(alerts["start"], alerts["end"], incidents["start"], incidents["end"])
    row = {"alerts": len(alerts), "false alerts": int((~hit.any(axis=1)).sum()) if len(alerts) else 0}
    row["false / day"] = row["false alerts"] / days
    row["shift alerts"] = int((alerts["kind"] == "shift").sum())
    for kind in FREQUENCY_KINDS:
        mine = (incidents["incident_kind"] == kind).to_numpy()
        same = (alerts["kind"] == kind).to_numpy()
        found = hit[same][:, mine].any(axis=0) if same.any() else np.zeros(mine.sum(), dtype=bool)
        row[f"{kind} incidents"] = int(mine.sum())
        row[f"{kind} found"] = float(found.mean()) if mine.any() else np.nan
    return row


def run_log(seed: int, subset: str, lines_n: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        log, labels_path = write_log(Path(tmp) / f"atm_seed{seed}.jrn", n_lines=lines_n, seed=seed)
        frame = parse_logs(log, warn=False)
        labels = read_labels(labels_path)
        incidents = read_incidents(incidents_path_for(log))
    days = (frame["timestamp"].max() - frame["timestamp"].min()) / pd.Timedelta("1D")
    t0 = time.perf_counter()
    trends = find_trends(frame)
    seconds = time.perf_counter() - t0
    det = TfidfDetector().fit(frame)
    frame["score"], frame["is_anomaly"] = det.decision_scores_, det.labels_
    plain = accuracy(rca.analyze(frame), labels)
    evidence = accuracy(rca.analyze(frame, trends=trends.alerts), labels)
    return {"log": f"seed {seed}", "set": subset, "lines": len(frame), "days": days,
            "cascades": int((incidents["incident_kind"] == "cascade").sum()),
            **score_alerts(trends.alerts, incidents, days),
            "top-1": plain["top-1"], "top-1 with trends": evidence["top-1"],
            "top-3": plain["top-3"], "top-3 with trends": evidence["top-3"], "trends s": seconds}


def _rhythm(kind: str | None, t: np.ndarray) -> np.ndarray:
    """Relative rate (n,) at seconds t after midnight: flat, a sine over the day, or three times by day."""
    hours = t / 3600 % 24
    if kind == "sine":
        return 1 + 0.8 * np.sin(2 * np.pi * hours / 24)
    return np.where((hours >= 9) & (hours < 17), 3.0, 1.0) if kind == "office" else np.ones(len(t))


def short_log(seed: int, hours: float, storm: float, job: tuple | None, rhythm: str | None) -> tuple:
    """A frame of a short log and its storm span in seconds from its start (None without a storm)."""
    rng = np.random.default_rng(seed)
    span, seconds, ids = hours * 3600.0, [], []
    for c, rate in enumerate(RATES):
        t = rng.uniform(0, span, rng.poisson(3 * rate * span))
        t = t[rng.random(len(t)) < rate * _rhythm(rhythm, t) / (3 * rate)]
        if c == len(RATES) - 1 and storm:
            t = np.concatenate([t, rng.uniform(span / 3, span / 3 + storm * 60, rng.poisson(9 * rate * storm * 60))])
        seconds.append(t)
        ids.append(np.full(len(t), c))
    if job:
        minutes, every = job
        runs = [rng.uniform(h * 3600 + 600, h * 3600 + 600 + minutes * 60, rng.poisson(0.5 * minutes * 60))
                for h in np.arange(0, hours, every)]
        seconds.append(np.concatenate(runs))
        ids.append(np.full(len(seconds[-1]), len(RATES)))
    order = np.argsort(np.concatenate(seconds), kind="stable")
    t, c = np.concatenate(seconds)[order], np.concatenate(ids)[order]
    frame = pd.DataFrame({"source": "app.log", "line_no": np.arange(1, len(t) + 1),
                          "timestamp": T0 + pd.to_timedelta(np.floor(t), unit="s"),
                          "blank": False, "template_id": c, "template": [f"event {i}" for i in c]})
    return frame, ((span / 3, span / 3 + storm * 60) if storm else None)


def run_short_logs() -> pd.DataFrame:
    """One row per scenario of :data:`SHORT`: storms found (a burst of the storming template overlapping it)
    and alerts that overlap no storm, per log."""
    rows, seed = [], 1000
    for scenario, hours, storm, job, rhythm, n in SHORT:
        found, false = [], []
        for _ in range(n):
            frame, span = short_log(seed, hours, storm, job, rhythm)
            seed += 1
            alerts = find_trends(frame).alerts
            start, end = ((pd.to_datetime(alerts[c]) - T0).dt.total_seconds().to_numpy() for c in ("start", "end"))
            hit = np.zeros(len(alerts), bool) if span is None else (start <= span[1]) & (end >= span[0])
            found.append(bool((hit & (alerts["kind"] == "burst").to_numpy()
                               & (alerts["template_id"] == len(RATES) - 1).to_numpy()).any()))
            false.append(int((~hit).sum()))
        what = (f"{storm} min storm" if storm else f"{job[0]} min every {job[1]} h" if job else scenario)
        rows.append({"log": f"{scenario}: {what}" if scenario != what else scenario, "hours": hours, "logs": n,
                     "storms found": np.mean(found) if storm else np.nan,
                     "other alerts per log": float(np.mean(false))})
    return pd.DataFrame(rows)


# Logs where lines stop (seeds from 2000, 5 logs each, 36 hours, a daily cycle): every file silent for two hours
# halfway through, or one of three files read side by side ending two thirds of the way in.
STOPS = [("outage: 2 h without a line", "outage"), ("three services, one stops", "service")]


def stopped_log(seed: int, kind: str) -> tuple:
    """A frame of a 36-hour log with a daily cycle and where its lines stop (seconds from its start): all of
    them for two hours halfway (``outage``; the span returned), or one of three files two thirds in (None)."""
    frame, _ = short_log(seed, 36, 0, None, "sine")
    seconds = (frame["timestamp"] - T0).dt.total_seconds().to_numpy()
    rng = np.random.default_rng(seed)
    if kind == "outage":
        span = (18 * 3600.0, 20 * 3600.0)
        keep, files = (seconds < span[0]) | (seconds >= span[1]), np.zeros(len(frame), dtype=int)
    else:
        span, files = None, rng.integers(0, 3, len(frame))
        keep = (files != 1) | (seconds < 24 * 3600.0)
    frame = frame.assign(source=np.array(["a.log", "b.log", "c.log"])[files])[keep]
    frame["line_no"] = frame.groupby("source").cumcount() + 1
    return frame.reset_index(drop=True), span


def run_stopped_logs() -> pd.DataFrame:
    """One row per scenario of :data:`STOPS`: outages found (a drop of all lines overlapping it) and alerts
    that overlap no outage, per log."""
    rows = []
    for i, (name, kind) in enumerate(STOPS):
        found, other = [], []
        for seed in range(2000 + 10 * i, 2005 + 10 * i):
            frame, span = stopped_log(seed, kind)
            alerts = find_trends(frame).alerts
            start, end = ((pd.to_datetime(alerts[c]) - T0).dt.total_seconds().to_numpy() for c in ("start", "end"))
            hit = np.zeros(len(alerts), bool) if span is None else (start <= span[1]) & (end >= span[0])
            found.append(bool((hit & (alerts["kind"] == "drop").to_numpy()
                               & (alerts["template_id"] == -1).to_numpy()).any()))
            other.append(int((~hit).sum() + (hit & (alerts["template_id"] != -1).to_numpy()).sum()))
        rows.append({"log": name, "hours": 36, "logs": 5, "outages found": np.mean(found) if kind == "outage"
                     else np.nan, "other alerts per log": float(np.mean(other))})
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="seed 3 at 60k lines; RESULTS.md untouched")
    args = parser.parse_args(argv)
    logs = [(3, "tuning", 60_000)] if args.quick else [(s, subset, LINES) for s, subset in LOGS]
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for seed, subset, lines_n in logs:
            rows.append(run_log(seed, subset, lines_n))
            print(pd.DataFrame(rows[-1:]).to_string(index=False, float_format="%.3f"), flush=True)
    table = pd.DataFrame(rows)
    if not args.quick:
        short, stopped = run_short_logs(), run_stopped_logs()
        print(short.to_string(index=False, float_format="%.3f"), flush=True)
        print(stopped.to_string(index=False, float_format="%.3f"), flush=True)
        write_section("trends", _section(table, short, stopped))
    return table


def _shown(table: pd.DataFrame) -> pd.DataFrame:
    shown = table.copy()
    for column in shown.columns:
        if shown[column].dtype.kind == "f":
            shown[column] = shown[column].map(lambda v: "" if pd.isna(v) else f"{v:.3f}")
    return shown


def _section(table: pd.DataFrame, short: pd.DataFrame, stopped: pd.DataFrame) -> str:
    shown = _shown(table)
    held = table[table["set"] == "held-out"]
    found = {k: held[f"{k} found"].mean() for k in FREQUENCY_KINDS}
    n = sum(held[f"{k} incidents"] for k in FREQUENCY_KINDS)
    overall = sum(held[f"{k} incidents"] * held[f"{k} found"].fillna(0) for k in FREQUENCY_KINDS).sum() / n.sum()
    return "\n".join([
        "## Template trends (generated ATM journals)",
        "",
        f"`logad generate --lines {LINES}` per seed (about {table['days'].median():.0f} simulated days), then "
        "`timeseries.find_trends(frame)` with its defaults. An incident is *found* when an alert of its kind "
        "(silence, burst, drop) overlaps its span from `X.incidents.csv`; a *false* alert overlaps no incident "
        "of any kind (cascades included). Goals: ≥ 90 % of frequency incidents found, ≤ 1 false alert per "
        "simulated day. `top-1`/`top-3`: cascade root causes ranked by `rca.analyze` after `TfidfDetector()`, "
        "without and with the trend alerts as evidence (`trends=`), scored as in the rca section. Seeds 3 and "
        "4 were looked at while choosing the defaults; the held-out seeds only checked them. `trends s`: "
        "seconds in `find_trends`. `shift alerts`: lasting changes of a template's rate; the generator plants "
        "none on purpose, and a shift runs to the end of the log, so overlapping an incident proves nothing: "
        "the column shows how few there are. Regenerate with `python benchmarks/bench_trends.py` (a few minutes).",
        "",
        f"Held-out: {overall:.3f} of all frequency incidents found; means: "
        + ", ".join(f"{k} found {v:.3f}" for k, v in found.items() if pd.notna(v))
        + f", false alerts / day {held['false / day'].mean():.3f}, top-1 {held['top-1'].mean():.3f} → "
        f"{held['top-1 with trends'].mean():.3f} with trends.",
        "",
        markdown_table(shown),
        "",
        "**Logs shorter than two days** (a rolling baseline, no daily profile): four steady templates "
        "(0.5, 0.3, 0.1, 0.05 lines/s; 30-second to minute buckets), the last one ten times as busy for the "
        "storm's length a third of the way in; *daily cycle*: all rates following a sine over the day (±80 %); "
        "*office hours*: three times as busy 09:00-17:00; *batch job*: a fifth template writing 0.5 lines/s "
        "for some minutes every few hours. *Storms found*: a burst of the storming template overlaps the "
        "storm; *other alerts*: alerts overlapping no storm (on a steady log, all are false; a batch job's runs "
        "are routine). Seeds from 1000, never looked at while writing the rules (long windows against their "
        "sides, routine bursts).",
        "",
        markdown_table(_shown(short)),
        "",
        "**Logs whose lines stop** (36 hours of the daily cycle above, 5 logs each, seeds from 2000, never looked "
        "at): *outage*: no line at all for two hours halfway; *outages found*: a drop of all lines overlaps it; "
        "*other alerts*: every other alert (a drop or silence of each template in the outage counts here: the "
        "drop of all lines says it once). *Three services*: each line written by one of three files read side "
        "by side, one of which ends two thirds of the way in (a file that ends sooner has lost no template: "
        "every alert is false).",
        "",
        markdown_table(_shown(stopped)),
    ])


if __name__ == "__main__":
    main()
