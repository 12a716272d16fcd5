"""Weighted TF-IDF, de-duplication and the detector API."""
import functools
import gc
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from conftest import ODD, ROUTINE, corpus, traced_peak, write_trace_log
from logad_utils.detectors import LineRows, TfidfDetector, auto_threshold, combine, compute_threshold
from logad_utils.pipeline import parse_logs
from logad_utils.cli import main
from logad_utils.evaluate import MethodRun, detection_metrics, grouping_accuracy
from logad_utils.features import TOKEN_PATTERN, WeightedTfidf, frame_documents, severity, unique_documents
from logad_utils import evaluate, terms
from logad_utils.streaming import event_starts, join_positions, key_positions
from logad_utils.terms import distinctive_terms, distinctive_values, log_odds, percentile_band, term_scores

def test_weighted_fit_on_uniques_equals_fit_on_all_lines():
    docs = corpus()
    unique = unique_documents(docs)
    weighted = WeightedTfidf(ngram_range=(1, 2), sublinear_tf=False).fit(unique.texts, sample_weight=unique.counts)
    plain = TfidfVectorizer(token_pattern=TOKEN_PATTERN, ngram_range=(1, 2)).fit(docs)
    assert list(weighted.get_feature_names_out()) == list(plain.get_feature_names_out())
    np.testing.assert_allclose(weighted.idf_, plain.idf_)
    diff = abs(unique.broadcast(weighted.transform(unique.texts).toarray(), 0.0) - plain.transform(docs).toarray())
    assert diff.max() < 1e-12


def test_unique_documents_broadcast_and_excluded_lines():
    unique = unique_documents(["a", None, "b", "a"])
    assert unique.texts.tolist() == ["a", "b"] and unique.counts.tolist() == [2, 1]
    out = unique.broadcast(np.array([1.0, 2.0]))
    assert np.isnan(out[1]) and out[[0, 2, 3]].tolist() == [1.0, 2.0, 1.0]


def test_frame_documents_prefix_tokens_and_blank_rows():
    frame = pd.DataFrame({"masked": ["x <NUM>", ""], "component": ["HOST", None], "level": ["ERROR", None],
                          "blank": [False, True]})
    docs = frame_documents(frame, component=True, level=True)
    assert docs[0] == "component_HOST level_ERROR x <NUM>" and docs[1] is None


def test_severity_ranks():
    assert severity(pd.Series(["info", "WARN", "[error]", "core:crit", None, "odd"])).tolist() == [0, 1, 2, 3, 0, 0]


@pytest.mark.parametrize("scorer", ["rarity", "iforest", "knn"])
def test_detector_api_flags_the_odd_line(scorer):
    docs = corpus()
    det = TfidfDetector(scorer=scorer, contamination=0.01).fit(docs)
    assert det.decision_scores_.shape == (len(docs),) and det.labels_.shape == (len(docs),)
    assert set(np.unique(det.labels_)) <= {0, 1}
    np.testing.assert_allclose(det.decision_function(docs), det.decision_scores_)
    odd = docs.index(ODD)
    if scorer == "iforest":
        # Isolation ignores how often a message occurs: among six distinct messages the odd one
        # is not the easiest to isolate, only above the typical line.
        assert det.decision_scores_[odd] > np.median(det.decision_scores_)
        return
    assert det.decision_scores_[odd] == det.decision_scores_.max()
    assert det.labels_[odd] == 1
    assert det.predict([ODD, ROUTINE[0]]).tolist() == [1, 0]


@pytest.mark.parametrize("scorer", ["rarity", "iforest", "knn", "hybrid"])
def test_scoring_the_fitted_lines_reproduces_fit_scores(scorer):
    docs = corpus()
    det = TfidfDetector(scorer=scorer).fit(docs)
    np.testing.assert_array_equal(det.decision_function(docs), det.decision_scores_)


def test_detector_is_deterministic_and_handles_blank_rows():
    frame = pd.DataFrame({"masked": corpus() + [""], "blank": [False] * 201 + [True]})
    a = TfidfDetector(scorer="iforest").fit(frame)
    b = TfidfDetector(scorer="iforest").fit(frame)
    np.testing.assert_array_equal(a.decision_scores_, b.decision_scores_)
    assert np.isnan(a.decision_scores_[-1]) and a.labels_[-1] == 0


