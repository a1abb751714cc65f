"""Starting Glue job runs and waiting for crawls and job runs to finish: the calls the notebook
facade (`lake.Lake`) and the `datalake crawl` / `datalake run-job` verbs share. What each caller
shows (progress lines, summaries, error messages) stays with the caller."""

from __future__ import annotations

import logging
from typing import Any

from datalake.waiting import poll_until

_logger = logging.getLogger(__name__)

FINAL_JOB_STATES = ("SUCCEEDED", "FAILED", "ERROR", "TIMEOUT", "STOPPED")
JOB_POLL_SECONDS = 2.0  # job runs take minutes: poll them less often than crawlers


def is_crawl_finished(crawler: dict[str, Any]) -> bool:
    """A GetCrawler `Crawler` is done when it is READY again and has a last crawl (pure)."""
    return crawler["State"] == "READY" and bool(crawler.get("LastCrawl"))


def is_run_finished(run: dict[str, Any]) -> bool:
    """A GetJobRun `JobRun` is done in any final state, failed ones included (pure)."""
    return run["JobRunState"] in FINAL_JOB_STATES


def wait_for_crawler(glue: Any, name: str, timeout: float) -> dict[str, Any]:
    """The crawler (GetCrawler `Crawler`, with `LastCrawl`) once its crawl has finished;
    TimeoutError naming the crawler after `timeout` seconds."""
    return poll_until(lambda: glue.get_crawler(Name=name)["Crawler"], is_crawl_finished,
                      timeout, f"crawler {name}")


def start_job_run(glue: Any, name: str, arguments: dict[str, str]) -> str:
    """Start a run of job `name` with run `arguments`; its run id. Glue's errors (job not found,
    concurrent runs exceeded) reach the caller unchanged."""
    return glue.start_job_run(JobName=name, Arguments=arguments)["JobRunId"]


def wait_for_job_run(glue: Any, name: str, run_id: str, timeout: float,
                     interval: float = JOB_POLL_SECONDS) -> dict[str, Any]:
    """The job run (GetJobRun `JobRun`) once it has reached a final state; TimeoutError naming
    the run after `timeout` seconds."""
    return poll_until(lambda: glue.get_job_run(JobName=name, RunId=run_id)["JobRun"],
                      is_run_finished, timeout, f"job run {run_id} of {name}",
                      interval=interval)
