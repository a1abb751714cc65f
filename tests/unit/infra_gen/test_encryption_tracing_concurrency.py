"""The checkov fixes (decisions 136-139): the Tracing parameter, reserved concurrency, and in KMS
mode the stack key, its policy, the Glue security configuration and what each encrypts. Each is
asserted as the template states it and as the local provisioner's resolver reads it with and
without the parameters."""

from __future__ import annotations

import pytest

from localcloud.provision.planning import plan_stack

KEY_ARN = {"Fn::GetAtt": ["LakeKey", "Arn"]}
KEY_ARN_IF_KMS = {"Fn::If": ["UseKmsEncryption", KEY_ARN, {"Ref": "AWS::NoValue"}]}
NO_VALUE = {"Ref": "AWS::NoValue"}
ARTIFACTS = {
    "ArtifactsBucketName": "artifacts-bucket",
    "IngestionCodeKey": "lambda/ingestion.zip",
    "ValidationCodeKey": "lambda/validation.zip",
    "PackageWheelKey": "glue/datalake.whl",
    "RawToProcessedScriptKey": "glue/raw_to_processed.py",
    "ProcessedToCuratedScriptKey": "glue/processed_to_curated.py",
}
FUNCTIONS = {
    "IngestionFunction": "IngestionReservedConcurrency",
    "ValidationFunction": "ValidationReservedConcurrency",
}
LOG_GROUPS = (
    "IngestionLogGroup",
    "ValidationLogGroup",
    "RawToProcessedLogGroup",
    "ProcessedToCuratedLogGroup",
    "ApiAccessLogGroup",
)
KMS_ONLY = ("LakeKey", "LakeKeyAlias", "GlueSecurityConfiguration")


def resolved(template: dict, params: dict, logical_id: str) -> dict:
    """A resource's properties as the local provisioner resolves them for `params`."""
    plan = plan_stack(template, {**ARTIFACTS, **params}, "demo", "sid", "us-east-1", "1" * 12)
    resolver = plan.resolver(
        resource_ref=lambda lid: f"ref:{lid}", resource_attr=lambda lid, attr: f"{lid}.{attr}"
    )
    return resolver.resolve(template["Resources"][logical_id]["Properties"])


def planned(template: dict, params: dict) -> list[str]:
    return plan_stack(template, {**ARTIFACTS, **params}, "demo", "sid", "us-east-1", "1" * 12).order


# -- parameters and conditions ------------------------------------------------------------------


def test_tracing_and_concurrency_parameters_default_to_off(template):
    parameters = template["Parameters"]
    assert parameters["Tracing"]["AllowedValues"] == ["Disabled", "Enabled"]
    assert parameters["Tracing"]["Default"] == "Disabled"
    for name in FUNCTIONS.values():
        assert {k: v for k, v in parameters[name].items() if k != "Description"} == {
            "Type": "Number",
            "Default": "0",
            "MinValue": 0,
        }
    conditions = template["Conditions"]
    assert conditions["TracingOn"] == {"Fn::Equals": [{"Ref": "Tracing"}, "Enabled"]}
    assert conditions["HasIngestionReservedConcurrency"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "IngestionReservedConcurrency"}, "0"]}]
    }
    assert conditions["HasValidationReservedConcurrency"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "ValidationReservedConcurrency"}, "0"]}]
    }


# -- tracing ------------------------------------------------------------------------------------


def test_tracing_properties_follow_the_parameter(view):
    assert view.props("ApiStage")["TracingEnabled"] == {"Fn::If": ["TracingOn", True, False]}
    assert view.props("EtlStateMachine")["TracingConfiguration"] == {
        "Enabled": {"Fn::If": ["TracingOn", True, False]}
    }
    for function in FUNCTIONS:
        assert view.props(function)["TracingConfig"] == {
            "Mode": {"Fn::If": ["TracingOn", "Active", "PassThrough"]}
        }


@pytest.mark.parametrize(
    ("tracing", "stage", "machine", "mode"),
    [("Disabled", False, False, "PassThrough"), ("Enabled", True, True, "Active")],
)
def test_tracing_resolves_per_parameter_value(template, tracing, stage, machine, mode):
    params = {"Tracing": tracing}
    assert resolved(template, params, "ApiStage")["TracingEnabled"] is stage
    assert resolved(template, params, "EtlStateMachine")["TracingConfiguration"] == {
        "Enabled": machine
    }
    for function in FUNCTIONS:
        assert resolved(template, params, function)["TracingConfig"] == {"Mode": mode}


