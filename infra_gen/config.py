"""The typed configuration of the generated template: the defaults of its CloudFormation
parameters (what users change at deploy time) and the description. Frozen, so one config always
yields the same template."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from typing import Any

_logger = logging.getLogger(__name__)

AUTH_MODES = ("API_KEY", "IAM")
TRACING_MODES = ("Disabled", "Enabled")
# EventBridge rule states (AWS::Events::Rule State).
SCHEDULE_STATES = ("ENABLED", "DISABLED")
ENCRYPTION_MODES = ("SSE_S3", "KMS")
# AWS Glue 5.x: Spark 3.5, Python 3.11, Java 17 -- what the local Glue runtime runs (decision
# 132). 4.0 (Spark 3.3, Python 3.10, Java 8) is not offered: nothing tests the scripts on it.
GLUE_VERSIONS = ("5.1", "5.0")
# Worker types of Glue Spark (glueetl) jobs on 5.x; G.025X is for low-volume streaming jobs only
# (decisions 122, 132).
GLUE_WORKER_TYPES = ("G.1X", "G.2X", "G.4X", "G.8X")
# The values CloudWatch Logs accepts for RetentionInDays.
LOG_RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)
# Athena's lower bound for a workgroup's per-query bytes-scanned cutoff (10 MB).
MIN_BYTES_SCANNED_CUTOFF = 10_485_760
# S3 refuses transitions to STANDARD_IA earlier than 30 days after creation.
MIN_IA_TRANSITION_DAYS = 30

# Parameters holding the deployed code's S3 keys: set by `datalake.deploy.package`, no default.
CODE_KEY_PARAMETERS = (
    "IngestionCodeKey",
    "ValidationCodeKey",
    "PackageWheelKey",
    "RawToProcessedScriptKey",
    "ProcessedToCuratedScriptKey",
)
ARTIFACTS_BUCKET_PARAMETER = "ArtifactsBucketName"
# The Glue jobs' Python dependencies (jsonschema and what it needs), as wheels for Glue 5.x
# (CPython 3.11, manylinux x86_64) under this prefix of the artifacts bucket. The package step
# uploads exactly these; the jobs pip-install them with --no-index, so a job never needs PyPI
# (decision 131). Versions follow pyproject's pins (tests/unit/deploy checks them).
GLUE_DEPENDENCY_PREFIX = "packages/glue-deps/"
GLUE_DEPENDENCY_WHEELS = (
    "attrs-26.1.0-py3-none-any.whl",
    "jsonschema-4.26.0-py3-none-any.whl",
    "jsonschema_specifications-2025.9.1-py3-none-any.whl",
    "referencing-0.37.0-py3-none-any.whl",
    "rpds_py-2026.9.1-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "typing_extensions-4.16.0-py3-none-any.whl",
)


@dataclass(frozen=True)
class ParameterSpec:
    """How one config field becomes a CloudFormation parameter."""

    name: str
    description: str
    kind: str = "String"  # "String" or "Number"
    allowed: tuple[Any, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    pattern: str | None = None


def _param(name: str, description: str, **kwargs: Any) -> Any:
    return field(metadata={"parameter": ParameterSpec(name, description, **kwargs)})


@dataclass(frozen=True)
class TemplateConfig:
    """Defaults of every user-facing template parameter. Field order is parameter order."""

    api_auth_mode: str = field(
        default="API_KEY",
        metadata={
            "parameter": ParameterSpec(
                "ApiAuthMode",
                "How POST /ingest authenticates: API_KEY (x-api-key header, usage "
                "plan) or IAM (SigV4-signed requests)",
                allowed=AUTH_MODES,
            )
        },
    )
    encryption: str = field(
        default="SSE_S3",
        metadata={
            "parameter": ParameterSpec(
                "EncryptionMode",
                "Server-side encryption: SSE_S3 (data buckets AES256) or KMS (data "
                "buckets with the account's aws/s3 key; the stack's own key for the "
                "alerts topic, log groups and Glue's security configuration)",
                allowed=ENCRYPTION_MODES,
            )
        },
    )
    glue_version: str = field(
        default="5.1",
        metadata={
            "parameter": ParameterSpec(
                "GlueVersion", "AWS Glue version of both ETL jobs", allowed=GLUE_VERSIONS
            )
        },
    )
    glue_worker_type: str = field(
        default="G.1X",
        metadata={
            "parameter": ParameterSpec(
                "GlueWorkerType", "Worker type of both ETL jobs", allowed=GLUE_WORKER_TYPES
            )
        },
    )
    glue_number_of_workers: int = field(
        default=2,
        metadata={
            "parameter": ParameterSpec(
                "GlueNumberOfWorkers",
                "Number of workers of each ETL job",
                kind="Number",
                minimum=2,
                maximum=100,
            )
        },
    )
    log_retention_days: int = field(
        default=30,
        metadata={
            "parameter": ParameterSpec(
                "LogRetentionDays",
                "Retention of every log group, in days",
                kind="Number",
                allowed=LOG_RETENTION_DAYS,
            )
        },
    )
    lambda_errors_threshold: int = field(
        default=5,
        metadata={
            "parameter": ParameterSpec(
                "LambdaErrorsThreshold",
                "Alarm when a function has more errors than this in 5 minutes",
                kind="Number",
                minimum=0,
            )
        },
    )
    api_5xx_threshold: int = field(
        default=10,
        metadata={
            "parameter": ParameterSpec(
                "Api5xxThreshold",
                "Alarm when the API returns more 5xx responses than this in 5 minutes",
                kind="Number",
                minimum=0,
            )
        },
    )
    freshness_hours: int = field(
        default=2,
        metadata={
            "parameter": ParameterSpec(
                "FreshnessHours",
                "Alarm when no event was ingested for this many hours",
                kind="Number",
                minimum=1,
                maximum=24,
            )
        },
    )
    alert_email: str = field(
        default="",
        metadata={
            "parameter": ParameterSpec(
                "AlertEmail",
                "E-mail address subscribed to the alerts topic (empty: none)",
                pattern=r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$",
            )
        },
    )
    raw_ia_transition_days: int = field(
        default=90,
        metadata={
            "parameter": ParameterSpec(
                "RawInfrequentAccessDays",
                "Days after which raw objects move to STANDARD_IA",
                kind="Number",
                minimum=MIN_IA_TRANSITION_DAYS,
            )
        },
    )
    athena_bytes_scanned_cutoff: int = field(
        default=10 * 1024**3,
        metadata={
            "parameter": ParameterSpec(
                "AthenaBytesScannedCutoff",
                "Per-query data-scanned limit of the workgroup, bytes",
                kind="Number",
                minimum=MIN_BYTES_SCANNED_CUTOFF,
            )
        },
    )
    api_throttle_rate: int = field(
        default=100,
        metadata={
            "parameter": ParameterSpec(
                "ApiThrottleRateLimit",
                "Steady-state requests per second (stage and usage plan)",
                kind="Number",
                minimum=1,
            )
        },
    )
    api_throttle_burst: int = field(
        default=200,
        metadata={
            "parameter": ParameterSpec(
                "ApiThrottleBurstLimit",
                "Burst of requests (stage and usage plan)",
                kind="Number",
                minimum=1,
            )
        },
    )
    api_quota_per_day: int = field(
        default=1_000_000,
        metadata={
            "parameter": ParameterSpec(
                "ApiQuotaPerDay",
                "Requests per day allowed to the API key",
                kind="Number",
                minimum=1,
            )
        },
    )
    replication_enabled: str = field(
        default="false",
        metadata={
            "parameter": ParameterSpec(
                "ReplicationEnabled",
                "Replicate the processed and curated buckets to "
                "ReplicaRegion (the replica buckets must exist, versioned)",
                allowed=("false", "true"),
            )
        },
    )
    replica_region: str = field(
        default="us-west-2",
        metadata={
            "parameter": ParameterSpec(
                "ReplicaRegion",
                "Region of the replica buckets "
                "{stack}-{processed|curated}-replica-{AccountId}-{ReplicaRegion}",
                pattern=r"^[a-z]{2}(-[a-z]+)+-\d$",
            )
        },
    )
    schedule_state: str = field(
        default="ENABLED",
        metadata={
            "parameter": ParameterSpec(
                "ScheduleState",
                "State of the hourly and daily pipeline schedules: ENABLED, or DISABLED for a "
                "stack whose runs are started by hand (the notebooks' walkthrough, tests)",
                allowed=SCHEDULE_STATES,
            )
        },
    )
    tracing: str = field(
        default="Disabled",
        metadata={
            "parameter": ParameterSpec(
                "Tracing",
                "AWS X-Ray tracing of the API stage, both functions and the state machine: "
                "Enabled or Disabled (X-Ray charges per trace recorded; decision 136)",
                allowed=TRACING_MODES,
            )
        },
    )
    ingestion_reserved_concurrency: int = field(
        default=0,
        metadata={
            "parameter": ParameterSpec(
                "IngestionReservedConcurrency",
                "Reserved concurrency of the ingestion function (0: none, the function "
                "shares the account's unreserved pool; decision 137)",
                kind="Number",
                minimum=0,
            )
        },
    )
    validation_reserved_concurrency: int = field(
        default=0,
        metadata={
            "parameter": ParameterSpec(
                "ValidationReservedConcurrency",
                "Reserved concurrency of the validation function (0: none, the function "
                "shares the account's unreserved pool; decision 137)",
                kind="Number",
                minimum=0,
            )
        },
    )
    description: str = (
        "Serverless data lake: API Gateway + Lambda ingestion, S3 raw/processed/curated zones, "
        "Glue catalog and ETL, Step Functions, Athena, CloudWatch monitoring"
    )

    def __post_init__(self) -> None:
        for f, spec in parameter_fields():
            validate_value(spec, getattr(self, f.name))

    def with_params(self, params: dict[str, str]) -> TemplateConfig:
        """A copy whose defaults are overridden by `params` (CloudFormation parameter names,
        string values as given on a command line)."""
        by_name = {spec.name: (f, spec) for f, spec in parameter_fields()}
        changes: dict[str, Any] = {}
        for name, raw in params.items():
            if name not in by_name:
                raise ValueError(
                    f"unknown template parameter {name!r}; known: {', '.join(sorted(by_name))}"
                )
            f, spec = by_name[name]
            changes[f.name] = coerce_value(spec, raw)
        return dataclasses.replace(self, **changes)

    def parameter_defaults(self) -> dict[str, Any]:
        """CloudFormation parameter name → default value."""
        return {spec.name: getattr(self, f.name) for f, spec in parameter_fields()}


def parameter_fields() -> list[tuple[dataclasses.Field, ParameterSpec]]:
    """The config fields that are template parameters, with their specs, in order."""
    return [
        (f, f.metadata["parameter"])
        for f in dataclasses.fields(TemplateConfig)
        if "parameter" in f.metadata
    ]


def coerce_value(spec: ParameterSpec, raw: Any) -> Any:
    """`raw` (often a string) converted to the parameter's Python type, or ValueError."""
    if spec.kind == "Number":
        try:
            return int(raw)
        except (TypeError, ValueError):
            raise ValueError(f"parameter {spec.name}: expected an integer, got {raw!r}") from None
    return str(raw)


def validate_value(spec: ParameterSpec, value: Any) -> None:
    """Raise ValueError naming the parameter and the rule when `value` breaks a constraint."""
    import re

    if spec.allowed and value not in spec.allowed:
        raise ValueError(
            f"parameter {spec.name}: {value!r} is not one of {', '.join(map(str, spec.allowed))}"
        )
    if spec.minimum is not None and value < spec.minimum:
        raise ValueError(f"parameter {spec.name}: {value} is below the minimum {spec.minimum}")
    if spec.maximum is not None and value > spec.maximum:
        raise ValueError(f"parameter {spec.name}: {value} is above the maximum {spec.maximum}")
    if spec.pattern is not None and not re.match(spec.pattern, str(value)):
        raise ValueError(f"parameter {spec.name}: {value!r} does not match {spec.pattern}")
