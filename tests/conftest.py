"""Shared test helpers: where the optional Loghub samples are, a marker that skips without them, a corpus."""
import os
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
# Tests have no notebook frontend: explorers draw static pictures (notebook kernels inherit this).
os.environ.setdefault("LOGAD_STATIC", "1")

ROOT = Path(__file__).resolve().parents[1]
LOGHUB = Path(os.environ.get("LOGAD_LOGHUB", ROOT.parent / "shared" / "data" / "loghub"))
needs_loghub = pytest.mark.skipif(not (LOGHUB / "HDFS").is_dir(), reason="Loghub samples not present")

# One small ATM-like corpus for the detector tests: routine messages with skewed shares, one odd message.
ROUTINE = ["session <NUM> started", "cash dispensed amount <NUM> EUR", "heartbeat acknowledged in <DURATION>",
           "card read ok", "receipt printed"]
ROUTINE_SHARES = [0.3, 0.3, 0.2, 0.1, 0.1]
ODD = "dispenser jam detected at slot <NUM>, cassette removed"


def corpus(n_routine: int = 200, seed: int = 0, odd: bool = True, blank_at: int | None = None,
           shares: list | None = ROUTINE_SHARES) -> list:
    """Routine messages (n_routine lines, seeded; ``shares=None``: uniform), ODD in the middle, None at ``blank_at``."""
    rng = np.random.default_rng(seed)
    lines = list(rng.choice(ROUTINE, size=n_routine, p=shares))
    if odd:
        lines.insert(len(lines) // 2, ODD)
    if blank_at is not None:
        lines.insert(blank_at, None)
    return lines
