"""Projector exports: files the projector's reader cannot misread, and a real TensorBoard serving them."""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from conftest import traced_peak

from logad_utils.detectors import TfidfDetector
from logad_utils.projector import (MAX_COLOR_VALUES, ProjectorExport, _key_rows, export_lines, export_projector,
                                   metadata_frame, tensorboard_command)


def read_tsv(path):
    """Rows as lists of cells, split the way the projector splits (on '\\n', then '\\t')."""
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n")
    return [line.split("\t") for line in text[:-1].split("\n")]


def assert_well_formed(result: ProjectorExport):
    tensors = read_tsv(result.tensors_path)
    meta = read_tsv(result.metadata_path)
    header, rows = meta[0], meta[1:]
    assert "\t" in result.metadata_path.read_text(encoding="utf-8").split("\n")[0]
    assert len(tensors) == len(rows) == result.n_points
    assert {len(r) for r in tensors} == {result.dim}
    assert all(len(r) == len(header) for r in rows)
    assert all(cell.strip() for r in meta for cell in r), "no cell may be empty"
    assert np.isfinite(np.array(tensors, dtype=np.float32)).all()
    return header, rows


def parsed_frame(n, rng=None):
    rng = rng or np.random.default_rng(0)
    return pd.DataFrame({
        "source": "a.log",
        "line_no": np.arange(1, n + 1),
        "timestamp": pd.date_range("2024-01-01", periods=n, freq="s"),
        "component": [f"C{i % 4}" for i in range(n)],
        "template_id": [f"T{i % 9}" for i in range(n)],
        "content": [f"message {i}" for i in range(n)],
    })


def column(header, rows, name):
    return [r[header.index(name)] for r in rows]


def test_metadata_frame_standard_columns():
    frame = parsed_frame(6).drop(columns=["content"]).assign(masked=["<*> up"] * 6)
    meta = metadata_frame(frame, scores=np.arange(6) / 10, labels=[0, 1, 0, 0, True, "anomaly"],
                          clusters=[1, 1, 2, 2, 3, 3], truth=["-", "KERNDTLB", "-", "-", "-", "-"])
    for col in ["line_no", "source", "timestamp", "component", "template_id", "message", "score",
                "is_anomaly", "cluster", "label"]:
        assert col in meta.columns
    assert meta["message"].tolist() == ["<*> up"] * 6
    assert meta["is_anomaly"].tolist() == ["0", "1", "0", "0", "1", "1"]
    assert "cluster" not in metadata_frame(frame).columns
    with pytest.raises(ValueError, match="scores has 3 entries"):
        metadata_frame(frame, scores=[1, 2, 3])


def test_blank_and_missing_values_are_never_empty(tmp_path):
    n = 8
    frame = parsed_frame(n)
    frame.loc[1, "content"] = ""
    frame.loc[2, "content"] = "   "
    frame.loc[3, "content"] = None
    frame.loc[4, "component"] = np.nan
    frame.loc[5, "timestamp"] = pd.NaT
    meta = metadata_frame(frame)  # no scores, labels: whole columns missing
    result = export_projector(np.ones((n, 3)), meta, tmp_path, "blank")
    header, rows = assert_well_formed(result)
    message = column(header, rows, "message")
    assert message[1:4] == ["-", "-", "-"]
    assert column(header, rows, "component")[4] == "-"
    assert column(header, rows, "timestamp")[5] == "-"
    assert set(column(header, rows, "score")) == {"-"}
    assert column(header, rows, "line_no") == [str(i) for i in range(1, n + 1)]


def test_tabs_and_line_breaks_are_escaped(tmp_path):
    frame = parsed_frame(4)
    frame.loc[0, "content"] = "a\tb\nc\rd"
    frame.loc[1, "content"] = "e\x0bf\u2028g\x00h"
    frame.loc[2, "component"] = "comp\tX"
    result = export_projector(np.eye(4), metadata_frame(frame), tmp_path, "esc")
    header, rows = assert_well_formed(result)
    assert column(header, rows, "message")[:2] == ["a\\tb\\nc\\rd", "e f g h"]
    assert column(header, rows, "component")[2] == "comp\\tX"


