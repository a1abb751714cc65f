"""Failed-event layer: where the validation Lambda's asynchronous events go once Lambda gives up
on them — an on-failure destination (an SQS queue kept 14 days) set by an EventInvokeConfig
with explicit retries and maximum age. Its alarm and dashboard widget live with monitoring, the
role's SendMessage grant with security. Decision 140."""

from __future__ import annotations

from troposphere import GetAtt, If, NoValue, Ref, Sub, Template
from troposphere.awslambda import DestinationConfig, EventInvokeConfig, OnFailure
from troposphere.sqs import Queue, QueuePolicy

from infra_gen import names
from infra_gen.parameters import USE_KMS

# Lambda's own defaults for asynchronous invocation, written out so a reader sees them.
MAXIMUM_RETRY_ATTEMPTS = 2
MAXIMUM_EVENT_AGE_S = 6 * 3600
# SQS's longest retention: a failure found after a long weekend is still there to redrive.
RETENTION_S = 14 * 24 * 3600
DENY_INSECURE_SID = "DenyInsecureTransport"


def add_failed_events(template: Template) -> None:
    """Add the failures queue, its policy and the validation function's EventInvokeConfig."""
    template.add_resource(_queue())
    template.add_resource(_queue_policy())
    template.add_resource(
        EventInvokeConfig(
            names.VALIDATION_INVOKE_CONFIG,
            FunctionName=Ref(names.VALIDATION_FUNCTION),
            Qualifier="$LATEST",
            MaximumRetryAttempts=MAXIMUM_RETRY_ATTEMPTS,
            MaximumEventAgeInSeconds=MAXIMUM_EVENT_AGE_S,
            DestinationConfig=DestinationConfig(
                OnFailure=OnFailure(Destination=GetAtt(names.VALIDATION_FAILURES_QUEUE, "Arn"))
            ),
        )
    )


def _queue() -> Queue:
    # KMS mode uses the account's AWS-managed aws/sqs key, as the buckets use aws/s3: its key
    # policy lets every principal of the account that may use the queue encrypt through SQS.
    return Queue(
        names.VALIDATION_FAILURES_QUEUE,
        QueueName=Sub(names.VALIDATION_FAILURES_QUEUE_NAME),
        MessageRetentionPeriod=RETENTION_S,
        SqsManagedSseEnabled=If(USE_KMS, NoValue, True),
        KmsMasterKeyId=If(USE_KMS, "alias/aws/sqs", NoValue),
    )


def _queue_policy() -> QueuePolicy:
    queue_arn = GetAtt(names.VALIDATION_FAILURES_QUEUE, "Arn")
    return QueuePolicy(
        names.VALIDATION_FAILURES_QUEUE + "Policy",
        Queues=[Ref(names.VALIDATION_FAILURES_QUEUE)],
        PolicyDocument={
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": DENY_INSECURE_SID,
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "sqs:*",
                    "Resource": queue_arn,
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            ],
        },
    )
