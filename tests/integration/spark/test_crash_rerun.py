"""A raw_to_processed run killed during its write, then re-run, leaves the processed zone and
the quarantine with exactly the rows of one clean run."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from datalake.synthetic import generate_events, write_raw_folder
from datalake.transforms import jobs

pytestmark = [pytest.mark.spark, pytest.mark.slow]

ROW_COLUMNS = ("source", "event_id", "record_hash", "event_type", "event_timestamp", "data",
               "quality_score", "received_at", "raw_key", "year", "month", "day")


def _paths(root: Path) -> dict[str, str]:
    return {n: str(root / n) + "/" for n in ("raw", "processed", "quarantine")}


def _argv(paths):
    return ["raw_to_processed.py", "--raw_path", paths["raw"], "--processed_path",
            paths["processed"], "--quarantine_path", paths["quarantine"]]


def _rows(spark, paths):
    processed = jobs.read_processed(spark, paths["processed"]).select(*ROW_COLUMNS).collect()
    quarantine = jobs.read_quarantine(spark, paths["quarantine"]).select(
        "reason", "ingest_id", "raw_key", "source", "event_id").collect()
    return sorted(map(tuple, processed)), sorted(map(tuple, quarantine), key=str)


def _visible_parquet_rows(folder: str) -> int:
    """Rows in every Parquet file a query engine would read (no `_`/`.`-prefixed path part);
    each file must be a complete Parquet file."""
    total = 0
    for path in Path(folder).rglob("*.parquet"):
        if any(part.startswith(("_", ".")) for part in path.relative_to(folder).parts):
            continue
        total += pq.ParquetFile(path).metadata.num_rows
    return total


@pytest.fixture(scope="module")
def events():
    return generate_events(1500, seed=31)


@pytest.fixture(scope="module")
def clean_run(spark, glue_scripts, events, tmp_path_factory):
    paths = _paths(tmp_path_factory.mktemp("clean"))
    write_raw_folder(events, paths["raw"])
    glue_scripts["raw_to_processed"].main(_argv(paths))
    return _rows(spark, paths)


def _kill_during_processed_write(script: Path, paths: dict[str, str]) -> None:
    process = subprocess.Popen(
        [sys.executable, str(script), *_argv(paths)[1:]],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        env={**os.environ, "AWS_ENDPOINT_URL": ""},
    )
    temporary = Path(paths["processed"]) / "_temporary"
    deadline = time.monotonic() + 240
    try:
        while not temporary.exists():
            if process.poll() is not None:
                pytest.fail(f"the job ended (rc {process.returncode}) before its write was seen")
            if time.monotonic() > deadline:
                pytest.fail("the job did not start writing within 240 s")
            time.sleep(0.01)
        os.killpg(process.pid, signal.SIGKILL)  # the driver and its JVM, mid-write
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def test_killed_during_write_then_rerun_equals_one_clean_run(
    spark, glue_scripts, script_path, events, clean_run, tmp_path
):
    paths = _paths(tmp_path)
    write_raw_folder(events, paths["raw"])
    _kill_during_processed_write(script_path("raw_to_processed"), paths)
    assert (Path(paths["processed"]) / "_temporary").exists()  # what a killed job leaves

    counts = glue_scripts["raw_to_processed"].main(_argv(paths))
    assert counts["duplicate"] == counts["invalid"] == 0  # the quarantine was complete
    assert _rows(spark, paths) == clean_run
    assert _visible_parquet_rows(paths["processed"]) == len(clean_run[0])
    assert not (Path(paths["processed"]) / "_temporary").exists()  # cleaned by the re-run


def test_partial_output_then_rerun_equals_one_clean_run(
    spark, glue_scripts, events, clean_run, tmp_path_factory, tmp_path
):
    """A crash in the middle of the commit: some partitions visible, the rest not, and no
    bookmark committed, so the re-run reads every raw line again."""
    full = _paths(tmp_path_factory.mktemp("full"))
    write_raw_folder(events, full["raw"])
    glue_scripts["raw_to_processed"].main(_argv(full))
    paths = _paths(tmp_path)
    write_raw_folder(events, paths["raw"])
    partitions = sorted(p for p in Path(full["processed"]).glob("source=*/year=*/month=*/day=*"))
    assert len(partitions) > 2
    for partition in partitions[::2]:  # every other partition "made it"
        target = Path(paths["processed"]) / partition.relative_to(full["processed"])
        shutil.copytree(partition, target)
    half_quarantine = sorted(Path(full["quarantine"]).glob("year=*/month=*/day=*"))[:1]
    for partition in half_quarantine:
        shutil.copytree(partition, Path(paths["quarantine"]) / partition.relative_to(
            full["quarantine"]))

    counts = glue_scripts["raw_to_processed"].main(_argv(paths))
    assert counts["already_processed"] > 0 and counts["new"] > 0
    assert counts["already_quarantined"] > 0
    assert _rows(spark, paths) == clean_run
