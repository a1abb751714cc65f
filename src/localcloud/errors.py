"""AWS-shaped errors: each carries its HTTP status and renders in the caller's protocol."""

from __future__ import annotations

import json
from xml.sax.saxutils import escape


class AwsError(Exception):
    """An error answered to the client as AWS would: status, error code and message."""

    status = 400
    code = "ValidationException"

    def __init__(self, message: str, code: str | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if status:
            self.status = status


class NotImplementedOperation(AwsError):
    """An operation this local cloud neither emulates nor passes to moto: never a silent success."""

    status = 501
    code = "NotImplemented"


class ResourceNotFound(AwsError):
    status = 400
    code = "ResourceNotFoundException"


class Forbidden(AwsError):
    status = 403
    code = "ForbiddenException"


def render_error(error: AwsError, protocol: str) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) for `error` in the wire protocol the caller used."""
    if protocol in ("json", "rest-json"):
        body = json.dumps(
            {"__type": error.code, "message": error.message, "Message": error.message}
        )
        headers = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-ErrorType": error.code}
        return error.status, headers, body.encode()
    if protocol == "query":
        body = (
            "<ErrorResponse><Error><Type>Sender</Type>"
            f"<Code>{escape(error.code)}</Code><Message>{escape(error.message)}</Message>"
            "</Error><RequestId>localcloud</RequestId></ErrorResponse>"
        )
        return error.status, {"Content-Type": "text/xml"}, body.encode()
    body = (
        f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{escape(error.code)}</Code>"
        f"<Message>{escape(error.message)}</Message><RequestId>localcloud</RequestId></Error>"
    )
    return error.status, {"Content-Type": "application/xml"}, body.encode()
