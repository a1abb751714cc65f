"""Deterministic synthetic events for demos, tests and load: iot, web and mobile sources, with a
configurable share of invalid events and of duplicates (re-sent the same day or a later day).

`generate_events` returns what a client would send and when it arrived; `raw_objects` lays them
out exactly as the ingestion Lambda writes the raw zone (one JSON Lines object per request and
source, keys from `datalake.events.raw_key`).
"""

from __future__ import annotations

import json
import logging
import random
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from datalake.events import raw_key, raw_line

_logger = logging.getLogger(__name__)

SOURCES = ("iot", "web", "mobile")
MEAN_REQUEST_SIZE = 0.6 * 1 + 0.4 * 11  # 60 % single events, else batches of 2..20
DEFAULT_START = datetime(2026, 11, 20, tzinfo=timezone.utc)

# Kinds of invalid event and how often each is chosen. Each is refused by the raw->processed
# job with the reason in brackets.
INVALID_KINDS = {
    "schema": 4,  # data breaks the source's JSON Schema [invalid_data]
    "timestamp": 2,  # unparseable timestamp [invalid_envelope]
    "data_type": 1,  # data is not an object [invalid_envelope]
    "missing_type": 1,  # no event_type [invalid_envelope]
    "json": 1,  # not JSON at all [invalid_json]
}


@dataclass(frozen=True)
class SyntheticEvent:
    """One event as it reached the raw zone. `kind` is "valid", "duplicate", "late_duplicate"
    (re-sent on a later UTC day than the original) or "invalid:<what>"."""

    source: str
    body: str
    received_at: datetime
    request_id: str
    ingest_id: str
    kind: str

    @property
    def is_unique_valid(self) -> bool:
        return self.kind == "valid"


def generate_events(
    count: int,
    seed: int = 7,
    sources: tuple[str, ...] = SOURCES,
    invalid_share: float = 0.05,
    duplicate_share: float = 0.05,
    late_duplicate_share: float = 0.5,
    start: datetime = DEFAULT_START,
    days: int = 3,
) -> list[SyntheticEvent]:
    """`count` raw events over `days` days from `start`, the same list for the same arguments.

    About `invalid_share` of them are invalid and `duplicate_share` are re-sends of an earlier
    valid event (the same body text); `late_duplicate_share` of those re-sends arrive on a later
    UTC day. Originals come in requests of 1..20 events of one source; re-sends come alone.
    """
    _check_share("invalid_share", invalid_share)
    _check_share("duplicate_share", duplicate_share)
    _check_share("late_duplicate_share", late_duplicate_share)
    if count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    if not sources:
        raise ValueError("sources must not be empty")
    rng = random.Random(seed)
    step = timedelta(days=days) / max(count, 1)
    clock = start
    events: list[SyntheticEvent] = []
    originals: list[SyntheticEvent] = []
    # A loop turn sends either one re-send or a request of MEAN_REQUEST_SIZE originals on
    # average: this chance of a re-send per turn makes `duplicate_share` of all events re-sends.
    resend_chance = MEAN_REQUEST_SIZE * duplicate_share / (
        1 + (MEAN_REQUEST_SIZE - 1) * duplicate_share
    )
    while len(events) < count:
        if originals and rng.random() < resend_chance:
            events.append(_resend(rng, rng.choice(originals), clock, late_duplicate_share))
            clock += step
            continue
        source = rng.choice(sources)
        size = 1 if rng.random() < 0.6 else rng.randint(2, 20)
        size = min(size, count - len(events))
        request_id = _uuid(rng).hex
        for _ in range(size):
            invalid = rng.random() < invalid_share
            body, kind = _invalid_body(rng, source, clock) if invalid else _valid_body(
                rng, source, clock
            )
            event = SyntheticEvent(source, body, clock, request_id, str(_uuid(rng)), kind)
            events.append(event)
            if kind == "valid":
                originals.append(event)
        clock += step * size
    return events


def raw_objects(events: list[SyntheticEvent]) -> dict[str, str]:
    """{raw key: JSON Lines text}: one object per (request, source), as ingestion writes it."""
    grouped: dict[str, list[str]] = defaultdict(list)
    for event in events:
        key = raw_key(event.source, event.received_at, event.request_id)
        grouped[key].append(
            raw_line(event.body, event.ingest_id, event.request_id, event.received_at)
        )
    return {key: "\n".join(lines) + "\n" for key, lines in grouped.items()}


def write_raw_folder(events: list[SyntheticEvent], root: str | Path) -> int:
    """Write the raw layout under the folder `root`; returns the number of objects written."""
    root = Path(root)
    objects = raw_objects(events)
    for key, text in objects.items():
        path = root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    _logger.info("wrote %d raw objects (%d events) under %s", len(objects), len(events), root)
    return len(objects)


