"""A recording stand-in for a boto3 client, and a handler Context that hands it out."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from localcloud.provision.base import Context


class RecordingClient:
    """Records every call as (operation, kwargs) and answers `response`; an operation named in
    `failing` raises a ClientError with the code given for it."""

    def __init__(self, failing: dict[str, str] | None = None, response: dict | None = None):
        self.calls: list[tuple[str, dict]] = []
        self.handed_out = 0
        self._failing = failing or {}
        self._response = response or {}

    def __getattr__(self, operation):
        def call(**kwargs):
            self.calls.append((operation, kwargs))
            if operation in self._failing:
                error = {"Code": self._failing[operation], "Message": "x"}
                raise ClientError({"Error": error}, operation)
            return dict(self._response)

        return call


@pytest.fixture
def recording_client():
    """RecordingClient(failing=None, response=None)."""
    return RecordingClient


@pytest.fixture
def context_for():
    """context_for(client): a handler Context whose every service client is `client`."""

    def make(client: RecordingClient) -> Context:
        def factory(service: str) -> RecordingClient:
            client.handed_out += 1
            return client

        return Context(factory, "stack", "us-east-1", "123456789012", "Logical")

    return make
