"""A deployed stage as the gateway serves it, read from moto through the public API and cached
until the next API Gateway write call."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

_logger = logging.getLogger(__name__)


@dataclass
class StageView:
    """Everything needed to serve requests to one stage of one REST API."""

    api_id: str
    api_name: str
    stage: str
    deployment_id: str | None
    resources: list[dict]
    variables: dict[str, str]
    access_log: dict  # {"destinationArn", "format"} or {}
    method_settings: dict
    binary_media_types: list[str]
    api_key_source: str
    models: dict[str, str]  # name -> schema (JSON text)
    validators: dict[str, dict]
    plans: list[dict]  # usage plans that include this stage
    plan_keys: dict[str, set[str]]  # plan id -> key ids
    keys_by_value: dict[str, dict] = field(default_factory=dict)  # value -> key (id, enabled)
    gateway_responses: dict[str, dict] = field(default_factory=dict)


def load_stage(client, api_id: str, stage: str) -> StageView | None:
    """Read the stage's API from moto; None when the API or the stage does not exist."""
    try:
        api = client.get_rest_api(restApiId=api_id)
        stage_desc = client.get_stage(restApiId=api_id, stageName=stage)
    except (client.exceptions.NotFoundException, client.exceptions.BadRequestException):
        return None
    resources = _all(client.get_resources, "items", restApiId=api_id, embed=["methods"])
    models = {m["name"]: m.get("schema") or "{}"
              for m in _all(client.get_models, "items", restApiId=api_id)}
    validators = {v["id"]: v for v in _all(client.get_request_validators, "items",
                                           restApiId=api_id)}
    plans = [p for p in _all(client.get_usage_plans, "items")
             if any(s.get("apiId") == api_id and s.get("stage") == stage
                    for s in p.get("apiStages") or [])]
    plan_keys = {p["id"]: {k["id"] for k in _all(client.get_usage_plan_keys, "items",
                                                  usagePlanId=p["id"])} for p in plans}
    keys = {k["value"]: k for k in _all(client.get_api_keys, "items", includeValues=True)
            if k.get("value")}
    try:
        responses = {r["responseType"]: r for r in
                     client.get_gateway_responses(restApiId=api_id).get("items", [])}
    except Exception:  # older moto versions: no gateway responses
        responses = {}
    return StageView(
        api_id=api_id,
        api_name=api.get("name", api_id),
        stage=stage,
        deployment_id=stage_desc.get("deploymentId"),
        resources=resources,
        variables=stage_desc.get("variables") or {},
        access_log=stage_desc.get("accessLogSettings") or {},
        method_settings=stage_desc.get("methodSettings") or {},
        binary_media_types=api.get("binaryMediaTypes") or [],
        api_key_source=api.get("apiKeySource") or "HEADER",
        models=models,
        validators=validators,
        plans=plans,
        plan_keys=plan_keys,
        keys_by_value=keys,
        gateway_responses=responses,
    )


def _all(method, key: str, **kwargs) -> list[dict]:
    items: list[dict] = []
    position = None
    while True:
        page = method(**kwargs, limit=500, **({"position": position} if position else {}))
        items.extend(page.get(key, []))
        position = page.get("position")
        if not position:
            return items


class StageCache:
    """StageViews by (api id, stage), dropped whenever an API Gateway write call succeeds."""

    def __init__(self, client_factory) -> None:
        self._client = client_factory
        self._views: dict[tuple[str, str], StageView | None] = {}
        self._lock = threading.Lock()
        self._generation = 0

    def get(self, api_id: str, stage: str) -> StageView | None:
        with self._lock:
            if (api_id, stage) in self._views:
                return self._views[(api_id, stage)]
            generation = self._generation
        view = load_stage(self._client("apigateway"), api_id, stage)
        with self._lock:
            if generation == self._generation:  # no write happened while we were reading
                self._views[(api_id, stage)] = view
        return view

    def invalidate(self) -> None:
        with self._lock:
            self._views.clear()
            self._generation += 1
