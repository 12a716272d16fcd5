"""Format strings, presets and auto-detection."""
import json
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import LOGHUB, needs_loghub
from logad_utils.formats import (LOGHUB_FORMATS, PRESETS, SEVERITY, FormatError, LogFormat, _representable,
                                 detect_format, get_format, parse_timestamps)
from logad_utils.io import parse_lines


def test_loghub_notation_fields_and_spaces():
    fmt = LogFormat(r"<Date> <Time> <Level> \[<Process>\] <Component>: <Content>")
    frame, ok = fmt.parse(["2015-10-18 18:01:47,978 INFO  [main] org.Foo: hello: world [x]"])
    assert ok.tolist() == [True]
    row = frame.iloc[0]
    assert (row["level"], row["process"], row["component"], row["content"]) == ("INFO", "main", "org.Foo",
                                                                                 "hello: world [x]")
    assert str(row["timestamp"]) == "2015-10-18 18:01:47.978000"


def test_optional_group_does_not_shift_fields():
    fmt = LogFormat(r"<Month> <Date> <Time> <Host> <Component>(\[<PID>\])?: <Content>")
    frame, ok = fmt.parse(["Jun 14 15:16:01 combo sshd(pam_unix)[19939]: auth failure",
                           "Jun  9 06:06:20 combo kernel: Linux version"])
    assert ok.all()
    assert frame["pid"].iloc[0] == "19939" and frame["pid"].isna().tolist() == [False, True]
    assert frame["content"].tolist() == ["auth failure", "Linux version"]


def test_a_given_format_reads_its_first_field_after_the_padding_a_width_gave_it():
    # Seconds since start written to a width ("%9.3f"): "   0.001" above "17458.207"; the padding had made the first
    # field empty and the time the message's first word, so an event split by the width of its time.
    frame, ok = LogFormat("<Elapsed> <Content>").parse(["   0.001 Saving finished", "17458.207 Saving finished"])
    assert ok.all()
    assert frame["elapsed"].tolist() == ["0.001", "17458.207"] and frame["content"].nunique() == 1


@pytest.mark.parametrize("bad", ["<Date> <Time> <Level>", "<Content> <Content>", "<Level> (<Content>",
                                 "x{99999999999} <Content>", "(" * 1500 + "<Content>" + ")" * 1500])
def test_unusable_format_strings_are_errors(bad):
    with pytest.raises(FormatError):
        LogFormat(bad)


def test_unknown_preset_name_is_a_clear_error():
    with pytest.raises(FormatError, match="unknown format"):
        get_format("nosuchpreset")


def test_jsonl_with_configurable_key():
    fmt = get_format("jsonl", json_key="msg")
    frame, ok = fmt.parse([json.dumps({"msg": "disk full", "level": "ERROR", "logger": "fs",
                                       "time": "2024-01-02T03:04:05Z"}), "not json"])
    assert ok.tolist() == [True, False]
    assert frame.loc[0, ["content", "level", "component"]].tolist() == ["disk full", "ERROR", "fs"]
    assert frame.loc[1, "content"] == "not json"
    assert frame["timestamp"].notna().tolist() == [True, False]


@pytest.mark.parametrize("line, name", [
    ("10:15:02  0042 DISPENSER Cash presented", "atm"),
    ("<34>1 2024-10-11T22:14:15.003Z host app 123 ID47 - message here", "syslog5424"),
    ("Oct 11 22:14:15 myhost sshd[42]: Accepted publickey", "syslog"),
    ("2024-01-02 03:04:05,123 ERROR something broke", "generic"),
    ("[Sun Dec 04 04:47:44 2005] [error] mod_jk child in error state 6", "apache"),
    ('{"message": "hello", "level": "info"}', "json"),
    ("type=SYSCALL msg=audit(1796119200.076:24288): arch=c000003e syscall=59 success=yes exit=0", "auditd"),
    ('10.0.0.1 - - [01/Dec/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 612', "access"),
    ("1796119200.651    477 10.0.0.9 TCP_DENIED/403 3916 GET http://example.com/ - HIER_NONE/- text/html", "squid"),
    ("I, [2026-12-01T10:00:01.639667 #41234]  INFO -- : [2493cc73] Started GET /", "ruby"),
    ("[01-Dec-2026 10:00:06 UTC] PHP Warning:  Undefined array key \"qty\" in /var/www/a.php on line 2", "php"),
    ("2026/12/01 10:00:01 [error] 2871#2871: *5371 connect() failed (111: Connection refused)", "nginx_error"),
    ("[W 240305 08:59:03 web:2271] 404 GET /x (127.0.0.1) 0.61ms", "tornado"),
    ("[I 2024-03-05 08:59:03.433 ServerApp] Kernel started: d23f0824-128b-4f33-8c5c-7fd0a6a3a450", "jupyter"),
    ("[I 08:59:03.433 NotebookApp] Kernel started: d23f0824-128b-4f33-8c5c-7fd0a6a3a450", "notebook"),
    ('<![LOG[Domain joined client is in Intranet]LOG]!><time="07:12:04.320-60" date="03-04-2024" '
     'component="LocationServices" context="" type="1" thread="4620" file="lsmpcache.cpp:1063">', "cmtrace"),
    ("just some words", "raw"),
])
def test_auto_detects_presets(line, name):
    assert detect_format([line] * 5).name == name


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=60), min_size=0, max_size=20), st.sampled_from(sorted(PRESETS)))
def test_any_line_becomes_exactly_one_row(lines, preset):
    lines = [s.replace("\n", " ").replace("\r", " ") for s in lines]
    frame, ok = PRESETS[preset].parse(lines)
    assert len(frame) == len(lines) == len(ok)
    for line, content, matched in zip(lines, frame["content"], ok):
        assert matched or content == line


@needs_loghub
@pytest.mark.parametrize("system", LOGHUB_FORMATS)
def test_loghub_format_strings_give_the_structured_content(system):
    import pandas as pd

    from logad_utils.io import read_logs

    frame = read_logs(LOGHUB / system / f"{system}_2k.log", fmt=LOGHUB_FORMATS[system], warn=False)
    truth = pd.read_csv(LOGHUB / system / f"{system}_2k.log_structured.csv")
    assert len(frame) == len(truth) == 2000
    assert (frame["content"].str.strip() == truth["Content"].astype(str).str.strip()).mean() == 1.0


def test_timestamps_with_mixed_offsets_and_leap_days():
    frame, ok = PRESETS["generic"].parse(["2024-03-31T01:59:59+01:00 INFO a", "2024-03-31T03:00:01+02:00 INFO b"])
    assert ok.all() and [str(t) for t in frame["timestamp"]] == ["2024-03-31 00:59:59", "2024-03-31 01:00:01"]
    frame, _ = PRESETS["syslog"].parse(["Feb 29 00:00:01 host sshd[12]: b"])
    assert (frame["timestamp"].dt.month.tolist(), frame["timestamp"].dt.day.tolist()) == ([2], [29])


def test_day_366_of_a_year_of_365_days_is_no_date():
    # An ordinal date (YYDDD) with day 366 of 2023 read as 1 January 2024: a wrong time, not a missing one.
    times = parse_timestamps([["23366 10:00:00", "24366 10:00:00", "24001 10:00:00"]], "%y%j %H:%M:%S")
    assert pd.isna(times[0])
    assert times[1:3].tolist() == [pd.Timestamp("2024-12-31 10:00"), pd.Timestamp("2024-01-01 10:00")]
    times = parse_timestamps([["2023366 10:00:00", "2024001 10:00:00"]], "%Y%j %H:%M:%S")
    assert pd.isna(times[0]) and times[1] == pd.Timestamp("2024-01-01 10:00")


def test_lines_that_miss_a_preset_or_a_given_format_keep_their_leading_fields():
    # syslog's own restart line names its program with a space: it misses the layout, yet its time and host are
    # there, and its message is what follows them (not the whole line, with its date, as a message of no time).
    lines = ["Jun 19 04:09:02 combo cups: cupsd startup succeeded", "Jun 19 04:09:11 combo syslogd 1.4.1: restart."]
    frame, matched = PRESETS["syslog"].parse(lines)
    assert matched.tolist() == [True, False]
    assert frame["timestamp"].iloc[1] == pd.Timestamp("2000-06-19 04:09:11")
    assert (frame["host"].iloc[1], frame["content"].iloc[1]) == ("combo", "syslogd 1.4.1: restart.")
    # A line with no host there keeps its first word: a word no matched line has as its host is the message's.
    frame, matched = PRESETS["syslog"].parse([*lines, "Jun 19 04:09:12 --- last message repeated 3 times ---"])
    assert not matched[2] and pd.isna(frame["host"].iloc[2])
    assert frame["content"].iloc[2] == "--- last message repeated 3 times ---"
    # Told by its shape, not by the other lines: alone in a chunk (a Dask partition) such lines read the same.
    alone, _ = PRESETS["syslog"].parse(["Jun 19 04:09:12 --- last message repeated 3 times ---",
                                        "Jun 19 04:09:13 web7 syslogd 1.4.1: restart."])
    assert alone["content"].tolist() == ["--- last message repeated 3 times ---", "syslogd 1.4.1: restart."]
    assert alone["host"].iloc[1] == "web7"
    # A user's format whose component a line lacks: its time and level still read, the rest its message.
    fmt = LogFormat("<Date> <Time> <Level> <Component>: <Content>")
    frame, matched = fmt.parse(["2026-12-01 10:00:00 INFO api: ok", "2026-12-01 10:00:01 ERROR out of memory"])
    assert not matched[1] and frame["level"].iloc[1] == "ERROR" and frame["content"].iloc[1] == "out of memory"
    assert frame["timestamp"].iloc[1] == pd.Timestamp("2026-12-01 10:00:01") and pd.isna(frame["component"].iloc[1])


def test_kubernetes_container_logs_are_read_by_their_preset():
    lines = [f"2026-12-01T10:00:{i:02d}.{i:09d}Z {('stdout', 'stderr')[i % 2]} F request {i} done in {i * 7} ms"
             for i in range(20)]
    fmt = detect_format(lines)
    assert fmt.name == "cri"
    frame, matched = fmt.parse(lines)
    assert matched.all() and frame["content"].tolist()[1] == "request 1 done in 7 ms"
    assert frame["stream"].tolist()[:2] == ["stdout", "stderr"]
    assert frame["timestamp"][3] == pd.Timestamp("2026-12-01 10:00:03.000000003")


