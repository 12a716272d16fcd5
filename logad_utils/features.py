"""Text features of log lines: documents from a parsed frame, de-duplication, weighted TF-IDF.

Logs repeat, so every expensive step runs on the unique documents with their
line counts as weights, and results are broadcast back with the inverse index.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.stats import binom
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.utils.validation import check_is_fitted

from .formats import BORROWED_LETTERS, GRADED_LETTERS, SEVERITY
from .io import elapsed_seconds
from .streaming import TIMES_KEPT
from .terms import NO_TERMS

__all__ = ["Unique", "unique_documents", "frame_documents", "severity", "WeightedTfidf", "TOKEN_PATTERN",
           "word_presence", "shape_features", "StructureModel", "NoveltyModel", "periodic_keys"]

# Placeholders such as <NUM> stay one token; words keep dots, dashes and underscores
# so that "org.apache.Foo" or "cache-miss" are single terms. Letters of any script: a log in Cyrillic or Greek
# has words too ([^\W\d_] is a letter, [^\W_] a letter or digit).
_PLACEHOLDER = r"<[A-Z_*]+>"
TOKEN_PATTERN = _PLACEHOLDER + r"|[^\W\d_][\w.\-]*[^\W_]|[^\W\d_]"
# The ASCII-only pattern of models saved before the model kept its own: such a model reads text as it was fitted.
LEGACY_TOKEN_PATTERN = _PLACEHOLDER + r"|[A-Za-z][\w.\-]*[A-Za-z0-9]|[A-Za-z]"


@dataclass
class Unique:
    """Unique documents of n lines: ``texts`` (u,), ``counts`` (u,), ``inverse`` (n,), -1 for excluded lines."""

    texts: np.ndarray
    counts: np.ndarray
    inverse: np.ndarray

    def broadcast(self, values: np.ndarray, fill: float = np.nan) -> np.ndarray:
        """Per-unique values (u, ...) → per-line values (n, ...); excluded lines get ``fill``."""
        values = np.asarray(values)
        out = np.full((len(self.inverse),) + values.shape[1:], fill,
                      dtype=np.result_type(values.dtype, np.asarray(fill).dtype))
        keep = self.inverse >= 0
        out[keep] = values[self.inverse[keep]]
        return out


def unique_documents(docs: Sequence[str | None], weights: np.ndarray | None = None) -> Unique:
    """De-duplicate n documents (None = excluded line) in order of first appearance; ``weights`` (n,) int
    counts each document that many times (default 1)."""
    codes, uniques = pd.factorize(pd.Series(docs, dtype=object), use_na_sentinel=True)
    keep = codes >= 0
    counts = np.bincount(codes[keep], weights=None if weights is None else np.asarray(weights)[keep],
                         minlength=len(uniques)).astype(np.int64)
    return Unique(np.asarray(uniques, dtype=object), counts, codes.astype(np.int64))


def frame_documents(frame: pd.DataFrame, text: str = "masked", component: bool = False,
                    level: bool = False) -> np.ndarray:
    """One document (str) per row of a parsed frame, None for blank rows.

    ``text`` names the column used (``masked``, ``template`` or ``content``);
    ``component``/``level`` prefix the document with ``component=X``/``level=Y``
    tokens so that the same words from different components stay apart.
    """
    if text not in frame:
        raise KeyError(f"frame has no {text!r} column; run templates.mine_templates first")
    values = frame[text].astype(object)
    # No text is no line, as in a list of lines; without a blank column, neither is whitespace alone.
    missing = values.isna().to_numpy(copy=True)
    if "blank" not in frame:
        missing |= values.fillna("").astype(str).str.strip().eq("").to_numpy()
    docs = values.fillna("").to_numpy(dtype=object)
    for flag, column in ((level, "level"), (component, "component")):
        if flag and column in frame:
            prefix = column + "_" + frame[column].astype(object).fillna("-").astype(str) + " "
            docs = prefix.to_numpy(dtype=object) + docs
    if "blank" in frame:
        missing = missing | frame["blank"].to_numpy(dtype=bool)
    return np.where(missing, None, docs)



def severity(levels: pd.Series) -> np.ndarray:
    """Severity rank (n,) of level names: 0 routine or unknown, 1 warning, 2 error, 3 fatal."""
    names = levels.astype(object).fillna("").astype(str).str.upper().str.strip("[]<> ")
    # Levels such as "core:error" (Apache 2.4) or "Server thread/WARN" carry the severity after the colon or slash.
    names = names.str.replace(r"^.*[:/]", "", regex=True)
    grades = names.map(SEVERITY).fillna(0)
    # Among letters no level alphabet has (WebSphere's O and R beside its A, audit), a letter that grades differently
    # in another alphabet is this program's own: no grade.
    if (names.str.fullmatch("[A-Z]") & ~names.str.fullmatch(f"[{GRADED_LETTERS}]")).any():
        grades[names.isin(BORROWED_LETTERS)] = 0
    return grades.to_numpy(dtype=float)


_PLACEHOLDERS = re.compile(f"({_PLACEHOLDER})")


def word_presence(texts: Sequence[str], ngram_range: tuple[int, int] = (1, 2)) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Which words and word pairs (t names) each text (u) has, as a (u, t) 0/1 matrix: the log's own words, no
    masking placeholder (TF-IDF lower-cases ``<IP>`` to a word ``ip``, as common as the addresses it hides)."""
    def lower_words(text: str) -> str:
        return "".join(part if i % 2 else part.lower() for i, part in enumerate(_PLACEHOLDERS.split(text)))

    vectorizer = CountVectorizer(token_pattern=TOKEN_PATTERN, preprocessor=lower_words, ngram_range=ngram_range,
                                 binary=True, dtype=np.float32)
    try:
        matrix = vectorizer.fit_transform([str(t) for t in texts])
    except ValueError:  # no word at all
        return sparse.csr_matrix((len(texts), 0), dtype=np.float32), np.array([], dtype=object)
    names = vectorizer.get_feature_names_out()
    words = np.array(["<" not in name for name in names], dtype=bool)
    return matrix[:, words].tocsr(), names[words]


