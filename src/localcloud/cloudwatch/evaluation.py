"""Alarm evaluation (pure): the state a metric alarm should be in, given its datapoints.

Periods are rolling windows ending now (the newest includes data received a moment ago), so a
freshness alarm clears as soon as events arrive. TreatMissingData decides what empty periods
mean: missing (ignored; all empty → INSUFFICIENT_DATA), breaching, notBreaching, ignore (all
empty → keep the current state)."""

from __future__ import annotations

import json
import operator
from dataclasses import dataclass
from datetime import datetime, timezone

from localcloud.cloudwatch.metrics import Sample, statistic

_COMPARE = {
    "GreaterThanOrEqualToThreshold": (operator.ge, "greater than or equal to"),
    "GreaterThanThreshold": (operator.gt, "greater than"),
    "LessThanThreshold": (operator.lt, "less than"),
    "LessThanOrEqualToThreshold": (operator.le, "less than or equal to"),
}


@dataclass
class Verdict:
    state: str
    reason: str
    reason_data: str


def period_values(
    samples: list[Sample], now: float, period: int, periods: int, stat: str
) -> list[tuple[float, float | None]]:
    """(period start, value or None) for the `periods` most recent windows, oldest first."""
    out = []
    for i in range(periods, 0, -1):
        start, end = now - i * period, now - (i - 1) * period
        inside = [s for s in samples if start <= s.time < end or (i == 1 and s.time == end)]
        out.append((start, statistic(inside, stat)))
    return out


def evaluate(
    alarm: dict, values: list[tuple[float, float | None]], current: str, now: float
) -> Verdict:
    """The verdict for `alarm` (DescribeAlarms shape) over `values` from period_values()."""
    op_name = alarm["ComparisonOperator"]
    if op_name not in _COMPARE:
        raise ValueError(f"unsupported ComparisonOperator {op_name}")
    compare, words = _COMPARE[op_name]
    threshold = float(alarm["Threshold"])
    periods = len(values)
    needed = int(alarm.get("DatapointsToAlarm") or periods)
    treat = alarm.get("TreatMissingData") or "missing"
    present = [(t, v) for t, v in values if v is not None]
    missing = periods - len(present)
    data = _reason_data(alarm, values, now, threshold)
    if not present and treat in ("missing", "ignore"):
        if treat == "ignore":
            return Verdict(current, "", data)
        return Verdict(
            "INSUFFICIENT_DATA",
            f"Insufficient Data: {periods} datapoint{'s' if periods > 1 else ''} were unknown.",
            data,
        )
    breaching = sum(1 for _, v in present if compare(v, threshold))
    if treat == "breaching":
        breaching += missing
    state = "ALARM" if breaching >= needed else "OK"
    if not present:
        label = "Breaching" if treat == "breaching" else "NotBreaching"
        reason = (
            f"Threshold Crossed: no datapoints were received for {periods} period"
            f"{'s' if periods > 1 else ''} and {missing} missing datapoint"
            f"{'s were' if missing > 1 else ' was'} treated as [{label}]."
        )
        return Verdict(state, reason, data)
    shown = ", ".join(f"{v} ({_stamp(t)})" for t, v in reversed(present))
    counted = (
        breaching
        if state == "ALARM"
        else len(present) - sum(1 for _, v in present if compare(v, threshold))
    )
    verb = "were" if state == "ALARM" else "were not"
    reason = (
        f"Threshold Crossed: {counted} out of the last {len(present)} datapoints "
        f"[{shown}] {verb} {words} the threshold ({threshold}) (minimum {needed} "
        f"datapoint{'s' if needed > 1 else ''} for "
        f"{'OK -> ALARM' if state == 'ALARM' else 'ALARM -> OK'} transition)."
    )
    return Verdict(state, reason, data)


def _stamp(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%d/%m/%y %H:%M:%S")


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def _reason_data(alarm: dict, values, now: float, threshold: float) -> str:
    return json.dumps(
        {
            "version": "1.0",
            "queryDate": _iso(now),
            "startDate": _iso(values[0][0]) if values else _iso(now),
            "statistic": alarm.get("Statistic"),
            "period": alarm.get("Period"),
            "recentDatapoints": [v for _, v in values if v is not None],
            "threshold": threshold,
            "evaluatedDatapoints": [
                {"timestamp": _iso(t), **({"value": v} if v is not None else {})}
                for t, v in reversed(values)
            ],
        }
    )
