"""Where an asynchronous event goes once Lambda gives up on it: the function's on-failure
destination (EventInvokeConfig) and its dead-letter queue/topic (DeadLetterConfig), in the
shapes AWS sends (docs/localcloud.md, "Lambda"; decision 141).

The record builders are pure; `async_settings` reads the function's configuration from moto
and `deliver` sends to SQS, SNS, a Lambda function or an EventBridge bus."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

_logger = logging.getLogger(__name__)

RETRIES_EXHAUSTED = "RetriesExhausted"
EVENT_AGE_EXCEEDED = "EventAgeExceeded"
DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 2
DEFAULT_MAXIMUM_EVENT_AGE_S = 6 * 3600
DLQ_ERROR_MESSAGE_LIMIT = 1024  # "Error message (truncated to 1 KB)"


@dataclass(frozen=True)
class AsyncSettings:
    """A function's asynchronous invocation settings, with Lambda's defaults."""

    function_arn: str = ""
    maximum_retry_attempts: int = DEFAULT_MAXIMUM_RETRY_ATTEMPTS
    maximum_event_age_s: float = DEFAULT_MAXIMUM_EVENT_AGE_S
    on_failure: str | None = None
    dead_letter: str | None = None


@dataclass(frozen=True)
class Failure:
    """What is known about an event Lambda gave up on."""

    request_id: str
    payload: str  # the event as invoked (JSON text)
    condition: str  # RETRIES_EXHAUSTED or EVENT_AGE_EXCEEDED
    attempts: int  # invocations made
    status_code: int = 200  # of the last attempt: 200 for a function error, 429 throttled
    function_error: str | None = None  # "Unhandled" when the last attempt ran and failed
    response_payload: str | None = None  # what the last attempt returned (JSON text)
    executed_version: str = "$LATEST"


def _json_or_text(text: str | None) -> Any:
    if text is None or text == "":
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _timestamp(epoch: float) -> str:
    moment = datetime.fromtimestamp(epoch, timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def on_failure_record(failure: Failure, function_arn: str, now: float) -> dict[str, Any]:
    """The invocation record Lambda sends to an on-failure destination. `functionArn` is
    qualified (`…:$LATEST`) as in AWS's records. Without any response (an event that aged out
    while throttled) the response parts are absent."""
    record: dict[str, Any] = {
        "version": "1.0",
        "timestamp": _timestamp(now),
        "requestContext": {
            "requestId": failure.request_id,
            "functionArn": f"{function_arn}:{failure.executed_version}",
            "condition": failure.condition,
            "approximateInvokeCount": failure.attempts,
        },
        "requestPayload": _json_or_text(failure.payload),
    }
    if failure.attempts:
        context: dict[str, Any] = {
            "statusCode": failure.status_code,
            "executedVersion": failure.executed_version,
        }
        if failure.function_error:
            context["functionError"] = failure.function_error
        record["responseContext"] = context
        record["responsePayload"] = _json_or_text(failure.response_payload)
    return record


def dead_letter_message(failure: Failure) -> tuple[str, dict[str, dict[str, str]]]:
    """(body, message attributes) of a dead-letter message: the event unchanged, and
    RequestID, ErrorCode (3-digit HTTP code, Number) and ErrorMessage (at most 1 KB)."""
    response = _json_or_text(failure.response_payload)
    if isinstance(response, dict) and "errorMessage" in response:
        message = str(response["errorMessage"])
    elif failure.attempts:
        message = failure.response_payload or ""
    else:
        message = "Event age exceeded while the function was throttled"
    message = message.encode()[:DLQ_ERROR_MESSAGE_LIMIT].decode("utf-8", "ignore")
    attributes = {
        "RequestID": {"DataType": "String", "StringValue": failure.request_id},
        "ErrorCode": {"DataType": "Number", "StringValue": str(failure.status_code)},
        "ErrorMessage": {"DataType": "String", "StringValue": message or "-"},
    }
    return failure.payload, attributes


def settings_from_api(configuration: dict, invoke_config: dict | None) -> AsyncSettings:
    """AsyncSettings from GetFunctionConfiguration and GetFunctionEventInvokeConfig (pure)."""
    invoke_config = invoke_config or {}
    on_failure = ((invoke_config.get("DestinationConfig") or {}).get("OnFailure") or {}).get(
        "Destination"
    )
    retries = invoke_config.get("MaximumRetryAttempts")
    age = invoke_config.get("MaximumEventAgeInSeconds")
    return AsyncSettings(
        function_arn=configuration.get("FunctionArn", ""),
        maximum_retry_attempts=DEFAULT_MAXIMUM_RETRY_ATTEMPTS if retries is None else int(retries),
        maximum_event_age_s=DEFAULT_MAXIMUM_EVENT_AGE_S if age is None else float(age),
        on_failure=on_failure or None,
        dead_letter=(configuration.get("DeadLetterConfig") or {}).get("TargetArn") or None,
    )


def async_settings(client, function: str) -> AsyncSettings:
    """The function's settings as moto holds them (the EventInvokeConfig may be absent)."""
    lam = client("lambda")
    configuration = lam.get_function_configuration(FunctionName=function)
    try:
        invoke_config = lam.get_function_event_invoke_config(FunctionName=function)
    except lam.exceptions.ResourceNotFoundException:
        invoke_config = None
    return settings_from_api(configuration, invoke_config)


def deliver(client, target: str, body: str,
            attributes: dict[str, dict[str, str]] | None = None) -> None:
    """Send `body` to an SQS queue, SNS topic, Lambda function (async) or EventBridge bus."""
    parts = target.split(":")
    service, account, resource = parts[2], parts[4], parts[5]
    if service == "sqs":
        sqs = client("sqs")
        url = sqs.get_queue_url(QueueName=resource, QueueOwnerAWSAccountId=account)["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody=body,
                         **({"MessageAttributes": attributes} if attributes else {}))
    elif service == "sns":
        sns_attributes = {
            k: {"DataType": v["DataType"], "StringValue": v["StringValue"]}
            for k, v in (attributes or {}).items()
        }
        client("sns").publish(TopicArn=target, Message=body,
                              **({"MessageAttributes": sns_attributes} if sns_attributes else {}))
    elif service == "lambda":
        client("lambda").invoke(FunctionName=target, InvocationType="Event", Payload=body.encode())
    elif service == "events":
        client("events").put_events(Entries=[{
            "Source": "lambda", "DetailType": "Lambda Function Invocation Result - Failure",
            "Detail": body, "EventBusName": target,
        }])
    else:
        raise ValueError(f"unsupported destination {target}")
