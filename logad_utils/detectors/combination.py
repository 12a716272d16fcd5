"""Combining several detectors' verdicts and scores into one, after PyOD's ``combination`` module."""
from __future__ import annotations

from typing import Sequence

import numpy as np
from scipy.stats import rankdata

from ..evaluate import MethodRun

__all__ = ["combine"]


def combine(runs: Sequence[MethodRun]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Combined score (n,), verdict (n,) and the methods that flagged each line (n,) (';'-joined).

    A line is anomalous when at least half of the methods flag it; the score is
    the mean of the methods' score percentiles, since their scales differ.
    """
    percentiles = []
    for run in runs:
        scores = np.asarray(run.scores, dtype=float)
        pct = np.full(len(scores), np.nan)
        valid = ~np.isnan(scores)
        pct[valid] = rankdata(scores[valid]) / max(valid.sum(), 1)
        percentiles.append(pct)
    score = np.mean(percentiles, axis=0)
    votes = np.sum([run.labels for run in runs], axis=0)
    verdict = (votes >= np.ceil(len(runs) / 2)).astype(np.int64)
    # One name per combination of flags (2^methods), looked up per line: no per-line Python.
    code = np.zeros(len(score), dtype=np.int64)
    for bit, run in enumerate(runs):
        code |= (np.asarray(run.labels) != 0).astype(np.int64) << bit
    table = np.array([";".join(r.name for bit, r in enumerate(runs) if c >> bit & 1)
                      for c in range(1 << len(runs))], dtype=object)
    return score, verdict, table[code]
