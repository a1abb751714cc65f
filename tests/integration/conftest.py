"""A real local cloud on a free port, for the integration tier.

`local_cloud` is one LocalCloud per test session (plugins and all); tests that need a clean
slate create their own resources with unique names. `AWS_ENDPOINT_URL` points at it, so
`datalake.aws.client(..., target="local")` and plain boto3 both reach it.
"""

from __future__ import annotations

import os
import socket

import pytest

from datalake import aws
from localcloud import CloudConfig, LocalCloud


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def local_cloud(tmp_path_factory):
    config = CloudConfig(port=free_port(), data_dir=tmp_path_factory.mktemp("localcloud"))
    cloud = LocalCloud(config)
    cloud.start()
    previous = os.environ.get("AWS_ENDPOINT_URL")
    os.environ["AWS_ENDPOINT_URL"] = config.endpoint
    aws.clear_clients()
    yield cloud
    cloud.stop()
    if previous is None:
        os.environ.pop("AWS_ENDPOINT_URL", None)
    else:
        os.environ["AWS_ENDPOINT_URL"] = previous
    aws.clear_clients()


@pytest.fixture
def endpoint(local_cloud) -> str:
    return local_cloud.config.endpoint


@pytest.fixture(scope="module")
def scaled_cloud(tmp_path_factory, scaled_region):
    """A second local cloud running 3600x faster (one simulated hour per real second), in its own
    region (`scaled_region`, set per test folder) so the session cloud's scheduler and alarm
    evaluator never see its resources."""
    config = CloudConfig(
        port=free_port(),
        data_dir=tmp_path_factory.mktemp("scaled"),
        region=scaled_region,
        time_scale=3600,
    )
    cloud = LocalCloud(config, plugins=["core", "stepfunctions", "events", "cloudwatch", "sns"])
    cloud.start()
    yield cloud
    cloud.stop()


@pytest.fixture(scope="module")
def scaled_client(scaled_cloud):
    import boto3

    def make(service):
        config = scaled_cloud.config
        return boto3.client(service, endpoint_url=config.endpoint, region_name=config.region)

    return make
