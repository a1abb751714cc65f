"""boto3 clients that plugins use to reach the local endpoint itself (and so moto's state)."""

from __future__ import annotations

import threading

import boto3
from botocore.config import Config

_local = threading.local()


def local_client(service: str, endpoint: str, region: str):
    """A boto3 client for `service` on this local cloud; cached per thread (clients are not
    thread-safe to create concurrently, and creating one costs ~50 ms)."""
    cache = getattr(_local, "clients", None)
    if cache is None:
        cache = _local.clients = {}
    key = (service, endpoint, region)
    if key not in cache:
        session = boto3.session.Session(
            aws_access_key_id="test", aws_secret_access_key="test", region_name=region
        )
        cache[key] = session.client(
            service,
            endpoint_url=endpoint,
            config=Config(retries={"max_attempts": 2, "mode": "standard"}, read_timeout=300,
                          # marks the local cloud's own calls (fault injection skips them)
                          user_agent_extra="localcloud-internal"),
        )
    return cache[key]
