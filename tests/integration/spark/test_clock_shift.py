"""The lake's results do not depend on the date of the run (notebooks/README.md, "Dates and
times").

The same synthetic events go through the ingestion Lambda (its arrival time read from the clock,
its objects written to a moto-mocked raw bucket) and both jobs' code on local Spark, once on the
real clock and once with the clock moved (time-machine) to instants far from today: a year
later, the last seconds of 31 December (the run crosses into a new month and year), 29 February.
The curated results must be the same except where the contract dates a row by its arrival:
events sent without a timestamp (their `event_date` is the arrival date) and lines whose
timestamp could not be read (counted in the `source_statistics` month they arrived in).
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path

import boto3
import pytest
import time_machine
from moto import mock_aws

from datalake import aws
from datalake.lake import plan_requests
from datalake.synthetic import generate_events
from datalake.transforms import jobs
from localcloud.apigateway.events import GatewayRequest, build_proxy_event

pytestmark = pytest.mark.spark

ROOT = Path(__file__).resolve().parents[3]
BUCKET = "clock-raw"
EVENTS = 120
# every synthetic event's own timestamp is before this (naive UTC, as Spark returns timestamps);
# every arrival of these runs is after it
HORIZON = max(e.received_at for e in generate_events(EVENTS, seed=7)).replace(tzinfo=None)
SHIFTED = {
    "a year later": datetime(2027, 12, 2, 12, 0, tzinfo=timezone.utc),
    "31 December, last seconds of a month and a year": datetime(
        2027, 12, 31, 23, 59, 58, tzinfo=timezone.utc),
    "29 February": datetime(2028, 2, 29, 12, 0, tzinfo=timezone.utc),
}


def _api_event(body: bytes, request_id: str) -> dict:
    """The proxy event API Gateway sends for one POST /ingest, as the local cloud builds it
    (its requestTimeEpoch is read from the clock too)."""
    request = GatewayRequest(
        method="POST", path="/ingest", headers=[("Content-Type", "application/json")],
        query={}, body=body, api_id="api", stage="prod", account_id="123456789012",
        domain_name="api.execute-api.us-east-1.amazonaws.com", request_id=request_id,
    )
    return build_proxy_event(request, {"path": "/ingest"}, {}, {}, {"apiKey": "key"})


def _ingestion_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "clock_shift_ingestion", ROOT / "lambdas" / "ingestion" / "handler.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _ingest_through_the_lambda(raw_dir: Path) -> list[str]:
    """Send the synthetic events as `Lake.send` does, through the ingestion handler on the
    current clock; write the raw objects it stored under `raw_dir`. Returns the raw keys."""
    handler = _ingestion_module()
    events = generate_events(EVENTS, seed=7)
    names = ("AWS_ENDPOINT_URL", "RAW_BUCKET", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID",
             "AWS_SECRET_ACCESS_KEY")
    saved = {name: os.environ.get(name) for name in names}
    os.environ.pop("AWS_ENDPOINT_URL", None)
    os.environ.update(RAW_BUCKET=BUCKET, AWS_DEFAULT_REGION="us-east-1",
                      AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test")
    aws.clear_clients()
    try:
        with mock_aws():
            s3 = boto3.client("s3", region_name="us-east-1")
            s3.create_bucket(Bucket=BUCKET)
            for number, request in enumerate(plan_requests(events, 50)):
                response = handler.handler(_api_event(request.body, f"req-{number}"), None)
                assert response["statusCode"] in (200, 207, 400), response
            keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]]
            for key in keys:
                target = raw_dir / key
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())
    finally:
        for name, value in saved.items():  # the environment as the session had it
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        aws.clear_clients()
    return keys


def _run_lake(spark, root: Path) -> dict:
    """Both jobs on the raw folder; the curated datasets as sorted rows."""
    raw, processed = str(root / "raw") + "/", str(root / "processed_data") + "/"
    quarantine, curated = str(root / "quarantine") + "/", str(root / "curated") + "/"
    keys = _ingest_through_the_lambda(root / "raw")
    jobs.run_raw_to_processed(spark, jobs.read_raw(spark, raw), processed, quarantine)
    jobs.run_processed_to_curated(spark, processed, quarantine, curated)

    def rows(name: str, columns: list[str]) -> list[dict]:
        frame = spark.read.parquet(curated + name).select(*columns)
        # averages and sums of doubles are rounded: the raw keys carry the arrival time, so
        # Spark lists the files, and adds the values, in another order on another day
        found = ({k: round(v, 9) if isinstance(v, float) else v for k, v in r.asDict().items()}
                 for r in frame.collect())
        return sorted(found, key=lambda r: json.dumps(r, default=str))

    return {
        "keys": keys,
        "daily": rows("daily_summary", ["source", "event_date", "event_type", "event_count",
                                        "avg_quality_score", "min_quality_score",
                                        "low_quality_events", "inferred_timestamp_events",
                                        "first_event_at", "last_event_at", "year", "month"]),
        "hourly": rows("hourly_metrics", ["source", "event_hour", "metric", "event_count",
                                          "sample_count", "value_sum", "value_min", "value_max"]),
        "stats": rows("source_statistics", ["source", "year", "month", "received_events",
                                            "processed_events", "duplicate_events",
                                            "invalid_events", "inferred_timestamp_events"]),
        "quality": sorted(
            (r["source"], r["event_id"], r["quality_score"], tuple(r["quality_issues"]))
            for r in jobs.read_processed(spark, processed)
            .select("source", "event_id", "quality_score", "quality_issues").collect()
        ),
    }


def _dated_by_event(result: dict) -> dict:
    """What must not move with the clock: rows dated by the events' own timestamps, the
    quality of every event, and per-source totals over all months."""
    totals: dict[str, list[int]] = {}
    for row in result["stats"]:
        sums = totals.setdefault(row["source"], [0, 0, 0, 0, 0])
        for i, name in enumerate(("received_events", "processed_events", "duplicate_events",
                                  "invalid_events", "inferred_timestamp_events")):
            sums[i] += row[name]
    return {
        "daily": [r for r in result["daily"] if r["inferred_timestamp_events"] == 0],
        "hourly": [r for r in result["hourly"] if r["event_hour"] < HORIZON],
        "totals": totals,
        "quality": result["quality"],
    }


@pytest.fixture(scope="module")
def on_the_real_clock(spark, tmp_path_factory):
    return _run_lake(spark, tmp_path_factory.mktemp("real-clock"))


@pytest.mark.parametrize("label", list(SHIFTED))
def test_curated_results_do_not_depend_on_the_date(spark, tmp_path, on_the_real_clock, label):
    instant = SHIFTED[label]
    with time_machine.travel(instant, tick=True):
        shifted = _run_lake(spark, tmp_path)
    assert _dated_by_event(shifted) == _dated_by_event(on_the_real_clock)

    # ... and what the contract dates by arrival moved with the clock, nothing else
    moved = [r for r in shifted["daily"] if r["inferred_timestamp_events"]]
    assert moved and all(r["event_date"] >= instant.date() for r in moved)
    assert sum(r["inferred_timestamp_events"] for r in shifted["daily"]) == sum(
        r["inferred_timestamp_events"] for r in on_the_real_clock["daily"])
    prefix = f"year={instant:%Y}/month={instant:%m}/day={instant:%d}/"
    assert any(prefix in key for key in shifted["keys"]), (prefix, shifted["keys"][:3])
