"""Bounded-memory runs: the table of distinct lines gives the in-memory answer, written chunk by chunk."""
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from conftest import (ATM_LOG, LOGHUB, needs_loghub, with_storm, with_unparsed_lines, write_heartbeat_log,
                      write_trace_log)
from hypothesis import example, given, settings
from hypothesis import strategies as st

from logad_utils.datasets import write_log
from logad_utils.detectors import compute_threshold, make_detector
from logad_utils.pipeline import parse_logs
from logad_utils.atomic import arrow_table, atomic_path, write_table
from logad_utils.masking import Masker
from logad_utils.streaming import (LEAN_COLUMNS, KeptLines, _factorized, _text_codes, arrow_texts, chunk_keys,
                                   count_keys, event_starts, fit_score, line_frame, mine_table, with_key_columns,
                                   write_frames, write_parse, write_scores)
from logad_utils.templates import LogTemplateMiner, template_text


@pytest.fixture(scope="module")
def log(tmp_path_factory):
    path, _ = write_log(tmp_path_factory.mktemp("stream") / "small.jrn", n_lines=3000, seed=11)
    return path


def _parse_stream(paths, out, chunk_lines, keep_lines=False):
    miner = LogTemplateMiner()
    run = count_keys(paths, masker=miner.masker, chunk_lines=chunk_lines, keep_lines=keep_lines)
    keys = mine_table(run.table.frame(), miner)
    write_parse(run, keys, miner.masker, out)
    return run, keys


@pytest.mark.parametrize("contamination,percentile", [("auto", None), (0.05, None), ("auto", 99.5)])
def test_weighted_threshold_equals_the_expanded_one(contamination, percentile):
    rng = np.random.default_rng(0)
    values = np.round(rng.gamma(2.0, size=300), 2)  # ties, as log scores have
    counts = rng.integers(1, 50, size=300)
    values[:3] = np.nan
    expanded = np.repeat(values, counts)
    assert compute_threshold(values, contamination, percentile, weights=counts) == pytest.approx(
        compute_threshold(expanded, contamination, percentile), abs=1e-9)


def test_key_table_counts_every_line_with_its_first_occurrence(log):
    run = count_keys(log, chunk_lines=500)
    table = run.table.frame()
    frame = parse_logs(log, warn=False)
    assert table["count"].sum() == len(frame) == run.report.lines
    first = frame.drop_duplicates("content").iloc[0]
    assert (table.loc[0, "source"], table.loc[0, "line_no"]) == (str(first["source"]), first["line_no"])


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_parse_stream_writes_what_the_in_memory_parse_writes(log, tmp_path, suffix):
    out = tmp_path / f"parsed{suffix}"
    _parse_stream(log, out, chunk_lines=700)
    expected = parse_logs(log, warn=False).drop(columns="raw")
    if suffix == ".csv":
        write_table(expected, tmp_path / "expected.csv")
        assert out.read_text() == (tmp_path / "expected.csv").read_text()
    else:
        got = pd.read_parquet(out)
        assert got["template_id"].tolist() == expected["template_id"].tolist()
        assert got["line_no"].tolist() == list(range(1, 3001))
    assert not list(tmp_path.glob(".*tmp-*"))


def test_parse_stream_reads_a_padded_preset_again_as_the_first_pass_did(tmp_path):
    # A journal's hour padded with a space (" 9:59:58" beside "10:00:02") is read with the preset's header after
    # the padding: the second pass read the preset by its name, without it, and wrote the padded lines as
    # continuations that kept templates of their own.
    lines = [f"{9 + i // 400:>2}:{59 * (i < 400):02d}:{i % 60:02d}  {i + 1:04d} HOST heartbeat {i} sent"
             for i in range(800)]
    log = tmp_path / "nested.log"
    log.write_text("\n".join(lines) + "\n")
    out = tmp_path / "parsed.csv"
    _parse_stream([str(log)], out, chunk_lines=700)
    write_table(parse_logs([str(log)], warn=False).drop(columns="raw"), tmp_path / "expected.csv")
    assert out.read_text() == (tmp_path / "expected.csv").read_text()


