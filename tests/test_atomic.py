"""Outputs are complete or absent: interrupted, killed or out-of-space runs leave nothing that looks finished."""
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from logad_utils.atomic import OutputError, atomic_dir, write_table, write_text, write_with
from logad_utils.datasets import write_log
from logad_utils.detectors import TfidfDetector
from logad_utils.pipeline import LogModel, load_model, save_model
from logad_utils.templates import LogTemplateMiner, mine_templates

LOGAD = [sys.executable, "-m", "logad_utils"]


def finished_names(folder):
    """Every path under ``folder`` except hidden temporaries."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if ".tmp-" not in p.name)


def temporaries(folder, prefix=""):
    return [p for p in folder.rglob("*") if ".tmp-" in p.name and p.name.startswith(prefix)]


def test_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    path = write_text(tmp_path / "out.txt", "old")

    def fail(tmp):
        tmp.write_text("half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_with(path, fail)
    assert path.read_text() == "old" and not temporaries(tmp_path)


def test_os_errors_become_one_line_output_errors(tmp_path):
    with pytest.raises(OutputError, match=r"missing/out.csv: cannot write \(.*non-existent directory"):
        write_table(pd.DataFrame({"a": [1]}), tmp_path / "missing" / "out.csv")


def test_directory_replaces_an_earlier_output_but_not_other_files(tmp_path):
    target = tmp_path / "model"
    with atomic_dir(target, marker="id.json") as folder:
        (folder / "id.json").write_text("1")
    with atomic_dir(target, marker="id.json") as folder:
        (folder / "id.json").write_text("2")
    assert (target / "id.json").read_text() == "2" and finished_names(tmp_path) == ["model", "model/id.json"]
    with pytest.raises(RuntimeError), atomic_dir(target, marker="id.json") as folder:
        (folder / "id.json").write_text("3")
        raise RuntimeError("interrupted")
    assert (target / "id.json").read_text() == "2" and not temporaries(tmp_path)
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "mine.txt").write_text("keep")
    with pytest.raises(OutputError, match="not an earlier output"):
        with atomic_dir(tmp_path / "notes", marker="id.json"):
            pass
    assert (tmp_path / "notes" / "mine.txt").read_text() == "keep"


@pytest.fixture(scope="module")
def log_50k(tmp_path_factory):
    log, _ = write_log(tmp_path_factory.mktemp("big") / "big.jrn", n_lines=50_000, seed=5)
    return log


def complete_parse(log: Path, tmp_path: Path) -> bytes:
    """The bytes of an uninterrupted ``logad parse`` of ``log``."""
    out = tmp_path / "complete" / "parsed.csv"
    out.parent.mkdir()
    subprocess.run(LOGAD + ["parse", str(log), "--out", str(out)], check=True, capture_output=True)
    return out.read_bytes()


def wait_stopped(pid: int, timeout: float = 5.0) -> None:
    """Return once process ``pid`` is stopped or gone: SIGSTOP takes effect some time after it is sent, and what
    is on disk before then is not yet a frozen picture."""
    stat = Path(f"/proc/{pid}/stat")
    if not stat.parent.exists():  # no /proc: give the signal a moment
        time.sleep(0.05)
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if stat.read_text().rsplit(")", 1)[1].split()[0] in ("T", "t", "Z", "X"):
                return
        except (OSError, IndexError):
            return
        time.sleep(0.0005)


def stop_while_writing(argv, watch, sig, prefix="."):
    """Run logad, freeze it (SIGSTOP) as soon as a temporary output named ``prefix``... appears under
    ``watch``, record what looks finished, then deliver ``sig``; returns (caught, finished names, exit code)."""
    proc = subprocess.Popen(LOGAD + argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    caught, frozen = False, []
    while proc.poll() is None:
        if temporaries(watch, prefix):
            proc.send_signal(signal.SIGSTOP)
            wait_stopped(proc.pid)
            caught, frozen = True, finished_names(watch)
            proc.send_signal(sig)
            proc.send_signal(signal.SIGCONT)
            break
        time.sleep(0.002)
    _, err = proc.communicate(timeout=120)
    assert "Traceback" not in err, err
    return caught, frozen, proc.returncode


@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGKILL, -9)])
def test_interrupted_parse_leaves_no_finished_looking_output(log_50k, tmp_path, sig, code):
    out = tmp_path / "out" / "parsed.csv"
    out.parent.mkdir()
    for _ in range(3):
        caught, frozen, returncode = stop_while_writing(["parse", str(log_50k), "--out", str(out)], out.parent, sig)
        if frozen == []:
            break
        # A busy machine's poll came late and the run had finished before it stopped: there was nothing to test.
        out.unlink(missing_ok=True)
    assert caught and frozen == [], "the run ended before its output was being written"
    # Now and then (seen only in full-suite runs; the cause is not found) a run frozen near its end finishes despite
    # the signal and ends with 0 or by the signal itself: the output must then be whole, as when the freeze came
    # inside the rename.
    assert returncode == code or (returncode in (0, -sig) and sig != signal.SIGKILL and out.exists())
    if out.exists():
        assert sig != signal.SIGKILL and out.read_bytes() == complete_parse(log_50k, tmp_path)
    if sig != signal.SIGKILL:
        assert not temporaries(out.parent)  # Ctrl-C and SIGTERM clean up their temporaries


def test_killed_detect_leaves_only_complete_outputs(log_50k, tmp_path):
    for attempt in range(3):
        run = tmp_path / f"run{attempt}"
        run.mkdir()
        scores, projector, model = run / "scores.csv", run / "projector", run / "model"
        caught, frozen, _ = stop_while_writing(
            ["detect", str(log_50k), "--out", str(scores), "--projector-dir", str(projector), "--save-model",
             str(model)], run, signal.SIGKILL, prefix=".tensors.tmp-")
        if caught:
            break
        # A busy machine's poll can miss the projector's short write: the run ended whole, nothing was tested.
    assert caught and "scores.csv" in frozen and len(pd.read_csv(scores)) == 50_000  # written first: complete
    assert not (projector / "tfidf" / "tensors.tsv").exists() and not model.exists()


def test_interrupted_model_save_keeps_the_earlier_model(tmp_path, monkeypatch):
    frame = pd.DataFrame({"content": [f"user {i} logged in" for i in range(50)], "blank": False})
    miner = LogTemplateMiner()
    frame = mine_templates(frame, miner)
    model = LogModel("tfidf", "raw", "message", miner, TfidfDetector().fit(frame))
    save_model(tmp_path / "model", model)
    real_write = Path.write_bytes

    def interrupted_after_one_file(path, data):
        if path.parent.name.startswith(".model.tmp-") and any(path.parent.iterdir()):
            raise KeyboardInterrupt
        return real_write(path, data)

    monkeypatch.setattr(Path, "write_bytes", interrupted_after_one_file)
    with pytest.raises(KeyboardInterrupt):
        save_model(tmp_path / "model", model)
    assert load_model(tmp_path / "model").method == "tfidf" and not temporaries(tmp_path)


def _small_file_limit():
    resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))


@pytest.mark.parametrize("argv", [
    ["parse", "{log}", "--out", "{out}/parsed.csv"],
    ["parse", "{log}", "--out", "{out}/parsed.parquet"],
    ["analyze", "{log}", "--method", "tfidf", "--out", "{out}"],
])
def test_file_size_limit_gives_one_clear_line_and_no_partial_output(tmp_path, argv):
    log, _ = write_log(tmp_path / "mid.jrn", n_lines=6_000, seed=3)
    out = tmp_path / "out"
    out.mkdir()
    argv = [a.format(log=log, out=out) for a in argv]
    proc = subprocess.run(LOGAD + argv, capture_output=True, text=True, preexec_fn=_small_file_limit,
                          timeout=300)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.strip()]  # a closed progress bar leaves blanks
    assert errors[-1].startswith("logad: error: ") and "too large" in errors[-1], errors
    assert sum("error" in line for line in errors) == 1, errors
    failed = errors[-1].removeprefix("logad: error: ").split(": cannot write (")[0]
    assert not os.path.exists(failed) and not temporaries(out)
    # Whatever was written before the failure is complete; the report, written last, is absent.
    assert "report.html" not in finished_names(out)
    for name in finished_names(out):
        if name.endswith(".csv"):
            pd.read_csv(out / name)


def test_an_error_of_another_file_inside_a_write_is_not_blamed_on_the_output(tmp_path):
    # An input gone while the output was written (Dask's second pass) was reported as "out.csv: cannot write".
    from logad_utils.atomic import OutputError, write_with

    gone = tmp_path / "app.log"

    def read_gone(tmp):
        gone.read_text()

    with pytest.raises(FileNotFoundError) as caught:
        write_with(tmp_path / "out.csv", read_gone)
    assert caught.value.filename == str(gone) and not list(tmp_path.iterdir())

    def full(tmp):
        raise OSError(28, "No space left on device", str(tmp))

    with pytest.raises(OutputError, match=r"out\.csv: cannot write \(No space left on device\)"):
        write_with(tmp_path / "out.csv", full)


def _encodings(path: Path) -> dict[str, tuple]:
    import pyarrow.parquet as pq

    group = pq.ParquetFile(path).metadata.row_group(0)
    return {group.column(i).path_in_schema: group.column(i).encodings for i in range(group.num_columns)}


def test_parquet_keeps_dictionaries_for_repeats_and_writes_line_numbers_and_times_as_deltas(tmp_path):
    from logad_utils.streaming import TableWriter

    frame = pd.DataFrame({"line_no": range(1, 301), "timestamp": pd.date_range("2024-03-11", periods=300, freq="s"),
                          "template_id": [1, 2, 3] * 100, "content": [f"job {i} done" for i in range(300)]})
    write_table(frame, tmp_path / "a.parquet")
    writer = TableWriter(tmp_path / "b.parquet")
    writer.write(frame)
    writer.close(frame.iloc[:0])
    for name in ("a.parquet", "b.parquet"):
        got = _encodings(tmp_path / name)
        assert "DELTA_BINARY_PACKED" in got["line_no"] and "DELTA_BINARY_PACKED" in got["timestamp"]
        assert "RLE_DICTIONARY" in got["template_id"] and "RLE_DICTIONARY" not in got["content"]
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / name), frame)


@pytest.mark.skipif(sys.platform == "win32", reason="flock is POSIX")
@pytest.mark.parametrize("refused", ["open", "flock"])
def test_a_folder_that_cannot_be_locked_is_written_unguarded(tmp_path, monkeypatch, refused):
    # NFS refuses an exclusive flock on a folder opened read-only (EBADF), some file systems have no locks (ENOLCK),
    # and a folder may be writable but not readable: analyze and compare failed there with a traceback.
    import errno
    import fcntl

    from logad_utils.atomic import writing_in

    def refuse(*args, **kwargs):
        raise OSError(errno.EBADF if refused == "flock" else errno.EACCES, "refused")

    monkeypatch.setattr(fcntl if refused == "flock" else os, refused, refuse)
    with writing_in(tmp_path):
        write_text(tmp_path / "report.html", "done")
    assert (tmp_path / "report.html").read_text() == "done"


@pytest.mark.skipif(sys.platform == "win32", reason="flock is POSIX")
def test_a_run_waiting_for_another_writing_into_its_folder_says_so(tmp_path):
    # The second run waited without a word: a nightly job stuck behind one that overran looked hung.
    import threading

    from logad_utils.atomic import writing_in

    held, release = threading.Event(), threading.Event()

    def first():
        with writing_in(tmp_path):
            held.set()
            release.wait(10)

    thread = threading.Thread(target=first)
    thread.start()
    held.wait(10)
    threading.Timer(0.2, release.set).start()
    with pytest.warns(UserWarning, match="another run is writing into this folder; waiting"):
        with writing_in(tmp_path):
            pass
    thread.join()