def test_empty_and_whitespace_texts_are_blank_lines_as_missing_ones_are():
    detector = TfidfDetector().fit(corpus() + ["", "   ", None])
    assert np.isnan(detector.decision_scores_[-3:]).all() and detector.labels_[-3:].tolist() == [0, 0, 0]
    assert np.isnan(detector.decision_function(["", "\t"])).all()


@pytest.mark.parametrize("lines, why", [([], "no lines"), (["", "  "], "every line is blank")])
def test_fitting_on_no_lines_or_blank_ones_says_which(lines, why):
    with pytest.raises(ValueError, match=f"^nothing to fit: {why}$"):
        TfidfDetector().fit(lines)
    with pytest.raises(ValueError, match=f"^nothing to fit: {why}$"):
        TfidfDetector().fit(pd.DataFrame({"masked": lines, "blank": [True] * len(lines)}))


class _CollectorWatch(TfidfDetector):
    """A TF-IDF detector that notes whether the cyclic collector ran while it fitted and scored its messages."""

    def _fit_unique(self, texts, counts):
        self.collector_on_ = [gc.isenabled()]
        super()._fit_unique(texts, counts)

    def _score_unique(self, texts, training):
        self.collector_on_.append(gc.isenabled())
        return super()._score_unique(texts, training)


def test_fit_pauses_the_cyclic_collector_and_resumes_it_even_on_failure():
    detector = _CollectorWatch().fit(corpus())
    assert detector.collector_on_ == [False, False] and gc.isenabled()
    with pytest.raises(ValueError, match="nothing to fit"):
        _CollectorWatch().fit(["", " "])
    assert gc.isenabled()
    gc.disable()  # a caller's own pause stays
    try:
        _CollectorWatch().fit(corpus())
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_shared_unique_table_gives_the_same_scores():
    frame = pd.DataFrame({"masked": corpus() + [""], "blank": [False] * 201 + [True]})
    detector = TfidfDetector()
    unique = unique_documents(frame_documents(frame, *detector.document_key()))
    shared = detector.fit(frame, unique=unique)
    np.testing.assert_array_equal(shared.decision_scores_, TfidfDetector().fit(frame).decision_scores_)
    np.testing.assert_array_equal(shared.decision_function(frame, unique=unique), shared.decision_scores_)


def test_combined_verdict_names_the_methods_that_flagged_each_line():
    runs = [MethodRun(name, np.arange(4.0), np.array(flags), 0.0, 0.0)
            for name, flags in (("a", [1, 0, 1, 0]), ("b", [1, 1, 0, 0]), ("c", [0, 0, 1, 0]))]
    score, verdict, names = combine(runs)
    assert names.tolist() == ["a;b", "b", "a;c", ""]
    assert verdict.tolist() == [1, 0, 1, 0]


def test_known_good_mode_flags_unseen_messages():
    train = [d for d in corpus() if d != ODD]
    det = TfidfDetector().fit(train)
    assert det.labels_.sum() == 0
    assert det.predict([ROUTINE[2], "power failure detected on ups"]).tolist() == [0, 1]


def test_severity_raises_scores_of_error_lines():
    frame = pd.DataFrame({"masked": ["disk check done"] * 2 + ["x"] * 50, "level": ["INFO", "ERROR"] + ["INFO"] * 50})
    scores = TfidfDetector().fit(frame).decision_scores_
    assert scores[1] > scores[0]
    assert TfidfDetector(severity_weight=0).fit(frame).decision_scores_[1] == scores[0]


def test_thresholds():
    scores = np.r_[np.zeros(95), np.arange(1, 6) * 10.0, np.nan]
    assert (scores > compute_threshold(scores, contamination=0.05)).sum() == 5
    assert compute_threshold(scores, percentile=99) == pytest.approx(np.percentile(scores[:-1], 99))
    assert 0 < auto_threshold(scores[:-1]) < 50
    with pytest.raises(ValueError):
        TfidfDetector(contamination=0.7).fit(corpus())


