"""The AWS cost model: what a measured run would cost on AWS, per million events.

Pure: usage counted by a run (requests, billed durations, bytes) times the list prices below.
No I/O, so `tests/unit/bench/` checks it with literals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

MILLION = 1_000_000
MB = 1024 * 1024
GB = 1024**3
TB = 1024**4

# us-east-1 list prices. This machine has no web access to aws.amazon.com; see PRICES_SOURCE.
PRICES_DATE = "June 2025"
PRICES_SOURCE = (
    "the published list prices as known at that date. On 2026-11-25 the REST API, Glue, "
    "Athena and CloudWatch request rates were checked against stored copies of public pages "
    "(AWS's whitepaper *Best Practices for Designing Amazon API Gateway Private APIs and "
    "Private Integration*, table 4, for REST APIs; athena.guide and Stanford's research "
    "computing pages for Athena's $5 per TB with a 10 MB minimum; pricing write-ups of "
    "2025–2026 for Glue's $0.44 per DPU-hour billed per second with a 1-minute minimum, and "
    "for CloudWatch's $0.01 per 1,000 metric API requests); all agreed. Lambda and S3 rates "
    "were not re-checked."
)
PRICES = {
    "apigateway_rest_per_million": 3.50,  # REST API requests, first 333 million a month
    "lambda_request_per_million": 0.20,
    "lambda_gb_second": 0.0000166667,  # x86; billed per 1 ms since December 2020
    "s3_put_per_1000": 0.005,  # PUT, COPY, POST, LIST (S3 Standard)
    "s3_get_per_1000": 0.0004,  # GET, HEAD and all other requests (DELETE is free)
    "s3_gb_month": 0.023,  # S3 Standard, first 50 TB a month
    "cloudwatch_put_metric_per_1000": 0.01,  # PutMetricData API requests
    "glue_dpu_hour": 0.44,  # Glue 2.0+ ETL jobs: per second, 1-minute minimum per run
    "athena_per_tb": 5.00,  # bytes scanned, 10 MB minimum per query
}
PRICE_NOTES = {
    "apigateway_rest_per_million": "API Gateway REST API, per million requests (first 333 M)",
    "lambda_request_per_million": "Lambda, per million requests",
    "lambda_gb_second": "Lambda x86 duration, per GB-second (1 ms granularity)",
    "s3_put_per_1000": "S3 Standard PUT/COPY/POST/LIST, per 1,000 requests",
    "s3_get_per_1000": "S3 Standard GET/HEAD/other, per 1,000 requests",
    "s3_gb_month": "S3 Standard storage, per GB-month (first 50 TB)",
    "cloudwatch_put_metric_per_1000": "CloudWatch PutMetricData, per 1,000 requests",
    "glue_dpu_hour": "Glue ETL (5.x), per DPU-hour, per-second billing, 1-minute minimum",
    "athena_per_tb": "Athena SQL, per TB scanned, 10 MB minimum per query",
}
GLUE_MINIMUM_SECONDS = 60  # Glue 2.0 and later (5.x included)
ATHENA_MINIMUM_BYTES = 10 * MB
G1X_DPU_PER_WORKER = 1


@dataclass(frozen=True)
class LineItem:
    """One row of the bill: what, how much per million events, at which price, in USD."""

    component: str
    detail: str
    quantity: float
    unit: str
    usd: float


@dataclass
class IngestUsage:
    """What sending `events` events through the API cost in requests and compute.

    `lambda_billed_ms` and `lambda_invocations` are per function name; `s3_requests` is keyed
    by (zone, "put" | "get")."""

    events: int
    api_requests: int
    lambda_invocations: dict[str, int] = field(default_factory=dict)
    lambda_billed_ms: dict[str, float] = field(default_factory=dict)
    lambda_memory_mb: dict[str, int] = field(default_factory=dict)
    s3_requests: dict[tuple[str, str], int] = field(default_factory=dict)
    cloudwatch_put_requests: int = 0


def lambda_gb_seconds(billed_ms: float, memory_mb: int) -> float:
    """GB-seconds Lambda bills for `billed_ms` of duration at `memory_mb`."""
    if billed_ms < 0 or memory_mb <= 0:
        raise ValueError(f"billed_ms must be >= 0 and memory_mb > 0, got {billed_ms}, {memory_mb}")
    return billed_ms / 1000.0 * memory_mb / 1024.0


def glue_billed_seconds(seconds: float, minimum: float = GLUE_MINIMUM_SECONDS) -> float:
    """A Glue job run's billed seconds: whole seconds, at least `minimum`."""
    if seconds < 0:
        raise ValueError(f"seconds must be >= 0, got {seconds}")
    return max(float(minimum), float(math.ceil(seconds)))


