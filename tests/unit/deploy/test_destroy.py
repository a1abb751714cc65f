"""Destroy on AWS: schedules off and runs stopped first, buckets emptied (all versions) until
they stay empty with the access-log bucket last, a DELETE_FAILED bucket emptied again and the
stack deleted again, RetainResources on request, and a report of all of it. CloudFormation
through botocore's Stubber, S3 through moto, EventBridge/Step Functions/Glue through fakes."""

from __future__ import annotations

from datetime import datetime, timezone

import boto3
import pytest
from botocore.stub import Stubber

from datalake.deploy.aws import DeployTimeout, Waiting
from datalake.deploy.destroy import DestroyFailed, destroy_stack, empty_bucket

STACK = "lake"
STACK_ID = "arn:aws:cloudformation:eu-west-1:123456789012:stack/lake/1"
NOW = datetime(2026, 11, 25, tzinfo=timezone.utc)
MACHINE = "arn:aws:states:eu-west-1:123456789012:stateMachine:lake-etl-pipeline"
RESOURCES = [  # logical id, type, physical id
    ("RawBucket", "AWS::S3::Bucket", "lake-raw"),
    ("AccessLogsBucket", "AWS::S3::Bucket", "lake-logs"),
    ("EtlHourlyRule", "AWS::Events::Rule", "lake-etl-hourly"),
    ("GlueJobFailureRule", "AWS::Events::Rule", "lake-glue-job-failure"),
    ("EtlStateMachine", "AWS::StepFunctions::StateMachine", MACHINE),
    ("RawToProcessedJob", "AWS::Glue::Job", "lake-raw-to-processed"),
    ("LakeCrawler", "AWS::Glue::Crawler", "lake-crawler"),
]


class Recorder:
    """A client whose calls named in `names` are appended to a shared log, then made."""

    def __init__(self, client, log: list, service: str, names: tuple[str, ...]) -> None:
        self._client, self._log, self._service, self._names = client, log, service, names

    def __getattr__(self, name):
        attr = getattr(self._client, name)
        if name not in self._names:
            return attr

        def call(**kwargs):
            self._log.append((self._service, name, kwargs.get("Bucket") or kwargs.get("Name")))
            return attr(**kwargs)

        return call


class LoggingConfig:
    """moto's S3 with the raw bucket's server access logging kept here (moto would write its
    own log records of every request into the log bucket, a count the test cannot pin)."""

    def __init__(self, s3) -> None:
        self._s3 = s3
        self.logging = {"lake-raw": {"TargetBucket": "lake-logs", "TargetPrefix": "r/"}}

    def __getattr__(self, name):
        return getattr(self._s3, name)

    def get_bucket_logging(self, Bucket):
        found = self.logging.get(Bucket)
        return {"LoggingEnabled": found} if found else {}

    def put_bucket_logging(self, Bucket, BucketLoggingStatus):
        self.logging[Bucket] = BucketLoggingStatus.get("LoggingEnabled")


class FakeEvents:
    def __init__(self) -> None:
        self.rules = {
            "lake-etl-hourly": {"ScheduleExpression": "rate(1 hour)", "State": "ENABLED"},
            "lake-glue-job-failure": {"EventPattern": "{}", "State": "ENABLED"},
        }

    def describe_rule(self, Name):
        return {"Name": Name, **self.rules[Name]}

    def disable_rule(self, Name):
        self.rules[Name]["State"] = "DISABLED"


class FakeStepFunctions:
    def __init__(self) -> None:
        self.running = [{"executionArn": f"{MACHINE}:hourly-1", "name": "hourly-1"}]

    def get_paginator(self, name):
        assert name == "list_executions"
        fake = self

        class Paginator:
            def paginate(self, stateMachineArn, statusFilter):
                assert (stateMachineArn, statusFilter) == (MACHINE, "RUNNING")
                return [{"executions": list(fake.running)}]

        return Paginator()

    def stop_execution(self, executionArn, error, cause):
        self.running = [e for e in self.running if e["executionArn"] != executionArn]


class FakeGlue:
    """One running job run and one running crawl; a stop takes one more look to finish,
    unless `stuck` (the run never stops)."""

    def __init__(self, stuck: bool = False) -> None:
        self.run_state, self.crawler_state, self.stuck = "RUNNING", "RUNNING", stuck

    def get_job_runs(self, JobName, MaxResults):
        state = self.run_state
        if state == "STOPPING" and not self.stuck:
            self.run_state = "STOPPED"
        return {
            "JobRuns": [
                {"Id": "jr_1", "JobRunState": state},
                {"Id": "jr_0", "JobRunState": "SUCCEEDED"},
            ]
        }

    def batch_stop_job_run(self, JobName, JobRunIds):
        assert (JobName, JobRunIds) == ("lake-raw-to-processed", ["jr_1"])
        self.run_state = "STOPPING"
        return {"SuccessfulSubmissions": [{"JobName": JobName, "JobRunId": "jr_1"}], "Errors": []}

    def get_crawler(self, Name):
        state = self.crawler_state
        if state == "STOPPING":
            self.crawler_state = "READY"
        return {"Crawler": {"Name": Name, "State": state}}

    def stop_crawler(self, Name):
        self.crawler_state = "STOPPING"


