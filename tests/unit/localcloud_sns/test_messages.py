import json

import pytest

from localcloud.errors import AwsError
from localcloud.sns.api import resolve_since
from localcloud.sns.messages import (
    envelope,
    filter_values,
    lambda_event,
    message_for_protocol,
    parse_attributes,
    sns_timestamp,
)

MESSAGE = {
    "MessageId": "m1",
    "TopicArn": "arn:aws:sns:us-east-1:1:alerts",
    "Subject": "Hi",
    "Message": "body",
    "Timestamp": "2026-11-25T10:00:00.000Z",
    "MessageAttributes": {"kind": {"DataType": "String", "StringValue": "alarm"}},
}


def test_envelope_as_sns_sends_it():
    doc = envelope(MESSAGE, "arn:sub", "us-east-1", "http://127.0.0.1:4566")
    assert doc["Type"] == "Notification" and doc["Message"] == "body" and doc["Subject"] == "Hi"
    assert doc["MessageAttributes"] == {"kind": {"Type": "String", "Value": "alarm"}}
    assert doc["UnsubscribeURL"].endswith("SubscriptionArn=arn:sub")
    assert set(doc) >= {
        "MessageId",
        "TopicArn",
        "Timestamp",
        "SignatureVersion",
        "Signature",
        "SigningCertURL",
    }
    no_subject = envelope({**MESSAGE, "Subject": None, "MessageAttributes": {}}, "s", "r", "e")
    assert "Subject" not in no_subject and "MessageAttributes" not in no_subject


def test_lambda_event_record():
    record = lambda_event(MESSAGE, "arn:sub", "us-east-1", "e")["Records"][0]
    assert record["EventSource"] == "aws:sns" and record["EventSubscriptionArn"] == "arn:sub"
    assert record["Sns"]["Message"] == "body" and "SigningCertUrl" in record["Sns"]


def test_attributes_and_filter_values():
    form = {
        "MessageAttributes.entry.1.Name": "n",
        "MessageAttributes.entry.1.Value.DataType": "Number",
        "MessageAttributes.entry.1.Value.StringValue": "3.5",
        "MessageAttributes.entry.2.Name": "tags",
        "MessageAttributes.entry.2.Value.DataType": "String.Array",
        "MessageAttributes.entry.2.Value.StringValue": '["a", "b"]',
    }
    attributes = parse_attributes(form)
    assert attributes["n"] == {"DataType": "Number", "StringValue": "3.5"}
    assert filter_values(attributes) == {"n": 3.5, "tags": ["a", "b"]}


def test_message_structure_json_picks_the_protocol_text():
    message = {"Message": json.dumps({"default": "d", "sqs": "q"}), "MessageStructure": "json"}
    assert message_for_protocol(message, "sqs") == "q"
    assert message_for_protocol(message, "email") == "d"
    assert message_for_protocol({"Message": "plain"}, "sqs") == "plain"


def test_since_durations_and_iso_times():
    now = 1_764_072_000.0  # 2025-11-25T12:00:00Z
    assert resolve_since("2h", now) == "2025-11-25T10:00:00.000Z"
    assert resolve_since("30m", now) == sns_timestamp(now - 1800)
    assert resolve_since("2025-11-25T11:00:00+01:00", now) == "2025-11-25T10:00:00.000Z"
    assert resolve_since(None, now) is None
    with pytest.raises(AwsError):
        resolve_since("yesterday", now)
