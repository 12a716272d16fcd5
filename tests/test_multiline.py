"""Multi-line events: stack traces join the event they follow, one row per physical line is kept."""
import json

import numpy as np
import pandas as pd
import pytest
from conftest import write_trace_log
from hypothesis import example, given, settings
from hypothesis import strategies as st

from logad_utils.detectors import TfidfDetector
from logad_utils.io import iter_log_chunks, parse_lines, read_logs
from logad_utils.multiline import (_FRAME_WORDS, Multiline, _holding_frame_words, _holding_in_arrow,
                                   _holding_in_joined, arrow_messages, empty_messages, record_times)
from logad_utils.pipeline import parse_logs
from logad_utils.rca import analyze, find_incidents


def _head(i: int, level: str = "INFO", message: str = "request served id={i}") -> str:
    return f"2024-03-05 14:{i // 60:02d}:{i % 60:02d},000 {level} [main] com.acme.Api: " + message.format(i=i)


JAVA = ["java.lang.IllegalStateException: pool exhausted",
        "\tat com.acme.Pool.take(Pool.java:88)",
        "\tat com.acme.Api.handle(Api.java:12)",
        "Caused by: java.util.concurrent.TimeoutException: waited 30s",
        "\tat com.acme.Pool.wait(Pool.java:40)",
        "\t... 2 more",
        "Caused by: java.net.SocketException: reset",
        "\tat java.net.Socket.read(Socket.java:1)",
        "\t... 4 more"]
PYTHON = ["Traceback (most recent call last):",
          '  File "/srv/app/main.py", line 10, in handle',
          "    reply = backend.call()",
          '  File "/srv/app/backend.py", line 3, in call',
          '    raise ValueError("bad reply")',
          "ValueError: bad reply"]


def _write(tmp_path, lines):
    path = tmp_path / "app.log"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _log(trace, at=(5,), n=12):
    lines = []
    for i in range(n):
        if i in at:
            lines += [_head(i, "ERROR", "request failed id={i}")] + trace
        else:
            lines.append(_head(i))
    return lines


@pytest.mark.parametrize("trace", [JAVA, PYTHON], ids=["java", "python"])
def test_trace_lines_join_their_event(tmp_path, trace):
    lines = _log(trace)
    frame = read_logs(_write(tmp_path, lines), warn=False)
    assert frame["raw"].tolist() == lines and frame["line_no"].tolist() == list(range(1, len(lines) + 1))
    head = 6
    inside = frame["line_no"].between(head, head + len(trace))
    assert (frame.loc[inside, "event_line_no"] == head).all()
    assert (frame.loc[~inside, "event_line_no"] == frame.loc[~inside, "line_no"]).all()
    event = frame[inside]
    assert event["timestamp"].nunique() == 1 and event["timestamp"].notna().all()
    assert set(event["level"]) == {"ERROR"} and set(event["component"]) == {"com.acme.Api"}
    assert event["content"].tolist()[1:] == trace  # each line keeps its own text
    report = frame.attrs["read_report"]
    assert report["continuation"] == len(trace) and report["unparsed"] == 0


def test_event_text_holds_exception_type_and_top_frame(tmp_path):
    frame = parse_logs(_write(tmp_path, _log(JAVA) + _log(PYTHON, at=(3,))), warn=False)
    java = frame.loc[frame["event_line_no"] == 6, "event"].iloc[0]
    assert java == "request failed id=5 java.lang.IllegalStateException at com.acme.Pool.take(Pool.java:88)"
    python = frame.loc[frame["raw"] == PYTHON[0], "event"].iloc[0]
    assert python == 'request failed id=3 ValueError File "/srv/app/backend.py", line 3, in call'
    # One template per event, on every row of it.
    rows = frame[frame["event_line_no"] == 6]
    assert rows["template_id"].nunique() == 1 and rows["template_id"].iloc[0] >= 0


def test_scores_are_per_event_and_incidents_count_events(tmp_path):
    frame = parse_logs(_write(tmp_path, _log(JAVA, at=(5, 40), n=80)), warn=False)
    scores = TfidfDetector().fit(frame).decision_scores_
    for head in frame.loc[frame["event_line_no"] != frame["line_no"], "event_line_no"].unique():
        assert np.ptp(scores[frame["event_line_no"].to_numpy() == head]) == 0
    frame["is_anomaly"] = (frame["event_line_no"] != frame["line_no"]) | frame["level"].eq("ERROR")
    # Two errors in 80 s are no burst above the file's own flag rate; keep them to count events.
    incidents = find_incidents(frame, max_gap="10s", burst_alpha=None)
    flagged = frame["is_anomaly"].to_numpy()
    assert (incidents[flagged] >= 0).all()
    # Each trace is one event: its incident holds one anomalous event, not ten lines.
    heads = flagged & (frame["event_line_no"] == frame["line_no"]).to_numpy()
    assert incidents[heads].value_counts().max() == 1
    frame["score"] = scores
    assert [incident.n_lines for incident in analyze(frame, max_gap="10s", burst_alpha=None)] == [1, 1]


def test_incident_evidence_counts_the_events_of_a_template_elsewhere(tmp_path):
    # Three failures with the same trace: an incident of one says "2 elsewhere", not the other two traces' lines.
    frame = parse_logs(_write(tmp_path, _log(JAVA, at=(5, 40, 70), n=90)), warn=False)
    frame["score"] = TfidfDetector().fit(frame).decision_scores_
    frame["is_anomaly"] = frame["line_no"].between(6, 6 + len(JAVA))
    [incident] = analyze(frame, max_gap="10s", burst_alpha=None)
    assert "×1, 2 elsewhere" in incident.evidence


def test_each_event_weighs_one_line_however_long_its_trace(tmp_path):
    # 8 failures with 10-line traces among 1,000 requests: 8 % of the lines, under 1 % of the events.
    frame = parse_logs(write_trace_log(tmp_path / "app.log"), warn=False)
    detector = TfidfDetector().fit(frame)
    assert detector.unique_.counts.sum() == 1000
    errors = frame["event_line_no"].isin(frame.loc[frame["level"].eq("ERROR"), "line_no"]).to_numpy()
    assert errors.sum() == 88 and detector.labels_.tolist() == errors.astype(int).tolist()
    # A frame that starts within an event counts that event from its first row there.
    inside = frame.loc[frame["event_line_no"] != frame["line_no"]].iloc[:9]
    assert TfidfDetector().fit(inside).unique_.counts.sum() == 1
    # In any row order.
    assert TfidfDetector().fit(frame.sample(frac=1, random_state=0)).unique_.counts.sum() == 1000


def test_trace_at_end_of_file_and_across_chunks(tmp_path):
    lines = [_head(i) for i in range(5)] + [_head(5, "ERROR", "boom")] + JAVA
    path = _write(tmp_path, lines)
    for chunk_lines in (3, 7, 200_000):
        chunks = list(iter_log_chunks(path, chunk_lines=chunk_lines))
        frame = pd.concat(chunks, ignore_index=True)
        assert frame["line_no"].tolist() == list(range(1, len(lines) + 1))
        assert (frame["event_line_no"].iloc[5:] == 6).all()
        # The chunk holding the event's first line holds the whole event.
        assert sum((c["event_line_no"] == 6).any() for c in chunks) == 1


def test_log_without_continuations_is_unchanged(tmp_path):
    lines = [_head(i, ["INFO", "WARN"][i % 2]) for i in range(30)]
    frame = read_logs(_write(tmp_path, lines), warn=False)
    assert (frame["event_line_no"] == frame["line_no"]).all() and frame["event"].isna().all()
    assert frame["parsed"].all() and frame.attrs["read_report"]["continuation"] == 0
    mined = parse_logs(_write(tmp_path, lines), warn=False)
    assert mined["masked"].tolist() == ["request served id=<NUM>"] * 30


def test_raw_log_joins_frames_and_indented_lines_only(tmp_path):
    lines = ["starting worker", "worker crashed"] + PYTHON + ["restarting worker", "  with backoff 3s", "done"]
    frame = read_logs(_write(tmp_path, lines), warn=False)
    assert frame.attrs["read_report"]["formats"][str(tmp_path / "app.log")] == "raw"
    assert frame["event_line_no"].tolist() == [1, 2] + [2] * len(PYTHON) + [9, 9, 11]


def test_foreign_line_with_its_own_timestamp_stays_an_event(tmp_path):
    lines = [_head(i) for i in range(10)]
    lines.insert(4, "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure")
    frame = read_logs(_write(tmp_path, lines), warn=False)
    assert (frame["event_line_no"] == frame["line_no"]).all()


def test_plain_continuation_is_part_of_the_event_text_and_a_blank_line_ends_no_event(tmp_path):
    lines = [_head(0), "SELECT * FROM orders", "WHERE id = 7", _head(1), "", "second paragraph", _head(2), ""]
    frame = read_logs(_write(tmp_path, lines + [_head(i) for i in range(3, 8)]), warn=False)
    assert frame["event_line_no"].tolist()[:9] == [1, 1, 1, 4, 5, 4, 7, 8, 9]
    assert frame["event"].iloc[0] == "request served id=0 SELECT * FROM orders WHERE id = 7"
    assert frame["event"].iloc[5] == "request served id=1 second paragraph"


GO_PANIC = ["panic: runtime error: index out of range [5] with length 3", "",
            "goroutine 1 [running]:", "main.lookup(...)", "\t/app/main.go:17 +0x25", "main.main()",
            "\t/app/main.go:9 +0x1d", "exit status 2"]
PY_CHAINED = PYTHON + ["", "During handling of the above exception, another exception occurred:", ""] + PYTHON


