"""Both Glue job scripts end to end through their main() (no awsglue), on local folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from datalake.synthetic import generate_events, write_raw_folder
from datalake.transforms import jobs

pytestmark = pytest.mark.spark


def _argv(paths, *names):
    argv = ["script.py", "--JOB_NAME", "test-job"]
    for name in names:
        argv += [f"--{name}_path", paths[name]]
    return argv


def test_scripts_run_the_pipeline_and_rerun_adds_nothing(spark, glue_scripts, tmp_path):
    paths = {n: str(tmp_path / n) + "/" for n in ("raw", "processed", "quarantine", "curated")}
    events = generate_events(600, seed=21)
    write_raw_folder(events, paths["raw"])
    valid = sum(1 for e in events if e.kind == "valid")
    raw_job, curated_job = glue_scripts["raw_to_processed"], glue_scripts["processed_to_curated"]

    counts = raw_job.main(_argv(paths, "raw", "processed", "quarantine"))
    assert counts["new"] == valid and counts["read"] == len(events)
    assert counts["duplicate"] + counts["invalid"] == len(events) - valid

    again = raw_job.main(_argv(paths, "raw", "processed", "quarantine"))
    assert again["new"] == 0 and again["already_processed"] == valid

    rows = curated_job.main(_argv(paths, "processed", "curated", "quarantine"))
    assert set(rows) == {"daily_summary", "hourly_metrics", "source_statistics"}
    stats = spark.read.parquet(paths["curated"] + "source_statistics").collect()
    assert sum(r["received_events"] for r in stats) == len(events)
    assert sum(r["processed_events"] for r in stats) == valid
    daily = spark.read.parquet(paths["curated"] + "daily_summary").collect()
    assert sum(r["event_count"] for r in daily) == valid
    layout = {p.relative_to(tmp_path / "curated").parts[:4]
              for p in Path(paths["curated"]).rglob("*.parquet")}
    assert ("daily_summary", "source=iot", "year=2026", "month=11") in layout

    rerun = curated_job.main(_argv(paths, "processed", "curated", "quarantine"))
    assert rerun == rows
    assert sorted(spark.read.parquet(paths["curated"] + "daily_summary").collect()) == sorted(
        daily
    )
    assert jobs.read_processed(spark, paths["processed"]).count() == valid
