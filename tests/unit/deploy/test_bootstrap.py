"""Bootstrap: the artifacts bucket's settings, idempotent uploads, name checks (moto)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from datalake.deploy import bootstrap
from datalake.deploy.package import Artifact, Artifacts


def _artifacts(tmp_path: Path) -> Artifacts:
    items = []
    for name, parameter in (("ingestion", "IngestionCodeKey"), ("wheel", "PackageWheelKey")):
        path = tmp_path / f"{name}.bin"
        path.write_bytes(name.encode() * 10)
        items.append(Artifact(name, path, f"code/{name}-abc.bin", parameter, "abc"))
    return Artifacts(tuple(items))


def test_ensure_bucket_creates_a_private_versioned_encrypted_tls_only_bucket(moto_s3):
    bootstrap.ensure_bucket(moto_s3, "lake-artifacts-1-eu-west-1", "eu-west-1")
    name = "lake-artifacts-1-eu-west-1"
    assert moto_s3.get_bucket_location(Bucket=name)["LocationConstraint"] == "eu-west-1"
    assert moto_s3.get_bucket_versioning(Bucket=name)["Status"] == "Enabled"
    rules = moto_s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]
    assert rules["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    block = moto_s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
    assert all(block.values()) and len(block) == 4
    policy = json.loads(moto_s3.get_bucket_policy(Bucket=name)["Policy"])
    (statement,) = policy["Statement"]
    assert statement["Effect"] == "Deny"
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_ensure_bucket_is_idempotent_and_can_skip_the_tls_policy(moto_s3):
    bootstrap.ensure_bucket(moto_s3, "lake-artifacts-2", "eu-west-1", tls_only=False)
    bootstrap.ensure_bucket(moto_s3, "lake-artifacts-2", "eu-west-1", tls_only=False)
    names = [b["Name"] for b in moto_s3.list_buckets()["Buckets"]]
    assert names == ["lake-artifacts-2"]
    with pytest.raises(moto_s3.exceptions.ClientError, match="NoSuchBucketPolicy"):
        moto_s3.get_bucket_policy(Bucket="lake-artifacts-2")


def test_upload_skips_keys_already_present(moto_s3, tmp_path):
    bootstrap.ensure_bucket(moto_s3, "b-art", "eu-west-1", tls_only=False)
    artifacts = _artifacts(tmp_path)
    assert bootstrap.upload_artifacts(moto_s3, "b-art", artifacts) == [
        "code/ingestion-abc.bin",
        "code/wheel-abc.bin",
    ]
    assert bootstrap.upload_artifacts(moto_s3, "b-art", artifacts) == []
    body = moto_s3.get_object(Bucket="b-art", Key="code/wheel-abc.bin")["Body"].read()
    assert body == b"wheel" * 10


def test_upload_template_returns_a_regional_https_url(moto_s3):
    bootstrap.ensure_bucket(moto_s3, "b-art", "eu-west-1", tls_only=False)
    url = bootstrap.upload_template(moto_s3, "b-art", "lake", '{"Resources": {}}', "eu-west-1")
    assert url.startswith("https://b-art.s3.eu-west-1.amazonaws.com/templates/lake-")
    key = url.split(".amazonaws.com/")[1]
    assert moto_s3.get_object(Bucket="b-art", Key=key)["Body"].read() == b'{"Resources": {}}'


def test_tls_policy_only_for_https_endpoints(fake_env, monkeypatch):
    assert bootstrap.wants_tls_policy("aws") is True
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")
    assert bootstrap.wants_tls_policy("local") is False
    assert bootstrap.wants_tls_policy("aws") is False


def test_bootstrap_artifacts_returns_the_template_parameters(moto_s3, tmp_path, monkeypatch):
    # moto ignores the policy's SecureTransport condition and would deny every object call.
    monkeypatch.setattr(bootstrap, "wants_tls_policy", lambda target: False)
    params = bootstrap.bootstrap_artifacts("lake", _artifacts(tmp_path), "aws")
    bucket = "lake-artifacts-123456789012-eu-west-1"
    assert params == {
        "ArtifactsBucketName": bucket,
        "IngestionCodeKey": "code/ingestion-abc.bin",
        "PackageWheelKey": "code/wheel-abc.bin",
    }
    assert moto_s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    assert bootstrap.delete_artifacts_bucket("lake", "aws") is True
    assert bootstrap.delete_artifacts_bucket("lake", "aws") is False


def test_too_long_stack_names_are_refused_with_the_room_left():
    bootstrap.check_bucket_names("datalake", "123456789012", "ap-southeast-2")
    with pytest.raises(ValueError, match=r"use at most \d+ characters"):
        bootstrap.check_bucket_names("a" * 32, "123456789012", "ap-southeast-2")


def test_replication_needs_versioned_replica_buckets(moto_s3):
    west = __import__("boto3").client("s3", region_name="us-west-2")
    with pytest.raises(ValueError, match="lake-processed-replica-1-us-west-2 does not exist"):
        bootstrap.check_replica_buckets(moto_s3, "lake", "1", "us-west-2")
    for name in bootstrap.replica_bucket_names("lake", "1", "us-west-2"):
        west.create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": "us-west-2"}
        )
    with pytest.raises(ValueError, match="is not versioned"):
        bootstrap.check_replica_buckets(moto_s3, "lake", "1", "us-west-2")
    for name in bootstrap.replica_bucket_names("lake", "1", "us-west-2"):
        west.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    bootstrap.check_replica_buckets(moto_s3, "lake", "1", "us-west-2")
