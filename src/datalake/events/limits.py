"""Limits of the event contract: sizes, counts, lengths and time windows (docs/event-contract.md).

The platform limits that sit above ours:
- API Gateway REST APIs accept request bodies up to 10 MB (hard limit).
- A synchronous Lambda invocation accepts a payload up to 6 MB (6,291,456 bytes), and the API
  Gateway proxy event wraps the body (base64-encoded, +33 %, when binary media types apply), so a
  body between about 6 MB and 10 MB fails in the platform before our code runs.
Our own limit, MAX_REQUEST_BYTES, is smaller than both: 4 MiB stays under Lambda's 6 MB even when
base64-encoded, so every body the platform delivers is either accepted or answered with our 413.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

# Platform limits, for documentation and for the API model.
API_GATEWAY_MAX_BODY_BYTES = 10 * 1000 * 1000
LAMBDA_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024

# Request level.
MAX_REQUEST_BYTES = 4 * 1024 * 1024  # decoded body; larger -> 413
MAX_BATCH_EVENTS = 500  # {"events": [...]} holds 1..500 events
MAX_NESTING_DEPTH = 32  # the event object itself is depth 1, `data` depth 2

# Envelope fields.
SOURCE_PATTERN = r"^[a-z0-9_-]{1,63}$"
MAX_SOURCE_CHARS = 63
MAX_EVENT_TYPE_CHARS = 128
MAX_EVENT_ID_CHARS = 128
MAX_TIMESTAMP_CHARS = 64
MIN_TIMESTAMP_YEAR = 1970  # after conversion to UTC
MAX_TIMESTAMP_YEAR = 2100

# Inside `data`.
MAX_STRING_CHARS = 16 * 1024  # any string value
MAX_KEY_CHARS = 256  # any object key

# Quality window. The future bound is relative to the arrival time (a clock running ahead); the
# lower bound is a fixed instant (a clock reset to its epoch), never "N days before arrival":
# an age window would make the score of the same event depend on when it was sent, so replays
# and backfills would score differently from run to run (decision 118).
FUTURE_TOLERANCE = timedelta(minutes=5)
EARLIEST_PLAUSIBLE_TIMESTAMP = datetime(2000, 1, 1, tzinfo=timezone.utc)
