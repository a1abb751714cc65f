"""The two jobs' I/O around the pure transforms: read each zone with its explicit schema, write
few partitioned files, and report counts. The Glue scripts (`glue_jobs/`) and the local pipeline
(`datalake.pipeline_local`) both call these, so a job behaves the same everywhere.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.utils import AnalysisException

from datalake.transforms.processed_to_curated import curated_datasets
from datalake.transforms.raw_to_processed import (
    STATUSES,
    classify_raw,
    to_processed,
    to_quarantine,
)
from datalake.transforms.schemas import (
    CURATED_PARTITIONS,
    PROCESSED_PARTITIONS,
    PROCESSED_SCHEMA,
    QUARANTINE_PARTITIONS,
    QUARANTINE_SCHEMA,
    RAW_SCHEMA,
)

_logger = logging.getLogger(__name__)

MAX_RECORDS_PER_FILE = 1_000_000
# The column a Glue read adds with each line's object (`attachFilename`); see conform_raw.
RAW_FILE_COLUMN = "raw_file"


def join_path(base: str, name: str) -> str:
    """`s3://b/` + `x` -> `s3://b/x/` (one slash between, a trailing slash kept)."""
    return base.rstrip("/") + "/" + name.strip("/") + "/"


def read_raw(spark: SparkSession, raw_path: str) -> DataFrame:
    """Every raw line under `raw_path` (all sources and days) with RAW_SCHEMA plus `raw_file`."""
    try:
        frame = (
            spark.read.schema(RAW_SCHEMA)
            .option("recursiveFileLookup", "true")
            .option("pathGlobFilter", "*.json")
            .option("mode", "PERMISSIVE")
            .json(raw_path)
        )
    except AnalysisException as exc:
        if not _is_missing_path(exc):
            raise
        _logger.info("raw path %s does not exist yet: nothing to read", raw_path)
        return spark.createDataFrame([], RAW_SCHEMA).withColumn("raw_file", F.lit(None))
    return frame.withColumn("raw_file", F.input_file_name())


def conform_raw(frame: DataFrame) -> DataFrame:
    """RAW_SCHEMA columns (missing ones null, all strings) plus `raw_file`, from a frame whose
    schema was inferred: a Glue DynamicFrame's, read with the S3 connection option
    `attachFilename` = RAW_FILE_COLUMN. That column is the only lineage: on AWS Glue
    `input_file_name()` is an empty string for DynamicFrame reads, so every raw_key would be
    lost (and dedup against the processed zone would never recognise a re-read line)."""
    if frame.columns and RAW_FILE_COLUMN not in frame.columns:
        raise ValueError(
            f"the raw frame has no {RAW_FILE_COLUMN!r} column: read it with the S3 connection "
            f"option attachFilename={RAW_FILE_COLUMN!r} (input_file_name() is empty on Glue)"
        )
    columns = [
        (F.col(f.name) if f.name in frame.columns else F.lit(None)).cast("string").alias(f.name)
        for f in RAW_SCHEMA.fields
    ]
    # No columns at all: nothing new was read (an empty DynamicFrame has no schema).
    raw_file = F.col(RAW_FILE_COLUMN) if frame.columns else F.lit(None).cast("string")
    return frame.select(*columns, raw_file.alias("raw_file"))


def read_processed(spark: SparkSession, processed_path: str) -> DataFrame:
    """The processed zone with PROCESSED_SCHEMA (partition columns as strings); empty if none."""
    return _read_parquet_or_empty(spark, processed_path, PROCESSED_SCHEMA)


def read_quarantine(spark: SparkSession, quarantine_path: str) -> DataFrame:
    """The quarantine with QUARANTINE_SCHEMA; empty if nothing was quarantined yet."""
    try:
        return spark.read.schema(QUARANTINE_SCHEMA).json(quarantine_path)
    except AnalysisException as exc:
        if not _is_missing_path(exc):
            raise
        return spark.createDataFrame([], QUARANTINE_SCHEMA)


def run_raw_to_processed(
    spark: SparkSession,
    raw: DataFrame,
    processed_path: str,
    quarantine_path: str,
    processed_at: datetime | None = None,
) -> dict[str, int]:
    """Classify `raw` lines against the processed zone, append new rows to `processed_path`
    and invalid/duplicate lines to `quarantine_path`. Returns counts per status and `read`.

    Safe to re-run on the same raw lines (after a crash, without a bookmark, after a reset):
    lines already in the processed zone (same raw_key and record hash) or in the quarantine
    (same raw_key and ingest_id) are counted as already_processed / already_quarantined and not
    written again.
    """
    stamp = processed_at or datetime.now(timezone.utc)
    existing = read_processed(spark, processed_path)
    quarantined = read_quarantine(spark, quarantine_path)
    classified = classify_raw(raw, existing, quarantined).persist()
    try:
        counts = dict.fromkeys(STATUSES, 0)
        for row in classified.groupBy("status").count().collect():
            counts[row["status"]] = row["count"]
        counts["read"] = sum(counts.values())
        if counts["duplicate"] or counts["invalid"]:
            write_quarantine(to_quarantine(classified, stamp), quarantine_path)
        if counts["new"]:
            write_processed(to_processed(classified, stamp), processed_path)
    finally:
        classified.unpersist()
    _logger.info("raw_to_processed: %s", counts)
    return counts


def run_processed_to_curated(
    spark: SparkSession, processed_path: str, quarantine_path: str | None, curated_path: str
) -> dict[str, int]:
    """Recompute every curated dataset from the processed zone (and the quarantine's duplicate
    and invalid counts) and replace its partitions under `curated_path`. Returns rows per
    dataset."""
    processed = read_processed(spark, processed_path)
    quarantine = read_quarantine(spark, quarantine_path) if quarantine_path else None
    counts = {}
    for name, frame in curated_datasets(processed, quarantine).items():
        frame = frame.persist()
        try:
            counts[name] = frame.count()
            write_curated(frame, join_path(curated_path, name))
        finally:
            frame.unpersist()
    _logger.info("processed_to_curated: %s", counts)
    return counts


def write_processed(frame: DataFrame, processed_path: str) -> None:
    """Append Parquet, one file per partition and run (rows grouped by partition first)."""
    (
        frame.repartition(*PROCESSED_PARTITIONS)
        .write.mode("append")
        .option("maxRecordsPerFile", MAX_RECORDS_PER_FILE)
        .partitionBy(*PROCESSED_PARTITIONS)
        .parquet(processed_path)
    )


def write_quarantine(frame: DataFrame, quarantine_path: str) -> None:
    """Append JSON Lines (readable with `aws s3 cp ... -`), one file per arrival day and run."""
    (
        frame.repartition(*QUARANTINE_PARTITIONS)
        .write.mode("append")
        .option("timestampFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX")
        .partitionBy(*QUARANTINE_PARTITIONS)
        .json(quarantine_path)
    )


def write_curated(frame: DataFrame, dataset_path: str) -> None:
    """Replace the partitions present in `frame` (dynamic partition overwrite); others stay."""
    (
        frame.repartition(*CURATED_PARTITIONS)
        .write.mode("overwrite")
        .option("partitionOverwriteMode", "dynamic")
        .partitionBy(*CURATED_PARTITIONS)
        .parquet(dataset_path)
    )


def _read_parquet_or_empty(spark: SparkSession, path: str, schema) -> DataFrame:
    try:
        return spark.read.schema(schema).parquet(path)
    except AnalysisException as exc:
        if not _is_missing_path(exc):
            raise
        return spark.createDataFrame([], schema)


def _is_missing_path(exc: AnalysisException) -> bool:
    text = str(exc)
    return "Path does not exist" in text or "PATH_NOT_FOUND" in text
