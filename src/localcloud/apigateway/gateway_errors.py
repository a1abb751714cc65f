"""API Gateway's own error answers (gateway responses): status, type and body (pure)."""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class GatewayError(Exception):
    """An answer API Gateway gives itself, before or instead of the integration."""

    status: int
    response_type: str  # the GatewayResponse type that can customise it
    message: str
    error_type: str  # x-amzn-ErrorType header
    detail: str = ""  # for the execution log only (validation errors, Lambda errors)

    def body(self) -> bytes:
        return json.dumps({"message": self.message}).encode()


def missing_token() -> GatewayError:
    # API Gateway answers an unknown path or method with 403, not 404.
    return GatewayError(403, "MISSING_AUTHENTICATION_TOKEN", "Missing Authentication Token",
                        "MissingAuthenticationTokenException")


def invalid_api_key() -> GatewayError:
    return GatewayError(403, "INVALID_API_KEY", "Forbidden", "ForbiddenException")


def invalid_signature(message: str) -> GatewayError:
    return GatewayError(403, "INVALID_SIGNATURE", message, "InvalidSignatureException")


def incomplete_signature(message: str) -> GatewayError:
    return GatewayError(403, "MISSING_AUTHENTICATION_TOKEN", message,
                        "IncompleteSignatureException")


def unrecognized_client() -> GatewayError:
    return GatewayError(403, "UNAUTHORIZED", "The security token included in the request is "
                        "invalid.", "UnrecognizedClientException")


def throttled() -> GatewayError:
    return GatewayError(429, "THROTTLED", "Too Many Requests", "TooManyRequestsException")


def quota_exceeded() -> GatewayError:
    return GatewayError(429, "QUOTA_EXCEEDED", "Limit Exceeded", "LimitExceededException")


def bad_body(detail: str) -> GatewayError:
    return GatewayError(400, "BAD_REQUEST_BODY", "Invalid request body", "BadRequestException",
                        detail)


def bad_parameters(missing: list[str]) -> GatewayError:
    text = f"Missing required request parameters: [{', '.join(missing)}]"
    return GatewayError(400, "BAD_REQUEST_PARAMETERS", text, "BadRequestException", text)


def too_large() -> GatewayError:
    return GatewayError(413, "REQUEST_TOO_LARGE", "Request Too Long", "RequestTooLongException")


def integration_failed(detail: str) -> GatewayError:
    return GatewayError(502, "DEFAULT_5XX", "Internal server error", "InternalServerErrorException",
                        detail)


def configuration_error(detail: str) -> GatewayError:
    return GatewayError(500, "API_CONFIGURATION_ERROR", "Internal server error",
                        "InternalServerErrorException", detail)


def integration_timeout() -> GatewayError:
    return GatewayError(504, "INTEGRATION_TIMEOUT", "Endpoint request timed out",
                        "InternalServerErrorException", "Execution failed: integration timeout")
