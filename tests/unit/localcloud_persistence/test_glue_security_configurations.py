"""Glue security configurations are exported and restored before the jobs that name them."""

from __future__ import annotations

from types import SimpleNamespace

import boto3
from moto import mock_aws

from localcloud.persistence import glue as glue_state

REGION = "us-east-1"
CONFIGURATION = {
    "S3Encryption": [{"S3EncryptionMode": "SSE-KMS", "KmsKeyArn": "arn:aws:kms:k"}],
    "CloudWatchEncryption": {"CloudWatchEncryptionMode": "SSE-KMS", "KmsKeyArn": "arn:aws:kms:k"},
    "JobBookmarksEncryption": {
        "JobBookmarksEncryptionMode": "CSE-KMS",
        "KmsKeyArn": "arn:aws:kms:k",
    },
}


def _cloud() -> SimpleNamespace:
    return SimpleNamespace(client=lambda service: boto3.client(service, region_name=REGION))


def test_security_configurations_round_trip(tmp_path):
    with mock_aws():
        glue = boto3.client("glue", region_name=REGION)
        glue.create_security_configuration(Name="s1", EncryptionConfiguration=CONFIGURATION)
        glue.create_job(
            Name="j1", Role="r", Command={"Name": "glueetl"}, SecurityConfiguration="s1"
        )
        summary = glue_state.export(_cloud(), tmp_path)
    assert summary["security_configurations"] == 1
    with mock_aws():
        glue_state.restore(_cloud(), tmp_path)
        glue = boto3.client("glue", region_name=REGION)
        restored = glue.get_security_configuration(Name="s1")["SecurityConfiguration"]
        assert restored["EncryptionConfiguration"] == CONFIGURATION
        assert glue.get_job(JobName="j1")["Job"]["SecurityConfiguration"] == "s1"


def test_an_export_without_security_configurations_restores(tmp_path):
    (tmp_path / "glue.json").write_text('{"databases": [], "crawlers": [], "jobs": []}')
    with mock_aws():
        assert glue_state.restore(_cloud(), tmp_path)["jobs"] == 0
