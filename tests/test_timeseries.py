"""Template time series: counting, baselines and each kind of trend alert on logs built here."""
import tracemalloc
import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import traced_peak

from logad_utils import timeseries
from logad_utils.io import string_codes
from logad_utils.timeseries import ALL_LINES, TREND_COLUMNS, count_templates, find_trends

T0 = pd.Timestamp("2026-01-05")  # a Monday
DAY = 86400.0
# Customer traffic per hour of day: busy by day, quiet at night.
PROFILE = np.array([1, 1, 1, 1, 1, 2, 6, 12, 20, 24, 26, 30, 34, 30, 26, 26, 28, 32, 30, 24, 16, 10, 6, 3.0])
TEMPLATES = {0: "heartbeat sent", 1: "card inserted", 2: "session ended", 3: "cache warm", 4: "config reload",
             5: "retry connection"}


def traffic(days, rng, scale=1.0):
    """Arrival times (s) of customer sessions over ``days`` days, following PROFILE."""
    counts = rng.poisson(np.tile(PROFILE, days) * scale)
    hours = np.repeat(np.arange(24 * days), counts)
    return np.sort((hours + rng.random(hours.size)) * 3600.0)


def make_log(days=8, seed=0, edit=None):
    """A frame of heartbeats every 10 min, sessions (two templates), and a rare daily event.

    ``edit(events, rng)`` changes the list of (seconds, template id) before the frame is built.
    """
    rng = np.random.default_rng(seed)
    beats = np.arange(0, days * DAY, 600.0) + rng.uniform(1, 9, int(days * DAY / 600))
    sessions = traffic(days, rng)
    rare = np.arange(days) * DAY + rng.uniform(8, 18, days) * 3600
    events = ([(t, 0) for t in beats] + [(t, 1) for t in sessions] + [(t + 40, 2) for t in sessions]
              + [(t, 4) for t in rare])
    if edit is not None:
        events = edit(events, rng)
    return frame_of(events)


def frame_of(events, source="app.log"):
    events = sorted(events)
    seconds = np.array([t for t, _ in events])
    ids = np.array([c for _, c in events], dtype=np.int64)
    return pd.DataFrame({"source": source, "line_no": np.arange(1, len(events) + 1),
                         "timestamp": T0 + pd.to_timedelta(np.floor(seconds), unit="s"),
                         "blank": False, "template_id": ids,
                         "template": [TEMPLATES[c] for c in ids]})


def between(a, b, template=None):
    """An edit removing the events (of one template, or all) between a and b seconds."""
    return lambda events, rng: [(t, c) for t, c in events if not (a <= t < b and template in (None, c))]


def kinds(trends, template=None):
    alerts = trends.alerts
    if template is not None:
        alerts = alerts[alerts["template"] == template]
    return alerts["kind"].tolist()


def overlaps(alert, a, b):
    return alert["start"] <= T0 + pd.Timedelta(seconds=b) and alert["end"] >= T0 + pd.Timedelta(seconds=a)


@pytest.fixture(scope="module")
def quiet():
    return make_log()


def test_counts_add_up_and_bucket_divides_a_day(quiet):
    counts = count_templates(quiet)
    assert counts.timed and pd.Timedelta("1D") % counts.bucket == pd.Timedelta(0)
    assert counts.matrix.sum() == len(quiet)
    assert counts.starts[0] == T0 and len(counts.starts) == counts.matrix.shape[0]
    hourly = count_templates(quiet, "1h")
    assert hourly.bucket == pd.Timedelta("1h") and hourly.column(0).sum() == (quiet["template_id"] == 0).sum()
    assert hourly.column(-1).sum() == len(quiet)
    assert hourly.frame().shape == (8 * 24, len(TEMPLATES) - 2)


def test_blank_and_untemplated_lines_are_not_counted(quiet):
    frame = quiet.copy()
    frame.loc[:9, "blank"] = True
    frame.loc[10:19, "template_id"] = -1
    assert count_templates(frame).matrix.sum() == len(frame) - 20


def test_a_quiet_log_gives_no_alert(quiet):
    trends = find_trends(quiet)
    assert trends.seasonal
    assert list(trends.alerts.columns) == TREND_COLUMNS
    assert trends.alerts.empty


def test_heartbeat_silence_is_found_with_its_lines():
    a, b = 4 * DAY + 10 * 3600, 4 * DAY + 11.5 * 3600
    frame = make_log(edit=between(a, b, template=0))
    trends = find_trends(frame)
    silences = trends.alerts[trends.alerts["kind"] == "silence"]
    assert len(silences) == 1 and silences["template"].iloc[0] == "heartbeat sent"
    alert = silences.iloc[0]
    assert overlaps(alert, a, b) and alert["end"] - alert["start"] >= pd.Timedelta("90min")
    # The lines bounding the silence are the last heartbeat before it and the first after.
    first = frame.loc[frame["line_no"] == alert["first_line_no"]].iloc[0]
    last = frame.loc[frame["line_no"] == alert["last_line_no"]].iloc[0]
    assert first["template_id"] == last["template_id"] == 0
    assert first["timestamp"] < T0 + pd.Timedelta(seconds=a) and last["timestamp"] >= T0 + pd.Timedelta(seconds=b)
    assert alert["source"] == "app.log" and alert["expected"] >= 8 and alert["observed"] == 0
    assert "drop" not in kinds(trends, "heartbeat sent")  # the silence explains it


def retry_storm(t):
    """An edit adding a storm of 150 retries in the 10 minutes from t s, and one retry a day."""
    return lambda events, rng: events + [(t + s, 5) for s in rng.uniform(0, 600, 150)] \
        + [(d * DAY + 4e4, 5) for d in range(8)]


def test_retry_storm_is_a_burst():
    t = 5 * DAY + 15 * 3600
    trends = find_trends(make_log(edit=retry_storm(t)))
    bursts = trends.alerts[(trends.alerts["kind"] == "burst") & (trends.alerts["template"] == "retry connection")]
    assert len(bursts) == 1 and overlaps(bursts.iloc[0], t, t + 600)
    assert bursts["observed"].iloc[0] >= 150 > 10 * bursts["expected"].iloc[0]
    outside = trends.alerts[~trends.alerts.apply(overlaps, axis=1, args=(t, t + 600))]
    assert outside.empty


def rare_by_day(extra):
    """An edit adding a rare 'retry connection' line at 9-11 and 13-17 h of each of 3 days, plus ``extra``."""
    hours = [9, 10, 11, 13, 14, 15, 16, 17]
    return lambda events, rng: events + [(d * DAY + h * 3600 + 900, 5) for d in range(3) for h in hours] + extra


def test_a_rare_message_at_a_busy_hour_no_other_day_saw_it_is_no_burst():
    # Five lines in the noon hour on the first day only: at a rate of about one an hour by day, chance enough.
    noon = [(12 * 3600 + 600 * i, 5) for i in range(5)]
    trends = find_trends(make_log(days=3, edit=rare_by_day(noon)))
    assert "burst" not in kinds(trends, "retry connection")


def test_a_rare_message_bursting_is_still_found():
    storm = [(DAY + 12 * 3600 + 20 * i, 5) for i in range(30)]
    bursts = find_trends(make_log(days=3, edit=rare_by_day(storm))).alerts.query("kind == 'burst'")
    assert bursts["template"].tolist() == ["retry connection"]
    assert overlaps(bursts.iloc[0], DAY + 12 * 3600, DAY + 12 * 3600 + 600)


def test_a_burst_spans_its_dense_lines_not_the_ordinary_ones_of_its_buckets():
    # Ten minutes of a storm on top of the same message's steady trickle through the day.
    t = 5 * DAY + 15 * 3600

    def storm(events, rng):
        steady = [(s, 5) for s in np.arange(0, 8 * DAY, 900.0)]
        return events + steady + [(t + s, 5) for s in rng.uniform(0, 600, 150)]

    frame = make_log(edit=storm)
    bursts = find_trends(frame).alerts.query("kind == 'burst' and template == 'retry connection'")
    assert len(bursts) == 1
    start, end = (bursts.iloc[0][k] for k in ("start", "end"))
    # Its counts are the stretch's it shows: the lines between start and end, against their expected share.
    shown = frame[(frame["template"] == "retry connection") & frame["timestamp"].between(start, end)]
    assert bursts.iloc[0]["observed"] == len(shown) >= 150 > 10 * bursts.iloc[0]["expected"]
    # At most the next ordinary line after the storm; its buckets run on to the hour's end.
    assert T0 + pd.Timedelta(seconds=t) <= start and end <= T0 + pd.Timedelta(seconds=t + 900)


