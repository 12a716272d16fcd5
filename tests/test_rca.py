"""Root-cause analysis: incident grouping, root-cause ranking, fallbacks and the bundled sample."""
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from conftest import traced_peak

from logad_utils import rca
from logad_utils.report import _incident_block

ROOT = Path(__file__).resolve().parents[1]
T0 = pd.Timestamp("2026-01-05 08:00:00")
ROUTINE = [("WEB", "GET /index served in 12 ms"), ("DB", "query ok, 3 rows"),
           ("CACHE", "hit ratio 0.97"), ("SCHED", "job tick")]


def make_frame(events, source="app.log", routine_every=30.0, span_s=None, seed=0):
    """A parsed-looking frame: routine traffic every ``routine_every`` s plus ``events``.

    events: (seconds, component, content, is_anomaly, score). Routine lines are normal with score 1.
    """
    rng = np.random.default_rng(seed)
    last = max(t for t, *_ in events) + 1800 if span_s is None else span_s
    rows = [(t, *ROUTINE[int(rng.integers(len(ROUTINE)))], 0, 1.0) for t in np.arange(0.0, last, routine_every)]
    rows += [tuple(e) for e in events]
    rows.sort(key=lambda r: r[0])
    frame = pd.DataFrame(rows, columns=["t", "component", "content", "is_anomaly", "score"])
    frame.insert(0, "source", source)
    frame.insert(1, "line_no", np.arange(1, len(frame) + 1))
    frame["timestamp"] = T0 + pd.to_timedelta(frame.pop("t"), unit="s")
    frame["template"] = frame["content"]
    frame["raw"] = frame["component"] + " " + frame["content"]
    return frame


def cascade(t, root="STORAGE", code="E17"):
    """A root fault followed within seconds by symptoms of other components, then recovery."""
    return [(t, root, f"volume /data write failed, error {code}", 1, 8.0),
            (t + 4, "DB", "transaction log flush failed, retrying", 1, 7.5),
            (t + 6, "API", "request failed with 503: database unavailable", 1, 8.5),
            (t + 9, "ALERT", "alert raised: service degraded", 1, 7.0),
            (t + 15, "DB", "transaction log flush failed, retrying", 1, 7.5),
            (t + 20, "API", "request failed with 503: database unavailable", 1, 8.5),
            (t + 200, root, "volume /data remounted read-write", 1, 5.5),
            (t + 205, "ALERT", "alert cleared", 1, 5.0)]


def test_incidents_split_on_time_gap():
    frame = make_frame(cascade(600) + cascade(600 + 3600, root="NET", code="E42"))
    ids = rca.find_incidents(frame)
    flagged = frame["is_anomaly"] == 1
    assert ids[flagged].nunique() == 2 and (ids[flagged] >= 0).all()
    assert (ids[~flagged] == -1).all()
    # A larger gap joins them.
    assert rca.find_incidents(frame, max_gap="2h", link_alpha=0)[flagged].nunique() == 1


def test_incidents_never_span_sources():
    a = make_frame(cascade(600), source="a.log")
    b = make_frame(cascade(610, root="NET"), source="b.log")
    frame = pd.concat([a, b], ignore_index=True)
    ids = rca.find_incidents(frame)
    per_source = frame.assign(inc=ids)[frame["is_anomaly"] == 1].groupby("inc")["source"].nunique()
    assert len(per_source) == 2 and (per_source == 1).all()
    result = rca.analyze(frame)
    assert sorted(inc.source for inc in result) == ["a.log", "b.log"]
    assert {inc.root_cause for inc in result} == {"STORAGE", "NET"}


def test_line_order_stands_in_for_time_without_timestamps():
    frame = make_frame(cascade(600) + cascade(600 + 3600, root="NET")).drop(columns=["timestamp"])
    flagged = frame["is_anomaly"] == 1
    assert rca.find_incidents(frame, max_gap_lines=50)[flagged].nunique() == 2
    assert rca.find_incidents(frame, max_gap_lines=500, link_alpha=0)[flagged].nunique() == 1
    result = rca.analyze(frame, max_gap_lines=50)
    assert [inc.root_cause for inc in result] == ["STORAGE", "NET"]
    assert all(pd.isna(inc.start) for inc in result)


def test_root_component_of_a_cascade_ranks_first():
    frame = make_frame(cascade(900))
    result = rca.analyze(frame)
    assert len(result) == 1
    inc = result.incidents[0]
    assert inc.root_cause == "STORAGE"
    assert list(inc.candidates.columns[:6]) == ["component", "score", "first_line_no", "n_lines", "top_template",
                                               "evidence"]
    assert inc.candidates["score"].is_monotonic_decreasing
    assert "first anomalous event" in inc.evidence
    assert inc.first_event.startswith("STORAGE volume /data write failed")
    assert inc.components == {"STORAGE": 2, "DB": 2, "API": 2, "ALERT": 2}
    assert inc.start == T0 + pd.Timedelta(seconds=900) and inc.end == T0 + pd.Timedelta(seconds=1105)
    # Over-represented templates: the incident's messages, never seen elsewhere.
    assert inc.templates["new"].all() and "volume /data write failed, error E17" in set(inc.templates["template"])


def test_a_stray_false_alarm_before_the_cascade_does_not_win():
    # A routine-looking flagged line two minutes early, followed by nothing, then the real cascade.
    stray = [(780, "WEB", "GET /index served in 12 ms", 1, 9.0)]
    frame = make_frame(stray + cascade(900))
    inc = rca.analyze(frame).incidents[0]
    assert inc.first_event.startswith("WEB")
    assert inc.root_cause == "STORAGE"


def named_by_others(source="app.log"):
    """A frame whose PAYMENTS logs one routine line, then is named by other units' anomalous lines."""
    events = [(900, "API", "upstream PAYMENTS timed out after 30 s", 1, 7.0),
              (903, "ALERT", "alert raised: PAYMENTS unreachable", 1, 7.0),
              (910, "API", "upstream PAYMENTS timed out after 30 s", 1, 7.0),
              (915, "API", "request failed with 502", 1, 6.0)]
    frame = make_frame(events, source=source)
    frame.loc[0, ["component", "content", "template"]] = ["PAYMENTS", "heartbeat ok", "heartbeat ok"]
    return frame


def test_symptoms_naming_a_component_implicate_it():
    # The root never logs; others name it (as the component column spells it).
    cands = rca.analyze(named_by_others()).incidents[0].candidates
    assert "PAYMENTS" in cands["component"].head(3).tolist()
    row = cands.set_index("component").loc["PAYMENTS"]
    assert row["n_lines"] == 0 and row["mentions"] > 0


def trend_alert(frame, kind, template, start_s, end_s):
    """A trend alert row (timeseries.TREND_COLUMNS) on the lines of ``template`` between two times."""
    from logad_utils.timeseries import TREND_COLUMNS

    lines = frame[frame["template"] == template]
    t0, t1 = T0 + pd.Timedelta(seconds=start_s), T0 + pd.Timedelta(seconds=end_s)
    before = lines.loc[lines["timestamp"] <= t0, "line_no"]
    line_no = int(before.iloc[-1] if len(before) else lines["line_no"].iloc[0])
    row = {"kind": kind, "template_id": 7, "template": template, "start": t0, "end": t1,
           "first_line_no": line_no, "last_line_no": line_no,
           "source": "app.log", "score": 5.0, "expected": 6.0, "observed": 0.0}
    return pd.DataFrame([row], columns=TREND_COLUMNS)


