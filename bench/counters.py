"""Count the requests the local cloud answers, by service, and S3 requests by bucket zone and
price tier, so the cost model bills what a run really did (Lambda workers' and Spark's s3a calls
included: they all go through the one endpoint)."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from urllib.parse import unquote

_logger = logging.getLogger(__name__)

ZONES = ("raw", "processed", "curated", "access-logs", "artifacts")
_LIST_PARAMS = ("list-type", "prefix", "delimiter", "versions", "uploads", "marker")
_SERVICES = ("s3", "cloudwatch", "lambda", "glue", "athena", "logs", "apigateway", "sns",
             "stepfunctions", "events", "sts", "iam")


def s3_bucket_of(path: str, host: str = "") -> str:
    """The bucket of a path-style (`/bucket/key`) or virtual-hosted (`bucket.host`) request."""
    segment = unquote(path).lstrip("/").split("/", 1)[0]
    if segment:
        return segment
    first = host.split(":", 1)[0].split(".", 1)
    return first[0] if len(first) == 2 and not first[0].isdigit() else ""


def s3_price_tier(method: str, path: str, query: dict | None = None) -> str:
    """"put" (PUT/COPY/POST/LIST: S3's dearer tier), "get" (GET/HEAD/other) or "free"
    (DELETE). A GET on a bucket (no key) is a LIST."""
    method = method.upper()
    has_key = "/" in unquote(path).lstrip("/").rstrip("/") if path else False
    if method == "DELETE":
        return "free"
    if method in ("PUT", "POST"):
        return "put"
    if method == "GET" and not has_key:
        listing = not query or any(k in query for k in _LIST_PARAMS)
        return "put" if listing else "get"
    return "get"


def zone_of(bucket: str, stack: str) -> str:
    """`{stack}-raw-…` → "raw" etc.; anything else → "other"."""
    for zone in ZONES:
        if bucket.startswith(f"{stack}-{zone}-"):
            return zone
    return "other"


def is_aws_namespace(call) -> bool:
    """Whether a PutMetricData call writes an `AWS/...` namespace (the local cloud's own
    Lambda/Athena metrics, which AWS publishes for free), in any protocol boto3 uses."""
    try:
        if call.protocol == "query":
            return call.form().get("Namespace", "").startswith("AWS/")
        if call.protocol == "json":
            return str(call.json().get("Namespace", "")).startswith("AWS/")
    except ValueError:
        return False
    return b"AWS/" in call.body  # CBOR: the namespace is a plain UTF-8 string in the body


class RequestCounter:
    """An interceptor for LocalCloud (returns None: never answers, only counts)."""

    def __init__(self, stack: str) -> None:
        self.stack = stack
        self._lock = threading.Lock()
        self.calls: Counter = Counter()
        self.s3: Counter = Counter()

    def install(self, cloud) -> None:
        for service in _SERVICES:
            cloud.registry.intercept(service, lambda call: True, self)

    def __call__(self, call) -> None:
        key = (call.service, call.operation or call.method)
        if call.service == "s3":
            bucket = s3_bucket_of(call.path, call.headers.get("host", ""))
            tier = s3_price_tier(call.method, call.path, call.query)
            zone = zone_of(bucket, self.stack)
            with self._lock:
                self.calls[key] += 1
                self.s3[(zone, tier)] += 1
            return None
        if key == ("cloudwatch", "PutMetricData") and is_aws_namespace(call):
            key = ("cloudwatch", "PutMetricData:AWS")  # AWS's own metrics: not billed
        with self._lock:
            self.calls[key] += 1
        return None

    def snapshot(self) -> tuple[Counter, Counter]:
        """Copies of (calls by (service, operation), S3 requests by (zone, tier))."""
        with self._lock:
            return Counter(self.calls), Counter(self.s3)


def difference(after: Counter, before: Counter) -> dict:
    """What was counted between two snapshots (zero entries dropped)."""
    return {k: v - before.get(k, 0) for k, v in after.items() if v - before.get(k, 0)}
