"""Storage layer: the raw, processed and curated zones and the access-log bucket, each versioned,
encrypted, private and reachable only over TLS. The artifacts bucket is not here: deploy's
bootstrap step creates it before the stack (the code must exist before functions and jobs)."""

from __future__ import annotations

from troposphere import If, Ref, Template
from troposphere.s3 import (
    AbortIncompleteMultipartUpload,
    Bucket,
    BucketEncryption,
    BucketPolicy,
    LambdaConfigurations,
    LifecycleConfiguration,
    LifecycleRule,
    LifecycleRuleTransition,
    LoggingConfiguration,
    NoncurrentVersionExpiration,
    NoncurrentVersionTransition,
    NotificationConfiguration,
    OwnershipControls,
    OwnershipControlsRule,
    PublicAccessBlockConfiguration,
    ServerSideEncryptionByDefault,
    ServerSideEncryptionRule,
    VersioningConfiguration,
)

from infra_gen import names
from infra_gen.parameters import USE_KMS

# Policy statement ids the tests and the local provisioner can look for.
DENY_INSECURE_SID = "DenyInsecureTransport"


def add_storage(template: Template) -> None:
    """Add the four buckets and their policies."""
    template.add_resource(_access_logs_bucket())
    for logical_id in names.DATA_BUCKETS:
        template.add_resource(_data_bucket(logical_id))
    for logical_id in (*names.DATA_BUCKETS, names.ACCESS_LOGS_BUCKET):
        template.add_resource(_bucket_policy(logical_id))


def _encryption(allow_kms: bool) -> BucketEncryption:
    aes = ServerSideEncryptionRule(
        ServerSideEncryptionByDefault=ServerSideEncryptionByDefault(SSEAlgorithm="AES256"),
    )
    if not allow_kms:
        return BucketEncryption(ServerSideEncryptionConfiguration=[aes])
    # KMS mode uses the account's AWS-managed aws/s3 key: no key resource, and principals of
    # the account that may use the bucket may use the key through S3.
    kms = ServerSideEncryptionRule(
        BucketKeyEnabled=True,
        ServerSideEncryptionByDefault=ServerSideEncryptionByDefault(SSEAlgorithm="aws:kms"),
    )
    return BucketEncryption(ServerSideEncryptionConfiguration=[If(USE_KMS, kms, aes)])


def _private() -> PublicAccessBlockConfiguration:
    return PublicAccessBlockConfiguration(
        BlockPublicAcls=True,
        BlockPublicPolicy=True,
        IgnorePublicAcls=True,
        RestrictPublicBuckets=True,
    )


def _ownership() -> OwnershipControls:
    return OwnershipControls(Rules=[OwnershipControlsRule(ObjectOwnership="BucketOwnerEnforced")])


def _lifecycle(logical_id: str) -> LifecycleConfiguration:
    rules = [
        LifecycleRule(
            Id="AbortIncompleteUploads",
            Status="Enabled",
            AbortIncompleteMultipartUpload=AbortIncompleteMultipartUpload(DaysAfterInitiation=7),
        ),
    ]
    if logical_id == names.RAW_BUCKET:
        rules.append(
            LifecycleRule(
                Id="RawToInfrequentAccess",
                Status="Enabled",
                Transitions=[
                    LifecycleRuleTransition(
                        StorageClass="STANDARD_IA",
                        TransitionInDays=Ref("RawInfrequentAccessDays"),
                    )
                ],
                NoncurrentVersionTransitions=[
                    NoncurrentVersionTransition(
                        StorageClass="STANDARD_IA",
                        TransitionInDays=Ref("RawInfrequentAccessDays"),
                    )
                ],
            )
        )
    return LifecycleConfiguration(Rules=rules)


def _data_bucket(logical_id: str) -> Bucket:
    props: dict = dict(
        BucketName=names.bucket_name(logical_id),
        VersioningConfiguration=VersioningConfiguration(Status="Enabled"),
        BucketEncryption=_encryption(allow_kms=True),
        PublicAccessBlockConfiguration=_private(),
        OwnershipControls=_ownership(),
        LifecycleConfiguration=_lifecycle(logical_id),
        LoggingConfiguration=LoggingConfiguration(
            DestinationBucketName=Ref(names.ACCESS_LOGS_BUCKET),
            LogFilePrefix=logical_id.removesuffix("Bucket").lower() + "/",
        ),
    )
    # Logging is enabled once the log bucket's policy lets S3's logging service write.
    depends = [names.ACCESS_LOGS_BUCKET + "Policy"]
    if logical_id != names.RAW_BUCKET:
        return Bucket(logical_id, DependsOn=depends, **props)
    # The validation function is named by a Sub of its known name, not a Ref or GetAtt, so the
    # bucket does not depend on the function (whose role names this bucket): no cycle. The
    # permission must exist before S3 accepts the notification, hence DependsOn.
    props["NotificationConfiguration"] = NotificationConfiguration(
        LambdaConfigurations=[
            LambdaConfigurations(
                Event="s3:ObjectCreated:*",
                Function=names.arn("lambda", "function:" + names.VALIDATION_FUNCTION_NAME),
            )
        ],
    )
    return Bucket(logical_id, DependsOn=[*depends, names.VALIDATION_PERMISSION], **props)


def _access_logs_bucket() -> Bucket:
    return Bucket(
        names.ACCESS_LOGS_BUCKET,
        BucketName=names.bucket_name(names.ACCESS_LOGS_BUCKET),
        VersioningConfiguration=VersioningConfiguration(Status="Enabled"),
        # Server access logs can only be delivered to an SSE-S3 bucket, never SSE-KMS.
        BucketEncryption=_encryption(allow_kms=False),
        PublicAccessBlockConfiguration=_private(),
        OwnershipControls=_ownership(),
        LifecycleConfiguration=LifecycleConfiguration(
            Rules=[
                LifecycleRule(
                    Id="ExpireAccessLogs",
                    Status="Enabled",
                    ExpirationInDays=365,
                    NoncurrentVersionExpiration=NoncurrentVersionExpiration(NoncurrentDays=30),
                )
            ]
        ),
    )


def deny_insecure_transport(logical_id: str) -> dict:
    """The statement refusing every request made without TLS to a bucket and its objects."""
    return {
        "Sid": DENY_INSECURE_SID,
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [names.bucket_arn(logical_id), names.bucket_arn(logical_id, "/*")],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def _bucket_policy(logical_id: str) -> BucketPolicy:
    statements = [deny_insecure_transport(logical_id)]
    if logical_id == names.ACCESS_LOGS_BUCKET:
        # With BucketOwnerEnforced, S3 server access logging is granted by policy, not ACL.
        statements.append(
            {
                "Sid": "AllowS3ServerAccessLogs",
                "Effect": "Allow",
                "Principal": {"Service": "logging.s3.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": names.bucket_arn(logical_id, "/*"),
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": Ref("AWS::AccountId")},
                    "ArnLike": {"aws:SourceArn": [names.bucket_arn(b) for b in names.DATA_BUCKETS]},
                },
            }
        )
    return BucketPolicy(
        logical_id + "Policy",
        Bucket=Ref(logical_id),
        PolicyDocument={"Version": "2012-10-17", "Statement": statements},
    )