@needs_loghub
def test_parse_stream_of_many_formats_is_byte_identical(tmp_path):
    out = tmp_path / "parsed.csv"
    _parse_stream(LOGHUB, out, chunk_lines=1500)
    write_table(parse_logs(LOGHUB, warn=False).drop(columns="raw"), tmp_path / "expected.csv")
    assert out.read_text() == (tmp_path / "expected.csv").read_text()


@pytest.mark.parametrize("many_formats", [False, True])
def test_kept_lines_write_what_a_second_read_writes(log, tmp_path, many_formats):
    # Several chunks, and with Loghub files columns that some formats lack.
    paths = [log, *sorted(LOGHUB.glob("*/*_2k.log"))[:3]] if many_formats else log
    if many_formats and not (LOGHUB / "HDFS").is_dir():
        pytest.skip("Loghub samples not present")
    _parse_stream(paths, tmp_path / "read.parquet", chunk_lines=700)
    run, _ = _parse_stream(paths, tmp_path / "kept.parquet", chunk_lines=700, keep_lines=True)
    assert len(run.kept.spans) > 1 and run.kept.fits(run.layout)
    got, expected = pq.read_table(tmp_path / "kept.parquet"), pq.read_table(tmp_path / "read.parquet")
    assert got.schema.equals(expected.schema, check_metadata=True)
    pd.testing.assert_frame_equal(got.to_pandas(), expected.to_pandas(), check_exact=True)


@pytest.fixture(scope="module")
def unparsed_log(log, tmp_path_factory):
    return with_unparsed_lines(log, tmp_path_factory.mktemp("unparsed") / "unparsed.jrn")


def _stream_scores(path, tmp_path, chunk_lines, train=None, known_good=False):
    miner = LogTemplateMiner()
    train_run = count_keys(train, masker=miner.masker, chunk_lines=chunk_lines) if train else None
    train_keys = mine_table(train_run.table.frame(), miner) if train else None
    run = count_keys(path, masker=miner.masker, chunk_lines=chunk_lines)
    keys = fit_score(make_detector("tfidf", known_good=known_good), mine_table(run.table.frame(), miner),
                     (train_run or run).times(), train_keys)
    write_scores(run, keys, miner.masker, tmp_path / "scores.csv")
    return pd.read_csv(tmp_path / "scores.csv")


def _assert_same(got, frame, scores, labels):
    assert got["template_id"].tolist() == frame["template_id"].tolist()
    np.testing.assert_allclose(got["score"], scores, rtol=0, atol=1e-9, equal_nan=True)
    assert got["is_anomaly"].tolist() == labels.tolist()


@pytest.mark.parametrize("known_good", [False, True])
def test_detect_stream_scores_like_the_in_memory_detector(log, tmp_path, known_good):
    lines = log.read_text().splitlines()
    target = tmp_path / "new.log"
    target.write_text("\n".join(lines[:400] + ["", "never seen before 42"]) + "\n")
    got = _stream_scores(target if known_good else log, tmp_path, 333, log if known_good else None, known_good)

    ref_miner = LogTemplateMiner()
    detector = make_detector("tfidf", known_good=known_good)
    if known_good:
        detector.fit(parse_logs(log, miner=ref_miner, warn=False))
        frame = parse_logs(target, miner=ref_miner, warn=False)
        scores = detector.decision_function(frame)
    else:
        frame = parse_logs(log, miner=ref_miner, warn=False)
        scores = detector.fit(frame).decision_scores_
    _assert_same(got, frame, scores, detector.label(scores))


def test_a_frequent_routine_message_streams_from_its_bounded_times_like_the_in_memory_fit(tmp_path):
    from logad_utils.streaming import TIMES_KEPT

    path = write_heartbeat_log(tmp_path / "beat.log", 3 * TIMES_KEPT)  # more times than the pass keeps
    miner = LogTemplateMiner()
    run = count_keys(path, masker=miner.masker, chunk_lines=2000)
    beat = run.table.frame()["masked"].tolist().index("heartbeat ok")
    assert (run.times()[0] == beat).sum() == 2 * TIMES_KEPT
    frame = parse_logs(path, miner=LogTemplateMiner(), warn=False)
    detector = make_detector("tfidf").fit(frame)
    assert "heartbeat ok" in detector.routine_
    _assert_same(_stream_scores(path, tmp_path, 2000), frame, detector.decision_scores_, detector.labels_)