def _storm_scores(spread: bool) -> np.ndarray:
    """1,000 lines: noise, a few rare lines, and 100 lines (10 %) of one high score in one run (or spread)."""
    rng = np.random.default_rng(0)
    scores = rng.normal(0.0, 1.0, 1000)
    scores[[50, 300, 700]] = 6.0
    storm = np.arange(0, 1000, 10) if spread else np.arange(400, 500)
    scores[storm] = 12.0
    return scores


def test_a_storm_past_the_share_of_anomalies_is_flagged_where_its_lines_crowd_one_stretch():
    scores = _storm_scores(spread=False)
    cut = compute_threshold(scores)  # no order: the rule's share of the lines at most
    assert (scores > cut).sum() <= 50
    storm_cut = compute_threshold(scores, order=LineRows())
    assert np.flatnonzero(scores > storm_cut).tolist() == list(range(400, 500))
    # The same scores spread over the input are rare lines of a clean log, not a storm.
    spread = _storm_scores(spread=True)
    assert compute_threshold(spread, order=LineRows()) == compute_threshold(spread)


def test_a_storm_under_rare_lines_spread_over_the_log_is_flagged():
    # A port scan's 60 denies in one run score a little under 46 other denies spread over the log, which the
    # ordinary cut flags: everything above the scan's gap is not in one stretch, the scan alone is.
    rng = np.random.default_rng(0)
    scores = rng.normal(0.0, 0.3, 1600)
    scores[[p for p in range(10, 1600, 33) if not 1190 <= p < 1270][:46]] = 6.85
    scores[1201:1261] = 6.43
    cut = compute_threshold(scores)
    assert (scores > cut).sum() == 46
    flagged = scores > compute_threshold(scores, order=LineRows())
    assert flagged[1201:1261].all() and flagged.sum() == 106
    # The same 60 lines spread over the log are no storm.
    scores[1201:1261] = rng.normal(0.0, 0.3, 60)
    scores[np.arange(27, 1600, 26)[:60]] = 6.43
    assert compute_threshold(scores, order=LineRows()) == compute_threshold(scores)


def test_a_storm_over_lines_that_all_score_alike_and_with_blank_lines_in_it_is_flagged():
    # A heartbeat on 85 % of the lines (one score, the median), 150 storm lines in one run, a blank after each.
    scores = np.r_[np.zeros(850), np.tile([9.0, np.nan], 150), np.zeros(850)]
    flagged = scores > compute_threshold(scores, order=LineRows())
    assert np.flatnonzero(flagged).tolist() == list(range(850, 1150, 2))


def test_blank_lines_neither_make_nor_unmake_a_storm():
    # Every other line of a run scores high: half of that stretch, too thin to be a storm, blank lines or not.
    run = np.tile([9.0, 0.0], 75)
    plain = np.r_[np.zeros(850), run, np.zeros(850)]
    spaced = np.r_[np.zeros(850), np.ravel(np.column_stack([run, np.full(150, np.nan)])), np.zeros(850)]
    flagged = [(s > compute_threshold(s, order=LineRows())).sum() for s in (plain, spaced)]
    assert flagged[0] == flagged[1] <= 0.05 * len(plain)


def test_a_whole_file_read_beside_others_is_no_storm_but_a_storm_within_a_file_is():
    # Two files: the first (20 % of the lines) all scores high, as a rarer source's lines do.
    scores = np.r_[np.full(400, 5.0), np.zeros(1600)]
    files = np.array([0, 400, 2000])
    assert compute_threshold(scores, order=LineRows(files)) == compute_threshold(scores)
    assert (scores > compute_threshold(scores, order=LineRows())).sum() == 400  # one file: a storm
    # A storm of 200 lines inside the second file is still one.
    stormy = np.r_[np.zeros(400), np.zeros(700), np.full(200, 5.0), np.zeros(700)]
    assert np.flatnonzero(stormy > compute_threshold(stormy, order=LineRows(np.array([0, 400, 2000])))).tolist() \
        == list(range(1100, 1300))
    # The high file second, after a file whose tail holds errors with their traces (weight 0): a stretch from
    # that tail over all of it is no storm either (the verdicts hung on the order the files were named in).
    second = np.r_[np.zeros(3000), np.full(300, 5.0)]
    weights = np.ones(3300, dtype=np.int64)
    second[2400:3000:6] = 4.0
    weights[2400:3000] = np.where(np.arange(600) % 6, 0, 1)
    assert compute_threshold(second, weights=weights, order=LineRows(np.array([0, 3000, 3300]))) \
        == compute_threshold(second, weights=weights)
    # A storm across a rotation (the tail of one file, the head of the next) is one.
    rotated = np.r_[np.zeros(900), np.full(200, 5.0), np.zeros(900)]
    assert (rotated > compute_threshold(rotated, order=LineRows(np.array([0, 1000, 2000])))).sum() == 200


