"""Export and restore of SQS queues (attributes, tags, messages) and of a function's
EventInvokeConfig, in process on the session cloud (the subprocess round trip is
test_round_trip.py): a failure record waiting for a redrive survives `down` → `up`."""

import json
import uuid

from localcloud.persistence import awslambda, sqs
from localcloud.testing import ensure_role, zip_files


def test_queue_messages_and_invoke_config_come_back(local_cloud, tmp_path):
    client = local_cloud.client
    name = "persist-" + uuid.uuid4().hex[:8]
    queues = client("sqs")
    url = queues.create_queue(QueueName=name, Attributes={
        "MessageRetentionPeriod": "1209600", "SqsManagedSseEnabled": "true"},
        tags={"stack": "t"})["QueueUrl"]
    attributes = {"RequestID": {"DataType": "String", "StringValue": "r-1"},
                  "ErrorCode": {"DataType": "Number", "StringValue": "200"}}
    queues.send_message(QueueUrl=url, MessageBody='{"n": 1}', MessageAttributes=attributes)
    queues.send_message(QueueUrl=url, MessageBody='{"n": 2}')
    lam = client("lambda")
    lam.create_function(FunctionName=name, Runtime="python3.11", Handler="h.handler",
                        Role=ensure_role(client("iam")),
                        Code={"ZipFile": zip_files({"h.py": "def handler(e, c):\n    pass\n"})})
    destination = {"OnFailure": {"Destination": f"arn:aws:sqs:us-east-1:123456789012:{name}"}}
    lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=1,
                                         MaximumEventAgeInSeconds=600,
                                         DestinationConfig=destination)

    sqs.export(local_cloud, tmp_path)
    awslambda.export(local_cloud, tmp_path)
    saved = {q["Name"]: q for q in json.loads((tmp_path / "sqs.json").read_text())}[name]
    assert [m["Body"] for m in saved["Messages"]] == ['{"n": 1}', '{"n": 2}']
    queues.delete_queue(QueueUrl=url)
    lam.delete_function(FunctionName=name)

    sqs.restore(local_cloud, tmp_path)
    awslambda.restore(local_cloud, tmp_path)
    try:
        url = queues.get_queue_url(QueueName=name)["QueueUrl"]
        back = queues.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        assert (back["MessageRetentionPeriod"], back["ApproximateNumberOfMessages"]) == (
            "1209600", "2")
        assert queues.list_queue_tags(QueueUrl=url)["Tags"] == {"stack": "t"}
        received = queues.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                          MessageAttributeNames=["All"])["Messages"]
        by_body = {m["Body"]: m for m in received}
        assert by_body['{"n": 1}']["MessageAttributes"] == attributes
        config = lam.get_function_event_invoke_config(FunctionName=name)
        assert (config["MaximumRetryAttempts"], config["MaximumEventAgeInSeconds"],
                config["DestinationConfig"]) == (1, 600, destination)
    finally:
        queues.delete_queue(QueueUrl=url)
        lam.delete_function(FunctionName=name)