def summarize_events(events: list[SyntheticEvent]) -> dict[str, int]:
    """How many events of each kind ("valid", "duplicate", "late_duplicate", "invalid:...")."""
    return dict(sorted(Counter(event.kind for event in events).items()))


def _check_share(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be between 0 and 1, got {value}")


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _resend(
    rng: random.Random, original: SyntheticEvent, clock: datetime, late_share: float
) -> SyntheticEvent:
    late = rng.random() < late_share
    if late:
        next_day = (original.received_at + timedelta(days=1)).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        received_at = max(clock, next_day + timedelta(seconds=rng.randint(0, 86399)))
    else:
        received_at = max(clock, original.received_at + timedelta(seconds=rng.randint(1, 300)))
        if received_at.date() != original.received_at.date():
            late = True
    return SyntheticEvent(
        original.source,
        original.body,
        received_at,
        _uuid(rng).hex,
        str(_uuid(rng)),
        "late_duplicate" if late else "duplicate",
    )


def _envelope(rng: random.Random, source: str, clock: datetime) -> dict:
    event: dict = {"source": source, "event_type": _event_type(rng, source)}
    if rng.random() < 0.95:  # the rest have no timestamp: the arrival time is used
        event["timestamp"] = _iso(clock - timedelta(seconds=rng.randint(0, 120)))
    if rng.random() < 0.9:  # the rest have no event_id: the record hash is the identity
        event["event_id"] = f"{source}-{_uuid(rng).hex[:16]}"
    event["data"] = _data(rng, source)
    return event


def _valid_body(rng: random.Random, source: str, clock: datetime) -> tuple[str, str]:
    return json.dumps(_envelope(rng, source, clock)), "valid"


def _invalid_body(rng: random.Random, source: str, clock: datetime) -> tuple[str, str]:
    what = rng.choices(list(INVALID_KINDS), list(INVALID_KINDS.values()))[0]
    event = _envelope(rng, source, clock)
    if what == "schema":
        event["data"] = _break_schema(rng, source, event["data"])
    elif what == "timestamp":
        event["timestamp"] = rng.choice(["yesterday", "2026-13-45T99:00:00Z", "1700000000"])
    elif what == "data_type":
        event["data"] = rng.choice([[1, 2, 3], "reading", 42])
    elif what == "missing_type":
        del event["event_type"]
    else:
        return json.dumps(event)[: rng.randint(5, 30)], f"invalid:{what}"
    return json.dumps(event), f"invalid:{what}"


def _event_type(rng: random.Random, source: str) -> str:
    types = {
        "iot": ["sensor_reading"] * 4 + ["status_change"],
        "web": ["page_view"] * 3 + ["click", "form_submit"],
        "mobile": ["screen_view"] * 3 + ["purchase", "app_open"],
    }
    return rng.choice(types.get(source, ["generic"]))


def _data(rng: random.Random, source: str) -> dict:
    if source == "iot":
        return {
            "device_id": f"sensor-{rng.randint(1, 25):03d}",
            "sensor_type": "environment",
            "temperature": round(rng.gauss(21.0, 6.0), 2),
            "humidity": round(rng.uniform(20.0, 80.0), 1),
            "battery": rng.randint(5, 100),
            "status": rng.choice(["ok"] * 9 + ["warning"]),
        }
    if source == "web":
        return {
            "session_id": f"s-{rng.randint(1, 400):05d}",
            "user_id": rng.choice([None, f"u-{rng.randint(1, 150):04d}"]),
            "page": rng.choice(["/", "/products", "/products/42", "/cart", "/checkout"]),
            "duration_ms": rng.randint(50, 120000),
            "status_code": rng.choice([200] * 18 + [404, 500]),
        }
    if source == "mobile":
        return {
            "app_version": rng.choice(["3.1.0", "3.2.0", "3.2.1"]),
            "os": rng.choice(["ios", "android"]),
            "screen": rng.choice(["home", "search", "product", "cart"]),
            "session_id": f"m-{rng.randint(1, 300):05d}",
            "duration_ms": rng.randint(100, 600000),
            "value": round(rng.uniform(1.0, 250.0), 2),
        }
    return {"value": rng.randint(0, 1000)}


def _break_schema(rng: random.Random, source: str, data: dict) -> dict:
    broken = dict(data)
    if source == "iot":
        broken.pop("device_id")
    elif source == "web":
        broken.pop("session_id")
    elif source == "mobile":
        broken["os"] = "windows-phone"
    else:
        return {"value": "x" * 20000}  # longer than any string the contract allows
    return broken
