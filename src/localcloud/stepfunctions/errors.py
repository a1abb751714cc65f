"""Errors of the Step Functions emulation: API errors (AWS-shaped) and States runtime errors."""

from __future__ import annotations

from localcloud.errors import AwsError


class StatesError(Exception):
    """An error raised inside an execution: `error` is the name Retry/Catch match on."""

    def __init__(self, error: str, cause: str = "") -> None:
        super().__init__(f"{error}: {cause}" if cause else error)
        self.error = error
        self.cause = cause


class ExecutionAborted(Exception):
    """The execution was stopped (StopExecution) while a state was running."""


class ExecutionDoesNotExist(AwsError):
    code = "ExecutionDoesNotExist"


class StateMachineDoesNotExist(AwsError):
    code = "StateMachineDoesNotExist"


class ExecutionAlreadyExists(AwsError):
    code = "ExecutionAlreadyExists"


class InvalidArn(AwsError):
    code = "InvalidArn"


class InvalidExecutionInput(AwsError):
    code = "InvalidExecutionInput"


class InvalidDefinition(AwsError):
    code = "InvalidDefinition"


class InvalidName(AwsError):
    code = "InvalidName"
