"""The validation Lambda's logic without the I/O: check every event of one raw object (envelope,
source schema, quality) and build the object's report and its SNS alert."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from datalake.events.data_schemas import validate_data
from datalake.events.envelope import validate_envelope
from datalake.events.errors import FieldError
from datalake.events.layout import parse_raw_key
from datalake.events.parsing import decode_event
from datalake.events.quality import quality_score
from datalake.events.timestamps import parse_timestamp

MAX_ALERT_ERRORS = 20
UNKNOWN_SOURCE = "unknown"


@dataclass
class LineResult:
    """One line of a raw object: its event id, errors and quality."""

    line: int
    event_id: str | None
    errors: list[FieldError]
    quality: float

    @property
    def valid(self) -> bool:
        return not self.errors


@dataclass
class ObjectReport:
    """Every line of one raw object checked."""

    bucket: str
    key: str
    source: str
    lines: list[LineResult] = field(default_factory=list)

    @property
    def valid(self) -> int:
        return sum(r.valid for r in self.lines)

    @property
    def invalid(self) -> int:
        return len(self.lines) - self.valid

    def first_errors(self, limit: int = MAX_ALERT_ERRORS) -> list[dict]:
        found = [
            {"line": r.line, "event_id": r.event_id, **e.to_dict()}
            for r in self.lines
            for e in r.errors
        ]
        return found[:limit]

    def summary(self) -> dict:
        scores = [r.quality for r in self.lines]
        return {
            "bucket": self.bucket,
            "key": self.key,
            "source": self.source,
            "events": len(self.lines),
            "valid": self.valid,
            "invalid": self.invalid,
            "quality_avg": round(sum(scores) / len(scores), 4) if scores else None,
        }


def _source_of(key: str) -> tuple[str, FieldError | None]:
    try:
        return parse_raw_key(key)["source"], None
    except ValueError as exc:
        return UNKNOWN_SOURCE, FieldError("key", "raw_layout", str(exc))


def _decode_line(raw: bytes) -> tuple[dict | None, datetime | None, list[FieldError]]:
    """(event, received_at, errors) of one raw line."""
    try:
        record = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        return None, None, [FieldError("line", "invalid_json", f"raw line is not JSON: {exc}")]
    body = record.get("body") if isinstance(record, dict) else None
    if not isinstance(body, str):
        return None, None, [FieldError("body", "raw_format", "raw line has no string `body`")]
    try:
        received_at = parse_timestamp(record.get("received_at"))
    except ValueError:
        received_at = None
    try:
        event = decode_event(body)
    except (ValueError, RecursionError) as exc:
        return None, received_at, [FieldError("body", "invalid_json", f"body is not JSON: {exc}")]
    if not isinstance(event, dict):
        return None, received_at, [FieldError("body", "type", "body is not a JSON object")]
    return event, received_at, []


def check_line(number: int, raw: bytes, key_source: str) -> LineResult:
    """Envelope + schema + quality of one raw line (`number` is 1-based)."""
    event, received_at, errors = _decode_line(raw)
    if event is None:
        return LineResult(number, None, errors, 0.0)
    envelope_errors = validate_envelope(event)
    errors = list(envelope_errors)
    source, data = event.get("source"), event.get("data")
    if isinstance(source, str) and key_source != UNKNOWN_SOURCE and source != key_source:
        errors.append(
            FieldError(
                "source",
                "partition_mismatch",
                f"event source {source[:63]!r} is stored under {key_source!r}",
            )
        )
    schema_errors = None
    if isinstance(data, dict):
        schema_errors = validate_data(key_source, data)
        errors.extend(schema_errors)
    # quality judges the event's own source: reuse the schema result only when it is the same
    same_source = isinstance(source, str) and source == key_source
    quality = quality_score(event, received_at, envelope_errors=envelope_errors,
                            schema_errors=schema_errors if same_source else None)
    event_id = event.get("event_id")
    return LineResult(
        number,
        event_id if isinstance(event_id, str) else None,
        errors,
        quality.score,
    )


def check_raw_object(bucket: str, key: str, content: bytes) -> ObjectReport:
    """Check every non-empty line (split on \\n only) of the raw object `key`."""
    source, key_error = _source_of(key)
    report = ObjectReport(bucket, key, source)
    for number, raw in enumerate(content.split(b"\n"), start=1):
        if not raw.strip():
            continue
        result = check_line(number, raw, source)
        if key_error:
            result.errors.insert(0, key_error)
        report.lines.append(result)
    return report


def alert_message(report: ObjectReport, stack: str) -> tuple[str, str]:
    """(subject, message) of the SNS alert for an object with invalid events. The subject fits
    SNS's 100-character ASCII limit; the message is JSON."""
    subject = f"[{stack}] {report.invalid} invalid event(s) in raw object ({report.source})"
    subject = subject.encode("ascii", "replace").decode("ascii")[:100]
    message = {
        "alert": "invalid_events",
        "stack": stack,
        **report.summary(),
        "errors": report.first_errors(),
    }
    return subject, json.dumps(message, ensure_ascii=False, indent=2)
