"""`datalake local up` → create one of everything → `down` → `up`: everything is back.

Runs the real CLI and `python -m localcloud` in a subprocess (moto's state is per process, so
only a new process proves the state came back from the export)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import boto3
import pytest
import requests

from localcloud.testing import ensure_role, zip_files


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cli(*args, check=True):
    # Without AWS_ENDPOINT_URL (another test's cloud may set it): the data dir names the cloud.
    env = {k: v for k, v in os.environ.items() if k != "AWS_ENDPOINT_URL"}
    env.update(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test")
    completed = subprocess.run([sys.executable, "-m", "datalake.cli.main", "local", *args],
                               capture_output=True, text=True, timeout=300, env=env)
    if check:
        assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed


@pytest.fixture(scope="module")
def cloud(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("lifecycle")
    port = _free_port()
    up = _cli("up", "--port", str(port), "--data-dir", str(data_dir))
    endpoint = f"http://127.0.0.1:{port}"
    assert f"export AWS_ENDPOINT_URL={endpoint}" in up.stdout
    yield {"dir": data_dir, "port": port, "endpoint": endpoint}
    _cli("down", "--data-dir", str(data_dir), check=False)


def _clients(endpoint):
    return lambda name: boto3.client(name, endpoint_url=endpoint, region_name="us-east-1",
                                     aws_access_key_id="test", aws_secret_access_key="test")


BUCKET = "persist-raw"
POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
    "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})


def _populate(client) -> dict:
    iam, s3, lam = client("iam"), client("s3"), client("lambda")
    role = ensure_role(iam, "persist-role")
    iam.put_role_policy(RoleName="persist-role", PolicyName="inline",
                        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
                            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}))
    fn_arn = lam.create_function(
        FunctionName="persist-fn", Runtime="python3.11", Role=role, Handler="app.h",
        Timeout=7, Environment={"Variables": {"MODE": "kept"}},
        Code={"ZipFile": zip_files({"app.py": "import os\ndef h(e, c):\n"
                                              "    return os.environ['MODE']\n"})},
    )["FunctionArn"]
    lam.put_function_concurrency(FunctionName="persist-fn", ReservedConcurrentExecutions=5)
    s3.create_bucket(Bucket=BUCKET)
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_encryption(Bucket=BUCKET, ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    s3.put_bucket_lifecycle_configuration(Bucket=BUCKET, LifecycleConfiguration={"Rules": [
        {"ID": "ia", "Status": "Enabled", "Filter": {"Prefix": ""},
         "Transitions": [{"Days": 90, "StorageClass": "STANDARD_IA"}]}]})
    s3.put_public_access_block(Bucket=BUCKET, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True})
    s3.create_bucket(Bucket="persist-logs")
    delivery = {"Sid": "LogDelivery", "Effect": "Allow",
                "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject",
                "Resource": "arn:aws:s3:::persist-logs/*"}
    s3.put_bucket_policy(Bucket="persist-logs", Policy=json.dumps(
        {"Version": "2012-10-17", "Statement": [delivery]}))
    s3.put_bucket_logging(Bucket=BUCKET, BucketLoggingStatus={"LoggingEnabled": {
        "TargetBucket": "persist-logs", "TargetPrefix": "raw/"}})
    tls_only = json.loads(POLICY.replace(BUCKET, "persist-logs"))
    tls_only["Statement"].append(delivery)  # like the lake's access-logs bucket
    s3.put_bucket_policy(Bucket="persist-logs", Policy=json.dumps(tls_only))
    s3.put_bucket_policy(Bucket=BUCKET, Policy=POLICY)
    s3.put_bucket_tagging(Bucket=BUCKET, Tagging={"TagSet": [{"Key": "zone", "Value": "raw"}]})
    s3.put_object(Bucket=BUCKET, Key="doc.json", Body=b'{"v": 1}',
                  ContentType="application/json", Metadata={"origin": "test"},
                  Tagging="kind=doc")
    s3.put_object(Bucket=BUCKET, Key="doc.json", Body=b'{"v": 2}',
                  ContentType="application/json")
    s3.put_object(Bucket=BUCKET, Key="gone.txt", Body=b"bye")
    s3.delete_object(Bucket=BUCKET, Key="gone.txt")
    upload = s3.create_multipart_upload(Bucket=BUCKET, Key="multi.bin")
    parts = []
    for number, size in ((1, 8 * 1024 * 1024), (2, 8 * 1024 * 1024), (3, 12345)):
        answer = s3.upload_part(Bucket=BUCKET, Key="multi.bin", UploadId=upload["UploadId"],
                                PartNumber=number, Body=bytes([number]) * size)
        parts.append({"PartNumber": number, "ETag": answer["ETag"]})
    s3.complete_multipart_upload(Bucket=BUCKET, Key="multi.bin", UploadId=upload["UploadId"],
                                 MultipartUpload={"Parts": parts})
    s3.put_bucket_notification_configuration(Bucket=BUCKET, NotificationConfiguration={
        "LambdaFunctionConfigurations": [{"Id": "n1", "LambdaFunctionArn": fn_arn,
                                          "Events": ["s3:ObjectCreated:*"]}]})
    api = client("apigateway")
    api_id = api.create_rest_api(name="persist-api")["id"]
    root = api.get_resources(restApiId=api_id)["items"][0]["id"]
    health = api.create_resource(restApiId=api_id, parentId=root, pathPart="health")["id"]
    api.put_method(restApiId=api_id, resourceId=health, httpMethod="GET",
                   authorizationType="NONE", apiKeyRequired=True)
    api.put_integration(restApiId=api_id, resourceId=health, httpMethod="GET", type="MOCK",
                        requestTemplates={"application/json": '{"statusCode": 200}'})
    api.put_integration_response(restApiId=api_id, resourceId=health, httpMethod="GET",
                                 statusCode="200",
                                 responseTemplates={"application/json": '{"ok": true}'})
    api.create_deployment(restApiId=api_id, stageName="prod")
    key = api.create_api_key(name="persist-key", enabled=True, value="k" * 32)
    plan = api.create_usage_plan(name="persist-plan",
                                 apiStages=[{"apiId": api_id, "stage": "prod"}],
                                 throttle={"rateLimit": 50, "burstLimit": 20})
    api.create_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"], keyType="API_KEY")
    glue = client("glue")
    glue.create_database(DatabaseInput={"Name": "persist_db"})
    glue.create_table(DatabaseName="persist_db", TableInput={
        "Name": "events", "PartitionKeys": [{"Name": "day", "Type": "string"}],
        "StorageDescriptor": {"Columns": [{"Name": "id", "Type": "string"}],
                              "Location": f"s3://{BUCKET}/events/"}})
    glue.create_partition(DatabaseName="persist_db", TableName="events", PartitionInput={
        "Values": ["2026-11-25"], "StorageDescriptor": {
            "Columns": [{"Name": "id", "Type": "string"}],
            "Location": f"s3://{BUCKET}/events/day=2026-11-25/"}})
    glue.create_crawler(Name="persist-crawler", Role=role, DatabaseName="persist_db",
                        Targets={"S3Targets": [{"Path": f"s3://{BUCKET}/"}]})
    glue.create_job(Name="persist-job", Role=role, GlueVersion="4.0",
                    Command={"Name": "glueetl", "ScriptLocation": f"s3://{BUCKET}/job.py"})
    topic = client("sns").create_topic(Name="persist-alerts")["TopicArn"]
    client("sns").subscribe(TopicArn=topic, Protocol="email", Endpoint="ops@example.com")
    client("logs").create_log_group(logGroupName="/persist/group")
    client("logs").put_retention_policy(logGroupName="/persist/group", retentionInDays=30)
    client("events").put_rule(Name="persist-hourly", ScheduleExpression="rate(1 hour)")
    client("events").put_targets(Rule="persist-hourly",
                                 Targets=[{"Id": "fn", "Arn": fn_arn}])
    definition = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
    client("stepfunctions").create_state_machine(name="persist-sm", definition=definition,
                                                 roleArn=role)
    client("cloudwatch").put_metric_alarm(
        AlarmName="persist-alarm", MetricName="Errors", Namespace="AWS/Lambda",
        Statistic="Sum", Period=300, EvaluationPeriods=1, Threshold=5,
        ComparisonOperator="GreaterThanThreshold", AlarmActions=[topic])
    client("athena").create_work_group(Name="persist-wg", Configuration={
        "ResultConfiguration": {"OutputLocation": f"s3://{BUCKET}/athena-results/"}})
    etag = s3.head_object(Bucket=BUCKET, Key="multi.bin")["ETag"]
    return {"api_id": api_id, "root": root, "health": health, "key_id": key["id"],
            "plan_id": plan["id"], "etag": etag, "topic": topic}


def _listening_addresses(port: int) -> set[str]:
    """Local addresses of sockets listening on `port` (from /proc/net/tcp, IPv4)."""
    found = set()
    for line in open("/proc/net/tcp").read().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hex_port = local.split(":")
        if int(hex_port, 16) == port and state == "0A":  # 0A = LISTEN
            found.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
    return found


def test_lifecycle_and_state_round_trip(cloud):
    assert _listening_addresses(cloud["port"]) == {"127.0.0.1"}  # not reachable from outside
    client = _clients(cloud["endpoint"])
    created = _populate(client)
    assert _cli("status", "--data-dir", str(cloud["dir"])).returncode == 0
    again = _cli("up", "--port", str(cloud["port"]), "--data-dir", str(cloud["dir"]),
                 check=False)
    assert again.returncode == 1 and "already running" in again.stderr

    down = _cli("down", "--data-dir", str(cloud["dir"]))
    assert "state exported to" in down.stdout
    assert _cli("status", "--data-dir", str(cloud["dir"]), check=False).returncode == 1
    _cli("up", "--port", str(cloud["port"]), "--data-dir", str(cloud["dir"]))
    client = _clients(cloud["endpoint"])  # fresh connections to the new process

    s3 = client("s3")
    assert s3.get_bucket_versioning(Bucket=BUCKET)["Status"] == "Enabled"
    assert s3.get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"][
        "Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert s3.get_bucket_lifecycle_configuration(Bucket=BUCKET)["Rules"][0]["ID"] == "ia"
    assert s3.get_public_access_block(Bucket=BUCKET)["PublicAccessBlockConfiguration"][
        "BlockPublicPolicy"] is True
    assert json.loads(s3.get_bucket_policy(Bucket=BUCKET)["Policy"])["Statement"][0][
        "Sid"] == "TlsOnly"
    assert s3.get_bucket_tagging(Bucket=BUCKET)["TagSet"] == [{"Key": "zone", "Value": "raw"}]
    assert s3.get_bucket_logging(Bucket=BUCKET)["LoggingEnabled"]["TargetBucket"] == \
        "persist-logs"
    assert "Policy" in s3.get_bucket_policy(Bucket="persist-logs")
    notification = s3.get_bucket_notification_configuration(Bucket=BUCKET)
    assert notification["LambdaFunctionConfigurations"][0]["Id"] == "n1"
    current = s3.get_object(Bucket=BUCKET, Key="doc.json")
    assert current["Body"].read() == b'{"v": 2}'
    assert current["ContentType"] == "application/json"
    versions = s3.list_object_versions(Bucket=BUCKET)
    doc_versions = [v for v in versions["Versions"] if v["Key"] == "doc.json"]
    assert len(doc_versions) == 2
    oldest = next(v for v in doc_versions if not v["IsLatest"])
    first = s3.get_object(Bucket=BUCKET, Key="doc.json", VersionId=oldest["VersionId"])
    assert first["Body"].read() == b'{"v": 1}'
    assert first["Metadata"] == {"origin": "test"}
    assert s3.get_object_tagging(Bucket=BUCKET, Key="doc.json",
                                 VersionId=oldest["VersionId"])["TagSet"] == [
        {"Key": "kind", "Value": "doc"}]
    assert [m["Key"] for m in versions.get("DeleteMarkers", [])] == ["gone.txt"]
    multi = s3.get_object(Bucket=BUCKET, Key="multi.bin")
    data = multi["Body"].read()
    assert len(data) == 16 * 1024 * 1024 + 12345 and data[-1] == 3
    assert multi["ETag"] == created["etag"]

    lam = client("lambda")
    conf = lam.get_function(FunctionName="persist-fn")
    assert conf["Configuration"]["Timeout"] == 7
    assert conf["Concurrency"]["ReservedConcurrentExecutions"] == 5
    assert json.loads(lam.invoke(FunctionName="persist-fn")["Payload"].read()) == "kept"

    api = client("apigateway")
    assert [a["id"] for a in api.get_rest_apis()["items"]] == [created["api_id"]]
    ids = {r["path"]: r["id"] for r in api.get_resources(restApiId=created["api_id"])["items"]}
    assert ids == {"/": created["root"], "/health": created["health"]}
    assert [k["id"] for k in api.get_api_keys()["items"]] == [created["key_id"]]
    assert [p["id"] for p in api.get_usage_plans()["items"]] == [created["plan_id"]]
    url = f"{cloud['endpoint']}/restapis/{created['api_id']}/prod/_user_request_/health"
    assert requests.get(url, headers={"x-api-key": "k" * 32}, timeout=30).json() == {"ok": True}
    assert requests.get(url, timeout=30).status_code == 403

    glue = client("glue")
    assert glue.get_table(DatabaseName="persist_db", Name="events")["Table"][
        "PartitionKeys"][0]["Name"] == "day"
    assert glue.get_partitions(DatabaseName="persist_db", TableName="events")["Partitions"][0][
        "Values"] == ["2026-11-25"]
    assert glue.get_crawler(Name="persist-crawler")["Crawler"]["DatabaseName"] == "persist_db"
    assert glue.get_job(JobName="persist-job")["Job"]["GlueVersion"] == "4.0"
    sns = client("sns")
    assert [t["TopicArn"] for t in sns.list_topics()["Topics"]] == [created["topic"]]
    assert sns.list_subscriptions_by_topic(TopicArn=created["topic"])["Subscriptions"][0][
        "Endpoint"] == "ops@example.com"
    groups = client("logs").describe_log_groups(logGroupNamePrefix="/persist/")["logGroups"]
    assert groups[0]["retentionInDays"] == 30
    assert client("events").list_targets_by_rule(Rule="persist-hourly")["Targets"][0][
        "Id"] == "fn"
    machines = client("stepfunctions").list_state_machines()["stateMachines"]
    assert [m["name"] for m in machines] == ["persist-sm"]
    alarms = client("cloudwatch").describe_alarms(AlarmNames=["persist-alarm"])["MetricAlarms"]
    assert alarms[0]["AlarmActions"] == [created["topic"]]
    assert client("athena").get_work_group(WorkGroup="persist-wg")["WorkGroup"][
        "Configuration"]["ResultConfiguration"]["OutputLocation"].endswith("athena-results/")
    assert client("iam").get_role_policy(RoleName="persist-role", PolicyName="inline")


def test_export_and_import_verbs(cloud, tmp_path):
    target = tmp_path / "snapshot"
    exported = _cli("export", str(target), "--data-dir", str(cloud["dir"]))
    assert "exported to" in exported.stdout
    assert (target / "manifest.json").exists()
    assert (target / "s3" / BUCKET / "bucket.json").exists()
    missing = _cli("import", str(tmp_path / "nothing"), "--data-dir", str(cloud["dir"]),
                   check=False)
    assert missing.returncode == 1 and "manifest.json missing" in missing.stderr
