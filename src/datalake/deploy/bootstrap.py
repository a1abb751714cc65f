"""Bootstrap: the artifacts bucket `{stack}-artifacts-{AccountId}-{Region}` (versioned,
encrypted, private, TLS-only) and the upload of the packaged code into it, before the stack is
created or updated — as CDK's bootstrap does, because functions and jobs need their code to exist.
Works against AWS or the local cloud: clients come from `datalake.aws.client`."""

from __future__ import annotations

import hashlib
import json
import logging
import os

from botocore.exceptions import ClientError

from datalake import aws
from datalake.deploy.package import Artifacts

_logger = logging.getLogger(__name__)

ARTIFACTS_PARAMETER = "ArtifactsBucketName"
MAX_BUCKET_NAME = 63
# The longest bucket name the stack makes (docs/contracts.md).
_LONGEST_ZONE = "access-logs"


def bucket_name(stack: str, zone: str, account: str, region: str) -> str:
    return f"{stack}-{zone}-{account}-{region}"


def artifacts_bucket_name(stack: str, account: str, region: str) -> str:
    return bucket_name(stack, "artifacts", account, region)


def check_bucket_names(stack: str, account: str, region: str) -> None:
    """Refuse a stack name whose bucket names would pass S3's 63-character limit."""
    longest = bucket_name(stack, _LONGEST_ZONE, account, region)
    if len(longest) > MAX_BUCKET_NAME:
        room = MAX_BUCKET_NAME - len(longest) + len(stack)
        raise ValueError(
            f"stack name {stack!r} is too long for account {account} in {region}: bucket "
            f"{longest!r} has {len(longest)} characters (S3 allows {MAX_BUCKET_NAME}); use at "
            f"most {room} characters"
        )


def wants_tls_policy(target: str) -> bool:
    """Only HTTPS endpoints get the TLS-only policy: over plain HTTP (the local cloud) no
    request could satisfy it, and moto ignores policy conditions, so it would refuse all."""
    endpoint = aws.endpoint_url(target) or os.environ.get("AWS_ENDPOINT_URL") or "https://"
    return endpoint.startswith("https://")


def account_id(target: str) -> str:
    """The account the target's credentials belong to (STS GetCallerIdentity)."""
    return aws.client("sts", target).get_caller_identity()["Account"]


def tls_only_policy(bucket: str) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }


def ensure_bucket(s3, bucket: str, region: str, *, tls_only: bool = True) -> str:
    """Create `bucket` if missing, then (every time) apply versioning, SSE-S3, the public access
    block and, when `tls_only`, the policy refusing non-TLS requests. Returns the bucket name."""
    try:
        s3.head_bucket(Bucket=bucket)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code")
        if code in ("403", "Forbidden", "AccessDenied"):
            raise PermissionError(
                f"bucket {bucket} exists but these credentials may not use it (owned by another "
                "account, or missing s3:ListBucket)"
            ) from None
        if code not in ("404", "NoSuchBucket", "NotFound"):
            raise
        _logger.info("creating bucket %s", bucket)
        kwargs: dict = {"Bucket": bucket}
        if region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
        s3.create_bucket(**kwargs)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    if tls_only:
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(tls_only_policy(bucket)))
    return bucket


def replica_bucket_names(stack: str, account: str, replica_region: str) -> list[str]:
    """The buckets the DR layer replicates into (infra_gen.dr)."""
    return [
        bucket_name(stack, f"{zone}-replica", account, replica_region)
        for zone in ("processed", "curated")
    ]


def check_replica_buckets(s3, stack: str, account: str, replica_region: str) -> None:
    """Refuse ReplicationEnabled=true until the replica buckets exist and are versioned (one
    stack cannot create buckets in another region)."""
    for bucket in replica_bucket_names(stack, account, replica_region):
        try:
            status = s3.get_bucket_versioning(Bucket=bucket).get("Status")
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code")
            if code not in ("NoSuchBucket", "404"):
                raise
            status = None
            problem = "does not exist"
        else:
            problem = "is not versioned"
        if status != "Enabled":
            raise ValueError(
                f"ReplicationEnabled=true: replica bucket {bucket} {problem}; create it in "
                f"{replica_region} with versioning enabled (docs/deploy-aws.md), or deploy "
                "with ReplicationEnabled=false"
            )


def _exists(s3, bucket: str, key: str) -> bool:
    try:
        s3.head_object(Bucket=bucket, Key=key)
        return True
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return False
        raise


def upload_artifacts(s3, bucket: str, artifacts: Artifacts) -> list[str]:
    """Upload every artifact whose (content-addressed) key is not in the bucket yet; returns
    the keys uploaded."""
    uploaded = []
    for artifact in artifacts.items:
        if _exists(s3, bucket, artifact.key):
            _logger.info("unchanged: s3://%s/%s", bucket, artifact.key)
            continue
        _logger.info("uploading %s -> s3://%s/%s", artifact.path.name, bucket, artifact.key)
        s3.put_object(Bucket=bucket, Key=artifact.key, Body=artifact.path.read_bytes())
        uploaded.append(artifact.key)
    return uploaded


def upload_template(s3, bucket: str, stack: str, body: str, region: str) -> str:
    """Put a template into the artifacts bucket and return its HTTPS URL (CloudFormation takes
    at most 51,200 bytes inline; larger templates must come from S3)."""
    key = f"templates/{stack}-{hashlib.sha256(body.encode()).hexdigest()[:16]}.json"
    if not _exists(s3, bucket, key):
        s3.put_object(Bucket=bucket, Key=key, Body=body.encode(), ContentType="application/json")
    return f"https://{bucket}.s3.{region}.amazonaws.com/{key}"


def bootstrap_artifacts(stack: str, artifacts: Artifacts, target: str) -> dict[str, str]:
    """Ensure the artifacts bucket on `target`, upload the artifacts, and return the template
    parameters they imply (ArtifactsBucketName and every code key)."""
    account = account_id(target)
    region = aws.region_name()
    check_bucket_names(stack, account, region)
    s3 = aws.client("s3", target)
    bucket = ensure_bucket(
        s3, artifacts_bucket_name(stack, account, region), region, tls_only=wants_tls_policy(target)
    )
    upload_artifacts(s3, bucket, artifacts)
    return {ARTIFACTS_PARAMETER: bucket, **artifacts.parameters}


def delete_artifacts_bucket(stack: str, target: str) -> bool:
    """Empty (all versions) and delete the artifacts bucket; False when there was none."""
    from datalake.deploy.destroy import empty_bucket

    bucket = artifacts_bucket_name(stack, account_id(target), aws.region_name())
    s3 = aws.client("s3", target)
    if not empty_bucket(s3, bucket):
        return False
    s3.delete_bucket(Bucket=bucket)
    _logger.info("deleted bucket %s", bucket)
    return True
