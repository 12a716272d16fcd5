"""Saving and loading fitted pipelines and detectors as plain data: JSON and ``.npz`` without pickles.

A model directory holds

* ``logad_model.json``: the manifest: format and logad version, method, line
  format and time format, detector class, the size and SHA-256 of every other file, and the
  SHA-256 of its own other fields;
* ``templates.json``: the template miner with its masking rules (models only);
* ``detector.json``: the detector's class, parameters and fitted values;
* ``detector.npz``: its fitted arrays, read with ``allow_pickle=False``.

Nothing in it is code and nothing is unpickled, so loading runs no code from
the directory; a Keras network is stored as its Dense layers' weights, which
is all that scoring uses. Files are checked against the manifest before they
are parsed: a missing, truncated or edited file, or a model written by another
logad version, raises :class:`ModelError` with one line naming the problem.
The manifest is written last, through a temporary file, so an interrupted save
never leaves a directory that loads.
"""
from __future__ import annotations

import errno
import hashlib
import inspect
import io
import json
import os
import re
import stat
import warnings
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from . import __version__
from ._validation import check_params
from .atomic import atomic_dir
from .detectors import DETECTORS, METHODS, BaseLogDetector
from .embeddings import BertEmbedder
from .pipeline import LogModel
from .templates import LogTemplateMiner

__all__ = ["save_model", "load_model", "save_detector", "load_detector", "ModelError", "DETECTOR_CLASSES",
           "MODEL_FILE"]

MODEL_FILE = "logad_model.json"
TEMPLATES_FILE = "templates.json"
DETECTOR_FILE = "detector.json"
ARRAYS_FILE = "detector.npz"
FORMAT = "logad-model"
# Version 1 stored detectors as joblib pickles; version 2 is plain data only; version 3 checks the manifest too.
FORMAT_VERSION = 3
_MANIFEST_HASH = "manifest_sha256"  # the manifest's own fields: an edited line format would change every score
# Every detector class a directory may name: the only classes loading can build.
DETECTOR_CLASSES: dict[str, type[BaseLogDetector]] = {cls.__name__: cls for cls in DETECTORS.values()}
_EMBEDDER_KEY = "BertEmbedder"
# A line a loaded detector scores once, so that arrays which do not fit together fail on load.
_PROBE = "logad model check: user admin logged in from 10.0.0.1 after 3 tries"


class ModelError(ValueError):
    """A model directory that cannot be used: missing, damaged, edited, or written by another logad version."""


def save_model(directory: str | os.PathLike, model: LogModel) -> Path:
    """Write a fitted pipeline (format, miner with masking rules, detector) into one directory; returns it."""
    files = {TEMPLATES_FILE: json.dumps(model.miner.to_dict()).encode("utf-8"), **_detector_files(model.detector)}
    meta = {"kind": "model", "method": model.method, "line_format": model.fmt, "json_key": model.json_key,
            "read_as": list(model.read_as), "layouts": list(model.layouts), "time_format": model.time_format}
    return _write(Path(directory), meta, files, model.detector)


def load_model(directory: str | os.PathLike) -> LogModel:
    """Read a pipeline written by :func:`save_model`; :class:`ModelError` names what is wrong with a bad directory."""
    folder = Path(directory)
    meta, files = _read(folder, "model", [TEMPLATES_FILE, DETECTOR_FILE, ARRAYS_FILE])
    miner = _parse(folder, TEMPLATES_FILE, lambda: LogTemplateMiner.from_dict(json.loads(files[TEMPLATES_FILE])))
    detector = _detector_from_files(folder, files)
    method, fmt, json_key = _parse(folder, MODEL_FILE, lambda: (meta["method"], meta["line_format"], meta["json_key"]))
    # A model saved before it kept its inferred layouts has none: its logs are told apart by format name alone.
    read_as, layouts = _parse(folder, MODEL_FILE, lambda: [tuple(str(name) for name in meta.get(key, []))
                                                           for key in ("read_as", "layouts")])
    # A model saved before it kept the time format read its logs' times the default way.
    time_format = meta.get("time_format")
    if method not in METHODS:
        raise ModelError(f"{folder}: {MODEL_FILE} names an unknown method {method!r}")
    if time_format is not None and not isinstance(time_format, str):
        raise ModelError(f"{folder}: {MODEL_FILE} names a time format that is not text: {time_format!r}")
    return LogModel(str(method), str(fmt), str(json_key), miner, detector, read_as, layouts, time_format)


