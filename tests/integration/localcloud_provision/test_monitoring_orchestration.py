"""Log groups, SNS, EventBridge rules, Step Functions (with substitutions), alarms, dashboards."""

import copy
import json

import pytest
from botocore.exceptions import ClientError


def _template():
    return {
        "Parameters": {
            "Retention": {"Type": "Number", "Default": "30"},
            "AlertEmail": {"Type": "String", "Default": ""},
        },
        "Conditions": {"HasEmail": {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlertEmail"}, ""]}]}},
        "Resources": {
            "Logs": {
                "Type": "AWS::Logs::LogGroup",
                "Properties": {
                    "LogGroupName": {"Fn::Sub": "/aws/lambda/${AWS::StackName}-ingestion"},
                    "RetentionInDays": {"Ref": "Retention"},
                },
            },
            "Topic": {
                "Type": "AWS::SNS::Topic",
                "Properties": {
                    "TopicName": {"Fn::Sub": "${AWS::StackName}-alerts"},
                    "DisplayName": "Alerts",
                },
            },
            "TopicPolicy": {
                "Type": "AWS::SNS::TopicPolicy",
                "Properties": {
                    "Topics": [{"Ref": "Topic"}],
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Sid": "AllowCloudWatch",
                                "Effect": "Allow",
                                "Principal": {"Service": "cloudwatch.amazonaws.com"},
                                "Action": "sns:Publish",
                                "Resource": {"Ref": "Topic"},
                            }
                        ],
                    },
                },
            },
            "Email": {
                "Type": "AWS::SNS::Subscription",
                "Condition": "HasEmail",
                "Properties": {
                    "TopicArn": {"Ref": "Topic"},
                    "Protocol": "email",
                    "Endpoint": {"Ref": "AlertEmail"},
                },
            },
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": {
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": "sts:AssumeRole",
                                "Principal": {"Service": "states.amazonaws.com"},
                            }
                        ]
                    }
                },
            },
            "Machine": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {
                    "StateMachineName": {"Fn::Sub": "${AWS::StackName}-etl-pipeline"},
                    "RoleArn": {"Fn::GetAtt": ["Role", "Arn"]},
                    "DefinitionString": json.dumps(
                        {
                            "StartAt": "Notify",
                            "States": {
                                "Notify": {
                                    "Type": "Task",
                                    "Resource": "arn:aws:states:::sns:publish",
                                    "Parameters": {"TopicArn": "${TopicArn}", "Message": "${Job}"},
                                    "End": True,
                                }
                            },
                        }
                    ),
                    "DefinitionSubstitutions": {
                        "TopicArn": {"Ref": "Topic"},
                        "Job": {"Fn::Sub": "${AWS::StackName}-raw-to-processed"},
                    },
                },
            },
            "Schedule": {
                "Type": "AWS::Events::Rule",
                "Properties": {
                    "Name": {"Fn::Sub": "${AWS::StackName}-etl-hourly"},
                    "ScheduleExpression": "rate(1 hour)",
                    "State": "ENABLED",
                    "Targets": [
                        {
                            "Id": "pipeline",
                            "Arn": {"Ref": "Machine"},
                            "RoleArn": {"Fn::GetAtt": ["Role", "Arn"]},
                            "Input": '{"trigger": "schedule"}',
                        }
                    ],
                },
            },
            "Failures": {
                "Type": "AWS::Events::Rule",
                "Properties": {
                    "EventPattern": {
                        "source": ["aws.glue"],
                        "detail-type": ["Glue Job State Change"],
                        "detail": {"state": ["FAILED"]},
                    },
                    "Targets": [{"Id": "alerts", "Arn": {"Ref": "Topic"}}],
                },
            },
            "Alarm": {
                "Type": "AWS::CloudWatch::Alarm",
                "Properties": {
                    "AlarmName": {"Fn::Sub": "${AWS::StackName}-ingestion-errors"},
                    "Namespace": "AWS/Lambda",
                    "MetricName": "Errors",
                    "Statistic": "Sum",
                    "Dimensions": [
                        {
                            "Name": "FunctionName",
                            "Value": {"Fn::Sub": "${AWS::StackName}-ingestion"},
                        }
                    ],
                    "Period": 300,
                    "EvaluationPeriods": 1,
                    "Threshold": 5,
                    "ComparisonOperator": "GreaterThanThreshold",
                    "TreatMissingData": "notBreaching",
                    "AlarmActions": [{"Ref": "Topic"}],
                },
            },
            "Dashboard": {
                "Type": "AWS::CloudWatch::Dashboard",
                "Properties": {
                    "DashboardName": {"Fn::Sub": "${AWS::StackName}-monitoring"},
                    "DashboardBody": {
                        "Fn::Sub": json.dumps(
                            {
                                "widgets": [
                                    {"type": "metric", "properties": {"title": "${AWS::StackName}"}}
                                ]
                            }
                        )
                    },
                },
            },
        },
        "Outputs": {
            "StateMachineArn": {"Value": {"Ref": "Machine"}},
            "TopicArn": {"Value": {"Ref": "Topic"}},
            "EmailSubscription": {"Value": {"Ref": "Email"}, "Condition": "HasEmail"},
        },
    }