def _app_line(i: int) -> str:
    level = ("info", "warn", "error")[i % 3]
    return json.dumps({"level": level, "ts": 1764583200 + i, "caller": f"api/h.go:{i % 9}",
                       "msg": ("request served", "cache miss", "db timeout")[i % 3], "user": i % 7})


def test_json_messages_under_a_runtime_header_are_read_as_json():
    # An app's JSON lines in Kubernetes container logs, and one plain line among them.
    lines = [f"2026-12-01T10:00:{i:02d}.000000001Z stdout F " + (_app_line(i) if i != 5 else "panic: boom")
             for i in range(30)]
    fmt = detect_format(lines)
    assert fmt.name == "cri+json" and fmt.json_messages and get_format("cri+json").json_messages
    frame, matched = fmt.parse(lines)
    assert matched.all() and list(frame.columns) == fmt.columns
    assert frame["content"].tolist()[:6] == ["request served", "cache miss", "db timeout", "request served",
                                            "cache miss", "panic: boom"]
    assert frame["level"].tolist()[:6] == ["info", "warn", "error", "info", "warn", None]
    assert frame["timestamp"][1] == pd.Timestamp("2026-12-01 10:00:01.000000001")  # the runtime's time stays
    # Docker's json-file driver: the app's line (and its newline) in "log".
    docker = [json.dumps({"log": _app_line(i) + "\n", "stream": "stdout", "time": f"2026-12-01T10:00:{i:02d}Z"})
              for i in range(30)]
    fmt = detect_format(docker)
    frame, matched = fmt.parse(docker)
    assert fmt.name == "json+json" and matched.all() and frame["content"].tolist()[:2] == ["request served",
                                                                                         "cache miss"]
    # Plain messages keep the header's format as it is.
    assert detect_format([f"2026-12-01T10:00:{i:02d}Z stdout F served {i}" for i in range(30)]).name == "cri"


def test_a_program_header_after_a_runtime_time_is_read_as_the_program_s():
    # docker logs -t / kubectl logs --timestamps: the runtime's time, then the program's line with a header of its
    # own (Go's log: a date and no level; nginx's error log; JSON lines). The runtime's time is the line's.
    runtime = "2024-03-11T09:14:{i:02d}.123456789Z "
    inner = {"go": "2024/03/11 09:14:{i:02d} listening on :{i}",
             "nginx": "2024/03/11 09:14:{i:02d} [{level}] 31#31: *{i} open() failed, client: 10.0.0.{i}",
             "json": '{{"time": "2024-03-11T09:14:{i:02d}Z", "level": "{level}", "msg": "job {i} done"}}'}
    for name, layout in inner.items():
        lines = [runtime.format(i=i) + layout.format(i=i, level=("error", "warn")[i % 2]) for i in range(40)]
        frame, matched = detect_format(lines).parse(lines)
        assert matched.all(), name
        assert frame["timestamp"][7] == pd.Timestamp("2024-03-11 09:14:07.123456789"), name
        assert not frame["content"].str.contains("2024").any(), name  # the program's date is no part of the message
        assert set(frame.columns) <= {"timestamp", "level", "pid", "thread", "connection", "component", "content"}
        if name != "go":
            assert frame["level"].tolist()[:2] == ["error", "warn"], name
    assert frame["content"][3] == "job 3 done"


def test_json_messages_are_read_line_by_line_and_change_only_message_level_and_logger():
    # A payload without a message key stays the message, whole.
    payloads = [f'2026-01-01 10:00:{i:02d} INFO api: {{"user": "u{i}", "status": "OK"}}' for i in range(30)]
    assert not detect_format(payloads).json_messages
    # A few JSON lines read as many do: the same line, the same fields, whatever the rest of the file.
    line = '2026-01-01 10:00:09 ERROR api: {"msg": "db down", "stream": "app1", "logger": "db.pool"}'
    plain = [f"2026-01-01 10:00:{i:02d} INFO api: served {i}" for i in range(9)]
    for lines in (plain[:3] + [line] * 3 + plain, [line] * 40):
        fmt = detect_format(lines)
        frame, _ = fmt.parse(lines)
        row = frame.iloc[lines.index(line)]
        # The header's level and component stay: a payload's logger or name is data there.
        assert fmt.json_messages and (row["content"], row["level"], row["component"]) == ("db down", "ERROR", "api")
        assert "stream" not in frame  # other keys of the message touch no column
    # Levels that are no level number are kept as text, whatever they are; none stops the read.
    odd = [f'2026-12-01T10:00:0{i}Z stdout F {{"msg": "m{i}", "level": {v}}}'
           for i, v in enumerate(["1e999", "NaN", "-1e400", "30", "true", '"warn"'])]
    frame, matched = detect_format(odd).parse(odd)
    assert matched.all() and frame["level"].tolist() == ["Infinity", "NaN", "-Infinity", "INFO", None, "warn"]


def test_logfmt_messages_under_a_header_are_read_as_pairs():
    # A Go service's logfmt lines under syslog's header (journald forwarding it), and under a plain timestamp.
    levels = ["info", "warn", "error"]
    pairs = [f'level={levels[i % 3]} msg="job {i} done" logger=worker worker=w{i % 4}' for i in range(30)]
    for head in ("Mar 11 10:00:{i:02d} host app[812]: ", "2024-03-11 10:00:{i:02d} "):
        lines = [head.format(i=i) + p for i, p in enumerate(pairs)]
        lines[5] = head.format(i=5) + "panic: boom"  # a plain message among them stays as it is
        frame, matched = detect_format(lines).parse(lines)
        assert matched.all() and frame["timestamp"].notna().all()
        assert frame["content"].tolist()[:6] == ["job 0 done", "job 1 done", "job 2 done", "job 3 done",
                                                "job 4 done", "panic: boom"]
        assert frame["level"].tolist()[:6] == ["info", "warn", "error", "info", "warn", None]
    # Pairs without a message key, or a message that only opens with a pair, stay the message, whole.
    lines = [f"2024-03-11 10:00:{i:02d} user=u{i} status=ok" for i in range(30)]
    assert detect_format(lines).parse(lines)[0]["content"].iloc[3] == "user=u3 status=ok"
    lines = [f'2024-03-11 10:00:{i:02d} id={i} msg="sent" then retried' for i in range(30)]
    assert detect_format(lines).parse(lines)[0]["content"].iloc[3] == 'id=3 msg="sent" then retried'
    # Pairs whose message key is no msg= or message= keep every pair: log= is a file there.
    rotated = [f"Mar 11 10:00:{i:02d} host app[1]: level=info log=/var/log/app{i}.log status=rotated"
               for i in range(30)]
    frame = detect_format(rotated).parse(rotated)[0]
    assert frame["content"].iloc[3] == "level=info log=/var/log/app3.log status=rotated"
    # Pairs with no level are a record's fields, as auditd writes them: its msg= is no message.
    audit = [f"Mar 11 10:00:{i:02d} host audit[1]: type=USER_LOGIN msg=audit(1710151200.{i:03d}:{i}): pid={i} "
             f"uid=0 msg=op=login res=failed" for i in range(30)]
    assert detect_format(audit).parse(audit)[0]["content"].iloc[3].startswith("type=USER_LOGIN msg=audit(")


def test_a_message_level_outranks_a_syslog_priority_which_stays_where_the_message_has_none():
    # A Go service through syslog: priority 14 (user.info) on every line, whatever the program's own level.
    levels = ["error", "info", "warn"]
    for message in ('level={} msg="db down" worker=w1', '{{"level": "{}", "msg": "db down"}}'):
        lines = [f"<14>Mar 11 10:00:{i:02d} host app[812]: " + message.format(levels[i % 3]) for i in range(30)]
        lines[4] = "<11>Mar 11 10:00:04 host app[812]: plain message"  # user.err, and no level of its own
        frame, matched = detect_format(lines).parse(lines)
        assert matched.all() and frame["content"].iloc[0] == "db down"
        assert frame["level"].tolist()[:5] == ["error", "info", "warn", "error", "ERROR"]


def test_a_console_line_that_opens_with_a_level_has_it_and_keeps_its_text():
    # A CI job's output: a runner's time, or none, on every line; a level only on the few lines that mark one.
    out = [f"step {i} ok" for i in range(20)] + ["##[warning]src/a.ts:3:5: unused import", "Error: plan failed",
                                                 "ERROR: Job failed: exit code 1", "[info] cache restored"]
    for lines in (out, [f"2024-03-11T09:14:{i:02d}.1234567Z {line}" for i, line in enumerate(out)]):
        frame = parse_lines(lines)
        assert frame["level"].tolist()[20:] == ["warning", "Error", "ERROR", "info"]
        assert frame["level"].isna().sum() == 20
        assert frame["content"].tolist()[20:] == out[20:]


def test_a_component_that_is_a_level_word_alone_is_the_level_and_a_name_that_holds_one_stays_a_component():
    # A tool's console under a <Component>: layout prints its failures as "Error: ...", not as a program's name.
    lines = ["scheduler: job 17 queued", "worker: job 17 started", "Error: Apply failed", "worker: job 17 finished",
             "scheduler: job 18 queued", "Warning: Value for undeclared variable", "worker: job 18 started",
             "ErrorHandler: handled 3 errors", "error_reporter: sent report", "WARN-monitor: disk at 91%"]
    frame = parse_lines([f"2024-03-11 10:00:{i:02d} {line}" for i, line in enumerate(lines)])
    assert frame["component"].tolist()[2:] == [None, "worker", "scheduler", None, "worker", "ErrorHandler",
                                               "error_reporter", "WARN-monitor"]
    assert frame["level"].fillna("").tolist()[2:6] == ["Error", "", "", "Warning"] and frame["level"].isna().sum() == 8
    assert frame["content"].tolist()[2] == "Apply failed" and frame["parsed"].all()
    # A header's own level stays; its component is then the line's, whatever it reads.
    frame, _ = LogFormat(r"<Level> <Component>: <Content>").parse(["INFO Error: retried", "WARN x: y"])
    assert frame[["level", "component"]].values.tolist() == [["INFO", "Error"], ["WARN", "x"]]


