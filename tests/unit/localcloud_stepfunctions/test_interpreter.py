"""The interpreter with a ManualClock and fake task integrations: no sockets, no waiting."""

import json
import random
import threading

import pytest

from localcloud.clock import ManualClock
from localcloud.stepfunctions.errors import ExecutionAborted, StatesError
from localcloud.stepfunctions.executions import ExecutionStore
from localcloud.stepfunctions.history import Branch, History
from localcloud.stepfunctions.interpreter import Interpreter
from localcloud.stepfunctions.retry import RetryPolicy, backoff_delay, error_matches


class FakeTasks:
    """Task states answered from a script: resource -> list of results or exceptions."""

    def __init__(self, script):
        self.script = {k: list(v) for k, v in script.items()}
        self.calls = []

    def run_task(self, state, parameters, branch, interpreter, context):
        self.calls.append((state["Resource"], parameters))
        branch.add("TaskScheduled", {"resource": state["Resource"]})
        outcome = self.script[state["Resource"]].pop(0)
        if isinstance(outcome, Exception):
            branch.add("TaskFailed", {"error": outcome.error, "cause": outcome.cause})
            raise outcome
        branch.add("TaskSucceeded", {"output": json.dumps(outcome)})
        return outcome


def run(definition, data, tasks=None, clock=None):
    clock = clock or ManualClock()
    history = History(clock)
    interpreter = Interpreter(tasks or FakeTasks({}), clock)
    output = interpreter.run_machine(definition, data, Branch(history), {})
    return output, history.snapshot(), clock


def test_retry_backoff_sequence_and_cap():
    retrier = {
        "ErrorEquals": ["X"],
        "IntervalSeconds": 2,
        "BackoffRate": 3,
        "MaxAttempts": 4,
        "MaxDelaySeconds": 30,
    }
    assert [backoff_delay(retrier, n) for n in range(4)] == [2, 6, 18, 30]
    assert backoff_delay({}, 0) == 1 and backoff_delay({}, 2) == 4  # AWS defaults 1 s, rate 2
    jittered = backoff_delay({**retrier, "JitterStrategy": "FULL"}, 2, random.Random(1))
    assert 0 <= jittered <= 18


def test_error_matching_rules():
    assert error_matches(["States.ALL"], "Glue.EntityNotFoundException")
    assert not error_matches(["States.ALL"], "States.Runtime")
    assert error_matches(["States.TaskFailed"], "Lambda.Unknown")
    assert not error_matches(["States.TaskFailed"], "States.Timeout")
    assert error_matches(["States.Timeout"], "States.Timeout")


def test_retry_policy_counts_attempts_per_retrier():
    policy = RetryPolicy(
        [
            {"ErrorEquals": ["A"], "MaxAttempts": 2, "IntervalSeconds": 1},
            {"ErrorEquals": ["States.ALL"], "MaxAttempts": 1, "IntervalSeconds": 5},
        ]
    )
    assert [policy.next_delay("A"), policy.next_delay("A"), policy.next_delay("A")] == [1, 2, None]
    assert policy.next_delay("B") == 5 and policy.next_delay("B") is None


def test_task_retries_with_backoff_on_the_clock_then_succeeds():
    fail = StatesError("Glue.ConcurrentRunsExceededException", "busy")
    tasks = FakeTasks({"arn:t": [fail, fail, {"ok": 1}]})
    definition = {
        "StartAt": "T",
        "States": {
            "T": {
                "Type": "Task",
                "Resource": "arn:t",
                "End": True,
                "ResultPath": "$.r",
                "Retry": [
                    {
                        "ErrorEquals": ["Glue.ConcurrentRunsExceededException"],
                        "IntervalSeconds": 60,
                        "BackoffRate": 2.0,
                        "MaxAttempts": 3,
                    }
                ],
            }
        },
    }
    output, events, clock = run(definition, {"in": 1}, tasks)
    assert output == {"in": 1, "r": {"ok": 1}}
    assert clock.sleeps == [60, 120]
    assert [e["type"] for e in events].count("TaskFailed") == 2


def test_exhausted_retries_go_to_catch_with_error_output():
    fail = StatesError("States.TaskFailed", '{"ErrorMessage": "boom"}')
    tasks = FakeTasks({"arn:t": [fail, fail]})
    definition = {
        "StartAt": "T",
        "States": {
            "T": {
                "Type": "Task",
                "Resource": "arn:t",
                "Next": "Done",
                "Retry": [{"ErrorEquals": ["States.TaskFailed"], "MaxAttempts": 1}],
                "Catch": [
                    {"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Notify"}
                ],
            },
            "Notify": {"Type": "Pass", "End": True},
            "Done": {"Type": "Succeed"},
        },
    }
    output, events, _ = run(definition, {"x": 1}, tasks)
    assert output == {
        "x": 1,
        "error": {"Error": "States.TaskFailed", "Cause": '{"ErrorMessage": "boom"}'},
    }
    assert [e["type"] for e in events][-2:] == ["PassStateEntered", "PassStateExited"]


def test_uncaught_error_propagates_from_fail_state_with_paths():
    definition = {
        "StartAt": "F",
        "States": {
            "F": {"Type": "Fail", "ErrorPath": "$.e", "CausePath": "States.Format('bad {}', $.n)"}
        },
    }
    with pytest.raises(StatesError) as err:
        run(definition, {"e": "Custom", "n": 3})
    assert (err.value.error, err.value.cause) == ("Custom", "bad 3")


