"""Turn an HTTP request into an ApiCall: which AWS service and operation, in which protocol."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/(?P<region>[^/]+)/(?P<service>[^/]+)/aws4_request")
_FORM_SCOPE = re.compile(
    r"[^/\s]+/\d{8}/(?P<region>[a-z0-9-]+)/(?P<service>[a-z0-9-]+)/aws4_request"
)
_CBOR_PATH = re.compile(r"^/service/(?P<target>[^/]+)/operation/(?P<operation>[^/]+)$")

# Signing names that differ from the boto3 service name.
_SIGNING_ALIASES = {
    "monitoring": "cloudwatch", "states": "stepfunctions", "execute-api": "apigateway",
}


@dataclass
class ApiCall:
    """One request as the local cloud sees it. `operation` is None for REST protocols
    (S3, Lambda, API Gateway), whose operation is known only from method and path."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes
    service: str | None = None
    operation: str | None = None
    protocol: str = "rest"  # json | query | cbor | rest
    region: str = "us-east-1"
    route_params: dict[str, str] = field(default_factory=dict)
    # Header (name, value) pairs as received: original case, repeated names kept.
    raw_headers: list[tuple[str, str]] = field(default_factory=list)
    remote_addr: str = "127.0.0.1"

    def json(self) -> Any:
        """The request body as JSON ({} when empty)."""
        return json.loads(self.body) if self.body else {}

    def form(self) -> dict[str, str]:
        """Query-protocol parameters (form body merged over the query string), single values."""
        params = {k: v[0] for k, v in self.query.items()}
        if self.body and "x-www-form-urlencoded" in self.headers.get("content-type", ""):
            params.update({k: v[0] for k, v in parse_qs(self.body.decode()).items()})
        return params

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)


def identify_call(
    method: str, path: str, query_string: str, headers: dict[str, str], body: bytes
) -> ApiCall:
    """Classify a request by its signature scope, X-Amz-Target, CBOR path or Action parameter."""
    headers = {k.lower(): v for k, v in headers.items()}
    call = ApiCall(method, path, parse_qs(query_string, keep_blank_values=True), headers, body)
    auth = headers.get("authorization", "") or ",".join(call.query.get("X-Amz-Credential", []))
    if "X-Amz-Credential" in call.query:
        auth = "Credential=" + call.query["X-Amz-Credential"][0]
    scope = _SCOPE.search(auth)
    if not scope and "multipart/form-data" in headers.get("content-type", ""):
        # A browser POST upload (presigned form) carries its credential in a form field.
        head = body[:65536].decode("latin-1")
        scope = _FORM_SCOPE.search(head)
        if not scope and method == "POST" and 'name="key"' in head:  # SigV2 or unsigned form
            call.service = "s3"
    if scope:
        call.region = scope["region"]
        call.service = _SIGNING_ALIASES.get(scope["service"], scope["service"])
    target = headers.get("x-amz-target")
    cbor = _CBOR_PATH.match(path)
    if target:
        call.protocol, call.operation = "json", target.rsplit(".", 1)[-1]
    elif cbor and "rpc-v2-cbor" in headers.get("smithy-protocol", "rpc-v2-cbor"):
        call.protocol, call.operation = "cbor", cbor["operation"]
    else:
        action = call.form().get("Action") if method in ("GET", "POST") else None
        if action and call.service not in ("s3", "lambda", "apigateway"):
            call.protocol, call.operation = "query", action
    return call


def error_protocol(call: ApiCall) -> str:
    """Protocol name for rendering an error back to this caller."""
    if call.protocol in ("json", "cbor"):
        return "json"
    if call.protocol == "query":
        return "query"
    return "rest-xml" if call.service == "s3" else "rest-json"
