"""Disaster recovery layer: optional cross-region replication of the processed and curated
buckets (parameter ReplicationEnabled, off by default). Raw data is protected by versioning;
the replica buckets live in ReplicaRegion, are named
`{stack}-{processed|curated}-replica-{AccountId}-{ReplicaRegion}`, and are created (versioned)
by deploy's bootstrap step because one stack cannot create buckets in another region."""

from __future__ import annotations

from troposphere import GetAtt, If, NoValue, Sub, Template
from troposphere.s3 import (
    ReplicationConfiguration,
    ReplicationConfigurationRules,
    ReplicationConfigurationRulesDestination,
)

from infra_gen import names
from infra_gen.parameters import REPLICATE
from infra_gen.security import role, statement

REPLICATED_BUCKETS = (names.PROCESSED_BUCKET, names.CURATED_BUCKET)


def replica_bucket_format(logical_id: str) -> str:
    """Fn::Sub format of the replica of one bucket."""
    zone = logical_id.removesuffix("Bucket").lower()
    return "${AWS::StackName}-" + zone + "-replica-${AWS::AccountId}-${ReplicaRegion}"


def _replica_arn(logical_id: str, suffix: str = "") -> Sub:
    return Sub("arn:${AWS::Partition}:s3:::" + replica_bucket_format(logical_id) + suffix)


def add_dr(template: Template) -> None:
    """Add the replication role and, under the ReplicationOn condition, a replication rule on
    each replicated bucket."""
    sources = [names.bucket_arn(b) for b in REPLICATED_BUCKETS]
    source_objects = [names.bucket_arn(b, "/*") for b in REPLICATED_BUCKETS]
    replica_objects = [_replica_arn(b, "/*") for b in REPLICATED_BUCKETS]
    template.add_resource(
        role(
            names.REPLICATION_ROLE,
            "s3.amazonaws.com",
            [
                statement(["s3:GetReplicationConfiguration", "s3:ListBucket"], sources),
                statement(
                    [
                        "s3:GetObjectVersionAcl",
                        "s3:GetObjectVersionForReplication",
                        "s3:GetObjectVersionTagging",
                    ],
                    source_objects,
                ),
                statement(
                    ["s3:ReplicateDelete", "s3:ReplicateObject", "s3:ReplicateTags"],
                    replica_objects,
                ),
            ],
            Condition=REPLICATE,
        )
    )
    for logical_id in REPLICATED_BUCKETS:
        bucket = template.resources[logical_id]
        bucket.ReplicationConfiguration = If(
            REPLICATE,
            ReplicationConfiguration(
                Role=GetAtt(names.REPLICATION_ROLE, "Arn"),
                Rules=[
                    ReplicationConfigurationRules(
                        Id="ReplicateToReplicaRegion",
                        Status="Enabled",
                        Prefix="",
                        Destination=ReplicationConfigurationRulesDestination(
                            Bucket=_replica_arn(logical_id),
                            StorageClass="STANDARD_IA",
                        ),
                    )
                ],
            ),
            NoValue,
        )
