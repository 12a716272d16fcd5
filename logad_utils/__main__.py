"""``python -m logad_utils`` runs the ``logad`` command."""
import os
import sys


def console() -> int:
    """The ``logad`` command (:func:`cli.run`); a Ctrl-C while it starts (its imports) ends it as one later does."""
    # NumPy asks for 2 MiB pages for each array of 4 MiB or more; the kernel zeroes every such page in full when it is
    # first touched, and analyze makes and frees thousands of such arrays (trend fits, training batches): a third of
    # the trend step's time was clearing pages. Read when NumPy is imported, so set before any import; a user's own
    # setting wins. Local Dask workers inherit it.
    os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")
    try:
        from .cli import run
    except KeyboardInterrupt:
        print("logad: interrupted", file=sys.stderr)
        return 130
    return run()


if __name__ == "__main__":
    sys.exit(console())
