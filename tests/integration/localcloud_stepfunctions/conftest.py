"""Fixtures for the Step Functions integration tests: the template's ETL pipeline deployed by
hand on the session's local cloud (crawler, two tiny Glue jobs, topic with an SQS subscriber)."""

from __future__ import annotations

import json
import uuid

import boto3
import pytest

from infra_gen.orchestration import state_machine_definition

OK_SCRIPT = b"import sys\nprint('tiny job ran with', sys.argv[1:])\n"
FAILING_SCRIPT = b"raise ValueError('boom: the input was bad')\n"
ROLE = "arn:aws:iam::123456789012:role/sfn"


def clients(endpoint):
    kw = {"endpoint_url": endpoint, "region_name": "us-east-1"}
    return {s: boto3.client(s, **kw) for s in ("s3", "glue", "sns", "sqs", "stepfunctions")}


def pipeline_definition(crawler: str, job: str, topic_arn: str, wait_seconds: int = 1) -> str:
    """The template's definition with DefinitionSubstitutions applied (as deploy does) and a
    short crawler poll, so the test does not wait 30 s per poll at time scale 1."""
    text = json.dumps(state_machine_definition())
    for name, value in {
        "LakeCrawlerName": crawler,
        "CuratedCrawlerName": crawler,
        "RawToProcessedJobName": job,
        "ProcessedToCuratedJobName": job,
        "AlertsTopicArn": topic_arn,
    }.items():
        text = text.replace("${" + name + "}", value)
    definition = json.loads(text)
    definition["States"]["WaitForCrawler"]["Seconds"] = wait_seconds
    return json.dumps(definition)


@pytest.fixture(scope="module")
def lake(local_cloud):
    """Names of a small deployed lake: bucket, crawler, jobs, topic, queue subscribed."""
    c = clients(local_cloud.config.endpoint)
    suffix = uuid.uuid4().hex[:8]
    bucket = f"sfn-lake-{suffix}"
    c["s3"].create_bucket(Bucket=bucket)
    c["s3"].put_object(
        Bucket=bucket,
        Key="raw/iot/year=2026/month=11/day=25/a.json",
        Body=b'{"ingest_id": "1", "body": "{}"}\n',
    )
    c["s3"].put_object(Bucket=bucket, Key="scripts/ok.py", Body=OK_SCRIPT)
    c["s3"].put_object(Bucket=bucket, Key="scripts/fail.py", Body=FAILING_SCRIPT)
    database = f"sfn_db_{suffix}"
    c["glue"].create_database(DatabaseInput={"Name": database})
    crawler = f"sfn-crawler-{suffix}"
    c["glue"].create_crawler(
        Name=crawler,
        Role=ROLE,
        DatabaseName=database,
        Targets={"S3Targets": [{"Path": f"s3://{bucket}/raw/"}]},
    )
    jobs = {}
    for kind in ("ok", "fail"):
        jobs[kind] = f"sfn-{kind}-job-{suffix}"
        c["glue"].create_job(
            Name=jobs[kind],
            Role=ROLE,
            GlueVersion="5.1",
            Command={
                "Name": "glueetl",
                "PythonVersion": "3",
                "ScriptLocation": f"s3://{bucket}/scripts/{kind}.py",
            },
        )
    topic = c["sns"].create_topic(Name=f"sfn-alerts-{suffix}")["TopicArn"]
    queue = c["sqs"].create_queue(QueueName=f"sfn-alerts-{suffix}")["QueueUrl"]
    queue_arn = c["sqs"].get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    c["sns"].subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    machines = {}
    for kind in ("ok", "fail"):
        machines[kind] = c["stepfunctions"].create_state_machine(
            name=f"sfn-pipeline-{kind}-{suffix}",
            roleArn=ROLE,
            definition=pipeline_definition(crawler, jobs[kind], topic),
        )["stateMachineArn"]
    return {
        "bucket": bucket,
        "crawler": crawler,
        "jobs": jobs,
        "topic": topic,
        "queue": queue,
        "machines": machines,
        "endpoint": local_cloud.config.endpoint,
        "clients": c,
    }
