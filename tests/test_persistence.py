"""Model directories: plain data only, loading runs no code, damage gives one clear line."""
import hashlib
import io
import json
import pickle
import shutil
import subprocess
import sys

import numpy as np
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
