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
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from localcloud.glue import python_modules, telemetry
from localcloud.glue.jobs import JobRun, glue_version_problem, script_argv
from localcloud.glue.spark_events import read_task_counts
from localcloud.glue.spark_submit import SHIM_PARENT, SparkSettings, build_command
from localcloud.glue.warm import WarmDriver, WarmPool, start_pumps

_logger = logging.getLogger(__name__)
_EXCEPTION_LINE = re.compile(r"^(?:[A-Za-z_][\w]*\.)*(?P<name>[A-Za-z_]\w*)(?P<rest>:.*)?$")
_FLUSH_SECONDS = 2.0
# Where the awsglue shim finds the committed bookmark and writes its commit (the same names
# as awsglue/context.py; the shim cannot import this package).
CONTINUOUS_LOG_GROUP = "/aws-glue/jobs/logs-v2"
# The script's own stderr (see driver/glue_launcher.py), followed while the run goes on.
LAUNCHER = Path(__file__).resolve().parent / "driver" / "glue_launcher.py"
DRIVER_STDERR_ENV = "LOCALCLOUD_GLUE_DRIVER_STDERR"
OWNER_PID_ENV = "LOCALCLOUD_GLUE_OWNER_PID"  # read by driver/glue_launcher.py (--warm)
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
        self._pool = WarmPool()

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
        metrics = "--enable-metrics" in args
        events_dir = None
        try:
            launch = self._prepare(request, work, err, metrics)
            state, message, events_dir = self._run_process(request, launch, work, sinks)
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
        task_counts = read_task_counts(events_dir) if metrics and events_dir else None
        service.finish_run(request, state, message, task_counts)
        shutil.rmtree(work, ignore_errors=True)
        if request.spark.warm_driver:
            threading.Thread(target=self._start_spare, args=(request.spark,), daemon=True).start()

    def close(self) -> None:
        """Stop the spare warm driver, if any, and start no more."""
        self._pool.close()

    @property
    def warm_pool(self) -> WarmPool:
        return self._pool

    def _prepare(
        self, request: RunRequest, work: Path, err: telemetry.LogStream, metrics: bool
    ) -> _Launch:
        service, run, args = self._service, request.run, request.merged_arguments
        problem = glue_version_problem(request.job.get("GlueVersion"))
        if problem:
            raise RunFailed(problem)
        s3 = service.cloud.client("s3")
        location = (request.job.get("Command") or {}).get("ScriptLocation")
        if not location:
            raise RunFailed(f"Job {run.job_name} has no Command.ScriptLocation")
        script = _download(s3, location, work)
        modules = _install_modules(s3, args, work, Path(service.work_dir) / "python-modules")
        py_files = [
            str(_download(s3, uri, work / "py-files", as_zip=True))
            for uri in python_file_uris(args, err.write)
        ]
        state_path = work / "bookmark-state.json"
        state_path.write_text(json.dumps(service.bookmarks.sources(run.job_name)))
        env = self._driver_env(modules)
        run_env = {
            STATE_ENV: str(state_path),
            COMMIT_ENV: str(work / "bookmark-commit.json"),
            DRIVER_STDERR_ENV: str(work / DRIVER_STDERR_FILE),
        }
        env.update(run_env)
        events_dir = work / "spark-events" if metrics else None
        script_args = script_argv(run.job_name, run.run_id, args)
        command = build_command(
            str(LAUNCHER),
            [str(script), *script_args],
            request.spark,
            service.cloud.config.endpoint,
            (env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]),
            app_name=f"{run.job_name}-{run.run_id[:11]}",
            py_files=py_files,
            conf=_event_log_conf(events_dir) if events_dir else None,
        )
        return _Launch(command, env, run_env, str(script), script_args, py_files, events_dir,
                       [str(modules)] if modules else [])

    def _driver_env(self, modules: Path | None = None) -> dict[str, str]:
        env = self._service.cloud.config.child_env()
        env["PYTHONPATH"] = os.pathsep.join(
            [str(SHIM_PARENT)] + ([str(modules)] if modules else [])
            + [p for p in [env.get("PYTHONPATH")] if p]
        )
        env.pop("SPARK_HOME", None)  # the pyspark package's own Spark, always
        return env

    def _start_spare(self, spark: SparkSettings) -> None:
        """Start a warm driver for the next run with these settings (warm.py)."""
        endpoint = self._service.cloud.config.endpoint
        signature = _signature(spark, endpoint)
        if self._pool.has(signature):
            return
        control = Path(self._service.work_dir) / "warm" / uuid.uuid4().hex
        control.mkdir(parents=True)
        env = self._driver_env()
        # A spare waits for a run that only this cloud can hand it: it exits when this process
        # is gone (a killed cloud would otherwise leave an idle JVM behind).
        env[OWNER_PID_ENV] = str(os.getpid())
        command = build_command(
            str(LAUNCHER), ["--warm", str(control)], spark, endpoint,
            (env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]),
            app_name="glue-warm-driver", conf=_event_log_conf(control / "spark-events"),
        )
        process = subprocess.Popen(
            command, cwd=control, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL, start_new_session=True, text=True, errors="replace",
        )
        driver = WarmDriver(process, control, signature)
        driver.relays = start_pumps(process)
        self._pool.offer(driver)
        _logger.info("warm Glue driver starting (pid %d)", process.pid)

    def _run_process(
        self, request: RunRequest, launch: _Launch, work: Path, sinks: list
    ) -> tuple[str, str | None, Path | None]:
        service, run = self._service, request.run
        driver = None
        if request.spark.warm_driver:
            driver = self._pool.take(_signature(request.spark, service.cloud.config.endpoint))
        if driver is not None:
            _logger.info("job run %s: on warm driver pid %d", run.run_id, driver.process.pid)
            process, relays, events_dir = driver.process, driver.relays, driver.events_dir
            driver.hand_over({
                "script": launch.script, "args": launch.script_args, "env": launch.run_env,
                "py_files": launch.py_files, "cwd": str(work),
                "python_path": launch.python_path,
            })
        else:
            _logger.info("job run %s: %s", run.run_id, " ".join(launch.command[:4]))
            process = subprocess.Popen(
                launch.command, cwd=work, env=launch.env, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, start_new_session=True,
                text=True, errors="replace",
            )
            relays, events_dir = start_pumps(process), launch.events_dir
        out, err, *more = sinks
        jvm_tail: collections.deque[str] = collections.deque(maxlen=400)
        python_tail: collections.deque[str] = collections.deque(maxlen=400)
        finished = threading.Event()
        relays[0].attach([out, *more], None)
        relays[1].attach([err, *more], jvm_tail)
        follower = threading.Thread(
            target=_follow, args=(work / DRIVER_STDERR_FILE, [err, *more], python_tail, finished),
            daemon=True,
        )
        follower.start()
        service.set_run_state(run, "RUNNING")
        deadline = time.monotonic() + request.timeout_seconds
        outcome: tuple[str, str | None] | None = None
        last_flush = time.monotonic()
        while process.poll() is None:
            if run.stop_requested.is_set():
                kill_process_group(process)
                outcome = ("STOPPED", None)
            elif time.monotonic() > deadline:
                kill_process_group(process)
                minutes = request.run.timeout_minutes
                outcome = ("TIMEOUT", f"Job run timed out after {minutes} minutes")
            else:
                run.stop_requested.wait(0.25)
            if time.monotonic() - last_flush > _FLUSH_SECONDS:
                for sink in sinks:
                    sink.flush()
                last_flush = time.monotonic()
        finished.set()
        follower.join(timeout=10)
        for relay in relays:
            relay.done.wait(timeout=10)
        if driver is not None:
            shutil.rmtree(driver.control, ignore_errors=True)
        if outcome:
            return (*outcome, events_dir)
        if process.returncode == 0:
            return "SUCCEEDED", None, events_dir
        tail = list(python_tail) or list(jvm_tail)
        return "FAILED", error_message_from(tail, process.returncode), events_dir

    def _commit_bookmark(self, request: RunRequest, work: Path) -> None:
        run = request.run
        option = request.merged_arguments.get("--job-bookmark-option", "job-bookmark-disable")
        path = work / "bookmark-commit.json"
        if option != "job-bookmark-enable" or not path.exists():
            return  # no job.commit(): as on AWS, the bookmark does not move
        sources = json.loads(path.read_text())
        self._service.bookmarks.commit(run.job_name, run.run_id, run.attempt, sources)


