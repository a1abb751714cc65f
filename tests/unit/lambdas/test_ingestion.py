"""The ingestion Lambda against a moto-mocked S3 and CloudWatch: exact responses, exact objects."""

import base64
import json
import re
from datetime import datetime, timezone

import pytest

from datalake import aws
from datalake.events.limits import MAX_REQUEST_BYTES

ARRIVAL = datetime(2026, 11, 25, 10, 0, 1, 123456, tzinfo=timezone.utc)
PREFIX = "year=2026/month=11/day=25/20261125T100001123456Z-req-1.json"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
IOT = '{"source": "iot", "event_type": "reading", "event_id": "e1", "timestamp": "2026-11-25T09:59:00Z", "data": {"device_id": "d1", "temperature": 21.50}}'  # noqa: E501
WEB = '{"event_type":"view","source":"web","data":{"session_id":"s","page":"/é"}}'
CORS = "Access-Control-Allow-Origin"


def api_event(body, content_type="application/json", *, method="POST", encode=False, headers=None):
    """An API Gateway REST proxy event as the AWS_PROXY integration sends it."""
    all_headers = {"Content-Type": content_type} if content_type else {}
    all_headers.update(headers or {})
    if isinstance(body, bytes):
        body = base64.b64encode(body).decode() if encode else body.decode()
    return {
        "resource": "/ingest",
        "path": "/ingest",
        "httpMethod": method,
        "headers": all_headers,
        "multiValueHeaders": {k: [v] for k, v in all_headers.items()},
        "queryStringParameters": None,
        "pathParameters": None,
        "requestContext": {
            "requestId": "req-1",
            "stage": "prod",
            "resourcePath": "/ingest",
            "httpMethod": method,
            "identity": {"apiKey": "secret-key-123"},
        },
        "body": body,
        "isBase64Encoded": encode,
    }


@pytest.fixture
def ingest(ingestion, cloud, monkeypatch):
    monkeypatch.setattr(ingestion, "_now", lambda: ARRIVAL)

    def call(event):
        response = ingestion.handler(event, None)
        assert response["headers"][CORS] == "*"
        assert response["headers"]["Content-Type"] == "application/json"
        return response["statusCode"], json.loads(response["body"])

    return call


def _lines(content: bytes) -> list[dict]:
    assert content.endswith(b"\n") and content.isascii()
    return [json.loads(line) for line in content.decode().splitlines()]


def test_single_event_is_stored_byte_for_byte(ingest, cloud):
    status, body = ingest(api_event(IOT))
    assert status == 200
    (result,) = body["results"]
    assert UUID.match(result.pop("ingest_id"))
    assert body == {
        "accepted": 1,
        "rejected": 0,
        "request_id": "req-1",
        "results": [{"index": 0, "event_id": "e1", "status": "accepted", "errors": []}],
    }
    objects = cloud.raw_objects()
    assert list(objects) == [f"iot/{PREFIX}"]
    (line,) = _lines(objects[f"iot/{PREFIX}"])
    assert line["body"].encode("utf-8") == IOT.encode("utf-8")
    assert line["request_id"] == "req-1" and line["received_at"] == "2026-11-25T10:00:01.123456Z"
    assert UUID.match(line["ingest_id"])
    assert list(line) == ["ingest_id", "request_id", "received_at", "body"]


def test_batch_is_split_into_one_object_per_source_in_request_order(ingest, cloud):
    iot2 = '{"source":"iot","event_type":"r","data":{"device_id":"d2"}}'
    body = f'{{"events": [{IOT},\n {WEB}, {iot2}]}}'.encode()
    status, response = ingest(api_event(body))
    assert status == 200
    assert (response["accepted"], response["rejected"]) == (3, 0)
    assert [r["event_id"] for r in response["results"]] == ["e1", None, None]
    objects = cloud.raw_objects()
    assert sorted(objects) == [f"iot/{PREFIX}", f"web/{PREFIX}"]
    iot_lines = _lines(objects[f"iot/{PREFIX}"])
    assert [line["body"] for line in iot_lines] == [IOT, iot2]
    assert [line["body"] for line in _lines(objects[f"web/{PREFIX}"])] == [WEB]
    ids = {r["index"]: r["ingest_id"] for r in response["results"]}
    assert [line["ingest_id"] for line in iot_lines] == [ids[0], ids[2]]
    assert all(b"".join(line["body"].encode() for line in iot_lines[:1]) in body for _ in [0])