def test_errors_spread_over_a_log_are_no_storm_however_long_their_traces(tmp_path):
    # Every 12th request fails with a 31-line trace: 8 % of the events, but 74 % of the lines, spread evenly. A
    # storm is counted in events, as the cut is; counted in lines, the whole log was one.
    frame = parse_logs(write_trace_log(tmp_path / "app.log", every=12, frames=30), warn=False)
    detector = TfidfDetector().fit(frame)
    assert len(frame) > 3000 and detector.labels_.sum() == 0
    assert detector.threshold_ == compute_threshold(detector.decision_scores_, weights=event_starts(frame))


def test_a_storm_among_lines_of_sources_merged_by_time_is_still_a_storm():
    # Two pods' lines interleaved (a frame sorted by time): no file is a stretch of its own.
    rng = np.random.default_rng(0)
    texts = list(rng.choice([f"request {w} served" for w in ("alpha", "beta", "gamma", "delta", "eps")], 4000))
    texts[2000:2300] = ["kernel oom killer invoked on pid"] * 300
    frame = pd.DataFrame({"masked": texts, "source": np.where(np.arange(4000) % 2 == 0, "pod-a.log", "pod-b.log")})
    assert TfidfDetector().fit(frame).labels_[2000:2300].all()


def test_a_healthy_shorter_file_is_not_flagged_whole(tmp_path):
    # Two clean heartbeat logs read together: one ran an hour, the other four.
    for name, n in (("a", 720), ("b", 2880)):
        times = pd.Timestamp("2024-03-11 08:00") + pd.to_timedelta(np.arange(n) * 5, unit="s")
        (tmp_path / f"svc_{name}.log").write_text("".join(
            f"{t:%Y-%m-%d %H:%M:%S},000 INFO [main] {name}.Worker - svc_{name} heartbeat {i % 997} ok\n"
            for i, t in enumerate(times)))
    frame = parse_logs(tmp_path, warn=False)
    assert TfidfDetector().fit(frame).labels_.sum() == 0
    out = tmp_path / "out.csv"
    assert main(["detect", str(tmp_path / "svc_a.log"), str(tmp_path / "svc_b.log"), "--out", str(out)]) == 0
    assert pd.read_csv(out)["is_anomaly"].sum() == 0


class _KeyOrder:
    def __init__(self, line_keys):
        self.line_keys = line_keys

    def positions(self, keys):
        return join_positions([key_positions(self.line_keys[:500], keys), key_positions(self.line_keys[500:], keys,
                                                                                         500)])


def test_the_storm_rule_on_distinct_lines_with_counts_is_the_rule_on_every_line():
    scores = np.round(_storm_scores(spread=False), 1)  # a few hundred distinct scores, most repeated
    distinct, line_keys, counts = np.unique(scores, return_inverse=True, return_counts=True)
    expected = compute_threshold(scores, order=LineRows())
    assert compute_threshold(distinct, weights=counts, order=_KeyOrder(line_keys)) == pytest.approx(expected)
    assert (scores > expected).sum() == 100


def test_log_odds_prefers_items_frequent_in_group_a():
    delta, z = log_odds(np.array([10, 1, 5]), np.array([1, 10, 50]))
    assert z[0] > 0 > z[1] and delta[0] > delta[2]


def test_one_template_is_even_odds_without_a_warning():
    # A log of one template (a steady stream of one message): its share is 1 in flagged and normal lines alike.
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = distinctive_values(["served in <NUM> ms"] * 5, [0, 1, 0, 0, 0], name="template")
        assert table[["log_odds", "z"]].to_numpy().tolist() == [[0.0, 0.0]]
        assert distinctive_values(["a"] * 3, [0, 0, 0])["z"].tolist() == [0.0]


