import pytest

from localcloud.glue.runner import error_message_from, python_file_uris
from localcloud.glue.spark_events import count_tasks
from localcloud.glue.spark_submit import SparkSettings, build_command, find_jars
from localcloud.glue.telemetry import _batches, job_state_event


def test_error_message_is_the_last_exception_line_without_module_path():
    tail = [
        "INFO SparkContext: Running Spark",
        "Traceback (most recent call last):",
        '  File "x.py", line 1, in <module>',
        "KeyError: 'first'",
        "",
        "During handling of the above exception, another exception occurred:",
        "",
        "Traceback (most recent call last):",
        '  File "x.py", line 3, in <module>',
        "    raise AnalysisException('boom')",
        "pyspark.errors.exceptions.captured.AnalysisException: [PATH_NOT_FOUND] Path missing",
        "26/11/25 10:00:00 INFO ShutdownHookManager: Shutdown hook called",
    ]
    assert error_message_from(tail, 1) == (
        "AnalysisException: [PATH_NOT_FOUND] Path missing")
    assert error_message_from(["killed"], 137) == "Command failed with exit code 137"


def test_python_files_from_extra_py_files_and_pure_s3_wheels_only():
    warnings = []
    native = "s3://a/rpds_py-1-cp311-cp311-manylinux_2_17_x86_64.whl"
    uris = python_file_uris({
        "--extra-py-files": "s3://a/pkg-1-py3-none-any.whl, s3://a/util.zip",
        "--additional-python-modules":
            f"s3://a/pkg-1-py3-none-any.whl,s3://a/other-2-py3-none-any.whl,{native},pandas==2.0",
    }, warnings.append)
    # A compiled wheel cannot be imported from a zip: it is only pip-installed.
    assert uris == ["s3://a/pkg-1-py3-none-any.whl", "s3://a/util.zip",
                    "s3://a/other-2-py3-none-any.whl"]
    assert len(warnings) == 1 and "pandas==2.0" in warnings[0]


def test_additional_python_modules_are_pip_installed_with_the_job_s_options(tmp_path):
    from localcloud.glue import python_modules

    args = {"--additional-python-modules": "s3://a/x-1-py3-none-any.whl, pandas==2.0,"
                                           "s3://a/x-1-py3-none-any.whl,s3://a/y.whl"}
    assert python_modules.module_wheels(args) == ["s3://a/x-1-py3-none-any.whl", "s3://a/y.whl"]
    command = python_modules.pip_command([tmp_path / "x.whl"], "--no-index --upgrade",
                                         tmp_path / "t")
    assert command[1:4] == ["-m", "pip", "install"]
    # --isolated: this machine's pip config (find-links, extra indexes) must not help.
    assert "--isolated" in command
    assert command[command.index("--target") + 1] == str(tmp_path / "t")
    assert command[-3:] == ["--no-index", "--upgrade", str(tmp_path / "x.whl")]


def test_spark_submit_command_for_jars_and_for_maven(tmp_path):
    (tmp_path / "a.jar").write_text("")
    settings = SparkSettings.from_env({"DATALAKE_SPARK_JARS": str(tmp_path),
                                       "DATALAKE_SPARK_MASTER": "local-cluster[2,1,1024]"})
    command = build_command("job.py", ["--x", "1"], settings, "http://127.0.0.1:5000",
                            ("ak", "sk"), "app", py_files=["p.zip"], python="/py")
    assert command[1:3] == ["--master", "local-cluster[2,1,1024]"]
    assert command[command.index("--jars") + 1] == str(tmp_path / "a.jar")
    assert command[command.index("--py-files") + 1] == "p.zip"
    confs = {command[i + 1] for i, c in enumerate(command) if c == "--conf"}
    for expected in (
        "spark.hadoop.fs.s3.impl=org.apache.hadoop.fs.s3a.S3AFileSystem",
        "spark.hadoop.fs.s3a.endpoint=http://127.0.0.1:5000",
        "spark.hadoop.fs.s3a.path.style.access=true",
        "spark.hadoop.fs.s3a.connection.ssl.enabled=false",
        "spark.pyspark.python=/py",
    ):
        assert expected in confs
    assert command[-3:] == ["job.py", "--x", "1"]
    coordinates = "org.apache.hadoop:hadoop-aws:3.3.4"
    maven = SparkSettings.from_env({"DATALAKE_SPARK_PACKAGES": coordinates})
    command = build_command("job.py", [], maven, "http://e", ("a", "s"), "app")
    assert command[command.index("--packages") + 1] == coordinates
    assert "--jars" not in command and maven.master == "local[*]"
    assert find_jars(str(tmp_path / "missing")) == []


def test_shuffle_partitions_default_small_and_configurable():
    command = build_command("job.py", [], SparkSettings.from_env({}), "http://e", ("a", "s"), "x")
    assert "spark.sql.shuffle.partitions=8" in command
    settings = SparkSettings.from_env({"DATALAKE_SPARK_SHUFFLE_PARTITIONS": "3"})
    command = build_command("job.py", [], settings, "http://e", ("a", "s"), "x")
    assert "spark.sql.shuffle.partitions=3" in command
    for bad in ("0", "-1", "many"):
        with pytest.raises(ValueError, match="DATALAKE_SPARK_SHUFFLE_PARTITIONS"):
            SparkSettings.from_env({"DATALAKE_SPARK_SHUFFLE_PARTITIONS": bad})


def test_task_counts_from_event_log_lines():
    lines = [
        '{"Event":"SparkListenerTaskEnd","Task End Reason":{"Reason":"Success"}}',
        '{"Event":"SparkListenerTaskEnd","Task End Reason":{"Reason":"ExceptionFailure"}}',
        '{"Event":"SparkListenerTaskEnd","Task End Reason":{"Reason":"Success"}}',
        '{"Event":"SparkListenerStageCompleted","Stage Info":{"Stage ID":0}}',
        '{"Event":"SparkListenerStageCompleted","Stage Info":{"Failure Reason":"x"}}',
    ]
    assert count_tasks(lines) == {
        "numCompletedTasks": 2, "numFailedTasks": 1, "numCompletedStages": 1}


def test_job_state_event_shape():
    from datetime import datetime, timezone

    event = job_state_event("j", "jr_1", "FAILED", "ValueError: x", "us-east-1", "123",
                            datetime(2026, 11, 25, tzinfo=timezone.utc))
    assert event["source"] == "aws.glue"
    assert event["detail-type"] == "Glue Job State Change"
    assert event["detail"] == {"jobName": "j", "severity": "ERROR", "state": "FAILED",
                               "jobRunId": "jr_1", "message": "ValueError: x"}


def test_log_batches_respect_limits():
    events = [{"timestamp": 0, "message": "x" * 1000} for _ in range(2000)]
    batches = list(_batches(events))
    assert sum(len(b) for b in batches) == 2000
    assert all(sum(len(e["message"]) + 26 for e in b) <= 900_000 for b in batches)