def test_a_trend_alert_just_before_an_incident_implicates_its_writer():
    frame = make_frame(cascade(1800) + [(1790, "STORAGE", "volume /data latency high", 0, 1.0)])
    frame.loc[frame["template"] == "job tick", "component"] = "SCHED"
    plain = rca.analyze(frame).incidents[0].candidates.set_index("component")
    silence = trend_alert(frame, "silence", "job tick", 1500, 2400)
    inc = rca.analyze(frame, trends=silence).incidents[0]
    cands = inc.candidates.set_index("component")
    # SCHED wrote no anomalous line: it joins the candidates on the strength of the silence alone.
    assert "SCHED" not in plain.index and cands.loc["SCHED", "precursor"] == 1.0
    assert "silence of 'job tick'" in cands.loc["SCHED", "evidence"]
    block = _incident_block(inc)  # the report's row gives it no line, where it read line -1
    assert "<td>SCHED</td>" in block and "<td>-1</td>" not in block
    assert inc.candidates["score"].is_monotonic_decreasing and inc.root_cause == "STORAGE"
    # An alert on a writer already among the candidates raises its score by w_P / sum(w).
    storm = trend_alert(frame, "burst", "volume /data latency high", 1790, 1900)
    cands = rca.analyze(frame, trends=storm).incidents[0].candidates.set_index("component")
    gain = rca.WEIGHTS["precursor"] / sum(rca.WEIGHTS.values())
    assert cands.loc["STORAGE", "score"] == pytest.approx(plain.loc["STORAGE", "score"] + gain)


def test_an_alert_of_all_lines_implicates_no_writer():
    # A burst of every line together starts at whatever line came first: its writer did nothing.
    frame = make_frame(cascade(1800))
    frame.loc[frame["template"] == "job tick", "component"] = "SCHED"
    burst = trend_alert(frame, "burst", "job tick", 1790, 1900).assign(template_id=-1, template="(all lines)")
    cands = rca.analyze(frame, trends=burst).incidents[0].candidates
    assert (cands["precursor"] == 0).all() and "SCHED" not in cands["component"].tolist()


def test_trend_alerts_long_before_or_after_the_start_are_no_evidence():
    frame = make_frame(cascade(3600))
    early = trend_alert(frame, "silence", "job tick", 600, 1200)  # over 40 minutes before
    late = trend_alert(frame, "drop", "job tick", 3700, 4000)  # a symptom, after the start
    for alerts in (early, late):
        cands = rca.analyze(frame, trends=alerts).incidents[0].candidates
        assert (cands["precursor"] == 0).all() and not cands["evidence"].str.contains("trend").any()


def test_an_incidents_own_burst_or_another_incidents_is_no_warning_sign():
    # Two incidents 400 s apart (split at 2 minutes); the first one's storm is alerted from its own first line,
    # which is also within 10 minutes before the second.
    frame = make_frame(cascade(600) + cascade(1000, root="NET", code="E42"))
    settings = {"max_gap": "2min", "pre_window": "10min"}
    first, second = rca.analyze(frame, **settings).incidents
    own = trend_alert(frame, "burst", "volume /data write failed, error E17", 600, 700)
    assert own["first_line_no"].item() == first.first_line_no < second.first_line_no
    for inc in rca.analyze(frame, trends=own, **settings).incidents:
        assert (inc.candidates["precursor"] == 0).all() and not inc.candidates["evidence"].str.contains("trend").any()


def test_works_without_a_component_column():
    frame = make_frame(cascade(900)).drop(columns=["component"])
    result = rca.analyze(frame)
    assert result.unit == "template"
    inc = result.incidents[0]
    assert inc.unit == "template"
    assert inc.root_cause == "volume /data write failed, error E17"
    assert "templates stand in for components" in rca.describe(inc)


def test_one_component_for_every_line_names_templates_instead():
    # A JSON log's "source" read "syscall" on every line: every incident's root cause was "syscall".
    frame = make_frame(cascade(900)).assign(component="syscall")
    inc = rca.analyze(frame).incidents[0]
    assert inc.unit == "template" and inc.root_cause == "volume /data write failed, error E17"


def test_a_file_without_components_beside_files_with_them_says_its_units_are_templates():
    # A file read raw (no component) beside one with a component column: its lines' templates are its units, but
    # the evidence said "the 2nd component to turn anomalous" and the report headed the templates "component".
    bare = make_frame(cascade(900)).assign(component=None, source="term.log")
    frame = pd.concat([make_frame(cascade(900)), bare], ignore_index=True)
    with_components, without = sorted(rca.analyze(frame).incidents, key=lambda inc: inc.source)
    assert (with_components.unit, without.unit) == ("component", "template")
    assert with_components.candidates["evidence"].str.contains("component to turn anomalous").any()
    evidence = without.candidates["evidence"]
    assert evidence.str.contains("template to turn anomalous").any() and not evidence.str.contains("component").any()
    assert without.root_cause == "volume /data write failed, error E17"  # the same candidates as before
    assert "<th>template</th><th>score</th>" in _incident_block(without)  # the report's candidate table
    mixed = make_frame(cascade(900))  # the root cause's line has a component, its symptoms' have none
    mixed.loc[(mixed["is_anomaly"] == 1) & (mixed["component"] != "STORAGE"), "component"] = None
    inc = rca.analyze(mixed).incidents[0]
    assert inc.unit == "component or template" and "components or templates: " in rca.describe(inc)
    assert inc.candidates["evidence"].str.contains("component or template to turn anomalous").any()


def test_a_template_reading_as_a_component_name_leaves_the_components_incident_of_components():
    # A bare line "STORAGE" in a file without components shares its unit's name with the component STORAGE: the
    # incident of app.log, whose lines all have components, was named "component or template".
    bare = make_frame([(100, None, "STORAGE", 0, 1.0)], source="other.log").assign(component=None)
    frame = pd.concat([make_frame(cascade(900)), bare], ignore_index=True)
    inc = next(inc for inc in rca.analyze(frame).incidents if inc.source == "app.log")
    assert inc.unit == "component" and not inc.candidates["evidence"].str.contains("template to turn").any()


def test_works_without_scores():
    frame = make_frame(cascade(900)).drop(columns=["score"])
    inc = rca.analyze(frame).incidents[0]
    assert inc.root_cause == "STORAGE"
    assert (inc.candidates["anomaly"] == 0).all()


def test_anomalies_table_has_one_row_per_anomalous_line():
    frame = make_frame(cascade(600) + cascade(4800, root="NET"))
    frame.index = frame.index + 1000  # any index works
    result = rca.analyze(frame)
    table = result.anomalies(frame)
    assert len(table) == int(frame["is_anomaly"].sum())
    assert table["line_no"].tolist() == frame.loc[frame["is_anomaly"] == 1, "line_no"].tolist()
    assert set(table["incident"]) == {0, 1}
    assert {"source", "line_no", "timestamp", "component", "score", "incident"} <= set(table.columns)


def test_incident_table_columns_and_candidates():
    result = rca.analyze(make_frame(cascade(600) + cascade(4800, root="NET")))
    table = result.table()
    assert list(table.columns) == ["incident", "source", "first_line_no", "last_line_no", "start", "end", "n_lines",
                                   "root_cause", "root_cause_candidates", "evidence"]
    assert table["root_cause"].tolist() == ["STORAGE", "NET"]
    assert all(1 <= len(c.split(";")) <= 3 for c in table["root_cause_candidates"])
    assert (table["first_line_no"] <= table["last_line_no"]).all()


def test_given_grouping_is_used_as_is():
    frame = make_frame(cascade(600))
    given = pd.Series(np.where(frame["is_anomaly"] == 1, 7, -1), index=frame.index)
    result = rca.analyze(frame, incidents=given)
    assert [inc.incident for inc in result] == [7]
    assert result.incidents[0].root_cause == "STORAGE"


def test_background_template_neither_starts_nor_bridges_incidents():
    # A message flagged every 5 minutes for 5 hours is the detector's routine, not an incident.
    chronic = [(t, "WEB", "GET /health slow", 1, 5.0) for t in np.arange(60.0, 18000, 300)]
    frame = make_frame(chronic + cascade(3000) + cascade(12000, root="NET"), span_s=18000)
    ids = rca.find_incidents(frame)
    flagged = frame["is_anomaly"] == 1
    assert ids[flagged & (ids >= 0)].nunique() == 2
    outside = flagged & (frame["content"] == "GET /health slow") & (ids == -1)
    assert outside.sum() >= len(chronic) - 2
    # Without the background step the chronic lines chain everything into one incident.
    assert rca.find_incidents(frame, background_share=None)[flagged].nunique() == 1


