"""AWS::ApiGateway::* (REST APIs) through the API Gateway API: API, resources, methods with
their integrations and responses, models, validators, deployment, stage with access logs and
method settings, API keys, usage plans and their keys, account, gateway responses."""

from __future__ import annotations

import json
import logging
from typing import Any

from localcloud.provision.base import (
    ALL,
    Provisioned,
    ResourceHandler,
    as_bool,
    as_float,
    as_int,
    compact,
    ignore_missing,
    is_unimplemented,
    tag_dict,
)

_logger = logging.getLogger(__name__)


# -- pure request builders -----------------------------------------------------------------------
def method_request(props: dict[str, Any]) -> dict[str, Any]:
    """PutMethod keyword arguments."""
    return compact(
        restApiId=props["RestApiId"],
        resourceId=props["ResourceId"],
        httpMethod=props["HttpMethod"],
        authorizationType=props.get("AuthorizationType", "NONE"),
        authorizerId=props.get("AuthorizerId"),
        apiKeyRequired=as_bool(props.get("ApiKeyRequired")),
        operationName=props.get("OperationName"),
        requestParameters=_bool_map(props.get("RequestParameters")),
        requestModels=props.get("RequestModels"),
        requestValidatorId=props.get("RequestValidatorId"),
        authorizationScopes=props.get("AuthorizationScopes"),
    )


def integration_request(props: dict[str, Any]) -> dict[str, Any] | None:
    """PutIntegration keyword arguments (None when the method has no Integration)."""
    spec = props.get("Integration")
    if not spec:
        return None
    return compact(
        restApiId=props["RestApiId"],
        resourceId=props["ResourceId"],
        httpMethod=props["HttpMethod"],
        type=spec["Type"],
        integrationHttpMethod=spec.get("IntegrationHttpMethod"),
        uri=spec.get("Uri"),
        connectionType=spec.get("ConnectionType"),
        connectionId=spec.get("ConnectionId"),
        credentials=spec.get("Credentials"),
        requestParameters=spec.get("RequestParameters"),
        requestTemplates=spec.get("RequestTemplates"),
        passthroughBehavior=spec.get("PassthroughBehavior"),
        cacheNamespace=spec.get("CacheNamespace"),
        cacheKeyParameters=spec.get("CacheKeyParameters"),
        contentHandling=spec.get("ContentHandling"),
        timeoutInMillis=as_int(spec.get("TimeoutInMillis")),
    )


