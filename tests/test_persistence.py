"""Model directories: plain data only, loading runs no code, damage gives one clear line."""
import hashlib
import io
import json
import os
import pickle
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from logad_utils import persistence
from logad_utils.cli import main
from logad_utils.detectors import AutoencoderDetector, TfidfDetector
from logad_utils.persistence import ModelError, load_detector, load_model, save_detector, save_model
from logad_utils.pipeline import LogModel, parse_logs
from logad_utils.templates import LogTemplateMiner

LINES = [f"2024-01-01 10:00:{i % 60:02d} INFO session {i} started for user{i % 7}" for i in range(120)]
LINES[60] = "2024-01-01 10:01:00 ERROR disk failure on node 17, cassette removed"
NEW = ["session 5 started for user3", "disk failure on node 9, cassette removed", "never seen words", None]


class Payload:
    """Unpickling this creates a marker file: the proof that a load ran code."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return open, (self.marker, "w")


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    root = tmp_path_factory.mktemp("models")
    log = root / "app.log"
    log.write_text("\n".join(LINES) + "\n")
    miner = LogTemplateMiner()
    frame = parse_logs(log, miner=miner)
    detector = TfidfDetector(scorer="hybrid").fit(frame)
    folder = save_model(root / "model", LogModel("tfidf", "auto", "message", miner, detector))
    return log, folder, frame, detector


@pytest.mark.parametrize("scorer", ["rarity", "iforest", "knn", "hybrid"])
def test_detector_round_trip_scores_bit_for_bit(scorer, tmp_path):
    det = TfidfDetector(scorer=scorer, use_level=True).fit(LINES)
    back = load_detector(save_detector(tmp_path / "det", det))
    np.testing.assert_array_equal(back.decision_function(NEW), det.decision_function(NEW))
    np.testing.assert_array_equal(back.decision_function(LINES), det.decision_scores_)
    np.testing.assert_array_equal(back.transform(NEW).toarray(), det.transform(NEW).toarray())
    assert back.get_params() == det.get_params() and back.threshold_ == det.threshold_


def test_model_directory_holds_no_pickles(saved):
    _, folder, frame, detector = saved
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["detector.json", "detector.npz", "logad_model.json", "templates.json"]
    for path in folder.iterdir():
        data = path.read_bytes()
        assert not data.startswith(b"\x80"), path.name  # the pickle protocol's first byte
    with np.load(folder / "detector.npz", allow_pickle=False) as npz:
        assert all(npz[name].dtype != object for name in npz.files)
    model = load_model(folder)
    np.testing.assert_array_equal(model.detector.decision_function(frame), detector.decision_scores_)


def _plant(folder, name, data, rehash):
    """Replace one file; with ``rehash`` the manifest is edited to match, so the parsers see the payload."""
    (folder / name).write_bytes(data)
    if rehash and name != persistence.MODEL_FILE:
        manifest = json.loads((folder / persistence.MODEL_FILE).read_text())
        manifest["files"][name] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        manifest["manifest_sha256"] = persistence._fields_hash(manifest)
        (folder / persistence.MODEL_FILE).write_text(json.dumps(manifest))


def _npz_with_object_array(marker):
    buffer = io.BytesIO()
    np.savez(buffer, decision_scores_=np.array([Payload(marker)], dtype=object))
    return buffer.getvalue()


def test_a_model_saved_before_it_kept_its_token_pattern_reads_text_as_it_was_fitted(tmp_path):
    from logad_utils.features import LEGACY_TOKEN_PATTERN, TOKEN_PATTERN

    lines = [f"café {i % 3} served to table {i % 5}" for i in range(200)] + ["naïve Ωmega failure"]
    folder = save_detector(tmp_path / "det", TfidfDetector().fit(lines))
    document = json.loads((folder / persistence.DETECTOR_FILE).read_text())
    assert document["values"]["tfidf"].pop("token_pattern") == TOKEN_PATTERN
    assert document["values"]["novelty_"].pop("token_pattern") == TOKEN_PATTERN
    _plant(folder, persistence.DETECTOR_FILE, json.dumps(document).encode(), rehash=True)
    old = load_detector(folder)
    # An older logad wrote no pattern: its vocabulary came from the ASCII-only one ("caf" of "café").
    assert old.tfidf_.token_pattern_ == old.novelty_.token_pattern == LEGACY_TOKEN_PATTERN
    assert load_detector(save_detector(tmp_path / "new", old)).tfidf_.token_pattern_ == LEGACY_TOKEN_PATTERN


def test_a_model_keeps_its_inferred_layouts_and_one_saved_before_it_did_loads_without_them(saved, tmp_path):
    _, _, _, detector = saved
    layouts = ("<Timestamp>\\|<Level>\\|<Content>",)
    folder = save_model(tmp_path / "model", LogModel("tfidf", "auto", "message", LogTemplateMiner(), detector,
                                                     ("inferred",), layouts))
    assert load_model(folder).layouts == layouts
    manifest = json.loads((folder / persistence.MODEL_FILE).read_text())
    del manifest["layouts"]
    manifest["manifest_sha256"] = persistence._fields_hash(manifest)
    (folder / persistence.MODEL_FILE).write_text(json.dumps(manifest))
    model = load_model(folder)
    assert model.read_as == ("inferred",) and model.layouts == ()


def test_a_model_keeps_its_time_format_and_one_saved_before_it_did_loads_without_one(saved, tmp_path):
    log, _, _, detector = saved
    model = LogModel("tfidf", "auto", "message", LogTemplateMiner(), detector, time_format="%Y-%m-%d %H:%M:%S")
    folder = save_model(tmp_path / "model", model)
    assert load_model(folder).time_format == "%Y-%m-%d %H:%M:%S"
    manifest = json.loads((folder / persistence.MODEL_FILE).read_text())
    del manifest["time_format"]
    manifest["manifest_sha256"] = persistence._fields_hash(manifest)
    (folder / persistence.MODEL_FILE).write_text(json.dumps(manifest))
    old = load_model(folder)
    assert old.time_format is None
    assert old.score(log)[0]["timestamp"].iloc[0] == pd.Timestamp("2024-01-01 10:00:00")


def test_the_payload_does_run_when_unpickled(tmp_path):
    pickle.loads(pickle.dumps(Payload(tmp_path / "ran"))).close()
    assert (tmp_path / "ran").exists()


@pytest.mark.parametrize("rehash", [False, True], ids=["as-planted", "manifest-matched"])
def test_a_planted_pickle_in_any_file_is_refused_and_never_runs(saved, tmp_path, rehash):
    _, folder, _, _ = saved
    marker = tmp_path / "ran"
    for name in sorted(p.name for p in folder.iterdir()):
        payloads = [pickle.dumps(Payload(marker))]
        if name.endswith(".npz"):
            payloads.append(_npz_with_object_array(marker))
        for payload in payloads:
            copy = tmp_path / f"copy-{name}-{len(payload)}"
            shutil.copytree(folder, copy)
            _plant(copy, name, payload, rehash)
            with pytest.raises(ModelError) as info:
                load_model(copy)
            assert "\n" not in str(info.value)
            assert not marker.exists(), f"loading ran code planted in {name}"


@pytest.mark.parametrize("damage, message", [
    ("truncate", "templates.json is truncated"),
    ("remove", "templates.json is missing"),
    ("edit", "templates.json was changed"),
    ("version", "written by logad 0.0.1"),
    ("manifest", "logad_model.json cannot be read"),
    ("line format", "logad_model.json was changed"),
    ("no line format", "logad_model.json was changed"),
])
def test_damaged_or_mismatched_directory_names_the_problem(saved, tmp_path, capsys, damage, message):
    log, folder, _, _ = saved
    copy = tmp_path / "model"
    shutil.copytree(folder, copy)
    target = copy / "templates.json"
    data = target.read_bytes()
    if damage == "truncate":
        target.write_bytes(data[: len(data) // 2])
    elif damage == "remove":
        target.unlink()
    elif damage == "edit":
        target.write_bytes(data.replace(b"session", b"sessiom", 1))
    elif damage == "version":
        manifest = json.loads((copy / "logad_model.json").read_text())
        (copy / "logad_model.json").write_text(json.dumps({**manifest, "logad_version": "0.0.1"}))
    elif damage in ("line format", "no line format"):
        # The manifest's own fields: read with another line format, every score would change, silently.
        manifest = json.loads((copy / "logad_model.json").read_text())
        edited = {**manifest, "line_format": "raw"} if damage == "line format" else \
            {k: v for k, v in manifest.items() if k != "line_format"}
        (copy / "logad_model.json").write_text(json.dumps(edited))
    else:
        (copy / "logad_model.json").write_text('{"format": "logad-model", ')
    with pytest.raises(ModelError, match=message):
        load_model(copy)
    assert main(["score", "--model", str(copy), str(log), "--out", str(tmp_path / "s.csv")]) == 1
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_a_model_of_the_pickle_era_is_refused(tmp_path):
    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "logad_model.json").write_text(json.dumps({"format": "logad-model", "version": 1, "method": "tfidf",
                                                         "detector": "joblib"}))
    (folder / "detector.joblib").write_bytes(pickle.dumps(Payload(tmp_path / "ran")))
    with pytest.raises(ModelError, match="model format 1"):
        load_model(folder)
    assert not (tmp_path / "ran").exists()


def test_only_registered_detector_classes_load(saved, tmp_path):
    _, folder, _, _ = saved
    copy = tmp_path / "model"
    shutil.copytree(folder, copy)
    document = json.loads((copy / "detector.json").read_text())
    _plant(copy, "detector.json", json.dumps({**document, "class": "os.system"}).encode(), rehash=True)
    with pytest.raises(ModelError, match="unknown detector class 'os.system'"):
        load_model(copy)


def test_a_saved_autoencoder_scores_without_tensorflow(tmp_path):
    det = AutoencoderDetector(hidden=(8,), latent=4, epochs=2, min_steps_per_epoch=1).fit(LINES)
    folder = save_detector(tmp_path / "ae", det)
    code = ("import json, sys; from logad_utils.persistence import load_detector; "
            f"d = load_detector({str(folder)!r}); print(json.dumps(d.decision_function({NEW!r}).tolist())); "
            "print('tensorflow' in sys.modules or 'keras' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[1] == "False"
    np.testing.assert_array_equal(np.array(json.loads(out[0]), dtype=float), det.decision_function(NEW))


def _edit_json(folder, name, edit):
    """Edit one JSON file of a model in place (``edit`` changes the document), its hash recomputed."""
    document = json.loads((folder / name).read_text())
    edit(document)
    _plant(folder, name, json.dumps(document).encode(), rehash=True)


def _edit_arrays(folder, edit):
    """Edit a model's arrays in place (``edit`` changes the dict of arrays), their hash recomputed."""
    with np.load(folder / persistence.ARRAYS_FILE, allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files}
    edit(arrays)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    _plant(folder, persistence.ARRAYS_FILE, buffer.getvalue(), rehash=True)


