"""Small factorisations run on one BLAS thread: the same positions whatever the machine's cores."""
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
