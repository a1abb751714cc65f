"""`datalake deploy` and `datalake destroy`: package, bootstrap, then create/update or delete
the stack on the local cloud or on AWS. Both targets share packaging and bootstrap."""

from __future__ import annotations

import argparse
import json
import logging
import sys

from datalake import aws
from datalake.cli.common import CliError, NotConfirmed, add_stack_options, resolved_stack
from datalake.cli.synth import parse_params
from datalake.config import save_outputs

_logger = logging.getLogger(__name__)


def register(subparsers) -> None:
    deploy = subparsers.add_parser(
        "deploy",
        help="package the code and create or update the stack (local cloud or AWS)",
        description="Build the Lambda zips, the datalake wheel and the Glue scripts, upload them "
        "to the artifacts bucket, then create or update the stack through a change "
        "set. Outputs are printed and saved to build/<stack>/outputs.json.",
    )
    add_stack_options(deploy)
    deploy.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="K=V",
        help="template parameter value, e.g. ApiAuthMode=IAM (repeatable)",
    )
    deploy.add_argument(
        "--timeout",
        type=float,
        default=3600.0,
        help="seconds to wait for the stack (AWS target; default 3600)",
    )
    deploy.add_argument(
        "--replace-failed",
        action="store_true",
        help="AWS target: delete a stack left ROLLBACK_COMPLETE by a failed first create, then "
        "create it again (without this, deploy stops and says so)",
    )
    deploy.set_defaults(func=run_deploy)

    destroy = subparsers.add_parser(
        "destroy",
        help="empty the stack's buckets (all versions) and delete the stack",
        description="Asks first (like `cdk destroy`); --yes skips the question for scripts. "
        "On AWS: disables the stack's schedule rules, stops running executions, job runs and "
        "crawls, empties every bucket (all versions, the access-log bucket last and again "
        "after a DELETE_FAILED), deletes the stack, and prints what it did.",
    )
    add_stack_options(destroy)
    destroy.add_argument(
        "-y",
        "--yes",
        action="store_true",
        help="do not ask for confirmation (needed without a terminal)",
    )
    destroy.add_argument(
        "--retain-failed",
        action="store_true",
        help="AWS target: if the deletion still ends DELETE_FAILED, delete the stack again "
        "keeping the resources that fail (printed; delete them by hand)",
    )
    destroy.add_argument(
        "--keep-artifacts",
        action="store_true",
        help="keep the artifacts bucket made by deploy's bootstrap step",
    )
    destroy.add_argument(
        "--timeout",
        type=float,
        default=3600.0,
        help="seconds to wait for the deletion (AWS target; default 3600)",
    )
    destroy.set_defaults(func=run_destroy)


def _checked_params(items: list[str]):
    """Parse --param values and validate them against the template's parameter rules."""
    from infra_gen import TemplateConfig

    params = parse_params(items)
    config = TemplateConfig().with_params(params)  # ValueError names a bad parameter
    return params, config


def _require_credentials(target: str) -> None:
    if target != "aws":
        return
    from datalake.deploy.aws import MissingCredentials, check_credentials

    try:
        identity = check_credentials(aws.client("sts", "aws"))
    except MissingCredentials as error:
        raise CliError(str(error)) from None
    _logger.info("deploying as %s in %s", identity.get("Arn"), aws.region_name())


def _warn_runtime_support(target: str) -> None:
    """Say when AWS's deprecation of the functions' runtime is near or past (decision 119)."""
    if target != "aws":
        return
    from datetime import datetime, timezone

    from datalake.deploy.runtime_support import runtime_notice
    from infra_gen.ingestion import LAMBDA_RUNTIME

    notice = runtime_notice(LAMBDA_RUNTIME, datetime.now(timezone.utc).date())
    if notice:
        _logger.warning(notice)