def test_log_odds_of_a_template_that_holds_most_lines_is_no_stronger_than_a_test_of_two_shares():
    # 63.7 % of 590 lines against 59.6 % of 5,000: a two-proportion z of 1.94, ordinary noise. Leaving the
    # complements out of the variance made it 3.0, past a Bonferroni cut, and named a warning sign.
    a, b = np.array([376, 214]), np.array([2980, 2020])
    pooled = (a[0] + b[0]) / (a.sum() + b.sum())
    two_shares = (a[0] / a.sum() - b[0] / b.sum()) / np.sqrt(pooled * (1 - pooled) * (1 / a.sum() + 1 / b.sum()))
    z = log_odds(a, b)[1]
    assert abs(z[0] - two_shares) < 0.2 and z[0] == pytest.approx(-z[1])


def test_term_tables():
    docs = corpus()
    unique = unique_documents(docs)
    tfidf = WeightedTfidf()
    matrix = tfidf.fit_transform(unique.texts, sample_weight=unique.counts)
    scores = term_scores(matrix, tfidf.get_feature_names_out(), unique.counts)
    assert scores["mean_tfidf"].is_monotonic_decreasing
    # lines: how many of the corpus' lines hold each term
    lines = {term: sum(term in TfidfVectorizer(token_pattern=TOKEN_PATTERN).build_analyzer()(d) for d in docs)
             for term in ("session", "jam", "printed")}
    assert scores.set_index("term").loc[list(lines), "lines"].to_dict() == lines
    band = percentile_band(scores, 80, 100)
    cut = np.percentile(scores["mean_tfidf"], 80)
    assert 0 < len(band) < len(scores) and (band["mean_tfidf"] >= cut).all()
    assert set(band["term"]) == set(scores.loc[scores["mean_tfidf"] >= cut, "term"])
    flags = np.array([d == ODD for d in docs])
    top = distinctive_terms(matrix, tfidf.get_feature_names_out(), unique.inverse, flags)
    odd_terms = {"dispenser", "jam", "detected", "at", "slot", "cassette", "removed"}
    assert top.iloc[0]["term"] in odd_terms and top.iloc[0]["anomalous_lines"] == 1
    assert top.iloc[0]["z"] > 0 > top.set_index("term").loc["session", "z"]
    values = distinctive_values(docs, flags, name="template")
    assert values.iloc[0]["template"] == ODD


def test_a_term_on_every_line_is_not_over_represented_in_short_anomalous_lines():
    # An access log whose flagged lines were its short ones ("conn=1 op=1 CMP attr=member"): weighed as a share of
    # all the terms written, "conn" and "op", on every line, came out over-represented, the word cloud's largest.
    from logad_utils.features import word_presence

    texts = ["conn op cmp attr member"] + [f"conn op result err tag nentries wtime optime etime notes {w}"
                                           for w in ("paged", "unindexed", "simple", "fast")]
    inverse = np.array([0] * 9 + [1, 2, 3, 4] * 300)
    flags = (inverse == 0).astype(int)
    top = distinctive_terms(*word_presence(texts), inverse, flags).set_index("term")
    assert top.loc["conn", "z"] <= 0 and top.loc["op", "z"] <= 0 < top.loc["cmp", "z"]
    # one comparison a row gives what each gives alone
    rows = log_odds([[3, 9], [5, 7]], [[40, 1200], [0, 1240]])
    alone = [log_odds(a, b) for a, b in (([3, 9], [40, 1200]), ([5, 7], [0, 1240]))]
    assert np.allclose(rows[1], [z for _, z in alone]) and np.allclose(rows[0], [d for d, _ in alone])


