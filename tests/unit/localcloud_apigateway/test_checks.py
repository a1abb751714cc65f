import json
from datetime import datetime, timezone

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from localcloud.apigateway.access_log import render_access_log
from localcloud.apigateway.gateway_errors import GatewayError
from localcloud.apigateway.mock import mock_response
from localcloud.apigateway.sigv4 import parse_authorization, verify_signature
from localcloud.apigateway.validation import check_body, check_parameters

SCHEMA = json.dumps({"type": "object", "required": ["source"],
                     "properties": {"source": {"type": "string", "pattern": "^[a-z]+$"}}})


def test_body_validation_detail():
    check_body(SCHEMA, b'{"source": "iot"}')
    with pytest.raises(GatewayError) as err:
        check_body(SCHEMA, b'{"source": "IOT"}')
    assert err.value.status == 400 and err.value.message == "Invalid request body"
    assert "does not match" in err.value.detail and "/source" in err.value.detail
    with pytest.raises(GatewayError, match="Invalid request body"):
        check_body(SCHEMA, b"{broken")


def test_required_parameters():
    method = {"requestParameters": {"method.request.header.X-Id": True,
                                    "method.request.querystring.page": True,
                                    "method.request.querystring.opt": False}}
    check_parameters(method, {"x-id": "1"}, {"page": ["2"]}, {})
    with pytest.raises(GatewayError) as err:
        check_parameters(method, {}, {}, {})
    assert err.value.message == "Missing required request parameters: [X-Id, page]"


def test_access_log_substitution_redacts_keys():
    line = render_access_log(
        '{"id":"$context.requestId","key":"$context.identity.apiKey",'
        '"none":"$context.integrationLatency","err":"$context.error.message"}',
        {"requestId": "r1", "identity.apiKey": "secret", "integrationLatency": None,
         "error.message": 'bad "x"'})
    assert json.loads(line) == {"id": "r1", "key": "<redacted>", "none": "-",
                                "err": 'bad "x"'}
    assert "secret" not in line


def test_mock_response_selects_integration_response():
    integration = {
        "requestTemplates": {"application/json": '{"statusCode": 404}'},
        "integrationResponses": {
            "200": {"statusCode": "200", "responseTemplates": {"application/json": "ok"}},
            "404": {"statusCode": "404", "selectionPattern": "4\\d\\d",
                    "responseParameters": {"method.response.header.X-A": "'v'"},
                    "responseTemplates": {"application/json": '{"id": "$context.requestId"}'}},
        }}
    status, headers, body = mock_response(integration, {}, "application/json",
                                          {"requestId": "r9"})
    assert (status, headers, json.loads(body)) == (404, [("X-A", "v")], {"id": "r9"})


def _signed_headers(url, secret="s3cret", when=None):
    request = AWSRequest(method="GET", url=url, headers={"Host": "127.0.0.1:4566"})
    SigV4Auth(Credentials("AKID", secret), "execute-api", "us-east-1").add_auth(request)
    return {k.lower(): v for k, v in request.headers.items()}


def test_sigv4_verification():
    url = "http://127.0.0.1:4566/restapis/a/prod/_user_request_/x?b=2&a=1"
    headers = _signed_headers(url)
    secrets = {"AKID": "s3cret"}.get
    assert verify_signature("GET", url, headers, b"", secrets) == "AKID"
    with pytest.raises(GatewayError, match="does not match"):
        verify_signature("GET", url + "&c=3", headers, b"", secrets)
    with pytest.raises(GatewayError, match="security token"):
        verify_signature("GET", url, headers, b"", {}.get)
    with pytest.raises(GatewayError, match="Signature expired"):
        verify_signature("GET", url, headers, b"", secrets,
                         now=datetime(2000, 1, 1, tzinfo=timezone.utc))


def test_authorization_header_parsing():
    with pytest.raises(GatewayError, match="Missing Authentication Token"):
        parse_authorization(None)
    with pytest.raises(GatewayError, match="requires 'Signature' parameter"):
        parse_authorization("AWS4-HMAC-SHA256 Credential=a/20260101/us-east-1/execute-api/"
                            "aws4_request, SignedHeaders=host")
    parts = parse_authorization(
        "AWS4-HMAC-SHA256 Credential=AK/20260101/eu-west-1/execute-api/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=" + "a" * 64)
    assert (parts["key"], parts["region"], parts["headers"]) == ("AK", "eu-west-1",
                                                                 "host;x-amz-date")
