"""`datalake redrive validation`: invoke the validation function again with the S3 events it
failed on, from its failures queue (see `datalake.redrive` and docs/runbooks.md)."""

from __future__ import annotations

import argparse
import logging

from datalake import aws
from datalake.cli.common import CliError, add_stack_options, resolved_stack
from datalake.config import load_outputs

_logger = logging.getLogger(__name__)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "redrive",
        help="re-invoke the validation function with the events it failed on",
        description="Read the failure records in the validation failures queue and invoke the "
        "validation function again (asynchronously) with each original S3 event; a record is "
        "deleted once Lambda accepted the invocation. Events that fail again come back to the "
        "queue after their retries.",
    )
    parser.add_argument("function", choices=["validation"],
                        help="the function whose failed events to redrive")
    add_stack_options(parser)
    parser.add_argument("--dry-run", action="store_true",
                        help="list the records that would be redriven; invoke and delete nothing")
    parser.add_argument("--max", type=_positive, default=None, metavar="N",
                        help="redrive at most N records (default: all)")
    parser.set_defaults(func=run_redrive)


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def failures_target(stack: str, target: str) -> tuple[str, str]:
    """(queue URL, function name): from the saved outputs, else the contract's names."""
    try:
        outputs = load_outputs(stack)
        return outputs["ValidationFailuresQueueUrl"], outputs["ValidationFunctionName"]
    except (FileNotFoundError, KeyError):
        sqs = aws.client("sqs", target)
        try:
            url = sqs.get_queue_url(QueueName=f"{stack}-validation-failures")["QueueUrl"]
        except sqs.exceptions.QueueDoesNotExist:
            raise CliError(f"stack {stack} has no queue {stack}-validation-failures: "
                           "deploy the current template first") from None
        return url, f"{stack}-validation"


def run_redrive(args: argparse.Namespace) -> int:
    from datalake.redrive import redrive_failures

    stack, target = resolved_stack(args), args.target
    queue_url, function = failures_target(stack, target)
    report = redrive_failures(aws.client("sqs", target), aws.client("lambda", target),
                              queue_url, function, dry_run=args.dry_run, max_events=args.max)
    verb = "would redrive" if args.dry_run else "redriven"
    for event in report.redriven:
        why = ", ".join(p for p in (event.condition, event.error) if p)
        print(f"{verb}: {event.request_id or event.message_id}  {' '.join(event.objects)}"
              f"{'  (' + why + ')' if why else ''}")
    for event, reason in report.failed:
        print(f"not redriven: {event.request_id or event.message_id}: {reason}")
    for message_id in report.unreadable:
        print(f"unreadable, left in the queue: message {message_id}")
    counts = report.counts
    print(f"{function}: {counts['redriven']} {verb}, {counts['failed']} failed, "
          f"{counts['unreadable']} unreadable ({queue_url})")
    return 1 if report.failed else 0
