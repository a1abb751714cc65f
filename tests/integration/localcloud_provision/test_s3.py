"""Buckets with every configuration, policies, notifications to a Lambda; update; destroy."""

import copy
import json

import pytest
from botocore.exceptions import ClientError

LOG_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "DenyInsecure",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": {"Fn::Sub": "arn:aws:s3:::${Logs}/*"},
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
        {
            "Sid": "Logging",
            "Effect": "Allow",
            "Principal": {"Service": "logging.s3.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": {"Fn::Sub": "arn:aws:s3:::${Logs}/*"},
        },
    ],
}


def _template(code_bucket, assume_lambda):
    return {
        "Parameters": {"IaDays": {"Type": "Number", "Default": "90"}},
        "Resources": {
            "Logs": {
                "Type": "AWS::S3::Bucket",
                "Properties": {
                    "BucketName": {"Fn::Sub": "${AWS::StackName}-logs-${AWS::AccountId}"},
                    "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
                },
            },
            "LogsPolicy": {
                "Type": "AWS::S3::BucketPolicy",
                "Properties": {"Bucket": {"Ref": "Logs"}, "PolicyDocument": LOG_POLICY},
            },
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {"AssumeRolePolicyDocument": assume_lambda},
            },
            "Fn": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "FunctionName": {"Fn::Sub": "${AWS::StackName}-validate"},
                    "Runtime": "python3.11",
                    "Handler": "handler.handler",
                    "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                    "Code": {"S3Bucket": code_bucket, "S3Key": "code/fn.zip"},
                },
            },
            "Perm": {
                "Type": "AWS::Lambda::Permission",
                "Properties": {
                    "Action": "lambda:InvokeFunction",
                    "FunctionName": {"Ref": "Fn"},
                    "Principal": "s3.amazonaws.com",
                    "SourceAccount": {"Ref": "AWS::AccountId"},
                },
            },
            "Raw": {
                "Type": "AWS::S3::Bucket",
                "DependsOn": ["Perm", "LogsPolicy"],
                "Properties": {
                    "BucketName": {"Fn::Sub": "${AWS::StackName}-raw-${AWS::AccountId}"},
                    "VersioningConfiguration": {"Status": "Enabled"},
                    "BucketEncryption": {
                        "ServerSideEncryptionConfiguration": [
                            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                        ]
                    },
                    "LifecycleConfiguration": {
                        "Rules": [
                            {
                                "Id": "raw-to-ia",
                                "Status": "Enabled",
                                "Transitions": [
                                    {
                                        "StorageClass": "STANDARD_IA",
                                        "TransitionInDays": {"Ref": "IaDays"},
                                    }
                                ],
                                "NoncurrentVersionExpirationInDays": 30,
                            }
                        ]
                    },
                    "PublicAccessBlockConfiguration": {
                        "BlockPublicAcls": True,
                        "BlockPublicPolicy": True,
                        "IgnorePublicAcls": True,
                        "RestrictPublicBuckets": True,
                    },
                    "LoggingConfiguration": {
                        "DestinationBucketName": {"Ref": "Logs"},
                        "LogFilePrefix": "raw/",
                    },
                    "CorsConfiguration": {
                        "CorsRules": [{"AllowedMethods": ["GET"], "AllowedOrigins": ["*"]}]
                    },
                    "NotificationConfiguration": {
                        "LambdaConfigurations": [
                            {
                                "Event": "s3:ObjectCreated:*",
                                "Function": {"Fn::GetAtt": ["Fn", "Arn"]},
                                "Filter": {
                                    "S3Key": {"Rules": [{"Name": "suffix", "Value": ".json"}]}
                                },
                            }
                        ]
                    },
                    "Tags": [{"Key": "zone", "Value": "raw"}],
                },
            },
        },
        "Outputs": {
            "RawBucket": {"Value": {"Ref": "Raw"}},
            "RawArn": {"Value": {"Fn::GetAtt": ["Raw", "Arn"]}},
            "RawDomain": {"Value": {"Fn::GetAtt": ["Raw", "RegionalDomainName"]}},
        },
    }


def test_bucket_has_every_configuration(stacks, stack_name, code_bucket, assume_lambda):
    result = stacks.deploy(stack_name, _template(code_bucket, assume_lambda))
    raw = f"{stack_name}-raw-123456789012"
    logs = f"{stack_name}-logs-123456789012"
    assert result.outputs == {
        "RawBucket": raw,
        "RawArn": f"arn:aws:s3:::{raw}",
        "RawDomain": f"{raw}.s3.us-east-1.amazonaws.com",
    }
    s3 = stacks.client("s3")
    assert s3.get_bucket_versioning(Bucket=raw)["Status"] == "Enabled"
    rules = s3.get_bucket_encryption(Bucket=raw)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    lifecycle = s3.get_bucket_lifecycle_configuration(Bucket=raw)["Rules"]
    assert lifecycle[0]["ID"] == "raw-to-ia"
    assert lifecycle[0]["Transitions"] == [{"Days": 90, "StorageClass": "STANDARD_IA"}]
    assert lifecycle[0]["NoncurrentVersionExpiration"]["NoncurrentDays"] == 30
    block = s3.get_public_access_block(Bucket=raw)["PublicAccessBlockConfiguration"]
    assert block == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    assert s3.get_bucket_logging(Bucket=raw)["LoggingEnabled"] == {
        "TargetBucket": logs,
        "TargetPrefix": "raw/",
    }
    assert s3.get_bucket_cors(Bucket=raw)["CORSRules"][0]["AllowedMethods"] == ["GET"]
    assert s3.get_bucket_tagging(Bucket=raw)["TagSet"] == [{"Key": "zone", "Value": "raw"}]
    notification = s3.get_bucket_notification_configuration(Bucket=raw)
    (config,) = notification["LambdaFunctionConfigurations"]
    assert config["LambdaFunctionArn"].endswith(f":function:{stack_name}-validate")
    assert config["Events"] == ["s3:ObjectCreated:*"]
    assert config["Filter"]["Key"]["FilterRules"] == [{"Name": "suffix", "Value": ".json"}]
    # The access-log bucket's policy is stored exactly as written (Principal "*" kept).
    policy = json.loads(s3.get_bucket_policy(Bucket=logs)["Policy"])
    assert policy["Statement"][0]["Principal"] == "*"
    owner = s3.get_bucket_ownership_controls(Bucket=logs)["OwnershipControls"]["Rules"]
    assert owner == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    stacks.destroy(stack_name)


def test_update_changes_in_place_and_destroy_empties_versions(
    stacks, stack_name, code_bucket, assume_lambda
):
    template = _template(code_bucket, assume_lambda)
    stacks.deploy(stack_name, template)
    raw = f"{stack_name}-raw-123456789012"
    s3 = stacks.client("s3")
    s3.put_object(Bucket=raw, Key="a.txt", Body=b"1")
    s3.put_object(Bucket=raw, Key="a.txt", Body=b"2")
    s3.delete_object(Bucket=raw, Key="a.txt")

    changed = copy.deepcopy(template)
    del changed["Resources"]["Raw"]["Properties"]["CorsConfiguration"]
    result = stacks.deploy(stack_name, changed, {"IaDays": "120"})
    assert result.updated == ["Raw"]
    assert (
        s3.get_bucket_lifecycle_configuration(Bucket=raw)["Rules"][0]["Transitions"][0]["Days"]
        == 120
    )
    with pytest.raises(ClientError, match="NoSuchCORSConfiguration"):
        s3.get_bucket_cors(Bucket=raw)
    assert len(s3.list_object_versions(Bucket=raw)["Versions"]) == 2  # data kept by update

    deleted = stacks.destroy(stack_name)
    assert (
        deleted.index("Raw") < deleted.index("Perm") < deleted.index("Fn") < deleted.index("Role")
    )
    names = {b["Name"] for b in s3.list_buckets()["Buckets"]}
    assert raw not in names and f"{stack_name}-logs-123456789012" not in names


def test_renamed_bucket_is_replaced(stacks, stack_name):
    template = {
        "Parameters": {"Suffix": {"Type": "String", "Default": "one"}},
        "Resources": {
            "B": {
                "Type": "AWS::S3::Bucket",
                "Properties": {"BucketName": {"Fn::Sub": "${AWS::StackName}-${Suffix}"}},
            },
            "Policy": {
                "Type": "AWS::S3::BucketPolicy",
                "Properties": {
                    "Bucket": {"Ref": "B"},
                    "PolicyDocument": {
                        "Statement": [
                            {
                                "Effect": "Deny",
                                "Principal": "*",
                                "Action": "s3:Delete*",
                                "Resource": {"Fn::Sub": "arn:aws:s3:::${B}/*"},
                            }
                        ]
                    },
                },
            },
        },
    }
    stacks.deploy(stack_name, template)
    s3 = stacks.client("s3")
    s3.put_object(Bucket=f"{stack_name}-one", Key="k", Body=b"x")
    result = stacks.deploy(stack_name, template, {"Suffix": "two"})
    assert result.replaced == ["B", "Policy"]
    names = {b["Name"] for b in s3.list_buckets()["Buckets"]}
    assert f"{stack_name}-two" in names and f"{stack_name}-one" not in names
    assert f"{stack_name}-two" in s3.get_bucket_policy(Bucket=f"{stack_name}-two")["Policy"]
    stacks.destroy(stack_name)
