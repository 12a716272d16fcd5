"""``logad compare``: shared template ids, the share test, statuses, and a self-contained escaped page."""
import re
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from logad_utils.cli import main
from logad_utils import compare
from logad_utils.compare import COMPARE_COLUMNS, STATUSES, compare_frames, read_sides, split_at, symmetric_kl

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "atm_sample.jrn"


def write_lines(path, counts, extra=()):
    """A log of messages repeated as counted (message → lines), interleaved, then ``extra`` lines."""
    lines = [m for m, n in counts.items() for _ in range(n)]
    order = np.random.default_rng(0).permutation(len(lines))
    path.write_text("\n".join([lines[i] for i in order] + list(extra)) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def sides(tmp_path):
    base = write_lines(tmp_path / "base.log", {"user 1 logged in": 500, "cache hit for key 7": 400,
                                               "disk check ok": 100, "backup finished": 20})
    target = write_lines(tmp_path / "target.log", {"user 1 logged in": 500, "cache hit for key 7": 100,
                                                   "disk check ok": 75, "error <b>timeout</b> on db": 60})
    return base, target


def test_comparing_a_log_with_itself_changes_nothing():
    comparison = compare_frames(*read_sides(SAMPLE, SAMPLE))
    table = comparison.table
    assert list(table.columns) == COMPARE_COLUMNS
    assert (table["status"] == "same").all() and (table["p_value"] > 0.99).all()
    assert (table["baseline_count"] == table["target_count"]).all()
    assert comparison.divergence == pytest.approx(0.0, abs=1e-12)
    assert table["baseline_share"].sum() == pytest.approx(1.0)


def test_statuses_and_shared_template_ids(sides):
    baseline, target = read_sides(*sides)
    assert set(baseline["template"]) & set(target["template"])  # mined together
    shared = baseline.merge(target, on="template")[["template_id_x", "template_id_y"]]
    assert (shared["template_id_x"] == shared["template_id_y"]).all()
    comparison = compare_frames(baseline, target)
    status = dict(zip(comparison.table["template"].str.split().str[0], comparison.table["status"]))
    assert status == {"error": "new", "backup": "gone", "cache": "down", "user": "up", "disk": "same"}
    row = comparison.table.set_index("status").loc["down"]
    assert row["baseline_count"] == 400 and row["target_count"] == 100
    # The sides' size ratio is the median of user 1, cache 0.25 and disk 0.75 (target / baseline).
    assert row["delta_pct"] == pytest.approx(100 * (100 / (0.75 * 400) - 1))
    assert set(comparison.table["status"]) <= set(STATUSES)
    assert comparison.divergence > 0.5
    assert list(comparison.examples[int(comparison.table.set_index("status").loc["new", "template_id"])]
                .columns) == ["source", "line_no", "raw"]


def test_the_table_says_where_every_template_first_appears(tmp_path):
    # The page shows a few templates per section: the CSV alone must lead to each one's first line.
    base = write_lines(tmp_path / "base.log", {"user 1 logged in": 50})
    target = tmp_path / "target.log"
    target.write_text("user 1 logged in\n" * 3 + "disk full on /var\n" + "user 1 logged in\n"
                      + "connection refused by db\n" * 2 + "user 1 logged in\n" * 40, encoding="utf-8")
    table = compare_frames(*read_sides(base, target)).table.set_index("status")
    assert list(table.loc["same", ["source", "first_line_no"]]) == [str(target), 1]
    assert sorted(table.loc["new", "first_line_no"]) == [4, 6]
    gone = compare_frames(*read_sides(target, base)).table.set_index("status").loc["gone"]
    assert set(gone["source"]) == {str(target)} and sorted(gone["first_line_no"]) == [4, 6]


def test_symmetric_kl_is_symmetric_and_zero_on_equal_mixes():
    a, b = np.array([10, 0, 5]), np.array([2, 7, 5])
    assert symmetric_kl(a, b) == pytest.approx(symmetric_kl(b, a)) and symmetric_kl(a, b) > 0
    assert symmetric_kl(a, 3 * a + 1) < symmetric_kl(a, b)
    assert symmetric_kl(a, a) == 0


@pytest.mark.parametrize("scale", [1, 3])
def test_one_template_that_grows_leaves_the_others_unchanged(tmp_path, scale):
    # The same traffic (or three times as much) with one message doubling: only that message went up.
    steady = {"user 1 logged in": 300, "cache hit for key 7": 200, "disk check ok": 150, "job 3 done": 100}
    base = write_lines(tmp_path / "base.log", {**steady, "card declined for order 9": 200})
    target = write_lines(tmp_path / "target.log", {**{m: n * scale for m, n in steady.items()},
                                                   "card declined for order 9": 400 * scale})
    table = compare_frames(*read_sides(base, target)).table
    status = dict(zip(table["template"].str.split().str[0], table["status"]))
    assert status == {"card": "up", "user": "same", "cache": "same", "disk": "same", "job": "same"}
    assert table.set_index("status").loc["up", "delta_pct"] == pytest.approx(100.0)


def test_a_flood_of_new_lines_leaves_the_few_shared_templates_unchanged(tmp_path):
    # Two templates on both sides, too few for a median: a new template's 10,000 lines must not make them
    # look 91 % smaller.
    shared = {"heartbeat ok": 500, "cache hit ratio high": 500}
    base = write_lines(tmp_path / "base.log", shared)
    target = write_lines(tmp_path / "target.log", {**shared, "connection to db refused": 10000})
    table = compare_frames(*read_sides(base, target)).table
    status = dict(zip(table["template"].str.split().str[0], table["status"]))
    assert status == {"heartbeat": "same", "cache": "same", "connection": "new"}
    assert table.loc[table["status"] == "same", "delta_pct"].abs().max() < 1e-9


def test_with_two_shared_templates_the_one_that_moved_with_the_lines_sets_the_size(tmp_path):
    # Sides of one size: the timeouts rose tenfold, the payments fell 4.5 %. The geometric mean of the two ratios
    # (3.1) made the payments look 69 % down and the timeouts only 224 % up.
    ok, late = "payment ok for order 1", "payment timed out for order 2"
    base = write_lines(tmp_path / "base.log", {ok: 1990, late: 10})
    target = write_lines(tmp_path / "target.log", {ok: 1900, late: 100})
    table = compare_frames(*read_sides(base, target)).table.set_index("baseline_count")
    assert table.loc[1990, "delta_pct"] == 0.0 and table.loc[1990, "status"] == "same"
    assert table.loc[10, "status"] == "up"
    assert table.loc[10, "delta_pct"] == pytest.approx(100 * (10 / 0.9548 - 1), rel=1e-3)


def test_with_two_shared_templates_a_storm_of_one_is_up_and_the_other_same(tmp_path):
    base = write_lines(tmp_path / "base.log", {"request served id 1": 100, "heartbeat sent to peer": 100})
    target = write_lines(tmp_path / "target.log", {"request served id 1": 10000, "heartbeat sent to peer": 100})
    table = compare_frames(*read_sides(base, target)).table.set_index("baseline_count")
    assert table["status"].tolist().count("up") == 1 and table["status"].tolist().count("same") == 1
    assert table.loc[table["target_count"] == 100, "delta_pct"].item() == 0.0
    assert not np.signbit(compare_frames(*read_sides(base, base)).table["delta_pct"]).any()  # 0, never -0


def test_the_one_shared_template_that_exploded_is_up(tmp_path):
    # One template on both sides: it says nothing of the sides' sizes, as it is the one that changed.
    base = write_lines(tmp_path / "base.log", {"connection to db established": 998, "write failed on disk": 2})
    target = write_lines(tmp_path / "target.log", {"write failed on disk": 1000})
    table = compare_frames(*read_sides(base, target)).table
    assert dict(zip(table["template"].str.split().str[0], table["status"])) == {"write": "up", "connection": "gone"}


def test_a_deeper_stack_trace_is_the_same_event(tmp_path):
    # 20 failures on each side, with 2 frames before and 12 after: counted in lines they were 100 -> 300, "up".
    def log(path, frames):
        lines = []
        for i in range(200):
            lines.append(f"2024-03-11 10:{i // 60:02d}:{i % 60:02d},000 INFO [main] api - request {i} served")
            if i % 10 == 0:
                lines += [f"2024-03-11 10:{i // 60:02d}:{i % 60:02d},500 ERROR [main] api - request failed",
                          "java.lang.IllegalStateException: pool shut down",
                          *[f"\tat com.acme.L{k}.call(L{k}.java:{k})" for k in range(frames)]]
        path.write_text("\n".join(lines) + "\n")
        return path

    comparison = compare_frames(*read_sides(log(tmp_path / "a.log", 2), log(tmp_path / "b.log", 12)))
    assert set(comparison.table["status"]) == {"same"} and comparison.table["target_count"].sum() == 220
    assert (comparison.table["baseline_count"] == comparison.table["target_count"]).all()
    assert comparison.baseline_events == comparison.target_events == 220


def test_with_one_shared_template_the_time_spans_set_the_size(tmp_path):
    # Two hours each, a heartbeat a minute on both, and 3,000 new timeouts: the heartbeat is the same, not 96 %
    # down as the sides' line totals (3,120 / 120) made it.
    def log(path, extra):
        beats = [f"2024-03-11 {10 + i // 60:02d}:{i % 60:02d}:00 heartbeat from node-1 ok" for i in range(120)]
        storm = [f"2024-03-11 {10 + i // 1500:02d}:{i % 1500 // 25:02d}:30 timeout talking to db shard {i % 7}"
                 for i in range(extra)]
        path.write_text("\n".join(sorted(beats + storm)) + "\n")
        return path

    table = compare_frames(*read_sides(log(tmp_path / "a.log", 0), log(tmp_path / "b.log", 3000))).table
    assert table["status"].tolist() == ["new", "same"]
    assert abs(table["delta_pct"].iloc[1]) < 1  # the spans differ by the half minute the storm runs on


def test_one_line_long_before_the_traffic_does_not_stretch_a_side(tmp_path):
    # The target's start-up banner an hour before the same hour of traffic: its first-to-last span was two hours,
    # and the unchanged requests read "down 50 %".
    def log(path, banner):
        lines = [f"2024-03-11 10:{i // 50:02d}:{i % 50:02d} request {i} served" for i in range(3000)]
        path.write_text("\n".join((["2024-03-11 09:00:00 service started"] if banner else []) + lines) + "\n")
        return path

    table = compare_frames(*read_sides(log(tmp_path / "a.log", False), log(tmp_path / "b.log", True))).table
    served = table[table["template"].str.startswith("request")].iloc[0]
    assert served["status"] == "same" and abs(served["delta_pct"]) < 1


def test_a_burst_holding_most_lines_does_not_shrink_a_side(tmp_path):
    # An hour a side, a job line a minute on both, payments halved, and 8,000 errors in 40 s in the target: the
    # span of its middle 98 % of lines was the burst's 40 s, and the job read "up +100 %", the payments "same".
    def log(path, payments, burst):
        lines = [f"2024-03-11 10:{m:02d}:00 job run {m} finished ok" for m in range(60)]
        lines += [f"2024-03-11 10:{m:02d}:30 payment {m} settled" for m in range(0, 60, 60 // payments)]
        lines += [f"2024-03-11 10:20:{i % 40:02d} connection {i} refused by primary" for i in range(burst)]
        path.write_text("\n".join(sorted(lines)) + "\n")
        return path

    table = compare_frames(*read_sides(log(tmp_path / "a.log", 60, 0), log(tmp_path / "b.log", 30, 8000))).table
    status = dict(zip(table["template"].str.split().str[0], table["status"]))
    assert status == {"connection": "new", "payment": "down", "job": "same"}


@pytest.mark.parametrize("more", [1, 2])
def test_a_template_logged_in_clumps_changes_by_its_clumps_not_its_lines(tmp_path, more):
    # A queue worker, a day a side: a job every 15 minutes exports 1 to 60 records, a heartbeat a minute. Two days
    # of the same process differed by 300 export lines (a few jobs' worth) and read "up" (p 0.0005); export lines
    # per job doubled are still "up".
    def log(path, seed, per_job):
        rng = np.random.default_rng(seed)
        lines = [f"2024-03-11 {m // 60:02d}:{m % 60:02d}:00 heartbeat queue depth {m % 5}" for m in range(1440)]
        for job in range(96):
            at = f"2024-03-11 {job // 4:02d}:{job % 4 * 15 + 1:02d}"
            lines += [f"{at}:00 picked job {job} from queue", f"{at}:59 finished job {job}"]
            lines += [f"{at}:{i % 60:02d} exported record {i} of job {job}"
                      for i in range(per_job * rng.integers(1, 61))]
        path.write_text("\n".join(sorted(lines)) + "\n")
        return path

    table = compare_frames(*read_sides(log(tmp_path / "a.log", 3, 1), log(tmp_path / "b.log", 13, more))).table
    status = dict(zip(table["template"].str.split().str[0], table["status"]))
    assert status == {"heartbeat": "same", "picked": "same", "finished": "same",
                      "exported": "same" if more == 1 else "up"}


@pytest.mark.parametrize("more", [1.0, 1.3])
def test_a_day_s_rhythm_is_no_clumping(tmp_path, more):
    # Web traffic rises and falls over the day, every template alike: read as clumps, a 30 % rise of cache misses
    # (about 400 a day) read "same" at p 1.
    def log(path, seed, cache):
        rng = np.random.default_rng(seed)
        lines = [f"2024-03-11 {m // 60:02d}:{m % 60:02d}:00 heartbeat ok" for m in range(0, 1440, 5)]
        for m in range(1440):
            traffic = 1.0 + 0.8 * np.sin(2 * np.pi * (m - 360) / 1440)
            for text, rate in (("GET /api/users/{} 200", 3.0), ("cache miss for key {}", cache),
                               ("POST /api/orders/{} 201", 0.5)):
                lines += [f"2024-03-11 {m // 60:02d}:{m % 60:02d}:{rng.integers(60):02d} " + text.format(
                    rng.integers(9999)) for _ in range(rng.poisson(rate * traffic))]
        path.write_text("\n".join(sorted(lines)) + "\n")
        return path

    table = compare_frames(*read_sides(log(tmp_path / "a.log", 11, 1.0), log(tmp_path / "b.log", 12, more))).table
    status = dict(zip(table["template"].str.split().str[0], table["status"]))
    assert status == {"heartbeat": "same", "GET": "same", "POST": "same", "cache": "up" if more > 1 else "same"}


def test_a_heartbeat_that_keeps_its_pace_on_a_busier_day_is_the_same(tmp_path):
    # A heartbeat a minute both days, a fifth more jobs on the second: held to the jobs' ratio alone, the
    # heartbeat read "down" (-17 %, p < 1e-4); it kept its pace, as the sides' durations say. Without times, the
    # durations are unknown and the jobs' ratio stands.
    def log(path, jobs, timed=True):
        lines = [f"2024-03-11 {m // 60:02d}:{m % 60:02d}:00 heartbeat ok" for m in range(1440)]
        lines += [f"2024-03-11 {j * 1440 // jobs // 60:02d}:{j * 1440 // jobs % 60:02d}:30 {text} job {j}"
                  for j in range(jobs) for text in ("picked", "finished", "exported")]
        lines.sort()
        path.write_text("\n".join(line[20:] if not timed else line for line in lines) + "\n")
        return path

    for timed, heartbeat in ((True, "same"), (False, "down")):
        sides = (log(tmp_path / "a.log", 400, timed), log(tmp_path / "b.log", 480, timed))
        table = compare_frames(*read_sides(*sides)).table
        status = dict(zip(table["template"].str.split().str[0], table["status"]))
        assert status == {"heartbeat": heartbeat, "picked": "same", "finished": "same", "exported": "same"}


@pytest.mark.parametrize("burst_in", ["target", "baseline"])
def test_an_hour_s_burst_is_a_change_not_clumping(tmp_path, burst_in):
    # Failed logins ten times as often for an hour (a third more that day): the burst made its own clump size, and
    # the template read "same" at p 1.
    def log(path, seed, burst):
        rng = np.random.default_rng(seed)
        lines = []
        for m in range(1440):
            for text, rate in (("GET /api/users/{} 200", 3.0), ("cache miss for key {}", 1.0),
                               ("login failed for user {}", 0.3 * (10 if burst and 600 <= m < 660 else 1)),
                               ("POST /api/orders/{} 201", 0.5)):
                lines += [f"2024-03-11 {m // 60:02d}:{m % 60:02d}:{rng.integers(60):02d} " + text.format(
                    rng.integers(9999)) for _ in range(rng.poisson(rate))]
        path.write_text("\n".join(sorted(lines)) + "\n")
        return path

    sides = log(tmp_path / "a.log", 21, burst_in == "baseline"), log(tmp_path / "b.log", 22, burst_in == "target")
    table = compare_frames(*read_sides(*sides)).table
    status = dict(zip(table["template"].str.split().str[0], table["status"]))
    assert status == {"GET": "same", "cache": "same", "POST": "same",
                      "login": "up" if burst_in == "target" else "down"}


def test_a_side_of_blank_lines_is_an_error(tmp_path, capsys):
    (tmp_path / "blank.log").write_text("\n\n  \n")
    base = write_lines(tmp_path / "base.log", {"user 1 logged in": 50})
    assert main(["compare", "--baseline", str(base), "--target", str(tmp_path / "blank.log"),
                 "--out", str(tmp_path / "out")]) != 0
    assert "target: no lines to read: every line is blank" in capsys.readouterr().err


def test_cli_writes_csv_and_an_escaped_page(sides, tmp_path, capsys):
    base, target = sides
    out = tmp_path / "cmp"
    assert main(["compare", "--baseline", str(base), "--target", str(target), "--out", str(out)]) == 0
    assert "new 1  gone 1  up 1  down 1" in capsys.readouterr().out
    table = pd.read_csv(out / "compare.csv")
    assert list(table.columns) == COMPARE_COLUMNS and len(table) == 5
    page = (out / "compare.html").read_text(encoding="utf-8")
    assert "<b>timeout</b>" not in page and "&lt;b&gt;timeout&lt;/b&gt;" in page
    assert "target.log:" in page and "base.log:" in page  # examples with source:line_no
    assert re.search(r"Baseline: [^<]*base\.log[^<]*<br>Target: [^<]*target\.log", page)  # which side is which
    for section in ("New templates (1)", "Gone templates (1)", "Biggest significant changes (2)"):
        assert section in page
    assert "<script" not in page and "http://" not in page.replace("http://www.w3.org", "")


def test_two_runs_writing_into_one_folder_at_once_leave_one_runs_files(sides, tmp_path, monkeypatch):
    # A second run that writes while the first is between its CSV and its page must not leave a mix.
    first = compare_frames(*read_sides(*sides))
    second = compare_frames(*read_sides(*reversed(sides)))
    out = tmp_path / "cmp"
    real_write_text = compare.write_text

    def second_run_starts_meanwhile(path, text):
        if threading.current_thread() is threading.main_thread():
            other = threading.Thread(target=compare.write_comparison, args=(second, out))
            other.start()
            other.join(timeout=2)  # it finishes here when nothing holds it back
            threads.append(other)
        return real_write_text(path, text)

    threads = []
    monkeypatch.setattr(compare, "write_text", second_run_starts_meanwhile)
    compare.write_comparison(first, out)
    threads[0].join()
    status = pd.read_csv(out / "compare.csv").set_index("template")["status"]
    page = (out / "compare.html").read_text(encoding="utf-8")
    run = second if status[status.index.str.startswith("error")].item() == "gone" else first
    assert page == compare.render_comparison(run)


def test_cli_takes_two_paths_as_baseline_and_target(sides, tmp_path):
    base, target = sides
    assert main(["compare", str(base), str(target), "--out", str(tmp_path / "plain")]) == 0
    assert main(["compare", "--baseline", str(base), "--target", str(target), "--out", str(tmp_path / "named")]) == 0
    assert (tmp_path / "plain" / "compare.csv").read_text() == (tmp_path / "named" / "compare.csv").read_text()


def test_cli_rejects_a_file_as_output_folder(sides, tmp_path, capsys):
    base, target = sides
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["compare", "--baseline", str(base), "--target", str(target), "--out", str(blocker)]) == 1
    assert "not a folder" in capsys.readouterr().err


def test_cli_infers_the_layout_of_both_sides(tmp_path):
    # Header fields (time, host, program[pid]) are no part of a template, as in parse.
    lines = [f"Nov 20 00:{i // 60:02d}:{i % 60:02d} web01 sshd[{800 + i}]: session {i} opened" for i in range(120)]
    base = write_lines(tmp_path / "base.log", {}, lines)
    target = write_lines(tmp_path / "target.log", {}, lines[:60] + [s + " with errors" for s in lines[60:]])
    assert main(["compare", "--baseline", str(base), "--target", str(target), "--out", str(tmp_path / "c")]) == 0
    templates = pd.read_csv(tmp_path / "c" / "compare.csv")["template"].tolist()
    assert sorted(templates) == ["session <NUM> opened", "session <NUM> opened with errors"]


def timed_log(path, doubled_from):
    """Two days of steady messages a minute apart; 'card declined' twice as often from minute ``doubled_from``."""
    start = pd.Timestamp("2024-03-11")
    lines = []
    for i in range(2 * 24 * 60):
        when = (start + pd.Timedelta(minutes=i)).strftime("%Y-%m-%d %H:%M:%S")
        lines.append(f"{when} INFO [app] {['user 1 logged in', 'cache hit for key 7', 'disk check ok'][i % 3]}")
        if i % (4 if i < doubled_from else 2) == 0:
            lines.append(f"{when} ERROR [pay] card declined for order {i}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_cli_compares_one_log_before_and_after_a_time(tmp_path, capsys):
    log = timed_log(tmp_path / "app.log", doubled_from=24 * 60)
    out = tmp_path / "split"
    assert main(["compare", str(log), "--at", "2024-03-12T00:00", "--out", str(out)]) == 0
    assert "up 1  down 0" in capsys.readouterr().out
    table = pd.read_csv(out / "compare.csv").set_index("status")
    assert table.loc["up", "template"].startswith("card declined")
    assert table.loc["up", "delta_pct"] == pytest.approx(100.0, abs=1)
    assert table["baseline_count"].sum() + table["target_count"].sum() == len(log.read_text().splitlines())
    # A file of blank lines beside it has no time to split by, and nothing to compare: it changes nothing.
    blank = tmp_path / "blank.log"
    blank.write_text("\n\n", encoding="utf-8")
    assert main(["compare", str(blank), str(log), "--at", "2024-03-12T00:00", "--out", str(tmp_path / "b")]) == 0
    assert (pd.read_csv(tmp_path / "b" / "compare.csv").to_numpy() == pd.read_csv(out / "compare.csv")
            .to_numpy()).all()
    # A zone converts to UTC, as zoned times in logs do: 02:00+02:00 is midnight, of times written in UTC.
    zoned = tmp_path / "zoned.log"
    zoned.write_text(re.sub(r"^(\S+) (\S+)", r"\1T\2Z", log.read_text(), flags=re.M), encoding="utf-8")
    assert main(["compare", str(zoned), "--at", "2024-03-12T02:00+02:00", "--out", str(tmp_path / "zoned")]) == 0
    counts = ["template", "baseline_count", "target_count"]
    assert pd.read_csv(tmp_path / "zoned" / "compare.csv")[counts].equals(pd.read_csv(out / "compare.csv")[counts])
    # The page says which lines each side holds: one file, before the time and from it on.
    page = (out / "compare.html").read_text(encoding="utf-8")
    assert re.search(r"Baseline: [^<]*app\.log, 2024-03-11 [\d:]+ to 2024-03-11 23:[\d:]+<br>Target: [^<]*app\.log, "
                     r"2024-03-12 00:00:00 to ", page)


@pytest.mark.parametrize("at, whole", [("12:00", "2024-03-11T12:00"), ("Mar 12 06:00", "2024-03-12T06:00")])
def test_cli_split_at_a_time_without_a_date_or_year_takes_them_from_the_logs(tmp_path, capsys, at, whole):
    # pandas reads "12:00" as today and "Mar 12" as year 1: every line was on one side, an error.
    log = timed_log(tmp_path / "app.log", doubled_from=24 * 60)
    assert main(["compare", str(log), "--at", whole, "--out", str(tmp_path / "whole")]) == 0
    assert main(["compare", str(log), "--at", at, "--out", str(tmp_path / "part")]) == 0
    assert pd.read_csv(tmp_path / "part" / "compare.csv").equals(pd.read_csv(tmp_path / "whole" / "compare.csv"))


def test_the_page_says_what_times_without_a_date_or_year_stand_on_and_names_no_blank_file(tmp_path):
    # Times of day only are dated from 1970-01-01 here, year-less ones from 2000: the page says so, not as if
    # the logs had written those dates; a file of blank lines holds none of a side's lines.
    clock = tmp_path / "clock.log"
    clock.write_text("".join(f"{h:02d}:{m:02d}:00 [info] user {m % 5} logged in\n"
                             for h in range(2) for m in range(60)), encoding="utf-8")
    syslog = tmp_path / "sys.log"
    syslog.write_text("".join(f"Mar 11 10:{m:02d}:00 host app[1]: user {m % 5} logged in\n" for m in range(60)),
                      encoding="utf-8")
    blank = tmp_path / "blank.log"
    blank.write_text("\n\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["compare", "--baseline", str(clock), str(blank), "--target", str(syslog), "--out", str(out)]) == 0
    page = (out / "compare.html").read_text(encoding="utf-8")
    assert re.search(r"Baseline: [^<]*clock\.log, 1970-01-01 00:00:00 to 1970-01-01 01:59:00 \(times of day only[^<]*"
                     r"<br>Target: [^<]*sys\.log, 2000-03-11 10:00:00 to [^<]*\(no year in the logs", page)
    assert "blank.log" not in page


@pytest.mark.parametrize("stamp, at, hint", [
    ("%b %d %H:%M:%S", "2024-03-11T10:30", "times have no year; give --at without one, e.g. 'Mar 11 10:30'"),
    ("%H:%M:%S", "2024-03-11T10:30", "times have no date; give --at as a time of day, e.g. '10:30'"),
])
def test_an_at_with_a_year_on_logs_without_one_says_how_to_give_it(tmp_path, capsys, stamp, at, hint):
    # A syslog's "Mar 11 10:00:00" is read as of 2000: --at 2024-03-11T10:30 missed every line, and the error
    # showed the logs running in 2000 as if they had written it, with no word on what to give.
    log = tmp_path / "sys.log"
    times = pd.date_range("2024-03-11 10:00", periods=60, freq="min")
    log.write_text("".join(f"{t.strftime(stamp)} host app[1]: user {i % 5} logged in\n" for i, t in enumerate(times)),
                   encoding="utf-8")
    assert main(["compare", str(log), "--at", at, "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert err.endswith(f"sys.log's {hint}\n") and err.count("\n") == 1
    assert main(["compare", str(log), "--at", hint.split("'")[1], "--out", str(tmp_path / "o")]) == 0  # as told


@pytest.mark.parametrize("start, stamp, at, first_target", [
    ("2023-12-30", "%Y-%m-%d %H:%M:%S", "2024", "2024-01-01"),  # a year alone is a date, not a time of day
    ("2024-02-28", "%b %d %H:%M:%S", "Feb 29 12:00", "2000-02-29 12:00"),  # read in year 2000, as the lines are
    ("2024-02-28", "%Y-%m-%d %H:%M:%S", "Feb 29 12:00", "2024-02-29 12:00"),  # in the logs' leap year
])
def test_split_at_a_year_alone_or_a_29_february_without_a_year(tmp_path, start, stamp, at, first_target):
    # "2024" was read as a time of day (midnight of the first day), "Feb 29 12:00" as no time at all.
    log = tmp_path / "app.log"
    times = pd.date_range(start, periods=96, freq="h")
    log.write_text("".join(f"{t.strftime(stamp)} host app: user {i % 5} logged in\n" for i, t in enumerate(times)),
                   encoding="utf-8")
    before, after = split_at(log, at)
    assert after["timestamp"].min() == pd.Timestamp(first_target) > before["timestamp"].max()


@pytest.mark.parametrize("argv, message", [
    (["{log}", "--out", "{out}"], "give BASELINE TARGET, --baseline PATH... and --target PATH..., or PATH... --at"),
    (["{log}", "{untimed}", "{blank}", "--out", "{out}"], "give BASELINE TARGET, --baseline PATH..."),
    (["--baseline", "{log}", "--at", "2024-03-12", "--out", "{out}"], "or PATH... --at TIME"),
    (["{log}", "--at", "soon", "--out", "{out}"], "--at: not a time: 'soon'"),
    (["{log}", "--at", "", "--out", "{out}"], "--at: not a time: ''"),
    (["{log}", "--at", "2030-01-01", "--out", "{out}"], "every line is before it (the logs run from 2024-03-11"),
    # The logs' times carry no zone: a zone named no time on their clock, and was converted to UTC all the same.
    (["{log}", "--at", "2024-03-12T02:00+02:00", "--out", "{out}"], "has a zone, and the times of"),
    # Read month first without a word: 11 March was 3 November.
    (["{log}", "--at", "11/03/2024 12:00", "--out", "{out}"], "reads as day/month and as month/day: write the date"),
    (["{log}", "--at", "11.03.2024", "--out", "{out}"], "write the date as YYYY-MM-DD"),
    (["{untimed}", "{log}", "--at", "2024-03-12", "--out", "{out}"], "untimed.log has none"),
    (["{blank}", "--at", "2024-03-12", "--out", "{out}"], "every line of the logs is blank"),
])
def test_cli_split_mistakes_are_one_line_errors(tmp_path, capsys, argv, message):
    log = timed_log(tmp_path / "app.log", doubled_from=0)
    untimed = write_lines(tmp_path / "untimed.log", {"hello world": 3})
    blank = tmp_path / "blank.log"
    blank.write_text("\n  \n\n")
    names = {"log": str(log), "untimed": str(untimed), "blank": str(blank), "out": str(tmp_path / "o")}
    usage = "--baseline PATH" in message or "or PATH... --at TIME" in message  # which sides: exit 2, usage
    assert main(["compare"] + [a.format(**names) for a in argv]) == (2 if usage else 1)
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and not (tmp_path / "o" / "compare.csv").exists()


def test_cli_says_which_inputs_it_skipped_and_when_the_sides_read_as_other_layouts(sides, tmp_path, capsys):
    base, target = sides
    binary = tmp_path / "bin.log"
    binary.write_bytes(b"x\x00y\n")
    out = tmp_path / "c"
    assert main(["compare", "--baseline", str(base), str(binary), str(tmp_path / "missing.log"),
                 "--target", str(target), "--out", str(out)]) == 3
    err = capsys.readouterr().err
    assert "bin.log: looks like a binary file" in err and "missing.log: no such file" in err
    access = tmp_path / "access.log"
    access.write_text("".join(f'10.0.0.{i} - - [11/Mar/2024:10:00:{i:02d} +0000] "GET /a HTTP/1.1" 200 5 "-" "c"\n'
                              for i in range(30)))
    assert main(["compare", "--baseline", str(access), "--target", str(target), "--out", str(out)]) == 0
    assert "the baseline logs were read as access and the target logs as" in capsys.readouterr().err


def test_lines_with_an_empty_message_are_compared_like_any_other(tmp_path):
    base = write_lines(tmp_path / "base.log", {"[main] INFO com.x.Y - user 1 logged in": 90,
                                               "[main] ERROR com.x.Y - ": 10})
    target = write_lines(tmp_path / "target.log", {"[main] INFO com.x.Y - user 1 logged in": 50,
                                                   "[main] ERROR com.x.Y - ": 50})
    assert main(["compare", "--baseline", str(base), "--target", str(target), "--out", str(tmp_path / "out")]) == 0
    table = pd.read_csv(tmp_path / "out" / "compare.csv").set_index("template")
    assert table.loc["<empty>", ["baseline_count", "target_count", "status"]].tolist() == [10, 50, "up"]
    assert table["baseline_count"].sum() == table["target_count"].sum() == 100


def test_times_shown_of_zoned_logs_say_they_are_utc(tmp_path, capsys):
    # A +01:00 log's 03:00 was shown as 02:00 on the page and in --at's error, with no word of UTC: a shifted clock.
    log = tmp_path / "app.log"
    log.write_text("".join(f"2024-03-09 03:{m:02d}:00 +0100 [info] user {m % 5} logged in\n" for m in range(60)),
                   encoding="utf-8")
    assert main(["compare", str(log), "--at", "2024-03-09T05:00+01:00", "--out", str(tmp_path / "o")]) == 1
    assert "the logs run from 2024-03-09 02:00:00 to 2024-03-09 02:59:00; times UTC)" in capsys.readouterr().err
    assert main(["compare", str(log), "--at", "2024-03-09T03:30+01:00", "--out", str(tmp_path / "p")]) == 0
    page = (tmp_path / "p" / "compare.html").read_text(encoding="utf-8")
    assert re.search(r"Baseline: [^<]*app\.log, 2024-03-09 02:00:00 to 2024-03-09 02:29:00 \(times UTC\)", page)


def test_a_template_on_one_side_has_no_p_value_where_its_clumps_are_too_few_to_test(tmp_path):
    # General: a template seen on one side only is at the end of its test's range; a new error's 122 events in one
    # burst are about one clump, whose p-value was 1.0, read as "no change". A steady new one keeps a small figure.
    times = [f"2024-03-11 00:{i // 60:02d}:{i % 60:02d} " for i in range(3600)]

    def log(path, messages):
        path.write_text("".join(t + m + "\n" for t, m in zip(times, messages)), encoding="utf-8")
        return path

    base = log(tmp_path / "a.log", [f"user {i % 7} logged in" for i in range(3000)])
    burst = [f"user {i % 7} logged in" for i in range(3000)]
    burst[1500:1500] = [f"connection refused attempt {i}" for i in range(122)]
    spread = [f"user {i % 7} logged in" if i % 25 else f"disk {i} full" for i in range(3000)]
    table = compare_frames(*read_sides(base, log(tmp_path / "b.log", burst))).table.set_index("status")
    assert table.loc["new", "target_count"] == 122 and np.isnan(table.loc["new", "p_value"])
    table = compare_frames(*read_sides(base, log(tmp_path / "c.log", spread))).table.set_index("status")
    assert table.loc["new", "target_count"] == 120 and table.loc["new", "p_value"] < 1e-6
    assert "none: too few clumps" in compare.render_comparison(compare_frames(*read_sides(base, tmp_path / "b.log")))
