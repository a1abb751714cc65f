"""Template parameters (from the config's defaults, plus the artifact locations the deploy step
fills in) and the conditions derived from them."""

from __future__ import annotations

from troposphere import Equals, Not, Parameter, Ref, Template

from infra_gen.config import (
    ARTIFACTS_BUCKET_PARAMETER,
    CODE_KEY_PARAMETERS,
    TemplateConfig,
    parameter_fields,
)

# Condition names.
USE_API_KEY = "UseApiKeyAuth"
USE_IAM = "UseIamAuth"
USE_KMS = "UseKmsEncryption"
HAS_ALERT_EMAIL = "HasAlertEmail"
REPLICATE = "ReplicationOn"
TRACING_ON = "TracingOn"
# Reserved concurrency parameter -> the condition "a reservation is set" (0 means none).
RESERVED_CONCURRENCY = {
    "IngestionReservedConcurrency": "HasIngestionReservedConcurrency",
    "ValidationReservedConcurrency": "HasValidationReservedConcurrency",
}

_CODE_KEY_DESCRIPTIONS = {
    "IngestionCodeKey": "S3 key (in ArtifactsBucketName) of the ingestion Lambda zip",
    "ValidationCodeKey": "S3 key of the validation Lambda zip",
    "PackageWheelKey": "S3 key of the datalake wheel used by the Glue jobs",
    "RawToProcessedScriptKey": "S3 key of the raw_to_processed Glue script",
    "ProcessedToCuratedScriptKey": "S3 key of the processed_to_curated Glue script",
}


def add_parameters(template: Template, config: TemplateConfig) -> None:
    """Declare every parameter, then the conditions."""
    template.add_parameter(
        Parameter(
            ARTIFACTS_BUCKET_PARAMETER,
            Type="String",
            Description="Bucket of the Lambda zips, Glue scripts and wheel (made by bootstrap)",
            AllowedPattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
        )
    )
    for name in CODE_KEY_PARAMETERS:
        template.add_parameter(
            Parameter(
                name,
                Type="String",
                Description=_CODE_KEY_DESCRIPTIONS[name],
                MinLength=1,
            )
        )
    for f, spec in parameter_fields():
        props: dict = {
            "Type": spec.kind,
            "Description": spec.description,
            "Default": str(getattr(config, f.name)),
        }
        if spec.allowed:
            props["AllowedValues"] = [str(v) for v in spec.allowed]
        if spec.minimum is not None:
            props["MinValue"] = spec.minimum
        if spec.maximum is not None:
            props["MaxValue"] = spec.maximum
        if spec.pattern is not None:
            props["AllowedPattern"] = spec.pattern
        template.add_parameter(Parameter(spec.name, **props))
    _add_conditions(template)


def _add_conditions(template: Template) -> None:
    template.add_condition(USE_API_KEY, Equals(Ref("ApiAuthMode"), "API_KEY"))
    template.add_condition(USE_IAM, Equals(Ref("ApiAuthMode"), "IAM"))
    template.add_condition(USE_KMS, Equals(Ref("EncryptionMode"), "KMS"))
    template.add_condition(HAS_ALERT_EMAIL, Not(Equals(Ref("AlertEmail"), "")))
    template.add_condition(REPLICATE, Equals(Ref("ReplicationEnabled"), "true"))
    template.add_condition(TRACING_ON, Equals(Ref("Tracing"), "Enabled"))
    for parameter, condition in RESERVED_CONCURRENCY.items():
        template.add_condition(condition, Not(Equals(Ref(parameter), "0")))
