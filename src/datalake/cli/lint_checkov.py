"""`datalake lint-checkov`: scan the template with checkov's CloudFormation checks (`make lint`)."""

from __future__ import annotations

import argparse
import logging

from datalake.cli.common import add_template_argument

_logger = logging.getLogger(__name__)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "lint-checkov",
        help="scan the template with checkov (offline)",
        description="Run checkov's CloudFormation checks on the template, offline. Findings the "
        "template accepts are skipped with the reason in their resource's Metadata; exit 1 on "
        "any other failure.",
    )
    add_template_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from datalake.deploy.checkov_scan import scan_template

    return scan_template(args.template)
