"""`datalake demo`: run the whole lake and print what each zone holds.

For now the demo runs on local folders with local Spark (`--local-files`, also the default).
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
        help="run the whole pipeline on synthetic events and print every zone's counts",
        description="Generate synthetic iot/web/mobile events (with invalid ones and duplicates),"
        " write them in the raw layout, run raw->processed and processed->curated with local"
        " Spark, and print the counts of every zone and the source statistics.",
    )
    parser.add_argument(
        "--local-files", action="store_true",
        help="run on local folders (no cloud); currently also the default",
    )
    parser.add_argument("--events", type=_positive, default=2000, help="events to generate")
    parser.add_argument("--seed", type=int, default=7, help="random seed of the generator")
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT,
        help=f"folder for the zones (default {DEFAULT_OUT}); its zone folders are replaced",
    )
    parser.set_defaults(func=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    from datalake.pipeline_local import format_result, run_local_pipeline

    result = run_local_pipeline(args.out, events=args.events, seed=args.seed)
    print(format_result(result))
    balanced = result.processed_rows + result.quarantined == result.raw_events
    return 0 if balanced else 1


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value
