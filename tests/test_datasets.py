"""Tests of the synthetic ATM journal generator and the committed sample built from it."""
import re
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from logad_utils.datasets import (
    COMPONENTS,
    INCIDENT_COLUMNS,
    INCIDENT_KINDS,
    LABEL_COLUMNS,
    SCENARIOS,
    generate,
    generate_log,
    incidents_path_for,
    known_incidents,
    known_labels,
    labels_path_for,
    read_incidents,
    read_labels,
    write_log,
)

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "atm_sample.jrn"
SAMPLE_SEED = 52  # the first seed from 40 whose 20,000 lines hold at least three incidents of every kind
LINE_RE = re.compile(r"^\d\d:\d\d:\d\d  \d{4} [A-Z_]+ .+$")


@pytest.fixture(scope="module")
def sample():
    """The log the committed sample must equal: 20,000 lines of SAMPLE_SEED."""
    return generate(20000, SAMPLE_SEED)


@pytest.fixture(scope="module")
def week():
    """A journal of more than a week (about 3,500 lines a day)."""
    return generate(60000, 3)


def line_times(lines: list[str], start: str = "2026-03-02") -> pd.Series:
    """Timestamp of every line from its clock and the day markers before it."""
    day = np.cumsum([" JOURNAL Day start " in line for line in lines]) - 1
    secs = [int(line[0:2]) * 3600 + int(line[3:5]) * 60 + int(line[6:8]) for line in lines]
    return pd.Series(pd.Timestamp(start) + pd.to_timedelta(day * 86400 + np.asarray(secs, dtype=np.int64), unit="s"))


def component_of(lines: list[str]) -> list[str]:
    return [line.split()[2] for line in lines]


@pytest.mark.parametrize("n", [0, 1, 7, 3333])
def test_exact_line_count(n):
    log = generate(n, seed=5)
    assert len(log.lines) == n
    assert len(log.labels) == n


def test_same_seed_same_log():
    a, b = generate(4000, seed=11), generate(4000, seed=11)
    assert a.lines == b.lines
    pd.testing.assert_frame_equal(a.labels, b.labels)
    pd.testing.assert_frame_equal(a.incidents, b.incidents)
    assert a.labels.attrs == b.labels.attrs


def test_generate_log_is_lines_and_labels():
    lines, labels = generate_log(500, seed=11)
    log = generate(500, seed=11)
    assert lines == log.lines
    pd.testing.assert_frame_equal(labels, log.labels)


def test_different_seeds_differ():
    a, b = generate(4000, seed=1), generate(4000, seed=2)
    assert a.lines != b.lines
    assert not a.labels["is_anomaly"].equals(b.labels["is_anomaly"])


def test_shorter_log_is_prefix_of_longer():
    short, long = generate(3000, seed=9), generate(9000, seed=9)
    assert long.lines[:3000] == short.lines
    pd.testing.assert_frame_equal(long.labels.iloc[:3000], short.labels)
    # same incidents, only the one running at the cut may end earlier in the shorter log
    head = long.incidents.iloc[:len(short.incidents)]
    pd.testing.assert_frame_equal(head.drop(columns="end"), short.incidents.drop(columns="end"))
    assert (short.incidents["end"] <= head["end"]).all()


def test_labels_align_with_lines(sample):
    lines, labels = sample.lines, sample.labels
    assert list(labels.columns) == LABEL_COLUMNS
    assert len(labels) == len(lines)
    assert labels["line_no"].tolist() == list(range(1, len(lines) + 1))
    assert labels["is_anomaly"].dtype.kind == "i" and set(labels["is_anomaly"].unique()) == {0, 1}
    normal = labels["is_anomaly"] == 0
    for col in ("incident_id", "root_cause_component", "incident_kind"):
        assert (labels.loc[normal, col] == "").all()
    assert (labels.loc[~normal, "incident_id"].str.match(r"^INC\d{4}$")).all()
    assert labels.loc[~normal, "root_cause_component"].isin(COMPONENTS).all()
    # only cascades and bursts write lines; silences and drops leave lines out
    assert set(labels.loc[~normal, "incident_kind"]) == {"cascade", "burst"}


def test_every_line_matches_format(sample):
    bad = [line for line in sample.lines if not LINE_RE.match(line)]
    assert bad == []


def test_sequence_numbers_wrap_after_9999():
    lines = generate(10002, seed=3).lines
    seqs = [int(line[10:14]) for line in lines]
    assert seqs[:3] == [1, 2, 3]
    assert seqs[9998:] == [9999, 0, 1, 2]


