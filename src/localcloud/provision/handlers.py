"""The resource types the local provisioner can apply: one handler per CloudFormation type,
collected from the service modules."""

from __future__ import annotations

from typing import Any

from localcloud.provision import (
    apigateway,
    athena,
    cloudwatch,
    events,
    glue,
    iam,
    kms,
    lambda_,
    logs,
    s3,
    sns,
    sqs,
    stepfunctions,
)
from localcloud.provision.base import ResourceHandler
from localcloud.provision.errors import UnsupportedResourceTypes

_MODULES = (
    s3,
    lambda_,
    apigateway,
    glue,
    athena,
    iam,
    logs,
    sns,
    sqs,
    events,
    stepfunctions,
    cloudwatch,
    kms,
)

HANDLERS: dict[str, ResourceHandler] = {
    handler.type_name: handler for module in _MODULES for handler in module.HANDLERS
}


def supported_types() -> list[str]:
    return sorted(HANDLERS)


def handler_for(type_name: str) -> ResourceHandler:
    if type_name not in HANDLERS:
        raise UnsupportedResourceTypes({type_name: []})
    return HANDLERS[type_name]


def check_supported(resources: dict[str, dict[str, Any]]) -> None:
    """Raise UnsupportedResourceTypes naming every type (with its logical ids) that has no
    handler, whatever its Condition: the deploy stops before anything is created."""
    missing: dict[str, list[str]] = {}
    for logical_id, definition in resources.items():
        type_name = definition.get("Type", "")
        if type_name not in HANDLERS:
            missing.setdefault(type_name or "<no Type>", []).append(logical_id)
    if missing:
        raise UnsupportedResourceTypes(missing)
