"""Per-source data schemas and the quality score."""

from datetime import datetime, timedelta, timezone

import pytest

from datalake.events import load_schema, quality_score, schema_name, validate_data
from datalake.events.quality import WEIGHTS

NOW = datetime(2026, 11, 25, 12, tzinfo=timezone.utc)


def _rules(source, data):
    return [(e.field, e.rule) for e in validate_data(source, data)]


def test_schema_files_are_loaded_once():
    assert load_schema("iot") is load_schema("iot")
    assert schema_name("iot") == "iot" and schema_name("billing") == "default"


@pytest.mark.parametrize(
    ("source", "data"),
    [
        (
            "iot",
            {
                "device_id": "sensor-01",
                "temperature": 21.5,
                "humidity": 40,
                "battery": 88,
                "location": {"lat": 52.5, "lon": 13.4},
                "status": "ok",
                "extra": "allowed",
            },
        ),
        ("web", {"session_id": "s1", "page": "/home", "duration_ms": 1200, "user_id": None}),
        ("web", {"session_id": "s1", "url": "https://example.com/a?b=1"}),
        ("mobile", {"app_version": "3.2.1", "os": "android", "screen": "home"}),
        ("billing", {"anything": [1, {"x": None}]}),
        ("billing", {}),
    ],
)
def test_valid_data(source, data):
    assert validate_data(source, data) == []


@pytest.mark.parametrize(
    ("source", "data", "expected"),
    [
        ("iot", {}, [("data.device_id", "required")]),
        ("iot", {"device_id": "d", "temperature": "hot"}, [("data.temperature", "type")]),
        ("iot", {"device_id": "d", "humidity": 120}, [("data.humidity", "maximum")]),
        ("iot", {"device_id": "d", "temperature": -300}, [("data.temperature", "minimum")]),
        (
            "iot",
            {"device_id": "d", "location": {"lat": 95, "lon": 0}},
            [("data.location.lat", "maximum")],
        ),
        ("iot", {"device_id": "d", "location": {"lat": 1}}, [("data.location.lon", "required")]),
        ("iot", {"device_id": "d e"}, [("data.device_id", "pattern")]),
        ("iot", {"device_id": "d", "status": "fine"}, [("data.status", "enum")]),
        ("web", {"page": "/"}, [("data.session_id", "required")]),
        ("web", {"session_id": "s"}, [("data", "any_of")]),
        ("web", {"session_id": "s", "url": "ftp://x"}, [("data.url", "pattern")]),
        (
            "web",
            {"session_id": "s", "page": "/", "duration_ms": 1.5},
            [("data.duration_ms", "type")],
        ),
        ("mobile", {}, [("data.app_version", "required"), ("data.os", "required")]),
        (
            "mobile",
            {"app_version": "x", "os": "symbian"},
            [("data.app_version", "pattern"), ("data.os", "enum")],
        ),
    ],
)
def test_invalid_data_names_the_path(source, data, expected):
    assert _rules(source, data) == expected


def test_messages_are_short_and_readable():
    (error,) = validate_data("web", {"session_id": "s"})
    assert error.message == "needs page or url"
    (error,) = validate_data("iot", {"device_id": "d", "humidity": 120})
    assert error.message == "120 is above the maximum 100"
    (error,) = validate_data("iot", {"device_id": "d", "firmware": "x" * 5000})
    assert len(error.message) < 100


def test_non_object_data():
    assert _rules("iot", [1]) == [("data", "type")]


GOOD = {
    "source": "iot",
    "event_type": "reading",
    "timestamp": "2026-11-25T11:59:00Z",
    "event_id": "e1",
    "data": {"device_id": "d1", "temperature": 20},
}


def test_weights_sum_to_one():
    assert sum(WEIGHTS.values()) == pytest.approx(1.0)


def test_perfect_event_scores_one():
    result = quality_score(GOOD, NOW)
    assert (result.score, result.issues) == (1.0, [])


@pytest.mark.parametrize(
    ("change", "score", "issues"),
    [
        ({"event_id": None}, 0.9, ["event_id_missing"]),
        ({"timestamp": None}, 0.9, ["timestamp_missing"]),
        ({"timestamp": "2026-11-25T12:06:00Z"}, 0.8, ["timestamp_in_future"]),
        ({"timestamp": "2026-11-25T12:04:00Z"}, 1.0, []),
        ({"timestamp": "2026-10-01T00:00:00Z"}, 1.0, []),  # old is not implausible
        ({"timestamp": "1999-12-31T23:59:59Z"}, 0.8, ["timestamp_too_old"]),
        ({"timestamp": "2000-01-01T00:00:00Z"}, 1.0, []),
        ({"timestamp": "garbage"}, 0.5, ["envelope:timestamp:format", "timestamp_invalid"]),
        ({"data": {"device_id": "d1", "temperature": 95.5}}, 1.0, []),
        (
            {"data": {"device_id": "d1", "temperature": 120}},
            0.85,
            ["out_of_range:data.temperature"],
        ),
        ({"data": {"temperature": 20}}, 0.75, ["schema:data.device_id:required"]),
        (
            {"data": {"device_id": "d1", "temperature": 2000}},
            0.6,
            ["schema:data.temperature:maximum", "out_of_range:data.temperature"],
        ),
        ({"data": [1]}, 0.3, ["envelope:data:type", "schema:data:type"]),
        ({"source": "../x"}, 0.7, ["envelope:source:pattern"]),
    ],
)
def test_quality_rules(change, score, issues):
    result = quality_score({**GOOD, **change}, NOW)
    assert result.score == pytest.approx(score)
    assert result.issues == issues
    assert 0.0 <= result.score <= 1.0


def test_worst_event_scores_zero():
    result = quality_score({"data": 1, "timestamp": "no"}, NOW)
    assert result.score == 0.0
    assert "envelope:source:required" in result.issues


def test_quality_defaults_to_now():
    soon = (datetime.now(timezone.utc) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert "timestamp_in_future" in quality_score({**GOOD, "timestamp": soon}).issues


def test_score_of_a_past_event_does_not_depend_on_when_it_arrives():
    # a replay or backfill of the same event scores the same, days or years after the event
    event = {**GOOD, "timestamp": "2026-11-20T08:00:00Z"}
    arrivals = ["2026-11-20T08:00:01Z", "2026-12-31T23:59:59Z", "2028-02-29T12:00:00Z"]
    results = [quality_score(event, datetime.fromisoformat(a)) for a in arrivals]
    assert results == [quality_score(event, NOW)] * len(arrivals)


def test_quality_of_non_object():
    assert quality_score("x", NOW).score == 0.0