class Sleeps:
    """waiting.sleep: counts, and runs the scheduled arrivals (a late log object, say)."""

    def __init__(self) -> None:
        self.count = 0
        self.arrivals: dict[int, callable] = {}

    def __call__(self, seconds: float) -> None:
        self.count += 1
        if self.count in self.arrivals:
            self.arrivals.pop(self.count)()


@pytest.fixture
def world(moto_s3):
    """Clients for destroy_stack: stubbed CloudFormation, moto S3 with a raw bucket logging
    into a log bucket (both versioned, with data), fake EventBridge, Step Functions, Glue."""
    cfn = boto3.client(
        "cloudformation", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    for bucket in ("lake-raw", "lake-logs"):
        _versioned_bucket(moto_s3, bucket)
    log: list = []
    sleeps = Sleeps()
    fakes = {"events": FakeEvents(), "stepfunctions": FakeStepFunctions(), "glue": FakeGlue()}
    clients = {
        "cloudformation": Recorder(cfn, log, "cloudformation", ("delete_stack",)),
        "s3": Recorder(LoggingConfig(moto_s3), log, "s3", ("delete_objects", "put_bucket_logging")),
        **{
            name: Recorder(
                fake,
                log,
                name,
                ("disable_rule", "stop_execution", "batch_stop_job_run", "stop_crawler"),
            )
            for name, fake in fakes.items()
        },
    }
    with Stubber(cfn) as stubber:
        yield {
            "client": clients.__getitem__,
            "stubber": stubber,
            "s3": moto_s3,
            "log": log,
            "sleeps": sleeps,
            "fakes": fakes,
            "waiting": Waiting(poll_seconds=5, timeout_seconds=60, clock=lambda: 0.0, sleep=sleeps),
        }
        stubber.assert_no_pending_responses()


def _versioned_bucket(s3, name: str) -> None:
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    for i in range(3):
        s3.put_object(Bucket=name, Key="k", Body=str(i).encode())
    s3.delete_object(Bucket=name, Key="k")  # a delete marker


def _status(stubber, status: str) -> None:
    stack = {"StackName": STACK, "StackId": STACK_ID, "StackStatus": status, "CreationTime": NOW}
    stubber.add_response("describe_stacks", {"Stacks": [stack]}, {"StackName": STACK})


def _missing(stubber) -> None:
    stubber.add_client_error(
        "describe_stacks",
        service_error_code="ValidationError",
        service_message=f"Stack with id {STACK} does not exist",
        expected_params={"StackName": STACK},
    )


def _resources(stubber, failed: dict[str, str] | None = None) -> None:
    """list_stack_resources: every resource CREATE_COMPLETE, or DELETE_FAILED with a reason."""
    summaries = []
    for logical_id, rtype, physical_id in RESOURCES:
        summary = {
            "LogicalResourceId": logical_id,
            "PhysicalResourceId": physical_id,
            "ResourceType": rtype,
            "ResourceStatus": "CREATE_COMPLETE",
            "LastUpdatedTimestamp": NOW,
        }
        if failed and logical_id in failed:
            summary["ResourceStatus"] = "DELETE_FAILED"
            summary["ResourceStatusReason"] = failed[logical_id]
        summaries.append(summary)
    stubber.add_response(
        "list_stack_resources", {"StackResourceSummaries": summaries}, {"StackName": STACK}
    )


def _delete(stubber, final: str | None, retain: list[str] | None = None) -> None:
    """delete_stack, one DELETE_IN_PROGRESS look, then `final` (None: the stack is gone)."""
    params = {"StackName": STACK, **({"RetainResources": retain} if retain else {})}
    stubber.add_response("delete_stack", {}, params)
    _status(stubber, "DELETE_IN_PROGRESS")
    if final is None:
        _missing(stubber)
    else:
        _status(stubber, final)


def _late_log(s3) -> callable:
    return lambda: s3.put_object(Bucket="lake-logs", Key="r/2026-11-25-late", Body=b"log")


def _versions(s3, bucket: str) -> int:
    listing = s3.list_object_versions(Bucket=bucket)
    return len(listing.get("Versions", [])) + len(listing.get("DeleteMarkers", []))


NOT_EMPTY = "The bucket you tried to delete is not empty"
QUIESCED = [
    "schedule rules disabled: lake-etl-hourly",
    "state machine executions stopped: hourly-1",
    "Glue job runs stopped: lake-raw-to-processed/jr_1",
    "crawlers stopped: lake-crawler",
    "access logging turned off: lake-raw",
]


def test_destroy_stops_schedules_and_runs_then_empties_log_bucket_last_then_deletes(world):
    stubber, s3 = world["stubber"], world["s3"]
    _status(stubber, "UPDATE_COMPLETE")
    _resources(stubber)
    _delete(stubber, None)
    report = destroy_stack(world["client"], STACK, waiting=world["waiting"])
    assert report.lines() == [
        *QUIESCED,
        "emptied lake-raw: 4 object versions and delete markers",
        "emptied lake-logs: 4 object versions and delete markers",
        "stack lake deleted (1 delete request)",
    ]
    assert world["log"] == [
        ("events", "disable_rule", "lake-etl-hourly"),  # the event-pattern rule stays on
        ("stepfunctions", "stop_execution", None),
        ("glue", "batch_stop_job_run", None),
        ("glue", "stop_crawler", "lake-crawler"),
        ("s3", "put_bucket_logging", "lake-raw"),
        ("s3", "delete_objects", "lake-raw"),
        ("s3", "delete_objects", "lake-logs"),
        ("cloudformation", "delete_stack", None),
    ]
    assert _versions(s3, "lake-raw") == _versions(s3, "lake-logs") == 0
    assert world["fakes"]["events"].rules["lake-etl-hourly"]["State"] == "DISABLED"
    assert world["client"]("s3").get_bucket_logging(Bucket="lake-raw") == {}


def test_a_log_object_landing_while_emptying_is_emptied_before_the_delete(world):
    stubber, s3, sleeps = world["stubber"], world["s3"], world["sleeps"]
    _status(stubber, "UPDATE_COMPLETE")
    _resources(stubber)
    _delete(stubber, None)
    # sleep 1: the job run is stopping; sleep 2: settling after the log bucket's first pass
    sleeps.arrivals[2] = _late_log(s3)
    report = destroy_stack(world["client"], STACK, waiting=world["waiting"])
    assert report.lines()[5:] == [
        "emptied lake-raw: 4 object versions and delete markers",
        "emptied lake-logs: 5 object versions and delete markers in 2 passes "
        "(new objects kept arriving)",
        "stack lake deleted (1 delete request)",
    ]
    assert _versions(s3, "lake-logs") == 0


def test_delete_failed_on_the_log_bucket_empties_it_again_and_deletes_again(world):
    stubber, s3, sleeps = world["stubber"], world["s3"], world["sleeps"]
    _status(stubber, "UPDATE_COMPLETE")
    _resources(stubber)
    _delete(stubber, "DELETE_FAILED")
    _resources(stubber, failed={"AccessLogsBucket": NOT_EMPTY})
    _delete(stubber, None)
    # sleep 3 is CloudFormation's first look: the logs of the emptying land meanwhile
    sleeps.arrivals[3] = _late_log(s3)
    report = destroy_stack(world["client"], STACK, waiting=world["waiting"])
    assert report.lines()[5:] == [
        "emptied lake-raw: 4 object versions and delete markers",
        "emptied lake-logs: 4 object versions and delete markers",
        "after DELETE_FAILED, emptied again and deleted again:",
        "  emptied lake-logs: 1 object versions and delete markers",
        "stack lake deleted (2 delete requests)",
    ]
    assert [entry for entry in world["log"] if entry[0] == "cloudformation"] == [
        ("cloudformation", "delete_stack", None),
        ("cloudformation", "delete_stack", None),
    ]


def test_a_deletion_that_still_fails_says_what_failed_and_offers_retain_failed(world):
    stubber = world["stubber"]
    _status(stubber, "UPDATE_COMPLETE")
    _resources(stubber)
    _delete(stubber, "DELETE_FAILED")
    _resources(stubber, failed={"AccessLogsBucket": NOT_EMPTY})
    _delete(stubber, "DELETE_FAILED")
    _resources(stubber, failed={"AccessLogsBucket": NOT_EMPTY})
    with pytest.raises(DestroyFailed) as error:
        destroy_stack(world["client"], STACK, waiting=world["waiting"])
    assert str(error.value) == (
        "stack lake ended DELETE_FAILED: AccessLogsBucket (AWS::S3::Bucket) DELETE_FAILED: "
        "The bucket you tried to delete is not empty; run destroy again (late access logs stop "
        "arriving after a while), or add --retain-failed to delete the stack and keep the "
        "resources that fail"
    )
    assert error.value.report.lines()[-1] == "stack lake ended DELETE_FAILED (2 delete requests)"


def test_retain_failed_deletes_the_stack_keeping_what_fails(world):
    stubber = world["stubber"]
    _status(stubber, "DELETE_FAILED")
    _resources(stubber)
    _delete(stubber, "DELETE_FAILED")
    _resources(stubber, failed={"GlueDatabase": "AccessDenied"} | {"RawBucket": NOT_EMPTY})
    _delete(stubber, "DELETE_FAILED")
    _resources(stubber, failed={"RawBucket": NOT_EMPTY})
    _delete(stubber, None, retain=["RawBucket"])
    report = destroy_stack(world["client"], STACK, waiting=world["waiting"], retain_failed=True)
    assert report.lines()[-2:] == [
        "retained by CloudFormation, delete by hand: RawBucket (lake-raw)",
        "stack lake deleted (3 delete requests)",
    ]


def test_job_runs_that_do_not_stop_time_out_before_anything_is_deleted(world):
    stubber, s3 = world["stubber"], world["s3"]
    world["fakes"]["glue"].stuck = True
    _status(stubber, "UPDATE_COMPLETE")
    _resources(stubber)
    with pytest.raises(DeployTimeout) as error:
        destroy_stack(
            world["client"],
            STACK,
            waiting=Waiting(
                poll_seconds=5, timeout_seconds=12, clock=_ticking(5), sleep=world["sleeps"]
            ),
        )
    assert str(error.value) == (
        "still running after 12 s: lake-raw-to-processed/jr_1 (STOPPING); nothing was deleted "
        "— stop them (or wait) and run destroy again"
    )
    assert _versions(s3, "lake-raw") == 4
    assert ("s3", "delete_objects", "lake-raw") not in world["log"]


def _ticking(step: float):
    now = [-step]

    def clock() -> float:
        now[0] += step
        return now[0]

    return clock


def test_destroy_of_a_missing_stack_is_a_no_op(world):
    _missing(world["stubber"])
    report = destroy_stack(world["client"], STACK, waiting=world["waiting"])
    assert report.existed is False
    assert report.lines() == ["stack lake did not exist: nothing deleted"]
    assert world["log"] == []


def test_a_busy_stack_is_refused(world):
    _status(world["stubber"], "UPDATE_IN_PROGRESS")
    with pytest.raises(Exception, match=r"stack lake is busy \(UPDATE_IN_PROGRESS\)"):
        destroy_stack(world["client"], STACK, waiting=world["waiting"])


def test_empty_bucket_removes_versions_and_delete_markers(moto_s3):
    _versioned_bucket(moto_s3, "lake-raw")
    assert empty_bucket(moto_s3, "lake-raw") is True
    listing = moto_s3.list_object_versions(Bucket="lake-raw")
    assert "Versions" not in listing and "DeleteMarkers" not in listing
    moto_s3.delete_bucket(Bucket="lake-raw")
    assert empty_bucket(moto_s3, "lake-raw") is False


def test_local_destroy_quiesces_the_recorded_resources_before_the_provisioner(
    monkeypatch, tmp_path
):
    import datalake.deploy.local as local_mod
    import localcloud.provision as provision
    from localcloud.provision.stack import ResourceState, StackRecord

    calls = []
    record = StackRecord("lake", "stack-id")
    record.resources = {
        "EtlHourlyRule": ResourceState("AWS::Events::Rule", "lake-etl-hourly", {}),
        "RawToProcessedJob": ResourceState("AWS::Glue::Job", "lake-raw-to-processed", {}),
    }

    class Store:
        def __init__(self, client, account, region):
            pass

        def load(self, name):
            return record if name == "lake" else None

    glue = FakeGlue()
    fakes = {"events": FakeEvents(), "glue": glue}
    monkeypatch.setenv("DATALAKE_BUILD_DIR", str(tmp_path))
    monkeypatch.setattr(local_mod, "_client", fakes.__getitem__)
    monkeypatch.setattr(local_mod, "_account", lambda: "123456789012")
    monkeypatch.setattr(provision, "StackStore", Store)
    monkeypatch.setattr(
        provision,
        "destroy_stack",
        lambda name, client, region, account: (
            calls.append((name, fakes["events"].rules["lake-etl-hourly"]["State"], glue.run_state))
            or ["EtlHourlyRule", "RawToProcessedJob"]
        ),
    )
    local_mod.destroy("lake", Waiting(poll_seconds=1, timeout_seconds=10, sleep=lambda s: None))
    assert calls == [("lake", "DISABLED", "STOPPED")]