def test_x_ray_statements_only_when_tracing_is_on(view):
    lambda_xray = ["xray:PutTelemetryRecords", "xray:PutTraceSegments"]
    for role in ("IngestionFunctionRole", "ValidationFunctionRole"):
        assert view.conditional_statements(role)["TracingOn"] == [
            {"Effect": "Allow", "Action": lambda_xray, "Resource": ["*"]}
        ]
    assert view.conditional_statements("StateMachineRole")["TracingOn"] == [
        {
            "Effect": "Allow",
            "Action": [
                "xray:GetSamplingRules",
                "xray:GetSamplingTargets",
                "xray:PutTelemetryRecords",
                "xray:PutTraceSegments",
            ],
            "Resource": ["*"],
        }
    ]
    for role in ("GlueJobRole", "GlueCrawlerRole", "EventsInvokeRole"):
        assert "TracingOn" not in view.conditional_statements(role)


# -- reserved concurrency -----------------------------------------------------------------------


def test_reserved_concurrency_is_left_out_unless_set(view):
    for function, parameter in FUNCTIONS.items():
        condition = "Has" + parameter
        assert view.props(function)["ReservedConcurrentExecutions"] == {
            "Fn::If": [condition, {"Ref": parameter}, NO_VALUE]
        }


def test_reserved_concurrency_resolves_per_parameter_value(template):
    unset = resolved(template, {}, "IngestionFunction")
    assert "ReservedConcurrentExecutions" not in unset
    params = {"IngestionReservedConcurrency": "5", "ValidationReservedConcurrency": "0"}
    assert resolved(template, params, "IngestionFunction")["ReservedConcurrentExecutions"] == "5"
    assert "ReservedConcurrentExecutions" not in resolved(template, params, "ValidationFunction")


# -- KMS mode: key, alias, security configuration -----------------------------------------------


def test_key_alias_and_security_configuration_exist_only_in_kms_mode(template):
    for logical_id in KMS_ONLY:
        assert template["Resources"][logical_id]["Condition"] == "UseKmsEncryption"
    assert not set(KMS_ONLY) & set(planned(template, {}))
    assert set(KMS_ONLY) <= set(planned(template, {"EncryptionMode": "KMS"}))


def test_key_rotates_and_its_alias_names_the_stack(view):
    key = view.props("LakeKey")
    assert key["EnableKeyRotation"] is True
    assert view.props("LakeKeyAlias") == {
        "AliasName": {"Fn::Sub": "alias/${AWS::StackName}-lake"},
        "TargetKeyId": {"Ref": "LakeKey"},
    }


def test_key_policy_lets_the_account_logs_alarms_and_rules_use_the_key(view):
    arn = "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:"
    log_groups = [
        {"Fn::Sub": arn + name}
        for name in (
            "/aws/lambda/${AWS::StackName}-ingestion",
            "/aws/lambda/${AWS::StackName}-validation",
            "/aws-glue/jobs/${AWS::StackName}-raw-to-processed",
            "/aws-glue/jobs/${AWS::StackName}-processed-to-curated",
            "/aws/apigateway/${AWS::StackName}-api",
            "/aws-glue/*",
        )
    ]
    assert view.props("LakeKey")["KeyPolicy"] == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AccountIamPolicies",
                "Effect": "Allow",
                "Principal": {
                    "AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
                },
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "CloudWatchLogsOfThisStack",
                "Effect": "Allow",
                "Principal": {"Service": {"Fn::Sub": "logs.${AWS::Region}.amazonaws.com"}},
                "Action": [
                    "kms:Decrypt*",
                    "kms:Describe*",
                    "kms:Encrypt*",
                    "kms:GenerateDataKey*",
                    "kms:ReEncrypt*",
                ],
                "Resource": "*",
                "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": log_groups}},
            },
            {
                "Sid": "AlarmsAndRulesPublishToAlertsTopic",
                "Effect": "Allow",
                "Principal": {"Service": ["cloudwatch.amazonaws.com", "events.amazonaws.com"]},
                "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                "Resource": "*",
            },
        ],
    }


