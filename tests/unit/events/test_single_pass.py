"""The one-pass ingestion path (decision 113): each event decoded once, its fast path answering
exactly what the exact path answers, one walk of `data`, per-request time/ids/line prefix."""

import json
import random
import re
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from datalake.events import EventError, ids, parsing, validate_envelope
from datalake.events import envelope as envelope_module
from datalake.events import ingest as ingest_module
from datalake.events.ingest import plan_ingest, results_response
from datalake.events.layout import RequestLayout, raw_key, raw_line
from datalake.events.limits import MAX_KEY_CHARS, MAX_NESTING_DEPTH, MAX_STRING_CHARS
from datalake.events.parsing import ParsedBody, decode_event, parse_request
from datalake.events.timestamps import format_utc

NOW = datetime(2026, 11, 25, 10, 0, 1, 123456, tzinfo=timezone.utc)
EVENT = {"source": "iot", "event_type": "reading", "data": {"device_id": "d1", "t": 21.5}}


def _answer(body: bytes, exact: bool) -> tuple:
    """What a request-level parse answers: (texts, is_batch, values) or the EventError's parts."""
    try:
        if exact:
            parsing.check_content_type("application/json")
            parsed = parsing._parse_exact(parsing._decode_text(body))
        else:
            parsed = parse_request(body, "application/json")
    except EventError as error:
        return ("error", error.status, error.field, error.rule, str(error))
    return (parsed.texts, parsed.is_batch, parsed.values)


def _nested_data(levels: int, leaf) -> dict:
    """`data` of an event whose innermost object, at nesting level `levels` (the event is level 1,
    `data` level 2), holds {"a": leaf}."""
    value = {"a": leaf}
    for _ in range(levels - 2):
        value = {"a": value}
    return value


# --- the fast path decides exactly what the exact path decides -------------------------------

EDGE_BODIES = [
    json.dumps(EVENT).encode(),
    b'  \r\n{"source":"iot","event_type":"r","data":{}}\n\t ',
    b'{"source":"iot","event_type":"r","data":{}} x',
    b'{"source":"iot","event_type":"r","data":{}}{}',
    b'{"source":"iot","source":"web","event_type":"r","data":{}}',
    b'{"source":"iot","event_type":"r","data":{"x":1e999}}',
    b'{"source":"iot","event_type":"r","data":{"x":NaN}}',
    b'{"source":"iot","event_type":"r","data":{"x":"\\ud800"}}',
    b'{"source":"iot","event_type":"r","data":{"x":"\\ud83d\\ude00"}}',
    b'{"source":"iot","event_type":"r","data":{"x":"\\\\ud800"}}',
    b'{"events":[{"source":"iot","event_type":"r","data":{"x":"\\udc00"}}]}',
    b'{"events":[]}',
    b'{"events":[{}],"events":[{}]}',
    b'{"events":[{}],"x":1}',
    b'{"events":[{},]}',
    b'{"events":[{}, 1]}',
    b'{"events":[{}, []]}',
    b'{"events":[{}]} x',
    b'{"events" : [ {} , {"a":[1,{"b":2}]} ]\n}',
    b'{"\\u0065vents":[{"a":1}]}',
    b'{"events":[' + b"[" * 3000 + b"]}",
    b'{"a":' * 3000,
    b"[" * 67 + b"]" * 67,
    b'{"s":"' + b"[" * 100 + b'"}',
    json.dumps({"events": [EVENT] * 500}).encode(),
    json.dumps({"events": [EVENT] * 501}).encode(),
    json.dumps({"events": [EVENT, {"source": "iot", "data": _nested_data(31, 1)}]}).encode(),
    json.dumps({"events": [EVENT, {"source": "iot", "data": _nested_data(32, [])}]}).encode(),
    json.dumps({"source": "iot", "data": _nested_data(31, {})}).encode(),
    json.dumps({"source": "iot", "data": _nested_data(32, {})}).encode(),
    json.dumps({"source": _nested_data(33, 1)}).encode(),
]


