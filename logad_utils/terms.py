"""Term statistics: mean TF-IDF per term, percentile bands, and what sets anomalous lines apart.

All functions take unique rows with line counts, so a term in a message seen
10,000 times counts 10,000 times without the corpus ever being expanded.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # only named in annotations: importing SciPy took a third of `logad parse`'s start (via summary)
    from scipy import sparse

__all__ = ["term_scores", "percentile_band", "log_odds", "distinctive_terms", "distinctive_values", "count_codes",
           "NO_TERMS"]

# The one term of a document with none of its own (punctuation alone: "}", "-----"; see
# features.WeightedTfidf): such a line repeated is as common as any other, where without a term it counted as
# unseen wherever it was. No word of the log: the tables here leave it out.
NO_TERMS = "notermsinline"


def term_scores(matrix: sparse.spmatrix, names: Sequence[str], counts: np.ndarray | None = None) -> pd.DataFrame:
    """Mean TF-IDF and line frequency per term from unique rows (u, t) with line counts (u,).

    Returns columns ``term, mean_tfidf, lines`` sorted by ``mean_tfidf`` descending.
    """
    counts = np.ones(matrix.shape[0]) if counts is None else np.asarray(counts, dtype=float)
    mean = np.asarray(matrix.T @ counts).ravel() / counts.sum()
    lines = np.asarray((matrix > 0).T @ counts).ravel()
    out = pd.DataFrame({"term": np.asarray(names), "mean_tfidf": mean, "lines": lines.astype(np.int64)})
    out = out[out["term"] != NO_TERMS]
    return out.sort_values(["mean_tfidf", "term"], ascending=[False, True], ignore_index=True)


def percentile_band(scores: pd.DataFrame, low: float = 80, high: float = 100,
                    column: str = "mean_tfidf") -> pd.DataFrame:
    """Rows of ``scores`` whose ``column`` lies between its ``low`` and ``high`` percentiles (inclusive)."""
    lo, hi = np.percentile(scores[column], [low, high])
    return scores[(scores[column] >= lo) & (scores[column] <= hi)].reset_index(drop=True)


def log_odds(count_a: np.ndarray, count_b: np.ndarray, prior: float = 100.0) -> tuple[np.ndarray, np.ndarray]:
    """Log-odds ratio of each item in group A versus B with an informative Dirichlet prior, and its z-score.

    count_a, count_b: (k,) occurrences per item, or (g, k) for g comparisons at once (each row its own items).
    ``prior`` is the prior's total pseudo-count, spread over items by their pooled frequency, which keeps rare
    items from dominating (Monroe, Colaresi & Quinn, 2008). Returns (delta, z), shaped as the counts. The variance
    keeps both odds' complements: Monroe's shortcut leaves them out, which holds for rare words but overstates z by
    half for a template that holds most of the lines.
    """
    a = np.asarray(count_a, dtype=float)
    b = np.asarray(count_b, dtype=float)
    if a.shape[-1] == 1:  # one item is all of both groups: even odds (its complement, 0, has no log)
        return np.zeros(a.shape), np.zeros(a.shape)
    pooled = a + b
    alpha = prior * pooled / np.maximum(pooled.sum(axis=-1, keepdims=True), 1.0)
    alpha = np.maximum(alpha, 1e-3)
    alpha0 = alpha.sum(axis=-1, keepdims=True)
    na, nb = a.sum(axis=-1, keepdims=True), b.sum(axis=-1, keepdims=True)
    delta = (np.log((a + alpha) / (na + alpha0 - a - alpha))
             - np.log((b + alpha) / (nb + alpha0 - b - alpha)))
    z = delta / np.sqrt(1.0 / (a + alpha) + 1.0 / (na + alpha0 - a - alpha)
                        + 1.0 / (b + alpha) + 1.0 / (nb + alpha0 - b - alpha))
    return delta, z


def _split_counts(inverse: np.ndarray, is_anomaly: np.ndarray, n_unique: int) -> tuple[np.ndarray, np.ndarray]:
    """Anomalous and normal line counts per unique row (u,), (u,) from the line inverse index (n,)."""
    # A block of lines at a time (count_codes): the kept rows and bincount's 8-byte copy were 13 bytes a line.
    flag = np.asarray(is_anomaly, dtype=bool)
    return count_codes(inverse, flag, n_unique), count_codes(inverse, ~flag, n_unique)


def distinctive_terms(matrix: sparse.spmatrix, names: Sequence[str], inverse: np.ndarray,
                      is_anomaly: np.ndarray, prior: float = 100.0) -> pd.DataFrame:
    """Terms over-represented in anomalous lines versus normal ones: the odds of a line holding each term.

    matrix: unique rows (u, t) (any weights; presence is what counts);
    inverse: line → unique row (n,), -1 for excluded lines; is_anomaly: (n,).
    Returns ``term, z, log_odds, anomalous_lines, normal_lines`` sorted by z.
    """
    anomalous, normal = _split_counts(inverse, is_anomaly, matrix.shape[0])
    present = (matrix > 0).astype(float).T
    count_a = np.asarray(present @ anomalous).ravel()
    count_b = np.asarray(present @ normal).ravel()
    # A line holds many terms: weighed as shares of all the terms' occurrences, a term on every line (an access
    # log's "conn" and "op") stood out wherever the anomalous lines were the short ones. Each term is weighed by
    # the lines holding it and those not.
    delta, z = log_odds(np.column_stack([count_a, anomalous.sum() - count_a]),
                        np.column_stack([count_b, normal.sum() - count_b]), prior)
    table = _ranked(names, count_a, count_b, delta[:, 0], z[:, 0], "term")  # column 0: the lines holding it
    return table[table["term"] != NO_TERMS].reset_index(drop=True)


def distinctive_values(values: Sequence, is_anomaly: Sequence[int], prior: float = 100.0,
                       name: str = "value") -> pd.DataFrame:
    """Values (templates, components...) over-represented in anomalous lines: one value per line (n,)."""
    flag = np.asarray(is_anomaly, dtype=bool)
    if isinstance(values, pd.Categorical):
        return _table(*_category_counts(values, flag), prior, name)
    # Anything else as objects, so that mixed types compare as values.
    codes, uniques = pd.factorize(pd.Series(values, dtype=object))
    count_a = np.bincount(codes[flag & (codes >= 0)], minlength=len(uniques))
    count_b = np.bincount(codes[~flag & (codes >= 0)], minlength=len(uniques))
    return _table(np.asarray(uniques, dtype=object), count_a, count_b, prior, name)


def _category_counts(values: pd.Categorical, flag: np.ndarray,
                     block: int = 1 << 20) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The categories (c,) that occur, in order of first appearance (as ``pd.factorize`` orders them), with
    their anomalous and normal line counts (c,), (c,): from the categorical's own narrow codes (a factorization
    takes 8 bytes a line: 220 MB at 10M lines)."""
    codes, k = values.codes, len(values.categories)
    count_a, count_b = count_codes(codes, flag, k, block=block), count_codes(codes, ~flag, k, block=block)
    seen = pd.unique(codes)
    seen = seen[seen >= 0]
    return np.asarray(values.categories, dtype=object)[seen], count_a[seen], count_b[seen]


