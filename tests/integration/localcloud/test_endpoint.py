import boto3
import pytest
import requests
from botocore.exceptions import ClientError


def test_health_lists_plugins(endpoint):
    body = requests.get(f"{endpoint}/_datalake/health", timeout=10).json()
    assert body["status"] == "running"
    assert "core" in body["plugins"]


def test_unemulated_service_fails_loudly_naming_the_operation(endpoint):
    ddb = boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1")
    with pytest.raises(ClientError) as err:
        ddb.list_tables()
    assert err.value.response["Error"]["Code"] == "NotImplemented"
    assert "dynamodb:ListTables" in err.value.response["Error"]["Message"]


def test_moto_backed_calls_pass_through(endpoint):
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    s3.create_bucket(Bucket="passthrough-test")
    s3.put_object(Bucket="passthrough-test", Key="a/b.txt", Body=b"hello")
    assert s3.get_object(Bucket="passthrough-test", Key="a/b.txt")["Body"].read() == b"hello"
