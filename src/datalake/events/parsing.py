"""Request body -> the original JSON text of each event (byte-exact slices), or an EventError.

Everything that makes a whole request unusable is decided here: content type, size, encoding,
JSON syntax, nesting depth, the batch shape. Per-event rules live in `envelope.py`.

A request is parsed once: `parse_request` returns each event's original text and its decoded
value. Well-formed bodies take a fast path that decodes each event once while finding its slice;
anything else (or anything the fast path cannot prove fine) goes through `_parse_exact`, which
decides every request-level error, so both paths give the same answer (decision 113).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from datalake.events.errors import EventError
from datalake.events.limits import MAX_BATCH_EVENTS, MAX_NESTING_DEPTH, MAX_REQUEST_BYTES

_WS = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_JSON_MEDIA = re.compile(r"^application/(?:[a-z0-9.+-]+\+)?json$")
_BATCH_HEAD = re.compile(r'[ \t\n\r]*\{[ \t\n\r]*"events"[ \t\n\r]*:[ \t\n\r]*\[[ \t\n\r]*')
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_BRACKET_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_GUARD_DEPTH = 2 * MAX_NESTING_DEPTH + 2
_ACCEPTED_TYPES: set[str] = set()  # Content-Type values already found acceptable
_ACCEPTED_TYPES_MAX = 64


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text[:40]} is out of range")
    return value


def _unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:  # name the first key that repeats
            if key in seen:
                raise ValueError(f"duplicate key {key!r} in an object")
            seen.add(key)
    return result


_DECODER = json.JSONDecoder(
    object_pairs_hook=_unique_object,
    parse_constant=_reject_constant,
    parse_float=_finite_float,
)


def decode_event(text: str) -> Any:
    """Parse JSON text with the contract's strict rules: no duplicate keys, no NaN/Infinity, no
    out-of-range numbers. Raises ValueError."""
    value, end = _DECODER.raw_decode(text, _WS.match(text, 0).end())
    if _WS.match(text, end).end() != len(text):
        raise ValueError(f"extra data after the JSON value at character {end}")
    return value


def check_content_type(content_type: str | None) -> None:
    """415 unless the media type is JSON (application/json or application/*+json) in UTF-8.
    A missing Content-Type is taken as application/json, as API Gateway does."""
    if content_type is None or content_type in _ACCEPTED_TYPES or not content_type.strip():
        return
    media, *params = [part.strip() for part in content_type.split(";")]
    if not _JSON_MEDIA.match(media.lower()):
        raise EventError(
            415,
            "Content-Type",
            "media_type",
            f"{media!r} is not supported; send application/json",
        )
    for param in params:
        name, _, value = param.partition("=")
        charset = value.strip().strip('"').lower()
        if name.strip().lower() == "charset" and charset not in ("utf-8", "utf8"):
            raise EventError(
                415, "Content-Type", "charset", f"charset {charset!r} is not supported; use utf-8"
            )
    if len(_ACCEPTED_TYPES) < _ACCEPTED_TYPES_MAX:
        _ACCEPTED_TYPES.add(content_type)


def _decode_text(body: bytes) -> str:
    if len(body) > MAX_REQUEST_BYTES:
        raise EventError(
            413,
            "body",
            "max_bytes",
            f"request body is {len(body)} bytes; the limit is {MAX_REQUEST_BYTES} bytes",
        )
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EventError(
            400, "body", "encoding", f"body is not valid UTF-8 (byte {exc.start})"
        ) from None
    text = text.removeprefix("\ufeff")
    if _WS.match(text).end() == len(text):
        raise EventError(400, "body", "required", "request body is empty")
    return text


def _bracket_count(text: str) -> int:
    """Opening brackets in `text`, strings included: a bound on the nesting depth of its value."""
    return text.count("{") + text.count("[")


def _max_depth_of_text(text: str) -> int:
    """Deepest bracket nesting of JSON text, ignoring brackets inside strings (fast: regex)."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub('""', text))
    return max(accumulate(map(_BRACKET_STEP.__getitem__, brackets), initial=0))


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def _check_depth(value: Any, field: str) -> None:
    if _depth(value) > MAX_NESTING_DEPTH:
        raise EventError(
            400,
            field,
            "max_depth",
            f"nesting is deeper than {MAX_NESTING_DEPTH} levels (the event object is level 1)",
        )


def _too_deep_to_parse(text: str) -> bool:
    """The guard run before the parser recurses: nesting deeper than twice the limit (+2)."""
    return _bracket_count(text) > _GUARD_DEPTH and _max_depth_of_text(text) > _GUARD_DEPTH


def _depth_within_limit(value: Any, text: str) -> bool:
    """Whether `value`, decoded from `text`, nests at most MAX_NESTING_DEPTH levels (the bracket
    count of the text bounds the depth, so most values are never walked)."""
    return _bracket_count(text) <= MAX_NESTING_DEPTH or _depth(value) <= MAX_NESTING_DEPTH


def _encodes_as_utf8(value: Any, text: str) -> bool:
    """False when `value` holds an unpaired surrogate, which only a \\uD800-\\uDFFF escape in
    `text` can produce (the text itself is valid UTF-8)."""
    if "\\u" not in text or not _SURROGATE_ESCAPE.search(text):
        return True
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _parse_text(text: str) -> Any:
    # Guard the parser itself against pathological nesting before it recurses (generous, so the
    # exact per-event check below can name the event that is too deep).
    if _too_deep_to_parse(text):
        raise EventError(
            400,
            "body",
            "max_depth",
            f"nesting is deeper than {MAX_NESTING_DEPTH} levels (the event object is level 1)",
        )
    try:
        value = decode_event(text)
    except (ValueError, RecursionError) as exc:
        raise EventError(400, "body", "invalid_json", f"body is not valid JSON: {exc}") from None
    if not _encodes_as_utf8(value, text):
        raise EventError(
            400, "body", "encoding", "body contains an unpaired surrogate escape (\\ud800-\\udfff)"
        ) from None
    return value


def _expect(text: str, pos: int, char: str) -> int:
    pos = _WS.match(text, pos).end()
    if text[pos : pos + 1] != char:  # unreachable after a successful parse; kept as a guard
        raise EventError(400, "body", "invalid_json", f"expected {char!r} at character {pos}")
    return pos + 1


def _batch_spans(text: str, count: int) -> list[str]:
    """Slices of the elements of `{"events": [...]}`, which is known to parse and to have the
    single key "events"."""
    pos = _expect(text, 0, "{")
    pos = _WS.match(text, pos).end()
    _, pos = _DECODER.raw_decode(text, pos)  # the key "events", possibly with escapes
    pos = _expect(text, pos, ":")
    pos = _expect(text, pos, "[")
    spans = []
    for index in range(count):
        if index:
            pos = _expect(text, pos, ",")
        start = _WS.match(text, pos).end()
        _, pos = _DECODER.raw_decode(text, start)
        spans.append(text[start:pos])
    return spans


def _check_batch(value: dict) -> list:
    extra = sorted(set(value) - {"events"})
    if extra:
        raise EventError(
            400,
            extra[0],
            "unknown_field",
            'a batch body has the single field "events"; unknown field found',
        )
    events = value["events"]
    if not isinstance(events, list):
        raise EventError(400, "events", "type", "events must be an array of event objects")
    if not events:
        raise EventError(400, "events", "min_items", "events must hold at least 1 event")
    if len(events) > MAX_BATCH_EVENTS:
        raise EventError(
            400,
            "events",
            "max_items",
            f"events holds {len(events)} events; the limit is {MAX_BATCH_EVENTS}",
        )
    for index, event in enumerate(events):
        if not isinstance(event, dict):
            raise EventError(
                400,
                f"events[{index}]",
                "type",
                f"each event must be a JSON object, got {type(event).__name__}",
            )
        _check_depth(event, f"events[{index}]")
    return events


@dataclass(frozen=True)
class ParsedBody:
    """The events of a request: their original texts, whether the body was a batch, and (from
    `parse_request`) each event's decoded value, so nothing is decoded twice."""

    texts: list[str]
    is_batch: bool
    values: list[dict] | None = None


def parse_body(body: bytes, content_type: str | None) -> list[str]:
    """The request body as the list of original event JSON texts (exact slices of the body).

    A body is one event object or a batch `{"events": [...]}` of 1..MAX_BATCH_EVENTS objects.
    Raises EventError (400/413/415) naming the field and rule for any request-level problem.
    """
    return parse_request(body, content_type).texts


def parse_request(body: bytes, content_type: str | None) -> ParsedBody:
    """`parse_body`, also telling whether the body was a batch (error paths then read
    `events[i].field`) and giving each event's decoded value."""
    check_content_type(content_type)
    text = _decode_text(body)
    try:
        fast = _parse_batch_fast(text) if _BATCH_HEAD.match(text) else _parse_single_fast(text)
    except (ValueError, StopIteration, RecursionError):
        fast = None  # not well-formed: the exact path names the problem
    return fast if fast is not None else _parse_exact(text)


def _parse_single_fast(text: str) -> ParsedBody | None:
    """A single event that breaks no request-level rule, else None."""
    start = _WS.match(text).end()
    if text[start : start + 1] != "{":
        return None
    brackets = _bracket_count(text)
    if brackets > _GUARD_DEPTH and _max_depth_of_text(text) > _GUARD_DEPTH:
        return None
    value, end = _DECODER.scan_once(text, start)
    if end != len(text.rstrip(" \t\r\n")) or "events" in value:
        return None  # extra data after the object, or a batch
    if brackets > MAX_NESTING_DEPTH and _depth(value) > MAX_NESTING_DEPTH:
        return None
    if not _encodes_as_utf8(value, text):
        return None
    return ParsedBody([text[start:end]], False, [value])


def _parse_batch_fast(text: str) -> ParsedBody | None:
    """A batch `{"events": [{...}, ...]}` of 1..MAX_BATCH_EVENTS objects within the depth limit,
    each decoded once while its slice is found; else None. Every element is checked here as the
    exact path would, so the text-level nesting guard cannot fire on what this accepts."""
    scan = _DECODER.scan_once
    ws = _WS.match
    pos = _BATCH_HEAD.match(text).end()
    texts: list[str] = []
    values: list[dict] = []
    while True:
        if text[pos : pos + 1] != "{" or len(texts) == MAX_BATCH_EVENTS:
            return None
        value, end = scan(text, pos)
        span = text[pos:end]
        if not _depth_within_limit(value, span):
            return None
        texts.append(span)
        values.append(value)
        pos = ws(text, end).end()
        separator = text[pos : pos + 1]
        pos = ws(text, pos + 1).end()
        if separator == "]":
            break
        if separator != ",":
            return None
    if text[pos : pos + 1] != "}" or ws(text, pos + 1).end() != len(text):
        return None
    if not _encodes_as_utf8(values, text):
        return None
    return ParsedBody(texts, True, values)


def _parse_exact(text: str) -> ParsedBody:
    """Every request-level rule, in the contract's order; raises the first EventError."""
    value = _parse_text(text)
    if not isinstance(value, dict):
        raise EventError(
            400,
            "body",
            "type",
            f'body must be a JSON object (an event or {{"events": [...]}}), '
            f"got {type(value).__name__}",
        )
    if "events" in value:
        events = _check_batch(value)
        return ParsedBody(_batch_spans(text, len(events)), True, events)
    _check_depth(value, "body")
    start = _WS.match(text, 0).end()
    end = len(text.rstrip(" \t\r\n"))
    return ParsedBody([text[start:end]], False, [value])