@pytest.mark.parametrize("seed", range(20))
def test_distinctive_values_of_a_categorical_count_its_codes_as_objects_would(seed, monkeypatch):
    # A long log's categorical is counted from its own codes, a block at a time: the same table as its values.
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(0, 200)), int(rng.integers(1, 12))
    values = pd.Categorical.from_codes(rng.integers(-1, k, size=n), [f"t{j}" for j in rng.permutation(k + 3)])
    flags = rng.random(n) < 0.3
    monkeypatch.setattr(terms, "_category_counts", functools.partial(terms._category_counts, block=7))
    with np.errstate(divide="ignore", invalid="ignore"):
        pd.testing.assert_frame_equal(distinctive_values(values, flags), distinctive_values(list(values), flags))


def test_missing_labels_are_one_group_and_no_scored_line_measures_nothing():
    # A Loghub row without its template, and a detector that scored no line: answers, not tracebacks.
    assert grouping_accuracy(["a", "a", None, None], [1, 1, 2, 2]) == 1.0
    assert grouping_accuracy(["a", None, None], [1, 1, 2]) == 0.0
    m = detection_metrics([1, 0], [np.nan, np.nan], [0, 0])
    assert np.isnan(m["f1"]) and m["lines"] == 0 and m["excluded"] == 2


def test_metrics_without_ground_truth_count_the_flagged_lines_alone():
    # A log of your own has no labels: what can be counted is, the rest is NaN (a notebook shows it as it is).
    m = detection_metrics(None, [0.1, np.nan, 3.0, 2.0], [0, 0, 1, 1])
    assert (m["flagged"], m["lines"], m["excluded"]) == (2, 3, 1)
    assert all(np.isnan(m[k]) for k in ("precision", "recall", "f1", "roc_auc", "pr_auc", "best_f1", "tp", "tn"))


def test_ground_truth_of_another_log_is_a_one_line_error():
    # A notebook run on a user's log with the bundled sample's labels: said plainly, not a numpy broadcast error.
    with pytest.raises(ValueError, match="ground truth has 5 values for 3 lines: it belongs to another log"):
        detection_metrics([0, 0, 1, 1, 0], [0.1, 0.2, 0.9], [0, 0, 1])
    with pytest.raises(ValueError, match="ground truth has 2 values for 3 lines"):
        detection_metrics([0, 1], [0.1, 0.2, 0.9], [0, 0, 1])


def test_metrics_and_grouping_accuracy():
    m = detection_metrics([0, 0, 1, 1, 0], [0.1, 0.2, 0.9, 0.3, np.nan], [0, 0, 1, 0, 0])
    assert (m["tp"], m["fn"], m["fp"], m["excluded"]) == (1, 1, 0, 1)
    assert m["roc_auc"] == 1.0 and m["f1"] == pytest.approx(2 / 3)
    assert grouping_accuracy(["a", "a", "b", "c"], [1, 1, 2, 2]) == 0.5


def test_metrics_of_repeated_lines_are_the_per_line_metrics():
    # detection_metrics counts each distinct (truth, score, label) once, weighted by its lines.
    from sklearn.metrics import average_precision_score, f1_score, roc_auc_score

    rng = np.random.default_rng(3)
    key = rng.integers(0, 40, 5000)
    scores = rng.random(40)[key]
    y = (rng.random(5000) < np.where(scores > 0.8, 0.7, 0.05)).astype(int)
    labels = (scores > 0.75).astype(int)
    m = detection_metrics(y, scores, labels)
    assert m["roc_auc"] == pytest.approx(roc_auc_score(y, scores), abs=1e-12)
    assert m["pr_auc"] == pytest.approx(average_precision_score(y, scores), abs=1e-12)
    assert m["f1"] == pytest.approx(f1_score(y, labels), abs=1e-12)
    assert (m["tp"], m["flagged"], m["lines"]) == (int((y & labels).sum()), int(labels.sum()), 5000)


def test_metrics_leave_out_blank_lines_whatever_their_truth_and_label_hold():
    # A blank line has no score; its truth or label may be NaN, or any number, and must not count.
    clean = detection_metrics([1, 0, 0], [0.1, 0.3, 0.3], [1, 1, 1])
    for y, labels in (([1, np.nan, 0, 0], [1, np.nan, 1, 1]), ([1, 7, 0, 0], [1, -5, 1, 1])):
        with np.errstate(invalid="ignore"):
            m = detection_metrics(np.array(y), [0.1, np.nan, 0.3, 0.3], np.array(labels))
        assert m == {**clean, "excluded": 1}


