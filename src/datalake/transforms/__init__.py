"""Spark transforms of the lake: raw -> processed and processed -> curated (pure DataFrame ->
DataFrame functions), with the jobs' I/O in `jobs.py`. Needs pyspark (provided by Glue or the
dev environment); `records.py` is plain Python."""

from datalake.transforms.processed_to_curated import (
    curated_datasets,
    daily_summary,
    hourly_metrics,
    source_statistics,
)
from datalake.transforms.raw_to_processed import (
    classify_raw,
    dedupe_against_existing,
    dedupe_batch,
    parse_raw,
    raw_to_processed,
    to_processed,
    to_quarantine,
)

__all__ = [
    "classify_raw",
    "curated_datasets",
    "daily_summary",
    "dedupe_against_existing",
    "dedupe_batch",
    "hourly_metrics",
    "parse_raw",
    "raw_to_processed",
    "source_statistics",
    "to_processed",
    "to_quarantine",
]
