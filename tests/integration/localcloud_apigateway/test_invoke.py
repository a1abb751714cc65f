import json
import time

import boto3
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def _post(api, body, key=None, **headers):
    if key:
        headers["x-api-key"] = key
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return requests.post(f"{api.base}/ingest", data=data,
                         headers={"Content-Type": "application/json", **headers}, timeout=30)


def test_proxy_event_is_what_api_gateway_sends(api):
    response = requests.post(f"{api.base}/ingest?a=1&a=2&b=x", data='{"source": "iot"}',
                             headers={"Content-Type": "application/json", "x-api-key": api.key,
                                      "X-Multi": "v1", "User-Agent": "tester/1.0"}, timeout=30)
    assert response.status_code == 201
    assert response.headers["X-Echo"] == "yes"
    assert response.headers["Set-Cookie"] == "a=1, b=2"
    payload = response.json()
    event = payload["event"]
    assert event["resource"] == "/ingest"
    assert event["path"] == "/ingest"
    assert event["httpMethod"] == "POST"
    assert event["body"] == '{"source": "iot"}'
    assert event["isBase64Encoded"] is False
    assert event["queryStringParameters"] == {"a": "2", "b": "x"}
    assert event["multiValueQueryStringParameters"] == {"a": ["1", "2"], "b": ["x"]}
    assert event["headers"]["X-Multi"] == "v1"
    assert event["multiValueHeaders"]["X-Multi"] == ["v1"]
    assert event["headers"]["X-Forwarded-For"] == "127.0.0.1"
    assert event["headers"]["X-Amzn-Trace-Id"].startswith("Root=1-")
    assert event["pathParameters"] is None
    assert event["stageVariables"] == {"color": "blue"}
    ctx = event["requestContext"]
    assert ctx["stage"] == "prod"
    assert ctx["apiId"] == api.id
    assert ctx["resourcePath"] == "/ingest"
    assert ctx["httpMethod"] == "POST"
    assert ctx["path"] == "/prod/ingest"
    assert ctx["accountId"] == "123456789012"
    assert ctx["protocol"] == "HTTP/1.1"
    assert ctx["requestId"] == response.headers["x-amzn-RequestId"]
    assert ctx["extendedRequestId"] == response.headers["x-amz-apigw-id"]
    assert isinstance(ctx["requestTimeEpoch"], int)
    assert ctx["identity"]["apiKey"] == api.key
    assert ctx["identity"]["apiKeyId"] == api.key_id
    assert ctx["identity"]["sourceIp"] == "127.0.0.1"
    assert ctx["identity"]["userAgent"] == "tester/1.0"


def test_path_parameters_and_required_query_parameter(api):
    ok = requests.get(f"{api.base}/items/42?verbose=1", timeout=30)
    assert ok.status_code == 201
    event = ok.json()["event"]
    assert event["pathParameters"] == {"id": "42"}
    assert event["resource"] == "/items/{id}"
    missing = requests.get(f"{api.base}/items/42", timeout=30)
    assert missing.status_code == 400
    assert missing.json() == {"message": "Missing required request parameters: [verbose]"}


def test_missing_or_wrong_key_is_forbidden(api):
    assert _post(api, {"source": "x"}).status_code == 403
    wrong = _post(api, {"source": "x"}, key="not-a-key")
    assert wrong.status_code == 403
    assert wrong.json() == {"message": "Forbidden"}
    assert wrong.headers["x-amzn-ErrorType"] == "ForbiddenException"
    assert wrong.headers["Access-Control-Allow-Origin"] == "*"  # DEFAULT_4XX applies


