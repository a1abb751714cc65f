"""Per-line judgement of raw lines (plain Python, no Spark)."""

from __future__ import annotations

import json

import pytest

from datalake.events import record_hash
from datalake.transforms.records import (
    REASON_DATA,
    REASON_ENVELOPE,
    REASON_JSON,
    REASON_RAW_LINE,
    numeric_fields,
    parse_raw_record,
    raw_key_from_path,
)

KEY = "iot/year=2026/month=11/day=25/20261125T100001000000Z-req1.json"


def _row(lake, body, arrival=None, overrides=None):
    row = lake.raw_row(body, arrival or lake.utc(2026, 11, 25, 10, 0, 1), "ing-1")
    row["raw_key"] = raw_key_from_path(row.pop("raw_file"))
    row.update(overrides or {})
    return row


def test_valid_event_becomes_a_processed_record(lake):
    body = lake.event(timestamp="2026-11-25T09:59:00Z")
    record = parse_raw_record(_row(lake, body))
    assert record["reason"] is None and record["errors"] == []
    assert record["source"] == "iot" and record["event_id"] == "e-1"
    assert record["event_type"] == "reading"
    assert record["event_timestamp"] == lake.utc(2026, 11, 25, 9, 59)
    assert record["timestamp_inferred"] is False
    assert record["data"] == '{"device_id":"d-1","temperature":21.5}'
    assert record["record_hash"] == record_hash(body)
    assert record["quality_score"] == 1.0 and record["quality_issues"] == []
    assert (record["year"], record["month"], record["day"]) == ("2026", "11", "25")
    assert record["raw_key"] == KEY
    assert record["received_at"] == lake.utc(2026, 11, 25, 10, 0, 1)


def test_partition_comes_from_event_time_in_utc_not_arrival(lake):
    body = lake.event(timestamp="2026-11-30T23:30:00-02:00")  # 2026-12-01T01:30Z
    record = parse_raw_record(_row(lake, body, lake.utc(2026, 12, 3, 8, 0)))
    assert (record["year"], record["month"], record["day"]) == ("2026", "12", "01")
    assert record["event_timestamp"] == lake.utc(2026, 12, 1, 1, 30)


def test_missing_timestamp_uses_arrival_and_missing_event_id_uses_hash(lake):
    body = lake.event(event_id=None, timestamp=None)
    arrival = lake.utc(2026, 11, 26, 0, 0, 5)
    record = parse_raw_record(_row(lake, body, arrival))
    assert record["event_timestamp"] == arrival and record["timestamp_inferred"] is True
    assert record["event_id"] == record["record_hash"] == record_hash(body)
    assert "timestamp_missing" in record["quality_issues"]
    assert "event_id_missing" in record["quality_issues"]
    assert record["quality_score"] == pytest.approx(0.8)


def test_same_content_in_other_key_order_has_the_same_hash(lake):
    a = parse_raw_record(_row(lake, '{"source":"iot","event_type":"r","data":{"device_id":"x"}}'))
    b = parse_raw_record(
        _row(lake, '{ "data": {"device_id": "x"}, "event_type": "r", "source": "iot" }')
    )
    assert a["record_hash"] == b["record_hash"] == a["event_id"] == b["event_id"]


@pytest.mark.parametrize(
    ("body", "reason", "error_start"),
    [
        ('{"source": "iot", "event_type"', REASON_JSON, "body: json: "),
        (
            '{"source": "iot", "source": "web", "event_type": "x", "data": {}}',
            REASON_JSON,
            "body: json: duplicate key",
        ),
        (json.dumps({"event_type": "x", "data": {}}), REASON_ENVELOPE, "source: required: "),
        (
            json.dumps({"source": "../etc", "event_type": "x", "data": {}}),
            REASON_ENVELOPE,
            "source: pattern: ",
        ),
        (
            json.dumps({"source": "iot", "event_type": "x", "data": [1]}),
            REASON_ENVELOPE,
            "data: type: ",
        ),
        (
            json.dumps({"source": "iot", "event_type": "x", "timestamp": "yesterday", "data": {}}),
            REASON_ENVELOPE,
            "timestamp: format: ",
        ),
        (
            json.dumps({"source": "iot", "event_type": "x", "data": {"temperature": 1}}),
            REASON_DATA,
            "data.device_id: required: ",
        ),
        (
            json.dumps(
                {"source": "iot", "event_type": "x", "data": {"device_id": "d", "humidity": 140}}
            ),
            REASON_DATA,
            "data.humidity: maximum: ",
        ),
        ("[1, 2]", REASON_ENVELOPE, "event: type: "),
    ],
)
def test_invalid_events_get_a_reason_naming_field_and_rule(lake, body, reason, error_start):
    record = parse_raw_record(_row(lake, body))
    assert record["reason"] == reason
    assert record["errors"] and record["errors"][0].startswith(error_start), record["errors"]
    assert record["body"] == body  # kept byte for byte for the quarantine


@pytest.mark.parametrize(
    ("overrides", "error_start"),
    [
        ({"body": None}, "body: required: "),
        ({"ingest_id": float("nan")}, "ingest_id: required: "),  # pandas' null
        ({"received_at": "25/11/2026"}, "received_at: format: "),
        ({"received_at": None}, "received_at: required: "),
    ],
)
def test_broken_raw_lines_are_rejected(lake, overrides, error_start):
    record = parse_raw_record(_row(lake, lake.event(), overrides=overrides))
    assert record["reason"] == REASON_RAW_LINE
    assert any(e.startswith(error_start) for e in record["errors"]), record["errors"]


def test_invalid_event_keeps_what_attributes_it(lake):
    body = {
        "source": "web",
        "event_id": "w-9",
        "event_type": "view",
        "timestamp": "2026-11-24T08:00:00Z",
        "data": {"page": "/"},
    }  # no session_id
    record = parse_raw_record(_row(lake, body))
    assert record["reason"] == REASON_DATA
    assert (record["source"], record["event_id"]) == ("web", "w-9")
    assert record["event_timestamp"] == lake.utc(2026, 11, 24, 8)


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("s3://raw-bucket/" + KEY, KEY),
        ("s3a://raw-bucket/prefix/" + KEY, KEY),
        ("file:///tmp/lake/raw/" + KEY, KEY),
        ("s3://raw-bucket/stray/file.json", "stray/file.json"),
        ("file:///tmp/odd.json", "/tmp/odd.json"),
        (None, None),
    ],
)
def test_raw_key_from_path(path, key):
    assert raw_key_from_path(path) == key


def test_numeric_fields_flattens_objects_and_skips_non_numbers():
    data = '{"a":1,"b":2.5,"c":true,"d":"3","e":{"f":-4,"g":[1,2]},"h":null}'
    assert numeric_fields(data) == [("data.a", 1.0), ("data.b", 2.5), ("data.e.f", -4.0)]
    assert numeric_fields(None) == [] and numeric_fields("not json") == []
