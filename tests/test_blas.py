"""Small factorisations run on one BLAS thread: the same positions whatever the machine's cores."""
import threading

import numpy as np
import pytest
import scipy.sparse as sp
from threadpoolctl import threadpool_info, threadpool_limits

from logad_utils import blas, explore, projector, viz


def _blas_threads() -> list[int]:
    """Thread counts of the loaded BLAS libraries."""
    return [info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"]


def test_one_blas_thread_limits_then_restores():
    with threadpool_limits(limits=2, user_api="blas"):
        before = _blas_threads()
        with blas.one_blas_thread():
            assert _blas_threads() and set(_blas_threads()) == {1}
        assert _blas_threads() == before


def test_blocks_of_two_threads_that_overlap_restore_the_count_once_both_are_left(monkeypatch):
    # A notebook's thread maps while the kernel's exports: OpenBLAS' count is the process', so the first to leave
    # must not lift the other's limit, nor the last leave the count it saw on entry (one) for good. The limits are
    # recorded, not applied: OpenBLAS (pthreads) now and then keeps a count one thread set when another restores
    # it (about once in 250 on a loaded machine, threadpoolctl alone), the library's doing, not this bookkeeping's.
    import threadpoolctl

    calls = []

    class Recorder:
        def __init__(self, limits: int, user_api: str):
            calls.append(("limit", limits, user_api))

        def restore_original_limits(self) -> None:
            calls.append(("restore",))

    monkeypatch.setattr(threadpoolctl, "threadpool_limits", Recorder)
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    seen = []

    def first() -> None:
        with blas.one_blas_thread():
            a_in.set()
            b_in.wait(10)
        a_out.set()

    def second() -> None:
        a_in.wait(10)
        with blas.one_blas_thread():
            b_in.set()
            a_out.wait(10)
            seen.append(list(calls))

    threads = [threading.Thread(target=f) for f in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == [[("limit", 1, "blas")]] and calls == [("limit", 1, "blas"), ("restore",)]
    with blas.one_blas_thread():  # a later block limits again
        pass
    assert calls[2:] == [("limit", 1, "blas"), ("restore",)]


@pytest.fixture
def seen(monkeypatch):
    """BLAS thread counts seen inside every PCA / TruncatedSVD fit_transform."""
    from sklearn.decomposition import PCA, TruncatedSVD

    seen = []
    for cls in (PCA, TruncatedSVD):
        original = cls.fit_transform

        def spy(self, *args, _original=original, **kwargs):
            seen.append(set(_blas_threads()))
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(cls, "fit_transform", spy)
    return seen


def test_maps_and_exports_factorise_on_one_thread(seen, tmp_path):
    rng = np.random.default_rng(0)
    wide = sp.random(300, 2000, density=0.01, random_state=0, format="csr")
    with threadpool_limits(limits=2, user_api="blas"):
        explore.layout_points(wide, "pca", seed=0)
        projector._dense_points(wide, np.arange(300), seed=0)
        viz.plot_pca(rng.normal(size=(50, 8)), ["a"] * 50)
    assert len(seen) == 3 and all(threads == {1} for threads in seen)
