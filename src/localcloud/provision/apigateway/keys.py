"""API keys, usage plans (throttle, quota, API stages) and the keys in each plan."""

from __future__ import annotations

import logging

from localcloud.provision.apigateway.calls import (
    ReplacedSubResourceHandler,
    apply_patch,
    delete_quietly,
)
from localcloud.provision.apigateway.requests import (
    patch_value,
    replace_patch,
    usage_plan_request,
)
from localcloud.provision.base import (
    Provisioned,
    ResourceHandler,
    as_bool,
    compact,
    tag_dict,
)

_logger = logging.getLogger(__name__)


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
        ops = replace_patch(
            old, new, {"Name": "/name", "Description": "/description", "CustomerId": "/customerId"}
        )
        if as_bool(old.get("Enabled", False)) != as_bool(new.get("Enabled", False)):
            ops.append(
                {
                    "op": "replace",
                    "path": "/enabled",
                    "value": patch_value(bool(as_bool(new.get("Enabled", False)))),
                }
            )
        old_stages = {f"{s['RestApiId']}/{s['StageName']}" for s in old.get("StageKeys", [])}
        new_stages = {f"{s['RestApiId']}/{s['StageName']}" for s in new.get("StageKeys", [])}
        ops += [{"op": "remove", "path": "/stages", "value": s} for s in old_stages - new_stages]
        ops += [{"op": "add", "path": "/stages", "value": s} for s in new_stages - old_stages]
        apply_patch(ctx, "update_api_key", ops, apiKey=current.physical_id)
        return current

    def delete(self, ctx, current, props):
        delete_quietly(ctx, "delete_api_key", apiKey=current.physical_id)


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
        ops = replace_patch(old, new, {"UsagePlanName": "/name", "Description": "/description"})
        before, after = usage_plan_request(old), usage_plan_request(new)
        for part in ("throttle", "quota"):
            if before.get(part) != after.get(part):
                ops += [
                    {"op": "replace", "path": f"/{part}/{k}", "value": patch_value(v)}
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
        apply_patch(ctx, "update_usage_plan", ops, usagePlanId=current.physical_id)
        return current

    def delete(self, ctx, current, props):
        delete_quietly(ctx, "delete_usage_plan", usagePlanId=current.physical_id)


class UsagePlanKeyHandler(ReplacedSubResourceHandler):
    type_name = "AWS::ApiGateway::UsagePlanKey"
    arguments = {"UsagePlanId": "usagePlanId", "KeyId": "keyId", "KeyType": "keyType"}
    id_argument, id_attribute = "keyId", "Id"


HANDLERS = [ApiKeyHandler(), UsagePlanHandler(), UsagePlanKeyHandler()]
