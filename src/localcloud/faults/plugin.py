"""Applies fault settings to S3 PutObject (before moto) and exposes `/_datalake/faults`."""

from __future__ import annotations

import json
import logging
import time

from localcloud.clients import INTERNAL_AGENT
from localcloud.errors import AwsError
from localcloud.faults.settings import FaultSettings
from localcloud.registry import Response
from localcloud.s3events.calls import bucket_and_key

_logger = logging.getLogger(__name__)

ORDER = 5


def is_put_object(call) -> bool:
    """A client's S3 PutObject (not a part upload, copy or sub-resource PUT)."""
    if call.method != "PUT" or INTERNAL_AGENT in (call.header("user-agent") or ""):
        return False
    _, key = bucket_and_key(call.path, call.header("host"))
    if not key or "x-amz-copy-source" in call.headers:
        return False
    return not ({"uploadId", "partNumber", "tagging", "acl", "retention", "legal-hold"}
                & set(call.query))


def install(cloud) -> None:
    settings = FaultSettings(dict(cloud.config.faults or {}))
    cloud.services["faults"] = settings
    sleep = time.sleep

    def intercept(call):
        latency = settings.get("s3_put_latency_ms")
        if latency and settings.chance("s3_put_latency_rate", default=1.0):
            sleep(latency / 1000.0)
        if settings.chance("s3_put_error_rate"):
            _logger.info("fault injection: failing PutObject %s", call.path)
            if int(settings.get("s3_put_error_status", 500)) == 503:
                raise AwsError("Please reduce your request rate.", "SlowDown", 503)
            raise AwsError("We encountered an internal error. Please try again.",
                           "InternalError", 500)
        return None

    def change(call) -> Response:
        try:
            settings.replace(call.json())
        except (ValueError, TypeError) as error:
            raise AwsError(str(error), "InvalidFaultSettings", 400) from None
        return _json(settings.as_dict())

    cloud.registry.intercept("s3", is_put_object, intercept)
    cloud.registry.route("GET", r"^/_datalake/faults$", lambda call: _json(settings.as_dict()))
    cloud.registry.route("POST", r"^/_datalake/faults$", change)
    cloud.registry.health("faults", lambda: {"status": "ok", "active": settings.as_dict()})


def _json(data) -> Response:
    return Response(200, {"Content-Type": "application/json"}, json.dumps(data).encode())
