"""The active fault settings and the seeded random draws that apply them."""

from __future__ import annotations

import random
import threading

KNOWN = {
    "seed": "random seed for reproducible draws",
    "s3_put_error_rate": "share of S3 PutObject calls answered with an error (0..1)",
    "s3_put_error_status": "500 (InternalError, default) or 503 (SlowDown)",
    "s3_put_latency_ms": "delay added to S3 PutObject calls",
    "s3_put_latency_rate": "share of PutObject calls delayed (default 1 when latency is set)",
    "lambda_kill_rate": "share of Lambda invocations whose worker is killed mid-invocation",
    "lambda_kill_after_ms": "how long into the invocation the worker is killed (default 50)",
}


class FaultSettings:
    """Thread-safe settings with one seeded random generator."""

    def __init__(self, settings: dict | None = None) -> None:
        self._lock = threading.Lock()
        self.replace(settings or {})

    def replace(self, settings: dict) -> None:
        """Validate and switch to `settings` (an empty dict turns every fault off)."""
        unknown = sorted(set(settings) - set(KNOWN))
        if unknown:
            raise ValueError(f"unknown fault setting(s) {unknown}; known: {sorted(KNOWN)}")
        for name, value in settings.items():
            if name.endswith("_rate") and not 0 <= float(value) <= 1:
                raise ValueError(f"{name} must be between 0 and 1, got {value!r}")
            if name.endswith("_ms") and float(value) < 0:
                raise ValueError(f"{name} must not be negative, got {value!r}")
        status = int(settings.get("s3_put_error_status", 500))
        if status not in (500, 503):
            raise ValueError(f"s3_put_error_status must be 500 or 503, got {status}")
        with self._lock:
            self._settings = dict(settings)
            self._rng = random.Random(settings.get("seed"))

    def as_dict(self) -> dict:
        with self._lock:
            return dict(self._settings)

    def get(self, name: str, default: float = 0.0) -> float:
        with self._lock:
            return float(self._settings.get(name, default))

    def chance(self, rate_name: str, default: float = 0.0) -> bool:
        """One draw: True with probability `settings[rate_name]`."""
        with self._lock:
            rate = float(self._settings.get(rate_name, default))
            return rate > 0 and self._rng.random() < rate
