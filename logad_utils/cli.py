"""The ``logad`` command: ``parse``, ``generate``, ``compare`` (and the detection commands)."""
from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
import threading
import time
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Sequence

import numpy as np
import pandas as pd

from .atomic import FolderBusy, FolderWait, OutputError, write_table
from .distributed import SUCCESS, ClusterError
from .embeddings import BertEmbedder, ModelNotAvailable
from .formats import FormatError
from .io import LogInputError, time_zone
from .malloc import release_free_memory
from .summary import COMPARED_SIDES, TRAIN_SIDES, layout_mismatch

__all__ = ["main", "run", "build_parser", "EXIT_OK", "EXIT_ERROR", "EXIT_PARTIAL", "EXIT_FOUND", "EXIT_BUSY"]

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_PARTIAL = 0, 1, 2, 3
# What --fail-on names was found (a CI step fails, a cron job pages); it outranks partial, which stderr still says.
EXIT_FOUND = 4
# The --out folder stayed held by another run past --lock-timeout: a scheduler may retry later.
EXIT_BUSY = 5
# What --fail-on may name, per command: analyze's findings, and compare's template statuses (changes: any of them).
FAIL_ON = {"analyze": ("anomalies", "incidents", "trends"), "compare": ("new", "gone", "up", "down", "changes")}


class UsageError(Exception):
    """Options that do not go together: exit code 2, as argparse's own usage errors."""


class CliError(Exception):
    """A user error reported as one line with a non-zero exit code."""


def _add_input_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="log files, directories or globs (plain or compressed: gzip, xz, bzip2)")
    _add_format_args(p)
    _add_formula_arg(p)


def _add_format_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", default="auto", metavar="F",
                   help="preset name (see `logad formats`), a format string like "
                        "'<Date> <Time> <Level> <Component>: <Content>', or auto (default)")
    p.add_argument("--json-key", help="message key of JSON lines; given alone it implies --format jsonl "
                                      "(default: message)")
    _add_time_format_arg(p)


def _add_time_format_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--time-format", type=_time_format, metavar="FMT",
                   help="how the logs' times are written, whatever their format (given or found): strptime "
                        "directives such as '%%m-%%d-%%Y %%H:%%M:%%S %%z' (a zone field after the time read with "
                        "it), epoch or ISO8601 (default: as the format has it, else inferred)")


# What --time-format takes besides strptime directives (as LogFormat.time_format does).
TIME_KEYWORDS = ("epoch", "ISO8601")


def _time_format(text: str) -> str:
    """``--time-format``: :data:`TIME_KEYWORDS` or strptime directives that pandas reads."""
    if text in TIME_KEYWORDS:
        return text
    try:
        pd.to_datetime(pd.Series(["0"]), format=text, errors="coerce")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r}: {exc}") from None
    if "%" not in text:
        raise argparse.ArgumentTypeError(f"{text!r} has no directive: give one like '%m-%d-%Y %H:%M:%S', "
                                         f"or {' or '.join(TIME_KEYWORDS)}")
    return text


def _add_formula_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--keep-formulas", dest="safe_formulas", action="store_false",
                   help="write CSV/TSV text cells verbatim; by default a cell starting with = + - @, tab or CR "
                        "gets a leading ' so a spreadsheet shows it as text instead of running it")


# Commands that need no detector: their parser is built without importing
# scikit-learn and the detectors, seconds of start-up on a busy machine.
LIGHT_COMMANDS = ("parse", "generate", "formats")


def _add_engine_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--engine", choices=["dask"], help="run on a Dask cluster (default: this process, chunk by "
                                                      "chunk); a .csv/.parquet output is then a folder of one file "
                                                      "per partition")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="with --engine dask: an existing scheduler")
    p.add_argument("--workers", type=int, metavar="N", help="with --engine dask: start N local worker processes")


def _add_method_args(p: argparse.ArgumentParser) -> None:
    from ._validation import THRESHOLD_CONSTRAINTS, argument_type, options
    from .detectors import METHODS, AutoencoderDetector, TfidfDetector

    p.add_argument("--method", default="tfidf", choices=METHODS, help="detector (default tfidf)")
    p.add_argument("--scorer", choices=options(TfidfDetector._parameter_constraints, "scorer"),
                   help="TF-IDF scorer (default rarity)")
    p.add_argument("--model", dest="bert_model", metavar="ID_OR_PATH",
                   help="BERT model for --method bert or --features bert: a local folder or a Hugging Face id "
                        "already in the local cache (default: the bundled all-MiniLM-L6-v2); never downloads")
    p.add_argument("--features", choices=options(AutoencoderDetector._parameter_constraints, "features"),
                   help="autoencoder input (default tfidf)")
    p.add_argument("--contamination", type=argument_type(THRESHOLD_CONSTRAINTS, "contamination"), default=None,
                   metavar="C", help="expected anomalous fraction, or auto (default: auto; with --train the "
                        "99.5th percentile of the known-good scores)")
    p.add_argument("--percentile", type=argument_type(THRESHOLD_CONSTRAINTS, "percentile"), default=None, metavar="P",
                   help="threshold at this percentile of the training scores (e.g. 95)")


def _add_lock_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lock-timeout", type=_seconds, metavar="SECONDS",
                   help="wait at most this long for another run writing into the same --out folder, then stop "
                        f"with exit code {EXIT_BUSY} (default: wait as long as it writes)")


