"""``logad analyze``: CSVs, projector runs and a self-contained HTML report that a real browser renders."""
import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from conftest import run_chromium, with_unparsed_lines
from logad_utils.cli import main
from logad_utils.datasets import write_log
from logad_utils.rca import TABLE_COLUMNS
from logad_utils.timeseries import ALERT_KINDS, TREND_COLUMNS


@pytest.fixture(scope="module")
def analyzed(tmp_path_factory):
    root = tmp_path_factory.mktemp("analyze")
    log, _ = write_log(root / "atm.jrn", n_lines=6000, seed=11)
    assert main(["analyze", str(log), "--method", "tfidf", "--out", str(root / "out")]) == 0
    return root / "out"


def test_outputs_cover_every_flagged_line(analyzed):
    anomalies = pd.read_csv(analyzed / "anomalies.csv")
    incidents = pd.read_csv(analyzed / "incidents.csv")
    assert list(incidents.columns) == TABLE_COLUMNS
    assert {"source", "line_no", "timestamp", "component", "template", "score", "methods", "incident"} <= \
        set(anomalies.columns)
    assert len(anomalies) > 0 and anomalies["line_no"].is_unique
    assert set(anomalies["incident"]) - {-1} <= set(incidents["incident"])
    assert (anomalies["methods"] == "tfidf").all()
    assert (analyzed / "projector" / "tfidf" / "projector_config.pbtxt").is_file()


def test_trends_csv_and_report_panel(analyzed):
    trends = pd.read_csv(analyzed / "trends.csv")
    assert list(trends.columns) == TREND_COLUMNS
    assert set(trends["kind"]) <= set(ALERT_KINDS)
    html = (analyzed / "report.html").read_text()
    assert "<h2>Template trends</h2>" in html
    if len(trends):
        assert "template counts with baselines and alerts" in html


def test_report_is_self_contained(analyzed):
    html = (analyzed / "report.html").read_text()
    assert "<h2>Incidents" in html and "data:image/png;base64," in html
    assert "http://" not in html.replace("http://www.w3.org", "") and "<script src" not in html


