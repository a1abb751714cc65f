"""Task integrations against fake boto3 clients."""

import json
import threading

import pytest
from botocore.exceptions import ClientError

from localcloud.clock import ManualClock
from localcloud.stepfunctions.errors import StatesError
from localcloud.stepfunctions.history import Branch, History
from localcloud.stepfunctions.interpreter import Interpreter
from localcloud.stepfunctions.tasks import TaskRunner, describe_resource


class FakeGlue:
    def __init__(self, states, error_message="ValueError: boom"):
        self.states = list(states)
        self.calls = []
        self.error_message = error_message

    def start_job_run(self, **kwargs):
        self.calls.append(("start_job_run", kwargs))
        return {"JobRunId": "jr_1", "ResponseMetadata": {}}

    def get_job_run(self, JobName, RunId):
        self.calls.append(("get_job_run", RunId))
        state = self.states.pop(0)
        run = {"Id": RunId, "JobName": JobName, "JobRunState": state}
        if state == "FAILED":
            run["ErrorMessage"] = self.error_message
        return {"JobRun": run}

    def get_crawler(self, Name):
        if Name == "missing":
            raise ClientError(
                {
                    "Error": {
                        "Code": "EntityNotFoundException",
                        "Message": "Crawler missing not found",
                    }
                },
                "GetCrawler",
            )
        return {"Crawler": {"Name": Name, "State": "READY"}, "ResponseMetadata": {}}


class FakeSns:
    def __init__(self):
        self.published = []

    def publish(self, **kwargs):
        self.published.append(kwargs)
        return {"MessageId": "m-1", "ResponseMetadata": {}}


def runner_for(**clients):
    return TaskRunner(lambda service: clients[service], poll_seconds=0)


def run_task(runner, resource, parameters):
    history = History(ManualClock())
    interpreter = Interpreter(runner, ManualClock(), threading.Event())
    result = runner.run_task({"Resource": resource}, parameters, Branch(history), interpreter, {})
    return result, history.snapshot()


def test_describe_resource_names():
    assert describe_resource("arn:aws:states:::glue:startJobRun.sync") == (
        "glue",
        "startJobRun.sync",
    )
    assert describe_resource("arn:aws:states:::aws-sdk:glue:getCrawler") == (
        "aws-sdk:glue",
        "getCrawler",
    )
    fn = "arn:aws:lambda:us-east-1:123456789012:function:f"
    assert describe_resource(fn) == ("lambda", fn)
    with pytest.raises(StatesError):
        describe_resource("arn:aws:sqs:us-east-1:1:q")


def test_aws_sdk_call_maps_action_and_names_errors_by_service():
    runner = runner_for(glue=FakeGlue([]))
    result, events = run_task(runner, "arn:aws:states:::aws-sdk:glue:getCrawler", {"Name": "c"})
    assert result == {"Crawler": {"Name": "c", "State": "READY"}}
    assert [e["type"] for e in events] == ["TaskScheduled", "TaskStarted", "TaskSucceeded"]
    with pytest.raises(StatesError) as err:
        run_task(runner, "arn:aws:states:::aws-sdk:glue:getCrawler", {"Name": "missing"})
    assert err.value.error == "Glue.EntityNotFoundException"
    assert err.value.cause == "Crawler missing not found"


def test_glue_sync_polls_until_succeeded():
    glue = FakeGlue(["STARTING", "RUNNING", "SUCCEEDED"])
    result, events = run_task(
        runner_for(glue=glue),
        "arn:aws:states:::glue:startJobRun.sync",
        {"JobName": "j", "Arguments": {"--x": "1"}},
    )
    assert result["JobRunState"] == "SUCCEEDED" and result["Id"] == "jr_1"
    assert glue.calls[0] == ("start_job_run", {"JobName": "j", "Arguments": {"--x": "1"}})
    assert [c[0] for c in glue.calls].count("get_job_run") == 3
    assert "TaskSubmitted" in [e["type"] for e in events]


@pytest.mark.parametrize("final", ["FAILED", "TIMEOUT", "STOPPED", "ERROR"])
def test_glue_sync_terminal_failures_are_task_failed_with_the_run_as_cause(final):
    glue = FakeGlue(["RUNNING", final])
    with pytest.raises(StatesError) as err:
        run_task(runner_for(glue=glue), "arn:aws:states:::glue:startJobRun.sync", {"JobName": "j"})
    assert err.value.error == "States.TaskFailed"
    cause = json.loads(err.value.cause)
    assert cause["JobRunState"] == final
    if final == "FAILED":
        assert cause["ErrorMessage"] == "ValueError: boom"


def test_glue_start_job_run_without_sync_returns_the_run_id():
    glue = FakeGlue([])
    result, _ = run_task(
        runner_for(glue=glue), "arn:aws:states:::glue:startJobRun", {"JobName": "j"}
    )
    assert result == {"JobRunId": "jr_1"} and len(glue.calls) == 1


def test_sns_publish_serializes_a_json_message():
    sns = FakeSns()
    result, _ = run_task(
        runner_for(sns=sns),
        "arn:aws:states:::sns:publish",
        {"TopicArn": "arn:t", "Subject": "s", "Message": {"a": [1]}},
    )
    assert result == {"MessageId": "m-1"}
    assert sns.published == [{"TopicArn": "arn:t", "Subject": "s", "Message": '{"a":[1]}'}]


def test_bad_parameters_and_unknown_integrations_fail_clearly():
    with pytest.raises(StatesError) as err:
        run_task(runner_for(sns=FakeSns()), "arn:aws:states:::sns:publish", "not an object")
    assert err.value.error == "States.Runtime"
    with pytest.raises(StatesError) as err:
        run_task(runner_for(), "arn:aws:states:::dynamodb:putItem", {})
    assert "unsupported integration" in err.value.cause
