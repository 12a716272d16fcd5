"""Reading: every physical line becomes one row, whatever the input looks like."""
import bz2
import csv
import errno
import gzip
import io
import json
import lzma
import os
import re
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import compose_lines, two_programs, write_day_first_log, write_rotated_syslog
from logad_utils.cli import main
from logad_utils.formats import LogFormat
from logad_utils.io import (LogInputError, ReadReport, describe_layout, iter_log_chunks, parse_lines, read_logs,
                            resolve_paths, time_zone, weekday_date)
from logad_utils.layout import _lone_surrogate_escapes

ATM = ["08:00:01  0001 AGENT Agent started", "08:00:02  0002 HOST Heartbeat sent", "08:00:05  0003 PRINTER Paper low"]


def write(path, data: bytes):
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("sep", [b"\n", b"\r\n", b"\r"])
@pytest.mark.parametrize("final", [True, False])
def test_line_endings_keep_every_line(tmp_path, sep, final):
    body = sep.join(s.encode() for s in ATM) + (sep if final else b"")
    frame = read_logs(write(tmp_path / "a.jrn", body), warn=False)
    assert frame["line_no"].tolist() == [1, 2, 3]
    assert frame["raw"].tolist() == ATM
    assert frame["component"].tolist() == ["AGENT", "HOST", "PRINTER"]
    assert frame.attrs["read_report"]["formats"] == {str(tmp_path / "a.jrn"): "atm"}


def test_a_lone_carriage_return_inside_a_line_ends_no_line(tmp_path):
    # Progress output (apt's term.log) rewrites a line with "\r": grep -n and editors count lines by "\n" only.
    body = b"Unpacking x\r\nProgress: [ 10%]\rProgress: [ 20%]\r\nSetting up x\nProgress: [ 90%]\r"
    frame = read_logs(write(tmp_path / "term.log", body), warn=False)
    assert frame["raw"].tolist() == ["Unpacking x", "Progress: [ 10%]\rProgress: [ 20%]", "Setting up x",
                                     "Progress: [ 90%]\r"]


@pytest.mark.parametrize("compress", [bytes, gzip.compress])
def test_a_progress_line_longer_than_the_sniffed_head_keeps_the_line_numbers(tmp_path, compress):
    # Its lone "\r"s fill the first 8 KiB with no "\n": a file of "\r" line ends would look the same there.
    progress = "".join(f"Downloading {i / 10:.1f}%\r" for i in range(1001))
    body = f"{ATM[0]} {progress}\n{ATM[1]}\n{ATM[2]}\n".encode()
    frame = read_logs(write(tmp_path / "a.jrn", compress(body)), warn=False)
    assert frame["line_no"].tolist() == [1, 2, 3]
    assert frame["component"].tolist() == ["AGENT", "HOST", "PRINTER"]


def test_a_file_named_twice_is_read_once_under_its_first_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "a.jrn", "\n".join(ATM).encode())
    frame = read_logs(["a.jrn", str(tmp_path / "a.jrn"), "./a.jrn"], warn=False)
    assert frame["line_no"].tolist() == [1, 2, 3] and set(frame["source"]) == {"a.jrn"}


@pytest.mark.parametrize("compress", [bytes, gzip.compress])
def test_the_nul_bytes_that_open_a_log_emptied_while_written_to_are_left_out_and_told(tmp_path, compress):
    # logrotate's copytruncate: the writer appends at its old offset, so the file opens with a hole of NULs.
    body = b"\x00" * 50_000 + "\n".join(ATM).encode() + b"\n"
    path = write(tmp_path / "a.jrn", compress(body))
    frame = read_logs(path, warn=False)
    assert frame["line_no"].tolist() == [1, 2, 3] and frame["raw"].tolist() == ATM
    assert f"{path}: left out 50,000 NUL bytes at its start (a log emptied while written to, as logrotate's " \
           "copytruncate leaves it)" in frame.attrs["read_report"]["warnings"]
    with pytest.raises(LogInputError, match="binary"):  # NULs among the text still mean a binary file
        read_logs(write(tmp_path / "b.jrn", b"\x00\x00" + "\n".join(ATM).encode() + b"\x00\x01"), warn=False)


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_a_quoted_cell_over_several_lines_reads_as_csv_reads_it(delimiter):
    # Its closing quote and doubled quotes stayed in the message: ... with ""quotes"", and commas"
    rows = [["timestamp", "level", "component", "message"]]
    rows += [[f"2024-03-01 14:00:{i:02d}", "WARN", f"svc{i % 3}", f"row {i} value {i}"] for i in range(30)]
    rows[5][3] = 'multi\nline cell\nwith "quotes"' + delimiter + " and a delimiter"
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator="\n").writerows(rows)
    frame = parse_lines(text.getvalue().splitlines())
    assert frame["event"].iloc[5] == 'multi line cell with "quotes"' + delimiter + " and a delimiter"
    assert frame["event_line_no"].tolist()[5:8] == [6, 6, 6] and frame["component"].iloc[7] == "svc1"
    # A quote inside an unquoted cell (5" for inches) opens none: the line after it keeps its own quotes.
    lines = text.getvalue().splitlines()
    lines[12] = delimiter.join(["2024-03-01 14:00:11", "ERROR", "disk", 'bay 5" failed'])
    lines.insert(13, 'device "sda" in slot 3, retry "later"')
    assert parse_lines(lines)["event"].iloc[12] == 'bay 5" failed device "sda" in slot 3, retry "later"'


def test_a_fifo_or_a_name_that_is_not_utf8_in_a_folder_is_skipped_and_named(tmp_path):
    # A FIFO named like a log was left out unsaid; a Latin-1 file name stopped the whole run with an encoder's
    # error that named no file.
    folder = tmp_path / "logs"
    folder.mkdir()
    write(folder / "good.log", "\n".join(ATM).encode())
    os.mkfifo(folder / "pipe.log")
    bad = os.fsdecode(bytes(folder) + b"/caf\xe9.log")
    write(Path(bad), "\n".join(ATM).encode())
    frame = read_logs(folder, warn=False)
    report = frame.attrs["read_report"]
    assert frame["raw"].tolist() == ATM and report["files"] == [str(folder / "good.log")]
    assert sorted(report["skipped_files"]) == [f"{folder}/caf\\xe9.log: file name is not valid UTF-8; rename the "
                                               "file to read it", f"{folder / 'pipe.log'}: not a regular file"]
    with pytest.raises(LogInputError, match=r"caf\\xe9\.log: file name is not valid UTF-8"):
        read_logs(bad, warn=False)
    # A link to nothing says so; a file not named like a log whose name is not UTF-8 is named as it can be.
    (folder / "old.log").symlink_to(tmp_path / "gone.log")
    write(Path(os.fsdecode(bytes(folder) + b"/notes-caf\xe9.dat")), b"x")
    report = read_logs(folder, warn=False).attrs["read_report"]
    assert f"{folder / 'old.log'}: no such file (a link to nothing)" in report["skipped_files"]
    assert report["passed_over"] == [f"{folder}/notes-caf\\xe9.dat"]


def test_a_folder_that_cannot_be_listed_is_skipped_and_told_not_left_out_unsaid(tmp_path, monkeypatch):
    # A subfolder another user owns (chmod 700) was left out unsaid, exit 0; the folder itself "held no log files".
    folder = tmp_path / "logs"
    (folder / "locked").mkdir(parents=True)
    write(folder / "good.log", "\n".join(ATM).encode())
    write(folder / "locked" / "x.log", "\n".join(ATM).encode())
    scandir = os.scandir

    def denied(path):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", path)
        return scandir(path)

    monkeypatch.setattr(os, "scandir", denied)
    frame = read_logs(folder, warn=False)
    assert frame["raw"].tolist() == ATM
    assert frame.attrs["read_report"]["skipped_files"] == [f"{folder / 'locked'}: cannot list folder (Permission "
                                                           "denied)"]
    with pytest.raises(LogInputError, match=r"locked: cannot list folder \(Permission denied\)$"):
        read_logs(folder / "locked", warn=False)


def test_a_link_to_a_folder_inside_a_folder_is_told_not_left_out_unsaid(tmp_path):
    # os.walk follows no link to a folder: the logs behind it were left out unsaid. A link to a file is read.
    folder, elsewhere = tmp_path / "logs", tmp_path / "archive"
    folder.mkdir()
    elsewhere.mkdir()
    write(elsewhere / "old.log", "\n".join(ATM).encode())
    write(folder / "good.log", "\n".join(ATM).encode())
    (folder / "archive").symlink_to(elsewhere, target_is_directory=True)
    (folder / "same.log").symlink_to(elsewhere / "old.log")
    frame = read_logs(folder, warn=False)
    assert frame["raw"].tolist() == ATM + ATM
    assert frame.attrs["read_report"]["skipped_files"] == [
        f"{folder / 'archive'}: a link to a folder, not followed (give its target to read it)"]


