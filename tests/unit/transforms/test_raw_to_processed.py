"""raw -> processed on a local SparkSession with literal raw lines."""

from __future__ import annotations

import pytest

from datalake.transforms import classify_raw, raw_to_processed, to_processed
from datalake.transforms.raw_to_processed import mark_quarantined, to_quarantine
from datalake.transforms.schemas import PROCESSED_SCHEMA, QUARANTINE_SCHEMA

pytestmark = pytest.mark.spark


def _status(frame):
    return {(r["ingest_id"], r["status"]) for r in frame.select("ingest_id", "status").collect()}


def test_duplicates_within_a_run_keep_the_earliest(lake, raw_frame):
    ev = lake.event(event_id="e-1")
    raw = raw_frame([
        lake.raw_row(ev, lake.utc(2026, 11, 25, 10, 5), "late", request_id="r2"),
        lake.raw_row(ev, lake.utc(2026, 11, 25, 10, 1), "early", request_id="r1"),
        lake.raw_row(lake.event(event_id="e-2"), lake.utc(2026, 11, 25, 10, 2), "other"),
    ])
    classified = classify_raw(raw)
    assert _status(classified) == {("early", "new"), ("late", "duplicate"), ("other", "new")}
    late = classified.where("ingest_id = 'late'").first()
    assert late["reason"] == "duplicate"
    assert late["errors"] == ["event_id: duplicate: e-1 arrived earlier in this run"]


def test_same_content_without_event_id_is_a_duplicate_by_record_hash(lake, raw_frame):
    raw = raw_frame([
        lake.raw_row('{"source":"iot","event_type":"r","data":{"device_id":"a"}}',
                     lake.utc(2026, 11, 25, 10, 1), "i1"),
        lake.raw_row('{"data":{"device_id":"a"},"source":"iot","event_type":"r"}',
                     lake.utc(2026, 11, 26, 7, 0), "i2", request_id="r2"),
    ])
    assert _status(classify_raw(raw)) == {("i1", "new"), ("i2", "duplicate")}


def test_an_invalid_line_does_not_hide_a_valid_one_with_the_same_id(lake, raw_frame):
    broken = lake.event(event_id="e-1", data={"temperature": 3})  # no device_id
    raw = raw_frame([
        lake.raw_row(broken, lake.utc(2026, 11, 25, 10, 0), "bad"),
        lake.raw_row(lake.event(event_id="e-1"), lake.utc(2026, 11, 25, 10, 1), "good"),
    ])
    assert _status(classify_raw(raw)) == {("bad", "invalid"), ("good", "new")}


def test_duplicate_a_day_later_against_the_processed_zone(spark, lake, raw_frame):
    ev = lake.event(event_id="e-1", timestamp="2026-11-25T09:00:00Z")
    day1 = raw_frame([lake.raw_row(ev, lake.utc(2026, 11, 25, 9, 0, 1), "first", "r1")])
    existing, _ = raw_to_processed(day1)
    existing = spark.createDataFrame(existing.collect(), PROCESSED_SCHEMA)
    day2 = raw_frame([
        lake.raw_row(ev, lake.utc(2026, 11, 26, 12, 0), "again", "r2"),
        lake.raw_row(lake.event(event_id="e-2"), lake.utc(2026, 11, 26, 12, 0), "fresh", "r2"),
    ])
    classified = classify_raw(day2, existing)
    assert _status(classified) == {("again", "duplicate"), ("fresh", "new")}
    again = classified.where("ingest_id = 'again'").first()
    assert again["errors"][0].startswith("event_id: duplicate: e-1 is already in the processed")
    assert [r["event_id"] for r in to_processed(classified).collect()] == ["e-2"]


