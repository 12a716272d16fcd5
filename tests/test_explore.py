"""The explorer's model driven without a browser: selections and filters in, tables and summaries out."""
import numpy as np
import pandas as pd
import pytest

from logad_utils.explore import ExploreModel, ExploreView, explore, is_static, layout_points


def log_frame():
    """24 lines: routine heartbeats and logins, one burst of disk errors, a blank line."""
    rows = []
    for i in range(10):
        rows.append(("HOST", f"Heartbeat acknowledged in {40 + i} ms", f"Heartbeat acknowledged in <NUM> ms", 0))
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
    assert first["first_seen"] == pd.Timestamp("2024-05-01 00:20") and first["last_seen"] == pd.Timestamp("2024-05-01 00:22")
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


def test_log_text_is_escaped_in_the_widgets():
    pytest.importorskip("jscatter")
    frame, scores, flagged = log_frame()
    frame.loc[20, "content"] = "Disk <script>alert(1)</script> write error at sector 5"
    view = ExploreView(ExploreModel(frame, vectors_for(frame), scores, flagged))
    assert "<script>" not in view.details.value and "&lt;script&gt;" in view.details.value