@pytest.mark.parametrize("chunk_lines", [1, 250, 200_000])
def test_a_hole_of_nul_bytes_inside_a_log_is_left_out_and_told(tmp_path, chunk_lines):
    # A crash or power loss leaves NULs up to the next line written: they made it a continuation of the event
    # before (an outage's first error read as an INFO line of another component, at its time).
    before = [f"2024-03-11 08:{i // 60:02d}:{i % 60:02d} INFO cache: cache hit for key k{i}" for i in range(300)]
    after = [f"2024-03-11 09:{i // 60:02d}:{i % 60:02d} ERROR db: connection refused to 10.0.0.{i}" for i in range(300)]
    path = write(tmp_path / "hole.log", ("\n".join(before) + "\n").encode() + b"\x00" * 8192
                 + ("\n".join(after) + "\n").encode())
    report = ReadReport()
    frame = pd.concat(list(iter_log_chunks(path, chunk_lines=chunk_lines, report=report)), ignore_index=True)
    report.finish()
    assert frame["raw"].tolist() == before + after
    assert (frame["event_line_no"] == frame["line_no"]).all() and frame["level"].iloc[300] == "ERROR"
    assert "left out 8,192 NUL bytes that opened lines (a hole that a crash or a log emptied while written to " \
           "leaves)" in report.warnings


def test_a_hole_of_nul_bytes_in_a_logs_first_kilobytes_is_left_out_not_read_as_a_binary_file(tmp_path):
    # The same hole 8 KB further on was left out; within the first 8 KB the whole log was skipped as binary.
    before = [f"2024-03-11 08:00:{i:02d} INFO cache: hit k{i}" for i in range(20)]
    after = [f"2024-03-11 09:00:{i:02d} ERROR db: connection refused {i}" for i in range(20)]
    path = write(tmp_path / "crash.log", ("\n".join(before) + "\n").encode() + b"\x00" * 4096
                 + ("\n".join(after) + "\n").encode())
    frame = read_logs(path, warn=False)
    assert frame["raw"].tolist() == before + after and frame["line_no"].tolist() == list(range(1, 41))
    assert "left out 4,096 NUL bytes that opened lines (a hole that a crash or a log emptied while written to " \
           "leaves)" in frame.attrs["read_report"]["warnings"]
    with pytest.raises(LogInputError, match="binary"):  # NULs inside a line still mean a binary file
        read_logs(write(tmp_path / "b.log", ("\n".join(before) + "\n").encode() + b"ab\x00\x00cd\n"), warn=False)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_utf16_lines_ended_by_lone_carriage_returns_stay_lines_whatever_bytes_their_characters_hold(tmp_path,
                                                                                                   encoding):
    # U+010A and U+040A hold the byte of a line feed: no line feed for all that.
    text = "".join(f"{line}\r" for line in ATM) + "Ċ Њ\r"
    frame = read_logs(write(tmp_path / "a.jrn", text.encode(encoding)), warn=False)
    assert frame["raw"].tolist() == [*ATM, "Ċ Њ"]


def test_gzip_and_directory_and_glob(tmp_path):
    (tmp_path / "sub").mkdir()
    with gzip.open(tmp_path / "sub" / "b.log.gz", "wb") as fh:
        fh.write("\n".join(ATM).encode())
    write(tmp_path / "a.log", "\n".join(ATM[:2]).encode())
    write(tmp_path / "notes.png", b"\x89PNG\x00\x00")
    files = resolve_paths(tmp_path)
    assert [f.name for f in files] == ["a.log", "b.log.gz"]
    frame = read_logs(tmp_path, warn=False)
    assert len(frame) == 5
    assert frame.groupby("source", observed=True)["line_no"].max().tolist() == [2, 3]
    assert len(read_logs(str(tmp_path / "**" / "*.gz"), warn=False)) == 3


def test_the_files_of_a_rotated_log_are_read_oldest_first(tmp_path):
    # Untimed lines keep their order of time only if app.log.10 (oldest) comes before app.log.2, app.log.1, app.log.
    for n in (10, 2, 1):
        write(tmp_path / f"app.log.{n}", f"rotation {n}\n".encode())
    write(tmp_path / "app.log", b"current\n")
    write(tmp_path / "apt.log", b"other\n")
    expected = ["app.log.10", "app.log.2", "app.log.1", "app.log", "apt.log"]
    assert [f.name for f in resolve_paths(tmp_path)] == expected
    assert [f.name for f in resolve_paths(str(tmp_path / "ap*"))] == expected
    assert read_logs(tmp_path, warn=False)["content"].tolist() == ["rotation 10", "rotation 2", "rotation 1",
                                                                    "current", "other"]
    # log4j's rolling names: a date, then an index that grows as the files age within the day.
    for n in (1, 2, 10):
        write(tmp_path / f"svc.log.2024-03-10.{n}", b"old\n")
    names = [f.name for f in resolve_paths(str(tmp_path / "svc.log*"))]
    assert names == ["svc.log.2024-03-10.1", "svc.log.2024-03-10.2", "svc.log.2024-03-10.10"]
    for n in (1, 2, 10):  # log4j2's app-%d{yyyy-MM-dd}-%i.log: the index inside the name
        write(tmp_path / f"web-2024-03-10-{n}.log", b"old\n")
    names = [f.name for f in resolve_paths(str(tmp_path / "web-*"))]
    assert names == ["web-2024-03-10-1.log", "web-2024-03-10-2.log", "web-2024-03-10-10.log"]
    # Named one by one, files keep the order they were given in, but those of one rotated log, next to each other
    # (a shell lists syslog* newest first), come oldest first.
    named = [tmp_path / "web-2024-03-10-1.log", tmp_path / "app.log", tmp_path / "app.log.1", tmp_path / "apt.log"]
    assert [f.name for f in resolve_paths(named)] == ["web-2024-03-10-1.log", "app.log.1", "app.log", "apt.log"]
    # Numbered pieces without their live file (split's app.log.000, app.log.001) count up: kept as given.
    pieces = [write(tmp_path / f"big.log.{n:03d}", b"x\n") for n in range(2)]
    assert resolve_paths(pieces) == pieces


def test_a_directory_reads_rotated_logs_and_names_the_files_it_leaves_out(tmp_path, capsys):
    # logrotate's dateext names (access.log-20240310[.gz]) and numbered ones are logs; a CSV export beside them is
    # named in a warning, never silently dropped.
    logs = tmp_path / "logs"
    logs.mkdir()
    write(logs / "error.log", "\n".join(ATM[:2]).encode())
    write(logs / "error.log-20240310", "\n".join(ATM).encode())
    with gzip.open(logs / "error.log-20240309.gz", "wb") as fh:
        fh.write("\n".join(ATM).encode())
    write(logs / "syslog.1", "\n".join(ATM[:1]).encode())
    write(logs / "events.csv", b"time,message\n2024-03-10 10:00:00,started\n")
    write(logs / "run.labels.csv", b"line_no,is_anomaly\n")
    write(logs / ".hidden.log", b"x\n")
    (logs / ".model.tmp-1a2b" / "sub").mkdir(parents=True)  # a hidden folder (an interrupted save's) is no log's
    write(logs / ".model.tmp-1a2b" / "sub" / "detector.json", b"{}\n")
    # Nor are the folders logad writes whole, an earlier run's, whatever this run's flags: a model, a projector run.
    from logad_utils import persistence, projector
    from logad_utils.io import LOGAD_FOLDER_MARKERS

    assert set(LOGAD_FOLDER_MARKERS) == {persistence.MODEL_FILE, projector.INFO_FILE}
    for folder, marker in (("model", persistence.MODEL_FILE), ("proj/tfidf", projector.INFO_FILE)):
        (logs / folder).mkdir(parents=True)
        write(logs / folder / marker, b"{}\n")
        write(logs / folder / "templates.json", b'{"message": "x"}\n')
    names = [f.name for f in resolve_paths(logs)]
    assert names == ["error.log-20240309.gz", "error.log-20240310", "error.log", "syslog.1"]
    frame = read_logs(logs, warn=False)
    assert len(frame) == 9
    [warning] = [w for w in frame.attrs["read_report"]["warnings"] if "not named like logs" in w]
    assert "1 file(s)" in warning and "events.csv" in warning and "labels" not in warning
    assert main(["parse", str(logs), "--out", str(tmp_path / "p.csv")]) == 0
    assert "events.csv" in capsys.readouterr().err
    # Named on its own beside its folder, it is read, and no warning says otherwise.
    both = read_logs([logs, logs / "events.csv"], warn=False).attrs["read_report"]
    assert str(logs / "events.csv") in both["files"] and not both["passed_over"]


@pytest.mark.parametrize("suffix, compress", [(".xz", lzma.compress), (".bz2", bz2.compress)])
def test_xz_and_bzip2_are_read_like_gzip(tmp_path, suffix, compress):
    write(tmp_path / f"b.log{suffix}", compress("\n".join(ATM).encode()))
    frame = read_logs(tmp_path, warn=False)
    assert frame["raw"].tolist() == ATM and frame["component"].tolist() == ["AGENT", "HOST", "PRINTER"]
    write(tmp_path / f"c.log{suffix}", compress("\n".join(ATM).encode())[:12])
    with pytest.raises(LogInputError, match=f"corrupt {'xz' if suffix == '.xz' else 'bzip2'} file"):
        read_logs(tmp_path / f"c.log{suffix}", warn=False)


