"""The process a function runs in: imports the handler once, then serves invocations.

Protocol (one JSON object per line): the parent writes an invocation to stdin; the worker
answers on the stdout it had at start (file descriptor 1 is then pointed at stderr, so a handler
printing cannot corrupt the protocol). The handler's output is captured per invocation and
returned with the result, for the parent to write to CloudWatch Logs.
"""

from __future__ import annotations

import importlib
import io
import json
import logging
import os
import sys
import time
import traceback


class LambdaContext:
    """The context object of the AWS Python runtime (same attribute names)."""

    def __init__(self, request: dict) -> None:
        self.aws_request_id = request["request_id"]
        self.function_name = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
        self.function_version = os.environ["AWS_LAMBDA_FUNCTION_VERSION"]
        self.invoked_function_arn = request["invoked_function_arn"]
        self.memory_limit_in_mb = int(os.environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"])
        self.log_group_name = os.environ["AWS_LAMBDA_LOG_GROUP_NAME"]
        self.log_stream_name = os.environ["AWS_LAMBDA_LOG_STREAM_NAME"]
        self.identity = None
        self.client_context = request.get("client_context")
        self._deadline_ms = request["deadline_ms"]

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int(self._deadline_ms - time.time() * 1000))


class _RequestLogHandler(logging.Handler):
    """AWS's Python runtime format: `[LEVEL]\\t<time>\\t<request id>\\t<message>`."""

    request_id = ""

    def emit(self, record: logging.LogRecord) -> None:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        stamp += f".{int(record.msecs):03d}Z"
        message = self.format(record).replace("\n", "\r")  # one record = one log event
        sys.stdout.write(f"[{record.levelname}]\t{stamp}\t{self.request_id}\t{message}\n")


def _error_payload(error: BaseException, error_type: str | None = None) -> dict:
    frames = traceback.extract_tb(error.__traceback__)
    return {
        "errorMessage": str(error),
        "errorType": error_type or type(error).__name__,
        "requestId": "",
        "stackTrace": [line for line in traceback.format_list(frames)],
    }


def _load_handler(spec: str):
    module_name, _, func_name = spec.rpartition(".")
    if not module_name:
        raise ValueError(f"Bad handler '{spec}': not enough values to unpack")
    try:
        module = importlib.import_module(module_name.replace("/", "."))
    except Exception as error:  # reported as AWS does: Runtime.ImportModuleError
        raise _InitError(
            f"Unable to import module '{module_name}': {error}", "Runtime.ImportModuleError"
        ) from error
    try:
        return getattr(module, func_name)
    except AttributeError:
        raise _InitError(
            f"Handler '{func_name}' missing on module '{module_name}'",
            "Runtime.HandlerNotFound",
        ) from None


class _InitError(Exception):
    def __init__(self, message: str, error_type: str) -> None:
        super().__init__(message)
        self.error_type = error_type


def _invoke(handler, init_error, request: dict, log_handler: _RequestLogHandler) -> dict:
    capture = io.StringIO()
    sys.stdout = sys.stderr = capture
    log_handler.request_id = request["request_id"]
    try:
        if init_error is not None:
            raise init_error
        event = json.loads(request["event"]) if request["event"] else {}
        result = handler(event, LambdaContext(request))
        try:
            payload = json.dumps(result)
        except (TypeError, ValueError) as error:
            raise _InitError(
                f"Unable to marshal response: {error}", "Runtime.MarshalError"
            ) from error
        return {"ok": True, "payload": payload, "logs": capture.getvalue()}
    except Exception as error:  # the function's error, reported as AWS does
        error_type = getattr(error, "error_type", None)
        body = _error_payload(error, error_type)
        body["requestId"] = request["request_id"]
        # The runtime logs an unhandled error as one `[ERROR]` event with the traceback.
        lines = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        record = f"[ERROR] {body['errorType']}: {error}\n{lines}".rstrip("\n")
        capture.write(record.replace("\n", "\r") + "\n")
        return {"ok": False, "payload": json.dumps(body), "logs": capture.getvalue()}
    finally:
        sys.stdout = sys.__stdout__
        sys.stderr = sys.__stderr__


def main() -> None:
    protocol_out = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # stray writes to fd 1 (C extensions, subprocesses) go to the worker log
    protocol_in = sys.stdin
    sys.stdin = open(os.devnull)  # noqa: SIM115 - the function must not read our protocol
    task_root = os.environ["LAMBDA_TASK_ROOT"]
    sys.path.insert(0, task_root)
    os.chdir(task_root)
    log_handler = _RequestLogHandler()
    root = logging.getLogger()
    root.handlers = [log_handler]
    root.setLevel(logging.WARNING)  # as the AWS runtime: the function raises it if it wants INFO
    handler, init_error = None, None
    try:
        handler = _load_handler(os.environ["_HANDLER"])
    except _InitError as error:
        init_error = error
    except Exception as error:
        init_error = _InitError(str(error), "Runtime.HandlerNotFound")
    protocol_out.write(json.dumps({"ready": True}) + "\n")
    for line in protocol_in:
        request = json.loads(line)
        answer = _invoke(handler, init_error, request, log_handler)
        protocol_out.write(json.dumps(answer) + "\n")


if __name__ == "__main__":
    main()
