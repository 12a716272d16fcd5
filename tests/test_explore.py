"""The explorer's model driven without a browser: selections and filters in, tables and summaries out.

The report's map is checked in a real headless Chromium over the DevTools protocol.
"""
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

import numpy as np
import pandas as pd
import pytest

from conftest import chromium_command
from logad_utils.explore import ExploreModel, ExploreView, explore, is_static, layout_points, show_static


def log_frame():
    """24 lines: routine heartbeats and logins, one burst of disk errors, a blank line."""
    rows = []
    for i in range(10):
        rows.append(("HOST", f"Heartbeat acknowledged in {40 + i} ms", "Heartbeat acknowledged in <NUM> ms", 0))
        rows.append(("AUTH", f"User u{i % 3} logged in", "User <*> logged in", 1))
    rows += [("DISK", "Disk sda1 write error at sector 77", "Disk <*> write error at sector <NUM>", 2),
             ("DISK", "Disk sdb2 write error at sector 91", "Disk <*> write error at sector <NUM>", 2),
             ("DISK", "Disk sda1 write error at sector 12", "Disk <*> write error at sector <NUM>", 2)]
    frame = pd.DataFrame(rows, columns=["component", "content", "template", "template_id"])
    frame.loc[len(frame)] = ["-", "", "", -1]
    frame["masked"] = frame["content"].str.replace(r"\b\d+\b", "<NUM>", regex=True)
    frame["blank"] = frame["content"] == ""
    frame["source"] = "app.log"
    frame["line_no"] = np.arange(1, len(frame) + 1)
    frame["timestamp"] = pd.Timestamp("2024-05-01") + pd.to_timedelta(np.arange(len(frame)) * 60, unit="s")
    flagged = (frame["component"] == "DISK").to_numpy().astype(int)
    scores = np.where(flagged, 5.0, 1.0) + np.arange(len(frame)) / 100
    return frame, scores, flagged


def vectors_for(frame):
    """One vector per line, equal for lines with the same masked message."""
    codes = pd.factorize(frame["masked"])[0]
    rng = np.random.default_rng(0)
    return rng.normal(size=(codes.max() + 1, 5))[codes]


@pytest.fixture
def model():
    frame, scores, flagged = log_frame()
    return ExploreModel(frame, vectors_for(frame), scores, flagged)


def test_points_are_unique_messages_sized_by_lines(model):
    points = model.points
    assert len(points) == 1 + 3 + 2  # one heartbeat message, three users, two disks
    assert points["count"].sum() == 23 and model.n_blank == 1
    assert points.loc[points["message"] == "Heartbeat acknowledged in <NUM> ms", "count"].item() == 10
    assert np.isfinite(points[["x", "y"]].to_numpy()).all()
    assert set(points["verdict"]) == {"normal", "flagged"}


def test_default_selection_is_the_top_scored_cluster(model):
    assert model.selection_label == "cluster 2"
    lines = model.selected_lines()
    assert lines["where"].tolist() == ["app.log:21", "app.log:22", "app.log:23"]
    assert lines["content"].str.startswith("Disk").all() and lines["flagged"].all()
    assert {"timestamp", "component", "score", "template_id"} <= set(lines.columns)


def test_pattern_table_ranks_templates_by_score(model):
    table = model.pattern_table()
    assert table["template_id"].tolist() == [2, 1, 0]
    first = table.iloc[0]
    assert first["lines"] == 3 and first["flagged_share"] == 1.0
    assert first["first_seen"] == pd.Timestamp("2024-05-01 00:20")
    assert first["last_seen"] == pd.Timestamp("2024-05-01 00:22")
    assert first["example"] == "Disk sda1 write error at sector 12"  # its highest-scored line


