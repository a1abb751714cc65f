"""Deploying the lake: package the code (`package`), put it in the artifacts bucket
(`bootstrap`), then create or update the stack on AWS (`aws`; `stuck` explains the states no
change set can start from) or on the local cloud (`local`, imported lazily because it pulls in
the local provisioner). `destroy` deletes an AWS stack after `quiesce` has stopped what writes
into its buckets. `iam_audit` checks the template's IAM policies with parliament."""

from datalake.deploy.aws import (
    DeployError,
    DeployTimeout,
    MissingCredentials,
    Waiting,
    deploy_stack,
)
from datalake.deploy.bootstrap import artifacts_bucket_name, bootstrap_artifacts, ensure_bucket
from datalake.deploy.destroy import DestroyFailed, DestroyReport, destroy_stack, empty_bucket
from datalake.deploy.iam_audit import PolicyFinding, audit_template
from datalake.deploy.package import Artifact, Artifacts, package_all
from datalake.deploy.quiesce import QuiesceReport, quiesce_stack
from datalake.deploy.stuck import StuckStack

__all__ = [
    "Artifact",
    "Artifacts",
    "DeployError",
    "DeployTimeout",
    "DestroyFailed",
    "DestroyReport",
    "MissingCredentials",
    "PolicyFinding",
    "QuiesceReport",
    "StuckStack",
    "Waiting",
    "artifacts_bucket_name",
    "audit_template",
    "bootstrap_artifacts",
    "deploy_stack",
    "destroy_stack",
    "empty_bucket",
    "ensure_bucket",
    "package_all",
    "quiesce_stack",
]
