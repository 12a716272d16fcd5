"""``summary.json``: what a run of ``analyze`` or ``compare`` found, as plain JSON for a CI step or a cron job.

Its keys are stable (README, "Run summary"): counts are integers, times ISO 8601 text or null, and no value is
NaN or infinite, so that any JSON reader takes it.
"""
from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from . import __version__
from .atomic import write_text
from .formats import OTHERS, PADDED, is_inferred, same_layout
from .terms import count_codes

__all__ = ["SUMMARY", "TRAIN_SIDES", "COMPARED_SIDES", "inputs", "report_inputs", "layout_mismatch", "read_fields",
           "number", "write_summary"]

SUMMARY = "summary.json"


def inputs(frame: pd.DataFrame) -> list[dict]:
    """The files read into ``frame``, in reading order, each with its line count: ``[{"path", "lines"}, ...]``; an
    empty file too (0 lines: a job that checks every input was read sees it), from the frame's read report."""
    counts = _file_lines(frame["source"]) if len(frame) else pd.Series(dtype=int)
    files = [*frame.attrs.get("read_report", {}).get("files", []), *counts.index]
    return report_inputs({"files": files, "file_lines": counts.to_dict()})


def _file_lines(source: pd.Series) -> pd.Series:
    """Lines per file (f,), named as text, in the order of the categories (of first appearance otherwise)."""
    if not isinstance(source.dtype, pd.CategoricalDtype):
        counts = source.value_counts(sort=False)
        return counts.set_axis(counts.index.astype(str))
    # Counted as they are, a category per file, from their narrow codes a block at a time: value_counts copied
    # them to 8 bytes a line (80 MB at 10M lines, the peak of writing an analysis's summary).
    codes = source.cat.codes.to_numpy()
    return pd.Series(count_codes(codes, None, len(source.cat.categories)),
                     index=source.cat.categories.astype(str))


def report_inputs(report: dict) -> list[dict]:
    """The files a read report (``io.ReadReport.as_dict``) names, each with its line count: ``[{"path", "lines"}]``;
    for logs whose frame is gone, such as the known-good logs a model was fitted on."""
    counts = report.get("file_lines", {})
    return [{"path": path, "lines": int(counts.get(path, 0))} for path in dict.fromkeys(report.get("files", []))]


# How a layout mismatch names the two sets of logs: fitted and scored, or compared.
TRAIN_SIDES = ("the known-good logs", "the input")
COMPARED_SIDES = ("the baseline logs", "the target logs")


def layout_mismatch(train: dict, data: dict, sides: tuple[str, str] = TRAIN_SIDES) -> str | None:
    """A warning when two sets of logs (their read reports, named by ``sides``: known-good logs and the input,
    or compare's baseline and target) were read with no format in common."""
    fitted, scored = (set(report.get("formats", {}).values()) for report in (train, data))
    # A file of several programs' logs is named for its first layout alone: its others may be the other side's (a
    # model of two programs' logs scoring one of them), so nothing says they differ.
    if any(name.endswith(OTHERS) for name in fitted | scored):
        return None
    # A format read after its padding is the same layout: a log with no padded line reads as the plain one.
    layouts = [{name.removesuffix(PADDED) for name in names} for names in (fitted, scored)]
    if fitted and scored and not layouts[0] & layouts[1]:
        return (f"{sides[0]} were read as {', '.join(sorted(fitted))} and {sides[1]} as "
                f"{', '.join(sorted(scored))}: their messages may not compare")
    # Every inferred layout is named "inferred": where no preset is in common, their format strings tell them apart.
    if not all(map(is_inferred, layouts[0] & layouts[1])):
        return None
    inferred = [sorted(set(report.get("layouts", {}).values())) for report in (train, data)]
    if all(inferred) and not any(same_layout(a, b) for a in inferred[0] for b in inferred[1]):
        return (f"{sides[0]} were read as the inferred layout {' or '.join(inferred[0])} and {sides[1]} as "
                f"{' or '.join(inferred[1])}: their messages may not compare")
    return None


def read_fields(reports: Sequence[dict], sides: tuple[str, str] = TRAIN_SIDES) -> dict:
    """What reading said (read reports, ``io.ReadReport.as_dict``; two: named by ``sides``): its warnings (with
    :func:`layout_mismatch`'s), the inputs skipped or cut short and whether the run is partial for it (exit code 3)."""
    warnings = [w for r in reports for w in r.get("warnings", [])]
    if len(reports) > 1 and (mismatch := layout_mismatch(reports[0], reports[-1], sides)):
        warnings.append(mismatch)
    skipped = [s for r in reports for s in r.get("skipped_files", [])]
    return {"warnings": warnings, "skipped_inputs": skipped, "partial": bool(skipped)}


def number(value: float) -> float | None:
    """A float for JSON: None where it is NaN or infinite (JSON has no such number)."""
    value = float(value)
    return value if math.isfinite(value) else None


def write_summary(path: str | os.PathLike, command: str, fields: dict) -> Path:
    """Write ``fields`` as ``path`` (atomically), after the logad version and the command that wrote them."""
    data = {"logad_version": __version__, "command": command, **fields}
    return write_text(path, json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False, default=_plain) + "\n")


def _plain(value: object) -> object:
    """A value json does not take as it is: NumPy numbers as Python's, times as ISO text, a missing one as null."""
    if value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return number(value)
    if isinstance(value, np.bool_):
        return bool(value)
    raise TypeError(f"{type(value).__name__} in a run summary")
