"""The REST API and what hangs off it: resources, methods (with integrations and responses),
models, request validators and gateway responses."""

from __future__ import annotations

import json
import logging

from localcloud.provision.apigateway.calls import (
    ReplacedSubResourceHandler,
    apply_patch,
    delete_quietly,
)
from localcloud.provision.apigateway.requests import (
    bool_map,
    integration_request,
    method_request,
    replace_patch,
)
from localcloud.provision.base import (
    Provisioned,
    ResourceHandler,
    as_bool,
    as_int,
    compact,
    is_unimplemented,
    tag_dict,
)

_logger = logging.getLogger(__name__)


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
        ops = replace_patch(old, new, self._patchable)
        if old.get("Policy") != new.get("Policy"):
            policy = new.get("Policy", "")
            ops.append(
                {
                    "op": "replace",
                    "path": "/policy",
                    "value": json.dumps(policy) if isinstance(policy, dict) else policy,
                }
            )
        apply_patch(ctx, "update_rest_api", ops, restApiId=current.physical_id)
        return current

    def delete(self, ctx, current, props):
        delete_quietly(ctx, "delete_rest_api", restApiId=current.physical_id)


class ApiResourceHandler(ReplacedSubResourceHandler):
    type_name = "AWS::ApiGateway::Resource"
    arguments = {"RestApiId": "restApiId", "ParentId": "parentId", "PathPart": "pathPart"}
    id_argument, id_attribute = "resourceId", "ResourceId"


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
                    responseParameters=bool_map(response.get("ResponseParameters")),
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
        delete_quietly(
            ctx,
            "delete_method",
            restApiId=props["RestApiId"],
            resourceId=props["ResourceId"],
            httpMethod=props["HttpMethod"],
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
        delete_quietly(
            ctx, "delete_model", restApiId=props["RestApiId"], modelName=current.physical_id
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
        ops = replace_patch(old, new, self._patchable)
        for op in ops:
            if op["path"].startswith("/validate") and op["value"] == "":
                op["value"] = "false"
        apply_patch(
            ctx,
            "update_request_validator",
            ops,
            restApiId=new["RestApiId"],
            requestValidatorId=current.physical_id,
        )
        return current

    def delete(self, ctx, current, props):
        delete_quietly(
            ctx,
            "delete_request_validator",
            restApiId=props["RestApiId"],
            requestValidatorId=current.physical_id,
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
        delete_quietly(
            ctx,
            "delete_gateway_response",
            restApiId=props["RestApiId"],
            responseType=props["ResponseType"],
        )


HANDLERS = [
    RestApiHandler(),
    ApiResourceHandler(),
    MethodHandler(),
    ModelHandler(),
    RequestValidatorHandler(),
    GatewayResponseHandler(),
]