def test_every_service_resource_with_its_properties(stacks, stack_name):
    result = stacks.deploy(stack_name, _template())
    topic = f"arn:aws:sns:us-east-1:123456789012:{stack_name}-alerts"
    assert result.outputs == {
        "StateMachineArn": f"arn:aws:states:us-east-1:123456789012:stateMachine:"
        f"{stack_name}-etl-pipeline",
        "TopicArn": topic,
    }
    groups = stacks.client("logs").describe_log_groups(
        logGroupNamePrefix=f"/aws/lambda/{stack_name}-ingestion"
    )["logGroups"]
    assert [g["retentionInDays"] for g in groups] == [30]
    sns = stacks.client("sns")
    attributes = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    assert attributes["DisplayName"] == "Alerts"
    assert json.loads(attributes["Policy"])["Statement"][0]["Sid"] == "AllowCloudWatch"
    assert sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"] == []
    machine = stacks.client("stepfunctions").describe_state_machine(
        stateMachineArn=result.outputs["StateMachineArn"]
    )
    parameters = json.loads(machine["definition"])["States"]["Notify"]["Parameters"]
    assert parameters == {"TopicArn": topic, "Message": f"{stack_name}-raw-to-processed"}
    events = stacks.client("events")
    rule = events.describe_rule(Name=f"{stack_name}-etl-hourly")
    assert (rule["ScheduleExpression"], rule["State"]) == ("rate(1 hour)", "ENABLED")
    (target,) = events.list_targets_by_rule(Rule=f"{stack_name}-etl-hourly")["Targets"]
    assert target["Arn"] == result.outputs["StateMachineArn"]
    assert target["Input"] == '{"trigger": "schedule"}'
    assert target["RoleArn"].startswith("arn:aws:iam::123456789012:role/")
    failure_rules = [r for r in events.list_rules(NamePrefix=f"{stack_name}-Failures")["Rules"]]
    assert json.loads(failure_rules[0]["EventPattern"])["detail"] == {"state": ["FAILED"]}
    (alarm,) = stacks.client("cloudwatch").describe_alarms(
        AlarmNames=[f"{stack_name}-ingestion-errors"]
    )["MetricAlarms"]
    assert (alarm["Threshold"], alarm["Period"], alarm["EvaluationPeriods"]) == (5.0, 300, 1)
    assert alarm["AlarmActions"] == [topic]
    assert alarm["Dimensions"] == [{"Name": "FunctionName", "Value": f"{stack_name}-ingestion"}]
    assert alarm["TreatMissingData"] == "notBreaching"
    body = stacks.client("cloudwatch").get_dashboard(DashboardName=f"{stack_name}-monitoring")
    assert json.loads(body["DashboardBody"])["widgets"][0]["properties"]["title"] == stack_name
    stacks.destroy(stack_name)
    with pytest.raises(ClientError):
        sns.get_topic_attributes(TopicArn=topic)


def test_condition_turning_true_adds_and_false_removes(stacks, stack_name):
    template = _template()
    stacks.deploy(stack_name, template)
    result = stacks.deploy(stack_name, template, {"AlertEmail": "ops@example.com"})
    assert result.created == ["Email"]
    topic = result.outputs["TopicArn"]
    subs = stacks.client("sns").list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert [(s["Protocol"], s["Endpoint"]) for s in subs] == [("email", "ops@example.com")]
    assert result.outputs["EmailSubscription"] == subs[0]["SubscriptionArn"]

    changed = copy.deepcopy(template)
    changed["Resources"]["Alarm"]["Properties"]["Threshold"] = 10
    result = stacks.deploy(stack_name, changed, {"Retention": "60"})
    assert result.deleted == ["Email"]
    assert sorted(result.updated) == ["Alarm", "Logs"]
    assert stacks.client("sns").list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"] == []
    (alarm,) = stacks.client("cloudwatch").describe_alarms(
        AlarmNames=[f"{stack_name}-ingestion-errors"]
    )["MetricAlarms"]
    assert alarm["Threshold"] == 10.0
    groups = stacks.client("logs").describe_log_groups(
        logGroupNamePrefix=f"/aws/lambda/{stack_name}-ingestion"
    )["logGroups"]
    assert groups[0]["retentionInDays"] == 60
    stacks.destroy(stack_name)
