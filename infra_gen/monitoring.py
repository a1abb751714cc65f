"""Monitoring layer: log groups with retention, the `{stack}-alerts` topic (policy, optional
e-mail subscription), the `{stack}-monitoring` dashboard, the alarms, and the EventBridge rule
that turns any Glue job failure into an alert."""

from __future__ import annotations

import json

from troposphere import GetAtt, Ref, Sub, Template
from troposphere.cloudwatch import Alarm, Dashboard, MetricDimension
from troposphere.events import InputTransformer, Rule, Target
from troposphere.logs import LogGroup
from troposphere.sns import SubscriptionResource, Topic, TopicPolicy

from infra_gen import names
from infra_gen.encryption import key_arn_if_kms
from infra_gen.parameters import HAS_ALERT_EMAIL

FIVE_MINUTES = 300
ONE_HOUR = 3600
# The abnormal final states of a "Glue Job State Change" event; AWS documents SUCCEEDED, FAILED,
# TIMEOUT and STOPPED (https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-glue.html,
# EventTypes.html#glue-event-types). ERROR is a GetJobRun status only, never an event state.
# STOPPED counts: a stopped run (a stopped or timed-out pipeline execution stops its .sync job)
# never reaches the state machine's own failure notice. Decision 124.
GLUE_FAILURE_STATES = ("FAILED", "TIMEOUT", "STOPPED")
QUEUE_DEPTH_METRIC = "ApproximateNumberOfMessagesVisible"


def add_monitoring(template: Template) -> None:
    """Add log groups, the topic and its policy, the dashboard, alarms and the Glue rule."""
    for logical_id, name in names.LOG_GROUPS.items():
        template.add_resource(
            LogGroup(
                logical_id,
                LogGroupName=Sub(name),
                RetentionInDays=Ref("LogRetentionDays"),
                # KMS mode: the stack's key, whose policy lets CloudWatch Logs use it.
                KmsKeyId=key_arn_if_kms(),
            )
        )
    template.add_resource(
        Topic(
            names.ALERTS_TOPIC,
            TopicName=Sub(names.TOPIC_NAME),
            DisplayName="Data lake alerts",
            # KMS mode: the stack's key, whose policy lets the alarms and the Glue rule publish.
            # SSE_S3 mode: unencrypted, because the AWS managed aws/sns key's policy cannot let
            # CloudWatch or EventBridge publish (decision 138).
            KmsMasterKeyId=key_arn_if_kms(),
        )
    )
    template.add_resource(_topic_policy())
    template.add_resource(
        SubscriptionResource(
            "AlertEmailSubscription",
            Condition=HAS_ALERT_EMAIL,
            Protocol="email",
            Endpoint=Ref("AlertEmail"),
            TopicArn=Ref(names.ALERTS_TOPIC),
        )
    )
    template.add_resource(
        Dashboard(
            names.DASHBOARD,
            DashboardName=Sub(names.DASHBOARD_NAME),
            DashboardBody=Sub(json.dumps(dashboard_body(), sort_keys=True)),
        )
    )
    for alarm in _alarms():
        template.add_resource(alarm)
    template.add_resource(_glue_failure_rule())


def _topic_policy() -> TopicPolicy:
    topic = Ref(names.ALERTS_TOPIC)
    publishers = [
        ("AllowCloudWatchAlarms", "cloudwatch.amazonaws.com"),
        ("AllowEventBridgeRules", "events.amazonaws.com"),
    ]
    statements: list[dict] = [
        {
            "Sid": sid,
            "Effect": "Allow",
            "Principal": {"Service": service},
            "Action": "sns:Publish",
            "Resource": topic,
            "Condition": {"StringEquals": {"aws:SourceAccount": Ref("AWS::AccountId")}},
        }
        for sid, service in publishers
    ]
    statements.append(
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "sns:Publish",
            "Resource": topic,
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    )
    return TopicPolicy(
        "AlertsTopicPolicy",
        Topics=[topic],
        PolicyDocument={"Version": "2012-10-17", "Statement": statements},
    )


def _widget(
    title: str, metrics: list, x: int, y: int, *, period: int = FIVE_MINUTES, stat: str = "Sum"
) -> dict:
    return {
        "type": "metric",
        "x": x,
        "y": y,
        "width": 12,
        "height": 6,
        "properties": {
            "title": title,
            "metrics": metrics,
            "period": period,
            "stat": stat,
            "region": "${AWS::Region}",
            "view": "timeSeries",
            "stacked": False,
        },
    }