def _add_fail_arg(p: argparse.ArgumentParser, command: str) -> None:
    p.add_argument("--fail-on", action="append", choices=FAIL_ON[command], metavar="WHAT",
                   help=f"exit with code {EXIT_FOUND} when the run finds this ({', '.join(FAIL_ON[command])}; "
                        "repeat for several), after writing every output")


def _fail_on(found: dict[str, int], names: Sequence[str] | None, code: int) -> int:
    """EXIT_FOUND where a ``--fail-on`` name counts more than 0 in ``found`` (name → count) and the run's exit code
    ``code`` is done or partial; else ``code``."""
    hits = [f"{found[name]} {name}" for name in dict.fromkeys(names or ()) if found[name]]
    if not hits or code not in (EXIT_OK, EXIT_PARTIAL):
        return code
    print(f"found {', '.join(hits)} (--fail-on); exit code {EXIT_FOUND}", file=sys.stderr)
    return EXIT_FOUND


def _seconds(text: str) -> float:
    """``--lock-timeout``: a finite number of seconds, 0 or more."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number of seconds, 0 or more, got {text!r}")
    return value


# What a cron job or a CI step reads of a run, as the README states it.
EXIT_CODES = ("exit codes: 0 done; 1 error (one line on stderr); 2 usage; 3 partial (an input among several "
              f"skipped or cut short, the others processed); {EXIT_FOUND} found (what --fail-on names; "
              f"before partial); {EXIT_BUSY} busy (analyze, compare: another run "
              "still wrote into --out after --lock-timeout); 130 interrupted; 143 terminated")


def build_parser(detectors: bool = True) -> argparse.ArgumentParser:
    """Argument parser of every sub-command (without ``detect`` and ``analyze`` unless ``detectors``)."""
    parser = argparse.ArgumentParser(prog="logad", description="Log analysis and anomaly detection.",
                                     epilog=EXIT_CODES)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("parse", help="read logs, mask variables, mine templates; one row per input line")
    _add_input_args(p)
    p.add_argument("--out", required=True, metavar="FILE", help="output .csv or .parquet")
    _add_engine_args(p)
    p.set_defaults(func=cmd_parse)

    p = sub.add_parser("generate", help="write a labelled synthetic ATM journal log")
    p.add_argument("--lines", type=int, default=20000, help="number of lines (default 20000)")
    p.add_argument("--seed", type=_seed, default=42, help="random seed, 0 to 2**32-1 (default 42)")
    p.add_argument("--out", required=True, metavar="PATH.jrn", help="log path; labels go beside it")
    p.set_defaults(func=cmd_generate)

    if detectors:
        from ._validation import THRESHOLD_CONSTRAINTS, argument_type
        from .detectors import METHODS

        p = sub.add_parser("detect", help="score every line for anomalies; one row per input line")
        _add_input_args(p)
        _add_method_args(p)
        p.add_argument("--train", nargs="+", metavar="PATH",
                       help="known-good log(s) to fit on; PATH is then only scored")
        p.add_argument("--out", required=True, metavar="FILE",
                       help="output .csv or .parquet: source, line_no, template_id, score, is_anomaly")
        p.add_argument("--projector-dir", metavar="DIR", help="also write Embedding Projector files under DIR")
        p.add_argument("--save-model", metavar="DIR",
                       help="save the fitted pipeline (format, masking, templates, detector) for `logad score`")
        _add_engine_args(p)
        p.set_defaults(func=cmd_detect)

        p = sub.add_parser("analyze", help="detect, find incidents and root causes, write CSVs, projector runs "
                                             "and an HTML report")
        _add_input_args(p)
        p.add_argument("--method", default="all", choices=[*METHODS, "all"],
                       help="detector(s) to run (default all: a line is anomalous when at least half flag it)")
        p.add_argument("--train", nargs="+", metavar="PATH", help="known-good log(s) to fit on")
        p.add_argument("--contamination", type=argument_type(THRESHOLD_CONSTRAINTS, "contamination"), default=None,
                       metavar="C",
                       help="expected anomalous fraction, or auto (default)")
        p.add_argument("--out", required=True, metavar="DIR", help="output folder (created)")
        _add_lock_arg(p)
        _add_fail_arg(p, "analyze")
        _add_engine_args(p)
        p.set_defaults(func=cmd_analyze)

    p = sub.add_parser("compare", help="compare the template mix of a target log with a baseline log, or of a "
                                         "log after a time with before it: new, gone, up and down templates")
    p.add_argument("paths", nargs="*", metavar="PATH", help="with --at: log file(s) to split at that time; "
                                                            "without: BASELINE TARGET, two files as diff takes them")
    p.add_argument("--at", metavar="TIME", help="compare the lines from TIME on (target) with those before it "
                                                "(baseline), e.g. 2024-03-11T12:00+01:00; without a zone, on the "
                                                "clock the lines are kept in (UTC for times written with a zone, "
                                                "else the logs' own); a zone only for logs whose times carry one, "
                                                "and a date that could be day or month first only as YYYY-MM-DD")
    p.add_argument("--baseline", nargs="+", metavar="PATH", help="baseline log file(s)")
    p.add_argument("--target", nargs="+", metavar="PATH", help="target log file(s)")
    _add_format_args(p)
    p.add_argument("--out", required=True, metavar="DIR", help="output folder: compare.csv and compare.html")
    _add_lock_arg(p)
    _add_fail_arg(p, "compare")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("score", help="score new logs with a model saved by `detect --save-model`")
    p.add_argument("paths", nargs="+", metavar="PATH", help="log files, directories or globs")
    p.add_argument("--model", required=True, metavar="DIR", help="model directory written by detect --save-model")
    _add_time_format_arg(p)
    _add_formula_arg(p)
    p.add_argument("--out", required=True, metavar="FILE", help="output .csv or .parquet, same columns as detect")
    _add_engine_args(p)
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("formats", help="list the format presets, or show the layout found in a log (--detect)")
    p.add_argument("--detect", metavar="PATH", help="print the format detected or inferred for this log file (each "
                                                    "file of a directory or glob), ready to copy into --format, and "
                                                    "the share of lines it matches")
    _add_time_format_arg(p)
    p.set_defaults(func=cmd_formats)
    return parser


# Lines `logad generate` writes at most: it builds them all in memory first.
MAX_GENERATED = 20_000_000


def _seed(text: str) -> int:
    """``--seed``: an int NumPy's generators take (0 .. 2**32 - 1)."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(f"seed must be a whole number from 0 to {2**32 - 1}, got {text!r}")
    return value


