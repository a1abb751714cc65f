"""The async queue with a fake runtime: retries, give-up record, throttle re-queue."""

import json

from localcloud.lambda_.async_invoke import AsyncInvoker
from localcloud.lambda_.errors import TooManyRequests
from localcloud.lambda_.runtime import InvokeResult


class FakeRuntime:
    def __init__(self, outcomes):
        self.outcomes = list(outcomes)
        self.calls = []

    def invoke(self, ref, payload, request_id=None):
        self.calls.append((ref, payload, request_id))
        outcome = self.outcomes.pop(0)
        if outcome == "throttle":
            raise TooManyRequests("Rate Exceeded.", "ConcurrentInvocationLimitExceeded")
        return InvokeResult(request_id, b'{"errorMessage": "boom"}' if outcome == "fail"
                            else b"null", "Unhandled" if outcome == "fail" else None)


def _invoker(runtime, tmp_path, sleeps):
    invoker = AsyncInvoker(runtime, tmp_path / "failed.jsonl", threads=1,
                           retry_delays=(60, 120), sleep=sleeps.append)
    invoker.throttle_delay = 1.0
    return invoker


def test_two_retries_then_recorded(tmp_path):
    sleeps = []
    runtime = FakeRuntime(["fail", "fail", "fail"])
    invoker = _invoker(runtime, tmp_path, sleeps)
    request_id = invoker.submit("fn", b'{"a": 1}')
    assert invoker.wait_idle(10)
    invoker.stop()
    assert len(runtime.calls) == 3
    assert {c[2] for c in runtime.calls} == {request_id}  # same request id on every attempt
    assert sleeps == [60, 120]
    failed = [json.loads(line) for line in (tmp_path / "failed.jsonl").read_text().splitlines()]
    assert failed[0]["payload"] == '{"a": 1}' and failed[0]["attempts"] == 3


def test_success_after_retry_and_throttle_not_counted(tmp_path):
    sleeps = []
    runtime = FakeRuntime(["throttle", "fail", "ok"])
    invoker = _invoker(runtime, tmp_path, sleeps)
    invoker.submit("fn", b"{}")
    assert invoker.wait_idle(10)
    invoker.stop()
    assert len(runtime.calls) == 3
    assert sleeps == [1.0, 60]
    assert not (tmp_path / "failed.jsonl").exists()


def test_pending_events_export_and_restore(tmp_path):
    invoker = AsyncInvoker(FakeRuntime([]), tmp_path / "f.jsonl", threads=1)
    invoker.stop()  # nothing drains: the event stays queued
    invoker.submit("fn", b'{"x": 1}')
    exported = invoker.export()
    assert [e["payload"] for e in exported] == ['{"x": 1}']
    runtime = FakeRuntime(["ok"])
    other = AsyncInvoker(runtime, tmp_path / "f.jsonl", threads=1)
    other.restore(exported)
    assert other.wait_idle(10)
    other.stop()
    assert runtime.calls[0][2] == exported[0]["request_id"]