def test_a_storm_of_a_background_message_is_an_incident():
    # A retry flagged every 5 minutes all day, then 120 of it within 4 minutes: the storm is an incident.
    scattered = [(t, "API", "upstream timeout, retrying", 1, 5.0) for t in np.arange(60.0, 36000, 300)]
    storm = [(20000 + 2 * k, "API", "upstream timeout, retrying", 1, 5.0) for k in range(120)]
    frame = make_frame(scattered + storm, span_s=36000)
    ids = rca.find_incidents(frame)
    in_storm = frame["timestamp"].between(T0 + pd.Timedelta(seconds=20000), T0 + pd.Timedelta(seconds=20240)) \
        & (frame["is_anomaly"] == 1)
    assert ids[in_storm].nunique() == 1 and (ids[in_storm] >= 0).all()
    assert ids[ids >= 0].nunique() == 1  # the scattered retries stay background
    # Without the storm, the same message is the detector's routine: no incident.
    assert (rca.find_incidents(make_frame(scattered, span_s=36000)) == -1).all()


def test_a_fault_that_begins_part_way_and_persists_is_an_incident_at_its_onset():
    # A new error every 16 minutes from hour 5 to the end: background afterwards, but its start is an incident.
    persistent = [(t, "DISK", "EXT4-fs error reading block", 1, 6.0) for t in np.arange(18000.0, 36000, 960)]
    frame = make_frame(persistent, span_s=36000)
    ids = rca.find_incidents(frame)
    onset = frame.index[frame["content"] == "EXT4-fs error reading block"][0]
    assert ids[onset] >= 0 and ids[ids >= 0].nunique() == 1
    # The same error from the first minutes on is the detector's routine: no incident.
    chronic = [(t, "DISK", "EXT4-fs error reading block", 1, 6.0) for t in np.arange(60.0, 36000, 960)]
    assert (rca.find_incidents(make_frame(chronic, span_s=36000)) == -1).all()


def even_rhythm() -> list[tuple]:
    """70 minutes of flags about once a minute from 24 messages, each too rare to be background, none in every
    window of the file."""
    kinds = [("VPN", "login user {} from 10.0.0.7"), ("MON", "device {} state DOWN"),
             ("AUTH", "deny: user {} not in group"), ("BUNDLE", "bundle {} reloaded, etag changed")]
    messages = [(unit, text.format(name)) for name in ("alice", "bob", "web01", "db02", "cache3", "lb4")
                for unit, text in kinds]
    return [(t, *messages[k % len(messages)], 1, 5.0) for k, t in enumerate(np.arange(20.0, 4200, 61))]


def test_flags_spread_evenly_over_a_short_file_are_no_incident():
    # The even rhythm, errors among it: the 10-minute gap chained it into one incident as long as the file.
    frame = make_frame(even_rhythm(), span_s=4200)
    frame["level"] = np.where(frame["content"].str.contains("DOWN|deny"), "ERROR", "INFO")
    assert (rca.find_incidents(frame) == -1).all()
    # One error flagged all through the file is a fault that lasts it (a database down the whole half-hour a user
    # cut out of a log): one incident, as without the step.
    down = make_frame([(t, "DB", "connection to db01 refused", 1, 6.0) for t in np.arange(0.0, 1800, 10)],
                      span_s=1800).assign(level="ERROR")
    ids, flagged = rca.find_incidents(down), down["is_anomaly"] == 1
    assert ids[flagged].nunique() == 1 and (ids[flagged] >= 0).all()
    assert (ids == rca.find_incidents(down, background_share=None)).all()
    # One error burst in a file as short is still an incident, the same as without the step.
    burst = make_frame(cascade(1800), span_s=4200).assign(level="ERROR")
    flagged = burst["is_anomaly"] == 1
    ids = rca.find_incidents(burst)
    assert ids[flagged].nunique() == 1 and (ids[flagged] >= 0).all()
    assert (ids == rca.find_incidents(burst, background_share=None)).all()


def test_what_stands_out_inside_a_short_files_even_rhythm_is_an_incident():
    # The even rhythm of the test above, with a cascade inside it and, later, errors at the rhythm's own pace but
    # only for three minutes: the whole group was dropped, the cascade and the errors with it.
    failed = [(t, "BUNDLE", "bundle load failed: HTTP 503", 1, 6.0) for t in (3000.0, 3062, 3124)]
    frame = make_frame(even_rhythm() + cascade(1800) + failed, span_s=4200)
    frame["level"] = np.where(frame["content"].str.contains("failed: HTTP"), "ERROR", "INFO")
    ids, t = rca.find_incidents(frame), (frame["timestamp"] - T0).dt.total_seconds()
    burst = t.between(1800, 1820) & (frame["is_anomaly"] == 1)
    errors = frame["content"].str.contains("failed: HTTP")
    assert ids[burst].nunique() == 1 and (ids[burst] >= 0).all()
    assert ids[errors].nunique() == 1 and (ids[errors] >= 0).all() and (ids[errors] != ids[burst].iloc[0]).all()
    # The rhythm itself, far from both, is in no incident.
    assert (ids[(t < 1500) | t.between(2300, 2900) | (t > 3400)] == -1).all()


def test_recurring_symptoms_link_the_pieces_of_a_long_incident():
    # A fault, then the same rare symptom in bursts 15-20 minutes apart, longer than max_gap.
    events = [(600, "DISK", "array degraded, member 3 failed", 1, 8.0),
              (603, "ALERT", "alert raised: storage degraded", 1, 6.0)]
    for start in (1700, 2800, 3900):
        events += [(start + k * 20, "API", "slow write: 5000 ms on /data", 1, 6.0) for k in range(3)]
    frame = make_frame(events, span_s=40000)
    flagged = frame["is_anomaly"] == 1
    assert rca.find_incidents(frame, link_alpha=0)[flagged].nunique() == 4
    linked = rca.find_incidents(frame)
    assert linked[flagged].nunique() == 2  # the first burst shares no message with the fault
    assert linked[flagged & (frame["component"] == "API")].nunique() == 1


def test_tiny_fragments_merge_into_the_nearest_incident():
    events = cascade(600) + [(600 + 205 + 900, "SCHED", "job 17 overran its slot", 1, 6.0)]
    frame = make_frame(events)
    flagged = frame["is_anomaly"] == 1
    assert rca.find_incidents(frame, link_alpha=0)[flagged].nunique() == 2
    assert rca.find_incidents(frame, min_lines=2, link_alpha=0)[flagged].nunique() == 1


def test_describe_summarises_an_incident():
    inc = rca.analyze(make_frame(cascade(900))).incidents[0]
    text = rca.describe(inc)
    assert "Incident 0 in app.log" in text and "first event: STORAGE volume" in text and "#1 STORAGE" in text


def test_missing_is_anomaly_is_a_clear_error():
    with pytest.raises(KeyError, match="is_anomaly"):
        rca.analyze(make_frame(cascade(900)).drop(columns=["is_anomaly"]))


def test_no_anomaly_gives_no_incident():
    frame = make_frame(cascade(900))
    frame["is_anomaly"] = 0
    result = rca.analyze(frame)
    assert len(result) == 0 and result.table().empty and (result.labels == -1).all()


def test_bundled_sample_top1_with_the_real_detector():
    from logad_utils.datasets import read_labels
    from logad_utils.detectors import TfidfDetector
    from logad_utils.io import read_logs
    from logad_utils.masking import Masker

    frame = read_logs(ROOT / "data" / "atm_sample.jrn", warn=False)
    # Masking alone (no template mining) keeps this test independent of the miner's tuning.
    frame["masked"] = Masker().mask_many(frame["content"].fillna("").astype(str).tolist())
    det = TfidfDetector().fit(frame)
    frame["score"] = det.decision_scores_
    frame["is_anomaly"] = det.labels_
    result = rca.analyze(frame)
    labels = read_labels(ROOT / "data" / "atm_sample.labels.csv")
    spans = np.full(len(frame) + 2, -1)
    by_id = {}
    for inc in result:
        spans[inc.first_line_no:inc.last_line_no + 1] = inc.incident
        by_id[inc.incident] = inc
    hits = []
    for _, part in labels[labels["incident_kind"] == "cascade"].groupby("incident_id"):
        found = spans[part["line_no"].to_numpy()]
        found = found[found >= 0]
        hits.append(len(found) > 0 and by_id[int(np.bincount(found).argmax())].root_cause
                    == part["root_cause_component"].iloc[0])
    assert len(hits) == 27
    assert np.mean(hits) >= 0.8


