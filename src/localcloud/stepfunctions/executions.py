"""Executions: start one in a thread, keep its status, output and history; stop, list, export."""

from __future__ import annotations

import json
import logging
import threading
import uuid
from dataclasses import dataclass, field

from localcloud.stepfunctions.errors import (
    ExecutionAborted,
    ExecutionAlreadyExists,
    ExecutionDoesNotExist,
    StatesError,
)
from localcloud.stepfunctions.history import Branch, History, to_json
from localcloud.stepfunctions.interpreter import Interpreter, iso

_logger = logging.getLogger(__name__)
_END_EVENTS = {
    "SUCCEEDED": "ExecutionSucceeded",
    "FAILED": "ExecutionFailed",
    "ABORTED": "ExecutionAborted",
    "TIMED_OUT": "ExecutionTimedOut",
}


@dataclass
class Execution:
    """One execution of a state machine, as DescribeExecution shows it."""

    arn: str
    machine_arn: str
    name: str
    input: str
    definition: dict
    role_arn: str
    start_date: float
    status: str = "RUNNING"
    stop_date: float | None = None
    output: str | None = None
    error: str | None = None
    cause: str | None = None
    history: History | None = None
    cancel: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)

    def describe(self) -> dict:
        out = {
            "executionArn": self.arn,
            "stateMachineArn": self.machine_arn,
            "name": self.name,
            "status": self.status,
            "startDate": self.start_date,
            "input": self.input,
            "inputDetails": {"included": True},
        }
        if self.stop_date is not None:
            out["stopDate"] = self.stop_date
        if self.output is not None:
            out.update(output=self.output, outputDetails={"included": True})
        if self.error is not None:
            out["error"] = self.error
        if self.cause is not None:
            out["cause"] = self.cause
        return out

    def summary(self) -> dict:
        keys = ("executionArn", "stateMachineArn", "name", "status", "startDate", "stopDate")
        return {k: v for k, v in self.describe().items() if k in keys}


def execution_arn(machine_arn: str, name: str) -> str:
    """arn:...:stateMachine:M → arn:...:execution:M:name."""
    return machine_arn.replace(":stateMachine:", ":execution:", 1) + f":{name}"


