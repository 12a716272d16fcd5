"""Layout inference: unknown text headers, JSON and logfmt dialects, and `logad formats --detect`."""
import json
import re
import shlex
import time
from typing import Callable

import numpy as np
import pandas as pd
import pytest

from conftest import compose_lines, run_cpu_bounded
from logad_utils.cli import main
from logad_utils.features import severity
from logad_utils.formats import PRESETS, LogFormat, detect_format
from logad_utils.io import detection_sample, parse_lines
from logad_utils.layout import infer_structured_format, infer_text_format, starts_with_timestamp
from logad_utils.templates import mine_templates
from logad_utils.pipeline import parse_logs

T0 = pd.Timestamp("2024-03-05 14:07:09")


def _times(n: int) -> list[pd.Timestamp]:
    return [T0 + pd.Timedelta(seconds=37 * i) for i in range(n)]


WORDS = ["connection from 10.0.0.{i} accepted", "user u{i} logged in", "cache miss for key k{i}", "job {i} done"]


def _messages(n: int) -> list[str]:
    return [WORDS[i % len(WORDS)].format(i=i) for i in range(n)]


def _headed(header: Callable[[int, pd.Timestamp], str], messages: list[str] | None = None) -> list[str]:
    """Lines of ``header(i, time)``, a space and the i-th of ``messages`` (60 of :func:`_messages` if None)."""
    messages = _messages(60) if messages is None else messages
    return [f"{header(i, t)} {m}" for i, (t, m) in enumerate(zip(_times(len(messages)), messages))]


LEVELS = ["INFO", "WARN", "ERROR", "DEBUG"]
TEXT_LAYOUTS = {
    # name: line maker (timestamp, level, message) and the columns the inferred format must have
    "dpkg": (lambda t, lv, m: f"{t:%Y-%m-%d %H:%M:%S} {m}", set()),
    "program-first-colon": (lambda t, lv, m: f"update-alternatives {t:%Y-%m-%d %H:%M:%S}: {m}", {"component"}),
    "iso-z": (lambda t, lv, m: f"{t:%Y-%m-%dT%H:%M:%S}.123Z {lv} {m}", {"level"}),
    "syslog": (lambda t, lv, m: f"{t:%b} {t.day:2d} {t:%H:%M:%S} web01 nginx[812]: {m}", {"host", "component", "pid"}),
    "epoch-ms": (lambda t, lv, m: f"{int(t.timestamp() * 1000)} [{lv}] {m}", {"level"}),
    "epoch-s": (lambda t, lv, m: f"{int(t.timestamp())} {lv} worker-3 - {m}", {"level", "component"}),
    "clf": (lambda t, lv, m: f'10.1.2.3 - - [{t:%d/%b/%Y:%H:%M:%S} +0000] "GET /x HTTP/1.1" 200 {m}', set()),
    "log4j": (lambda t, lv, m: f"{t:%Y-%m-%d %H:%M:%S},042 [pool-1-thread-2] {lv:5s} com.acme.Api - {m}",
              {"level", "thread", "component"}),
    "level-first": (lambda t, lv, m: f"{lv:5s} {t:%Y-%m-%d %H:%M:%S} [main] {m}", {"level", "component"}),
    "bracketed-level-first": (lambda t, lv, m: f"[{lv}] {t:%Y-%m-%dT%H:%M:%S} {m}", {"level"}),
    "bracketed-ctime": (lambda t, lv, m: f"[{t:%a %b %d %H:%M:%S %Y}] [{lv.lower()}] {m}", {"level"}),
    # The timestamp opens a bracket that also holds the level and the module (Rust's env_logger, Celery).
    "bracket-time-level-module": (lambda t, lv, m: f"[{t:%Y-%m-%dT%H:%M:%S}Z {lv:<5} app::net] {m}",
                                  {"level", "component"}),
    "bracket-time-colon-level-process": (lambda t, lv, m: f"[{t:%Y-%m-%d %H:%M:%S},123: {lv}/MainProcess] {m}",
                                         {"level", "component"}),
    # A 12-hour clock after a US date: the afternoon stays in the afternoon, 03/05 is March 5.
    "us-date-12-hour": (lambda t, lv, m: f"{t:%m/%d/%Y %I:%M:%S %p} {lv} {m}", {"level"}),
    # A zone glued to the fraction (Jenkins, Java's "yyyy-MM-dd HH:mm:ss.SSSZ").
    "glued-zone": (lambda t, lv, m: f"{t:%Y-%m-%d %H:%M:%S}.123+0000 [id=23]\t{lv}\thudson.Main#run: {m}",
                   {"level", "component"}),
    "bracket-time-host": (lambda t, lv, m: f"[{t:%Y-%m-%d %H:%M:%S} web01] {m}", set()),
    # RFC 1123 (HTTP dates, JavaScript's toUTCString()): a weekday with a comma and a zone name.
    "rfc-1123": (lambda t, lv, m: f"{t:%a, %d %b %Y %H:%M:%S} GMT {lv} {m}", {"level"}),
    "gnu-date": (lambda t, lv, m: f"{t:%a %b} {t.day:2d} {t:%H:%M:%S} UTC {t:%Y} {m}", set()),
    "zone-name-glued": (lambda t, lv, m: f"{t:%Y-%m-%d %H:%M:%S}GMT {lv} {m}", {"level"}),
    # Brackets glued together, the level padded inside its own (Elasticsearch).
    "glued-padded-brackets": (lambda t, lv, m: f"[{t:%Y-%m-%dT%H:%M:%S},123][{lv:<5}][o.e.n.Node   ] {m}",
                              {"level"}),
}


@pytest.mark.parametrize("name", TEXT_LAYOUTS)
def test_text_headers_are_inferred_with_their_timestamp(name):
    make, columns = TEXT_LAYOUTS[name]
    times, msgs = _times(200), _messages(200)
    lines = [make(t, LEVELS[i % 4], m) for i, (t, m) in enumerate(zip(times, msgs))]
    fmt = infer_text_format(lines)
    assert fmt is not None and "<Content>" in fmt.pattern
    frame, ok = fmt.parse(lines)
    assert ok.mean() == 1.0
    assert columns <= set(frame.columns)
    found = frame["timestamp"].dt.floor("s")
    if name == "syslog":  # no year in the header
        found = found + pd.DateOffset(years=T0.year - 2000)
    assert (found.to_numpy() == np.array(times, dtype="datetime64[ns]")).mean() >= 0.95
    assert all(c.endswith(m) for c, m in zip(frame["content"], msgs))
    if "level" in columns:
        assert frame["level"].str.upper().str.strip().isin(LEVELS).all()
    # The printed format string works when copied, without the field patterns inference added: same fields.
    copied, copied_ok = LogFormat(fmt.pattern).parse(lines)
    assert copied_ok.mean() == 1.0
    assert copied["content"].tolist() == frame["content"].tolist()
    # Its timestamps are read as inference reads them (epoch, no year, CLF, ...).
    assert (copied["timestamp"] == frame["timestamp"]).all()
    if "level" in columns:
        assert copied["level"].tolist() == frame["level"].tolist()


# Common layouts read with no format: line maker (timestamp, level, message), whether the header has a
# year, the level as written (None: no level), the component every line names (None: none).
LETTER = {"INFO": "I", "WARN": "W", "ERROR": "E", "DEBUG": "D"}
FAMILIES = {
    "logcat": (lambda t, lv, m: f"{t:%m-%d %H:%M:%S}.042  1234  1301 {LETTER[lv]} ActivityManager: {m}",
               False, LETTER, "ActivityManager"),
    "glog": (lambda t, lv, m: f"{LETTER[lv] if lv != 'DEBUG' else 'I'}{t:%m%d %H:%M:%S}.123456    4242 "
                              f"server.go:87] {m}", False, {**LETTER, "DEBUG": "I"}, "server.go:87"),
    "python-basic": (lambda t, lv, m: f"{lv.replace('WARN', 'WARNING')}:app.db:{m}", None,
                     {"WARN": "WARNING"}, "app.db"),
    "windows-cbs": (lambda t, lv, m: f"{t:%Y-%m-%d %H:%M:%S}, {lv.title():<21} CBS    {m}", True,
                    {lv: lv.title() for lv in LEVELS}, "CBS"),
    "pipe-delimited": (lambda t, lv, m: f"{t:%Y%m%d-%H:%M:%S}:311|Step_SPUtils|30002312|{m}", True, None,
                       "Step_SPUtils"),
    "bracketed-month-day": (lambda t, lv, m: f"[{t:%m.%d %H:%M:%S}] chrome.exe - {m}", False, None, "chrome.exe"),
    "macos-subsystem": (lambda t, lv, m: f"{t:%b} {t.day:2d} {t:%H:%M:%S} mbp com.apple.xpc.launchd[1] "
                                         f"(com.apple.WebKit.{len(m)}): {m}", False, None, "com.apple.xpc.launchd"),
    "openstack": (lambda t, lv, m: f"nova-api.log.1 {t:%Y-%m-%d %H:%M:%S}.008 25746 {lv} nova.osapi.wsgi "
                                   f"[req-3f2a - - - - -] {m}", True, {}, "nova.osapi.wsgi"),
    "python-asctime": (lambda t, lv, m: f"{t:%Y-%m-%d %H:%M:%S},123 - billing - {lv} - {m}", True, {}, "billing"),
    "tomcat": (lambda t, lv, m: f"{t:%d-%b-%Y %H:%M:%S}.123 {lv} [main] org.apache.catalina.Startup.start {m}",
               True, {}, "org.apache.catalina.Startup.start"),
    "serilog": (lambda t, lv, m: f"{t:%Y-%m-%d %H:%M:%S}.123 +00:00 "
                                 f"[{lv[:3].replace('WAR', 'WRN').replace('DEB', 'DBG')}] {m}",
                True, {"INFO": "INF", "WARN": "WRN", "ERROR": "ERR", "DEBUG": "DBG"}, None),
    "postgres": (lambda t, lv, m: f"{t:%Y-%m-%d %H:%M:%S}.123 UTC [4711] {lv.replace('INFO', 'LOG')}:  {m}", True,
                 {"INFO": "LOG"}, None),
}


@pytest.mark.parametrize("name", FAMILIES)
def test_common_families_are_read_without_a_format(name):
    make, year, levels, component = FAMILIES[name]
    times, msgs = _times(200), _messages(200)
    written = [LEVELS[i % 4] for i in range(200)]
    lines = [make(t, lv, m) for t, lv, m in zip(times, written, msgs)]
    frame, ok = detect_format(lines).parse(lines)
    assert ok.all()
    assert all(c.endswith(m) for c, m in zip(frame["content"], msgs))
    if year is not None:
        found = frame["timestamp"].dt.floor("s")
        if not year:  # no year in the header: it is read as 2000
            found = found + pd.DateOffset(years=T0.year - 2000)
        assert (found.to_numpy() == np.array(times, dtype="datetime64[ns]")).all()
    if levels is not None:
        assert frame["level"].tolist() == [levels.get(lv, lv) for lv in written]
    if component is not None:
        assert frame["component"].eq(component).all()


def test_dpkg_style_header_is_no_longer_raw():
    lines = [f"2024-03-05 14:07:{i:02d} status installed libc6:amd64 2.36-{i}" for i in range(40)]
    fmt = detect_format(lines)
    assert fmt.name == "inferred" and fmt.pattern == "<Date> <Time> <Content>"
    assert fmt.parse(lines)[0]["timestamp"].notna().all()


@pytest.mark.parametrize("case", [str.upper, str.lower])
def test_day_month_year_dates_in_capitals_or_lower_case_are_read(case):
    # Oracle writes its month's name in capitals ("12-MAR-2024"), as its default NLS date format does; others in
    # lower case ("12-mar-2024").
    times = _times(60)
    lines = [case(f"{t:%d}-{t:%b}-{t:%Y} {t:%H:%M:%S} ") + m for t, m in zip(times, _messages(60))]
    fmt = detect_format(lines)
    assert fmt.pattern == "<Date> <Time> <Content>"
    assert (fmt.parse(lines)[0]["timestamp"] == pd.Series(times)).all()


def test_a_star_between_the_time_and_the_message_is_a_separator():
    # Oracle's listener: "12-MAR-2024 07:01:05 * service_update * orclcdb * 0"; the star is no word of the message.
    msgs = [f"service_update * db{i % 3} * {i % 2}" if i % 2 else f"(CONNECT_DATA=(SID=db{i})) * status * 0"
            for i in range(60)]
    lines = [f"{t:%Y-%m-%d %H:%M:%S} * {m}" for t, m in zip(_times(60), msgs)]
    fmt = detect_format(lines)
    assert fmt.pattern == r"<Date> <Time> \* <Content>"
    assert LogFormat(fmt.pattern).parse(lines)[0]["content"].tolist() == msgs


def test_a_programs_own_level_words_before_the_time_are_its_levels():
    # Tinyproxy's "CONNECT" beside "INFO" and "ERROR", in the level's column before the time.
    written = [("CONNECT", "INFO", "CONNECT", "INFO", "ERROR")[i % 5] for i in range(60)]
    lines = [f"{lv:<9} {t:%b %d %H:%M:%S}.331 [14760]: {m}" for lv, t, m in zip(written, _times(60), _messages(60))]
    frame = parse_lines(lines)
    assert frame["level"].tolist() == written
    assert frame["content"].tolist() == _messages(60)


def test_a_padded_level_column_between_pipes_is_the_level():
    # TeamSpeak's "time|INFO    |ServerLibPriv |   |message": the level padded to the width its longest fills.
    written = [("INFO", "INFO", "WARNING", "ERROR", "CRITICAL")[i % 5] for i in range(60)]
    lines = [f"{t:%Y-%m-%d %H:%M:%S}.512230|{lv:<8}|VirtualServer |{i % 3 + 1:<3}|{m}"
             for i, (lv, t, m) in enumerate(zip(written, _times(60), _messages(60)))]
    fmt = detect_format(lines)
    frame, ok = LogFormat(fmt.pattern).parse(lines)
    assert ok.all() and frame["level"].tolist() == written
    assert frame["content"].tolist() == _messages(60)


@pytest.mark.parametrize("after", ["| ", "|VirtualServer |"])
def test_a_blank_cell_in_a_padded_level_column_is_no_level(after):
    # "|        |" beside "|INFO    |" and "|CRITICAL|": the line was unread, its pipes and padding in the message.
    written = [("INFO", "", "WARNING", "ERROR", "CRITICAL")[i % 5] for i in range(60)]
    lines = [f"{t:%Y-%m-%d %H:%M:%S} |{lv:<8}{after}{m}" for lv, t, m in zip(written, _times(60), _messages(60))]
    frame = parse_lines(lines)
    assert frame["parsed"].all() and frame["level"].fillna("").tolist() == written
    assert frame["content"].tolist() == _messages(60)


def test_no_header_stays_raw():
    assert detect_format(["just some words", "and more words here", "nothing else"] * 5).name == "raw"


def _far_time_lines(times: list[str]) -> list[str]:
    """Access lines whose time stands past their first tokens, in brackets, with a line without one between."""
    lines = []
    for i, t in enumerate(times):
        lines.append(f"[pid: {100 + i % 3}|req: {i}/{i + 7}] 10.0.0.{i % 9} () {{3{i % 7} vars in 8{i:02d} bytes}} "
                     f"[{t}] GET /items/{i} => generated {i * 13} bytes in {i % 5} msecs (HTTP/1.1 200)")
        if i % 4 == 0:
            lines.append(f"Not Found: /probe{i}.php")
    return lines


def test_a_time_past_the_first_tokens_is_read_and_the_line_kept_whole(tmp_path):
    stamps = pd.date_range("2024-01-16 14:00:02", periods=40, freq="37s")
    lines = _far_time_lines([f"{t:%a %b %d %H:%M:%S %Y}" for t in stamps])
    path = tmp_path / "uwsgi.log"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    frame = parse_logs(path, warn=False)
    timed = frame["content"].str.startswith("[pid:")
    assert frame["content"].tolist() == lines and frame["parsed"].all()
    assert frame.loc[timed, "timestamp"].tolist() == list(stamps)
    assert frame.loc[~timed, "timestamp"].isna().all() and (frame["event_line_no"] == frame["line_no"]).all()


@pytest.mark.parametrize("written, read", [("%m/%d/%Y-%H:%M:%S.%f", "%Y"), ("%m/%d-%H:%M:%S.%f", "2000"),
                                           ("%Y/%m/%d-%H:%M:%S.%f", "%Y"), ("%Y:%m:%d-%H:%M:%S.%f", "%Y")])
def test_a_date_and_clock_joined_by_a_dash_is_a_time(written, read):
    # An intrusion detector's alert log ("03/11/2024-09:16:08.436556  [**] [1:2010935:3] ET POLICY ..."), with
    # a year or without; a SAN switch's error log writes the year first ("2024/02/27-06:35:52, [FW-1424], ...");
    # Sophos UTM's firewall with colons ("2024:02:19-13:58:05 gw ulogd[4711]: ..."), read by no layout before.
    stamps = pd.date_range("2024-03-11 23:58:00", periods=40, freq="7s") + pd.Timedelta(microseconds=436556)
    lines = [f"{t.strftime(written)}  [**] [1:20109{i % 7}:3] ET POLICY Suspicious inbound to port {1400 + i} [**] "
             f"[Priority: {1 + i % 3}] {{TCP}} 10.0.0.{i}:5{i:04d} -> 10.0.1.2:1433" for i, t in enumerate(stamps)]
    frame, ok = detect_format(lines).parse(lines)
    assert ok.all() and not frame["content"].str.contains("03/11").any()
    want = stamps if read == "%Y" else stamps - pd.DateOffset(years=24)
    assert frame["timestamp"].tolist() == list(want)


def test_a_dotted_date_and_clock_joined_by_a_dash_is_a_time():
    # Unreal Engine's "[2024.06.08-18.22.01:730][  0]LogInit: ...": its milliseconds after a colon, the frame
    # number padded in the next bracket. The time had not been read at all.
    stamps = pd.date_range("2024-06-08 23:59:50", periods=40, freq="730ms")
    lines = [f"[{t:%Y.%m.%d-%H.%M.%S}:{t.microsecond // 1000:03d}][{i % 500:3d}]LogNet: {_messages(40)[i]}"
             for i, t in enumerate(stamps)]
    frame = parse_lines(lines)
    assert frame["timestamp"].tolist() == list(stamps) and frame["content"].tolist() == _messages(40)


def test_a_date_and_clock_joined_by_a_pipe_is_a_time():
    # Go's log15 terminal lines ("INFO [03-05|13:58:44.512] Imported new chain segment  number=5"): the time had
    # not been read, the bracket left as a field.
    stamps = pd.date_range("2024-03-05 23:59:50", periods=40, freq="730ms")
    lines = [f"INFO [{t:%m-%d|%H:%M:%S}.{t.microsecond // 1000:03d}] {m}" for t, m in zip(stamps, _messages(40))]
    frame = parse_lines(lines)
    assert frame["timestamp"].tolist() == list(stamps - pd.DateOffset(years=24))
    assert frame["content"].tolist() == _messages(40)


def test_a_padded_level_glued_to_the_times_bracket_is_read():
    # log15 pads its level to five letters, so "ERROR" touches the bracket ("ERROR[03-05|...]"), on lines the
    # detection sample may lack: those lines were joined to the event above as continuation lines.
    stamps = pd.date_range("2024-03-05 10:00:00", periods=60, freq="1s")
    levels = ["INFO "] * 50 + ["ERROR", "WARN "] * 5
    lines = [f"{lv}[{t:%m-%d|%H:%M:%S}.000] {m}" for lv, t, m in zip(levels, stamps, _messages(60))]
    frame = parse_lines(lines)
    assert frame["level"].tolist() == [lv.strip() for lv in levels] and frame["content"].tolist() == _messages(60)


def test_a_date_glued_to_a_bracketed_session_number_is_read_whole():
    # FileZilla Server's "(040212)3/5/2024 6:48:17 AM - ...": the date after the session's bracket was no time's,
    # so the lines were read at 6:48 of 1970-01-01.
    stamps = pd.date_range("2024-03-05 11:59:30", periods=40, freq="1s")
    lines = [f"({40212 + i // 8:06d}){t.month}/{t.day}/{t.year} {t:%I:%M:%S %p} - {m}"
             for i, (t, m) in enumerate(zip(stamps, _messages(40)))]
    frame = parse_lines(lines)
    assert frame["timestamp"].tolist() == list(stamps) and frame["content"].tolist() == _messages(40)


def test_lines_of_two_dated_layouts_keep_their_dates():
    # A container's output with a server's lines and its app's ("[2024-03-11 09:14:02 +0000] [1] [INFO] ..." beside
    # "2024-03-11 09:14:05,331 INFO [app] ..."): both share the clock, which read alone lost the date.
    lines = [f"[2024-03-11 09:{i:02d}:02 +0000] [1] [INFO] Booting worker with pid: {i}" if i % 4 == 0 else
             f"2024-03-11 09:{i:02d}:05,331 {LEVELS[i % 4]} [app] GET /api/items/{i} 200" for i in range(40)]
    fmt = detect_format(lines)
    frame = fmt.parse(lines)[0]
    assert "<Date>" in fmt.pattern and frame["timestamp"].dt.year.dropna().eq(2024).all()
    assert frame["timestamp"].notna().sum() >= 30


def test_lines_of_several_writers_read_each_by_its_own_layout(tmp_path):
    lines, stamps = compose_lines()
    lines.insert(7, "db-1     | ")  # a blank line of the program's own
    path = tmp_path / "compose.log"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    frame = parse_logs(path, warn=False)
    assert frame.attrs["read_report"]["formats"][str(path)] == "inferred+writers"
    rows = frame[~frame["blank"]]
    assert rows["timestamp"].dt.floor("ms").tolist() == [t.floor("ms") for t in stamps] and frame["blank"].sum() == 1
    assert rows["component"].tolist() == [("web-1", "db-1", "cache-1")[i % 3] for i in range(len(stamps))]
    assert rows["content"].iloc[:3].tolist() == ["GET /items/0", "checkpoint 1", "Saved 2 keys"]
    assert rows["level"].iloc[0] == "INFO" and rows["message_component"].iloc[0] == "app"
    assert rows["template"].nunique() == 3 and (frame["event_line_no"] == frame["line_no"]).all()


def test_one_writer_or_a_level_before_a_bar_is_no_writers_layout():
    lines = [f"kid1| {i} Accepting HTTP connection" for i in range(30)]
    lines += [f"{LEVELS[i % 4]} | job {i} done" for i in range(30)]
    assert detect_format(lines[:30]).name != "inferred+writers"
    assert detect_format(lines[30:]).name != "inferred+writers"


def test_a_number_before_a_bar_is_no_writer():
    # A '|'-delimited record that opens with its date (or an id): each day is no program, and its time keeps its date.
    lines = [f"202403{11 + i // 20}|09:{i:02d}:00|{LEVELS[i % 4]}|payment|order {i} settled" for i in range(60)]
    assert detect_format(lines).name != "inferred+writers"

def test_a_table_with_bars_is_no_writers_layout():
    # A text table's rows each open with their own name (a pod, a disk), its cells between bars at one column.
    lines = ["NAME      | STATUS   | RESTARTS | AGE"]
    lines += [f"{name:<9} | {state:<8} | {i:<8} | {i + 1}h" for i, (name, state) in enumerate(
        [("api-7f9c", "Running"), ("db-0", "Running"), ("cache-0", "Pending"), ("worker-a", "Failed")])]
    assert detect_format(lines).name != "inferred+writers"

def test_dates_a_message_names_out_of_order_are_no_clock():
    days = [f"2024-0{1 + i % 9}-{1 + (i * 7) % 28:02d} 10:00:00" for i in range(40)]
    assert detect_format(_far_time_lines(days)).name == "raw"


def _json_lines(dialect: str, n: int = 120) -> list[str]:
    out = []
    for i, (t, m) in enumerate(zip(_times(n), _messages(n))):
        level = LEVELS[i % 4]
        iso = t.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        if dialect == "pino":
            obj = {"level": [30, 40, 50, 20][i % 4], "time": int(t.timestamp() * 1000), "pid": 4242,
                   "hostname": "h1", "msg": m}
        elif dialect == "bunyan":
            obj = {"name": "api", "hostname": "h1", "pid": 7, "level": [30, 40, 50, 20][i % 4], "msg": m,
                   "time": iso, "v": 0}
        elif dialect == "zap":
            obj = {"level": level.lower(), "ts": t.timestamp() + 0.25, "caller": "srv/main.go:42", "msg": m,
                   "request_id": f"r{i}"}
        elif dialect == "logrus":
            obj = {"level": level.lower(), "msg": m, "time": t.strftime("%Y-%m-%dT%H:%M:%S+00:00"), "user": "u"}
        elif dialect == "ecs":
            obj = {"@timestamp": iso, "log.level": level.lower(), "message": m, "ecs.version": "1.6.0",
                   "log": {"logger": "com.acme.Api"}, "process": {"thread": {"name": "main"}}}
        elif dialect == "uncommon-keys":  # time and level under names no list holds, found by their values
            obj = {"t": {"$date": iso}, "sev": level.lower(), "ctx": "conn12", "msg": m, "attr": {"n": i}}
        elif dialect == "docker":  # the json-file driver keeps the program's line break
            obj = {"log": m + "\n", "stream": "stdout", "time": iso, "level": level}
        else:
            raise ValueError(dialect)
        out.append(json.dumps(obj))
    return out


def _logfmt_lines(n: int = 120) -> list[str]:
    return [f'time={t:%Y-%m-%dT%H:%M:%SZ} level={LEVELS[i % 4].lower()} logger=db msg="{m}" took={i}ms'
            for i, (t, m) in enumerate(zip(_times(n), _messages(n)))]


@pytest.mark.parametrize("dialect", ["pino", "bunyan", "zap", "logrus", "ecs", "uncommon-keys", "docker", "logfmt"])
def test_structured_dialects_give_time_level_and_plain_templates(tmp_path, dialect):
    lines = _logfmt_lines() if dialect == "logfmt" else _json_lines(dialect)
    path = tmp_path / "app.log"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    frame = parse_logs(path, warn=False)
    assert frame.attrs["read_report"]["formats"][str(path)] == ("logfmt" if dialect == "logfmt" else "json")
    assert frame["timestamp"].notna().mean() >= 0.95
    assert frame["level"].notna().mean() >= 0.95
    times = np.array(_times(len(lines)), dtype="datetime64[ns]")
    assert (frame["timestamp"].dt.floor("s").to_numpy() == times).mean() >= 0.95
    assert set(frame["level"].str.upper()) <= {"INFO", "WARN", "ERROR", "DEBUG"}
    assert frame["content"].tolist() == _messages(len(lines))
    for template in frame["template"]:
        assert not any(ch in template for ch in '{}"') and ":" not in template


def test_logfmt_lines_with_a_bare_key_among_their_pairs_are_events_of_their_own(tmp_path):
    # logrus prints a key with a space in it unquoted (Argo's "Workflow Size=26997": a key with no value, then a
    # pair), slog quotes it; such a line was joined onto the event above it.
    lines, messages = _logfmt_lines(60), _messages(60)
    for i in range(3, 60, 7):
        key = '"Workflow Size"' if i % 2 else "Workflow Size"
        lines[i] = f'time=2024-03-05T14:07:{i % 60:02d}Z level=info msg="Workflow to be dehydrated" {key}={i} ns=ci'
        messages[i] = "Workflow to be dehydrated"
    path = tmp_path / "controller.log"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    frame = parse_logs(path, warn=False)
    assert frame.attrs["read_report"]["formats"][str(path)] == "logfmt"
    assert frame["content"].tolist() == messages and frame["event_line_no"].tolist() == list(range(1, 61))
    # The same pairs under a syslog header: the message is read as pairs too.
    lines = [f"Mar 11 10:00:{i:02d} host app[812]: " + line.split(" ", 1)[1] for i, line in enumerate(lines)]
    frame, matched = detect_format(lines).parse(lines)
    assert matched.all() and frame["content"].tolist() == messages


def test_plain_text_with_a_pair_or_two_among_its_words_is_not_logfmt():
    # One a=b word a line, or two with words between them: text, though a logfmt file's line may hold bare keys.
    for make in (lambda i: f"worker {i} finished batch size={i} in {i % 7} seconds",
                 lambda i: f"user=u{i} logged in from host=10.0.0.{i}"):
        lines = [make(i) for i in range(60)]
        assert infer_structured_format(lines) is None and not detect_format(lines).logfmt


def _delimited_lines(dialect: str, n: int = 120) -> list[str]:
    rows = []
    for i, (t, m) in enumerate(zip(_times(n), _messages(n))):
        level = LEVELS[i % 4]
        if dialect == "csv":  # header, message last and quoted where it holds a comma
            rows.append(f'{t:%Y-%m-%dT%H:%M:%SZ},{level},web{i % 3},"{m}, attempt {i}"')
        elif dialect == "semicolon":  # message in the middle, time as epoch milliseconds, no header
            rows.append(f"{int(t.timestamp() * 1000)};{m};{level}")
        else:  # pipes glued to the time; a message with a pipe of its own spills into the last column
            rows.append(f"{t:%Y-%m-%d %H:%M:%S}|{level}|api|{m}" + (" | retry" if i % 10 == 0 else ""))
    return (["timestamp,level,host,message"] if dialect == "csv" else []) + rows


