"""Concurrency accounting: reserved concurrency per function and the account-wide limit."""

from __future__ import annotations

import threading
from collections import defaultdict

from localcloud.lambda_.errors import TooManyRequests


class ConcurrencyLimiter:
    """Counts running invocations; `acquire` throttles beyond the limits as Lambda does.

    A function with reserved concurrency R runs at most R at once (R = 0 throttles every
    invocation). Functions without a reservation share the account limit minus all reservations.
    """

    def __init__(self, account_limit: int) -> None:
        self.account_limit = account_limit
        self._running: dict[str, int] = defaultdict(int)
        self._reserved: dict[str, int] = {}
        self._lock = threading.Lock()

    def acquire(self, name: str, reserved: int | None) -> None:
        with self._lock:
            if reserved is None:
                self._reserved.pop(name, None)
            else:
                self._reserved[name] = int(reserved)
            if reserved is not None:
                if self._running[name] >= int(reserved):
                    raise TooManyRequests(
                        "Rate Exceeded.", "ReservedFunctionConcurrentInvocationLimitExceeded"
                    )
            else:
                unreserved_limit = self.account_limit - sum(self._reserved.values())
                unreserved_running = sum(
                    n for fn, n in self._running.items() if fn not in self._reserved
                )
                if unreserved_running >= unreserved_limit:
                    raise TooManyRequests("Rate Exceeded.", "ConcurrentInvocationLimitExceeded")
            self._running[name] += 1

    def release(self, name: str) -> None:
        with self._lock:
            self._running[name] = max(0, self._running[name] - 1)

    def running(self, name: str) -> int:
        with self._lock:
            return self._running[name]
