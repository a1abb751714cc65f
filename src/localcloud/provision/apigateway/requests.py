"""Pure request builders: API Gateway resource properties as API calls and patch operations."""

from __future__ import annotations

from typing import Any

from localcloud.provision.base import (
    as_bool,
    as_float,
    as_int,
    compact,
    tag_dict,
)


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
        requestParameters=bool_map(props.get("RequestParameters")),
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
                    {"op": "replace", "path": f"{prefix}/{api}", "value": patch_value(setting[cfn])}
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
        throttle=throttle_request(props.get("Throttle")),
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
        throttle={path: throttle_request(t) for path, t in stage["Throttle"].items()}
        if stage.get("Throttle")
        else None,
    )


def throttle_request(spec: dict[str, Any] | None) -> dict[str, Any] | None:
    if not spec:
        return None
    return compact(
        burstLimit=as_int(spec.get("BurstLimit")), rateLimit=as_float(spec.get("RateLimit"))
    )


def bool_map(value: dict[str, Any] | None) -> dict[str, bool] | None:
    return {k: bool(as_bool(v)) for k, v in value.items()} if value else None


def patch_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def replace_patch(old: dict, new: dict, fields: dict[str, str]) -> list[dict[str, str]]:
    return [
        {"op": "replace", "path": path, "value": patch_value(new.get(cfn, ""))}
        for cfn, path in fields.items()
        if old.get(cfn) != new.get(cfn)
    ]
