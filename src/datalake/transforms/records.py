"""One raw line -> one processed record or one quarantine record: the per-event logic the Spark
job runs on its workers (through `mapInPandas`), in plain Python so it is tested without a JVM
and shared with the Lambdas through `datalake.events`.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import datetime
from typing import Any

from datalake.events import (
    EventError,
    FieldError,
    canonical_json,
    decode_event,
    event_timestamp,
    parse_raw_key,
    parse_timestamp,
    partition_values,
    quality_score,
    record_hash,
    validate_data,
    validate_envelope,
)
from datalake.events.limits import SOURCE_PATTERN

_logger = logging.getLogger(__name__)
_SOURCE = re.compile(SOURCE_PATTERN)

# Quarantine reasons (the `reason` column), most basic first.
REASON_RAW_LINE = "invalid_raw_line"  # the raw line lacks body, ids or a valid received_at
REASON_JSON = "invalid_json"  # body is not JSON (or breaks the strict JSON rules)
REASON_ENVELOPE = "invalid_envelope"  # the envelope breaks a rule (docs/event-contract.md)
REASON_DATA = "invalid_data"  # `data` breaks its source's JSON Schema
REASON_DUPLICATE = "duplicate"  # (source, event_id) already kept, in this run or before
REASONS = (REASON_RAW_LINE, REASON_JSON, REASON_ENVELOPE, REASON_DATA, REASON_DUPLICATE)

# Keys of the dict `parse_raw_record` returns (the Spark PARSED_SCHEMA has the same order).
PARSED_FIELDS = (
    "ingest_id",
    "request_id",
    "received_at",
    "raw_key",
    "body",
    "source",
    "event_id",
    "event_type",
    "event_timestamp",
    "timestamp_inferred",
    "data",
    "record_hash",
    "quality_score",
    "quality_issues",
    "year",
    "month",
    "day",
    "reason",
    "errors",
)


def raw_key_from_path(path: str | None) -> str | None:
    """The raw zone key of a file path or URI (`s3://bucket/iot/year=.../x.json`,
    `file:///.../raw/iot/year=.../x.json`): its last five segments when they follow the raw
    layout, else the path without scheme and bucket (so odd files still carry a usable name)."""
    if not path:
        return None
    segments = path.split("/")
    tail = "/".join(segments[-5:])
    try:
        parse_raw_key(tail)
        return tail
    except ValueError:
        pass
    if "://" in path:
        scheme, rest = path.split("://", 1)
        return rest.split("/", 1)[1] if scheme in ("s3", "s3a", "s3n") and "/" in rest else rest
    return path


def parse_raw_record(row: dict[str, Any]) -> dict[str, Any]:
    """Judge one raw line (`ingest_id`, `request_id`, `received_at` text, `body` text, `raw_key`).

    Returns a dict with PARSED_FIELDS: for a valid event every processed column and `reason`
    None; for an invalid one `reason` (see REASONS) and `errors` ("field: rule: message"), with
    whatever could still be read (source, event_id, timestamps) kept for attribution.
    """
    record = dict.fromkeys(PARSED_FIELDS)
    record.update(
        ingest_id=_text(row.get("ingest_id")),
        request_id=_text(row.get("request_id")),
        raw_key=_text(row.get("raw_key")),
        body=_text(row.get("body")),
        errors=[],
        quality_issues=[],
    )
    problems = _raw_line_problems(row, record)
    if problems:
        return _reject(record, REASON_RAW_LINE, problems)
    try:
        event = decode_event(record["body"])
    except (ValueError, RecursionError) as exc:
        return _reject(record, REASON_JSON, [FieldError("body", "json", str(exc)[:300])])
    _keep_attribution(record, event)
    envelope_errors = validate_envelope(event)
    if envelope_errors:
        return _reject(record, REASON_ENVELOPE, envelope_errors)
    data_errors = validate_data(event["source"], event["data"])
    if data_errors:
        return _reject(record, REASON_DATA, data_errors)
    return _accept(record, event)


def format_error(error: FieldError) -> str:
    """`field: rule: message`, the form of the quarantine's `errors` items."""
    return f"{error.field}: {error.rule}: {error.message}"


def _text(value: Any) -> str | None:
    """A string cell, with pandas' NaN/None for null turned into None."""
    return value if isinstance(value, str) else None


def _raw_line_problems(row: dict[str, Any], record: dict[str, Any]) -> list[FieldError]:
    problems = []
    if record["body"] is None:
        problems.append(FieldError("body", "required", "the raw line has no body text"))
    if record["ingest_id"] is None:
        problems.append(FieldError("ingest_id", "required", "the raw line has no ingest_id"))
    received = _text(row.get("received_at"))
    if received is None:
        problems.append(FieldError("received_at", "required", "the raw line has no received_at"))
    else:
        try:
            record["received_at"] = parse_timestamp(received)
        except ValueError as exc:
            problems.append(FieldError("received_at", "format", str(exc)))
    return problems


def _keep_attribution(record: dict[str, Any], event: Any) -> None:
    """Fields that stay useful in the quarantine even when the event is invalid."""
    if not isinstance(event, dict):
        return
    source, event_id = event.get("source"), event.get("event_id")
    if isinstance(source, str) and _SOURCE.match(source):
        record["source"] = source
    if isinstance(event_id, str) and 0 < len(event_id) <= 128:
        record["event_id"] = event_id
    if isinstance(event.get("event_type"), str):
        record["event_type"] = event["event_type"][:128]
    try:
        record["event_timestamp"], record["timestamp_inferred"] = event_timestamp(
            event, record["received_at"]
        )
    except EventError:
        pass


def _reject(record: dict[str, Any], reason: str, errors: list[FieldError]) -> dict[str, Any]:
    record["reason"] = reason
    record["errors"] = [format_error(e) for e in errors]
    return record


def _accept(record: dict[str, Any], event: dict) -> dict[str, Any]:
    received_at: datetime = record["received_at"]
    timestamp, inferred = event_timestamp(event, received_at)
    digest = record_hash(event)
    # the event passed both checks just above: their (empty) results are not recomputed
    quality = quality_score(event, received_at, envelope_errors=[], schema_errors=[])
    record.update(
        source=event["source"],
        event_id=event.get("event_id") or digest,
        event_type=event["event_type"],
        event_timestamp=timestamp,
        timestamp_inferred=inferred,
        data=canonical_json(event["data"]),
        record_hash=digest,
        quality_score=float(quality.score),
        quality_issues=list(quality.issues),
        **partition_values(timestamp),
    )
    return record


def numeric_fields(data_json: str | None) -> list[tuple[str, float]]:
    """(`data.<path>`, value) for every number in an event's canonical `data` JSON, nested
    objects flattened with dots; booleans, strings and arrays are not numbers here."""
    if not data_json:
        return []
    try:
        data = json.loads(data_json)
    except ValueError:
        return []
    found: list[tuple[str, float]] = []
    _collect_numbers(data, "data", found)
    return found


def _collect_numbers(value: Any, path: str, found: list[tuple[str, float]]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _collect_numbers(item, f"{path}.{key}", found)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        found.append((path, float(value)))
