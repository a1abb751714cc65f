import pytest

from localcloud.s3events.calls import bucket_and_key, classify_call
from localcloud.s3events.filters import event_matches, key_matches, matching_functions
from localcloud.s3events.records import build_record


@pytest.mark.parametrize("name,configured,expected", [
    ("ObjectCreated:Put", ["s3:ObjectCreated:*"], True),
    ("ObjectCreated:CompleteMultipartUpload", ["s3:ObjectCreated:Put"], False),
    ("ObjectCreated:Copy", ["s3:ObjectCreated:Copy"], True),
    ("ObjectRemoved:Delete", ["s3:ObjectCreated:*"], False),
    ("ObjectRemoved:DeleteMarkerCreated", ["s3:ObjectRemoved:*"], True),
])
def test_event_name_matching(name, configured, expected):
    assert event_matches(name, configured) is expected


def test_key_filters():
    rules = [{"Name": "Prefix", "Value": "raw/"}, {"Name": "suffix", "Value": ".json"}]
    assert key_matches("raw/a.json", rules)
    assert not key_matches("raw/a.txt", rules)
    assert not key_matches("x/raw/a.json", rules)
    assert key_matches("anything", [])


def test_matching_functions():
    config = {"LambdaFunctionConfigurations": [
        {"Id": "a", "LambdaFunctionArn": "arn:1", "Events": ["s3:ObjectCreated:*"]},
        {"Id": "b", "LambdaFunctionArn": "arn:2", "Events": ["s3:ObjectCreated:Put"],
         "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "x/"}]}}},
    ], "QueueConfigurations": [{"QueueArn": "q", "Events": ["s3:ObjectCreated:*"]}]}
    assert matching_functions(config, "ObjectCreated:Put", "x/1") == [("a", "arn:1"),
                                                                      ("b", "arn:2")]
    assert matching_functions(config, "ObjectCreated:Put", "y/1") == [("a", "arn:1")]
    assert matching_functions({}, "ObjectCreated:Put", "y/1") == []


def test_bucket_and_key_styles():
    assert bucket_and_key("/b/a%20b/c.json", "127.0.0.1:4566") == ("b", "a b/c.json")
    assert bucket_and_key("/k.json", "mybucket.localhost:4566") == ("mybucket", "k.json")
    assert bucket_and_key("/k.json", "mybucket.s3.amazonaws.com") == ("mybucket", "k.json")
    assert bucket_and_key("/b", "localhost:4566") == ("b", "")


def _classify(method, path, query=None, headers=None, body=b"", response=None):
    return [(e.event_name, e.bucket, e.key) for e in classify_call(
        method, path, query or {}, {"host": "127.0.0.1", **(headers or {})}, body,
        response or {})]


def test_classify_calls():
    assert _classify("PUT", "/b/k") == [("ObjectCreated:Put", "b", "k")]
    assert _classify("PUT", "/b/k", headers={"x-amz-copy-source": "/b/o"}) == [
        ("ObjectCreated:Copy", "b", "k")]
    assert _classify("PUT", "/b/k", {"partNumber": ["1"], "uploadId": ["u"]}) == []
    assert _classify("PUT", "/b/k", {"tagging": [""]}) == []
    assert _classify("PUT", "/b") == []
    assert _classify("POST", "/b/k", {"uploadId": ["u"]}) == [
        ("ObjectCreated:CompleteMultipartUpload", "b", "k")]
    assert _classify("POST", "/b/k", {"uploads": [""]}) == []
    assert _classify("DELETE", "/b/k") == [("ObjectRemoved:Delete", "b", "k")]
    assert _classify("DELETE", "/b/k", response={"x-amz-delete-marker": "true"}) == [
        ("ObjectRemoved:DeleteMarkerCreated", "b", "k")]
    body = b"<Delete><Object><Key>a</Key></Object><Object><Key>b/c</Key></Object></Delete>"
    assert _classify("POST", "/b", {"delete": [""]}, body=body) == [
        ("ObjectRemoved:Delete", "b", "a"), ("ObjectRemoved:Delete", "b", "b/c")]
    assert _classify("GET", "/b/k") == []


def test_record_shape():
    record = build_record(
        event_name="ObjectCreated:Put", region="us-east-1", bucket="raw",
        key="iot/year=2026/a b.json", configuration_id="cfg", owner_id="O",
        principal_id="AWS:AK", source_ip="1.2.3.4", request_id="R", host_id="H",
        size=10, etag='"abc"', version_id="v1", sequencer="00A", now=1764064800.5)
    assert record == {
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
        "eventTime": "2025-11-25T10:00:00.500Z", "eventName": "ObjectCreated:Put",
        "userIdentity": {"principalId": "AWS:AK"},
        "requestParameters": {"sourceIPAddress": "1.2.3.4"},
        "responseElements": {"x-amz-request-id": "R", "x-amz-id-2": "H"},
        "s3": {"s3SchemaVersion": "1.0", "configurationId": "cfg",
               "bucket": {"name": "raw", "ownerIdentity": {"principalId": "O"},
                          "arn": "arn:aws:s3:::raw"},
               "object": {"key": "iot/year%3D2026/a+b.json", "size": 10, "eTag": "abc",
                          "versionId": "v1", "sequencer": "00A"}},
    }


def test_sequencers_increase():
    from localcloud.s3events.records import next_sequencer

    values = [next_sequencer() for _ in range(50)]
    assert values == sorted(values)
