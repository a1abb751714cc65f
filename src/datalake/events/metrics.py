"""CloudWatch metric data for the lake's custom metrics (namespace and dimensions per
docs/contracts.md): each count is sent per (StackName, Source) and as a per-StackName total, the
series the data-freshness alarm and the dashboard read."""

from __future__ import annotations

import os
from datetime import datetime

DEFAULT_NAMESPACE = "DataLake"


def metrics_namespace() -> str:
    """METRICS_NAMESPACE from the environment, else "DataLake"."""
    return os.environ.get("METRICS_NAMESPACE") or DEFAULT_NAMESPACE


def build_metric_data(
    metric: str, counts: dict[str, int], stack: str, timestamp: datetime
) -> list[dict]:
    """`MetricData` entries for put_metric_data: one per source and one total for the stack."""
    data = [
        {
            "MetricName": metric,
            "Dimensions": [
                {"Name": "StackName", "Value": stack},
                {"Name": "Source", "Value": source},
            ],
            "Timestamp": timestamp,
            "Value": float(count),
            "Unit": "Count",
        }
        for source, count in sorted(counts.items())
    ]
    data.append(
        {
            "MetricName": metric,
            "Dimensions": [{"Name": "StackName", "Value": stack}],
            "Timestamp": timestamp,
            "Value": float(sum(counts.values())),
            "Unit": "Count",
        }
    )
    return data