@pytest.mark.parametrize("dialect", ["csv", "semicolon", "pipes"])
def test_delimited_logs_give_time_level_and_their_message_column(tmp_path, dialect):
    lines = _delimited_lines(dialect)
    path = tmp_path / "export.log"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    frame = parse_logs(path, warn=False)
    # Pipes glued to the time are a text header the layout inference reads as well (with the component).
    assert frame.attrs["read_report"]["formats"][str(path)] == ("inferred" if dialect == "pipes" else "delimited")
    events = frame[~frame["blank"]]
    assert len(events) == 120 and events["parsed"].all()
    assert frame["blank"].sum() == (dialect == "csv")  # the header line holds no event
    times = np.array(_times(120), dtype="datetime64[ns]")
    assert (events["timestamp"].to_numpy() == times).all()
    assert events["level"].tolist() == [LEVELS[i % 4] for i in range(120)]
    expected = {"csv": [f"{m}, attempt {i}" for i, m in enumerate(_messages(120))],
                "semicolon": _messages(120),
                "pipes": [m + (" | retry" if i % 10 == 0 else "") for i, m in enumerate(_messages(120))]}[dialect]
    assert events["content"].tolist() == expected
    if dialect == "csv":
        assert events["host"].tolist()[:3] == ["web0", "web1", "web2"]


def test_an_event_viewer_export_names_all_columns_but_the_description():
    lines = ["Level,Date and Time,Source,Event ID,Task Category",
             'Information,12/1/2026 10:00:00 AM,Service Control Manager,7036,None,"The service entered the '
             'running state."',
             'Error,12/1/2026 10:00:05 AM,Disk,7,None,"The device, \\Device\\Harddisk1, has a bad block."',
             'Warning,12/1/2026 1:01:00 PM,Time-Service,129,None,"NtpClient was unable to set a peer."']
    frame = parse_lines(lines)
    assert frame["blank"].tolist() == [True, False, False, False] and frame["parsed"][1:].all()
    assert frame["timestamp"][1:].tolist() == [pd.Timestamp("2026-12-01 10:00:00"), pd.Timestamp("2026-12-01 10:00:05"),
                                               pd.Timestamp("2026-12-01 13:01:00")]
    assert frame["level"][1:].tolist() == ["Information", "Error", "Warning"]
    assert frame["component"][1:].tolist() == ["Service Control Manager", "Disk", "Time-Service"]
    assert frame["content"][2] == "The device, \\Device\\Harddisk1, has a bad block."


@pytest.mark.parametrize("written", [
    "{m:02d}/{d:02d}/26 {h:02d}:{mi:02d}",  # Excel's US default: two-digit year, no seconds
    "{m}/{d}/26 {h12}:{mi:02d} {ampm}",  # one-digit month and day, 12-hour clock
    "{d:02d}.{m:02d}.26 {h:02d}:{mi:02d}:{s:02d}",  # dots: day first
    "2026-{m:02d}-{d:02d} {h:02d}:{mi:02d}",  # ISO date, minutes only
])
def test_spreadsheet_time_cells_with_a_two_digit_year_or_no_seconds(written):
    times = [pd.Timestamp("2026-12-01 08:05:09") + pd.Timedelta(minutes=97 * i) for i in range(40)]
    cells = [written.format(m=t.month, d=t.day, h=t.hour, h12=(t.hour - 1) % 12 + 1, ampm="AM" if t.hour < 12
                            else "PM", mi=t.minute, s=t.second) for t in times]
    lines = ["Time,Level,Source,Message"] + [f'{c},INFO,svc{i % 3},"job {i} done"' for i, c in enumerate(cells)]
    assert detect_format(lines).name == "delimited"
    frame = parse_lines(lines)
    # Three days of December 2026, not three months of 2012: of the orders that read every cell, the shortest span.
    seconds = ":{s" in written
    expected = [t if seconds else t.floor("min") for t in times]
    assert frame["timestamp"][1:].tolist() == expected


def test_two_digit_years_of_one_day_read_year_last_and_four_digit_years_keep_month_first():
    def cells(values):
        return ["Time,Level,Source,Message"] + [f'{v},INFO,s,"m {i}"' for i, v in enumerate(values)]

    # One day: every order spans the same; a cell is a spreadsheet's, year last (slashes month first, dots day first).
    for written in ("12/01/26 1{h}:05:09", "01.12.26 1{h}:05:09"):
        frame = parse_lines(cells([written.format(h=h) for h in range(8)]))
        assert frame["timestamp"][1:].tolist() == [pd.Timestamp(f"2026-12-01 1{h}:05:09") for h in range(8)]
    # A year first reads when only it spans a short time (Spark's "17/06/09").
    frame = parse_lines(cells([f"17/06/0{d} 10:00:00" for d in range(1, 4)]))
    assert frame["timestamp"][1:].tolist() == [pd.Timestamp(f"2017-06-0{d} 10:00") for d in range(1, 4)]
    # A four-digit year keeps the slashes' month-first habit however short the other reading's span.
    monthly = [f"{m}/1/2026 10:00:00 INFO comp: report {m}" for m in range(1, 7)]
    assert parse_lines(monthly)["timestamp"].tolist() == [pd.Timestamp(f"2026-{m:02d}-01 10:00") for m in range(1, 7)]


@pytest.mark.parametrize("day_first", [True, False])
def test_a_date_that_steps_one_day_at_midnight_settles_day_and_month_order(day_first):
    # Both orders read every line, and a four-digit year would keep month first: the clock passing midnight
    # while the date moves one day (not a month) settles it.
    times = [pd.Timestamp("2024-03-05 23:58") + pd.Timedelta(minutes=m) for m in (0, 1, 3, 4)]
    order = "%d/%m/%Y %H:%M:%S" if day_first else "%m/%d/%Y %H:%M:%S"
    lines = [f"{t.strftime(order)} INFO app: step {i}" for i, t in enumerate(times)]
    assert parse_lines(lines)["timestamp"].tolist() == times


def test_delimited_records_that_span_lines_keep_their_time_and_the_preamble_is_blank():
    lines = ["#TYPE System.Diagnostics.EventLogEntry",
             "TimeGenerated,EntryType,Source,Message",
             '12/1/2026 10:00:05 AM,Information,Security,"An account was successfully logged on.', "",
             "Subject:", '\tAccount Name:\t\tHOST$"',
             "12/1/2026 10:02:11 AM,Error,Service Control Manager,The Foo service terminated unexpectedly.",
             '12/1/2026 10:03:00 AM,Information,Security,"An account was successfully logged on.', "",
             "Subject:", '\tAccount Name:\t\tHOST$"',
             "12/2/2026 9:00:00 AM,Information,EventLog,The Event log service was started."]
    frame = parse_lines(lines)
    assert frame["blank"].tolist()[:2] == [True, True]
    assert frame["event_line_no"].tolist()[2:7] == [3, 4, 3, 3, 7]  # a blank line is a row of its own
    events = frame[(frame["line_no"] == frame["event_line_no"]) & ~frame["blank"]]
    assert events["level"].tolist() == ["Information", "Error", "Information", "Information"]
    assert events["component"].tolist() == ["Security", "Service Control Manager", "Security", "EventLog"]
    assert events["timestamp"].notna().all() and events["event"].iloc[0].startswith("An account was successfully")



def test_a_text_tables_header_row_and_its_repeats_are_no_event_where_the_rows_align_under_it():
    # kubectl get events -A, run twice into one log: each run prints the column names again.
    header = "NAMESPACE     LAST SEEN   TYPE      REASON      OBJECT            MESSAGE"
    rows = ["default       2m          Normal    Scheduled   pod/web-7d4b9c    Successfully assigned default/web",
            "kube-system   90s         Warning   BackOff     pod/coredns-5d    Back-off restarting failed container",
            "default       30s         Normal    Killing     pod/web-7d4b9c    Stopping container web"]
    frame = parse_lines([header, *rows, header, rows[0]])
    assert frame["blank"].tolist() == [True, False, False, False, True, False]
    assert frame["content"].tolist()[1:4] == rows and frame["line_no"].tolist() == [1, 2, 3, 4, 5, 6]
    # Capitals whose words the rows do not start under, and df's mixed-case names, are lines like the others.
    for lines in (["ALERT  DISK  FULL ON NODE-1", *(" ".join(r.split()) for r in rows)],
                  ["Filesystem      Size  Used Avail Use% Mounted on", "/dev/sda1        50G   42G  5.5G  89% /",
                   "tmpfs           3.9G     0  3.9G   0% /dev/shm", "/dev/sdb1       200G  120G   71G  63% /data"]):
        assert not parse_lines(lines)["blank"].any()


def test_a_header_that_ends_in_its_delimiter_names_the_columns_before_an_unnamed_last_one():
    # Event Viewer's "Save as CSV": the description column is unnamed, after a trailing comma.
    lines = ["Level,Date and Time,Source,Event ID,Task Category,"]
    for i in range(8):
        message = f'"Application failure {i}.\nFaulting module: app.dll"' if i % 2 else f"Service started {i}."
        lines += f"{('Information', 'Error')[i % 2]},3/1/2024 10:0{i}:05 AM,App,{1000 + i},None,{message}".split("\n")
    frame = parse_lines(lines)
    assert frame["blank"].tolist()[:2] == [True, False]
    events = frame[(frame["line_no"] == frame["event_line_no"]) & ~frame["blank"]]
    assert events["level"].tolist() == ["Information", "Error"] * 4 and (events["component"] == "App").all()
    assert events["timestamp"].dt.minute.tolist() == list(range(8))
    assert events["event"].iloc[1].startswith("Application failure")

def test_delimited_cells_after_a_space_and_a_message_with_unquoted_commas():
    spaced = [f"INFO; 2026-01-12 10:00:0{i}; payment; accepted order {i}" for i in range(5)]
    frame = parse_lines(spaced)
    assert frame["timestamp"].notna().all() and frame["content"].tolist()[0] == "accepted order 0"
    unquoted = ["time,level,message", "2026-01-12 10:00:01,INFO,backup started, target /mnt/a",
                "2026-01-12 10:00:03,ERROR,copy failed, disk full, aborting", "2026-01-12 10:00:05,INFO,cleanup done"]
    frame = parse_lines(unquoted)
    assert frame["content"].tolist()[1:] == ["backup started, target /mnt/a", "copy failed, disk full, aborting",
                                             "cleanup done"]
    assert frame["level"].tolist()[1:] == ["INFO", "ERROR", "INFO"]


def test_a_fully_quoted_export_and_a_record_without_time_under_the_header():
    quoted = ["#TYPE System.Diagnostics.EventLogEntry", '"Index","TimeGenerated","EntryType","Source","Message"'] + [
        f'"{i}","3/1/2026 10:0{i}:00 AM","Information","svc","Message {i}, fine"' for i in range(5)]
    frame = parse_lines(quoted)
    assert frame["blank"].tolist() == [True, True] + [False] * 5
    assert frame["timestamp"][2:].tolist() == [pd.Timestamp(f"2026-03-01 10:0{i}:00") for i in range(5)]
    assert frame["content"][2:].tolist() == [f"Message {i}, fine" for i in range(5)]
    untimed = ["Time,Level,Source,Message", ",INFO,svc0,starting up"] + [
        f"2024-03-01 10:00:0{i},ERROR,svc0,did thing {i}" for i in range(9)] + [",INFO,svc0,starting up"]
    frame = parse_lines(untimed)
    assert frame["blank"].tolist() == [True] + [False] * 11
    assert frame["content"].tolist()[1] == frame["content"].tolist()[-1] == "starting up"
    assert frame["component"][1:].tolist() == ["svc0"] * 11


def test_text_with_commas_and_continuation_lines_keeps_its_text_layout():
    lines = []
    for i in range(4):
        lines += [f"2026-01-12 10:00:0{i},123 DEBUG [main] Executing query, attempt {i}, pool main",
                  "SELECT id, name, email", "FROM users, orders", "WHERE a, b, c"]
    assert detect_format(lines).name == "inferred"
    # JSON keys keep their case: "Event" is no message key there, the longest text is.
    objs = [json.dumps({"Time": "2026-01-12T10:00:0%dZ" % i, "Level": "error", "Event": "login",
                        "Description": f"user u{i} failed to log in from 10.9.9.{i}: bad password"}) for i in range(5)]
    assert infer_structured_format(objs).json_key == "Description"


@pytest.mark.parametrize("lines", [
    ["alpha, beta, gamma", "delta, epsilon, zeta", "eta, theta, iota"],  # commas but no time column
    ["2026-01-01 10:00:00 started, ok, fine", "2026-01-01 10:00:01 stopped, ok, fine"],  # time inside a cell
])
def test_text_with_commas_is_not_a_delimited_log(lines):
    assert detect_format(lines).name != "delimited"


def test_structured_keys_and_extra_fields():
    fmt = infer_structured_format(_json_lines("ecs"))
    assert fmt.json_key == "message"
    assert dict(fmt.keys)["Level"] == "log.level" and dict(fmt.keys)["Component"] == "log.logger"
    frame, ok = fmt.parse(_json_lines("ecs")[:3] + ["not json at all"])
    assert ok.tolist() == [True, True, True, False]
    assert frame.loc[0, "process.thread.name"] == "main" and frame.loc[0, "component"] == "com.acme.Api"
    pino = infer_structured_format(_json_lines("pino"))
    assert pino.parse(_json_lines("pino")[:2])[0]["level"].tolist() == ["INFO", "WARN"]


def test_keys_that_differ_only_in_case_each_keep_their_values_and_a_formula_key_stays_text(tmp_path):
    # "User" and "user" both filled the column user (alice was lost); a key written as a formula stays text in a
    # CSV header.
    lines = [json.dumps({"time": f"2024-03-11T08:00:{i:02d}Z", "level": "error", "msg": f"request {i} failed",
                         "User": "alice", "user": "bob", "Level": "x", '=HYPERLINK("http://x")': "x"})
             for i in range(40)]
    frame = parse_lines(lines)
    assert frame["user"].tolist() == ["alice"] * 40 and frame["user_2"].tolist() == ["bob"] * 40
    # A key already named like a suffix keeps its name, and the suffix moves on.
    also = parse_lines([json.dumps({**json.loads(line), "user_2": "carol"}) for line in lines])
    assert also[["user", "user_2", "user_3"]].iloc[0].tolist() == ["alice", "carol", "bob"]
    assert frame["level"].tolist() == ["error"] * 40 and frame["field.level"].tolist() == ["x"] * 40
    path = tmp_path / "app.json"
    path.write_text("\n".join(lines) + "\n")
    assert main(["parse", str(path), "--out", str(tmp_path / "p.csv")]) == 0
    header = (tmp_path / "p.csv").read_text().splitlines()[0]
    assert '"\'=hyperlink(""http://x"")"' in header


def test_a_level_after_its_module_in_a_bracket_is_the_level():
    from logad_utils.features import severity

    lines = [f"[Tue Mar 05 14:07:{i:02d}.123456 2024] [core:{('info', 'warn', 'error')[i % 3]}] [pid 4{i}:tid 7] "
             f"job {i} done" for i in range(40)]
    frame, ok = detect_format(lines).parse(lines)
    assert ok.all() and frame["content"].iloc[2] == "job 2 done"
    assert severity(frame["level"])[:3].tolist() == [0, 1, 2]


@pytest.mark.parametrize("lines", [
    [f"Tue, 05 Mar 2024 14:07:{i:02d} GMT {LEVELS[i % 3]} job {i} done" for i in range(40)],
    [f"2024-03-05 14:07:{i:02d}.123 UTC [4711] LOG:  job {i} done" for i in range(40)],
])
def test_a_zone_name_is_part_of_the_timestamp(lines):
    frame, ok = detect_format(lines).parse(lines)
    assert ok.all() and frame["timestamp"].notna().all()
    text = frame.drop(columns=["timestamp"]).astype(str)
    assert not text.isin(["GMT", "UTC"]).any().any()


@pytest.mark.parametrize("zone, hours", [("PST", 8), ("CEST", -2), ("JST", -9), ("CST", 0)])
def test_a_zone_abbreviation_after_the_time_is_its_offset(zone, hours):
    # PostgreSQL's %m writes the server's zone: "12:00:00 PST" was kept as 12:00 UTC, 8 hours off a file beside
    # it written with an offset. CST names US Central and China alike: its times stay as written.
    lines = [f"2024-03-05 14:07:{i:02d}.123 {zone} [4711] LOG:  job {i} done" for i in range(40)]
    frame = parse_lines(lines)
    expected = [pd.Timestamp(f"2024-03-05 14:07:{i:02d}.123") + pd.Timedelta(hours=hours) for i in range(40)]
    assert frame["timestamp"].tolist() == expected and not frame.astype(str).isin([zone]).any().any()


def test_a_zone_name_before_the_date_opens_the_timestamp():
    # Monit writes "[CET Mar 20 08:41:09] info     : ...": no time was found, and no header either; every line
    # was its own message, the time and level in it.
    lines = [f"[{'CET' if i < 30 else 'CEST'} Mar {1 + i // 20:2d} 08:41:{i:02d}] {('info', 'error')[i % 2]:<9}"
             f": {_messages(40)[i]}" for i in range(40)]
    frame = parse_lines(lines)
    assert frame["content"].tolist() == _messages(40) and frame["level"].iloc[1] == "error"
    assert frame["timestamp"].iloc[0] == pd.Timestamp("2000-03-01 07:41:00")
    assert frame["timestamp"].iloc[39] == pd.Timestamp("2000-03-02 06:41:39")


def test_padded_seconds_since_start_open_each_record():
    # Factorio writes "%8.3f" seconds since its start, then a level and a source file on most lines, not on its
    # startup lines nor its last: those (indented by the padding) had joined the first event, their time in its
    # message.
    startup = [f"{i / 1000:8.3f} Startup step {i} done" for i in range(6)]
    lines = startup + [f"{9000 + 2017.5 * i:8.3f} Info AppManager.cpp:{280 + i % 3}: {_messages(60)[i]}"
                       for i in range(60)] + ["131970.341 Goodbye"]
    frame = parse_lines(lines)
    assert frame["content"].tolist() == [f"Startup step {i} done" for i in range(6)] + _messages(60) + ["Goodbye"]
    assert frame["timestamp"].notna().all() and frame["timestamp"].is_monotonic_increasing
    assert frame["level"].iloc[6] == "Info"


@pytest.mark.parametrize("line", [lambda i: f"{1000 + i}.{i * 7 % 1000:03d} GET /api/items 200",  # request ids
                                  lambda i: f"{10 + i / 4:.3f} EUR order {i} paid",  # prices
                                  lambda i: f"{500 + i * 1.5:.3f} meter reading {i}"])  # a meter's readings
def test_rising_unpadded_numbers_that_open_the_lines_are_no_seconds_since_start(line):
    # Numbers with a fraction that count up over the lines, no line padding them to a width, are as often ids,
    # prices or readings as seconds since a start: they had been read as the time, cut off every message.
    lines = [line(i) for i in range(200)]
    frame = parse_lines(lines)
    assert frame["content"].tolist() == lines


def test_a_bracketed_module_level_gives_way_to_a_level_word():
    lines = [f"2024-03-05 14:07:{i:02d} [main:info] {LEVELS[i % 3]} job {i} done" for i in range(40)]
    frame, ok = detect_format(lines).parse(lines)
    assert ok.all() and frame["level"].iloc[1] == "WARN" and frame["content"].iloc[1] == "job 1 done"


def test_go_kitchen_time_is_a_timestamp():
    lines = [f"{(i % 12) + 1}:{i % 60:02d}PM {('INF', 'WRN', 'ERR')[i % 3]} job {i} done" for i in range(40)]
    frame, ok = detect_format(lines).parse(lines)
    assert ok.all() and frame["content"].iloc[1] == "job 1 done" and frame["level"].iloc[1] == "WRN"
    assert frame["timestamp"].dt.strftime("%H:%M").iloc[:2].tolist() == ["13:00", "14:01"]


def test_a_closing_mark_after_a_bare_level_stays_in_the_message():
    lines = [f"2024-03-05 14:07:{i:02d} {LEVELS[i % 3]} > Task :app:compile{i}" for i in range(40)]
    frame, ok = infer_text_format(lines).parse(lines)
    assert ok.all() and frame["content"].iloc[1] == "> Task :app:compile1"


def test_a_clock_without_a_date_is_not_a_json_timestamp():
    lines = [json.dumps({"msg": f"job {i} done", "elapsed": f"0:00:{i % 60:02d}", "pid": 7}) for i in range(30)]
    assert "Timestamp" not in dict(infer_structured_format(lines).keys)


def test_json_line_without_the_files_message_key_is_an_empty_message_its_keys_columns():
    lines = _json_lines("logrus")[:10] + [json.dumps({"level": "info", "time": "2024-03-05T14:07:09Z", "a": 1})]
    frame, ok = infer_structured_format(lines).parse(lines)
    assert ok.all() and frame["content"].iloc[-1] == "" and frame["a"].iloc[-1] == "1"


def test_formats_detect_prints_a_copyable_format(tmp_path, capsys):
    path = tmp_path / "svc.log"
    path.write_text("\n".join(f"2024-03-05 14:07:{i:02d} WARN  [w-{i % 3}] pool.Conn: slow {i}"
                              for i in range(30)) + "\n", encoding="utf-8")
    assert main(["formats", "--detect", str(path)]) == 0
    out = capsys.readouterr().out
    line = next(s for s in out.splitlines() if s.startswith("format"))
    pattern = line.split(None, 1)[1]
    assert pattern == r"<Date> <Time> <Level> \[<Thread>\] <Component>: <Content>"
    assert "100.0%" in out
    frame = parse_logs(path, fmt=pattern, warn=False)
    assert frame["parsed"].all() and frame["component"].eq("pool.Conn").all()


def test_a_message_starting_with_log_keeps_its_first_word():
    # PostgreSQL's level LOG counts only in capitals; "Log rotated" is a message.
    lines = [f"{t:%Y-%m-%d %H:%M:%S} {m}" for t, m in
             zip(_times(4), ["Log rotated to /var/log/app.1", "log level set to debug", "user 12 logged in",
                             "user 13 logged in"])]
    frame, ok = detect_format(lines).parse(lines)
    assert ok.all() and frame["content"].tolist()[:2] == ["Log rotated to /var/log/app.1", "log level set to debug"]


@pytest.mark.parametrize("name, lines, expected", [
    ("padded pipe level", [f"2024-03-05 14:07:{i:02d} | {LEVELS[i % 3]:<5} | job {i} done" for i in range(40)],
     {"level": "WARN", "content": "job 1 done"}),
    ("tight pipe level", [f"2024-03-05 14:07:{i:02d}|{LEVELS[i % 3]}|api|job {i} done" for i in range(40)],
     {"level": "WARN", "component": "api", "content": "job 1 done"}),
    ("dotted first word after the component", [f"2024-03-05 14:07:{i:02d},042 [main] INFO  com.acme.Api - "
                                               + ("user.login ok" if i % 10 else "job done") for i in range(40)],
     {"component": "com.acme.Api", "content": "user.login ok"}),
    ("message starting with a short level word", [f"2024-03-05 14:07:{i:02d} "
                                                  + ("inf retry loop" if i % 10 else "job done") for i in range(40)],
     {"content": "inf retry loop"}),
    ("bracketed levels and other bracketed words at one place",
     [f"2024-03-05 14:07:{i:02d}.042 [{('INF', 'ERR', 'DEB', 'WAR')[i % 4]}] [T{i % 3}] job {i} done"
      for i in range(40)],
     {"content": "job 1 done"}),
    ("an AM word after a 24-hour time", [f"2024-03-05 14:07:{i:02d} AM container_{i} started" for i in range(40)],
     {"content": "AM container_1 started"}),
    ("symbols taking turns as a level mark", [f"812:M 05 Mar 2024 14:07:{i:02d}.042 {'.-*#'[i % 4]} job {i} done"
                                             for i in range(40)],
     {"mark": "-", "content": "job 1 done"}),
    ("a symbol opening a few messages", [f"2024-03-05 14:07:{i:02d} " + ("* job done" if i % 10 == 1 else
                                                                          f"# job {i} done" if i % 10 == 2 else
                                                                          f"job {i} done") for i in range(40)],
     {"content": "* job done"}),
])
def test_header_reading_leaves_the_message_alone(name, lines, expected):
    frame, ok = detect_format(lines).parse(lines)
    assert ok.all()
    assert {column: frame[column].iloc[1].strip() for column in expected} == expected


def test_java_util_logging_records_keep_their_afternoon_time_and_message_line():
    # SimpleFormatter's default: "Mar 05, 2024 2:07:09 PM class method" then "LEVEL: message" on its own line.
    times, msgs = _times(60), _messages(60)
    lines = [row for t, m in zip(times, msgs) for row in
             (f"{t:%b %d, %Y} {t.hour % 12 or 12}:{t:%M:%S} {t:%p} com.acme.Main run", f"INFO: {m}")]
    frame = parse_lines(lines, "auto")
    assert (frame["timestamp"].iloc[::2].to_numpy() == np.array(times, dtype="datetime64[ns]")).all()
    assert (frame["event_line_no"].iloc[1::2].to_numpy() == frame["line_no"].iloc[::2].to_numpy()).all()


def test_a_number_before_a_colon_is_no_component():
    # nginx's error log: "pid#tid: *connection message"; root causes must not name worker processes.
    lines = [f"2024/03/05 14:07:{i % 60:02d} [error] {1000 + i % 4}#{1000 + i % 4}: *{i} connect() failed"
             for i in range(40)]
    fmt = detect_format(lines)
    assert "timestamp" in fmt.columns and "level" in fmt.columns and "component" not in fmt.columns
    assert "Component" in detect_format([s.replace("[error] ", "[error] worker-") for s in lines]).describe()


@pytest.mark.parametrize("levels, line", [
    (["Note", "Warning", "ERROR"], "2024-03-05 14:07:{s:02d} 0 [{level}] InnoDB: page {s} read"),  # MariaDB
    (["INFO", "DEBG", "CRIT", "WARN"], "2024-03-05 14:07:{s:02d},123 {level} spawned: 'web' with pid {s}"),
    (["INFO", "WARN", "ERRO", "DEBU"], "{level}[{s:04d}] connection {s} accepted"),  # logrus on a terminal
])
def test_level_words_of_common_servers_are_levels(levels, line):
    lines = [line.format(s=s, level=levels[s % len(levels)]) for s in range(40)]
    frame = parse_lines(lines)
    assert frame["level"].tolist() == [levels[s % len(levels)] for s in range(40)]
    # A bracket of digits (logrus' seconds since start) names no component.
    assert "component" not in frame or frame["component"].str.contains("[A-Za-z]").all()


def test_abbreviated_levels_have_their_severity():
    assert severity(pd.Series(["WRN", "ERRO", "FTL", "FATA", "PANI", "Note", "DEBG"])).tolist() == [1, 2, 3, 3, 3, 0, 0]


@pytest.mark.parametrize("line, component", [
    ("2024-03-05T14:07:{s:02d}.696233Z  INFO my_app::server: user {s} logged out", "my_app::server"),  # Rust
    ("2024/03/05 14:07:{s:02d}.234948 main.go:42: processed batch {s}", "main.go"),  # Go's Lshortfile
])
def test_paths_and_source_lines_name_the_component(line, component):
    frame = parse_lines([line.format(s=s) for s in range(40)])
    assert (frame["component"] == component).all() and frame["content"].str.match(r"(user|processed) ").all()


def test_a_source_files_line_is_a_field_and_a_hosts_port_stays_in_its_name():
    # Go's log with Lshortfile, and Python's "%(filename)s:%(lineno)d:": one file, whatever its line, is one component.
    go = [f"2024/03/11 10:00:{s:02d} {('server.go:120', 'handler.go:57', 'handler.go:88')[s % 3]}: request {s} done"
          for s in range(40)]
    frame = parse_lines(go)
    assert frame["component"].tolist()[:3] == ["server.go", "handler.go", "handler.go"]
    assert frame["lineno"].tolist()[:3] == ["120", "57", "88"] and frame["content"].iloc[4] == "request 4 done"
    frame = parse_lines([f"2024-03-11 10:00:{s:02d},123 ERROR db.py:{10 + s % 4}: step {s} failed" for s in range(40)])
    assert frame["component"].eq("db.py").all() and frame["lineno"].iloc[1] == "11"
    # A host's name and its port ("db.example.com:5432:") stay one component.
    frame = parse_lines([f"2024/03/11 10:00:{s:02d} db{s % 3}.example.com:5432: connection {s} refused"
                         for s in range(40)])
    assert frame["component"].iloc[1] == "db1.example.com:5432" and "lineno" not in frame


def test_a_source_file_and_line_in_parentheses_after_the_time_is_the_component():
    # lighttpd's error log: "(file.c.line)" after "time:"; a ":" before the line reads the same.
    for sep in ".:":
        files = (f"server.c{sep}1513", f"mod_fastcgi.c{sep}487", f"connections.c{sep}1052")
        frame = parse_lines([f"2024-03-11 09:14:{s:02d}: ({files[s % 3]}) event {s} done" for s in range(40)])
        assert frame["component"].tolist()[:3] == ["server.c", "mod_fastcgi.c", "connections.c"]
        assert frame["lineno"].tolist()[:3] == ["1513", "487", "1052"]
        assert frame["content"].iloc[5] == "event 5 done" and frame["timestamp"].notna().all()
    # A word in parentheses opening messages is no source: the message keeps it.
    frame = parse_lines([f"2024-03-11 09:14:{s:02d}: (step{s % 3}) event {s} done" for s in range(40)])
    assert frame["content"].iloc[1] == "(step1) event 1 done"