def test_traffic_drop_is_found_and_the_log_volume_drops_too():
    a, b = 3 * DAY + 10 * 3600, 3 * DAY + 14 * 3600

    def thin(events, rng):
        return [(t, c) for t, c in events if not (a <= t < b and c in (1, 2) and rng.random() < 0.85)]

    trends = find_trends(make_log(edit=thin))
    drops = trends.alerts[trends.alerts["kind"] == "drop"]
    assert {"card inserted", "session ended", ALL_LINES} <= set(drops["template"])
    assert drops.apply(overlaps, axis=1, args=(a, b)).all()
    assert (drops["observed"] < drops["expected"]).all()
    assert (trends.alerts["kind"] == "drop").sum() == len(trends.alerts)


def test_an_outage_of_every_line_is_one_drop_of_all_lines():
    a, b = 3 * DAY + 14 * 3600, 3 * DAY + 16 * 3600  # the service down for two hours: not a line
    alerts = find_trends(make_log(edit=between(a, b))).alerts
    assert alerts[["kind", "template"]].values.tolist() == [["drop", ALL_LINES]]
    assert overlaps(alerts.iloc[0], a, b)


def test_a_message_still_missing_well_after_an_outage_is_a_silence_of_its_own():
    # All lines down for two hours; the heartbeat back an hour and a half after the others (nine beats more).
    a, b = 3 * DAY + 10 * 3600, 3 * DAY + 12 * 3600

    def late(events, rng):
        return [(t, c) for t, c in events if not (a <= t < b) and not (c == 0 and a <= t < b + 5400)]

    assert kinds(find_trends(make_log(edit=late)), "heartbeat sent") == ["silence"]


def test_an_outage_left_out_as_routine_leaves_its_messages_drops_in():
    # Sessions stop with a two-hour outage for good: the drops of all lines after it recur daily and go as
    # routine, the outage's with them; the heartbeat's silence in it is then all that tells of the outage.
    a, b = 3 * DAY + 14 * 3600, 3 * DAY + 16 * 3600
    trends = find_trends(make_log(edit=lambda ev, rng: [(t, c) for t, c in ev
                                                        if not (a <= t < b or (c == 1 and t >= a))]))
    assert not any(overlaps(al, a, b) for _, al in trends.alerts.iterrows()
                   if al["template"] == ALL_LINES and al["kind"] == "drop")
    assert kinds(trends, "heartbeat sent") == ["silence"]


def test_new_and_gone_templates():
    start, stop = 5 * DAY + 3600, 6 * DAY

    def change(events, rng):
        kept = [(t, c) for t, c in events if not (c == 0 and t >= stop)]
        return kept + [(t, 3) for t in np.arange(start, 8 * DAY, 300.0)]

    trends = find_trends(make_log(edit=change))
    alerts = trends.alerts.set_index("kind")
    assert kinds(trends, "cache warm") == ["new"]
    assert alerts.loc["new", "start"] == T0 + pd.Timedelta(seconds=start)
    assert kinds(trends, "heartbeat sent") == ["gone"]
    gone = alerts.loc["gone"]
    assert gone["start"] <= T0 + pd.Timedelta(seconds=stop) < gone["end"]
    # The log's volume does change (twelve more lines an hour); each template only as said.
    assert set(trends.alerts.loc[trends.alerts["template_id"] >= 0, "kind"]) == {"new", "gone"}


def test_a_one_off_burst_late_in_the_log_is_not_new():
    trends = find_trends(make_log(edit=lambda ev, rng: ev + [(6 * DAY + s, 3) for s in range(0, 300, 5)]))
    assert "new" not in kinds(trends)


@pytest.mark.parametrize("hours", [(170, 190), (2, 24)])
def test_a_template_seen_twice_is_neither_new_nor_gone(hours):
    # Its rate was read from its one gap as if known: twice late in a week was "new", twice early "gone".
    trends = find_trends(make_log(edit=lambda ev, rng: ev + [(h * 3600.0, 3) for h in hours]))
    assert not {"new", "gone"} & set(kinds(trends, TEMPLATES[3]))


def test_short_logs_use_a_rolling_baseline():
    t = 20 * 3600

    def storm(events, rng):
        ordinary = [(s, 5) for s in rng.uniform(0, DAY, 30)]
        return events + ordinary + [(t + s, 5) for s in rng.uniform(0, 300, 80)]

    trends = find_trends(make_log(days=1, edit=storm))
    assert not trends.seasonal
    assert "burst" in kinds(trends, "retry connection")
    series = trends.series(-1)
    assert list(series.columns) == ["observed", "expected"] and series["observed"].sum() > 0


def test_two_whole_calendar_days_a_few_seconds_short_of_48_hours_get_the_daily_profile():
    # Written from 00:00 to 23:59 of the next day: a day's busy hours are the other day's, not a burst.
    frame = make_log(days=2)
    assert frame["timestamp"].iloc[-1] < T0 + pd.Timedelta(days=2, minutes=-1)
    trends = find_trends(frame)
    assert trends.seasonal
    assert kinds(trends) == []


@pytest.mark.parametrize("hours", [30, 44])
def test_a_sparse_log_of_under_two_days_is_not_seasonal_whatever_its_buckets(hours):
    # 60 lines choose buckets of many hours: a bucket's slack must not make 30 hours two days.
    rng = np.random.default_rng(1)
    trends = find_trends(frame_of([(t, 1) for t in np.sort(rng.uniform(0, hours * 3600, 60))]))
    assert not trends.seasonal


def test_logs_without_timestamps_use_line_windows():
    def storm(events, rng):
        ordinary = [(s, 5) for s in rng.uniform(0, 2 * DAY, 60)]
        return events + ordinary + [(DAY + 3600 * 12 + s, 5) for s in range(200)]

    frame = make_log(days=2, edit=storm)
    frame = frame.drop(columns="timestamp")
    trends = find_trends(frame)
    assert not trends.counts.timed and isinstance(trends.counts.bucket, int)
    assert "silence" not in kinds(trends)  # lines are no clock for regularity
    burst = trends.alerts[(trends.alerts["template"] == "retry connection") & (trends.alerts["kind"] == "burst")]
    burst = burst.nlargest(1, "observed")
    assert burst["observed"].iloc[0] >= 200 and pd.isna(burst["start"].iloc[0])
    rows = frame[(frame["line_no"] >= burst["first_line_no"].iloc[0])
                 & (frame["line_no"] <= burst["last_line_no"].iloc[0])]
    assert (rows["template_id"] == 5).sum() >= 200


@pytest.mark.parametrize("retries", [100, 150, 300])
def test_without_timestamps_a_burst_makes_no_other_template_drop(retries):
    # Line windows hold a fixed number of lines: where retries crowd in, every other template must thin out,
    # whether or not the retries are an alert of their own.
    ids = [i % 3 for i in range(3000)]
    ids[1500:1500] = [3] * retries
    frame = pd.DataFrame({"template_id": ids, "line_no": np.arange(1, len(ids) + 1), "source": "a.log",
                          "template": [f"event {i}" for i in ids]})
    kinds_found = set(find_trends(frame).alerts["kind"])
    assert "drop" not in kinds_found and (retries < 300 or "new" in kinds_found)


def test_weekday_baseline_on_two_weeks():
    # Weekend traffic is half of weekday traffic: with two weeks the weekday factor expects it.
    def weekends(events, rng):
        return [(t, c) for t, c in events
                if not (c in (1, 2) and (T0 + pd.Timedelta(seconds=t)).weekday() >= 5 and rng.random() < 0.5)]

    trends = find_trends(make_log(days=15, edit=weekends))
    assert "drop" not in kinds(trends)


def test_expected_counts_follow_the_daily_profile(quiet):
    counts = count_templates(quiet, "1h")
    y = counts.frame()[[1]].to_numpy(dtype=float)
    lam = timeseries.expected_counts(y, np.ones(len(y)), counts.starts, seasonal=True)
    by_hour = lam[:24, 0]
    assert by_hour[12] > 10 * by_hour[3]
    assert np.corrcoef(by_hour, PROFILE)[0, 1] > 0.95


def test_bad_bucket_is_a_clear_error(quiet):
    with pytest.raises(ValueError, match="bucket"):
        count_templates(quiet, "0s")