@pytest.mark.parametrize("edit", ["texts", "counts", "known"])
def test_arrays_edited_to_disagree_are_refused_even_with_matching_hashes(saved, tmp_path, edit):
    # Hashes recomputed after the edit: the parts must still agree, or texts would pair with others' scores.
    _, folder, _, _ = saved
    copy = tmp_path / "model"
    shutil.copytree(folder, copy)
    if edit == "known":
        _edit_json(copy, persistence.TEMPLATES_FILE, lambda d: d["known"].update({next(iter(d["known"])): 999}))
    elif edit == "texts":
        _edit_json(copy, persistence.DETECTOR_FILE, lambda d: d["values"].update(texts=d["values"]["texts"][:-1]))
    else:
        _edit_arrays(copy, lambda a: a.update(counts=a["counts"][:-1]))
    with pytest.raises(ModelError, match="cannot be read: .* do not match"):
        load_model(copy)


@pytest.mark.parametrize("tamper", ["structure", "idf", "token_pattern", "method"])
def test_state_that_does_not_fit_together_is_refused_on_load_even_with_matching_hashes(saved, tmp_path, tamper):
    _, folder, _, _ = saved
    copy = tmp_path / "model"
    shutil.copytree(folder, copy)
    if tamper == "method":
        manifest = json.loads((copy / persistence.MODEL_FILE).read_text())
        manifest["method"] = "evil"
        (copy / persistence.MODEL_FILE).write_text(json.dumps(manifest))
        _plant(copy, persistence.TEMPLATES_FILE, (copy / persistence.TEMPLATES_FILE).read_bytes(), rehash=True)
    elif tamper == "idf":
        _edit_arrays(copy, lambda a: a.update(tfidf_idf=a["tfidf_idf"][:-3]))
    elif tamper == "structure":
        _edit_json(copy, persistence.DETECTOR_FILE, lambda d: d["values"]["structure_"].update(
            surprise_=d["values"]["structure_"]["surprise_"][:1]))
    else:
        _edit_json(copy, persistence.DETECTOR_FILE, lambda d: d["values"]["tfidf"].update(token_pattern="("))
    with pytest.raises(ModelError, match="cannot be read|unknown method"):
        load_model(copy)


