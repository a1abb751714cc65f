"""A scaled clock: simulated time that runs `time_scale` times faster than the wall clock.

Schedules, Wait states, retry back-off and alarm windows read time from one `Clock` per local
cloud (`clock_for(cloud)`), so `datalake local up --time-scale 60` makes an hourly rule fire
every real minute. Tests inject a `ManualClock`, whose `sleep` advances time instantly.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

_clocks: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_clocks_lock = threading.Lock()


class Clock:
    """Simulated epoch seconds. At construction simulated and real time coincide; from then on
    simulated time advances `time_scale` seconds per real second (plus any `advance`)."""

    def __init__(
        self,
        time_scale: float = 1.0,
        real_time: Callable[[], float] = time.time,
        real_sleep: Callable[[float], Any] | None = None,
    ) -> None:
        if not time_scale or time_scale <= 0:
            raise ValueError(f"time_scale must be a positive number, got {time_scale!r}")
        self.time_scale = float(time_scale)
        self._real_time = real_time
        self._real_sleep = real_sleep
        self._origin = real_time()
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        """Simulated epoch seconds."""
        return self.from_real(self._real_time())

    def from_real(self, real_epoch: float) -> float:
        """The simulated time of a wall-clock instant (a datapoint stamped by a real process)."""
        return self._origin + (real_epoch - self._origin) * self.time_scale + self._offset

    def real_seconds(self, simulated_seconds: float) -> float:
        """How long `simulated_seconds` take on the wall clock."""
        return max(0.0, simulated_seconds) / self.time_scale

    def sleep(self, seconds: float, cancel: threading.Event | None = None) -> bool:
        """Sleep `seconds` of simulated time; returns False when `cancel` was set meanwhile."""
        real = self.real_seconds(seconds)
        if self._real_sleep is not None:
            self._real_sleep(real)
            return not (cancel and cancel.is_set())
        if cancel is None:
            time.sleep(real)
            return True
        return not cancel.wait(real)

    def advance(self, seconds: float) -> None:
        """Jump simulated time forward (demos and tests: 'pretend two hours passed')."""
        if seconds < 0:
            raise ValueError(f"seconds must be >= 0, got {seconds}")
        with self._lock:
            self._offset += seconds


class ManualClock(Clock):
    """A clock that only moves when told: `sleep` advances it at once. For unit tests."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        super().__init__(1.0)
        self._now = float(start)
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self._now

    def from_real(self, real_epoch: float) -> float:
        return real_epoch

    def sleep(self, seconds: float, cancel: threading.Event | None = None) -> bool:
        self.sleeps.append(seconds)
        self._now += max(0.0, seconds)
        return not (cancel and cancel.is_set())

    def advance(self, seconds: float) -> None:
        self._now += seconds


def clock_for(cloud: Any) -> Clock:
    """The one clock of `cloud` (created from `cloud.config.time_scale` on first use)."""
    with _clocks_lock:
        services = getattr(cloud, "services", None)
        if isinstance(services, dict):
            if "clock" not in services:
                services["clock"] = Clock(getattr(cloud.config, "time_scale", 1.0) or 1.0)
            return services["clock"]
        clock = _clocks.get(cloud)
        if clock is None:
            clock = _clocks[cloud] = Clock(getattr(cloud.config, "time_scale", 1.0) or 1.0)
        return clock
