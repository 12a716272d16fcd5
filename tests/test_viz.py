"""Plots that the notebooks take from the package instead of building by hand."""
import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from logad_utils import viz  # noqa: E402


def test_token_length_histogram_counts_lines_and_marks_the_limit():
    ax = viz.plot_token_lengths(np.array([3, 5, 9]), np.array([10, 1, 2]), max_length=8)
    heights = [p.get_height() for p in ax.patches]
    assert sum(heights) == 13 and heights[3] == 10 and heights[9] == 2
    assert ax.lines[0].get_xdata()[0] == 8 and "max_length = 8" in ax.get_legend().get_texts()[0].get_text()


def test_training_curves_show_both_losses():
    ax = viz.plot_training_curves({"loss": [1.0, 0.5, 0.2], "val_loss": [1.1, 0.6, 0.4]})
    assert [line.get_label() for line in ax.lines] == ["training loss", "validation loss"]
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), [1.1, 0.6, 0.4])
    assert ax.get_yscale() == "log"
    assert len(viz.plot_training_curves({"loss": [1.0]}).lines) == 1


def test_timeline_of_one_instant_draws_one_minute():
    import pandas as pd

    frame = pd.DataFrame({"timestamp": pd.to_datetime(["2026-03-02 10:00:00"] * 3), "line_no": [1, 2, 3]})
    ax = viz.plot_timeline(frame, np.array([True, False, False]), bins=30)
    heights = [p.get_height() for p in ax.patches]
    assert sum(heights) == 3 and len(heights) == 60  # 30 normal and 30 flagged bars


def test_a_timeline_of_few_untimed_lines_gives_each_line_number_its_bin():
    import pandas as pd

    ax = viz.plot_timeline(pd.DataFrame({"line_no": np.arange(1, 62)}), np.zeros(61, dtype=bool))
    normal = [p.get_height() for p in ax.patches][:61]
    assert normal == [1] * 61  # 120 bins over 60 line numbers alternated 1 and 0


def test_a_timeline_says_how_many_lines_it_leaves_off_the_time_axis():
    import pandas as pd

    times = pd.to_datetime(["2026-03-02 10:00:00"] * 6 + [None] * 5)
    flags = np.array([False] * 6 + [True, False, True, False, False])
    blank = np.array([False] * 10 + [True])  # a blank line has no time either, and is no line to show
    frame = pd.DataFrame({"timestamp": times, "line_no": np.arange(1, 12), "blank": blank})
    assert "4 lines without a time not shown, 2 of them flagged" in viz.plot_timeline(frame, flags).get_title()
    assert viz.plot_timeline(frame[~frame["timestamp"].isna() | blank], flags[:7]).get_title() == "lines over time"


def test_a_timeline_of_timed_lines_copies_no_lines_times():
    import pandas as pd
    from conftest import traced_peak

    # Copies of each line's time (8 bytes a line, two at once): the widest step of writing a 10M-line analysis.
    n = 2_000_000
    start = np.datetime64("2026-03-02T00:00:00", "ns")
    times = start + np.arange(n).astype("timedelta64[s]").astype("timedelta64[ns]")
    frame = pd.DataFrame({"timestamp": times, "line_no": np.arange(1, n + 1, dtype=np.int32)})
    flags = np.arange(n) % 20 == 0
    ax, peak = traced_peak(lambda: viz.plot_timeline(frame, flags, bins=100))
    heights = [p.get_height() for p in ax.patches]
    assert sum(heights[:100]) == n - n // 20 and sum(heights[100:]) == n // 20
    assert peak / n < 8  # the flagged lines' times and a mark per line; 18 bytes a line before


def test_messages_without_a_score_are_drawn_grey_on_a_map_coloured_by_score():
    import matplotlib.colors as mcolors
    import pandas as pd

    points = pd.DataFrame({"x": [0.0, 1, 2], "y": [0.0, 1, 2], "size": [1.0, 1, 1], "score": [np.nan, 1, np.nan]})
    ax = viz.plot_message_map(points, "score")
    ax.figure.canvas.draw()
    faces = ax.collections[0].get_facecolors()
    assert len(faces) == 3 and faces[0][3] > 0  # fully transparent before
    assert np.allclose(faces[0][:3], mcolors.to_rgb(viz.NO_VALUE))


def test_log_text_with_dollars_draws_as_written_and_infinite_values_are_left_out(tmp_path):
    # Two "$" in a legend label would open mathtext, and drawing the figure failed.
    ax = viz.plot_scatter(np.zeros((2, 2)), ["price $5 and $x^{", "b"])
    ax.figure.savefig(tmp_path / "scatter.png")
    assert [t.get_text() for t in ax.get_legend().get_texts()][0] == r"price \$5 and \$x^{"
    # A label that starts with "_" (Python's __main__ logger) is one matplotlib would hide.
    ax = viz.plot_scatter(np.zeros((3, 2)), ["__main__", "__main__", "app.db"])
    assert [t.get_text().lstrip("\u200b") for t in ax.get_legend().get_texts()] == ["__main__", "app.db"]
    ax = viz.plot_score_histogram(np.array([1.0, np.inf, 2.0, np.nan]), threshold=1.5)
    assert sum(p.get_height() for p in ax.patches) == 2
    with pytest.raises(ValueError, match="ground truth has 5 values for 4 lines"):  # another log's labels
        viz.plot_score_histogram(np.array([1.0, np.inf, 2.0, np.nan]), truth=np.zeros(5, dtype=int))
    viz.make_wordcloud({"disk": np.inf, "failure": 2.0, "none": np.nan}, path=tmp_path / "cloud.png")
    assert (tmp_path / "cloud.png").stat().st_size > 0