def test_time_order_and_day_markers(sample):
    lines = sample.lines
    assert lines[0] == "00:00:00  0001 JOURNAL Day start 2026-03-02"
    assert line_times(lines).is_monotonic_increasing
    dates = [m.group(1) for line in lines if (m := re.match(r"^00:00:00  \d{4} JOURNAL Day start (.+)$", line))]
    expected = [(date(2026, 3, 2) + timedelta(days=i)).isoformat() for i in range(len(dates))]
    assert dates == expected
    assert len(dates) >= 3  # several days


def test_start_date_parameter():
    log = generate(10, seed=0, start="2025-12-31")
    assert log.lines[0].endswith("Day start 2025-12-31")


def test_cascades_have_one_root_that_writes_their_first_line(sample):
    lines, labels = sample.lines, sample.labels
    cascades = labels[labels["incident_kind"] == "cascade"]
    assert (cascades.groupby("incident_id")["root_cause_component"].nunique() == 1).all()
    scenarios = labels.attrs["scenarios"]
    assert set(scenarios) == set(labels.loc[labels["is_anomaly"] == 1, "incident_id"])
    for iid, group in cascades.groupby("incident_id"):
        first = group["line_no"].min()
        component = lines[first - 1].split()[2]
        assert component == group["root_cause_component"].iloc[0] == SCENARIOS[scenarios[iid]].component
    # symptoms spread to other components in (nearly) every cascade
    spread = cascades.assign(comp=component_of([lines[i - 1] for i in cascades["line_no"]]))
    other = (spread["comp"] != spread["root_cause_component"]).groupby(spread["incident_id"]).any()
    assert other.mean() > 0.9


def test_incidents_table_agrees_with_labels(sample):
    labels, incidents = sample.labels, sample.incidents
    assert list(incidents.columns) == INCIDENT_COLUMNS
    assert incidents["incident_id"].is_unique and incidents["incident_id"].is_monotonic_increasing
    assert set(incidents["incident_kind"]) == set(INCIDENT_KINDS)
    assert (incidents["start"] <= incidents["end"]).all()
    times = line_times(sample.lines)
    by_id = incidents.set_index("incident_id")
    labelled = labels[labels["is_anomaly"] == 1]
    assert set(labelled["incident_id"]) <= set(by_id.index)
    for iid, group in labelled.groupby("incident_id"):
        row = by_id.loc[iid]
        assert group["incident_kind"].iloc[0] == row["incident_kind"]
        assert group["root_cause_component"].iloc[0] == row["root_cause_component"]
        spanned = times[group["line_no"].to_numpy() - 1]
        assert spanned.min() >= pd.Timestamp(row["start"]) and spanned.max() <= pd.Timestamp(row["end"])
    # incidents never overlap
    starts, ends = pd.to_datetime(incidents["start"]), pd.to_datetime(incidents["end"])
    assert (starts.iloc[1:].to_numpy() > ends.iloc[:-1].to_numpy()).all()


def test_burst_repeats_one_ordinary_line_of_its_root(week):
    lines, labels = week.lines, week.labels
    bursts = labels[labels["incident_kind"] == "burst"]
    assert bursts["incident_id"].nunique() >= 2
    masked = [re.sub(r"\d+", "N", line[15:]) for line in lines]
    for _, group in bursts.groupby("incident_id"):
        texts = {masked[i - 1] for i in group["line_no"]}
        assert len(texts) == 1 and len(group) >= 10
        text = texts.pop()
        assert text.split()[0] == group["root_cause_component"].iloc[0]
        # the same line is written outside incidents too, only far less often
        assert any(m == text for m, anomalous in zip(masked, labels["is_anomaly"]) if not anomalous)


SILENCED = {"HOST": "Heartbeat sent to", "DEVICE": "Status poll:", "NETWORK": "Link to host"}


def test_silence_stops_a_regular_line(week):
    lines, times = week.lines, line_times(week.lines)
    silences = week.incidents[week.incidents["incident_kind"] == "silence"]
    assert len(silences) >= 2
    for _, row in silences.iterrows():
        start, end = pd.Timestamp(row["start"]), pd.Timestamp(row["end"])
        marker = SILENCED[row["root_cause_component"]]
        regular = times[[marker in line for line in lines]]
        assert not ((regular > start) & (regular < end)).any()
        gaps = regular.diff().dt.total_seconds().dropna()
        period = gaps.median()
        assert (end - start).total_seconds() >= 3 * period  # several periods missing
    heartbeats = times[[SILENCED["HOST"] in line for line in lines]]
    assert heartbeats.diff().dt.total_seconds().median() == pytest.approx(600, abs=10)