def test_wait_seconds_path_and_timestamp_use_the_clock():
    clock = ManualClock(start=1_700_000_000)
    definition = {
        "StartAt": "W1",
        "States": {
            "W1": {"Type": "Wait", "Seconds": 30, "Next": "W2"},
            "W2": {"Type": "Wait", "SecondsPath": "$.s", "Next": "W3"},
            "W3": {"Type": "Wait", "Timestamp": "2023-11-14T22:15:20Z", "End": True},
        },
    }
    output, events, _ = run(definition, {"s": 5}, clock=clock)
    assert clock.sleeps == [30, 5, 1_700_000_120 - 1_700_000_035]
    assert output == {"s": 5}
    assert "WaitStateEntered" in {e["type"] for e in events}


def test_parallel_and_map_collect_results_in_order():
    definition = {
        "StartAt": "P",
        "States": {
            "P": {
                "Type": "Parallel",
                "Next": "M",
                "ResultPath": "$.par",
                "Branches": [
                    {"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": "a", "End": True}}},
                    {"StartAt": "B", "States": {"B": {"Type": "Pass", "Result": "b", "End": True}}},
                ],
            },
            "M": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ResultPath": "$.map",
                "End": True,
                "ItemSelector": {"v.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index"},
                "ItemProcessor": {
                    "StartAt": "Double",
                    "States": {
                        "Double": {
                            "Type": "Pass",
                            "Parameters": {"d.$": "States.MathAdd($.v, $.v)", "i.$": "$.i"},
                            "End": True,
                        }
                    },
                },
            },
        },
    }
    output, events, _ = run(definition, {"items": [1, 2, 3]})
    assert output["par"] == ["a", "b"]
    assert output["map"] == [{"d": 2, "i": 0}, {"d": 4, "i": 1}, {"d": 6, "i": 2}]
    types = [e["type"] for e in events]
    assert types.count("MapIterationSucceeded") == 3 and "ParallelStateSucceeded" in types


def test_history_ids_and_previous_event_ids_chain():
    definition = {
        "StartAt": "A",
        "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Succeed"}},
    }
    _, events, _ = run(definition, {})
    assert [e["id"] for e in events] == [1, 2, 3, 4]
    assert [e["previousEventId"] for e in events] == [0, 1, 2, 3]
    assert events[0]["stateEnteredEventDetails"]["name"] == "A"
    assert events[-1]["type"] == "SucceedStateExited"


def test_cancel_aborts_during_wait():
    cancel = threading.Event()
    cancel.set()
    interpreter = Interpreter(FakeTasks({}), ManualClock(), cancel)
    with pytest.raises(ExecutionAborted):
        interpreter.run_machine(
            {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 5, "End": True}}},
            {},
            Branch(History(ManualClock())),
            {},
        )


def test_execution_store_records_status_output_and_execution_events():
    store = ExecutionStore(FakeTasks({}), ManualClock())
    definition = {
        "StartAt": "P",
        "States": {"P": {"Type": "Pass", "Result": {"r": 1}, "End": True}},
    }
    ended = []
    store.listeners.append(ended.append)
    machine = "arn:aws:states:us-east-1:123456789012:stateMachine:m"
    execution = store.start(machine, definition, "role", '{"a": 1}', "run-1")
    assert execution.done.wait(5)
    assert execution.arn == "arn:aws:states:us-east-1:123456789012:execution:m:run-1"
    assert execution.status == "SUCCEEDED" and json.loads(execution.output) == {"r": 1}
    types = [e["type"] for e in execution.history.snapshot()]
    assert types[0] == "ExecutionStarted" and types[-1] == "ExecutionSucceeded"
    assert ended == [execution]
    restored = ExecutionStore(FakeTasks({}), ManualClock())
    restored.restore(store.export())
    assert restored.get(execution.arn).describe()["output"] == execution.output


def test_execution_failure_is_recorded_with_error_and_cause():
    store = ExecutionStore(FakeTasks({}), ManualClock())
    definition = {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E", "Cause": "C"}}}
    execution = store.start(
        "arn:aws:states:us-east-1:123456789012:stateMachine:m", definition, "", "{}"
    )
    execution.done.wait(5)
    assert (execution.status, execution.error, execution.cause) == ("FAILED", "E", "C")
    assert execution.history.snapshot()[-1]["executionFailedEventDetails"] == {
        "error": "E",
        "cause": "C",
    }


def test_stop_during_a_blocking_task_aborts_on_paper_and_keeps_history_closed():
    release = threading.Event()

    class BlockingTasks:
        def run_task(self, state, parameters, branch, interpreter, context):
            release.wait(10)
            return {"late": True}

    store = ExecutionStore(BlockingTasks(), ManualClock())
    definition = {
        "StartAt": "T",
        "States": {"T": {"Type": "Task", "Resource": "arn:x", "End": True}},
    }
    execution = store.start(
        "arn:aws:states:us-east-1:123456789012:stateMachine:m", definition, "", "{}"
    )
    store.stop(execution.arn, "Manual", "stopped", wait=0.1)
    assert execution.status == "ABORTED" and execution.error == "Manual"
    release.set()
    assert execution.done.wait(5)
    events = execution.history.snapshot()
    assert events[-1]["type"] == "ExecutionAborted"
    assert "ExecutionSucceeded" not in [e["type"] for e in events]
    assert execution.output is None
