"""`datalake demo`: run the whole lake and print what it produced.

By default: start the local cloud if none answers, then run every numbered notebook with
papermill (00 starts the cloud, 01 deploys the stack, 02..09 ingest, validate, crawl, process,
orchestrate, query and monitor; 10 leaves the lake up) into build/notebooks/, and print the
curated daily summary. `--local-files` runs the two Glue jobs' code on local folders instead,
with no cloud at all.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

_logger = logging.getLogger(__name__)

DEFAULT_OUT = Path("build") / "demo-local"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="run the whole lake locally and print what it produced",
        description="Start the local cloud if needed and run every numbered notebook (deploy,"
        " ingest synthetic iot/web/mobile events with invalid ones and duplicates, validate,"
        " crawl, process, orchestrate, query, monitor) into build/notebooks/, then print the"
        " curated daily summary. With --local-files: run raw->processed and"
        " processed->curated on local folders with local Spark and print every zone's counts.",
    )
    parser.add_argument(
        "--local-files", action="store_true",
        help="run the pipeline on local folders with local Spark (no cloud, no notebooks)",
    )
    parser.add_argument("--events", type=_positive, default=300,
                        help="events to generate (default 300)")
    parser.add_argument("--seed", type=int, default=7,
                        help="--local-files: random seed of the generator")
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT,
        help=f"--local-files: folder for the zones (default {DEFAULT_OUT}); replaced each run",
    )
    parser.set_defaults(func=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    if not args.local_files:
        return _run_on_local_cloud(args)
    from datalake.pipeline_local import format_result, run_local_pipeline

    result = run_local_pipeline(args.out, events=args.events, seed=args.seed)
    print(format_result(result))
    balanced = result.processed_rows + result.quarantined == result.raw_events
    return 0 if balanced else 1


def _run_on_local_cloud(args: argparse.Namespace) -> int:
    from datalake.cli.notebooks import run_notebooks_verb
    from datalake.config import stack_name
    from datalake.lake import Lake

    stack = stack_name(None)
    lake = Lake(stack, "local")
    lake.ensure_local_cloud()
    notebooks = argparse.Namespace(
        out=Path("build") / "notebooks", only=None, kernel="python3",
        parameter=[["N_EVENTS", str(args.events)], ["STACK_NAME", stack]],
    )
    run_notebooks_verb(notebooks)
    # events without a timestamp are dated by their arrival (today): counted apart, so what is
    # printed does not depend on the day of the run (notebooks/README.md, "Dates and times")
    daily = lake.frame(
        "SELECT source, event_date, sum(event_count) AS events, "
        "round(avg(avg_quality_score), 3) AS avg_quality "
        "FROM daily_summary WHERE inferred_timestamp_events = 0 "
        "GROUP BY source, event_date ORDER BY source, event_date"
    )
    undated = lake.frame(
        "SELECT coalesce(sum(inferred_timestamp_events), 0) AS n FROM daily_summary")
    print("\ncurated daily_summary per source and day (queried through the local Athena):")
    print(daily.to_string(index=False))
    print(f"plus {int(undated['n'][0])} events sent without a timestamp (dated by arrival)")
    print(f"\nthe lake is still up: {lake.endpoint} (stop it with `datalake local down`)")
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value