def athena_search(metric: str) -> str:
    """A SEARCH over every series of one Athena metric in the lake's workgroup. Athena publishes
    each query metric with QueryState, QueryType and WorkGroup (and CapacityReservation for
    reserved capacity), so a WorkGroup-only metric line matches no series and stays empty
    (https://docs.aws.amazon.com/athena/latest/ug/query-metrics-viewing.html)."""
    schema = "{AWS/Athena,QueryState,QueryType,WorkGroup}"
    query = f'{schema} MetricName="{metric}" WorkGroup="{names.WORKGROUP_NAME}"'
    return f"SEARCH('{query}', 'Sum', {ONE_HOUR})"


def dashboard_body() -> dict:
    """The seed's widgets: Lambda, API Gateway, S3 storage, Glue job status, custom metrics
    (plus the pipeline and Athena). `${...}` are Fn::Sub variables."""
    fns = [names.INGESTION_FUNCTION_NAME, names.VALIDATION_FUNCTION_NAME]
    jobs = [names.RAW_TO_PROCESSED_JOB_NAME, names.PROCESSED_TO_CURATED_JOB_NAME]
    api = ["ApiName", names.API_NAME, "Stage", names.STAGE_NAME]
    lam = [["AWS/Lambda", m, "FunctionName", f] for f in fns for m in ("Invocations", "Errors")]
    duration = [["AWS/Lambda", "Duration", "FunctionName", f] for f in fns]
    s3 = [
        [
            "AWS/S3",
            "BucketSizeBytes",
            "BucketName",
            names.BUCKET_NAMES[b],
            "StorageType",
            "StandardStorage",
        ]
        for b in names.DATA_BUCKETS
    ]
    objects = [
        [
            "AWS/S3",
            "NumberOfObjects",
            "BucketName",
            names.BUCKET_NAMES[b],
            "StorageType",
            "AllStorageTypes",
        ]
        for b in names.DATA_BUCKETS
    ]
    glue = [
        ["Glue", m, "JobName", j, "JobRunId", "ALL", "Type", "count"]
        for j in jobs
        for m in ("glue.driver.aggregate.numCompletedTasks", "glue.driver.aggregate.numFailedTasks")
    ]
    custom = [
        [names.METRICS_NAMESPACE, m, "StackName", "${AWS::StackName}"]
        for m in ("EventsIngested", "ValidEvents", "InvalidEvents")
    ]
    sm_arn = (
        "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:"
        + names.STATE_MACHINE_NAME
    )
    pipeline = [
        ["AWS/States", m, "StateMachineArn", sm_arn]
        for m in ("ExecutionsSucceeded", "ExecutionsFailed")
    ]
    athena = [
        [{"expression": athena_search(m), "id": f"athena{i}", "label": m}]
        for i, m in enumerate(("ProcessedBytes", "TotalExecutionTime"))
    ]
    widgets = [
        _widget("Lambda invocations and errors", lam, 0, 0),
        _widget("Lambda duration (ms)", duration, 12, 0, stat="Average"),
        _widget(
            "API requests and errors",
            [["AWS/ApiGateway", m, *api] for m in ("Count", "4XXError", "5XXError")],
            0,
            6,
        ),
        _widget(
            "API latency (ms)",
            [["AWS/ApiGateway", "Latency", *api], ["AWS/ApiGateway", "IntegrationLatency", *api]],
            12,
            6,
            stat="Average",
        ),
        _widget("S3 bucket size (bytes)", s3, 0, 12, period=86400, stat="Average"),
        _widget("S3 number of objects", objects, 12, 12, period=86400, stat="Average"),
        _widget("Glue job tasks completed / failed", glue, 0, 18, period=ONE_HOUR),
        _widget("ETL pipeline executions", pipeline, 12, 18, period=ONE_HOUR),
        _widget("Events ingested / valid / invalid", custom, 0, 24),
        _widget("Athena bytes scanned and time", athena, 12, 24, period=ONE_HOUR),
        _widget(
            "Validation events waiting to be redriven",
            [["AWS/SQS", QUEUE_DEPTH_METRIC, "QueueName", names.VALIDATION_FAILURES_QUEUE_NAME]],
            0,
            30,
            stat="Maximum",
        ),
    ]
    return {"widgets": widgets}


def _alarm(logical_id: str, name: str, description: str, **props) -> Alarm:
    return Alarm(
        logical_id,
        AlarmName=Sub("${AWS::StackName}-" + name),
        AlarmDescription=description,
        ActionsEnabled=True,
        AlarmActions=[Ref(names.ALERTS_TOPIC)],
        OKActions=[Ref(names.ALERTS_TOPIC)],
        **props,
    )