def _onset_by_set(codes: np.ndarray, pos: np.ndarray, window: float) -> np.ndarray:
    """Reference: distinct other templates after each line, one set per line."""
    ends = np.searchsorted(pos, pos + window, side="right")
    n = np.array([len(set(codes[i + 1:ends[i]].tolist()) - {codes[i]}) for i in range(len(codes))])
    return 1.0 - np.exp(-n / rca._ONSET_SCALE)


@pytest.mark.parametrize("seed", range(20))
def test_onset_counts_the_same_as_one_set_per_line(seed):
    rng = np.random.default_rng(seed)
    m = int(rng.integers(0, 300))
    codes = rng.integers(0, int(rng.integers(1, 20)), size=m)
    pos = np.sort(rng.integers(0, 200, size=m)).astype(float)
    window = float(rng.choice([0.0, 1.0, 7.5, 50.0, 1e9]))
    np.testing.assert_array_equal(rca._onset(codes, pos, window), _onset_by_set(codes, pos, window))


def test_categorical_columns_give_the_same_answer_as_strings():
    # analyze's lean frame keeps text as categoricals: mentions, units, sources and events are read from codes.
    frame = pd.concat([named_by_others(), make_frame(cascade(600, root="DISK"), source="b.log")], ignore_index=True)
    frame["event_line_no"] = frame["line_no"]
    after = (frame["source"] == "app.log") & frame["content"].str.startswith("request failed with 502")
    frame.loc[after, "event_line_no"] -= 1  # a continuation of the line before
    text = ["source", "component", "content", "template", "raw"]
    plain, coded = rca.analyze(frame), rca.analyze(frame.astype({c: "category" for c in text}))
    pd.testing.assert_frame_equal(plain.table(), coded.table())
    assert (plain.labels.to_numpy() == coded.labels.to_numpy()).all()
    assert coded.incidents[0].candidates.set_index("component").loc["PAYMENTS", "mentions"] > 0
    head = frame.index[after][0] - 1
    assert coded.labels.iloc[head + 1] == coded.labels.iloc[head] >= 0


def test_a_mentions_column_gives_the_same_root_causes_as_the_content():
    # analyze keeps content only where it keeps raw text, and the names each line's content names instead.
    frame = pd.concat([named_by_others(), make_frame(cascade(600, root="DISK"), source="b.log")], ignore_index=True)
    names = rca.mention_units(frame)
    assert "PAYMENTS" in names and "DISK" in names
    lean = frame.assign(mentions=rca.UnitMentions(names).of(frame["content"].tolist()), content=None)
    plain, from_names = rca.analyze(frame), rca.analyze(lean)
    pd.testing.assert_frame_equal(plain.table(), from_names.table())
    assert from_names.incidents[0].candidates.set_index("component").loc["PAYMENTS", "mentions"] > 0


def test_unit_mentions_match_whole_words_as_written():
    found = rca.UnitMentions(["DISK", "DISK_A", "PAY"]).of(["DISK_A full; DISK ok, DISK again", "disk PAYMENTS",
                                                          None, "PAY:PAY"])
    assert found == ["DISK_A DISK", "", "", "PAY"]


def test_continuations_take_their_events_incident_when_sources_interleave():
    # Rows of two files interleaved and shuffled: each continuation is found by its own file's line numbers.
    a = make_frame(cascade(600), source="a.log")
    b = make_frame(cascade(900, root="DISK"), source="b.log")
    frame = pd.concat([a, b]).sample(frac=1.0, random_state=3).reset_index(drop=True)
    frame["event_line_no"] = frame["line_no"]
    cont = (frame["content"] == "alert cleared") & (frame["source"] == "a.log")  # after the last flagged line
    frame.loc[cont, ["is_anomaly", "event_line_no"]] = [0, frame.loc[cont, "line_no"] - 1]
    orphan = frame.index[(frame["source"] == "b.log") & (frame["line_no"] == 2)][0]
    frame.loc[orphan, "event_line_no"] = 10_000  # no such line: the row keeps its own verdict
    labels = rca.find_incidents(frame)
    by_line = {(s, n): g for s, n, g in zip(frame["source"], frame["line_no"], labels)}
    for i in np.flatnonzero(cont):
        assert labels.iloc[i] == by_line[("a.log", frame.loc[i, "line_no"] - 1)] >= 0
    assert labels.iloc[orphan] == -1


@pytest.mark.parametrize("seed", range(20))
def test_spans_cover_the_rows_that_one_mark_per_row_would(seed):
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1, 80)), int(rng.integers(0, 8))
    first = rng.integers(0, n, size=m)
    last = np.minimum(first + rng.integers(0, 15, size=m), n - 1)
    marked = np.zeros(n, dtype=bool)
    for lo, hi in zip(first, last):
        marked[lo:hi + 1] = True
    rows = rng.permutation(n)
    np.testing.assert_array_equal(rca._Spans(first, last).cover(rows), marked[rows])


def test_an_incidents_tables_are_copies_and_an_assigned_table_sticks():
    # Incidents keep their tables as column arrays (tens of thousands of incidents on a long log).
    inc = rca.analyze(make_frame(cascade(600))).incidents[0]
    first = inc.candidates
    first["component"] = "CHANGED"
    assert inc.root_cause == "STORAGE" and (inc.candidates["component"] != "CHANGED").all()
    inc.candidates = first
    assert inc.root_cause == "CHANGED" and inc.top_candidates("component", 2) == ["CHANGED", "CHANGED"]
    assert list(inc.changes.columns) == rca.TEMPLATE_COLUMNS


def test_tables_born_as_columns_read_as_the_frames_they_would_have_built():
    # The ranking hands its tables over as columns; a reader must see what a frame of its rows would show.
    inc = rca.analyze(make_frame(cascade(600))).incidents[0]
    table = inc.candidates
    assert len(table) >= 2
    pd.testing.assert_frame_equal(table, pd.DataFrame(table.to_dict("records"), columns=rca.CANDIDATE_COLUMNS))
    assert table["score"].dtype == np.float64 and table["n_lines"].dtype == np.int64
    inc.changes = rca._NO_TEMPLATES
    pd.testing.assert_frame_equal(inc.changes, rca._EMPTY_TEMPLATES)


def test_incidents_compare_by_identity_and_a_table_without_candidates_has_no_root_cause():
    result = rca.analyze(make_frame(cascade(600)))
    inc = result.incidents[0]
    assert inc == inc and inc != rca.Incident(**{f: getattr(inc, f) for f in ("incident", "source", "first_line_no",
                                                                                "last_line_no", "start", "end",
                                                                                "n_lines", "components",
                                                                                "first_event", "candidates")})
    inc.candidates = pd.DataFrame()
    assert inc.root_cause is None and inc.evidence == "" and inc.top_candidates("component", 3) == []


def test_positions_of_nanosecond_times_are_those_pandas_divides_out():
    # A lean frame's nanosecond times take a NumPy path; any other unit pandas' Timedelta division.
    rng = np.random.default_rng(8)
    stamps = pd.Series(np.sort(rng.integers(0, 10**17, 500)).view("datetime64[ns]")).dt.floor("us")
    stamps[rng.random(500) < 0.05] = pd.NaT
    for ts in (stamps, stamps.astype("datetime64[us]")):
        filled = ts.ffill().bfill()
        expected = np.maximum.accumulate(((filled - filled.min()) / pd.Timedelta(seconds=1)).to_numpy(dtype=float))
        pos, gap, timed = rca._positions(pd.DataFrame({"timestamp": ts}), "10min", 50)
        np.testing.assert_array_equal(pos, expected)
        assert (gap, timed) == (600.0, True)


