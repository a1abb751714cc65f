"""Glue job: processed zone -> curated datasets (daily_summary, hourly_metrics,
source_statistics), replacing the `source=X/year=YYYY/month=MM/` partitions it recomputes.

Arguments (`getResolvedOptions` on Glue; the same names parsed with argparse without `awsglue`):
  --JOB_NAME          the job's name (Glue passes it; optional elsewhere)
  --processed_path    s3://{ProcessedBucket}/processed_data/
  --curated_path      s3://{CuratedBucket}/
  --quarantine_path   optional; default: `quarantine/` next to processed_path. Source of the
                      duplicate and invalid counts of source_statistics.
`AWS_ENDPOINT_URL`, when set, points s3:// and s3a:// at that endpoint (the local cloud).
Columns of each dataset: docs/curated-datasets.md.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

ARGUMENTS = ["JOB_NAME", "processed_path", "curated_path"]
OPTIONAL_ARGUMENTS = ["quarantine_path"]

_logger = logging.getLogger("glue_jobs.processed_to_curated")


def parse_arguments(argv: list[str]) -> dict[str, str]:
    """The job arguments from `argv`, by Glue's own parser if present; quarantine_path
    defaults to the `quarantine/` folder beside processed_path."""
    try:
        from awsglue.utils import getResolvedOptions
    except ImportError:
        parser = argparse.ArgumentParser(
            prog="processed_to_curated", description=__doc__.split("\n")[0]
        )
        parser.add_argument("--JOB_NAME", default="processed_to_curated")
        for name in ARGUMENTS[1:]:
            parser.add_argument(f"--{name}", required=True)
        for name in OPTIONAL_ARGUMENTS:
            parser.add_argument(f"--{name}", default=None)
        args = vars(parser.parse_known_args(argv[1:])[0])
    else:
        present = [name for name in OPTIONAL_ARGUMENTS if f"--{name}" in argv]
        args = dict.fromkeys(OPTIONAL_ARGUMENTS)
        args.update(getResolvedOptions(argv, ARGUMENTS + present))
    if not args.get("quarantine_path"):
        args["quarantine_path"] = args["processed_path"].rstrip("/").rsplit("/", 1)[0] + (
            "/quarantine/"
        )
    return args


def main(argv: list[str] | None = None) -> dict[str, int]:
    """Run the job; returns the number of rows written per dataset."""
    from datalake.spark import apply_runtime_conf, build_session
    from datalake.transforms.jobs import run_processed_to_curated

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    argv = sys.argv if argv is None else argv
    args = parse_arguments(argv)
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    try:
        from awsglue.context import GlueContext
        from awsglue.job import Job
    except ImportError:
        GlueContext = Job = None  # plain Spark
    job = None
    if GlueContext is None:
        spark = build_session(args["JOB_NAME"], master=None, endpoint=endpoint)
    else:
        from pyspark.context import SparkContext

        glue_context = GlueContext(SparkContext.getOrCreate())
        spark = glue_context.spark_session
        apply_runtime_conf(spark, endpoint)
        job = Job(glue_context)
        job.init(args["JOB_NAME"], args)
    counts = run_processed_to_curated(
        spark, args["processed_path"], args["quarantine_path"], args["curated_path"]
    )
    if job is not None:
        job.commit()
    _logger.info("rows %s", counts)
    return counts


if __name__ == "__main__":
    main()
