"""Shared test helpers: where the optional Loghub samples are, and a marker that skips without them."""
import os
import sys
from pathlib import Path

import pytest

from logad_utils.formats import LOGHUB_FORMATS

sys.path.insert(0, str(Path(__file__).parent))

ROOT = Path(__file__).resolve().parents[1]
LOGHUB = Path(os.environ.get("LOGAD_LOGHUB", ROOT.parent / "shared" / "data" / "loghub"))
needs_loghub = pytest.mark.skipif(not (LOGHUB / "HDFS").is_dir(), reason="Loghub samples not present")
