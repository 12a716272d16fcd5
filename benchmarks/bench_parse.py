"""Parsing speed as a ratio: `logad parse` end to end versus drain3's bare TemplateMiner, side by side.

Three workloads, each written to a file first:

* ``journal``: a generated ATM journal (`datasets.write_log`), few unique messages;
* ``loghub``: the 8 shared Loghub 2k files, parsed together (formats
  detected), with any ``--system-log`` files (the machine's own logs);
* ``varied``: a high-cardinality log (:func:`varied_log`): events whose
  parameters are words, so masking cannot fold them, and most masked
  messages are unique.

For each, `logad parse FILES --out X.parquet` runs in a separate process
(read, header, mask, templates, write; interpreter start-up included; the
package's bytecode compiled beforehand, as an installed package has it) and,
in the same process as this script, ``cmd_parse`` alone (the same work
without start-up). The reference is drain3's ``TemplateMiner`` with default
settings fed the messages logad extracted, one at a time, no masking, no I/O;
the masked per-line loop (logad's rules as drain3 masking instructions) is a
second reference on the journal. Runs alternate A, B, A, B; medians are
quoted, and ratio = drain3 seconds / logad seconds (above 1: logad faster).

Usage: python benchmarks/bench_parse.py [--lines N] [--varied-lines N] [--varied-unique U] [--repeats R]
       [--system-log FILE ...]
"""
from __future__ import annotations

import argparse
import compileall
import contextlib
import io
import random
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

from common import LOGHUB, LOGHUB_CITATION, ROOT, markdown_table, time_logad, write_section
from logad_utils.cli import main as logad_main
from logad_utils.datasets import write_log
from logad_utils.io import read_logs
from logad_utils.masking import DEFAULT_RULES

# From CPU-time profiles of the in-process parse on these workloads (not timed here).
WHERE_TIME_GOES = (
    "Where the time goes (CPU time per step of the in-process parse, measured apart from this run, before this "
    "version's single Arrow conversion): the journal spends about a fifth masking (one pass of the rules' regex per "
    "digit-canonical message: 1,121 forms of 300,000 lines), a fifth in the per-line header regex (its times a "
    "twentieth), an eighth converting to Arrow and writing Parquet, a twentieth searching for a stack frame's words, a"
    " twentieth each making the template text and mining; the Loghub files about three tenths masking (one pass per "
    "distinct form, 7,790 forms for 4,898 masked messages), a fifth mining, a sixth format detection and an eighth the"
    " per-line header; `varied` half mining (drain3's tree search with logad's variable-aware matching, then slot "
    "merging). What made it faster: the first pass keeps the lines (the first chunk as it is, later ones as Arrow in a"
    " temporary file), so the second pass parses no header again; Python's cyclic garbage collector is paused while a "
    "chunk is read and while templates are mined (its passes walked the growing lists of rows and clusters); masking "
    "finds which rules could match a text in one NumPy pass over all texts and keeps masked forms between chunks, a "
    "':' or '.' tells digits apart only where it touches one (a clock's 10:20, an address's .255), only where every "
    "part of the rule around the test can match too (an image's '@sha256:' needs a '.') and only at the places in a "
    "run of digits where the rule can test them (an octet's 25[0-5] at a run's first digits: a long id's inner digits "
    "are alike), each rule is tried only at characters it can start with, before its look-behinds run, and each rule's"
    " group in the combined regex is an empty one after it (re clears the marks of lower groups each time it opens "
    "one); texts are grouped and taken per line without converting each to pandas' string dtype, a chunk's key fields "
    "are coded in their own dtypes (text by Arrow's dictionary encoding, which hashes UTF-8 where pandas hashes each "
    "fresh Python string) and each key's first row found in one pass, not a sort; the messages that may hold a stack "
    "frame's words are found in one RE2 pass over Arrow strings, not one search of the joined text per word, and one "
    "Arrow conversion of a chunk's messages serves its keys, the lines kept for Parquet and the searches of a header "
    "without a level (up to five passes over Python strings before); mining looks templates up in a per-leaf hash "
    "index and reads each value once per wildcard; detection keeps what a format's pattern implies, parses no text "
    "sample as JSON and no preset that cannot outrank the best fit; layout inference searches a sample's heads for its"
    " time layouts with RE2 (in Arrow) where the text reads alike in both engines, stops trying time formats once one "
    "reads every value but for other orders of its fields, and puts the time layouts behind a look-ahead of the "
    "characters a time can open with. The ratios move with the machine and its load: this run's machine was about 2.4 "
    "times slower than the run before's (drain3's reference 6.36 s on the journal against 2.65 s), and drain3's loop, "
    "all Python, slowed more than logad's vectorised steps (the run before gave the journal 0.82x, the Loghub files "
    "0.62x, `varied` 2.21x). This version cut a process's fixed cost, which the separate-process rows and small files "
    "pay: `terms` imports SciPy only for type checking (every command imported scipy.sparse), the masker's analysis of"
    " its rules reads each part once (0.25 -> 0.13 s of CPU), layout's tables of time layouts compile a pattern when "
    "first used (449 patterns compiled on import before, 86 now) and masking reads level words from a module that "
    "loads no pandas; side by side in CPU time (medians of 7, alternated, the machine shared), a 50-line `logad parse`"
    " took 1.53 s against 2.02 s for the version before, a process making a masker 0.60 s against 1.45 s, a "
    "300,000-line journal 7.22 s against 7.91 s. A header split by `str.split` with checks that give the regex's "
    "verdict was measured and not kept: 0.22-0.24 s against the regex's 0.16-0.17 s per 300,000 journal lines. The "
    "separate-process rows add interpreter start-up and imports (pandas and pyarrow most of it) and the masking "
    "regex's compilation, which drain3's reference does not pay: it is timed inside a running process.")
_SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "ta", "vo", "shi", "pe", "da", "gu", "ri", "fo", "xa", "be", "zo")


def varied_messages(n_lines: int, n_unique: int, n_events: int = 2000, seed: int = 0,
                    lead_share: float = 0.0) -> tuple[list[str], list[int]]:
    """n_lines messages drawn from about n_unique distinct masked messages of n_events events, and each one's event.

    An event is 4-12 words with one or two word parameters and a number; the
    numbers differ on every line, the words make the messages distinct
    after masking. Event frequencies are skewed, as in real logs. A share
    ``lead_share`` of the events starts with an entity instead (a user, a
    program: one of 50 words that lead many events); 0 gives the messages of
    earlier versions.
    """
    rng = random.Random(seed)

    def word(k: int) -> str:
        return "".join(rng.choice(_SYLLABLES) for _ in range(k))

    vocab = [word(rng.randint(2, 4)) for _ in range(3000)]
    values = [word(3) for _ in range(max(100, n_unique // 2))]
    entities = [word(3) for _ in range(50)] if lead_share > 0 else []
    events = []
    for _ in range(n_events):
        tokens = [rng.choice(vocab) for _ in range(rng.randint(4, 12))]
        slots = rng.sample(range(1, len(tokens)), k=min(len(tokens) - 1, rng.randint(1, 2)))
        if lead_share > 0 and rng.random() < lead_share:
            slots = [0]
        events.append((tokens, slots, rng.randrange(1, len(tokens))))
    pool = []
    for _ in range(n_unique):
        event = (min(int(rng.paretovariate(1.0)) - 1, n_events - 1) if rng.random() < 0.5
                 else rng.randrange(n_events))
        tokens, slots, number = events[event]
        message = list(tokens)
        for s in slots:
            message[s] = rng.choice(entities if s == 0 else values)
        pool.append((message, number, event))
    messages, truth = [], []
    for i in range(n_lines):
        message, number, event = pool[i] if i < len(pool) else rng.choice(pool)
        message = list(message)
        message[number] = str(rng.randint(0, 10**6))
        messages.append(" ".join(message))
        truth.append(event)
    return messages, truth


def varied_log(path: Path, n_lines: int, n_unique: int, n_events: int = 2000, seed: int = 0) -> Path:
    """Write the :func:`varied_messages` as a log with a header; returns path."""
    messages, _ = varied_messages(n_lines, n_unique, n_events, seed)
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for i, message in enumerate(messages):
            out.write(f"2026-03-02 10:00:{i % 60:02d} INFO app: {message}\n")
    return path


def drain3_seconds(messages: list[str], masked: bool = False) -> float:
    """Seconds for drain3's TemplateMiner (defaults) fed one message at a time, optionally with logad's masking."""
    from drain3 import TemplateMiner
    from drain3.masking import MaskingInstruction
    from drain3.template_miner_config import TemplateMinerConfig

    config = TemplateMinerConfig()
    if masked:
        # drain3 wraps mask_with in "<" and ">" itself; it has no rule that keeps its text (a call site's).
        config.masking_instructions = [MaskingInstruction(rule.pattern, rule.placeholder.strip("<>"))
                                       for rule in DEFAULT_RULES if rule.placeholder is not None]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        miner = TemplateMiner(config=config)  # it prints a note about its missing config file
    t0 = time.perf_counter()
    for message in messages:
        miner.add_log_message(message)
    return time.perf_counter() - t0


def in_process_seconds(paths: list[str], out: Path) -> float:
    """Seconds of `logad parse` run in this process (no interpreter start-up or imports)."""
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        if logad_main(["parse", *paths, "--out", str(out)]) != 0:
            raise RuntimeError("logad parse failed")
    return time.perf_counter() - t0


def measure(name: str, paths: list[str], out: Path, repeats: int, masked_reference: bool) -> list[dict]:
    """Rows of the table for one workload: logad (process, in-process) and drain3, alternating runs."""
    frame = read_logs(paths, warn=False)
    messages = frame["content"].tolist()
    lines = len(messages)
    process, inproc, bare, masked = [], [], [], []
    for _ in range(repeats):
        process.append(time_logad("parse", *paths, "--out", str(out))[0])
        bare.append(drain3_seconds(messages))
        inproc.append(in_process_seconds(paths, out))
    if masked_reference:
        masked = [drain3_seconds(messages, masked=True) for _ in range(repeats)]
    mined = pd.read_parquet(out, columns=["masked", "template_id"])
    unique, templates = mined["masked"].nunique(), mined["template_id"].nunique()
    ref = statistics.median(bare)
    rows = [{"workload": name, "lines": lines, "unique masked": unique, "templates": templates,
             "pipeline": label, "median_s": statistics.median(times), "lines_per_s": round(lines / statistics.median(times)),
             "drain3 s / this s": ref / statistics.median(times)}
            for label, times in (("logad parse, separate process", process),
                                 ("logad parse, in process (no start-up)", inproc),
                                 ("drain3 TemplateMiner, bare (reference)", bare),
                                 ("drain3 TemplateMiner with logad's masking", masked)) if times]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=200_000, help="journal lines")
    parser.add_argument("--varied-lines", type=int, default=50_000)
    parser.add_argument("--varied-unique", type=int, default=10_000, help="distinct masked messages wanted")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--system-log", type=Path, nargs="*", default=[],
                        help="this machine's own logs (e.g. dpkg's), parsed with the Loghub files")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args()
    # Bytecode compiled first, as pip does when it installs a package: where the environment sets
    # PYTHONDONTWRITEBYTECODE, each separate process would otherwise compile logad's source again.
    compileall.compile_dir(ROOT / "logad_utils", quiet=1)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.parquet"
        journal, _ = write_log(Path(tmp) / "journal.jrn", n_lines=args.lines, seed=1)
        rows += measure("journal", [str(journal)], out, args.repeats, masked_reference=True)
        real = sorted(str(p) for p in LOGHUB.glob("*/*_2k.log")) + [str(p) for p in args.system_log]
        if real:
            name = "loghub" + (" + system logs" if args.system_log else "")
            rows += measure(name, real, out, args.repeats, masked_reference=False)
        varied = varied_log(Path(tmp) / "varied.log", args.varied_lines, args.varied_unique)
        rows += measure("varied", [str(varied)], out, args.repeats, masked_reference=False)
    table = pd.DataFrame(rows)
    print(table.to_string(index=False, float_format="%.2f"))
    if args.no_write:
        return
    body = ("## Parsing speed as a ratio to drain3\n\n"
            f"`python benchmarks/bench_parse.py --lines {args.lines} --varied-lines {args.varied_lines} "
            f"--varied-unique {args.varied_unique} --repeats {args.repeats}` on 2 shared cores. Workloads: a generated "
            "ATM journal (few unique messages); the 8 shared Loghub 2k files parsed together (formats detected)"
            + (" with this machine's own logs (" + ", ".join(p.name for p in args.system_log) + ")"
               if args.system_log else "") + "; "
            "`varied`, a generated high-cardinality log whose event parameters are words (masking cannot fold "
            "them). `logad parse` is end to end (read, header, mask, templates, parquet), once as a separate "
            "process (start-up and imports included; bytecode compiled beforehand, as an installed package has it) "
            "and once in this process. The reference is drain3's bare "
            "`TemplateMiner` (defaults, no masking, no I/O) fed logad's extracted messages one at a time; the "
            "journal also has the masked per-line loop (logad's rules as drain3 masking instructions). Runs "
            "alternate; medians of the runs. Last column: drain3's median over this row's (above 1: faster than "
            "drain3).\n\n" + markdown_table(table, ".2f") + "\n\n" + WHERE_TIME_GOES
            + f"\n\nLoghub data: {LOGHUB_CITATION}")
    write_section("parse", body)


if __name__ == "__main__":
    main()
