"""The ingestion Lambda's logic without the I/O: read the API Gateway proxy event, decide per
event, build the raw objects (one per source) and the HTTP responses.

Batch semantics (docs/event-contract.md): request-level problems reject the whole request
(400/413/415). Otherwise each event is judged on its own: valid events are stored and
acknowledged, invalid ones are reported with their errors; the answer is 200 when at least one
event was accepted, 400 when none was. Nothing is acknowledged unless every object was written.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from datalake.events.envelope import validate_envelope
from datalake.events.errors import EventError, FieldError
from datalake.events.ids import take_ingest_ids
from datalake.events.layout import RequestLayout
from datalake.events.parsing import ParsedBody, decode_event

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Headers": "Content-Type,X-Api-Key,Authorization,X-Amz-Date,"
    "X-Amz-Security-Token",
    "Access-Control-Allow-Methods": "OPTIONS,POST,GET",
}
RAW_CONTENT_TYPE = "application/x-ndjson"
_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
_RESPONSE_JSON = json.JSONEncoder(ensure_ascii=False)  # = json.dumps(body, ensure_ascii=False)


@dataclass
class EventOutcome:
    """What happened to one event of the request."""

    index: int
    event_id: str | None
    source: str | None
    text: str
    errors: list[FieldError] = field(default_factory=list)
    ingest_id: str | None = None

    @property
    def accepted(self) -> bool:
        return not self.errors

    def to_result(self) -> dict:
        errors = self.errors
        result = {
            "index": self.index,
            "event_id": self.event_id,
            "status": "rejected" if errors else "accepted",
            "errors": [e.to_dict() for e in errors] if errors else [],
        }
        if self.ingest_id:
            result["ingest_id"] = self.ingest_id
        return result


@dataclass
class IngestPlan:
    """The events of one request judged, and the raw objects to write ({key: JSON Lines})."""

    request_id: str
    is_batch: bool
    outcomes: list[EventOutcome]
    objects: dict[str, bytes]

    @property
    def accepted(self) -> int:
        return sum(not o.errors for o in self.outcomes)

    @property
    def rejected(self) -> int:
        return len(self.outcomes) - self.accepted

    def counts_by_source(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for outcome in self.outcomes:
            if outcome.accepted:
                counts[outcome.source] = counts.get(outcome.source, 0) + 1
        return counts


def header(event: dict, name: str) -> str | None:
    """A request header of the proxy event, matched case-insensitively (HTTP header names are)."""
    wanted = name.lower()
    for key, value in (event.get("headers") or {}).items():
        if key.lower() == wanted:
            return value
    for key, values in (event.get("multiValueHeaders") or {}).items():
        if key.lower() == wanted and values:
            return values[0]
    return None


def read_request(event: dict) -> tuple[bytes, str | None]:
    """(body bytes, Content-Type) of an API Gateway REST proxy event; base64 bodies decoded."""
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        try:
            raw = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise EventError(400, "body", "encoding", "body is not valid base64") from None
    else:
        raw = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else bytes(body)
    return raw, header(event, "content-type")


def request_id_of(event: dict, context: object | None) -> str:
    """API Gateway's request id (what the client and the access log see), else the Lambda's,
    else a new uuid4 — always safe as an S3 key segment."""
    candidates = [
        (event.get("requestContext") or {}).get("requestId"),
        getattr(context, "aws_request_id", None),
    ]
    for candidate in candidates:
        if isinstance(candidate, str) and _SAFE_ID.match(candidate):
            return candidate
    return str(uuid.uuid4())


def _judge(index: int, text: str, event: dict) -> EventOutcome:
    event_id = event.get("event_id")
    source = event.get("source")
    return EventOutcome(
        index,
        event_id if isinstance(event_id, str) else None,
        source if isinstance(source, str) else None,
        text,
        validate_envelope(event),
    )


def plan_ingest(
    parsed: ParsedBody,
    request_id: str,
    received_at: datetime,
    new_id: Callable[[], str] | None = None,
) -> IngestPlan:
    """Judge every event and build one JSON Lines object per source of the accepted ones, in
    request order. Ingest ids are new uuid4s (`new_id` makes them one at a time instead; for
    tests). The events' decoded values come from `parse_request`; a ParsedBody without them
    (built by hand) has its texts decoded here."""
    texts = parsed.texts
    values = parsed.values
    if values is None:  # parse_request already proved each text parses into an object
        values = [decode_event(text) for text in texts]
    if len(values) != len(texts):
        raise ValueError(f"{len(texts)} event texts but {len(values)} decoded values")
    outcomes = [_judge(index, texts[index], event) for index, event in enumerate(values)]
    accepted = [outcome for outcome in outcomes if not outcome.errors]
    ids = take_ingest_ids(len(accepted)) if new_id is None else [new_id() for _ in accepted]
    layout = RequestLayout(request_id, received_at)
    lines: dict[str, list[str]] = {}  # source -> its records, in request order
    for outcome, ingest_id in zip(accepted, ids, strict=True):
        outcome.ingest_id = ingest_id
        rows = lines.get(outcome.source)
        if rows is None:
            rows = lines[outcome.source] = []
        rows.append(layout.line(outcome.text, ingest_id))
    objects = {}
    for source, rows in lines.items():
        rows.append("")  # every line ends in \n
        objects[layout.key(source)] = "\n".join(rows).encode("ascii")
    return IngestPlan(request_id, parsed.is_batch, outcomes, objects)


def http_response(status: int, body: dict, request_id: str | None = None) -> dict:
    """An API Gateway proxy response: JSON body, CORS headers."""
    headers = {"Content-Type": "application/json"}
    headers.update(CORS_HEADERS)
    if request_id:
        headers["X-Request-Id"] = request_id
    return {
        "statusCode": status,
        "headers": headers,
        "body": _RESPONSE_JSON.encode(body),
        "isBase64Encoded": False,
    }


def error_response(error: EventError, request_id: str) -> dict:
    """4xx for a request that cannot be taken at all: message, errors [{field, rule, message}]."""
    body = {
        "message": str(error),
        "errors": [error.to_field_error().to_dict()],
        "request_id": request_id,
    }
    return http_response(error.status, body, request_id)


def _prefixed(outcome: EventOutcome, is_batch: bool) -> list[dict]:
    prefix = f"events[{outcome.index}]." if is_batch else ""
    return [{**e.to_dict(), "field": prefix + e.field} for e in outcome.errors]


def results_response(plan: IngestPlan) -> dict:
    """200 with per-event results when at least one event was accepted (and stored); 400 with
    the same results, and every error with its full path, when none was."""
    accepted = plan.accepted
    body: dict = {
        "accepted": accepted,
        "rejected": len(plan.outcomes) - accepted,
        "results": [o.to_result() for o in plan.outcomes],
        "request_id": plan.request_id,
    }
    if accepted:
        return http_response(200, body, plan.request_id)
    errors = [e for o in plan.outcomes for e in _prefixed(o, plan.is_batch)]
    first = errors[0]
    body = {
        "message": f"no event accepted; first error: {first['field']}: {first['message']} "
        f"(rule: {first['rule']})",
        "errors": errors,
        **body,
    }
    return http_response(400, body, plan.request_id)


def failure_response(request_id: str) -> dict:
    """500: a raw object could not be written; nothing of this request is acknowledged."""
    body = {
        "message": "events could not be stored; nothing from this request is acknowledged. "
        "Retry the whole request: events with an event_id are deduplicated downstream.",
        "accepted": 0,
        "request_id": request_id,
    }
    return http_response(500, body, request_id)
