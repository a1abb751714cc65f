"""AWS::SNS::Topic, AWS::SNS::TopicPolicy and AWS::SNS::Subscription through the SNS API."""

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
    tag_list,
)

_TOPIC_ATTRIBUTES = {
    "DisplayName": "DisplayName",
    "KmsMasterKeyId": "KmsMasterKeyId",
    "ContentBasedDeduplication": "ContentBasedDeduplication",
    "SignatureVersion": "SignatureVersion",
    "TracingConfig": "TracingConfig",
}
_SUBSCRIPTION_ATTRIBUTES = (
    "FilterPolicy",
    "FilterPolicyScope",
    "RawMessageDelivery",
    "RedrivePolicy",
    "DeliveryPolicy",
    "SubscriptionRoleArn",
    "ReplayPolicy",
)


def _attribute_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def subscription_attributes(props: dict[str, Any]) -> dict[str, str]:
    """Subscription properties as SNS subscription attributes (pure)."""
    return {k: _attribute_text(props[k]) for k in _SUBSCRIPTION_ATTRIBUTES if k in props}


class TopicHandler(ResourceHandler):
    type_name = "AWS::SNS::Topic"
    properties = frozenset({"TopicName", "FifoTopic", "Subscription", "Tags", *_TOPIC_ATTRIBUTES})
    replace_on = frozenset({"TopicName", "FifoTopic"})

    def create(self, ctx, props):
        fifo = bool(as_bool(props.get("FifoTopic")))
        name = props.get("TopicName") or ctx.physical_name(256 - 5 * fifo)
        if fifo and not name.endswith(".fifo"):
            name += ".fifo"
        attributes = {
            api: _attribute_text(props[cfn])
            for cfn, api in _TOPIC_ATTRIBUTES.items()
            if cfn in props
        }
        if fifo:
            attributes["FifoTopic"] = "true"
        sns = ctx.client("sns")
        arn = sns.create_topic(
            Name=name, Attributes=attributes, **compact(Tags=tag_list(props.get("Tags")) or None)
        )["TopicArn"]
        for item in props.get("Subscription", []):
            sns.subscribe(TopicArn=arn, Protocol=item["Protocol"], Endpoint=item["Endpoint"])
        return Provisioned(arn, {"TopicArn": arn, "TopicName": name})

    def update(self, ctx, current, old, new):
        sns = ctx.client("sns")
        arn = current.physical_id
        for cfn, api in _TOPIC_ATTRIBUTES.items():
            if old.get(cfn) != new.get(cfn):
                value = _attribute_text(new[cfn]) if cfn in new else ""
                sns.set_topic_attributes(TopicArn=arn, AttributeName=api, AttributeValue=value)
        if old.get("Subscription") != new.get("Subscription"):
            wanted = {(s["Protocol"], s["Endpoint"]) for s in new.get("Subscription", [])}
            had = {(s["Protocol"], s["Endpoint"]) for s in old.get("Subscription", [])}
            existing = sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]
            for sub in existing:
                key = (sub["Protocol"], sub["Endpoint"])
                if key in had and key not in wanted and sub["SubscriptionArn"].startswith("arn:"):
                    sns.unsubscribe(SubscriptionArn=sub["SubscriptionArn"])
            for protocol, endpoint in wanted - had:
                sns.subscribe(TopicArn=arn, Protocol=protocol, Endpoint=endpoint)
        if old.get("Tags") != new.get("Tags"):
            stale = {t["Key"] for t in tag_list(old.get("Tags"))} - {
                t["Key"] for t in tag_list(new.get("Tags"))
            }
            if stale:
                sns.untag_resource(ResourceArn=arn, TagKeys=sorted(stale))
            if new.get("Tags"):
                sns.tag_resource(ResourceArn=arn, Tags=tag_list(new["Tags"]))
        return current

    def delete(self, ctx, current, props):
        sns = ctx.client("sns")
        ignore_missing(lambda: sns.delete_topic(TopicArn=current.physical_id))


class TopicPolicyHandler(PolicyAttachmentHandler):
    type_name = "AWS::SNS::TopicPolicy"
    properties = frozenset({"Topics", "PolicyDocument"})
    required = properties
    targets = "Topics"

    def attach(self, ctx, target, document):
        ctx.client("sns").set_topic_attributes(
            TopicArn=target, AttributeName="Policy", AttributeValue=json_text(document)
        )

    def detach(self, ctx, target):
        """Put back SNS's default policy (owner-only), as deleting a TopicPolicy does."""
        default = {
            "Version": "2008-10-17",
            "Statement": [
                {
                    "Sid": "__default_statement_ID",
                    "Effect": "Allow",
                    "Principal": {"AWS": "*"},
                    "Action": ["SNS:Publish", "SNS:Subscribe"],
                    "Resource": target,
                    "Condition": {"StringEquals": {"AWS:SourceOwner": ctx.account}},
                }
            ],
        }
        sns = ctx.client("sns")
        ignore_missing(
            lambda: sns.set_topic_attributes(
                TopicArn=target, AttributeName="Policy", AttributeValue=json.dumps(default)
            )
        )


class SubscriptionHandler(ResourceHandler):
    type_name = "AWS::SNS::Subscription"
    properties = frozenset(
        {"TopicArn", "Protocol", "Endpoint", "Region", *_SUBSCRIPTION_ATTRIBUTES}
    )
    required = frozenset({"TopicArn", "Protocol"})
    replace_on = frozenset({"TopicArn", "Protocol", "Endpoint", "Region"})

    def create(self, ctx, props):
        arn = ctx.client("sns").subscribe(
            TopicArn=props["TopicArn"],
            Protocol=props["Protocol"],
            ReturnSubscriptionArn=True,
            Attributes=subscription_attributes(props),
            **compact(Endpoint=props.get("Endpoint")),
        )["SubscriptionArn"]
        return Provisioned(arn)

    def update(self, ctx, current, old, new):
        sns = ctx.client("sns")
        for name in _SUBSCRIPTION_ATTRIBUTES:
            if old.get(name) != new.get(name):
                value = _attribute_text(new[name]) if name in new else ""
                sns.set_subscription_attributes(
                    SubscriptionArn=current.physical_id, AttributeName=name, AttributeValue=value
                )
        return current

    def delete(self, ctx, current, props):
        sns = ctx.client("sns")
        ignore_missing(lambda: sns.unsubscribe(SubscriptionArn=current.physical_id))


HANDLERS = [TopicHandler(), TopicPolicyHandler(), SubscriptionHandler()]
