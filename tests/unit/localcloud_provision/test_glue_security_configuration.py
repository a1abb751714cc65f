"""AWS::Glue::SecurityConfiguration: the template's shape becomes the API's, a change replaces,
a missing configuration deletes quietly."""

from localcloud.provision.base import Provisioned
from localcloud.provision.glue import (
    SecurityConfigurationHandler,
    security_configuration_request,
)
from localcloud.provision.handlers import handler_for

KEY = "arn:aws:kms:us-east-1:123456789012:key/k1"
PROPS = {
    "Name": "demo-glue-security",
    "EncryptionConfiguration": {
        "S3Encryptions": [{"S3EncryptionMode": "SSE-KMS", "KmsKeyArn": KEY}],
        "CloudWatchEncryption": {"CloudWatchEncryptionMode": "SSE-KMS", "KmsKeyArn": KEY},
        "JobBookmarksEncryption": {"JobBookmarksEncryptionMode": "CSE-KMS", "KmsKeyArn": KEY},
    },
}
API_CONFIGURATION = {
    "S3Encryption": [{"S3EncryptionMode": "SSE-KMS", "KmsKeyArn": KEY}],
    "CloudWatchEncryption": {"CloudWatchEncryptionMode": "SSE-KMS", "KmsKeyArn": KEY},
    "JobBookmarksEncryption": {"JobBookmarksEncryptionMode": "CSE-KMS", "KmsKeyArn": KEY},
}


def test_request_renames_s3_encryptions_and_leaves_out_absent_parts():
    assert security_configuration_request(PROPS) == API_CONFIGURATION
    only_s3 = {"Name": "n", "EncryptionConfiguration": {"S3Encryptions": []}}
    assert security_configuration_request(only_s3) == {"S3Encryption": []}


def test_create_and_delete_calls(recording_client, context_for):
    glue = recording_client()
    handler = SecurityConfigurationHandler()
    assert handler.create(context_for(glue), PROPS).physical_id == "demo-glue-security"
    handler.delete(context_for(glue), Provisioned("demo-glue-security"), PROPS)
    assert glue.calls == [
        (
            "create_security_configuration",
            {"Name": "demo-glue-security", "EncryptionConfiguration": API_CONFIGURATION},
        ),
        ("delete_security_configuration", {"Name": "demo-glue-security"}),
    ]


def test_a_missing_configuration_deletes_quietly(recording_client, context_for):
    glue = recording_client({"delete_security_configuration": "EntityNotFoundException"})
    SecurityConfigurationHandler().delete(context_for(glue), Provisioned("gone"), PROPS)
    assert [op for op, _ in glue.calls] == ["delete_security_configuration"]


def test_any_change_replaces_and_the_handler_is_registered():
    handler = handler_for("AWS::Glue::SecurityConfiguration")
    assert isinstance(handler, SecurityConfigurationHandler)
    assert handler.needs_replacement(PROPS, {**PROPS, "Name": "other"})
    changed = {"Name": PROPS["Name"], "EncryptionConfiguration": {"S3Encryptions": []}}
    assert handler.needs_replacement(PROPS, changed)
    assert not handler.needs_replacement(PROPS, dict(PROPS))
