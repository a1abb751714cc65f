"""SQS: queues with their attributes and tags, and the messages they hold (oldest first).

Queues through the public API. Messages through moto's in-process backend, read only: the API
has no way to read a queue without receiving (which hides messages and counts receives) — a
sixth moto-internals touch beside decision 043's five (decision 144). Restored messages are new
messages (new ids, sent now, receive count 0) with the same body and message attributes."""

from __future__ import annotations

from pathlib import Path

from localcloud.persistence.common import read_json, write_json

_SETTABLE = ("DelaySeconds", "MaximumMessageSize", "MessageRetentionPeriod", "Policy",
             "ReceiveMessageWaitTimeSeconds", "VisibilityTimeout", "RedrivePolicy",
             "RedriveAllowPolicy", "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds",
             "SqsManagedSseEnabled", "FifoQueue", "ContentBasedDeduplication",
             "DeduplicationScope", "FifoThroughputLimit")


def queue_messages(account: str, region: str, name: str) -> list[dict]:
    """Body and message attributes of every message in the queue, oldest first."""
    from moto.sqs.models import sqs_backends

    queue = sqs_backends[account][region].queues.get(name)
    if queue is None:
        return []
    messages = sorted(queue._messages, key=lambda m: m.sent_timestamp or 0)
    return [{"Body": m.body, "MessageAttributes": dict(m.message_attributes or {}),
             "MessageGroupId": m.group_id, "MessageDeduplicationId": m.deduplication_id}
            for m in messages]


def export(cloud, root: Path) -> dict:
    sqs = cloud.client("sqs")
    queues = []
    for url in sqs.list_queues().get("QueueUrls", []):
        name = url.rstrip("/").split("/")[-1]
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        queues.append({
            "Name": name,
            "Attributes": {k: v for k, v in attributes.items() if k in _SETTABLE and v != ""},
            "Tags": sqs.list_queue_tags(QueueUrl=url).get("Tags", {}),
            "Messages": queue_messages(cloud.config.account, cloud.config.region, name),
        })
    write_json(root / "sqs.json", queues)
    return {"queues": len(queues), "messages": sum(len(q["Messages"]) for q in queues)}


def restore(cloud, root: Path) -> dict:
    sqs = cloud.client("sqs")
    queues = read_json(root / "sqs.json", [])
    for queue in queues:
        kwargs = {"QueueName": queue["Name"], "Attributes": queue["Attributes"]}
        if queue.get("Tags"):
            kwargs["tags"] = queue["Tags"]
        url = sqs.create_queue(**kwargs)["QueueUrl"]
        for message in queue.get("Messages", []):
            extra = {k: message[k] for k in ("MessageGroupId", "MessageDeduplicationId")
                     if message.get(k)}
            if message.get("MessageAttributes"):
                extra["MessageAttributes"] = message["MessageAttributes"]
            sqs.send_message(QueueUrl=url, MessageBody=message["Body"], **extra)
    return {"queues": len(queues)}
