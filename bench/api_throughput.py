"""Events per second through the local API (API Gateway → ingestion Lambda → S3 raw), batches
of 500 against one event per request, alternated in each repetition. Also records what each
mode used (requests, Lambda billed duration, S3 and CloudWatch calls) for the cost model."""

from __future__ import annotations

import logging
import re
import time

from bench.common import Result, Settings, Stopwatch
from bench.counters import difference
from bench.stats import ratio_summary, summarize

_logger = logging.getLogger(__name__)

_BILLED = re.compile(r"REPORT RequestId: (\S+).*?Billed Duration: (\d+) ms")


def report_billed_ms(messages) -> dict[str, int]:
    """{request id: billed ms} from Lambda REPORT log lines."""
    out = {}
    for message in messages:
        match = _BILLED.search(message)
        if match:
            out[match.group(1)] = int(match.group(2))
    return out


def read_reports(lake, function: str) -> dict[str, int]:
    logs = lake.client("logs")
    messages, token = [], None
    while True:
        kwargs = {"logGroupName": f"/aws/lambda/{function}", "filterPattern": '"REPORT"'}
        if token:
            kwargs["nextToken"] = token
        try:
            page = logs.filter_log_events(**kwargs)
        except logs.exceptions.ResourceNotFoundException:
            return {}
        messages += [e["message"] for e in page.get("events", [])]
        token = page.get("nextToken")
        if not token:
            return report_billed_ms(messages)


def _settle(lake, function: str, quiet_s: float = 1.5, timeout: float = 120.0) -> dict[str, int]:
    """REPORT lines once no new one arrived for `quiet_s` (logs ship in the background)."""
    deadline, last, seen_at = time.monotonic() + timeout, None, time.monotonic()
    while time.monotonic() < deadline:
        reports = read_reports(lake, function)
        if last is None or len(reports) != len(last):
            last, seen_at = reports, time.monotonic()
        elif time.monotonic() - seen_at >= quiet_s:
            return reports
        time.sleep(0.3)
    return last or {}


def _send(lake, bodies: list[bytes]) -> tuple[float, int]:
    import requests

    url = lake.outputs["ApiUrl"].rstrip("/") + "/ingest"
    headers = {"Content-Type": "application/json", "x-api-key": lake.api_key()}
    accepted = 0
    with requests.Session() as session, Stopwatch() as watch:
        for body in bodies:
            reply = session.post(url, data=body, headers=headers, timeout=120)
            if reply.status_code != 200:
                raise RuntimeError(f"POST /ingest answered {reply.status_code}: {reply.text}")
            accepted += reply.json()["accepted"]
    return watch.seconds, accepted


def _usage(lake, mode: str, events: int, requests: int, calls: dict, s3: dict,
           billed: dict[str, int]) -> dict:
    average = sum(billed.values()) / len(billed) if billed else 0.0
    return {"mode": mode, "events": events, "api_requests": requests,
            # one invocation per request; billed ms from the REPORT lines of this phase
            "ingestion_invocations": requests, "ingestion_billed_ms": average * requests,
            "ingestion_billed_ms_per_invocation": average,
            "s3": {f"{zone}:{tier}": n for (zone, tier), n in s3.items()},
            "cloudwatch_put_metric": calls.get(("cloudwatch", "PutMetricData"), 0)}


def run(settings: Settings, lake) -> list[Result]:
    from datalake.lake import batch_body
    from datalake.synthetic import generate_events

    function = lake.outputs["IngestionFunctionName"]
    pool = [e.body for e in generate_events(settings.api_single_requests + 500 * 2, seed=5)
            if e.kind == "valid"]
    singles = [b.encode() for b in pool[: settings.api_single_requests]]
    batch = batch_body((pool * (500 // len(pool) + 1))[:500])
    _send(lake, singles[:3] + [batch])  # warm the Lambda worker and the route cache
    single_rates, batch_rates, usage = [], [], {"single": None, "batch": None}
    for _ in range(settings.runs):
        for mode in ("single", "batch"):
            bodies = singles if mode == "single" else [batch] * settings.api_batches
            before_calls, before_s3 = lake.counter.snapshot()
            before_reports = read_reports(lake, function)
            seconds, accepted = _send(lake, bodies)
            (single_rates if mode == "single" else batch_rates).append(accepted / seconds)
            if usage[mode] is None:  # bill the first repetition of each mode
                reports = _settle(lake, function)
                after_calls, after_s3 = lake.counter.snapshot()
                billed = {k: v for k, v in reports.items() if k not in before_reports}
                usage[mode] = _usage(lake, mode, accepted, len(bodies),
                                     difference(after_calls, before_calls),
                                     difference(after_s3, before_s3), billed)
    result = Result(
        key="api_batch_vs_single",
        title="events/s through the local API, batches of 500 vs one event per request",
        figure="batch events/s ÷ single-event events/s",
        baseline="one event per request, same run",
        summary=ratio_summary(batch_rates, single_rates),
        goal=(">=", 50.0), goal_text="≥ 50×",
        details={"single_events_per_s": summarize(single_rates).as_dict(),
                 "batch_events_per_s": summarize(batch_rates).as_dict(),
                 "single_requests": len(singles), "batches": settings.api_batches,
                 "usage": usage},
        limits="One client thread, HTTP on loopback. A single-event request costs a full "
               "API Gateway → Lambda worker round trip plus one S3 PUT and one CloudWatch "
               "PutMetricData on moto (~5 ms a request each); a batch pays that once for 500 "
               "events, so the ratio is bounded by per-request overhead ÷ per-event work.",
    )
    return [result]