def test_batch_with_invalid_events_stores_only_the_valid_ones(ingest, cloud):
    bad = '{"source":"../etc","event_type":"r","data":{}}'
    status, body = ingest(api_event(f'{{"events":[{bad},{WEB}]}}'))
    assert status == 200
    assert (body["accepted"], body["rejected"]) == (1, 1)
    assert body["results"][0] == {
        "index": 0,
        "event_id": None,
        "status": "rejected",
        "errors": [
            {
                "field": "source",
                "rule": "pattern",
                "message": body["results"][0]["errors"][0]["message"],
            }
        ],
    }
    assert body["results"][1]["status"] == "accepted"
    assert list(cloud.raw_objects()) == [f"web/{PREFIX}"]


def test_batch_with_only_invalid_events_is_400_naming_each_field(ingest, cloud):
    status, body = ingest(
        api_event(
            '{"events":[{"source":"a b","event_type":"r","data":{}},{"source":"iot","data":[]}]}'
        )
    )
    assert status == 400
    assert [(e["field"], e["rule"]) for e in body["errors"]] == [
        ("events[0].source", "pattern"),
        ("events[1].event_type", "required"),
        ("events[1].data", "type"),
    ]
    assert body["message"].startswith("no event accepted; first error: events[0].source:")
    assert (body["accepted"], body["rejected"]) == (0, 2)
    assert cloud.raw_objects() == {}


def _deep(levels):
    value = {}
    for _ in range(levels):
        value = {"a": value}
    return json.dumps({"source": "iot", "event_type": "r", "data": value})


def _event(**fields):
    base = {"source": "iot", "event_type": "r", "data": {"device_id": "d"}}
    base.update(fields)
    return json.dumps({k: v for k, v in base.items() if v is not ...})


BAD_REQUESTS = [
    ("invalid JSON", api_event('{"source": "iot",'), 400, "body", "invalid_json"),
    ("not an object", api_event("[1, 2]"), 400, "body", "type"),
    ("wrong content type", api_event(IOT, "text/plain"), 415, "Content-Type", "media_type"),
    (
        "form content type",
        api_event(IOT, "application/x-www-form-urlencoded"),
        415,
        "Content-Type",
        "media_type",
    ),
    ("empty body", api_event(""), 400, "body", "required"),
    ("no body", {**api_event(""), "body": None}, 400, "body", "required"),
    (
        "over the limit",
        api_event(b'{"source":"iot","data":{"s":"' + b"x" * MAX_REQUEST_BYTES + b'"}}'),
        413,
        "body",
        "max_bytes",
    ),
    (
        "batch over 500",
        api_event(json.dumps({"events": [json.loads(WEB)] * 501})),
        400,
        "events",
        "max_items",
    ),
    ("empty batch", api_event('{"events": []}'), 400, "events", "min_items"),
    ("missing source", api_event(_event(source=...)), 400, "source", "required"),
    ("source with /", api_event(_event(source="a/b")), 400, "source", "pattern"),
    ("source with ..", api_event(_event(source="..")), 400, "source", "pattern"),
    ("source with ../", api_event(_event(source="../raw")), 400, "source", "pattern"),
    ("source with space", api_event(_event(source="my source")), 400, "source", "pattern"),
    ("source with unicode", api_event(_event(source="ïot")), 400, "source", "pattern"),
    ("source too long", api_event(_event(source="a" * 64)), 400, "source", "max_length"),
    ("non-object data", api_event(_event(data=[1])), 400, "data", "type"),
    ("string data", api_event(_event(data="x")), 400, "data", "type"),
    ("deep nesting", api_event(_deep(40)), 400, "body", "max_depth"),
    ("huge string", api_event(_event(data={"s": "x" * 20000})), 400, "data.s", "max_length"),
    ("invalid timestamp", api_event(_event(timestamp="25/11/2026")), 400, "timestamp", "format"),
    (
        "naive timestamp",
        api_event(_event(timestamp="2026-11-25T10:00:00")),
        400,
        "timestamp",
        "format",
    ),
    (
        "timestamp year 1900",
        api_event(_event(timestamp="1900-01-01T00:00:00Z")),
        400,
        "timestamp",
        "range",
    ),
    ("numeric timestamp", api_event(_event(timestamp=1764064800)), 400, "timestamp", "type"),
    ("numeric source", api_event(_event(source=7)), 400, "source", "type"),
    ("numeric event_type", api_event(_event(event_type=7)), 400, "event_type", "type"),
    ("object event_id", api_event(_event(event_id={"a": 1})), 400, "event_id", "type"),
    ("unknown field", api_event(_event(extra=1)), 400, "extra", "unknown_field"),
    (
        "duplicate keys",
        api_event('{"source":"iot","source":"web","event_type":"r","data":{}}'),
        400,
        "body",
        "invalid_json",
    ),
    (
        "invalid base64",
        api_event("@@@", encode=False) | {"isBase64Encoded": True},
        400,
        "body",
        "encoding",
    ),
    (
        "invalid utf-8",
        api_event(base64.b64encode(b'{"source":"\xff"}').decode()) | {"isBase64Encoded": True},
        400,
        "body",
        "encoding",
    ),
]


