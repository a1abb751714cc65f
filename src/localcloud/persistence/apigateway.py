"""API Gateway (REST): APIs with resources, methods, integrations, models, validators,
authorizers, gateway responses, stages and their deployments; API keys and usage plans.

Ids are kept: moto generates ids through its id manager, which accepts a custom id per
resource identity (API name, parent+path, stage name, key value, plan name...). Restore sets
the exported id right before each create call, so ApiUrl, ApiKeyId and usage plan ids stay
valid across down → up. Deployments not referenced by any stage are not restored.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path

from localcloud.persistence.common import read_json, strip, write_json

_logger = logging.getLogger(__name__)


def _items(method, **kwargs) -> list[dict]:
    items, position = [], None
    while True:
        page = method(**kwargs, limit=500, **({"position": position} if position else {}))
        items += page.get("items", [])
        position = page.get("position")
        if not position:
            return items


def export(cloud, root: Path) -> dict:
    api_gw = cloud.client("apigateway")
    apis = []
    for api in _items(api_gw.get_rest_apis):
        api_id = api["id"]
        apis.append({
            "api": strip(api),
            "resources": _items(api_gw.get_resources, restApiId=api_id, embed=["methods"]),
            "models": _items(api_gw.get_models, restApiId=api_id),
            "validators": _items(api_gw.get_request_validators, restApiId=api_id),
            "authorizers": _items(api_gw.get_authorizers, restApiId=api_id),
            "gateway_responses": api_gw.get_gateway_responses(restApiId=api_id).get("items", []),
            "stages": api_gw.get_stages(restApiId=api_id).get("item", []),
            "deployments": _items(api_gw.get_deployments, restApiId=api_id),
        })
    keys = _items(api_gw.get_api_keys, includeValues=True)
    plans = _items(api_gw.get_usage_plans)
    for plan in plans:
        plan["keys"] = _items(api_gw.get_usage_plan_keys, usagePlanId=plan["id"])
    write_json(root / "apigateway.json", {"apis": apis, "keys": keys, "plans": plans})
    return {"apis": len(apis), "keys": len(keys), "plans": len(plans)}


class _Ids:
    """Sets moto's custom id for the next create call of one resource identity."""

    def __init__(self, account: str, region: str) -> None:
        from moto.apigateway import utils
        from moto.utilities.id_generator import moto_id_manager

        self.utils, self.manager = utils, moto_id_manager
        self.account, self.region = account, region

    @contextlib.contextmanager
    def use(self, kind: str, wanted: str | None, *name: str):
        identifier = getattr(self.utils, kind)(self.account, self.region, *name)
        if wanted:
            self.manager.set_custom_id(identifier, wanted)
        try:
            yield
        finally:
            self.manager.unset_custom_id(identifier)


def restore(cloud, root: Path) -> dict:
    data = read_json(root / "apigateway.json")
    if not data:
        return {"apis": 0}
    api_gw = cloud.client("apigateway")
    ids = _Ids(cloud.config.account, cloud.config.region)
    for bundle in data["apis"]:
        _restore_api(api_gw, ids, bundle)
    for key in data["keys"]:
        with ids.use("ApigwApiKeyIdentifier", key["id"], key["value"]):
            api_gw.create_api_key(**_pick(key, "name", "description", "enabled", "value",
                                          "customerId", "tags"))
    for plan in data["plans"]:
        with ids.use("ApigwUsagePlanIdentifier", plan["id"], plan["name"]):
            api_gw.create_usage_plan(**_pick(plan, "name", "description", "apiStages",
                                             "throttle", "quota", "tags"))
        for key in plan.get("keys", []):
            api_gw.create_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"],
                                         keyType=key.get("type", "API_KEY"))
    return {"apis": len(data["apis"]), "keys": len(data["keys"]), "plans": len(data["plans"])}


def _pick(data: dict, *keys: str) -> dict:
    return {k: data[k] for k in keys if data.get(k) not in (None, "", [], {})}


def _restore_api(api_gw, ids: _Ids, bundle: dict) -> None:
    api = bundle["api"]
    api_id = api["id"]
    resources = bundle["resources"]
    root_resource = next(r for r in resources if r.get("path") == "/")
    with ids.use("ApigwRestApiIdentifier", api_id, api["name"]), \
            ids.use("ApigwResourceIdentifier", root_resource["id"], "", "/"):
        api_gw.create_rest_api(**_pick(api, "name", "description", "version", "binaryMediaTypes",
                                       "apiKeySource", "endpointConfiguration", "policy",
                                       "minimumCompressionSize", "tags",
                                       "disableExecuteApiEndpoint"))
    for model in bundle["models"]:
        with ids.use("ApigwModelIdentifier", model["id"], model["name"]):
            api_gw.create_model(restApiId=api_id, **_pick(model, "name", "description",
                                                          "schema", "contentType"))
    for validator in bundle["validators"]:
        with ids.use("ApigwRequestValidatorIdentifier", validator["id"], validator["name"]):
            api_gw.create_request_validator(restApiId=api_id, **_pick(
                validator, "name", "validateRequestBody", "validateRequestParameters"))
    for authorizer in bundle["authorizers"]:
        with ids.use("ApigwAuthorizerIdentifier", authorizer["id"], authorizer["name"]):
            api_gw.create_authorizer(restApiId=api_id, **_pick(
                authorizer, "name", "type", "providerARNs", "authType", "authorizerUri",
                "authorizerCredentials", "identitySource", "identityValidationExpression",
                "authorizerResultTtlInSeconds"))
    by_depth = sorted((r for r in resources if r.get("path") != "/"),
                      key=lambda r: r["path"].count("/"))
    for resource in by_depth:
        with ids.use("ApigwResourceIdentifier", resource["id"], resource["parentId"],
                     resource["pathPart"]):
            api_gw.create_resource(restApiId=api_id, parentId=resource["parentId"],
                                   pathPart=resource["pathPart"])
    for resource in resources:
        for verb, method in (resource.get("resourceMethods") or {}).items():
            _restore_method(api_gw, api_id, resource["id"], verb, method)
    for response in bundle["gateway_responses"]:
        if response.get("defaultResponse"):
            continue
        api_gw.put_gateway_response(restApiId=api_id, **_pick(
            response, "responseType", "statusCode", "responseParameters", "responseTemplates"))
    _restore_stages(api_gw, ids, api_id, bundle)