class ExecutionStore:
    """All executions of one local cloud. `tasks` runs Task states; `clock` is the scaled clock."""

    def __init__(self, tasks, clock) -> None:
        self.tasks = tasks
        self.clock = clock
        self._lock = threading.Lock()
        self._executions: dict[str, Execution] = {}
        # called with each execution once it ended (metrics, status-change events)
        self.listeners: list = []
        # called with each execution as it starts (in its thread)
        self.start_listeners: list = []

    def start(
        self,
        machine_arn: str,
        definition: dict,
        role_arn: str,
        input_text: str,
        name: str | None = None,
    ) -> Execution:
        name = name or str(uuid.uuid4())
        arn = execution_arn(machine_arn, name)
        with self._lock:
            existing = self._executions.get(arn)
            if existing is not None:
                if existing.status == "RUNNING" and existing.input == input_text:
                    return existing  # StartExecution is idempotent for a running twin
                raise ExecutionAlreadyExists(f"Execution Already Exists: '{arn}'")
            execution = Execution(
                arn, machine_arn, name, input_text, definition, role_arn, self.clock.now()
            )
            execution.history = History(self.clock)
            self._executions[arn] = execution
        thread = threading.Thread(
            target=self._run, args=(execution,), daemon=True, name=f"sfn-{name}"
        )
        thread.start()
        return execution

    def _run(self, execution: Execution) -> None:
        branch = Branch(execution.history)
        branch.add(
            "ExecutionStarted",
            {
                "input": execution.input,
                "inputDetails": {"truncated": False},
                "roleArn": execution.role_arn,
            },
        )
        for listener in self.start_listeners:
            try:
                listener(execution)
            except Exception:
                _logger.exception("execution start listener failed for %s", execution.arn)
        definition = execution.definition
        deadline = None
        if definition.get("TimeoutSeconds"):
            deadline = execution.start_date + float(definition["TimeoutSeconds"])
        interpreter = Interpreter(self.tasks, self.clock, execution.cancel, deadline)
        context = {
            "Execution": {
                "Id": execution.arn,
                "Input": json.loads(execution.input),
                "Name": execution.name,
                "RoleArn": execution.role_arn,
                "StartTime": iso(execution.start_date),
            },
            "StateMachine": {
                "Id": execution.machine_arn,
                "Name": execution.machine_arn.rsplit(":", 1)[-1],
            },
        }
        try:
            output = interpreter.run_machine(
                definition, json.loads(execution.input), branch, context
            )
            self._end(execution, branch, "SUCCEEDED", output=to_json(output))
        except ExecutionAborted:
            self._end(execution, branch, "ABORTED", execution.error, execution.cause)
        except StatesError as failure:
            timed_out = (
                failure.error == "States.Timeout" and deadline and (self.clock.now() >= deadline)
            )
            status = "TIMED_OUT" if timed_out else "FAILED"
            self._end(execution, branch, status, failure.error, failure.cause)
        except Exception as bug:  # an interpreter bug must still end the execution visibly
            _logger.exception("execution %s crashed", execution.arn)
            self._end(
                execution, branch, "FAILED", "States.Runtime", f"local interpreter error: {bug}"
            )
        finally:
            execution.done.set()
            for listener in self.listeners:
                try:
                    listener(execution)
                except Exception:  # a listener must not hide the execution's result
                    _logger.exception("execution listener failed for %s", execution.arn)

    def _end(
        self,
        execution: Execution,
        branch: Branch,
        status: str,
        error: str | None = None,
        cause: str | None = None,
        output: str | None = None,
    ) -> None:
        """Record the execution's end and its closing event, unless it already ended (a stop
        that gave up waiting for a blocked task ended it on paper)."""
        if not self._finish(execution, status, error, cause, output):
            return
        event_type, details = _END_EVENTS[status], {}
        if status == "SUCCEEDED":
            details = {"output": output, "outputDetails": {"truncated": False}}
        else:
            details = {k: v for k, v in (("error", error), ("cause", cause)) if v}
        branch.add(event_type, details)
        branch.history.close()

    def _finish(
        self,
        execution: Execution,
        status: str,
        error: str | None = None,
        cause: str | None = None,
        output: str | None = None,
    ) -> bool:
        with self._lock:
            if execution.status != "RUNNING":
                return False
            execution.status, execution.stop_date = status, self.clock.now()
            execution.output = output
            if error is not None or cause is not None:
                execution.error, execution.cause = error, cause
            return True

    def get(self, arn: str) -> Execution:
        with self._lock:
            execution = self._executions.get(arn)
        if execution is None:
            raise ExecutionDoesNotExist(f"Execution Does Not Exist: '{arn}'")
        return execution

    def list(self, machine_arn: str, status: str | None = None) -> list[Execution]:
        with self._lock:
            found = [
                e
                for e in self._executions.values()
                if e.machine_arn == machine_arn and (status is None or e.status == status)
            ]
        return sorted(found, key=lambda e: e.start_date, reverse=True)

    def stop(self, arn: str, error: str | None, cause: str | None, wait: float = 10.0) -> Execution:
        execution = self.get(arn)
        with self._lock:
            if execution.status == "RUNNING":
                execution.error, execution.cause = error, cause
        execution.cancel.set()
        execution.done.wait(wait)
        if execution.status == "RUNNING":  # stuck in a blocking call: abort it on paper
            last = execution.history.snapshot()[-1]["id"] if execution.history else 0
            if self._finish(execution, "ABORTED", error, cause):
                details = {k: v for k, v in (("error", error), ("cause", cause)) if v}
                execution.history.add("ExecutionAborted", last, details)
                execution.history.close()
        return execution

    def count(self) -> int:
        with self._lock:
            return len(self._executions)

    # -- persistence ---------------------------------------------------------------------------
    def export(self) -> list[dict]:
        with self._lock:
            executions = list(self._executions.values())
        out = []
        for e in executions:
            record = {
                k: getattr(e, k)
                for k in (
                    "arn",
                    "machine_arn",
                    "name",
                    "input",
                    "definition",
                    "role_arn",
                    "start_date",
                    "status",
                    "stop_date",
                    "output",
                    "error",
                    "cause",
                )
            }
            record["history"] = e.history.snapshot() if e.history else []
            out.append(record)
        return out

    def restore(self, records: list[dict]) -> None:
        """Executions from a previous run; those still running then cannot resume: ABORTED."""
        with self._lock:
            for record in records or []:
                record = dict(record)
                events = record.pop("history", [])
                execution = Execution(**record)
                execution.history = History(self.clock, events)
                if execution.status == "RUNNING":
                    execution.status, execution.stop_date = "ABORTED", self.clock.now()
                    execution.cause = "the local cloud stopped while the execution was running"
                    last = events[-1]["id"] if events else 0
                    execution.history.add("ExecutionAborted", last, {"cause": execution.cause})
                execution.history.close()
                execution.done.set()
                self._executions[execution.arn] = execution
