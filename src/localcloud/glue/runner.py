"""Run one Glue job run: fetch script and py-files from S3, spark-submit, watch, record.

One background thread per run. The script's stdout goes to /aws-glue/jobs/output and its
stderr to /aws-glue/jobs/error (stream = run id); the run ends SUCCEEDED, FAILED (with the
Python exception line as ErrorMessage), TIMEOUT or STOPPED.
"""

from __future__ import annotations

import collections
import json
import logging
import os
import re
import shutil
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from localcloud.glue import telemetry
from localcloud.glue.jobs import JobRun, script_argv
from localcloud.glue.spark_events import read_task_counts
from localcloud.glue.spark_submit import SHIM_PARENT, SparkSettings, build_command

_logger = logging.getLogger(__name__)
_EXCEPTION_LINE = re.compile(r"^(?:[A-Za-z_][\w]*\.)*(?P<name>[A-Za-z_]\w*)(?P<rest>:.*)?$")
_FLUSH_SECONDS = 2.0
# Where the awsglue shim finds the committed bookmark and writes its commit (the same names
# as awsglue/context.py; the shim cannot import this package).
CONTINUOUS_LOG_GROUP = "/aws-glue/jobs/logs-v2"
# The script's own stderr (see driver/glue_launcher.py), followed while the run goes on.
LAUNCHER = Path(__file__).resolve().parent / "driver" / "glue_launcher.py"
DRIVER_STDERR_ENV = "LOCALCLOUD_GLUE_DRIVER_STDERR"
DRIVER_STDERR_FILE = "driver-stderr.log"
STATE_ENV = "LOCALCLOUD_GLUE_BOOKMARK_STATE"
COMMIT_ENV = "LOCALCLOUD_GLUE_BOOKMARK_COMMIT"
_KILL_GRACE_SECONDS = 5.0


class RunFailed(Exception):
    """The run could not start (script or py-file missing): becomes its ErrorMessage."""


@dataclass
class RunRequest:
    """What one run needs from its job definition."""

    job: dict
    run: JobRun
    merged_arguments: dict[str, str]
    timeout_seconds: float
    spark: SparkSettings  # as they were at StartJobRun


def error_message_from(stderr_tail: list[str], exit_code: int) -> str:
    """The last Python exception line (`ValueError: boom`), as Glue reports ErrorMessage;
    otherwise the process's exit code."""
    start = None
    for i, line in enumerate(stderr_tail):
        if line.startswith("Traceback (most recent call last)"):
            start = i
    if start is not None:
        for line in stderr_tail[start + 1:]:
            if line and not line[0].isspace():
                match = _EXCEPTION_LINE.match(line.split(":", 1)[0])
                if match and ":" in line:
                    return match["name"] + ":" + line.split(":", 1)[1]
                return line.strip()
    return f"Command failed with exit code {exit_code}"


