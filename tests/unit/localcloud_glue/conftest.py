"""The awsglue shim is importable only with its parent folder on sys.path (as in a job run)."""

from __future__ import annotations

import sys

import pytest

from localcloud.glue.spark_submit import SHIM_PARENT


@pytest.fixture
def shim():
    """Put the shim's parent folder on sys.path for one test, then take it off again."""
    sys.path.insert(0, str(SHIM_PARENT))
    yield
    sys.path.remove(str(SHIM_PARENT))
    for name in [m for m in sys.modules if m == "awsglue" or m.startswith("awsglue.")]:
        del sys.modules[name]