@dataclass
class _Launch:
    """How to start one run's driver: a full command, or the parts a warm driver needs."""

    command: list[str]
    env: dict[str, str]
    run_env: dict[str, str]
    script: str
    script_args: list[str]
    py_files: list[str]
    events_dir: Path | None
    python_path: list[str]  # the installed --additional-python-modules (warm: driver only)


def _signature(spark: SparkSettings, endpoint: str) -> tuple:
    """What a warm driver must share with a run to serve it."""
    return (spark.master, tuple(spark.jars), spark.packages, spark.driver_memory,
            tuple(sorted(spark.extra_conf.items())), endpoint)


def _event_log_conf(folder: Path) -> dict[str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    return {
        "spark.eventLog.enabled": "true",
        "spark.eventLog.dir": folder.as_uri(),
        "spark.eventLog.compress": "false",
    }


def python_file_uris(args: dict[str, str], warn) -> list[str]:
    """S3 URIs of the Python files a run ships with --py-files: `--extra-py-files`, plus the
    pure S3 wheels of `--additional-python-modules` (also pip-installed, `_install_modules`;
    as py-files executors of a warm driver import them too). A compiled wheel is not shipped:
    it cannot be imported from a zip and would hide the installed copy. PyPI names cannot be
    installed per run and are reported through `warn`."""
    uris: list[str] = []
    for uri in args.get("--extra-py-files", "").split(","):
        if uri.strip() and uri.strip() not in uris:
            uris.append(uri.strip())
    for item in python_modules.module_wheels(args):
        if python_modules.is_pure(item) and item not in uris:
            uris.append(item)
    for item in args.get("--additional-python-modules", "").split(","):
        item = item.strip()
        if item and not item.startswith("s3://"):
            warn(f"--additional-python-modules {item}: not installed locally (the local "
                 "runner uses the packages of its own Python environment)")
    return uris


def _install_modules(s3, args: dict[str, str], work: Path, cache: Path) -> Path | None:
    """Glue's start-up step for `--additional-python-modules`: fetch each S3 wheel and
    pip-install them with `--python-modules-installer-option` (the folder goes on the job's
    PYTHONPATH). A missing wheel or an unresolvable dependency fails the run. Installs are kept
    under `cache` by the wheels' content and the options, so an unchanged job does not pay pip
    again; the wheels are still fetched every run."""
    uris = python_modules.module_wheels(args)
    if not uris:
        return None
    wheels = []
    for uri in uris:
        try:
            wheels.append(_download(s3, uri, work / "python-modules-wheels"))
        except RunFailed as error:
            raise RunFailed(f"Installation of Python modules failed: {error}") from None
    try:
        return python_modules.install_cached(
            wheels, args.get("--python-modules-installer-option", ""), cache)
    except python_modules.ModulesFailed as error:
        raise RunFailed(str(error)) from None


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


def kill_process_group(process: subprocess.Popen) -> None:
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