def test_rereading_the_same_raw_lines_is_already_processed_not_duplicate(spark, lake, raw_frame):
    rows = [
        lake.raw_row(lake.event(event_id="e-1"), lake.utc(2026, 11, 25, 10, 0), "i1"),
        lake.raw_row(lake.event(event_id="e-1"), lake.utc(2026, 11, 25, 10, 0, 3), "i2", "r2"),
        lake.raw_row("not json", lake.utc(2026, 11, 25, 10, 0), "i3"),
    ]
    processed, quarantine = raw_to_processed(raw_frame(rows))
    existing = spark.createDataFrame(processed.collect(), PROCESSED_SCHEMA)
    quarantined = spark.createDataFrame(quarantine.collect(), QUARANTINE_SCHEMA)
    again = classify_raw(raw_frame(rows), existing, quarantined)
    assert _status(again) == {
        ("i1", "already_processed"),
        ("i2", "already_quarantined"),
        ("i3", "already_quarantined"),
    }
    assert to_processed(again).count() == 0 and to_quarantine(again).count() == 0


def test_quarantine_rows_carry_reason_errors_and_arrival_partition(lake, raw_frame):
    raw = raw_frame([
        lake.raw_row("{oops", lake.utc(2026, 11, 25, 23, 59), "j"),
        lake.raw_row(lake.event(source="web", data={"page": "/"}),
                     lake.utc(2026, 11, 26, 0, 1), "d", source="web"),
        lake.raw_row({"source": "iot", "data": {}}, lake.utc(2026, 11, 26, 0, 2), "m"),
        lake.raw_row(lake.event(), lake.utc(2026, 11, 26, 0, 3), "ok"),
    ])
    processed, quarantine = raw_to_processed(raw)
    rows = {r["ingest_id"]: r for r in quarantine.collect()}
    assert set(rows) == {"j", "d", "m"} and processed.count() == 1
    assert rows["j"]["reason"] == "invalid_json" and rows["j"]["body"] == "{oops"
    assert rows["j"]["source"] is None
    assert (rows["j"]["year"], rows["j"]["month"], rows["j"]["day"]) == ("2026", "11", "25")
    assert rows["d"]["reason"] == "invalid_data" and rows["d"]["source"] == "web"
    assert rows["d"]["errors"] == ["data.session_id: required: session_id is required"]
    assert rows["m"]["reason"] == "invalid_envelope"
    assert rows["m"]["errors"] == ["event_type: required: event_type is required"]
    assert (rows["m"]["year"], rows["m"]["month"], rows["m"]["day"]) == ("2026", "11", "26")
    assert rows["m"]["raw_key"].startswith("iot/year=2026/month=11/day=26/")
    assert quarantine.columns == [f.name for f in QUARANTINE_SCHEMA.fields]


def test_processed_columns_types_and_event_date_partitions(lake, raw_frame):
    late_night = lake.event(event_id="x", timestamp="2026-11-30T23:30:00-02:00")
    raw = raw_frame([lake.raw_row(late_night, lake.utc(2026, 12, 2, 8, 0), "i", source="iot")])
    processed, _ = raw_to_processed(raw, processed_at=lake.utc(2026, 12, 2, 9, 0))
    types = [(f.name, f.dataType) for f in processed.schema.fields]
    assert types == [(f.name, f.dataType) for f in PROCESSED_SCHEMA.fields]
    row = processed.first()
    assert (row["source"], row["year"], row["month"], row["day"]) == ("iot", "2026", "12", "01")
    assert row["raw_key"].startswith("iot/year=2026/month=12/day=02/")  # arrival day
    assert row["processed_at"].isoformat() == "2026-12-02T09:00:00"  # session time zone UTC
    assert row["event_timestamp"].isoformat() == "2026-12-01T01:30:00"
    assert row["timestamp_inferred"] is False and row["quality_score"] == 1.0


def test_mark_quarantined_ignores_lines_not_in_the_quarantine(spark, lake, raw_frame):
    raw = raw_frame([lake.raw_row("bad", lake.utc(2026, 11, 25, 10, 0), "q1")])
    empty = spark.createDataFrame([], QUARANTINE_SCHEMA)
    assert _status(mark_quarantined(classify_raw(raw), empty)) == {("q1", "invalid")}
