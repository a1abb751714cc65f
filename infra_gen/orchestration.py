"""Orchestration layer: the `{stack}-etl-pipeline` state machine (crawl, wait, poll, run the ETL
job synchronously, optionally curate, notify success or failure) and the EventBridge schedules
that start it: hourly without the curated step, daily with it (decisions 031, 123)."""

from __future__ import annotations

import json

from troposphere import GetAtt, If, Ref, Sub, Template
from troposphere.events import Rule, Target
from troposphere.stepfunctions import StateMachine, TracingConfiguration

from infra_gen import names
from infra_gen.parameters import TRACING_ON

# Both jobs run with MaxConcurrentRuns 1, and a run can outlast the ~7 minutes of the state
# machine's ConcurrentRunsExceeded retries, so the two rules never fire in the same hour: the
# hourly one at minute 5 of every hour but 02 (UTC), the daily one at 02:05 in its place (it
# runs the hourly steps too). Decision 123.
DAILY_HOUR = 2
HOURLY_SCHEDULE = f"cron(5 0-{DAILY_HOUR - 1},{DAILY_HOUR + 1}-23 * * ? *)"
DAILY_SCHEDULE = f"cron(5 {DAILY_HOUR} * * ? *)"
CRAWLER_POLL_SECONDS = 30

_FAILURE_CATCH = [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "NotifyFailure"}]


def _start_crawler(name_var: str, next_state: str, on_running: str) -> dict:
    return {
        "Type": "Task",
        "Resource": "arn:aws:states:::aws-sdk:glue:startCrawler",
        "Parameters": {"Name": "${" + name_var + "}"},
        "ResultPath": None,
        "Retry": [
            {
                "ErrorEquals": ["Glue.OperationTimeoutException"],
                "IntervalSeconds": 10,
                "MaxAttempts": 3,
                "BackoffRate": 2.0,
            }
        ],
        # Already running (a manual start, an overlapping execution): wait for that crawl.
        "Catch": [
            {
                "ErrorEquals": ["Glue.CrawlerRunningException"],
                "ResultPath": None,
                "Next": on_running,
            },
            *_FAILURE_CATCH,
        ],
        "Next": next_state,
    }


def _run_job(name_var: str, result_path: str, next_state: str) -> dict:
    return {
        "Type": "Task",
        "Resource": "arn:aws:states:::glue:startJobRun.sync",
        "Parameters": {"JobName": "${" + name_var + "}"},
        "ResultPath": result_path,
        "Retry": [
            {
                "ErrorEquals": ["Glue.ConcurrentRunsExceededException", "Glue.AWSGlueException"],
                "IntervalSeconds": 60,
                "MaxAttempts": 3,
                "BackoffRate": 2.0,
            }
        ],
        "Catch": _FAILURE_CATCH,
        "Next": next_state,
    }


def _notify(subject: str, next_state: str | None) -> dict:
    state = {
        "Type": "Task",
        "Resource": "arn:aws:states:::sns:publish",
        "Parameters": {"TopicArn": "${AlertsTopicArn}", "Subject": subject, "Message.$": "$"},
        "ResultPath": None,
        "Retry": [
            {
                "ErrorEquals": ["States.TaskFailed"],
                "IntervalSeconds": 5,
                "MaxAttempts": 2,
                "BackoffRate": 2.0,
            }
        ],
    }
    if next_state:
        state["Next"] = next_state
    else:
        state["End"] = True
    return state


