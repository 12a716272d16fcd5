"""The structural signal, routine periodic messages, and the answer when nothing crosses the threshold."""
import numpy as np
import pandas as pd

from logad_utils.analysis import Analysis, write_outputs
from logad_utils.detectors import TfidfDetector, auto_threshold
from logad_utils.evaluate import MethodRun
from logad_utils import features
from logad_utils.features import SHAPE_NAMES, StructureModel, periodic_keys, shape_features
from logad_utils.rca import analyze
from logad_utils.report import _incident_block, _table, _trends_section, most_unusual

ORDINARY = ["user alice logged in from host a", "user bob logged out", "session closed for user carol",
            "disk check passed on volume data", "user dave logged in from host b"]


def lines_frame(texts, parsed=None, times=None) -> pd.DataFrame:
    n = len(texts)
    frame = pd.DataFrame({"source": "x.log", "line_no": np.arange(1, n + 1), "raw": texts, "blank": False,
                          "parsed": True if parsed is None else parsed, "masked": texts, "template": texts,
                          "content": texts, "template_id": [ORDINARY.index(t) if t in ORDINARY else 9 for t in texts]})
    if times is not None:
        frame["timestamp"] = times
    return frame


def test_shape_outlier_stands_out_though_its_words_are_ordinary():
    texts = [ORDINARY[i % 5] for i in range(300)]
    model = StructureModel().fit(texts, np.ones(len(texts)))
    odd = "user=alice;;logged[in]{from}/host/a#####"  # the same words, a foreign shape
    scores = model.score(texts[:5] + [odd])
    assert scores[-1] > scores[:5].max() + 1


def test_shape_features_count_each_character_by_its_class(monkeypatch):
    monkeypatch.setattr(features, "_SHAPE_BATCH", 16)  # batches of a few texts, one text longer than a batch
    texts = ["", "ab C1 [x]", "ÄÖü ß 中文 \u00a0\u2003x", "١٢٣ ½ \ud800 ~!?", "a" * 40 + " {y}=z, w;v", "   "]
    got = shape_features(texts)
    assert got.shape == (6, len(SHAPE_NAMES))
    column = dict(zip(SHAPE_NAMES, got.T))
    assert np.array_equal(column["chars"], np.log1p([0, 9, 12, 11, 51, 3]))
    assert np.array_equal(column["tokens"], np.log1p([0, 3, 4, 4, 3, 0]))
    # ab C1 [x]: letters a b C x, one of them upper; digit 1; two spaces; the brackets' group only.
    assert np.allclose(got[1, 2:8], [4 / 9, 1 / 9, 1 / 4, 2 / 9, 2 / 9, 0])
    assert column["punct []"][1] == 1 and got[1, 8:].sum() == 1
    # Non-ASCII letters are letters and other; Unicode spaces are spaces; Arabic-Indic digits are digits.
    assert np.allclose(got[2, 2:8], [7 / 12, 0, 2 / 7, 5 / 12, 0, 6 / 12])
    assert np.allclose(got[3, 2:8], [0, 3 / 11, 0, 3 / 11, 3 / 11, 2 / 11])  # ½ and a lone surrogate: other
    assert column["punct #@$%&*+|^~!?"][3] == 1
    assert np.allclose(got[4, 8:], np.array([0, 0, 2, 0, 0, 1, 0, 0, 2, 0, 0, 0]) / 5)
    assert not got[0].any() and got[5, 5] == 1


def test_a_line_matching_no_layout_scores_higher_in_every_detector():
    texts = [ORDINARY[i % 5] for i in range(400)]
    texts[100], texts[300] = "user erin logged out", "user fran logged out"
    parsed = np.ones(400, dtype=bool)
    parsed[300] = False  # did not match the file's header layout
    frame = lines_frame(texts, parsed)
    with_structure = TfidfDetector().fit(frame).decision_scores_
    without = TfidfDetector(structure_weight=0.0).fit(frame).decision_scores_
    assert without[300] == without[100]
    assert with_structure[300] > with_structure[100] + 1


def test_periodic_keys():
    start = pd.Timestamp("2026-01-01")
    daily = [start + pd.Timedelta(days=d, minutes=int(m)) for d, m in zip(range(6), [0, 3, 1, 2, 0, 4])]
    rng = np.random.default_rng(0)
    random = sorted(start + pd.Timedelta(seconds=int(s)) for s in rng.integers(0, 6 * 86400, 6))
    burst = [start + pd.Timedelta(days=2, minutes=10 * i) for i in range(6)]  # every 10 min, one hour only
    times = pd.Series(daily + random + burst + [start + pd.Timedelta(days=6)])
    keys = np.array(["daily"] * 6 + ["random"] * 6 + ["burst"] * 6 + ["end"], dtype=object)
    assert periodic_keys(keys, times) == {"daily"}