def test_metrics_refuse_a_truth_or_label_that_is_not_0_or_1_on_a_scored_line():
    # A truth of 0.5 was cast to 0 and scored silently; a missing truth on a scored line (a continuation line the
    # labels left empty) was an OverflowError from the counting; a Loghub '-' a bare int() error.
    scores = [0.1, 0.9, 0.3, np.nan]
    for y in ([0, 0.5, 0, 0], [0, np.nan, 0, 0], ["-", "-", "-", "-"], [0, 2, 0, 0]):
        with pytest.raises(ValueError, match="ground truth must be 0 or 1 on every scored line, got .* at row"):
            detection_metrics(np.array(y, dtype=object if isinstance(y[0], str) else float), scores, [0, 1, 0, 0])
    with pytest.raises(ValueError, match="labels must be 0 or 1"):
        detection_metrics([0, 1, 0, 0], scores, [0, 0.5, 0, 0])
    bools = detection_metrics(np.array([False, True, False, True]), scores, [0, 1, 0, 0])
    assert bools == detection_metrics([0, 1, 0, 1], scores, [0, 1, 0, 0])


def test_count_codes_counts_the_selected_lines_from_the_lowest_code_a_block_at_a_time():
    rng = np.random.default_rng(2)
    codes, where = rng.integers(-3, 9, 1000).astype(np.int32), rng.random(1000) < 0.6
    counts = terms.count_codes(codes, where, 10, low=-1, block=7)  # codes -1 .. 8; -3 and -2 are left out
    np.testing.assert_array_equal(counts, np.bincount(codes[where & (codes >= -1)] + 1, minlength=10))


def test_terms_count_each_unique_rows_lines_a_block_at_a_time():
    # The word cloud of a 10M-line analysis: the kept rows and bincount's 8-byte copy were 13 bytes a line.
    rng = np.random.default_rng(3)
    n = 6_000_000
    inverse = rng.integers(-1, 50, n).astype(np.int32)
    flagged = (rng.random(n) < 0.05).astype(np.int8)
    (anomalous, normal), peak = traced_peak(lambda: terms._split_counts(inverse, flagged, 50))
    kept = inverse >= 0
    np.testing.assert_array_equal(anomalous, np.bincount(inverse[kept & (flagged > 0)], minlength=50))
    np.testing.assert_array_equal(normal, np.bincount(inverse[kept & (flagged == 0)], minlength=50))
    assert peak < 2 * n + (24 << 20)  # the two flags, and a block's copies


def test_distinct_cases_added_up_block_by_block_are_those_of_the_whole():
    rng = np.random.default_rng(4)
    y, labels = rng.integers(0, 2, 500), rng.integers(0, 2, 500).astype(np.int8)
    scores = rng.random(20)[rng.integers(0, 20, 500)]
    scores[::37] = np.nan  # a NaN score is a case of its own; the metrics leave it out
    whole, blocks = evaluate._distinct_cases(y, scores, labels), evaluate._distinct_cases(y, scores, labels, block=7)
    for a, b in zip(whole, blocks):
        np.testing.assert_array_equal(a, b)
    assert whole[3].sum() == 500
    scored = ~np.isnan(scores)  # the lines without a score are one case: their truth and label do not count
    cases = pd.DataFrame({"y": y, "s": scores, "label": labels})[scored].drop_duplicates()
    assert len(whole[0]) == len(cases) + 1 and whole[3][np.isnan(whole[1])].sum() == (~scored).sum()


def test_a_log_in_another_script_has_terms():
    # Cyrillic words are words: an ASCII-only token pattern left no vocabulary at all ("empty vocabulary").
    lines = ["соединение установлено", "запрос обработан", "кэш очищен"] * 200 + ["отказ диска на устройстве"]
    detector = TfidfDetector().fit(lines)
    assert np.flatnonzero(detector.labels_).tolist() == [600]
    assert "соединение" in detector.tfidf_.get_feature_names_out()


