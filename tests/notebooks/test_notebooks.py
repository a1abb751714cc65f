"""The notebook tier: every notebook executed in order against a local cloud.

1. papermill runs notebooks 00..10 with small sizes and DESTROY=True into a temporary folder,
   and the figures the notebooks record (`build/notebooks/figures.json`) are checked against
   each other: events accepted = events in the raw zone; processed rows = the valid unique
   events; curated totals = processed rows; the second job run read only the new events.
2. nbval re-runs the committed notebooks (their own default parameters) cell by cell and
   compares each output with the committed one, through `sanitize.cfg` (decision 090).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from datalake.notebooks import NOTEBOOK_DIR, list_notebooks, run_notebooks

pytestmark = [pytest.mark.slow, pytest.mark.spark]

HERE = Path(__file__).resolve().parent
SMALL = {
    "TARGET": "local",
    "STACK_NAME": "nbtest",
    "N_EVENTS": 150,
    "BATCH_SIZE": 50,
    "DESTROY": True,
}


WALKTHROUGH = [f"{i:02d}" for i in range(10)]  # 00..09; 10 (teardown) is its own test


@pytest.fixture(scope="module")
def papermill_build(tmp_path_factory):
    return tmp_path_factory.mktemp("build")


def _run(cloud: dict, build: Path, only: list[str]) -> list[Path]:
    import os

    saved = dict(os.environ)
    os.environ.update(cloud["env"])
    os.environ["DATALAKE_BUILD_DIR"] = str(build)
    try:
        return run_notebooks(build / "executed", SMALL, only=only)
    finally:
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture(scope="module")
def executed(notebook_cloud, papermill_build):
    """Run notebooks 00..09 once with SMALL parameters; (executed copies, figures)."""
    paths = _run(notebook_cloud, papermill_build, WALKTHROUGH)
    figures = json.loads((papermill_build / "notebooks" / "figures.json").read_text())
    return paths, figures


def test_every_notebook_ran(executed):
    paths, figures = executed
    expected = [p.name for p in list_notebooks(NOTEBOOK_DIR) if p.name[:2] in WALKTHROUGH]
    assert [p.name for p in paths] == expected
    assert sorted(figures) == [p.stem for p in paths]


def test_ingestion_events_accepted_are_the_raw_zone_events(executed):
    _, figures = executed
    ingestion = figures["02_ingestion"]
    assert ingestion["sent"] == ingestion["expected"]["generated"]
    assert ingestion["accepted"] == ingestion["expected"]["stored_in_raw"]
    assert ingestion["raw_events"] == ingestion["accepted"]
    assert ingestion["throttled"] >= 1
    assert figures["03_validation"]["validated"] == ingestion["raw_events"]
    assert figures["03_validation"]["invalid"] == ingestion["expected"]["schema_invalid"]
    assert figures["04_catalog"]["raw_events_by_athena"] == ingestion["raw_events"]


def test_processed_rows_are_the_valid_unique_events(executed):
    _, figures = executed
    accepted_first = figures["02_ingestion"]["accepted"]
    processing = figures["05_raw_to_processed"]
    expected = processing["expected"]
    assert processing["raw_events"] == accepted_first + processing["accepted_later"]
    assert processing["raw_events"] == expected["stored_in_raw"]
    assert processing["processed_rows"] == expected["valid_unique"]
    assert processing["processed_unique"] == processing["processed_rows"]
    # the bookmark: the second run read only what arrived after the first
    assert processing["run1"]["read"] == accepted_first
    assert processing["run2"]["read"] == processing["accepted_later"]
    new = processing["run1"]["new"] + processing["run2"]["new"]
    assert new == expected["valid_unique"]
    quarantined = sum(processing["quarantine"].values())
    assert new + quarantined == expected["stored_in_raw"]
    assert processing["quarantine"]["duplicate"] == expected["duplicates"]


def test_curated_totals_match_processed(executed):
    _, figures = executed
    curated = figures["06_processed_to_curated"]
    processed_rows = figures["05_raw_to_processed"]["processed_rows"]
    assert curated["processed_rows"] == processed_rows
    assert curated["curated_events"] == processed_rows
    assert curated["statistics_processed"] == processed_rows
    assert {"daily_summary", "hourly_metrics", "source_statistics"} <= set(curated["tables"])
    analytics = figures["08_analytics"]
    assert sum(analytics["processed_by_source"].values()) == processed_rows
    assert 0 < analytics["bytes_pruned"] < analytics["bytes_whole"]


def test_pipeline_and_monitoring(executed):
    _, figures = executed
    pipeline = figures["07_orchestration"]
    assert pipeline["status"] == "SUCCEEDED"
    assert pipeline["states"][0] == "StartLakeCrawler"
    assert pipeline["states"][-1] == "NotifySuccess"
    assert pipeline["pipeline_job_counts"]["read"] == 0  # nothing new since notebook 05
    monitoring = figures["09_monitoring"]
    assert monitoring["events_ingested"] == figures["05_raw_to_processed"]["raw_events"]
    # every raw event was validated (notebook 05 sent more after 03 counted)
    assert monitoring["valid"] + monitoring["invalid"] == monitoring["events_ingested"]
    assert monitoring["invalid"] >= figures["03_validation"]["invalid"]


def test_teardown_destroys_the_stack(notebook_cloud, papermill_build, executed):
    from datalake import aws

    _run(notebook_cloud, papermill_build, ["10"])
    figures = json.loads((papermill_build / "notebooks" / "figures.json").read_text())
    assert figures["10_teardown"]["destroyed"] is True
    assert not (papermill_build / SMALL["STACK_NAME"] / "outputs.json").exists()
    s3 = aws.session("local").client("s3", endpoint_url=notebook_cloud["endpoint"])
    left = [b["Name"] for b in s3.list_buckets()["Buckets"]
            if b["Name"].startswith(SMALL["STACK_NAME"] + "-")]
    assert left == []


def test_nbval_matches_the_committed_outputs(notebook_cloud, tmp_path, executed):
    """The committed notebooks, re-executed by nbval with their own parameters, reproduce
    their committed outputs (after sanitize.cfg)."""
    env = dict(notebook_cloud["env"], DATALAKE_BUILD_DIR=str(tmp_path / "build"))
    command = [
        sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval",
        "--nbval-sanitize-with", str(HERE / "sanitize.cfg"), "--nbval-cell-timeout", "900",
        "--rootdir", str(NOTEBOOK_DIR), *map(str, list_notebooks(NOTEBOOK_DIR)),
    ]
    result = subprocess.run(command, env=env, cwd=NOTEBOOK_DIR, capture_output=True,
                            text=True, timeout=1800)
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]
