"""StartJobRun runs the script on local Spark: arguments, py-files, logs, metrics, events,
failures, timeouts, stops and concurrency."""

from __future__ import annotations

import io
import os
import time
import zipfile
from datetime import datetime, timedelta, timezone

import pytest

from localcloud.glue import add_job_state_listener, remove_job_state_listener

pytestmark = [pytest.mark.spark, pytest.mark.slow]

SUCCESS_SCRIPT = '''
import sys
from awsglue.utils import getResolvedOptions
from awsglue.context import GlueContext
from awsglue.job import Job
from pyspark.context import SparkContext
import {module}

args = getResolvedOptions(sys.argv, ["JOB_NAME", "a", "b", "out"])
sc = SparkContext.getOrCreate()
glue_context = GlueContext(sc)
job = Job(glue_context)
job.init(args["JOB_NAME"], args)
on_executors = sc.parallelize([1, 2], 2).map(lambda x: __import__("{module}").VALUE).collect()
frame = glue_context.spark_session.createDataFrame([(1, "x"), (2, "y")], ["n", "s"])
frame.coalesce(1).write.mode("overwrite").parquet(args["out"])
print(f"a={{args['a']}} b={{args['b']}} helper={{{module}.VALUE}} executors={{on_executors}}")
job.commit()
'''

FAILING_SCRIPT = '''
print("about to fail", flush=True)

def explode():
    raise ValueError("boom 123")

explode()
'''

SLEEPING_SCRIPT = '''
import time
print("started", flush=True)
time.sleep(300)
'''


@pytest.fixture
def state_events():
    """Job state change events received in-process, per job name."""
    received: dict[str, list[dict]] = {}

    def listener(cloud, event):
        received.setdefault(event["detail"]["jobName"], []).append(event)

    add_job_state_listener(listener)
    yield received
    remove_job_state_listener(listener)


