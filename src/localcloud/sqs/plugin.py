"""SQS queue-depth metrics: published every simulated minute (as SQS does) and on
`POST /_datalake/sqs/publish-metrics`, so alarms on AWS/SQS metrics fire locally (decision 142).
Queues themselves are moto's."""

from __future__ import annotations

import json

from localcloud.clock import clock_for
from localcloud.periodic import Periodic
from localcloud.registry import Response
from localcloud.sqs.metrics import QueueMetrics
from localcloud.telemetry import telemetry_for

ORDER = 55  # before cloudwatch (60): metrics exist when its evaluator starts


def install(cloud) -> None:
    clock = clock_for(cloud)
    telemetry = telemetry_for(cloud)
    metrics = QueueMetrics(cloud.client, telemetry.put_metric)
    # once per simulated minute, at most four times per real second
    periodic = Periodic("sqs-metrics", metrics.publish,
                        lambda: min(60.0, max(0.25, 60.0 / clock.time_scale)))

    def publish_now(call) -> Response:
        queues = metrics.publish()
        telemetry.flush()  # the datapoints reach CloudWatch before the answer
        return Response(200, {"Content-Type": "application/json"},
                        json.dumps({"queues": queues}).encode())

    cloud.registry.route("POST", r"^/_datalake/sqs/publish-metrics$", publish_now)
    cloud.registry.on_start(periodic.start)
    cloud.registry.on_stop(periodic.stop)
    cloud.registry.health("sqs", lambda: {"status": "ok", "metrics": "AWS/SQS queue depth"})
