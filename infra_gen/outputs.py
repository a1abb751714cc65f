"""The stack outputs every deploy saves to `build/{stack}/outputs.json` (docs/contracts.md)."""

from __future__ import annotations

from troposphere import GetAtt, Output, Ref, Sub, Template

from infra_gen import names

OUTPUT_NAMES = (
    "ApiUrl",
    "ApiId",
    "ApiKeyId",
    "RawBucket",
    "ProcessedBucket",
    "CuratedBucket",
    "AccessLogsBucket",
    "ArtifactsBucket",
    "DatabaseName",
    "WorkGroupName",
    "StateMachineArn",
    "AlertsTopicArn",
    "IngestionFunctionName",
    "ValidationFunctionName",
    "RawToProcessedJobName",
    "ProcessedToCuratedJobName",
    "LakeCrawlerName",
    "CuratedCrawlerName",
    "DashboardName",
    "ValidationFailuresQueueUrl",
    "ValidationFailuresQueueArn",
)


def _values() -> dict:
    return {
        "ApiUrl": (
            Sub(
                "https://${RestApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/"
                + names.STAGE_NAME
            ),
            "Base URL of the API stage (POST {ApiUrl}/ingest)",
        ),
        "ApiId": (Ref(names.API), "REST API id"),
        "ApiKeyId": (
            Ref(names.API_KEY),
            "Id of the API key (aws apigateway get-api-key --include-value)",
        ),
        "RawBucket": (Ref(names.RAW_BUCKET), "Raw zone bucket"),
        "ProcessedBucket": (Ref(names.PROCESSED_BUCKET), "Processed zone bucket"),
        "CuratedBucket": (Ref(names.CURATED_BUCKET), "Curated zone bucket"),
        "AccessLogsBucket": (Ref(names.ACCESS_LOGS_BUCKET), "S3 server access log bucket"),
        "ArtifactsBucket": (Ref("ArtifactsBucketName"), "Code artifacts bucket (bootstrap)"),
        "DatabaseName": (Ref(names.DATABASE), "Glue database"),
        "WorkGroupName": (Ref(names.WORKGROUP), "Athena workgroup"),
        "StateMachineArn": (Ref(names.STATE_MACHINE), "ETL pipeline state machine"),
        "AlertsTopicArn": (Ref(names.ALERTS_TOPIC), "Alerts SNS topic"),
        "IngestionFunctionName": (Ref(names.INGESTION_FUNCTION), "Ingestion Lambda"),
        "ValidationFunctionName": (Ref(names.VALIDATION_FUNCTION), "Validation Lambda"),
        "RawToProcessedJobName": (Ref(names.RAW_TO_PROCESSED_JOB), "Glue job raw->processed"),
        "ProcessedToCuratedJobName": (
            Ref(names.PROCESSED_TO_CURATED_JOB),
            "Glue job processed->curated",
        ),
        "LakeCrawlerName": (Ref(names.LAKE_CRAWLER), "Crawler of raw_data/processed_data"),
        "CuratedCrawlerName": (Ref(names.CURATED_CRAWLER), "Crawler of the curated zone"),
        "DashboardName": (Ref(names.DASHBOARD), "CloudWatch dashboard"),
        "ValidationFailuresQueueUrl": (
            Ref(names.VALIDATION_FAILURES_QUEUE),
            "Queue of validation events Lambda gave up on (datalake redrive validation)",
        ),
        "ValidationFailuresQueueArn": (
            GetAtt(names.VALIDATION_FAILURES_QUEUE, "Arn"),
            "ARN of the validation failures queue",
        ),
    }


def add_outputs(template: Template) -> None:
    """Add every output of OUTPUT_NAMES."""
    values = _values()
    for name in OUTPUT_NAMES:
        value, description = values[name]
        template.add_output(Output(name, Value=value, Description=description))
