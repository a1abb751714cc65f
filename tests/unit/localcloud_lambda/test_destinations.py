"""Failure records in AWS's shapes (pure builders), settings from the API, and the async queue
honouring MaximumRetryAttempts / MaximumEventAgeInSeconds."""

import json

import pytest

from localcloud.lambda_.async_invoke import AsyncEvent, AsyncInvoker
from localcloud.lambda_.destinations import (
    AsyncSettings,
    Failure,
    dead_letter_message,
    deliver,
    on_failure_record,
    settings_from_api,
)
from localcloud.lambda_.errors import TooManyRequests
from localcloud.lambda_.plugin import deliver_failure
from localcloud.lambda_.runtime import InvokeResult

ARN = "arn:aws:lambda:us-east-1:123456789012:function:stk-validation"
EVENT = '{"Records": [{"s3": {"object": {"key": "iot/a.json"}}}]}'
ERROR = '{"errorMessage": "boom", "errorType": "ValueError", "stackTrace": []}'


def _failure(**overrides):
    values = dict(request_id="r-1", payload=EVENT, condition="RetriesExhausted", attempts=3,
                  status_code=200, function_error="Unhandled", response_payload=ERROR)
    values.update(overrides)
    return Failure(**values)


def test_on_failure_record_is_aws_invocation_record():
    record = on_failure_record(_failure(), ARN, 1_764_676_800.0751)
    assert record == {
        "version": "1.0",
        "timestamp": "2025-12-02T12:00:00.075Z",
        "requestContext": {
            "requestId": "r-1",
            "functionArn": ARN + ":$LATEST",
            "condition": "RetriesExhausted",
            "approximateInvokeCount": 3,
        },
        "requestPayload": json.loads(EVENT),
        "responseContext": {
            "statusCode": 200,
            "executedVersion": "$LATEST",
            "functionError": "Unhandled",
        },
        "responsePayload": json.loads(ERROR),
    }


def test_event_that_aged_out_unrun_has_no_response_parts():
    failure = _failure(condition="EventAgeExceeded", attempts=0, status_code=429,
                       function_error=None, response_payload=None)
    record = on_failure_record(failure, ARN, 0.0)
    assert record["requestContext"]["condition"] == "EventAgeExceeded"
    assert record["requestContext"]["approximateInvokeCount"] == 0
    assert "responseContext" not in record and "responsePayload" not in record


def test_dead_letter_message_is_the_event_with_three_attributes():
    body, attributes = dead_letter_message(_failure())
    assert body == EVENT
    assert attributes == {
        "RequestID": {"DataType": "String", "StringValue": "r-1"},
        "ErrorCode": {"DataType": "Number", "StringValue": "200"},
        "ErrorMessage": {"DataType": "String", "StringValue": "boom"},
    }
    long = _failure(response_payload=json.dumps({"errorMessage": "é" * 2000}))
    assert len(dead_letter_message(long)[1]["ErrorMessage"]["StringValue"].encode()) <= 1024


def test_settings_from_the_api_with_defaults():
    conf = {"FunctionArn": ARN, "DeadLetterConfig": {"TargetArn": "arn:aws:sqs:us-east-1:1:d"}}
    invoke = {
        "MaximumRetryAttempts": 0,
        "MaximumEventAgeInSeconds": 60,
        "DestinationConfig": {"OnFailure": {"Destination": "arn:aws:sqs:us-east-1:1:f"},
                              "OnSuccess": {}},
    }
    assert settings_from_api(conf, invoke) == AsyncSettings(
        ARN, 0, 60.0, "arn:aws:sqs:us-east-1:1:f", "arn:aws:sqs:us-east-1:1:d")
    assert settings_from_api({"FunctionArn": ARN}, None) == AsyncSettings(ARN, 2, 21600.0)


class _FakeSqs:
    def __init__(self):
        self.sent = []

    def get_queue_url(self, QueueName, QueueOwnerAWSAccountId):
        return {"QueueUrl": f"http://local/{QueueOwnerAWSAccountId}/{QueueName}"}

    def send_message(self, **kwargs):
        self.sent.append(kwargs)