def _check_writable(path: Path, suffixes: Sequence[str], replace_run: bool = False) -> Path:
    if path.suffix.lower() not in suffixes:
        raise CliError(f"{path}: output must end in {' or '.join(suffixes)}")
    parent = path.parent if str(path.parent) else Path(".")
    if parent.exists() and not parent.is_dir():
        raise CliError(f"{path}: {parent} is a file, not a folder")
    if not parent.is_dir():
        raise CliError(f"{path}: output folder {parent} does not exist")
    # A partitioned output of an earlier --engine dask run may be replaced; any other folder is kept.
    if path.is_dir() and not (replace_run and (path / SUCCESS).is_file()):
        raise CliError(f"{path}: is a directory")
    if replace_run and path.is_file():
        raise CliError(f"{path}: is a file, and --engine dask writes a folder of parts there; choose a new name")
    return path


def _leave_out_outputs(args: argparse.Namespace, named: Sequence[str | Path | None] = (),
                       ours: Sequence[str | Path | None] = ()) -> None:
    """Refuse an input (named, or in a folder or glob given: ``paths``, ``train``, ``baseline``, ``target``) that is
    an output file the user ``named`` (writing it would destroy a log); leave out of the inputs the files that lie
    in ``ours``, paths logad alone writes (an earlier run's), and say so, so that a rerun reads what the first run
    read."""
    from .io import LogInputError, resolve_paths

    refused = {Path(o).resolve() for o in named if o}
    owned = [Path(o).resolve() for o in ours if o]
    for name in ("paths", "train", "baseline", "target"):
        items, left = [], []
        for item in getattr(args, name, None) or []:
            try:
                files = resolve_paths(item)
            except LogInputError:
                files = []  # the reader says what is wrong with it
            clash = next((f for f in files if f.resolve() in refused), None)
            if clash is not None:
                raise CliError(f"{clash}: is an input (given as {item}) and this run's output; choose another output")
            inside = [f for f in files if any(f.resolve() == o or o in f.resolve().parents for o in owned)]
            kept = [str(f) for f in files if f not in inside]
            if inside and not kept:
                raise CliError(f"{item}: holds only this run's output ({inside[0]}); no log to read")
            items += kept if inside else [item]
            left += inside
        if left:
            print(f"warning: left out {len(left)} file(s) of this run's output from the input: {_shown(str(left[0]))}"
                  + (", ..." if len(left) > 1 else ""), file=sys.stderr)
            setattr(args, name, items)


def cmd_parse(args: argparse.Namespace) -> int:
    """``logad parse``: read, mask, mine templates once on the distinct lines, write chunk by chunk."""
    from .streaming import mine_table
    from .templates import LogTemplateMiner, health_line, template_health

    out = _check_writable(Path(args.out), (".csv", ".parquet"), args.engine == "dask")
    _leave_out_outputs(args, named=[out])
    start = time.perf_counter()
    miner = LogTemplateMiner()
    with _engine(args) as engine:
        # One machine, Parquet: the first pass keeps the lines, so the second reads nothing again.
        keep = {"keep_lines": True} if args.engine is None and out.suffix.lower() == ".parquet" else {}
        run = engine.count_keys(args.paths, args.format, args.json_key, miner.masker, times=False,
                                time_format=args.time_format, **keep)
        keys = mine_table(run.table.frame(), miner)
        engine.write_parse(run, keys, miner.masker, out, args.safe_formulas)
    seconds = time.perf_counter() - start
    report = run.report
    n_templates = int(keys.loc[~keys["blank"], "template_id"].nunique())
    formats = ", ".join(sorted(set(report.formats.values()))) or "-"
    print(f"files {len(report.files)}  format {formats}")
    print(f"lines {report.lines}  unparsed {report.unparsed}  blank {report.blank}  "
          f"templates {n_templates}  seconds {seconds:.2f}")
    health = template_health(keys["template_id"].to_numpy(), keys["count"].to_numpy())
    print(health_line(health))
    print(f"wrote {_shown(out)}")
    return _finish(report.as_dict())