@pytest.mark.parametrize(
    ("request_", "status", "field", "rule"),
    [r[1:] for r in BAD_REQUESTS],
    ids=[r[0] for r in BAD_REQUESTS],
)
def test_bad_requests_get_their_status_field_rule_and_write_nothing(
    ingest, cloud, request_, status, field, rule
):
    got_status, body = ingest(request_)
    assert got_status == status
    assert body["errors"][0]["field"] == field and body["errors"][0]["rule"] == rule
    assert field in body["message"] and rule in body["message"]
    assert body["request_id"] == "req-1"
    assert cloud.raw_objects() == {}


def test_request_level_error_body_is_exact(ingest):
    status, body = ingest(api_event(IOT, "text/csv"))
    assert status == 415
    assert body == {
        "message": "Content-Type: 'text/csv' is not supported; send application/json "
        "(rule: media_type)",
        "errors": [
            {
                "field": "Content-Type",
                "rule": "media_type",
                "message": "'text/csv' is not supported; send application/json",
            }
        ],
        "request_id": "req-1",
    }


def test_single_invalid_event_is_400_with_plain_field_names(ingest, cloud):
    status, body = ingest(api_event(_event(source="../x")))
    assert status == 400
    assert body["errors"] == [
        {"field": "source", "rule": "pattern", "message": body["errors"][0]["message"]}
    ]
    assert body["results"][0]["status"] == "rejected"


def test_headers_are_case_insensitive_and_base64_bodies_decoded(ingest, cloud):
    event = api_event(
        IOT.encode(), None, encode=True, headers={"CONTENT-TYPE": "Application/Json; Charset=UTF-8"}
    )
    assert ingest(event)[0] == 200
    event = api_event(IOT, None, headers={"content-type": "text/plain"})
    assert ingest(event)[0] == 415
    ((key, content),) = cloud.raw_objects().items()
    assert _lines(content)[0]["body"] == IOT


def test_missing_bucket_is_500_and_acknowledges_nothing(ingest, cloud, monkeypatch):
    monkeypatch.setenv("RAW_BUCKET", "no-such-bucket-here")
    status, body = ingest(api_event(IOT))
    assert status == 500
    assert body == {
        "message": "events could not be stored; nothing from this request is acknowledged. "
        "Retry the whole request: events with an event_id are deduplicated downstream.",
        "accepted": 0,
        "request_id": "req-1",
    }
    assert cloud.raw_objects() == {}


def test_unset_bucket_is_500(ingest, monkeypatch):
    monkeypatch.delenv("RAW_BUCKET")
    assert ingest(api_event(IOT))[0] == 500


class _FailingSecondPut:
    def __init__(self, client):
        self._client, self.calls = client, 0

    def put_object(self, **kwargs):
        self.calls += 1
        if self.calls == 2:
            raise ConnectionError("injected: second write fails")
        return self._client.put_object(**kwargs)