def _restore_method(api_gw, api_id: str, resource_id: str, verb: str, method: dict) -> None:
    api_gw.put_method(restApiId=api_id, resourceId=resource_id, httpMethod=verb,
                      authorizationType=method.get("authorizationType", "NONE"),
                      **_pick(method, "authorizerId", "apiKeyRequired", "operationName",
                              "requestParameters", "requestModels", "requestValidatorId",
                              "authorizationScopes"))
    for status, response in (method.get("methodResponses") or {}).items():
        api_gw.put_method_response(restApiId=api_id, resourceId=resource_id, httpMethod=verb,
                                   statusCode=status, **_pick(response, "responseParameters",
                                                              "responseModels"))
    integration = method.get("methodIntegration")
    if not integration:
        return
    kwargs = _pick(integration, "uri", "credentials", "requestParameters", "requestTemplates",
                   "passthroughBehavior", "cacheNamespace", "cacheKeyParameters",
                   "contentHandling", "timeoutInMillis", "connectionType", "connectionId")
    if integration.get("httpMethod"):
        kwargs["integrationHttpMethod"] = integration["httpMethod"]
    api_gw.put_integration(restApiId=api_id, resourceId=resource_id, httpMethod=verb,
                           type=integration["type"], **kwargs)
    for status, response in (integration.get("integrationResponses") or {}).items():
        templates = {k: (v or "") for k, v in (response.get("responseTemplates") or {}).items()}
        api_gw.put_integration_response(
            restApiId=api_id, resourceId=resource_id, httpMethod=verb, statusCode=status,
            **_pick(response, "selectionPattern", "responseParameters", "contentHandling"),
            **({"responseTemplates": templates} if templates else {}))


def _restore_stages(api_gw, ids: _Ids, api_id: str, bundle: dict) -> None:
    deployments = {d["id"]: d for d in bundle["deployments"]}
    created: set[str] = set()
    for stage in bundle["stages"]:
        deployment_id = stage.get("deploymentId")
        description = (deployments.get(deployment_id) or {}).get("description", "")
        if deployment_id not in created:
            with ids.use("ApigwDeploymentIdentifier", deployment_id, stage["stageName"]):
                api_gw.create_deployment(restApiId=api_id, stageName=stage["stageName"],
                                         description=description,
                                         variables=stage.get("variables") or {})
            created.add(deployment_id)
        else:
            api_gw.create_stage(restApiId=api_id, stageName=stage["stageName"],
                                deploymentId=deployment_id,
                                variables=stage.get("variables") or {})
        api_gw.update_stage(restApiId=api_id, stageName=stage["stageName"],
                            patchOperations=_stage_patches(stage))
        if stage.get("tags"):
            arn = f"arn:aws:apigateway:{ids.region}::/restapis/{api_id}/stages/" \
                  f"{stage['stageName']}"
            api_gw.tag_resource(resourceArn=arn, tags=stage["tags"])


def _stage_patches(stage: dict) -> list[dict]:
    ops = []
    if stage.get("description"):
        ops.append({"op": "replace", "path": "/description", "value": stage["description"]})
    for key, value in (stage.get("accessLogSettings") or {}).items():
        ops.append({"op": "replace", "path": f"/accessLogSettings/{key}", "value": value})
    if "tracingEnabled" in stage:
        ops.append({"op": "replace", "path": "/tracingEnabled",
                    "value": str(stage["tracingEnabled"]).lower()})
    for selector, settings in (stage.get("methodSettings") or {}).items():
        prefix = "/" + selector
        for name, path in (("throttlingRateLimit", "throttling/rateLimit"),
                           ("throttlingBurstLimit", "throttling/burstLimit"),
                           ("metricsEnabled", "metrics/enabled"),
                           ("loggingLevel", "logging/loglevel"),
                           ("dataTraceEnabled", "logging/dataTrace")):
            if name in settings:
                value = settings[name]
                value = str(value).lower() if isinstance(value, bool) else str(value)
                ops.append({"op": "replace", "path": f"{prefix}/{path}", "value": value})
    return ops
