"""Template-mining accuracy on the 8 shared Loghub systems: GA, PA, FGA, FTA, and defaults chosen leave-one-system-out.

Usage::

    python benchmarks/parse_accuracy.py [--loghub DIR] [--loghub2 DIR] [--no-write]

Reads each ``X/X_2k.log`` raw, splits the header off with ``LogFormat``
(format strings from the Loghub README) and mines templates with
:class:`~logad_utils.templates.LogTemplateMiner`. Scores against two ground
truths: Loghub's ``X_2k.log_structured.csv`` and Loghub-2.0's corrected
``X_2k.log_structured_corrected.csv`` (metrics: :mod:`logad_utils.evaluate`).

Leave-one-system-out: every setting of a small grid is scored on every
system; for each held-out system the setting with the best mean score over
the other 7 is chosen and scored on the held-out one. The score of a system
is the mean of GA (Loghub), GA, PA and FTA (Loghub-2.0). The setting chosen
by most folds (ties: best mean over all 8) must be the miner's default, which
the script checks. Replaces the ``parse_accuracy`` section of
``benchmarks/RESULTS.md``.
"""
from __future__ import annotations

import argparse
import itertools
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_parse import varied_messages  # noqa: E402
from common import LOGHUB, LOGHUB_CITATION, RESULTS, markdown_table, write_section  # noqa: E402
from logad_utils.evaluate import grouping_accuracy, parsing_metrics  # noqa: E402
from logad_utils.formats import LOGHUB_FORMATS, LogFormat  # noqa: E402
from logad_utils.templates import LogTemplateMiner, mine_templates  # noqa: E402

LOGHUB2 = LOGHUB.parent / "loghub-2.0"
LOGHUB2_CITATION = ("Loghub-2.0: Zhihan Jiang, Jinyang Liu, Junjie Huang, Yichen Li, Yintong Huo, Jiazhen Gu, "
                    "Zhuangbin Chen, Jieming Zhu, Michael R. Lyu. *A Large-scale Evaluation for Log Parsing "
                    "Techniques: How Far are We?* ISSTA 2024. https://github.com/logpai/loghub-2.0")
SECTION = "parse_accuracy"  # RESULTS.md markers: <!-- parse_accuracy:start --> ... <!-- parse_accuracy:end -->
# The grid; the first value of each is the miner's default, and wins ties.
GRID = {"sim_th": (0.95, 0.8, 0.6), "slot_min_values": (4, 2, 3, 6), "protect_prefix": (1, 0, 2),
        "digits_are_vars": (True, False), "caps_constants": (True, False), "shared_slots": (True, False),
        "slot_pairs": (True, False), "lead_entities": (True, False), "absorb_covered": (True, False)}

# Mean training scores closer than this are a tie (one line of a 2,000-line
# system moves a system's score by 0.0005, the mean over 7 by less).
TIE = 1e-3
# Generated word-parameter logs (bench_parse's ``varied``): seeds not used while writing the merge rules.
VARIED_SEEDS = (11, 12, 13)
VARIED_SETTINGS = {"defaults": {}, "shared_slots=False": {"shared_slots": False},
                   "slot_pairs=False": {"slot_pairs": False},
                   "both off": {"shared_slots": False, "slot_pairs": False}}
# The same logs with 30 % of the events led by an entity (a user or program starting the message).
LEAD_SHARE = 0.3
LEAD_SETTINGS = {"defaults": {}, "lead_entities=False": {"lead_entities": False}}

__all__ = ["grouping_accuracy", "read_lines", "load_system", "evaluate_system", "main"]