@pytest.mark.parametrize("seed", range(10))
def test_mention_marks_count_the_lines_naming_each_unit_in_any_span(seed):
    # Marks are built a block of lines at a time; counts over a span must be those of the (s, U) matrix.
    rng = np.random.default_rng(seed)
    n, units, texts = int(rng.integers(1, 200)), int(rng.integers(1, 5)), int(rng.integers(1, 8))
    names = int(rng.integers(1, 8))  # the lines' units, some of them among the units named
    mentions = rca._Mentions(rng.integers(-1, texts, n), rng.random((texts, units)) < 0.4, rng.integers(0, names, n),
                             rng.integers(-1, units, names))
    idx = np.sort(rng.choice(n, size=int(rng.integers(1, n + 1)), replace=False))
    named = mentions.rows(idx)
    marks = mentions.marks(idx, block=int(rng.integers(1, 20)))
    assert (np.diff(marks) > 0).all()
    for lo, hi in [(0, len(idx) - 1), *sorted(rng.integers(0, len(idx), size=(5, 2)).tolist())]:
        lo, hi = min(lo, hi), max(lo, hi)
        np.testing.assert_array_equal(mentions.counts(marks, len(idx), lo, hi), named[lo:hi + 1].sum(axis=0))


def test_a_file_without_timestamps_borrows_no_time_from_another():
    timed = make_frame(cascade(600), source="a.log")
    untimed = make_frame(cascade(900, root="DISK"), source="b.log").assign(timestamp=pd.NaT)
    result = rca.analyze(pd.concat([timed, untimed], ignore_index=True))
    starts = {inc.source: (inc.start, inc.end) for inc in result.incidents}
    assert set(starts) == {"a.log", "b.log"}
    assert pd.notna(starts["a.log"][0]) and pd.isna(starts["b.log"][0]) and pd.isna(starts["b.log"][1])


def test_a_message_written_in_clumps_is_no_storm_for_two_clumps_in_a_window():
    # A retry logged in bursts of 12 lines, 48 times a day at random: background, never an incident.
    rng = np.random.default_rng(1)
    starts = np.sort(rng.uniform(0, 86400, 48))
    clumps = [(t + 2 * k, "API", "upstream timeout, retrying", 1, 5.0) for t in starts for k in range(12)]
    assert (rca.find_incidents(make_frame(clumps, span_s=86400)) == -1).all()


def test_a_clock_that_steps_back_gives_spans_in_time_order(tmp_path):
    from logad_utils.analysis import analyze_logs

    t0 = pd.Timestamp("2026-01-01 10:00:00")
    lines = [f"{t0 + pd.Timedelta(seconds=i)} INFO svc: request {i} done" for i in range(1000)]
    # Five errors, each stamped ten minutes before the one above it.
    lines += [f"{t0 + pd.Timedelta(seconds=1000 - 600 * i)} ERROR db: connection refused to primary {i}"
              for i in range(5)]
    lines += [f"{t0 + pd.Timedelta(seconds=1000 + i)} INFO svc: request {1000 + i} done" for i in range(1000)]
    path = tmp_path / "back.log"
    path.write_text("\n".join(lines) + "\n")
    analysis = analyze_logs([path], ["tfidf"])
    table = analysis.result.table()
    assert len(table) and (table["start"] <= table["end"]).all()
    assert table["start"].min() == t0 + pd.Timedelta(seconds=1000 - 2400)
    alerts = analysis.trends.alerts
    assert (alerts["first_line_no"] <= alerts["last_line_no"]).all()


def test_five_different_messages_together_are_a_cascade_whatever_the_stray_flag_rate():
    # Stray flags every 11 minutes for 20 hours, none near the burst: at their rate, 4 or 5 flagged lines within
    # 20 minutes could be chance. Five different messages that are never flagged elsewhere are not.
    stray = [(t, "API", f"cache warmed in {i % 5} ms slot {i % 9}", 1, 5.0)
             for i, t in enumerate(np.arange(300.0, 72000, 660)) if not 19000 < t < 23500]
    units = ["STORAGE", "DB", "API", "ALERT", "WEB"]
    for kinds, kept in ((4, False), (5, True)):
        burst = [(20000.0 + 250 * k, c, f"{c.lower()} fault stage {k}", 1, 6.0) for k, c in enumerate(units[:kinds])]
        frame = make_frame(stray + burst, span_s=72000)
        in_burst = frame["content"].str.contains("fault stage")
        assert (rca.find_incidents(frame)[in_burst] >= 0).all() == kept, kinds
        assert (rca.find_incidents(frame, burst_kinds=None)[in_burst] == -1).all()
    # Not where the detector flags one-off messages that often anyway: a run of five of them is chance too.
    for seed in range(3):
        rng = np.random.default_rng(seed)
        times = np.cumsum(rng.exponential(300.0, 400))
        noise = make_frame([(t, "API", f"unique message {seed}-{i}", 1, 5.0)
                            for i, t in enumerate(times[times < 72000])], span_s=72000, seed=seed)
        assert rca.find_incidents(noise).max() == rca.find_incidents(noise, burst_kinds=None).max()


def test_a_template_dropped_as_a_fragment_still_counts_against_a_burst_of_it():
    # The same five messages flagged apart every 700 s, and once together: with min_lines=2 the lone strays are
    # dropped as fragments first, and still count as those messages' other lines.
    units = ["STORAGE", "DB", "API", "ALERT", "WEB"]
    stray = [(t, units[i % 5], f"{units[i % 5].lower()} fault stage {i % 5}", 1, 5.0)
             for i, t in enumerate(np.arange(300.0, 72000, 700)) if not 17000 < t < 25000]
    burst = [(20000.0 + 290 * k, c, f"{c.lower()} fault stage {k}", 1, 6.0) for k, c in enumerate(units)]
    frame = make_frame(stray + burst, span_s=72000)
    in_burst = frame["timestamp"].between(T0 + pd.Timedelta(seconds=19999), T0 + pd.Timedelta(seconds=22001)) & \
        (frame["is_anomaly"] == 1)
    for min_lines in (1, 2):
        ids = rca.find_incidents(frame, min_lines=min_lines, merge_gap="5min", background_share=None)
        assert (ids[in_burst] == -1).all(), min_lines


def test_a_lone_error_is_an_incident_where_stray_false_alarms_are_not():
    # The detector's stray flags every half hour all day, and one crash logged at ERROR: chance explains a lone
    # flag, not an error.
    stray = [(t, "API", f"cache warmed in {int(t) % 7} ms", 1, 5.0) for t in np.arange(900.0, 36000, 1800)]
    crash = [(20100.0, "API", "NullPointerException in checkout", 1, 5.0)]
    frame = make_frame(stray + crash, span_s=36000)
    frame["level"] = np.where(frame["content"].str.startswith("NullPointer"), "SEVERE", "INFO")
    ids = rca.find_incidents(frame)
    crashed = frame["content"].str.startswith("NullPointer")
    assert (ids[crashed] >= 0).all() and ids[ids >= 0].nunique() == 1
    assert (rca.find_incidents(frame.assign(level="INFO")) == -1).all()


def test_zoned_times_give_zoned_spans_and_the_callers_attrs_stay():
    frame = make_frame(cascade(600))
    frame["timestamp"] = frame["timestamp"].dt.tz_localize("Europe/Paris")
    last = frame.index[frame["is_anomaly"] == 1][-1]
    frame.loc[last, "timestamp"] -= pd.Timedelta(hours=1)  # the cascade's last line has a clock that ran behind
    frame.attrs["read_report"] = {"warnings": ["kept"]}
    incident = rca.analyze(frame).incidents[0]
    span = frame.loc[frame["line_no"].between(incident.first_line_no, incident.last_line_no), "timestamp"]
    assert (incident.start, incident.end) == (span.min(), span.max()) and incident.start == frame.loc[last, "timestamp"]
    assert str(incident.start.tz) == "Europe/Paris"
    assert frame.attrs == {"read_report": {"warnings": ["kept"]}}