class WeightedTfidf(BaseEstimator, TransformerMixin):
    """TF-IDF fitted on unique documents with line counts as weights; sparse output.

    Fitting on (unique documents, counts) gives the same vocabulary and IDF as
    scikit-learn's TfidfVectorizer fitted on every line, at a fraction of the cost.

    Parameters
    ----------
    ngram_range : tuple, default (1, 2)
        Word n-gram range (the seed used (4, 4); see benchmarks for the choice).
    min_df : int, default 1
        Minimum number of lines (not unique documents) a term must appear in.
    max_features : int or None, default 50_000
        Keep the most frequent terms (by line count).
    sublinear_tf, norm : as in TfidfTransformer.
    """

    def __init__(self, ngram_range: tuple[int, int] = (1, 2), min_df: int = 1,
                 max_features: int | None = 50_000, sublinear_tf: bool = True, norm: str = "l2") -> None:
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features
        self.sublinear_tf = sublinear_tf
        self.norm = norm

    def fit(self, docs: Sequence[str], y=None, sample_weight: np.ndarray | None = None) -> "WeightedTfidf":
        """Learn vocabulary and IDF from u documents with weights (u,) (default 1 each)."""
        self.fit_transform(docs, sample_weight=sample_weight)
        return self

    def fit_transform(self, docs: Sequence[str], y=None, sample_weight: np.ndarray | None = None) -> sparse.csr_matrix:
        """Fit, then return the TF-IDF matrix (u, n_terms) of the same documents."""
        weights = np.ones(len(docs)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
        self.token_pattern_ = TOKEN_PATTERN
        self.vectorizer_ = self._vectorizer()
        counts = self.vectorizer_.fit_transform(docs)
        counts = self._prune(counts, weights)
        # Document frequency counted in lines: each unique document stands for `weights` lines.
        df = np.asarray((counts > 0).T @ weights).ravel()
        n_lines = weights.sum()
        self.transformer_ = TfidfTransformer(norm=self.norm, sublinear_tf=self.sublinear_tf)
        self.transformer_.fit(counts[:1])
        self.transformer_.idf_ = np.log((1 + n_lines) / (1 + df)) + 1
        self.document_frequency_ = df
        return self.transformer_.transform(counts)

    def _vectorizer(self) -> CountVectorizer:
        return CountVectorizer(token_pattern=self.token_pattern_, preprocessor=_TermsOrMark(self.token_pattern_),
                               ngram_range=self.ngram_range, dtype=np.float64)

    def _prune(self, counts: sparse.csr_matrix, weights: np.ndarray) -> sparse.csr_matrix:
        """Apply min_df and max_features in line counts; the vocabulary is renumbered."""
        line_df = np.asarray((counts > 0).T @ weights).ravel()
        keep = np.flatnonzero(line_df >= self.min_df)
        if self.max_features is not None and len(keep) > self.max_features:
            # Stable sort so ties keep vocabulary (alphabetical) order: deterministic.
            order = np.argsort(-line_df[keep], kind="stable")[: self.max_features]
            keep = np.sort(keep[order])
        if len(keep) == 0:
            raise ValueError("no terms left after pruning; lower min_df or check the input")
        names = self.vectorizer_.get_feature_names_out()[keep]
        self.vectorizer_.vocabulary_ = {name: i for i, name in enumerate(names)}
        return counts[:, keep].tocsr()

    def transform(self, docs: Sequence[str]) -> sparse.csr_matrix:
        """TF-IDF matrix (n_docs, n_terms), L2-normalised rows by default."""
        check_is_fitted(self, "vectorizer_")
        return self.transformer_.transform(self.vectorizer_.transform(docs))

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Term names (n_terms,)."""
        check_is_fitted(self, "vectorizer_")
        return self.vectorizer_.get_feature_names_out()

    @property
    def idf_(self) -> np.ndarray:
        """Inverse document frequency per term (n_terms,), counted in lines."""
        return self.transformer_.idf_

    def get_state(self) -> tuple[dict, dict[str, np.ndarray]]:
        """The fitted model as plain data: (parameters and terms in column order, {idf, document_frequency})."""
        values = {"params": {**self.get_params(), "ngram_range": list(self.ngram_range)},
                  "terms": [str(t) for t in self.get_feature_names_out()], "token_pattern": self.token_pattern_}
        return values, {"idf": self.idf_, "document_frequency": self.document_frequency_}

    @classmethod
    def from_state(cls, values: dict, arrays: dict[str, np.ndarray]) -> "WeightedTfidf":
        """Inverse of :meth:`get_state`: the same vocabulary, IDF and output, without refitting."""
        params = dict(values["params"])
        tfidf = cls(**{**params, "ngram_range": tuple(params["ngram_range"])})
        terms = [str(t) for t in values["terms"]]
        tfidf.token_pattern_ = str(values.get("token_pattern", LEGACY_TOKEN_PATTERN))
        tfidf.vectorizer_ = tfidf._vectorizer()
        tfidf.vectorizer_.vocabulary_ = {term: i for i, term in enumerate(terms)}
        tfidf.transformer_ = TfidfTransformer(norm=tfidf.norm, sublinear_tf=tfidf.sublinear_tf)
        tfidf.transformer_.fit(sparse.csr_matrix((1, len(terms))))
        tfidf.transformer_.idf_ = np.asarray(arrays["idf"], dtype=np.float64)
        tfidf.document_frequency_ = np.asarray(arrays["document_frequency"], dtype=np.float64)
        if tfidf.transformer_.idf_.shape != (len(terms),) or tfidf.document_frequency_.shape != (len(terms),) \
                or len(set(terms)) != len(terms):
            raise ValueError(f"TF-IDF state of {len(terms)} terms with {tfidf.transformer_.idf_.shape} idf and "
                             f"{tfidf.document_frequency_.shape} document frequencies")
        return tfidf


class _TermsOrMark:
    """A vectorizer's preprocessor: a document lower-cased (as ``lowercase=True`` would), or :data:`NO_TERMS`
    after it when ``pattern`` finds no term in it."""

    def __init__(self, pattern: str) -> None:
        self.term = re.compile(pattern)

    def __call__(self, doc: str) -> str:
        doc = doc.lower()
        return doc if self.term.search(doc) else f"{doc} {NO_TERMS}"


# --------------------------------------------------------------------------- structure
_PUNCT_GROUPS = ("[]", "()", "{}", "<>", ":", "=", "/\\", ".", ",;", "-_", "\"'`", "#@$%&*+|^~!?")
SHAPE_NAMES = ("chars", "tokens", "letters", "digits", "upper", "spaces", "punct", "other",
               *(f"punct {g}" for g in _PUNCT_GROUPS))


# Character classes of shape_features: letters, digits, spaces, the punctuation groups, anything else.
_LETTER, _DIGIT, _SPACE, _OTHER = 0, 1, 2, 3 + len(_PUNCT_GROUPS)
_UPPER = _OTHER + 1  # a column of upper-case letters, beside the classes
_PUNCT_COLUMN = {c: 3 + i for i, group in enumerate(_PUNCT_GROUPS) for c in group}
# Characters a batch of shape_features holds (UTF-32 code units); bounds its temporary arrays.
_SHAPE_BATCH = 1 << 22


def shape_features(texts: Sequence[str]) -> np.ndarray:
    """Shape of each text (u, len(SHAPE_NAMES)): log length and token count, character-class shares,
    and the share of each punctuation group among the punctuation."""
    texts = texts.to_numpy() if isinstance(texts, pd.Series) else \
        texts if isinstance(texts, (list, tuple, np.ndarray)) else list(texts)
    out = np.zeros((len(texts), len(SHAPE_NAMES)))
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    ends = np.cumsum(lengths)
    start = 0
    while start < len(texts):
        done = int(ends[start - 1]) if start else 0
        stop = max(start + 1, int(np.searchsorted(ends, done + _SHAPE_BATCH)))
        counts = _class_counts(texts[start:stop], np.concatenate([[0], ends[start:stop] - done]))
        n = np.maximum(lengths[start:stop], 1)
        letters, punct = counts[:, _LETTER], counts[:, 3:_OTHER]
        total = punct.sum(axis=1)
        tokens = np.fromiter((len(t.split()) for t in texts[start:stop]), dtype=np.int64, count=stop - start)
        out[start:stop, :8] = np.column_stack([
            np.log1p(lengths[start:stop]), np.log1p(tokens), letters / n, counts[:, _DIGIT] / n,
            counts[:, _UPPER] / np.maximum(letters, 1), counts[:, _SPACE] / n, total / n, counts[:, _OTHER] / n])
        out[start:stop, 8:] = punct / np.maximum(total, 1.0)[:, None]
        start = stop
    return out


def _class_counts(texts: Sequence[str], offsets: np.ndarray) -> np.ndarray:
    """Per text (b, _UPPER + 1) of texts whose characters start at ``offsets`` (b + 1,) when joined: its
    characters of each class, then its upper-case letters; non-ASCII letters count as letters and as other. Each
    distinct character is classified once."""
    codes = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    # Distinct characters by a count over code points: a sort of every character took most of the time.
    chars = np.flatnonzero(np.bincount(codes)) if len(codes) else np.zeros(0, dtype=np.int64)
    position = np.zeros(chars[-1] + 1 if len(chars) else 1, dtype=np.int64)
    position[chars] = np.arange(len(chars))
    inverse = position[codes]
    kinds = np.zeros((len(chars), _UPPER + 1))
    for row, ch in enumerate(map(chr, chars.tolist())):
        if ch.isalpha():
            kinds[row, [_LETTER, _UPPER, _OTHER]] = (1, ch.isupper(), not ch.isascii())
        else:
            kinds[row, _DIGIT if ch.isdigit() else _SPACE if ch.isspace() else _PUNCT_COLUMN.get(ch, _OTHER)] = 1
    # Row i of this sparse matrix holds one entry per character of text i; repeats add up in the product.
    per_text = sparse.csr_matrix((np.ones(len(codes)), inverse, offsets), shape=(len(texts), len(chars)))
    return per_text @ kinds


class StructureModel:
    """How unlike the rest of its file a line's structure is, in surprise units (−log probability).

    Two parts, summed: the line matches none of the file's layouts
    (``unparsed_surprise_``, the log-odds of a line not parsing, paid per
    line by those lines; 0 when most lines do not parse), and the mean
    over :func:`shape_features` of −log of the line-weighted share of lines in
    the same histogram bin (a histogram-based outlier score, HBOS) relative to
    the most common bin. Fitted on unique texts with line counts.

    Parameters
    ----------
    bins : int, default 10
        Equal-width bins per shape feature, over the fitted range; values
        outside it fall in an empty bin.
    """

    def __init__(self, bins: int = 10) -> None:
        self.bins = bins

    def fit(self, texts: Sequence[str], counts: np.ndarray, unparsed_share: float = 0.0) -> "StructureModel":
        """Fit on u texts, their line counts (u,) and the share of the lines that did not parse."""
        counts = np.asarray(counts, dtype=float)
        shapes = shape_features(texts)
        self.low_, self.high_ = shapes.min(axis=0), shapes.max(axis=0)
        share = np.zeros((shapes.shape[1], self.bins + 1))  # last column: outside the fitted range
        for j, column in enumerate(self._bin(shapes).T):
            share[j] = np.bincount(column, weights=counts, minlength=self.bins + 1) / counts.sum()
        # Surprise relative to the most common bin: a file of one shape scores 0 everywhere.
        floor = 0.5 / counts.sum()
        self.surprise_ = np.log(share.max(axis=1, keepdims=True) / np.maximum(share, floor))
        # Log-odds against not parsing; a fit where every line parsed makes it as rare as can be.
        bad = max(float(unparsed_share), floor)
        self.unparsed_surprise_ = float(np.log((1.0 - bad) / bad)) if bad < 0.5 else 0.0
        return self

    def to_dict(self) -> dict:
        """The fitted state as plain JSON-able lists."""
        return {"bins": self.bins, "low_": self.low_.tolist(), "high_": self.high_.tolist(),
                "surprise_": self.surprise_.tolist(), "unparsed_surprise_": self.unparsed_surprise_}

    @classmethod
    def from_dict(cls, state: dict) -> "StructureModel":
        """A model from :meth:`to_dict`."""
        model = cls(bins=int(state["bins"]))
        for key in ("low_", "high_", "surprise_"):
            setattr(model, key, np.asarray(state[key], dtype=float))
        model.unparsed_surprise_ = float(state["unparsed_surprise_"])
        n = len(shape_features(["x"])[0])
        if model.low_.shape != (n,) or model.high_.shape != (n,) or model.surprise_.shape != (n, model.bins + 1):
            raise ValueError(f"structure state of shapes {model.low_.shape}, {model.high_.shape}, "
                             f"{model.surprise_.shape}; expected ({n},), ({n},), ({n}, {model.bins + 1})")
        return model

    def _bin(self, shapes: np.ndarray) -> np.ndarray:
        width = np.where(self.high_ > self.low_, self.high_ - self.low_, 1.0)
        idx = np.floor((shapes - self.low_) / width * self.bins).astype(np.int64)
        idx = np.minimum(idx, self.bins - 1)  # the maximum belongs to the last bin
        outside = (shapes < self.low_ - 1e-12) | (shapes > self.high_ + 1e-12)
        return np.where(outside, self.bins, idx)

    def score(self, texts: Sequence[str]) -> np.ndarray:
        """Shape surprise (u,) of texts; a line that did not parse adds ``unparsed_surprise_``."""
        binned = self._bin(shape_features(texts))
        return self.surprise_[np.arange(binned.shape[1])[None, :], binned].mean(axis=1)


class NoveltyModel:
    """How much of a message is made of tokens the fit never saw, in surprise units (nats).

    One unseen token costs −log of the Good–Turing chance that the next token is
    new: (types seen in exactly one fitted line + 1) / (token occurrences + 1);
    the more settled the fitted vocabulary, the stronger the evidence. A
    message's novelty is that cost times the share of its tokens (repeats
    counted, :data:`TOKEN_PATTERN`, lower-cased, after masking) outside the
    fitted vocabulary: 0 for every fitted message, the full cost for a
    message of new words only. Fitted on unique texts with line counts.
    """

    def fit(self, texts: Sequence[str], counts: np.ndarray) -> "NoveltyModel":
        """Fit on u texts and their line counts (u,)."""
        self.token_pattern = TOKEN_PATTERN
        analyzer = self._analyzer()
        lines: dict[str, float] = {}
        occurrences = 0.0
        for text, count in zip(texts, np.asarray(counts, dtype=float)):
            tokens = analyzer(text)
            occurrences += count * len(tokens)
            for token in set(tokens):
                lines[token] = lines.get(token, 0.0) + count
        singles = sum(1 for n in lines.values() if n == 1)
        self.vocabulary_ = frozenset(lines)
        self.unseen_surprise_ = float(np.log((occurrences + 1) / (singles + 1)))
        return self

    def _analyzer(self):
        return CountVectorizer(token_pattern=self.token_pattern, lowercase=True).build_analyzer()

    def to_dict(self) -> dict:
        """The fitted state as plain JSON-able values (the vocabulary sorted)."""
        return {"vocabulary_": sorted(self.vocabulary_), "unseen_surprise_": self.unseen_surprise_,
                "token_pattern": self.token_pattern}

    @classmethod
    def from_dict(cls, state: dict) -> "NoveltyModel":
        """A model from :meth:`to_dict`."""
        model = cls()
        model.vocabulary_ = frozenset(str(t) for t in state["vocabulary_"])
        model.unseen_surprise_ = float(state["unseen_surprise_"])
        model.token_pattern = str(state.get("token_pattern", LEGACY_TOKEN_PATTERN))
        return model

    def share(self, texts: Sequence[str]) -> np.ndarray:
        """Share of each text's tokens (u,) outside the fitted vocabulary; 0 for a text without tokens."""
        analyzer = self._analyzer()
        out = np.zeros(len(texts))
        for i, text in enumerate(texts):
            tokens = analyzer(text)
            if tokens:
                out[i] = sum(t not in self.vocabulary_ for t in tokens) / len(tokens)
        return out

    def score(self, texts: Sequence[str]) -> np.ndarray:
        """Novelty surprise (u,) of texts: unseen-token share times ``unseen_surprise_``."""
        return self.share(texts) * self.unseen_surprise_


