"""AWS::S3::Bucket and AWS::S3::BucketPolicy through the S3 API, every configuration applied."""

from localcloud.provision.s3.bucket import BucketHandler, empty_bucket, put_bucket_logging
from localcloud.provision.s3.policy import BucketPolicyHandler
from localcloud.provision.s3.requests import (
    cors_rules,
    encryption_rules,
    lifecycle_rules,
    notification_configuration,
    principal_objects,
    public_access_block,
    replication_configuration,
)

HANDLERS = [BucketHandler(), BucketPolicyHandler()]

__all__ = [
    "HANDLERS",
    "cors_rules",
    "empty_bucket",
    "encryption_rules",
    "lifecycle_rules",
    "notification_configuration",
    "principal_objects",
    "public_access_block",
    "put_bucket_logging",
    "replication_configuration",
]