@pytest.mark.parametrize("case", ["routine", "unparsed"])
def test_structure_and_routine_rules_stream_like_the_in_memory_fit(case, unparsed_log, tmp_path):
    path = ATM_LOG if case == "routine" else unparsed_log
    frame = parse_logs(path, miner=LogTemplateMiner(), warn=False)
    detector = make_detector("tfidf").fit(frame)
    # The rule under test takes part in the reference answer.
    assert detector.routine_ if case == "routine" else (~frame["parsed"]).sum() > 50
    got = _stream_scores(path, tmp_path, 1777)
    _assert_same(got, frame, detector.decision_scores_, detector.labels_)


def test_a_storm_streams_from_the_spilled_line_order_like_the_in_memory_fit(tmp_path):
    path, truth = with_storm(write_heartbeat_log(tmp_path / "beat.log", 1500), tmp_path / "storm.log")
    frame = parse_logs(path, miner=LogTemplateMiner(), warn=False)
    detector = make_detector("tfidf").fit(frame)
    # The storm rule under test makes the reference answer: 10 % of the lines, past the 5 % the gap rule flags.
    assert detector.labels_.tolist() == truth.tolist()
    _assert_same(_stream_scores(path, tmp_path, 700), frame, detector.decision_scores_, detector.labels_)


def test_events_weigh_one_line_each_when_streamed_as_in_memory(tmp_path):
    path = write_trace_log(tmp_path / "app.log")
    frame = parse_logs(path, miner=LogTemplateMiner(), warn=False)
    detector = make_detector("tfidf").fit(frame)
    assert detector.labels_.sum() == 88  # the 8 failures, every line of their traces
    table = count_keys(path, chunk_lines=333, times=False).table.frame()  # traces cut by chunks
    assert table["events"].sum() == 1000 < table["count"].sum()
    _assert_same(_stream_scores(path, tmp_path, 333), frame, detector.decision_scores_, detector.labels_)


def test_spread_errors_with_long_traces_stream_as_no_storm_like_the_in_memory_fit(tmp_path):
    # The spilled line order marks continuation lines, so the storm rule counts events there too.
    path = write_trace_log(tmp_path / "app.log", every=12, frames=30)
    frame = parse_logs(path, miner=LogTemplateMiner(), warn=False)
    detector = make_detector("tfidf").fit(frame)
    assert detector.labels_.sum() == 0
    _assert_same(_stream_scores(path, tmp_path, 333), frame, detector.decision_scores_, detector.labels_)


def test_a_failed_write_leaves_no_file(tmp_path):
    def frames():
        yield pd.DataFrame({"a": [1, 2]})
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt), atomic_path(tmp_path / "scores.parquet") as tmp:
        write_frames(frames(), tmp, pd.DataFrame({"a": []}))
    assert not list(tmp_path.iterdir())


def _trace_log(tmp_path) -> Path:
    head = "2024-03-05 14:00:{:02d},000 {} [main] com.acme.Api: {}"
    lines = [head.format(i, "INFO", f"request served id={i}") for i in range(30)]
    lines[12:13] = [head.format(12, "ERROR", "request failed id=12"), "java.lang.IllegalStateException: pool",
                    "\tat com.acme.Pool.take(Pool.java:88)", "\t... 2 more"]
    path = tmp_path / "app.log"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("keep", [False, True])
