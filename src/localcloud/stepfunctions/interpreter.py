"""The ASL interpreter: runs a state machine definition state by state, with Retry/Catch,
Parallel branches and Map iterations, recording AWS-typed history events as it goes."""

from __future__ import annotations

import copy
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from typing import Any

from localcloud.stepfunctions import paths
from localcloud.stepfunctions.choice import choose_next
from localcloud.stepfunctions.errors import ExecutionAborted, StatesError
from localcloud.stepfunctions.history import Branch, to_json
from localcloud.stepfunctions.retry import RetryPolicy, find_catcher

_MAX_MAP_CONCURRENCY = 8  # MaxConcurrency 0 means "unbounded" on AWS; bounded here


def iso(epoch: float) -> str:
    return (
        datetime.fromtimestamp(epoch, timezone.utc)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


class Interpreter:
    """Runs one execution. `tasks` performs Task states (see tasks.TaskRunner); `clock`
    provides now/sleep (scaled); `cancel` is set by StopExecution."""

    def __init__(
        self, tasks, clock, cancel: threading.Event | None = None, deadline: float | None = None
    ) -> None:
        self.tasks = tasks
        self.clock = clock
        self.cancel = cancel or threading.Event()
        self.deadline = deadline

    # -- machine / branch ----------------------------------------------------------------------
    def run_machine(self, machine: dict, data: Any, branch: Branch, context: dict) -> Any:
        """Run `machine` (StartAt + States) from its start to an end state; returns the output."""
        if machine.get("QueryLanguage", "JSONPath") != "JSONPath":
            raise StatesError(
                "States.Runtime",
                "only the JSONPath query language is supported locally (not JSONata)",
            )
        name = machine["StartAt"]
        while True:
            self._check_alive()
            state = machine["States"].get(name)
            if state is None:
                raise StatesError("States.Runtime", f"state {name!r} does not exist")
            state_context = copy.copy(context)
            state_context["State"] = {
                "Name": name,
                "EnteredTime": iso(self.clock.now()),
                "RetryCount": 0,
            }
            data, next_name = self.run_state(name, state, data, branch, state_context)
            if next_name is None:
                return data
            name = next_name

    def _check_alive(self) -> None:
        if self.cancel.is_set():
            raise ExecutionAborted()
        if self.deadline is not None and self.clock.now() >= self.deadline:
            raise StatesError("States.Timeout", "The execution timed out")

    def _sleep(self, seconds: float) -> None:
        if seconds > 0 and not self.clock.sleep(seconds, self.cancel):
            raise ExecutionAborted()
        self._check_alive()

    # -- states --------------------------------------------------------------------------------
    def run_state(self, name: str, state: dict, data: Any, branch: Branch, context: dict):
        kind = state.get("Type")
        runner = {
            "Pass": self._pass,
            "Task": self._task,
            "Choice": self._choice,
            "Wait": self._wait,
            "Succeed": self._succeed,
            "Fail": self._fail,
            "Parallel": self._parallel,
            "Map": self._map,
        }.get(kind)
        if runner is None:
            raise StatesError("States.Runtime", f"state {name!r} has unknown Type {kind!r}")
        branch.add(
            f"{kind}StateEntered",
            {"name": name, "input": to_json(data), "inputDetails": {"truncated": False}},
        )
        return runner(name, state, data, branch, context)

    def _exit(self, name: str, state: dict, output: Any, branch: Branch):
        branch.add(
            f"{state['Type']}StateExited",
            {"name": name, "output": to_json(output), "outputDetails": {"truncated": False}},
        )
        return output, None if state.get("End") else state.get("Next")

    def _pass(self, name, state, data, branch, context):
        effective = paths.process_input(state, data, context)
        result = state["Result"] if "Result" in state else effective
        return self._exit(name, state, paths.process_output(state, data, result, context), branch)

    def _choice(self, name, state, data, branch, context):
        effective = paths.process_input({"InputPath": state.get("InputPath", "$")}, data, context)
        next_name = choose_next(state, effective, context)
        output = paths.process_input(
            {"InputPath": state.get("OutputPath", "$")}, effective, context
        )
        branch.add(
            "ChoiceStateExited",
            {"name": name, "output": to_json(output), "outputDetails": {"truncated": False}},
        )
        return output, next_name

    def _wait(self, name, state, data, branch, context):
        effective = paths.process_input({"InputPath": state.get("InputPath", "$")}, data, context)
        self._sleep(self._wait_seconds(state, effective, context))
        output = paths.process_input(
            {"InputPath": state.get("OutputPath", "$")}, effective, context
        )
        return self._exit(name, state, output, branch)

    def _wait_seconds(self, state: dict, data: Any, context: dict) -> float:
        if "Seconds" in state:
            return float(state["Seconds"])
        if "SecondsPath" in state:
            value = paths.read_path(state["SecondsPath"], data, context)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
                raise StatesError("States.Runtime", f"SecondsPath gave {value!r}, not seconds")
            return float(value)
        stamp = state.get("Timestamp")
        if "TimestampPath" in state:
            stamp = paths.read_path(state["TimestampPath"], data, context)
        if stamp is None:
            raise StatesError(
                "States.Runtime",
                "a Wait state needs Seconds, SecondsPath, Timestamp or TimestampPath",
            )
        try:
            when = datetime.fromisoformat(str(stamp).replace("Z", "+00:00")).timestamp()
        except ValueError:
            raise StatesError("States.Runtime", f"not an ISO-8601 timestamp: {stamp!r}") from None
        return max(0.0, when - self.clock.now())

    def _succeed(self, name, state, data, branch, context):
        effective = paths.process_input({"InputPath": state.get("InputPath", "$")}, data, context)
        output = paths.process_input(
            {"InputPath": state.get("OutputPath", "$")}, effective, context
        )
        branch.add(
            "SucceedStateExited",
            {"name": name, "output": to_json(output), "outputDetails": {"truncated": False}},
        )
        return output, None

    def _fail(self, name, state, data, branch, context):
        error = state.get("Error")
        cause = state.get("Cause")
        if "ErrorPath" in state:
            error = _path_or_intrinsic(state["ErrorPath"], data, context)
        if "CausePath" in state:
            cause = _path_or_intrinsic(state["CausePath"], data, context)
        raise StatesError(error or "States.Fail", cause or "")

    # -- states with Retry/Catch ---------------------------------------------------------------
    def _with_retry(
        self, name: str, state: dict, data: Any, branch: Branch, context: dict, attempt
    ) -> tuple[Any, str | None]:
        policy = RetryPolicy(state.get("Retry", []))
        while True:
            try:
                output = attempt()
                return self._exit(name, state, output, branch)
            except StatesError as failure:
                delay = policy.next_delay(failure.error)
                if delay is not None:
                    context["State"]["RetryCount"] = context["State"].get("RetryCount", 0) + 1
                    self._sleep(delay)
                    continue
                catcher = find_catcher(state.get("Catch", []), failure.error)
                if catcher is None:
                    raise
                error_output = {"Error": failure.error, "Cause": failure.cause}
                output = paths.apply_result_path(catcher.get("ResultPath", "$"), data, error_output)
                branch.add(
                    f"{state['Type']}StateExited",
                    {
                        "name": name,
                        "output": to_json(output),
                        "outputDetails": {"truncated": False},
                    },
                )
                return output, catcher["Next"]

    def _task(self, name, state, data, branch, context):
        def attempt():
            effective = paths.process_input(state, data, context)
            result = self.tasks.run_task(state, effective, branch, self, context)
            return paths.process_output(state, data, result, context)

        return self._with_retry(name, state, data, branch, context, attempt)

    def _parallel(self, name, state, data, branch, context):
        def attempt():
            effective = paths.process_input(state, data, context)
            branch.add("ParallelStateStarted")
            forks = [(b, branch.fork()) for b in state.get("Branches", [])]
            try:
                results = self._run_concurrently(
                    [
                        lambda b=b, f=f: self.run_machine(b, copy.deepcopy(effective), f, context)
                        for b, f in forks
                    ],
                    len(forks),
                )
            except StatesError as error:
                branch.add("ParallelStateFailed", {"error": error.error, "cause": error.cause})
                raise
            branch.add("ParallelStateSucceeded")
            return paths.process_output(state, data, results, context)

        return self._with_retry(name, state, data, branch, context, attempt)

    def _map(self, name, state, data, branch, context):
        def attempt():
            effective = paths.process_input(
                {"InputPath": state.get("InputPath", "$")}, data, context
            )
            items = paths.read_path(state.get("ItemsPath", "$"), effective, context)
            if not isinstance(items, list):
                raise StatesError("States.Runtime", f"ItemsPath did not select an array: {items!r}")
            processor = state.get("ItemProcessor") or state.get("Iterator")
            selector = state.get("ItemSelector", state.get("Parameters"))
            branch.add("MapStateStarted", {"length": len(items)})
            jobs = []
            for index, item in enumerate(items):
                item_context = copy.copy(context)
                item_context["Map"] = {"Item": {"Index": index, "Value": item}}
                value = (
                    paths.apply_template(selector, effective, item_context)
                    if selector is not None
                    else item
                )
                jobs.append(
                    lambda i=index, v=value, c=item_context: self._iteration(
                        name, processor, i, v, branch.fork(), c
                    )
                )
            limit = state.get("MaxConcurrency", 0) or _MAX_MAP_CONCURRENCY
            try:
                results = self._run_concurrently(jobs, min(limit, _MAX_MAP_CONCURRENCY))
            except StatesError as error:
                branch.add("MapStateFailed")
                raise error
            branch.add("MapStateSucceeded")
            return paths.process_output(state, data, results, context)

        return self._with_retry(name, state, data, branch, context, attempt)

    def _iteration(self, name, processor, index, value, fork: Branch, context):
        fork.add("MapIterationStarted", {"name": name, "index": index})
        try:
            result = self.run_machine(processor, value, fork, context)
        except StatesError:
            fork.add("MapIterationFailed", {"name": name, "index": index})
            raise
        fork.add("MapIterationSucceeded", {"name": name, "index": index})
        return result

    def _run_concurrently(self, jobs: list, workers: int) -> list:
        if not jobs:
            return []
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            futures = [pool.submit(job) for job in jobs]
            results, first_error = [], None
            for future in futures:
                try:
                    results.append(future.result())
                except (StatesError, ExecutionAborted) as error:
                    first_error = first_error or error
                    results.append(None)
            if first_error is not None:
                raise first_error
            return results


def _path_or_intrinsic(expression: str, data: Any, context: dict) -> Any:
    from localcloud.stepfunctions.intrinsics import evaluate_intrinsic

    if expression.startswith("States."):
        return evaluate_intrinsic(expression, data, context)
    return paths.read_path(expression, data, context)
