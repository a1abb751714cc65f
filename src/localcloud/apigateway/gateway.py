"""Serve one request to a deployed stage, in API Gateway's order: route, authorization, API key,
usage plan throttle and quota, request validation, integration; then access log and metrics."""

from __future__ import annotations

import concurrent.futures
import json
import logging
import re
import threading
import time
import uuid

from localcloud.apigateway import gateway_errors as errors
from localcloud.apigateway.access_log import render_access_log
from localcloud.apigateway.events import (
    GatewayRequest,
    build_identity,
    build_proxy_event,
    read_proxy_result,
    request_time,
)
from localcloud.apigateway.gateway_errors import GatewayError
from localcloud.apigateway.mock import mock_response
from localcloud.apigateway.routes import match_route
from localcloud.apigateway.sigv4 import verify_signature
from localcloud.apigateway.state import StageView
from localcloud.apigateway.throttle import Quota, TokenBucket
from localcloud.apigateway.validation import check_body, check_parameters

_logger = logging.getLogger(__name__)

NAMESPACE = "AWS/ApiGateway"
MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway's payload limit
DEFAULT_INTEGRATION_TIMEOUT_MS = 29_000
_LAMBDA_URI = re.compile(r":lambda:path/2015-03-31/functions/(?P<fn>.+)/invocations$")


class Answer:
    """The HTTP answer to the client."""

    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body