def test_long_messages_are_truncated_in_metadata_only(tmp_path):
    frame = parsed_frame(3)
    frame.loc[0, "content"] = "x" * 5000
    result = export_projector(np.zeros((3, 2)), metadata_frame(frame), tmp_path, "long", max_message_chars=500)
    header, rows = assert_well_formed(result)
    first = column(header, rows, "message")[0]
    assert len(first) == 500 and first.endswith("…")


def test_one_column_and_odd_header_keep_a_header(tmp_path):
    result = export_projector(np.zeros((5, 2)), pd.DataFrame({"": list("abcde")}), tmp_path, "one")
    header, rows = assert_well_formed(result)
    assert header == ["col0", "row"]
    result = export_projector(np.zeros((2, 2)), pd.DataFrame(index=range(2)), tmp_path, "none")
    header, _ = assert_well_formed(result)
    assert len(header) >= 2


def make_big(n=2000, n_anom=40, seed=1):
    rng = np.random.default_rng(seed)
    frame = parsed_frame(n, rng)
    labels = np.zeros(n, dtype=bool)
    labels[rng.choice(n, n_anom, replace=False)] = True
    scores = rng.random(n) + labels
    return rng.normal(size=(n, 6)), metadata_frame(frame, scores=scores, labels=labels), labels, scores


def test_sampling_keeps_every_anomaly_and_is_deterministic(tmp_path):
    vectors, meta, labels, _ = make_big()
    a = export_projector(vectors, meta, tmp_path, "s1", max_points=300, seed=7)
    b = export_projector(vectors, meta, tmp_path, "s2", max_points=300, seed=7)
    c = export_projector(vectors, meta, tmp_path, "s3", max_points=300, seed=8)
    header, rows = assert_well_formed(a)
    kept = np.array(column(header, rows, "row"), dtype=int)
    assert a.sampled and a.n_points == 300 and a.n_total == 2000
    assert set(np.flatnonzero(labels)) <= set(kept)
    assert a.n_anomalies == a.n_anomalies_total == 40
    assert np.array_equal(np.sort(kept), kept), "input order is kept"
    assert np.allclose(np.loadtxt(a.tensors_path), vectors[kept], atol=1e-5)
    assert a.metadata_path.read_bytes() == b.metadata_path.read_bytes()
    assert a.tensors_path.read_bytes() == b.tensors_path.read_bytes()
    assert a.metadata_path.read_bytes() != c.metadata_path.read_bytes()
    info = json.loads(a.info_path.read_text())
    assert info["sampled"] and info["seed"] == 7 and info["n_total"] == 2000 and info["n_exported"] == 300
    assert info["n_anomalies_exported"] == 40 and info["all_anomalies_kept"]
    small = export_projector(vectors[:200], meta.iloc[:200], tmp_path, "s4", max_points=300)
    assert not small.sampled and small.n_points == 200


def test_too_many_anomalies_keeps_the_top_scored(tmp_path):
    vectors, meta, labels, scores = make_big(n=1000, n_anom=400)
    result = export_projector(vectors, meta, tmp_path, "top", max_points=100)
    header, rows = assert_well_formed(result)
    kept = np.array(column(header, rows, "row"), dtype=int)
    anomalies = np.flatnonzero(labels)
    expected = anomalies[np.argsort(-scores[anomalies], kind="stable")[:100]]
    assert set(kept) == set(expected)
    assert result.n_anomalies == 100 and result.n_anomalies_total == 400
    assert any("exceed the budget" in note for note in result.notes)
    assert not json.loads(result.info_path.read_text())["all_anomalies_kept"]


@pytest.mark.parametrize("bad", [np.nan, np.inf, 1e300])
def test_non_finite_vectors_raise_before_writing(tmp_path, bad):
    vectors = np.ones((10, 3))
    vectors[4, 1] = bad
    with pytest.raises(ValueError, match="row 4"):
        export_projector(vectors, metadata_frame(parsed_frame(10)), tmp_path, "nan")
    assert not (tmp_path / "nan").exists()
    sparse = sp.csr_matrix(vectors)
    with pytest.raises(ValueError, match="row 4"):
        export_projector(sparse, metadata_frame(parsed_frame(10)), tmp_path, "nan")


