"""Deploy to AWS CloudFormation: create or update through a change set, wait, explain failures
(the failing resource and its reason, from the stack events). The stack helpers here (status,
resources, failure events, waiting) serve `stuck` (stacks no change set can start from) and
`destroy` too.

Functions take their boto3 clients as arguments (the CLI gets them from `datalake.aws.client`),
and `clock`/`sleep` so tests drive time."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from botocore.exceptions import (
    ClientError,
    NoCredentialsError,
    PartialCredentialsError,
    TokenRetrievalError,
)

_logger = logging.getLogger(__name__)

MAX_INLINE_TEMPLATE = 51_200
CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"]
_NO_CHANGES = (
    "didn't contain changes",
    "No updates are to be performed",
    "The submitted information didn't contain changes",
)
_CANCELLED = ("Resource creation cancelled", "Resource update cancelled")


class DeployError(Exception):
    """A deploy or destroy that did not reach its goal; the message says why."""


class DeployTimeout(DeployError):
    """The stack did not settle in time (CloudFormation keeps going)."""


class MissingCredentials(DeployError):
    """No usable AWS credentials."""


@dataclass
class Waiting:
    """How to wait: poll interval, overall timeout, and the injectable clock and sleep."""

    poll_seconds: float = 5.0
    timeout_seconds: float = 3600.0
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep


@dataclass
class StackFailure:
    logical_id: str
    resource_type: str
    status: str
    reason: str


@dataclass(frozen=True)
class StackResource:
    """One resource of a stack as CloudFormation lists it now."""

    logical_id: str
    resource_type: str
    physical_id: str
    status: str = ""
    reason: str = ""


@dataclass
class _Deadline:
    waiting: Waiting
    what: str
    start: float = field(init=False)

    def __post_init__(self) -> None:
        self.start = self.waiting.clock()

    def tick(self, status: str) -> None:
        if self.waiting.clock() - self.start > self.waiting.timeout_seconds:
            raise DeployTimeout(
                f"{self.what} still {status} after {self.waiting.timeout_seconds:.0f} s; "
                "CloudFormation continues on its own — follow it with `aws cloudformation "
                "describe-stack-events`"
            )
        self.waiting.sleep(self.waiting.poll_seconds)


def check_credentials(sts) -> dict:
    """The caller identity, or MissingCredentials with what to do."""
    try:
        return sts.get_caller_identity()
    except (NoCredentialsError, PartialCredentialsError, TokenRetrievalError) as error:
        raise MissingCredentials(
            f"no usable AWS credentials ({error}): set AWS_PROFILE (after `aws configure` or "
            "`aws sso login`) or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, and AWS_REGION"
        ) from None
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in (
            "ExpiredToken",
            "InvalidClientTokenId",
            "SignatureDoesNotMatch",
            "UnrecognizedClientException",
            "AccessDenied",
        ):
            raise MissingCredentials(
                f"AWS rejected the credentials ({code}): refresh or replace them"
            ) from None
        raise


def stack_status(cfn, stack: str) -> str | None:
    """The stack's status, or None when it does not exist (or was deleted)."""
    try:
        stacks = cfn.describe_stacks(StackName=stack)["Stacks"]
    except ClientError as error:
        if "does not exist" in error.response.get("Error", {}).get("Message", ""):
            return None
        raise
    status = stacks[0]["StackStatus"] if stacks else None
    return None if status == "DELETE_COMPLETE" else status


def stack_outputs(cfn, stack: str) -> dict[str, str]:
    stacks = cfn.describe_stacks(StackName=stack)["Stacks"]
    return {o["OutputKey"]: o["OutputValue"] for o in stacks[0].get("Outputs", [])}


def stack_resources(cfn, stack: str) -> list[StackResource]:
    """Every resource of the stack with its current status and reason (ListStackResources,
    paginated: DescribeStackResources stops at 100 and the lake has about 90)."""
    resources = []
    for page in cfn.get_paginator("list_stack_resources").paginate(StackName=stack):
        resources += [
            StackResource(
                r["LogicalResourceId"],
                r.get("ResourceType", "?"),
                r.get("PhysicalResourceId", ""),
                r.get("ResourceStatus", ""),
                r.get("ResourceStatusReason", ""),
            )
            for r in page["StackResourceSummaries"]
        ]
    return resources


def failure_events(cfn, stack: str) -> list[StackFailure]:
    """The failed resources of the stack's latest operation, earliest (the cause) first."""
    failures: list[StackFailure] = []
    paginator = cfn.get_paginator("describe_stack_events")
    for page in paginator.paginate(StackName=stack):
        for event in page["StackEvents"]:  # newest first
            status = event.get("ResourceStatus", "")
            is_stack = event.get("ResourceType") == "AWS::CloudFormation::Stack"
            if (
                is_stack
                and event.get("LogicalResourceId") == stack
                and status
                in (
                    "CREATE_IN_PROGRESS",
                    "UPDATE_IN_PROGRESS",
                    "DELETE_IN_PROGRESS",
                    "REVIEW_IN_PROGRESS",
                )
                and event.get("ResourceStatusReason") in ("User Initiated", None)
            ):
                return list(reversed(failures))
            reason = event.get("ResourceStatusReason", "")
            if status.endswith("_FAILED") and not is_stack and not reason.startswith(_CANCELLED):
                failures.append(
                    StackFailure(
                        event.get("LogicalResourceId", "?"),
                        event.get("ResourceType", "?"),
                        status,
                        reason,
                    )
                )
    return list(reversed(failures))


