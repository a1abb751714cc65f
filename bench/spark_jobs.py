"""The raw → processed job against a bare Spark JSON → Parquet conversion of the same raw
objects in the same session, and the scale benchmark (10k / 100k / 1M events, ratio to 10k).

Both read raw objects from the local S3 over s3a and write Parquet back to it, through the
functions the Glue script calls (`datalake.transforms.jobs`), in the bench's Spark session (no
per-run JVM start, which a local Glue job run adds and which the freshness figure includes)."""

from __future__ import annotations

import logging
import time

from bench.common import Result, Settings, Stopwatch, batched_events
from bench.stats import linear_fit, ratio_summary, summarize

_logger = logging.getLogger(__name__)

SCRATCH_PREFIX = "bench"


def put_raw(lake, bucket: str, prefix: str, events) -> int:
    """Write the raw layout of `events` under `prefix`; the number of objects."""
    from concurrent.futures import ThreadPoolExecutor

    from datalake.synthetic import raw_objects

    s3 = lake.client("s3")
    objects = raw_objects(events)

    def put(item):
        key, text = item
        s3.put_object(Bucket=bucket, Key=f"{prefix}/{key}", Body=text.encode())

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(put, objects.items()))
    return len(objects)


def run_job(spark, raw_path: str, out_path: str) -> dict:
    from datalake.transforms import jobs

    raw = jobs.read_raw(spark, raw_path)
    return jobs.run_raw_to_processed(spark, raw, out_path + "processed_data/",
                                     out_path + "quarantine/")


def run_bare(spark, raw_path: str, out_path: str) -> None:
    from datalake.transforms.schemas import RAW_SCHEMA

    (spark.read.schema(RAW_SCHEMA).option("recursiveFileLookup", "true")
     .option("pathGlobFilter", "*.json").json(raw_path)
     .write.mode("overwrite").parquet(out_path + "bare/"))


def run_overhead(settings: Settings, lake) -> list[Result]:
    bucket = lake.outputs["ProcessedBucket"]
    events = batched_events(settings.job_events, seed=21)
    objects = put_raw(lake, bucket, f"{SCRATCH_PREFIX}/job/raw", events)
    raw_path = f"s3a://{bucket}/{SCRATCH_PREFIX}/job/raw/"
    spark = lake.spark()
    run_bare(spark, raw_path, f"s3a://{bucket}/{SCRATCH_PREFIX}/job/warm/")  # JIT, classes
    job_s, bare_s, counts = [], [], {}
    for index in range(settings.runs):
        out = f"s3a://{bucket}/{SCRATCH_PREFIX}/job/run-{index}/"
        order = ("job", "bare") if index % 2 == 0 else ("bare", "job")
        for which in order:
            with Stopwatch() as watch:
                if which == "job":
                    counts = run_job(spark, raw_path, out)
                else:
                    run_bare(spark, raw_path, out)
            (job_s if which == "job" else bare_s).append(watch.seconds)
    return [Result(
        key="job_vs_bare",
        title="raw → processed job wall time",
        figure="job seconds ÷ bare JSON → Parquet seconds",
        baseline="spark.read.json(raw, same schema).write.parquet, same objects, same session",
        summary=ratio_summary(job_s, bare_s),
        goal=("<=", 1.5), goal_text="≤ 1.5×",
        details={"events": len(events), "raw_objects": objects, "job_counts": counts,
                 "job_seconds": summarize(job_s).as_dict(),
                 "bare_seconds": summarize(bare_s).as_dict()},
        limits="The job does more than convert: it reads the processed zone and the quarantine "
               "to drop what earlier runs wrote, classifies every line in Python (envelope, "
               "JSON Schema, record hash, quality score, duplicates; about 250 µs of CPU per "
               "event, most of it jsonschema), and writes two outputs partitioned by "
               "source/day. The bare conversion parses JSON in the JVM and writes once, so the "
               "ratio is the cost of validating every event with the contract's own code.",
    )]


