"""Deploy to and destroy from the local cloud: the generated template applied through each
service's own API by `localcloud.provision` (moto's CloudFormation skips half the types the
lake uses), outputs saved like the AWS deploy's, with `ApiUrl` in the local form."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from datalake import aws, config
from datalake.deploy.aws import DeployError, StackResource, Waiting
from datalake.deploy.quiesce import quiesce_stack

_logger = logging.getLogger(__name__)

API_STAGE = "prod"


def local_api_url(endpoint: str, api_id: str, stage: str = API_STAGE) -> str:
    """The stage's base URL on the local endpoint (the LocalStack convention):
    `{endpoint}/restapis/{api_id}/{stage}/_user_request_`."""
    return f"{endpoint.rstrip('/')}/restapis/{api_id}/{stage}/_user_request_"


def localize_outputs(outputs: Mapping[str, Any], endpoint: str) -> dict[str, Any]:
    """Outputs as a local user needs them: `ApiUrl` rewritten to the local endpoint."""
    result = dict(outputs)
    if result.get("ApiId"):
        result["ApiUrl"] = local_api_url(endpoint, result["ApiId"])
    return result


def deploy(
    stack_name: str, template: Any, parameters: Mapping[str, Any], artifacts: Any = None
) -> dict[str, Any]:
    """Create or update `stack_name` on the local cloud from `template` (a dict, or a
    troposphere Template) with `parameters`; parameters that `artifacts` carries (the packaging
    step's uploaded keys) fill in any not given. Returns the saved outputs. Raises DeployError
    with the template problem or the failed resource (the deploy was then rolled back)."""
    from localcloud.provision import ProvisionError, deploy_stack

    endpoint = aws.endpoint_url("local")
    values = {**_artifact_parameters(artifacts), **dict(parameters or {})}
    body = template.to_dict() if hasattr(template, "to_dict") else template
    _logger.info("deploying stack %s to %s", stack_name, endpoint)
    try:
        result = deploy_stack(
            stack_name, body, values, _client, aws.region_name(), account=_account()
        )
    except ProvisionError as error:
        raise DeployError(f"local deploy of {stack_name}: {error}") from error
    outputs = localize_outputs(result.outputs, endpoint)
    path = config.save_outputs(stack_name, outputs)
    _logger.info(
        "stack %s deployed: %d created, %d updated, %d replaced, %d deleted, %d unchanged; "
        "outputs in %s",
        stack_name,
        len(result.created),
        len(result.updated),
        len(result.replaced),
        len(result.deleted),
        len(result.unchanged),
        path,
    )
    return outputs


def destroy(stack_name: str, waiting: Waiting | None = None) -> None:
    """Delete every resource of `stack_name` on the local cloud and its saved outputs. First,
    as on AWS, the stack's schedule rules are disabled and its running executions, job runs
    and crawls stopped (`quiesce`), so nothing writes into a bucket while the provisioner
    empties it (every version) and deletes it. Raises DeployError (naming the resource) when
    that fails or there is no such stack."""
    from localcloud.provision import ProvisionError, StackStore, destroy_stack

    account = _account()
    record = StackStore(_client, account, aws.region_name()).load(stack_name)
    if record is not None:
        resources = [
            StackResource(logical_id, state.type, state.physical_id)
            for logical_id, state in record.resources.items()
        ]
        for line in quiesce_stack(_client, resources, waiting).lines():
            _logger.info("stack %s: %s", stack_name, line)
    try:
        deleted = destroy_stack(stack_name, _client, aws.region_name(), account=account)
    except ProvisionError as error:
        raise DeployError(f"local destroy of {stack_name}: {error}") from error
    path = config.outputs_path(stack_name)
    if path.exists():
        path.unlink()
    _logger.info("stack %s destroyed: %d resources deleted", stack_name, len(deleted))


def _client(service: str):
    return aws.client(service, "local")


def _account() -> str:
    return _client("sts").get_caller_identity()["Account"]


def _artifact_parameters(artifacts: Any) -> dict[str, Any]:
    if artifacts is None:
        return {}
    found = (
        artifacts.get("parameters")
        if isinstance(artifacts, Mapping)
        else getattr(artifacts, "parameters", None)
    )
    if callable(found):
        found = found()
    return dict(found or {})
