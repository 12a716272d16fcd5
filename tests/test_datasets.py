"""Tests of the synthetic ATM journal generator and the committed sample built from it."""
import re
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from logad_utils.datasets import (
    INCIDENT_KINDS,
    LABEL_COLUMNS,
    generate_log,
    labels_path_for,
    read_labels,
    write_log,
)

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "atm_sample.jrn"
LINE_RE = re.compile(r"^\d\d:\d\d:\d\d  \d{4} [A-Z_]+ .+$")


@pytest.fixture(scope="module")
def sample42():
    """The log the committed sample must equal: 20,000 lines, seed 42."""
    return generate_log(20000, 42)


@pytest.mark.parametrize("n", [0, 1, 7, 3333])
def test_exact_line_count(n):
    lines, labels = generate_log(n, seed=5)
    assert len(lines) == n
    assert len(labels) == n


def test_same_seed_same_log():
    a_lines, a_labels = generate_log(4000, seed=11)
    b_lines, b_labels = generate_log(4000, seed=11)
    assert a_lines == b_lines
    pd.testing.assert_frame_equal(a_labels, b_labels)


def test_different_seeds_differ():
    a_lines, a_labels = generate_log(4000, seed=1)
    b_lines, b_labels = generate_log(4000, seed=2)
    assert a_lines != b_lines
    assert not a_labels["is_anomaly"].equals(b_labels["is_anomaly"])


def test_shorter_log_is_prefix_of_longer():
    short_lines, short_labels = generate_log(3000, seed=9)
    long_lines, long_labels = generate_log(9000, seed=9)
    assert long_lines[:3000] == short_lines
    pd.testing.assert_frame_equal(long_labels.iloc[:3000], short_labels)


def test_labels_align_with_lines(sample42):
    lines, labels = sample42
    assert list(labels.columns) == LABEL_COLUMNS
    assert len(labels) == len(lines)
    assert labels["line_no"].tolist() == list(range(1, len(lines) + 1))
    assert labels["is_anomaly"].dtype.kind == "i" and set(labels["is_anomaly"].unique()) == {0, 1}
    normal = labels["is_anomaly"] == 0
    assert (labels.loc[normal, "incident_id"] == "").all()
    assert (labels.loc[normal, "root_cause_component"] == "").all()
    assert (labels.loc[~normal, "incident_id"].str.match(r"^INC\d{4}$")).all()
    assert labels.loc[~normal, "root_cause_component"].isin(set(INCIDENT_KINDS.values())).all()


def test_every_line_matches_format(sample42):
    lines, _ = sample42
    bad = [line for line in lines if not LINE_RE.match(line)]
    assert bad == []


def test_sequence_numbers_wrap_after_9999():
    lines, _ = generate_log(10002, seed=3)
    seqs = [int(line[10:14]) for line in lines]
    assert seqs[:3] == [1, 2, 3]
    assert seqs[9998:] == [9999, 0, 1, 2]


def test_time_order_and_day_markers(sample42):
    lines, _ = sample42
    assert lines[0] == "00:00:00  0001 JOURNAL Day start 2026-03-02"
    day, prev, dates = -1, -1, []
    for line in lines:
        m = re.match(r"^00:00:00  \d{4} JOURNAL Day start (\d{4}-\d\d-\d\d)$", line)
        if m:
            day += 1
            dates.append(m.group(1))
        h, mi, s = int(line[0:2]), int(line[3:5]), int(line[6:8])
        t = day * 86400 + h * 3600 + mi * 60 + s
        assert t >= prev, line
        prev = t
    expected = [(date(2026, 3, 2) + timedelta(days=i)).isoformat() for i in range(len(dates))]
    assert dates == expected
    assert len(dates) >= 3  # several days


def test_start_date_parameter():
    lines, _ = generate_log(10, seed=0, start="2025-12-31")
    assert lines[0].endswith("Day start 2025-12-31")


def test_incidents_have_one_root_that_writes_their_first_line(sample42):
    lines, labels = sample42
    anomalous = labels[labels["is_anomaly"] == 1]
    roots = anomalous.groupby("incident_id")["root_cause_component"].nunique()
    assert (roots == 1).all()
    kinds = labels.attrs["incident_kinds"]
    assert set(kinds) == set(anomalous["incident_id"])
    for iid, group in anomalous.groupby("incident_id"):
        first = group["line_no"].min()
        component = lines[first - 1].split()[2]
        assert component == group["root_cause_component"].iloc[0] == INCIDENT_KINDS[kinds[iid]]
    # symptoms spread to other components in (nearly) every incident
    spread = anomalous.assign(comp=[lines[i - 1].split()[2] for i in anomalous["line_no"]])
    other = (spread["comp"] != spread["root_cause_component"]).groupby(spread["incident_id"]).any()
    assert other.mean() > 0.9


@pytest.mark.parametrize("seed", [0, 1, 2, 42])
def test_anomaly_fraction_is_small(seed):
    _, labels = generate_log(20000, seed)
    rate = labels["is_anomaly"].mean()
    assert 0.01 <= rate <= 0.06, rate
    assert labels["incident_id"].nunique() - 1 >= 10


def test_write_and_read_back(tmp_path):
    log_path, lab_path = write_log(tmp_path / "x.jrn", n_lines=500, seed=4)
    assert log_path == tmp_path / "x.jrn"
    assert lab_path == tmp_path / "x.labels.csv" == labels_path_for(log_path)
    lines, labels = generate_log(500, 4)
    assert log_path.read_text(encoding="utf-8").splitlines() == lines
    back = read_labels(lab_path)
    pd.testing.assert_frame_equal(back, labels[LABEL_COLUMNS], check_dtype=False)
    assert (back["incident_id"] == "").sum() == (labels["incident_id"] == "").sum()
    assert not back.isna().any().any()


def test_labels_path_for():
    assert labels_path_for("data/a.jrn") == Path("data/a.labels.csv")
    assert labels_path_for(Path("b.log")) == Path("b.labels.csv")


def test_committed_sample_matches_generator(sample42):
    lines, labels = sample42
    text = SAMPLE.read_text(encoding="utf-8")
    assert text == "".join(line + "\n" for line in lines), "regenerate: write_log('data/atm_sample.jrn', 20000, 42)"
    back = read_labels(labels_path_for(SAMPLE))
    pd.testing.assert_frame_equal(back, labels[LABEL_COLUMNS], check_dtype=False)


def test_committed_sample_size_and_content(sample42):
    _, labels = sample42
    assert SAMPLE.stat().st_size < 5_000_000
    assert len(labels) <= 30000
    kinds = labels.attrs["incident_kinds"]
    assert len(kinds) >= 15
    assert len(set(kinds.values())) >= 5
