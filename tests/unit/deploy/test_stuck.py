"""Deploying over a stack no change set can start from: refused before any change set, with the
state, the failed resources and their reasons, and what to run instead (botocore Stubber)."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber

from datalake.deploy.aws import Waiting, deploy_stack
from datalake.deploy.stuck import StuckStack

STACK = "lake"
STACK_ID = "arn:aws:cloudformation:eu-west-1:123456789012:stack/lake/1"


@pytest.fixture
def cfn():
    client = boto3.client(
        "cloudformation", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()  # and no create_change_set was called


def _status(stubber, status: str) -> None:
    from datetime import datetime, timezone

    stack = {
        "StackName": STACK,
        "StackId": STACK_ID,
        "StackStatus": status,
        "CreationTime": datetime(2026, 11, 25, tzinfo=timezone.utc),
    }
    stubber.add_response("describe_stacks", {"Stacks": [stack]}, {"StackName": STACK})


def _resources(stubber, *rows: tuple[str, str, str, str]) -> None:
    from datetime import datetime, timezone

    summaries = []
    for logical_id, rtype, status, reason in rows:
        summary = {
            "LogicalResourceId": logical_id,
            "PhysicalResourceId": logical_id.lower(),
            "ResourceType": rtype,
            "ResourceStatus": status,
            "LastUpdatedTimestamp": datetime(2026, 11, 25, tzinfo=timezone.utc),
        }
        if reason:
            summary["ResourceStatusReason"] = reason
        summaries.append(summary)
    stubber.add_response(
        "list_stack_resources", {"StackResourceSummaries": summaries}, {"StackName": STACK}
    )


def _deploy(client, **kwargs):
    return deploy_stack(
        client,
        STACK,
        {},
        template_body="{}",
        waiting=Waiting(poll_seconds=1, timeout_seconds=5, sleep=lambda s: None),
        change_set_name="cs",
        **kwargs,
    )


def test_update_rollback_failed_names_continue_update_rollback_and_resources_to_skip(cfn):
    client, stubber = cfn
    _status(stubber, "UPDATE_ROLLBACK_FAILED")
    _resources(
        stubber,
        ("RawBucket", "AWS::S3::Bucket", "UPDATE_COMPLETE", ""),
        ("RawToProcessedJob", "AWS::Glue::Job", "UPDATE_FAILED", "Role lake-glue not found"),
        ("AlertsTopic", "AWS::SNS::Topic", "UPDATE_FAILED", "Rate exceeded"),
    )
    with pytest.raises(StuckStack) as error:
        _deploy(client)
    assert str(error.value) == (
        "stack lake is UPDATE_ROLLBACK_FAILED: an update failed and rolling it back failed too, "
        "so CloudFormation accepts no update until the rollback is finished.\n"
        "Failed resources:\n"
        "  RawToProcessedJob (AWS::Glue::Job) UPDATE_FAILED: Role lake-glue not found\n"
        "  AlertsTopic (AWS::SNS::Topic) UPDATE_FAILED: Rate exceeded\n"
        "What to do: fix what the reasons point at where you can, then finish the rollback:\n"
        "  aws cloudformation continue-update-rollback --stack-name lake "
        "--resources-to-skip RawToProcessedJob AlertsTopic\n"
        "A skipped resource is marked UPDATE_COMPLETE without being rolled back, so it may no "
        "longer match the template; leave out --resources-to-skip to retry them all. When the "
        "stack is UPDATE_ROLLBACK_COMPLETE, deploy again: "
        "datalake deploy --target aws --stack-name lake"
    )
    assert error.value.status == "UPDATE_ROLLBACK_FAILED"
    assert [f.logical_id for f in error.value.failures] == ["RawToProcessedJob", "AlertsTopic"]


@pytest.mark.parametrize(
    ("status", "what"),
    [
        (
            "ROLLBACK_FAILED",
            "its creation failed and deleting what had been created failed too",
        ),
        ("DELETE_FAILED", "a deletion stopped partway"),
    ],
)
def test_rollback_failed_and_delete_failed_say_delete_retaining_what_fails(cfn, status, what):
    client, stubber = cfn
    _status(stubber, status)
    _resources(
        stubber,
        (
            "AccessLogsBucket",
            "AWS::S3::Bucket",
            "DELETE_FAILED",
            "The bucket you tried to delete is not empty",
        ),
        ("GlueDatabase", "AWS::Glue::Database", "DELETE_COMPLETE", ""),
    )
    with pytest.raises(StuckStack) as error:
        _deploy(client)
    assert str(error.value) == (
        f"stack lake is {status}: {what}; such a stack cannot be updated, only deleted.\n"
        "Failed resources:\n"
        "  AccessLogsBucket (AWS::S3::Bucket) DELETE_FAILED: The bucket you tried to delete is "
        "not empty\n"
        "What to do: delete it with datalake destroy --target aws --stack-name lake (it empties "
        "the stack's buckets, the usual cause, and deletes again); if a resource still cannot be "
        "deleted, add --retain-failed to delete the stack while keeping the resources that fail "
        "(CloudFormation's RetainResources), delete those by hand, then deploy again: "
        "datalake deploy --target aws --stack-name lake"
    )


def test_with_no_failed_resource_now_the_latest_events_are_listed(cfn):
    client, stubber = cfn
    _status(stubber, "ROLLBACK_FAILED")
    _resources(stubber, ("RawBucket", "AWS::S3::Bucket", "DELETE_COMPLETE", ""))
    stubber.add_response(
        "describe_stack_events",
        {"StackEvents": [_event("ApiRole", "AWS::IAM::Role", "DELETE_FAILED", "AccessDenied")]},
        {"StackName": STACK},
    )
    with pytest.raises(
        StuckStack,
        match=r"\n  ApiRole \(AWS::IAM::Role\) DELETE_FAILED: "
        r"AccessDenied\n",
    ):
        _deploy(client)


def _event(logical_id, rtype, status, reason):
    from datetime import datetime, timezone

    return {
        "StackId": STACK_ID,
        "EventId": logical_id + status,
        "StackName": STACK,
        "LogicalResourceId": logical_id,
        "ResourceType": rtype,
        "ResourceStatus": status,
        "ResourceStatusReason": reason,
        "Timestamp": datetime(2026, 11, 25, tzinfo=timezone.utc),
    }


def test_rollback_complete_is_refused_and_offers_replace_failed(cfn):
    client, stubber = cfn
    _status(stubber, "ROLLBACK_COMPLETE")
    stubber.add_response(
        "describe_stack_events",
        {
            "StackEvents": [
                _event(STACK, "AWS::CloudFormation::Stack", "ROLLBACK_COMPLETE", ""),
                _event(
                    "RawToProcessedJob",
                    "AWS::Glue::Job",
                    "CREATE_FAILED",
                    "Invalid worker type G.9X",
                ),
                _event(STACK, "AWS::CloudFormation::Stack", "CREATE_IN_PROGRESS", "User Initiated"),
            ]
        },
        {"StackName": STACK},
    )
    with pytest.raises(StuckStack) as error:
        _deploy(client)
    assert str(error.value) == (
        "stack lake is ROLLBACK_COMPLETE: its creation failed and was rolled back; such a stack "
        "cannot be updated, only deleted.\n"
        "Failed resources:\n"
        "  RawToProcessedJob (AWS::Glue::Job) CREATE_FAILED: Invalid worker type G.9X\n"
        "What to do: fix the cause, then delete the failed stack and create it again in one "
        "step: datalake deploy --target aws --stack-name lake --replace-failed (or delete it "
        "alone: datalake destroy --target aws --stack-name lake)"
    )