def test_three_nights_on_the_second_are_routine_but_three_loose_ones_are_not():
    start = pd.Timestamp("2026-01-01")
    nights = [start + pd.Timedelta(days=d, hours=2, seconds=s) for d, s in zip(range(3), [13, 1, 10])]
    loose = [start + pd.Timedelta(days=d, hours=3, minutes=m) for d, m in zip(range(3), [0, 25, 7])]
    # Times to the second over three days, so exactly equal gaps are rare by chance.
    rng = np.random.default_rng(3)
    random = sorted(start + pd.Timedelta(seconds=int(s)) for s in rng.integers(0, 3 * 86400, 3))
    ends = [start, start + pd.Timedelta(days=3)]
    times = pd.Series(nights + loose + random + ends)
    keys = np.array(["nightly"] * 3 + ["loose"] * 3 + ["random"] * 3 + ["edge"] * 2, dtype=object)
    assert periodic_keys(keys, times) == {"nightly"}
    # Minute cron at whole seconds: landing on the second by chance is one in 60, too likely to tell.
    minutes = pd.Series([start + pd.Timedelta(minutes=m) for m in range(4)])
    assert periodic_keys(np.array(["cron"] * 3 + ["edge"]), minutes) == set()


def test_a_job_that_writes_a_run_of_lines_each_night_is_routine_but_random_runs_are_not():
    start = pd.Timestamp("2026-01-01")
    rng = np.random.default_rng(5)
    # 40 lines half a second apart from 02:00 and a few seconds each night: the nights recur, the lines do not.
    job = [start + pd.Timedelta(days=d, hours=2, seconds=int(s)) + pd.Timedelta(milliseconds=500 * i)
           for d, s in zip(range(3), [2, 3, 14]) for i in range(40)]
    # Runs of 40 lines at random times of the same three days.
    runs = [start + pd.Timedelta(seconds=int(s)) + pd.Timedelta(milliseconds=500 * i)
            for s in rng.integers(0, 3 * 86400, 3) for i in range(40)]
    ends = [start, start + pd.Timedelta(days=3)]
    keys = np.array(["job"] * 120 + ["runs"] * 120 + ["edge"] * 2, dtype=object)
    assert periodic_keys(keys, pd.Series(job + runs + ends)) == {"job"}


def _periodic(keys, times, lines, weights=None, step=None, keep=100) -> set:
    return periodic_keys(np.asarray(keys, dtype=np.int32), pd.Series(np.asarray(times).view("datetime64[ns]")),
                         lines=np.asarray(lines), weights=weights, step=step, keep=keep)


def test_a_nightly_run_of_lines_stays_routine_when_its_times_are_too_many_to_keep_all():
    from logad_utils.streaming import bound_times

    start, day, second = pd.Timestamp("2026-01-01").value, 86400 * 10**9, 10**9
    rng = np.random.default_rng(7)
    # 10 lines a second apart from 02:00 and a few seconds each night; runs of 10 at random times of the same days.
    for nights in (15, 30):  # 150 distinct times, all read; 300, read from the 100 earliest and 100 latest
        job = [start + d * day + 7200 * second + int(rng.integers(0, 15)) * second + i * second
               for d in range(nights) for i in range(10)]
        runs = [int(s) + i * second for s in start + rng.integers(0, nights * day, nights) for i in range(10)]
        keys = np.repeat([0, 1, 2], [len(job), len(runs), 2])
        times = np.array(job + runs + [start, start + nights * day], dtype=np.int64)
        lines = np.array([len(job), len(runs), 2])
        assert _periodic(keys, times, lines) == {0}
        rows = bound_times(np.column_stack([keys, times, np.ones(len(keys), dtype=np.int64)]), keep=100)
        assert _periodic(rows[:, 0], rows[:, 1], lines, weights=rows[:, 2], step=second) == {0}