def test_summary_shows_times_components_and_values_behind_wildcards(model):
    summary = model.select_templates([2]).summary(bins=4)
    assert (summary.n_lines, summary.n_flagged, summary.n_messages) == (3, 3, 2)
    assert summary.times["lines"].sum() == 3 and summary.times["flagged"].sum() == 3
    assert summary.components.to_dict("records") == [{"component": "DISK", "lines": 3, "flagged": 3}]
    disks = summary.parameters[summary.parameters["slot"] == 0].set_index("value")["lines"].to_dict()
    assert disks == {"sda1": 2, "sdb2": 1}
    sectors = summary.parameters[summary.parameters["slot"] == 1]
    assert set(sectors["value"]) == {"77", "91", "12"} and (sectors["placeholder"] == "<NUM>").all()


def test_filters_narrow_table_selection_and_map(model):
    model.select_templates([1])
    model.set_filters(components=("AUTH",))
    assert model.pattern_table()["template_id"].tolist() == [1]
    assert len(model.selected_lines()) == 10
    assert len(model.visible_points()) == 3
    model.set_filters(components=(), verdict="flagged")
    assert model.pattern_table()["template_id"].tolist() == [2]
    assert model.selected_lines().empty and model.summary().n_lines == 0
    model.set_filters(verdict="all", template=r"^User")
    assert model.pattern_table()["template_id"].tolist() == [1]
    model.set_filters(template="", start=pd.Timestamp("2024-05-01 00:05"), end=pd.Timestamp("2024-05-01 00:09"))
    assert model.pattern_table()["lines"].sum() == 5
    with pytest.raises(ValueError, match="not a valid regex"):
        model.set_filters(template="(")
    with pytest.raises(ValueError, match="verdict"):
        model.set_filters(verdict="maybe")
    assert model.filters.template == "", "a rejected filter leaves the previous one"
    # One component as a string; an end written as a date covers the day; a start with a zone is read in UTC.
    model.set_filters(start=None, end=None, components="AUTH")
    assert model.pattern_table()["lines"].sum() == 10
    model.set_filters(components=(), end="2024-05-01")
    assert model.pattern_table()["lines"].sum() == 23
    model.set_filters(end=None, start=pd.Timestamp("2024-05-01 02:05", tz="Europe/Paris"))
    assert model.pattern_table()["lines"].sum() == 18
    with pytest.raises(ValueError, match="start 'soon' is no time"):
        model.set_filters(start="soon")
    with pytest.raises(ValueError, match="is after end"):  # swapped bounds: a message, not an empty view
        model.set_filters(start="2024-05-02", end="2024-05-01")
    assert model.filters.start == pd.Timestamp("2024-05-01 02:05", tz="Europe/Paris")


def test_time_bounds_with_a_zone_blank_or_on_lines_without_times(model):
    # An end with a zone covers its whole last unit too; a blank time box is no bound; zoned frames read in UTC.
    model.set_filters(end="2024-05-01 02:04+02:00")
    assert model.pattern_table()["lines"].sum() == 5
    model.set_filters(end="2024-05-01 00:04Z")
    assert model.pattern_table()["lines"].sum() == 5
    model.set_filters(start="", end="")
    assert model.pattern_table()["lines"].sum() == 23
    frame, scores, flagged = log_frame()
    frame["timestamp"] = frame["timestamp"].dt.tz_localize("Europe/Paris")
    zoned = ExploreModel(frame, vectors_for(frame), scores, flagged).set_filters(start="2024-04-30 22:05")
    assert zoned.pattern_table()["lines"].sum() == 18
    frame["timestamp"] = pd.NaT
    untimed = ExploreModel(frame, vectors_for(frame), scores, flagged)
    with pytest.raises(ValueError, match="no times"):
        untimed.set_filters(start="2024-05-01")
    assert untimed.select_templates(2).summary().n_lines == 3  # one id, not a list
    assert untimed.select_templates({1, 2}).summary().n_lines == 13  # or a set, as a list
    assert untimed.select_templates(np.array(2)).summary().n_lines == 3
    # An unknown template is an error, as an unknown point is, not an empty selection that keeps the last label.
    with pytest.raises(ValueError, match="no template 999"):
        untimed.select_templates([2, 999])