def periodic_keys(keys: np.ndarray, times: pd.Series, min_count: int = 3,
                  tolerances: Sequence[float] = (0.1, 0.01, 0.001),
                  alpha: float = 0.01, min_cover: float = 0.5, min_fill: float = 0.5,
                  lines: np.ndarray | None = None, weights: np.ndarray | None = None, step: int | None = None,
                  keep: int = TIMES_KEPT) -> set:
    """Keys (e.g. messages, or their integer codes, -1 for none) of lines (n,) whose timestamps (n,) recur at a
    regular period across the file.

    The period is the key's median gap between distinct times. Of c
    occurrences, k lie within a tolerance τ (in periods) of one beat grid
    (extra runs and missed beats are allowed). By chance an occurrence is on
    the grid with probability q = 2τ + r / period (r: the step the
    timestamps lie on, e.g. a second or a minute), and fitting the period
    and phase puts about two on it, so at τ the key is periodic when
    P(X ≥ k − 2) < ``alpha`` for X ~ Binomial(c − 2, q): many occurrences
    near the grid, or a few exactly on it (a nightly job seen on three
    days). Each tolerance is tested at ``alpha``, so a key of random times
    passes one of them with a chance of at most len(``tolerances``) ·
    ``alpha``. It must also have at least ``min_count`` occurrences spanning
    at least ``min_cover`` of the file's time range, and they fill at least
    ``min_fill`` of the beats in that span: a daily or hourly routine, not a
    burst of repeats or a fault that shows at every poll during a few
    outages. A key whose times fail but clump into runs (a nightly job's
    lines, seconds apart) is tested on the first time of each run (of each
    end, for a frequent key).

    A frequent key, of at least 2 · ``keep`` distinct times, is read from
    its ``keep`` earliest and ``keep`` latest: each end must be on a grid
    of its own (a period read to the second drifts off one grid over
    thousands of beats, and a service may change its interval), its span is
    theirs, and its fill is taken at the longer of their periods, its
    distinct times estimated (integer keys with ``lines`` given) as its
    ``lines[code]`` times the distinct times per line of its two ends
    (``weights``: the lines at each given time (n,), one when None).
    ``step``: the step in ns every line's time lies on, when the times
    given are not every line's. So what a bounded first pass keeps
    (:func:`streaming.bound_times`) gives the same answer as every time.
    """
    parsed = pd.to_datetime(pd.Series(times), errors="coerce")
    seconds = elapsed_seconds(parsed)
    span = float(np.nanmax(seconds)) if len(seconds) and not np.isnan(seconds).all() else 0.0
    if span <= 0:
        return set()
    resolution = _resolution(parsed) if step is None else max(int(step), 1) / 1e9
    keys = np.asarray(keys)
    weights = np.ones(len(keys), dtype=np.int64) if weights is None else np.asarray(weights)
    codes, names = (keys, None) if keys.dtype.kind in "iu" else pd.factorize(pd.Series(keys, dtype=object))
    valid = (codes >= 0) & ~np.isnan(seconds)
    if not valid.all():
        codes, seconds, weights = codes[valid], seconds[valid], weights[valid]
    # Sorted by key, then time: each key's times are one slice (integer arrays, no per-line objects). One
    # array at a time: a long log has a pair per line.
    order = np.lexsort((seconds, codes))
    seconds, codes, weights = seconds[order], codes[order], weights[order]
    del order
    bounds = np.flatnonzero(codes[1:] != codes[:-1]) + 1
    beat = _BeatTest(min_count, min_cover * span, min_fill, np.asarray(tolerances, dtype=float), resolution, alpha)
    out = set()
    for lo, hi in zip(np.concatenate([[0], bounds]), np.concatenate([bounds, [len(codes)]])):
        t = seconds[lo:hi]
        first = np.flatnonzero(np.concatenate([[True], t[1:] != t[:-1]]))
        t = t[first]
        count, blocks = len(t), [t]
        if count >= 2 * keep:
            blocks = [t[:keep], t[-keep:]]
            if lines is not None and names is None:
                at = np.add.reduceat(weights[lo:hi], first)
                count = lines[codes[lo]] * 2 * keep / (at[:keep].sum() + at[-keep:].sum())
        # A job that writes several lines a run recurs as its runs: their starts are tested when its own times fail.
        if beat.passes(blocks, count) or beat.passes_runs(blocks, count):
            out.add(codes[lo] if names is None else names[codes[lo]])
    return out


