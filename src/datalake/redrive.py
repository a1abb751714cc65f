"""Redrive failed validation events: read the records Lambda left in the failures queue (its
on-failure destination) and invoke the validation function again, asynchronously, with each
original S3 event.

A message is deleted only after Lambda accepted the new invocation (202); one that cannot be
read or re-invoked stays in the queue (visible again after its visibility timeout) and is
counted. Pure parsing (`parse_failure`) is apart from the queue and Lambda calls
(`redrive_failures`). Decision 143; runbook: docs/runbooks.md, "Failed validation events".
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from urllib.parse import unquote_plus

_logger = logging.getLogger(__name__)

RECEIVE_BATCH = 10  # SQS ReceiveMessage maximum
# Long enough to invoke a batch; a crashed redrive leaves its messages visible again soon after.
VISIBILITY_TIMEOUT_S = 60
# Long polling asks every SQS server; a short poll may answer empty while a small queue holds
# messages.
WAIT_S = 1


class UnreadableRecord(ValueError):
    """A queue message that is neither an invocation record nor an event."""


@dataclass(frozen=True)
class FailedEvent:
    """One failure record: the event to invoke again and why it failed."""

    message_id: str
    receipt_handle: str
    payload: dict
    request_id: str = ""
    condition: str = ""  # RetriesExhausted or EventAgeExceeded (on-failure records)
    attempts: int | None = None
    error: str = ""  # "ErrorType: message" of the last attempt

    @property
    def objects(self) -> list[str]:
        """`s3://bucket/key` of each S3 record of the event (keys decoded as S3 encodes them)."""
        found = []
        for record in self.payload.get("Records", []) if isinstance(self.payload, dict) else []:
            s3 = record.get("s3") or {}
            bucket = (s3.get("bucket") or {}).get("name", "?")
            key = unquote_plus((s3.get("object") or {}).get("key", "?"))
            found.append(f"s3://{bucket}/{key}")
        return found


@dataclass
class RedriveReport:
    """What one redrive did (or, dry run, would do)."""

    dry_run: bool
    redriven: list[FailedEvent] = field(default_factory=list)  # invoked and deleted
    failed: list[tuple[FailedEvent, str]] = field(default_factory=list)  # invoke refused
    unreadable: list[str] = field(default_factory=list)  # message ids left in the queue

    @property
    def counts(self) -> dict[str, int]:
        return {"redriven": len(self.redriven), "failed": len(self.failed),
                "unreadable": len(self.unreadable)}


def parse_failure(message: dict) -> FailedEvent:
    """A FailedEvent from one ReceiveMessage message: an on-failure invocation record
    (`requestPayload`, `requestContext`, `responsePayload`), or a dead-letter message (the event
    itself, with `RequestID`/`ErrorMessage` attributes)."""
    try:
        body = json.loads(message["Body"])
    except (KeyError, ValueError) as error:
        raise UnreadableRecord(f"message {message.get('MessageId')}: not JSON ({error})") from None
    if not isinstance(body, dict):
        raise UnreadableRecord(f"message {message.get('MessageId')}: not a JSON object")
    common = {"message_id": message["MessageId"], "receipt_handle": message["ReceiptHandle"]}
    if "requestContext" in body and "requestPayload" in body:
        context = body["requestContext"] or {}
        response = body.get("responsePayload")
        error = ""
        if isinstance(response, dict) and ("errorType" in response or "errorMessage" in response):
            error = f"{response.get('errorType', 'Error')}: {response.get('errorMessage', '')}"
        return FailedEvent(payload=body["requestPayload"], request_id=context.get("requestId", ""),
                           condition=context.get("condition", ""),
                           attempts=context.get("approximateInvokeCount"), error=error, **common)
    if "Records" in body:
        attributes = message.get("MessageAttributes") or {}
        return FailedEvent(
            payload=body,
            request_id=(attributes.get("RequestID") or {}).get("StringValue", ""),
            error=(attributes.get("ErrorMessage") or {}).get("StringValue", ""),
            **common,
        )
    raise UnreadableRecord(f"message {message['MessageId']}: no requestPayload and no Records")


def redrive_failures(sqs, lam, queue_url: str, function_name: str, *, dry_run: bool = False,
                     max_events: int | None = None) -> RedriveReport:
    """Invoke `function_name` asynchronously again with the event of each failure record in
    `queue_url` (at most `max_events`), deleting each message once Lambda accepted the
    invocation. A dry run invokes nothing and deletes nothing: it lists the records and makes
    them visible again at once."""
    report = RedriveReport(dry_run)
    seen: set[str] = set()
    while max_events is None or len(seen) < max_events:
        want = RECEIVE_BATCH if max_events is None else min(RECEIVE_BATCH, max_events - len(seen))
        messages = sqs.receive_message(
            QueueUrl=queue_url, MaxNumberOfMessages=want, WaitTimeSeconds=WAIT_S,
            VisibilityTimeout=VISIBILITY_TIMEOUT_S, MessageAttributeNames=["All"],
        ).get("Messages", [])
        fresh = [m for m in messages if m["MessageId"] not in seen]
        if not fresh:
            break
        for message in fresh:
            seen.add(message["MessageId"])
            _redrive_one(sqs, lam, queue_url, function_name, message, report)
    if dry_run:
        for event in report.redriven:  # listed only: visible again for the real redrive
            sqs.change_message_visibility(QueueUrl=queue_url,
                                          ReceiptHandle=event.receipt_handle,
                                          VisibilityTimeout=0)
    _logger.info("redrive of %s: %s%s", function_name, report.counts,
                 " (dry run)" if dry_run else "")
    return report


def _redrive_one(sqs, lam, queue_url: str, function_name: str, message: dict,
                 report: RedriveReport) -> None:
    try:
        event = parse_failure(message)
    except UnreadableRecord as error:
        _logger.warning("left in the queue: %s", error)
        report.unreadable.append(message["MessageId"])
        return
    if report.dry_run:
        report.redriven.append(event)
        return
    try:
        answer = lam.invoke(FunctionName=function_name, InvocationType="Event",
                            Payload=json.dumps(event.payload).encode())
        accepted = answer.get("StatusCode") == 202
        reason = "" if accepted else f"Invoke answered {answer.get('StatusCode')}"
    except Exception as error:  # botocore ClientError, throttling, endpoint down
        accepted, reason = False, f"{type(error).__name__}: {error}"
    if not accepted:
        _logger.warning("not redriven (left in the queue): %s: %s", event.request_id, reason)
        report.failed.append((event, reason))
        return
    sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=event.receipt_handle)
    report.redriven.append(event)