def state_machine_definition() -> dict:
    """The Amazon States Language definition; `${...}` names are filled by Fn::Sub."""
    return {
        "Comment": "Crawl the lake, run raw->processed (and processed->curated when "
        "$.run_curated is true), then notify via SNS",
        "StartAt": "StartLakeCrawler",
        "States": {
            "StartLakeCrawler": _start_crawler(
                "LakeCrawlerName", "WaitForCrawler", "WaitForCrawler"
            ),
            "WaitForCrawler": {
                "Type": "Wait",
                "Seconds": CRAWLER_POLL_SECONDS,
                "Next": "GetCrawler",
            },
            "GetCrawler": {
                "Type": "Task",
                "Resource": "arn:aws:states:::aws-sdk:glue:getCrawler",
                "Parameters": {"Name": "${LakeCrawlerName}"},
                # Only State: LastCrawl is absent before a crawler's first run.
                "ResultSelector": {"State.$": "$.Crawler.State"},
                "ResultPath": "$.crawler",
                "Retry": [
                    {
                        "ErrorEquals": ["States.TaskFailed"],
                        "IntervalSeconds": 5,
                        "MaxAttempts": 3,
                        "BackoffRate": 2.0,
                    }
                ],
                "Catch": _FAILURE_CATCH,
                "Next": "CrawlerFinished",
            },
            "CrawlerFinished": {
                "Type": "Choice",
                "Choices": [
                    {
                        "Variable": "$.crawler.State",
                        "StringEquals": "READY",
                        "Next": "RunRawToProcessed",
                    },
                    {
                        "Or": [
                            {"Variable": "$.crawler.State", "StringEquals": "RUNNING"},
                            {"Variable": "$.crawler.State", "StringEquals": "STOPPING"},
                        ],
                        "Next": "WaitForCrawler",
                    },
                ],
                "Default": "NotifyFailure",
            },
            "RunRawToProcessed": _run_job(
                "RawToProcessedJobName", "$.raw_to_processed", "CurateRequested"
            ),
            "CurateRequested": {
                "Type": "Choice",
                "Choices": [
                    {
                        "And": [
                            {"Variable": "$.run_curated", "IsPresent": True},
                            {"Variable": "$.run_curated", "BooleanEquals": True},
                        ],
                        "Next": "RunProcessedToCurated",
                    }
                ],
                "Default": "NotifySuccess",
            },
            "RunProcessedToCurated": _run_job(
                "ProcessedToCuratedJobName", "$.processed_to_curated", "StartCuratedCrawler"
            ),
            "StartCuratedCrawler": _start_crawler(
                "CuratedCrawlerName", "NotifySuccess", "NotifySuccess"
            ),
            "NotifySuccess": _notify("ETL pipeline succeeded", None),
            "NotifyFailure": _notify("ETL pipeline failed", "PipelineFailed"),
            "PipelineFailed": {
                "Type": "Fail",
                "Error": "EtlPipelineFailed",
                "Cause": "A step failed; the SNS alert holds the error",
            },
        },
    }


def definition_substitutions() -> dict:
    """The Fn::Sub variables of the definition, each a reference to a real resource."""
    return {
        "LakeCrawlerName": Ref(names.LAKE_CRAWLER),
        "CuratedCrawlerName": Ref(names.CURATED_CRAWLER),
        "RawToProcessedJobName": Ref(names.RAW_TO_PROCESSED_JOB),
        "ProcessedToCuratedJobName": Ref(names.PROCESSED_TO_CURATED_JOB),
        "AlertsTopicArn": Ref(names.ALERTS_TOPIC),
    }


def add_orchestration(template: Template) -> None:
    """Add the state machine and the two schedules that start it."""
    template.add_resource(
        StateMachine(
            names.STATE_MACHINE,
            StateMachineName=Sub(names.STATE_MACHINE_NAME),
            StateMachineType="STANDARD",
            RoleArn=GetAtt(names.STATE_MACHINE_ROLE, "Arn"),
            TracingConfiguration=TracingConfiguration(Enabled=If(TRACING_ON, True, False)),
            DefinitionString=Sub(
                json.dumps(state_machine_definition(), indent=2, sort_keys=True),
                definition_substitutions(),
            ),
        )
    )
    schedules = (
        (
            "EtlHourlyRule",
            "${AWS::StackName}-etl-hourly",
            HOURLY_SCHEDULE,
            False,
            "Hourly at :05 except 02:05: crawl the lake and run raw->processed",
        ),
        (
            "PipelineDailyRule",
            "${AWS::StackName}-pipeline-daily",
            DAILY_SCHEDULE,
            True,
            "Daily at 02:05 UTC: the hourly steps plus processed->curated and the curated crawler",
        ),
    )
    for logical_id, name, expression, run_curated, description in schedules:
        template.add_resource(
            Rule(
                logical_id,
                Name=Sub(name),
                Description=description,
                ScheduleExpression=expression,
                State=Ref("ScheduleState"),
                Targets=[
                    Target(
                        Id="etl-pipeline",
                        Arn=Ref(names.STATE_MACHINE),
                        RoleArn=GetAtt(names.EVENTS_ROLE, "Arn"),
                        Input=json.dumps({"run_curated": run_curated}),
                    )
                ],
            )
        )