def test_text_that_starts_like_a_compression_header_is_text(tmp_path):
    frame = read_logs(write(tmp_path / "bzh.log", b"BZhang logged in from 10.0.0.1\nBZhang logged out\n"), warn=False)
    assert frame["raw"].tolist() == ["BZhang logged in from 10.0.0.1", "BZhang logged out"]


def test_blank_and_unparsed_lines_are_kept_and_counted(tmp_path):
    # A line with a timestamp of its own is an event, not a continuation of the one before.
    lines = [ATM[0], "", "   ", "2024-01-02 03:04:05 garbage that matches nothing", ATM[1]]
    frame = read_logs(write(tmp_path / "a.jrn", "\n".join(lines).encode()), fmt="atm", warn=False)
    assert frame["raw"].tolist() == lines
    assert frame["blank"].tolist() == [False, True, True, False, False]
    assert frame["parsed"].tolist() == [True, False, False, False, True]
    assert frame.loc[3, "content"] == lines[3]
    assert frame["event_line_no"].tolist() == [1, 2, 3, 4, 5]
    report = frame.attrs["read_report"]
    assert (report["blank"], report["unparsed"], report["lines"]) == (2, 1, 5)


def test_invalid_utf8_is_replaced_and_counted(tmp_path):
    frame = read_logs(write(tmp_path / "a.log", b"ok line\nbad \xff\xfe byte\n"), warn=False)
    assert frame.loc[1, "raw"] == "bad \ufffd\ufffd byte"
    assert frame.attrs["read_report"]["invalid_bytes"] == 2


def test_the_warning_of_invalid_utf8_names_the_files_that_hold_it(tmp_path):
    # A folder of UTF-8 logs and one legacy Latin-1 log: the warning said how many bytes, not in which file.
    write(tmp_path / "app.log", b"2024-01-01 00:00:00 INFO started\n")
    write(tmp_path / "legacy.log", "2024-01-01 00:00:01 WARN r\xe9plication \xe9chou\xe9e\n".encode("latin-1"))
    report = read_logs(tmp_path, warn=False).attrs["read_report"]
    assert report["invalid_files"] == {str(tmp_path / "legacy.log"): 3}
    assert f"replaced by U+FFFD ({tmp_path / 'legacy.log'}: 3)" in report["warnings"][0]


def test_a_windows_1252_log_is_read_as_that_and_said_so_where_stray_bytes_stay_replaced(tmp_path):
    # A log written in Windows-1252 ("é" as byte 0xE9) read as UTF-8 lost every accent to U+FFFD.
    lines = [f"2024-01-01 00:00:{i:02d} WARN r\xe9plication \xe9chou\xe9e pour l'h\xf4te {i}" for i in range(10)]
    legacy = write(tmp_path / "legacy.log", "\n".join(lines).encode("cp1252"))
    frame = read_logs(legacy, warn=False)
    report = frame.attrs["read_report"]
    assert frame.loc[0, "content"] == "r\xe9plication \xe9chou\xe9e pour l'h\xf4te 0"
    assert report["invalid_bytes"] == 0
    assert f"{legacy}: not UTF-8; read as Windows-1252 (cp1252, Latin-1's superset)" in report["warnings"]
    # A log with a few stray bytes, or with more UTF-8 accents than bad bytes, stays UTF-8.
    plain = [f"2024-01-01 00:00:{i:02d} INFO replication done {i}" for i in range(10)]
    stray = write(tmp_path / "stray.log", "\n".join(plain + lines[:1]).encode("cp1252"))
    mixed = write(tmp_path / "mixed.log", "\n".join(lines[:6]).encode() + b"\n" + "\n".join(lines[6:]).encode("cp1252"))
    for path, bad in ((stray, 4), (mixed, 16)):
        assert read_logs(path, warn=False).attrs["read_report"]["invalid_bytes"] == bad


def test_a_utf8_log_holding_replacement_characters_stays_utf8(tmp_path):
    # U+FFFD written by an earlier reader is valid UTF-8: it was counted as a bad byte and the log read as cp1252.
    lines = [f"2024-01-01 00:00:{i:02d} INFO user Jos\ufffd Garc\ufffda in caf\xe9 {i}" for i in range(10)]
    path = write(tmp_path / "replaced.log", "\n".join(lines).encode())
    frame = read_logs(path, warn=False)
    assert frame.loc[0, "content"] == "user Jos\ufffd Garc\ufffda in caf\xe9 0"
    assert not any("Windows-1252" in w for w in frame.attrs["read_report"]["warnings"])


@pytest.mark.parametrize("chunk_lines", [200_000, 7])
@pytest.mark.parametrize("line, replaced", [
    ('{"time": "2024-01-01T00:00:%02dZ", "level": "info", "message": "user %d in \\ud800 \\ud83d\\ude00"}', 1),
    ('{"time": "2024-01-01T00:00:%02dZ", "message": "user %d in \\ud800 \\ud83d\\ude00", '
     '"tags": ["a\\udfff", {"b\\ud800": ["\\ud800"]}]}', 4),
    ('time=2024-01-01T00:00:%02dZ level=info msg="user %d in \\ud800 \\ud83d\\ude00"', 1),
])
def test_unpaired_surrogate_escapes_in_structured_lines_are_replaced_and_counted(tmp_path, line, replaced,
                                                                                 chunk_lines):
    # JSON may escape half a UTF-16 pair; no UTF-8 output can hold it, so it must not stop the read or a write.
    # Each is counted once, however many chunks the lines fall in (a chunk looks at the next one's first lines).
    lines = [line % (i, i) for i in range(30)]
    frame = read_logs(write(tmp_path / "a.log", "\n".join(lines).encode()), chunk_lines=chunk_lines, warn=False)
    assert frame.attrs["read_report"]["formats"][str(tmp_path / "a.log")] != "raw"
    assert frame.loc[3, "content"] == "user 3 in \ufffd \U0001f600"  # the whole pair is a character, kept
    assert frame.attrs["read_report"]["invalid_bytes"] == 30 * replaced
    assert main(["parse", str(tmp_path / "a.log"), "--out", str(tmp_path / "p.parquet")]) == 0
    assert main(["parse", str(tmp_path / "a.log"), "--out", str(tmp_path / "p.csv")]) == 0


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["\\\\", "\\ud83d", "\\ude00", "\\uD800", "\\udBFF", "\\u0041", "\\\"", "a", "u"]),
                max_size=8))
def test_lone_surrogate_escapes_are_found_as_json_reads_them(parts):
    # An emoji's escaped pair is one character, an escaped backslash ends no escape: as json.loads decides.
    text = '"' + "".join(parts) + '"'
    decoded = json.loads(text)
    assert bool(_lone_surrogate_escapes(text)) == any(0xD800 <= ord(c) <= 0xDFFF for c in decoded)


@pytest.mark.parametrize("line", [
    '{"time": "2024-01-01T00:00:%02dZ", "message": "job %d done", "trace": ' + "[" * 900 + "]" * 900 + "}",
    '{"time": "2024-01-01T00:00:%02dZ", "message": "job %d done", "level": ' + "[" * 900 + '"error"' + "]" * 900 + "}",
    '2024-01-01T00:00:%02d.000000000Z stdout F {"message": "job %d done", "level": ' + "[" * 900 + '"error"'
    + "]" * 900 + "}",
])
def test_json_values_nested_as_deep_as_json_reads_are_read(tmp_path, line):
    # Python recurses less deep than json reads: written as text with a stack, such a value stops nothing.
    plain = ('{"time": "2024-01-01T00:00:%02dZ", "message": "job %d done"}' if line.startswith("{") else
             '2024-01-01T00:00:%02d.000000000Z stdout F {"message": "job %d done"}')
    lines = [(line if i == 20 else plain) % (i, i) for i in range(40)]
    frame = read_logs(write(tmp_path / "a.log", "\n".join(lines).encode()), warn=False)
    assert frame["parsed"].all() and frame["content"].tolist() == [f"job {i} done" for i in range(40)]
    if "level" in line:
        assert frame.loc[20, "level"] == "error"
    assert main(["formats", "--detect", str(tmp_path / "a.log")]) == 0


def test_time_of_day_rolls_over_to_next_day(tmp_path):
    lines = ["23:59:58  0001 HOST a", "00:00:03  0002 HOST b"]
    frame = read_logs(write(tmp_path / "a.jrn", "\n".join(lines).encode()), warn=False)
    delta = frame["timestamp"].iloc[1] - frame["timestamp"].iloc[0]
    assert delta.total_seconds() == 5
    assert str(frame["timestamp"].iloc[0].date()) == "1970-01-01"