@dataclass(frozen=True)
class _BeatTest:
    """:func:`periodic_keys`' test of one key's distinct times: enough of them (``min_count``) over ``cover``
    seconds, filling ``min_fill`` of the beats, near one grid (:func:`_on_beat`)."""

    min_count: int
    cover: float
    min_fill: float
    levels: np.ndarray
    resolution: float
    alpha: float

    def passes(self, blocks: list[np.ndarray], count: float) -> bool:
        """Whether times in ``blocks`` (each (c,) sorted, one grid each) of ``count`` distinct times recur."""
        if count < self.min_count or blocks[-1][-1] - blocks[0][0] < self.cover:
            return False
        first, last = blocks[0][0], blocks[-1][-1]
        periods = [float(np.median(np.diff(b))) for b in blocks]
        if min(periods) <= 0 or count < self.min_fill * ((last - first) / max(periods) + 1):
            return False
        return all(_on_beat(b, p, self.levels, self.resolution, self.alpha) for b, p in zip(blocks, periods))

    def passes_runs(self, blocks: list[np.ndarray], count: float) -> bool:
        """Whether the first times of the runs in each of ``blocks`` (:func:`_run_starts`) recur, ``count`` distinct
        times read as runs at the blocks' runs per time: a frequent key's two ends are tested as all its times are."""
        starts = [_run_starts(b) for b in blocks]
        if not all(len(s) for s in starts):
            return False
        return self.passes(starts, count * sum(map(len, starts)) / sum(map(len, blocks)))