# C0 and C1 control characters but tab, and DEL, as Python writes them escaped: a log line (or a file name) that
# carries a terminal escape sequence must not clear the screen or retitle the window when it is printed.
_CONTROLS = {c: repr(chr(c))[1:-1] for c in (*range(0x09), *range(0x0a, 0x20), *range(0x7f, 0xa0))}


def _shown(text: object) -> str:
    """``text`` as a terminal may print it: control characters escaped (``\\x1b``, ``\\r``, ``\\n``)."""
    return str(text).translate(_CONTROLS)


def _finish(*reports: dict | None, sides: tuple[str, str] = TRAIN_SIDES) -> int:
    """Print the warnings of read reports (``ReadReport.as_dict``; with --train the known-good logs' first, the
    input's last; ``sides`` names the two); EXIT_PARTIAL when an input was skipped or cut short."""
    reports = [r for r in reports if r is not None]
    for report in reports:
        for message in report.get("warnings", []):
            print(f"warning: {_shown(message)}", file=sys.stderr)
    if len(reports) > 1 and (mismatch := layout_mismatch(reports[0], reports[-1], sides)):
        print(f"warning: {_shown(mismatch)}", file=sys.stderr)
    if reports and reports[-1].get("zoned_files"):  # the times written no longer show the zones they carried
        print(f"times {time_zone(reports[-1])}")
    problems = sum(len(r.get("skipped_files", [])) for r in reports)
    if not problems:
        return EXIT_OK
    print(f"partial run: {problems} input(s) skipped or cut short (see warnings); exit code {EXIT_PARTIAL}",
          file=sys.stderr)
    return EXIT_PARTIAL


def _frame_report(frame: pd.DataFrame | None) -> dict | None:
    return None if frame is None else frame.attrs.get("read_report", {})


def _engine(args: argparse.Namespace):
    """Where the passes run (a context manager): this process, chunk by chunk, or a Dask cluster."""
    from contextlib import nullcontext

    from . import streaming

    if args.engine is None:
        if args.scheduler or args.workers:
            raise UsageError("--scheduler and --workers need --engine dask")
        return nullcontext(streaming)
    if args.scheduler and args.workers:
        raise UsageError("give --scheduler or --workers, not both")
    if args.workers is not None and args.workers < 1:
        raise UsageError("--workers must be at least 1")
    from .distributed import DaskEngine, connect

    if args.scheduler:
        # Workers of a cluster started elsewhere resolve a relative path in their own folder, not in this one.
        for name in ("paths", "train", "out"):
            value = getattr(args, name, None)
            if value:
                setattr(args, name, os.path.abspath(value) if isinstance(value, str) else
                        [os.path.abspath(v) for v in value])
    return DaskEngine(connect(args.scheduler, args.workers))


def _detector_params(args: argparse.Namespace) -> dict:
    params = {"contamination": args.contamination, "percentile": args.percentile}
    if args.contamination is not None and args.percentile is not None:
        raise UsageError("give --contamination or --percentile, not both: each sets the threshold")
    if args.scorer and args.method != "tfidf":
        raise UsageError("--scorer applies to --method tfidf only")
    if args.features and args.method != "autoencoder":
        raise UsageError("--features applies to --method autoencoder only")
    if args.bert_model and args.method == "tfidf":
        raise UsageError("--model applies to --method bert and autoencoder only")
    # A folder as an absolute path: a saved model must find its BERT model wherever it is scored from.
    model = os.path.abspath(args.bert_model) if args.bert_model and os.path.isdir(args.bert_model) else args.bert_model
    if args.method == "tfidf":
        params["scorer"] = args.scorer
    elif args.method == "bert":
        params["embedder"] = BertEmbedder(model, progress=False) if model else None
    else:
        params["features"] = args.features
        params["bert_model"] = model
    return params


def cmd_detect(args: argparse.Namespace) -> int:
    """``logad detect``: fit a detector once on the distinct lines (of PATH, or of --train), score every line."""
    from .pipeline import make_detector
    from .streaming import mine_table
    from .templates import LogTemplateMiner

    out = _check_writable(Path(args.out), (".csv", ".parquet"), args.engine == "dask")
    _check_folders(args)
    _leave_out_outputs(args, named=[out], ours=[args.save_model,
                                                args.projector_dir and Path(args.projector_dir) / args.method])
    start = time.perf_counter()
    if args.projector_dir:
        if args.engine:
            raise UsageError("--projector-dir is not available with --engine dask")
        # The projector export needs every line's vector: the in-memory path.
        return _detect_in_memory(args, out, start)
    miner = LogTemplateMiner()
    detector = make_detector(args.method, known_good=args.train is not None, **_detector_params(args))
    with _engine(args) as engine:
        reading = {"time_format": args.time_format}
        train = engine.count_keys(args.train, args.format, args.json_key, miner.masker, **reading) \
            if args.train else None
        train_keys = mine_table(train.table.frame(), miner) if train else None
        run = engine.count_keys(args.paths, args.format, args.json_key, miner.masker, **reading)
        keys = engine.fit_score(detector, mine_table(run.table.frame(), miner), (train or run).times(), train_keys)
        engine.write_scores(run, keys, miner.masker, out, args.safe_formulas)
    _print_scores(run.report, keys, detector.threshold_, out, start)
    if args.save_model:
        _save_model(args, [r.report.as_dict() for r in (train, run) if r is not None], miner, detector)
    return _finish(*(r.report.as_dict() for r in (train, run) if r is not None))


