"""Pure request builders: CloudFormation property shapes to each service's API shapes."""

import json

import pytest

from localcloud.provision.apigateway import (
    access_log_patch,
    integration_request,
    method_request,
    method_settings_patch,
    usage_plan_request,
)
from localcloud.provision.athena import configuration_updates, workgroup_configuration
from localcloud.provision.cloudwatch import alarm_request
from localcloud.provision.errors import TemplateError
from localcloud.provision.events import rule_targets
from localcloud.provision.glue import crawler_request, job_request
from localcloud.provision.lambda_ import function_configuration
from localcloud.provision.s3 import (
    cors_rules,
    encryption_rules,
    lifecycle_rules,
    notification_configuration,
    principal_objects,
    public_access_block,
)
from localcloud.provision.sns import subscription_attributes
from localcloud.provision.stepfunctions import state_machine_definition


def test_lifecycle_rules_translate_every_field():
    rules = lifecycle_rules(
        {
            "Rules": [
                {
                    "Id": "raw-ia",
                    "Status": "Enabled",
                    "Prefix": "iot/",
                    "Transitions": [{"StorageClass": "STANDARD_IA", "TransitionInDays": "90"}],
                    "NoncurrentVersionExpirationInDays": 30,
                    "NoncurrentVersionTransitions": [
                        {"StorageClass": "GLACIER", "TransitionInDays": 60}
                    ],
                    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
                    "ExpirationInDays": 400,
                }
            ]
        }
    )
    assert rules == [
        {
            "ID": "raw-ia",
            "Status": "Enabled",
            "Filter": {"Prefix": "iot/"},
            "Expiration": {"Days": 400},
            "Transitions": [{"Days": 90, "StorageClass": "STANDARD_IA"}],
            "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
            "NoncurrentVersionTransitions": [{"NoncurrentDays": 60, "StorageClass": "GLACIER"}],
            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
        }
    ]


def test_lifecycle_filters():
    one_tag = lifecycle_rules(
        {"Rules": [{"Status": "Enabled", "TagFilters": [{"Key": "a", "Value": "1"}]}]}
    )
    assert one_tag[0]["Filter"] == {"Tag": {"Key": "a", "Value": "1"}}
    both = lifecycle_rules(
        {
            "Rules": [
                {"Status": "Enabled", "Prefix": "p/", "TagFilters": [{"Key": "a", "Value": "1"}]}
            ]
        }
    )
    assert both[0]["Filter"] == {"And": {"Prefix": "p/", "Tags": [{"Key": "a", "Value": "1"}]}}
    none = lifecycle_rules({"Rules": [{"Status": "Enabled", "ExpirationInDays": 1}]})
    assert none[0]["Filter"] == {"Prefix": ""}


def test_notification_configuration_lambda_with_filters():
    config = notification_configuration(
        {
            "LambdaConfigurations": [
                {
                    "Event": "s3:ObjectCreated:*",
                    "Function": "arn:fn",
                    "Filter": {"S3Key": {"Rules": [{"Name": "suffix", "Value": ".json"}]}},
                }
            ],
            "TopicConfigurations": [{"Event": "s3:ObjectRemoved:*", "Topic": "arn:topic"}],
            "EventBridgeConfiguration": {"EventBridgeEnabled": True},
        }
    )
    assert config == {
        "LambdaFunctionConfigurations": [
            {
                "LambdaFunctionArn": "arn:fn",
                "Events": ["s3:ObjectCreated:*"],
                "Filter": {"Key": {"FilterRules": [{"Name": "suffix", "Value": ".json"}]}},
            }
        ],
        "TopicConfigurations": [{"TopicArn": "arn:topic", "Events": ["s3:ObjectRemoved:*"]}],
        "EventBridgeConfiguration": {},
    }


