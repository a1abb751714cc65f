"""Task state integrations: aws-sdk:<service>:<action> (any boto3 call), the optimized
glue:startJobRun(.sync), sns:publish and lambda:invoke, and plain Lambda function ARNs."""

from __future__ import annotations

import base64
import json
import logging
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from botocore import xform_name
from botocore.exceptions import BotoCoreError, ClientError

from localcloud.stepfunctions.errors import StatesError
from localcloud.stepfunctions.history import to_json

_logger = logging.getLogger(__name__)

_SDK_SERVICES = {"sfn": "stepfunctions", "eventbridge": "events", "cloudwatchlogs": "logs"}
_SERVICE_PREFIX = {"sns": "SNS", "sqs": "SQS", "s3": "S3", "sfn": "SFN", "dynamodb": "DynamoDB"}
_GLUE_RUNNING = {"STARTING", "RUNNING", "STOPPING", "WAITING"}
_LAMBDA_ARN = re.compile(r"^arn:aws[a-z-]*:lambda:[^:]+:\d+:function:[^:]+(:[^:]+)?$")


def describe_resource(resource: str) -> tuple[str, str]:
    """(resourceType, resource) as history events name them: 'arn:aws:states:::glue:
    startJobRun.sync' → ('glue', 'startJobRun.sync'); aws-sdk → ('aws-sdk:glue', 'getCrawler')."""
    if _LAMBDA_ARN.match(resource):
        return "lambda", resource
    match = re.match(r"^arn:aws[a-z-]*:states:[^:]*:[^:]*:(?P<rest>.+)$", resource)
    if not match:
        raise StatesError("States.Runtime", f"unsupported Task Resource {resource!r}")
    rest = match["rest"]
    if rest.startswith("aws-sdk:"):
        _, service, action = (rest.split(":") + ["", ""])[:3]
        return f"aws-sdk:{service}", action
    service, _, action = rest.partition(":")
    return service, action


