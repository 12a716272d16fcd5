"""JSON documents over many lines (kubectl -o json, CloudTrail, pretty arrays, jq . output) read as records."""
import io
import json

import pytest

from logad_utils import documents
from logad_utils.cli import main
from logad_utils.distributed import partition_chunks, plan_partitions
from logad_utils.io import ReadReport, iter_log_chunks, read_logs

EVENTS = [{"kind": "Event", "reason": "BackOff", "type": "Warning", "message": f"Back-off restarting container {i}",
           "involvedObject": {"kind": "Pod", "name": f"web-{i}"}, "lastTimestamp": f"2024-03-11T09:14:{i:02d}Z"}
          for i in range(12)]


def _read(path, **kwargs):
    frame = read_logs(path, warn=False, **kwargs)
    return frame, frame.attrs["read_report"]["warnings"]


def test_a_kubectl_list_is_read_as_its_items_each_at_the_line_it_starts_on(tmp_path):
    # kubectl get events -o json: 12 events were read as 170 text lines of JSON syntax.
    path = tmp_path / "events.json"
    text = json.dumps({"apiVersion": "v1", "items": EVENTS, "kind": "List", "metadata": {"resourceVersion": ""}},
                      indent=4) + "\n"
    path.write_text(text)
    frame, warnings = _read(path)
    assert frame["content"].tolist() == [e["message"] for e in EVENTS]
    assert frame["parsed"].all() and frame["timestamp"].notna().all()
    assert frame["involvedobject.name"].tolist() == [f"web-{i}" for i in range(12)]
    lines = text.split("\n")
    assert [lines[n - 1] for n in frame["line_no"]] == ["        {"] * 12
    assert [json.loads(raw) for raw in frame["raw"]] == EVENTS and "\n" not in "".join(frame["raw"])
    assert any("read as its records" in w for w in warnings), warnings


@pytest.mark.parametrize("indent", [None, 2])
def test_cloudtrail_records_are_read_on_one_line_or_many(tmp_path, indent):
    records = [{"eventTime": f"2024-03-11T09:14:{i:02d}Z", "eventName": "GetObject", "eventSource": "s3.amazonaws.com",
                "errorCode": "AccessDenied" if i % 3 == 0 else None, "userIdentity": {"arn": f"arn:aws:iam::1:u{i}"}}
               for i in range(9)]
    path = tmp_path / "trail.json"
    path.write_text(json.dumps({"Records": records}, indent=indent))
    frame, _ = _read(path)
    assert len(frame) == 9 and frame["parsed"].all() and frame["timestamp"].notna().all()
    assert frame["eventname"].tolist() == ["GetObject"] * 9
    assert (frame["line_no"] == 1).all() if indent is None else frame["line_no"].is_monotonic_increasing
    assert [json.loads(raw) for raw in frame["raw"]] == records


def test_a_pretty_array_and_pretty_objects_one_after_another_are_read_as_records(tmp_path):
    array, stream = tmp_path / "array.json", tmp_path / "jq.json"
    array.write_text(json.dumps(EVENTS, indent=2))
    stream.write_text("".join(json.dumps(e, indent=2) + "\n" for e in EVENTS))  # jq . of JSON lines
    for path in (array, stream):
        frame, _ = _read(path, chunk_lines=5)
        assert frame["content"].tolist() == [e["message"] for e in EVENTS], path
        lines = path.read_text().split("\n")
        assert all(lines[n - 1].strip().startswith("{") for n in frame["line_no"])
        assert frame["line_no"].is_monotonic_increasing and frame["event_line_no"].equals(frame["line_no"])


def test_records_without_a_message_key_are_their_keys_as_text(tmp_path):
    path = tmp_path / "array.json"
    path.write_text(json.dumps([{"id": i, "state": "down" if i % 2 else "up"} for i in range(6)], indent=2))
    frame, _ = _read(path)
    assert frame["content"].tolist()[:2] == ["id=0 state=up", "id=1 state=down"]


def test_a_document_cut_short_keeps_its_records_and_reads_the_rest_as_text_lines(tmp_path):
    path = tmp_path / "events.json"
    text = json.dumps({"items": EVENTS}, indent=4)
    cut = text[:text.index('"reason"', text.index("web-5"))]  # inside the seventh event
    path.write_text(cut)
    frame, warnings = _read(path)
    records = frame.iloc[:6]
    assert records["content"].tolist() == [e["message"] for e in EVENTS[:6]]
    rest = frame.iloc[6:]
    lines = cut.split("\n")
    start = rest["line_no"].iloc[0]
    assert lines[start - 1].strip() == "{" and rest["line_no"].tolist() == list(range(start, len(lines) + 1))
    assert [r.strip() for r in rest["raw"]] == [line.strip() for line in lines[start - 1:]]
    assert any("cut short" in w and f"from line {start} on" in w for w in warnings), warnings


