"""Layout inference on the Loghub 2k samples: timestamps found and grouping accuracy with no format given.

Usage::

    python benchmarks/layout_inference.py [--loghub DIR] [--no-write]

For each system the header layout is chosen three ways and compared with the
system's true format (the Loghub README's format string, as the preset of the
same name parses it):

* ``auto``: what ``--format auto`` does (every preset, plus inference);
* ``own preset excluded``: the system's own preset left out of the candidates,
  so generic presets and inference must find the layout;
* ``inference only``: no preset at all, only :func:`logad_utils.layout.infer_text_format`.

Columns: the timestamp share (of the lines whose true header carries a
timestamp, those with one parsed; in brackets, those equal to the true
format's timestamp), and GA of the default template miner against the
ground-truth ``EventTemplate``, next to GA with the true format.
Writes the ``layout_inference`` section of ``benchmarks/RESULTS.md``.

Data: Jieming Zhu, Shilin He, Pinjia He, Jinyang Liu, Michael R. Lyu.
Loghub: A Large Collection of System Log Datasets for AI-driven Log
Analytics. ISSRE 2023. https://github.com/logpai/loghub
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from common import LOGHUB, LOGHUB_CITATION, markdown_table, publish  # noqa: E402
from logad_utils.evaluate import grouping_accuracy  # noqa: E402
from logad_utils.formats import LOGHUB_FORMATS, PRESETS, LogFormat, detect_format  # noqa: E402
from logad_utils.io import parse_lines  # noqa: E402
from logad_utils.layout import infer_text_format  # noqa: E402
from logad_utils.templates import mine_templates  # noqa: E402
from parse_accuracy import read_lines  # noqa: E402

SECTION = "layout_inference"
SAMPLE = 500


def _modes(system: str, sample: list[str]) -> dict[str, LogFormat]:
    """The format each mode chooses for one system."""
    return {
        "true format": PRESETS[system.lower()],
        "auto": detect_format(sample),
        "own preset excluded": detect_format(sample, exclude=[system.lower()]),
        "inference only": infer_text_format(sample) or PRESETS["raw"],
    }


def _score(lines: list[str], fmt: LogFormat, truth: pd.DataFrame, true_ts: pd.Series) -> dict:
    frame = mine_templates(parse_lines(lines, fmt))
    ts = frame["timestamp"] if "timestamp" in frame else pd.Series(pd.NaT, index=frame.index)
    has = true_ts.notna().to_numpy()
    found = ts.notna().to_numpy()
    same = (ts.to_numpy() == true_ts.to_numpy()) & has
    return {"format": fmt.name, "pattern": fmt.describe(), "ts_found": float(found[has].mean()) if has.any() else np.nan,
            "ts_same": float(same[has].mean()) if has.any() else np.nan,
            "ga": grouping_accuracy(truth["EventTemplate"], frame["template_id"])}


def evaluate(loghub: Path, system: str) -> list[dict]:
    """One row per mode for one system."""
    truth = pd.read_csv(loghub / system / f"{system}_2k.log_structured.csv", dtype=str, keep_default_na=False)
    lines = read_lines(loghub / system / f"{system}_2k.log")
    true_ts = PRESETS[system.lower()].parse(lines)[0]["timestamp"]
    rows = []
    for mode, fmt in _modes(system, lines[:SAMPLE]).items():
        rows.append({"system": system, "mode": mode, **_score(lines, fmt, truth, true_ts)})
    return rows


def markdown(results: pd.DataFrame) -> str:
    """Body of the RESULTS.md section."""
    table = results.pivot(index="system", columns="mode", values=["ts_found", "ts_same", "ga"])
    rows = []
    for system in table.index:
        row = {"system": system, "GA true format": f"{table.loc[system, ('ga', 'true format')]:.3f}"}
        for mode in ("auto", "own preset excluded", "inference only"):
            row[f"{mode}: timestamp"] = (f"{table.loc[system, ('ts_found', mode)]:.3f} "
                                         f"({table.loc[system, ('ts_same', mode)]:.3f})")
            row[f"{mode}: GA"] = f"{table.loc[system, ('ga', mode)]:.3f}"
        rows.append(row)
    inferred = results[results["mode"] == "inference only"][["system", "pattern"]]
    inferred = inferred.assign(pattern=inferred["pattern"].map(lambda p: f"`{p}`"))
    ga = results.pivot(index="system", columns="mode", values="ga")
    worst = {m: float((ga["true format"] - ga[m]).max()) for m in ("auto", "own preset excluded", "inference only")}
    ts_min = {m: float(results.loc[results["mode"] == m, "ts_found"].min()) for m in worst}
    out = ["## Layout inference (Loghub, no format given)", "",
           "Each system's header read three ways with no `--format`: `auto` (every preset plus inference), "
           "with the system's own preset excluded from the candidates (generic presets and inference must find "
           "it), and by inference alone (`logad_utils.layout`, no preset). *timestamp*: share of the lines whose "
           "true header has a timestamp on which one is parsed, in brackets the share equal to the true format's "
           "timestamp. GA: grouping accuracy of the default miner against the Loghub ground truth, next to GA "
           "with the true format. One generic procedure for every system: no rule exists for one of them. "
           "Regenerate with `python benchmarks/layout_inference.py`.", "",
           markdown_table(pd.DataFrame(rows)), "",
           "Worst GA loss against the true format: " + ", ".join(f"{m} {v:+.3f}" for m, v in worst.items())
           + "; lowest timestamp share: " + ", ".join(f"{m} {v:.3f}" for m, v in ts_min.items()) + ".", "",
           "Formats found by inference alone (copy-ready, as `logad formats --detect` prints them):", "",
           markdown_table(inferred), "", f"Data: {LOGHUB_CITATION}"]
    return "\n".join(out) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loghub", type=Path, default=LOGHUB, help="folder with HDFS/, Hadoop/, ...")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args(argv)
    if not (args.loghub / "HDFS").is_dir():
        print(f"Loghub samples not found in {args.loghub} (set --loghub or LOGAD_LOGHUB)", file=sys.stderr)
        return 1
    results = pd.DataFrame([row for system in LOGHUB_FORMATS for row in evaluate(args.loghub, system)])
    publish(SECTION, results.drop(columns="pattern"), markdown(results), not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
