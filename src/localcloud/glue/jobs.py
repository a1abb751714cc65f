"""Job runs: their record (as GetJobRun shows it), argument merging, concurrency. No I/O."""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone

from localcloud.glue.errors import ConcurrentRunsExceeded, EntityNotFound, InvalidInput

ACTIVE_STATES = ("STARTING", "RUNNING", "STOPPING", "WAITING")
FINAL_STATES = ("SUCCEEDED", "FAILED", "TIMEOUT", "STOPPED", "ERROR")
DEFAULT_TIMEOUT_MINUTES = 2880  # Glue's default job timeout (48 hours)
# Arguments the runner consumes itself rather than the script (it still sees them in argv).
BOOKMARK_OPTIONS = ("job-bookmark-enable", "job-bookmark-disable", "job-bookmark-pause")
# The AWS Glue versions whose runtime this one matches: Spark 3.5, Python 3.11, Java 17.
LOCAL_GLUE_VERSIONS = ("5.0", "5.1")
# A job created without GlueVersion gets AWS's current default (5.1 per "AWS Glue versions").
DEFAULT_GLUE_VERSION = "5.1"
# Runtimes of the versions AWS still runs that the local one does not match (for the message).
_OTHER_RUNTIMES = {
    "4.0": "Spark 3.3, Python 3.10, Java 8",
    "3.0": "Spark 3.1, Python 3.7, Java 8",
    "2.0": "Spark 2.4, Python 3.7, Java 8",
}


def new_run_id() -> str:
    """A run id shaped like Glue's: `jr_` and 64 hex digits."""
    return "jr_" + secrets.token_hex(32)


def merge_arguments(
    default: dict[str, str] | None,
    run: dict[str, str] | None,
    non_overridable: dict[str, str] | None = None,
) -> dict[str, str]:
    """Glue's precedence: job DefaultArguments < run Arguments < NonOverridableArguments."""
    merged = dict(default or {})
    merged.update(run or {})
    merged.update(non_overridable or {})
    for key in merged:
        if not key.startswith("--"):
            raise InvalidInput(f"Argument key {key!r} must start with '--'")
    option = merged.get("--job-bookmark-option", "job-bookmark-disable")
    if option not in BOOKMARK_OPTIONS:
        raise InvalidInput(
            f"--job-bookmark-option {option!r}: must be one of {', '.join(BOOKMARK_OPTIONS)}"
        )
    return merged


def glue_version_problem(version: str | None) -> str | None:
    """Why the local runtime cannot stand in for `version` (None when it can): a run of another
    version here would not show how the script behaves on AWS."""
    version = version or DEFAULT_GLUE_VERSION
    if version in LOCAL_GLUE_VERSIONS:
        return None
    runtime = _OTHER_RUNTIMES.get(version, "a runtime the local one does not emulate")
    return (
        f"GlueVersion {version} is not run by the local Glue runtime: AWS Glue {version} is "
        f"{runtime}, the local runtime is Spark 3.5, Python 3.11, Java 17 (AWS Glue "
        f"{' / '.join(LOCAL_GLUE_VERSIONS)}). Set the job's GlueVersion to "
        f"{LOCAL_GLUE_VERSIONS[-1]} or {LOCAL_GLUE_VERSIONS[0]}."
    )


def script_argv(job_name: str, run_id: str, merged: dict[str, str]) -> list[str]:
    """The script's arguments as Glue passes them: its own ids and options, then every job
    argument as `--key value`."""
    argv = [
        "--JOB_ID", "j_" + run_id[3:],
        "--JOB_RUN_ID", run_id,
        "--JOB_NAME", job_name,
        "--job-bookmark-option", merged.get("--job-bookmark-option", "job-bookmark-disable"),
    ]
    for key, value in merged.items():
        if key in ("--JOB_NAME", "--JOB_RUN_ID", "--JOB_ID", "--job-bookmark-option"):
            continue
        argv += [key, value]
    return argv