def _alarms() -> list[Alarm]:
    alarms = [
        _alarm(
            logical_id,
            f"{short}-errors",
            f"More than LambdaErrorsThreshold errors of the {short} function in 5 minutes",
            Namespace="AWS/Lambda",
            MetricName="Errors",
            Dimensions=[MetricDimension(Name="FunctionName", Value=Sub(fn))],
            Statistic="Sum",
            Period=FIVE_MINUTES,
            EvaluationPeriods=1,
            Threshold=Ref("LambdaErrorsThreshold"),
            ComparisonOperator="GreaterThanThreshold",
            TreatMissingData="notBreaching",
        )
        for logical_id, short, fn in (
            ("IngestionErrorsAlarm", "ingestion", names.INGESTION_FUNCTION_NAME),
            ("ValidationErrorsAlarm", "validation", names.VALIDATION_FUNCTION_NAME),
        )
    ]
    alarms.append(
        _alarm(
            "Api5xxAlarm",
            "api-5xx",
            "More than Api5xxThreshold 5xx responses in 5 minutes",
            Namespace="AWS/ApiGateway",
            MetricName="5XXError",
            Dimensions=[
                MetricDimension(Name="ApiName", Value=Sub(names.API_NAME)),
                MetricDimension(Name="Stage", Value=names.STAGE_NAME),
            ],
            Statistic="Sum",
            Period=FIVE_MINUTES,
            EvaluationPeriods=1,
            Threshold=Ref("Api5xxThreshold"),
            ComparisonOperator="GreaterThanThreshold",
            TreatMissingData="notBreaching",
        )
    )
    # No datapoint at all means nothing was ingested: missing data breaches.
    alarms.append(
        _alarm(
            "DataFreshnessAlarm",
            "data-freshness",
            "No event ingested for FreshnessHours hours (EventsIngested Sum < 1 every hour)",
            Namespace=names.METRICS_NAMESPACE,
            MetricName="EventsIngested",
            Dimensions=[MetricDimension(Name="StackName", Value=Ref("AWS::StackName"))],
            Statistic="Sum",
            Period=ONE_HOUR,
            EvaluationPeriods=Ref("FreshnessHours"),
            DatapointsToAlarm=Ref("FreshnessHours"),
            Threshold=1,
            ComparisonOperator="LessThanThreshold",
            TreatMissingData="breaching",
        )
    )
    alarms.append(
        _alarm(
            "PipelineFailedAlarm",
            "pipeline-failed",
            "An ETL pipeline execution failed",
            Namespace="AWS/States",
            MetricName="ExecutionsFailed",
            Dimensions=[MetricDimension(Name="StateMachineArn", Value=Ref(names.STATE_MACHINE))],
            Statistic="Sum",
            Period=FIVE_MINUTES,
            EvaluationPeriods=1,
            Threshold=1,
            ComparisonOperator="GreaterThanOrEqualToThreshold",
            TreatMissingData="notBreaching",
        )
    )
    # Any record in the failures queue is an S3 event the lake did not validate (decision 140).
    alarms.append(
        _alarm(
            names.VALIDATION_FAILURES_ALARM,
            "validation-failures",
            "Validation events failed every attempt and wait in the failures queue: "
            "see docs/runbooks.md, 'Failed validation events', then datalake redrive validation",
            Namespace="AWS/SQS",
            MetricName=QUEUE_DEPTH_METRIC,
            Dimensions=[
                MetricDimension(
                    Name="QueueName", Value=GetAtt(names.VALIDATION_FAILURES_QUEUE, "QueueName")
                )
            ],
            Statistic="Maximum",
            Period=FIVE_MINUTES,
            EvaluationPeriods=1,
            Threshold=0,
            ComparisonOperator="GreaterThanThreshold",
            TreatMissingData="notBreaching",
        )
    )
    return alarms


def _glue_failure_rule() -> Rule:
    # Glue publishes no per-run failure metric without job metrics; its state-change events
    # report every failed, timed-out or stopped run of either job.
    return Rule(
        "GlueJobFailureRule",
        Name=Sub("${AWS::StackName}-glue-job-failure"),
        Description="Any failed run of the lake's Glue jobs -> alerts topic",
        State="ENABLED",
        EventPattern={
            "source": ["aws.glue"],
            "detail-type": ["Glue Job State Change"],
            "detail": {
                "jobName": [Ref(names.RAW_TO_PROCESSED_JOB), Ref(names.PROCESSED_TO_CURATED_JOB)],
                "state": list(GLUE_FAILURE_STATES),
            },
        },
        Targets=[
            Target(
                Id="alerts-topic",
                Arn=Ref(names.ALERTS_TOPIC),
                InputTransformer=InputTransformer(
                    InputPathsMap={
                        "job": "$.detail.jobName",
                        "run": "$.detail.jobRunId",
                        "state": "$.detail.state",
                        "message": "$.detail.message",
                    },
                    InputTemplate='"Glue job <job> run <run> ended <state>: <message>"',
                ),
            )
        ],
    )