def method_settings_patch(settings: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Stage MethodSettings as UpdateStage patch operations (`/~1path/METHOD/setting`)."""
    names = {
        "MetricsEnabled": "metrics/enabled",
        "LoggingLevel": "logging/loglevel",
        "DataTraceEnabled": "logging/dataTrace",
        "ThrottlingBurstLimit": "throttling/burstLimit",
        "ThrottlingRateLimit": "throttling/rateLimit",
        "CachingEnabled": "caching/enabled",
        "CacheTtlInSeconds": "caching/ttlInSeconds",
        "CacheDataEncrypted": "caching/dataEncrypted",
    }
    ops = []
    for setting in settings:
        path = setting.get("ResourcePath", "/*")
        key = "*" if path == "/*" else path.replace("~", "~0").replace("/", "~1")
        prefix = f"/{key}/{setting.get('HttpMethod', '*')}"
        for cfn, api in names.items():
            if cfn in setting:
                ops.append(
                    {"op": "replace", "path": f"{prefix}/{api}", "value": _text(setting[cfn])}
                )
    return ops


def access_log_patch(setting: dict[str, Any] | None) -> list[dict[str, str]]:
    if not setting:
        return [{"op": "remove", "path": "/accessLogSettings"}]
    return [
        {
            "op": "replace",
            "path": "/accessLogSettings/destinationArn",
            "value": setting["DestinationArn"],
        },
        {"op": "replace", "path": "/accessLogSettings/format", "value": setting.get("Format", "")},
    ]


def usage_plan_request(props: dict[str, Any]) -> dict[str, Any]:
    """CreateUsagePlan keyword arguments."""
    return compact(
        name=props.get("UsagePlanName"),
        description=props.get("Description"),
        apiStages=[_api_stage(s) for s in props.get("ApiStages", [])] or None,
        throttle=_throttle(props.get("Throttle")),
        quota=compact(
            limit=as_int(props["Quota"].get("Limit")),
            offset=as_int(props["Quota"].get("Offset")),
            period=props["Quota"].get("Period"),
        )
        if props.get("Quota")
        else None,
        tags=tag_dict(props.get("Tags")) or None,
    )


def _api_stage(stage: dict[str, Any]) -> dict[str, Any]:
    return compact(
        apiId=stage["ApiId"],
        stage=stage["Stage"],
        throttle={path: _throttle(t) for path, t in stage["Throttle"].items()}
        if stage.get("Throttle")
        else None,
    )


def _throttle(spec: dict[str, Any] | None) -> dict[str, Any] | None:
    if not spec:
        return None
    return compact(
        burstLimit=as_int(spec.get("BurstLimit")), rateLimit=as_float(spec.get("RateLimit"))
    )


def _bool_map(value: dict[str, Any] | None) -> dict[str, bool] | None:
    return {k: bool(as_bool(v)) for k, v in value.items()} if value else None


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _patch_replace(old: dict, new: dict, fields: dict[str, str]) -> list[dict[str, str]]:
    return [
        {"op": "replace", "path": path, "value": _text(new.get(cfn, ""))}
        for cfn, path in fields.items()
        if old.get(cfn) != new.get(cfn)
    ]


# -- handlers ------------------------------------------------------------------------------------
class RestApiHandler(ResourceHandler):
    type_name = "AWS::ApiGateway::RestApi"
    properties = frozenset(
        {
            "Name",
            "Description",
            "EndpointConfiguration",
            "ApiKeySourceType",
            "BinaryMediaTypes",
            "MinimumCompressionSize",
            "Policy",
            "Tags",
            "DisableExecuteApiEndpoint",
            "Version",
        }
    )
    replace_on = frozenset({"EndpointConfiguration", "BinaryMediaTypes"})
    _patchable = {
        "Name": "/name",
        "Description": "/description",
        "ApiKeySourceType": "/apiKeySource",
        "MinimumCompressionSize": "/minimumCompressionSize",
        "Version": "/version",
        "DisableExecuteApiEndpoint": "/disableExecuteApiEndpoint",
    }

    def create(self, ctx, props):
        policy = props.get("Policy")
        api = ctx.client("apigateway").create_rest_api(
            name=props.get("Name") or ctx.physical_name(128),
            **compact(
                description=props.get("Description"),
                version=props.get("Version"),
                binaryMediaTypes=props.get("BinaryMediaTypes"),
                minimumCompressionSize=as_int(props.get("MinimumCompressionSize")),
                apiKeySource=props.get("ApiKeySourceType"),
                endpointConfiguration={"types": props["EndpointConfiguration"]["Types"]}
                if props.get("EndpointConfiguration")
                else None,
                policy=json.dumps(policy) if isinstance(policy, dict) else policy,
                tags=tag_dict(props.get("Tags")) or None,
                disableExecuteApiEndpoint=as_bool(props.get("DisableExecuteApiEndpoint")),
            ),
        )
        return Provisioned(
            api["id"], {"RootResourceId": api["rootResourceId"], "RestApiId": api["id"]}
        )

    def update(self, ctx, current, old, new):
        ops = _patch_replace(old, new, self._patchable)
        if old.get("Policy") != new.get("Policy"):
            policy = new.get("Policy", "")
            ops.append(
                {
                    "op": "replace",
                    "path": "/policy",
                    "value": json.dumps(policy) if isinstance(policy, dict) else policy,
                }
            )
        if ops:
            ctx.client("apigateway").update_rest_api(
                restApiId=current.physical_id, patchOperations=ops
            )
        return current

    def delete(self, ctx, current, props):
        api = ctx.client("apigateway")
        ignore_missing(lambda: api.delete_rest_api(restApiId=current.physical_id))


class ApiResourceHandler(ResourceHandler):
    type_name = "AWS::ApiGateway::Resource"
    properties = frozenset({"RestApiId", "ParentId", "PathPart"})
    required = properties
    replace_on = ALL

    def create(self, ctx, props):
        resource = ctx.client("apigateway").create_resource(
            restApiId=props["RestApiId"], parentId=props["ParentId"], pathPart=props["PathPart"]
        )
        return Provisioned(resource["id"], {"ResourceId": resource["id"]})

    def delete(self, ctx, current, props):
        api = ctx.client("apigateway")
        ignore_missing(
            lambda: api.delete_resource(
                restApiId=props["RestApiId"], resourceId=current.physical_id
            )
        )


class MethodHandler(ResourceHandler):
    """A method with its method responses, integration and integration responses. An update
    puts the whole method again (PutMethod replaces a method of the same verb)."""

    type_name = "AWS::ApiGateway::Method"
    properties = frozenset(
        {
            "RestApiId",
            "ResourceId",
            "HttpMethod",
            "AuthorizationType",
            "AuthorizerId",
            "ApiKeyRequired",
            "OperationName",
            "RequestParameters",
            "RequestModels",
            "RequestValidatorId",
            "AuthorizationScopes",
            "MethodResponses",
            "Integration",
        }
    )
    required = frozenset({"RestApiId", "ResourceId", "HttpMethod"})
    replace_on = frozenset({"RestApiId", "ResourceId", "HttpMethod"})

    def create(self, ctx, props):
        api = ctx.client("apigateway")
        key = {
            "restApiId": props["RestApiId"],
            "resourceId": props["ResourceId"],
            "httpMethod": props["HttpMethod"],
        }
        api.put_method(**method_request(props))
        for response in props.get("MethodResponses", []):
            api.put_method_response(
                **key,
                statusCode=str(response["StatusCode"]),
                **compact(
                    responseParameters=_bool_map(response.get("ResponseParameters")),
                    responseModels=response.get("ResponseModels"),
                ),
            )
        integration = integration_request(props)
        if integration:
            api.put_integration(**integration)
            for response in props["Integration"].get("IntegrationResponses", []):
                api.put_integration_response(
                    **key,
                    statusCode=str(response["StatusCode"]),
                    **compact(
                        selectionPattern=response.get("SelectionPattern"),
                        responseParameters=response.get("ResponseParameters"),
                        responseTemplates=response.get("ResponseTemplates"),
                        contentHandling=response.get("ContentHandling"),
                    ),
                )
        physical = f"{props['RestApiId']}/{props['ResourceId']}/{props['HttpMethod']}"
        return Provisioned(physical)

    def update(self, ctx, current, old, new):
        self.delete(ctx, current, old)
        return self.create(ctx, new)

    def delete(self, ctx, current, props):
        api = ctx.client("apigateway")
        ignore_missing(
            lambda: api.delete_method(
                restApiId=props["RestApiId"],
                resourceId=props["ResourceId"],
                httpMethod=props["HttpMethod"],
            )
        )


class ModelHandler(ResourceHandler):
    type_name = "AWS::ApiGateway::Model"
    properties = frozenset({"RestApiId", "Name", "ContentType", "Schema", "Description"})
    required = frozenset({"RestApiId"})
    replace_on = frozenset({"RestApiId", "Name", "ContentType"})

    def create(self, ctx, props):
        schema = props.get("Schema")
        name = props.get("Name") or ctx.physical_name(60, sep="").replace("-", "")
        ctx.client("apigateway").create_model(
            restApiId=props["RestApiId"],
            name=name,
            contentType=props.get("ContentType", "application/json"),
            **compact(
                schema=json.dumps(schema) if isinstance(schema, dict) else schema,
                description=props.get("Description"),
            ),
        )
        return Provisioned(name)

    def update(self, ctx, current, old, new):
        api = ctx.client("apigateway")
        schema = new.get("Schema")
        ops = [
            {
                "op": "replace",
                "path": "/schema",
                "value": json.dumps(schema) if isinstance(schema, dict) else schema or "",
            },
            {"op": "replace", "path": "/description", "value": new.get("Description", "")},
        ]
        try:
            api.update_model(
                restApiId=new["RestApiId"], modelName=current.physical_id, patchOperations=ops
            )
        except Exception as error:
            if not is_unimplemented(error):
                raise
            _logger.info("UpdateModel unavailable: re-creating model %s", current.physical_id)
            api.delete_model(restApiId=new["RestApiId"], modelName=current.physical_id)
            self.create(ctx, {**new, "Name": current.physical_id})
        return current

    def delete(self, ctx, current, props):
        api = ctx.client("apigateway")
        ignore_missing(
            lambda: api.delete_model(restApiId=props["RestApiId"], modelName=current.physical_id)
        )


class RequestValidatorHandler(ResourceHandler):
    type_name = "AWS::ApiGateway::RequestValidator"
    properties = frozenset(
        {"RestApiId", "Name", "ValidateRequestBody", "ValidateRequestParameters"}
    )
    required = frozenset({"RestApiId"})
    replace_on = frozenset({"RestApiId"})
    _patchable = {
        "Name": "/name",
        "ValidateRequestBody": "/validateRequestBody",
        "ValidateRequestParameters": "/validateRequestParameters",
    }

    def create(self, ctx, props):
        validator = ctx.client("apigateway").create_request_validator(
            restApiId=props["RestApiId"],
            name=props.get("Name") or ctx.physical_name(128),
            validateRequestBody=bool(as_bool(props.get("ValidateRequestBody", False))),
            validateRequestParameters=bool(as_bool(props.get("ValidateRequestParameters", False))),
        )
        return Provisioned(validator["id"], {"RequestValidatorId": validator["id"]})

    def update(self, ctx, current, old, new):
        ops = _patch_replace(old, new, self._patchable)
        for op in ops:
            if op["path"].startswith("/validate") and op["value"] == "":
                op["value"] = "false"
        if ops:
            ctx.client("apigateway").update_request_validator(
                restApiId=new["RestApiId"],
                requestValidatorId=current.physical_id,
                patchOperations=ops,
            )
        return current

    def delete(self, ctx, current, props):
        api = ctx.client("apigateway")
        ignore_missing(
            lambda: api.delete_request_validator(
                restApiId=props["RestApiId"], requestValidatorId=current.physical_id
            )
        )


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
        ops = _patch_replace(
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


class ApiKeyHandler(ResourceHandler):
    type_name = "AWS::ApiGateway::ApiKey"
    properties = frozenset(
        {
            "Name",
            "Description",
            "Enabled",
            "Value",
            "StageKeys",
            "GenerateDistinctId",
            "CustomerId",
            "Tags",
        }
    )
    replace_on = frozenset({"Value", "GenerateDistinctId"})

    def create(self, ctx, props):
        key = ctx.client("apigateway").create_api_key(
            name=props.get("Name") or ctx.physical_name(128),
            enabled=bool(as_bool(props.get("Enabled", False))),
            **compact(
                description=props.get("Description"),
                value=props.get("Value"),
                generateDistinctId=as_bool(props.get("GenerateDistinctId")),
                customerId=props.get("CustomerId"),
                stageKeys=[
                    {"restApiId": s["RestApiId"], "stageName": s["StageName"]}
                    for s in props.get("StageKeys", [])
                ]
                or None,
                tags=tag_dict(props.get("Tags")) or None,
            ),
        )
        return Provisioned(key["id"], {"APIKeyId": key["id"]})

    def update(self, ctx, current, old, new):
        ops = _patch_replace(
            old, new, {"Name": "/name", "Description": "/description", "CustomerId": "/customerId"}
        )
        if as_bool(old.get("Enabled", False)) != as_bool(new.get("Enabled", False)):
            ops.append(
                {
                    "op": "replace",
                    "path": "/enabled",
                    "value": _text(bool(as_bool(new.get("Enabled", False)))),
                }
            )
        old_stages = {f"{s['RestApiId']}/{s['StageName']}" for s in old.get("StageKeys", [])}
        new_stages = {f"{s['RestApiId']}/{s['StageName']}" for s in new.get("StageKeys", [])}
        ops += [{"op": "remove", "path": "/stages", "value": s} for s in old_stages - new_stages]
        ops += [{"op": "add", "path": "/stages", "value": s} for s in new_stages - old_stages]
        if ops:
            ctx.client("apigateway").update_api_key(apiKey=current.physical_id, patchOperations=ops)
        return current

    def delete(self, ctx, current, props):
        api = ctx.client("apigateway")
        ignore_missing(lambda: api.delete_api_key(apiKey=current.physical_id))


class UsagePlanHandler(ResourceHandler):
    type_name = "AWS::ApiGateway::UsagePlan"
    properties = frozenset(
        {"UsagePlanName", "Description", "ApiStages", "Throttle", "Quota", "Tags"}
    )

    def create(self, ctx, props):
        request = usage_plan_request(props)
        request.setdefault("name", ctx.physical_name(128))
        plan = ctx.client("apigateway").create_usage_plan(**request)
        return Provisioned(plan["id"], {"Id": plan["id"]})

    def update(self, ctx, current, old, new):
        ops = _patch_replace(old, new, {"UsagePlanName": "/name", "Description": "/description"})
        before, after = usage_plan_request(old), usage_plan_request(new)
        for part in ("throttle", "quota"):
            if before.get(part) != after.get(part):
                ops += [
                    {"op": "replace", "path": f"/{part}/{k}", "value": _text(v)}
                    for k, v in (after.get(part) or {}).items()
                ]
                if not after.get(part):
                    ops.append({"op": "remove", "path": f"/{part}"})
        stages = {(s["apiId"], s["stage"]) for s in after.get("apiStages", [])}
        had = {(s["apiId"], s["stage"]) for s in before.get("apiStages", [])}
        ops += [
            {"op": "remove", "path": "/apiStages", "value": f"{a}:{s}"} for a, s in had - stages
        ]
        ops += [{"op": "add", "path": "/apiStages", "value": f"{a}:{s}"} for a, s in stages - had]
        if ops:
            ctx.client("apigateway").update_usage_plan(
                usagePlanId=current.physical_id, patchOperations=ops
            )
        return current

    def delete(self, ctx, current, props):
        api = ctx.client("apigateway")
        ignore_missing(lambda: api.delete_usage_plan(usagePlanId=current.physical_id))


class UsagePlanKeyHandler(ResourceHandler):
    type_name = "AWS::ApiGateway::UsagePlanKey"
    properties = frozenset({"KeyId", "KeyType", "UsagePlanId"})
    required = properties
    replace_on = ALL

    def create(self, ctx, props):
        key = ctx.client("apigateway").create_usage_plan_key(
            usagePlanId=props["UsagePlanId"], keyId=props["KeyId"], keyType=props["KeyType"]
        )
        return Provisioned(key["id"], {"Id": key["id"]})

    def delete(self, ctx, current, props):
        api = ctx.client("apigateway")
        ignore_missing(
            lambda: api.delete_usage_plan_key(
                usagePlanId=props["UsagePlanId"], keyId=current.physical_id
            )
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


class GatewayResponseHandler(ResourceHandler):
    type_name = "AWS::ApiGateway::GatewayResponse"
    properties = frozenset(
        {"RestApiId", "ResponseType", "StatusCode", "ResponseParameters", "ResponseTemplates"}
    )
    required = frozenset({"RestApiId", "ResponseType"})
    replace_on = frozenset({"RestApiId", "ResponseType"})

    def create(self, ctx, props):
        ctx.client("apigateway").put_gateway_response(
            restApiId=props["RestApiId"],
            responseType=props["ResponseType"],
            **compact(
                statusCode=str(props["StatusCode"]) if "StatusCode" in props else None,
                responseParameters=props.get("ResponseParameters"),
                responseTemplates=props.get("ResponseTemplates"),
            ),
        )
        return Provisioned(f"{props['RestApiId']}/{props['ResponseType']}")

    def update(self, ctx, current, old, new):
        return self.create(ctx, new)

    def delete(self, ctx, current, props):
        api = ctx.client("apigateway")
        ignore_missing(
            lambda: api.delete_gateway_response(
                restApiId=props["RestApiId"], responseType=props["ResponseType"]
            )
        )


HANDLERS = [
    RestApiHandler(),
    ApiResourceHandler(),
    MethodHandler(),
    ModelHandler(),
    RequestValidatorHandler(),
    DeploymentHandler(),
    StageHandler(),
    ApiKeyHandler(),
    UsagePlanHandler(),
    UsagePlanKeyHandler(),
    AccountHandler(),
    GatewayResponseHandler(),
]