@pytest.mark.parametrize("n", [0, 1, 3])
def test_tiny_and_blank_logs_give_no_alert(n):
    frame = frame_of([(float(i), 0) for i in range(n)])
    assert find_trends(frame).alerts.empty
    assert find_trends(frame.assign(blank=True)).alerts.empty


def test_no_alert_is_a_table_typed_as_alerts_are(quiet):
    # Alerts per day of a 30-line log without any: ``.dt`` failed on the empty table's object columns.
    alerts = find_trends(quiet).alerts
    assert alerts.empty and alerts["start"].dt.normalize().value_counts().empty
    assert {alerts[c].dtype.kind for c in ("start", "end")} == {"M"}
    assert {alerts[c].dtype.kind for c in ("score", "expected", "observed")} == {"f"}


def test_showcase_puts_what_lines_alone_miss_first():
    a, b = 4 * DAY + 10 * 3600, 4 * DAY + 11.5 * 3600

    def both(events, rng):
        return between(a, b, template=0)(events, rng) + [(2 * DAY + 50000 + s, 5) for s in range(100)] \
            + [(d * DAY + 3e4, 5) for d in range(8)]

    trends = find_trends(make_log(edit=both))
    assert {"silence", "burst"} <= set(trends.alerts["kind"])
    assert trends.showcase(2)[0] == 0


def test_hashed_template_ids_and_same_named_sources_count_as_given():
    # Ids a user hashed are sorted, not tabled up to the largest; sources reading the same are one source.
    times = pd.date_range("2024-01-01", periods=40, freq="h")
    frame = pd.DataFrame({"template_id": [2 ** 40, 5] * 20, "template": ["a", "b"] * 20, "timestamp": times,
                          "source": pd.Categorical([1, "1"] * 20)})
    counts = count_templates(frame)
    assert counts.template_ids.tolist() == [5, 2 ** 40]
    assert counts.matrix.sum() == 40
    codes, names = string_codes(frame, "source")
    assert names.tolist() == ["1"] and (codes == 0).all()


@pytest.mark.parametrize("seed", range(10))
def test_gap_quantiles_are_pandas_linear_quantiles_to_the_last_bit(seed):
    # A period feeds alert scores written at full precision: np.quantile rounds some of them differently.
    rng = np.random.default_rng(seed)
    for _ in range(50):
        gaps = np.round(rng.exponential(100.0, size=int(rng.integers(1, 40))), 1)
        table = pd.DataFrame({"code": 0, "gap": gaps})
        expected = table.groupby("code")["gap"].quantile([0.1, 0.5, 0.9]).to_numpy()
        np.testing.assert_array_equal(timeseries._linear_quantiles(gaps, [0.1, 0.5, 0.9]), expected)
    assert np.isnan(timeseries._linear_quantiles(np.zeros(0), [0.5])).all()


@pytest.mark.parametrize("factor", [2, 4])
def test_a_message_that_rises_from_one_day_on_is_a_shift(factor):
    # One retry per ten sessions, then `factor` times as many from day 5: it follows the traffic more closely.
    def rising(events, rng):
        sessions = [t for t, c in events if c == 1]
        odds = [0.1 * factor if t >= 5 * DAY else 0.1 for t in sessions]
        return events + [(t + 5, 5) for t, p in zip(sessions, odds) if rng.random() < p]

    frame = make_log(edit=rising)
    alerts = find_trends(frame).alerts
    shifts = alerts[alerts["kind"] == "shift"]
    assert shifts["template"].tolist() == ["retry connection"]
    shift = shifts.iloc[0]
    assert shift["start"] == T0 + pd.Timedelta(days=5)
    assert 0.75 * factor < shift["observed"] / shift["expected"] < 1.3 * factor
    after = (frame["template"] == "retry connection") & (frame["timestamp"] >= shift["start"])
    assert shift["observed"] == after.sum()  # every line after the split, the day's busiest hours included


def test_a_busier_week_shifts_no_message():
    # Every session twice from day 5: the messages that follow the traffic changed with it, the heartbeat did not.
    def busier(events, rng):
        return events + [(t + 1, c) for t, c in events if c in (1, 2) and t >= 5 * DAY]

    assert "shift" not in kinds(find_trends(make_log(edit=busier)))


def test_a_shift_within_one_day_uses_the_rolling_baseline():
    # One day of steady traffic (within a day a daily rhythm and a shift cannot be told apart).
    rng = np.random.default_rng(4)
    sessions = np.sort(rng.uniform(0, DAY, 2000))
    retries = np.concatenate([np.arange(0, 12 * 3600, 180.0), np.arange(12 * 3600, DAY, 90.0)])
    events = ([(t, 0) for t in np.arange(0, DAY, 600.0)] + [(t, 1) for t in sessions]
              + [(t + 40, 2) for t in sessions if t + 40 < DAY] + [(t + rng.uniform(0, 60), 5) for t in retries])
    trends = find_trends(frame_of(events))
    assert not trends.seasonal
    shifts = trends.alerts[trends.alerts["kind"] == "shift"]
    assert shifts["template"].tolist() == ["retry connection"]
    assert abs(shifts.iloc[0]["start"] - (T0 + pd.Timedelta(hours=12))) <= pd.Timedelta(hours=1)


@pytest.mark.parametrize("day", [0, 7])
def test_a_storm_on_the_first_or_last_day_is_no_shift(day):
    # A steady message with one stormy day at an end of the log: a burst, not a lasting change of rate.
    def storm(events, rng):
        steady = np.arange(0, 8 * DAY, 300.0) + rng.uniform(0, 60, int(8 * DAY / 300))
        return events + [(t, 3) for t in steady] + [(t, 3) for t in day * DAY + rng.uniform(0, DAY, 600)]

    trends = find_trends(make_log(edit=storm))
    assert "shift" not in kinds(trends) and "burst" in kinds(trends, "cache warm")


def test_a_short_busy_log_gets_buckets_of_seconds():
    from logad_utils.timeseries import choose_bucket

    assert choose_bucket(20 * 60, 2000, timed=True) == pd.Timedelta("20s")  # 2,000 lines in 20 minutes
    assert choose_bucket(7 * 86400, 20000, timed=True) == pd.Timedelta("20min")  # as before: a week of 20,000


def _steady(seconds, ids, start="2026-01-05 10:00"):
    """A frame of templates ``ids`` (n,) at ``seconds`` (n,) after ``start``, times kept to the nanosecond."""
    ids = np.asarray(ids, dtype=np.int64)
    return pd.DataFrame({"source": "app.log", "line_no": np.arange(1, len(ids) + 1),
                         "timestamp": pd.Timestamp(start) + pd.to_timedelta(np.asarray(seconds), unit="s"),
                         "blank": False, "template_id": ids, "template": [TEMPLATES[c] for c in ids]})


def test_a_minute_clock_last_minute_is_no_burst():
    # Times written to the minute: the last line's minute is a whole minute of log, not a second of it.
    rng = np.random.default_rng(3)
    minutes = np.repeat(np.arange(360), 30)
    trends = find_trends(_steady(minutes * 60.0, rng.integers(0, 3, len(minutes))))
    assert trends.alerts.empty


def test_a_minute_clock_log_cut_early_in_its_last_minute_is_no_drop():
    # 60 lines a minute written to the minute, the file cut 4 lines into its last minute: it ran a few seconds
    # into that minute, not the whole of it, so its 4 lines there are no drop from 60.
    rng = np.random.default_rng(3)
    minutes = np.r_[np.repeat(np.arange(25), 60), np.full(4, 25)]
    trends = find_trends(_steady(minutes * 60.0, rng.integers(0, 3, len(minutes))))
    assert "drop" not in kinds(trends)


def test_a_log_quiet_before_its_last_lines_ends_alike_with_one_or_two_of_them():
    # Six hours of steady lines, then 30 quiet minutes and the program's last lines in one second (a shutdown's
    # "stopping" and "stopped"): one such line or two, the log lasts as long past them and the same alerts show.
    rng = np.random.default_rng(0)
    seconds = np.sort(rng.uniform(0, 6 * 3600, 10800)).round()
    ids = rng.integers(0, 3, len(seconds))
    alerts = [find_trends(_steady(np.r_[seconds, np.full(k, 6.5 * 3600)], np.r_[ids, np.full(k, 3)])).alerts
              for k in (1, 2)]
    one, two = (sorted(zip(a["kind"], a["template"])) for a in alerts)
    assert ("gone", TEMPLATES[0]) in one and two == one


