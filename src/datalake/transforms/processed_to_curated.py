"""Processed -> curated: the business-ready datasets (docs/curated-datasets.md), each partitioned
`source=X/year=YYYY/month=MM/` so the job can replace exactly the partitions it recomputes.

- `daily_summary`: one row per source, event date and event type.
- `hourly_metrics`: one row per source, event hour and metric (`quality_score` and every numeric
  `data` field).
- `source_statistics`: one row per source and month, with duplicate and invalid rates taken from
  the quarantine the raw->processed job wrote.
"""

from __future__ import annotations

import logging

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from datalake.transforms.records import REASON_DUPLICATE, numeric_fields

_logger = logging.getLogger(__name__)

LOW_QUALITY_THRESHOLD = 0.8
UNATTRIBUTED_SOURCE = "_unattributed"  # quarantined lines without a valid source

_METRIC = T.ArrayType(
    T.StructType(
        [T.StructField("metric", T.StringType()), T.StructField("value", T.DoubleType())]
    )
)


def _event_date(frame: DataFrame) -> Column:
    return F.to_date(F.concat_ws("-", frame["year"], frame["month"], frame["day"]))


def daily_summary(processed: DataFrame) -> DataFrame:
    """Per (source, event_date, event_type): counts, quality and the time span of the day."""
    grouped = processed.withColumn("event_date", _event_date(processed)).groupBy(
        "source", "year", "month", "event_date", "event_type"
    )
    summary = grouped.agg(
        F.count(F.lit(1)).alias("event_count"),
        F.avg("quality_score").alias("avg_quality_score"),
        F.min("quality_score").alias("min_quality_score"),
        F.sum(F.when(F.col("quality_score") < LOW_QUALITY_THRESHOLD, 1).otherwise(0))
        .cast("long")
        .alias("low_quality_events"),
        F.sum(F.col("timestamp_inferred").cast("long")).alias("inferred_timestamp_events"),
        F.min("event_timestamp").alias("first_event_at"),
        F.max("event_timestamp").alias("last_event_at"),
    )
    return summary.select(
        "event_date",
        "event_type",
        "event_count",
        "avg_quality_score",
        "min_quality_score",
        "low_quality_events",
        "inferred_timestamp_events",
        "first_event_at",
        "last_event_at",
        "source",
        "year",
        "month",
    )


def hourly_metrics(processed: DataFrame) -> DataFrame:
    """Per (source, event_hour, metric): the hour's event count, and count/sum/avg/min/max of the
    metric's values. Metrics: `quality_score` (one value per event) and `data.<path>` for every
    numeric field of `data`."""
    hourly = processed.withColumn("event_hour", F.date_trunc("hour", "event_timestamp"))
    keys = ["source", "year", "month", "event_hour"]
    counts = hourly.groupBy(*keys).agg(F.count(F.lit(1)).alias("event_count"))
    extract = F.udf(numeric_fields, _METRIC)
    values = hourly.select(
        *keys,
        F.explode(
            F.concat(
                F.array(
                    F.struct(
                        F.lit("quality_score").alias("metric"),
                        F.col("quality_score").cast("double").alias("value"),
                    )
                ),
                extract("data"),
            )
        ).alias("m"),
    ).select(*keys, "m.metric", "m.value")
    aggregated = values.groupBy(*keys, "metric").agg(
        F.count("value").alias("sample_count"),
        F.sum("value").alias("value_sum"),
        F.avg("value").alias("value_avg"),
        F.min("value").alias("value_min"),
        F.max("value").alias("value_max"),
    )
    return aggregated.join(counts, keys).select(
        "event_hour",
        "metric",
        "event_count",
        "sample_count",
        "value_sum",
        "value_avg",
        "value_min",
        "value_max",
        "source",
        "year",
        "month",
    )


