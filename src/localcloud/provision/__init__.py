"""Template provisioning for the local cloud: apply a CloudFormation template (a JSON dict) to
an endpoint through each service's own API, in the client process.

`deploy_stack(name, template, parameters, client, region)` creates or updates a stack and
returns its outputs; `destroy_stack(name, client, region)` deletes it. `client(service)` is a
boto3 client factory for the endpoint (`clients_for(endpoint, region)` makes one). Supported
types: `supported_types()`; see docs/provisioning.md.
"""

from __future__ import annotations

from localcloud.clients import local_client
from localcloud.provision.base import ClientFactory
from localcloud.provision.deployer import DeployResult, deploy_stack, destroy_stack
from localcloud.provision.errors import (
    DependencyCycle,
    ProvisionError,
    ResourceFailed,
    StackNotFound,
    TemplateError,
    UnsupportedResourceTypes,
)
from localcloud.provision.handlers import supported_types
from localcloud.provision.stack import StackRecord, StackStore


def clients_for(endpoint: str, region: str) -> ClientFactory:
    """A client factory for the local endpoint (dummy credentials)."""
    return lambda service: local_client(service, endpoint, region)


__all__ = [
    "DependencyCycle",
    "DeployResult",
    "ProvisionError",
    "ResourceFailed",
    "StackNotFound",
    "StackRecord",
    "StackStore",
    "TemplateError",
    "UnsupportedResourceTypes",
    "clients_for",
    "deploy_stack",
    "destroy_stack",
    "supported_types",
]