def test_picked_patterns_stay_highlighted_through_filter_changes():
    pytest.importorskip("jscatter")
    frame, scores, flagged = log_frame()
    view = ExploreView(ExploreModel(frame, vectors_for(frame), scores, flagged))
    view.patterns.value = (1,)
    view.components.value = ("AUTH",)
    view.components.value = ()
    assert view.patterns.value == (1,) and view.model.selection_label == "template 1"
    view.components.value = ("DISK",)  # the picked template filtered out: not listed, and back when undone
    assert view.patterns.value == ()
    view.components.value = ()
    assert view.patterns.value == (1,)
    view.patterns.value = ()
    assert view.model.summary().n_lines == 0


def test_a_regex_python_cannot_build_is_a_message_in_the_widget():
    pytest.importorskip("jscatter")
    frame, scores, flagged = log_frame()
    view = ExploreView(ExploreModel(frame, vectors_for(frame), scores, flagged))
    # a repeat count past C's range (OverflowError) and deep nesting (RecursionError), not re.error
    for typed in ("a{99999999999}", "(" * 2000 + ")" * 2000):
        view.template.value = typed
        assert "not a valid regex" in view.message.value and view.model.filters.template == ""
        with pytest.raises(ValueError, match="not a valid regex"):
            view.model.set_filters(template=typed)


def test_map_selection_by_point_ids(model):
    heartbeat = int(np.flatnonzero(model.points["message"].str.startswith("Heartbeat"))[0])
    model.select_points([heartbeat])
    assert len(model.selected_lines()) == 10
    with pytest.raises(ValueError, match="point ids"):
        model.select_points([len(model.points)])


def test_vectors_per_line_or_per_message_give_one_layout():
    frame, scores, flagged = log_frame()
    per_line = vectors_for(frame)
    first = frame.loc[~frame["blank"]].drop_duplicates("masked").index
    a = ExploreModel(frame, per_line, scores, flagged)
    b = ExploreModel(frame, per_line[first], scores, flagged)
    assert np.allclose(a.points[["x", "y"]], b.points[["x", "y"]])
    with pytest.raises(ValueError, match="one per line"):
        ExploreModel(frame, per_line[:5], scores, flagged)


def test_frames_without_times_components_or_sources():
    frame = pd.DataFrame({"content": ["a 1", "a 2", "b x", "c"], "masked": ["a <NUM>", "a <NUM>", "b x", "c"],
                          "template_id": [0, 0, 1, 2], "template": ["a <NUM>", "a <NUM>", "b x", "c"]})
    model = ExploreModel(frame, np.eye(4), [1, 1, 3, np.nan], [0, 0, 1, 0])
    assert model.selected_lines()["where"].tolist() == ["-:3"]
    assert model.summary().times.empty
    assert model.pattern_table()["template_id"].tolist() == [1, 0, 2], "an unscored template ranks last"


def test_tsne_of_identical_or_one_dimensional_vectors_is_their_pca_layout():
    # Messages that differ only in punctuation share one TF-IDF vector: t-SNE's tree on them killed the process.
    assert np.array_equal(layout_points(np.ones((8, 4)), "tsne"), np.zeros((8, 2)))
    line = layout_points(np.arange(6.0)[:, None], "tsne")  # one feature: nothing to start t-SNE from
    assert line.shape == (6, 2) and len(np.unique(line[:, 0])) == 6 and not line[:, 1].any()


def test_layouts_are_seeded():
    import scipy.sparse as sp

    vectors = np.random.default_rng(1).normal(size=(20, 8))
    assert np.allclose(layout_points(vectors, "tsne", seed=3), layout_points(vectors, "tsne", seed=3))
    wide = sp.random(40, 300, density=0.05, format="csr", random_state=0)
    assert layout_points(wide, "pca").shape == (40, 2)
    assert layout_points(vectors[:1]).shape == (1, 2)