def save_detector(directory: str | os.PathLike, detector: BaseLogDetector) -> Path:
    """Write a fitted detector alone into a directory (same files and checks as a model, without templates)."""
    return _write(Path(directory), {"kind": "detector"}, _detector_files(detector), detector)


def load_detector(directory: str | os.PathLike) -> BaseLogDetector:
    """Read a detector written by :func:`save_detector`."""
    folder = Path(directory)
    _, files = _read(folder, "detector", [DETECTOR_FILE, ARRAYS_FILE])
    return _detector_from_files(folder, files)


# --------------------------------------------------------------------------- detector <-> plain data

def _detector_files(detector: BaseLogDetector) -> dict[str, bytes]:
    """The two files of a fitted detector: JSON (class, parameters, values) and npz (arrays)."""
    if type(detector).__name__ not in DETECTOR_CLASSES:
        raise TypeError(f"cannot save a {type(detector).__name__}; savable: {', '.join(DETECTOR_CLASSES)}")
    values, arrays = detector._fitted_state()
    document = {"class": type(detector).__name__, "params": _plain_params(detector), "values": values}
    buffer = io.BytesIO()
    np.savez(buffer, **{name: np.asarray(array) for name, array in arrays.items()})
    return {DETECTOR_FILE: json.dumps(document).encode("utf-8"), ARRAYS_FILE: buffer.getvalue()}


def _detector_from_files(folder: Path, files: dict[str, bytes]) -> BaseLogDetector:
    document = _parse(folder, DETECTOR_FILE, lambda: json.loads(files[DETECTOR_FILE]))
    arrays = _parse(folder, ARRAYS_FILE, lambda: _arrays(files[ARRAYS_FILE]))

    def build() -> BaseLogDetector:
        cls = DETECTOR_CLASSES.get(document.get("class"))
        if cls is None:
            raise ValueError(f"unknown detector class {document.get('class')!r}")
        detector = cls(**_params_from_plain(document["params"]))
        check_params(detector)
        detector._restore_state(document["values"], arrays)
        if getattr(detector, "embedder_", None) is None:  # a BERT model loads on first use, not here
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                detector.decision_function([_PROBE])  # arrays that do not fit together fail here, not in scoring
        return detector

    return _parse(folder, DETECTOR_FILE, build)


