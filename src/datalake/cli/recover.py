"""`datalake recover raw`: list the versions of raw objects and restore a deleted or
overwritten one from its versions (see `datalake.recovery` and docs/runbooks.md)."""

from __future__ import annotations

import argparse
import logging

from datalake import aws
from datalake.cli.common import CliError, add_stack_options, resolved_stack
from datalake.config import load_outputs

_logger = logging.getLogger(__name__)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "recover",
        help="restore a deleted or overwritten raw object from its S3 versions",
        description="Without --list: copy an older version of --key over the current one "
        "(deleted key: its newest version; overwritten key: the version before the current "
        "one; or --version-id). --list shows the versions of --key, or, without --key, the "
        "deleted keys under --prefix.",
    )
    parser.add_argument("zone", choices=["raw"], help="the zone (only the raw bucket is "
                        "versioned as the source of truth)")
    add_stack_options(parser)
    parser.add_argument("--key", help="object key in the raw bucket")
    parser.add_argument("--version-id", help="the version to restore (default: see above)")
    parser.add_argument("--list", action="store_true",
                        help="list versions of --key, or deleted keys under --prefix")
    parser.add_argument("--prefix", default="", help="with --list and no --key: key prefix")
    parser.add_argument("--dry-run", action="store_true",
                        help="say which version would be restored, write nothing")
    parser.set_defaults(func=run_recover)


def raw_bucket(stack: str, target: str) -> str:
    """The stack's raw bucket: from the saved outputs, else the contract's name."""
    try:
        return load_outputs(stack)["RawBucket"]
    except (FileNotFoundError, KeyError):
        account = aws.client("sts", target).get_caller_identity()["Account"]
        return f"{stack}-raw-{account}-{aws.region_name()}"


def run_recover(args: argparse.Namespace) -> int:
    from datalake.recovery import RecoveryError, list_deleted_keys, list_versions, restore_object

    stack, target = resolved_stack(args), args.target
    s3 = aws.client("s3", target)
    bucket = raw_bucket(stack, target)
    if args.list:
        if args.key:
            versions = list_versions(s3, bucket, args.key)
            if not versions:
                raise CliError(f"no versions of s3://{bucket}/{args.key}")
            for v in versions:
                kind = "delete-marker" if v.is_delete_marker else f"{v.size} bytes"
                print(f"{v.version_id}  {v.last_modified.isoformat()}  {kind}"
                      f"{'  (current)' if v.is_latest else ''}")
        else:
            deleted = list_deleted_keys(s3, bucket, args.prefix)
            for v in deleted:
                print(f"{v.key}  deleted {v.last_modified.isoformat()}")
            print(f"{len(deleted)} deleted key(s) under s3://{bucket}/{args.prefix}")
        return 0
    if not args.key:
        raise CliError("--key is required to restore (use --list to find keys)")
    try:
        result = restore_object(s3, bucket, args.key, args.version_id, dry_run=args.dry_run)
    except RecoveryError as error:
        raise CliError(f"s3://{bucket}/{args.key}: {error}") from None
    state = "deleted" if result["was_deleted"] else "overwritten"
    if args.dry_run:
        print(f"would restore s3://{bucket}/{args.key} ({state}) from version "
              f"{result['restored_version_id']}")
    else:
        print(f"restored s3://{bucket}/{args.key} ({state}) from version "
              f"{result['restored_version_id']}; new current version {result['new_version_id']}")
    return 0
