"""The fuzzer lives in `tests/fuzz/`; its tests import it as `tests.fuzz`."""

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[3])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
