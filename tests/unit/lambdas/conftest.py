"""Fixtures for the Lambda handlers: each handler.py loaded from its file (both are named
handler.py), and a moto-mocked account with the raw bucket, alerts topic and a queue on it."""

import importlib.util
import json
import os
from pathlib import Path
from types import SimpleNamespace

import boto3
import pytest
from moto import mock_aws

from datalake import aws

ROOT = Path(__file__).resolve().parents[3]
RAW_BUCKET = "datalake-raw-123456789012-us-east-1"
STACK = "datalake"


def _load(name: str):
    path = ROOT / "lambdas" / name / "handler.py"
    spec = importlib.util.spec_from_file_location(f"lambda_{name}_handler", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def ingestion():
    return _load("ingestion")


@pytest.fixture(scope="session")
def validation():
    return _load("validation")


@pytest.fixture(scope="module")
def _account():
    """One mocked account per test module (creating it costs more than the tests using it):
    raw bucket, alerts topic with an SQS queue subscribed, and a record of sent metrics."""
    saved = os.environ.pop("AWS_ENDPOINT_URL", None)
    aws.clear_clients()
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=RAW_BUCKET)
        sns = boto3.client("sns", region_name="us-east-1")
        topic = sns.create_topic(Name=f"{STACK}-alerts")["TopicArn"]
        sqs = boto3.client("sqs", region_name="us-east-1")
        queue = sqs.create_queue(QueueName="alerts-inbox")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
        cloudwatch = boto3.client("cloudwatch", region_name="us-east-1")
        sent: list[dict] = []
        aws.client("cloudwatch").meta.events.register(
            "provide-client-params.cloudwatch.PutMetricData",
            lambda params, **_: sent.extend(params["MetricData"]),
        )
        yield SimpleNamespace(
            s3=s3,
            sqs=sqs,
            queue=queue,
            topic=topic,
            cloudwatch=cloudwatch,
            bucket=RAW_BUCKET,
            sent=sent,
            raw_objects=lambda: raw_objects(s3),
            alerts=lambda: alerts(sqs, queue),
            metric_sum=lambda name, dims: metric_sum(sent, name, dims),
            metric_dimension_sets=lambda name: metric_dimension_sets(cloudwatch, name),
        )
    aws.clear_clients()
    if saved is not None:
        os.environ["AWS_ENDPOINT_URL"] = saved


@pytest.fixture
def cloud(_account, monkeypatch):
    """The module's mocked account, emptied for this test, with the Lambdas' environment set."""
    monkeypatch.setenv("STACK_NAME", STACK)
    monkeypatch.setenv("METRICS_NAMESPACE", "DataLake")
    monkeypatch.setenv("RAW_BUCKET", RAW_BUCKET)
    monkeypatch.setenv("ALERTS_TOPIC_ARN", _account.topic)
    for key in raw_objects(_account.s3):
        _account.s3.delete_object(Bucket=RAW_BUCKET, Key=key)
    alerts(_account.sqs, _account.queue)  # drain
    _account.sent.clear()
    return _account


def raw_objects(s3) -> dict[str, bytes]:
    """Every object of the raw bucket: {key: content}."""
    listing = s3.list_objects_v2(Bucket=RAW_BUCKET).get("Contents", [])
    return {
        o["Key"]: s3.get_object(Bucket=RAW_BUCKET, Key=o["Key"])["Body"].read() for o in listing
    }


def alerts(sqs, queue) -> list[dict]:
    """SNS notifications delivered to the queue: [{"Subject", "Message" (parsed JSON)}]."""
    found = []
    while True:
        batch = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
        if not batch:
            return found
        for message in batch:
            envelope = json.loads(message["Body"])
            found.append(
                {"Subject": envelope["Subject"], "Message": json.loads(envelope["Message"])}
            )
            sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])


def metric_sum(sent: list[dict], name: str, dimensions: dict[str, str]) -> float | None:
    """Sum of the datapoints of `name` sent with exactly these dimensions (None when none was).
    Counted from the PutMetricData calls, because moto's GetMetricStatistics also matches
    datapoints whose dimensions are a superset, unlike CloudWatch."""
    values = [
        d["Value"]
        for d in sent
        if d["MetricName"] == name
        and {x["Name"]: x["Value"] for x in d["Dimensions"]} == dimensions
    ]
    return sum(values) if values else None


def metric_dimension_sets(cloudwatch, name: str) -> list[dict[str, str]]:
    """The dimension sets moto holds for `name` (what ListMetrics shows; the account lives for
    the whole module, so earlier tests' sets are there too)."""
    metrics = cloudwatch.list_metrics(Namespace="DataLake", MetricName=name)["Metrics"]
    return sorted(
        ({d["Name"]: d["Value"] for d in m["Dimensions"]} for m in metrics),
        key=lambda d: (len(d), sorted(d.items())),
    )
