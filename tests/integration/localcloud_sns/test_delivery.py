"""SNS on the local cloud: deliveries to SQS (envelope and raw), Lambda and local HTTP, filter
policies, e-mail recorded, and `datalake local alerts` listing it all."""

import argparse
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, HTTPServer

import boto3
import pytest
from botocore.exceptions import ClientError

from datalake.cli import local_alerts
from localcloud.testing import ensure_role, zip_files

HANDLER = """
import json, boto3

def handler(event, context):
    record = event["Records"][0]
    boto3.client("s3").put_object(Bucket=record["Sns"]["Subject"], Key="event.json",
                                  Body=json.dumps(event).encode())
"""


@pytest.fixture(scope="module")
def aws(local_cloud):
    kw = {"endpoint_url": local_cloud.config.endpoint, "region_name": "us-east-1"}
    return {s: boto3.client(s, **kw) for s in ("sns", "sqs", "s3", "lambda", "iam")}


@pytest.fixture
def topic(aws):
    return aws["sns"].create_topic(Name=f"deliver-{uuid.uuid4().hex[:8]}")["TopicArn"]


def subscribe_queue(aws, topic, **attributes):
    url = aws["sqs"].create_queue(QueueName=f"sub-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    arn = aws["sqs"].get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    aws["sns"].subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes=attributes)
    return url


def receive(aws, url, wait=3):
    return (
        aws["sqs"]
        .receive_message(
            QueueUrl=url,
            WaitTimeSeconds=wait,
            MaxNumberOfMessages=10,
            MessageAttributeNames=["All"],
        )
        .get("Messages", [])
    )


def test_sqs_envelope_raw_delivery_and_filter_policy(aws, topic):
    plain = subscribe_queue(aws, topic)
    raw = subscribe_queue(aws, topic, RawMessageDelivery="true")
    only_alarms = subscribe_queue(aws, topic, FilterPolicy=json.dumps({"kind": ["alarm"]}))
    attributes = {"kind": {"DataType": "String", "StringValue": "report"}}
    message_id = aws["sns"].publish(
        TopicArn=topic, Message="hello", Subject="Greetings", MessageAttributes=attributes
    )["MessageId"]
    envelope = json.loads(receive(aws, plain)[0]["Body"])
    assert envelope["Type"] == "Notification" and envelope["MessageId"] == message_id
    assert (envelope["TopicArn"], envelope["Subject"], envelope["Message"]) == (
        topic,
        "Greetings",
        "hello",
    )
    assert envelope["MessageAttributes"] == {"kind": {"Type": "String", "Value": "report"}}
    raw_message = receive(aws, raw)[0]
    assert raw_message["Body"] == "hello"
    assert raw_message["MessageAttributes"]["kind"]["StringValue"] == "report"
    assert receive(aws, only_alarms, wait=1) == []
    aws["sns"].publish(
        TopicArn=topic,
        Message="alarm!",
        MessageAttributes={"kind": {"DataType": "String", "StringValue": "alarm"}},
    )
    assert json.loads(receive(aws, only_alarms)[0]["Body"])["Message"] == "alarm!"


def test_publish_errors(aws):
    missing = "arn:aws:sns:us-east-1:123456789012:no-such-topic"
    with pytest.raises(ClientError) as err:
        aws["sns"].publish(TopicArn=missing, Message="x")
    assert err.value.response["Error"]["Code"] == "NotFound"
    topic = aws["sns"].create_topic(Name=f"err-{uuid.uuid4().hex[:8]}")["TopicArn"]
    with pytest.raises(ClientError) as err:
        aws["sns"].publish(TopicArn=topic, Message="")
    assert err.value.response["Error"]["Code"] == "InvalidParameter"


def test_http_subscription_receives_the_notification(aws, topic):
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((dict(self.headers), json.loads(body)))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/hook"
        aws["sns"].subscribe(TopicArn=topic, Protocol="http", Endpoint=url)
        aws["sns"].publish(TopicArn=topic, Message="to http")
        deadline = time.time() + 10
        while not received and time.time() < deadline:
            time.sleep(0.1)
    finally:
        server.shutdown()
    headers, body = received[0]
    assert headers["x-amz-sns-message-type"] == "Notification"
    assert headers["x-amz-sns-topic-arn"] == topic
    assert body["Message"] == "to http" and body["Type"] == "Notification"


def test_lambda_subscription_gets_the_sns_event(aws, topic):
    bucket = f"sns-lambda-{uuid.uuid4().hex[:8]}"
    aws["s3"].create_bucket(Bucket=bucket)
    name = f"sns-sub-{uuid.uuid4().hex[:8]}"
    function_arn = aws["lambda"].create_function(
        FunctionName=name,
        Runtime="python3.11",
        Role=ensure_role(aws["iam"]),
        Handler="app.handler",
        Code={"ZipFile": zip_files({"app.py": HANDLER})},
        Timeout=30,
    )["FunctionArn"]
    aws["sns"].subscribe(TopicArn=topic, Protocol="lambda", Endpoint=function_arn)
    aws["sns"].publish(TopicArn=topic, Message="to lambda", Subject=bucket)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            event = json.loads(aws["s3"].get_object(Bucket=bucket, Key="event.json")["Body"].read())
            break
        except ClientError:
            time.sleep(0.3)
    else:
        raise AssertionError("the Lambda subscriber never ran")
    record = event["Records"][0]
    assert record["EventSource"] == "aws:sns"
    assert record["Sns"]["Message"] == "to lambda" and record["Sns"]["TopicArn"] == topic


def test_email_is_recorded_and_listed_by_datalake_local_alerts(aws, capsys):
    name = f"alerts-{uuid.uuid4().hex[:8]}"
    topic = aws["sns"].create_topic(Name=name)["TopicArn"]
    aws["sns"].subscribe(TopicArn=topic, Protocol="email", Endpoint="ops@example.com")
    aws["sns"].publish(
        TopicArn=topic,
        Subject="ETL pipeline failed",
        Message=json.dumps({"error": {"Error": "States.TaskFailed"}}),
    )
    records = local_alerts.fetch_alerts(topic=name)
    assert len(records) == 1
    assert records[0]["deliveries"][0]["protocol"] == "email"
    assert records[0]["deliveries"][0]["status"] == "recorded"
    assert local_alerts.run_alerts(argparse.Namespace(topic=name, since="1h", json=False)) == 0
    out = capsys.readouterr().out
    assert f"{name}  ETL pipeline failed" in out
    assert "States.TaskFailed" in out and "-> email:ops@example.com recorded" in out
    assert local_alerts.fetch_alerts(topic=name, since="2999-01-01T00:00:00Z") == []
