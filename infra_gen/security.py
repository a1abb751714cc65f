"""Security layer: one IAM role per component, each with an inline least-privilege policy scoped
to the named buckets, prefixes, log groups, jobs, crawlers and topic of this stack.

No statement allows "Action": "*". "Resource": "*" appears only for actions that support no
resource ARNs in AWS: cloudwatch:PutMetricData (narrowed by the cloudwatch:namespace condition
instead), logs:DescribeLogGroups (a list call of the account's API Gateway logging role) and the
X-Ray actions that send traces (only when the Tracing parameter is Enabled).

In KMS mode (EncryptionMode=KMS) each role that reads or writes what the stack's key protects
gets exactly the key actions it needs on that one key; in SSE_S3 mode those statements vanish."""

from __future__ import annotations

from troposphere import GetAtt, If, NoValue, Ref, Sub, Template
from troposphere.iam import Policy, Role

from infra_gen import names
from infra_gen.encryption import key_arn
from infra_gen.parameters import TRACING_ON, USE_KMS


def statement(actions: list[str], resources: list, condition: dict | None = None) -> dict:
    """One Allow statement."""
    stmt: dict = {"Effect": "Allow", "Action": sorted(actions), "Resource": resources}
    if condition:
        stmt["Condition"] = condition
    return stmt


# Services whose AssumeRole AWS documents to carry aws:SourceAccount, with the page that says
# so (decision 120). A trust condition on a key the service does not send denies the service:
# API Gateway's account setting and Glue's CreateCrawler check the role at deploy time, and
# EventBridge would fail silently at run time. So only these services get the condition.
SOURCE_ACCOUNT_DOCUMENTED = {
    # "Prevent cross-service confused deputy issue", trust policy with aws:SourceAccount:
    "states.amazonaws.com": "https://docs.aws.amazon.com/step-functions/latest/dg/"
    "procedure-create-iam-role.html",
}


def trust_policy(service: str) -> dict:
    """The trust policy of a role assumable by one service; conditioned on this account only
    where AWS documents that the service sends aws:SourceAccount (SOURCE_ACCOUNT_DOCUMENTED)."""
    trust: dict = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    if service in SOURCE_ACCOUNT_DOCUMENTED:
        trust["Condition"] = {"StringEquals": {"aws:SourceAccount": Ref("AWS::AccountId")}}
    return {"Version": "2012-10-17", "Statement": [trust]}


def role(logical_id: str, service: str, statements: list[dict], **props) -> Role:
    """A role assumable by one AWS service, with one inline policy."""
    return Role(
        logical_id,
        AssumeRolePolicyDocument=trust_policy(service),
        Policies=[
            Policy(
                PolicyName=logical_id + "Policy",
                PolicyDocument={"Version": "2012-10-17", "Statement": statements},
            )
        ],
        **props,
    )


def put_metric_data(namespace: str) -> dict:
    """cloudwatch:PutMetricData for one namespace. Resource "*" because AWS requires it: the
    action supports no resource ARNs, only the cloudwatch:namespace condition key."""
    return statement(
        ["cloudwatch:PutMetricData"],
        ["*"],
        condition={"StringEquals": {"cloudwatch:namespace": namespace}},
    )


def write_logs(log_group_format: str) -> dict:
    """CreateLogStream + PutLogEvents in one log group (a Sub format of its name)."""
    return statement(
        ["logs:CreateLogStream", "logs:PutLogEvents"],
        [names.arn("logs", "log-group:" + log_group_format + ":*")],
    )


def use_lake_key(actions: list[str]) -> If:
    """`actions` on the stack's key in KMS mode; no statement in SSE_S3 mode."""
    return If(USE_KMS, statement(actions, [key_arn()]), NoValue)


# Sending traces: what Lambda's active tracing needs from the execution role, and what Step
# Functions adds for sampling (Lambda and Step Functions developer guides, X-Ray sections).
# The X-Ray actions support no resource ARNs, hence "*".
LAMBDA_XRAY_ACTIONS = ["xray:PutTelemetryRecords", "xray:PutTraceSegments"]
STATES_XRAY_ACTIONS = [*LAMBDA_XRAY_ACTIONS, "xray:GetSamplingRules", "xray:GetSamplingTargets"]


def send_traces(actions: list[str]) -> If:
    """The X-Ray statement when the Tracing parameter is Enabled; else no statement."""
    return If(TRACING_ON, statement(actions, ["*"]), NoValue)


