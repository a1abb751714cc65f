"""Ingestion Lambda: API Gateway REST proxy event -> raw zone objects -> per-event response.

Environment: RAW_BUCKET (required), STACK_NAME, METRICS_NAMESPACE. The logic lives in
`datalake.events.ingest`; this file only does the I/O (S3 PutObject, CloudWatch metrics, logs).
"""

from __future__ import annotations

import os
from datetime import datetime, timezone

from datalake import aws
from datalake.events import EventError
from datalake.events.ingest import (
    error_response,
    failure_response,
    http_response,
    plan_ingest,
    read_request,
    request_id_of,
    results_response,
)
from datalake.events.logs import json_logger
from datalake.events.metrics import build_metric_data, metrics_namespace
from datalake.events.parsing import parse_request

_logger = json_logger("datalake.lambdas.ingestion")


def _now() -> datetime:
    """The arrival time (a seam for tests)."""
    return datetime.now(timezone.utc)


def _log(message: str, **fields) -> None:
    _logger.info(message, extra={"fields": fields})


def _write_objects(bucket: str, objects: dict[str, bytes]) -> None:
    s3 = aws.client("s3")
    for key, content in objects.items():
        s3.put_object(Bucket=bucket, Key=key, Body=content, ContentType="application/x-ndjson")


def _publish_metrics(counts: dict[str, int], received_at: datetime) -> None:
    """EventsIngested per source and per stack; a failure here never fails the request."""
    stack = os.environ.get("STACK_NAME", "datalake")
    try:
        aws.client("cloudwatch").put_metric_data(
            Namespace=metrics_namespace(),
            MetricData=build_metric_data("EventsIngested", counts, stack, received_at),
        )
    except Exception as exc:  # metrics are best effort: the events are already stored
        _logger.warning(
            "metrics not published", extra={"fields": {"error": f"{type(exc).__name__}: {exc}"}}
        )


def _ingest(event: dict, request_id: str, received_at: datetime) -> dict:
    try:
        body, content_type = read_request(event)
        parsed = parse_request(body, content_type)
    except EventError as error:
        _log(
            "request rejected",
            request_id=request_id,
            status=error.status,
            field=error.field,
            rule=error.rule,
        )
        return error_response(error, request_id)

    plan = plan_ingest(parsed, request_id, received_at)
    if plan.accepted:
        bucket = os.environ.get("RAW_BUCKET")
        try:
            if not bucket:
                raise RuntimeError("RAW_BUCKET is not set")
            _write_objects(bucket, plan.objects)
        except Exception:  # any failure to store: answer 500, acknowledge nothing
            _logger.exception(
                "raw write failed; nothing acknowledged",
                extra={
                    "fields": {
                        "request_id": request_id,
                        "bucket": bucket,
                        "keys": sorted(plan.objects),
                    }
                },
            )
            return failure_response(request_id)
        _publish_metrics(plan.counts_by_source(), received_at)
    _log(
        "request ingested",
        request_id=request_id,
        accepted=plan.accepted,
        rejected=plan.rejected,
        keys=sorted(plan.objects),
        body_bytes=len(body),
        rules=sorted({f"{e.field}:{e.rule}" for o in plan.outcomes for e in o.errors}),
    )
    return results_response(plan)


def handler(event: dict, context: object) -> dict:
    """POST /ingest -> store and acknowledge; GET /health -> 200; OPTIONS -> CORS preflight."""
    received_at = _now()
    request_id = request_id_of(event, context)
    method = (event.get("httpMethod") or "POST").upper()
    if method == "OPTIONS":
        return http_response(200, {}, request_id)
    if method == "GET":
        return http_response(200, {"status": "ok"}, request_id)
    if method != "POST":
        error = EventError(405, "method", "method", f"{method} is not allowed; use POST")
        return error_response(error, request_id)
    try:
        return _ingest(event, request_id, received_at)
    except Exception:  # a bug must still answer with the contract's 500, not a bare 502
        _logger.exception("unexpected error", extra={"fields": {"request_id": request_id}})
        return failure_response(request_id)
