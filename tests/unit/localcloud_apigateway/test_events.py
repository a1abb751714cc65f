import base64
import json

import pytest

from localcloud.apigateway.events import (
    GatewayRequest,
    build_identity,
    build_proxy_event,
    read_proxy_result,
    request_time,
)
from localcloud.apigateway.gateway_errors import GatewayError


def _request(**overrides):
    values = dict(method="POST", path="/ingest", headers=[("Content-Type", "application/json"),
                                                         ("X-Multi", "a"), ("X-Multi", "b")],
                  query={"q": ["1", "2"]}, body=b'{"a": 1}', api_id="abc123",
                  stage="prod", account_id="123456789012", domain_name="127.0.0.1:4566",
                  source_ip="10.0.0.1", request_id="rid", extended_request_id="xid",
                  epoch_ms=1764064800000)
    values.update(overrides)
    return GatewayRequest(**values)


def test_proxy_event_shape():
    request = _request()
    identity = build_identity(request, "key", "key-id")
    event = build_proxy_event(request, {"id": "r1", "path": "/ingest"}, {}, {"v": "1"},
                              identity)
    assert event["resource"] == "/ingest"
    assert event["headers"]["X-Multi"] == "b"
    assert event["multiValueHeaders"]["X-Multi"] == ["a", "b"]
    assert event["queryStringParameters"] == {"q": "2"}
    assert event["multiValueQueryStringParameters"] == {"q": ["1", "2"]}
    assert event["pathParameters"] is None
    assert event["stageVariables"] == {"v": "1"}
    assert event["body"] == '{"a": 1}' and event["isBase64Encoded"] is False
    ctx = event["requestContext"]
    assert ctx["requestTime"] == "25/Nov/2025:10:00:00 +0000"
    assert ctx["requestTimeEpoch"] == 1764064800000
    assert ctx["path"] == "/prod/ingest"
    assert ctx["identity"]["apiKey"] == "key" and ctx["identity"]["sourceIp"] == "10.0.0.1"
    assert ctx["identity"]["userAgent"] is None
    assert set(ctx) >= {"resourceId", "resourcePath", "httpMethod", "extendedRequestId",
                        "accountId", "protocol", "stage", "domainName", "apiId", "requestId"}


def test_binary_body_is_base64():
    request = _request(headers=[("Content-Type", "image/png")], body=b"\x89PNG")
    event = build_proxy_event(request, {"path": "/"}, {}, {}, {}, ["image/png"])
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"\x89PNG"
    empty = build_proxy_event(_request(body=b""), {"path": "/"}, {}, {}, {})
    assert empty["body"] is None


def test_read_proxy_result():
    answer = read_proxy_result(json.dumps({
        "statusCode": "202", "headers": {"A": "1"}, "multiValueHeaders": {"B": ["x", "y"]},
        "body": base64.b64encode(b"raw").decode(), "isBase64Encoded": True}).encode())
    assert answer.status == 202
    assert answer.headers == [("A", "1"), ("B", "x"), ("B", "y")]
    assert answer.body == b"raw"


@pytest.mark.parametrize("payload", [b"not json", b'"string"', b'{"body": "x"}',
                                     b'{"statusCode": "abc"}', b'{"statusCode": 200, "body": 1}'])
def test_malformed_proxy_result_is_502(payload):
    with pytest.raises(GatewayError) as err:
        read_proxy_result(payload)
    assert err.value.status == 502
    assert json.loads(err.value.body()) == {"message": "Internal server error"}


def test_request_time_format():
    assert request_time(0) == "01/Jan/1970:00:00:00 +0000"
