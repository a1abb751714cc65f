"""Both Glue job scripts against the local cloud's S3 through s3a, with Glue's s3:// paths."""

from __future__ import annotations

import uuid

import pytest

from datalake import aws
from datalake.synthetic import generate_events, raw_objects

pytestmark = [pytest.mark.spark, pytest.mark.slow]


def _keys(s3, bucket: str, prefix: str = "") -> list[str]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return [o["Key"] for page in pages for o in page.get("Contents", [])]


def test_jobs_read_and_write_s3_on_the_local_endpoint(spark, glue_scripts, endpoint):
    s3 = aws.client("s3", "local")
    suffix = uuid.uuid4().hex[:8]
    raw, processed, curated = (f"it-{zone}-{suffix}" for zone in ("raw", "processed", "curated"))
    for bucket in (raw, processed, curated):
        s3.create_bucket(Bucket=bucket)
    events = generate_events(300, seed=41)
    for key, text in raw_objects(events).items():
        s3.put_object(Bucket=raw, Key=key, Body=text.encode())
    valid = sum(1 for e in events if e.kind == "valid")

    counts = glue_scripts["raw_to_processed"].main([
        "raw_to_processed.py", "--JOB_NAME", "it-raw", "--raw_path", f"s3://{raw}/",
        "--processed_path", f"s3://{processed}/processed_data/",
        "--quarantine_path", f"s3://{processed}/quarantine/",
    ])
    assert counts["new"] == valid and counts["read"] == len(events)
    keys = _keys(s3, processed, "processed_data/")
    parquet = [k for k in keys if k.endswith(".parquet")]
    assert parquet and all(k.startswith("processed_data/source=") for k in parquet)
    assert not [k for k in keys if "_temporary" in k]
    assert _keys(s3, processed, "quarantine/year=")

    rows = glue_scripts["processed_to_curated"].main([
        "processed_to_curated.py", "--JOB_NAME", "it-curated",
        "--processed_path", f"s3://{processed}/processed_data/", "--curated_path",
        f"s3://{curated}/",
    ])
    assert rows["source_statistics"] >= 3
    stats = spark.read.parquet(f"s3://{curated}/source_statistics/").collect()
    assert sum(r["received_events"] for r in stats) == len(events)
    assert sum(r["processed_events"] for r in stats) == valid
    curated_keys = _keys(s3, curated)
    assert any(k.startswith("daily_summary/source=iot/year=2026/month=11/") for k in curated_keys)
    assert any(k.startswith("hourly_metrics/source=web/") for k in curated_keys)
