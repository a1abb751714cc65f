"""Failed validation events end to end on the local cloud: the template's failures queue,
EventInvokeConfig and alarm deployed; a validation function that cannot read its object fails,
its invocation record lands in the queue, the alarm goes to ALARM, and `datalake redrive
validation` re-invokes it (now readable) and empties the queue."""

import json
import time
import urllib.request

from infra_gen import to_dict
from localcloud.testing import zip_files

# The real template's resources for failed validation events (decision 140).
TEMPLATE_RESOURCES = (
    "ValidationFailuresQueue",
    "ValidationFailuresQueuePolicy",
    "ValidationEventInvokeConfig",
    "ValidationFailuresAlarm",
    "AlertsTopic",
)
HANDLER = """
import boto3

def handler(event, context):
    s3 = boto3.client("s3")
    for record in event["Records"]:
        bucket, key = record["s3"]["bucket"]["name"], record["s3"]["object"]["key"]
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()  # NoSuchKey: a failure
        s3.put_object(Bucket=bucket, Key="validated/" + key, Body=body)
"""


def _template(code_bucket, assume_lambda):
    generated = to_dict()
    resources = {k: generated["Resources"][k] for k in TEMPLATE_RESOURCES}
    # one attempt, no retries: the record arrives at once instead of after 3 simulated minutes
    resources["ValidationEventInvokeConfig"]["Properties"]["MaximumRetryAttempts"] = 0
    # the topic's key (KMS mode only) belongs to the encryption layer, not deployed here
    resources["AlertsTopic"]["Properties"].pop("KmsMasterKeyId", None)
    resources["ValidationFunctionRole"] = {
        "Type": "AWS::IAM::Role",
        "Properties": {"AssumeRolePolicyDocument": assume_lambda},
    }
    resources["ValidationFunction"] = {
        "Type": "AWS::Lambda::Function",
        "Properties": {
            "FunctionName": {"Fn::Sub": "${AWS::StackName}-validation"},
            "Runtime": "python3.11",
            "Handler": "handler.handler",
            "Role": {"Fn::GetAtt": ["ValidationFunctionRole", "Arn"]},
            "Code": {"S3Bucket": code_bucket, "S3Key": "code/validation.zip"},
            "Timeout": 30,
        },
    }
    return {
        "Parameters": {"EncryptionMode": generated["Parameters"]["EncryptionMode"]},
        "Conditions": {"UseKmsEncryption": generated["Conditions"]["UseKmsEncryption"]},
        "Resources": resources,
    }


def _post(endpoint, path):
    request = urllib.request.Request(endpoint + path, data=b"{}", method="POST")
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def _depth(sqs, url):
    attributes = sqs.get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]), int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


def _wait(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def _alarm_state(endpoint, cloudwatch, name):
    _post(endpoint, "/_datalake/sqs/publish-metrics")
    _post(endpoint, "/_datalake/cloudwatch/evaluate-alarms")
    return cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]["StateValue"]


def test_failed_event_is_kept_alarmed_and_redriven(
    endpoint, stacks, stack_name, code_bucket, assume_lambda, tmp_path, monkeypatch, capsys
):
    from datalake.cli.main import main

    s3, sqs, lam = stacks.client("s3"), stacks.client("sqs"), stacks.client("lambda")
    cloudwatch = stacks.client("cloudwatch")
    s3.put_object(Bucket=code_bucket, Key="code/validation.zip", Body=zip_files({
        "handler.py": HANDLER}))
    outputs = stacks.deploy(stack_name, _template(code_bucket, assume_lambda))
    try:
        queue_name = f"{stack_name}-validation-failures"
        url = sqs.get_queue_url(QueueName=queue_name)["QueueUrl"]
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        assert attributes["MessageRetentionPeriod"] == "1209600"
        assert attributes["SqsManagedSseEnabled"] == "true"
        config = lam.get_function_event_invoke_config(FunctionName=f"{stack_name}-validation")
        assert config["MaximumRetryAttempts"] == 0
        assert config["DestinationConfig"]["OnFailure"]["Destination"] == (
            f"arn:aws:sqs:us-east-1:123456789012:{queue_name}"
        )
        alarm = f"{stack_name}-validation-failures"
        assert _alarm_state(endpoint, cloudwatch, alarm) != "ALARM"

        # An S3 event for an object the function cannot read (not there yet): it fails.
        event = {"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put",
                              "s3": {"bucket": {"name": code_bucket},
                                     "object": {"key": "iot/late.json"}}}]}
        answer = lam.invoke(FunctionName=f"{stack_name}-validation", InvocationType="Event",
                            Payload=json.dumps(event).encode())
        assert answer["StatusCode"] == 202
        request_id = answer["ResponseMetadata"]["RequestId"]
        _wait(lambda: _depth(sqs, url) == (1, 0))

        message = sqs.receive_message(QueueUrl=url, VisibilityTimeout=0)["Messages"][0]
        record = json.loads(message["Body"])
        assert set(record) == {"version", "timestamp", "requestContext", "requestPayload",
                               "responseContext", "responsePayload"}
        assert record["version"] == "1.0"
        assert record["requestContext"] == {
            "requestId": request_id,
            "functionArn": f"arn:aws:lambda:us-east-1:123456789012:function:"
                           f"{stack_name}-validation:$LATEST",
            "condition": "RetriesExhausted",
            "approximateInvokeCount": 1,
        }
        assert record["requestPayload"] == event
        assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST",
                                             "functionError": "Unhandled"}
        assert record["responsePayload"]["errorType"] == "NoSuchKey"

        assert _alarm_state(endpoint, cloudwatch, alarm) == "ALARM"

        # The object becomes readable; the redrive verb re-invokes and empties the queue.
        s3.put_object(Bucket=code_bucket, Key="iot/late.json", Body=b'{"ok": true}')
        monkeypatch.setenv("DATALAKE_BUILD_DIR", str(tmp_path))  # no saved outputs: names
        assert main(["redrive", "validation", "--stack-name", stack_name, "--dry-run"]) == 0
        assert f"would redrive: {request_id}  s3://{code_bucket}/iot/late.json" in (
            capsys.readouterr().out
        )
        _wait(lambda: _depth(sqs, url) == (1, 0))  # the dry run left it visible
        assert main(["redrive", "validation", "--stack-name", stack_name]) == 0
        assert "1 redriven, 0 failed, 0 unreadable" in capsys.readouterr().out
        assert _depth(sqs, url) == (0, 0)
        validated = _wait(lambda: _object(s3, code_bucket, "validated/iot/late.json"))
        assert validated == b'{"ok": true}'
        assert _depth(sqs, url) == (0, 0)  # the redriven event succeeded: nothing came back
        # (The alarm returns to OK once a whole 5-minute period holds only zero depths, as on
        # AWS: not waited for here.)
        assert outputs is not None
    finally:
        s3.delete_object(Bucket=code_bucket, Key="iot/late.json")
        s3.delete_object(Bucket=code_bucket, Key="validated/iot/late.json")
        s3.delete_object(Bucket=code_bucket, Key="code/validation.zip")
        stacks.destroy(stack_name)


def _object(s3, bucket, key):
    try:
        return s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except s3.exceptions.NoSuchKey:
        return None
