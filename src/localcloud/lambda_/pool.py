"""Worker processes that run function code: spawn, invoke with a deadline, reuse warm, kill.

One worker runs one invocation at a time (as one Lambda execution environment does), so the
number of busy workers of a function is its concurrency.
"""

from __future__ import annotations

import json
import logging
import os
import select
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path

from localcloud.lambda_.functions import FunctionSpec

_logger = logging.getLogger(__name__)

# AWS gives the init phase 10 s, then retries it within the invocation's own timeout.
INIT_TIMEOUT_S = 10.0
IDLE_LIFETIME_S = 300.0  # warm workers idle longer than this are reaped


class WorkerTimeout(Exception):
    """The invocation ran past the function's timeout; the worker was killed."""


class WorkerDied(Exception):
    """The worker process exited during the invocation (crash, kill, os._exit)."""

    def __init__(self, returncode: int | None) -> None:
        super().__init__(f"worker exited with {returncode}")
        self.returncode = returncode


class Worker:
    """One child process running `localcloud.lambda_.worker` for one function revision."""

    def __init__(self, spec: FunctionSpec, code_dir: Path, env: dict[str, str], log_path: Path):
        self.spec = spec
        self.revision = spec.revision
        self.log_stream = _log_stream_name()
        env = dict(env)
        env.update(
            LAMBDA_TASK_ROOT=str(code_dir),
            _HANDLER=spec.handler,
            AWS_LAMBDA_FUNCTION_NAME=spec.name,
            AWS_LAMBDA_FUNCTION_VERSION=spec.version,
            AWS_LAMBDA_FUNCTION_MEMORY_SIZE=str(spec.memory),
            AWS_LAMBDA_LOG_GROUP_NAME=spec.log_group,
            AWS_LAMBDA_LOG_STREAM_NAME=self.log_stream,
            AWS_EXECUTION_ENV=f"AWS_Lambda_{spec.runtime or 'python3.11'}",
            TZ=":UTC",  # Lambda's clock is UTC whatever the host's time zone
            PYTHONUNBUFFERED="1",
        )
        env.update(spec.environment)
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self._stderr = open(log_path, "ab")  # noqa: SIM115 - lives as long as the process
        self.process = subprocess.Popen(
            [sys.executable, "-m", "localcloud.lambda_.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=env,
            cwd=str(code_dir),
            start_new_session=True,  # its own process group: killed with its children
        )
        self._buffer = b""
        self.last_used = time.monotonic()
        self.started_at = time.time()
        self.cold = True
        try:
            ready = self._read_message(time.monotonic() + INIT_TIMEOUT_S + spec.timeout)
        except (WorkerTimeout, WorkerDied):
            self.kill()
            raise
        if not ready.get("ready"):
            self.kill()
            raise WorkerDied(self.process.poll())

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def invoke(self, request: dict, timeout_s: float) -> dict:
        """Send one invocation; the worker's answer, or WorkerTimeout / WorkerDied."""
        deadline = time.monotonic() + timeout_s
        try:
            self.process.stdin.write((json.dumps(request) + "\n").encode())
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            raise WorkerDied(self.process.poll()) from None
        try:
            return self._read_message(deadline)
        except WorkerTimeout:
            self.kill()
            raise
        finally:
            self.last_used = time.monotonic()

    def _read_message(self, deadline: float) -> dict:
        fd = self.process.stdout.fileno()
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WorkerTimeout()
            try:
                ready, _, _ = select.select([fd], [], [], remaining)
                if not ready:
                    continue
                chunk = os.read(fd, 1 << 20)
            except (OSError, ValueError):  # killed and closed by another thread
                raise WorkerDied(self.process.poll()) from None
            if not chunk:
                self.process.wait(timeout=5)
                raise WorkerDied(self.process.returncode)
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)

    def terminate(self) -> None:
        """SIGKILL the process group now (safe while another thread waits on the worker)."""
        if self.alive:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                self.process.kill()

    def kill(self) -> None:
        """Kill the process group (the handler's own children too) and close its pipes."""
        if self.alive:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                self.process.kill()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            _logger.warning("worker %s did not exit after SIGKILL", self.process.pid)
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass
        self._stderr.close()


class WorkerPool:
    """Idle (warm) and busy workers per function."""

    def __init__(self, spawn) -> None:
        self._spawn = spawn  # (spec) -> Worker
        self._idle: dict[str, list[Worker]] = defaultdict(list)
        self._busy: dict[str, set[Worker]] = defaultdict(set)
        self._lock = threading.Lock()

    def acquire(self, spec: FunctionSpec) -> Worker:
        """A warm worker of this revision, else a new one (cold start)."""
        stale: list[Worker] = []
        worker = None
        with self._lock:
            idle = self._idle[spec.name]
            now = time.monotonic()
            keep = []
            for candidate in idle:
                if (candidate.revision != spec.revision or not candidate.alive
                        or now - candidate.last_used > IDLE_LIFETIME_S):
                    stale.append(candidate)
                else:
                    keep.append(candidate)
            if keep:
                worker = keep.pop()
                worker.cold = False
            self._idle[spec.name] = keep
        for old in stale:
            old.kill()
        if worker is None:
            worker = self._spawn(spec)
        with self._lock:
            self._busy[spec.name].add(worker)
        return worker

    def release(self, worker: Worker) -> None:
        with self._lock:
            self._busy[worker.spec.name].discard(worker)
            if worker.alive:
                self._idle[worker.spec.name].append(worker)
                return
        worker.kill()

    def reap(self, max_idle_s: float = IDLE_LIFETIME_S) -> int:
        """Stop workers idle for longer than `max_idle_s` (Lambda reclaims idle environments)."""
        now = time.monotonic()
        victims = []
        with self._lock:
            for name, idle in self._idle.items():
                keep = [w for w in idle if now - w.last_used <= max_idle_s and w.alive]
                victims += [w for w in idle if w not in keep]
                self._idle[name] = keep
        for worker in victims:
            worker.kill()
        return len(victims)

    def retire(self, name: str) -> None:
        """Stop the idle workers of `name` (its function was deleted or changed)."""
        with self._lock:
            idle = self._idle.pop(name, [])
        for worker in idle:
            worker.kill()

    def kill_busy(self, name: str) -> int:
        """Kill every worker of `name` that is running an invocation (fault injection)."""
        with self._lock:
            victims = list(self._busy[name])
        for worker in victims:
            worker.terminate()
        return len(victims)

    def counts(self) -> dict[str, dict[str, int]]:
        with self._lock:
            names = set(self._idle) | set(self._busy)
            return {
                n: {"idle": len(self._idle[n]), "busy": len(self._busy[n])}
                for n in sorted(names)
                if self._idle[n] or self._busy[n]
            }

    def close(self) -> None:
        with self._lock:
            workers = [w for ws in self._idle.values() for w in ws]
            workers += [w for ws in self._busy.values() for w in ws]
            self._idle.clear()
            self._busy.clear()
        for worker in workers:
            worker.kill()


def _log_stream_name() -> str:
    # AWS's stream name form: YYYY/MM/DD/[$LATEST]<32 hex>
    return time.strftime("%Y/%m/%d/", time.gmtime()) + "[$LATEST]" + uuid.uuid4().hex