def test_drop_lowers_sessions_without_new_lines(week):
    lines, times = week.lines, line_times(week.lines)
    sessions = times[[" SESSION Session " in line and " started, language " in line for line in lines]]
    drops = week.incidents[week.incidents["incident_kind"] == "drop"]
    assert len(drops) >= 2
    hourly = sessions.dt.floor("h").value_counts()
    typical = hourly.groupby(hourly.index.hour).median()
    for _, row in drops.iterrows():
        start, end = pd.Timestamp(row["start"]), pd.Timestamp(row["end"])
        during = ((sessions >= start) & (sessions < end)).sum()
        hours = pd.date_range(start.floor("h"), end.floor("h"), freq="h").hour
        assert during < 0.6 * typical.reindex(hours).fillna(0).sum()
    assert week.labels.loc[week.labels["incident_kind"] == "drop"].empty


def test_hour_of_day_seasonality(week):
    sessions = line_times([line for line in week.lines if " started, language " in line])
    per_hour = sessions.dt.hour.value_counts()
    assert per_hour.loc[12] > 5 * per_hour.loc[3]


def test_every_scenario_happens_in_a_long_log():
    labels_attrs = generate(150000, seed=1)
    seen = set(labels_attrs.labels.attrs["scenarios"].values())
    by_kind = labels_attrs.incidents["incident_kind"].value_counts()
    assert {name for name, s in SCENARIOS.items() if s.steps} <= seen
    assert set(by_kind.index) == set(INCIDENT_KINDS)


@pytest.mark.parametrize("seed", [0, 1, 2, 42])
def test_anomaly_fraction_is_small(seed):
    log = generate(20000, seed)
    rate = log.labels["is_anomaly"].mean()
    assert 0.01 <= rate <= 0.06, rate
    assert (log.incidents["incident_kind"] == "cascade").sum() >= 10


def test_write_and_read_back(tmp_path):
    log_path, lab_path = write_log(tmp_path / "x.jrn", n_lines=4000, seed=4)
    assert log_path == tmp_path / "x.jrn"
    assert lab_path == tmp_path / "x.labels.csv" == labels_path_for(log_path)
    log = generate(4000, 4)
    assert log_path.read_text(encoding="utf-8").splitlines() == log.lines
    back = read_labels(lab_path)
    pd.testing.assert_frame_equal(back, log.labels[LABEL_COLUMNS], check_dtype=False)
    assert (back["incident_id"] == "").sum() == (log.labels["incident_id"] == "").sum()
    assert not back.isna().any().any()
    incidents = read_incidents(incidents_path_for(log_path))
    assert list(incidents.columns) == INCIDENT_COLUMNS
    assert incidents["start"].dtype.kind == incidents["end"].dtype.kind == "M"
    assert incidents["start"].dt.strftime("%Y-%m-%d %H:%M:%S").tolist() == log.incidents["start"].tolist()
    assert incidents["incident_id"].tolist() == log.incidents["incident_id"].tolist()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.incidents.csv", "x.jrn", "x.labels.csv"]


def test_old_labels_files_get_their_kind(tmp_path):
    path = tmp_path / "old.labels.csv"
    path.write_text("line_no,is_anomaly,incident_id,root_cause_component\n1,0,,\n2,1,INC0001,HOST\n")
    assert read_labels(path)["incident_kind"].tolist() == ["", "cascade"]


def test_paths_beside_the_log():
    assert labels_path_for("data/a.jrn") == Path("data/a.labels.csv")
    assert labels_path_for(Path("b.log")) == Path("b.labels.csv")
    assert incidents_path_for("data/a.jrn") == Path("data/a.incidents.csv")


