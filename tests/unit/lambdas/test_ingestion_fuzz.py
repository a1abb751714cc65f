"""Property-based: whatever the body, the ingestion Lambda answers 200/400/413/415, never 5xx;
a rejected request writes nothing; an accepted one writes exactly its accepted events, verbatim."""

import base64
import json

import boto3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto import mock_aws

from datalake import aws

BUCKET = "fuzz-raw-bucket"

scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
field_values = {
    "source": st.sampled_from(["iot", "web", "mobile", "x_1", "", "../a", "a/b", "A", "ü", " "])
    | json_values,
    "event_type": st.sampled_from(["reading", "", "x" * 129]) | json_values,
    "timestamp": st.sampled_from(
        ["2026-11-25T10:00:00Z", "2026-11-25", "bad", "1800-01-01T00:00:00Z"]
    )
    | json_values,
    "event_id": st.text(max_size=10) | json_values,
    "data": st.dictionaries(st.text(max_size=8), json_values, max_size=4) | json_values,
    "extra": json_values,
}
events = st.fixed_dictionaries(
    {}, optional={name: strategy for name, strategy in field_values.items()}
)
valid_events = st.fixed_dictionaries(
    {
        "source": st.sampled_from(["iot", "web", "app-1"]),
        "event_type": st.just("r"),
        "data": st.dictionaries(st.text(max_size=8), json_values, max_size=4),
    },
    optional={"event_id": st.text(min_size=1, max_size=10).filter(str.isprintable)},
)
bodies = (
    st.binary(max_size=200)
    | st.lists(valid_events | events, min_size=1, max_size=6).map(
        lambda evs: json.dumps({"events": evs}, ensure_ascii=False).encode()
    )
    | events.map(json.dumps).map(str.encode)
    | st.lists(events | json_values, max_size=6).map(
        lambda evs: json.dumps({"events": evs}).encode()
    )
    | json_values.map(lambda v: json.dumps(v).encode())
)
content_types = st.sampled_from(
    [
        None,
        "application/json",
        "text/plain",
        "application/json; charset=utf-8",
        "application/xml",
        "",
    ]
)


def _keys(s3) -> list[str]:
    return [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_no_5xx_and_no_write_for_rejected_requests(ingestion, monkeypatch):
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("RAW_BUCKET", BUCKET)
    aws.clear_clients()
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        counter = iter(range(10**6))
        seen: set[int] = set()

        @settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
        @given(body=bodies, content_type=content_types)
        def check(body, content_type):
            before = set(_keys(s3))
            event = {  # any bytes: sent base64-encoded, as API Gateway does for binary bodies
                "httpMethod": "POST",
                "headers": {"Content-Type": content_type} if content_type is not None else {},
                "requestContext": {"requestId": f"fuzz-{next(counter)}"},
                "body": base64.b64encode(body).decode(),
                "isBase64Encoded": True,
            }
            response = ingestion.handler(event, None)
            status = response["statusCode"]
            seen.add(status)
            assert status in (200, 400, 413, 415), response
            result = json.loads(response["body"])
            new = set(_keys(s3)) - before
            if status != 200:
                assert new == set()
                return
            assert result["accepted"] >= 1
            lines = [
                json.loads(line)
                for key in new
                for line in s3.get_object(Bucket=BUCKET, Key=key)["Body"]
                .read()
                .decode()
                .splitlines()
            ]
            assert len(lines) == result["accepted"]
            assert all(line["body"].encode() in body for line in lines)

        check()
        assert {200, 400, 415} <= seen  # the run exercised acceptance and both rejections
    aws.clear_clients()