@pytest.mark.parametrize("body", EDGE_BODIES, ids=range(len(EDGE_BODIES)))
def test_fast_path_answers_like_the_exact_path(body):
    assert _answer(body, exact=False) == _answer(body, exact=True)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.dictionaries(st.text(max_size=6), json_values, max_size=4), min_size=1, max_size=4),
    st.booleans(),
    st.sampled_from(["", " ", "\n", "\t\r\n"]),
    st.integers(min_value=0, max_value=400),
    st.sampled_from(["", "x", "]", ",", "}", "\\", '"', "[", "{"]),
)
def test_fast_path_answers_like_the_exact_path_on_mutated_bodies(events, batch, ws, cut, insert):
    if batch:
        text = "{" + ws + '"events"' + ws + ":" + ws + "[" + f"{ws},{ws}".join(
            json.dumps(e, ensure_ascii=bool(cut % 2)) for e in events
        ) + ws + "]" + ws + "}"
    else:
        text = ws + json.dumps(events[0]) + ws
    for body in (text, text[:cut] + insert + text[cut:]):
        raw = body.encode("utf-8", "surrogatepass")
        assert _answer(raw, exact=False) == _answer(raw, exact=True)


def test_each_event_is_decoded_once(monkeypatch):
    calls = []
    real = parsing._unique_object

    def counting(pairs):
        calls.append(len(pairs))
        return real(pairs)

    monkeypatch.setattr(parsing, "_DECODER", json.JSONDecoder(
        object_pairs_hook=counting, parse_constant=parsing._reject_constant,
        parse_float=parsing._finite_float,
    ))
    events = [{"source": "iot", "event_type": "r", "data": {"i": i}} for i in range(3)]
    for body, count in ((json.dumps(events[0]), 1), (json.dumps({"events": events}), 3)):
        calls.clear()
        plan_ingest(parse_request(body.encode(), None), "req-1", NOW)
        assert len(calls) == 2 * count  # each event and its data built once, none again


def test_plan_ingest_uses_the_decoded_values_and_decodes_hand_made_bodies(monkeypatch):
    parsed = parse_request(json.dumps(EVENT).encode(), None)
    assert parsed.values == [EVENT]

    def no_decoding(text):
        raise AssertionError("decoded a second time")

    monkeypatch.setattr(ingest_module, "decode_event", no_decoding)
    assert plan_ingest(parsed, "req-1", NOW).accepted == 1
    monkeypatch.undo()
    by_hand = ParsedBody([json.dumps(EVENT), '{"source":"x"}'], True)
    plan = plan_ingest(by_hand, "req-1", NOW)
    assert [o.accepted for o in plan.outcomes] == [True, False]


def test_closing_brackets_alone_have_depth_zero():
    assert parsing._max_depth_of_text("]]]}") == 0
    assert parsing._max_depth_of_text('[{"a": "]]]"}]') == 2


def test_duplicate_key_message_names_the_first_repeated_key():
    with pytest.raises(ValueError, match="duplicate key 'b'"):
        decode_event('{"a": 1, "b": 2, "c": 3, "b": 4, "a": 5}')
    assert decode_event('{"a": {"a": 1}, "b": [{"a": 2}]}') == {"a": {"a": 1}, "b": [{"a": 2}]}


def test_only_accepted_content_types_are_remembered():
    for _ in range(2):
        parsing.check_content_type("application/json; charset=utf-8")
        with pytest.raises(EventError):
            parsing.check_content_type("text/plain")
    assert "text/plain" not in parsing._ACCEPTED_TYPES


# --- one walk of data: the limits, at the right path ------------------------------------------


def _data_errors(data) -> list[tuple[str, str]]:
    event = {"source": "iot", "event_type": "r", "data": data}
    return [(e.field, e.rule) for e in validate_envelope(event)]