def test_a_fast_heartbeat_up_to_the_last_line_is_not_gone():
    # A heartbeat every 200 ms to the end of a log with millisecond times: it did not stop.
    beats = np.arange(0, 1800, 0.2)
    rng = np.random.default_rng(4)
    logins = np.sort(rng.uniform(0, 1800, 900))
    seconds = np.concatenate([beats, logins])
    ids = np.concatenate([np.zeros(len(beats), int), np.ones(len(logins), int)])
    order = np.argsort(seconds, kind="stable")
    trends = find_trends(_steady(seconds[order], ids[order]))
    assert "gone" not in kinds(trends) and "drop" not in kinds(trends)


def test_a_file_without_times_does_not_pile_up_at_another_file_last_time():
    # Two files read together: one timed, one without a single time. Its lines have no place on the clock.
    timed = _steady(np.arange(3000) * 10.0, np.arange(3000) % 2)
    untimed = _steady(np.zeros(1000), 2 + np.arange(1000) % 2).assign(source="other.log", timestamp=pd.NaT)
    trends = find_trends(pd.concat([timed, untimed], ignore_index=True))
    assert trends.alerts.empty
    assert trends.counts.matrix.sum() == 3000
    # ... nor between two timed files (it raised "cannot convert float NaN to integer").
    later = _steady(np.arange(3000) * 10.0, np.arange(3000) % 2, start="2026-01-07 10:00").assign(source="c.log")
    trends = find_trends(pd.concat([timed, untimed, later], ignore_index=True))
    assert trends.counts.matrix.sum() == 6000 and trends.counts.exposure.min() >= 0


def test_buckets_start_at_the_first_line_of_a_short_log():
    # A 20-minute log starting at 23:35 needs no buckets for the 23 hours before it.
    rng = np.random.default_rng(0)
    seconds = np.sort(rng.uniform(0, 1200, 20000))
    counts = count_templates(_steady(seconds, rng.integers(0, 3, 20000), start="2026-01-05 23:35"))
    assert len(counts.starts) <= 1201 and counts.starts[0] == pd.Timestamp("2026-01-05 23:35")


def test_a_large_shift_scores_finitely():
    # A template tripling half-way through 20 hours: so sure a shift that scipy's chi-square tail underflows.
    rng = np.random.default_rng(1)
    span = 20 * 3600.0
    parts = [(np.sort(rng.uniform(0, span, rng.poisson(0.5 * span))), 0),
             (np.sort(rng.uniform(0, span, rng.poisson(0.2 * span))), 2),
             (np.sort(rng.uniform(0, span / 2, rng.poisson(0.05 * span))), 1),
             (np.sort(rng.uniform(span / 2, span, rng.poisson(0.15 * span))), 1)]
    seconds = np.concatenate([p for p, _ in parts])
    ids = np.concatenate([np.full(len(p), c) for p, c in parts])
    order = np.argsort(seconds, kind="stable")
    alerts = find_trends(_steady(np.floor(seconds[order]), ids[order])).alerts
    shifts = alerts[alerts["kind"] == "shift"]
    assert len(shifts) and np.isfinite(shifts["score"]).all()


def test_a_log_busy_only_at_its_end_ends_at_its_last_line():
    # Hourly batch lines for 19 hours, then a request every 30 s and a heartbeat every 60 s for two hours, up
    # to the last line: neither stopped, however long the log's mean gap between lines.
    batch = [(h * 3600.0, 0) for h in range(20)]
    busy = [(20 * 3600.0 + k * 30, 1) for k in range(240)] + [(20 * 3600.0 + 7 + k * 60, 2) for k in range(120)]
    seconds, ids = zip(*sorted(batch + busy))
    assert "gone" not in kinds(find_trends(_steady(seconds, ids)))


def test_trends_of_a_frame_without_sources_count_every_line():
    frame = _steady(np.arange(400) * 10.0, np.arange(400) % 3).assign(source=None)
    frame.loc[5, "timestamp"] = pd.NaT
    assert count_templates(frame).matrix.sum() == 400


@pytest.mark.parametrize("untimed", [slice(0, 300), slice(-300, None)])
def test_lines_without_times_before_a_files_first_time_or_after_its_last_have_no_place_on_the_clock(untimed):
    # Another program's lines that missed the format, before or after this one's: piled at the file's first or last
    # time, they made a burst of all lines there. A line without time between two times is still counted.
    frame = _steady(np.arange(1500) * 10.0, np.arange(1500) % 3)
    frame.loc[frame.index[untimed], "timestamp"] = pd.NaT
    frame.loc[700, "timestamp"] = pd.NaT
    assert count_templates(frame).matrix.sum() == 1200
    assert "burst" not in kinds(find_trends(frame))


def _storm_log(seed, span=6 * 3600.0, storm=(2 * 3600.0, 20 * 60.0), factor=10):
    """Seconds and template ids of four steady templates over ``span`` s, template 3 ``factor`` times as busy over
    ``storm`` (start, length)."""
    rng = np.random.default_rng(seed)
    seconds, ids = [], []
    for c, rate in enumerate([0.5, 0.3, 0.1, 0.05]):
        t = rng.uniform(0, span, rng.poisson(rate * span))
        if c == 3:
            a, length = storm
            t = np.concatenate([t, rng.uniform(a, a + length, rng.poisson((factor - 1) * rate * length))])
        seconds.append(t)
        ids.append(np.full(len(t), c))
    seconds, ids = np.concatenate(seconds), np.concatenate(ids)
    order = np.argsort(seconds, kind="stable")
    return seconds[order], ids[order]


@pytest.mark.parametrize("minutes", [20, 90])
def test_a_storm_longer_than_the_rolling_window_is_a_burst_over_its_whole_span(minutes):
    # A 6-hour log: a storm of many buckets would be its own rolling median, and no burst at all.
    seconds, ids = _storm_log(0, storm=(2 * 3600.0, minutes * 60.0))
    alerts = find_trends(_steady(seconds, ids)).alerts
    storm = alerts[(alerts["kind"] == "burst") & (alerts["template_id"] == 3)]
    assert len(storm) == 1
    start = pd.Timestamp("2026-01-05 12:00")
    assert abs(storm["start"].iloc[0] - start) < pd.Timedelta("1min")
    assert abs(storm["end"].iloc[0] - (start + pd.Timedelta(minutes=minutes))) < pd.Timedelta("1min")
    assert storm["observed"].iloc[0] > 5 * storm["expected"].iloc[0]


def test_a_long_storm_without_timestamps_is_a_burst():
    rng = np.random.default_rng(7)
    ids = rng.choice(5, 20000, p=[0.4, 0.3, 0.2, 0.08, 0.02])
    storm = rng.choice([0, 1, 2, 3, 4, 4, 4, 4, 4, 4], 3000)
    ids = np.concatenate([ids[:8000], storm, ids[8000:]])
    frame = _steady(np.zeros(len(ids)), ids).assign(timestamp=pd.NaT)
    alerts = find_trends(frame).alerts
    bursts = alerts[(alerts["kind"] == "burst") & (alerts["template_id"] == 4)]
    assert len(bursts) == 1
    assert bursts["first_line_no"].iloc[0] <= 8100 and bursts["last_line_no"].iloc[0] >= 10900


@pytest.mark.parametrize("seed", range(4))
def test_steady_short_logs_get_no_long_window_burst(seed):
    seconds, ids = _storm_log(100 + seed, factor=1)
    assert "burst" not in kinds(find_trends(_steady(seconds, ids)), "cache warm")


def _rising_morning(seed: int, hours: float = 6.0) -> pd.DataFrame:
    """A log from 06:30 whose traffic (three templates, per minute) rises to its end; a heartbeat a minute."""
    rng = np.random.default_rng(seed)
    minutes = np.arange(int(hours * 60)) + 6.5 * 60
    level = 0.2 + 0.8 * np.exp(-((minutes / 60 - 14) / 4) ** 2)
    events = [(m * 60 + 7, 0) for m in minutes]
    for c, rate in ((1, 20), (2, 2), (3, 0.5)):
        n = rng.poisson(rate * level)
        events += [(t, c) for t in np.repeat(minutes, n) * 60 + rng.uniform(0, 60, n.sum())]
    return frame_of(events)


# Seed 1's six hours end in a false burst: the rolling median's window is one-sided at the log's end, and a
# baseline moved along its slope there cost short-log storms their bursts (benchmarks/bench_trends.py).
@pytest.mark.parametrize("hours, seed", [(6.0, 0), (6.0, 7), (24.0, 0), (24.0, 1), (24.0, 5)])
def test_templates_that_follow_the_daily_traffic_of_a_short_log_have_no_burst_nor_shift(hours, seed):
    assert kinds(find_trends(_rising_morning(seed, hours))) == []


