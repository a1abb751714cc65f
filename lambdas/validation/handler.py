"""Validation Lambda: S3 ObjectCreated event on the raw bucket -> check every event of each new
object (envelope, source JSON Schema, quality) -> structured logs -> one SNS alert per object with
invalid events -> ValidEvents/InvalidEvents metrics per source.

Environment: ALERTS_TOPIC_ARN, STACK_NAME, METRICS_NAMESPACE. Logic: `datalake.events.raw_check`.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from urllib.parse import unquote_plus

from datalake import aws
from datalake.events.logs import json_logger
from datalake.events.metrics import build_metric_data, metrics_namespace
from datalake.events.raw_check import ObjectReport, alert_message, check_raw_object

_logger = json_logger("datalake.lambdas.validation")
MAX_LOGGED_INVALID = 50


def _log(message: str, **fields) -> None:
    _logger.info(message, extra={"fields": fields})


def _created_objects(event: dict) -> list[tuple[str, str]]:
    """(bucket, key) of each ObjectCreated record; S3 URL-encodes keys in notifications
    (`=` as %3D, space as +), so they are decoded here."""
    found = []
    for record in event.get("Records") or []:
        if not str(record.get("eventName", "")).startswith("ObjectCreated"):
            continue
        s3 = record.get("s3") or {}
        found.append((s3["bucket"]["name"], unquote_plus(s3["object"]["key"])))
    return found


def _alert(report: ObjectReport, stack: str) -> None:
    topic = os.environ.get("ALERTS_TOPIC_ARN")
    if not topic:
        _logger.warning(
            "ALERTS_TOPIC_ARN is not set; alert not sent", extra={"fields": {"key": report.key}}
        )
        return
    subject, message = alert_message(report, stack)
    # A failure propagates: S3 invokes asynchronously and retries, so the alert is not lost
    # (metrics are published after the alert, so a retry does not count twice).
    aws.client("sns").publish(TopicArn=topic, Subject=subject, Message=message)


def _publish_metrics(report: ObjectReport, stack: str) -> None:
    now = datetime.now(timezone.utc)
    data = build_metric_data("ValidEvents", {report.source: report.valid}, stack, now)
    data += build_metric_data("InvalidEvents", {report.source: report.invalid}, stack, now)
    try:
        aws.client("cloudwatch").put_metric_data(Namespace=metrics_namespace(), MetricData=data)
    except Exception as exc:  # metrics are best effort; the results are logged already
        _logger.warning(
            "metrics not published", extra={"fields": {"error": f"{type(exc).__name__}: {exc}"}}
        )


def _validate_object(bucket: str, key: str, stack: str) -> dict:
    content = aws.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
    report = check_raw_object(bucket, key, content)
    for line in [r for r in report.lines if not r.valid][:MAX_LOGGED_INVALID]:
        _log(
            "invalid event",
            key=key,
            line=line.line,
            event_id=line.event_id,
            errors=[e.to_dict() for e in line.errors],
        )
    _log("object validated", **report.summary())
    if report.invalid:
        _alert(report, stack)
    _publish_metrics(report, stack)
    return report.summary()


def handler(event: dict, context: object) -> dict:
    """Validate every object the event announces; returns the per-object summaries."""
    stack = os.environ.get("STACK_NAME", "datalake")
    summaries = [_validate_object(b, k, stack) for b, k in _created_objects(event)]
    return {"objects": summaries}
