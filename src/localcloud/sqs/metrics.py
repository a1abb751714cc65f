"""The AWS/SQS queue-depth metrics SQS publishes once a minute for every queue, read from
GetQueueAttributes (moto publishes none), so alarms on a queue's depth evaluate locally."""

from __future__ import annotations

import logging
from collections.abc import Callable

_logger = logging.getLogger(__name__)

NAMESPACE = "AWS/SQS"
# metric name -> the queue attribute holding its value
DEPTH_METRICS = {
    "ApproximateNumberOfMessagesVisible": "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible": "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed": "ApproximateNumberOfMessagesDelayed",
}


def depth_datapoints(attributes: dict[str, str]) -> dict[str, float]:
    """Metric name -> value from one queue's GetQueueAttributes answer (pure)."""
    return {metric: float(attributes.get(attr, 0) or 0) for metric, attr in DEPTH_METRICS.items()}


class QueueMetrics:
    """Publishes the depth metrics of every queue through `put_metric(namespace, name, value,
    unit, dimensions)`; `publish()` is one round (the plugin runs it periodically)."""

    def __init__(self, client: Callable[[str], object], put_metric: Callable[..., None]) -> None:
        self.client = client
        self.put_metric = put_metric

    def publish(self) -> int:
        """Publish one datapoint per metric and queue; returns the number of queues."""
        sqs = self.client("sqs")
        urls = sqs.list_queues().get("QueueUrls", [])
        for url in urls:
            try:
                attributes = sqs.get_queue_attributes(
                    QueueUrl=url, AttributeNames=list(DEPTH_METRICS.values())
                )["Attributes"]
            except Exception:  # deleted between the list and the read
                _logger.debug("queue %s vanished", url, exc_info=True)
                continue
            name = url.rstrip("/").split("/")[-1]
            for metric, value in depth_datapoints(attributes).items():
                self.put_metric(NAMESPACE, metric, value, "Count", {"QueueName": name})
        return len(urls)