def test_misaligned_and_bad_arguments_raise(tmp_path):
    meta = metadata_frame(parsed_frame(5))
    with pytest.raises(ValueError, match="rows must align"):
        export_projector(np.zeros((4, 2)), meta, tmp_path)
    with pytest.raises(ValueError, match="max_points"):
        export_projector(np.zeros((5, 2)), meta, tmp_path, max_points=200_000)
    with pytest.raises(ValueError, match="2-D"):
        export_projector(np.zeros(5), meta, tmp_path)
    with pytest.raises(ValueError, match="run"):
        export_projector(np.zeros((5, 2)), meta, tmp_path, run="..")


def test_sparse_input_is_reduced_when_wide(tmp_path):
    n = 300
    meta = metadata_frame(parsed_frame(n))
    wide = sp.random(n, 1000, density=0.01, format="csr", random_state=0)
    result = export_projector(wide, meta, tmp_path, "tfidf")
    assert result.dim == 50 and any("TruncatedSVD" in note for note in result.notes)
    assert_well_formed(result)
    again = export_projector(wide, meta, tmp_path, "tfidf2")
    assert again.tensors_path.read_bytes() == result.tensors_path.read_bytes()
    narrow = sp.random(n, 30, density=0.1, format="csr", random_state=0)
    result = export_projector(narrow, meta, tmp_path, "narrow")
    assert result.dim == 30
    assert np.allclose(np.loadtxt(result.tensors_path), narrow.toarray(), atol=1e-6)


def test_high_cardinality_cluster_gets_a_colourable_copy(tmp_path):
    n = 500
    meta = metadata_frame(parsed_frame(n), clusters=np.arange(n) % 120)
    result = export_projector(np.zeros((n, 2)), meta, tmp_path, "clusters")
    header, rows = assert_well_formed(result)
    top = column(header, rows, "cluster_top")
    assert len(set(top)) == MAX_COLOR_VALUES and "other" in top
    assert len(set(column(header, rows, "cluster"))) == 120
    assert "component_top" not in header


def test_config_and_event_file_are_valid(tmp_path):
    pytest.importorskip("tensorboard")
    from google.protobuf import text_format
    from tensorboard.backend.event_processing.event_file_loader import RawEventFileLoader
    from tensorboard.compat.proto import event_pb2
    from tensorboard.plugins.projector import ProjectorConfig

    result = export_projector(np.zeros((7, 3)), metadata_frame(parsed_frame(7)), tmp_path, "cfg",
                              tensor_name="bert")
    config = text_format.Parse(result.config_path.read_text(), ProjectorConfig())
    (emb,) = config.embeddings
    assert (emb.tensor_name, emb.tensor_path, emb.metadata_path) == ("bert", "tensors.tsv", "metadata.tsv")
    assert list(emb.tensor_shape) == [7, 3]
    (event_path,) = result.run_dir.glob("events.out.tfevents.*")
    (record,) = list(RawEventFileLoader(str(event_path)).Load())
    assert event_pb2.Event.FromString(record).file_version == "brain.Event:2"
    export_projector(np.zeros((7, 3)), metadata_frame(parsed_frame(7)), tmp_path, "cfg")
    assert len(list(result.run_dir.glob("events.out.tfevents.*"))) == 1, "re-export adds no event file"


