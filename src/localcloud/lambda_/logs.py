"""The lines the Lambda service itself writes around each invocation (pure)."""

from __future__ import annotations

import math
import time


def start_line(request_id: str, version: str = "$LATEST") -> str:
    return f"START RequestId: {request_id} Version: {version}"


def end_line(request_id: str) -> str:
    return f"END RequestId: {request_id}"


def report_line(
    request_id: str, duration_ms: float, memory_mb: int, max_memory_mb: int,
    init_ms: float | None = None,
) -> str:
    """REPORT line with Lambda's tab-separated fields; billed duration rounds up to 1 ms."""
    parts = [
        f"REPORT RequestId: {request_id}",
        f"Duration: {duration_ms:.2f} ms",
        f"Billed Duration: {max(1, math.ceil(duration_ms))} ms",
        f"Memory Size: {memory_mb} MB",
        f"Max Memory Used: {max_memory_mb} MB",
    ]
    if init_ms is not None:
        parts.append(f"Init Duration: {init_ms:.2f} ms")
    return "\t".join(parts) + "\t"


def timeout_line(request_id: str, timeout_s: float, now: float | None = None) -> str:
    """The line Lambda logs when it stops a function at its timeout."""
    return f"{iso_time(now)} {request_id} Task timed out after {timeout_s:.2f} seconds"


def iso_time(now: float | None = None) -> str:
    now = time.time() if now is None else now
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now % 1 * 1000):03d}Z"


def timeout_payload(request_id: str, timeout_s: float) -> dict:
    """The invoke response body of a timed-out invocation (current AWS runtimes)."""
    return {
        "errorType": "Sandbox.Timedout",
        "errorMessage": f"RequestId: {request_id} Error: Task timed out after "
        f"{timeout_s:.2f} seconds",
    }


def exit_payload(request_id: str, returncode: int | None) -> dict:
    """The invoke response body when the runtime process died mid-invocation."""
    if returncode is not None and returncode < 0:
        import signal

        try:
            reason = f"signal: {signal.Signals(-returncode).name.lower().removeprefix('sig')}"
        except ValueError:
            reason = f"signal: {-returncode}"
    else:
        reason = f"exit status {returncode}"
    return {
        "errorType": "Runtime.ExitError",
        "errorMessage": f"RequestId: {request_id} Error: Runtime exited with error: {reason}",
    }



def split_output(text: str) -> list[str]:
    """The function's captured output as log events, one per line. A logging record or an
    unhandled error arrives with its inner newlines as `\r` (the AWS runtime's trick to keep a
    traceback in one event) and becomes one event with real newlines."""
    if not text:
        return []
    return [line.replace("\r", "\n") for line in text.rstrip("\n").split("\n") if line]