@pytest.mark.parametrize("where, value", [("threshold", "NaN"), ("threshold", "1e999"),
                                          ("fit_scores", np.inf), ("decision_scores_", -np.inf)])
def test_a_threshold_or_scores_that_are_no_finite_numbers_are_refused_on_load(saved, tmp_path, capsys, where, value):
    # A NaN threshold (or a huge one, read as infinity) loaded and then flagged no line at all.
    log, folder, _, _ = saved
    copy = tmp_path / "model"
    shutil.copytree(folder, copy)
    if where == "threshold":
        document = json.loads((copy / persistence.DETECTOR_FILE).read_text())
        document["values"]["threshold_"] = "THRESHOLD"
        text = json.dumps(document).replace('"THRESHOLD"', value)
        _plant(copy, persistence.DETECTOR_FILE, text.encode(), rehash=True)
    else:
        _edit_arrays(copy, lambda a: a[where].__setitem__(0, value))
    with pytest.raises(ModelError, match="cannot be read: the threshold or the fitted scores are not finite"):
        load_model(copy)
    assert main(["score", "--model", str(copy), str(log), "--out", str(tmp_path / "s.csv")]) == 1
    assert capsys.readouterr().err.count("\n") == 1


def test_a_saved_bert_detector_refuses_another_model_in_its_folder(tmp_path):
    from logad_utils.detectors import DbscanDetector
    from logad_utils.embeddings import BertEmbedder, resolve_model_path

    model = tmp_path / "minilm"  # the default model's files, linked, but for a config of its own
    model.mkdir()
    for item in Path(resolve_model_path()).iterdir():
        if item.name == "config.json":
            shutil.copy(item, model / item.name)
        else:
            (model / item.name).symlink_to(item)
    detector = DbscanDetector(embedder=BertEmbedder(model=str(model), progress=False), min_samples=3)
    detector.fit([line[20:] for line in LINES])
    save_detector(tmp_path / "saved", detector)
    assert load_detector(tmp_path / "saved").decision_function(NEW[:2]) == pytest.approx(detector.decision_function(
        NEW[:2]))
    config = json.loads((model / "config.json").read_text())
    (model / "config.json").write_text(json.dumps({**config, "hidden_dropout_prob": 0.5}))
    with pytest.raises(ModelError, match="is not the one this detector was fitted with"):
        load_detector(tmp_path / "saved")


