"""``python -m logad_utils`` runs the ``logad`` command."""
import sys

from .cli import run

sys.exit(run())
