"""A local cloud for the notebook tier: started like a user does (`datalake local up`) on a free
port, with a temporary data folder. Kernels started by papermill or nbval inherit
AWS_ENDPOINT_URL, so the notebooks (TARGET="local") reach it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from datalake import aws
from localcloud import process

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def notebook_cloud(tmp_path_factory):
    """{endpoint, env}: a running local cloud and the environment notebooks run with."""
    data_dir = tmp_path_factory.mktemp("localcloud")
    port = _free_port()
    datalake = Path(sys.executable).with_name("datalake")
    subprocess.run([str(datalake), "local", "up", "--port", str(port), "--data-dir",
                    str(data_dir)], check=True, timeout=180, capture_output=True)
    endpoint = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "MPLBACKEND": "agg",
    }
    try:
        yield {"endpoint": endpoint, "env": env, "data_dir": data_dir}
    finally:
        process.stop(data_dir, timeout=120)
        aws.clear_clients()


@pytest.fixture
def notebook_env(notebook_cloud, monkeypatch):
    """This process's environment pointed at the notebook cloud (kernels inherit it)."""
    for name, value in notebook_cloud["env"].items():
        if os.environ.get(name) != value:
            monkeypatch.setenv(name, value)
    aws.clear_clients()
    yield notebook_cloud
    aws.clear_clients()
