"""The real generated template (infra_gen) deployed to the local cloud through
`datalake.deploy.local`, with small but valid code artifacts uploaded first, as bootstrap does."""

import io
import json
import zipfile

import pytest

from infra_gen import template as infra_gen
from infra_gen.outputs import OUTPUT_NAMES

# The template declares exactly the contract outputs (pinned in tests/unit/infra_gen).
CONTRACT_OUTPUTS = set(OUTPUT_NAMES)
ACCOUNT, REGION = "123456789012", "us-east-1"


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@pytest.fixture
def artifacts(stacks, stack_name):
    """The artifacts bucket with a handler zip per function, both Glue scripts and a wheel."""
    bucket = f"{stack_name}-artifacts-{ACCOUNT}-{REGION}"
    s3 = stacks.client("s3")
    s3.create_bucket(Bucket=bucket)
    handler = "def handler(event, context):\n    return {'statusCode': 200, 'body': '{}'}\n"
    objects = {
        "lambda/ingestion.zip": _zip({"handler.py": handler}),
        "lambda/validation.zip": _zip({"handler.py": handler}),
        "glue/raw_to_processed.py": b"print('raw_to_processed')\n",
        "glue/processed_to_curated.py": b"print('processed_to_curated')\n",
        "glue/datalake-0.1.0-py3-none-any.whl": _zip({"datalake/__init__.py": ""}),
    }
    for key, body in objects.items():
        s3.put_object(Bucket=bucket, Key=key, Body=body)
    yield {
        "ArtifactsBucketName": bucket,
        "IngestionCodeKey": "lambda/ingestion.zip",
        "ValidationCodeKey": "lambda/validation.zip",
        "RawToProcessedScriptKey": "glue/raw_to_processed.py",
        "ProcessedToCuratedScriptKey": "glue/processed_to_curated.py",
        "PackageWheelKey": "glue/datalake-0.1.0-py3-none-any.whl",
    }
    for key in objects:
        s3.delete_object(Bucket=bucket, Key=key)
    s3.delete_bucket(Bucket=bucket)


