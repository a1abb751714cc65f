"""Canonical JSON and the record hash: the same content gives the same text and hash, whatever
the key order, whitespace, null-valued keys or 1 vs 1.0 of the serialisation that carried it."""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any

ENVELOPE_FIELDS = ("source", "event_type", "timestamp", "event_id", "data")


def _normalise(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _normalise(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_normalise(v) for v in value]
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return value


def canonical_json(value: Any) -> str:
    """`value` as canonical JSON: keys sorted, no whitespace, non-ASCII kept as UTF-8 text, keys
    whose value is null dropped and integral floats written as integers (1.0 -> 1), recursively.
    Nulls inside arrays are kept (dropping them would shift positions). NaN/Infinity raise
    ValueError: they are not JSON."""
    return json.dumps(
        _normalise(value),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )


def record_hash(event: dict) -> str:
    """sha256 hex of the canonical JSON of the event's envelope fields as sent (source,
    event_type, timestamp, event_id, data; absent or null fields are left out)."""
    envelope = {k: event[k] for k in ENVELOPE_FIELDS if k in event}
    return hashlib.sha256(canonical_json(envelope).encode("utf-8")).hexdigest()
