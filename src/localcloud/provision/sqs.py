"""AWS::SQS::Queue and AWS::SQS::QueuePolicy through the SQS API."""

from __future__ import annotations

import json
from typing import Any

from localcloud.provision.base import (
    PolicyAttachmentHandler,
    Provisioned,
    ResourceHandler,
    as_bool,
    compact,
    ignore_missing,
    json_text,
    tag_dict,
)

# CloudFormation property -> SQS queue attribute (same names; the JSON ones are documents).
_ATTRIBUTES = (
    "ContentBasedDeduplication",
    "DeduplicationScope",
    "DelaySeconds",
    "FifoThroughputLimit",
    "KmsDataKeyReusePeriodSeconds",
    "KmsMasterKeyId",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "RedriveAllowPolicy",
    "RedrivePolicy",
    "SqsManagedSseEnabled",
    "VisibilityTimeout",
)
# What SQS puts back when CloudFormation removes a property (SetQueueAttributes has no "unset").
_DEFAULTS = {
    "DelaySeconds": "0",
    "MaximumMessageSize": "262144",
    "MessageRetentionPeriod": "345600",
    "ReceiveMessageWaitTimeSeconds": "0",
    "VisibilityTimeout": "30",
    "KmsMasterKeyId": "",
    "RedrivePolicy": "",
    "SqsManagedSseEnabled": "true",
}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def queue_attributes(props: dict[str, Any]) -> dict[str, str]:
    """Queue properties as SQS CreateQueue attributes (pure)."""
    attributes = {name: _text(props[name]) for name in _ATTRIBUTES if name in props}
    if as_bool(props.get("FifoQueue")):
        attributes["FifoQueue"] = "true"
    return attributes


def queue_arn_from_url(url: str, region: str) -> str:
    """`arn:aws:sqs:{region}:{account}:{name}` from a queue URL `…/{account}/{name}`."""
    account, name = url.rstrip("/").split("/")[-2:]
    return f"arn:aws:sqs:{region}:{account}:{name}"


class QueueHandler(ResourceHandler):
    type_name = "AWS::SQS::Queue"
    properties = frozenset({"QueueName", "FifoQueue", "Tags", *_ATTRIBUTES})
    replace_on = frozenset({"QueueName", "FifoQueue"})

    def create(self, ctx, props):
        fifo = bool(as_bool(props.get("FifoQueue")))
        name = props.get("QueueName") or ctx.physical_name(80 - 5 * fifo)
        if fifo and not name.endswith(".fifo"):
            name += ".fifo"
        url = ctx.client("sqs").create_queue(
            QueueName=name,
            Attributes=queue_attributes(props),
            **compact(tags=tag_dict(props.get("Tags")) or None),
        )["QueueUrl"]
        return Provisioned(url, {"Arn": queue_arn_from_url(url, ctx.region), "QueueName": name,
                                 "QueueUrl": url})

    def update(self, ctx, current, old, new):
        sqs = ctx.client("sqs")
        changed = {
            name: _text(new[name]) if name in new else _DEFAULTS.get(name, "")
            for name in _ATTRIBUTES
            if old.get(name) != new.get(name)
        }
        if changed:
            sqs.set_queue_attributes(QueueUrl=current.physical_id, Attributes=changed)
        if old.get("Tags") != new.get("Tags"):
            stale = sorted(set(tag_dict(old.get("Tags"))) - set(tag_dict(new.get("Tags"))))
            if stale:
                sqs.untag_queue(QueueUrl=current.physical_id, TagKeys=stale)
            if new.get("Tags"):
                sqs.tag_queue(QueueUrl=current.physical_id, Tags=tag_dict(new["Tags"]))
        return current

    def delete(self, ctx, current, props):
        sqs = ctx.client("sqs")
        ignore_missing(lambda: sqs.delete_queue(QueueUrl=current.physical_id),
                       "AWS.SimpleQueueService.NonExistentQueue")


class QueuePolicyHandler(PolicyAttachmentHandler):
    type_name = "AWS::SQS::QueuePolicy"
    properties = frozenset({"Queues", "PolicyDocument"})
    required = properties
    targets = "Queues"

    def attach(self, ctx, target, document):
        ctx.client("sqs").set_queue_attributes(
            QueueUrl=target, Attributes={"Policy": json_text(document)}
        )

    def detach(self, ctx, target):
        """Remove the policy, as deleting a QueuePolicy does (the queue may be gone already)."""
        sqs = ctx.client("sqs")
        ignore_missing(
            lambda: sqs.set_queue_attributes(QueueUrl=target, Attributes={"Policy": ""}),
            "AWS.SimpleQueueService.NonExistentQueue",
        )


HANDLERS = [QueueHandler(), QueuePolicyHandler()]