@pytest.mark.parametrize("trace", [GO_PANIC, PY_CHAINED], ids=["go", "python-chained"])
@pytest.mark.parametrize("chunk_lines", [4, 7, 200_000])
def test_a_trace_with_blank_lines_is_one_event(tmp_path, trace, chunk_lines):
    frame = pd.concat(list(iter_log_chunks(_write(tmp_path, _log(trace)), chunk_lines=chunk_lines)),
                      ignore_index=True)
    event = frame.iloc[5:6 + len(trace)]
    assert (event["event_line_no"] == np.where(event["blank"], event["line_no"], 6)).all()
    lines = event[~event["blank"]]
    assert lines["timestamp"].notna().all() and (lines["level"] == "ERROR").all()
    assert frame["event_line_no"].iloc[6 + len(trace)] == 7 + len(trace)


@pytest.mark.parametrize("chunk_lines", [2, 3, 5, 200_000])
def test_a_go_panic_on_headerless_console_output_is_one_event(tmp_path, chunk_lines):
    panic = ["panic: runtime error: invalid memory address or nil pointer dereference [recovered]",
             "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a2b3c]", "",
             "goroutine 7 [running]:", "net/http.(*conn).serve(0xc0001a2000, {0x7a1b30, 0xc000210000})",
             "\t/usr/local/go/src/net/http/server.go:2009 +0x5f4", "panic({0x4f3a60?, 0x55c2d0?})",
             "\t/usr/local/go/src/runtime/panic.go:914 +0x21f",
             "example.com/app/pkg.Map[...]({0xc000010000, 0x3, 0x3}, 0x4b7d28)", "\t/app/pkg/map.go:12 +0x91",
             "main.process(0xc000012345, 0x3, 0x3, 0x5, 0x1, 0x2, 0x3, 0x4, 0x5, 0x6, ...)",
             "\t/app/main.go:12 +0x1d", "main.(*T).Run-fm()", "\t/app/main.go:30 +0x11",
             "created by net/http.(*Server).Serve in goroutine 1", "\t/usr/local/go/src/net/http/server.go:3086 +0x5cb"]
    lines = ["starting server on :8080", "handling request /api/x"] + panic + ["starting server on :8080"]
    frame = pd.concat(list(iter_log_chunks(_write(tmp_path, lines), chunk_lines=chunk_lines)), ignore_index=True)
    expected = [1, 2] + [3] * len(panic) + [3 + len(panic)]
    expected[4] = 5  # the blank line is a row of its own
    assert frame["event_line_no"].tolist() == expected
    assert frame["event"].iloc[2] == panic[0] + " net/http.(*conn).serve(0xc0001a2000, {0x7a1b30, 0xc000210000})"


def test_lines_that_only_look_like_go_frames_stay_events_of_their_own(tmp_path):
    lines = ["Booting application", "app.start()", "Loading plugins", "plugins.load()",
             "created by admin on first run", "[signal handler] SIGTERM received", "server.shutdown()"]
    frame = read_logs(_write(tmp_path, lines), warn=False)
    assert frame["event_line_no"].tolist() == list(range(1, 8))


@pytest.mark.parametrize("trace", [JAVA, PYTHON], ids=["java", "python"])
def test_continuation_lines_that_open_a_file_are_one_event(tmp_path, trace):
    frame = read_logs(_write(tmp_path, trace + [_head(i) for i in range(10)]), warn=False)
    assert frame["event_line_no"].tolist() == [1] * len(trace) + list(range(len(trace) + 1, len(trace) + 11))
    # A plain first line and its indented list: the line is the event's message, once.
    frame = read_logs(_write(tmp_path, ["Font directories:", "\t/usr/share/fonts", "\t/usr/local/share/fonts"]
                             + [_head(i) for i in range(10)]), warn=False)
    assert frame["event_line_no"].tolist()[:4] == [1, 1, 1, 4] and frame["event"].iloc[0] == "Font directories:"


def test_a_clock_inside_a_sentence_does_not_start_an_event(tmp_path):
    records = [(f"2024-03-05 14:07:{s:02d} INFO job {s} report:",) + (("Backup finished at 3:04PM today",)
                                                                       if s % 10 == 0 else ()) for s in range(20)]
    frame = read_logs(_write(tmp_path, [row for record in records for row in record]), warn=False)
    assert frame["event_line_no"].tolist()[:2] == [1, 1]


def test_dotnet_console_records_join_their_indented_message(tmp_path):
    # "level: category[event id]" then the message indented on the next line: half the lines are indented.
    # Some messages take two indented lines, so more than half the lines are indented.
    records = [("warn: Api.Users[12]" if i % 3 == 0 else "info: Microsoft.Hosting.Lifetime[0]",
                f"      Request {i} handled in {i * 3} ms") + (("      retried once",) if i % 4 == 0 else ())
               for i in range(30)]
    frame = read_logs(_write(tmp_path, [row for record in records for row in record]), warn=False)
    starts = np.cumsum([0] + [len(r) for r in records[:-1]]) + 1
    assert frame["event_line_no"].tolist() == [s for s, r in zip(starts, records) for _ in r]