class Gateway:
    """Runs requests against StageViews. Limits (token buckets, quotas) live here."""

    def __init__(self, stages, lambda_runtime, telemetry, secret_for, clock=time.monotonic,
                 region: str = "us-east-1"):
        self.stages = stages  # StageCache
        self._lambda = lambda_runtime  # () -> LambdaRuntime
        self._telemetry = telemetry
        self._secret_for = secret_for
        self._clock = clock
        self._region = region
        self._buckets: dict[tuple, TokenBucket] = {}
        self._quotas: dict[tuple, Quota] = {}
        self._lock = threading.Lock()
        self._executor = concurrent.futures.ThreadPoolExecutor(64, "apigw-integration")

    # -- entry point ---------------------------------------------------------------------------
    def handle(self, request: GatewayRequest, url: str) -> Answer:
        started = time.monotonic()
        request.request_id = request.request_id or str(uuid.uuid4())
        request.extended_request_id = request.extended_request_id or uuid.uuid4().hex[:16]
        ctx: dict[str, object] = {"integrationLatency": None, "integrationStatus": None}
        view = self.stages.get(request.api_id, request.stage)
        try:
            if view is None:
                raise errors.missing_token()
            answer = self._serve(view, request, url, ctx)
        except GatewayError as error:
            answer = self._error_answer(view, error, ctx, request)
        latency_ms = (time.monotonic() - started) * 1000
        answer.headers += [("x-amzn-RequestId", request.request_id),
                           ("x-amz-apigw-id", request.extended_request_id)]
        if view is not None:
            self._record(view, request, answer, latency_ms, ctx)
        return answer

    def _serve(self, view: StageView, request: GatewayRequest, url: str, ctx: dict) -> Answer:
        if len(request.body) > MAX_BODY_BYTES:
            raise errors.too_large()
        route = match_route(view.resources, request.method, request.path)
        if route is None:
            raise errors.missing_token()
        ctx["resource"] = route.resource
        method = route.method
        access_key = None
        if method.get("authorizationType") == "AWS_IAM":
            lower = {k.lower(): v for k, v in request.headers}
            access_key = verify_signature(request.method, url, lower, request.body,
                                          self._secret_for)
        api_key, api_key_id = None, None
        if method.get("apiKeyRequired"):
            api_key, api_key_id = self._check_key(view, request)
            ctx["apiKeyId"] = api_key_id
        self._check_stage_throttle(view, route.resource.get("path", "/"), request.method)
        self._validate(view, method, request, route.path_parameters)
        integration = method.get("methodIntegration") or {}
        kind = integration.get("type")
        if kind == "MOCK":
            content_type = (request.header("content-type") or "application/json").split(";")[0]
            status, headers, body = mock_response(integration, method, content_type,
                                                  {"requestId": request.request_id})
            return Answer(status, headers, body)
        if kind == "AWS_PROXY":
            identity = build_identity(request, api_key, api_key_id, access_key)
            event = build_proxy_event(request, route.resource, route.path_parameters,
                                      view.variables, identity, view.binary_media_types)
            event["requestContext"]["deploymentId"] = view.deployment_id
            return self._invoke_lambda(integration, event, ctx)
        raise errors.configuration_error(
            f"Integration type {kind!r} is not supported by the local API Gateway "
            "(AWS_PROXY and MOCK are)")

    # -- checks --------------------------------------------------------------------------------
    def _check_key(self, view: StageView, request: GatewayRequest) -> tuple[str, str]:
        value = request.header("x-api-key")
        key = view.keys_by_value.get(value or "")
        if not value or key is None or not key.get("enabled", True):
            raise errors.invalid_api_key()
        plans = [p for p in view.plans if key["id"] in view.plan_keys.get(p["id"], set())]
        if not plans:  # a valid key that no usage plan of this stage includes
            raise errors.invalid_api_key()
        for plan in plans:
            throttle = plan.get("throttle") or {}
            if throttle.get("rateLimit") is not None:
                bucket = self._bucket(("plan", plan["id"], key["id"]), throttle)
                if not bucket.take():
                    raise errors.throttled()
            quota = plan.get("quota") or {}
            if quota.get("limit") is not None:
                if not self._quota(plan["id"], key["id"], quota).consume():
                    raise errors.quota_exceeded()
        return value, key["id"]

    def _check_stage_throttle(self, view: StageView, resource_path: str, method: str) -> None:
        settings = view.method_settings.get(f"{resource_path.lstrip('/')}/{method}") or \
            view.method_settings.get("*/*") or {}
        rate = settings.get("throttlingRateLimit")
        if rate is None:
            return
        throttle = {"rateLimit": rate, "burstLimit": settings.get("throttlingBurstLimit", rate)}
        if not self._bucket(("stage", view.api_id, view.stage), throttle).take():
            raise errors.throttled()

    def _validate(self, view: StageView, method: dict, request: GatewayRequest,
                  path_params: dict[str, str]) -> None:
        validator = view.validators.get(method.get("requestValidatorId") or "")
        if not validator:
            return
        if validator.get("validateRequestParameters"):
            headers = {k.lower(): v for k, v in request.headers}
            check_parameters(method, headers, request.query, path_params)
        if validator.get("validateRequestBody"):
            models = method.get("requestModels") or {}
            content_type = (request.header("content-type") or "application/json")
            model = models.get(content_type.split(";")[0].strip()) or models.get("$default")
            if model and model != "Empty":
                check_body(view.models.get(model, "{}"), request.body)

    def _bucket(self, key: tuple, throttle: dict) -> TokenBucket:
        rate, burst = float(throttle.get("rateLimit") or 0), int(throttle.get("burstLimit") or 0)
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None or (bucket.rate, bucket.capacity) != (rate, max(1.0, burst)):
                bucket = self._buckets[key] = TokenBucket(rate, burst, self._clock)
            return bucket

    def _quota(self, plan_id: str, key_id: str, quota: dict) -> Quota:
        spec = (int(quota["limit"]), quota.get("period", "DAY"), int(quota.get("offset") or 0))
        with self._lock:
            counter = self._quotas.get((plan_id, key_id))
            if counter is None or (counter.limit, counter.period, counter.offset) != spec:
                counter = self._quotas[(plan_id, key_id)] = Quota(*spec)
            return counter

    def export_usage(self) -> dict:
        """Quota usage per (usage plan, key), for the state export."""
        with self._lock:
            return {f"{plan}|{key}": quota.export()
                    for (plan, key), quota in self._quotas.items()}

    def restore_usage(self, data: dict) -> None:
        with self._lock:
            for ident, item in (data or {}).items():
                plan, _, key = ident.partition("|")
                self._quotas[(plan, key)] = Quota.restore(item)

    # -- integration ---------------------------------------------------------------------------
    def _invoke_lambda(self, integration: dict, event: dict, ctx: dict) -> Answer:
        match = _LAMBDA_URI.search(integration.get("uri") or "")
        if not match:
            raise errors.configuration_error(f"Invalid Lambda integration URI: "
                                             f"{integration.get('uri')}")
        from localcloud.lambda_.errors import TooManyRequests

        runtime = self._lambda()
        source_arn = self._source_arn(event)
        try:
            allowed = runtime.allows(match["fn"], "apigateway.amazonaws.com", source_arn)
        except Exception as error:  # unknown function
            raise errors.integration_failed(f"Lambda invocation failed: {error}") from None
        if not allowed:
            # As on AWS: a function whose resource policy does not let this API invoke it.
            raise errors.configuration_error(
                "Execution failed due to configuration error: Invalid permissions on Lambda "
                f"function (no permission for {source_arn})")
        started = time.monotonic()
        # API Gateway stops waiting after the integration timeout (29 s by default); the
        # function itself runs on, as it does on AWS.
        timeout_s = (integration.get("timeoutInMillis") or DEFAULT_INTEGRATION_TIMEOUT_MS) / 1000
        future = self._executor.submit(runtime.invoke, match["fn"],
                                       json.dumps(event).encode())
        try:
            result = future.result(timeout=timeout_s)
        except concurrent.futures.TimeoutError:
            ctx["integrationLatency"] = int((time.monotonic() - started) * 1000)
            raise errors.integration_timeout() from None
        except TooManyRequests:
            ctx["integrationStatus"] = 429
            raise errors.throttled() from None
        except Exception as error:  # unknown function, bad package: AWS answers 500/502
            raise errors.integration_failed(f"Lambda invocation failed: {error}") from None
        finally:
            ctx["integrationLatency"] = int((time.monotonic() - started) * 1000)
        ctx["integrationStatus"] = 200
        if result.failed:
            raise errors.integration_failed(
                "Lambda execution failed with status 200 due to customer function error: "
                + result.payload.decode("utf-8", "replace")[:1000])
        response = read_proxy_result(result.payload)
        return Answer(response.status, response.headers, response.body)

    def _source_arn(self, event: dict) -> str:
        """execute-api ARN of this request: arn:aws:execute-api:region:account:api/stage/VERB/path
        (what `AWS:SourceArn` conditions in a Lambda permission are matched against)."""
        ctx = event["requestContext"]
        return (f"arn:aws:execute-api:{self._region}:{ctx['accountId']}:{ctx['apiId']}/"
                f"{ctx['stage']}/{ctx['httpMethod']}{ctx['resourcePath']}")

    # -- answers, logs, metrics ----------------------------------------------------------------
    def _error_answer(self, view: StageView | None, error: GatewayError, ctx: dict,
                      request: GatewayRequest | None = None) -> Answer:
        ctx["error"] = error
        status, body = error.status, error.body()
        headers = [("Content-Type", "application/json"), ("x-amzn-ErrorType", error.error_type)]
        custom = None
        if view is not None:
            responses = view.gateway_responses
            custom = responses.get(error.response_type) or responses.get(
                "DEFAULT_4XX" if status < 500 else "DEFAULT_5XX")
        if custom:
            status = int(custom.get("statusCode") or status)
            for target, source in (custom.get("responseParameters") or {}).items():
                if target.startswith("gatewayresponse.header.") and source[:1] == "'":
                    headers.append((target[len("gatewayresponse.header."):], source.strip("'")))
            template = (custom.get("responseTemplates") or {}).get("application/json")
            if template:
                # messageString is the message as a quoted JSON string; the other variables
                # are substituted JSON-escaped (so a template like the lake's stays JSON).
                text = template.replace("$context.error.messageString", json.dumps(error.message))
                variables = {"error.message": error.message,
                             "error.responseType": error.response_type,
                             "error.validationErrorString": error.detail if
                             error.response_type.startswith("BAD_REQUEST") else None}
                if request is not None:
                    variables.update(requestId=request.request_id,
                                     extendedRequestId=request.extended_request_id,
                                     stage=request.stage, apiId=request.api_id)
                body = render_access_log(text, variables).encode()
        return Answer(status, headers, body)

    def _record(self, view: StageView, request: GatewayRequest, answer: Answer,
                latency_ms: float, ctx: dict) -> None:
        dims = {"ApiName": view.api_name, "Stage": view.stage}
        put = self._telemetry.put_metric
        put(NAMESPACE, "Count", 1, "Count", dims)
        put(NAMESPACE, "4XXError", int(400 <= answer.status < 500), "Count", dims)
        put(NAMESPACE, "5XXError", int(answer.status >= 500), "Count", dims)
        put(NAMESPACE, "Latency", latency_ms, "Milliseconds", dims)
        if ctx.get("integrationLatency") is not None:
            put(NAMESPACE, "IntegrationLatency", ctx["integrationLatency"], "Milliseconds", dims)
        error: GatewayError | None = ctx.get("error")  # type: ignore[assignment]
        if error is not None and error.detail:
            _logger.info("API %s/%s %s %s -> %d: %s", view.api_id, view.stage, request.method,
                         request.path, answer.status, error.detail)
            self._telemetry.put_log(f"API-Gateway-Execution-Logs_{view.api_id}/{view.stage}",
                                    request.extended_request_id,
                                    f"({request.request_id}) {error.detail}")
        settings = view.access_log
        if settings.get("destinationArn") and settings.get("format"):
            group = settings["destinationArn"].split(":log-group:", 1)[-1].removesuffix(":*")
            line = render_access_log(settings["format"],
                                     self._log_context(view, request, answer, latency_ms, ctx))
            self._telemetry.put_log(group, f"{view.stage}-{view.api_id}", line)

    def _log_context(self, view: StageView, request: GatewayRequest, answer: Answer,
                     latency_ms: float, ctx: dict) -> dict[str, object]:
        resource = ctx.get("resource") or {}
        error: GatewayError | None = ctx.get("error")  # type: ignore[assignment]
        return {
            "requestId": request.request_id,
            "extendedRequestId": request.extended_request_id,
            "apiId": view.api_id,
            "stage": view.stage,
            "httpMethod": request.method,
            "path": f"/{view.stage}{request.path}",
            "resourcePath": resource.get("path"),
            "resourceId": resource.get("id"),
            "protocol": "HTTP/1.1",
            "status": answer.status,
            "responseLength": len(answer.body),
            "requestTime": request_time(request.epoch_ms),
            "requestTimeEpoch": request.epoch_ms,
            "responseLatency": int(latency_ms),
            "integrationLatency": ctx.get("integrationLatency"),
            "integration.latency": ctx.get("integrationLatency"),
            "integrationStatus": ctx.get("integrationStatus"),
            "integration.status": ctx.get("integrationStatus"),
            "domainName": request.domain_name,
            "accountId": request.account_id,
            "identity.sourceIp": request.source_ip,
            "identity.userAgent": request.header("user-agent"),
            "identity.apiKey": request.header("x-api-key"),  # rendered as <redacted>
            "identity.apiKeyId": ctx.get("apiKeyId"),
            "error.message": error.message if error else None,
            "error.messageString": json.dumps(error.message) if error else None,
            "error.responseType": error.response_type if error else None,
            "error.validationErrorString": error.detail if error and error.response_type in (
                "BAD_REQUEST_BODY", "BAD_REQUEST_PARAMETERS") else None,
        }
