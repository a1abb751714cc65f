"""The event envelope: its per-event rules (`validate_envelope`) and the request model for API
Gateway (`envelope_json_schema`)."""

from __future__ import annotations

import math
import re
from typing import Any

from datalake.events.canonical import ENVELOPE_FIELDS
from datalake.events.errors import FieldError
from datalake.events.limits import (
    MAX_BATCH_EVENTS,
    MAX_EVENT_ID_CHARS,
    MAX_EVENT_TYPE_CHARS,
    MAX_KEY_CHARS,
    MAX_NESTING_DEPTH,
    MAX_SOURCE_CHARS,
    MAX_STRING_CHARS,
    MAX_TIMESTAMP_CHARS,
    SOURCE_PATTERN,
)
from datalake.events.timestamps import parse_timestamp

REQUIRED_FIELDS = ("source", "event_type", "data")
_ENVELOPE_FIELD_SET = frozenset(ENVELOPE_FIELDS)
_SOURCE = re.compile(SOURCE_PATTERN)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

_JSON_TYPES = {
    dict: "object",
    list: "array",
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    type(None): "null",
}


def type_name(value: Any) -> str:
    """The JSON name of a Python value's type ("object", "array", "null", ...)."""
    return _JSON_TYPES.get(type(value), type(value).__name__)


def join_path(parent: str, key: str | int) -> str:
    """`data` + `temp` -> `data.temp`; + 0 -> `data[0]`; odd keys -> `data["a b"]`."""
    if isinstance(key, int):
        return f"{parent}[{key}]"
    if _IDENTIFIER.match(key):
        return f"{parent}.{key}" if parent else key
    escaped = key.replace("\\", "\\\\").replace('"', '\\"')
    return f'{parent}["{escaped}"]'


def _check_string(event: dict, name: str, max_chars: int) -> list[FieldError]:
    value = event[name]
    if not isinstance(value, str):
        return [FieldError(name, "type", f"{name} must be a string, got {type_name(value)}")]
    if not value:
        return [FieldError(name, "min_length", f"{name} must not be empty")]
    if len(value) > max_chars:
        return [
            FieldError(
                name, "max_length", f"{name} is {len(value)} characters; the limit is {max_chars}"
            )
        ]
    if _CONTROL.search(value):
        return [FieldError(name, "pattern", f"{name} must not contain control characters")]
    return []


def _check_source(event: dict) -> list[FieldError]:
    source = event["source"]
    if type(source) is str and source in _VALID_SOURCES:
        return []
    errors = _check_string(event, "source", MAX_SOURCE_CHARS)
    if not errors and not _SOURCE.match(source):
        errors.append(
            FieldError(
                "source",
                "pattern",
                f"source {source[:80]!r} must match {SOURCE_PATTERN}: lowercase letters, "
                "digits, '_' and '-' (it becomes an S3 key segment)",
            )
        )
    if not errors:
        _remember(_VALID_SOURCES, source)
    return errors


def _check_event_type(event: dict) -> list[FieldError]:
    event_type = event["event_type"]
    if type(event_type) is str and event_type in _VALID_EVENT_TYPES:
        return []
    errors = _check_string(event, "event_type", MAX_EVENT_TYPE_CHARS)
    if not errors:
        _remember(_VALID_EVENT_TYPES, event_type)
    return errors


# Sources and event types are few and repeat in every request: the ones found valid are kept
# (up to _VALID_VALUES_MAX each) so they are not checked again. The rules are pure functions of
# the string, so this changes no answer.
_VALID_SOURCES: set[str] = set()
_VALID_EVENT_TYPES: set[str] = set()
_VALID_VALUES_MAX = 1024


def _remember(valid: set[str], value: str) -> None:
    if type(value) is str and len(valid) < _VALID_VALUES_MAX:
        valid.add(value)


def _check_timestamp(event: dict) -> list[FieldError]:
    if event["timestamp"] is None:
        return []
    errors = _check_string(event, "timestamp", MAX_TIMESTAMP_CHARS)
    if errors:
        return errors
    try:
        parse_timestamp(event["timestamp"])
    except ValueError as exc:
        rule = "range" if "outside" in str(exc) else "format"
        return [FieldError("timestamp", rule, str(exc))]
    return []


def _check_event_id(event: dict) -> list[FieldError]:
    if event["event_id"] is None:
        return []
    return _check_string(event, "event_id", MAX_EVENT_ID_CHARS)


