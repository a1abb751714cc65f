"""Logs, metrics, throttling, async retries, fault injection and awscli against the runtime."""

import base64
import json
import os
import subprocess
import threading
import time
import uuid
from pathlib import Path

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError


def _wait_for(fn, timeout=20.0):
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def _messages(endpoint, group):
    logs = boto3.client("logs", endpoint_url=endpoint, region_name="us-east-1")
    try:
        return [e["message"] for e in logs.filter_log_events(logGroupName=group)["events"]]
    except logs.exceptions.ResourceNotFoundException:
        return []


def test_logs_have_start_end_report_and_function_output(lambda_client, make_function, endpoint):
    name = make_function("echo")
    response = lambda_client.invoke(FunctionName=name, Payload=b'{"k": 1}', LogType="Tail")
    request_id = response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"]
    tail = base64.b64decode(response["LogResult"]).decode()
    assert f"START RequestId: {request_id} Version: $LATEST" in tail
    messages = _wait_for(lambda: [m for m in _messages(endpoint, f"/aws/lambda/{name}")
                                  if m.startswith("REPORT")] and
                         _messages(endpoint, f"/aws/lambda/{name}"))
    assert messages[0] == f"START RequestId: {request_id} Version: $LATEST"
    assert 'got {"k": 1}' in messages
    record = next(m for m in messages if m.startswith("[INFO]"))
    assert record.endswith(f"\t{request_id}\tline one\nline two")  # one event, two lines
    assert f"END RequestId: {request_id}" in messages
    report = next(m for m in messages if m.startswith("REPORT"))
    assert f"REPORT RequestId: {request_id}\tDuration: " in report
    assert "Memory Size: 256 MB" in report and "Init Duration" in report


def test_error_is_logged_as_one_error_event(lambda_client, make_function, endpoint):
    name = make_function("fail")
    lambda_client.invoke(FunctionName=name, Payload=b'{"x": 1}')
    messages = _wait_for(lambda: [m for m in _messages(endpoint, f"/aws/lambda/{name}")
                                  if m.startswith("[ERROR]")])
    assert messages[0].startswith("[ERROR] ValueError: bad input: 1\nTraceback")


def test_timeout_is_logged(lambda_client, make_function, endpoint):
    name = make_function("slow", timeout=1)
    lambda_client.invoke(FunctionName=name, Payload=b'{"sleep": 5}')
    assert _wait_for(lambda: [m for m in _messages(endpoint, f"/aws/lambda/{name}")
                              if m.endswith("Task timed out after 1.00 seconds")])


def _metric_sum(endpoint, name, metric):
    cloudwatch = boto3.client("cloudwatch", endpoint_url=endpoint, region_name="us-east-1")
    end = time.time() + 60
    points = cloudwatch.get_metric_statistics(
        Namespace="AWS/Lambda", MetricName=metric,
        Dimensions=[{"Name": "FunctionName", "Value": name}], StartTime=end - 3600,
        EndTime=end, Period=3600, Statistics=["Sum"])["Datapoints"]
    return sum(p["Sum"] for p in points)


def test_metrics_invocations_errors_duration(lambda_client, make_function, endpoint):
    name = make_function("fail")
    for _ in range(2):
        lambda_client.invoke(FunctionName=name, Payload=b"{}")
    assert _wait_for(lambda: _metric_sum(endpoint, name, "Invocations") == 2)
    assert _metric_sum(endpoint, name, "Errors") == 2
    assert _metric_sum(endpoint, name, "Duration") > 0


def _no_retry_client(endpoint):
    return boto3.client("lambda", endpoint_url=endpoint, region_name="us-east-1",
                        config=Config(retries={"total_max_attempts": 1}))


