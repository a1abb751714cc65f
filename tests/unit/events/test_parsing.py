"""parse_body: byte-exact event slices, and every request-level rejection with status/field/rule."""

import json

import pytest

from datalake.events import EventError, parse_body
from datalake.events.limits import MAX_BATCH_EVENTS, MAX_NESTING_DEPTH, MAX_REQUEST_BYTES

EVENT = '{"source": "iot", "event_type": "reading", "data": {"device_id": "d1"}}'


def _error(body: bytes, content_type: str | None = "application/json") -> EventError:
    with pytest.raises(EventError) as info:
        parse_body(body, content_type)
    assert isinstance(info.value, ValueError)
    return info.value


def test_single_event_is_returned_verbatim_without_surrounding_whitespace():
    assert parse_body(f"  \n{EVENT}\r\n ".encode(), "application/json") == [EVENT]


def test_batch_elements_are_exact_slices_of_the_body():
    first = '{ "data":{"b":1.50, "a":"é"} ,"source":"web" ,"event_type":"x"}'
    second = '{"source":"iot","event_type":"r","data":{}}'
    body = f'{{ "events" :\n [ {first} ,\n\t{second} ] }}'.encode()
    texts = parse_body(body, "application/json")
    assert texts == [first, second]
    assert all(t.encode() in body for t in texts)


def test_batch_key_written_with_escapes_still_slices():
    body = b'{"\\u0065vents":[{"a":1},{"b":[1,2]}]}'
    assert parse_body(body, None) == ['{"a":1}', '{"b":[1,2]}']


def test_utf8_bom_is_skipped_and_text_kept():
    body = "\ufeff".encode() + '{"source":"web","data":{"t":"日本"}}'.encode()
    assert parse_body(body, "application/json") == ['{"source":"web","data":{"t":"日本"}}']


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "",
        "application/json",
        "Application/JSON",
        "application/json; charset=UTF-8",
        "application/vnd.api+json",
        'application/json;charset="utf-8"',
    ],
)
def test_json_content_types_are_accepted(content_type):
    assert parse_body(EVENT.encode(), content_type) == [EVENT]


@pytest.mark.parametrize(
    ("content_type", "rule"),
    [
        ("text/plain", "media_type"),
        ("application/x-www-form-urlencoded", "media_type"),
        ("multipart/form-data; boundary=x", "media_type"),
        ("application/xml", "media_type"),
        ("application/json; charset=latin-1", "charset"),
    ],
)
def test_other_content_types_are_415(content_type, rule):
    error = _error(EVENT.encode(), content_type)
    assert (error.status, error.field, error.rule) == (415, "Content-Type", rule)
    assert "Content-Type" in str(error) and rule in str(error)


def test_body_over_the_limit_is_413():
    body = b'{"source":"iot","data":{"s":"' + b"x" * MAX_REQUEST_BYTES + b'"}}'
    error = _error(body)
    assert (error.status, error.field, error.rule) == (413, "body", "max_bytes")
    assert str(MAX_REQUEST_BYTES) in str(error)


def test_body_at_the_limit_is_parsed():
    head, tail = b'{"source":"iot","data":{"s":"', b'"}}'
    body = head + b"x" * (MAX_REQUEST_BYTES - len(head) - len(tail)) + tail
    assert len(body) == MAX_REQUEST_BYTES
    assert len(parse_body(body, None)[0]) == MAX_REQUEST_BYTES


@pytest.mark.parametrize(
    ("body", "field", "rule"),
    [
        (b"", "body", "required"),
        (b" \n\t ", "body", "required"),
        (b"\xff\xfe{}", "body", "encoding"),
        (b'{"source": "iot",', "body", "invalid_json"),
        (b"{'source': 'iot'}", "body", "invalid_json"),
        (b'{"source": "iot"} {"source": "web"}', "body", "invalid_json"),
        (b'{"source": "iot", "source": "web"}', "body", "invalid_json"),
        (b'{"source": "iot", "data": {"v": NaN}}', "body", "invalid_json"),
        (b'{"source": "iot", "data": {"v": Infinity}}', "body", "invalid_json"),
        (b'{"source": "iot", "data": {"v": 1e999}}', "body", "invalid_json"),
        (b'{"data": {"v": "\\ud800"}}', "body", "encoding"),
        (b"[]", "body", "type"),
        (b'[{"source": "iot"}]', "body", "type"),
        (b'"text"', "body", "type"),
        (b"42", "body", "type"),
        (b"null", "body", "type"),
        (b'{"events": []}', "events", "min_items"),
        (b'{"events": {}}', "events", "type"),
        (b'{"events": null}', "events", "type"),
        (b'{"events": [{"source": "iot"}, 3]}', "events[1]", "type"),
        (b'{"events": [[]]}', "events[0]", "type"),
        (b'{"events": [{}], "source": "iot"}', "source", "unknown_field"),
    ],
)
def test_bad_bodies_are_400_naming_field_and_rule(body, field, rule):
    error = _error(body)
    assert (error.status, error.field, error.rule) == (400, field, rule)
    assert field in str(error) and rule in str(error)


def test_batch_of_500_is_accepted_and_501_refused():
    events = [{"source": "iot", "event_id": str(i)} for i in range(MAX_BATCH_EVENTS)]
    assert len(parse_body(json.dumps({"events": events}).encode(), None)) == MAX_BATCH_EVENTS
    events.append({"source": "iot"})
    error = _error(json.dumps({"events": events}).encode())
    assert (error.status, error.field, error.rule) == (400, "events", "max_items")
    assert "501" in str(error)


def _nested(levels: int) -> dict:
    """An event whose nesting depth is `levels` (the event object itself is level 1)."""
    value: dict = {}
    for _ in range(levels - 2):
        value = {"a": value}
    return {"source": "iot", "data": value}


def test_nesting_at_the_limit_is_accepted():
    body = json.dumps(_nested(MAX_NESTING_DEPTH)).encode()
    assert parse_body(body, None) == [body.decode()]
    batch = json.dumps({"events": [_nested(MAX_NESTING_DEPTH)]}).encode()
    assert len(parse_body(batch, None)) == 1


def test_nesting_past_the_limit_is_400():
    error = _error(json.dumps(_nested(MAX_NESTING_DEPTH + 1)).encode())
    assert (error.status, error.field, error.rule) == (400, "body", "max_depth")
    error = _error(json.dumps({"events": [{}, _nested(MAX_NESTING_DEPTH + 1)]}).encode())
    assert (error.status, error.field, error.rule) == (400, "events[1]", "max_depth")


def test_pathological_nesting_is_refused_before_parsing():
    error = _error(b'{"data":' + b"[" * 200_000 + b"]" * 200_000 + b"}")
    assert (error.status, error.rule) == (400, "max_depth")


def test_brackets_inside_strings_do_not_count_as_nesting():
    event = json.dumps({"source": "iot", "data": {"s": "[[[[{{{{" * 20 + '\\"]'}})
    assert parse_body(event.encode(), None) == [event]