def _objects(bucket: str, prefix: str = "") -> Sub:
    return names.bucket_arn(bucket, "/" + prefix + "*")


def _glue_catalog(tables: str = "*") -> list:
    db = {"Db": names.database_name()}
    return [
        names.arn("glue", "catalog"),
        Sub("arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:database/${Db}", db),
        Sub(
            "arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:table/${Db}/" + tables, db
        ),
    ]


def _folder_marker(bucket: str, prefix: str) -> Sub:
    """The `<prefix>_$folder$` object Glue's S3 layer (EMRFS/Hadoop) can write beside a
    prefix it creates: a sibling key, outside `<prefix>/*`."""
    return names.bucket_arn(bucket, "/" + prefix.rstrip("/") + "_$folder$")


# What the jobs read from the artifacts bucket (datalake.deploy.package's key layout): the
# scripts under glue/ and the wheel under packages/; the Lambda zips under lambda/ are not theirs.
ARTIFACT_PREFIXES_READ_BY_JOBS = ("glue/", "packages/")


def _artifacts_objects(prefix: str) -> Sub:
    return Sub("arn:${AWS::Partition}:s3:::${ArtifactsBucketName}/" + prefix + "*")


PROCESSED_PREFIXES_WRITTEN_BY_JOBS = ("processed_data/", "quarantine/", "glue-temp/")

_CATALOG_READ = [
    "glue:GetDatabase",
    "glue:GetTable",
    "glue:GetTables",
    "glue:GetPartition",
    "glue:GetPartitions",
    "glue:BatchGetPartition",
]
_CATALOG_WRITE = [
    "glue:CreateTable",
    "glue:UpdateTable",
    "glue:CreatePartition",
    "glue:BatchCreatePartition",
    "glue:UpdatePartition",
    "glue:BatchUpdatePartition",
]


def add_security(template: Template) -> None:
    """Add every component role (the replication role lives with the DR layer)."""
    for resource in (
        _ingestion_role(),
        _validation_role(),
        _glue_job_role(),
        _crawler_role(),
        _state_machine_role(),
        _events_role(),
        _api_cloudwatch_role(),
    ):
        template.add_resource(resource)


def _ingestion_role() -> Role:
    return role(
        names.INGESTION_ROLE,
        "lambda.amazonaws.com",
        [
            write_logs(names.LOG_GROUPS["IngestionLogGroup"]),
            statement(["s3:PutObject"], [_objects(names.RAW_BUCKET)]),
            put_metric_data(names.METRICS_NAMESPACE),
            # The function's environment is encrypted with the key in KMS mode.
            use_lake_key(["kms:Decrypt"]),
            send_traces(LAMBDA_XRAY_ACTIONS),
        ],
    )


def _validation_role() -> Role:
    return role(
        names.VALIDATION_ROLE,
        "lambda.amazonaws.com",
        [
            write_logs(names.LOG_GROUPS["ValidationLogGroup"]),
            statement(["s3:GetObject", "s3:GetObjectVersion"], [_objects(names.RAW_BUCKET)]),
            statement(["sns:Publish"], [Ref(names.ALERTS_TOPIC)]),
            put_metric_data(names.METRICS_NAMESPACE),
            # Lambda sends the on-failure record of an asynchronous event with the function's
            # execution role (decision 140).
            statement(["sqs:SendMessage"], [GetAtt(names.VALIDATION_FAILURES_QUEUE, "Arn")]),
            # Its environment, and publishing to the topic encrypted with the key (KMS mode).
            use_lake_key(["kms:Decrypt", "kms:GenerateDataKey"]),
            send_traces(LAMBDA_XRAY_ACTIONS),
        ],
    )