def test_a_frequent_key_is_read_from_its_earliest_and_latest_times_as_a_bounded_pass_keeps_them():
    from logad_utils.streaming import bound_times

    start = pd.Timestamp("2026-01-01").value
    rng = np.random.default_rng(4)
    beat = 60 * 10**9
    heartbeat = start + np.arange(2000) * beat + rng.integers(0, 10**9, 2000)  # every minute, 1 s of jitter
    random = np.sort(start + rng.integers(0, 2000 * beat, 1500))
    polls = start + np.concatenate([np.arange(100, 500), np.arange(1700, 1900)]) * beat  # two outages, every poll
    interval = start + np.concatenate([np.arange(1000) * beat, 1000 * beat + np.arange(1, 201) * 5 * beat])
    keys = np.repeat([0, 1, 2, 3], [2000, 1500, 600, 1200])
    times = np.concatenate([heartbeat, random, polls, interval])
    lines = np.array([2000, 1500, 600, 1200])
    # The heartbeat, and a job whose interval went from a minute to five: periodic at both ends.
    assert _periodic(keys, times, lines) == {0, 3}
    # The outages' polls fill too few beats, however many lines each poll writes.
    doubled = np.concatenate([keys, np.full(600, 2)]), np.concatenate([times, polls])
    assert _periodic(*doubled, lines * [1, 1, 2, 1]) == {0, 3}
    # What a bounded pass keeps (the lines at each kept time, the step of every time) gives the same answer.
    rows = bound_times(np.column_stack([*doubled, np.ones(len(doubled[0]), dtype=np.int64)]), keep=100)
    assert len(rows) == 800
    step = int(np.gcd.reduce(doubled[1] - doubled[1][0]))
    assert _periodic(rows[:, 0], rows[:, 1], lines * [1, 1, 2, 1], weights=rows[:, 2], step=step) == {0, 3}


