"""A second local cloud running 3600× faster (one simulated hour per real second), in its own
region so the session cloud's scheduler and alarm evaluator never see its resources."""

from __future__ import annotations

import socket

import boto3
import pytest

from localcloud import CloudConfig, LocalCloud

SCALED_REGION = "eu-west-2"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def scaled_cloud(tmp_path_factory):
    config = CloudConfig(
        port=_free_port(),
        data_dir=tmp_path_factory.mktemp("scaled"),
        region=SCALED_REGION,
        time_scale=3600,
    )
    cloud = LocalCloud(config, plugins=["core", "stepfunctions", "events", "cloudwatch", "sns"])
    cloud.start()
    yield cloud
    cloud.stop()


@pytest.fixture(scope="module")
def scaled_client(scaled_cloud):
    def make(service):
        return boto3.client(
            service, endpoint_url=scaled_cloud.config.endpoint, region_name=SCALED_REGION
        )

    return make
