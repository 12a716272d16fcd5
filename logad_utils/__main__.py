"""``python -m logad_utils`` runs the ``logad`` command."""
import sys


def console() -> int:
    """The ``logad`` command (:func:`cli.run`); a Ctrl-C while it starts (its imports) ends it as one later does."""
    try:
        from .cli import run
    except KeyboardInterrupt:
        print("logad: interrupted", file=sys.stderr)
        return 130
    return run()


if __name__ == "__main__":
    sys.exit(console())
