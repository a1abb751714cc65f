"""The template's ETL pipeline on the local cloud: crawler → wait → status → job (.sync) →
SNS notice, for a job that succeeds and for one that fails into the Catch branch."""

import json
import time

import requests


def wait_for_execution(sfn, arn: str, timeout: float = 300) -> dict:
    deadline = time.time() + timeout
    while time.time() < deadline:
        described = sfn.describe_execution(executionArn=arn)
        if described["status"] != "RUNNING":
            return described
        time.sleep(0.5)
    raise AssertionError(f"execution {arn} still RUNNING after {timeout}s")


def full_history(sfn, arn: str) -> list[dict]:
    events, token = [], None
    while True:
        page = sfn.get_execution_history(
            executionArn=arn, maxResults=50, **({"nextToken": token} if token else {})
        )
        events.extend(page["events"])
        token = page.get("nextToken")
        if not token:
            return events


def sns_messages(endpoint: str, topic: str) -> list[dict]:
    reply = requests.get(f"{endpoint}/_datalake/sns/messages", params={"topic": topic}, timeout=30)
    reply.raise_for_status()
    return reply.json()["messages"]


SUCCESS_PATH = [
    "StartLakeCrawler",
    "WaitForCrawler",
    "GetCrawler",
    "CrawlerFinished",
    "RunRawToProcessed",
    "CurateRequested",
    "NotifySuccess",
]


def entered(history):
    return [
        e["stateEnteredEventDetails"]["name"] for e in history if "stateEnteredEventDetails" in e
    ]


def compress_polls(names):
    """WaitForCrawler/GetCrawler/CrawlerFinished repeat while the crawler runs: keep one."""
    out = []
    for name in names:
        if name in ("WaitForCrawler", "GetCrawler", "CrawlerFinished") and name in out:
            continue
        out.append(name)
    return out


def test_pipeline_succeeds_and_notifies(lake):
    sfn = lake["clients"]["stepfunctions"]
    arn = sfn.start_execution(
        stateMachineArn=lake["machines"]["ok"],
        name="hourly-ok",
        input=json.dumps({"run_curated": False}),
    )["executionArn"]
    described = wait_for_execution(sfn, arn)
    history = full_history(sfn, arn)
    assert described["status"] == "SUCCEEDED", described.get("cause")
    assert compress_polls(entered(history)) == SUCCESS_PATH
    types = [e["type"] for e in history]
    assert types[0] == "ExecutionStarted" and types[-1] == "ExecutionSucceeded"
    assert "TaskSubmitted" in types and "WaitStateEntered" in types
    job_done = [
        e
        for e in history
        if e["type"] == "TaskSucceeded"
        and e["taskSucceededEventDetails"]["resource"] == "startJobRun.sync"
    ]
    run = json.loads(job_done[0]["taskSucceededEventDetails"]["output"])
    assert run["JobRunState"] == "SUCCEEDED" and run["JobName"] == lake["jobs"]["ok"]
    ids = [e["id"] for e in history]
    assert ids == list(range(1, len(history) + 1))
    assert all(e["previousEventId"] == e["id"] - 1 for e in history)

    notices = [
        m
        for m in sns_messages(lake["endpoint"], lake["topic"])
        if m["Subject"] == "ETL pipeline succeeded"
    ]
    assert len(notices) == 1
    body = json.loads(notices[0]["Message"])
    assert body["crawler"] == {"State": "READY"}
    assert body["raw_to_processed"]["JobRunState"] == "SUCCEEDED"
    assert notices[0]["deliveries"][0]["status"] == "delivered"
    sqs = lake["clients"]["sqs"]
    received = sqs.receive_message(
        QueueUrl=lake["queue"], WaitTimeSeconds=5, MaxNumberOfMessages=10
    )["Messages"]
    envelopes = [json.loads(m["Body"]) for m in received]
    assert any(e.get("Subject") == "ETL pipeline succeeded" for e in envelopes)


def test_failing_job_ends_in_the_catch_branch_with_a_failure_notice(lake):
    sfn = lake["clients"]["stepfunctions"]
    arn = sfn.start_execution(stateMachineArn=lake["machines"]["fail"], name="hourly-fail")[
        "executionArn"
    ]
    described = wait_for_execution(sfn, arn)
    assert described["status"] == "FAILED"
    assert described["error"] == "EtlPipelineFailed"
    history = full_history(sfn, arn)
    names = entered(history)
    assert names[-3:] == ["RunRawToProcessed", "NotifyFailure", "PipelineFailed"]
    failed = [e["taskFailedEventDetails"] for e in history if e["type"] == "TaskFailed"]
    assert failed[-1]["error"] == "States.TaskFailed"
    run = json.loads(failed[-1]["cause"])
    # the cause is the failed run as GetJobRun reports it, ErrorMessage included
    glue_run = lake["clients"]["glue"].get_job_run(JobName=lake["jobs"]["fail"], RunId=run["Id"])
    assert run["JobRunState"] == "FAILED" == glue_run["JobRun"]["JobRunState"]
    assert run["ErrorMessage"] and run["ErrorMessage"] == glue_run["JobRun"]["ErrorMessage"]
    assert history[-1]["type"] == "ExecutionFailed"

    notices = [
        m
        for m in sns_messages(lake["endpoint"], lake["topic"])
        if m["Subject"] == "ETL pipeline failed"
    ]
    assert len(notices) == 1
    body = json.loads(notices[0]["Message"])
    assert body["error"]["Error"] == "States.TaskFailed"
    assert json.loads(body["error"]["Cause"])["ErrorMessage"] == run["ErrorMessage"]