def test_lean_line_frame_holds_what_the_in_memory_parse_holds(log, tmp_path, keep):
    copy = tmp_path / "small.jrn"  # the module's log stays as it is
    copy.write_bytes(Path(log).read_bytes())
    paths = [str(copy), str(with_unparsed_lines(log, tmp_path / "unparsed.jrn")), str(_trace_log(tmp_path))]
    full = parse_logs(paths, miner=LogTemplateMiner(), warn=False)
    miner = LogTemplateMiner()
    run = count_keys(paths, masker=miner.masker, chunk_lines=700, keep_lines=LEAN_COLUMNS if keep else False)
    keys = mine_table(run.table.frame(), miner)
    raw_keys = np.arange(len(keys)) % 7 == 0
    if keep:  # the kept lines are what the frame is made of: the logs are not read again
        for path in paths:
            Path(path).write_text("")
    lean = with_key_columns(line_frame(run, keys, raw_keys), keys, ("masked", "template_id", "component", "level"))
    assert len(lean) == len(full) == sum(run.lines.values())
    for name in ("source", "line_no", "content", "timestamp", "event_line_no", "masked", "template_id",
                 "component", "level"):
        got = lean[name].astype(object).where(lean[name].notna(), None)
        want = full[name].astype(object).where(full[name].notna(), None)
        assert got.tolist() == want.tolist(), name
    # The raw text is kept on each key's first line and on every line of the chosen keys.
    kept = lean["raw"].notna().to_numpy()
    ids = lean["key"].to_numpy()
    first = np.zeros(len(lean), dtype=bool)
    first[np.unique(ids, return_index=True)[1]] = True
    assert (kept == (first | raw_keys[ids])).all()
    assert lean.loc[kept, "raw"].astype(str).tolist() == full.loc[kept, "raw"].tolist()
    assert isinstance(lean["content"].dtype, pd.CategoricalDtype) and lean["content"].cat.categories.is_unique


def test_lean_line_frame_keeps_line_numbers_in_four_bytes(tmp_path):
    # Line numbers are two of a lean frame's widest columns: 8 bytes a line each as int64, at 10M lines 150 MB.
    paths = [str(_trace_log(tmp_path))]
    miner = LogTemplateMiner()
    run = count_keys(paths, masker=miner.masker, keep_lines=LEAN_COLUMNS)
    keys = mine_table(run.table.frame(), miner)
    lean = line_frame(run, keys, np.zeros(len(keys), dtype=bool))
    assert lean["line_no"].dtype == lean["event_line_no"].dtype == np.int32
    assert lean["event_line_no"].tolist()[12:16] == [13, 13, 13, 13] and lean["line_no"].tolist()[-1] == 33


def test_no_room_for_the_kept_lines_reads_the_logs_again(log, tmp_path, monkeypatch):
    miner = LogTemplateMiner()
    run = count_keys([str(log)], masker=miner.masker, chunk_lines=700)
    keys = mine_table(run.table.frame(), miner)
    expected = line_frame(run, keys, np.zeros(len(keys), dtype=bool))

    def full(self, chunk, texts=None):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(KeptLines, "add", full)
    run = count_keys([str(log)], masker=LogTemplateMiner().masker, chunk_lines=700, keep_lines=LEAN_COLUMNS)
    assert run.kept is None
    pd.testing.assert_frame_equal(line_frame(run, keys, np.zeros(len(keys), dtype=bool)), expected)


def test_kept_lines_take_their_texts_as_converted_for_their_keys():
    # A parse's later chunks take the messages, events and fields converted to Arrow for their keys: the same
    # columns, in the same order, types and values, as the chunk converted anew.
    chunk = pd.DataFrame({"line_no": np.arange(4), "component": pd.Series(["x", None, "y", "x"], dtype=object),
                          "content": pd.Series(["a", None, "é", float("nan")], dtype=object),
                          "event": pd.Series([None] * 4, dtype=object),
                          "level": pd.Series([b"w", None, b"e", b"w"], dtype=object)})  # bytes: no text
    texts = arrow_texts(chunk, ("level", "component"))
    assert sorted(texts) == ["component", "content", "event"]
    kept = KeptLines()
    kept.add(chunk.iloc[:0])  # the first chunk is kept as a frame
    kept.add(chunk, texts)
    table, expected = next(kept.tables()), arrow_table(chunk)
    assert table.schema.equals(expected.schema) and table.equals(expected)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