def test_invalid_json_at_the_start_reads_the_file_as_text_lines_with_a_warning(tmp_path):
    path = tmp_path / "bad.json"
    text = '{\n  "a": 1,\n  "b": nope\n}\n'
    path.write_text(text)
    frame, warnings = _read(path)
    assert frame["raw"].tolist() == text.split("\n")[:-1] and frame["line_no"].tolist() == [1, 2, 3, 4]
    assert any("no longer read as records" in w and "from line 1 on" in w for w in warnings), warnings


def test_a_record_over_the_cap_is_read_as_text_and_numbers_split_over_blocks_stay_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(documents, "_BLOCK_CHARS", 7)
    path = tmp_path / "a.json"
    path.write_text('[\n {"n": 1234567890123, "message": "x"},\n {"n": 2, "message": "' + "y" * 60 + '"}\n]\n')
    frame, _ = _read(path)
    assert [json.loads(r)["n"] for r in frame["raw"]] == [1234567890123, 2] and frame["line_no"].tolist() == [2, 3]
    monkeypatch.setattr(documents, "MAX_RECORD_CHARS", 40)
    frame, warnings = _read(path)
    assert frame["line_no"].tolist() == [2, 3, 4] and frame["raw"][2] == "]"
    assert json.loads(frame["raw"][0])["n"] == 1234567890123
    assert any("a record over 40 characters" in w for w in warnings), warnings


def test_json_lines_and_text_logs_are_not_read_as_documents(tmp_path):
    lines = tmp_path / "events.jsonl"
    # A record's list of objects under its message key, or after one, is its data, not records.
    lines.write_text("".join(json.dumps({"time": e["lastTimestamp"], "msg": [{"a": 1}]} if i % 2 == 0 else
                                        {**e, "spans": [{"id": i}]}) + "\n" for i, e in enumerate(EVENTS)))
    frame, warnings = _read(lines)
    assert frame["line_no"].tolist() == list(range(1, 13)) and not any("JSON document" in w for w in warnings)
    text = tmp_path / "app.log"
    text.write_text("{\nnot json\n}\n")
    assert _read(text)[0]["raw"].tolist() == ["{", "not json", "}"]


def test_dask_reads_a_document_on_one_worker_as_the_streaming_reader_does(tmp_path):
    path = tmp_path / "events.json"
    path.write_text(json.dumps({"items": EVENTS * 40}, indent=4))
    parts, report = plan_partitions([path], block_bytes=2_000)
    assert len(parts) == 1 and parts[0].end is None
    assert any("read on one worker" in w for w in report.warnings), report.warnings
    got = [c for c in partition_chunks(parts[0], "message", 100, ReadReport())]
    expected = list(iter_log_chunks(path, chunk_lines=100))
    assert [c["line_no"].tolist() for c in got] == [c["line_no"].tolist() for c in expected]
    assert [c["content"].tolist() for c in got] == [c["content"].tolist() for c in expected]


def test_formats_detect_says_it_found_a_document(tmp_path, capsys):
    path = tmp_path / "events.json"
    path.write_text(json.dumps(EVENTS, indent=2))
    assert main(["formats", "--detect", str(path)]) == 0
    out = capsys.readouterr().out
    assert "document      one JSON document" in out and "12 records sampled" in out


