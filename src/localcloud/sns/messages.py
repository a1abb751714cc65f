"""What SNS sends: the notification envelope (SQS, HTTP), the Lambda event record, and the
message attributes as filter policies see them. Pure functions."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

_CERT_URL = "https://sns.{region}.amazonaws.com/SimpleNotificationService-0000000000000000.pem"
_UNSUBSCRIBE = "{endpoint}/?Action=Unsubscribe&SubscriptionArn={arn}"


def sns_timestamp(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def parse_attributes(form: dict[str, str]) -> dict[str, dict]:
    """Query-protocol MessageAttributes.entry.N.{Name,Value.DataType,Value.StringValue}."""
    out: dict[str, dict] = {}
    index = 1
    while f"MessageAttributes.entry.{index}.Name" in form:
        prefix = f"MessageAttributes.entry.{index}"
        value = {"DataType": form.get(f"{prefix}.Value.DataType", "String")}
        for key in ("StringValue", "BinaryValue"):
            if f"{prefix}.Value.{key}" in form:
                value[key] = form[f"{prefix}.Value.{key}"]
        out[form[f"{prefix}.Name"]] = value
        index += 1
    return out


def envelope(message: dict, subscription_arn: str, region: str, endpoint: str) -> dict:
    """The JSON document SNS delivers to SQS (non-raw) and HTTP subscribers."""
    doc = {
        "Type": "Notification",
        "MessageId": message["MessageId"],
        "TopicArn": message["TopicArn"],
    }
    if message.get("Subject"):
        doc["Subject"] = message["Subject"]
    doc.update(
        {
            "Message": message["Message"],
            "Timestamp": message["Timestamp"],
            "SignatureVersion": "1",
            "Signature": "TE9DQUwgQ0xPVUQgLSBOT1QgU0lHTkVE",  # base64("LOCAL CLOUD - NOT SIGNED")
            "SigningCertURL": _CERT_URL.format(region=region),
            "UnsubscribeURL": _UNSUBSCRIBE.format(endpoint=endpoint, arn=subscription_arn),
        }
    )
    if message.get("MessageAttributes"):
        doc["MessageAttributes"] = {
            name: {"Type": v["DataType"], "Value": v.get("StringValue", v.get("BinaryValue"))}
            for name, v in message["MessageAttributes"].items()
        }
    return doc


def lambda_event(message: dict, subscription_arn: str, region: str, endpoint: str) -> dict:
    """The event a Lambda subscriber receives."""
    doc = envelope(message, subscription_arn, region, endpoint)
    sns = {
        "Type": "Notification",
        "MessageId": doc["MessageId"],
        "TopicArn": doc["TopicArn"],
        "Subject": message.get("Subject"),
        "Message": doc["Message"],
        "Timestamp": doc["Timestamp"],
        "SignatureVersion": "1",
        "Signature": doc["Signature"],
        "SigningCertUrl": doc["SigningCertURL"],
        "UnsubscribeUrl": doc["UnsubscribeURL"],
        "MessageAttributes": doc.get("MessageAttributes", {}),
    }
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": subscription_arn,
                "Sns": sns,
            }
        ]
    }


def message_for_protocol(message: dict, protocol: str) -> str:
    """MessageStructure=json: the protocol's own text, else 'default'."""
    if message.get("MessageStructure") != "json":
        return message["Message"]
    texts = json.loads(message["Message"])
    return texts.get(protocol, texts["default"])


def filter_values(attributes: dict[str, dict]) -> dict[str, Any]:
    """Message attributes as a filter policy compares them (numbers as numbers, arrays)."""
    out: dict[str, Any] = {}
    for name, value in attributes.items():
        text = value.get("StringValue")
        kind = value.get("DataType", "String")
        if kind.startswith("Number"):
            try:
                out[name] = float(text)
            except (TypeError, ValueError):
                out[name] = text
        elif kind == "String.Array":
            try:
                out[name] = json.loads(text)
            except (TypeError, ValueError):
                out[name] = text
        elif kind.startswith("String"):
            out[name] = text
    return out