class JobRunner:
    """Executes runs for one GlueService (which owns the run records and bookmarks)."""

    def __init__(self, service: Any) -> None:
        self._service = service

    def start(self, request: RunRequest) -> threading.Thread:
        thread = threading.Thread(
            target=self._execute, args=(request,), name=f"glue-{request.run.run_id[:12]}",
            daemon=True,
        )
        thread.start()
        return thread

    # -- one run -------------------------------------------------------------------------------
    def _execute(self, request: RunRequest) -> None:
        service, run, args = self._service, request.run, request.merged_arguments
        work = Path(service.work_dir) / "runs" / run.run_id
        work.mkdir(parents=True, exist_ok=True)
        logs = service.cloud.client("logs")
        out = telemetry.LogStream(logs, telemetry.OUTPUT_LOG_GROUP, run.run_id)
        err = telemetry.LogStream(logs, telemetry.ERROR_LOG_GROUP, run.run_id)
        sinks = [out, err]
        if args.get("--enable-continuous-cloudwatch-log") == "true":
            # Continuous logging: the driver's whole output in one more group, stream = run id.
            group = args.get("--continuous-log-logGroup") or CONTINUOUS_LOG_GROUP
            sinks.append(telemetry.LogStream(logs, group, run.run_id))
        events_dir = work / "spark-events" if "--enable-metrics" in args else None
        try:
            command, env = self._prepare(request, work, err, events_dir)
            state, message = self._run_process(request, command, env, work, sinks)
        except RunFailed as error:
            err.write(str(error))
            state, message = "FAILED", str(error)
        except Exception as error:  # a bug of ours must still end the run
            _logger.exception("job run %s crashed", run.run_id)
            state, message = "FAILED", f"Local Glue executor error: {error}"
        for sink in sinks:
            sink.flush()
        if state == "SUCCEEDED":
            self._commit_bookmark(request, work)
        task_counts = read_task_counts(events_dir) if events_dir else None
        service.finish_run(request, state, message, task_counts)
        shutil.rmtree(work, ignore_errors=True)

    def _prepare(
        self, request: RunRequest, work: Path, err: telemetry.LogStream, events_dir: Path | None
    ) -> tuple[list[str], dict[str, str]]:
        service, run, args = self._service, request.run, request.merged_arguments
        s3 = service.cloud.client("s3")
        location = (request.job.get("Command") or {}).get("ScriptLocation")
        if not location:
            raise RunFailed(f"Job {run.job_name} has no Command.ScriptLocation")
        script = _download(s3, location, work)
        py_files = [
            str(_download(s3, uri, work / "py-files", as_zip=True))
            for uri in python_file_uris(args, err.write)
        ]
        state_path = work / "bookmark-state.json"
        state_path.write_text(json.dumps(service.bookmarks.sources(run.job_name)))
        env = service.cloud.config.child_env()
        env["PYTHONPATH"] = os.pathsep.join(
            [str(SHIM_PARENT)] + [p for p in [env.get("PYTHONPATH")] if p]
        )
        env[STATE_ENV] = str(state_path)
        env[COMMIT_ENV] = str(work / "bookmark-commit.json")
        env.pop("SPARK_HOME", None)  # the pyspark package's own Spark, always
        conf = {}
        if events_dir is not None:
            events_dir.mkdir(parents=True, exist_ok=True)
            conf = {
                "spark.eventLog.enabled": "true",
                "spark.eventLog.dir": events_dir.as_uri(),
                "spark.eventLog.compress": "false",
            }
        env[DRIVER_STDERR_ENV] = str(work / DRIVER_STDERR_FILE)
        command = build_command(
            str(LAUNCHER),
            [str(script), *script_argv(run.job_name, run.run_id, args)],
            request.spark,
            service.cloud.config.endpoint,
            (env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]),
            app_name=f"{run.job_name}-{run.run_id[:11]}",
            py_files=py_files,
            conf=conf,
        )
        return command, env

    def _run_process(self, request, command, env, work, sinks) -> tuple[str, str | None]:
        service, run = self._service, request.run
        _logger.info("job run %s: %s", run.run_id, " ".join(command[:4]))
        process = subprocess.Popen(
            command, cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL, start_new_session=True, text=True, errors="replace",
        )
        out, err, *more = sinks
        jvm_tail: collections.deque[str] = collections.deque(maxlen=400)
        python_tail: collections.deque[str] = collections.deque(maxlen=400)
        finished = threading.Event()
        readers = [
            threading.Thread(target=_pump, args=(process.stdout, [out, *more], None), daemon=True),
            threading.Thread(target=_pump, args=(process.stderr, [err, *more], jvm_tail),
                             daemon=True),
            threading.Thread(target=_follow, args=(work / DRIVER_STDERR_FILE, [err, *more],
                                                   python_tail, finished), daemon=True),
        ]
        for reader in readers:
            reader.start()
        service.set_run_state(run, "RUNNING")
        deadline = time.monotonic() + request.timeout_seconds
        outcome: tuple[str, str | None] | None = None
        last_flush = time.monotonic()
        while process.poll() is None:
            if run.stop_requested.is_set():
                _kill(process)
                outcome = ("STOPPED", None)
            elif time.monotonic() > deadline:
                _kill(process)
                minutes = request.run.timeout_minutes
                outcome = ("TIMEOUT", f"Job run timed out after {minutes} minutes")
            else:
                run.stop_requested.wait(0.25)
            if time.monotonic() - last_flush > _FLUSH_SECONDS:
                for sink in sinks:
                    sink.flush()
                last_flush = time.monotonic()
        finished.set()
        for reader in readers:
            reader.join(timeout=10)
        if outcome:
            return outcome
        if process.returncode == 0:
            return "SUCCEEDED", None
        tail = list(python_tail) or list(jvm_tail)
        return "FAILED", error_message_from(tail, process.returncode)

    def _commit_bookmark(self, request: RunRequest, work: Path) -> None:
        run = request.run
        option = request.merged_arguments.get("--job-bookmark-option", "job-bookmark-disable")
        path = work / "bookmark-commit.json"
        if option != "job-bookmark-enable" or not path.exists():
            return  # no job.commit(): as on AWS, the bookmark does not move
        sources = json.loads(path.read_text())
        self._service.bookmarks.commit(run.job_name, run.run_id, run.attempt, sources)