def test_time_of_day_log_takes_its_date_from_a_day_marker(tmp_path):
    lines = ["00:00:00  0001 JOURNAL Day start 2026-03-02", "23:59:59  0002 HOST a", "00:00:01  0003 HOST b"]
    frame = read_logs(write(tmp_path / "a.jrn", "\n".join(lines).encode()), warn=False)
    assert [str(t) for t in frame["timestamp"]] == ["2026-03-02 00:00:00", "2026-03-02 23:59:59",
                                                   "2026-03-03 00:00:01"]


def test_chunks_cover_every_line_in_order(tmp_path):
    lines = [f"08:00:{i % 60:02d}  {i:04d} HOST message {i}" for i in range(1, 1001)]
    path = write(tmp_path / "a.jrn", "\n".join(lines).encode())
    chunks = list(iter_log_chunks(path, chunk_lines=300))
    assert [len(c) for c in chunks] == [300, 300, 300, 100]
    assert np.concatenate([c["line_no"] for c in chunks]).tolist() == list(range(1, 1001))


def test_huge_line_is_truncated_and_counted(tmp_path):
    path = write(tmp_path / "a.log", b"short\n" + b"x" * 50_000_000 + b"\nlast\n")
    frame = read_logs(path, warn=False)
    assert len(frame) == 3 and frame["line_no"].tolist() == [1, 2, 3]
    assert frame["truncated"].tolist() == [False, True, False]
    assert frame.attrs["read_report"]["truncated"] == 1


@pytest.mark.parametrize("make, message", [
    (lambda p: p / "missing.log", "no such file"),
    (lambda p: (p / "empty").mkdir() or p / "empty", "holds no log files"),
    (lambda p: write(p / "bin.log", b"\x7fELF\x00\x00\x01"), "binary"),
])
def test_bad_inputs_raise_clear_errors(tmp_path, make, message):
    with pytest.raises(LogInputError, match=message):
        read_logs(make(tmp_path), warn=False)


def test_a_folder_of_files_not_named_like_logs_names_them_in_its_error(tmp_path):
    # It said only "holds no log files" beside a Windows event export, which a user reads by naming it.
    write(tmp_path / "System-events.csv", b"Level,Date and Time,Source\nError,12/3/2026 1:00:00 AM,SCM\n")
    with pytest.raises(LogInputError, match=r"holds no log files .*; name its files to read them \(.*System-events"):
        read_logs(tmp_path, warn=False)


def test_empty_file_gives_no_rows_and_a_warning(tmp_path):
    frame = read_logs(write(tmp_path / "a.log", b""), warn=False)
    assert len(frame) == 0
    assert any("empty" in w for w in frame.attrs["read_report"]["warnings"])


def test_binary_file_among_others_is_skipped_and_reported(tmp_path):
    write(tmp_path / "a.log", "\n".join(ATM).encode())
    write(tmp_path / "b.log", b"\x00\x01\x02")
    frame = read_logs(tmp_path, warn=False)
    assert len(frame) == 3
    assert len(frame.attrs["read_report"]["skipped_files"]) == 1


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x00"),
                        max_size=40), min_size=1, max_size=30),
       st.sampled_from(["\n", "\r\n", "\r"]))
def test_any_text_gives_one_row_per_line(tmp_path_factory, lines, sep):
    path = tmp_path_factory.mktemp("h") / "x.log"
    path.write_bytes(sep.join(lines).encode())
    frame = read_logs(path, warn=False)
    # A final separator ends the last line rather than starting a new one.
    expected = lines[:-1] if lines[-1] == "" else lines
    assert len(frame) == len(expected)
    assert frame["line_no"].tolist() == list(range(1, len(expected) + 1))


def test_a_byte_order_mark_inside_a_file_is_not_part_of_its_line(tmp_path):
    # Two files written with a BOM, joined by cat: the second one's BOM opens a line in the middle.
    def part(day: int) -> bytes:
        return "\ufeff".encode() + "".join(f"2024-03-0{day} 09:00:{i:02d},000 INFO [main] app.Worker - job {i} done\n"
                                          for i in range(30)).encode()

    write(tmp_path / "joined.log", part(4) + part(7))
    frame = read_logs(tmp_path / "joined.log", warn=False)
    assert frame["timestamp"].dt.day.tolist() == [4] * 30 + [7] * 30
    assert not frame["raw"].str.contains("\ufeff").any() and frame["level"].eq("INFO").all()


def test_utf16_with_bom_is_decoded(tmp_path):
    frame = read_logs(write(tmp_path / "ps.log", "first line\r\nsecond line\r\n".encode("utf-16")), warn=False)
    assert frame["raw"].tolist() == ["first line", "second line"]


def test_custom_time_only_format_is_deterministic_and_rolls_over(tmp_path):
    path = write(tmp_path / "t.log", b"23:59:59 INFO a\n00:00:01 INFO b\n")
    frame = read_logs(path, fmt="<Time> <Level> <Content>", warn=False)
    assert [str(t) for t in frame["timestamp"]] == ["1970-01-01 23:59:59", "1970-01-02 00:00:01"]



@pytest.mark.parametrize("chunk_lines", [100, 300, 200_000])
def test_a_given_format_reads_a_files_times_in_one_layout_whatever_a_chunk_opens_with(tmp_path, chunk_lines):
    # Each chunk guessed its layout from its own first values: one opening with the block of other words read no
    # time, one opening with "01/05/2024" read it month first, where the file's first lines are day first.
    path = tmp_path / "jobs.log"
    expected = write_day_first_log(path)
    frame = read_logs(path, fmt="<Date> <Time> <Content>", chunk_lines=chunk_lines, warn=False)
    assert [None if pd.isna(t) else t for t in frame["timestamp"]] == expected


@pytest.mark.parametrize("chunk_lines", [100, 300, 200_000])
def test_a_detected_format_reads_a_files_times_in_one_layout_whatever_a_chunk_opens_with(tmp_path, chunk_lines):
    # A detected layout whose times have no layout of their own (a CSV file's time column) guessed it per chunk: one
    # opening with a block of "n/a" cells read none of the times after it, one opening with "01/05/2024" read it
    # month first, where the file's first lines are day first.
    path = tmp_path / "jobs.csv"
    expected = write_day_first_log(path, cells=True)
    frame = read_logs(path, chunk_lines=chunk_lines, warn=False)
    assert [None if pd.isna(t) else t for t in frame["timestamp"]] == expected


@pytest.mark.parametrize("chunk_lines", [1, 2, 200_000])
def test_year_less_syslog_rolls_over_new_year(tmp_path, chunk_lines):
    lines = [b"Dec 31 23:59:58 host sshd[1]: a", b"Dec 31 23:59:59 host sshd[1]: b",
             b"Jan  1 00:00:01 host sshd[1]: c", b"Aug  1 12:00:00 host sshd[1]: d",
             b"Jan  2 00:00:00 host sshd[1]: e"]
    path = write(tmp_path / "messages", b"\n".join(lines))
    frame = pd.concat(list(iter_log_chunks(path, chunk_lines=chunk_lines)), ignore_index=True)
    ts = frame["timestamp"]
    assert ts.is_monotonic_increasing
    assert (ts.iloc[2] - ts.iloc[1]).total_seconds() == 2
    assert ts.iloc[4].year == ts.iloc[0].year + 2


@pytest.mark.parametrize("chunk_lines", [1, 2, 3, 200_000])
def test_a_late_line_just_after_new_year_stays_in_its_year_and_a_quiet_day_still_counts(tmp_path, chunk_lines):
    # Two writers, one a moment behind: its line from before New Year lands just after it.
    years = [b"Dec 31 23:59:59 host cron[1]: a", b"Jan  1 00:00:00 host cron[1]: b",
             b"Dec 31 23:59:58 host cron[2]: late", b"Jan  1 00:00:02 host cron[1]: c",
             b"Jul  1 12:00:00 host cron[1]: d"]
    path = write(tmp_path / "messages", b"\n".join(years))
    ts = pd.concat(list(iter_log_chunks(path, chunk_lines=chunk_lines)), ignore_index=True)["timestamp"]
    assert ts.dt.year.tolist() == [2000, 2001, 2000, 2001, 2001]
    # Nightly jobs alone: a day's silence but three minutes is a day, not a line of the day before.
    days = [line for day in range(5) for line in ("00:01:00  0001 HOST backup started",
                                                  "00:02:10  0002 HOST backup finished", "23:59:00  0003 HOST rotate")]
    path = write(tmp_path / "a.jrn", "\n".join(days).encode())
    ts = pd.concat(list(iter_log_chunks(path, chunk_lines=chunk_lines)), ignore_index=True)["timestamp"]
    assert ts.is_monotonic_increasing and (ts.dt.day - 1).tolist() == [d for d in range(5) for _ in range(3)]