@pytest.mark.parametrize("lines", [None, 6])
def test_a_full_disk_under_the_kept_lines_reads_the_logs_again(log, tmp_path, monkeypatch, lines):
    # Writes to /dev/full fail as on a full disk, and so does closing it, which flushes what is left; a few
    # lines fit in the file's buffer, which only a flush writes.
    if lines is not None:
        few = tmp_path / "few.jrn"
        few.write_text("".join(Path(log).read_text().splitlines(keepends=True)[:lines]))
        log = few
    miner = LogTemplateMiner()
    run = count_keys([str(log)], masker=miner.masker, chunk_lines=700)
    keys = mine_table(run.table.frame(), miner)
    expected = line_frame(run, keys, np.zeros(len(keys), dtype=bool))
    made = KeptLines.__init__

    def on_full_disk(self, columns=None):
        made(self, columns)
        self.file = open("/dev/full", "r+b")

    monkeypatch.setattr(KeptLines, "__init__", on_full_disk)
    run = count_keys([str(log)], masker=LogTemplateMiner().masker, chunk_lines=700, keep_lines=LEAN_COLUMNS)
    assert run.kept is None
    pd.testing.assert_frame_equal(line_frame(run, keys, np.zeros(len(keys), dtype=bool)), expected)


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("block", [7, 1 << 20])
def test_first_lines_number_keys_in_order_of_first_appearance(seed, block):
    from logad_utils.streaming import first_lines

    rng = np.random.default_rng(seed)
    key = rng.integers(-1, int(rng.integers(1, 30)), size=int(rng.integers(0, 300)))
    key = key * 10**9 if seed % 2 else key.astype(np.int32)  # sparse ids, or table ids as a frame has them
    first, counts, point = first_lines(key, block=block)
    _, seen_at = np.unique(key, return_index=True)
    np.testing.assert_array_equal(first, np.sort(seen_at))  # each key's first line, in line order
    np.testing.assert_array_equal(key[first][point], key)  # every line points at its key's first line
    np.testing.assert_array_equal(counts, np.bincount(point, minlength=len(first)))
    assert counts.sum() == len(key)
    narrow = np.array([-100, 100, -100, 5], dtype=np.int8)  # key - lowest would overflow in int8
    np.testing.assert_array_equal(first_lines(np.tile(narrow, 60))[1], [120, 60, 60])
    nan_keys = first_lines(np.array([np.nan, 1.0, np.nan]))  # NaN is a key like any other, as np.unique has it
    np.testing.assert_array_equal(nan_keys[0], [0, 1])


@pytest.mark.parametrize("seed", range(5))
def test_bound_times_keeps_each_keys_earliest_and_latest_distinct_times_and_merges(seed):
    from logad_utils.streaming import KeyTimes, bound_times, key_times

    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 600))
    rows = np.column_stack([rng.integers(0, 6, n), rng.integers(0, 90, n) * 10**9, rng.integers(1, 4, n)])
    lines: dict = {}
    for key, time, count in rows.tolist():
        lines[key, time] = lines.get((key, time), 0) + count
    distinct = sorted(lines)
    assert bound_times(rows, keep=1000).tolist() == [[k, t, lines[k, t]] for k, t in distinct]
    expected = []
    for key in sorted({k for k, _ in distinct}):
        times = [t for k, t in distinct if k == key]
        expected += [[key, t, lines[key, t]] for t in sorted(set(times[:7] + times[-7:]))]
    assert bound_times(rows, keep=7).tolist() == expected
    # Bounded in any pieces, in any order, the answer is the same, and so is the step of all the times.
    stamps = KeyTimes(keep=7)
    for piece in np.array_split(rows[rng.permutation(n)], 5):
        stamps.add(bound_times(piece, keep=7), *_step_origin(piece))
    got = stamps.stamps()
    assert np.column_stack([got.keys, got.times, got.lines]).tolist() == expected
    assert got.step == (int(np.gcd.reduce(rows[:, 1] - rows[0, 1])) if n else None)
    ones = rows[rows[:, 2] == 1]
    whole = KeyTimes(keep=7)
    whole.add(key_times(ones[:, 0], pd.DataFrame({"timestamp": pd.to_datetime(ones[:, 1])})))
    assert whole.stamps().step == (int(np.gcd.reduce(ones[:, 1] - ones[0, 1])) if len(ones) else None)


def _step_origin(rows: np.ndarray) -> tuple:
    return (int(np.gcd.reduce(rows[:, 1] - rows[0, 1])), int(rows[0, 1])) if len(rows) else (None, None)


def test_a_parse_keeps_no_times_for_the_routine_rule(log):
    assert len(count_keys(log, times=False).times().keys) == 0
    assert len(count_keys(log).times().keys) > 0


