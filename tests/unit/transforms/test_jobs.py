"""The jobs' I/O on local folders: append without duplicates, re-runs, curated replacement."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyspark.sql import functions as F

from datalake.synthetic import generate_events, write_raw_folder
from datalake.transforms import daily_summary, jobs
from datalake.transforms.schemas import PROCESSED_SCHEMA

pytestmark = pytest.mark.spark


def _paths(root: Path) -> dict[str, str]:
    return {name: str(root / name) + "/" for name in ("raw", "processed", "quarantine", "curated")}


def test_two_runs_and_a_rerun_keep_rows_unique(spark, tmp_path, lake):
    paths = _paths(tmp_path)
    events = generate_events(120, seed=11, duplicate_share=0.15, late_duplicate_share=1.0)
    cut = lake.utc(2026, 11, 21)
    write_raw_folder([e for e in events if e.received_at < cut], paths["raw"])
    first = jobs.run_raw_to_processed(
        spark, jobs.read_raw(spark, paths["raw"]), paths["processed"], paths["quarantine"]
    )
    write_raw_folder([e for e in events if e.received_at >= cut], paths["raw"])
    second = jobs.run_raw_to_processed(
        spark, jobs.read_raw(spark, paths["raw"]), paths["processed"], paths["quarantine"]
    )
    again = jobs.run_raw_to_processed(
        spark, jobs.read_raw(spark, paths["raw"]), paths["processed"], paths["quarantine"]
    )
    valid = sum(1 for e in events if e.kind == "valid")
    rejected = len(events) - valid
    processed = jobs.read_processed(spark, paths["processed"])
    assert processed.count() == valid == first["new"] + second["new"]
    assert processed.select("source", "event_id").distinct().count() == valid
    assert second["duplicate"] > 0  # late duplicates caught against the processed zone
    assert again["new"] == again["duplicate"] == again["invalid"] == 0
    assert again["already_processed"] == valid
    assert again["already_quarantined"] == rejected
    assert jobs.read_quarantine(spark, paths["quarantine"]).count() == rejected
    partitions = processed.select("source", "year", "month", "day").distinct().count()
    files = list(Path(paths["processed"]).rglob("*.parquet"))
    assert len(files) <= 2 * partitions  # one file per partition and run that wrote to it


def test_missing_zones_read_as_empty(spark, tmp_path):
    assert jobs.read_raw(spark, str(tmp_path / "nothing")).count() == 0
    assert jobs.read_processed(spark, str(tmp_path / "nothing")).schema == PROCESSED_SCHEMA
    assert jobs.read_quarantine(spark, str(tmp_path / "nothing")).count() == 0


def test_curated_rerun_replaces_recomputed_partitions_only(spark, tmp_path):
    paths = _paths(tmp_path)
    events = generate_events(150, seed=12, days=40)  # two months
    write_raw_folder(events, paths["raw"])
    jobs.run_raw_to_processed(
        spark, jobs.read_raw(spark, paths["raw"]), paths["processed"], paths["quarantine"]
    )
    jobs.run_processed_to_curated(spark, paths["processed"], paths["quarantine"],
                                  paths["curated"])
    daily = jobs.join_path(paths["curated"], "daily_summary")
    before = spark.read.parquet(daily).collect()  # collected: the files are replaced below
    total = sum(r["event_count"] for r in before)
    assert total == jobs.read_processed(spark, paths["processed"]).count()
    months = sorted({(r["year"], r["month"]) for r in before})
    assert len(months) == 2

    jobs.run_processed_to_curated(spark, paths["processed"], paths["quarantine"],
                                  paths["curated"])
    assert spark.read.parquet(daily).agg(F.sum("event_count")).first()[0] == total  # no append

    # Recompute one partition (iot, first month) from fewer events: it is replaced, every
    # other partition stays as it was.
    year, month = months[0]

    def in_partition(row):
        return (row["source"], row["year"], row["month"]) == ("iot", year, month)

    processed = jobs.read_processed(spark, paths["processed"])
    subset = processed.where(
        (F.col("source") == "iot") & (F.col("year") == year) & (F.col("month") == month)
    ).limit(5)
    jobs.write_curated(daily_summary(subset), daily)
    after = spark.read.parquet(daily).collect()
    assert sum(r["event_count"] for r in after if in_partition(r)) == 5
    assert sorted(r for r in after if not in_partition(r)) == sorted(
        r for r in before if not in_partition(r)
    )


def test_conform_raw_takes_lineage_from_the_attached_file_column_only(spark):
    key = "iot/year=2026/month=11/day=25/10-00-00-000000-req1.json"
    inferred = spark.createDataFrame(
        [("i-1", "req1", "2026-11-25T10:00:00.000000Z", '{"a": 1}', f"s3://raw-b/{key}", 7)],
        "ingest_id string, request_id string, received_at string, body string, "
        "raw_file string, extra long",
    )
    conformed = jobs.conform_raw(inferred)
    assert conformed.columns == ["ingest_id", "request_id", "received_at", "body", "raw_file"]
    assert conformed.first()["raw_file"] == f"s3://raw-b/{key}"


def test_conform_raw_without_the_attached_file_column_says_how_to_read(spark):
    # A DynamicFrame read without attachFilename: on AWS Glue input_file_name() would be "".
    inferred = spark.createDataFrame([("i-1", "{}")], "ingest_id string, body string")
    with pytest.raises(ValueError, match="attachFilename='raw_file'"):
        jobs.conform_raw(inferred)


def test_conform_raw_of_an_empty_dynamic_frame_is_empty_with_every_column(spark):
    from pyspark.sql.types import StructType

    empty = spark.createDataFrame(spark.sparkContext.emptyRDD(), StructType([]))
    conformed = jobs.conform_raw(empty)
    assert conformed.columns == ["ingest_id", "request_id", "received_at", "body", "raw_file"]
    assert conformed.count() == 0
