"""The synthetic event generator: deterministic, with the shares asked for."""

from __future__ import annotations

import json

import pytest

from datalake.events import decode_event, parse_raw_key
from datalake.synthetic import generate_events, raw_objects, summarize_events


def test_same_seed_same_events_other_seed_other_events():
    assert generate_events(300, seed=3) == generate_events(300, seed=3)
    assert generate_events(300, seed=3) != generate_events(300, seed=4)


def test_count_and_shares():
    events = generate_events(4000, seed=1, invalid_share=0.1, duplicate_share=0.05)
    kinds = summarize_events(events)
    assert len(events) == 4000
    invalid = sum(v for k, v in kinds.items() if k.startswith("invalid:"))
    duplicates = kinds.get("duplicate", 0) + kinds.get("late_duplicate", 0)
    assert 0.08 * 4000 < invalid < 0.12 * 4000
    assert 0.035 * 4000 < duplicates < 0.065 * 4000
    assert kinds["late_duplicate"] > 0 and kinds["duplicate"] > 0


def test_duplicates_resend_an_earlier_body_and_late_ones_arrive_on_a_later_day():
    events = generate_events(2000, seed=2)
    first_seen = {}
    for event in events:
        if event.kind == "valid":
            first_seen.setdefault(event.body, event)
    for event in events:
        if event.kind in ("duplicate", "late_duplicate"):
            original = first_seen[event.body]
            assert event.received_at > original.received_at
            later_day = event.received_at.date() > original.received_at.date()
            assert later_day == (event.kind == "late_duplicate")


def test_no_invalid_no_duplicates_when_shares_are_zero():
    kinds = summarize_events(generate_events(500, invalid_share=0, duplicate_share=0))
    assert kinds == {"valid": 500}


def test_raw_objects_follow_the_raw_layout():
    events = generate_events(200, seed=5)
    objects = raw_objects(events)
    lines = [json.loads(line) for text in objects.values() for line in text.splitlines()]
    assert len(lines) == 200
    bodies = sorted(line["body"] for line in lines)
    assert bodies == sorted(e.body for e in events)
    for key in objects:
        parts = parse_raw_key(key)
        assert parts["source"] in ("iot", "web", "mobile")
    valid = [e for e in events if e.kind == "valid"]
    assert all(isinstance(decode_event(e.body), dict) for e in valid)


@pytest.mark.parametrize("name", ["invalid_share", "duplicate_share", "late_duplicate_share"])
def test_bad_share_is_refused(name):
    with pytest.raises(ValueError, match=name):
        generate_events(10, **{name: 1.5})
