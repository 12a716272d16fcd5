"""Scoring results against ground truth: detection metrics and template grouping accuracy."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import (average_precision_score, confusion_matrix, precision_recall_curve,
                             precision_recall_fscore_support, roc_auc_score)

__all__ = ["grouping_accuracy", "detection_metrics", "best_f1", "MethodRun", "compare_methods", "METRIC_NAMES"]

METRIC_NAMES = ("precision", "recall", "f1", "roc_auc", "pr_auc")


def grouping_accuracy(truth: Sequence, pred: Sequence) -> float:
    """Share of lines whose predicted group holds exactly the lines of their true group (n,), (n,) → float.

    The Grouping Accuracy of Loghub's parsing benchmark.
    """
    frame = pd.DataFrame({"t": pd.factorize(pd.Series(truth, dtype=object))[0],
                          "p": pd.factorize(pd.Series(pred, dtype=object))[0]})
    if frame.empty:
        return float("nan")
    pair = frame.groupby(["t", "p"]).size()
    t_size = frame.groupby("t").size()
    p_size = frame.groupby("p").size()
    pair = pair.reset_index(name="n")
    exact = (pair["n"].to_numpy() == t_size.loc[pair["t"]].to_numpy()) & \
            (pair["n"].to_numpy() == p_size.loc[pair["p"]].to_numpy())
    return float(pair.loc[exact, "n"].sum() / len(frame))


def best_f1(y_true: np.ndarray, scores: np.ndarray) -> float:
    """Highest F1 over all thresholds of scores (n,) against 0/1 truth (n,)."""
    precision, recall, _ = precision_recall_curve(y_true, scores)
    return float(np.max(2 * precision * recall / np.maximum(precision + recall, 1e-12)))


def detection_metrics(y_true: Sequence[int], scores: Sequence[float], labels: Sequence[int]) -> dict:
    """Precision, recall, F1 (at the labels), ROC-AUC, PR-AUC, best F1 and confusion counts.

    y_true, scores, labels: (n,). Lines with a NaN score (blank lines, which no
    detector analyses) are left out and counted in ``excluded``.
    """
    y = np.asarray(y_true, dtype=int)
    s = np.asarray(scores, dtype=float)
    lab = np.asarray(labels, dtype=int)
    keep = ~np.isnan(s)
    y, s, lab = y[keep], s[keep], lab[keep]
    p, r, f, _ = precision_recall_fscore_support(y, lab, average="binary", zero_division=0)
    tn, fp, fn, tp = confusion_matrix(y, lab, labels=[0, 1]).ravel()
    both = len(np.unique(y)) == 2
    return {
        "precision": float(p), "recall": float(r), "f1": float(f),
        "roc_auc": float(roc_auc_score(y, s)) if both else float("nan"),
        "pr_auc": float(average_precision_score(y, s)) if both else float("nan"),
        "best_f1": best_f1(y, s) if both else float("nan"),
        "tp": int(tp), "fp": int(fp), "fn": int(fn), "tn": int(tn),
        "flagged": int(lab.sum()), "lines": int(len(y)), "excluded": int((~keep).sum()),
    }


@dataclass
class MethodRun:
    """One detector's result on the same lines: scores (n,), labels (n,) and timings in seconds."""

    name: str
    scores: np.ndarray
    labels: np.ndarray
    fit_seconds: float
    score_seconds: float


def compare_methods(runs: Sequence[MethodRun], y_true: Sequence[int] | None = None) -> pd.DataFrame:
    """One row per method: flagged lines, seconds and, with truth (n,), precision … PR-AUC."""
    rows = []
    for run in runs:
        row = {"method": run.name, "flagged": int(np.nansum(run.labels)),
               "fit_s": run.fit_seconds, "score_s": run.score_seconds}
        if y_true is not None:
            metrics = detection_metrics(y_true, run.scores, run.labels)
            row.update({k: metrics[k] for k in ("precision", "recall", "f1", "roc_auc", "pr_auc")})
        rows.append(row)
    columns = ["method", "precision", "recall", "f1", "roc_auc", "pr_auc", "flagged", "fit_s", "score_s"]
    return pd.DataFrame(rows, columns=[c for c in columns if y_true is not None or c not in METRIC_NAMES])
