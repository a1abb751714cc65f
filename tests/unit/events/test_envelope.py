"""validate_envelope: each rule of the envelope, and the API Gateway request model."""

import pytest
from jsonschema import Draft4Validator

from datalake.events import envelope_json_schema, validate_envelope
from datalake.events.limits import MAX_NESTING_DEPTH, MAX_STRING_CHARS

VALID = {
    "source": "iot",
    "event_type": "reading",
    "timestamp": "2026-11-25T10:00:00Z",
    "event_id": "abc-1",
    "data": {"device_id": "d1"},
}


def _errors(**changes):
    event = {**VALID, **changes}
    for name in [k for k, v in changes.items() if v is _DROP]:
        del event[name]
    return [(e.field, e.rule) for e in validate_envelope(event)]


_DROP = object()


def test_valid_event_has_no_errors():
    assert validate_envelope(VALID) == []


def test_optional_fields_may_be_absent_or_null():
    assert _errors(timestamp=_DROP, event_id=_DROP) == []
    assert _errors(timestamp=None, event_id=None) == []


@pytest.mark.parametrize("name", ["source", "event_type", "data"])
def test_required_fields(name):
    assert _errors(**{name: _DROP}) == [(name, "required")]


@pytest.mark.parametrize(
    "source",
    [
        "../etc",
        "a/b",
        "..",
        "a b",
        "IoT",
        "iot.",
        "ïot",
        "日本",
        "a\x00",
        "a" * 64,
        "iot\n",
        "%2e%2e",
    ],
)
def test_source_outside_the_pattern_is_refused(source):
    errors = validate_envelope({**VALID, "source": source})
    assert [e.field for e in errors] == ["source"]
    assert errors[0].rule in ("pattern", "max_length")


@pytest.mark.parametrize("source", ["iot", "web_app", "mobile-2", "a", "a" * 63, "0"])
def test_source_inside_the_pattern_is_accepted(source):
    assert _errors(source=source) == []


def test_source_messages_say_why():
    (error,) = validate_envelope({**VALID, "source": "../x"})
    assert "S3 key" in error.message and "^[a-z0-9_-]{1,63}$" in error.message


@pytest.mark.parametrize(
    ("name", "value", "rule"),
    [
        ("source", 5, "type"),
        ("source", None, "type"),
        ("source", "", "min_length"),
        ("source", ["iot"], "type"),
        ("event_type", 1, "type"),
        ("event_type", "", "min_length"),
        ("event_type", "x" * 129, "max_length"),
        ("event_type", "a\tb", "pattern"),
        ("event_type", None, "type"),
        ("event_type", True, "type"),
        ("event_id", 123, "type"),
        ("event_id", "", "min_length"),
        ("event_id", "x" * 129, "max_length"),
        ("event_id", {"a": 1}, "type"),
        ("timestamp", 1732528800, "type"),
        ("timestamp", "yesterday", "format"),
        ("timestamp", "2026-11-25", "format"),
        ("timestamp", "2026-11-25T10:00:00", "format"),
        ("timestamp", "2026-02-30T10:00:00Z", "format"),
        ("timestamp", "2026-11-25T25:00:00Z", "format"),
        ("timestamp", "1900-01-01T00:00:00Z", "range"),
        ("timestamp", "2999-01-01T00:00:00Z", "range"),
        ("timestamp", "x" * 65, "max_length"),
        ("timestamp", "2026-11-25T10:00:00+24:00", "format"),
        ("data", [1, 2], "type"),
        ("data", "text", "type"),
        ("data", 3, "type"),
        ("data", None, "type"),
        ("data", True, "type"),
    ],
)
def test_wrong_values_in_every_field(name, value, rule):
    assert _errors(**{name: value}) == [(name, rule)]


def test_boundary_lengths_are_accepted():
    assert _errors(event_type="x" * 128, event_id="y" * 128) == []


def test_unknown_top_level_fields_are_refused():
    assert _errors(extra=1, metadata={}) == [
        ("extra", "unknown_field"),
        ("metadata", "unknown_field"),
    ]


def test_huge_strings_inside_data_are_refused_with_their_path():
    errors = _errors(data={"device_id": "d", "notes": ["ok", "x" * (MAX_STRING_CHARS + 1)]})
    assert errors == [("data.notes[1]", "max_length")]
    assert _errors(data={"s": "x" * MAX_STRING_CHARS}) == []


def test_huge_keys_are_refused():
    assert _errors(data={"k" * 300: 1})[0][1] == "max_key_length"


def test_depth_inside_data_is_limited():
    value: dict = {}
    for _ in range(MAX_NESTING_DEPTH - 2):
        value = {"a": value}
    assert _errors(data=value) == []
    assert _errors(data={"a": value})[0][1] == "max_depth"


def test_non_finite_numbers_built_in_python_are_refused():
    assert _errors(data={"t": float("nan")}) == [("data.t", "finite")]


def test_several_errors_are_all_reported():
    event = {"source": "A/B", "event_type": 7, "data": []}
    assert [(e.field, e.rule) for e in validate_envelope(event)] == [
        ("source", "pattern"),
        ("event_type", "type"),
        ("data", "type"),
    ]


def test_non_object_event():
    assert [(e.field, e.rule) for e in validate_envelope([1])] == [("event", "type")]


def test_request_model_is_draft4_and_checks_the_shape():
    schema = envelope_json_schema()
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    Draft4Validator.check_schema(schema)
    validator = Draft4Validator(schema)
    assert validator.is_valid(VALID)
    assert validator.is_valid({"events": [VALID, {"source": "bad/"}]})  # per-event rules: Lambda
    for bad in (
        [],
        "x",
        {"events": []},
        {"events": [1]},
        {"events": [{}] * 501},
        {"events": [{}], "more": 1},
        {"events": {}},
    ):
        assert not validator.is_valid(bad), bad
