"""Load with faults, then the pipeline: nothing acknowledged is lost, nothing is doubled.

N client threads send events with event ids (single events and mixed-source batches) to the
real deployed API while the local cloud fails and delays a share of S3 PutObject calls, kills
Lambda workers mid-invocation (a rate plus one explicit kill of every running worker) and is
restarted once (`datalake local down` / `up`, state exported and imported). Clients retry
whatever was not acknowledged. Then raw_to_processed runs on the local Glue and is stopped
during its write (BatchStopJobRun), re-run to the end, and processed_to_curated runs twice.

Asserted: every acknowledged valid event is in the processed zone exactly once, no other row
is; every acknowledged schema-invalid event is quarantined; raw lines = processed rows +
quarantined lines; curated counts reconcile with both; a curated re-run replaces its files.

Bounded by RELIABILITY_EVENTS (default 20000) and RELIABILITY_CLIENTS (default 16).
"""

from __future__ import annotations

import json
import os
import random
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import pytest
import requests

pytestmark = pytest.mark.slow

EVENTS = int(os.environ.get("RELIABILITY_EVENTS", "20000"))
CLIENTS = int(os.environ.get("RELIABILITY_CLIENTS", "16"))
# The ingestion Lambda's boto3 retries a failed PutObject itself (up to 4 retries), so the
# error rate is high enough that some requests still fail (500, nothing acknowledged).
FAULTS = {"s3_put_error_rate": 0.5, "s3_put_latency_ms": 40, "s3_put_latency_rate": 0.25,
          "lambda_kill_rate": 0.01, "lambda_kill_after_ms": 50, "seed": 20261125}
INVALID_SHARE, RESEND_SHARE, SINGLE_SHARE = 0.03, 0.02, 0.3
SEND_DEADLINE = 900.0  # seconds for the whole send phase, restart included
DAY = "2026-11-24"

VALID_DATA = {
    "iot": lambda r: {"device_id": f"sensor-{r.randint(1, 50)}",
                      "temperature": round(r.uniform(-10, 40), 2), "battery": r.randint(0, 100)},
    "web": lambda r: {"session_id": uuid.UUID(int=r.getrandbits(128)).hex, "page": "/home",
                      "duration_ms": r.randint(0, 60000)},
    "mobile": lambda r: {"app_version": "3.2.1", "os": r.choice(["ios", "android"]),
                         "battery": r.randint(0, 100)},
}
INVALID_DATA = {  # envelope-valid (accepted by ingestion) but breaking the source's schema
    "iot": lambda r: {"temperature": 21.0},  # device_id required
    "web": lambda r: {"page": "/x"},  # session_id required
    "mobile": lambda r: {"app_version": "3.2.1", "os": "windows-phone"},  # enum
}


@dataclass
class Sent:
    """What the clients saw."""

    acked_valid: Counter = field(default_factory=Counter)  # (source, event_id) -> acks
    acked_invalid: Counter = field(default_factory=Counter)
    requests: int = 0
    single_requests: int = 0
    batch_requests: int = 0
    retries: int = 0
    answers: Counter = field(default_factory=Counter)  # status (or error name) of every try
    unexpected: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _plan(client: int, count: int) -> list[list[tuple[dict, bool]]]:
    """Requests of one client: lists of (event, valid?), 30 % singles, else batches of 20..250
    events of mixed sources; ~2 % of events are re-sends of an earlier one (same body)."""
    rng = random.Random(client)
    events: list[tuple[dict, bool]] = []
    valid_events: list[tuple[dict, bool]] = []
    for i in range(count):
        if valid_events and rng.random() < RESEND_SHARE:
            events.append(rng.choice(valid_events))
            continue
        source = rng.choice(sorted(VALID_DATA))
        valid = rng.random() >= INVALID_SHARE
        data = (VALID_DATA if valid else INVALID_DATA)[source](rng)
        stamp = f"{DAY}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}Z"
        events.append(({"source": source, "event_type": "load", "timestamp": stamp,
                        "event_id": f"c{client}-{i}", "data": data}, valid))
        if valid:
            valid_events.append(events[-1])
    plan, start = [], 0
    while start < len(events):
        size = 1 if rng.random() < SINGLE_SHARE else rng.randint(20, 250)
        plan.append(events[start:start + size])
        start += size
    return plan