def source_statistics(processed: DataFrame, quarantine: DataFrame | None = None) -> DataFrame:
    """Per (source, month): processed, duplicate and invalid counts and rates, distinct event
    types, quality, first/last seen. Quarantined lines count in the month of their event time
    (else arrival time) under their source (else UNATTRIBUTED_SOURCE)."""
    kept = processed.select(
        "source",
        "year",
        "month",
        F.lit("processed").alias("kind"),
        "event_type",
        "quality_score",
        "timestamp_inferred",
        "event_timestamp",
        "received_at",
        _event_date(processed).alias("event_date"),
    )
    rows = kept if quarantine is None else kept.unionByName(_quarantine_rows(quarantine))
    is_kind = {kind: F.col("kind") == kind for kind in ("processed", "duplicate", "invalid")}
    stats = rows.groupBy("source", "year", "month").agg(
        F.sum(is_kind["processed"].cast("long")).alias("processed_events"),
        F.sum(is_kind["duplicate"].cast("long")).alias("duplicate_events"),
        F.sum(is_kind["invalid"].cast("long")).alias("invalid_events"),
        F.countDistinct("event_type").alias("distinct_event_types"),
        F.array_sort(F.collect_set("event_type")).alias("event_types"),
        F.avg("quality_score").alias("avg_quality_score"),
        F.min("quality_score").alias("min_quality_score"),
        F.sum(F.col("timestamp_inferred").cast("long")).alias("inferred_timestamp_events"),
        F.countDistinct("event_date").alias("active_days"),
        F.min(F.when(is_kind["processed"], F.col("event_timestamp"))).alias("first_seen"),
        F.max(F.when(is_kind["processed"], F.col("event_timestamp"))).alias("last_seen"),
        F.min("received_at").alias("first_received_at"),
        F.max("received_at").alias("last_received_at"),
    )
    received = F.col("processed_events") + F.col("duplicate_events") + F.col("invalid_events")
    valid = F.col("processed_events") + F.col("duplicate_events")
    return stats.select(
        F.to_date(F.concat_ws("-", "year", "month", F.lit("01"))).alias("period_start"),
        received.alias("received_events"),
        "processed_events",
        "duplicate_events",
        "invalid_events",
        F.when(valid > 0, F.col("duplicate_events") / valid).alias("duplicate_rate"),
        F.when(received > 0, F.col("invalid_events") / received).alias("invalid_rate"),
        F.coalesce(F.col("distinct_event_types"), F.lit(0)).alias("distinct_event_types"),
        "event_types",
        "avg_quality_score",
        "min_quality_score",
        F.coalesce(F.col("inferred_timestamp_events"), F.lit(0)).cast("long")
        .alias("inferred_timestamp_events"),
        "active_days",
        "first_seen",
        "last_seen",
        "first_received_at",
        "last_received_at",
        "source",
        "year",
        "month",
    )


def _quarantine_rows(quarantine: DataFrame) -> DataFrame:
    moment = F.coalesce(F.col("event_timestamp"), F.col("received_at"), F.col("quarantined_at"))
    return quarantine.select(
        F.coalesce(F.col("source"), F.lit(UNATTRIBUTED_SOURCE)).alias("source"),
        F.date_format(moment, "yyyy").alias("year"),
        F.date_format(moment, "MM").alias("month"),
        F.when(F.col("reason") == REASON_DUPLICATE, F.lit("duplicate"))
        .otherwise(F.lit("invalid"))
        .alias("kind"),
        F.lit(None).cast("string").alias("event_type"),
        F.lit(None).cast("double").alias("quality_score"),
        F.lit(None).cast("boolean").alias("timestamp_inferred"),
        F.col("event_timestamp"),
        F.col("received_at"),
        F.lit(None).cast("date").alias("event_date"),
    )


def curated_datasets(
    processed: DataFrame, quarantine: DataFrame | None = None
) -> dict[str, DataFrame]:
    """{dataset name: DataFrame} of every curated dataset."""
    return {
        "daily_summary": daily_summary(processed),
        "hourly_metrics": hourly_metrics(processed),
        "source_statistics": source_statistics(processed, quarantine),
    }
