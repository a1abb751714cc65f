"""The metric datapoints alarms are evaluated on, kept by observing PutMetricData.

Own store rather than moto's: its timestamps are on the scaled clock, so a two-hour alarm
window passes in two real minutes at `--time-scale 60` (moto keeps wall-clock times)."""

from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

_KEEP_SECONDS = 15 * 86400  # CloudWatch keeps 1-minute data 15 days


@dataclass(frozen=True)
class Sample:
    """Aggregate of the values of one PutMetricData datum."""

    time: float
    count: float
    total: float
    minimum: float
    maximum: float


def metric_key(namespace: str, name: str, dimensions: list[dict] | dict | None) -> tuple:
    """Identity of a metric: namespace, name and the exact set of dimensions."""
    if isinstance(dimensions, dict):
        pairs = dimensions.items()
    else:
        pairs = ((d["Name"], d["Value"]) for d in (dimensions or []))
    return (namespace, name, tuple(sorted(pairs)))


def samples_from_datum(datum: dict, when: float) -> Sample:
    """One Sample from Value, Values/Counts or StatisticValues of a MetricDatum."""
    if datum.get("StatisticValues"):
        s = datum["StatisticValues"]
        return Sample(
            when, float(s["SampleCount"]), float(s["Sum"]), float(s["Minimum"]), float(s["Maximum"])
        )
    if datum.get("Values"):
        values = [float(v) for v in datum["Values"]]
        counts = [float(c) for c in datum.get("Counts") or [1] * len(values)]
        return Sample(
            when,
            sum(counts),
            sum(v * c for v, c in zip(values, counts, strict=False)),
            min(values),
            max(values),
        )
    if "Value" not in datum:
        raise ValueError("a MetricDatum needs Value, Values or StatisticValues")
    value = float(datum["Value"])
    return Sample(when, 1.0, value, value, value)


def statistic(samples: list[Sample], name: str) -> float | None:
    """SampleCount, Sum, Average, Minimum or Maximum of `samples` (None when empty)."""
    if not samples:
        return None
    count = sum(s.count for s in samples)
    total = sum(s.total for s in samples)
    values = {
        "SampleCount": count,
        "Sum": total,
        "Average": total / count if count else None,
        "Minimum": min(s.minimum for s in samples),
        "Maximum": max(s.maximum for s in samples),
    }
    if name not in values:
        raise ValueError(f"unsupported statistic {name!r} (extended statistics are not kept)")
    value = values[name]
    return None if value is None else float(value)


class MetricStore:
    """Samples per metric, sorted by simulated time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._series: dict[tuple, list[Sample]] = {}

    def add(self, namespace: str, datum: dict, when: float) -> None:
        key = metric_key(namespace, datum["MetricName"], datum.get("Dimensions"))
        sample = samples_from_datum(datum, when)
        with self._lock:
            series = self._series.setdefault(key, [])
            bisect.insort(series, sample, key=lambda s: s.time)
            cutoff = when - _KEEP_SECONDS
            while series and series[0].time < cutoff:
                series.pop(0)

    def window(self, key: tuple, start: float, end: float) -> list[Sample]:
        """Samples with start <= time < end."""
        with self._lock:
            series = list(self._series.get(key, []))
        return [s for s in series if start <= s.time < end]

    def export(self) -> list[dict[str, Any]]:
        with self._lock:
            return [
                {"key": [k[0], k[1], [list(p) for p in k[2]]], "samples": [s.__dict__ for s in v]}
                for k, v in self._series.items()
            ]

    def restore(self, data: list[dict]) -> None:
        with self._lock:
            for item in data or []:
                ns, name, pairs = item["key"]
                key = (ns, name, tuple(tuple(p) for p in pairs))
                self._series[key] = sorted(
                    (Sample(**s) for s in item["samples"]), key=lambda s: s.time
                )


def to_epoch(value: Any) -> float | None:
    """A request timestamp (epoch number, datetime, or ISO text) as epoch seconds."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(value)
    except ValueError:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()