def python_file_uris(args: dict[str, str], warn) -> list[str]:
    """S3 URIs of the Python files a run needs: `--extra-py-files`, plus the S3 wheels of
    `--additional-python-modules` (Glue pip-installs those; here they are shipped the same way
    as py-files; PyPI names cannot be installed per run and are reported through `warn`)."""
    uris: list[str] = []
    for uri in args.get("--extra-py-files", "").split(","):
        if uri.strip() and uri.strip() not in uris:
            uris.append(uri.strip())
    for item in args.get("--additional-python-modules", "").split(","):
        item = item.strip()
        if item.startswith("s3://") and item.endswith(".whl"):
            if item not in uris:
                uris.append(item)
        elif item:
            warn(f"--additional-python-modules {item}: not installed locally (the local "
                 "runner uses the packages of its own Python environment)")
    return uris


def _pump(stream, sinks: list[telemetry.LogStream], tail: collections.deque | None) -> None:
    for line in stream:
        line = line.rstrip("\n")
        for sink in sinks:
            sink.write(line)
        if tail is not None:
            tail.append(line)
    stream.close()


def _follow(path: Path, sinks: list[telemetry.LogStream], tail: collections.deque,
            finished: threading.Event) -> None:
    """Copy lines appended to `path` until `finished` is set and nothing more comes."""
    position, pending = 0, ""
    while True:
        done = finished.is_set()
        if path.exists():
            with open(path, errors="replace") as handle:
                handle.seek(position)
                chunk = handle.read()
                position = handle.tell()
            pending += chunk
            *lines, pending = pending.split("\n")
            for line in lines:
                for sink in sinks:
                    sink.write(line)
                tail.append(line)
        if done:
            break
        finished.wait(0.2)
    if pending:
        for sink in sinks:
            sink.write(pending)
        tail.append(pending)


def _kill(process: subprocess.Popen) -> None:
    """Stop the whole process group (the JVM and its Python children)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=_KILL_GRACE_SECONDS)
            return
        except subprocess.TimeoutExpired:
            continue


def _download(s3, uri: str, folder: Path, as_zip: bool = False) -> Path:
    parsed = urlparse(uri)
    if parsed.scheme not in ("s3", "s3a") or not parsed.netloc or not parsed.path.strip("/"):
        raise RunFailed(f"{uri!r} is not an s3:// object URI")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / Path(parsed.path).name
    if as_zip and target.suffix == ".whl":
        # A wheel is a zip; named .zip, Spark puts it on the executors' sys.path as well.
        target = target.with_suffix(".zip")
    try:
        s3.download_file(parsed.netloc, parsed.path.lstrip("/"), str(target))
    except Exception as error:
        raise RunFailed(f"Cannot download {uri}: {error}") from None
    return target

