"""EventBridge on the local cloud: pattern rules deliver put events to SQS and Step Functions;
schedule rules fire on the scaled clock; `datalake local fire-schedules` fires them now."""

import argparse
import json
import time
import uuid

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

from datalake.cli import local_alerts


def make_queue(sqs, name):
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    return url, arn


def receive(sqs, url, wait=5):
    return [
        json.loads(m["Body"])
        for m in sqs.receive_message(
            QueueUrl=url, WaitTimeSeconds=wait, MaxNumberOfMessages=10
        ).get("Messages", [])
    ]


def drain_deliveries(endpoint):
    return requests.get(f"{endpoint}/_datalake/events/deliveries", timeout=30).json()


@pytest.fixture(scope="module")
def session_clients(local_cloud):
    kw = {"endpoint_url": local_cloud.config.endpoint, "region_name": "us-east-1"}
    return {s: boto3.client(s, **kw) for s in ("events", "sqs", "stepfunctions")}


def test_pattern_rule_delivers_transformed_input_and_schedule_rules_do_not_match(
    local_cloud, session_clients
):
    events, sqs = session_clients["events"], session_clients["sqs"]
    suffix = uuid.uuid4().hex[:8]
    url, arn = make_queue(sqs, f"ev-match-{suffix}")
    sched_url, sched_arn = make_queue(sqs, f"ev-sched-{suffix}")
    events.put_rule(
        Name=f"glue-fail-{suffix}",
        EventPattern=json.dumps(
            {
                "source": ["aws.glue"],
                "detail-type": ["Glue Job State Change"],
                "detail": {
                    "state": ["FAILED", "TIMEOUT"],
                    "jobName": [{"prefix": f"job-{suffix}"}],
                },
            }
        ),
    )
    events.put_targets(
        Rule=f"glue-fail-{suffix}",
        Targets=[
            {
                "Id": "q",
                "Arn": arn,
                "InputTransformer": {
                    "InputPathsMap": {"job": "$.detail.jobName", "state": "$.detail.state"},
                    "InputTemplate": '{"job": "<job>", "state": "<state>", "rule": '
                    '"<aws.events.rule-name>"}',
                },
            }
        ],
    )
    events.put_rule(Name=f"daily-{suffix}", ScheduleExpression="rate(1 day)")
    events.put_targets(Rule=f"daily-{suffix}", Targets=[{"Id": "q", "Arn": sched_arn}])

    reply = events.put_events(
        Entries=[
            {
                "Source": "aws.glue",
                "DetailType": "Glue Job State Change",
                "Detail": json.dumps({"jobName": f"job-{suffix}-a", "state": "FAILED"}),
            },
            {
                "Source": "aws.glue",
                "DetailType": "Glue Job State Change",
                "Detail": json.dumps({"jobName": f"job-{suffix}-b", "state": "SUCCEEDED"}),
            },
            {
                "Source": "aws.glue",
                "DetailType": "Glue Job State Change",
                "Detail": "[not an object",
            },
        ]
    )
    assert reply["FailedEntryCount"] == 1
    assert reply["Entries"][2] == {
        "ErrorCode": "MalformedDetail",
        "ErrorMessage": "Detail is malformed.",
    }
    drain_deliveries(local_cloud.config.endpoint)
    assert receive(sqs, url) == [
        {"job": f"job-{suffix}-a", "state": "FAILED", "rule": f"glue-fail-{suffix}"}
    ]
    assert receive(sqs, sched_url, wait=1) == []  # moto would have matched it (bug)


def test_put_events_validation(session_clients):
    with pytest.raises(ClientError) as err:
        session_clients["events"].put_events(
            Entries=[{"Source": "s", "DetailType": "d", "Detail": "{}"}] * 11
        )
    assert err.value.response["Error"]["Code"] == "ValidationException"
    reply = session_clients["events"].put_events(Entries=[{"DetailType": "d", "Detail": "{}"}])
    assert reply["Entries"][0]["ErrorCode"] == "InvalidArgument"


def test_rule_starts_a_state_machine_with_the_event(local_cloud, session_clients):
    events, sfn = session_clients["events"], session_clients["stepfunctions"]
    suffix = uuid.uuid4().hex[:8]
    machine = sfn.create_state_machine(
        name=f"ev-target-{suffix}",
        roleArn="arn:aws:iam::123456789012:role/r",
        definition=json.dumps(
            {
                "StartAt": "P",
                "States": {"P": {"Type": "Pass", "OutputPath": "$.detail", "End": True}},
            }
        ),
    )["stateMachineArn"]
    events.put_rule(
        Name=f"to-sfn-{suffix}", EventPattern=json.dumps({"source": [f"test.{suffix}"]})
    )
    events.put_targets(Rule=f"to-sfn-{suffix}", Targets=[{"Id": "m", "Arn": machine}])
    events.put_events(
        Entries=[{"Source": f"test.{suffix}", "DetailType": "Go", "Detail": json.dumps({"n": 7})}]
    )
    drain_deliveries(local_cloud.config.endpoint)
    deadline = time.time() + 10
    while time.time() < deadline:
        executions = sfn.list_executions(stateMachineArn=machine)["executions"]
        if executions and executions[0]["status"] == "SUCCEEDED":
            break
        time.sleep(0.2)
    described = sfn.describe_execution(executionArn=executions[0]["executionArn"])
    assert json.loads(described["output"]) == {"n": 7}
    assert json.loads(described["input"])["detail-type"] == "Go"