def _arrays(data: bytes) -> dict[str, np.ndarray]:
    """Every array of an npz file, read eagerly with ``allow_pickle=False`` (object arrays are refused).

    Saving stores the arrays uncompressed, so no member holds more bytes than the file: one declaring more (a zip
    bomb) is refused before it is inflated.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if any(info.file_size > len(data) for info in archive.infolist()):
            raise ValueError("an array declares more bytes than the file holds")
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        return {name: npz[name] for name in npz.files}


def _plain_params(detector: BaseLogDetector) -> dict[str, Any]:
    """``get_params()`` as JSON values: tuples become lists, an embedder its own parameters."""
    out = {}
    for name, value in detector.get_params(deep=False).items():
        value = _plain(value)
        if not _is_plain(value):
            raise TypeError(f"cannot save parameter {name}={value!r} of {type(detector).__name__} as plain data")
        out[name] = value
    return out


def _plain(value: Any) -> Any:
    """One parameter as a JSON value: tuples become lists, paths text, an embedder its own parameters."""
    if isinstance(value, BertEmbedder):
        return {_EMBEDDER_KEY: {key: _plain(getattr(value, key)) for key in _embedder_params()}}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    return value.item() if isinstance(value, np.generic) else value


def _params_from_plain(params: dict[str, Any]) -> dict[str, Any]:
    """Inverse of :func:`_plain_params`."""
    out = {}
    for name, value in params.items():
        if isinstance(value, dict) and set(value) == {_EMBEDDER_KEY}:
            value = BertEmbedder(**{key: value[_EMBEDDER_KEY][key] for key in _embedder_params()})
        elif isinstance(value, list):
            value = tuple(value)
        out[name] = value
    return out


def _embedder_params() -> list[str]:
    return [name for name in inspect.signature(BertEmbedder).parameters]


def _is_plain(value: Any) -> bool:
    if value is None or isinstance(value, (str, bool, int, float)):
        return True
    if isinstance(value, list):
        return all(_is_plain(v) for v in value)
    return isinstance(value, dict) and all(isinstance(k, str) and _is_plain(v) for k, v in value.items())


# --------------------------------------------------------------------------- files, manifest, checks

def _write(folder: Path, meta: dict, files: dict[str, bytes], detector: BaseLogDetector) -> Path:
    """Write the files and their manifest into a temporary folder renamed onto ``folder`` when complete."""
    manifest = {"format": FORMAT, "version": FORMAT_VERSION, "logad_version": __version__, **meta,
                "detector_class": type(detector).__name__,
                "files": {name: {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                          for name, data in files.items()}}
    manifest[_MANIFEST_HASH] = _fields_hash(manifest)
    with atomic_dir(folder, marker=MODEL_FILE, contents=model_files) as tmp:
        for name, data in files.items():
            (tmp / name).write_bytes(data)
        (tmp / MODEL_FILE).write_bytes(json.dumps(manifest, indent=1).encode("utf-8"))
    return folder


def model_files(folder: str | Path) -> set[str]:
    """The names (set) a saved model writes in ``folder``: the files its manifest lists and those every model
    writes (a damaged manifest lists none)."""
    always = {MODEL_FILE, TEMPLATES_FILE, DETECTOR_FILE, ARRAYS_FILE}
    try:
        listed = json.loads((Path(folder) / MODEL_FILE).read_bytes()).get("files", {})
        return always | {name for name in listed if isinstance(name, str)}
    except (OSError, ValueError, AttributeError):
        return always


def _read(folder: Path, kind: str, names: list[str]) -> tuple[dict, dict[str, bytes]]:
    """The manifest and the named files' bytes, each checked against its recorded size and SHA-256."""
    path = folder / MODEL_FILE
    if not path.is_file():
        raise ModelError(f"{folder}: not a logad model directory (no {MODEL_FILE})")
    meta = _parse(folder, MODEL_FILE, lambda: json.loads(path.read_bytes()))
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelError(f"{folder}: {MODEL_FILE} does not describe a logad model")
    if meta.get("version") != FORMAT_VERSION or meta.get("logad_version") != __version__:
        raise ModelError(f"{folder}: written by logad {meta.get('logad_version', 'before 0.1.0')} (model format "
                         f"{meta.get('version')}); this logad {__version__} reads format {FORMAT_VERSION} from "
                         f"its own version only: fit and save the model again")
    if meta.get(_MANIFEST_HASH) != _fields_hash(meta):
        raise ModelError(f"{folder}: {MODEL_FILE} was changed after it was saved (SHA-256 of its fields differs)")
    if meta.get("kind", "model") != kind:
        raise ModelError(f"{folder}: holds a {meta.get('kind')}, not a {kind}")
    listed = meta.get("files")
    files = {}
    for name in names:
        record = listed.get(name) if isinstance(listed, dict) else None
        if not isinstance(record, dict) or type(record.get("bytes")) is not int:
            raise ModelError(f"{folder}: {MODEL_FILE} does not list {name}")
        try:
            data = _read_regular(folder / name, record["bytes"])
        except FileNotFoundError:
            raise ModelError(f"{folder}: {name} is missing") from None
        except OSError as exc:
            raise ModelError(f"{folder}: {name} cannot be read ({exc.strerror or exc})") from None
        if len(data) != record.get("bytes"):
            raise ModelError(f"{folder}: {name} is truncated or was changed ({len(data)} bytes, "
                             f"{record.get('bytes')} saved)")
        if hashlib.sha256(data).hexdigest() != record.get("sha256"):
            raise ModelError(f"{folder}: {name} was changed after it was saved (SHA-256 differs)")
        files[name] = data
    return meta, files


def _read_regular(path: Path, size: int) -> bytes:
    """A model file's bytes, at most one past its recorded ``size``: a device or a pipe in its place (a link to
    /dev/zero, a FIFO) would fill memory or block, so only a regular file is read (OSError otherwise)."""
    # Opened without blocking: opening a FIFO for reading waits for a writer. (Windows has neither flag nor FIFOs.)
    nonblocking = getattr(os, "O_NONBLOCK", 0)
    with open(path, "rb", opener=lambda name, flags: os.open(name, flags | nonblocking)) as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        return file.read(max(size, 0) + 1)


def _fields_hash(manifest: dict) -> str:
    """SHA-256 of a manifest's fields but its own hash, written in one canonical way."""
    fields = {k: v for k, v in manifest.items() if k != _MANIFEST_HASH}
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode("utf-8")).hexdigest()


def _parse(folder: Path, name: str, parse):
    """Run ``parse()``; any error in reading plain data becomes one ModelError naming the file."""
    try:
        return parse()
    except ModelError:
        raise
    # MemoryError: an array header declaring a shape no memory holds.
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, OSError, zipfile.BadZipFile,
            EOFError, RecursionError, re.error, MemoryError) as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ModelError(f"{folder}: {name} cannot be read: {detail}") from None
