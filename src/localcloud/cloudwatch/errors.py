"""Errors of the CloudWatch emulation."""

from __future__ import annotations

from localcloud.errors import AwsError


class InvalidParameterValue(AwsError):
    code = "InvalidParameterValue"