def test_glue_security_configuration_encrypts_s3_logs_and_bookmarks_with_the_key(view):
    assert view.props("GlueSecurityConfiguration") == {
        "Name": {"Fn::Sub": "${AWS::StackName}-glue-security"},
        "EncryptionConfiguration": {
            "CloudWatchEncryption": {"CloudWatchEncryptionMode": "SSE-KMS", "KmsKeyArn": KEY_ARN},
            "JobBookmarksEncryption": {
                "JobBookmarksEncryptionMode": "CSE-KMS",
                "KmsKeyArn": KEY_ARN,
            },
            "S3Encryptions": [{"S3EncryptionMode": "SSE-KMS", "KmsKeyArn": KEY_ARN}],
        },
    }


def test_jobs_and_crawlers_name_the_security_configuration_in_kms_mode(view, template):
    named = {"Fn::If": ["UseKmsEncryption", {"Ref": "GlueSecurityConfiguration"}, NO_VALUE]}
    for job in ("RawToProcessedJob", "ProcessedToCuratedJob"):
        assert view.props(job)["SecurityConfiguration"] == named
        assert "SecurityConfiguration" not in resolved(template, {}, job)
        kms = resolved(template, {"EncryptionMode": "KMS"}, job)
        assert kms["SecurityConfiguration"] == "ref:GlueSecurityConfiguration"
    for crawler in ("LakeCrawler", "CuratedCrawler"):
        assert view.props(crawler)["CrawlerSecurityConfiguration"] == named
        assert "CrawlerSecurityConfiguration" not in resolved(template, {}, crawler)


def test_topic_log_groups_and_lambda_environments_use_the_key_in_kms_mode(view, template):
    assert view.props("AlertsTopic")["KmsMasterKeyId"] == KEY_ARN_IF_KMS
    for group in LOG_GROUPS:
        assert view.props(group)["KmsKeyId"] == KEY_ARN_IF_KMS
    for function in FUNCTIONS:
        assert view.props(function)["KmsKeyArn"] == KEY_ARN_IF_KMS
    kms = {"EncryptionMode": "KMS"}
    assert "KmsMasterKeyId" not in resolved(template, {}, "AlertsTopic")
    assert resolved(template, kms, "AlertsTopic")["KmsMasterKeyId"] == "LakeKey.Arn"
    assert "KmsKeyId" not in resolved(template, {}, "IngestionLogGroup")
    assert resolved(template, kms, "IngestionLogGroup")["KmsKeyId"] == "LakeKey.Arn"
    assert resolved(template, kms, "ValidationFunction")["KmsKeyArn"] == "LakeKey.Arn"


def _key_statement(actions: list[str]) -> dict:
    return {"Effect": "Allow", "Action": actions, "Resource": [KEY_ARN]}


def test_roles_get_exactly_their_key_actions_in_kms_mode(view):
    glue_logs = "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws-glue/"
    expected = {
        "IngestionFunctionRole": [_key_statement(["kms:Decrypt"])],
        "ValidationFunctionRole": [_key_statement(["kms:Decrypt", "kms:GenerateDataKey"])],
        "StateMachineRole": [_key_statement(["kms:Decrypt", "kms:GenerateDataKey"])],
        "GlueJobRole": [
            _key_statement(["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]),
            {
                "Effect": "Allow",
                "Action": ["logs:AssociateKmsKey"],
                "Resource": [{"Fn::Sub": glue_logs + "*"}],
            },
        ],
        "GlueCrawlerRole": [
            _key_statement(["kms:Decrypt", "kms:GenerateDataKey"]),
            {
                "Effect": "Allow",
                "Action": ["logs:AssociateKmsKey"],
                "Resource": [{"Fn::Sub": glue_logs + "crawlers*"}],
            },
        ],
    }
    for role, statements in expected.items():
        assert view.conditional_statements(role)["UseKmsEncryption"] == statements, role
    for role in ("EventsInvokeRole", "ApiGatewayCloudWatchRole"):
        assert "UseKmsEncryption" not in view.conditional_statements(role)


def test_kms_variant_still_plans_every_resource(variant_view):
    # Under every option at once, the key and what names it resolve together (no cycle).
    order = planned(variant_view.template, {"EncryptionMode": "KMS", "Tracing": "Enabled"})
    assert order.index("LakeKey") < order.index("IngestionLogGroup")
    assert order.index("LakeKey") < order.index("GlueSecurityConfiguration")
    assert order.index("GlueSecurityConfiguration") < order.index("RawToProcessedJob")