def test_encryption_public_access_and_cors():
    assert encryption_rules(
        {
            "ServerSideEncryptionConfiguration": [
                {
                    "ServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": "k",
                    },
                    "BucketKeyEnabled": "true",
                }
            ]
        }
    ) == [
        {
            "ApplyServerSideEncryptionByDefault": {
                "SSEAlgorithm": "aws:kms",
                "KMSMasterKeyID": "k",
            },
            "BucketKeyEnabled": True,
        }
    ]
    assert public_access_block({"BlockPublicAcls": "true", "RestrictPublicBuckets": True}) == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": False,
        "IgnorePublicAcls": False,
        "RestrictPublicBuckets": True,
    }
    assert cors_rules(
        {
            "CorsRules": [
                {
                    "AllowedMethods": ["GET"],
                    "AllowedOrigins": ["*"],
                    "MaxAge": "60",
                    "ExposedHeaders": ["ETag"],
                }
            ]
        }
    ) == [
        {
            "AllowedMethods": ["GET"],
            "AllowedOrigins": ["*"],
            "ExposeHeaders": ["ETag"],
            "MaxAgeSeconds": 60,
        }
    ]


def test_principal_star_rewritten_only_where_it_is_a_string():
    policy = {
        "Statement": [
            {"Effect": "Deny", "Principal": "*", "Action": "s3:*"},
            {"Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"}},
        ]
    }
    fixed = principal_objects(policy)
    assert fixed["Statement"][0]["Principal"] == {"AWS": "*"}
    assert fixed["Statement"][1] == policy["Statement"][1]


def test_lambda_configuration_coerces_and_stringifies_environment():
    config = function_configuration(
        {
            "Runtime": "python3.11",
            "Handler": "handler.handler",
            "Role": "arn:role",
            "MemorySize": "256",
            "Timeout": 60,
            "Environment": {"Variables": {"N": 3, "S": "x"}},
        }
    )
    assert config == {
        "Runtime": "python3.11",
        "Handler": "handler.handler",
        "Role": "arn:role",
        "MemorySize": 256,
        "Timeout": 60,
        "Environment": {"Variables": {"N": "3", "S": "x"}},
    }


def test_method_and_integration_requests():
    props = {
        "RestApiId": "api",
        "ResourceId": "res",
        "HttpMethod": "POST",
        "AuthorizationType": "NONE",
        "ApiKeyRequired": "true",
        "RequestValidatorId": "val",
        "RequestModels": {"application/json": "IngestRequest"},
        "RequestParameters": {"method.request.header.x-api-key": "true"},
        "Integration": {
            "Type": "AWS_PROXY",
            "IntegrationHttpMethod": "POST",
            "Uri": "arn:uri",
            "TimeoutInMillis": "29000",
        },
    }
    assert method_request(props) == {
        "restApiId": "api",
        "resourceId": "res",
        "httpMethod": "POST",
        "authorizationType": "NONE",
        "apiKeyRequired": True,
        "requestParameters": {"method.request.header.x-api-key": True},
        "requestModels": {"application/json": "IngestRequest"},
        "requestValidatorId": "val",
    }
    assert integration_request(props) == {
        "restApiId": "api",
        "resourceId": "res",
        "httpMethod": "POST",
        "type": "AWS_PROXY",
        "integrationHttpMethod": "POST",
        "uri": "arn:uri",
        "timeoutInMillis": 29000,
    }
    assert integration_request({**props, "Integration": None}) is None


