"""One REST API like the lake's: /ingest (key, validator, model, CORS), /health (MOCK),
/items/{id} (open), /iam (AWS_IAM), /boom (failing Lambda), /bad (malformed proxy result)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

import boto3
import pytest

from localcloud.testing import ensure_role, zip_files

HANDLER = '''
import json

def proxy(event, context):
    return {"statusCode": 201, "headers": {"X-Echo": "yes"},
            "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]},
            "body": json.dumps({"event": event, "request_id": context.aws_request_id})}

def boom(event, context):
    raise RuntimeError("kaput")

def bad(event, context):
    return {"body": "no status"}

noperm = proxy


def slow(event, context):
    import time
    time.sleep(3)
    return {"statusCode": 200, "body": "late"}
'''

SCHEMA = {"$schema": "http://json-schema.org/draft-04/schema#", "type": "object",
          "required": ["source"], "properties": {"source": {"type": "string"}}}
ACCESS_FORMAT = ('{"requestId":"$context.requestId","status":"$context.status",'
                 '"key":"$context.identity.apiKey","keyId":"$context.identity.apiKeyId",'
                 '"path":"$context.resourcePath","error":"$context.error.validationErrorString"}')


@dataclass
class Api:
    id: str
    name: str
    base: str
    key: str
    key_id: str
    throttle_key: str
    quota_key: str
    log_group: str


def _lambda_uri(arn: str) -> str:
    return f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{arn}/invocations"


@pytest.fixture(scope="session")
def api(local_cloud) -> Api:
    endpoint = local_cloud.config.endpoint
    kw = {"endpoint_url": endpoint, "region_name": "us-east-1"}
    lam, apigw = boto3.client("lambda", **kw), boto3.client("apigateway", **kw)
    role = ensure_role(boto3.client("iam", **kw))
    suffix = uuid.uuid4().hex[:6]
    code = zip_files({"app.py": HANDLER})
    arns = {}
    for entry in ("proxy", "boom", "bad", "slow", "noperm"):
        arns[entry] = lam.create_function(
            FunctionName=f"api-{entry}-{suffix}", Runtime="python3.11", Role=role,
            Handler=f"app.{entry}", Code={"ZipFile": code}, Timeout=10)["FunctionArn"]
    name = f"api-{suffix}"
    api_id = apigw.create_rest_api(name=name)["id"]
    for entry, arn in arns.items():
        if entry != "noperm":  # API Gateway may invoke only functions that allow it
            lam.add_permission(
                FunctionName=arn, StatementId="apigw", Action="lambda:InvokeFunction",
                Principal="apigateway.amazonaws.com",
                SourceArn=f"arn:aws:execute-api:us-east-1:123456789012:{api_id}/*/*/*")
    root = apigw.get_resources(restApiId=api_id)["items"][0]["id"]

    def resource(parent, part):
        return apigw.create_resource(restApiId=api_id, parentId=parent, pathPart=part)["id"]

    def proxy_method(res, verb, fn, timeout_ms=None, **kwargs):
        apigw.put_method(restApiId=api_id, resourceId=res, httpMethod=verb,
                         authorizationType=kwargs.pop("auth", "NONE"), **kwargs)
        apigw.put_integration(restApiId=api_id, resourceId=res, httpMethod=verb,
                              type="AWS_PROXY", integrationHttpMethod="POST",
                              uri=_lambda_uri(arns[fn]),
                              **({"timeoutInMillis": timeout_ms} if timeout_ms else {}))

    apigw.create_model(restApiId=api_id, name="Event", contentType="application/json",
                       schema=json.dumps(SCHEMA))
    validator = apigw.create_request_validator(restApiId=api_id, name="all",
                                               validateRequestBody=True,
                                               validateRequestParameters=True)["id"]
    ingest = resource(root, "ingest")
    proxy_method(ingest, "POST", "proxy", apiKeyRequired=True, requestValidatorId=validator,
                 requestModels={"application/json": "Event"})
    apigw.put_method(restApiId=api_id, resourceId=ingest, httpMethod="OPTIONS",
                     authorizationType="NONE")
    apigw.put_integration(restApiId=api_id, resourceId=ingest, httpMethod="OPTIONS",
                          type="MOCK", requestTemplates={"application/json": '{"statusCode": 200}'})
    cors = {"method.response.header.Access-Control-Allow-Origin": "'*'",
            "method.response.header.Access-Control-Allow-Methods": "'POST,OPTIONS'",
            "method.response.header.Access-Control-Allow-Headers": "'Content-Type,X-Api-Key'"}
    apigw.put_method_response(restApiId=api_id, resourceId=ingest, httpMethod="OPTIONS",
                              statusCode="200",
                              responseParameters={k: False for k in cors})
    apigw.put_integration_response(restApiId=api_id, resourceId=ingest, httpMethod="OPTIONS",
                                   statusCode="200", responseParameters=cors,
                                   responseTemplates={"application/json": ""})
    health = resource(root, "health")
    apigw.put_method(restApiId=api_id, resourceId=health, httpMethod="GET",
                     authorizationType="NONE")
    apigw.put_integration(restApiId=api_id, resourceId=health, httpMethod="GET", type="MOCK",
                          requestTemplates={"application/json": '{"statusCode": 200}'})
    apigw.put_method_response(restApiId=api_id, resourceId=health, httpMethod="GET",
                              statusCode="200")
    apigw.put_integration_response(
        restApiId=api_id, resourceId=health, httpMethod="GET", statusCode="200",
        responseTemplates={"application/json": '{"status": "ok"}'})
    items = resource(root, "items")
    item = resource(items, "{id}")
    proxy_method(item, "GET", "proxy", requestValidatorId=validator,
                 requestParameters={"method.request.querystring.verbose": True})
    proxy_method(resource(root, "iam"), "GET", "proxy", auth="AWS_IAM")
    proxy_method(resource(root, "boom"), "POST", "boom")
    proxy_method(resource(root, "bad"), "GET", "bad")
    proxy_method(resource(root, "slow"), "GET", "slow", timeout_ms=1000)
    proxy_method(resource(root, "noperm"), "GET", "noperm")
    # The lake's gateway responses: CORS on API Gateway's own errors, validation detail.
    cors_header = {"gatewayresponse.header.Access-Control-Allow-Origin": "'*'"}
    apigw.put_gateway_response(
        restApiId=api_id, responseType="BAD_REQUEST_BODY", responseParameters=cors_header,
        responseTemplates={"application/json": '{"message": $context.error.messageString, '
                           '"validationErrors": "$context.error.validationErrorString"}'})
    apigw.put_gateway_response(
        restApiId=api_id, responseType="DEFAULT_4XX", responseParameters=cors_header,
        responseTemplates={"application/json": '{"message": $context.error.messageString}'})
    log_group = f"/aws/apigateway/{name}"
    apigw.create_deployment(restApiId=api_id, stageName="prod")
    apigw.update_stage(restApiId=api_id, stageName="prod", patchOperations=[
        {"op": "replace", "path": "/accessLogSettings/destinationArn",
         "value": f"arn:aws:logs:us-east-1:123456789012:log-group:{log_group}"},
        {"op": "replace", "path": "/accessLogSettings/format", "value": ACCESS_FORMAT},
        {"op": "replace", "path": "/variables/color", "value": "blue"},
    ])

    def key_in_plan(plan_kwargs):
        value = uuid.uuid4().hex + uuid.uuid4().hex[:8]
        key = apigw.create_api_key(name=f"k-{value[:6]}", enabled=True, value=value)
        plan = apigw.create_usage_plan(name=f"p-{value[:6]}",
                                       apiStages=[{"apiId": api_id, "stage": "prod"}],
                                       **plan_kwargs)
        apigw.create_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"], keyType="API_KEY")
        return value, key["id"]

    key, key_id = key_in_plan({"throttle": {"rateLimit": 1000, "burstLimit": 500}})
    throttle_key, _ = key_in_plan({"throttle": {"rateLimit": 0.001, "burstLimit": 2}})
    quota_key, _ = key_in_plan({"quota": {"limit": 3, "period": "DAY"}})
    base = f"{endpoint}/restapis/{api_id}/prod/_user_request_"
    return Api(api_id, name, base, key, key_id, throttle_key, quota_key, log_group)