def test_a_detector_with_a_path_parameter_in_its_embedder_saves(tmp_path):
    from logad_utils.detectors import DbscanDetector
    from logad_utils.embeddings import BertEmbedder

    detector = DbscanDetector(embedder=BertEmbedder(cache_dir=tmp_path / "cache", progress=False))
    assert persistence._plain_params(detector)["embedder"]["BertEmbedder"]["cache_dir"] == str(tmp_path / "cache")


def test_a_relative_bert_model_folder_is_saved_as_an_absolute_path(tmp_path, monkeypatch):
    from logad_utils.cli import _detector_params, build_parser

    (tmp_path / "minilm").mkdir()
    monkeypatch.chdir(tmp_path)
    args = build_parser().parse_args(["detect", "x.log", "--method", "bert", "--model", "minilm", "--out", "o.csv"])
    assert _detector_params(args)["embedder"].model == str(tmp_path / "minilm")
    args = build_parser().parse_args(["detect", "x.log", "--method", "tfidf", "--model", "minilm", "--out", "o.csv"])
    with pytest.raises(Exception, match="--model applies to --method bert and autoencoder only"):
        _detector_params(args)


def test_unfitted_autoencoder_methods_raise_not_fitted():
    from sklearn.exceptions import NotFittedError

    for method in ("reconstruction_error", "latent_unique"):
        with pytest.raises(NotFittedError):
            getattr(AutoencoderDetector(), method)(np.zeros((2, 3)))


