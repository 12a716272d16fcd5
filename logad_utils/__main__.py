"""``python -m logad_utils`` runs the ``logad`` command."""
import sys

from .cli import main

sys.exit(main())
