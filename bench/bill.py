"""The AWS bill per million events of one run: `gather_usage` reads what the run measured (I/O),
`build_bill` turns it into line items with `bench.cost` (pure)."""

from __future__ import annotations

import dataclasses
import logging

from bench import cost

_logger = logging.getLogger(__name__)


def build_bill(usage: dict) -> dict:
    """Line items per million events for one event per request and for batches of 500.

    `usage`: {"modes": {mode: api usage dict}, "ingestion_memory_mb", "validation_memory_mb",
    "validation_billed_ms_per_invocation", "glue_runs_per_million": [(job, s, workers)],
    "athena_scans_per_million": {label: bytes}, "stored_bytes_per_million": {zone: bytes}}."""
    bill = {}
    for mode, api in usage["modes"].items():
        raw_puts = api["s3"].get("raw:put", 0)
        ingest = cost.IngestUsage(
            events=api["events"],
            api_requests=api["api_requests"],
            lambda_invocations={"ingestion": api["ingestion_invocations"],
                                "validation": raw_puts},
            lambda_billed_ms={"ingestion": api["ingestion_billed_ms"],
                              "validation": raw_puts
                              * usage["validation_billed_ms_per_invocation"]},
            lambda_memory_mb={"ingestion": usage["ingestion_memory_mb"],
                              "validation": usage["validation_memory_mb"]},
            s3_requests={tuple(k.split(":")): v for k, v in api["s3"].items()
                         if not k.endswith(":free")},
            cloudwatch_put_requests=api["cloudwatch_put_metric"],
        )
        items = (cost.ingestion_items(ingest)
                 + cost.glue_items(usage["glue_runs_per_million"])
                 + cost.athena_items(usage["athena_scans_per_million"])
                 + cost.storage_items(usage["stored_bytes_per_million"], cost.MILLION))
        bill[mode] = {"items": [dataclasses.asdict(i) for i in items],
                      "total_usd": cost.total_usd(items), "shares": cost.shares(items)}
    return bill


def gather_usage(lake, results: dict) -> dict:
    """Collect the measured usage from the run's results and the stack."""
    from bench.api_throughput import read_reports

    lam = lake.client("lambda")
    ingestion = lake.outputs["IngestionFunctionName"]
    validation = lake.outputs["ValidationFunctionName"]
    reports = read_reports(lake, validation)
    validation_ms = sum(reports.values()) / len(reports) if reports else 0.0
    api = results["api_batch_vs_single"].details["usage"]
    glue = lake.client("glue")
    workers = {}
    for key in ("RawToProcessedJobName", "ProcessedToCuratedJobName"):
        job = glue.get_job(JobName=lake.outputs[key])["Job"]
        workers[key] = int(job.get("NumberOfWorkers") or 2)
    glue_runs = _glue_runs(lake, results, workers)
    athena = results.get("partition_scan")
    scans = {}
    if athena:
        per = cost.MILLION / athena.details["events"]
        scans = {"full scan of processed_data": int(athena.details["full_scan_bytes"] * per),
                 "one-day scan": int(athena.details["one_day_bytes"] * per)}
    return {
        "modes": {mode: api[mode] for mode in ("single", "batch") if api.get(mode)},
        "ingestion_memory_mb": lam.get_function_configuration(FunctionName=ingestion)
        ["MemorySize"],
        "validation_memory_mb": lam.get_function_configuration(FunctionName=validation)
        ["MemorySize"],
        "validation_billed_ms_per_invocation": validation_ms,
        "validation_invocations_seen": len(reports),
        "glue_runs_per_million": glue_runs,
        "athena_scans_per_million": scans,
        "stored_bytes_per_million": _stored(lake, results),
    }


def _glue_runs(lake, results: dict, workers: dict) -> list:
    fresh = results.get("freshness")
    runs = fresh.details["runs"][0]["glue_runs"] if fresh else []
    by_job = {r["job"]: r["seconds"] for r in runs}
    scale = next((r for k, r in results.items() if k.startswith("scale_")), None)
    slope = scale.details["scale"]["fit_s_per_event"] if scale else None
    out = []
    raw_job = lake.outputs["RawToProcessedJobName"]
    if raw_job in by_job:
        seconds = by_job[raw_job] + (slope or 0.0) * cost.MILLION
        out.append(("raw_to_processed", seconds, workers["RawToProcessedJobName"]))
    curated_job = lake.outputs["ProcessedToCuratedJobName"]
    if curated_job in by_job:
        out.append(("processed_to_curated", by_job[curated_job],
                    workers["ProcessedToCuratedJobName"]))
    return out


def _stored(lake, results: dict) -> dict:
    scale = [r for k, r in results.items() if k.startswith("scale_")]
    if not scale:
        return {}
    stored = scale[0].details["scale"].get("stored_bytes_per_million")
    if stored:
        return stored
    largest = max(scale, key=lambda r: r.details["events"])
    size = largest.details["events"]
    bucket = lake.outputs["ProcessedBucket"]
    _, raw = lake.bucket_bytes(bucket, f"bench/scale/{size}/raw/")
    _, processed = lake.bucket_bytes(bucket, f"bench/scale/{size}/run-0/processed_data/")
    _, quarantine = lake.bucket_bytes(bucket, f"bench/scale/{size}/run-0/quarantine/")
    per = cost.MILLION / size
    return {"raw": int(raw * per), "processed": int((processed + quarantine) * per)}


def rebill(payload: dict) -> dict:
    """Recompute `usage` and `bill` of a results payload whose scale rows were replaced by those
    of a separate run: the Glue seconds for a million events take that run's slope, storage its
    bytes. Pure (works on the JSON payload)."""
    usage = payload.get("usage")
    rows = {row["key"]: row for row in payload["results"]}
    scale = next((r for k, r in rows.items() if k.startswith("scale_") and r["summary"]), None)
    if not usage:
        return payload
    if not scale:
        return {**payload, "bill": build_bill(usage)}
    info = scale["details"]["scale"]
    fresh = rows.get("freshness")
    by_job = {}
    if fresh and fresh["details"].get("runs"):
        by_job = {r["job"]: r["seconds"] for r in fresh["details"]["runs"][0]["glue_runs"]}
    runs = []
    for job, seconds, workers in usage["glue_runs_per_million"]:
        if job == "raw_to_processed":
            measured = next((s for name, s in by_job.items() if "raw-to-processed" in name),
                            seconds)
            seconds = measured + (info.get("fit_s_per_event") or 0.0) * cost.MILLION
        runs.append((job, seconds, workers))
    usage = {**usage, "glue_runs_per_million": runs,
             "stored_bytes_per_million": info.get("stored_bytes_per_million") or {}}
    return {**payload, "usage": usage, "bill": build_bill(usage)}
