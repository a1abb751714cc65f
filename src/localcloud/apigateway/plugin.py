"""Wires the REST API gateway into the endpoint at
`/restapis/{api_id}/{stage}/_user_request_/{path}` (the LocalStack URL form)."""

from __future__ import annotations

import os
import time
import uuid
from urllib.parse import urlencode

from localcloud.apigateway.events import GatewayRequest
from localcloud.apigateway.gateway import Gateway
from localcloud.apigateway.sigv4 import secrets_from_moto
from localcloud.apigateway.state import StageCache
from localcloud.registry import Response
from localcloud.telemetry import telemetry_for

ORDER = 30
USER_REQUEST_PATH = (
    r"^/restapis/(?P<api_id>[^/]+)/(?P<stage>[^/]+)/_user_request_(?P<path>/.*)?$"
)


def install(cloud) -> None:
    stages = StageCache(cloud.client)
    own_keys = {os.environ.get("AWS_ACCESS_KEY_ID", "test"):
                os.environ.get("AWS_SECRET_ACCESS_KEY", "test")}
    gateway = Gateway(stages, lambda: cloud.services["lambda"], telemetry_for(cloud),
                      secrets_from_moto(cloud.config.account, own_keys),
                      region=cloud.config.region)
    cloud.services["apigateway"] = gateway
    cloud.registry.route("*", USER_REQUEST_PATH, lambda call: _serve(cloud, gateway, call))
    # Any write to API Gateway (resources, stages, keys, plans...) invalidates the cached views.
    cloud.registry.observe("apigateway", lambda call: call.method != "GET",
                           lambda call, response: stages.invalidate())
    cloud.registry.health("apigateway", lambda: {"status": "ok"})
    cloud.registry.state("apigateway_usage", gateway.export_usage, gateway.restore_usage)


def _serve(cloud, gateway: Gateway, call) -> Response:
    params = call.route_params
    host = call.header("host") or f"127.0.0.1:{cloud.config.port}"
    request = GatewayRequest(
        method=call.method,
        path=params.get("path") or "/",
        headers=_with_gateway_headers(call.raw_headers or list(call.headers.items()),
                                      call.remote_addr, host),
        query=call.query,
        body=call.body,
        api_id=params["api_id"],
        stage=params["stage"],
        account_id=cloud.config.account,
        domain_name=host,
        source_ip=call.remote_addr,
    )
    query = urlencode(call.query, doseq=True)
    url = f"http://{host}{call.path}" + (f"?{query}" if query else "")
    answer = gateway.handle(request, url)
    headers: dict[str, str] = {}
    for key, value in answer.headers:
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return Response(answer.status, headers, answer.body)


def _with_gateway_headers(headers: list[tuple[str, str]], source_ip: str,
                          host: str) -> list[tuple[str, str]]:
    """The headers API Gateway adds before calling the integration (trace id, forwarding)."""
    present = {k.lower() for k, _ in headers}
    port = host.rsplit(":", 1)[1] if ":" in host else "80"
    added = [
        ("X-Amzn-Trace-Id", f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]}"),
        ("X-Forwarded-For", source_ip),
        ("X-Forwarded-Port", port),
        ("X-Forwarded-Proto", "http"),
    ]
    return list(headers) + [(k, v) for k, v in added if k.lower() not in present]
