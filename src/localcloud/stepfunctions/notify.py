"""What Step Functions tells the rest of the account when an execution ends: the AWS/States
metrics (ExecutionsSucceeded/Failed/Aborted/TimedOut, ExecutionTime) and the "Step Functions
Execution Status Change" event on the default bus."""

from __future__ import annotations

import json
import logging

from localcloud.stepfunctions.executions import Execution

_logger = logging.getLogger(__name__)
_METRIC = {
    "SUCCEEDED": "ExecutionsSucceeded",
    "FAILED": "ExecutionsFailed",
    "ABORTED": "ExecutionsAborted",
    "TIMED_OUT": "ExecutionsTimedOut",
}


def execution_metrics(execution: Execution) -> list[dict]:
    """The AWS/States metric data of an execution that started (RUNNING) or ended (pure)."""
    dims = [{"Name": "StateMachineArn", "Value": execution.machine_arn}]
    if execution.status == "RUNNING":
        return [
            {"MetricName": "ExecutionsStarted", "Value": 1.0, "Unit": "Count", "Dimensions": dims}
        ]
    data = []
    if execution.status in _METRIC:
        data.append(
            {
                "MetricName": _METRIC[execution.status],
                "Value": 1.0,
                "Unit": "Count",
                "Dimensions": dims,
            }
        )
    if execution.stop_date is not None:
        data.append(
            {
                "MetricName": "ExecutionTime",
                "Unit": "Milliseconds",
                "Dimensions": dims,
                "Value": max(0.0, (execution.stop_date - execution.start_date) * 1000),
            }
        )
    return data


def status_change_detail(execution: Execution) -> dict:
    return {
        "executionArn": execution.arn,
        "stateMachineArn": execution.machine_arn,
        "name": execution.name,
        "status": execution.status,
        "startDate": int(execution.start_date * 1000),
        "stopDate": int(execution.stop_date * 1000) if execution.stop_date else None,
        "input": execution.input,
        "output": execution.output,
        "error": execution.error,
        "cause": execution.cause,
    }


def make_listener(cloud):
    """A listener for ExecutionStore.start_listeners and .listeners: reports each start and
    end to CloudWatch and EventBridge."""

    def listener(execution: Execution) -> None:
        try:
            cloud.client("cloudwatch").put_metric_data(
                Namespace="AWS/States", MetricData=execution_metrics(execution)
            )
        except Exception as error:  # metrics are best effort, as on AWS
            _logger.warning("could not put AWS/States metrics: %s", error)
        try:
            cloud.client("events").put_events(
                Entries=[
                    {
                        "Source": "aws.states",
                        "DetailType": "Step Functions Execution Status Change",
                        "Resources": [execution.arn],
                        "Detail": json.dumps(status_change_detail(execution)),
                    }
                ]
            )
        except Exception as error:
            _logger.warning("could not emit the execution status event: %s", error)

    return listener
