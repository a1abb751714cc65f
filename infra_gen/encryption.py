"""Encryption layer (KMS mode only): the stack's customer managed key, its alias, and the Glue
security configuration that makes jobs and crawlers encrypt what they write with it. The key
policy lets each service that uses the key do so: CloudWatch Logs for the log groups, CloudWatch
alarms and EventBridge rules for the encrypted alerts topic (decision 138). The data buckets keep
the account's aws/s3 key (storage.py); only what Glue writes uses this key."""

from __future__ import annotations

from troposphere import GetAtt, If, NoValue, Ref, Sub, Template
from troposphere.glue import (
    CloudWatchEncryption,
    EncryptionConfiguration,
    JobBookmarksEncryption,
    S3Encryption,
    SecurityConfiguration,
)
from troposphere.kms import Alias, Key

from infra_gen import names
from infra_gen.parameters import USE_KMS

# What CloudWatch Logs needs on a key that encrypts log groups (CloudWatch Logs User Guide,
# "Encrypt log data in CloudWatch Logs using AWS KMS").
LOGS_KEY_ACTIONS = (
    "kms:Decrypt*",
    "kms:Describe*",
    "kms:Encrypt*",
    "kms:GenerateDataKey*",
    "kms:ReEncrypt*",
)
# What a service publishing to a KMS-encrypted SNS topic needs (SNS Developer Guide, "Enable
# compatibility between event sources from AWS services and encrypted topics").
TOPIC_PUBLISHER_KEY_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey*")
TOPIC_PUBLISHER_SERVICES = ("cloudwatch.amazonaws.com", "events.amazonaws.com")


def add_encryption(template: Template) -> None:
    """Add the key, its alias and the Glue security configuration, all under UseKmsEncryption."""
    template.add_resource(
        Key(
            names.LAKE_KEY,
            Condition=USE_KMS,
            Description=Sub("${AWS::StackName}: alerts topic, log groups, Glue output"),
            EnableKeyRotation=True,
            KeyPolicy=key_policy(),
        )
    )
    template.add_resource(
        Alias(
            names.LAKE_KEY_ALIAS,
            Condition=USE_KMS,
            AliasName=Sub(names.LAKE_KEY_ALIAS_NAME),
            TargetKeyId=Ref(names.LAKE_KEY),
        )
    )
    template.add_resource(
        SecurityConfiguration(
            names.GLUE_SECURITY_CONFIGURATION,
            Condition=USE_KMS,
            Name=Sub(names.GLUE_SECURITY_CONFIGURATION_NAME),
            EncryptionConfiguration=EncryptionConfiguration(
                CloudWatchEncryption=CloudWatchEncryption(
                    CloudWatchEncryptionMode="SSE-KMS", KmsKeyArn=key_arn()
                ),
                JobBookmarksEncryption=JobBookmarksEncryption(
                    JobBookmarksEncryptionMode="CSE-KMS", KmsKeyArn=key_arn()
                ),
                S3Encryptions=[S3Encryption(S3EncryptionMode="SSE-KMS", KmsKeyArn=key_arn())],
            ),
        )
    )


def key_policy() -> dict:
    """The key policy: the account's IAM policies decide for its own principals (the roles'
    statements in security.py); CloudWatch Logs may use the key for this stack's log groups and
    Glue's; CloudWatch alarms and EventBridge rules may use it to publish to the alerts topic."""
    log_groups = [names.arn("logs", "log-group:" + name) for name in names.LOG_GROUPS.values()]
    # Glue's own groups: a security configuration with CloudWatch encryption makes Glue write
    # (and associate this key with) log groups under /aws-glue/ named after the configuration.
    log_groups.append(names.arn("logs", "log-group:/aws-glue/*"))
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AccountIamPolicies",
                "Effect": "Allow",
                "Principal": {"AWS": Sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "CloudWatchLogsOfThisStack",
                "Effect": "Allow",
                "Principal": {"Service": Sub("logs.${AWS::Region}.amazonaws.com")},
                "Action": list(LOGS_KEY_ACTIONS),
                "Resource": "*",
                "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": log_groups}},
            },
            # No aws:SourceAccount/SourceArn condition: EventBridge sends neither to KMS when it
            # delivers to an encrypted topic, so the condition would drop every Glue alert.
            {
                "Sid": "AlarmsAndRulesPublishToAlertsTopic",
                "Effect": "Allow",
                "Principal": {"Service": list(TOPIC_PUBLISHER_SERVICES)},
                "Action": list(TOPIC_PUBLISHER_KEY_ACTIONS),
                "Resource": "*",
            },
        ],
    }


def key_arn() -> GetAtt:
    """The stack key's ARN (only valid under UseKmsEncryption)."""
    return GetAtt(names.LAKE_KEY, "Arn")


def key_arn_if_kms() -> If:
    """The key's ARN in KMS mode, else no value (the property is left out)."""
    return If(USE_KMS, key_arn(), NoValue)


def glue_security_configuration() -> If:
    """The security configuration's name for a job or crawler in KMS mode, else no value."""
    return If(USE_KMS, Ref(names.GLUE_SECURITY_CONFIGURATION), NoValue)