def _send(stack, plan, sent: Sent, progress: Counter, deadline: float) -> None:
    session = requests.Session()
    headers = {"x-api-key": stack.api_key, "Content-Type": "application/json"}
    for request in plan:
        single = len(request) == 1
        body = json.dumps(request[0][0] if single else {"events": [e for e, _ in request]})
        attempt = 0
        while True:
            try:
                reply = session.post(stack.ingest_url, data=body, headers=headers, timeout=90)
                outcome = reply.status_code
            except requests.RequestException as error:
                reply, outcome = None, type(error).__name__
            with sent.lock:
                sent.requests += 1
                sent.answers[outcome] += 1
            if reply is not None and reply.status_code == 200:
                break
            if reply is not None and 400 <= reply.status_code < 500 and reply.status_code != 429:
                with sent.lock:
                    sent.unexpected.append((reply.status_code, reply.text[:300]))
                return
            if time.monotonic() > deadline:
                with sent.lock:
                    sent.unexpected.append(("deadline", outcome))
                return
            attempt += 1
            with sent.lock:
                sent.retries += 1
            time.sleep(min(0.2 * 2 ** attempt, 3.0) * (0.5 + random.random()))
        result = reply.json()
        with sent.lock:
            if result.get("accepted") != len(request):
                sent.unexpected.append(("partial", reply.text[:300]))
            for (event, valid), item in zip(request, result["results"], strict=True):
                if item["status"] == "accepted":
                    target = sent.acked_valid if valid else sent.acked_invalid
                    target[(event["source"], event["event_id"])] += 1
            sent.single_requests += single
            sent.batch_requests += not single
            progress["done"] += 1


def _log_count(cloud, text: str) -> int:
    with cloud.log_file.open(encoding="utf-8", errors="replace") as log:
        return sum(text in line for line in log)


def _wait_job(glue, job: str, run_id: str, timeout: float = 900) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        run = glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]
        if run["JobRunState"] in ("SUCCEEDED", "FAILED", "STOPPED", "TIMEOUT", "ERROR"):
            return run
        assert time.monotonic() < deadline, f"job run {run_id} still {run['JobRunState']}"
        time.sleep(1)


def _curated_files(stack) -> dict[str, list[str]]:
    datasets = ("daily_summary", "hourly_metrics", "source_statistics")
    return {d: sorted(k for k in stack.visible_keys("CuratedBucket", f"{d}/")
                      if k.endswith(".parquet")) for d in datasets}


def _curated_rows(stack) -> dict[str, list[dict]]:
    return {d: stack.parquet_rows("CuratedBucket", f"{d}/")
            for d in ("daily_summary", "source_statistics")}


@pytest.fixture
def faults_off_after(cloud):
    yield
    cloud.set_faults({})


