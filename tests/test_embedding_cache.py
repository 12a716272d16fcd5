"""The sqlite embedding cache shared by two real processes at once: nothing lost, nothing corrupted."""
import sqlite3
import subprocess
import sys
import textwrap
import threading

import numpy as np

from logad_utils.embeddings import _VectorCache

DIM = 8

# Each writer stores 400 batches of 25 vectors (half the keys shared with the other writer)
# and reads back what it wrote after every batch; vectors are a function of the key, so
# both processes write the same value for a shared key.
WORKER = textwrap.dedent("""
    import sys
    import numpy as np
    from logad_utils.embeddings import _VectorCache

    cache_dir, who = sys.argv[1], int(sys.argv[2])
    def vector(key):
        return np.random.default_rng(int(key[1:])).standard_normal({dim}).astype(np.float32)

    for batch in range(100):
        own = [f"k{{batch * 50 + who * 25 + i}}" for i in range(25)]
        keys = own + [f"k{{1_000_000 + batch * 25 + i}}" for i in range(25)]
        cache = _VectorCache(cache_dir)
        cache.put("m", keys, np.stack([vector(k) for k in keys]))
        got = cache.get("m", keys, {dim})
        assert set(got) == set(keys) and all(np.array_equal(got[k], vector(k)) for k in keys), batch
    print("ok")
""").format(dim=DIM)


def vector(key: str) -> np.ndarray:
    return np.random.default_rng(int(key[1:])).standard_normal(DIM).astype(np.float32)


def test_two_processes_share_one_cache(tmp_path):
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(tmp_path), str(who)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for who in (0, 1)]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in results]
    assert [out.strip() for out, _ in results] == ["ok", "ok"]
    with sqlite3.connect(tmp_path / "embeddings.sqlite") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        keys = [k for (k,) in conn.execute("SELECT key FROM vectors WHERE model='m'")]
    assert len(keys) == 2 * 100 * 25 + 100 * 25
    stored = _VectorCache(tmp_path).get("m", keys, DIM)
    assert all(np.array_equal(stored[k], vector(k)) for k in keys)


def test_a_locked_cache_is_retried(tmp_path, monkeypatch):
    import logad_utils.embeddings as E

    cache = _VectorCache(tmp_path)
    monkeypatch.setattr(E, "_CACHE_BUSY_S", 0.05)  # give up waiting quickly, then retry
    monkeypatch.setattr(E, "_CACHE_BACKOFF_S", (0.3, 0.3))
    holder = sqlite3.connect(tmp_path / "embeddings.sqlite", isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # another process mid-write
    threading.Timer(0.2, lambda: holder.execute("COMMIT")).start()
    cache.put("m", ["a"], np.ones((1, DIM), dtype=np.float32))
    holder.close()
    assert np.array_equal(cache.get("m", ["a"], DIM)["a"], np.ones(DIM, dtype=np.float32))
