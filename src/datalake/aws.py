"""The one boto3 client factory. It alone knows where AWS is: the real one, or the local cloud."""

from __future__ import annotations

import os
from functools import lru_cache

import boto3
from botocore.config import Config

LOCAL_ENDPOINT = "http://127.0.0.1:4566"
TARGETS = ("local", "aws")


def endpoint_url(target: str | None) -> str | None:
    """The endpoint for `target`: the local cloud (AWS_ENDPOINT_URL, else 127.0.0.1:4566) for
    "local"; None (boto3's own resolution, which also honours AWS_ENDPOINT_URL) otherwise."""
    if target == "local":
        return os.environ.get("AWS_ENDPOINT_URL") or LOCAL_ENDPOINT
    if target not in (None, "aws"):
        raise ValueError(f"target must be one of {TARGETS}, got {target!r}")
    return None


def region_name() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"


def session(target: str | None = None) -> boto3.session.Session:
    """A boto3 session; for the local target, dummy credentials when none are configured."""
    kwargs = {"region_name": region_name()}
    if target == "local" and not os.environ.get("AWS_ACCESS_KEY_ID"):
        kwargs.update(aws_access_key_id="test", aws_secret_access_key="test")
    return boto3.session.Session(**kwargs)


@lru_cache(maxsize=64)
def client(service: str, target: str | None = None):
    """A boto3 client for `service` on `target` ("local", "aws", or None: the environment's)."""
    return session(target).client(
        service,
        endpoint_url=endpoint_url(target),
        config=Config(retries={"max_attempts": 3, "mode": "standard"}),
    )


def clear_clients() -> None:
    """Forget cached clients (after the endpoint or credentials changed, e.g. in tests)."""
    client.cache_clear()