def _check_folders(args: argparse.Namespace) -> None:
    """Refuse now a --save-model or --projector-dir folder that could not be written: the scores are written
    before them, and would replace an earlier run's for a run that then fails."""
    from .atomic import check_replaceable
    from .persistence import MODEL_FILE, model_files

    for folder in (args.save_model, args.projector_dir):
        if folder:
            _check_folder(folder)
            if Path(folder).resolve() == Path(args.out).resolve():
                raise CliError(f"{args.out}: is both the scores file and a folder to write; name them apart")
    if args.save_model:
        _outside_model(Path(args.out), args.save_model)
        check_replaceable(args.save_model, MODEL_FILE, model_files)


def _outside_model(out: Path, model: str) -> None:
    """Refuse a scores file inside a model folder: saving a model writes the folder whole, sweeping it away."""
    if Path(model).resolve() in out.resolve().parents:
        raise CliError(f"{out}: lies in the model folder {model}, which is written whole when a model is saved; "
                       f"write the scores elsewhere")


def _save_model(args: argparse.Namespace, reports: list[dict], miner, detector) -> None:
    """Save the fitted pipeline to --save-model, with the format its logs (their read ``reports``) were read as."""
    from .persistence import save_model
    from .pipeline import LogModel, read_formats, resolved_format

    model = LogModel(args.method, resolved_format(reports, args.format), args.json_key, miner, detector,
                     read_formats(reports), read_formats(reports, "layouts"), args.time_format)
    try:
        folder = save_model(args.save_model, model)
    except OSError as exc:
        raise CliError(f"{args.save_model}: cannot save the model ({exc.strerror or exc})") from None
    print(f"saved model to {_shown(folder)}")


def _detect_in_memory(args: argparse.Namespace, out: Path, start: float) -> int:
    """``detect`` with every line in memory (for ``--projector-dir``)."""
    from .io import ReadReport
    from .pipeline import make_detector, parse_logs
    from .streaming import check_read
    from .templates import LogTemplateMiner

    miner = LogTemplateMiner()
    reading = {"warn": False, "time_format": args.time_format}
    train = parse_logs(args.train, args.format, miner, args.json_key, **reading) if args.train else None
    frame = parse_logs(args.paths, args.format, miner, args.json_key, **reading)
    for read in (train, frame):
        if read is not None:
            check_read(ReadReport(**read.attrs["read_report"]))
    detector = make_detector(args.method, known_good=train is not None, **_detector_params(args))
    if train is not None:
        detector.fit(train)
        scores = detector.decision_function(frame)
    else:
        scores = detector.fit(frame).decision_scores_
    labels = detector.label(scores)
    _write_scores(frame, scores, labels, out, detector.threshold_, start, args.safe_formulas)
    _export_projector(args, detector, frame, scores, labels)
    if args.save_model:
        _save_model(args, [f.attrs["read_report"] for f in (train, frame) if f is not None], miner, detector)
    return _finish(_frame_report(train), _frame_report(frame))


def _check_folder(folder: str | Path) -> None:
    """Refuse now an output folder that could not be made or written (made with its parents when written: the
    nearest existing one must be a folder this user can write)."""
    path = Path(folder).absolute()
    if path.exists() and not path.is_dir():
        raise CliError(f"{folder}: exists and is not a folder")
    parent = path if path.exists() else next(p for p in path.parents if p.exists())
    if not parent.is_dir():
        raise CliError(f"{folder}: Not a directory ({parent} is a file)")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise CliError(f"{folder}: cannot write in {parent}")


def _output_folder(path: str, files: Sequence[str] = (), folders: Sequence[str] = ()) -> Path:
    """The ``--out`` folder of analyze and compare, checked before any work: it can be written, none of the
    ``files`` it will hold is a folder and none of its ``folders`` a file."""
    out = Path(path)
    _check_folder(out)
    blocked = [name for name in files if (out / name).is_dir()]
    if blocked:
        raise CliError(f"{out / blocked[0]}: is a folder where an output file goes; move it away")
    blocked = [name for name in folders if (out / name).exists() and not (out / name).is_dir()]
    if blocked:
        raise CliError(f"{out / blocked[0]}: is a file where an output folder goes; move it away")
    return out


