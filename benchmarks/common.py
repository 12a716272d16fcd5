"""Helpers shared by the benchmark scripts: RESULTS.md sections, timing, data locations."""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
LOGHUB = Path(os.environ.get("LOGAD_LOGHUB", ROOT.parent / "shared" / "data" / "loghub"))
LOGHUB_CITATION = ("Loghub: Jieming Zhu, Shilin He, Pinjia He, Jinyang Liu, Michael R. Lyu. *Loghub: A Large "
                   "Collection of System Log Datasets for AI-driven Log Analytics.* ISSRE 2023. "
                   "https://github.com/logpai/loghub")
_HEADER = "# Benchmark results\n\nEach section is written by the script named in it; rerun it to refresh.\n"


def write_section(name: str, body: str) -> None:
    """Replace (or append) the section between ``<!-- name:start -->`` and ``<!-- name:end -->``."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else _HEADER
    block = f"{start}\n{body.strip()}\n{end}"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    RESULTS.write_text(text, encoding="utf-8")


def publish(name: str, table: pd.DataFrame, body: str, write: bool, width: int = 200, colwidth: int = 70) -> None:
    """Print a benchmark's results table and, unless ``write`` is false, put ``body`` in its RESULTS.md section."""
    with pd.option_context("display.width", width, "display.max_colwidth", colwidth, "display.max_rows", 500):
        print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    if write:
        write_section(name, body)
        print(f"updated {RESULTS.relative_to(RESULTS.parents[1])}")


def markdown_table(frame: pd.DataFrame, floatfmt: str = ".3f") -> str:
    """A GitHub-markdown table of a frame (no index)."""
    def cell(v) -> str:
        return format(v, floatfmt) if isinstance(v, float) else str(v)
    head = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    rows = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *rows])


def median_seconds(func: Callable[..., object], repeats: int = 3,
                   fresh: Callable[[], object] | None = None) -> tuple[float, object]:
    """Median wall time of ``repeats`` calls and the last call's result; with ``fresh``, each call gets a new
    ``fresh()`` (a model with no cache carried over), made outside the timing."""
    times, result = [], None
    for _ in range(repeats):
        args = () if fresh is None else (fresh(),)
        t0 = time.perf_counter()
        result = func(*args)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def run_logad(*args: str) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak resident memory (MiB) of one `logad ARGS...` process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "logad_utils", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = proc.stderr.read()
    # wait4 gives this child's own rusage; RUSAGE_CHILDREN would mix it with earlier runs.
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status):
        raise RuntimeError(f"logad {args[0]} failed ({os.waitstatus_to_exitcode(status)}): {stderr.decode()[-2000:]}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def time_logad(*args: str) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MiB) of one `logad ARGS...` process."""
    seconds, _, peak = run_logad(*args)
    return seconds, peak
