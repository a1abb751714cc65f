"""In-process subscribers to Glue job state changes (for the EventBridge / Step Functions
plugins, which should not need HTTP to learn that a run finished)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

_logger = logging.getLogger(__name__)

# listener(cloud, event): `event` is the EventBridge event of the change, e.g.
# {"source": "aws.glue", "detail-type": "Glue Job State Change", "region": ..., "account": ...,
#  "time": ..., "detail": {"jobName", "state", "jobRunId", "message", "severity"}}.
JobStateListener = Callable[[Any, dict], None]

_listeners: list[JobStateListener] = []
_lock = threading.Lock()


def add_job_state_listener(listener: JobStateListener) -> None:
    """Call `listener(cloud, event)` on every job run state change (STARTING, RUNNING,
    STOPPING and the final SUCCEEDED / FAILED / TIMEOUT / STOPPED), in the runner's thread."""
    with _lock:
        if listener not in _listeners:
            _listeners.append(listener)


def remove_job_state_listener(listener: JobStateListener) -> None:
    with _lock:
        if listener in _listeners:
            _listeners.remove(listener)


def notify_job_state(cloud: Any, event: dict) -> None:
    """Deliver `event` to every listener; a failing listener is logged, never raised."""
    with _lock:
        listeners = list(_listeners)
    for listener in listeners:
        try:
            listener(cloud, event)
        except Exception:
            _logger.exception("glue job state listener %r failed", listener)