def test_depth_33_is_refused_at_request_level_and_32_accepted():
    at_limit = {"source": "iot", "event_type": "r", "data": _nested_data(MAX_NESTING_DEPTH - 1, {})}
    assert parse_request(json.dumps(at_limit).encode(), None).values == [at_limit]
    too_deep = {"source": "iot", "event_type": "r", "data": _nested_data(MAX_NESTING_DEPTH, {})}
    for body, field in (
        (too_deep, "body"),
        ({"events": [at_limit, too_deep]}, "events[1]"),
        ({**at_limit, "source": _nested_data(MAX_NESTING_DEPTH + 1, 1)}, "body"),
    ):
        with pytest.raises(EventError) as info:
            parse_request(json.dumps(body).encode(), None)
        assert (info.value.status, info.value.field, info.value.rule) == (400, field, "max_depth")


def test_a_value_at_level_33_is_named_by_its_path():
    data = _nested_data(MAX_NESTING_DEPTH, 7)  # the innermost object is level 32, its value 33
    path = "data" + ".a" * (MAX_NESTING_DEPTH - 1)
    assert _data_errors(data) == [(path, "max_depth")]
    assert _data_errors(_nested_data(MAX_NESTING_DEPTH - 1, 7)) == []
    body = json.dumps({"source": "iot", "event_type": "r", "data": data}).encode()
    plan = plan_ingest(parse_request(body, None), "req-1", NOW)
    response = json.loads(results_response(plan)["body"])
    assert response["errors"][0]["field"] == path
    assert response["errors"][0]["rule"] == "max_depth"


def test_strings_over_16384_characters_are_named_by_their_path():
    ok = "x" * MAX_STRING_CHARS
    long = ok + "é"
    data = {"ok": ok, "list": [1, long], "obj": {"deep": [{"s": long}]}, "a b": long}
    assert _data_errors(data) == [
        ("data.list[1]", "max_length"),
        ("data.obj.deep[0].s", "max_length"),
        ('data["a b"]', "max_length"),
    ]


def test_keys_over_256_characters_are_named_and_not_walked_into():
    long_key = "k" * (MAX_KEY_CHARS + 1)
    data = {"k" * MAX_KEY_CHARS: 1, "o": {long_key: {"s": "x" * (MAX_STRING_CHARS + 1)}}}
    errors = validate_envelope({"source": "iot", "event_type": "r", "data": data})
    assert [(e.field, e.rule) for e in errors] == [
        (f'data.o["{"k" * 40}..."]', "max_key_length")
    ]
    assert errors[0].message == f"object key is {MAX_KEY_CHARS + 1} characters; the limit is 256"


def test_walk_reports_in_document_order_and_checks_python_built_values():
    data = {
        "n": [float("nan"), {"i": float("inf")}],
        "deep": _nested_data(MAX_NESTING_DEPTH, [1, 2]),
        "s": "y" * (MAX_STRING_CHARS + 1),
    }
    fields = [field for field, _ in _data_errors(data)]
    assert fields == ["data.n[0]", "data.n[1].i", "data.deep" + ".a" * (MAX_NESTING_DEPTH - 2),
                      "data.s"]


def test_remembered_sources_never_let_an_invalid_one_through(monkeypatch):
    monkeypatch.setattr(envelope_module, "_VALID_SOURCES", set())
    monkeypatch.setattr(envelope_module, "_VALID_VALUES_MAX", 3)
    for source in ["a", "b", "c", "d", "e", "a"]:
        assert _errors_of_source(source) == []
    assert envelope_module._VALID_SOURCES == {"a", "b", "c"}
    for source in ["A", "", "a/b", 7, "x" * 64]:
        assert _errors_of_source(source) != []


def _errors_of_source(source) -> list:
    return validate_envelope({"source": source, "event_type": "r", "data": {}})


# --- per request: ids, arrival time, lines ----------------------------------------------------

UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def test_ingest_ids_are_unique_uuid4s():
    made = ids.new_ingest_ids(2000) + ids.take_ingest_ids(700) + ids.take_ingest_ids(1)
    assert len(set(made)) == len(made)
    for text in made:
        assert UUID4.match(text)
        parsed = uuid.UUID(text)
        assert (parsed.version, parsed.variant, str(parsed)) == (4, uuid.RFC_4122, text)
    assert ids.take_ingest_ids(0) == [] and ids.new_ingest_ids(0) == []
    with pytest.raises(ValueError):
        ids.new_ingest_ids(-1)


