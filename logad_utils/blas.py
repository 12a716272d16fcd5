"""One BLAS thread for the small factorisations behind logad's maps and projector exports."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator

__all__ = ["one_blas_thread"]

# OpenBLAS' thread count is the process'; blocks of several threads (a notebook's, a server's) overlap: the first
# to enter limits it, the last to leave restores it. Each block restoring what it saw on entry would leave the
# count at one for good when they leave in the order they entered. (OpenBLAS' pthreads build now and then keeps
# the one thread when the last to leave is not the thread that limited it: numpy's later products run on one core.)
_LOCK = threading.Lock()
_open = 0  # blocks now open
_limiter = None  # the first one's threadpool_limits, which knows the count to restore


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

    global _open, _limiter
    with _LOCK:
        if _open == 0:
            _limiter = threadpool_limits(limits=1, user_api="blas")
        _open += 1
    try:
        yield
    finally:
        with _LOCK:
            _open -= 1
            if _open == 0:
                _limiter.restore_original_limits()
