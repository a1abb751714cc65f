"""A client of the deployed ingestion API: what an external system does to send events."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from typing import Any

import requests

from datalake import aws

_logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestResponse:
    """One HTTP answer of POST /ingest."""

    status: int
    body: Any
    headers: dict[str, str]

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def get_api_key(api_key_id: str, target: str | None = "local") -> str:
    """The value of the deployed API key (what clients send as x-api-key)."""
    return aws.client("apigateway", target).get_api_key(apiKey=api_key_id, includeValue=True)[
        "value"
    ]


def post_events(
    api_url: str,
    events: dict | list[dict],
    api_key: str | None = None,
    *,
    raw_body: bytes | None = None,
    content_type: str = "application/json",
    timeout: float = 60.0,
) -> IngestResponse:
    """POST one event (a dict) or a batch (a list) to `{api_url}/ingest`.

    `raw_body` sends bytes as they are (to show what malformed input gets back)."""
    if raw_body is None:
        payload = {"events": events} if isinstance(events, list) else events
        raw_body = json.dumps(payload).encode()
    headers = {"Content-Type": content_type}
    if api_key:
        headers["x-api-key"] = api_key
    reply = requests.post(f"{api_url.rstrip('/')}/ingest", data=raw_body, headers=headers,
                          timeout=timeout)
    try:
        body = reply.json()
    except ValueError:
        body = reply.text
    return IngestResponse(reply.status_code, body, dict(reply.headers))


def send_batches(
    api_url: str,
    events: list[dict],
    api_key: str | None,
    *,
    batch_size: int = 500,
    retries: int = 3,
    backoff: float = 0.5,
    progress=None,
) -> dict[str, int]:
    """Send `events` in batches, retrying 429 and 5xx answers with backoff as a real client
    would; returns counts of accepted and rejected events and of failed requests."""
    totals = {"requests": 0, "accepted": 0, "rejected": 0, "failed_requests": 0}
    for start in range(0, len(events), batch_size):
        batch = events[start : start + batch_size]
        for attempt in range(retries + 1):
            reply = post_events(api_url, batch, api_key)
            totals["requests"] += 1
            if reply.status != 429 and reply.status < 500:
                break
            time.sleep(backoff * 2**attempt)
        if reply.ok and isinstance(reply.body, dict):
            totals["accepted"] += int(reply.body.get("accepted", 0))
            totals["rejected"] += int(reply.body.get("rejected", 0))
        else:
            totals["failed_requests"] += 1
            totals["rejected"] += len(batch)
            _logger.warning("batch at %d not accepted: %s %s", start, reply.status, reply.body)
        if progress is not None:
            progress.update(len(batch))
    return totals
