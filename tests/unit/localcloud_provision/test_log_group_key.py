"""A changed KmsKeyId on a log group: associated through the API, or, where the endpoint lacks
AssociateKmsKey (moto), the group re-created under its name with every new property."""

from localcloud.provision.base import Provisioned
from localcloud.provision.logs import LogGroupHandler

OLD = {"LogGroupName": "/aws/lambda/demo-ingestion", "RetentionInDays": "30"}
KEY = "arn:aws:kms:us-east-1:123456789012:key/k1"
NEW = {**OLD, "KmsKeyId": KEY}
CURRENT = Provisioned(
    OLD["LogGroupName"], {"Arn": "arn:aws:logs:us-east-1:123456789012:log-group:x:*"}
)


def test_key_is_associated_when_the_endpoint_can(recording_client, context_for):
    logs = recording_client()
    LogGroupHandler().update(context_for(logs), CURRENT, OLD, NEW)
    assert logs.calls == [
        ("associate_kms_key", {"logGroupName": OLD["LogGroupName"], "kmsKeyId": KEY})
    ]


def test_without_associate_kms_key_the_group_is_recreated_with_the_key(
    recording_client, context_for
):
    logs = recording_client({"associate_kms_key": "NotImplemented"})
    LogGroupHandler().update(context_for(logs), CURRENT, OLD, NEW)
    name = OLD["LogGroupName"]
    assert logs.calls == [
        ("associate_kms_key", {"logGroupName": name, "kmsKeyId": KEY}),
        ("delete_log_group", {"logGroupName": name}),
        ("create_log_group", {"logGroupName": name, "kmsKeyId": KEY}),
        ("put_retention_policy", {"logGroupName": name, "retentionInDays": 30}),
    ]


def test_removing_the_key_disassociates_it(recording_client, context_for):
    logs = recording_client()
    LogGroupHandler().update(context_for(logs), CURRENT, NEW, OLD)
    assert logs.calls == [("disassociate_kms_key", {"logGroupName": OLD["LogGroupName"]})]