def run_scale(settings: Settings, lake) -> list[Result]:
    """The first two sizes run interleaved (a, b, a, b, ...) after an unmeasured warm-up, so
    load changes hit both; larger sizes run afterwards only if their projected time (linear
    fit of the sizes run so far) fits the budget."""
    bucket = lake.outputs["ProcessedBucket"]
    spark = lake.spark()
    seconds: dict[int, list[float]] = {}
    skipped, objects = [], {}
    budget_end = time.monotonic() + settings.scale_budget_s

    def prepare(size: int) -> str:
        events = batched_events(size, seed=31)
        prefix = f"{SCRATCH_PREFIX}/scale/{size}"
        objects[size] = put_raw(lake, bucket, f"{prefix}/raw", events)
        return prefix

    def measure(size: int, prefix: str, index: int) -> None:
        with Stopwatch() as watch:
            run_job(spark, f"s3a://{bucket}/{prefix}/raw/",
                    f"s3a://{bucket}/{prefix}/run-{index}/")
        seconds.setdefault(size, []).append(watch.seconds)
        _logger.info("scale %d events, run %d: %.1f s", size, index, watch.seconds)

    first = {size: prepare(size) for size in settings.scale_sizes[:2]}
    base_prefix = first[settings.scale_sizes[0]]
    run_job(spark, f"s3a://{bucket}/{base_prefix}/raw/", f"s3a://{bucket}/{base_prefix}/warm/")
    for index in range(settings.scale_runs):
        for size, prefix in first.items():
            measure(size, prefix, index)
    for size in settings.scale_sizes[2:]:
        intercept, slope = _fit(seconds)
        projected = (intercept + slope * size) * settings.scale_runs
        if time.monotonic() + projected > budget_end:
            skipped.append({"events": size, "projected_s": round(projected, 1)})
            continue
        prefix = prepare(size)
        for index in range(settings.scale_runs):
            measure(size, prefix, index)
    return _scale_results(settings, lake, seconds, objects, skipped)


def _scale_results(settings: Settings, lake, seconds: dict, objects: dict, skipped: list
                   ) -> list[Result]:
    base = settings.scale_sizes[0]
    results = []
    for size in settings.scale_sizes[1:]:
        if size not in seconds:
            continue
        pairs = min(len(seconds[size]), len(seconds[base]))
        results.append(Result(
            key=f"scale_{size}",
            title=f"scale: raw → processed at {size:,} events",
            figure=f"seconds at {size:,} ÷ seconds at {base:,}",
            baseline=f"{base:,} events, same session",
            summary=ratio_summary(seconds[size][:pairs], seconds[base][:pairs]),
            goal=("<=", 1.2 * size / base), goal_text=f"near-linear (≤ {1.2 * size / base:g})",
            details={"events": size, "raw_objects": objects[size],
                     "seconds": summarize(seconds[size]).as_dict(),
                     "base_seconds": summarize(seconds[base]).as_dict()},
            limits="Two shared cores, local[2]; raw objects of up to 500 events of one source "
                   "(as batches of 500 leave them; see raw_objects). Fixed costs (listing, "
                   "reading the processed zone, job planning) dominate the small size, so the "
                   "ratio is sub-linear.",
        ))
    fit = _fit(seconds) if len(seconds) >= 2 else None
    scale_info = {"seconds": {str(k): summarize(v).as_dict() for k, v in seconds.items()},
                  "skipped": skipped, "budget_s": settings.scale_budget_s,
                  "fit_intercept_s": fit[0] if fit else None,
                  "fit_s_per_event": fit[1] if fit else None}
    if results:
        scale_info["stored_bytes_per_million"] = _stored_per_million(lake, max(seconds))
    for result in results:
        result.details["scale"] = scale_info
    if not results:
        results.append(Result(key="scale", title="scale: raw → processed", figure="", baseline="",
                              summary=None, error=f"only one size ran: {scale_info}"))
    return results


def _stored_per_million(lake, size: int) -> dict[str, int]:
    """Bytes a million events leave in the raw and processed zones (processed + quarantine),
    from the first run at `size` events."""
    bucket = lake.outputs["ProcessedBucket"]
    prefix = f"{SCRATCH_PREFIX}/scale/{size}"
    raw = lake.bucket_bytes(bucket, f"{prefix}/raw/")[1]
    processed = lake.bucket_bytes(bucket, f"{prefix}/run-0/processed_data/")[1]
    quarantine = lake.bucket_bytes(bucket, f"{prefix}/run-0/quarantine/")[1]
    per = 1_000_000 / size
    return {"raw": int(raw * per), "processed": int((processed + quarantine) * per)}


def _fit(seconds: dict[int, list[float]]) -> tuple[float, float]:
    xs = [size for size, values in seconds.items() for _ in values]
    ys = [value for values in seconds.values() for value in values]
    if len(set(xs)) < 2:
        return 0.0, ys[0] / xs[0]
    return linear_fit(xs, ys)
