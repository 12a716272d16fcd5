"""The ``logad`` command: outputs cover every line, errors are one clear line."""
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from logad_utils.cli import main
from logad_utils.datasets import write_log
from logad_utils.persistence import load_model

from conftest import traced_peak, two_programs
from logad_utils.summary import inputs


@pytest.fixture(scope="module")
def small_log(tmp_path_factory):
    log, labels = write_log(tmp_path_factory.mktemp("cli") / "small.jrn", n_lines=3000, seed=7)
    return log


def test_parse_writes_one_row_per_line(small_log, tmp_path, capsys):
    out = tmp_path / "parsed.parquet"
    assert main(["parse", str(small_log), "--out", str(out)]) == 0
    frame = pd.read_parquet(out)
    assert len(frame) == 3000 and frame["line_no"].tolist() == list(range(1, 3001))
    assert {"source", "line_no", "content", "template_id", "template"} <= set(frame.columns)
    summary = capsys.readouterr().out
    assert "lines 3000" in summary and "templates" in summary and "template health ok" in summary


def test_detect_unsupervised_and_known_good(small_log, tmp_path):
    lines = small_log.read_text().splitlines()
    scored = tmp_path / "new.log"
    scored.write_text("\n".join(lines[:200] + ["", "totally unexpected garbage line"]) + "\n")
    out = tmp_path / "scores.csv"
    assert main(["detect", str(small_log), "--out", str(out)]) == 0
    table = pd.read_csv(out)
    assert list(table.columns) == ["source", "line_no", "template_id", "score", "is_anomaly"]
    assert len(table) == 3000 and 0 < table["is_anomaly"].sum() < 300
    assert main(["detect", str(scored), "--train", str(small_log), "--format", "atm", "--out", str(out)]) == 0
    table = pd.read_csv(out)
    assert len(table) == 202 and table["line_no"].tolist() == list(range(1, 203))
    assert pd.isna(table.loc[200, "score"]) and table.loc[200, "is_anomaly"] == 0
    assert table.loc[201, "is_anomaly"] == 1


