"""Stack records, rollback of failed deploys, refusal before anything exists, destroy."""

import json

import pytest

from localcloud.provision import (
    DependencyCycle,
    ResourceFailed,
    StackNotFound,
    StackStore,
    UnsupportedResourceTypes,
)


def _buckets(stacks) -> set[str]:
    return {b["Name"] for b in stacks.client("s3").list_buckets()["Buckets"]}


def _good(stack_name):
    return {
        "Parameters": {"Retention": {"Type": "Number", "Default": "30"}},
        "Resources": {
            "Bucket": {
                "Type": "AWS::S3::Bucket",
                "Properties": {"BucketName": f"{stack_name}-data"},
            },
            "Logs": {
                "Type": "AWS::Logs::LogGroup",
                "Properties": {
                    "LogGroupName": f"/{stack_name}/logs",
                    "RetentionInDays": {"Ref": "Retention"},
                },
            },
        },
        "Outputs": {"Bucket": {"Value": {"Ref": "Bucket"}}},
    }


def _retention(stacks, stack_name) -> int:
    (group,) = stacks.client("logs").describe_log_groups(logGroupNamePrefix=f"/{stack_name}/logs")[
        "logGroups"
    ]
    return group["retentionInDays"]


def _failing_function(stack_name):
    return {
        "Type": "AWS::Lambda::Function",
        "DependsOn": "Bucket",
        "Properties": {
            "FunctionName": f"{stack_name}-fn",
            "Runtime": "python3.11",
            "Handler": "handler.handler",
            "Role": "arn:aws:iam::123456789012:role/none",
            "Code": {"S3Bucket": f"{stack_name}-data", "S3Key": "missing.zip"},
        },
    }


def test_record_is_kept_in_s3_on_the_endpoint(stacks, stack_name):
    stacks.deploy(stack_name, _good(stack_name))
    store = StackStore(stacks.client, "123456789012", "us-east-1")
    record = store.load(stack_name)
    assert record.status == "CREATE_COMPLETE"
    assert record.resources["Bucket"].physical_id == f"{stack_name}-data"
    assert record.outputs == {"Bucket": f"{stack_name}-data"}
    raw = (
        stacks.client("s3")
        .get_object(
            Bucket="localcloud-stacks-123456789012-us-east-1", Key=f"stacks/{stack_name}.json"
        )["Body"]
        .read()
    )
    assert json.loads(raw)["resources"]["Logs"]["properties"]["RetentionInDays"] == "30"
    assert stack_name in store.list_names()
    stacks.destroy(stack_name)
    assert store.load(stack_name) is None


def test_failed_first_deploy_rolls_back_everything(stacks, stack_name):
    template = _good(stack_name)
    template["Resources"]["Fn"] = _failing_function(stack_name)
    with pytest.raises(ResourceFailed) as caught:
        stacks.deploy(stack_name, template)
    assert caught.value.logical_id == "Fn"
    assert caught.value.type_name == "AWS::Lambda::Function"
    assert "missing.zip" in caught.value.reason
    assert f"{stack_name}-data" not in _buckets(stacks)
    logs = stacks.client("logs").describe_log_groups(logGroupNamePrefix=f"/{stack_name}/")
    assert logs["logGroups"] == []
    assert StackStore(stacks.client, "123456789012", "us-east-1").load(stack_name) is None


def test_failed_update_puts_back_what_it_changed(stacks, stack_name):
    stacks.deploy(stack_name, _good(stack_name), {"Retention": "30"})
    template = _good(stack_name)
    template["Resources"]["Extra"] = {
        "Type": "AWS::SNS::Topic",
        "Properties": {"TopicName": f"{stack_name}-extra"},
    }
    template["Resources"]["Fn"] = _failing_function(stack_name)
    with pytest.raises(ResourceFailed, match="Fn"):
        stacks.deploy(stack_name, template, {"Retention": "90"})
    assert _retention(stacks, stack_name) == 30
    topics = [t["TopicArn"] for t in stacks.client("sns").list_topics()["Topics"]]
    assert not any(t.endswith(f":{stack_name}-extra") for t in topics)
    record = StackStore(stacks.client, "123456789012", "us-east-1").load(stack_name)
    assert record.status == "UPDATE_ROLLBACK_COMPLETE"
    assert sorted(record.resources) == ["Bucket", "Logs"]
    assert record.resources["Logs"].properties["RetentionInDays"] == "30"
    # The stack still deploys normally afterwards.
    result = stacks.deploy(stack_name, _good(stack_name), {"Retention": "60"})
    assert result.updated == ["Logs"] and _retention(stacks, stack_name) == 60
    stacks.destroy(stack_name)


