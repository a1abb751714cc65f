"""Bad input through the real deployed API (API Gateway -> ingestion Lambda on the local
cloud): every class gets its 4xx, a message naming the field and rule, and nothing reaches the
raw bucket. A property-based fuzz (hypothesis) posts arbitrary bodies: never a 5xx, never a
write for a rejected request."""

from __future__ import annotations

import json

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from datalake.events import limits

pytestmark = pytest.mark.slow

GOOD = {"source": "iot", "event_type": "reading", "timestamp": "2026-11-25T10:00:00Z",
        "event_id": "bad-input-ok", "data": {"device_id": "d-1"}}


def _event(**changes) -> dict:
    event = {**GOOD, **changes}
    return {k: v for k, v in event.items() if v is not _DROP}


_DROP = object()


def _nested(depth: int) -> dict:
    value: dict = {"leaf": 1}
    for _ in range(depth - 1):
        value = {"n": value}
    return value


def _versions(stack) -> int:
    """Object versions + delete markers in the raw bucket: any write changes it."""
    s3, total = stack.s3(), 0
    for page in s3.get_paginator("list_object_versions").paginate(
            Bucket=stack.outputs["RawBucket"]):
        total += len(page.get("Versions", [])) + len(page.get("DeleteMarkers", []))
    return total


def _post(stack, body: bytes, content_type: str | None = "application/json"):
    headers = {"x-api-key": stack.api_key}
    if content_type is not None:
        headers["Content-Type"] = content_type
    return requests.post(stack.ingest_url, data=body, headers=headers, timeout=60)


def _json(value) -> bytes:
    return json.dumps(value).encode()


# (name, body bytes, content type, status, field, rule)
CASES = [
    ("invalid JSON", b'{"source": "iot",', "application/json", 400, "body", "invalid_json"),
    ("duplicate key", b'{"source": "iot", "source": "web"}', "application/json", 400, "body",
     "invalid_json"),
    ("NaN", b'{"source": "iot", "data": {"x": NaN}}', "application/json", 400, "body",
     "invalid_json"),
    ("wrong content type", _json(GOOD), "text/plain", 415, "Content-Type", "media_type"),
    ("form content type", b"source=iot", "application/x-www-form-urlencoded", 415,
     "Content-Type", "media_type"),
    ("empty body", b"", "application/json", 400, "body", "required"),
    ("body over the limit", b'{"source": "iot", "data": {"x": "' + b"a" * limits.MAX_REQUEST_BYTES
     + b'"}}', "application/json", 413, "body", "max_bytes"),
    ("batch over 500", _json({"events": [_event(event_id=f"e{i}") for i in range(501)]}),
     "application/json", 400, "events", "max_items"),
    ("empty batch", _json({"events": []}), "application/json", 400, "events", "min_items"),
    ("body not an object", _json([GOOD]), "application/json", 400, "body", "type"),
    ("missing source", _json(_event(source=_DROP)), "application/json", 400, "source",
     "required"),
    ("source with /", _json(_event(source="iot/x")), "application/json", 400, "source",
     "pattern"),
    ("source with ..", _json(_event(source="..")), "application/json", 400, "source", "pattern"),
    ("source with space", _json(_event(source="io t")), "application/json", 400, "source",
     "pattern"),
    ("source with unicode", _json(_event(source="iöt")), "application/json", 400, "source",
     "pattern"),
    ("source upper case", _json(_event(source="IOT")), "application/json", 400, "source",
     "pattern"),
    ("source too long", _json(_event(source="a" * 64)), "application/json", 400, "source",
     "max_length"),
    ("data not an object", _json(_event(data=[1, 2])), "application/json", 400, "data", "type"),
    ("data a string", _json(_event(data="x")), "application/json", 400, "data", "type"),
    ("deep nesting", _json(_event(data=_nested(limits.MAX_NESTING_DEPTH + 1))),
     "application/json", 400, None, "max_depth"),
    ("huge string", _json(_event(data={"s": "x" * (limits.MAX_STRING_CHARS + 1)})),
     "application/json", 400, "data.s", "max_length"),
    ("huge key", _json(_event(data={"k" * (limits.MAX_KEY_CHARS + 1): 1})), "application/json",
     400, None, "max_key_length"),
    ("timestamp without offset", _json(_event(timestamp="2026-11-25T10:00:00")),
     "application/json", 400, "timestamp", "format"),
    ("timestamp date only", _json(_event(timestamp="2026-11-25")), "application/json", 400,
     "timestamp", "format"),
    ("timestamp garbage", _json(_event(timestamp="yesterday")), "application/json", 400,
     "timestamp", "format"),
    ("timestamp out of range", _json(_event(timestamp="1900-01-01T00:00:00Z")),
     "application/json", 400, "timestamp", "range"),
    ("timestamp epoch number", _json(_event(timestamp=1764064800)), "application/json", 400,
     "timestamp", "type"),
    ("source number", _json(_event(source=5)), "application/json", 400, "source", "type"),
    ("event_type number", _json(_event(event_type=5)), "application/json", 400, "event_type",
     "type"),
    ("event_type missing", _json(_event(event_type=_DROP)), "application/json", 400,
     "event_type", "required"),
    ("event_id number", _json(_event(event_id=5)), "application/json", 400, "event_id", "type"),
    ("event_id empty", _json(_event(event_id="")), "application/json", 400, "event_id",
     "min_length"),
    ("data null", _json(_event(data=None)), "application/json", 400, "data", "type"),
    ("unknown field", _json({**GOOD, "extra": 1}), "application/json", 400, "extra",
     "unknown_field"),
    ("batch item not an object", _json({"events": [5]}), "application/json", 400, "events[0]",
     "type"),
    ("batch with bad source", _json({"events": [_event(source="../x")]}), "application/json",
     400, "events[0].source", "pattern"),
    ("field next to events", _json({"events": [GOOD], "x": 1}), "application/json", 400, "x",
     "unknown_field"),
]


