"""The S3 event notification record, as S3 sends it to Lambda (pure)."""

from __future__ import annotations

import itertools
import threading
import time
from urllib.parse import quote_plus

_counter = itertools.count()
_lock = threading.Lock()


def next_sequencer() -> str:
    """An increasing hex string: S3's `sequencer` orders events for the same key."""
    with _lock:
        return f"{time.time_ns():016X}{next(_counter) % 256:02X}"


def event_time(now: float | None = None) -> str:
    now = time.time() if now is None else now
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now % 1 * 1000):03d}Z"


def build_record(
    *, event_name: str, region: str, bucket: str, key: str, configuration_id: str,
    owner_id: str, principal_id: str, source_ip: str, request_id: str, host_id: str,
    size: int | None = None, etag: str | None = None, version_id: str | None = None,
    sequencer: str | None = None, now: float | None = None,
) -> dict:
    """One record of `{"Records": [...]}` (eventVersion 2.1)."""
    obj: dict = {"key": quote_plus(key, safe="/")}  # S3 URL-encodes keys, spaces as '+'
    if size is not None:
        obj["size"] = size
    if etag is not None:
        obj["eTag"] = etag.strip('"')
    if version_id:
        obj["versionId"] = version_id
    obj["sequencer"] = sequencer or next_sequencer()
    return {
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "awsRegion": region,
        "eventTime": event_time(now),
        "eventName": event_name,
        "userIdentity": {"principalId": principal_id},
        "requestParameters": {"sourceIPAddress": source_ip},
        "responseElements": {"x-amz-request-id": request_id, "x-amz-id-2": host_id},
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": configuration_id,
            "bucket": {
                "name": bucket,
                "ownerIdentity": {"principalId": owner_id},
                "arn": f"arn:aws:s3:::{bucket}",
            },
            "object": obj,
        },
    }
