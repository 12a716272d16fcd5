"""Helpers shared by the benchmark scripts: RESULTS.md sections, timing, data locations."""
from __future__ import annotations

import os
import resource
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


def markdown_table(frame: pd.DataFrame, floatfmt: str = ".3f") -> str:
    """A GitHub-markdown table of a frame (no index)."""
    def cell(v) -> str:
        return format(v, floatfmt) if isinstance(v, float) else str(v)
    head = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    rows = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *rows])


def median_seconds(func: Callable[[], object], repeats: int = 3) -> tuple[float, object]:
    """Median wall time of ``repeats`` calls and the last call's result."""
    times, result = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def time_logad(*args: str) -> tuple[float, float]:
    """Wall seconds of one `logad ARGS...` process and the peak resident memory (MiB) of children so far."""
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "logad_utils", *args], check=True, capture_output=True)
    seconds = time.perf_counter() - t0
    # ru_maxrss of children is the largest of all children so far; benchmark runs are alike in size.
    return seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
