"""Raw -> processed, the seed's nine steps as DataFrame -> DataFrame functions.

1 read JSON (the job, with RAW_SCHEMA) · 2 filter null/invalid records to the quarantine with
their reason · 3 processing timestamp · 4 record hash · 5 remove duplicates, within the run and
against the processed zone · 6 partition columns from the EVENT time (UTC) · 7 quality score ·
8/9 Parquet, partitioned write (the job). Steps 2, 4, 6 and 7 run per event in
`records.parse_raw_record` (the same `datalake.events` code as the Lambdas).

`classify_raw` gives every raw line a `status`: new, duplicate or invalid for what this run
decides, already_processed / already_quarantined for a raw line an earlier run already wrote
(a re-run after a crash, without bookmarks, or after a bookmark reset).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timezone

import pandas as pd
from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from datalake.transforms.records import (
    PARSED_FIELDS,
    REASON_DUPLICATE,
    parse_raw_record,
    raw_key_from_path,
)
from datalake.transforms.schemas import (
    PARSED_SCHEMA,
    PROCESSED_FILE_SCHEMA,
    PROCESSED_PARTITIONS,
    QUARANTINE_FILE_SCHEMA,
    QUARANTINE_PARTITIONS,
)

_logger = logging.getLogger(__name__)

STATUS_NEW = "new"
STATUS_DUPLICATE = "duplicate"
STATUS_INVALID = "invalid"
STATUS_ALREADY_PROCESSED = "already_processed"
STATUS_ALREADY_QUARANTINED = "already_quarantined"
STATUSES = (
    STATUS_NEW,
    STATUS_DUPLICATE,
    STATUS_INVALID,
    STATUS_ALREADY_PROCESSED,
    STATUS_ALREADY_QUARANTINED,
)


def parse_raw(raw: DataFrame) -> DataFrame:
    """Raw lines (RAW_SCHEMA columns plus `raw_file`, the file path or URI of each line, or
    `raw_key`) -> PARSED_SCHEMA: every raw line judged, valid or with a quarantine reason."""
    if "raw_key" not in raw.columns:
        raw = raw.withColumn("raw_key", F.col("raw_file") if "raw_file" in raw.columns
                             else F.lit(None).cast("string"))
    columns = ["ingest_id", "request_id", "received_at", "body", "raw_key"]
    return raw.select(*columns).mapInPandas(_parse_batches, PARSED_SCHEMA)


def _parse_batches(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    for batch in batches:
        rows = []
        for row in batch.to_dict("records"):
            row["raw_key"] = raw_key_from_path(row["raw_key"] if isinstance(row["raw_key"], str)
                                               else None)
            rows.append(parse_raw_record(row))
        frame = pd.DataFrame(rows, columns=list(PARSED_FIELDS))
        for column in ("received_at", "event_timestamp"):
            frame[column] = pd.to_datetime(frame[column], utc=True)
        yield frame


def dedupe_batch(parsed: DataFrame) -> DataFrame:
    """Adds `status`: invalid for rejected lines; for valid ones, new for the first of each
    (source, event_id) in this run (earliest arrival, then ingest_id) and duplicate for later
    ones."""
    valid = F.col("reason").isNull()
    first = Window.partitionBy("source", "event_id", valid).orderBy("received_at", "ingest_id")
    rank = F.when(valid, F.row_number().over(first))
    return (
        parsed.withColumn("_rank", rank)
        .withColumn(
            "status",
            F.when(~valid, F.lit(STATUS_INVALID))
            .when(F.col("_rank") == 1, F.lit(STATUS_NEW))
            .otherwise(F.lit(STATUS_DUPLICATE)),
        )
        .withColumn(
            "reason", F.when(F.col("status") == STATUS_DUPLICATE, F.lit(REASON_DUPLICATE))
            .otherwise(F.col("reason"))
        )
        .withColumn(
            "errors",
            F.when(
                F.col("status") == STATUS_DUPLICATE,
                F.array(F.concat(F.lit("event_id: duplicate: "), F.col("event_id"),
                                 F.lit(" arrived earlier in this run"))),
            ).otherwise(F.col("errors")),
        )
        .drop("_rank")
    )


def dedupe_against_existing(batch: DataFrame, existing: DataFrame) -> DataFrame:
    """Re-judges this run's `new` rows against the processed zone (`existing`: at least source,
    event_id, raw_key, record_hash): a (source, event_id) already there is a duplicate, unless it
    is the very same raw line (same raw_key and record_hash), which is already_processed."""
    known = (
        existing.select(
            "source",
            "event_id",
            F.col("raw_key").alias("_known_raw_key"),
            F.col("record_hash").alias("_known_hash"),
        )
        .dropDuplicates(["source", "event_id"])
    )
    joined = batch.join(known, ["source", "event_id"], "left")
    is_new = F.col("status") == STATUS_NEW
    seen = F.col("_known_hash").isNotNull()
    same_line = (F.col("_known_raw_key") == F.col("raw_key")) & (
        F.col("_known_hash") == F.col("record_hash")
    )
    flagged = joined.withColumn(
        "_verdict",
        F.when(is_new & seen & same_line, F.lit(STATUS_ALREADY_PROCESSED)).when(
            is_new & seen, F.lit(STATUS_DUPLICATE)
        ),
    )
    duplicate = F.col("_verdict") == STATUS_DUPLICATE
    message = F.concat(
        F.lit("event_id: duplicate: "),
        F.col("event_id"),
        F.lit(" is already in the processed zone ("),
        F.coalesce(F.col("_known_raw_key"), F.lit("?")),
        F.lit(")"),
    )
    return (
        flagged.withColumn("status", F.coalesce(F.col("_verdict"), F.col("status")))
        .withColumn("reason", F.when(duplicate, F.lit(REASON_DUPLICATE)).otherwise(F.col("reason")))
        .withColumn("errors", F.when(duplicate, F.array(message)).otherwise(F.col("errors")))
        .drop("_known_raw_key", "_known_hash", "_verdict")
    )


def mark_quarantined(classified: DataFrame, quarantine: DataFrame) -> DataFrame:
    """Invalid or duplicate lines already in the `quarantine` (same raw_key and ingest_id)
    become already_quarantined, so a re-run of the same raw lines does not quarantine them
    twice."""
    known = (
        quarantine.select(F.col("raw_key").alias("_q_key"), F.col("ingest_id").alias("_q_id"))
        .dropDuplicates()
        .withColumn("_q_seen", F.lit(True))
    )
    condition = classified["raw_key"].eqNullSafe(known["_q_key"]) & classified[
        "ingest_id"
    ].eqNullSafe(known["_q_id"])
    rejected = F.col("status").isin(STATUS_INVALID, STATUS_DUPLICATE)
    return (
        classified.join(known, condition, "left")
        .withColumn(
            "status",
            F.when(rejected & F.col("_q_seen"), F.lit(STATUS_ALREADY_QUARANTINED)).otherwise(
                F.col("status")
            ),
        )
        .drop("_q_key", "_q_id", "_q_seen")
    )


def classify_raw(
    raw: DataFrame,
    existing: DataFrame | None = None,
    quarantine: DataFrame | None = None,
) -> DataFrame:
    """Parse, dedupe within the run and against the `existing` processed rows, and recognise
    lines already in the `quarantine`: PARSED_SCHEMA plus `status` (one of STATUSES)."""
    classified = dedupe_batch(parse_raw(raw))
    if existing is not None:
        classified = dedupe_against_existing(classified, existing)
    if quarantine is not None:
        classified = mark_quarantined(classified, quarantine)
    return classified


def to_processed(classified: DataFrame, processed_at: datetime | None = None) -> DataFrame:
    """The `new` rows in the processed zone's columns (files, then partitions), with
    `processed_at` (default: now, UTC)."""
    stamp = processed_at or datetime.now(timezone.utc)
    rows = classified.where(F.col("status") == STATUS_NEW).withColumn(
        "processed_at", F.lit(stamp).cast("timestamp")
    )
    columns = [F.col(f.name).cast(f.dataType) for f in PROCESSED_FILE_SCHEMA.fields]
    return rows.select(*columns, *PROCESSED_PARTITIONS)


def to_quarantine(classified: DataFrame, quarantined_at: datetime | None = None) -> DataFrame:
    """The invalid and duplicate rows in the quarantine's columns, partitioned by arrival date
    (the run's date when the raw line had no usable received_at)."""
    stamp = quarantined_at or datetime.now(timezone.utc)
    rows = classified.where(F.col("status").isin(STATUS_INVALID, STATUS_DUPLICATE)).withColumn(
        "quarantined_at", F.lit(stamp).cast("timestamp")
    )
    day = F.coalesce(F.col("received_at"), F.col("quarantined_at"))
    rows = (
        rows.withColumn("year", F.date_format(day, "yyyy"))
        .withColumn("month", F.date_format(day, "MM"))
        .withColumn("day", F.date_format(day, "dd"))
    )
    columns = [F.col(f.name).cast(f.dataType) for f in QUARANTINE_FILE_SCHEMA.fields]
    return rows.select(*columns, *QUARANTINE_PARTITIONS)


def raw_to_processed(
    raw: DataFrame,
    existing: DataFrame | None = None,
    quarantine: DataFrame | None = None,
    processed_at: datetime | None = None,
) -> tuple[DataFrame, DataFrame]:
    """(processed rows to append, quarantine rows to append) for a set of raw lines."""
    classified = classify_raw(raw, existing, quarantine)
    return to_processed(classified, processed_at), to_quarantine(classified, processed_at)
