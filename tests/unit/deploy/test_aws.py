"""CloudFormation deploy and destroy, driven through botocore's Stubber (and moto for S3)."""

from __future__ import annotations

from datetime import datetime, timezone

import boto3
import pytest
from botocore.exceptions import ClientError, NoCredentialsError
from botocore.stub import Stubber

from datalake.deploy import aws as deploy_aws
from datalake.deploy.aws import (
    DeployError,
    DeployTimeout,
    MissingCredentials,
    Waiting,
    check_credentials,
    deploy_stack,
)

STACK = "lake"
STACK_ID = "arn:aws:cloudformation:eu-west-1:123456789012:stack/lake/1"
NOW = datetime(2026, 11, 25, tzinfo=timezone.utc)


class FakeTime:
    """clock + sleep: every sleep advances the clock."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps = 0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps += 1
        self.now += seconds


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def waiting(fake_time) -> Waiting:
    return Waiting(poll_seconds=5, timeout_seconds=60, clock=fake_time.clock, sleep=fake_time.sleep)


@pytest.fixture
def cfn():
    client = boto3.client(
        "cloudformation", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def _missing(stubber) -> None:
    stubber.add_client_error(
        "describe_stacks",
        service_error_code="ValidationError",
        service_message=f"Stack with id {STACK} does not exist",
        expected_params={"StackName": STACK},
    )


def _status(stubber, status: str, outputs: dict | None = None) -> None:
    stack = {"StackName": STACK, "StackId": STACK_ID, "StackStatus": status, "CreationTime": NOW}
    if outputs is not None:
        stack["Outputs"] = [{"OutputKey": k, "OutputValue": v} for k, v in outputs.items()]
    stubber.add_response("describe_stacks", {"Stacks": [stack]}, {"StackName": STACK})


def _change_set(stubber, kind: str, statuses: list[tuple[str, str]]) -> None:
    stubber.add_response(
        "create_change_set",
        {"Id": "cs-1", "StackId": STACK_ID},
        {
            "StackName": STACK,
            "ChangeSetName": "cs",
            "ChangeSetType": kind,
            "Capabilities": ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
            "Parameters": [
                {"ParameterKey": "A", "ParameterValue": "1"},
                {"ParameterKey": "B", "ParameterValue": "x"},
            ],
            "Tags": [],
            "TemplateBody": "{}",
        },
    )
    for status, reason in statuses:
        response = {
            "ChangeSetName": "cs",
            "StackName": STACK,
            "Status": status,
            "Changes": [{"Type": "Resource"}],
        }
        if reason:
            response["StatusReason"] = reason
        stubber.add_response(
            "describe_change_set", response, {"StackName": STACK, "ChangeSetName": "cs"}
        )


def _deploy(client, waiting, **kwargs):
    return deploy_stack(
        client,
        STACK,
        {"B": "x", "A": 1},
        template_body="{}",
        waiting=waiting,
        change_set_name="cs",
        **kwargs,
    )


def test_create_through_a_change_set(cfn, waiting, fake_time):
    client, stubber = cfn
    _missing(stubber)
    _change_set(stubber, "CREATE", [("CREATE_PENDING", ""), ("CREATE_COMPLETE", "")])
    stubber.add_response("execute_change_set", {}, {"StackName": STACK, "ChangeSetName": "cs"})
    _status(stubber, "CREATE_IN_PROGRESS")
    _status(stubber, "CREATE_COMPLETE")
    _status(stubber, "CREATE_COMPLETE", {"RawBucket": "lake-raw"})
    assert _deploy(client, waiting) == {"RawBucket": "lake-raw"}
    assert fake_time.sleeps == 2


def test_update_of_an_existing_stack(cfn, waiting):
    client, stubber = cfn
    _status(stubber, "UPDATE_COMPLETE")
    _change_set(stubber, "UPDATE", [("CREATE_COMPLETE", "")])
    stubber.add_response("execute_change_set", {}, {"StackName": STACK, "ChangeSetName": "cs"})
    _status(stubber, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")
    _status(stubber, "UPDATE_COMPLETE")
    _status(stubber, "UPDATE_COMPLETE", {"ApiUrl": "https://x"})
    assert _deploy(client, waiting) == {"ApiUrl": "https://x"}


def test_no_changes_is_a_successful_no_op(cfn, waiting):
    client, stubber = cfn
    _status(stubber, "UPDATE_COMPLETE")
    _change_set(
        stubber,
        "UPDATE",
        [
            (
                "FAILED",
                "The submitted information didn't contain changes. Submit different information.",
            )
        ],
    )
    stubber.add_response("delete_change_set", {}, {"StackName": STACK, "ChangeSetName": "cs"})
    _status(stubber, "UPDATE_COMPLETE", {"RawBucket": "lake-raw"})
    assert _deploy(client, waiting) == {"RawBucket": "lake-raw"}


def test_a_failed_change_set_says_why(cfn, waiting):
    client, stubber = cfn
    _missing(stubber)
    _change_set(stubber, "CREATE", [("FAILED", "Parameters: [IngestionCodeKey] must have values")])
    stubber.add_response("delete_change_set", {}, {"StackName": STACK, "ChangeSetName": "cs"})
    with pytest.raises(
        DeployError,
        match=r"change set for lake failed: Parameters: "
        r"\[IngestionCodeKey\]",
    ):
        _deploy(client, waiting)


def _event(logical_id, rtype, status, reason=None):
    event = {
        "StackId": STACK_ID,
        "EventId": logical_id + status,
        "StackName": STACK,
        "LogicalResourceId": logical_id,
        "ResourceType": rtype,
        "ResourceStatus": status,
        "Timestamp": NOW,
    }
    if reason is not None:
        event["ResourceStatusReason"] = reason
    return event


def test_a_failed_stack_names_the_failing_resource_and_reason(cfn, waiting):
    client, stubber = cfn
    _missing(stubber)
    _change_set(stubber, "CREATE", [("CREATE_COMPLETE", "")])
    stubber.add_response("execute_change_set", {}, {"StackName": STACK, "ChangeSetName": "cs"})
    _status(stubber, "ROLLBACK_IN_PROGRESS")
    _status(stubber, "ROLLBACK_COMPLETE")
    stack_type = "AWS::CloudFormation::Stack"
    stubber.add_response(
        "describe_stack_events",
        {
            "StackEvents": [  # newest first
                _event(STACK, stack_type, "ROLLBACK_COMPLETE"),
                _event(
                    "RawBucket", "AWS::S3::Bucket", "CREATE_FAILED", "Resource creation cancelled"
                ),
                _event(
                    "RawToProcessedJob",
                    "AWS::Glue::Job",
                    "CREATE_FAILED",
                    "Invalid worker type G.9X",
                ),
                _event(STACK, stack_type, "CREATE_IN_PROGRESS", "User Initiated"),
                _event("OldThing", "AWS::S3::Bucket", "CREATE_FAILED", "an older operation"),
            ]
        },
        {"StackName": STACK},
    )
    with pytest.raises(DeployError) as error:
        _deploy(client, waiting)
    message = str(error.value)
    assert message.startswith("stack lake ended ROLLBACK_COMPLETE: ")
    assert "RawToProcessedJob (AWS::Glue::Job) CREATE_FAILED: Invalid worker type G.9X" in message
    assert "cancelled" not in message and "OldThing" not in message


def test_a_stack_that_never_settles_times_out(cfn, waiting):
    client, stubber = cfn
    _missing(stubber)
    _change_set(stubber, "CREATE", [("CREATE_COMPLETE", "")])
    stubber.add_response("execute_change_set", {}, {"StackName": STACK, "ChangeSetName": "cs"})
    for _ in range(14):  # 60 s timeout / 5 s polls, plus the last look
        _status(stubber, "CREATE_IN_PROGRESS")
    with pytest.raises(DeployTimeout, match="still CREATE_IN_PROGRESS after 60 s"):
        _deploy(client, waiting)


def test_a_rolled_back_first_create_is_replaced_when_asked(cfn, waiting):
    client, stubber = cfn
    _status(stubber, "ROLLBACK_COMPLETE")
    stubber.add_response("delete_stack", {}, {"StackName": STACK})
    _status(stubber, "DELETE_IN_PROGRESS")
    _missing(stubber)
    _change_set(stubber, "CREATE", [("CREATE_COMPLETE", "")])
    stubber.add_response("execute_change_set", {}, {"StackName": STACK, "ChangeSetName": "cs"})
    _status(stubber, "CREATE_COMPLETE")
    _status(stubber, "CREATE_COMPLETE", {})
    assert _deploy(client, waiting, replace_failed=True) == {}


def test_a_busy_stack_is_refused(cfn, waiting):
    client, stubber = cfn
    _status(stubber, "UPDATE_IN_PROGRESS")
    with pytest.raises(DeployError, match="busy"):
        _deploy(client, waiting)


def test_template_source_is_checked():
    with pytest.raises(ValueError, match="exactly one"):
        deploy_stack(None, STACK, {})
    with pytest.raises(ValueError, match="upload it and pass template_url"):
        deploy_stack(None, STACK, {}, template_body="x" * 60_000)


def test_missing_credentials_get_a_clear_error():
    class NoCreds:
        def get_caller_identity(self):
            raise NoCredentialsError()

    with pytest.raises(MissingCredentials, match="set AWS_PROFILE"):
        check_credentials(NoCreds())


def test_rejected_credentials_get_a_clear_error():
    sts = boto3.client(
        "sts", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    with Stubber(sts) as stubber:
        stubber.add_client_error(
            "get_caller_identity",
            service_error_code="ExpiredToken",
            service_message="The security token included has expired",
        )
        with pytest.raises(MissingCredentials, match="ExpiredToken"):
            check_credentials(sts)


def test_other_describe_errors_propagate(cfn, waiting):
    client, stubber = cfn
    stubber.add_client_error(
        "describe_stacks", service_error_code="Throttling", service_message="Rate exceeded"
    )
    with pytest.raises(ClientError, match="Rate exceeded"):
        deploy_aws.stack_status(client, STACK)
