"""The Glue job operations the local cloud answers itself (moto keeps job definitions)."""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from pathlib import Path
from typing import Any

from localcloud.glue import telemetry
from localcloud.glue.bookmarks import BookmarkStore
from localcloud.glue.errors import ConcurrentRunsExceeded, EntityNotFound, InvalidInput
from localcloud.glue.jobs import (
    DEFAULT_TIMEOUT_MINUTES,
    FINAL_STATES,
    JobRun,
    JobRuns,
    merge_arguments,
    new_run_id,
    utc_now,
)
from localcloud.glue.runner import JobRunner, RunRequest
from localcloud.glue.spark_submit import SparkSettings

_logger = logging.getLogger(__name__)


class JobService:
    """StartJobRun, GetJobRun(s), BatchStopJobRun, Get/ResetJobBookmark for one LocalCloud."""

    def __init__(self, cloud: Any, spark: SparkSettings | None = None) -> None:
        self.cloud = cloud
        self.runs = JobRuns()
        self.bookmarks = BookmarkStore()
        self.spark = spark or SparkSettings.from_env()
        self.work_dir = Path(cloud.config.data_dir) / "glue"
        # Simulated seconds per real second for job timeouts (None: the cloud's time_scale).
        self.time_scale: float | None = None
        self._runner = JobRunner(self)

    # -- operations ----------------------------------------------------------------------------
    def start_job_run(self, params: dict) -> dict:
        job_name = _required(params, "JobName")
        job = self._get_job(job_name)
        merged = merge_arguments(
            job.get("DefaultArguments"), params.get("Arguments"),
            job.get("NonOverridableArguments"),
        )
        timeout = int(params.get("Timeout") or job.get("Timeout") or DEFAULT_TIMEOUT_MINUTES)
        if timeout < 1:
            raise InvalidInput("Timeout must be at least 1 minute")
        run = JobRun(
            job_name=job_name,
            run_id=new_run_id(),
            arguments=dict(params.get("Arguments") or {}),
            timeout_minutes=timeout,
            started_on=utc_now(),
            worker_type=params.get("WorkerType") or job.get("WorkerType"),
            number_of_workers=params.get("NumberOfWorkers") or job.get("NumberOfWorkers"),
            glue_version=job.get("GlueVersion"),
            max_capacity=params.get("MaxCapacity") or job.get("MaxCapacity"),
        )
        self._launch(job, run, merged)
        return {"JobRunId": run.run_id}

    def _launch(self, job: dict, run: JobRun, merged: dict[str, str]) -> None:
        max_concurrent = int((job.get("ExecutionProperty") or {}).get("MaxConcurrentRuns") or 1)
        self.runs.add(run, max_concurrent)
        self._publish(run, "STARTING")
        scale = self.time_scale or self.cloud.config.time_scale or 1.0
        spark = dataclasses.replace(self.spark, jars=list(self.spark.jars),
                                    extra_conf=dict(self.spark.extra_conf))
        request = RunRequest(job, run, merged, run.timeout_minutes * 60.0 / scale, spark)
        self._runner.start(request)

    def _retry(self, request: RunRequest) -> None:
        """Glue's MaxRetries: a failed run starts again as a new run, Attempt + 1."""
        failed = request.run
        retry = dataclasses.replace(
            failed, run_id=new_run_id(), attempt=failed.attempt + 1,
            previous_run_id=failed.run_id, state="STARTING", error_message=None,
            completed_on=None, last_modified_on=None, execution_seconds=0,
            started_on=utc_now(), stop_requested=threading.Event(),
        )
        try:
            self._launch(request.job, retry, request.merged_arguments)
        except ConcurrentRunsExceeded:
            _logger.warning("no retry of %s: concurrent runs exceeded", failed.run_id)

    def get_job_run(self, params: dict) -> dict:
        run = self.runs.get(_required(params, "JobName"), _required(params, "RunId"))
        return {"JobRun": run.to_api()}

    def get_job_runs(self, params: dict) -> dict:
        job_name = _required(params, "JobName")
        self._get_job(job_name)
        runs = [r.to_api() for r in self.runs.list(job_name)]
        start = int(params.get("NextToken") or 0)
        size = int(params.get("MaxResults") or 100)
        if not 1 <= size <= 200:
            raise InvalidInput("MaxResults must be between 1 and 200")
        page = {"JobRuns": runs[start:start + size]}
        if start + size < len(runs):
            page["NextToken"] = str(start + size)
        return page

    def batch_stop_job_run(self, params: dict) -> dict:
        job_name = _required(params, "JobName")
        ids = params.get("JobRunIds") or []
        if not ids:
            raise InvalidInput("JobRunIds must hold at least one run id")
        stopped, errors = [], []
        for run_id in ids:
            try:
                run = self.runs.get(job_name, run_id)
            except EntityNotFound as error:
                errors.append(_stop_error(job_name, run_id, error.code, error.message))
                continue
            if run.state in FINAL_STATES:
                errors.append(_stop_error(
                    job_name, run_id, "InvalidInputException",
                    f"Job run {run_id} is already in a final state ({run.state})",
                ))
                continue
            self.set_run_state(run, "STOPPING")
            run.stop_requested.set()
            stopped.append({"JobName": job_name, "JobRunId": run_id})
        return {"SuccessfulSubmissions": stopped, "Errors": errors}

    def get_job_bookmark(self, params: dict) -> dict:
        return {"JobBookmarkEntry": self.bookmarks.get(_required(params, "JobName"))}

    def reset_job_bookmark(self, params: dict) -> dict:
        job_name = _required(params, "JobName")
        self._get_job(job_name)
        return {"JobBookmarkEntry": self.bookmarks.reset(job_name)}

    def shutdown(self, timeout: float = 20.0) -> None:
        """Stop every active run (the cloud is stopping): no Spark process outlives it."""
        active = self.runs.active()
        for run in active:
            run.stop_requested.set()
        deadline = time.monotonic() + timeout
        while any(r.state not in FINAL_STATES for r in active) and time.monotonic() < deadline:
            time.sleep(0.2)
        self._runner.close()

    # -- called by the runner ------------------------------------------------------------------
    def set_run_state(self, run: JobRun, state: str) -> None:
        if self.runs.set_state(run, state, utc_now()):
            self._publish(run, state)

    def finish_run(
        self, request: RunRequest, state: str, message: str | None,
        task_counts: dict | None = None,
    ) -> None:
        """Final state, then metrics, the state change event and listeners; a retry when the
        job's MaxRetries allows one."""
        run = request.run
        if not self.runs.set_state(run, state, utc_now(), message):
            return
        _logger.info("job run %s of %s: %s %s", run.run_id, run.job_name, state, message or "")
        telemetry.put_job_metrics(
            self.cloud.client("cloudwatch"), run.job_name, state, run.execution_seconds,
            task_counts,
        )
        self._publish(run, state)
        if state == "FAILED" and run.attempt < int(request.job.get("MaxRetries") or 0):
            self._retry(request)

    # -- helpers -------------------------------------------------------------------------------
    def _get_job(self, job_name: str) -> dict:
        glue = self.cloud.client("glue")
        try:
            return glue.get_job(JobName=job_name)["Job"]
        except glue.exceptions.EntityNotFoundException:
            raise EntityNotFound(f"Job {job_name} not found") from None

    def _publish(self, run: JobRun, state: str) -> None:
        message = run.error_message or _STATE_MESSAGES.get(state, f"Job run is {state}")
        event = telemetry.job_state_event(
            run.job_name, run.run_id, state, message, self.cloud.config.region,
            self.cloud.config.account, utc_now(),
        )
        telemetry.publish_job_state(
            self.cloud, self.cloud.client("events"), event,
            put=state in telemetry.EVENT_FINAL_STATES,
        )


# Glue's messages in the Job State Change events.
_STATE_MESSAGES = {
    "SUCCEEDED": "Job run succeeded",
    "STOPPED": "Job run stopped",
    "TIMEOUT": "Job run timed out",
    "FAILED": "Job run failed",
}


def _required(params: dict, name: str) -> str:
    value = params.get(name)
    if not value or not isinstance(value, str):
        raise InvalidInput(f"{name} is required and must be a non-empty string")
    return value


def _stop_error(job_name: str, run_id: str, code: str, message: str) -> dict:
    return {
        "JobName": job_name, "JobRunId": run_id,
        "ErrorDetail": {"ErrorCode": code, "ErrorMessage": message},
    }
