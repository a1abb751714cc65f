"""AWS::S3::Bucket and AWS::S3::BucketPolicy through the S3 API, every configuration applied."""

from __future__ import annotations

import json
import logging
from typing import Any

from localcloud.provision.base import (
    Context,
    Provisioned,
    ResourceHandler,
    as_bool,
    as_int,
    compact,
    error_code,
    ignore_missing,
    json_text,
    tag_list,
)
from localcloud.provision.errors import TemplateError

_logger = logging.getLogger(__name__)

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


# -- pure translations: CloudFormation shape -> S3 API shape ------------------------------------
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


# -- the handlers --------------------------------------------------------------------------------
class BucketHandler(ResourceHandler):
    type_name = "AWS::S3::Bucket"
    properties = frozenset(
        {
            "BucketName",
            "AccessControl",
            "BucketEncryption",
            "CorsConfiguration",
            "LifecycleConfiguration",
            "LoggingConfiguration",
            "NotificationConfiguration",
            "OwnershipControls",
            "PublicAccessBlockConfiguration",
            "ReplicationConfiguration",
            "Tags",
            "VersioningConfiguration",
        }
    )
    replace_on = frozenset({"BucketName"})

    def create(self, ctx: Context, props: dict[str, Any]) -> Provisioned:
        name = props.get("BucketName") or ctx.physical_name(63, lowercase=True)
        s3 = ctx.client("s3")
        kwargs: dict[str, Any] = {"Bucket": name}
        if ctx.region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": ctx.region}
        s3.create_bucket(**kwargs)
        current = Provisioned(name, self._attributes(ctx, name))
        self._configure(s3, name, {}, props)
        return current

    def update(self, ctx, current, old, new):
        self._configure(ctx.client("s3"), current.physical_id, old, new)
        return current

    def delete(self, ctx, current, props):
        s3 = ctx.client("s3")
        name = current.physical_id
        ignore_missing(lambda: empty_bucket(s3, name))
        ignore_missing(lambda: s3.delete_bucket(Bucket=name))

    @staticmethod
    def _attributes(ctx: Context, name: str) -> dict[str, Any]:
        return {
            "Arn": f"arn:aws:s3:::{name}",
            "DomainName": f"{name}.s3.amazonaws.com",
            "RegionalDomainName": f"{name}.s3.{ctx.region}.amazonaws.com",
            "DualStackDomainName": f"{name}.s3.dualstack.{ctx.region}.amazonaws.com",
            "WebsiteURL": f"http://{name}.s3-website-{ctx.region}.amazonaws.com",
        }

    def _configure(self, s3, name: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        """Apply each configuration that is new or changed; remove the ones dropped."""
        for prop, apply, remove in self._appliers(s3, name):
            if new.get(prop) == old.get(prop):
                continue
            if prop in new:
                _logger.debug("bucket %s: applying %s", name, prop)
                apply(new[prop])
            elif remove is not None:
                ignore_missing(remove)

    @staticmethod
    def _appliers(s3, name: str):
        # Versioning, once enabled, can only be suspended (S3 has no "unversioned" again).
        return [
            (
                "AccessControl",
                lambda v: s3.put_bucket_acl(Bucket=name, ACL=_canned_acl(v)),
                lambda: s3.put_bucket_acl(Bucket=name, ACL="private"),
            ),
            (
                "OwnershipControls",
                lambda v: s3.put_bucket_ownership_controls(
                    Bucket=name, OwnershipControls={"Rules": v["Rules"]}
                ),
                lambda: s3.delete_bucket_ownership_controls(Bucket=name),
            ),
            (
                "VersioningConfiguration",
                lambda v: s3.put_bucket_versioning(
                    Bucket=name, VersioningConfiguration={"Status": v["Status"]}
                ),
                lambda: s3.put_bucket_versioning(
                    Bucket=name, VersioningConfiguration={"Status": "Suspended"}
                ),
            ),
            (
                "BucketEncryption",
                lambda v: s3.put_bucket_encryption(
                    Bucket=name, ServerSideEncryptionConfiguration={"Rules": encryption_rules(v)}
                ),
                lambda: s3.delete_bucket_encryption(Bucket=name),
            ),
            (
                "PublicAccessBlockConfiguration",
                lambda v: s3.put_public_access_block(
                    Bucket=name, PublicAccessBlockConfiguration=public_access_block(v)
                ),
                lambda: s3.delete_public_access_block(Bucket=name),
            ),
            (
                "LifecycleConfiguration",
                lambda v: s3.put_bucket_lifecycle_configuration(
                    Bucket=name, LifecycleConfiguration={"Rules": lifecycle_rules(v)}
                ),
                lambda: s3.delete_bucket_lifecycle(Bucket=name),
            ),
            (
                "CorsConfiguration",
                lambda v: s3.put_bucket_cors(
                    Bucket=name, CORSConfiguration={"CORSRules": cors_rules(v)}
                ),
                lambda: s3.delete_bucket_cors(Bucket=name),
            ),
            (
                "LoggingConfiguration",
                lambda v: put_bucket_logging(s3, name, v),
                lambda: s3.put_bucket_logging(Bucket=name, BucketLoggingStatus={}),
            ),
            (
                "ReplicationConfiguration",
                lambda v: s3.put_bucket_replication(
                    Bucket=name, ReplicationConfiguration=replication_configuration(v)
                ),
                lambda: s3.delete_bucket_replication(Bucket=name),
            ),
            (
                "Tags",
                lambda v: s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": tag_list(v)}),
                lambda: s3.delete_bucket_tagging(Bucket=name),
            ),
            (
                "NotificationConfiguration",
                lambda v: s3.put_bucket_notification_configuration(
                    Bucket=name, NotificationConfiguration=notification_configuration(v)
                ),
                lambda: s3.put_bucket_notification_configuration(
                    Bucket=name, NotificationConfiguration={}
                ),
            ),
        ]


def put_bucket_logging(s3, name: str, config: dict[str, Any]) -> None:
    """Apply LoggingConfiguration (server access logs to DestinationBucketName)."""
    target = config.get("DestinationBucketName", name)
    status = {
        "LoggingEnabled": {"TargetBucket": target, "TargetPrefix": config.get("LogFilePrefix", "")}
    }
    original = _bucket_policy(s3, target)
    equivalent = principal_objects(json.loads(original)) if original else None
    if not original or equivalent == json.loads(original):
        s3.put_bucket_logging(Bucket=name, BucketLoggingStatus=status)
        return
    # moto 5.2 quirk: its check of the target's policy crashes on `"Principal": "*"`; check
    # against the equivalent `{"AWS": "*"}` form, then put the exact policy back.
    s3.put_bucket_policy(Bucket=target, Policy=json.dumps(equivalent))
    try:
        s3.put_bucket_logging(Bucket=name, BucketLoggingStatus=status)
    finally:
        s3.put_bucket_policy(Bucket=target, Policy=original)


def _bucket_policy(s3, bucket: str) -> str | None:
    try:
        return s3.get_bucket_policy(Bucket=bucket)["Policy"]
    except Exception as error:
        if error_code(error) in ("NoSuchBucketPolicy", "NoSuchBucket"):
            return None
        raise


def principal_objects(policy: dict[str, Any]) -> dict[str, Any]:
    """The same policy with each `"Principal": "*"` written as `{"AWS": "*"}` (equivalent)."""
    statements = policy.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    fixed = [
        {**st, "Principal": {"AWS": "*"}} if st.get("Principal") == "*" else st for st in statements
    ]
    return {**policy, "Statement": fixed}


def _canned_acl(value: str) -> str:
    if value not in CANNED_ACLS:
        raise TemplateError(f"AccessControl {value!r}: not one of {sorted(CANNED_ACLS)}")
    return CANNED_ACLS[value]


def empty_bucket(s3, name: str) -> None:
    """Delete every object version and delete marker (and plain objects) of a bucket."""
    paginator = s3.get_paginator("list_object_versions")
    for page in paginator.paginate(Bucket=name):
        doomed = [
            {"Key": v["Key"], "VersionId": v["VersionId"]}
            for v in page.get("Versions", []) + page.get("DeleteMarkers", [])
        ]
        for start in range(0, len(doomed), 1000):
            s3.delete_objects(Bucket=name, Delete={"Objects": doomed[start : start + 1000]})
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=name):
        keys = [{"Key": o["Key"]} for o in page.get("Contents", [])]
        if keys:
            s3.delete_objects(Bucket=name, Delete={"Objects": keys})


class BucketPolicyHandler(ResourceHandler):
    type_name = "AWS::S3::BucketPolicy"
    properties = frozenset({"Bucket", "PolicyDocument"})
    required = properties
    replace_on = frozenset({"Bucket"})

    def create(self, ctx, props):
        ctx.client("s3").put_bucket_policy(
            Bucket=props["Bucket"], Policy=json_text(props["PolicyDocument"])
        )
        return Provisioned(props["Bucket"])

    def update(self, ctx, current, old, new):
        return self.create(ctx, new)

    def delete(self, ctx, current, props):
        s3 = ctx.client("s3")
        ignore_missing(lambda: s3.delete_bucket_policy(Bucket=props["Bucket"]))


HANDLERS = [BucketHandler(), BucketPolicyHandler()]