def describe_failures(failures: list[StackFailure]) -> str:
    if not failures:
        return "no resource reported a failure (see the stack events)"
    return "; ".join(
        f"{f.logical_id} ({f.resource_type}) {f.status}: {f.reason}" for f in failures[:5]
    )


def wait_for_stack(cfn, stack: str, waiting: Waiting, what: str) -> str:
    """Poll until the stack is no longer *_IN_PROGRESS; its status (DELETE_COMPLETE once gone)."""
    deadline = _Deadline(waiting, what)
    while True:
        status = stack_status(cfn, stack)
        if status is None or not status.endswith("_IN_PROGRESS"):
            return status or "DELETE_COMPLETE"
        _logger.info("%s: %s", stack, status)
        deadline.tick(status)


def _wait_for_change_set(cfn, stack: str, name: str, waiting: Waiting) -> dict:
    deadline = _Deadline(waiting, f"change set {name}")
    while True:
        change_set = cfn.describe_change_set(StackName=stack, ChangeSetName=name)
        if change_set["Status"] in ("CREATE_COMPLETE", "FAILED"):
            return change_set
        deadline.tick(change_set["Status"])


def _change_set_name() -> str:
    return "datalake-" + datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S%f")


def _prepare(cfn, stack: str, waiting: Waiting, replace_failed: bool) -> str:
    """CREATE or UPDATE. A stack no change set can start from is refused with what to do
    (`stuck.check_deployable`), except ROLLBACK_COMPLETE with `replace_failed`: deleted first."""
    from datalake.deploy.stuck import check_deployable  # stuck builds on this module

    status = stack_status(cfn, stack)
    if status == "ROLLBACK_COMPLETE" and replace_failed:
        _logger.info("%s is ROLLBACK_COMPLETE after a failed create: deleting it first", stack)
        cfn.delete_stack(StackName=stack)
        final = wait_for_stack(cfn, stack, waiting, f"deletion of {stack}")
        if final != "DELETE_COMPLETE":
            raise DeployError(
                f"stack {stack} ended {final}: {describe_failures(failure_events(cfn, stack))}"
            )
        status = None
    if status and status.endswith("_IN_PROGRESS") and status != "REVIEW_IN_PROGRESS":
        raise DeployError(f"stack {stack} is busy ({status}); wait for it to finish and retry")
    check_deployable(cfn, stack, status)
    return "CREATE" if status in (None, "REVIEW_IN_PROGRESS") else "UPDATE"


def deploy_stack(
    cfn,
    stack: str,
    parameters: dict[str, str],
    *,
    template_body: str | None = None,
    template_url: str | None = None,
    tags: dict[str, str] | None = None,
    waiting: Waiting | None = None,
    change_set_name: str | None = None,
    replace_failed: bool = False,
) -> dict[str, str]:
    """Create or update `stack` through a change set and wait; returns the stack outputs.
    A change set without changes is deleted and the current outputs returned. A stack in a
    state no change set can start from raises `stuck.StuckStack` saying what to do; with
    `replace_failed`, a ROLLBACK_COMPLETE stack (a failed first create) is deleted first."""
    waiting = waiting or Waiting()
    if (template_body is None) == (template_url is None):
        raise ValueError("give exactly one of template_body and template_url")
    if template_body is not None and len(template_body.encode()) > MAX_INLINE_TEMPLATE:
        raise ValueError(
            f"template is {len(template_body.encode())} bytes; CloudFormation takes "
            f"{MAX_INLINE_TEMPLATE} inline: upload it and pass template_url"
        )
    kind = _prepare(cfn, stack, waiting, replace_failed)
    name = change_set_name or _change_set_name()
    source = {"TemplateBody": template_body} if template_body else {"TemplateURL": template_url}
    _logger.info("creating %s change set %s for stack %s", kind, name, stack)
    cfn.create_change_set(
        StackName=stack,
        ChangeSetName=name,
        ChangeSetType=kind,
        Capabilities=CAPABILITIES,
        Parameters=[
            {"ParameterKey": k, "ParameterValue": str(v)} for k, v in sorted(parameters.items())
        ],
        Tags=[{"Key": k, "Value": v} for k, v in sorted((tags or {}).items())],
        **source,
    )
    change_set = _wait_for_change_set(cfn, stack, name, waiting)
    if change_set["Status"] == "FAILED":
        reason = change_set.get("StatusReason", "")
        cfn.delete_change_set(StackName=stack, ChangeSetName=name)
        if any(marker in reason for marker in _NO_CHANGES):
            _logger.info("stack %s is up to date: no changes", stack)
            return stack_outputs(cfn, stack)
        raise DeployError(f"change set for {stack} failed: {reason}")
    _logger.info("executing %d changes", len(change_set.get("Changes", [])))
    cfn.execute_change_set(StackName=stack, ChangeSetName=name)
    status = wait_for_stack(cfn, stack, waiting, f"stack {stack}")
    if status not in ("CREATE_COMPLETE", "UPDATE_COMPLETE"):
        raise DeployError(
            f"stack {stack} ended {status}: {describe_failures(failure_events(cfn, stack))}"
        )
    return stack_outputs(cfn, stack)
