"""AWS::S3::Bucket: the bucket and each of its configurations, applied with its own call;
emptied of every version before deletion."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from localcloud.provision.base import (
    Context,
    Provisioned,
    ResourceHandler,
    error_code,
    ignore_missing,
    tag_list,
)
from localcloud.provision.s3.requests import (
    canned_acl,
    cors_rules,
    encryption_rules,
    lifecycle_rules,
    notification_configuration,
    principal_objects,
    public_access_block,
    replication_configuration,
)

_logger = logging.getLogger(__name__)


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
        # Access-log objects can still land while a log bucket is emptied (deliveries of the
        # buckets deleted just before it): empty again until the delete goes through.
        for attempt in range(5):
            ignore_missing(lambda: empty_bucket(s3, name))
            try:
                ignore_missing(lambda: s3.delete_bucket(Bucket=name))
                return
            except Exception as error:
                if error_code(error) != "BucketNotEmpty" or attempt == 4:
                    raise
                time.sleep(0.2 * (attempt + 1))

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
                lambda v: s3.put_bucket_acl(Bucket=name, ACL=canned_acl(v)),
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
