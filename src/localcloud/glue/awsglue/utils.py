"""`getResolvedOptions`: job arguments as AWS Glue's awsglue.utils parses them."""

from __future__ import annotations

import argparse

_BOOKMARK_OPTIONS = ("job-bookmark-enable", "job-bookmark-disable", "job-bookmark-pause")
_RESERVED = ("job-bookmark-option", "continuation-option")


class GlueArgumentError(ValueError):
    """A job argument is missing or invalid (AWS Glue raises from argparse the same way)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse would print usage and exit(2)
        raise GlueArgumentError(message)


def getResolvedOptions(args: list[str], options: list[str]) -> dict[str, str]:
    """Parse `--NAME value` pairs of `args` (usually sys.argv) for each of `options` (all
    required), plus Glue's own `--job-bookmark-option` etc.; unknown arguments are ignored."""
    for reserved in _RESERVED:
        if reserved in options:
            raise GlueArgumentError(f"Using reserved arguments {reserved}")
    parser = _Parser(add_help=False)
    parser.add_argument("--job-bookmark-option", choices=_BOOKMARK_OPTIONS, required=False)
    parser.add_argument("--continuation-option", required=False)
    parser.add_argument("--JOB_ID", required=False)
    parser.add_argument("--JOB_RUN_ID", required=False)
    parser.add_argument("--TempDir", required=False)
    # Quirk kept from AWS: TempDir and RedshiftTempDir are never required.
    wanted = [o for o in options if o not in ("TempDir", "RedshiftTempDir")]
    for option in wanted:
        if option not in ("JOB_ID", "JOB_RUN_ID"):
            parser.add_argument("--" + option, required=True)
    parsed, _unknown = parser.parse_known_args(args[1:])
    return {k: v for k, v in vars(parsed).items()}
