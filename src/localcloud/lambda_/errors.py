"""Lambda's API errors, with the status and code the Lambda API answers."""

from __future__ import annotations

from localcloud.errors import AwsError


class ResourceNotFound(AwsError):
    status = 404
    code = "ResourceNotFoundException"


class InvalidParameterValue(AwsError):
    status = 400
    code = "InvalidParameterValueException"


class InvalidRequestContent(AwsError):
    status = 400
    code = "InvalidRequestContentException"


class RequestTooLarge(AwsError):
    status = 413
    code = "RequestTooLargeException"


class TooManyRequests(AwsError):
    """Throttled: the function's reserved or the account's concurrency is used up."""

    status = 429
    code = "TooManyRequestsException"

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason
