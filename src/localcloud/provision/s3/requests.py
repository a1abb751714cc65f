"""Pure translations: S3 bucket properties of CloudFormation as the S3 API's shapes."""

from __future__ import annotations

from typing import Any

from localcloud.provision.base import (
    as_bool,
    as_int,
    compact,
)
from localcloud.provision.errors import TemplateError

CANNED_ACLS = {
    "Private": "private",
    "PublicRead": "public-read",
    "PublicReadWrite": "public-read-write",
    "AuthenticatedRead": "authenticated-read",
    "LogDeliveryWrite": "log-delivery-write",
    "BucketOwnerRead": "bucket-owner-read",
    "BucketOwnerFullControl": "bucket-owner-full-control",
    "AwsExecRead": "aws-exec-read",
}


def lifecycle_rules(config: dict[str, Any]) -> list[dict[str, Any]]:
    """LifecycleConfiguration.Rules as PutBucketLifecycleConfiguration takes them."""
    return [_lifecycle_rule(rule) for rule in config.get("Rules", [])]


def _lifecycle_rule(rule: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = compact(ID=rule.get("Id"), Status=rule["Status"])
    out["Filter"] = _lifecycle_filter(rule)
    expiration = compact(
        Days=as_int(rule.get("ExpirationInDays")),
        Date=rule.get("ExpirationDate"),
        ExpiredObjectDeleteMarker=as_bool(rule.get("ExpiredObjectDeleteMarker")),
    )
    if expiration:
        out["Expiration"] = expiration
    transitions = list(rule.get("Transitions", []))
    if "Transition" in rule:
        transitions.append(rule["Transition"])
    if transitions:
        out["Transitions"] = [
            compact(
                Days=as_int(t.get("TransitionInDays")),
                Date=t.get("TransitionDate"),
                StorageClass=t["StorageClass"],
            )
            for t in transitions
        ]
    noncurrent = dict(rule.get("NoncurrentVersionExpiration", {}))
    if "NoncurrentVersionExpirationInDays" in rule:
        noncurrent["NoncurrentDays"] = rule["NoncurrentVersionExpirationInDays"]
    if noncurrent:
        out["NoncurrentVersionExpiration"] = compact(
            NoncurrentDays=as_int(noncurrent.get("NoncurrentDays")),
            NewerNoncurrentVersions=as_int(noncurrent.get("NewerNoncurrentVersions")),
        )
    nc_transitions = list(rule.get("NoncurrentVersionTransitions", []))
    if "NoncurrentVersionTransition" in rule:
        nc_transitions.append(rule["NoncurrentVersionTransition"])
    if nc_transitions:
        out["NoncurrentVersionTransitions"] = [
            compact(
                NoncurrentDays=as_int(t.get("TransitionInDays")),
                StorageClass=t["StorageClass"],
                NewerNoncurrentVersions=as_int(t.get("NewerNoncurrentVersions")),
            )
            for t in nc_transitions
        ]
    abort = rule.get("AbortIncompleteMultipartUpload")
    if abort:
        out["AbortIncompleteMultipartUpload"] = {
            "DaysAfterInitiation": as_int(abort["DaysAfterInitiation"])
        }
    return out


def _lifecycle_filter(rule: dict[str, Any]) -> dict[str, Any]:
    parts: dict[str, Any] = compact(
        Prefix=rule.get("Prefix"),
        ObjectSizeGreaterThan=as_int(rule.get("ObjectSizeGreaterThan")),
        ObjectSizeLessThan=as_int(rule.get("ObjectSizeLessThan")),
    )
    tags = [{"Key": t["Key"], "Value": t["Value"]} for t in rule.get("TagFilters", [])]
    if tags:
        parts["Tags"] = tags
    if len(parts) > 1 or "Tags" in parts and len(tags) > 1:
        return {"And": parts}
    if "Tags" in parts:
        return {"Tag": tags[0]}
    return parts or {"Prefix": ""}


def notification_configuration(config: dict[str, Any]) -> dict[str, Any]:
    """NotificationConfiguration as PutBucketNotificationConfiguration takes it."""
    out: dict[str, Any] = {}
    kinds = (
        ("LambdaConfigurations", "LambdaFunctionConfigurations", "Function", "LambdaFunctionArn"),
        ("QueueConfigurations", "QueueConfigurations", "Queue", "QueueArn"),
        ("TopicConfigurations", "TopicConfigurations", "Topic", "TopicArn"),
    )
    for cfn_key, api_key, target, api_target in kinds:
        items = config.get(cfn_key, [])
        if items:
            out[api_key] = [
                compact(
                    **{api_target: item[target]},
                    Events=[item["Event"]],
                    Filter=_notification_filter(item.get("Filter")),
                )
                for item in items
            ]
    bridge = config.get("EventBridgeConfiguration")
    if bridge and as_bool(bridge.get("EventBridgeEnabled", True)):
        out["EventBridgeConfiguration"] = {}
    return out


def _notification_filter(spec: dict[str, Any] | None) -> dict[str, Any] | None:
    if not spec:
        return None
    rules = spec.get("S3Key", {}).get("Rules", [])
    return {"Key": {"FilterRules": [{"Name": r["Name"], "Value": r["Value"]} for r in rules]}}


def cors_rules(config: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        compact(
            ID=rule.get("Id"),
            AllowedHeaders=rule.get("AllowedHeaders"),
            AllowedMethods=rule["AllowedMethods"],
            AllowedOrigins=rule["AllowedOrigins"],
            ExposeHeaders=rule.get("ExposedHeaders"),
            MaxAgeSeconds=as_int(rule.get("MaxAge")),
        )
        for rule in config.get("CorsRules", [])
    ]


def encryption_rules(config: dict[str, Any]) -> list[dict[str, Any]]:
    rules = []
    for rule in config.get("ServerSideEncryptionConfiguration", []):
        default = rule.get("ServerSideEncryptionByDefault", {})
        rules.append(
            compact(
                ApplyServerSideEncryptionByDefault=compact(
                    SSEAlgorithm=default.get("SSEAlgorithm"),
                    KMSMasterKeyID=default.get("KMSMasterKeyID"),
                )
                or None,
                BucketKeyEnabled=as_bool(rule.get("BucketKeyEnabled")),
            )
        )
    return rules


def public_access_block(config: dict[str, Any]) -> dict[str, bool]:
    names = ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")
    return {name: bool(as_bool(config.get(name, False))) for name in names}


def replication_configuration(config: dict[str, Any]) -> dict[str, Any]:
    rules = []
    for rule in config["Rules"]:
        item = {k: v for k, v in rule.items() if k not in ("Prefix", "Filter")}
        item["ID"] = item.pop("Id", None) or f"rule-{len(rules) + 1}"
        if "Priority" in item:
            item["Priority"] = as_int(item["Priority"])
        if "Filter" in rule:
            item["Filter"] = rule["Filter"]
        else:
            item["Prefix"] = rule.get("Prefix", "")
        rules.append(item)
    return {"Role": config["Role"], "Rules": rules}


def principal_objects(policy: dict[str, Any]) -> dict[str, Any]:
    """The same policy with each `"Principal": "*"` written as `{"AWS": "*"}` (equivalent)."""
    statements = policy.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    fixed = [
        {**st, "Principal": {"AWS": "*"}} if st.get("Principal") == "*" else st for st in statements
    ]
    return {**policy, "Statement": fixed}


def canned_acl(value: str) -> str:
    if value not in CANNED_ACLS:
        raise TemplateError(f"AccessControl {value!r}: not one of {sorted(CANNED_ACLS)}")
    return CANNED_ACLS[value]