def test_one_failed_source_object_fails_the_whole_request(ingest, cloud, monkeypatch):
    failing = _FailingSecondPut(cloud.s3)
    real = aws.client
    with monkeypatch.context() as patch:
        patch.setattr(
            aws,
            "client",
            lambda service, target=None: failing if service == "s3" else real(service, target),
        )
        status, body = ingest(api_event(f'{{"events":[{IOT},{WEB}]}}'))
    assert (status, body["accepted"]) == (500, 0)
    assert "results" not in body
    assert failing.calls == 2


def test_events_ingested_metric_per_stack_and_source(ingest, cloud):
    ingest(api_event(f'{{"events":[{IOT},{WEB},{IOT.replace("e1", "e2")}]}}'))
    assert cloud.metric_sum("EventsIngested", {"StackName": "datalake"}) == 3
    assert cloud.metric_sum("EventsIngested", {"StackName": "datalake", "Source": "iot"}) == 2
    assert cloud.metric_sum("EventsIngested", {"StackName": "datalake", "Source": "web"}) == 1
    held = cloud.metric_dimension_sets("EventsIngested")
    for dimensions in [
        {"StackName": "datalake"},
        {"StackName": "datalake", "Source": "iot"},
        {"StackName": "datalake", "Source": "web"},
    ]:
        assert dimensions in held


def test_rejected_requests_publish_no_metric(ingest, cloud):
    ingest(api_event(_event(source="../x")))
    assert cloud.metric_sum("EventsIngested", {"StackName": "datalake"}) is None


def test_metric_failure_does_not_fail_ingestion(ingest, cloud, monkeypatch):
    class Broken:
        def put_metric_data(self, **kwargs):
            raise RuntimeError("cloudwatch down")

    real = aws.client
    with monkeypatch.context() as patch:
        patch.setattr(
            aws,
            "client",
            lambda service, target=None: (
                Broken() if service == "cloudwatch" else real(service, target)
            ),
        )
        assert ingest(api_event(IOT))[0] == 200
    assert len(cloud.raw_objects()) == 1


def test_logs_are_json_lines_without_the_api_key(ingest, capsys):
    event = api_event(IOT, headers={"x-api-key": "secret-key-123", "Authorization": "secret-auth"})
    ingest(event)
    ingest(api_event("{bad", headers={"X-Api-Key": "secret-key-123"}))
    out = capsys.readouterr().out
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["message"] for r in records] == ["request ingested", "request rejected"]
    assert records[0]["accepted"] == 1 and records[1]["rule"] == "invalid_json"
    assert "secret-key-123" not in out and "secret-auth" not in out


def test_options_get_and_other_methods(ingestion, cloud):
    options = ingestion.handler(api_event(None, method="OPTIONS"), None)
    assert options["statusCode"] == 200 and options["headers"][CORS] == "*"
    assert "POST" in options["headers"]["Access-Control-Allow-Methods"]
    health = ingestion.handler(api_event(None, method="GET"), None)
    assert (health["statusCode"], json.loads(health["body"])) == (200, {"status": "ok"})
    assert ingestion.handler(api_event(IOT, method="DELETE"), None)["statusCode"] == 405


def test_request_id_falls_back_to_the_lambda_context(ingestion, cloud):
    event = api_event(IOT)
    event["requestContext"] = {}
    context = type("Context", (), {"aws_request_id": "lambda-req-9"})()
    response = ingestion.handler(event, context)
    assert json.loads(response["body"])["request_id"] == "lambda-req-9"
    (key,) = cloud.raw_objects()
    assert key.endswith("-lambda-req-9.json")


def test_unexpected_error_is_a_500_with_cors(ingestion, cloud, monkeypatch):
    def broken(*args, **kwargs):
        raise KeyError("bug")

    monkeypatch.setattr(ingestion, "plan_ingest", broken)
    response = ingestion.handler(api_event(IOT), None)
    assert response["statusCode"] == 500 and response["headers"][CORS] == "*"
    assert json.loads(response["body"])["accepted"] == 0
    assert cloud.raw_objects() == {}
