"""Run the local cloud as a background process: start detached, wait for health, stop, status.

The process writes nothing itself about how it was started; this module keeps
`{data_dir}/localcloud.pid` (its pid) and `{data_dir}/localcloud.json` (host, port, endpoint,
pid, log file) so that `down` and `status` find it, and logs to `{data_dir}/localcloud.log`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

_logger = logging.getLogger(__name__)

PID_FILE = "localcloud.pid"
INFO_FILE = "localcloud.json"
LOG_FILE = "localcloud.log"


@dataclass(frozen=True)
class Instance:
    """A started local cloud as recorded in its data directory."""

    pid: int
    host: str
    port: int
    endpoint: str
    log_file: str


class StartError(RuntimeError):
    """The process could not start or did not become healthy."""


def server_command(host: str, port: int, data_dir: Path, time_scale: float,
                   faults: dict | None = None) -> list[str]:
    """The `python -m localcloud ...` command line (this interpreter, so the same venv)."""
    command = [sys.executable, "-m", "localcloud", "--host", host, "--port", str(port),
               "--data-dir", str(data_dir), "--time-scale", str(time_scale)]
    if faults:
        command += ["--faults", json.dumps(faults)]
    return command


def read_instance(data_dir: Path) -> Instance | None:
    """The instance recorded in `data_dir`, if its process is still alive."""
    info_path = Path(data_dir) / INFO_FILE
    if not info_path.exists():
        return None
    try:
        info = json.loads(info_path.read_text())
    except ValueError:
        return None
    if not pid_alive(int(info.get("pid", 0))):
        return None
    return Instance(int(info["pid"]), info["host"], int(info["port"]), info["endpoint"],
                    info.get("log_file", ""))


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (our own exited child) is not alive
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[-1][:1] != "Z"
    except OSError:
        return True


def start_background(host: str, port: int, data_dir: Path, time_scale: float = 1.0,
                     faults: dict | None = None, timeout: float = 120.0) -> Instance:
    """Start `python -m localcloud` detached, wait until it is healthy, record it."""
    data_dir = Path(data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    existing = read_instance(data_dir)
    if existing is not None:
        raise StartError(f"a local cloud is already running at {existing.endpoint} "
                         f"(pid {existing.pid}); run `datalake local down` first")
    log_path = data_dir / LOG_FILE
    endpoint = f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{port}"
    if health(endpoint, timeout=1.0) is not None:
        raise StartError(f"something already answers on {endpoint}; choose another --port")
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            server_command(host, port, data_dir, time_scale, faults),
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # detached: survives the CLI and its terminal
        )
    instance = Instance(process.pid, host, port, endpoint, str(log_path))
    (data_dir / PID_FILE).write_text(f"{process.pid}\n")
    (data_dir / INFO_FILE).write_text(json.dumps(instance.__dict__, indent=2) + "\n")
    try:
        wait_ready(endpoint, timeout, alive=lambda: process.poll() is None)
    except StartError:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        _forget(data_dir)
        raise StartError(f"the local cloud did not start; last lines of {log_path}:\n"
                         + tail(log_path)) from None
    return instance


def wait_ready(endpoint: str, timeout: float, alive=lambda: True) -> dict:
    """Poll `GET /_datalake/health` until it answers and no state restore is running."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive():
            raise StartError("the process exited")
        body = health(endpoint, timeout=2.0)
        if body is not None:
            persistence = (body.get("services") or {}).get("persistence") or {}
            if persistence.get("status") != "restoring":
                return body
        time.sleep(0.2)
    raise StartError(f"no healthy answer from {endpoint} within {timeout:.0f} s")


def health(endpoint: str, timeout: float = 5.0) -> dict | None:
    """The health document, or None when nothing answers."""
    try:
        response = requests.get(f"{endpoint}/_datalake/health", timeout=timeout)
    except requests.RequestException:
        return None
    if response.status_code != 200:
        return None
    try:
        return response.json()
    except ValueError:
        return None


def stop(data_dir: Path, timeout: float = 300.0) -> Instance | None:
    """SIGTERM the recorded instance (it exports its state, then exits) and wait for it."""
    data_dir = Path(data_dir).resolve()
    instance = read_instance(data_dir)
    if instance is None:
        _forget(data_dir)
        return None
    os.kill(instance.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while pid_alive(instance.pid):
        if time.monotonic() > deadline:
            _logger.warning("pid %d did not exit after %.0f s; its threads' stacks go to %s, "
                            "then it is killed", instance.pid, timeout, instance.log_file)
            with contextlib.suppress(ProcessLookupError):
                os.kill(instance.pid, signal.SIGUSR1)  # faulthandler: every thread's stack
                time.sleep(1.0)
                os.killpg(instance.pid, signal.SIGKILL)
            break
        time.sleep(0.1)
    _forget(data_dir)
    return instance


def tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _forget(data_dir: Path) -> None:
    for name in (PID_FILE, INFO_FILE):
        (Path(data_dir) / name).unlink(missing_ok=True)
