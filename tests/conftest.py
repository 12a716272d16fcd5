"""Shared test helpers: where the optional Loghub samples are, a marker that skips without them, a corpus,
and Chromium."""
import gzip
import os
import shutil
import subprocess
import sys
import tempfile
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import settings

sys.path.insert(0, str(Path(__file__).parent))
# Property tests draw the same examples on every run, so that CI passes or fails on the code alone; random
# exploration is the fuzz campaign's job (benchmarks/fuzz.py).
settings.register_profile("repeatable", derandomize=True, database=None)
settings.load_profile("repeatable")
# Tests have no notebook frontend: explorers draw static pictures (notebook kernels inherit this).
os.environ.setdefault("LOGAD_STATIC", "1")

ROOT = Path(__file__).resolve().parents[1]
LOGHUB = Path(os.environ.get("LOGAD_LOGHUB", ROOT.parent / "shared" / "data" / "loghub"))
needs_loghub = pytest.mark.skipif(not (LOGHUB / "HDFS").is_dir(), reason="Loghub samples not present")
# A bundled log with daily routine lines (``Day start``) and times of day only.
ATM_LOG = ROOT / "data" / "atm_sample.jrn"


def with_unparsed_lines(path: Path, out: Path) -> Path:
    """A copy of a journal with every 40th line replaced by text in no layout (seven messages, repeated)."""
    lines = path.read_text().splitlines()
    lines = [f"ERROR {i % 7} at {line[:8]}" if i % 40 == 39 else line for i, line in enumerate(lines)]
    out.write_text("\n".join(lines) + "\n")
    return out

def write_trace_log(path: Path, n: int = 1000, every: int = 120, frames: int = 9) -> Path:
    """``n`` requests, every ``every``-th from the 60th a failure with a Java trace of ``frames`` + 1 lines (8
    failures of 11 lines each, 8 % of the lines and under 1 % of the events at the defaults)."""
    trace = ["java.lang.IllegalStateException: pool exhausted", *[f"\tat com.acme.C{k}.run(C{k}.java:{k})"
                                                                   for k in range(frames)]]
    lines = []
    for i in range(n):
        stamp = f"2024-03-05 {10 + i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d},000"
        failed = i >= 60 and (i - 60) % every == 0
        lines.append(f"{stamp} {'ERROR' if failed else 'INFO'} [main] com.acme.Api: request "
                     f"{'failed' if failed else 'served'} id={i}")
        lines += trace if failed else []
    path.write_text("\n".join(lines) + "\n")
    return path


def with_storm(path: Path, out: Path, share: float = 0.1) -> tuple[Path, np.ndarray]:
    """A copy of a log of ``YYYY-MM-DD HH:MM:SS`` lines with a storm in its middle: one new error, ``share`` of
    the lines in one unbroken run; returns the copy and the 0/1 truth (n,) of its lines."""
    lines = path.read_text().splitlines()
    at, k = len(lines) // 2, round(share * len(lines) / (1 - share))
    storm = [f"{lines[at][:19]} ERROR db: connection to 10.0.0.{i % 7} refused" for i in range(k)]
    out.write_text("\n".join(lines[:at] + storm + lines[at:]) + "\n")
    return out, np.r_[np.zeros(at), np.ones(k), np.zeros(len(lines) - at)].astype(np.int64)


# One small ATM-like corpus for the detector tests: routine messages with skewed shares, one odd message.
ROUTINE = ["session <NUM> started", "cash dispensed amount <NUM> EUR", "heartbeat acknowledged in <DURATION>",
           "card read ok", "receipt printed"]
ROUTINE_SHARES = [0.3, 0.3, 0.2, 0.1, 0.1]
ODD = "dispenser jam detected at slot <NUM>, cassette removed"


def write_heartbeat_log(path: Path, beats: int, seed: int = 5) -> Path:
    """A heartbeat every 10 s ``beats`` times, among requests at any second (so not every line is on its grid)."""
    start = pd.Timestamp("2026-01-01")
    rng = np.random.default_rng(seed)
    lines = []
    for i in range(beats):
        at = start + pd.Timedelta(seconds=10 * i)
        lines.append(f"{at:%Y-%m-%d %H:%M:%S} INFO monitor: heartbeat ok")
        if rng.random() < 0.3:
            at += pd.Timedelta(seconds=int(rng.integers(1, 10)))
            lines.append(f"{at:%Y-%m-%d %H:%M:%S} INFO app: request {rng.integers(1000)} served from cache")
    path.write_text("\n".join(lines) + "\n")
    return path