def _batch_job_log(minutes: int, every: int, seed: int = 300) -> pd.DataFrame:
    """20 hours of three steady templates and a job (template 3) busy ``minutes`` every ``every`` hours."""
    rng = np.random.default_rng(seed)
    span = 20 * 3600.0
    parts = [(rng.uniform(0, span, rng.poisson(rate * span)), c) for c, rate in enumerate([0.5, 0.3, 0.1])]
    parts += [(rng.uniform(h * 3600 + 600, h * 3600 + 600 + minutes * 60, rng.poisson(30 * minutes)), 3)
              for h in range(0, 20, every)]
    seconds = np.concatenate([p for p, _ in parts])
    ids = np.concatenate([np.full(len(p), c) for p, c in parts])
    order = np.argsort(seconds, kind="stable")
    return _steady(seconds[order], ids[order])


def test_an_hourly_batch_job_in_a_short_log_is_routine():
    # Five busy minutes every hour for 20 hours: without two days there is no daily profile to expect them by,
    # and every run was a burst of all lines.
    alerts = find_trends(_batch_job_log(5, 1)).alerts
    assert (alerts["kind"] == "burst").sum() <= 1


def test_the_pauses_of_a_two_hourly_batch_job_are_routine():
    # 20 minutes every two hours: the rolling baseline drops at both edges of each 100-minute pause, so the drops
    # come two a period, 36 and 84 minutes apart; there were 20 of them.
    alerts = find_trends(_batch_job_log(20, 2)).alerts
    assert ((alerts["kind"] == "drop") & (alerts["template_id"] == 3)).sum() <= 1


def test_an_outage_off_a_batch_jobs_two_places_is_still_a_drop():
    # Drops at both edges of a job's pauses (0 and 30 minutes into every 2 hours), and one real outage at 12:45
    # into the run: the routine pairs go, the outage stays.
    from logad_utils.timeseries import _without_routine_alerts

    starts = sorted([h * 7200.0 + p for h in range(10) for p in (0.0, 1800.0)] + [12.75 * 3600])
    alerts = [("drop", 3, a, a + 600.0, 9.0, 100.0, 0.0) for a in starts]
    assert [al[2] for al in _without_routine_alerts(alerts, rolling=True)] == [12.75 * 3600]
    assert len(_without_routine_alerts(alerts, rolling=False)) == len(alerts)  # a daily profile expects them


def _steady_events(rng, span, rates=((0, 0.5), (1, 0.3), (2, 0.1)), start=0.0):
    """(seconds, template id) of steady templates at ``rates`` lines/s over ``span`` seconds from ``start``."""
    return [(t, c) for c, rate in rates for t in start + rng.uniform(0, span, rng.poisson(rate * span))]


@pytest.mark.parametrize("seed", range(3))
def test_a_services_start_up_lines_after_a_stop_are_no_burst(seed):
    # 12 hours of a service stopped 06:00-06:30; it writes 40 start-up lines in 20 s when it starts and again when
    # it comes back. Both starts were bursts (of the start-up message and of all lines); the stop is the alert.
    rng = np.random.default_rng(seed)
    events = [(t, c) for t, c in _steady_events(rng, 12 * 3600.0) if not 6 * 3600 <= t < 6.5 * 3600]
    events += [(t, 5) for at in (0.0, 6.5 * 3600) for t in at + rng.uniform(0, 20, 40)]
    alerts = find_trends(frame_of(events)).alerts
    assert "burst" not in alerts["kind"].tolist()
    assert ((alerts["kind"] == "drop") & (alerts["template_id"] == -1)).any()


def test_an_error_storm_as_the_log_opens_is_still_a_burst():
    # A service that fails as it starts writes its errors all at once: a start, but no routine start-up. The same
    # lines at INFO are start-up chatter, left out.
    rng = np.random.default_rng(0)
    events = _steady_events(rng, 12 * 3600.0) + [(t, 5) for t in rng.uniform(0, 90, 600)]
    frame = frame_of(events)
    frame["level"] = np.where(frame["template_id"] == 5, "ERROR", "INFO")
    assert "burst" in kinds(find_trends(frame), TEMPLATES[5])
    frame["level"] = "INFO"
    assert "burst" not in kinds(find_trends(frame), TEMPLATES[5])


def test_a_storm_across_a_size_rotation_is_still_a_burst():
    # A storm fills the file and the log rolls over by size in the middle of it (app-1.log, app-2.log): the second
    # file goes on from the first, and its first lines are no service starting.
    rng = np.random.default_rng(0)
    events = sorted(_steady_events(rng, 12 * 3600.0) + [(t, 5) for t in 6 * 3600 + rng.uniform(0, 90, 600)])
    cut = 6 * 3600 + 45
    frame = pd.concat([frame_of([e for e in events if e[0] < cut], source="app-2024-03-10-1.log"),
                       frame_of([e for e in events if e[0] >= cut], source="app-2024-03-10-2.log")], ignore_index=True)
    assert "burst" in kinds(find_trends(frame), TEMPLATES[5])


@pytest.mark.parametrize("hours", [30, 40])
def test_a_nightly_job_seen_twice_in_a_short_log_is_routine(hours):
    # A job writes 600 lines from 02:00 for 20 minutes each night; a log of under two days holds two runs, too few
    # for a period, and both were bursts of it. The same time of day is the period a job keeps.
    rng = np.random.default_rng(0)
    events = _steady_events(rng, hours * 3600.0)
    events += [(t, 4) for d in range(2) for t in d * DAY + 7200 + rng.uniform(0, 1200, 600)]
    assert "burst" not in kinds(find_trends(frame_of(events)), "config reload")


@pytest.mark.parametrize("hours", [30, 47])
def test_a_nightly_job_seen_twice_in_a_short_log_is_no_shift(hours):
    # 40 lines in 20 s from 02:00 each night: split after the first run, each side held one run, a "level" of 40
    # lines in two hours before and 40 in a day after, and the job was reported as its rate falling for good.
    rng = np.random.default_rng(0)
    events = _steady_events(rng, hours * 3600.0)
    events += [(t, 4) for d in range(2) for t in d * DAY + 7200 + rng.uniform(0, 20, 40)]
    assert "shift" not in kinds(find_trends(frame_of(events)))


def test_bursts_a_day_apart_but_off_the_hour_are_no_routine():
    from logad_utils.timeseries import _without_routine_alerts

    alerts = [("burst", 4, a, a + 600.0, 9.0, 1.0, 600.0) for a in (7200.0, DAY + 7200.0 + 3600)]
    assert len(_without_routine_alerts(alerts, rolling=True, width=60.0)) == 2
    assert _without_routine_alerts(alerts[:1] + [alerts[0][:2] + (DAY + 7200.0,) + alerts[0][3:]], rolling=True,
                                   width=60.0) == []


@pytest.mark.parametrize("seed", [0, 2, 7])
def test_outages_at_irregular_times_are_no_routine(seed):
    # A flaky upstream: one template stops 9 times for 15-30 minutes, at random. Summed two by two, the gaps
    # between its drops looked as steady as a batch job's, and every drop was called routine.
    rng = np.random.default_rng(seed)
    span = 20 * 3600.0
    parts = [(rng.uniform(0, span, rng.poisson(rate * span)), c) for c, rate in enumerate([0.5, 0.3, 0.1])]
    seconds = np.concatenate([p for p, _ in parts])
    ids = np.concatenate([np.full(len(p), c) for p, c in parts])
    off = np.zeros(len(ids), dtype=bool)
    for start in np.sort(rng.choice(np.arange(1, 76) * 900.0, 9, replace=False)):
        off |= (seconds >= start) & (seconds < start + rng.uniform(15, 30) * 60) & (ids == 1)
    order = np.argsort(seconds[~off], kind="stable")
    alerts = find_trends(_steady(seconds[~off][order], ids[~off][order])).alerts
    assert ((alerts["kind"] == "drop") & (alerts["template_id"] == 1)).sum() >= 8


