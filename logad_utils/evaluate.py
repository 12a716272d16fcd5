"""Scoring results against ground truth: detection metrics and log-parsing accuracy (GA, PA, FGA, FTA)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import (average_precision_score, confusion_matrix, precision_recall_curve,
                             precision_recall_fscore_support, roc_auc_score)

__all__ = ["grouping_accuracy", "parsing_accuracy", "group_f1", "template_f1", "parsing_metrics",
           "normalize_template", "detection_metrics", "check_truth_length", "best_f1", "MethodRun", "compare_methods",
           "METRIC_NAMES"]

METRIC_NAMES = ("precision", "recall", "f1", "roc_auc", "pr_auc")


def _codes(labels: Sequence) -> np.ndarray:
    """A group code (n,) per label; missing labels (None, NaN) make one group of their own."""
    return pd.factorize(pd.Series(list(labels), dtype=object), use_na_sentinel=False)[0]


def _exact_groups(truth: Sequence, pred: Sequence) -> tuple[pd.DataFrame, int, int]:
    """(true code, predicted code, lines) of each predicted group equal to a true group; #true, #predicted groups."""
    t, p = _codes(truth), _codes(pred)
    if len(t) != len(p):
        raise ValueError(f"{len(t)} true labels but {len(p)} predicted")
    pairs = pd.DataFrame({"t": t, "p": p}).value_counts().reset_index(name="n")
    t_size, p_size = np.bincount(t, minlength=1), np.bincount(p, minlength=1)
    n = pairs["n"].to_numpy()
    exact = (n == t_size[pairs["t"].to_numpy()]) & (n == p_size[pairs["p"].to_numpy()])
    return pairs[exact], len(t_size) if len(t) else 0, len(p_size) if len(p) else 0


def _f1(correct: int, n_true: int, n_pred: int) -> float:
    precision = correct / n_pred if n_pred else 0.0
    recall = correct / n_true if n_true else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def grouping_accuracy(truth: Sequence, pred: Sequence) -> float:
    """GA: share of lines whose predicted group holds exactly the lines of their true group (n,), (n,) → float.

    NaN for no lines. The Grouping Accuracy of Loghub's parsing benchmark.
    """
    exact, _, _ = _exact_groups(truth, pred)
    n = len(truth)
    return float(exact["n"].sum() / n) if n else float("nan")


_TYPED = re.compile(r"<[A-Z*][A-Z0-9_]*>")
_RUN = re.compile(r"<\*>(?:\s*<\*>)+")


def normalize_template(text: str) -> str:
    """Template text as Loghub-2.0 compares it: typed placeholders as ``<*>``, runs of ``<*>`` as one, spaces collapsed.

    A run is ``<*>`` tokens with nothing or only whitespace between them
    (``<*> <*>``, ``<*><*>``).
    """
    return _RUN.sub("<*>", " ".join(_TYPED.sub("<*>", str(text)).split()))


def _normalized(texts: Sequence[str]) -> np.ndarray:
    cache: dict[str, str] = {}
    return np.array([cache[t] if t in cache else cache.setdefault(t, normalize_template(t)) for t in texts],
                    dtype=object)


def parsing_accuracy(truth_templates: Sequence[str], pred_templates: Sequence[str]) -> float:
    """PA: share of lines whose predicted template text equals the true one, both normalised (n,), (n,) → float."""
    t, p = _normalized(list(truth_templates)), _normalized(list(pred_templates))
    if len(t) != len(p):
        raise ValueError(f"{len(t)} true templates but {len(p)} predicted")
    return float(np.mean(t == p)) if len(t) else float("nan")


def group_f1(truth: Sequence, pred: Sequence) -> float:
    """FGA: F1 of predicted groups that equal a true group (precision over predicted, recall over true groups)."""
    exact, n_true, n_pred = _exact_groups(truth, pred)
    return _f1(len(exact), n_true, n_pred)


