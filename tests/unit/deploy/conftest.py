"""Fixtures for deploy tests: moto in-process (no sockets) with fake credentials."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from datalake import aws


@pytest.fixture
def fake_env(monkeypatch):
    """Fake credentials and region, no endpoint override, fresh client cache."""
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    aws.clear_clients()
    yield
    aws.clear_clients()


@pytest.fixture
def moto_s3(fake_env):
    with mock_aws():
        yield boto3.client("s3", region_name="eu-west-1")