def test_a_name_with_bracketed_fields_glued_on_is_a_process_its_fields_and_its_logger():
    # SonarQube: "web[<task id>][<logger>]", the task id empty outside a task.
    loggers = ("o.s.s.p.Platform", "o.s.c.t.CeWorkerImpl", "o.s.a.SchedulerImpl")
    lines = [f"2024.03.11 09:14:{s:02d} INFO  {('web', 'ce', 'app')[s % 3]}[{'AY4xQ2' if s % 3 < 2 else ''}]"
             f"[{loggers[s % 3]}] step {s} done" for s in range(40)]
    frame = parse_lines(lines)
    assert frame["component"].tolist()[:3] == list(loggers) and frame["process"].tolist()[:3] == ["web", "ce", "app"]
    assert frame["content"].iloc[4] == "step 4 done" and frame["level"].eq("INFO").all()


def test_an_address_after_a_syslog_time_is_the_host_and_key_value_records_with_a_level_give_it():
    # A firewall's records through a syslog relay: the sender's address, then key=value pairs with a level and,
    # on event records only, a message.
    def line(s: int) -> str:
        level, action = ("notice", "warning")[s % 2], ("accept", "deny")[s % 2]
        pairs = (f'date=2024-03-11 time=09:14:{s:02d} devname="FG100F" type="traffic" level="{level}"'
                 f' srcip=10.0.0.{s} action="{action}"' if s % 5 else
                 f'date=2024-03-11 time=09:14:{s:02d} type="event" level="error" msg="IPsec phase {s % 2 + 1} error"')
        return f"Mar 11 09:14:{s:02d} 10.0.0.254 {pairs}"
    frame = parse_lines([line(s) for s in range(40)])
    assert frame["host"].eq("10.0.0.254").all() and frame["timestamp"].notna().all()
    assert frame["level"].tolist()[:3] == ["error", "warning", "notice"]
    assert frame["content"].iloc[0] == "IPsec phase 1 error" and frame["content"].iloc[1].startswith("date=2024-03-11 ")


def test_a_level_in_the_components_bracket_is_the_level():
    # cloud-init: "%(asctime)s - %(filename)s[%(levelname)s]: %(message)s"
    levels = ["INFO", "WARNING", "DEBUG"]
    frame = parse_lines([f"2024-03-05 14:07:{s:02d},123 - stages.py[{levels[s % 3]}]: running module {s}"
                         for s in range(40)])
    assert (frame["component"] == "stages.py").all() and frame["level"].tolist() == [levels[s % 3] for s in range(40)]
    assert (frame["content"].str.startswith("running module ")).all()


def test_a_component_in_angle_brackets_is_read_without_them():
    # Kodi: "2024-03-09 19:58:02.118 T:1187     INFO <general>: message"; the component was "<general>", brackets
    # and all. A name only some lines bracket keeps what it writes.
    names = ["general", "CAddonMgr", "general", "VideoPlayer"]
    lines = [f"2024-03-09 19:58:{s:02d}.118 T:{1187 + s % 2}     {'INFO' if s % 5 else 'ERROR'} <{names[s % 4]}>: "
             f"step {s} done" for s in range(40)]
    frame = parse_lines(lines)
    assert frame["parsed"].all() and frame["component"].tolist() == [names[s % 4] for s in range(40)]
    assert frame["content"].tolist() == [f"step {s} done" for s in range(40)]
    mixed = parse_lines([line.replace("<CAddonMgr>", "CAddonMgr") for line in lines])
    assert mixed["parsed"].all() and "<general>" in mixed["component"].tolist()


def test_fields_glued_to_the_timestamp_by_colons_are_read():
    # Python's "%(asctime)s:%(levelname)s:%(name)s:%(message)s" (certbot's log)
    levels = ["WARNING", "ERROR", "INFO"]
    frame = parse_lines([f"2024-03-05 14:07:{s:02d},445:{levels[s % 3]}:acme.client:slow query {s}: took 3 ms"
                         for s in range(40)])
    assert frame["timestamp"].notna().all() and frame["level"].tolist() == [levels[s % 3] for s in range(40)]
    assert (frame["component"] == "acme.client").all() and frame["content"].str.startswith("slow query ").all()


def test_a_thread_after_fields_glued_by_colons_is_no_part_of_the_message():
    # Jetty's StdErrLog: "<time>:INFO:oejs.Server:main: message", the thread a word or a pool's name of two; the
    # messages kept the thread ("main: Started @1234ms"), so one event on two threads was two templates.
    threads = ["main", "qtp1817420523-63", "Scanner-0", "HikariPool-1 housekeeper", "scheduling-1"]
    frame = parse_lines([f"2024-03-11 08:30:{s:02d}.781:{['INFO', 'WARN'][s % 2]}:oejs.Server:{threads[s % 5]}: "
                         f"Started @{1000 + s}ms" for s in range(40)])
    assert frame["timestamp"].notna().all() and (frame["component"] == "oejs.Server").all()
    assert frame["content"].str.startswith("Started @").all(), frame["content"].head()

    # Python's "%(asctime)s:%(levelname)s:%(name)s:%(message)s" whose messages open "Word: " on most lines, not all:
    # the word is the message's, and the lines without one keep their level and logger.
    messages = ["Processing: job {s}", "Done: job {s} in 3 ms", "Retry: job {s} attempt 2", "Queue: {s} items waiting",
                "Processing: job {s}", "Done: job {s} in 3 ms", "Retry: job {s} attempt 2", "Queue: {s} items waiting",
                "Processing: job {s}", "Connected to db host{s}"]
    frame = parse_lines([f"2024-03-11 08:30:{s:02d},123:INFO:app.worker:" + messages[s % 10].format(s=s)
                         for s in range(40)])
    assert frame["parsed"].all() and (frame["component"] == "app.worker").all()
    assert frame["content"].tolist() == [messages[s % 10].format(s=s) for s in range(40)]


def test_tai64n_labels_are_read_as_utc_times():
    # daemontools' multilog, s6-log and runit's svlogd label each line "@" + 24 hex digits (TAI64N: seconds from
    # 2**62, UTC plus 10 s, then nanoseconds); the lines had no time.
    start = pd.Timestamp("2024-02-18 23:46:40")
    labels = [f"@{int(start.timestamp()) + 7 * s + 2**62 + 10:016x}{s * 1000:08x}" for s in range(40)]
    messages = ["delivery {s}: success: did_0+0+1/", "status: local 0/10 remote {s}/20", "new msg {s}"]
    frame = parse_lines([f"{labels[s]} " + messages[s % 3].format(s=s) for s in range(40)])
    assert frame["timestamp"].tolist() == [start + pd.Timedelta(seconds=7 * s, microseconds=s) for s in range(40)]
    assert frame["content"].tolist() == [messages[s % 3].format(s=s) for s in range(40)]


def test_a_line_with_a_marker_glued_before_its_time_keeps_its_time_level_and_fields():
    # Akka's log markers: "[WARN] [akkaUnreachable][02/20/2024 09:18:37.287] [thread] [source] message" on a few
    # lines among "[INFO] [02/20/2024 ...] ...": they missed the layout and had no time and no level (4.5 % of a log,
    # the cluster's warnings among them).
    heads = ["[INFO] ["] * 19 + ["[WARN] [akkaUnreachable]["]
    messages = ["Order {s} confirmed in {s} ms", "Starting shard [{s}] in region", "Passivating idle entity {s}",
                "Cluster Node [akka://Sys@10.0.0.{s}:25520] - Marking node as UNREACHABLE"]
    frame = parse_lines([f"{heads[s % 20]}02/20/2024 09:18:{s:02d}.287] [Sys-akka.actor.default-dispatcher-{s % 5}] "
                         f"[akka.cluster.Sharding{s % 3}] " + messages[s % 4].format(s=s) for s in range(60)])
    assert frame["timestamp"].notna().all() and frame["level"].tolist() == ["WARN" if s % 20 == 19 else "INFO"
                                                                           for s in range(60)]
    assert frame["component"].tolist() == [f"akka.cluster.Sharding{s % 3}" for s in range(60)]
    assert frame["content"].tolist() == [messages[s % 4].format(s=s) for s in range(60)]


def test_level_letters_with_a_mark_taking_turns_are_the_level():
    # Telegraf's "I!", "W!", "E!", "D!": the level was a plain field, so no line had a level or a severity.
    letters, plugins = "IDDDWDEDDI", ["[outputs.influxdb_v2] ", "[inputs.cpu] "] * 4 + [""]
    frame = parse_lines([f"2024-03-11T08:15:{s:02d}Z {letters[s % 10]}! {plugins[s % 9]}Wrote batch of {s} metrics"
                         for s in range(40)])
    assert frame["level"].tolist() == [letters[s % 10] for s in range(40)]
    assert frame["content"].str.startswith("Wrote batch of ").all()
    # One letter alone ("A! ...") names no level.
    frame = parse_lines([f"2024-03-11T08:15:{s:02d}Z A! Wrote batch of {s} metrics" for s in range(40)])
    assert "level" not in frame or frame["level"].isna().all()


def test_a_long_header_of_dash_separated_fields_ends_at_its_last_separator():
    # Python's "%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(request)s - %(message)s": eight elements
    # before the request id, whose field the message must not keep.
    levels, requests = ["INFO", "WARNING", "DEBUG"], ["sentinel", "GET-{s}", "process-inbox-{s}"]
    frame = parse_lines([f"2024-03-05 14:07:{s:02d},123 - app.storage.db - {100 + s} - {levels[s % 3]} - "
                         f"{requests[s % 3].format(s=s)} - Starting 'main' database {s}" for s in range(40)])
    assert frame["level"].tolist() == [levels[s % 3] for s in range(40)]
    assert frame["content"].str.startswith("Starting 'main' database ").all()


def test_a_dotnet_category_with_its_event_id_is_the_component_and_its_short_levels_are_levels():
    # .NET's console logger, single-line: "<level>: <category>[<event id>] <message>", levels trce ... crit.
    # A category has a dot beside its id on most lines; then one without ("Polly[3]") is one too.
    levels, messages = ["info", "fail", "dbug", "warn"], ["Now listening on: port {s}", "Request finished in {s} ms",
                                                          "Executed DbCommand ({s}ms)"]
    categories = [("Polly[3]" if s % 10 == 9 else ["App.Api.Orders[14]", "Microsoft.Hosting.Lifetime[0]",
                                                   "App.Program[7]"][s % 3]) for s in range(40)]
    lines = [f"2024-03-11 09:14:{s:02d} {levels[s % 4]}: {categories[s]} {messages[s % 3].format(s=s)}"
             for s in range(40)]
    frame = parse_lines(lines)
    assert frame["parsed"].all() and frame["level"].tolist() == [levels[s % 4] for s in range(40)]
    assert frame["component"].tolist() == [c.split("[")[0] for c in categories]
    assert frame["content"].tolist() == [messages[s % 3].format(s=s) for s in range(40)]
    assert severity(frame["level"]).tolist() == [[0, 2, 0, 1][s % 4] for s in range(40)]


def test_a_level_after_a_thread_in_a_bracket_is_the_level():
    threads = ["Server thread/INFO", "User Authenticator #1/ERROR", "Server thread/WARN"]
    frame = parse_lines([f"[14:07:{s:02d}] [{threads[s % 3]}]: starting step {s}" for s in range(40)])
    assert severity(frame["level"]).tolist() == [[0, 2, 1][s % 3] for s in range(40)]


@pytest.mark.parametrize("header, field", [
    ("{pid}:{t:%Y%m%d:%H%M%S}.{ms:03d}", "12345"),  # a pid glued by a colon to a colon-joined date and clock
    ("{t:%Y%m%d %H%M%S}", None), ("{t:%Y%m%dT%H%M%S}Z", None), ("{t:%Y%m%d-%H:%M:%S}.{ms:03d}", None),
    ("{t:%Y%m%d %H:%M:%S}", None), ("{t:%y%m%d %H:%M:%S}", None),  # MySQL 5's YYMMDD
    ("{t:%y%j %H:%M:%S}.{ms:02d}", None), ("{t:%Y%j %H:%M:%S}", None),  # z/OS' ordinal dates, YYDDD and YYYYDDD
])
def test_compact_dates_beside_a_clock_are_timestamps(header, field):
    times = _times(60)
    lines = [header.format(pid=12345 + i % 2, t=t, ms=i) + f" {m}"
             for i, (t, m) in enumerate(zip(times, _messages(60)))]
    frame = parse_lines(lines)
    assert frame["timestamp"].dt.floor("s").tolist() == times
    assert frame["content"].tolist() == _messages(60)
    if field is not None:
        assert frame["field"].tolist()[:2] == ["12345", "12346"]


@pytest.mark.parametrize("first", [lambda i: 12345678 + 7919 * i, lambda i: 100000 + 37 * i, lambda i: 10000 + 37 * i])
def test_numbers_beside_a_clock_are_no_dates_unless_every_line_holds_one(first):
    # Ids of eight or six digits: some read as dates, most not (month 34); the clock alone is the time.
    frame = parse_lines([f"{first(i)} {t:%H:%M:%S} job {i} done" for i, t in enumerate(_times(60))])
    assert frame["field"].tolist() == [str(first(i)) for i in range(60)]
    assert frame["timestamp"].dt.year.eq(1970).all()


def test_five_digit_ids_that_end_in_a_day_of_the_year_are_no_ordinal_dates():
    # Process ids that all read as YYDDD (12345 is day 345 of 2012, 24100 day 100 of 2024): they come in any order,
    # a log's date only goes forward, so the clock alone is the time.
    pids = [12345, 24100, 30200, 11111]
    frame = parse_lines([f"{pids[i * 7 % 4]} {t:%H:%M:%S} job {i} done" for i, t in enumerate(_times(60))])
    assert frame["field"].tolist() == [str(pids[i * 7 % 4]) for i in range(60)]
    assert frame["timestamp"].dt.year.eq(1970).all()


@pytest.mark.parametrize("shape", ["{}:", "[{}]"])
@pytest.mark.parametrize("thread", ["", "[worker-{i}] "])
def test_a_level_written_bare_on_some_lines_and_with_a_colon_or_brackets_on_others_is_read_on_all(shape, thread):
    # "INFO" beside "WARN:" (or "[WARN]"): the header took one shape, and the other lines lost their level.
    lines = [f"{t:%Y-%m-%d %H:%M:%S} {thread.format(i=i % 4)}{shape.format(LEVELS[i % 4]) if i % 2 else LEVELS[i % 4]}"
             f" {m}" for i, (t, m) in enumerate(zip(_times(60), _messages(60)))]
    frame = parse_lines(lines)
    assert frame["level"].tolist() == [LEVELS[i % 4] for i in range(60)]
    assert frame["content"].tolist() == _messages(60)


def test_formats_detect_describes_each_file_of_a_directory(tmp_path, capsys):
    (tmp_path / "a.log").write_text("".join(f"2024-03-05 14:07:{i:02d} INFO job {i}\n" for i in range(20)))
    (tmp_path / "b.log").write_text("".join(f"Mar  5 14:07:{i:02d} web01 app[7]: job {i}\n" for i in range(20)))
    assert main(["formats", "--detect", str(tmp_path)]) == 0
    blocks = capsys.readouterr().out.split("\n\n")
    assert [b.splitlines()[0].split()[-1] for b in blocks] == [str(tmp_path / "a.log"), str(tmp_path / "b.log")]
    assert "generic" in blocks[0] and "syslog" in blocks[1]


def test_kernel_ring_buffer_seconds_since_boot_are_timestamps():
    # dmesg: "[    1.684651] usb 1-1: ..." (padded inside the bracket, wider as the uptime grows)
    lines = [f"[{s * 37.5:12.6f}] usb 1-{s % 3}: new high-speed USB device number {s}" for s in range(40)]
    frame = parse_lines(lines)
    assert frame["timestamp"].notna().all() and (frame["timestamp"].diff().dropna() > pd.Timedelta(0)).all()
    assert frame["content"].str.startswith("usb 1-").all()


def test_seconds_since_a_start_in_the_bracket_that_opens_the_line_are_timestamps():
    # Xorg pads milliseconds in a square bracket and marks levels in parentheses; PulseAudio writes its time and
    # the time since the last line in one parenthesis. Both get wider as the time grows.
    # A few lines have no mark.
    xorg = [f"[{s * 37.5:10.3f}] " + ("" if s % 9 == 4 else f"({['II', 'WW', 'EE', '=='][s % 4]}) ")
            + f"Loading /usr/lib/xorg/modules/mod{s % 3}.so" for s in range(40)]
    frame = parse_lines(xorg)
    times = [pd.Timestamp(s * 37.5, unit="s") for s in range(40)]
    assert frame["parsed"].all() and frame["timestamp"].tolist() == times
    assert frame["content"].tolist() == [f"Loading /usr/lib/xorg/modules/mod{s % 3}.so" for s in range(40)]
    assert mine_templates(frame)["template_id"].nunique() == 1  # the level mark is no word of the message
    pulse = [f"({s * 37.5:8.3f}|{s % 7 / 4:8.3f}) {'IWE'[s % 3]}: [pulseaudio] sink.c: Device hw:{s} busy"
             for s in range(40)]
    frame = parse_lines(pulse)
    assert frame["timestamp"].tolist() == times
    # Its level letters take turns: the level, then the thread and the file.
    assert frame["level"].tolist() == ["IWE"[s % 3] for s in range(40)] and (frame["component"] == "sink.c").all()
    assert severity(frame["level"]).tolist() == [[0, 1, 2][s % 3] for s in range(40)]
    assert frame["content"].tolist() == [f"Device hw:{s} busy" for s in range(40)]
    traced = parse_lines([line.replace(" E: ", " T: ") for line in pulse])  # spdlog's T: trace
    assert traced["level"].tolist() == ["IWT"[s % 3] for s in range(40)]
    # One letter that does not take turns names a component ("A: one thing", "B: another").
    named = parse_lines([f"2024-03-05 14:07:{s:02d} A: step {s} done" for s in range(30)])
    assert "level" not in named or named["level"].isna().all()
    drives = parse_lines([f"2024-03-05 14:07:{s:02d} {'CDE'[s % 3]}: {20 + s}% used" for s in range(30)])
    assert "level" not in drives or drives["level"].isna().all()


def test_seconds_since_a_start_with_their_unit_in_the_opening_bracket_are_timestamps():
    # An uptime timer's "[    0.002200s]  INFO ThreadId(01) app::rt: ...": the unit is no part of the time.
    for digits in (6, 3):
        lines = [f"[{s * 43.25 + 0.0022:{digits + 7}.{digits}f}s]  {'WARN' if s % 5 == 4 else 'INFO'} ThreadId(01) "
                 f"app::serve: connection {s} closed after [0.004s], took 0.250s" for s in range(40)]
        frame = parse_lines(lines)
        assert frame["parsed"].all()
        times = frame["timestamp"] - pd.Timestamp(0)
        assert np.allclose(times.dt.total_seconds(), [round(s * 43.25 + 0.0022, digits) for s in range(40)])
        assert frame["level"].tolist() == ["WARN" if s % 5 == 4 else "INFO" for s in range(40)]
        assert frame["content"].str.startswith("connection ").all()
    # Durations with their unit, in the opening bracket (rising and falling) or in a message, are no times.
    for lines in ([f"[{s % 7 / 100:.6f}s] SELECT id FROM item WHERE id = {s}" for s in range(40)],
                  [f"[{s % 7 / 100:.3f}s] SELECT id FROM item WHERE id = {s}" for s in range(40)],
                  [f"job {s} [{s * 1.5:.6f}s] done, took {s * 1.5:.3f}s" for s in range(40)]):
        frame = parse_lines(lines)
        assert "timestamp" not in frame or frame["timestamp"].isna().all()