def test_saving_again_replaces_a_model_but_never_a_users_files_beside_it(saved, tmp_path, capsys):
    # A model folder that also held a user's notes (or a report written into it) was replaced whole: they went.
    log, folder, *_ = saved
    again = tmp_path / "model"
    shutil.copytree(folder, again)
    assert main(["detect", str(log), "--method", "tfidf", "--out", str(tmp_path / "s.csv"), "--save-model",
                 str(again)]) == 0  # an earlier model alone: replaced
    (again / persistence.MODEL_FILE).write_text("{trunc")  # a damaged manifest: still a model logad wrote
    assert main(["detect", str(log), "--method", "tfidf", "--out", str(tmp_path / "s1.csv"), "--save-model",
                 str(again)]) == 0
    (again / "notes.txt").write_text("mine")
    assert main(["detect", str(log), "--method", "tfidf", "--out", str(tmp_path / "s2.csv"), "--save-model",
                 str(again)]) != 0
    assert "notes.txt" in capsys.readouterr().err and (again / "notes.txt").read_text() == "mine"
    assert not (tmp_path / "s2.csv").exists()
    with pytest.raises(Exception, match="notes.txt"):
        save_model(again, load_model(again))
    assert (again / "notes.txt").exists()


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_pipe_or_device_in_place_of_a_model_file_is_refused_without_reading_it(saved, tmp_path, kind):
    # A FIFO blocked the load for ever; a link to /dev/zero read until memory ran out.
    _, folder, _, _ = saved
    copy = tmp_path / "model"
    shutil.copytree(folder, copy)
    (copy / persistence.ARRAYS_FILE).unlink()
    if kind == "fifo":
        os.mkfifo(copy / persistence.ARRAYS_FILE)
    else:
        (copy / persistence.ARRAYS_FILE).symlink_to("/dev/zero")
    # In a child with a time and memory limit: a regression blocks or fills memory there, not in the test run.
    code = ("import resource; resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30)); "
            f"from logad_utils.persistence import load_model; load_model({str(copy)!r})")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert "ModelError" in run.stderr and "detector.npz cannot be read (not a regular file)" in run.stderr


def _npz_bytes(members, compression):
    """An npz archive of ``members`` (name → the bytes of an .npy file) stored with ``compression``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(f"{name}.npy", data)
    return buffer.getvalue()


@pytest.mark.parametrize("forgery", ["zip bomb", "array header"])
def test_arrays_declaring_more_than_the_file_holds_are_refused_before_they_fill_memory(saved, tmp_path, forgery):
    # A deflated member of zeros inflated a thousandfold; a forged header asked for 745 TiB (a MemoryError trace).
    _, folder, _, _ = saved
    copy = tmp_path / "model"
    shutil.copytree(folder, copy)
    member = io.BytesIO()
    shape = (2_000_000,) if forgery == "zip bomb" else (10**14,)
    np.lib.format.write_array_header_1_0(member, {"descr": "<i8", "fortran_order": False, "shape": shape})
    member.write(bytes(8 * shape[0] if forgery == "zip bomb" else 16))
    data = _npz_bytes({"counts": member.getvalue()},
                      zipfile.ZIP_DEFLATED if forgery == "zip bomb" else zipfile.ZIP_STORED)
    _plant(copy, persistence.ARRAYS_FILE, data, rehash=True)
    message = "more bytes than the file holds" if forgery == "zip bomb" else "Unable to allocate"
    with pytest.raises(ModelError, match=f"detector.npz cannot be read: .*{message}"):
        load_model(copy)
