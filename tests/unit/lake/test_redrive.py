"""Redrive of failed validation events with fake SQS and Lambda clients."""

import json

import pytest

from datalake.redrive import UnreadableRecord, parse_failure, redrive_failures

EVENT = {"Records": [{"s3": {"bucket": {"name": "stk-raw"},
                             "object": {"key": "iot/year%3D2026/a+b.json"}}}]}


def _record(request_id, event=EVENT):
    return json.dumps({
        "version": "1.0",
        "timestamp": "2026-12-02T12:00:00.000Z",
        "requestContext": {"requestId": request_id, "functionArn": "arn:…:stk-validation:$LATEST",
                           "condition": "RetriesExhausted", "approximateInvokeCount": 3},
        "requestPayload": event,
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST",
                            "functionError": "Unhandled"},
        "responsePayload": {"errorMessage": "boom", "errorType": "ValueError"},
    })


class FakeSqs:
    """Messages with visibility, as ReceiveMessage/DeleteMessage/ChangeMessageVisibility see
    them."""

    def __init__(self, bodies):
        self.messages = {f"m{i}": {"Body": b, "visible": True} for i, b in enumerate(bodies)}
        self.deleted = []

    def receive_message(self, QueueUrl, MaxNumberOfMessages, **kwargs):
        out = []
        for mid, m in self.messages.items():
            if m["visible"] and len(out) < MaxNumberOfMessages:
                m["visible"] = False
                out.append({"MessageId": mid, "ReceiptHandle": "h-" + mid, "Body": m["Body"]})
        return {"Messages": out} if out else {}

    def delete_message(self, QueueUrl, ReceiptHandle):
        mid = ReceiptHandle.removeprefix("h-")
        self.deleted.append(mid)
        del self.messages[mid]

    def change_message_visibility(self, QueueUrl, ReceiptHandle, VisibilityTimeout):
        assert VisibilityTimeout == 0
        self.messages[ReceiptHandle.removeprefix("h-")]["visible"] = True


class FakeLambda:
    def __init__(self, refuse=()):
        self.invoked, self.refuse = [], set(refuse)

    def invoke(self, FunctionName, InvocationType, Payload):
        assert (FunctionName, InvocationType) == ("stk-validation", "Event")
        event = json.loads(Payload)
        if event.get("refuse"):
            raise RuntimeError("TooManyRequestsException")
        self.invoked.append(event)
        return {"StatusCode": 202}


def test_parse_on_failure_record():
    event = parse_failure({"MessageId": "m", "ReceiptHandle": "h", "Body": _record("r-1")})
    assert (event.request_id, event.condition, event.attempts, event.error) == (
        "r-1", "RetriesExhausted", 3, "ValueError: boom")
    assert event.payload == EVENT
    assert event.objects == ["s3://stk-raw/iot/year=2026/a b.json"]


def test_parse_dead_letter_message_and_refuse_others():
    event = parse_failure({
        "MessageId": "m", "ReceiptHandle": "h", "Body": json.dumps(EVENT),
        "MessageAttributes": {"RequestID": {"StringValue": "r-2"},
                              "ErrorMessage": {"StringValue": "boom"}},
    })
    assert (event.payload, event.request_id, event.error) == (EVENT, "r-2", "boom")
    with pytest.raises(UnreadableRecord):
        parse_failure({"MessageId": "m", "ReceiptHandle": "h", "Body": "not json"})
    with pytest.raises(UnreadableRecord):
        parse_failure({"MessageId": "m", "ReceiptHandle": "h", "Body": '{"a": 1}'})


def test_redrive_invokes_each_event_then_deletes_it():
    sqs = FakeSqs([_record(f"r-{i}") for i in range(12)])  # more than one receive batch
    lam = FakeLambda()
    report = redrive_failures(sqs, lam, "url", "stk-validation")
    assert report.counts == {"redriven": 12, "failed": 0, "unreadable": 0}
    assert lam.invoked == [EVENT] * 12
    assert sqs.messages == {}


def test_refused_invoke_and_unreadable_record_stay_in_the_queue():
    sqs = FakeSqs([_record("r-ok"), _record("r-no", {"refuse": True}), "garbage"])
    report = redrive_failures(sqs, FakeLambda(), "url", "stk-validation")
    assert report.counts == {"redriven": 1, "failed": 1, "unreadable": 1}
    assert report.failed[0][0].request_id == "r-no"
    assert "TooManyRequestsException" in report.failed[0][1]
    assert sqs.deleted == ["m0"] and set(sqs.messages) == {"m1", "m2"}


def test_dry_run_lists_without_invoking_and_leaves_everything_visible():
    sqs = FakeSqs([_record("r-1"), _record("r-2")])
    lam = FakeLambda()
    report = redrive_failures(sqs, lam, "url", "stk-validation", dry_run=True)
    assert [e.request_id for e in report.redriven] == ["r-1", "r-2"]
    assert lam.invoked == [] and sqs.deleted == []
    assert all(m["visible"] for m in sqs.messages.values())


def test_max_limits_the_records_taken():
    sqs = FakeSqs([_record(f"r-{i}") for i in range(5)])
    report = redrive_failures(sqs, FakeLambda(), "url", "stk-validation", max_events=2)
    assert report.counts["redriven"] == 2 and len(sqs.messages) == 3
