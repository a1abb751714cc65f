"""S3 → Lambda: the handler appends each event it receives to an S3 object we read back."""

import json
import time
import uuid

import boto3
import pytest
import requests

from localcloud.testing import ensure_role, zip_files

RECORDER = '''
import json, os, boto3

def handler(event, context):
    s3 = boto3.client("s3")
    rec = event["Records"][0]
    key = rec["s3"]["object"]["key"]
    if "fail" in key:
        raise RuntimeError("refusing " + key)
    s3.put_object(Bucket=os.environ["SINK"], Key=context.aws_request_id + ".json",
                  Body=json.dumps(event).encode())
'''


@pytest.fixture(scope="module")
def setup(local_cloud):
    kw = {"endpoint_url": local_cloud.config.endpoint, "region_name": "us-east-1"}
    s3, lam = boto3.client("s3", **kw), boto3.client("lambda", **kw)
    suffix = uuid.uuid4().hex[:8]
    bucket, sink = f"src-{suffix}", f"sink-{suffix}"
    s3.create_bucket(Bucket=bucket)
    s3.create_bucket(Bucket=sink)
    arn = lam.create_function(
        FunctionName=f"recorder-{suffix}", Runtime="python3.11",
        Role=ensure_role(boto3.client("iam", **kw)), Handler="app.handler",
        Code={"ZipFile": zip_files({"app.py": RECORDER})},
        Environment={"Variables": {"SINK": sink}})["FunctionArn"]
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={
        "LambdaFunctionConfigurations": [
            {"Id": "created-json", "LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"],
             "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "raw/"},
                                                {"Name": "suffix", "Value": ".json"}]}}},
            {"Id": "removed", "LambdaFunctionArn": arn, "Events": ["s3:ObjectRemoved:*"],
             "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "raw/"}]}}},
        ]})
    runtime = local_cloud.services["lambda"]
    return s3, bucket, sink, runtime, arn.split(":")[-1]


def _events(s3, sink, expected, timeout=20.0):
    deadline = time.monotonic() + timeout
    while True:
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=sink).get("Contents", [])]
        if len(keys) >= expected or time.monotonic() > deadline:
            return [json.loads(s3.get_object(Bucket=sink, Key=k)["Body"].read()) for k in keys]
        time.sleep(0.1)


def _clear(s3, sink):
    for obj in s3.list_objects_v2(Bucket=sink).get("Contents", []):
        s3.delete_object(Bucket=sink, Key=obj["Key"])


def test_put_sends_exact_record_with_filters(setup):
    s3, bucket, sink, runtime, _ = setup
    _clear(s3, sink)
    put = s3.put_object(Bucket=bucket, Key="raw/year=2026/a b.json", Body=b'{"x": 1}')
    s3.put_object(Bucket=bucket, Key="raw/skip.txt", Body=b"no")  # suffix filter
    s3.put_object(Bucket=bucket, Key="other/c.json", Body=b"no")  # prefix filter
    runtime.events.wait_idle()
    events = _events(s3, sink, 1)
    assert len(events) == 1
    record = events[0]["Records"][0]
    assert record["eventVersion"] == "2.1"
    assert record["eventSource"] == "aws:s3"
    assert record["awsRegion"] == "us-east-1"
    assert record["eventName"] == "ObjectCreated:Put"
    assert record["eventTime"].endswith("Z")
    assert record["userIdentity"]["principalId"].startswith("AWS:")
    assert record["requestParameters"] == {"sourceIPAddress": "127.0.0.1"}
    assert set(record["responseElements"]) == {"x-amz-request-id", "x-amz-id-2"}
    assert record["s3"]["configurationId"] == "created-json"
    assert record["s3"]["bucket"]["name"] == bucket
    assert record["s3"]["bucket"]["arn"] == f"arn:aws:s3:::{bucket}"
    assert "principalId" in record["s3"]["bucket"]["ownerIdentity"]
    obj = record["s3"]["object"]
    assert obj["key"] == "raw/year%3D2026/a+b.json"
    assert obj["size"] == 8
    assert obj["eTag"] == put["ETag"].strip('"')
    assert len(obj["sequencer"]) >= 16


def test_copy_multipart_and_delete_events(setup):
    s3, bucket, sink, runtime, _ = setup
    _clear(s3, sink)
    s3.put_object(Bucket=bucket, Key="staging/src.json", Body=b"{}")
    s3.copy_object(Bucket=bucket, Key="raw/copied.json",
                   CopySource={"Bucket": bucket, "Key": "staging/src.json"})
    upload = s3.create_multipart_upload(Bucket=bucket, Key="raw/big.json")
    part = s3.upload_part(Bucket=bucket, Key="raw/big.json", UploadId=upload["UploadId"],
                          PartNumber=1, Body=b"x" * (5 * 1024 * 1024))
    s3.complete_multipart_upload(Bucket=bucket, Key="raw/big.json", UploadId=upload["UploadId"],
                                 MultipartUpload={"Parts": [{"PartNumber": 1,
                                                             "ETag": part["ETag"]}]})
    s3.delete_object(Bucket=bucket, Key="raw/copied.json")
    runtime.events.wait_idle()
    events = _events(s3, sink, 3)
    names = sorted((e["Records"][0]["eventName"], e["Records"][0]["s3"]["object"]["key"])
                   for e in events)
    assert names == [("ObjectCreated:CompleteMultipartUpload", "raw/big.json"),
                     ("ObjectCreated:Copy", "raw/copied.json"),
                     ("ObjectRemoved:Delete", "raw/copied.json")]
    big = next(e for e in events if e["Records"][0]["eventName"].endswith("Upload"))
    assert big["Records"][0]["s3"]["object"]["size"] == 5 * 1024 * 1024


def test_presigned_post_upload_is_notified(setup):
    s3, bucket, sink, runtime, _ = setup
    _clear(s3, sink)
    form = s3.generate_presigned_post(Bucket=bucket, Key="raw/${filename}")
    response = requests.post(form["url"], data=form["fields"],
                             files={"file": ("posted.json", b'{"p": 1}')}, timeout=30)
    assert response.status_code in (200, 201, 204)
    runtime.events.wait_idle()
    events = _events(s3, sink, 1)
    assert [e["Records"][0]["eventName"] for e in events] == ["ObjectCreated:Post"]
    assert events[0]["Records"][0]["s3"]["object"]["key"] == "raw/posted.json"


def test_failing_function_is_retried_twice_then_recorded(setup, local_cloud):
    s3, bucket, sink, runtime, name = setup
    runtime.events.retry_delays = (0.05, 0.05)
    try:
        s3.put_object(Bucket=bucket, Key="raw/fail-me.json", Body=b"{}")
        assert runtime.events.wait_idle(30)
    finally:
        runtime.events.retry_delays = (60.0, 120.0)
    failures = [json.loads(line) for line in runtime.events.failures_path.read_text().splitlines()]
    mine = [f for f in failures if "raw/fail-me.json" in f["payload"]]
    assert len(mine) == 1
    assert mine[0]["attempts"] == 3
    assert "refusing raw/fail-me.json" in mine[0]["last_error"]
    logs = boto3.client("logs", endpoint_url=local_cloud.config.endpoint,
                        region_name="us-east-1")
    local_cloud.services["telemetry"].flush()
    messages = [e["message"] for e in logs.filter_log_events(
        logGroupName=f"/aws/lambda/{name}")["events"]]
    request_id = mine[0]["request_id"]
    assert sum(m.startswith(f"START RequestId: {request_id}") for m in messages) == 3
