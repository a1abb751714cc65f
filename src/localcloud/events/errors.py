"""Errors of the EventBridge emulation."""

from __future__ import annotations

from localcloud.errors import AwsError


class ValidationException(AwsError):
    code = "ValidationException"
