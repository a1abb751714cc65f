"""Destroy a stack on AWS: quiesce it (schedule rules off, executions, job runs and crawls
stopped), turn off S3 server access logging, empty every bucket (all object versions and delete
markers) until it stays empty, the access-log buckets last, delete the stack, and when
CloudFormation reports DELETE_FAILED on a bucket, empty it again and delete again (late access
logs); optionally retain what still fails. Returns a DestroyReport; the CLI asks and prints
(decision 125)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from datalake.deploy.aws import (
    DeployError,
    StackResource,
    Waiting,
    describe_failures,
    failure_events,
    stack_resources,
    stack_status,
    wait_for_stack,
)
from datalake.deploy.quiesce import QuiesceReport, quiesce_stack
from datalake.deploy.stuck import failed_resources

_logger = logging.getLogger(__name__)

BUCKET = "AWS::S3::Bucket"
EMPTY_ROUNDS = 5


@dataclass
class BucketEmptied:
    """One bucket's emptying: versions and delete markers deleted over `rounds` passes;
    `stayed_empty` is False when objects were still arriving after the last pass."""

    bucket: str
    deleted: int = 0
    rounds: int = 0
    stayed_empty: bool = True
    missing: bool = False

    def line(self) -> str:
        if self.missing:
            return f"{self.bucket}: already gone"
        text = f"emptied {self.bucket}: {self.deleted} object versions and delete markers"
        if self.rounds > 1:
            text += f" in {self.rounds} passes (new objects kept arriving)"
        if not self.stayed_empty:
            text += "; still receiving objects"
        return text


@dataclass
class DestroyReport:
    """What destroy did, in order, and how it ended."""

    stack: str
    existed: bool = True
    status: str = "DELETE_COMPLETE"
    quiesced: QuiesceReport = field(default_factory=QuiesceReport)
    logging_stopped: list[str] = field(default_factory=list)
    emptied: list[BucketEmptied] = field(default_factory=list)
    delete_attempts: int = 0
    emptied_again: list[BucketEmptied] = field(default_factory=list)
    retained: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        if not self.existed:
            return [f"stack {self.stack} did not exist: nothing deleted"]
        lines = self.quiesced.lines()
        lines.append(f"access logging turned off: {', '.join(self.logging_stopped) or 'none'}")
        lines += [e.line() for e in self.emptied]
        if self.emptied_again:
            lines.append("after DELETE_FAILED, emptied again and deleted again:")
            lines += ["  " + e.line() for e in self.emptied_again]
        if self.retained:
            lines.append(f"retained by CloudFormation, delete by hand: {', '.join(self.retained)}")
        outcome = "deleted" if self.status == "DELETE_COMPLETE" else f"ended {self.status}"
        lines.append(
            f"stack {self.stack} {outcome} "
            f"({self.delete_attempts} delete request{'s' * (self.delete_attempts != 1)})"
        )
        return lines


class DestroyFailed(DeployError):
    """The stack could not be deleted; `report` says what was done before."""

    def __init__(self, message: str, report: DestroyReport) -> None:
        super().__init__(message)
        self.report = report


def destroy_stack(
    client: Callable[[str], Any],
    stack: str,
    *,
    waiting: Waiting | None = None,
    retain_failed: bool = False,
) -> DestroyReport:
    """Quiesce, empty and delete `stack`; `client(service)` gives boto3 clients. With
    `retain_failed`, a deletion still DELETE_FAILED after the retry is repeated with
    RetainResources (CloudFormation then keeps those resources; the report names them).
    Raises DestroyFailed (carrying the report) when the stack is not gone, DeployError when it
    is busy, DeployTimeout when job runs do not stop (nothing deleted then)."""
    waiting = waiting or Waiting()
    cfn, s3 = client("cloudformation"), client("s3")
    report = DestroyReport(stack)
    status = stack_status(cfn, stack)
    if status is None:
        _logger.info("stack %s does not exist", stack)
        report.existed = False
        return report
    if status.endswith("_IN_PROGRESS") and status != "REVIEW_IN_PROGRESS":
        raise DeployError(f"stack {stack} is busy ({status}); wait for it to finish and retry")
    resources = stack_resources(cfn, stack)
    report.quiesced = quiesce_stack(client, resources, waiting)
    buckets = [r.physical_id for r in resources if r.resource_type == BUCKET and r.physical_id]
    report.logging_stopped, log_buckets = stop_access_logging(s3, buckets)
    # Log buckets last: emptying the others writes access-log records into them.
    for bucket in sorted(buckets, key=lambda b: b in log_buckets):
        report.emptied.append(empty_until_stable(s3, bucket, waiting, settle=bucket in log_buckets))
    report.status = _delete(cfn, stack, waiting, report)
    if report.status == "DELETE_FAILED":
        report.status = _empty_failed_buckets_and_delete(cfn, s3, stack, resources, waiting, report)
    if report.status == "DELETE_FAILED" and retain_failed:
        failed = failed_resources(cfn, stack)
        physical = {r.logical_id: r.physical_id for r in resources}
        report.retained = [f"{f.logical_id} ({physical.get(f.logical_id) or '?'})" for f in failed]
        report.status = _delete(cfn, stack, waiting, report, [f.logical_id for f in failed])
    if report.status != "DELETE_COMPLETE":
        failures = failed_resources(cfn, stack) or failure_events(cfn, stack)
        hint = (
            ""
            if retain_failed
            else "; run destroy again (late access logs stop arriving after a while), or add "
            "--retain-failed to delete the stack and keep the resources that fail"
        )
        raise DestroyFailed(
            f"stack {stack} ended {report.status}: {describe_failures(failures)}{hint}", report
        )
    return report


def _delete(cfn, stack, waiting, report: DestroyReport, retain: list[str] | None = None) -> str:
    report.delete_attempts += 1
    _logger.info("deleting stack %s%s", stack, f", retaining {retain}" if retain else "")
    cfn.delete_stack(StackName=stack, **({"RetainResources": retain} if retain else {}))
    return wait_for_stack(cfn, stack, waiting, f"deletion of {stack}")


def _empty_failed_buckets_and_delete(
    cfn, s3, stack, resources: list[StackResource], waiting, report: DestroyReport
) -> str:
    """After DELETE_FAILED: empty the buckets CloudFormation could not delete (access logs
    that landed after the emptying) and delete once more; the final status."""
    physical = {r.logical_id: r.physical_id for r in resources if r.resource_type == BUCKET}
    failed = [
        physical[f.logical_id]
        for f in failed_resources(cfn, stack)
        if f.resource_type == BUCKET and physical.get(f.logical_id)
    ]
    if not failed:
        return "DELETE_FAILED"
    for bucket in failed:
        _logger.info("%s was not empty when CloudFormation deleted it: emptying it again", bucket)
        report.emptied_again.append(empty_until_stable(s3, bucket, waiting, settle=True))
    return _delete(cfn, stack, waiting, report)


def stop_access_logging(s3, buckets: list[str]) -> tuple[list[str], set[str]]:
    """Turn off server access logging of `buckets`; (the buckets it was on for, the buckets
    their logs went to). Deliveries already under way still land (best effort, late)."""
    stopped, targets = [], set()
    for bucket in buckets:
        try:
            logging_status = s3.get_bucket_logging(Bucket=bucket).get("LoggingEnabled")
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "NoSuchBucket":
                continue
            raise
        if logging_status:
            targets.add(logging_status["TargetBucket"])
            s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={})
            stopped.append(bucket)
    return stopped, targets


def empty_until_stable(
    s3, bucket: str, waiting: Waiting, *, settle: bool = False, rounds: int = EMPTY_ROUNDS
) -> BucketEmptied:
    """Empty `bucket` (all versions and delete markers) and look again, up to `rounds` passes,
    until a look finds it empty; with `settle`, wait `waiting.poll_seconds` before each look
    (for a bucket that receives access logs)."""
    result = BucketEmptied(bucket)
    for _ in range(rounds):
        deleted = delete_all_versions(s3, bucket)
        if deleted is None:
            result.missing = True
            return result
        result.deleted += deleted
        result.rounds += 1
        if settle:
            waiting.sleep(waiting.poll_seconds)
        if not _has_objects(s3, bucket):
            return result
        _logger.info("%s received new objects while being emptied: emptying again", bucket)
    result.stayed_empty = False
    return result


def delete_all_versions(s3, bucket: str) -> int | None:
    """Delete every object version and delete marker of `bucket`; how many, None when the
    bucket does not exist."""
    deleted = 0
    try:
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
            objects = [
                {"Key": v["Key"], "VersionId": v["VersionId"]}
                for v in page.get("Versions", []) + page.get("DeleteMarkers", [])
            ]
            for start in range(0, len(objects), 1000):
                batch = objects[start : start + 1000]
                result = s3.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})
                if result.get("Errors"):
                    first = result["Errors"][0]
                    raise DeployError(
                        f"cannot empty {bucket}: {first.get('Key')}: "
                        f"{first.get('Code')} {first.get('Message')}"
                    )
                deleted += len(batch)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "NoSuchBucket":
            return None
        raise
    return deleted


def empty_bucket(s3, bucket: str) -> bool:
    """Delete every object version and delete marker of `bucket`; False if it does not exist."""
    return delete_all_versions(s3, bucket) is not None


def _has_objects(s3, bucket: str) -> bool:
    try:
        listing = s3.list_object_versions(Bucket=bucket, MaxKeys=1)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "NoSuchBucket":
            return False
        raise
    return bool(listing.get("Versions") or listing.get("DeleteMarkers"))
