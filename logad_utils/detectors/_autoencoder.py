"""Autoencoder anomaly detector: reconstruction error of a dense autoencoder (Keras 3, TensorFlow backend).

A line is anomalous when the autoencoder, trained to reproduce the features of
the log's messages, reproduces its message badly. Like every detector in
:mod:`logad_utils.detectors`, the work runs once per *unique* document: the
network is trained on the u unique masked messages with their line counts as
(damped) sample weights, and the reconstruction errors are broadcast back to
the n lines. Training time therefore grows with u, not n; a million lines of a
log with a few thousand distinct messages train in seconds.

Features
--------
``features="tfidf"``
    :class:`~logad_utils.features.WeightedTfidf` of the masked messages, fitted
    on the unique documents with line counts as weights. The sparse matrix is
    fed to Keras through :class:`SparseBatches`, which densifies one batch at a
    time inside TensorFlow; the whole corpus is never made dense. Output activation: sigmoid
    (TF-IDF values lie in [0, 1]).
``features="bert"``
    :class:`~logad_utils.embeddings.BertEmbedder` vectors (384 floats for the
    default MiniLM) of the unique messages. They are L2-normalised and can be
    negative, so the output layer is linear. Only this path imports torch.

Architecture: ``input → hidden… → latent → reversed(hidden)… → output``, ReLU,
MSE loss, Adam. Widths are capped at the input dimension (a 40-term vocabulary
gets 40-wide layers instead of 512), since a layer wider than the input adds
parameters without capacity to compress.

Keras and TensorFlow are imported inside the methods, so importing this module
is cheap and TF-IDF users never load torch.
"""
from __future__ import annotations

import contextlib
import math
import os
import sys
from typing import Iterator, Sequence

import numpy as np
from scipy import sparse

from .._validation import Integral, Interval, Real, StrOptions, check_fitted, not_fitted
from ..embeddings import (DEFAULT_MODEL, BertEmbedder, _usable_cores, check_same_model, model_digest,
                          resolve_model_path)
from ..features import WeightedTfidf, unique_documents
from ..gc_pause import kept_for_good
from ._base import BaseLogDetector, _load_tfidf, _quantile, _store_tfidf

__all__ = ["AutoencoderDetector", "SparseBatches", "damp_counts", "holdout_split"]

FEATURES = ("tfidf", "bert")
WEIGHTINGS = ("count", "sqrt", "log", "none")
# Bound on the floats made dense at once (64 MiB of float32): one batch while scoring, the validation rows whole.
_DENSE_FLOATS = 16_000_000
_ACTIVATIONS = {
    "relu": lambda z: np.maximum(z, 0.0),
    "sigmoid": lambda z: 0.5 * (1.0 + np.tanh(0.5 * z)),
    "linear": lambda z: z,
}


def _keras():
    """Import keras on the TensorFlow backend (unless the user chose another backend before)."""
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    # TensorFlow's C++ notes (CPU features, no CUDA driver: an "E" line on every CPU machine) are not for
    # someone reading their logs; a user who wants them sets the variable.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if "keras" not in sys.modules:
        # Lines written before TensorFlow sets its log level go straight to the process's stderr.
        # Keras' first import makes objects that live on: collections meanwhile, and every full one after, only walk
        # them.
        with _native_stderr_silenced(), kept_for_good():
            import keras  # noqa: F401
        _use_every_core()
    import keras

    return keras


def _use_every_core() -> None:
    """Let TensorFlow's kernels use every usable core, as BERT's do, unless the user chose a thread count."""
    chosen = {"OMP_NUM_THREADS", "TF_NUM_INTRAOP_THREADS"} & set(os.environ)
    if os.environ.get("KERAS_BACKEND") != "tensorflow" or chosen:
        return
    import tensorflow as tf

    # Its default ran a matrix product on one of this machine's two cores (half the speed of two).
    if tf.config.threading.get_intra_op_parallelism_threads() == 0:
        try:
            tf.config.threading.set_intra_op_parallelism_threads(_usable_cores())
        except RuntimeError:  # TensorFlow already ran something: its setting stays
            pass


@contextlib.contextmanager
def _native_stderr_silenced() -> Iterator[None]:
    """Send what native code writes to file descriptor 2 to the null device; Python exceptions still propagate."""
    if sys.stderr is not None:
        sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no descriptor 2 (a detached process): nothing to silence
        yield
        return
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
            try:
                yield
            finally:
                os.dup2(saved, 2)
    finally:
        os.close(saved)


