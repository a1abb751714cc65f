"""Polling until a resource reaches a state: crawlers, job runs, executions, counters."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def poll_until(fetch: Callable[[], T], done: Callable[[T], bool], timeout: float, what: str,
               interval: float = 0.5) -> T:
    """Call `fetch` every `interval` seconds until `done(value)`; TimeoutError naming `what`
    after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not finish within {timeout:.0f} s")
        time.sleep(interval)
