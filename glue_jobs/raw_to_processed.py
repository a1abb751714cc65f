"""Glue job: raw zone -> processed zone (Parquet) and quarantine (invalid and duplicate lines).

Arguments (`getResolvedOptions` on Glue; the same names parsed with argparse without `awsglue`):
  --JOB_NAME          the job's name (Glue passes it; optional elsewhere)
  --raw_path          s3://{RawBucket}/                          every source and day below it
  --processed_path    s3://{ProcessedBucket}/processed_data/
  --quarantine_path   s3://{ProcessedBucket}/quarantine/
On Glue also: --job-bookmark-option job-bookmark-enable (incremental reads) and
--extra-py-files s3://{ArtifactsBucket}/...whl (the `datalake` package).

With `awsglue` (AWS Glue 5.x, or the local cloud's Glue executor) raw is read through a
DynamicFrame with transformation_ctx "raw_events" and the run ends with `job.commit()`, so job
bookmarks make it incremental. Without it (spark-submit, tests) every raw object is read. Either
way the transform dedupes against the processed zone, so a re-run never duplicates rows.
`AWS_ENDPOINT_URL`, when set, points s3:// and s3a:// at that endpoint (the local cloud).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

ARGUMENTS = ["JOB_NAME", "raw_path", "processed_path", "quarantine_path"]
RAW_CONTEXT = "raw_events"

_logger = logging.getLogger("glue_jobs.raw_to_processed")


def parse_arguments(argv: list[str]) -> dict[str, str]:
    """The job arguments from `argv` (Glue's `--name value` form), by Glue's own parser if
    present. Unknown Glue arguments (--JOB_RUN_ID, --TempDir, ...) are ignored."""
    try:
        from awsglue.utils import getResolvedOptions
    except ImportError:
        parser = argparse.ArgumentParser(
            prog="raw_to_processed", description=__doc__.split("\n")[0]
        )
        parser.add_argument("--JOB_NAME", default="raw_to_processed")
        for name in ARGUMENTS[1:]:
            parser.add_argument(f"--{name}", required=True)
        known, _ = parser.parse_known_args(argv[1:])
        return vars(known)
    return getResolvedOptions(argv, ARGUMENTS)


def extract_with_glue(glue_context, raw_path: str):
    """New raw lines since the last committed bookmark, as a DataFrame with RAW_SCHEMA plus
    `raw_file`. Glue names each line's object only when asked (`attachFilename`):
    `input_file_name()` is empty for DynamicFrame reads on AWS Glue."""
    from datalake.transforms.jobs import RAW_FILE_COLUMN, conform_raw

    frame = glue_context.create_dynamic_frame.from_options(
        connection_type="s3",
        format="json",
        connection_options={
            "paths": [raw_path],
            "recurse": True,
            "attachFilename": RAW_FILE_COLUMN,
        },
        transformation_ctx=RAW_CONTEXT,
    )
    return conform_raw(frame.toDF())


def main(argv: list[str] | None = None) -> dict[str, int]:
    """Run the job; returns the counts per status (new, duplicate, invalid, ...)."""
    from datalake.spark import apply_runtime_conf, build_session
    from datalake.transforms.jobs import read_raw, run_raw_to_processed

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    argv = sys.argv if argv is None else argv
    args = parse_arguments(argv)
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    try:
        from awsglue.context import GlueContext
        from awsglue.job import Job
    except ImportError:
        GlueContext = Job = None  # plain Spark: no bookmarks
    if GlueContext is None:
        spark = build_session(args["JOB_NAME"], master=None, endpoint=endpoint)
        raw, job = read_raw(spark, args["raw_path"]), None
    else:
        from pyspark.context import SparkContext

        glue_context = GlueContext(SparkContext.getOrCreate())
        spark = glue_context.spark_session
        apply_runtime_conf(spark, endpoint)
        job = Job(glue_context)
        job.init(args["JOB_NAME"], args)
        raw = extract_with_glue(glue_context, args["raw_path"])
    counts = run_raw_to_processed(spark, raw, args["processed_path"], args["quarantine_path"])
    if job is not None:
        job.commit()  # only after both writes: a failed run re-reads the same objects
    _logger.info("counts %s", counts)
    return counts


if __name__ == "__main__":
    main()