def damp_counts(counts: np.ndarray, weighting: str = "sqrt") -> np.ndarray:
    """Sample weights (u,) from line counts (u,), scaled to mean 1.

    ``count``: the counts themselves (training on the unique rows then equals
    training on every line, up to batch composition); ``sqrt`` / ``log``
    (1 + log count): damped, so the few messages that fill most of a log do not
    drown the rare-but-normal ones; ``none``: every unique message weighs 1.
    The mean-1 scaling keeps the loss on the same scale whatever the counts.
    """
    counts = np.asarray(counts, dtype=float)
    if weighting == "count":
        w = counts
    elif weighting == "sqrt":
        w = np.sqrt(counts)
    elif weighting == "log":
        w = 1.0 + np.log(np.maximum(counts, 1.0))
    elif weighting == "none":
        w = np.ones_like(counts)
    else:
        raise ValueError(f"weighting must be one of {WEIGHTINGS}, got {weighting!r}")
    w = np.where(counts > 0, w, 0.0)
    mean = w[w > 0].mean() if (w > 0).any() else 1.0
    return (w / mean).astype(np.float32)


def holdout_split(counts: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Split line counts (u,) into (train, validation) counts (u,), (u,), as a line-level holdout would.

    Each unique message's lines go to validation independently with
    probability ``fraction`` (a seeded binomial draw), which is what Keras'
    ``validation_split`` does to shuffled lines, without materialising them:
    frequent messages land on both sides, a singleton on one. At least one
    line stays on the training side.
    """
    counts = np.asarray(counts, dtype=np.int64)
    if fraction <= 0:
        return counts.copy(), np.zeros_like(counts)
    rng = np.random.default_rng(seed)
    val = rng.binomial(counts, fraction)
    train = counts - val
    if train.sum() == 0:  # tiny input: keep the largest message for training
        i = int(np.argmax(counts))
        train[i], val[i] = 1, val[i] - 1
    return train, val


def _as_float32(matrix) -> sparse.csr_matrix | np.ndarray:
    if sparse.issparse(matrix):
        return sparse.csr_matrix(matrix, dtype=np.float32)
    return np.ascontiguousarray(matrix, dtype=np.float32)


def _dense_rows(matrix, rows) -> np.ndarray:
    """Rows of a CSR or dense matrix as a dense float32 array (len(rows), d)."""
    part = matrix[rows]
    return part.toarray() if sparse.issparse(part) else np.asarray(part)


class SparseBatches:
    """Batches of (x, x, sample_weight) from a CSR or dense matrix (m, d), densified one batch at a time.

    :meth:`dataset` is a ``tf.data.Dataset`` of the batches of every epoch that
    builds each dense batch from the CSR arrays inside TensorFlow: no Python
    runs between steps (a Python generator per batch was a third of the
    training time), and the training rows are never made dense at once. ``shuffle``
    re-orders the rows every epoch with a generator seeded by ``seed``;
    ``min_batches`` repeats (reshuffled) rows so an epoch has at least that
    many steps (small unique sets would otherwise give one or two steps an epoch). Rows read once an epoch in
    order (validation data) whose dense form fits in 64 MiB are batched from it: the same batches.
    """

    def __init__(self, matrix, weights: np.ndarray | None = None, batch_size: int = 256, shuffle: bool = False,
                 seed: int = 0, min_batches: int = 1):
        self.matrix = _as_float32(matrix)
        if sparse.issparse(self.matrix) and not self.matrix.has_canonical_format:
            # One entry per cell, the batch is scattered from them; on a copy, as the caller's matrix is theirs.
            self.matrix = self.matrix.copy()
            self.matrix.sum_duplicates()
        self.weights = None if weights is None else np.asarray(weights, dtype=np.float32)
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.seed = int(seed)
        self.n_batches = max(math.ceil(self.matrix.shape[0] / self.batch_size), int(min_batches))

    def __len__(self) -> int:
        return self.n_batches

    def orders(self, epochs: int) -> np.ndarray:
        """Row order (epochs, r) of each epoch, cut into batches of ``batch_size``: every row once (r = m), or
        ``len(self)`` full batches of rows repeated when ``min_batches`` asks for more."""
        n = self.matrix.shape[0]
        need = n if self.n_batches == math.ceil(n / self.batch_size) else self.n_batches * self.batch_size
        rng = np.random.default_rng(self.seed)
        # int32: every epoch's order is made at once (30 epochs of 300,000 messages: 36 MB, not 72).
        drawn = [np.concatenate([rng.permutation(n) if self.shuffle else np.arange(n)
                                 for _ in range(math.ceil(need / n))])[:need].astype(np.int32)
                 for _ in range(int(epochs) + 1)]
        # The first draw is left out: Keras reshuffled the generator these batches replace once before training,
        # and the same batches keep a fitted model what it was.
        return np.stack(drawn[1:])

    def dataset(self, epochs: int = 1):
        """``tf.data.Dataset`` of ``epochs * len(self)`` batches (x (b, d), x, weights (b,)) float32 in the order of
        :meth:`orders` (without ``weights``: (x, x)); b = ``batch_size``, less for an epoch's last batch."""
        import tensorflow as tf

        if self._in_order() and self.matrix.shape[0] * self.matrix.shape[1] <= _DENSE_FLOATS:
            return self._dense_dataset(int(epochs))
        rows = self._tf_rows()
        weights = None if self.weights is None else tf.constant(self.weights)

        def batch(idx):
            x = rows(idx)
            return (x, x) if weights is None else (x, x, tf.gather(weights, idx))

        epochs_ds = tf.data.Dataset.from_tensor_slices(self.orders(epochs))
        batches = epochs_ds.flat_map(lambda order: tf.data.Dataset.from_tensor_slices(order).batch(self.batch_size))
        # flat_map hides the count, and Keras warns of a dataset that ran out when it cannot know its end.
        return batches.map(batch).apply(tf.data.experimental.assert_cardinality(int(epochs) * len(self))).prefetch(2)

    def _in_order(self) -> bool:
        """Whether every epoch is the rows once, in order (no shuffling, no repeated rows)."""
        return not self.shuffle and self.n_batches == math.ceil(self.matrix.shape[0] / self.batch_size)

    def _dense_dataset(self, epochs: int):
        """The batches of :meth:`dataset` sliced from the dense matrix: the same values, and an iterator over them
        starts in a millisecond where the scatter's function took 20 ms to start (Keras starts two for each
        evaluation of validation data, every epoch)."""
        import tensorflow as tf

        dense = tf.constant(_dense_rows(self.matrix, np.arange(self.matrix.shape[0])))
        parts = (dense, dense) if self.weights is None else (dense, dense, tf.constant(self.weights))
        return tf.data.Dataset.from_tensor_slices(parts).batch(self.batch_size).repeat(epochs).prefetch(2)

    def _tf_rows(self):
        """A TensorFlow function: row ids (b,) int32 -> those rows dense (b, d) float32."""
        import tensorflow as tf

        if not sparse.issparse(self.matrix):
            dense = tf.constant(self.matrix)
            return lambda idx: tf.gather(dense, idx)
        m = self.matrix
        indptr = tf.constant(m.indptr.astype(np.int64))
        indices, data = tf.constant(m.indices.astype(np.int64)), tf.constant(m.data)
        width = int(m.shape[1])

        def rows(idx):
            stored = tf.ragged.range(tf.gather(indptr, idx), tf.gather(indptr, idx + 1))  # (b, stored in row)
            cells = tf.stack([stored.value_rowids(), tf.gather(indices, stored.flat_values)], axis=1)
            shape = tf.stack([tf.size(idx, tf.int64), tf.constant(width, tf.int64)])
            return tf.ensure_shape(tf.scatter_nd(cells, tf.gather(data, stored.flat_values), shape), (None, width))

        return rows


class AutoencoderDetector(BaseLogDetector):
    """Reconstruction error of a dense autoencoder over TF-IDF or BERT vectors of the unique messages.

    Parameters
    ----------
    features : {"tfidf", "bert"}, default "tfidf"
        Input vectors; see the module docstring.
    hidden : tuple of int, default (512, 256)
        Encoder layer widths (the decoder mirrors them); capped at the input dimension.
    latent : int, default 128
        Bottleneck width (``transform`` returns these vectors); capped likewise.
    epochs : int, default 30
        Maximum epochs; early stopping usually ends sooner.
    batch_size : int, default 256
        Unique rows per step.
    learning_rate : float, default 1e-3
        Adam step size.
    weighting : {"count", "sqrt", "log", "none"}, default "count"
        Sample weight of a unique message from its line count (:func:`damp_counts`).
        ``count`` trains as if on every line (the seed's objective). Damped
        weights learn rare-but-normal messages better. Measured (F1 at the
        threshold, mean of 3 seeds, TF-IDF features; ATM sample / Loghub BGL 2k):
        unsupervised count 0.62 / 0.36, sqrt 0.59 / 0.21, log 0.52 / 0.34;
        known-good count 0.37 / 0.64, sqrt 0.61 / 0.22, log 0.88 / 0.21.
        ``count`` is the only weighting that reaches F1 ≥ 0.35 unsupervised and
        ≥ 0.45 known-good on BGL, hence the default; ``log`` is the better
        choice for known-good runs on logs like the ATM sample.
    validation_fraction : float, default 0.1
        Share of lines held out (per message, seeded: :func:`holdout_split`) for
        early stopping on ``val_loss``; 0 stops on the training loss instead.
    patience : int, default 3
        Epochs without improvement before early stopping (the best weights are restored).
    floor_quantile : float in [0, 1], default 0.5
        A message's reconstruction error counts as at least this quantile of the
        training lines' errors (``error_floor_``; 0 keeps every error as it is):
        a message reproduced better than the median line is no more normal than
        it. On a big log the network learns the few messages that fill most of
        its lines to a fraction of every other error (1M generated journal lines,
        26 epochs: the most frequent messages fell from 4.5e-4 to 0.4-1e-4, the
        rest stayed near 5e-4); that spread below the median widened the score's
        unit (its line-weighted standard deviation, 5x) and the threshold's floor
        (median + 2 MADs), so the anomalies' errors sank into the structural
        score's noise: ROC-AUC 0.878, F1 0.21 where one epoch gave 0.956 / 0.49.
        Measured (unsupervised, mean of 3 seeds; ROC-AUC / PR-AUC / F1 at the
        threshold), 0 → 0.5: generated journal of 1M lines 0.894 / 0.269 / 0.318
        → 0.961 / 0.533 / 0.541; of 300k lines 0.965 / 0.481 / 0.468 → 0.966 /
        0.486 / 0.467; the ATM sample, Loghub BGL 2k and generated journals of
        20k, 50k and 100k lines within 0.003. Known-good (a clean period fitted),
        F1 and PR-AUC stay, but ROC-AUC falls as the lines below the floor tie
        (300k lines 0.948 → 0.920, the sample 0.988 → 0.984): their order, far
        below the threshold, is no longer told. Damped weightings did not help
        (their network learns the anomalies too: 1M lines, one seed, sqrt 0.880 /
        0.246 / 0.289, log 0.662 / 0.120 / 0.192).
    min_steps_per_epoch : int, default 10
        Rows are repeated so that an epoch has at least this many steps: a log
        of 150 distinct messages would otherwise get one step an epoch. Costs are
        bounded by ``epochs · max(u / batch_size, min_steps_per_epoch)`` steps.
    text : str, default "masked"
        Frame column used as the document.
    ngram_range : tuple, default (1, 1)
        TF-IDF word n-grams.
    max_features : int or None, default 20000
        TF-IDF vocabulary cap (most frequent terms by line count).
    bert_model : str or None, default None
        Model for ``features="bert"`` (None = the embeddings module's default).
    bert_batch_size : int, default 64
    bert_device : str, default "auto"
    cache_dir : str or None, default None
        BertEmbedder's vector cache folder.
    log_dir : str or None, default None
        When set, a ``keras.callbacks.TensorBoard`` callback writes the epoch
        scalars (loss, val_loss) under ``log_dir/train`` and ``log_dir/validation``.
    verbose : int, default 0
        Keras ``fit`` verbosity.
    contamination : float or "auto", default "auto"
    percentile : float or None, default None
        Threshold = this percentile of the training line scores (the seed used
        95, which flags 5 % of any log); None uses ``contamination`` (a
        fraction or "auto"). See :class:`~logad_utils.detectors.BaseLogDetector`.
    severity_weight : float, default 1.0
        As in the base class: added per level-severity step, in units of the
        training scores' standard deviation.
    structure_weight : float, default 3.0
        As in the base class, but half as much again: an autoencoder learns to
        reconstruct any message it sees a few dozen times, so a run of foreign
        lines soon scores as ordinary on its own; their shape still stands out.
        Chosen by leave-one-system-out (``benchmarks/bench_transfer.py``).
    novelty_weight, routine : see :class:`~logad_utils.detectors.BaseLogDetector`.
    random_state : int, default 0
        Seeds Keras (``keras.utils.set_random_seed``), weight initialisers,
        shuffling and the holdout.

    Attributes
    ----------
    autoencoder_, encoder_ : keras.Model
        The trained network and its input → latent half (not kept by a saved
        and loaded detector, which scores from ``layers_``).
    layers_ : list of (kernel (a, b), bias (b,), activation)
        The trained Dense layers in float64, what scoring and ``transform`` use.
    history_ : dict
        ``{"loss": [...], "val_loss": [...]}`` per epoch, for training curves.
    tfidf_ : WeightedTfidf (tfidf features) ; embedder_ : BertEmbedder (bert features)
    n_features_in_ : int
        Input dimension; ``layer_sizes_`` the encoder widths actually used.
    decision_scores_, threshold_, labels_ : as in the base class.

    Notes
    -----
    Two fits with the same ``random_state`` on the same input and thread count
    give the same network. Scores are computed in NumPy from the trained
    weights (see :meth:`_forward`), so a saved and reloaded detector gives
    bit-identical scores.
    """

    _parameter_constraints: dict = {
        **BaseLogDetector._parameter_constraints,
        "features": [StrOptions(set(FEATURES))],
        "hidden": [tuple, list],
        "latent": [Interval(Integral, 1, None, closed="left")],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "weighting": [StrOptions(set(WEIGHTINGS))],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "patience": [Interval(Integral, 0, None, closed="left")],
        "floor_quantile": [Interval(Real, 0, 1, closed="both")],
        "min_steps_per_epoch": [Interval(Integral, 1, None, closed="left")],
        "text": [str],
        "ngram_range": [tuple],
        "max_features": [None, Interval(Integral, 1, None, closed="left")],
        "bert_model": [None, str],
        "bert_batch_size": [Interval(Integral, 1, None, closed="left")],
        "bert_device": [str],
        "cache_dir": [None, str, os.PathLike],
        "log_dir": [None, str, os.PathLike],
        "verbose": ["verbose"],
        "random_state": [Interval(Integral, 0, None, closed="left")],
    }

    def __init__(self, features: str = "tfidf", hidden: Sequence[int] = (512, 256), latent: int = 128,
                 epochs: int = 30, batch_size: int = 256, learning_rate: float = 1e-3, weighting: str = "count",
                 validation_fraction: float = 0.1, patience: int = 3, floor_quantile: float = 0.5,
                 min_steps_per_epoch: int = 10,
                 text: str = "masked", ngram_range: tuple[int, int] = (1, 1), max_features: int | None = 20_000,
                 bert_model: str | None = None, bert_batch_size: int = 64, bert_device: str = "auto",
                 cache_dir: str | None = None, log_dir: str | None = None, verbose: int = 0,
                 contamination: float | str = "auto", percentile: float | None = None,
                 severity_weight: float = 1.0, structure_weight: float = 3.0,
                 novelty_weight: float = 1.0, routine: bool = True,
                 random_state: int = 0) -> None:
        super().__init__(contamination=contamination, percentile=percentile, severity_weight=severity_weight,
                         structure_weight=structure_weight, novelty_weight=novelty_weight,
                         routine=routine)
        self.features = features
        self.hidden = hidden
        self.latent = latent
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.weighting = weighting
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.floor_quantile = floor_quantile
        self.min_steps_per_epoch = min_steps_per_epoch
        self.text = text
        self.ngram_range = ngram_range
        self.max_features = max_features
        self.bert_model = bert_model
        self.bert_batch_size = bert_batch_size
        self.bert_device = bert_device
        self.cache_dir = cache_dir
        self.log_dir = log_dir
        self.verbose = verbose
        self.random_state = random_state

    # -- features ----------------------------------------------------------
    def _check_widths(self) -> None:
        if any(not isinstance(h, Integral) or h < 1 for h in self.hidden):
            raise ValueError(f"hidden widths must be positive integers, got {self.hidden!r}")

    def _make_embedder(self, max_length: int | None = None) -> BertEmbedder:
        return BertEmbedder(model=self.bert_model or DEFAULT_MODEL, max_length=max_length,
                            batch_size=self.bert_batch_size, device=self.bert_device,
                            cache_dir=self.cache_dir, progress=False)

    def _new_embedder(self) -> BertEmbedder | None:
        return self._make_embedder() if self.features == "bert" else None

    def _fit_features(self, texts: np.ndarray, counts: np.ndarray):
        """Fit the featuriser on the unique texts (u,) with counts (u,); return their vectors (u, d)."""
        if self.features == "tfidf":
            self.tfidf_ = WeightedTfidf(ngram_range=tuple(self.ngram_range), max_features=self.max_features)
            return _as_float32(self.tfidf_.fit_transform(list(texts), sample_weight=counts))
        self.embedder_ = self._new_embedder()
        self.embedder_.fit(list(texts))
        return _as_float32(self.embedder_.transform(list(texts)))

    def _vectors(self, texts: Sequence[str]):
        """Feature rows (m, d) of texts: sparse CSR for tfidf, dense for bert."""
        if self.features == "tfidf":
            return _as_float32(self.tfidf_.transform(list(texts)))
        return _as_float32(self.embedder_.transform(list(texts)))

    # -- network -----------------------------------------------------------
    def _widths(self, d: int) -> tuple[list[int], int]:
        hidden = [min(int(h), d) for h in self.hidden]
        return hidden, min(int(self.latent), d)

    def _build(self, d: int, output_bias: np.ndarray | None = None, steps_per_epoch: int = 1):
        keras = _keras()
        hidden, latent = self._widths(d)
        seed = int(self.random_state)

        def dense(width: int, activation: str | None, name: str, k: int):
            return keras.layers.Dense(width, activation=activation, name=name,
                                      kernel_initializer=keras.initializers.GlorotUniform(seed=seed + k))

        inputs = keras.Input(shape=(d,), name="features")
        x, k = inputs, 0
        for i, w in enumerate(hidden):
            x = dense(w, "relu", f"enc_{i}", k)(x)
            k += 1
        code = dense(latent, "relu", "latent", k)(x)
        x, k = code, k + 1
        for i, w in enumerate(reversed(hidden)):
            x = dense(w, "relu", f"dec_{i}", k)(x)
            k += 1
        out_act = "sigmoid" if self.features == "tfidf" else "linear"
        out_layer = dense(d, out_act, "reconstruction", k)
        outputs = out_layer(x)
        if output_bias is not None:
            out_layer.bias.assign(np.asarray(output_bias, dtype=np.float32))
        model = keras.Model(inputs, outputs, name="log_autoencoder")
        # An epoch's steps in one call of the compiled step: the same batches in the same order (the same weights),
        # without Keras' Python between steps (a fifth of the training time on 2 cores, 1M journal lines).
        # (PyTorch's backend, which a user may choose, runs one step a call.)
        steps = 1 if keras.backend.backend() == "torch" else max(1, int(steps_per_epoch))
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=self.learning_rate), loss="mse",
                      steps_per_execution=steps)
        self.layer_sizes_ = hidden + [latent]
        return model

    def _output_bias(self, matrix, counts: np.ndarray) -> np.ndarray:
        """Output-layer bias (d,) that starts the network at the weighted feature mean.

        Without it the first steps of a sigmoid decoder on sparse TF-IDF rows
        spend themselves pushing every output from 0.5 towards 0, which kills
        most ReLU units and leaves a network that outputs the all-zero row
        (loss = 1/d, no anomaly signal). Starting at the mean (logit of it for
        the sigmoid) avoids that transient.
        """
        w = damp_counts(counts, self.weighting).astype(np.float64)
        mean = np.asarray(matrix.T @ w).ravel() / w.sum()
        if self.features == "tfidf":
            p = np.clip(mean, 1e-4, 1 - 1e-4)
            return np.log(p / (1 - p)).astype(np.float32)
        return mean.astype(np.float32)

    def _attach_encoder(self) -> None:
        keras = _keras()
        model = self.autoencoder_
        self.encoder_ = keras.Model(model.input, model.get_layer("latent").output, name="log_encoder")

    # -- BaseLogDetector hooks --------------------------------------------
    def _fit_unique(self, texts: np.ndarray, counts: np.ndarray) -> None:
        self._check_widths()
        keras = _keras()
        keras.utils.set_random_seed(int(self.random_state))
        matrix = self._fit_features(texts, counts)
        self.n_features_in_ = int(matrix.shape[1])

        train_counts, val_counts = holdout_split(counts, self.validation_fraction, int(self.random_state))
        tr = np.flatnonzero(train_counts > 0)
        va = np.flatnonzero(val_counts > 0)
        bs = int(self.batch_size)
        train = SparseBatches(matrix[tr], damp_counts(train_counts[tr], self.weighting), bs, shuffle=True,
                              seed=int(self.random_state), min_batches=int(self.min_steps_per_epoch))
        val_ds = None
        monitor = "loss"
        if len(va):
            val_ds = SparseBatches(matrix[va], damp_counts(val_counts[va], self.weighting), bs).dataset()
            monitor = "val_loss"

        self.autoencoder_ = self._build(self.n_features_in_, self._output_bias(matrix[tr], train_counts[tr]),
                                        len(train))
        callbacks = [keras.callbacks.EarlyStopping(monitor=monitor, patience=int(self.patience),
                                                   restore_best_weights=True)]
        if self.log_dir:
            callbacks.append(keras.callbacks.TensorBoard(log_dir=str(self.log_dir), write_graph=False,
                                                         update_freq="epoch", profile_batch=0))
        # All epochs' batches in one dataset: with steps_per_epoch given, Keras reads on where the last epoch stopped.
        history = self.autoencoder_.fit(train.dataset(int(self.epochs)), steps_per_epoch=len(train),
                                        validation_data=val_ds, epochs=int(self.epochs), callbacks=callbacks,
                                        verbose=self.verbose, shuffle=False)
        self.history_ = {k: [float(v) for v in vals] for k, vals in history.history.items()}
        self.n_epochs_ = len(self.history_.get("loss", []))
        self._attach_encoder()
        self.layers_ = self._dense_layers()
        # Kept for the first scoring pass, which fit runs next: the training rows are not scored twice.
        self.train_errors_ = self.reconstruction_error(matrix)
        # 0 is no floor: the least training error would still raise a new message reproduced better.
        self.error_floor_ = _quantile(self.train_errors_, float(self.floor_quantile), counts) \
            if self.floor_quantile > 0 else -np.inf

    def _score_unique(self, texts: np.ndarray, training: bool) -> np.ndarray:
        if training:
            errors = self.train_errors_
            del self.train_errors_
        else:
            errors = self.reconstruction_error(self._vectors(texts))
        return np.maximum(errors, self.error_floor_)

    def _score_batch_rows(self) -> int:
        return max(1, min(4096, _DENSE_FLOATS // max(1, self.n_features_in_)))

    def _dense_layers(self) -> list[tuple[np.ndarray, np.ndarray, str]]:
        """The trained network as (kernel (a, b) float64, bias (b,) float64, activation name) per Dense layer."""
        layers = [layer for layer in self.autoencoder_.layers if hasattr(layer, "kernel")]
        return [(np.asarray(layer.kernel, dtype=np.float64), np.asarray(layer.bias, dtype=np.float64),
                 layer.get_config()["activation"]) for layer in layers]

    def _forward(self, x: np.ndarray | sparse.csr_matrix, depth: int | None = None) -> np.ndarray:
        """Outputs (m, width) of the first ``depth`` Dense layers (all when None) on rows x (m, d), dense or CSR.

        Scoring runs outside TensorFlow because TF's multi-threaded CPU kernels
        do not fix the order of their sums: the same weights gave scores that
        differed in the last bits from run to run, so a saved and reloaded model
        did not reproduce ``detect``. Float64 NumPy on the saved float32
        weights gives the same bits every time.
        """
        # TF-IDF rows stay sparse through the first layer, the widest: its product then costs the stored cells, not
        # the d columns (half the scoring time of a journal's 3,235 messages of 6,866 terms, the same to 1e-15).
        out = x.astype(np.float64)
        for kernel, bias, activation in self.layers_[:depth]:
            out = _ACTIVATIONS[activation](np.asarray(out @ kernel) + bias)
        return out

    def _check_trained(self) -> None:
        """NotFittedError before the network is trained (fit scores its lines with it before the threshold)."""
        if not hasattr(self, "layers_"):
            raise not_fitted(self)

    def reconstruction_error(self, matrix) -> np.ndarray:
        """Mean squared reconstruction error (m,) of feature rows (m, d), computed one dense batch at a time."""
        self._check_trained()
        m = matrix.shape[0]
        out = np.empty(m, dtype=np.float64)
        step = self._score_batch_rows()
        for start in range(0, m, step):
            stop = min(m, start + step)
            x = _dense_rows(matrix, np.arange(start, stop)).astype(np.float64)
            out[start:stop] = np.mean((x - self._forward(matrix[start:stop])) ** 2, axis=1)
        return out

    def latent_unique(self, matrix) -> np.ndarray:
        """Latent vectors (m, latent) of feature rows (m, d), batch-wise."""
        self._check_trained()
        m = matrix.shape[0]
        depth = len(self.layer_sizes_)
        out = np.empty((m, int(self.layer_sizes_[-1])), dtype=np.float32)
        step = self._score_batch_rows()
        for start in range(0, m, step):
            out[start:start + step] = self._forward(matrix[start:start + step], depth)
        return out

    def transform(self, X) -> np.ndarray:
        """Latent vectors (n, latent) float32 of X's lines, computed per unique document.

        Blank lines (and None strings) get NaN rows; drop them before exporting
        to the embedding projector, which rejects non-finite values.
        """
        check_fitted(self)
        unique = unique_documents(self._documents(X))
        width = int(self.layer_sizes_[-1])
        if len(unique.texts) == 0:
            return np.full((len(unique.inverse), width), np.nan, dtype=np.float32)
        codes = self.latent_unique(self._vectors(unique.texts))
        return unique.broadcast(codes, np.float32(np.nan)).astype(np.float32)

    # -- plain-data state (see logad_utils.persistence) ----------------------
    def _fitted_state(self) -> tuple[dict, dict[str, np.ndarray]]:
        values, arrays = super()._fitted_state()
        values.update(n_features_in_=int(self.n_features_in_), layer_sizes_=[int(x) for x in self.layer_sizes_],
                      n_epochs_=int(self.n_epochs_), history_=self.history_,
                      error_floor_=float(self.error_floor_),
                      activations=[activation for _, _, activation in self.layers_])
        for i, (kernel, bias, _) in enumerate(self.layers_):
            # float32 is the trained precision; the float64 copy used for scoring is exact.
            arrays[f"kernel_{i}"], arrays[f"bias_{i}"] = kernel.astype(np.float32), bias.astype(np.float32)
        if self.features == "tfidf":
            _store_tfidf(self.tfidf_, values, arrays)
        else:
            values["bert_max_length_"] = int(self.embedder_.max_length_)
            values["bert_digest"] = model_digest(resolve_model_path(self.embedder_.model))
        return values, arrays

    def _restore_state(self, values: dict, arrays: dict[str, np.ndarray]) -> None:
        """Restore a fitted detector; it scores from ``layers_`` in NumPy and has no Keras model."""
        super()._restore_state(values, arrays)
        self.n_features_in_ = int(values["n_features_in_"])
        self.layer_sizes_ = [int(x) for x in values["layer_sizes_"]]
        self.n_epochs_ = int(values["n_epochs_"])
        self.history_ = values["history_"]
        # A model saved before the floor existed scored every error as it was.
        self.error_floor_ = float(values.get("error_floor_", -np.inf))
        activations = [str(a) for a in values["activations"]]
        if any(a not in _ACTIVATIONS for a in activations):
            raise ValueError(f"unknown activation in {activations}")
        layers = sum(name.startswith("kernel_") for name in arrays)
        if len(activations) != layers:
            raise ValueError(f"{len(activations)} activations for {layers} layers")
        self.layers_ = [(arrays[f"kernel_{i}"].astype(np.float64), arrays[f"bias_{i}"].astype(np.float64), a)
                        for i, a in enumerate(activations)]
        sizes = [self.n_features_in_] + [bias.shape[0] for _, bias, _ in self.layers_]
        if any(kernel.shape != (a, b) for (kernel, _, _), a, b in zip(self.layers_, sizes, sizes[1:])) \
                or sizes[-1] != self.n_features_in_:
            raise ValueError(f"layer shapes {[k.shape for k, _, _ in self.layers_]} do not chain from "
                             f"{self.n_features_in_} features back to them")
        if self.features == "tfidf":
            self.tfidf_ = _load_tfidf(values, arrays)
        else:
            # The model itself loads on first use; max_length is pinned to the fitted one.
            self.embedder_ = self._make_embedder(max_length=int(values["bert_max_length_"]))
            check_same_model(self.embedder_, values.get("bert_digest"))
