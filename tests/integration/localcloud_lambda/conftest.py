"""Functions for the Lambda runtime tests: one handler module with several entry points."""

from __future__ import annotations

import uuid

import boto3
import pytest

from localcloud.testing import ensure_role, zip_files

HANDLER = '''
import json, logging, os, sys, time

logger = logging.getLogger()
logger.setLevel(logging.INFO)
STATE = {"calls": 0}


def echo(event, context):
    STATE["calls"] += 1
    print("got", json.dumps(event))
    logger.info("line one\\nline two")
    return {
        "event": event,
        "request_id": context.aws_request_id,
        "function_name": context.function_name,
        "memory": context.memory_limit_in_mb,
        "arn": context.invoked_function_arn,
        "log_group": context.log_group_name,
        "remaining": context.get_remaining_time_in_millis(),
        "env": os.environ.get("GREETING"),
        "endpoint": os.environ.get("AWS_ENDPOINT_URL"),
        "calls": STATE["calls"],
        "pid": os.getpid(),
    }


def fail(event, context):
    raise ValueError("bad input: " + str(event.get("x")))


def slow(event, context):
    time.sleep(float(event.get("sleep", 5)))
    return "done"


def crash(event, context):
    os._exit(3)


def counter(event, context):
    # fails until the marker file says it was called `fail_times` times
    path = os.path.join("/tmp", event["marker"])
    n = int(open(path).read()) if os.path.exists(path) else 0
    open(path, "w").write(str(n + 1))
    if n < event["fail_times"]:
        raise RuntimeError(f"attempt {n + 1} fails")
    return n + 1


def s3_put(event, context):
    import boto3
    boto3.client("s3").put_object(Bucket=event["bucket"], Key=event["key"], Body=b"from lambda")
    return "ok"
'''


@pytest.fixture(scope="session")
def lambda_client(local_cloud):
    return boto3.client("lambda", endpoint_url=local_cloud.config.endpoint,
                        region_name="us-east-1")


@pytest.fixture(scope="session")
def role_arn(local_cloud):
    iam = boto3.client("iam", endpoint_url=local_cloud.config.endpoint, region_name="us-east-1")
    return ensure_role(iam)


@pytest.fixture(scope="session")
def handler_zip() -> bytes:
    return zip_files({"app.py": HANDLER})


@pytest.fixture
def make_function(lambda_client, role_arn, handler_zip):
    """Create a function on `app.<entry>` with a unique name; returns the name."""

    def make(entry: str, timeout: int = 10, env: dict | None = None, **extra) -> str:
        name = f"fn-{entry}-{uuid.uuid4().hex[:8]}"
        lambda_client.create_function(
            FunctionName=name, Runtime="python3.11", Role=role_arn, Handler=f"app.{entry}",
            Code={"ZipFile": handler_zip}, Timeout=timeout, MemorySize=256,
            Environment={"Variables": env or {}}, **extra,
        )
        return name

    return make
