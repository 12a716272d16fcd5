"""The novelty signal: the share of a message's tokens that the fit never saw."""
import numpy as np
import pytest

from logad_utils.detectors import TfidfDetector
from logad_utils.features import NoveltyModel
from logad_utils.persistence import load_detector, save_detector

ORDINARY = ["user alice logged in from host <IP>", "user bob logged out", "session closed for user <NUM>",
            "disk check passed on volume data"]
TEXTS = [ORDINARY[i % 4] for i in range(200)] + ["disk check failed on volume data"]


def test_fitted_messages_score_zero_and_unseen_tokens_count_by_share():
    model = NoveltyModel().fit(TEXTS, np.ones(len(TEXTS)))
    assert model.unseen_surprise_ > 0
    scores = model.score(ORDINARY + ["never seen words", "user bob crashed hard", "!!!"])
    assert np.all(scores[:4] == 0)
    assert scores[4] == pytest.approx(model.unseen_surprise_)
    # 2 of 4 tokens new; a text without tokens has nothing new.
    assert scores[5] == pytest.approx(model.unseen_surprise_ / 2) and scores[6] == 0
    assert model.share(["bob bob bob zork"])[0] == pytest.approx(0.25)  # repeats counted


def test_a_settled_vocabulary_makes_an_unseen_token_stronger_evidence():
    settled = NoveltyModel().fit(ORDINARY, np.full(4, 1000))
    churning = NoveltyModel().fit([f"request r{i} served" for i in range(4000)], np.ones(4000))
    assert settled.unseen_surprise_ > churning.unseen_surprise_ + 3


def test_novelty_leaves_fitted_lines_alone_and_raises_new_words(tmp_path):
    with_novelty = TfidfDetector(novelty_weight=3.0).fit(TEXTS)
    without = TfidfDetector(novelty_weight=0.0).fit(TEXTS)
    np.testing.assert_allclose(with_novelty.decision_scores_, without.decision_scores_)
    assert with_novelty.threshold_ == pytest.approx(without.threshold_)
    new = ["never seen words here", "user bob logged out"]
    a, b = with_novelty.decision_function(new), without.decision_function(new)
    assert a[0] == pytest.approx(b[0] + 3.0 * with_novelty.novelty_.unseen_surprise_)
    assert a[1] == pytest.approx(b[1])
    loaded = load_detector(save_detector(tmp_path / "model", with_novelty))
    np.testing.assert_allclose(loaded.decision_function(new), a)