@pytest.mark.parametrize("n", [720, 750])
def test_a_file_that_ends_sooner_has_not_lost_its_templates(n):
    # Two services' logs read together: one ran an hour (or a little more: it ends inside a bucket), the other
    # four. The first one's heartbeat ended with its file, not at the other file's last line.
    short = _steady(np.arange(n) * 5.0, np.zeros(n, int), start="2024-03-11 08:00")
    long = _steady(np.arange(2880) * 5.0, np.ones(2880, int), start="2024-03-11 08:00").assign(source="b.log")
    trends = find_trends(pd.concat([short, long], ignore_index=True))
    assert trends.alerts.empty


@pytest.mark.parametrize("seed", [1, 2, 4])
def test_a_service_that_stops_takes_only_its_share_of_the_messages_the_others_write_too(seed):
    # Three services writing the same messages at different rates, read together; the busiest stops on day 4.
    # Every message the others went on writing read as dropped on every day after.
    rng = np.random.default_rng(seed)

    def service(scale, days, source):
        sessions = traffic(days, rng, scale)
        return frame_of([(t, 1) for t in sessions] + [(t + 40, 2) for t in sessions], source)

    frame = pd.concat([service(1.0, 8, "web.log"), service(0.5, 8, "billing.log"), service(3.0, 4, "search.log")],
                      ignore_index=True)
    assert kinds(find_trends(frame)) == []


def test_gone_says_how_many_lines_a_regular_template_missed():
    # A heartbeat a minute for 18 hours of a 24-hour log: about 360 beats missed, as a silence would say.
    beats = np.arange(0, 18 * 3600, 60.0)
    other = np.arange(0, 24 * 3600, 7.0)
    seconds = np.concatenate([beats, other])
    ids = np.concatenate([np.zeros(len(beats), int), np.ones(len(other), int)])
    order = np.argsort(seconds, kind="stable")
    alerts = find_trends(_steady(seconds[order], ids[order], start="2024-03-11 00:00")).alerts
    [gone] = alerts[alerts["kind"] == "gone"].itertuples()
    assert gone.template_id == 0 and 340 < gone.expected < 370


def test_a_short_regular_job_early_in_a_long_log_is_not_gone():
    job = np.arange(0, 300, 10.0) + 3600
    other = np.arange(0, 24 * 3600, 7.0)
    seconds = np.concatenate([job, other])
    ids = np.concatenate([np.zeros(len(job), int), np.ones(len(other), int)])
    order = np.argsort(seconds, kind="stable")
    assert "gone" not in kinds(find_trends(_steady(seconds[order], ids[order], start="2024-03-11 00:00")))


def test_a_moderate_rise_over_an_hour_is_shown_over_that_hour():
    # 4 lines a minute all day, 1.8 times as many from 13:00 to 14:00: the burst is that hour, not a chance
    # cluster of a few minutes in it.
    rng = np.random.default_rng(7)
    minutes = np.arange(24 * 60)
    counts = rng.poisson(np.where((minutes >= 13 * 60) & (minutes < 14 * 60), 7.2, 4.0))
    seconds = np.sort(np.repeat(minutes * 60.0, counts) + rng.integers(0, 60, counts.sum()))
    alerts = find_trends(_steady(seconds, np.zeros(len(seconds), int), start="2024-03-01 00:00")).alerts
    [burst] = alerts[(alerts["kind"] == "burst") & (alerts["template_id"] == 0)
                     & (alerts["end"] > pd.Timestamp("2024-03-01 13:00"))].itertuples()
    assert abs(burst.start - pd.Timestamp("2024-03-01 13:00")) < pd.Timedelta("5min")
    assert abs(burst.end - pd.Timestamp("2024-03-01 14:00")) < pd.Timedelta("5min")


def test_a_burst_starts_at_its_first_line_to_the_millisecond():
    # A storm whose first line is at .785: the alert says .785, not .784999999.
    span, at = 4 * DAY, 3 * DAY + 3333.785  # four days: buckets from midnight, positions of 262,533 s
    seconds = np.r_[np.arange(0, span, 10.0), np.arange(5, span, 60.0), at + np.arange(300) * 0.2]
    ids = np.r_[np.zeros(int(span / 10), int), np.ones(int(span / 60) + 300, int)]
    order = np.argsort(seconds, kind="stable")
    alerts = find_trends(_steady(seconds[order], ids[order], start="2024-03-01 00:00")).alerts
    [burst] = alerts[(alerts["kind"] == "burst") & (alerts["template_id"] == 1)].itertuples()
    assert burst.start == pd.Timestamp("2024-03-04 00:55:33.785")


def test_a_template_seen_only_in_one_storm_gets_a_burst_of_its_own():
    # A day of steady traffic; at 15:00 a new error floods for five minutes and never comes back. One clump is no
    # measure of its own clump size, and the fit without the storm leaves it no line: it was never expected.
    rng = np.random.default_rng(13)
    steady = [(m * 60.0, 0) for m in range(24 * 60)] + [(t, 1) for t in rng.uniform(0, DAY, 2880)]
    storm = [(15 * 3600.0 + t, 5) for t in rng.uniform(0, 300, 150)]
    seconds, ids = map(np.array, zip(*sorted(steady + storm)))
    alerts = find_trends(_steady(seconds, ids, start="2024-03-01 00:00")).alerts
    [burst] = alerts[(alerts["kind"] == "burst") & (alerts["template_id"] == 5)].itertuples()
    assert burst.observed == 150 and np.isfinite(burst.score) and burst.expected > 0
    assert abs(burst.start - pd.Timestamp("2024-03-01 15:00")) < pd.Timedelta("10s")


def test_a_template_that_stops_with_the_older_rotated_file_is_gone():
    # app.log.1 then app.log, one log rotated at 06:00: the template that never comes back in app.log is gone.
    older = _steady(np.arange(0, 6 * 3600, 10.0), np.arange(2160) % 3).assign(source="app.log.1")
    newer = _steady(np.arange(6 * 3600, 12 * 3600, 10.0), np.arange(2160) % 2).assign(source="app.log")
    alerts = find_trends(pd.concat([older, newer], ignore_index=True)).alerts
    assert "gone" in alerts.loc[alerts["template_id"] == 2, "kind"].tolist()


@pytest.mark.parametrize("bucket", ["20min", "30min"])
def test_a_burst_in_the_last_part_bucket_of_a_short_file_is_found(bucket):
    # A 30-minute file beside a 10-hour one, its template bursting in the bucket the file ends in: that bucket is
    # modelled as far as the file covers it, not left out.
    rng = np.random.default_rng(0)
    steady = _steady(np.sort(rng.uniform(0, 36000, 6000)), np.zeros(6000, int), start="2024-03-10 00:00")
    seconds = np.sort(np.r_[rng.uniform(12000, 13800, 300), rng.uniform(13200, 13260, 3000)])
    short = _steady(seconds, np.ones(len(seconds), int), start="2024-03-10 00:00").assign(source="b.log")
    alerts = find_trends(pd.concat([steady, short], ignore_index=True), bucket=bucket).alerts
    assert "burst" in alerts.loc[alerts["template_id"] == 1, "kind"].tolist()


def test_a_stack_trace_counts_once_however_many_lines_it_has():
    plain = make_log(edit=retry_storm(5 * DAY + 15 * 3600))
    # Each retry an event of ten lines: its header and nine frames, which carry its time and template.
    event = np.repeat(np.arange(len(plain)), np.where(plain["template_id"] == 5, 10, 1))
    traced = plain.iloc[event].reset_index(drop=True)
    traced["line_no"] = np.arange(1, len(traced) + 1)
    starts = np.r_[True, event[1:] != event[:-1]]
    traced["event_line_no"] = pd.Series(np.where(starts, traced["line_no"], np.nan)).ffill().astype(int)
    columns = ["kind", "template", "start", "end", "expected", "observed"]
    assert (traced["event_line_no"] != traced["line_no"]).sum() == 9 * (plain["template_id"] == 5).sum()
    pd.testing.assert_frame_equal(find_trends(traced).alerts[columns], find_trends(plain).alerts[columns])


def test_a_message_drawn_at_random_on_a_fixed_tick_has_no_silences():
    # One of two messages every 5 s, drawn at random: gaps of one tick as often as of two read as a period of
    # 10 s, and each run of eight ticks without it (by chance, hundreds of times) as a silence.
    rng = np.random.default_rng(0)
    ticks = np.arange(0, 1.5 * DAY, 5.0)
    frame = frame_of([(t, int(rng.random() < 0.45)) for t in ticks])
    assert "silence" not in kinds(find_trends(frame))
    beats = frame_of([(t, 0) for t in np.arange(0, 1.5 * DAY, 600.0) if not DAY / 2 <= t < DAY / 2 + 7200])
    assert kinds(find_trends(beats)) == ["silence"]  # a heartbeat's two hours without it still is one


