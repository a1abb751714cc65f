"""Options and error type shared by the verbs."""

from __future__ import annotations

import argparse
from pathlib import Path

from datalake import aws
from datalake.config import stack_name


class CliError(Exception):
    """A user-facing failure: printed on stderr, exit code `exit_code` (1)."""

    exit_code = 1


class NotConfirmed(CliError):
    """A destructive verb was not confirmed and could not ask (no terminal): exit code 2,
    as for a usage error."""

    exit_code = 2


def add_stack_options(parser: argparse.ArgumentParser) -> None:
    """--stack-name and --target, for every verb that touches a deployed lake."""
    parser.add_argument(
        "--stack-name", type=_stack_name, default=None,
        help="stack name (default: $DATALAKE_STACK_NAME or 'datalake')",
    )
    parser.add_argument(
        "--target", choices=aws.TARGETS, default="local",
        help="local: the local cloud at $AWS_ENDPOINT_URL or 127.0.0.1:4566; aws: your account",
    )


def add_template_argument(parser: argparse.ArgumentParser) -> None:
    """The optional TEMPLATE argument of the lint verbs (default: what `datalake synth` wrote)."""
    parser.add_argument(
        "template",
        type=Path,
        nargs="?",
        default=Path("build/template.json"),
        help="template file (default build/template.json, written by `datalake synth`)",
    )


def resolved_stack(args: argparse.Namespace) -> str:
    return stack_name(getattr(args, "stack_name", None))


def _stack_name(value: str) -> str:
    try:
        return stack_name(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