def test_a_log_still_written_to_is_read_as_it_was_when_the_run_began(tmp_path, monkeypatch, capsys):
    # A live log (/var/log/syslog) grows between parse's two passes: the run failed with "input changed while it
    # was read"; the lines written meanwhile are the next run's.
    from logad_utils import streaming
    from logad_utils.cli import main

    path = write_heartbeat_log(tmp_path / "live.log", 400)
    lines = len(path.read_text().splitlines())
    first_pass = streaming.StreamRun.chunks

    def appended(run):
        with path.open("a") as fh:
            fh.write("2026-01-01 02:00:00 INFO app: request 7 served from cache\n2026-01-01 02:00:01 ERROR app: par")
        yield from first_pass(run)

    monkeypatch.setattr(streaming.StreamRun, "chunks", appended)
    out = tmp_path / "parsed.csv"
    assert main(["parse", str(path), "--out", str(out)]) == 0, capsys.readouterr().err
    assert pd.read_csv(out)["line_no"].tolist() == list(range(1, lines + 1))


def test_a_log_truncated_while_read_is_cut_short_not_read_on_at_its_old_offset(tmp_path):
    # logrotate's copytruncate empties a log while it is read: the reader went on at its offset into the new lines
    # (or found none), and said nothing.
    from logad_utils.io import ReadReport, iter_log_chunks

    path = tmp_path / "app.log"
    row = "2026-01-01 00:00:00 INFO app: request served from cache in 12 ms by worker 3 of pool main\n"
    path.write_text(row * 200_000)  # over two of the reader's 4 MiB blocks
    report = ReadReport()
    chunks = iter_log_chunks(path, chunk_lines=1000, report=report)
    read = len(next(chunks))
    with path.open("r+") as fh:
        fh.truncate(0)
    read += sum(len(chunk) for chunk in chunks)
    assert 0 < read < 200_000 and len(report.skipped_files) == 1
    assert "shrank while read" in report.skipped_files[0]


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="needs Linux' /proc")
def test_a_file_that_says_it_is_empty_while_it_holds_text_is_read_to_its_end():
    # /proc's files have size 0: read up to the size they had when opened, they read as empty ("no lines to read").
    from logad_utils.io import read_logs

    frame = read_logs("/proc/self/status", warn=False)
    assert len(frame) > 5 and frame["raw"].str.startswith("Name:").any()


@pytest.mark.parametrize("change", ["shrink", "reorder", "remove", "rotate"])
def test_a_log_rewritten_between_the_two_passes_is_a_clear_error_and_no_output(tmp_path, monkeypatch, capsys, change):
    # logrotate's copytruncate, or a rewrite, between parse's first pass and its second (CSV output re-reads the
    # log): fewer rows, or rows whose templates belong to other lines, were written with exit 0. A log rotated
    # meanwhile (renamed, a new file in its place) that is larger is another file, not the log grown.
    from logad_utils import streaming
    from logad_utils.cli import main

    path = write_heartbeat_log(tmp_path / "beat.log", 400)
    first_pass = streaming.StreamRun.chunks

    def rewritten(run):
        lines = path.read_text().splitlines(keepends=True)
        before = path.stat().st_mtime_ns
        if change == "remove":
            path.unlink()
        elif change == "rotate":
            path.rename(path.with_name("beat.log.1"))
            path.write_text("".join(lines[::-1]) + lines[0])
        else:
            path.write_text("".join(lines[:200] if change == "shrink" else lines[::-1]))
            os.utime(path, ns=(before + 10**9, before + 10**9))  # a second later, on a clock of whole seconds too
        yield from first_pass(run)

    monkeypatch.setattr(streaming.StreamRun, "chunks", rewritten)
    out = tmp_path / "parsed.csv"
    assert main(["parse", str(path), "--out", str(out)]) == 1
    said = "input removed while it was read" if change == "remove" else "input changed while it was read"
    assert f"{path}: {said}" in capsys.readouterr().err and not out.exists()


def test_an_empty_file_beside_a_log_is_no_change_between_the_passes(tmp_path, capsys):
    from logad_utils.cli import main

    path = write_heartbeat_log(tmp_path / "beat.log", 400)
    (tmp_path / "fresh.log").write_text("")  # what logrotate leaves
    assert main(["parse", str(path), str(tmp_path / "fresh.log"), "--out", str(tmp_path / "p.csv")]) == 0
    assert len(pd.read_csv(tmp_path / "p.csv")) == len(path.read_text().splitlines())


