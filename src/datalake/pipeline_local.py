"""The whole lake on local folders, no cloud: synthetic events -> raw layout -> raw_to_processed
(twice: the last arrival day comes in a second run, with its late duplicates) ->
processed_to_curated, with the counts of every zone.

The folders mirror the buckets: `raw/` (RawBucket), `processed/processed_data/` and
`processed/quarantine/` (ProcessedBucket), `curated/` (CuratedBucket).
"""

from __future__ import annotations

import logging
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from datalake.synthetic import SyntheticEvent, generate_events, summarize_events, write_raw_folder

_logger = logging.getLogger(__name__)

ZONE_FOLDERS = ("raw", "processed", "curated")


@dataclass
class LocalPipelineResult:
    """What one local run produced: folders, per-run job counts and per-zone figures."""

    out_dir: Path
    events: dict[str, int]
    raw_objects: int
    runs: list[dict[str, int]] = field(default_factory=list)
    processed_rows: int = 0
    processed_unique: int = 0
    processed_files: int = 0
    quarantine_reasons: dict[str, int] = field(default_factory=dict)
    curated_rows: dict[str, int] = field(default_factory=dict)
    source_statistics: list[dict] = field(default_factory=list)

    @property
    def raw_events(self) -> int:
        return sum(self.events.values())

    @property
    def quarantined(self) -> int:
        return sum(self.quarantine_reasons.values())


def zone_paths(out_dir: str | Path) -> dict[str, str]:
    """Folder of each zone and dataset under `out_dir` (as the jobs' path arguments)."""
    root = Path(out_dir).resolve()
    return {
        "raw": str(root / "raw") + "/",
        "processed": str(root / "processed" / "processed_data") + "/",
        "quarantine": str(root / "processed" / "quarantine") + "/",
        "curated": str(root / "curated") + "/",
    }


def run_local_pipeline(
    out_dir: str | Path, events: int = 2000, seed: int = 7, spark=None
) -> LocalPipelineResult:
    """Generate `events` events, lay them out as the raw zone under `out_dir` (replacing the
    zone folders of an earlier run), run both jobs with local Spark and measure every zone."""
    from datalake.spark import build_session
    from datalake.transforms import jobs

    out = Path(out_dir)
    _clear_zones(out)
    paths = zone_paths(out)
    generated = generate_events(events, seed=seed)
    first, last = _split_last_day(generated)
    result = LocalPipelineResult(out, summarize_events(generated), 0)
    session = spark or build_session("datalake-demo", master="local[2]")
    session.sparkContext.setLogLevel("ERROR")
    for batch in (first, last):
        if not batch:
            continue
        result.raw_objects += write_raw_folder(batch, paths["raw"])
        raw = jobs.read_raw(session, paths["raw"])
        result.runs.append(
            jobs.run_raw_to_processed(session, raw, paths["processed"], paths["quarantine"])
        )
    result.raw_objects = sum(1 for _ in Path(paths["raw"]).rglob("*.json"))
    result.curated_rows = jobs.run_processed_to_curated(
        session, paths["processed"], paths["quarantine"], paths["curated"]
    )
    _measure(session, paths, result)
    return result


def _clear_zones(out: Path) -> None:
    for name in ZONE_FOLDERS:
        folder = out / name
        if folder.is_dir():
            shutil.rmtree(folder)


def _split_last_day(
    events: list[SyntheticEvent],
) -> tuple[list[SyntheticEvent], list[SyntheticEvent]]:
    """(events that arrived before the last day of original events, the rest: that day and
    the late duplicates after it)."""
    if not events:
        return [], []
    originals = [e for e in events if e.kind == "valid"] or events
    last_day = max(e.received_at for e in originals).date()
    return (
        [e for e in events if e.received_at.date() < last_day],
        [e for e in events if e.received_at.date() >= last_day],
    )


def _measure(spark, paths: dict[str, str], result: LocalPipelineResult) -> None:
    from pyspark.sql import functions as F

    from datalake.transforms import jobs

    processed = jobs.read_processed(spark, paths["processed"])
    result.processed_rows = processed.count()
    result.processed_unique = processed.select("source", "event_id").distinct().count()
    result.processed_files = sum(1 for _ in Path(paths["processed"]).rglob("*.parquet"))
    quarantine = jobs.read_quarantine(spark, paths["quarantine"])
    result.quarantine_reasons = dict(
        sorted(Counter({r["reason"]: r["count"] for r in quarantine.groupBy("reason").count()
                        .collect()}).items())
    )
    stats = spark.read.parquet(jobs.join_path(paths["curated"], "source_statistics"))
    result.source_statistics = [
        row.asDict()
        for row in stats.orderBy("source", "year", "month")
        .select(
            "source",
            "year",
            "month",
            "received_events",
            "processed_events",
            "duplicate_events",
            "invalid_events",
            F.round("duplicate_rate", 4).alias("duplicate_rate"),
            F.round("invalid_rate", 4).alias("invalid_rate"),
            F.round("avg_quality_score", 4).alias("avg_quality_score"),
            "distinct_event_types",
        )
        .collect()
    ]


def format_result(result: LocalPipelineResult) -> str:
    """The report `datalake demo --local-files` prints."""
    lines = [f"Local data lake in {result.out_dir}/", ""]
    kinds = ", ".join(f"{k} {v}" for k, v in result.events.items())
    lines.append(
        f"raw:        {result.raw_events} events in {result.raw_objects} objects ({kinds})"
    )
    for number, run in enumerate(result.runs, 1):
        lines.append(
            f"run {number}:      read {run['read']}: new {run['new']}, duplicate "
            f"{run['duplicate']}, invalid {run['invalid']}; already written by an earlier run: "
            f"{run['already_processed'] + run['already_quarantined']}"
        )
    lines.append(
        f"processed:  {result.processed_rows} rows ({result.processed_unique} unique "
        f"(source, event_id)) in {result.processed_files} Parquet files"
    )
    reasons = ", ".join(f"{k} {v}" for k, v in result.quarantine_reasons.items())
    lines.append(f"quarantine: {result.quarantined} lines ({reasons})")
    balance = result.processed_rows + result.quarantined
    verdict = "ok" if balance == result.raw_events else "MISMATCH"
    lines.append(
        f"reconcile:  processed + quarantine = {balance} of {result.raw_events} raw events "
        f"[{verdict}]"
    )
    curated = ", ".join(f"{k} {v} rows" for k, v in result.curated_rows.items())
    lines.append(f"curated:    {curated}")
    lines += ["", "source_statistics:", _table(result.source_statistics)]
    return "\n".join(lines)


def _table(rows: list[dict]) -> str:
    if not rows:
        return "(no rows)"
    headers = list(rows[0])
    cells = [[str(row[h]) for h in headers] for row in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    out = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    out += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(out)