def test_unknown_type_stops_before_anything_is_created(stacks, stack_name):
    template = _good(stack_name)
    template["Resources"]["Cluster"] = {"Type": "AWS::ECS::Cluster"}
    template["Resources"]["Table"] = {"Type": "AWS::DynamoDB::Table"}
    with pytest.raises(UnsupportedResourceTypes, match="AWS::DynamoDB::Table.*AWS::ECS::Cluster"):
        stacks.deploy(stack_name, template)
    assert f"{stack_name}-data" not in _buckets(stacks)
    assert StackStore(stacks.client, "123456789012", "us-east-1").load(stack_name) is None


def test_cycle_stops_before_anything_is_created(stacks, stack_name):
    template = _good(stack_name)
    template["Resources"]["Bucket"]["DependsOn"] = "Logs"
    template["Resources"]["Logs"]["DependsOn"] = "Bucket"
    with pytest.raises(DependencyCycle, match="Bucket -> Logs -> Bucket"):
        stacks.deploy(stack_name, template)
    assert f"{stack_name}-data" not in _buckets(stacks)


def test_removed_resources_are_deleted_and_retain_is_honoured(stacks, stack_name):
    template = _good(stack_name)
    template["Resources"]["Kept"] = {
        "Type": "AWS::S3::Bucket",
        "DeletionPolicy": "Retain",
        "Properties": {"BucketName": f"{stack_name}-kept"},
    }
    stacks.deploy(stack_name, template)
    smaller = {
        "Parameters": template["Parameters"],
        "Resources": {"Logs": template["Resources"]["Logs"]},
    }
    result = stacks.deploy(stack_name, smaller)
    assert sorted(result.deleted) == ["Bucket", "Kept"]
    names = _buckets(stacks)
    assert f"{stack_name}-data" not in names and f"{stack_name}-kept" in names
    stacks.destroy(stack_name)
    stacks.client("s3").delete_bucket(Bucket=f"{stack_name}-kept")


def test_destroy_of_unknown_stack(stacks):
    with pytest.raises(StackNotFound, match="nosuchstack"):
        stacks.destroy("nosuchstack")


def test_datalake_local_deploy_and_destroy(endpoint, stacks, stack_name, tmp_path, monkeypatch):
    from datalake import config
    from datalake.deploy import local

    monkeypatch.setenv("DATALAKE_BUILD_DIR", str(tmp_path))
    outputs = local.deploy(stack_name, _good(stack_name), {"Retention": "14"})
    assert outputs == {"Bucket": f"{stack_name}-data"}
    assert config.load_outputs(stack_name) == outputs
    assert _retention(stacks, stack_name) == 14
    local.destroy(stack_name)
    assert f"{stack_name}-data" not in _buckets(stacks)
    assert not config.outputs_path(stack_name).exists()


def test_datalake_local_errors_are_deploy_errors(stacks, stack_name, tmp_path, monkeypatch):
    from datalake.deploy import DeployError, local

    monkeypatch.setenv("DATALAKE_BUILD_DIR", str(tmp_path))
    template = _good(stack_name)
    template["Resources"]["Fn"] = _failing_function(stack_name)
    with pytest.raises(DeployError, match=r"Fn \(AWS::Lambda::Function\) failed"):
        local.deploy(stack_name, template, {})
    with pytest.raises(DeployError, match="does not exist"):
        local.destroy(stack_name)