def template_f1(truth_templates: Sequence[str], pred_groups: Sequence, pred_templates: Sequence[str]) -> float:
    """FTA: like :func:`group_f1`, but a correct group also needs its normalised template text to be the true one.

    truth_templates (n,) define the true groups; pred_groups (n,) the
    predicted ones; pred_templates (n,) the predicted text of each line.
    """
    truth, pred_text = list(truth_templates), list(pred_templates)
    exact, n_true, n_pred = _exact_groups(truth, pred_groups)
    if len(exact) == 0:
        return 0.0
    # Every line of an exact group shares both texts: read them at one line.
    first_t = pd.Series(np.arange(len(truth))).groupby(_codes(truth)).first()
    t_text, p_text = _normalized(truth), _normalized(pred_text)
    lines = first_t.loc[exact["t"].to_numpy()].to_numpy()
    correct = int(np.sum(t_text[lines] == p_text[lines]))
    return _f1(correct, n_true, n_pred)


def parsing_metrics(truth_templates: Sequence[str], pred_groups: Sequence, pred_templates: Sequence[str]) -> dict:
    """GA, PA, FGA and FTA (Loghub-2.0's four log-parsing metrics) of one system's n lines."""
    return {"ga": grouping_accuracy(truth_templates, pred_groups),
            "pa": parsing_accuracy(truth_templates, pred_templates),
            "fga": group_f1(truth_templates, pred_groups),
            "fta": template_f1(truth_templates, pred_groups, pred_templates)}


def best_f1(y_true: np.ndarray, scores: np.ndarray, sample_weight: np.ndarray | None = None) -> float:
    """Highest F1 over all thresholds of scores (n,) against 0/1 truth (n,), lines weighted by sample_weight (n,)."""
    precision, recall, _ = precision_recall_curve(y_true, scores, sample_weight=sample_weight)
    return float(np.max(2 * precision * recall / np.maximum(precision + recall, 1e-12)))


def detection_metrics(y_true: Sequence[int] | None, scores: Sequence[float], labels: Sequence[int]) -> dict:
    """Precision, recall, F1 (at the labels), ROC-AUC, PR-AUC, best F1 and confusion counts.

    y_true, scores, labels: (n,). Lines with a NaN score (blank lines, which no
    detector analyses) are left out and counted in ``excluded``. Without truth
    (``y_true`` None: a log of your own) only ``flagged``, ``lines`` and
    ``excluded`` are counted; the rest is NaN.
    """
    scores = np.asarray(scores, dtype=float)
    scored = ~np.isnan(scores)
    if y_true is None:
        nan = float("nan")
        return {**dict.fromkeys(("precision", "recall", "f1", "roc_auc", "pr_auc", "best_f1", "tp", "fp", "fn",
                                 "tn"), nan),
                "flagged": int(_flags(labels, scored, "labels")[scored].sum()), "lines": int(scored.sum()),
                "excluded": int((~scored).sum())}
    check_truth_length(y_true, len(scores))
    y_true, labels = _flags(y_true, scored, "the ground truth"), _flags(labels, scored, "labels")
    y, s, lab, w = _distinct_cases(y_true, scores, labels)
    keep = ~np.isnan(s)
    excluded = int(w[~keep].sum())
    y, s, lab, w = y[keep], s[keep], lab[keep], w[keep]
    if not len(y):  # no line scored: nothing to measure
        nan = float("nan")
        return {"precision": nan, "recall": nan, "f1": nan, "roc_auc": nan, "pr_auc": nan, "best_f1": nan,
                "tp": 0, "fp": 0, "fn": 0, "tn": 0, "flagged": 0, "lines": 0, "excluded": excluded}
    p, r, f, _ = precision_recall_fscore_support(y, lab, average="binary", zero_division=0, sample_weight=w)
    tn, fp, fn, tp = confusion_matrix(y, lab, labels=[0, 1], sample_weight=w).ravel()
    both = len(np.unique(y)) == 2
    return {
        "precision": float(p), "recall": float(r), "f1": float(f),
        "roc_auc": float(roc_auc_score(y, s, sample_weight=w)) if both else float("nan"),
        "pr_auc": float(average_precision_score(y, s, sample_weight=w)) if both else float("nan"),
        "best_f1": best_f1(y, s, w) if both else float("nan"),
        "tp": int(tp), "fp": int(fp), "fn": int(fn), "tn": int(tn),
        "flagged": int(w[lab == 1].sum()), "lines": int(w.sum()), "excluded": excluded,
    }


