"""`datalake lint-iam`: audit every IAM policy of a template with parliament (`make lint`)."""

from __future__ import annotations

import argparse
import json
import logging

from datalake.cli.common import add_template_argument

_logger = logging.getLogger(__name__)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "lint-iam",
        help="audit the template's IAM policies with parliament (offline)",
        description="Resolve each policy of the template (roles' inline and trust policies, "
        "bucket and topic policies) and audit it with parliament. Exit 1 on any finding.",
    )
    add_template_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from datalake.deploy.iam_audit import audit_template, template_policies

    template = json.loads(args.template.read_text())
    findings = audit_template(template)
    for finding in findings:
        print(finding)
    count = len(template_policies(template))
    print(f"parliament: {count} policies, {len(findings)} findings")
    return 1 if findings else 0