@pytest.mark.parametrize("chunk_lines", [2, 200_000])
def test_year_less_times_roll_on_across_the_files_of_a_rotated_log(tmp_path, chunk_lines):
    from logad_utils.streaming import count_keys

    times = write_rotated_syslog(tmp_path / "logs")
    frame = read_logs(tmp_path / "logs", chunk_lines=chunk_lines, warn=False)
    assert [Path(s).name for s in frame["source"].unique()] == ["syslog.2.gz", "syslog.1", "syslog"]
    got = frame["timestamp"]
    assert got.is_monotonic_increasing and (got - got.iloc[0]).tolist() == [t - times[0] for t in times]
    run = count_keys(tmp_path / "logs", chunk_lines=chunk_lines)
    again = pd.concat(list(run.chunks()), ignore_index=True)["timestamp"]  # the second pass reads file by file
    run.spill.close()
    assert again.tolist() == got.tolist()
    # Another log's files start their own clock.
    (tmp_path / "logs" / "auth.log").write_text("Jan  5 10:00:00 host sshd[2]: session opened\n")
    frame = read_logs(tmp_path / "logs", warn=False)
    assert frame.loc[frame["source"].str.endswith("auth.log"), "timestamp"].dt.year.tolist() == [2000]
    # Listed newest first (a shell's syslog*): read oldest first, as a folder's are (January came before December).
    # Logs of hosts named alike over the same weeks: no file goes on from the one before it, and each reads as it
    # reads alone (the years of the one before put them a year on).
    weeks = {"syslog": ("2024-01-04", 7), "syslog.1": ("2023-12-28", 7), "syslog.2": ("2023-12-14", 14)}
    for name, (day, days) in weeks.items():
        times = pd.date_range(day, periods=days * 4, freq="6h")
        (tmp_path / name).write_text("".join(f"{t:%b %e %H:%M:%S} host cron[1]: job ran\n" for t in times))
    hosts = [tmp_path / name for name in ("switch-1", "switch-2")]
    for path in hosts:  # two switches' logs of the same days, December into January
        path.write_text((tmp_path / "syslog.1").read_text())
    frame = read_logs([tmp_path / name for name in weeks], chunk_lines=chunk_lines, warn=False)
    assert [Path(s).name for s in frame["source"].unique()] == ["syslog.2", "syslog.1", "syslog"]
    assert frame["timestamp"].is_monotonic_increasing and frame["timestamp"].iloc[-1].year == 2001
    for listed in (hosts,):
        frame = read_logs(listed, chunk_lines=chunk_lines, warn=False)
        for path in listed:
            alone = read_logs(path, warn=False)["timestamp"].tolist()
            assert frame.loc[frame["source"] == str(path), "timestamp"].tolist() == alone


@pytest.mark.parametrize("chunk_lines", [1, 7, 200_000])
def test_detection_does_not_depend_on_chunk_size(tmp_path, chunk_lines):
    lines = ["", "00:00:00  0001 JOURNAL Day start 2026-03-02"] + ATM
    path = write(tmp_path / "a.jrn", "\n".join(lines).encode())
    frame = pd.concat(list(iter_log_chunks(path, chunk_lines=chunk_lines)), ignore_index=True)
    assert frame["line_no"].tolist() == list(range(1, len(lines) + 1))
    assert frame["parsed"].tolist() == [False] + [True] * (len(lines) - 1)
    assert str(frame["timestamp"].iloc[2]) == "2026-03-02 08:00:01"


# ----------------------------------------------------------------------------- damaged inputs among several

def gz_of_lines(n: int) -> bytes:
    """A gzip of ``n`` ATM lines that do not compress to nothing (so a cut lands mid-file)."""
    rng = np.random.default_rng(0)
    return gzip.compress("".join(f"08:00:{i % 60:02d}  {i:04d} HOST message {i} {rng.integers(1 << 60):x}\n"
                                 for i in range(n)).encode(), mtime=0)


@pytest.mark.parametrize("damage, message", [
    (lambda p: write(p / "b.log.gz", gz_of_lines(20_000)[:60_000]), r"rest of .*b\.log\.gz after line \d+"),
    (lambda p: write(p / "b.log.gz", gz_of_lines(10)[:12]), r"b\.log\.gz: corrupt gzip"),
    (lambda p: (p / "b.log").mkdir() or p / "b.log", r"b\.log: directory holds no log files"),
    (lambda p: p / "b.log", r"b\.log: no such file"),
])
def test_a_damaged_file_among_several_is_skipped_with_a_warning(tmp_path, damage, message):
    good = write(tmp_path / "a.log", "\n".join(ATM).encode())
    bad = damage(tmp_path)
    frame = read_logs([good, bad], warn=False)
    report = frame.attrs["read_report"]
    assert frame.loc[frame["source"] == str(good), "raw"].tolist() == ATM
    assert len(report["skipped_files"]) == 1 and re.search(message, report["skipped_files"][0])
    assert any(w.startswith("skipped") and str(bad) in w for w in report["warnings"])


def test_truncated_gzip_keeps_every_line_before_the_cut(tmp_path):
    data = gz_of_lines(20_000)
    bad = write(tmp_path / "b.log.gz", data[:60_000])
    frame = read_logs([write(tmp_path / "a.log", b"x\n"), bad], warn=False)
    rows = frame[frame["source"] == str(bad)]
    full = gzip.decompress(data).decode().splitlines()
    assert 0 < len(rows) < len(full) and rows["line_no"].tolist() == list(range(1, len(rows) + 1))
    # Whole lines only: the one the cut went through ("21:59:02  284") scored as the log's top anomaly.
    assert rows["raw"].tolist() == full[:len(rows)]
    # As many lines as a streaming decompressor recovers (what zcat prints), not only the first block's.
    recoverable = zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(data[:60_000]).count(b"\n")
    assert len(rows) == recoverable
    assert f"line {len(rows) + 1}, cut by the damage, left out" in frame.attrs["read_report"]["skipped_files"][0]


class FailsAfter20Bytes(io.FileIO):
    """A file whose disk fails after its first 20 bytes."""

    def read(self, size=-1):
        if self.tell() >= 20:
            raise OSError(errno.EIO, "Input/output error")
        return super().read(20 - self.tell() if size < 0 else min(size, 20 - self.tell()))


def test_vanished_file_and_mid_file_read_error_are_skipped(tmp_path, monkeypatch):
    from logad_utils import io as logio

    files = [write(tmp_path / f"{name}.log", "\n".join(ATM).encode()) for name in "abc"]
    opened = []

    def flaky_open(path, mode="r", *args, **kwargs):
        path = Path(path)
        opened.append(path.name)
        if path.name == "b.log":
            path.unlink(missing_ok=True)  # gone between listing and reading
        if path.name == "c.log" and opened.count("c.log") == 2:  # the first open only sniffs the head
            return FailsAfter20Bytes(path, "rb")
        return open(path, mode, *args, **kwargs)

    monkeypatch.setattr(logio, "open", flaky_open, raising=False)
    frame = read_logs(files, warn=False)
    skipped = frame.attrs["read_report"]["skipped_files"]
    # c.log's first line, cut by the failure after 20 bytes, is no line of the log: c.log has none.
    assert frame["source"].astype(str).value_counts().to_dict() == {str(files[0]): 3}
    assert "b.log: cannot read" in skipped[0] and re.search(r"c\.log: read failed .*Input/output", skipped[1])


def test_cli_finishes_a_partial_run_with_exit_code_3(tmp_path):
    good = write(tmp_path / "a.jrn", "\n".join(ATM * 20).encode())
    bad = write(tmp_path / "b.log.gz", gz_of_lines(20_000)[:60_000])
    out = tmp_path / "parsed.csv"
    proc = subprocess.run([sys.executable, "-m", "logad_utils", "parse", str(good), str(bad),
                           str(tmp_path / "gone.log"), "--out", str(out)], capture_output=True, text=True)
    assert proc.returncode == 3 and "Traceback" not in proc.stderr
    assert "partial run: 2 input(s) skipped or cut short" in proc.stderr
    assert "gone.log: no such file" in proc.stderr and "rest of" in proc.stderr
    assert pd.read_csv(out)["source"].nunique() == 2


def test_a_single_unreadable_input_is_still_an_error(tmp_path):
    with pytest.raises(LogInputError, match="corrupt gzip"):
        read_logs(write(tmp_path / "b.log.gz", gz_of_lines(10)[:12]), warn=False)


def test_json_line_of_only_time_and_level_is_not_blank(tmp_path):
    lines = [b'{"ts":"2024-01-01T10:00:00","level":"info","message":"start a"}',
             b'{"ts":"2024-01-01T10:00:01","level":"info"}',
             b'{"ts":"2024-01-01T10:00:02","level":"warn","message":"disk b"}']
    frame = read_logs(write(tmp_path / "a.json", b"\n".join(lines)), warn=False)
    assert frame["content"].tolist() == ["start a", "", "disk b"]
    assert frame["level"].tolist() == ["info", "info", "warn"]
    assert not frame["blank"].any()


