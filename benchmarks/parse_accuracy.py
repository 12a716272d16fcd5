"""Template-mining accuracy on the Loghub 2k samples: Grouping Accuracy per system.

Usage::

    python benchmarks/parse_accuracy.py [--loghub DIR] [--no-write]

Reads each ``X/X_2k.log`` raw, splits the header off with ``LogFormat``
(format strings from the Loghub README), mines templates with the default
:class:`~logad_utils.templates.LogTemplateMiner` and compares the grouping
with ``EventTemplate`` in ``X_2k.log_structured.csv``. Prints a table and
replaces the ``parse_accuracy`` section of ``benchmarks/RESULTS.md``.

Data: Jieming Zhu, Shilin He, Pinjia He, Jinyang Liu, Michael R. Lyu.
Loghub: A Large Collection of System Log Datasets for AI-driven Log
Analytics. ISSRE 2023. https://github.com/logpai/loghub
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from common import LOGHUB, RESULTS, write_section  # noqa: E402
from logad_utils.formats import LOGHUB_FORMATS, LogFormat  # noqa: E402
from logad_utils.templates import LogTemplateMiner, mine_templates  # noqa: E402

CITATION = ("Jieming Zhu, Shilin He, Pinjia He, Jinyang Liu, Michael R. Lyu. Loghub: A Large Collection of "
            "System Log Datasets for AI-driven Log Analytics. ISSRE 2023. https://github.com/logpai/loghub")
SECTION = "parse_accuracy"  # RESULTS.md markers: <!-- parse_accuracy:start --> ... <!-- parse_accuracy:end -->


def grouping_accuracy(true_labels: Sequence, pred_labels: Sequence) -> float:
    """Share of lines whose predicted group is exactly the set of lines sharing their true label.

    Both sequences have n labels of any hashable type; returns a float in [0, 1].
    """
    true = pd.factorize(pd.Series(list(true_labels), dtype=object))[0]
    pred = pd.factorize(pd.Series(list(pred_labels), dtype=object))[0]
    if len(true) != len(pred):
        raise ValueError(f"{len(true)} true labels but {len(pred)} predicted")
    if len(true) == 0:
        raise ValueError("no labels")
    pairs = pd.DataFrame({"t": true, "p": pred}).value_counts()
    t_size = np.bincount(true)[pairs.index.get_level_values("t")]
    p_size = np.bincount(pred)[pairs.index.get_level_values("p")]
    exact = (pairs.to_numpy() == t_size) & (pairs.to_numpy() == p_size)
    return float(pairs.to_numpy()[exact].sum() / len(true))


def read_lines(path: Path) -> list[str]:
    """Lines of a Loghub file: split on LF only (Apache has stray CRs inside lines), CRLF endings removed."""
    text = path.read_text(encoding="utf-8", errors="replace")
    lines = [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def evaluate_system(loghub: Path, system: str) -> dict:
    """GA of the default miner on one system, plus the counts shown in the table."""
    truth = pd.read_csv(loghub / system / f"{system}_2k.log_structured.csv", dtype=str, keep_default_na=False)
    lines = read_lines(loghub / system / f"{system}_2k.log")
    if len(lines) != len(truth):
        raise RuntimeError(f"{system}: {len(lines)} log lines but {len(truth)} labelled rows")
    start = time.perf_counter()
    frame, matched = LogFormat(LOGHUB_FORMATS[system]).parse(lines)
    frame["blank"] = [not str(c).strip() for c in frame["content"]]
    mined = mine_templates(frame, LogTemplateMiner())
    seconds = time.perf_counter() - start
    return {
        "system": system,
        "lines": len(lines),
        "header_matched": float(np.mean(matched)),
        "templates_true": int(truth["EventTemplate"].nunique()),
        "templates_pred": int(mined["template_id"].nunique()),
        "ga": grouping_accuracy(truth["EventTemplate"], mined["template_id"]),
        "seconds": seconds,
    }


def markdown(rows: list[dict]) -> str:
    """Body of the RESULTS.md section."""
    ga = [r["ga"] for r in rows]
    out = ["## Template mining accuracy (Loghub)", "",
           "Grouping Accuracy (GA) of `LogTemplateMiner()` with its defaults (one configuration for every "
           "system: no per-system regexes or thresholds) on the Loghub 2k samples. A line counts as correct when "
           "the lines in its predicted group are exactly the lines sharing its ground-truth `EventTemplate`. "
           "Messages come from the raw `X_2k.log` through `LogFormat` with the header formats of the Loghub "
           "README; seconds cover header parsing, masking and mining. Regenerate with "
           "`python benchmarks/parse_accuracy.py`.", "",
           "| system | lines | templates (true) | templates (predicted) | GA | seconds |",
           "|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        out.append(f"| {r['system']} | {r['lines']} | {r['templates_true']} | {r['templates_pred']} | "
                   f"{r['ga']:.3f} | {r['seconds']:.2f} |")
    out += [f"| **average** | | | | **{np.mean(ga):.3f}** (min {np.min(ga):.3f}) | |", "",
            "For reference, drain3 0.9.11 with its defaults on the same messages averages 0.901 "
            "(Linux 0.684, OpenSSH 0.718).", "",
            "What Linux loses is a contradiction in the labels: `session opened for user <*>` is one template "
            "over three user names (cyrus, news, test), while `... user=root`, `user=guest` and `user=test` are "
            "three templates. A slot needs four different words (`slot_min_values=4`) before the miner treats "
            "it as a parameter, so the first is split; with 3 Linux drops to 0.814 (the `user=` slot merges).",
            "", f"Data: {CITATION}"]
    return "\n".join(out) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loghub", type=Path, default=LOGHUB, help="folder with HDFS/, Hadoop/, ...")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args(argv)
    if not (args.loghub / "HDFS").is_dir():
        print(f"Loghub samples not found in {args.loghub} (set --loghub or LOGAD_LOGHUB)", file=sys.stderr)
        return 1
    rows = [evaluate_system(args.loghub, s) for s in LOGHUB_FORMATS]
    print(f"{'system':10s} {'lines':>6s} {'true':>5s} {'pred':>5s} {'GA':>6s} {'seconds':>8s}")
    for r in rows:
        print(f"{r['system']:10s} {r['lines']:6d} {r['templates_true']:5d} {r['templates_pred']:5d} "
              f"{r['ga']:6.3f} {r['seconds']:8.2f}")
    ga = [r["ga"] for r in rows]
    print(f"{'average':10s} {'':6s} {'':5s} {'':5s} {np.mean(ga):6.3f}   min {np.min(ga):.3f}")
    print(f"Data: {CITATION}")
    if not args.no_write:
        write_section(SECTION, markdown(rows))
        print(f"updated {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