def athena_billed_bytes(scanned: int, minimum: int = ATHENA_MINIMUM_BYTES) -> int:
    """Bytes Athena bills for one query: at least `minimum` (10 MB)."""
    if scanned < 0:
        raise ValueError(f"scanned must be >= 0, got {scanned}")
    return max(int(minimum), int(scanned))


def _per_million(value: float, events: int) -> float:
    if events <= 0:
        raise ValueError(f"events must be > 0, got {events}")
    return value * MILLION / events


def ingestion_items(usage: IngestUsage, prices: dict[str, float] = PRICES) -> list[LineItem]:
    """API Gateway, Lambda (requests and duration), S3 requests and CloudWatch PutMetricData
    per million events, scaled from what `usage.events` events needed."""
    n = usage.events
    requests = _per_million(usage.api_requests, n)
    items = [
        LineItem("API Gateway", "REST requests", requests, "requests",
                 requests / MILLION * prices["apigateway_rest_per_million"]),
    ]
    for name in sorted(usage.lambda_invocations):
        calls = _per_million(usage.lambda_invocations[name], n)
        memory = usage.lambda_memory_mb.get(name, 128)
        gb_s = _per_million(lambda_gb_seconds(usage.lambda_billed_ms.get(name, 0.0), memory), n)
        items.append(LineItem(f"Lambda {name}", "requests", calls, "invocations",
                              calls / MILLION * prices["lambda_request_per_million"]))
        items.append(LineItem(f"Lambda {name}", f"duration at {memory} MB", gb_s, "GB-s",
                              gb_s * prices["lambda_gb_second"]))
    for (zone, tier) in sorted(usage.s3_requests):
        count = _per_million(usage.s3_requests[(zone, tier)], n)
        price = prices["s3_put_per_1000"] if tier == "put" else prices["s3_get_per_1000"]
        label = "PUT/COPY/POST/LIST" if tier == "put" else "GET/HEAD"
        items.append(LineItem(f"S3 {zone}", label, count, "requests", count / 1000 * price))
    if usage.cloudwatch_put_requests:
        count = _per_million(usage.cloudwatch_put_requests, n)
        items.append(LineItem("CloudWatch", "PutMetricData", count, "requests",
                              count / 1000 * prices["cloudwatch_put_metric_per_1000"]))
    return items


def glue_items(
    runs: list[tuple[str, float, int]], prices: dict[str, float] = PRICES
) -> list[LineItem]:
    """One line per job run `(job, seconds, workers)` of G.1X workers (1 DPU each), billed per
    second with the 1-minute minimum. The caller passes the runs one million events need."""
    items = []
    for job, seconds, workers in runs:
        dpu_hours = glue_billed_seconds(seconds) * workers * G1X_DPU_PER_WORKER / 3600.0
        items.append(LineItem(f"Glue {job}", f"{seconds:.0f} s × {workers} G.1X", dpu_hours,
                              "DPU-hours", dpu_hours * prices["glue_dpu_hour"]))
    return items


def athena_items(
    scans: dict[str, int], prices: dict[str, float] = PRICES
) -> list[LineItem]:
    """One line per query (label → bytes it scans over a million events), 10 MB minimum."""
    items = []
    for label, scanned in scans.items():
        billed = athena_billed_bytes(scanned)
        items.append(LineItem("Athena", label, billed / MB, "MB billed",
                              billed / TB * prices["athena_per_tb"]))
    return items


def storage_items(
    bytes_by_zone: dict[str, int], events: int, prices: dict[str, float] = PRICES
) -> list[LineItem]:
    """S3 Standard storage per month of what a million events leave in each zone."""
    items = []
    for zone in sorted(bytes_by_zone):
        gigabytes = _per_million(bytes_by_zone[zone], events) / GB
        items.append(LineItem(f"S3 {zone}", "storage per month", gigabytes, "GB-month",
                              gigabytes * prices["s3_gb_month"]))
    return items


def total_usd(items: list[LineItem]) -> float:
    return sum(item.usd for item in items)


def shares(items: list[LineItem]) -> dict[str, float]:
    """Where the money goes: each component's share of the total (0..1), largest first."""
    total = total_usd(items)
    by_component: dict[str, float] = {}
    for item in items:
        by_component[item.component] = by_component.get(item.component, 0.0) + item.usd
    if total <= 0:
        return dict.fromkeys(by_component, 0.0)
    ordered = sorted(by_component.items(), key=lambda kv: -kv[1])
    return {name: usd / total for name, usd in ordered}