def test_export_lines_skips_blank_lines_and_keeps_rows_aligned(tmp_path):
    content = ["disk ok", "", "disk failure on node 7", "disk ok", None]
    frame = pd.DataFrame({"content": content, "masked": content, "line_no": range(1, 6),
                          "blank": [False, True, False, False, True]})
    scores = np.array([0.1, np.nan, 0.9, 0.1, np.nan])
    dense = export_lines(frame, np.arange(10.0).reshape(5, 2), out_dir=tmp_path, run="dense", scores=scores,
                         labels=np.array([0, 0, 1, 0, 0]), truth=np.array([0, 0, 1, 0, 0]), per_line=True)
    header, rows = assert_well_formed(dense)
    by_line = {row[header.index("line_no")]: row for row in rows}
    assert sorted(by_line) == ["1", "3", "4"] and dense.n_total == 3
    assert by_line["3"][header.index("message")] == "disk failure on node 7"
    assert by_line["3"][header.index("is_anomaly")] == "1" and by_line["3"][header.index("label")] == "1"
    tensors = {tuple(r) for r in read_tsv(dense.tensors_path)}
    assert tensors == {("0", "1"), ("4", "5"), ("6", "7")}
    detector = TfidfDetector().fit(frame)  # vectors from the detector, for the kept lines only
    sparse = export_lines(frame, detector, out_dir=tmp_path, run="tfidf", scores=detector.decision_scores_,
                          labels=detector.labels_)
    assert sparse.n_points == 2 and "2 points" in sparse.summary(tmp_path)  # "disk ok" twice is one point
    assert "unique messages of 3 lines" in sparse.summary()
    assert "open with: tensorboard" in sparse.summary()
    # Paths relative to a root the run is under, as they are elsewhere (a notebook's EXPORT_DIR set outside it).
    assert " in tfidf\n" in sparse.summary(tmp_path)
    assert f" in {tmp_path / 'tfidf'}\n" in sparse.summary(tmp_path / "elsewhere")


def test_tensorboard_command_quotes_paths():
    assert tensorboard_command("projector_exports/run") == \
        "tensorboard --logdir projector_exports/run --host 127.0.0.1"
    assert "'my exports/run'" in tensorboard_command("my exports/run")


# ----------------------------------------------------------------------------- real TensorBoard

def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read()


@pytest.fixture
def tensorboard():
    """start(logdir) -> base URL of a TensorBoard on 127.0.0.1; every process started is killed after."""
    pytest.importorskip("tensorboard")
    procs = []

    def start(logdir, n_runs=1):
        port = free_port()
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
        # own session, so the data-server child it spawns dies with it
        proc = subprocess.Popen([sys.executable, "-m", "tensorboard.main", "--logdir", str(logdir),
                                 "--host", "127.0.0.1", "--port", str(port)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                                start_new_session=True)
        procs.append(proc)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"tensorboard exited early: {proc.stderr.read().decode(errors='replace')[-2000:]}")
            try:
                # the run list fills in once the logdir has been scanned
                if len(json.loads(fetch(base + "/data/plugin/projector/runs"))) >= n_runs:
                    return base
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.5)
        pytest.fail("tensorboard did not list a projector run within 60 s")

    try:
        yield start
    finally:
        for proc in procs:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=10)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            proc.stderr.close()


def projector(base, route, **params):
    return fetch(f"{base}/data/plugin/projector/{route}?{urllib.parse.urlencode(params)}")


def check_served(base, run, name, shape, n_header_cols):
    info = json.loads(projector(base, "info", run=run))
    (emb,) = info["embeddings"]
    assert emb["tensorName"] == name and [int(x) for x in emb["tensorShape"]] == list(shape)
    tensor = np.frombuffer(projector(base, "tensor", run=run, name=name, num_rows=100000), dtype="<f4")
    assert tensor.size == shape[0] * shape[1]
    lines = projector(base, "metadata", run=run, name=name, num_rows=100000).decode("utf-8").split("\n")
    assert lines[-1] == ""
    assert len(lines[:-1]) == shape[0] + 1
    assert len(lines[0].split("\t")) == n_header_cols and lines[0].startswith("message\t")
    return tensor.reshape(shape)


