"""Retry and Catch: which retrier or catcher handles an error, and how long to back off."""

from __future__ import annotations

import random

# Errors that States.ALL does not match (AWS: they are not retriable/catchable by a wildcard).
_NOT_MATCHED_BY_ALL = {"States.Runtime", "States.DataLimitExceeded"}


def error_matches(error_equals: list[str], error: str) -> bool:
    """AWS's matching: exact names, States.ALL, and States.TaskFailed (any error but Timeout)."""
    for name in error_equals:
        if name == error:
            return True
        if name == "States.ALL" and error not in _NOT_MATCHED_BY_ALL:
            return True
        if (
            name == "States.TaskFailed"
            and error != "States.Timeout"
            and error not in _NOT_MATCHED_BY_ALL
        ):
            return True
    return False


class RetryPolicy:
    """The Retry array of one state, counting attempts per retrier during one state run."""

    def __init__(self, retriers: list[dict], rng: random.Random | None = None) -> None:
        self.retriers = retriers or []
        self.attempts = [0] * len(self.retriers)
        self._rng = rng or random.Random()

    def next_delay(self, error: str) -> float | None:
        """Seconds to wait before the next attempt, or None when the error is not retried
        (no matching retrier, or its MaxAttempts are used up)."""
        for i, retrier in enumerate(self.retriers):
            if not error_matches(retrier.get("ErrorEquals", []), error):
                continue
            max_attempts = retrier.get("MaxAttempts", 3)
            if self.attempts[i] >= max_attempts:
                return None  # the first matching retrier decides, even when exhausted
            delay = backoff_delay(retrier, self.attempts[i], self._rng)
            self.attempts[i] += 1
            return delay
        return None


def backoff_delay(retrier: dict, attempt: int, rng: random.Random | None = None) -> float:
    """IntervalSeconds × BackoffRate^attempt, capped by MaxDelaySeconds; FULL jitter draws
    uniformly below that."""
    delay = retrier.get("IntervalSeconds", 1) * retrier.get("BackoffRate", 2.0) ** attempt
    if "MaxDelaySeconds" in retrier:
        delay = min(delay, retrier["MaxDelaySeconds"])
    if retrier.get("JitterStrategy") == "FULL":
        delay = (rng or random).uniform(0, delay)
    return float(delay)


def find_catcher(catchers: list[dict], error: str) -> dict | None:
    for catcher in catchers or []:
        if error_matches(catcher.get("ErrorEquals", []), error):
            return catcher
    return None