def cmd_analyze(args: argparse.Namespace) -> int:
    """``logad analyze``: every method, incidents, root causes, report."""
    from tqdm.auto import tqdm

    from .analysis import ALL_METHODS, OUTPUT_FILES, analysis_stages, analyze_logs, outside_incidents, write_outputs
    from .projector import tensorboard_command
    from .templates import health_line, template_health

    out = _output_folder(args.out, OUTPUT_FILES, ("projector",))
    _leave_out_outputs(args, ours=[*(out / name for name in OUTPUT_FILES), out / "projector"])
    start = time.perf_counter()
    methods = list(ALL_METHODS) if args.method == "all" else [args.method]
    stages = [*analysis_stages(methods), "outputs"]
    # Closed on errors too, so an error message starts on a clean line.
    # No bar where stderr is no terminal (a CI log, a file): its redraws would fill it.
    bar = tqdm(total=len(stages), desc="analyze", unit="stage", leave=False, disable=None)
    with bar as steps, _engine(args) as engine:
        def stage(name: str) -> None:
            release_free_memory()  # what the last stage freed, before the next one peaks
            steps.update(stages.index(name) - steps.n)  # the stages before it are done
            steps.set_postfix_str(name)

        analysis = analyze_logs(args.paths, methods, args.train, args.format, args.json_key, engine,
                                progress=stage, time_format=args.time_format, contamination=args.contamination)
        stage("outputs")  # the ground truth read beside the log is for the outputs (the projector's metadata)
        analysis.truth = _labels_beside(analysis.frame)
        paths = write_outputs(analysis, out, safe_formulas=args.safe_formulas, lock_timeout=args.lock_timeout)
        steps.update(1)
    frame = analysis.frame
    flagged = frame["is_anomaly"].to_numpy(dtype=bool)
    events = _events(frame, flagged)
    print(f"lines {len(frame)}  flagged {int(flagged.sum())} lines in {events} event{'' if events == 1 else 's'}  "
          f"incidents {len(analysis.result)}  seconds {time.perf_counter() - start:.1f}")
    if outside := outside_incidents(analysis):
        print(f"{outside} flagged event{'s' if outside > 1 else ''} in no incident (scattered, or a template's steady "
              "background: incident -1 in anomalies.csv)")
    for run, detector in zip(analysis.runs, analysis.detectors):
        print(f"{run.name:12s} threshold {detector.threshold_:.3f}  top score {np.nanmax(run.scores):.3f}  "
              f"flagged {int(np.sum(run.labels))} lines")
    print(health_line(template_health(analysis.keys["template_id"].to_numpy(), analysis.keys["count"].to_numpy())))
    if analysis.trends is not None:
        _print_trends(analysis.trends.alerts)
    if not flagged.any():
        from .report import most_unusual

        lines, _ = most_unusual(frame, limit=5)
        print("nothing crossed the threshold; most unusual lines (score: rank percentile among the lines, "
              "averaged over the methods; 1 = highest):")
        for row in lines.itertuples(index=False):
            print(f"  {row.score:8.3f}  {_shown(row.where)}  {_shown(row.line[:100])}")
    for name in ("report", "incidents", "anomalies", "trends", "summary"):
        print(f"{name:10s} {_shown(paths[name])}")
    print(f"projector  {_shown(paths['projector'])} (load tensors.tsv + metadata.tsv at projector.tensorflow.org)")
    print(f"open the projector in TensorBoard: {_shown(tensorboard_command(paths['projector']))}")
    alerts = 0 if analysis.trends is None else len(analysis.trends.alerts)
    found = {"anomalies": events, "incidents": len(analysis.result), "trends": alerts}
    return _fail_on(found, args.fail_on, _finish(*analysis.reports))


# The strongest trend alerts analyze names: a storm of an ordinary message flags few lines, and shows here.
TRENDS_SHOWN = 3


def _print_trends(alerts: pd.DataFrame) -> None:
    """How many trend alerts of each kind, and the strongest few (:data:`TRENDS_SHOWN`) with where they start."""
    if not len(alerts):
        print("trend alerts 0")
        return
    kinds = alerts["kind"].value_counts()
    print(f"trend alerts {len(alerts)}: " + ", ".join(f"{kind} {n}" for kind, n in kinds.items()) + "; strongest:")
    for row in alerts.sort_values("score", ascending=False, kind="stable").head(TRENDS_SHOWN).itertuples():
        # A count of several files' lines starts on no one line (first_line_no -1, source "(2 files)").
        where = f"{row.source}:{row.first_line_no}" if row.first_line_no >= 0 else row.source
        when = "" if pd.isna(row.start) else f"{row.start}  "
        print(f"  {row.kind:8s} {row.score:8.1f}  {when}{_shown(where)}  {_shown(str(row.template)[:100])}")


def _events(frame: pd.DataFrame, rows: np.ndarray) -> int:
    """How many events (a line with its continuation lines, see multiline) hold the rows (n,) bool of frame."""
    if "event_line_no" not in frame:
        return int(rows.sum())
    return len(frame.loc[rows, ["source", "event_line_no"]].drop_duplicates())


