"""Event time: parse the envelope's ISO 8601 `timestamp`, fall back to arrival time, format UTC.

Our own parser, not `datetime.fromisoformat`: Python 3.10 does not accept `Z` there (the package
still declares >=3.10), and the rules must be the same in the Lambda and in Glue (both 3.11).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from datalake.events.errors import EventError
from datalake.events.limits import MAX_TIMESTAMP_YEAR, MIN_TIMESTAMP_YEAR

_ISO = re.compile(
    r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})[T](?P<h>\d{2}):(?P<m>\d{2})"
    r"(?::(?P<s>\d{2})(?:[.,](?P<f>\d{1,9}))?)?(?P<tz>Z|[+-]\d{2}:?\d{2})$"
)


def _offset(text: str) -> timezone:
    if text == "Z":
        return timezone.utc
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 23 or minutes > 59:
        raise ValueError(f"UTC offset {text} is out of range")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def parse_timestamp(value: str) -> datetime:
    """An ISO 8601 date-time with seconds optional, fraction up to 9 digits (kept to
    microseconds) and a mandatory offset (`Z` or `+HH:MM`/`+HHMM`), as an aware UTC datetime.
    Raises ValueError naming what is wrong; years outside MIN/MAX_TIMESTAMP_YEAR are refused."""
    match = _ISO.match(value) if isinstance(value, str) else None
    if not match:
        raise ValueError(
            f"{value!r} is not an ISO 8601 date-time with an offset, "
            "e.g. 2026-11-25T10:00:00Z or 2026-11-25T11:00:00+01:00"
        )
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    try:
        local = datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second) if second else 0,
            int(fraction[:6].ljust(6, "0")) if fraction else 0,
            tzinfo=timezone.utc if offset == "Z" else _offset(offset),
        )
        result = local.astimezone(timezone.utc)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"{value!r} is not a valid date-time: {exc}") from None
    if not MIN_TIMESTAMP_YEAR <= result.year <= MAX_TIMESTAMP_YEAR:
        raise ValueError(
            f"year {result.year} is outside {MIN_TIMESTAMP_YEAR}..{MAX_TIMESTAMP_YEAR}"
        )
    return result


def to_utc(moment: datetime) -> datetime:
    """`moment` in UTC; a naive datetime is taken as UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def event_timestamp(event: dict, received_at: datetime) -> tuple[datetime, bool]:
    """(event time in UTC, inferred). The envelope's `timestamp` when present (not null);
    otherwise the arrival time with inferred=True. An unparseable timestamp raises EventError
    (field "timestamp") — it is never silently replaced by the arrival time."""
    value = event.get("timestamp")
    if value is None:
        return to_utc(received_at), True
    try:
        return parse_timestamp(value), False
    except ValueError as exc:
        rule = "range" if "outside" in str(exc) else "format"
        raise EventError(400, "timestamp", rule, str(exc)) from None


def format_utc(moment: datetime) -> str:
    """`2026-11-25T10:00:01.123456Z`: UTC with microseconds, the raw zone's `received_at`."""
    utc = to_utc(moment)
    if utc.year < 1000:  # strftime writes such years unpadded; isoformat would pad them
        return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return utc.isoformat(timespec="microseconds")[:-6] + "Z"  # without "+00:00"

