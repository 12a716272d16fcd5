"""scikit-learn conventions of every detector and the miner: clone, NotFittedError, checks in fit, pickling."""
import pickle
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from logad_utils._validation import THRESHOLD_CONSTRAINTS, argument_type
from logad_utils.detectors import AutoencoderDetector, DbscanDetector, TfidfDetector
from logad_utils.masking import Masker, MaskRule
from logad_utils.templates import LogTemplateMiner

DOCS = [f"session {i % 4} started" for i in range(60)] + ["disk failure on node <NUM>", None]
TINY_AE = {"hidden": (8,), "latent": 4, "epochs": 2, "min_steps_per_epoch": 1}


class HashEmbedder:
    """A fast stand-in for BertEmbedder: unit vectors from a hash of the words (picklable, deterministic)."""

    def __init__(self, dim=16):
        self.dim = dim

    def fit(self, texts):
        return self

    def embed_unique(self, texts):
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.split():
                out[i, sum(map(ord, word)) % self.dim] += 1
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def detectors():
    return [TfidfDetector(), TfidfDetector(scorer="iforest"), TfidfDetector(scorer="hybrid"),
            DbscanDetector(HashEmbedder(), min_samples=3), AutoencoderDetector(**TINY_AE)]


@pytest.mark.parametrize("detector", detectors(), ids=lambda d: f"{type(d).__name__}")
def test_unfitted_use_raises_not_fitted_error(detector):
    for call in (detector.decision_function, detector.predict, detector.transform):
        with pytest.raises(NotFittedError, match=f"This {type(detector).__name__} is not fitted yet"):
            call(DOCS)
    with pytest.raises(NotFittedError):
        detector.label(np.zeros(3))


def test_unfitted_miner_raises_not_fitted_error():
    with pytest.raises(NotFittedError, match="This LogTemplateMiner is not fitted yet"):
        LogTemplateMiner().transform(["x"])


@pytest.mark.parametrize("detector", detectors(), ids=lambda d: f"{type(d).__name__}")
def test_clone_copies_parameters_and_no_state(detector):
    fitted = clone(detector).fit(DOCS)
    copy = clone(fitted)
    assert copy.get_params().keys() == detector.get_params().keys()
    assert not copy.__sklearn_is_fitted__() and fitted.__sklearn_is_fitted__()
    np.testing.assert_array_equal(clone(detector).fit(DOCS).labels_, fitted.labels_)


def test_init_stores_arguments_and_fit_validates():
    bad = TfidfDetector(scorer="nope")  # no error yet: __init__ only stores
    assert bad.scorer == "nope"
    with pytest.raises(ValueError, match="'scorer' parameter of TfidfDetector"):
        bad.fit(DOCS)
    with pytest.raises(ValueError, match="'contamination' parameter"):
        TfidfDetector(contamination=0.9).fit(DOCS)
    with pytest.raises(ValueError, match="'min_samples' parameter of DbscanDetector"):
        DbscanDetector(HashEmbedder(), min_samples=1.5).fit(DOCS)


def test_bert_embedder_init_only_stores_and_use_validates():
    from logad_utils.embeddings import BertEmbedder

    bad = BertEmbedder(pooling="max", batch_size=0)  # no error yet: __init__ only stores, as clone expects
    assert bad.get_params()["pooling"] == "max" and bad.batch_size == 0
    with pytest.raises(ValueError, match="pooling must be one of"):
        bad.fit(["a b"])  # checked before any model loads
    with pytest.raises(ValueError, match="batch_size must be >= 1"):
        BertEmbedder().set_params(batch_size=0).embed_unique(["a b"])


def test_cli_and_estimators_share_one_rule():
    parse = argument_type(THRESHOLD_CONSTRAINTS, "contamination")
    assert parse("auto") == "auto" and parse("0.1") == 0.1
    with pytest.raises(Exception, match="contamination must be"):
        parse("0.9")
    with pytest.raises(ValueError):
        TfidfDetector(contamination=0.9).fit(DOCS)


def test_dbscan_uses_a_copy_of_the_given_embedder():
    embedder = HashEmbedder(dim=8)
    det = DbscanDetector(embedder, min_samples=3).fit(DOCS)
    assert det.embedder is embedder and det.embedder_ is not embedder and det.vectors_.shape[1] == 8


@pytest.mark.parametrize("detector", detectors(), ids=lambda d: f"{type(d).__name__}")
def test_detectors_pickle_fitted_and_unfitted(detector):
    assert pickle.loads(pickle.dumps(detector)).get_params().keys() == detector.get_params().keys()
    detector.fit(DOCS)
    again = pickle.loads(pickle.dumps(detector))
    np.testing.assert_array_equal(again.decision_function(DOCS), detector.decision_function(DOCS))
    np.testing.assert_array_equal(again.predict(DOCS), detector.labels_)


