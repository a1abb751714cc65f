"""Where raw events land: the raw zone's object key, partition values and JSON Lines record."""

from __future__ import annotations

import json
import re
from datetime import datetime

from datalake.events.limits import SOURCE_PATTERN
from datalake.events.timestamps import format_utc, to_utc

_SOURCE = re.compile(SOURCE_PATTERN)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
_RAW_KEY = re.compile(
    r"^(?P<source>[a-z0-9_-]{1,63})/year=(?P<year>\d{4})/month=(?P<month>\d{2})/day=(?P<day>\d{2})/"
    r"(?P<stamp>\d{8}T\d{12}Z)-(?P<request_id>[A-Za-z0-9_-]{1,128})\.json$"
)


def partition_values(ts: datetime) -> dict[str, str]:
    """{"year": "2026", "month": "01", "day": "05"} of `ts` in UTC (naive = UTC)."""
    utc = to_utc(ts)
    return {"year": f"{utc.year:04d}", "month": f"{utc.month:02d}", "day": f"{utc.day:02d}"}


def raw_key(source: str, received_at: datetime, request_id: str) -> str:
    """`{source}/year=YYYY/month=MM/day=DD/{YYYYMMDDTHHMMSSffffffZ}-{request_id}.json`,
    partitioned by arrival date (UTC). Raises ValueError for a source or request id that is not
    safe as a key segment."""
    if not isinstance(source, str) or not _SOURCE.match(source):
        raise ValueError(f"source {source!r} does not match {SOURCE_PATTERN}")
    if not isinstance(request_id, str) or not _REQUEST_ID.match(request_id):
        raise ValueError(f"request_id {request_id!r} must match {_REQUEST_ID.pattern}")
    utc = to_utc(received_at)
    parts = partition_values(utc)
    stamp = utc.strftime("%Y%m%dT%H%M%S%fZ")
    return (
        f"{source}/year={parts['year']}/month={parts['month']}/day={parts['day']}/"
        f"{stamp}-{request_id}.json"
    )


def parse_raw_key(key: str) -> dict[str, str]:
    """The parts of a raw key (source, year, month, day, stamp, request_id); ValueError if the key
    is not in the raw layout."""
    match = _RAW_KEY.match(key)
    if not match:
        raise ValueError(
            f"{key!r} is not a raw zone key ({{source}}/year=YYYY/.../<stamp>-<id>.json)"
        )
    return match.groupdict()


def raw_line(body_text: str, ingest_id: str, request_id: str, received_at: datetime) -> str:
    """One JSON Lines record of the raw zone (no trailing newline). `body` is the original event
    text as a JSON string; the line is pure ASCII (non-ASCII is \\u-escaped), so no reader can
    split it on a Unicode line separator, and decoding `body` gives back the exact text."""
    return json.dumps(
        {
            "ingest_id": ingest_id,
            "request_id": request_id,
            "received_at": format_utc(received_at),
            "body": body_text,
        },
        separators=(",", ":"),
        ensure_ascii=True,
    )