def test_files_a_month_apart_leave_the_month_between_them_out():
    # Two daily logs a month apart: the month between them counted as a month without lines, so every hour of
    # either day was a burst.
    rng = np.random.default_rng(1)

    def day(offset, source):
        sessions = traffic(1, rng)
        return frame_of([(offset + t, 1) for t in sessions] + [(offset + t + 40, 2) for t in sessions], source)

    both = pd.concat([day(0, "app-2024-03-11.log"), day(30 * DAY, "app-2024-04-10.log")], ignore_index=True)
    assert find_trends(both).alerts.empty


def test_a_nightly_job_is_not_gone_after_its_last_run():
    # 200 lines at 02:00 each night in a busy log of two-minute buckets: five buckets a day, so the rate rule
    # expected some every few hours and called the job gone for the 22 hours after its last run.
    rng = np.random.default_rng(2)
    sessions = traffic(3, rng, scale=40.0)
    events = [(t, 1) for t in sessions] + [(t + 40, 2) for t in sessions]
    events += [(t, 0) for t in np.arange(0, 3 * DAY, 600.0) + rng.uniform(1, 9, int(3 * DAY / 600))]
    events += [(d * DAY + 7200 + s, 3) for d in range(3) for s in np.sort(rng.uniform(0, 600, 200))]
    trends = find_trends(frame_of(events))
    assert trends.counts.bucket == pd.Timedelta(minutes=2) and kinds(trends, "cache warm") == []


def test_a_template_that_stops_after_the_host_was_down_for_days_is_gone():
    # The host logged nothing for two days; logins stop for good later. That outage was the template's widest gap,
    # so its end was no longer gone: days the log was silent are no template's absence.
    rng = np.random.default_rng(3)
    down = (2 * DAY, 4 * DAY)
    beats = [(t, 0) for t in np.arange(0, 7 * DAY, 60.0)]
    logins = [(t, 1) for t in np.cumsum(rng.exponential(180, 3000)) if t < 5.5 * DAY]
    api = [(t, 2) for t in np.cumsum(rng.exponential(120, 6000)) if t < 7 * DAY]
    frame = frame_of([(t, c) for t, c in beats + logins + api if not down[0] <= t < down[1]])
    assert "gone" in kinds(find_trends(frame), "card inserted")


def test_without_times_a_stack_trace_is_no_stretch_of_missing_traffic():
    # Lines are the clock without times; counting events only, a 300-frame trace read as 300 lines of no traffic.
    rng = np.random.default_rng(2)
    ids = rng.integers(0, 4, 4000)
    frame = pd.DataFrame({"line_no": np.arange(1, 4001), "template_id": ids, "blank": False,
                          "template": [TEMPLATES[c] for c in ids]})
    trace = np.r_[np.zeros(2000, int), np.ones(300, int), np.zeros(1700, int)].astype(bool)
    frame["template_id"] = np.where(trace, 5, ids)
    frame["template"] = np.where(trace, TEMPLATES[5], frame["template"])
    frame["event_line_no"] = np.where(trace, 2001, frame["line_no"])
    assert "drop" not in kinds(find_trends(frame))


def test_times_as_strings_of_two_utc_offsets_read_in_utc():
    # A zone across its DST change written as ISO strings: pandas refuses to mix offsets, a traceback.
    frame = make_log(days=3)
    frame["timestamp"] += pd.Timestamp("2026-03-27") - T0  # Europe's clocks go forward on 29 March
    zoned = frame["timestamp"].dt.tz_localize("UTC").dt.tz_convert("Europe/Berlin").map(lambda t: t.isoformat())
    assert zoned.str[-6:].unique().tolist() == ["+01:00", "+02:00"]
    pd.testing.assert_frame_equal(find_trends(frame.assign(timestamp=zoned)).alerts, find_trends(frame).alerts)



def test_a_burst_of_several_files_lines_names_no_one_file():
    # Two services' logs read together, the same error storming in both at 02:00: the burst of all lines (and of
    # the error) named the first file's lines and counted both files'.
    rng = np.random.default_rng(5)

    def service(c, source):
        steady = [(t, c) for t in rng.uniform(0, 6 * 3600, 5000)]
        return frame_of(steady + [(7200 + t, 5) for t in rng.uniform(0, 300, 400)], source)

    alerts = find_trends(pd.concat([service(0, "a.log"), service(1, "b.log")], ignore_index=True)).alerts
    bursts = alerts[alerts["kind"] == "burst"]
    assert {ALL_LINES, "retry connection"} <= set(bursts["template"])
    assert (bursts["source"] == "(2 files)").all() and (bursts["first_line_no"] == -1).all()


def test_two_storms_days_apart_in_several_files_are_two_bursts_not_one_over_the_days_between():
    # A package log whose lines come in upgrades of a minute, read beside a small log that writes a few lines at each
    # upgrade: the steadier small log sets the dispersion of all lines, a 16-day window holding two upgrades 11 days
    # apart was likelier than either alone, and the burst of all lines spanned the quiet days between them.
    rng = np.random.default_rng(1)
    days, sizes = (0, 320, 331, 456, 530), (2500, 1400, 400, 500, 1000)
    pkg = [(d * DAY + 7 * 3600 + s, 3) for d, n in zip(days, sizes) for s in rng.uniform(0, 60, n)]
    alt = [(d * DAY + 7 * 3600 + s, 4) for d in days for s in rng.uniform(0, 60, 8)]
    alt += [(t, 2) for t in rng.uniform(0, 531 * DAY, 30)]
    alerts = find_trends(pd.concat([frame_of(pkg, "pkg.log"), frame_of(alt, "alt.log")], ignore_index=True)).alerts
    bursts = alerts[(alerts["kind"] == "burst") & (alerts["template"] == ALL_LINES)]
    assert (bursts["end"] - bursts["start"] < pd.Timedelta(minutes=2)).all()
    assert {T0 + pd.Timedelta(days=d, hours=7) for d in (320, 331)} <= set(bursts["start"])


@pytest.mark.parametrize("period", [120, 180])
def test_a_storm_that_pulses_a_minute_on_and_off_is_one_burst(period):
    # A client retrying every two (three) minutes writes 40 lines in the first minute of each: every lull is as long
    # as the busy minute either side of it, and the storm was cut into weak pieces (none left at a period of 120 s).
    rng = np.random.default_rng(0)
    events = _steady_events(rng, 12 * 3600.0, rates=((0, 0.5), (1, 0.3), (2, 0.1), (5, 0.005)))
    events += [(t, 5) for s in np.arange(5 * 3600, 5 * 3600 + 2400, period) for t in s + rng.uniform(0, 60, 40)]
    alerts = find_trends(frame_of(events), bucket="1min").alerts
    bursts = alerts[(alerts["kind"] == "burst") & (alerts["template"] == TEMPLATES[5])]
    assert len(bursts) == 1 and overlaps(bursts.iloc[0], 5 * 3600, 5 * 3600 + 2400)
    assert bursts.iloc[0]["end"] - bursts.iloc[0]["start"] > pd.Timedelta(minutes=30)


def test_short_busy_files_beside_a_long_sparse_one_are_expected_where_they_run():
    # A package log of 500 days whose lines come in six upgrades, and two services logging steadily for its last
    # two days: the long log's quiet days set the rate of all lines, and the services' days read as a burst of
    # all lines (and a service's only message as a burst of its own, expected over the whole log).
    rng = np.random.default_rng(0)
    upgrades = [(d * DAY + 14 * 3600 + s, 3) for d in (0, 60, 130, 200, 290) for s in rng.uniform(0, 300, 300)]
    upgrades += [(500 * DAY + 1200 + s, 3) for s in rng.uniform(0, 20, 300)]

    def service(c, rate, source):
        return frame_of([(498 * DAY + t, c) for t in rng.uniform(0, 2 * DAY, int(2 * DAY * rate))], source)

    frame = pd.concat([frame_of(upgrades, "pkg.log"), service(1, 1 / 60, "web.log"), service(2, 1 / 90, "api.log")],
                      ignore_index=True)
    alerts = find_trends(frame).alerts
    during = (alerts["start"] >= T0 + pd.Timedelta(days=498)) & (alerts["start"] < T0 + pd.Timedelta(days=500))
    assert alerts[during].empty