def test_static_mode_is_chosen_by_the_environment(monkeypatch, model):
    monkeypatch.setenv("LOGAD_STATIC", "1")
    assert is_static()
    shown = []
    monkeypatch.setattr("IPython.display.display", shown.append)
    frame, scores, flagged = log_frame()
    result = explore(frame, vectors_for(frame), scores, flagged, color="verdict")
    assert isinstance(result, ExploreModel)
    assert any(hasattr(item, "savefig") for item in shown), "a static picture of the map"
    assert any(isinstance(item, pd.DataFrame) and "template" in item for item in shown), "the pattern table"
    monkeypatch.setenv("LOGAD_STATIC", "0")
    assert not is_static()


def test_the_static_map_gives_each_drawn_category_a_colour_of_its_own(monkeypatch):
    # 30 clusters: past the palette's 20 colours they are "other", not colours reused by the legend's names.
    shown = []
    monkeypatch.setenv("LOGAD_STATIC", "1")
    monkeypatch.setattr("IPython.display.display", shown.append)
    texts = [f"event kind{i} happened" for i in range(30)]
    frame = pd.DataFrame({"content": texts, "masked": texts, "template": texts, "template_id": np.arange(30)})
    explore(frame, np.random.default_rng(0).normal(size=(30, 4)), np.arange(30.0), np.zeros(30, dtype=int),
            clusters=np.arange(30), color="cluster")
    figure = next(item for item in shown if hasattr(item, "savefig"))
    colours = {tuple(np.round(c.get_facecolor()[0], 3)) for c in figure.axes[0].collections
               if len(c.get_facecolor()) and c.get_label() != "selected"}
    assert len(colours) == len([c for c in figure.axes[0].collections if c.get_label() != "selected"]) <= 20


def test_the_static_view_says_why_its_lines_panel_is_empty(monkeypatch, model):
    shown = []
    monkeypatch.setattr("IPython.display.display", shown.append)
    show_static(model.select_points([], "nothing picked"))
    model.select_templates([1]).set_filters(verdict="flagged")  # template 1 has no flagged line
    show_static(model)
    said = [[t.get_text() for t in item.axes[1].texts] for item in shown if hasattr(item, "savefig")]
    assert said == [["nothing is selected"], ["the filters hide every selected line"]]


def test_widgets_link_map_table_and_filters(model):
    pytest.importorskip("jscatter")
    view = ExploreView(model)
    assert list(view.scatter.widget.selection) == list(model.selection)
    view.scatter.widget.selection = np.array([0], dtype=np.uint32)  # a click on the map
    assert model.selection.tolist() == [0] and "Heartbeat" in view.details.value
    view.patterns.value = (2,)  # a picked table row
    assert sorted(view.scatter.widget.selection) == model.selection.tolist() and len(model.selection) == 2
    view.components.value = ("AUTH",)
    assert len(view.scatter.widget.filter) == 3
    assert [value for _, value in view.patterns.options] == [1]
    view.template.value = "("
    assert "not a valid regex" in view.message.value


def test_a_cluster_selection_holds_exactly_the_cluster_lines():
    # Clusters per line (incidents): a message's lines may lie in several; the selection holds the cluster's.
    msgs = ["Alert <*> raised", "Alert <*> raised", "Disk full", "Alert <*> raised", "Disk full", "Alert <*> raised"]
    frame = pd.DataFrame({"masked": msgs, "template": msgs, "template_id": [0, 0, 1, 0, 1, 0],
                          "content": ["Alert A1 raised", "Alert A2 raised", "Disk full", "Alert A3 raised",
                                      "Disk full", "Alert A4 raised"]})
    incident = np.array([1, -1, 1, 2, 2, -1])
    model = ExploreModel(frame, np.eye(6)[:, :3], np.array([5.0, 1, 4, 9, 3, 2]), np.array([1, 0, 1, 1, 1, 0]),
                         clusters=incident)
    for cluster in (1, 2, -1):
        assert model.select_cluster(cluster).selected_lines().index.tolist() == np.flatnonzero(
            incident == cluster).tolist()
    assert model.select_points([0]).summary().n_lines == 4  # a message picked on the map: all its lines