def read_lines(path: Path) -> list[str]:
    """Lines of a Loghub file: split on LF only (Apache has stray CRs inside lines), CRLF endings removed."""
    text = path.read_text(encoding="utf-8", errors="replace")
    lines = [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def load_system(loghub: Path, system: str, loghub2: Path | None = None) -> tuple[pd.DataFrame, pd.Series, pd.Series | None]:
    """(parsed frame of the n lines, Loghub templates (n,), Loghub-2.0 corrected templates (n,) or None)."""
    truth = pd.read_csv(loghub / system / f"{system}_2k.log_structured.csv", dtype=str, keep_default_na=False)
    lines = read_lines(loghub / system / f"{system}_2k.log")
    if len(lines) != len(truth):
        raise RuntimeError(f"{system}: {len(lines)} log lines but {len(truth)} labelled rows")
    frame, _ = LogFormat(LOGHUB_FORMATS[system]).parse(lines)
    frame["blank"] = [not str(c).strip() for c in frame["content"]]
    corrected = None
    path = None if loghub2 is None else loghub2 / system / f"{system}_2k.log_structured_corrected.csv"
    if path is not None and path.is_file():
        corrected = pd.read_csv(path, dtype=str, keep_default_na=False)["EventTemplate"]
        if len(corrected) != len(lines):
            raise RuntimeError(f"{system}: {len(lines)} log lines but {len(corrected)} corrected rows")
    return frame, truth["EventTemplate"], corrected


def evaluate_system(loghub: Path, system: str, loghub2: Path | None = None, **params) -> dict:
    """Template counts, GA on Loghub's templates and GA/PA/FGA/FTA on the corrected ones for one system."""
    start = time.perf_counter()
    frame, truth, corrected = load_system(loghub, system, loghub2)
    mined = mine_templates(frame, LogTemplateMiner(**params))
    row = {"system": system, "lines": len(frame), "templates_true": int(truth.nunique()),
           "templates_pred": int(mined["template_id"].nunique()),
           "ga": grouping_accuracy(truth, mined["template_id"]), "seconds": time.perf_counter() - start}
    if corrected is not None:
        row["templates_corrected"] = int(corrected.nunique())
        row.update({f"{k}_2": v for k, v in parsing_metrics(corrected, mined["template_id"],
                                                            mined["template"]).items()})
    return row


def varied_rows(seeds: Sequence[int] = VARIED_SEEDS, n_lines: int = 50_000, n_unique: int = 10_000) -> list[dict]:
    """GA and template counts of the merge rules on generated logs whose parameters are words, per seed."""
    rows = []
    for seed in seeds:
        for lead, settings in ((0.0, VARIED_SETTINGS), (LEAD_SHARE, LEAD_SETTINGS)):
            messages, truth = varied_messages(n_lines, n_unique, seed=seed, lead_share=lead)
            for name, params in settings.items():
                ids = LogTemplateMiner(**params).fit_transform(messages)
                rows.append({"seed": seed, "entity-led events": lead, "setting": name, "events": len(set(truth)),
                             "templates": len(set(ids)), "GA": grouping_accuracy(pd.Series(truth), pd.Series(ids))})
    return rows


def score(row: dict) -> float:
    """What the grid maximises per system: mean of GA (Loghub) and GA, PA, FTA (corrected)."""
    return float(np.mean([row["ga"], row["ga_2"], row["pa_2"], row["fta_2"]]))


def grid_scores(loghub: Path, loghub2: Path, systems: Sequence[str]) -> tuple[list[dict], dict]:
    """Settings of GRID in order, and {(setting index, system): row}; each system is loaded once."""
    settings = [dict(zip(GRID, values)) for values in itertools.product(*GRID.values())]
    rows = {}
    for system in systems:
        frame, truth, corrected = load_system(loghub, system, loghub2)
        for i, params in enumerate(settings):
            mined = mine_templates(frame, LogTemplateMiner(**params))
            row = {"ga": grouping_accuracy(truth, mined["template_id"])}
            row.update({f"{k}_2": v for k, v in parsing_metrics(corrected, mined["template_id"],
                                                                mined["template"]).items()})
            rows[i, system] = row
    return settings, rows


def leave_one_out(settings: list[dict], rows: dict, systems: Sequence[str]) -> tuple[list[dict], dict]:
    """One row per held-out system (setting chosen on the others, its scores there), and the setting that ships."""
    table = np.array([[score(rows[i, s]) for s in systems] for i in range(len(settings))])
    folds, chosen = [], []
    for j, held_out in enumerate(systems):
        train = np.delete(table, j, axis=1).mean(axis=1)
        # First setting within TIE of the best: the default wins ties.
        best = int(np.flatnonzero(train >= train.max() - TIE)[0])
        chosen.append(best)
        folds.append({"held out": held_out, **{k: settings[best][k] for k in GRID},
                      "train score": float(train[best]), **rows[best, held_out]})
    votes = Counter(chosen)
    top = max(votes.values())
    ships = max((i for i in votes if votes[i] == top), key=lambda i: (table[i].mean(), -i))
    return folds, settings[ships]


def _fmt(value) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def markdown(rows: list[dict], folds: list[dict], shipped: dict, n_settings: int, varied: list[dict]) -> str:
    """Body of the RESULTS.md section."""
    per_system = pd.DataFrame([{
        "system": r["system"], "lines": r["lines"], "templates (Loghub)": r["templates_true"],
        "templates (corrected)": r["templates_corrected"], "templates (predicted)": r["templates_pred"],
        "GA (Loghub)": r["ga"], "GA": r["ga_2"], "PA": r["pa_2"], "FGA": r["fga_2"], "FTA": r["fta_2"],
        "seconds": r["seconds"]} for r in rows])
    mean = per_system.drop(columns=["system"]).mean(numeric_only=True)
    per_system = per_system.astype(object)
    per_system.loc[len(per_system)] = ["**average**", "", "", "", ""] + [
        f"**{mean[c]:.3f}**" for c in ("GA (Loghub)", "GA", "PA", "FGA", "FTA")] + [""]
    loso = pd.DataFrame([{k: _fmt(v) for k, v in {
        "held out": f["held out"], **{k: f[k] for k in GRID}, "train score": f["train score"],
        "GA (Loghub)": f["ga"], "GA": f["ga_2"], "PA": f["pa_2"], "FGA": f["fga_2"], "FTA": f["fta_2"]}.items()}
        for f in folds])
    shipped_text = ", ".join(f"`{k}={v}`" for k, v in shipped.items())
    return "\n".join([
        "## Template mining accuracy (Loghub 2k, 8 systems)", "",
        "`LogTemplateMiner()` with its defaults: one configuration for every system, no per-system regexes or "
        "thresholds, only the header format given. Messages come from the raw `X_2k.log` through `LogFormat` "
        "with the header formats of the Loghub README; seconds cover header parsing, masking and mining. "
        "Regenerate with `python benchmarks/parse_accuracy.py` (a few minutes).", "",
        "Ground truth: **GA (Loghub)** uses Loghub's original `X_2k.log_structured.csv` templates; **GA, PA, FGA "
        "and FTA** use Loghub-2.0's corrected templates (`X_2k.log_structured_corrected.csv`). GA: share of lines "
        "whose predicted group is exactly their true group. PA: share of lines whose template text is the true "
        "one (typed placeholders read as `<*>`, runs of `<*>` with nothing or only spaces between them as one, "
        "spaces collapsed, on both sides). FGA / FTA: F1 over "
        "groups / over groups whose text is also right (`logad_utils.evaluate`).", "",
        markdown_table(per_system, ".3f"), "",
        "Published averages on the corrected 2k samples of Loghub-2.0's 14 systems, for scale (not the same "
        "systems): Drain, tuned per system, GA 0.85 / FGA 0.74 / PA 0.32 / FTA 0.28; LogPPT, a GPU model "
        "trained on labelled examples, GA 0.76 / FGA 0.86 / PA 0.71 / FTA 0.64.", "",
        "### Defaults chosen leave-one-system-out", "",
        f"A grid of {n_settings} miner settings ({', '.join(f'`{k}` in {list(v)}' for k, v in GRID.items())}) "
        "is scored on every system. For each held-out system, the setting with the best mean score on the "
        f"other 7 (score = mean of GA (Loghub), GA, PA and FTA; means within {TIE} of the best are ties, and "
        "ties go to the current default) is chosen, then "
        "scored on the held-out system: the row shows the setting each fold chose and its unseen-system "
        f"scores. The setting most folds chose ships as the default: {shipped_text}.", "",
        markdown_table(loso), "",
        "Caveat: the template-text rules (ports and duration units apart from the variable, URL schemes "
        "kept, the constant part of a generalised token kept) were written after reading mismatches on these "
        "8 systems, following Loghub-2.0's annotation conventions; they are not in the grid, so the folds do "
        "not test them on unseen data. `shared_slots` and `slot_pairs` are in the grid, but were written after "
        "reading Linux's and Hadoop's mismatches (and `slot_pairs`' rule that the two slots must not touch after "
        "reading BGL's), and each changes one system here: the other folds take them only because ties go to the "
        "default, so the Linux and Hadoop rows are not unseen tests of them; the generated logs below are. "
        "`lead_entities` changes none of the 8 systems (every fold ties, so it ships as the default); only the "
        "entity-led generated logs below test it. `absorb_covered` too changes none of them (every fold ties); it "
        "was written after a probe of generated logs of 30 other programs (the same probe led to keeping a merged "
        "slot's shared text around its `<*>`, `user=<*>`, which changes no grouping). Its rule that most first words must also lead other events "
        "was written after seeing `protect_prefix=0` merge Linux's `<daemon> startup succeeded`, Spark's "
        "`<key> is deprecated` and ZooKeeper's `<key> set to <NUM>`, which both ground truths keep apart. "
        "Later refinements change none of the 8 systems either, so the folds do not test them: a bracketed "
        "first word (`[sshd]`, `<site-ams|12>`) leads with one word fewer than `slot_min_values`, 3, not twice "
        "that (written after generated fail2ban, strongSwan and Kafka Connect logs); words that differ only inside "
        "brackets or quotes (`zone[dmz]`, `\"ocs\"`) are a parameter from one word fewer, 3 (2 merged Spark's two "
        "quoted service names and Linux's `(usable)`/`(reserved)`, which both ground truths keep apart; Spark FTA "
        "-0.044); a token with a wildcard (`<*>:`, `imap(<*>)`) takes in the rare templates whose word it reads, "
        "and a field's quoted phrase (`scope=\"openid email\"`) is one token (written after generated "
        "systemd-networkd, Dovecot, Keycloak and Loki logs; a field's quoted value as a parameter from 2 words was "
        "dropped after it cost a held-out kube-controller-manager log 0.128 GA). Nor do these, written after "
        "generated containerd, CoreDNS, Envoy, Nomad and Samba logs: a flag's `true`/`false` is a parameter "
        "whatever its count (Loghub-2.0's Hadoop writes `maps.isEmpty=<*>`), eight UPPER_CASE words in a slot "
        "are one (`domain CORP`), a first word leads with 4 words where masking took one of them for a "
        "variable, a quoted phrase holding an UPPER_CASE word is one token unless it is a request line "
        "(`\"GET /x HTTP/1.1\"`), and a path's query string and an RFC 5322 date are one variable each. "
        "Nor do these, written after generated Terraform, strongSwan, Airflow and Dovecot logs: a cover's wildcards "
        "that hold a named field's value (`rpc=<*>`) or that the covered template already has need no word, a name "
        "a message writes twice (`<hq-dc1|4> ... 'hq-dc1'`) is a parameter from two values, the one-slot pass runs "
        "again after the others, and base64 ids and three-label hosts with newer suffixes (`blog.example.io`) are "
        "masked; `key=value` values as parameters from two values were dropped (Linux GA 1.000 -> 0.814). "
        "Nor do these, written after generated LXD, snapd, cloud-init, Xorg, Ansible and krb5kdc logs: two "
        "`key=value` fields or more that vary together over four combinations are data, a name of one to six words "
        "is one `<*>` of any length where eight names take one place among three constant words (not where most "
        "open lower case, `host link down`, or hold a variable, a field or a state: a looser rule changed BGL, "
        "Hadoop and Linux here), lists in braces or brackets and lists of quoted words are one token (`bracket_lists`), a run in brackets "
        "is one value from three, first words of one family (`config-ssh`) are names from eight, and an IPv6 "
        "address before a closing colon is masked. "
        "Nor do these, written after generated Gerrit, Argo CD, Rundeck and Telegraf logs: a first word that differs "
        "only inside its brackets (`Disconnecting(ServerSessionImpl[<*>@/<IP>:<NUM>]):`) holds a value from three, a "
        "URL ends before closing punctuation, and a date as date(1) writes it (`Tue Jan 16 08:50:00 UTC 2024`) is one "
        "variable. Nor does this, written after a generated Storm log: eight runs in brackets may hold up to "
        "sixteen words each (a tuple's payload). Nor do these, written after generated MinIO, Cassandra and Druid "
        "logs: a first word that leaves a call's bracket open (`GetObject(bucket=<*>,`) holds a value from three, "
        "and a number grouped in thousands (`1,234ms`) is one number. Nor do these, written after generated "
        "Elasticsearch and Kubelet logs: two runs in brackets that vary together (`index [<*>] ... policy [<*>]`) are "
        "two values from three each, as one run is, and the quoted text of an `err=` or `error=` field is an error "
        "message whose words name the event, as a `msg=` field's are. Nor does this, written after a generated "
        "Home Assistant log: a name of several words that opens the message before a colon (`Hallway motion light: "
        "Running automation actions`) is one `<*>` of any length, as a name inside a message is. Nor do these, "
        "written after generated auth and audit logs: a field's key is a name whatever its digits (`a0=\"ls\"`), "
        "and a word that a lone colon sets apart from the `key=value` fields after it (`alice : TTY=pts/0 ; "
        "USER=root ; COMMAND=...`) is the record's subject, a parameter from a slot's count of words. "
        "`shared_slots`: `session opened for user <*> by (uid=<*>)` holds three user names, fewer than the 4 a slot "
        "needs, while `session closed for user <*>` holds four, so the closed slot's words after `user` make the "
        "opened slot a parameter too; `user=root`, `user=guest` and `user=test` after `rhost=<*>` stay separate "
        "templates, as both ground truths keep them (without the rule Linux GA is 0.939; with "
        "`slot_min_values=3` instead, the `user=` slot merges and Linux GA (Loghub) drops to 0.814). `slot_pairs`: "
        "`Registering class <*> for class <*>` varies in two places at once (Hadoop GA 0.989 without it); "
        "BGL's `program interrupt: illegal instruction` / `trap instruction` are two touching words, kept apart. "
        "Linux PA: "
        "the corrected templates write a date inside a message as `<*>:<*>:<*>`, masking makes the whole date one "
        "variable. OpenSSH PA/FTA: 384 lines whose corrected template ends in `user=<*>` have no `user=` field.",
        "",
        "### Generated logs whose parameters are words", "",
        "`bench_parse.varied_messages(50000, 10000, seed=s)`: 2,000 events of 4-12 made-up words, each with one "
        "or two word parameters (drawn from 5,000 words, so masking cannot fold them) and a number; event "
        f"frequencies skewed. Seeds {', '.join(map(str, VARIED_SEEDS))} were not used while writing the rules. "
        "Events with fewer than 4 different words in a slot stay split by design (an enumeration), so GA 1 is out "
        "of reach; the table shows what each merge rule adds. With *entity-led events* 0.3, 30 % of the events "
        "start with an entity instead (one of 50 words that lead many events, as a user or a program does), "
        "which `lead_entities` merges. It was written after seeing first-word parameters split every template "
        "(GA 0 on a hand-made proxy log) and checked to change none of the 8 systems above; these seeds are its "
        "first test.", "",
        markdown_table(pd.DataFrame(varied), ".3f"), "",
        f"Data: {LOGHUB_CITATION}", "", f"Corrected templates: {LOGHUB2_CITATION}"]) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loghub", type=Path, default=LOGHUB, help="folder with HDFS/, Hadoop/, ...")
    parser.add_argument("--loghub2", type=Path, default=LOGHUB2, help="folder with the corrected templates")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args(argv)
    if not (args.loghub / "HDFS").is_dir() or not (args.loghub2 / "HDFS").is_dir():
        print(f"Loghub samples not found in {args.loghub} or {args.loghub2} (set --loghub/--loghub2 or "
              "LOGAD_LOGHUB)", file=sys.stderr)
        return 1
    systems = list(LOGHUB_FORMATS)
    rows = [evaluate_system(args.loghub, s, args.loghub2) for s in systems]
    settings, grid = grid_scores(args.loghub, args.loghub2, systems)
    folds, shipped = leave_one_out(settings, grid, systems)
    cols = ["system", "ga", "ga_2", "pa_2", "fga_2", "fta_2"]
    print(pd.DataFrame(rows)[cols].to_string(index=False, float_format="%.3f"))
    print(pd.DataFrame(folds).to_string(index=False, float_format="%.3f"))
    print(f"shipped by the folds: {shipped}")
    varied = varied_rows()
    print(pd.DataFrame(varied).to_string(index=False, float_format="%.3f"))
    default = {k: v for k, v in LogTemplateMiner().get_params().items() if k in GRID}
    if default != shipped:
        print(f"the miner's defaults {default} are not the setting the folds chose", file=sys.stderr)
        return 2
    if not args.no_write:
        write_section(SECTION, markdown(rows, folds, shipped, len(settings), varied))
        print(f"updated {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
