"""IAM: one role per component, no wildcard actions, Resource "*" only where AWS requires it."""

from __future__ import annotations

ROLES = {
    "IngestionFunctionRole": "lambda.amazonaws.com",
    "ValidationFunctionRole": "lambda.amazonaws.com",
    "GlueJobRole": "glue.amazonaws.com",
    "GlueCrawlerRole": "glue.amazonaws.com",
    "StateMachineRole": "states.amazonaws.com",
    "EventsInvokeRole": "events.amazonaws.com",
    "ApiGatewayCloudWatchRole": "apigateway.amazonaws.com",
    "ReplicationRole": "s3.amazonaws.com",
}
# Actions with no resource-level permissions in AWS (the only ones allowed Resource "*").
RESOURCE_STAR_ALLOWED = {
    "cloudwatch:PutMetricData",
    "logs:DescribeLogGroups",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "xray:PutTelemetryRecords",
    "xray:PutTraceSegments",
}
ZONE = "arn:${AWS::Partition}:s3:::${AWS::StackName}-%s-${AWS::AccountId}-${AWS::Region}"
PROCESSED, CURATED = ZONE % "processed", ZONE % "curated"
LOGS = "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:"


def test_one_role_per_component(view):
    roles = view.of_type("AWS::IAM::Role")
    assert set(roles) == set(ROLES)
    for logical_id, service in ROLES.items():
        trust = roles[logical_id]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        assert [s["Principal"] for s in trust] == [{"Service": service}]


def test_trust_requires_source_account_only_where_aws_documents_it(view):
    # Step Functions documents aws:SourceAccount in AssumeRole; the others do not (decision
    # 120), and a condition on a key the service does not send denies the service.
    for logical_id, service in ROLES.items():
        props = view.props(logical_id)
        trust = {
            "Effect": "Allow",
            "Principal": {"Service": service},
            "Action": "sts:AssumeRole",
        }
        if service == "states.amazonaws.com":
            trust["Condition"] = {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}
        assert props["AssumeRolePolicyDocument"] == {
            "Version": "2012-10-17",
            "Statement": [trust],
        }, logical_id


def test_no_allow_statement_has_a_wildcard_action(view):
    statements = view.policy_statements()
    assert len(statements) > 20
    for owner, statement in statements:
        if statement["Effect"] != "Allow":
            continue
        for action in view_list(statement["Action"]):
            assert "*" not in action, (owner, action)


def test_resource_star_only_where_aws_requires_it(view):
    for owner, statement in view.policy_statements():
        if statement["Effect"] != "Allow":
            continue
        if "*" in view_list(statement["Resource"]):
            actions = set(view_list(statement["Action"]))
            assert actions <= RESOURCE_STAR_ALLOWED, owner
            if "cloudwatch:PutMetricData" in actions:
                assert "cloudwatch:namespace" in statement["Condition"]["StringEquals"]


def test_deny_statements_only_refuse_insecure_transport(view):
    denies = [s for _, s in view.policy_statements() if s["Effect"] == "Deny"]
    assert len(denies) == 6  # four buckets, the topic, the validation failures queue
    for statement in denies:
        assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_ingestion_may_only_write_raw_objects(view):
    assert view.role_actions("IngestionFunctionRole") == {
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "s3:PutObject",
        "cloudwatch:PutMetricData",
    }
    s3 = [s for s in _statements(view, "IngestionFunctionRole") if s["Action"] == ["s3:PutObject"]]
    assert s3[0]["Resource"] == [
        {
            "Fn::Sub": "arn:${AWS::Partition}:s3:::${AWS::StackName}-raw-"
            "${AWS::AccountId}-${AWS::Region}/*"
        }
    ]


