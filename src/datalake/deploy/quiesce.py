"""Stop what could write into a stack's buckets before they are emptied: disable its schedule
rules (the hourly rule would start the pipeline), stop its running state machine executions,
then stop its running Glue job runs and crawls and wait until they have stopped.

Target-neutral: resources are given as `StackResource`s (from CloudFormation on AWS, from the
local provisioner's stack record locally) and clients come from a factory."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from datalake.deploy.aws import DeployTimeout, StackResource, Waiting

_logger = logging.getLogger(__name__)

ClientFactory = Callable[[str], Any]

ACTIVE_JOB_RUN_STATES = ("STARTING", "RUNNING", "WAITING", "STOPPING")
_STOPPABLE_JOB_RUN_STATES = ("STARTING", "RUNNING", "WAITING")
_MISSING = (
    "ResourceNotFoundException",
    "EntityNotFoundException",
    "StateMachineDoesNotExist",
    "NoSuchEntity",
)


@dataclass
class QuiesceReport:
    """What was switched off or stopped (names, `job/run-id` for job runs)."""

    rules_disabled: list[str] = field(default_factory=list)
    executions_stopped: list[str] = field(default_factory=list)
    job_runs_stopped: list[str] = field(default_factory=list)
    crawlers_stopped: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        rows = [
            ("schedule rules disabled", self.rules_disabled),
            ("state machine executions stopped", self.executions_stopped),
            ("Glue job runs stopped", self.job_runs_stopped),
            ("crawlers stopped", self.crawlers_stopped),
        ]
        return [f"{label}: {', '.join(names) or 'none'}" for label, names in rows]


def quiesce_stack(
    client: ClientFactory, resources: Iterable[StackResource], waiting: Waiting | None = None
) -> QuiesceReport:
    """Disable the schedule rules, stop executions, job runs and crawls of `resources`; waits
    (saying so) until the job runs and crawls have stopped. Raises DeployTimeout naming what
    still runs (nothing has been deleted then)."""
    waiting = waiting or Waiting()
    by_type: dict[str, list[str]] = {}
    for resource in resources:
        if resource.physical_id:
            by_type.setdefault(resource.resource_type, []).append(resource.physical_id)
    report = QuiesceReport()
    rules = by_type.get("AWS::Events::Rule", [])
    machines = by_type.get("AWS::StepFunctions::StateMachine", [])
    jobs = by_type.get("AWS::Glue::Job", [])
    crawlers = by_type.get("AWS::Glue::Crawler", [])
    if rules:
        report.rules_disabled = disable_schedule_rules(client("events"), rules)
    if machines:
        report.executions_stopped = stop_executions(client("stepfunctions"), machines)
    if jobs or crawlers:
        glue = client("glue")
        report.job_runs_stopped = stop_job_runs(glue, jobs)
        report.crawlers_stopped = stop_crawlers(glue, crawlers)
        wait_until_stopped(glue, jobs, crawlers, waiting)
    return report


def disable_schedule_rules(events, rule_ids: Iterable[str]) -> list[str]:
    """Disable the enabled rules that run on a schedule; their names. A physical id is the
    rule name, or `bus|name` for a rule on another event bus."""
    disabled = []
    for rule_id in rule_ids:
        bus, _, name = rule_id.rpartition("|")
        where = {"Name": name, **({"EventBusName": bus} if bus else {})}
        rule = _ignore_missing(lambda where=where: events.describe_rule(**where))
        if not rule or not rule.get("ScheduleExpression") or rule.get("State") != "ENABLED":
            continue
        _logger.info("disabling schedule rule %s (%s)", name, rule["ScheduleExpression"])
        events.disable_rule(**where)
        disabled.append(name)
    return disabled


def stop_executions(sfn, machine_arns: Iterable[str]) -> list[str]:
    """Stop every running execution of the state machines; the execution names."""
    stopped = []
    for arn in machine_arns:
        pages = _ignore_missing(
            lambda arn=arn: list(
                sfn.get_paginator("list_executions").paginate(
                    stateMachineArn=arn, statusFilter="RUNNING"
                )
            )
        )
        for page in pages or []:
            for execution in page["executions"]:
                _logger.info("stopping execution %s", execution["name"])
                sfn.stop_execution(
                    executionArn=execution["executionArn"],
                    error="datalake.destroy",
                    cause="the stack is being destroyed",
                )
                stopped.append(execution["name"])
    return stopped


def stop_job_runs(glue, jobs: Iterable[str]) -> list[str]:
    """Ask every starting, running or waiting run of the jobs to stop; `job/run-id` each."""
    stopped = []
    for job in jobs:
        runs = _job_runs(glue, job)
        ids = [r["Id"] for r in runs if r["JobRunState"] in _STOPPABLE_JOB_RUN_STATES]
        if not ids:
            continue
        _logger.info("stopping %d run(s) of Glue job %s: %s", len(ids), job, ", ".join(ids))
        answer = glue.batch_stop_job_run(JobName=job, JobRunIds=ids)
        # A run that ended between the listing and the stop comes back under Errors.
        stopped += [f"{job}/{s['JobRunId']}" for s in answer.get("SuccessfulSubmissions", [])]
    return stopped


def stop_crawlers(glue, crawlers: Iterable[str]) -> list[str]:
    """Stop the crawlers that are crawling; their names."""
    stopped = []
    for name in crawlers:
        crawler = _ignore_missing(lambda name=name: glue.get_crawler(Name=name)["Crawler"])
        if crawler and crawler.get("State") == "RUNNING":
            _logger.info("stopping crawler %s", name)
            glue.stop_crawler(Name=name)
            stopped.append(name)
    return stopped


def wait_until_stopped(glue, jobs: list[str], crawlers: list[str], waiting: Waiting) -> None:
    """Poll until no run of `jobs` is active and no crawler of `crawlers` runs, logging what
    is waited for; DeployTimeout after `waiting.timeout_seconds`."""
    start = waiting.clock()
    while True:
        active = [
            f"{job}/{r['Id']} ({r['JobRunState']})"
            for job in jobs
            for r in _job_runs(glue, job)
            if r["JobRunState"] in ACTIVE_JOB_RUN_STATES
        ]
        for name in crawlers:
            crawler = _ignore_missing(lambda name=name: glue.get_crawler(Name=name)["Crawler"])
            if crawler and crawler.get("State") in ("RUNNING", "STOPPING"):
                active.append(f"crawler {name} ({crawler['State']})")
        if not active:
            return
        if waiting.clock() - start > waiting.timeout_seconds:
            raise DeployTimeout(
                f"still running after {waiting.timeout_seconds:.0f} s: {', '.join(active)}; "
                "nothing was deleted — stop them (or wait) and run destroy again"
            )
        _logger.info("waiting for these to stop before emptying buckets: %s", ", ".join(active))
        waiting.sleep(waiting.poll_seconds)


def _job_runs(glue, job: str) -> list[dict]:
    """The job's most recent runs (an active run is among the newest)."""
    found = _ignore_missing(lambda: glue.get_job_runs(JobName=job, MaxResults=50))
    return (found or {}).get("JobRuns", [])


def _ignore_missing(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in _MISSING:
            return None
        raise