def test_an_untouched_time_slider_filters_nothing(tmp_path):
    # Millisecond times (the slider stops at whole seconds) and a line without a time: changing the verdict
    # leaves the time alone, and the last second's fraction stays.
    pytest.importorskip("jscatter")
    frame, scores, flagged = log_frame()
    frame["timestamp"] = frame["timestamp"] + pd.Timedelta(milliseconds=900)
    frame.loc[3, "timestamp"] = pd.NaT
    view = ExploreView(ExploreModel(frame, vectors_for(frame), scores, flagged))
    view.verdict.value = "flagged"
    view.verdict.value = "all"
    assert view.model._visible.all()
    start, end = view.time.options[1][1], view.time.options[-2][1]
    view.time.value = (start, end)
    times = view.model.lines["timestamp"]
    # An end stop holds its whole second.
    assert (view.model._visible == ((times >= start) & (times < end + pd.Timedelta(seconds=1))).to_numpy()).all()


def test_values_behind_a_placeholder_count_every_line_of_a_template():
    n = 6000
    texts = [f"Session {i} ended after 33 s" for i in range(n)]
    frame = pd.DataFrame({"content": texts, "masked": "Session <NUM> ended after <NUM> s",
                          "template": "Session <NUM> ended after <NUM> s", "template_id": 0})
    model = ExploreModel(frame, np.ones((1, 2)), np.ones(n), np.zeros(n, dtype=int)).select_templates([0])
    values = model.summary().parameters.set_index(["slot", "value"])
    assert values.loc[(1, "33"), "lines"] == 5000 and values.loc[(1, "33"), "share"] == pytest.approx(5000 / n)
    assert not values["complete"].any()  # past the texts read, counts are lower bounds, and the table says so


def test_two_messages_get_two_places_and_a_view():
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectors = TfidfVectorizer().fit_transform(["job started", "job crashed"])
    xy = layout_points(vectors)
    assert xy[0, 0] != xy[1, 0]
    frame = pd.DataFrame({"content": ["job 1 started", "job 3 crashed"], "masked": ["job <NUM> started",
                          "job <NUM> crashed"], "template": ["job <NUM> started", "job <NUM> crashed"],
                          "template_id": [0, 1]})
    if pytest.importorskip("jscatter"):
        ExploreView(ExploreModel(frame, vectors, np.array([1.0, 5.0]), np.array([0, 1])))


def test_log_text_is_escaped_in_the_widgets():
    pytest.importorskip("jscatter")
    frame, scores, flagged = log_frame()
    frame.loc[20, "content"] = "Disk <script>alert(1)</script> write error at sector 5"
    view = ExploreView(ExploreModel(frame, vectors_for(frame), scores, flagged))
    assert "<script>" not in view.details.value and "&lt;script&gt;" in view.details.value
    # A 100 KB line is cut in the details, as on the map: whole, it made the panel half a million pixels wide.
    frame.loc[:, "content"] = frame["content"] + " " + "x" * 100_000
    view = ExploreView(ExploreModel(frame, vectors_for(frame), scores, flagged))
    assert "x" * 200 in view.details.value and "x" * 400 not in view.details.value


def test_a_placeholder_the_log_writes_itself_has_no_values():
    frame, scores, flagged = log_frame()
    rows = frame["component"] == "DISK"
    frame.loc[rows, "content"] = frame.loc[rows, "content"].str.replace("write error", "status <ERROR>")
    frame.loc[rows, "template"] = "Disk <*> status <ERROR> at sector <NUM>"
    model = ExploreModel(frame, vectors_for(frame), scores, flagged).select_templates(2)
    parameters = model.summary().parameters
    assert parameters["placeholder"].tolist().count("<*>") == 2 and "<ERROR>" not in parameters["value"].tolist()
    assert set(parameters["slot"]) == {0, 2}  # the slots keep their place in the template


