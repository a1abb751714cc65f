"""AWS::ApiGateway::* (REST APIs) through the API Gateway API: API, resources, methods with
their integrations and responses, models, validators, deployment, stage with access logs and
method settings, API keys, usage plans and their keys, account, gateway responses."""

from localcloud.provision.apigateway import api, keys, stage
from localcloud.provision.apigateway.requests import (
    access_log_patch,
    integration_request,
    method_request,
    method_settings_patch,
    usage_plan_request,
)

HANDLERS = [*api.HANDLERS, *stage.HANDLERS, *keys.HANDLERS]

__all__ = [
    "HANDLERS",
    "access_log_patch",
    "integration_request",
    "method_request",
    "method_settings_patch",
    "usage_plan_request",
]
