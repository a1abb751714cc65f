"""Execution history: AWS-typed events with ids and previousEventId, safe across threads."""

from __future__ import annotations

import json
import threading
from typing import Any

_STATE_DETAILS = {
    "StateEntered": "stateEnteredEventDetails",
    "StateExited": "stateExitedEventDetails",
}


def details_key(event_type: str) -> str:
    """The details field of an event type, e.g. TaskFailed → taskFailedEventDetails."""
    for suffix, key in _STATE_DETAILS.items():
        if event_type.endswith(suffix):
            return key
    return event_type[0].lower() + event_type[1:] + "EventDetails"


def to_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), default=str)


class History:
    """The ordered events of one execution."""

    def __init__(self, clock, events: list[dict] | None = None) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self.events: list[dict] = events or []
        self.closed = False

    def close(self) -> None:
        """No event after the execution's last one (a task that outlived a stop adds none)."""
        with self._lock:
            self.closed = True

    def add(self, event_type: str, previous_id: int, details: dict | None = None) -> int:
        with self._lock:
            if self.closed:
                return previous_id
            event = {
                "timestamp": self._clock.now(),
                "type": event_type,
                "id": len(self.events) + 1,
                "previousEventId": previous_id,
            }
            if details is not None:
                event[details_key(event_type)] = details
            self.events.append(event)
            return event["id"]

    def snapshot(self) -> list[dict]:
        with self._lock:
            return [dict(e) for e in self.events]


class Branch:
    """A thread of control inside an execution (the machine, a Parallel branch, a Map
    iteration): it remembers its last event, which becomes the next event's previousEventId."""

    def __init__(self, history: History, last_id: int = 0) -> None:
        self.history = history
        self.last_id = last_id

    def add(self, event_type: str, details: dict | None = None) -> int:
        self.last_id = self.history.add(event_type, self.last_id, details)
        return self.last_id

    def fork(self) -> Branch:
        return Branch(self.history, self.last_id)
