"""LambdaRuntime: invoke a function (sync, dry run) in a worker, with Lambda's limits and logs."""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from localcloud.lambda_ import logs
from localcloud.lambda_.concurrency import ConcurrencyLimiter
from localcloud.lambda_.errors import ResourceNotFound, TooManyRequests
from localcloud.lambda_.functions import CodeStore, FunctionSpec, spec_from_api, split_function_ref
from localcloud.lambda_.permissions import permits
from localcloud.lambda_.pool import Worker, WorkerDied, WorkerPool, WorkerTimeout

_logger = logging.getLogger(__name__)

NAMESPACE = "AWS/Lambda"
_MISSING = object()


@dataclass
class InvokeResult:
    """The outcome of one invocation, as the Invoke API reports it."""

    request_id: str
    payload: bytes
    function_error: str | None = None  # "Unhandled" when the function failed
    log_tail: str = ""
    version: str = "$LATEST"
    duration_ms: float = 0.0

    @property
    def failed(self) -> bool:
        return self.function_error is not None


class LambdaRuntime:
    """Runs functions whose configuration moto holds. Thread-safe; one per LocalCloud."""

    def __init__(self, client_factory, telemetry, config) -> None:
        data_dir = Path(config.data_dir) / "lambda"
        self._client = client_factory
        self._telemetry = telemetry
        self._config = config
        self.code = CodeStore(data_dir / "code", config.account, config.region)
        self._worker_logs = data_dir / "workers"
        self.pool = WorkerPool(self._spawn)
        self.limiter = ConcurrencyLimiter(config.lambda_concurrency)
        self._specs: dict[str, FunctionSpec] = {}
        self._policies: dict[str, dict | None] = {}
        self._specs_lock = threading.Lock()
        self.faults = None  # a FaultSettings (the faults plugin), or None: no fault injection

    # -- function configuration ----------------------------------------------------------------
    def function_spec(self, ref: str) -> FunctionSpec:
        """The function's current spec (cached until a Lambda write API call invalidates it)."""
        name, _qualifier = split_function_ref(ref)
        with self._specs_lock:
            spec = self._specs.get(name)
        if spec is not None:
            return spec
        lam = self._client("lambda")
        try:
            answer = lam.get_function(FunctionName=name)
            # moto leaves a reserved concurrency of 0 out of GetFunction: ask for it directly.
            answer["Concurrency"] = {k: v for k, v in lam.get_function_concurrency(
                FunctionName=name).items() if k == "ReservedConcurrentExecutions"}
            spec = spec_from_api(answer)
        except lam.exceptions.ResourceNotFoundException:
            arn = f"arn:aws:lambda:{self._config.region}:{self._config.account}:function:{name}"
            raise ResourceNotFound(f"Function not found: {arn}") from None
        with self._specs_lock:
            self._specs[name] = spec
        return spec

    def invalidate(self, name: str | None = None) -> None:
        with self._specs_lock:
            if name is None:
                self._specs.clear()
                self._policies.clear()
            else:
                self._specs.pop(name, None)
                self._policies.pop(name, None)

    def allows(self, ref: str, service: str, source_arn: str) -> bool:
        """Whether the function's resource policy lets `service` invoke it from `source_arn`
        (cached like the spec until a Lambda write call)."""
        name, _ = split_function_ref(ref)
        with self._specs_lock:
            policy = self._policies.get(name, _MISSING)
        if policy is _MISSING:
            lam = self._client("lambda")
            try:
                policy = json.loads(lam.get_policy(FunctionName=name)["Policy"])
            except lam.exceptions.ResourceNotFoundException:
                policy = None
            with self._specs_lock:
                self._policies[name] = policy
        return permits(policy, service, source_arn, self._config.account)

    # -- invoke --------------------------------------------------------------------------------
    def invoke(self, ref: str, payload: bytes, request_id: str | None = None,
               client_context: str | None = None) -> InvokeResult:
        """Run the function once, synchronously. Throttling raises TooManyRequests."""
        spec = self.function_spec(ref)
        request_id = request_id or str(uuid.uuid4())
        dims = {"FunctionName": spec.name}
        try:
            self.limiter.acquire(spec.name, spec.reserved_concurrency)
        except TooManyRequests:
            self._telemetry.put_metric(NAMESPACE, "Throttles", 1, "Count", dims)
            raise
        try:
            result = self._run(spec, payload, request_id, client_context)
        finally:
            self.limiter.release(spec.name)
        self._telemetry.put_metric(NAMESPACE, "Invocations", 1, "Count", dims)
        self._telemetry.put_metric(NAMESPACE, "Errors", int(result.failed), "Count", dims)
        self._telemetry.put_metric(NAMESPACE, "Duration", result.duration_ms, "Milliseconds", dims)
        return result

    def kill_running(self, ref: str) -> int:
        """Kill the workers running `ref` right now; their invocations fail (fault injection)."""
        name, _ = split_function_ref(ref)
        return self.pool.kill_busy(name)

    def _spawn(self, spec: FunctionSpec) -> Worker:
        code_dir = self.code.code_dir(spec)
        return Worker(spec, code_dir, self._config.child_env(),
                      self._worker_logs / f"{spec.name}.log")

    def _run(self, spec: FunctionSpec, payload: bytes, request_id: str,
             client_context: str | None) -> InvokeResult:
        init_started = time.monotonic()
        try:
            worker = self.pool.acquire(spec)
        except (WorkerDied, WorkerTimeout) as failure:
            return self._init_failed(spec, request_id, failure)
        init_ms = (time.monotonic() - init_started) * 1000 if worker.cold else None
        lines = [logs.start_line(request_id, spec.version)]
        started = time.time()
        request = {
            "request_id": request_id,
            "event": payload.decode("utf-8") if payload else "",
            "invoked_function_arn": spec.arn,
            "deadline_ms": int((started + spec.timeout) * 1000),
            "client_context": client_context,
        }
        killer = self._maybe_schedule_kill(worker)
        try:
            answer = worker.invoke(request, spec.timeout)
            body, error = answer["payload"].encode(), (None if answer["ok"] else "Unhandled")
            lines.extend(logs.split_output(answer.get("logs") or ""))
        except WorkerTimeout:
            lines.append(logs.timeout_line(request_id, spec.timeout))
            body, error = json.dumps(logs.timeout_payload(request_id, spec.timeout)).encode(), \
                "Unhandled"
        except WorkerDied as died:
            body = json.dumps(logs.exit_payload(request_id, died.returncode)).encode()
            error = "Unhandled"
            lines.append(f"RequestId: {request_id} Error: Runtime exited with error: "
                         f"{json.loads(body)['errorMessage'].split('error: ', 1)[-1]}")
        finally:
            if killer is not None:
                killer.cancel()
            max_memory = _peak_rss_mb(worker.process.pid)
            self.pool.release(worker)
        duration_ms = (time.time() - started) * 1000
        lines.append(logs.end_line(request_id))
        lines.append(logs.report_line(request_id, duration_ms, spec.memory, max_memory, init_ms))
        now_ms = int(time.time() * 1000)
        for line in lines:
            self._telemetry.put_log(spec.log_group, worker.log_stream, line, now_ms)
        return InvokeResult(request_id, body, error, "\n".join(lines)[-4096:], spec.version,
                            duration_ms)

    def _init_failed(self, spec: FunctionSpec, request_id: str, failure: Exception
                     ) -> InvokeResult:
        """The runtime process did not come up (crash or init timeout): a function error."""
        if isinstance(failure, WorkerTimeout):
            body = {"errorType": "Runtime.InitTimeout", "errorMessage":
                    f"RequestId: {request_id} Error: init did not finish within its timeout"}
        else:
            body = logs.exit_payload(request_id, getattr(failure, "returncode", None))
        stream = "init-failures"
        for line in (logs.start_line(request_id, spec.version), body["errorMessage"],
                     logs.end_line(request_id)):
            self._telemetry.put_log(spec.log_group, stream, line)
        return InvokeResult(request_id, json.dumps(body).encode(), "Unhandled", "",
                            spec.version, 0.0)

    def _maybe_schedule_kill(self, worker: Worker) -> threading.Timer | None:
        if self.faults is None or not self.faults.chance("lambda_kill_rate"):
            return None
        _logger.warning("fault injection: killing %s's worker mid-invocation", worker.spec.name)
        delay = self.faults.get("lambda_kill_after_ms", 50) / 1000.0
        timer = threading.Timer(delay, worker.terminate)
        timer.daemon = True
        timer.start()
        return timer

    def close(self) -> None:
        self.pool.close()

    def health(self) -> dict:
        return {"status": "ok", "workers": self.pool.counts()}


def _peak_rss_mb(pid: int) -> int:
    """The worker's peak resident memory (VmHWM), as `Max Memory Used` reports it."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return max(1, int(line.split()[1]) // 1024)
    except (OSError, ValueError):
        pass
    return 1
