"""Step Functions API answers for executions, as AWS gives them."""

import json
import time
import uuid

import boto3
import pytest
from botocore.exceptions import ClientError

ROLE = "arn:aws:iam::123456789012:role/sfn"


@pytest.fixture(scope="module")
def sfn(local_cloud):
    return boto3.client(
        "stepfunctions", endpoint_url=local_cloud.config.endpoint, region_name="us-east-1"
    )


def make_machine(sfn, definition):
    return sfn.create_state_machine(
        name=f"api-{uuid.uuid4().hex[:8]}", roleArn=ROLE, definition=json.dumps(definition)
    )["stateMachineArn"]


def wait_done(sfn, arn, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        described = sfn.describe_execution(executionArn=arn)
        if described["status"] != "RUNNING":
            return described
        time.sleep(0.1)
    raise AssertionError("still running")


def error_code(call):
    with pytest.raises(ClientError) as err:
        call()
    return err.value.response["Error"]["Code"]


def test_errors_for_unknown_resources_and_bad_input(sfn):
    missing = "arn:aws:states:us-east-1:123456789012:stateMachine:nope"
    assert error_code(lambda: sfn.start_execution(stateMachineArn=missing)) == (
        "StateMachineDoesNotExist"
    )
    machine = make_machine(sfn, {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
    assert error_code(lambda: sfn.start_execution(stateMachineArn=machine, input="{bad")) == (
        "InvalidExecutionInput"
    )
    assert error_code(lambda: sfn.start_execution(stateMachineArn=machine, name="a b")) == (
        "InvalidName"
    )
    unknown = machine.replace(":stateMachine:", ":execution:") + ":nope"
    assert error_code(lambda: sfn.describe_execution(executionArn=unknown)) == (
        "ExecutionDoesNotExist"
    )
    assert error_code(lambda: sfn.describe_execution(executionArn="arn:bad")) == "InvalidArn"


def test_describe_list_history_paging_and_duplicate_names(sfn):
    machine = make_machine(
        sfn,
        {
            "StartAt": "A",
            "States": {
                "A": {"Type": "Pass", "Result": {"x": 1}, "ResultPath": "$.a", "Next": "B"},
                "B": {"Type": "Pass", "OutputPath": "$.a", "End": True},
            },
        },
    )
    arn = sfn.start_execution(stateMachineArn=machine, name="one", input='{"in": true}')[
        "executionArn"
    ]
    described = wait_done(sfn, arn)
    assert described["status"] == "SUCCEEDED" and json.loads(described["output"]) == {"x": 1}
    assert json.loads(described["input"]) == {"in": True}
    assert error_code(
        lambda: sfn.start_execution(stateMachineArn=machine, name="one", input='{"other": 1}')
    ) == ("ExecutionAlreadyExists")
    listed = sfn.list_executions(stateMachineArn=machine)["executions"]
    assert [e["name"] for e in listed] == ["one"] and listed[0]["status"] == "SUCCEEDED"
    assert sfn.list_executions(stateMachineArn=machine, statusFilter="FAILED")["executions"] == []
    first = sfn.get_execution_history(executionArn=arn, maxResults=2)
    assert [e["id"] for e in first["events"]] == [1, 2] and "nextToken" in first
    rest = sfn.get_execution_history(executionArn=arn, nextToken=first["nextToken"])
    assert rest["events"][-1]["type"] == "ExecutionSucceeded"
    reverse = sfn.get_execution_history(executionArn=arn, reverseOrder=True)["events"]
    assert reverse[0]["type"] == "ExecutionSucceeded"
    for_execution = sfn.describe_state_machine_for_execution(executionArn=arn)
    assert for_execution["stateMachineArn"] == machine


def test_stop_execution_aborts_a_waiting_execution(sfn):
    machine = make_machine(
        sfn, {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": True}}}
    )
    arn = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    time.sleep(0.3)
    sfn.stop_execution(executionArn=arn, error="Manual", cause="test stop")
    described = sfn.describe_execution(executionArn=arn)
    assert described["status"] == "ABORTED" and "stopDate" in described
    events = sfn.get_execution_history(executionArn=arn)["events"]
    assert events[-1]["type"] == "ExecutionAborted"
    assert events[-1]["executionAbortedEventDetails"] == {"error": "Manual", "cause": "test stop"}


def test_monitoring_frames_show_executions_and_history(sfn):
    from datalake import monitoring

    machine = make_machine(
        sfn,
        {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Boom", "Cause": "on purpose"}}},
    )
    arn = sfn.start_execution(stateMachineArn=machine, name="frame-run")["executionArn"]
    wait_done(sfn, arn)
    executions = monitoring.executions_frame(machine)
    assert executions[["name", "status"]].values.tolist() == [["frame-run", "FAILED"]]
    assert executions["seconds"].iloc[0] >= 0
    history = monitoring.execution_history_frame(arn)
    assert history["type"].tolist() == ["ExecutionStarted", "FailStateEntered", "ExecutionFailed"]
    assert history["state"].iloc[1] == "F"
    assert history[["error", "cause"]].iloc[2].tolist() == ["Boom", "on purpose"]
