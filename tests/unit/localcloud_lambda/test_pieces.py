import pytest

from localcloud.lambda_ import logs
from localcloud.lambda_.concurrency import ConcurrencyLimiter
from localcloud.lambda_.errors import TooManyRequests
from localcloud.lambda_.functions import spec_from_api, split_function_ref


def test_report_line_format():
    line = logs.report_line("r1", 12.341, 256, 40, init_ms=101.5)
    assert line == ("REPORT RequestId: r1\tDuration: 12.34 ms\tBilled Duration: 13 ms\t"
                    "Memory Size: 256 MB\tMax Memory Used: 40 MB\tInit Duration: 101.50 ms\t")
    assert logs.start_line("r1") == "START RequestId: r1 Version: $LATEST"
    assert logs.end_line("r1") == "END RequestId: r1"


def test_timeout_and_exit_payloads():
    assert logs.timeout_payload("r", 3) == {
        "errorType": "Sandbox.Timedout",
        "errorMessage": "RequestId: r Error: Task timed out after 3.00 seconds"}
    assert logs.exit_payload("r", -9)["errorMessage"].endswith("signal: kill")
    assert logs.exit_payload("r", 3)["errorMessage"].endswith("exit status 3")
    assert logs.timeout_line("r", 1, now=0).endswith("r Task timed out after 1.00 seconds")


def test_split_output_keeps_records_whole():
    text = "plain\n[INFO]\tt\tr\tline one\rline two\n\nlast\n"
    assert logs.split_output(text) == ["plain", "[INFO]\tt\tr\tline one\nline two", "last"]
    assert logs.split_output("") == []


@pytest.mark.parametrize("ref,expected", [
    ("fn", ("fn", None)), ("fn:prod", ("fn", "prod")),
    ("arn:aws:lambda:us-east-1:123456789012:function:fn", ("fn", None)),
    ("arn:aws:lambda:us-east-1:123456789012:function:fn:3", ("fn", "3")),
    ("123456789012:function:fn", ("fn", None)),
])
def test_function_refs(ref, expected):
    assert split_function_ref(ref) == expected


def test_spec_from_get_function():
    spec = spec_from_api({"Configuration": {
        "FunctionName": "f", "FunctionArn": "arn:f", "Handler": "h.h", "Runtime": "python3.11",
        "Timeout": 9, "MemorySize": 512, "CodeSha256": "abc",
        "Environment": {"Variables": {"A": "1"}}}, "Concurrency": {
        "ReservedConcurrentExecutions": 4}})
    assert (spec.timeout, spec.memory, spec.environment, spec.reserved_concurrency) == (
        9, 512, {"A": "1"}, 4)
    assert spec.log_group == "/aws/lambda/f"


def test_reserved_concurrency_and_account_limit():
    limiter = ConcurrencyLimiter(account_limit=3)
    limiter.acquire("reserved", 1)
    with pytest.raises(TooManyRequests) as err:
        limiter.acquire("reserved", 1)
    assert err.value.reason == "ReservedFunctionConcurrentInvocationLimitExceeded"
    limiter.acquire("a", None)
    limiter.acquire("b", None)  # 3 - 1 reserved = 2 unreserved slots
    with pytest.raises(TooManyRequests) as err:
        limiter.acquire("c", None)
    assert err.value.reason == "ConcurrentInvocationLimitExceeded"
    limiter.release("a")
    limiter.acquire("c", None)
    with pytest.raises(TooManyRequests):
        ConcurrencyLimiter(10).acquire("zero", 0)


def test_resource_policy_permits():
    from localcloud.lambda_.permissions import permits

    policy = {"Statement": [{
        "Effect": "Allow", "Action": "lambda:InvokeFunction",
        "Principal": {"Service": "apigateway.amazonaws.com"},
        "Condition": {"ArnLike": {"AWS:SourceArn":
                                  "arn:aws:execute-api:us-east-1:1:api/*/POST/ingest"}}}]}
    ok = "arn:aws:execute-api:us-east-1:1:api/prod/POST/ingest"
    assert permits(policy, "apigateway.amazonaws.com", ok, "1")
    assert not permits(policy, "apigateway.amazonaws.com", ok.replace("POST", "GET"), "1")
    assert not permits(policy, "s3.amazonaws.com", ok, "1")
    assert not permits(None, "apigateway.amazonaws.com", ok, "1")