def test_a_trend_alert_in_the_last_bucket_is_drawn_and_shaded():
    # A retry storm in a log's last two minutes: the last bucket had no width and its burst no shading.
    import pandas as pd

    from logad_utils.timeseries import find_trends

    seconds = np.r_[np.arange(0.0, 3 * 3600, 10.0), 3 * 3600 - 120 + np.arange(0.0, 120, 0.5)]
    ids = np.r_[np.zeros(1080, int), np.ones(240, int)]
    order = np.argsort(seconds, kind="stable")
    frame = pd.DataFrame({"source": "a.log", "line_no": np.arange(1, 1321), "blank": False,
                          "timestamp": pd.Timestamp("2024-01-01") + pd.to_timedelta(seconds[order], unit="s"),
                          "template_id": ids[order], "template": np.where(ids[order] == 1, "retry", "tick")})
    trends = find_trends(frame)
    assert (trends.alerts["kind"] == "burst").any()
    burst = int(trends.alerts.loc[trends.alerts["kind"] == "burst", "template_id"].iloc[0])
    ax = viz.plot_trends(trends, [burst]).axes[0]
    assert "burst" in [t.get_text() for t in ax.get_legend().get_texts()]
    import matplotlib.dates as mdates

    last = mdates.date2num(pd.Timestamp(ax.lines[0].get_xdata()[-1]))
    assert abs(last - ax.get_xlim()[1]) < 1e-9  # the observed line runs to the axis' end: the last bucket drawn


def test_a_pca_by_verdict_words_keeps_and_marks_every_flagged_row():
    # The notebooks colour by "normal"/"anomaly": the flagged rows were sampled as any other, drawn as plain dots.
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(20_000, 4)) + 5
    flagged = np.zeros(20_000, dtype=bool)
    flagged[rng.choice(20_000, 771, replace=False)] = True
    for colors in (np.where(flagged, "anomaly", "normal"), flagged.astype(int)):
        ax = viz.plot_pca(vectors, colors, max_points=5000)
        labels = [t.get_text() for t in ax.get_legend().get_texts()]
        assert labels[-1] in ("anomaly (771)", "1 (771)")
        assert ax.collections[-1].get_offsets().shape[0] == 771  # drawn last, as crosses


def test_terms_no_font_draws_are_left_out_and_said(tmp_path):
    # Without a CJK font wordcloud drew "データベース" as empty boxes, unsaid.
    from logad_utils.viz import _cloud_font

    if not _cloud_font(["データベース"])[1]:
        pytest.skip("a font on this machine draws Japanese")
    with pytest.warns(UserWarning, match="1 terms left out"):
        cloud = viz.make_wordcloud({"データベース": 3.0, "timeout": 2.0}, tmp_path / "c.png")
    assert cloud.missing_terms == ["データベース"] and list(cloud.words_) == ["timeout"]
    with pytest.raises(ValueError, match="no font"):
        viz.make_wordcloud({"接続": 1.0})


def test_without_ground_truth_the_confusion_and_comparison_say_so():
    # A log of your own: NaN counts drew a blank matrix, and metric bars of nothing drew an empty chart.
    from logad_utils.evaluate import MethodRun, compare_methods, detection_metrics

    ax = viz.plot_confusion(detection_metrics(None, [0.1, 2.0], [0, 1]))
    assert not ax.axison and ax.texts[0].get_text() == "no ground truth for this log"
    table = compare_methods([MethodRun("tfidf", np.array([0.1, 2.0]), np.array([0, 1]), 1.0, 0.1)])
    ax = viz.plot_comparison(table)
    assert not ax.patches and "no ground truth" in ax.texts[0].get_text()
    ax = viz.plot_confusion(detection_metrics([0, 1], [0.1, 2.0], [0, 1]))
    assert ax.axison and [t.get_text() for t in ax.texts] == ["1", "0", "0", "1"]


def test_a_timeline_of_many_untimed_lines_gives_each_bin_as_many_lines():
    import pandas as pd

    # 1,500 lines in 120 bins of 12.5 held 12 and 13 lines in turn: an even log drew a comb.
    ax = viz.plot_timeline(pd.DataFrame({"line_no": np.arange(1, 1501)}), np.zeros(1500, dtype=bool))
    normal = [p.get_height() for p in ax.patches][:len(ax.patches) // 2]
    assert set(normal[:-1]) == {13} and sum(normal) == 1500