def test_generated_template_deploys_redeploys_and_destroys(
    endpoint, stacks, stack_name, artifacts, tmp_path, monkeypatch
):
    from datalake import config
    from datalake.deploy import local

    monkeypatch.setenv("DATALAKE_BUILD_DIR", str(tmp_path))
    template = infra_gen.to_dict()
    outputs = local.deploy(stack_name, template, artifacts)

    assert set(outputs) >= CONTRACT_OUTPUTS
    assert config.load_outputs(stack_name) == outputs
    api_id = outputs["ApiId"]
    assert outputs["ApiUrl"] == f"{endpoint}/restapis/{api_id}/prod/_user_request_"
    suffix = f"{ACCOUNT}-{REGION}"
    assert outputs["RawBucket"] == f"{stack_name}-raw-{suffix}"
    assert outputs["ArtifactsBucket"] == artifacts["ArtifactsBucketName"]
    assert outputs["DatabaseName"] == f"{stack_name}_db"
    assert outputs["IngestionFunctionName"] == f"{stack_name}-ingestion"
    assert outputs["WorkGroupName"] == f"{stack_name}-workgroup"

    s3 = stacks.client("s3")
    for zone in ("raw", "processed", "curated"):
        bucket = outputs[f"{zone.capitalize()}Bucket"]
        assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
        block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
        assert all(block.values())
        assert (
            s3.get_bucket_logging(Bucket=bucket)["LoggingEnabled"]["TargetBucket"]
            == (outputs["AccessLogsBucket"])
        )
    raw_rules = s3.get_bucket_lifecycle_configuration(Bucket=outputs["RawBucket"])["Rules"]
    assert any(
        t["StorageClass"] == "STANDARD_IA" for r in raw_rules for t in r.get("Transitions", [])
    )
    notification = s3.get_bucket_notification_configuration(Bucket=outputs["RawBucket"])
    (target,) = notification["LambdaFunctionConfigurations"]
    assert target["LambdaFunctionArn"].endswith(f":function:{stack_name}-validation")

    lam = stacks.client("lambda")
    ingestion = lam.get_function_configuration(FunctionName=outputs["IngestionFunctionName"])
    assert ingestion["Runtime"] == "python3.11" and ingestion["Handler"] == "handler.handler"
    assert ingestion["Environment"]["Variables"]["RAW_BUCKET"] == outputs["RawBucket"]
    validation = lam.get_function_configuration(FunctionName=outputs["ValidationFunctionName"])
    assert validation["Environment"]["Variables"]["ALERTS_TOPIC_ARN"] == outputs["AlertsTopicArn"]

    apigw = stacks.client("apigateway")
    paths = {r["path"] for r in apigw.get_resources(restApiId=api_id)["items"]}
    assert {"/ingest", "/health"} <= paths
    stage = apigw.get_stage(restApiId=api_id, stageName="prod")
    assert stage["accessLogSettings"]["destinationArn"].startswith(
        f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/apigateway/{stack_name}-api"
    )
    key = apigw.get_api_key(apiKey=outputs["ApiKeyId"], includeValue=True)
    assert key["enabled"] is True
    plans = [p for p in apigw.get_usage_plans(keyId=outputs["ApiKeyId"])["items"]]
    assert plans and plans[0]["apiStages"] == [{"apiId": api_id, "stage": "prod"}]

    glue = stacks.client("glue")
    tables = {t["Name"] for t in glue.get_tables(DatabaseName=outputs["DatabaseName"])["TableList"]}
    assert {"raw_data", "processed_data"} <= tables
    crawler = glue.get_crawler(Name=outputs["LakeCrawlerName"])["Crawler"]
    assert crawler["Targets"]["CatalogTargets"][0]["DatabaseName"] == outputs["DatabaseName"]
    job = glue.get_job(JobName=outputs["RawToProcessedJobName"])["Job"]
    bucket = artifacts["ArtifactsBucketName"]
    assert job["Command"]["ScriptLocation"] == f"s3://{bucket}/glue/raw_to_processed.py"
    assert job["DefaultArguments"]["--job-bookmark-option"] == "job-bookmark-enable"
    assert job["GlueVersion"] == "5.1" and job["NumberOfWorkers"] == 2

    group = stacks.client("athena").get_work_group(WorkGroup=outputs["WorkGroupName"])
    location = group["WorkGroup"]["Configuration"]["ResultConfiguration"]["OutputLocation"]
    assert location == f"s3://{outputs['ProcessedBucket']}/athena-results/"

    machine = stacks.client("stepfunctions").describe_state_machine(
        stateMachineArn=outputs["StateMachineArn"]
    )
    assert "${" not in machine["definition"]
    assert outputs["RawToProcessedJobName"] in machine["definition"]
    json.loads(machine["definition"])

    alarms = stacks.client("cloudwatch").describe_alarms(AlarmNamePrefix=f"{stack_name}-")
    assert len(alarms["MetricAlarms"]) >= 4
    assert stacks.client("cloudwatch").get_dashboard(DashboardName=outputs["DashboardName"])

    again = stacks.deploy(stack_name, template, artifacts)
    assert again.created == again.updated == again.replaced == again.deleted == []

    variants = {
        "EncryptionMode": "KMS",
        "ReplicationEnabled": "true",
        "ApiAuthMode": "IAM",
        "AlertEmail": "ops@example.com",
        "Tracing": "Enabled",
        "IngestionReservedConcurrency": "3",
    }
    changed = stacks.deploy(stack_name, template, {**artifacts, **variants})
    assert sorted(changed.created) == [
        "AlertEmailSubscription",
        "GlueSecurityConfiguration",
        "LakeKey",
        "LakeKeyAlias",
        "ReplicationRole",
    ]
    _assert_kms_mode_and_tracing(stacks, stack_name, outputs)
    processed = outputs["ProcessedBucket"]
    rules = s3.get_bucket_encryption(Bucket=processed)["ServerSideEncryptionConfiguration"]
    assert rules["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    replication = s3.get_bucket_replication(Bucket=processed)["ReplicationConfiguration"]
    assert replication["Rules"][0]["Destination"]["Bucket"] == (
        f"arn:aws:s3:::{stack_name}-processed-replica-{ACCOUNT}-us-west-2"
    )
    ingest = next(
        r for r in apigw.get_resources(restApiId=api_id)["items"] if r["path"] == "/ingest"
    )
    post = apigw.get_method(restApiId=api_id, resourceId=ingest["id"], httpMethod="POST")
    assert post["authorizationType"] == "AWS_IAM"
    subscriptions = stacks.client("sns").list_subscriptions_by_topic(
        TopicArn=outputs["AlertsTopicArn"]
    )["Subscriptions"]
    assert [s["Endpoint"] for s in subscriptions] == ["ops@example.com"]

    local.destroy(stack_name)
    names = {b["Name"] for b in s3.list_buckets()["Buckets"]}
    assert not {outputs["RawBucket"], outputs["AccessLogsBucket"]} & names
    assert artifacts["ArtifactsBucketName"] in names  # bootstrap's bucket is not the stack's
    assert api_id not in [a["id"] for a in apigw.get_rest_apis()["items"]]


def _assert_kms_mode_and_tracing(stacks, stack_name, outputs):
    """KMS mode made the stack's key (rotating, with its policy and alias) and every user names
    it; tracing and reserved concurrency reached the services (decisions 136-138)."""
    kms = stacks.client("kms")
    key_arn = kms.describe_key(KeyId=f"alias/{stack_name}-lake")["KeyMetadata"]["Arn"]
    assert kms.get_key_rotation_status(KeyId=key_arn)["KeyRotationEnabled"] is True
    policy = json.loads(kms.get_key_policy(KeyId=key_arn, PolicyName="default")["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == [
        "AccountIamPolicies",
        "CloudWatchLogsOfThisStack",
        "AlarmsAndRulesPublishToAlertsTopic",
    ]

    glue = stacks.client("glue")
    name = f"{stack_name}-glue-security"
    configuration = glue.get_security_configuration(Name=name)["SecurityConfiguration"]
    encryption = configuration["EncryptionConfiguration"]
    assert encryption["S3Encryption"] == [{"S3EncryptionMode": "SSE-KMS", "KmsKeyArn": key_arn}]
    assert encryption["JobBookmarksEncryption"]["JobBookmarksEncryptionMode"] == "CSE-KMS"
    job = glue.get_job(JobName=outputs["RawToProcessedJobName"])["Job"]
    assert job["SecurityConfiguration"] == name
    crawler = glue.get_crawler(Name=outputs["LakeCrawlerName"])["Crawler"]
    assert crawler["CrawlerSecurityConfiguration"] == name

    topic = stacks.client("sns").get_topic_attributes(TopicArn=outputs["AlertsTopicArn"])
    assert topic["Attributes"]["KmsMasterKeyId"] == key_arn
    (group,) = stacks.client("logs").describe_log_groups(
        logGroupNamePrefix=f"/aws/lambda/{stack_name}-ingestion"
    )["logGroups"]
    assert group["kmsKeyId"] == key_arn

    lam = stacks.client("lambda")
    ingestion = lam.get_function_configuration(FunctionName=outputs["IngestionFunctionName"])
    assert ingestion["TracingConfig"] == {"Mode": "Active"}
    assert ingestion["KMSKeyArn"] == key_arn
    concurrency = lam.get_function_concurrency(FunctionName=outputs["IngestionFunctionName"])
    assert concurrency["ReservedConcurrentExecutions"] == 3
    validation = outputs["ValidationFunctionName"]
    assert "ReservedConcurrentExecutions" not in lam.get_function_concurrency(
        FunctionName=validation
    )

    stage = stacks.client("apigateway").get_stage(restApiId=outputs["ApiId"], stageName="prod")
    assert stage["tracingEnabled"] is True
    machine = stacks.client("stepfunctions").describe_state_machine(
        stateMachineArn=outputs["StateMachineArn"]
    )
    assert machine["tracingConfiguration"] == {"enabled": True}
