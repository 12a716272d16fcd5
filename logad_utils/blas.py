"""One BLAS thread for the small factorisations behind logad's maps and projector exports."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

__all__ = ["one_blas_thread"]


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Limit NumPy's and SciPy's BLAS to one thread for the block.

    A PCA or TruncatedSVD of a few thousand unique messages is too small to
    share: OpenBLAS' threads spin waiting for each other, and on a busy machine
    a 3,200 x 1,752 TruncatedSVD took 5.2 s on two threads against 0.16 s on
    one. The sums also come out in one order, so the positions and exported
    points do not depend on how many cores the machine has.
    """
    from threadpoolctl import threadpool_limits  # scikit-learn's own dependency

    with threadpool_limits(limits=1, user_api="blas"):
        yield