def _run_starts(t: np.ndarray) -> np.ndarray:
    """The first of each run of sorted distinct times (c,): runs part where a gap exceeds the geometric mean of
    the median and the longest gap, so a nightly job's lines seconds apart are one run a night. Empty unless the
    runs hold two times or more on average, none lasts a tenth of the shortest time between runs (times that do
    not clump have no runs to test) and none holds more than twice the median run's times (a routine's bursts of
    its own lines are no routine)."""
    gaps = np.diff(t)
    if len(gaps) < 3:
        return t[:0]
    first = np.flatnonzero(np.concatenate([[True], gaps > np.sqrt(np.median(gaps) * gaps.max())]))
    last = np.append(first[1:], len(t)) - 1
    sizes, lasting = last - first + 1, t[last] - t[first]
    clumped = len(first) > 1 and 2 * len(first) <= len(t) and lasting.max() <= 0.1 * np.diff(t[first]).min()
    return t[first] if clumped and sizes.max() <= 2 * np.median(sizes) else t[:0]


def _on_beat(t: np.ndarray, period: float, levels: np.ndarray, resolution: float, alpha: float) -> bool:
    """Whether more of the times (c,) lie near one grid of ``period`` than chance allows at some tolerance of
    ``levels`` (see :func:`periodic_keys`)."""
    angle = 2 * np.pi * (t / period)
    grid = np.angle(np.exp(1j * angle).mean())  # the circular mean phase
    off = np.abs(np.angle(np.exp(1j * (angle - grid)))) / (2 * np.pi)  # in periods, 0 ... 0.5
    on_grid = (off[:, None] <= levels).sum(axis=0)
    chance = np.minimum(2 * levels + resolution / period, 1.0)
    return bool(binom.sf(on_grid - 3, len(t) - 2, chance).min() < alpha)


def _resolution(times: pd.Series) -> float:
    """The step (seconds) every time (n,) lies on: the greatest common divisor of their distances (1 ns at least;
    a minute for times written to the minute)."""
    ns = times.dropna().to_numpy(dtype="datetime64[ns]").view(np.int64)
    step = int(np.gcd.reduce(ns - ns.min())) if len(ns) else 0
    return max(step, 1) / 1e9
