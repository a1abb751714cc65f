"""Helpers for the local Glue tests: clients, unique names, scripts in S3, waiting."""

from __future__ import annotations

import time
import uuid

import boto3
import pytest

from localcloud.glue.plugin import services_for


def _client(cloud, service):
    return boto3.client(
        service, endpoint_url=cloud.config.endpoint, region_name=cloud.config.region,
        aws_access_key_id="test", aws_secret_access_key="test",
    )


@pytest.fixture(scope="session")
def clients(local_cloud):
    return {name: _client(local_cloud, name) for name in ("s3", "glue", "logs", "cloudwatch")}


@pytest.fixture
def unique():
    return "t" + uuid.uuid4().hex[:10]


@pytest.fixture(scope="session")
def job_services(local_cloud):
    return services_for(local_cloud)[0]


@pytest.fixture(scope="session")
def scripts_bucket(clients):
    name = "glue-scripts-" + uuid.uuid4().hex[:8]
    clients["s3"].create_bucket(Bucket=name)
    return name


@pytest.fixture
def make_job(clients, scripts_bucket):
    """make_job(name, script_text, default_arguments=None, **create_job_kwargs) -> name."""

    def make(name: str, script: str, default_arguments: dict | None = None, **kwargs) -> str:
        key = f"scripts/{name}.py"
        clients["s3"].put_object(Bucket=scripts_bucket, Key=key, Body=script.encode())
        clients["glue"].create_job(
            Name=name, Role="arn:aws:iam::123456789012:role/glue",
            Command={"Name": "glueetl", "ScriptLocation": f"s3://{scripts_bucket}/{key}",
                     "PythonVersion": "3"},
            DefaultArguments=default_arguments or {}, **{"GlueVersion": "5.1", **kwargs},
        )
        return name

    return make


def _wait_for_run(glue, job: str, run_id: str, timeout: float = 240,
                 until=("SUCCEEDED", "FAILED", "TIMEOUT", "STOPPED", "ERROR")) -> dict:
    deadline = time.time() + timeout
    while time.time() < deadline:
        run = glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]
        if run["JobRunState"] in until:
            return run
        time.sleep(0.5)
    raise AssertionError(f"run {run_id} of {job} still {run['JobRunState']} after {timeout}s")


def _wait_for_crawler(glue, name: str, timeout: float = 60) -> dict:
    deadline = time.time() + timeout
    while time.time() < deadline:
        crawler = glue.get_crawler(Name=name)["Crawler"]
        if crawler["State"] == "READY" and crawler.get("LastCrawl"):
            return crawler
        time.sleep(0.2)
    raise AssertionError(f"crawler {name} did not finish in {timeout}s")


def _log_messages(logs, group: str, stream: str) -> list[str]:
    try:
        events = logs.get_log_events(logGroupName=group, logStreamName=stream,
                                     startFromHead=True)["events"]
    except logs.exceptions.ResourceNotFoundException:
        return []
    return [e["message"] for e in events]


@pytest.fixture(scope="session")
def wait_for_run():
    """wait_for_run(glue, job, run_id, timeout=240, until=final states) -> JobRun."""
    return _wait_for_run


@pytest.fixture(scope="session")
def wait_for_crawler():
    """wait_for_crawler(glue, name, timeout=60) -> Crawler once READY after a crawl."""
    return _wait_for_crawler


@pytest.fixture(scope="session")
def log_messages():
    """log_messages(logs, group, stream) -> messages ([] when the stream does not exist)."""
    return _log_messages