def _case_params():
    for case in CASES:
        yield pytest.param(*case, id=case[0])


@pytest.mark.parametrize("name,body,content_type,status,field,rule", list(_case_params()))
def test_bad_input_is_refused_with_its_reason_and_nothing_written(
        stack, name, body, content_type, status, field, rule):
    before = _versions(stack)
    reply = _post(stack, body, content_type)
    assert reply.status_code == status, (name, reply.status_code, reply.text[:500])
    payload = reply.json()
    assert payload.get("accepted", 0) == 0
    assert _versions(stack) == before, f"{name}: something was written to the raw bucket"
    # Every refusal is the Lambda's (API Gateway validates no body, decision 112): it names the
    # field and the rule, in the list and in the message.
    text = str(payload.get("message", "")).lower()
    rules = {(e.get("field"), e.get("rule")) for e in payload.get("errors", [])}
    assert any(r == rule and (field is None or f == field) for f, r in rules), payload
    assert f"(rule: {rule})" in text, text


def test_valid_event_is_written(stack):
    """The control: the same endpoint writes a valid event (so 'nothing written' above means
    something)."""
    before = _versions(stack)
    reply = _post(stack, _json(_event(event_id="bad-input-control")))
    assert reply.status_code == 200, reply.text
    assert reply.json()["accepted"] == 1
    assert _versions(stack) == before + 1


# --- property-based fuzz -------------------------------------------------------------------

FIELDS = ("source", "event_type", "timestamp", "event_id", "data", "events", "extra")
scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**63, 2**63),
                    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=80),
                    st.sampled_from(["iot", "web", "..", "a/b", "IOT", "", "2026-11-25T10:00:00Z",
                                     "2026-13-45T99:00:00Z", "reading"]))
json_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=20)
envelopes = st.fixed_dictionaries({}, optional={name: json_values for name in FIELDS})
bodies = st.one_of(
    envelopes.map(_json),
    st.lists(envelopes, max_size=4).map(lambda items: _json({"events": items})),
    json_values.map(_json),
    st.binary(max_size=200),
)
content_types = st.sampled_from(["application/json", "application/json; charset=utf-8",
                                 "text/plain", "application/cloudevents+json", None,
                                 "application/json; charset=latin-1"])


@settings(max_examples=int(__import__("os").environ.get("RELIABILITY_FUZZ_EXAMPLES", "120")),
          deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                HealthCheck.too_slow])
@given(body=bodies, content_type=content_types)
def test_fuzz_never_5xx_and_rejected_requests_write_nothing(stack, body, content_type):
    before = _versions(stack)
    reply = _post(stack, body, content_type)
    assert reply.status_code < 500, (body[:300], content_type, reply.status_code, reply.text)
    after = _versions(stack)
    if reply.status_code >= 400:
        assert after == before, (body[:300], reply.status_code, reply.text[:300])
        assert "message" in reply.json()
    else:
        assert reply.status_code == 200 and reply.json()["accepted"] >= 1
        assert after > before
