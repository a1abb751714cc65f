"""processed -> curated figures against values computed by hand."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from datalake.transforms import daily_summary, hourly_metrics, source_statistics
from datalake.transforms.schemas import PROCESSED_SCHEMA, QUARANTINE_SCHEMA

pytestmark = pytest.mark.spark

T = datetime  # naive = UTC (the session time zone)


def _processed_row(source, event_id, event_type, ts, quality, inferred, data):
    return (
        event_id, event_type, ts, inferred, data, "h-" + event_id, quality, [],
        ts, T(2026, 12, 2), "key", source, f"{ts:%Y}", f"{ts:%m}", f"{ts:%d}",
    )


@pytest.fixture(scope="module")
def processed(spark):
    rows = [
        _processed_row("iot", "r1", "reading", T(2026, 11, 25, 10, 5), 1.0, False,
                       '{"humidity":50,"temperature":20}'),
        _processed_row("iot", "r2", "reading", T(2026, 11, 25, 10, 40), 0.7, True,
                       '{"temperature":30}'),
        _processed_row("iot", "r3", "alert", T(2026, 11, 25, 11, 15), 0.9, False,
                       '{"loc":{"lat":1.5},"ok":true,"temperature":25.5}'),
        _processed_row("iot", "r4", "reading", T(2026, 11, 26, 0, 30), 0.8, False, "{}"),
        _processed_row("web", "w1", "page_view", T(2026, 12, 1, 9, 0), 1.0, False,
                       '{"duration_ms":100}'),
    ]
    return spark.createDataFrame(rows, PROCESSED_SCHEMA)


@pytest.fixture(scope="module")
def quarantine(spark):
    def row(reason, source, event_ts, received):
        return (reason, [], source, None, event_ts, "q", "r", received, "k", "b",
                T(2026, 12, 2), f"{received:%Y}", f"{received:%m}", f"{received:%d}")

    rows = [
        row("duplicate", "iot", T(2026, 11, 25, 10, 5), T(2026, 12, 1, 8)),  # Nov by event time
        row("invalid_data", "iot", None, T(2026, 11, 30, 23)),
        row("invalid_json", None, None, T(2026, 12, 1, 1)),
        row("duplicate", "web", T(2026, 12, 1, 9), T(2026, 12, 1, 9, 1)),
    ]
    return spark.createDataFrame(rows, QUARANTINE_SCHEMA)


def test_daily_summary(processed):
    rows = {(r["source"], r["event_date"], r["event_type"]): r.asDict()
            for r in daily_summary(processed).collect()}
    assert set(rows) == {
        ("iot", date(2026, 11, 25), "reading"),
        ("iot", date(2026, 11, 25), "alert"),
        ("iot", date(2026, 11, 26), "reading"),
        ("web", date(2026, 12, 1), "page_view"),
    }
    reading = rows[("iot", date(2026, 11, 25), "reading")]
    assert reading["event_count"] == 2
    assert reading["avg_quality_score"] == pytest.approx(0.85)
    assert reading["min_quality_score"] == pytest.approx(0.7)
    assert reading["low_quality_events"] == 1  # 0.7 < 0.8
    assert reading["inferred_timestamp_events"] == 1
    assert reading["first_event_at"] == T(2026, 11, 25, 10, 5)
    assert reading["last_event_at"] == T(2026, 11, 25, 10, 40)
    assert (reading["year"], reading["month"]) == ("2026", "11")
    assert rows[("iot", date(2026, 11, 26), "reading")]["low_quality_events"] == 0  # 0.8


def test_hourly_metrics(processed):
    rows = {(r["source"], r["event_hour"], r["metric"]): r.asDict()
            for r in hourly_metrics(processed).collect()}
    ten = T(2026, 11, 25, 10)
    assert {k for k in rows if k[1] == ten} == {
        ("iot", ten, "quality_score"), ("iot", ten, "data.temperature"),
        ("iot", ten, "data.humidity"),
    }
    temperature = rows[("iot", ten, "data.temperature")]
    assert temperature["event_count"] == 2 and temperature["sample_count"] == 2
    assert (temperature["value_sum"], temperature["value_avg"]) == (50.0, 25.0)
    assert (temperature["value_min"], temperature["value_max"]) == (20.0, 30.0)
    humidity = rows[("iot", ten, "data.humidity")]
    assert (humidity["event_count"], humidity["sample_count"], humidity["value_sum"]) == (2, 1, 50)
    quality = rows[("iot", ten, "quality_score")]
    assert quality["sample_count"] == 2 and quality["value_avg"] == pytest.approx(0.85)
    eleven = T(2026, 11, 25, 11)
    assert {k[2] for k in rows if k[1] == eleven} == {
        "quality_score", "data.temperature", "data.loc.lat",  # booleans are not metrics
    }
    midnight = [k for k in rows if k[1] == T(2026, 11, 26, 0)]
    assert midnight == [("iot", T(2026, 11, 26, 0), "quality_score")]


def test_source_statistics_with_quarantine(processed, quarantine):
    rows = {(r["source"], r["year"], r["month"]): r.asDict()
            for r in source_statistics(processed, quarantine).collect()}
    assert set(rows) == {("iot", "2026", "11"), ("web", "2026", "12"),
                         ("_unattributed", "2026", "12")}
    iot = rows[("iot", "2026", "11")]
    assert iot["period_start"] == date(2026, 11, 1)
    assert (iot["received_events"], iot["processed_events"]) == (6, 4)
    assert (iot["duplicate_events"], iot["invalid_events"]) == (1, 1)
    assert iot["duplicate_rate"] == pytest.approx(1 / 5)
    assert iot["invalid_rate"] == pytest.approx(1 / 6)
    assert iot["distinct_event_types"] == 2 and iot["event_types"] == ["alert", "reading"]
    assert iot["avg_quality_score"] == pytest.approx(0.85)
    assert iot["min_quality_score"] == pytest.approx(0.7)
    assert iot["inferred_timestamp_events"] == 1 and iot["active_days"] == 2
    assert iot["first_seen"] == T(2026, 11, 25, 10, 5)
    assert iot["last_seen"] == T(2026, 11, 26, 0, 30)
    assert iot["last_received_at"] == T(2026, 12, 1, 8)  # the late duplicate
    web = rows[("web", "2026", "12")]
    assert (web["duplicate_rate"], web["invalid_rate"]) == (0.5, 0.0)
    lost = rows[("_unattributed", "2026", "12")]
    assert (lost["received_events"], lost["processed_events"], lost["invalid_events"]) == (1, 0, 1)
    assert lost["duplicate_rate"] is None and lost["invalid_rate"] == 1.0
    assert lost["first_seen"] is None and lost["distinct_event_types"] == 0


def test_source_statistics_without_quarantine(processed):
    rows = {r["source"]: r for r in source_statistics(processed).collect()}
    assert rows["iot"]["duplicate_rate"] == 0.0 and rows["iot"]["invalid_events"] == 0
