"""CloudWatch metrics Athena publishes per query for workgroups with
PublishCloudWatchMetricsEnabled (namespace AWS/Athena; the lake's dashboard reads them)."""

from __future__ import annotations

import logging

from localcloud.athena.executions import CANCELLED, QueryExecution

_logger = logging.getLogger(__name__)

NAMESPACE = "AWS/Athena"


def metric_data(execution: QueryExecution, state: str | None = None) -> list[dict]:
    """MetricData for one finished execution, with Athena's dimensions QueryState, QueryType and
    WorkGroup (pure). Only this full set is put, as Athena does. A `WorkGroup`-only query finds
    nothing on AWS (CloudWatch matches the exact dimension set) although moto's statistics match
    any data point whose dimensions include the requested ones; dashboards therefore SEARCH the
    full set (the lake's Athena widget does)."""
    stats = execution.describe()["Statistics"]
    state = state or execution.state
    state = "CANCELED" if state == CANCELLED else state  # Athena's spelling in metrics
    dimensions = [
        {"Name": "QueryState", "Value": state},
        {"Name": "QueryType", "Value": execution.statement_type},
        {"Name": "WorkGroup", "Value": execution.workgroup},
    ]
    values = [
        ("ProcessedBytes", stats["DataScannedInBytes"], "Bytes"),
        ("TotalExecutionTime", stats["TotalExecutionTimeInMillis"], "Milliseconds"),
        ("EngineExecutionTime", stats["EngineExecutionTimeInMillis"], "Milliseconds"),
        ("QueryQueueTime", stats["QueryQueueTimeInMillis"], "Milliseconds"),
        ("QueryPlanningTime", stats["QueryPlanningTimeInMillis"], "Milliseconds"),
        ("ServiceProcessingTime", stats["ServiceProcessingTimeInMillis"], "Milliseconds"),
    ]
    timestamp = execution.completed or execution.submitted
    return [
        {"MetricName": name, "Dimensions": dimensions, "Value": float(value), "Unit": unit,
         "Timestamp": timestamp}
        for name, value, unit in values
    ]


def publish_metrics(cloudwatch, execution: QueryExecution, state: str | None = None) -> None:
    """Put the execution's metrics (as finishing in `state`); a failure is logged, never the
    query's."""
    try:
        data = metric_data(execution, state)
        cloudwatch.put_metric_data(Namespace=NAMESPACE, MetricData=data)
    except Exception:
        _logger.exception("publishing Athena metrics of %s failed", execution.id)
