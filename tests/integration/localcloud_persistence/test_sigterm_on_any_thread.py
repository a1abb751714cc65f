"""A served cloud stops on SIGTERM whichever of its threads the kernel hands the signal to.

`kill PID` may be delivered to any thread that does not block the signal; Python runs the
handler only when the main thread runs bytecode. The main thread used to wait without a
timeout, so a SIGTERM that landed on another thread was never handled and `datalake local
down` waited until it killed the cloud without exporting its state (seen under load in the
reliability tier). Here the signal is sent to a thread other than the main one on purpose."""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import time
from pathlib import Path

import pytest

from localcloud import process

_TGKILL = {"x86_64": 234, "aarch64": 131}.get(os.uname().machine)
pytestmark = pytest.mark.skipif(
    _TGKILL is None or not Path("/proc/self/task").is_dir(),
    reason="needs Linux tgkill and /proc/PID/task")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tgkill(pid: int, tid: int, sig: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.syscall(_TGKILL, pid, tid, sig) != 0:
        raise OSError(ctypes.get_errno(), f"tgkill({pid}, {tid}) failed")


def test_sigterm_to_a_worker_thread_stops_the_served_cloud(tmp_path):
    instance = process.start_background("127.0.0.1", _free_port(), tmp_path / "cloud",
                                        timeout=120)
    try:
        others = [int(t.name) for t in Path(f"/proc/{instance.pid}/task").iterdir()
                  if int(t.name) != instance.pid]
        assert others, "the served cloud runs more than one thread"
        _tgkill(instance.pid, others[0], signal.SIGTERM)
        deadline = time.monotonic() + 60
        while process.pid_alive(instance.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not process.pid_alive(instance.pid), (
            "SIGTERM on a worker thread did not stop the cloud; log:\n"
            + process.tail(Path(instance.log_file), 30))
        assert "exported state" in Path(instance.log_file).read_text()
    finally:
        if process.pid_alive(instance.pid):
            os.killpg(instance.pid, signal.SIGKILL)
