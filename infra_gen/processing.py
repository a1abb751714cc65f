"""Processing layer: the two Glue Spark jobs, raw → processed (incremental through job
bookmarks) and processed → curated (a full recompute that replaces partitions). Their
DefaultArguments are exactly the names each script reads (docs/contracts.md)."""

from __future__ import annotations

from troposphere import GetAtt, Ref, Sub, Template
from troposphere.glue import ExecutionProperty, Job, JobCommand

from infra_gen import names
from infra_gen.config import GLUE_DEPENDENCY_PREFIX, GLUE_DEPENDENCY_WHEELS
from infra_gen.encryption import glue_security_configuration

_WHEEL_URI = "s3://${ArtifactsBucketName}/${PackageWheelKey}"
_WHEEL = Sub(_WHEEL_URI)


def python_modules() -> Sub:
    """`--additional-python-modules`: the datalake wheel and every dependency wheel, all in the
    artifacts bucket, so pip (with --no-index) never needs PyPI: a job in a VPC without internet
    starts the same way (decision 131)."""
    uris = [_WHEEL_URI] + [
        "s3://${ArtifactsBucketName}/" + GLUE_DEPENDENCY_PREFIX + name
        for name in GLUE_DEPENDENCY_WHEELS
    ]
    return Sub(",".join(uris))


def _common_arguments(job_name_format: str) -> dict:
    return {
        # The wheel of src/datalake: on the driver's path through --extra-py-files (the
        # contract), and pip-installed on every executor through --additional-python-modules
        # (Spark adds only .zip/.egg/.jar py-files to executors' sys.path), with its
        # dependencies' wheels and no package index.
        "--extra-py-files": _WHEEL,
        "--additional-python-modules": python_modules(),
        "--python-modules-installer-option": "--no-index",
        "--enable-metrics": "true",
        "--enable-continuous-cloudwatch-log": "true",
        "--continuous-log-logGroup": Sub("/aws-glue/jobs/" + job_name_format),
        "--enable-glue-datacatalog": "true",
        "--TempDir": names.s3_uri(names.PROCESSED_BUCKET, "glue-temp/"),
    }


def raw_to_processed_arguments() -> dict:
    """DefaultArguments of `{stack}-raw-to-processed` (JOB_NAME is added by Glue itself)."""
    return {
        **_common_arguments(names.RAW_TO_PROCESSED_JOB_NAME),
        "--job-bookmark-option": "job-bookmark-enable",
        "--raw_path": names.s3_uri(names.RAW_BUCKET),
        "--processed_path": names.s3_uri(names.PROCESSED_BUCKET, "processed_data/"),
        "--quarantine_path": names.s3_uri(names.PROCESSED_BUCKET, "quarantine/"),
    }


def processed_to_curated_arguments() -> dict:
    """DefaultArguments of `{stack}-processed-to-curated`: it recomputes and replaces, so no
    bookmark."""
    return {
        **_common_arguments(names.PROCESSED_TO_CURATED_JOB_NAME),
        "--job-bookmark-option": "job-bookmark-disable",
        "--processed_path": names.s3_uri(names.PROCESSED_BUCKET, "processed_data/"),
        "--curated_path": names.s3_uri(names.CURATED_BUCKET),
        # Optional in the script (same default); explicit so the template shows every input.
        "--quarantine_path": names.s3_uri(names.PROCESSED_BUCKET, "quarantine/"),
    }


def add_processing(template: Template) -> None:
    """Add both jobs. One concurrent run each: bookmarks break with concurrency above 1."""
    jobs = (
        (
            names.RAW_TO_PROCESSED_JOB,
            names.RAW_TO_PROCESSED_JOB_NAME,
            "RawToProcessedScriptKey",
            raw_to_processed_arguments(),
            "RawToProcessedLogGroup",
            "Raw JSON -> deduplicated, scored Parquet in the processed zone",
        ),
        (
            names.PROCESSED_TO_CURATED_JOB,
            names.PROCESSED_TO_CURATED_JOB_NAME,
            "ProcessedToCuratedScriptKey",
            processed_to_curated_arguments(),
            "ProcessedToCuratedLogGroup",
            "Processed Parquet -> daily_summary, hourly_metrics, source_statistics",
        ),
    )
    for logical_id, name, script_key, arguments, log_group, description in jobs:
        template.add_resource(
            Job(
                logical_id,
                DependsOn=[log_group],
                Name=Sub(name),
                Description=description,
                Role=GetAtt(names.GLUE_JOB_ROLE, "Arn"),
                Command=JobCommand(
                    Name="glueetl",
                    PythonVersion="3",
                    ScriptLocation=Sub("s3://${ArtifactsBucketName}/${" + script_key + "}"),
                ),
                GlueVersion=Ref("GlueVersion"),
                WorkerType=Ref("GlueWorkerType"),
                NumberOfWorkers=Ref("GlueNumberOfWorkers"),
                MaxRetries=0,
                Timeout=120,
                ExecutionProperty=ExecutionProperty(MaxConcurrentRuns=1),
                DefaultArguments=arguments,
                SecurityConfiguration=glue_security_configuration(),
            )
        )