def test_schedule_rules_fire_on_the_scaled_clock(scaled_client):
    events, sqs = scaled_client("events"), scaled_client("sqs")
    suffix = uuid.uuid4().hex[:8]
    url, arn = make_queue(sqs, f"hourly-{suffix}")
    events.put_rule(Name=f"hourly-{suffix}", ScheduleExpression="rate(1 hour)")
    events.put_targets(
        Rule=f"hourly-{suffix}",
        Targets=[{"Id": "q", "Arn": arn, "Input": json.dumps({"run_curated": False})}],
    )
    cron_url, cron_arn = make_queue(sqs, f"cron-{suffix}")
    events.put_rule(Name=f"cron-{suffix}", ScheduleExpression="cron(0 * * * ? *)")
    events.put_targets(Rule=f"cron-{suffix}", Targets=[{"Id": "q", "Arn": cron_arn}])
    events.put_rule(Name=f"off-{suffix}", ScheduleExpression="rate(1 hour)", State="DISABLED")
    off_url, off_arn = make_queue(sqs, f"off-{suffix}")
    events.put_targets(Rule=f"off-{suffix}", Targets=[{"Id": "q", "Arn": off_arn}])

    got, deadline = [], time.time() + 15
    while len(got) < 2 and time.time() < deadline:  # 1 simulated hour ≈ 1 real second
        got += receive(sqs, url, wait=1)
    assert got[:2] == [{"run_curated": False}] * 2
    scheduled = receive(sqs, cron_url)
    assert scheduled and scheduled[0]["detail-type"] == "Scheduled Event"
    assert scheduled[0]["source"] == "aws.events"
    assert scheduled[0]["time"].endswith(":00:00Z")  # on the hour, simulated
    assert scheduled[0]["resources"][0].endswith(f":rule/cron-{suffix}")
    assert receive(sqs, off_url, wait=1) == []


def test_fire_schedules_command_fires_enabled_rules_now(
    scaled_cloud, scaled_client, monkeypatch, capsys
):
    events, sqs = scaled_client("events"), scaled_client("sqs")
    suffix = uuid.uuid4().hex[:8]
    url, arn = make_queue(sqs, f"weekly-{suffix}")
    events.put_rule(Name=f"weekly-{suffix}", ScheduleExpression="rate(7 days)")
    events.put_targets(Rule=f"weekly-{suffix}", Targets=[{"Id": "q", "Arn": arn}])
    monkeypatch.setenv("AWS_ENDPOINT_URL", scaled_cloud.config.endpoint)
    assert local_alerts.run_fire_schedules(argparse.Namespace(json=False)) == 0
    out = capsys.readouterr().out
    assert f"weekly-{suffix}: fired at" in out
    assert f"-> {arn} delivered" in out
    message = receive(sqs, url)
    assert message and message[0]["detail-type"] == "Scheduled Event"


def test_hourly_rule_starts_the_pipeline_state_machine_on_its_own(scaled_client):
    events, sfn = scaled_client("events"), scaled_client("stepfunctions")
    suffix = uuid.uuid4().hex[:8]
    machine = sfn.create_state_machine(
        name=f"etl-{suffix}",
        roleArn="arn:aws:iam::123456789012:role/r",
        definition=json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}),
    )["stateMachineArn"]
    events.put_rule(Name=f"etl-hourly-{suffix}", ScheduleExpression="rate(1 hour)")
    events.put_targets(
        Rule=f"etl-hourly-{suffix}",
        Targets=[
            {"Id": "etl-pipeline", "Arn": machine, "Input": json.dumps({"run_curated": False})}
        ],
    )
    deadline = time.time() + 15
    executions = []
    while len(executions) < 2 and time.time() < deadline:
        executions = sfn.list_executions(stateMachineArn=machine)["executions"]
        time.sleep(0.2)
    assert len(executions) >= 2
    described = sfn.describe_execution(executionArn=executions[-1]["executionArn"])
    assert json.loads(described["input"]) == {"run_curated": False}


def test_put_events_to_a_missing_bus_fails_the_entry(session_clients):
    reply = session_clients["events"].put_events(
        Entries=[{"Source": "s", "DetailType": "d", "Detail": "{}", "EventBusName": "no-such-bus"}]
    )
    assert reply["FailedEntryCount"] == 1
    assert reply["Entries"][0]["ErrorCode"] == "ResourceNotFoundException"
