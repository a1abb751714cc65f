"""Where raw events land: the raw zone's object key, partition values and JSON Lines record."""

from __future__ import annotations

import json
import re
from datetime import datetime
from json.encoder import encode_basestring_ascii as _ascii_json_string

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
    return RequestLayout(request_id, received_at).key(source)


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
    return RequestLayout(request_id, received_at).line(body_text, ingest_id)


_RECEIVED_TEXT_CHARS = len("2026-11-25T10:00:01.123456Z")


class RequestLayout:
    """`raw_key` and `raw_line` for the events of one request: the arrival time is formatted
    and the request's part of each line encoded once, not once per event."""

    __slots__ = ("request_id", "received_at", "_received_text", "_line_middle")

    def __init__(self, request_id: str, received_at: datetime):
        self.request_id = request_id
        self.received_at = received_at
        self._received_text = received = format_utc(received_at)  # digits and -:.TZ only
        self._line_middle = (  # a request id that is not a string goes through json.dumps
            f',"request_id":{_ascii_json_string(request_id)},"received_at":"{received}","body":'
            if isinstance(request_id, str)
            else None
        )

    def key(self, source: str) -> str:
        """The object key of this request's events of `source` (see `raw_key`)."""
        if not isinstance(source, str) or not _SOURCE.match(source):
            raise ValueError(f"source {source!r} does not match {SOURCE_PATTERN}")
        request_id = self.request_id
        if not isinstance(request_id, str) or not _REQUEST_ID.match(request_id):
            raise ValueError(f"request_id {request_id!r} must match {_REQUEST_ID.pattern}")
        received = self._received_text
        if len(received) == _RECEIVED_TEXT_CHARS:  # YYYY-MM-DDT...: the partitions are in it
            year, month, day = received[:4], received[5:7], received[8:10]
        else:  # a year before 1000, which strftime writes unpadded
            utc = to_utc(self.received_at)
            year, month, day = f"{utc.year:04d}", f"{utc.month:02d}", f"{utc.day:02d}"
        stamp = received.replace("-", "").replace(":", "").replace(".", "")
        return f"{source}/year={year}/month={month}/day={day}/{stamp}-{request_id}.json"

    def line(self, body_text: str, ingest_id: str) -> str:
        """One record (see `raw_line`): the text `json.dumps` gives for it (compact separators,
        ASCII), its strings encoded by the function json.dumps uses."""
        if self._line_middle is not None and isinstance(body_text, str) and isinstance(
            ingest_id, str
        ):
            return (
                '{"ingest_id":'
                + _ascii_json_string(ingest_id)
                + self._line_middle
                + _ascii_json_string(body_text)
                + "}"
            )
        return json.dumps(
            {
                "ingest_id": ingest_id,
                "request_id": self.request_id,
                "received_at": self._received_text,
                "body": body_text,
            },
            separators=(",", ":"),
            ensure_ascii=True,
        )