def test_tensorboard_serves_one_export(tmp_path, tensorboard):
    rng = np.random.default_rng(3)
    n = 300
    vectors = rng.normal(size=(n, 8)).astype(np.float32)
    meta = metadata_frame(parsed_frame(n), scores=rng.random(n), labels=rng.random(n) > 0.9)
    result = export_projector(vectors, meta, tmp_path / "exports", "tfidf")
    header, _ = assert_well_formed(result)
    # the documented command: --logdir is the run folder, which TensorBoard calls run "."
    logdir = tensorboard_command(result.run_dir).split("--logdir ")[1].split(" --host")[0]
    base = tensorboard(logdir)
    assert json.loads(projector(base, "runs")) == ["."]
    served = check_served(base, ".", "embedding", (n, 8), len(header))
    assert np.allclose(served, vectors, atol=1e-5)
    (bookmark,) = json.loads(projector(base, "bookmarks", run=".", name="embedding"))
    assert bookmark["dataSetDimensions"] == [n, 8]
    # the Projector tab is offered once the plugin has found the config
    deadline = time.monotonic() + 20
    while not json.loads(fetch(base + "/data/plugins_listing"))["projector"]["enabled"]:
        assert time.monotonic() < deadline, "projector plugin never became active"
        time.sleep(0.5)


def test_tensorboard_lists_every_run_of_a_shared_logdir(tmp_path, tensorboard):
    rng = np.random.default_rng(4)
    vectors, meta, _, _ = make_big(n=400, n_anom=10)
    a = export_projector(vectors, meta, tmp_path, "autoencoder", tensor_name="latent")
    b = export_projector(sp.random(400, 500, density=0.02, format="csr", random_state=1), meta,
                         tmp_path, "tfidf", max_points=150, seed=rng.integers(100))
    base = tensorboard(tmp_path, n_runs=2)
    assert sorted(json.loads(projector(base, "runs"))) == ["autoencoder", "tfidf"]
    check_served(base, "autoencoder", "latent", (400, 6), len(read_tsv(a.metadata_path)[0]))
    check_served(base, "tfidf", "embedding", (150, 50), len(read_tsv(b.metadata_path)[0]))


# ----------------------------------------------------------------------------- unique messages and budget