@pytest.mark.parametrize("case", ["ns", "ns with gaps", "no times", "no lines", "us", "zoned"])
def test_elapsed_seconds_are_pandas_timedelta_division(case):
    from logad_utils.io import elapsed_seconds

    rng = np.random.default_rng(5)
    ts = pd.Series(np.sort(rng.integers(0, 10**17, 300)).view("datetime64[ns]"))
    ts = {"ns": ts, "ns with gaps": ts.where(rng.random(300) > 0.1), "no times": ts.where(ts < ts.min()),
          "no lines": ts[:0], "us": ts.astype("datetime64[us]"), "zoned": ts.dt.tz_localize("UTC")}[case]
    expected = ((ts - ts.min()) / pd.Timedelta(seconds=1)).to_numpy(dtype=float)
    np.testing.assert_array_equal(elapsed_seconds(ts), expected)


def test_timestamps_without_a_year_or_date_are_told(tmp_path):
    syslog = write(tmp_path / "s.log", "".join(f"Mar  5 14:07:{s:02d} web01 app[1]: job {s} done\n"
                                               for s in range(20)).encode())
    clock = write(tmp_path / "c.log", "".join(f"14:07:{s:02d} INFO job {s} done\n" for s in range(20)).encode())
    warnings = read_logs([syslog, clock], warn=False).attrs["read_report"]["warnings"]
    assert warnings == [f"{syslog}: timestamps have no year; read as from year 2000 on (a leap year, so 29 February "
                        "parses)", f"{clock}: timestamps have no date; read as days from 1970-01-01"]


def test_seconds_since_a_start_are_told_and_epoch_times_are_not(tmp_path):
    uptime = write(tmp_path / "u.log", "".join(f"[{s * 37.5:12.6f}] (II) event {s} done\n" for s in range(20)).encode())
    epoch = write(tmp_path / "e.log", "".join(f"{1710148442 + s}.123456 INFO event {s} done\n"
                                              for s in range(20)).encode())
    report = read_logs([uptime, epoch], warn=False).attrs["read_report"]
    assert report["warnings"] == [f"{uptime}: timestamps are seconds since a start (an uptime, no date); read as "
                                  "from 1970-01-01 on"]
    # Seconds since a boot have no zone: the report said "times UTC" of them.
    assert report["zoned_files"] == [str(epoch)] and time_zone(report).startswith("UTC in 1 of 2 files")


def test_terminal_colours_are_no_text_of_a_line(tmp_path):
    # docker compose and console loggers colour what they write to a terminal; a copy of it keeps the codes.
    lines, _ = compose_lines(60)
    reset = " |\x1b[0m "
    coloured = [f"\x1b[3{6 + i % 2}m{line.replace(' | ', reset, 1)}\x1b[K" for i, line in enumerate(lines)]
    plain, painted = (write(tmp_path / f"{name}.log", ("\n".join(text) + "\n").encode())
                      for name, text in (("plain", lines), ("painted", coloured)))
    want, got = read_logs(plain, warn=False), read_logs(painted, warn=False)
    assert got.attrs["read_report"]["formats"][str(painted)] == "inferred+writers"
    for column in ("timestamp", "component", "level", "content", "raw"):
        assert got[column].tolist() == want[column].tolist(), column


@pytest.mark.parametrize("chunk_lines", [1, 200_000])
def test_a_message_that_writes_its_own_date_sets_the_year_of_a_year_less_header(tmp_path, chunk_lines):
    # HAProxy through syslog: the relay's header has no year, the program's own time in the message has one.
    stamps = pd.date_range("2024-12-31 23:50", periods=40, freq="37s")
    lines = [f"{stamps[0]:%b %e %H:%M:%S} lb1 haproxy[812]: Proxy web started."]
    lines += [f"{t:%b %e %H:%M:%S} lb1 haproxy[812]: 10.0.0.{i}:5{i:04d} [{t:%d/%b/%Y:%H:%M:%S}.{i:03d}] fe be/srv1 "
              f"0/0/1/{i}/{i + 1} 200 {300 + i} - - ---- \"GET /x/{i} HTTP/1.1\"" for i, t in enumerate(stamps)]
    path = write(tmp_path / "haproxy.log", ("\n".join(lines) + "\n").encode())
    report = ReadReport()
    frame = pd.concat(list(iter_log_chunks(path, chunk_lines=chunk_lines, report=report)))
    assert frame["timestamp"].tolist() == [stamps[0], *stamps] and report.clocks == {}
    # A date a message names of something else (another day) dates nothing: read from 2000, as without one.
    other = [f"{t:%b %e %H:%M:%S} host certd[9]: certificate {i} expires 2031-06-{1 + i % 28:02d}"
             for i, t in enumerate(stamps)]
    frame = read_logs(write(tmp_path / "certs.log", ("\n".join(other) + "\n").encode()), warn=False)
    assert frame["timestamp"].dt.year.unique().tolist() == [2000, 2001]


@pytest.mark.parametrize("named", ["renewed certificate, valid until 2025-03-11",
                                   "backup of snapshot 2023-03-11 00:00 started"])
def test_a_message_that_names_its_day_in_another_year_without_its_clock_dates_nothing(tmp_path, named):
    # Syslog's year-less lines of one day, one of which names that day of another year (a certificate's expiry, a
    # snapshot's date) without the clock of its line: they are read from 2000, as without it, not in that year.
    lines = [f"Mar 11 02:{i:02d}:00 gw sshd[{900 + i}]: Accepted key port {40000 + i}" for i in range(30)]
    lines.insert(5, f"Mar 11 02:05:00 gw certd[77]: {named}")
    frame = read_logs(write(tmp_path / "sys.log", ("\n".join(lines) + "\n").encode()), warn=False)
    assert frame["timestamp"].dt.year.unique().tolist() == [2000]


@pytest.mark.parametrize("chunk_lines", [1, 200_000])
def test_a_note_above_year_less_times_that_names_a_date_sets_their_year(tmp_path, chunk_lines):
    # journalctl's short export: its note on the span it holds dates the year-less times (read from 2000); the first
    # is on or after the note's first date, across New Year too. A date a message names further down sets nothing.
    for begins, times, years in (("2024-03-04", ["Mar 11 10:00:01", "Mar 11 10:00:02"], [2024, 2024]),
                                 ("2023-12-28", ["Dec 30 23:59:59", "Jan  3 10:00:00"], [2023, 2024]),
                                 ("2023-12-28", ["Jan  3 10:00:00", "Jan  3 10:00:01"], [2024, 2024])):
        lines = [f"-- Logs begin at Thu {begins} 08:00:00 UTC, end at Fri 2024-03-12 10:00:00 UTC. --"]
        lines += [f"{t} host sshd[812]: key expires 2031-06-30" for t in times]
        path = write(tmp_path / "journal.txt", ("\n".join(lines) + "\n").encode())
        report = ReadReport()
        frame = pd.concat(list(iter_log_chunks(path, chunk_lines=chunk_lines, report=report)))
        assert frame["timestamp"].dt.year.tolist()[1:] == years, begins
        assert report.clocks == {} and report.warnings == [
            f"{path}: timestamps have no year; read as from {begins} on, the date the log's own lines name (a line "
            "above the first time, a message that writes its own date, or the weekdays written with its times)"]
    # With no such line they are read from 2000, and other files' years may move them.
    frame = read_logs(write(tmp_path / "plain.log", "\n".join(lines[1:]).encode()), warn=False)
    assert frame["timestamp"].dt.year.tolist() == [2000, 2000]
    assert list(frame.attrs["read_report"]["clocks"].values()) == ["years"]


@pytest.mark.parametrize("chunk_lines", [1, 200_000])
def test_weekdays_written_with_year_less_times_set_their_year(tmp_path, chunk_lines):
    # NetApp ONTAP's "Mon Mar 11 06:13:53 UTC [node: ...]" has no year, but its weekdays tell it: they were read in
    # 2000 (whose 11 March was a Saturday). 29 February 2024 is a Thursday, as it next is in 2052.
    stamps = pd.date_range("2024-02-29 23:58", periods=6, freq="50s")
    lines = [f"{t:%a %b %d %H:%M:%S} UTC [node-01: mgwd: vol.ok:info]: Volume vol{i} is OK."
             for i, t in enumerate(stamps)]
    path = write(tmp_path / "ontap.log", ("\n".join(lines) + "\n").encode())
    report = ReadReport()
    frame = pd.concat(list(iter_log_chunks(path, chunk_lines=chunk_lines, report=report)))
    assert frame["timestamp"].tolist() == list(stamps) and report.clocks == {}
    assert report.warnings == [f"{path}: timestamps have no year; read as from 2024-02-29 on, the date the log's own "
                               "lines name (a line above the first time, a message that writes its own date, or the "
                               "weekdays written with its times)"]
    # Weekdays no year agrees with (written wrong) date nothing: read from 2000, as without them.
    wrong = [line.replace("Fri", "Sat") for line in lines]
    frame = read_logs(write(tmp_path / "wrong.log", ("\n".join(wrong) + "\n").encode()), warn=False)
    assert frame["timestamp"].dt.year.unique().tolist() == [2000]