class TaskRunner:
    """Performs Task states through boto3 clients to the local endpoint.

    `client(service)` returns a boto3 client; `poll_seconds` is the real time between
    GetJobRun polls of a `.sync` task (a StopExecution interrupts the wait); `region` is
    what TaskScheduled events report."""

    def __init__(
        self, client: Callable[[str], Any], poll_seconds: float = 0.5, region: str = "us-east-1"
    ) -> None:
        self.client = client
        self.poll_seconds = poll_seconds
        self.region = region

    def run_task(self, state: dict, parameters: Any, branch, interpreter, context: dict) -> Any:
        resource = state.get("Resource", "")
        resource_type, name = describe_resource(resource)
        branch.add(
            "TaskScheduled",
            {
                "resourceType": resource_type,
                "resource": name,
                "region": self.region,
                "parameters": to_json(parameters),
                **(
                    {"timeoutInSeconds": state["TimeoutSeconds"]}
                    if "TimeoutSeconds" in state
                    else {}
                ),
            },
        )
        branch.add("TaskStarted", {"resourceType": resource_type, "resource": name})
        try:
            result = self._dispatch(resource_type, name, parameters, state, branch, interpreter)
        except StatesError as failure:
            branch.add(
                "TaskFailed",
                {
                    "resourceType": resource_type,
                    "resource": name,
                    "error": failure.error,
                    "cause": failure.cause,
                },
            )
            raise
        branch.add(
            "TaskSucceeded",
            {
                "resourceType": resource_type,
                "resource": name,
                "output": to_json(result),
                "outputDetails": {"truncated": False},
            },
        )
        return result

    def _dispatch(self, resource_type, name, parameters, state, branch, interpreter) -> Any:
        if resource_type.startswith("aws-sdk:"):
            return self.call_sdk(resource_type.split(":", 1)[1], name, parameters)
        if resource_type == "lambda":
            return self.invoke_lambda(name, parameters, state)
        if resource_type == "glue" and name in ("startJobRun", "startJobRun.sync"):
            run = self._call("glue", "glue", "start_job_run", _dict(parameters, "glue"))
            if name == "startJobRun":
                return run
            branch.add(
                "TaskSubmitted",
                {
                    "resourceType": "glue",
                    "resource": name,
                    "output": to_json(run),
                    "outputDetails": {"truncated": False},
                },
            )
            return self.wait_for_job_run(parameters["JobName"], run["JobRunId"], state, interpreter)
        if resource_type == "sns" and name == "publish":
            params = dict(_dict(parameters, "sns"))
            if not isinstance(params.get("Message"), str):  # AWS serializes a JSON Message
                params["Message"] = json.dumps(params.get("Message"), separators=(",", ":"))
            return self._call("sns", "sns", "publish", params)
        if resource_type == "states" and name in ("startExecution",):
            params = dict(_dict(parameters, "states"))
            if not isinstance(params.get("Input", ""), str):
                params["Input"] = json.dumps(params["Input"])
            return self._call("sfn", "stepfunctions", "start_execution", params)
        raise StatesError("States.Runtime", f"unsupported integration {resource_type}:{name}")

    # -- integrations --------------------------------------------------------------------------
    def call_sdk(self, service: str, action: str, parameters: Any) -> Any:
        """aws-sdk:<service>:<action>: the boto3 method of the same name, PascalCase params."""
        boto_service = _SDK_SERVICES.get(service, service)
        method = xform_name(action[:1].upper() + action[1:])
        return self._call(service, boto_service, method, _dict(parameters, service), iso=True)

    def invoke_lambda(self, name: str, parameters: Any, state: dict) -> Any:
        if name.startswith("arn:"):  # a plain function ARN: the input is the payload
            reply = self._lambda_invoke({"FunctionName": name, "Payload": parameters})
            return reply["Payload"]
        if name != "invoke":
            raise StatesError("States.Runtime", f"unsupported Lambda integration {name!r}")
        return self._lambda_invoke(_dict(parameters, "lambda"))

    def _lambda_invoke(self, params: dict) -> dict:
        params = dict(params)
        payload = params.get("Payload")
        if not isinstance(payload, (str, bytes)):
            params["Payload"] = json.dumps(payload if payload is not None else {})
        reply = self._call("lambda", "lambda", "invoke", params)
        raw = reply.pop("Payload", None)
        text = raw.read().decode() if hasattr(raw, "read") else (raw or "")
        try:
            body = json.loads(text) if text else None
        except ValueError:
            body = text
        if reply.get("FunctionError"):
            error = body.get("errorType") if isinstance(body, dict) else None
            raise StatesError(error or "Lambda.Unknown", text)
        return {
            "ExecutedVersion": reply.get("ExecutedVersion", "$LATEST"),
            "Payload": body,
            "StatusCode": reply.get("StatusCode", 200),
        }

    def wait_for_job_run(self, job_name: str, run_id: str, state: dict, interpreter) -> dict:
        """Poll GetJobRun until the run is terminal; FAILED/ERROR/TIMEOUT/STOPPED fail the task
        with States.TaskFailed and the run (with its ErrorMessage) as the cause."""
        timeout = state.get("TimeoutSeconds")
        started = interpreter.clock.now()
        glue = self.client("glue")
        while True:
            try:
                run = glue.get_job_run(JobName=job_name, RunId=run_id)["JobRun"]
            except ClientError as error:
                raise _client_error("glue", error) from None
            status = run.get("JobRunState")
            if status == "SUCCEEDED":
                return _jsonable(run, iso=False)
            if status not in _GLUE_RUNNING:
                raise StatesError("States.TaskFailed", json.dumps(_jsonable(run, iso=False)))
            if timeout is not None and interpreter.clock.now() - started >= timeout:
                self._stop_job_run(job_name, run_id)
                raise StatesError("States.Timeout", f"Glue job run {run_id} exceeded {timeout}s")
            if interpreter.cancel.wait(self.poll_seconds):
                self._stop_job_run(job_name, run_id)  # AWS stops the run of an aborted .sync task
                interpreter._check_alive()

    def _stop_job_run(self, job_name: str, run_id: str) -> None:
        try:
            self.client("glue").batch_stop_job_run(JobName=job_name, JobRunIds=[run_id])
        except (ClientError, BotoCoreError):
            _logger.warning("could not stop Glue job run %s of %s", run_id, job_name)

    def _call(
        self, service: str, boto_service: str, method: str, params: dict, iso: bool = False
    ) -> Any:
        try:
            client = self.client(boto_service)
        except Exception as error:  # unknown service name
            raise StatesError("States.Runtime", f"no SDK client for {service}: {error}") from None
        function = getattr(client, method, None)
        if function is None:
            raise StatesError("States.Runtime", f"{service} has no action {method}")
        try:
            reply = function(**params)
        except ClientError as error:
            raise _client_error(service, error) from None
        except (BotoCoreError, TypeError, ValueError) as error:  # e.g. parameter validation
            raise StatesError("States.TaskFailed", str(error)) from None
        reply.pop("ResponseMetadata", None)
        return _jsonable(reply, iso=iso)


def _dict(parameters: Any, service: str) -> dict:
    if not isinstance(parameters, dict):
        raise StatesError("States.Runtime", f"{service} task Parameters must be an object")
    return parameters


def _client_error(service: str, error: ClientError) -> StatesError:
    code = error.response.get("Error", {}).get("Code", "Unknown")
    message = error.response.get("Error", {}).get("Message", str(error))
    prefix = _SERVICE_PREFIX.get(service, service[:1].upper() + service[1:])
    return StatesError(f"{prefix}.{code}", message)


def _jsonable(value: Any, iso: bool) -> Any:
    """boto3 results as JSON values: timestamps as ISO strings (aws-sdk) or epoch millis."""
    if isinstance(value, dict):
        return {k: _jsonable(v, iso) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v, iso) for v in value]
    if isinstance(value, datetime):
        return value.isoformat() if iso else int(value.timestamp() * 1000)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if hasattr(value, "read"):
        return value.read().decode(errors="replace")
    return value