def _walk_value(value: Any, path: str, depth: int, errors: list[FieldError]) -> None:
    """Size, depth and number rules inside `data` (depth counts the event object as 1), in one
    walk: a call per container, plain scalars checked in the loop, and a child's path is only
    joined when it is a container or breaks a rule."""
    if depth > MAX_NESTING_DEPTH:
        errors.append(
            FieldError(path, "max_depth", f"nesting is deeper than {MAX_NESTING_DEPTH} levels")
        )
        return
    if isinstance(value, dict):
        keyed, pairs = True, value.items()
    elif isinstance(value, list):
        keyed, pairs = False, enumerate(value)
    else:
        _check_leaf(value, path, errors)
        return
    child_depth = depth + 1
    too_deep = child_depth > MAX_NESTING_DEPTH  # every child is reported by the step above
    for key, item in pairs:
        if keyed and len(key) > MAX_KEY_CHARS:
            errors.append(
                FieldError(
                    join_path(path, key[:40] + "..."),
                    "max_key_length",
                    f"object key is {len(key)} characters; the limit is {MAX_KEY_CHARS}",
                )
            )
            continue
        kind = type(item)
        if too_deep or (kind is not str and kind not in _PLAIN_SCALARS):
            _walk_value(item, join_path(path, key), child_depth, errors)
        elif kind is str:
            if len(item) > MAX_STRING_CHARS:
                _check_leaf(item, join_path(path, key), errors)
        elif kind is float and not math.isfinite(item):
            _check_leaf(item, join_path(path, key), errors)


_PLAIN_SCALARS = frozenset({int, float, bool, type(None)})  # str is tested first


def _check_leaf(value: Any, path: str, errors: list[FieldError]) -> None:
    """The rules of a value that is neither an object nor an array."""
    if isinstance(value, str) and len(value) > MAX_STRING_CHARS:
        errors.append(
            FieldError(
                path,
                "max_length",
                f"string is {len(value)} characters; the limit is {MAX_STRING_CHARS}",
            )
        )
    elif isinstance(value, float) and not math.isfinite(value):
        errors.append(FieldError(path, "finite", "numbers must be finite (no NaN or Infinity)"))


def _check_data(event: dict) -> list[FieldError]:
    data = event["data"]
    if not isinstance(data, dict):
        return [FieldError("data", "type", f"data must be an object, got {type_name(data)}")]
    errors: list[FieldError] = []
    _walk_value(data, "data", 2, errors)
    return errors


_CHECKS = (
    ("source", _check_source),
    ("event_type", _check_event_type),
    ("timestamp", _check_timestamp),
    ("event_id", _check_event_id),
    ("data", _check_data),
)


def validate_envelope(event: dict) -> list[FieldError]:
    """Every broken envelope rule of one event (empty list = valid). See docs/event-contract.md:
    required `source`, `event_type`, `data`; optional `timestamp`, `event_id` (null = absent);
    unknown top-level fields are refused (rule "unknown_field") so nothing is silently dropped."""
    if not isinstance(event, dict):
        return [FieldError("event", "type", f"an event must be an object, got {type_name(event)}")]
    if event.keys() <= _ENVELOPE_FIELD_SET:
        errors: list[FieldError] = []
    else:
        errors = [
            FieldError(
                name,
                "unknown_field",
                f"unknown field {name[:80]!r}; an event has only {', '.join(ENVELOPE_FIELDS)}",
            )
            for name in event
            if name not in ENVELOPE_FIELDS
        ]
    for name, check in _CHECKS:
        if name in event:
            found = check(event)
            if found:
                errors.extend(found)
        elif name in REQUIRED_FIELDS:
            errors.append(FieldError(name, "required", f"{name} is required"))
    return errors


def envelope_json_schema() -> dict:
    """JSON Schema draft-04 of the request body for an API Gateway request model.

    It checks the request's shape only (an event object, or `{"events": [...]}` with
    1..MAX_BATCH_EVENTS objects), the same checks as `parse_body`. Per-event rules stay in the
    Lambda on purpose: API Gateway would refuse a whole batch for one bad event, with a message
    that names no field, and the contract accepts the valid events of a batch.
    """
    return {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "title": "IngestRequest",
        "description": 'One event object, or a batch {"events": [...]} of 1..500 event objects.',
        "oneOf": [
            {
                "title": "Event",
                "type": "object",
                "not": {"required": ["events"]},
            },
            {
                "title": "Batch",
                "type": "object",
                "required": ["events"],
                "additionalProperties": False,
                "properties": {
                    "events": {
                        "type": "array",
                        "minItems": 1,
                        "maxItems": MAX_BATCH_EVENTS,
                        "items": {"type": "object"},
                    }
                },
            },
        ],
    }
