"""Event time, partition values, raw keys and raw lines."""

import json
from datetime import datetime, timedelta, timezone

import pytest

from datalake.events import (
    EventError,
    event_timestamp,
    parse_raw_key,
    parse_timestamp,
    partition_values,
    raw_key,
    raw_line,
)

UTC = timezone.utc
ARRIVAL = datetime(2026, 1, 5, 1, 2, 3, 4567, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-25T10:00:00Z", datetime(2026, 11, 25, 10, tzinfo=UTC)),
        ("2026-11-25T10:00:00z".upper(), datetime(2026, 11, 25, 10, tzinfo=UTC)),
        ("2026-11-25T10:00Z", datetime(2026, 11, 25, 10, tzinfo=UTC)),
        (
            "2026-11-25T10:00:00.123456789+00:00",
            datetime(2026, 11, 25, 10, 0, 0, 123456, tzinfo=UTC),
        ),
        ("2026-11-25T10:00:00,5Z", datetime(2026, 11, 25, 10, 0, 0, 500000, tzinfo=UTC)),
        ("2026-11-25T23:30:00-01:00", datetime(2026, 11, 26, 0, 30, tzinfo=UTC)),
        ("2026-11-26T00:30:00+0100", datetime(2026, 11, 25, 23, 30, tzinfo=UTC)),
    ],
)
def test_parse_timestamp_to_utc(text, expected):
    result = parse_timestamp(text)
    assert result == expected and result.tzinfo == UTC


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-25",
        "2026-11-25T10:00:00",
        "2026-11-25 10:00:00Z",
        "25/11/2026",
        "",
        "now",
        "2026-13-01T00:00:00Z",
        "2026-11-25T10:60:00Z",
        "2026-11-25T10:00:61Z",
        "9999-12-31T23:59:59-05:00",
        "0000-01-01T00:00:00Z",
        "1969-12-31T23:59:59Z",
    ],
)
def test_parse_timestamp_refuses(text):
    with pytest.raises(ValueError):
        parse_timestamp(text)


def test_event_timestamp_uses_the_event_time():
    assert event_timestamp({"timestamp": "2026-11-25T10:00:00+02:00"}, ARRIVAL) == (
        datetime(2026, 11, 25, 8, tzinfo=UTC),
        False,
    )


@pytest.mark.parametrize("event", [{}, {"timestamp": None}])
def test_event_timestamp_falls_back_to_arrival(event):
    assert event_timestamp(event, ARRIVAL) == (ARRIVAL, True)


def test_event_timestamp_naive_arrival_is_utc():
    assert event_timestamp({}, datetime(2026, 1, 1)) == (datetime(2026, 1, 1, tzinfo=UTC), True)


def test_event_timestamp_invalid_raises_naming_the_field():
    with pytest.raises(EventError) as info:
        event_timestamp({"timestamp": "soon"}, ARRIVAL)
    assert (info.value.field, info.value.rule) == ("timestamp", "format")


def test_partition_values_are_zero_padded_utc():
    moment = datetime(2026, 1, 5, 23, 30, tzinfo=timezone(timedelta(hours=-2)))
    assert partition_values(moment) == {"year": "2026", "month": "01", "day": "06"}


def test_raw_key_by_arrival_date():
    key = raw_key("iot", ARRIVAL, "7f1c-AB_9")
    assert key == "iot/year=2026/month=01/day=05/20260105T010203004567Z-7f1c-AB_9.json"
    assert parse_raw_key(key) == {
        "source": "iot",
        "year": "2026",
        "month": "01",
        "day": "05",
        "stamp": "20260105T010203004567Z",
        "request_id": "7f1c-AB_9",
    }


@pytest.mark.parametrize(
    ("source", "request_id"),
    [("../x", "r"), ("a/b", "r"), ("IOT", "r"), ("iot", "../r"), ("iot", "")],
)
def test_raw_key_refuses_unsafe_segments(source, request_id):
    with pytest.raises(ValueError):
        raw_key(source, ARRIVAL, request_id)


def test_parse_raw_key_refuses_other_keys():
    with pytest.raises(ValueError):
        parse_raw_key("iot/2026/01/05/x.json")


def test_raw_line_keeps_the_body_text_exactly():
    body = '{ "source":"web" ,"data":{"t":"日本\u2028x","n":1.50}}'
    line = raw_line(body, "ing-1", "req-1", ARRIVAL)
    assert "\n" not in line and line.isascii()
    assert list(json.loads(line)) == ["ingest_id", "request_id", "received_at", "body"]
    assert json.loads(line) == {
        "ingest_id": "ing-1",
        "request_id": "req-1",
        "received_at": "2026-01-05T01:02:03.004567Z",
        "body": body,
    }
