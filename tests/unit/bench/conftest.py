"""`bench/` is a top-level folder of the repository, not an installed package: put the
repository root on sys.path so its pure modules import here."""

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[3])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
