"""Scoring results against ground truth: detection metrics and template grouping accuracy."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import (average_precision_score, confusion_matrix, precision_recall_curve,
                             precision_recall_fscore_support, roc_auc_score)

__all__ = ["grouping_accuracy", "detection_metrics", "best_f1"]


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