def test_an_empty_message_streams_with_the_in_memory_template(tmp_path):
    lines = [f"2024-01-01 10:00:{i:02d} INFO " + ("" if i % 10 == 9 else f"Connected to host {i}") for i in range(60)]
    path = tmp_path / "empty.log"
    path.write_text("\n".join(lines) + "\n")
    _parse_stream(path, tmp_path / "parsed.parquet", chunk_lines=7)
    got, expected = pd.read_parquet(tmp_path / "parsed.parquet"), parse_logs(path, warn=False)
    assert got["template_id"].tolist() == expected["template_id"].tolist()
    assert got["template"].tolist()[9::10] == ["<empty>"] * 6 and (got["template_id"] >= 0).all()


def test_event_starts_compares_integer_line_numbers_exactly():
    """Integer line numbers are compared as they are: the same starts as before on ordinary ones (int32 events
    against int64 lines too), and past 2**53, where float copies of them would be equal, still told apart."""
    lines = pd.DataFrame({"line_no": np.arange(1, 7, dtype=np.int64),
                          "event_line_no": np.array([1, 1, 1, 4, 5, 5], dtype=np.int32)})
    assert event_starts(lines).tolist() == [1, 0, 0, 1, 1, 0]
    assert event_starts(lines.astype(float)).tolist() == [1, 0, 0, 1, 1, 0]
    big = pd.DataFrame({"line_no": np.array([2 ** 53, 2 ** 53 + 1]), "event_line_no": np.array([2 ** 53, 2 ** 53])})
    assert event_starts(big).tolist() == [1, 0]
    assert event_starts(big).dtype == np.int64


def test_chunk_keys_number_each_distinct_key_in_order_of_first_appearance():
    # The keys of pandas' groupby on the key columns, blank lines (no message) and missing fields keys of their own.
    chunk = pd.DataFrame({
        "content": ["user 1 in", None, "user 2 in", "disk full", "user 3 in", "", "disk full", "user 4 in"],
        "blank": [False, True, False, False, False, True, False, False],
        "level": ["INFO", None, "INFO", "ERROR", "WARN", None, "ERROR", "INFO"],
        "component": ["auth", None, "auth", "disk", "auth", None, None, np.nan],
        "parsed": [True, False, True, True, True, False, True, True],
    })
    ids, keys, first = chunk_keys(chunk, Masker(), ("level", "component", "parsed"))
    masked = [k[0] for k in keys]
    assert ids.tolist() == [0, 1, 0, 2, 3, 1, 4, 5]
    assert first.tolist() == [0, 1, 3, 4, 6, 7]
    assert masked[0] == masked[3] == masked[5] != masked[2] == masked[4]
    assert keys[1] == (None, None, None, None) and keys[4][1:] == ("ERROR", None, True)


def test_chunk_keys_read_fields_in_their_own_dtypes_as_objects_do():
    # Fields coded in their own dtype (pandas' text, nullable flags, categories) give the keys of object columns.
    plain = pd.DataFrame({
        "content": ["a 1", "a 2", None, "b", "a 3", "b"],
        "blank": [False, False, True, False, False, False],
        "level": ["INFO", None, None, "ERROR", "INFO", "ERROR"],
        "component": ["x", "x", None, "y", np.nan, "y"],
        "parsed": [True, True, False, True, False, True],
    })
    typed = plain.assign(level=plain["level"].astype("str"), component=plain["component"].astype("category"),
                         parsed=plain["parsed"].astype("boolean"))
    fields = ("level", "component", "parsed", "process")
    want, got = chunk_keys(plain, Masker(), fields), chunk_keys(typed, Masker(), fields)
    assert want[0].tolist() == got[0].tolist() == [0, 1, 2, 3, 4, 3]
    assert want[1] == got[1]
    assert got[1][2] == (None, None, None, None, None) and got[1][1][1:] == (None, "x", True, None)