def test_the_year_weekdays_tell_is_the_latest_not_after_today():
    # 11 March is a Monday in 2019, 2024 and 2030: the latest of those not after today's date.
    times = pd.Series(pd.to_datetime(["2000-03-11 06:13:53", "2000-03-12 00:00:01"]))
    sample = ["Mon Mar 11 06:13:53 UTC [n: p: e:info]: a", "Tue Mar 12 00:00:01 UTC [n: p: e:info]: b"]
    assert weekday_date(sample, times, pd.Timestamp("2026-12-06")) == pd.Timestamp("2024-03-11")
    assert weekday_date(sample, times, pd.Timestamp("2024-03-10")) == pd.Timestamp("2019-03-11")
    assert weekday_date(["Mar 11 06:13:53 host p: a", "Mar 12 00:00:01 host p: b"], times) is None
    # Lines without a weekday, or with one after their time only (a message's "due Sat"), tell nothing.
    three = pd.Series(pd.to_datetime(["2000-03-11 06:13:53", "2000-03-11 07:00:00", "2000-03-12 00:00:01"]))
    mixed = [sample[0], "Mar 11 07:00:00 host p: report due Sat", sample[1]]
    assert weekday_date(mixed, three, pd.Timestamp("2026-12-06")) == pd.Timestamp("2024-03-11")
    # Across New Year (the second time read in 2001): Sunday 31 December and Monday 1 January are 2023 and 2024.
    times = pd.Series(pd.to_datetime(["2000-12-31 23:59:00", "2001-01-01 00:01:00"]))
    sample = ["Sun Dec 31 23:59:00 UTC [n: p: e:info]: a", "Mon Jan 01 00:01:00 UTC [n: p: e:info]: b"]
    assert weekday_date(sample, times, pd.Timestamp("2026-12-06")) == pd.Timestamp("2023-12-31")


@pytest.mark.parametrize("chunk_lines", [1, 2, 200_000])
def test_a_journal_boot_separator_takes_the_time_of_the_event_after_it(tmp_path, chunk_lines):
    # journalctl writes "-- Boot <id> --" and "-- Reboot --" without a time between two boots' events: they had none
    # and were told as lines that missed the format. The boot comes up at the event after it (the host may have been
    # off for days since the one before); one that ends the export has only the one before.
    lines = ["Mar 11 10:00:01 host sshd[812]: session closed", "-- Boot 3f2a9c0d1e4b4a8f9b7c6d5e4f3a2b1c --",
             "Mar 14 08:00:00 host kernel: Linux version 6.1.0", "Mar 14 08:00:02 host sshd[90]: listening",
             "-- Reboot --", "Mar 15 09:00:00 host kernel: Linux version 6.1.0", "-- Reboot --"]
    path = write(tmp_path / "journal.txt", ("\n".join(lines) + "\n").encode())
    report = ReadReport()
    frame = pd.concat(list(iter_log_chunks(path, chunk_lines=chunk_lines, report=report)), ignore_index=True)
    assert frame["line_no"].tolist() == list(range(1, 8)) and frame["raw"].tolist() == lines
    assert frame["timestamp"].dt.strftime("%d %H:%M:%S").tolist() == [
        "11 10:00:01", "14 08:00:00", "14 08:00:00", "14 08:00:02", "15 09:00:00", "15 09:00:00", "15 09:00:00"]
    assert frame["parsed"].all() and frame["event_line_no"].tolist() == list(range(1, 8)) and report.unparsed == 0


def test_the_date_times_of_day_are_read_from_is_told_when_a_message_names_it(tmp_path):
    # The first date a message names anchors the days, whatever that message meant by it: the user is told.
    lines = ["10:00:00.100 INFO boot", "10:00:01.200 WARN cert expires on 2031-06-30, renew soon",
             "10:00:02.300 INFO ok"]
    frame = read_logs(write(tmp_path / "a.log", ("\n".join(lines) + "\n").encode()), warn=False)
    assert frame["timestamp"].dt.date.astype(str).tolist() == ["2031-06-30"] * 3
    assert frame.attrs["read_report"]["warnings"] == [
        f"{tmp_path / 'a.log'}: timestamps have no date; read as days from 2031-06-30, the first date a message names"]


def test_parse_lines_of_readlines_reads_as_read_logs_does(tmp_path):
    # Line ends kept by readlines() are dropped, and a year-less clock rolls over the new year as read_logs rolls it.
    path = write(tmp_path / "s.log", b"Dec 31 23:00:00 host app[1]: a\r\nJan  1 01:00:00 host app[1]: b\n")
    with open(path, newline="") as fh:
        got = parse_lines(fh.readlines(), source=str(path))
    expected = read_logs(path, warn=False)
    assert got["content"].tolist() == ["a", "b"]
    assert got["timestamp"].tolist() == expected["timestamp"].tolist() == [pd.Timestamp("2000-12-31 23:00"),
                                                                          pd.Timestamp("2001-01-01 01:00")]


def test_lines_whose_time_does_not_read_are_counted_and_reported(tmp_path):
    good = [f"2026-01-01 10:00:{i:02d} INFO svc: request {i} done" for i in range(50)]
    bad = [f"2026-13-45 10:00:{i:02d} INFO svc: request {i} done" for i in range(5)]  # month 13, day 45
    path = tmp_path / "x.log"
    path.write_text("\n".join(good + bad + good) + "\n")
    frame = read_logs(path, warn=False)
    report = frame.attrs["read_report"]
    assert frame["timestamp"].isna().sum() == 5 and report["untimed"] == 5
    assert (report["untimed_source"], report["untimed_line"]) == (str(path), 51)
    assert any("5 line(s) matched the format without a readable time" in w for w in report["warnings"])


def test_a_json_record_longer_than_the_cut_keeps_its_time_and_level(tmp_path):
    from logad_utils.io import MAX_LINE_CHARS

    rows = [json.dumps({"ts": f"2026-01-01T10:00:{i:02d}", "level": "INFO", "message": f"req {i}"}) for i in range(9)]
    # The message first, its time and level after 100,000 characters.
    rows.insert(5, json.dumps({"message": "X" * 100_000, "ts": "2026-01-01T10:00:30", "level": "ERROR"}))
    path = tmp_path / "big.jsonl"
    path.write_text("\n".join(rows) + "\n")
    frame = read_logs(path, warn=False)
    big = frame.iloc[5]
    assert big["event_line_no"] == 6 and big["level"] == "ERROR"
    assert big["timestamp"] == pd.Timestamp("2026-01-01 10:00:30")
    assert len(big["content"]) == MAX_LINE_CHARS and bool(big["truncated"])
    # The warning says where (it named no file).
    assert any(f"(the first at {path}:6)" in w for w in frame.attrs["read_report"]["warnings"])


def test_a_csv_cell_over_the_csv_modules_limit_is_read_cut(tmp_path):
    rows = ["Time,Level,Message"] + [f"2026-01-01 10:00:{i:02d},INFO,request {i}" for i in range(9)]
    rows.insert(4, '2026-01-01 10:00:40,ERROR,"' + "Y" * 140_000 + '"')  # csv reads at most 131,072 a cell
    path = tmp_path / "big.csv"
    path.write_text("\n".join(rows) + "\n")
    frame = read_logs(path, warn=False)
    big = frame.iloc[4]
    assert big["parsed"] and big["level"] == "ERROR" and big["timestamp"] == pd.Timestamp("2026-01-01 10:00:40")
    assert frame.attrs["read_report"]["unparsed"] == 0


@pytest.mark.parametrize("mix", ["concatenated", "interleaved"])
def test_two_programs_logs_in_one_file_are_each_read_by_their_own_layout(tmp_path, mix):
    relay, app = two_programs()
    blocks = [s for k in range(0, 200, 20) for s in relay[k:k + 20] + app[k:k + 20]]
    lines = relay + app if mix == "concatenated" else blocks
    frame = read_logs(write(tmp_path / "all.log", ("\n".join(lines) + "\n").encode()), warn=False)
    report = frame.attrs["read_report"]
    assert frame["parsed"].all() and frame["timestamp"].notna().all()
    ours = frame["raw"].isin(app).to_numpy()
    assert frame.loc[ours, "level"].tolist() == [("INFO", "WARN", "ERROR")[i % 3] for i in range(200)]
    assert set(frame.loc[ours, "component"]) == {"com.shop.Orders"}
    assert set(frame.loc[~ours, "component"]) == {"haproxy"}
    assert frame.loc[ours, "content"].str.startswith("order ").all()
    assert frame.loc[~ours, "content"].str.startswith("Server app").all()
    assert frame.loc[ours, "timestamp"].dt.year.eq(2024).all()
    assert sorted(report["layout_lines"][str(tmp_path / "all.log")].values()) == [200, 200]
    assert any("layout 1: 200 (50.0%), layout 2: 200 (50.0%), none: 0" in w for w in report["warnings"])