def check_truth_length(y_true: Sequence, n_lines: int) -> None:
    """Raise a one-line ValueError unless the ground truth (n,) has one value per scored line."""
    if len(y_true) != n_lines:
        # A labels file of another log (the bundled sample's, say) would otherwise be scored against this one.
        raise ValueError(f"the ground truth has {len(y_true):,} values for {n_lines:,} lines: "
                         "it belongs to another log (a labels file holds one row per line of its log)")


def _flags(values: Sequence, scored: np.ndarray, name: str) -> np.ndarray:
    """0/1 values (n,) as integers: integer and bool arrays as they are (a copy would be 8 bytes a line); else
    ValueError where a ``scored`` line's (n,) bool value is missing or not 0 or 1 (a blank line's may be anything).

    Casting to int made a 0.5 a 0 and a missing truth on a scored line an overflow deep in the counting."""
    values = np.asarray(values)
    if values.dtype.kind in "biu":
        low, high = _scored_range(values, scored)
        if low >= 0 and high <= 1:
            return values
    try:
        numbers = values.astype(float)
    except (TypeError, ValueError):
        numbers = np.full(len(values), np.nan)
    bad = scored & (numbers != 0) & (numbers != 1)
    if bad.any():
        row = int(np.argmax(bad))
        value = values[row:row + 1].tolist()[0]  # a Python value: 0.5, not np.float64(0.5)
        raise ValueError(f"{name} must be 0 or 1 on every scored line, got {value!r} at row {row:,} "
                         f"({int(bad.sum()):,} such rows; a missing value only on blank lines, whose score is NaN)")
    return np.where(scored, numbers, 0).astype(np.int8)


def _scored_range(values: np.ndarray, scored: np.ndarray) -> tuple[int, int]:
    """Lowest and highest of integer values (n,) on the ``scored`` lines (n,) bool; (0, 0) when there are none."""
    kept = values if scored.all() else values[scored]
    return (int(kept.min()), int(kept.max())) if len(kept) else (0, 0)


def _distinct_cases(y: np.ndarray, scores: np.ndarray, labels: np.ndarray, block: int = 1 << 20
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The distinct (truth, score, label) triples (m,) of n lines, in order of first appearance (a NaN score is
    a score), and how many lines each stands for (m,): lines repeat, and every metric here is a weighted sum
    over lines.

    Each triple is one integer (the score's code, then truth and label as digits), added up a block of lines at
    a time: a group-by over three columns of 10M lines took about 900 MB, whole-array arithmetic 300 MB."""
    from .streaming import first_lines

    case, values = pd.factorize(scores, use_na_sentinel=False)
    # Truth and label count only where there is a score: a blank line's may be anything (a NaN read as an int).
    scored = ~np.isnan(scores)
    (low_y, high_y), (low_l, high_l) = (_scored_range(v, scored) for v in (y, labels))
    ny, nl = high_y - low_y + 1, high_l - low_l + 1
    case *= ny * nl
    for lo in range(0, len(case), block):
        part = (y[lo:lo + block].astype(np.int64) - low_y) * nl + labels[lo:lo + block].astype(np.int64) - low_l
        case[lo:lo + block] += np.where(scored[lo:lo + block], part, 0)
    first, counts, _ = first_lines(case)
    triples = case[first]
    return triples // nl % ny + low_y, values[triples // (ny * nl)], triples % nl + low_l, counts


@dataclass
class MethodRun:
    """One detector's result on the same lines: scores (n,), labels (n,) and timings in seconds."""

    name: str
    scores: np.ndarray
    labels: np.ndarray
    fit_seconds: float
    score_seconds: float  # NaN where fitting scored the lines (its time is in fit_seconds)


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
