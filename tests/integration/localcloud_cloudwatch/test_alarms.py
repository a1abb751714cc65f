"""CloudWatch alarms on the local cloud: the template's data-freshness alarm goes to ALARM
without ingestion and back to OK after events (on a 3600× clock), with history and SNS
notices; SetAlarmState fires actions too."""

import json
import time
import uuid

import boto3
import pytest

DIMS = [{"Name": "StackName", "Value": "fresh-test"}]


def make_topic_with_queue(sns, sqs, name):
    topic = sns.create_topic(Name=name)["TopicArn"]
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sns.subscribe(
        TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"}
    )
    return topic, url


def wait_for_state(cloudwatch, name, state, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        alarm = cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]
        if alarm["StateValue"] == state:
            return alarm
        time.sleep(0.2)
    raise AssertionError(f"{name} did not reach {state}: {alarm['StateValue']}")


def notices(sqs, url, count, timeout=10):
    got, deadline = [], time.time() + timeout
    while len(got) < count and time.time() < deadline:
        got += [
            json.loads(m["Body"])
            for m in sqs.receive_message(
                QueueUrl=url, WaitTimeSeconds=1, MaxNumberOfMessages=10
            ).get("Messages", [])
        ]
    return got


def test_freshness_alarm_alarm_then_ok_then_alarm_again(scaled_client):
    cloudwatch, sns, sqs = scaled_client("cloudwatch"), scaled_client("sns"), scaled_client("sqs")
    suffix = uuid.uuid4().hex[:8]
    topic, url = make_topic_with_queue(sns, sqs, f"fresh-{suffix}")
    name = f"fresh-{suffix}-data-freshness"
    cloudwatch.put_metric_alarm(  # as infra_gen.monitoring declares it (FreshnessHours = 2)
        AlarmName=name,
        Namespace="DataLake",
        MetricName="EventsIngested",
        Dimensions=DIMS,
        Statistic="Sum",
        Period=3600,
        EvaluationPeriods=2,
        DatapointsToAlarm=2,
        Threshold=1,
        ComparisonOperator="LessThanThreshold",
        TreatMissingData="breaching",
        AlarmActions=[topic],
        OKActions=[topic],
        ActionsEnabled=True,
    )
    # (it starts in INSUFFICIENT_DATA; the evaluator, 4 times a second, moves it on at once)
    alarm = wait_for_state(cloudwatch, name, "ALARM")
    assert "no datapoints were received for 2 periods" in alarm["StateReason"]
    cloudwatch.put_metric_data(
        Namespace="DataLake",
        MetricData=[
            {"MetricName": "EventsIngested", "Dimensions": DIMS, "Value": 25, "Unit": "Count"}
        ],
    )
    alarm = wait_for_state(cloudwatch, name, "OK")
    assert "25.0" in alarm["StateReason"]
    # ingestion stopped: two simulated hours later (~2 s) the alarm trips again
    wait_for_state(cloudwatch, name, "ALARM")

    history = cloudwatch.describe_alarm_history(
        AlarmName=name, HistoryItemType="StateUpdate", ScanBy="TimestampAscending"
    )
    assert [h["HistorySummary"] for h in history["AlarmHistoryItems"]][:3] == [
        "Alarm updated from INSUFFICIENT_DATA to ALARM",
        "Alarm updated from ALARM to OK",
        "Alarm updated from OK to ALARM",
    ]
    messages = notices(sqs, url, 3)
    assert [(m["OldStateValue"], m["NewStateValue"]) for m in messages][:3] == [
        ("INSUFFICIENT_DATA", "ALARM"),
        ("ALARM", "OK"),
        ("OK", "ALARM"),
    ]
    assert messages[0]["AlarmName"] == name and messages[0]["Trigger"]["Period"] == 3600
    assert messages[0]["Trigger"]["TreatMissingData"] == "breaching"


@pytest.fixture(scope="module")
def session_clients(local_cloud):
    kw = {"endpoint_url": local_cloud.config.endpoint, "region_name": "us-east-1"}
    return {s: boto3.client(s, **kw) for s in ("cloudwatch", "sns", "sqs")}


def test_set_alarm_state_fires_actions_and_is_in_history(session_clients):
    cloudwatch, sns, sqs = (session_clients[s] for s in ("cloudwatch", "sns", "sqs"))
    suffix = uuid.uuid4().hex[:8]
    topic, url = make_topic_with_queue(sns, sqs, f"manual-{suffix}")
    name = f"manual-{suffix}"
    cloudwatch.put_metric_alarm(
        AlarmName=name,
        Namespace="Test",
        MetricName="Errors",
        Statistic="Sum",
        Period=300,
        EvaluationPeriods=1,
        Threshold=5,
        ComparisonOperator="GreaterThanThreshold",
        TreatMissingData="ignore",
        AlarmActions=[topic],
    )
    cloudwatch.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="testing actions")
    alarm = cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]
    assert (alarm["StateValue"], alarm["StateReason"]) == ("ALARM", "testing actions")
    message = notices(sqs, url, 1)[0]
    assert message["NewStateValue"] == "ALARM" and message["NewStateReason"] == "testing actions"
    kinds = [
        h["HistoryItemType"]
        for h in cloudwatch.describe_alarm_history(AlarmName=name, ScanBy="TimestampAscending")[
            "AlarmHistoryItems"
        ]
    ]
    assert kinds == ["ConfigurationUpdate", "StateUpdate", "Action"]