def test_masker_and_miner_pickle_with_the_standard_library():
    code = ("import pickle, logad_utils.masking as m, logad_utils.templates as t; "
            "pickle.dumps(m.Masker()); pickle.dumps(t.LogTemplateMiner())")
    subprocess.run([sys.executable, "-c", code], check=True)
    masker = Masker().without("url")
    assert pickle.loads(pickle.dumps(masker)) == masker
    messages = ["user 17 logged in from 10.0.0.1", "user 9 logged in from 10.0.0.2", "disk full on /var"]
    miner = LogTemplateMiner().fit(messages)
    again = pickle.loads(pickle.dumps(miner))
    new = messages + ["user 3 logged in from 10.0.0.9", "never seen"]
    np.testing.assert_array_equal(again.transform(new), miner.transform(new))
    assert again.masker.mask("x 10.0.0.1") == miner.masker.mask("x 10.0.0.1")


@pytest.mark.parametrize("detector", detectors(), ids=lambda d: type(d).__name__)
def test_lines_must_be_strings_and_any_iterable_of_them_fits(detector):
    with pytest.raises(TypeError, match="not one string"):
        clone(detector).fit("disk failure")
    with pytest.raises(TypeError, match="must hold strings.*int"):
        clone(detector).fit(DOCS[:10] + [7])
    lines = [d for d in DOCS if d is not None]
    from_list = clone(detector).fit(lines).decision_scores_
    np.testing.assert_allclose(clone(detector).fit(iter(lines)).decision_scores_, from_list)


def test_missing_and_blank_texts_are_blank_lines_in_a_frame_as_in_a_list():
    lines = DOCS[:20] + [None, "", "   ", np.nan]
    as_list = TfidfDetector().fit(lines).decision_scores_
    as_frame = TfidfDetector().fit(pd.DataFrame({"masked": lines})).decision_scores_
    np.testing.assert_array_equal(np.isnan(as_frame), np.isnan(as_list))
    assert np.isnan(as_list[20:]).all()
    np.testing.assert_allclose(as_frame[:20], as_list[:20])


def test_plain_strings_after_a_fit_on_a_parsed_frame_are_warned_about():
    # Fitted on masked messages, raw lines scored as unseen text: 0.30 as a frame, 10.4 as a string.
    from logad_utils.pipeline import parse_logs

    frame = parse_logs(Path(__file__).resolve().parents[1] / "data" / "atm_sample.jrn", warn=False).head(2000)
    detector = TfidfDetector().fit(frame)
    with pytest.warns(UserWarning, match="plain strings, but the detector was fitted on a parsed frame"):
        detector.decision_function(frame["raw"].tolist()[:5])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        detector.decision_function(frame.head(5))  # a frame: no warning
        detector.decision_function(frame["masked"].tolist()[:5])  # strings already masked: scored as the fit read
        TfidfDetector().fit(frame["masked"].tolist()).decision_function(["a b c"])  # strings both times


def test_sample_weight_is_checked_and_a_weight_of_zero_shapes_nothing():
    lines = [f"job {i % 7} finished in {i} ms" for i in range(60)] + ["kernel panic on cpu 3", "disk sda full"]
    texts, counts = np.unique(lines, return_counts=True)
    for bad, match in (([1.5] * len(texts), "whole"), ([-1] * len(texts), "non-negative"), ([1, 2], "one number"),
                       ([np.nan] * len(texts), "whole")):
        with pytest.raises(ValueError, match=match):
            TfidfDetector().fit(texts, sample_weight=bad)
    with pytest.raises(ValueError, match="every sample_weight is 0"):
        TfidfDetector().fit(texts, sample_weight=np.zeros(len(texts)))
    with pytest.warns(UserWarning, match="storm rule"):
        base = TfidfDetector().fit(texts, sample_weight=counts)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a rule that needs no storm rule hears nothing of it
        TfidfDetector(contamination=0.05).fit(texts, sample_weight=counts)
        TfidfDetector(percentile=99).fit(texts, sample_weight=counts)
    # A row no line stands behind (weight 0) changes no other row's score, nor the threshold, nor the vocabulary.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for scorer in ("rarity", "knn", "iforest"):
            base = TfidfDetector(scorer=scorer).fit(texts, sample_weight=counts)
            more = TfidfDetector(scorer=scorer).fit(np.append(texts, "panic panic now"),
                                                    sample_weight=np.append(counts, 0))
            assert np.allclose(more.decision_scores_[:-1], base.decision_scores_)
            assert more.threshold_ == pytest.approx(base.threshold_)
            new = ["panic kernel now"]
            assert more.decision_function(new)[0] == pytest.approx(base.decision_function(new)[0])


def test_the_vectorizers_and_the_miner_follow_the_estimator_conventions():
    from logad_utils.embeddings import BertEmbedder
    from logad_utils.features import WeightedTfidf

    for method in ("transform", "get_feature_names_out"):
        with pytest.raises(NotFittedError):
            getattr(WeightedTfidf(), method)(*(["a b"],) if method == "transform" else ())
    embedder = clone(BertEmbedder(batch_size=8, pooling="cls"))
    assert embedder.get_params()["batch_size"] == 8 and embedder.pooling == "cls"
    masker = Masker((MaskRule("ticket", r"TCK-\d+", "<TICKET>"), *Masker().rules))
    miner = clone(LogTemplateMiner(sim_th=0.5, masker=masker))
    assert miner.sim_th == 0.5 and miner.masker == masker and not miner.is_fitted