def test_detect_with_projector_export(small_log, tmp_path):
    out = tmp_path / "scores.csv"
    assert main(["detect", str(small_log), "--out", str(out), "--projector-dir", str(tmp_path / "proj")]) == 0
    meta = (tmp_path / "proj" / "tfidf" / "metadata.tsv").read_text().splitlines()
    tensors = (tmp_path / "proj" / "tfidf" / "tensors.tsv").read_text().splitlines()
    assert len(meta) == len(tensors) + 1 < 3001  # one point per unique message...
    counts = [int(row.split("\t")[meta[0].split("\t").index("count")]) for row in meta[1:]]
    assert sum(counts) == 3000  # ...standing for every line
    # A rerun replaces the export, and a file of the user's in its folder stays.
    (tmp_path / "proj" / "tfidf" / "notes.txt").write_text("mine")
    assert main(["detect", str(small_log), "--out", str(out), "--projector-dir", str(tmp_path / "proj")]) == 0
    assert (tmp_path / "proj" / "tfidf" / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize("argv, message", [
    (["parse", "missing.log", "--out", "x.csv"], "no such file"),
    (["parse", "{log}", "--out", "/nonexistent-dir/x.csv"], "does not exist"),
    (["parse", "{log}", "--out", "x.txt"], "must end in"),
    (["parse", "{log}", "--format", "<Date> <Level>", "--out", "{tmp}/x.csv"], "no <Content>"),
    (["detect", "{log}", "--contamination", "0.9", "--out", "{tmp}/x.csv"], "contamination"),
    (["detect", "{log}", "--method", "bert", "--model", "no-such/model", "--out", "{tmp}/x.csv"], "never downloads"),
    (["detect", "{log}", "--features", "bert", "--out", "{tmp}/x.csv"], "--features applies"),
    (["detect", "{log}", "--contamination", "0.01", "--percentile", "90", "--out", "{tmp}/x.csv"], "not both"),
    (["detect", "{log}", "--out", "{tmp}/x.csv", "--projector-dir", "{log}/proj"], "Not a directory"),
    (["analyze", "{log}", "--method", "tfidf", "--out", "{log}/out"], "Not a directory"),
])
def test_errors_are_one_line_without_traceback(argv, message, small_log, tmp_path):
    argv = [a.format(log=small_log, tmp=tmp_path) for a in argv]
    proc = subprocess.run([sys.executable, "-m", "logad_utils", *argv], capture_output=True, text=True)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    assert message in proc.stderr


def test_unknown_option_prints_usage():
    proc = subprocess.run([sys.executable, "-m", "logad_utils", "parse", "--bogus"], capture_output=True, text=True)
    assert proc.returncode == 2 and "usage:" in proc.stderr and "Traceback" not in proc.stderr


def test_help_lists_every_command():
    proc = subprocess.run([sys.executable, "-m", "logad_utils", "--help"], capture_output=True, text=True)
    for command in ("parse", "detect", "generate", "formats"):
        assert command in proc.stdout


def test_help_states_the_exit_codes(capsys):
    # A cron job or CI step reads the exit code; it was stated in the README only.
    with pytest.raises(SystemExit):
        main(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "exit codes: 0 done; 1 error" in text and "3 partial" in text and "143 terminated" in text


def test_help_names_every_compression_read(capsys):
    # It said "(plain or .gz)", though xz and bzip2 files are read as well (told by their first bytes).
    with pytest.raises(SystemExit):
        main(["parse", "--help"])
    assert "gzip, xz, bzip2" in " ".join(capsys.readouterr().out.split())


def test_parse_and_detect_say_times_that_carried_a_zone_are_in_utc(tmp_path, capsys):
    # "12:00:01+01:00" is written as 11:00:01: the output no longer shows the zone, so the summary says it.
    zoned = tmp_path / "zoned.log"
    zoned.write_text("".join(f"2024-03-11T12:00:{i:02d}+01:00 INFO svc: request {i} ok\n" for i in range(30)))
    naive = tmp_path / "naive.log"
    naive.write_text(zoned.read_text().replace("+01:00", ""))
    for path, said in ((zoned, True), (naive, False)):
        for command in ("parse", "detect"):
            assert main([command, str(path), "--out", str(tmp_path / f"{path.stem}.{command}.csv")]) == 0
            assert ("times UTC\n" in capsys.readouterr().out) is said
    assert pd.read_csv(tmp_path / "zoned.parse.csv")["timestamp"].iloc[0] == "2024-03-11 11:00:00"


def test_parse_starts_without_the_detectors(small_log, tmp_path):
    # scikit-learn alone takes seconds to import on a busy machine, SciPy a third of a small parse; parsing needs
    # neither.
    code = ("import sys; from logad_utils.cli import main; "
            f"assert main(['parse', {str(small_log)!r}, '--out', {str(tmp_path / 'p.csv')!r}]) == 0; "
            "print(sorted(m for m in ('sklearn', 'scipy', 'logad_utils.detectors') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("setting, pages", [(None, False), ("1", True)])
def test_the_command_leaves_numpy_arrays_on_small_pages_unless_told(setting, pages, small_log, tmp_path):
    # Huge pages are zeroed in full on first touch: analyze's many short-lived arrays spent a third of the trend
    # step clearing them. A user's own NUMPY_MADVISE_HUGEPAGE wins.
    env = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    env.update({} if setting is None else {"NUMPY_MADVISE_HUGEPAGE": setting})
    code = ("import sys; from logad_utils.__main__ import console; "
            f"sys.argv = ['logad', 'parse', {str(small_log)!r}, '--out', {str(tmp_path / 'p.csv')!r}]; "
            "assert console() == 0; import numpy; print(numpy._core.multiarray._get_madvise_hugepage())")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert done.stdout.strip().splitlines()[-1] == str(pages)


def test_generate_writes_log_and_labels(tmp_path):
    assert main(["generate", "--lines", "500", "--seed", "3", "--out", str(tmp_path / "g.jrn")]) == 0
    labels = pd.read_csv(tmp_path / "g.labels.csv")
    assert len((tmp_path / "g.jrn").read_text().splitlines()) == len(labels) == 500


@pytest.mark.parametrize("method, extra", [("tfidf", []), ("tfidf", ["--scorer", "knn"]),
                                           ("tfidf", ["--scorer", "iforest"]), ("tfidf", ["--scorer", "hybrid"]),
                                           ("bert", []),
                                           ("autoencoder", ["--features", "tfidf"])])
def test_saved_model_reproduces_detect_scores(small_log, tmp_path, method, extra):
    detect_out, score_out, model = tmp_path / "d.csv", tmp_path / "s.csv", tmp_path / "model"
    assert main(["detect", str(small_log), "--method", method, *extra, "--out", str(detect_out),
                 "--save-model", str(model)]) == 0
    assert main(["score", "--model", str(model), str(small_log), "--out", str(score_out)]) == 0
    detected, scored = pd.read_csv(detect_out), pd.read_csv(score_out)
    pd.testing.assert_frame_equal(detected, scored)


@pytest.mark.parametrize("option, case", [("--save-model", "folder of other files"), ("--save-model", "a file"),
                                          ("--save-model", "under a file"), ("--projector-dir", "a file"),
                                          ("--projector-dir", "under a file")])
def test_a_folder_that_cannot_be_written_is_refused_before_the_scores_replace_an_earlier_run(small_log, tmp_path,
                                                                                              capsys, option, case):
    out, taken = tmp_path / "scores.csv", tmp_path / "taken"
    out.write_text("an earlier run\n")
    if case == "folder of other files":
        taken.mkdir()
        (taken / "notes.txt").write_text("not a model")  # never replaced
    else:
        taken.write_text("a file")
    folder = taken / "model" if case == "under a file" else taken
    assert main(["detect", str(small_log), "--out", str(out), option, str(folder)]) == 1
    assert "taken" in capsys.readouterr().err
    assert out.read_text() == "an earlier run\n"


def test_a_ctrl_c_while_the_parser_is_built_ends_like_one_later(monkeypatch, capsys):
    from logad_utils import cli

    def interrupted(**_):
        raise KeyboardInterrupt  # building the parser imports scikit-learn: seconds on a busy machine

    monkeypatch.setattr(cli, "build_parser", interrupted)
    assert main(["detect", "x.log", "--out", "x.csv"]) == 130
    assert capsys.readouterr().err == "logad: interrupted\n"


def test_score_says_when_its_logs_read_as_another_format_than_the_models(small_log, tmp_path, capsys):
    # A model of a journal (the atm preset, saved) flagged every line of a JSON log, exit 0; a model whose layout
    # was inferred (saved as "auto") took any log without a word. detect --train warns for the same pair.
    records = tmp_path / "app.json"
    records.write_text("".join(json.dumps({"time": f"2024-03-11T10:00:{i % 60:02d}Z", "level": "info",
                                           "msg": f"request {i} served"}) + "\n" for i in range(300)))
    journal_model, json_model = tmp_path / "journal_model", tmp_path / "json_model"
    assert main(["detect", str(small_log), "--out", str(tmp_path / "a.csv"), "--save-model", str(journal_model)]) == 0
    assert main(["detect", str(records), "--out", str(tmp_path / "b.csv"), "--save-model", str(json_model)]) == 0
    capsys.readouterr()
    assert main(["score", "--model", str(journal_model), str(records), "--out", str(tmp_path / "c.csv")]) == 1
    assert "no line of these logs matches the model's format 'atm'" in capsys.readouterr().err
    assert not (tmp_path / "c.csv").exists()
    assert main(["score", "--model", str(json_model), str(small_log), "--out", str(tmp_path / "d.csv")]) == 0
    assert "the model's logs were read as json and these logs as atm" in capsys.readouterr().err
    assert main(["score", "--model", str(json_model), str(records), "--out", str(tmp_path / "e.csv")]) == 0
    assert "may not compare" not in capsys.readouterr().err


def test_score_says_which_templates_the_model_never_saw(small_log, tmp_path, capsys):
    # A message never seen in fit got a template id past the model's with nothing saying it was new.
    model = tmp_path / "model"
    assert main(["detect", str(small_log), "--out", str(tmp_path / "d.csv"), "--save-model", str(model)]) == 0
    known = len(load_model(model).miner.templates_)
    lines = small_log.read_text().splitlines()[:3]
    new = tmp_path / "new.jrn"
    new.write_text("\n".join([*lines, "00:00:06  0004 HOST Flux capacitor melted down"]) + "\n")
    capsys.readouterr()
    assert main(["score", "--model", str(model), str(new), "--out", str(tmp_path / "s.csv")]) == 0
    assert f"new templates 1 (1 line(s), template_id {known} and up)" in capsys.readouterr().out
    assert pd.read_csv(tmp_path / "s.csv")["template_id"].tolist()[-1] == known
    assert main(["score", "--model", str(model), str(small_log), "--out", str(tmp_path / "t.csv")]) == 0
    assert "new templates" not in capsys.readouterr().out


def test_score_takes_a_padded_layout_and_the_plain_one_as_the_same(tmp_path, capsys):
    # log4j's "%5p" pads INFO to " INFO": a model of such a log (read as inferred+padded) scoring a log of the same
    # program with no INFO or WARN line (read as inferred) warned that their messages may not compare.
    levels = ["DEBUG", "INFO", "WARN", "ERROR"]
    lines = [f"{levels[i % 4]:>5} 2024-03-01 10:00:{i % 60:02d},000 [main] Svc - request {i} served"
             for i in range(200)]
    padded, plain, model = tmp_path / "padded.log", tmp_path / "plain.log", tmp_path / "model"
    padded.write_text("\n".join(lines) + "\n")
    plain.write_text("\n".join(line for line in lines if not line.startswith(" ")) + "\n")
    assert main(["detect", str(padded), "--out", str(tmp_path / "a.csv"), "--save-model", str(model)]) == 0
    capsys.readouterr()
    assert main(["score", "--model", str(model), str(plain), "--out", str(tmp_path / "b.csv")]) == 0
    assert "may not compare" not in capsys.readouterr().err


def test_score_with_a_model_of_two_programs_logs_takes_either_programs_log_as_its_own(tmp_path, capsys):
    # A model of one file holding two programs' logs (read by a layout each, named for the first) warned that a log
    # of either program alone was read as another format and its messages may not compare.
    relay, app = two_programs()
    mixed, model, out = tmp_path / "mixed.log", tmp_path / "model", str(tmp_path / "s.csv")
    mixed.write_text("\n".join(relay + app) + "\n")
    assert main(["detect", str(mixed), "--out", out, "--save-model", str(model)]) == 0
    for name, lines in (("relay", relay), ("app", app)):
        (tmp_path / f"{name}.log").write_text("\n".join(lines) + "\n")
        capsys.readouterr()
        assert main(["score", "--model", str(model), str(tmp_path / f"{name}.log"), "--out", out]) == 0
        assert "may not compare" not in capsys.readouterr().err


def test_score_tells_two_inferred_layouts_apart_by_their_fields(tmp_path, capsys):
    # Both were saved and read as "inferred": a model of one program scored another's lines without a word and
    # flagged all of them. Another day of the same log, or its lines with an optional field left out, still compare.
    levels = ["INFO", "WARN", "DEBUG", "ERROR"]
    logs = {"model": [f"{1700000000 + i}|{levels[i % 4]}|worker-{i % 4}|job {i} finished in {i % 90} ms"
                      for i in range(200)],
            "other": [f"[{i:06d}] <ERR> (svc{i % 3}) request {i} failed: timeout" for i in range(200)],
            "next_day": [f"{1700086400 + i}|{levels[i % 4]}|worker-{i % 4}|job {i} finished in {i % 90} ms"
                         for i in range(200)],
            "no_worker": [f"{1700086400 + i}|{levels[i % 4]}|job {i} finished in {i % 90} ms" for i in range(200)]}
    for name, lines in logs.items():
        (tmp_path / f"{name}.log").write_text("\n".join(lines) + "\n")
    model, out = tmp_path / "model", str(tmp_path / "s.csv")
    assert main(["detect", str(tmp_path / "model.log"), "--out", out, "--save-model", str(model)]) == 0
    errors = {}
    for name in ("other", "next_day", "no_worker"):
        capsys.readouterr()
        assert main(["score", "--model", str(model), str(tmp_path / f"{name}.log"), "--out", out]) == 0
        errors[name] = capsys.readouterr().err
    assert errors["other"] == ("warning: the model's logs were read as the inferred layout "
                               "<Timestamp>\\|<Level>\\|<Component>\\|<Content> and these logs as "
                               "\\[<Field>\\] <<Level>> <Content>: their messages may not compare\n")
    assert errors["next_day"] == errors["no_worker"] == ""


def test_score_with_missing_model_is_a_clear_error(small_log, tmp_path, capsys):
    assert main(["score", "--model", str(tmp_path / "nope"), str(small_log), "--out", str(tmp_path / "s.csv")]) == 1
    assert "not a logad model directory" in capsys.readouterr().err


def test_contamination_overrides_a_default_percentile():
    from logad_utils.pipeline import make_detector

    assert make_detector("autoencoder", contamination=0.02).percentile is None
    assert make_detector("autoencoder", percentile=95.0).percentile == 95.0
    assert make_detector("autoencoder").percentile is None  # the label-free rule, as every detector
    assert make_detector("tfidf", known_good=True).percentile == 99.5


def test_detect_on_blank_only_input_is_a_clear_error(tmp_path):
    blank = tmp_path / "blank.log"
    blank.write_text("\n\n   \n")
    proc = subprocess.run([sys.executable, "-m", "logad_utils", "detect", str(blank), "--out", str(tmp_path / "x.csv")],
                          capture_output=True, text=True)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and "blank" in proc.stderr


@pytest.mark.parametrize("command", [["parse", "--out", "{tmp}/x.csv"], ["analyze", "--method", "tfidf", "--out",
                                                                         "{tmp}/out"],
                                     ["detect", "--projector-dir", "{tmp}/proj", "--out", "{tmp}/x.csv"]])
def test_empty_input_is_a_clear_error_and_writes_nothing(tmp_path, capsys, command):
    empty = tmp_path / "empty.log"
    empty.write_text("")
    argv = [command[0], str(empty), *[a.format(tmp=tmp_path) for a in command[1:]]]
    assert main(argv) == 1
    assert f"no lines to read: {empty}: empty file" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists() and not (tmp_path / "out" / "report.html").exists()
    log = tmp_path / "a.log"
    log.write_text("user 1 logged in\n")
    assert main(["compare", "--baseline", str(empty), "--target", str(log), "--out", str(tmp_path / "c")]) == 1
    assert "baseline: no lines to read" in capsys.readouterr().err


def test_lines_that_match_no_format_are_counted_per_file(tmp_path, capsys):
    good, bad = tmp_path / "good.log", tmp_path / "bad.log"
    good.write_text("".join(f"2024-03-05 14:07:{s:02d} INFO job {s} done\n" for s in range(30)))
    bad.write_text("".join(f"2024-03-05 14:07:{s:02d} INFO job {s} done\n" for s in range(30)) + "14:08:00 oops\n" * 2)
    assert main(["parse", str(good), str(bad), "--format", "<Date> <Time> <Level> <Content>",
                 "--out", str(tmp_path / "x.csv")]) == 0
    assert f"2 line(s) did not match the format ({bad}: 2)" in capsys.readouterr().err


def test_json_key_alone_picks_the_message_key(tmp_path):
    log = tmp_path / "app.log"
    log.write_text('{"ts": "2024-01-01T10:00:00Z", "body": "disk 1 full", "message": "x"}\n'
                   '{"ts": "2024-01-01T10:00:01Z", "body": "disk 2 full", "message": "y"}\n')
    out = tmp_path / "parsed.csv"
    assert main(["parse", str(log), "--json-key", "body", "--out", str(out)]) == 0
    assert pd.read_csv(out)["content"].tolist() == ["disk 1 full", "disk 2 full"]


def test_log_text_and_file_names_reach_the_terminal_escaped(tmp_path, capsys):
    # A line that would clear the screen and retitle the window, in a file whose name holds an escape too.
    path = tmp_path / "odd\x1b[31mname.log"
    path.write_text("".join(f"2026-01-01 10:00:{i:02d} INFO app: ok \x1b]0;pwned\x07\x1b[2J\n" for i in range(40)))
    assert main(["formats", "--detect", str(path)]) == 0
    # ... and an output folder's name too, quoted in the command printed to paste into a shell.
    assert main(["analyze", str(path), "--method", "tfidf", "--out", str(tmp_path / "my out;\x1b[2J")]) == 0
    out = capsys.readouterr()
    assert "\x1b" not in out.out + out.err and "\x07" not in out.out + out.err
    # The line's screen-clearing sequence (a CSI, as colours are) was left out as it was read; the title it would
    # set (an OSC) is shown escaped.
    assert "odd\\x1b[31mname.log" in out.out and "ok \\x1b]0;pwned\\x07" in out.out
    assert "--logdir '" in out.out and "my out;\\x1b[2J/projector'" in out.out
    assert main(["detect", str(path), "--out", str(tmp_path / "s.csv"), "--projector-dir",
                 str(tmp_path / "pj\x1b[31m")]) == 0
    assert "\x1b" not in capsys.readouterr().out


def test_known_good_logs_read_in_another_format_than_the_input_are_a_warning(tmp_path, capsys):
    import json

    train = tmp_path / "train.jsonl"
    train.write_text("".join(json.dumps({"time": f"2026-01-01T10:00:{i:02d}Z", "level": "info",
                                         "msg": f"request {i} done"}) + "\n" for i in range(60)))
    data = tmp_path / "app.log"
    data.write_text("".join(f"2026-01-02 10:00:{i:02d} INFO app: request {i} done\n" for i in range(60)))
    assert main(["detect", str(data), "--train", str(train), "--method", "tfidf", "--out",
                 str(tmp_path / "s.csv")]) == 0
    err = capsys.readouterr().err
    assert "the known-good logs were read as json and the input as inferred" in err
    assert main(["detect", str(data), "--train", str(data), "--method", "tfidf", "--out",
                 str(tmp_path / "t.csv")]) == 0
    assert "known-good" not in capsys.readouterr().err


def test_a_reader_that_stops_early_gets_no_error_message(tmp_path):
    log = tmp_path / "app.log"
    log.write_text("".join(f"2026-12-01 10:00:{i:02d} INFO job {i} done\n" for i in range(40)))
    read, write = os.pipe()
    os.close(read)  # as `| head` does once it has its lines: every write to the pipe now fails
    with open(write, "wb") as out:
        proc = subprocess.run([sys.executable, "-m", "logad_utils", "formats", "--detect", str(log)], stdout=out,
                              stderr=subprocess.PIPE, text=True)
    assert proc.returncode == 1 and proc.stderr == ""


def test_the_console_entry_returns_mains_code_with_the_objects_frozen():
    # Frozen objects are not walked by the collections of the interpreter's exit (seconds after TensorFlow).
    code = ("import gc, sys; from logad_utils.cli import run; sys.argv = ['logad', 'formats']; "
            "print(run(), gc.get_freeze_count() > 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "0 True"


def test_an_input_is_never_its_own_output_and_a_rerun_reads_what_the_first_read(small_log, tmp_path, capsys):
    logs = tmp_path / "logs"
    logs.mkdir()
    log = logs / "small.jrn"
    log.write_bytes(small_log.read_bytes())
    # Named as the output: refused, and the log is untouched.
    assert main(["parse", str(log), "--out", str(logs / "small.csv")]) == 0
    before = (logs / "small.csv").read_bytes()
    assert main(["parse", str(logs / "small.csv"), "--out", str(logs / "small.csv")]) == 1
    assert "and this run's output; choose another output" in capsys.readouterr().err
    assert (logs / "small.csv").read_bytes() == before
    # A glob that matches the output file (an earlier run's, or a log of the user's) is refused the same way.
    assert main(["parse", str(logs / "small.*"), "--out", str(logs / "small.csv")]) == 1
    assert "is an input (given as" in capsys.readouterr().err and (logs / "small.csv").read_bytes() == before
    (logs / "small.csv").unlink()
    # A folder that holds the last run's outputs, which logad alone writes, reads the logs it read before.
    for _ in range(2):
        assert main(["analyze", str(logs), "--method", "tfidf", "--out", str(logs / "analysis")]) == 0
        out = capsys.readouterr()
        assert "lines 3000" in out.out and "partial run" not in out.err
    # The logs' own folder as the output folder: its logs are read, and only logad's files are left out.
    shutil.rmtree(logs / "analysis")
    for _ in range(2):
        assert main(["analyze", str(logs), "--method", "tfidf", "--out", str(logs)]) == 0
        assert "lines 3000" in capsys.readouterr().out
    assert main(["compare", "--baseline", str(log), "--target", str(log), "--out", str(logs)]) == 0
    for name in ("report.html", "anomalies.csv", "incidents.csv", "trends.csv", "summary.json", "compare.csv",
                 "compare.html", "compare.json"):
        (logs / name).unlink(missing_ok=True)
    shutil.rmtree(logs / "projector")
    (logs / "wordcloud_anomaly_terms.png").unlink(missing_ok=True)
    assert main(["detect", str(logs), "--out", str(tmp_path / "s.csv"), "--save-model", str(logs / "m")]) == 0
    assert main(["detect", str(logs), "--out", str(tmp_path / "s.csv"), "--save-model", str(logs / "m")]) == 0
    assert len(pd.read_csv(tmp_path / "s.csv")) == 3000


def test_outputs_are_checked_before_the_work_and_written_as_one_set(small_log, tmp_path, capsys, monkeypatch):
    import logad_utils.compare as compare
    from logad_utils import analysis

    def no_analysis(*args, **kwargs):
        raise AssertionError("the analysis ran before its output folder was checked")

    monkeypatch.setattr(analysis, "analyze_logs", no_analysis)
    assert main(["analyze", str(small_log), "--out", str(small_log / "sub")]) == 1
    assert "Not a directory" in capsys.readouterr().err
    (tmp_path / "a" / "report.html").mkdir(parents=True)
    assert main(["analyze", str(small_log), "--out", str(tmp_path / "a")]) == 1
    assert "is a folder where an output file goes" in capsys.readouterr().err
    # Scores inside the model folder (an earlier model's), which is written whole, would be swept away.
    (tmp_path / "m").mkdir()
    assert main(["detect", str(small_log), "--out", str(tmp_path / "m" / "s.csv"), "--save-model",
                 str(tmp_path / "m")]) == 1
    assert "written whole" in capsys.readouterr().err
    assert main(["detect", str(small_log), "--out", str(tmp_path / "p.csv"), "--projector-dir",
                 str(tmp_path / "p.csv")]) == 1
    assert "is both the scores file and a folder" in capsys.readouterr().err
    assert main(["score", str(small_log), "--model", str(tmp_path / "m"), "--out", str(tmp_path / "m" / "s.csv")]) == 1
    assert "lies in the model folder" in capsys.readouterr().err
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "projector").write_text("not a folder")
    assert main(["analyze", str(small_log), "--out", str(tmp_path / "b")]) == 1
    assert "is a file where an output folder goes" in capsys.readouterr().err
    # An interrupted compare leaves no new CSV beside the last run's page.
    out = tmp_path / "cmp"
    args = ["compare", str(small_log), "--at", "2026-03-02T12:00", "--out", str(out)]
    assert main(args) == 0 and sorted(p.name for p in out.iterdir()) == ["compare.csv", "compare.html", "compare.json"]

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(compare, "render_comparison", interrupted)
    assert main(args) == 130
    assert not any(out.iterdir())


def test_generate_and_output_paths_say_what_is_wrong_in_one_line(small_log, tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["generate", "--seed", "-1", "--out", str(tmp_path / "g.jrn")])
    assert "--seed: seed must be a whole number from 0" in capsys.readouterr().err
    assert main(["generate", "--lines", str(10**11), "--out", str(tmp_path / "g.jrn")]) == 2  # usage
    assert "--lines must be from 1 to 20,000,000" in capsys.readouterr().err
    assert main(["detect", str(small_log), "--out", str(small_log / "x.csv")]) == 1
    assert f"{small_log} is a file, not a folder" in capsys.readouterr().err


def test_format_detection_of_a_folder_lists_every_readable_file_and_names_the_others(tmp_path, capsys):
    # A binary file or a link to nothing in the folder stopped the whole listing with exit 1.
    (tmp_path / "a.log").write_text("".join(f"2026-01-01 10:00:{i:02d} INFO app: ok {i}\n" for i in range(30)))
    (tmp_path / "b.log").write_bytes(b"\x00\x01\x02binary\x00\x00")
    (tmp_path / "c.log").symlink_to(tmp_path / "gone")
    (tmp_path / "d.log").write_text("".join(f"Mar  1 10:00:{i:02d} host cron[1]: ran {i}\n" for i in range(30)))
    assert main(["formats", "--detect", str(tmp_path)]) == 3
    out = capsys.readouterr()
    assert out.out.count("layout ") == 2 and "b.log: looks like a binary" in out.err and "c.log" in out.err
    assert not out.out.startswith("\n")
    (tmp_path / "a.log").unlink()
    (tmp_path / "d.log").write_bytes(b"\x00\x00binary too\x00")
    assert main(["formats", "--detect", str(tmp_path)]) == 1  # nothing described: an error, not a partial run
    assert "no readable log file" in capsys.readouterr().err


def test_format_detection_of_a_folder_names_the_files_it_passed_over(tmp_path, capsys):
    # parse and analyze warn that a folder's System-events.csv was not read; formats --detect left it out unsaid.
    (tmp_path / "a.log").write_text("".join(f"2026-01-01 10:00:{i:02d} INFO app: ok {i}\n" for i in range(30)))
    (tmp_path / "System-events.csv").write_text("Level,Date and Time,Source\nError,12/3/2026 1:00:00 AM,SCM\n")
    assert main(["formats", "--detect", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "1 file(s) in the input folders not named like logs were not read" in err and "System-events.csv" in err


@pytest.mark.parametrize("argv", [["--contamination", "0.1", "--percentile", "95"], ["--workers", "2"],
                                  ["--method", "bert", "--scorer", "knn"]])
def test_options_that_do_not_go_together_are_a_usage_error(small_log, tmp_path, argv, capsys):
    # They exited 1, as a failed run does; the README gives 2 for usage, as argparse's own errors.
    assert main(["detect", str(small_log), "--out", str(tmp_path / "s.csv"), *argv]) == 2
    assert capsys.readouterr().err.startswith("logad: error: ")


def test_analyze_reads_a_table_named_like_labels_beside_a_log_as_no_ground_truth(tmp_path):
    # app.labels.csv beside app.log, a table of the user's own: analyze stopped with "Usecols do not match columns".
    (tmp_path / "app.log").write_text("".join(f"2024-03-01 10:00:{i:02d} INFO request {i} done\n" for i in range(40)))
    (tmp_path / "app.labels.csv").write_text("label,owner\nweb,ops\n")
    assert main(["analyze", str(tmp_path / "app.log"), "--method", "tfidf", "--out", str(tmp_path / "out")]) == 0


def test_analyze_warns_of_labels_beside_a_log_that_number_other_lines_and_goes_on(tmp_path, capsys):
    # Labels numbered from 0 beside the log: since line numbers are checked, analyze stopped after its whole run.
    (tmp_path / "app.log").write_text("".join(f"2024-03-01 10:00:{i:02d} INFO request {i} done\n" for i in range(40)))
    (tmp_path / "app.labels.csv").write_text("line_no,is_anomaly\n" + "".join(f"{i},0\n" for i in range(40)))
    assert main(["analyze", str(tmp_path / "app.log"), "--method", "tfidf", "--out", str(tmp_path / "out")]) == 0
    assert "warning: no ground truth: " in capsys.readouterr().err


def test_year_less_syslog_beside_a_dated_log_shares_its_years_in_analyze(tmp_path, capsys):
    # A rotated syslog (no year: read from 2000 on) beside an app's dated log: the timeline spanned 24 years and
    # the syslog's incident was dated 2000.
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "syslog.1").write_text("".join(f"Dec 31 23:{i:02d}:00 web01 cron[{i}]: job ran\n" for i in range(50)))
    (logs / "syslog").write_text("".join(f"Jan  1 00:{i:02d}:00 web01 cron[{i}]: job ran\n" for i in range(50))
                                 + "Jan  1 00:59:00 web01 kernel: Out of memory: Killed process 42 (java)\n")
    (logs / "app.log").write_text("".join(f"2023-12-31 23:{i:02d}:30 INFO [api] request {i} done\n"
                                          for i in range(60)))
    assert main(["analyze", str(logs), "--method", "tfidf", "--out", str(tmp_path / "out")]) == 0
    lines = pd.read_csv(tmp_path / "out" / "anomalies.csv", parse_dates=["timestamp"])
    oom = lines[lines["template"].str.contains("Out of memory")]
    assert oom["source"].tolist() == [str(logs / "syslog")] and oom["timestamp"].tolist() == [
        pd.Timestamp("2024-01-01 00:59:00")]
    assert "read from 2023 on, not 2000" in capsys.readouterr().err


def _two_days(tmp_path):
    """A baseline and a target log: the target has a new error."""
    base, target = tmp_path / "base.log", tmp_path / "target.log"
    base.write_text("".join(f"2024-03-01 10:{i // 60:02d}:{i % 60:02d} INFO [api] request {i} done\n"
                            for i in range(120)))
    target.write_text("".join(f"2024-03-02 10:{i // 60:02d}:{i % 60:02d} INFO [api] request {i} done\n"
                              for i in range(120)) + "2024-03-02 10:02:30 ERROR [db] connection refused\n" * 30)
    return base, target


@pytest.mark.skipif(sys.platform == "win32", reason="flock is POSIX")
def test_a_run_held_up_by_another_writing_into_its_folder_stops_after_the_lock_timeout(tmp_path, capsys):
    # A nightly compare behind a hung run into the same --out waited for ever: a cron job piled up behind it.
    from logad_utils.atomic import writing_in

    base, target = _two_days(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    with writing_in(out):  # the hung run
        assert main(["compare", str(base), str(target), "--out", str(out), "--lock-timeout", "0.1"]) == 5
    err = capsys.readouterr().err
    assert err.splitlines()[-1].startswith("logad: error: ") and "--lock-timeout" in err.splitlines()[-1]
    assert not any(out.iterdir())
    with pytest.raises(SystemExit, match="2"):
        main(["compare", str(base), str(target), "--out", str(out), "--lock-timeout", "-1"])


@pytest.mark.skipif(sys.platform == "win32", reason="flock is POSIX")
def test_a_run_waiting_for_another_writing_into_its_folder_says_so_on_stderr(tmp_path, capsys):
    # The command silenced every warning, this one too: a compare behind one that overran waited without a word.
    from logad_utils.atomic import writing_in

    base, target = _two_days(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    with writing_in(out):
        assert main(["compare", str(base), str(target), "--out", str(out), "--lock-timeout", "0"]) == 5
    assert capsys.readouterr().err.startswith(f"warning: {out}: another run is writing into this folder; waiting")


def test_analyze_and_compare_write_a_summary_a_ci_step_reads(tmp_path, capsys):
    # A nightly job had to scrape the printed lines or parse the CSVs to archive what a run found.
    base, target = _two_days(tmp_path)
    assert main(["analyze", str(target), "--method", "tfidf", "--out", str(tmp_path / "a")]) == 0
    summary = json.loads((tmp_path / "a" / "summary.json").read_text())
    assert summary["command"] == "analyze" and summary["inputs"] == [{"path": str(target), "lines": 150}]
    assert summary["lines"] == 150 and summary["methods"]["tfidf"]["flagged_lines"] == summary["anomalies"]["lines"]
    incidents = pd.read_csv(tmp_path / "a" / "incidents.csv")
    assert [i["root_cause"] for i in summary["incidents"]] == incidents["root_cause"].tolist()
    assert summary["incidents"][0]["start"].startswith("2024-03-02T") and summary["partial"] is False
    assert main(["compare", str(base), str(target), "--out", str(tmp_path / "c")]) == 0
    summary = json.loads((tmp_path / "c" / "compare.json").read_text())
    assert summary["statuses"]["new"] == 1 and summary["target"]["inputs"] == [{"path": str(target), "lines": 150}]
    assert summary["baseline"]["events"] == 120 and "logad_version" in summary


def test_fail_on_makes_the_exit_code_say_what_the_run_found(tmp_path, capsys):
    # A CI step had to parse summary.json to fail on a finding: every finished run exited 0.
    base, target = _two_days(tmp_path)
    assert main(["compare", str(base), str(target), "--out", str(tmp_path / "c"), "--fail-on", "gone"]) == 0
    assert main(["compare", str(base), str(target), "--out", str(tmp_path / "c"), "--fail-on", "gone",
                 "--fail-on", "new"]) == 4
    assert capsys.readouterr().err.splitlines()[-1] == "found 1 new (--fail-on); exit code 4"
    assert main(["compare", str(base), str(base), "--out", str(tmp_path / "c"), "--fail-on", "changes"]) == 0
    assert (tmp_path / "c" / "compare.json").exists()  # every output is written before the exit code says found
    assert main(["analyze", str(base), "--method", "tfidf", "--out", str(tmp_path / "a"),
                 "--fail-on", "incidents"]) == 0
    assert main(["analyze", str(target), "--method", "tfidf", "--out", str(tmp_path / "a"),
                 "--fail-on", "incidents"]) == 4
    assert (tmp_path / "a" / "report.html").exists()
    with pytest.raises(SystemExit) as usage:
        main(["analyze", str(target), "--out", str(tmp_path / "a"), "--fail-on", "new"])  # compare's, not analyze's
    assert usage.value.code == 2


def test_the_summary_lists_an_empty_input_with_no_lines(tmp_path):
    # An empty file among the inputs was missing from summary.json's inputs: a job checking every input saw no trace.
    _, target = _two_days(tmp_path)
    empty = tmp_path / "empty.log"
    empty.write_text("")
    assert main(["analyze", str(target), str(empty), "--method", "tfidf", "--out", str(tmp_path / "a")]) == 0
    summary = json.loads((tmp_path / "a" / "summary.json").read_text())
    assert summary["inputs"] == [{"path": str(target), "lines": 150}, {"path": str(empty), "lines": 0}]


def test_the_summary_counts_the_lines_of_each_known_good_input(tmp_path):
    # train_inputs listed the --train files by path alone: a job could not tell a known-good log came out empty.
    base, target = _two_days(tmp_path)
    empty = tmp_path / "empty.log"
    empty.write_text("")
    assert main(["analyze", str(target), "--train", str(base), str(empty), "--method", "tfidf",
                 "--out", str(tmp_path / "a")]) == 0
    summary = json.loads((tmp_path / "a" / "summary.json").read_text())
    assert summary["train_inputs"] == [{"path": str(base), "lines": 120}, {"path": str(empty), "lines": 0}]


def test_compare_json_carries_the_warning_that_the_sides_do_not_compare(tmp_path, capsys):
    # The warning that two sides were read as different layouts went to stderr only, not into compare.json.
    base, _ = _two_days(tmp_path)
    other = tmp_path / "other.log"
    other.write_text("".join(f"[{i:06d}] <ERR> (svc{i % 3}) request {i} failed: timeout\n" for i in range(120)))
    assert main(["compare", str(base), str(other), "--out", str(tmp_path / "c")]) == 0
    warning = next(line for line in capsys.readouterr().err.splitlines() if "may not compare" in line)
    summary = json.loads((tmp_path / "c" / "compare.json").read_text())
    assert warning.removeprefix("warning: ") in summary["warnings"]
    assert summary["warnings"][-1].startswith("the baseline logs were read as ")


def test_summary_counts_each_files_lines_from_the_categorys_codes():
    # A 10M-line analysis's summary: value_counts copied the file codes to 8 bytes a line, its peak.
    n = 6_000_000
    codes = np.zeros(n, dtype=np.int8)
    codes[n // 3:] = 1
    frame = pd.DataFrame({"source": pd.Categorical.from_codes(codes, ["b.log", "a.log", "unread.log"])})
    frame.attrs["read_report"] = {"files": ["b.log", "empty.log", "a.log"]}
    files, peak = traced_peak(lambda: inputs(frame))
    assert files == [{"path": "b.log", "lines": n // 3}, {"path": "empty.log", "lines": 0},
                     {"path": "a.log", "lines": n - n // 3}, {"path": "unread.log", "lines": 0}]
    assert peak < 3 * n + (16 << 20)  # the codes counted, and a block's copies (old: 9 bytes a line)
    plain = pd.DataFrame({"source": ["b.log", "a.log", "b.log"]})
    assert inputs(plain) == [{"path": "b.log", "lines": 2}, {"path": "a.log", "lines": 1}]


def test_parse_and_analyze_tell_dates_that_read_day_or_month_first_alike(tmp_path, capsys):
    # "03-04-2024" on every line was read as 3 April without a word, though it may be 4 March.
    log = tmp_path / "d.log"
    log.write_text("".join(f"03-04-2024 05:{m:02d}:00 INFO  loader - job {m} done\n" for m in range(60)))
    assert main(["parse", str(log), "--out", str(tmp_path / "p.csv")]) == 0
    assert "dates like 03-04-2024 read day first (3 April)" in capsys.readouterr().err
    assert main(["analyze", str(log), "--method", "tfidf", "--out", str(tmp_path / "a")]) == 0
    summary = json.loads((tmp_path / "a" / "summary.json").read_text())
    assert any(w.startswith(f"{log}: dates like 03-04-2024 read day first (3 April)") for w in summary["warnings"])


def _day_month_log(path, n=30):
    """A Splunk-like log whose dates (03-04-2024) read day first or month first alike."""
    path.write_text("".join(f"03-04-2024 05:58:{s:02d}.012 +0100 INFO  loader - job {s} done\n" for s in range(n)))
    return path


MONTH_FIRST = "%m-%d-%Y %H:%M:%S %z"


def test_time_format_reads_dates_month_first_for_every_command(tmp_path, capsys):
    # The day/month warning named a Python LogFormat; no option of the command line gave the times' layout.
    log = _day_month_log(tmp_path / "d.log")
    out = tmp_path / "p.csv"
    assert main(["parse", str(log), "--out", str(out)]) == 0
    assert pd.read_csv(out)["timestamp"].iloc[0] == "2024-04-03 04:58:00.012"  # 3 April, and a warning says so
    assert f"to read them month first, give --time-format '{MONTH_FIRST}'" in capsys.readouterr().err
    inferred = ["--time-format", MONTH_FIRST]
    given = ["--format", "<Date> <Time> <Zone> <Level> <Component> - <Content>", *inferred]  # the zone joins the time
    for options in (inferred, given, ["--format", "auto", *inferred]):
        assert main(["parse", str(log), "--out", str(out), *options]) == 0
        assert pd.read_csv(out)["timestamp"].iloc[0] == "2024-03-04 04:58:00.012"  # 4 March, 05:58 at +01:00
        assert "warning" not in capsys.readouterr().err
    assert main(["formats", "--detect", str(log), *inferred]) == 0
    assert f"timestamp     {MONTH_FIRST} (100.0% of lines)\n" in capsys.readouterr().out
    # compare --at splits on 4 March: the first 15 seconds before it
    assert main(["compare", str(log), "--at", "2024-03-04T04:58:15", "--out", str(tmp_path / "c"), *inferred]) == 0
    assert "warning" not in capsys.readouterr().err
    assert main(["detect", str(log), "--out", str(tmp_path / "s.csv"), "--save-model", str(tmp_path / "m"),
                 *inferred]) == 0
    assert main(["score", str(log), "--model", str(tmp_path / "m"), "--out", str(tmp_path / "s2.csv"), *inferred]) == 0
    assert "warning" not in capsys.readouterr().err


def test_a_model_saved_with_a_time_format_scores_times_so_unless_told_another(tmp_path, capsys):
    # detect --save-model --time-format saved no time format, so score read 4 March as 3 April with a warning.
    log = _day_month_log(tmp_path / "d.log")
    model = str(tmp_path / "m")
    assert main(["detect", str(log), "--out", str(tmp_path / "s.csv"), "--save-model", model,
                 "--time-format", MONTH_FIRST]) == 0
    assert load_model(model).time_format == MONTH_FIRST
    capsys.readouterr()
    assert main(["score", str(log), "--model", model, "--out", str(tmp_path / "s2.csv")]) == 0
    assert "warning" not in capsys.readouterr().err
    # Logs whose times the model's time format does not read: the error names it as the model's.
    other = tmp_path / "o.log"
    other.write_text("".join(f"2024/03/04 05:58:{s:02d} INFO loader - job {s} done\n" for s in range(30)))
    assert main(["score", str(other), "--model", model, "--out", str(tmp_path / "s3.csv")]) == 1
    error = capsys.readouterr().err
    assert error.startswith(f"logad: error: time format {MONTH_FIRST!r} read no time on {other}'s first")
    assert error.endswith(": the model's; give --time-format to read these logs' times otherwise\n")
    # The option given wins over the model's.
    assert main(["score", str(other), "--model", model, "--out", str(tmp_path / "s3.csv"),
                 "--time-format", "%Y/%m/%d %H:%M:%S"]) == 0


def test_a_time_format_that_reads_no_time_is_one_line(tmp_path, capsys):
    log = _day_month_log(tmp_path / "d.log")
    out = str(tmp_path / "p.csv")
    assert main(["parse", str(log), "--out", out, "--time-format", "%d/%m/%Y"]) == 1
    assert capsys.readouterr().err == (f"logad: error: time format '%d/%m/%Y' read no time on {log}'s first lines "
                                       "(its first reads '03-04-2024 05:58:00.012 +0100')\n")
    for bad in ("%Q", "hello"):  # a bad directive, none at all: usage errors
        with pytest.raises(SystemExit) as exit_:
            main(["parse", str(log), "--out", out, "--time-format", bad])
        assert exit_.value.code == 2
        assert capsys.readouterr().err.splitlines()[-1].startswith(f"logad parse: error: argument --time-format: "
                                                                    f"{bad!r}")
    assert main(["formats", "--time-format", MONTH_FIRST]) == 2
    assert main(["formats", "--detect", str(log), "--time-format", "epoch"]) == 1
    assert capsys.readouterr().err.splitlines()[-1].startswith("logad: error: time format 'epoch' read no time")


def test_formats_detect_says_a_compressed_file_cut_short_and_exits_partial(tmp_path, capsys):
    # General: any damage among the lines sampled (a .gz cut short) was passed over silently, exit 0, the sample
    # "from the first N" lines reading as the whole file; parse warns and exits 3 on the same file.
    import gzip

    text = "".join(f"2024-03-11 10:{i // 60 % 60:02d}:{i % 60:02d} INFO user {i} logged in\n" for i in range(3000))
    packed = gzip.compress(text.encode())
    log = tmp_path / "app.log.gz"
    log.write_bytes(packed[:len(packed) // 2])
    assert main(["formats", "--detect", str(log)]) == 3
    err = capsys.readouterr().err
    assert "skipped the rest of" in err and "app.log.gz" in err and "partial run: 1 input(s)" in err