def test_a_head_with_no_message_of_its_own_is_told_by_its_indented_line(tmp_path):
    # .NET's multi-line console: the category and event id, then the message indented below it. Events of one
    # category with different messages are different events; at most a bare name was all their text.
    said = ["Request {i} handled in {j} ms", "Order {i} shipped to depot {j}", "Cache miss for key {i}"]
    records = [("info: Microsoft.Hosting.Lifetime[0]", "      " + said[i % 3].format(i=i, j=3 * i)) for i in range(30)]
    frame = parse_logs(str(_write(tmp_path, [row for record in records for row in record])), warn=False)
    assert frame["event_line_no"].tolist() == [2 * (i // 2) + 1 for i in range(60)]
    assert frame["template_id"].nunique() == 3
    assert frame["event"].iloc[2].endswith("Order 1 shipped to depot 3")


def test_a_one_word_head_over_a_python_trace_is_not_told_by_a_frame_source_line(tmp_path):
    # logger.exception("Failed"): a one-word message over its trace. The outer frame's source line ("retry(job)")
    # was read as the message, so one error raised through two callers was two templates.
    lines = []
    for i in range(20):
        lines += [f"2024-03-11 12:00:{i:02d},123 ERROR worker: Failed", "Traceback (most recent call last):",
                  '  File "/app/worker.py", line 40, in run', f"    {['handle(request)', 'retry(job)'][i % 2]}",
                  '  File "/app/db.py", line 12, in query', "    raise TimeoutError('db')", "TimeoutError: db",
                  f"2024-03-11 12:00:{i:02d},500 INFO worker: job {i} done"]
    frame = parse_logs(str(_write(tmp_path, lines)), warn=False)
    heads = frame[frame["line_no"] == frame["event_line_no"]]
    assert heads["template"].nunique() == 2
    assert frame["event"].iloc[0] == 'Failed TimeoutError File "/app/db.py", line 12, in query'


@pytest.mark.parametrize("head, follow", [
    ("Mar  5 14:07:{s:02d} web01 app[812]: query {s} failed:", "The server closed the connection"),
    ("I0305 14:07:{s:02d}.123456    4242 server.go:87] request {s} failed:", "I/O error on /dev/sda"),
    ("ERROR 2024-03-05 14:07:{s:02d} [main] request {s} failed", "Error: connection refused"),
])
def test_a_sentence_that_starts_like_a_header_word_still_continues(tmp_path, head, follow):
    records = [(head.format(s=s),) + ((follow,) if s % 10 == 0 else ()) for s in range(20)]
    frame = read_logs(_write(tmp_path, [row for record in records for row in record]), warn=False)
    starts = np.cumsum([0] + [len(r) for r in records[:-1]]) + 1
    assert frame["event_line_no"].tolist() == [s for s, r in zip(starts, records) for _ in r]


def test_a_line_that_starts_like_the_header_is_its_own_event(tmp_path):
    # npm's debug log: "N level message"; a level the header does not know still starts a numbered record.
    levels = ["notice"] * 7 + ["verbose", "info", "silly"]
    lines = [f"{i} {levels[i % 10]} step {i} done" for i in range(60)]
    frame = read_logs(_write(tmp_path, lines), warn=False)
    assert frame["event_line_no"].tolist() == list(range(1, 61))


def test_a_level_on_the_line_under_the_header_is_the_events_level(tmp_path):
    # java.util.logging's default: "date time class method", then "LEVEL: message" (and a trace, if any).
    levels = ["INFO", "WARNING", "SEVERE", "CONFIG"]
    records = [(f"Mar 05, 2024 2:{i:02d}:09 PM com.acme.Pool take", f"{levels[i % 4]}: pool {i} has {i * 2} free")
               + (tuple(JAVA[:3]) if i == 6 else ()) for i in range(12)]
    path = _write(tmp_path, [row for record in records for row in record])
    frame = parse_logs(path)
    assert frame["level"].tolist() == [levels[i % 4] for i, record in enumerate(records) for _ in record]
    events = frame.drop_duplicates("event_line_no")
    assert events["event"].iloc[1] == "take pool 1 has 2 free"
    assert events["template"].nunique() == 2  # the level is no part of the text; the trace's event has its own
    # No level line under most headers: no level column is made up.
    plain = _write(tmp_path, [r[0] for r in records[:6]] + ["INFO: pool 6 has 12 free"] + [r[0] for r in records[7:]])
    assert "level" not in parse_logs(plain)


def test_lines_that_never_match_the_header_stay_apart(tmp_path):
    # A format that fits no line (given by hand, or JSON lines expected): no event before them to continue.
    lines = [f"user {i} logged in" for i in range(6)] + JAVA[1:3]
    for fmt in ("<Date> <Time> <Level> <Content>", "jsonl"):
        frame = read_logs(_write(tmp_path, lines), fmt, warn=False)
        assert frame["event_line_no"].tolist() == [1, 2, 3, 4, 5, 6, 6, 6]


def test_a_header_on_fewer_than_half_the_lines_is_still_read(tmp_path):
    # Most lines are something else (a query, a dump): the lines that start with a timestamp show the layout.
    query = ["SELECT o.id, o.total", "FROM orders o", "JOIN users u ON u.id = o.user_id", "ORDER BY o.id;"]
    records = [(_head(i),) + (tuple(query) if i % 2 else ()) for i in range(10)]
    frame = read_logs(_write(tmp_path, [row for record in records for row in record]), warn=False)
    heads = frame["raw"].str.startswith("2024-")
    assert frame.loc[heads, "timestamp"].notna().all() and (frame.loc[heads, "level"] == "INFO").all()
    # The other lines stay events of their own: joined, all but a few would drop out of the event's text.
    assert (frame["event_line_no"] == frame["line_no"]).all() and frame.loc[~heads, "content"].tolist()[:4] == query
    # A log of plain lines with a timestamped tick now and then: a FATAL among them is no part of a tick's event.
    lines = [f"worker {i} processed item {i}" if i % 7 else _head(i) for i in range(46)]
    lines[31] = "FATAL: disk /dev/sda failed"
    frame = read_logs(_write(tmp_path, lines), warn=False)
    assert frame.loc[31, "event_line_no"] == 32 and "FATAL" not in str(frame.loc[30, "event"])
    # Prose with a date on a few lines stays raw text.
    prose = [f"paragraph {i} of the notes, nothing to parse here" for i in range(40)] + [_head(1), _head(2)]
    assert read_logs(_write(tmp_path, prose), warn=False)["event_line_no"].tolist() == list(range(1, 43))


def test_a_broken_json_record_is_an_event_of_its_own_and_a_traceback_still_joins():
    import json

    rows = [json.dumps({"time": f"2026-01-01T10:00:0{i}Z", "level": "info", "msg": f"request {i} done"})
            for i in range(8)]
    rows[3:3] = ['{"time": "2026-01-01T10:00:03Z", "level": "err', "[1, 2, 3]"]  # cut off by a crash; an array
    rows[7:7] = ["Traceback (most recent call last):", '  File "app.py", line 3, in <module>', "ValueError: x"]
    frame = parse_lines(rows)
    assert frame["event_line_no"].tolist() == [1, 2, 3, 4, 5, 6, 7, 7, 7, 7, 11, 12, 13]
    assert frame["parsed"].tolist() == [True] * 3 + [False, False] + [True] * 8


def _cri(i: int, stream: str, message: str) -> str:
    return f"2026-12-01T10:00:{i:02d}.000000000Z {stream} F {message}"


def test_a_trace_written_line_by_line_under_a_runtime_header_is_one_event():
    # A container runtime writes each line of a program's trace under a header of its own: in JSON (docker's
    # json-file) or as text (CRI), where the header's spaces would take the frames' indentation.
    import json

    trace = ["Traceback (most recent call last):", '  File "app.py", line 3, in <module>', "    main()",
             "ValueError: bad input"]
    texts = [_cri(i, "stdout", f"request {i} done") for i in range(6)]
    texts[3:3] = [_cri(3, "stderr", line) for line in ["task 3 failed", *trace]]
    docker = [json.dumps({"log": f"request {i} done\n", "stream": "stdout", "time": f"2026-12-01T10:00:0{i}Z"})
              for i in range(6)]
    docker[3:3] = [json.dumps({"log": line + "\n", "stream": "stderr", "time": "2026-12-01T10:00:03Z"})
                   for line in ["Error: connect ECONNREFUSED", "    at TCPConnectWrap.afterConnect (node:net:1555:16)",
                                "    at Pool._acquireClient (/app/pool.js:286:12)"]]
    for lines, size in ((texts, 5), (docker, 3)):
        frame = parse_lines(lines)
        assert frame["parsed"].all() and frame["event_line_no"].tolist() == [1, 2, 3, *[4] * size,
                                                                             *range(4 + size, len(lines) + 1)]
    assert "ValueError" in parse_lines(texts)["event"].iloc[4] and "File" in parse_lines(texts)["event"].iloc[4]


def test_a_trace_among_other_services_lines_is_one_event_of_its_service():
    # docker compose logs (-t or not): a Java trace of web-1, each line after the service's name, with the lines of
    # other services between its lines.
    stamp = "2024-03-11T09:14:{i:02d}.123456789Z "
    for runtime in ("", stamp):
        lines = []
        for i in range(30):
            lines.append(f"api-1  | {runtime}2024/03/11 09:14:{i:02d} GET /items/{i} 200".format(i=i))
            lines.append(f"web-1  | {runtime}2024-03-11 09:14:{i:02d},331 INFO [main] c.e.Api: served {i}".format(i=i))
        trace = [f"web-1  | {runtime}2024-03-11 09:14:40,331 ERROR [main] c.e.Api: order failed"] + \
            [f"web-1  | {runtime}{line}" for line in JAVA]
        for k, line in enumerate(trace):
            lines += [line.format(i=40), f"api-1  | {runtime}2024/03/11 09:14:40 GET /items/{k} 200".format(i=40)]
        frame = parse_lines(lines)
        web = frame[frame["component"] == "web-1"].iloc[30:]
        assert (web["event_line_no"] == web["line_no"].iloc[0]).all(), runtime
        assert web["event"].nunique() == 1 and "IllegalStateException" in web["event"].iloc[0]
        assert (web["level"] == "ERROR").all()
        api = frame[frame["component"] == "api-1"]
        assert (api["event_line_no"] == api["line_no"]).all() and api["event"].isna().all()


def test_a_blank_line_of_a_trace_in_lokis_records_is_blank():
    # logcli query --output=jsonl: each line a container wrote is a record under "line", a trace's blank line an
    # empty one; it is a blank line, as under Docker's "log", not an event of the labels, and the trace goes on.
    labels = {"app": "web", "pod": "web-7d9f8-abcde"}
    texts = [f"served order {i} for user {i * 7} in {i % 9} ms" for i in range(30)] + GO_PANIC
    lines = [json.dumps({"labels": labels, "line": text, "timestamp": f"2024-03-11T09:14:{min(i, 30):02d}Z"})
             for i, text in enumerate(texts)]
    frame = parse_lines(lines)
    assert frame["event_line_no"].iloc[30:].tolist() == [31, 32, 31, 31, 31, 31, 31, 38]
    assert frame["blank"].iloc[31] and frame["labels.pod"].iloc[0] == "web-7d9f8-abcde"


def test_lines_after_a_containers_name_in_brackets_are_its_writers():
    # kubectl logs --prefix (and kubetail): each line after "[pod/NAME/CONTAINER]", no time of the runtime's; one
    # container's own lines carry a bracketed time. A Go panic of one pod, each line after its name, is one event.
    pods = ("[pod/web-7d9f8-abcde/app]", "[pod/web-7d9f8-abcde/istio-proxy]", "[pod/api-5c6b7-qwert/api]")
    lines = []
    for i in range(40):
        lines.append(f"{pods[0]} GET /items/{i} 200 {i}ms")
        lines.append(f'{pods[1]} [2024-03-11T09:14:{i:02d}.123Z] "GET /items/{i} HTTP/1.1" 200 - via_upstream')
        lines.append(f"{pods[2]} handled request id={i} status=200")
    lines += [f"{pods[0]} {line}" for line in GO_PANIC]
    frame = parse_lines(lines)
    assert frame["component"].tolist() == [pods[i % 3][1:-1] for i in range(120)] + [pods[0][1:-1]] * len(GO_PANIC)
    # As unprefixed: the blank line is its own, "exit status 2" the shell's.
    assert frame["event_line_no"].iloc[120:].tolist() == [121, 122, 121, 121, 121, 121, 121, 128]
    assert (frame["event_line_no"].iloc[:120] == frame["line_no"].iloc[:120]).all()
    assert frame["timestamp"].iloc[1::3].iloc[:40].notna().all()
    assert frame["content"].iloc[0] == "GET /items/0 200 0ms"


@pytest.mark.parametrize("chunk_lines", [5, 64, 66])
def test_a_trace_among_other_services_lines_stays_one_event_across_a_chunk_edge(tmp_path, chunk_lines):
    # docker compose logs: web-1's trace, api-1's lines between its lines, read in chunks that end inside it: the
    # chunk before carries every line up to the trace's last, as the whole file read at once groups them.
    lines = [line for i in range(30) for line in (f"api-1  | 2024/03/11 09:14:{i:02d} GET /items/{i} 200",
                                                  f"web-1  | 2024-03-11 09:14:{i:02d},331 INFO [main] c.e.Api: ok")]
    trace = ["web-1  | 2024-03-11 09:14:40,331 ERROR [main] c.e.Api: order failed"] + [f"web-1  | {t}" for t in JAVA]
    for k, line in enumerate(trace):
        lines += [line, f"api-1  | 2024/03/11 09:14:40 GET /items/{k} 200"]
    frame = pd.concat(list(iter_log_chunks(_write(tmp_path, lines), chunk_lines=chunk_lines)), ignore_index=True)
    whole = parse_lines(lines)
    assert frame["event_line_no"].tolist() == whole["event_line_no"].tolist()
    web = frame[frame["component"] == "web-1"].iloc[30:]
    assert (web["event_line_no"] == 61).all() and (web["level"] == "ERROR").all()


@pytest.mark.parametrize("chunk_lines", [2, 200_000])
def test_a_crash_under_a_runtime_header_is_no_part_of_another_write(tmp_path, chunk_lines):
    # A crash's traceback on stderr under the request line logged on stdout ten minutes before it is an event of
    # its own, at its own time; the message logged with a trace in the same second keeps it, as does a syslog
    # line's trace under the same process, not another's.
    trace = ["Traceback (most recent call last):", '  File "app.py", line 3, in <module>', "ZeroDivisionError: x"]
    late = [_cri(1, "stdout", "GET /items 200")] + [_cri(1, "stderr", t).replace("10:00:", "10:10:") for t in trace]
    logged = [_cri(3, "stderr", "ERROR:app:job failed")] + [_cri(3, "stderr", t) for t in trace]
    lines = [_cri(0, "stdout", "request 0 ok"), *late, *logged]
    frame = pd.concat(list(iter_log_chunks(_write(tmp_path, lines), chunk_lines=chunk_lines)), ignore_index=True)
    assert frame["event_line_no"].tolist() == [1, 2, 3, 3, 3, 6, 6, 6, 6]
    assert frame["timestamp"][2] == pd.Timestamp("2026-12-01 10:10:01")
    syslog = [f"Dec  1 10:00:0{i} web app[{pid}]: {t}" for i, (pid, t) in enumerate(
        [(7, "request ok"), (9, "job failed"), *((9, t) for t in trace), (7, "Traceback (most recent call last):"),
         (7, '  File "b.py", line 1, in <module>')])]
    assert parse_lines(syslog)["event_line_no"].tolist() == [1, 2, 2, 2, 2, 6, 6]


def test_a_java_exception_line_above_its_frames_under_a_runtime_header_joins_the_message_logged_with_it():
    # The app's own header (with its level) inside the runtime's: the exception's first line matches the runtime
    # header as every line does, yet it belongs to the ERROR line above it, as the frames below it do.
    app = [f"2026-12-01 10:00:0{i},000 INFO  [main] Api - request {i} done" for i in range(4)]
    app[2:2] = ["2026-12-01 10:00:02,000 ERROR [main] Api - request failed", "java.lang.IllegalStateException: boom",
                "\tat com.acme.Api.run(Api.java:12)", "Caused by: java.io.IOException: disk full",
                "\tat com.acme.Disk.write(Disk.java:3)"]
    frame = parse_lines([_cri(i, "stdout", line) for i, line in enumerate(app)])
    assert frame["event_line_no"].tolist() == [1, 2, 3, 3, 3, 3, 3, 8, 9]
    assert frame["level"].tolist()[2:7] == ["ERROR"] * 5


def test_an_exception_line_with_a_level_of_its_own_after_a_trace_is_a_new_event():
    lines = [f"2026-12-01 10:00:0{i} INFO request {i} done" for i in range(6)]
    lines[3:3] = ["2026-12-01 10:00:03 ERROR failed", "    at com.acme.Api.run(Api.java:12)",
                  "2026-12-01 10:00:03 WARN IllegalStateException: retrying"]
    frame = parse_lines(lines)
    assert frame["event_line_no"].tolist() == [1, 2, 3, 4, 4, 6, 7, 8, 9]


def test_a_trace_under_a_key_of_its_own_is_part_of_the_event_text(tmp_path):
    import json

    trace = ("java.lang.IllegalStateException: pool exhausted\n\tat com.acme.Pool.take(Pool.java:42)\n"
             "\tat x.Y.z(Y.java:1)")
    lines = [json.dumps({"@timestamp": f"2026-12-01T10:00:0{i}Z", "level": "ERROR", "message": "request failed",
                         **({"stack_trace": trace} if i == 3 else {})}) for i in range(8)]
    lines.append(json.dumps({"@timestamp": "2026-12-01T10:00:09Z", "level": "WARN", "message": "bulk failed",
                             "stacktrace": ["org.acme.CircuitBreakingException: [parent] too large",
                                            "at a.B.c(B.java:3)"]}))
    frame = parse_lines(lines)
    assert frame["event"].iloc[3] == ("request failed java.lang.IllegalStateException "
                                      "at com.acme.Pool.take(Pool.java:42)")
    assert frame["event"].iloc[8] == "bulk failed org.acme.CircuitBreakingException"
    assert frame["event"].iloc[2] is None and frame["content"].iloc[3] == "request failed"
    frame = parse_logs(_write(tmp_path, lines), warn=False)
    assert frame["template"].iloc[3] != frame["template"].iloc[2]


def test_zaps_stacktrace_of_the_logging_call_adds_nothing_to_the_event(tmp_path):
    # zap writes the logging call's stack under "stacktrace" at error level: the same message with and without it
    # is one event, and its function names are no words of the template.
    import json

    stack = ("github.com/acme/store/es.(*Client).Flush.func2\n\tgithub.com/acme/store/es/client.go:142\n"
             "github.com/olivere/elastic.(*bulkWorker).commit\n\tgithub.com/olivere/elastic/bulk.go:588")
    lines = [json.dumps({"level": "error", "ts": 1708434300.5 + i, "msg": "could not process bulk request",
                         "count": i, **({"stacktrace": stack} if i % 2 else {})}) for i in range(8)]
    frame = parse_logs(_write(tmp_path, lines), warn=False)
    assert frame["event"].iloc[1] == "could not process bulk request"
    assert frame["template"].nunique() == 1


def test_a_message_without_the_header_above_a_traceback_starts_its_event(tmp_path):
    # A web app's own stderr among its server's lines: the message Python logs with a traceback, then the trace.
    lines = [f"[2026-12-01 10:11:{i:02d} +0000] [7] [DEBUG] {i} workers" for i in range(6)]
    lines[3:3] = ["Internal Server Error: /api/orders/export/", "Traceback (most recent call last):",
                  '  File "/app/orders/views.py", line 88, in export', "    rows = build_rows(qs)",
                  "ZeroDivisionError: division by zero"]
    frame = read_logs(_write(tmp_path, lines), warn=False)
    assert frame["event_line_no"].tolist() == [1, 2, 3, 4, 4, 4, 4, 4, 9, 10, 11]
    assert frame["event"].iloc[3].startswith("Internal Server Error: /api/orders/export/ ZeroDivisionError")


def _docker(message: str, second: int, stream: str = "stdout", **extra) -> str:
    import json

    return json.dumps({"log": message + "\n", "stream": stream, "time": f"2026-12-01T10:00:{second:02d}Z", **extra})


def test_a_padded_column_is_no_indentation_and_chunks_join_as_the_whole_file_does(tmp_path):
    # A header padding its logger to a column, then a traceback: the lines after it are events of their own.
    lines = [f"2026-12-01 10:00:{i:02d}.123 {['api', 'scheduler', 'db'][i % 3] + ':':<11} request {i} done"
             for i in range(12)]
    lines[6:6] = ["2026-12-01 10:00:05.500 api:        task failed", "Traceback (most recent call last):",
                  '  File "app.py", line 3, in <module>', "ValueError: bad"]
    assert parse_lines(lines)["event_line_no"].tolist()[5:12] == [6, 7, 7, 7, 7, 11, 12]
    # Docker lines (long ones among them) and a message holding a line break: read whole or in chunks of 7.
    pad = {"kubernetes": {"labels": "k" * 1500}}
    logs = [[_docker(f"request {k} done", k, **pad) for k in range(5)] + [
        _docker("Error: boom", 6, "stderr", **pad), _docker("    at f (/app/a.js:1:1)", 6, "stderr", **pad),
        _docker("    at g (/app/a.js:2:2)", 6, "stderr", **pad), _docker("after", 7, **pad)],
        [_docker(f"request {k}", k) for k in range(8)] + [_docker("multi\nline payload", 9),
                                                        _docker("Error: boom", 10, "stderr"),
                                                        _docker("    at f (/app/a.js:1:1)", 10, "stderr"),
                                                        _docker("after", 11)]]
    for lines, joined in zip(logs, ([6, 7, 8], [10, 11])):
        path = _write(tmp_path, lines)
        whole = parse_lines(lines)["event_line_no"].tolist()
        chunked = pd.concat(list(iter_log_chunks(path, chunk_lines=7)))["event_line_no"].tolist()
        assert whole == chunked and [whole[i - 1] for i in joined] == [joined[0]] * len(joined)


def test_python_carets_stay_in_the_trace_and_a_multi_line_message_above_a_traceback_stays_whole():
    # Python 3.11 writes carets under a frame's source line; under CRI's header they are indented messages.
    trace = ["ERROR:app:request failed", "Traceback (most recent call last):", '  File "/app/x.py", line 3, in f',
             "    return 1 / y", "           ~~^~~", '  File "/app/y.py", line 9, in g', "    h()",
             "ZeroDivisionError: division by zero"]
    lines = [_cri(i, "stdout", f"request {i} done") for i in range(4)]
    lines[2:2] = [_cri(2, "stderr", line) for line in trace]
    frame = parse_lines(lines)
    assert frame["event_line_no"].tolist() == [1, 2, *[3] * 8, 11, 12] and "ZeroDivisionError" in frame["event"][2]
    # A message logged over lines with its trace: the line above the traceback is the message's, not an event.
    sql = ["2026-12-01 10:00:03,000 ERROR app: query failed:", "SELECT * FROM t", "WHERE id = 3",
           "Traceback (most recent call last):", '  File "/app/x.py", line 3, in f', "KeyError: 3",
           "2026-12-01 10:00:04,000 INFO app: next"]
    frame = parse_lines([f"2026-12-01 10:00:0{i},000 INFO app: ok {i}" for i in range(3)] + sql)
    assert frame["event_line_no"].tolist() == [1, 2, 3, 4, 4, 4, 4, 4, 4, 10] and "KeyError" in frame["event"][3]


def test_only_a_trace_is_read_under_a_trace_key():
    import json

    lines = [json.dumps({"time": f"2026-12-01T10:00:{i:02d}Z", "msg": "request served",
                         **({"exception": False} if i % 3 == 0 else {"exc_info": "web"} if i % 3 == 1 else {})})
             for i in range(12)]
    assert parse_lines(lines)["event"].isna().all()


def test_an_exception_line_joins_its_trace_wherever_a_chunk_ends(tmp_path):
    # Under syslog's header (no level) an exception line joins the event above only because frames follow it; a
    # chunk ending on it, or its frames past the first look at a chunk, made it an event of its own.
    head = "Jan  1 10:00:{:02d} host app[12]: "
    lines = [head.format(i) + f"request {i} ok" for i in range(30)]
    lines += [head.format(30) + "request failed", head.format(30) + "java.lang.IllegalStateException: boom"]
    lines += [head.format(30) + f"\tat com.x.Foo.m{j}(Foo.java:{j})" for j in range(14)]
    lines += ["", head.format(30) + "java.lang.RuntimeException: wrapped"]
    lines += [head.format(30) + f"\tat com.x.Bar.m{j}(Bar.java:{j})" for j in range(5)]
    lines += [head.format(31 + i) + f"request {31 + i} ok" for i in range(14)]
    path = _write(tmp_path, lines)
    whole = read_logs(path, chunk_lines=10 ** 6, warn=False)["event_line_no"].tolist()
    assert whole[47:53] == [31] * 6  # the second exception line and its frames: the failed request's event
    for chunk_lines in range(1, len(lines) + 1):
        assert read_logs(path, chunk_lines=chunk_lines, warn=False)["event_line_no"].tolist() == whole, chunk_lines


def test_continuation_rows_keep_their_own_stream_but_take_the_event_time_level_and_component():
    # A container runtime wrote the trace to stderr under the ERROR line logged to stdout: the trace is that
    # event's (its time and level), but its lines were written to stderr, and say so.
    app = "2026-12-01 10:00:0{} {} [worker.tasks] task {} done"
    lines = [f"2026-12-01T10:00:0{i}.000000000Z stdout F " + app.format(i, "ERROR" if i == 2 else "INFO", i)
             for i in range(4)]
    lines[3:3] = ["2026-12-01T10:00:02.500000000Z stderr F Traceback (most recent call last):",
                  '2026-12-01T10:00:02.500000000Z stderr F   File "app.py", line 3, in <module>']
    frame = parse_lines(lines)
    assert frame["event_line_no"].tolist() == [1, 2, 3, 3, 3, 6]
    assert frame["stream"].tolist() == ["stdout", "stdout", "stdout", "stderr", "stderr", "stdout"]
    assert frame["level"].iloc[3:5].tolist() == ["ERROR", "ERROR"]
    assert (frame["timestamp"].iloc[3:5] == frame["timestamp"].iloc[2]).all()


@pytest.mark.parametrize("chunk_lines", [3, 5, 200_000])
def test_traces_a_container_runtime_wrapped_line_by_line_stay_whole(tmp_path, chunk_lines):
    # A Go panic and a chained Python traceback, each line of them (blank lines too) under CRI's header: one event
    # each, as the program wrote them.
    panic = ["panic: runtime error: invalid memory address", "[signal SIGSEGV: segmentation violation code=0x1]", "",
             "goroutine 1 [running]:", "main.main()", "\t/app/main.go:12 +0x1d",
             "net/http.(*conn).serve(0xc000123, {0x7f, 0xc0})", "\t/usr/go/net/http/server.go:1995 +0x4f",
             "created by net/http.(*Server).Serve", "\t/usr/go/net/http/server.go:3089 +0x5"]
    chained = ["ERROR:app:job failed", "Traceback (most recent call last):", '  File "/app/x.py", line 3, in f',
               "KeyError: 1", "", "During handling of the above exception, another exception occurred:", "",
               "Traceback (most recent call last):", '  File "/app/y.py", line 9, in run', "RuntimeError: wrapped"]
    lines = [_cri(0, "stdout", "request 0 ok")] + [_cri(1, "stderr", line) for line in panic] \
        + [_cri(2, "stdout", "request 2 ok")] + [_cri(3, "stderr", line) for line in chained] \
        + [_cri(4, "stdout", "request 4 ok")]
    frame = pd.concat(list(iter_log_chunks(_write(tmp_path, lines), chunk_lines=chunk_lines)), ignore_index=True)
    events = frame.loc[~frame["blank"], "event_line_no"].tolist()
    assert events == [1] + [2] * 9 + [12] + [13] * 8 + [23]
    assert frame["blank"].sum() == 3  # the program's own blank lines


@pytest.mark.parametrize("chunk_lines", [2, 200_000])
def test_a_line_the_runtime_split_in_partial_records_is_one_event(tmp_path, chunk_lines):
    # containerd writes a long line as records tagged P, the last one F: one line of the program's.
    long = "payload " + "x" * 20000
    lines = [_cri(0, "stdout", "request 0 ok"), _cri(1, "stdout", long[:16384]).replace(" F ", " P ", 1),
             _cri(1, "stdout", long[16384:]), _cri(2, "stdout", "request 2 ok"), _cri(3, "stdout", "request 3 ok")]
    frame = pd.concat(list(iter_log_chunks(_write(tmp_path, lines), chunk_lines=chunk_lines)), ignore_index=True)
    assert frame["event_line_no"].tolist() == [1, 2, 2, 4, 5] and frame["tag"].tolist() == ["F", "P", "F", "F", "F"]
    assert frame["event"].iloc[1] == long  # the pieces joined as written: no space where the runtime cut


def test_a_continuation_run_longer_than_a_chunk_carries_is_cut_and_said(tmp_path, monkeypatch):
    from logad_utils import io as logad_io

    monkeypatch.setattr(logad_io, "_MAX_CARRY", 20)
    lines = [_head(i) for i in range(25)] + [_head(25, "ERROR", "dump follows")] + [f"    row {j}" for j in range(50)]
    lines += [_head(i) for i in range(76, 80)]
    frame = read_logs(_write(tmp_path, lines), chunk_lines=30, warn=False)
    assert frame.loc[frame["line_no"] == 51, "event_line_no"].item() == 51  # the cut: 30 lines, then 20 carried
    assert frame.loc[frame["line_no"] == 50, "event_line_no"].item() == 26
    [said] = [w for w in frame.attrs["read_report"]["warnings"] if "continuation lines was cut" in w]
    assert "cut at line 51" in said


def _crash(error: str, depth: int, carets: bool = False) -> list[str]:
    frames = []
    for d in range(depth):
        frames += [f'  File "/srv/job/step{d}.py", line {10 + d}, in run{d}', f"    out = step{d + 1}(rows)"]
        frames += ["          ^^^^^^^^^^^^^"] if carets else []
    return ["Traceback (most recent call last):", *frames, error]


@pytest.mark.parametrize("chunk_lines", [3, 5, 200_000])
def test_a_log_of_only_python_tracebacks_is_one_event_per_trace(tmp_path, chunk_lines):
    # A crashing job's stderr: every line is part of a trace, most are indented, and the exception lines that close
    # each trace ("KeyError: ...") are no "<Component>: <Content>" header.
    traces = [_crash("KeyError: 'user_7'", 2), _crash("ValueError: invalid literal for int(): 'x'", 3, carets=True),
              _crash("KeyError: 'user_9'", 1) + ["", "During handling of the above exception, another exception "
                                                 "occurred:", ""] + _crash("RuntimeError: lookup failed", 2),
              [""] + _crash("KeyError: 'user_3'", 2)]
    lines = [line for trace in traces for line in trace]
    firsts = np.cumsum([0] + [len(t) for t in traces[:-1]]) + 1
    firsts[-1] += 1  # the last trace follows a blank line
    expected = np.repeat(firsts, [len(t) for t in traces])
    expected = np.where([not line for line in lines], np.arange(1, len(lines) + 1), expected)  # blank: its own
    path = _write(tmp_path, lines)
    frame = pd.concat(list(iter_log_chunks(path, chunk_lines=chunk_lines)), ignore_index=True)
    blank = frame["blank"].to_numpy()
    assert frame["event_line_no"].tolist() == expected.tolist()
    events = frame.loc[~blank].groupby("event_line_no")["event"].first()
    # A chained exception is named by the one raised last, which Python prints last.
    assert [e.split(" File")[0] for e in events] == ["Traceback (most recent call last): KeyError",
                                                    "Traceback (most recent call last): ValueError",
                                                    "Traceback (most recent call last): RuntimeError",
                                                    "Traceback (most recent call last): KeyError"]
    parsed = parse_logs(path)
    assert parsed.loc[~blank, "template_id"].groupby(frame.loc[~blank, "event_line_no"]).nunique().eq(1).all()


@pytest.mark.parametrize("chunk_lines", [2, 200_000])
def test_postgres_detail_lines_keep_the_level_column(tmp_path, chunk_lines):
    # PostgreSQL writes an error's DETAIL, HINT and STATEMENT each under a header of its own: with a third of the
    # lines so labelled, the level column was lost and LOG:/ERROR: stayed in every template. The labelled lines take
    # the error's level, in one chunk with it however the file is cut.
    lines = []
    for i in range(60):
        stamp = f"2024-03-11 08:{i // 60:02d}:{i % 60:02d}.263 UTC [{1400 + i}]"
        if i % 4 == 0:
            lines += [f'{stamp} ERROR:  duplicate key value violates unique constraint "orders_pkey"',
                      f"{stamp} DETAIL:  Key (id)=({i}) already exists.", f"{stamp} STATEMENT:  INSERT INTO orders"]
        else:
            lines.append(f"{stamp} LOG:  duration: {i}.5 ms  statement: SELECT {i}")
    frame = pd.concat(list(iter_log_chunks(_write(tmp_path, lines), chunk_lines=chunk_lines)), ignore_index=True)
    assert frame["parsed"].all() and frame["level"].tolist()[:4] == ["ERROR", "ERROR", "ERROR", "LOG"]
    assert frame["event_line_no"].tolist()[:4] == [1, 2, 3, 4]
    assert frame["content"].iloc[1] == "Key (id)=(0) already exists."
    # Without the colon such a word is a message's: "QUERY SELECT ..." after an INFO log's header.
    lines = [f"2024-03-01 12:00:{i:02d} {'QUERY SELECT 1' if i % 3 == 0 else 'INFO request done'}" for i in range(60)]
    frame = parse_lines(lines)
    assert frame["content"].iloc[0].endswith("QUERY SELECT 1") and "QUERY" not in set(frame.get("level", []))


def test_a_journal_separator_is_an_event_of_its_own_and_a_crash_keeps_the_time_of_the_line_above(tmp_path):
    # journalctl writes "-- Boot <id> --" without the header: no part of the message above, which kept neither its
    # template nor its text. A runtime's crash written so has no time of its own: it stays with the line above.
    for crash, own in ((["-- Boot 3f1c2a6e8b1f4a5c9e7d6b5a4c3b2a19 --"], True), (["-- Reboot --"], True),
                       (["panic: runtime error: index out of range [5] with length 3", "", "goroutine 1 [running]:",
                         "main.parse(...)", "\t/app/main.go:33"], False)):
        lines = [_head(i) for i in range(6)] + crash + [_head(6)]
        frame = read_logs(_write(tmp_path, lines), warn=False)
        head = 7 if own else 6
        expected = [1, 2, 3, 4, 5, 6] + [head] * len(crash) + [7 + len(crash)]
        expected = [n if line else i + 1 for i, (n, line) in enumerate(zip(expected, lines))]
        assert frame["event_line_no"].tolist() == expected, crash[0]
        assert pd.isna(frame["event"].iloc[5]) == own


def test_a_journal_exports_note_on_its_span_is_no_event_but_a_boot_is(tmp_path):
    # journalctl opens its text with a note on the span it holds: flagged as the top anomaly of each export, and
    # "gone" when two exports were compared. A boot, which the journal writes so too, stays an event.
    for note in ("-- Journal begins at Mon 2024-01-15 08:00:00 UTC, ends at Tue 2024-01-16 20:00:00 UTC. --",
                 "-- Logs begin at Mon 2024-01-22 08:00:00 UTC, end at Tue 2024-01-23 20:00:00 UTC. --",
                 "-- No entries --"):
        lines = [note, "-- Boot 3f1c2a6e8b1f --"] + [_head(i) for i in range(3)]
        frame = read_logs(_write(tmp_path, lines), warn=False)
        assert frame["blank"].tolist() == [True, False, False, False, False], note
        assert frame["raw"].tolist() == lines and frame["line_no"].tolist() == [1, 2, 3, 4, 5]


def test_a_trace_under_a_syslog_priority_is_one_event():
    # The priority's severity is the transport's, stamped on every line: the header gives no level of the
    # program's, so the trace's lines under it join their event as under syslog without a priority.
    trace = ["ERROR request failed", "java.lang.IllegalStateException: boom", "\tat com.acme.Web.handle(Web.java:42)",
             "Caused by: java.io.IOException: disk", "\tat com.acme.Disk.write(Disk.java:3)"]
    lines = [f"<14>Mar  1 10:00:0{i} web app[7]: {t}" for i, t in enumerate(["ok", *trace, "ok"])]
    for prefix in ("", "<14>"):
        frame = parse_lines([line.replace("<14>", prefix) for line in lines])
        assert frame["event_line_no"].tolist() == [1, 2, 2, 2, 2, 2, 7]


def test_a_blank_line_in_docker_json_file_output_is_blank_and_keeps_a_go_panic_whole():
    # {"log": "\n"}: the program's blank line, which a Go panic holds; read as "stream=stderr" it started an event
    # that took the rest of the panic.
    panic = ["panic: assignment to entry in nil map", "", "goroutine 1 [running]:", "main.main()",
             "\t/src/app/main.go:17 +0x85"]
    lines = [_docker(f"GET /api/orders/{i} 200", i) for i in range(3)] + \
        [_docker(line, 3, "stderr") for line in panic] + [_docker("GET /api/orders/4 200", 4)]
    frame = parse_lines(lines)
    assert frame["blank"].tolist() == [False] * 4 + [True] + [False] * 4
    assert frame["event_line_no"].tolist() == [1, 2, 3, 4, 5, 4, 4, 4, 9]  # a blank row is a row of its own
    assert "main.main()" in frame["event"].iloc[3]
    # Another key's line break is no blank line: an empty message, its other keys columns.
    app = [json.dumps({"level": "error", "msg": "\n", "error": "connection refused", "db": "orders"})] * 3
    frame = parse_lines(app)
    assert frame["content"].tolist() == [""] * 3 and not frame["blank"].any() and frame["error"].notna().all()


@pytest.mark.parametrize("chunk_lines", [3, 200_000])
def test_a_python_exception_whatever_its_name_closes_its_trace_under_a_runtime_header_or_none(tmp_path, chunk_lines):
    # Django's DoesNotExist and a custom BadPayload end in neither Error nor Exception: the line was an event of its
    # own, and the trace's template named no exception. A chain is named by the exception raised last.
    traces = [_crash("orders.models.Order.DoesNotExist: Order matching query does not exist.", 2),
              _crash("KeyError: 'job'", 1) + ["", "During handling of the above exception, another exception "
                                              "occurred:", ""] + _crash("worker.errors.BadPayload", 1, carets=True)]
    bare = [line for trace in traces for line in trace]
    cri = [_cri(0, "stdout", "GET /orders/7 500")] + [_cri(3, "stderr", line) for line in bare] + \
        [_cri(4, "stdout", "GET /orders/8 200")]
    for lines, first in ((bare, 1), (cri, 2)):
        frame = pd.concat(list(iter_log_chunks(_write(tmp_path, lines), chunk_lines=chunk_lines)),
                          ignore_index=True)
        starts = frame.loc[~frame["blank"] & (frame["event_line_no"] == frame["line_no"]), "line_no"].tolist()
        assert starts == ([1, 7] if lines is bare else [1, 2, 8, len(cri)])
        events = frame.loc[frame["line_no"].isin(starts), "event"].tolist()
        assert "orders.models.Order.DoesNotExist" in events[first - 1] and 'step1.py", line 11' in events[first - 1]
        assert "worker.errors.BadPayload" in events[first] and "KeyError" not in events[first]
    # A stack dump without an exception (logging's stack_info) is followed by a line of its own.
    dump = ["slow request", "Stack (most recent call last):", '  File "/srv/app.py", line 9, in handle',
            "    log.info('slow', stack_info=True)", "Status: ok", "next request"]
    assert parse_lines(dump)["event_line_no"].tolist() == [1, 2, 2, 2, 5, 6]
    dump[4] = "django.request: Internal Server Error: /orders/5"  # a logger's name is no exception's
    assert parse_lines(dump)["event_line_no"].tolist() == [1, 2, 2, 2, 5, 6]


def test_a_line_that_opens_with_a_bracketed_level_is_an_event_of_its_own():
    # CoreDNS: "[INFO] client - query" lines, and "[ERROR] plugin/errors: ..." lines the header does not read: they
    # were joined to the query above them, errors lost as events.
    lines = [f'[INFO] 10.244.2.{i}:5353 - {4000 + i} "A IN db.svc.cluster.local. udp 74" NOERROR 0.0008s'
             for i in range(20)]
    lines[7] = "[ERROR] plugin/errors: 2 db.svc.cluster.local. A: read udp 10.0.0.2:53->10.0.0.1:53: i/o timeout"
    lines[12] = "  continued detail"  # an indented line still continues its event
    frame = parse_lines(lines)
    assert frame["event_line_no"].tolist() == [*range(1, 13), 12, *range(14, 21)]
    assert frame["level"].iloc[7] == "ERROR" and pd.isna(frame["event"].iloc[7])
    # Under a header with a time, a line without it continues its event whatever it opens with (a build's output).
    build = ["[ERROR] 2026-12-01 10:00:00 ci-runner - maven build failed, output:", "[INFO] Scanning for projects...",
             "[ERROR] Failed to execute goal compile", "[INFO] 2026-12-01 10:00:05 ci-runner - next job"]
    assert parse_lines(build)["event_line_no"].tolist() == [1, 1, 1, 4]


def test_indented_lines_of_a_program_under_a_runtime_header_continue_its_event_unless_most_are_indented():
    # .NET's inner exception and Ruby's "\tfrom" frames under CRI's header were each an event; Rust's backtrace
    # joins its panic's message.
    def cri(second: int, lines: list[str], stream: str = "stderr") -> list[str]:
        return [f"2026-12-01T10:00:{second:02d}.{k:06d}000Z {stream} F {line}" for k, line in enumerate(lines)]

    dotnet = ["System.InvalidOperationException: Order 4411 could not be saved",
              " ---> Microsoft.Data.SqlClient.SqlException (0x80131904): Timeout expired.",
              "   at Microsoft.Data.SqlClient.SqlConnection.OnError(SqlException exception)",
              "   --- End of inner exception stack trace ---",
              "   at Acme.Orders.OrderService.PlaceAsync(Int32 id) in C:\\src\\OrderService.cs:line 77"]
    ruby = ["/app/models/user.rb:12:in `name': undefined method `name' for nil:NilClass (NoMethodError)",
            "\tfrom /app/controllers/users_controller.rb:8:in `show'", "\tfrom /app/base.rb:224:in `process'"]
    rust = ["called `Option::unwrap()` on a `None` value", "stack backtrace:", "   0: rust_begin_unwind",
            "             at /rustc/library/std/src/panicking.rs:645:5"]
    requests = [cri(s, [f"GET /api/orders/{s} 200"], "stdout") for s in range(0, 60, 2)]
    lines = [*sum(requests[:5], []), *cri(11, dotnet), *sum(requests[6:10], []), *cri(21, ruby),
             *sum(requests[11:15], []), *cri(31, rust), *sum(requests[16:], [])]
    frame = parse_lines(lines)
    starts = frame.loc[frame["event_line_no"] == frame["line_no"], "content"].tolist()
    assert len(starts) == len(lines) - 4 - 2 - 3 and frame["event_line_no"].iloc[5:10].eq(6).all()
    assert starts.count(dotnet[0]) == starts.count(ruby[0]) == starts.count(rust[0]) == 1
    docker = [_docker(f"GET /api/orders/{k} 200", k) for k in range(8)] + [_docker(line, 9, "stderr") for line in ruby]
    assert parse_lines(docker)["event_line_no"].tolist() == [*range(1, 10), 9, 9]
    # Another stream's indented line, within the second, is another write (a heartbeat).
    beat = [_docker(f"GET /api/orders/{k} 200", k) for k in range(8)] + [_docker("  heartbeat: workers=4", 7, "stderr")]
    assert parse_lines(beat)["event_line_no"].tolist() == list(range(1, 10))
    # Not under syslog, whose every record is a message (the kernel's indented memory map), nor where a program
    # indents every message.
    kernel = [f"Jul 27 14:41:57 host kernel: {m}" for m in ["Linux version 2.6.5", "BIOS-provided RAM map:",
                                                           " BIOS-e820: 0 - 9f000 (usable)", "On node 0 pages"]]
    assert parse_lines(kernel * 3)["event_line_no"].tolist() == list(range(1, 13))
    # A program that indents every message: its lines stay events of their own.
    indented = [f"2026-12-01T10:00:00.{k:06d}000Z stdout F   step {k} done" for k in range(20)]
    assert parse_lines(indented)["event_line_no"].tolist() == list(range(1, 21))


@pytest.mark.parametrize("chunk_lines", [2, 200_000])
def test_a_bare_exception_name_closes_a_python_trace_written_through_syslog(tmp_path, chunk_lines):
    # StopIteration raised without a message is its name alone, neither dotted nor ...Error: under syslog, where
    # each line of the trace is a record of its own, it was an event of its own, and the trace's text named none.
    records = ["worker started", *_crash("StopIteration", 2), "worker stopped"]
    lines = [f"Mar  1 10:00:{5 * (i > 0) + 5 * (i == len(records) - 1):02d} host app[123]: {line}"
             for i, line in enumerate(records)]
    frame = pd.concat(list(iter_log_chunks(_write(tmp_path, lines), chunk_lines=chunk_lines)), ignore_index=True)
    assert frame["event_line_no"].tolist() == [1, *[2] * 6, 8]
    assert "StopIteration" in frame["event"].iloc[1]
    # After a stack dump without an exception, a CamelCase word with a message is still no exception.
    dump = ["slow request", "Stack (most recent call last):", '  File "/srv/app.py", line 9, in handle',
            "    log.info('slow', stack_info=True)", "HealthCheck: ok", "next request"]
    assert parse_lines(dump)["event_line_no"].tolist() == [1, 2, 2, 2, 5, 6]


PHP = ["PHP Fatal error:  Uncaught PDOException: SQLSTATE[HY000] [2002] Connection refused in /app/src/Db.php:42",
       "Stack trace:", "#0 /app/src/Db.php(42): PDO->__construct()", "#1 [internal function]: App\\Db->connect()",
       "#2 {main}", "  thrown in /app/src/Db.php on line 42"]


@pytest.mark.parametrize("chunk_lines", [3, 200_000])
def test_a_php_trace_of_numbered_frames_joins_its_error_under_a_runtime_header_or_its_own(tmp_path, chunk_lines):
    # PHP prints its frames unindented, numbered from #0: under a container runtime's header each was an event.
    cri = [_cri(0, "stdout", "GET /index.php 200"), *[_cri(3, "stderr", line) for line in PHP],
           _cri(4, "stdout", "GET /health 200")]
    fpm = ["[01-Mar-2024 10:00:00 UTC] PHP Warning:  Undefined variable $x in /app/a.php on line 3",
           "[01-Mar-2024 10:00:03 UTC] " + PHP[0], *PHP[1:], "[01-Mar-2024 10:00:04 UTC] PHP Notice:  ok"]
    for lines in (cri, fpm):
        frame = pd.concat(list(iter_log_chunks(_write(tmp_path, lines), chunk_lines=chunk_lines)), ignore_index=True)
        assert frame["event_line_no"].tolist() == [1, *[2] * len(PHP), len(PHP) + 2]
        assert "Uncaught PDOException" in frame["event"].iloc[2] and "#0 /app/src/Db.php(42)" in frame["event"].iloc[2]
    # A numbered line that only opens like PHP's last frame is no frame: a changelog's "#2 {main} refactor".
    assert parse_lines(["#1 fix the parser", "#2 {main} refactor", "#3 docs"])["event_line_no"].tolist() == [1, 2, 3]


def test_an_indented_line_right_under_a_frame_joins_the_trace_under_syslog():
    # Under syslog an indented message is a record of its own (the kernel's memory map), but one right under a
    # frame is the trace's: PHP's "  thrown in ..." under "#2 {main}", Rust's "   1: ..." under an "at" line.
    rust = ["stack backtrace:", "   0: rust_begin_unwind", "             at /rustc/library/std/src/panicking.rs:645:5",
            "   1: core::panicking::panic_fmt", "             at /rustc/library/core/src/panicking.rs:72:14"]
    for trace in (PHP, ["called `Option::unwrap()` on a `None` value", *rust]):
        lines = ["Mar  1 09:00:00 web app[7]: started", *[f"Mar  1 10:00:00 web app[7]: {line}" for line in trace],
                 "Mar  1 10:00:05 web app[7]: next request"]
        assert parse_lines(lines)["event_line_no"].tolist() == [1, *[2] * len(trace), len(trace) + 2], trace[0]


def test_a_first_field_padded_to_its_width_is_no_indentation():
    # log4j's "%5p" writes " INFO" beside "DEBUG": the INFO and WARN lines were read as continuations of the
    # DEBUG or ERROR line above them, and took its level.
    levels = ["INFO", "DEBUG", "INFO", "WARN", "ERROR", "INFO"] * 10
    lines = [f"{level:>5} [main] (App.java:{i}) - step {i} done" for i, level in enumerate(levels)]
    lines[7:7] = ["java.lang.IllegalStateException: boom", "\tat com.acme.App.run(App.java:7)"]
    frame = parse_lines(lines)
    events = frame[frame["event_line_no"] == frame["line_no"]]
    assert events["level"].tolist() == levels and frame.loc[7:8, "event_line_no"].tolist() == [7, 7]
    assert frame["content"].iloc[0] == "step 0 done"
    # Indentation wider than the widest unindented field is no padding: a child's log under its parent's lines,
    # and a level word in an indented line of a message, continue the event above.
    nested = [line for i in range(20) for line in (f"2024-03-01 12:00:{i:02d},000 INFO  Job - job {i} finished:",
                                                   f"    2024-03-01 12:00:{i:02d},100 ERROR Child - step {i} failed")]
    assert parse_lines(nested)["event_line_no"].tolist() == [i - i % 2 + 1 for i in range(40)]
    rows = [line for i in range(20)
            for line in (f"INFO job {i} started", f"ERROR import {i} failed:", f"  ERROR row {i} rejected")]
    assert parse_lines(rows)["event_line_no"].tolist() == [i - (i % 3 == 2) + 1 for i in range(60)]
    # A format given whose every line opens with a padded number ("%6d" pids): each line is an event.
    pids = [f"{4242 + i % 2:>6}:step {i} done" for i in range(20)]
    assert parse_lines(pids, fmt="<Pid>:<Content>")["event_line_no"].tolist() == list(range(1, 21))


def test_a_blank_line_ends_the_event_in_a_log_whose_header_has_no_time():
    # A tool's console output ("resource: Creating...") has no time: the summary after a blank line was joined
    # to the error paragraph above it, and an error and a success shared one template.
    lines = [f"aws_instance.web{k}: Creating..." for k in range(8)]
    lines += [f"aws_instance.web{k}: Creation complete after {k + 2}s" for k in range(8)]
    lines += ["", "Error: creating EC2 Instance: Value (t9.large) for parameter instanceType is invalid.", "",
              "  with aws_instance.db,", "", "Apply complete! Resources: 8 added, 0 changed, 0 destroyed."]
    assert parse_lines(lines)["event_line_no"].tolist()[16:] == [17, 18, 19, 18, 21, 22]
    # With a time in the header, a line without one continues its event across a blank line.
    timed = [f"2024-03-01 12:00:{k:02d} INFO [web] step {k} done" for k in range(16)]
    timed += ["2024-03-01 12:01:00 ERROR [web] query failed:", "", "SELECT * FROM orders"]
    assert parse_lines(timed)["event_line_no"].tolist()[16:] == [17, 18, 17]


def test_a_box_drawn_paragraph_is_one_event_in_a_log_whose_header_has_no_time():
    # A tool frames its error in a box with no blank line around it: the box was glued to the event above, and
    # its sides that match the header ("│ Error: ...") were events of their own.
    lines = [f"aws_instance.web{k}: Creating..." for k in range(8)]
    lines += [f"aws_instance.web{k}: Creation complete after {k + 2}s" for k in range(8)]
    lines += ["╷", "│ Error: creating EC2 Instance: InvalidParameterValue: bad AMI", "│ ",
              "│   with aws_instance.web1,", "╵", "aws_instance.web9: Creating..."]
    frame = parse_lines(lines, fmt="<Component>: <Content>")
    assert frame["event_line_no"].tolist()[15:] == [16, 17, 17, 17, 17, 17, 22]
    assert "│ Error: creating EC2 Instance" in frame["event"].iloc[16]


@pytest.mark.parametrize("indent", ["\t", "    "])
def test_a_trace_whose_lines_each_carry_a_runtimes_time_is_one_event(indent):
    # docker logs -t, kubectl logs --timestamps: the runtime's time before every line the program wrote, the
    # trace's too. Each frame was an event of its own: it opens with a time, so it looked like a record.
    lines = []
    for i, t in enumerate(pd.date_range("2024-03-11 09:14:09", periods=60, freq="7s")):
        runtime, app = f"{t:%Y-%m-%dT%H:%M:%S}.000000123Z", f"{t:%Y-%m-%d %H:%M:%S},331"
        lines.append(f"{runtime} {app} INFO [main] c.e.App - request {i} done")
        if i % 15 == 7:
            lines += [f"{runtime} {app} ERROR [main] c.e.App - request {i} failed",
                      f"{runtime} java.lang.IllegalStateException: boom {i}",
                      f"{runtime} {indent}at c.e.App.run(App.java:42)",
                      f"{runtime} {indent}at c.e.Main.main(Main.java:7)"]
    frame = parse_lines(lines)
    heads = frame["event_line_no"] == frame["line_no"]
    assert heads.sum() == 64 and (~heads).sum() == 12
    assert frame.loc[~heads, "level"].eq("ERROR").all()


def _slow_query_log(n: int, slow: int) -> list[str]:
    """A slow-query log: a banner, then records of '# Key: value' comment lines over a statement; record
    ``slow`` took far longer."""
    lines = ["/usr/sbin/mysqld, Version: 8.0.36. started with:", "Time                 Id Command    Argument"]
    for i in range(n):
        seconds = 312.7 if i == slow else 1.5 + i % 3
        lines += [f"# Time: 2024-03-11T09:{i // 60:02d}:{i % 60:02d}.000000Z",
                  f"# User@Host: app[app] @  [10.0.0.{i % 9 + 2}]  Id: {100 + i}",
                  f"# Query_time: {seconds:.6f}  Lock_time: 0.000100 Rows_sent: {i % 7}  Rows_examined: {900 + i}",
                  f"SET timestamp={1710147600 + i};"]
        lines += ["SELECT id FROM orders", f"\tWHERE customer_id = {i * 37};"] if i % 2 else \
            [f"UPDATE orders SET status = 'paid' WHERE id = {i * 11};"]
    return lines


def test_records_opened_by_comment_fields_are_one_event_each(tmp_path):
    lines = _slow_query_log(30, slow=20)
    path = _write(tmp_path, lines)
    heads = [i + 1 for i, line in enumerate(lines) if line.startswith("# Time:")]
    for chunk_lines in (4, 200_000):
        frame = pd.concat(list(iter_log_chunks(path, chunk_lines=chunk_lines)), ignore_index=True)
        assert frame["line_no"].tolist() == list(range(1, len(lines) + 1))
        # The banner's lines are events of their own; each record's lines are its first line's.
        assert frame["event_line_no"].tolist() == [1, 2] + [max(h for h in heads if h <= n)
                                                            for n in range(3, len(lines) + 1)]
        assert frame.loc[frame["line_no"] == heads[20] + 4, "timestamp"].iloc[0] == pd.Timestamp("2024-03-11 09:00:20")
    mined = parse_logs(path, warn=False)
    records = mined[mined["line_no"].isin(heads)]
    # One template per kind of statement, whatever its literals and the record's numbers.
    assert records["template_id"].nunique() == 2
    assert records["template"].str.startswith(("SET timestamp=<NUM>; SELECT id FROM orders",
                                               "SET timestamp=<NUM>; UPDATE orders")).all()


def test_records_without_a_time_line_of_their_own_are_still_records_and_durations_are_no_times(tmp_path):
    # MySQL writes "# Time:" only when the second changed: its durations (0.500000) looked like an uptime header.
    lines = [line for i, line in enumerate(_slow_query_log(30, slow=20)) if not (line.startswith("# Time:")
                                                                                 and i % 3)]
    frame = pd.concat(list(iter_log_chunks(_write(tmp_path, lines))), ignore_index=True)
    heads = [i + 1 for i, line in enumerate(lines) if line.startswith("# ") and not lines[i - 1].startswith("# ")]
    assert frame.loc[frame["line_no"].isin(heads), "event_line_no"].tolist() == heads
    # A record's time is its date or clock field, never a duration or a bare number.
    timed = frame["timestamp"].dropna()
    assert len(timed) and (timed >= pd.Timestamp("2024-03-11")).all()
    assert record_times(["# Query_time: 1.500000", "SELECT 1;", "# Id: 1710147600", "SELECT 2;"],
                        np.array([False, True, False, True]), np.zeros(4, dtype=bool)).isna().all()


def test_comment_lines_without_records_stay_lines(tmp_path):
    lines = ["# Generated: 2024-03-11", "# Host: db1", "# Owner: ops"] + [f"row {i} ok" for i in range(8)]
    frame = read_logs(_write(tmp_path, lines), warn=False)
    assert (frame["event_line_no"] == frame["line_no"]).all()


def _cmtrace(message: str, second: int, level: str = "1", component: str = "Agent") -> list[str]:
    """A CMTrace record's lines: a message of several lines puts the header on its last line."""
    return (f'<![LOG[{message}]LOG]!><time="07:12:{second:02d}.311-60" date="03-04-2024" component="{component}" '
            f'context="" type="{level}" thread="4620" file="agent.cpp:{second}">').split("\n")


CMTRACE_RECORDS = ["Job failed with error 0x80004005\nsecond line\nlast line",
                   "Unhandled exception: System.IO.IOException: disk full\n   at Agent.Copy()\n   at Agent.Run()",
                   "para one\n\n2024-03-04 07:12:00 para two"]


def test_a_cmtrace_message_of_several_lines_is_one_event_with_the_header_on_its_last_line():
    lines = [line for i in range(12) for line in _cmtrace(f"Polling step {i}", i)]
    for k, message in enumerate(CMTRACE_RECORDS):
        lines += _cmtrace(message, 20 + k, "3", "Copier") + _cmtrace("Next one", 30 + k)
    frame = parse_lines(lines)
    rows = frame.iloc[12:].reset_index(drop=True)
    assert frame["line_no"].tolist() == list(range(1, len(lines) + 1)) and frame["raw"].tolist() == lines
    assert rows["event_line_no"].tolist() == [13, 13, 13, 16, 17, 17, 17, 20, 21, 22, 21, 24]
    records = rows.drop(index=[3, 7, 9, 11])
    assert (records["level"] == "ERROR").all() and (records["component"] == "Copier").all()
    assert records["timestamp"].tolist() == [pd.Timestamp(f"2024-03-04 07:12:{s}.311") for s in
                                             [20, 20, 20, 21, 21, 21, 22, 22]]
    assert rows["content"].tolist()[:4] == ["Job failed with error 0x80004005", "second line", "last line", "Next one"]
    assert rows["event"].iloc[0] == "Job failed with error 0x80004005 second line last line"
    assert rows["event"].iloc[4] == "Unhandled exception: System.IO.IOException: disk full at Agent.Copy()"
    assert rows["blank"].iloc[9] and rows["event"].iloc[10] == "para one 2024-03-04 07:12:00 para two"
    assert frame["parsed"].sum() == len(lines) - 1 and rows["level"].iloc[11] == "INFO"


def test_a_cmtrace_message_never_closed_ends_at_the_next_record():
    lines = [line for i in range(6) for line in _cmtrace(f"Polling step {i}", i)]
    lines += ["<![LOG[Copy started", "half a line", *_cmtrace("Next one", 10), "<![LOG[cut short", "by a crash"]
    frame = parse_lines(lines, "cmtrace")
    assert frame["event_line_no"].tolist()[6:] == [7, 7, 9, 10, 10]
    assert frame["parsed"].tolist()[6:] == [False, False, True, False, False]
    assert frame["content"].iloc[8] == "Next one" and frame["level"].iloc[8] == "INFO"


def test_the_frame_word_search_in_arrow_finds_what_the_joined_search_finds():
    # A word's leading space matches at a message's start ("at x"), not after a line break inside one; words with
    # RE2's special characters are searched as written; a missing message holds none.
    messages = ["at Foo.bar(Foo.java:1)", "x\nat y", "x\n at y", "  File \"a.py\", line 2", "#3 main", "plain text",
                "données ... suite", None, "", "main.go:12 +0x1d", "ends with at", "a.b(c)[d]{e}^f$|g*h+i?j\\k"]
    words = _FRAME_WORDS + (".go:", "(c)[d]", "^f$|g", "*h+i?j\\")
    found = _holding_in_arrow(messages, words)
    assert found == _holding_in_joined(messages, words) == [0, 2, 3, 4, 6, 9, 11]
    # What Arrow cannot take (a float NaN, a lone surrogate) goes to the joined search, with the same answer.
    odd = np.array(["at x", float("nan"), "y \udc80 at z"], dtype=object)
    assert _holding_in_arrow(odd.tolist(), words) is None and _holding_frame_words(odd, words) == [0, 2]


_PIECES = st.sampled_from(["at ", " at ", "\n", "\t", "\x00", "... ", " #", "Caused by:", "x", "é", "\ud800"])
_MESSAGE = st.lists(_PIECES, max_size=6).map("".join)


@settings(max_examples=300, deadline=None)
@example([b"  at Foo.bar(Foo.java:1)", " at x.y(z)"])
@given(st.lists(st.one_of(_MESSAGE, st.none(), st.just(float("nan")), st.binary(max_size=6),
                          _MESSAGE.map(lambda m: m.encode("utf-8", "surrogatepass"))), max_size=6))
def test_the_frame_word_search_finds_what_the_joined_search_finds_whatever_the_messages(messages):
    # Arrow cast bytes to text and found " at " in them, where the joined search reads a message that is no text as
    # empty: the speed path changed which lines may hold a frame.
    assert _holding_frame_words(np.array(messages, dtype=object)) == _holding_in_joined(messages, _FRAME_WORDS)


_SPACES = st.sampled_from(["", " ", "\t", "\n", "\r", "\x0b", "\x1c", "\x85", "\xa0", "\u2028", "\u3000", "\u200b",
                           "\ufeff", "x", "é"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.lists(_SPACES, max_size=3).map("".join), st.none()), max_size=8), st.booleans())
def test_empty_messages_in_arrow_are_those_python_finds(messages, levelless):
    # Messages converted to Arrow once for the searches under a level-less header: Arrow's whitespace is
    # str.isspace's, so the same messages are empty as a test of each string finds.
    texts = np.array(messages, dtype=object)
    matched = np.arange(len(texts)) % 3 != 1
    rule = Multiline(header=True, indent=False, levelless=levelless)
    array = arrow_messages(texts)
    assert array is not None or all(m is None for m in messages)
    assert empty_messages(matched, texts, rule, array).tolist() == empty_messages(matched, texts, rule).tolist()
    assert _holding_frame_words(texts, _FRAME_WORDS, array) == _holding_frame_words(texts)
