"""Errors of the SNS emulation (query protocol: rendered as XML by the server)."""

from __future__ import annotations

from localcloud.errors import AwsError


class InvalidParameter(AwsError):
    code = "InvalidParameter"


class NotFound(AwsError):
    status = 404
    code = "NotFound"
