import socket
import threading
import time

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

from localcloud import CloudConfig, LocalCloud
from localcloud.registry import Response


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_drain_refuses_new_requests_and_waits_for_those_in_flight(tmp_path):
    cloud = LocalCloud(CloudConfig(port=_port(), data_dir=tmp_path), plugins=["core"])
    cloud.registry.route("GET", r"^/slow$", lambda call: (time.sleep(1.0), Response(200))[1])
    cloud.start()
    try:
        endpoint = cloud.config.endpoint
        results = {}
        slow = threading.Thread(target=lambda: results.update(
            slow=requests.get(f"{endpoint}/slow", timeout=10).status_code))
        slow.start()
        time.sleep(0.3)
        drained = {}
        drainer = threading.Thread(target=lambda: drained.update(ok=cloud.drain(timeout=10)))
        started = time.monotonic()
        drainer.start()
        time.sleep(0.2)
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                          config=Config(retries={"total_max_attempts": 1}))
        with pytest.raises(ClientError) as err:
            s3.list_buckets()
        assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503
        internal = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                                config=Config(user_agent_extra="localcloud-internal"))
        internal.list_buckets()  # the cloud's own calls (state export) still pass
        assert requests.get(f"{endpoint}/_datalake/health", timeout=10).status_code == 200
        drainer.join()
        slow.join()
        assert drained["ok"] is True
        assert results["slow"] == 200
        assert time.monotonic() - started >= 0.4  # drain waited for the slow request
    finally:
        cloud.stop()
