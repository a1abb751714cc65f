"""Request builders of the SQS handlers and the Lambda EventInvokeConfig handler (pure)."""

from localcloud.provision.lambda_ import event_invoke_config
from localcloud.provision.sqs import queue_arn_from_url, queue_attributes


def test_queue_attributes_are_sqs_strings():
    props = {
        "QueueName": "q",
        "MessageRetentionPeriod": 1209600,
        "SqsManagedSseEnabled": True,
        "RedrivePolicy": {"deadLetterTargetArn": "arn:aws:sqs:us-east-1:1:d", "maxReceiveCount": 3},
        "Tags": [{"Key": "k", "Value": "v"}],
    }
    assert queue_attributes(props) == {
        "MessageRetentionPeriod": "1209600",
        "SqsManagedSseEnabled": "true",
        "RedrivePolicy": '{"deadLetterTargetArn": "arn:aws:sqs:us-east-1:1:d", '
        '"maxReceiveCount": 3}',
    }
    assert queue_attributes({"FifoQueue": "true", "KmsMasterKeyId": "alias/aws/sqs"}) == {
        "KmsMasterKeyId": "alias/aws/sqs",
        "FifoQueue": "true",
    }


def test_queue_arn_from_its_url():
    url = "http://127.0.0.1:4566/123456789012/stk-validation-failures"
    assert queue_arn_from_url(url, "us-east-1") == (
        "arn:aws:sqs:us-east-1:123456789012:stk-validation-failures"
    )


def test_event_invoke_config_request():
    props = {
        "FunctionName": "stk-validation",
        "Qualifier": "$LATEST",
        "MaximumRetryAttempts": "2",
        "MaximumEventAgeInSeconds": 21600,
        "DestinationConfig": {"OnFailure": {"Destination": "arn:aws:sqs:us-east-1:1:q"}},
    }
    assert event_invoke_config(props) == {
        "FunctionName": "stk-validation",
        "Qualifier": "$LATEST",
        "MaximumRetryAttempts": 2,
        "MaximumEventAgeInSeconds": 21600,
        "DestinationConfig": {"OnFailure": {"Destination": "arn:aws:sqs:us-east-1:1:q"}},
    }
    assert event_invoke_config({"FunctionName": "f", "Qualifier": "$LATEST"}) == {
        "FunctionName": "f",
        "Qualifier": "$LATEST",
    }
