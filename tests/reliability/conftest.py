"""The reliability tier: a real local cloud run as a background process (`datalake local up`,
so it can be restarted mid-test with its state exported and imported) and the real stack
deployed on it with `datalake deploy --target local`.

Every test of the tier shares one cloud; the load test deploys its own stack so that its
raw -> processed -> curated reconciliation sees only its own events.
"""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import boto3
import pyarrow.parquet as pq
import pytest
import requests

from datalake import aws

REGION = "us-east-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_cli(*args: str, timeout: float = 600, check: bool = True) -> subprocess.CompletedProcess:
    """`datalake <args>` in a subprocess with this session's environment."""
    completed = subprocess.run([sys.executable, "-m", "datalake.cli.main", *args],
                               capture_output=True, text=True, timeout=timeout,
                               env=dict(os.environ))
    if check:
        assert completed.returncode == 0, (
            f"datalake {' '.join(args)} -> {completed.returncode}\n"
            f"{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}"
        )
    return completed


class Cloud:
    """One background local cloud (`datalake local up/down`) on a free port."""

    def __init__(self, data_dir: Path, port: int):
        self.data_dir, self.port = data_dir, port
        self.endpoint = f"http://127.0.0.1:{port}"
        self.faults: dict | None = None

    def up(self, faults: dict | None = None) -> float:
        """Start (restoring any exported state); returns the seconds it took to be healthy."""
        started = time.monotonic()
        args = ["local", "up", "--port", str(self.port), "--data-dir", str(self.data_dir)]
        if faults:
            args += ["--faults", json.dumps(faults)]
        run_cli(*args, timeout=300)
        self.faults = faults
        return time.monotonic() - started

    def down(self) -> float:
        started = time.monotonic()
        run_cli("local", "down", "--data-dir", str(self.data_dir), timeout=400)
        return time.monotonic() - started

    def kill(self) -> None:
        """End the session's cloud without exporting its state (`down` would spend minutes
        exporting tens of thousands of objects nobody reads again): SIGKILL to the process
        group `datalake local up` started (the cloud, its Lambda workers and Spark runs)."""
        info = self.data_dir / "localcloud.json"
        if not info.exists():
            return
        pid = json.loads(info.read_text())["pid"]
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        for name in ("localcloud.json", "localcloud.pid"):
            (self.data_dir / name).unlink(missing_ok=True)

    def assert_alive(self, during: str) -> None:
        """Fail with the cloud's last log lines if its process has ended (a dead cloud would
        otherwise surface later as missing buckets after a restart without state)."""
        from localcloud.process import pid_alive, tail

        info = self.data_dir / "localcloud.json"
        pid = json.loads(info.read_text())["pid"] if info.exists() else 0
        assert pid and pid_alive(pid), (
            f"the local cloud (pid {pid}) ended during {during}; last lines of its log:\n"
            + tail(self.data_dir / "localcloud.log", 40))

    def set_faults(self, faults: dict) -> dict:
        reply = requests.post(f"{self.endpoint}/_datalake/faults", json=faults, timeout=30)
        reply.raise_for_status()
        self.faults = faults or None
        return reply.json()

    def kill_workers(self, function: str) -> dict:
        reply = requests.post(f"{self.endpoint}/_datalake/lambda/{function}/kill", timeout=30)
        reply.raise_for_status()
        return reply.json() if reply.content else {}

    def client(self, service: str):
        return boto3.client(service, endpoint_url=self.endpoint, region_name=REGION,
                            aws_access_key_id="test", aws_secret_access_key="test")

    @property
    def log_file(self) -> Path:
        return self.data_dir / "localcloud.log"


@pytest.fixture(scope="session")
def cloud(tmp_path_factory):
    root = tmp_path_factory.mktemp("reliability")
    saved = {k: os.environ.get(k) for k in (
        "AWS_ENDPOINT_URL", "DATALAKE_BUILD_DIR", "DATALAKE_LOCAL_DIR", "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION")}
    instance = Cloud(root / "cloud", free_port())
    os.environ.update({
        "AWS_ENDPOINT_URL": instance.endpoint, "DATALAKE_BUILD_DIR": str(root / "build"),
        "DATALAKE_LOCAL_DIR": str(instance.data_dir), "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": REGION,
    })
    aws.clear_clients()
    instance.up()
    yield instance
    instance.kill()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    aws.clear_clients()