def test_chunk_keys_first_rows_are_each_keys_first_line():
    # The first rows of keys numbered in order of first appearance, found without sorting: as np.unique finds them.
    rng = np.random.default_rng(3)
    texts = [f"event {k}" for k in rng.integers(0, 40, 500)]
    chunk = pd.DataFrame({"content": texts, "blank": np.zeros(500, dtype=bool), "parsed": rng.random(500) < 0.9})
    ids, keys, first = chunk_keys(chunk, Masker(), ("parsed",))
    assert first.tolist() == np.unique(ids, return_index=True)[1].tolist()
    assert len(keys) == len(first) and [k[1] for k in keys] == chunk["parsed"][first].tolist()
    empty = chunk_keys(chunk.iloc[:0], Masker(), ("parsed",))
    assert empty[0].tolist() == [] and empty[1] == [] and empty[2].tolist() == []


def test_a_chunks_text_is_coded_as_pandas_codes_it_whether_arrow_or_pandas_hashes_it():
    # Arrow hashes text (missing values -1, in order of first appearance); a column Arrow takes as no text (a
    # number, a lone surrogate) goes to pandas, with the same codes.
    for values in (["b", None, "b", float("nan"), "é", "", pd.NA, "a", "é"], ["a", 3, "a", None],
                   ["x\udc80", "x", "x\udc80"], [None, None], []):
        column = pd.Series(values, dtype=object)
        codes, uniques = _factorized(column)
        expected, distinct = pd.factorize(column, use_na_sentinel=True)
        assert codes.dtype == np.int64 and codes.tolist() == expected.tolist() and list(uniques) == list(distinct)
    assert _factorized(pd.Series(["b", None, "b", "é"], dtype=object))[0].tolist() == [0, -1, 0, 1]


@settings(max_examples=300, deadline=None)
@example(["a", b"a", "a"])
@given(st.lists(st.one_of(st.sampled_from(["a", "é", "", "a\x00", "x\udc80"]), st.none(), st.just(float("nan")),
                          st.just(pd.NA), st.binary(max_size=2), st.integers(0, 2)), max_size=8))
def test_a_column_is_coded_as_pandas_codes_it_whatever_its_values(values):
    # Arrow cast bytes to text: b"a" and "a" were one value, coded alike, where pandas keeps them two.
    column = pd.Series(values, dtype=object)
    codes, uniques = _factorized(column)
    expected, distinct = pd.factorize(column, use_na_sentinel=True)
    assert codes.tolist() == expected.tolist()
    assert [(type(u), u) for u in uniques] == [(type(u), u) for u in distinct]


_TEXTS = st.one_of(st.sampled_from(["a", "é", "", "a\t{\"k\": 1}", "b\t{\"k\": 2}", "x\udc80"]), st.none(),
                   st.just(float("nan")), st.just(b"a"))


@settings(max_examples=300, deadline=None)
@example([("a", None, False), ("a\t{\"k\": 1}", None, False)], True)
@example([("a", None, True), (None, "a b", False), ("b", None, False)], True)
@given(st.lists(st.tuples(_TEXTS, _TEXTS, st.booleans()), max_size=8), st.booleans())
def test_a_chunks_texts_are_coded_as_their_template_text(rows, with_event):
    # Coded from one Arrow conversion of the messages where they are text: the same codes, texts and blank rows
    # as pandas' factorize of template_text, blank rows missing.
    chunk = pd.DataFrame({"content": pd.Series([c for c, _, _ in rows], dtype=object),
                          "blank": np.array([b for _, _, b in rows], dtype=bool)})
    if with_event:
        chunk["event"] = pd.Series([e for _, e, _ in rows], dtype=object)
    try:
        text, expected_blank = template_text(chunk)
    except (UnicodeEncodeError, TypeError) as exc:  # bytes, or a lone surrogate beside fields: raised alike
        with pytest.raises(type(exc)):
            _text_codes(chunk, arrow_texts(chunk))
        return
    codes, texts, blank = _text_codes(chunk, arrow_texts(chunk))
    expected, distinct = pd.factorize(text.where(~expected_blank), use_na_sentinel=True)
    assert codes.tolist() == expected.tolist() and blank.tolist() == expected_blank.tolist()
    assert [(type(t), t) for t in texts] == [(type(t), t) for t in distinct]
