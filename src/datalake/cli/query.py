"""`datalake query "SQL"`: run one Athena query on the lake and print its rows."""

from __future__ import annotations

import argparse
import logging
import sys

from datalake.cli.common import CliError, add_stack_options, resolved_stack

_logger = logging.getLogger(__name__)

FORMATS = ("table", "csv", "json")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "query", help="run an Athena SQL query on the lake and print the result",
        description="Run one Athena (Trino) SQL statement in the stack's workgroup and database, "
                    "locally or on AWS. Statistics (bytes scanned, time) go to stderr.",
    )
    parser.add_argument("sql", help="the SQL statement")
    parser.add_argument("--param", action="append", default=[], metavar="VALUE",
                        help="a value for the next ? placeholder (repeatable; bound by Athena)")
    parser.add_argument("--format", choices=FORMATS, default="table", help="output format")
    add_stack_options(parser)
    parser.set_defaults(func=run)


def render(frame, fmt: str) -> str:
    """The DataFrame as text in `fmt` (table, csv or json lines)."""
    if fmt == "csv":
        return frame.to_csv(index=False)
    if fmt == "json":
        return frame.to_json(orient="records", lines=True, date_format="iso")
    if frame.empty and len(frame.columns) == 0:
        return "(no rows)\n"
    return frame.to_string(index=False) + "\n"


def run(args: argparse.Namespace) -> int:
    from pyathena.error import DatabaseError, OperationalError

    from datalake.query import run_query

    try:
        result = run_query(
            args.sql, args.param or None, stack=resolved_stack(args), target=args.target
        )
    except (DatabaseError, OperationalError) as error:
        raise CliError(str(error)) from None
    sys.stdout.write(render(result.frame, args.format))
    stats = result.statistics
    print(
        f"{len(result.frame)} row(s); scanned {stats.data_scanned_bytes} bytes in "
        f"{stats.total_ms} ms (query {stats.query_id})",
        file=sys.stderr,
    )
    return 0
