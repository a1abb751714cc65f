"""Deployments, stages (access logs, method settings, variables) and the account's
CloudWatch role."""

from __future__ import annotations

import logging

from localcloud.provision.apigateway.requests import (
    access_log_patch,
    method_settings_patch,
    replace_patch,
)
from localcloud.provision.base import (
    ALL,
    Provisioned,
    ResourceHandler,
    as_bool,
    compact,
    ignore_missing,
    tag_dict,
)

_logger = logging.getLogger(__name__)


class DeploymentHandler(ResourceHandler):
    type_name = "AWS::ApiGateway::Deployment"
    properties = frozenset({"RestApiId", "Description", "StageName"})
    required = frozenset({"RestApiId"})
    replace_on = ALL

    def create(self, ctx, props):
        deployment = ctx.client("apigateway").create_deployment(
            restApiId=props["RestApiId"],
            **compact(stageName=props.get("StageName"), description=props.get("Description")),
        )
        return Provisioned(deployment["id"], {"DeploymentId": deployment["id"]})

    def delete(self, ctx, current, props):
        api = ctx.client("apigateway")
        if props.get("StageName"):
            ignore_missing(
                lambda: api.delete_stage(restApiId=props["RestApiId"], stageName=props["StageName"])
            )
        ignore_missing(
            lambda: api.delete_deployment(
                restApiId=props["RestApiId"], deploymentId=current.physical_id
            )
        )


class StageHandler(ResourceHandler):
    type_name = "AWS::ApiGateway::Stage"
    properties = frozenset(
        {
            "RestApiId",
            "StageName",
            "DeploymentId",
            "Description",
            "Variables",
            "MethodSettings",
            "AccessLogSetting",
            "TracingEnabled",
            "CacheClusterEnabled",
            "CacheClusterSize",
            "ClientCertificateId",
            "Tags",
        }
    )
    required = frozenset({"RestApiId", "StageName"})
    replace_on = frozenset({"RestApiId", "StageName"})

    def create(self, ctx, props):
        api = ctx.client("apigateway")
        api.create_stage(
            restApiId=props["RestApiId"],
            stageName=props["StageName"],
            deploymentId=props["DeploymentId"],
            **compact(
                description=props.get("Description"),
                variables={k: str(v) for k, v in props.get("Variables", {}).items()} or None,
                tracingEnabled=as_bool(props.get("TracingEnabled")),
                cacheClusterEnabled=as_bool(props.get("CacheClusterEnabled")),
                cacheClusterSize=props.get("CacheClusterSize"),
                tags=tag_dict(props.get("Tags")) or None,
            ),
        )
        ops = method_settings_patch(props.get("MethodSettings", []))
        if props.get("AccessLogSetting"):
            ops += access_log_patch(props["AccessLogSetting"])
        if props.get("ClientCertificateId"):
            ops.append(
                {
                    "op": "replace",
                    "path": "/clientCertificateId",
                    "value": props["ClientCertificateId"],
                }
            )
        if ops:
            api.update_stage(
                restApiId=props["RestApiId"], stageName=props["StageName"], patchOperations=ops
            )
        return Provisioned(props["StageName"])

    def update(self, ctx, current, old, new):
        ops = replace_patch(
            old,
            new,
            {
                "DeploymentId": "/deploymentId",
                "Description": "/description",
                "TracingEnabled": "/tracingEnabled",
                "CacheClusterEnabled": "/cacheClusterEnabled",
                "CacheClusterSize": "/cacheClusterSize",
                "ClientCertificateId": "/clientCertificateId",
            },
        )
        old_vars, new_vars = old.get("Variables", {}), new.get("Variables", {})
        ops += [{"op": "remove", "path": f"/variables/{k}"} for k in old_vars.keys() - new_vars]
        ops += [
            {"op": "replace", "path": f"/variables/{k}", "value": str(v)}
            for k, v in new_vars.items()
            if old_vars.get(k) != v
        ]
        if old.get("MethodSettings") != new.get("MethodSettings"):
            ops += method_settings_patch(new.get("MethodSettings", []))
        if old.get("AccessLogSetting") != new.get("AccessLogSetting"):
            ops += access_log_patch(new.get("AccessLogSetting"))
        if ops:
            ctx.client("apigateway").update_stage(
                restApiId=new["RestApiId"], stageName=current.physical_id, patchOperations=ops
            )
        return current

    def delete(self, ctx, current, props):
        api = ctx.client("apigateway")
        ignore_missing(
            lambda: api.delete_stage(restApiId=props["RestApiId"], stageName=current.physical_id)
        )


class AccountHandler(ResourceHandler):
    """The region's API Gateway account settings: deleting the resource leaves them, as
    CloudFormation does."""

    type_name = "AWS::ApiGateway::Account"
    properties = frozenset({"CloudWatchRoleArn"})

    def create(self, ctx, props):
        self._apply(ctx, props)
        return Provisioned(f"{ctx.stack_name}-{ctx.logical_id}")

    def update(self, ctx, current, old, new):
        self._apply(ctx, new)
        return current

    def delete(self, ctx, current, props):
        return None

    @staticmethod
    def _apply(ctx, props) -> None:
        ctx.client("apigateway").update_account(
            patchOperations=[
                {
                    "op": "replace",
                    "path": "/cloudwatchRoleArn",
                    "value": props.get("CloudWatchRoleArn", ""),
                }
            ]
        )


HANDLERS = [DeploymentHandler(), StageHandler(), AccountHandler()]