def _glue_job_role() -> Role:
    buckets = [names.bucket_arn(b) for b in names.DATA_BUCKETS]
    return role(
        names.GLUE_JOB_ROLE,
        "glue.amazonaws.com",
        [
            statement(
                ["s3:GetObject"],
                [_artifacts_objects(p) for p in ARTIFACT_PREFIXES_READ_BY_JOBS],
            ),
            statement(["s3:GetBucketLocation", "s3:ListBucket"], buckets),
            statement(["s3:GetObject", "s3:GetObjectVersion"], [_objects(names.RAW_BUCKET)]),
            statement(
                ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
                [
                    arn
                    for prefix in PROCESSED_PREFIXES_WRITTEN_BY_JOBS
                    for arn in (
                        _objects(names.PROCESSED_BUCKET, prefix),
                        _folder_marker(names.PROCESSED_BUCKET, prefix),
                    )
                ]
                + [_objects(names.CURATED_BUCKET)],
            ),
            # Read only: the scripts read and write S3 paths, never catalog tables; with
            # --enable-glue-datacatalog Spark's metastore client may still look the database up.
            statement(_CATALOG_READ, _glue_catalog()),
            statement(
                ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                [names.arn("logs", "log-group:/aws-glue/*")],
            ),
            put_metric_data("Glue"),
            # KMS mode: the security configuration encrypts the job's S3 output, bookmarks and
            # logs with the key, and Glue associates the key with the log groups it creates.
            use_lake_key(["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]),
            If(
                USE_KMS,
                statement(["logs:AssociateKmsKey"], [names.arn("logs", "log-group:/aws-glue/*")]),
                NoValue,
            ),
        ],
    )


def _crawler_role() -> Role:
    buckets = [names.bucket_arn(b) for b in names.DATA_BUCKETS]
    return role(
        names.CRAWLER_ROLE,
        "glue.amazonaws.com",
        [
            statement(["s3:GetBucketLocation", "s3:ListBucket"], buckets),
            statement(
                ["s3:GetObject"],
                [
                    _objects(names.RAW_BUCKET),
                    _objects(names.PROCESSED_BUCKET, "processed_data/"),
                    _objects(names.CURATED_BUCKET),
                ],
            ),
            statement(_CATALOG_READ + _CATALOG_WRITE, _glue_catalog()),
            # /aws-glue/crawlers, or with a security configuration (KMS mode) the group Glue
            # names after it, /aws-glue/crawlers-role/...
            statement(
                ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                [names.arn("logs", "log-group:/aws-glue/crawlers*")],
            ),
            # KMS mode: it reads what the jobs wrote with the key, and encrypts its logs.
            use_lake_key(["kms:Decrypt", "kms:GenerateDataKey"]),
            If(
                USE_KMS,
                statement(
                    ["logs:AssociateKmsKey"], [names.arn("logs", "log-group:/aws-glue/crawlers*")]
                ),
                NoValue,
            ),
        ],
    )


def _state_machine_role() -> Role:
    crawlers = [
        names.arn("glue", "crawler/" + n)
        for n in (names.LAKE_CRAWLER_NAME, names.CURATED_CRAWLER_NAME)
    ]
    jobs = [
        names.arn("glue", "job/" + n)
        for n in (names.RAW_TO_PROCESSED_JOB_NAME, names.PROCESSED_TO_CURATED_JOB_NAME)
    ]
    return role(
        names.STATE_MACHINE_ROLE,
        "states.amazonaws.com",
        [
            statement(["glue:GetCrawler", "glue:StartCrawler"], crawlers),
            statement(
                ["glue:BatchStopJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:StartJobRun"],
                jobs,
            ),
            statement(["sns:Publish"], [Ref(names.ALERTS_TOPIC)]),
            # Publishing to the topic encrypted with the key (KMS mode).
            use_lake_key(["kms:Decrypt", "kms:GenerateDataKey"]),
            send_traces(STATES_XRAY_ACTIONS),
        ],
    )


def _events_role() -> Role:
    return role(
        names.EVENTS_ROLE,
        "events.amazonaws.com",
        [
            statement(["states:StartExecution"], [Ref(names.STATE_MACHINE)]),
        ],
    )


def _api_cloudwatch_role() -> Role:
    # API Gateway's CloudWatch role is an account-level setting used by every REST API of the
    # account and region, so it may write any API's log groups (not only this stack's).
    return role(
        names.API_CLOUDWATCH_ROLE,
        "apigateway.amazonaws.com",
        [
            statement(
                [
                    "logs:CreateLogGroup",
                    "logs:CreateLogStream",
                    "logs:DescribeLogStreams",
                    "logs:PutLogEvents",
                ],
                [names.arn("logs", "log-group:*")],
            ),
            # A list call: AWS's Service Authorization Reference gives it no resource type.
            statement(["logs:DescribeLogGroups"], ["*"]),
        ],
    )


def role_arn(logical_id: str) -> GetAtt:
    return GetAtt(logical_id, "Arn")
