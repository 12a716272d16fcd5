"""The ``logad`` command: ``parse``, ``generate`` (and the detection commands)."""
from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path
from typing import Callable, Sequence

import pandas as pd

from .formats import FormatError
from .io import LogInputError

__all__ = ["main", "build_parser"]


class CliError(Exception):
    """A user error reported as one line with a non-zero exit code."""


def _add_input_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="log files, directories or globs (plain or .gz)")
    p.add_argument("--format", default="auto", metavar="F",
                   help="preset name (see `logad formats`), a format string like "
                        "'<Date> <Time> <Level> <Component>: <Content>', or auto (default)")
    p.add_argument("--json-key", default="message", help="message key for --format jsonl (default: message)")


def build_parser() -> argparse.ArgumentParser:
    """Argument parser of every sub-command."""
    parser = argparse.ArgumentParser(prog="logad", description="Log analysis and anomaly detection.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("parse", help="read logs, mask variables, mine templates; one row per input line")
    _add_input_args(p)
    p.add_argument("--out", required=True, metavar="FILE", help="output .csv or .parquet")
    p.set_defaults(func=cmd_parse)

    p = sub.add_parser("generate", help="write a labelled synthetic ATM journal log")
    p.add_argument("--lines", type=int, default=20000, help="number of lines (default 20000)")
    p.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    p.add_argument("--out", required=True, metavar="PATH.jrn", help="log path; labels go beside it")
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("formats", help="list the format presets")
    p.set_defaults(func=cmd_formats)
    return parser


def _check_writable(path: Path, suffixes: Sequence[str]) -> Path:
    if path.suffix.lower() not in suffixes:
        raise CliError(f"{path}: output must end in {' or '.join(suffixes)}")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise CliError(f"{path}: output folder {parent} does not exist")
    if path.is_dir():
        raise CliError(f"{path}: is a directory")
    return path


def write_table(frame: pd.DataFrame, path: Path) -> None:
    """Write a frame as CSV or Parquet by suffix; a clear error when the path is not writable."""
    try:
        if path.suffix.lower() == ".parquet":
            frame.to_parquet(path, index=False)
        else:
            frame.to_csv(path, index=False)
    except OSError as exc:
        raise CliError(f"{path}: cannot write ({exc.strerror or exc})") from None


def cmd_parse(args: argparse.Namespace) -> None:
    """``logad parse``: read, mask, mine templates, write, print a summary."""
    from .templates import mine_templates
    from .io import read_logs

    out = _check_writable(Path(args.out), (".csv", ".parquet"))
    start = time.perf_counter()
    frame = read_logs(args.paths, args.format, json_key=args.json_key, warn=False)
    frame = mine_templates(frame)
    columns = [c for c in frame.columns if c not in ("raw",)]
    write_table(frame[columns], out)
    seconds = time.perf_counter() - start
    report = frame.attrs["read_report"]
    n_templates = int(frame.loc[~frame["blank"], "template_id"].nunique())
    formats = ", ".join(sorted(set(report["formats"].values()))) or "-"
    print(f"files {len(report['files'])}  format {formats}")
    print(f"lines {report['lines']}  unparsed {report['unparsed']}  blank {report['blank']}  "
          f"templates {n_templates}  seconds {seconds:.2f}")
    for message in report["warnings"]:
        print(f"warning: {message}", file=sys.stderr)
    print(f"wrote {out}")


def cmd_generate(args: argparse.Namespace) -> None:
    """``logad generate``: write a labelled sample log and its labels CSV."""
    from .datasets import write_log

    out = _check_writable(Path(args.out), (".jrn", ".log", ".txt"))
    if args.lines < 1:
        raise CliError("--lines must be at least 1")
    log_path, labels_path = write_log(out, n_lines=args.lines, seed=args.seed)
    print(f"wrote {log_path} and {labels_path}")


def cmd_formats(args: argparse.Namespace) -> None:
    """``logad formats``: list presets with their format strings."""
    from .formats import PRESETS

    for name, fmt in PRESETS.items():
        print(f"{name:12s} {fmt.pattern or '(JSON object per line; --json-key names the message)'}")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code (0 ok, 1 error, 2 usage)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], None] = args.func
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            func(args)
    except (CliError, LogInputError, FormatError) as exc:
        print(f"logad: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("logad: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
