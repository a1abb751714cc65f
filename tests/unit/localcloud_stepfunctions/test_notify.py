from localcloud.stepfunctions.executions import Execution
from localcloud.stepfunctions.notify import execution_metrics, status_change_detail

MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:dl-etl-pipeline"


def execution(status, stop=None, error=None):
    return Execution(
        MACHINE.replace("stateMachine", "execution") + ":e1",
        MACHINE,
        "e1",
        "{}",
        {},
        "role",
        100.0,
        status=status,
        stop_date=stop,
        error=error,
    )


def test_metrics_at_start_and_end():
    dims = [{"Name": "StateMachineArn", "Value": MACHINE}]
    assert execution_metrics(execution("RUNNING")) == [
        {"MetricName": "ExecutionsStarted", "Value": 1.0, "Unit": "Count", "Dimensions": dims}
    ]
    ended = execution_metrics(execution("FAILED", stop=102.5, error="E"))
    assert [(m["MetricName"], m["Value"]) for m in ended] == [
        ("ExecutionsFailed", 1.0),
        ("ExecutionTime", 2500.0),
    ]
    assert execution_metrics(execution("SUCCEEDED", stop=100.0))[0]["MetricName"] == (
        "ExecutionsSucceeded"
    )


def test_status_change_detail():
    detail = status_change_detail(execution("FAILED", stop=101.0, error="E"))
    assert detail["status"] == "FAILED" and detail["error"] == "E"
    assert (detail["startDate"], detail["stopDate"]) == (100000, 101000)
    assert status_change_detail(execution("RUNNING"))["stopDate"] is None