def test_a_result_without_flags_says_so(monkeypatch):
    frame, scores, _ = log_frame()
    nothing = np.zeros(len(frame), dtype=int)
    shown = []
    monkeypatch.setenv("LOGAD_STATIC", "1")
    monkeypatch.setattr("IPython.display.display", shown.append)
    explore(frame, vectors_for(frame), scores, nothing)
    figure = next(item for item in shown if hasattr(item, "savefig"))
    assert "no line is flagged" in figure.axes[0].get_title()
    pytest.importorskip("jscatter")
    view = ExploreView(ExploreModel(frame, vectors_for(frame), scores, nothing))
    assert "no line is flagged" in view.details.value


def test_the_map_without_vectors_says_what_it_needs():
    frame, scores, flagged = log_frame()
    with pytest.raises(ValueError, match="needs the method's vectors"):
        ExploreModel(frame, None, scores, flagged)


def test_a_message_without_a_score_is_grey_on_the_map_not_a_low_score():
    pytest.importorskip("jscatter")
    frame, scores, flagged = log_frame()
    scores[frame["content"].str.startswith("Heartbeat").to_numpy()] = np.nan  # never scored
    view = ExploreView(ExploreModel(frame, vectors_for(frame), scores, flagged), color="score")
    widget = view.scatter.widget
    colors = widget.color
    component = {"valueA": 2, "valueB": 3}[widget.color_by]
    index = np.floor(np.asarray(widget.points)[:, component] * (len(colors) - 1)).astype(int)  # as the shader does
    unscored = view.model.points["score"].isna().to_numpy()
    assert unscored.sum() == 1 and (index[unscored] == 0).all() and (index[~unscored] >= 1).all()
    assert colors[0][:3] == pytest.approx([0xb0 / 255] * 3)  # grey, where jscatter drew it as a score of 0
    legend = widget.legend_encoding["color"]
    assert widget.legend and legend["variable"] == "score" and legend["values"][0][2] == "no score"


# ----------------------------------------------------------------------------- the report's map in a browser

HOSTILE = '</script><img src=x onerror="window.__pwned=1"> & <b>bold</b>'


class Page:
    """One headless Chromium tab driven over the DevTools protocol; records console errors and exceptions."""

    def __init__(self, browser, profile):
        import websocket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.scratch = tempfile.TemporaryDirectory(prefix="logad-chromium-")
        argv, env = chromium_command(browser, profile, self.scratch.name, f"--remote-debugging-port={port}",
                                     "--remote-allow-origins=*", "--window-size=1280,900", "about:blank")
        self.proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2) as response:
                    pages = [t for t in json.loads(response.read()) if t["type"] == "page"]
                if pages:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "Chromium did not open its DevTools port"
            time.sleep(0.3)
        self.ws = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=60)
        self.next_id, self.events, self.errors = 0, [], []
        for domain in ("Runtime", "Log", "Page"):
            self.call(f"{domain}.enable")

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                assert "error" not in message, message
                return message.get("result", {})
            self._event(message)

    def _event(self, message):
        method, params = message.get("method"), message.get("params", {})
        self.events.append(method)
        if method == "Runtime.exceptionThrown":
            self.errors.append(params["exceptionDetails"].get("text"))
        elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
            self.errors.append(str(params.get("args")))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            self.errors.append(params["entry"].get("text"))

    def open(self, url):
        self.call("Page.navigate", url=url)
        while "Page.loadEventFired" not in self.events:
            self._event(json.loads(self.ws.recv()))

    def js(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        assert "exceptionDetails" not in result, result
        return result["result"].get("value")

    def mouse(self, kind, x, y):
        extra = {"button": "left", "clickCount": 1} if kind != "mouseMoved" else {}
        self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, **extra)

    def close(self):
        self.ws.close()
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=20)
        self.scratch.cleanup()


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from logad_utils.cli import main
    from logad_utils.datasets import write_log

    root = tmp_path_factory.mktemp("report")
    log, _ = write_log(root / "atm.jrn", n_lines=3000, seed=5)
    with open(log, "a", encoding="utf-8") as fh:
        fh.write(f"23:59:59  9999 HOST {HOSTILE}\n")
    # A fixed flagged share: the test is about linking, whatever the default threshold picks.
    assert main(["analyze", str(log), "--method", "tfidf", "--contamination", "0.03", "--out", str(root / "out")]) == 0
    return root / "out" / "report.html"


