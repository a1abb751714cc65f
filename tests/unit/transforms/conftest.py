"""One local SparkSession for the transforms' unit tests, and builders of literal raw lines."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from datalake.events import raw_key


@pytest.fixture(scope="session")
def spark():
    from datalake.spark import build_session

    session = build_session("unit-transforms", master="local[1]", shuffle_partitions=2)
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


def event(source="iot", event_id="e-1", timestamp="2026-11-25T10:00:00Z", data=None, **extra):
    """An event dict; pass event_id=None / timestamp=None to leave the field out."""
    body = {"source": source, "event_type": extra.pop("event_type", "reading")}
    if timestamp is not None:
        body["timestamp"] = timestamp
    if event_id is not None:
        body["event_id"] = event_id
    body["data"] = {"device_id": "d-1", "temperature": 21.5} if data is None else data
    body.update(extra)
    return body


def raw_row(
    body, received_at: datetime, ingest_id: str, request_id: str = "req1", source: str = "iot"
) -> dict:
    """A raw line as the job reads it (RAW_SCHEMA + raw_file); `body` is a dict or raw text."""
    text = body if isinstance(body, str) else json.dumps(body)
    return {
        "ingest_id": ingest_id,
        "request_id": request_id,
        "received_at": received_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "body": text,
        "raw_file": "file:///lake/raw/" + raw_key(source, received_at, request_id),
    }


@pytest.fixture
def raw_frame(spark):
    """raw_frame([raw_row(...), ...]) -> DataFrame with RAW_SCHEMA + raw_file."""
    from pyspark.sql import types as T

    from datalake.transforms.schemas import RAW_SCHEMA

    schema = T.StructType(RAW_SCHEMA.fields + [T.StructField("raw_file", T.StringType())])

    def build(rows):
        return spark.createDataFrame(
            [tuple(r[f.name] for f in schema.fields) for r in rows], schema
        )

    return build


@pytest.fixture(scope="session")
def lake():
    """The builders above, for tests (test modules cannot import conftest under importlib)."""
    from types import SimpleNamespace

    return SimpleNamespace(utc=utc, event=event, raw_row=raw_row)
