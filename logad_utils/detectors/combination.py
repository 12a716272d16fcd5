"""Combining several detectors' verdicts and scores into one, after PyOD's ``combination`` module."""
from __future__ import annotations

from typing import Sequence

import numpy as np
from scipy.stats import rankdata

from ..evaluate import MethodRun

__all__ = ["combine"]


def combine(runs: Sequence[MethodRun], weights: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Combined score (n,), verdict (n,) and the methods that flagged each row (n,) (';'-joined).

    A row is anomalous when at least half of the methods flag it; the score is
    the mean of the methods' score percentiles among the lines, since their
    scales differ. ``weights`` (n,): lines each row stands for (distinct lines
    with their counts); default 1.
    """
    percentiles = [_percentiles(np.asarray(run.scores, dtype=float), weights) for run in runs]
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


def _percentiles(scores: np.ndarray, weights: np.ndarray | None) -> np.ndarray:
    """Average rank / count (n,) of each score among the lines (rows weighted by ``weights``); NaN stays NaN."""
    pct = np.full(len(scores), np.nan)
    valid = ~np.isnan(scores)
    if weights is None:
        pct[valid] = rankdata(scores[valid]) / max(valid.sum(), 1)
        return pct
    values, codes = np.unique(scores[valid], return_inverse=True)
    ties = np.bincount(codes, weights=np.asarray(weights, dtype=float)[valid], minlength=len(values))
    below = np.cumsum(ties) - ties
    # rankdata's "average" rank of a tie group of t lines after k lower ones: k + (t + 1) / 2
    pct[valid] = (below + (ties + 1) / 2)[codes] / max(ties.sum(), 1)
    return pct
