"""Failed-event layer: the failures queue, the validation function's EventInvokeConfig, the
role's grant, the alarm, the dashboard widget and the outputs (decision 140)."""

from __future__ import annotations

import json

QUEUE_ARN = {"Fn::GetAtt": ["ValidationFailuresQueue", "Arn"]}


def test_queue_keeps_records_fourteen_days_encrypted(view):
    assert view.resources["ValidationFailuresQueue"]["Type"] == "AWS::SQS::Queue"
    assert view.props("ValidationFailuresQueue") == {
        "QueueName": {"Fn::Sub": "${AWS::StackName}-validation-failures"},
        "MessageRetentionPeriod": 1209600,
        "SqsManagedSseEnabled": {
            "Fn::If": ["UseKmsEncryption", {"Ref": "AWS::NoValue"}, True]
        },
        "KmsMasterKeyId": {
            "Fn::If": ["UseKmsEncryption", "alias/aws/sqs", {"Ref": "AWS::NoValue"}]
        },
    }


def test_queue_policy_only_refuses_insecure_transport(view):
    policy = view.resources["ValidationFailuresQueuePolicy"]
    assert policy["Type"] == "AWS::SQS::QueuePolicy"
    assert policy["Properties"] == {
        "Queues": [{"Ref": "ValidationFailuresQueue"}],
        "PolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "sqs:*",
                    "Resource": QUEUE_ARN,
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            ],
        },
    }


def test_validation_failures_go_to_the_queue_after_explicit_retries(view):
    config = view.resources["ValidationEventInvokeConfig"]
    assert config["Type"] == "AWS::Lambda::EventInvokeConfig"
    assert config["Properties"] == {
        "FunctionName": {"Ref": "ValidationFunction"},
        "Qualifier": "$LATEST",
        "MaximumRetryAttempts": 2,
        "MaximumEventAgeInSeconds": 21600,
        "DestinationConfig": {"OnFailure": {"Destination": QUEUE_ARN}},
    }
    # the on-failure destination, not the older DLQ: one place for failed events
    assert "DeadLetterConfig" not in view.props("ValidationFunction")


def test_validation_role_may_send_to_exactly_that_queue(view):
    sends = [
        s
        for pol in view.props("ValidationFunctionRole")["Policies"]
        for s in pol["PolicyDocument"]["Statement"]
        if "sqs:SendMessage" in s.get("Action", [])  # Fn::If statements are KMS/X-Ray ones
    ]
    assert sends == [{"Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": [QUEUE_ARN]}]
    others = [
        owner
        for owner, s in view.policy_statements()
        if s.get("Effect") == "Allow" and any(a.startswith("sqs:") for a in s.get("Action", []))
    ]
    assert others == ["ValidationFunctionRole"]


def test_alarm_fires_on_one_visible_record(view):
    alarm = view.props("ValidationFailuresAlarm")
    assert alarm == {
        "AlarmName": {"Fn::Sub": "${AWS::StackName}-validation-failures"},
        "AlarmDescription": alarm["AlarmDescription"],
        "ActionsEnabled": True,
        "AlarmActions": [{"Ref": "AlertsTopic"}],
        "OKActions": [{"Ref": "AlertsTopic"}],
        "Namespace": "AWS/SQS",
        "MetricName": "ApproximateNumberOfMessagesVisible",
        "Dimensions": [
            {
                "Name": "QueueName",
                "Value": {"Fn::GetAtt": ["ValidationFailuresQueue", "QueueName"]},
            }
        ],
        "Statistic": "Maximum",
        "Period": 300,
        "EvaluationPeriods": 1,
        "Threshold": 0,
        "ComparisonOperator": "GreaterThanThreshold",
        "TreatMissingData": "notBreaching",
    }
    assert "datalake redrive validation" in alarm["AlarmDescription"]


def test_dashboard_shows_the_queue_depth(view):
    body = json.loads(view.props("MonitoringDashboard")["DashboardBody"]["Fn::Sub"])
    widget = body["widgets"][-1]
    assert widget["properties"]["metrics"] == [
        [
            "AWS/SQS",
            "ApproximateNumberOfMessagesVisible",
            "QueueName",
            "${AWS::StackName}-validation-failures",
        ]
    ]
    assert (widget["x"], widget["y"], widget["properties"]["stat"]) == (0, 30, "Maximum")


def test_outputs_name_the_queue(view):
    outputs = view.template["Outputs"]
    assert outputs["ValidationFailuresQueueUrl"]["Value"] == {"Ref": "ValidationFailuresQueue"}
    assert outputs["ValidationFailuresQueueArn"]["Value"] == QUEUE_ARN
