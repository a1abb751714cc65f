"""Job bookmarks through the awsglue shim: incremental reads committed by job.commit()."""

from __future__ import annotations

import json

import pytest

pytestmark = [pytest.mark.spark, pytest.mark.slow]

BOOKMARKED_SCRIPT = '''
import sys
from awsglue.utils import getResolvedOptions
from awsglue.context import GlueContext
from awsglue.job import Job
from pyspark.context import SparkContext

args = getResolvedOptions(sys.argv, ["JOB_NAME", "src", "fail"])
glue_context = GlueContext(SparkContext.getOrCreate())
job = Job(glue_context)
job.init(args["JOB_NAME"], args)
frame = glue_context.create_dynamic_frame.from_options(
    connection_type="s3", format="json",
    connection_options={"paths": [args["src"]], "recurse": True, "attachFilename": "file"},
    transformation_ctx="src",
)
df = frame.toDF()
names = sorted({r[0].rsplit("/", 1)[-1] for r in df.select("file").collect()}) \\
    if df.columns else []
print("READ " + ",".join(names) + f" ROWS {frame.count()}", flush=True)
if args["fail"] == "yes":
    raise RuntimeError("failed after reading")
job.commit()
'''


@pytest.fixture
def bookmarked_job(clients, make_job, unique, wait_for_run, log_messages):
    """(put(name), run(**arguments) -> (state, "READ ..." line)) for a bookmarked job."""
    s3, glue = clients["s3"], clients["glue"]
    s3.create_bucket(Bucket=unique)
    job = make_job(unique, BOOKMARKED_SCRIPT, {
        "--src": f"s3://{unique}/in/", "--fail": "no",
        "--job-bookmark-option": "job-bookmark-enable",
    })

    def put(name: str, text: str = "x") -> None:
        body = json.dumps({"name": name, "text": text}) + "\n"
        s3.put_object(Bucket=unique, Key=f"in/source=a/{name}", Body=body.encode())

    def run(**arguments) -> tuple[str, str]:
        args = {f"--{k.replace('_', '-') if k == 'job_bookmark_option' else k}": v
                for k, v in arguments.items()}
        run_id = glue.start_job_run(JobName=job, Arguments=args)["JobRunId"]
        state = wait_for_run(glue, job, run_id)["JobRunState"]
        lines = [m for m in log_messages(clients["logs"], "/aws-glue/jobs/output", run_id)
                 if m.startswith("READ ")]
        return state, lines[0] if lines else ""

    return job, put, run


def test_incremental_runs_modified_objects_failed_runs_pause_disable_reset(
    clients, bookmarked_job,
):
    glue = clients["glue"]
    job, put, run = bookmarked_job
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_job_bookmark(JobName=job)
    put("a.json")
    put("b.json")
    assert run() == ("SUCCEEDED", "READ a.json,b.json ROWS 2")
    assert run() == ("SUCCEEDED", "READ  ROWS 0")            # nothing new
    put("c.json")
    assert run() == ("SUCCEEDED", "READ c.json ROWS 1")      # only the new object
    put("a.json", "changed")
    assert run() == ("SUCCEEDED", "READ a.json ROWS 1")      # a modified object is re-read
    put("d.json")
    assert run(fail="yes") == ("FAILED", "READ d.json ROWS 1")
    assert run() == ("SUCCEEDED", "READ d.json ROWS 1")      # the failed run did not commit
    entry = glue.get_job_bookmark(JobName=job)["JobBookmarkEntry"]
    assert (entry["JobName"], entry["Run"], entry["Version"]) == (job, 5, 5)
    bookmark = json.loads(entry["JobBookmark"])
    assert bookmark["src"]["jsonClass"] == "HadoopDataSourceJobBookmarkState"
    assert entry["RunId"] == bookmark["runId"] and entry["PreviousRunId"]
    put("e.json")
    assert run(job_bookmark_option="job-bookmark-pause") == ("SUCCEEDED", "READ e.json ROWS 1")
    assert glue.get_job_bookmark(JobName=job)["JobBookmarkEntry"]["Run"] == 5  # not moved
    assert run(job_bookmark_option="job-bookmark-disable") == (
        "SUCCEEDED", "READ a.json,b.json,c.json,d.json,e.json ROWS 5")
    reset = glue.reset_job_bookmark(JobName=job)["JobBookmarkEntry"]
    assert reset["Version"] == 6
    assert run() == ("SUCCEEDED", "READ a.json,b.json,c.json,d.json,e.json ROWS 5")
    assert run() == ("SUCCEEDED", "READ  ROWS 0")


LISTED_SCRIPT = '''
import sys
from awsglue.utils import getResolvedOptions
from awsglue.context import GlueContext
from pyspark.context import SparkContext
from pyspark.sql.functions import input_file_name

args = getResolvedOptions(sys.argv, ["JOB_NAME", "src"])
glue_context = GlueContext(SparkContext.getOrCreate())
frame = glue_context.create_dynamic_frame.from_options(
    connection_type="s3", format="json",
    connection_options={"paths": [args["src"]], "recurse": True, "exclusions": '["**.skip"]',
                        "attachFilename": "file"},
)
df = frame.toDF()
rows = sorted((r["name"], r["file"], r["spark_name"]) for r in
              df.select("name", "file", input_file_name().alias("spark_name")).collect())
print("ROWS " + repr(rows), flush=True)
'''


def test_recursive_read_keeps_exactly_the_listed_objects(
        clients, make_job, unique, wait_for_run, log_messages):
    """One recursive scan filtered by name reads what the listing selected: names needing URI
    encoding, nested folders, an s3a:// path; not side files, not excluded globs. As on Glue,
    the file comes only from attachFilename (the listed s3:// object); input_file_name() is
    empty."""
    s3, glue = clients["s3"], clients["glue"]
    s3.create_bucket(Bucket=unique)
    for key, name in [("in/a b.json", "space"), ("in/x=1/c%d+e.json", "encoded"),
                      ("in/deep/er/f.json", "deep"), ("in/_SUCCESS", "side"),
                      ("in/.hidden.json", "hidden"), ("in/_tmp/g.json", "tmp"),
                      ("in/h.skip", "excluded")]:
        s3.put_object(Bucket=unique, Key=key, Body=(json.dumps({"name": name}) + "\n").encode())
    job = make_job(unique, LISTED_SCRIPT, {"--src": f"s3a://{unique}/in/"})
    run_id = glue.start_job_run(JobName=job)["JobRunId"]
    assert wait_for_run(glue, job, run_id)["JobRunState"] == "SUCCEEDED"
    lines = [m for m in log_messages(clients["logs"], "/aws-glue/jobs/output", run_id)
             if m.startswith("ROWS ")]
    assert lines == [f"ROWS [('deep', 's3://{unique}/in/deep/er/f.json', ''), "
                     f"('encoded', 's3://{unique}/in/x=1/c%d+e.json', ''), "
                     f"('space', 's3://{unique}/in/a b.json', '')]"]