def test_a_record_nested_deeper_than_the_decoder_recurses_is_read_as_text_lines(tmp_path):
    # '{"a": [[[...]]]}' 100,000 deep in a pretty array raised RecursionError out of read_logs.
    path = tmp_path / "deep.json"
    path.write_text('[\n' + '{"msg": "ok"},\n' * 9 + '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}\n]\n")
    frame, warnings = _read(path)
    assert frame["line_no"].tolist() == [*range(2, 11), 11, 12] and frame["content"].iloc[0] == "ok"
    assert any("nested too deep" in w for w in warnings), warnings


@pytest.mark.parametrize("text, rows", [
    ('[\n{"msg": "a"}\nGARBAGE\n]\n', [(2, '{"msg":"a"}'), (3, "GARBAGE"), (4, "]")]),  # the record was read twice
    ("[\n{ not json\n}\n", [(1, "["), (2, "{ not json"), (3, "}")]),  # line 1 was lost
    ('{\n  "kind": "List",\n  "items": [{"msg": bad}]}\n',  # lines 1 and 2 were lost
     [(1, "{"), (2, '  "kind": "List",'), (3, '  "items": [{"msg": bad}]}')]),
])
def test_text_after_damage_holds_every_line_once(tmp_path, text, rows):
    path = tmp_path / "damaged.json"
    path.write_text(text)
    frame, _ = _read(path)
    assert list(zip(frame["line_no"], frame["raw"])) == rows


@pytest.mark.parametrize("indent", [None, 2])
def test_a_record_whose_list_of_objects_comes_before_its_message_is_one_record(tmp_path, indent):
    # JSON lines (or jq . of them) like '{"tags": [{"k": "a"}], "msg": ...}' were read as an envelope: each row
    # was {"k": "a"}, every message lost.
    records = [{"tags": [{"k": "a"}], "time": f"2024-03-11T09:14:0{i}Z", "msg": f"request {i} done"} for i in range(5)]
    path = tmp_path / "app.log"
    path.write_text("".join(json.dumps(r, indent=indent) + "\n" for r in records))
    frame, _ = _read(path)
    assert frame["content"].tolist() == [r["msg"] for r in records]
    assert [json.loads(raw) for raw in frame["raw"]] == records


def test_an_envelope_longer_than_a_block_is_read_without_holding_its_list(monkeypatch):
    # Records held to tell an envelope from a record are let go after a block: memory holds no whole document.
    monkeypatch.setattr(documents, "_BLOCK_CHARS", 256)
    text = io.StringIO(json.dumps({"kind": "List", "items": EVENTS * 50}, indent=2))
    reader = iter(documents.JsonRecords(text))
    assert json.loads(next(reader)[1]) == EVENTS[0]
    assert text.tell() < len(text.getvalue()) // 10
    assert len(list(reader)) == len(EVENTS) * 50 - 1


@pytest.mark.parametrize("indent", [None, 2])
def test_a_search_response_is_read_as_its_hits(tmp_path, indent):
    # Elasticsearch's and OpenSearch's _search output nests its records a level down (hits.hits): the whole
    # response was one row, its 30 log records lost in it.
    hits = [{"_index": "logs", "_id": f"id{i}", "_source": {"@timestamp": f"2024-03-11T09:14:{i:02d}Z",
                                                            "log": {"level": "warn"}, "message": f"disk {i} slow"}}
            for i in range(30)]
    response = {"took": 3, "_shards": {"total": 1, "failed": 0},
                "hits": {"total": {"value": 30, "relation": "eq"}, "max_score": None, "hits": hits}}
    path = tmp_path / "search.json"
    path.write_text(json.dumps(response, indent=indent) + "\n")
    frame, _ = _read(path)
    assert frame["content"].tolist() == [f"disk {i} slow" for i in range(30)]
    assert frame["timestamp"].notna().all() and (frame["level"] == "warn").all()
    assert [json.loads(raw) for raw in frame["raw"]] == hits


def test_a_record_whose_nested_list_of_objects_comes_before_its_message_is_one_record(tmp_path):
    records = [{"meta": {"tags": [{"k": "a"}, {"k": "b"}]}, "msg": f"job {i} done", "level": "info"}
               for i in range(5)]
    path = tmp_path / "jobs.json"
    path.write_text("".join(json.dumps(r, indent=2) + "\n" for r in records))
    frame, _ = _read(path)
    assert frame["content"].tolist() == [f"job {i} done" for i in range(5)]
    assert [json.loads(raw) for raw in frame["raw"]] == records


def test_a_record_with_a_time_and_a_list_below_its_top_is_one_record(tmp_path):
    # Audit events (jq .) name no message; their requestObject.spec.containers lay below the top and were read as
    # the records, each event lost. A time or a level at the top is a record's, its nested lists its data.
    events = [{"kind": "Event", "level": "RequestResponse", "verb": "create",
               "requestObject": {"spec": {"containers": [{"name": "app"}, {"name": "sidecar"}]}},
               "requestReceivedTimestamp": f"2024-03-09T10:00:{i:02d}Z"} for i in range(5)]
    path = tmp_path / "audit.json"
    path.write_text("".join(json.dumps(e, indent=2) + "\n" for e in events))
    frame, _ = _read(path)
    assert [json.loads(raw) for raw in frame["raw"]] == events
