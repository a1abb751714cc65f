"""Deploying the lake: package the code (`package`), put it in the artifacts bucket
(`bootstrap`), then create or update the stack on AWS (`aws`) or on the local cloud (`local`,
imported lazily because it pulls in the local provisioner). Before that, `iam_audit` checks the
template's IAM policies with parliament."""

from datalake.deploy.aws import (
    DeployError,
    DeployTimeout,
    MissingCredentials,
    Waiting,
    deploy_stack,
    destroy_stack,
    empty_bucket,
)
from datalake.deploy.bootstrap import artifacts_bucket_name, bootstrap_artifacts, ensure_bucket
from datalake.deploy.iam_audit import PolicyFinding, audit_template
from datalake.deploy.package import Artifact, Artifacts, package_all

__all__ = [
    "Artifact",
    "Artifacts",
    "DeployError",
    "DeployTimeout",
    "MissingCredentials",
    "PolicyFinding",
    "Waiting",
    "artifacts_bucket_name",
    "audit_template",
    "bootstrap_artifacts",
    "deploy_stack",
    "destroy_stack",
    "empty_bucket",
    "ensure_bucket",
    "package_all",
]
