"""What every benchmark shares: its settings (sizes, repetitions), the result record each one
returns, and the synthetic data it sends."""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from typing import Any

from bench.stats import Summary, meets_goal


@dataclass
class Settings:
    """Sizes and repetitions; `quick()` is the smoke run of every benchmark."""

    runs: int = 3
    handler_requests: int = 2000
    api_single_requests: int = 200
    api_batches: int = 5
    job_events: int = 50_000  # 100 raw objects: per-event work, not fixed costs, dominates
    athena_events: int = 20_000
    athena_days: int = 7
    scale_sizes: tuple[int, ...] = (10_000, 100_000, 1_000_000)
    scale_runs: int = 2
    scale_budget_s: float = 900.0
    freshness_runs: int = 3

    @classmethod
    def quick(cls) -> Settings:
        return cls(runs=2, handler_requests=100, api_single_requests=10, api_batches=2,
                   job_events=500, athena_events=1000, athena_days=3,
                   scale_sizes=(200, 2000), scale_runs=1, scale_budget_s=300.0,
                   freshness_runs=1)

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class Result:
    """One row of the benchmarks table."""

    key: str
    title: str
    figure: str  # what the number is, e.g. "handler CPU / floor CPU per event"
    baseline: str
    summary: Summary | None
    unit: str = "×"
    goal: tuple[str, float] | None = None
    goal_text: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    limits: str = ""
    error: str = ""

    @property
    def met(self) -> bool | None:
        if self.goal is None or self.summary is None:
            return None
        return meets_goal(self.summary.median, *self.goal)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key, "title": self.title, "figure": self.figure,
            "baseline": self.baseline, "unit": self.unit,
            "summary": self.summary.as_dict() if self.summary else None,
            "goal": {"op": self.goal[0], "value": self.goal[1], "text": self.goal_text}
            if self.goal else None,
            "met": self.met, "details": self.details, "limits": self.limits, "error": self.error,
        }


def batched_events(count: int, seed: int = 7, days: int = 3, batch: int = 500):
    """Synthetic events re-grouped as a client sending batches of `batch` would have them: one
    request (and so one raw object per source) per `batch` events of a source."""
    import uuid

    from datalake.synthetic import generate_events

    events = generate_events(count, seed=seed, days=days)
    out, open_batches = [], {}
    for event in events:
        request_id, arrived, used = open_batches.get(event.source, ("", None, batch))
        if used >= batch:
            request_id, arrived, used = uuid.UUID(int=len(out) + 1).hex, event.received_at, 0
        open_batches[event.source] = (request_id, arrived, used + 1)
        # one request arrives at one time: the raw key (time + request id) groups its events
        out.append(dataclasses.replace(event, request_id=request_id, received_at=arrived))
    return out


class Stopwatch:
    """`with Stopwatch() as w: ...; w.seconds` (wall time, perf_counter)."""

    def __enter__(self) -> Stopwatch:
        self.start = time.perf_counter()
        self.seconds = 0.0
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self.start
