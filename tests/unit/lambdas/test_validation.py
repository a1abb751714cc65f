"""The validation Lambda against moto-mocked S3, SNS (read through SQS) and CloudWatch."""

import json
from datetime import datetime, timezone
from urllib.parse import quote_plus

import pytest

from datalake.events import raw_key, raw_line

ARRIVAL = datetime(2026, 11, 25, 10, 0, 1, tzinfo=timezone.utc)
GOOD_IOT = '{"source":"iot","event_type":"r","event_id":"g1","timestamp":"2026-11-25T10:00:00Z","data":{"device_id":"d1","temperature":21}}'  # noqa: E501
NO_DEVICE = '{"source":"iot","event_type":"r","event_id":"b1","data":{"temperature":"hot"}}'
WEB_IN_IOT = '{"source":"web","event_type":"v","event_id":"b2","data":{"device_id":"x"}}'


def _object(*bodies: str) -> bytes:
    lines = [raw_line(b, f"ing-{i}", "req-1", ARRIVAL) for i, b in enumerate(bodies)]
    return ("\n".join(lines) + "\n").encode()


def _s3_event(bucket: str, key: str, name: str = "ObjectCreated:Put") -> dict:
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "eventName": name,
                "s3": {
                    "bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
                    "object": {"key": quote_plus(key, safe="/"), "size": 1},
                },
            }
        ]
    }


@pytest.fixture
def put(cloud):
    def put(content: bytes, source: str = "iot", key: str | None = None) -> str:
        key = key or raw_key(source, ARRIVAL, "req-1")
        cloud.s3.put_object(Bucket=cloud.bucket, Key=key, Body=content)
        return key

    return put


def test_key_in_the_event_is_url_decoded():
    key = raw_key("iot", ARRIVAL, "req-1")
    event = _s3_event("b", key)
    assert "%3D" in event["Records"][0]["s3"]["object"]["key"]


def test_valid_object_sends_no_alert_and_counts_valid_events(validation, cloud, put):
    key = put(_object(GOOD_IOT, GOOD_IOT.replace("g1", "g2")))
    result = validation.handler(_s3_event(cloud.bucket, key), None)
    assert result == {
        "objects": [
            {
                "bucket": cloud.bucket,
                "key": key,
                "source": "iot",
                "events": 2,
                "valid": 2,
                "invalid": 0,
                "quality_avg": 1.0,
            }
        ]
    }
    assert cloud.alerts() == []
    assert cloud.metric_sum("ValidEvents", {"StackName": "datalake", "Source": "iot"}) == 2
    assert cloud.metric_sum("InvalidEvents", {"StackName": "datalake", "Source": "iot"}) == 0
    assert cloud.metric_sum("ValidEvents", {"StackName": "datalake"}) == 2
    held = cloud.metric_dimension_sets("InvalidEvents")
    for dimensions in [
        {"StackName": "datalake"},
        {"StackName": "datalake", "Source": "iot"},
    ]:
        assert dimensions in held


def test_invalid_events_send_one_alert_naming_fields(validation, cloud, put):
    content = _object(GOOD_IOT, NO_DEVICE, WEB_IN_IOT) + b"not json\n"
    key = put(content)
    summary = validation.handler(_s3_event(cloud.bucket, key), None)["objects"][0]
    assert (summary["events"], summary["valid"], summary["invalid"]) == (4, 1, 3)
    (alert,) = cloud.alerts()
    assert alert["Subject"] == "[datalake] 3 invalid event(s) in raw object (iot)"
    message = alert["Message"]
    assert {
        k: message[k]
        for k in ("alert", "stack", "bucket", "key", "source", "events", "valid", "invalid")
    } == {
        "alert": "invalid_events",
        "stack": "datalake",
        "bucket": cloud.bucket,
        "key": key,
        "source": "iot",
        "events": 4,
        "valid": 1,
        "invalid": 3,
    }
    assert [(e["line"], e["event_id"], e["field"], e["rule"]) for e in message["errors"]] == [
        (2, "b1", "data.device_id", "required"),
        (2, "b1", "data.temperature", "type"),
        (3, "b2", "source", "partition_mismatch"),
        (4, None, "line", "invalid_json"),
    ]
    assert cloud.metric_sum("ValidEvents", {"StackName": "datalake", "Source": "iot"}) == 1
    assert cloud.metric_sum("InvalidEvents", {"StackName": "datalake", "Source": "iot"}) == 3


def test_many_invalid_events_still_one_alert_with_the_first_errors(validation, cloud, put):
    key = put(_object(*[NO_DEVICE.replace("b1", f"b{i}") for i in range(30)]))
    validation.handler(_s3_event(cloud.bucket, key), None)
    (alert,) = cloud.alerts()
    assert alert["Message"]["invalid"] == 30
    assert len(alert["Message"]["errors"]) == 20
    assert alert["Message"]["errors"][0]["line"] == 1


def test_one_alert_per_object(validation, cloud, put):
    first = put(_object(NO_DEVICE), key=raw_key("iot", ARRIVAL, "req-a"))
    second = put(_object(NO_DEVICE), key=raw_key("iot", ARRIVAL, "req-b"))
    event = {
        "Records": _s3_event(cloud.bucket, first)["Records"]
        + _s3_event(cloud.bucket, second)["Records"]
    }
    assert len(validation.handler(event, None)["objects"]) == 2
    assert sorted(a["Message"]["key"] for a in cloud.alerts()) == [first, second]


def test_schema_of_the_source_applies(validation, cloud, put):
    web_ok = '{"source":"web","event_type":"v","data":{"session_id":"s","page":"/"}}'
    web_bad = '{"source":"web","event_type":"v","data":{"page":"/"}}'
    key = put(_object(web_ok, web_bad), source="web")
    summary = validation.handler(_s3_event(cloud.bucket, key), None)["objects"][0]
    assert (summary["valid"], summary["invalid"]) == (1, 1)
    assert cloud.alerts()[0]["Message"]["errors"][0]["field"] == "data.session_id"


def test_key_outside_the_raw_layout_is_reported(validation, cloud, put):
    key = put(_object(GOOD_IOT), key="uploads/some file.json")
    summary = validation.handler(_s3_event(cloud.bucket, key), None)["objects"][0]
    assert (summary["source"], summary["invalid"]) == ("unknown", 1)
    assert cloud.alerts()[0]["Message"]["errors"][0]["rule"] == "raw_layout"


def test_other_events_are_ignored(validation, cloud, put):
    key = put(_object(NO_DEVICE))
    assert validation.handler(_s3_event(cloud.bucket, key, "ObjectRemoved:Delete"), None) == {
        "objects": []
    }
    assert validation.handler({"Event": "s3:TestEvent"}, None) == {"objects": []}
    assert cloud.alerts() == []


def test_alert_failure_raises_for_a_retry_and_publishes_no_metrics(
    validation, cloud, put, monkeypatch
):
    monkeypatch.setenv("ALERTS_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:missing")
    key = put(_object(NO_DEVICE))
    with pytest.raises(Exception, match="NotFound|does not exist"):
        validation.handler(_s3_event(cloud.bucket, key), None)
    assert cloud.metric_sum("InvalidEvents", {"StackName": "datalake"}) is None


def test_logs_are_json_lines(validation, cloud, put, capsys):
    key = put(_object(GOOD_IOT, NO_DEVICE))
    validation.handler(_s3_event(cloud.bucket, key), None)
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["message"] for r in records] == ["invalid event", "object validated"]
    assert records[0]["event_id"] == "b1" and records[0]["line"] == 2
    assert records[1]["invalid"] == 1 and records[1]["key"] == key
