"""A job run on `local-cluster[2,1,1024]`: two executor JVMs apart from the driver, reading
and writing s3:// through s3a on each, so nothing depends on a single process."""

from __future__ import annotations

import json

import pytest

pytestmark = [pytest.mark.spark, pytest.mark.slow]

CLUSTER_SCRIPT = '''
import os
import sys
from awsglue.utils import getResolvedOptions
from awsglue.context import GlueContext
from pyspark.context import SparkContext

args = getResolvedOptions(sys.argv, ["JOB_NAME", "src", "out"])
sc = SparkContext.getOrCreate()
spark = GlueContext(sc).spark_session
rows = spark.read.json(args["src"]).repartition(4)
rows.write.mode("overwrite").parquet(args["out"])
executors = sc._jsc.sc().getExecutorMemoryStatus().size() - 1
pids = sorted(set(sc.parallelize(range(16), 16).map(lambda _: os.getpid()).collect()))
print(f"MASTER {sc.master} EXECUTORS {executors} ROWS {spark.read.parquet(args['out']).count()}"
      f" DRIVER_PID_USED {os.getpid() in pids} WORKER_PIDS {len(pids)}", flush=True)
'''


def test_run_on_local_cluster(clients, make_job, unique, job_services, wait_for_run,
                              log_messages):
    s3, glue = clients["s3"], clients["glue"]
    s3.create_bucket(Bucket=unique)
    for i in range(4):
        s3.put_object(Bucket=unique, Key=f"in/f{i}.json",
                      Body=(json.dumps({"i": i}) + "\n").encode())
    job = make_job(unique, CLUSTER_SCRIPT, {
        "--src": f"s3://{unique}/in/", "--out": f"s3://{unique}/out/"})
    job_services.spark.master = "local-cluster[2,1,1024]"
    try:
        run_id = glue.start_job_run(JobName=job)["JobRunId"]
    finally:
        job_services.spark.master = "local[*]"
    run = wait_for_run(glue, job, run_id, timeout=400)
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    [line] = [m for m in log_messages(clients["logs"], "/aws-glue/jobs/output", run_id)
              if m.startswith("MASTER ")]
    assert line.startswith("MASTER local-cluster[2,1,1024] EXECUTORS 2 ROWS 4 "
                           "DRIVER_PID_USED False")
    assert int(line.rsplit(" ", 1)[1]) >= 1
