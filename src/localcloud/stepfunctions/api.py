"""Step Functions API operations answered by the local interpreter (JSON 1.0 protocol).

State machine definitions stay in moto (CreateStateMachine etc. pass through); executions are
ours: StartExecution, DescribeExecution, ListExecutions, GetExecutionHistory, StopExecution,
DescribeStateMachineForExecution."""

from __future__ import annotations

import json
import re

from botocore.exceptions import ClientError

from localcloud.registry import Response
from localcloud.routing import ApiCall
from localcloud.stepfunctions.errors import (
    InvalidArn,
    InvalidDefinition,
    InvalidExecutionInput,
    InvalidName,
    StateMachineDoesNotExist,
)
from localcloud.stepfunctions.executions import ExecutionStore

_CONTENT_TYPE = "application/x-amz-json-1.0"
_NAME = re.compile(r"^[A-Za-z0-9_\-]{1,80}$")
_MACHINE_ARN = re.compile(r"^arn:aws[a-z-]*:states:[^:]+:\d{12}:stateMachine:[^:]+$")
_EXECUTION_ARN = re.compile(r"^arn:aws[a-z-]*:states:[^:]+:\d{12}:execution:[^:]+:[^:]+$")


def _reply(data: dict) -> Response:
    return Response.json(data, content_type=_CONTENT_TYPE)


def _required(body: dict, name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise InvalidArn(
            f"1 validation error detected: Value at '{name}' failed to satisfy "
            "constraint: Member must not be null"
        )
    return value


class StepFunctionsApi:
    """Handlers for the intercepted operations. `sfn()` is a boto3 client to moto's side."""

    def __init__(self, store: ExecutionStore, sfn) -> None:
        self.store = store
        self._sfn = sfn

    def handlers(self) -> dict:
        return {
            "StartExecution": self.start_execution,
            "DescribeExecution": self.describe_execution,
            "ListExecutions": self.list_executions,
            "GetExecutionHistory": self.get_execution_history,
            "StopExecution": self.stop_execution,
            "DescribeStateMachineForExecution": self.describe_state_machine_for_execution,
        }

    def _machine(self, arn: str) -> dict:
        if not _MACHINE_ARN.match(arn):
            raise InvalidArn(f"Invalid Arn: 'Resource type not valid in this context: {arn}'")
        try:
            return self._sfn().describe_state_machine(stateMachineArn=arn)
        except ClientError as error:
            if error.response["Error"]["Code"] in ("StateMachineDoesNotExist", "ResourceNotFound"):
                raise StateMachineDoesNotExist(f"State Machine Does Not Exist: '{arn}'") from None
            raise

    def start_execution(self, call: ApiCall) -> Response:
        body = call.json()
        arn = _required(body, "stateMachineArn")
        name = body.get("name")
        if name is not None and not _NAME.match(name):
            raise InvalidName(f"Invalid Name: '{name}' (1-80 of A-Z a-z 0-9 _ -)")
        input_text = body.get("input", "{}") or "{}"
        try:
            json.loads(input_text)
        except ValueError as error:
            raise InvalidExecutionInput(
                f"Invalid State Machine Execution Input: '{error}'"
            ) from None
        machine = self._machine(arn)
        try:
            definition = json.loads(machine["definition"])
        except ValueError as error:
            raise InvalidDefinition(
                f"the stored definition of {arn} is not JSON: {error}"
            ) from None
        execution = self.store.start(arn, definition, machine.get("roleArn", ""), input_text, name)
        return _reply({"executionArn": execution.arn, "startDate": execution.start_date})

    def _execution(self, body: dict):
        arn = _required(body, "executionArn")
        if not _EXECUTION_ARN.match(arn):
            raise InvalidArn(f"Invalid Arn: '{arn}'")
        return self.store.get(arn)

    def describe_execution(self, call: ApiCall) -> Response:
        return _reply(self._execution(call.json()).describe())

    def list_executions(self, call: ApiCall) -> Response:
        body = call.json()
        arn = _required(body, "stateMachineArn")
        self._machine(arn)
        executions = [e.summary() for e in self.store.list(arn, body.get("statusFilter"))]
        return _reply(_page(executions, "executions", body, 100))

    def get_execution_history(self, call: ApiCall) -> Response:
        body = call.json()
        execution = self._execution(body)
        events = execution.history.snapshot()
        if body.get("reverseOrder"):
            events.reverse()
        if body.get("includeExecutionData") is False:
            for event in events:
                for value in event.values():
                    if isinstance(value, dict):
                        for key in ("input", "output"):
                            value.pop(key, None)
        return _reply(_page(events, "events", body, 100))

    def stop_execution(self, call: ApiCall) -> Response:
        body = call.json()
        execution = self._execution(body)
        execution = self.store.stop(execution.arn, body.get("error"), body.get("cause"))
        return _reply({"stopDate": execution.stop_date})

    def describe_state_machine_for_execution(self, call: ApiCall) -> Response:
        execution = self._execution(call.json())
        machine = self._machine(execution.machine_arn)
        return _reply(
            {
                "stateMachineArn": execution.machine_arn,
                "name": machine["name"],
                "definition": json.dumps(execution.definition),
                "roleArn": execution.role_arn,
                "updateDate": machine.get("creationDate"),
            }
        )


def _page(items: list, key: str, body: dict, default_size: int) -> dict:
    """nextToken paging: the token is the offset of the next item."""
    size = int(body.get("maxResults") or default_size)
    try:
        start = int(body.get("nextToken") or 0)
    except ValueError:
        raise InvalidArn(f"Invalid nextToken: {body.get('nextToken')!r}") from None
    page = {key: items[start : start + size]}
    if start + size < len(items):
        page["nextToken"] = str(start + size)
    return page