@dataclass
class JobRun:
    """One run of one job; `to_api()` is GetJobRun's `JobRun`."""

    job_name: str
    run_id: str
    arguments: dict[str, str]
    timeout_minutes: int
    started_on: datetime
    attempt: int = 0
    previous_run_id: str | None = None
    state: str = "STARTING"
    error_message: str | None = None
    completed_on: datetime | None = None
    last_modified_on: datetime | None = None
    execution_seconds: int = 0
    worker_type: str | None = None
    number_of_workers: int | None = None
    glue_version: str | None = None
    max_capacity: float | None = None
    stop_requested: threading.Event = field(default_factory=threading.Event, repr=False)

    def to_api(self) -> dict:
        run = {
            "Id": self.run_id,
            "Attempt": self.attempt,
            "JobName": self.job_name,
            "StartedOn": self.started_on,
            "LastModifiedOn": self.last_modified_on or self.started_on,
            "JobRunState": self.state,
            "Arguments": self.arguments,
            "PredecessorRuns": [],
            "ExecutionTime": self.execution_seconds,
            "Timeout": self.timeout_minutes,
            "LogGroupName": "/aws-glue/jobs",
        }
        optional = {
            "CompletedOn": self.completed_on,
            "ErrorMessage": self.error_message,
            "PreviousRunId": self.previous_run_id,
            "WorkerType": self.worker_type,
            "NumberOfWorkers": self.number_of_workers,
            "GlueVersion": self.glue_version,
            "MaxCapacity": self.max_capacity,
        }
        run.update({k: v for k, v in optional.items() if v is not None})
        return run


class JobRuns:
    """Every run of every job, newest first per job; thread-safe."""

    def __init__(self) -> None:
        self._runs: dict[str, list[JobRun]] = {}
        self._lock = threading.Lock()

    def add(self, run: JobRun, max_concurrent: int) -> None:
        """Record a new run, refusing it when the job already has `max_concurrent` active."""
        with self._lock:
            runs = self._runs.setdefault(run.job_name, [])
            active = sum(1 for r in runs if r.state in ACTIVE_STATES)
            if active >= max_concurrent:
                raise ConcurrentRunsExceeded(f"Concurrent runs exceeded for {run.job_name}")
            runs.insert(0, run)

    def get(self, job_name: str, run_id: str) -> JobRun:
        with self._lock:
            for run in self._runs.get(job_name, []):
                if run.run_id == run_id:
                    return run
        raise EntityNotFound(f"Job run {run_id} not found for job {job_name}")

    def active(self) -> list[JobRun]:
        """Runs not yet in a final state, of every job."""
        with self._lock:
            return [r for runs in self._runs.values() for r in runs
                    if r.state not in FINAL_STATES]

    def list(self, job_name: str) -> list[JobRun]:
        with self._lock:
            return list(self._runs.get(job_name, []))

    def set_state(self, run: JobRun, state: str, now: datetime, error: str | None = None) -> bool:
        """Move `run` to `state` unless it already ended; False when it had."""
        with self._lock:
            if run.state in FINAL_STATES:
                return False
            if run.state == "STOPPING" and state not in FINAL_STATES:
                return False  # a stop asked for during start-up wins over RUNNING
            run.state = state
            run.last_modified_on = now
            if error is not None:
                run.error_message = error
            if state in FINAL_STATES:
                run.completed_on = now
                run.execution_seconds = int((now - run.started_on).total_seconds())
            return True

    def export(self) -> dict:
        with self._lock:
            return {
                job: [_export_run(r) for r in runs if r.state in FINAL_STATES]
                for job, runs in self._runs.items()
            }

    def restore(self, data: dict) -> None:
        with self._lock:
            self._runs = {job: [_restore_run(r) for r in runs] for job, runs in data.items()}


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _export_run(run: JobRun) -> dict:
    return {
        "job_name": run.job_name, "run_id": run.run_id, "arguments": run.arguments,
        "timeout_minutes": run.timeout_minutes, "started_on": run.started_on.isoformat(),
        "attempt": run.attempt, "state": run.state, "error_message": run.error_message,
        "completed_on": run.completed_on.isoformat() if run.completed_on else None,
        "last_modified_on": run.last_modified_on.isoformat() if run.last_modified_on else None,
        "execution_seconds": run.execution_seconds,
    }


def _restore_run(data: dict) -> JobRun:
    run = JobRun(
        job_name=data["job_name"], run_id=data["run_id"], arguments=data["arguments"],
        timeout_minutes=data["timeout_minutes"],
        started_on=datetime.fromisoformat(data["started_on"]), attempt=data["attempt"],
        state=data["state"], error_message=data["error_message"],
        execution_seconds=data["execution_seconds"],
    )
    if data["completed_on"]:
        run.completed_on = datetime.fromisoformat(data["completed_on"])
    if data.get("last_modified_on"):
        run.last_modified_on = datetime.fromisoformat(data["last_modified_on"])
    return run