@pytest.fixture
def page(tmp_path, chromium):
    tab = Page(chromium, tmp_path / "profile")
    yield tab
    tab.close()


HIGHLIGHTED = "Array.from(document.querySelectorAll('#logad-lines tr.hl')).map(r => r.cells[1].textContent)"
# The first point with listed lines whose centre is not covered by another point, scrolled into view.
FIND_POINT = """(() => {
  const data = JSON.parse(document.getElementById('logad-map-data').textContent);
  for (const i of new Set(data.lines.point.filter(p => p >= 0))) {
    const c = document.querySelector(`#logad-map circle[data-point="${i}"]`);
    c.scrollIntoView({block: 'center'});
    const r = c.getBoundingClientRect(), x = r.x + r.width / 2, y = r.y + r.height / 2;
    if (document.elementFromPoint(x, y) === c) return {i, x, y, message: data.message[i]};
  }
  return null;
})()"""


def test_report_map_links_points_and_incidents_to_lines(report, page):
    page.open(report.as_uri())
    assert page.js("document.querySelectorAll('#logad-map circle').length") > 10
    assert page.js("document.querySelectorAll('#logad-lines tbody tr').length") > 10
    assert page.js(HIGHLIGHTED) == []
    target = page.js(FIND_POINT)
    assert target is not None
    page.mouse("mouseMoved", target["x"], target["y"])
    assert page.js("document.getElementById('logad-tip').textContent").startswith(target["message"])
    page.mouse("mousePressed", target["x"], target["y"])
    page.mouse("mouseReleased", target["x"], target["y"])
    after_point = page.js(HIGHLIGHTED)
    assert after_point, "clicking a point highlights its lines"
    circle = f"document.querySelector('#logad-map circle[data-point=\"{target['i']}\"]')"
    assert page.js(f"{circle}.classList.contains('sel')")
    # an incident other than the clicked line's
    incident = page.js("(() => { const seen = document.querySelector('#logad-lines tr.hl').cells[0].textContent;"
                       " const d = Array.from(document.querySelectorAll('details[data-incident]'))"
                       ".find(d => d.getAttribute('data-incident') !== seen);"
                       " d.querySelector('summary').click(); return d.getAttribute('data-incident'); })()")
    after_incident = page.js(HIGHLIGHTED)
    assert after_incident and after_incident != after_point
    rows = page.js("Array.from(document.querySelectorAll('#logad-lines tr.hl')).map(r => r.cells[0].textContent)")
    assert set(rows) == {incident}
    assert not page.errors, page.errors


def test_report_map_shows_log_text_as_text(report, page):
    html_text = report.read_text(encoding="utf-8")
    assert HOSTILE not in html_text and "<script src" not in html_text
    page.open(report.as_uri())
    assert page.js("window.__pwned === undefined && document.querySelectorAll('img[src=x]').length === 0")
    texts = page.js("Array.from(document.querySelectorAll('#logad-lines td.msg')).map(td => td.textContent)")
    assert HOSTILE in texts, "the hostile line is listed, verbatim"
    assert not page.errors, page.errors


def test_rows_that_stand_for_no_line_leave_the_values_table_readable():
    frame, scores, flagged = log_frame()
    weights = np.ones(len(frame), dtype=int)
    weights[:20] = 0  # the heartbeats and logins stand for no line
    summary = ExploreModel(frame, vectors_for(frame), scores, flagged, weights=weights).select_templates(
        [0, 1]).summary()
    assert len(summary.parameters) and summary.parameters["share"].isna().all()