def repeated_frame(n=30):
    """n lines of 3 patterns (masked messages) with varying raw content."""
    patterns = np.array(["Heartbeat in <NUM> ms", "User <*> logged in", "Disk <*> failed"], dtype=object)
    code = np.array([0, 0, 1, 0, 1, 2] * (n // 6))
    frame = parsed_frame(len(code)).assign(masked=patterns[code])
    frame["content"] = [m.replace("<NUM>", str(i)).replace("<*>", f"x{i}") for i, m in enumerate(frame["masked"])]
    return frame, code


def test_unique_messages_by_default_with_counts(tmp_path):
    frame, code = repeated_frame()
    vectors = np.eye(3)[code] * 2
    labels = code == 2
    scores = code + np.arange(len(code)) / 100
    meta = metadata_frame(frame, scores=scores, labels=labels)
    result = export_projector(vectors, meta, tmp_path, "unique")
    header, rows = assert_well_formed(result)
    assert result.n_points == result.n_total == 3 and result.n_lines == 30
    assert sorted(column(header, rows, "pattern")) == sorted(set(frame["masked"]))
    counts = dict(zip(column(header, rows, "pattern"), map(int, column(header, rows, "count"))))
    assert counts == {"Heartbeat in <NUM> ms": 15, "User <*> logged in": 10, "Disk <*> failed": 5}
    # each point is drawn from its highest-scored line
    kept = np.array(column(header, rows, "row"), dtype=int)
    assert set(kept) == {max(np.flatnonzero(code == c)) for c in range(3)}
    assert np.allclose(np.loadtxt(result.tensors_path), vectors[kept])
    assert column(header, rows, "is_anomaly") == ["1" if code[r] == 2 else "0" for r in kept]
    info = json.loads(result.info_path.read_text())
    assert info["point"] == "unique pattern" and info["dropped"] == {"repeated_lines": 27}
    every = export_projector(vectors, meta, tmp_path, "lines", per_line=True)
    assert every.n_points == 30 and "count" not in read_tsv(every.metadata_path)[0]


def test_budget_keeps_anomalies_and_spreads_normals_over_clusters(tmp_path):
    sizes = {"a": 700, "b": 200, "c": 80, "d": 20}
    clusters = np.concatenate([[k] * v for k, v in sizes.items()])
    n = len(clusters)
    labels = np.zeros(n, dtype=bool)
    labels[np.arange(5, n, 100)] = True
    frame = parsed_frame(n)
    meta = metadata_frame(frame, scores=labels + np.arange(n) / n, labels=labels, clusters=clusters)
    result = export_projector(np.random.default_rng(0).normal(size=(n, 4)), meta, tmp_path, "even", max_points=110)
    header, rows = assert_well_formed(result)
    kept = np.array(column(header, rows, "row"), dtype=int)
    assert set(np.flatnonzero(labels)) <= set(kept) and len(kept) == 110
    normal_kept = pd.Series(clusters[kept[~labels[kept]]]).value_counts().to_dict()
    assert normal_kept["d"] == 20 - labels[clusters == "d"].sum()  # the small cluster is kept whole
    assert max(normal_kept.values()) - min(v for k, v in normal_kept.items() if k != "d") <= 1
    info = json.loads(result.info_path.read_text())
    assert info["dropped"] == {"repeated_lines": 0, "normal_points_sampled_out": int((~labels).sum()) - 100}
    assert any("evenly across clusters" in note for note in info["notes"])


def test_default_budget_fits_the_projector(tmp_path):
    n = 12_000
    meta = metadata_frame(parsed_frame(n), scores=np.zeros(n), labels=np.zeros(n))
    result = export_projector(np.zeros((n, 2), dtype=np.float32), meta, tmp_path, "big")
    assert result.n_points == 10_000 and result.sampled
    assert json.loads(result.info_path.read_text())["dropped"]["normal_points_sampled_out"] == 2_000


def test_standalone_projector_config_points_at_the_files(tmp_path):
    result = export_projector(np.zeros((7, 3)), metadata_frame(parsed_frame(7)), tmp_path, "web", tensor_name="bert")
    config = json.loads(result.web_config_path.read_text())
    (emb,) = config["embeddings"]
    assert emb == {"tensorName": "bert", "tensorShape": [7, 3], "tensorPath": "tensors.tsv",
                   "metadataPath": "metadata.tsv", "bookmarksPath": "bookmarks.json"}
    for key in ("tensorPath", "metadataPath", "bookmarksPath"):
        assert (result.run_dir / emb[key]).is_file()


def test_bookmark_opens_a_2d_view_with_the_anomalies_selected(tmp_path):
    vectors, meta, labels, _ = make_big(n=300, n_anom=12)
    result = export_projector(vectors, meta, tmp_path, "marks")
    (state,) = json.loads((result.run_dir / "bookmarks.json").read_text())
    header, rows = assert_well_formed(result)
    assert state["dataSetDimensions"] == [300, 6] and len(state["projections"]) == 300
    assert set(state["projections"][0]) == {"pca-0", "pca-1"} and state["pcaComponentDimensions"] == [0, 1]
    assert state["selectedProjection"] == "pca" and state["cameraDef"]["orthographic"]
    flagged = [i for i, flag in enumerate(column(header, rows, "is_anomaly")) if flag == "1"]
    assert state["selectedPoints"] == flagged and len(flagged) == 12
    assert state["selectedColorOptionName"] == "is_anomaly"


# Finds an element by tag name through shadow roots and TensorBoard's plugin iframe.
FIND_JS = """window.__find = function find(root, tag) {
  for (const el of root.querySelectorAll('*')) {
    if (el.tagName.toLowerCase() === tag) return el;
    const inner = el.shadowRoot || (el.tagName === 'IFRAME' && el.contentDocument);
    const found = inner && find(inner, tag);
    if (found) return found;
  }
  return null;
}; (() => { const b = __find(document, 'vz-projector-bookmark-panel'), p = __find(document, 'vz-projector');
  return !!(b && b.savedStates && b.savedStates.length && p && p.dataSet); })()"""


def test_tensorboard_projector_opens_the_bookmark(tmp_path, tensorboard, chromium):
    from test_explore import Page

    vectors, meta, labels, _ = make_big(n=300, n_anom=12)
    export_projector(vectors, meta, tmp_path / "exports", "marks")
    base = tensorboard(tmp_path / "exports")
    page = Page(chromium, tmp_path / "profile")
    try:
        page.open(base + "/#projector")
        deadline = time.monotonic() + 90
        while not page.js(FIND_JS):
            assert time.monotonic() < deadline, "the projector never offered the bookmark"
            time.sleep(0.5)
        loaded = page.js("(() => { __find(document, 'vz-projector-bookmark-panel').loadSavedState(0);"
                         " const p = __find(document, 'vz-projector');"
                         " return [p.selectedPointIndices.length, p.projection.projectionType,"
                         " p.dataPanel.selectedColorOptionName]; })()")
        assert loaded == [12, "pca", "is_anomaly"]
        assert not page.errors, page.errors
    finally:
        page.close()


def test_an_analysis_exports_from_one_line_per_key_what_every_line_gives(tmp_path):
    from logad_utils.analysis import analyze_logs
    from logad_utils.datasets import write_log

    log, _ = write_log(tmp_path / "atm.jrn", n_lines=3000, seed=4)
    analysis = analyze_logs(log, ["tfidf"])
    run, detector = analysis.runs[0], analysis.detectors[0]
    for name, frame in (("keys", analysis.frame), ("lines", analysis.frame.drop(columns="key"))):
        export_lines(frame, detector, out_dir=tmp_path, run=name, scores=run.scores, labels=run.labels,
                     clusters=analysis.result.labels.to_numpy())
    for file in ("tensors.tsv", "metadata.tsv", "bookmarks.json"):
        assert (tmp_path / "keys" / file).read_bytes() == (tmp_path / "lines" / file).read_bytes(), file
    info = json.loads((tmp_path / "keys" / "export_info.json").read_text())
    assert info["n_lines"] == 3000 and info["dropped"]["repeated_lines"] > 2000


def test_one_line_per_key_is_found_without_a_copy_of_every_lines_key_or_position():
    # Every kept line's key copied (4 bytes a line) and every kept position made for nothing (8) held ~26 bytes a
    # line: the widest step of writing a 10M-line analysis.
    n = 3_000_000
    key = (np.arange(n) % 1000).astype(np.int32)
    frame = pd.DataFrame({"key": key, "blank": np.zeros(n, dtype=bool)})
    keep = np.flatnonzero(~frame["blank"].to_numpy())
    scores, labels = (key % 7).astype(np.float64), (key % 2).astype(np.int8)
    (first, counts), peak = traced_peak(lambda: _key_rows(frame, keep, scores, labels))
    assert first.tolist() == list(range(1000)) and counts.tolist() == [n // 1000] * 1000
    assert peak / n < 22  # each line's place among the keys (4), and blocks of lines


class _TwoDims:
    """A fitted detector's stand-in: two dimensions a line."""

    def transform(self, lines: pd.DataFrame) -> np.ndarray:
        return np.ones((len(lines), 2))


def test_an_export_of_lines_none_blank_makes_no_row_for_each(tmp_path):
    # Every line's row made when no line is blank (8 bytes a line), and a copy of each block of scores (8), were the
    # widest step of writing a 10M-line analysis.
    n = 3_000_000
    key = (np.arange(n) % 1000).astype(np.int32)
    frame = pd.DataFrame({"key": key, "blank": np.zeros(n, dtype=bool),
                          "content": pd.Categorical.from_codes(key % 1000, [f"m{i}" for i in range(1000)])})
    scores, labels = (key % 7).astype(np.float64), (key % 2).astype(np.int8)
    result, peak = traced_peak(lambda: export_lines(frame, _TwoDims(), out_dir=tmp_path, scores=scores,
                                                    labels=labels))
    assert result.n_total == 1000 and result.n_lines == n
    assert peak / n < 18  # 24 with them; each line's place among the keys (4) and blocks of lines


@pytest.mark.parametrize("with_detector", [False, True])
def test_row_is_the_frame_row_whatever_blank_lines_came_before(tmp_path, with_detector):
    frame = parsed_frame(8).assign(blank=False)
    frame.loc[1, ["content", "blank"]] = ["", True]
    frame["masked"] = frame["content"]
    vectors = np.arange(8 * 3, dtype=float).reshape(8, 3)
    source = TfidfDetector().fit(frame.loc[~frame["blank"]]) if with_detector else vectors
    result = export_lines(frame, source, out_dir=tmp_path, run="r", per_line=True)
    header, *rows = read_tsv(result.metadata_path)
    rows_at = np.array(column(header, rows, "row"), dtype=int)
    assert (frame["line_no"].to_numpy()[rows_at] == np.array(column(header, rows, "line_no"), dtype=int)).all()
    assert 1 not in rows_at


def test_a_rerun_that_fails_half_way_leaves_no_mixed_export(tmp_path, monkeypatch):
    # The first export's metadata stayed beside the second's tensors, the config still saying 5 points: the earlier
    # export's files go before a rerun writes (a run killed by a signal no handler sees cannot clean up after).
    from logad_utils import projector

    rng = np.random.default_rng(0)
    meta = pd.DataFrame({"message": [f"line {i}" for i in range(5)], "score": rng.random(5), "is_anomaly": 0})
    export_projector(rng.normal(size=(5, 3)), meta, out_dir=tmp_path, run="r")
    (tmp_path / "r" / "wordcloud.png").write_bytes(b"mine")  # a notebook's file beside the export

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(projector, "_write_metadata", full_disk)
    meta = pd.DataFrame({"message": [f"line {i}" for i in range(200)], "score": rng.random(200), "is_anomaly": 0})
    with pytest.raises(OSError):
        export_projector(rng.normal(size=(200, 3)), meta, out_dir=tmp_path, run="r")
    assert [p.name for p in (tmp_path / "r").iterdir()] == ["wordcloud.png"]
    # A first export that fails leaves no TensorBoard run behind either (its event file made an empty run).
    monkeypatch.undo()
    monkeypatch.setattr(projector, "_info", full_disk)  # the last file, after the event file
    with pytest.raises(OSError):
        export_projector(rng.normal(size=(5, 3)), meta.head(5), out_dir=tmp_path, run="first")
    assert not list((tmp_path / "first").iterdir())
    # A rerun replaces the export's files and keeps the folder's others.
    monkeypatch.undo()
    export_projector(rng.normal(size=(200, 3)), meta, out_dir=tmp_path, run="r")
    assert len(read_tsv(tmp_path / "r" / projector.TENSORS_FILE)) == 200
    assert (tmp_path / "r" / "wordcloud.png").read_bytes() == b"mine"
    assert len(list((tmp_path / "r").glob("events.out.tfevents.*"))) == 1


def test_a_sample_of_normal_points_in_one_cluster_is_called_uniform(tmp_path):
    rng = np.random.default_rng(0)
    meta = pd.DataFrame({"message": [f"line {i}" for i in range(300)], "score": rng.random(300),
                         "is_anomaly": np.r_[np.ones(10, int), np.zeros(290, int)],
                         "cluster": np.r_[np.zeros(10, int), np.full(290, -1)]})
    export = export_projector(rng.normal(size=(300, 3)), meta, out_dir=tmp_path, run="r", max_points=100)
    assert "90 of 290 normal points chosen uniformly" in " ".join(export.notes)


def test_the_colour_columns_keep_the_values_with_most_lines():
    from logad_utils.projector import MAX_COLOR_VALUES, _metadata_table

    # One message of 5,000 lines from "bigsvc" among 60 components of a few lines each: it keeps its colour.
    components = [f"svc{i:02d}" for i in range(60) for _ in range(2)] + ["bigsvc"]
    meta = pd.DataFrame({"component": components, "count": [3] * 120 + [5000]})
    names, columns = _metadata_table(meta, np.arange(len(meta)), None, 100, True)
    top = columns[names.index("component_top")]
    assert top[-1] == "bigsvc" and len(set(top)) == MAX_COLOR_VALUES
