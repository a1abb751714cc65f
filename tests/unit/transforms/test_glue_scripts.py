"""The Glue scripts without Spark: nothing runs at import; arguments parsed as Glue names them."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[3] / "glue_jobs"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"glue_job_{name}", SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["raw_to_processed", "processed_to_curated"])
def test_import_runs_nothing_and_needs_no_spark(name):
    code = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('job', {str(SCRIPTS / name)!r} + '.py')\n"
        "module = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(module)\n"
        "assert callable(module.main)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pyspark', 'datalake')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_raw_to_processed_arguments_glue_style():
    job = _load("raw_to_processed")
    args = job.parse_arguments([
        "raw_to_processed.py", "--JOB_NAME", "lake-raw-to-processed", "--raw_path", "s3://r/",
        "--processed_path", "s3://p/processed_data/", "--quarantine_path", "s3://p/quarantine/",
        "--job-bookmark-option", "job-bookmark-enable", "--JOB_RUN_ID", "jr_1",
    ])
    assert args == {
        "JOB_NAME": "lake-raw-to-processed",
        "raw_path": "s3://r/",
        "processed_path": "s3://p/processed_data/",
        "quarantine_path": "s3://p/quarantine/",
    }


def test_raw_to_processed_missing_argument_is_named(capsys):
    job = _load("raw_to_processed")
    with pytest.raises(SystemExit):
        job.parse_arguments(["x", "--raw_path", "s3://r/", "--processed_path", "s3://p/"])
    assert "--quarantine_path" in capsys.readouterr().err


def test_processed_to_curated_quarantine_path_defaults_beside_processed():
    job = _load("processed_to_curated")
    args = job.parse_arguments(
        ["x", "--processed_path", "s3://p/processed_data/", "--curated_path", "s3://c/"]
    )
    assert args["quarantine_path"] == "s3://p/quarantine/"
    assert args["JOB_NAME"] == "processed_to_curated"
    given = job.parse_arguments(["x", "--processed_path", "/l/p/", "--curated_path", "/l/c/",
                                 "--quarantine_path", "/l/q/"])
    assert given["quarantine_path"] == "/l/q/"


@pytest.mark.spark
def test_raw_to_processed_asks_glue_for_each_line_s_file(spark):
    """On AWS Glue `input_file_name()` is empty for DynamicFrame reads: the script must ask the
    S3 reader for the file column (`attachFilename`), which becomes raw_file."""
    job = _load("raw_to_processed")
    calls = []

    class Frame:
        def toDF(self):
            return spark.createDataFrame(
                [("i-1", "r", "2026-11-25T10:00:00Z", "{}", "s3://raw/iot/x.json")],
                "ingest_id string, request_id string, received_at string, body string, "
                "raw_file string",
            )

    class Reader:
        def from_options(self, **kwargs):
            calls.append(kwargs)
            return Frame()

    context = type("GlueContext", (), {"create_dynamic_frame": Reader()})()
    raw = job.extract_with_glue(context, "s3://raw/")
    assert calls == [{
        "connection_type": "s3", "format": "json",
        "connection_options": {"paths": ["s3://raw/"], "recurse": True,
                               "attachFilename": "raw_file"},
        "transformation_ctx": "raw_events",
    }]
    assert raw.first()["raw_file"] == "s3://raw/iot/x.json"
