"""boto3 clients that plugins use to reach the local endpoint itself (and so moto's state)."""

from __future__ import annotations

import threading

import boto3
from botocore.config import Config

# User agent marking the local cloud's own calls: never faulted, never refused while draining.
INTERNAL_AGENT = "localcloud-internal"
_lock = threading.Lock()
_clients: dict[tuple[str, str, str], object] = {}


def new_client(service: str, endpoint: str, region: str, **config: object):
    """A new boto3 client for `service` on this local cloud, marked as the cloud's own
    (`INTERNAL_AGENT`), with two standard attempts; `config` adds botocore Config options."""
    session = boto3.session.Session(
        aws_access_key_id="test", aws_secret_access_key="test", region_name=region
    )
    return session.client(
        service,
        endpoint_url=endpoint,
        config=Config(
            retries={"max_attempts": 2, "mode": "standard"},
            # marks the local cloud's own calls (fault injection skips them)
            user_agent_extra=INTERNAL_AGENT,
            **config,
        ),
    )


def local_client(service: str, endpoint: str, region: str):
    """A boto3 client for `service` on this local cloud. Cached process-wide: the server runs
    each request in a new thread, and creating a client costs ~50 ms; botocore clients are
    thread-safe to use, only their creation is serialised here."""
    key = (service, endpoint, region)
    client = _clients.get(key)
    if client is None:
        with _lock:
            client = _clients.get(key)
            if client is None:
                client = _clients[key] = new_client(
                    service, endpoint, region, read_timeout=300, max_pool_connections=50
                )
    return client
