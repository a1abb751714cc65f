"""`datalake dashboard --out build/dashboard.png`: the stack's CloudWatch dashboard rendered
from the recorded metrics (one subplot per widget), as PNG or HTML."""

from __future__ import annotations

import argparse

from botocore.exceptions import ClientError

from datalake import monitoring
from datalake.cli.common import CliError, add_stack_options, resolved_stack


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "dashboard",
        help="render the stack's CloudWatch dashboard to a PNG or HTML file",
        description="Draws each metric widget of the {stack}-monitoring dashboard from the "
        "metrics recorded over the last --hours (one subplot per widget).",
    )
    parser.add_argument(
        "--out",
        default="build/dashboard.png",
        help="output file, .png or .html (default: build/dashboard.png)",
    )
    parser.add_argument(
        "--hours", type=_positive, default=3.0, help="time range to draw, ending now (default: 3)"
    )
    add_stack_options(parser)
    parser.set_defaults(func=run)


def _positive(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if number <= 0:
        raise argparse.ArgumentTypeError("must be greater than 0")
    return number


def run(args: argparse.Namespace) -> int:
    stack = resolved_stack(args)
    if not str(args.out).lower().endswith((".png", ".html")):
        raise CliError(f"--out {args.out}: use a .png or .html file name")
    try:
        path = monitoring.build_dashboard(stack, args.out, args.hours, args.target)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in ("ResourceNotFound", "ResourceNotFoundException"):
            raise CliError(
                f"no dashboard {monitoring.dashboard_name(stack)} on {args.target}: "
                f"deploy the stack first (`datalake deploy --stack-name {stack}`)"
            ) from None
        raise CliError(f"CloudWatch: {error}") from None
    print(path)
    return 0