@pytest.mark.parametrize("scorer", ["rarity", "knn"])
def test_a_line_of_punctuation_alone_is_as_common_as_its_count(scorer):
    # "}" has no term of its own; it counted as unseen wherever it was (and as far from its copies as from all).
    lines = [m for _ in range(300) for m in ("user login ok", "request served fast", "}", "cache hit")]
    detector = TfidfDetector(scorer=scorer, structure_weight=0.0).fit(lines + ["disk failure on sda"])
    scores = detector.decision_scores_
    assert scores[2] == pytest.approx(scores[0], abs=1e-9) and scores[2] < detector.threshold_ < scores[-1]
    # Its stand-in term is no word of the log: term tables leave it out.
    names = detector.tfidf_.get_feature_names_out()
    assert terms.NO_TERMS in names and terms.NO_TERMS not in set(term_scores(detector.train_matrix_, names).term)


def test_iforest_with_a_single_unique_message():
    det = TfidfDetector(scorer="iforest").fit(["same line"] * 3)
    assert det.labels_.tolist() == [0, 0, 0]


def test_detector_package_layout_and_light_import():
    code = ("import sys, logad_utils.detectors as d, logad_utils.autoencoder as a, logad_utils.pipeline as p; "
            "assert a.AutoencoderDetector is d.AutoencoderDetector and p.make_detector is d.make_detector; "
            "assert type(d.make_detector('bert')) is d.DbscanDetector; "
            "print(sorted(m for m in ('torch', 'tensorflow', 'keras', 'transformers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_word_presence_counts_the_logs_words_not_the_placeholders():
    # TF-IDF reads <IP> as a word "ip": the anomaly word cloud drew "ip" and "num" as the log's words.
    from logad_utils.features import word_presence

    matrix, names = word_presence(["Connect to <IP> port <NUM> failed", "ip route <*> ok"])
    assert "ip" in names and "num" not in names and not any("<" in n for n in names)
    assert matrix[:, list(names).index("ip")].toarray().ravel().tolist() == [0, 1]
    assert "to port" not in names, "no pair bridges a placeholder"


def test_a_spread_of_rounding_is_no_scale():
    # One message repeated: its raw scores' weighted spread is float rounding (1e-17), and as a scale it blew the
    # scores up to 1e15, where an ERROR line's severity (+2) was lost.
    from logad_utils.detectors._base import _weighted_std

    assert _weighted_std(np.array([0.1]), np.array([3])) == 1.0
    assert _weighted_std(np.array([7.48e-06, 7.48e-06 * (1 + 1e-9)]), np.array([200, 5])) == 1.0
    assert _weighted_std(np.array([1.0, 3.0]), np.array([1, 1])) == pytest.approx(1.0)
    assert _weighted_std(np.array([1e-9, 3e-9]), np.array([1, 1])) == pytest.approx(1e-9)


@pytest.mark.parametrize("engine", ["local", "dask", "in memory"])
def test_a_storm_across_a_rotation_is_one_when_the_newer_file_is_mostly_storm(tmp_path, engine):
    # Rotated by size during a storm: app.log.1 ends in it, app.log is mostly storm. Each file's half read
    # app.log's share as a whole file beside another, and no line was flagged; one log's files are one log.
    from conftest import with_storm, write_heartbeat_log
    from logad_utils.cli import main

    path, truth = with_storm(write_heartbeat_log(tmp_path / "beat.log", 3000), tmp_path / "storm.log", share=0.1)
    lines = path.read_text().splitlines()
    storm = np.flatnonzero(truth)
    cut, end = storm.min() + int(0.4 * len(storm)), storm.max() + 151
    (tmp_path / "app.log.1").write_text("\n".join(lines[:cut]) + "\n")
    (tmp_path / "app.log").write_text("\n".join(lines[cut:end]) + "\n")
    out = tmp_path / "s.csv"
    extra = {"local": [], "dask": ["--engine", "dask", "--workers", "1"],
             "in memory": ["--projector-dir", str(tmp_path / "pj")]}[engine]
    assert main(["detect", str(tmp_path / "app.log.1"), str(tmp_path / "app.log"), "--out", str(out), *extra]) == 0
    scores = pd.concat([pd.read_csv(p) for p in sorted(out.glob("*.csv"))]) if out.is_dir() else pd.read_csv(out)
    assert scores["is_anomaly"].sum() >= 0.9 * len(storm)
