"""Wires the Lambda runtime into the endpoint: the Invoke REST paths, cache invalidation,
health, pending async events as plugin state, and a fault-injection kill switch."""

from __future__ import annotations

import base64
import json
import logging
import re
import threading
from pathlib import Path
from urllib.parse import unquote

from localcloud.clock import clock_for
from localcloud.lambda_.async_invoke import AsyncEvent, AsyncInvoker
from localcloud.lambda_.destinations import (
    async_settings,
    dead_letter_message,
    deliver,
    on_failure_record,
)
from localcloud.lambda_.errors import InvalidRequestContent, RequestTooLarge, TooManyRequests
from localcloud.lambda_.runtime import LambdaRuntime
from localcloud.registry import Response
from localcloud.telemetry import telemetry_for

_logger = logging.getLogger(__name__)

ORDER = 20
SYNC_PAYLOAD_LIMIT = 6 * 1024 * 1024  # bytes, RequestResponse
ASYNC_PAYLOAD_LIMIT = 1024 * 1024  # bytes, Event
INVOKE_PATH = r"^/2015-03-31/functions/(?P<name>[^/]+)/invocations/?$"
INVOKE_ASYNC_PATH = r"^/2014-11-13/functions/(?P<name>[^/]+)/invoke-async/?$"
CONFIGURATION_PATH = r"^/2015-03-31/functions/(?P<name>[^/]+)/configuration/?$"
# What moto's UpdateFunctionConfiguration ignores although CreateFunction stores it.
_DROPPED_ON_UPDATE = {"TracingConfig": "tracing_config", "KMSKeyArn": "kms_key_arn"}


def install(cloud) -> None:
    runtime = LambdaRuntime(cloud.client, telemetry_for(cloud), cloud.config)
    clock = clock_for(cloud)
    runtime.events = AsyncInvoker(
        runtime, Path(cloud.config.data_dir) / "lambda" / "failed-events.jsonl",
        on_failure=lambda event: deliver_failure(cloud.client, event, clock.now(),
                                                 telemetry_for(cloud).put_metric),
        settings=lambda function: async_settings(cloud.client, function),
        sleep=lambda seconds: clock.sleep(seconds),  # retry delays in simulated time
        now=clock.now,
    )
    runtime.faults = cloud.services.get("faults")  # installed first (ORDER 5) when present
    cloud.services["lambda"] = runtime
    registry = cloud.registry
    registry.route("POST", INVOKE_PATH, lambda call: handle_invoke(runtime, call))
    registry.route("POST", INVOKE_ASYNC_PATH, lambda call: _handle_invoke_async(runtime, call))
    registry.route("POST", r"^/_datalake/lambda/(?P<name>[^/]+)/kill$",
                   lambda call: Response.json({"killed": runtime.kill_running(
                       unquote(call.route_params["name"]))}, content_type="application/json"))
    # Any write to a function (code, configuration, concurrency, deletion) invalidates its spec.
    registry.observe("lambda", lambda call: call.method in ("POST", "PUT", "DELETE", "PATCH"),
                     lambda call, response: _on_write(runtime, call))
    registry.observe("lambda", lambda call: bool(re.match(CONFIGURATION_PATH, call.path))
                     and call.method == "PUT",
                     lambda call, response: keep_configuration_moto_drops(cloud.config, call))
    registry.health("lambda", runtime.health)
    registry.state("lambda_async_events", runtime.events.export, runtime.events.restore)
    reaper = threading.Event()

    def reap_forever() -> None:
        while not reaper.wait(30.0):
            runtime.pool.reap()

    registry.on_start(lambda: threading.Thread(target=reap_forever, name="lambda-reaper",
                                               daemon=True).start())
    registry.on_stop(reaper.set)
    registry.on_stop(runtime.events.stop)
    registry.on_stop(runtime.close)


def keep_configuration_moto_drops(config, call) -> None:
    """moto quirk: UpdateFunctionConfiguration ignores TracingConfig and KMSKeyArn (CreateFunction
    keeps them); set them on moto's function so GetFunctionConfiguration answers as Lambda does."""
    from moto.awslambda.models import lambda_backends

    body = call.json()
    name = unquote(re.match(CONFIGURATION_PATH, call.path).group("name")).split(":")[-1]
    fn = lambda_backends[config.account][call.region or config.region].get_function(name)
    for key, attribute in _DROPPED_ON_UPDATE.items():
        if key in body:
            setattr(fn, attribute, body[key] or None)