def test_a_time_beyond_nanosecond_range_keeps_a_span_in_order():
    frame = make_frame(cascade(600))
    frame["timestamp"] = frame["timestamp"].astype("datetime64[us]")
    first = frame.index[frame["is_anomaly"] == 1][0]
    frame.loc[first, "timestamp"] = pd.Timestamp("1601-01-01")  # a Windows FILETIME zero, beyond 1677
    incident = rca.analyze(frame).incidents[0]
    assert incident.start == pd.Timestamp("1601-01-01") and incident.end > pd.Timestamp("2026-01-01")


@pytest.mark.parametrize("deploy", [3000.0, 3300.0, 3599.5])
def test_a_new_fault_is_an_onset_for_a_window_from_its_first_line_whatever_the_grid(deploy):
    # A deploy's new warning on every 20th second from then on: its first 10 minutes are a new fault. Counted
    # to the end of the grid's window instead, a deploy half a second before a window's end left one line.
    old = np.arange(0.0, 14400.0, 60.0)
    new = np.arange(deploy, 14400.0, 20.0)
    keys = np.r_[np.zeros(len(old), int), np.ones(len(new), int)]
    pos = np.r_[old, new]
    background = rca.find_background(keys, pos, gap=600.0, span=(0.0, 14399.0))
    assert background[:len(old)].all()  # the old template is everywhere
    first = new < deploy + 600.0
    assert not background[len(old):][first].any() and background[len(old):][~first].all()


@pytest.mark.parametrize("clock", ["a skewed line", "set back", "set back, then a quiet hour", "newest first"])
def test_a_clock_that_steps_back_neither_merges_nor_hides_incidents(clock):
    # Two cascades 35 minutes apart; a clock that stepped back held every later line at the latest time seen,
    # chaining both into one incident.
    frame = make_frame(cascade(600) + cascade(600 + 2100, root="NET", code="E42"))
    frame["second"] = frame["timestamp"] >= T0 + pd.Timedelta(seconds=2700)
    if clock == "a skewed line":
        frame.loc[5, "timestamp"] += pd.Timedelta("1D")
    elif clock.startswith("set back"):  # a DST fall-back of local times, an hour, before both cascades
        frame.loc[10:, "timestamp"] -= pd.Timedelta("1h")
        if clock.endswith("quiet hour"):  # a step forward of about the hour later on undoes no fall-back
            frame.loc[len(frame) - 5:, "timestamp"] += pd.Timedelta("62min")
    else:
        frame = frame.iloc[::-1].reset_index(drop=True).assign(line_no=np.arange(1, len(frame) + 1))
    flagged = frame["is_anomaly"] == 1
    ids = rca.find_incidents(frame)
    second = frame.loc[flagged, "second"]
    assert ids[flagged].nunique() == 2
    assert ids[flagged][second].nunique() == 1 and ids[flagged][~second].nunique() == 1


def test_the_same_log_twice_keeps_the_incidents_of_each_copy_apart():
    # The second copy's clock runs back to the first's end, and reaches it by the log's own quiet hour before its
    # last line: read as another clock jumping back onto the time, it held the whole second copy at one place,
    # and its two cascades, 35 minutes apart, chained into one incident spanning the copy.
    one = make_frame(cascade(600) + cascade(600 + 2100, root="NET", code="E42"), span_s=4200)
    tail = make_frame([(5000, "SCHED", "job tick", 0, 1.0), (7800, "SCHED", "job tick", 0, 1.0)], span_s=0)
    one = pd.concat([one, tail], ignore_index=True)
    twice = pd.concat([one, one], ignore_index=True).assign(line_no=np.arange(1, 2 * len(one) + 1))
    twice["copy"] = np.repeat([0, 1], len(one))
    twice["second"] = twice["timestamp"] >= T0 + pd.Timedelta(seconds=2700)
    flagged = twice["is_anomaly"] == 1
    ids = rca.find_incidents(twice)[flagged]
    assert ids.nunique() == 4 and (ids >= 0).all()
    assert (ids.groupby([twice["copy"][flagged], twice["second"][flagged]]).nunique() == 1).all()


def test_a_gap_given_as_a_number_is_seconds_on_a_timed_log():
    frame = make_frame(cascade(600) + cascade(600 + 3600, root="NET", code="E42"))
    for number, duration in [(600, "10min"), (7200.0, "2h"), ("600", "10min"), (np.timedelta64(2, "h"), "2h")]:
        assert rca.find_incidents(frame, max_gap=number, link_alpha=0).equals(
            rca.find_incidents(frame, max_gap=duration, link_alpha=0))
    # The window a trend alert is looked for before an incident reads it alike (600 was 600 ns).
    frame.loc[frame["template"] == "job tick", "component"] = "SCHED"
    silence = trend_alert(frame, "silence", "job tick", 300, 590)
    by_number, by_duration = (rca.analyze(frame, trends=silence, max_gap=gap).incidents[0].candidates
                              for gap in (600, "10min"))
    assert by_number.equals(by_duration) and (by_number["precursor"] > 0).any()


def test_times_as_strings_of_several_utc_offsets_are_read_in_utc():
    frame = make_frame(cascade(600))
    berlin = (pd.Timestamp("2024-03-31 01:50") + (frame["timestamp"] - frame["timestamp"].iloc[0])).dt.tz_localize(
        "Europe/Berlin", nonexistent="shift_forward")  # across the spring DST change: +01:00, then +02:00
    assert berlin.map(lambda t: t.utcoffset()).nunique() == 2
    expected = rca.analyze(frame.assign(timestamp=berlin)).table()
    got = rca.analyze(frame.assign(timestamp=[t.isoformat() for t in berlin])).table()
    assert len(got) == 1 and got[["first_line_no", "last_line_no", "root_cause"]].equals(
        expected[["first_line_no", "last_line_no", "root_cause"]])


def test_evidence_says_where_the_quoted_template_starts_when_the_first_line_is_another():
    seen = [(300.0 + k, "STORAGE", "volume /data slow", 0, 1.0) for k in range(3)]
    events = seen + [(600, "STORAGE", "volume /data slow", 1, 8.0),
                     (603, "STORAGE", "volume /data write failed", 1, 9.0),
                     (605, "DB", "transaction log flush failed", 1, 7.5)]
    frame = make_frame(events)
    inc = rca.analyze(frame).incidents[0]
    line = int(frame.loc[frame["content"] == "volume /data write failed", "line_no"].iloc[0])
    first = int(frame.loc[(frame["is_anomaly"] == 1), "line_no"].iloc[0])
    evidence = inc.candidates.set_index("component").loc["STORAGE", "evidence"]
    assert f"(line {first})" in evidence and f"'volume /data write failed' ×1 from line {line}," in evidence


def _merged(hosts: dict[str, float], outages: list[float], span: float, runs: bool) -> pd.DataFrame:
    """A merged log of hosts whose clocks lag by ``hosts`` (name → s) one line every 5 s: in runs that switch
    host at random, else in turn; errors on every host in the 3 minutes from each outage (s)."""
    rng, rows, host = np.random.default_rng(1), [], 0
    names = list(hosts)
    for k, t in enumerate(np.arange(0.0, span, 5.0)):
        host = (host + (rng.random() < 0.4)) % len(names) if runs else k % len(names)
        out = any(a <= t < a + 180 for a in outages)
        rows.append({"source": "merged.log", "line_no": k + 1, "component": names[host],
                     "timestamp": T0 + pd.Timedelta(seconds=t - hosts[names[host]]), "is_anomaly": int(out),
                     "template": "db timeout" if out else f"request ok {k % 5}"})
    return pd.DataFrame(rows)


