"""One SparkSession (with the s3a jars) for the Spark integration tests, and the Glue scripts
loaded from `glue_jobs/` as modules."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[3] / "glue_jobs"


@pytest.fixture(scope="session")
def spark():
    from datalake.spark import build_session

    session = build_session("integration-spark", master="local[2]", shuffle_partitions=4)
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"glue_job_{name}", SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def glue_scripts():
    """{"raw_to_processed": module, "processed_to_curated": module}."""
    return {name: _load(name) for name in ("raw_to_processed", "processed_to_curated")}


@pytest.fixture(scope="session")
def script_path():
    return lambda name: SCRIPTS / f"{name}.py"
