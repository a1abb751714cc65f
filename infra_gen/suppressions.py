"""checkov findings the template accepts on purpose, each with the reason checkov prints
(`make lint` runs checkov on the generated template; decision 139). A suppression is CloudFormation
resource Metadata, `{"checkov": {"skip": [{"id": ..., "comment": ...}]}}`, so the reason travels
with the template. Every other check must pass."""

from __future__ import annotations

from troposphere import Template

from infra_gen import names

_TRACING_IS_A_PARAMETER = (
    "TracingEnabled follows the Tracing parameter (Fn::If on TracingOn); checkov does not "
    "evaluate Fn::If in properties, so it fails either value. Decision 136"
)
_NO_VPC = (
    "VPC is optional in this architecture: the function reaches only S3, SNS and CloudWatch "
    "through their public endpoints over TLS, and holds no VPC-only resource. Decision 139"
)

# logical id -> [(check id, reason)].
CHECKOV_SKIPS: dict[str, list[tuple[str, str]]] = {
    names.ACCESS_LOGS_BUCKET: [
        (
            "CKV_AWS_18",
            "This is the server access log destination of the data buckets; logging it would "
            "need another bucket whose own logs are unlogged (S3 warns against logging a bucket "
            "into itself). Decision 139",
        ),
    ],
    names.API_STAGE: [
        ("CKV_AWS_73", _TRACING_IS_A_PARAMETER),
        (
            "CKV_AWS_120",
            "No cache: POST /ingest is a write that must reach the function every time, and "
            "GET /health is a MOCK answered by API Gateway itself; a cache cluster is billed "
            "per hour for nothing. Decision 139",
        ),
    ],
    "HealthGetMethod": [
        (
            "CKV_AWS_59",
            "GET /health is a MOCK integration with no back end (it checks the API and stage "
            "only); it is open on purpose, like a load balancer health check. Decision 139",
        ),
    ],
    names.INGESTION_FUNCTION: [
        ("CKV_AWS_117", _NO_VPC),
        (
            "CKV_AWS_116",
            "Invoked synchronously by API Gateway only: a dead-letter queue applies to "
            "asynchronous invocations, and a failed request is answered to the client, which "
            "retries it. Decision 140",
        ),
    ],
    names.VALIDATION_FUNCTION: [
        ("CKV_AWS_117", _NO_VPC),
        (
            "CKV_AWS_116",
            "Failed asynchronous events go to an on-failure destination (the "
            "ValidationFailuresQueue, AWS::Lambda::EventInvokeConfig), which AWS recommends over "
            "a dead-letter queue because it keeps the request and the response; checkov looks "
            "only for DeadLetterConfig. Decision 140",
        ),
    ],
}


def checkov_metadata(skips: list[tuple[str, str]]) -> dict:
    """The Metadata entry that makes checkov skip `skips`, printing each reason."""
    return {"checkov": {"skip": [{"id": check, "comment": reason} for check, reason in skips]}}


def add_suppressions(template: Template) -> None:
    """Attach CHECKOV_SKIPS to their resources (after every layer added its resources)."""
    for logical_id, skips in CHECKOV_SKIPS.items():
        resource = template.resources[logical_id]
        metadata = dict(getattr(resource, "Metadata", None) or {})
        metadata.update(checkov_metadata(skips))
        resource.Metadata = metadata