def test_a_day_before_its_month_name_without_a_year_is_a_date():
    # Node-RED's "16 Jan 08:50:00 - [info] ...": before, only the clock was read, and every day was the same day.
    lines = [f"{16 + s // 20} Jan 08:{s % 60:02d}:00 - [{'info' if s % 3 else 'warn'}] flow {s} started"
             for s in range(40)]
    frame = parse_lines(lines)
    assert frame["parsed"].all() and frame["content"].tolist() == [f"flow {s} started" for s in range(40)]
    assert [(t.month, t.day, t.minute) for t in frame["timestamp"]] == [(1, 16 + s // 20, s % 60) for s in range(40)]
    # A full or dotted month's name, which this date cannot read, leaves the clock read as before.
    months = ["January", "September", "Sept", "Jan."]
    full = parse_lines([f"{1 + s % 28} {months[s % 4]} 08:{s % 60:02d}:00 - [info] flow {s}" for s in range(40)])
    assert full["timestamp"].notna().all() and full["content"].tolist() == [f"flow {s}" for s in range(40)]


def test_a_message_may_follow_a_glued_bracket_with_no_space():
    # Asterisk: "LEVEL[pid]", then a call id in brackets on some lines only, glued to the pid's.
    lines = [f"[Jan 16 08:50:{s:02d}] {'VERBOSE' if s % 4 else 'WARNING'}[{6000 + s}]"
             + (f"[C-{s:08x}]" if s % 3 else "") + f" app_dial.c: channel {s} is ringing" for s in range(40)]
    frame = parse_lines(lines)
    assert frame["parsed"].all() and frame["timestamp"].notna().all()
    assert (frame["level"] == ["VERBOSE" if s % 4 else "WARNING" for s in range(40)]).all()
    assert frame["content"].str.endswith(" is ringing").all()
    assert mine_templates(frame)["template_id"].nunique() <= 2


def test_one_letter_levels_before_the_timestamp():
    # CUPS writes its level as a letter before the bracketed time; drive letters or initials there are no levels.
    # Once the letters tell a level, any letter is one (CUPS' d: debug2).
    letters = "IWEDIIdX"
    cups = [f"{letters[s % 8]} [16/Jan/2024:08:50:{s:02d} +0100] Job {s} queued on printer lab{s % 3}"
            for s in range(40)]
    frame = parse_lines(cups)
    assert frame["parsed"].all() and frame["level"].tolist() == [letters[s % 8] for s in range(40)]
    assert severity(frame["level"]).tolist() == [[0, 1, 2, 0, 0, 0, 0, 3][s % 8] for s in range(40)]
    assert frame["content"].tolist() == [f"Job {s} queued on printer lab{s % 3}" for s in range(40)]
    assert frame["timestamp"].notna().all()
    for letters in ("CDE", "AB"):
        other = parse_lines([f"{letters[s % len(letters)]} [16/Jan/2024:08:50:{s:02d} +0100] disk {s} full"
                             for s in range(40)])
        assert "level" not in other or other["level"].isna().all()


@pytest.mark.parametrize("pair", ["({})", "<{}>"])
def test_one_letter_levels_in_parentheses_before_the_timestamp(pair):
    # qBittorrent writes "(N) 2024-01-21T09:01:47 - message", its letters N, I, W, C taking turns: "(N)" was read as
    # a plain field, and no level. Letters that tell no level (initials, "(B)", "(K)") stay a field.
    letters = "NIINWC"
    times = _times(40)
    lines = [f"{pair.format(letters[s % 6])} {t:%Y-%m-%dT%H:%M:%S} - torrent {s} added" for s, t in enumerate(times)]
    frame = parse_lines(lines)
    assert frame["parsed"].all() and frame["level"].tolist() == [letters[s % 6] for s in range(40)]
    assert severity(frame["level"]).tolist() == [[0, 0, 0, 0, 1, 3][s % 6] for s in range(40)]
    assert frame["content"].tolist() == [f"torrent {s} added" for s in range(40)]
    assert frame["timestamp"].notna().all()
    other = parse_lines([f"{pair.format('BK'[s % 2])} {t:%Y-%m-%dT%H:%M:%S} - disk {s} full"
                         for s, t in enumerate(times)])
    assert "level" not in other or other["level"].isna().all()


@pytest.mark.parametrize("date", ["%y%m%d", "%m%d"])
def test_a_level_letter_glued_to_a_date_of_digits_is_the_level_and_the_date(date):
    # glog's "I0305 14:07:09.123456" and CockroachDB's with the year ("I240305 ..."), with no "]" after the file for
    # the glog preset: the date was read as a field, the clock as a time without a date, and no level.
    times = _times(40)
    lines = [f"{'IWE'[s % 3]}{t:{date} %H:%M:%S}.123456 {s % 7 + 1} server/node.go:{s} ⋮ [n1] job {s} done"
             for s, t in enumerate(times)]
    frame = parse_lines(lines)
    assert frame["parsed"].all() and frame["level"].tolist() == ["IWE"[s % 3] for s in range(40)]
    shown = "%Y-%m-%d %H:%M:%S" if "y" in date else "%m-%d %H:%M:%S"
    assert frame["timestamp"].dt.strftime(shown).tolist() == [f"{t:{shown}}" for t in times]
    assert frame["content"].tolist() == [f"job {s} done" for s in range(40)]


@pytest.mark.parametrize("opening, levels", [("<{}>", "W"), ("<{}>", "WCD"), ("[{}]", ["INFO", "WARN", "ERROR"])])
def test_a_bracketed_level_glued_to_the_time_is_the_level(opening, levels):
    # Mumble's "<W>2024-03-01 17:58:04.066 1 => ...", its letter the same on every line: "<W>2024-03-01" was one
    # field, the clock a time without its date, and no level was read.
    times = _times(40)
    lines = [f"{opening.format(levels[s % len(levels)])}{t:%Y-%m-%d %H:%M:%S}.066 {s % 2 + 1} => user {s} joined"
             for s, t in enumerate(times)]
    frame = parse_lines(lines)
    assert frame["parsed"].all() and frame["level"].tolist() == [levels[s % len(levels)] for s in range(40)]
    assert frame["timestamp"].dt.strftime("%Y-%m-%d %H:%M:%S").tolist() == [f"{t:%Y-%m-%d %H:%M:%S}" for t in times]
    assert frame["content"].tolist() == [f"user {s} joined" for s in range(40)]
    # A name in brackets glued to a time is no level.
    named = parse_lines([f"[main]{t:%Y-%m-%d %H:%M:%S}.066 user {s} joined" for s, t in enumerate(times)])
    assert "level" not in named or named["level"].isna().all()


def test_a_number_with_a_fraction_that_is_no_relative_time_stays_text():
    # A measurement opening a line, one in a bracket later on, or durations that do not count up (Django's SQL
    # lines) are no time since a start.
    for lines in ([f"{s * 1.5:.3f} ms spent in step {s}" for s in range(40)],
                  [f"job {s} [{s * 1.5:.3f}] done" for s in range(40)],
                  [f"[{s * 1.5:.3f} ms] GET /api/{s}" for s in range(40)],
                  [f"({s % 7 / 100:.3f}) SELECT id FROM item WHERE id = {s}" for s in range(40)]):
        frame = parse_lines(lines)
        assert "timestamp" not in frame or frame["timestamp"].isna().all()
    request = [f"[05/Mar/2024 14:07:{s:02d}] \"GET /items/{s} HTTP/1.1\" 200 {s}" for s in range(20)]
    sql = [f"({s % 7 / 100:.3f}) SELECT id FROM item WHERE id = {s}" for s in range(20)]
    frame = parse_lines([line for pair in zip(request, sql) for line in pair])
    assert frame["timestamp"].dt.year.iloc[::2].eq(2024).all()
    # Durations mostly 0.000 with a few rises (and as many falls) are no clock either.
    sql = [f"({0.001 * (s % 10 == 3):.3f}) SELECT id FROM item WHERE id = {s}" for s in range(20)]
    frame = parse_lines([line for pair in zip(request, sql) for line in pair])
    assert frame["timestamp"].dt.year.iloc[::2].eq(2024).all()
    # On the same lines, a clock is the timestamp rather than seconds since a start.
    both = parse_lines([f"[{12.3 + s / 2:10.3f}] 2024-03-05 14:07:{s:02d} INFO app: step {s}" for s in range(30)])
    assert both["timestamp"].tolist() == [pd.Timestamp(f"2024-03-05 14:07:{s:02d}") for s in range(30)]
    # A number list after a header line stays the event's continuation.
    lines = [line for s in range(15) for line in (f"2024-03-05 14:07:{s:02d},123 INFO trainer: epoch {s} weights:",
                                                   f"[0.{s:03d}4, 0.5678]")]
    frame = parse_lines(lines)
    assert frame["event_line_no"].tolist() == [1 + 2 * (i // 2) for i in range(30)]
    assert not starts_with_timestamp("[  12.345] Current OS: Linux")  # only a whole file shows it counts up


def test_level_marks_in_parentheses_and_lone_symbols_are_apart():
    marks = ["II", "WW", "EE", "=="]
    # A lone symbol on one line does not decide the shape of the marks in parentheses.
    lines = ["2024-03-05 14:06:59 - starting X"] + [f"2024-03-05 14:07:{s:02d} ({marks[s % 4]}) Loading module {s}"
                                                    for s in range(40)]
    frame = parse_lines(lines)
    assert frame["timestamp"].notna().all() and frame["content"].iloc[1:].str.startswith("Loading module").all()
    # A mark glued to the bracket before it.
    glued = parse_lines([f"[{s * 1.5 + 1:10.3f}]({marks[s % 4]}) Loading {s}" for s in range(30)])
    assert glued["parsed"].all() and glued["content"].tolist() == [f"Loading {s}" for s in range(30)]
    # Words in parentheses that open a message are no marks.
    words = parse_lines([f"2024-03-05 14:07:{s:02d} ({['OK', 'GC', 'DB'][s % 3]}) worker finished job {s}"
                         for s in range(30)])
    assert words["content"].iloc[0] == "(OK) worker finished job 0"
    # ... nor on a line without a mark among marked ones.
    messages = ["(OK) Screen configured" if s % 5 == 0 else f"({marks[s % 2]}) Falling back {s}" for s in range(30)]
    xorg = parse_lines([f"[{27 + s / 10:10.3f}] {message}" for s, message in enumerate(messages)])
    assert xorg["content"].iloc[0] == "(OK) Screen configured" and xorg["content"].iloc[1] == "Falling back 1"
    assert xorg["mark"].iloc[:2].isna().tolist() == [True, False]


def test_a_long_word_is_no_catastrophic_backtracking():
    # The component rule looks ahead for a letter: two greedy runs around it tried every split of a word, minutes
    # for a line as long as logad reads (65,536 characters) where one pass takes milliseconds.
    code = ("import sys; from logad_utils.layout import _ELEMENT_RES; "
            "sys.exit(dict(_ELEMENT_RES)['component'].match('a' * 65_536 + ' rest') is not None)")
    assert run_cpu_bounded(code) == 0


def test_lower_case_note_is_no_level():
    lines = [f"2024-03-05 14:07:{s:02d} INFO job {s} done" for s in range(30)] + ["2024-03-05 14:08:00 note that"]
    assert parse_lines(lines)["level"].iloc[-1] != "note"


def test_text_lines_with_a_one_digit_month_or_day_and_a_two_digit_year_keep_their_date():
    days = [f"1/{d}/26 10:00:0{d} INFO svc: request {d} done" for d in range(1, 8)]
    assert parse_lines(days)["timestamp"].tolist() == [pd.Timestamp(f"2026-01-0{d} 10:00:0{d}") for d in range(1, 8)]
    one_day = [f"1/1/26 1{h}:00:00 INFO svc: x {h}" for h in range(8)]  # a year is never one digit: year last
    assert parse_lines(one_day)["timestamp"].tolist() == [pd.Timestamp(f"2026-01-01 1{h}:00") for h in range(8)]
    versions = [f"1.4.22 10:00:0{d} INFO svc: up" for d in range(5)]  # dots: a version, not a date
    assert parse_lines(versions)["timestamp"].dt.year.eq(1970).all()  # times of day only, as read_logs reads them


def test_a_day_and_month_name_without_a_year_keep_a_clock_without_seconds():
    # Bacula's "05-Mar 08:59 bacula-dir JobId 12: ...": year 2000, as every layout without a year gets.
    lines = [f"0{d}-Mar 08:5{d} bacula-{'dir' if d % 2 else 'sd'} JobId {d}: job {d} done" for d in range(1, 8)]
    frame = parse_lines(lines)
    assert frame["timestamp"].tolist() == [pd.Timestamp(f"2000-03-0{d} 08:5{d}") for d in range(1, 8)]
    assert frame["content"].iloc[0] == "job 1 done"  # the daemon and its JobId are header fields
    seconds = [f"05-Mar 08:59:0{d} worker-{d} started" for d in range(7)]
    assert parse_lines(seconds)["timestamp"].tolist() == [pd.Timestamp(f"2000-03-05 08:59:0{d}") for d in range(7)]
    # Only a month's name: "3-Way 11:30" opens a message, it is no date.
    words = [f"{d}-Way 1{d}:30 handshake {d} done ok" for d in range(1, 8)]
    assert parse_lines(words)["content"].tolist() == words


def test_a_bracket_of_mostly_level_words_is_the_level_with_the_other_words_kept():
    levels = ["Note", "Warning", "ERROR", "System", "Note", "ERROR"]  # "System" is no level word
    lines = [f"2026-12-01T10:00:{i:02d}.123456Z {i % 7} [{levels[i % 6]}] [MY-0{10000 + i}] [Server] job {i} done"
             for i in range(60)]
    frame = parse_lines(lines)
    assert frame["parsed"].all() and frame["level"].tolist() == [levels[i % 6] for i in range(60)]
    assert frame["content"].tolist()[:2] == ["job 0 done", "job 1 done"]


def test_a_capitalised_word_taking_turns_with_level_words_before_a_component_is_the_level():
    # A program's own level names ("Perf", "Config") beside the usual ones, each followed by a module and a colon:
    # the place is the level on every line, and the module is the component, not part of the message.
    levels = ["Perf", "Info", "Perf", "Notice", "Config", "Warning", "Perf", "Error"]
    lines = [f"[51{i % 3} - Main] 2026-12-01 10:{i // 60:02d}:{i % 60:02d} {levels[i % 8]}: mod{i % 4}: job {i} done"
             for i in range(80)]
    frame = parse_lines(lines)
    assert frame["parsed"].all() and frame["level"].tolist() == [levels[i % 8] for i in range(80)]
    assert frame["component"].tolist()[:2] == ["mod0", "mod1"]
    assert frame["content"].tolist()[:2] == ["job 0 done", "job 1 done"]
    # A capitalised word with no level word beside it names a component, as before.
    plain = [f"2026-12-01 10:00:{i:02d} {('Kernel', 'Server')[i % 2]}: job {i} done" for i in range(40)]
    assert "level" not in parse_lines(plain) or parse_lines(plain)["level"].isna().all()
    # Nor does a subsystem's name with an occasional level word in its place: that is a component.
    named = [f"2024-01-01 10:00:{i % 60:02d} {'Error' if i % 10 == 0 else 'Database'}: query: took {i} ms"
             for i in range(80)]
    frame = parse_lines(named)
    assert frame["component"].tolist()[1:3] == ["Database", "Database"]
    assert frame["content"].tolist()[1] == "query: took 1 ms"


def test_a_value_of_several_words_stays_quoted_in_a_message_of_pairs():
    # A firewall's records: no message key, a country of one word or two; each record's pairs are its message.
    countries = ("Germany", "United States", "Russian Federation")
    lines = [f'date=2026-12-01 time=10:00:{i % 60:02d} type="traffic" srcip=10.0.0.{i} '
             f'dstcountry="{countries[i % 3]}" action="accept" poluuid="3f2a9c1e-8b7d-51ec-a1f0-{i:012d}"'
             for i in range(60)]
    fmt = detect_format(lines)
    assert fmt.json_key == ""
    frame, ok = fmt.parse(lines)
    assert ok.all() and 'dstcountry="United States" action=accept' in frame["content"].iloc[1]
    # Whatever the country, one value: every message has as many words as pairs but the time's two, as the lines had.
    assert frame["content"].map(lambda c: len(shlex.split(c))).eq(5).all()


def test_a_date_key_and_a_clock_key_are_one_time():
    # Firewalls write the day and the clock under two keys; days apart, the clock alone would not say which day.
    days = ("2026-12-01", "2026-12-04", "2026-12-09")
    lines = [f'date={days[i // 20]} time=10:{i % 60:02d}:07 devname="fw1" action="accept" srcip=10.0.0.{i}'
             for i in range(60)]
    fmt = detect_format(lines)
    frame, ok = fmt.parse(lines)
    assert ok.all() and "timestamp=date + time" in fmt.describe()
    assert frame["timestamp"].iloc[[0, 20, 59]].tolist() == [pd.Timestamp(f"{d} 10:{m:02d}:07")
                                                            for d, m in zip(days, (0, 20, 59))]
    assert not frame["content"].str.contains("date=|time=").any()
    # A clock key whose own values are dated keeps them: no date key joins it.
    dated = [f'time="2026-12-01 10:00:{i % 60:02d}" date=2026-11-30 msg="job {i} done"' for i in range(30)]
    assert detect_format(dated).parse(dated)[0]["timestamp"].iloc[5] == pd.Timestamp("2026-12-01 10:00:05")


def test_objects_without_a_message_key_read_their_keys_as_the_message():
    def event(i, name="GetObject", error=None):
        return json.dumps({"eventTime": f"2026-12-01T10:{i // 60:02d}:{i % 60:02d}Z", "eventName": name,
                           "userIdentity": {"arn": f"arn:aws:sts::1234:assumed-role/app/i-0a{i % 7}"},
                           **({"errorCode": error} if error else {})})

    lines = [event(i) for i in range(60)] + [event(60, "DeleteBucket", "AccessDenied")]
    fmt = detect_format(lines)
    assert fmt.json_key == "" and "no message key" in fmt.describe()
    frame, ok = fmt.parse(lines)
    assert ok.all() and frame["timestamp"].notna().all()
    assert frame["content"].iloc[-1].startswith("eventName=DeleteBucket ")
    assert "errorCode=AccessDenied" in frame["content"].iloc[-1]
    # One word is no message (a user, a host, a mode): every key is, the mode kept apart (bools are no bytes).
    actions = [json.dumps({"ts": f"2026-12-01T10:00:{i:02d}Z", "action": ("order_created", "cart_viewed")[i % 2],
                           "user": ("administrator", "eve")[i % 2], "flags": [True, False]}) for i in range(30)]
    fmt = detect_format(actions)
    frame, _ = fmt.parse(actions[:1])
    assert fmt.json_key == ""
    assert frame["content"].tolist() == ['action=order_created user=administrator flags="true false"']
    sentences = [json.dumps({"t": i, "text_ru": "Пользователь вошёл в систему", "id": f"u{i}"}) for i in range(30)]
    assert detect_format(sentences).json_key == "text_ru"


def test_a_log_whose_records_mostly_span_lines_has_all_its_columns():
    # PostgreSQL's csvlog: a statement quoted over two lines on most records; 26 columns, the message the 14th.
    tail = ",,,,,,,,,psql,client backend,,0"
    lines = []
    for i in range(30):
        head = f"2026-12-01 10:00:{i:02d}.000 UTC,app,shop,4123,10.0.0.1:5000,6700.1,{i},SELECT,2026-12-01 09:55:00 UTC"
        if i % 5:
            lines += [head + ',3/1,0,LOG,00000,"statement: SELECT id', f'  FROM orders WHERE id = {i};"' + tail]
        else:
            lines.append(head + f",3/1,0,LOG,00000,connection authorized: user=app database=shop{tail}")
    frame = parse_lines(lines)
    events = frame[frame["line_no"] == frame["event_line_no"]]
    assert len(events) == 30 and frame.columns.tolist().count("column26") == 1
    assert events["content"].iloc[0] == "connection authorized: user=app database=shop"
    assert (events["level"] == "LOG").all() and events["timestamp"].notna().all()


def test_log4j2_instants_and_journald_byte_messages():
    log4j = [json.dumps({"instant": {"epochSecond": 1796119200 + i, "nanoOfSecond": 724722000}, "level": "WARN",
                         "loggerName": "com.example.Processor", "message": f"record {i} skipped"}) for i in range(5)]
    frame, _ = detect_format(log4j).parse(log4j)
    assert frame["timestamp"].iloc[0] == pd.Timestamp(1796119200, unit="s")
    journal = [json.dumps({"MESSAGE": list("binär".encode("latin-1")) if i == 2 else "started",
                           "PRIORITY": "6", "_SYSTEMD_UNIT": "a.service"}) for i in range(5)]
    frame, _ = detect_format(journal).parse(journal)
    assert frame["content"].iloc[2] == "bin\ufffdr" and frame["content"].iloc[1] == "started"


def test_a_label_set_in_braces_after_the_time_is_a_field():
    # Loki's logcli (--output=default) writes each line's labels after its time: '{app="web", pod="..."}'. Read as
    # the start of a JSON object, it stayed in every message, one template per app for each event.
    apps = [("web", "web-7d9f8-abcde"), ("worker", "worker-5c6d7-xyz12"), ("db", "db-0")]
    messages = ["job {i} completed in {i} ms", "connection from 10.0.0.{i} accepted"]
    lines = [f'2024-03-11T09:14:{i:02d}Z {{app="{apps[i % 3][0]}", pod="{apps[i % 3][1]}"}} '
             + messages[i % 2].format(i=i) for i in range(40)]
    frame = parse_lines(lines)
    assert frame["timestamp"].notna().all() and frame["content"].tolist() == [messages[i % 2].format(i=i)
                                                                             for i in range(40)]
    assert frame["labels"].iloc[1] == 'app="worker", pod="worker-5c6d7-xyz12"'


def test_a_log_shippers_kubernetes_container_is_the_component():
    # Fluent Bit's (and Fluentd's, Vector's) records: the container under "kubernetes" wrote the line; with no logger
    # of the record's own, lines had no component and root causes named none.
    containers = ["web", "worker", "nginx"]
    lines = [json.dumps({"log": f"job {i} done\n", "stream": "stdout", "time": f"2024-03-11T09:14:{i:02d}.123456Z",
                         "kubernetes": {"pod_name": f"{containers[i % 3]}-7d9f8", "namespace_name": "prod",
                                        "container_name": containers[i % 3]}}) for i in range(30)]
    frame, _ = detect_format(lines).parse(lines)
    assert frame["component"].tolist() == [containers[i % 3] for i in range(30)]


def test_lines_that_miss_an_inferred_layout_keep_its_time_and_level():
    # The sample's lines share their message's words; the message after a tab is no header field, so a later line
    # with other words reads as they do.
    lines = [f"2026-12-01T10:{i // 60:02d}:{i % 60:02d}.123Z\tINFO\tserver/http.go:88\trequest served\t"
             f'{{"status": 200}}' for i in range(600)]
    lines.insert(550, '2026-12-01T10:09:10.500Z\tERROR\tstore/raft.go:311\tleader election lost quorum\t{"term": 7}')
    frame = parse_lines(lines)
    assert frame["parsed"].all() and frame["component"].iloc[550] == "store/raft.go:311"
    # A later line without the sample's bracket and thread misses the layout, and keeps its time and level.
    lines = [f"2026-12-01T10:{i // 60:02d}:{i % 60:02d}.123Z INFO [http] (worker-{i % 4}) request served"
             for i in range(600)]
    lines.insert(550, "2026-12-01T10:09:10.500Z ERROR leader election lost quorum")
    frame = parse_lines(lines)
    odd = frame.iloc[550]
    assert not odd["parsed"] and odd["level"] == "ERROR"
    assert odd["timestamp"] == pd.Timestamp("2026-12-01 10:09:10.500")
    assert odd["content"] == "leader election lost quorum" and frame["parsed"].sum() == 600


def test_a_cloud_logging_payload_is_the_message():
    lines = [json.dumps({"timestamp": f"2026-12-01T10:00:{i:02d}Z", "severity": "INFO", "insertId": f"x{i}",
                         "jsonPayload": {"message": f"order {i} paid"}}) for i in range(20)]
    # Another service's lines in the same export hold their message under another common key; some hold none: an
    # empty message, their keys columns.
    lines += [json.dumps({"timestamp": "2026-12-01T10:00:30Z", "severity": "ERROR", "textPayload": "boom"}),
              json.dumps({"timestamp": "2026-12-01T10:00:31Z", "severity": "ERROR", "status": 503})]
    fmt = detect_format(lines)
    frame, _ = fmt.parse(lines)
    assert fmt.json_key == "jsonPayload.message" and frame["content"].iloc[0] == "order 0 paid"
    assert frame["content"].iloc[-2] == "boom" and frame["level"].iloc[-2] == "ERROR"
    assert frame["content"].iloc[-1] == "" and frame["status"].iloc[-1] == "503"


def test_a_time_of_seconds_and_nanos_is_one_time():
    # A protobuf Timestamp written as an object (an export of Cloud Logging entries), on some lines or on all.
    def entry(i: int, nested: bool) -> str:
        time = {"seconds": 1796119200 + i, "nanos": 250000000} if nested else f"2026-12-01T10:00:{i:02d}.25Z"
        return json.dumps({"timestamp": time, "severity": "INFO", "message": f"order {i} paid"})

    for nested in ((i % 2 == 1 for i in range(30)), (True for _ in range(30))):
        frame = parse_lines([entry(i, n) for i, n in enumerate(nested)])
        assert frame["timestamp"].iloc[1] == pd.Timestamp("2026-12-01 10:00:01.250")
        assert frame["timestamp"].notna().all() and not frame.columns.str.startswith("timestamp.").any()


@pytest.mark.parametrize("dialect", ["w3c", "zeek"])
def test_columns_named_by_a_fields_directive(dialect):
    if dialect == "w3c":  # IIS: space between cells, a date and a time column, the status as the level
        lines = ["#Software: Microsoft Internet Information Services 10.0", "#Version: 1.0",
                 "#Fields: date time s-ip cs-method cs-uri-stem s-port c-ip cs(User-Agent) sc-status time-taken"]
        lines += [f"2026-12-01 10:00:{i:02d} 10.0.0.1 GET /shop/item{i % 3} 443 192.168.1.{i} Mozilla/5.0+(X11) "
                  f"{503 if i == 7 else 200} {15 + i}" for i in range(30)]
        lines.insert(20, "#Date: 2026-12-01 10:00:20")  # a directive written again further on
    else:  # Zeek: tab between cells, Unix times
        lines = ["#separator \\x09", "#path\tconn", "#fields\tts\tuid\tid.orig_h\tproto\tconn_state",
                 "#types\ttime\tstring\taddr\tenum\tstring"]
        lines += [f"1796119{200 + i}.25\tC{i}x9Ab\t10.0.0.{i}\ttcp\t{'REJ' if i == 7 else 'SF'}" for i in range(30)]
    frame = parse_lines(lines)
    records = frame[~frame["blank"]]
    assert len(records) == 30 and records["parsed"].all() and records["timestamp"].notna().all()
    assert frame["blank"].sum() == len(lines) - 30  # the directives are no events
    odd = records["content"].iloc[7]
    if dialect == "w3c":
        assert records["level"].tolist()[6:9] == ["INFO", "ERROR", "INFO"]
        assert records["timestamp"].iloc[7] == pd.Timestamp("2026-12-01 10:00:07")
        assert odd.startswith("s-ip=10.0.0.1 cs-method=GET cs-uri-stem=/shop/item1 ")
    else:
        assert records["timestamp"].iloc[0] == pd.Timestamp("2026-12-01 10:00:00.25")
        assert "conn_state=REJ" in odd and "ts=" not in odd


def test_a_dash_is_no_component_or_level():
    # Zeek writes "-" for a value not set (#unset_field -), as access logs do: the service of a connection no
    # analyzer recognised. It named no component ("-" on a third of the lines).
    lines = ["#separator \\x09", "#unset_field\t-", "#fields\tts\tuid\tservice\tproto\tconn_state",
             "#types\ttime\tstring\tstring\tenum\tstring"]
    lines += [f"1796119{200 + i}.25\tC{i}x9Ab\t{('dns', 'http', '-')[i % 3]}\ttcp\tSF" for i in range(30)]
    records = parse_lines(lines).query("~blank")
    assert records["component"].tolist()[:3] == ["dns", "http", None] and records["component"].notna().sum() == 20


def test_an_http_status_is_the_level_where_no_key_names_one():
    lines = [json.dumps({"time": f"2026-12-01T10:00:{i:02d}Z", "msg": "request done", "status": s})
             for i, s in enumerate([200, 204, 301, 404, 500, 503] * 5)]
    frame, _ = detect_format(lines).parse(lines[:6])
    assert frame["level"].tolist() == ["INFO", "INFO", "INFO", "WARNING", "ERROR", "ERROR"]


def test_a_fields_directive_needs_columns_of_its_own_and_its_cells_are_never_quoted():
    csv_lines = ["#Fields: a,b,c"] + [f"{i},x{i},2026-12-01T10:00:{i:02d}Z" for i in range(30)]
    assert detect_format(csv_lines).name != "directive"
    zeek = ["#fields\tts\tquery\tquery\trcode"] + [f"1796119{200 + i}.0\t{chr(34) if i == 3 else ''}q{i}.example"
                                                     f"\tA\tNOERROR" for i in range(30)]
    fmt = detect_format(zeek)
    frame = parse_lines(zeek)
    assert fmt.name == "directive" and fmt.names == ("ts", "query", "query_3", "rcode")
    assert frame["content"].iloc[4] == 'query="q3.example query_3=A rcode=NOERROR'
    w3c = ["#Fields: date  time x y"] + [f"2026-12-01 10:00:{i:02d} a{i} b" for i in range(30)]
    frame = parse_lines(w3c)
    assert frame["timestamp"].iloc[1:].notna().all() and frame["parsed"].iloc[1:].all()


def _job_log() -> list[str]:
    """A build log: a job's download lines first, which share their words, then its test lines; a few lines have
    no level."""
    lines = ["[2026-12-01T10:00:00.000Z] Started by user admin"]
    lines += [f"[2026-12-01T10:{i // 60:02d}:{i % 60:02d}.000Z] [INFO] Downloaded from central: "
              f"https://repo/lib{i}.jar" for i in range(600)]
    lines += [f"[2026-12-01T11:{i // 60:02d}:{i % 60:02d}.000Z] [INFO] Tests run: {i}, Failures: 0" for i in range(600)]
    lines.insert(900, "[2026-12-01T10:15:00.500Z] + mvn -B test")
    return lines


def test_detection_reads_lines_spread_over_the_file():
    # The first 500 lines alone make "Downloaded from central:" header fields, which the test lines lack.
    lines = _job_log()
    assert "<Field>" in detect_format(lines[:500]).pattern
    assert detect_format(detection_sample(lines)).pattern == r"\[<Timestamp>\] \[<Level>\] <Content>"
    frame = parse_lines(lines)
    assert frame["parsed"].mean() > 0.99 and frame["level"].eq("INFO").sum() == 1200
    assert frame["content"].iloc[700] == "Tests run: 99, Failures: 0"


def test_lines_without_the_level_keep_the_time():
    frame = parse_lines(_job_log())
    assert frame["timestamp"].notna().all()
    first, job = frame.iloc[0], frame.iloc[900]
    assert not first["parsed"] and first["content"] == "Started by user admin" and pd.isna(first["level"])
    assert job["content"] == "+ mvn -B test" and job["timestamp"] == pd.Timestamp("2026-12-01 10:15:00.500")



def test_a_line_without_the_logger_key_takes_another_common_one():
    # journald: services' lines name their unit; kernel lines only their identifier.
    lines = [json.dumps({"__REALTIME_TIMESTAMP": str(1796120853254714 + i), "PRIORITY": "6", "MESSAGE": f"tick {i}",
                         "_SYSTEMD_UNIT": "cron.service", "SYSLOG_IDENTIFIER": "CRON"}) for i in range(30)]
    lines.append(json.dumps({"__REALTIME_TIMESTAMP": "1796120853354714", "PRIORITY": "3", "MESSAGE": "EXT4-fs error",
                             "SYSLOG_IDENTIFIER": "kernel"}))
    fmt = detect_format(lines)
    frame, _ = fmt.parse(lines)
    assert "component=_SYSTEMD_UNIT|SYSLOG_IDENTIFIER" in fmt.describe()
    assert frame["component"].iloc[0] == "cron.service" and frame["component"].iloc[-1] == "kernel"
    assert frame["syslog_identifier"].iloc[0] == "CRON" and frame["level"].iloc[-1] == "ERROR"


def test_a_message_without_the_level_of_its_own_layout_loses_its_own_time_too():
    # docker's json-file log of a Go service: "[info]" after the service's time; net/http's lines have none.
    def line(s: int) -> str:
        text = (f"http: TLS handshake error from 10.0.0.{s}:443: EOF" if s % 10 == 3 else
                f"[{('info', 'warn')[s % 2]}] request {s} done")
        return json.dumps({"log": f"2024/03/11 09:14:{s:02d} {text}\n", "stream": "stderr",
                           "time": f"2024-03-11T09:14:{s:02d}.123456789Z"})
    frame = parse_lines([line(s) for s in range(40)])
    assert frame["content"].iloc[3] == "http: TLS handshake error from 10.0.0.3:443: EOF"
    assert frame["content"].iloc[4] == "request 4 done" and frame["level"].iloc[4] == "info"


def test_an_apps_log_under_a_container_runtimes_header_is_read_by_its_own_layout():
    app = [f"2026-12-01 10:00:{i:02d},123 {'ERROR' if i == 7 else 'INFO'} [worker.tasks] task {i} done"
           for i in range(30)]
    cri = [f"2026-12-01T10:00:{i:02d}.000000000Z stdout F {line}" for i, line in enumerate(app)]
    cri.insert(8, "2026-12-01T10:00:07.500000000Z stderr F Traceback (most recent call last):")
    cri.insert(9, '2026-12-01T10:00:07.500000000Z stderr F   File "app.py", line 3, in <module>')
    docker = [json.dumps({"log": line + "\n", "stream": "stdout", "time": f"2026-12-01T10:00:{i:02d}Z"})
              for i, line in enumerate(app)]
    for lines in (cri, docker):
        fmt = detect_format(lines)
        frame = parse_lines(lines)
        assert fmt.name.endswith("+inferred")
        assert fmt.text_messages.pattern == r"<Date> <Time> <Level> \[<Component>\] <Content>"
        assert frame["content"].iloc[0] == "task 0 done" and frame["component"].iloc[0] == "worker.tasks"
        assert frame["level"].iloc[7] == "ERROR" and frame["timestamp"].iloc[7] == pd.Timestamp("2026-12-01 10:00:07")
    traced = parse_lines(cri)
    assert traced["event_line_no"].iloc[8:10].tolist() == [8, 8] and traced["level"].iloc[9] == "ERROR"
    # A header with a level of its own keeps its messages as they are.
    assert detect_format([f"2026-12-01 10:00:00 WARN {line}" for line in app]).text_messages is None


def test_one_letter_levels_and_a_level_key_on_few_lines():
    # MongoDB: one-letter levels under "s" (a key named so is read by its values); Serilog's compact JSON writes @l
    # only where the level is not Information, which the others have.
    mongo = [json.dumps({"t": {"$date": f"2026-12-01T10:00:{i:02d}.000+00:00"}, "s": "E" if i == 5 else "I",
                         "c": "NETWORK", "id": 22943, "ctx": "listener", "msg": "Connection accepted"})
             for i in range(30)]
    frame = parse_lines(mongo)
    assert frame["level"].iloc[5] == "E" and frame["c"].eq("NETWORK").all()
    assert severity(frame["level"]).tolist() == [2.0 if i == 5 else 0.0 for i in range(30)]
    clef = [json.dumps({"@t": f"2026-12-01T10:00:{i:02d}Z", "@mt": "HTTP {Method} responded {Status}",
                        "SourceContext": "Api.Requests", **({"@l": "Error"} if i == 7 else {})}) for i in range(30)]
    frame = parse_lines(clef)
    assert frame["level"].iloc[7] == "Error" and frame["level"].drop(index=7).eq("Information").all()
    assert frame["component"].eq("Api.Requests").all() and severity(frame["level"])[7] == 2
    # With a status on every line, an error's own @l beats its request's 200; the status stands in elsewhere.
    clef = [json.dumps({"@t": f"2026-12-01T10:00:{i:02d}Z", "@mt": "HTTP {Method} responded {StatusCode}",
                        "StatusCode": 503 if i == 3 else 200, **({"@l": "Error"} if i == 7 else {})})
            for i in range(30)]
    assert severity(parse_lines(clef)["level"]).tolist() == [2.0 if i in (3, 7) else 0.0 for i in range(30)]
    # A key on a few lines whose values are no level names (a finding's severity "low") leaves the status the level.
    access = [json.dumps({"ts": f"2026-12-01T10:00:{i:02d}Z", "msg": "request served",
                          "status": 503 if i == 10 else 200, **({"severity": "low"} if i % 10 == 0 else {})})
              for i in range(30)]
    assert severity(parse_lines(access)["level"]).tolist() == [2.0 if i == 10 else 0.0 for i in range(30)]


def test_clef_message_template_is_the_message_and_a_missing_level_is_information():
    # CLEF: the message template under @mt (holes in braces, the values keys of their own), or the rendered @m; no
    # @l on a line, or on any line of the file, is Information.
    holes = [json.dumps({"@t": f"2026-12-01T10:00:{i:02d}Z", "@mt": "Order {OrderId} shipped to {City}",
                         "OrderId": 1000 + i, "City": "Zürich", **({"@l": "Warning"} if i == 4 else {})})
             for i in range(30)]
    frame = parse_lines(holes)
    assert frame["content"].eq("Order {OrderId} shipped to {City}").all() and frame["orderid"].iloc[2] == "1002"
    assert frame["level"].iloc[4] == "Warning" and frame["level"].drop(index=4).eq("Information").all()
    rendered = [json.dumps({"@t": f"2026-12-01T10:00:{i:02d}Z", "@m": f"Order {1000 + i} shipped"}) for i in range(30)]
    frame = parse_lines(rendered)
    assert frame["content"].iloc[3] == "Order 1003 shipped" and frame["level"].eq("Information").all()


def test_a_padded_logger_before_its_pid_and_a_level_after_it():
    # fail2ban: the logger padded to a column before "[pid]:", then the level, and on most lines the jail.
    lines = [f"2026-12-01 10:00:{i:02d},410 fail2ban.{('filter', 'actions')[i % 2]}{' ' * (9 - i % 2)}[812]: "
             f"{('INFO   ', 'NOTICE ')[i % 2]} [sshd] {('Found', 'Ban')[i % 2]} 10.0.0.{i}" for i in range(40)]
    lines[20] = "2026-12-01 10:00:20,500 fail2ban.utils          [812]: ERROR   7f3a2c1e5b40 -- exec: iptables -w"
    lines.append("2026-12-01 10:01:00,000 Fail2ban server restarting")  # no logger: the time still reads
    frame = parse_lines(lines)
    assert frame["timestamp"].iloc[-1] == pd.Timestamp("2026-12-01 10:01:00") and not frame["parsed"].iloc[-1]
    assert frame["component"].iloc[:2].tolist() == ["fail2ban.filter", "fail2ban.actions"]
    assert frame["pid"].iloc[:-1].eq("812").all() and frame["level"].iloc[:2].tolist() == ["INFO", "NOTICE"]
    assert frame["level"].iloc[20] == "ERROR" and frame["content"].iloc[20] == "7f3a2c1e5b40 -- exec: iptables -w"
    assert frame["content"].iloc[1] == "Ban 10.0.0.1" and frame["message_component"].iloc[1] == "sshd"


def test_a_level_in_parentheses_glued_to_the_pid_is_the_level():
    # MIT Kerberos' KDC: "krb5kdc[1432](info):" after the host; no name matched, the whole header was the message's.
    levels = ("info", "Notice", "info", "Error")
    lines = [f"Mar 12 06:41:{i:02d} kdc01 krb5kdc[1432]({levels[i % 4]}): TGS_REQ 10.0.0.{i}: ISSUE" for i in range(40)]
    frame = parse_lines(lines)
    assert frame["component"].eq("krb5kdc").all() and frame["host"].eq("kdc01").all()
    assert frame["level"].iloc[:4].tolist() == list(levels) and frame["content"].iloc[1] == "TGS_REQ 10.0.0.1: ISSUE"


def test_columns_named_by_a_first_line_of_names():
    # AWS VPC flow logs: a line of column names, then space-separated cells; the naming line is no event.
    lines = ["version account-id interface-id srcaddr dstaddr dstport start end action log-status"]
    lines += [f"2 123456789012 eni-0a1b2c 10.1.0.{i} 10.0.1.25 {443 if i % 9 else 22} {1796119200 + i} "
              f"{1796119260 + i} {'REJECT' if i == 20 else 'ACCEPT'} OK" for i in range(40)]
    fmt = detect_format(lines)
    frame = parse_lines(lines)
    assert fmt.name == "directive" and frame["blank"].iloc[0] and frame["parsed"].iloc[1:].all()
    assert frame["timestamp"].iloc[1] == pd.Timestamp("2026-12-01 10:00:00") and frame["action"].iloc[21] == "REJECT"
    assert "action=REJECT" in frame["content"].iloc[21] and "srcaddr=10.1.0.20" in frame["content"].iloc[21]
    # A first line of as many words over lines a text layout reads is no naming line.
    prose = ["Starting the nightly job now at once"]
    prose += [f"2026-12-01 10:00:{i:02d} step {i} took {i} ms" for i in range(30)]
    assert detect_format(prose).name == "inferred"


def test_a_bracket_with_a_space_before_the_time_is_one_field():
    # Cassandra: the level, the thread in brackets (some with a space), then the time.
    threads = ["SlabPoolCleaner", "MemtableFlushWriter:1", "Service Thread"]
    lines = [f"INFO  [{threads[i % 3]}] 2026-12-01 10:00:{i:02d},791 Memtable.java:456 - Writing Memtable-{i}"
             for i in range(30)]
    frame = parse_lines(lines)
    assert frame["parsed"].all() and frame["timestamp"].notna().all()
    assert frame["thread"].iloc[2] == "Service Thread" and frame["content"].iloc[2] == "Writing Memtable-2"


def test_one_letters_without_an_info_are_no_levels_and_a_payload_c_is_no_logger():
    rows = [json.dumps({"time": f"2026-12-01T10:00:{i:02d}Z", "msg": "turned", "dir": "EW"[i % 2], "c": i})
            for i in range(30)]
    frame = parse_lines(rows)
    assert "level" not in frame or frame["level"].isna().all()
    assert "component" not in frame or frame["component"].isna().all()


def test_an_http_status_on_most_lines_is_the_level_before_a_level_key_on_a_few():
    lines = [json.dumps({"time": "2026-01-01T00:00:00Z", "level": "info", "msg": f"cache warmed {i}"}) if i % 20 == 0
             else json.dumps({"time": "2026-01-01T00:00:00Z", "status": 503 if i % 7 == 0 else 200,
                              "msg": f"GET /api/{i}"}) for i in range(200)]
    frame = parse_lines(lines)
    assert frame["level"].iloc[7] == "ERROR" and frame["level"].iloc[0] == "info"
    # A status key whose values are no HTTP statuses gives no level.
    words = [json.dumps({"time": f"2026-01-01T00:00:{i:02d}Z", "status": "ok", "msg": "ran"}) for i in range(30)]
    assert "level" not in parse_lines(words)


def test_an_http_status_is_the_level_where_the_level_key_never_changes():
    lines = [json.dumps({"level": "info", "ts": f"2026-01-01T00:00:{i % 60:02d}Z", "msg": "handled request",
                         "status": 502 if i % 9 == 0 else 200}) for i in range(60)]
    assert parse_lines(lines)["level"].iloc[:2].tolist() == ["ERROR", "INFO"]
    # A key whose name ends in a status is one too (Traefik's DownstreamStatus); a job's status is no HTTP one.
    traefik = [line.replace('"status"', '"DownstreamStatus"').replace('"msg": "handled request", ', '')
               for line in lines]
    assert parse_lines(traefik)["level"].iloc[:2].tolist() == ["ERROR", "INFO"]
    jobs = [json.dumps({"level": "info", "msg": "job done", "jobStatus": "ok"}) for _ in range(30)]
    assert parse_lines(jobs)["level"].iloc[0] == "info"
    # An error on every line is a level that tells something: it stays.
    errors = [line.replace('"info"', '"error"') for line in lines]
    assert set(parse_lines(errors)["level"]) == {"error"}
    # A level that varies stays the level, whatever the status says.
    lines[1] = lines[1].replace('"info"', '"warn"')
    assert parse_lines(lines)["level"].iloc[:2].tolist() == ["info", "warn"]


def test_a_preset_that_reads_no_time_loses_to_a_layout_that_does_and_its_other_lines_keep_their_time():
    # PostgreSQL's default prefix fits hadoop's preset (the zone as its level, the level as its logger) but its
    # millisecond dot is no comma: no time. A DETAIL line's label is read as its level.
    levels = ["LOG", "LOG", "ERROR", "LOG", "WARNING", "DETAIL"]
    lines = [f"2024-03-05 09:00:{i % 60:02d}.{i:03d} UTC [{2000 + i}] {levels[i % 6]}:  message {i} here"
             for i in range(120)]
    fmt = detect_format(lines)
    assert fmt.name == "inferred" and "<Zone>" in fmt.pattern
    frame = parse_lines(lines)
    assert frame["timestamp"].notna().all() and frame["level"].iloc[2] == "ERROR"
    assert frame["content"].iloc[5] == "message 5 here" and frame["level"].iloc[5] == "DETAIL"


def test_a_utc_offset_after_a_short_dates_clock_is_the_times_zone():
    # Splunk's "03-14-2024 05:58:40.012 +0100 INFO ...": the offset was a field of its own and the clock read as UTC.
    lines = [f"03-14-2024 05:58:{i % 60:02d}.012 +0100 INFO  Loader [2801 MainThread] - step {i} done"
             for i in range(40)]
    assert detect_format(lines).pattern.startswith("<Date> <Time> <Zone> <Level> ")
    frame = parse_lines(lines)
    assert frame["timestamp"].iloc[1] == pd.Timestamp("2024-03-14 04:58:01.012") and "field" not in frame
    assert frame["content"].iloc[1] == "step 1 done" and frame["level"].iloc[1] == "INFO"


def test_a_preset_that_reads_few_of_its_times_still_beats_no_layout():
    # Hours past 23 on 60 % of the lines: no other layout reads these times either, so the preset's fields stay.
    lines = [f"081109 {25 if i % 5 < 3 else 20}{i % 60:02d}15 {100 + i} INFO dfs.DataNode: Received block {i}"
             for i in range(100)]
    assert detect_format(lines).name == "hdfs"
    assert parse_lines(lines)["level"].eq("INFO").all()


def test_a_column_a_tab_ends_is_a_header_field():
    # zap's console encoder (etcd, Kubernetes controllers): time, level, caller and message between tabs.
    callers = ["mvcc/index.go:214", "etcdserver/raft.go:369", "embed/serve.go:98"]
    messages = ["finished scheduled compaction", "apply request took too long", "lost leader", "sent snapshot"]
    lines = [f"2024-03-12T08:00:{i % 60:02d}.828Z\t{'warn' if i % 5 == 0 else 'info'}\t{callers[i % 3]}\t"
             f"{messages[i % 4]}\t{{\"took\": \"{i}ms\"}}" for i in range(60)]
    frame = parse_lines(lines)
    assert frame["component"].iloc[:3].tolist() == callers and frame["level"].iloc[0] == "warn"
    assert frame["content"].iloc[1] == 'apply request took too long\t{"took": "1ms"}'
    # Fields whose first key ends in a colon ('{"evicted": 73}') are no "name:" component after the message.
    lines = [f"2024-03-11T08:00:{i % 60:02d}.237Z\tWARN\tcache/lru.go:88\tcache eviction\t{{\"evicted\": {i}}}"
             for i in range(60)]
    frame = parse_lines(lines)
    assert frame["component"].eq("cache/lru.go:88").all() and frame["level"].eq("WARN").all()
    assert frame["content"].iloc[7] == 'cache eviction\t{"evicted": 7}'
    # A tab before the message alone, or one before numbers, ends no header: its fields stay fields.
    for line, component in (("2024-03-01 12:00:{s:02d},123\tINFO\tapp.db - request {s} done", "app.db"),
                            ("2024-03-01 12:00:{s:02d}.123\t1000 2000\tI\tActivityManager: request {s} done",
                             "ActivityManager")):
        frame = parse_lines([line.format(s=s) for s in range(60)])
        assert frame["component"].eq(component).all() and frame["content"].iloc[3] == "request 3 done"
    # A tab after a message's first word, under a header of spaces, is the message's.
    spaced = parse_lines([f"2024-03-12 08:00:{i % 60:02d} INFO GET\t/api/items/{i} 200" for i in range(60)])
    assert spaced["content"].iloc[0] == "GET\t/api/items/0 200"


def test_a_damaged_gzip_is_detected_on_what_reads(tmp_path):
    import gzip

    from logad_utils.io import describe_layout

    data = gzip.compress("".join(f"2026-12-01 10:00:{i % 60:02d} INFO job {i} done\n" for i in range(3000)).encode())
    path = tmp_path / "cut.log.gz"
    path.write_bytes(data[:len(data) // 2])
    assert describe_layout(path)["layout"] == "generic"


def test_lines_under_a_time_without_a_level_keep_the_time_in_the_generic_layout(tmp_path):
    lines = ["2026-12-01T10:00:00.498936983Z .:53", "2026-12-01T10:00:00.498936252Z CoreDNS-1.11.1"]
    lines += [f"2026-12-01T10:00:{i:02d}.5Z [{'ERROR' if i % 9 == 0 else 'INFO'}] 10.0.0.{i}:53 - A IN x.example."
              for i in range(1, 40)]
    path = tmp_path / "coredns.log"
    path.write_text("\n".join(lines) + "\n")
    frame = parse_logs(path, warn=False)
    assert frame.attrs["read_report"]["formats"][str(path)] in ("generic", "inferred")
    generic = PRESETS["generic"].parse(lines)[0]
    assert generic["timestamp"].notna().all() and generic["content"].iloc[0] == ".:53"
    assert frame["timestamp"].notna().all() and frame["content"].iloc[1] == "CoreDNS-1.11.1"
    assert not frame["parsed"].iloc[:2].any()
    assert any("2 keep the time" in w for w in frame.attrs["read_report"]["warnings"])


def test_a_logger_name_ending_in_its_level_gives_both():
    # Monolog (Laravel, Symfony): "[time] channel.LEVEL: message context extra".
    levels = ["INFO", "DEBUG", "ERROR", "WARNING"]
    lines = [f"[2026-12-01 10:00:{i:02d}] {('production', 'security')[i % 2]}.{levels[i % 4]}: Order {i} placed "
             f'{{"order_id":{i}}} []' for i in range(40)]
    frame = parse_lines(lines)
    assert frame["parsed"].all() and frame["level"].tolist()[:4] == levels
    assert frame["component"].tolist()[:2] == ["production", "security"]
    assert frame["content"].iloc[0] == 'Order 0 placed {"order_id":0} []'


def test_a_name_the_level_and_the_logger_joined_by_slashes_give_the_level_and_the_logger():
    # Locust: "[time] host/LEVEL/logger: message" was one component, its level unread.
    levels = ["INFO", "WARNING", "ERROR", "DEBUG"]
    loggers = ["locust.main", "locustfile", "root"]
    lines = [f"[2026-12-01 10:00:{i:02d},123] runner-0{i % 2}/{levels[i % 4]}/{loggers[i % 3]}: User {i} spawned"
             for i in range(40)]
    frame = parse_lines(lines)
    assert frame["parsed"].all() and frame["level"].tolist() == [levels[i % 4] for i in range(40)]
    assert frame["component"].tolist() == [loggers[i % 3] for i in range(40)]
    assert frame["content"].tolist() == [f"User {i} spawned" for i in range(40)]


@pytest.mark.parametrize("line, expected", [
    ("[2026-12-0{d}, 09:50:{s:02d} UTC] {{taskinstance.py:1138}} INFO - Dependencies all met",
     "2026-12-0{d} 09:50:{s:02d}"),
    ("{s}: Dec  {d} 10:01:{s:02d}.358 UTC: %LINK-3-UPDOWN: Interface Gi0/1, changed state to down",
     "2000-12-0{d} 10:01:{s:02d}.358"),
    ("[0{d}-Dec-2026 10:00:{s:02d} UTC] PHP Warning:  Undefined variable $x in /var/www/a.php on line 3",
     "2026-12-0{d} 10:00:{s:02d}"),
    ("2026120{d}T1000{s:02d}Z INFO svc{s} request {s} served", "2026-12-0{d} 10:00:{s:02d}"),
    ("2026120{d}T1100{s:02d}.25+0100 WARN svc{s} request {s} retried", "2026-12-0{d} 10:00:{s:02d}.25"),
    ("Dec  {d} 2026 18:00:{s:02d}+08:00 sw-core-01 %%01NTP/4/PEER_SELE(l)[{s}]:The peer selected is 10.0.0.{s}.",
     "2026-12-0{d} 10:00:{s:02d}"),
    ("Dec  {d} 2026 11:00:{s:02d}.123 CET: %LINK-3-UPDOWN: Interface Gi0/{s}, changed state to down",
     "2026-12-0{d} 10:00:{s:02d}.123"),
    ("[12/{d}/26, 10:00:{s:02d}:017 UTC] 0000001e com.acme.orders.OrderService  I Order {s} placed",
     "2026-12-0{d} 10:00:{s:02d}.017"),
    ("[12/{d}/26 11:00:{s:02d}:250 CET] 00000031 com.acme.orders.OrderService  W Order {s} late",
     "2026-12-0{d} 10:00:{s:02d}.250"),
])
def test_dates_with_a_comma_or_a_zone_after_the_time(line, expected):
    # Airflow writes a comma after the date; Cisco IOS and PHP a zone name after the time; ISO 8601's basic form
    # has no separators (read in UTC where it has an offset). Network gear dated with a year ("Dec  1 2026 ...")
    # writes a zone after the time too, an offset glued to it or a name apart. IBM WebSphere writes Java's short
    # date (a comma after it in newer JDKs) and milliseconds after a colon.
    lines = [line.format(d=1 + i // 20, s=i % 60) for i in range(40)]
    frame = parse_lines(lines)
    assert frame["timestamp"].tolist() == [pd.Timestamp(expected.format(d=1 + i // 20, s=i % 60)) for i in range(40)]


@pytest.mark.parametrize("date, expected", [("12/0{d}/2026", "2026-12-0{d}"), ("2026-12-0{d}", "2026-12-0{d}")])
def test_a_date_cell_then_a_clock_cell_of_a_pipe_table_are_one_time(date, expected):
    # ipmitool's event list: a record number, then the date and the clock in cells of their own. The clock alone
    # would be dated 1970, and the date would stay a field.
    sensors = ["Power Supply PS1 | Failure detected | Asserted", "Fan FAN2 | Lower Critical going low | Asserted"]
    lines = [f" {i + 1:3x} | {date.format(d=1 + i // 20)} | 10:00:{i % 60:02d} | {sensors[i % 2]}" for i in range(40)]
    frame = parse_lines(lines)
    assert frame["timestamp"].tolist() == [pd.Timestamp(f"{expected} 10:00:{i % 60:02d}".format(d=1 + i // 20))
                                           for i in range(40)]
    assert frame["content"].tolist() == [sensors[i % 2] for i in range(40)]


def test_a_date_a_spaced_dash_parts_from_its_clock_is_one_time():
    # The Source engine's server log: "L 03/10/2024 - 20:41:07: Loading map ...". The dash between the date and the
    # clock left both unread: no line had a time.
    events = ['Loading map "de_mirage"', "server cvars start", 'World triggered "Round_Start"']
    lines = [f"L 12/0{1 + i // 20}/2026 - 10:00:{i % 60:02d}: {events[i % 3]}" for i in range(40)]
    frame = parse_lines(lines)
    assert frame["timestamp"].tolist() == [pd.Timestamp(f"2026-12-0{1 + i // 20} 10:00:{i % 60:02d}")
                                           for i in range(40)]
    assert frame["content"].tolist() == [events[i % 3] for i in range(40)]


def test_a_time_in_angle_brackets_glued_to_a_mark_is_read_whole_with_its_level():
    # Oracle WebLogic's server log: every header field in angle brackets, the first glued to "####", the time with
    # its date, a 12-hour clock and a zone. Read as its clock alone it was dated 1970.
    levels = ["Info", "Warning", "Error"]
    lines = [f"####<Dec {1 + i // 20}, 2026 10:00:{i % 60:02d},123 AM UTC> <{levels[i % 3]}> <Security> <host1> "
             f"<BEA-090{i % 4}> <Session {i} opened.>" for i in range(40)]
    frame = parse_lines(lines)
    assert frame["timestamp"].tolist() == [pd.Timestamp(f"2026-12-0{1 + i // 20} 10:00:{i % 60:02d}.123")
                                           for i in range(40)]
    assert frame["level"].tolist() == [levels[i % 3] for i in range(40)]


def test_a_thread_in_parentheses_after_the_logger_is_a_header_field():
    # JBoss, WildFly and Quarkus: "%d %-5p [%c] (%t) %s"; a thread name may hold a space or a comma.
    threads = ["Timer-0", "default task-1", "jgroups-20,node-1", "executor-thread-3"]
    frame = parse_lines([f"2026-12-01 10:00:{i:02d},452 INFO  [org.acme.Events] ({threads[i % 4]}) user {i} logged in"
                         for i in range(40)])
    assert frame["content"].tolist() == [f"user {i} logged in" for i in range(40)]
    assert frame["level"].eq("INFO").all() and frame["component"].eq("org.acme.Events").all()
    # A thread with parentheses inside, and a line without one, keep the layout; a count in parentheses that opens
    # a message after the level is the message's.
    lines = [f"2026-12-01 10:00:{i:02d},452 INFO  [org.acme.Events] (Timer-{i}) user {i} logged in" for i in range(40)]
    lines[3] = "2026-12-01 10:00:03,452 INFO  [org.acme.Events] (Thread-0 (ActiveMQ-server-1)) user 3 logged in"
    lines[5] = "2026-12-01 10:00:05,452 INFO  [org.acme.Events] user 5 logged in"
    frame = parse_lines(lines)
    assert frame["content"].tolist() == [f"user {i} logged in" for i in range(40)]
    assert frame["component"].eq("org.acme.Events").all() and frame["thread"].iloc[3] == "Thread-0 (ActiveMQ-server-1)"
    frame = parse_lines([f"2026-12-01 10:00:{i:02d} INFO ({i}/40) Downloading part {i}" for i in range(40)])
    assert frame["content"].iloc[4] == "(4/40) Downloading part 4"
    # Home Assistant writes the thread before the logger's bracket.
    frame = parse_lines([f"2026-12-01 10:00:{i:02d}.654 WARNING (MainThread) [homeassistant.core] Hub {i} not ready"
                         for i in range(40)])
    assert frame["content"].iloc[2] == "Hub 2 not ready" and frame["component"].eq("homeassistant.core").all()


def test_a_caller_before_an_angle_bracket_is_the_component():
    # zerolog's console writer: "time LEVEL caller > message".
    lines = [f"2026-12-01T10:00:{i:02d}Z {('INF', 'DBG', 'WRN')[i % 3]} github.com/acme/app/pkg/health/check.go:{i} > "
             f"Health check {i} passed" for i in range(40)]
    frame = parse_lines(lines)
    assert frame["content"].tolist() == [f"Health check {i} passed" for i in range(40)]
    assert frame["component"].iloc[5] == "github.com/acme/app/pkg/health/check.go:5"
    # A word that names no source line before ">" opens the message.
    frame = parse_lines([f"2026-12-01 10:00:{i:02d} WARN cpu > {i}% on host3" for i in range(40)])
    assert frame["content"].iloc[7] == "cpu > 7% on host3"


def test_an_arrow_after_the_time_ends_the_header():
    # ClamAV's clamd: "Wed Mar 20 04:11:00 2024 -> message"; the arrow is no part of the message.
    words = ["Started", "Loaded", "Reading", "Self", "Database", "Limits"]
    frame = parse_lines([f"Wed Mar 20 04:11:{i:02d} 2024 -> {words[i % 6]} step {i} done" for i in range(40)])
    assert frame["content"].iloc[7] == "Loaded step 7 done" and frame["timestamp"].notna().all()
    # In a message, an arrow stays.
    frame = parse_lines([f"2026-12-01 10:00:{i:02d} INFO " + (f"route a{i} -> b{i}" if i % 4 == 3 else f"job {i} ok")
                         for i in range(40)])
    assert frame["content"].iloc[3] == "route a3 -> b3"


def test_an_id_shaped_like_a_basic_iso_time_is_no_timestamp():
    frame = parse_lines([f"9876543{i % 10}T12345{i % 10} job {i} done" for i in range(40)])
    assert frame["content"].iloc[3] == "98765433T123453 job 3 done"


def test_the_messages_layout_ends_at_its_level_when_words_follow_it():
    # BIND: a category header, then "info: client @0x... (name): query: ..." on most lines; another line's words
    # are no fields.
    lines = [f"01-Dec-2026 10:00:{i:02d}.552 queries: info: client @0x7fbc10{i:04d} 10.1.1.{i}#62745 (a.example): "
             f"query: a.example IN A +E(0)K (10.0.0.53)" for i in range(40)]
    lines[7] = "01-Dec-2026 10:00:07.841 resolver: info: resolver priming query complete: success"
    frame = parse_lines(lines)
    assert frame["level"].eq("info").all() and frame["component"].iloc[7] == "resolver"
    assert frame["content"].iloc[7] == "resolver priming query complete: success"
    assert frame["content"].iloc[0].startswith("client @0x7fbc100000 10.1.1.0#62745 (a.example): query:")


def test_one_odd_line_shapes_no_layout_and_a_sentence_names_no_columns():
    # One bracket with a space before the time among plain names; a first line that is a sentence.
    lines = [f"web{i % 3} 2026-12-01T10:00:{i:02d}Z INFO served request {i}" for i in range(20)]
    lines.insert(5, "[pool worker] 2026-12-01T10:00:05Z WARN slow request")
    frame = parse_lines(lines)
    assert frame["timestamp"].notna().sum() >= 20 and frame["parsed"].sum() == 20
    prose = ["Backup started by cron"] + [f"copied /data/f{i}.txt at 2026-12-01T10:00:{i:02d}Z" for i in range(20)]
    assert detect_format(prose).name != "directive"


def test_access_lines_with_tabs_and_php_lines_without_a_level():
    access = [f'10.0.0.{i}\t-\t-\t[01/Dec/2026:10:00:{i:02d} +0000]\t"GET /a HTTP/1.1"\t{404 if i == 3 else 200}\t512'
              for i in range(12)]
    frame = parse_lines(access)
    assert detect_format(access).name == "access" and frame["level"].iloc[3] == "WARNING"
    php = [f"[01-Dec-2026 10:00:{i:02d} UTC] PHP Warning:  Undefined variable $x in /a.php on line {i}"
           for i in range(20)]
    php[7] = "[01-Dec-2026 10:00:07 UTC] app said hello via error_log()"
    frame = parse_lines(php)
    assert frame["timestamp"].notna().all() and frame["content"].iloc[7] == "app said hello via error_log()"


def test_klog_under_a_container_runtimes_header_is_read_by_its_own_layout():
    lines = [f"2026-12-01T10:00:{i:02d}.000000000Z stderr F {'E' if i == 4 else 'I'}1201 10:00:{i:02d}.123456"
             f"       1 reflector.go:{100 + i}] watch of *v1.Pod ended" for i in range(30)]
    frame = parse_lines(lines)
    assert detect_format(lines).name.startswith("cri+") and frame["level"].iloc[4] == "E"
    assert frame["content"].iloc[0] == "watch of *v1.Pod ended"


def _envoy_lines() -> list[str]:
    """Envoy-like lines: four glued brackets, the source file's bracket, then on most lines a connection's."""
    lines = []
    for i in range(60):
        head = f"[2024-03-16 12:00:{i:02d}.381][{20 + i % 3}][{('debug', 'info')[i % 2]}][connection] " \
               f"[source/common/network/connection_impl.cc:{140 + i % 7}] "
        lines.append(head + (f"[C{1000 + i}] closing data_to_write=0 type=1" if i % 6 else "DNS hosts have changed"))
    return lines


def test_a_last_bracket_some_lines_lack_is_optional():
    # The connection's bracket is on 5 lines in 6: lines without it are read whole, not left unparsed.
    frame = parse_lines(_envoy_lines())
    assert frame["parsed"].all() and frame["timestamp"].notna().all()
    assert frame["content"].iloc[0] == "DNS hosts have changed"
    assert frame["content"].iloc[1] == "closing data_to_write=0 type=1"
    # The bracket every line has names the component, not the one some lines lack.
    assert frame["component"].str.startswith("source/").all()


def test_a_line_missing_a_glued_field_keeps_the_field_out_of_its_message():
    # A line without the third glued bracket misses the layout; its time and level still read, and its message
    # starts after the level's bracket, not inside the next bracket ("connection] [source/...").
    lines = _envoy_lines()
    lines.append("[2024-03-16 12:01:00.000][1][warning] [source/common/config/grpc_stream.h:191] stream closed")
    frame = parse_lines(lines)
    assert not frame["parsed"].iloc[-1] and frame["level"].iloc[-1] == "warning"
    assert frame["content"].iloc[-1] == "[source/common/config/grpc_stream.h:191] stream closed"


def test_a_class_bracket_some_lines_lack_still_names_the_component():
    # log4j's "[thread] [class]": a start-up line without the class keeps the class as the component elsewhere.
    lines = [f"2024-03-16 12:00:{i:02d},123 INFO [pool-{i % 3}] [com.acme.{('Db', 'Api', 'Cache')[i % 3]}] "
             f"request {i} handled" for i in range(60)]
    for i in range(0, 60, 10):
        lines[i] = f"2024-03-16 12:00:{i:02d},123 INFO [main] Server started in {i} ms"
    frame = parse_lines(lines)
    assert frame["parsed"].all() and frame["component"].iloc[1] == "com.acme.Api"
    assert frame["thread"].iloc[1] == "pool-1" and frame["content"].iloc[0] == "Server started in 0 ms"


def test_json_times_are_read_by_one_layout_per_file_whatever_the_chunk():
    # The file's time layout is read once from its sample, and values it leaves unread by their own: a chunk
    # (a Dask byte range) reads a value as the whole file does, so one process and many agree.
    iso = [json.dumps({"time": f"2024-03-16T12:{i // 60:02d}:{i % 60:02d}.123Z", "level": "info",
                       "message": f"request {i} served"}) for i in range(300)]
    clf = [json.dumps({"time": f"16/Mar/2024:13:{i // 60:02d}:{i % 60:02d} +0000", "level": "info",
                       "message": f"request {i} served"}) for i in range(300)]
    fmt = detect_format(iso + clf)
    whole = fmt.parse(iso + clf)[0]["timestamp"]
    second = fmt.parse(clf)[0]["timestamp"]
    assert fmt.time_format == "ISO8601" and whole.notna().all()
    assert whole.iloc[300].tz is None and whole.iloc[300] == pd.Timestamp("2024-03-16 13:00:00")
    assert (whole.iloc[300:].reset_index(drop=True).dt.as_unit("ns") == second.dt.as_unit("ns")).all()
    # A file whose times turn into epoch numbers further on: those read too, as the one process reads them.
    epoch = [json.dumps({"time": 1710594000 + i, "level": "info", "message": f"request {i} served"})
             for i in range(5)]
    assert fmt.parse(epoch)[0]["timestamp"].iloc[0] == pd.Timestamp("2024-03-16 13:00:00")


def test_a_last_bracket_that_ends_in_a_colon_on_some_lines_still_reads_them():
    # Kafka's server.log: "[GroupCoordinator 1]: ..." beside "[LocalLog partition=x, dir=y] ...": half the lines
    # were unparsed, with no level or component.
    lines = []
    for i in range(60):
        stamp = f"[2024-03-11 08:00:{i:02d},408] INFO"
        lines.append(f"{stamp} [GroupCoordinator 1]: Preparing to rebalance group g{i % 9} (kafka.coordinator)"
                     if i % 2 else f"{stamp} [LocalLog partition=orders-{i % 12}, dir=/var/lib/kafka] Rolled new log "
                                   f"segment at offset {8000 + i} (kafka.log.LocalLog)")
    frame = parse_lines(lines)
    assert frame["parsed"].all() and frame["level"].eq("INFO").all()
    assert frame["content"].iloc[1] == "Preparing to rebalance group g1 (kafka.coordinator)"
    # Where no line has the colon, the format says nothing of one.
    assert ":?" not in detect_format([line for i, line in enumerate(lines) if i % 2 == 0]).pattern


@pytest.mark.parametrize("unit", [1, 1000, 10**6, 10**9], ids=["s", "ms", "us", "ns"])
def test_a_unix_time_in_any_unit_opens_a_text_line(unit):
    # Micro- and nanoseconds read as a pid column, with no time, where JSON lines read them.
    lines = [f"{1710144000 * unit + i * unit} INFO worker{i % 3} job {i} done" for i in range(50)]
    frame = parse_lines(lines)
    assert frame["timestamp"].iloc[1] == pd.Timestamp("2024-03-11 08:00:01") and frame["level"].eq("INFO").all()


def test_level_marks_give_the_level():
    # Redis' lone symbols and Xorg's marks in parentheses are levels: a "#" warning was severity 0.
    redis = [f"1:M 11 Mar 2024 08:00:{i:02d}.736 {'#' if i % 5 == 0 else '*'} event {i} happened" for i in range(60)]
    frame = parse_lines(redis)
    assert frame["level"].iloc[:2].tolist() == ["WARNING", "NOTICE"]
    xorg = [f"[{100 + i:8.3f}] ({'EE' if i % 4 == 0 else 'II'}) module {i} loaded" for i in range(60)]
    frame = parse_lines(xorg)
    assert frame["level"].iloc[:2].tolist() == ["ERROR", "INFO"]


def test_a_class_name_before_mdc_values_is_the_component():
    # logback with MDC between the logger and its " - ": the last value (userId=486) was taken for the component.
    lines = [f"2024-03-11 08:00:{i:02d}.343 [http-nio-8080-exec-{i % 3}] INFO  c.a.shop.web.OrderController "
             f"traceId={i:016x} userId={480 + i} - Created order {9000 + i}" for i in range(60)]
    frame = parse_lines(lines)
    assert frame["component"].eq("c.a.shop.web.OrderController").all()
    assert frame["content"].iloc[0] == "Created order 9000"


def test_a_header_glued_by_colons_the_fields_cannot_read_keeps_its_lines_times():
    # PostgreSQL's "%t:%r:%u@%d:[%p]:" prefix: the header read as fields matched no line, and every time was lost.
    lines = [f"2024-03-11 08:00:{i:02d} UTC:10.0.0.5({40000 + i}):app@appdb:[{6000 + i}]:"
             f"{'FATAL' if i % 3 else 'LOG'}:  connection {i} closed" for i in range(30)]
    frame = parse_lines(lines)
    assert frame["parsed"].all() and frame["timestamp"].notna().all()
    assert frame["timestamp"][5] == pd.Timestamp("2024-03-11 08:00:05")
    assert frame["content"][5].startswith("10.0.0.5(40005):app@appdb:[6005]:FATAL:")


def test_a_word_some_lines_write_before_their_level_is_an_optional_field():
    # PostgreSQL's Debian prefix "%m [%p] %q%u@%d ": a session's lines name user@db before the level, others not.
    # The level was read on no line, and every template kept "postgres@appdb ERROR:" or "LOG:".
    lines = []
    for i in range(40):
        head = f"2024-03-01 10:00:{i:02d}.{i * 11:03d} UTC [{1234 + i}] "
        lines.append(head + ("LOG:  checkpoint starting: time" if i % 4 == 2 else
                             ("postgres@appdb", "app@shop")[i % 2] + f' ERROR:  relation "t{i}" does not exist'))
    frame = parse_lines(lines)
    assert frame["parsed"].all() and frame["timestamp"].notna().all()
    assert frame["level"].tolist() == ["LOG" if i % 4 == 2 else "ERROR" for i in range(40)]
    assert frame["content"].iloc[:3].tolist() == ['relation "t0" does not exist', 'relation "t1" does not exist',
                                                  "checkpoint starting: time"]
    # A word before the level on one line in forty is no field: the level stays where the others have it.
    lines = [f"2024-03-01 10:00:{i:02d} ERROR: disk {i} failed" for i in range(39)] + ["2024-03-01 10:01:00 x ERROR: y"]
    assert infer_text_format(lines).pattern.count("?") == 0


def test_a_bracket_of_digits_after_the_time_is_the_pid():
    # PostgreSQL's "%m [%p] ": the process id was read as a plain field.
    lines = [f"2024-03-01 10:00:{i:02d}.{i * 11:03d} UTC [{1234 + i}] LOG:  checkpoint {i} starting" for i in range(40)]
    assert "\\[<Pid>\\]" in infer_text_format(lines).pattern
    assert parse_lines(lines)["pid"].iloc[:2].tolist() == ["1234", "1235"]
    # After the level it is no pid: logrus' "INFO[0042]" seconds, a request's number.
    lines = [f"2024-03-01 10:00:{i:02d} INFO [{100 + i}] step {i} done" for i in range(40)]
    assert "Pid" not in infer_text_format(lines).pattern


def test_a_user_at_database_word_before_the_level_is_the_session_not_the_component():
    # PostgreSQL's "%m [%p] %q%u@%d ": "app@shop" was read as the component, so an incident's root cause named a
    # user and a database; with no component the root cause falls back to the template.
    lines = []
    for i in range(40):
        session = "" if i % 4 == 2 else ("batch@shop ", "app@shop ")[i % 2]
        lines.append(f"2024-03-01 10:00:{i:02d}.{i * 11:03d} UTC [{1234 + i}] {session}LOG:  statement {i} done")
    frame = parse_lines(lines)
    assert "component" not in frame
    assert frame["session"].iloc[:3].tolist() == ["batch@shop", "app@shop", None]
    assert frame["level"].eq("LOG").all() and frame["content"].iloc[2] == "statement 2 done"
    # Written on every line: still the session.
    lines = [f"2024-03-01 10:00:{i:02d} {('app@shop', 'etl@dw')[i % 2]} {('INFO', 'ERROR')[i % 3 == 0]} step {i}"
             for i in range(40)]
    assert "<Session> <Level>" in infer_text_format(lines).pattern


def test_a_key_value_word_before_the_level_names_no_component():
    # A request's context written before the level ("09:14:03.655 request_id=F75u [info] GET /orders/1") was read as
    # the component, so each request was a component of its own and an incident's root cause named a request id.
    lines = []
    for i in range(40):
        context = "" if i % 4 == 3 else f"request_id=R{i // 2:04d}x "
        lines.append(f"09:14:{i:02d}.{i * 7:03d} {context}[{'error' if i % 5 == 0 else 'info'}] step {i} done")
    frame = parse_lines(lines)
    assert frame["parsed"].all() and frame["content"].str.startswith("step ").all()
    assert "component" not in frame or frame["component"].isna().all()
    # Every line with one: still a field of the header, no component.
    frame = parse_lines([f"2024-03-11 09:14:{i:02d} request_id=R{i:04d} [info] step {i} done" for i in range(40)])
    assert frame["content"].str.startswith("step ").all()
    assert "component" not in frame or frame["component"].isna().all()


def test_a_key_value_word_before_the_colon_names_no_component():
    # "[main] user=u3: login ok": the user before the colon was read as the component, one component per user.
    frame = parse_lines([f"2024-03-11 10:00:{i:02d} {('INFO', 'WARN')[i % 2]} [main] user=u{i % 4}: login ok {i}"
                         for i in range(40)])
    assert frame["parsed"].all() and frame["content"].str.startswith("login ok ").all()
    assert set(frame["component"]) == {"main"}


def test_a_hexadecimal_mask_before_the_colon_names_no_component():
    # A debug mask written as "(0x0400):" after the function's bracket was read as the component ("(0x0400)" has a
    # letter), so components were masks and the function in its bracket a thread.
    lines = [f"(2024-03-11  9:14:{i:02d}): [be[corp]] [{('dp_attach_req', 'sdap_done')[i % 2]}] "
             f"(0x{('0400', '2000')[i % 3 == 0]}): request {i} done" for i in range(40)]
    frame = parse_lines(lines)
    assert frame["parsed"].all() and frame["content"].str.startswith("request ").all()
    assert frame["component"].tolist()[:2] == ["dp_attach_req", "sdap_done"]


def test_level_letters_taking_turns_in_a_bracket_are_the_level():
    # Gitea writes "[I]", "[W]", "[E]": the letters were read as a component, and no line had a level.
    letters = ["I", "I", "W", "I", "E", "T"] * 6
    lines = [f"2024/02/06 06:22:{i:02d} ...eb/routing/logger.go:102:func1() [{c}] router: step {i} done"
             for i, c in enumerate(letters)]
    frame = parse_lines(lines)
    assert frame["level"].tolist() == letters and frame["content"].str.endswith(" done").all()
    assert severity(frame["level"]).tolist()[:5] == [0, 0, 1, 0, 2]
    # Letters without info or warning among them ("[A]", "[B]": a rack, a shard) are no levels.
    shards = [f"2024/02/06 06:22:{i:02d} [{'ABC'[i % 3]}] shard step {i} done" for i in range(30)]
    assert "level" not in parse_lines(shards) or parse_lines(shards)["level"].isna().all()


def test_letters_in_a_bracket_as_often_one_as_another_are_no_level():
    # "[E]"/"[W]" for east- and westbound (and "[N]" among them) took turns as level letters do: each eastbound
    # line was an error. A log's levels are most often info or one below.
    ways = [f"2024-03-01 12:00:{i:02d} [{'EW'[i % 2]}] I-90 mile {i} speed 55 mph" for i in range(40)]
    winds = [f"2024-03-01 12:00:{i:02d} [{'NEW'[i % 3]}] wind {i} km/h" for i in range(40)]
    # Neither info nor warning among them ("[D]" and "[E]" as two links): no level, as outside a bracket.
    links = [f"2024-03-01 12:00:{i:02d} [{'DDE'[i % 3]}] link {i} moved 0 bytes" for i in range(40)]
    for lines in (ways, winds, links):
        frame = parse_lines(lines)
        assert "level" not in frame or frame["level"].isna().all(), lines[0]


@pytest.mark.parametrize("level", ["ERROR", None])
def test_an_empty_null_or_missing_message_under_the_files_message_key_is_an_empty_message(tmp_path, level):
    def line(i: int) -> str:
        message = {0: {"msg": ""}, 1: {"msg": None}, 2: {}}.get(i % 10, {"msg": f"user u{i} logged in"})
        leveled = {"level": level} if level else {}  # a level key or none: an empty message is an event either way
        return json.dumps({"time": f"2026-12-01T10:00:{i:02d}Z", **leveled, **message, "user": f"u{i}"})

    chat = [line(i) for i in range(30)]
    said = ["" if i % 10 == 0 else "user logged in" for i in range(30)]
    logfmt = [f'time=2026-12-01T10:00:{i:02d}Z level=error msg="{said[i]}" user=u{i}' for i in range(30)]
    cells = ["Time,Level,Message,User"] + [f"2026-12-01 10:00:{i:02d},ERROR,{said[i]},u{i}" for i in range(30)]
    for name, lines in (("chat.jsonl", chat), ("chat.logfmt", logfmt), ("chat.csv", cells)):
        path = tmp_path / name
        path.write_text("\n".join(lines) + "\n")
        frame = parse_logs(path, warn=False)
        frame = frame[frame["timestamp"].notna()].reset_index(drop=True)
        empty = frame.index % 10 < (3 if name == "chat.jsonl" else 1)
        assert not frame["blank"].any() and (frame.loc[empty, "template"] == "<empty>").all(), name
        assert frame.loc[empty, "user"].tolist() == [f"u{i}" for i in frame.index[empty]], name
        assert (frame.loc[~empty, "template"] != "<empty>").all(), name


def test_logr_json_without_a_level_key_reads_its_verbosity_and_errors_as_levels():
    # klog's --logging-format=json (zapr): an info line writes its verbosity v, an error line no v but its err.
    def line(i: int) -> str:
        head = {"ts": 1796119200000.0 + i * 731, "caller": "sched/bind.go:51"}
        if i % 10 == 7:
            return json.dumps({**head, "msg": "Error binding pod", "err": "node not found", "pod": f"web-{i}"})
        return json.dumps({**head, "msg": "Bound pod", "pod": f"web-{i}", "v": 2 if i % 4 == 0 else 0})

    lines = [line(i) for i in range(40)]
    frame, ok = detect_format(lines).parse(lines)
    assert ok.all() and frame["level"].tolist()[:8] == ["DEBUG", "INFO", "INFO", "INFO", "DEBUG", "INFO", "INFO",
                                                        "ERROR"]
    assert frame["err"].iloc[7] == "node not found" and frame["v"].iloc[1] == "0"
    # A schema version under v (1 on every line) is no verbosity; a level key (bunyan's v: 0 beside it) stays.
    versioned = [json.dumps({"ts": 1796119200 + i, "msg": f"job {i} done", "v": 1}) for i in range(40)]
    assert "level" not in detect_format(versioned).columns
    bunyan = _json_lines("bunyan")
    frame, _ = detect_format(bunyan).parse(bunyan)
    assert frame["level"].tolist()[:4] == ["INFO", "WARN", "ERROR", "DEBUG"]


def test_a_word_glued_to_a_pipe_after_the_time_is_a_header_field():
    lines = [f"2026/12/01 10:{i // 60:02d}:{i % 60:02d} kid{1 + i % 2}| {('conn', 'cache', 'ipc')[i % 3]} event {i}"
             for i in range(60)]
    frame = parse_lines(lines)
    assert frame["parsed"].all() and frame["content"].tolist()[:2] == ["conn event 0", "cache event 1"]


def test_a_class_in_parentheses_ending_nearly_every_line_is_the_logger():
    # log4j's "%m (%c)%n": the logger ends the line; a bracket some messages open with is theirs, not a component.
    def line(i):
        own = f"[Log partition=t-{i % 5}, dir=/data] " if i % 3 == 0 else ""
        time = f"2026-12-01 10:{i // 60:02d}:{i % 60:02d},{i:03d}"
        return f"[{time}] INFO {own}Deleted segment {i} (org.acme.log.Log{i % 2})"

    lines = [line(i) for i in range(80)]
    frame = parse_lines(lines)
    assert frame["parsed"].all() and frame["component"].tolist()[:2] == ["org.acme.log.Log0", "org.acme.log.Log1"]
    assert frame["content"].tolist()[:2] == ["[Log partition=t-0, dir=/data] Deleted segment 0", "Deleted segment 1"]


def test_a_line_without_the_logger_at_its_end_keeps_its_time_and_level():
    # log4j's "%m (%c)%n": a line some other writer left without the logger, or a message's first line of several
    # (the logger closes its last), misses the layout but has the header all the same.
    lines = [f"[2026-12-01 10:{i // 60:02d}:{i % 60:02d},{i:03d}] INFO Deleted segment {i} (org.acme.log.Log{i % 2})"
             for i in range(100)]
    lines[10] = "[2026-12-01 10:00:10,010] WARN Retrying flush 10"
    lines[20:21] = ["[2026-12-01 10:00:20,020] INFO ConsumerConfig values: ", "\tgroup.id = g1", " (org.acme.Config)"]
    frame = parse_lines(lines)
    assert frame.loc[10, ["level", "content"]].tolist() == ["WARN", "Retrying flush 10"]
    assert frame.loc[20, ["level", "content"]].tolist() == ["INFO", "ConsumerConfig values: "]
    assert frame["event_line_no"].iloc[20:23].tolist() == [21, 21, 21] and frame["timestamp"].notna().all()


def test_the_logger_ending_every_timed_line_is_read_beside_stack_traces():
    # The traces' lines name no logger: only the lines with the time, which open the events, end with it.
    lines = []
    for i in range(100):
        lines.append(f"[2026-12-01 10:{i // 60:02d}:{i % 60:02d},{i:03d}] {'ERROR' if i % 10 == 5 else 'INFO'} "
                     f"Deleted segment {i} (org.acme.log.Log{i % 2})")
        if i % 10 == 5:
            lines += ["org.acme.StoreException: write failed", "\tat org.acme.Foo.bar(Foo.java:12)",
                      "Caused by: java.io.IOException: disk full", "\tat org.acme.Disk.write(Disk.java:3)"]
    frame = parse_lines(lines)
    assert frame.loc[5, ["component", "content"]].tolist() == ["org.acme.log.Log1", "Deleted segment 5"]
    assert frame["event_line_no"].iloc[5:10].tolist() == [6] * 5 and frame["parsed"].all()


def test_a_message_opening_with_a_path_to_an_item_keeps_it():
    # "spec.containers[4]" after the level is the message's subject, not a category with an event id (.NET's
    # "App.Api.Orders[14]", a type's name): the templates keep it.
    paths, verbs = ["spec.containers", "cache.slots", "config.servers"], ["is missing", "was evicted", "has no port"]
    lines = [f"2024-05-01 10:00:{s:02d},123 {['INFO', 'WARN'][s % 2]} {paths[s % 3]}[{s % 7}] {verbs[s % 3]}"
             for s in range(40)]
    frame = parse_lines(lines)
    assert "component" not in frame and frame["content"].tolist() == [line.split(" ", 3)[3] for line in lines]


def test_a_process_and_thread_joined_by_a_hash_are_fields_that_end_the_header():
    # nginx's error log ("pid#tid: *connection message") under a time the preset does not write: the pair was left
    # in the message, or, where no "(2: ...)" stopped it, the message's words read as fields up to "client:".
    levels = ["error", "notice", "warn", "crit"]
    lines = [f'2024-03-11T10:00:{s:02d} [{levels[s % 4]}] 1234#{1234 + s % 2}: *{s} open() "/x{s}" failed, '
             f"client: 10.0.0.1" for s in range(40)]
    frame = parse_lines(lines)
    assert frame["pid"].iloc[1] == "1234" and frame["thread"].iloc[1] == "1235"
    assert frame["content"].iloc[1] == '*1 open() "/x1" failed, client: 10.0.0.1'
    assert frame["level"].tolist()[:4] == levels and "component" not in frame


def test_key_value_pairs_in_a_component_bracket_are_its_context():
    # "[Log partition=orders-3, dir=/data] Rolled ...": the partition and directory were part of the component,
    # one component per partition; the words before the first pair name it, the pairs are a context column.
    units = ("Log partition=orders-{p}, dir=/data", "Controller id=1", "GroupCoordinator 1")
    lines = [f"[2024-03-11 10:00:{i:02d},123] {('INFO', 'WARN')[i % 3 == 0]} [{units[i % 3].format(p=i % 7)}] "
             f"Rolled segment {i} (kafka.log.Log)" for i in range(45)]
    frame = parse_lines(lines)
    assert frame["parsed"].all() and frame["content"].str.startswith("Rolled segment ").all()
    assert set(frame["component"]) == {"Log", "Controller", "GroupCoordinator 1"}
    assert frame["context"][0] == "partition=orders-0, dir=/data" and frame["context"][1] == "id=1"


def test_a_quoted_request_after_the_time_is_the_message():
    # '[time] "GET /items/7 HTTP/1.1" 200 - 0 123 ...' (a proxy's access log): the request's words were three header
    # fields and the status the component, so the 503 lines written with a flag instead of "-" were left unread.
    lines = [f'[2024-03-11T10:00:{i:02d}.123Z] "{("GET", "POST")[i % 2]} /items/{i} HTTP/1.1" '
             f'{(200, 503)[i % 9 == 0]} {("-", "UF")[i % 9 == 0]} 0 {100 + i} "10.0.0.{i}" "items.svc"'
             for i in range(40)]
    frame = parse_lines(lines)
    assert frame["parsed"].all() and "component" not in frame
    assert frame["content"].str.startswith('"').all()


def test_a_word_quoted_whole_before_the_level_is_a_field():
    # '<time> "http-nio-8080-exec-1" INFO com.x.Svc - ...': a thread quoted whole has no spaces to cut, so it is a
    # header field as unquoted; the header went on to the level, which was lost in the message.
    lines = [f'2024-01-16 14:{i:02d}:24 "http-nio-8080-exec-{i % 4}" {("INFO", "WARN", "ERROR")[i % 3]} '
             f"com.example.Svc - request {i} handled" for i in range(30)]
    frame = parse_lines(lines)
    assert frame["parsed"].all() and frame["level"].tolist()[:3] == ["INFO", "WARN", "ERROR"]
    assert frame["content"][0] == "request 0 handled"


def test_a_program_name_with_its_level_glued_on_before_the_time():
    # "app:info  2024-03-09 08:14:02: ...": the name and the level were one field, the level lost.
    lines = [f"hub:{('info', 'warn', 'error')[i % 7 % 3]}  2024-03-09 08:{i % 60:02d}:02 {m}"
             for i, m in enumerate(_messages(60))]
    frame = parse_lines(lines)
    assert frame["parsed"].all() and frame["timestamp"].notna().all()
    assert frame["level"].tolist()[:3] == ["info", "warn", "error"] and set(frame["component"]) == {"hub"}


def _published(i: int) -> str:
    """A hub's message: most open with the same words and a colon."""
    events = ["MQTT publish: topic 'home/lamp{i}', payload 'ON'"] * 8 + ["Checking if update is available for {i}",
                                                                        "connected to MQTT server {i}"]
    return events[i % len(events)].format(i=i)


def test_words_after_a_colon_that_ends_the_time_open_the_message():
    # "08:14:02: MQTT publish: ...": the words before the colon most messages open with were taken as a field and
    # a component, and the other lines were left unread.
    lines = [f"2024-03-09 08:{i % 60:02d}:02: {_published(i)}" for i in range(60)]
    frame = parse_lines(lines)
    assert frame["parsed"].all() and "component" not in frame
    assert frame["content"][0] == "MQTT publish: topic 'home/lamp0', payload 'ON'"


@pytest.mark.parametrize("glued", [lambda i: i % 9 == 0, lambda i: i % 4], ids=["some lines", "most lines"])
def test_a_bracket_glued_to_the_last_on_some_or_most_lines_is_an_optional_field(glued):
    # Harbor: "<time> [INFO] [/core/api.go:71]: ...", some lines "[/core/api.go:57][requestID=\"...\"]: ...". The
    # layout with the caller read 89 % of lines and lost to the generic one, which left the caller in every message.
    # On most lines the bracket was the place's kind: the lines without it had nothing to line up with.
    lines = [f"2024-04-08T09:{i % 60:02d}:11Z [{('INFO', 'ERROR')[i % 9 == 0]}] [/core/api/h{i % 3}.go:{50 + i % 3}]"
             + (f'[requestID="{i:08x}-1073-4280-8b85-0d0e2c76aeb8"]' if glued(i) else "")
             + f": request {i} handled in {i % 7} ms" for i in range(60)]
    frame = parse_lines(lines)
    assert frame["parsed"].all() and frame["content"].str.startswith("request ").all()
    assert frame["component"][0] == "/core/api/h0.go:50"


def test_a_host_and_a_program_with_its_pid_after_a_colon_that_ends_the_time_are_the_header():
    # "08:14:02: web1 sshd[42]: ...": a name with its pid is a program's, not a message's first words; the rule
    # for a colon glued to the time took them for the message, leaving host and program in every one.
    lines = [f"2024-03-09 08:{i % 60:02d}:02: {('web1', 'db2')[i % 2]} {('sshd', 'cron')[i % 3 > 0]}[{100 + i}]: "
             f"session {i} opened for user u{i % 4}" for i in range(60)]
    frame = parse_lines(lines)
    assert frame["parsed"].all() and frame["content"].str.startswith("session ").all()
    assert frame["component"][0] == "sshd" and frame["pid"][0] == "100"


def test_a_quoted_text_in_brackets_opens_the_message():
    # TiDB's '[time] [INFO] [file.go:47] ["message"] [key=value] ...': the quoted message and its first value were
    # taken as a component and a thread, so every event lost its text to the header, and lines without a value
    # after the message were left unread.
    lines = [f'[2024/03/10 09:12:{i:02d}.118 +08:00] [{("INFO", "WARN")[i % 5 == 0]}] [ddl.go:{40 + i % 3}] '
             f'["{("job done", "schema loaded", "lease renewed")[i % 3]}"]' + (f" [jobID={i}] [conn={i % 4}]" * (i % 2))
             for i in range(40)]
    frame = parse_lines(lines)
    assert frame["parsed"].all() and frame["component"].iloc[1] == "ddl.go:41"
    assert frame["content"].iloc[1] == '["schema loaded"] [jobID=1] [conn=1]' and frame["content"][0] == '["job done"]'


def test_two_numbers_before_the_message_are_a_process_and_its_thread():
    # Django's "%(levelname)s %(asctime)s %(module)s %(process)d %(thread)d %(message)s": the module, pid and thread
    # were dropped from the header as the message's first words, so every template began with them.
    lines = [f"{('INFO', 'WARNING')[i % 4 == 0]} 2024-03-10 07:55:{i:02d},784 {('apps', 'views')[i % 2]} "
             f"{23833 + i % 5} {139955464944128 + 4096 * (i % 7)} {m}" for i, m in enumerate(_messages(40))]
    frame = parse_lines(lines)
    assert frame["parsed"].all() and frame["content"].tolist() == _messages(40)
    # Numbers that only a quoted request follows are an access record's status and size: the message's.
    lines = [f'2024-03-11T09:14:{i:02d}Z {(200, 404)[i % 3 == 0]} {1000 + 37 * i} "GET /items/{i} HTTP/1.1"'
             for i in range(40)]
    assert parse_lines(lines)["content"][1] == '200 1037 "GET /items/1 HTTP/1.1"'


def test_a_source_file_and_its_line_before_the_message_is_the_component():
    # FreeSWITCH's "<time> 98.74% [NOTICE] mod_sofia.c:217 message": the source file was dropped from the header as
    # the message's first word, so each template began with it and one event split per file and line.
    lines = [f"2024-03-11 07:58:{i:02d}.104382 {90 + i / 7:.2f}% [{('NOTICE', 'DEBUG')[i % 3 == 0]}] "
             f"{('mod_sofia.c', 'switch_core.c')[i % 2]}:{200 + i % 5} {m}" for i, m in enumerate(_messages(40))]
    frame = parse_lines(lines)
    assert frame["parsed"].all() and frame["content"].tolist() == _messages(40)
    assert frame["component"][1] == "switch_core.c:201"
    # An address and its port has no source file's extension: the message's first word.
    lines = [f"2024-03-11 07:58:{i:02d} [INFO] 10.0.1.{i}:8080 {m}" for i, m in enumerate(_messages(40))]
    assert parse_lines(lines)["content"][3] == "10.0.1.3:8080 " + _messages(40)[3]


def test_an_erlang_process_and_its_function_before_the_message_is_the_component():
    # Erlang's logger, as ejabberd writes it: "[info] <0.675.0>@ejabberd_config:load/1:82 message". The caller
    # had stayed in every message: each template began with it, its pid and line made variables.
    calls = ("ejabberd_c2s:handle_auth/3:512", "ejabberd_listener:accept/2:401")
    lines = [f"2024-02-19 06:02:{i:02d}.118340+00:00 [{('info', 'warning')[i % 3 == 0]}] <0.{600 + i}.0>@"
             f"{calls[i % 2]} {m}" for i, m in enumerate(_messages(40))]
    frame = parse_lines(lines)
    assert frame["parsed"].all() and frame["content"].tolist() == _messages(40)
    assert frame["component"][1] == "<0.601.0>@" + calls[1] and frame["level"][0] == "warning"


@pytest.mark.parametrize("header, long_name", [
    # Storm: "<logger> <thread> [LEVEL]", a thread named with spaces and a dash on some lines.
    (lambda name, level: f"o.a.s.l.AsyncLocalizer {name} [{level}]", "AsyncLocalizer Executor - 1"),
    # Pgpool-II: "<application> pid <pid>: LEVEL:", a client's application name with spaces on some lines.
    (lambda name, level: f"{name} pid 2215: {level}:", "PostgreSQL JDBC Driver"),
], ids=["thread", "application"])
def test_a_name_written_with_spaces_on_some_lines_before_the_level_stays_in_the_header(header, long_name):
    # The level was looked for at one place only: on the lines whose name has spaces it sat further on, so they were
    # left unread (Storm's "AsyncLocalizer Cleanup [INFO]", 32 lines of 1,500) or the header was cut short.
    messages = _messages(60)
    lines = [f"2024-03-10 03:11:{i % 60:02d}.913 {header(long_name if i % 6 == 0 else 'main', LEVELS[i % 4])} {m}"
             for i, m in enumerate(messages)]
    frame = parse_lines(lines)
    assert frame["parsed"].all() and frame["content"].tolist() == messages
    assert frame["level"].str.upper().tolist() == [LEVELS[i % 4] for i in range(60)]


def test_a_source_file_and_its_line_written_with_a_space_is_the_component():
    # Calico Felix's "[INFO][68] felix/daemon.go 377: message": both words were read as the message's first words,
    # so each template began with a file and a line, one event split per line of code.
    lines = [f"2024-10-15 22:03:{i:02d}.528 [{('INFO', 'WARNING')[i % 4 == 0]}][68] "
             f"felix/{('daemon', 'health')[i % 2]}.go {300 + i % 7}: {m}" for i, m in enumerate(_messages(40))]
    frame = parse_lines(lines)
    assert frame["parsed"].all() and frame["content"].tolist() == _messages(40)
    assert frame["component"][1] == "felix/health.go" and frame["lineno"][1] == "301"
    # A word and a number without a source file's extension ("worker 3: started") stay the message's.
    lines = [f"2024-10-15 22:03:{i:02d} [INFO] worker {i % 3}: {m}" for i, m in enumerate(_messages(40))]
    assert parse_lines(lines)["content"][2] == "worker 2: " + _messages(40)[2]


def test_a_memory_address_in_a_bracket_names_no_component():
    # Plex's "[0x7f3a2f1c3b38] INFO - ...": the thread's address, its letters hex digits, was read as the component,
    # and root causes named it; a name in the bracket still is the component.
    threads = ("0x7f3a2f1c3b38", "0x7f3a2e9ff638", "0x7f3a2d1fe638")
    lines = [f"Jun 02, 2024 18:04:{i % 60:02d}.210 [{threads[i % 3]}] {LEVELS[i % 4]} - {m}"
             for i, m in enumerate(_messages(60))]
    frame = parse_lines(lines)
    assert frame["parsed"].all() and frame["content"].tolist() == _messages(60)
    assert "component" not in frame and set(frame.filter(like="field").iloc[:, 0]) == set(threads)
    named = [line.replace(f"[{threads[i % 3]}]", f"[{('api', 'db', 'web')[i % 3]}]") for i, line in enumerate(lines)]
    assert set(parse_lines(named)["component"]) == {"api", "db", "web"}


def test_a_program_with_its_instance_name_in_brackets_ends_the_header():
    # Heroku's router and dynos: "heroku[router]:", "app[web.1]:"; the bracket names an instance, not a pid.
    sources = ["heroku[router]", "app[web.1]", "app[worker.1]", "heroku[web.2]", "app[heroku-redis]"]
    lines = [f"2024-03-12T13:40:{i:02d}.033099+00:00 {sources[i % 5]}: {_messages(40)[i]}" for i in range(40)]
    frame = parse_lines(lines)
    assert frame["content"].tolist() == _messages(40)
    assert frame["component"].iloc[:2].tolist() == ["heroku", "app"]
    assert frame["instance"].iloc[:5].tolist() == ["router", "web.1", "worker.1", "web.2", "heroku-redis"]
    # An object's memory address in the bracket (NetworkManager's "manager[0x55d5c19a2010]:") is the message's.
    addressed = [f"2024-03-12T13:40:{i:02d} manager[0x55d5c19a{i:04x}]: {m}" for i, m in enumerate(_messages(40))]
    assert parse_lines(addressed)["content"].str.startswith("manager[0x55d5c19a").all()


def test_a_short_date_before_a_comma_is_the_date_of_the_time_after_it():
    # NestJS' logger writes JavaScript's toLocaleString(): "[Nest] 42  - 3/7/2024, 8:59:40 PM     LOG [Module] ...".
    times = _times(40)
    lines = [f"[Nest] 42  - {t.month}/{t.day}/{t.year}, {(t.hour - 1) % 12 + 1}:{t:%M:%S} {t:%p}     LOG "
             f"[InstanceLoader] {m}" for t, m in zip(times, _messages(40))]
    frame = parse_lines(lines)
    assert frame["timestamp"].tolist() == times and frame["content"].tolist() == _messages(40)


def test_a_zone_after_a_time_with_its_weekday_and_no_year_is_the_zone():
    # NetApp ONTAP's EMS: "Mon Mar 11 06:13:53 UTC [node: process: event.name:severity]: message".
    lines = [f"{t:%a %b %d %H:%M:%S} UTC [fas-01: secd: secd.event:info]: {m}"
             for t, m in zip(_times(40), _messages(40))]
    fmt = infer_text_format(lines)
    assert fmt.pattern.startswith("<Weekday> <Month> <Day> <Time> <Zone> ")
    assert parse_lines(lines)["content"].tolist() == _messages(40)


def test_a_time_key_of_durations_yields_to_one_of_dates():
    # A request's duration under "time" beside the line's own "ts": the durations were read as the time (every line
    # at 1970, or none parsed where they carry a unit).
    for took in ("0.{:03d}", "{}ms"):
        lines = [f'level=info ts=2024-03-12T08:{i:02d}:14.5Z msg="request done" method=GET time={took.format(i)}'
                 for i in range(40)]
        frame, ok = detect_format(lines).parse(lines)
        assert ok.all() and frame["timestamp"].iloc[7] == pd.Timestamp("2024-03-12 08:07:14.5")
    # A clock under "time" and its day under "date" stay one time: neither is a date alone.
    lines = [f"date=2024-03-{12 + i // 20} time=08:{i % 60:02d}:14 action=accept" for i in range(40)]
    assert detect_format(lines).parse(lines)[0]["timestamp"].iloc[25] == pd.Timestamp("2024-03-13 08:25:14")


def test_a_key_with_date_inside_a_word_is_not_the_clocks_day():
    # Each item's "updated" day is no day of the line's: the clock took it, so times jumped between items' days.
    lines = [f'time=08:{i:02d}:14 updated=2024-01-{1 + i % 9:02d} msg="sync item {i}"' for i in range(40)]
    fmt = detect_format(lines)
    assert "updated" not in fmt.describe() and fmt.parse(lines)[0]["timestamp"].dt.date.nunique() == 1
    # A date named as a word of the key is still the clock's day.
    lines = [f"eventDate=2024-03-{12 + i // 20} time=08:{i % 60:02d}:14 action=accept" for i in range(40)]
    assert detect_format(lines).parse(lines)[0]["timestamp"].iloc[25] == pd.Timestamp("2024-03-13 08:25:14")


def test_a_level_padded_inside_its_bracket_or_before_its_colon_is_the_level():
    # log4j's right-aligned "[%5p]" writes "[ INFO]" beside "[ERROR]"; rclone pads "INFO  :" beside "NOTICE:". The
    # padded words were no level: brackets of threads, or a separator that the unpadded lines lacked.
    levels = ["INFO", "WARN", "ERROR", "DEBUG", "NOTICE"]
    for write in ("[{level:>5}] [main] {message}", "{level:<6}: {message}"):
        lines = [f"{t:%Y-%m-%d %H:%M:%S} " + write.format(level=levels[i % 5], message=m)
                 for i, (t, m) in enumerate(zip(_times(40), _messages(40)))]
        frame = parse_lines(lines)
        assert "<Level>" in infer_text_format(lines).pattern
        assert frame["level"].tolist() == [levels[i % 5] for i in range(40)]
        assert frame["content"].str.endswith(tuple(_messages(40))).all()


def test_a_colon_after_a_bracket_ends_the_header():
    # Hazelcast's "[main] [c.h.i.AddressPicker]: [10.0.12.5]:5701 [prod] [5.3.6] message": the member's brackets
    # after the logger's colon were read as header fields, which the lines without them then failed to match.
    lines = [f"{t:%Y-%m-%d %H:%M:%S} [main] [c.h.i.Picker]: " + ("" if i < 4 else "[10.0.12.5]:5701 [prod] [5.3.6] ")
             + m for i, (t, m) in enumerate(zip(_times(40), _messages(40)))]
    assert infer_text_format(lines).pattern.endswith(r"\]: <Content>")
    frame = parse_lines(lines)
    assert frame["content"].iloc[0] == _messages(1)[0] and frame["content"].iloc[9].startswith("[10.0.12.5]:5701")


def test_names_before_a_colon_that_few_lines_share_are_the_message():
    # rclone's "INFO  : path/to/file.txt: Copied (new)": a file per line is what the message is about, no part of the
    # program; taking it as the component left every message without its subject.
    lines = [f"{t:%Y/%m/%d %H:%M:%S} INFO: docs/q{i}/report-{i}.txt: Copied (new)" for i, t in enumerate(_times(60))]
    assert infer_text_format(lines).pattern == "<Date> <Time> <Level>: <Content>"
    # A program's parts, each writing many lines, name its components.
    lines = [f"{t:%Y/%m/%d %H:%M:%S} INFO: {['sync', 'march', 'accounting'][i % 3]}: done {i}"
             for i, t in enumerate(_times(60))]
    assert infer_text_format(lines).pattern == "<Date> <Time> <Level>: <Component>: <Content>"


def test_names_that_each_write_a_few_lines_are_the_message():
    # rclone names each file on a few lines ("Copied (new)", "md5 = ... OK", "Updated modified time"): a third as
    # many names as lines, which a half share read as the program's parts, so the file left every message.
    steps = ["Copied (new)", "md5 = 9e107d9d372bb6826bd81d3542a419d6 OK", "Updated modified time in destination"]
    lines = [f"{t:%Y/%m/%d %H:%M:%S} INFO: docs/q{i // 3}/report-{i // 3}.txt: {steps[i % 3]}"
             for i, t in enumerate(_times(90))]
    assert infer_text_format(lines).pattern == "<Date> <Time> <Level>: <Content>"

def test_source_files_whose_lines_differ_name_the_components():
    # Go's log.Lshortfile writes "server.go:57: message": a file's call sites are many, its file one part of the
    # program; counted by file and line, 40 call sites among 80 lines read as the message's, its file lost.
    files = ["server.go", "handler.go", "db.go", "cache.go", "auth.go", "queue.go", "main.go", "config.go"]
    lines = [f"{t:%Y/%m/%d %H:%M:%S} {files[i % 8]}:{10 + i % 5 * 37 + i // 40}: job {i} done"
             for i, t in enumerate(_times(80))]
    assert infer_text_format(lines).pattern == "<Date> <Time> <Component>:<Lineno>: <Content>"


def test_a_message_glued_to_the_colon_after_a_names_bracket_ends_the_header():
    # Huawei VRP's information center: host, then "%%01MODULE/SEVERITY/MNEMONIC(type)[seq]:" with the message glued
    # to the colon. As one word with the message's first, the host and the name stayed in every message.
    names = ["%%01SHELL/5/CMDRECORD(s)", "%%01IFNET/4/LINK_STATE(l)", "%%01NTP/4/SOURCE_LOST(l)"]
    texts = ["Recorded command information.", "The line protocol on the interface has entered the UP state.",
             "System synchronization source lost."]
    lines = [f"Dec  4 2026 08:12:{i % 60:02d}+08:00 core-sw1 {names[i % 3]}[{i}]:{texts[i % 3]}" for i in range(40)]
    frame = parse_lines(lines)
    assert frame["content"].tolist() == [texts[i % 3] for i in range(40)]
    assert frame["component"].tolist() == [names[i % 3] for i in range(40)]
    assert set(frame["host"]) == {"core-sw1"}


def test_a_colon_glued_to_a_bare_word_is_the_messages():
    # "user:alice" after a program's name is a message's word, not a name's colon.
    lines = [f"2026-12-04 08:12:{i % 60:02d} web1 sshd[12]: user:u{i % 5} logged in" for i in range(40)]
    frame = parse_lines(lines)
    assert frame["content"].tolist() == [f"user:u{i % 5} logged in" for i in range(40)]


def test_a_column_of_level_letters_after_the_logger_is_the_level():
    # WebSphere Liberty's messages.log: thread id, logger padded to a column, then the level as one letter (A audit,
    # I info, W warning, E error, and O/R for a program's standard output and error), then the message.
    letters = ["I", "O", "W", "A", "E", "O", "R", "I"]
    lines = [f"[12/4/26, 7:41:{i % 60:02d}:017 UTC] 000000{20 + i % 3} com.ibm.ws.kernel.feature.FeatureManager"
             f"{' ' * 10} {letters[i % 8]} CWWKF00{i % 7:02d}I: Feature update {i} completed." for i in range(40)]
    frame = parse_lines(lines)
    assert frame["level"].tolist() == [letters[i % 8] for i in range(40)]
    assert all(text.endswith(f"Feature update {i} completed.") for i, text in enumerate(frame["content"]))
    assert not frame["content"].str.match(r"[A-Z] ").any()


def test_a_letter_another_alphabet_grades_has_no_grade_beside_letters_of_a_programs_own():
    # WebSphere Liberty's A is an audit line, its O and R a program's standard output and error: logcat's A (assert)
    # graded every audit line fatal. Logcat's own letters keep their grades.
    letters = ["I", "O", "W", "A", "E", "O", "R", "F"]
    lines = [f"[12/4/26, 7:41:{i % 60:02d}:017 UTC] 000000{20 + i % 3} com.ibm.ws.kernel.feature.FeatureManager"
             f"{' ' * 10} {letters[i % 8]} CWWKF00{i % 7:02d}I: Feature update {i} completed." for i in range(40)]
    assert severity(parse_lines(lines)["level"]).tolist() == [[0, 0, 1, 0, 2, 0, 0, 3][i % 8] for i in range(40)]
    assert severity(pd.Series(["V", "I", "W", "E", "A"])).tolist() == [0, 0, 1, 2, 3]


def test_the_letter_m_beside_level_letters_is_fatal():
    # HP's switches (ProCurve) write their event log's severity as I, W, M (major, above E): "M ... chassis: Power
    # Supply 2 failed" was graded routine. GlusterFS' M is its emergency: taken for a program's own letter, it also
    # took the grades of its A (alert) and C (critical).
    letters = ["I", "I", "W", "I", "M"]
    lines = [f"{letters[i % 5]} 01/08/24 07:{i:02d}:27 00{100 + i} chassis: unit {i} changed" for i in range(40)]
    frame = parse_lines(lines)
    assert frame["level"].tolist() == [letters[i % 5] for i in range(40)]
    assert severity(frame["level"]).tolist() == [[0, 0, 1, 0, 3][i % 5] for i in range(40)]
    assert severity(pd.Series(["I", "W", "E", "C", "A", "M"])).tolist() == [0, 1, 2, 3, 3, 3]


@pytest.mark.parametrize("letters", [["I", "O"], ["F", "P"], ["N", "E", "S", "W"], list("QGIDMCQGIDCCUPQGDCF")])
def test_a_column_of_letters_that_are_no_levels_stays_the_messages(letters):
    # A direction (in, out), a container runtime's full or partial line, a compass point, blktrace's actions (queued,
    # got a request, inserted, issued, merged, completed, unplugged, plugged): no levels.
    lines = [f"2026-12-04 08:00:{i % 60:02d} {letters[i % len(letters)]} frame {i} sent" for i in range(40)]
    frame = parse_lines(lines)
    assert "level" not in frame or frame["level"].isna().all()


def test_letters_before_a_path_say_what_was_done_to_the_file():
    # An I/O trace's operations (R read, W write, D discard, I invalidate) before the file: W was read as a warning
    # and the operation left every message; letters before a message of words stay a level column.
    ops = "RRWRWDRI"
    lines = [f"2024-03-05 10:00:{i % 60:02d} {ops[i % 8]} /data/file{i % 7} {4096 * (i % 5 + 1)}" for i in range(40)]
    frame = parse_lines(lines)
    assert "level" not in frame or frame["level"].isna().all()
    assert frame["content"].tolist()[:3] == ["R /data/file0 4096", "R /data/file1 8192", "W /data/file2 12288"]
    levels = parse_lines([line.replace(" /data/", " copied to /data/") for line in lines])["level"]
    assert levels.tolist()[:3] == ["R", "R", "W"]


def test_level_letters_alone_before_paths_stay_the_level():
    # A server's level letters before the path it served ("E /api/users 500") or the file it failed on: only level
    # letters, an error among them, are no file operations, which were a warning and the path a host.
    levels = "IIIWIIEI"
    served = parse_lines([f"2024-03-05 10:00:{i % 60:02d} {levels[i % 8]} /api/users/{i} 200 {i}ms" for i in range(40)])
    assert served["level"].tolist()[:8] == list(levels) and served["content"][0] == "/api/users/0 200 0ms"
    failed = parse_lines([f"2024-03-05 10:00:{i % 60:02d} {levels[i % 8]} /usr/lib/libx.so.{i}: cannot open"
                          for i in range(40)])
    assert failed["level"].tolist()[:8] == list(levels) and "host" not in failed

def test_fields_in_angle_brackets_after_a_time_in_them_are_read_to_the_messages_bracket():
    # Oracle WebLogic's server log: every field in angle brackets, some empty ("<>"), one holding another
    # ("<<WLS Kernel>>"), the message in the last, which may hold brackets of its own or close on a later line.
    levels = ["Info", "Notice", "Warning", "Error"]
    lines, messages = [], []
    for i in range(40):
        head = (f"####<Dec {1 + i // 20}, 2026 10:00:{i % 60:02d},123 AM UTC> <{levels[i % 4]}> <Security> <host1> "
                f"<srv1> <[ACTIVE] ExecuteThread: '{i % 3}' for queue: 'default'> <<WLS Kernel>> <> <> "
                f"<17095319{i:05d}> <BEA-090{i % 4}00> ")
        messages.append("Servlet failed with an Exception" if i == 7 else f"Session {i} opened for <admin>: 9 > 8.")
        lines += [head + f"<{messages[-1]}", "java.lang.NullPointerException", ">"] if i == 7 \
            else [head + f"<{messages[-1]}>"]
    frame = parse_lines(lines)
    first = frame[frame["event_line_no"] == frame["line_no"]] if "event_line_no" in frame else frame
    assert first["content"].tolist() == messages
    assert first["level"].tolist() == [levels[i % 4] for i in range(40)]
    assert set(first["component"]) == {"Security"}


def test_a_long_line_of_angle_brackets_is_read_once():
    # Where the fields in angle brackets did not reach the line's end, the message's bracket was looked for after
    # each field by a run to the end: a line as long as logad reads (65,536 characters) of "<a> " took seconds.
    lines = [f"####<Dec 1, 2026 10:00:{s:02d},123 AM UTC> <Info> <Security> <host1> <BEA-0900{s % 4}> <Job {s} done>"
             for s in range(40)]
    hostile = "####<Dec 1, 2026 10:01:00,123 AM UTC>" + " <a>" * 16_384 + " x"
    started = time.process_time()  # CPU time: a loaded machine stretches wall time, not the work
    fmt = infer_text_format(lines + [hostile] * 5)
    assert time.process_time() - started < 3
    assert fmt is not None and "<<Level>>" in fmt.pattern


def test_a_syslog_facility_before_the_level_is_read_with_it():
    # OpenWrt's logread ("kern.notice"), and rsyslog's "<%syslogfacility-text%.%syslogseverity-text%>" as a relay
    # writes it: the pair was a host or a field, no line read a level.
    severities = ("info", "notice", "err", "warn")
    bare = [f"Thu Jul 11 21:15:{i:02d} 2024 {('kern', 'daemon')[i % 2]}.{severities[i % 4]} netifd: Interface {i} is up"
            for i in range(40)]
    frame = parse_lines(bare)
    assert frame["level"].iloc[:4].tolist() == list(severities) and frame["facility"].iloc[0] == "kern"
    assert frame["component"].eq("netifd").all() and frame["content"].iloc[1] == "Interface 1 is up"
    angled = [f"Mar 12 07:48:{i:02d} <local0.{severities[i % 4]}> 10.10.1.5 sshd[{i}]: Accepted key {i}"
              for i in range(40)]
    frame = parse_lines(angled)
    assert frame["level"].iloc[:4].tolist() == list(severities) and frame["facility"].eq("local0").all()
    assert frame["content"].iloc[1] == "Accepted key 1"


def test_a_monolog_channel_named_as_a_facility_stays_the_component():
    # Monolog writes its levels in capitals: "security.INFO" is a channel and its level, not a syslog facility.
    channels = ("security", "request", "app")
    lines = [f"[2024-03-12 07:48:{i:02d}] {channels[i % 3]}.INFO: Matched route {i}" for i in range(40)]
    frame = parse_lines(lines)
    assert frame["component"].iloc[:3].tolist() == list(channels) and frame["level"].eq("INFO").all()


def test_layouts_searched_in_joined_lines_miss_no_line_s_time():
    """Speed: a layout is tried on each line only where the lines joined hold it; none that a line holds is left out."""
    from logad_utils.layout import _GLUED_RES, _LAYOUTS, _layouts_in, _time_hits

    # What could tell a newline that joins the lines from a line's end: none in the layouts.
    assert not [r.pattern for r in _GLUED_RES if re.search(r"[+*?}]\+|\(\?>|\(\?<?!|\\[AZ]", r.pattern)]

    times, msgs = _times(12), _messages(12)
    makers = [make for make, _ in TEXT_LAYOUTS.values()] + [f[0] for f in FAMILIES.values()]
    lines = [make(t, LEVELS[i % 4], m) for make in makers for i, (t, m) in enumerate(zip(times, msgs))]
    lines += ["<W>2024-03-01 17:58:04.066 Server: started", "(040212)3/5/2024 6:48:17 AM Connected",
              "I0219 10:00:00.123456 4242 main.go:12] up", "[    1.684651] usb 1-1: new device",
              "12345:20240211:101010.123 job done", "@4000000065f1a2b30c8a9f2c run: up", "3:04PM starting",
              "[ 1721.265856s] tick", "   0.001 Loading mods", "I240219 10:00:00.123456 1 x.go:3] y"]
    everywhere = set(_layouts_in(lines))
    for line in lines:
        ungated = _time_hits(line, padded=True)
        assert {hit.layout for hit, _ in ungated} <= everywhere
        gated = _time_hits(line, True, _layouts_in([line]))
        assert [(hit, m.span()) for hit, m in gated] == [(hit, m.span()) for hit, m in ungated]
    assert len(everywhere) < len(_LAYOUTS)


def test_layouts_found_by_arrow_are_those_python_finds():
    """Speed: long joined heads are searched by RE2 in Arrow where it reads them as Python's re does; the same
    layouts are found, and text RE2 would read otherwise (non-ASCII, a vertical tab) is searched in Python."""
    from logad_utils.layout import _JOINED_RE2, _JOINED_RES, _RE2_CHARS, _in_arrow, _layouts_in

    times, msgs = _times(12), _messages(12)
    makers = [make for make, _ in TEXT_LAYOUTS.values()] + [f[0] for f in FAMILIES.values()]
    lines = [make(t, LEVELS[i % 4], m) for make in makers for i, (t, m) in enumerate(zip(times, msgs))]
    lines += ["[ 1721.265856s] tick", "took 0.004s]", "2024-03-01|10:00:00 x", "x 03-01|10:00:00|y",
              "12:00:00,x", "t=10:00:00;", "3:04PM", "(10:00:00)", "a\x0b10:00:00\x0bb", "é 2024-03-01 10:00:00 é"]
    rng = np.random.default_rng(7)
    ends = [" ", "", "s]", "s)", "s", "]", ")", "|", ",", ";", ":", ">", "x", "\t", "\x0b", "\x1c", "é"]
    padding = ["-" * 99] * (_RE2_CHARS // 100 + 1)  # heads long enough for Arrow, holding no time
    for _ in range(300):  # a line's head cut within or just after its time, and what may follow it
        line = lines[rng.integers(len(lines))]
        line = line[:rng.integers(4, 40)] + ends[rng.integers(len(ends))]
        assert _layouts_in([line, *padding]) == [i for i, r in enumerate(_JOINED_RES) if r.search(line)]
    ascii_only = "\n".join(lines[:-2] + padding)
    assert _in_arrow(ascii_only) is not None and _in_arrow(lines[0]) is None
    assert _in_arrow(lines[-1] + ascii_only) is None and _in_arrow(lines[-2] + ascii_only) is None
    assert _layouts_in(lines) == [i for i, r in enumerate(_JOINED_RES) if r.search("\n".join(lines))]
    assert sum(p is not None for p in _JOINED_RE2) > len(_JOINED_RE2) - 5  # most layouts go to Arrow


def test_a_time_s_look_ahead_for_its_first_characters_finds_what_the_layouts_find():
    """Speed: the layouts together sit behind a look-ahead for the characters a time opens with; at every place of
    every line it matches what they match, with the same groups."""
    from logad_utils.layout import _ANY_TIME, _ANY_TIME_PATTERN

    bare = re.compile(_ANY_TIME_PATTERN)
    times, msgs = _times(12), _messages(12)
    makers = [make for make, _ in TEXT_LAYOUTS.values()] + [f[0] for f in FAMILIES.values()]
    lines = [make(t, LEVELS[i % 4], m) for make in makers for i, (t, m) in enumerate(zip(times, msgs))]
    lines += ["I0219 10:00:00.123456 4242 main.go:12] up", "@4000000065f1a2b30c8a9f2c run: up", "٣:٠٤:٠٥ up",
              "<W>2024-03-01 17:58:04.066 x", "jun 14 15:16:01 host", "Tue Mar 12 00:00:01 UTC x", "(040212)3/5/2024"]
    for line in lines:
        for at in range(min(len(line), 40)):
            want, got = bare.match(line, at), _ANY_TIME.match(line, at)
            assert (got and (got.span(), got.groups())) == (want and (want.span(), want.groups())), (line, at)
        want, got = bare.search(line), _ANY_TIME.search(line)
        assert (got and (got.span(), got.groups())) == (want and (want.span(), want.groups())), line


def test_a_header_whose_fields_commas_part_is_read_as_cells():
    # A SAN switch's error log: "2024/02/27-06:35:52, [FW-1424], 48212, CHASSIS, WARNING, sanA-g620-01, Switch
    # status changed ...". Inference read the time and the first bracket, and left the rest of the header (a
    # sequence number, the fabric, the level, the switch) in the message.
    levels = ["INFO", "WARNING", "ERROR"]
    messages = [f"Port {i} is online." if i % 4 else f"Port {i}, Condition=LOSS_SYNC, Value {i}." for i in range(40)]
    lines = [f"2024/02/27-06:{i:02d}:52, [FW-14{i % 5}], {48212 + i}, {'CHASSIS' if i % 3 else 'FID 128'}, "
             f"{levels[i % 3]}, sanA-g620-01, {messages[i]}" for i in range(40)]
    frame = parse_lines(lines)
    assert frame["content"].tolist() == messages
    assert frame["level"].tolist() == [levels[i % 3] for i in range(40)]
    assert frame["timestamp"].tolist() == [pd.Timestamp(f"2024-02-27 06:{i:02d}:52") for i in range(40)]


def test_a_name_in_parentheses_and_a_colon_after_the_level_is_the_component():
    # Aerospike's "Mar 04 2024 13:20:02 GMT: INFO (info): (ticker.c:167) NODE-ID ...": its context in parentheses
    # (a level word on most lines), then its source file and line. Both were left in the message, read as a
    # second level and a word.
    contexts = ["info", "info", "info", "drv_ssd", "info", "nsup", "info", "info", "info", "info"]
    lines = [f"Mar 04 2024 13:20:{i:02d} GMT: {'WARNING' if i % 7 == 0 else 'INFO'} ({contexts[i % 10]}): "
             f"(ticker.c:{160 + i % 5})    {_messages(40)[i]}" for i in range(40)]
    frame = parse_lines(lines)
    assert frame["content"].tolist() == _messages(40)
    assert frame["component"].tolist() == [contexts[i % 10] for i in range(40)]
    assert frame["level"].tolist() == ["WARNING" if i % 7 == 0 else "INFO" for i in range(40)]


def test_a_message_spilled_over_cells_keeps_its_commas_as_written():
    # The last cell, the message, of a record its commas cut ("..., WARNING, sanA-g620-01, Port 58, Current Value:
    # [LOSS_SYNC,9 Sync Losses], RuleName=..."): joined again, a comma with no space after it got one.
    messages = [f"Port {i}, Current Value:[LOSS_SYNC,{i} Sync Losses],RuleName=def_{i}." if i % 4 == 0
                else f"Port {i} is online." for i in range(40)]
    lines = [f"2024/02/27-06:{i:02d}:52, [FW-14{i % 5}], {48212 + i}, CHASSIS, INFO, sanA-g620-01, {messages[i]}"
             for i in range(40)]
    assert parse_lines(lines)["content"].tolist() == messages


def test_a_labelled_pid_in_a_bracket_is_the_pid_not_the_component():
    # vsftpd's "Mon Mar  4 00:20:54 2024 [pid 2219] CONNECT: Client ...": the bracket was the component, one per
    # process ("pid 2219").
    lines = [f"Mon Mar  4 00:20:{i:02d} 2024 [pid {2219 + i % 6}] {_messages(40)[i]}" for i in range(40)]
    frame = parse_lines(lines)
    assert frame["content"].tolist() == _messages(40)
    assert frame["pid"].tolist() == [str(2219 + i % 6) for i in range(40)] and "component" not in frame


def test_a_function_named_after_the_level_or_the_logger_is_a_header_field():
    # Icecast's "[2024-03-20  06:00:03] INFO source/source_main ..." and Confluence's log4j "%M" after its logger
    # ("INFO [http-nio-1] [c.a.c.Cache] flushQueue ..."): the function was left at the start of every message.
    functions = ["source/source_main", "admin/admin_handle_request", "fserve/fserve_client_create", "main/main"]
    messages = _messages(60)
    lines = [f"[2024-03-20  06:00:{i:02d}] INFO {functions[i % 4]} {messages[i]}" for i in range(60)]
    frame = parse_lines(lines)
    assert frame["content"].tolist() == messages
    assert frame["component"].tolist() == [functions[i % 4] for i in range(60)]
    methods = ["flushQueue", "login", "synchroniseCache", "serveResource", "marshal"]
    lines = [f"2024-03-11 06:58:{i:02d},000 INFO [http-nio-{i % 3}] [c.a.c.cache.CacheManager] {methods[i % 5]} "
             f"{messages[i]}" for i in range(60)]
    frame = parse_lines(lines)
    assert frame["content"].tolist() == messages
    assert frame["function"].tolist() == [methods[i % 5] for i in range(60)]
    assert frame["component"].eq("c.a.c.cache.CacheManager").all()


def test_a_function_before_the_separator_after_a_bracket_naming_loggers_is_no_component():
    # Hyperledger Fabric's "INFO [gossip.privdata] StoreBlock -> ...", Python's "[%(name)s] %(funcName)s - ": the
    # function was the component and the logger's bracket a thread, so root causes named functions ("func1").
    loggers, functions = ["endorser", "gossip.privdata", "kvledger", "nodeCmd"], ["StoreBlock", "func1", "serve"]
    messages = _messages(60)
    lines = [f"2024-03-05 14:00:{i:02d}.117 UTC {i + 1:04x} INFO [{loggers[i % 4]}] {functions[i % 3]} -> "
             f"{messages[i]}" for i in range(60)]
    frame = parse_lines(lines)
    assert frame["content"].tolist() == messages
    assert frame["component"].tolist() == [loggers[i % 4] for i in range(60)]
    assert frame["function"].tolist() == [functions[i % 3] for i in range(60)] and "thread" not in frame
    # Threads in the bracket, numbered by their pool or the one main thread: the word before " - " is the class.
    for threads in (["main"], ["pool-1-thread-1", "pool-1-thread-2", "http-nio-exec-1"]):
        lines = [f"2024-03-05 14:00:{i:02d},117 INFO [{threads[i % len(threads)]}] {functions[i % 3]} - "
                 f"{messages[i]}" for i in range(60)]
        frame = parse_lines(lines)
        assert frame["component"].tolist() == [functions[i % 3] for i in range(60)], threads
        assert frame["thread"].tolist() == [threads[i % len(threads)] for i in range(60)]


def test_a_name_and_its_padded_or_glib_level_before_the_time_are_the_component_and_level():
    # Greenbone's gvmd (GLib): "md manage:WARNING:2024-04-02 05h58.14 UTC:1873: ...", "md manage:   INFO:...",
    # "event task:MESSAGE:...": the level was glued to the name before it, so warnings had no severity.
    names, levels = ["md   main", "md manage", "event task", "md    gmp"], ["MESSAGE", "WARNING", "   INFO", "MESSAGE"]
    messages = _messages(60)
    lines = [f"{names[i % 4]}:{levels[i % 5 % 4]}:2024-04-02 05h58.{i:02d} UTC:{1873 + i % 3}: {messages[i]}"
             for i in range(60)]
    frame = parse_lines(lines)
    assert frame["content"].tolist() == messages
    assert frame["level"].tolist() == [levels[i % 5 % 4].strip() for i in range(60)]
    assert frame["component"].tolist() == [names[i % 4].split()[-1] for i in range(60)]
    assert severity(frame["level"]).tolist() == [int(levels[i % 5 % 4] == "WARNING") for i in range(60)]


def test_a_message_opening_with_lower_case_words_keeps_them():
    # Prose in lower case after the level ("INFO starting worker 3"), identifiers on a few lines only, is the
    # message's: no function field is taken from it.
    words = ["starting", "stopping", "reloading", "connecting", "listener_ready"]
    lines = [f"2024-03-11 06:58:{i:02d},000 INFO {words[i % 5]} worker {i}" for i in range(60)]
    frame = parse_lines(lines)
    assert frame["content"].tolist() == [f"{words[i % 5]} worker {i}" for i in range(60)]


def test_a_message_with_commas_of_its_own_stays_whole_after_a_header_whose_fields_commas_part():
    # "2024-01-01 10:00:00, [main], INFO, processed 3 items, 0 errors": every message with one comma of its own was
    # read as cells, the message cut at its comma and its tail left in a column of its own.
    levels = ["INFO", "WARN", "ERROR"]
    for message in ("processed {i} items, {e} errors", 'said "x, y" {i}'):
        messages = [message.format(i=i, e=i % 3) for i in range(40)]
        lines = [f"2024-01-01 10:00:{i:02d}, [main], {levels[i % 3]}, {messages[i]}" for i in range(40)]
        assert all(m in c for m, c in zip(messages, parse_lines(lines)["content"])), message


def test_a_common_log_format_time_with_a_fraction_is_read():
    # 389 Directory Server's access log, "[19/Mar/2024:08:14:02.121576980 +0100] conn=1 ...": the fraction after
    # the seconds hid the time, so no header was found with no format and the given format's time read none.
    messages = _messages(40)
    lines = [f"[{t:%d/%b/%Y:%H:%M:%S}.{i:09d} +0100] {m}" for i, (t, m) in enumerate(zip(_times(40), messages))]
    frame = parse_lines(lines)
    assert frame["content"].tolist() == messages
    assert frame["timestamp"].tolist() == [t - pd.Timedelta(hours=1) + pd.Timedelta(nanoseconds=i)
                                           for i, t in enumerate(_times(40))]
    given = parse_lines(lines, LogFormat(r"\[<Timestamp> <Zone>\] <Content>"))
    assert given["timestamp"].notna().all()


def test_a_given_formats_time_field_reads_a_colon_dated_time():
    # "<Timestamp> <Host> <Component>\[<Pid>\]: <Content>" over "2024:02:19-13:58:05 gw ulogd[4711]: ...": the
    # given format's time field read no time, as no layout read that date.
    lines = [f"{t:%Y:%m:%d-%H:%M:%S} gw ulogd[4711]: {m}" for t, m in zip(_times(20), _messages(20))]
    frame = parse_lines(lines, LogFormat(r"<Timestamp> <Host> <Component>\[<Pid>\]: <Content>"))
    assert frame["timestamp"].tolist() == _times(20) and frame["content"].tolist() == _messages(20)


def test_a_clock_with_an_h_after_its_hours_is_read_as_written():
    # gvm-libs' "md   main:MESSAGE:2024-04-02 05h58.12 UTC:1873: ..." under its format: read as any form pandas
    # knows, 58.12 was a count of minutes and every time 05:58:07.
    stamps = [T0 + pd.Timedelta(seconds=13 * i) for i in range(20)]
    lines = [f"md   main:MESSAGE:{t:%Y-%m-%d %Hh%M.%S} UTC:1873: {m}" for t, m in zip(stamps, _messages(20))]
    frame = parse_lines(lines, LogFormat(r"<Component>:<Level>:<Date> <Time> <Zone>:<Pid>: <Content>"))
    assert frame["timestamp"].tolist() == stamps and frame["content"].tolist() == _messages(20)


def test_a_header_glued_by_colons_around_an_h_clock_is_read_with_no_format():
    # gvm-libs' "event task:MESSAGE:2024-04-02 05h58.12 UTC:1873: msg": the time glued after a colon was looked for
    # after spaces alone, so no header was found (lines joined, every header in the messages); then the pid glued
    # after the time stayed in every message.
    stamps = [T0 + pd.Timedelta(seconds=13 * i) for i in range(40)]
    domains = ["event task", "md    gmp", "md manage"]
    lines = [f"{domains[i % 3]}:MESSAGE:{t:%Y-%m-%d %Hh%M.%S} UTC:{1873 + i % 4}: {m}"
             for i, (t, m) in enumerate(zip(stamps, _messages(40)))]
    frame = parse_lines(lines)
    assert frame["timestamp"].tolist() == stamps and frame["content"].tolist() == _messages(40)
    assert frame["pid"].tolist() == [str(1873 + i % 4) for i in range(40)]


def test_a_comma_list_of_topics_holding_a_severity_is_the_component():
    # RouterOS' "Mar 18 09:41:07 192.168.88.1 system,info,account user admin logged in": the topics were left in the
    # message, so one event split by the topics it was written under.
    topics = ["system,info", "interface,info", "l2tp,ppp,error", "wireless,info", "system,info,account"]
    stamps = pd.date_range("2024-03-18 09:41:00", periods=60, freq="1s")
    lines = [f"{t:%b %d %H:%M:%S} 192.168.88.1 {topics[i % 5]} {m}"
             for i, (t, m) in enumerate(zip(stamps, _messages(60)))]
    frame = parse_lines(lines)
    assert frame["component"].tolist() == [topics[i % 5] for i in range(60)]
    assert frame["content"].tolist() == _messages(60)


def test_a_second_name_in_parentheses_after_the_subsystem_stays_in_the_header():
    # ClickHouse's "default.events (6a1f...) (SelectExecutor): Reading ...": a table, its id and the part of the
    # server that writes; most lines have one parenthesis or none, and the few with two keep none in the message.
    table = "default.events (729fdb28-6db5-4d3e-b4e8-cfaf91b27c43)"
    names = [f"{table} (SelectExecutor)"] + [table] * 4 + ["DNSResolver"] * 5
    lines = [f"2024.02.05 04:59:{i % 60:02d}.{i:06d} [ {100 + i % 7} ] {{}} <Debug> {names[i % 10]}: "
             f"Selected {i} parts by partition key" for i in range(100)]
    frame = parse_lines(lines)
    assert frame["parsed"].all()
    assert frame["content"].tolist()[:2] == [f"Selected {i} parts by partition key" for i in range(2)]
    assert frame["component"].tolist()[:2] == ["default.events", "default.events"]


def test_an_erlang_process_id_after_the_level_is_the_pid():
    # OTP's logger and Elixir's Logger (RabbitMQ, ejabberd, EMQX) write "... [info] <0.834.2> message": the process
    # stayed at the front of the message, so every process split each event into templates of its own.
    stamps = pd.date_range("2024-03-04 13:55:02", periods=60, freq="1s")
    levels = ["info", "info", "warning", "error"]
    pids = [f"<0.{1000 + 37 * i}.{i % 3}>" for i in range(60)]
    lines = [f"{t:%Y-%m-%d %H:%M:%S.%f}+00:00 [{levels[i % 4]}] {pids[i]} {m}"
             for i, (t, m) in enumerate(zip(stamps, _messages(60)))]
    frame = parse_lines(lines)
    assert frame["pid"].tolist() == pids
    assert frame["content"].tolist() == _messages(60)


def test_a_request_id_or_its_dashes_after_an_erlang_process_id_is_a_header_field():
    # CouchDB's "[notice] <time> couchdb@host <0.226.0> 0b09d5ef92 message", "--------" where a line belongs to no
    # request: the id stayed at the front of the message, so every request split its event into templates of its own.
    stamps = pd.date_range("2024-03-11 09:14:02", periods=60, freq="1s")
    ids = [f"{(2654435761 * (i + 1)) % 16 ** 10:010x}" if i % 4 else "--------" for i in range(60)]
    lines = [f"[{('info', 'notice')[i % 2]}] {t:%Y-%m-%dT%H:%M:%S}.513000Z couchdb@10.0.0.11 <0.{226 + 7 * i}.0> "
             f"{ids[i]} {m}" for i, (t, m) in enumerate(zip(stamps, _messages(60)))]
    assert parse_lines(lines)["content"].tolist() == _messages(60)


def test_a_name_and_a_labelled_id_before_the_colon_are_header_fields():
    # Bacula's "12-Feb 23:05 backup-dir JobId 14121: message": a name took one word before its colon, so the daemon
    # and its job's id stayed in every message. A label that changes from line to line is the message's words.
    daemons = ("backup-dir", "backup-sd", "web01-fd")
    lines = [f"2024-02-12 23:05:{i:02d} {daemons[i % 3]} JobId {14121 + i // 5}: {m}"
             for i, m in enumerate(_messages(60))]
    frame = parse_lines(lines)
    assert frame["content"].tolist() == _messages(60)
    assert frame["component"].tolist()[:3] == list(daemons)
    words = ("Job", "Task", "Step")
    lines = [f"2024-02-12 23:05:{i:02d} run {words[i % 3]} {i}: {m}" for i, m in enumerate(_messages(60))]
    assert parse_lines(lines)["content"][4] == f"run Task 4: {_messages(60)[4]}"


def test_a_hexadecimal_thread_and_a_signed_verbosity_before_the_message_are_header_fields():
    # Ceph's "2024-03-13T01:07:44.242+0000 7f3a1b2a3700 -1 osd.3 ...": a thread's id as "%lx" writes it and a
    # verbosity (-1 for errors) stayed at the front of the message, so each thread split an event in two.
    stamps = pd.date_range("2024-03-13 01:07:44", periods=60, freq="1s")
    threads = ["7f3a1b2a3700", "7f3a1f6c1700", "7f3a1c2b4700"]
    verbosity = ["0", "1", "-1", "5"]
    lines = [f"{t:%Y-%m-%dT%H:%M:%S}.242+0000 {threads[i % 3]} {verbosity[i % 4]:>2} {m}"
             for i, (t, m) in enumerate(zip(stamps, _messages(60)))]
    frame = parse_lines(lines)
    assert frame["content"].tolist() == _messages(60)


def test_a_second_block_of_as_many_words_closed_by_a_spaced_colon_is_a_header_field():
    # NetScaler's "... adc01 0-PPE-0 : default SSLLOG SSL_HANDSHAKE_SUCCESS 27863884 0 : message": the partition,
    # module, event, sequence and flag stayed at the front of every message, so no template was the message's.
    events = ("SSLLOG SSL_HANDSHAKE_SUCCESS", "TCP CONN_DELINK", "CLI CMD_EXECUTED")
    relay = "Mar 12 07:48:{i:02d} <local0.info> 10.10.1.5 03/12/2024:07:48:{i:02d} GMT adc01 0-PPE-{p} : "
    lines = [relay.format(i=i, p=i % 2) + f"default {events[i % 3]} {27863884 + i} 0 : {m}"
             for i, m in enumerate(_messages(60))]
    assert parse_lines(lines)["content"].tolist() == _messages(60)
    # Words before a message's own spaced colon, as many on some lines only, are the message's.
    lines = [relay.format(i=i, p=i % 2) + f"{'user admin' if i % 2 else 'user'} : {m}"
             for i, m in enumerate(_messages(60))]
    assert parse_lines(lines)["content"][1] == f"user admin : {_messages(60)[1]}"


def test_a_column_of_letters_glued_to_the_time_that_holds_m_is_the_level():
    # M joined the graded letters (HP's major), not those that tell a level alone: "<M>" glued to a time took the
    # column of <M>, <I>, <W> for a field.
    lines = [f"<{letter}>2024-03-01 17:58:{s:02d}.066 server message number {s}"
             for s, letter in zip(range(40), "MMIIWWMM" * 5)]
    assert "<Level>" in infer_text_format(lines).pattern


def test_fields_each_opened_by_a_spaced_colon_are_header_fields():
    # NFS-Ganesha's "... : host : ganesha.nfsd-9[main] func :NFS STARTUP :EVENT :message": the process, function,
    # component and level stayed at the front of every message, so no template was the message's.
    parts = (("main", "MAIN", "EVENT"), ("init_fds_limit", "NFS STARTUP", "WARN"), ("reaper_run", "CLIENT ID", "CRIT"))
    lines = [f"12/03/2024 06:12:{i % 60:02d} : epoch 65eff25c : nfs-0 : ganesha.nfsd-9[main] "
             + "{} :{} :{} :".format(*parts[i % 3]) + m for i, m in enumerate(_messages(60))]
    frame = parse_lines(lines)
    assert frame["content"].tolist() == _messages(60)
    assert frame["component"][1] == "NFS STARTUP" and frame["level"][1] == "WARN"
    # After a level of the header's own, the last of them is a field.
    lines = [line.replace(" : nfs-0", f" {LEVELS[i % 4]} : nfs-0") for i, line in enumerate(lines)]
    assert parse_lines(lines)["content"].tolist() == _messages(60)
    # One spaced colon glued to a word in a message is the message's.
    lines = [f"12/03/2024 06:12:{i % 60:02d} : epoch 65eff25c : nfs-0 : {m} :x" for i, m in enumerate(_messages(60))]
    assert parse_lines(lines)["content"][1] == f"{_messages(60)[1]} :x"


def test_words_before_colon_opened_fields_held_apart_by_a_tab_leave_the_lines_read():
    # A tab among the words before the fields: they were counted as one word, which the field's pattern of words
    # held apart by spaces does not read, so no line matched and the file read raw.
    lines = [f"2024-03-11 09:14:{i:02d} : host : proc\tf{i % 3} :NFS STARTUP :WARN :{m}"
             for i, m in enumerate(_messages(60))]
    assert detect_format(lines).name != "raw"
    assert parse_lines(lines)["content"].notna().all()


def test_a_message_of_many_colon_opened_pieces_opens_no_more_fields_than_a_header_has():
    # "a :b :c :..." on every line: each piece was a header field, a pattern of as many groups (thousands on a long
    # line, a minute to read one).
    lines = [f"2024-03-11 09:14:{i:02d} : host : x{i} " + ":a " * 400 + ":end" for i in range(30)]
    assert infer_text_format(lines).pattern.count("<Field") <= 12


def test_brackets_past_ten_header_elements_are_still_the_headers():
    # A level, a thread and nine context fields in brackets (a logger's MDC: tenant, trace, span, user, ...): the
    # header's elements stopped at ten, so its last brackets stayed at the front of every message.
    stamps = pd.date_range("2024-03-13 01:07:44", periods=60, freq="1s")
    mdc = ["tenant=t{}", "trace={}af3", "span={}b1", "user=u{}", "session=s{}", "req=r{}", "ip=10.0.0.{}",
           "client=c{}", "region=eu-{}"]
    lines = [f"{t:%Y-%m-%d %H:%M:%S} [{LEVELS[i % 4]}] [worker-{i % 3}] "
             + " ".join(f"[{f.format(i % 7)}]" for f in mdc) + f" [com.acme.Api] {m}"
             for i, (t, m) in enumerate(zip(stamps, _messages(60)))]
    assert parse_lines(lines)["content"].tolist() == _messages(60)


def test_a_programs_name_with_its_module_joined_by_a_colon_is_one_component():
    # A daemon that names its module after its own name ("syncd:scheduler: INFO: ..." beside "syncd: INFO: ..."):
    # those lines read no component, too few for one, so every line kept its name and level in the message.
    writers = ["syncd", "syncd:scheduler", "syncd:fetch-queue"]
    frame = parse_lines(_headed(lambda i, t: f"{t:%Y/%m/%d %H:%M:%S} {writers[i % 3]}: {LEVELS[i % 2]}:"))
    assert frame["component"].tolist() == [writers[i % 3] for i in range(60)]
    assert frame["level"].tolist() == [LEVELS[i % 2] for i in range(60)] and frame["content"].tolist() == _messages(60)


def test_a_level_word_after_a_name_and_a_colon_is_no_module():
    # "root:INFO: message": the level word is no module of a program named "root"; reading "root:INFO" as the
    # component would hide the level in a name. Such lines stay whole messages, as before modules were read.
    frame = parse_lines(_headed(lambda i, t: f"{t:%Y/%m/%d %H:%M:%S} root:{LEVELS[i % 2]}:"))
    assert "component" not in frame or not frame["component"].fillna("").str.contains(":").any()
    assert frame["content"].tolist() == [f"root:{LEVELS[i % 2]}: {m}" for i, m in enumerate(_messages(60))]


def test_a_level_before_the_time_on_every_line_is_no_two_line_record():
    # Weave Net's "INFO: 2023/03/01 07:42:18.114302 message": every line but the first was taken for the level line
    # of a java.util.logging record under the line above, so the layout was read off one line, its message's first
    # words made fields, and every other message was cut.
    messages = ["Command line options: map[port:6783]", *_messages(59)]
    frame = parse_lines(_headed(lambda i, t: f"{LEVELS[i % 2]}: {t:%Y/%m/%d %H:%M:%S}.114302", messages))
    assert frame["level"].tolist() == [LEVELS[i % 2] for i in range(60)] and frame["content"].tolist() == messages


def test_a_spaced_double_colon_after_the_logger_ends_the_header():
    # "2023-09-18 13:58:02,140 INFO app.core :: message": the logger's name, with no separator the header knew after
    # it, was left to the message on every line.
    loggers = ["app.core", "app.db", "util.encryption"]
    frame = parse_lines(_headed(lambda i, t: f"{t:%Y-%m-%d %H:%M:%S},140 {LEVELS[i % 2]} {loggers[i % 3]} ::"))
    assert frame["component"].tolist() == [loggers[i % 3] for i in range(60)]
    assert frame["content"].tolist() == _messages(60)


def test_one_label_opening_a_list_of_labelled_values_is_no_component():
    # A controller's records under a relay's host ("... bmc-7 Severity: Warning, Category: Audit, MessageID: ...,
    # Message: ..."): the first label was read as the component on every line and cut from the record.
    hosts, severities = ["bmc-7F2Q", "bmc-C02W"], ["Warning", "Informational", "Critical"]
    records = [f"Severity: {severities[i % 3]}, Category: Audit, MessageID: USR{30 + i % 4:04d}, Message: {m}"
               for i, m in enumerate(_messages(60))]
    frame = parse_lines(_headed(lambda i, t: f"{t:%Y-%m-%dT%H:%M:%S}+02:00 {hosts[i % 2]}", records))
    assert frame["content"].tolist() == records and frame["timestamp"].notna().all()


def test_a_threads_name_written_again_or_a_bracket_after_it_is_the_header():
    # An agent's "INFO ExtHandler ExtHandler message" beside "INFO ExtHandler [Ext.Name-1.0] message": its thread,
    # then its prefix, the thread's name again or an extension's; both were left to every message.
    prefixes = ["Handler", "[Vendor.Ext.Backup-1.2]", "[Vendor.Ext.Monitor-2.0]"]
    frame = parse_lines(_headed(lambda i, t: f"{t:%Y-%m-%dT%H:%M:%S}.284113Z {LEVELS[i % 2]} Handler "
                                             f"{prefixes[i % 3]}"))
    assert frame["thread"].eq("Handler").all() and frame["component"].tolist() == [prefixes[i % 3] for i in range(60)]
    assert frame["content"].tolist() == _messages(60)


def test_a_headers_element_reads_its_flags_by_the_names_a_lines_element_does():
    # A line's word and a header's word held their flags in tuples of two layouts, shifted by one from the eleventh
    # on (a header's function name came before the topics), so a reader of the other stage read the wrong flag.
    # Both name them now; the blank element a line without one is given stays unlike any element a line writes.
    from logad_utils.layout import _BracketShape, _Element, _elements, _header, _WordShape
    lines = [f"<0.{i}.0> 7f3a1b2a37{i:02d} worker {w} step done" for i, w in zip(range(20), "abcdefghijklmnopqrst")]
    header, words = _header(lines), _elements(lines[0])
    assert header[0][0].detail.erlang and words[0].detail.erlang and not words[0].detail.number
    assert header[1][0].detail.number and words[1].detail.number and not header[1][0].detail.erlang
    assert _Element("bracket", False, _BracketShape(blank=True)) != _elements("[] x")[0]
    assert _Element("word", True, _WordShape(blank=True)) != _elements(" x y")[0]


def test_a_date_and_clock_joined_by_an_underscore_are_the_time_given_a_format_or_not():
    # A file-safe stamp ("2024-01-15_09:42:07.318+0100", as `date +%F_%T` and storage daemons write it) matched no
    # layout: the header was lost with no format, and a given format's <Timestamp> read no time.
    lines = _headed(lambda i, t: f"{t:%Y-%m-%d_%H:%M:%S}.{i % 1000:03d}+0100: [{'IWE'[i % 3]}]")
    utc = [t - pd.Timedelta(hours=1) + pd.Timedelta(milliseconds=i) for i, t in enumerate(_times(60))]
    for fmt in ("auto", r"<Timestamp>: \[<Level>\] <Content>"):
        frame = parse_lines(lines, fmt=fmt)
        assert frame["content"].tolist() == _messages(60) and frame["timestamp"].tolist() == utc


def test_a_date_and_clock_that_end_every_line_are_its_time_and_the_text_before_its_message():
    # A time after the message, as home routers write their event logs ("[DHCP IP: (192.168.1.11)] to MAC address
    # ..., Saturday, Jan 13,2024 06:41:46"): no header opened the lines, and each was read whole as its message.
    messages = [f"[{m}]" if i % 2 else f"{m}," for i, m in enumerate(_messages(60))]
    lines = [f"{m} {t:%A}, {t:%b} {t.day},{t:%Y} {t:%H:%M:%S}" for m, t in zip(messages, _times(60))]
    frame = parse_lines(lines)
    assert frame["content"].tolist() == messages and frame["timestamp"].tolist() == _times(60)


def test_words_in_angle_brackets_opening_most_messages_are_header_fields():
    # An event id and a level, and a context between pipes, after a syslog name's colon ("sapd[1857]: <404003>
    # <NOTI> |AP ap-1@10.0.0.5 sapd|  message"); a session after a bracketed time's ("errors: [05-Mar-2024 14:07:09
    # +0100]: <i43a3t3r> message"): each stayed in every message, a template per value.
    aruba = _headed(lambda i, t: f"{t:%b %d %H:%M:%S %Y} 10.1.1.2 sapd[18{i % 3}]: <{404000 + i % 7}> "
                                 f"<{['NOTI', 'WARN'][i % 2]}> |AP ap-{i % 4}@10.0.0.{i % 5} sapd| ")
    sessions = _headed(lambda i, t: f"userlogins: [{t:%d-%b-%Y %H:%M:%S} +0100]: <{i * 7919 % 100000:05x}q{i}>")
    for lines in (aruba, sessions):
        frame = parse_lines(lines)
        assert frame["content"].str.strip().tolist() == _messages(60) and frame["timestamp"].notna().all()
    # A line without them keeps its header; brackets that open a few messages stay theirs.
    frame = parse_lines(sessions[:59] + [re.sub(r" <\w+>", "", sessions[59])])
    assert frame["timestamp"].notna().all() and frame["content"].iloc[-1] == _messages(60)[-1]
    few = [f"<b> {m}" if i % 4 == 0 else m for i, m in enumerate(_messages(60))]
    assert parse_lines(_headed(lambda i, t: f"{t:%Y-%m-%d %H:%M:%S} web[1]:", few))["content"].tolist() == few


def test_an_opening_tag_the_message_closes_stays_in_the_message():
    # Words in angle brackets opening most messages are header fields (an event id, a level), but not an element's
    # opening tag that the message closes later ("<order> id=7 </order>", XML written with spaces between its tags,
    # as payload loggers of any program do): taken for a field, it left the message a closing tag without its opening.
    messages = [f"<{['order', 'invoice'][i % 2]}> <id>{i}</id> </{['order', 'invoice'][i % 2]}>" for i in range(60)]
    frame = parse_lines(_headed(lambda i, t: f"{t:%Y-%m-%d %H:%M:%S} INFO", messages))
    assert frame["content"].tolist() == messages and frame["timestamp"].notna().all()


def test_the_time_layouts_compile_when_first_used():
    # Compiling the layouts' tables (each layout as found, glued, over joined lines, in brackets, at a line's end, as
    # a whole value, and all of them in one) took 0.4 s of a 50-line file's parse, which tries a few. Any table of
    # patterns: each is compiled when first asked for, and then behaves as re's own.
    from logad_utils import layout
    from logad_utils.regexes import LazyRegex

    regex = LazyRegex(r"(\d+)-(?P<b>x)", re.IGNORECASE)
    assert regex.pattern == r"(\d+)-(?P<b>x)" and regex._compiled is None
    compiled = re.compile(regex.pattern, re.IGNORECASE)
    assert regex.search("a 12-X").span() == compiled.search("a 12-X").span()
    assert (regex.flags, regex.groups, regex.groupindex) == (compiled.flags, compiled.groups, compiled.groupindex)
    assert regex.match("12-x b").group("b") == "x" and regex.fullmatch("1-x ") is None
    tables = [layout._LAYOUT_RES, layout._GLUED_RES, layout._JOINED_RES, layout._WHOLE_RES,
              [r for _, r in layout._FAR_RES], [r for _, r in layout._END_RES], [layout._ANY_TIME, layout._VALUE_RE]]
    assert all(isinstance(r, LazyRegex) for table in tables for r in table)
    assert layout._JOINED_RES[0].flags & re.MULTILINE and not layout._GLUED_RES[0].flags & re.MULTILINE


def test_one_date_ending_every_line_is_the_messages_not_a_clock():
    # A header-less log whose lines all end with one date ("... valid until 2035-01-13 06:41:42"): the date keeps a
    # clock's order only in not going back, and was read as every line's time; a log's clock moves.
    messages = [f"certificate {i} for host{i % 7} valid until 2035-01-13 06:41:42" for i in range(60)]
    frame = parse_lines(messages)
    assert frame["content"].tolist() == messages and "timestamp" not in frame


def test_a_logger_named_with_spaces_on_some_lines_before_a_dash_stays_in_the_header():
    # A general shape: "time | LEVEL | <name> - message" where the name is a dotted module on some lines and words
    # with spaces on others ("Flow run 'amber-fox'", as loguru-style and Python "%(name)s - " headers write a run's
    # name). The dash was looked for at one place: the lines of the other word count kept the name in their message.
    # As in a flow runner's log, most lines name a run (at one place, as a header's element is), the others a module.
    names = ("app.flow_runs.worker", "Flow run 'amber-fox'", "Task run 'load-7'", "Flow run 'grey-owl'",
             "Task run 'sort-2'", "Flow run 'red-elk'")
    messages = _messages(60)
    lines = _headed(lambda i, t: f"{t:%H:%M:%S}.{i:03d} | {LEVELS[i % 4]:<8}| {names[i % 6]} -", messages)
    frame = parse_lines(lines)
    assert frame["parsed"].all() and frame["content"].tolist() == messages
    assert frame["component"].tolist()[:6] == list(names)


def test_a_messages_own_dash_after_words_of_any_count_makes_no_header():
    # A general shape: messages that write "subject - detail" after the level, the subject of any word count
    # ("Cache miss for key - fetching", "Job done - 7 items"): the dash sits at no one place on most lines, so the
    # subject's words are the message's, not a logger's name joined into the header.
    subjects = ("Request handled", "Cache miss for key", "Slow query detected", "Job done", "Backup of volume finished")
    messages = [f"{subjects[i % 5]} - {i} items" for i in range(60)]
    frame = parse_lines(_headed(lambda i, t: f"{t:%H:%M:%S}.{i:03d} | {LEVELS[i % 4]:<8}|", messages))
    assert frame["parsed"].all() and frame["content"].tolist() == messages and "component" not in frame