class Stack:
    """A deployed stack: its outputs, its API key and readers of its zones."""

    def __init__(self, cloud: Cloud, name: str, outputs: dict):
        self.cloud, self.name, self.outputs = cloud, name, outputs
        self.api_url = outputs["ApiUrl"]
        self.api_key = cloud.client("apigateway").get_api_key(
            apiKey=outputs["ApiKeyId"], includeValue=True)["value"]

    @property
    def ingest_url(self) -> str:
        return f"{self.api_url}/ingest"

    def s3(self):
        return self.cloud.client("s3")

    def keys(self, bucket_output: str, prefix: str = "") -> list[str]:
        """Every current object key of a bucket (by its output name) under `prefix`."""
        paginator = self.s3().get_paginator("list_objects_v2")
        keys = []
        for page in paginator.paginate(Bucket=self.outputs[bucket_output], Prefix=prefix):
            keys += [item["Key"] for item in page.get("Contents", [])]
        return keys

    def visible_keys(self, bucket_output: str, prefix: str) -> list[str]:
        """Keys under `prefix` that a query engine reads (no `_`/`.` path part below it)."""
        return visible(self.keys(bucket_output, prefix), prefix)

    def raw_lines(self) -> list[dict]:
        """Every line of every raw object, with the object's key and source."""
        s3, bucket, lines = self.s3(), self.outputs["RawBucket"], []
        for key in self.keys("RawBucket"):
            text = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode()
            for line in text.splitlines():
                lines.append({**json.loads(line), "raw_key": key, "source": key.split("/")[0]})
        return lines

    def parquet_rows(self, bucket_output: str, prefix: str,
                     columns: list[str] | None = None) -> list[dict]:
        """Rows of every Parquet file a query engine would read under `prefix` (no `_`/`.`
        path part), with the Hive partition values of its key."""
        s3, bucket, rows = self.s3(), self.outputs[bucket_output], []
        for key in visible(self.keys(bucket_output, prefix), prefix):
            if not key.endswith(".parquet"):
                continue
            data = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
            table = pq.read_table(io.BytesIO(data), columns=columns)
            parts = dict(p.split("=", 1) for p in key[len(prefix):].split("/")[:-1] if "=" in p)
            rows += [{**row, **parts} for row in table.to_pylist()]
        return rows

    def json_rows(self, bucket_output: str, prefix: str) -> list[dict]:
        """Rows of every visible JSON Lines file under `prefix` (Spark's `part-*.json`)."""
        s3, bucket, rows = self.s3(), self.outputs[bucket_output], []
        for key in visible(self.keys(bucket_output, prefix), prefix):
            if not key.endswith(".json"):
                continue
            text = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode()
            rows += [json.loads(line) for line in text.splitlines() if line.strip()]
        return rows


def visible(keys: list[str], prefix: str) -> list[str]:
    """Keys a query engine reads: no path part below `prefix` starting with `_` or `.`."""
    return [k for k in keys
            if not any(p.startswith(("_", ".")) for p in k[len(prefix):].split("/"))]


def deploy_stack(cloud: Cloud, name: str) -> Stack:
    # schedules off: a cron rule at :05 would start pipelines in the middle of the measurements
    run_cli("deploy", "--target", "local", "--stack-name", name, "--param",
            "ScheduleState=DISABLED", timeout=600)
    build = Path(os.environ["DATALAKE_BUILD_DIR"]) / name / "outputs.json"
    return Stack(cloud, name, json.loads(build.read_text()))


@pytest.fixture(scope="session")
def stack(cloud) -> Stack:
    """The shared stack for bad-input, security, recovery and crash tests."""
    return deploy_stack(cloud, "rel" + uuid.uuid4().hex[:6])


@pytest.fixture(scope="session")
def record_figures():
    """`record_figures(test, {...})` appends measured figures as one JSON line to
    build/reliability/figures.jsonl (or $RELIABILITY_FIGURES); docs/reliability.md quotes
    them."""
    path = Path(os.environ.get("RELIABILITY_FIGURES", "build/reliability/figures.jsonl"))
    path.parent.mkdir(parents=True, exist_ok=True)

    def record(test: str, figures: dict) -> None:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        with path.open("a", encoding="utf-8") as out:
            out.write(json.dumps({"test": test, "at": stamp, **figures}) + "\n")

    return record


@pytest.fixture(scope="session")
def deploy(cloud):
    """`deploy(name)` deploys another stack on the tier's cloud and returns its `Stack`."""
    return lambda name: deploy_stack(cloud, name)


@pytest.fixture(scope="session")
def cli():
    """`cli(*args, timeout=..., check=...)` runs `datalake <args>` in a subprocess."""
    return run_cli