def test_hosts_whose_clocks_differ_keep_an_outage_whole_and_two_outages_apart():
    # Runs of lines from a host whose clock is an hour behind: each switch back and forth added an hour, and one
    # outage became three incidents. Two writers in turn, 30 s apart: more steps back than forward read the file
    # as newest first, two outages an hour apart as one.
    one = _merged({"web1": 0.0, "web2": 3600.0}, [7200.0], 4 * 3600.0, runs=True)
    assert rca.find_incidents(one)[one["is_anomaly"] == 1].nunique() == 1
    two = _merged({"proxy": 0.0, "backend": 30.0}, [1800.0, 5400.0], 7200.0, runs=False)
    ids = rca.find_incidents(two)[two["is_anomaly"] == 1]
    assert ids.nunique() == 2 and (ids >= 0).all()


def test_a_units_evidence_names_its_strongest_template_not_a_single_line_never_seen_elsewhere():
    # A pool's outage: 40 refused connections (a few elsewhere), then one line of recovery seen nowhere else. The
    # recovery line's log-odds are larger, but the refusals are the evidence.
    background = [(300.0 * i, "POOL", "connection to db-primary refused", 0, 1.0) for i in range(1, 5)]
    outage = [(3000.0 + 3 * i, "POOL", "connection to db-primary refused", 1, 6.0) for i in range(40)]
    frame = make_frame(background + outage + [(3125.0, "POOL", "connection pool recovered, 8 open", 1, 6.5)],
                       span_s=7200)
    result = rca.analyze(frame, trends=None)
    (incident,) = [i for i in result.incidents if i.n_lines > 30]
    row = incident.candidates.iloc[0]
    assert row["component"] == "POOL" and row["top_template"] == "connection to db-primary refused"
    assert "'connection to db-primary refused' ×40" in row["evidence"]
    # Nor a routine message a window detector flagged with them, many lines a little more common than elsewhere.
    routine = [(10.0 * i, "POOL", "query ok", int(3000 <= 10 * i < 3600), 1.0) for i in range(1, 720)]
    busier = [(3000.0 + 2.5 * i + 1, "POOL", "query ok", 1, 1.0) for i in range(240)]
    frame = make_frame(routine + busier + outage[:20], span_s=7200)
    (incident,) = [i for i in rca.analyze(frame, trends=None).incidents if i.n_lines > 30]
    assert incident.candidates.iloc[0]["top_template"] == "connection to db-primary refused"


def test_a_file_newest_first_gives_back_a_set_back_clock_by_the_steps_of_its_times_read_backwards():
    # Read backwards, the times are max - t, which rounds: the clock set back (5.9 -> 2.9) gives back that step,
    # 3.0000000000000004, as the code before the copies were cut did, not the file's own step 3.1 - 0.1 = 3.0.
    seconds = np.array([6.0, 0.1, 3.1, 1.3, 0.0])
    backwards = seconds.max() - seconds
    back = backwards[1] - backwards[2]
    expected = [0.0, backwards[1], backwards[1], backwards[3] + back, backwards[4] + back]
    assert rca._clock_positions(seconds, 2.0).tolist() == expected


def test_one_file_read_in_order_gives_its_sources_step_views_of_the_labels_and_4_byte_rows(monkeypatch):
    # Per-line copies here are held through every incident's ranking: 12 bytes a line, 120 MB at 10M lines.
    seen = []
    step = rca._analyze_source
    monkeypatch.setattr(rca, "_analyze_source", lambda frame, lines, labels, *rest: seen.append((labels, rest[1]))
                        or step(frame, lines, labels, *rest))
    result = rca.analyze(make_frame(cascade(600)))
    (labels, idx), = seen
    assert np.shares_memory(labels, result.labels.to_numpy()) and idx.dtype.itemsize == 4
    assert [i.root_cause for i in result] == ["STORAGE"]


def test_levels_are_ranked_once_per_distinct_level_not_per_line(monkeypatch):
    # String methods over every line's level made a new string per line: a gigabyte at 10M lines.
    frame = make_frame(cascade(600))
    frame["level"] = np.where(frame["is_anomaly"] > 0, "ERROR", "INFO")
    frame.loc[frame.index[::7], "level"] = None
    seen = []
    ranks = rca.severity
    monkeypatch.setattr(rca, "severity", lambda levels: seen.append(len(levels)) or ranks(levels))
    assert (rca.find_incidents(frame) >= 0).any()
    assert seen and max(seen) <= 3 < len(frame)
    np.testing.assert_array_equal(rca._severe(frame), ranks(frame["level"]) >= 2)


def test_finding_trend_alerts_rows_copies_no_line_column():
    # The line numbers of one file read in order were copied (and an int32 column cast to the alerts' int64) to
    # find each trend alert's first line: 80 MB, the top of analyze's incidents stage at 10M lines.
    n = 1_000_000
    frame = pd.DataFrame({"source": pd.Categorical(["a.log"] * n), "line_no": np.arange(1, n + 1, dtype=np.int32)})
    groups = rca._source_groups(frame)
    rows, peak = traced_peak(lambda: rca._rows_of(frame, np.array(["a.log", "a.log", "b.log", "a.log"]),
                                                  np.array([5, n, 5, 2 ** 40]), groups))
    assert rows.tolist() == [4, n - 1, -1, -1] and peak < 2 * n  # the order check's flag a line, no copy


def test_a_lines_own_unit_among_the_named_is_looked_up_per_unit(monkeypatch):
    # Held per line, it took 4 bytes a line through every incident's ranking.
    seen = []
    step = rca._analyze_source
    monkeypatch.setattr(rca, "_analyze_source", lambda frame, lines, *rest: seen.append(lines)
                        or step(frame, lines, *rest))
    events = [(t, unit, f"{unit} lost, STORAGE unreachable", 1, 8.0) for t, unit in ((600, "DB"), (603, "API"))]
    result = rca.analyze(make_frame(cascade(600) + events))
    lines, = seen
    assert lines.mentions.own.shape == lines.unit_names.shape
    assert np.shares_memory(lines.mentions.units, lines.unit_codes)
    assert "STORAGE" in lines.mention_names and [i.root_cause for i in result] == ["STORAGE"]


def test_a_candidate_is_described_from_its_own_lines_first_and_its_most_telling_template():
    # A unit's lines (positions among the incident's, grouped once per incident) and its rank among the writers.
    ev = rca._Evidence(units=np.array(["A", "B", "A", "A"], dtype=object), templates=np.zeros(4, dtype=bool),
                       codes=np.array([0, 1, 2, 2]), line_no=np.array([10, 11, 12, 13]),
                       pos=np.array([0.0, 1.0, 2.0, 3.0]), scores=np.array([1.0, 2.0, 3.0, 3.0]),
                       pct=np.array([0.25, 0.5, 1.0, 1.0]), delta=np.array([3.0, 5.0, 4.0, 4.0]),
                       named=np.zeros((4, 0), dtype=bool), mention_d=np.zeros(0))
    lines = SimpleNamespace(names=np.array(["t0", "t1", "t2"], dtype=object), unit_kind="component", has_score=True)
    baseline, terms = np.array([5.0, 0.0, 7.0]), {"mentions": 0.0}
    a = rca._describe_candidate("A", [0, 2, 3], 1, np.zeros(4, dtype=bool), ev, lines, baseline, {}, True, terms)
    assert a == {"first_line_no": 10, "n_lines": 3, "top_template": "t2",
                 "evidence": "first anomalous event (line 10); 't2' ×2 from line 12, 7 elsewhere (log-odds +4.0); "
                             "max score 3.00 (top 1% of anomalies)"}
    b = rca._describe_candidate("B", [1], 2, np.zeros(4, dtype=bool), ev, lines, baseline, {"B": "t9"}, True, terms)
    assert b["evidence"] == ("the 2nd component to turn anomalous (line 11, 1 s after the start); 't1' ×1, never "
                             "elsewhere in the file; max score 2.00 (top 50% of anomalies); before the start: 't9'")


