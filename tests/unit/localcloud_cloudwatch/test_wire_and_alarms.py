"""CloudWatch wire decoding/encoding and the alarm manager with a fake CloudWatch."""

from datetime import datetime, timezone

from localcloud.clock import ManualClock
from localcloud.cloudwatch.alarms import AlarmManager, alarm_message
from localcloud.cloudwatch.metrics import MetricStore
from localcloud.cloudwatch.wire import decode_cbor, encode_cbor, unflatten_query


def test_query_form_unflattens_to_the_json_shape():
    form = {
        "Action": "PutMetricData",
        "Namespace": "DataLake",
        "MetricData.member.1.MetricName": "EventsIngested",
        "MetricData.member.1.Value": "3",
        "MetricData.member.1.Dimensions.member.1.Name": "StackName",
        "MetricData.member.1.Dimensions.member.1.Value": "dl",
        "MetricData.member.2.MetricName": "Other",
        "MetricData.member.2.Values.member.1": "1",
        "MetricData.member.2.Values.member.2": "2",
    }
    assert unflatten_query(form) == {
        "Namespace": "DataLake",
        "MetricData": [
            {
                "MetricName": "EventsIngested",
                "Value": "3",
                "Dimensions": [{"Name": "StackName", "Value": "dl"}],
            },
            {"MetricName": "Other", "Values": ["1", "2"]},
        ],
    }


def test_cbor_round_trip_through_botocores_decoder():
    when = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)
    value = {
        "AlarmHistoryItems": [
            {
                "AlarmName": "a",
                "Timestamp": when,
                "n": -3,
                "big": 70000,
                "f": 1.5,
                "ok": True,
                "none": None,
                "list": [1, "x"],
            }
        ],
        "NextToken": "10",
    }
    decoded = decode_cbor(encode_cbor(value))
    item = decoded["AlarmHistoryItems"][0]
    assert item["Timestamp"] == when and item["n"] == -3 and item["big"] == 70000
    assert item["list"] == [1, "x"] and "none" not in item and decoded["NextToken"] == "10"


ALARM = {
    "AlarmName": "dl-data-freshness",
    "AlarmArn": "arn:aws:cloudwatch:us-east-1:1:alarm:f",
    "Namespace": "DataLake",
    "MetricName": "EventsIngested",
    "Dimensions": [{"Name": "StackName", "Value": "dl"}],
    "Statistic": "Sum",
    "Period": 3600,
    "EvaluationPeriods": 2,
    "DatapointsToAlarm": 2,
    "Threshold": 1.0,
    "ComparisonOperator": "LessThanThreshold",
    "TreatMissingData": "breaching",
    "ActionsEnabled": True,
    "AlarmActions": ["arn:aws:sns:us-east-1:1:alerts"],
    "OKActions": ["arn:aws:sns:us-east-1:1:alerts"],
    "InsufficientDataActions": [],
}


class FakeCloud:
    """describe_alarms/set_alarm_state/publish, with SetAlarmState routed to the observer
    as the endpoint does."""

    def __init__(self):
        self.manager = None
        self.published = []

    def __call__(self, service):
        return self

    def describe_alarms(self, **kwargs):
        return {"MetricAlarms": [ALARM]}

    def set_alarm_state(self, **params):
        self.manager.on_set_alarm_state(params)

    def publish(self, **kwargs):
        self.published.append(kwargs)
        return {"MessageId": f"m{len(self.published)}"}


def test_manager_transitions_record_history_and_publish_alarm_json():
    import json

    cloud, clock, store = FakeCloud(), ManualClock(1_764_072_000), MetricStore()
    manager = cloud.manager = AlarmManager(cloud, clock, store, "us-east-1", "1", interval=1)
    # stored by moto, but PutMetricAlarm's observer has not run yet: not evaluated
    assert manager.evaluate_all() == []
    manager.on_put_metric_alarm({"AlarmName": "dl-data-freshness"})
    assert [c["StateValue"] for c in manager.evaluate_all()] == ["ALARM"]
    assert manager.evaluate_all() == []  # no change, no second notice
    store.add(
        "DataLake",
        {
            "MetricName": "EventsIngested",
            "Value": 4,
            "Dimensions": [{"Name": "StackName", "Value": "dl"}],
        },
        clock.now(),
    )
    clock.advance(60)
    assert [c["StateValue"] for c in manager.evaluate_all()] == ["OK"]
    subjects = [p["Subject"] for p in cloud.published]
    assert subjects == [
        'ALARM: "dl-data-freshness" in US East (N. Virginia)',
        'OK: "dl-data-freshness" in US East (N. Virginia)',
    ]
    first = json.loads(cloud.published[0]["Message"])
    assert first["OldStateValue"] == "INSUFFICIENT_DATA" and first["NewStateValue"] == "ALARM"
    assert first["Trigger"]["TreatMissingData"] == "breaching"
    history = manager.describe_history(
        {"AlarmName": "dl-data-freshness", "HistoryItemType": "StateUpdate"}
    )
    assert [i["HistorySummary"] for i in history["AlarmHistoryItems"]] == [
        "Alarm updated from ALARM to OK",
        "Alarm updated from INSUFFICIENT_DATA to ALARM",
    ]
    actions = manager.describe_history(
        {"HistoryItemType": "Action", "ScanBy": "TimestampAscending", "MaxRecords": 1}
    )
    assert len(actions["AlarmHistoryItems"]) == 1 and actions["NextToken"] == "1"


def test_alarm_message_shape():
    message = alarm_message(ALARM, "OK", "ALARM", "why", 1_764_072_000, "us-east-1", "1")
    assert message["StateChangeTime"] == "2025-11-25T12:00:00.000+0000"
    assert message["Trigger"]["Statistic"] == "SUM"
    assert message["Trigger"]["Dimensions"] == [{"value": "dl", "name": "StackName"}]


def test_manager_quietly_resyncs_moto_when_its_state_was_lost():
    cloud, clock, store = FakeCloud(), ManualClock(1_764_072_000), MetricStore()
    manager = cloud.manager = AlarmManager(cloud, clock, store, "us-east-1", "1", interval=1)
    manager.restore({"states": {ALARM["AlarmArn"]: "ALARM"}, "history": []})
    calls = []
    original = cloud.set_alarm_state

    def recording(**params):
        calls.append(params)
        original(**params)

    cloud.set_alarm_state = recording
    ALARM["StateValue"] = "INSUFFICIENT_DATA"  # what moto shows after a restore
    try:
        assert manager.evaluate_all() == []
    finally:
        del ALARM["StateValue"]
    assert [c["StateValue"] for c in calls] == ["ALARM"]
    assert cloud.published == []  # no transition, so no notice and no history
    assert manager.describe_history({})["AlarmHistoryItems"] == []


def test_describe_history_rejects_bad_parameters():
    import pytest

    from localcloud.errors import AwsError

    manager = AlarmManager(FakeCloud(), ManualClock(), MetricStore(), "us-east-1", "1", 1)
    for params in ({"MaxRecords": 0}, {"NextToken": "abc"}, {"HistoryItemType": "Bogus"}):
        with pytest.raises(AwsError) as err:
            manager.describe_history(params)
        assert err.value.code == "InvalidParameterValue" and err.value.status == 400
