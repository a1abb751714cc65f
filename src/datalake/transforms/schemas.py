"""Explicit Spark schemas of every zone (docs/contracts.md): no job infers a schema."""

from __future__ import annotations

from pyspark.sql import types as T

S, TS, D, L, B = T.StringType(), T.TimestampType(), T.DoubleType(), T.LongType(), T.BooleanType()
STRINGS = T.ArrayType(T.StringType())


def _schema(*fields: tuple[str, T.DataType]) -> T.StructType:
    return T.StructType([T.StructField(name, kind, True) for name, kind in fields])


# Raw zone: one JSON line per event; every field is a string.
RAW_SCHEMA = _schema(("ingest_id", S), ("request_id", S), ("received_at", S), ("body", S))

# Processed zone partition columns (strings, as Athena has them) and file columns, in order.
PROCESSED_PARTITIONS = ("source", "year", "month", "day")
PROCESSED_FILE_SCHEMA = _schema(
    ("event_id", S),
    ("event_type", S),
    ("event_timestamp", TS),
    ("timestamp_inferred", B),
    ("data", S),
    ("record_hash", S),
    ("quality_score", D),
    ("quality_issues", STRINGS),
    ("received_at", TS),
    ("processed_at", TS),
    ("raw_key", S),
)
PROCESSED_SCHEMA = T.StructType(
    PROCESSED_FILE_SCHEMA.fields + [T.StructField(p, S, True) for p in PROCESSED_PARTITIONS]
)

# What `records.parse_raw_record` returns for each raw line (valid or not).
PARSED_SCHEMA = _schema(
    ("ingest_id", S),
    ("request_id", S),
    ("received_at", TS),
    ("raw_key", S),
    ("body", S),
    ("source", S),
    ("event_id", S),
    ("event_type", S),
    ("event_timestamp", TS),
    ("timestamp_inferred", B),
    ("data", S),
    ("record_hash", S),
    ("quality_score", D),
    ("quality_issues", STRINGS),
    ("year", S),
    ("month", S),
    ("day", S),
    ("reason", S),
    ("errors", STRINGS),
)

# Quarantine (`s3://{processed}/quarantine/`, JSON Lines), partitioned by arrival date.
QUARANTINE_PARTITIONS = ("year", "month", "day")
QUARANTINE_FILE_SCHEMA = _schema(
    ("reason", S),
    ("errors", STRINGS),
    ("source", S),
    ("event_id", S),
    ("event_timestamp", TS),
    ("ingest_id", S),
    ("request_id", S),
    ("received_at", TS),
    ("raw_key", S),
    ("body", S),
    ("quarantined_at", TS),
)
QUARANTINE_SCHEMA = T.StructType(
    QUARANTINE_FILE_SCHEMA.fields + [T.StructField(p, S, True) for p in QUARANTINE_PARTITIONS]
)

# Curated datasets: partition columns of every dataset.
CURATED_PARTITIONS = ("source", "year", "month")