def test_invalid_body_is_400_with_api_gateway_message(api):
    response = _post(api, {"nosource": 1}, key=api.key)
    assert response.status_code == 400
    body = response.json()
    assert body["message"] == "Invalid request body"
    assert "'source' is a required property" in body["validationErrors"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"  # gateway response header
    not_json = _post(api, "{oops", key=api.key)
    assert not_json.status_code == 400


def test_unknown_route_and_method_are_missing_token(api):
    for response in (requests.get(f"{api.base}/nowhere", timeout=30),
                     requests.delete(f"{api.base}/ingest", timeout=30)):
        assert response.status_code == 403
        assert response.json() == {"message": "Missing Authentication Token"}
    unknown_stage = api.base.replace("/prod/", "/nostage/")
    assert requests.get(f"{unknown_stage}/health", timeout=30).status_code == 403


def test_mock_health_and_cors_preflight(api):
    health = requests.get(f"{api.base}/health", timeout=30)
    assert health.status_code == 200
    assert health.json() == {"status": "ok"}
    preflight = requests.options(f"{api.base}/ingest", timeout=30)
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert preflight.headers["Access-Control-Allow-Methods"] == "POST,OPTIONS"


def test_body_over_10_mb_is_413(api):
    response = _post(api, b"x" * (10 * 1024 * 1024 + 1), key=api.key)
    assert response.status_code == 413
    assert response.json() == {"message": "Request Too Long"}


def test_lambda_error_and_malformed_result_are_502(api):
    boom = requests.post(f"{api.base}/boom", data="{}", timeout=30)
    assert boom.status_code == 502
    assert boom.json() == {"message": "Internal server error"}
    bad = requests.get(f"{api.base}/bad", timeout=30)
    assert bad.status_code == 502


def test_usage_plan_throttle_is_429(api):
    statuses = [_post(api, {"source": "t"}, key=api.throttle_key).status_code for _ in range(4)]
    assert statuses[:2] == [201, 201]
    assert statuses[2:] == [429, 429]
    assert _post(api, {"source": "t"}, key=api.throttle_key).json() == {
        "message": "Too Many Requests"}


def test_usage_plan_quota_is_429_limit_exceeded(api):
    statuses = [_post(api, {"source": "q"}, key=api.quota_key).status_code for _ in range(3)]
    assert statuses == [201, 201, 201]
    over = _post(api, {"source": "q"}, key=api.quota_key)
    assert over.status_code == 429
    assert over.json() == {"message": "Limit Exceeded"}


def _signed(url, key="test", secret="test", service="execute-api"):
    request = AWSRequest(method="GET", url=url)
    SigV4Auth(Credentials(key, secret), service, "us-east-1").add_auth(request)
    return dict(request.headers)


def test_aws_iam_requires_a_valid_signature(api):
    url = f"{api.base}/iam"
    unsigned = requests.get(url, timeout=30)
    assert unsigned.status_code == 403
    assert unsigned.json() == {"message": "Missing Authentication Token"}
    malformed = requests.get(url, headers={"Authorization": "AWS4-HMAC-SHA256 garbage"},
                             timeout=30)
    assert malformed.status_code == 403
    assert "requires 'Credential' parameter" in malformed.json()["message"]
    wrong_secret = requests.get(url, headers=_signed(url, secret="nope"), timeout=30)
    assert wrong_secret.status_code == 403
    assert "signature we calculated does not match" in wrong_secret.json()["message"]
    unknown_key = requests.get(url, headers=_signed(url, key="AKIAUNKNOWN"), timeout=30)
    assert unknown_key.status_code == 403
    good = requests.get(url, headers=_signed(url), timeout=30)
    assert good.status_code == 201
    assert good.json()["event"]["requestContext"]["identity"]["accessKey"] == "test"


def _wait_for(fn, timeout=15.0):
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def test_access_log_lines_never_contain_the_key(api, endpoint):
    response = _post(api, {"source": "logged"}, key=api.key)
    request_id = response.headers["x-amzn-RequestId"]
    invalid = _post(api, {"wrong": 1}, key=api.key)
    logs = boto3.client("logs", endpoint_url=endpoint, region_name="us-east-1")

    def lines():
        try:
            events = logs.filter_log_events(logGroupName=api.log_group)["events"]
        except logs.exceptions.ResourceNotFoundException:
            return []
        found = [json.loads(e["message"]) for e in events]
        ids = {line["requestId"] for line in found}
        wanted = {request_id, invalid.headers["x-amzn-RequestId"]}
        return found if wanted <= ids else []

    found = _wait_for(lines)
    assert found, "access log lines did not arrive"
    mine = next(line for line in found if line["requestId"] == request_id)
    assert mine["status"] == "201"
    assert mine["path"] == "/ingest"
    assert mine["keyId"] == api.key_id
    assert mine["key"] == "<redacted>"
    rejected = next(line for line in found
                    if line["requestId"] == invalid.headers["x-amzn-RequestId"])
    assert rejected["status"] == "400"
    assert "'source' is a required property" in rejected["error"]
    all_text = json.dumps(logs.filter_log_events(logGroupName=api.log_group)["events"])
    assert api.key not in all_text


def test_metrics_count_latency_and_errors(api, endpoint):
    requests.get(f"{api.base}/nowhere", timeout=30)
    requests.post(f"{api.base}/boom", data="{}", timeout=30)
    cloudwatch = boto3.client("cloudwatch", endpoint_url=endpoint, region_name="us-east-1")
    dims = [{"Name": "ApiName", "Value": api.name}, {"Name": "Stage", "Value": "prod"}]

    def total(metric):
        end = time.time() + 60
        points = cloudwatch.get_metric_statistics(
            Namespace="AWS/ApiGateway", MetricName=metric, Dimensions=dims,
            StartTime=end - 3600, EndTime=end, Period=3600, Statistics=["Sum"])["Datapoints"]
        return sum(p["Sum"] for p in points)

    assert _wait_for(lambda: total("5XXError") >= 1)
    assert total("4XXError") >= 1
    assert total("Count") >= 2
    assert _wait_for(lambda: total("Latency") > 0)
    assert _wait_for(lambda: total("IntegrationLatency") > 0)


def test_integration_timeout_is_504(api):
    started = time.monotonic()
    response = requests.get(f"{api.base}/slow", timeout=30)
    assert response.status_code == 504
    assert response.json() == {"message": "Endpoint request timed out"}
    assert time.monotonic() - started < 2.9  # answered at the 1 s integration timeout


def test_function_without_permission_for_the_api_is_500(api):
    response = requests.get(f"{api.base}/noperm", timeout=30)
    assert response.status_code == 500
    assert response.json() == {"message": "Internal server error"}
