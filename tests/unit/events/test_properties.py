"""Property-based checks of the pure logic: hash stability and byte-exact batch slices."""

import json
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from datalake.events import EventError, canonical_json, parse_body, record_hash

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=10)
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=15,
)
events = st.fixed_dictionaries(
    {
        "source": st.sampled_from(["iot", "web"]),
        "data": st.dictionaries(st.text(max_size=6), values),
    },
    optional={
        "event_id": st.text(max_size=8),
        "timestamp": st.none(),
        "event_type": st.text(max_size=8),
    },
)


@settings(max_examples=200)
@given(event=events, seed=st.integers(0, 10**6))
def test_hash_survives_reserialisation(event, seed):
    rng = random.Random(seed)
    text = json.dumps(
        event,
        indent=rng.choice([None, 1, 4]),
        sort_keys=rng.random() < 0.5,
        ensure_ascii=rng.random() < 0.5,
    )
    again = json.loads(text)
    assert record_hash(again) == record_hash(event)
    assert canonical_json(json.loads(canonical_json(event))) == canonical_json(event)


@settings(max_examples=200)
@given(batch=st.lists(events, min_size=1, max_size=8), seed=st.integers(0, 10**6))
def test_batch_slices_are_exact(batch, seed):
    rng = random.Random(seed)
    ws = lambda: rng.choice(["", " ", "\n", "\t ", "\r\n  "])  # noqa: E731
    texts = [
        json.dumps(e, ensure_ascii=rng.random() < 0.5, indent=rng.choice([None, 2])) for e in batch
    ]
    body = "{" + ws() + '"events"' + ws() + ":" + ws() + "[" + ws()
    body += ("," + ws()).join(t + ws() for t in texts) + "]" + ws() + "}"
    try:
        assert parse_body(body.encode(), "application/json") == texts
    except EventError as error:  # only the nesting limit may refuse generated events
        assert error.rule == "max_depth"