def test_report_renders_in_a_real_browser(analyzed, tmp_path, chromium):
    shot = tmp_path / "report.png"
    proc = run_chromium(chromium, tmp_path / "profile", "--window-size=1280,2000", f"--screenshot={shot}",
                        (analyzed / "report.html").as_uri())
    assert shot.is_file() and shot.stat().st_size > 20_000
    console = [line for line in proc.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert not console, console


def test_an_incident_clicked_past_the_listed_lines_says_where_its_lines_are(tmp_path, chromium, monkeypatch):
    # The map lists the first flagged lines only: a later incident highlighted "0 lines" without a word why.
    from logad_utils import explore

    monkeypatch.setattr(explore, "MAP_LINES", 5)
    log, _ = write_log(tmp_path / "atm.jrn", n_lines=6000, seed=11)
    assert main(["analyze", str(log), "--method", "tfidf", "--out", str(tmp_path / "out")]) == 0
    page = tmp_path / "out" / "report.html"
    click = ("<script>window.addEventListener('load', function () {"
             "var s = document.querySelectorAll('[data-incident] summary'); s[s.length - 1].click(); });</script>")
    page.write_text(page.read_text().replace("</body>", click + "</body>"))
    proc = run_chromium(chromium, tmp_path / "profile", "--dump-dom", page.as_uri())
    status = re.search(r'id="logad-map-status"[^>]*>([^<]*)<', proc.stdout).group(1)
    assert re.search(r"^incident \d+: \d+ highlighted lines? \(the list holds the first 5 of \d+ flagged lines; "
                     r"anomalies.csv has every one\)$", status), status


def test_template_health_in_report_and_output(analyzed, tmp_path, capsys):
    assert '<div class="card">template health<b>ok</b>' in (analyzed / "report.html").read_text()
    # Every line a different word: one template per line, which the health signal must call out.
    log = tmp_path / "words.log"
    log.write_text("".join(f"{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}{chr(97 + i // 676)}q\n"
                           for i in range(300)))
    main(["analyze", str(log), "--method", "tfidf", "--out", str(tmp_path / "out")])
    said = capsys.readouterr()
    assert "template health warn: 300 templates for 300 lines" in said.out
    assert "stage" not in said.err  # no progress bar where stderr is no terminal
    assert "warning: template health warn" in (tmp_path / "out" / "report.html").read_text()


def test_flagged_stack_traces_are_listed_once(tmp_path, capsys):
    lines = [f"2024-01-01 10:{i // 60:02d}:{i % 60:02d},000 INFO request {i} served in {i % 7} ms" for i in range(400)]
    trace = ["2024-01-01 11:00:00,000 ERROR worker crashed", "java.lang.IllegalStateException: pool closed",
             "\tat com.acme.Pool.take(Pool.java:42)", "\tat com.acme.Worker.run(Worker.java:7)"]
    log = tmp_path / "app.log"
    log.write_text("\n".join(lines[:200] + trace + lines[200:]) + "\n")
    assert main(["analyze", str(log), "--method", "tfidf", "--out", str(tmp_path / "out")]) == 0
    # The console counts lines and the events they make up, and shows the threshold they crossed.
    out = capsys.readouterr().out
    assert "flagged 4 lines in 1 event " in out and "tfidf        threshold " in out
    anomalies = pd.read_csv(tmp_path / "out" / "anomalies.csv")
    assert 201 in anomalies["line_no"].tolist() and not {202, 203, 204} & set(anomalies["line_no"])
    assert (anomalies["methods"] == "tfidf").all()


def test_a_failed_rerun_leaves_no_outputs_of_either_run(analyzed, tmp_path, monkeypatch):
    import shutil

    import logad_utils.analysis as analysis
    from logad_utils.atomic import OutputError

    out = tmp_path / "out"
    shutil.copytree(analyzed, out)
    log, _ = write_log(tmp_path / "other.jrn", n_lines=2000, seed=5)

    def fail(path, *args, **kwargs):
        raise OutputError(f"{path}: cannot write (No space left on device)")

    monkeypatch.setattr(analysis, "write_report", fail)
    (out / "notes.txt").write_text("mine")
    (out / "projector" / "mine").mkdir()
    (out / "projector" / "mine" / "notes.txt").write_text("mine too")
    (out / "projector" / "tfidf" / "notes.txt").write_text("mine, beside an export")  # it was deleted with it
    assert {"anomalies.csv", "projector", "report.html"} <= {p.name for p in out.iterdir()}
    assert main(["analyze", str(log), "--method", "tfidf", "--out", str(out)]) != 0
    # Neither the new run's CSVs nor the old run's projector or report: a mix would pass for one finished run.
    # What logad did not write stays.
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == [
        "notes.txt", "projector", "projector/mine", "projector/mine/notes.txt", "projector/tfidf",
        "projector/tfidf/notes.txt"]


def test_blank_input_with_a_training_log_is_a_clear_error(tmp_path, capsys):
    train, _ = write_log(tmp_path / "train.jrn", n_lines=500, seed=3)
    blank = tmp_path / "blank.log"
    blank.write_text("\n\n  \n")
    assert main(["analyze", str(blank), "--train", str(train), "--method", "tfidf", "--out", str(tmp_path / "o")]) == 1
    assert "every line of the input is blank" in capsys.readouterr().err


def test_report_counts_unparsed_lines(tmp_path):
    log, _ = write_log(tmp_path / "atm.jrn", n_lines=1200, seed=3)
    mixed = with_unparsed_lines(log, tmp_path / "mixed.jrn")
    assert main(["analyze", str(mixed), "--method", "tfidf", "--out", str(tmp_path / "out")]) == 0
    assert '<div class="card">unparsed lines<b>30</b>' in (tmp_path / "out" / "report.html").read_text()


@pytest.mark.parametrize("listed", [None, 10])
def test_report_map_from_one_line_per_key_is_the_map_of_every_line(tmp_path, monkeypatch, listed):
    # Rows: the flagged lines the map lists, then one line per key; ``listed`` 10 makes most flagged lines stand in.
    from logad_utils import explore
    from logad_utils.analysis import _message_map, analyze_logs

    if listed is not None:
        monkeypatch.setattr(explore, "MAP_LINES", listed)
    log, _ = write_log(tmp_path / "atm.jrn", n_lines=3000, seed=4)
    analysis = analyze_logs(log, ["tfidf"])
    reduced = _message_map(analysis, seed=0)
    assert reduced["n_flagged_lines"] > 2 * len(reduced["lines"]["where"]) or listed is None
    analysis.frame = analysis.frame.drop(columns="key")  # every line a row
    assert reduced == _message_map(analysis, seed=0)
    assert sum(reduced["count"]) == 3000 - int(analysis.frame["blank"].sum())


def test_lean_frame_keeps_what_the_report_and_the_detectors_read(tmp_path):
    from logad_utils.analysis import analyze_logs
    from logad_utils.report import most_unusual

    log = tmp_path / "app.log"
    log.write_text("2024-01-01 10:00:00 INFO Main: starting app version 1.2\n"
                   "2024-01-01 10:00:02 INFO Main: job 18 done\n\n"
                   "2024-01-01 10:00:03 WARN Worker: retrying job 19\n"
                   "2024-01-01 10:00:04 INFO Main: job 20 done\n")
    analysis = analyze_logs(log, ["tfidf"])
    assert not analysis.frame["is_anomaly"].any()
    lines, _ = most_unusual(analysis.frame)
    # A key's later lines are shown as written, like its first.
    assert "2024-01-01 10:00:04 INFO Main: job 20 done" in lines["line"].tolist()
    # A blank line matched no layout; the fitted detector scores the analysed frame again.
    assert analysis.frame["parsed"].dtype == bool and analysis.frame["parsed"].tolist()[2] is False
    scores = analysis.detectors[0].decision_function(analysis.frame)
    np.testing.assert_allclose(scores, analysis.runs[0].scores, rtol=1e-12, equal_nan=True)


def test_progress_hears_every_stage_in_order(tmp_path):
    from logad_utils.analysis import analysis_stages, analyze_logs

    log, _ = write_log(tmp_path / "atm.jrn", n_lines=600, seed=5)
    heard = []
    analyze_logs(log, ["tfidf"], progress=heard.append)
    assert heard == analysis_stages(["tfidf"]) == ["read", "fit tfidf", "lines", "trends", "incidents"]


def test_lean_frame_keeps_content_only_with_raw_text_and_the_names_it_mentions(tmp_path):
    from logad_utils.analysis import analyze_logs

    log, _ = write_log(tmp_path / "atm.jrn", n_lines=3000, seed=4)
    frame = analyze_logs(log, ["tfidf"]).frame
    kept = frame["content"].notna().to_numpy()
    assert (kept <= frame["raw"].notna().to_numpy()).all() and kept.sum() < len(frame) / 2
    flagged = frame["is_anomaly"].to_numpy(dtype=bool)
    assert kept[flagged].all()  # the lines the outputs list keep their text
    named = set(" ".join(frame["mentions"].astype(str)).split())
    assert named and named <= set(frame["component"].dropna().astype(str))  # status polls name devices


def test_a_storm_of_an_ordinary_message_is_named_on_the_console(tmp_path, capsys):
    # 200 lines of one error within a minute of a two-hour log: too common to flag line by line, a burst of its
    # template; the console names it among the strongest trend alerts, with where it starts.
    lines = [f"2024/03/12 {7 + i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d} server.go:{40 + i % 3}: "
             f"{['GET', 'POST'][i % 2]} /api/items/{i} 200 {i % 50}ms" for i in range(0, 7200, 20)]
    storm = [f"2024/03/12 08:00:{i // 4:02d} db.go:112: query failed: too many clients already (conn {i})"
             for i in range(200)]
    log = tmp_path / "go.log"
    log.write_text("\n".join(lines[:180] + storm + lines[180:]) + "\n")
    assert main(["analyze", str(log), "--method", "tfidf", "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    said = re.search(r"trend alerts (\d+): [^\n]*strongest:\n((?:  .*\n)+)", out)
    assert said and int(said.group(1)) >= 1
    assert re.search(r"burst .*go\.log:181  query failed: too many clients already", said.group(2).splitlines()[0])


def test_a_trend_over_several_files_is_named_by_its_files_not_a_line(tmp_path, capsys):
    # A storm split over a rotated log's two files starts on no one line (first_line_no -1): the console printed
    # "(2 files):-1" as if that were a file and a line.
    lines = [f"2024/03/12 {7 + i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d} server.go:{40 + i % 3}: "
             f"{['GET', 'POST'][i % 2]} /api/items/{i} 200 {i % 50}ms" for i in range(0, 7200, 20)]
    storm = [f"2024/03/12 08:00:{i // 4:02d} db.go:112: query failed: too many clients already (conn {i})"
             for i in range(200)]
    (tmp_path / "a.log").write_text("\n".join(lines[:180] + storm[:100]) + "\n")
    (tmp_path / "b.log").write_text("\n".join(storm[100:] + lines[180:]) + "\n")
    assert main(["analyze", str(tmp_path / "a.log"), str(tmp_path / "b.log"), "--method", "tfidf",
                 "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert re.search(r"\n  burst .*08:00:00  \(2 files\)  query failed", out)
    assert ":-1" not in out


def _service_log(path, odd, at=120, n=200):
    """n lines of a service with ISO times, line ``at`` (0-based) replaced by ``odd``."""
    lines = [f"2024-03-11T12:{i // 60:02d}:{i % 60:02d}Z INFO svc: request {i} ok" for i in range(n)]
    lines[at] = odd
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_right_to_left_override_in_a_log_line_is_isolated_in_the_report(tmp_path):
    # U+202E in a message reversed the incident's times, counts and file name written after it.
    import re

    log = _service_log(tmp_path / "rlo.log", "2024-03-11T12:02:00Z ERROR svc: disk \u202equota exceeded on volume 7")
    assert main(["analyze", str(log), "--method", "tfidf", "--out", str(tmp_path / "o")]) == 0
    page = (tmp_path / "o" / "report.html").read_text()
    assert any("\u202e" in part for part in re.findall(r"<bdi>(.*?)</bdi>", page, re.S))
    # Outside isolated text, table cells and the data block, no override is left to act on the report's words.
    rest = re.sub(r"<bdi>.*?</bdi>|<td[^>]*>.*?</td>|<script.*?</script>", "", page, flags=re.S)
    assert "\u202e" not in rest


def test_a_time_no_clock_holds_is_no_time_in_any_output(tmp_path, capsys):
    # Go's zero time: read as no time (and said so), not as a date in 1754 in the incidents and the report.
    log = _service_log(tmp_path / "zero.log", "0001-01-01T00:00:00Z ERROR svc: lease expired before it was granted")
    assert main(["analyze", str(log), "--method", "tfidf", "--out", str(tmp_path / "o")]) == 0
    assert "without a readable time (the first at" in capsys.readouterr().err
    outputs = [(tmp_path / "o" / name).read_text() for name in ("anomalies.csv", "incidents.csv", "report.html")]
    assert not any("1754" in text for text in outputs)
    row = pd.read_csv(tmp_path / "o" / "anomalies.csv").set_index("line_no").loc[121]
    assert pd.isna(row["timestamp"])


def test_a_long_token_in_a_flagged_line_leaves_the_word_cloud_drawn(tmp_path):
    # One 400-letter token fits no canvas: the word cloud draws it shortened instead of failing the run.
    log = _service_log(tmp_path / "long.log", "2024-03-11T12:02:00Z ERROR svc: token " + "a" * 400)
    assert main(["analyze", str(log), "--method", "tfidf", "--out", str(tmp_path / "o")]) == 0
    assert (tmp_path / "o" / "wordcloud_anomaly_terms.png").is_file()


def test_report_says_no_term_stands_out_when_every_line_is_flagged(tmp_path):
    # Every line flagged against a training log: no term can stand out, which the report says, instead of
    # claiming that no line was flagged.
    good = tmp_path / "good.log"
    good.write_text("".join(f"2024-03-11 11:00:{i % 60:02d} INFO svc: request {i} ok\n" for i in range(100)))
    bad = tmp_path / "bad.log"
    bad.write_text("".join(f"2024-03-11 12:00:{i:02d} ERROR db{i % 3}: totally different failure kind "
                           f"{'abc'[i % 3]}x{i}\n" for i in range(60)))
    assert main(["analyze", str(bad), "--train", str(good), "--method", "tfidf", "--out", str(tmp_path / "o")]) == 0
    page = (tmp_path / "o" / "report.html").read_text()
    assert "No term is over-represented" in page
    assert "no line was flagged" not in page


def test_top_templates_of_flagged_lines_leave_out_templates_no_flagged_line_has(tmp_path):
    log = _service_log(tmp_path / "one.log", "2024-03-11T12:02:00Z ERROR svc: disk quota exceeded on volume 7")
    assert main(["analyze", str(log), "--method", "tfidf", "--out", str(tmp_path / "o")]) == 0
    page = (tmp_path / "o" / "report.html").read_text()
    top = page.split("Top templates among anomalous lines")[1].split("</table>")[0]
    assert "disk quota" in top and "request &lt;NUM&gt; ok" not in top


def test_methods_compared_give_no_scoring_time_when_fitting_scored(tmp_path):
    log, _ = write_log(tmp_path / "atm.jrn", n_lines=1500, seed=5)
    assert main(["analyze", str(log), "--out", str(tmp_path / "o")]) == 0  # every method, with the log's labels
    page = (tmp_path / "o" / "report.html").read_text()
    table = page.split("<h2>Methods compared</h2>")[1].split("</table>")[0]
    assert "0.000</td></tr>" not in table  # the score_s cell is empty, not a made-up 0 s


def test_timeline_spans_are_drawn_in_the_axis_unit(tmp_path, monkeypatch):
    # A timed file and an untimed one: the axis is time, so an incident without times is not drawn at line numbers.
    from logad_utils import viz

    timed = tmp_path / "a.log"
    timed.write_text("".join(f"2024-03-11 12:{i // 60:02d}:{i % 60:02d} INFO svc: request {i} ok\n"
                             for i in range(300)))
    untimed = tmp_path / "b.log"
    lines = [f"INFO svc: request {i} ok" for i in range(100)]
    lines[40:43] = ["ERROR db: disk failure on /dev/sda", "ERROR db: checksum mismatch block 7",
                    "FATAL db: cannot recover journal"]
    untimed.write_text("\n".join(lines) + "\n")
    drawn = []
    real = viz.plot_timeline
    monkeypatch.setattr(viz, "plot_timeline", lambda frame, flags, spans, **kw: drawn.append(list(spans))
                        or real(frame, flags, spans, **kw))
    assert main(["analyze", str(timed), str(untimed), "--method", "tfidf", "--out", str(tmp_path / "o")]) == 0
    assert drawn and all(isinstance(start, pd.Timestamp) for start, _ in drawn[0])


def test_a_very_long_line_is_cut_in_the_report_and_whole_in_the_csvs(tmp_path):
    # One 100 KB line: the incident's summary and tables held it whole, four times, and the page was 676,000 px wide.
    lines = [f"2024-01-01 10:{i // 60:02d}:{i % 60:02d},000 INFO request {i} served in {i % 7} ms" for i in range(300)]
    lines[150] = "2024-01-01 10:02:30,000 ERROR payload " + "x" * 100_000
    log = tmp_path / "wide.log"
    log.write_text("\n".join(lines) + "\n")
    assert main(["analyze", str(log), "--method", "tfidf", "--out", str(tmp_path / "out")]) == 0
    page = (tmp_path / "out" / "report.html").read_text()
    assert "x" * 300 not in page and "x…" in page
    assert "x" * 60_000 in (tmp_path / "out" / "anomalies.csv").read_text()  # cut at 65,536 for analysis only


def test_flagged_lines_that_no_incident_holds_are_said_to_be_scattered(tmp_path, capsys):
    # Four hours of steady traffic and eleven one-off lines spread over them: flagged, but no incident.
    rng = np.random.default_rng(3)
    words = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike oscar papa".split()
    start, lines = pd.Timestamp("2024-10-27 01:00"), []
    for i in range(2800):
        at = start + pd.Timedelta(seconds=5 * i)
        said = " ".join(rng.choice(words, 4, replace=False)) if i % 250 == 125 else \
            f"served /p/{rng.integers(1, 999)} in {rng.integers(2, 50)}ms"
        lines.append(f"{at:%Y-%m-%d %H:%M:%S} INFO {'misc' if i % 250 == 125 else 'web'}: {said}")
    log = tmp_path / "app.log"
    log.write_text("\n".join(lines) + "\n")
    assert main(["analyze", str(log), "--method", "tfidf", "--out", str(tmp_path / "o")]) == 0
    anomalies = pd.read_csv(tmp_path / "o" / "anomalies.csv")
    assert len(anomalies) > 0 and (anomalies["incident"] == -1).all()
    assert f"{len(anomalies)} flagged events in no incident" in capsys.readouterr().out
    page = (tmp_path / "o" / "report.html").read_text()
    assert f"No incident found: {len(anomalies)} flagged events are scattered" in page


def test_flagged_events_outside_incidents_are_counted_as_anomalies_csv_lists_them(tmp_path, capsys):
    # Stack traces: the count said "72 flagged lines in no incident" beside 12 rows of incident -1. And a log
    # without times or components still gets every column of anomalies.csv.
    lines = []
    for i in range(600):
        lines.append(f"worker {i % 7} handled job {i}")
        if i % 100 == 50:
            lines += [f"Exception in job {i}: java.lang.IllegalStateException: lost lease {i}"] + \
                [f"\tat com.acme.Lease.renew(Lease.java:{k})" for k in range(6)]
    log = tmp_path / "traces.log"
    log.write_text("\n".join(lines) + "\n")
    assert main(["analyze", str(log), "--method", "tfidf", "--out", str(tmp_path / "o")]) == 0
    anomalies = pd.read_csv(tmp_path / "o" / "anomalies.csv")
    assert anomalies.columns.tolist() == ["source", "line_no", "timestamp", "component", "template", "score",
                                          "methods", "incident"]
    outside = int((anomalies["incident"] == -1).sum())
    assert outside and f"{outside} flagged event" in capsys.readouterr().out


def test_report_says_the_zone_of_the_times_it_shows(tmp_path, monkeypatch):
    # "+01:00" times are shown converted to UTC, naive ones as written: the report said neither.
    from logad_utils import viz

    zoned = tmp_path / "zoned.log"
    zoned.write_text("".join(f"2024-03-11T12:{i // 60:02d}:{i % 60:02d}+01:00 INFO svc: request {i} ok\n"
                             for i in range(200)) + "2024-03-11T12:03:20+01:00 ERROR db: disk failure on /dev/sda\n")
    naive = tmp_path / "naive.log"
    naive.write_text(zoned.read_text().replace("+01:00", "").replace("T", " "))
    labels = []
    real = viz.plot_timeline
    monkeypatch.setattr(viz, "plot_timeline", lambda *a, **kw: labels.append(real(*a, **kw)) or labels[-1])
    cards = {}
    for inputs in ([zoned], [naive], [zoned, naive]):
        out = tmp_path / f"o{len(cards)}"
        assert main(["analyze", *map(str, inputs), "--method", "tfidf", "--out", str(out)]) == 0
        cards[len(cards)] = re.search(r'"card">times<b>([^<]*)', (out / "report.html").read_text()).group(1)
    assert cards == {0: "UTC", 1: "as written (no zone)",
                     2: "UTC in 1 of 2 files (those with a zone), else as written"}
    assert [ax.get_xlabel() for ax in labels] == [f"time: {card}" for card in cards.values()]
    assert pd.read_csv(tmp_path / "o0" / "anomalies.csv")["timestamp"].str.startswith("2024-03-11 11:03:20").any()


def test_year_less_times_holding_29_february_move_onto_a_leap_year():
    # A year-less log naming 29 February was written in a leap year: beside a log of March 2023, moved 23 years its
    # 29th became the 28th, and the times ran backwards at midnight.
    from logad_utils.analysis import place_year_less
    year_less = pd.date_range("2000-02-28 22:00", "2000-02-29 02:00", freq="h").to_series(index=range(5))
    dated = pd.Series(pd.to_datetime(["2023-03-01 10:00", "2023-03-02 10:00"]), index=range(5, 7))
    frame = pd.DataFrame({"source": ["syslog"] * 5 + ["app.log"] * 2, "timestamp": pd.concat([year_less, dated])})
    assert "read from 2024 on" in place_year_less(frame, {"syslog": "years"})
    assert frame["timestamp"].iloc[:5].tolist() == list(year_less + pd.DateOffset(years=24))


def test_trends_run_on_the_lines_without_the_key_columns_they_do_not_read(tmp_path, monkeypatch):
    from logad_utils import analysis
    from logad_utils.analysis import LINE_KEY_COLUMNS, analyze_logs

    log, _ = write_log(tmp_path / "atm.jrn", n_lines=2000, seed=3)
    seen, real = [], analysis.find_trends
    monkeypatch.setattr(analysis, "find_trends", lambda frame: seen.append(list(frame.columns)) or real(frame))
    frame = analyze_logs(log, ["tfidf"]).frame
    # Each line's score, verdict and message (16 bytes a line) are not held through trends, the widest step.
    assert not set(seen[0]) & {"parsed", "component", "masked", "score", "is_anomaly", "methods"}
    # The analysed frame has every key column, after the lines' own, in their order.
    assert list(frame.columns) == [c for c in seen[0] if c not in LINE_KEY_COLUMNS] + \
        [c for c in LINE_KEY_COLUMNS if c in frame]


def test_each_lines_unique_row_is_the_key_column_itself_when_no_line_is_blank(tmp_path):
    # A copy of the keys was 4 bytes a line held through every output; blank lines still get -1.
    from logad_utils.analysis import analyze_logs

    log, _ = write_log(tmp_path / "atm.jrn", n_lines=600, seed=5)
    analysis = analyze_logs(log, ["tfidf"])
    assert not analysis.frame["blank"].any()
    assert np.shares_memory(analysis.unique.inverse, analysis.frame["key"].to_numpy())
    blank = tmp_path / "blank.log"
    blank.write_text("2024-01-01 10:00:00 INFO Main: job 1 done\n\n2024-01-01 10:00:02 INFO Main: job 2 done\n")
    assert analyze_logs(blank, ["tfidf"]).unique.inverse.tolist() == [0, -1, 0]


def test_each_lines_incident_is_held_in_the_narrowest_type_and_exported_as_it_is(tmp_path, monkeypatch):
    # int64 ids were 8 bytes a line held through every output, for a few incidents.
    from logad_utils import analysis as analysis_module

    log, _ = write_log(tmp_path / "atm.jrn", n_lines=3000, seed=4)
    analysis = analysis_module.analyze_logs(log, ["tfidf"])
    labels = analysis.result.labels
    assert len(analysis.result) and labels.dtype == np.int8 and labels.index.equals(analysis.frame.index)
    given = []
    exported = SimpleNamespace(run_dir="")
    monkeypatch.setattr(analysis_module, "export_lines", lambda *a, clusters, **k: given.append(clusters) or exported)
    monkeypatch.setattr(analysis_module, "tensorboard_command", lambda run_dir: "")
    analysis_module._export_runs(analysis, tmp_path / "projector", 0, True)
    assert np.shares_memory(given[0], labels.to_numpy())  # no int64 copy for the projector either


def test_the_report_map_reads_the_incidents_of_its_rows_alone(tmp_path):
    # Every line's incident as int64 was 8 bytes a line for a map of a few rows per distinct message.
    from logad_utils.analysis import _map_rows, _message_map, analyze_logs
    from logad_utils.explore import MAP_LINES

    asked = []

    class Labels(pd.Series):
        def reindex(self, index=None, **kwargs):
            asked.append(len(index))
            return pd.Series(self).reindex(index, **kwargs)

    log, _ = write_log(tmp_path / "atm.jrn", n_lines=3000, seed=4)
    analysis = analyze_logs(log, ["tfidf"])
    whole = _message_map(analysis, seed=0)
    analysis.result.labels = Labels(analysis.result.labels)
    assert _message_map(analysis, seed=0) == whole
    assert asked == [len(_map_rows(analysis.frame, MAP_LINES)[0])] and asked[0] < 3000 / 2


def test_a_log_without_continuation_lines_holds_one_array_for_line_and_event_numbers(tmp_path):
    # Each line its own event: a second array of the same numbers was 4 bytes a line through every step.
    from logad_utils.analysis import analyze_logs

    log, _ = write_log(tmp_path / "atm.jrn", n_lines=600, seed=5)
    frame = analyze_logs(log, ["tfidf"]).frame
    line, event = frame["line_no"], frame["event_line_no"]
    assert np.shares_memory(line.to_numpy(), event.to_numpy()) and line.dtype == event.dtype == np.int32
    frame.loc[frame.index[:2], "line_no"] = 0  # a write to one leaves the other as it was
    assert frame["event_line_no"].tolist()[:3] == [1, 2, 3] and frame["line_no"].tolist()[:3] == [0, 0, 3]
    trace = tmp_path / "app.log"
    trace.write_text("2024-01-01 10:00:00 ERROR Main: failed\n  at a.b(C.java:1)\n2024-01-01 10:00:01 INFO Main: ok\n")
    frame = analyze_logs(trace, ["tfidf"]).frame
    assert frame["event_line_no"].tolist() == [1, 1, 3] and frame["line_no"].tolist() == [1, 2, 3]


def test_each_lines_template_id_is_held_in_the_narrowest_type_with_the_same_trends_and_anomalies(tmp_path):
    # int32 ids were 4 bytes a line held from the lines to the last output, for a few dozen templates.
    from logad_utils.analysis import analyze_logs
    from logad_utils.timeseries import find_trends

    log, _ = write_log(tmp_path / "atm.jrn", n_lines=3000, seed=4)
    analysis = analyze_logs(log, ["tfidf"])
    frame, keys = analysis.frame, analysis.keys
    assert frame["template_id"].dtype == np.int8 and keys["template_id"].max() < 127
    assert frame["template_id"].tolist() == keys["template_id"].to_numpy()[frame["key"].to_numpy()].tolist()
    wide = frame.astype({"template_id": np.int64})
    pd.testing.assert_frame_equal(find_trends(wide).alerts, analysis.trends.alerts)
    pd.testing.assert_frame_equal(analysis.result.anomalies(wide), analysis.result.anomalies(frame), check_dtype=False)