def test_precursors_update_the_candidate_columns_and_rescore_them_keeping_ties_in_order():
    # Columns, not a table per alert: a unit without a candidate joins with no line of its own, a known one is marked.
    columns = {c: np.array(v, dtype=object if c in ("component", "top_template", "evidence") else None)
               for c, v in {"component": ["DISK", "NET", "APP"], "score": [0.5, 0.4, 0.4], "first_line_no": [3, 5, 7],
                            "n_lines": [2, 1, 1], "top_template": ["a", "b", "c"], "evidence": ["e1", "e2", "e3"],
                            "earliness": [1.0, 0.0, 0.0], "specificity": [0.5, 0.5, 0.0], "mentions": [0.0] * 3,
                            "anomaly": [0.0] * 3, "precursor": [0.0] * 3}.items()}
    columns = rca._add_precursor(rca._add_precursor(columns, "SCHED", "silence"), "APP", "burst")
    assert columns["component"].tolist() == ["DISK", "NET", "APP", "SCHED"]
    assert columns["first_line_no"].dtype == np.int64 and columns["first_line_no"][3] == -1
    assert columns["precursor"].tolist() == [0.0, 0.0, 1.0, 1.0]
    assert columns["evidence"].tolist() == ["e1", "e2", "e3; burst", "no anomalous line; silence"]
    weights = {"earliness": 0.1, "specificity": 0.1, "precursor": 0.8}
    ranked = rca._rescored(columns, weights)
    # APP and SCHED tie at 0.8, their precursors alone: APP, the earlier candidate, stays first.
    assert ranked["component"].tolist() == ["APP", "SCHED", "DISK", "NET"]
    assert ranked["score"] == pytest.approx([0.8, 0.8, 0.15, 0.05])


def test_first_events_are_the_raw_lines_else_component_and_content():
    # Read for all incidents at once: each row's own text, whatever the others hold.
    frame = pd.DataFrame({"raw": ["  DISK full  ", "", None, "x" * 300],
                          "component": ["DISK", "NET", None, "APP"], "content": ["full", "link down", "lost", "y"]})
    assert rca._event_texts(frame, np.array([3, 2, 1, 0])) == ["x" * 200, "lost", "NET link down", "DISK full"]
    assert rca._event_texts(frame.drop(columns="raw"), np.array([1])) == ["NET link down"]
    assert rca._event_texts(frame, np.zeros(0, dtype=np.int64)) == []


def test_a_lines_flags_are_read_without_a_copy_per_line():
    # is_anomaly was read as floats and blank as objects: 18 bytes a line, twice per analysis, for 0/1 columns.
    n = 1_000_000
    frame = pd.DataFrame({"is_anomaly": (np.arange(n) % 7 == 0).astype(np.int8), "blank": np.arange(n) % 5 == 0})
    flags, peak = traced_peak(lambda: rca._flags(frame))
    np.testing.assert_array_equal(flags, (np.arange(n) % 7 == 0) & (np.arange(n) % 5 != 0))
    assert peak < 3 * n  # the flags and one comparison: a byte a line each


def test_marking_the_lines_that_name_units_holds_no_million_line_block():
    # A block of a million lines' (block, U) booleans, made twice, was the peak of analyze's incidents stage.
    n, units = 1 << 20, 12
    text = (np.arange(n) % 7 - 1).astype(np.int32)  # -1: names nothing
    per_text = np.random.default_rng(0).random((6, units)) < 0.3
    mentions = rca._Mentions(text, per_text, np.zeros(n, dtype=np.int32), np.full(1, -1, dtype=np.int32))
    idx = np.arange(n)
    expected = mentions.marks(idx, block=n)
    marks, peak = traced_peak(lambda: mentions.marks(idx))
    np.testing.assert_array_equal(marks, expected)
    assert peak < 2 * marks.nbytes + n  # the marks, their int32 parts and a small block's temporaries


def test_a_clock_where_every_line_has_a_time_is_placed_without_a_copy_nor_the_lines_numbers():
    # The known lines' numbers (8 bytes a line) and a second copy of the clock were the peak of grouping incidents.
    n = 1_000_000
    seconds = np.cumsum(np.random.default_rng(0).exponential(1.0, n))
    seconds[[10, 500_000]] -= 3.0  # lines out of order keep the latest time before them
    expected = np.maximum.accumulate(seconds)
    out, peak = traced_peak(lambda: rca._clock_positions(seconds, 600.0))
    np.testing.assert_array_equal(out, expected)
    assert peak / n < 14  # its steps (8) and flags (3); 19 bytes a line with the numbers and a second clock


def test_each_templates_main_unit_is_counted_without_every_lines_pair_at_once():
    # All lines' (template, unit) pairs as int64 and their sort held ~19 bytes a line, for a table of k names.
    n = 1_000_000
    rng = np.random.default_rng(0)
    codes = rng.integers(-1, 40, n).astype(np.int32)
    units = (codes % 3 + (rng.random(n) < 0.2)).astype(np.int32)  # template c mostly from unit c % 3
    names = np.array(["a", "b", "c", "d"], dtype=object)
    out, peak = traced_peak(lambda: rca._main_unit(codes, units, names, 41))
    assert out.tolist() == [names[c % 3] for c in range(40)] + [""]
    assert peak / n < 4  # 19 bytes a line before


def test_the_lines_template_and_unit_codes_take_the_narrowest_type_their_count_allows():
    # Both were int32 (8 bytes a line) though a log has a few hundred templates: held through every incident.
    n = 1_000_000
    frame = pd.DataFrame({"template": pd.Categorical([f"t{i % 300}" for i in range(1000)] * (n // 1000)),
                          "component": pd.Categorical(["disk", "net", "app"] * (n // 3) + ["disk"]),
                          "is_anomaly": np.zeros(n, dtype=np.int8), "line_no": np.arange(1, n + 1)})
    lines = rca._prepare(frame)
    assert lines.codes.nbytes + lines.unit_codes.nbytes == 4 * n  # int16 each: 300 templates, 303 unit names
    assert lines.names[lines.codes[[0, 299, 300]]].tolist() == ["t0", "t299", "t0"]
    assert lines.unit_names[lines.unit_codes[:4]].tolist() == ["disk", "net", "app", "disk"]
    assert [rca.code_type(k).itemsize for k in (128, 129, 32768, 32769)] == [1, 2, 2, 4]


def test_which_text_each_line_is_held_in_the_narrowest_type_for_mentions():
    # The distinct-text code per line was int32 (4 bytes a line through every incident) for a few dozen texts.
    n = 1_000_000
    frame = pd.DataFrame({"component": pd.Categorical(["disk", "net", "app"] * (n // 3) + ["disk"]),
                          "mentions": pd.Categorical(["", "disk", "net app"] * (n // 3) + [""])})
    units, unit_names, _, _ = rca._unit_codes(frame)
    names, mentions = rca._mention_matrix(frame, units, unit_names)
    assert mentions.text.nbytes == n  # int8: three distinct texts
    # names in order of first appearance (disk, net, app); a line naming its own unit does not count
    assert mentions.rows(np.arange(3)).tolist() == [[False] * 3, [True, False, False], [False, True, False]]


def test_an_incidents_tables_keep_their_column_names_once_for_all_incidents():
    # A (name, array) pair per column and table took 2.1 KB an incident: a long log has tens of thousands of them.
    candidates = {name: np.zeros(3) for name in rca.CANDIDATE_COLUMNS}
    templates = {name: np.zeros(2) for name in rca.TEMPLATE_COLUMNS}
    incidents, peak = traced_peak(lambda: [
        rca.Incident(incident=i, source="a", first_line_no=1, last_line_no=2, start=pd.NaT, end=pd.NaT, n_lines=1,
                     components={}, first_event="", candidates=candidates, templates=templates, changes=templates)
        for i in range(1000)])
    assert peak / len(incidents) < 1000  # the incident and its tables' index, names and columns: 0.8 KB
    assert incidents[1].candidates.columns.tolist() == list(rca.CANDIDATE_COLUMNS)
    assert incidents[1].candidate_columns().keys() == candidates.keys() and incidents[1].changes.shape == (2, 7)
