"""Analytics layer: the Athena workgroup `{stack}-workgroup`, with an enforced configuration so
every query writes its results to `s3://{processed}/athena-results/` (encrypted) and stops at the
bytes-scanned cutoff."""

from __future__ import annotations

from troposphere import Ref, Sub, Template
from troposphere.athena import (
    EncryptionConfiguration,
    EngineVersion,
    ResultConfiguration,
    WorkGroup,
    WorkGroupConfiguration,
)

from infra_gen import names

ATHENA_ENGINE = "Athena engine version 3"


def add_analytics(template: Template) -> None:
    """Add the workgroup."""
    template.add_resource(
        WorkGroup(
            names.WORKGROUP,
            Name=Sub(names.WORKGROUP_NAME),
            Description="Data lake queries (results in the processed bucket)",
            State="ENABLED",
            # Deleting the stack deletes the workgroup even though it holds saved queries.
            RecursiveDeleteOption=True,
            WorkGroupConfiguration=WorkGroupConfiguration(
                EnforceWorkGroupConfiguration=True,
                PublishCloudWatchMetricsEnabled=True,
                BytesScannedCutoffPerQuery=Ref("AthenaBytesScannedCutoff"),
                EngineVersion=EngineVersion(SelectedEngineVersion=ATHENA_ENGINE),
                ResultConfiguration=ResultConfiguration(
                    OutputLocation=names.s3_uri(names.PROCESSED_BUCKET, "athena-results/"),
                    EncryptionConfiguration=EncryptionConfiguration(EncryptionOption="SSE_S3"),
                ),
            ),
        )
    )