def test_acknowledged_events_survive_faults_restart_and_a_crashed_job(
        cloud, deploy, cli, record_figures, faults_off_after):
    stack = deploy("load" + uuid.uuid4().hex[:6])
    outputs, glue = stack.outputs, cloud.client("glue")
    function = outputs["IngestionFunctionName"]
    sent, progress, figures = Sent(), Counter(), {"events": EVENTS, "clients": CLIENTS}
    per_client = [EVENTS // CLIENTS + (i < EVENTS % CLIENTS) for i in range(CLIENTS)]
    plans = [_plan(i, n) for i, n in enumerate(per_client)]
    total_requests = sum(map(len, plans))
    faults_before = _log_count(cloud, "fault injection: failing PutObject")
    kills_before = _log_count(cloud, "fault injection: killing")

    cloud.set_faults(FAULTS)
    started = time.monotonic()
    deadline = started + SEND_DEADLINE
    threads = [threading.Thread(target=_send, args=(stack, plan, sent, progress, deadline))
               for plan in plans]
    for thread in threads:
        thread.start()
    # One explicit kill of every running ingestion worker at ~25 % of the requests, one
    # restart of the whole cloud at ~55 %.
    while progress["done"] < 0.25 * total_requests and any(t.is_alive() for t in threads):
        time.sleep(0.05)
    figures["workers_killed_explicitly"] = cloud.kill_workers(function).get("killed")
    while progress["done"] < 0.55 * total_requests and any(t.is_alive() for t in threads):
        time.sleep(0.05)
    figures["restart_at_requests_done"] = progress["done"]
    figures["faults_put_errors_before_restart"] = (
        _log_count(cloud, "fault injection: failing PutObject") - faults_before)
    cloud.assert_alive("the send phase")
    figures["down_seconds"] = round(cloud.down(), 1)
    figures["up_seconds"] = round(cloud.up(faults=FAULTS), 1)
    for thread in threads:
        thread.join()
    figures["send_seconds"] = round(time.monotonic() - started, 1)
    cloud.set_faults({})  # the pipeline runs without faults
    assert not sent.unexpected, sent.unexpected[:5]
    # The log file is appended across the restart: these count the whole send phase.
    figures["faults_put_errors"] = (
        _log_count(cloud, "fault injection: failing PutObject") - faults_before)
    figures["faults_lambda_kills_by_rate"] = _log_count(cloud, "fault injection: killing") - (
        kills_before)
    figures.update(requests=sent.requests, requests_planned=total_requests,
                   single_requests=sent.single_requests, batch_requests=sent.batch_requests,
                   retries=sent.retries,
                   answers={str(k): v for k, v in sorted(sent.answers.items(), key=str)})
    acked_valid, acked_invalid = set(sent.acked_valid), set(sent.acked_invalid)
    figures["acknowledged_events"] = sum(sent.acked_valid.values()) + sum(
        sent.acked_invalid.values())
    assert figures["acknowledged_events"] == EVENTS
    assert sent.retries > 0 and figures["faults_put_errors"] > 0

    raw = stack.raw_lines()
    figures["raw_objects"] = len({line["raw_key"] for line in raw})
    figures["raw_lines"] = len(raw)
    raw_ids = Counter((line["source"], json.loads(line["body"])["event_id"]) for line in raw)
    assert acked_valid | acked_invalid <= set(raw_ids), "an acknowledged event is not in raw"

    # raw_to_processed, stopped during its write, then run again to the end.
    job = outputs["RawToProcessedJobName"]
    t0 = time.monotonic()
    run_id = glue.start_job_run(JobName=job)["JobRunId"]
    while not stack.keys("ProcessedBucket", "processed_data/"):
        state = glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]["JobRunState"]
        assert state in ("STARTING", "RUNNING"), f"first run ended {state} before writing"
        time.sleep(0.2)
    glue.batch_stop_job_run(JobName=job, JobRunIds=[run_id])
    crashed = _wait_job(glue, job, run_id)
    assert crashed["JobRunState"] == "STOPPED", crashed["JobRunState"]
    figures["crashed_run_seconds"] = round(time.monotonic() - t0, 1)
    figures["objects_left_by_crashed_run"] = len(stack.keys("ProcessedBucket",
                                                            "processed_data/"))
    figures["visible_rows_left_by_crashed_run"] = len(
        stack.parquet_rows("ProcessedBucket", "processed_data/", ["event_id"]))
    t0 = time.monotonic()
    cli("run-job", "raw-to-processed", "--stack-name", stack.name, "--wait", "--timeout", "1200",
        timeout=1300)
    figures["raw_to_processed_seconds"] = round(time.monotonic() - t0, 1)

    processed = stack.parquet_rows("ProcessedBucket", "processed_data/",
                                   ["event_id", "record_hash"])
    processed_ids = Counter((row["source"], row["event_id"]) for row in processed)
    quarantine = stack.json_rows("ProcessedBucket", "quarantine/")
    reasons = Counter(row["reason"] for row in quarantine)
    figures.update(processed_rows=len(processed), quarantined=dict(reasons))
    doubled = [key for key, n in processed_ids.items() if n > 1]
    assert not doubled, f"{len(doubled)} events twice in processed, e.g. {doubled[:3]}"
    assert set(processed_ids) == acked_valid, (
        f"missing {len(acked_valid - set(processed_ids))}, "
        f"extra {len(set(processed_ids) - acked_valid)}")
    invalid_quarantined = {(r["source"], r["event_id"]) for r in quarantine
                           if r["reason"] == "invalid_data"}
    assert invalid_quarantined == acked_invalid
    assert len(processed) + len(quarantine) == len(raw), "raw lines do not reconcile"
    assert reasons["duplicate"] == sum(n for key, n in raw_ids.items() if key in acked_valid) - (
        len(acked_valid))

    # processed_to_curated twice: the second run replaces, never appends.
    t0 = time.monotonic()
    cli("run-job", "processed-to-curated", "--stack-name", stack.name, "--wait", timeout=1300)
    figures["processed_to_curated_seconds"] = round(time.monotonic() - t0, 1)
    first_files, first_rows = _curated_files(stack), _curated_rows(stack)
    stats = first_rows["source_statistics"]
    assert sum(r["received_events"] for r in stats) == len(raw)
    assert sum(r["processed_events"] for r in stats) == len(processed)
    assert sum(r["duplicate_events"] for r in stats) == reasons["duplicate"]
    assert sum(r["invalid_events"] for r in stats) == len(quarantine) - reasons["duplicate"]
    assert sum(r["event_count"] for r in first_rows["daily_summary"]) == len(processed)
    cli("run-job", "processed-to-curated", "--stack-name", stack.name, "--wait", timeout=1300)
    second_files, second_rows = _curated_files(stack), _curated_rows(stack)
    for dataset, files in second_files.items():
        assert files and not set(files) & set(first_files[dataset]), f"{dataset} not replaced"
    for dataset, rows in second_rows.items():
        assert sorted(map(str, rows)) == sorted(map(str, first_rows[dataset])), dataset
    figures["curated_rows"] = {d: len(r) for d, r in second_rows.items()}
    record_figures("load_with_faults", figures)
