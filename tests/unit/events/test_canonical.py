"""canonical_json and record_hash: same content, same text and hash."""

import hashlib
import json

import pytest

from datalake.events import canonical_json, record_hash

EVENT = {
    "source": "iot",
    "event_type": "r",
    "timestamp": "2026-11-25T10:00:00Z",
    "event_id": "e1",
    "data": {"b": 1, "a": [1.0, None, {"z": None, "y": "é"}]},
}


def test_canonical_form():
    assert canonical_json(EVENT["data"]) == '{"a":[1,null,{"y":"é"}],"b":1}'


def test_sorted_keys_no_whitespace_utf8():
    assert canonical_json({"b": "ü", "a": 1}) == '{"a":1,"b":"ü"}'


def test_integral_floats_are_ints_but_fractions_are_kept():
    assert canonical_json({"a": 1.0, "b": 1.5, "c": -0.0, "d": 1e20, "e": True}) == (
        '{"a":1,"b":1.5,"c":0,"d":100000000000000000000,"e":true}'
    )


def test_nan_is_refused():
    with pytest.raises(ValueError):
        canonical_json({"a": float("nan")})


def test_hash_ignores_order_whitespace_nulls_and_float_form():
    text = json.dumps(EVENT)
    reordered = json.loads(
        '{ "data": {"a": [1, null, {"y": "é"}], "b": 1.0}, "event_id": "e1", "event_type": "r",'
        ' "source": "iot", "timestamp": "2026-11-25T10:00:00Z" }'
    )
    assert record_hash(json.loads(text)) == record_hash(reordered)


def test_hash_is_sha256_of_the_canonical_envelope():
    expected = hashlib.sha256(canonical_json(EVENT).encode("utf-8")).hexdigest()
    assert record_hash(EVENT) == expected
    assert len(expected) == 64


def test_hash_uses_only_envelope_fields_and_absent_equals_null():
    assert record_hash({**EVENT, "other": 1}) == record_hash(EVENT)
    without = {k: v for k, v in EVENT.items() if k != "event_id"}
    assert record_hash({**EVENT, "event_id": None}) == record_hash(without)


@pytest.mark.parametrize(
    "change",
    [
        {"source": "web"},
        {"event_id": "e2"},
        {"timestamp": "2026-11-25T10:00:01Z"},
        {"data": {"b": 2}},
    ],
)
def test_hash_changes_with_content(change):
    assert record_hash({**EVENT, **change}) != record_hash(EVENT)
