"""SNS: topics with attributes and tags, and their subscriptions."""

from __future__ import annotations

from pathlib import Path

from localcloud.persistence.common import paginate, read_json, write_json

_TOPIC_ATTRIBUTES = ("DisplayName", "Policy", "DeliveryPolicy", "KmsMasterKeyId",
                     "FifoTopic", "ContentBasedDeduplication")
_SUBSCRIPTION_ATTRIBUTES = ("FilterPolicy", "FilterPolicyScope", "RawMessageDelivery",
                            "RedrivePolicy", "DeliveryPolicy")


def export(cloud, root: Path) -> dict:
    sns = cloud.client("sns")
    topics = []
    for topic in paginate(sns, "list_topics", "Topics"):
        arn = topic["TopicArn"]
        attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
        subscriptions = []
        for sub in paginate(sns, "list_subscriptions_by_topic", "Subscriptions", TopicArn=arn):
            if sub["SubscriptionArn"] in ("PendingConfirmation", "Deleted"):
                continue
            sub_attrs = sns.get_subscription_attributes(
                SubscriptionArn=sub["SubscriptionArn"])["Attributes"]
            subscriptions.append({"Protocol": sub["Protocol"], "Endpoint": sub["Endpoint"],
                                  "Attributes": {k: v for k, v in sub_attrs.items()
                                                 if k in _SUBSCRIPTION_ATTRIBUTES}})
        topics.append({
            "Name": arn.split(":")[-1],
            "Attributes": {k: v for k, v in attributes.items() if k in _TOPIC_ATTRIBUTES},
            "Tags": sns.list_tags_for_resource(ResourceArn=arn).get("Tags", []),
            "Subscriptions": subscriptions,
        })
    write_json(root / "sns.json", topics)
    return {"topics": len(topics), "subscriptions": sum(len(t["Subscriptions"]) for t in topics)}


def restore(cloud, root: Path) -> dict:
    sns = cloud.client("sns")
    topics = read_json(root / "sns.json", [])
    for topic in topics:
        kwargs = {"Name": topic["Name"], "Attributes": topic["Attributes"]}
        if topic["Tags"]:
            kwargs["Tags"] = topic["Tags"]
        arn = sns.create_topic(**kwargs)["TopicArn"]
        for sub in topic["Subscriptions"]:
            sns.subscribe(TopicArn=arn, Protocol=sub["Protocol"], Endpoint=sub["Endpoint"],
                          Attributes=sub["Attributes"], ReturnSubscriptionArn=True)
    return {"topics": len(topics)}