def test_a_syslog_priority_gives_the_level_and_a_byte_order_mark_opens_no_message():
    lines = ["<134>1 2026-12-01T10:00:03.875Z web-1 authd 928 - - \ufeffuser u46 logged in",
             "<10>1 2026-12-01T10:00:04Z web-1 authd 928 - - disk failure", "<7>1 2026-12-01T10:00:05Z a b 1 - - x"]
    frame, ok = PRESETS["syslog5424"].parse(lines)
    assert ok.all() and frame.columns.tolist() == PRESETS["syslog5424"].columns
    assert frame["level"].tolist() == ["INFO", "CRIT", "DEBUG"]  # local0.info, user.crit, kern.debug
    assert frame["content"].tolist() == ["user u46 logged in", "disk failure", "x"]


def test_numeric_levels_read_as_syslog_severities_or_pino_levels_digits_or_numbers():
    journal = [json.dumps({"MESSAGE": "unit failed", "PRIORITY": "3", "_SYSTEMD_UNIT": "a.service"}),
               json.dumps({"MESSAGE": "started", "PRIORITY": "6", "_SYSTEMD_UNIT": "a.service"})]
    pino = [json.dumps({"msg": "slow", "level": 40, "time": 1764583202000})]
    assert detect_format(journal * 3).parse(journal)[0]["level"].tolist() == ["ERROR", "INFO"]
    assert detect_format(pino * 3).parse(pino)[0]["level"].tolist() == ["WARN"]


def test_a_level_key_counts_up_unless_it_is_a_priority_and_a_lower_case_pri_gives_the_level_too():
    lines = [json.dumps({"msg": "x", "level": 2, "ts": 1764583200}), json.dumps({"msg": "y", "level": 50,
                                                                            "ts": 1764583201})]
    assert detect_format(lines * 3).parse(lines)[0]["level"].tolist() == ["2", "ERROR"]
    gelf = [json.dumps({"version": "1.1", "host": "web-1", "short_message": "disk full", "level": 3,
                        "timestamp": 1764583200.5}), json.dumps({"msg": "ok", "severity": 30, "ts": 1764583200})]
    assert [detect_format([line] * 3).parse([line])[0]["level"].iloc[0] for line in gelf] == ["ERROR", "INFO"]
    fmt = LogFormat("<<pri>><Content>")
    frame, _ = fmt.parse(["<11>disk failure"])
    assert fmt.columns == frame.columns.tolist() and frame["level"].tolist() == ["ERROR"]


def test_a_time_beyond_2262_survives_a_retry_of_fractions_in_its_chunk():
    # A time no nanosecond clock holds (a sentinel, Go's zero time) is no time; the chunk's other times still read.
    frame, _ = LogFormat("<Date> <Time> <Content>", time_format="%Y-%m-%d %H:%M:%S").parse(
        ["9999-12-31 23:59:59 sentinel", "2026-12-01 10:00:00.5 half", "2026-13-01 10:00:00 bad month",
         "0001-01-01 00:00:00 zero time"])
    assert pd.isna(frame["timestamp"].iloc[0]) and frame["timestamp"].iloc[1] == pd.Timestamp("2026-12-01 10:00:00.5")
    assert frame["timestamp"].iloc[2:].isna().all()
    # With nanoseconds to retry too, the others are kept to the microsecond.
    frame, _ = LogFormat("<Date> <Time> <Content>", time_format="%Y-%m-%d %H:%M:%S").parse(
        ["9999-12-31 23:59:59 sentinel", "2026-12-01 10:00:00.123456789 fine"])
    assert pd.isna(frame["timestamp"].iloc[0])
    assert frame["timestamp"].iloc[1] == pd.Timestamp("2026-12-01 10:00:00.123456")