def test_weighted_rows_count_as_their_lines_everywhere():
    # Row 1 stands for 100 lines: the points counted them, the tables and histogram one.
    n = 30
    content = [f"msg {i} seen" if i % 2 == 0 else f"job {i} done" for i in range(n - 1)] + ["disk exploded"]
    frame = pd.DataFrame({"masked": content, "content": content, "template_id": [i % 2 for i in range(n - 1)] + [2],
                          "template": ["msg <*> seen", "job <*> done"] * 14 + ["msg <*> seen", "disk exploded"],
                          "timestamp": pd.Timestamp("2024-01-01 10:00") + pd.to_timedelta(np.arange(n), unit="s"),
                          "component": "app"})
    weights = np.ones(n, dtype=np.int64)
    weights[1] = 100
    model = ExploreModel(frame, np.eye(3)[frame["template_id"]], np.r_[np.zeros(n - 1), 5.0],
                         np.r_[np.zeros(n - 1, int), 1], weights=weights)
    model.select_points(range(len(model.points)))
    summary = model.summary()
    total = int(model.points["count"].sum())
    assert total == n - 1 + 100 == summary.n_lines == model.pattern_table()["lines"].sum()
    assert summary.components["lines"].sum() == total == summary.times["lines"].sum()
    assert summary.n_flagged == 1 == summary.times["flagged"].sum()
    assert model.pattern_table().set_index("template_id").loc[1, "lines"] == 113  # row 1 and 13 others
    # The largest template by lines (not by its 14 rows against 15) is the one whose values the summary shows.
    assert model.summary(max_templates=1).parameters["template_id"].unique().tolist() == [1]


def test_the_map_keeps_the_colours_of_the_clusters_with_most_lines():
    from logad_utils.explore import MAP_COLORS, _map_data
    from logad_utils.viz import plot_message_map

    # 25 clusters of 2 messages each but cluster "9": one message of 5,000 lines; "other" takes the smallest.
    clusters = [str(c) for c in range(25) for _ in range(2) if c != 9] + ["9"]
    counts = [1] * (len(clusters) - 1) + [5000]
    points = pd.DataFrame({"x": 0.0, "y": 0.0, "count": counts, "cluster": clusters, "component": "app",
                           "template_id": 0, "flagged_lines": 0})
    mapped = _map_data(points)
    assert mapped["cluster"].iloc[-1] == "9" and mapped["cluster"].nunique() == MAP_COLORS
    ax = plot_message_map(points.assign(size=np.log1p(counts), cluster=mapped["cluster"]), color="cluster")
    assert len(ax.get_legend().get_texts()) == MAP_COLORS  # every colour named


def test_values_behind_a_placeholder_read_empty_values_and_multi_line_events():
    # An empty value ("()" for "(<*>)") failed the whole line, and a multi-line event's template (mined from its
    # text) matched no line's own message: lines left out while the table said it was complete.
    texts = [f"connection from 10.0.0.{i % 5} ({'' if i % 3 else 'host' + str(i % 2)}) at 12:00" for i in range(30)]
    frame = pd.DataFrame({"content": texts, "masked": "x", "template": "connection from <IP> (<*>) at <TIME>",
                          "template_id": 0})
    model = ExploreModel(frame, np.ones((1, 2)), np.ones(30), np.zeros(30, dtype=int)).select_templates([0])
    values = model.summary().parameters
    assert values.groupby("slot")["lines"].sum().tolist() == [30, 30, 30] and values["complete"].all()
    assert values.set_index(["slot", "value"]).loc[(1, ""), "lines"] == 20
    event = "request failed id=<NUM> java.lang.IllegalStateException at com.acme.Pool.take(<*>)"
    frame = pd.DataFrame({"content": ["request failed id=7", "java.lang.IllegalStateException: pool exhausted",
                                      "\tat com.acme.Pool.take(Pool.java:88)"],
                          "event": ["request failed id=7 java.lang.IllegalStateException at com.acme.Pool.take("
                                    "Pool.java:88)"] * 3, "masked": "x", "template": event, "template_id": 0})
    model = ExploreModel(frame, np.ones((1, 2)), np.ones(3), np.zeros(3, dtype=int)).select_templates([0])
    values = model.summary().parameters.set_index(["slot", "value"])
    assert values.loc[(0, "7"), "lines"] == 3 and values.loc[(1, "Pool.java:88"), "lines"] == 3
