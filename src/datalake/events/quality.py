"""The quality score of one event: weighted rules, each passed rule adds its weight (sum = 1).

| rule | weight | issue(s) when it fails |
|---|---|---|
| envelope valid (required fields, types, limits) | 0.30 | `envelope:<field>:<rule>` |
| timestamp present, parseable, <= 5 min after arrival, from 2000 on | 0.20 | `timestamp_*` (1) |
| event_id present (idempotent retries) | 0.10 | `event_id_missing` |
| data valid against its source's schema | 0.25 | `schema:<path>:<rule>` |
| numeric values inside their plausible range (schema `x-expected`) | 0.15 | `out_of_range:<path>` |

(1) `timestamp_missing`, `timestamp_invalid`, `timestamp_in_future`, `timestamp_too_old`.
A missing timestamp gets half the timestamp weight (arrival time is a fair stand-in). Rules that
cannot be judged (no `data` object) count as failed. The future bound is relative to the arrival
time; the lower bound is a fixed instant, so a replayed event scores the same whenever it is sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from datalake.events.data_schemas import expected_ranges, validate_data
from datalake.events.envelope import join_path, validate_envelope
from datalake.events.errors import FieldError
from datalake.events.limits import EARLIEST_PLAUSIBLE_TIMESTAMP, FUTURE_TOLERANCE
from datalake.events.timestamps import parse_timestamp, to_utc

WEIGHTS = {
    "envelope": 0.30,
    "timestamp": 0.20,
    "event_id": 0.10,
    "schema": 0.25,
    "ranges": 0.15,
}


@dataclass(frozen=True)
class QualityResult:
    score: float
    issues: list[str] = field(default_factory=list)


def _timestamp_credit(event: dict, received_at: datetime) -> tuple[float, list[str]]:
    value = event.get("timestamp")
    if value is None:
        return 0.5, ["timestamp_missing"]
    try:
        moment = parse_timestamp(value)
    except ValueError:
        return 0.0, ["timestamp_invalid"]
    if moment > received_at + FUTURE_TOLERANCE:
        return 0.0, ["timestamp_in_future"]
    if moment < EARLIEST_PLAUSIBLE_TIMESTAMP:
        return 0.0, ["timestamp_too_old"]
    return 1.0, []


def _range_issues(source: str, data: dict) -> list[str]:
    issues = []
    for path, (low, high) in expected_ranges(source).items():
        value: object = data
        for name in path:
            value = value.get(name) if isinstance(value, dict) else None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        if (low is not None and value < low) or (high is not None and value > high):
            label = "data"
            for name in path:
                label = join_path(label, name)
            issues.append(f"out_of_range:{label}")
    return issues


def quality_score(
    event: dict,
    received_at: datetime | None = None,
    *,
    envelope_errors: list[FieldError] | None = None,
    schema_errors: list[FieldError] | None = None,
) -> QualityResult:
    """Score in [0, 1] (rounded to 4 places) and the issues found, by the rules above.
    `received_at` defaults to now (UTC). A caller that already ran `validate_envelope(event)`
    or `validate_data(event["source"], event["data"])` passes their results instead of paying
    for them twice (JSON Schema validation is most of a processed event's CPU)."""
    arrival = to_utc(received_at) if received_at else datetime.now(timezone.utc)
    if not isinstance(event, dict):
        return QualityResult(0.0, ["envelope:event:type"])
    score = 0.0
    if envelope_errors is None:
        envelope_errors = validate_envelope(event)
    issues = [f"envelope:{e.field}:{e.rule}" for e in envelope_errors]
    if not issues:
        score += WEIGHTS["envelope"]

    credit, found = _timestamp_credit(event, arrival)
    score += WEIGHTS["timestamp"] * credit
    issues += found

    if event.get("event_id") is None:
        issues.append("event_id_missing")
    else:
        score += WEIGHTS["event_id"]

    data, source = event.get("data"), event.get("source")
    if isinstance(data, dict) and isinstance(source, str):
        if schema_errors is None:
            schema_errors = validate_data(source, data)
        issues += [f"schema:{e.field}:{e.rule}" for e in schema_errors]
        score += 0 if schema_errors else WEIGHTS["schema"]
        range_issues = _range_issues(source, data)
        issues += range_issues
        score += 0 if range_issues else WEIGHTS["ranges"]
    else:
        issues.append("schema:data:type")
    return QualityResult(round(min(max(score, 0.0), 1.0), 4), issues)
