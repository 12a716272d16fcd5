"""The detector API, after PyOD's BaseDetector, and label-free thresholds.

``fit(X)`` sets ``decision_scores_`` (n,), ``threshold_`` and ``labels_`` (n,);
``decision_function(X)`` returns scores (n,) where higher means more anomalous
(the opposite sign of scikit-learn's ``score_samples``); ``predict(X)`` returns
0/1. ``X`` is a parsed line frame (see :func:`logad_utils.templates.mine_templates`)
or a sequence of strings. Work happens once per unique document; blank lines are
excluded and get a NaN score and label 0.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from .._validation import THRESHOLD_CONSTRAINTS, check_fitted, check_params
from ..features import (NoveltyModel, StructureModel, Unique, WeightedTfidf, frame_documents, periodic_keys,
                        severity, unique_documents)
from ..gc_pause import no_cyclic_gc
from ..io import NAT, string_codes, timestamps_ns
from ..streaming import Stamps, event_starts, log_bounds

__all__ = ["BaseLogDetector", "compute_threshold", "auto_threshold", "storm_threshold", "LineRows"]

# A storm (:func:`storm_threshold`) may reach this share of the lines; ``STORM_COVER`` of its lines lie in one
# stretch of the input and make at least ``STORM_DENSITY`` of its non-blank lines. Chosen leave-one-system-out
# (``benchmarks/bench_transfer.py``).
STORM_SHARE = 0.25
STORM_COVER = 0.9
STORM_DENSITY = 0.7


def _quantile(values: np.ndarray, q: float, weights: np.ndarray | None = None) -> float:
    """``np.quantile(values, q)`` (linear) of values (u,), each counted ``weights`` (u,) int times when given.

    NumPy's weighted quantiles support only the inverted-CDF method; this is the
    linear method on the expanded values without expanding them.
    """
    if weights is None:
        return float(np.median(values) if q == 0.5 else np.quantile(values, q))
    order = np.argsort(values, kind="stable")
    ranks = np.cumsum(np.asarray(weights, dtype=np.int64)[order])
    h = (ranks[-1] - 1) * q
    low = int(np.floor(h))
    at = np.searchsorted(ranks, [low, min(low + 1, ranks[-1] - 1)], side="right")
    a, b = values[order][at]
    t = h - low
    # NumPy's lerp, for the same rounding.
    return float(b - (b - a) * (1 - t) if t >= 0.5 else a + (b - a) * t)


def _std(values: np.ndarray, weights: np.ndarray | None = None) -> float:
    """``np.std`` of values (u,), each counted ``weights`` (u,) times when given."""
    if weights is None:
        return float(np.std(values))
    return float(np.sqrt(np.average((values - np.average(values, weights=weights)) ** 2, weights=weights)))


def _top(values: np.ndarray, m: int, weights: np.ndarray | None = None) -> np.ndarray:
    """The m highest of values (u,) (each counted ``weights`` (u,) times when given), highest first."""
    if weights is None:
        return np.sort(values)[::-1][:m]
    order = np.argsort(values, kind="stable")[::-1]
    counts = np.asarray(weights, dtype=np.int64)[order]
    keep = int(np.searchsorted(np.cumsum(counts), m)) + 1
    return np.repeat(values[order][:keep], counts[:keep])[:m]


def _robust_spread(values: np.ndarray, med: float, weights: np.ndarray | None = None) -> float:
    """1.4826 · MAD of values (u,) about their median ``med``; their standard deviation where the MAD is zero (as
    when most lines repeat one message)."""
    return _quantile(np.abs(values - med), 0.5, weights) * 1.4826 or _std(values, weights)


def auto_threshold(scores: np.ndarray, k: float = 2.0, max_share: float = 0.05, min_gap: float = 0.1,
                   min_mass: float = 0.002, weights: np.ndarray | None = None) -> float:
    """Label-free cut on line scores (n,): the clearest gap among the top ``max_share`` of lines, else a floor.

    Anomalous lines that a detector ranks well sit above a gap: the cut goes
    in the middle of the largest gap between consecutive top scores, measured
    relative to the lower score's height above the median, when that gap is
    at least ``min_gap``. Only gaps with at least ``min_mass`` of the lines
    (and at least 2) above them count: one extreme line opens the largest
    relative gap of all, and alone it would hide the group it stands on.
    Without such a gap the cut is the floor: median + k · 1.4826 · MAD (the
    standard deviation where the MAD is zero, as when most lines repeat one
    message), never below the (1 − max_share) quantile, since anomalies are
    rare by definition. The defaults were chosen by leave-one-system-out on a
    cross-system injection suite, Loghub BGL and generated journals
    (``benchmarks/bench_transfer.py``). ``weights`` (n,): each score stands
    for that many lines.
    """
    n = len(scores) if weights is None else int(np.sum(weights))
    med = _quantile(scores, 0.5, weights)
    spread = _robust_spread(scores, med, weights)
    floor = max(med + k * spread, _quantile(scores, 1.0 - max_share, weights))
    top = _top(scores, int(np.ceil(max_share * n)) + 1, weights)
    lower = top[1:]
    above = np.arange(1, len(top))  # lines above the gap below top[i]
    relative = np.where((lower > med) & (above >= max(2, np.ceil(min_mass * n))),
                        (top[:-1] - lower) / np.maximum(lower - med, 1e-12), 0.0)
    if len(relative) == 0:
        return floor
    best = int(np.argmax(relative))
    return float((top[best] + top[best + 1]) / 2) if relative[best] >= min_gap else floor


class LineRows:
    """The order of the lines when row i of the scores is line i (:meth:`positions` protocol of a line order);
    ``file_bounds``: the row of each file's first line, then the row count (f + 1,), when known."""

    def __init__(self, file_bounds: np.ndarray | None = None) -> None:
        self.file_bounds = file_bounds

    def positions(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row (m,), position (m,)) of every line of ``rows``, in input order."""
        rows = np.sort(np.asarray(rows, dtype=np.int64))
        return rows, rows


def _fills_stretch(positions: np.ndarray, blank: np.ndarray, cover: float, density: float,
                   files: np.ndarray | None = None) -> bool:
    """Whether ``cover`` of the lines at sorted positions (m,) lie in one stretch of the input whose lines they
    make at least ``density`` of, the lines at sorted positions ``blank`` (b,) (blank lines, continuation lines)
    not counted; with ``files`` (each file's first position, then the line count) and several files, a stretch
    holding at most half of each file it reaches: a file read beside others, whole, is another source, not a storm
    (also when the stretch begins in the tail of the file before it). A storm across a rotation reaches two."""
    m = len(positions)
    k = max(1, int(np.ceil(cover * m)))
    first, last = positions[:m - k + 1], positions[k - 1:]
    inside = np.searchsorted(blank, last, side="right") - np.searchsorted(blank, first, side="left")
    dense = k / (last - first + 1 - inside) >= density
    if files is not None and len(files) > 2:
        f = np.clip(np.searchsorted(files, first, side="right") - 1, 0, len(files) - 2)
        g = np.clip(np.searchsorted(files, last, side="right") - 1, 0, len(files) - 2)
        in_first = np.minimum(last + 1, files[f + 1]) - first
        in_last = last + 1 - np.maximum(first, files[g])
        dense &= ((g - f <= 1) & (in_first <= 0.5 * (files[f + 1] - files[f]))
                  & (in_last <= 0.5 * (files[g + 1] - files[g])))
    return bool(dense.any())


def storm_threshold(scores: np.ndarray, cut: float, order, weights: np.ndarray | None = None,
                    max_share: float = STORM_SHARE, min_gap: float = 0.1, min_mass: float = 0.002,
                    cover: float = STORM_COVER, density: float = STORM_DENSITY) -> float:
    """``cut``, or a lower cut where the lines above a gap in the top ``max_share`` of scores (n,) form a storm.

    :func:`auto_threshold` flags at most its ``max_share`` of the lines, since
    anomalies are rare; a fault that floods the log with one or a few messages
    breaks that rule. Such a flood is rare in a different way: it sits in one
    stretch of the input. So a gap among the top ``max_share`` lines (relative
    gap ≥ ``min_gap``, at least ``min_mass`` of the lines above it, as in
    :func:`auto_threshold`; a gap on the median itself relative to the spread)
    cuts there when ``cover`` of the lines above it lie in one stretch of the
    input and make at least ``density`` of its non-blank lines; among several
    such gaps, the relatively largest. Where none does, the lines between a gap
    and the ordinary cut alone may (a port scan scoring a little under rare
    denies spread over the log). Lines of a clean log that score high (rare
    messages) are spread over it, and keep the ordinary cut.
    ``order.positions(rows)`` gives the input positions of the lines of rows
    (:class:`LineRows` where row i is line i; a first pass's order for a table
    of distinct lines, ``weights`` (n,) their counts); NaN scores are ignored.
    """
    scores = np.asarray(scores, dtype=float)
    weights = np.ones(len(scores), dtype=np.int64) if weights is None else np.asarray(weights, dtype=np.int64)
    known = np.flatnonzero(~np.isnan(scores) & (weights > 0))
    if len(known) < 2:
        return cut
    rows = known[np.argsort(-scores[known], kind="stable")]
    top, above = scores[rows], np.cumsum(weights[rows])
    n = int(above[-1])
    med = _quantile(scores[known], 0.5, weights[known])
    lower, mid = top[1:], (top[:-1] + top[1:]) / 2
    # A storm over lines that all score the same (a heartbeat and one request) stands on the median itself:
    # its gap is measured against the spread.
    base = np.where(lower > med, lower - med, _robust_spread(scores[known], med, weights[known]))
    relative = np.where(lower >= med, (top[:-1] - lower) / np.maximum(base, 1e-12), 0.0)
    gaps = np.flatnonzero((relative >= min_gap) & (mid < cut) & (above[:-1] <= np.ceil(max_share * n))
                          & (above[:-1] >= max(2, np.ceil(min_mass * n))))
    if not len(gaps):
        return cut
    # Every line of the rows above the widest gap, the blank lines, and those of weight 0 (the continuation lines
    # of an event): a storm is counted in events, as the cut is, and an error's trace of 30 lines in every tenth
    # event would otherwise fill most of the lines of a stretch.
    find = getattr(order, "continuations", None)
    continuation = find() if find is not None else np.flatnonzero(weights == 0)  # LineRows: row i is line i
    line_rows, positions = order.positions(np.flatnonzero((scores >= top[gaps.max()]) | np.isnan(scores)))
    line_scores = scores[line_rows]
    skipped = np.isnan(line_scores) | np.isin(positions, continuation)
    blank = np.union1d(positions[np.isnan(line_scores)], continuation)
    positions, line_scores = positions[~skipped], line_scores[~skipped]
    ranked = gaps[np.argsort(-relative[gaps], kind="stable")]
    # Every line above a gap first; then, for a storm under lines the ordinary cut flags already that are spread
    # over the log, the lines between the gap and the cut alone (at least min_mass of the lines, as above).
    for upper in (np.inf, cut):
        for gap in ranked:
            stretch = positions[(line_scores >= top[gap]) & (line_scores <= upper)]
            if len(stretch) >= max(2, np.ceil(min_mass * n)) and _fills_stretch(
                    stretch, blank, cover, density, getattr(order, "file_bounds", None)):
                return float(mid[gap])
    return cut


def compute_threshold(scores: np.ndarray, contamination: float | str = "auto",
                      percentile: float | None = None, weights: np.ndarray | None = None, order=None) -> float:
    """Threshold on line scores (n,), NaN ignored: percentile, contamination fraction, or ``"auto"``.

    ``weights`` (n,) line counts: the threshold of the expanded scores, from distinct scores with counts.
    ``order``: where the lines lie in the input (see :func:`storm_threshold`), so that ``"auto"`` flags a
    storm; None leaves storms to the ``"auto"`` rule's share.
    """
    scores = np.asarray(scores, dtype=float)
    keep = ~np.isnan(scores)
    kept = scores[keep]
    kept_weights = None if weights is None else np.asarray(weights)[keep]
    if percentile is not None:
        return _quantile(kept, percentile / 100, kept_weights) if kept_weights is not None \
            else float(np.percentile(kept, percentile))
    if contamination != "auto":
        return _quantile(kept, 1.0 - float(contamination), kept_weights)
    cut = auto_threshold(kept, weights=kept_weights)
    return cut if order is None else storm_threshold(scores, cut, order, weights)


# A spread this small against the values' size is rounding (float32 networks: about 1e-7), no spread: as a scale,
# it blew a log of one message's scores up to 1e15, where severity's +2 was lost.
_ROUNDING = 1e-6


def _weighted_std(values: np.ndarray, weights: np.ndarray) -> float:
    """Standard deviation of values (u,) counted weights (u,) times; 1 when it is zero, or rounding."""
    std = _std(values, weights)
    return std if std > _ROUNDING * float(np.max(np.abs(values), initial=0.0)) else 1.0


def _store_tfidf(tfidf: WeightedTfidf, values: dict, arrays: dict[str, np.ndarray]) -> None:
    """Add a fitted WeightedTfidf to a detector's plain-data state (key ``tfidf``, arrays ``tfidf_*``)."""
    tfidf_values, tfidf_arrays = tfidf.get_state()
    values["tfidf"] = tfidf_values
    arrays.update({f"tfidf_{key}": value for key, value in tfidf_arrays.items()})


def _load_tfidf(values: dict, arrays: dict[str, np.ndarray]) -> WeightedTfidf:
    """Inverse of :func:`_store_tfidf`."""
    prefix = "tfidf_"
    return WeightedTfidf.from_state(values["tfidf"], {key[len(prefix):]: value for key, value in arrays.items()
                                                      if key.startswith(prefix)})


def _unparsed(X, n: int) -> np.ndarray:
    """1.0 for lines (n,) that match none of the file's layouts (``parsed`` False), else 0.0."""
    if not isinstance(X, pd.DataFrame) or "parsed" not in X:
        return np.zeros(n)
    return (~X["parsed"].fillna(False).to_numpy(dtype=bool)).astype(float)


def _routine_messages(X, unique: Unique, weights: np.ndarray, times: Stamps) -> set:
    """Unique documents all of whose lines recur at a regular period (:func:`features.periodic_keys`).

    The message is the key, or its template where most of the template's
    lines are different messages (a date or counter in them, as in a nightly
    ``rotated to file-<date>``); a template of a few repeated messages keeps
    them apart, so that a periodic ``status: OK`` does not make the
    ``status: FAULT`` of an outage routine. Row i of X stands for
    ``weights[i]`` lines; ``times`` are (row (m,), time in ns (m,)) pairs of
    those lines, or :class:`streaming.Stamps` with the lines at each and their step.
    """
    rows, stamps, at, step = Stamps(*times)[:4]
    if not len(rows):
        return set()
    keys = pd.Series(unique.broadcast(unique.texts, fill=None), dtype=object)
    if isinstance(X, pd.DataFrame) and "template" in X:
        template = X["template"].astype(object).reset_index(drop=True)
        per_template = pd.DataFrame({"t": template, "m": keys, "w": weights}).groupby("t")
        distinct = per_template["m"].nunique() >= 0.5 * per_template["w"].sum()
        keys = keys.where(~template.map(distinct).fillna(False).astype(bool), "template:" + template.astype(str))
    codes, names = pd.factorize(keys)
    lines = np.bincount(codes[codes >= 0], weights=weights[codes >= 0], minlength=len(names))
    # int32 codes: a long log has a (row, time) pair per line.
    periodic = {names[c] for c in periodic_keys(codes.astype(np.int32)[rows], pd.Series(stamps.view("datetime64[ns]")),
                                                lines=lines, weights=at, step=step)}
    if not periodic:
        return set()
    keep = unique.inverse >= 0
    routine_lines = keys.isin(periodic).to_numpy()[keep] * weights[keep]
    hits = np.bincount(unique.inverse[keep], weights=routine_lines, minlength=len(unique.texts))
    return set(unique.texts[hits == unique.counts].tolist())


def _unmasked(X) -> bool:
    """Whether any of the first 100 strings of X (a sequence) has variables masking would replace."""
    from ..masking import Masker

    masker = Masker()
    head = list(X[:100]) if hasattr(X, "__getitem__") and not isinstance(X, (str, bytes)) else []
    return any(isinstance(t, str) and masker.mask(t) != t for t in head)


def _missing(value) -> bool:
    """True for a missing line (None, NaN, pd.NA); a value that is neither a string nor missing is refused."""
    if value is None or (np.ndim(value) == 0 and pd.isna(value)):
        return True
    raise TypeError(f"X must hold strings (None or NaN for a missing line), got {type(value).__name__}: {value!r:.40}")


def _line_order(times, sample_weight, X) -> object | None:
    """Where the fitted rows' lines lie in the input: a first pass's order, else row i is line i (no
    ``sample_weight``; files by X's ``source``), else unknown (None)."""
    order = getattr(times, "order", None)
    if order is not None:
        return order
    if sample_weight is not None:
        return None
    if not isinstance(X, pd.DataFrame) or "source" not in X or not len(X):
        return LineRows()
    codes, names = string_codes(X, "source")
    starts = np.flatnonzero(np.diff(codes, prepend=-1) != 0)
    # Files read one after another (one rotated log's files one log, as a first pass reads them); lines of
    # several sources interleaved (merged by time) are one stretch.
    if len(starts) != len(np.unique(codes)):
        return LineRows(None)
    return LineRows(log_bounds([str(names[c]) for c in codes[starts]], starts, len(X)))


def _checked_weights(sample_weight, n: int) -> np.ndarray:
    """``sample_weight`` as int64 (n,): whole, finite, non-negative numbers of lines, one per row; else ValueError."""
    weights = np.asarray(sample_weight)
    if weights.shape != (n,):
        raise ValueError(f"sample_weight must hold one number per row of X ({n}), got shape {weights.shape}")
    try:
        values = weights.astype(float)
    except (TypeError, ValueError):
        raise ValueError("sample_weight must hold numbers of lines") from None
    if not np.isfinite(values).all() or (values < 0).any() or (values != np.round(values)).any():
        raise ValueError("sample_weight must hold whole, non-negative numbers of lines (counts)")
    return values.astype(np.int64)


def _own_weights(X) -> np.ndarray:
    """What each row of X weighs when it is one line (n,): 1, and 0 for the continuation lines of a multi-line
    event, which is one occurrence (:func:`streaming.event_starts`); a frame that starts within an event
    counts that event from its first row here."""
    if not isinstance(X, pd.DataFrame):
        return np.ones(len(X), dtype=np.int64)
    starts = event_starts(X)
    if "event_line_no" in X and not starts.all():
        events = X[[c for c in ("source", "event_line_no") if c in X]]
        events = pd.MultiIndex.from_frame(events.astype(object)) if events.shape[1] > 1 else pd.Index(events.iloc[:, 0])
        # An event whose first line is not in X counts at its first row here.
        orphan = ~events.isin(events[starts.astype(bool)])
        starts |= (orphan & ~events.duplicated()).astype(np.int64)
    return starts


def _own_times(X) -> Stamps:
    """(row (m,), time in ns (m,)) of the rows of X that have a ``timestamp``, one line a row."""
    if not isinstance(X, pd.DataFrame) or "timestamp" not in X:
        return Stamps(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    stamps = timestamps_ns(X["timestamp"])
    rows = np.flatnonzero(stamps != NAT)
    return Stamps(rows, stamps[rows])


class BaseLogDetector(BaseEstimator):
    """Common fit/score/threshold logic; subclasses implement ``_fit_unique`` and ``_score_unique``.

    Parameters
    ----------
    contamination : float or "auto", default "auto"
        Expected fraction of anomalous lines; "auto" uses :func:`auto_threshold`
        (the clearest gap at the top of the scores), lowered by :func:`storm_threshold`
        where the lines above a wider gap crowd one stretch of the input.
    percentile : float or None, default None
        When set, the threshold is this percentile of the training scores
        (the seed used 95) and ``contamination`` is ignored.
    severity_weight : float, default 1.0
        Added to a line's score per step of its level's severity (INFO 0,
        WARN 1, ERROR 2, FATAL 3; see :func:`features.severity`), in units of
        the training scores' standard deviation. 0 ignores levels.
    structure_weight : float, default 2.0
        Weight of the structural score (:class:`features.StructureModel`: the
        line matches none of the file's layouts, or its shape is unlike the
        rest), added to the detector's own score. The own score is in units of
        its line-weighted standard deviation; the structural one, in surprise
        units (nats), less its line-weighted median, in units of its standard
        deviation or 1, whichever is larger. 0 ignores structure.
    novelty_weight : float, default 1.0
        Weight of the novelty score (:class:`features.NoveltyModel`: the share
        of the message's tokens that the fit never saw, times the surprise of
        one unseen token, in nats), added like the structural score. Every
        fitted line scores 0, so it only raises new data scored against the
        fit (a known-good log, a saved model): a message of new words stands
        out whatever the detector's own features make of it.
    routine : bool, default True
        Messages that recur at a regular period across the file
        (:func:`features.periodic_keys`: daily, hourly, every N minutes) are
        routine even when rare: they score at most as the median line (plus
        severity). Needs timestamps.
    """

    text: str = "masked"
    _parameter_constraints: dict = dict(THRESHOLD_CONSTRAINTS)

    def __init__(self, contamination: float | str = "auto", percentile: float | None = None,
                 severity_weight: float = 1.0, structure_weight: float = 2.0, novelty_weight: float = 1.0,
                 routine: bool = True) -> None:
        self.contamination = contamination
        self.percentile = percentile
        self.severity_weight = severity_weight
        self.structure_weight = structure_weight
        self.novelty_weight = novelty_weight
        self.routine = routine

    def __sklearn_is_fitted__(self) -> bool:
        """True once ``fit`` (or loading a saved model) has set the threshold."""
        return hasattr(self, "threshold_")

    # -- to implement ------------------------------------------------------
    def _fit_unique(self, texts: np.ndarray, counts: np.ndarray) -> None:
        raise NotImplementedError

    def _score_unique(self, texts: np.ndarray, training: bool) -> np.ndarray:
        raise NotImplementedError

    # -- shared ------------------------------------------------------------
    def _documents(self, X) -> np.ndarray:
        """One document per row (None where excluded)."""
        if isinstance(X, pd.DataFrame):
            text, component, level = self.document_key()
            return frame_documents(X, text=text, component=component, level=level)
        if isinstance(X, (str, bytes)):
            raise TypeError("X must be a sequence of log lines or a parsed DataFrame, not one string")
        docs = np.asarray(X if isinstance(X, np.ndarray) else list(X), dtype=object)
        if docs.ndim != 1:
            raise ValueError(f"X must be a sequence of log lines (n,), got an array of shape {docs.shape}")
        # Missing and blank texts ("", "   ") are blank lines, as a frame's blank column says of its own.
        blank = np.array([not d.strip() if isinstance(d, str) else _missing(d) for d in docs], dtype=bool)
        return np.where(blank, None, docs) if len(docs) else docs

    def _evidence(self, X, unique: Unique, raw: np.ndarray) -> np.ndarray:
        """Per line (n,): the own score (scaled) plus the weighted structural and novelty scores."""
        own = raw / self.score_scale_
        if self.novelty_weight:
            own = own + self.novelty_weight * self.novelty_.score(unique.texts)
        scores = unique.broadcast(own)
        if self.structure_weight:
            scores = scores + self.structure_weight * (self._structure(X, unique) - self.structure_center_) \
                / self.structure_scale_
        return scores

    def _structure(self, X, unique: Unique) -> np.ndarray:
        """Structural surprise per line (n,): its message's shape plus, per line, not matching the layout."""
        return unique.broadcast(self.structure_.score(unique.texts)) + \
            _unparsed(X, len(unique.inverse)) * self.structure_.unparsed_surprise_

    def _line_scores(self, X, unique: Unique, raw: np.ndarray) -> np.ndarray:
        """Line scores (n,) from raw per-unique scores (u,): evidence, routine messages capped, severity added."""
        scores = self._evidence(X, unique, raw)
        if self.routine_:
            routine = unique.broadcast(np.isin(unique.texts, list(self.routine_)), fill=False).astype(bool)
            scores = np.where(routine, np.minimum(scores, self.routine_score_), scores)
        if self.severity_weight and isinstance(X, pd.DataFrame) and "level" in X:
            scores = scores + self.severity_weight * severity(X["level"])
        return scores

    def _fit_context(self, X, unique: Unique, raw: np.ndarray, weights: np.ndarray,
                     times: Stamps) -> None:
        """Scales, the structure model and the routine messages of the fitted lines (row i: ``weights[i]`` lines)."""
        self.score_scale_ = _weighted_std(raw, unique.counts)
        keep = unique.inverse >= 0
        bad = float(np.average(_unparsed(X, len(unique.inverse))[keep], weights=weights[keep]))
        counted = unique.counts > 0  # a document no line stands behind shapes neither model
        self.structure_ = StructureModel().fit(unique.texts[counted], unique.counts[counted], bad)
        self.novelty_ = NoveltyModel().fit(unique.texts[counted], unique.counts[counted])
        structure = self._structure(X, unique)
        known = ~np.isnan(structure)
        self.structure_center_ = _quantile(structure[known], 0.5, weights[known])
        # In surprise units (nats): at least 1, so that a file of near-uniform shape does not
        # blow up small differences.
        self.structure_scale_ = max(_std(structure[known], weights[known]), 1.0)
        routine = _routine_messages(X, unique, weights, times) if self.routine else set()
        evidence = self._evidence(X, unique, raw)
        known = ~np.isnan(evidence)
        self.routine_score_ = _quantile(evidence[known], 0.5, weights[known]) if routine else -np.inf
        self.routine_ = routine

    def _new_embedder(self):
        """A fresh BertEmbedder of the kind ``fit`` makes; None for a detector without BERT vectors."""
        return None

    def embedding_job(self, X) -> tuple | None:
        """What ``fit(X)`` (unfitted) or ``decision_function(X)`` (fitted) would run BERT on: (the fitted
        embedder, the texts (u,) in the order it embeds them), so that an engine can compute the vectors
        elsewhere (:func:`embeddings.preset_vectors`); None for a detector without BERT vectors."""
        embedder = self._new_embedder()
        if embedder is None:
            return None
        texts = [str(t) for t in unique_documents(self._documents(X)).texts]
        if not hasattr(self, "threshold_"):
            return embedder.fit(texts), texts
        # Scoring embeds only the messages fit did not see; a loaded model settles its token limit on first use.
        embedder = self.embedder_ if hasattr(self.embedder_, "max_length_") else self.embedder_.fit()
        return embedder, [t for t in texts if t not in self.fit_scores_]

    def document_key(self) -> tuple[str, bool, bool]:
        """What this detector reads of a frame: (text column, component prefix, level prefix)."""
        return (getattr(self, "text", "masked"), getattr(self, "use_component", False),
                getattr(self, "use_level", False))

    def fit(self, X, y=None, unique: Unique | None = None, sample_weight: np.ndarray | None = None,
            times: Stamps | None = None) -> "BaseLogDetector":
        """Fit on X (frame or n strings); sets decision_scores_ (n,), threshold_, labels_ (n,).

        ``unique``: X's unique documents when already computed (for the same
        :meth:`document_key` and ``sample_weight``), so that several detectors share one table.
        ``sample_weight`` (n,) int: row i stands for that many lines, as in a table of distinct
        lines with counts (:mod:`logad_utils.streaming`); every statistic is then that of the
        lines the table counts. ``times``: (row (m,), time in ns (m,)) pairs of those lines for the
        routine rule, or a :class:`streaming.Stamps` (a first pass's, ``run.times()``, whose ``order`` also
        says where each row's lines lie for the storm rule, :func:`storm_threshold`); by default each row is
        one line with its own ``timestamp``, in input order.
        """
        check_params(self)
        X = X if hasattr(X, "__len__") else list(X)  # an iterator of lines: its rows are read more than once
        weights = _own_weights(X) if sample_weight is None else _checked_weights(sample_weight, len(X))
        if sample_weight is not None and getattr(times, "order", None) is None and self.percentile is None \
                and self.contamination in (None, "auto"):
            warnings.warn("sample_weight without the lines' order (times=run.times()): the storm rule, which reads "
                          "where the lines lie, is left out of the threshold", UserWarning, stacklevel=2)
        # A fit makes many objects that live on (token lists, a network's traced graphs), and each pass of the
        # collector walked them and the millions that torch's and TensorFlow's imports left: paused for the fit.
        with no_cyclic_gc():
            if unique is None:
                unique = unique_documents(self._documents(X), weights)
            if len(unique.texts) == 0:
                raise ValueError("nothing to fit: " + ("every line is blank" if len(X) else "no lines"))
            raw = self._fit_counted(unique)
            self._fit_context(X, unique, raw, weights, _own_times(X) if times is None else times)
            self.unique_ = unique
            self.fitted_on_frame_ = isinstance(X, pd.DataFrame)
            self.fit_scores_ = dict(zip(unique.texts, raw))
            self.decision_scores_ = self._line_scores(X, unique, raw)
        self.threshold_ = compute_threshold(self.decision_scores_, self.contamination, self.percentile, weights,
                                            _line_order(times, sample_weight, X))
        self.labels_ = self.label(self.decision_scores_)
        return self

    def _fit_counted(self, unique: Unique) -> np.ndarray:
        """Fit on the documents some line stands behind (count > 0) and score them as fitted; documents of weight 0
        (continuation rows) shape nothing and score as new text. Raw scores (u,)."""
        fitted = unique.counts > 0
        if not fitted.any():
            raise ValueError("nothing to fit: every sample_weight is 0")
        self._fit_unique(unique.texts[fitted], unique.counts[fitted])
        raw = np.empty(len(unique.texts), dtype=float)
        raw[fitted] = self._score_unique(unique.texts[fitted], training=True)
        if not fitted.all():
            raw[~fitted] = self._score_unique(unique.texts[~fitted], training=False)
        return raw

    def decision_function(self, X, unique: Unique | None = None) -> np.ndarray:
        """Anomaly scores (n,) of new data, higher = more anomalous; NaN for blank lines (``unique`` as in fit).

        Plain strings are scored as given; a detector fitted on a parsed frame read its masked messages, so
        raw lines (strings that masking would change) then score as unseen text: a warning says so, as
        scikit-learn's does of feature names."""
        check_fitted(self)
        if getattr(self, "fitted_on_frame_", False) and not isinstance(X, pd.DataFrame) and _unmasked(X):
            warnings.warn("X holds plain strings, but the detector was fitted on a parsed frame: the strings are "
                          "scored as given, not masked as the frame's messages were; pass a parsed frame "
                          "(pipeline.parse_logs) to score lines as the fit read them", UserWarning, stacklevel=2)
        if unique is None:
            unique = unique_documents(self._documents(X))
        seen = getattr(self, "fit_scores_", {})
        raw = np.array([seen.get(t, np.nan) for t in unique.texts], dtype=float)
        # A message seen in fit keeps its fit score (a nearest-neighbour score excludes the line
        # itself only during fit), so scoring the fitted lines again reproduces decision_scores_.
        new = np.isnan(raw)
        if new.any():
            raw[new] = self._score_unique(unique.texts[new], training=False)
        return self._line_scores(X, unique, raw)

    def predict(self, X) -> np.ndarray:
        """0/1 labels (n,) of new data against the fitted threshold."""
        return self.label(self.decision_function(X))

    def fit_predict(self, X, y=None) -> np.ndarray:
        """Fit on X and return labels_ (n,)."""
        return self.fit(X).labels_

    # -- plain-data state (see logad_utils.persistence) -----------------------
    def _fitted_state(self) -> tuple[dict, dict[str, np.ndarray]]:
        """The fitted attributes as plain data: (JSON-ready values, named arrays); subclasses add theirs."""
        check_fitted(self)
        texts = [str(t) for t in self.unique_.texts]
        values = {"threshold_": float(self.threshold_), "score_scale_": float(self.score_scale_), "texts": texts,
                  "structure_": self.structure_.to_dict(), "structure_center_": float(self.structure_center_),
                  "structure_scale_": float(self.structure_scale_), "novelty_": self.novelty_.to_dict(),
                  "routine_": sorted(self.routine_),
                  "routine_score_": float(self.routine_score_)}
        arrays = {"counts": self.unique_.counts, "inverse": self.unique_.inverse,
                  "fit_scores": np.array([self.fit_scores_[t] for t in texts], dtype=float),
                  "decision_scores_": self.decision_scores_, "labels_": self.labels_}
        return values, arrays

    def _restore_state(self, values: dict, arrays: dict[str, np.ndarray]) -> None:
        """Inverse of :meth:`_fitted_state`, on a detector built with the saved parameters."""
        texts = np.array([str(t) for t in values["texts"]], dtype=object)
        inverse = arrays["inverse"].astype(np.int64)
        # Edited arrays that still parse would pair texts with other texts' counts and scores: refused.
        lines = {len(inverse), len(arrays["decision_scores_"]), len(arrays["labels_"])}
        if (len(arrays["counts"]) != len(texts) or len(arrays["fit_scores"]) != len(texts) or len(lines) != 1
                or (len(inverse) and not -1 <= inverse.min() <= inverse.max() < len(texts))):
            raise ValueError("fitted arrays do not match the fitted texts")
        # A threshold or score that is no number (NaN, or a huge one read as infinity) flags nothing or everything;
        # a NaN line score is a blank line's.
        if not (np.isfinite(float(values["threshold_"])) and np.isfinite(arrays["fit_scores"]).all()
                and not np.isinf(arrays["decision_scores_"]).any()):
            raise ValueError("the threshold or the fitted scores are not finite numbers")
        self.unique_ = Unique(texts, arrays["counts"].astype(np.int64), inverse)
        self.fit_scores_ = dict(zip(texts, arrays["fit_scores"].tolist()))
        self.threshold_ = float(values["threshold_"])
        self.score_scale_ = float(values["score_scale_"])
        self.structure_ = StructureModel.from_dict(values["structure_"])
        self.structure_center_ = float(values["structure_center_"])
        self.structure_scale_ = float(values["structure_scale_"])
        self.novelty_ = NoveltyModel.from_dict(values["novelty_"])
        self.routine_ = set(values["routine_"])
        self.routine_score_ = float(values["routine_score_"])
        self.decision_scores_ = arrays["decision_scores_"]
        self.labels_ = arrays["labels_"]

    def label(self, scores: np.ndarray) -> np.ndarray:
        """0/1 labels (n,) of already computed scores (n,) against ``threshold_``; NaN → 0."""
        check_fitted(self)
        with np.errstate(invalid="ignore"):
            return (np.nan_to_num(scores, nan=-np.inf) > self.threshold_).astype(np.int64)