def test_reserved_concurrency_throttles_with_429(lambda_client, make_function, endpoint):
    name = make_function("slow", timeout=10)
    lambda_client.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=1)
    client = _no_retry_client(endpoint)
    first = threading.Thread(target=client.invoke,
                             kwargs={"FunctionName": name, "Payload": b'{"sleep": 2}'})
    first.start()
    time.sleep(1.0)
    with pytest.raises(ClientError) as err:
        client.invoke(FunctionName=name, Payload=b'{"sleep": 0}')
    first.join()
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert err.value.response["Error"]["Code"] == "TooManyRequestsException"
    assert _wait_for(lambda: _metric_sum(endpoint, name, "Throttles") >= 1)
    zero = make_function("echo")
    lambda_client.put_function_concurrency(FunctionName=zero, ReservedConcurrentExecutions=0)
    with pytest.raises(ClientError):
        client.invoke(FunctionName=zero, Payload=b"{}")


def test_event_invocation_retries_twice_then_succeeds(lambda_client, make_function,
                                                      local_cloud):
    events = local_cloud.services["lambda"].events
    events.retry_delays = (0.05, 0.05)
    name = make_function("counter")
    marker = f"marker-{uuid.uuid4().hex}"
    try:
        response = lambda_client.invoke(FunctionName=name, InvocationType="Event",
                                        Payload=json.dumps({"marker": marker, "fail_times": 2}))
        assert response["StatusCode"] == 202
        assert events.wait_idle(30)
    finally:
        events.retry_delays = (60.0, 120.0)
    assert Path("/tmp", marker).read_text() == "3"  # two failures, then success
    failures = events.failures_path.read_text() if events.failures_path.exists() else ""
    assert marker not in failures


def test_worker_killed_mid_invocation_fails_that_invocation(lambda_client, make_function,
                                                          endpoint):
    name = make_function("slow", timeout=10)
    result = {}

    def invoke():
        result["response"] = lambda_client.invoke(FunctionName=name, Payload=b'{"sleep": 5}')

    thread = threading.Thread(target=invoke)
    thread.start()
    killed = _wait_for(lambda: requests.post(f"{endpoint}/_datalake/lambda/{name}/kill",
                                             timeout=10).json()["killed"], timeout=5)
    thread.join()
    assert killed == 1
    body = json.loads(result["response"]["Payload"].read())
    assert result["response"]["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Runtime.ExitError"
    assert "signal: kill" in body["errorMessage"]
    # the next invocation gets a fresh worker
    second = lambda_client.invoke(FunctionName=name, Payload=b'{"sleep": 0}')
    assert json.loads(second["Payload"].read()) == "done"


def test_fault_setting_kills_workers(lambda_client, make_function, endpoint):
    name = make_function("slow", timeout=10)
    requests.post(f"{endpoint}/_datalake/faults", timeout=10,
                  json={"lambda_kill_rate": 1.0, "lambda_kill_after_ms": 100, "seed": 1})
    try:
        response = lambda_client.invoke(FunctionName=name, Payload=b'{"sleep": 3}')
    finally:
        requests.post(f"{endpoint}/_datalake/faults", json={}, timeout=10)
    assert json.loads(response["Payload"].read())["errorType"] == "Runtime.ExitError"


def test_aws_cli_lambda_invoke(make_function, endpoint, tmp_path):
    name = make_function("echo")
    out = tmp_path / "out.json"
    aws = Path(os.environ.get("VIRTUAL_ENV", ".venv")) / "bin" / "aws"
    if not aws.exists():
        aws = Path(__file__).resolve().parents[3] / ".venv" / "bin" / "aws"
    env = dict(os.environ, AWS_ENDPOINT_URL=endpoint, AWS_ACCESS_KEY_ID="test",
               AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1")
    completed = subprocess.run(
        [str(aws), "--endpoint-url", endpoint, "lambda", "invoke", "--function-name", name,
         "--payload", '{"from": "cli"}', str(out)],
        env=env, capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["StatusCode"] == 200
    assert json.loads(out.read_text())["event"] == {"from": "cli"}