def cmd_compare(args: argparse.Namespace) -> int:
    """``logad compare``: template shares of --target against --baseline, as CSV and HTML."""
    from .compare import COMPARE_FILES, compare_frames, read_sides, split_at, write_comparison

    split = args.at is not None
    if not split and len(args.paths) == 2 and not (args.baseline or args.target):  # `compare OLD NEW`, as diff
        args.baseline, args.target, args.paths = args.paths[:1], args.paths[1:], []
    if split != bool(args.paths) or (split and (args.baseline or args.target)) \
            or (not split and not (args.baseline and args.target)):
        raise UsageError("compare: give BASELINE TARGET, --baseline PATH... and --target PATH..., or PATH... --at "
                         "TIME")
    out = _output_folder(args.out, COMPARE_FILES.values())
    # Its summary is JSON, read as a log where a folder or glob of inputs holds it: an earlier run's is left out.
    _leave_out_outputs(args, named=[out / COMPARE_FILES[kind] for kind in ("csv", "html")],
                       ours=[out / COMPARE_FILES["summary"]])
    start = time.perf_counter()
    if split:
        baseline, target = split_at(args.paths, args.at, args.format, args.json_key, time_format=args.time_format)
    else:
        baseline, target = read_sides(args.baseline, args.target, args.format, args.json_key,
                                      time_format=args.time_format)
    comparison = compare_frames(baseline, target)
    paths = write_comparison(comparison, out, args.lock_timeout)
    counts = "  ".join(f"{s} {comparison.count(s)}" for s in ("new", "gone", "up", "down"))
    print(f"templates {len(comparison.table)}  {counts}  symmetric KL {comparison.divergence:.3f}  "
          f"seconds {time.perf_counter() - start:.1f}")
    print(f"wrote {_shown(paths['csv'])}, {_shown(paths['summary'])} and {_shown(paths['html'])}")
    if split:  # one read of the logs, both sides
        code = _finish(_frame_report(baseline))
    else:
        code = _finish(_frame_report(baseline), _frame_report(target), sides=COMPARED_SIDES)
    found = {status: comparison.count(status) for status in ("new", "gone", "up", "down")}
    return _fail_on({**found, "changes": sum(found.values())}, args.fail_on, code)


def _labels_beside(frame: pd.DataFrame) -> np.ndarray | None:
    """Ground truth from a ``.labels.csv`` beside a single generated input, when its lines match."""
    from .datasets import known_labels

    sources = pd.Series(frame["source"].unique()).astype(str).unique()  # distinct first: n lines, few sources
    try:
        flags = known_labels(sources[0]) if len(sources) == 1 else None
    except ValueError as exc:  # labels beside the log whose line numbers do not fit it: the analysis stands alone
        print(f"warning: no ground truth: {_shown(str(exc))}", file=sys.stderr)
        return None
    return flags if flags is not None and len(flags) == len(frame) else None


def cmd_score(args: argparse.Namespace) -> int:
    """``logad score``: score new logs with a saved pipeline, once per distinct line; same output as ``detect``."""
    from .persistence import load_model
    from .streaming import mine_table

    out = _check_writable(Path(args.out), (".csv", ".parquet"), args.engine == "dask")
    _outside_model(out, args.model)
    _leave_out_outputs(args, named=[out], ours=[args.model])
    start = time.perf_counter()
    try:
        model = load_model(args.model)
    except (OSError, ValueError) as exc:
        raise CliError(f"cannot load model: {exc}") from None
    with _engine(args) as engine:
        run = _count_as_model(engine, args, model)
        report = run.report
        if model.fmt != "auto" and report.lines > report.blank and report.lines - report.blank == report.unparsed:
            raise CliError(f"no line of these logs matches the model's format {model.fmt!r}: they are of another "
                           "layout; fit a model on logs like them")
        known = len(model.miner.templates_)  # mining appends the templates of messages the model never saw
        keys = engine.score_keys(model.detector, mine_table(run.table.frame(), model.miner))
        engine.write_scores(run, keys, model.miner.masker, out, args.safe_formulas)
    _print_scores(run.report, keys, model.detector.threshold_, out, start)
    _print_new_templates(keys, known)
    # As a read report, for the format check.
    fitted = {"formats": dict(enumerate(model.read_as)), "layouts": dict(enumerate(model.layouts))}
    return _finish(fitted, run.report.as_dict(), sides=("the model's logs", "these logs"))


def _count_as_model(engine, args: argparse.Namespace, model):
    """The logs to score read as the model's were: its format and time format (``--time-format`` wins)."""
    try:
        return engine.count_keys(args.paths, model.fmt, model.json_key, model.miner.masker,
                                 time_format=args.time_format or model.time_format)
    except FormatError as exc:
        if args.time_format or not model.time_format:
            raise
        # The user gave no --time-format here: the one that failed is the model's.
        raise FormatError(f"{exc}: the model's; give --time-format to read these logs' times otherwise") from None


def _print_scores(report, keys: pd.DataFrame, threshold: float, out: Path, start: float) -> None:
    anomalies = int((keys["is_anomaly"] * keys["count"]).sum())
    print(f"lines {report.lines}  unparsed {report.unparsed}  blank {report.blank}  "
          f"anomalies {anomalies}  threshold {threshold:.4g}  seconds {time.perf_counter() - start:.2f}")
    print(f"wrote {_shown(out)}")


def _print_new_templates(keys: pd.DataFrame, known: int) -> None:
    """Say how many templates (and lines) of the scored keys the model never saw: ids from ``known`` on."""
    new = keys["template_id"].to_numpy() >= known
    if new.any():
        lines = int(keys.loc[new, "count"].sum())
        print(f"new templates {keys.loc[new, 'template_id'].nunique()} ({lines} line(s), template_id {known} and up): "
              "messages the model never saw")


def _write_scores(frame: pd.DataFrame, scores: np.ndarray, labels: np.ndarray, out: Path, threshold: float,
                  start: float, safe_formulas: bool) -> None:
    from .pipeline import score_table

    table = score_table(frame, scores, labels)
    write_table(table, out, safe_formulas)
    report = frame.attrs["read_report"]
    print(f"lines {len(table)}  unparsed {report['unparsed']}  blank {report['blank']}  "
          f"anomalies {int(labels.sum())}  threshold {threshold:.4g}  seconds {time.perf_counter() - start:.2f}")
    print(f"wrote {_shown(out)}")