def test_stage_patches():
    ops = method_settings_patch(
        [
            {
                "ResourcePath": "/*",
                "HttpMethod": "*",
                "MetricsEnabled": True,
                "LoggingLevel": "INFO",
                "ThrottlingBurstLimit": 200,
                "ThrottlingRateLimit": 100.0,
            },
            {"ResourcePath": "/ingest", "HttpMethod": "POST", "DataTraceEnabled": False},
        ]
    )
    assert ops == [
        {"op": "replace", "path": "/*/*/metrics/enabled", "value": "true"},
        {"op": "replace", "path": "/*/*/logging/loglevel", "value": "INFO"},
        {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": "200"},
        {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "100.0"},
        {"op": "replace", "path": "/~1ingest/POST/logging/dataTrace", "value": "false"},
    ]
    assert access_log_patch({"DestinationArn": "arn:lg", "Format": "$context.requestId"}) == [
        {"op": "replace", "path": "/accessLogSettings/destinationArn", "value": "arn:lg"},
        {"op": "replace", "path": "/accessLogSettings/format", "value": "$context.requestId"},
    ]
    assert access_log_patch(None) == [{"op": "remove", "path": "/accessLogSettings"}]


def test_usage_plan_request():
    assert usage_plan_request(
        {
            "UsagePlanName": "plan",
            "ApiStages": [
                {
                    "ApiId": "api",
                    "Stage": "prod",
                    "Throttle": {"/ingest/POST": {"BurstLimit": "5", "RateLimit": "2"}},
                }
            ],
            "Throttle": {"BurstLimit": "200", "RateLimit": "100"},
            "Quota": {"Limit": "1000", "Period": "DAY"},
        }
    ) == {
        "name": "plan",
        "apiStages": [
            {
                "apiId": "api",
                "stage": "prod",
                "throttle": {"/ingest/POST": {"burstLimit": 5, "rateLimit": 2.0}},
            }
        ],
        "throttle": {"burstLimit": 200, "rateLimit": 100.0},
        "quota": {"limit": 1000, "period": "DAY"},
    }


def test_glue_crawler_and_job_requests():
    crawler = crawler_request(
        {
            "Role": "arn:role",
            "DatabaseName": "db",
            "Targets": {"CatalogTargets": [{"DatabaseName": "db", "Tables": ["raw_data"]}]},
            "Schedule": {"ScheduleExpression": "cron(0 * * * ? *)"},
            "SchemaChangePolicy": {"UpdateBehavior": "LOG", "DeleteBehavior": "LOG"},
        }
    )
    assert crawler["Schedule"] == "cron(0 * * * ? *)"
    assert crawler["Targets"] == {
        "CatalogTargets": [{"DatabaseName": "db", "Tables": ["raw_data"]}]
    }
    assert crawler["SchemaChangePolicy"] == {"UpdateBehavior": "LOG", "DeleteBehavior": "LOG"}
    job = job_request(
        {
            "Role": "arn:role",
            "Command": {"Name": "glueetl", "ScriptLocation": "s3://b/x.py", "PythonVersion": "3"},
            "DefaultArguments": {"--job-bookmark-option": "job-bookmark-enable", "--n": 1},
            "GlueVersion": "4.0",
            "WorkerType": "G.1X",
            "NumberOfWorkers": "2",
            "MaxRetries": "1",
            "Timeout": 60,
            "ExecutionProperty": {"MaxConcurrentRuns": "1"},
        }
    )
    assert job == {
        "Role": "arn:role",
        "Command": {"Name": "glueetl", "ScriptLocation": "s3://b/x.py", "PythonVersion": "3"},
        "ExecutionProperty": {"MaxConcurrentRuns": 1},
        "DefaultArguments": {"--job-bookmark-option": "job-bookmark-enable", "--n": "1"},
        "MaxRetries": 1,
        "Timeout": 60,
        "GlueVersion": "4.0",
        "NumberOfWorkers": 2,
        "WorkerType": "G.1X",
    }


def test_athena_configuration():
    config = {
        "ResultConfiguration": {"OutputLocation": "s3://p/athena-results/"},
        "EnforceWorkGroupConfiguration": "true",
        "BytesScannedCutoffPerQuery": "10485760",
    }
    assert workgroup_configuration(config) == {
        "ResultConfiguration": {"OutputLocation": "s3://p/athena-results/"},
        "EnforceWorkGroupConfiguration": True,
        "BytesScannedCutoffPerQuery": 10485760,
    }
    updates = configuration_updates({"EnforceWorkGroupConfiguration": False})
    assert updates == {
        "EnforceWorkGroupConfiguration": False,
        "RemoveBytesScannedCutoffPerQuery": True,
    }


def test_alarm_request():
    request = alarm_request(
        "stk-errors",
        {
            "MetricName": "Errors",
            "Namespace": "AWS/Lambda",
            "Statistic": "Sum",
            "Dimensions": [{"Name": "FunctionName", "Value": "f"}],
            "Period": "300",
            "EvaluationPeriods": "1",
            "Threshold": "5",
            "ComparisonOperator": "GreaterThanThreshold",
            "TreatMissingData": "notBreaching",
            "AlarmActions": ["arn:topic"],
        },
    )
    assert request == {
        "AlarmName": "stk-errors",
        "AlarmActions": ["arn:topic"],
        "MetricName": "Errors",
        "Namespace": "AWS/Lambda",
        "Statistic": "Sum",
        "Dimensions": [{"Name": "FunctionName", "Value": "f"}],
        "Period": 300,
        "EvaluationPeriods": 1,
        "Threshold": 5.0,
        "ComparisonOperator": "GreaterThanThreshold",
        "TreatMissingData": "notBreaching",
    }


def test_state_machine_substitutions_applied():
    text = state_machine_definition(
        {
            "DefinitionString": '{"StartAt":"Run","States":{"Run":{"Type":"Task",'
            '"Resource":"arn:aws:states:::glue:startJobRun","Parameters":{"JobName":"${Job}",'
            '"Retries":${N}},"End":true}}}',
            "DefinitionSubstitutions": {"Job": "stk-raw-to-processed", "N": 2},
        }
    )
    definition = json.loads(text)
    assert definition["States"]["Run"]["Parameters"] == {
        "JobName": "stk-raw-to-processed",
        "Retries": 2,
    }


def test_state_machine_definition_object_and_bad_json():
    text = state_machine_definition(
        {
            "Definition": {
                "StartAt": "A",
                "States": {"A": {"Type": "Pass", "Result": "${X}", "End": True}},
            },
            "DefinitionSubstitutions": {"X": "done"},
        }
    )
    assert json.loads(text)["States"]["A"]["Result"] == "done"
    with pytest.raises(TemplateError, match="not valid JSON"):
        state_machine_definition(
            {"DefinitionString": "{${X}", "DefinitionSubstitutions": {"X": "1"}}
        )


def test_event_targets_and_unknown_keys():
    assert rule_targets(
        [
            {
                "Id": "t",
                "Arn": "arn:sm",
                "RoleArn": "arn:role",
                "Input": "{}",
                "RetryPolicy": {"MaximumRetryAttempts": "2"},
            }
        ]
    ) == [
        {
            "Id": "t",
            "Arn": "arn:sm",
            "RoleArn": "arn:role",
            "Input": "{}",
            "RetryPolicy": {"MaximumRetryAttempts": 2},
        }
    ]
    with pytest.raises(TemplateError, match="EcsParameters"):
        rule_targets([{"Id": "t", "Arn": "a", "EcsParameters": {}}])


def test_subscription_attributes():
    assert subscription_attributes(
        {"FilterPolicy": {"severity": ["high"]}, "RawMessageDelivery": True, "Protocol": "sqs"}
    ) == {"FilterPolicy": '{"severity": ["high"]}', "RawMessageDelivery": "true"}


def test_inline_code_becomes_index_py_and_s3_code_needs_both_keys():
    import io
    import zipfile

    from localcloud.provision.base import Context
    from localcloud.provision.lambda_ import code_zip

    ctx = Context(client=None, stack_name="stk", region="us-east-1", account="123456789012")
    data = code_zip(ctx, {"ZipFile": "def handler(e, c):\n    return 1\n"}, "python3.11")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["index.py"]
        assert archive.read("index.py") == b"def handler(e, c):\n    return 1\n"
    node = code_zip(ctx, {"ZipFile": "exports.handler = 1"}, "nodejs20.x")
    assert zipfile.ZipFile(io.BytesIO(node)).namelist() == ["index.js"]
    with pytest.raises(TemplateError, match="needs ZipFile or S3Bucket and S3Key"):
        code_zip(ctx, {"S3Bucket": "b"}, "python3.11")


def test_physical_names_fit_and_follow_the_resource_kind():
    from localcloud.provision.base import Context

    ctx = Context(None, "my-stack", "us-east-1", "123456789012", "RawBucket")
    name = ctx.physical_name(63, lowercase=True)
    assert name.startswith("my-stack-rawbucket-") and len(name) <= 63 and name == name.lower()
    long = Context(None, "s" * 40, "us-east-1", "1", "L" * 40).physical_name(64)
    assert len(long) == 64
    assert ctx.physical_name(255, True, "_").startswith("my-stack_rawbucket_")