def test_deliver_to_a_queue_by_arn():
    sqs = _FakeSqs()
    deliver(lambda service: sqs, "arn:aws:sqs:us-east-1:123456789012:q", "{}",
            {"RequestID": {"DataType": "String", "StringValue": "r"}})
    assert sqs.sent == [{"QueueUrl": "http://local/123456789012/q", "MessageBody": "{}",
                         "MessageAttributes": {"RequestID": {"DataType": "String",
                                                             "StringValue": "r"}}}]


class _Runtime:
    def __init__(self, outcomes):
        self.outcomes, self.calls = list(outcomes), 0

    def invoke(self, ref, payload, request_id=None):
        self.calls += 1
        outcome = self.outcomes.pop(0)
        if outcome == "throttle":
            raise TooManyRequests("Rate Exceeded.", "ReservedFunctionConcurrentInvocationLimit")
        return InvokeResult(request_id, ERROR.encode(), "Unhandled")


def test_no_retry_when_maximum_retry_attempts_is_zero(tmp_path):
    given_up = []
    runtime = _Runtime(["fail"])
    invoker = AsyncInvoker(runtime, tmp_path / "f.jsonl", threads=1, sleep=lambda s: None,
                           on_failure=given_up.append,
                           settings=lambda fn: AsyncSettings(ARN, maximum_retry_attempts=0))
    invoker.submit("fn", EVENT.encode(), request_id="r-1")
    assert invoker.wait_idle(10)
    invoker.stop()
    assert runtime.calls == 1
    failure = given_up[0].failure()
    assert (failure.condition, failure.attempts, failure.function_error) == (
        "RetriesExhausted", 1, "Unhandled")
    assert json.loads(failure.response_payload) == json.loads(ERROR)


def test_event_too_old_is_not_run_again(tmp_path):
    clock = [1000.0]
    given_up = []
    runtime = _Runtime(["throttle", "throttle"])

    def sleep(seconds):
        clock[0] += 100.0  # each throttle wait lasts 100 simulated seconds

    invoker = AsyncInvoker(runtime, tmp_path / "f.jsonl", threads=1, sleep=sleep,
                           on_failure=given_up.append, now=lambda: clock[0],
                           settings=lambda fn: AsyncSettings(ARN, maximum_event_age_s=150))
    invoker.submit("fn", EVENT.encode())
    assert invoker.wait_idle(10)
    invoker.stop()
    assert runtime.calls == 2  # at 0 s and 100 s; at 200 s the event is too old
    failure = given_up[0].failure()
    assert (failure.condition, failure.attempts, failure.status_code) == (
        "EventAgeExceeded", 0, 429)


class _Lambda:
    class exceptions:
        class ResourceNotFoundException(Exception):
            pass

    def get_function_configuration(self, FunctionName):
        return {"FunctionArn": ARN, "DeadLetterConfig": {"TargetArn": "arn:aws:sqs:us-east-1:1:d"}}

    def get_function_event_invoke_config(self, FunctionName):
        return {"DestinationConfig": {"OnFailure": {"Destination": "arn:aws:sqs:us-east-1:1:f"}}}


class _BrokenSqs(_FakeSqs):
    def send_message(self, **kwargs):
        if kwargs["QueueUrl"].endswith("/f"):
            raise RuntimeError("AccessDenied")
        super().send_message(**kwargs)


def test_both_targets_tried_and_a_failed_delivery_counted():
    sqs, metrics = _BrokenSqs(), []
    clients = {"lambda": _Lambda(), "sqs": sqs}
    event = AsyncEvent("stk-validation", EVENT, request_id="r-1", attempts=3, status_code=200,
                       function_error="Unhandled", response_payload=ERROR,
                       condition="RetriesExhausted")
    with pytest.raises(RuntimeError, match="AccessDenied"):
        deliver_failure(clients.__getitem__, event, 0.0, lambda *a: metrics.append(a))
    assert [m["QueueUrl"] for m in sqs.sent] == ["http://local/1/d"]  # the DLQ still got it
    assert metrics == [("AWS/Lambda", "DestinationDeliveryFailures", 1, "Count",
                        {"FunctionName": "stk-validation"})]
