"""What Glue tells the rest of AWS: log events, CloudWatch metrics, EventBridge events."""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import datetime
from typing import Any

from localcloud.glue.listeners import notify_job_state

_logger = logging.getLogger(__name__)

OUTPUT_LOG_GROUP = "/aws-glue/jobs/output"
ERROR_LOG_GROUP = "/aws-glue/jobs/error"
CRAWLER_LOG_GROUP = "/aws-glue/crawlers"
METRICS_NAMESPACE = "Glue"
_MAX_BATCH_EVENTS = 5000
_MAX_BATCH_BYTES = 900_000


class LogStream:
    """Lines to one CloudWatch Logs stream, buffered; `flush()` sends them (thread-safe)."""

    def __init__(self, logs_client, group: str, stream: str) -> None:
        self._logs = logs_client
        self.group, self.stream = group, stream
        self._pending: list[dict] = []
        self._lock = threading.Lock()
        self._created = False

    def write(self, line: str) -> None:
        if not line.strip():
            return  # CloudWatch Logs refuses empty messages
        with self._lock:
            self._pending.append({"timestamp": int(time.time() * 1000), "message": line})

    def flush(self) -> None:
        with self._lock:
            events, self._pending = self._pending, []
        if not events:
            return
        try:
            self._ensure_stream()
            for batch in _batches(events):
                self._logs.put_log_events(
                    logGroupName=self.group, logStreamName=self.stream, logEvents=batch
                )
        except Exception:
            _logger.exception("could not write %d log events to %s", len(events), self.group)

    def _ensure_stream(self) -> None:
        if self._created:
            return
        ensure_log_group(self._logs, self.group)
        try:
            self._logs.create_log_stream(logGroupName=self.group, logStreamName=self.stream)
        except self._logs.exceptions.ResourceAlreadyExistsException:
            pass
        self._created = True


def ensure_log_group(logs_client, group: str) -> None:
    try:
        logs_client.create_log_group(logGroupName=group)
    except logs_client.exceptions.ResourceAlreadyExistsException:
        pass


def put_job_metrics(
    cloudwatch, job_name: str, state: str, execution_seconds: int,
    task_counts: dict[str, int] | None = None,
) -> None:
    """Namespace `Glue`. Always (local convenience, dimension JobName): JobRunsSucceeded,
    JobRunsFailed (FAILED and TIMEOUT count as failures, STOPPED as neither) and
    JobRunExecutionTime. With `task_counts` (the job ran with --enable-metrics), Glue's own
    job metrics `glue.driver.aggregate.numCompletedTasks|numFailedTasks|numCompletedStages|
    elapsedTime` with dimensions JobName, JobRunId=ALL, Type=count, from Spark's event log."""
    dims = [{"Name": "JobName", "Value": job_name}]
    failed = 1.0 if state in ("FAILED", "TIMEOUT") else 0.0
    data = [
        {"MetricName": "JobRunsSucceeded", "Dimensions": dims,
         "Value": 1.0 if state == "SUCCEEDED" else 0.0, "Unit": "Count"},
        {"MetricName": "JobRunsFailed", "Dimensions": dims, "Value": failed, "Unit": "Count"},
        {"MetricName": "JobRunExecutionTime", "Dimensions": dims,
         "Value": float(execution_seconds), "Unit": "Seconds"},
    ]
    if task_counts is not None:
        glue_dims = dims + [
            {"Name": "JobRunId", "Value": "ALL"}, {"Name": "Type", "Value": "count"}
        ]
        values = {**task_counts, "elapsedTime": execution_seconds * 1000}
        data += [
            {"MetricName": f"glue.driver.aggregate.{name}", "Dimensions": glue_dims,
             "Value": float(value),
             "Unit": "Milliseconds" if name == "elapsedTime" else "Count"}
            for name, value in sorted(values.items())
        ]
    try:
        cloudwatch.put_metric_data(Namespace=METRICS_NAMESPACE, MetricData=data)
    except Exception:
        _logger.exception("could not put Glue metrics for %s", job_name)


# The final states Glue sends a "Glue Job State Change" event for (AWS's event reference);
# ERROR, a GetJobRun status for a trigger that ran a deleted job, has no event.
EVENT_FINAL_STATES = ("SUCCEEDED", "FAILED", "TIMEOUT", "STOPPED")


def job_state_event(
    job_name: str, run_id: str, state: str, message: str, region: str, account: str,
    when: datetime,
) -> dict:
    """The EventBridge event AWS Glue sends for a job state change."""
    severity = "ERROR" if state in ("FAILED", "TIMEOUT") else (
        "WARN" if state == "STOPPED" else "INFO"
    )
    return {
        "version": "0",
        "source": "aws.glue",
        "detail-type": "Glue Job State Change",
        "account": account,
        "region": region,
        "time": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "resources": [],
        "detail": {
            "jobName": job_name, "severity": severity, "state": state,
            "jobRunId": run_id, "message": message,
        },
    }


def publish_job_state(cloud, events_client, event: dict, put: bool) -> None:
    """Tell in-process listeners; and when `put` (final states, as AWS), PutEvents too."""
    notify_job_state(cloud, event)
    if put:
        put_glue_event(events_client, event["detail-type"], event["detail"])


def put_glue_event(events_client, detail_type: str, detail: dict) -> None:
    """PutEvents of one `aws.glue` event; a failure is logged, never raised."""
    try:
        events_client.put_events(Entries=[{
            "Source": "aws.glue", "DetailType": detail_type,
            "Detail": json.dumps(detail), "Resources": [],
        }])
    except Exception as error:  # moto answers 500 for some targets (see docs/glue-local.md)
        _logger.warning("PutEvents of %s failed: %s", detail_type, error)


def crawler_state_detail(
    name: str, state: str, account: str, message: str, started: datetime,
    result: Any = None, runtime_seconds: float = 0.0,
) -> dict:
    """The detail of a "Glue Crawler State Change" event (Started / Succeeded / Failed)."""
    detail = {"accountId": account, "crawlerName": name, "state": state, "message": message,
              "startTime": started.strftime("%Y-%m-%dT%H:%M:%SZ")}
    if state != "Started":
        detail.update({
            "completionDate": datetime.now(started.tzinfo).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "runningTime (sec)": str(int(runtime_seconds)),
            "tablesCreated": str(getattr(result, "tables_created", 0)),
            "tablesUpdated": str(getattr(result, "tables_updated", 0)),
            "tablesDeleted": str(getattr(result, "tables_deleted", 0)),
            "partitionsCreated": str(getattr(result, "partitions_added", 0)),
            "partitionsUpdated": "0", "partitionsDeleted": "0",
        })
    return detail


def _batches(events: list[dict]):
    batch: list[dict] = []
    size = 0
    for event in events:
        event_size = len(event["message"].encode()) + 26
        if batch and (len(batch) >= _MAX_BATCH_EVENTS or size + event_size > _MAX_BATCH_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(event)
        size += event_size
    if batch:
        yield batch