def count_codes(codes: np.ndarray, where: np.ndarray | None, k: int, low: int = 0,
                block: int = 1 << 20) -> np.ndarray:
    """Lines (k,) of each code ``low`` .. ``low + k - 1`` among the lines (n,) where ``where`` (n,) is true (None:
    every line); codes below ``low`` are left out. A block of lines at a time: bincount casts its input to 8 bytes a
    line."""
    out = np.zeros(k, dtype=np.int64)
    for lo in range(0, len(codes), block):
        part = codes[lo:lo + block].astype(np.int64) - low
        kept = part >= 0 if where is None else where[lo:lo + block] & (part >= 0)
        out += np.bincount(part[kept], minlength=k)
    return out


def _table(names: Sequence[str] | np.ndarray, count_a: np.ndarray, count_b: np.ndarray, prior: float,
           name: str) -> pd.DataFrame:
    """Items over-represented in anomalous lines, one item a line: :func:`log_odds` of their counts, ranked."""
    return _ranked(names, count_a, count_b, *log_odds(count_a, count_b, prior), name)


def _ranked(names: Sequence[str] | np.ndarray, count_a: np.ndarray, count_b: np.ndarray, delta: np.ndarray,
            z: np.ndarray, name: str) -> pd.DataFrame:
    """Items with their z, log-odds and anomalous and normal line counts (each (k,)), highest z first."""
    out = pd.DataFrame({name: np.asarray(names, dtype=object), "z": z, "log_odds": delta,
                        "anomalous_lines": count_a.astype(np.int64), "normal_lines": count_b.astype(np.int64)})
    return out.sort_values(["z", name], ascending=[False, True], ignore_index=True)


def shorten(text: str, limit: int = 80) -> str:
    """``text`` cut to at most ``limit`` characters, "..." marking a cut."""
    return text if len(text) <= limit else text[:limit - 3] + "..."