def run_deploy(args: argparse.Namespace) -> int:
    from datalake.deploy import DeployError, bootstrap_artifacts, package_all
    from infra_gen import to_json

    stack, target = resolved_stack(args), args.target
    params, config = _checked_params(args.param)
    _require_credentials(target)
    _warn_runtime_support(target)
    artifacts = package_all()
    parameters = {**bootstrap_artifacts(stack, artifacts, target), **params}
    body = to_json(config)
    try:
        if target == "local":
            from datalake.deploy import local

            outputs = local.deploy(stack, json.loads(body), parameters, artifacts)
        else:
            outputs = _deploy_aws(stack, body, parameters, args.timeout, args.replace_failed)
    except DeployError as error:
        raise CliError(str(error)) from None
    path = save_outputs(stack, outputs)
    print(json.dumps(outputs, indent=2, sort_keys=True))
    _logger.info("outputs saved to %s", path)
    return 0


def _deploy_aws(
    stack: str, body: str, parameters: dict, timeout: float, replace_failed: bool = False
) -> dict:
    from datalake.deploy.aws import MAX_INLINE_TEMPLATE, Waiting, deploy_stack
    from datalake.deploy.bootstrap import ARTIFACTS_PARAMETER, upload_template

    if parameters.get("ReplicationEnabled") == "true":
        from datalake.deploy.bootstrap import account_id, check_replica_buckets

        check_replica_buckets(
            aws.client("s3", "aws"),
            stack,
            account_id("aws"),
            parameters.get("ReplicaRegion", "us-west-2"),
        )
    source: dict = {"template_body": body}
    if len(body.encode()) > MAX_INLINE_TEMPLATE:
        source = {
            "template_url": upload_template(
                aws.client("s3", "aws"),
                parameters[ARTIFACTS_PARAMETER],
                stack,
                body,
                aws.region_name(),
            )
        }
    return deploy_stack(
        aws.client("cloudformation", "aws"),
        stack,
        parameters,
        tags={"datalake:stack": stack},
        waiting=Waiting(timeout_seconds=timeout),
        replace_failed=replace_failed,
        **source,
    )


def run_destroy(args: argparse.Namespace) -> int:
    from datalake.deploy import DeployError
    from datalake.deploy.bootstrap import delete_artifacts_bucket

    stack, target = resolved_stack(args), args.target
    confirm_destroy(stack, target, args.yes)
    _require_credentials(target)
    try:
        if target == "local":
            from datalake.deploy import local

            local.destroy(stack)
        else:
            _destroy_aws(stack, args.timeout, args.retain_failed)
    except DeployError as error:
        raise CliError(str(error)) from None
    if not args.keep_artifacts and delete_artifacts_bucket(stack, target):
        print(f"artifacts bucket of {stack} deleted")
    return 0


def confirm_destroy(stack: str, target: str, yes: bool) -> None:
    """Ask as `cdk destroy` does unless `yes`; NotConfirmed (exit 2) without a terminal to
    ask on, CliError when the answer is not yes. Nothing is deleted in either case."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise NotConfirmed(
            f"destroy deletes stack {stack} ({target}) and all the data in its buckets; there "
            "is no terminal to ask for confirmation: pass --yes to confirm. Nothing was deleted."
        )
    answer = input(f"Are you sure you want to delete: {stack} (y/n)? ")
    if answer.strip().lower() not in ("y", "yes"):
        raise CliError(f"destroy cancelled: stack {stack} was not deleted")


def _destroy_aws(stack: str, timeout: float, retain_failed: bool) -> None:
    from datalake.deploy.aws import Waiting
    from datalake.deploy.destroy import DestroyFailed, destroy_stack

    try:
        report = destroy_stack(
            lambda service: aws.client(service, "aws"),
            stack,
            waiting=Waiting(timeout_seconds=timeout),
            retain_failed=retain_failed,
        )
    except DestroyFailed as error:
        print("\n".join(error.report.lines()))
        raise
    print("\n".join(report.lines()))
