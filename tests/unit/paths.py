"""Where the tests find the repository's files, wherever in tests/unit they live."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "examples" / "models"