def _on_write(runtime: LambdaRuntime, call) -> None:
    runtime.invalidate()
    match = re.match(r"^/2015-03-31/functions/([^/]+)/?$", call.path)
    if call.method == "DELETE" and match:  # DeleteFunction: its warm workers go too
        runtime.pool.retire(unquote(match.group(1)).split(":")[-1])


def handle_invoke(runtime: LambdaRuntime, call) -> Response:
    """POST /2015-03-31/functions/{name}/invocations with X-Amz-Invocation-Type."""
    ref = unquote(call.route_params["name"])
    qualifier = (call.query.get("Qualifier") or [None])[0]
    if qualifier and qualifier != "$LATEST":
        ref = f"{ref}:{qualifier}"
    kind = call.header("x-amz-invocation-type") or "RequestResponse"
    if kind not in ("RequestResponse", "Event", "DryRun"):
        raise InvalidRequestContent(f"Invalid InvocationType: {kind}",
                                    code="InvalidParameterValueException")
    limit = ASYNC_PAYLOAD_LIMIT if kind == "Event" else SYNC_PAYLOAD_LIMIT
    if len(call.body) > limit:
        raise RequestTooLarge(
            f"{len(call.body)} byte payload is too large for the {kind} invocation type "
            f"(limit {limit} bytes)"
        )
    _check_json(call.body)
    spec = runtime.function_spec(ref)  # 404 for an unknown function, whatever the type
    if kind == "DryRun":
        return Response(204, {"x-amzn-RequestId": _request_id()})
    if kind == "Event":
        request_id = runtime.events.submit(spec.name, call.body)
        return Response(202, {"x-amzn-RequestId": request_id, "Content-Type": "application/json"})
    context = call.header("x-amz-client-context")
    try:
        result = runtime.invoke(ref, call.body, client_context=_decode_context(context))
    except TooManyRequests as throttle:
        body = {"Type": "User", "message": throttle.message, "Reason": throttle.reason}
        return Response(429, {"Content-Type": "application/json",
                              "x-amzn-ErrorType": throttle.code}, json.dumps(body).encode())
    headers = {
        "Content-Type": "application/json",
        "x-amzn-RequestId": result.request_id,
        "X-Amz-Executed-Version": result.version,
    }
    if result.function_error:
        headers["X-Amz-Function-Error"] = result.function_error
    if (call.header("x-amz-log-type") or "").lower() == "tail":
        headers["X-Amz-Log-Result"] = base64.b64encode(result.log_tail.encode()).decode()
    return Response(200, headers, result.payload)


def _handle_invoke_async(runtime: LambdaRuntime, call) -> Response:
    """The deprecated InvokeAsync API: same as Invoke with InvocationType=Event."""
    spec = runtime.function_spec(unquote(call.route_params["name"]))
    _check_json(call.body)
    runtime.events.submit(spec.name, call.body)
    return Response.json({"Status": 202}, status=202, content_type="application/json")


def _check_json(body: bytes) -> None:
    if not body:
        return
    try:
        json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise InvalidRequestContent(f"Could not parse request body into json: {error}") from None


def _decode_context(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return base64.b64decode(value).decode()
    except (ValueError, UnicodeDecodeError):
        raise InvalidRequestContent("Client context must be a valid Base64-encoded JSON object.",
                                    code="InvalidParameterValueException") from None


def _request_id() -> str:
    import uuid

    return str(uuid.uuid4())


def deliver_failure(client, event: AsyncEvent, now: float, put_metric=None) -> None:
    """Send an event Lambda gave up on to the function's on-failure destination (an invocation
    record) and dead-letter target (the event), whichever it has. A delivery that fails counts
    in AWS/Lambda `DestinationDeliveryFailures` / `DeadLetterErrors`, as on AWS, and raises."""
    settings = async_settings(client, event.function)
    failure = event.failure()
    deliveries = []
    if settings.on_failure:
        record = on_failure_record(failure, settings.function_arn, now)
        deliveries.append(("DestinationDeliveryFailures", settings.on_failure,
                           json.dumps(record), None))
    if settings.dead_letter:
        body, attributes = dead_letter_message(failure)
        deliveries.append(("DeadLetterErrors", settings.dead_letter, body, attributes))
    errors = []
    for metric, target, body, attributes in deliveries:
        try:
            deliver(client, target, body, attributes)
        except Exception as error:
            errors.append(f"{target}: {type(error).__name__}: {error}")
            if put_metric is not None:
                put_metric("AWS/Lambda", metric, 1, "Count", {"FunctionName": event.function})
    if errors:
        raise RuntimeError("; ".join(errors))
