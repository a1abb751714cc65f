"""Helpers for provisioning tests: deploy/destroy small templates on the session's local cloud.
Each test uses its own stack name, so resources never collide."""

from __future__ import annotations

import io
import uuid
import zipfile

import pytest

from localcloud.provision import clients_for, deploy_stack, destroy_stack

REGION = "us-east-1"
ACCOUNT = "123456789012"


class Stacks:
    """Deploy and destroy stacks on one endpoint; `client(service)` reaches it too."""

    def __init__(self, endpoint: str):
        self.client = clients_for(endpoint, REGION)

    def deploy(self, name, template, parameters=None):
        return deploy_stack(name, template, parameters or {}, self.client, REGION, ACCOUNT)

    def destroy(self, name):
        return destroy_stack(name, self.client, REGION, ACCOUNT)


@pytest.fixture
def stacks(endpoint) -> Stacks:
    return Stacks(endpoint)


@pytest.fixture
def stack_name() -> str:
    return "t" + uuid.uuid4().hex[:10]


def handler_zip(body: str = "def handler(event, context):\n    return {'ok': True}\n") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", body)
    return buffer.getvalue()


@pytest.fixture
def code_bucket(stacks, stack_name) -> str:
    """A bucket holding `code/fn.zip`, made outside any stack (as bootstrap does)."""
    name = f"{stack_name}-code"
    s3 = stacks.client("s3")
    s3.create_bucket(Bucket=name)
    s3.put_object(Bucket=name, Key="code/fn.zip", Body=handler_zip())
    yield name
    for obj in s3.list_objects_v2(Bucket=name).get("Contents", []):
        s3.delete_object(Bucket=name, Key=obj["Key"])
    s3.delete_bucket(Bucket=name)


ASSUME_LAMBDA = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


@pytest.fixture
def assume_lambda() -> dict:
    return ASSUME_LAMBDA
