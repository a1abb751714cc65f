"""Opt-in warm drivers: the next run's JVM and SparkContext start before StartJobRun."""

from __future__ import annotations

import io
import time
import zipfile

import pytest

pytestmark = [pytest.mark.spark, pytest.mark.slow]

SCRIPT = '''
import sys
from awsglue.utils import getResolvedOptions
from awsglue.context import GlueContext
from pyspark.context import SparkContext
import {module}

args = getResolvedOptions(sys.argv, ["JOB_NAME", "x"])
sc = SparkContext.getOrCreate()
GlueContext(sc)
values = sc.parallelize([1, 2], 2).map(lambda _: __import__("{module}").VALUE).collect()
print(f"STARTED {{sc.startTime}} X {{args['x']}} VALUES {{values}}", flush=True)
'''


def _wheel(module: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as wheel:
        wheel.writestr(f"{module}.py", "VALUE = 7\n")
    return buffer.getvalue()


def test_second_run_uses_a_driver_started_before_it(
    clients, make_job, scripts_bucket, unique, job_services, wait_for_run, log_messages,
):
    s3, glue = clients["s3"], clients["glue"]
    module = f"warm_{unique}"
    key = f"wheels/{module}-1.0-py3-none-any.whl"
    s3.put_object(Bucket=scripts_bucket, Key=key, Body=_wheel(module))
    job = make_job(unique, SCRIPT.format(module=module), {
        "--x": "1", "--extra-py-files": f"s3://{scripts_bucket}/{key}"})
    pool = job_services._runner.warm_pool

    def run(x: str) -> tuple[float, float, str]:
        run_id = glue.start_job_run(JobName=job, Arguments={"--x": x})["JobRunId"]
        done = wait_for_run(glue, job, run_id, timeout=400)
        assert done["JobRunState"] == "SUCCEEDED", done.get("ErrorMessage")
        [line] = [m for m in log_messages(clients["logs"], "/aws-glue/jobs/output", run_id)
                  if m.startswith("STARTED ")]
        return int(line.split()[1]) / 1000, done["StartedOn"].timestamp(), line

    job_services.spark.warm_driver = True
    try:
        started, submitted, line = run("1")
        assert started > submitted  # cold: the context starts after StartJobRun
        assert line.endswith("X 1 VALUES [7, 7]")
        deadline = time.time() + 300
        while not (pool.spare() and pool.spare().is_ready()):
            assert time.time() < deadline, "no warm driver became ready"
            time.sleep(1)
        started, submitted, line = run("2")
        assert started < submitted  # warm: the context was made before the run existed
        assert line.endswith("X 2 VALUES [7, 7]")
    finally:
        job_services.spark.warm_driver = False
        deadline = time.time() + 120
        while pool.spare() is None and time.time() < deadline:  # the spare after run 2
            time.sleep(1)
        pool.clear()