def test_committed_sample_matches_generator(sample):
    text = SAMPLE.read_text(encoding="utf-8")
    hint = f"regenerate: write_log('data/atm_sample.jrn', 20000, {SAMPLE_SEED})"
    assert text == "".join(line + "\n" for line in sample.lines), hint
    back = read_labels(labels_path_for(SAMPLE))
    pd.testing.assert_frame_equal(back, sample.labels[LABEL_COLUMNS], check_dtype=False)
    incidents = pd.read_csv(incidents_path_for(SAMPLE), dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(incidents, sample.incidents, check_dtype=False)


def test_committed_sample_size_and_content(sample):
    assert SAMPLE.stat().st_size < 5_000_000
    assert len(sample.labels) == 20000
    kinds = sample.incidents["incident_kind"].value_counts()
    assert kinds["cascade"] >= 20
    assert (kinds[["silence", "burst", "drop"]] >= 3).all()
    cascade_scenarios = {s for s in sample.labels.attrs["scenarios"].values() if SCENARIOS[s].kind == "cascade"}
    assert len(cascade_scenarios) >= 7


def test_anomaly_flags_are_the_labels_is_anomaly_column():
    from logad_utils.datasets import read_anomaly_flags

    path = labels_path_for(SAMPLE)
    assert (read_anomaly_flags(path) == read_labels(path)["is_anomaly"].to_numpy()).all()
    assert read_anomaly_flags(path).sum() > 0


def test_known_labels_and_incidents_are_those_beside_a_generated_log_or_none(tmp_path):
    # A notebook's LABELS_PATH left at None: a generated log's files beside it, nothing for a log of your own.
    log, _ = write_log(tmp_path / "gen.jrn", n_lines=300, seed=1)
    assert len(known_labels(log)) == 300 and set(known_labels(log)) <= {0, 1}
    assert list(known_incidents(log).columns) == INCIDENT_COLUMNS
    own = tmp_path / "app.log"
    own.write_text("2024-03-01 10:00:00 INFO started\n")
    assert known_labels(own) is None and known_incidents(own) is None
    assert known_labels(tmp_path / "logs" / "*.log") is None  # a glob or a folder has no labels beside it
    # A path given is read, and a missing one is an error, not silently no truth.
    assert len(known_labels(own, labels_path_for(log))) == 300
    with pytest.raises(FileNotFoundError):
        known_labels(log, tmp_path / "missing.labels.csv")


def test_a_file_of_ones_own_named_like_labels_beside_a_log_is_no_ground_truth(tmp_path):
    # app.labels.csv beside app.log, a table of the user's own: known_labels raised ValueError (no is_anomaly
    # column) and known_incidents KeyError, where a log without ground truth gives None.
    own = tmp_path / "app.log"
    own.write_text("2024-03-01 10:00:00 INFO started\n")
    (tmp_path / "app.labels.csv").write_text("label,owner\nweb,ops\n")
    (tmp_path / "app.incidents.csv").write_bytes(b"\xff\xfe\x00binary")
    assert known_labels(own) is None and known_incidents(own) is None


def test_labels_read_a_block_of_rows_at_a_time_are_placed_and_refused_as_read_whole(tmp_path, monkeypatch):
    # A 10M-line log's labels read whole held several full columns at once (the top of analyze's memory there).
    from logad_utils.datasets import _files, read_anomaly_flags

    monkeypatch.setattr(_files, "_LABEL_ROWS", 3)
    truth = np.array([0, 1, 0, 0, 1, 1, 0, 1], dtype=np.int8)
    table = pd.DataFrame({"line_no": np.arange(1, 9), "is_anomaly": truth}).iloc[[7, 4, 0, 6, 2, 1, 5, 3]]
    path = tmp_path / "labels.csv"
    table.to_csv(path, index=False)
    assert read_anomaly_flags(path).tolist() == truth.tolist()
    table.assign(is_anomaly=[0, 1, 0, 0, 1, 1, "x", 0]).to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"is_anomaly 'x' \(row 8\)"):
        read_anomaly_flags(path)
    table.assign(line_no=[8, 5, 1, 7, 3, 2, 6, 6]).to_csv(path, index=False)
    with pytest.raises(ValueError, match="line 6 has more than one row"):
        read_anomaly_flags(path)


def test_labels_are_placed_by_their_line_numbers_and_numbers_that_do_not_fit_are_refused(tmp_path):
    # read_anomaly_flags took is_anomaly in row order and ignored line_no: a labels file sorted otherwise (by
    # incident, say) was scored against the wrong lines, and one numbered from 0 or missing its first line
    # passed silently or as "another log"; a CSV listing the anomalous lines failed with pandas' usecols error.
    from logad_utils.datasets import read_anomaly_flags

    truth = np.array([0, 1, 0, 0, 1, 1, 0], dtype=np.int8)
    table = pd.DataFrame({"line_no": np.arange(1, 8), "is_anomaly": truth})
    shuffled = tmp_path / "shuffled.csv"
    table.iloc[[4, 0, 6, 2, 1, 5, 3]].to_csv(shuffled, index=False)
    assert read_anomaly_flags(shuffled).tolist() == truth.tolist()
    listed = tmp_path / "listed.csv"
    table[table["is_anomaly"] == 1][["line_no"]].to_csv(listed, index=False)
    assert known_labels(tmp_path / "x.log", listed, n_lines=7).tolist() == truth.tolist()
    with pytest.raises(ValueError, match="n_lines"):
        read_anomaly_flags(listed)
    with pytest.raises(ValueError, match="1…3"):
        read_anomaly_flags(listed, n_lines=3)
    for name, bad in {"from zero": table.assign(line_no=table["line_no"] - 1),
                      "first missing": table.iloc[1:], "twice": table.assign(line_no=[1, 2, 3, 3, 5, 6, 7]),
                      "not a flag": table.assign(is_anomaly=["-"] * 7)}.items():
        path = tmp_path / f"{name}.csv"
        bad.to_csv(path, index=False)
        with pytest.raises(ValueError, match="from 1|not 1…6|more than one row|not 0 or 1"):
            read_anomaly_flags(path)