def test_a_forked_child_does_not_reuse_the_parents_ids():
    ids.take_ingest_ids(1)
    assert ids._pool
    ids._forget_pool()  # what os.register_at_fork runs in the child
    assert ids._pool == []
    assert UUID4.match(ids.take_ingest_ids(1)[0])


def test_every_accepted_event_gets_its_own_id():
    body = json.dumps({"events": [EVENT] * 500}).encode()
    plan = plan_ingest(parse_request(body, None), "req-1", NOW)
    got = [o.ingest_id for o in plan.outcomes]
    assert len(set(got)) == 500 and all(UUID4.match(i) for i in got)


def _moments():
    rng = random.Random(113)
    for _ in range(3000):
        moment = datetime(rng.randint(1, 9999), rng.randint(1, 12), rng.randint(1, 28),
                          rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59),
                          rng.choice([0, 1, 999999, rng.randint(0, 999999)]))
        offset = timezone(timedelta(minutes=rng.randint(-1439, 1439)))
        for candidate in (moment, moment.replace(tzinfo=timezone.utc),
                          moment.replace(tzinfo=offset)):
            try:
                candidate.astimezone(timezone.utc)
            except OverflowError:
                continue
            yield candidate


def test_arrival_time_texts_are_those_of_strftime():
    for moment in _moments():
        utc = (moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None
               else moment.astimezone(timezone.utc))
        assert format_utc(moment) == utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        assert raw_key("iot", moment, "r-1") == (
            f"iot/year={utc.year:04d}/month={utc.month:02d}/day={utc.day:02d}/"
            f"{utc.strftime('%Y%m%dT%H%M%S%fZ')}-r-1.json"
        )


@settings(max_examples=200, deadline=None)
@given(st.text(), st.text(max_size=40), st.text(max_size=40))
def test_raw_lines_are_those_of_json_dumps(body_text, ingest_id, request_id):
    expected = json.dumps(
        {"ingest_id": ingest_id, "request_id": request_id, "received_at": format_utc(NOW),
         "body": body_text},
        separators=(",", ":"), ensure_ascii=True,
    )
    assert raw_line(body_text, ingest_id, request_id, NOW) == expected
    assert RequestLayout(request_id, NOW).line(body_text, ingest_id) == expected


def test_raw_lines_of_non_string_ids_still_match_json_dumps():
    expected = json.dumps(
        {"ingest_id": 5, "request_id": None, "received_at": format_utc(NOW), "body": "{}"},
        separators=(",", ":"), ensure_ascii=True,
    )
    assert raw_line("{}", 5, None, NOW) == expected


def test_one_object_per_source_in_request_order_with_one_key_each():
    events = [
        {"source": "web", "event_type": "a", "data": {}},
        {"source": "iot", "event_type": "b", "data": {}},
        {"source": "bad/x", "event_type": "c", "data": {}},
        {"source": "web", "event_type": "d", "data": {}},
    ]
    body = json.dumps({"events": events}).encode()
    counter = iter(range(100))
    plan = plan_ingest(parse_request(body, None), "req-1", NOW, new_id=lambda: f"id{next(counter)}")
    stamp = "20261125T100001123456Z"
    assert list(plan.objects) == [
        f"web/year=2026/month=11/day=25/{stamp}-req-1.json",
        f"iot/year=2026/month=11/day=25/{stamp}-req-1.json",
    ]
    web = plan.objects[f"web/year=2026/month=11/day=25/{stamp}-req-1.json"].decode()
    assert web.endswith("\n") and web.count("\n") == 2
    assert [json.loads(line)["ingest_id"] for line in web.splitlines()] == ["id0", "id2"]
    assert [json.loads(line)["body"] for line in web.splitlines()] == [
        json.dumps(events[0]), json.dumps(events[3])
    ]
