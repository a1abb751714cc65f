"""Asynchronous (`Event`) invocations: queued, retried, never silently lost.

As Lambda does: a function error or timeout is retried `MaximumRetryAttempts` times (2 by
default, after ~1 and ~2 minutes; the delays are injectable), a throttled event waits and is
retried; an event older than `MaximumEventAgeInSeconds` (6 h by default) is not run again.
An event Lambda gives up on goes to the function's on-failure destination (an invocation
record) and to its dead-letter queue/topic (the event), is logged at ERROR and appended to
`failed-events.jsonl` in the data directory. Settings and delivery: `destinations.py`.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from localcloud.lambda_.destinations import (
    EVENT_AGE_EXCEEDED,
    RETRIES_EXHAUSTED,
    AsyncSettings,
    Failure,
)
from localcloud.lambda_.errors import ResourceNotFound, TooManyRequests

_logger = logging.getLogger(__name__)

RETRY_DELAYS_S = (60.0, 120.0)  # Lambda's back-off before the first and second retry
THROTTLE_DELAY_S = 1.0


@dataclass
class AsyncEvent:
    """One queued Event invocation, with what its last attempt answered."""

    function: str
    payload: str
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    attempts: int = 0
    enqueued_at: float = field(default_factory=time.time)
    last_error: str = ""
    status_code: int = 0
    function_error: str | None = None
    response_payload: str | None = None
    executed_version: str = "$LATEST"
    condition: str = ""  # set when given up: RetriesExhausted or EventAgeExceeded

    def failure(self) -> Failure:
        return Failure(
            request_id=self.request_id,
            payload=self.payload,
            condition=self.condition or RETRIES_EXHAUSTED,
            attempts=self.attempts,
            status_code=self.status_code or 200,
            function_error=self.function_error,
            response_payload=self.response_payload,
            executed_version=self.executed_version,
        )


class AsyncInvoker:
    """A queue of AsyncEvents drained by a few threads that call `runtime.invoke`.

    `settings(function)` gives the function's AsyncSettings (retries, maximum age); `now()` is
    the clock events are aged on; `on_failure(event)` delivers an event given up on."""

    def __init__(self, runtime, failures_path: Path, *, threads: int = 4,
                 retry_delays: tuple[float, ...] = RETRY_DELAYS_S, sleep=time.sleep,
                 on_failure=None, settings: Callable[[str], AsyncSettings] | None = None,
                 now: Callable[[], float] = time.time) -> None:
        self.runtime = runtime
        self.retry_delays = retry_delays
        self.throttle_delay = THROTTLE_DELAY_S
        self.sleep = sleep
        self.now = now
        self.settings = settings or (lambda function: AsyncSettings())
        self.failures_path = failures_path
        self.on_failure = on_failure  # (AsyncEvent) -> None, e.g. send to the destination
        self._queue: queue.Queue[AsyncEvent | None] = queue.Queue()
        self._waiting: dict[str, AsyncEvent] = {}  # events sleeping before a retry
        self._active: dict[str, AsyncEvent] = {}
        self._lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._drain, name=f"lambda-async-{i}", daemon=True)
            for i in range(threads)
        ]
        self._stopping = threading.Event()
        for thread in self._threads:
            thread.start()

    def submit(self, function: str, payload: bytes, request_id: str | None = None) -> str:
        """Queue one invocation; returns its request id (what Invoke answers with 202)."""
        event = AsyncEvent(function, payload.decode("utf-8") if payload else "",
                           enqueued_at=self.now())
        if request_id:
            event.request_id = request_id
        self._queue.put(event)
        return event.request_id

    def pending(self) -> list[AsyncEvent]:
        """Events not yet finished: queued, waiting for a retry, or running."""
        with self._lock:
            items = list(self._waiting.values()) + list(self._active.values())
        return items + [e for e in list(self._queue.queue) if e is not None]

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Block until no event is queued, waiting or running (tests, shutdown)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.pending():
                return True
            time.sleep(0.02)
        return False

    def export(self) -> list[dict]:
        return [asdict(e) for e in self.pending()]

    def restore(self, items: list[dict]) -> None:
        for item in items or []:
            self._queue.put(AsyncEvent(**item))

    def stop(self) -> None:
        self._stopping.set()
        for _ in self._threads:
            self._queue.put(None)

    # -- internals -----------------------------------------------------------------------------
    def _drain(self) -> None:
        while True:
            event = self._queue.get()
            if event is None or self._stopping.is_set():
                if event is not None:
                    self._queue.put(event)  # keep it for export
                return
            with self._lock:
                self._active[event.request_id] = event
            try:
                self._attempt(event)
            except Exception:  # a bug of ours must not kill the drain thread or lose the event
                _logger.exception("async invocation of %s crashed", event.function)
                event.last_error = "internal error of the local runtime"
                self._give_up(event)
            finally:
                with self._lock:
                    self._active.pop(event.request_id, None)

    def _attempt(self, event: AsyncEvent) -> None:
        try:
            settings = self.settings(event.function)
        except Exception:  # the function is gone or moto is busy: Lambda's defaults
            _logger.debug("no async settings for %s", event.function, exc_info=True)
            settings = AsyncSettings()
        # Lambda checks the event's age before every attempt, retries included.
        if self.now() - event.enqueued_at > settings.maximum_event_age_s:
            event.condition = EVENT_AGE_EXCEEDED
            event.last_error = event.last_error or "maximum event age exceeded"
            self._give_up(event)
            return
        try:
            result = self.runtime.invoke(event.function, event.payload.encode(),
                                         request_id=event.request_id)
        except TooManyRequests:
            event.status_code = event.status_code or 429  # no attempt ran yet
            self._retry_later(event, self.throttle_delay)
            return
        except ResourceNotFound as error:
            event.last_error = error.message
            self._give_up(event)
            return
        event.attempts += 1
        event.status_code = 200
        event.executed_version = result.version
        event.function_error = result.function_error
        event.response_payload = result.payload.decode("utf-8", "replace")
        if not result.failed:
            return
        event.last_error = event.response_payload[:2000]
        retries = min(settings.maximum_retry_attempts, len(self.retry_delays))
        if event.attempts <= retries:
            _logger.warning("async invocation %s of %s failed (attempt %d), retrying: %s",
                            event.request_id, event.function, event.attempts, event.last_error)
            self._retry_later(event, self.retry_delays[event.attempts - 1])
        else:
            event.condition = RETRIES_EXHAUSTED
            self._give_up(event)

    def _retry_later(self, event: AsyncEvent, delay: float) -> None:
        with self._lock:
            self._waiting[event.request_id] = event

        def wake() -> None:
            self.sleep(delay)
            with self._lock:
                self._waiting.pop(event.request_id, None)
            self._queue.put(event)

        threading.Thread(target=wake, name="lambda-async-retry", daemon=True).start()

    def _give_up(self, event: AsyncEvent) -> None:
        _logger.error("async invocation %s of %s failed after %d attempts (%s); event kept in "
                      "%s: %s", event.request_id, event.function, event.attempts,
                      event.condition or "not run", self.failures_path, event.last_error)
        self.failures_path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, open(self.failures_path, "a") as out:
            out.write(json.dumps(asdict(event)) + "\n")
        if self.on_failure is not None:
            try:
                self.on_failure(event)
            except Exception:
                _logger.exception("failure delivery failed for %s", event.request_id)
