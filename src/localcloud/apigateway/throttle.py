"""Usage plan limits: a token bucket for rate/burst, a quota per period (pure; clock injected)."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone


class TokenBucket:
    """`burst` tokens, refilled at `rate` per second; each request takes one."""

    def __init__(self, rate: float, burst: int, clock=time.monotonic) -> None:
        self.rate = float(rate)
        self.capacity = max(1.0, float(burst)) if rate > 0 else float(burst)
        self._tokens = self.capacity
        self._clock = clock
        self._updated = clock()
        self._lock = threading.Lock()

    def take(self) -> bool:
        """True if the request may pass (a token was taken), False if it is throttled."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.rate)
            self._updated = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return True
            return False


def quota_window(period: str, offset: int, now: datetime) -> datetime:
    """Start of the quota period containing `now` (UTC). DAY/WEEK/MONTH as API Gateway counts
    them; `offset` is days into the period (WEEK: 0 = Monday; MONTH: 0 = the 1st)."""
    now = now.astimezone(timezone.utc)
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "DAY":
        return day
    if period == "WEEK":
        start = day - timedelta(days=(day.weekday() - offset) % 7)
        return start
    if period == "MONTH":
        start = day.replace(day=1) + timedelta(days=offset)
        if start > day:  # before this month's offset: the window began last month
            previous = (day.replace(day=1) - timedelta(days=1)).replace(day=1)
            start = previous + timedelta(days=offset)
        return start
    raise ValueError(f"quota period must be DAY, WEEK or MONTH, got {period!r}")


class Quota:
    """At most `limit` requests per period window."""

    def __init__(self, limit: int, period: str, offset: int = 0, now=None) -> None:
        self.limit = int(limit)
        self.period = period
        self.offset = int(offset or 0)
        self._now = now or (lambda: datetime.now(timezone.utc))
        self._window: datetime | None = None
        self.used = 0
        self._lock = threading.Lock()

    def consume(self) -> bool:
        """True if one more request fits in the current window (and counts it)."""
        with self._lock:
            window = quota_window(self.period, self.offset, self._now())
            if window != self._window:
                self._window, self.used = window, 0
            if self.used >= self.limit:
                return False
            self.used += 1
            return True

    def remaining(self) -> int:
        return max(0, self.limit - self.used)

    def export(self) -> dict:
        """The usage so far, JSON-ready (usage survives a restart, as on AWS)."""
        with self._lock:
            return {"limit": self.limit, "period": self.period, "offset": self.offset,
                    "window": self._window.isoformat() if self._window else None,
                    "used": self.used}

    @classmethod
    def restore(cls, data: dict, now=None) -> Quota:
        quota = cls(data["limit"], data["period"], data.get("offset", 0), now=now)
        if data.get("window"):
            quota._window = datetime.fromisoformat(data["window"])
            quota.used = int(data.get("used", 0))
        return quota
