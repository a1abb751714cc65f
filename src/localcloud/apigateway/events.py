"""The REST API proxy event API Gateway sends to a Lambda, and its reading of the answer (pure)."""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass, field

from localcloud.apigateway.gateway_errors import integration_failed


@dataclass
class GatewayRequest:
    """One HTTP request to a stage, plus the ids API Gateway gives it."""

    method: str
    path: str  # after the stage, e.g. "/ingest"
    headers: list[tuple[str, str]]  # as received (case kept, repeats kept)
    query: dict[str, list[str]]
    body: bytes
    api_id: str
    stage: str
    account_id: str
    domain_name: str
    source_ip: str = "127.0.0.1"
    request_id: str = ""
    extended_request_id: str = ""
    epoch_ms: int = field(default_factory=lambda: int(time.time() * 1000))

    def header(self, name: str) -> str | None:
        """Last value of header `name` (case-insensitive), as API Gateway's `headers` keeps."""
        value = None
        for key, item in self.headers:
            if key.lower() == name.lower():
                value = item
        return value


def request_time(epoch_ms: int) -> str:
    """`$context.requestTime`: CLF format, e.g. 25/Nov/2026:10:00:00 +0000."""
    return time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(epoch_ms / 1000))


def build_proxy_event(
    request: GatewayRequest, resource: dict, path_parameters: dict[str, str],
    stage_variables: dict[str, str], identity: dict, binary_media_types: list[str] | None = None,
) -> dict:
    """The `AWS_PROXY` event (payload format 1.0) for `request` on `resource`."""
    headers: dict[str, str] = {}
    multi_headers: dict[str, list[str]] = {}
    for key, value in request.headers:
        headers[key] = value  # a repeated header keeps its last value in `headers`
        multi_headers.setdefault(key, []).append(value)
    query = {k: v[-1] for k, v in request.query.items()}
    body, is_base64 = _event_body(request, binary_media_types or [])
    return {
        "resource": resource.get("path", "/"),
        "path": request.path,
        "httpMethod": request.method,
        "headers": headers or None,
        "multiValueHeaders": multi_headers or None,
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": dict(request.query) or None,
        "pathParameters": path_parameters or None,
        "stageVariables": stage_variables or None,
        "requestContext": {
            "resourceId": resource.get("id"),
            "resourcePath": resource.get("path", "/"),
            "httpMethod": request.method,
            "extendedRequestId": request.extended_request_id,
            "requestTime": request_time(request.epoch_ms),
            "path": f"/{request.stage}{request.path}",
            "accountId": request.account_id,
            "protocol": "HTTP/1.1",
            "stage": request.stage,
            "domainPrefix": request.domain_name.split(".")[0],
            "requestTimeEpoch": request.epoch_ms,
            "requestId": request.request_id,
            "identity": identity,
            "domainName": request.domain_name,
            "deploymentId": resource.get("_deploymentId"),
            "apiId": request.api_id,
        },
        "body": body,
        "isBase64Encoded": is_base64,
    }


def build_identity(request: GatewayRequest, api_key: str | None, api_key_id: str | None,
                   access_key: str | None = None, account_id: str | None = None) -> dict:
    """`requestContext.identity` with every field API Gateway sends (unset ones are null)."""
    return {
        "cognitoIdentityPoolId": None,
        "accountId": account_id,
        "cognitoIdentityId": None,
        "caller": access_key,
        "sourceIp": request.source_ip,
        "principalOrgId": None,
        "accessKey": access_key,
        "cognitoAuthenticationType": None,
        "cognitoAuthenticationProvider": None,
        "userArn": None,
        "userAgent": request.header("user-agent"),
        "user": access_key,
        "apiKey": api_key,
        "apiKeyId": api_key_id,
    }


def _event_body(request: GatewayRequest, binary_media_types: list[str]) -> tuple[str | None, bool]:
    if not request.body:
        return None, False
    content_type = (request.header("content-type") or "").split(";")[0].strip().lower()
    if _is_binary(content_type, binary_media_types):
        return base64.b64encode(request.body).decode(), True
    try:
        return request.body.decode("utf-8"), False
    except UnicodeDecodeError:
        return base64.b64encode(request.body).decode(), True


def _is_binary(content_type: str, binary_media_types: list[str]) -> bool:
    for media in binary_media_types:
        media = media.replace("~1", "/").lower()
        if media == "*/*" or media == content_type:
            return True
        if media.endswith("/*") and content_type.startswith(media[:-1]):
            return True
    return False


@dataclass
class ProxyResponse:
    """The HTTP answer built from a Lambda proxy result."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


def read_proxy_result(payload: bytes) -> ProxyResponse:
    """Turn a Lambda's proxy result into HTTP; malformed results are a 502 as on AWS."""
    try:
        result = json.loads(payload)
    except ValueError:
        raise integration_failed("Malformed Lambda proxy response: not JSON") from None
    if not isinstance(result, dict) or "statusCode" not in result:
        raise integration_failed("Malformed Lambda proxy response: statusCode missing")
    try:
        status = int(result["statusCode"])
    except (TypeError, ValueError):
        raise integration_failed("Malformed Lambda proxy response: statusCode not an integer") \
            from None
    headers: list[tuple[str, str]] = []
    for key, value in (result.get("headers") or {}).items():
        headers.append((str(key), str(value)))
    for key, values in (result.get("multiValueHeaders") or {}).items():
        if not isinstance(values, list):
            raise integration_failed("Malformed Lambda proxy response: multiValueHeaders")
        headers.extend((str(key), str(v)) for v in values)
    body = result.get("body")
    if body is None:
        data = b""
    elif not isinstance(body, str):
        raise integration_failed("Malformed Lambda proxy response: body must be a string")
    elif result.get("isBase64Encoded"):
        data = base64.b64decode(body)
    else:
        data = body.encode("utf-8")
    return ProxyResponse(status, headers, data)