def test_validation_reads_raw_and_publishes_to_the_topic(view):
    actions = view.role_actions("ValidationFunctionRole")
    assert {"s3:GetObject", "sns:Publish"} <= actions
    assert not any(a.startswith("s3:Put") or a.startswith("s3:Delete") for a in actions)
    sns = [s for s in _statements(view, "ValidationFunctionRole") if s["Action"] == ["sns:Publish"]]
    assert sns[0]["Resource"] == [{"Ref": "AlertsTopic"}]


def test_glue_job_never_writes_the_raw_zone(view):
    for statement in _statements(view, "GlueJobRole"):
        writes = {"s3:PutObject", "s3:DeleteObject"} & set(statement["Action"])
        if writes:
            text = str(statement["Resource"])
            assert "-raw-" not in text


def test_glue_job_writes_its_prefixes_and_their_folder_markers(view):
    writes = [s for s in _statements(view, "GlueJobRole") if "s3:PutObject" in s["Action"]]
    assert writes == [
        {
            "Effect": "Allow",
            "Action": ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
            "Resource": [
                {"Fn::Sub": PROCESSED + "/processed_data/*"},
                {"Fn::Sub": PROCESSED + "/processed_data_$folder$"},
                {"Fn::Sub": PROCESSED + "/quarantine/*"},
                {"Fn::Sub": PROCESSED + "/quarantine_$folder$"},
                {"Fn::Sub": PROCESSED + "/glue-temp/*"},
                {"Fn::Sub": PROCESSED + "/glue-temp_$folder$"},
                {"Fn::Sub": CURATED + "/*"},
            ],
        }
    ]


def test_glue_job_reads_only_its_artifacts_and_never_writes_the_catalog(view):
    statements = _statements(view, "GlueJobRole")
    artifacts = [s for s in statements if "ArtifactsBucketName" in str(s["Resource"])]
    assert artifacts == [
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject"],
            "Resource": [
                {"Fn::Sub": "arn:${AWS::Partition}:s3:::${ArtifactsBucketName}/glue/*"},
                {"Fn::Sub": "arn:${AWS::Partition}:s3:::${ArtifactsBucketName}/packages/*"},
            ],
        }
    ]
    glue = {a for a in view.role_actions("GlueJobRole") if a.startswith("glue:")}
    assert glue == {
        "glue:BatchGetPartition",
        "glue:GetDatabase",
        "glue:GetPartition",
        "glue:GetPartitions",
        "glue:GetTable",
        "glue:GetTables",
    }


def test_api_gateway_role_describes_log_groups_on_resource_star(view):
    statements = _statements(view, "ApiGatewayCloudWatchRole")
    assert statements == [
        {
            "Effect": "Allow",
            "Action": [
                "logs:CreateLogGroup",
                "logs:CreateLogStream",
                "logs:DescribeLogStreams",
                "logs:PutLogEvents",
            ],
            "Resource": [{"Fn::Sub": LOGS + "log-group:*"}],
        },
        {"Effect": "Allow", "Action": ["logs:DescribeLogGroups"], "Resource": ["*"]},
    ]


def test_state_machine_role_is_scoped_to_named_jobs_crawlers_and_topic(view):
    text = str(_statements(view, "StateMachineRole"))
    assert "job/${AWS::StackName}-raw-to-processed" in text
    assert "crawler/${AWS::StackName}-lake-crawler" in text
    assert view.role_actions("StateMachineRole") >= {
        "glue:StartJobRun",
        "glue:StartCrawler",
        "glue:GetCrawler",
        "sns:Publish",
    }


def test_events_role_only_starts_the_state_machine(view):
    statements = _statements(view, "EventsInvokeRole")
    assert statements == [
        {
            "Effect": "Allow",
            "Action": ["states:StartExecution"],
            "Resource": [{"Ref": "EtlStateMachine"}],
        }
    ]


def view_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _statements(view, role_id: str) -> list[dict]:
    """The statements a role always has (conditional ones: view.conditional_statements)."""
    policies = view.props(role_id)["Policies"]
    return [s for pol in policies for s in pol["PolicyDocument"]["Statement"] if "Fn::If" not in s]
