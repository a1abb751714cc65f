"""Publishing: record each message, and deliver it to the topic's subscriptions. SQS and the
recorded protocols (email, email-json, sms, application) are done before Publish answers;
Lambda and HTTP(S) deliveries run on a background worker, as they are asynchronous on AWS.
Nothing leaves the machine: HTTP(S) goes only to loopback and private addresses."""

from __future__ import annotations

import functools
import ipaddress
import json
import logging
import queue
import socket
import threading
import uuid
from collections import deque
from typing import Any
from urllib.parse import urlparse

import requests
from botocore.exceptions import BotoCoreError, ClientError

from localcloud.events.patterns import PatternError, matches, parse_pattern
from localcloud.sns import messages

_logger = logging.getLogger(__name__)
_MAX_LOG = 2000
_RECORDED = {"email", "email-json", "sms", "application", "firehose"}


class SnsDelivery:
    """The delivery log and the senders of one local cloud."""

    def __init__(self, client, clock, region: str, endpoint: str) -> None:
        self.client = client
        self.clock = clock
        self.region = region
        self.endpoint = endpoint
        self.log: deque = deque(maxlen=_MAX_LOG)
        self._lock = threading.Lock()
        self._queue: queue.Queue = queue.Queue()
        self._worker: threading.Thread | None = None

    def publish(
        self,
        topic_arn: str | None,
        message: str,
        subject: str | None = None,
        attributes: dict | None = None,
        structure: str | None = None,
        phone_number: str | None = None,
        group_id: str | None = None,
    ) -> dict:
        """Record and deliver one message; returns its log record (with MessageId)."""
        record = {
            "MessageId": str(uuid.uuid4()),
            "TopicArn": topic_arn,
            "Subject": subject,
            "Message": message,
            "MessageAttributes": attributes or {},
            "MessageStructure": structure,
            "Timestamp": messages.sns_timestamp(self.clock.now()),
            "MessageGroupId": group_id,
            "deliveries": [],
        }
        with self._lock:
            self.log.append(record)
        if phone_number:  # a direct SMS: recorded only
            self._note(record, {"protocol": "sms", "endpoint": phone_number, "status": "recorded"})
            return record
        for subscription in self._subscriptions(topic_arn):
            self._deliver(record, subscription)
        return record

    def _subscriptions(self, topic_arn: str) -> list[dict]:
        sns, subs, token = self.client("sns"), [], None
        while True:
            kwargs = {"TopicArn": topic_arn, **({"NextToken": token} if token else {})}
            page = sns.list_subscriptions_by_topic(**kwargs)
            subs.extend(page.get("Subscriptions", []))
            token = page.get("NextToken")
            if not token:
                return subs

    def _attributes(self, subscription_arn: str) -> dict:
        try:
            reply = self.client("sns").get_subscription_attributes(SubscriptionArn=subscription_arn)
            return reply.get("Attributes", {})
        except (ClientError, BotoCoreError):
            return {}

    def _deliver(self, record: dict, subscription: dict) -> None:
        protocol, endpoint = subscription["Protocol"], subscription["Endpoint"]
        arn = subscription["SubscriptionArn"]
        entry = {"protocol": protocol, "endpoint": endpoint, "subscription_arn": arn}
        attributes = self._attributes(arn) if arn.startswith("arn:") else {}
        if not self._passes_filter(record, attributes):
            self._note(record, {**entry, "status": "filtered"})
            return
        raw = attributes.get("RawMessageDelivery", "false").lower() == "true"
        if protocol in _RECORDED:
            self._note(record, {**entry, "status": "recorded"})
        elif protocol == "sqs":
            self._note(record, self._send(entry, lambda: self._to_sqs(record, arn, endpoint, raw)))
        elif protocol in ("lambda", "http", "https"):
            self._queue.put((record, entry, raw))
            self._ensure_worker()
        else:
            self._note(
                record, {**entry, "status": "failed", "error": f"unsupported protocol {protocol}"}
            )

    def _passes_filter(self, record: dict, attributes: dict) -> bool:
        policy_text = attributes.get("FilterPolicy")
        if not policy_text:
            return True
        try:
            policy = parse_pattern(policy_text)
        except (PatternError, ValueError):
            return True
        if attributes.get("FilterPolicyScope") == "MessageBody":
            try:
                return matches(policy, json.loads(record["Message"]))
            except ValueError:
                return False
        return matches(policy, messages.filter_values(record["MessageAttributes"]))

    def _send(self, entry: dict, action) -> dict:
        try:
            detail = action() or {}
            return {**entry, "status": "delivered", **detail}
        except (ClientError, BotoCoreError, requests.RequestException, ValueError) as error:
            _logger.warning("SNS delivery to %s failed: %s", entry["endpoint"], error)
            return {**entry, "status": "failed", "error": str(error)}

    def _to_sqs(self, record: dict, arn: str, queue_arn: str, raw: bool) -> dict:
        parts = queue_arn.split(":")
        sqs = self.client("sqs")
        url = sqs.get_queue_url(QueueName=parts[5], QueueOwnerAWSAccountId=parts[4])["QueueUrl"]
        text = messages.message_for_protocol(record, "sqs")
        kwargs: dict[str, Any] = {}
        if raw:
            body = text
            if record["MessageAttributes"]:
                kwargs["MessageAttributes"] = record["MessageAttributes"]
        else:
            body = json.dumps(
                messages.envelope({**record, "Message": text}, arn, self.region, self.endpoint)
            )
        if queue_arn.endswith(".fifo"):
            kwargs["MessageGroupId"] = record.get("MessageGroupId") or "default"
            kwargs["MessageDeduplicationId"] = record["MessageId"]
        reply = sqs.send_message(QueueUrl=url, MessageBody=body, **kwargs)
        return {"sqs_message_id": reply["MessageId"]}

    def _to_lambda(self, record: dict, arn: str, function: str) -> dict:
        text = messages.message_for_protocol(record, "lambda")
        event = messages.lambda_event({**record, "Message": text}, arn, self.region, self.endpoint)
        self.client("lambda").invoke(
            FunctionName=function, InvocationType="Event", Payload=json.dumps(event)
        )
        return {}

    def _to_http(self, record: dict, arn: str, url: str, protocol: str, raw: bool) -> dict:
        if not _is_local(url):
            raise ValueError(f"{url}: the local cloud only delivers to local addresses")
        text = messages.message_for_protocol(record, protocol)
        doc = messages.envelope({**record, "Message": text}, arn, self.region, self.endpoint)
        reply = requests.post(
            url,
            data=text if raw else json.dumps(doc),
            timeout=10,
            headers={
                "Content-Type": "text/plain; charset=UTF-8",
                "x-amz-sns-message-type": "Notification",
                "x-amz-sns-message-id": record["MessageId"],
                "x-amz-sns-topic-arn": record["TopicArn"] or "",
                "x-amz-sns-subscription-arn": arn,
                **({"x-amz-sns-rawdelivery": "true"} if raw else {}),
            },
        )
        if reply.status_code >= 300:
            raise ValueError(f"{url} answered HTTP {reply.status_code}")
        return {"http_status": reply.status_code}

    # -- background deliveries -----------------------------------------------------------------
    def _ensure_worker(self) -> None:
        with self._lock:
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._work, daemon=True, name="sns-delivery")
                self._worker.start()

    def _work(self) -> None:
        while True:
            try:
                record, entry, raw = self._queue.get(timeout=5)
            except queue.Empty:
                return
            try:
                self._note(
                    record,
                    self._send(entry, functools.partial(self._deliver_async, record, entry, raw)),
                )
            except Exception:
                _logger.exception("SNS delivery crashed")
            finally:
                self._queue.task_done()

    def _deliver_async(self, record: dict, entry: dict, raw: bool) -> dict:
        arn, endpoint = entry["subscription_arn"], entry["endpoint"]
        if entry["protocol"] == "lambda":
            return self._to_lambda(record, arn, endpoint)
        return self._to_http(record, arn, endpoint, entry["protocol"], raw)

    def drain(self, timeout: float = 30) -> None:
        done = threading.Event()
        threading.Thread(target=lambda: (self._queue.join(), done.set()), daemon=True).start()
        done.wait(timeout)

    def _note(self, record: dict, delivery: dict) -> None:
        delivery["time"] = messages.sns_timestamp(self.clock.now())
        with self._lock:
            record["deliveries"].append(delivery)

    # -- reading and persistence ---------------------------------------------------------------
    def messages(self, topic: str | None = None, since: str | None = None) -> list[dict]:
        """Logged messages, oldest first; `topic` matches the ARN or the topic name."""
        self.drain(10)
        with self._lock:
            records = [json.loads(json.dumps(r)) for r in self.log]
        if topic:
            records = [
                r
                for r in records
                if r["TopicArn"]
                and (r["TopicArn"] == topic or r["TopicArn"].rsplit(":", 1)[-1] == topic)
            ]
        if since:
            records = [r for r in records if r["Timestamp"] >= since]
        return records

    def export(self) -> list[dict]:
        with self._lock:
            return [dict(r) for r in self.log]

    def restore(self, records: list[dict]) -> None:
        with self._lock:
            self.log.extend(records or [])


def _is_local(url: str) -> bool:
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(socket.gethostbyname(host))
    except (OSError, ValueError):
        return False
    return address.is_loopback or address.is_private