def corpus(n_routine: int = 200, seed: int = 0, odd: bool = True, blank_at: int | None = None,
           shares: list | None = ROUTINE_SHARES) -> list:
    """Routine messages (n_routine lines, seeded; ``shares=None``: uniform), ODD in the middle, None at ``blank_at``."""
    rng = np.random.default_rng(seed)
    lines = list(rng.choice(ROUTINE, size=n_routine, p=shares))
    if odd:
        lines.insert(len(lines) // 2, ODD)
    if blank_at is not None:
        lines.insert(blank_at, None)
    return lines


# Headless and offline: no sandbox (CI runs as root), no GPU, and nothing that phones home.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--enable-logging=stderr", "--v=0"]


@pytest.fixture(scope="session")
def chromium():
    """Path of a Chromium binary. Missing: the test fails when CI is set (CI installs it), else skips."""
    found = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set but no Chromium was found; .ci/run installs Debian's chromium package")
        pytest.skip("no Chromium on this machine (apt-get install chromium to run the browser tests)")
    return found


def chromium_command(browser: str, profile: Path, scratch: str, *args: str) -> tuple[list[str], dict]:
    """Arguments and environment of headless Chromium with a fresh profile folder; its own temporary folders
    (which it can leave behind) go to ``scratch``, a short path: its sockets' names must fit in 108 bytes."""
    return [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args], {**os.environ, "TMPDIR": scratch}


def run_chromium(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    """Run headless Chromium once (:func:`chromium_command`); stdout and stderr as text."""
    with tempfile.TemporaryDirectory(prefix="logad-chromium-") as scratch:
        argv, env = chromium_command(browser, profile, scratch, *args)
        return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)


def write_rotated_syslog(folder: Path) -> list[pd.Timestamp]:
    """A year-less syslog rotated across New Year (``syslog.2.gz``, ``syslog.1``, ``syslog``); its true times."""
    times = [pd.Timestamp("2023-11-30 10:00")] + [pd.Timestamp(f"2023-12-{d} 10:00") for d in range(20, 32)] \
        + [pd.Timestamp(f"2024-01-{d:02d} 10:00") for d in range(1, 10)]
    lines = [f"{t:%b %e %H:%M:%S} host cron[1]: job {k} ran" for k, t in enumerate(times)]
    folder.mkdir()
    (folder / "syslog.2.gz").write_bytes(gzip.compress(("\n".join(lines[:4]) + "\n").encode()))
    (folder / "syslog.1").write_text("\n".join(lines[4:13]) + "\n")
    (folder / "syslog").write_text("\n".join(lines[13:]) + "\n")
    return times


def compose_lines(n: int = 60) -> tuple[list[str], list[pd.Timestamp]]:
    """docker compose output: three services' lines after their names and a bar, each in its own layout."""
    lines, stamps = [], pd.date_range("2024-03-11 09:14:02.331", periods=n, freq="13s")
    for i, t in enumerate(stamps):
        ms, level = f"{t.microsecond // 1000:03d}", ("INFO", "WARN", "ERROR", "DEBUG")[i % 4]
        if i % 3 == 0:
            lines.append(f"web-1    | {t:%Y-%m-%d %H:%M:%S},{ms} {level} [app] GET /items/{i}")
        elif i % 3 == 1:
            lines.append(f"db-1     | {t:%Y-%m-%d %H:%M:%S}.{ms} UTC [6{i}] LOG:  checkpoint {i}")
        else:
            lines.append(f"cache-1  | 1:M {t:%d %b %Y %H:%M:%S}.{ms} {'*#.'[i // 3 % 3]} Saved {i} keys")
    return lines, list(stamps)


def two_programs(n: int = 200) -> tuple[list[str], list[str]]:
    """Two programs' logs, each in its own layout: a relay's syslog lines (no year, no level) and an app's own
    (a date, a level, a thread and a logger)."""
    stamps = pd.date_range("2024-03-11 09:14:02.331", periods=n, freq="37s")
    relay = [f"{t:%b %e %H:%M:%S} lb1 haproxy[{800 + i % 3}]: Server app{i % 4} is {('UP', 'DOWN')[i % 5 == 0]}, "
             f"check took {i % 9} ms" for i, t in enumerate(stamps)]
    app = [f"{t:%Y-%m-%d %H:%M:%S},{t.microsecond // 1000:03d} {('INFO', 'WARN', 'ERROR')[i % 3]} [worker-{i % 2}] "
           f"com.shop.Orders - order {i} saved in {i % 7} ms" for i, t in enumerate(stamps)]
    return relay, app


def write_day_first_log(path: Path, cells: bool = False) -> list[pd.Timestamp | None]:
    """A log with a ``<Date> <Time> <Content>`` layout of day-first dates (``30/04/2024``), then a block of lines
    that open with other words, then dates that read either way (``01/05/2024``); the times its lines hold (None
    for the block's). With ``cells``, a CSV file instead, under a header row (no time), the block's time cell "n/a"
    and the block shorter (a column of mostly other words is no time column)."""
    lines, times = (["time,level,message"], [None]) if cells else ([], [])
    for i in range(600):
        if 300 <= i < (370 if cells else 470):
            lines.append(f"n/a,INFO,sync of block {i} began" if cells else f"sync of block {i} began")
            times.append(None)
            continue
        day, hour = ("30/04/2024", 23) if i < 300 else ("01/05/2024", 0)
        lines.append(f"{day} {hour:02d}:{i // 60 % 60:02d}:{i % 60:02d}{',INFO,' if cells else ' '}job {i % 7} done")
        times.append(pd.Timestamp(f"2024-{day[3:5]}-{day[:2]} {hour:02d}:{i // 60 % 60:02d}:{i % 60:02d}"))
    path.write_text("\n".join(lines) + "\n")
    return times


def traced_peak(call) -> tuple[object, int]:
    """What ``call()`` returns, and the most memory it held at once (bytes, tracemalloc)."""
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        out = call()
        return out, tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


def run_cpu_bounded(code: str, cpu_s: int = 60) -> int:
    """The exit status of Python ``code`` run in a child that the system stops after ``cpu_s`` seconds of CPU time:
    a bound on work, which a loaded machine does not reach as it may a bound on wall time (that one is ten times
    as long, for a child that blocks)."""
    def limit() -> None:
        """Bound the child's CPU time (run in it, before Python starts)."""
        import resource
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s))

    return subprocess.run([sys.executable, "-c", code], preexec_fn=limit, timeout=10 * cpu_s).returncode
