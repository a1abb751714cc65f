"""Stacks that no change set can start from: UPDATE_ROLLBACK_FAILED, ROLLBACK_FAILED,
DELETE_FAILED and ROLLBACK_COMPLETE. Deploy looks before it makes a change set and, instead of
CloudFormation's raw ValidationError, says what state the stack is in, which resources failed
and why, and what to run instead (decision 127)."""

from __future__ import annotations

import logging

from datalake.deploy.aws import DeployError, StackFailure, failure_events, stack_resources

_logger = logging.getLogger(__name__)

#: States a failed operation leaves behind and that CloudFormation refuses to update.
STUCK_STATES = ("UPDATE_ROLLBACK_FAILED", "ROLLBACK_FAILED", "DELETE_FAILED", "ROLLBACK_COMPLETE")


class StuckStack(DeployError):
    """The stack is in a state no change set can start from; the message says what to do."""

    def __init__(self, message: str, status: str, failures: list[StackFailure]) -> None:
        super().__init__(message)
        self.status = status
        self.failures = failures


def failed_resources(cfn, stack: str) -> list[StackFailure]:
    """The stack's resources whose current status is `*_FAILED`, with CloudFormation's reason."""
    return [
        StackFailure(r.logical_id, r.resource_type, r.status, r.reason)
        for r in stack_resources(cfn, stack)
        if r.status.endswith("_FAILED")
    ]


def check_deployable(cfn, stack: str, status: str | None) -> None:
    """Raise StuckStack when `status` is one of STUCK_STATES; the failed resources come from
    the resources' current status, or from the latest operation's events when none is failed
    now (a rolled-back create has deleted its resources)."""
    if status not in STUCK_STATES:
        return
    failures = [] if status == "ROLLBACK_COMPLETE" else failed_resources(cfn, stack)
    if not failures:
        failures = failure_events(cfn, stack)
    raise StuckStack(stuck_message(stack, status, failures), status, failures)


def stuck_message(stack: str, status: str, failures: list[StackFailure]) -> str:
    """What the state means, the failed resources and their reasons, and what to run (pure)."""
    deploy = f"datalake deploy --target aws --stack-name {stack}"
    destroy = f"datalake destroy --target aws --stack-name {stack}"
    listed = _listed(failures)
    if status == "UPDATE_ROLLBACK_FAILED":
        skip = [f.logical_id for f in failures if f.status == "UPDATE_FAILED"]
        command = f"aws cloudformation continue-update-rollback --stack-name {stack}"
        if skip:
            command += " --resources-to-skip " + " ".join(skip)
        return (
            f"stack {stack} is UPDATE_ROLLBACK_FAILED: an update failed and rolling it back "
            "failed too, so CloudFormation accepts no update until the rollback is finished.\n"
            f"{listed}\n"
            "What to do: fix what the reasons point at where you can, then finish the "
            f"rollback:\n  {command}\n"
            "A skipped resource is marked UPDATE_COMPLETE without being rolled back, so it may "
            "no longer match the template; leave out --resources-to-skip to retry them all. "
            f"When the stack is UPDATE_ROLLBACK_COMPLETE, deploy again: {deploy}"
        )
    if status == "ROLLBACK_COMPLETE":
        return (
            f"stack {stack} is ROLLBACK_COMPLETE: its creation failed and was rolled back; "
            "such a stack cannot be updated, only deleted.\n"
            f"{listed}\n"
            "What to do: fix the cause, then delete the failed stack and create it again in "
            f"one step: {deploy} --replace-failed (or delete it alone: {destroy})"
        )
    what = (
        "its creation failed and deleting what had been created failed too"
        if status == "ROLLBACK_FAILED"
        else "a deletion stopped partway"
    )
    return (
        f"stack {stack} is {status}: {what}; such a stack cannot be updated, only deleted.\n"
        f"{listed}\n"
        f"What to do: delete it with {destroy} (it empties the stack's buckets, the usual "
        "cause, and deletes again); if a resource still cannot be deleted, add --retain-failed "
        "to delete the stack while keeping the resources that fail (CloudFormation's "
        "RetainResources), delete those by hand, then deploy again: "
        f"{deploy}"
    )


def _listed(failures: list[StackFailure]) -> str:
    if not failures:
        return "Failed resources: none reported (see `aws cloudformation describe-stack-events`)"
    return "Failed resources:\n" + "\n".join(
        f"  {f.logical_id} ({f.resource_type}) {f.status}: {f.reason or 'no reason given'}"
        for f in failures
    )