def _export_projector(args: argparse.Namespace, detector, frame: pd.DataFrame, scores, labels) -> None:
    from .projector import export_lines

    export = export_lines(frame, detector, out_dir=args.projector_dir, run=args.method, scores=scores, labels=labels,
                          safe_formulas=args.safe_formulas)
    print(_shown(export.summary()))


def cmd_generate(args: argparse.Namespace) -> None:
    """``logad generate``: write a labelled sample log and its labels CSV."""
    from .datasets import incidents_path_for, write_log

    out = _check_writable(Path(args.out), (".jrn", ".log", ".txt"))
    if not 1 <= args.lines <= MAX_GENERATED:
        raise UsageError(f"--lines must be from 1 to {MAX_GENERATED:,} (the log is built in memory; join runs of other "
                       f"--seed for more)" if args.lines > 0 else "--lines must be at least 1")
    log_path, labels_path = write_log(out, n_lines=args.lines, seed=args.seed)
    print(f"wrote {_shown(log_path)}, {_shown(labels_path)} and {_shown(incidents_path_for(log_path))}")


def cmd_formats(args: argparse.Namespace) -> int | None:
    """``logad formats``: list presets with their format strings, or describe the layout of one log."""
    from .formats import PRESETS

    if args.detect:
        from .io import LogInputError, ReadReport, describe_layout, resolve_paths

        # A directory or glob: each file has its own layout; one that cannot be read is said and skipped, as
        # parse skips it, not the end of the listing.
        report = ReadReport()  # and a folder's files not named like logs, which parse passes over too
        problems = report.skipped_files
        described = 0
        for path in (paths := resolve_paths(args.detect, problems, report.passed_over)):
            try:
                layout = describe_layout(path, args.time_format, problems.append)  # a .gz cut short: exit 3
                lines = [f"{key:13s} {_shown(value)}" for key, value in layout.items()]
            except LogInputError as exc:
                if len(paths) == 1:
                    raise
                problems.append(str(exc))
                continue
            print("\n" * bool(described) + "\n".join(lines))
            described += 1
        if not described:
            raise LogInputError("no readable log file among the inputs: " + "; ".join(problems))
        report.finish()
        return _finish(report.as_dict())
    if args.time_format:
        raise UsageError("--time-format applies to formats --detect only")
    for name, fmt in PRESETS.items():
        print(f"{name:12s} {fmt.pattern or '(JSON object per line; --json-key names the message)'}")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code (0 ok, 1 error, 2 usage, 3 partial: an input skipped or cut short)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        # Building the parser imports scikit-learn, seconds in which a Ctrl-C is as welcome as later.
        args = build_parser(detectors=not (argv and argv[0] in LIGHT_COMMANDS)).parse_args(argv)
        func: Callable[[argparse.Namespace], int | None] = args.func
        if "json_key" in args:
            # A message key only means something for JSON lines: naming one chooses them.
            if args.json_key is not None and args.format == "auto":
                args.format = "jsonl"
            args.json_key = args.json_key or "message"
        with warnings.catch_warnings(), _sigterm_as_exit():
            warnings.simplefilter("ignore")
            # But a wait behind another run: without a word, a nightly job stuck behind one that overran looked hung.
            warnings.filterwarnings("always", category=FolderWait)
            warnings.showwarning = _show_warning
            code = func(args) or EXIT_OK
            sys.stdout.flush()  # here, where a reader that went away is known (BrokenPipeError below)
            return code
    except FolderBusy as exc:
        print(f"logad: error: {_shown(exc)}", file=sys.stderr)
        return EXIT_BUSY
    except (UsageError, CliError, LogInputError, FormatError, ModelNotAvailable, OutputError, ClusterError,
            ValueError) as exc:
        # ValueError: input a detector cannot use, e.g. nothing but blank lines.
        print(f"logad: error: {_shown(exc)}", file=sys.stderr)
        return EXIT_USAGE if isinstance(exc, UsageError) else EXIT_ERROR
    except BrokenPipeError:
        # The reader of the output stopped (`| head`): nothing to report. Standard output points at the null
        # device so that flushing it on the way out fails no more.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_ERROR
    except OSError as exc:
        # A folder that cannot be made or written (a file in the way, no permission).
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"logad: error: {_shown(where)}{_shown(exc.strerror or exc)}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("logad: interrupted", file=sys.stderr)
        return 130


def _show_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int, file=None,
                  line: str | None = None) -> None:
    """A warning the command lets through, as its own are printed: ``warning: ...`` on stderr."""
    print(f"warning: {_shown(message)}", file=sys.stderr)


def run() -> int:
    """Console entry: :func:`main`'s exit code, with every object then frozen for the cyclic collector.

    The interpreter's exit collects garbage, walking every object left; after a
    detector ran, TensorFlow's and torch's millions of them took 3.4 s of it.
    Exit handlers still run; objects only left in cycles are not finalized.
    """
    code = main()
    gc.freeze()
    return code


@contextmanager
def _sigterm_as_exit() -> Iterator[None]:
    """While active, SIGTERM raises SystemExit(143), so unfinished outputs are removed on the way out."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _exit_on_signal(signum: int, frame) -> None:
    print("logad: terminated", file=sys.stderr)
    raise SystemExit(128 + signum)


if __name__ == "__main__":
    sys.exit(run())