def test_a_program_whose_lines_are_appended_after_the_detection_span_is_read_by_its_own_layout(tmp_path):
    # ``cat app.log haproxy.log``: the app's 21,000 lines fill the first lines that detection samples.
    relay, app = two_programs(21_000)
    lines = app + relay[:300]
    path = write(tmp_path / "all.log", ("\n".join(lines) + "\n").encode())
    frame = read_logs(path, warn=False)
    assert frame["parsed"].all() and frame["timestamp"].notna().all()
    assert set(frame["component"].iloc[-300:]) == {"haproxy"}
    assert frame["content"].iloc[-300:].str.startswith("Server app").all()
    assert frame.attrs["read_report"]["layout_lines"][str(path)] == {"1": 21_000, "2": 300}
    assert parse_lines(lines)["content"].tolist() == frame["content"].tolist()
    assert describe_layout(path)["matches"].endswith("sampled from the first 20000 and 100 past them")


def test_the_layout_of_an_empty_file_says_it_is_empty(tmp_path):
    # It said "raw", "<Content>" and "0.0% of 0 event(s) in 0 lines sampled from the first 0".
    path = write(tmp_path / "empty.log", b"")
    assert describe_layout(path) == {"file": str(path), "layout": "none: the file is empty"}


@pytest.mark.parametrize("tail", [1, 150])
def test_a_few_lines_of_a_program_after_another_s_20000_are_read_by_their_own_layout(tmp_path, tail):
    relay, app = two_programs(20_000)
    lines = app + relay[:tail]
    path = write(tmp_path / "all.log", ("\n".join(lines) + "\n").encode())
    frame = read_logs(path, warn=False)
    assert frame["parsed"].all() == (tail >= 10)  # fewer are no layout: a handful of lines stay unmatched
    assert parse_lines(lines)["content"].tolist() == frame["content"].tolist()


def test_a_date_named_only_near_a_long_files_end_does_not_date_its_first_times_of_day(tmp_path):
    # Four days of times of day; only the last lines (read as a far block) name a date: the day the file ends.
    stamps = pd.date_range("2024-03-04", periods=25_000, freq="15s")
    lines = [f"{t:%H:%M:%S} INFO [worker-{i % 3}] job {i} done" for i, t in enumerate(stamps)]
    lines[-50:] = [f"{t:%H:%M:%S} INFO [report] daily report for {t:%Y-%m-%d} written" for t in stamps[-50:]]
    path = write(tmp_path / "tod.log", ("\n".join(lines) + "\n").encode())
    for times in (read_logs(path, warn=False)["timestamp"], parse_lines(lines)["timestamp"]):
        assert times.iloc[0] == pd.Timestamp("1970-01-01") and times.iloc[-1].day == 5


def test_a_few_lines_that_match_no_layout_stay_unmatched(tmp_path):
    relay, _ = two_programs(400)
    lines = relay[:100] + [f"@@ {k} garbage ## {'x' * k}" for k in range(6)] + relay[100:]
    frame = read_logs(write(tmp_path / "one.log", ("\n".join(lines) + "\n").encode()), warn=False)
    assert "layout" not in frame and not frame.attrs["read_report"]["layout_lines"]
    # They matched no layout: continuations of the event above, as before, not events of a layout of their own.
    assert frame.loc[frame["raw"].str.startswith("@@"), "event_line_no"].eq(100).all()
    assert (frame["event_line_no"] != frame["line_no"]).sum() == 6


def test_two_programs_whose_times_have_as_many_fields_are_each_read_by_their_own_layout(tmp_path):
    # A syslog relay's "Mar 11 09:14:02" and a database's "2024-03-11 09:14:02.331 UTC" are three fields each.
    relay, _ = two_programs()
    stamps = pd.date_range("2024-03-11 09:14:02.331", periods=200, freq="41s")
    db = [f"{t:%Y-%m-%d %H:%M:%S}.{t.microsecond // 1000:03d} UTC [{40 + i % 5}] {('LOG', 'ERROR')[i % 4 == 0]}:  "
          f"checkpoint {i} wrote {i % 11} buffers" for i, t in enumerate(stamps)]
    frame = read_logs(write(tmp_path / "all.log", ("\n".join(relay + db) + "\n").encode()), warn=False)
    assert frame["parsed"].all() and set(frame["layout"]) == {"1", "2"}
    ours = frame["raw"].isin(db).to_numpy()
    assert frame.loc[ours, "timestamp"].tolist() == list(stamps.floor("ms"))
    assert frame.loc[ours, "level"].tolist() == [("LOG", "ERROR")[i % 4 == 0] for i in range(200)]
    assert frame.loc[ours, "content"].str.startswith("checkpoint ").all()


def test_dates_that_read_day_or_month_first_alike_are_told(tmp_path):
    # Splunk's "03-04-2024" (4 March) read as 3 April with no word: no line of the file had a day above 12.
    from logad_utils.distributed import plan_partitions

    lines = "".join(f"03-04-2024 05:58:{s:02d}.012 +0100 INFO  loader - job {s} done\n" for s in range(30))
    dashed = write(tmp_path / "d.log", lines.encode())
    slashed = write(tmp_path / "s.log", lines.replace("-2024", "/2024").replace("03-04", "03/04").encode())
    told = write(tmp_path / "t.log", (lines + lines.replace("03-04-2024", "13-04-2024")).encode())
    frame = read_logs([dashed, slashed, told], warn=False)
    assert frame.attrs["read_report"]["warnings"] == [
        f"{dashed}: dates like 03-04-2024 read day first (3 April): no date among the lines sampled tells (none has a "
        "day above 12); to read them month first, give --time-format '%m-%d-%Y %H:%M:%S %z' (time_format= in "
        "Python)",
        f"{slashed}: dates like 03/04/2024 read month first (4 March): no date among the lines sampled tells (none has "
        "a day above 12); to read them day first, give --time-format '%d/%m/%Y %H:%M:%S %z' (time_format= in "
        "Python)"]
    assert frame["timestamp"].iloc[0] == pd.Timestamp("2024-04-03 04:58:00.012")  # as before: day first
    assert plan_partitions([dashed, told])[1].warnings == frame.attrs["read_report"]["warnings"][:1]
    assert describe_layout(dashed)["timestamp"].endswith("; day and month order assumed: no date sampled tells")
    assert "assumed" not in describe_layout(told)["timestamp"]
    # As the warning says: read month first, and no warning then.
    frame = read_logs(dashed, warn=False, time_format="%m-%d-%Y %H:%M:%S %z")
    assert frame["timestamp"].iloc[0] == pd.Timestamp("2024-03-04 04:58:00.012")
    assert frame.attrs["read_report"]["warnings"] == []


def test_a_python_format_with_its_own_name_and_time_format_is_not_told_day_or_month(tmp_path):
    # A LogFormat the user named and gave its dates' order was taken for one read off the file: it got the warning.
    lines = "".join(f"03-04-2024 05:58:{s:02d} INFO loader - job {s} done\n" for s in range(30))
    log = write(tmp_path / "d.log", lines.encode())
    mine = LogFormat(r"<Date> <Time> <Level> <Component> - <Content>", "mine", time_format="%d-%m-%Y %H:%M:%S",
                     time_fields=("Date", "Time"))
    frame = read_logs(log, mine, warn=False)
    assert frame.attrs["read_report"]["warnings"] == []
    assert frame["timestamp"].iloc[0] == pd.Timestamp("2024-04-03 05:58:00")
    # Keys found on JSON lines read their time format off the file: told.
    keyed = write(tmp_path / "j.log", "".join(f'{{"time": "03-04-2024 05:58:{s:02d}", "msg": "job {s} done"}}\n'
                                              for s in range(30)).encode())
    warnings = read_logs(keyed, warn=False).attrs["read_report"]["warnings"]
    assert len(warnings) == 1 and warnings[0].startswith(f"{keyed}: dates like 03-04-2024 read day first")


def test_describe_layout_gives_each_programs_time_format_and_its_share(tmp_path):
    # General: in a file of several programs' layouts, "timestamp" showed layout 1's time format alone, labelled
    # with the share of every layout's timed lines ("100.0% of lines"), as if all lines were written so.
    relay, app = two_programs(300)
    path = tmp_path / "mixed.log"
    path.write_text("\n".join(line for pair in zip(app, relay[:150] + [None] * 150) for line in pair if line) + "\n")
    time = describe_layout(path)["timestamp"]
    assert time == "layout 1: %Y-%m-%d %H:%M:%S,%f (66.7% of lines); layout 2: %b %d %H:%M:%S (33.3% of lines)"


def test_a_json_document_cut_short_is_reported_once_at_its_line_in_the_file(tmp_path):
    # Its lines were read, then its records again: each read reported the cut, the second counting lines from where
    # the records stopped ("after line 2"), and one file made "2 input(s) skipped".
    records = ",\n".join(f' {{\n  "time": "2024-03-11T10:00:{i % 60:02d}",\n  "msg": "user {i} logged in"\n }}'
                         for i in range(3000))
    data = gzip.compress(f"[\n{records}\n]\n".encode())
    bad = write(tmp_path / "doc.json.gz", data[:len(data) * 2 // 3])
    frame = read_logs(bad, warn=False)
    skipped = frame.attrs["read_report"]["skipped_files"]
    last = int(frame["line_no"].max())
    assert len(skipped) == 1 and f"after line {last} " in skipped[0], (skipped, last)