@pytest.mark.parametrize("unit", ["s", "ms", "us"])
def test_times_a_nanosecond_clock_cannot_hold_are_told_in_their_own_unit_as_pandas_tells_them(unit):
    # The bounds read in the times' unit (the nearest values inside them) leave out what pandas' comparison with the
    # nanosecond bounds leaves out: the values about each bound, the extremes of the unit's range, NaT.
    per = {"s": 10**9, "ms": 10**6, "us": 10**3}[unit]
    near = [c + d for b in (pd.Timestamp.min.value, pd.Timestamp.max.value) for c in (b // per,) for d in range(-3, 4)]
    extremes = [-(2**63) + 1, 2**63 - 1, -1, 0, 1]
    spread = np.random.default_rng(0).integers(-(2**63) + 1, 2**63 - 1, 2000).tolist()
    values = np.array(near + extremes + spread, dtype=np.int64).view(f"M8[{unit}]").copy()
    values[::7] = np.datetime64("NaT")
    times = pd.Series(values)
    outside = (times < pd.Timestamp.min) | (times > pd.Timestamp.max)
    assert 0 < outside.sum() < len(times)
    assert _representable(times).equals(times.mask(outside))


def test_seconds_with_a_fraction_the_layout_lacks_still_read():
    lines = ["[Tue Dec 01 10:00:00.596057 2026] [core:error] [pid 9398:tid 3126] AH00037: link not allowed",
             "[Sun Dec 04 04:47:44 2005] [error] mod_jk child in error state 6"]
    frame, ok = PRESETS["apache"].parse(lines)
    assert ok.all() and frame["timestamp"].tolist() == [pd.Timestamp("2026-12-01 10:00:00.596057"),
                                                         pd.Timestamp("2005-12-04 04:47:44")]


def test_auditd_records_keep_their_time_to_the_millisecond_and_their_type():
    lines = [f"type={kind} msg=audit(1796119200.{i:03d}:{24288 + i}): pid={i} res=success"
             for i, kind in enumerate(["SYSCALL", "CWD", "PATH"] * 3)]
    fmt = detect_format(lines)
    frame, ok = fmt.parse(lines)
    assert fmt.name == "auditd" and ok.all() and frame["type"].tolist()[:3] == ["SYSCALL", "CWD", "PATH"]
    assert frame["timestamp"].iloc[1] == pd.Timestamp("2026-12-01 10:00:00.001")


def test_access_logs_read_the_request_and_status_as_the_message_and_the_status_as_the_level():
    lines = ['1.2.3.4 - alice [01/Dec/2026:10:00:00 +0100] "POST /api/pay HTTP/1.1" 504 160 "https://a/b" '
             '"Mozilla/5.0 (X11) Chrome/120.0.0.0" rt=60.001 uct="0.001"',
             '1.2.3.5 - - [01/Dec/2026:10:00:01 +0000] "GET /q?x=\\"1\\" HTTP/1.1" 404 - "-" "curl/8.0"',
             '1.2.3.6 - - [01/Dec/2026:10:00:02 +0000] "GET / HTTP/1.0" 200 5']
    fmt = detect_format(lines)
    frame, ok = fmt.parse(lines)
    assert fmt.name == "access" and ok.all()
    assert frame["content"].tolist() == ['"POST /api/pay HTTP/1.1" 504', '"GET /q?x=\\"1\\" HTTP/1.1" 404',
                                         '"GET / HTTP/1.0" 200']
    assert frame["level"].tolist() == ["ERROR", "WARNING", "INFO"]
    assert frame["timestamp"].iloc[0] == pd.Timestamp("2026-12-01 09:00:00")
    assert frame["agent"].iloc[0] == "Mozilla/5.0 (X11) Chrome/120.0.0.0"
    assert frame["rest"].iloc[0] == 'rt=60.001 uct="0.001"'


def test_tornado_and_jupyter_read_the_letter_time_and_logger_in_one_bracket():
    frame, ok = PRESETS["jupyter"].parse(["[C 2024-03-05 08:59:12.106 JupyterHub app:2859] Failed to start proxy",
                                          "[I 2024-03-05 08:59:13.002 ServerApp] Kernel started: abc"])
    assert ok.all()
    assert frame["level"].tolist() == ["C", "I"]
    assert frame["component"].tolist() == ["JupyterHub app:2859", "ServerApp"]
    assert frame["content"].tolist() == ["Failed to start proxy", "Kernel started: abc"]
    assert frame["timestamp"].tolist() == [pd.Timestamp("2024-03-05 08:59:12.106"),
                                           pd.Timestamp("2024-03-05 08:59:13.002")]
    assert SEVERITY["C"] == SEVERITY["CRITICAL"]
    frame, ok = PRESETS["tornado"].parse(["[W 240305 08:59:03 web:2271] 404 GET /x (127.0.0.1) 0.61ms"])
    assert ok.all() and frame.loc[0, "component"] == "web:2271"
    assert frame.loc[0, "timestamp"] == pd.Timestamp("2024-03-05 08:59:03")  # year, month, day; not day first


def test_nginx_error_reads_pid_thread_and_connection_out_of_the_message():
    lines = ["2026/12/01 10:00:01 [error] 2871#2872: *5371 connect() failed (111: Connection refused)",
             "2026/12/01 10:00:02 [notice] 1#1: signal process started"]
    frame, ok = PRESETS["nginx_error"].parse(lines)
    assert ok.all() and frame["content"].tolist() == ["connect() failed (111: Connection refused)",
                                                      "signal process started"]
    assert frame["thread"].tolist() == ["2872", "1"] and frame["connection"].tolist() == ["5371", None]
    assert frame["timestamp"].iloc[1] == pd.Timestamp("2026-12-01 10:00:02")


def test_squid_keeps_the_result_code_in_the_message_and_reads_the_status_as_the_level():
    lines = ["1796119200.651    477 10.0.0.9 TCP_MISS/200 7416 GET http://example.com/ - HIER_DIRECT/1.2.3.4 text/html",
             "1796119201.002      0 10.0.0.9 TCP_DENIED/403 3916 GET http://bad.example/ - HIER_NONE/- text/html"]
    frame, ok = PRESETS["squid"].parse(lines)
    assert ok.all() and frame["level"].tolist() == ["INFO", "WARNING"]
    assert frame["content"].iloc[1].startswith("TCP_DENIED/403 3916 GET") and frame["code"].iloc[1] == "TCP_DENIED"
    assert frame["timestamp"].iloc[0] == pd.Timestamp("2026-12-01 10:00:00.651")


def test_cmtrace_reads_the_header_that_follows_the_message():
    lines = ['<![LOG[DTSJob {154E6B99} encountered error 0x80190194]LOG]!><time="17:34:06.951+120" date="03-14-2024" '
             'component="DataTransferService" context="" type="3" thread="8840" file="dtsjob.cpp:2741">',
             '<![LOG[Calling back with locations for location request {5A3E}]LOG]!><time="07:12:04.311-60" '
             'date="03-04-2024" component="LocationServices" context="" type="1" thread="4620" file="lsad.cpp:2746">']
    frame = parse_lines(lines)
    assert frame["content"].tolist() == ["DTSJob {154E6B99} encountered error 0x80190194",
                                         "Calling back with locations for location request {5A3E}"]
    assert frame["timestamp"].tolist() == [pd.Timestamp("2024-03-14 17:34:06.951"),
                                           pd.Timestamp("2024-03-04 07:12:04.311")]
    assert frame["component"].tolist() == ["DataTransferService", "LocationServices"]
    assert frame["level"].tolist() == ["ERROR", "INFO"] and frame["bias"].tolist() == ["+120", "-60"]
    assert frame["file"].iloc[0] == "dtsjob.cpp:2741" and frame["thread"].iloc[1] == "4620"


def test_cmtrace_lines_without_a_file_attribute_match():
    # Scripts that write CMTrace's layout leave the source file out.
    lines = [f'<![LOG[Step {i}]LOG]!><time="07:12:0{i}.311-60" date="03-04-2024" component="Script" context="" '
             f'type="{t}" thread="1"{f}>' for i, (t, f) in enumerate(
                 [("1", ' file="a.cpp:1"'), ("3", ""), ("1", ' file="a.cpp:2"'), ("2", "")])]
    frame, ok = PRESETS["cmtrace"].parse(lines)
    assert ok.all() and frame["level"].tolist() == ["INFO", "ERROR", "INFO", "WARNING"]
    assert frame["content"].iloc[1] == "Step 1" and pd.isna(frame["file"].iloc[1])
    assert frame["file"].iloc[2] == "a.cpp:2" and detect_format(lines).name == "cmtrace"


def test_cmtrace_types_are_levels_severity_ranks():
    from logad_utils.features import severity

    lines = [f'<![LOG[Step {t}]LOG]!><time="07:12:04.311-60" date="03-04-2024" component="C" context="" type="{t}" '
             'thread="1" file="a.cpp:1">' for t in "1239"]
    frame = parse_lines(lines)
    assert frame["level"].tolist() == ["INFO", "WARNING", "ERROR", "9"]
    assert severity(frame["level"]).tolist() == [0, 1, 2, 0]


def test_ruby_logger_lines_with_and_without_a_program_name():
    lines = ["I, [2026-12-01T10:00:01.639667 #41234]  INFO -- : Started GET /products",
             "E, [2026-12-01T10:00:02.000001 #41234] ERROR -- sidekiq: Job raised RuntimeError",
             "F, [2026-12-01T10:00:03.5 #41234] FATAL -- : "]
    frame, ok = detect_format(lines).parse(lines)
    assert ok.all() and frame["level"].tolist() == ["INFO", "ERROR", "FATAL"]
    assert frame["component"].tolist()[1] == "sidekiq" and frame["content"].tolist()[:2] == [
        "Started GET /products", "Job raised RuntimeError"]
    assert frame["pid"].eq("41234").all() and frame["timestamp"].iloc[2] == pd.Timestamp("2026-12-01 10:00:03.5")


def test_php_error_log_levels_and_their_severity():
    from logad_utils.features import severity

    lines = ["[01-Dec-2026 10:00:06 UTC] PHP Warning:  Undefined array key in /var/www/a.php on line 2",
             "[01-Dec-2026 10:00:07 Europe/Berlin] PHP Fatal error:  Uncaught PDOException: gone in /var/www/b.php:3",
             "Stack trace:", "#0 {main}", "[01-Dec-2026 10:00:08 UTC] PHP Deprecated:  Creation of dynamic property"]
    frame = parse_lines(lines)
    assert frame["level"].tolist() == ["Warning", "Fatal error", "Fatal error", "Fatal error", "Deprecated"]
    assert severity(frame["level"]).tolist() == [1, 3, 3, 3, 0] and frame["event_line_no"].tolist() == [1, 2, 2, 2, 5]
    assert frame["content"].iloc[1] == "Uncaught PDOException: gone in /var/www/b.php:3"


def test_an_access_logs_status_class_is_part_of_its_template():
    from logad_utils.masking import mask

    lines = [f'10.0.0.{i} - - [01/Dec/2026:10:00:{i:02d} +0000] "GET /api/cart HTTP/1.1" {503 if i == 5 else 200} 64'
             for i in range(20)]
    masked = [mask(content) for content in parse_lines(lines)["content"]]
    assert masked[4:6] == ['"GET <PATH> HTTP/<NUM>" <HTTPOK>', '"GET <PATH> HTTP/<NUM>" <HTTPSERVERERR>']


def test_brackets_around_a_field_are_brackets_and_a_field_named_as_logads_own_column_keeps_its_values():
    # Written as users write them, unescaped: "[" before a field opened a character set that swallowed it.
    frame, matched = LogFormat("[<Time>] [<Level>] <Content>").parse(["[10:00:01] [WARN] disk full", "no header"])
    assert matched.tolist() == [True, False]
    assert frame["timestamp"].iloc[0].time() == pd.Timestamp("10:00:01").time() and frame["level"].iloc[0] == "WARN"
    assert LogFormat("[<Content>]").parse(["[x y]"])[0]["content"].iloc[0] == "x y"
    assert LogFormat("<Time> [a-z]+ <Content>").parse(["10:00 abc message"])[1].all()  # a set holding no field
    with pytest.raises(FormatError, match="<Time> lies inside"):
        LogFormat("[<Date> [<Time>]] <Content>")  # a bracket in a bracket: still a set, said in one line
    lines = ["hostA 10:00:01 started job 1", "hostB 10:00:02 failed job 2"]
    for name in ("Source", "Line_no", "Template", "Event", "Parsed", "Blank"):
        frame = parse_lines(lines, fmt=f"<{name}> <Time> <Content>")
        column = f"{name.lower()}_field"
        assert frame[column].tolist() == ["hostA", "hostB"] and frame["content"].iloc[1] == "failed job 2"


def test_the_format_detect_prints_reads_as_detection_did(tmp_path):
    # Copied into --format, an access log's format string lost the preset's zone and cells (times stayed local),
    # and an inferred one's <Zone> was dropped (-0700 read as UTC): what to give --format is said.
    from logad_utils.io import describe_layout

    access = [f'10.0.0.{i} - - [11/Mar/2024:08:00:{i:02d} +0100] "GET /x HTTP/1.1" 200 512 "-" "curl/8"'
              for i in range(20)]
    zoned = [f"2024-03-11 08:00:{i:02d}.123 {'-0700' if i % 2 else '+0100'} INFO  [main] c.a.App: step {i}"
             for i in range(20)]
    for name, lines in (("access.log", access), ("app.log", zoned)):
        path = tmp_path / name
        path.write_text("\n".join(lines) + "\n")
        detected = parse_lines(lines)
        pasted = parse_lines(lines, fmt=describe_layout(path)["--format"].split(" (")[0])
        assert pasted["timestamp"].equals(detected["timestamp"]) and pasted["content"].equals(detected["content"])
    layout = describe_layout(tmp_path / "app.log")
    assert layout["--format"].startswith("auto (") and "<Zone>" in layout["format"]
    # The inferred format string itself reads the zone with the time, as detection did.
    assert parse_lines(zoned, fmt=layout["format"])["timestamp"].equals(parse_lines(zoned)["timestamp"])


def test_a_given_formats_zone_field_after_the_time_is_read_with_it_where_it_holds_zones():
    # "\[<Timestamp> <Zone>\] <Content>" over an access log's "[19/Mar/2024:08:14:02 +0100]": the zone was no part
    # of the time, so the given format's times stayed local (a zone column kept) while with no format the same
    # file's were UTC, an hour apart.
    access = [f"[19/Mar/2024:08:14:{i:02d} {'+0100' if i % 2 else '-0500'}] conn={i} op=0 BIND" for i in range(20)]
    given = parse_lines(access, fmt=r"\[<Timestamp> <Zone>\] <Content>")
    assert given["timestamp"].equals(parse_lines(access)["timestamp"]) and "zone" not in given
    assert given["timestamp"].iloc[1] == pd.Timestamp("2024-03-19 07:14:01")
    named = [f"2024-03-05 14:00:{i:02d}.117 {'CEST' if i % 2 else 'UTC'} {i:04d} INFO job {i}" for i in range(20)]
    frame = parse_lines(named, fmt="<Date> <Time> <Zone> <Seq> <Level> <Content>")
    assert frame["timestamp"].iloc[:2].tolist() == [pd.Timestamp("2024-03-05 14:00:00.117"),
                                                   pd.Timestamp("2024-03-05 12:00:01.117")]
    # A zone field that holds no zone of the clock (a cloud region) stays a column; the times read as written.
    regions = [f"2024-03-05 14:00:{i:02d} eu-west-1 INFO job {i}" for i in range(20)]
    frame = parse_lines(regions, fmt="<Date> <Time> <Zone> <Level> <Content>")
    assert frame["timestamp"].iloc[1] == pd.Timestamp("2024-03-05 14:00:01") and frame["zone"].iloc[0] == "eu-west-1"


def test_a_padded_preset_is_no_longer_named_as_the_preset(tmp_path):
    # Its header opens after the padding: the preset's name, given to --format or saved with a model, read the
    # indented lines without it (continuations of the line above).
    from logad_utils.io import describe_layout

    # An hour padded with a space (" 9:59:58" beside "10:00:02"), as a journal's clock may write it.
    lines = [f"{9 + i // 20:>2}:{59 * (i < 20):02d}:{i % 20:02d}  {i + 1:04d} HOST heartbeat {i} sent"
             for i in range(40)]
    (tmp_path / "padded.log").write_text("\n".join(lines) + "\n")
    fmt = detect_format(lines)
    assert fmt.pattern.startswith("\\s*") and fmt.name not in PRESETS
    assert describe_layout(tmp_path / "padded.log")["--format"].startswith("auto (")


def test_a_file_whose_every_line_opens_padded_reads_its_header_after_the_padding():
    # A pid padded to six places on every line (" 55301:20240628:..."): no unpadded line to learn the header from,
    # the whole file read raw, with no time. Lines that all open with whitespace but hold no header stay raw.
    lines = [f"{pid:>6}:20240628:2312{i % 60:02d}.000 {'Starting agent' if i % 5 == 0 else f'item {i} sent'}"
             for i, pid in enumerate([55301, 55302, 9811, 55301] * 10)]
    fmt = detect_format(lines)
    assert fmt.name.endswith("+padded") and fmt.pattern.startswith("\\s*")
    frame = parse_lines(lines)
    assert frame["timestamp"].notna().all() and frame["field"].iloc[2] == "9811"
    assert frame["content"].iloc[1] == "item 1 sent" and frame["event_line_no"].eq(frame["line_no"]).all()
    prose = [f"    step {i}: copy the files, then check what the tool wrote" for i in range(20)]
    assert detect_format(prose).name == "raw"


def test_rfc3164_lines_with_their_priority_read_as_syslog():
    # The RFC's own example: the priority before the time made the month a field and the dates 1970.
    lines = ["<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8",
             "<13>Oct 11 22:14:16 mymachine myapp[123]: started", "<30>Oct 11 22:14:17 mymachine cron: ran"]
    frame = parse_lines(lines)
    assert detect_format(lines).name == "syslog3164"
    assert frame["timestamp"].dt.strftime("%m-%d %H:%M:%S").tolist() == ["10-11 22:14:15", "10-11 22:14:16",
                                                                         "10-11 22:14:17"]
    assert frame["level"].tolist() == ["CRIT", "NOTICE", "INFO"]
    assert frame["component"].tolist() == ["su", "myapp", "cron"]


@pytest.mark.parametrize("header, host", [
    ("2024-03-01T10:00:0{s}.5+01:00 myhost", "myhost"),  # rsyslog's forwarding format: RFC 3339 time, a host
    ("Oct 11 22:14:0{s}", None),  # RFC 3164 as read off /dev/log: no host
])
def test_a_syslog_priority_before_any_header_gives_the_level_and_keeps_the_time(header, host):
    # The priority glued to the time hid it: no time was read ("<13>2024-..." was a field), or no date.
    programs = ["su[12]: session opened for user root", "sshd[345]: Accepted password for bob from 10.0.0.2 port 4242",
                "kernel: eth0 link up", "cron[77]: (root) CMD (run-parts /etc/cron.hourly)"]
    lines = [f"<{pri}>{header.format(s=s)} {program}" for s, (pri, program) in
             enumerate(zip([13, 38, 86, 30, 11, 13, 38, 86], programs * 2))]
    frame = parse_lines(lines)
    assert frame["timestamp"].notna().all() and frame["timestamp"].dt.second.tolist() == list(range(8))
    if host is None:
        assert (frame["timestamp"].dt.strftime("%m-%d") == "10-11").all()
    else:
        assert (frame["host"] == host).all()
    assert frame["level"].tolist()[:5] == ["NOTICE", "INFO", "INFO", "INFO", "ERROR"]
    assert frame["component"].tolist()[:4] == ["su", "sshd", "kernel", "cron"]
    assert frame["content"].iloc[2] == "eth0 link up"
    # Lines written here beside those a relay forwarded carry none: read all the same.
    mixed = lines[:2] + [re.sub(r"^<\d+>", "", line) for line in lines[2:3]] + lines[3:]
    assert parse_lines(mixed)["component"].tolist()[:4] == ["su", "sshd", "kernel", "cron"]


def test_numbers_counting_up_in_angle_brackets_are_no_syslog_priorities():
    lines = [f"<{i}>2024-03-01 10:00:{i:02d} worker step {i} done" for i in range(1, 21)]
    frame = parse_lines(lines)
    assert frame["timestamp"].notna().all() and ("level" not in frame or frame["level"].isna().all())
    # Two priorities taking turns (info and debug lines of each request) still are.
    taking_turns = [f"<{30 + i % 2}>2024-03-01T10:00:{i:02d}+01:00 web01 app[7]: request {i}" for i in range(20)]
    assert parse_lines(taking_turns)["level"].tolist() == ["INFO", "DEBUG"] * 10


def test_a_header_that_closes_with_a_bracket_may_end_the_line_with_an_empty_message():
    lines = [f"2024-03-01 10:00:{i:02d} [{'ERROR' if i % 7 == 3 else 'INFO'}]" + ("" if i % 7 == 3 else f" job {i}")
             for i in range(20)]
    for sample in (lines, [line[20:] for line in lines]):  # with a time (the generic preset) and without one
        frame = parse_lines(sample)
        assert frame["parsed"].all() and frame.loc[3, "level"] == "ERROR" and frame.loc[3, "content"] == ""
    frame, ok = LogFormat(r"<Date> <Time> \[<Level>\] <Content>").parse(["2024-03-01 10:00:00 [ERROR]"])
    assert ok.all() and frame.loc[0, "level"] == "ERROR"


def test_a_header_without_a_level_does_not_end_the_line_at_its_bracket():
    # "[worker-1]" alone is no empty record (read as a blank line): the trace under it stays its event's.
    lines = [f"2024-03-01 10:00:{i:02d} [{['main', 'db', 'http'][i % 3]}] step {i} ok" for i in range(20)]
    lines[5:6] = ["2024-03-01 10:00:05 [worker-1]", "Traceback (most recent call last):",
                  '  File "app.py", line 3, in <module>', "    main()", "ValueError: bad"]
    frame = parse_lines(lines)
    assert not frame["blank"].any() and frame.loc[5:9, "event_line_no"].tolist() == [6] * 5


@pytest.mark.parametrize(("values", "zoned"), [
    ([f"2024-03-11T12:00:{i:02d}" for i in range(30)] + [f"2024-03-11T12:00:{i:02d}+01:00" for i in range(30)], 1),
    ([f"2024-03-{i:02d}" for i in range(10, 29)], 0),  # a date's day is no offset
    ([f"2024-03-11T12:00:{i:02d}.5-05" for i in range(3)], 1),
])
def test_a_parse_counts_as_zoned_where_its_values_carry_a_zone(values, zoned):
    # A log that took "+01:00" midway read as without a zone (only its first value was looked at), and a date's
    # "-11" as an offset: the report said "as written" and "UTC" wrongly.
    from logad_utils.formats import ZONED, parse_timestamps

    before = ZONED.count
    assert parse_timestamps([values], "ISO8601").notna().all()
    assert ZONED.count - before == zoned


def test_a_network_devices_message_code_gives_the_level_and_the_component_in_place_of_a_sequence_number():
    # Routers and firewalls through a syslog server write %FACILITY-SEVERITY-MNEMONIC, its digit a syslog severity;
    # a router's sequence number sits where a program's name would, and its own clock opens the message.
    router = ["Mar 11 09:14:02 10.0.0.1 1234: *Mar 11 09:14:02.331: %LINK-3-UPDOWN: Interface Gi0/1, changed state "
              "to down",
              "Mar 11 09:14:03 10.0.0.1 1235: *Mar 11 09:14:03.101: %LINEPROTO-5-UPDOWN: Line protocol on Interface "
              "Gi0/1, changed state to down",
              "Mar 11 09:15:10 10.0.0.2 88: *Mar 11 09:15:09.870: %SYS-5-CONFIG_I: Configured from console by admin "
              "on vty0 (10.0.0.5)",
              "Mar 11 09:16:00 10.0.0.2 89: *Mar 11 09:16:00.002: %SEC-6-IPACCESSLOGP: list 101 denied tcp "
              "198.51.100.7(5123) -> 10.0.1.4(22), 1 packet"] * 3
    frame = parse_lines(router)
    assert frame["component"].tolist()[:4] == ["%LINK-3-UPDOWN", "%LINEPROTO-5-UPDOWN", "%SYS-5-CONFIG_I",
                                               "%SEC-6-IPACCESSLOGP"]
    assert frame["level"].tolist()[:4] == ["ERROR", "NOTICE", "NOTICE", "INFO"]
    assert frame["content"][0] == "1234: *Mar 11 09:14:02.331: %LINK-3-UPDOWN: Interface Gi0/1, changed state to down"
    firewall = ["Mar 11 09:14:02 fw1 : %ASA-6-302013: Built outbound TCP connection 123 for outside:1.2.3.4/443",
                "Mar 11 09:14:03 fw1 : %ASA-4-106023: Deny tcp src outside:198.51.100.7/5123 dst inside:10.0.0.5/22",
                "Mar 11 09:14:04 fw1 : %ASA-5-111008: User 'enable_15' executed the 'write memory' command."] * 3
    frame = parse_lines(firewall)
    assert frame["level"].tolist()[:3] == ["INFO", "WARNING", "NOTICE"]
    assert frame["component"].tolist()[:3] == ["%ASA-6-302013", "%ASA-4-106023", "%ASA-5-111008"]
    # A numbered component with no code after it stays the component; a program's name stays where a code follows,
    # which gives the level still.
    frame, _ = LogFormat(r"(<Level> )?<Component>: <Content>", field_patterns={"Level": "[A-Z]+"}).parse(
        ["7: started", "app: %LINK-3-UPDOWN: quoted"])
    assert frame["component"].tolist() == ["7", "app"] and frame["level"].tolist() == [None, "ERROR"]


def test_a_message_code_after_a_programs_name_gives_the_level():
    # Arista EOS names the agent, then the code: "2024-03-04T00:13:53.095459+00:00 leaf3 Acl: %ACL-6-IPACCESS: list
    # MGMT-IN ...". No line had a level.
    codes = ["%ACL-6-IPACCESS", "%ETH-4-HOST_FLAPPING", "%LINEPROTO-5-UPDOWN", "%BGP-3-NOTIFICATION"]
    lines = [f"2024-03-04T00:13:{i:02d}.095459+00:00 leaf3-dc2 {['Acl', 'Ebra', 'Ebra', 'Bgp'][i % 4]}: "
             f"{codes[i % 4]}: event {i} on Ethernet{i}" for i in range(40)]
    frame = parse_lines(lines)
    assert frame["level"].tolist() == [["INFO", "WARNING", "NOTICE", "ERROR"][i % 4] for i in range(40)]
    assert frame["component"].tolist() == [["Acl", "Ebra", "Ebra", "Bgp"][i % 4] for i in range(40)]
    assert frame["content"].tolist() == [f"{codes[i % 4]}: event {i} on Ethernet{i}" for i in range(40)]
    # A code further on in a message is its text, no level of the line.
    frame, _ = LogFormat(r"(<Level> )?<Component>: <Content>", field_patterns={"Level": "[A-Z]+"}).parse(
        ["app: user typed %LINK-3-UPDOWN", "app: grep for %LINK-3-UPDOWN: no match", "app: %LINK-3-UPDOWN: down"])
    assert frame["level"].tolist() == [None, None, "ERROR"]


def test_a_network_devices_slashed_message_code_gives_the_level():
    # Huawei's VRP and H3C's Comware write %%<version>MODULE/SEVERITY/MNEMONIC, with the log's type and a sequence
    # number on some: the digit is a syslog severity, as in Cisco's %LINK-3-UPDOWN.
    huawei = ["Mar  4 2024 08:20:07+08:00 CORE-01 %%01IFNET/2/linkDown_active(l)[6]:The interface status changes. "
              "(ifName=GigabitEthernet0/0/48, AdminStatus=UP, OperStatus=DOWN)",
              "Mar  4 2024 08:20:07+08:00 CORE-01 %%01IFNET/4/IF_STATE(l)[7]:Interface GigabitEthernet0/0/48 has "
              "turned into DOWN state.",
              "Mar  4 2024 08:20:09+08:00 CORE-01 %%01TRUNK/5/MEMBER_DOWN(l)[8]:The status of the trunk member went "
              "Down.",
              "Mar  4 2024 08:21:00+08:00 CORE-01 %%01SHELL/6/DISPLAY_CMDRECORD(s)[9]:Recorded display command "
              "information. (Task=VT0, Ip=10.0.0.5, User=admin)"] * 3
    frame = parse_lines(huawei)
    assert frame["level"].tolist()[:4] == ["CRIT", "WARNING", "NOTICE", "INFO"]
    assert frame["content"][1] == "Interface GigabitEthernet0/0/48 has turned into DOWN state."
    h3c = ["Mar  4 08:20:07 2024 SW1 %%10IFNET/3/PHY_UPDOWN: GigabitEthernet1/0/1 link status is DOWN.",
           "Mar  4 08:20:08 2024 SW1 %%10IFNET/5/LINK_UPDOWN: Line protocol state on the interface "
           "GigabitEthernet1/0/1 changed to down.",
           "Mar  4 08:25:00 2024 SW1 %%10SHELL/6/SHELL_CMD: -Line=vty0-IPAddr=10.0.0.5-User=admin; Command is "
           "display version"] * 3
    frame = parse_lines(h3c)
    assert frame["level"].tolist()[:3] == ["ERROR", "NOTICE", "INFO"]
    assert frame["component"][0] == "%%10IFNET/3/PHY_UPDOWN"


def test_a_format_field_named_severity_is_the_level_where_no_level_is_named():
    # A user's format may call the level Severity (a device's syslog digit, a storage array's word): it is the level,
    # as a JSON line's severity key is; beside a <Level> it is another field (Ruby's letter before its level word).
    digits, _ = LogFormat(r"<Time> %%01<Module>/<Severity>/<Mnemonic>:<Content>").parse(
        ["08:20:07 %%01IFNET/2/linkDown:The interface status changes.", "08:20:08 %%01NTP/4/LOST:Source lost."])
    assert digits["level"].tolist() == ["CRIT", "WARNING"] and digits["severity"].tolist() == ["2", "4"]
    words, _ = LogFormat(r"<Time> \[<Node>: <EventName>:<Severity>\]: <Content>").parse(
        ["06:13:53 [n1: monitor.volume.ok:info]: Volume is OK.", "06:15:25 [n1: secd.ldap:error]: No LDAP server."])
    assert words["level"].tolist() == ["info", "error"]
    both, _ = LogFormat(r"<Severity>, <Level> -- <Content>").parse(["I, INFO -- started", "W, WARN -- slow"])
    assert both["level"].tolist() == ["INFO", "WARN"] and both["severity"].tolist() == ["I", "W"]


def test_a_field_named_severity_is_the_level_before_a_syslog_priority_whatever_their_order():
    # A device's syslog header "<189>" before its own severity digit: the field named as the level is read, as the
    # format's columns say, where the priority that came first in the line was.
    fmt = LogFormat(r"<<Pri>><Time> %%01<Module>/<Severity>/<Mnemonic>:<Content>")
    frame, _ = fmt.parse(["<189>08:20:07 %%01IFNET/4/IF_STATE:Interface down.", "<187>08:20:08 %%01NTP/6/OK:Synced."])
    assert frame["level"].tolist() == ["WARNING", "INFO"] and frame.columns.tolist() == fmt.columns


def test_a_line_missing_a_format_with_a_severity_field_has_no_level():
    # A line the format does not match has no severity: None, as beside a priority or a status, not a float NaN.
    frame, _ = LogFormat(r"<Time> %%01<Module>/<Severity>/<Mnemonic>:<Content>").parse(
        ["08:20:07 %%01IFNET/2/linkDown:The interface status changes.", "a line of another writer"])
    assert frame["level"].tolist() == ["CRIT", None]


def test_a_messages_further_labelled_lines_take_its_level_at_the_same_time_and_stay_events_of_their_own():
    # PostgreSQL writes an error's DETAIL:, HINT:, CONTEXT: and STATEMENT: each under a header of its own, with the
    # error's time: they explain the error, so they are errors too; a label under an older line keeps its own.
    head = "2024-03-11 09:14:0{} UTC [1234] app@shop "
    lines = [head.format(1) + "LOG:  connection authorized: user=app database=shop",
             head.format(2) + "ERROR:  deadlock detected",
             head.format(2) + "DETAIL:  Process 1234 waits for ShareLock on transaction 981; blocked by process 44.",
             "\tProcess 44 waits for ShareLock on transaction 980; blocked by process 1234.",
             head.format(2) + "HINT:  See server log for query details.",
             head.format(2) + "STATEMENT:  UPDATE orders SET status = 'paid' WHERE id = 118822",
             head.format(3) + "LOG:  checkpoint starting: time",
             head.format(4) + "DETAIL:  Key (id)=(5) already exists."] * 3
    frame = parse_lines(lines)
    assert frame["level"].tolist()[:8] == ["LOG", "ERROR", "ERROR", "ERROR", "ERROR", "ERROR", "LOG", "DETAIL"]
    assert frame["event_line_no"].tolist()[:8] == [1, 2, 3, 3, 5, 6, 7, 8]


def test_match_share_stops_once_the_floor_is_out_of_reach():
    """A preset's share of matched lines is exact where it can reach the floor, below it where it cannot, and the
    lines after that point are not tried (detection tries every preset on 500 lines of each file)."""
    from logad_utils.formats import _match_share

    def match(line):
        return line == "x" or None

    for n in (1, 3, 7, 99, 200, 500):
        for hits in {0, 1, n // 3, n // 2, n - 1, n}:
            lines = ["x"] * hits + ["-"] * (n - hits)
            for floor in (0.0, 0.3, 0.5, 0.51, 0.99, 1.0):
                share = _match_share(match, lines[::-1], floor)
                exact = round(hits / n, 2)
                assert share == exact if exact >= floor else share < floor
    tried = []
    assert _match_share(lambda line: tried.append(line), ["-"] * 500, 0.5) < 0.5
    assert len(tried) < 260


def test_detection_parses_the_winning_layout_once_for_its_message_checks(monkeypatch):
    """The JSON-message and text-message checks share one parse of the sample by the winning layout."""
    sample = [f"Jun 14 15:16:{i % 60:02d} combo sshd[{1000 + i}]: session opened for user u{i} by (uid=0)"
              for i in range(40)]  # syslog: no level, so both checks read the messages
    calls = []
    parse = LogFormat.parse

    def counting(self, lines):
        calls.append((self.name, len(lines)))
        return parse(self, lines)

    monkeypatch.setattr(LogFormat, "parse", counting)
    fmt = detect_format(sample)
    assert fmt.name == "syslog"
    assert calls.count(("syslog", len(sample))) <= 2  # its fit, then both checks


@pytest.mark.parametrize("line, level, stamp", [
    ("I240219 13:40:11.482113 1 start.go:12 started", "I", "2024-02-19 13:40:11.482113"),
    ("WARN20240219 13:40:11.482113 7 start.go:12 started", "WARN", "2024-02-19 13:40:11.482113"),
])
def test_a_field_glued_to_the_next_ends_where_its_kind_of_character_does(line, level, stamp):
    # Lazily the level matched nothing and left "I240219" to the date: no level, no time on any line.
    frame = parse_lines([line], "<Level><Date> <Time> <Pid> <File> <Content>")
    assert frame.loc[0, "level"] == level and frame.loc[0, "content"] == "started"
    assert str(frame.loc[0, "timestamp"]) == stamp


def _mail_daemon(names: tuple[str, ...], tag: str = "maild") -> list[str]:
    """Lines of a daemon whose processes log under one syslog tag, each naming itself before its message."""
    texts = ("Login: user=<u{i}>, rip=10.0.0.{i}, session=<s{i}>", "Disconnected: Logged out in={i} out={i}",
             "Aborted login (no auth attempts in {i} secs): user=<>")
    return [f"Mar 11 09:14:{i % 60:02d} mx {tag}: {names[i % len(names)]}: {texts[i // len(names) % 3]}"
            .format(i=i) for i in range(60)]


def test_a_sub_program_named_under_a_syslog_tag_is_a_field_where_its_messages_follow_other_names_too():
    # Dovecot under syslog: "dovecot: imap-login: Login: ..." and "dovecot: pop3-login: Login: ...", the user, pid
    # and session after some names; the names stayed in the message, one template per name.
    lines = _mail_daemon(("imap-login", "pop3-login", "imap(u1)<4242><Abu4RFSK>", "pop3(u2)<77><gY2h/n+z>"))
    lines.append("Mar 11 09:15:00 mx maild: auth: Warning: auth client 2 disconnected")
    fmt = detect_format(lines)
    frame = parse_lines(lines)
    assert fmt.name == "syslog+subprogram"
    assert frame["component"].iloc[0] == "maild" and frame["message_component"].tolist()[:4] == [
        "imap-login", "pop3-login", "imap", "pop3"]
    assert frame["context"].iloc[2] == "(u1)<4242><Abu4RFSK>" and pd.isna(frame["context"].iloc[0])
    assert frame["content"].iloc[1] == "Login: user=<u1>, rip=10.0.0.1, session=<s1>"
    assert frame["message_component"].iloc[-1] == "auth" and frame["content"].iloc[-1].startswith("Warning: auth")


@pytest.mark.parametrize("lines", [
    _mail_daemon(("spamd",)),  # one name: a module's prefix, part of its messages
    _mail_daemon(("wg0", "wg1"), tag="kernel"),  # names apart in their digits alone: one thing's numbers
    # Numbered names of two kinds (a DHCP client's interfaces, "wlan0: carrier acquired"): the things its events
    # are about, no writers; the names were cut from the messages.
    _mail_daemon(("wlan0", "eth0", "wlan1"), tag="dhcpcd"),
    # Names apart in their last letter alone (multipath's disks and maps), each the subject of its kind's events.
    [f"Mar 11 09:14:{i % 60:02d} db multipathd: {name}{'abc'[i % 3]}: {text.format(i)}" for i in range(60)
     for name, text in [("sd", "prio changed from {} to 50"), ("sd", "failed to get udev uid: Invalid argument"),
                        ("mpath", "updating path groups {}"), ("mpath", "load table [0 {} multipath 1]")]],
    # Each name its own texts, one shared by two names on a seventh of the lines: a coincidence.
    [f"Mar 11 09:14:{i:02d} mx maild: {name}: {text} {i}" for i in range(60)
     for name, text in [(("check", "bayes", "dns")[i % 3], ("rule hit", "token learned", "query sent")[i % 3])]]
    + [f"Mar 11 09:15:{i:02d} mx maild: {('check', 'bayes')[i % 2]}: cleanup done" for i in range(10)],
    # A queue id opening each message: as many names as messages, no few writers.
    [f"Mar 11 09:14:{i % 60:02d} mx mta: {i // 2 + 0xA1000:X}: {('from=<a@b>, size=1', 'removed')[i % 2]}"
     for i in range(120)],
])
def test_a_name_opening_every_message_stays_in_it_where_no_text_follows_several_names(lines):
    assert "+subprogram" not in detect_format(lines).name
    assert ": " in parse_lines(lines)["content"].iloc[0]


def test_a_thread_number_glued_to_a_bracketed_group_opening_every_message_is_its_header():
    # strongSwan under syslog: "charon: 08[NET] sending packet: ..."; the thread and group stayed in the message.
    groups = ("NET", "IKE", "CFG", "ENC")
    lines = [f"Feb 19 06:02:{i % 60:02d} gw charon: {i % 16:02d}[{groups[i % 4]}] sending packet: from 10.0.0.{i}[500]"
             for i in range(40)]
    frame = parse_lines(lines)
    assert detect_format(lines).name == "syslog+threadgroup"
    assert frame["component"].iloc[1] == "charon" and frame["thread"].iloc[1] == "01"
    assert frame["group"].iloc[1] == "IKE" and frame["content"].iloc[1] == "sending packet: from 10.0.0.1[500]"


def test_a_level_word_opening_messages_is_no_sub_program():
    lines = [f"Mar 11 09:14:{i:02d} mx maild: {('error', 'warning')[i % 2]}: Login failed: user=<u{i}>"
             for i in range(40)]
    assert "+subprogram" not in detect_format(lines).name


@pytest.mark.parametrize("bias", ["-60", "+300", "+000", "-330"])
def test_a_clock_with_the_zones_bias_in_minutes_reads_as_the_clock_in_a_users_format(bias):
    # CMTrace's "07:12:04.311-60" in a format's <Time> read no time on any line; the bias is kept as written,
    # as the cmtrace preset keeps it, while two digits of at most 14 stay a zone's hours.
    fmt = LogFormat('<t time="<Time>" date="<Date>"> <Content>')
    lines = [f'<t time="07:12:0{i}.311{bias}" date="03-04-2024"> job {i} done' for i in range(3)]
    times = parse_lines(lines, fmt=fmt)["timestamp"]
    assert times.tolist() == [pd.Timestamp(f"2024-03-04 07:12:0{i}.311") for i in range(3)]
    zoned = parse_lines([line.replace(f".311{bias}", ".311-05") for line in lines], fmt=fmt)["timestamp"]
    assert zoned.iloc[0] == pd.Timestamp("2024-03-04 12:12:00.311")


def test_a_field_named_epoch_is_the_time():
    # hostapd's "<Epoch>: <Content>": the seconds since 1970 were a column of text, the lines without a time.
    lines = [f"{1709535131 + 37 * i}.402157: wlan0: AP-STA-CONNECTED 3c:22:fb:db:fb:0{i}" for i in range(5)]
    frame = parse_lines(lines, fmt=LogFormat("<Epoch>: <Content>"))
    assert frame["timestamp"].iloc[1] == pd.Timestamp("2024-03-04 06:52:48.402157")
    assert frame["content"].iloc[0] == "wlan0: AP-STA-CONNECTED 3c:22:fb:db:fb:00"
    # Beside a written time, the same instant in milliseconds is a field: the two joined were no time on any line.
    both = parse_lines([f"<2024-03-04 06:52:{i:02d}> <{1709535120000 + 1000 * i}> job {i} done" for i in range(5)],
                       fmt=LogFormat("<<Timestamp>> <<Epoch>> <Content>"))
    assert both["timestamp"].iloc[3] == pd.Timestamp("2024-03-04 06:52:03") and both["epoch"].iloc[3] == "1709535123000"


def test_levels_padded_to_one_width_before_a_colon_are_no_generic_header():
    # "INFO  :" on every line, no unpadded "NOTICE:" beside: the generic preset took the level, ": " each message.
    written = [("INFO", "DEBUG", "WARN", "ERROR")[i % 4] for i in range(40)]
    lines = [f"2024-01-01 10:00:{i:02d} {lv:<6}: cache size {i}" for i, lv in enumerate(written)]
    frame = parse_lines(lines)
    assert frame["level"].tolist() == written and frame["content"].iloc[3] == "cache size 3"


@pytest.mark.parametrize("spec", ["<Date> <Time> <Timestamp> <Content>", "<Timestamp> <Date> <Time> <Content>"])
def test_a_timestamp_beside_a_date_and_clock_is_the_time(spec):
    # Two whole times named by one format were joined into a string no reader knew: no line had a time.
    rows = [("2024-01-01", f"10:00:0{i}", f"2024-01-01T10:00:0{i}.5Z" if i else "-") for i in range(4)]
    lines = [spec.replace("<Date>", d).replace("<Time>", t).replace("<Timestamp>", z).replace("<Content>", "job done")
             for d, t, z in rows]
    frame = parse_lines(lines, fmt=LogFormat(spec))
    assert frame["timestamp"].iloc[2] == pd.Timestamp("2024-01-01 10:00:02.5")
    assert frame["timestamp"].iloc[0] == pd.Timestamp("2024-01-01 10:00:00")  # no Timestamp: the date and clock
    assert frame["time"].iloc[1] == "10:00:01" and frame["content"].iloc[3] == "job done"


def test_a_second_time_further_in_the_header_is_a_field():
    # A relay's syslog time, then the device's own (a load balancer's "03/12/2024:07:48:27 GMT"): the date joined to
    # the first clock read as no time on any line.
    lines = [f"Mar 12 07:48:{i:02d} 10.10.1.5 03/12/2024:07:48:{i:02d} GMT adc01 : job done" for i in range(4)]
    frame = parse_lines(lines, fmt=LogFormat("<Month> <Day> <Time> <NodeIp> <Date>:<Clock> <Zone> <Host> : <Content>"))
    assert frame["timestamp"].dt.strftime("%m-%d %H:%M:%S").tolist() == [f"03-12 07:48:{i:02d}" for i in range(4)]
    assert frame["date"].iloc[1] == "03/12/2024" and frame["content"].iloc[2] == "job done"
    # A zone between a time's fields parts no time: GNU date's year after it is the time's.
    dated = parse_lines([f"Tue Mar 12 07:48:0{i} UTC 2024 job done" for i in range(4)],
                        fmt=LogFormat("<Weekday> <Month> <Day> <Time> <Zone> <Year> <Content>"))
    assert dated["timestamp"].iloc[1] == pd.Timestamp("2024-03-12 07:48:01")


def test_a_clock_named_by_the_user_after_a_date_is_the_date_s():
    # "<Date>:<NsTime>": the date read alone, every line at midnight, its clock a column only.
    frame = parse_lines([f"03/12/2024:07:48:{i:02d} GMT adc01 job done" for i in range(4)],
                        fmt=LogFormat("<Date>:<NsTime> <Zone> <Host> <Content>"))
    assert frame["timestamp"].dt.strftime("%H:%M:%S").tolist() == [f"07:48:{i:02d}" for i in range(4)]
    assert frame["nstime"].iloc[1] == "07:48:01" and frame["content"].iloc[0] == "job done"


def test_a_date_and_a_clock_with_a_field_between_are_one_time():
    # "<Date> [<Level>] <Time>": the clock adds what the date lacks, no second time; read apart, all at midnight.
    frame = parse_lines([f"2024-03-12 [INFO] 10:00:0{i} go" for i in range(4)],
                        fmt=LogFormat("<Date> [<Level>] <Time> <Content>"))
    assert frame["timestamp"].iloc[1] == pd.Timestamp("2024-03-12 10:00:01")


def test_a_quantity_named_time_after_a_date_and_a_space_is_no_clock():
    # "<Date> <ResponseTime>": a duration beside the date, not its clock; joined to it, no line read a time.
    frame = parse_lines([f"2024-03-12 {i * 7}ms GET /x" for i in range(4)],
                        fmt=LogFormat("<Date> <ResponseTime> <Content>"))
    assert (frame["timestamp"] == pd.Timestamp("2024-03-12")).all()
    assert frame["responsetime"].iloc[1] == "7ms"


def test_user_format_reads_a_padded_time():
    """Seconds since start padded inside the format's bracket ("[     4.124]") read as a time, not as none."""
    fmt = get_format(r"\[<Time>\] \(<Level>\) <Content>")
    frame, matched = fmt.parse(["[     4.124] (--) Log file renamed", "[    12.500] (II) Loading module"])
    assert matched.all()
    assert frame["timestamp"].notna().all()
    assert (frame["timestamp"].diff().dropna() > pd.Timedelta(0)).all()


@pytest.mark.parametrize("pattern, line", [
    ("<LogTime> <Content>", "2024-03-01T10:00:00 started"),
    ("<time_local> <Content>", "2024-03-01T10:00:00 started"),
    ("<Uptime> <Content>", "   0.001 Operating system: Linux"),
    ("<Ts> <Uid> <Content>", "1709287200.123456\tCk3sX41\t10.0.0.1"),
    ("@<Tai64n> <Content>", "@4000000065d31b6d070889a3 status: local 0/10"),
])
def test_user_format_reads_a_time_under_a_name_of_its_own(pattern, line):
    """A field the user names for a time (<LogTime>, <Uptime>, <Ts>, <Tai64n>) is the time of a format that names
    no Date, Time or Timestamp field."""
    frame, matched = get_format(pattern).parse([line])
    assert matched.all()
    assert frame["timestamp"].notna().all()


@pytest.mark.parametrize("name", ["Timeout", "Update", "Candidate", "Runtime"])
def test_a_name_that_holds_time_or_date_letters_is_no_time(name):
    """Only a whole word of the name says it holds a time: <Timeout>, <Update> hold none."""
    frame, matched = get_format(f"<{name}> <Content>").parse(["30 job done", "45 job done"])
    assert matched.all() and "timestamp" not in frame
    assert frame[name.lower()].tolist() == ["30", "45"]


def test_a_field_read_as_the_time_by_its_name_keeps_its_column():
    """A field taken for the time by its name alone keeps its text: a <RunTime> of durations may read as no time,
    or as another kind of time than the user meant, and nothing the line held is lost."""
    frame, matched = get_format("<RunTime> <Content>").parse(["12.5 ms job done", "3.25 ms job done"])
    assert matched.all()
    assert frame["runtime"].tolist() == ["12.5", "3.25"]


def test_the_columns_of_a_time_read_by_its_name_are_those_parsed():
    """The columns a format names are those its parse gives, a field read as the time by its name among them."""
    fmt = get_format(r"\[<LogTime>\] <Level> <Content>")
    frame, _ = fmt.parse(["[2024-03-01 10:00:00] INFO started"])
    assert fmt.columns == list(frame.columns)


def test_a_time_named_field_stays_a_field_beside_a_time():
    """Beside a <Date> and a <Time>, a field named <ResponseTime> is a field of its own."""
    frame, _ = get_format("<Date> <Time> <ResponseTime> <Content>").parse(["2024-03-01 10:00:00 0.25 GET /"])
    assert frame["timestamp"].notna().all()
    assert frame["responsetime"].tolist() == ["0.25"]


def test_a_time_named_field_after_the_time_is_a_field():
    """A second field named for time further on (nginx's $request_time after $time_local) is a quantity of its own:
    joined to the time, neither read."""
    fmt = get_format(r'<Host> - - \[<time_local>\] "<Content>" <status> <request_time>')
    frame, matched = fmt.parse(['10.0.0.1 - - [10/Oct/2023:13:55:36 +0000] "GET / HTTP/1.1" 200 0.012'])
    assert matched.all()
    assert frame["timestamp"].tolist() == [pd.Timestamp("2023-10-10 13:55:36")]
    assert frame["request_time"].tolist() == ["0.012"]


def test_a_padded_clock_reads_whichever_value_comes_first():
    """A clock whose hour a width pads ("[ 9:05:01]", strftime's %k) reads in a part of the file that opens with an
    unpadded one too, as in a part that opens with a padded one: each chunk reads the file's times alike."""
    fmt = get_format(r"\[<Time>\] <Content>")
    late, early = "[23:59:59] backup done", "[ 0:00:01] backup started"
    for lines in ([late, early], [early, late]):
        frame, matched = fmt.parse(lines)
        assert matched.all()
        assert sorted(frame["timestamp"].dt.hour) == [0, 23]


def test_clocks_read_bare_where_missed_beside_missing_ones():
    """Only the clocks the first reading missed are read bare: a padded one among missing values, text that is
    no clock, and all read (nothing missed)."""
    times = parse_timestamps([["10:00:00", None, " 9:05:01", "no clock", float("nan"), "23:59:59"]], "%H:%M:%S")
    assert times.tolist()[::2] == [pd.Timestamp("1900-01-01 10:00:00"), pd.Timestamp("1900-01-01 09:05:01"),
                                   pd.NaT]
    assert times.iloc[[1, 3, 5]].isna().tolist() == [True, True, False]
    assert parse_timestamps([["10:00:00", "10:00:01"]], "%H:%M:%S").notna().all()


def test_a_bracketed_word_before_the_time_bracket_keeps_the_time():
    """A word in brackets glued before the time's bracket ("[WARN] [akkaUnreachable][02/20/2024 09:18:37.287]")
    that the lazy date field takes in leaves the time readable after the date's last bracket."""
    fmt = get_format(r"\[<Level>\] \[<Date> <Time>\] \[<Thread>\] <Content>")
    frame, matched = fmt.parse(["[INFO] [02/20/2024 09:18:36.100] [main] Cluster up",
                                "[WARN] [akkaUnreachable][02/20/2024 09:18:37.287] [main] Marking node"])
    assert matched.all()
    assert frame["timestamp"].tolist() == [pd.Timestamp("2024-02-20 09:18:36.100"),
                                           pd.Timestamp("2024-02-20 09:18:37.287")]


def test_user_format_reads_seconds_written_with_their_unit():
    """Seconds since start written with their unit in the format's bracket ("[    0.002200s]") read as a time."""
    frame, matched = get_format(r"\[<Uptime>\] <Level> <Content>").parse(
        ["[    0.002200s]  INFO release 2.210.4", "[    0.011359s]  INFO Using runtime"])
    assert matched.all()
    assert frame["timestamp"].notna().all() and frame["timestamp"].is_monotonic_increasing


@pytest.mark.parametrize("pattern, joins", [(r"\[<Date>-<Time>\] <Content>", ("-",)),
                                            (r"<Date>\s+<Time> <Content>", ()), (r"<Date> <Time> <Content>", ())])
def test_only_a_literal_text_between_time_fields_joins_them(pattern, joins):
    r"""A format's own text between its date and clock joins them for a second reading; a regex class or repeat
    (<Date>\s+<Time>) is no text a value holds, and a space is how they are joined already."""
    assert get_format(pattern)._time_joins() == joins


def test_user_format_reads_a_time_whose_fields_it_glues():
    """A date and a clock the format glues by a dash ("<Date>-<Time>", "2024.06.08-18.22.01") read as one time."""
    frame, matched = get_format(r"\[<Date>-<Time>:<Millis>\]\[<Frame>\]<Component>: <Content>").parse(
        ["[2024.06.08-18.22.01:730][  0]LogInit: Build: ++UE5", "[2024.06.08-18.22.02:731][  1]LogInit: Net CL: 2"])
    assert matched.all()
    assert frame["timestamp"].tolist() == [pd.Timestamp("2024-06-08 18:22:01"), pd.Timestamp("2024-06-08 18:22:02")]


def test_parse_memo_gives_each_parse_again_as_a_copy_and_counts_zones_alike():
    """Inside parse_memo a repeated parse (an equal format, the same lines) gives what the first gave, a copy a
    caller may change, and counts a zoned parse as the parse does; other lines or formats are parsed anew."""
    from logad_utils.formats import ZONED, parse_memo

    lines = ["2024-03-11T09:00:00+01:00 INFO a b", "2024-03-11T09:00:01+01:00 WARN c", "no header here"]
    fmt = LogFormat("<Timestamp> <Level> <Content>", time_format="ISO8601")
    want, want_matched = fmt.parse(lines)
    before = ZONED.count
    fmt.parse(lines)
    zoned = ZONED.count - before
    assert zoned == 1
    with parse_memo():
        first, matched = fmt.parse(lines)
        first.loc[0, "content"], matched[0] = "changed", False
        before = ZONED.count
        again, again_matched = LogFormat("<Timestamp> <Level> <Content>", time_format="ISO8601").parse(list(lines))
        assert ZONED.count - before == zoned
        other, _ = fmt.parse(lines[:2])
    pd.testing.assert_frame_equal(again, want)
    assert again_matched.tolist() == want_matched.tolist()
    assert len(other) == 2


def test_format_columns_kept_per_instance():
    """A format works out its fields, time fields and columns once; a caller changing the list it got, or a
    replace() that changes the pattern, does not change what the format reads."""
    from dataclasses import replace

    fmt = PRESETS["syslog"]
    columns = fmt.columns
    columns.append("extra")
    assert "extra" not in fmt.columns and fmt.columns == columns[:-1]
    dated = replace(fmt, pattern=r"<Date> <Time> <Content>", name="dated", field_patterns={})
    assert dated.fields == ("Date", "Time", "Content") and dated._time_fields == ("Date", "Time")
    assert dated.columns == ["timestamp", "content"]
    frame, matched = dated.parse(["2024-03-11 06:02:17 started"])
    assert matched.all() and list(frame.columns) == dated.columns and frame["content"][0] == "started"
    assert fmt.columns == columns[:-1]  # the preset's own are as before


def test_json_fit_of_text_lines_as_parsed():
    """A text log's lines, none of which opens a JSON object, fit the JSON preset as parsing them finds: no line
    read, its time column counted, ranked as asked; a sample with one object is parsed as before."""
    from logad_utils.formats import _fit

    text = ["2024-03-11 06:02:17 INFO started", "  {indented} but no object", "plain"]
    jsonl = PRESETS["jsonl"]
    frame, matched = jsonl.parse(text)
    assert not matched.any() and "timestamp" in frame
    assert _fit(jsonl, text, -3, floor=0.5) == (False, 0.0, 0.0, len(jsonl.columns), -3)
    untimed = LogFormat("", "keyed", json_key="msg", keys=(("Level", "lvl"),))
    assert _fit(untimed, text, 0, floor=0.5) == (True, 0.0, 0.0, len(untimed.columns), 0)
    mixed = text + ['{"message": "hi", "time": "2024-03-11T06:02:18Z"}']
    assert _fit(jsonl, mixed, 0, floor=0.0)[1] == 0.25


def test_a_preset_that_cannot_outrank_the_best_fit_is_not_parsed(monkeypatch):
    """A second preset that reads every line as the best so far did, with no more columns, ranks below it whatever
    its times: detection matches it and chooses as before, without parsing the sample with it (its times)."""
    from logad_utils.formats import _fit

    lines = [f"Jun 14 15:16:{i:02d} combo sshd(pam_unix)[{19900 + i}]: check pass; user unknown" for i in range(40)]
    parsed: list[str] = []
    real = LogFormat._parse

    def spy(self, sample):
        parsed.append(self.name)
        return real(self, sample)

    monkeypatch.setattr(LogFormat, "_parse", spy)
    assert detect_format(lines).name == "syslog"
    assert "syslog" in parsed and "linux" not in parsed
    best = _fit(PRESETS["syslog"], lines, 0, floor=0.5)
    assert best[:3] == (True, 1.0, 1.0) and len(PRESETS["linux"].columns) <= best[3]
    assert _fit(PRESETS["linux"], lines, -1, floor=1.0, beat=best) <= best
    # Without a key to beat, the same preset is parsed and read with its times.
    assert _fit(PRESETS["linux"], lines, -1, floor=1.0)[:3] == (True, 1.0, 1.0)