def test_the_step_of_every_time_is_the_chance_of_the_grid_not_that_of_the_kept_ones():
    from logad_utils.streaming import bound_times

    # A 10 s heartbeat among requests flushed on a 10 s clock; only some beats in its middle are off that clock.
    start, second = pd.Timestamp("2026-01-01").value, 10**9
    beats = start + np.arange(1000) * 10 * second + np.where((np.arange(1000) // 10) == 50, 3 * second, 0)
    requests = start + np.random.default_rng(2).integers(0, 1000, 4000) * 10 * second
    keys, times = np.repeat([0, 1], [1000, 4000]), np.concatenate([beats, requests])
    lines = np.array([1000, 4000])
    full = _periodic(keys, times, lines)
    assert 0 in full
    rows = bound_times(np.column_stack([keys, times, np.ones(len(keys), dtype=np.int64)]), keep=100)
    assert _periodic(rows[:, 0], rows[:, 1], lines, weights=rows[:, 2], step=second) == full
    # The kept times alone lie on the 10 s clock: read from them, the grid would be no better than chance.
    assert _periodic(rows[:, 0], rows[:, 1], lines, weights=rows[:, 2]) != full


def test_rare_daily_message_is_routine_but_rare_random_one_is_not():
    start = pd.Timestamp("2026-01-01")
    n = 7 * 288  # one line every 5 minutes for a week
    times = [start + pd.Timedelta(minutes=5 * i) for i in range(n)]
    rng = np.random.default_rng(1)
    texts = [ORDINARY[i] for i in rng.integers(0, 5, n)]
    for day in range(7):
        texts[day * 288] = "journal rotated nightly"  # daily, at midnight
    texts[1000] = "fan failure detected on board"
    texts[1001] = "fan failure detected on board"
    det = TfidfDetector().fit(lines_frame(texts, times=times))
    assert "journal rotated nightly" in det.routine_
    assert det.labels_[[d * 288 for d in range(7)]].sum() == 0
    assert det.labels_[1000] == 1
    assert TfidfDetector(routine=False).fit(lines_frame(texts, times=times)).labels_[0] == 1


def test_auto_threshold_cuts_at_the_clear_gap():
    rng = np.random.default_rng(0)
    scores = np.concatenate([rng.normal(0, 1, 1000), rng.normal(12, 0.3, 20)])
    cut = auto_threshold(scores)
    assert scores[:1000].max() < cut < scores[1000:].min()


def test_nothing_flagged_still_ranks_the_most_unusual_lines(tmp_path):
    texts = [ORDINARY[i % 5] for i in range(200)] + ["kernel panic on cpu 3"]
    frame = lines_frame(texts)
    frame["score"] = np.r_[np.linspace(0, 1, 200), 2.5]
    frame["is_anomaly"] = 0
    frame["methods"] = ""
    run = MethodRun("tfidf", frame["score"].to_numpy(), np.zeros(len(frame), dtype=np.int64), 0.0, 0.0)
    lines, templates = most_unusual(frame, limit=3)
    assert lines["where"].iloc[0] == "x.log:201" and lines["score"].iloc[0] == 2.5
    assert templates["template"].iloc[0] == "kernel panic on cpu 3"

    class NoProjector:  # the report's projector export needs vectors: any fixed ones do
        def transform(self, part):
            return np.ones((len(part), 2))

    analysis = Analysis(frame, [run], [NoProjector()], analyze(frame))
    html = write_outputs(analysis, tmp_path)["report"].read_text()
    assert "below the threshold" in html and "x.log:201" in html
    assert "percentile among all lines under each method" in html  # what the listed score is
    assert html.count("No data") == 3  # word cloud, top templates and flagged lines say so, drawing nothing
    assert "terms over-represented" not in html and not (tmp_path / "wordcloud_anomaly_terms.png").exists()


def test_known_good_fit_scores_new_unparsed_lines_higher():
    texts = [ORDINARY[i % 5] for i in range(200)]
    det = TfidfDetector().fit(lines_frame(texts))
    new = lines_frame(["user bob logged out", "user bob logged out"], parsed=np.array([True, False]))
    scores = det.decision_function(new)
    assert scores[1] > scores[0] + 1


def test_auto_threshold_one_extreme_line_does_not_hide_the_group_below_it():
    rng = np.random.default_rng(1)
    scores = np.concatenate([rng.normal(0, 1, 1000), rng.normal(12, 0.3, 20), [400.0]])
    cut = auto_threshold(scores)
    assert scores[:1000].max() < cut < scores[1000:1020].min()


def test_known_good_runs_leave_shape_to_the_detector_unless_asked():
    from logad_utils.detectors import make_detector

    assert make_detector("tfidf", known_good=True).structure_weight == 0
    assert make_detector("tfidf", known_good=True, structure_weight=1.5).structure_weight == 1.5
    assert make_detector("tfidf").structure_weight > 0


def test_report_tables_leave_missing_values_empty_and_show_times_as_the_csvs_do():
    frame = pd.DataFrame({"start": [pd.Timestamp("2024-03-05 08:29:59.620"), pd.NaT],
                          "end": [pd.Timestamp("2024-03-05 08:30:00"), pd.NaT], "score": [1.5, np.nan]})
    html = _table(frame)
    assert "2024-03-05 08:29:59.620<" in html and "2024-03-05 08:30:00<" in html
    assert "NaT" not in html and "nan" not in html
    untimed = pd.DataFrame({"kind": ["drop"], "template": ["job done"], "start": [pd.NaT], "end": [pd.NaT],
                            "first_line_no": [410], "last_line_no": [563], "source": ["term.log"], "score": [17.4],
                            "expected": [40.0], "observed": [0.0]})
    section = "".join(_trends_section(untimed, ""))
    assert "<th>start</th>" not in section and "<td>410</td>" in section


def test_report_numbers_are_the_csvs_to_three_places_and_times_one_way():
    alerts = pd.DataFrame({"kind": ["burst"], "template": ["retry"], "start": [pd.Timestamp("2024-03-05 08:29:59.62")],
                           "end": [pd.Timestamp("2024-03-05 08:30:00.5")], "first_line_no": [4],
                           "last_line_no": [49], "source": ["a.log"], "score": [116.9188], "expected": [0.027494],
                           "observed": [45.0]})
    section = "".join(_trends_section(alerts, ""))
    assert "<td>116.919</td>" in section and "<td>0.027</td>" in section  # rounded once, not to 2 then padded
    assert "<td>0.00015</td>" in "".join(_trends_section(alerts.assign(expected=0.00015), ""))
    frame = lines_frame([ORDINARY[i % 5] for i in range(300)])
    frame["timestamp"] = pd.Timestamp("2024-03-05") + pd.to_timedelta(np.arange(300) * 10.5, unit="s")
    frame.loc[150:151, "masked"] = ["disk sda failed", "raid degraded"]
    frame["template"] = frame["masked"]
    frame["is_anomaly"] = frame.index.isin([150, 151]).astype(int)
    frame["score"] = frame["is_anomaly"] * 5.0
    html = _incident_block(analyze(frame).incidents[0])
    assert "2024-03-05 00:26:15 → 2024-03-05 00:26:25.500" in html


def test_an_incident_ranked_by_templates_names_its_columns_so():
    texts = [ORDINARY[i % 5] for i in range(300)]
    frame = lines_frame(texts)
    frame["timestamp"] = pd.Timestamp("2024-03-05") + pd.to_timedelta(np.arange(300) * 10, unit="s")
    frame.loc[150:153, "masked"] = ["disk sda failed", "raid degraded", "disk sda failed", "raid degraded"]
    frame["template"] = frame["masked"]
    frame["is_anomaly"] = frame.index.isin(range(150, 154)).astype(int)
    frame["score"] = frame["is_anomaly"] * 5.0
    incident = analyze(frame.drop(columns=["component"], errors="ignore")).incidents[0]
    html = _incident_block(incident)
    assert incident.unit == "template" and "<th>template</th><th>score</th>" in html
    assert "<th>component</th>" not in html and "<th>unit</th>" not in html and "top_template" not in html
    assert "the 2nd template to turn anomalous (line 152" in " ".join(incident.candidates["evidence"])