@pytest.mark.parametrize("cells", [1, 50, 2_000_000])
def test_the_block_size_changes_no_alert(monkeypatch, cells):
    # Templates are modelled a block at a time to bound memory (a block of 2,000,000 cells held 280 MB): each is
    # modelled alone, so one template a block or all at once must give the same alerts and baselines.
    from logad_utils import timeseries

    log = make_log(edit=retry_storm(5 * DAY + 15 * 3600))
    default = find_trends(log)
    monkeypatch.setattr(timeseries, "_BLOCK_CELLS", cells)
    trends = find_trends(log)
    pd.testing.assert_frame_equal(trends.alerts, default.alerts)
    assert trends.expected.keys() == default.expected.keys()
    for key, values in default.expected.items():
        np.testing.assert_array_equal(trends.expected[key], values)


def test_counting_holds_no_copy_of_the_times_through_its_sort():
    # The counted lines' times (8 bytes a line) were held while the lines were sorted, the step's widest point;
    # reordered all at once, the lines' codes, positions and rows were held twice, and each line's bucket was made
    # twice as int64 (one file's cells as file * buckets + bucket): 79 bytes a line, 66 without the times' copy.
    n = 400_000
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"template_id": rng.integers(0, 50, n).astype(np.int32), "template": "t",
                          "timestamp": pd.Timestamp("2026-01-05") + pd.to_timedelta(np.sort(rng.random(n)) * 5 * 86400,
                                                                                     unit="s")})
    counts, peak = traced_peak(lambda: count_templates(frame))
    assert counts.matrix.sum() == n and peak / n < 61  # bytes a line: 57 now


@pytest.mark.parametrize("names", [["a.log"], ["b.log", "a.log"]])
def test_finding_each_counted_lines_file_hashes_no_line(names):
    # A factorization of every counted line's file: 40 bytes a line, the widest step of counting (26 without).
    n = 1 << 21  # past a block of lines, whose temporaries do not grow with the lines
    frame = pd.DataFrame({"source": pd.Categorical.from_codes(np.arange(n) * len(names) // n, names)})
    pos = np.linspace(0.0, 1000.0, n)
    (files, first, last), peak = traced_peak(
        lambda: timeseries._file_bounds(frame, np.arange(n, dtype=np.int32), pos, 0.0, 1000.0, 1.0))
    assert peak / n < 30 and np.bincount(files).tolist() == [n // len(names)] * len(names)
    assert (first[0], last[-1]) == (0.0, 1000.0)


def test_a_program_appended_to_another_in_one_file_keeps_its_own_span():
    # Five busy days of one program, then another's sparse lines of 18 months before them, in one file (a reader's
    # layouts 1 and 2): the first program's steady lines are neither bursts against the other's months nor new, and
    # the second's templates did not start or stop with the first.
    rng = np.random.default_rng(5)
    busy = _steady(np.arange(0, 5 * DAY, 30.0), rng.integers(0, 3, int(5 * DAY / 30)), start="2026-03-02")
    sparse = _steady(np.sort(rng.uniform(0, 540 * DAY, 3000)), 3 + rng.integers(0, 3, 3000), start="2024-09-01")
    frame = pd.concat([busy.assign(layout="1"), sparse.assign(layout="2")], ignore_index=True)
    frame["line_no"] = np.arange(1, len(frame) + 1)
    assert find_trends(frame).alerts.empty


@pytest.mark.parametrize("rows", [0, 1, 7, 286, 700])
def test_column_medians_are_numpys_nanmedian_to_the_bit(rows):
    # numpy takes a masked-array sort over a short axis and a loop over columns over a long one: the same numbers.
    rng = np.random.default_rng(rows)
    a = np.round(rng.normal(size=(rows, 5, 6)) * rng.integers(1, 4, size=(rows, 5, 6)) * 3.7, rng.integers(0, 3))
    a[rng.random(a.shape) < 0.4] = np.nan
    if rows:
        a[:, 0, :] = np.nan  # columns without a number
        a[:, 1, 0] = -0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # columns without a number
        expected, got = np.nanmedian(a, axis=0), timeseries._nanmedian(a)
    assert got.shape == expected.shape
    assert np.array_equal(got, expected, equal_nan=True) and np.array_equal(np.signbit(got), np.signbit(expected))


def test_modelling_the_templates_holds_few_blocks_of_cells():
    # Blocks of 500,000 cells (buckets × templates) held ~65 MB on top of the counts, the peak of trends on logs of
    # up to a few million lines; the same alerts come in smaller blocks, no slower.
    n = 100_000
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"template_id": rng.integers(0, 100, n).astype(np.int32), "template": "t",
                          "timestamp": pd.Timestamp("2026-01-05") + pd.to_timedelta(
                              np.sort(rng.random(n)) * 100 * 86400, unit="s")})
    trends, peak = traced_peak(lambda: find_trends(frame))
    assert trends.counts.matrix.shape == (2400, 100) and peak < 25 * 2 ** 20  # 35 MiB in blocks of 500,000 cells


def test_gap_alerts_count_occupied_buckets_from_the_matrix_not_per_line():
    # A bucket per line again, and where it changes, held 9 bytes a line beside the active clock's sort (26 at once).
    n = 1 << 21
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"template_id": rng.integers(0, 50, n).astype(np.int32), "template": "t",
                          "timestamp": pd.Timestamp("2026-01-05") + pd.to_timedelta(
                              np.sort(rng.random(n)) * 5 * 86400, unit="s")})
    occ, counts = timeseries._occurrences(frame, None)
    width = counts.bucket.total_seconds()
    _, peak = traced_peak(lambda: timeseries._gap_alerts(occ, counts, width, 3.5, 0.1, np.log(0.001)))
    assert peak / n < 20  # bytes a line: 17 now


def test_an_alert_of_all_lines_sorts_them_without_holding_the_sort():
    # The sort's index of every line (8 bytes a line) was held through the alerts, beside the lines' files: 24 at
    # once; sorted first and let go, 20 a moment, then 16; the index narrowed to int32 before the copies, 17.
    n = 1 << 21
    rng = np.random.default_rng(4)
    frame = pd.DataFrame({"template_id": rng.integers(0, 50, n).astype(np.int32), "template": "t",
                          "line_no": np.arange(1, n + 1, dtype=np.int32),
                          "source": pd.Categorical.from_codes(np.arange(n) * 2 // n, ["a.log", "b.log"]),
                          "timestamp": pd.Timestamp("2026-01-05") + pd.to_timedelta(rng.random(n) * 5 * 86400,
                                                                                     unit="s")})
    occ, counts = timeseries._occurrences(frame, None)
    alerts = [("drop", -1, DAY, DAY + 3600.0, 5.0, 10.0, 1.0)]
    table, peak = traced_peak(lambda: timeseries._alert_table(alerts, occ, counts, frame))
    assert table["source"].tolist() == ["(2 files)"] and peak / n < 18  # bytes a line: 17 now (20)


def test_only_the_alerted_templates_expected_counts_are_held_while_the_table_is_made(monkeypatch):
    # Each tested template's expected counts (100 templates of 9,600 buckets: 7 bytes a line) were held beside the
    # counted lines (16) while the alert table read them, and dropped only after.
    n = 1 << 20
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"template_id": rng.integers(0, 100, n).astype(np.int32), "template": "t",
                          "timestamp": pd.Timestamp("2026-01-05") + pd.to_timedelta(
                              np.sort(rng.random(n)) * 100 * 86400, unit="s")})
    held = []
    table = timeseries._alert_table

    def note(*args):
        held.append(tracemalloc.get_traced_memory()[0])
        return table(*args)

    monkeypatch.setattr(timeseries, "_alert_table", note)
    trends, _ = traced_peak(lambda: find_trends(frame))
    assert held[0] / n < 28 and set(trends.expected) == set(trends.alerts["template_id"]) | {-1}  # 24 now (31)


def test_files_without_times_do_not_put_a_folder_of_timed_logs_on_a_clock_of_lines():
    # A general shape: a folder where untimed logs outnumber timed ones (apt's term.log beside dpkg.log). Half the
    # lines of the files that hold a time decide the clock; the untimed ones, counted too, made every alert one of
    # line positions without a start or end, and put the untimed files on it.
    timed = _steady(np.arange(1000) * 10.0, np.arange(1000) % 2)
    untimed = _steady(np.zeros(3000), 2 + np.arange(3000) % 2).assign(source="other.log", timestamp=pd.NaT)
    trends = find_trends(pd.concat([timed, untimed], ignore_index=True))
    assert trends.counts.timed and trends.counts.matrix.sum() == 1000
