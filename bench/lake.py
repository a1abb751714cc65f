"""The lake under test: a LocalCloud in this process on a free port with the stack deployed
(`datalake deploy --target local`), a request counter on the endpoint, and one shared Spark
session over s3a to it. Every benchmark that needs the cloud uses one `BenchLake`."""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import os
import socket
import tempfile
import time
from pathlib import Path

from bench.counters import RequestCounter

_logger = logging.getLogger(__name__)

STACK = "benchlake"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class BenchLake:
    """Start with `start()`, stop with `stop()`; `outputs` are the stack's outputs."""

    def __init__(self, work_dir: Path, stack: str = STACK) -> None:
        self.work_dir = Path(work_dir).resolve()  # Lambda workers chdir: relative fails
        self.stack = stack
        self.cloud = None
        self.counter = RequestCounter(stack)
        self.outputs: dict[str, str] = {}
        self.deploy_seconds = 0.0
        self._spark = None
        self._api_key: str | None = None

    @property
    def endpoint(self) -> str:
        return self.cloud.config.endpoint

    def start(self) -> None:
        from datalake import aws
        from localcloud import CloudConfig, LocalCloud
        from localcloud.glue.spark_submit import WARM_DRIVER_ENV

        self.work_dir.mkdir(parents=True, exist_ok=True)
        # As a served cloud (`datalake local up`, the demo) runs Glue jobs: a warm driver ready
        # for the next run (decision 117). Set it to 0 to measure cold starts.
        os.environ.setdefault(WARM_DRIVER_ENV, "1")
        data_dir = Path(tempfile.mkdtemp(prefix="cloud-", dir=self.work_dir))
        config = CloudConfig(port=free_port(), data_dir=data_dir)
        self.cloud = LocalCloud(config)
        self.counter.install(self.cloud)
        self.cloud.start()
        os.environ["AWS_ENDPOINT_URL"] = config.endpoint
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")
        os.environ.setdefault("AWS_DEFAULT_REGION", config.region)
        os.environ["DATALAKE_BUILD_DIR"] = str(self.work_dir / "stacks")
        aws.clear_clients()
        started = time.perf_counter()
        self.outputs = self._deploy()
        self.deploy_seconds = time.perf_counter() - started
        _logger.info("stack %s deployed in %.1f s at %s", self.stack, self.deploy_seconds,
                     config.endpoint)

    def _deploy(self) -> dict[str, str]:
        from datalake.cli.deploy import run_deploy
        from datalake.config import load_outputs

        args = argparse.Namespace(stack_name=self.stack, target="local", param=[],
                                  timeout=600.0)
        with contextlib.redirect_stdout(io.StringIO()):
            run_deploy(args)
        return load_outputs(self.stack)

    def api_key(self) -> str:
        from datalake import client

        if self._api_key is None:
            self._api_key = client.get_api_key(self.outputs["ApiKeyId"], "local")
        return self._api_key

    def client(self, service: str):
        from datalake import aws

        return aws.client(service, "local")

    def spark(self):
        """The bench's Spark session (local[2], s3a to the endpoint), built once."""
        if self._spark is None:
            from datalake.spark import build_session

            self._spark = build_session("bench", master="local[2]", endpoint=self.endpoint)
            self._spark.sparkContext.setLogLevel("ERROR")
        return self._spark

    def bucket_bytes(self, bucket: str, prefix: str = "") -> tuple[int, int]:
        """(objects, bytes) under `prefix` of `bucket` (side files of Spark included)."""
        s3 = self.client("s3")
        count = size = 0
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                count += 1
                size += item["Size"]
        return count, size

    def empty_prefix(self, bucket: str, prefix: str) -> None:
        s3 = self.client("s3")
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
            if keys:
                s3.delete_objects(Bucket=bucket, Delete={"Objects": keys, "Quiet": True})

    def stop(self) -> None:
        if self._spark is not None:
            self._spark.stop()
            self._spark = None
        if self.cloud is not None:
            self.cloud.stop()
            self.cloud = None
