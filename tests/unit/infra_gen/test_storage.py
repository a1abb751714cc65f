"""Storage layer: versioning, encryption, privacy, TLS-only policies, lifecycle, logging and
the raw bucket's notification without a dependency cycle."""

from __future__ import annotations

import pytest

DATA_BUCKETS = ("RawBucket", "ProcessedBucket", "CuratedBucket")
ALL_BUCKETS = (*DATA_BUCKETS, "AccessLogsBucket")


def test_bucket_names_follow_the_contract(view):
    expected = {
        "RawBucket": "${AWS::StackName}-raw-${AWS::AccountId}-${AWS::Region}",
        "ProcessedBucket": "${AWS::StackName}-processed-${AWS::AccountId}-${AWS::Region}",
        "CuratedBucket": "${AWS::StackName}-curated-${AWS::AccountId}-${AWS::Region}",
        "AccessLogsBucket": "${AWS::StackName}-access-logs-${AWS::AccountId}-${AWS::Region}",
    }
    assert set(view.of_type("AWS::S3::Bucket")) == set(expected)
    for logical_id, name in expected.items():
        assert view.props(logical_id)["BucketName"] == {"Fn::Sub": name}


@pytest.mark.parametrize("bucket", ALL_BUCKETS)
def test_versioning_enabled(view, bucket):
    assert view.props(bucket)["VersioningConfiguration"] == {"Status": "Enabled"}


@pytest.mark.parametrize("bucket", ALL_BUCKETS)
def test_public_access_blocked(view, bucket):
    block = view.props(bucket)["PublicAccessBlockConfiguration"]
    assert block == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }


@pytest.mark.parametrize("bucket", DATA_BUCKETS)
def test_data_buckets_encrypt_with_sse_s3_or_kms_by_parameter(view, bucket):
    rules = view.props(bucket)["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    cond, kms, aes = rules[0]["Fn::If"]
    assert cond == "UseKmsEncryption"
    assert kms["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "aws:kms"}
    assert aes["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    assert view.template["Conditions"]["UseKmsEncryption"] == {
        "Fn::Equals": [{"Ref": "EncryptionMode"}, "KMS"]
    }


def test_access_log_bucket_is_always_sse_s3(view):
    rules = view.props("AccessLogsBucket")["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rules == [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]


@pytest.mark.parametrize("bucket", ALL_BUCKETS)
def test_every_bucket_policy_denies_non_tls(view, bucket):
    policies = [
        p["Properties"]
        for p in view.of_type("AWS::S3::BucketPolicy").values()
        if p["Properties"]["Bucket"] == {"Ref": bucket}
    ]
    assert len(policies) == 1
    deny = [s for s in policies[0]["PolicyDocument"]["Statement"] if s["Effect"] == "Deny"]
    assert len(deny) == 1
    assert deny[0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert deny[0]["Principal"] == "*"
    resources = [r["Fn::Sub"] for r in deny[0]["Resource"]]
    name = view.props(bucket)["BucketName"]["Fn::Sub"]
    assert resources == [
        f"arn:${{AWS::Partition}}:s3:::{name}",
        f"arn:${{AWS::Partition}}:s3:::{name}/*",
    ]


def test_raw_lifecycle_moves_to_infrequent_access_after_parameter_days(view):
    rules = view.props("RawBucket")["LifecycleConfiguration"]["Rules"]
    ia = [r for r in rules if r["Id"] == "RawToInfrequentAccess"][0]
    assert ia["Status"] == "Enabled"
    assert ia["Transitions"] == [
        {"StorageClass": "STANDARD_IA", "TransitionInDays": {"Ref": "RawInfrequentAccessDays"}}
    ]
    assert view.template["Parameters"]["RawInfrequentAccessDays"]["Default"] == "90"
    for other in ("ProcessedBucket", "CuratedBucket"):
        ids = [r["Id"] for r in view.props(other)["LifecycleConfiguration"]["Rules"]]
        assert "RawToInfrequentAccess" not in ids


@pytest.mark.parametrize("bucket", DATA_BUCKETS)
def test_data_buckets_log_access_to_the_log_bucket(view, bucket):
    logging = view.props(bucket)["LoggingConfiguration"]
    assert logging["DestinationBucketName"] == {"Ref": "AccessLogsBucket"}
    assert logging["LogFilePrefix"].endswith("/")


def test_log_bucket_policy_lets_s3_logging_write_for_the_data_buckets(view):
    statements = view.props("AccessLogsBucketPolicy")["PolicyDocument"]["Statement"]
    allow = [s for s in statements if s["Effect"] == "Allow"]
    assert allow[0]["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert allow[0]["Action"] == "s3:PutObject"
    sources = [a["Fn::Sub"] for a in allow[0]["Condition"]["ArnLike"]["aws:SourceArn"]]
    assert len(sources) == 3 and all("${AWS::StackName}-" in a for a in sources)
    for bucket in DATA_BUCKETS:
        assert "AccessLogsBucketPolicy" in view.resources[bucket]["DependsOn"]


def test_raw_notification_invokes_validation_without_a_cycle(view):
    raw = view.resources["RawBucket"]
    config = raw["Properties"]["NotificationConfiguration"]["LambdaConfigurations"]
    assert len(config) == 1 and config[0]["Event"] == "s3:ObjectCreated:*"
    # Built from the function's known name: no Ref/GetAtt to the function.
    assert config[0]["Function"] == {
        "Fn::Sub": "arn:${AWS::Partition}:lambda:${AWS::Region}:"
        "${AWS::AccountId}:function:${AWS::StackName}-validation"
    }
    assert "ValidationInvokePermission" in raw["DependsOn"]
    permission = view.props("ValidationInvokePermission")
    assert permission["Principal"] == "s3.amazonaws.com"
    assert permission["SourceArn"]["Fn::Sub"].endswith(
        ":s3:::${AWS::StackName}-raw-${AWS::AccountId}-${AWS::Region}"
    )
    assert view.props("ValidationFunction")["FunctionName"] == {
        "Fn::Sub": "${AWS::StackName}-validation"
    }


def test_no_dependency_cycle(view):
    graph: dict[str, set[str]] = {}
    for logical_id, resource in view.resources.items():
        deps = set(resource.get("DependsOn", []))
        for node in view.nodes(resource.get("Properties", {})):
            if "Ref" in node and node["Ref"] in view.resources:
                deps.add(node["Ref"])
            if "Fn::GetAtt" in node:
                deps.add(node["Fn::GetAtt"][0])
            if "Fn::Sub" in node:
                sub = node["Fn::Sub"]
                text = sub if isinstance(sub, str) else sub[0]
                import re

                deps.update(
                    n.split(".")[0]
                    for n in re.findall(r"\$\{([^}]*)\}", text)
                    if n.split(".")[0] in view.resources
                )
        graph[logical_id] = deps
    state: dict[str, int] = {}

    def visit(node, path):
        if state.get(node) == 1:
            raise AssertionError("cycle: " + " -> ".join([*path, node]))
        if state.get(node) == 2:
            return
        state[node] = 1
        for dep in graph[node]:
            visit(dep, [*path, node])
        state[node] = 2

    for node in graph:
        visit(node, [])
