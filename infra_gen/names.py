"""Logical ids and physical-name expressions shared by the layers (docs/contracts.md, "Names in
the stack"). Physical names derive from the stack name at deploy time, so one template serves any
stack name."""

from __future__ import annotations

from troposphere import AccountId, Join, Partition, Ref, Region, Split, StackName, Sub

# Logical ids, one place so layers reference each other without importing each other.
RAW_BUCKET = "RawBucket"
PROCESSED_BUCKET = "ProcessedBucket"
CURATED_BUCKET = "CuratedBucket"
ACCESS_LOGS_BUCKET = "AccessLogsBucket"
DATA_BUCKETS = (RAW_BUCKET, PROCESSED_BUCKET, CURATED_BUCKET)

INGESTION_FUNCTION = "IngestionFunction"
VALIDATION_FUNCTION = "ValidationFunction"
VALIDATION_PERMISSION = "ValidationInvokePermission"
VALIDATION_INVOKE_CONFIG = "ValidationEventInvokeConfig"
VALIDATION_FAILURES_QUEUE = "ValidationFailuresQueue"
VALIDATION_FAILURES_ALARM = "ValidationFailuresAlarm"
API = "RestApi"
API_STAGE = "ApiStage"
API_KEY = "ApiKey"

DATABASE = "GlueDatabase"
RAW_TABLE = "RawDataTable"
PROCESSED_TABLE = "ProcessedDataTable"
LAKE_CRAWLER = "LakeCrawler"
CURATED_CRAWLER = "CuratedCrawler"
RAW_TO_PROCESSED_JOB = "RawToProcessedJob"
PROCESSED_TO_CURATED_JOB = "ProcessedToCuratedJob"

STATE_MACHINE = "EtlStateMachine"
WORKGROUP = "AthenaWorkGroup"
ALERTS_TOPIC = "AlertsTopic"
DASHBOARD = "MonitoringDashboard"

INGESTION_ROLE = "IngestionFunctionRole"
VALIDATION_ROLE = "ValidationFunctionRole"
GLUE_JOB_ROLE = "GlueJobRole"
CRAWLER_ROLE = "GlueCrawlerRole"
STATE_MACHINE_ROLE = "StateMachineRole"
EVENTS_ROLE = "EventsInvokeRole"
API_CLOUDWATCH_ROLE = "ApiGatewayCloudWatchRole"
REPLICATION_ROLE = "ReplicationRole"

# KMS mode only (Condition UseKmsEncryption): the stack's key and what uses it.
LAKE_KEY = "LakeKey"
LAKE_KEY_ALIAS = "LakeKeyAlias"
GLUE_SECURITY_CONFIGURATION = "GlueSecurityConfiguration"

LOG_GROUPS = {
    "IngestionLogGroup": "/aws/lambda/${AWS::StackName}-ingestion",
    "ValidationLogGroup": "/aws/lambda/${AWS::StackName}-validation",
    "RawToProcessedLogGroup": "/aws-glue/jobs/${AWS::StackName}-raw-to-processed",
    "ProcessedToCuratedLogGroup": "/aws-glue/jobs/${AWS::StackName}-processed-to-curated",
    "ApiAccessLogGroup": "/aws/apigateway/${AWS::StackName}-api",
}
API_LOG_GROUP = "ApiAccessLogGroup"

# Physical names (Fn::Sub formats over the stack name).
BUCKET_NAMES = {
    RAW_BUCKET: "${AWS::StackName}-raw-${AWS::AccountId}-${AWS::Region}",
    PROCESSED_BUCKET: "${AWS::StackName}-processed-${AWS::AccountId}-${AWS::Region}",
    CURATED_BUCKET: "${AWS::StackName}-curated-${AWS::AccountId}-${AWS::Region}",
    ACCESS_LOGS_BUCKET: "${AWS::StackName}-access-logs-${AWS::AccountId}-${AWS::Region}",
}
INGESTION_FUNCTION_NAME = "${AWS::StackName}-ingestion"
VALIDATION_FUNCTION_NAME = "${AWS::StackName}-validation"
VALIDATION_FAILURES_QUEUE_NAME = "${AWS::StackName}-validation-failures"
RAW_TO_PROCESSED_JOB_NAME = "${AWS::StackName}-raw-to-processed"
PROCESSED_TO_CURATED_JOB_NAME = "${AWS::StackName}-processed-to-curated"
LAKE_CRAWLER_NAME = "${AWS::StackName}-lake-crawler"
CURATED_CRAWLER_NAME = "${AWS::StackName}-curated-crawler"
STATE_MACHINE_NAME = "${AWS::StackName}-etl-pipeline"
TOPIC_NAME = "${AWS::StackName}-alerts"
WORKGROUP_NAME = "${AWS::StackName}-workgroup"
DASHBOARD_NAME = "${AWS::StackName}-monitoring"
API_NAME = "${AWS::StackName}-api"
STAGE_NAME = "prod"
METRICS_NAMESPACE = "DataLake"
LAKE_KEY_ALIAS_NAME = "alias/${AWS::StackName}-lake"
GLUE_SECURITY_CONFIGURATION_NAME = "${AWS::StackName}-glue-security"

RAW_TABLE_NAME = "raw_data"
PROCESSED_TABLE_NAME = "processed_data"
CURATED_TABLE_NAMES = ("daily_summary", "hourly_metrics", "source_statistics")


def bucket_name(logical_id: str) -> Sub:
    """The physical name of one of the template's buckets, built without a Ref (so policies and
    notifications can name a bucket without depending on it)."""
    return Sub(BUCKET_NAMES[logical_id])


def bucket_arn(logical_id: str, suffix: str = "") -> Sub:
    """`arn:...:s3:::{bucket}{suffix}` built from the name, e.g. suffix "/*" for its objects."""
    return Sub("arn:${AWS::Partition}:s3:::" + BUCKET_NAMES[logical_id] + suffix)


def database_name() -> Join:
    """`{stack with - → _}_db`: a valid Glue/Athena identifier (datalake.config.database_name)."""
    return Join("", [Join("_", Split("-", StackName)), "_db"])


def s3_uri(bucket_logical_id: str, prefix: str = "") -> Sub:
    """`s3://{bucket}/{prefix}` for a bucket of this template."""
    return Sub("s3://" + BUCKET_NAMES[bucket_logical_id] + "/" + prefix)


def arn(service: str, resource: str) -> Sub:
    """`arn:{partition}:{service}:{region}:{account}:{resource}` (resource is a Sub format)."""
    return Sub("arn:${AWS::Partition}:" + service + ":${AWS::Region}:${AWS::AccountId}:" + resource)


__all__ = ["AccountId", "Partition", "Ref", "Region", "StackName"]
