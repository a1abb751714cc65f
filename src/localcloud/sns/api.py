"""SNS Publish answered here (query protocol, XML replies) and the private route
`GET /_datalake/sns/messages?topic=&since=` listing the delivery log."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from xml.sax.saxutils import escape

from botocore.exceptions import ClientError

from localcloud.registry import Response
from localcloud.routing import ApiCall
from localcloud.sns import messages
from localcloud.sns.delivery import SnsDelivery
from localcloud.sns.errors import InvalidParameter, NotFound

_XMLNS = "http://sns.amazonaws.com/doc/2010-03-31/"


class SnsApi:
    def __init__(self, delivery: SnsDelivery, client) -> None:
        self.delivery = delivery
        self.client = client

    def publish(self, call: ApiCall) -> Response:
        form = call.form()
        topic = form.get("TopicArn") or form.get("TargetArn")
        phone = form.get("PhoneNumber")
        message = form.get("Message")
        if not message:
            raise InvalidParameter("Invalid parameter: Empty message")
        if not topic and not phone:
            raise InvalidParameter(
                "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter"
            )
        if len(message.encode()) > 256 * 1024:
            raise InvalidParameter("Invalid parameter: Message too long")
        subject = form.get("Subject")
        if subject is not None and (len(subject) > 100 or "\n" in subject):
            raise InvalidParameter("Invalid parameter: Subject")
        if topic:
            self._check_topic(topic)
        if form.get("MessageStructure") == "json":
            self._check_structure(message)
        record = self.delivery.publish(
            topic,
            message,
            subject,
            messages.parse_attributes(form),
            form.get("MessageStructure"),
            phone,
            form.get("MessageGroupId"),
        )
        body = (
            f'<PublishResponse xmlns="{_XMLNS}"><PublishResult><MessageId>'
            f"{escape(record['MessageId'])}</MessageId></PublishResult><ResponseMetadata>"
            f"<RequestId>{escape(record['MessageId'])}</RequestId></ResponseMetadata>"
            "</PublishResponse>"
        )
        return Response(200, {"Content-Type": "text/xml"}, body.encode())

    def _check_topic(self, topic: str) -> None:
        try:
            self.client("sns").get_topic_attributes(TopicArn=topic)
        except ClientError as error:
            if error.response["Error"]["Code"] in ("NotFound", "NotFoundException"):
                raise NotFound("Topic does not exist") from None
            raise

    @staticmethod
    def _check_structure(message: str) -> None:
        import json

        try:
            texts = json.loads(message)
        except ValueError:
            raise InvalidParameter(
                "Invalid parameter: Message Structure - JSON message body failed to parse"
            ) from None
        if not isinstance(texts, dict) or "default" not in texts:
            raise InvalidParameter(
                "Invalid parameter: Message Structure - No default entry in JSON message body"
            )

    def list_messages(self, call: ApiCall) -> Response:
        topic = (call.query.get("topic") or [None])[0]
        since = resolve_since((call.query.get("since") or [None])[0], self.delivery.clock.now())
        return Response.json(
            {"messages": self.delivery.messages(topic, since)}, content_type="application/json"
        )


_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhd])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def resolve_since(since: str | None, now: float) -> str | None:
    """`since` as the log's timestamp text: '30m', '2h', '1d' count back from the cloud's
    (scaled) now; ISO-8601 times are normalized to UTC."""
    if not since:
        return None
    m = _DURATION.match(since.strip())
    if m:
        return messages.sns_timestamp(now - float(m[1]) * _UNIT_SECONDS[m[2]])
    try:
        when = datetime.fromisoformat(since.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InvalidParameter(
            f"since={since!r}: use an ISO-8601 time or a duration such as 30m, 2h, 1d"
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return messages.sns_timestamp(when.timestamp())