def _wheel(module: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as wheel:
        wheel.writestr(f"{module}.py", "VALUE = 42\n")
        wheel.writestr(f"{module}-1.0.dist-info/METADATA", f"Name: {module}\nVersion: 1.0\n")
    return buffer.getvalue()


def _metric_sum(cloudwatch, name: str, dimensions: list[dict]) -> float:
    now = datetime.now(timezone.utc)
    points = cloudwatch.get_metric_statistics(
        Namespace="Glue", MetricName=name, Dimensions=dimensions,
        StartTime=now - timedelta(hours=1), EndTime=now + timedelta(minutes=5),
        Period=3600, Statistics=["Sum"],
    )["Datapoints"]
    return sum(p["Sum"] for p in points)


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                if text.encode() in handle.read():
                    found.append(int(pid))
        except OSError:
            continue
    return found


def test_success_with_merged_arguments_py_files_logs_metrics_events(
    clients, make_job, scripts_bucket, unique, state_events, wait_for_run, log_messages,
):
    s3, glue = clients["s3"], clients["glue"]
    module = f"helper_{unique}"
    s3.put_object(Bucket=scripts_bucket, Key=f"wheels/{module}-1.0-py3-none-any.whl",
                  Body=_wheel(module))
    out = f"s3://{scripts_bucket}/{unique}/out/"
    job = make_job(unique, SUCCESS_SCRIPT.format(module=module), {
        "--a": "default", "--b": "default", "--out": out,
        "--extra-py-files": f"s3://{scripts_bucket}/wheels/{module}-1.0-py3-none-any.whl",
        "--enable-metrics": "true",
        "--enable-continuous-cloudwatch-log": "true",
        "--continuous-log-logGroup": f"/aws-glue/jobs/{unique}",
    })
    run_id = glue.start_job_run(JobName=job, Arguments={"--b": "run"})["JobRunId"]
    assert run_id.startswith("jr_") and len(run_id) == 67
    run = wait_for_run(glue, job, run_id)
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    assert run["Arguments"] == {"--b": "run"}
    assert run["ExecutionTime"] >= 1 and run["CompletedOn"] > run["StartedOn"]
    expected = "a=default b=run helper=42 executors=[42, 42]"
    assert expected in log_messages(clients["logs"], "/aws-glue/jobs/output", run_id)
    assert expected in log_messages(clients["logs"], f"/aws-glue/jobs/{unique}", run_id)
    assert any("SparkContext" in m
               for m in log_messages(clients["logs"], "/aws-glue/jobs/error", run_id))
    keys = [o["Key"] for o in s3.list_objects_v2(
        Bucket=scripts_bucket, Prefix=f"{unique}/out/")["Contents"]]
    assert any(k.endswith(".parquet") for k in keys)
    assert [r["Id"] for r in glue.get_job_runs(JobName=job)["JobRuns"]] == [run_id]
    # The final event follows the final state (after the run's metrics): wait for it.
    deadline = time.time() + 30
    while len(state_events[job]) < 3 and time.time() < deadline:
        time.sleep(0.2)
    assert [e["detail"]["state"] for e in state_events[job]] == [
        "STARTING", "RUNNING", "SUCCEEDED"]
    dims = [{"Name": "JobName", "Value": job}]
    assert _metric_sum(clients["cloudwatch"], "JobRunsSucceeded", dims) == 1
    assert _metric_sum(clients["cloudwatch"], "JobRunsFailed", dims) == 0
    glue_dims = dims + [{"Name": "JobRunId", "Value": "ALL"}, {"Name": "Type", "Value": "count"}]
    assert _metric_sum(clients["cloudwatch"], "glue.driver.aggregate.numCompletedTasks",
                       glue_dims) >= 3
    assert _metric_sum(clients["cloudwatch"], "glue.driver.aggregate.numFailedTasks",
                       glue_dims) == 0


def test_failure_reports_the_exception_and_logs_it(
    clients, make_job, unique, state_events, wait_for_run, log_messages,
):
    glue = clients["glue"]
    job = make_job(unique, FAILING_SCRIPT, MaxRetries=1)
    run_id = glue.start_job_run(JobName=job)["JobRunId"]
    run = wait_for_run(glue, job, run_id)
    assert run["JobRunState"] == "FAILED"
    assert run["ErrorMessage"] == "ValueError: boom 123"
    retry = glue.get_job_runs(JobName=job)["JobRuns"][0]  # MaxRetries 1: one more attempt
    assert (retry["Attempt"], retry["PreviousRunId"]) == (1, run_id)
    retry = wait_for_run(glue, job, retry["Id"])
    assert retry["JobRunState"] == "FAILED"
    assert len(glue.get_job_runs(JobName=job)["JobRuns"]) == 2
    assert "ValueError: boom 123" in log_messages(clients["logs"], "/aws-glue/jobs/error", run_id)
    assert "about to fail" in log_messages(clients["logs"], "/aws-glue/jobs/output", run_id)
    final = state_events[job][-1]
    assert (final["source"], final["detail-type"]) == ("aws.glue", "Glue Job State Change")
    assert final["detail"] == {"jobName": job, "severity": "ERROR", "state": "FAILED",
                               "jobRunId": retry["Id"], "message": "ValueError: boom 123"}
    dims = [{"Name": "JobName", "Value": job}]
    assert _metric_sum(clients["cloudwatch"], "JobRunsFailed", dims) == 2


def test_missing_script_fails_with_its_location(clients, unique, wait_for_run):
    glue = clients["glue"]
    job = unique
    glue.create_job(Name=job, Role="r", Command={
        "Name": "glueetl", "ScriptLocation": "s3://nope-bucket/x.py"})
    run = wait_for_run(glue, job, glue.start_job_run(JobName=job)["JobRunId"], timeout=30)
    assert run["JobRunState"] == "FAILED"
    assert run["ErrorMessage"].startswith("Cannot download s3://nope-bucket/x.py")


def test_a_glue_4_job_is_refused_with_the_version_and_why(clients, make_job, unique,
                                                          wait_for_run):
    job = make_job(unique, SLEEPING_SCRIPT, GlueVersion="4.0")
    glue = clients["glue"]
    run = wait_for_run(glue, job, glue.start_job_run(JobName=job)["JobRunId"], timeout=30)
    assert run["JobRunState"] == "FAILED"
    assert run["ErrorMessage"].startswith(
        "GlueVersion 4.0 is not run by the local Glue runtime: AWS Glue 4.0 is Spark 3.3, "
        "Python 3.10, Java 8")


def _installable_wheel(module: str, requires: str) -> bytes:
    """A minimal valid wheel of `module` 1.0 that depends on `requires`."""
    info = f"{module}-1.0.dist-info"
    files = {
        f"{module}.py": "VALUE = 1\n",
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {module}\nVersion: 1.0\n"
                            f"Requires-Dist: {requires}\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
                         "Tag: py3-none-any\n",
    }
    files[f"{info}/RECORD"] = "".join(f"{name},,\n" for name in files) + f"{info}/RECORD,,\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as wheel:
        for name, text in files.items():
            wheel.writestr(name, text)
    return buffer.getvalue()


def test_a_missing_or_unresolvable_python_module_wheel_fails_the_run(
        clients, make_job, scripts_bucket, unique, wait_for_run):
    """As on Glue with --no-index: every wheel must be in S3 and together they must resolve."""
    s3, glue = clients["s3"], clients["glue"]
    module = "mod_" + unique.replace("-", "_")
    wheel = f"s3://{scripts_bucket}/{unique}/{module}-1.0-py3-none-any.whl"
    s3.put_object(Bucket=scripts_bucket, Key=f"{unique}/{module}-1.0-py3-none-any.whl",
                  Body=_installable_wheel(module, "attrs==26.1.0"))
    missing = f"s3://{scripts_bucket}/{unique}/attrs-26.1.0-py3-none-any.whl"
    job = make_job(unique, SLEEPING_SCRIPT, {
        "--additional-python-modules": f"{wheel},{missing}",
        "--python-modules-installer-option": "--no-index",
    })
    run = wait_for_run(glue, job, glue.start_job_run(JobName=job)["JobRunId"], timeout=60)
    assert run["JobRunState"] == "FAILED"
    assert run["ErrorMessage"].startswith(
        f"Installation of Python modules failed: Cannot download {missing}")
    # The dependency's wheel left out: pip, with no index, cannot resolve it.
    run_id = glue.start_job_run(JobName=job, Arguments={"--additional-python-modules": wheel})
    run = wait_for_run(glue, job, run_id["JobRunId"], timeout=120)
    assert run["JobRunState"] == "FAILED"
    assert run["ErrorMessage"].startswith("Installation of Python modules failed")
    assert "attrs==26.1.0" in run["ErrorMessage"], run["ErrorMessage"]


def test_timeout_kills_the_run(clients, make_job, unique, job_services, wait_for_run):
    glue = clients["glue"]
    job = make_job(unique, SLEEPING_SCRIPT, Timeout=1)
    job_services.time_scale = 6.0  # the 1-minute timeout lasts 10 s
    try:
        run_id = glue.start_job_run(JobName=job)["JobRunId"]
    finally:
        job_services.time_scale = None
    run = wait_for_run(glue, job, run_id, timeout=60)
    assert run["JobRunState"] == "TIMEOUT"
    assert run["ErrorMessage"] == "Job run timed out after 1 minutes"
    assert run["Timeout"] == 1
    assert _processes_mentioning(run_id) == []


def test_stop_and_max_concurrent_runs(clients, make_job, unique, wait_for_run, log_messages):
    glue = clients["glue"]
    job = make_job(unique, SLEEPING_SCRIPT, ExecutionProperty={"MaxConcurrentRuns": 1})
    first = glue.start_job_run(JobName=job)["JobRunId"]
    with pytest.raises(glue.exceptions.ConcurrentRunsExceededException):
        glue.start_job_run(JobName=job)
    wait_for_run(glue, job, first, until=("RUNNING",), timeout=60)
    deadline = time.time() + 60
    while "started" not in log_messages(clients["logs"], "/aws-glue/jobs/output", first):
        assert time.time() < deadline, "the script never started"
        time.sleep(0.5)
    answer = glue.batch_stop_job_run(JobName=job, JobRunIds=[first, "jr_unknown"])
    assert answer["SuccessfulSubmissions"] == [{"JobName": job, "JobRunId": first}]
    assert answer["Errors"][0]["JobRunId"] == "jr_unknown"
    assert answer["Errors"][0]["ErrorDetail"]["ErrorCode"] == "EntityNotFoundException"
    run = wait_for_run(glue, job, first, timeout=30)
    assert run["JobRunState"] == "STOPPED"
    assert _processes_mentioning(first) == []
    again = glue.batch_stop_job_run(JobName=job, JobRunIds=[first])
    assert again["Errors"][0]["ErrorDetail"]["ErrorCode"] == "InvalidInputException"
    second = glue.start_job_run(JobName=job)["JobRunId"]  # the slot is free again
    glue.batch_stop_job_run(JobName=job, JobRunIds=[second])
    assert wait_for_run(glue, job, second, timeout=60)["JobRunState"] == "STOPPED"


def test_unknown_job_and_bad_arguments_are_refused(clients, make_job, unique):
    glue = clients["glue"]
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.start_job_run(JobName=unique + "-missing")
    job = make_job(unique, "print(1)")
    with pytest.raises(glue.exceptions.InvalidInputException, match="job-bookmark-option"):
        glue.start_job_run(JobName=job, Arguments={"--job-bookmark-option": "yes"})
    assert glue.get_job_runs(JobName=job)["JobRuns"] == []


CATALOG_SCRIPT = '''
import sys
from awsglue.transforms import *
from awsglue.utils import getResolvedOptions
from awsglue.context import GlueContext
from awsglue.job import Job
from pyspark.context import SparkContext

args = getResolvedOptions(sys.argv, ["JOB_NAME", "database", "table"])
glue_context = GlueContext(SparkContext.getOrCreate())
job = Job(glue_context)
job.init(args["JOB_NAME"], args)
frame = glue_context.create_dynamic_frame.from_catalog(
    database=args["database"], table_name=args["table"], transformation_ctx="catalog")
mapped = ApplyMapping.apply(frame=frame, mappings=[
    ("a", "long", "a_text", "string"), ("nested.x", "long", "x", "double"),
    ("day", "string", "day", "string")])
rows = sorted((r["a_text"], r["x"], str(r["day"])) for r in mapped.toDF().collect())
print("ROWS", rows, "COLUMNS", mapped.toDF().columns, flush=True)
job.commit()
'''


def test_from_catalog_and_apply_mapping(clients, make_job, unique, wait_for_run, log_messages):
    s3, glue = clients["s3"], clients["glue"]
    s3.create_bucket(Bucket=unique)
    for day, a in (("1", 10), ("2", 20)):
        s3.put_object(Bucket=unique, Key=f"t/day={day}/f.json",
                      Body=f'{{"a": {a}, "nested": {{"x": {a + 1}}}}}\n'.encode())
    glue.create_database(DatabaseInput={"Name": unique})
    glue.create_table(DatabaseName=unique, TableInput={
        "Name": "t", "PartitionKeys": [{"Name": "day", "Type": "string"}],
        "Parameters": {"classification": "json"},
        "StorageDescriptor": {"Location": f"s3://{unique}/t/", "Columns": [
            {"Name": "a", "Type": "bigint"}, {"Name": "nested", "Type": "struct<x:bigint>"}]},
    })
    job = make_job(unique, CATALOG_SCRIPT, {"--database": unique, "--table": "t"})
    run_id = glue.start_job_run(JobName=job)["JobRunId"]
    run = wait_for_run(glue, job, run_id)
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    [line] = [m for m in log_messages(clients["logs"], "/aws-glue/jobs/output", run_id)
              if m.startswith("ROWS")]
    assert line == ("ROWS [('10', 11.0, '1'), ('20', 21.0, '2')] "
                    "COLUMNS ['a_text', 'x', 'day']")
